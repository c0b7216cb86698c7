/*
 * flowsweep_mpi.c - flowsweep-mpi: the flowsweep command line over MPI ranks
 * (engine/dist, docs/distributed.md). Every rank parses the same argv and
 * plans the same PATHs; rank 0 prints the results, the warnings and the
 * summary, and one more summary line for the exchange; every rank exits with
 * rank 0's status.
 * For tests, FLOWSWEEP_MPI_CHUNK=BYTES (1 to 2^31-1, digits only; anything
 * else is a usage error) caps the bytes per peer in one exchange round
 * (forcing several rounds), and FLOWSWEEP_DIST_FAULT=R:kill
 * or R:exit makes rank R die (SIGKILL, or _exit without MPI_Finalize) once it
 * has mapped its share: the job must then end, never hang.
 */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_exec.h"
#include "cli_usage.h"
#include "dist.h"
#include "log.h"

static struct dist d; /* the one MPI job of this process */

static int
run_mpi(const struct cli_exec *x, const struct cli *c, const struct op *op,
        const struct part_plan *plan, const struct sweep_opts *so, struct cache *cache,
        struct runner_result *res, struct err *err)
{
    (void)x;
    if (d.rank != 0) /* planned: from here on, an error of this rank alone is printed here */
        log_set_level(LOG_ERROR);
    d.inputs = c->job_inputs; /* compared with rank 0's */
    return dist_run(&d, op, plan, so, cache, res, err);
}

static int
code_mpi(const struct cli_exec *x, int code)
{
    (void)x;
    return dist_code(&d, code);
}

static void
fault(const struct dist *dd)
{
    const char *f = getenv("FLOWSWEEP_DIST_FAULT"); /* NOLINT(concurrency-mt-unsafe): main thread */
    char *end;
    long r;

    if (f == NULL)
        return;
    r = strtol(f, &end, 10);
    if (end == f || *end != ':' || r != dd->rank)
        return;
    if (strcmp(end + 1, "kill") == 0)
        raise(SIGKILL);
    if (strcmp(end + 1, "exit") == 0)
        _exit(5);
}

/* Whether argv asks for no text summary (-q, --summary json). */
static int
quiet_argv(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0 ||
            strcmp(argv[i], "--summary=json") == 0 ||
            (strcmp(argv[i], "--summary") == 0 && i + 1 < argc && strcmp(argv[i + 1], "json") == 0))
            return 1;
    return 0;
}

/*
 * FLOWSWEEP_MPI_CHUNK (`s`; unset or empty: the default) into *chunk, read as the command
 * line's numbers are (cli_parse_u64(): ASCII digits only). -1, or EXIT_USAGE said by rank 0.
 */
static int
chunk_env(const char *s, size_t *chunk)
{
    uint64_t n;

    if (s == NULL || *s == '\0')
        return -1;
    if (cli_parse_u64(s, &n) < 0 || n == 0 || n > INT_MAX)
        return cli_usage_error("FLOWSWEEP_MPI_CHUNK='%s': bytes per exchange round, a whole "
                               "number from 1 to 2147483647",
                               s);
    *chunk = (size_t)n;
    return -1;
}

int
main(int argc, char **argv)
{
    struct err err;
    struct cli_exec x = {run_mpi, &d, 0, 0, 0, "flowsweep-mpi", code_mpi, NULL};
    const char *chunk = getenv("FLOWSWEEP_MPI_CHUNK"); /* NOLINT(concurrency-mt-unsafe) */
    int code;

    err_init(&err);
    if (dist_init(&argc, &argv, &d, &err) < 0) {
        fprintf(stderr, "flowsweep-mpi: error: %s\n", err.msg);
        return EXIT_FATAL;
    }
    if (getenv("FLOWSWEEP_DIST_FAULT") != NULL) /* NOLINT(concurrency-mt-unsafe) */
        d.after_map = fault;
    x.quiet = d.rank != 0;
    cli_usage_quiet(x.quiet); /* every rank parses the same argv: rank 0 says a usage error */
    code = chunk_env(chunk, &d.chunk);
    if (code < 0)
        code = cli_main(argc, argv, &x);
    if (!d.started) { /* this rank never reached its job: no rank may wait for it */
        err_init(&err);
        if (cli_usage_last()[0] != '\0') /* its message, not printed here: rank 0 says it */
            ERR_SET(&err, ERR_USAGE, "%s", cli_usage_last());
        else if (log_first_error()[0] != '\0') /* printed here too, escaped: rank 0 says it */
            ERR_SET(&err, ERR_IO, "%s", log_first_error());
        d.code = code;
        dist_start(&d, 0, NULL, &err);
        code = d.code; /* the first failing rank's status, on every rank */
    } else if (d.rank == 0 && !d.broken && code != EXIT_FATAL && code != EXIT_USAGE &&
               !quiet_argv(argc, argv))
        fprintf(stderr,
                "flowsweep: summary: mpi: ranks %d, map %.3f s (slowest rank), exchange %.1f MiB "
                "in %.3f s (%u rounds), merge %.3f s, gather to rank 0 %.1f MiB in %.3f s\n",
                d.size, d.map_s, (double)d.exch_bytes / (1024.0 * 1024.0), d.exch_s, d.rounds,
                d.merge_s, (double)d.gather_bytes / (1024.0 * 1024.0), d.gather_s);
    dist_fini(&d);
    /* Rank 0 alone says 3 (bad files, results printed): mpirun returns it; a non-zero status
     * from every rank would make mpirun abort a job that ended well (and wait for it). */
    return d.rank != 0 && code == EXIT_PARTIAL ? 0 : code;
}
