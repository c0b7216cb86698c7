/*
 * memacct.h - the --mem-limit budget shared by every worker's tables.
 *
 * Tables charge their big allocations (arena chunks, slot arrays, distinct
 * sets growing past their inline slot) here before making them; a charge
 * that would pass the limit fails with ERR_LIMIT instead. Charges are rare
 * (growth events, never per record), so one relaxed atomic is cheap.
 * Threads: memacct_charge()/memacct_release() are thread-safe.
 */
#ifndef ENGINE_MEMACCT_H
#define ENGINE_MEMACCT_H

#include <stdatomic.h>
#include <stddef.h>

#include "err.h"

struct memacct {
    atomic_size_t used;     /* bytes charged now */
    atomic_size_t peak;     /* most bytes charged at once */
    size_t limit;           /* bytes; 0 = no limit */
    struct memacct *parent; /* charges go there too (its limit applies); NULL: none */
};

/* memacct_init() - an empty budget of `limit` bytes (0: unlimited). */
void memacct_init(struct memacct *a, size_t limit);

/*
 * memacct_init_child() - an account without a limit of its own whose charges
 * also go to `parent` (a worker's share of the budget: the spill decision
 * reads its `used`). Releases must go to the account that was charged, or to
 * the parent once the child is no longer read.
 */
void memacct_init_child(struct memacct *a, struct memacct *parent);

/*
 * memacct_limit_text() - budget `bytes` as a message says it, into buf (cap >=
 * MEMACCT_TEXT_MAX): whole MiB or KiB as such ("512 MiB", "900 KiB"), else MiB
 * to two decimals ("1.46 MiB"), so that the message never names a rounded budget.
 */
#define MEMACCT_TEXT_MAX 32
void memacct_limit_text(size_t bytes, char *buf, size_t cap);

/* memacct_used() - bytes charged now. */
size_t memacct_used(const struct memacct *a);

/* memacct_charge() - takes `n` bytes from the budget, or fails with ERR_LIMIT. */
int memacct_charge(struct memacct *a, size_t n, struct err *err);

/* memacct_release() - gives `n` bytes back. */
void memacct_release(struct memacct *a, size_t n);

#endif
