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

#endif
