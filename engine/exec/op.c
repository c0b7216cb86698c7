/*
 * op.c - see op.h: the byte helpers every operation's save() and load() share.
 */
#include "op.h"

#include <string.h>

#include "dset.h"
#include "mem.h"

void
op_bytes_put(struct op_bytes *b, const void *p, size_t len)
{
    b->p = mem_grow(b->p, &b->cap, b->len + len, 256);
    memcpy(b->p + b->len, p, len);
    b->len += len;
}

void
op_bytes_u64(struct op_bytes *b, uint64_t v)
{
    uint8_t le[8];

    for (int i = 0; i < 8; i++)
        le[i] = (uint8_t)(v >> (8 * i));
    op_bytes_put(b, le, 8);
}

void
op_bytes_fini(struct op_bytes *b)
{
    mem_free(b->p);
    memset(b, 0, sizeof(*b));
}

int
op_read_u64(const uint8_t **p, const uint8_t *end, uint64_t *v, const char *what, struct err *err)
{
    uint64_t x = 0;

    if (end - *p < 8)
        return ERR_SET(err, ERR_FORMAT, "saved state: %s cut short", what);
    for (int i = 0; i < 8; i++)
        x |= (uint64_t)(*p)[i] << (8 * i);
    *p += 8;
    *v = x;
    return 0;
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

int
op_save_dset(const struct dset *s, size_t width, struct op_bytes *out, struct err *err)
{
    uint8_t *items;
    size_t n;
    uint8_t le[4];

    (void)err;
    items = mem_alloc((size_t)s->n * width + 1);
    n = dset_items(s, width, items);
    sort_items(items, n, width);
    for (int i = 0; i < 4; i++)
        le[i] = (uint8_t)(n >> (8 * i));
    op_bytes_put(out, le, 4);
    op_bytes_put(out, items, n * width);
    mem_free(items);
    return 0;
}

int
op_load_dset(struct dset *s, size_t width, const uint8_t **p, const uint8_t *end,
             struct memacct *acct, struct err *err)
{
    uint32_t n = 0;

    if (end - *p < 4)
        return ERR_SET(err, ERR_FORMAT, "saved state: distinct set cut short");
    for (int i = 0; i < 4; i++)
        n |= (uint32_t)(*p)[i] << (8 * i);
    *p += 4;
    if ((size_t)(end - *p) / width < n)
        return ERR_SET(err, ERR_FORMAT, "saved state: distinct set of %u items cut short", n);
    for (uint32_t i = 0; i < n; i++) {
        int rc = dset_add(s, *p, width, acct, err);

        if (rc < 0)
            return rc;
        if (rc == 0)
            return ERR_SET(err, ERR_FORMAT, "saved state: distinct set repeats an item");
        *p += width;
    }
    return 0;
}
