/*
 * scan.h - the map phase: read files on OpenMP workers into thread-local tables.
 *
 * scan_run() runs an OpenMP parallel loop, schedule(dynamic, 1), over the
 * files (already ordered largest first by partitions/). Each worker owns its
 * reader model, key buffer and group table; nothing is shared per record.
 * A file that cannot be opened, is not IPFIX, or is damaged is listed in
 * res->bad with the reader's message; the flows read before the damage are
 * kept, and the sweep goes on (opts->strict stops at the first bad file).
 * Reaching --mem-limit stops every worker and fails with ERR_LIMIT.
 * Threads: call from one thread; it starts and joins its own.
 */
#ifndef ENGINE_SCAN_H
#define ENGINE_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "htab.h"
#include "job.h"
#include "memacct.h"

struct scan_file {
    const char *path; /* borrowed */
    uint64_t size;    /* bytes, for progress */
};

struct scan_bad {
    char *path;            /* owned */
    char msg[ERR_MSG_LEN]; /* what was wrong, with the byte offset */
    uint64_t flows_kept;   /* flows read before the damage, all counted */
};

struct scan_stats {
    uint64_t files;        /* files scanned */
    uint64_t bytes;        /* file bytes scanned */
    uint64_t flows;        /* flow records read */
    uint64_t records;      /* records in the job's view (biflows may count twice) */
    uint64_t kept;         /* records that passed --where */
    uint64_t dns_rrs;      /* DNS records read */
    uint64_t other;        /* options / non-flow records skipped */
    uint64_t damaged;      /* damaged messages skipped */
};

struct scan_progress {
    size_t files_done;
    size_t files_total;
    uint64_t bytes_done;
    uint64_t bytes_total;
    uint64_t flows;
};

/* Called by whichever worker finished a file; must be thread-safe and cheap. */
typedef void scan_progress_fn(void *ctx, const struct scan_progress *p);

struct scan_opts {
    int threads;                /* workers; <= 0: all cores */
    int strict;                 /* stop at the first bad file (ERR_FORMAT) */
    size_t mem_limit;           /* bytes for all group tables; 0 = unlimited */
    int decoder;                /* enum ipfix_decoder: 0 fast (default), 1 libfixbuf */
    scan_progress_fn *progress; /* may be NULL */
    void *progress_ctx;
};

struct scan_result {
    struct htab **tables; /* one per worker; after merge_run() tables[0] holds all groups */
    int ntables;
    struct memacct acct;  /* the --mem-limit budget the tables draw on */
    struct scan_stats stats;
    struct scan_bad *bad; /* sorted by path */
    size_t nbad;
};

/* scan_run() - maps `files` into res. Returns 0 or -code (res is then still to be fini'd). */
int scan_run(const struct job *job, const struct scan_file *files, size_t nfiles,
             const struct scan_opts *opts, struct scan_result *res, struct err *err);

/* scan_result_fini() - frees the tables (and their distinct sets) and the bad list. */
void scan_result_fini(const struct job *job, struct scan_result *res);

#endif
