/*
 * cli_jobs.c - flowsweep query with several --job blocks; see cli_jobs.h.
 *
 * Each block is built as `flowsweep query` alone builds its options (the same
 * job text, the same cache key), and all of them are run by one sweep
 * (runner_run_many(), or runner_run_many_cached() with --cache): each file is
 * read and decoded once, its flows folded by every block into that block's own
 * tables, which are merged and finished apart. Each block's rows are then
 * written in turn: to its own -o FILE, else to stdout under a heading line
 * (table format only: a CSV or JSON stream takes no heading).
 */
#include "cli_jobs.h"

#include <stdio.h>
#include <string.h>

#include "cache.h"
#include "cli_output.h"
#include "cli_progress.h"
#include "cli_summary.h"
#include "cli_sweep.h"
#include "cli_usage.h"
#include "group.h"
#include "job.h"
#include "log.h"
#include "mem.h"
#include "runner.h"

/* A usage error naming block `b` (0-based). */
static int
block_error(size_t b, const char *msg)
{
    char buf[ERR_MSG_LEN + 64];

    snprintf(buf, sizeof(buf), "--job block %zu: %s", b + 1, msg);
    return cli_usage_error("%s", buf);
}

/* The checks of the command line that hold for several blocks only. -1, or the exit code. */
static int
check_blocks(const struct cli *c)
{
    size_t to_stdout = 0;

    if (c->summary_json)
        return cli_usage_error("%s", "--summary json takes one query: it does not apply with "
                                     "several --job blocks");
    if (c->tmp_dir != NULL)
        return cli_usage_error("%s", "several --job blocks do not spill to --tmp-dir: they stop "
                                     "at --mem-limit; run the blocks apart to spill");
    for (size_t b = 0; b < c->nblocks; b++) {
        const char *o = c->blocks[b].output;

        if (o == NULL || strcmp(o, "-") == 0)
            to_stdout++;
        for (size_t k = 0; k < b && o != NULL && strcmp(o, "-") != 0; k++)
            if (c->blocks[k].output != NULL && strcmp(c->blocks[k].output, o) == 0)
                return block_error(b, "its -o names the file of an earlier block");
    }
    if (to_stdout > 1 && c->format != OUT_FORMAT_TABLE)
        return cli_usage_error("%s", "--format csv or json with several --job blocks: give each "
                                     "block but one its own -o FILE (one stream per output)");
    return -1;
}

/* Writes the result of block `b` (its rows, under a heading when `heading`). 0 or -code. */
static int
write_block(const struct cli *c, size_t b, const struct runner_result *res, int heading,
            struct err *err)
{
    struct cli_output out;
    struct out_opts oo = {c->csv_keep_formulas};
    int rc;

    if (cli_output_open(&out, c->blocks[b].output, err) < 0)
        return -ERR_IO;
    if (heading)
        fprintf(out.f, "== --job block %zu ==\n", b + 1);
    rc = out_write_opts(out.f, &res->out.table, c->format, &oo, err);
    if (cli_output_close(&out, rc == 0, err) < 0 && rc == 0)
        rc = -ERR_IO;
    return rc;
}

int
cli_jobs_run(struct cli *c)
{
    size_t n = c->nblocks;
    struct job *jobs = mem_calloc(n, sizeof(*jobs));
    struct op *groups = mem_calloc(n, sizeof(*groups));
    const struct op **ops = mem_calloc(n, sizeof(*ops));
    char **cache_text = mem_calloc(n, sizeof(*cache_text));
    struct cache **caches = mem_calloc(n, sizeof(*caches));
    struct runner_result *res = mem_calloc(n, sizeof(*res));
    struct part_plan plan;
    struct sweep_opts so;
    struct cli_progress prog;
    struct cli_summary sum;
    struct err err;
    size_t nstdout = 0;
    double t0 = cli_now();
    int code = -1, rc = 0, cached = c->cache != NULL, ran = 0;

    err_init(&err);
    memset(&plan, 0, sizeof(plan));
    cli_summary_init(&sum, "query");
    code = check_blocks(c);
    for (size_t b = 0; b < n && code < 0; b++) { /* each block: as `query` alone builds it */
        struct job_text text = c->blocks[b].text;

        text.limit = c->blocks[b].limit;
        if (job_build(&jobs[b], &text, &err) < 0) { /* --show-query too: only a job that runs */
            code = block_error(b, err.msg);
            break;
        }
        if (c->show_query)
            continue;                   /* printed once every block is built */
        jobs[b].time_cells = !c->epoch; /* ISO 8601 unless --epoch */
        group_op_init(&groups[b], &jobs[b]);
        ops[b] = &groups[b];
        /* a watchlist's contents are not in the job text: such a job is never cached */
        if (expr_reads_file(jobs[b].where)) /* from the parsed --where, not its text */
            cached = 0;
        else
            cache_text[b] = cache_job_text_group(&jobs[b], text.where);
        nstdout += c->blocks[b].output == NULL || strcmp(c->blocks[b].output, "-") == 0;
    }
    if (code < 0 && c->show_query) {
        for (size_t b = 0; b < n; b++) {
            struct job_text text = c->blocks[b].text;

            text.limit = c->blocks[b].limit;
            cli_show_query(c, &text);
        }
        code = 0; /* main() checks that stdout was written */
    }
    if (code >= 0)
        goto done;
    code = cli_plan_inputs(c, &plan);
    cli_summary_plan(&sum, c, &plan);
    if (code >= 0) {
        code = cli_summary_finish(c, &sum, code, t0, &err);
        goto done;
    }
    code = 0;
    cli_sweep_opts_init(c, &prog, &so);
    if (so.mem_limit == 0) /* the group tables' budget: 3/4 of physical memory */
        so.mem_limit = mem_default_budget();
    if (c->cache != NULL && !cached)
        cli_log_escaped(LOG_WARN, "cache: ",
                        "not used: a block's --where reads a watchlist file (@FILE), whose "
                        "contents the cache cannot check",
                        "");
    for (size_t b = 0; b < n && cached; b++) { /* a cache per block, keyed as the query alone */
        struct err warn;

        err_init(&warn);
        caches[b] = mem_calloc(1, sizeof(*caches[b]));
        cache_open(caches[b], c->cache, cache_text[b], OP_STATE_VERSION, &warn);
        if (warn.code != ERR_OK && b == 0) /* the same directory: say it once */
            cli_log_escaped(LOG_WARN, "cache: ", warn.msg, "");
    }
    rc = runner_run_many_cached(ops, n, &plan, &so, cached ? (struct cache *const *)caches : NULL,
                                res, &err);
    ran = 1;
    cli_progress_clear(&prog);
    for (size_t i = 0; i < res[0].ncache_warn; i++)
        cli_log_escaped(LOG_WARN, "cache: ", res[0].cache_warn[i], "");
    if (!(c->strict && rc < 0)) /* --strict: the error names the bad file */
        cli_warn_bad_files(res[0].sweep.bad, res[0].sweep.nbad, "counted");
    for (size_t b = 0; b < n && rc == 0; b++) {
        if (!res[b].finished)
            continue;
        rc = write_block(c, b, &res[b], nstdout > 1 && c->blocks[b].output == NULL, &err);
    }
    if (rc == 0 && !c->quiet) {
        double el = cli_now() - t0;

        for (size_t b = 0; b < n; b++) {
            const struct out_table *t = &res[b].out.table;
            char more[64] = "";

            if (t->has_more)
                snprintf(more, sizeof(more), ", %zu more cut by --limit", t->left_out);
            fprintf(stderr,
                    "flowsweep: summary: --job block %zu: records %llu (kept %llu), groups %zu "
                    "(shown %zu%s; %.1f MiB in tables)\n",
                    b + 1, (unsigned long long)res[b].sweep.stats.records,
                    (unsigned long long)res[b].sweep.stats.kept, res[b].out.groups, t->nrows, more,
                    (double)res[b].table_bytes / (1024.0 * 1024.0));
        }
        cli_sweep_many_summary("", &res[0], n, &plan, el, cached);
    }
    if (rc < 0) {
        cli_fatal(&err);
        code = EXIT_FATAL;
    } else if (res[0].sweep.nbad || plan.lost) {
        code = EXIT_PARTIAL;
    }
    if (cached)
        cli_cache_verbose(c, &res[0].cache);
done:
    cli_plan_memo_save(); /* the walk's memo (--cache) */
    for (size_t b = 0; b < n; b++) {
        if (ran)
            runner_result_fini(&res[b]);
        if (caches[b] != NULL) {
            cache_close(caches[b]);
            mem_free(caches[b]);
        }
        mem_free(cache_text[b]);
        job_fini(&jobs[b]); /* a zeroed or half-built job too */
    }
    part_plan_fini(&plan);
    mem_free(res);
    mem_free(caches);
    mem_free(cache_text);
    mem_free(ops);
    mem_free(groups);
    mem_free(jobs);
    return code;
}
