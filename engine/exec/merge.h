/*
 * merge.h - the reduce phase: fold every worker's table into the first one.
 *
 * Tables are split into HTAB_PARTS sub-tables by hash bits, so sub-table p of
 * workers 1..T-1 folds into sub-table p of worker 0 on one thread, with no
 * lock: an OpenMP loop over p, schedule(dynamic, 1). A group found in worker
 * 0 merges its state (op->merge()); a new one is linked in place (its entry
 * stays in its worker's arena). Afterwards the other workers' slot arrays are
 * freed. Integer sums and exact distinct sets make the result the same for
 * any thread count and any order of files.
 * Threads: call from one thread; it starts and joins its own.
 */
#ifndef ENGINE_MERGE_H
#define ENGINE_MERGE_H

#include "err.h"
#include "htab.h"
#include "memacct.h"
#include "op.h"

/*
 * merge_run() - merges tables[1..ntables) into tables[0] with op->merge().
 * Returns 0 or -code (ERR_LIMIT: --mem-limit).
 */
int merge_run(const struct op *op, struct htab **tables, int ntables, struct memacct *acct,
              int threads, struct err *err);

/*
 * merge_run_later() - merge_run(), but when `later` is not NULL (and op->merge_now() is), a
 * group both tables hold is merged with op->merge_now() and listed in `later` (zeroed; its
 * acct set) for merge_later_entries(): only finish may follow, with op->finish_later(). With
 * two tables the second one's other groups are not linked into the first: they stay in it
 * (later->rest; the groups both held dropped from its slots), and the result is the groups
 * of both tables.
 */
int merge_run_later(const struct op *op, struct htab **tables, int ntables, struct memacct *acct,
                    int threads, struct op_later *later, struct err *err);

/*
 * merge_later_entries() - op->merge_later() of every pair of `later` whose dst is one of
 * e[0..n) (reordered), or of every pair when `e` is NULL, on `threads` threads (by sub-table).
 * 0 or -code (ERR_LIMIT: --mem-limit).
 */
int merge_later_entries(const struct op *op, struct op_later *later, struct htab_entry **e,
                        size_t n, int threads, struct err *err);

/* merge_later_fini() - frees `later` (NULL: a no-op), with op->release() of what stays in it
 * when `release`. */
void merge_later_fini(const struct op *op, struct op_later *later, int release);

#endif
