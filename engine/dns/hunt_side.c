/*
 * hunt_side.c - dns-hunt's side file: build, parse and read (hunt_side.h; the layout is in
 * docs/partials.md, "dns-hunt's side file").
 */
#include "hunt_side.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bulksum.h"
#include "file_read.h"
#include "le.h"
#include "mem.h"

static const uint8_t hside_magic[8] = {0x89, 'F', 'S', 'H', 'U', 'N', 'T', '\n'};

static uint64_t
f64_bits(double x)
{
    uint64_t u;

    memcpy(&u, &x, sizeof(u));
    return u;
}

static double
bits_f64(uint64_t u)
{
    double x;

    memcpy(&x, &u, sizeof(x));
    return x;
}

/* The kind of a roll-up's key: 0 a group, 1 a client total, 2 a server-view group (hunt.h). */
static int
key_kind(const uint8_t *key, uint32_t len)
{
    if (len == HUNT_TAG_LEN && key[len - 1] == HUNT_KEY_END)
        return 1;
    if (len == HUNT_SRV_LEN && key[len - 1] == HUNT_KEY_END)
        return 2;
    return 0;
}

struct bent { /* an entry being built */
    const struct partial_group_at *at;
    struct hunt_parts parts;
    uint64_t key_off, cl_off;
    uint32_t ncl;
};

static int
bent_cmp(const void *a, const void *b)
{
    const struct bent *x = a, *y = b;

    if (x->at->hash != y->at->hash)
        return x->at->hash < y->at->hash ? -1 : 1;
    return x->at->off < y->at->off ? -1 : x->at->off > y->at->off;
}

struct btag {
    uint64_t hash;
    uint32_t chash;
    struct hunt_wide bytes;
};

static int
btag_cmp(const void *a, const void *b)
{
    const struct btag *x = a, *y = b;

    return x->chash < y->chash ? -1 : x->chash > y->chash;
}

int
hunt_side_build(const struct hunt *h, const struct partial_layout *lay,
                const struct hunt_val *const *vals, const uint8_t fp[16], struct partial_buf *out,
                struct err *err)
{
    struct bent *be = mem_calloc(lay->n + 1, sizeof(*be));
    struct btag *bt = mem_calloc(lay->n + 1, sizeof(*bt));
    struct partial_buf cls = {0}, keys = {0};
    uint64_t first_hour = UINT64_MAX, last_hour = 0, *buf = NULL;
    uint32_t *cl = NULL;
    size_t ne = 0, nt = 0, room = 0, start = out->len;
    uint8_t head[HSIDE_HEAD], x[HSIDE_ENT];
    int rc = 0;

    for (size_t i = 0; i < lay->n && rc == 0; i++) {
        const struct partial_group_at *g = &lay->g[i];
        const struct hunt_val *v = vals[i];
        int kind = key_kind(g->key, g->key_len);

        if (kind == 2 || v == NULL || g->len > UINT32_MAX) {
            rc = ERR_SET(err, ERR_INTERNAL, "dns-hunt side file: a group it does not serve");
        } else if (kind == 1) {
            bt[nt].hash = g->hash;
            memcpy(&bt[nt].chash, g->key, 4);
            bt[nt++].bytes = hunt_wide_sum(v->qbytes, v->rbytes);
        } else {
            struct bent *e = &be[ne++];

            if (v->times.n > room) {
                room = v->times.n;
                mem_free(buf);
                mem_free(cl);
                buf = mem_alloc((room + 1 + room / 2 + 1) * sizeof(*buf));
                cl = mem_alloc(room * sizeof(*cl));
            }
            e->at = g;
            e->ncl = hunt_parts_of(h, v, &e->parts, cl, buf);
            e->cl_off = cls.len / 4;
            for (uint32_t k = 0; k < e->ncl; k++) {
                uint8_t le[4];

                le_put32(le, cl[k]);
                partial_buf_put(&cls, le, 4);
            }
            e->key_off = keys.len;
            partial_buf_put(&keys, g->key, g->key_len);
            if (~e->parts.first_ms / 3600000u < first_hour)
                first_hour = ~e->parts.first_ms / 3600000u;
            if (e->parts.last_ms / 3600000u > last_hour)
                last_hour = e->parts.last_ms / 3600000u;
        }
    }
    if (rc == 0 && (keys.len > UINT32_MAX || cls.len / 4 > UINT32_MAX))
        rc = ERR_SET(err, ERR_LIMIT, "dns-hunt side file: too many keys");
    if (rc < 0)
        goto out;
    qsort(be, ne, sizeof(*be), bent_cmp);
    qsort(bt, nt, sizeof(*bt), btag_cmp);
    memset(head, 0, sizeof(head));
    memcpy(head, hside_magic, 8);
    le_put32(head + 8, HSIDE_VERSION);
    le_put32(head + 12, HSIDE_HEAD);
    memcpy(head + 16, fp, 16);
    le_put64(head + 32, lay->size);
    le_put64(head + 40, lay->head_sum);
    le_put64(head + 48, lay->members_sum);
    le_put64(head + 56, lay->trailer_sum);
    le_put64(head + 64, ne);
    le_put64(head + 72, nt);
    le_put64(head + 80, cls.len / 4);
    le_put64(head + 88, keys.len);
    le_put64(head + 96, first_hour);
    le_put64(head + 104, last_hour);
    le_put64(head + 120, bulksum_xxh3(head, 120));
    partial_buf_put(out, head, sizeof(head));
    for (size_t i = 0; i < ne; i++) {
        const struct bent *e = &be[i];

        memset(x, 0, sizeof(x));
        le_put64(x, e->at->hash);
        le_put64(x + 8, e->at->off);
        le_put64(x + 16, e->at->sum);
        le_put64(x + 24, f64_bits(e->parts.vol));
        le_put64(x + 32, f64_bits(e->parts.p5));
        le_put64(x + 40, f64_bits(e->parts.regular));
        le_put64(x + 48, f64_bits(e->parts.bytes));
        le_put64(x + 56, e->parts.first_ms);
        le_put32(x + 64, (uint32_t)e->at->len);
        le_put32(x + 68, e->parts.names);
        le_put32(x + 72, e->parts.maxh);
        le_put32(x + 76, e->at->key_len);
        le_put32(x + 80, (uint32_t)e->key_off);
        le_put32(x + 84, (uint32_t)e->cl_off);
        le_put32(x + 88, e->ncl);
        partial_buf_put(out, x, sizeof(x));
    }
    for (size_t i = 0; i < nt; i++) {
        memset(x, 0, HSIDE_TAG);
        le_put64(x, bt[i].hash);
        le_put32(x + 8, bt[i].chash);
        le_put64(x + 16, bt[i].bytes.lo);
        le_put64(x + 24, bt[i].bytes.hi);
        partial_buf_put(out, x, HSIDE_TAG);
    }
    if (cls.len)
        partial_buf_put(out, cls.p, cls.len);
    if (keys.len)
        partial_buf_put(out, keys.p, keys.len);
    le_put64(x, bulksum_xxh3(out->p + start + HSIDE_HEAD, out->len - start - HSIDE_HEAD));
    partial_buf_put(out, x, 8);
out:
    partial_buf_fini(&cls);
    partial_buf_fini(&keys);
    mem_free(buf);
    mem_free(cl);
    mem_free(be);
    mem_free(bt);
    return rc;
}

/* Entry i's bytes. */
static const uint8_t *
ent_at(const struct hside *s, uint64_t i)
{
    return s->ent + HSIDE_ENT * i;
}

/* Index bits for n entries: about two entries a bucket (0 below 4 entries). */
static unsigned
index_bits(uint64_t n)
{
    unsigned b = 0;

    while (b < 30 && ((uint64_t)2 << b) <= n)
        b++;
    return b > 0 ? b - 1 : 0;
}

int
hunt_side_parse(uint8_t *buf, size_t len, unsigned flags, struct hside *s, struct err *err)
{
    uint64_t g, t, c, k, prev_hash = 0, prev_off = 0;
    const uint8_t *p;

    memset(s, 0, sizeof(*s));
    s->buf = buf;
    s->len = len;
    if (len < HSIDE_HEAD + 8)
        return ERR_SET(err, ERR_FORMAT, "cut short (%zu bytes)", len);
    if (memcmp(buf, hside_magic, 8) != 0)
        return ERR_SET(err, ERR_FORMAT, "not a dns-hunt side file (bad magic)");
    if (le_get32(buf + 8) != HSIDE_VERSION)
        return ERR_SET(err, ERR_FORMAT, "format version %u, this flowsweep reads version %u",
                       le_get32(buf + 8), HSIDE_VERSION);
    if (le_get32(buf + 12) != HSIDE_HEAD || le_get64(buf + 112) != 0)
        return ERR_SET(err, ERR_FORMAT, "bad header");
    if (!(flags & HSIDE_SKIP_SUMS) && le_get64(buf + 120) != bulksum_xxh3(buf, 120))
        return ERR_SET(err, ERR_FORMAT, "header checksum mismatch");
    memcpy(s->finish_fp, buf + 16, 16);
    s->roll.size = le_get64(buf + 32);
    s->roll.head_sum = le_get64(buf + 40);
    s->roll.members_sum = le_get64(buf + 48);
    s->roll.trailer_sum = le_get64(buf + 56);
    g = le_get64(buf + 64);
    t = le_get64(buf + 72);
    c = le_get64(buf + 80);
    k = le_get64(buf + 88);
    s->first_hour = le_get64(buf + 96);
    s->last_hour = le_get64(buf + 104);
    if (g > len / HSIDE_ENT || t > len / HSIDE_TAG || c > len / 4 || k > len ||
        HSIDE_HEAD + g * HSIDE_ENT + t * HSIDE_TAG + c * 4 + k + 8 != len)
        return ERR_SET(err, ERR_FORMAT, "its counts do not make its length (%zu bytes)", len);
    if (!(flags & HSIDE_SKIP_SUMS) &&
        le_get64(buf + len - 8) != bulksum_xxh3(buf + HSIDE_HEAD, len - HSIDE_HEAD - 8))
        return ERR_SET(err, ERR_FORMAT, "body checksum mismatch");
    if (s->roll.size < 24)
        return ERR_SET(err, ERR_FORMAT, "bad header");
    s->groups = g;
    s->tags = t;
    s->nclients = c;
    s->nkeys = k;
    s->ent = buf + HSIDE_HEAD;
    s->tag = s->ent + g * HSIDE_ENT;
    s->cl = s->tag + t * HSIDE_TAG;
    s->keys = s->cl + c * 4;
    for (uint64_t i = 0; i < g; i++) {
        struct hside_ent e;

        p = ent_at(s, i);
        hunt_side_ent(s, i, &e);
        if (i > 0 && (e.hash < prev_hash || (e.hash == prev_hash && e.off <= prev_off)))
            return ERR_SET(err, ERR_FORMAT, "entry %llu out of order", (unsigned long long)i);
        prev_hash = e.hash;
        prev_off = e.off;
        if (e.off < 8 || e.len < 10 || e.off > s->roll.size - 24 ||
            e.len > s->roll.size - 24 - e.off)
            return ERR_SET(err, ERR_FORMAT, "entry %llu: its group lies outside the roll-up",
                           (unsigned long long)i);
        if (le_get32(p + 92) != 0 || e.key_len == 0 || le_get32(p + 80) > k ||
            e.key_len > k - le_get32(p + 80) || key_kind(e.key, e.key_len) != 0)
            return ERR_SET(err, ERR_FORMAT, "entry %llu: bad key", (unsigned long long)i);
        if (e.cl_off > c || e.ncl > c - e.cl_off)
            return ERR_SET(err, ERR_FORMAT, "entry %llu: bad clients", (unsigned long long)i);
        if (!isfinite(e.parts.vol) || !isfinite(e.parts.p5) || !isfinite(e.parts.regular) ||
            !isfinite(e.parts.bytes))
            return ERR_SET(err, ERR_FORMAT, "entry %llu: bad parts", (unsigned long long)i);
    }
    /* the index of the hashes' top bits: a lookup reads first[] and then a bucket's entries */
    if (g > UINT32_MAX - 1)
        return ERR_SET(err, ERR_FORMAT, "%llu groups", (unsigned long long)g);
    s->first_bits = index_bits(g);
    s->first = mem_alloc((((size_t)1 << s->first_bits) + 1) * sizeof(*s->first));
    {
        uint64_t b = 0, nb = (uint64_t)1 << s->first_bits;

        for (uint64_t i = 0; i < g; i++) {
            uint64_t top = s->first_bits ? le_get64(ent_at(s, i)) >> (64 - s->first_bits) : 0;

            while (b <= top)
                s->first[b++] = (uint32_t)i;
        }
        while (b <= nb)
            s->first[b++] = (uint32_t)g;
    }
    for (uint64_t i = 0; i < t; i++) {
        p = s->tag + HSIDE_TAG * i;
        if (le_get32(p + 12) != 0 || (i > 0 && le_get32(p + 8) <= le_get32(p + 8 - HSIDE_TAG)))
            return ERR_SET(err, ERR_FORMAT, "client total %llu out of order",
                           (unsigned long long)i);
    }
    return 0;
}

void
hunt_side_ent(const struct hside *s, uint64_t i, struct hside_ent *e)
{
    const uint8_t *p = ent_at(s, i);

    e->hash = le_get64(p);
    e->off = le_get64(p + 8);
    e->sum = le_get64(p + 16);
    e->parts.vol = bits_f64(le_get64(p + 24));
    e->parts.p5 = bits_f64(le_get64(p + 32));
    e->parts.regular = bits_f64(le_get64(p + 40));
    e->parts.bytes = bits_f64(le_get64(p + 48));
    e->parts.first_ms = le_get64(p + 56);
    e->parts.last_ms = 0; /* the file keeps the roll-up's window, not each group's */
    e->len = le_get32(p + 64);
    e->parts.names = le_get32(p + 68);
    e->parts.maxh = le_get32(p + 72);
    e->key_len = le_get32(p + 76);
    e->key = s->keys + le_get32(p + 80);
    e->cl_off = le_get32(p + 84);
    e->ncl = le_get32(p + 88);
}

uint32_t
hunt_side_client(const struct hside *s, uint64_t i)
{
    return le_get32(s->cl + 4 * i);
}

void
hunt_side_tag(const struct hside *s, uint64_t i, uint64_t *hash, uint32_t *chash,
              struct hunt_wide *bytes)
{
    const uint8_t *p = s->tag + HSIDE_TAG * i;

    *hash = le_get64(p);
    *chash = le_get32(p + 8);
    bytes->lo = le_get64(p + 16);
    bytes->hi = le_get64(p + 24);
}

uint64_t
hunt_side_find(const struct hside *s, uint64_t hash)
{
    uint64_t b = s->first_bits ? hash >> (64 - s->first_bits) : 0;
    uint64_t lo = s->first[b], hi = s->first[b + 1]; /* the entries with hash's top bits */

    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;

        if (le_get64(ent_at(s, mid)) < hash)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int
hunt_side_load(const char *path, struct hside *s, struct err *err)
{
    uint8_t *buf;
    size_t got, cap;
    int rc;

    memset(s, 0, sizeof(*s));
    if ((rc = file_read_whole(path, &buf, &got, &cap, err)) < 0)
        return rc;
    rc = hunt_side_parse(buf, got, 0, s, err);
    s->big = cap;
    return rc;
}

void
hunt_side_fini(struct hside *s)
{
    mem_free(s->first);
    if (s->big)
        mem_big_free(s->buf, s->big);
    else
        mem_free(s->buf);
    memset(s, 0, sizeof(*s));
}
