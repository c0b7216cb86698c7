/*
 * op.c - see op.h: the byte helpers every operation's save() and load() share.
 */
#include "op.h"

#include <string.h>

#include <omp.h>

#include "dset.h"
#include "le.h"
#include "mem.h"

void
op_bytes_reserve(struct op_bytes *b, size_t len)
{
    b->p = mem_grow(b->p, &b->cap, b->len + len, 256);
}

void
op_bytes_fini(struct op_bytes *b)
{
    mem_free(b->p);
    memset(b, 0, sizeof(*b));
}

int
op_read_u64_short(const char *what, struct err *err)
{
    return ERR_SET(err, ERR_FORMAT, "saved state: %s cut short", what);
}

static void
swap_items(uint8_t *a, uint8_t *b, size_t width)
{
    uint8_t t[32];

    memcpy(t, a, width);
    memcpy(a, b, width);
    memcpy(b, t, width);
}

/* sift() - heap sort's sift-down of item `i` in items[0..n). */
static void
sift(uint8_t *items, size_t i, size_t n, size_t width)
{
    for (;;) {
        size_t c = 2 * i + 1;

        if (c >= n)
            return;
        if (c + 1 < n && memcmp(items + (c + 1) * width, items + c * width, width) > 0)
            c++;
        if (memcmp(items + i * width, items + c * width, width) >= 0)
            return;
        swap_items(items + i * width, items + c * width, width);
        i = c;
    }
}

/* sort_items() - items[0..n) of `width` (<= 32) bytes, ascending (heap sort: no context-free
 * qsort). */
static void
sort_items(uint8_t *items, size_t n, size_t width)
{
    for (size_t i = n / 2; i-- > 0;)
        sift(items, i, n, width);
    for (size_t end = n; end-- > 1;) {
        swap_items(items, items + end * width, width);
        sift(items, 0, end, width);
    }
}

/* The 17-byte form of an IPv4 address (dset.c's): family 4, ::ffff:a.b.c.d. */
static const uint8_t v4_prefix[13] = {4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};

/* Which list of an address set item `it` goes to: 0 IPv4 (4 bytes), 1 IPv6 (16), 2 other (17). */
static int
addr_kind(const uint8_t *it)
{
    if (it[0] == 4 && memcmp(it, v4_prefix, sizeof(v4_prefix)) == 0)
        return 0;
    return it[0] == 6 ? 1 : 2;
}

/* op_save_dset() of an address set in ascending order (or one dset_save17() leaves): the items
 * sorted as 17 bytes, then dealt to their three lists. */
static void __attribute__((noinline)) save_addr_sorted(const struct dset *s, struct op_bytes *out)
{
    static const size_t skip[3] = {13, 1, 0}, len[3] = {4, 16, 17};
    size_t m[3] = {0, 0, 0}, at[3];
    uint8_t *items = mem_alloc((size_t)s->n * 17 + 1), *q;
    size_t n = dset_items(s, 17, items);

    if (!out->any_order)
        sort_items(items, n, 17);
    for (size_t i = 0; i < n; i++)
        m[addr_kind(items + 17 * i)]++;
    /* room for the three lists at once, each a u32 count and its items */
    out->p = mem_grow(out->p, &out->cap, out->len + 12 + 4 * m[0] + 16 * m[1] + 17 * m[2], 256);
    q = out->p + out->len;
    at[0] = 4;
    at[1] = at[0] + 4 * m[0] + 4;
    at[2] = at[1] + 16 * m[1] + 4;
    for (int k = 0; k < 3; k++)
        le_put32(q + at[k] - 4, (uint32_t)m[k]);
    for (size_t i = 0; i < n; i++) {
        int k = addr_kind(items + 17 * i);

        memcpy(q + at[k], items + 17 * i + skip[k], len[k]);
        at[k] += len[k];
    }
    out->len += 12 + 4 * m[0] + 16 * m[1] + 17 * m[2];
    mem_free(items);
}

int
op_save_dset(const struct dset *s, size_t width, struct op_bytes *out, struct err *err)
{
    uint8_t *items;
    size_t n;

    (void)err;
    if (width == 17 && out->any_order) { /* the three lists straight from the set's parts */
        if (out->cap - out->len < 12 + 17 * (size_t)s->n)
            op_bytes_reserve(out, 12 + 17 * (size_t)s->n);
        n = dset_save17(s, out->p + out->len);
        if (n != (size_t)-1) {
            out->len += n;
            return 0;
        }
    }
    if (width == 17) {
        save_addr_sorted(s, out);
        return 0;
    }
    /* the items straight into `out` after their count, sorted there */
    out->p = mem_grow(out->p, &out->cap, out->len + 4 + (size_t)s->n * width, 256);
    items = out->p + out->len + 4;
    n = dset_items(s, width, items);
    if (!out->any_order)
        sort_items(items, n, width);
    le_put32(out->p + out->len, (uint32_t)n);
    out->len += 4 + n * width;
    return 0;
}

/* Reads a u32 count of items of `len` bytes at *p; -ERR_FORMAT when they do not fit. */
static inline int
read_count(const uint8_t **p, const uint8_t *end, size_t len, uint32_t *n, struct err *err)
{
    uint32_t v;

    if (end - *p < 4)
        return ERR_SET(err, ERR_FORMAT, "saved state: distinct set cut short");
    v = (uint32_t)(*p)[0] | (uint32_t)(*p)[1] << 8 | (uint32_t)(*p)[2] << 16 |
        (uint32_t)(*p)[3] << 24;
    *p += 4;
    if ((uint64_t)v * len > (uint64_t)(end - *p))
        return ERR_SET(err, ERR_FORMAT, "saved state: distinct set of %u items cut short", v);
    *n = v;
    return 0;
}

int
op_load_dset(struct dset *s, size_t width, const uint8_t **p, const uint8_t *end,
             struct memacct *acct, struct err *err)
{
    const uint8_t *list[3] = {NULL, NULL, NULL};
    uint32_t n[3] = {0, 0, 0};
    int rc;

    if (width != 17) {
        if ((rc = read_count(p, end, width, &n[0], err)) < 0)
            return rc;
        rc = dset_load(s, *p, n[0], width, acct, err);
        *p += (size_t)n[0] * width;
    } else {
        static const size_t len[3] = {4, 16, 17};

        for (int k = 0; k < 3; k++) {
            if ((rc = read_count(p, end, len[k], &n[k], err)) < 0)
                return rc;
            list[k] = *p;
            *p += (size_t)n[k] * len[k];
        }
        for (uint32_t i = 0; i < n[2]; i++)
            if (addr_kind(list[2] + (size_t)i * 17) != 2) /* one item, one encoding */
                return ERR_SET(err, ERR_FORMAT, "saved state: an address in the wrong list");
        rc = dset_load17(s, list[0], n[0], list[1], n[1], list[2], n[2], acct, err);
    }
    if (rc == 0)
        return ERR_SET(err, ERR_FORMAT, "saved state: distinct set repeats an item");
    return rc < 0 ? rc : 0;
}

struct release_ctx {
    const struct op *op;
    struct memacct *acct;
};

static void
release_one(struct htab_entry *e, void *ctx)
{
    const struct release_ctx *rc = ctx;

    rc->op->release(rc->op, htab_entry_val(e), rc->acct);
}

void
op_release_part(const struct op *op, struct htab *t, unsigned p, struct memacct *acct)
{
    struct release_ctx rc = {op, acct};

    htab_part_each(t, p, release_one, &rc);
}

void
op_release_all(const struct op *op, struct htab *t, struct memacct *acct)
{
    for (unsigned p = 0; p < HTAB_PARTS; p++)
        op_release_part(op, t, p, acct);
}

void
op_parts_run(int threads, void (*fn)(unsigned p, void *ctx), void *ctx)
{
    if (threads <= 0)
        threads = omp_get_max_threads();
    if (threads == 1) {
        for (unsigned p = 0; p < HTAB_PARTS; p++)
            fn(p, ctx);
        return;
    }
#pragma omp parallel for default(none) num_threads(threads) schedule(dynamic, 1) shared(fn, ctx)
    for (unsigned p = 0; p < HTAB_PARTS; p++)
        fn(p, ctx);
}
