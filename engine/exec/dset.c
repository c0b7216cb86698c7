/*
 * dset.c - see dset.h.
 *
 * Hash slots are (u32 hash, item) pairs, `width + 4` bytes apiece, hash 0
 * meaning empty. Keeping the hash in the slot lets a probe skip most item
 * compares, and lets growth and merges place items without hashing them
 * again. The hash is a short multiply-xorshift mix of the item's words,
 * inlined for the widths the engine uses (8, 16, 17), so a probe is a few
 * loads and compares with no call; other widths go through XXH3. The hash
 * only places items: what a set holds, and so every count, never depends on
 * it.
 */
#include "dset.h"

#include <string.h>

#include <xxhash.h>

#include "mem.h"

#define SLOT_HASH 4u /* bytes of hash before each hashed item */

static inline uint64_t
load64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return v;
}

static inline uint32_t
load32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return v;
}

static inline void
store32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static inline uint64_t
mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 33;
    return h;
}

/* The slot hash of `item`: never 0 (0 marks an empty slot). */
static inline uint32_t
item_hash(const uint8_t *item, size_t width)
{
    uint64_t h;
    uint32_t h32;

    switch (width) {
    case 8:
        h = mix64(load64(item));
        break;
    case 16:
        h = mix64(load64(item) ^ mix64(load64(item + 8) + 0x9E3779B97F4A7C15ull));
        break;
    case 17:
        h = mix64(load64(item) ^
                  mix64(load64(item + 8) + ((uint64_t)item[16] << 3 | 0x9E3779B97F4A7C15ull)));
        break;
    default:
        h = XXH3_64bits(item, width);
        break;
    }
    h32 = (uint32_t)h;
    return h32 ? h32 : 1;
}

static inline int
item_eq(const uint8_t *a, const uint8_t *b, size_t width)
{
    switch (width) {
    case 8:
        return load64(a) == load64(b);
    case 16:
        return load64(a) == load64(b) && load64(a + 8) == load64(b + 8);
    case 17:
        return load64(a) == load64(b) && load64(a + 8) == load64(b + 8) && a[16] == b[16];
    default:
        return memcmp(a, b, width) == 0;
    }
}

static size_t
heap_bytes(uint32_t cap, size_t width)
{
    if (cap == 0)
        return 0;
    return cap <= DSET_LINEAR ? cap * width : cap * (width + SLOT_HASH);
}

/*
 * The slot of `item` (hash h) in hash slots `slots`, or the empty slot where
 * it would go. The load stays at most 1/2, so an empty slot is always found.
 */
static inline uint8_t *
probe(uint8_t *slots, uint32_t cap, const uint8_t *item, uint32_t h, size_t width)
{
    size_t stride = width + SLOT_HASH;
    uint32_t i = h & (cap - 1);

    for (;;) {
        uint8_t *slot = slots + (size_t)i * stride;
        uint32_t sh = load32(slot);

        if (sh == 0 || (sh == h && item_eq(slot + SLOT_HASH, item, width)))
            return slot;
        i = (i + 1) & (cap - 1);
    }
}

/* Puts an item known to be absent into hash slots known to have room. */
static inline void
place(uint8_t *slots, uint32_t cap, const uint8_t *item, uint32_t h, size_t width)
{
    size_t stride = width + SLOT_HASH;
    uint32_t i = h & (cap - 1);

    while (load32(slots + (size_t)i * stride) != 0)
        i = (i + 1) & (cap - 1);
    store32(slots + (size_t)i * stride, h);
    memcpy(slots + (size_t)i * stride + SLOT_HASH, item, width);
}

/* Doubles the room of `s` (inline -> array -> hash slots). */
static int
grow(struct dset *s, size_t width, struct memacct *acct, struct err *err)
{
    uint32_t cap = s->cap == 0 ? 2 : s->cap * 2;
    size_t old_bytes = heap_bytes(s->cap, width);
    size_t new_bytes = heap_bytes(cap, width);
    uint8_t *heap;
    int rc = memacct_charge(acct, new_bytes, err);

    if (rc < 0)
        return rc;
    heap = mem_alloc(new_bytes);
    if (cap <= DSET_LINEAR) {
        memcpy(heap, s->cap == 0 ? s->u.inl : s->u.heap, width * s->n);
    } else {
        memset(heap, 0, new_bytes);
        if (s->cap <= DSET_LINEAR) {
            for (uint32_t i = 0; i < s->n; i++) {
                const uint8_t *item = s->u.heap + i * width;

                place(heap, cap, item, item_hash(item, width), width);
            }
        } else {
            size_t stride = width + SLOT_HASH;

            for (uint32_t i = 0; i < s->cap; i++) {
                const uint8_t *slot = s->u.heap + (size_t)i * stride;
                uint32_t h = load32(slot);

                if (h)
                    place(heap, cap, slot + SLOT_HASH, h, width);
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

static inline int
needs_room(const struct dset *s)
{
    return s->cap == 0 || (s->cap <= DSET_LINEAR ? s->n == s->cap : (s->n + 1) * 2 > s->cap);
}

/*
 * Adds `item` whose slot hash is `h` (0: not computed yet). Returns 1 if new,
 * 0 if present, or -ERR_LIMIT.
 */
static inline int
add(struct dset *s, const uint8_t *item, uint32_t h, size_t width, struct memacct *acct,
    struct err *err)
{
    int rc;

    if (s->cap == 0) {
        if (s->n == 0) {
            memcpy(s->u.inl, item, width);
            s->n = 1;
            return 1;
        }
        if (item_eq(s->u.inl, item, width))
            return 0;
    } else if (s->cap <= DSET_LINEAR) {
        for (uint32_t i = 0; i < s->n; i++)
            if (item_eq(s->u.heap + i * width, item, width))
                return 0;
    } else {
        /* Probe first: growing only for new items keeps duplicates cheap. */
        uint8_t *slot;

        if (h == 0)
            h = item_hash(item, width);
        slot = probe(s->u.heap, s->cap, item, h, width);
        if (load32(slot) != 0)
            return 0;
        if ((s->n + 1) * 2 <= s->cap) {
            store32(slot, h);
            memcpy(slot + SLOT_HASH, item, width);
            s->n++;
            return 1;
        }
    }
    /* New item: make room (inline 1, linear cap, hash at <= 1/2 load). */
    if (needs_room(s)) {
        rc = grow(s, width, acct, err);
        if (rc < 0)
            return rc;
    }
    if (s->cap <= DSET_LINEAR) {
        memcpy(s->u.heap + s->n * width, item, width);
    } else {
        if (h == 0)
            h = item_hash(item, width);
        place(s->u.heap, s->cap, item, h, width);
    }
    s->n++;
    return 1;
}

int
dset_add(struct dset *s, const uint8_t *item, size_t width, struct memacct *acct, struct err *err)
{
    /* Constant widths let the compiler specialise the hash and the compares. */
    switch (width) {
    case 17:
        return add(s, item, 0, 17, acct, err);
    case 8:
        return add(s, item, 0, 8, acct, err);
    case 16:
        return add(s, item, 0, 16, acct, err);
    default:
        return add(s, item, 0, width, acct, err);
    }
}

static int
merge(struct dset *dst, const struct dset *src, size_t width, struct memacct *acct, struct err *err)
{
    int rc = 0;

    if (src->cap == 0) {
        if (src->n == 1)
            rc = add(dst, src->u.inl, 0, width, acct, err);
    } else if (src->cap <= DSET_LINEAR) {
        for (uint32_t i = 0; i < src->n && rc >= 0; i++)
            rc = add(dst, src->u.heap + i * width, 0, width, acct, err);
    } else {
        size_t stride = width + SLOT_HASH;

        /* The source's slots carry each item's hash: no item is hashed again. */
        for (uint32_t i = 0; i < src->cap && rc >= 0; i++) {
            const uint8_t *slot = src->u.heap + (size_t)i * stride;
            uint32_t h = load32(slot);

            if (h)
                rc = add(dst, slot + SLOT_HASH, h, width, acct, err);
        }
    }
    return rc < 0 ? rc : 0;
}

int
dset_merge(struct dset *dst, const struct dset *src, size_t width, struct memacct *acct,
           struct err *err)
{
    switch (width) {
    case 17:
        return merge(dst, src, 17, acct, err);
    case 8:
        return merge(dst, src, 8, acct, err);
    case 16:
        return merge(dst, src, 16, acct, err);
    default:
        return merge(dst, src, width, acct, err);
    }
}

void
dset_fini(struct dset *s, size_t width, struct memacct *acct)
{
    if (s->cap != 0) {
        memacct_release(acct, heap_bytes(s->cap, width));
        mem_free(s->u.heap);
    }
    memset(s, 0, sizeof(*s));
}
