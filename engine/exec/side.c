/*
 * side.c - see side.h; docs/partials.md ("Side files") has the byte layout.
 */
#include "side.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack (scan()) */
#include <xxhash.h>

#include "bulksum.h"
#include "file_read.h"
#include "le.h"
#include "mem.h"
#include "op.h"

static const uint8_t side_magic[8] = {0x89, 'F', 'S', 'S', 'I', 'D', 'E', '\n'};

#define BAD(...) ERR_SET(err, ERR_FORMAT, __VA_ARGS__)

/* Reserves n bytes at the end of `b` and returns them. */
static uint8_t *
buf_room_side(struct partial_buf *b, size_t n)
{
    b->p = mem_grow(b->p, &b->cap, b->len + n, 4096);
    b->len += n;
    return b->p + b->len - n;
}

void
side_roll_of(const struct partial *p, struct side_roll *r)
{
    r->size = p->len;
    r->head_sum = p->hlen >= 8 ? le_get64(p->buf + p->hlen - 8) : 0;
    r->members_sum = p->members_sum;
    /* the trailer: its checksum is the file's last 8 bytes (a head-only load has not read it) */
    r->trailer_sum = 0;
}

/* An entry while the file is built: side_ent's fields and its key (the layout's). */
struct bent {
    uint64_t hash;
    uint64_t off;
    uint64_t sum;
    const uint8_t *key;
    uint32_t len;
    uint32_t key_len;
    uint32_t rank;
};

/* Entries sorted by (hash, off): a counting sort by the top bits, then insertion within. */
static void
ents_sort(struct bent *v, size_t n)
{
    unsigned bits = 1;
    uint32_t *count;
    struct bent *tmp;

    if (n < 2)
        return;
    while (bits < 20 && ((size_t)1 << bits) < n)
        bits++;
    count = mem_calloc(((size_t)1 << bits) + 1, sizeof(*count));
    tmp = mem_alloc(n * sizeof(*tmp));
    for (size_t i = 0; i < n; i++)
        count[(v[i].hash >> (64 - bits)) + 1]++;
    for (size_t b = 1; b <= ((size_t)1 << bits); b++)
        count[b] += count[b - 1];
    for (size_t i = 0; i < n; i++)
        tmp[count[v[i].hash >> (64 - bits)]++] = v[i];
    for (size_t i = 1; i < n; i++) { /* nearly sorted: each moves within its bucket */
        struct bent x = tmp[i];
        size_t j = i;

        while (j > 0 && (tmp[j - 1].hash > x.hash ||
                         (tmp[j - 1].hash == x.hash && tmp[j - 1].off > x.off))) {
            tmp[j] = tmp[j - 1];
            j--;
        }
        tmp[j] = x;
    }
    memcpy(v, tmp, n * sizeof(*v));
    mem_free(tmp);
    mem_free(count);
}

/* Whether entry x is key k. */
static int
bent_is(const struct bent *x, const struct side_key *k)
{
    return x->hash == k->hash && x->key_len == k->key_len &&
           memcmp(x->key, k->key, k->key_len) == 0;
}

/* The entry of key k among v[0..n) (sorted); n when absent. */
static size_t
ents_find(const struct bent *v, size_t n, const struct side_key *k)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (v[mid].hash < k->hash)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < n && v[lo].hash == k->hash; lo++)
        if (bent_is(&v[lo], k))
            return lo;
    return n;
}

/* Keys sorted by hash: a counting sort by the top bits, then insertion within. */
static void
keys_sort(struct side_key *v, size_t n)
{
    unsigned bits = 1;
    uint32_t *count;
    struct side_key *tmp;

    if (n < 2)
        return;
    while (bits < 20 && ((size_t)1 << bits) < n)
        bits++;
    count = mem_calloc(((size_t)1 << bits) + 1, sizeof(*count));
    tmp = mem_alloc(n * sizeof(*tmp));
    for (size_t i = 0; i < n; i++)
        count[(v[i].hash >> (64 - bits)) + 1]++;
    for (size_t b = 1; b <= ((size_t)1 << bits); b++)
        count[b] += count[b - 1];
    for (size_t i = 0; i < n; i++)
        tmp[count[v[i].hash >> (64 - bits)]++] = v[i];
    for (size_t i = 1; i < n; i++) {
        struct side_key x = tmp[i];
        size_t j = i;

        while (j > 0 && tmp[j - 1].hash > x.hash) {
            tmp[j] = tmp[j - 1];
            j--;
        }
        tmp[j] = x;
    }
    memcpy(v, tmp, n * sizeof(*v));
    mem_free(tmp);
    mem_free(count);
}

/*
 * Every passing key's entry (v sorted) marked SIDE_UNLISTED: the keys sorted
 * by hash and walked beside the entries (one pass, no search per key). 0, or
 * -1 when a key is not the roll-up's.
 */
static int
mark_passing(struct bent *v, size_t n, const struct side_key *pass, size_t npass)
{
    struct side_key *k = mem_alloc((npass ? npass : 1) * sizeof(*k));
    size_t i = 0;
    int rc = 0;

    memcpy(k, pass, npass * sizeof(*k));
    keys_sort(k, npass);
    for (size_t j = 0; j < npass && rc == 0; j++) {
        size_t x;

        while (i < n && v[i].hash < k[j].hash)
            i++;
        for (x = i; x < n && v[x].hash == k[j].hash && !bent_is(&v[x], &k[j]); x++)
            ;
        if (x < n && v[x].hash == k[j].hash)
            v[x].rank = SIDE_UNLISTED;
        else
            rc = -1;
    }
    mem_free(k);
    return rc;
}

int
side_build(const struct partial_layout *roll, const uint8_t fp[16], const struct side_key *pass,
           size_t npass, const struct side_key *list, size_t nlist, struct partial_buf *out,
           struct err *err)
{
    struct bent *v;
    size_t n = roll->n;
    uint8_t *h, *q;
    size_t start = out->len;

    if (n >= SIDE_GROUPS_MAX || nlist > npass || npass > n)
        return ERR_SET(err, ERR_LIMIT, "%zu groups: no side file", n);
    v = mem_alloc((n ? n : 1) * sizeof(*v));
    for (size_t i = 0; i < n; i++) {
        const struct partial_group_at *g = &roll->g[i];

        if (g->len > UINT32_MAX) {
            mem_free(v);
            return ERR_SET(err, ERR_LIMIT, "a group of %llu bytes: no side file",
                           (unsigned long long)g->len);
        }
        v[i].hash = g->hash;
        v[i].off = g->off;
        v[i].sum = g->sum;
        v[i].key = g->key;
        v[i].len = (uint32_t)g->len;
        v[i].key_len = g->key_len;
        v[i].rank = SIDE_NOT_PASSING;
    }
    ents_sort(v, n);
    if (mark_passing(v, n, pass, npass) < 0) {
        mem_free(v);
        return ERR_SET(err, ERR_INTERNAL, "side file: a passing group not in the roll-up");
    }
    (void)buf_room_side(out, SIDE_HEAD + 4 * nlist);
    q = out->p + start + SIDE_HEAD;
    for (size_t i = 0; i < nlist; i++) {
        size_t k = ents_find(v, n, &list[i]);

        if (k == n || v[k].rank != SIDE_UNLISTED) {
            mem_free(v);
            out->len = start;
            return ERR_SET(err, ERR_INTERNAL, "side file: a listed group not passing, or twice");
        }
        v[k].rank = (uint32_t)i;
        le_put32(q + 4 * i, (uint32_t)k);
    }
    {
        uint8_t *p = buf_room_side(out, SIDE_ENT * n + 8);

        for (size_t i = 0; i < n; i++, p += SIDE_ENT) {
            le_put64(p, v[i].hash);
            le_put64(p + 8, v[i].off);
            le_put32(p + 16, v[i].len);
            le_put32(p + 20, v[i].rank);
            le_put64(p + 24, v[i].sum);
        }
    }
    mem_free(v);
    h = out->p + start;
    memset(h, 0, SIDE_HEAD);
    memcpy(h, side_magic, 8);
    le_put32(h + 8, SIDE_VERSION);
    le_put32(h + 12, SIDE_HEAD);
    memcpy(h + 16, fp, 16);
    le_put64(h + 32, roll->size);
    le_put64(h + 40, roll->head_sum);
    le_put64(h + 48, roll->members_sum);
    le_put64(h + 56, roll->trailer_sum);
    le_put64(h + 64, n);
    le_put64(h + 72, npass);
    le_put64(h + 80, nlist);
    le_put64(h + SIDE_HEAD - 8, XXH3_64bits(h, SIDE_HEAD - 8));
    le_put64(out->p + out->len - 8,
             bulksum_xxh3(out->p + start + SIDE_HEAD, out->len - start - SIDE_HEAD - 8));
    return 0;
}

/*
 * The bits of the index of side_find(): one bucket per two entries or so (the entries'
 * hashes are XXH3 hashes of keys, spread evenly), so that a lookup reads first[] and then
 * one or two entries, 2 cache misses, where halving the whole array took 13 (half of
 * side_finish()'s time on the month re-run: 17.5 k lookups in 130 k entries). A bucket
 * is searched by halves, so uneven hashes (a damaged or made file) cost time only.
 */
static unsigned
first_bits(uint64_t n)
{
    unsigned bits = 0;

    while (bits < 24 && ((uint64_t)2 << bits) <= n)
        bits++;
    return bits;
}

/*
 * The header buf[0..SIDE_HEAD) of a side file of `len` bytes: checked (its checksum unless
 * SIDE_SKIP_SUMS), its fields into *s. 0, or -ERR_FORMAT saying why.
 */
static int
head_check(const uint8_t *buf, size_t len, unsigned flags, struct side *s, struct err *err)
{
    uint64_t n, passed, listed;

    if (len < SIDE_HEAD + 8)
        return BAD("cut short in its header (%zu bytes)", len);
    if (memcmp(buf, side_magic, 8) != 0)
        return BAD("not a side file (bad magic)");
    if (le_get32(buf + 8) != SIDE_VERSION)
        return BAD("format version %u, this flowsweep reads version %u", le_get32(buf + 8),
                   SIDE_VERSION);
    if (le_get32(buf + 12) != SIDE_HEAD)
        return BAD("header length %u, want %u", le_get32(buf + 12), SIDE_HEAD);
    for (size_t i = 88; i < SIDE_HEAD - 8; i++)
        if (buf[i] != 0)
            return BAD("reserved bytes are not zero");
    if (!(flags & SIDE_SKIP_SUMS) &&
        XXH3_64bits(buf, SIDE_HEAD - 8) != le_get64(buf + SIDE_HEAD - 8))
        return BAD("header checksum mismatch");
    memcpy(s->finish_fp, buf + 16, 16);
    s->roll.size = le_get64(buf + 32);
    s->roll.head_sum = le_get64(buf + 40);
    s->roll.members_sum = le_get64(buf + 48);
    s->roll.trailer_sum = le_get64(buf + 56);
    n = le_get64(buf + 64);
    passed = le_get64(buf + 72);
    listed = le_get64(buf + 80);
    if (n >= SIDE_GROUPS_MAX || passed > n || listed > passed)
        return BAD("counts out of range: %llu groups, %llu passing, %llu listed",
                   (unsigned long long)n, (unsigned long long)passed, (unsigned long long)listed);
    if (len != SIDE_HEAD + 4 * listed + SIDE_ENT * n + 8)
        return BAD("length %zu, its counts make %llu", len,
                   (unsigned long long)(SIDE_HEAD + 4 * listed + SIDE_ENT * n + 8));
    s->groups = n;
    s->passed = passed;
    s->listed = listed;
    return 0;
}

/* The checks of the entries, one after the other (side_parse(), scan()). */
struct ent_check {
    const uint8_t *list; /* the list (s->listed entry numbers) */
    uint64_t size;       /* the roll-up's length */
    uint64_t listed;
    uint64_t npass, nlisted, prev_hash, prev_off;
};

/* Entry i, its bytes p[0..SIDE_ENT): checked in order. 0, or -ERR_FORMAT saying why. */
static int
ent_check(struct ent_check *c, const uint8_t *p, uint64_t i, struct err *err)
{
    uint64_t hash = le_get64(p), off = le_get64(p + 8);
    uint32_t elen = le_get32(p + 16), rank = le_get32(p + 20);

    if (elen < 10 || off < 8 || off > c->size || elen > c->size - off)
        return BAD("entry %llu: bytes %llu..+%u outside the roll-up", (unsigned long long)i,
                   (unsigned long long)off, elen);
    /* (entry 0 passes: its offset is >= 8, prev_off 0) */
    if (hash < c->prev_hash || (hash == c->prev_hash && off <= c->prev_off))
        return BAD("entry %llu out of order", (unsigned long long)i);
    if (rank != SIDE_NOT_PASSING) {
        c->npass++;
        if (rank != SIDE_UNLISTED) {
            if (rank >= c->listed || le_get32(c->list + 4 * (uint64_t)rank) != i)
                return BAD("entry %llu: rank %u is not its place in the list",
                           (unsigned long long)i, rank);
            c->nlisted++;
        }
    }
    c->prev_hash = hash;
    c->prev_off = off;
    return 0;
}

/* After the last entry: the counts the header gave. 0, or -ERR_FORMAT. */
static int
ents_counted(const struct ent_check *c, const struct side *s, struct err *err)
{
    if (c->npass != s->passed || c->nlisted != s->listed)
        return BAD("%llu passing and %llu listed entries, the header says %llu and %llu",
                   (unsigned long long)c->npass, (unsigned long long)c->nlisted,
                   (unsigned long long)s->passed, (unsigned long long)s->listed);
    return 0;
}

int
side_parse(uint8_t *buf, size_t len, unsigned flags, struct side *s, struct err *err)
{
    const uint8_t *ents;
    struct ent_check ck = {0};
    uint64_t n, b = 0;
    uint32_t *first;
    unsigned bits;
    int rc;

    memset(s, 0, sizeof(*s));
    s->buf = buf;
    s->len = len;
    if ((rc = head_check(buf, len, flags, s, err)) < 0)
        return rc;
    if (!(flags & SIDE_SKIP_SUMS) &&
        bulksum_xxh3(buf + SIDE_HEAD, len - SIDE_HEAD - 8) != le_get64(buf + len - 8))
        return BAD("checksum mismatch");
    n = s->groups;
    ck.list = buf + SIDE_HEAD;
    ck.size = s->roll.size;
    ck.listed = s->listed;
    ents = ck.list + 4 * s->listed;
    bits = first_bits(n);
    first = s->first = mem_alloc((((size_t)1 << bits) + 1) * sizeof(*first)); /* side_fini() */
    for (uint64_t i = 0; i < n; i++) {
        const uint8_t *p = ents + SIDE_ENT * i;
        uint64_t top = (le_get64(p) >> 1) >> (63 - bits); /* its top `bits` bits (none: 0) */

        if ((rc = ent_check(&ck, p, i, err)) < 0)
            return rc;
        while (b <= top) /* the buckets up to this entry's start here */
            first[b++] = (uint32_t)i;
    }
    if ((rc = ents_counted(&ck, s, err)) < 0)
        return rc;
    while (b <= ((uint64_t)1 << bits))
        first[b++] = (uint32_t)n;
    s->first_bits = bits;
    return 0;
}

int
side_load(const char *path, struct side *s, struct err *err)
{
    uint8_t *buf;
    size_t got, cap;
    int rc;

    memset(s, 0, sizeof(*s));
    if ((rc = file_read_whole(path, &buf, &got, &cap, err)) < 0)
        return rc;
    rc = side_parse(buf, got, 0, s, err);
    s->big = cap;
    return rc;
}

int
side_open(const char *path, struct side *s, struct err *err)
{
    uint8_t head[SIDE_HEAD];
    struct stat st;
    int fd, rc;

    memset(s, 0, sizeof(*s));
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ERR_SET_ERRNO(err, errno, "cannot open");
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return ERR_SET(err, ERR_FORMAT, "not a regular file");
    }
    s->len = (size_t)st.st_size;
    if (s->len < SIDE_HEAD + 8)
        rc = BAD("cut short in its header (%zu bytes)", s->len);
    else if ((rc = file_pread_whole(fd, head, SIDE_HEAD, 0, err)) == 0)
        rc = head_check(head, s->len, 0, s, err);
    if (rc < 0) {
        close(fd);
        return rc;
    }
    s->fd1 = fd + 1;
    return 0;
}

void
side_ent(const struct side *s, uint64_t i, struct side_ent *e)
{
    const uint8_t *p = s->buf + SIDE_HEAD + 4 * s->listed + SIDE_ENT * i;

    e->hash = le_get64(p);
    e->off = le_get64(p + 8);
    e->len = le_get32(p + 16);
    e->rank = le_get32(p + 20);
    e->sum = le_get64(p + 24);
}

uint64_t
side_list(const struct side *s, uint64_t k)
{
    return le_get32(s->buf + SIDE_HEAD + 4 * k);
}

/* The bucket of first[] that `hash` falls in. */
static inline uint64_t
side_bucket(const struct side *s, uint64_t hash)
{
    return s->first_bits ? hash >> (64 - s->first_bits) : 0;
}

uint64_t
side_find(const struct side *s, uint64_t hash)
{
    const uint8_t *ents = s->buf + SIDE_HEAD + 4 * s->listed;
    uint64_t b = side_bucket(s, hash);
    uint64_t lo = s->first[b], hi = s->first[b + 1]; /* the entries with hash's top bits */

    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;

        if (le_get64(ents + SIDE_ENT * mid) < hash)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Reads roll-up bytes [off, off + len) of `fd` into buf (grown as needed). 0, or -code. */
static int
read_at(int fd, const char *name, uint64_t off, size_t len, struct partial_buf *buf,
        struct err *err)
{
    size_t got = 0;

    if (buf->cap < len) {
        mem_free(buf->p);
        buf->p = mem_alloc(len);
        buf->cap = len;
    }
    buf->len = 0;
    while (got < len) {
        ssize_t r = pread(fd, buf->p + got, len - got, (off_t)(off + got));

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return ERR_SET_ERRNO(err, errno, "%s: cannot read", name);
        if (r == 0)
            return ERR_SET(err, ERR_FORMAT, "%s: cut short at byte %llu", name,
                           (unsigned long long)(off + got));
        got += (size_t)r;
    }
    buf->len = got;
    return 0;
}

/* The group of entry `e`, its bytes at p[0..e->len): checked and parsed into *g. */
static int
check_group(const char *name, const struct side_ent *e, const uint8_t *p, struct partial_entry *g,
            struct err *err)
{
    if (bulksum_xxh3(p, e->len) != e->sum)
        return ERR_SET(err, ERR_FORMAT, "%s: the group at byte %llu fails its checksum", name,
                       (unsigned long long)e->off);
    if (partial_group_parse(p, e->len, g) < 0 || g->hash != e->hash)
        return ERR_SET(err, ERR_FORMAT, "%s: the group at byte %llu does not parse", name,
                       (unsigned long long)e->off);
    g->rec_off = e->off;
    return 0;
}

int
side_group(int fd, const char *name, const struct side_ent *e, struct partial_buf *buf,
           struct partial_entry *g, struct err *err)
{
    int rc = read_at(fd, name, e->off, e->len, buf, err);

    return rc < 0 ? rc : check_group(name, e, buf->p, g, err);
}

size_t
side_extra(uint64_t groups)
{
    return groups / 64 > SIDE_EXTRA_MIN ? (size_t)(groups / 64) : SIDE_EXTRA_MIN;
}

static void
keys_of(const struct op *op, struct htab_entry *const *e, size_t n, struct side_key *k)
{
    for (size_t i = 0; i < n; i++) {
        k[i].hash = e[i]->hash;
        k[i].key = htab_entry_key(e[i], op->val_len);
        k[i].key_len = e[i]->key_len;
    }
}

int
side_make(const struct op *op, const struct partial_layout *roll, const struct htab *t, int threads,
          size_t extra, const uint8_t fp[16], struct partial_buf *out,
          struct htab_entry ***list_out, size_t *nlist_out, size_t *npass, struct err *err)
{
    struct htab_entry **pass = NULL, **list = NULL;
    size_t np = 0, nl = 0;
    struct side_key *pk, *lk;
    int rc;

    if (op->rank == NULL)
        return ERR_SET(err, ERR_INTERNAL, "side file: the operation does not rank");
    rc = op->rank(op, t, threads, extra, &pass, &np, &list, &nl, err);
    if (rc < 0)
        return rc;
    pk = mem_alloc((np ? np : 1) * sizeof(*pk));
    lk = mem_alloc((nl ? nl : 1) * sizeof(*lk));
    keys_of(op, pass, np, pk);
    keys_of(op, list, nl, lk);
    rc = side_build(roll, fp, pk, np, lk, nl, out, err);
    mem_free(pk);
    mem_free(lk);
    mem_free(pass);
    if (rc == 0 && list_out != NULL) {
        *list_out = list;
        *nlist_out = nl;
        *npass = np;
    } else {
        mem_free(list);
    }
    return rc;
}

/*
 * The groups of t that the roll-up may hold (an entry with the key's hash) are read in the
 * roll-up's order, the groups less than SIDE_READ_GAP bytes apart with one pread() of at most
 * SIDE_READ_SPAN bytes: on `month` dns-dest's 541 groups of a 0.28 MB roll-up are 2 reads, not
 * 541 (docs/partials.md "The re-run's fixed costs, session 18").
 */
#define SIDE_READ_GAP  ((uint64_t)4096)
#define SIDE_READ_SPAN ((uint64_t)256 << 10)

/*
 * lookup() looks up a sub-table's keys with their loads started ahead: first[] of the key
 * SIDE_AHEAD * 2 on, the first entry of its bucket for the key SIDE_AHEAD on (first[] loaded by
 * then). Each lookup otherwise waits on both (on month's dns-names 10.6 k keys in 75 k entries
 * of 2.4 MB: docs/partials.md, session 19).
 */
#define SIDE_AHEAD 8

struct cand {
    struct side_ent e; /* the entry */
    struct htab_entry *g;
    size_t gi; /* g's number among t's keys (done[]) */
};

static int
cand_cmp(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;

    return x->e.off < y->e.off ? -1 : x->e.off > y->e.off;
}

/* The candidates so far: one more, entry e for key g (number gi). */
static void
cand_add(struct cand **c, size_t *nc, size_t *cap, const struct side_ent *e, struct htab_entry *g,
         size_t gi)
{
    if (*nc == *cap) {
        *cap = *cap ? 2 * *cap : 1024;
        *c = mem_realloc(*c, *cap * sizeof(**c));
    }
    (*c)[*nc].e = *e;
    (*c)[*nc].g = g;
    (*c)[(*nc)++].gi = gi;
}

/* Entry bytes p[0..SIDE_ENT) as a side_ent. */
static void
ent_at(const uint8_t *p, struct side_ent *e)
{
    e->hash = le_get64(p);
    e->off = le_get64(p + 8);
    e->len = le_get32(p + 16);
    e->rank = le_get32(p + 20);
    e->sum = le_get64(p + 24);
}

/* A key of t: its hash (the slot's) and entry. */
struct tkey {
    uint64_t hash;
    struct htab_entry *g;
};

static int
tkey_cmp(const void *a, const void *b)
{
    const struct tkey *x = a, *y = b;

    return x->hash < y->hash ? -1 : x->hash > y->hash;
}

/*
 * The keys of t ascending by hash (*n of them; mem_free() it): a counting sort by the hashes'
 * top bits (XXH3 hashes: about one key a bucket), then each bucket sorted (by insertion).
 */
static struct tkey *
keys_by_hash(const struct htab *t, size_t *n)
{
    size_t nt = htab_count(t), k = 0;
    unsigned bits = first_bits(nt) + 1;
    size_t nb = (size_t)1 << bits;
    uint32_t *at = mem_calloc(nb + 1, sizeof(*at));
    struct tkey *tmp = mem_alloc((nt + 1) * sizeof(*tmp)),
                *out = mem_alloc((nt + 1) * sizeof(*out));

    for (unsigned p = 0; p < HTAB_PARTS; p++) {
        size_t cap = htab_part_cap(t, p);

        for (size_t i = 0; i < cap && k < nt; i++) { /* the slots' hashes: entries not read */
            struct htab_entry *g = htab_part_slot(t, p, i);

            if (g != NULL) {
                tmp[k].hash = htab_part_slot_hash(t, p, i);
                tmp[k].g = g;
                at[(tmp[k++].hash >> (64 - bits)) + 1]++;
            }
        }
    }
    for (size_t b = 0; b < nb; b++)
        at[b + 1] += at[b];
    for (size_t i = 0; i < k; i++)
        out[at[tmp[i].hash >> (64 - bits)]++] = tmp[i];
    for (size_t b = 0, from = 0; b < nb; from = at[b++]) { /* bucket b: [from, at[b]) now */
        if (at[b] - from > 16) { /* uneven hashes (a made input): time only */
            qsort(out + from, at[b] - from, sizeof(*out), tkey_cmp);
            continue;
        }
        for (size_t i = from + 1; i < at[b]; i++) {
            struct tkey x = out[i];
            size_t j = i;

            for (; j > from && out[j - 1].hash > x.hash; j--)
                out[j] = out[j - 1];
            out[j] = x;
        }
    }
    mem_free(at);
    mem_free(tmp);
    *n = k;
    return out;
}

#define SIDE_SCAN 2048u /* entries read at a time (64 KiB) */

/*
 * Step 1 of side_finish() with the side file open (side_open()): its list and entries read
 * SIDE_SCAN entries at a time into one buffer and checked as side_parse() checks them, each
 * entry met with t's keys ascending by hash: the entries with a key's hash are candidates
 * (*c), the listed entries kept by place (lent[]). Nothing of the file stays in memory but
 * those. 0, or -code (the side file damaged, cut or unreadable) saying why.
 */
static int
scan(const struct side *s, const struct htab *t, struct cand **c, size_t *nc, size_t *ccap,
     struct side_ent *lent, struct err *err)
{
    int fd = s->fd1 - 1;
    size_t nk, ti = 0, listb = 4 * (size_t)s->listed;
    struct tkey *tk = keys_by_hash(t, &nk);
    uint8_t *list = mem_alloc(listb + 4), *buf = mem_alloc((size_t)SIDE_SCAN * SIDE_ENT);
    XXH3_state_t h;
    struct ent_check ck = {0};
    struct side_ent e;
    uint8_t tail[8];
    int rc;

    XXH3_64bits_reset(&h);
    ck.list = list;
    ck.size = s->roll.size;
    ck.listed = s->listed;
    rc = file_pread_whole(fd, list, listb, SIDE_HEAD, err);
    if (rc == 0)
        XXH3_64bits_update(&h, list, listb);
    for (uint64_t i0 = 0; rc == 0 && i0 < s->groups; i0 += SIDE_SCAN) {
        size_t m = s->groups - i0 < SIDE_SCAN ? (size_t)(s->groups - i0) : SIDE_SCAN;

        if ((rc = file_pread_whole(fd, buf, m * SIDE_ENT, SIDE_HEAD + listb + SIDE_ENT * i0, err)) <
            0)
            break;
        XXH3_64bits_update(&h, buf, m * SIDE_ENT);
        for (size_t j = 0; j < m; j++) {
            const uint8_t *p = buf + SIDE_ENT * j;

            if ((rc = ent_check(&ck, p, i0 + j, err)) < 0)
                break;
            ent_at(p, &e);
            if (e.rank < s->listed)
                lent[e.rank] = e;
            while (ti < nk && tk[ti].hash < e.hash)
                ti++;
            for (size_t tj = ti; tj < nk && tk[tj].hash == e.hash; tj++)
                cand_add(c, nc, ccap, &e, tk[tj].g, tj);
        }
    }
    if (rc == 0 && (rc = file_pread_whole(fd, tail, 8, s->len - 8, err)) == 0 &&
        XXH3_64bits_digest(&h) != le_get64(tail))
        rc = BAD("checksum mismatch");
    if (rc == 0)
        rc = ents_counted(&ck, s, err);
    mem_free(buf);
    mem_free(list);
    mem_free(tk);
    return rc;
}

/* Step 1 of side_finish() with the file in memory (side_parse()): each key looked up. */
static void
lookup(const struct side *s, const struct htab *t, struct cand **c, size_t *nc, size_t *ccap,
       struct side_ent *lent)
{
    const uint8_t *ents = s->buf + SIDE_HEAD + 4 * s->listed;
    uint64_t *hs;           /* a sub-table's keys: their hashes */
    struct htab_entry **gs; /* and entries */
    size_t maxp = 0, ng = 0;
    struct side_ent e;

    for (uint64_t k = 0; k < s->listed; k++)
        side_ent(s, side_list(s, k), &lent[k]);
    for (unsigned p = 0; p < HTAB_PARTS; p++)
        if (htab_part_count(t, p) > maxp)
            maxp = htab_part_count(t, p);
    hs = mem_alloc((maxp + 1) * sizeof(*hs));
    gs = mem_alloc((maxp + 1) * sizeof(*gs));
    for (unsigned p = 0; p < HTAB_PARTS; p++) { /* the entries with a key's hash: candidates */
        size_t cap = htab_part_cap(t, p), np = 0;

        for (size_t i = 0; i < cap; i++) { /* the slots' hashes: the entries are not read */
            struct htab_entry *g = htab_part_slot(t, p, i);

            if (g != NULL) {
                hs[np] = htab_part_slot_hash(t, p, i);
                gs[np++] = g;
            }
        }
        for (size_t j = 0; j < np; j++) {
            uint64_t hash = hs[j];

            if (j + 2 * SIDE_AHEAD < np)
                __builtin_prefetch(&s->first[side_bucket(s, hs[j + 2 * SIDE_AHEAD])]);
            if (j + SIDE_AHEAD < np)
                __builtin_prefetch(ents +
                                   SIDE_ENT * (size_t)s->first[side_bucket(s, hs[j + SIDE_AHEAD])]);
            ng++;
            for (uint64_t k = side_find(s, hash); k < s->groups; k++) {
                side_ent(s, k, &e);
                if (e.hash != hash)
                    break;
                cand_add(c, nc, ccap, &e, gs[j], ng - 1);
            }
        }
    }
    mem_free(hs);
    mem_free(gs);
}

/* A key of the table that the roll-up holds: its old state, loaded. */
struct found {
    struct htab_entry *g;
    uint8_t *val;
};

int
side_finish(const struct op *op, struct htab *t, const struct side *s, int fd, const char *name,
            struct memacct *acct, struct side_done *d, struct err *err)
{
    size_t nt = htab_count(t), nf = 0, vlen = (op->val_len + 7u) & ~7u;
    struct found *f = mem_calloc(nt + 1, sizeof(*f));
    uint8_t *touched = mem_calloc(s->listed + 1, 1);
    struct side_ent *lent = mem_alloc((s->listed + 1) * sizeof(*lent)); /* by list place */
    struct partial_buf b = {0};
    struct partial_entry pe;
    struct side_ent e;
    struct htab *l = NULL;
    struct cand *c = NULL;
    uint8_t *done = mem_calloc(nt + 1, 1); /* per key of t: its entry was found */
    size_t nc = 0, ccap = 0;
    uint64_t passed_before = 0, listed_touched = 0, loaded = 0, need = op->limit;
    int rc = 0;

    memset(d, 0, sizeof(*d));
    /* 1. each key of t looked up; the old state of those the roll-up holds loaded */
    if (s->buf != NULL) {
        lookup(s, t, &c, &nc, &ccap, lent);
    } else if ((rc = scan(s, t, &c, &nc, &ccap, lent, err)) < 0) {
        d->side_bad = 1; /* the side file's own damage: t untouched */
    }
    if (nc > 1) /* read in the roll-up's order, near groups with one pread (SIDE_READ_GAP) */
        qsort(c, nc, sizeof(*c), cand_cmp);
    for (size_t i = 0, j; i < nc && rc == 0; i = j) {
        uint64_t from = c[i].e.off, to = c[i].e.off + c[i].e.len;

        for (j = i + 1; j < nc; j++) { /* the span [from, to) grows while the next is near */
            e = c[j].e;
            if (e.off > to + SIDE_READ_GAP || e.off + e.len - from > SIDE_READ_SPAN)
                break;
            if (e.off + e.len > to)
                to = e.off + e.len;
        }
        if ((rc = read_at(fd, name, from, (size_t)(to - from), &b, err)) < 0)
            break;
        for (size_t m = i; m < j && rc == 0; m++) {
            struct htab_entry *g = c[m].g;

            if (done[c[m].gi])
                continue; /* its key was found (the first entry with it, as the entries' order) */
            e = c[m].e;
            if ((rc = check_group(name, &e, b.p + (e.off - from), &pe, err)) < 0)
                break;
            if (pe.key_len != g->key_len ||
                memcmp(pe.key, htab_entry_key(g, op->val_len), pe.key_len) != 0)
                continue;
            done[c[m].gi] = 1;
            f[nf].g = g;
            f[nf].val = mem_calloc(1, vlen + 8);
            rc = op->load(op, f[nf].val, pe.state, pe.state_len, acct, err);
            nf++;
            if (rc < 0) {
                err_prefix(err, "%s: the group at byte %llu", name, (unsigned long long)e.off);
                break;
            }
            if (e.rank != SIDE_NOT_PASSING)
                passed_before++;
            if (e.rank < s->listed) {
                touched[e.rank] = 1;
                listed_touched++;
            }
        }
    }
    mem_free(c);
    mem_free(done);
    /* 2. enough listed groups left for the output? (all of them without a limit) */
    if (rc == 0 && s->listed < s->passed && (need == 0 || s->listed - listed_touched < need))
        rc = 1;
    /* 3. the first listed groups t does not hold, into a table of their own */
    if (rc == 0 && (l = htab_create(op->val_len, acct, err)) == NULL)
        rc = -ERR_LIMIT;
    for (uint64_t k = 0; rc == 0 && k < s->listed && (need == 0 || loaded < need); k++) {
        struct htab_entry *h;
        int is_new;

        if (touched[k])
            continue;
        e = lent[k];
        if ((rc = side_group(fd, name, &e, &b, &pe, err)) < 0)
            break;
        h = htab_upsert(l, pe.key, pe.key_len, pe.hash, &is_new, err);
        if (h == NULL) {
            rc = -ERR_LIMIT;
        } else if (!is_new) {
            rc = ERR_SET(err, ERR_FORMAT, "%s: a group listed twice", name);
        } else if ((rc = op->load(op, htab_entry_val(h), pe.state, pe.state_len, acct, err)) < 0) {
            err_prefix(err, "%s: the group at byte %llu", name, (unsigned long long)e.off);
        }
        loaded++;
    }
    /* 4. nothing failed: the old states merged into t, the listed groups moved in */
    for (size_t i = 0; rc == 0 && i < nf; i++) {
        rc = op->merge(op, htab_entry_val(f[i].g), f[i].val, acct, err);
        mem_free(f[i].val);
        f[i].val = NULL;
        if (rc < 0)
            rc = rc == -ERR_LIMIT ? rc : -ERR_LIMIT; /* t is changed: the run stops */
    }
    for (unsigned p = 0; rc == 0 && p < HTAB_PARTS; p++) {
        size_t cap = htab_part_cap(l, p);

        for (size_t i = 0; i < cap && rc == 0; i++) {
            struct htab_entry *x = htab_part_slot(l, p, i), *y;
            int is_new;

            if (x == NULL)
                continue;
            y = htab_upsert(t, htab_entry_key(x, op->val_len), x->key_len, x->hash, &is_new, err);
            if (y == NULL || !is_new) {
                rc = y == NULL ? -ERR_LIMIT
                               : ERR_SET(err, ERR_INTERNAL, "%s: a listed group is new too", name);
                break;
            }
            memcpy(htab_entry_val(y), htab_entry_val(x), op->val_len);
            memset(htab_entry_val(x), 0, op->val_len);
        }
    }
    if (rc == 0) {
        d->groups = s->groups + (nt - nf);
        d->passed_base = s->passed - passed_before - loaded;
        d->touched = nt;
        d->found = nf;
        d->loaded = loaded;
        d->listed_touched = listed_touched;
    }
    for (size_t i = 0; i < nf; i++)
        if (f[i].val != NULL) {
            op->release(op, f[i].val, acct);
            mem_free(f[i].val);
        }
    if (l != NULL) {
        op_release_all(op, l, acct);
        htab_destroy(l);
    }
    mem_free(f);
    mem_free(touched);
    mem_free(lent);
    partial_buf_fini(&b);
    return rc;
}

void
side_fini(struct side *s)
{
    if (s->big)
        mem_big_free(s->buf, s->big);
    else
        mem_free(s->buf);
    mem_free(s->first);
    if (s->fd1 > 0)
        close(s->fd1 - 1);
    memset(s, 0, sizeof(*s));
}
