/*
 * dist.h - one job over MPI ranks (flowsweep-mpi, docs/distributed.md).
 *
 * Every rank plans the same PATHs (the plan is checked to be the same on
 * every rank), takes its share of the files (shard_split(): rank r of N,
 * balanced by bytes), maps it on its OpenMP threads into one merged table
 * (runner_map()), then:
 *   exchange  the table's hash partitions go to their owners (partition p to
 *             rank p mod N) as partials in no order (partial.h's any_order:
 *             nothing sorted), by nonblocking point-to-point messages in
 *             rounds of at most `chunk` bytes per peer (MPI 3.1 counts are
 *             int: no message near 2 GiB);
 *   merge     each rank absorbs what it received (runner_absorb()), on its
 *             own partitions only, so no group is on two ranks;
 *   gather    rank 0 receives every rank's groups, counts and bad files and
 *             finishes (runner_finish()): the same table, and so the same
 *             bytes, as one process.
 * Every step that can fail on one rank ends with an agreement (an allgather
 * of each rank's status and message): a failing rank stops every rank with
 * its message, "rank R: ...", never a hang. A rank that dies is Open MPI's
 * to notice: mpirun then ends the job.
 * Threads: only the calling (main) thread calls MPI (MPI_THREAD_FUNNELED),
 * outside the OpenMP regions of the runner.
 */
#ifndef ENGINE_DIST_H
#define ENGINE_DIST_H

#include <stddef.h>
#include <stdint.h>

#include "cache.h"
#include "err.h"
#include "op.h"
#include "part_plan.h"
#include "runner.h"
#include "sweep.h"

struct dist {
    int rank;           /* this rank */
    int size;           /* ranks */
    size_t chunk;       /* bytes per peer per message round (<= INT_MAX / size) */
    int started;        /* dist_start() done */
    int broken;         /* a rank could not start: no collective follows */
    int code;           /* a rank that could not start: its exit status (dist_start() sets the first
                           failing rank's on every rank) */
    const char *inputs; /* what the job read besides the flows (cli_job_inputs()): compared */
    void (*after_map)(const struct dist *d); /* fault injection for tests, or NULL */
    /* measured (rank 0: slowest rank for times, all ranks for bytes) */
    double map_s;          /* plan share read and merged locally */
    double exch_s;         /* partitions encoded and sent to their owners */
    double merge_s;        /* received partitions absorbed */
    double gather_s;       /* groups, counts and bad files to rank 0 */
    uint64_t exch_bytes;   /* bytes sent to other ranks in the exchange */
    uint64_t gather_bytes; /* bytes sent to rank 0 */
    unsigned rounds;       /* message rounds of the exchange */
};

/*
 * dist_init() - MPI_Init_thread (FUNNELED) and this rank's place. Returns 0
 * or -ERR_INTERNAL (MPI cannot give the thread level).
 */
int dist_init(int *argc, char ***argv, struct dist *d, struct err *err);

/*
 * dist_start() - the first collective of a job: every rank says whether it
 * could start (`ok`) and which plan it made. Returns 0, or -code with `err`
 * naming the rank that could not start (with its message: `err` on that rank, else
 * "(its own message says why)"), planned other files, or read other inputs (d->inputs:
 * watchlists, Public Suffix List) than rank 0. A rank that fails before its job starts calls
 * it with ok = 0, d->code its exit status and `err` why (so no rank waits); then every rank
 * exits with the first failing rank's status (dist_code()).
 */
int dist_start(struct dist *d, int ok, const struct part_plan *plan, struct err *err);

/*
 * dist_run() - `op` over `plan` on every rank (see above); runner_run_cached()'s
 * contract on rank 0 (res->finished, counts and bad files of every rank);
 * other ranks return 0 with no table. Every rank returns the same failure.
 */
int dist_run(struct dist *d, const struct op *op, const struct part_plan *plan,
             const struct sweep_opts *opts, struct cache *cache, struct runner_result *res,
             struct err *err);

/* dist_code() - rank 0's exit status `code`, on every rank. */
int dist_code(struct dist *d, int code);

/* dist_fini() - MPI_Finalize. */
void dist_fini(struct dist *d);

#endif
