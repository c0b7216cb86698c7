/*
 * hunt_op.c - see hunt_op.h: hunt.c's fold, merge and finish behind op.h.
 */
#include "hunt_op.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "bulksum.h"
#include "domain.h"
#include "file_read.h"
#include "hunt_side.h"
#include "job.h"
#include "le.h"
#include "mem.h"
#include "record.h"
#include "side.h"

struct hunt_op {
    struct op op; /* first: a struct op * is a struct hunt_op * */
    struct hunt hunt;
    struct domain_list *dl;
    uint64_t limit;
};

struct op_scratch {
    struct hunt_scratch hunt;
    const struct flow **kept; /* the batch's flows --where keeps */
    size_t cap;
};

static struct op_scratch *
scratch_create(const struct op *op)
{
    (void)op;
    return mem_calloc(1, sizeof(struct op_scratch));
}

static void
scratch_destroy(struct op_scratch *s)
{
    if (s == NULL)
        return;
    hunt_scratch_fini(&s->hunt);
    mem_free(s->kept);
    mem_free(s);
}

/*
 * Each flow is one record, kept unless --where drops it (the flows view:
 * the flow's fields, its DNS functions and names); hunt_fold() picks the DNS
 * flows itself.
 */
static int
fold(const struct op *op, struct op_scratch *s, struct htab *t, const struct flow *flows,
     const uint32_t *sel, size_t n, struct op_counts *c, struct memacct *acct, struct err *err)
{
    const struct hunt *h = op->ctx;
    const struct job *where = h->o.where;
    size_t m = 0;

    if (s->cap < n) {
        s->cap = n;
        s->kept = mem_realloc(s->kept, n * sizeof(*s->kept));
    }
    for (size_t i = 0; i < n; i++) {
        const struct flow *f = &flows[sel != NULL ? sel[i] : i];

        c->records++;
        if (where != NULL) {
            struct rec r;
            int rc;

            if (!job_keep_flow(where, f))
                continue;
            (void)record_at(f, REC_FLOWS, 0, 0, &r); /* forward counts: never fails */
            rc = job_keep_rec(where, &r, err);
            if (rc < 0) {
                err_prefix(err, "--where");
                return rc;
            }
            if (rc == 0)
                continue;
        }
        c->kept++;
        s->kept[m++] = f;
    }
    return hunt_fold(h, t, &s->hunt, s->kept, m, acct, err);
}

/*
 * hunt_keep() - ipfix_need.keep without --where: the flows hunt_fold() skips (not DNS, or no
 * DNS record) are dropped by the reader before the rest of them is decoded. Each is one record,
 * and kept (no --where drops it): ipfix_need.dropped_kept.
 */
static int
hunt_keep(const void *ctx, const struct flow *f, uint64_t *records)
{
    (void)ctx;
    if (f->app_label == 53 && f->ndns > 0)
        return 1;
    *records += 1;
    return 0;
}

/*
 * hunt_need() - what hunt_fold() reads (op->need): times, both directions' counts, addresses,
 * ports and the label of each flow; name, type, QR, RCODE and section of each DNS record.
 * With --where the job may read any field: the reader decodes everything.
 */
static void
hunt_need(struct op *op, const struct hunt_opts *o)
{
    struct ipfix_need *n = &op->need;

    if (o->where != NULL)
        return;
    op->projected = 1;
    n->flow = IPFIX_NEED_TIME | IPFIX_NEED_COUNTS | IPFIX_NEED_REV | IPFIX_NEED_ADDRS |
              IPFIX_NEED_PORTS | IPFIX_NEED_APP;
    n->dns = IPFIX_NEED_DNS_NAME | IPFIX_NEED_DNS_TYPE | IPFIX_NEED_DNS_QR | IPFIX_NEED_DNS_RCODE |
             IPFIX_NEED_DNS_SECTION;
    n->keep = hunt_keep;
    n->keep_flow = IPFIX_NEED_APP;
    n->dropped_kept = 1;
}

static int
merge(const struct op *op, uint8_t *dst, uint8_t *src, struct memacct *acct, struct err *err)
{
    (void)op;
    return hunt_merge(dst, src, acct, err);
}

static int
finish(const struct op *op, const struct htab *t, int threads, struct op_output *out,
       struct err *err)
{
    const struct hunt_op *ho = (const struct hunt_op *)op;
    struct hunt_result *res = mem_calloc(1, sizeof(*res));
    int rc;

    memset(out, 0, sizeof(*out));
    out->priv = res;
    rc = hunt_finish(&ho->hunt, t, ho->limit, threads, res, err);
    if (rc < 0)
        return rc;
    out->table = res->table;
    out->groups = res->groups;
    return 0;
}

static void
output_fini(const struct op *op, struct op_output *out)
{
    (void)op;
    if (out->priv != NULL) {
        hunt_result_fini(out->priv);
        mem_free(out->priv);
    }
    memset(out, 0, sizeof(*out));
}

static void
release(const struct op *op, uint8_t *val, struct memacct *acct)
{
    (void)op;
    hunt_release(val, acct);
}

/*
 * struct hunt_val is a run of uint64_t counters, then the distinct sets
 * clients, names and hours, the flow-time series `times` (a multiset: its
 * items are saved ascending, as a set's are), the distinct set domains and
 * the hours' counts (u32 count, then hour, flows, bytes low and high words
 * of each, ascending by hour; none without hunt_opts.hourly).
 * save() writes them in that order; a change of struct hunt_val changes the
 * saved format, and the asserts below say when one was made.
 */
#define NCOUNTERS (offsetof(struct hunt_val, clients) / sizeof(uint64_t))
#define SET_AT(f) offsetof(struct hunt_val, f)
_Static_assert(offsetof(struct hunt_val, clients) % sizeof(uint64_t) == 0, "counters first");
_Static_assert(SET_AT(names) == SET_AT(clients) + sizeof(struct dset) &&
                   SET_AT(hours) == SET_AT(names) + sizeof(struct dset) &&
                   SET_AT(times) == SET_AT(hours) + sizeof(struct dset) &&
                   SET_AT(domains) == SET_AT(times) + sizeof(struct hunt_times) &&
                   SET_AT(byhr) == SET_AT(domains) + sizeof(struct dset) &&
                   sizeof(struct hunt_val) == SET_AT(byhr) + sizeof(struct hunt_hourly),
               "hunt_val changed: update hunt_op.c's save() and load()");

static const struct {
    size_t off;   /* of the struct dset in struct hunt_val */
    size_t width; /* item bytes */
} sets[] = {{SET_AT(clients), 17}, {SET_AT(names), 16}, {SET_AT(hours), 8}};

static struct dset *
set_at(const uint8_t *val, size_t off)
{
    return (struct dset *)(uintptr_t)(val + off);
}

/* The times series: u32 count, then its items ascending, 8 bytes little-endian each, written in
 * one block (sorted first only when the series is not ascending already). */
static void
save_times(const struct hunt_times *t, struct op_bytes *out)
{
    const uint64_t *src = t->p;
    uint64_t *items = NULL;
    size_t asc = 1;
    uint8_t *q;

    while (asc < t->n && src[asc - 1] <= src[asc])
        asc++;
    if (asc < t->n) { /* the items, then hunt_sort_u64()'s room */
        items = mem_alloc(((size_t)t->n + 1 + t->n / 2 + 1) * sizeof(*items));
        memcpy(items, t->p, (size_t)t->n * sizeof(*items));
        hunt_sort_u64(items, items + t->n + 1, t->n);
        src = items;
    }
    op_bytes_reserve(out, 4 + 8 * (size_t)t->n);
    q = out->p + out->len;
    le_put32(q, (uint32_t)t->n);
    for (uint32_t i = 0; i < t->n; i++)
        le_put64(q + 4 + 8 * (size_t)i, src[i]);
    out->len += 4 + 8 * (size_t)t->n;
    mem_free(items);
}

static int
load_times(struct hunt_times *t, const uint8_t **p, const uint8_t *end, struct memacct *acct,
           struct err *err)
{
    uint32_t n = 0;

    if (end - *p < 4)
        return ERR_SET(err, ERR_FORMAT, "saved state: dns-hunt times cut short");
    n = le_get32(*p);
    *p += 4;
    if ((size_t)(end - *p) / 8 < n)
        return ERR_SET(err, ERR_FORMAT, "saved state: %u dns-hunt times cut short", n);
    if (n == 0)
        return 0;
    if (memacct_charge(acct, (size_t)n * sizeof(*t->p), err) < 0)
        return -ERR_LIMIT;
    t->p = mem_alloc((size_t)n * sizeof(*t->p)); /* hunt.c's times_fini() frees cap items */
    t->cap = n;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(t->p, *p, (size_t)n * sizeof(*t->p)); /* little-endian words: as they lie */
    *p += (size_t)n * sizeof(*t->p);
    t->n = n;
#else
    for (uint32_t i = 0; i < n; i++)
        if (op_read_u64(p, end, &t->p[t->n++], "dns-hunt time", err) < 0)
            return -ERR_FORMAT;
#endif
    return 0;
}

static void
save_hourly(const struct hunt_hourly *hh, struct op_bytes *out)
{
    uint8_t *q;

    op_bytes_reserve(out, 4 + 32 * (size_t)hh->n); /* the count and every hour at once */
    q = out->p + out->len;
    le_put32(q, (uint32_t)hh->n);
    q += 4;
    for (uint32_t i = 0; i < hh->n; i++, q += 32) {
        le_put64(q, hh->p[i].hour);
        le_put64(q + 8, hh->p[i].flows);
        le_put64(q + 16, hh->p[i].bytes.lo);
        le_put64(q + 24, hh->p[i].bytes.hi);
    }
    out->len += 4 + 32 * (size_t)hh->n;
}

static int
load_hourly(struct hunt_hourly *hh, const uint8_t **p, const uint8_t *end, struct memacct *acct,
            struct err *err)
{
    uint32_t n = 0;

    if (end - *p < 4)
        return ERR_SET(err, ERR_FORMAT, "saved state: dns-hunt hours cut short");
    n = le_get32(*p);
    *p += 4;
    if ((size_t)(end - *p) / 32 < n)
        return ERR_SET(err, ERR_FORMAT, "saved state: %u dns-hunt hours cut short", n);
    if (n == 0)
        return 0;
    if (hunt_hourly_load(hh, n, acct, err) < 0)
        return -ERR_LIMIT;
    for (uint32_t i = 0; i < n; i++) {
        struct hunt_hour *x = &hh->p[i];

        if (op_read_u64(p, end, &x->hour, "dns-hunt hour", err) < 0 ||
            op_read_u64(p, end, &x->flows, "dns-hunt hour", err) < 0 ||
            op_read_u64(p, end, &x->bytes.lo, "dns-hunt hour", err) < 0 ||
            op_read_u64(p, end, &x->bytes.hi, "dns-hunt hour", err) < 0)
            return -ERR_FORMAT;
        if (i > 0 && x->hour <= hh->p[i - 1].hour)
            return ERR_SET(err, ERR_FORMAT, "saved state: dns-hunt hours out of order");
        hh->n = i + 1;
    }
    return 0;
}

/*
 * compact() - hunt_finish() reads only the counts of the distinct sets
 * (clients, names, hours, domains): a whole state keeps those and frees the
 * items. The times series stays (the timing terms read it).
 */
static void
compact(const struct op *op, uint8_t *val, struct memacct *acct)
{
    static const struct {
        size_t off, width;
    } all[] = {
        {SET_AT(clients), 17}, {SET_AT(names), 16}, {SET_AT(hours), 8}, {SET_AT(domains), 8}};

    (void)op;
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        struct dset *d = set_at(val, all[i].off);
        uint32_t n = d->n;

        dset_fini(d, all[i].width, acct);
        d->n = n; /* cap 0: nothing owned; only the count is read from here on */
    }
}

/* ---- merge_saved(): whole groups from spilled runs, sets counted as streams ---- */

static int load(const struct op *op, uint8_t *val, const uint8_t *p, size_t len,
                struct memacct *acct, struct err *err);

/* The item lists of a saved state, in save()'s order: clients (IPv4, IPv6, other), names,
 * hours, domains; and where the times series lies. */
#define NLISTS 6
static const size_t list_width[NLISTS] = {4, 16, 17, 16, 8, 8};
static const uint8_t v4_prefix[13] = {4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF}; /* dset.h */

struct saved {
    const uint8_t *list[NLISTS]; /* first item */
    uint32_t n[NLISTS];          /* items */
    const uint8_t *times;        /* the series: u32 count, then 8-byte items */
    const uint8_t *after_times;  /* the domains' count */
    const uint8_t *byhr;         /* the hours' counts: u32 count, then 32 bytes each */
    size_t byhr_len;
};

static int
saved_count(const uint8_t **p, const uint8_t *end, size_t width, uint32_t *n, struct err *err)
{
    uint32_t v = 0;

    if (end - *p < 4)
        return ERR_SET(err, ERR_FORMAT, "saved state: dns-hunt set cut short");
    v = le_get32(*p);
    *p += 4;
    if ((size_t)(end - *p) / width < v)
        return ERR_SET(err, ERR_FORMAT, "saved state: dns-hunt set of %u items cut short", v);
    *n = v;
    *p += (size_t)v * width;
    return 0;
}

/* Where the lists of saved state p[0..len) lie. 0 or -ERR_FORMAT. */
static int
saved_parse(const uint8_t *p, size_t len, struct saved *sv, struct err *err)
{
    const uint8_t *end = p + len;
    uint32_t nt;

    if (len < 1 + NCOUNTERS * 8 || p[0] != OP_STATE_VERSION)
        return ERR_SET(err, ERR_FORMAT, "saved state: version %d, not %d", len ? p[0] : -1,
                       OP_STATE_VERSION);
    p += 1 + NCOUNTERS * 8;
    for (int k = 0; k < 5; k++) {
        sv->list[k] = p + 4;
        if (saved_count(&p, end, list_width[k], &sv->n[k], err) < 0)
            return -ERR_FORMAT;
    }
    sv->times = p;
    if (saved_count(&p, end, 8, &nt, err) < 0)
        return -ERR_FORMAT;
    sv->after_times = p;
    sv->list[5] = p + 4;
    if (saved_count(&p, end, list_width[5], &sv->n[5], err) < 0)
        return -ERR_FORMAT;
    sv->byhr = p;
    if (saved_count(&p, end, 32, &nt, err) < 0)
        return -ERR_FORMAT;
    sv->byhr_len = (size_t)(p - sv->byhr);
    if (p != end)
        return ERR_SET(err, ERR_FORMAT, "saved state: %zu bytes left over", (size_t)(end - p));
    return 0;
}

/*
 * The size of the union of k ascending lists of `width`-byte items: a k-way merge that
 * holds one position per list. -1 when a list is not strictly ascending.
 */
static int64_t
union_count(struct saved *sv, size_t k, int list, size_t width, uint32_t *pos)
{
    int64_t n = 0;
    const uint8_t *last = NULL;

    memset(pos, 0, k * sizeof(*pos));
    for (;;) {
        const uint8_t *min = NULL;

        for (size_t i = 0; i < k; i++) {
            const uint8_t *it;

            if (pos[i] == sv[i].n[list])
                continue;
            it = sv[i].list[list] + (size_t)pos[i] * width;
            if (min == NULL || memcmp(it, min, width) < 0)
                min = it;
        }
        if (min == NULL)
            return n;
        if (last != NULL && memcmp(min, last, width) < 0)
            return -1; /* a list went backwards */
        n++;
        last = min;
        /* every list at this item moves on (a list repeating it is out of order) */
        for (size_t i = 0; i < k; i++) {
            const uint8_t *it;

            if (pos[i] == sv[i].n[list])
                continue;
            it = sv[i].list[list] + (size_t)pos[i] * width;
            if (memcmp(it, min, width) != 0)
                continue;
            pos[i]++;
            if (pos[i] < sv[i].n[list] && memcmp(it + width, it, width) <= 0)
                return -1;
        }
    }
}

/* The state s[0..len) without its set items (empty lists), and without its times when
 * `no_times`, appended to `out` (the hours' counts kept: load() and merge() add them). */
static void
saved_strip(const uint8_t *s, const struct saved *sv, int no_times, struct op_bytes *out)
{
    static const uint8_t zero[4] = {0, 0, 0, 0};

    op_bytes_put(out, s, 1 + NCOUNTERS * 8);
    for (int k = 0; k < 5; k++)
        op_bytes_put(out, zero, 4);
    if (no_times)
        op_bytes_put(out, zero, 4);
    else
        op_bytes_put(out, sv->times, (size_t)(sv->after_times - sv->times));
    op_bytes_put(out, zero, 4);
    op_bytes_put(out, sv->byhr, sv->byhr_len);
}

static int
merge_saved(const struct op *op, uint8_t *val, const uint8_t *const *s, const size_t *len, size_t n,
            struct memacct *acct, struct err *err)
{
    struct hunt_val *v = (struct hunt_val *)(void *)val;
    struct saved *sv = mem_calloc(n + 1, sizeof(*sv));
    uint32_t *pos = mem_calloc(n + 1, sizeof(*pos));
    uint8_t *tmp = mem_alloc(sizeof(struct hunt_val));
    struct op_bytes b = {0};
    int64_t count[NLISTS];
    int rc = 0, no_times;

    for (size_t i = 0; i < n && rc == 0; i++)
        rc = saved_parse(s[i], len[i], &sv[i], err);
    for (int k = 0; k < NLISTS && rc == 0; k++) {
        count[k] = union_count(sv, n, k, list_width[k], pos);
        if (count[k] < 0 || count[k] > UINT32_MAX)
            rc = ERR_SET(err, ERR_FORMAT, "saved state: a dns-hunt set out of order");
    }
    /* the merged group's times are dropped when its clients are many (hunt_merge()) */
    no_times = rc == 0 && count[0] + count[1] + count[2] > HUNT_TIMING_CLIENTS;
    for (size_t i = 0; i < n && rc == 0; i++) {
        b.len = 0;
        saved_strip(s[i], &sv[i], no_times, &b);
        if (i == 0) {
            rc = load(op, val, b.p, b.len, acct, err);
        } else {
            memset(tmp, 0, sizeof(struct hunt_val));
            rc = load(op, tmp, b.p, b.len, acct, err);
            if (rc == 0)
                rc = merge(op, val, tmp, acct, err); /* releases tmp */
            else
                release(op, tmp, acct);
        }
    }
    if (rc == 0) {
        if (no_times)
            v->no_times = 1;    /* no state's times were loaded */
        compact(op, val, acct); /* the sets are empty: their counts follow */
        v->clients.n = (uint32_t)(count[0] + count[1] + count[2]);
        v->names.n = (uint32_t)count[3];
        v->hours.n = (uint32_t)count[4];
        v->domains.n = (uint32_t)count[5];
    }
    op_bytes_fini(&b);
    mem_free(tmp);
    mem_free(pos);
    mem_free(sv);
    return rc;
}

/* Skips a saved list of `width`-byte items at *p (its u32 count first) into *n. 0 or -1. */
static inline int
skip_list(const uint8_t **p, const uint8_t *end, size_t width, uint32_t *n)
{
    uint32_t v;

    if (end - *p < 4)
        return -1;
    v = le_get32(*p);
    *p += 4;
    if ((uint64_t)v * width > (uint64_t)(end - *p))
        return -1;
    *p += (size_t)v * width;
    *n = v;
    return 0;
}

/*
 * load_counts() - op.h: the counters, the sets' counts (the saved lists' counts: their
 * items are skipped), the times series and the hours' counts of saved state p[0..len), as
 * load() then compact() leave a state. The same checks of the structure as load()'s (every
 * list fits, no byte left over), not of the items (load() places them, which finds a repeat).
 */
static int
load_counts(const struct op *op, uint8_t *val, const uint8_t *p, size_t len, struct memacct *acct,
            struct err *err)
{
    struct hunt_val *v = (struct hunt_val *)(void *)val;
    const uint8_t *q = p + 1 + NCOUNTERS * 8, *end = p + len;
    uint32_t n[NLISTS];
    uint64_t clients;
    int rc;

    (void)op;
    if (len < 1 + NCOUNTERS * 8 || p[0] != OP_STATE_VERSION)
        return ERR_SET(err, ERR_FORMAT, "saved state: version %d, not %d", len ? p[0] : -1,
                       OP_STATE_VERSION);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(val, p + 1, NCOUNTERS * 8); /* the counters lead struct hunt_val, as saved */
#else
    for (size_t i = 0; i < NCOUNTERS; i++) {
        uint64_t c = le_get64(p + 1 + i * 8);

        memcpy(val + i * sizeof(uint64_t), &c, sizeof(c));
    }
#endif
    for (int k = 0; k < 5; k++)
        if (skip_list(&q, end, list_width[k], &n[k]) < 0)
            return ERR_SET(err, ERR_FORMAT, "saved state: dns-hunt set cut short");
    clients = (uint64_t)n[0] + n[1] + n[2];
    if (clients > UINT32_MAX)
        return ERR_SET(err, ERR_FORMAT, "saved state: %llu dns-hunt clients",
                       (unsigned long long)clients);
    if ((rc = load_times(&v->times, &q, end, acct, err)) < 0)
        return rc;
    if (skip_list(&q, end, list_width[5], &n[5]) < 0)
        return ERR_SET(err, ERR_FORMAT, "saved state: dns-hunt set cut short");
    if ((rc = load_hourly(&v->byhr, &q, end, acct, err)) < 0)
        return rc;
    if (q != end)
        return ERR_SET(err, ERR_FORMAT, "saved state: %zu bytes left over", (size_t)(end - q));
    v->clients.n = (uint32_t)clients;
    v->names.n = n[3];
    v->hours.n = n[4];
    v->domains.n = n[5];
    return 0;
}

/*
 * times_merged() - a merged series (hunt_merge_counted(): the longer part first, the other
 * appended) made ascending: the loaded part is ascending already (saved so), the other is
 * sorted alone and the two runs merged, instead of the finish sorting all of it again (a
 * touched group's 29 days of times). Whatever the parts hold, the items are the same: the
 * finish sorts a series that is not ascending (timing()).
 */
static void
times_merged(uint64_t *t, uint32_t n_old, uint32_t n_new)
{
    size_t n = (size_t)n_old + n_new, h = n_old > n_new ? n_old : n_new;
    uint64_t *tmp = mem_alloc((n + n / 2 + 2) * sizeof(*tmp));
    const uint64_t *a, *b;
    size_t na, nb, i = 0, j = 0, k = 0;

    /* the part that was not loaded is the new day's: sorted where it lies */
    if (n_old > n_new) {
        hunt_sort_u64(t + h, tmp, n_new);
        a = t, na = n_old, b = t + h, nb = n_new;
    } else {
        hunt_sort_u64(t, tmp, n_new);
        a = t, na = n_new, b = t + h, nb = n_old;
    }
    if (a[na - 1] <= b[0]) {
        mem_free(tmp);
        return;
    }
    while (i < na && j < nb)
        tmp[k++] = a[i] <= b[j] ? a[i++] : b[j++];
    while (i < na)
        tmp[k++] = a[i++];
    while (j < nb)
        tmp[k++] = b[j++];
    memcpy(t, tmp, n * sizeof(*t));
    mem_free(tmp);
}

/*
 * merge_counts() - op.h: saved state p[0..len) merged into the whole state `val` as load(),
 * merge() and compact() would leave it, without making the saved sets: each saved item is
 * looked up in val's set (dset_has()), and those it lacks are counted. The saved items are
 * taken to be distinct, as load_counts() takes their counts (the roll-up is checksummed).
 */
static int
merge_counts(const struct op *op, uint8_t *val, const uint8_t *p, size_t len, struct memacct *acct,
             struct err *err)
{
    const struct hunt_val *v = (const struct hunt_val *)(const void *)val;
    const struct dset *d[NLISTS] = {&v->clients, &v->clients, &v->clients,
                                    &v->names,   &v->hours,   &v->domains};
    static const int set_of[NLISTS] = {0, 0, 0, 1, 2, 3}; /* hunt_merge_counted()'s order */
    uint8_t src[sizeof(struct hunt_val)];
    uint64_t more[4] = {0, 0, 0, 0};
    uint32_t n_new, n_old;
    struct saved sv;
    int rc;

    memset(src, 0, sizeof(src));
    if ((rc = load_counts(op, src, p, len, acct, err)) < 0) {
        hunt_release(src, acct);
        return rc;
    }
    if ((rc = saved_parse(p, len, &sv, err)) < 0) {
        hunt_release(src, acct);
        return rc;
    }
    for (int k = 0; k < NLISTS; k++) {
        uint8_t item[17];

        for (uint32_t i = 0; i < sv.n[k]; i++) {
            const uint8_t *it = sv.list[k] + (size_t)i * list_width[k];

            if (k == 0) { /* an IPv4 client: its 4 bytes */
                memcpy(item, v4_prefix, sizeof(v4_prefix));
                memcpy(item + sizeof(v4_prefix), it, 4);
                it = item;
            } else if (k == 1) { /* an IPv6 client: its 16 bytes */
                item[0] = 6;
                memcpy(item + 1, it, 16);
                it = item;
            }
            more[set_of[k]] += !dset_has(d[k], it, k < 3 ? 17 : list_width[k]);
        }
    }
    n_new = v->times.n;
    n_old = ((const struct hunt_val *)(const void *)src)->times.n;
    if ((rc = hunt_merge_counted(val, src, more, acct, err)) < 0)
        return rc;
    if (!v->no_times && v->times.n == n_old + n_new && n_new > 0 && n_old > 0)
        times_merged(v->times.p, n_old, n_new);
    return 0;
}

/* A distinct set as op_save_dset() saves it; an empty one (a client total's, the domains of
 * --by domain) as its zero counts at once: one list, or three for addresses (op.h). */
static int
save_set(const struct dset *d, size_t width, struct op_bytes *out, struct err *err)
{
    static const uint8_t zero[12] = {0};

    if (d->n == 0) {
        op_bytes_put(out, zero, width == 17 ? 12 : 4);
        return 0;
    }
    return op_save_dset(d, width, out, err);
}

static int
save(const struct op *op, const uint8_t *val, struct op_bytes *out, struct err *err)
{
    const uint8_t version = OP_STATE_VERSION;
    struct hunt_times t;

    uint8_t *q;

    (void)op;
    op_bytes_reserve(out, 1 + 8 * NCOUNTERS); /* the version and the counters at once */
    q = out->p + out->len;
    q[0] = version;
    for (size_t i = 0; i < NCOUNTERS; i++) {
        uint64_t c;

        memcpy(&c, val + i * sizeof(uint64_t), sizeof(c));
        le_put64(q + 1 + 8 * i, c);
    }
    out->len += 1 + 8 * NCOUNTERS;
    for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
        if (save_set(set_at(val, sets[i].off), sets[i].width, out, err) < 0)
            return -ERR_INTERNAL;
    memcpy(&t, val + SET_AT(times), sizeof(t));
    save_times(&t, out);
    if (save_set(set_at(val, SET_AT(domains)), 8, out, err) < 0)
        return -ERR_INTERNAL;
    save_hourly((const struct hunt_hourly *)(const void *)(val + SET_AT(byhr)), out);
    return 0;
}

static int
load(const struct op *op, uint8_t *val, const uint8_t *p, size_t len, struct memacct *acct,
     struct err *err)
{
    const uint8_t *end = p + len;
    struct hunt_times t = {NULL, 0, 0};
    int rc;

    (void)op;
    if (len < 1 || p[0] != OP_STATE_VERSION)
        return ERR_SET(err, ERR_FORMAT, "saved state: version %d, not %d", len ? p[0] : -1,
                       OP_STATE_VERSION);
    p++;
    for (size_t i = 0; i < NCOUNTERS; i++) {
        uint64_t c;

        if (op_read_u64(&p, end, &c, "dns-hunt counter", err) < 0)
            return -ERR_FORMAT;
        memcpy(val + i * sizeof(uint64_t), &c, sizeof(c));
    }
    for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
        if (op_load_dset(set_at(val, sets[i].off), sets[i].width, &p, end, acct, err) < 0)
            return -(int)err->code;
    rc = load_times(&t, &p, end, acct, err);
    memcpy(val + SET_AT(times), &t, sizeof(t)); /* owned by the state either way */
    if (rc < 0)
        return rc;
    if (op_load_dset(set_at(val, SET_AT(domains)), 8, &p, end, acct, err) < 0)
        return -(int)err->code;
    if ((rc = load_hourly((struct hunt_hourly *)(void *)(val + SET_AT(byhr)), &p, end, acct, err)) <
        0)
        return rc;
    if (p != end)
        return ERR_SET(err, ERR_FORMAT, "saved state: %zu bytes left over", (size_t)(end - p));
    return 0;
}

/* ---- dns-hunt's side file of a whole roll-up (hunt_side.h) ---- */

static int
aux_make(const struct op *op, const struct partial_layout *lay, const struct htab *t,
         const struct partial *p, const uint8_t fp[16], struct partial_buf *out, struct err *err)
{
    const struct hunt_op *ho = (const struct hunt_op *)op;
    const struct hunt_val **vals = mem_calloc(lay->n + 1, sizeof(*vals));
    uint8_t *loaded = NULL;
    size_t vlen = sizeof(struct hunt_val), n = 0;
    struct memacct acct;
    int rc = 0;

    memacct_init(&acct, 0); /* a fallback run's: not the tables' budget */
    if (t != NULL) {
        /* the layout's keys point into t (partial_write_at()): each key follows its value */
        for (size_t i = 0; i < lay->n; i++)
            vals[i] =
                (const struct hunt_val *)(const void *)(lay->g[i].key - ((op->val_len + 7u) & ~7u));
    } else {
        struct partial_cursor c;
        struct partial_entry e;

        /* the roll-up's states as load_counts() leaves them, in the layout's (file) order */
        loaded = mem_calloc(lay->n + 1, vlen);
        memset(&c, 0, sizeof(c));
        while (rc == 0 && n < lay->n && partial_next(p, &c, &e)) {
            rc = load_counts(op, loaded + n * vlen, e.state, e.state_len, &acct, err);
            vals[n] = (const struct hunt_val *)(const void *)(loaded + n * vlen);
            n++;
        }
        if (rc == 0 && n != lay->n)
            rc = ERR_SET(err, ERR_INTERNAL, "dns-hunt side file: the layout is not the roll-up's");
    }
    if (rc == 0)
        rc = hunt_side_build(&ho->hunt, lay, vals, fp, out, err);
    for (size_t i = 0; i < n; i++)
        hunt_release(loaded + i * vlen, &acct);
    mem_free(loaded);
    mem_free(vals);
    return rc;
}

static int
aux_load(const struct op *op, const char *path, void **aux, uint8_t fp[16], uint64_t roll[4],
         struct err *err)
{
    struct hside *s = mem_calloc(1, sizeof(*s));
    int rc = hunt_side_load(path, s, err);

    (void)op;
    if (rc < 0) {
        hunt_side_fini(s);
        mem_free(s);
        *aux = NULL;
        return rc;
    }
    memcpy(fp, s->finish_fp, 16);
    roll[0] = s->roll.size;
    roll[1] = s->roll.head_sum;
    roll[2] = s->roll.members_sum;
    roll[3] = s->roll.trailer_sum;
    *aux = s;
    return 0;
}

static void
aux_free(const struct op *op, void *aux)
{
    (void)op;
    if (aux != NULL) {
        hunt_side_fini(aux);
        mem_free(aux);
    }
}

/* A group of the roll-up read for aux_apply(): its entry, its bytes in the read buffer. */
struct aux_read {
    uint64_t off; /* in the roll-up (the reads go in its order) */
    uint64_t ent;
    uint32_t len;
    struct htab_entry *g; /* t's group it merges into; NULL: a group to add */
    const uint8_t *state; /* its saved state (in the buffer) */
    uint32_t state_len;
};

static int
aux_read_cmp(const void *a, const void *b)
{
    const struct aux_read *x = a, *y = b;

    return x->off < y->off ? -1 : x->off > y->off;
}

/*
 * Reads the groups of rd[0..n) in the roll-up's order into one buffer (*buf, mem_free() it;
 * neighbours in the file with one pread()), each checked alone (its checksum, hash, key and
 * state's structure), as side_group() checks a group.
 */
static int
aux_read_all(const struct hside *s, int fd, const char *name, struct aux_read *rd, size_t n,
             uint8_t **buf, struct err *err)
{
    size_t total = 0, at = 0;
    int rc = 0;

    qsort(rd, n, sizeof(*rd), aux_read_cmp);
    for (size_t i = 0; i < n; i++) {
        struct hside_ent e;

        hunt_side_ent(s, rd[i].ent, &e);
        rd[i].len = e.len;
        total += e.len;
    }
    *buf = mem_alloc(total + 1);
    for (size_t i = 0; i < n && rc == 0;) { /* a run of groups that follow each other */
        size_t j = i + 1, len = rd[i].len;

        while (j < n && rd[j].off == rd[j - 1].off + rd[j - 1].len) {
            len += rd[j].len;
            j++;
        }
        if ((rc = file_pread_whole(fd, *buf + at, len, rd[i].off, err)) < 0)
            err_prefix(err, "%s", name);
        at += len;
        i = j;
    }
    at = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const uint8_t *p = *buf + at;
        struct hside_ent e;
        struct partial_entry pe;
        struct saved sv;

        hunt_side_ent(s, rd[i].ent, &e);
        at += e.len;
        if (bulksum_xxh3(p, e.len) != e.sum)
            rc = ERR_SET(err, ERR_FORMAT, "%s: the group at byte %llu fails its checksum", name,
                         (unsigned long long)e.off);
        else if (partial_group_parse(p, e.len, &pe) < 0 || pe.hash != e.hash ||
                 pe.key_len != e.key_len || memcmp(pe.key, e.key, e.key_len) != 0)
            rc = ERR_SET(err, ERR_FORMAT, "%s: the group at byte %llu is not the side file's", name,
                         (unsigned long long)e.off);
        else if ((rc = saved_parse(pe.state, pe.state_len, &sv, err)) < 0)
            err_prefix(err, "%s: the group at byte %llu", name, (unsigned long long)e.off);
        rd[i].state = pe.state;
        rd[i].state_len = pe.state_len;
    }
    return rc;
}

static int
aux_apply(const struct op *op, void *aux, struct htab *t, int fd, const char *name,
          struct memacct *acct, uint64_t cnt[5], struct err *err)
{
    struct hunt_op *ho = (struct hunt_op *)(uintptr_t)op;
    const struct hside *s = aux;
    uint8_t *touched = mem_calloc(s->groups + 1, 1);
    size_t nt = htab_count(t), nr = 0, nc, ntop = 0, vlen = sizeof(struct hunt_val);
    struct aux_read *rd = mem_calloc(nt + 1, sizeof(*rd)), *rt = NULL;
    uint8_t *bufd = NULL, *buft = NULL;
    uint64_t *top = NULL, ugroups = 0, ukept = 0, tgroups = 0;
    uint8_t *vals = NULL;
    int rc;

    /* 1. t's groups that the roll-up holds: their old states read and checked */
    for (unsigned p = 0; p < HTAB_PARTS; p++)
        for (size_t i = 0; i < htab_part_cap(t, p); i++) {
            struct htab_entry *g = htab_part_slot(t, p, i);
            const uint8_t *key;

            if (g == NULL || hunt_key_is(g, HUNT_TAG_LEN))
                continue;
            tgroups++;
            key = htab_entry_key(g, op->val_len);
            for (uint64_t k = hunt_side_find(s, g->hash); k < s->groups; k++) {
                struct hside_ent e;

                hunt_side_ent(s, k, &e);
                if (e.hash != g->hash)
                    break;
                if (e.key_len == g->key_len && memcmp(e.key, key, e.key_len) == 0) {
                    touched[k] = 1;
                    rd[nr].off = e.off;
                    rd[nr].ent = k;
                    rd[nr++].g = g;
                    break;
                }
            }
        }
    nc = nr;
    rc = aux_read_all(s, fd, name, rd, nr, &bufd, err);
    /* 2. the untouched groups scored from their parts: the ones to print read too */
    if (rc == 0) {
        hunt_side_rank(&ho->hunt, t, s, touched, ho->limit, &top, &ntop, &ugroups, &ukept);
        rt = mem_calloc(ntop + 1, sizeof(*rt));
        for (size_t k = 0; k < ntop; k++) {
            struct hside_ent e;

            hunt_side_ent(s, top[k], &e);
            rt[k].off = e.off;
            rt[k].ent = top[k];
        }
        rc = aux_read_all(s, fd, name, rt, ntop, &buft, err);
    }
    if (rc == 0) { /* loaded apart first: t stays as it was if one does not load */
        vals = mem_calloc(ntop + 1, vlen);
        for (size_t k = 0; k < ntop && rc == 0; k++)
            rc = load_counts(op, vals + k * vlen, rt[k].state, rt[k].state_len, acct, err);
        if (rc < 0) {
            for (size_t k = 0; k < ntop; k++)
                hunt_release(vals + k * vlen, acct);
            err_prefix(err, "%s", name);
        }
    }
    /* 3. only now t changes: old states merged, client totals added, the printed groups */
    for (size_t i = 0; i < nc && rc == 0; i++)
        rc = merge_counts(op, htab_entry_val(rd[i].g), rd[i].state, rd[i].state_len, acct, err);
    for (uint64_t i = 0; i < s->tags && rc == 0; i++) {
        uint8_t key[HUNT_TAG_LEN];
        struct hunt_wide b;
        uint64_t hash;
        uint32_t ch;
        int is_new;
        struct htab_entry *g;

        hunt_side_tag(s, i, &hash, &ch, &b);
        memcpy(key, &ch, 4);
        key[4] = HUNT_KEY_END;
        g = htab_upsert(t, key, HUNT_TAG_LEN, hash, &is_new, err);
        if (g == NULL) {
            rc = -ERR_LIMIT;
        } else {
            struct hunt_val *v = (struct hunt_val *)(void *)htab_entry_val(g);

            if (is_new)
                memset(v, 0, vlen);
            hunt_wide_merge(&v->qbytes, &b); /* the finish reads qbytes + rbytes */
        }
    }
    for (size_t k = 0; k < ntop && rc == 0; k++) {
        struct hside_ent e;
        int is_new;
        struct htab_entry *g;

        hunt_side_ent(s, rt[k].ent, &e);
        g = htab_upsert(t, e.key, e.key_len, e.hash, &is_new, err);
        if (g == NULL) {
            rc = -ERR_LIMIT;
        } else if (!is_new) {
            rc = ERR_SET(err, ERR_INTERNAL, "dns-hunt side file: an untouched group is held");
        } else {
            memcpy(htab_entry_val(g), vals + k * vlen, vlen);
            memset(vals + k * vlen, 0, vlen); /* owned by t now */
        }
    }
    if (vals != NULL && rc < 0)
        for (size_t k = 0; k < ntop; k++)
            hunt_release(vals + k * vlen, acct);
    if (rc == 0) {
        ho->hunt.has_more = 1;
        ho->hunt.more_first_hour = s->first_hour;
        ho->hunt.more_last_hour = s->last_hour;
        cnt[0] = tgroups + ugroups;
        cnt[1] = ukept - ntop;
        cnt[2] = tgroups;
        cnt[3] = nc;
        cnt[4] = ntop;
    }
    mem_free(bufd);
    mem_free(buft);
    mem_free(vals);
    mem_free(top);
    mem_free(rt);
    mem_free(rd);
    mem_free(touched);
    return rc;
}

struct op *
hunt_op_create(const struct hunt_opts *o, uint64_t limit, struct err *err)
{
    struct hunt_op *ho;
    struct domain_list *dl = domain_list_load(err);

    if (dl == NULL)
        return NULL;
    hunt_init_tables();
    ho = mem_calloc(1, sizeof(*ho));
    ho->hunt.o = *o;
    ho->hunt.dl = dl;
    ho->dl = dl;
    ho->limit = limit;
    ho->op.name = "dns-hunt";
    ho->op.val_len = (uint32_t)sizeof(struct hunt_val);
    ho->op.ctx = &ho->hunt;
    ho->op.scratch_create = scratch_create;
    ho->op.scratch_destroy = scratch_destroy;
    ho->op.fold = fold;
    ho->op.merge = merge;
    ho->op.finish = finish;
    ho->op.output_fini = output_fini;
    ho->op.release = release;
    ho->op.save = save;
    ho->op.compact = compact;
    ho->op.merge_saved = merge_saved;
    ho->op.load = load;
    ho->op.load_counts = load_counts;
    ho->op.merge_counts = merge_counts;
    ho->hunt.more_first_hour = UINT64_MAX;
    if (limit > 0 && !o->server_view) { /* a side file serves the runs that print a few rows */
        ho->op.aux_suffix = HSIDE_SUFFIX;
        ho->op.aux_make = aux_make;
        ho->op.aux_load = aux_load;
        ho->op.aux_apply = aux_apply;
        ho->op.aux_free = aux_free;
    }
    hunt_need(&ho->op, o);
    return &ho->op;
}

int
hunt_op_finish_view(const struct op *op, const struct htab *t, enum hunt_by by, uint64_t limit,
                    struct op_output *out, struct err *err)
{
    const struct hunt_op *ho = (const struct hunt_op *)op;
    struct hunt view = ho->hunt;
    struct hunt_result *res = mem_calloc(1, sizeof(*res));
    int rc;

    view.o.by = by;
    memset(out, 0, sizeof(*out));
    out->priv = res;
    rc = hunt_finish(&view, t, limit, 1, res, err);
    if (rc < 0)
        return rc;
    out->table = res->table;
    out->groups = res->groups;
    return 0;
}

const struct hunt_hourly *
hunt_op_hourly(const struct op_output *out, size_t row)
{
    const struct hunt_result *res = out->priv;

    return res != NULL && row < res->table.nrows ? res->hourly[row] : NULL;
}

void
hunt_op_destroy(struct op *op)
{
    struct hunt_op *ho = (struct hunt_op *)op;

    if (ho == NULL)
        return;
    domain_list_free(ho->dl);
    mem_free(ho);
}
