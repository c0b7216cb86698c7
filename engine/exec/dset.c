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

/*
 * Compact IPv4 mode (17-byte address items only): while every item is an
 * IPv4 address, a set holds 4-byte addresses, DSET_V4_INLINE of them inline
 * and then in 8-byte hash slots (V4_TAG | address; 0 is empty). DNS groups
 * mostly see a handful of IPv4 clients: they then need no allocation at all,
 * and large sets take 16 bytes an item instead of 42. The flag is the top bit
 * of cap.
 */
#define DSET_V4        0x80000000u
#define DSET_MIXED     0x40000000u /* the whole cap: see struct mixed */
#define DSET_V4_INLINE 6
#define V4_TAG         (1ull << 32)

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

/* ------------------------------------------------------------------------ */
/* Compact IPv4 sets (17-byte address items whose family is IPv4)            */

/* is_v4() - a 17-byte item (family, 16 bytes) holding an IPv4 address, ::ffff:a.b.c.d. */
static inline int
is_v4(const uint8_t *item)
{
    static const uint8_t prefix[13] = {4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};

    return memcmp(item, prefix, sizeof(prefix)) == 0;
}

static inline void
v4_item(uint32_t ip, uint8_t item[17])
{
    static const uint8_t prefix[13] = {4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};

    memcpy(item, prefix, sizeof(prefix));
    memcpy(item + 13, &ip, 4);
}

static inline uint64_t *
v4_slots(const struct dset *s)
{
    return (uint64_t *)(void *)s->u.heap;
}

/* v4_place() - `ip` into slot array `slots` of `cap` (absent there). */
static inline void
v4_place(uint64_t *slots, uint32_t cap, uint32_t ip)
{
    uint32_t i = (uint32_t)mix64(ip) & (cap - 1);

    while (slots[i] != 0)
        i = (i + 1) & (cap - 1);
    slots[i] = V4_TAG | ip;
}

/* v4_rehash() - moves the items of V4 set `s` into `cap` hash slots. */
static int
v4_rehash(struct dset *s, uint32_t cap, struct memacct *acct, struct err *err)
{
    uint32_t old = s->cap & ~DSET_V4;
    uint64_t *slots;
    int rc = memacct_charge(acct, (size_t)cap * 8, err);

    if (rc < 0)
        return rc;
    slots = mem_zalloc((size_t)cap, 8);
    if (old == 0) {
        for (uint32_t i = 0; i < s->n; i++)
            v4_place(slots, cap, load32(s->u.inl + 4 * i));
    } else {
        for (uint32_t i = 0; i < old; i++)
            if (v4_slots(s)[i])
                v4_place(slots, cap, (uint32_t)v4_slots(s)[i]);
        mem_free(s->u.heap);
        memacct_release(acct, (size_t)old * 8);
    }
    s->u.heap = (uint8_t *)slots;
    s->cap = DSET_V4 | cap;
    return 0;
}

/* v4_grow() - v4_add()'s growth: the set `s` of cap hash slots (0: inline) is full. */
static __attribute__((noinline)) int
v4_grow(struct dset *s, uint32_t ip, uint32_t cap, struct memacct *acct, struct err *err)
{
    if (cap == 0) { /* inline, full: hash slots, then the add */
        uint64_t *slots;
        uint32_t i;

        if (v4_rehash(s, 16, acct, err) < 0) /* a power of two, load 7/16 after the add */
            return -ERR_LIMIT;
        slots = v4_slots(s);
        for (i = (uint32_t)mix64(ip) & 15; slots[i] != 0; i = (i + 1) & 15)
            ;
        slots[i] = V4_TAG | ip;
    } else {
        if (v4_rehash(s, 2 * cap, acct, err) < 0)
            return -ERR_LIMIT;
        v4_place(v4_slots(s), 2 * cap, ip);
    }
    s->n++;
    return 1;
}

/*
 * v4_add() - adds IPv4 address `ip` to V4 set `s`; 1 new, 0 present, -ERR_LIMIT. Inline: a
 * present or placed address costs no call (growth is v4_grow()'s).
 */
static inline int
v4_add(struct dset *s, uint32_t ip, struct memacct *acct, struct err *err)
{
    uint32_t cap = s->cap & ~DSET_V4;
    uint64_t *slots;
    uint32_t i;

    if (cap == 0) { /* inline */
        for (i = 0; i < s->n; i++)
            if (load32(s->u.inl + 4 * i) == ip)
                return 0;
        if (s->n < DSET_V4_INLINE) {
            store32(s->u.inl + 4 * s->n, ip);
            s->n++;
            return 1;
        }
        return v4_grow(s, ip, 0, acct, err);
    }
    slots = v4_slots(s);
    for (i = (uint32_t)mix64(ip) & (cap - 1); slots[i] != 0; i = (i + 1) & (cap - 1))
        if (slots[i] == (V4_TAG | ip))
            return 0;
    if ((s->n + 1) * 2 > cap)
        return v4_grow(s, ip, cap, acct, err);
    slots[i] = V4_TAG | ip;
    s->n++;
    return 1;
}

size_t
dset_v4_items(const struct dset *s, uint8_t *out)
{
    uint32_t cap = s->cap & ~DSET_V4, n = 0;

    if (s->n == 0)
        return 0;
    if (s->cap == DSET_MIXED || !(s->cap & DSET_V4))
        return (size_t)-1;
    if (cap == 0) {
        memcpy(out, s->u.inl, 4 * (size_t)s->n);
        return s->n;
    }
    for (uint32_t i = 0; i < cap; i++) {
        uint64_t v = v4_slots(s)[i];

        if (v) {
            uint32_t ip = (uint32_t)v;

            memcpy(out + 4 * (size_t)n++, &ip, 4);
        }
    }
    return n;
}

int
dset_load_v4(struct dset *s, const uint8_t *p, uint32_t n, struct memacct *acct, struct err *err)
{
    uint32_t cap = 16, ip;
    uint64_t *slots;

    if (s->n != 0 || s->cap != 0)
        return ERR_SET(err, ERR_INTERNAL, "%s", "dset_load_v4() on a set that is not empty");
    if (n == 0)
        return 1;
    if (n > (1u << 30))
        return ERR_SET(err, ERR_LIMIT, "a distinct set of %u addresses is too big to load", n);
    s->cap = DSET_V4;
    if (n <= DSET_V4_INLINE) {
        for (uint32_t i = 0; i < n; i++) {
            memcpy(&ip, p + 4 * i, 4);
            for (uint32_t j = 0; j < s->n; j++)
                if (load32(s->u.inl + 4 * j) == ip)
                    return 0;
            store32(s->u.inl + 4 * s->n, ip);
            s->n++;
        }
        return 1;
    }
    while (cap < 2u * n) /* the load v4_add() keeps: at most 1/2 */
        cap *= 2;
    if (memacct_charge(acct, (size_t)cap * 8, err) < 0) {
        s->cap = 0;
        return -ERR_LIMIT;
    }
    slots = mem_zalloc((size_t)cap, 8);
    s->u.heap = (uint8_t *)slots;
    s->cap = DSET_V4 | cap;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t k;

        memcpy(&ip, p + 4 * i, 4);
        for (k = (uint32_t)mix64(ip) & (cap - 1); slots[k] != 0; k = (k + 1) & (cap - 1))
            if (slots[k] == (V4_TAG | ip))
                return 0;
        slots[k] = V4_TAG | ip;
        s->n++;
    }
    return 1;
}

/*
 * Mixed address sets: once IPv4 and other items meet in one set, it keeps
 * both kinds apart (DSET_MIXED, u.heap -> struct mixed): the IPv4 part stays
 * compact however many IPv6 clients a popular name also has.
 */
struct mixed {
    struct dset v4;   /* compact (DSET_V4) or empty */
    struct dset wide; /* 17-byte items that are not IPv4 */
};

static inline struct mixed *
mixed_of(const struct dset *s)
{
    return (struct mixed *)(void *)s->u.heap;
}

/* to_mixed() - makes a compact or wide set `s` mixed, its items in the right part. */
static int
to_mixed(struct dset *s, struct memacct *acct, struct err *err)
{
    struct mixed *m;

    if (memacct_charge(acct, sizeof(*m), err) < 0)
        return -ERR_LIMIT;
    m = mem_calloc(1, sizeof(*m));
    if (s->cap & DSET_V4)
        m->v4 = *s;
    else
        m->wide = *s;
    s->u.heap = (uint8_t *)m;
    s->cap = DSET_MIXED;
    return 0;
}

/* add_v4_part() - adds `ip` to a part that is compact or still empty. */
static int
add_v4_part(struct dset *part, uint32_t ip, struct memacct *acct, struct err *err)
{
    if (part->n == 0 && part->cap == 0)
        part->cap = DSET_V4;
    return v4_add(part, ip, acct, err);
}

/* add_wide() - add() of a 17-byte item to a set of them (not compact), made for that width. */
__attribute__((flatten)) static int
add_wide(struct dset *s, const uint8_t *item, struct memacct *acct, struct err *err)
{
    return add(s, item, 0, 17, acct, err);
}

/* add17() - adds an address item (family, 16 bytes); 1 new, 0 present, -ERR_LIMIT. */
static int
add17(struct dset *s, const uint8_t *item, struct memacct *acct, struct err *err)
{
    int v4 = is_v4(item);
    uint32_t ip = 0;
    int rc;

    if (v4)
        memcpy(&ip, item + 13, 4);
    if (s->cap != DSET_MIXED) {
        if (s->n == 0 && s->cap == 0) /* empty: it takes the kind of its first item */
            return v4 ? add_v4_part(s, ip, acct, err) : add_wide(s, item, acct, err);
        if (((s->cap & DSET_V4) != 0) == v4) /* same kind as the set */
            return v4 ? v4_add(s, ip, acct, err) : add_wide(s, item, acct, err);
        if (to_mixed(s, acct, err) < 0)
            return -ERR_LIMIT;
    }
    rc = v4 ? add_v4_part(&mixed_of(s)->v4, ip, acct, err)
            : add_wide(&mixed_of(s)->wide, item, acct, err);
    if (rc == 1)
        s->n++;
    return rc;
}

/* each17() - calls add17(dst, item) for every item of address set `src`. */
static int
each17(struct dset *dst, const struct dset *src, struct memacct *acct, struct err *err)
{
    const size_t stride = 17 + SLOT_HASH;
    uint8_t item[17];
    int rc = 0;

    if (src->cap == DSET_MIXED) {
        rc = each17(dst, &mixed_of(src)->v4, acct, err);
        return rc < 0 ? rc : each17(dst, &mixed_of(src)->wide, acct, err);
    }
    if (src->cap & DSET_V4) {
        uint32_t cap = src->cap & ~DSET_V4;

        for (uint32_t i = 0; i < (cap ? cap : src->n) && rc >= 0; i++) {
            if (cap && !v4_slots(src)[i])
                continue;
            v4_item(cap ? (uint32_t)v4_slots(src)[i] : load32(src->u.inl + 4 * i), item);
            rc = add17(dst, item, acct, err);
        }
    } else if (src->cap == 0) {
        if (src->n == 1)
            rc = add17(dst, src->u.inl, acct, err);
    } else if (src->cap <= DSET_LINEAR) {
        for (uint32_t i = 0; i < src->n && rc >= 0; i++)
            rc = add17(dst, src->u.heap + i * 17, acct, err);
    } else {
        for (uint32_t i = 0; i < src->cap && rc >= 0; i++)
            if (load32(src->u.heap + (size_t)i * stride))
                rc = add17(dst, src->u.heap + (size_t)i * stride + SLOT_HASH, acct, err);
    }
    return rc;
}

/* fini17() - dset_fini() for address sets in any mode. */
static void
fini17(struct dset *s, struct memacct *acct)
{
    if (s->cap == DSET_MIXED) {
        fini17(&mixed_of(s)->v4, acct);
        fini17(&mixed_of(s)->wide, acct);
        mem_free(s->u.heap);
        memacct_release(acct, sizeof(struct mixed));
    } else if (s->cap & DSET_V4) {
        if (s->cap != DSET_V4) { /* hash slots, not inline */
            memacct_release(acct, (size_t)(s->cap & ~DSET_V4) * 8);
            mem_free(s->u.heap);
        }
    } else if (s->cap != 0) {
        memacct_release(acct, heap_bytes(s->cap, 17));
        mem_free(s->u.heap);
    }
    memset(s, 0, sizeof(*s));
}

/*
 * presize() - gives the empty set `s` room for n items (n >= 1) at once, in the mode
 * add() would have grown it to (inline, array, or hash slots at load <= 1/2), so that
 * add() then never grows: loading a saved set places each item once, with no rehash.
 */
static int
presize(struct dset *s, uint32_t n, size_t width, struct memacct *acct, struct err *err)
{
    uint32_t cap = 2;
    size_t bytes;

    if (n <= 1)
        return 0;
    if (n > (1u << 30))
        return ERR_SET(err, ERR_LIMIT, "a distinct set of %u items is too big to load", n);
    if (n <= DSET_LINEAR) {
        while (cap < n)
            cap *= 2;
    } else {
        cap = 2 * DSET_LINEAR;
        while (cap < 2u * n)
            cap *= 2;
    }
    bytes = heap_bytes(cap, width);
    if (memacct_charge(acct, bytes, err) < 0)
        return -ERR_LIMIT;
    s->u.heap = cap <= DSET_LINEAR ? mem_alloc(bytes) : mem_zalloc(bytes, 1);
    s->cap = cap;
    return 0;
}

/* load_items() - adds n items of `width` at p to presized `s`; 1, or 0 at a repeated item. */
static inline int
load_items(struct dset *s, const uint8_t *p, uint32_t n, size_t width)
{
    for (uint32_t i = 0; i < n; i++)
        if (add(s, p + (size_t)i * width, 0, width, NULL, NULL) != 1)
            return 0;
    return 1;
}

int
dset_load(struct dset *s, const uint8_t *p, uint32_t n, size_t width, struct memacct *acct,
          struct err *err)
{
    int rc;

    if (s->n != 0 || s->cap != 0 || width == 17)
        return ERR_SET(err, ERR_INTERNAL, "%s", "dset_load() on a set that is not empty");
    if (n == 0)
        return 1;
    if ((rc = presize(s, n, width, acct, err)) < 0)
        return rc;
    switch (width) {
    case 8:
        return load_items(s, p, n, 8);
    case 16:
        return load_items(s, p, n, 16);
    default:
        return load_items(s, p, n, width);
    }
}

int
dset_load17(struct dset *s, const uint8_t *v4, uint32_t n4, const uint8_t *v6, uint32_t n6,
            const uint8_t *other, uint32_t nother, struct memacct *acct, struct err *err)
{
    struct dset *w = s;
    uint8_t item[17];
    int rc = dset_load_v4(s, v4, n4, acct, err);

    if (rc <= 0 || (n6 == 0 && nother == 0))
        return rc;
    if ((uint64_t)n6 + nother > (1u << 30))
        return ERR_SET(err, ERR_LIMIT, "a distinct set of %llu addresses is too big to load",
                       (unsigned long long)n6 + nother);
    if (n4 != 0) { /* both kinds: the mixed form, its wide part loaded below */
        if (to_mixed(s, acct, err) < 0)
            return -ERR_LIMIT;
        w = &mixed_of(s)->wide;
    } else {
        s->cap = 0; /* not compact: a wide set */
    }
    if ((rc = presize(w, n6 + nother, 17, acct, err)) < 0)
        return rc;
    item[0] = 6;
    for (uint32_t i = 0; i < n6; i++) {
        memcpy(item + 1, v6 + (size_t)i * 16, 16);
        if (add(w, item, 0, 17, NULL, NULL) != 1)
            return 0;
        if (w != s)
            s->n++;
    }
    for (uint32_t i = 0; i < nother; i++) {
        if (add(w, other + (size_t)i * 17, 0, 17, NULL, NULL) != 1)
            return 0;
        if (w != s)
            s->n++;
    }
    return 1;
}

/* has() - whether a set of `width`-byte items (not compact IPv4, not mixed) holds `item`. */
static inline int
has(const struct dset *s, const uint8_t *item, size_t width)
{
    if (s->cap == 0)
        return s->n == 1 && item_eq(s->u.inl, item, width);
    if (s->cap <= DSET_LINEAR) {
        for (uint32_t i = 0; i < s->n; i++)
            if (item_eq(s->u.heap + i * width, item, width))
                return 1;
        return 0;
    }
    return load32(probe(s->u.heap, s->cap, item, item_hash(item, width), width)) != 0;
}

/* v4_has() - whether compact IPv4 set `s` holds `ip`. */
static int
v4_has(const struct dset *s, uint32_t ip)
{
    uint32_t cap = s->cap & ~DSET_V4;
    const uint64_t *slots = v4_slots(s);

    if (cap == 0) {
        for (uint32_t i = 0; i < s->n; i++)
            if (load32(s->u.inl + 4 * i) == ip)
                return 1;
        return 0;
    }
    for (uint32_t i = (uint32_t)mix64(ip) & (cap - 1); slots[i] != 0; i = (i + 1) & (cap - 1))
        if (slots[i] == (V4_TAG | ip))
            return 1;
    return 0;
}

int
dset_has(const struct dset *s, const uint8_t *item, size_t width)
{
    int v4;
    uint32_t ip = 0;

    /* Constant widths let the compiler specialise the hash and the compares (as dset_add()). */
    switch (s->n == 0 ? 0 : width) {
    case 0:
        return 0;
    case 8:
        return has(s, item, 8);
    case 16:
        return has(s, item, 16);
    case 17:
        break;
    default:
        return has(s, item, width);
    }
    v4 = is_v4(item);
    if (s->cap == DSET_MIXED)
        return dset_has(v4 ? &mixed_of(s)->v4 : &mixed_of(s)->wide, item, 17);
    if (s->cap & DSET_V4) { /* a compact set holds IPv4 addresses only */
        if (v4)
            memcpy(&ip, item + 13, 4);
        return v4 && v4_has(s, ip);
    }
    return !v4 && has(s, item, 17); /* a wide set holds no IPv4 address */
}

void
dset_prefetch(const struct dset *s, const uint8_t *item, size_t width)
{
    uint32_t ip, cap;

    if (width == 17 && s->cap == DSET_MIXED)
        s = is_v4(item) ? &mixed_of(s)->v4 : &mixed_of(s)->wide;
    cap = s->cap & ~DSET_V4;
    if (width == 17 && (s->cap & DSET_V4)) {
        if (cap == 0 || !is_v4(item))
            return;
        memcpy(&ip, item + 13, 4);
        __builtin_prefetch(&v4_slots(s)[(uint32_t)mix64(ip) & (cap - 1)]);
    } else if (s->cap > DSET_LINEAR && !(s->cap & DSET_MIXED)) {
        __builtin_prefetch(s->u.heap +
                           (size_t)(item_hash(item, width) & (s->cap - 1)) * (width + SLOT_HASH));
    }
}

/* addr_v4() - is_v4() of the item (family, addr): 1 with its address in *ip (as add17()'s). */
static inline int
addr_v4(uint8_t family, const uint8_t *addr, uint32_t *ip)
{
    static const uint8_t mapped[4] = {0, 0, 0xFF, 0xFF};
    uint64_t lo;
    uint32_t mid, want;

    memcpy(&lo, addr, 8);
    memcpy(&mid, addr + 8, 4);
    memcpy(&want, mapped, 4);
    memcpy(ip, addr + 12, 4);
    return family == 4 && lo == 0 && mid == want;
}

static inline void
addr_item(uint8_t family, const uint8_t *addr, uint8_t item[17])
{
    item[0] = family;
    memcpy(item + 1, addr, 16);
}

int
dset_add_addr(struct dset *s, uint8_t family, const uint8_t *addr, struct memacct *acct,
              struct err *err)
{
    uint8_t item[17];
    uint32_t ip;

    if (addr_v4(family, addr, &ip)) { /* add17()'s paths for an IPv4 item in a set with some */
        if (s->cap & DSET_V4) /* compact (not mixed: DSET_MIXED is the whole cap, top bit clear) */
            return v4_add(s, ip, acct, err);
        if (s->cap == DSET_MIXED) {
            int rc = add_v4_part(&mixed_of(s)->v4, ip, acct, err);

            if (rc == 1)
                s->n++;
            return rc;
        }
    }
    addr_item(family, addr, item);
    if (s->cap == DSET_MIXED) { /* add17()'s path for an item that is not IPv4 */
        int rc = add_wide(&mixed_of(s)->wide, item, acct, err);

        if (rc == 1)
            s->n++;
        return rc;
    }
    return add17(s, item, acct, err);
}

void
dset_prefetch_addr(const struct dset *s, uint8_t family, const uint8_t *addr)
{
    uint8_t item[17];
    uint32_t ip, cap;
    int v4 = addr_v4(family, addr, &ip);

    if (s->cap == DSET_MIXED) /* the part the address goes to (add17()'s choice) */
        s = v4 ? &mixed_of(s)->v4 : &mixed_of(s)->wide;
    cap = s->cap & ~DSET_V4;
    if (cap == 0) /* inline or empty: in the entry, already loaded */
        return;
    if (s->cap & DSET_V4) {
        if (v4)
            __builtin_prefetch(&v4_slots(s)[(uint32_t)mix64(ip) & (cap - 1)]);
        return;
    }
    if (cap > DSET_LINEAR) {
        addr_item(family, addr, item);
        __builtin_prefetch(s->u.heap +
                           (size_t)(item_hash(item, 17) & (cap - 1)) * (17 + SLOT_HASH));
    }
}

int
dset_add(struct dset *s, const uint8_t *item, size_t width, struct memacct *acct, struct err *err)
{
    /* Constant widths let the compiler specialise the hash and the compares. */
    switch (width) {
    case 17:
        return add17(s, item, acct, err);
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

/* merge17() - merge() for address sets in any mode. */
static int
merge17(struct dset *dst, const struct dset *src, struct memacct *acct, struct err *err)
{
    int rc;

    /* both wide and dst not empty: the hash-reusing merge */
    if (!(src->cap & (DSET_V4 | DSET_MIXED)) && !(dst->cap & (DSET_V4 | DSET_MIXED)) &&
        (dst->n || dst->cap))
        return merge(dst, src, 17, acct, err);
    rc = each17(dst, src, acct, err);
    return rc < 0 ? rc : 0;
}

int
dset_merge(struct dset *dst, const struct dset *src, size_t width, struct memacct *acct,
           struct err *err)
{
    switch (width) {
    case 17:
        return merge17(dst, src, acct, err);
    case 8:
        return merge(dst, src, 8, acct, err);
    case 16:
        return merge(dst, src, 16, acct, err);
    default:
        return merge(dst, src, width, acct, err);
    }
}

/* items17() - dset_items() for address sets in any mode; returns items written. */
static size_t
items17(const struct dset *s, uint8_t *out)
{
    const size_t stride = 17 + SLOT_HASH;
    size_t n = 0;

    if (s->cap == DSET_MIXED) {
        n = items17(&mixed_of(s)->v4, out);
        return n + items17(&mixed_of(s)->wide, out + n * 17);
    }
    if (s->cap & DSET_V4) {
        uint32_t cap = s->cap & ~DSET_V4;

        for (uint32_t i = 0; i < (cap ? cap : s->n); i++) {
            if (cap && !v4_slots(s)[i])
                continue;
            v4_item(cap ? (uint32_t)v4_slots(s)[i] : load32(s->u.inl + 4 * i), out + 17 * n++);
        }
    } else if (s->cap == 0) {
        if (s->n == 1)
            memcpy(out + 17 * n++, s->u.inl, 17);
    } else if (s->cap <= DSET_LINEAR) {
        memcpy(out, s->u.heap, (size_t)s->n * 17);
        n = s->n;
    } else {
        for (uint32_t i = 0; i < s->cap; i++)
            if (load32(s->u.heap + (size_t)i * stride))
                memcpy(out + 17 * n++, s->u.heap + (size_t)i * stride + SLOT_HASH, 17);
    }
    return n;
}

/* Slot i of a part of 17-byte items that is not compact: its item, or NULL (an empty slot). */
static inline const uint8_t *
wide_slot(const struct dset *s, uint32_t i)
{
    const uint8_t *p;

    if (s->cap == 0)
        return s->u.inl;
    if (s->cap <= DSET_LINEAR)
        return s->u.heap + 17 * (size_t)i;
    p = s->u.heap + (size_t)i * (17 + SLOT_HASH);
    return load32(p) ? p + SLOT_HASH : NULL;
}

static inline void
put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* dset_save17() of a set that is not inline IPv4 addresses (nor empty and inline). */
static size_t __attribute__((noinline)) save17_parts(const struct dset *s, uint8_t *out)
{
    const struct dset *v4 = NULL, *wide = NULL;
    size_t n4 = 0, n6 = 0, no = 0, nslots = 0;
    uint8_t *q6, *qo;

    if (s->cap == DSET_MIXED) {
        v4 = &mixed_of(s)->v4;
        wide = &mixed_of(s)->wide;
    } else if (s->cap & DSET_V4) {
        v4 = s;
    } else {
        wide = s;
    }
    if (v4 != NULL && (n4 = dset_v4_items(v4, out + 4)) == (size_t)-1)
        return (size_t)-1;
    put32(out, (uint32_t)n4);
    if (wide != NULL)
        nslots = wide->cap == 0 || wide->cap <= DSET_LINEAR ? wide->n : wide->cap;
    for (uint32_t i = 0; i < nslots; i++) { /* the counts first: each list's place */
        const uint8_t *it = wide_slot(wide, i);

        if (it == NULL)
            continue;
        if (is_v4(it))
            return (size_t)-1; /* never in a wide part: left to dset_items() */
        if (it[0] == 6)
            n6++;
        else
            no++;
    }
    q6 = out + 4 + 4 * n4;
    put32(q6, (uint32_t)n6);
    q6 += 4;
    qo = q6 + 16 * n6;
    put32(qo, (uint32_t)no);
    qo += 4;
    for (uint32_t i = 0; i < nslots; i++) {
        const uint8_t *it = wide_slot(wide, i);

        if (it == NULL)
            continue;
        if (it[0] == 6) {
            memcpy(q6, it + 1, 16);
            q6 += 16;
        } else {
            memcpy(qo, it, 17);
            qo += 17;
        }
    }
    return (size_t)(qo - out);
}

size_t
dset_save17(const struct dset *s, uint8_t *out)
{
    uint32_t n4;

    /* the common small set: its few IPv4 addresses inline (or none), no call and no loop over
     * slots */
    if (s->cap != DSET_V4 && (s->cap != 0 || s->n != 0))
        return save17_parts(s, out);
    n4 = s->cap == DSET_V4 ? s->n : 0;
    put32(out, n4);
    for (uint32_t i = 0; i < n4; i++)
        memcpy(out + 4 + 4 * (size_t)i, s->u.inl + 4 * (size_t)i, 4);
    memset(out + 4 + 4 * (size_t)n4, 0, 8); /* no IPv6 address, no other item */
    return 12 + 4 * (size_t)n4;
}

size_t
dset_items(const struct dset *s, size_t width, uint8_t *out)
{
    size_t n = 0;

    if (width == 17)
        return items17(s, out);
    if (s->cap == 0) {
        if (s->n == 1)
            memcpy(out + width * n++, s->u.inl, width);
    } else if (s->cap <= DSET_LINEAR) {
        memcpy(out, s->u.heap, (size_t)s->n * width);
        n = s->n;
    } else {
        size_t stride = width + SLOT_HASH;

        for (uint32_t i = 0; i < s->cap; i++)
            if (load32(s->u.heap + (size_t)i * stride))
                memcpy(out + width * n++, s->u.heap + (size_t)i * stride + SLOT_HASH, width);
    }
    return n;
}

void
dset_fini(struct dset *s, size_t width, struct memacct *acct)
{
    if (width == 17) {
        fini17(s, acct);
        return;
    }
    if (s->cap != 0) {
        memacct_release(acct, heap_bytes(s->cap, width));
        mem_free(s->u.heap);
    }
    memset(s, 0, sizeof(*s));
}
