/*
 * dset.h - exact distinct set of fixed-width items (Spark's countDistinct).
 *
 * Sized for the common case of DNS groups: most hold a few sources and one
 * destination. Address items (17 bytes: family, address) are kept compact
 * while they are IPv4: 4 bytes each, six inline in the 32-byte struct with no
 * allocation, then in 8-byte hash slots; a set that also gets other addresses
 * keeps the two kinds in two parts (dset.c, struct mixed). Other items: the
 * first lives inline, up to DSET_LINEAR sit in a small array scanned linearly,
 * then an open-addressing hash set whose slots keep each item's 32-bit hash,
 * so growth and merges never hash an item twice. The caller passes the item
 * width on every call (it is a property of the aggregate, not stored per
 * set). Growth is charged to a memacct budget.
 * Threads: thread-confined.
 */
#ifndef ENGINE_DSET_H
#define ENGINE_DSET_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "memacct.h"

#define DSET_MAX_WIDTH 17 /* widest item: an address with its family byte */
#define DSET_LINEAR    8  /* items scanned linearly before hashing */

struct dset {
    uint32_t n;   /* distinct items held */
    uint32_t cap; /* 0: inline (n <= 1); <= DSET_LINEAR: array; else hash slots (load <= 1/2) */
    union {
        uint8_t inl[24]; /* the single inline item */
        uint8_t *heap;   /* array of cap items, or cap slots of (u32 hash, item) */
    } u;
};

/* dset_add() - adds `item` (width bytes). Returns 1 if new, 0 if present, -ERR_LIMIT. */
int dset_add(struct dset *s, const uint8_t *item, size_t width, struct memacct *acct,
             struct err *err);

/*
 * dset_add_u64() - dset_add() of the 8-byte item `x` (its bytes as stored in memory), with an
 * item that the set holds inline or in its small array found here, with no call: a set that
 * takes the same few items again and again (dns-hunt's hours of a group) costs a compare.
 */
static inline int
dset_add_u64(struct dset *s, uint64_t x, struct memacct *acct, struct err *err)
{
    if (s->cap <= DSET_LINEAR) {
        const uint8_t *p = s->cap == 0 ? s->u.inl : s->u.heap;

        for (uint32_t i = 0; i < s->n; i++) {
            uint64_t y;

            memcpy(&y, p + 8 * (size_t)i, 8);
            if (y == x)
                return 0;
        }
    }
    return dset_add(s, (const uint8_t *)&x, 8, acct, err);
}

/*
 * dset_has() - 1 when `item` (width bytes; an address item of 17 bytes whatever the set's
 * mode) is in `s`, else 0. A lookup only: nothing is placed or grown.
 */
int dset_has(const struct dset *s, const uint8_t *item, size_t width);

/* dset_prefetch() - starts loading the slot where `item` would be probed (a hint). */
void dset_prefetch(const struct dset *s, const uint8_t *item, size_t width);

/*
 * dset_add_addr(), dset_prefetch_addr() - dset_add() and dset_prefetch() of
 * the 17-byte address item (family, addr[0..16)) without making it: an IPv4
 * address goes straight to a compact set, and a set with no slots is not
 * probed for a prefetch at all.
 */
int dset_add_addr(struct dset *s, uint8_t family, const uint8_t *addr, struct memacct *acct,
                  struct err *err);
void dset_prefetch_addr(const struct dset *s, uint8_t family, const uint8_t *addr);

/* dset_merge() - adds every item of `src` to `dst`; `src` is left intact. */
int dset_merge(struct dset *dst, const struct dset *src, size_t width, struct memacct *acct,
               struct err *err);

/*
 * dset_items() - copies the n items of `s` (width bytes each, addresses as
 * their 17 bytes whatever the set's mode) to out[0 .. n * width), in no
 * particular order. Returns n.
 */
size_t dset_items(const struct dset *s, size_t width, uint8_t *out);

/*
 * dset_v4_items() - the items of address set `s` as 4-byte IPv4 addresses (as
 * dset_load_v4() takes them) to out[0 .. 4n), in no particular order, when every
 * item is IPv4; returns n, or (size_t)-1 when the set holds other addresses.
 */
size_t dset_v4_items(const struct dset *s, uint8_t *out);

/*
 * dset_save17() - address set `s` as its three saved lists (op.h: a u32
 * count and the IPv4 addresses, 4 bytes each; the same of IPv6, 16 bytes;
 * the same of other items, 17 bytes), each list's items in the set's order
 * (dset_items()'s), written to out (room for 12 + 17 n bytes); returns the
 * bytes written, or (size_t)-1 when an IPv4 item sits outside its compact part.
 */
size_t dset_save17(const struct dset *s, uint8_t *out);

/*
 * dset_load_v4() - fills the empty address set `s` (17-byte items) with the n
 * IPv4 addresses at p (4 bytes each, as saved), sized once. Returns 1, 0 when
 * an address repeats (the set then holds those before it), or -code.
 */
int dset_load_v4(struct dset *s, const uint8_t *p, uint32_t n, struct memacct *acct,
                 struct err *err);

/*
 * dset_load() - fills the empty set `s` with the n items at p (width bytes each, not
 * 17: see dset_load17()), sized once so that no item is placed twice. Returns 1, 0
 * when an item repeats (the set then holds those before it), or -code.
 */
int dset_load(struct dset *s, const uint8_t *p, uint32_t n, size_t width, struct memacct *acct,
              struct err *err);

/*
 * dset_load17() - fills the empty address set `s` with a saved set's three lists (op.h):
 * n4 IPv4 addresses (4 bytes each), n6 IPv6 (16 bytes each), nother other items (17
 * bytes each, the caller checked they are neither), each part sized once. Returns as
 * dset_load().
 */
int dset_load17(struct dset *s, const uint8_t *v4, uint32_t n4, const uint8_t *v6, uint32_t n6,
                const uint8_t *other, uint32_t nother, struct memacct *acct, struct err *err);

/* dset_fini() - frees the heap part, gives its bytes back to `acct`. */
void dset_fini(struct dset *s, size_t width, struct memacct *acct);

#endif
