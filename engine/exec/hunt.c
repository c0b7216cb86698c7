/*
 * hunt.c - see hunt.h and docs/dns-hunt.md.
 */
#include "hunt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#include "mem.h"

#define MICRO 1000000.0

void
hunt_scratch_fini(struct hunt_scratch *s)
{
    mem_free(s->touched);
    domain_cache_destroy(s->cache);
    memset(s, 0, sizeof(*s));
}

static int
is_dns_port(uint16_t p)
{
    return p == 53 || p == 5353 || p == 5355;
}

/*
 * Shannon entropy of the query part's characters (dots excluded), in
 * micro-bits per character: H = log2(n) - sum(c * log2(c)) / n over the
 * character counts c, with c * log2(c) from a table (query parts are cut at
 * ENTROPY_MAX characters), so a name costs one log2 and no 256-bucket pass.
 */
#define ENTROPY_MAX 1024

static double clog_table[ENTROPY_MAX + 1];

void
hunt_init_tables(void)
{
    for (int c = 1; c <= ENTROPY_MAX; c++)
        clog_table[c] = (double)c * log2((double)c);
}

static uint64_t
entropy_micro(const uint8_t *p, size_t len)
{
    uint16_t count[256];
    uint8_t seen[ENTROPY_MAX];
    size_t n = 0, distinct = 0;
    double sum = 0;

    if (len > ENTROPY_MAX)
        len = ENTROPY_MAX;
    for (size_t i = 0; i < len; i++)
        count[p[i]] = 0;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '.')
            continue;
        if (count[p[i]]++ == 0)
            seen[distinct++] = p[i];
        n++;
    }
    if (n == 0)
        return 0;
    for (size_t i = 0; i < distinct; i++)
        sum += clog_table[count[seen[i]]];
    return (uint64_t)((log2((double)n) - sum / (double)n) * MICRO + 0.5);
}

static void
pack_addr(uint8_t *out, uint8_t family, const uint8_t *a)
{
    out[0] = family;
    memcpy(out + 1, a, 16);
}

/* The group key of one named record, by h->o.by. */
static void
pack_key(const struct hunt *h, struct keybuf *k, const uint8_t *client, const uint8_t *server,
         const struct domain_parts *d)
{
    size_t need = 17 + d->domain_len;

    if (k->cap < need) {
        k->p = mem_realloc(k->p, need + 64);
        k->cap = need + 64;
    }
    k->len = 0;
    if (h->o.by == HUNT_BY_SERVER) {
        memcpy(k->p, server, 17);
        k->len = 17;
        return;
    }
    if (h->o.by == HUNT_BY_DOMAIN_SOURCE) {
        memcpy(k->p, client, 17);
        k->len = 17;
    }
    memcpy(k->p + k->len, d->domain, d->domain_len);
    k->len += d->domain_len;
}

static int
seen_in_flow(struct hunt_scratch *s, size_t n, const struct htab_entry *e)
{
    for (size_t i = 0; i < n; i++)
        if (s->touched[i] == e)
            return 1;
    return 0;
}

int
hunt_fold(const struct hunt *h, struct htab *t, struct keybuf *k, struct hunt_scratch *s,
          const struct flow *f, struct memacct *acct, struct err *err)
{
    uint8_t sip[17], dip[17];
    const uint8_t *client = sip, *server = dip;
    size_t ntouched = 0;

    if (f->app_label != 53 || f->ndns == 0)
        return 0;
    pack_addr(sip, f->family, f->sip);
    pack_addr(dip, f->family, f->dip);
    /* The server is the side on a DNS port (a response flow runs server -> client). */
    if (!is_dns_port(f->dport) && is_dns_port(f->sport)) {
        client = dip;
        server = sip;
    }
    if (s->cap < f->ndns) {
        s->cap = f->ndns;
        s->touched = mem_realloc(s->touched, s->cap * sizeof(*s->touched));
    }
    struct domain_parts d;
    struct htab_entry *e = NULL;
    const struct dns_rr *prev = NULL; /* the last named record: its work is reused */
    uint64_t ent = 0;

    for (uint32_t i = 0; i < f->ndns; i++) {
        const struct dns_rr *rr = &f->dns[i];
        struct hunt_val *v;
        int same = prev && prev->name_len == rr->name_len &&
                   memcmp(prev->name, rr->name, rr->name_len) == 0;

        if (!same) {
            int is_new;

            if (s->cache == NULL)
                s->cache = domain_cache_create();
            if (!domain_split(h->dl, s->cache, rr->name, rr->name_len, &d))
                continue;
            pack_key(h, k, client, server, &d);
            e = htab_upsert(t, k->p, (uint32_t)k->len, XXH3_64bits(k->p, k->len), &is_new, err);
            if (e == NULL)
                return -ERR_LIMIT;
            ent = entropy_micro(d.query, d.query_len);
        }
        v = (struct hunt_val *)(void *)htab_entry_val(e);
        if (!seen_in_flow(s, ntouched, e)) {
            uint64_t hour = f->start_ms > 0 ? (uint64_t)f->start_ms / 3600000u : 0;

            s->touched[ntouched++] = e;
            v->flows++;
            v->bytes += f->bytes;
            v->packets += f->packets;
            if (~(uint64_t)f->start_ms > v->first_ms)
                v->first_ms = ~(uint64_t)f->start_ms;
            if ((uint64_t)f->start_ms > v->last_ms)
                v->last_ms = (uint64_t)f->start_ms;
            if (dset_add(&v->clients, client, 17, acct, err) < 0 ||
                dset_add(&v->hours, (const uint8_t *)&hour, 8, acct, err) < 0)
                return -ERR_LIMIT;
        }
        v->records++;
        v->queries += rr->qr == 0 && rr->section == 0;
        v->len_sum += rr->name_len;
        if (rr->name_len > v->len_max)
            v->len_max = rr->name_len;
        v->qlen_sum += d.query_len;
        v->ent_sum += ent;
        switch (rr->rrtype) {
        case 1:  /* A */
        case 28: /* AAAA */
        case 12: /* PTR */
            break;
        case 16:
            v->n_txt++;
            break;
        case 10:
            v->n_null++;
            break;
        case 5:
            v->n_cname++;
            break;
        case 15:
            v->n_mx++;
            break;
        default:
            v->n_other++;
            break;
        }
        v->n_err += rr->rcode != 0;
        if (!same) { /* a repeated name is already in the set */
            XXH128_hash_t fp = XXH3_128bits(rr->name, rr->name_len);
            uint8_t item[16];

            memcpy(item, &fp.low64, 8);
            memcpy(item + 8, &fp.high64, 8);
            if (dset_add(&v->names, item, 16, acct, err) < 0)
                return -ERR_LIMIT;
        }
        prev = rr;
    }
    return 0;
}

int
hunt_merge(uint8_t *dst, uint8_t *src, struct memacct *acct, struct err *err)
{
    struct hunt_val *d = (struct hunt_val *)(void *)dst;
    struct hunt_val *s = (struct hunt_val *)(void *)src;
    struct dset *dsets[3] = {&d->clients, &d->names, &d->hours};
    struct dset *ssets[3] = {&s->clients, &s->names, &s->hours};
    static const size_t width[3] = {17, 16, 8};
    int rc = 0;

    d->flows += s->flows;
    d->queries += s->queries;
    d->records += s->records;
    d->bytes += s->bytes;
    d->packets += s->packets;
    d->len_sum += s->len_sum;
    d->qlen_sum += s->qlen_sum;
    d->ent_sum += s->ent_sum;
    d->n_txt += s->n_txt;
    d->n_null += s->n_null;
    d->n_cname += s->n_cname;
    d->n_mx += s->n_mx;
    d->n_other += s->n_other;
    d->n_err += s->n_err;
    if (s->len_max > d->len_max)
        d->len_max = s->len_max;
    if (s->first_ms > d->first_ms)
        d->first_ms = s->first_ms;
    if (s->last_ms > d->last_ms)
        d->last_ms = s->last_ms;
    for (int i = 0; i < 3 && rc == 0; i++) {
        if (ssets[i]->n > dsets[i]->n) {
            struct dset tmp = *dsets[i];

            *dsets[i] = *ssets[i];
            *ssets[i] = tmp;
        }
        rc = dset_merge(dsets[i], ssets[i], width[i], acct, err);
    }
    hunt_release(src, acct);
    return rc;
}

void
hunt_release(uint8_t *val, struct memacct *acct)
{
    struct hunt_val *v = (struct hunt_val *)(void *)val;

    dset_fini(&v->clients, 17, acct);
    dset_fini(&v->names, 16, acct);
    dset_fini(&v->hours, 8, acct);
}

/* ---- finish --------------------------------------------------------------- */

struct hrow {
    const struct htab_entry *e;
    double score;
};

static const uint8_t *
entry_key(const struct htab_entry *e)
{
    return htab_entry_key(e, (uint32_t)((sizeof(struct hunt_val) + 7u) & ~7u));
}

static int
hrow_cmp(const void *a, const void *b)
{
    const struct hrow *x = a, *y = b;
    size_t n = x->e->key_len < y->e->key_len ? x->e->key_len : y->e->key_len;
    int c;

    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    c = memcmp(entry_key(x->e), entry_key(y->e), n);
    if (c)
        return c;
    return x->e->key_len < y->e->key_len ? -1 : x->e->key_len > y->e->key_len;
}

static double
round3(double x)
{
    return floor(x * 1000.0 + 0.5) / 1000.0;
}

static double
hunt_score(const struct hunt *h, const struct hunt_val *v)
{
    double r = v->records ? (double)v->records : 1.0;
    double qlen = (double)v->qlen_sum / r;
    double ent = (double)v->ent_sum / MICRO / r;
    double odd = (double)(v->n_txt + v->n_null + v->n_cname + v->n_mx + v->n_other) / r;
    double len_term = fmin(1.0, qlen / h->o.len_norm);
    double ent_term = fmin(1.0, ent / h->o.entropy_norm);

    double per_client = (double)v->names.n / (double)(v->clients.n ? v->clients.n : 1);

    return round3(log2(1.0 + per_client) * (len_term + ent_term + odd));
}

static const char *const domain_cols[] = {"domain"};
static const char *const domsrc_cols[] = {"source", "domain"};
static const char *const server_cols[] = {"server"};
static const char *const stat_cols[] = {
    "score", "flows", "queries", "names", "sources", "bytes", "packets", "len_mean", "len_max",
    "entropy", "txt", "null", "cname", "mx", "other", "rcode_err", "first", "last", "hours"};
#define NSTAT (sizeof(stat_cols) / sizeof(stat_cols[0]))
#define TIME_LEN 64 /* "2024-05-01T06:00:00.123Z" + NUL, with room gcc can prove */

static void
format_ms(char *buf, uint64_t ms)
{
    time_t sec = (time_t)(ms / 1000);
    struct tm tm;

    gmtime_r(&sec, &tm);
    snprintf(buf, TIME_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)(ms % 1000));
}

static struct out_cell
addr(const uint8_t *a17)
{
    struct out_cell c = {.kind = OUT_ADDR};

    c.v.addr.family = a17[0];
    memcpy(c.v.addr.a, a17 + 1, 16);
    return c;
}

int
hunt_finish(const struct hunt *h, const struct htab *t, uint64_t limit, struct hunt_result *res,
            struct err *err)
{
    const char *const *keys = h->o.by == HUNT_BY_DOMAIN   ? domain_cols
                              : h->o.by == HUNT_BY_SERVER ? server_cols
                                                          : domsrc_cols;
    size_t nkeys = h->o.by == HUNT_BY_DOMAIN_SOURCE ? 2 : 1;
    size_t ncols = nkeys + NSTAT, n = 0, want;
    struct hrow *rows = mem_alloc((htab_count(t) + 1) * sizeof(*rows));

    (void)err;
    memset(res, 0, sizeof(*res));
    for (unsigned p = 0; p < HTAB_PARTS; p++)
        for (size_t i = 0; i < htab_part_cap(t, p); i++) {
            struct htab_entry *e = htab_part_slot(t, p, i);
            const struct hunt_val *v;

            if (e == NULL)
                continue;
            res->groups++;
            v = (const struct hunt_val *)(const void *)htab_entry_val(e);
            if (v->names.n < h->o.min_names)
                continue;
            rows[n].e = e;
            rows[n].score = hunt_score(h, v);
            n++;
        }
    res->kept = n;
    qsort(rows, n, sizeof(*rows), hrow_cmp);
    want = limit && limit < n ? (size_t)limit : n;

    res->cols = mem_calloc(ncols, sizeof(*res->cols));
    for (size_t c = 0; c < ncols; c++) {
        const char *name = c < nkeys ? keys[c] : stat_cols[c - nkeys];

        res->cols[c].name = name;
        res->cols[c].json_name = name;
    }
    res->cells = mem_calloc(want * ncols + 1, sizeof(*res->cells));
    res->text = mem_alloc(want * 2 * TIME_LEN + 1);
    for (size_t r = 0; r < want; r++) {
        const struct htab_entry *e = rows[r].e;
        const struct hunt_val *v = (const struct hunt_val *)(const void *)htab_entry_val(
            (struct htab_entry *)(uintptr_t)e);
        const uint8_t *key = entry_key(e);
        struct out_cell *c = res->cells + r * ncols;
        double rec = v->records ? (double)v->records : 1.0;
        char *first = res->text + r * 2 * TIME_LEN, *last = first + TIME_LEN;

        if (h->o.by == HUNT_BY_DOMAIN) {
            *c++ = out_cell_list(OUT_TEXT, key, (uint32_t)(e->key_len), 0);
        } else if (h->o.by == HUNT_BY_SERVER) {
            *c++ = addr(key);
        } else {
            *c++ = addr(key);
            *c++ = out_cell_list(OUT_TEXT, key + 17, (uint32_t)(e->key_len - 17), 0);
        }
        format_ms(first, ~v->first_ms);
        format_ms(last, v->last_ms);
        *c++ = out_cell_f64(round3(rows[r].score));
        *c++ = out_cell_u64(v->flows);
        *c++ = out_cell_u64(v->queries);
        *c++ = out_cell_u64(v->names.n);
        *c++ = out_cell_u64(v->clients.n);
        *c++ = out_cell_u64(v->bytes);
        *c++ = out_cell_u64(v->packets);
        *c++ = out_cell_f64(round3((double)v->len_sum / rec));
        *c++ = out_cell_u64(v->len_max);
        *c++ = out_cell_f64(round3((double)v->ent_sum / MICRO / rec));
        *c++ = out_cell_f64(round3((double)v->n_txt / rec));
        *c++ = out_cell_f64(round3((double)v->n_null / rec));
        *c++ = out_cell_f64(round3((double)v->n_cname / rec));
        *c++ = out_cell_f64(round3((double)v->n_mx / rec));
        *c++ = out_cell_f64(round3((double)v->n_other / rec));
        *c++ = out_cell_f64(round3((double)v->n_err / rec));
        *c++ = out_cell_list(OUT_TEXT, first, (uint32_t)(strlen(first)), 0);
        *c++ = out_cell_list(OUT_TEXT, last, (uint32_t)(strlen(last)), 0);
        *c++ = out_cell_u64(v->hours.n);
    }
    mem_free(rows);
    res->table.cols = res->cols;
    res->table.ncols = ncols;
    res->table.cells = res->cells;
    res->table.nrows = want;
    res->table.has_more = n > want;
    return 0;
}

void
hunt_result_fini(struct hunt_result *res)
{
    mem_free(res->cols);
    mem_free(res->cells);
    mem_free(res->text);
    memset(res, 0, sizeof(*res));
}
