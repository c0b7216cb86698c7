/*
 * cli_exec.h - how the command line gets a job's result: in this process
 * (runner_run_cached()), as one shard written to a file (--shard,
 * --partial-out), from shard files (flowsweep merge), or over MPI ranks
 * (flowsweep-mpi, engine/dist). The commands (main.c) plan, print and pick
 * the exit status the same way for all of them.
 * Threads: main thread only.
 */
#ifndef ENGINE_CLI_EXEC_H
#define ENGINE_CLI_EXEC_H

#include "cache.h"
#include "cli_args.h"
#include "op.h"
#include "part_plan.h"
#include "runner.h"

struct cli_exec;

/*
 * Gets the result of `op` over `plan` into `res` as runner_run_cached()
 * does (res->finished: a table to print). Returns 0 or -code with `err` set;
 * runner_result_fini(res) follows either way.
 */
typedef int cli_exec_fn(const struct cli_exec *x, const struct cli *c, const struct op *op,
                        const struct part_plan *plan, const struct sweep_opts *so,
                        struct cache *cache, struct runner_result *res, struct err *err);

struct cli_exec {
    cli_exec_fn *run; /* NULL: runner_run_cached() */
    void *ctx;        /* run's own */
    int quiet;        /* 1: prints no result, warning or summary (MPI ranks but rank 0) */
    int no_plan;      /* 1: plans no PATH (merge reads shard files instead) */
    int shard;        /* 1: the result is a shard file, not a table: summary and warnings only */
    const char *prog; /* the program's name in messages: "flowsweep" */
    /* code() - the exit status every process returns, from this one's (NULL: its own) */
    int (*code)(const struct cli_exec *x, int code);
    /* no_plan: what the shards' walk found (skips warned again, counts in the summary, exit 3
     * when files may be missing); its `files` is NULL, its `nfiles` the files planned */
    const struct part_plan *walked;
};

/*
 * cli_main() - the whole command line: parses argv, runs the command through
 * `x` (NULL: this process alone), prints, returns the exit status.
 */
int cli_main(int argc, char **argv, const struct cli_exec *x);

/* cli_run_job() - runs a grouping command (dns-names, dns-dest, query, dns-hunt) of `c` by `x`. */
int cli_run_job(struct cli *c, const struct cli_exec *x);

/*
 * cli_shard_main() - `COMMAND ... --shard I/N --partial-out FILE PATH...`:
 * returns -1 when argv holds neither option (the caller goes on), else runs
 * the shard and returns the exit status. cli_merge_main() - `merge FILE...`.
 */
int cli_shard_main(int argc, char **argv);
int cli_merge_main(int argc, char **argv);

#endif
