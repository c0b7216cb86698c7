/*
 * cli_cache.c - `flowsweep cache stats DIR` and `flowsweep cache prune DIR
 * [--older-than DAYS] [--missing-sources]` (docs/usage.md, "The partial cache").
 */
#include "cli_cache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "cli_args.h"
#include "cli_usage.h"
#include "esc.h"
#include "mem.h"

static const char usage_cache[] =
    "usage: flowsweep cache stats [DIR]\n"
    "       flowsweep cache prune [DIR] [--older-than DAYS] [--missing-sources]\n"
    "\n"
    "The partial cache of --cache DIR (default: $FLOWSWEEP_CACHE).\n"
    "  stats              per job: partials, bytes, damaged sources kept, oldest and newest\n"
    "  prune              removes partials that do not load, temporaries of crashed\n"
    "                     writers, and the partials chosen by the options below; files\n"
    "                     the cache does not write are left (and named), as are entries\n"
    "                     of DIR that are not job directories\n"
    "  --older-than DAYS  partials made more than DAYS days ago (a decimal number)\n"
    "  --missing-sources  partials whose source file is gone or has changed\n";

/* Prints `s` with bytes outside 0x20-0x7E as \xHH (paths and job texts are attacker-influenced). */
static void
put_escaped(const char *s)
{
    size_t len = strlen(s);
    size_t need = esc_len((const uint8_t *)s, len) + 1;
    char *buf = mem_alloc(need);

    esc_bytes(buf, need, (const uint8_t *)s, len);
    fputs(buf, stdout);
    mem_free(buf);
}

/* "flowsweep: error: cache: MESSAGE", escaped. */
static int
fail(const struct err *err)
{
    size_t len = strlen(err->msg);
    size_t need = esc_len((const uint8_t *)err->msg, len) + 1;
    char *buf = mem_alloc(need);

    esc_bytes(buf, need, (const uint8_t *)err->msg, len);
    fprintf(stderr, "flowsweep: error: cache: %s\n", buf);
    mem_free(buf);
    return EXIT_FATAL;
}

static void
put_time(int64_t ns)
{
    time_t t = (time_t)(ns / 1000000000LL);
    struct tm tm;
    char buf[32];

    gmtime_r(&t, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
    fputs(buf, stdout);
}

static double
mib(uint64_t bytes)
{
    return (double)bytes / (1024.0 * 1024.0);
}

/* "cache: WHAT N entries of DIR that are not job directories: A, B, ..." (escaped). */
static void
put_top(const char *what, const struct cache_top *top)
{
    if (top->n == 0)
        return;
    printf("cache: %s%llu entries that are not job directories (not the cache's):", what,
           (unsigned long long)top->n);
    for (size_t i = 0; i < CACHE_PRUNE_NAMED && top->path[i] != NULL; i++) {
        fputs(i ? ", " : " ", stdout);
        put_escaped(top->path[i]);
    }
    fputs(top->n > CACHE_PRUNE_NAMED ? ", ...\n" : "\n", stdout);
}

static int
stats(const char *dir)
{
    struct cache_job_stats *jobs = NULL;
    struct cache_top top;
    size_t n = 0;
    uint64_t entries = 0, bytes = 0, bad = 0, bad_bytes = 0, foreign = 0;
    struct err err;

    err_init(&err);
    if (cache_stats(dir, &jobs, &n, &top, &err) < 0) {
        mem_free(jobs);
        cache_top_fini(&top);
        return fail(&err);
    }
    for (size_t i = 0; i < n; i++) {
        entries += jobs[i].entries;
        bytes += jobs[i].bytes;
        bad += jobs[i].unreadable;
        bad_bytes += jobs[i].unreadable_bytes;
        foreign += jobs[i].foreign;
    }
    fputs("cache ", stdout);
    put_escaped(dir);
    printf(": %zu jobs, %llu partials, %.2f MiB; %llu unreadable partials, %.2f MiB; %llu files "
           "that are not the cache's\n",
           n, (unsigned long long)entries, mib(bytes), (unsigned long long)bad, mib(bad_bytes),
           (unsigned long long)foreign);
    for (size_t i = 0; i < n; i++) {
        const struct cache_job_stats *j = &jobs[i];

        printf("job %s: %llu partials (%llu roll-ups with %llu file memberships in all: a file "
               "in several roll-ups counts in each), %.2f MiB, %llu of damaged sources, %llu "
               "unreadable, %llu not the cache's, %llu side files of roll-ups (%.2f MiB)",
               j->fp_hex, (unsigned long long)j->entries, (unsigned long long)j->rollups,
               (unsigned long long)j->roll_members, mib(j->bytes),
               (unsigned long long)j->damaged_sources, (unsigned long long)j->unreadable,
               (unsigned long long)j->foreign, (unsigned long long)j->sides, mib(j->side_bytes));
        if (j->entries) {
            fputs(", oldest ", stdout);
            put_time(j->oldest_ns);
            fputs(" UTC, newest ", stdout);
            put_time(j->newest_ns);
            fputs(" UTC\n  ", stdout);
            put_escaped(j->job);
        }
        fputc('\n', stdout);
    }
    put_top("", &top);
    cache_top_fini(&top);
    mem_free(jobs);
    return 0;
}

static int
prune(const char *dir, const struct cache_prune_opts *o)
{
    struct cache_prune_result r;
    struct err err;

    err_init(&err);
    if (cache_prune(dir, o, &r, &err) < 0) {
        cache_prune_result_fini(&r);
        return fail(&err);
    }
    fputs("cache ", stdout);
    put_escaped(dir);
    printf(": removed %llu files, %.2f MiB; kept %llu, %.2f MiB\n", (unsigned long long)r.removed,
           mib(r.removed_bytes), (unsigned long long)r.kept, mib(r.kept_bytes));
    if (r.in_use > 0)
        printf("cache: passed over %llu job directories in use by a running sweep\n",
               (unsigned long long)r.in_use);
    if (r.foreign > 0) {
        printf("cache: left %llu files that are not the cache's:", (unsigned long long)r.foreign);
        for (size_t i = 0; i < CACHE_PRUNE_NAMED && r.foreign_path[i] != NULL; i++) {
            fputs(i ? ", " : " ", stdout);
            put_escaped(r.foreign_path[i]);
        }
        fputs(r.foreign > CACHE_PRUNE_NAMED ? ", ...\n" : "\n", stdout);
    }
    put_top("left ", &r.top);
    cache_prune_result_fini(&r);
    return 0;
}

int
cli_cache_main(int argc, char **argv)
{
    struct cache_prune_opts o = {-1.0, 0};
    const char *dir = NULL;
    const char *sub;
    int is_prune;

    if (argc < 3 || strcmp(argv[2], "-h") == 0 || strcmp(argv[2], "--help") == 0) {
        fputs(usage_cache, argc < 3 ? stderr : stdout);
        return argc < 3 ? EXIT_USAGE : 0;
    }
    sub = argv[2];
    is_prune = strcmp(sub, "prune") == 0;
    if (!is_prune && strcmp(sub, "stats") != 0)
        return cli_usage_error("unknown cache command '%s' (stats, prune)", sub);
    for (int i = 3; i < argc; i++) {
        if (is_prune && strcmp(argv[i], "--older-than") == 0 && i + 1 < argc) {
            if (cli_parse_decimal(argv[++i], &o.older_than_days) < 0)
                return cli_usage_error("--older-than wants a number of days >= 0, not '%s'",
                                       argv[i]);
        } else if (is_prune && strcmp(argv[i], "--missing-sources") == 0) {
            o.missing_sources = 1;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_usage_error("unknown option '%s' for flowsweep cache", argv[i]);
        } else if (dir == NULL) {
            dir = argv[i];
        } else {
            return cli_usage_error("flowsweep cache takes one DIR, not also '%s'", argv[i]);
        }
    }
    if (dir == NULL)
        dir = getenv("FLOWSWEEP_CACHE"); /* NOLINT(concurrency-mt-unsafe): one thread here */
    if (dir == NULL || *dir == '\0')
        return cli_usage_error("%s", "no cache DIR given (and FLOWSWEEP_CACHE is not set)");
    return is_prune ? prune(dir, &o) : stats(dir);
}
