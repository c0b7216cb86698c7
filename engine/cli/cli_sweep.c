/*
 * cli_sweep.c - see cli_sweep.h.
 */
#include "cli_sweep.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "cli_usage.h"
#include "esc.h"
#include "mem.h"
#include "part_hour.h"
#include "part_memo.h"

/* Prints `text` escaped (paths and messages may hold attacker-chosen bytes) at `level`. */
void
cli_log_escaped(enum log_level level, const char *prefix, const char *text, const char *suffix)
{
    size_t len = strlen(text);
    size_t need = esc_len((const uint8_t *)text, len) + 1;
    char *buf = mem_alloc(need);

    esc_bytes(buf, need, (const uint8_t *)text, len);
    log_msg(level, "%s%s%s", prefix, buf, suffix);
    mem_free(buf);
}

/* A fatal error: "flowsweep: error: MESSAGE" (docs/errors.md). */
void
cli_fatal(const struct err *err)
{
    cli_log_escaped(LOG_ERROR, "", err->msg, "");
}

/* Plans the PATHs (time window, walk, skips, each skip warned). Returns -1 to go on, or an exit
 * code. */
int
cli_check_outputs(struct cli *c, const struct part_plan *plan, const char *const *ins, size_t nins)
{
    size_t nouts = 0, nall = 0, nfiles = plan != NULL ? plan->nfiles : 0;
    struct cli_output_use *outs = mem_calloc(c->nblocks + 4, sizeof(*outs));
    char(*names)[48] = mem_calloc(c->nblocks + 1, sizeof(*names));
    const char **all = mem_calloc((size_t)c->nargs + nfiles + nins + 1, sizeof(*all));
    struct err err;
    int rc;

    err_init(&err);
    outs[nouts++] = (struct cli_output_use){"-o", c->output};
    for (size_t b = 0; b < c->nblocks; b++) {
        snprintf(names[b], sizeof(names[b]), "--job block %zu's -o", b + 1);
        outs[nouts++] = (struct cli_output_use){names[b], c->blocks[b].output};
    }
    if (c->summary_json)
        outs[nouts++] = (struct cli_output_use){"--summary-file", c->summary_file};
    outs[nouts++] = (struct cli_output_use){"--partial-out", c->partial_out};
    for (int i = 0; i < c->nargs; i++)
        all[nall++] = c->args[i];
    for (size_t i = 0; i < nfiles; i++)
        all[nall++] = plan->files[i].path;
    for (size_t i = 0; i < nins; i++)
        all[nall++] = ins[i];
    rc = cli_output_clash(outs, nouts, all, nall, &err);
    if (rc == 0 && c->cache != NULL) {
        /* the cache directory is written too: an output naming it would fail at the end,
         * after the whole sweep (outputs only: a cache inside a PATH is the cache's affair) */
        outs[nouts++] = (struct cli_output_use){"--cache", c->cache};
        rc = cli_output_clash(outs, nouts, NULL, 0, &err);
    }
    mem_free(all);
    mem_free(names);
    mem_free(outs);
    if (rc == 0)
        return -1;
    c->summary_file = NULL; /* the summary of this usage error: on stderr, replacing nothing */
    return cli_usage_error("%s", err.msg);
}

/*
 * warn_unmatched() - a --exclude / --include glob that matched no file the walk found
 * (`hit`: exclude's bytes, then include's) is said: it excluded (or took) nothing, most
 * likely because a glob with '/' is matched against the whole path as walked, which starts
 * with the PATH argument ('2024/05/01/03/\*' never matches 'repo/2024/05/01/03/x.yaf').
 */
static void
warn_unmatched(const struct cli *c, const struct part_plan *plan, const unsigned char *hit)
{
    const char *example = plan->nfiles > 0    ? plan->files[0].path
                          : plan->npassed > 0 ? plan->passed[0].path
                                              : NULL;

    for (size_t i = 0; i < c->nexclude + c->ninclude; i++) {
        int ex = i < c->nexclude;
        const char *glob = ex ? c->exclude[i] : c->include[i - c->nexclude];
        int slash = strchr(glob, '/') != NULL;
        size_t len = strlen(glob), need = esc_len((const uint8_t *)glob, len) + 1;
        char *prefix = mem_alloc(need + 256);
        int n = snprintf(prefix, 32, "--%s '", ex ? "exclude" : "include");

        if (hit[i]) {
            mem_free(prefix);
            continue;
        }
        esc_bytes(prefix + n, need, (const uint8_t *)glob, len); /* never raw: user text */
        n += (int)strlen(prefix + n);
        snprintf(prefix + n, 256, "' matched no file: it %s nothing%s", ex ? "excluded" : "took",
                 !slash ? ""
                 : example != NULL
                     ? " (a glob with '/' is matched against the whole path as walked, "
                       "such as '"
                     : " (a glob with '/' is matched against the whole path as walked, which "
                       "starts with the PATH argument: start it with '*/')");
        if (slash && example != NULL)
            cli_log_escaped(LOG_WARN, prefix, example, "': start it with '*/')");
        else
            LOG_WARN("%s", prefix);
        mem_free(prefix);
    }
}

/*
 * warn_baseline() - dns-hunt's --baseline against the hours of the files planned, when every
 * file has one: a baseline that ends after the last of them leaves no group that can be new
 * (new = 0 in every row), one that ends before the first holds no flow (new = 1 in every row).
 * Either is most likely a wrong date: said, not left silent (docs/dns-hunt.md). A baseline
 * outside --start/--end is refused with the options (cli_hunt_options()).
 */
static void
warn_baseline(const struct cli *c, const struct part_plan *plan)
{
    struct part_window bw;
    struct err err;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    char hour[PART_HOUR_TEXT_LEN], suffix[192];

    err_init(&err);
    if (c->cmd != CMD_DNS_HUNT || c->baseline == NULL || plan->nfiles == 0 ||
        cli_baseline_parse(c->baseline, &bw, &err) < 0)
        return;
    for (size_t i = 0; i < plan->nfiles; i++) {
        if (plan->files[i].hour == PART_HOUR_UNKNOWN)
            return; /* a file of unknown hour may hold any time */
        lo = plan->files[i].hour < lo ? plan->files[i].hour : lo;
        hi = plan->files[i].hour > hi ? plan->files[i].hour : hi;
    }
    if (bw.end_ms >= (hi + 3600) * 1000)
        snprintf(suffix, sizeof(suffix),
                 " ends after the last hour of the files read (%s): no group can be first seen "
                 "after it, so new is 0 in every row",
                 part_hour_format(hi, hour));
    else if (bw.end_ms <= lo * 1000)
        snprintf(suffix, sizeof(suffix),
                 " ends before the first hour of the files read (%s): the baseline holds no "
                 "flow, so new is 1 in every row",
                 part_hour_format(lo, hour));
    else
        return;
    cli_log_escaped(LOG_WARN, "--baseline ", c->baseline, suffix);
}

/*
 * The walk's memo of directory listings in the cache directory (part_memo.h): loaded
 * before the walk (a damaged one is named and ignored), saved when the run is over
 * (cli_plan_memo_save()). It only saves work: failing to read or write it is not
 * reported (an unusable cache directory is, by the cache).
 */
static struct part_memo *
memo_open(const struct cli *c, char **path)
{
    size_t n = strlen(c->cache) + sizeof("/" PART_MEMO_NAME);
    struct part_memo *m;
    struct err warn;

    err_init(&warn);
    *path = mem_alloc(n);
    snprintf(*path, n, "%s/%s", c->cache, PART_MEMO_NAME);
    m = part_memo_load(*path, &warn);
    if (warn.code != ERR_OK) {
        char suffix[ERR_MSG_LEN + 64];

        snprintf(suffix, sizeof(suffix), ": %s; every directory is read", warn.msg);
        cli_log_escaped(LOG_WARN, "cache: the walk memo ", *path, suffix);
    }
    return m;
}

/* The walk's memo until the run is over (cli_plan_memo_save()); a global, one walk at a time. */
static struct part_memo *walk_memo;
static char *walk_memo_path;
static int walk_memo_verbose;

void
cli_plan_memo_save(void)
{
    struct err err;
    struct stat st;
    size_t loaded, hits, puts;
    char *dir;

    if (walk_memo == NULL)
        return;
    err_init(&err);
    part_memo_stats(walk_memo, &loaded, &hits, &puts);
    if (walk_memo_verbose)
        LOG_INFO("cache: walk memo: %zu directories listed from it, %zu read and kept (%zu "
                 "held)",
                 hits, puts, loaded);
    /* Only into a cache directory that exists (the cache made it, or says why it could
     * not): a run stopped before it used the cache leaves no directory behind. */
    dir = mem_strdup(walk_memo_path);
    *strrchr(dir, '/') = '\0';
    if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
        part_memo_save(walk_memo, walk_memo_path, &err) < 0 && walk_memo_verbose)
        cli_log_escaped(LOG_INFO, "cache: the walk memo not saved: ", err.msg, "");
    mem_free(dir);
    part_memo_free(walk_memo);
    mem_free(walk_memo_path);
    walk_memo = NULL;
    walk_memo_path = NULL;
}

int
cli_plan_inputs(struct cli *c, struct part_plan *plan)
{
    struct err err;
    struct part_window window;
    unsigned char *hit;

    err_init(&err);
    memset(plan, 0, sizeof(*plan));
    if (c->nargs == 0)
        return cli_usage_error("%s", "no PATH given: name files or directories to read");
    if (part_window_parse(c->start, c->end, &window, &err) < 0) {
        if (!cli_usage_is_quiet())
            cli_fatal(&err); /* it echoes the argument: escaped */
        return EXIT_USAGE;
    }
    /* which --include/--exclude globs matched a file (allocated once nothing can return early) */
    hit = mem_calloc(c->ninclude + c->nexclude + 1, 1);
    struct part_filter filter = {c->include,  c->ninclude,       c->exclude,
                                 c->nexclude, hit + c->nexclude, hit};

    cli_plan_memo_save(); /* a walk before this one (never twice in one run today) */
    if (c->cache != NULL && c->cache[0] != '\0') {
        cache_tag_dir(c->cache); /* before the walk: a cache made untagged is never input */
        walk_memo = memo_open(c, &walk_memo_path);
        walk_memo_verbose = c->verbose;
    }
    if (part_plan_build_memo((const char *const *)c->args, (size_t)c->nargs, &window, &filter,
                             walk_memo, plan, &err) < 0) {
        mem_free(hit);
        cli_fatal(&err);
        return EXIT_FATAL;
    }
    warn_unmatched(c, plan, hit);
    mem_free(hit);
    if (cli_check_outputs(c, plan, NULL, 0) >= 0)
        return EXIT_USAGE; /* the plan is released by the caller (part_plan_fini) */
    if (c->cmd == CMD_EXPORT)
        part_plan_order_by_time(plan); /* export writes files in time order */
    for (size_t i = 0; i < plan->npassed && c->verbose; i++) {
        char suffix[128];

        snprintf(suffix, sizeof(suffix), ": passed over: %s", plan->passed[i].why);
        cli_log_escaped(LOG_INFO, "", plan->passed[i].path, suffix);
    }
    for (size_t i = 0; i < plan->nskips; i++)
        cli_warn_skip(&plan->skips[i]);
    if (plan->outside_window && c->verbose)
        LOG_INFO("%zu files outside the time window were not read", plan->outside_window);
    if (plan->nfiles == 0)
        LOG_WARN("no input files to read%s", plan->outside_window ? " in the time window" : "");
    warn_baseline(c, plan);
    return -1;
}

int
cli_sweep_begin(struct cli *c, struct cli_summary *sum, double t0, struct part_plan *plan,
                struct cli_output *out)
{
    struct err err;
    int code = cli_plan_inputs(c, plan);

    err_init(&err);
    cli_summary_plan(sum, c, plan);
    if (code < 0 && cli_output_open(out, c->output, &err) < 0) {
        cli_fatal(&err);
        code = EXIT_FATAL;
    }
    if (code >= 0)
        return cli_summary_finish(c, sum, code, t0, &err);
    return -1;
}

/* --start/--end for the files with no hour in their path: their records by start time. */
void
cli_sweep_window(const struct cli *c, struct sweep_opts *so)
{
    struct part_window w;
    struct err err;

    err_init(&err);
    if ((c->start == NULL && c->end == NULL) ||
        part_window_parse(c->start, c->end, &w, &err) < 0) /* a bad one: refused when planning */
        return;
    so->win_lo_set = w.has_start;
    so->win_lo_ms = w.start_ms;
    so->win_hi_set = w.has_end;
    so->win_hi_ms = w.end_ms;
}

void
cli_cache_verbose(const struct cli *c, const struct runner_cache_stats *cs)
{
    char racy[96] = "";

    if (!c->verbose)
        return;
    /* the single commands' own (cli_run_job(): kept out of its frame) */
    if (cs->side)
        LOG_INFO("cache: the whole roll-up was not loaded: its side file served (%llu keys of "
                 "the rest, %llu of them in it, %llu of those among its %llu listed groups; "
                 "%llu listed groups loaded)",
                 (unsigned long long)cs->side_touched, (unsigned long long)cs->side_found,
                 (unsigned long long)cs->side_listed_touched, (unsigned long long)cs->side_listed,
                 (unsigned long long)cs->side_loaded);
    if (cs->sides_written)
        LOG_INFO("cache: %llu side files written", (unsigned long long)cs->sides_written);
    if (cs->counted || cs->counted_merged)
        LOG_INFO("cache: %llu groups of a roll-up loaded as their counts (nothing else of this "
                 "run held them), %llu merged into the groups it held",
                 (unsigned long long)cs->counted, (unsigned long long)cs->counted_merged);
    if (cs->uncached == 0)
        return;
    if (cs->racy > 0)
        snprintf(racy, sizeof(racy), "; %llu of them changed less than 2 s ago",
                 (unsigned long long)cs->racy);
    LOG_INFO("cache: %llu of the %llu files read were not cached: the next run reads them "
             "again%s",
             (unsigned long long)cs->uncached, (unsigned long long)cs->read, racy);
}

/* The sweep options of the command line, with the progress line when wanted. */
void
cli_sweep_opts_init(const struct cli *c, struct cli_progress *prog, struct sweep_opts *so)
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
    cli_sweep_window(c, so);
}

void
cli_warn_skip(const struct part_skip *s)
{
    char suffix[256], sys[128];

    if (s->sys_errno == 0 || strerror_r(s->sys_errno, sys, sizeof(sys)) != 0)
        sys[0] = '\0';
    snprintf(suffix, sizeof(suffix), ": skipped: %s%s%s%s", s->why, sys[0] ? ": " : "", sys,
             s->lost ? " (its files are missing from the results)" : "");
    cli_log_escaped(LOG_WARN, "", s->path, suffix);
}

void
cli_warn_bad_files(const struct sweep_bad *bad, size_t nbad, const char *what)
{
    for (size_t i = 0; i < nbad; i++) {
        char suffix[160];

        if (bad[i].resumed)
            snprintf(suffix, sizeof(suffix),
                     " (%llu flows of the file were %s, before and after what was skipped)",
                     (unsigned long long)bad[i].flows_kept, what);
        else
            snprintf(suffix, sizeof(suffix), " (%llu flows before the damage were %s)",
                     (unsigned long long)bad[i].flows_kept, what);
        cli_log_escaped(LOG_WARN, "", bad[i].msg, suffix);
    }
}

void
cli_summary_cache(const struct runner_cache_stats *cs)
{
    fprintf(stderr,
            "flowsweep: summary: cache: %llu files from partials, %llu read, %llu partials "
            "written (%.1f MiB)\n",
            (unsigned long long)cs->from_partials, (unsigned long long)cs->read,
            (unsigned long long)cs->written, (double)cs->written_bytes / (1024.0 * 1024.0));
}

/* Files the walk passed over, for the text summary: ", passed over N" or "". */
const char *
cli_passed_text(const struct part_plan *plan)
{
    static char buf[48]; /* main thread only */

    if (plan->npassed == 0)
        return "";
    snprintf(buf, sizeof(buf), ", passed over %zu", plan->npassed);
    return buf;
}

void
cli_sweep_many_summary(const char *head, const struct runner_result *res, size_t njobs,
                       const struct part_plan *plan, double elapsed, int cached)
{
    const struct sweep_stats *st = &res->sweep.stats;

    fprintf(stderr,
            "flowsweep: summary: %sfiles %llu (bad %zu%s), flows %llu, dns records %llu, %zu "
            "jobs in one sweep, elapsed %.2f s, %.0f flows/s, threads %d, peak memory %.0f "
            "MiB (%s)\n",
            head, (unsigned long long)plan->nfiles, res->sweep.nbad, cli_passed_text(plan),
            (unsigned long long)st->flows, (unsigned long long)st->dns_rrs, njobs, elapsed,
            elapsed > 0 ? (double)st->flows / elapsed : 0.0, res->ntables,
            (double)mem_peak_rss() / (1024.0 * 1024.0), mem_allocator_name());
    if (cached)
        cli_summary_cache(&res->cache);
}
