/*
 * agg.h - aggregate states in a group's value block: update, merge, read out.
 *
 * Layout and kinds come from the job's columns (job.h): count and max are a
 * u64, sum a u128 (low word first; never wraps); min is stored complemented (~v) so that a zeroed
 * block means "nothing yet" and both min and max update with one compare; distinct is a struct
 * dset. Threads: thread-confined per value block.
 */
#ifndef ENGINE_AGG_H
#define ENGINE_AGG_H

#include <stdint.h>

#include "err.h"
#include "job.h"
#include "memacct.h"
#include "out.h"
#include "record.h"

/* agg_prefetch() - starts loading what agg_update(job, val, r) will touch in distinct sets. */
void agg_prefetch(const struct job *job, const uint8_t *val, const struct rec *r);

/* agg_update() - folds record `r` into `val`. Returns 0 or -ERR_LIMIT. */
int agg_update(const struct job *job, uint8_t *val, const struct rec *r, struct memacct *acct,
               struct err *err);

/* agg_merge() - folds `src` into `dst` and releases what `src` owned. */
int agg_merge(const struct job *job, uint8_t *dst, uint8_t *src, struct memacct *acct,
              struct err *err);

/* agg_merge_counts() - folds every state of `src` but its distinct sets into `dst`. */
void agg_merge_counts(const struct job *job, uint8_t *dst, const uint8_t *src);

/* agg_merge_sets() - folds the distinct sets of `src` into `dst`'s and releases them. */
int agg_merge_sets(const struct job *job, uint8_t *dst, uint8_t *src, struct memacct *acct,
                   struct err *err);

/*
 * agg_cell() - the final value of aggregate column `col`: OUT_U64, or OUT_U128
 * for a sum past 2^64 - 1 (sums are 128-bit, exact), or OUT_RATIO for avg.
 */
struct out_cell agg_cell(const struct job *job, const uint8_t *val, size_t col);

/* agg_release() - frees what the states of `val` own (distinct sets). */
void agg_release(const struct job *job, uint8_t *val, struct memacct *acct);

#endif
