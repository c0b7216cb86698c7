/*
 * group.c - see group.h. The only per-record loop of the group-by job.
 */
#include "group.h"

#include <string.h>

/* the key's hash inlined (the same XXH3_64bits() values): a call per record costs */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "agg.h"
#include "domain.h"
#include "dset.h"
#include "keypack.h"
#include "mem.h"
#include "merge.h"
#include "sort.h"

/* A kept record of the batch being folded, its key in scratch.keys. */
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

struct op_scratch {
    struct domain_cache *dcache; /* --records dns with dns.domain: this worker's cache */
    struct pend *pend;           /* the batch's kept records */
    size_t cap_pend;
    struct keybuf keys; /* their keys, packed one after another (keypack_append()) */
    int sets; /* the job has address sets agg_prefetch() prefetches (distinct of an address) */
};

static struct op_scratch *
scratch_create(const struct op *op)
{
    const struct job *job = op->ctx;
    struct op_scratch *s = mem_calloc(1, sizeof(struct op_scratch));

    if (job->dl != NULL)
        s->dcache = domain_cache_create();
    for (size_t c = job->nkeys; c < job->ncols; c++)
        s->sets |= job->cols[c].agg == AGG_DISTINCT && job->cols[c].width == 17;
    return s;
}

static void
scratch_destroy(struct op_scratch *s)
{
    if (s == NULL)
        return;
    keybuf_fini(&s->keys);
    domain_cache_destroy(s->dcache);
    mem_free(s->pend);
    mem_free(s);
}

/* pend_push() - appends record `r` with its key, packed at the end of w->keys; prefetches its
 * slot. */
static inline __attribute__((always_inline)) void
pend_push(const struct job *job, struct op_scratch *w, struct htab *t, const struct rec *r,
          size_t *np)
{
    struct pend *p;
    size_t off = w->keys.len;

    if (*np == w->cap_pend) {
        w->cap_pend = w->cap_pend ? 2 * w->cap_pend : 256;
        w->pend = mem_realloc(w->pend, w->cap_pend * sizeof(*w->pend));
    }
    keypack_append(job, r, &w->keys);
    p = &w->pend[(*np)++];
    p->r = *r;
    p->key_off = off;
    p->key_len = (uint32_t)(w->keys.len - off);
    p->hash = XXH3_64bits(w->keys.p + off, p->key_len);
    htab_prefetch(t, p->hash);
}

/*
 * size_fits() - 0 when the lists of flow `f` have a size that --having drops
 * (job->size_test): its records are counted and tested as ever, and make no group.
 */
static inline int
size_fits(const struct job *job, const struct flow *f)
{
    uint64_t n = f->ndns < KEYPACK_MAX_ITEMS ? f->ndns : KEYPACK_MAX_ITEMS; /* as keys cut */

    return !job->size_test || (n >= job->size_lo && n <= job->size_hi);
}

/* fold_rrs() - the first pass of fold() for the records of `f` under --records dns. */
static int
fold_rrs(const struct job *job, struct op_scratch *w, struct htab *t, const struct flow *f,
         size_t *np, struct op_counts *c, struct err *err)
{
    int fits = size_fits(job, f);

    for (uint32_t k = 0; k < f->ndns; k++) {
        struct rec r;
        int rc;

        if (record_at(f, REC_DNS, job->bytes_total, k, &r) < 0)
            return record_total_error(f, err);
        job_rec_domain(job, w->dcache, &r);
        rc = job_keep_rec(job, &r, err);
        c->records++;
        if (rc < 0) {
            err_prefix(err, "--where");
            return -1;
        }
        if (rc == 0)
            continue;
        c->kept++;
        if (fits)
            pend_push(job, w, t, &r, np);
    }
    return 0;
}

/* fold() - folds the flows[0..n) of one batch, in two passes (struct pend). */
static int
fold(const struct op *op, struct op_scratch *w, struct htab *t, const struct flow *flows,
     const uint32_t *sel, size_t n, struct op_counts *c, struct memacct *acct, struct err *err)
{
    const struct job *job = op->ctx;
    size_t np = 0;

    w->keys.len = 0;
    for (size_t i = 0; i < n; i++) {
        const struct flow *f = &flows[sel != NULL ? sel[i] : i];
        struct rec recs[2];
        int nr, fits;

        if (!job_keep_flow_post(job, f)) { /* f passed op->need.keep (op.h) */
            c->records += (uint64_t)record_count(f, job->view);
            continue;
        }
        if (job->view == REC_DNS) {
            if (fold_rrs(job, w, t, f, &np, c, err) < 0)
                return -1;
            continue;
        }
        nr = record_views(f, job->view, job->bytes_total, recs);
        if (nr < 0)
            return record_total_error(f, err);
        fits = size_fits(job, f);
        for (int k = 0; k < nr; k++) {
            int rc = job_keep_rec(job, &recs[k], err);

            c->records++;
            if (rc < 0) {
                err_prefix(err, "--where");
                return -1;
            }
            if (rc == 0)
                continue;
            c->kept++;
            if (fits)
                pend_push(job, w, t, &recs[k], &np);
        }
    }
    for (size_t j = 0; j < np; j++) {
        const struct pend *p = &w->pend[j];
        struct htab_entry *e;
        int is_new;

        if (j + PREFETCH_AHEAD < np)
            htab_prefetch_entry(t, w->pend[j + PREFETCH_AHEAD].hash);
        if (w->sets && j + PREFETCH_AHEAD / 2 < np) { /* its entry is cached by now: sets' slots */
            const struct pend *q = &w->pend[j + PREFETCH_AHEAD / 2];
            struct htab_entry *g = htab_peek(t, q->hash);

            if (g != NULL)
                agg_prefetch(job, htab_entry_val(g), &q->r);
        }
        e = htab_upsert(t, w->keys.p + p->key_off, p->key_len, p->hash, &is_new, err);
        if (e == NULL)
            return -ERR_LIMIT;
        if (agg_update(job, htab_entry_val(e), &p->r, acct, err) < 0)
            return -ERR_LIMIT;
    }
    return 0;
}

static int
merge(const struct op *op, uint8_t *dst, uint8_t *src, struct memacct *acct, struct err *err)
{
    return agg_merge(op->ctx, dst, src, acct, err);
}

static void
merge_now(const struct op *op, uint8_t *dst, const uint8_t *src)
{
    agg_merge_counts(op->ctx, dst, src);
}

static int
merge_later(const struct op *op, uint8_t *dst, uint8_t *src, struct memacct *acct, struct err *err)
{
    return agg_merge_sets(op->ctx, dst, src, acct, err);
}

/*
 * 1 when the job's distinct sets can be merged after --having and --limit (op.h, merge_now()):
 * it has some, and neither --having nor an --order key reads their counts.
 */
static int
sets_later(const struct job *job)
{
    int any = 0;

    for (size_t c = job->nkeys; c < job->ncols; c++) {
        if (job->cols[c].agg != AGG_DISTINCT)
            continue;
        any = 1;
        if (expr_reads_slot(job->having, (int)c) || job->order_col == (int)c)
            return 0;
        for (size_t k = 0; k < job->norder; k++)
            if (job->order_cols[k] == (int)c)
                return 0;
    }
    return any;
}

struct output {
    struct sort_result sorted;
    struct out_col cols[JOB_MAX_COLS];
};

static int
finish_later(const struct op *op, const struct htab *t, struct op_later *later, int threads,
             struct op_output *out, struct err *err)
{
    const struct job *job = op->ctx;
    struct output *o = mem_calloc(1, sizeof(*o));
    int rc;

    memset(out, 0, sizeof(*out));
    out->priv = o;
    rc = sort_run_later(job, t, threads, op, later, &o->sorted, err);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < job->ncols; i++) {
        o->cols[i].name = job->cols[i].name;
        o->cols[i].json_name = job->cols[i].json_name;
    }
    o->sorted.table.cols = o->cols;
    out->table = o->sorted.table;
    out->groups = o->sorted.groups;
    return 0;
}

static int
finish(const struct op *op, const struct htab *t, int threads, struct op_output *out,
       struct err *err)
{
    return finish_later(op, t, NULL, threads, out, err);
}

static void
output_fini(const struct op *op, struct op_output *out)
{
    struct output *o = out->priv;

    (void)op;
    if (o != NULL) {
        sort_result_fini(&o->sorted);
        mem_free(o);
    }
    memset(out, 0, sizeof(*out));
}

static void
release(const struct op *op, uint8_t *val, struct memacct *acct)
{
    agg_release(op->ctx, val, acct);
}

static int
save(const struct op *op, const uint8_t *val, struct op_bytes *out, struct err *err)
{
    const struct job *job = op->ctx;
    const uint8_t version = OP_STATE_VERSION;

    op_bytes_put(out, &version, 1);
    for (size_t c = job->nkeys; c < job->ncols; c++) {
        const struct job_col *col = &job->cols[c];

        if (col->agg == AGG_DISTINCT) {
            if (op_save_dset((const struct dset *)(const void *)(val + col->off), col->width, out,
                             err) < 0)
                return -ERR_INTERNAL;
        } else {
            uint64_t v;

            /* a sum is 128 bits: the high word after the low one; avg: then its count */
            size_t words = col->agg == AGG_SUM ? 2 : col->agg == AGG_AVG ? 3 : 1;

            for (size_t k = 0; k < words; k++) {
                memcpy(&v, val + col->off + 8 * k, 8);
                op_bytes_u64(out, v);
            }
        }
    }
    return 0;
}

static int
load(const struct op *op, uint8_t *val, const uint8_t *p, size_t len, struct memacct *acct,
     struct err *err)
{
    const struct job *job = op->ctx;
    const uint8_t *end = p + len;

    if (len < 1 || p[0] != OP_STATE_VERSION)
        return ERR_SET(err, ERR_FORMAT, "saved state: version %d, not %d", len ? p[0] : -1,
                       OP_STATE_VERSION);
    p++;
    for (size_t c = job->nkeys; c < job->ncols; c++) {
        const struct job_col *col = &job->cols[c];
        int rc;

        if (col->agg == AGG_DISTINCT) {
            rc = op_load_dset((struct dset *)(void *)(val + col->off), col->width, &p, end, acct,
                              err);
        } else {
            size_t words = col->agg == AGG_SUM ? 2 : col->agg == AGG_AVG ? 3 : 1;

            rc = 0;
            for (size_t k = 0; k < words && rc == 0; k++) {
                uint64_t v = 0;

                rc = op_read_u64(&p, end, &v, col->name, err);
                memcpy(val + col->off + 8 * k, &v, 8);
            }
        }
        if (rc < 0)
            return rc;
    }
    if (p != end)
        return ERR_SET(err, ERR_FORMAT, "saved state: %zu bytes left over", (size_t)(end - p));
    return 0;
}

static int
rank_groups(const struct op *op, const struct htab *t, int threads, size_t extra,
            struct htab_entry ***pass, size_t *npass, struct htab_entry ***list, size_t *nlist,
            struct err *err)
{
    return sort_rank(op->ctx, t, threads, extra, pass, npass, list, nlist, err);
}

static int
select_groups(const struct op *op, const struct htab *t, int threads, struct htab_entry **keep,
              size_t *n, size_t *passed, struct err *err)
{
    return sort_select(op->ctx, t, threads, keep, n, passed, err);
}

static void *
order_create(const struct op *op, size_t slots)
{
    const struct job *job = op->ctx;

    return job->limit != 0 ? NULL : sort_order_create(job, slots);
}

static void
order_destroy(void *o)
{
    sort_order_destroy(o);
}

static int
order_set(void *o, size_t slot, struct htab_entry *e, struct err *err)
{
    return sort_order_set(o, slot, e, err);
}

static int
order_cmp(void *o, size_t a, size_t b)
{
    return sort_order_cmp(o, a, b);
}

/* group_keep() - ipfix_need.keep: the flow-level conjuncts of --where that read no DNS record. */
static int
group_keep(const void *ctx, const struct flow *f, uint64_t *records)
{
    const struct job *job = ctx;

    if (job_keep_flow_pre(job, f))
        return 1;
    *records += (uint64_t)record_count(f, job->view); /* as fold() counts a flow it drops */
    return 0;
}

#define USES(f) ((uint64_t)1 << (f))

/* flow_need() - the flow fields (enum ipfix_need_flow) that fields `uses` read under `job`. */
static uint32_t
flow_need(const struct job *job, uint64_t uses)
{
    uint32_t n = 0;

    if (uses & (USES(FIELD_START) | USES(FIELD_END) | USES(FIELD_HOUR)))
        n |= IPFIX_NEED_TIME;
    if (uses & (USES(FIELD_SIP) | USES(FIELD_DIP)))
        n |= IPFIX_NEED_ADDRS;
    if (uses & (USES(FIELD_SPORT) | USES(FIELD_DPORT)))
        n |= IPFIX_NEED_PORTS;
    if (uses & USES(FIELD_PROTO))
        n |= IPFIX_NEED_PROTO;
    if (uses & USES(FIELD_APP))
        n |= IPFIX_NEED_APP;
    if (uses & (USES(FIELD_BYTES) | USES(FIELD_PACKETS)))
        n |= IPFIX_NEED_COUNTS;
    if (uses & (USES(FIELD_RBYTES) | USES(FIELD_RPACKETS)))
        n |= IPFIX_NEED_REV;
    /* the views: SiLK's records exist by both sides' counts; a total is checked for overflow */
    if (job->view == REC_SILK || job->view == REC_SILK_FORWARD || job->bytes_total)
        n |= IPFIX_NEED_COUNTS | IPFIX_NEED_REV;
    return n;
}

/* dns_need() - the DNS record parts (enum ipfix_need_dns) the job reads. */
static uint32_t
dns_need(const struct job *job, uint64_t uses)
{
    uint32_t n = 0;

    if (uses & (USES(FIELD_DNS_NAMES) | USES(FIELD_DNS_NAME) | USES(FIELD_DNS_DOMAIN)))
        n |= IPFIX_NEED_DNS_NAME;
    if (uses & (USES(FIELD_DNS_TYPES) | USES(FIELD_DNS_TYPE)))
        n |= IPFIX_NEED_DNS_TYPE;
    if (uses & USES(FIELD_DNS_QR))
        n |= IPFIX_NEED_DNS_QR;
    if (uses & USES(FIELD_DNS_RCODE))
        n |= IPFIX_NEED_DNS_RCODE;
    if (uses & USES(FIELD_DNS_SECTION))
        n |= IPFIX_NEED_DNS_SECTION;
    if (uses & USES(FIELD_DNS_TTL))
        n |= IPFIX_NEED_DNS_TTL;
    if (job->view == REC_DNS && n == 0) /* its records point into flow.dns[] */
        n = IPFIX_NEED_DNS_TYPE;
    return n;
}

/* group_need() - the projection of `job` into op->need (op.h). */
static void
group_need(struct op *op, const struct job *job)
{
    struct ipfix_need *n = &op->need;

    op->projected = 1;
    n->flow = flow_need(job, job->uses);
    n->dns = dns_need(job, job->uses);
    if (job->plan.npre > 0) {
        n->keep = group_keep;
        n->keep_ctx = job;
        /* what the tests read, and what record_count() reads of a flow it drops */
        n->keep_flow = flow_need(job, job_pre_uses(job));
    }
}

void
group_op_init(struct op *op, const struct job *job)
{
    memset(op, 0, sizeof(*op));
    op->name = "group";
    op->val_len = job->val_len;
    op->ctx = job;
    op->scratch_create = scratch_create;
    op->scratch_destroy = scratch_destroy;
    op->fold = fold;
    op->merge = merge;
    op->finish = finish;
    if (sets_later(job)) {
        op->merge_now = merge_now;
        op->merge_later = merge_later;
        op->finish_later = finish_later;
    }
    op->output_fini = output_fini;
    op->release = release;
    op->save = save;
    op->load = load;
    op->select = select_groups;
    op->rank = rank_groups;
    op->limit = job->limit;
    op->order_create = order_create;
    op->order_destroy = order_destroy;
    op->order_set = order_set;
    op->order_cmp = order_cmp;
    group_need(op, job);
}
