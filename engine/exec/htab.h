/*
 * htab.h - a worker's group table: open addressing, variable-length byte keys.
 *
 * Keys are packed byte strings (keypack.h) hashed with XXH3 by the caller.
 * Each group is one entry in an arena owned by the table: its hash, its key
 * and a fixed-size value block (the aggregate states) that starts zeroed.
 * The table is split into HTAB_PARTS sub-tables by the top bits of the hash,
 * so the reduce phase can merge sub-table p of every worker into worker 0's
 * sub-table p on its own thread, with no locks (merge.c).
 * Entries never move: a pointer to one stays valid until htab_destroy() of
 * the table whose arena holds it, even after the merge links it elsewhere.
 * Memory: slot arrays and arena chunks are charged to a memacct budget;
 * reaching it is ERR_LIMIT.
 * Threads: thread-confined, except that merge.c touches disjoint sub-tables
 * of several tables from several threads.
 */
#ifndef ENGINE_HTAB_H
#define ENGINE_HTAB_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "memacct.h"

#define HTAB_PART_BITS 6
#define HTAB_PARTS     (1u << HTAB_PART_BITS)

struct htab; /* opaque */

struct htab_entry {
    uint64_t hash;    /* XXH3 of the key */
    uint32_t key_len; /* bytes of key, stored after the value block */
    uint32_t pad;     /* keeps the value block 8-byte aligned */
    /* uint8_t val[val_len]; uint8_t key[key_len]; */
};

/* htab_create() - an empty table whose groups carry `val_len` bytes of state. */
struct htab *htab_create(uint32_t val_len, struct memacct *acct, struct err *err);

/* htab_destroy() - frees the table and its arena; NULL is a no-op. */
void htab_destroy(struct htab *t);

/* htab_free_slots() - frees the slot arrays only (after a merge consumed them). */
void htab_free_slots(struct htab *t);

/*
 * htab_upsert() - the entry of `key`, created with a zeroed value block if
 * absent (*is_new = 1). NULL with ERR_LIMIT set when the budget is spent.
 */
struct htab_entry *htab_upsert(struct htab *t, const uint8_t *key, uint32_t key_len, uint64_t hash,
                               int *is_new, struct err *err);

/*
 * htab_part_link() - in sub-table `p` of `t`, the entry equal to `e` (an entry
 * of another table, whose hash `hash` is, as its slot holds it), or `e` itself
 * linked in when absent (*linked = 1). `e` is read only when an entry of `t`
 * has the same hash, so a merge that mostly adds groups never loads them.
 */
struct htab_entry *htab_part_link(struct htab *t, unsigned p, struct htab_entry *e, uint64_t hash,
                                  int *linked, struct err *err);

/*
 * htab_part_find() - in sub-table `p` of `t`, the entry equal to `e` (an entry of another
 * table, whose hash `hash` is, as its slot holds it), or NULL: htab_part_link() that never
 * links. `e` is read only when an entry of `t` has the same hash.
 */
struct htab_entry *htab_part_find(const struct htab *t, unsigned p, const struct htab_entry *e,
                                  uint64_t hash);

/*
 * htab_part_drop() - empties slot i of sub-table p; its entry stays in the arena, its state
 * owned by whoever took it. A lookup may then miss an entry probed past that slot, so the
 * table may afterwards only be walked (htab_part_slot()), released and destroyed (a merge
 * that leaves another worker's groups in place: merge_run_later()).
 */
void htab_part_drop(struct htab *t, unsigned p, size_t i);

/*
 * htab_part_reserve() - grows sub-table `p` of `t` at once so that `n` entries
 * fit without further growth (a merge: one rehash instead of one per doubling).
 * 0, or -ERR_LIMIT with `err` set when the budget is spent (the table unchanged).
 */
int htab_part_reserve(struct htab *t, unsigned p, size_t n, struct err *err);

/*
 * htab_prefetch() - starts loading the slot where `hash` would be probed, so
 * that an upsert a few records later finds it in cache. htab_prefetch_entry()
 * also starts loading the entry there when its stored hash matches (the slot
 * should be in cache by then). Both are hints: no effect on the table.
 */
void htab_prefetch(const struct htab *t, uint64_t hash);
void htab_prefetch_entry(const struct htab *t, uint64_t hash);

/*
 * htab_peek() - the entry in the slot `hash` is probed at first, if its stored
 * hash matches; else NULL. A guess for prefetching only: the key is not
 * compared, so it may be another group's entry.
 */
struct htab_entry *htab_peek(const struct htab *t, uint64_t hash);

/* htab_part_of() - the sub-table a hash belongs to. */
static inline unsigned
htab_part_of(uint64_t hash)
{
    return (unsigned)(hash >> (64 - HTAB_PART_BITS));
}

/* htab_part_cap() / htab_part_slot() - iterate sub-table p: slot i holds an entry or NULL. */
size_t htab_part_cap(const struct htab *t, unsigned p);
struct htab_entry *htab_part_slot(const struct htab *t, unsigned p, size_t i);

/*
 * htab_part_each() - fn(e, ctx) for every entry of sub-table p, in slot order, each entry loaded
 * a few slots ahead (a walk over a table larger than the caches waits on several at once).
 */
void htab_part_each(const struct htab *t, unsigned p, void (*fn)(struct htab_entry *e, void *ctx),
                    void *ctx);

/* htab_part_slot_hash() - the hash of slot i's entry (kept in the slot: the entry is not read). */
uint64_t htab_part_slot_hash(const struct htab *t, unsigned p, size_t i);

/*
 * htab_part_clear() - empties sub-table p (its slot array is kept). The
 * entries stay in the arena until htab_destroy(): release their states first.
 */
void htab_part_clear(struct htab *t, unsigned p);

/*
 * htab_id() - a number that no other table has had in this process, and that this one changes
 * at each htab_part_clear(): a caller that remembers entries of a table from one call to the
 * next (hunt.c) knows by it whether they are still the table's groups.
 */
uint64_t htab_id(const struct htab *t);

/* htab_count() - groups in the table (all sub-tables). */
size_t htab_count(const struct htab *t);

/* htab_part_count() - entries in sub-table p. */
size_t htab_part_count(const struct htab *t, unsigned p);

static inline uint8_t *
htab_entry_val(struct htab_entry *e)
{
    return (uint8_t *)(e + 1);
}

/*
 * htab_entry_key() - the key bytes of `e` in a table made with value size
 * `val_len` (as given to htab_create(): the table rounds it up to 8 bytes).
 */
static inline const uint8_t *
htab_entry_key(const struct htab_entry *e, uint32_t val_len)
{
    return (const uint8_t *)(e + 1) + ((val_len + 7u) & ~7u);
}

#endif
