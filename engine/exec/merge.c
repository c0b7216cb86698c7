/*
 * merge.c - see merge.h.
 */
#include "merge.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <omp.h>

#include "mem.h"

#define MERGE_AHEAD 8 /* slots */

/* Lists group `d` of sub-table p with the other table's state `src` (merge_run_later()). */
static void
later_add(struct op_later *l, unsigned p, struct htab_entry *d, uint8_t *src)
{
    if (l->n[p] == l->cap[p]) {
        l->cap[p] = l->cap[p] ? 2 * l->cap[p] : 256;
        l->pair[p] = mem_realloc(l->pair[p], l->cap[p] * sizeof(*l->pair[p]));
    }
    l->pair[p][l->n[p]++] = (struct op_pair){d, src};
}

/*
 * Whether merge_run_later() leaves the second table's groups in place (struct op_later's rest):
 * with two tables and only finish to follow, a group the first table lacks needs no slot in it,
 * so its sub-tables are neither grown nor rehashed (fresh slot arrays for every group) and the
 * second table's slot arrays are kept. With more tables a group of a later one must be found
 * among the groups of all the earlier ones: they are linked into the first as merge_run() does.
 */
static int
adopts(const struct op_later *later, int ntables)
{
    return later != NULL && ntables == 2;
}

static int
merge_part(const struct op *op, struct htab **tables, int ntables, struct memacct *acct, unsigned p,
           struct op_later *later, struct err *err)
{
    struct htab *dst = tables[0];
    size_t all = htab_part_count(dst, p);
    int adopt = adopts(later, ntables);
    struct err rerr;

    /* dst's sub-table sized once for every group (growing it one doubling at a time rehashes it
     * each time); duplicates make that an overestimate, so under a tight budget it grows as
     * needed instead */
    for (int w = 1; w < ntables; w++)
        all += htab_part_count(tables[w], p);
    err_init(&rerr);
    if (!adopt)
        (void)htab_part_reserve(dst, p, all, &rerr);

    for (int w = 1; w < ntables; w++) {
        const struct htab *src = tables[w];
        size_t cap = htab_part_cap(src, p);

        for (size_t i = 0; i < cap; i++) {
            struct htab_entry *e = htab_part_slot(src, p, i);
            struct htab_entry *d;
            int linked;

            /* a table of every group outgrows the caches: the slot a few entries ahead will
             * probe in dst (its hash is in src's slot) starts loading now; then, where dst holds
             * that hash (a group both tables hold, whose keys are compared), both entries.
             * Only an occupied slot's hash is of partition p: an empty one's would point into a
             * partition another thread is growing (ASan: heap-use-after-free). A group only
             * src holds is linked by its slot's hash without loading its entry. */
            if (i + MERGE_AHEAD < cap && htab_part_slot(src, p, i + MERGE_AHEAD) != NULL)
                htab_prefetch(dst, htab_part_slot_hash(src, p, i + MERGE_AHEAD));
            if (i + MERGE_AHEAD / 2 < cap && htab_part_slot(src, p, i + MERGE_AHEAD / 2) != NULL) {
                const struct htab_entry *both =
                    htab_peek(dst, htab_part_slot_hash(src, p, i + MERGE_AHEAD / 2));

                if (both != NULL) {
                    __builtin_prefetch(both);
                    __builtin_prefetch(htab_part_slot(src, p, i + MERGE_AHEAD / 2));
                }
            }
            if (e == NULL)
                continue;
            if (adopt) { /* a group both hold: merged into dst's, dropped from src's slots */
                d = htab_part_find(dst, p, e, htab_part_slot_hash(src, p, i));
                if (d == NULL)
                    continue;
                op->merge_now(op, htab_entry_val(d), htab_entry_val(e));
                later_add(later, p, d, htab_entry_val(e));
                htab_part_drop(tables[w], p, i);
                continue;
            }
            d = htab_part_link(dst, p, e, htab_part_slot_hash(src, p, i), &linked, err);
            if (d == NULL)
                return -1;
            if (linked)
                continue;
            if (later != NULL) {
                op->merge_now(op, htab_entry_val(d), htab_entry_val(e));
                later_add(later, p, d, htab_entry_val(e));
            } else if (op->merge(op, htab_entry_val(d), htab_entry_val(e), acct, err) < 0) {
                return -1;
            }
        }
    }
    return 0;
}

int
merge_run(const struct op *op, struct htab **tables, int ntables, struct memacct *acct, int threads,
          struct err *err)
{
    return merge_run_later(op, tables, ntables, acct, threads, NULL, err);
}

int
merge_run_later(const struct op *op, struct htab **tables, int ntables, struct memacct *acct,
                int threads, struct op_later *later, struct err *err)
{
    struct err *errs;
    atomic_bool stop = false;
    int rc = 0;

    if (ntables <= 1)
        return 0;
    if (op->merge_now == NULL)
        later = NULL;
    if (threads <= 0)
        threads = omp_get_max_threads();
    errs = mem_calloc((size_t)threads, sizeof(*errs));

#pragma omp parallel for default(none) num_threads(threads) schedule(dynamic, 1) \
    shared(op, tables, ntables, acct, errs, stop, later)
    for (unsigned p = 0; p < HTAB_PARTS; p++) {
        struct err *e = &errs[omp_get_thread_num()];

        if (atomic_load_explicit(&stop, memory_order_relaxed))
            continue;
        if (merge_part(op, tables, ntables, acct, p, later, e) < 0)
            atomic_store_explicit(&stop, true, memory_order_relaxed);
    }

    rc = err_first(errs, threads, err);
    mem_free(errs);
    if (rc == 0 && adopts(later, ntables)) {
        later->rest = tables + 1;
        later->nrest = ntables - 1;
    } else if (rc == 0) {
        for (int w = 1; w < ntables; w++)
            htab_free_slots(tables[w]);
    }
    return rc;
}

static int
entry_cmp(const void *a, const void *b)
{
    const struct htab_entry *const *pa = a, *const *pb = b;
    uintptr_t x = (uintptr_t)*pa, y = (uintptr_t)*pb;

    return x < y ? -1 : x > y;
}

int
merge_later_entries(const struct op *op, struct op_later *later, struct htab_entry **e, size_t n,
                    int threads, struct err *err)
{
    struct err *errs;
    atomic_bool stop = false;
    int rc = 0;

    if (later == NULL)
        return 0;
    if (e != NULL && n == 0)
        return 0;
    if (e != NULL)
        qsort(e, n, sizeof(*e), entry_cmp);
    if (threads <= 0)
        threads = omp_get_max_threads();
    errs = mem_calloc((size_t)threads, sizeof(*errs));

#pragma omp parallel for default(none) num_threads(threads) schedule(dynamic, 1) \
    shared(op, later, e, n, errs, stop)
    for (unsigned p = 0; p < HTAB_PARTS; p++) {
        struct err *er = &errs[omp_get_thread_num()];

        for (size_t i = 0; i < later->n[p]; i++) {
            struct op_pair *q = &later->pair[p][i];

            if (atomic_load_explicit(&stop, memory_order_relaxed))
                break;
            if (q->src == NULL ||
                (e != NULL && bsearch(&q->dst, e, n, sizeof(*e), entry_cmp) == NULL))
                continue;
            if (op->merge_later(op, htab_entry_val(q->dst), q->src, later->acct, er) < 0)
                atomic_store_explicit(&stop, true, memory_order_relaxed);
            q->src = NULL;
        }
    }

    rc = err_first(errs, threads, err);
    mem_free(errs);
    return rc;
}

void
merge_later_fini(const struct op *op, struct op_later *later, int release)
{
    if (later == NULL)
        return;
    for (unsigned p = 0; p < HTAB_PARTS; p++) {
        for (size_t i = 0; i < later->n[p] && release; i++)
            if (later->pair[p][i].src != NULL)
                op->release(op, later->pair[p][i].src, later->acct);
        mem_free(later->pair[p]);
    }
    mem_free(later);
}
