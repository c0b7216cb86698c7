/*
 * export.h - `flowsweep export`: flat per-record rows (JSON Lines or CSV,
 * rendered by rows.h), so other engines can load exactly the records
 * flowsweep's jobs see.
 *
 * export_run() is the file loop (sweep.h) with the emit sink: each flow is
 * expanded into the job's record view (record.h), kept when it passes the
 * job's --where (the same compiled plan the group-by job folds with, job.h),
 * and rendered as one row per record; rows are written in plan order and, in
 * each file, in file order. Only the job's view and --where are used.
 *
 * Streaming, memory: a worker renders into a chunk of at most `chunk` bytes
 * (1 MiB, or a quarter of --mem-limit per worker, whichever is less) plus one
 * flow's rows; the buffers' capacity is charged to --mem-limit. A full chunk is written when it is
 * the worker's file's turn (every earlier file of the plan written); otherwise the worker waits for
 * that turn. So no worker holds a whole rendered file, and the output is byte-identical for any
 * thread count.
 *
 * Bad files behave as in sweep_run(): each is listed in res->bad (sorted by
 * path) with the rows read before the damage kept, and the export goes on;
 * with opts->strict the first bad file in plan order stops it (ERR_FORMAT),
 * after the rows of the files before it were written (rows of the bad file
 * before the damage may be out too: the exit status, not the output, says the
 * export is incomplete).
 */
#ifndef ENGINE_EXPORT_H
#define ENGINE_EXPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "job.h"
#include "part_plan.h"
#include "rows.h"
#include "sweep.h"

struct export_result {
    struct sweep_stats stats; /* files, flows, records, kept (= rows written), dns records */
    struct sweep_bad *bad;    /* sorted by path; owned */
    size_t nbad;
    int threads;         /* workers used */
    size_t chunk;        /* bytes of rows a worker renders before it must write them */
    size_t peak_pending; /* most bytes of rendered rows one worker held at once */
};

/*
 * export_run() - writes the rows of the files of `plan` to `out` (see above).
 * `opts` supplies threads, strict, mem_limit, source and progress. Returns 0,
 * or -code: ERR_IO (writing `out`), ERR_FORMAT (--strict and a bad file),
 * ERR_LIMIT (--mem-limit too small for one flow's rows). `res` is filled
 * either way and must be export_result_fini()'d.
 */
int export_run(const struct job *job, const struct rows_layout *layout,
               const struct part_plan *plan, const struct sweep_opts *opts, FILE *out,
               struct export_result *res, struct err *err);

/* export_result_fini() - frees the bad-file list. */
void export_result_fini(struct export_result *res);

#endif
