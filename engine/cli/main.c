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
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "cache.h"
#include "cli_args.h"
#include "cli_cache.h"
#include "cli_output.h"
#include "cli_progress.h"
#include "cli_report.h"
#include "cli_summary.h"
#include "cli_usage.h"
#include "domain.h"
#include "esc.h"
#include "export.h"
#include "group.h"
#include "hunt_op.h"
#include "job.h"
#include "log.h"
#include "mem.h"
#include "out.h"
#include "part_plan.h"
#include "part_window.h"
#include "runner.h"

/* Prints `text` escaped (paths and messages may hold attacker-chosen bytes) at `level`. */
static void
log_escaped(enum log_level level, const char *prefix, const char *text, const char *suffix)
{
    size_t len = strlen(text);
    size_t need = esc_len((const uint8_t *)text, len) + 1;
    char *buf = mem_alloc(need);

    esc_bytes(buf, need, (const uint8_t *)text, len);
    log_msg(level, "%s%s%s", prefix, buf, suffix);
    mem_free(buf);
}

/* A fatal error: "flowsweep: error: MESSAGE" (docs/errors.md). */
static void
fatal(const struct err *err)
{
    log_escaped(LOG_ERROR, "", err->msg, "");
}

/* Plans the PATHs (time window, walk, skips, each skip warned). Returns -1 to go on, or an exit
 * code. */
static int
plan_inputs(const struct cli *c, struct part_plan *plan)
{
    struct err err;
    struct part_window window;
    struct part_filter filter = {c->include, c->ninclude, c->exclude, c->nexclude};

    err_init(&err);
    memset(plan, 0, sizeof(*plan));
    if (c->nargs == 0)
        return cli_usage_error("%s", "no PATH given: name files or directories to read");
    if (part_window_parse(c->start, c->end, &window, &err) < 0) {
        fprintf(stderr, "flowsweep: error: %s\n", err.msg);
        return EXIT_USAGE;
    }
    for (int i = 0; (c->start || c->end) && i < c->nargs; i++)
        if (strcmp(c->args[i], PART_STDIN) == 0)
            return cli_usage_error("%s", "--start/--end choose files by the hour in their path; "
                                         "standard input (-) has none");
    if (part_plan_build_filtered((const char *const *)c->args, (size_t)c->nargs, &window, &filter,
                                 plan, &err) < 0) {
        fatal(&err);
        return EXIT_FATAL;
    }
    if (c->cmd == CMD_EXPORT)
        part_plan_order_by_time(plan); /* export writes files in time order */
    for (size_t i = 0; i < plan->npassed && c->verbose; i++) {
        char suffix[128];

        snprintf(suffix, sizeof(suffix), ": passed over: %s", plan->passed[i].why);
        log_escaped(LOG_INFO, "", plan->passed[i].path, suffix);
    }
    for (size_t i = 0; i < plan->nskips; i++) {
        char suffix[128];

        snprintf(suffix, sizeof(suffix), ": skipped: %s", plan->skips[i].why);
        log_escaped(LOG_WARN, "", plan->skips[i].path, suffix);
    }
    if (plan->outside_window && c->verbose)
        LOG_INFO("%zu files outside the time window were not read", plan->outside_window);
    if (plan->nfiles == 0)
        LOG_WARN("no input files to read%s", plan->outside_window ? " in the time window" : "");
    return -1;
}

/* The sweep options of the command line, with the progress line when wanted. */
static void
sweep_opts_init(const struct cli *c, struct cli_progress *prog, struct sweep_opts *so)
{
    int progress_on = !c->quiet && c->progress && strcmp(c->progress, "always") == 0;

    if (!c->quiet && (!c->progress || strcmp(c->progress, "auto") == 0))
        progress_on = isatty(STDERR_FILENO);
    cli_progress_init(prog, progress_on);
    memset(so, 0, sizeof(*so));
    so->threads = c->threads;
    so->strict = c->strict;
    so->mem_limit = c->mem_limit;
    so->source = c->source;
    so->progress = cli_progress_update;
    so->progress_ctx = prog;
}

static void
warn_bad_files(const struct sweep_bad *bad, size_t nbad, const char *what)
{
    for (size_t i = 0; i < nbad; i++) {
        char suffix[160];

        snprintf(suffix, sizeof(suffix), " (%llu flows before the damage were %s)",
                 (unsigned long long)bad[i].flows_kept, what);
        log_escaped(LOG_WARN, "", bad[i].msg, suffix);
    }
}

/*
 * The operation of the command: dns-hunt's, or the group-by job of a preset
 * or query text (built into `job`). Returns -1 to go on, or an exit code.
 */
/*
 * dns-hunt's state-shaping text for the cache: its key, the --allow list (names left out
 * while folding), the Public Suffix List file, the size of its state. --baseline, the
 * norms and --min-names act on the merged table only.
 */
static char *
hunt_cache_text(const struct cli *c, const struct hunt_allow *allow, const struct op *op)
{
    static const char *const by[] = {"domain", "domain,source", "server", "client"};
    XXH3_state_t *h = XXH3_createState();
    struct stat st;
    char buf[320];

    XXH3_64bits_reset(h);
    for (size_t i = 0; c->allow != NULL && i < allow->n; i++)
        XXH3_64bits_update(h, allow->s[i], strlen(allow->s[i]) + 1);
    if (stat(DOMAIN_PSL_FILE, &st) != 0)
        memset(&st, 0, sizeof(st));
    snprintf(buf, sizeof(buf), "dns-hunt by=%s allow=%zu:%016llx state=%u psl=%lld:%lld.%09ld",
             c->hunt.by < 4 ? by[c->hunt.by] : "?", c->allow != NULL ? allow->n : 0,
             (unsigned long long)XXH3_64bits_digest(h), op->val_len, (long long)st.st_size,
             (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    XXH3_freeState(h);
    return mem_strdup(buf);
}

static int
make_op(struct cli *c, struct job *job, struct op *group, struct hunt_allow *allow, struct op **op,
        char **cache_text)
{
    struct job_text text = c->text;
    struct job_text_buf buf;
    struct err err;
    int rc;

    err_init(&err);
    memset(job, 0, sizeof(*job));
    if (c->cmd == CMD_DNS_HUNT) {
        if (c->show_query)
            return cli_usage_error("%s",
                                   "dns-hunt is not a query preset: --show-query does not apply");
        struct hunt_opts o = c->hunt;
        int code = cli_hunt_options(c, &o, allow, &err);

        if (code >= 0)
            return code;
        *op = hunt_op_create(&o, c->limit, &err);
        if (*op == NULL) {
            fatal(&err);
            return EXIT_FATAL;
        }
        *cache_text = hunt_cache_text(c, allow, *op);
        return -1;
    }
    if (c->cmd == CMD_DNS_NAMES) {
        c->names.limit = c->limit;
        rc = job_preset_dns_names(&c->names, c->text.where, &text, &buf, &err);
    } else if (c->cmd == CMD_DNS_DEST) {
        c->dest.limit = c->limit;
        c->dest.src_cidrs = c->cidrs_set ? c->cidrs : "192.168.0.0/16";
        rc = job_preset_dns_dest(&c->dest, c->text.where, &text, &buf, &err);
    } else {
        rc = 0;
        text.limit = c->limit;
    }
    if (rc < 0) {
        fprintf(stderr, "flowsweep: error: %s\n(try --help)\n", err.msg);
        return EXIT_USAGE;
    }
    if (c->show_query) {
        cli_show_query(c, &text);
        return fflush(stdout) != 0 || ferror(stdout) ? EXIT_FATAL : 0;
    }
    if (job_build(job, &text, &err) < 0)
        return cli_usage_error("%s", err.msg);
    group_op_init(group, job);
    *op = group;
    /* a watchlist's contents are not in the job text: such a job is never cached */
    if (text.where == NULL || strchr(text.where, '@') == NULL)
        *cache_text = cache_job_text_group(job, text.where);
    return -1;
}

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

/* Files the walk passed over, for the text summary: ", passed over N" or "". */
static const char *
passed_text(const struct part_plan *plan)
{
    static char buf[48]; /* main thread only */

    if (plan->npassed == 0)
        return "";
    snprintf(buf, sizeof(buf), ", passed over %zu", plan->npassed);
    return buf;
}

/* dns-names, dns-dest, query, dns-hunt: one operation run by the engine's job runner. */
static int
run(struct cli *c)
{
    struct err err;
    struct part_plan plan;
    struct job job;
    struct op group;
    struct op *op = NULL;
    struct hunt_allow allow = {0};
    struct sweep_opts so;
    struct cli_progress prog;
    struct runner_result res;
    struct cache *cache = NULL;
    char *cache_text = NULL;
    struct cli_output out;
    struct out_opts oo = {c->csv_keep_formulas};
    struct cli_summary sum;
    double t0 = cli_now();
    int rc, code;

    err_init(&err);
    cli_summary_init(&sum, c->cmd == CMD_DNS_NAMES  ? "dns-names"
                           : c->cmd == CMD_DNS_DEST ? "dns-dest"
                           : c->cmd == CMD_DNS_HUNT ? "dns-hunt"
                                                    : "query");
    sum.limit = (int64_t)c->limit;
    code = make_op(c, &job, &group, &allow, &op, &cache_text);
    if (code >= 0) {
        hunt_allow_fini(&allow);
        return code;
    }
    code = plan_inputs(c, &plan);
    cli_summary_plan(&sum, c, &plan);
    if (code < 0 && cli_output_open(&out, c->output, &err) < 0) {
        fatal(&err);
        code = EXIT_FATAL;
    }
    if (code >= 0) {
        code = cli_summary_finish(c, &sum, code, t0, &err);
        goto done;
    }
    code = 0;
    sweep_opts_init(c, &prog, &so);
    if (c->cache != NULL && cache_text == NULL) {
        log_escaped(LOG_WARN, "cache: ",
                    "not used: --where reads a watchlist file (@FILE), whose contents the "
                    "cache cannot check",
                    "");
    } else if (c->cache != NULL) {
        struct err warn;

        err_init(&warn);
        cache = mem_calloc(1, sizeof(*cache));
        cache_open(cache, c->cache, cache_text, OP_STATE_VERSION, &warn);
        if (warn.code != ERR_OK)
            log_escaped(LOG_WARN, "cache: ", warn.msg, "");
    }
    rc = runner_run_cached(op, &plan, &so, cache, &res, &err);
    cli_progress_clear(&prog);
    for (size_t i = 0; i < res.ncache_warn; i++)
        log_escaped(LOG_WARN, "cache: ", res.cache_warn[i], "");
    warn_bad_files(res.sweep.bad, res.sweep.nbad, "counted");
    if (rc == 0) {
        const struct out_table *table = &res.out.table;

        /* The result goes out whole or not at all (-o: renamed into place on success). */
        rc = out_write_opts(out.f, table, c->format, &oo, &err);
        if (cli_output_close(&out, rc == 0, &err) < 0 && rc == 0)
            rc = -ERR_IO;
        sum.groups = (int64_t)res.out.groups;
        sum.rows_printed = table->nrows;
        sum.rows_cut = table->has_more;
        if (!c->quiet && !c->summary_json) {
            const struct sweep_stats *st = &res.sweep.stats;
            double el = cli_now() - t0;

            fprintf(stderr,
                    "flowsweep: summary: files %llu (bad %zu%s), flows %llu, records %llu (kept "
                    "%llu), dns records %llu, groups %zu (shown %zu%s; %.1f MiB in tables), "
                    "elapsed %.2f s, %.0f flows/s, threads %d, peak memory %.0f MiB (%s)\n",
                    (unsigned long long)st->files, res.sweep.nbad, passed_text(&plan),
                    (unsigned long long)st->flows, (unsigned long long)st->records,
                    (unsigned long long)st->kept, (unsigned long long)st->dns_rrs, res.out.groups,
                    table->nrows, table->has_more ? ", more cut by --limit" : "",
                    (double)res.table_bytes / (1024.0 * 1024.0), el,
                    el > 0 ? (double)st->flows / el : 0.0, res.ntables,
                    (double)mem_peak_rss() / (1024.0 * 1024.0), mem_allocator_name());
            if (cache != NULL)
                fprintf(stderr,
                        "flowsweep: summary: cache: %llu files from partials, %llu read, %llu "
                        "partials written (%.1f MiB)\n",
                        (unsigned long long)res.cache.from_partials,
                        (unsigned long long)res.cache.read, (unsigned long long)res.cache.written,
                        (double)res.cache.written_bytes / (1024.0 * 1024.0));
        }
    }
    cli_output_close(&out, 0, NULL); /* a failed run leaves no -o file (no-op once closed) */
    if (rc < 0) {
        fatal(&err);
        code = EXIT_FATAL;
    } else if (res.sweep.nbad) {
        code = EXIT_PARTIAL;
    }
    if (cache != NULL && c->verbose && res.cache.racy)
        LOG_INFO("cache: %llu files changed less than 2 s ago were read and not cached",
                 (unsigned long long)res.cache.racy);
    summary_sweep(&sum, &res.sweep.stats, res.sweep.bad, res.sweep.nbad, res.ntables);
    code = cli_summary_finish(c, &sum, code, t0, rc < 0 ? &err : NULL);
    runner_result_fini(&res);
    if (cache != NULL)
        cache_close(cache);
    mem_free(cache);
done:
    mem_free(cache_text);
    part_plan_fini(&plan);
    if (op != &group)
        hunt_op_destroy(op);
    job_fini(&job);
    hunt_allow_fini(&allow);
    return code;
}

/* flowsweep export: the job is only its record view and --where. */
static int
run_export(struct cli *c)
{
    struct err err;
    struct job job;
    struct job_text text;
    struct part_plan plan;
    struct sweep_opts so;
    struct cli_progress prog;
    struct export_result res;
    struct cli_output out;
    struct cli_summary sum;
    double t0 = cli_now();
    int rc, code;

    err_init(&err);
    cli_summary_init(&sum, "export");
    memset(&text, 0, sizeof(text));
    text.records = c->text.records;
    text.where = c->text.where;
    text.group_by = "sip"; /* job_build() wants keys; export uses none of them */
    if (job_build(&job, &text, &err) < 0)
        return cli_usage_error("%s", err.msg);
    code = plan_inputs(c, &plan);
    cli_summary_plan(&sum, c, &plan);
    if (code < 0 && cli_output_open(&out, c->output, &err) < 0) {
        fatal(&err);
        code = EXIT_FATAL;
    }
    if (code >= 0) {
        code = cli_summary_finish(c, &sum, code, t0, &err);
        goto done;
    }
    sweep_opts_init(c, &prog, &so);
    rc = export_run(&job, c->export_format, &plan, &so, out.f, &res, &err);
    cli_progress_clear(&prog);
    /* -o FILE: renamed into place unless the export failed (exit 1). */
    if (cli_output_close(&out, rc == 0, &err) < 0 && rc == 0)
        rc = -ERR_IO;
    warn_bad_files(res.bad, res.nbad, "exported");
    if (!c->quiet && !c->summary_json) {
        double el = cli_now() - t0;

        fprintf(stderr,
                "flowsweep: summary: files %llu (bad %zu%s), flows %llu, records %llu (exported "
                "%llu), dns records %llu, elapsed %.2f s, %.0f flows/s, threads %d, peak memory "
                "%.0f MiB (%s)\n",
                (unsigned long long)res.stats.files, res.nbad, passed_text(&plan),
                (unsigned long long)res.stats.flows, (unsigned long long)res.stats.records,
                (unsigned long long)res.stats.kept, (unsigned long long)res.stats.dns_rrs, el,
                el > 0 ? (double)res.stats.flows / el : 0.0, res.threads,
                (double)mem_peak_rss() / (1024.0 * 1024.0), mem_allocator_name());
    }
    if (c->verbose)
        LOG_INFO("export: at most %zu bytes of rows held by a worker (chunks of %zu)",
                 res.peak_pending, res.chunk);
    code = rc < 0 ? EXIT_FATAL : res.nbad ? EXIT_PARTIAL : 0;
    if (rc < 0)
        fatal(&err);
    summary_sweep(&sum, &res.stats, res.bad, res.nbad, res.threads);
    sum.rows_printed = res.stats.kept;
    code = cli_summary_finish(c, &sum, code, t0, rc < 0 ? &err : NULL);
    export_result_fini(&res);
done:
    part_plan_fini(&plan);
    job_fini(&job);
    return code;
}

int
main(int argc, char **argv)
{
    /* static: the parsed command line is large (its filter texts), and clang inlines the
     * commands into main(), which put the frame over -Wframe-larger-than. */
    static struct cli c;
    int rc;

    if (argc >= 2 && strcmp(argv[1], "cache") == 0)
        return cli_cache_main(argc, argv);
    rc = cli_args_parse(&c, argc, argv);

    if (rc >= 0)
        return rc;
    if (c.verbose)
        log_set_level(c.verbose > 1 ? LOG_DEBUG : LOG_INFO);
    if (c.output != NULL && cli_output_looks_like_format(c.output))
        LOG_WARN("-o %s writes the results to a file named '%s' (--format chooses the format)",
                 c.output, c.output);
    rc = c.cmd == CMD_EXPORT ? run_export(&c) : c.cmd == CMD_REPORT ? cli_report_run(&c) : run(&c);
    cli_args_fini(&c);
    return rc;
}
