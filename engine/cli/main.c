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
#include "cli_progress.h"
#include "cli_report.h"
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

/* Prints a shell-quoted argument. */
static void
put_quoted(const char *s)
{
    fputc('\'', stdout);
    for (; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", stdout);
        else
            fputc(*s, stdout);
    }
    fputc('\'', stdout);
}

static void
show_query(const struct job_text *t)
{
    fputs("flowsweep query", stdout);
    fputs(" --records ", stdout);
    put_quoted(t->records ? t->records : "flows");
    if (t->bytes) {
        fputs(" --bytes ", stdout);
        put_quoted(t->bytes);
    }
    if (t->where) {
        fputs(" \\\n  --where ", stdout);
        put_quoted(t->where);
    }
    fputs(" \\\n  --group-by ", stdout);
    put_quoted(t->group_by);
    fputs(" \\\n  --agg ", stdout);
    put_quoted(t->aggs ? t->aggs : "count=count()");
    if (t->having) {
        fputs(" \\\n  --having ", stdout);
        put_quoted(t->having);
    }
    if (t->order) {
        fputs(" \\\n  --order ", stdout);
        put_quoted(t->order);
    }
    printf(" \\\n  --limit %llu PATH...\n", (unsigned long long)t->limit);
}

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

    err_init(&err);
    memset(plan, 0, sizeof(*plan));
    if (c->nargs == 0)
        return cli_usage_error("%s", "no PATH given: name files or directories to read");
    if (part_window_parse(c->start, c->end, &window, &err) < 0) {
        fprintf(stderr, "flowsweep: error: %s\n", err.msg);
        return EXIT_USAGE;
    }
    if (part_plan_build((const char *const *)c->args, (size_t)c->nargs, &window, plan, &err) < 0) {
        fatal(&err);
        return EXIT_FATAL;
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
        job_preset_dns_names(&c->names, &text, &buf);
    } else if (c->cmd == CMD_DNS_DEST) {
        c->dest.limit = c->limit;
        c->dest.src_cidrs = c->cidrs_set ? c->cidrs : "192.168.0.0/16";
        job_preset_dns_dest(&c->dest, &text, &buf);
    } else {
        text.limit = c->limit;
    }
    if (c->show_query) {
        show_query(&text);
        return 0;
    }
    if (job_build(job, &text, &err) < 0) {
        fprintf(stderr, "flowsweep: error: %s\n(try --help)\n", err.msg);
        return EXIT_USAGE;
    }
    group_op_init(group, job);
    *op = group;
    *cache_text = cache_job_text_group(job, text.where);
    return -1;
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
    double t0 = cli_now();
    int rc, code;

    err_init(&err);
    code = make_op(c, &job, &group, &allow, &op, &cache_text);
    if (code >= 0) {
        hunt_allow_fini(&allow);
        return code;
    }
    code = plan_inputs(c, &plan);
    if (code >= 0)
        goto done;
    code = 0;
    sweep_opts_init(c, &prog, &so);
    if (c->cache != NULL) {
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

        rc = out_write(stdout, table, c->format, &err);
        if (!c->quiet) {
            const struct sweep_stats *st = &res.sweep.stats;
            double el = cli_now() - t0;

            fprintf(stderr,
                    "flowsweep: summary: files %llu (bad %zu), flows %llu, records %llu (kept "
                    "%llu), dns records %llu, groups %zu (shown %zu; %.1f MiB in tables), "
                    "elapsed %.2f s, %.0f flows/s, threads %d, peak memory %.0f MiB (%s)\n",
                    (unsigned long long)st->files, res.sweep.nbad, (unsigned long long)st->flows,
                    (unsigned long long)st->records, (unsigned long long)st->kept,
                    (unsigned long long)st->dns_rrs, res.out.groups, table->nrows,
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
    if (rc < 0) {
        fatal(&err);
        code = EXIT_FATAL;
    } else if (res.sweep.nbad) {
        code = EXIT_PARTIAL;
    }
    if (cache != NULL && c->verbose && res.cache.racy)
        LOG_INFO("cache: %llu files changed less than 2 s ago were read and not cached",
                 (unsigned long long)res.cache.racy);
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

/* Opens the export's destination: -o FILE, or stdout. NULL with `err` set. */
static FILE *
export_open(const char *path, struct err *err)
{
    FILE *f;

    if (path == NULL || strcmp(path, "-") == 0)
        return stdout;
    f = fopen(path, "w");
    if (f == NULL)
        ERR_SET_ERRNO(err, errno, "cannot write %s", path);
    return f;
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
    FILE *out;
    double t0 = cli_now();
    int rc, code;

    err_init(&err);
    memset(&text, 0, sizeof(text));
    text.records = c->text.records;
    text.where = c->text.where;
    text.group_by = "sip"; /* job_build() wants keys; export uses none of them */
    if (job_build(&job, &text, &err) < 0) {
        fprintf(stderr, "flowsweep: error: %s\n(try --help)\n", err.msg);
        return EXIT_USAGE;
    }
    code = plan_inputs(c, &plan);
    if (code >= 0)
        goto done;
    out = export_open(c->output, &err);
    if (out == NULL) {
        fatal(&err);
        code = EXIT_FATAL;
        goto done;
    }
    sweep_opts_init(c, &prog, &so);
    rc = export_run(&job, c->export_format, &plan, &so, out, &res, &err);
    cli_progress_clear(&prog);
    if ((fflush(out) != 0 || (out != stdout && fclose(out) != 0)) && rc == 0)
        rc = ERR_SET_ERRNO(&err, errno, "writing %s", c->output ? c->output : "stdout");
    warn_bad_files(res.bad, res.nbad, "exported");
    if (!c->quiet) {
        double el = cli_now() - t0;

        fprintf(stderr,
                "flowsweep: summary: files %llu (bad %zu), flows %llu, records %llu (exported "
                "%llu), dns records %llu, elapsed %.2f s, %.0f flows/s, threads %d, peak memory "
                "%.0f MiB (%s)\n",
                (unsigned long long)res.stats.files, res.nbad, (unsigned long long)res.stats.flows,
                (unsigned long long)res.stats.records, (unsigned long long)res.stats.kept,
                (unsigned long long)res.stats.dns_rrs, el,
                el > 0 ? (double)res.stats.flows / el : 0.0, res.threads,
                (double)mem_peak_rss() / (1024.0 * 1024.0), mem_allocator_name());
    }
    if (c->verbose)
        LOG_INFO("export: at most %zu bytes of rows held by a worker (chunks of %zu)",
                 res.peak_pending, res.chunk);
    code = rc < 0 ? EXIT_FATAL : res.nbad ? EXIT_PARTIAL : 0;
    if (rc < 0)
        fatal(&err);
    export_result_fini(&res);
done:
    part_plan_fini(&plan);
    job_fini(&job);
    return code;
}

int
main(int argc, char **argv)
{
    struct cli c;
    int rc;

    if (argc >= 2 && strcmp(argv[1], "cache") == 0)
        return cli_cache_main(argc, argv);
    rc = cli_args_parse(&c, argc, argv);

    if (rc >= 0)
        return rc;
    if (c.verbose)
        log_set_level(c.verbose > 1 ? LOG_DEBUG : LOG_INFO);
    if (c.cmd == CMD_EXPORT)
        return run_export(&c);
    if (c.cmd == CMD_REPORT)
        return cli_report_run(&c);
    return run(&c);
}
