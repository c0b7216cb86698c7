/*
 * sweep.c - see sweep.h.
 *
 * One OpenMP parallel region; each worker loops taking the next file index
 * from an atomic counter, so files are handed out in plan order (a sink that
 * writes in plan order, as export does, relies on it: the smallest file not
 * yet finished is always being read, so waiting for one's turn ends).
 */
#include "sweep.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <omp.h>

#include "ipfix_read.h"
#include "mem.h"
#include "part_hour.h"

struct worker {
    struct source_model *model;
    struct sweep_stats stats;
    struct sweep_bad *bad;
    size_t nbad;
    size_t capbad;
    struct err err;   /* the failure that stopped this worker */
    struct flow *win; /* the flows of a batch in the time window (win_cap of them) */
    size_t win_cap;
    double end;   /* CLOCK_MONOTONIC seconds when it found no file left */
    char pad[64]; /* keeps workers' counters off one cache line (mem_calloc() is not 64-aligned) */
};

/* add_bad() - lists `path` as bad: `flows` counted, `resumed` after the damage, why in fmt. */
__attribute__((format(printf, 5, 6))) static void
add_bad(struct worker *w, const char *path, uint64_t flows, int resumed, const char *fmt, ...)
{
    struct sweep_bad *b;
    va_list ap;
    int n;

    if (w->nbad == w->capbad) {
        w->capbad = w->capbad ? w->capbad * 2 : 8;
        w->bad = mem_realloc(w->bad, w->capbad * sizeof(*w->bad));
    }
    b = &w->bad[w->nbad++];
    b->path = mem_strdup(path);
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap); /* the whole message, however long the path */
    va_end(ap);
    b->msg = mem_alloc((size_t)(n > 0 ? n : 0) + 1);
    va_start(ap, fmt);
    vsnprintf(b->msg, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
    va_end(ap);
    b->flows_kept = flows;
    b->resumed = resumed;
}

/*
 * Why a file read to its end is bad, or 0 if it is not; the message goes to `w`. A file
 * with flow-like records the reader cannot place in time (source_stats.untimed) is named
 * too, with their template: they are not read, and the answer must not look whole.
 */
static int
note_bad(struct worker *w, const struct sweep_file *file, const struct source_stats *st, int rc,
         const struct err *ferr, uint64_t flows)
{
    char untimed[sizeof(st->first_untimed) + 128] = "";

    if (st->untimed)
        snprintf(untimed, sizeof(untimed),
                 "%s%llu flow records not read: they have no start time the reader can place "
                 "(first: %s)",
                 rc < 0 || st->unknown_sets || st->damaged ? "; " : "",
                 (unsigned long long)st->untimed, st->first_untimed);
    if (rc < 0) {
        add_bad(w, file->path, flows, 0, "%s%s", ferr->msg, untimed);
    } else if (st->unknown_sets && !st->damaged) {
        add_bad(w, file->path, flows, 1,
                "%s: %llu data sets skipped: their template was never defined (records lost)%s",
                file->path, (unsigned long long)st->unknown_sets, untimed);
    } else if (st->damaged) {
        add_bad(w, file->path, flows, 1, "%s: %llu damaged sets or messages skipped; first at %s%s",
                file->path, (unsigned long long)st->damaged, st->first_damage, untimed);
    } else if (st->untimed) {
        add_bad(w, file->path, flows, 1, "%s: %s", file->path, untimed);
    } else {
        return 0;
    }
    return 1;
}

/* Reads file `i` into the sink. Returns 0, or -1 when the whole sweep must stop (w->err). */
/*
 * The flows of *f[0..n) that start in the time window, copied to w->win
 * (*f pointed there); returns how many. Their DNS records stay where the
 * source put them, valid until its next batch.
 */
static size_t
in_window(struct worker *w, const struct sweep_opts *opts, const struct flow **f, size_t n)
{
    size_t k = 0;

    if (w->win_cap < n) {
        mem_free(w->win);
        w->win = mem_alloc(n * sizeof(*w->win));
        w->win_cap = n;
    }
    for (size_t i = 0; i < n; i++) {
        const struct flow *x = &(*f)[i];

        if ((!opts->win_lo_set || x->start_ms >= opts->win_lo_ms) &&
            (!opts->win_hi_set || x->start_ms < opts->win_hi_ms))
            w->win[k++] = *x;
    }
    *f = w->win;
    return k;
}

int
sweep_filters(const struct sweep_opts *opts, const struct sweep_file *f)
{
    return f->hour == PART_HOUR_UNKNOWN && (opts->win_lo_set || opts->win_hi_set);
}

static int
sweep_file(struct worker *w, int wi, size_t i, const struct sweep_file *file,
           const struct sweep_opts *opts, const struct sweep_sink *sink)
{
    struct err ferr;
    struct source *s;
    struct source_stats st;
    const struct flow *f;
    size_t n, nbad = w->nbad;
    int rc, bad, stop;
    struct sweep_file_done done;
    const struct sweep_stats before = w->stats;
    int filter = sweep_filters(opts, file);

    err_init(&ferr);
    memset(&done, 0, sizeof(done));
    s = source_open(w->model, file->path, &ferr);
    if (s == NULL && ferr.code == ERR_LIMIT) { /* out of descriptors: the run's error */
        w->err = ferr;
        return -1;
    }
    if (s == NULL) {
        add_bad(w, file->path, 0, 0, "%s", ferr.msg);
        bad = 1;
    } else {
        done.opened = 1;
        while ((rc = source_next_batch(s, &f, &n, &ferr)) == 1) {
            if (filter)
                n = in_window(w, opts, &f, n);
            if (n == 0)
                continue;
            if (sink->batch(sink->ctx, wi, i, f, n, &w->stats, &w->err) < 0) {
                if (w->err.code == ERR_FORMAT) /* a flow the job cannot take: name its file */
                    err_prefix(&w->err, "%s", file->path);
                source_close(s);
                return -1;
            }
        }
        source_stats(s, &st);
        source_close(s);
        w->stats.files++;
        w->stats.bytes += st.file_bytes;
        w->stats.flows += st.flows;
        w->stats.records += st.records_dropped; /* the flows the source dropped (need->keep()) */
        if (opts->source.need != NULL && opts->source.need->dropped_kept)
            w->stats.kept += st.records_dropped;
        w->stats.dns_rrs += st.dns_rrs;
        w->stats.other += st.other_records;
        w->stats.damaged += st.damaged;
        bad = note_bad(w, file, &st, rc, &ferr, st.flows);
    }
    stop = bad && opts->strict;
    done.b = w->nbad > nbad ? &w->bad[w->nbad - 1] : NULL;
    done.stats.files = w->stats.files - before.files;
    done.stats.bytes = w->stats.bytes - before.bytes;
    done.stats.flows = w->stats.flows - before.flows;
    done.stats.records = w->stats.records - before.records;
    done.stats.kept = w->stats.kept - before.kept;
    done.stats.dns_rrs = w->stats.dns_rrs - before.dns_rrs;
    done.stats.other = w->stats.other - before.other;
    done.stats.damaged = w->stats.damaged - before.damaged;
    if (sink->file_end && sink->file_end(sink->ctx, wi, i, stop, &done, &w->err) < 0)
        return -1;
    if (stop) {
        ERR_SET(&w->err, ERR_FORMAT, "%s (--strict stops at the first bad file)",
                w->bad[w->nbad - 1].msg);
        return -1;
    }
    return 0;
}

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
bad_cmp(const void *a, const void *b)
{
    return strcmp(((const struct sweep_bad *)a)->path, ((const struct sweep_bad *)b)->path);
}

int
sweep_threads(const struct sweep_opts *opts, size_t nfiles)
{
    int n = opts->threads > 0 ? opts->threads : omp_get_max_threads();

    if ((size_t)n > nfiles && nfiles > 0)
        n = (int)nfiles;
    return n < 1 ? 1 : n;
}

int
sweep_run(const struct sweep_file *files, size_t nfiles, const struct sweep_opts *opts,
          const struct sweep_sink *sink, struct sweep_result *res, struct err *err)
{
    int nthreads = sweep_threads(opts, nfiles);
    struct worker *workers;
    atomic_bool stop = false;
    atomic_size_t next = 0;
    atomic_size_t files_done = 0;
    atomic_uint_fast64_t bytes_done = 0;
    atomic_uint_fast64_t flows_done = 0;
    uint64_t bytes_total = 0;
    double first = 0, last = 0; /* the workers' earliest and latest ends */
    int rc = 0;
    struct ipfix_need need;
    struct sweep_opts wo;

    if ((opts->win_lo_set || opts->win_hi_set) && opts->source.need != NULL &&
        !(opts->source.need->flow & IPFIX_NEED_TIME)) { /* the window reads start times */
        need = *opts->source.need;
        need.flow |= IPFIX_NEED_TIME;
        wo = *opts;
        wo.source.need = &need;
        opts = &wo;
    }

    memset(res, 0, sizeof(*res));
    res->threads = nthreads;
    for (size_t i = 0; i < nfiles; i++)
        bytes_total += files[i].size;
    workers = mem_calloc((size_t)nthreads, sizeof(*workers));
    for (int t = 0; t < nthreads; t++) {
        err_init(&workers[t].err);
        /* Made here, one thread at a time: libfixbuf's XML loader is not thread-safe. */
        workers[t].model = source_model_create(&opts->source, err);
        if (workers[t].model == NULL) {
            rc = -ERR_IO;
            goto out;
        }
    }

#pragma omp parallel default(none) num_threads(nthreads)                                       \
    shared(files, nfiles, opts, sink, workers, stop, next, files_done, bytes_done, flows_done, \
           bytes_total)
    {
        int wi = omp_get_thread_num();
        struct worker *w = &workers[wi];

        for (;;) {
            size_t i = atomic_fetch_add(&next, 1);
            uint64_t before = w->stats.flows;

            if (i >= nfiles || atomic_load_explicit(&stop, memory_order_relaxed)) {
                w->end = now_s();
                break;
            }
            if (sweep_file(w, wi, i, &files[i], opts, sink) < 0) {
                atomic_store_explicit(&stop, true, memory_order_relaxed);
                w->end = now_s();
                break;
            }
            if (opts->progress) {
                struct sweep_progress p;
                uint64_t df = w->stats.flows - before;

                p.files_done = atomic_fetch_add(&files_done, 1) + 1;
                p.files_total = nfiles;
                p.bytes_done = atomic_fetch_add(&bytes_done, files[i].size) + files[i].size;
                p.bytes_total = bytes_total;
                p.flows = atomic_fetch_add(&flows_done, df) + df;
                opts->progress(opts->progress_ctx, &p);
            }
        }
    }

    for (int t = 0; t < nthreads; t++) {
        struct worker *w = &workers[t];

        first = t == 0 || w->end < first ? w->end : first;
        last = t == 0 || w->end > last ? w->end : last;
        if (rc == 0 && w->err.code != ERR_OK) {
            *err = w->err;
            rc = -(int)w->err.code;
        }
        res->stats.files += w->stats.files;
        res->stats.bytes += w->stats.bytes;
        res->stats.flows += w->stats.flows;
        res->stats.records += w->stats.records;
        res->stats.kept += w->stats.kept;
        res->stats.dns_rrs += w->stats.dns_rrs;
        res->stats.other += w->stats.other;
        res->stats.damaged += w->stats.damaged;
        if (w->nbad) {
            res->bad = mem_realloc(res->bad, (res->nbad + w->nbad) * sizeof(*res->bad));
            memcpy(res->bad + res->nbad, w->bad, w->nbad * sizeof(*w->bad));
            res->nbad += w->nbad;
        }
    }
    res->tail_seconds = last - first;
    if (rc == 0 && atomic_load(&stop))
        rc = -ERR_INTERNAL; /* a sink stopped without saying why */
    if (rc == -ERR_INTERNAL && err->code == ERR_OK)
        ERR_SET(err, ERR_INTERNAL, "the sweep stopped without an error");
    if (res->nbad > 1)
        qsort(res->bad, res->nbad, sizeof(*res->bad), bad_cmp);
out:
    for (int t = 0; t < nthreads; t++) {
        source_model_destroy(workers[t].model);
        mem_free(workers[t].bad);
        mem_free(workers[t].win);
    }
    mem_free(workers);
    return rc;
}

void
sweep_result_fini(struct sweep_result *res)
{
    for (size_t i = 0; i < res->nbad; i++) {
        mem_free(res->bad[i].path);
        mem_free(res->bad[i].msg);
    }
    mem_free(res->bad);
    memset(res, 0, sizeof(*res));
}
