/*
 * part_memo.c - see part_memo.h; docs/partials.md "The walk memo" is the byte layout.
 */
#include "part_memo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "err.h"
#include "le.h"
#include "mem.h"

static const uint8_t memo_magic[8] = {0x89, 'F', 'S', 'W', 'A', 'L', 'K', '\n'};

#define MEMO_VERSION   1u
#define MEMO_HEAD      24u /* magic, version, reserved, directories, reserved */
#define MEMO_DIR_FIXED 40u /* dev, ino, mtime, ctime, names, names' bytes */
#define MEMO_FILE_MAX  ((size_t)1 << 30)

struct memo_dir {
    struct part_memo_dir id; /* seen_ns unused */
    uint32_t nnames;
    uint32_t blob_len;
    uint8_t *blob; /* per name: its type, its length (1 byte), its bytes */
    int used;      /* taken or put by this walk: saved */
};

struct part_memo {
    struct memo_dir *dirs;
    size_t n, cap;
    size_t *slots; /* open addressing: index + 1 into dirs, 0 free */
    size_t nslots; /* a power of two, at least twice n */
    size_t loaded, hits, puts;
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

/* The slot of (dev, ino): its entry's, or the free one where it would go. */
static size_t *
find_slot(const struct part_memo *m, uint64_t dev, uint64_t ino)
{
    for (size_t i = id_hash(dev, ino) & (m->nslots - 1);; i = (i + 1) & (m->nslots - 1)) {
        size_t *s = &m->slots[i];

        if (*s == 0)
            return s;
        if (m->dirs[*s - 1].id.dev == dev && m->dirs[*s - 1].id.ino == ino)
            return s;
    }
}

static void
reindex(struct part_memo *m, size_t nslots)
{
    mem_free(m->slots);
    m->nslots = nslots;
    m->slots = mem_calloc(nslots, sizeof(*m->slots));
    for (size_t i = 0; i < m->n; i++)
        *find_slot(m, m->dirs[i].id.dev, m->dirs[i].id.ino) = i + 1;
}

/* The entry of (dev, ino), added empty when absent. */
static struct memo_dir *
entry(struct part_memo *m, uint64_t dev, uint64_t ino)
{
    size_t *s;

    if (2 * (m->n + 1) > m->nslots)
        reindex(m, m->nslots ? 2 * m->nslots : 64);
    s = find_slot(m, dev, ino);
    if (*s == 0) {
        if (m->n == m->cap) {
            m->cap = m->cap ? 2 * m->cap : 64;
            m->dirs = mem_realloc(m->dirs, m->cap * sizeof(*m->dirs));
        }
        memset(&m->dirs[m->n], 0, sizeof(m->dirs[m->n]));
        m->dirs[m->n].id.dev = dev;
        m->dirs[m->n].id.ino = ino;
        *s = ++m->n;
    }
    return &m->dirs[*s - 1];
}

static struct part_memo *
memo_new(void)
{
    return mem_calloc(1, sizeof(struct part_memo));
}

void
part_memo_free(struct part_memo *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->n; i++)
        mem_free(m->dirs[i].blob);
    mem_free(m->dirs);
    mem_free(m->slots);
    mem_free(m);
}

/* Empties `m` (a rejected file keeps nothing). */
static void
memo_clear(struct part_memo *m)
{
    for (size_t i = 0; i < m->n; i++)
        mem_free(m->dirs[i].blob);
    m->n = 0;
    if (m->slots != NULL)
        memset(m->slots, 0, m->nslots * sizeof(*m->slots));
}

/* Whether blob[0..len) holds exactly `n` valid names, strictly ascending (strcmp). */
static int
check_names(const uint8_t *blob, size_t len, uint32_t n)
{
    const uint8_t *prev = NULL;
    size_t prev_len = 0, at = 0;

    for (uint32_t i = 0; i < n; i++) {
        size_t nl;
        const uint8_t *name;
        int c;

        if (len - at < 2)
            return 0;
        nl = blob[at + 1];
        name = blob + at + 2;
        if (nl == 0 || len - at - 2 < nl || memchr(name, '/', nl) || memchr(name, '\0', nl))
            return 0;
        if ((nl == 1 && name[0] == '.') || (nl == 2 && name[0] == '.' && name[1] == '.'))
            return 0;
        if (prev != NULL) { /* strcmp order: bytes, then the shorter first */
            c = memcmp(prev, name, prev_len < nl ? prev_len : nl);
            if (c > 0 || (c == 0 && prev_len >= nl))
                return 0;
        }
        prev = name;
        prev_len = nl;
        at += 2 + nl;
    }
    return at == len;
}

#define BAD(...) ERR_SET(warn, ERR_FORMAT, __VA_ARGS__)

static int
parse(struct part_memo *m, const uint8_t *buf, size_t len, unsigned flags, struct err *warn)
{
    size_t at = MEMO_HEAD;
    uint32_t ndirs;
    uint64_t pdev = 0, pino = 0;

    if (len < MEMO_HEAD + 8 || memcmp(buf, memo_magic, 8) != 0)
        return BAD("not a walk memo (magic)");
    if (le_get32(buf + 8) != MEMO_VERSION)
        return BAD("walk memo version %u, this flowsweep reads version %u", le_get32(buf + 8),
                   MEMO_VERSION);
    if (!(flags & PART_MEMO_NO_CHECKSUM) && XXH3_64bits(buf, len - 8) != le_get64(buf + len - 8))
        return BAD("checksum mismatch");
    ndirs = le_get32(buf + 16);
    if (le_get32(buf + 12) != 0 || le_get32(buf + 20) != 0 || ndirs > PART_MEMO_MAX)
        return BAD("bad header");
    len -= 8;
    for (uint32_t i = 0; i < ndirs; i++) {
        const uint8_t *q = buf + at;
        struct memo_dir *d;
        uint32_t nn, bl;
        uint64_t dev, ino;

        if (len - at < MEMO_DIR_FIXED)
            return BAD("cut short in directory %u", i);
        dev = le_get64(q);
        ino = le_get64(q + 8);
        nn = le_get32(q + 32);
        bl = le_get32(q + 36);
        if (i > 0 && (dev < pdev || (dev == pdev && ino <= pino)))
            return BAD("directory %u out of order", i);
        if (len - at - MEMO_DIR_FIXED < bl)
            return BAD("cut short in directory %u", i);
        if (!check_names(q + MEMO_DIR_FIXED, bl, nn))
            return BAD("directory %u: bad names", i);
        d = entry(m, dev, ino);
        d->id.mtime_ns = (int64_t)le_get64(q + 16);
        d->id.ctime_ns = (int64_t)le_get64(q + 24);
        d->nnames = nn;
        d->blob_len = bl;
        d->blob = mem_alloc(bl ? bl : 1);
        if (bl)
            memcpy(d->blob, q + MEMO_DIR_FIXED, bl);
        pdev = dev;
        pino = ino;
        at += MEMO_DIR_FIXED + bl;
    }
    if (at != len)
        return BAD("%zu bytes after the last directory", len - at);
    return 0;
}

struct part_memo *
part_memo_parse(const uint8_t *buf, size_t len, unsigned flags, struct err *warn)
{
    struct part_memo *m = memo_new();

    if (parse(m, buf, len, flags, warn) < 0)
        memo_clear(m);
    m->loaded = m->n;
    return m;
}

struct part_memo *
part_memo_load(const char *path, struct err *warn)
{
    struct part_memo *m;
    struct stat st;
    uint8_t *buf;
    size_t got = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) /* none yet, or an unusable cache directory (the cache says so) */
        return memo_new();
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > MEMO_FILE_MAX) {
        ERR_SET(warn, ERR_FORMAT, "not a regular file of at most 1 GiB");
        close(fd);
        return memo_new();
    }
    buf = mem_alloc((size_t)st.st_size + 1);
    while (got < (size_t)st.st_size + 1) { /* one byte more: a file that grew is rejected */
        ssize_t r = read(fd, buf + got, (size_t)st.st_size + 1 - got);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            ERR_SET_ERRNO(warn, errno, "cannot read it");
            got = (size_t)-1;
            break;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (got == (size_t)-1) {
        mem_free(buf);
        return memo_new();
    }
    m = part_memo_parse(buf, got, 0, warn);
    mem_free(buf);
    return m;
}

static int
same_id(const struct part_memo_dir *a, const struct part_memo_dir *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->mtime_ns == b->mtime_ns &&
           a->ctime_ns == b->ctime_ns;
}

char **
part_memo_get(struct part_memo *m, const struct part_memo_dir *d, size_t *n)
{
    struct memo_dir *e;
    char **names;
    size_t at = 0;

    *n = 0;
    if (m == NULL || m->nslots == 0 || *find_slot(m, d->dev, d->ino) == 0)
        return NULL;
    e = &m->dirs[*find_slot(m, d->dev, d->ino) - 1];
    if (e->blob == NULL || !same_id(&e->id, d))
        return NULL;
    /* one allocation: the array, then each name as "type, bytes, NUL" (the blob's "type,
     * length, bytes" is as long), so that the walk frees a listing at once */
    names = mem_alloc((e->nnames ? e->nnames : 1) * sizeof(*names) + e->blob_len);
    for (uint32_t i = 0; i < e->nnames; i++) {
        size_t nl = e->blob[at + 1];
        char *p = (char *)(names + e->nnames) + at;

        p[0] = (char)e->blob[at];
        memcpy(p + 1, e->blob + at + 2, nl);
        p[nl + 1] = '\0';
        names[i] = p + 1;
        at += 2 + nl;
    }
    *n = e->nnames;
    if (!e->used)
        m->hits++;
    e->used = 1;
    return names;
}

void
part_memo_put(struct part_memo *m, const struct part_memo_dir *d, char *const *names, size_t n)
{
    struct memo_dir *e;
    size_t bl = 0, at = 0;

    if (m == NULL || n > UINT32_MAX || d->mtime_ns > d->seen_ns - PART_MEMO_RACY_NS ||
        d->ctime_ns > d->seen_ns - PART_MEMO_RACY_NS)
        return;
    for (size_t i = 0; i < n; i++) {
        size_t nl = strlen(names[i]);

        if (nl == 0 || nl > 255) /* NAME_MAX is 255: never here, but the format says so */
            return;
        bl += 2 + nl;
    }
    if (bl > UINT32_MAX)
        return;
    e = entry(m, d->dev, d->ino);
    mem_free(e->blob);
    e->id = *d;
    e->id.seen_ns = 0;
    e->nnames = (uint32_t)n;
    e->blob_len = (uint32_t)bl;
    e->blob = mem_alloc(bl ? bl : 1);
    for (size_t i = 0; i < n; i++) {
        size_t nl = strlen(names[i]);

        e->blob[at] = (uint8_t)names[i][-1];
        e->blob[at + 1] = (uint8_t)nl;
        memcpy(e->blob + at + 2, names[i], nl);
        at += 2 + nl;
    }
    e->used = 1;
    m->puts++;
}

void
part_memo_stats(const struct part_memo *m, size_t *loaded, size_t *hits, size_t *puts)
{
    *loaded = m ? m->loaded : 0;
    *hits = m ? m->hits : 0;
    *puts = m ? m->puts : 0;
}

static int
cmp_dir(const void *a, const void *b)
{
    const struct memo_dir *x = a, *y = b;

    if (x->id.dev != y->id.dev)
        return x->id.dev < y->id.dev ? -1 : 1;
    return x->id.ino < y->id.ino ? -1 : x->id.ino > y->id.ino;
}

static int
write_all(int fd, const uint8_t *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return errno;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int
part_memo_save(struct part_memo *m, const char *path, struct err *err)
{
    size_t keep = 0, len = MEMO_HEAD + 8, at = MEMO_HEAD;
    uint8_t *buf;
    char *tmp;
    size_t tmp_cap;
    int fd, e, rc = 0;

    if (m == NULL)
        return 0;
    for (size_t i = 0; i < m->n; i++)
        if (m->dirs[i].used && m->dirs[i].blob != NULL) {
            keep++;
            len += MEMO_DIR_FIXED + m->dirs[i].blob_len;
        }
    /* Nothing new: the file holds what was used. Directories not used this time (changed
     * since, or not walked) stay in it until they are more than a quarter of it. */
    if (m->puts == 0 && 4 * (m->loaded - keep) <= m->loaded)
        return 0;
    if (keep > PART_MEMO_MAX)
        return ERR_SET(err, ERR_LIMIT, "more than %u directories to remember", PART_MEMO_MAX);
    qsort(m->dirs, m->n, sizeof(*m->dirs), cmp_dir); /* the index is rebuilt below */
    buf = mem_alloc(len);
    memcpy(buf, memo_magic, 8);
    le_put32(buf + 8, MEMO_VERSION);
    le_put32(buf + 12, 0);
    le_put32(buf + 16, (uint32_t)keep);
    le_put32(buf + 20, 0);
    for (size_t i = 0; i < m->n; i++) {
        const struct memo_dir *d = &m->dirs[i];

        if (!d->used || d->blob == NULL)
            continue;
        le_put64(buf + at, d->id.dev);
        le_put64(buf + at + 8, d->id.ino);
        le_put64(buf + at + 16, (uint64_t)d->id.mtime_ns);
        le_put64(buf + at + 24, (uint64_t)d->id.ctime_ns);
        le_put32(buf + at + 32, d->nnames);
        le_put32(buf + at + 36, d->blob_len);
        if (d->blob_len)
            memcpy(buf + at + MEMO_DIR_FIXED, d->blob, d->blob_len);
        at += MEMO_DIR_FIXED + d->blob_len;
    }
    le_put64(buf + at, XXH3_64bits(buf, at));
    reindex(m, m->nslots ? m->nslots : 64);
    {
        const char *slash = strrchr(path, '/');
        size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;

        /* same directory (rename is atomic only there), dot-prefixed, unique per process */
        tmp_cap = strlen(path) + 32;
        tmp = mem_alloc(tmp_cap);
        snprintf(tmp, tmp_cap, "%.*s.tmp-%s.%ld", (int)dir_len, path, path + dir_len,
                 (long)getpid());
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        rc = ERR_SET_ERRNO(err, errno, "cannot create %s", tmp);
    } else {
        e = write_all(fd, buf, len);
        if (close(fd) != 0 && e == 0)
            e = errno;
        if (e == 0 && rename(tmp, path) != 0)
            e = errno;
        if (e != 0) {
            rc = ERR_SET_ERRNO(err, e, "cannot write %s", path);
            unlink(tmp);
        }
    }
    mem_free(tmp);
    mem_free(buf);
    return rc;
}
