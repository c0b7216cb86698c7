/*
 * part_walk.c - PATH arguments into data files; see part_walk.h.
 *
 * Algorithm: depth first. A directory is read whole (names only), closed,
 * sorted with strcmp, and then its entries are visited in that order, so at
 * most one directory stream is open at a time and the result does not depend
 * on readdir order. Each entry is stat()ed (following symlinks; an entry
 * readdir() types as a directory or a regular file is lstat()ed, which says
 * the same of a non-link, and the walk then knows its real path: the real
 * path of the PATH argument, resolved once, joined with the names below it,
 * which the partial cache takes instead of examining every file again). Directories
 * and files are identified by (st_dev, st_ino) in two small open-addressing
 * sets: a directory seen before is not walked again (this is what stops
 * symlink loops), a file seen before is not listed again. "X is being
 * written" is decided from the same sorted listing (binary search for
 * "X.lock"), not by another syscall, so it matches what readdir saw; so is
 * "a cache directory" (CACHEDIR.TAG listed: only then is the tag opened).
 * Memory: O(entries of the largest directory + files found).
 */
#define _DEFAULT_SOURCE /* struct dirent d_type (DT_DIR, DT_REG), realpath() */

#include "part_walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "mem.h"
#include "part_hour.h"
#include "part_memo.h"
#include "part_name.h"

_Static_assert(PART_WALK_MAX_DEPTH == 128, "PART_WHY_TOO_DEEP says 128");

/* An identity set of (st_dev, st_ino): linear probing, at most half full. */
struct idset {
    uint64_t *slots; /* 2 * cap words: dev, ino; dev == ino == 0 marks a free slot */
    size_t cap;      /* slots, a power of two (0 before the first insert) */
    size_t n;        /* slots in use */
};

struct walker {
    struct part_walk *out;            /* the result being filled */
    size_t files_cap;                 /* allocated entries of out->files */
    size_t skips_cap;                 /* allocated entries of out->skips */
    size_t passed_cap;                /* allocated entries of out->passed */
    const struct part_filter *filter; /* --include / --exclude; NULL: none */
    int stdin_seen;                   /* "-" was listed once */
    struct idset dirs;                /* directories entered */
    struct idset files;               /* files listed */
    const struct part_window *win;    /* the time window, or NULL */
    int bounded;                      /* win is bounded: files outside it are left out */
    struct part_memo *memo;           /* listings of directories read before, or NULL */
    struct err *err;                  /* where failures go */
};

static size_t
id_hash(uint64_t dev, uint64_t ino)
{
    uint64_t h = (dev * 0x9E3779B97F4A7C15u) ^ ino;

    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDu;
    h ^= h >> 33;
    return (size_t)h;
}

/* Inserts (dev, ino) unless present. Returns 1 if it was inserted, 0 if already there. */
static int
idset_add(struct idset *s, uint64_t dev, uint64_t ino)
{
    size_t i;

    /* (0, 0) is the free marker; no real file has inode 0 on device 0, but stay exact. */
    if (dev == 0 && ino == 0)
        ino = UINT64_MAX;
    if (2 * (s->n + 1) > s->cap) {
        struct idset big = {NULL, s->cap ? 2 * s->cap : 64, 0};

        big.slots = mem_calloc(2 * big.cap, sizeof(uint64_t));
        for (i = 0; i < s->cap; i++) {
            if (s->slots[2 * i] != 0 || s->slots[2 * i + 1] != 0)
                idset_add(&big, s->slots[2 * i], s->slots[2 * i + 1]);
        }
        mem_free(s->slots);
        *s = big;
    }
    for (i = id_hash(dev, ino) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        uint64_t *slot = &s->slots[2 * i];

        if (slot[0] == dev && slot[1] == ino)
            return 0;
        if (slot[0] == 0 && slot[1] == 0) {
            slot[0] = dev;
            slot[1] = ino;
            s->n++;
            return 1;
        }
    }
}

static void
idset_fini(struct idset *s)
{
    mem_free(s->slots);
    s->slots = NULL;
    s->cap = s->n = 0;
}

/* Doubles an array of `elem`-byte entries when it is full. */
static void *
grow(void *arr, size_t n, size_t *cap, size_t elem)
{
    if (n < *cap)
        return arr;
    /* cap * elem already fits in memory, so doubling it cannot overflow size_t. */
    *cap = *cap ? 2 * *cap : 16;
    return mem_realloc(arr, *cap * elem);
}

/* Takes ownership of `path`. */
static void
add_skip(struct walker *wk, char *path, const char *why)
{
    struct part_walk *o = wk->out;

    o->skips = grow(o->skips, o->nskips, &wk->skips_cap, sizeof(*o->skips));
    o->skips[o->nskips].path = path;
    o->skips[o->nskips].why = why;
    o->skips[o->nskips].sys_errno = 0;
    o->skips[o->nskips].lost = 0;
    o->nskips++;
}

/* Takes ownership of `path`: something below a PATH that cannot be walked (files lost). */
static void
add_lost(struct walker *wk, char *path, const char *why, int errnum)
{
    struct part_walk *o = wk->out;

    add_skip(wk, path, why);
    o->skips[o->nskips - 1].sys_errno = errnum;
    o->skips[o->nskips - 1].lost = 1;
    o->lost++;
}

/* dst = a (alen bytes), sep, b (blen bytes), NUL: a path joined (not snprintf(): 1,000
 * instructions a call, twice per file the walk keeps). */
static void
cat3(char *dst, const char *a, size_t alen, const char *sep, const char *b, size_t blen)
{
    size_t sl = strlen(sep);

    memcpy(dst, a, alen);
    memcpy(dst + alen, sep, sl);
    memcpy(dst + alen + sl, b, blen);
    dst[alen + sl + blen] = '\0';
}

/* Takes ownership of `path`: a file passed over by name. */
static void
add_passed(struct walker *wk, char *path, const char *why)
{
    struct part_walk *o = wk->out;

    o->passed = grow(o->passed, o->npassed, &wk->passed_cap, sizeof(*o->passed));
    o->passed[o->npassed].path = path;
    o->passed[o->npassed].why = why;
    o->passed[o->npassed].sys_errno = 0;
    o->passed[o->npassed].lost = 0;
    o->npassed++;
}

/*
 * Takes ownership of `path` (`room` bytes allocated, 0: its length and NUL). `real`: the
 * real path of the file's directory, or NULL when unknown; `seen_ns`: the clock before
 * `st` was taken.
 */
static void
add_file(struct walker *wk, char *path, size_t room, const struct stat *st, int64_t hour,
         const char *real, const char *name, int64_t seen_ns)
{
    struct part_walk *o = wk->out;
    struct part_file *f;

    o->files = grow(o->files, o->nfiles, &wk->files_cap, sizeof(*o->files));
    f = &o->files[o->nfiles++];
    memset(f, 0, sizeof(*f));
    f->size = (uint64_t)st->st_size;
    f->hour = hour;
    if (real != NULL) { /* "path\0real\0": one allocation, freed with the path */
        size_t pl = strlen(path), rl = strlen(real), nl = strlen(name);
        const char *sep = rl > 0 && real[rl - 1] == '/' ? "" : "/";
        size_t cap = pl + 1 + rl + strlen(sep) + nl + 1;

        if (room < cap) /* (visit_entry() made room for it) */
            path = mem_realloc(path, cap);
        cat3(path + pl + 1, real, rl, sep, name, nl);
        f->real = path + pl + 1;
        f->ino = (uint64_t)st->st_ino;
        f->dev = (uint64_t)st->st_dev;
        f->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
        f->ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec;
        f->seen_ns = seen_ns;
    }
    f->path = path;
}

static int
ends_with_lock(const char *name)
{
    size_t len = strlen(name);

    return len >= 5 && memcmp(name + len - 5, ".lock", 5) == 0;
}

/*
 * A regular file `path` (owned) named `name`; `locked`: "name.lock" exists
 * beside it; `named`: given as a PATH argument (always read, whatever its name).
 * The window comes before the duplicate check: of two links to one file, the
 * one in the window is read even when the other was walked first.
 */
static void
consider_file(struct walker *wk, char *path, size_t room, const char *name, const struct stat *st,
              int locked, int named, const char *real, int64_t seen_ns)
{
    const char *why = named ? NULL : part_name_check(wk->filter, path);
    int64_t hour;

    if (ends_with_lock(name)) {
        add_skip(wk, path, PART_WHY_LOCK);
        return;
    }
    if (locked) {
        add_skip(wk, path, PART_WHY_WRITING);
        return;
    }
    if (why != NULL) {
        add_passed(wk, path, why);
        return;
    }
    if (!part_hour_from_path(path, &hour))
        hour = PART_HOUR_UNKNOWN;
    if (wk->bounded && hour != PART_HOUR_UNKNOWN && !part_window_contains(wk->win, hour)) {
        mem_free(path);
        wk->out->outside_window++;
    } else if (!idset_add(&wk->files, (uint64_t)st->st_dev, (uint64_t)st->st_ino)) {
        add_skip(wk, path, PART_WHY_DUPLICATE);
    } else {
        add_file(wk, path, room, st, hour, real, name, seen_ns);
    }
}

/* dir/name, in `extra` more bytes than it takes (*room: the bytes allocated, or NULL) */
static char *
join_room(const char *dir, const char *name, size_t extra, size_t *room)
{
    size_t dlen = strlen(dir);
    const char *sep = dlen > 0 && dir[dlen - 1] != '/' ? "/" : "";
    size_t nlen = strlen(name), len = dlen + strlen(sep) + nlen + 1 + extra;
    char *p = mem_alloc(len);

    cat3(p, dir, dlen, sep, name, nlen);
    if (room != NULL)
        *room = len;
    return p;
}

static char *
join(const char *dir, const char *name)
{
    return join_room(dir, name, 0, NULL);
}

/* A new string: `s` followed by ".lock". */
static char *
lock_name(const char *s)
{
    size_t len = strlen(s);
    char *p = mem_alloc(len + sizeof(".lock"));

    memcpy(p, s, len);
    memcpy(p + len, ".lock", sizeof(".lock"));
    return p;
}

/*
 * Error helpers, for PATH arguments only (below a PATH nothing is fatal). The
 * path goes into the message raw and whole; the CLI escapes it when printing.
 */
__attribute__((noinline, cold)) static int
fail_errno(struct walker *wk, int errnum, const char *path)
{
    return ERR_SET_ERRNO(wk->err, errnum, "%s", path);
}

__attribute__((noinline, cold)) static int
fail(struct walker *wk, enum err_code code, const char *path, const char *what)
{
    return ERR_SET(wk->err, code, "%s: %s", path, what);
}

static int
cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static unsigned char
name_type(const char *name)
{
    return (unsigned char)name[-1];
}

/*
 * Reads the names in `dir` except "." and ".." into *names, sorted: each name with its
 * readdir() d_type in the byte before it (name_type()), so that the sorted names still
 * compare as strings, all of them in the array's own allocation (as part_memo_get() gives
 * them; free_names()). A PATH argument (depth 0) that cannot be read fails the walk; a
 * directory below one is a lost skip, keeping the names read before a readdir() error.
 */
static int
read_names(struct walker *wk, const char *dir, const struct part_memo_dir *id, int depth,
           char ***names, size_t *n)
{
    size_t cap = 0, len = 0;
    char *blob = NULL; /* per name: its type, its bytes, NUL */
    DIR *d;
    int rc = 0, whole = 1;

    *names = NULL;
    *n = 0;
    if (id != NULL && (*names = part_memo_get(wk->memo, id, n)) != NULL)
        return 0; /* unchanged since it was read (part_memo.h) */
    d = opendir(dir);
    if (d == NULL) {
        if (depth == 0) /* a PATH argument */
            return fail_errno(wk, errno, dir);
        add_lost(wk, mem_strdup(dir), PART_WHY_UNREADABLE_DIR, errno);
        return 0;
    }
    for (;;) {
        const struct dirent *e;

        errno = 0;
        e = readdir(d); // NOLINT(concurrency-mt-unsafe): the walk runs before threads start
        if (e == NULL) {
            whole = errno == 0;
            if (errno != 0 && depth == 0)
                rc = fail_errno(wk, errno, dir);
            else if (errno != 0) /* the names read so far stay */
                add_lost(wk, mem_strdup(dir), PART_WHY_UNREADABLE_DIR, errno);
            break;
        }
        size_t nl = strlen(e->d_name);

        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (len + nl + 2 > cap) {
            cap = 2 * cap > len + nl + 2 ? 2 * cap : len + nl + 2 + 256;
            blob = mem_realloc(blob, cap);
        }
        blob[len] = (char)e->d_type;
        memcpy(blob + len + 1, e->d_name, nl + 1);
        len += nl + 2;
        (*n)++;
    }
    *names = mem_alloc((*n ? *n : 1) * sizeof(**names) + len);
    if (len > 0)
        memcpy(*names + *n, blob, len);
    mem_free(blob);
    for (size_t i = 0, at = 0; i < *n; i++) {
        char *p = (char *)(*names + *n) + at + 1;

        (*names)[i] = p;
        at += strlen(p) + 2;
    }
    if (whole && id != NULL && wk->memo != NULL &&
        id->mtime_ns <= id->seen_ns - PART_MEMO_RACY_NS &&
        id->ctime_ns <= id->seen_ns - PART_MEMO_RACY_NS) {
        struct stat st; /* the directory read is the one examined (not one renamed over it) */

        if (fstat(dirfd(d), &st) != 0 || (uint64_t)st.st_dev != id->dev ||
            (uint64_t)st.st_ino != id->ino)
            whole = 0;
    } else {
        whole = 0;
    }
    closedir(d);
    if (*n > 1)
        qsort(*names, *n, sizeof(**names), cmp_name);
    if (whole && rc == 0)
        part_memo_put(wk->memo, id, *names, *n);
    return rc;
}

static void
free_names(char **names)
{
    mem_free(names); /* the names are in its allocation (read_names()) */
}

/* Whether "name.lock" is among the sorted `names`. */
static int
has_lock(char *const *names, size_t n, const char *name)
{
    char buf[256 + sizeof(".lock")]; /* a listed name is at most NAME_MAX (255) bytes */
    size_t len = strlen(name);
    char *want = len < 256 ? buf : lock_name(name);
    const char *key = want;
    int found;

    if (want == buf) {
        memcpy(buf, name, len);
        memcpy(buf + len, ".lock", sizeof(".lock"));
    }
    found = n > 1 && bsearch(&key, names, n, sizeof(*names), cmp_name) != NULL;
    if (want != buf)
        mem_free(want);
    return found;
}

static int walk_dir(struct walker *wk, const char *dir, const char *real,
                    const struct part_memo_dir *id, int depth);

/*
 * Whether directory `dir`, whose sorted listing is `names`, is a cache directory: its
 * PART_CACHEDIR_TAG begins with PART_CACHEDIR_SIGNATURE (part.h). The file is opened
 * only when the name is listed as a regular file (or of unknown type), not through a
 * link (O_NOFOLLOW), without waiting on a FIFO (O_NONBLOCK), and must still be a
 * regular file; its first 43 bytes are read. Anything else, or a failure, is no tag.
 */
static int
is_cache_dir(const char *dir, char *const *names, size_t n)
{
    static const char sig[] = PART_CACHEDIR_SIGNATURE;
    const char *key = PART_CACHEDIR_TAG;
    char *const *hit = n > 0 ? bsearch(&key, names, n, sizeof(*names), cmp_name) : NULL;
    char buf[sizeof(sig) - 1], *tag;
    struct stat st;
    ssize_t got = -1;
    int fd;

    if (hit == NULL || (name_type(*hit) != DT_REG && name_type(*hit) != DT_UNKNOWN))
        return 0;
    tag = join(dir, PART_CACHEDIR_TAG);
    fd = open(tag, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    mem_free(tag);
    if (fd < 0)
        return 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        got = pread(fd, buf, sizeof(buf), 0);
    close(fd);
    return got == (ssize_t)sizeof(buf) && memcmp(buf, sig, sizeof(buf)) == 0;
}

/* `st` and the clock before it, as the memo identifies a directory. */
static void
memo_id(struct part_memo_dir *id, const struct stat *st, int64_t seen_ns)
{
    id->dev = (uint64_t)st->st_dev;
    id->ino = (uint64_t)st->st_ino;
    id->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
    id->ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec;
    id->seen_ns = seen_ns;
}

/* The clock the cache compares modification times with (CLOCK_REALTIME), in ns. */
static int64_t
clock_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * The entry `name` of directory `dir` (whose sorted listing is `names`; `real`:
 * dir's real path, or NULL when unknown). An entry that readdir() says is a
 * directory or a regular file is examined with lstat(): when it still is no
 * symbolic link, its real path is `real`/name, and the stat() it stands for
 * would have said the same. Anything else (a link, an unknown type) is
 * stat()ed and its real path left unknown.
 */
static int
visit_entry(struct walker *wk, const char *dir, const char *real, char *const *names, size_t n,
            const char *name, int depth)
{
    unsigned char type = name_type(name);
    char *path, *sub_real = NULL;
    struct stat st;
    int64_t seen_ns;
    size_t room;
    int rc = 0, known = real != NULL && (type == DT_DIR || type == DT_REG);

    if (name[0] == '.') {
        wk->out->hidden++;
        return 0;
    }
    /* a regular file with its real path known is kept as "path\0real/name" (add_file()) */
    path =
        join_room(dir, name, known && type == DT_REG ? strlen(real) + strlen(name) + 2 : 0, &room);
    seen_ns = clock_ns();
    if (known && (lstat(path, &st) != 0 || S_ISLNK(st.st_mode)))
        known = 0; /* gone, or a link since readdir(): as stat() says */
    if (!known && stat(path, &st) != 0) {
        int e = errno;
        struct stat lst;

        if (e == ELOOP || (e == ENOENT && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))) {
            add_skip(wk, path, PART_WHY_DANGLING);
            return 0;
        }
        if (e == ENOENT) {
            add_skip(wk, path, PART_WHY_VANISHED);
            return 0;
        }
        add_lost(wk, path, PART_WHY_UNREADABLE, e); /* EACCES, ENAMETOOLONG, EIO... */
        return 0;
    }
    if (S_ISDIR(st.st_mode)) {
        struct part_memo_dir id;

        if (!idset_add(&wk->dirs, (uint64_t)st.st_dev, (uint64_t)st.st_ino)) {
            add_skip(wk, path, PART_WHY_DIR_SEEN);
            return 0;
        }
        if (known)
            sub_real = join(real, name);
        memo_id(&id, &st, seen_ns);
        rc = walk_dir(wk, path, sub_real, &id, depth + 1);
        mem_free(sub_real);
        mem_free(path);
        return rc;
    }
    if (!S_ISREG(st.st_mode)) {
        int64_t hour;

        /* outside the window it would not be read anyway: counted as such, not warned */
        if (wk->bounded && part_hour_from_path(path, &hour) &&
            !part_window_contains(wk->win, hour)) {
            mem_free(path);
            wk->out->outside_window++;
            return 0;
        }
        add_skip(wk, path, PART_WHY_NOT_REGULAR);
        return 0;
    }
    consider_file(wk, path, room, name, &st, has_lock(names, n, name), 0, known ? real : NULL,
                  seen_ns);
    return 0;
}

static int
walk_dir(struct walker *wk, const char *dir, const char *real, const struct part_memo_dir *id,
         int depth)
{
    char **names;
    size_t n;
    int rc;

    if (depth > PART_WALK_MAX_DEPTH) {
        add_lost(wk, mem_strdup(dir), PART_WHY_TOO_DEEP, 0);
        return 0;
    }
    rc = read_names(wk, dir, id, depth, &names, &n);
    if (rc == 0 && is_cache_dir(dir, names, n))
        add_skip(wk, mem_strdup(dir), PART_WHY_CACHEDIR); /* nothing below it is input */
    else
        for (size_t i = 0; rc == 0 && i < n; i++)
            rc = visit_entry(wk, dir, real, names, n, names[i], depth);
    free_names(names);
    return rc;
}

/* One PATH argument, taken as given (no hidden-name rule). */
static int
walk_arg(struct walker *wk, const char *arg)
{
    const char *slash = strrchr(arg, '/');
    struct stat st, lst;
    char *lock;
    int locked;
    int64_t seen_ns;

    if (strcmp(arg, PART_STDIN) == 0) {
        if (wk->stdin_seen++) {
            add_skip(wk, mem_strdup(arg), PART_WHY_DUPLICATE);
        } else {
            memset(&st, 0, sizeof(st)); /* size unknown; no path to tell an hour from */
            add_file(wk, mem_strdup(arg), 0, &st, PART_HOUR_UNKNOWN, NULL, arg, 0);
        }
        return 0;
    }
    seen_ns = clock_ns();
    if (stat(arg, &st) != 0)
        return fail_errno(wk, errno, arg);
    if (S_ISDIR(st.st_mode)) {
        struct part_memo_dir id;
        char *real;
        int rc;

        if (!idset_add(&wk->dirs, (uint64_t)st.st_dev, (uint64_t)st.st_ino)) {
            add_skip(wk, mem_strdup(arg), PART_WHY_DIR_SEEN);
            return 0;
        }
        real = mem_alloc(PATH_MAX);
        memo_id(&id, &st, seen_ns);
        rc = walk_dir(wk, arg, realpath(arg, real), &id, 0); /* NULL: unknown below it */
        mem_free(real);
        return rc;
    }
    if (S_ISFIFO(st.st_mode)) /* never waited on (docs/partitions.md): stdin is the stream */
        return fail(wk, ERR_USAGE, arg,
                    "a FIFO or pipe, not a regular file or a directory: read it as standard "
                    "input, the PATH - (flowsweep ... - < FIFO)");
    if (!S_ISREG(st.st_mode))
        return fail(wk, ERR_USAGE, arg, "not a regular file or a directory");
    lock = lock_name(arg);
    locked = lstat(lock, &lst) == 0;
    mem_free(lock);
    consider_file(wk, mem_strdup(arg), 0, slash != NULL ? slash + 1 : arg, &st, locked, 1, NULL, 0);
    return 0;
}

int
part_walk_paths(const char *const *paths, size_t npaths, struct part_walk *walk, struct err *err)
{
    return part_walk_paths_filtered(paths, npaths, NULL, NULL, walk, err);
}

int
part_walk_paths_filtered(const char *const *paths, size_t npaths, const struct part_filter *filter,
                         const struct part_window *w, struct part_walk *walk, struct err *err)
{
    return part_walk_paths_memo(paths, npaths, filter, w, NULL, walk, err);
}

int
part_walk_paths_memo(const char *const *paths, size_t npaths, const struct part_filter *filter,
                     const struct part_window *w, struct part_memo *memo, struct part_walk *walk,
                     struct err *err)
{
    struct walker wk;
    int rc = 0;

    memset(walk, 0, sizeof(*walk));
    memset(&wk, 0, sizeof(wk));
    wk.out = walk;
    wk.err = err;
    wk.filter = filter;
    wk.win = w;
    wk.bounded = w != NULL && part_window_is_bounded(w);
    wk.memo = memo;
    for (size_t i = 0; rc == 0 && i < npaths; i++)
        rc = walk_arg(&wk, paths[i]);
    idset_fini(&wk.dirs);
    idset_fini(&wk.files);
    if (rc != 0)
        part_walk_fini(walk);
    return rc;
}

void
part_walk_fini(struct part_walk *walk)
{
    for (size_t i = 0; i < walk->nfiles; i++)
        mem_free(walk->files[i].path);
    for (size_t i = 0; i < walk->nskips; i++)
        mem_free(walk->skips[i].path);
    for (size_t i = 0; i < walk->npassed; i++)
        mem_free(walk->passed[i].path);
    mem_free(walk->files);
    mem_free(walk->skips);
    mem_free(walk->passed);
    memset(walk, 0, sizeof(*walk));
}
