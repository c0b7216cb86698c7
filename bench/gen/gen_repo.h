/*
 * gen_repo.h - generates a whole hourly repository: plans the files, writes
 * them in parallel (OpenMP, one file per task), then the truth and labels.
 *
 * Layout: OUT/YYYY/MM/DD/HH/PREFIX-YYYYMMDDhhmmss-NNNNN.yaf, UTC, as YAF's
 * --rotate names its files. A file's content depends only on the options and
 * on (seed, hour, file index), never on the thread that wrote it, so any
 * --threads gives byte-identical output.
 *
 * Sizing: --flows N is split over the files by a diurnal weight (exact in
 * biflow mode); --bytes B gives each file a byte budget by the same weight
 * and a file stops once its encoded records reach it.
 * Threads: gen_repo_run() starts and joins its own threads.
 */
#ifndef BENCH_GEN_REPO_H
#define BENCH_GEN_REPO_H

#include <stdint.h>

#include "err.h"
#include "gen_world.h"

struct gen_repo_opts {
    const char *out;             /* repository root (created) */
    const char *prefix;          /* file name prefix, "yaf" */
    struct gen_world_spec world; /* seed, start, hours, files per hour, exfil */
    uint64_t flows;              /* total flow records, or 0 to size by bytes */
    uint64_t bytes;              /* approximate total bytes when flows == 0 */
    int layout;                  /* 2 or 3 */
    int rr_detail;               /* layout 3: dnsDetailRecordList in each DNS record */
    uint32_t uniflow_ppm;        /* share of biflows written as two uniflows, per million */
    int flow_table;              /* session channels as YAF's flow table makes them (sessions) */
    const char *truth;           /* flowdump v1 of every record, or NULL */
    const char *labels;          /* the channel ground truth (TSV) */
    int threads;                 /* OpenMP threads, >= 1 */
};

struct gen_repo_stats {
    uint64_t files; /* files written */
    uint64_t flows; /* flow records written */
    uint64_t bytes; /* bytes on disk */
    uint64_t exfil; /* flow records of planted channels */
};

/* gen_repo_run() - writes the repository. Returns 0, or -code with `err` set (first failing file).
 */
int gen_repo_run(const struct gen_repo_opts *o, struct gen_repo_stats *st, struct err *err);

/*
 * gen_repo_parse_hour() - "YYYY-MM-DDTHH" (UTC) to Unix ms. Returns 0, or
 * -ERR_USAGE with `err` set.
 */
int gen_repo_parse_hour(const char *s, int64_t *ms, struct err *err);

/* gen_repo_format_hour() - Unix ms to "YYYY-MM-DDTHH" in `dst` (>= 14 bytes). */
void gen_repo_format_hour(char *dst, size_t cap, int64_t ms);

#endif
