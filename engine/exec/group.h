/*
 * group.h - the group-by job as an operation (op.h): dns-names, dns-dest and
 * query.
 *
 * fold: each flow of a batch is tested against the job's --where (flow-level
 * tests first, job.h), expanded into the job's record view (record.h), and
 * each kept record folded into its group (key: keypack.h; state: agg.h, the
 * job's aggregates at job->cols[].off). The batch is folded in two passes so
 * that table slots and entries are prefetched (group.c).
 * finish: --having, order, limit (sort.h) into the output table.
 * save/load: per aggregate in column order, count/sum/min/max as their 8-byte
 * state (min kept complemented, as agg.c stores it) and a distinct set as its
 * items (op.h).
 */
#ifndef ENGINE_GROUP_H
#define ENGINE_GROUP_H

#include "job.h"
#include "op.h"

/* group_op_init() - `op` runs `job` (borrowed; it must outlive `op`). */
void group_op_init(struct op *op, const struct job *job);

#endif
