/*
 * scan.c - see scan.h. The only per-record loop of the engine lives here.
 */
#include "scan.h"

#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>
#include <xxhash.h>

#include "agg.h"
#include "hunt.h"
#include "ipfix_read.h"
#include "keypack.h"
#include "mem.h"

/* A kept record of the batch being folded, its key in worker.keys. */
struct pend {
    struct rec r;
    uint64_t hash;
    size_t key_off;
    uint32_t key_len;
};

/*
 * Records between making a group's key and folding it. The group table and
 * the aggregate states are far bigger than the caches, so a record folded as
 * soon as it is made waits for two memory loads (the slot, then the entry).
 * A batch (the flows of one IPFIX message) is folded in two passes instead:
 * the first makes every key and prefetches its slot, the second folds the
 * records in the same order, prefetching the entry PREFETCH_AHEAD records
 * ahead. The order of updates, and so every result, is unchanged.
 */
#define PREFETCH_AHEAD 16

struct worker {
    alignas(64) struct htab *table;
    struct ipfix_model *model;
    struct keybuf key;
    struct pend *pend; /* the batch's kept records */
    size_t cap_pend;
    uint8_t *keys; /* their keys, packed */
    size_t cap_keys;
    struct hunt_scratch hunt; /* dns-hunt only */
    struct scan_stats stats;
    struct scan_bad *bad;
    size_t nbad;
    size_t capbad;
    struct err err; /* the failure that stopped this worker */
};

static void
add_bad(struct worker *w, const char *path, const char *msg, uint64_t flows)
{
    struct scan_bad *b;

    if (w->nbad == w->capbad) {
        w->capbad = w->capbad ? w->capbad * 2 : 8;
        w->bad = mem_realloc(w->bad, w->capbad * sizeof(*w->bad));
    }
    b = &w->bad[w->nbad++];
    b->path = mem_strdup(path);
    snprintf(b->msg, sizeof(b->msg), "%s", msg);
    b->flows_kept = flows;
}

/* pend_push() - appends record `r` with the key in w->key; prefetches its slot. */
static void
pend_push(struct worker *w, const struct rec *r, size_t *np, size_t *keys_len)
{
    struct pend *p;

    if (*np == w->cap_pend) {
        w->cap_pend = w->cap_pend ? 2 * w->cap_pend : 256;
        w->pend = mem_realloc(w->pend, w->cap_pend * sizeof(*w->pend));
    }
    if (*keys_len + w->key.len > w->cap_keys) {
        w->cap_keys = 2 * (*keys_len + w->key.len) + 4096;
        w->keys = mem_realloc(w->keys, w->cap_keys);
    }
    p = &w->pend[(*np)++];
    p->r = *r;
    p->key_off = *keys_len;
    p->key_len = (uint32_t)w->key.len;
    p->hash = XXH3_64bits(w->key.p, w->key.len);
    memcpy(w->keys + *keys_len, w->key.p, w->key.len);
    *keys_len += w->key.len;
    htab_prefetch(w->table, p->hash);
}

/* fold_batch() - folds the flows[0..n) of one batch, in two passes (struct pend). */
static int
fold_batch(const struct job *job, struct worker *w, const struct flow *flows, size_t n,
           struct memacct *acct)
{
    size_t np = 0, keys_len = 0;

    if (job->hunt) { /* one group per DNS name: hunt.c folds whole flows */
        for (size_t i = 0; i < n; i++) {
            w->stats.records++;
            w->stats.kept++;
            if (hunt_fold(job->hunt, w->table, &w->key, &w->hunt, &flows[i], acct, &w->err) < 0)
                return -1;
        }
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        const struct flow *f = &flows[i];
        struct rec recs[2];
        int nr;

        if (!job_keep_flow(job, f)) {
            w->stats.records += (uint64_t)record_count(f, job->view);
            continue;
        }
        nr = record_views(f, job->view, job->bytes_total, recs);
        for (int k = 0; k < nr; k++) {
            w->stats.records++;
            if (!job_keep_rec(job, &recs[k]))
                continue;
            w->stats.kept++;
            keypack_build(job, &recs[k], &w->key);
            pend_push(w, &recs[k], &np, &keys_len);
        }
    }
    for (size_t j = 0; j < np; j++) {
        const struct pend *p = &w->pend[j];
        struct htab_entry *e;
        int is_new;

        if (j + PREFETCH_AHEAD < np)
            htab_prefetch_entry(w->table, w->pend[j + PREFETCH_AHEAD].hash);
        if (j + PREFETCH_AHEAD / 2 < np) { /* its entry is in cache by now: its sets' slots */
            const struct pend *q = &w->pend[j + PREFETCH_AHEAD / 2];
            struct htab_entry *g = htab_peek(w->table, q->hash);

            if (g != NULL)
                agg_prefetch(job, htab_entry_val(g), &q->r);
        }
        e = htab_upsert(w->table, w->keys + p->key_off, p->key_len, p->hash, &is_new, &w->err);
        if (e == NULL || agg_update(job, htab_entry_val(e), &p->r, acct, &w->err) < 0)
            return -1;
    }
    return 0;
}

/* Scans one file. Returns 0, or -1 when the whole job must stop (w->err). */
static int
scan_file(const struct job *job, struct worker *w, const struct scan_file *file,
          const struct scan_opts *opts, struct memacct *acct)
{
    struct err ferr;
    struct ipfix_reader *r;
    const struct ipfix_read_stats *st;
    const struct flow *f;
    uint64_t flows = 0;
    uint64_t damaged;
    size_t n;
    int rc;

    err_init(&ferr);
    r = ipfix_reader_open(w->model, file->path, &ferr);
    if (r == NULL) {
        add_bad(w, file->path, ferr.msg, 0);
        goto bad;
    }
    while ((rc = ipfix_reader_next_batch(r, &f, &n, &ferr)) == 1) {
        flows += n;
        if (fold_batch(job, w, f, n, acct) < 0) {
            ipfix_reader_close(r);
            return -1;
        }
    }
    st = ipfix_reader_stats(r);
    damaged = st->damaged + st->unknown_sets;
    w->stats.files++;
    w->stats.bytes += st->file_bytes;
    w->stats.flows += st->flows;
    w->stats.dns_rrs += st->dns_rrs;
    w->stats.other += st->other_records;
    w->stats.damaged += st->damaged;
    if (rc < 0) {
        add_bad(w, file->path, ferr.msg, flows);
    } else if (st->unknown_sets && !st->damaged) {
        char msg[ERR_MSG_LEN + 128];

        snprintf(msg, sizeof(msg),
                 "%s: %llu data sets skipped: their template was never defined (records lost)",
                 file->path, (unsigned long long)st->unknown_sets);
        add_bad(w, file->path, msg, flows);
    } else if (st->damaged) {
        char msg[2 * ERR_MSG_LEN + 64];

        snprintf(msg, sizeof(msg), "%s: %llu damaged sets or messages skipped; first at %s",
                 file->path, (unsigned long long)st->damaged, st->first_damage);
        add_bad(w, file->path, msg, flows);
    }
    ipfix_reader_close(r); /* st is gone with it */
    if (rc >= 0 && damaged == 0)
        return 0;
bad:
    if (opts->strict) {
        ERR_SET(&w->err, ERR_FORMAT, "%s (--strict stops at the first bad file)",
                w->bad[w->nbad - 1].msg);
        return -1;
    }
    return 0;
}

static int
bad_cmp(const void *a, const void *b)
{
    return strcmp(((const struct scan_bad *)a)->path, ((const struct scan_bad *)b)->path);
}

int
scan_run(const struct job *job, const struct scan_file *files, size_t nfiles,
         const struct scan_opts *opts, struct scan_result *res, struct err *err)
{
    int nthreads = opts->threads > 0 ? opts->threads : omp_get_max_threads();
    struct worker *workers;
    atomic_bool stop = false;
    atomic_size_t files_done = 0;
    atomic_uint_fast64_t bytes_done = 0;
    atomic_uint_fast64_t flows_done = 0;
    uint64_t bytes_total = 0;
    int rc = 0;

    memset(res, 0, sizeof(*res));
    memacct_init(&res->acct, opts->mem_limit);
    if ((size_t)nthreads > nfiles && nfiles > 0)
        nthreads = (int)nfiles;
    if (nthreads < 1)
        nthreads = 1;
    for (size_t i = 0; i < nfiles; i++)
        bytes_total += files[i].size;
    workers = mem_calloc((size_t)nthreads, sizeof(*workers));
    res->tables = mem_calloc((size_t)nthreads, sizeof(*res->tables));
    res->ntables = nthreads;
    for (int t = 0; t < nthreads; t++) {
        err_init(&workers[t].err);
        workers[t].table = htab_create(job->val_len, &res->acct, err);
        if (workers[t].table == NULL) {
            rc = -ERR_LIMIT;
            goto out;
        }
        res->tables[t] = workers[t].table;
        /* Models are made here, one thread at a time: libfixbuf's XML loader is not thread-safe. */
        workers[t].model = ipfix_model_create((enum ipfix_decoder)opts->decoder, err);
        if (workers[t].model == NULL) {
            rc = -ERR_IO;
            goto out;
        }
    }

#pragma omp parallel for default(none) num_threads(nthreads) schedule(dynamic, 1) shared( \
    job, files, nfiles, opts, res, workers, stop, files_done, bytes_done, flows_done, bytes_total)
    for (size_t i = 0; i < nfiles; i++) {
        struct worker *w = &workers[omp_get_thread_num()];
        uint64_t before = w->stats.flows;

        if (atomic_load_explicit(&stop, memory_order_relaxed))
            continue; /* cannot break out of an omp for */
        if (scan_file(job, w, &files[i], opts, &res->acct) < 0)
            atomic_store_explicit(&stop, true, memory_order_relaxed);
        if (opts->progress) {
            struct scan_progress p;

            p.files_done = atomic_fetch_add(&files_done, 1) + 1;
            p.files_total = nfiles;
            p.bytes_done = atomic_fetch_add(&bytes_done, files[i].size) + files[i].size;
            p.bytes_total = bytes_total;
            p.flows =
                atomic_fetch_add(&flows_done, w->stats.flows - before) + (w->stats.flows - before);
            opts->progress(opts->progress_ctx, &p);
        }
    }

    for (int t = 0; t < nthreads; t++) {
        struct worker *w = &workers[t];

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
    if (res->nbad > 1)
        qsort(res->bad, res->nbad, sizeof(*res->bad), bad_cmp);
out:
    for (int t = 0; t < nthreads; t++) {
        ipfix_model_destroy(workers[t].model);
        keybuf_fini(&workers[t].key);
        mem_free(workers[t].pend);
        mem_free(workers[t].keys);
        hunt_scratch_fini(&workers[t].hunt);
        mem_free(workers[t].bad);
    }
    mem_free(workers);
    return rc;
}

void
scan_result_fini(const struct job *job, struct scan_result *res)
{
    for (int t = 0; t < res->ntables; t++) {
        struct htab *h = res->tables[t];

        if (h == NULL)
            continue;
        for (unsigned p = 0; p < HTAB_PARTS; p++) {
            size_t cap = htab_part_cap(h, p);

            for (size_t i = 0; i < cap; i++) {
                struct htab_entry *e = htab_part_slot(h, p, i);

                if (e)
                    agg_release(job, htab_entry_val(e), &res->acct);
            }
        }
    }
    for (int t = 0; t < res->ntables; t++)
        htab_destroy(res->tables[t]);
    for (size_t i = 0; i < res->nbad; i++)
        mem_free(res->bad[i].path);
    mem_free(res->bad);
    mem_free(res->tables);
    memset(res, 0, sizeof(*res));
}
