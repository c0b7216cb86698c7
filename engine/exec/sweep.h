/*
 * sweep.h - the one file loop of the engine: read the planned files on OpenMP
 * workers and hand their flows to a sink.
 *
 * sweep_run() starts the workers; each takes the next file of the plan (an
 * atomic counter, so files are taken in plan order, largest first), opens it
 * through the read layer's record source (source.h: exec never names a file
 * format), hands every batch of flows to sink->batch(), then calls
 * sink->file_end(). Two sinks exist: folding into thread-local tables (the
 * job runner, runner.h, for every operation of op.h) and emitting rows
 * (export.h).
 * A file that cannot be opened, is not IPFIX, or is damaged is listed in
 * res->bad with the reader's message; the flows read before the damage are
 * kept, and the sweep goes on; with opts->strict the first bad file stops it
 * (ERR_FORMAT). A sink's failure (ERR_LIMIT, ERR_IO) stops every worker.
 * Threads: call from one thread; it starts and joins its own. The sink's
 * callbacks run on the workers, each with its worker index.
 */
#ifndef ENGINE_SWEEP_H
#define ENGINE_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "flow.h"
#include "source.h"

/* One planned input. */
struct part_file;

struct sweep_file {
    const char *path; /* borrowed */
    uint64_t size;    /* bytes, for progress */
    int64_t hour;     /* Unix seconds of its hour (from its path), or PART_HOUR_UNKNOWN */
    const struct part_file *walked; /* the plan's entry (the walk's stat of it), or NULL */
};

struct sweep_bad {
    char *path;          /* owned */
    char *msg;           /* owned: the path, what was wrong and the byte offset, whole */
    uint64_t flows_kept; /* flows of the file counted */
    int resumed;         /* 1: reading went on after the damage (flows_kept includes flows
                            after it); 0: the damage ended the file (all before it) */
};

struct sweep_stats {
    uint64_t files;   /* files read */
    uint64_t bytes;   /* file bytes read */
    uint64_t flows;   /* flow records read */
    uint64_t records; /* records in the job's view (biflows may count twice) */
    uint64_t kept;    /* records that passed --where (export: rows written) */
    uint64_t dns_rrs; /* DNS records read */
    uint64_t other;   /* options / non-flow records skipped */
    uint64_t damaged; /* damaged messages skipped */
};

struct sweep_progress {
    size_t files_done;
    size_t files_total;
    uint64_t bytes_done;
    uint64_t bytes_total;
    uint64_t flows;
};

typedef void sweep_progress_fn(void *ctx, const struct sweep_progress *p);

struct sweep_opts {
    int threads;                 /* workers; <= 0: all cores */
    int strict;                  /* stop at the first bad file (ERR_FORMAT) */
    size_t mem_limit;            /* bytes for the sink's memory (tables, row chunks); 0 = none */
    const char *tmp_dir;         /* where group tables spill past mem_limit (NULL: $TMPDIR, /tmp) */
    struct source_spec source;   /* how files are decoded */
    sweep_progress_fn *progress; /* may be NULL; called from workers, one at a time per file */
    void *progress_ctx;
    /*
     * --start/--end for files whose hour is unknown (sweep_file.hour): only
     * their flows that start in [win_lo_ms, win_hi_ms) reach the sink (a
     * bound applies when its *_set is 1). Files whose hour is known were
     * chosen by it and are read whole.
     */
    int win_lo_set, win_hi_set;
    int64_t win_lo_ms, win_hi_ms;
};

/*
 * sweep_filters() - 1 when file `f` is read through the window: opts has --start/--end and
 * f's hour is unknown. Only then does what the sink gets of a file depend on the window.
 */
int sweep_filters(const struct sweep_opts *opts, const struct sweep_file *f);

/*
 * What a sweep feeds. `ctx` is the sink's own state, with one slot per
 * worker (sweep_threads() tells how many before the run).
 *   batch()    - flows[0..n) of file `i`, read by worker `w`; adds the records
 *                it saw and kept to *st. Returns 0, or -1 with `err` set (stops
 *                the sweep). Leaving `err` unset means "stopped because another
 *                worker failed" (that worker's error is reported).
 *   file_end() - file `i` is read; `stop` is 1 when the sweep stops at this
 *                bad file (--strict), so its remaining output is dropped;
 *                `done` says what reading it found (the partial cache keeps
 *                it). Returns 0 or -1 as batch(). May be NULL.
 */
struct sweep_file_done {
    int opened;                /* 0: the file could not be opened (nothing was read) */
    const struct sweep_bad *b; /* its entry in the bad files, or NULL */
    struct sweep_stats stats;  /* this file's counts (files = 1 when opened) */
};

struct sweep_sink {
    void *ctx;
    int (*batch)(void *ctx, int w, size_t i, const struct flow *flows, size_t n,
                 struct sweep_stats *st, struct err *err);
    int (*file_end)(void *ctx, int w, size_t i, int stop, const struct sweep_file_done *done,
                    struct err *err);
};

struct sweep_result {
    struct sweep_stats stats; /* over all files read */
    struct sweep_bad *bad;    /* sorted by path; owned */
    size_t nbad;
    int threads;         /* workers used */
    double tail_seconds; /* from the first worker finding no file left to the last one done:
                            the end of the sweep when some workers idled (--summary json) */
};

/* sweep_threads() - the workers sweep_run() will use for `nfiles` files. */
int sweep_threads(const struct sweep_opts *opts, size_t nfiles);

/*
 * sweep_run() - reads `files` into `sink` (see above). Returns 0, or -code:
 * the sink's error, ERR_FORMAT (--strict and a bad file), ERR_IO (a decoder
 * could not be set up). `res` is filled either way: sweep_result_fini() it.
 */
int sweep_run(const struct sweep_file *files, size_t nfiles, const struct sweep_opts *opts,
              const struct sweep_sink *sink, struct sweep_result *res, struct err *err);

/* sweep_result_fini() - frees the bad-file list. */
void sweep_result_fini(struct sweep_result *res);

#endif
