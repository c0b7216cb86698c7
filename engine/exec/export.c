/*
 * export.c - see export.h.
 *
 * One OpenMP loop over the files, schedule(dynamic, 1) with an ordered
 * region: a worker decodes and renders its file into its own buffer, then
 * waits for its turn to write it, fold its counts and list it if bad. Files
 * are therefore written, counted and (with --strict) cut in plan order for
 * any thread count. With one worker it is always that worker's turn, so it
 * flushes its buffer while rendering and memory stays small.
 */
#include "export.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <omp.h>

#include "ipfix_read.h"
#include "mem.h"
#include "record.h"

#define FLUSH_AT (1u << 20) /* bytes: a streaming worker writes its buffer past this */

static const char hex[] = "0123456789ABCDEF";

/* A growable byte buffer. */
struct xbuf {
    char *p;    /* bytes, not NUL-terminated; owned */
    size_t len; /* bytes used */
    size_t cap; /* bytes allocated */
};

struct worker {
    alignas(64) struct ipfix_model *model;
    struct xbuf buf;                 /* this file's rows, written at the worker's turn */
    struct scan_stats stats;         /* this file's counts, folded at the worker's turn */
    int bad;                         /* this file was unreadable or damaged */
    char msg[2 * ERR_MSG_LEN + 128]; /* why, when bad */
    int direct;                      /* 1: sole worker, may flush buf to out while rendering */
    FILE *out;                       /* for direct flushes */
    struct err err;                  /* a write error of a direct flush */
};

static char *
xb_reserve(struct xbuf *b, size_t more)
{
    b->p = mem_grow(b->p, &b->cap, b->len + more, 4096);
    return b->p + b->len;
}

static void
xb_add(struct xbuf *b, const char *s, size_t len)
{
    memcpy(xb_reserve(b, len), s, len);
    b->len += len;
}

static void
xb_addc(struct xbuf *b, char c)
{
    *xb_reserve(b, 1) = c;
    b->len++;
}

static void
xb_adds(struct xbuf *b, const char *s)
{
    xb_add(b, s, strlen(s));
}

static void
xb_u64(struct xbuf *b, uint64_t v)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v);

    xb_add(b, tmp, (size_t)n);
}

static void
xb_i64(struct xbuf *b, int64_t v)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof(tmp), "%" PRId64, v);

    xb_add(b, tmp, (size_t)n);
}

int
export_format_parse(const char *s, enum export_format *fmt)
{
    if (strcmp(s, "jsonl") == 0 || strcmp(s, "json") == 0)
        *fmt = EXPORT_JSONL;
    else if (strcmp(s, "csv") == 0)
        *fmt = EXPORT_CSV;
    else
        return -1;
    return 0;
}

/* The address as out.h renders it: dotted quad for IPv4, inet_ntop for IPv6. */
static void
put_addr(struct xbuf *b, uint8_t family, const uint8_t a[16])
{
    char tmp[INET6_ADDRSTRLEN];

    if (family == FLOW_IPV4)
        inet_ntop(AF_INET, a + 12, tmp, sizeof(tmp));
    else
        inet_ntop(AF_INET6, a, tmp, sizeof(tmp));
    xb_adds(b, tmp);
}

/*
 * A DNS name as a JSON string. The name is first made 1:1 printable text
 * (esc.h's \xHH for bytes outside 0x20-0x7E, and '\' as "\\"), then that text
 * is JSON-encoded, which only has to escape '"' and '\'.
 */
static void
put_name_json(struct xbuf *b, const uint8_t *name, uint32_t len)
{
    xb_addc(b, '"');
    for (uint32_t i = 0; i < len; i++) {
        uint8_t c = name[i];

        if (c == '\\') {
            xb_add(b, "\\\\\\\\", 4); /* text "\\", JSON-encoded */
        } else if (c == '"') {
            xb_add(b, "\\\"", 2);
        } else if (c >= 0x20 && c <= 0x7E) {
            xb_addc(b, (char)c);
        } else {
            char e[5] = {'\\', '\\', 'x', hex[c >> 4], hex[c & 15]}; /* text "\xHH" */

            xb_add(b, e, sizeof(e));
        }
    }
    xb_addc(b, '"');
}

/* The flow's DNS names and RR types as JSON arrays, wire order. */
static void
put_names(struct xbuf *b, const struct flow *f)
{
    xb_addc(b, '[');
    for (uint32_t i = 0; i < f->ndns; i++) {
        if (i)
            xb_addc(b, ',');
        put_name_json(b, f->dns[i].name, f->dns[i].name_len);
    }
    xb_addc(b, ']');
}

static void
put_types(struct xbuf *b, const struct flow *f)
{
    xb_addc(b, '[');
    for (uint32_t i = 0; i < f->ndns; i++) {
        if (i)
            xb_addc(b, ',');
        xb_u64(b, f->dns[i].rrtype);
    }
    xb_addc(b, ']');
}

/* A CSV field holding JSON text: quoted, '"' doubled (the text always has '[' ... ']'). */
static void
put_csv_json(struct xbuf *b, const struct flow *f, int names)
{
    size_t at = b->len;
    size_t n;

    if (names)
        put_names(b, f);
    else
        put_types(b, f);
    n = b->len - at;
    if (memchr(b->p + at, ',', n) == NULL && memchr(b->p + at, '"', n) == NULL)
        return; /* "[]" or "[1]": nothing RFC 4180 needs quoted, as out.c's csv_field() */
    /* Rewrite in place from the end: each '"' doubles, plus the two quotes. */
    size_t quotes = 0;

    for (size_t i = 0; i < n; i++)
        quotes += b->p[at + i] == '"';
    xb_reserve(b, quotes + 2);
    size_t src = at + n, dst = at + n + quotes + 2;

    b->p[--dst] = '"';
    while (src > at) {
        char c = b->p[--src];

        b->p[--dst] = c;
        if (c == '"')
            b->p[--dst] = '"';
    }
    b->p[--dst] = '"';
    b->len = at + n + quotes + 2;
}

static const char *const columns[] = {"start",  "end",      "sip",  "dip",   "sport",
                                      "dport",  "proto",    "app",  "bytes", "packets",
                                      "rbytes", "rpackets", "ndns", "names", "types"};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

static void
put_header(struct xbuf *b)
{
    for (size_t i = 0; i < NCOLUMNS; i++) {
        if (i)
            xb_addc(b, ',');
        xb_adds(b, columns[i]);
    }
    xb_add(b, "\r\n", 2);
}

/* The record's scalar columns (start .. ndns) as values, in column order. */
static void
scalars(const struct rec *r, uint64_t v[13])
{
    static const enum field_id ids[13] = {FIELD_START, FIELD_END,     FIELD_SIP,    FIELD_DIP,
                                          FIELD_SPORT, FIELD_DPORT,   FIELD_PROTO,  FIELD_APP,
                                          FIELD_BYTES, FIELD_PACKETS, FIELD_RBYTES, FIELD_RPACKETS,
                                          FIELD_NDNS};

    for (int i = 0; i < 13; i++)
        v[i] = record_num(r, ids[i]);
}

static void
put_row(struct xbuf *b, enum export_format fmt, const struct rec *r)
{
    const struct flow *f = r->f;
    uint64_t v[13];
    int json = fmt == EXPORT_JSONL;

    scalars(r, v);
    for (size_t i = 0; i < 13; i++) {
        if (json) {
            xb_adds(b, i ? ",\"" : "{\"");
            xb_adds(b, columns[i]);
            xb_add(b, "\":", 2);
        } else if (i) {
            xb_addc(b, ',');
        }
        if (i == 0 || i == 1) {
            xb_i64(b, i == 0 ? f->start_ms : f->end_ms); /* signed: record_num casts */
        } else if (i == 2 || i == 3) {
            if (json)
                xb_addc(b, '"');
            put_addr(b, f->family, i == 2 ? r->sip : r->dip);
            if (json)
                xb_addc(b, '"');
        } else {
            xb_u64(b, v[i]);
        }
    }
    if (json) {
        xb_adds(b, ",\"names\":");
        put_names(b, f);
        xb_adds(b, ",\"types\":");
        put_types(b, f);
        xb_add(b, "}\n", 2);
    } else {
        xb_addc(b, ',');
        put_csv_json(b, f, 1);
        xb_addc(b, ',');
        put_csv_json(b, f, 0);
        xb_add(b, "\r\n", 2);
    }
}

/* What --where sees of a record (as scan.c's where_get). */
struct where_ctx {
    const struct job *job;
    const struct rec *r;
    uint8_t sip[17];
    uint8_t dip[17];
};

static struct expr_val
where_get(const void *ctx, int slot)
{
    const struct where_ctx *w = ctx;
    struct expr_val v = {EXPR_INT, 0, 0, NULL};

    if (slot >= JOB_PRED_SLOT) {
        v.u = job_pred_count(&w->job->preds[slot - JOB_PRED_SLOT], w->r->f);
    } else if (slot == FIELD_SIP || slot == FIELD_DIP) {
        v.kind = EXPR_ADDR;
        v.a = slot == FIELD_SIP ? w->sip : w->dip;
    } else {
        v.u = record_num(w->r, (enum field_id)slot);
    }
    return v;
}

static int
keep(const struct job *job, const struct rec *r)
{
    struct where_ctx wc;

    if (job->where == NULL)
        return 1;
    wc.job = job;
    wc.r = r;
    record_addr(r, FIELD_SIP, wc.sip);
    record_addr(r, FIELD_DIP, wc.dip);
    return expr_true(job->where, where_get, &wc);
}

static int
xb_write(struct xbuf *b, FILE *out, struct err *err)
{
    if (b->len && fwrite(b->p, 1, b->len, out) != b->len)
        return ERR_SET_ERRNO(err, errno, "writing the export");
    b->len = 0;
    return 0;
}

/* Renders one flow's kept records. Returns 0, or -1 when a direct flush failed. */
static int
export_flow(const struct job *job, enum export_format fmt, struct worker *w, const struct flow *f)
{
    struct rec recs[2];
    int n = record_views(f, job->view, job->bytes_total, recs);

    for (int i = 0; i < n; i++) {
        w->stats.records++;
        if (!keep(job, &recs[i]))
            continue;
        w->stats.kept++;
        put_row(&w->buf, fmt, &recs[i]);
    }
    if (w->direct && w->buf.len >= FLUSH_AT && xb_write(&w->buf, w->out, &w->err) < 0)
        return -1;
    return 0;
}

/* Notes why a file is bad, in the words scan.c uses. */
static void
note_bad(struct worker *w, const struct ipfix_read_stats *st, int rc, const struct err *ferr,
         const char *path)
{
    if (rc < 0) {
        snprintf(w->msg, sizeof(w->msg), "%s", ferr->msg);
    } else if (st->unknown_sets && !st->damaged) {
        snprintf(w->msg, sizeof(w->msg),
                 "%s: %llu data sets skipped: their template was never defined (records lost)",
                 path, (unsigned long long)st->unknown_sets);
    } else if (st->damaged) {
        snprintf(w->msg, sizeof(w->msg), "%s: %llu damaged sets or messages skipped; first at %s",
                 path, (unsigned long long)st->damaged, st->first_damage);
    } else {
        return;
    }
    w->bad = 1;
}

/* Decodes and renders one file into w->buf, w->stats, w->bad. Returns 0 or -1 (w->err). */
static int
export_file(const struct job *job, enum export_format fmt, struct worker *w,
            const struct scan_file *file)
{
    struct err ferr;
    struct ipfix_reader *r;
    const struct ipfix_read_stats *st;
    const struct flow *f;
    int rc;

    err_init(&ferr);
    memset(&w->stats, 0, sizeof(w->stats));
    w->bad = 0;
    r = ipfix_reader_open(w->model, file->path, &ferr);
    if (r == NULL) {
        snprintf(w->msg, sizeof(w->msg), "%s", ferr.msg);
        w->bad = 1;
        return 0;
    }
    while ((rc = ipfix_reader_next(r, &f, &ferr)) == 1) {
        if (export_flow(job, fmt, w, f) < 0) {
            ipfix_reader_close(r);
            return -1;
        }
    }
    st = ipfix_reader_stats(r);
    w->stats.files = 1;
    w->stats.bytes = st->file_bytes;
    w->stats.flows = st->flows;
    w->stats.dns_rrs = st->dns_rrs;
    w->stats.other = st->other_records;
    w->stats.damaged = st->damaged;
    note_bad(w, st, rc, &ferr, file->path);
    ipfix_reader_close(r); /* st is gone with it */
    return 0;
}

static void
stats_add(struct scan_stats *to, const struct scan_stats *s)
{
    to->files += s->files;
    to->bytes += s->bytes;
    to->flows += s->flows;
    to->records += s->records;
    to->kept += s->kept;
    to->dns_rrs += s->dns_rrs;
    to->other += s->other;
    to->damaged += s->damaged;
}

/*
 * A worker's turn (the ordered region, plan order): write its buffer, fold its
 * counts, list its file if bad. Returns -1 when the export must stop.
 */
static int
commit_file(struct worker *w, const struct scan_file *file, int strict, FILE *out,
            struct export_result *res, struct err *err)
{
    if (w->bad && strict)
        return ERR_SET(err, ERR_FORMAT, "%s (--strict stops at the first bad file)", w->msg), -1;
    if (xb_write(&w->buf, out, err) < 0)
        return -1;
    stats_add(&res->stats, &w->stats);
    if (w->bad) {
        struct scan_bad *b;
        size_t n;

        res->bad = mem_realloc(res->bad, (res->nbad + 1) * sizeof(*res->bad));
        b = &res->bad[res->nbad++];
        b->path = mem_strdup(file->path);
        n = strnlen(w->msg, sizeof(b->msg) - 1); /* cut, as scan.c's messages are */
        memcpy(b->msg, w->msg, n);
        b->msg[n] = '\0';
        b->flows_kept = w->stats.flows;
    }
    return 0;
}

static int
bad_cmp(const void *a, const void *b)
{
    return strcmp(((const struct scan_bad *)a)->path, ((const struct scan_bad *)b)->path);
}

static void
progress(const struct scan_opts *opts, size_t done, size_t nfiles, uint64_t bytes_done,
         uint64_t bytes_total, uint64_t flows)
{
    struct scan_progress p = {done, nfiles, bytes_done, bytes_total, flows};

    if (opts->progress)
        opts->progress(opts->progress_ctx, &p);
}

static int
workers_init(struct worker *workers, int n, const struct scan_opts *opts, FILE *out,
             struct err *err)
{
    for (int t = 0; t < n; t++) {
        err_init(&workers[t].err);
        workers[t].direct = n == 1;
        workers[t].out = out;
        /* Made here, one at a time: libfixbuf's XML loader is not thread-safe. */
        workers[t].model = ipfix_model_create((enum ipfix_decoder)opts->decoder, err);
        if (workers[t].model == NULL)
            return -ERR_IO;
    }
    return 0;
}

int
export_run(const struct job *job, enum export_format fmt, const struct scan_file *files,
           size_t nfiles, const struct scan_opts *opts, FILE *out, struct export_result *res,
           struct err *err)
{
    int nthreads = opts->threads > 0 ? opts->threads : omp_get_max_threads();
    struct worker *workers;
    atomic_bool stop = false;
    uint64_t bytes_total = 0, bytes_done = 0;
    int strict = opts->strict;
    int rc;

    memset(res, 0, sizeof(*res));
    if ((size_t)nthreads > nfiles)
        nthreads = (int)nfiles;
    if (nthreads < 1)
        nthreads = 1;
    res->threads = nthreads;
    for (size_t i = 0; i < nfiles; i++)
        bytes_total += files[i].size;
    workers = mem_calloc((size_t)nthreads, sizeof(*workers));
    rc = workers_init(workers, nthreads, opts, out, err);
    if (rc == 0 && fmt == EXPORT_CSV) {
        put_header(&workers[0].buf);
        rc = xb_write(&workers[0].buf, out, err);
    }
    if (rc < 0)
        goto out;

#pragma omp parallel for default(none) num_threads(nthreads) schedule(dynamic, 1) ordered shared( \
    job, fmt, files, nfiles, opts, out, res, err, workers, stop, strict, bytes_total, bytes_done)
    for (size_t i = 0; i < nfiles; i++) {
        struct worker *w = &workers[omp_get_thread_num()];
        int failed = 0;

        if (!atomic_load_explicit(&stop, memory_order_relaxed))
            failed = export_file(job, fmt, w, &files[i]) < 0;
#pragma omp ordered
        {
            /* Every iteration enters its turn once, so later files wait for earlier ones. */
            if (failed && !atomic_load_explicit(&stop, memory_order_relaxed))
                *err = w->err;
            if (failed || atomic_load_explicit(&stop, memory_order_relaxed) ||
                commit_file(w, &files[i], strict, out, res, err) < 0)
                atomic_store_explicit(&stop, true, memory_order_relaxed);
            else
                bytes_done += files[i].size;
            w->buf.len = 0;
            progress(opts, i + 1, nfiles, bytes_done, bytes_total, res->stats.flows);
        }
    }
    if (atomic_load(&stop))
        rc = -(int)(err->code ? err->code : ERR_INTERNAL);
    if (res->nbad > 1)
        qsort(res->bad, res->nbad, sizeof(*res->bad), bad_cmp);
out:
    for (int t = 0; t < nthreads; t++) {
        ipfix_model_destroy(workers[t].model);
        mem_free(workers[t].buf.p);
    }
    mem_free(workers);
    return rc;
}

void
export_result_fini(struct export_result *res)
{
    for (size_t i = 0; i < res->nbad; i++)
        mem_free(res->bad[i].path);
    mem_free(res->bad);
    memset(res, 0, sizeof(*res));
}
