/*
 * dset.c - see dset.h.
 */
#include "dset.h"

#include <string.h>
#include <xxhash.h>

#include "mem.h"

static size_t
heap_bytes(const struct dset *s, size_t width)
{
    if (s->cap == 0)
        return 0;
    return s->cap <= DSET_LINEAR ? s->cap * width : s->cap * (width + 1);
}

/* Inserts into hash slots known to have room; returns 1 if new. */
static int
hash_insert(uint8_t *slots, uint32_t cap, const uint8_t *item, size_t width)
{
    size_t stride = width + 1;
    uint64_t i = XXH3_64bits(item, width) & (cap - 1);

    for (;;) {
        uint8_t *slot = slots + i * stride;

        if (!slot[0]) {
            slot[0] = 1;
            memcpy(slot + 1, item, width);
            return 1;
        }
        if (memcmp(slot + 1, item, width) == 0)
            return 0;
        i = (i + 1) & (cap - 1);
    }
}

static int
grow(struct dset *s, size_t width, struct memacct *acct, struct err *err)
{
    uint32_t cap = s->cap == 0 ? 2 : s->cap * 2;
    size_t old_bytes = heap_bytes(s, width);
    struct dset t = {.n = s->n, .cap = cap};
    size_t new_bytes = heap_bytes(&t, width);
    uint8_t *heap;
    int rc = memacct_charge(acct, new_bytes, err);

    if (rc < 0)
        return rc;
    heap = mem_alloc(new_bytes);
    if (cap <= DSET_LINEAR) {
        if (s->cap == 0)
            memcpy(heap, s->u.inl, width * s->n);
        else
            memcpy(heap, s->u.heap, width * s->n);
    } else {
        memset(heap, 0, new_bytes);
        if (s->cap <= DSET_LINEAR) {
            for (uint32_t i = 0; i < s->n; i++)
                hash_insert(heap, cap, s->u.heap + i * width, width);
        } else {
            for (uint32_t i = 0; i < s->cap; i++) {
                const uint8_t *slot = s->u.heap + i * (width + 1);

                if (slot[0])
                    hash_insert(heap, cap, slot + 1, width);
            }
        }
    }
    if (s->cap != 0)
        mem_free(s->u.heap);
    memacct_release(acct, old_bytes);
    s->u.heap = heap;
    s->cap = cap;
    return 0;
}

int
dset_add(struct dset *s, const uint8_t *item, size_t width, struct memacct *acct, struct err *err)
{
    int rc;

    if (s->cap == 0) {
        if (s->n == 0) {
            memcpy(s->u.inl, item, width);
            s->n = 1;
            return 1;
        }
        if (memcmp(s->u.inl, item, width) == 0)
            return 0;
    } else if (s->cap <= DSET_LINEAR) {
        for (uint32_t i = 0; i < s->n; i++)
            if (memcmp(s->u.heap + i * width, item, width) == 0)
                return 0;
    } else {
        /* Probe first: growing only for new items keeps duplicates cheap. */
        size_t stride = width + 1;
        uint64_t i = XXH3_64bits(item, width) & (s->cap - 1);

        for (;;) {
            const uint8_t *slot = s->u.heap + i * stride;

            if (!slot[0])
                break;
            if (memcmp(slot + 1, item, width) == 0)
                return 0;
            i = (i + 1) & (s->cap - 1);
        }
    }
    /* New item: make room (inline 1, linear cap, hash at <= 1/2 load). */
    if (s->cap == 0 || (s->cap <= DSET_LINEAR && s->n == s->cap) ||
        (s->cap > DSET_LINEAR && (s->n + 1) * 2 > s->cap)) {
        rc = grow(s, width, acct, err);
        if (rc < 0)
            return rc;
    }
    if (s->cap <= DSET_LINEAR)
        memcpy(s->u.heap + s->n * width, item, width);
    else
        hash_insert(s->u.heap, s->cap, item, width);
    s->n++;
    return 1;
}

int
dset_merge(struct dset *dst, const struct dset *src, size_t width, struct memacct *acct,
           struct err *err)
{
    int rc = 0;

    if (src->cap == 0) {
        if (src->n == 1)
            rc = dset_add(dst, src->u.inl, width, acct, err);
    } else if (src->cap <= DSET_LINEAR) {
        for (uint32_t i = 0; i < src->n && rc >= 0; i++)
            rc = dset_add(dst, src->u.heap + i * width, width, acct, err);
    } else {
        for (uint32_t i = 0; i < src->cap && rc >= 0; i++) {
            const uint8_t *slot = src->u.heap + i * (width + 1);

            if (slot[0])
                rc = dset_add(dst, slot + 1, width, acct, err);
        }
    }
    return rc < 0 ? rc : 0;
}

void
dset_fini(struct dset *s, size_t width, struct memacct *acct)
{
    if (s->cap != 0) {
        memacct_release(acct, heap_bytes(s, width));
        mem_free(s->u.heap);
    }
    memset(s, 0, sizeof(*s));
}
