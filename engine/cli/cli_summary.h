/*
 * cli_summary.h - the run summary as one JSON object (--summary json), for
 * nightly jobs and alerting pipelines.
 *
 * The CLI fills a struct cli_summary as the run goes and writes it once,
 * when the exit status is known: to stderr (one line), or to
 * --summary-file FILE. Paths and messages are escaped as everywhere
 * (\xHH for bytes outside 0x20-0x7E), then JSON-encoded. The keys are
 * listed in docs/usage.md ("Run summary").
 * Threads: main thread only.
 */
#ifndef ENGINE_CLI_SUMMARY_H
#define ENGINE_CLI_SUMMARY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli_args.h"
#include "err.h"
#include "sweep.h"

struct cli_summary {
    const char *command;         /* "dns-names", ... */
    uint64_t planned;            /* files in the plan */
    uint64_t read;               /* files read (to their end or their damage) */
    uint64_t skipped;            /* paths left out with a warning (lock, link, ...) */
    uint64_t lost;               /* of them, unwalkable below a PATH: files may be missing */
    uint64_t passed_over;        /* files a walk passed over by name (-v lists them) */
    uint64_t outside_window;     /* files whose hour is outside --start/--end */
    const struct sweep_bad *bad; /* bad files (borrowed), nbad entries */
    size_t nbad;                 /* entries in bad */
    uint64_t flows;              /* flow records read */
    uint64_t records;            /* records in the job's view */
    uint64_t kept;               /* records that passed --where */
    uint64_t dns_records;        /* DNS records read */
    int64_t groups;              /* groups after the merge; -1: not a grouping command */
    int64_t mem_budget;          /* --mem-limit in force (bytes); -1: not a grouping command */
    int64_t tables_peak;         /* most bytes the group tables held at once; -1: as groups */
    int64_t spill_bytes;         /* bytes of tables spilled to --tmp-dir; -1: as groups */
    int64_t spill_runs;          /* runs spilled; -1: as groups */
    uint64_t rows_printed;       /* result rows written */
    uint64_t rows_cut;           /* rows --limit left out */
    int64_t limit;               /* --limit in force; -1: none (export) */
    const char *start, *end;     /* --start / --end as given, NULL: open */
    int phased;                  /* the phases below are known (a grouping command) */
    double plan_s;               /* from the start to the plan: job built, PATHs walked */
    double map_s, tail_s;        /* files read and folded; of it, the workers' ends' spread */
    double merge_s, finish_s;    /* the workers' tables into one; --having, order, --limit */
    double output_s;             /* the rows written */
    int threads;                 /* workers used */
    uint64_t peak_memory;        /* bytes, peak resident set */
    double elapsed;              /* seconds */
    int exit_status;             /* the process's exit status */
    char why[ERR_MSG_LEN + 64];  /* the reason for that status, plain text */
};

/* cli_summary_init() - an empty summary of `command`. */
void cli_summary_init(struct cli_summary *s, const char *command);

/* cli_summary_write_json() - `s` as one line of JSON to `f`; 0, or -1 when the write failed. */
int cli_summary_write_json(const struct cli_summary *s, FILE *f);

/* cli_summary_plan() - the plan's part: files planned, skipped, passed over, the window. */
struct part_plan;
void cli_summary_plan(struct cli_summary *s, const struct cli *c, const struct part_plan *plan);

/*
 * cli_summary_finish() - with --summary json, writes `s` with exit status
 * `code` and why (from `err` when fatal) to stderr or --summary-file; returns
 * `code`, or EXIT_FATAL when the summary cannot be written. t0: start time.
 */
int cli_summary_finish(const struct cli *c, struct cli_summary *s, int code, double t0,
                       const struct err *err);

/*
 * cli_summary_probe() - with --summary-file FILE, checks before any input is
 * read that FILE can be written (opens its temporary file and removes it), so
 * an unwritable FILE fails before the rows, not after. 0, or -1 with `err` set.
 */
int cli_summary_probe(const struct cli *c, struct err *err);

/* cli_summary_offset() - the byte offset named in a reader's message about `path` ("PATH:
 * offset N: ..."; looked for after the path), or -1. */
int64_t cli_summary_offset(const char *path, const char *msg);

#endif
