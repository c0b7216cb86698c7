/*
 * export.c - see export.h.
 *
 * The emit sink of the file loop. Worker w renders the rows of its current
 * file into its chunk; the chunk is written at the file's turn. `turn` is the
 * index (plan order) of the file whose rows may be written now; the sweep
 * hands files out in plan order, so the file at `turn` is always being read
 * and its worker never waits: waiting for one's turn always ends. A worker
 * that ends its file at its turn writes the rest of its rows and passes the
 * turn on. A failure (write error, --strict) marks the export stopped; every
 * waiting worker then gives up.
 */
#include "export.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "mem.h"
#include "memacct.h"
#include "record.h"
#include "runner.h"

#define CHUNK_MAX (1u << 20) /* bytes: a worker writes its rows past this at its turn */
#define CHUNK_MIN (4u << 10) /* bytes: the least chunk --mem-limit may leave a worker */

struct emit_worker {
    struct rows_buf buf; /* rendered rows not yet written */
    size_t charged;      /* bytes of buf's capacity charged to the budget */
    uint64_t rows;       /* rows in buf */
    char pad[64]; /* keeps workers' fields off one cache line (mem_calloc() is not 64-aligned) */
};

struct emit {
    const struct job *job;
    const struct rows_layout *layout;
    FILE *out;
    size_t chunk;
    struct memacct acct; /* --mem-limit: the chunks' capacity */
    struct emit_worker *w;
    pthread_mutex_t lock; /* guards turn, stopped, written, peak */
    pthread_cond_t cond;  /* turn moved or stopped */
    size_t turn;          /* the file whose rows may be written now */
    int stopped;          /* a failure: no more rows are written */
    uint64_t written;     /* rows written */
    size_t peak;          /* most bytes one worker held */
};

/* Waits for file i's turn. Returns 0 at it (lock held), or -1 when stopped (lock released). */
static int
wait_turn(struct emit *e, size_t i)
{
    pthread_mutex_lock(&e->lock);
    while (e->turn != i && !e->stopped)
        pthread_cond_wait(&e->cond, &e->lock);
    if (e->stopped) {
        pthread_mutex_unlock(&e->lock);
        return -1;
    }
    return 0;
}

/* Stops the export (lock held), waking every waiter. */
static void
stop_locked(struct emit *e)
{
    e->stopped = 1;
    pthread_cond_broadcast(&e->cond);
}

/* Writes w's rows (lock held, at its turn). Returns 0, or -1 with `err` set (stopped). */
static int
flush_locked(struct emit *e, struct emit_worker *w, struct err *err)
{
    if (w->buf.len > e->peak)
        e->peak = w->buf.len;
    if (w->buf.len && fwrite(w->buf.p, 1, w->buf.len, e->out) != w->buf.len) {
        ERR_SET_ERRNO(err, errno, "writing the export");
        stop_locked(e);
        return -1;
    }
    e->written += w->rows;
    w->buf.len = 0;
    w->rows = 0;
    return 0;
}

/* Charges growth of w's buffer to the budget. Returns 0 or -1 (ERR_LIMIT, stopped). */
static int
charge(struct emit *e, struct emit_worker *w, struct err *err)
{
    struct err cerr;

    if (w->buf.cap <= w->charged)
        return 0;
    err_init(&cerr);
    if (memacct_charge(&e->acct, w->buf.cap - w->charged, &cerr) < 0) {
        ERR_SET(err, ERR_LIMIT,
                "memory limit of %zu KiB reached (--mem-limit): export's row chunks (%zu KiB a "
                "worker) need more; raise --mem-limit or use fewer --threads",
                e->acct.limit >> 10, e->chunk >> 10);
        pthread_mutex_lock(&e->lock);
        stop_locked(e);
        pthread_mutex_unlock(&e->lock);
        return -1;
    }
    w->charged = w->buf.cap;
    return 0;
}

static void
to_row(const struct rec *r, struct rows_rec *row)
{
    static const enum field_id ids[9] = {FIELD_SPORT,  FIELD_DPORT,    FIELD_PROTO,
                                         FIELD_APP,    FIELD_BYTES,    FIELD_PACKETS,
                                         FIELD_RBYTES, FIELD_RPACKETS, FIELD_NDNS};
    const struct flow *f = r->f;

    row->start_ms = f->start_ms; /* signed: record_num casts */
    row->end_ms = f->end_ms;
    row->family = f->family;
    row->sip = r->sip;
    row->dip = r->dip;
    for (int i = 0; i < 9; i++)
        row->num[i] = record_num(r, ids[i]);
    row->dns = f->dns;
    row->ndns = f->ndns;
}

static int
emit_batch(void *ctx, int wi, size_t i, const struct flow *flows, size_t n, struct sweep_stats *st,
           struct err *err)
{
    struct emit *e = ctx;
    struct emit_worker *w = &e->w[wi];
    const struct job *job = e->job;

    for (size_t k = 0; k < n; k++) {
        const struct flow *f = &flows[k];
        struct rec recs[2];
        int nr;

        if (!job_keep_flow(job, f)) {
            st->records += (uint64_t)record_count(f, job->view);
            continue;
        }
        nr = record_views(f, job->view, job->bytes_total, recs);
        if (nr < 0)
            return record_total_error(f, err);
        for (int j = 0; j < nr; j++) {
            struct rows_rec row;

            int rc = job_keep_rec(job, &recs[j], err);

            st->records++;
            if (rc < 0) {
                err_prefix(err, "--where");
                return -1;
            }
            if (rc == 0)
                continue;
            st->kept++;
            to_row(&recs[j], &row);
            rows_put(&w->buf, e->layout, &row);
            w->rows++;
        }
        if (charge(e, w, err) < 0)
            return -1;
        if (w->buf.len >= e->chunk) {
            int rc;

            if (wait_turn(e, i) < 0)
                return -1;
            rc = flush_locked(e, w, err);
            pthread_mutex_unlock(&e->lock);
            if (rc < 0)
                return -1;
        }
    }
    return 0;
}

static int
emit_file_end(void *ctx, int wi, size_t i, int stop, const struct sweep_file_done *done,
              struct err *err)
{
    struct emit *e = ctx;
    struct emit_worker *w = &e->w[wi];
    int rc = 0;

    (void)done;
    if (wait_turn(e, i) < 0)
        return -1;
    if (stop) { /* --strict: the sweep reports the bad file; its other rows are dropped */
        w->buf.len = 0;
        w->rows = 0;
        stop_locked(e);
    } else {
        rc = flush_locked(e, w, err);
        e->turn = i + 1;
        pthread_cond_broadcast(&e->cond);
    }
    pthread_mutex_unlock(&e->lock);
    return rc;
}

int
export_run(const struct job *job, const struct rows_layout *layout, const struct part_plan *plan,
           const struct sweep_opts *opts, FILE *out, struct export_result *res, struct err *err)
{
    struct sweep_file *files = runner_files(plan);
    struct sweep_result sw;
    struct sweep_sink sink;
    struct emit e;
    int nthreads = sweep_threads(opts, plan->nfiles);
    int rc = 0;

    memset(res, 0, sizeof(*res));
    memset(&e, 0, sizeof(e));
    e.job = job;
    e.layout = layout;
    e.out = out;
    /*
     * A quarter of the budget per worker for its chunk: a buffer's capacity
     * doubles (mem_grow()), and it may pass the chunk by one flow's rows.
     */
    e.chunk = CHUNK_MAX;
    if (opts->mem_limit && opts->mem_limit / (4 * (size_t)nthreads) < e.chunk)
        e.chunk = opts->mem_limit / (4 * (size_t)nthreads);
    if (e.chunk < CHUNK_MIN)
        e.chunk = CHUNK_MIN;
    memacct_init(&e.acct, opts->mem_limit);
    e.w = mem_calloc((size_t)nthreads, sizeof(*e.w));
    pthread_mutex_init(&e.lock, NULL);
    pthread_cond_init(&e.cond, NULL);
    rows_header(&e.w[0].buf, layout);
    if (e.w[0].buf.len && fwrite(e.w[0].buf.p, 1, e.w[0].buf.len, out) != e.w[0].buf.len)
        rc = ERR_SET_ERRNO(err, errno, "writing the export");
    e.w[0].buf.len = 0;
    memset(&sw, 0, sizeof(sw));
    if (rc == 0) {
        sink.ctx = &e;
        sink.batch = emit_batch;
        sink.file_end = emit_file_end;
        rc = sweep_run(files, plan->nfiles, opts, &sink, &sw, err);
    }
    res->stats = sw.stats;
    res->stats.kept = e.written;
    res->bad = sw.bad;
    res->nbad = sw.nbad;
    res->threads = nthreads;
    res->chunk = e.chunk;
    res->peak_pending = e.peak;
    for (int t = 0; t < nthreads; t++)
        rows_buf_fini(&e.w[t].buf);
    mem_free(e.w);
    pthread_mutex_destroy(&e.lock);
    pthread_cond_destroy(&e.cond);
    mem_free(files);
    return rc;
}

void
export_result_fini(struct export_result *res)
{
    for (size_t i = 0; i < res->nbad; i++) {
        mem_free(res->bad[i].path);
        mem_free(res->bad[i].msg);
    }
    mem_free(res->bad);
    memset(res, 0, sizeof(*res));
}
