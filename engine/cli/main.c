/*
 * main.c - the flowsweep command line: subcommands, options, exit codes.
 *
 * The only code that writes stdout or calls exit(). Results go to stdout;
 * warnings, progress and the summary go to stderr.
 * Exit codes: 0 success; 1 fatal error; 2 usage error; 3 finished, but some
 * input files were unreadable or damaged (named in warnings; the results
 * cover every good record).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "cli_cache.h"
#include "cli_exec.h"
#include "cli_job.h"
#include "cli_jobs.h"
#include "cli_output.h"
#include "cli_report.h"
#include "cli_summary.h"
#include "cli_sweep.h"
#include "cli_usage.h"
#include "export.h"
#include "expr.h"
#include "job.h"
#include "mem.h"
#include "runner.h"

/* The sweep's part of the run summary. */
static void
summary_sweep(struct cli_summary *s, const struct sweep_stats *st, const struct sweep_bad *bad,
              size_t nbad, int threads)
{
    s->read = st->files;
    s->bad = bad;
    s->nbad = nbad;
    s->flows = st->flows;
    s->records = st->records;
    s->kept = st->kept;
    s->dns_records = st->dns_rrs;
    s->threads = threads;
}

/* The result in this process alone. */
static int
run_local(const struct cli_exec *x, const struct cli *c, const struct op *op,
          const struct part_plan *plan, const struct sweep_opts *so, struct cache *cache,
          struct runner_result *res, struct err *err)
{
    (void)x;
    (void)c;
    return runner_run_cached(op, plan, so, cache, res, err);
}

static const struct cli_exec exec_local = {run_local, NULL, 0, 0, 0, "flowsweep", NULL, NULL};

/*
 * The rows of a spilled run that prints every group: merged from sorted runs a batch at a
 * time, never held whole (the table format reads them twice: its widths, then its rows).
 */
static int
write_streamed(struct runner_result *res, FILE *f, enum out_format fmt, const struct out_opts *oo,
               struct err *err)
{
    const struct out_table *head = &res->out.table, *t;
    size_t *width = mem_calloc(head->ncols + 1, sizeof(*width));
    struct out_stream os;
    int rc = 0, more;

    memset(&os, 0, sizeof(os));
    if (fmt == OUT_FORMAT_TABLE) {
        out_widths_init(head->cols, head->ncols, width);
        while ((more = runner_rows_next(res, &t, err)) > 0)
            out_widths_add(t, width);
        rc = more < 0 ? more : runner_rows_rewind(res, err);
    }
    if (rc == 0)
        rc = out_stream_begin(&os, f, head->cols, head->ncols, width, fmt, oo, err);
    while (rc == 0 && (more = runner_rows_next(res, &t, err)) != 0)
        rc = more < 0 ? more : out_stream_rows(&os, t, err);
    if (rc == 0)
        rc = out_stream_end(&os, 0, (size_t)res->sel_passed, err);
    out_stream_fini(&os);
    mem_free(width);
    return rc;
}

/*
 * The text summary line of cli_run_job() (and its cache line): `nfiles` the planned files (as
 * the JSON summary's "planned": read, from the cache, or not opened, those among the bad).
 * Out of cli_run_job()'s frame.
 */
static void
print_summary(const struct runner_result *res, uint64_t nfiles, const struct part_plan *walked,
              size_t rows_printed, int cached, double t0)
{
    const struct sweep_stats *st = &res->sweep.stats;
    const struct out_table *table = &res->out.table;
    double el = cli_now() - t0;
    char more[64] = "";

    if (table->has_more)
        snprintf(more, sizeof(more), ", %zu more cut by --limit", table->left_out);
    fprintf(stderr,
            "flowsweep: summary: files %llu (bad %zu%s), flows %llu, records %llu (kept "
            "%llu), dns records %llu, groups %zu (shown %zu%s; %.1f MiB in tables, "
            "peak %.1f MiB, spilled %.1f MiB in %llu runs), "
            "elapsed %.2f s, %.0f flows/s, threads %d, peak memory %.0f MiB (%s)\n",
            (unsigned long long)nfiles, res->sweep.nbad, cli_passed_text(walked),
            (unsigned long long)st->flows, (unsigned long long)st->records,
            (unsigned long long)st->kept, (unsigned long long)st->dns_rrs, res->out.groups,
            rows_printed, more, (double)res->table_bytes / (1024.0 * 1024.0),
            (double)res->table_peak / (1024.0 * 1024.0),
            (double)res->spill_bytes / (1024.0 * 1024.0), (unsigned long long)res->spill_runs, el,
            el > 0 ? (double)st->flows / el : 0.0, res->ntables,
            (double)mem_peak_rss() / (1024.0 * 1024.0), mem_allocator_name());
    if (cached)
        cli_summary_cache(&res->cache);
}

/* dns-names, dns-dest, query, dns-hunt: one operation run by the engine's job runner. */
int
cli_run_job(struct cli *c, const struct cli_exec *x)
{
    struct err err;
    struct part_plan plan;
    struct job *job = mem_calloc(1, sizeof(*job));    /* 11 KB: off the stack */
    struct op *group = mem_calloc(1, sizeof(*group)); /* off the stack too */
    struct op *op = NULL;
    struct hunt_allow allow = {0};
    struct sweep_opts so;
    struct cli_progress prog;
    struct runner_result res;
    struct cache *cache = NULL;
    char *cache_text = NULL, *inputs = NULL;
    struct cli_output out;
    struct out_opts oo = {c->csv_keep_formulas};
    struct cli_summary sum;
    const struct part_plan *walked;
    double t0 = cli_now();
    int rc, code;

    err_init(&err);
    if (c->nblocks > 0) { /* only here under --shard, --partial-out, merge or flowsweep-mpi */
        mem_free(job);
        mem_free(group);
        return cli_usage_error("%s", "several --job blocks run in one process over one sweep: "
                                     "not with --shard, --partial-out, merge or flowsweep-mpi");
    }
    cli_summary_init(&sum, c->cmd == CMD_DNS_NAMES  ? "dns-names"
                           : c->cmd == CMD_DNS_DEST ? "dns-dest"
                           : c->cmd == CMD_DNS_HUNT ? "dns-hunt"
                                                    : "query");
    sum.limit = (int64_t)c->limit;
    code = cli_job_make(c, job, group, &allow, &op, &cache_text);
    if (code >= 0) {
        hunt_allow_fini(&allow);
        mem_free(job);
        mem_free(group);
        return code;
    }
    inputs = cli_job_inputs(c, job, &allow);
    c->job_inputs = inputs;
    if (x->no_plan)
        memset(&plan, 0, sizeof(plan));
    else
        code = cli_plan_inputs(c, &plan);
    sum.plan_s = cli_now() - t0;
    walked = x->walked != NULL ? x->walked : &plan;
    for (size_t i = 0; x->walked != NULL && i < walked->nskips; i++)
        cli_warn_skip(&walked->skips[i]);
    if (x->walked != NULL && walked->outside_window && c->verbose)
        LOG_INFO("%zu files outside the time window were not read", walked->outside_window);
    cli_summary_plan(&sum, c, walked);
    if (code < 0 && cli_summary_probe(c, &err) < 0) {
        cli_fatal(&err); /* before any row: the summary could not be written */
        code = EXIT_FATAL;
        goto done;
    }
    if (code < 0 &&
        cli_output_open(&out, x->quiet || x->shard ? "/dev/null" : c->output, &err) < 0) {
        cli_fatal(&err);
        code = EXIT_FATAL;
    }
    if (code >= 0) {
        code = cli_summary_finish(c, &sum, code, t0, &err);
        goto done;
    }
    code = 0;
    cli_sweep_opts_init(c, &prog, &so);
    so.tmp_dir = c->tmp_dir;
    if (so.mem_limit == 0) /* the group tables' budget: 3/4 of physical memory */
        so.mem_limit = mem_default_budget();
    if (c->cache != NULL && cache_text == NULL) {
        cli_log_escaped(LOG_WARN, "cache: ",
                        "not used: --where reads a watchlist file (@FILE), whose contents the "
                        "cache cannot check",
                        "");
    } else if (c->cache != NULL) {
        struct err warn;

        err_init(&warn);
        cache = mem_calloc(1, sizeof(*cache));
        cache_open(cache, c->cache, cache_text, OP_STATE_VERSION, &warn);
        if (warn.code != ERR_OK)
            cli_log_escaped(LOG_WARN, "cache: ", warn.msg, "");
        /* the group-by job: its whole roll-up gets a side file for this finish (side.h),
         * unless --having reads a watchlist, whose contents the finish text does not hold */
        if (op->rank != NULL && !expr_reads_file(((const struct job *)op->ctx)->having)) {
            char *fin = cli_job_finish(c, 0);

            if (fin != NULL)
                cache_set_finish(cache, fin);
            mem_free(fin);
        } else if (op->aux_suffix != NULL) {
            /* dns-hunt: its side file holds score parts made with the norms (hunt_side.h) */
            char *fin = mem_alloc(128); /* off cli_run_job()'s frame */

            snprintf(fin, 128, "dns-hunt len_norm=%a entropy_norm=%a", c->hunt.len_norm,
                     c->hunt.entropy_norm);
            cache_set_finish(cache, fin);
            mem_free(fin);
        }
    }
    rc = x->run(x, c, op, &plan, &so, cache, &res, &err);
    cli_progress_clear(&prog);
    for (size_t i = 0; i < res.ncache_warn; i++)
        cli_log_escaped(LOG_WARN, "cache: ", res.cache_warn[i], "");
    if (!x->quiet && !(c->strict && rc < 0)) /* --strict: the error names the bad file */
        cli_warn_bad_files(res.sweep.bad, res.sweep.nbad,
                           x->shard ? "counted in the partial file" : "counted");
    if (rc == 0 && x->shard && !c->quiet && !c->summary_json) {
        const struct sweep_stats *st = &res.sweep.stats;

        fprintf(stderr,
                "flowsweep: summary: shard: files %llu (bad %zu), flows %llu, records %llu "
                "(kept %llu), groups %zu (%.1f MiB in tables), elapsed %.2f s, threads %d\n",
                (unsigned long long)st->files, res.sweep.nbad, (unsigned long long)st->flows,
                (unsigned long long)st->records, (unsigned long long)st->kept,
                res.tables ? htab_count(res.tables[0]) : 0,
                (double)res.table_bytes / (1024.0 * 1024.0), cli_now() - t0, res.ntables);
    }
    if (rc == 0 && res.finished && !x->quiet) {
        const struct out_table *table = &res.out.table;
        double t_out = cli_now();

        /* The result goes out whole or not at all (-o: renamed into place on success). */
        if (runner_streams(&res))
            rc = write_streamed(&res, out.f, c->format, &oo, &err);
        else
            rc = out_write_opts(out.f, table, c->format, &oo, &err);
        if (cli_output_close(&out, rc == 0, &err) < 0 && rc == 0)
            rc = -ERR_IO;
        sum.phased = 1;
        sum.map_s = res.phases.map;
        sum.tail_s = res.sweep.tail_seconds;
        sum.merge_s = res.phases.merge;
        sum.finish_s = res.phases.finish;
        sum.output_s = cli_now() - t_out;
        sum.groups = (int64_t)res.out.groups;
        sum.tables_peak = (int64_t)res.table_peak;
        sum.spill_bytes = (int64_t)res.spill_bytes;
        sum.spill_runs = (int64_t)res.spill_runs;
        sum.mem_budget = (int64_t)so.mem_limit;
        sum.rows_printed = runner_streams(&res) ? (size_t)res.sel_passed : table->nrows;
        sum.rows_cut = table->left_out;
        if (!c->quiet && !c->summary_json)
            print_summary(&res, x->no_plan ? res.sweep.stats.files : walked->nfiles, walked,
                          (size_t)sum.rows_printed, cache != NULL, t0);
    }
    if (x->quiet || x->shard)
        cli_output_close(&out, 1, NULL);
    cli_output_close(&out, 0, NULL); /* a failed run leaves no -o file (no-op once closed) */
    if (rc < 0) {
        if (!x->quiet)
            cli_fatal(&err);
        code = EXIT_FATAL;
    } else if ((res.sweep.nbad || walked->lost) && !x->shard) {
        code =
            EXIT_PARTIAL; /* a shard's bad files and lost paths are named again, exit 3, by merge */
    }
    if (cache != NULL)
        cli_cache_verbose(c, &res.cache);
    summary_sweep(&sum, &res.sweep.stats, res.sweep.bad, res.sweep.nbad, res.ntables);
    if (!x->quiet)
        code = cli_summary_finish(c, &sum, code, t0, rc < 0 ? &err : NULL);
    if (x->code != NULL)
        code = x->code(x, code);   /* MPI: rank 0's status on every rank */
    runner_result_fini_exit(&res); /* the process exits next */
    if (cache != NULL)
        cache_close(cache);
    mem_free(cache);
done:
    cli_plan_memo_save(); /* the walk's memo, into the cache directory the run used */
    c->job_inputs = NULL;
    mem_free(inputs);
    mem_free(cache_text);
    part_plan_fini(&plan);
    if (op != group)
        hunt_op_destroy(op);
    mem_free(group);
    job_fini(job);
    mem_free(job);
    hunt_allow_fini(&allow);
    return code;
}

/* flowsweep export: the job is only its record view and --where. */
static int
run_export(struct cli *c)
{
    struct err err;
    struct job *job = mem_calloc(1, sizeof(*job)); /* 11 KB: off the stack */
    struct job_text text;
    struct part_plan plan;
    struct sweep_opts so;
    struct cli_progress prog;
    struct export_result res;
    struct rows_layout layout;
    struct cli_output out;
    struct cli_summary sum;
    double t0 = cli_now();
    int rc, code;

    err_init(&err);
    cli_summary_init(&sum, "export");
    if (cli_summary_probe(c, &err) < 0) { /* before any row, as for the other commands */
        cli_fatal(&err);
        mem_free(job);
        return EXIT_FATAL;
    }
    memset(&text, 0, sizeof(text));
    text.records = c->text.records;
    text.where = c->text.where;
    text.where_typed = c->text.where_typed;
    text.group_by = "sip"; /* job_build() wants keys; export uses none of them */
    if (job_build(job, &text, &err) < 0 ||
        rows_layout_init(&layout, c->export_format, c->export_fields, &err) < 0) {
        job_fini(job);
        mem_free(job);
        return cli_usage_error("%s", err.msg);
    }
    if (job->view == REC_DNS) {
        job_fini(job);
        mem_free(job);
        return cli_usage_error("export: --records %s is a query view (export writes flows)", "dns");
    }
    code = cli_sweep_begin(c, &sum, t0, &plan, &out);
    if (code >= 0)
        goto done;
    cli_sweep_opts_init(c, &prog, &so);
    rc = export_run(job, &layout, &plan, &so, out.f, &res, &err);
    cli_progress_clear(&prog);
    /* -o FILE: renamed into place unless the export failed (exit 1). */
    if (cli_output_close(&out, rc == 0, &err) < 0 && rc == 0)
        rc = -ERR_IO;
    if (!(c->strict && rc < 0)) /* --strict: the error names the bad file */
        cli_warn_bad_files(res.bad, res.nbad, "exported");
    if (!c->quiet && !c->summary_json) {
        double el = cli_now() - t0;

        fprintf(stderr,
                "flowsweep: summary: files %llu (bad %zu%s), flows %llu, records %llu (exported "
                "%llu), dns records %llu, elapsed %.2f s, %.0f flows/s, threads %d, peak memory "
                "%.0f MiB (%s)\n",
                (unsigned long long)plan.nfiles, res.nbad, cli_passed_text(&plan),
                (unsigned long long)res.stats.flows, (unsigned long long)res.stats.records,
                (unsigned long long)res.stats.kept, (unsigned long long)res.stats.dns_rrs, el,
                el > 0 ? (double)res.stats.flows / el : 0.0, res.threads,
                (double)mem_peak_rss() / (1024.0 * 1024.0), mem_allocator_name());
    }
    if (c->verbose)
        LOG_INFO("export: at most %zu bytes of rows held by a worker (chunks of %zu)",
                 res.peak_pending, res.chunk);
    code = rc < 0 ? EXIT_FATAL : res.nbad || plan.lost ? EXIT_PARTIAL : 0;
    if (rc < 0)
        cli_fatal(&err);
    summary_sweep(&sum, &res.stats, res.bad, res.nbad, res.threads);
    sum.rows_printed = res.stats.kept;
    code = cli_summary_finish(c, &sum, code, t0, rc < 0 ? &err : NULL);
    export_result_fini(&res);
done:
    part_plan_fini(&plan);
    job_fini(job);
    mem_free(job);
    return code;
}

static int
dispatch(int argc, char **argv, const struct cli_exec *x)
{
    /* static: the parsed command line is large (its filter texts), and clang inlines the
     * commands into main(), which put the frame over -Wframe-larger-than. */
    static struct cli c;
    int rc;

    if (x == NULL) {
        if (argc >= 2 && strcmp(argv[1], "cache") == 0)
            return cli_cache_main(argc, argv);
        if (argc >= 2 && strcmp(argv[1], "merge") == 0)
            return cli_merge_main(argc, argv);
        rc = cli_shard_main(argc, argv);
        if (rc >= 0)
            return rc;
        x = &exec_local;
    }
    rc = cli_args_parse(&c, argc, argv);

    if (rc >= 0)
        return rc;
    if (c.verbose)
        log_set_level(c.verbose > 1 ? LOG_DEBUG : LOG_INFO);
    if (x->quiet) /* MPI ranks but 0: until the job starts, rank 0 says their first error */
        log_set_level(LOG_SILENT);
    if (c.output != NULL && cli_output_looks_like_format(c.output))
        LOG_WARN("-o %s writes the results to a file named '%s' (--format chooses the format)",
                 c.output, c.output);
    if (x != &exec_local && (c.cmd == CMD_EXPORT || c.cmd == CMD_REPORT))
        rc = cli_usage_error("%s runs in one process only (not under flowsweep-mpi)",
                             c.cmd == CMD_EXPORT ? "export" : "report");
    else
        rc = c.cmd == CMD_EXPORT   ? run_export(&c)
             : c.cmd == CMD_REPORT ? cli_report_run(&c)
             : c.nblocks > 0 && x == &exec_local
                 ? cli_jobs_run(&c) /* query --job: several blocks over one sweep */
                 : cli_run_job(&c, x->run ? x : &exec_local);
    cli_args_fini(&c);
    return rc;
}

/*
 * Whatever went to stdout (rows, --show-query, --help, --version) must have
 * been written: a full disk or a closed pipe is an error (exit 1), never a
 * silent exit 0 (as GNU's close_stdout() does).
 */
static int
finish_stdout(int code)
{
    int bad = fflush(stdout) != 0;
    int e = errno;

    bad |= ferror(stdout) != 0;
    if (!bad || code == EXIT_FATAL) /* a fatal error was reported already */
        return code;
    if (e != 0) {
        char sys[128];

        if (strerror_r(e, sys, sizeof(sys)) != 0)
            snprintf(sys, sizeof(sys), "errno %d", e);
        LOG_ERR("writing standard output: %s", sys);
    } else {
        LOG_ERR("%s", "writing standard output failed");
    }
    return code == EXIT_USAGE ? code : EXIT_FATAL;
}

int
cli_main(int argc, char **argv, const struct cli_exec *x)
{
    /* Not a terminal: a 64 KiB buffer (glibc ignores the size given with a NULL one),
     * so a --help or --show-query text longer than stdio's 4 KiB default reaches
     * finish_stdout() unwritten and a failed write is reported with its cause (a write
     * failing inside fputs() loses its errno). */
    static char outbuf[1 << 16];
    int code;

    if (!isatty(STDOUT_FILENO))
        (void)setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
    errno = 0;
    code = dispatch(argc, argv, x);
    errno = 0;
    return finish_stdout(code);
}
