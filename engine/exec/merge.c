/*
 * merge.c - see merge.h.
 */
#include "merge.h"

#include <stdatomic.h>
#include <stdbool.h>

#include <omp.h>

#include "mem.h"

#define MERGE_AHEAD 8 /* slots */

static int
merge_part(const struct op *op, struct htab **tables, int ntables, struct memacct *acct, unsigned p,
           struct err *err)
{
    struct htab *dst = tables[0];
    size_t all = htab_part_count(dst, p);
    struct err rerr;

    /* dst's sub-table sized once for every group (growing it one doubling at a time rehashes it
     * each time); duplicates make that an overestimate, so under a tight budget it grows as
     * needed instead */
    for (int w = 1; w < ntables; w++)
        all += htab_part_count(tables[w], p);
    err_init(&rerr);
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
            d = htab_part_link(dst, p, e, htab_part_slot_hash(src, p, i), &linked, err);
            if (d == NULL)
                return -1;
            if (!linked && op->merge(op, htab_entry_val(d), htab_entry_val(e), acct, err) < 0)
                return -1;
        }
    }
    return 0;
}

int
merge_run(const struct op *op, struct htab **tables, int ntables, struct memacct *acct, int threads,
          struct err *err)
{
    struct err *errs;
    atomic_bool stop = false;
    int rc = 0;

    if (ntables <= 1)
        return 0;
    if (threads <= 0)
        threads = omp_get_max_threads();
    errs = mem_calloc((size_t)threads, sizeof(*errs));

#pragma omp parallel for default(none) num_threads(threads) schedule(dynamic, 1) \
    shared(op, tables, ntables, acct, errs, stop)
    for (unsigned p = 0; p < HTAB_PARTS; p++) {
        struct err *e = &errs[omp_get_thread_num()];

        if (atomic_load_explicit(&stop, memory_order_relaxed))
            continue;
        if (merge_part(op, tables, ntables, acct, p, e) < 0)
            atomic_store_explicit(&stop, true, memory_order_relaxed);
    }

    for (int t = 0; t < threads; t++) {
        if (errs[t].code != ERR_OK) {
            *err = errs[t];
            rc = -(int)errs[t].code;
            break;
        }
    }
    mem_free(errs);
    if (rc == 0)
        for (int w = 1; w < ntables; w++)
            htab_free_slots(tables[w]);
    return rc;
}
