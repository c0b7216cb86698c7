/*
 * cache.c - see cache.h.
 */
#define _XOPEN_SOURCE   700 /* realpath() (POSIX, XSI) */
#define _DEFAULT_SOURCE     /* flock() */

#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xxhash.h>

#include "domain.h"
#include "job.h"
#include "mem.h"
#include "part.h"
#include "part_memo.h"
#include "record.h"
#include "side.h"

static void
hex(char *out, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

static void
hash128(const void *p, size_t len, uint8_t out[16])
{
    XXH128_canonical_t c;

    XXH128_canonicalFromHash(&c, XXH3_128bits(p, len));
    memcpy(out, c.digest, 16);
}

static int64_t
now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static char *
join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *s = mem_alloc(n);

    snprintf(s, n, "%s/%s", a, b);
    return s;
}

/* mkdir that is fine when the directory is already there. 0 or errno. */
static int
make_dir(const char *path)
{
    struct stat st;

    if (mkdir(path, 0755) == 0)
        return 0;
    if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    return errno == EEXIST ? ENOTDIR : errno;
}

static const char *
view_name(enum rec_view v)
{
    switch (v) {
    case REC_FLOWS:
        return "flows";
    case REC_SILK:
        return "silk";
    case REC_SILK_FORWARD:
        return "silk-forward";
    case REC_DNS:
        return "dns";
    }
    return "?";
}

static const char *
agg_name(enum agg_kind k)
{
    switch (k) {
    case AGG_COUNT:
        return "count";
    case AGG_SUM:
        return "sum";
    case AGG_MIN:
        return "min";
    case AGG_MAX:
        return "max";
    case AGG_DISTINCT:
        return "distinct";
    case AGG_AVG:
        return "avg";
    }
    return "?";
}

char *
cache_job_text_group(const struct job *job, const char *where)
{
    size_t cap = 256 + DOMAIN_LIST_ID_MAX + (where ? strlen(where) : 0) + 96 * job->ncols, len;
    char *s = mem_alloc(cap);

    len = (size_t)snprintf(s, cap, "group records=%s bytes=%s keys=", view_name(job->view),
                           job->bytes_total ? "total" : "forward");
    for (size_t i = 0; i < job->nkeys; i++) {
        len += (size_t)snprintf(s + len, cap - len, "%s%s", i ? "," : "",
                                record_field_name(job->cols[i].field));
        if (job->cols[i].bin) /* bin(field, W): W in the field's unit */
            len +=
                (size_t)snprintf(s + len, cap - len, "/%llu", (unsigned long long)job->cols[i].bin);
    }
    len += (size_t)snprintf(s + len, cap - len, " aggs=");
    for (size_t i = job->nkeys; i < job->ncols; i++) {
        const struct job_col *c = &job->cols[i];

        len += (size_t)snprintf(s + len, cap - len, "%s%s(%s)", i > job->nkeys ? "," : "",
                                agg_name(c->agg),
                                c->agg == AGG_COUNT ? "" : record_field_name(c->field));
    }
    len += (size_t)snprintf(s + len, cap - len, " where=%s", where ? where : "");
    if (job->size_test) /* the records --having's size tests drop make no group (job.h) */
        len += (size_t)snprintf(s + len, cap - len, " sizes=%llu..%llu",
                                (unsigned long long)job->size_lo, (unsigned long long)job->size_hi);
    if (job->dl != NULL) { /* dns.domain: which Public Suffix List made the domains */
        char id[DOMAIN_LIST_ID_MAX];

        domain_list_identity(id, sizeof(id));
        snprintf(s + len, cap - len, " %s", id);
    }
    return s;
}

/*
 * lock_job_dir() - a shared flock(2) on c->job_dir, held until cache_close(): `cache prune`
 * takes an exclusive one on each job directory (without waiting) and passes over a directory
 * in use, so it never removes a running sweep's partials or its emptied job directory. A prune
 * holding the lock may have removed the directory just before this lock was granted: it is
 * made again and locked anew. Returns the descriptor, or -1 (the directory cannot be opened:
 * no lock, as before).
 */
static int
lock_job_dir(const struct cache *c)
{
    for (int tries = 0; tries < 8; tries++) {
        int fd = open(c->job_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        struct stat held, now;

        if (fd < 0)
            return -1;
        if (flock(fd, LOCK_SH) != 0)
            return fd; /* no flock there (some network file systems): unguarded, as before */
        if (fstat(fd, &held) == 0 && lstat(c->job_dir, &now) == 0 && held.st_ino == now.st_ino &&
            held.st_dev == now.st_dev)
            return fd;
        close(fd);
        if (make_dir(c->dir) != 0 || make_dir(c->job_dir) != 0)
            return -1;
    }
    return -1;
}

/* The job fingerprint of job text `job` followed by `more` (cache.h). */
static void
job_fp(const char *job, const char *more, uint32_t state_version, uint8_t out[16])
{
    size_t n = strlen(job) + strlen(more) + 64;
    char *text = mem_alloc(n);

    snprintf(text, n, "flowsweep cache semantics %d state %u\n%s%s", CACHE_SEMANTICS, state_version,
             job, more);
    hash128(text, strlen(text), out);
    mem_free(text);
}

int
cache_open(struct cache *c, const char *dir, const char *job, uint32_t state_version,
           struct err *warn)
{
    int e;

    memset(c, 0, sizeof(*c));
    c->lock_fd = -1;
    snprintf(c->job, sizeof(c->job), "%s", job);
    c->state_version = state_version;
    job_fp(job, "", state_version, c->fp);
    hex(c->fp_hex, c->fp, 16);
    c->dir = mem_strdup(dir);
    c->job_dir = join(dir, c->fp_hex);
    atomic_store(&c->write_ok, 1);
    e = make_dir(dir);
    if (e == 0)
        e = make_dir(c->job_dir);
    if (e == 0) { /* a job directory is the cache's own: never followed out of DIR */
        struct stat st;

        if (lstat(c->job_dir, &st) == 0 && !S_ISDIR(st.st_mode))
            e = ELOOP;
    }
    if (e == 0) /* before the probe: a prune cannot remove the job directory from now on */
        c->lock_fd = lock_job_dir(c);
    if (e == 0) /* a cache directory to the walk (and to tar, borg, restic): never input */
        cache_tag_dir(dir);
    if (e == 0) { /* can a partial be created here? (root passes mode bits: try it) */
        char *probe = join(c->job_dir, ".tmp-probe");
        size_t len = strlen(probe) + 32;
        char *name = mem_alloc(len);
        int fd;

        snprintf(name, len, "%s.%ld", probe, (long)getpid());
        fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
            e = errno;
        } else {
            close(fd);
            unlink(name);
        }
        mem_free(name);
        mem_free(probe);
    }
    {
        struct stat st;

        c->read_ok = lstat(c->job_dir, &st) == 0 && S_ISDIR(st.st_mode);
    }
    if (e != 0) {
        atomic_store(&c->write_ok, 0);
        ERR_SET_ERRNO(warn, e, "%s: partials will not be written", dir);
    }
    return 0;
}

void
cache_window(struct cache *c, int lo_set, int64_t lo_ms, int hi_set, int64_t hi_ms)
{
    char w[96];

    /* the text the job key took before: "window 1714978800000 open 0" */
    snprintf(w, sizeof(w), "\nwindow %s%lld %s%lld", lo_set ? "" : "open ", (long long)lo_ms,
             hi_set ? "" : "open ", (long long)hi_ms);
    job_fp(c->job, w, c->state_version, c->fp_win);
    {
        size_t jl = strlen(c->job), wl = strlen(w);

        if (jl + wl >= sizeof(c->job_win)) /* the text is for people: cut, the key is whole */
            wl = sizeof(c->job_win) - 1 - jl;
        memcpy(c->job_win, c->job, jl);
        memcpy(c->job_win + jl, w, wl);
        c->job_win[jl + wl] = '\0';
    }
    c->has_win = 1;
}

void
cache_close(struct cache *c)
{
    if (c->lock_fd >= 0)
        close(c->lock_fd); /* releases the job directory to prune */
    c->lock_fd = -1;
    mem_free(c->dir);
    mem_free(c->job_dir);
    c->dir = c->job_dir = NULL;
}

int
cache_identify(const char *path, struct cache_src *s, struct err *err)
{
    char real[PATH_MAX];
    struct stat st;

    memset(s, 0, sizeof(*s));
    s->now_ns = now_ns(); /* before the stat: a change after it shows as a newer mtime */
    if (realpath(path, real) == NULL)
        return ERR_SET_ERRNO(err, errno, "%s", path);
    if (strlen(real) >= sizeof(s->path))
        return ERR_SET(err, ERR_LIMIT, "%s: path too long to cache", path);
    if (stat(real, &st) != 0)
        return ERR_SET_ERRNO(err, errno, "%s", path);
    if (!S_ISREG(st.st_mode))
        return ERR_SET(err, ERR_FORMAT, "%s: not a regular file", path);
    snprintf(s->path, sizeof(s->path), "%s", real);
    s->size = (uint64_t)st.st_size;
    s->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    s->ctime_ns = (int64_t)st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec;
    s->ino = (uint64_t)st.st_ino;
    s->dev = (uint64_t)st.st_dev;
    return 0;
}

/* A compact cache_src for a path of `len` bytes (cache.h). */
static struct cache_src *
src_alloc(size_t len)
{
    return mem_alloc(offsetof(struct cache_src, path) + len + 1);
}

struct cache_src *
cache_src_dup(const struct cache_src *s)
{
    size_t len = strlen(s->path);
    struct cache_src *d = src_alloc(len);

    memcpy(d, s, offsetof(struct cache_src, path));
    memcpy(d->path, s->path, len + 1);
    return d;
}

struct cache_src *
cache_src_walked(const struct part_file *f)
{
    struct cache_src *s;
    size_t len;

    if (f->real == NULL || f->seen_ns == 0 || (len = strlen(f->real)) >= PARTIAL_PATH_MAX)
        return NULL;
    s = src_alloc(len);
    s->size = f->size;
    s->mtime_ns = f->mtime_ns;
    s->ctime_ns = f->ctime_ns;
    s->ino = f->ino;
    s->dev = f->dev;
    s->now_ns = f->seen_ns;
    s->filtered = 0;
    memcpy(s->path, f->real, len + 1);
    return s;
}

/* Fills s's identity from `st` (a regular file). */
static int
ident_from_stat(const char *path, const struct stat *st, struct cache_src *s, struct err *err)
{
    if (!S_ISREG(st->st_mode))
        return ERR_SET(err, ERR_FORMAT, "%s: not a regular file", path);
    s->size = (uint64_t)st->st_size;
    s->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
    s->ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec;
    s->ino = (uint64_t)st->st_ino;
    s->dev = (uint64_t)st->st_dev;
    return 0;
}

/* id's directory becomes `dir` (dl bytes) resolved whole by realpath(). 0, or errno. */
static int
ident_realpath(struct cache_ident *id, const char *dir, size_t dl)
{
    char real[PATH_MAX];
    size_t rl;

    id->n = 0;
    if (dl >= sizeof(id->in))
        return ENAMETOOLONG;
    memcpy(id->in, dir, dl);
    id->in[dl] = '\0';
    if (realpath(id->in, real) == NULL)
        return errno;
    rl = strlen(real);
    if (rl == 1 && real[0] == '/')
        rl = 0; /* the root: "" so that "/" + name follows */
    if (rl >= sizeof(id->real))
        return ENAMETOOLONG;
    memcpy(id->real, real, rl);
    id->real[rl] = '\0';
    id->in_end[0] = (uint32_t)dl;
    id->real_end[0] = (uint32_t)rl;
    id->n = 1;
    return 0;
}

/*
 * Resolves directory dir[0..dl) into id->real, reusing the components it
 * shares with the last one. 0, or errno (then id is reset).
 */
static int
ident_dir(struct cache_ident *id, const char *dir, size_t dl)
{
    uint32_t k = id->n;
    size_t pos, rl;

    /* the deepest component of the last directory that `dir` starts with */
    while (k > 0) {
        size_t e = id->in_end[k - 1];

        if (e <= dl && memcmp(id->in, dir, e) == 0 && (e == dl || dir[e] == '/'))
            break;
        k--;
    }
    if (k > 0) {
        pos = id->in_end[k - 1];
        rl = id->real_end[k - 1];
    } else if (dl > 0 && dir[0] == '/') {
        pos = 0;
        rl = 0;
    } else { /* relative: from the working directory's real path */
        if (!id->have_cwd) {
            char real[PATH_MAX];

            if (realpath(".", real) == NULL || strlen(real) >= sizeof(id->cwd_real))
                return ident_realpath(id, dir, dl);
            snprintf(id->cwd_real, sizeof(id->cwd_real), "%s", strcmp(real, "/") == 0 ? "" : real);
            id->have_cwd = 1;
        }
        pos = 0;
        rl = strlen(id->cwd_real);
        memcpy(id->real, id->cwd_real, rl + 1);
    }
    if (dl >= sizeof(id->in))
        return ident_realpath(id, dir, dl);
    memcpy(id->in, dir, dl);
    id->in[dl] = '\0';
    id->n = k;
    while (pos < dl) {
        size_t a = pos, b;
        struct stat st;

        while (a < dl && dir[a] == '/')
            a++;
        if (a == dl)
            break;
        for (b = a; b < dl && dir[b] != '/'; b++)
            ;
        if ((b - a == 1 && dir[a] == '.') || (b - a == 2 && dir[a] == '.' && dir[a + 1] == '.') ||
            id->n >= CACHE_IDENT_DEPTH || rl + 1 + (b - a) >= sizeof(id->real))
            return ident_realpath(id, dir, dl);
        id->real[rl] = '/';
        memcpy(id->real + rl + 1, dir + a, b - a);
        rl += 1 + (b - a);
        id->real[rl] = '\0';
        /* a link, or anything but a directory: realpath() says what it is */
        if (lstat(id->real, &st) != 0 || !S_ISDIR(st.st_mode))
            return ident_realpath(id, dir, dl);
        id->in_end[id->n] = (uint32_t)b;
        id->real_end[id->n++] = (uint32_t)rl;
        pos = b;
    }
    if (id->n == 0) /* "/" itself (or a relative "" resolved to the working directory) */
        return ident_realpath(id, dir, dl);
    id->real[id->real_end[id->n - 1]] = '\0';
    return 0;
}

int
cache_identify_in(struct cache_ident *id, const char *path, struct cache_src *s, struct err *err)
{
    const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
    size_t dl = slash ? (size_t)(slash - path) : 0, rl;
    struct stat st;

    if (id == NULL || name[0] == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return cache_identify(path, s, err);
    if (slash == path)
        dl = 1; /* "/name": the directory is "/" */
    if (ident_dir(id, slash ? path : ".", slash ? dl : 1) != 0) {
        id->n = 0;
        return cache_identify(path, s, err); /* with realpath()'s own error */
    }
    memset(s, 0, sizeof(*s));
    s->now_ns = now_ns(); /* before the stat: a change after it shows as a newer mtime */
    rl = id->real_end[id->n - 1];
    if (rl + 1 + strlen(name) >= sizeof(s->path))
        return cache_identify(path, s, err);
    memcpy(s->path, id->real, rl);
    s->path[rl] = '/';
    memcpy(s->path + rl + 1, name, strlen(name) + 1);
    if (lstat(s->path, &st) != 0 || S_ISLNK(st.st_mode))
        return cache_identify(path, s, err);
    return ident_from_stat(path, &st, s, err);
}

/*
 * DIR/<job>/<XXH3-128 of the real path>.part, mem_free() it; a filtered file's: of the real
 * path, a NUL and the fingerprint of the job and the window (c->fp_win).
 */
static char *
entry_path(const struct cache *c, const struct cache_src *s)
{
    uint8_t h[16];
    char name[40];

    if (s->filtered) {
        XXH3_state_t *hs = XXH3_createState();
        XXH128_canonical_t d;

        XXH3_128bits_reset(hs);
        XXH3_128bits_update(hs, s->path, strlen(s->path) + 1);
        XXH3_128bits_update(hs, c->fp_win, 16);
        XXH128_canonicalFromHash(&d, XXH3_128bits_digest(hs));
        XXH3_freeState(hs);
        memcpy(h, d.digest, 16);
    } else {
        hash128(s->path, strlen(s->path), h);
    }
    hex(name, h, 16);
    memcpy(name + 32, ".part", 6);
    return join(c->job_dir, name);
}

int
cache_racy(const struct cache_src *s)
{
    return s->now_ns - s->mtime_ns < CACHE_RACY_NS || s->now_ns - s->ctime_ns < CACHE_RACY_NS;
}

static enum cache_look
lookup(const struct cache *c, const struct cache_src *s, struct partial *p, unsigned flags,
       struct err *why)
{
    char *path = entry_path(c, s);
    const struct partial_info *in = &p->info;
    struct stat st;
    int rc;

    if (!c->read_ok || (s->filtered && !c->has_win) ||
        (stat(path, &st) != 0 && (errno == ENOENT || errno == ENOTDIR))) {
        mem_free(path);
        memset(p, 0, sizeof(*p));
        return CACHE_MISS;
    }
    rc = partial_load(path, flags, p, why);
    if (rc < 0) {
        err_prefix(why, "%s", path);
        mem_free(path);
        partial_fini(p);
        return CACHE_BAD;
    }
    if (memcmp(in->job_fp, s->filtered ? c->fp_win : c->fp, 16) != 0 ||
        in->state_version != c->state_version) {
        ERR_SET(why, ERR_FORMAT, "%s: made for another job or state version", path);
        mem_free(path);
        partial_fini(p);
        return CACHE_BAD;
    }
    mem_free(path);
    if (strcmp(in->src_path, s->path) != 0 || in->src_size != s->size ||
        in->src_mtime_ns != s->mtime_ns || in->src_ino != s->ino || in->src_dev != s->dev ||
        in->created_ns - in->src_mtime_ns < CACHE_RACY_NS ||
        s->ctime_ns > in->created_ns - CACHE_RACY_NS) {
        partial_fini(p);
        return CACHE_STALE;
    }
    return CACHE_HIT;
}

enum cache_look
cache_lookup(const struct cache *c, const struct cache_src *s, struct partial *p, struct err *why)
{
    return lookup(c, s, p, 0, why);
}

int
cache_head_valid(const struct cache *c, const struct cache_src *s)
{
    struct partial p;
    struct err why;
    enum cache_look look;

    err_init(&why);
    look = lookup(c, s, &p, PARTIAL_LOAD_HEAD_ONLY, &why);
    if (look == CACHE_HIT)
        partial_fini(&p);
    return look == CACHE_HIT;
}

int64_t
cache_store(struct cache *c, const struct cache_src *s, struct partial_info *info,
            const struct htab *t, uint32_t val_len, partial_save_fn *save, const void *ctx,
            struct err *err)
{
    char *path;
    struct err first;
    int64_t rc;

    if (s->filtered && !c->has_win) /* never a filtered file's partial made as a whole one */
        return ERR_SET(err, ERR_INTERNAL, "%s: filtered by a window the cache was not told",
                       s->path);
    path = entry_path(c, s);
    memcpy(info->job_fp, s->filtered ? c->fp_win : c->fp, 16);
    snprintf(info->job, sizeof(info->job), "%s", s->filtered ? c->job_win : c->job);
    info->state_version = c->state_version;
    snprintf(info->src_path, sizeof(info->src_path), "%s", s->path);
    info->src_size = s->size;
    info->src_mtime_ns = s->mtime_ns;
    info->src_ino = s->ino;
    info->src_dev = s->dev;
    info->created_ns = s->now_ns;
    err_init(&first);
    rc = partial_write(path, info, t, val_len, save, ctx, &first);
    if (rc < 0 && first.sys_errno == ENOENT && make_dir(c->dir) == 0 &&
        make_dir(c->job_dir) == 0) /* a prune removed the emptied job directory meanwhile */
        rc = partial_write(path, info, t, val_len, save, ctx, err);
    else if (rc < 0)
        *err = first;
    mem_free(path);
    if (rc == -ERR_IO)
        atomic_store(&c->write_ok, 0);
    return rc;
}

/* ---- roll-ups ---- */

struct src_ref {
    const char *path;
    size_t i;
};

static int
src_ref_cmp(const void *a, const void *b)
{
    return strcmp(((const struct src_ref *)a)->path, ((const struct src_ref *)b)->path);
}

/* Plan index of the file at real path `path`, or (size_t)-1. */
static size_t
find_src(const struct src_ref *refs, size_t n, const char *path)
{
    struct src_ref key = {path, 0};
    const struct src_ref *r = bsearch(&key, refs, n, sizeof(*refs), src_ref_cmp);

    return r ? r->i : (size_t)-1;
}

/*
 * Whether member `m` is file `s` as it is now and was old enough when examined (cache.h):
 * its ctime still at least CACHE_RACY_NS before the examination, so that no change since
 * (which stamps a ctime from a clock at most one tick behind) can hide in a coarse tick.
 */
static int
member_valid(const struct partial_member *m, const struct cache_src *s)
{
    return strcmp(m->path, s->path) == 0 && m->size == s->size && m->mtime_ns == s->mtime_ns &&
           m->ino == s->ino && m->dev == s->dev && m->examined_ns - m->mtime_ns >= CACHE_RACY_NS &&
           s->ctime_ns <= m->examined_ns - CACHE_RACY_NS;
}

void
cache_drop(struct cache *c, const char *path)
{
    if (atomic_load(&c->write_ok))
        (void)unlink(path);
}

static int
roll_cmp(const void *a, const void *b)
{
    const struct cache_roll *x = a, *y = b;

    if (x->nmembers != y->nmembers)
        return x->nmembers > y->nmembers ? -1 : 1;
    return strcmp(x->path, y->path);
}

/*
 * Whether header `in` is a partial of filtered files made under another window than this
 * run's (its job text is the job's, then the window's line: cache_window()).
 */
static int
other_window(const struct cache *c, const struct partial_info *in)
{
    size_t n = strlen(c->job);

    return in->state_version == c->state_version && strncmp(in->job, c->job, n) == 0 &&
           strncmp(in->job + n, "\nwindow ", 8) == 0;
}

static void
add_warn(char ***warns, size_t *nwarns, const char *path, const char *why, const char *what)
{
    size_t len = strlen(path) + strlen(why) + strlen(what) + 64;
    char *w = mem_alloc(len);

    snprintf(w, len, "the roll-up %s: %s (%s)", path, why, what);
    *warns = mem_realloc(*warns, (*nwarns + 1) * sizeof(**warns));
    (*warns)[(*nwarns)++] = w;
}

size_t
cache_cover(struct cache *c, struct cache_src *const *srcs, size_t n, struct cache_roll **rolls,
            char ***warns, size_t *nwarns, size_t *seen)
{
    struct src_ref *refs = mem_calloc(n + 1, sizeof(*refs));
    struct partial *pp = mem_alloc(sizeof(*pp)); /* off the stack: it holds its strings */
    struct cache_roll *cand = NULL;
    size_t nrefs = 0, ncand = 0, cap = 0, nchosen = 0, parts;
    uint8_t *taken;
    DIR *d;
    struct dirent *de;

    *rolls = NULL;
    *seen = 0;
    c->no_parts = !c->read_ok; /* no job directory: no partial to look up */
    if (!c->read_ok || (d = opendir(c->job_dir)) == NULL) {
        mem_free(refs);
        mem_free(pp);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        if (srcs[i] != NULL) {
            refs[nrefs].path = srcs[i]->path;
            refs[nrefs++].i = i;
        }
    qsort(refs, nrefs, sizeof(*refs), src_ref_cmp);
    parts = 0;
    while ((errno = 0, de = readdir(d)) != NULL) {
        size_t nl = strlen(de->d_name);
        struct err why;
        char *path;
        size_t *idx;
        int ok = 1, stale = 0, loaded, filtered;

        if (de->d_name[0] != '.' && nl > 5 && strcmp(de->d_name + nl - 5, ".part") == 0)
            parts++;
        if (de->d_name[0] == '.' || nl < 6 || strcmp(de->d_name + nl - 5, ".roll") != 0)
            continue;
        path = join(c->job_dir, de->d_name);
        (*seen)++;
        err_init(&why);
        loaded = partial_load(path, PARTIAL_LOAD_HEAD_ONLY | PARTIAL_LOAD_ANY_ORDER, pp, &why) == 0;
        /* a roll-up of filtered files (cache_window()), made under this run's window */
        filtered = loaded && c->has_win && memcmp(pp->info.job_fp, c->fp_win, 16) == 0;
        if (loaded && !filtered && memcmp(pp->info.job_fp, c->fp, 16) != 0 &&
            other_window(c, &pp->info)) { /* of filtered files, made under another window */
            partial_fini(pp);
            mem_free(path);
            continue; /* kept for a run with that window */
        }
        if (!loaded ||
            (pp->info.nmembers == 0 && ERR_SET(&why, ERR_FORMAT, "%s", "not a roll-up") < 0) ||
            (((!filtered && memcmp(pp->info.job_fp, c->fp, 16) != 0) ||
              pp->info.state_version != c->state_version) &&
             ERR_SET(&why, ERR_FORMAT, "%s", "made for another job or state version") < 0)) {
            if (!(why.code == ERR_IO && why.sys_errno == ENOENT)) { /* not removed meanwhile */
                add_warn(warns, nwarns, path, why.msg, "ignored and removed");
                cache_drop(c, path);
            }
            partial_fini(pp);
            mem_free(path);
            continue;
        }
        idx = mem_alloc(pp->info.nmembers * sizeof(*idx));
        for (uint32_t k = 0; k < pp->info.nmembers && ok; k++) {
            size_t i = find_src(refs, nrefs, pp->info.members[k].path);

            if (i == (size_t)-1 || srcs[i]->filtered != filtered)
                ok = 0; /* not planned this time, or planned as the other kind: kept */
            else if (!member_valid(&pp->info.members[k], srcs[i]))
                ok = 0, stale = 1;
            else
                idx[k] = i;
        }
        if (ok) {
            if (ncand == cap) {
                cap = cap ? 2 * cap : 16;
                cand = mem_realloc(cand, cap * sizeof(*cand));
            }
            cand[ncand].path = path;
            cand[ncand].nmembers = pp->info.nmembers;
            cand[ncand].filtered = filtered;
            cand[ncand].head = pp; /* kept: the next roll-up's head gets its own */
            cand[ncand++].idx = idx;
            pp = mem_alloc(sizeof(*pp));
        } else {
            if (stale) /* a member changed: it never serves again */
                cache_drop(c, path);
            mem_free(path);
            mem_free(idx);
            partial_fini(pp);
        }
    }
    c->no_parts = errno == 0 && parts == 0; /* the whole listing read, no .part in it */
    closedir(d);
    mem_free(refs);
    if (ncand > 1)
        qsort(cand, ncand, sizeof(*cand), roll_cmp);
    taken = mem_calloc(n + 1, 1);
    for (size_t k = 0; k < ncand; k++) {
        int free_ = 1;

        for (uint32_t j = 0; j < cand[k].nmembers && free_; j++)
            free_ = !taken[cand[k].idx[j]];
        if (!free_) {
            mem_free(cand[k].path);
            mem_free(cand[k].idx);
            partial_fini(cand[k].head);
            mem_free(cand[k].head);
            continue;
        }
        for (uint32_t j = 0; j < cand[k].nmembers; j++)
            taken[cand[k].idx[j]] = 1;
        cand[nchosen++] = cand[k];
    }
    mem_free(taken);
    mem_free(pp);
    *rolls = cand;
    return nchosen;
}

void
cache_rolls_free(struct cache_roll *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        mem_free(r[i].path);
        mem_free(r[i].idx);
        if (r[i].head != NULL)
            partial_fini(r[i].head);
        mem_free(r[i].head);
    }
    mem_free(r);
}

int
cache_roll_matches(const struct cache *c, const struct partial *p, const struct cache_roll *r,
                   struct cache_src *const *srcs)
{
    if (memcmp(p->info.job_fp, r->filtered ? c->fp_win : c->fp, 16) != 0 ||
        p->info.state_version != c->state_version || p->info.nmembers != r->nmembers)
        return 0;
    for (uint32_t k = 0; k < r->nmembers; k++)
        if (srcs[r->idx[k]]->filtered != r->filtered ||
            !member_valid(&p->info.members[k], srcs[r->idx[k]]))
            return 0;
    return 1;
}

static int
member_cmp(const void *a, const void *b)
{
    return strcmp(((const struct partial_member *)a)->path,
                  ((const struct partial_member *)b)->path);
}

int64_t
cache_store_roll(struct cache *c, struct partial_member *m, uint32_t n, int filtered,
                 const struct htab *t, uint32_t val_len, partial_save_fn *save, const void *ctx,
                 struct err *err)
{
    return cache_store_roll_keep(c, m, n, filtered, t, val_len, save, ctx, NULL, NULL, err);
}

void
cache_set_finish(struct cache *c, const char *text)
{
    size_t n = strlen(text) + 64;
    char *t = mem_alloc(n);

    snprintf(t, n, "flowsweep side %d\n%s", SIDE_VERSION, text);
    hash128(t, strlen(t), c->finish_fp);
    mem_free(t);
    hex(c->finish_hex, c->finish_fp, 16);
    c->has_finish = 1;
}

char *
cache_beside_path(const struct cache *c, const char *roll_path, const char *suffix)
{
    const char *slash = strrchr(roll_path, '/');
    size_t dl = slash ? (size_t)(slash - roll_path) + 1 : 0, len = strlen(roll_path);
    size_t stem = len > dl + 5 ? len - dl - 5 : 0; /* without ".roll" */
    size_t cap = len + 40 + strlen(suffix);
    char *p = mem_alloc(cap);

    snprintf(p, cap, "%.*s-%s.%s", (int)(dl + stem), roll_path, c->finish_hex, suffix);
    return p;
}

char *
cache_side_path(const struct cache *c, const char *roll_path)
{
    return cache_beside_path(c, roll_path, "side");
}

int64_t
cache_store_side(struct cache *c, const char *roll_path, const uint8_t *b, size_t len,
                 struct err *err)
{
    return cache_store_beside(c, roll_path, "side", b, len, err);
}

int64_t
cache_store_beside(struct cache *c, const char *roll_path, const char *suffix, const uint8_t *b,
                   size_t len, struct err *err)
{
    static atomic_uint side_counter;
    char *path = cache_beside_path(c, roll_path, suffix), *tmp;
    const char *slash = strrchr(path, '/');
    size_t dl = slash ? (size_t)(slash - path) + 1 : 0, cap = strlen(path) + 64;
    int fd, e;
    int64_t rc = (int64_t)len;

    tmp = mem_alloc(cap);
    snprintf(tmp, cap, "%.*s.tmp-%s.%ld.%u", (int)dl, path, path + dl, (long)getpid(),
             atomic_fetch_add(&side_counter, 1));
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        rc = ERR_SET_ERRNO(err, errno, "cannot create %s", tmp);
    } else {
        e = partial_write_all(fd, b, len);
        if (close(fd) != 0 && e == 0)
            e = errno;
        if (e != 0)
            rc = ERR_SET_ERRNO(err, e, "cannot write %s", tmp);
        else if (rename(tmp, path) != 0)
            rc = ERR_SET_ERRNO(err, errno, "cannot rename %s to %s", tmp, path);
        if (rc < 0)
            unlink(tmp);
    }
    mem_free(tmp);
    mem_free(path);
    if (rc == -ERR_IO)
        atomic_store(&c->write_ok, 0);
    return rc;
}

int64_t
cache_store_roll_keep(struct cache *c, struct partial_member *m, uint32_t n, int filtered,
                      const struct htab *t, uint32_t val_len, partial_save_fn *save,
                      const void *ctx, char **path_out, struct partial_layout *lay, struct err *err)
{
    struct partial_info *info = mem_calloc(1, sizeof(*info));
    XXH3_state_t *hs = XXH3_createState();
    XXH128_canonical_t h;
    char name[40], *path;
    struct err first;
    int64_t rc;

    if (filtered && !c->has_win) { /* never filtered files' groups made a whole roll-up */
        XXH3_freeState(hs);
        mem_free(info);
        return ERR_SET(err, ERR_INTERNAL, "%s",
                       "a roll-up filtered by a window the cache was not told");
    }
    qsort(m, n, sizeof(*m), member_cmp);
    XXH3_128bits_reset(hs);
    if (filtered) /* named apart from a roll-up of the same files whole */
        XXH3_128bits_update(hs, c->fp_win, 16);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t id[4] = {m[i].size, (uint64_t)m[i].mtime_ns, m[i].ino, m[i].dev};

        XXH3_128bits_update(hs, m[i].path, strlen(m[i].path) + 1);
        XXH3_128bits_update(hs, id, sizeof(id));
    }
    XXH128_canonicalFromHash(&h, XXH3_128bits_digest(hs));
    XXH3_freeState(hs);
    hex(name, h.digest, 16);
    memcpy(name + 32, ".roll", 6);
    path = join(c->job_dir, name);
    memcpy(info->job_fp, filtered ? c->fp_win : c->fp, 16);
    snprintf(info->job, sizeof(info->job), "%s", filtered ? c->job_win : c->job);
    info->state_version = c->state_version;
    info->created_ns = now_ns();
    info->nmembers = n;
    info->members = m;
    info->any_order = 1; /* no sorting: loaded by hash, the bytes need not be canonical */
    err_init(&first);
    rc = partial_write_at(path, info, t, val_len, save, ctx, lay, &first);
    if (rc < 0 && first.sys_errno == ENOENT && make_dir(c->dir) == 0 &&
        make_dir(c->job_dir) == 0) /* a prune removed the emptied job directory meanwhile */
        rc = partial_write_at(path, info, t, val_len, save, ctx, lay, err);
    else if (rc < 0)
        *err = first;
    if (rc >= 0 && path_out != NULL) {
        *path_out = path;
        path = NULL;
    }
    mem_free(path);
    mem_free(info);
    if (rc == -ERR_IO)
        atomic_store(&c->write_ok, 0);
    return rc;
}

/* ---- stats and prune: walking DIR/<job>/ ---- */

/* Whether name[0..n) is n lowercase hex digits. */
static int
is_hex(const char *name, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
            return 0;
    return 1;
}

/* Whether `name` is a job directory's: a fingerprint, 32 lowercase hex digits. */
static int
is_job_dir_name(const char *name)
{
    return strlen(name) == 32 && is_hex(name, 32);
}

/* Whether `s` is one or more decimal digits. */
static int
is_num(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return n > 0;
}

/* Whether name[0..70) is a side file's: <32 hex>-<32 hex>.side (side.h), or an
 * operation's own (op.h's aux_suffix, 4 letters: dns-hunt's .hunt). */
static int
is_side_name(const char *name)
{
    return is_hex(name, 32) && name[32] == '-' && is_hex(name + 33, 32) &&
           (strncmp(name + 65, ".side", 5) == 0 || strncmp(name + 65, ".hunt", 5) == 0);
}

/*
 * What a file of a job directory is by its name: 3 a side file
 * (<32 hex>-<32 hex>.side, side.h), 1 a partial or roll-up
 * (<32 hex>.part, <32 hex>.roll), 2 a temporary of the cache (a writer's
 * .tmp-<32 hex>.part.PID.N or .roll.PID.N, partial.c; the probe's
 * .tmp-probe.PID), 0 a file the cache never writes.
 */
static int
own_name(const char *name)
{
    size_t len = strlen(name);
    const char *dot;

    if (len == 37 && is_hex(name, 32) &&
        (strcmp(name + 32, ".part") == 0 || strcmp(name + 32, ".roll") == 0))
        return 1;
    if (len == 70 && is_side_name(name))
        return 3;
    if (len > 76 && strncmp(name, ".tmp-", 5) == 0 && is_side_name(name + 5) && name[75] == '.') {
        dot = strchr(name + 76, '.');
        return dot != NULL && is_num(name + 76, (size_t)(dot - name - 76)) &&
                       is_num(dot + 1, strlen(dot + 1))
                   ? 2
                   : 0;
    }
    if (strncmp(name, ".tmp-probe.", 11) == 0)
        return is_num(name + 11, len - 11) ? 2 : 0;
    if (len < 46 || strncmp(name, ".tmp-", 5) != 0 || !is_hex(name + 5, 32) ||
        (strncmp(name + 37, ".part.", 6) != 0 && strncmp(name + 37, ".roll.", 6) != 0))
        return 0;
    dot = strchr(name + 43, '.');
    return dot != NULL && is_num(name + 43, (size_t)(dot - name - 43)) &&
                   is_num(dot + 1, strlen(dot + 1))
               ? 2
               : 0;
}

/* Calls fn for every file of every job directory of DIR. */
typedef int walk_fn(void *ctx, const char *job_hex, const char *path, const char *name,
                    const struct stat *st, struct err *err);

/* Whether `name` is `base` or a temporary of its writer (".tmp-BASE.*"). */
static int
base_or_tmp(const char *name, const char *base)
{
    size_t n = strlen(base);

    if (strcmp(name, base) == 0)
        return 1;
    return strncmp(name, ".tmp-", 5) == 0 && strncmp(name + 5, base, n) == 0 && name[5 + n] == '.';
}

/* Whether `name`, in DIR itself, is the walk's memo (part_memo.h), the cache directory tag
 * (cache_tag_dir()) or their writers' temporaries. */
static int
own_top(const char *name)
{
    return base_or_tmp(name, PART_MEMO_NAME) || base_or_tmp(name, PART_CACHEDIR_TAG);
}

void
cache_tag_dir(const char *dir)
{
    static const char text[] = PART_CACHEDIR_SIGNATURE
        "\n# This file is a cache directory tag created by flowsweep (--cache DIR).\n"
        "# For information about cache directory tags, see:\n"
        "#\thttps://bford.info/cachedir/\n";
    char *tag = join(dir, PART_CACHEDIR_TAG), *tmp;
    struct stat st;
    struct dirent *de;
    DIR *d;
    size_t len;
    int own = 1, fd;

    if (lstat(tag, &st) == 0 || errno != ENOENT || (d = opendir(dir)) == NULL) {
        mem_free(tag); /* tagged already (whatever it holds), or DIR not there */
        return;
    }
    while (own && (de = readdir(d)) != NULL) // NOLINT(concurrency-mt-unsafe): one thread
        own = strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
              is_job_dir_name(de->d_name) || own_top(de->d_name);
    closedir(d);
    if (own) { /* written whole under a temporary name, then renamed: a tag is whole or none */
        len = strlen(tag) + 32;
        tmp = mem_alloc(len);
        snprintf(tmp, len, "%s/.tmp-%s.%ld", dir, PART_CACHEDIR_TAG, (long)getpid());
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd >= 0) {
            int ok = write(fd, text, sizeof(text) - 1) == (ssize_t)(sizeof(text) - 1);

            ok = close(fd) == 0 && ok;
            if (!ok || rename(tmp, tag) != 0)
                (void)unlink(tmp);
        }
        mem_free(tmp);
    }
    mem_free(tag);
}

/* An entry of DIR that is not a job directory: counted, the first named. */
static void
top_note(struct cache_top *top, const char *path)
{
    if (top->n < CACHE_PRUNE_NAMED)
        top->path[top->n] = mem_strdup(path);
    top->n++;
}

void
cache_top_fini(struct cache_top *t)
{
    for (size_t i = 0; i < CACHE_PRUNE_NAMED; i++) {
        mem_free(t->path[i]);
        t->path[i] = NULL;
    }
}

/* walk() - `in_use` (prune; NULL for stats): job directories a running sweep holds are passed
 * over and counted there; the others are locked while they are walked, then removed if empty.
 * DIR's entries that are not job directories go to *top. */
static int
walk(const char *dir, walk_fn *fn, void *ctx, uint64_t *in_use, struct cache_top *top,
     struct err *err)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int rc = 0;

    if (d == NULL)
        return ERR_SET_ERRNO(err, errno, "%s", dir);
    while (rc == 0 && (de = readdir(d)) != NULL) {
        char *jd;
        DIR *j;
        struct dirent *fe;
        int fd;

        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        jd = join(dir, de->d_name);
        if (!is_job_dir_name(de->d_name)) {
            if (!own_top(de->d_name))
                top_note(top, jd); /* not the cache's: never read nor removed */
            mem_free(jd);
            continue;
        }
        /* not followed when a symbolic link: what prune removes stays inside DIR */
        fd = open(jd, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        j = fd >= 0 ? fdopendir(fd) : NULL;
        if (j == NULL) {
            if (fd >= 0)
                close(fd);
            top_note(top, jd); /* not a directory, or a link: not the cache's */
            mem_free(jd);
            continue;
        }
        if (in_use != NULL && flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
            (*in_use)++; /* a sweep holds it (lock_job_dir()): nothing of it is touched */
            closedir(j);
            mem_free(jd);
            continue;
        }
        while (rc == 0 && (fe = readdir(j)) != NULL) {
            char *fp;
            struct stat st;

            if (strcmp(fe->d_name, ".") == 0 || strcmp(fe->d_name, "..") == 0)
                continue;
            fp = join(jd, fe->d_name);
            if (lstat(fp, &st) == 0 && S_ISREG(st.st_mode))
                rc = fn(ctx, de->d_name, fp, fe->d_name, &st, err);
            mem_free(fp);
        }
        closedir(j);
        if (in_use != NULL)
            (void)rmdir(jd); /* fails while it holds anything; still locked here */
        mem_free(jd);
    }
    closedir(d);
    return rc;
}

struct stats_ctx {
    struct cache_job_stats *jobs;
    size_t n, cap;
    int64_t newest_job_ns; /* of the job whose text was kept */
};

static struct cache_job_stats *
job_row(struct stats_ctx *s, const char *job_hex)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->jobs[i].fp_hex, job_hex) == 0)
            return &s->jobs[i];
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 8;
        s->jobs = mem_realloc(s->jobs, s->cap * sizeof(*s->jobs));
    }
    memset(&s->jobs[s->n], 0, sizeof(s->jobs[s->n]));
    snprintf(s->jobs[s->n].fp_hex, sizeof(s->jobs[s->n].fp_hex), "%s", job_hex);
    return &s->jobs[s->n++];
}

static int
stats_one(void *ctx, const char *job_hex, const char *path, const char *name, const struct stat *st,
          struct err *err)
{
    struct cache_job_stats *row = job_row(ctx, job_hex);
    struct partial p;
    struct err e;

    (void)err;
    if (name[0] == '.')
        return 0;              /* a temporary being written */
    if (own_name(name) == 0) { /* as cache prune calls it: left alone, never read */
        row->foreign++;
        return 0;
    }
    if (own_name(name) == 3) { /* a side file: beside its roll-up, not an entry */
        row->sides++;
        row->side_bytes += (uint64_t)st->st_size;
        return 0;
    }
    err_init(&e);
    if (partial_load(path, PARTIAL_LOAD_HEAD_ONLY | PARTIAL_LOAD_ANY_ORDER, &p, &e) < 0) {
        row->unreadable++;
        row->unreadable_bytes += (uint64_t)st->st_size;
    } else {
        char fp_hex[33];
        int own;

        hex(fp_hex, p.info.job_fp, 16);
        own = strcmp(fp_hex, job_hex) == 0; /* else a filtered file's (cache_window()) */
        if (row->entries == 0 || (own && !row->job_own) ||
            (own == row->job_own && p.info.created_ns > row->job_ns)) {
            row->job_ns = p.info.created_ns;
            row->job_own = own;
            snprintf(row->job, sizeof(row->job), "%s", p.info.job);
        }
        if (row->entries == 0 || p.info.created_ns > row->newest_ns)
            row->newest_ns = p.info.created_ns;
        if (row->entries == 0 || p.info.created_ns < row->oldest_ns)
            row->oldest_ns = p.info.created_ns;
        row->entries++;
        row->bytes += (uint64_t)st->st_size;
        row->damaged_sources += p.info.bad != 0;
        if (p.info.nmembers > 0) {
            row->rollups++;
            row->roll_members += p.info.nmembers;
            for (uint32_t k = 0; k < p.info.nmembers; k++)
                row->damaged_sources += p.info.members[k].bad != 0;
        }
    }
    partial_fini(&p);
    return 0;
}

static int
row_cmp(const void *a, const void *b)
{
    return strcmp(((const struct cache_job_stats *)a)->fp_hex,
                  ((const struct cache_job_stats *)b)->fp_hex);
}

int
cache_stats(const char *dir, struct cache_job_stats **jobs, size_t *njobs, struct cache_top *top,
            struct err *err)
{
    struct stats_ctx s = {NULL, 0, 0, 0};
    int rc;

    memset(top, 0, sizeof(*top));
    rc = walk(dir, stats_one, &s, NULL, top, err);

    if (s.n > 1)
        qsort(s.jobs, s.n, sizeof(*s.jobs), row_cmp);
    *jobs = s.jobs;
    *njobs = s.n;
    return rc;
}

struct prune_ctx {
    const struct cache_prune_opts *o;
    struct cache_prune_result *r;
    int64_t now;
};

/* Whether the source of partial header `in` is gone or no longer the file it was made from. */
static int
file_changed(const char *path, uint64_t size, int64_t mtime_ns, uint64_t ino, uint64_t dev)
{
    struct stat st;

    if (stat(path, &st) != 0)
        return 1;
    return (uint64_t)st.st_size != size ||
           (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec != mtime_ns ||
           (uint64_t)st.st_ino != ino || (uint64_t)st.st_dev != dev;
}

/* Whether a source of partial header `in` (a roll-up: any member) is gone or changed. */
static int
source_changed(const struct partial_info *in)
{
    if (in->nmembers == 0)
        return file_changed(in->src_path, in->src_size, in->src_mtime_ns, in->src_ino, in->src_dev);
    for (uint32_t k = 0; k < in->nmembers; k++) {
        const struct partial_member *m = &in->members[k];

        if (file_changed(m->path, m->size, m->mtime_ns, m->ino, m->dev))
            return 1;
    }
    return 0;
}

/*
 * Whether prune removes side file `path`: its roll-up's verdict (so that either
 * order of the walk counts the same: gone, not loading, too old, a source changed),
 * or the side file does not load.
 */
static int
side_drops(const struct prune_ctx *pc, const char *path)
{
    size_t pl = strlen(path);
    char *roll = mem_alloc(pl + 1);
    struct partial *p = mem_calloc(1, sizeof(*p)); /* 8 KB: off the stack */
    struct stat rs;
    struct side sd = {0};
    struct err e;
    int drop;

    memcpy(roll, path, pl - 38); /* "-<32 hex>.side" becomes ".roll" */
    memcpy(roll + pl - 38, ".roll", 6);
    err_init(&e);
    drop = lstat(roll, &rs) != 0 || partial_load(roll, PARTIAL_LOAD_ANY_ORDER, p, &e) < 0 ||
           (pc->o->older_than_days >= 0 &&
            (double)(pc->now - p->info.created_ns) > pc->o->older_than_days * 86400.0 * 1e9) ||
           (pc->o->missing_sources && source_changed(&p->info)) ||
           /* dns-hunt's (.hunt) goes with its roll-up: a damaged one is rebuilt when read */
           (strcmp(path + pl - 5, ".side") == 0 && side_load(path, &sd, &e) < 0);
    partial_fini(p);
    mem_free(p);
    side_fini(&sd);
    mem_free(roll);
    return drop;
}

/* A roll-up `path` was removed: so are its side files (<stem>-<32 hex>.side), counted. */
static void
drop_sides(struct prune_ctx *pc, const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dl = slash ? (size_t)(slash - path) : 0;
    char *dir = mem_alloc(dl + 2);
    DIR *d;
    struct dirent *de;

    memcpy(dir, path, dl);
    dir[dl] = '\0';
    if (dl == 0)
        memcpy(dir, ".", 2);
    d = opendir(dir);
    while (d != NULL && (de = readdir(d)) != NULL) {
        struct stat st;
        char *fp;

        if (strlen(de->d_name) != 70 || !is_side_name(de->d_name) ||
            strncmp(de->d_name, path + dl + 1, 32) != 0)
            continue;
        fp = join(dir, de->d_name);
        if (lstat(fp, &st) == 0 && S_ISREG(st.st_mode) && unlink(fp) == 0) {
            pc->r->removed++;
            pc->r->removed_bytes += (uint64_t)st.st_size;
        }
        mem_free(fp);
    }
    if (d != NULL)
        closedir(d);
    mem_free(dir);
}

static int
prune_one(void *ctx, const char *job_hex, const char *path, const char *name, const struct stat *st,
          struct err *err)
{
    struct prune_ctx *pc = ctx;
    struct partial p;
    struct err e;
    int drop, kind;

    (void)job_hex;
    (void)err;
    kind = own_name(name);
    if (kind == 0) { /* not the cache's: left, and named */
        if (pc->r->foreign < CACHE_PRUNE_NAMED)
            pc->r->foreign_path[pc->r->foreign] = mem_strdup(path);
        pc->r->foreign++;
        return 0;
    }
    if (kind == 2) { /* a temporary: a crashed writer's once it is an hour old */
        int64_t mt = (int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;

        drop = pc->now - mt > 3600LL * 1000000000LL;
    } else if (kind == 3) { /* a side file: goes with its roll-up, or when it does not load */
        drop = side_drops(pc, path);
    } else {
        err_init(&e);
        if (partial_load(path, PARTIAL_LOAD_ANY_ORDER, &p, &e) <
            0) { /* whole: what a sweep would reject goes */
            drop = 1;
        } else {
            drop = (pc->o->older_than_days >= 0 && (double)(pc->now - p.info.created_ns) >
                                                       pc->o->older_than_days * 86400.0 * 1e9) ||
                   (pc->o->missing_sources && source_changed(&p.info));
        }
        partial_fini(&p);
    }
    if (drop && unlink(path) == 0) {
        pc->r->removed++;
        pc->r->removed_bytes += (uint64_t)st->st_size;
        if (kind == 1)
            drop_sides(pc, path);
    } else {
        pc->r->kept++;
        pc->r->kept_bytes += (uint64_t)st->st_size;
    }
    return 0;
}

int
cache_prune(const char *dir, const struct cache_prune_opts *o, struct cache_prune_result *r,
            struct err *err)
{
    struct prune_ctx pc;

    memset(r, 0, sizeof(*r));
    pc.o = o;
    pc.r = r;
    pc.now = now_ns();
    return walk(dir, prune_one, &pc, &r->in_use, &r->top, err);
}

void
cache_prune_result_fini(struct cache_prune_result *r)
{
    for (size_t i = 0; i < CACHE_PRUNE_NAMED; i++) {
        mem_free(r->foreign_path[i]);
        r->foreign_path[i] = NULL;
    }
    cache_top_fini(&r->top);
}
