/*
 * hunt.c - see hunt.h and docs/dns-hunt.md.
 */
#include "hunt.h"

#include <errno.h>
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
    if (h->o.by == HUNT_BY_SERVER || h->o.by == HUNT_BY_CLIENT) {
        memcpy(k->p, h->o.by == HUNT_BY_SERVER ? server : client, 17);
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

/* --allow: is `dom` (lowercased, trailing dot) or one of its parent suffixes listed? */
static int
str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
allowed(const struct hunt_allow *a, const char *dom)
{
    for (const char *p = dom; *p; p++) {
        if (p != dom && p[-1] != '.')
            continue;
        if (bsearch(&p, a->s, a->n, sizeof(*a->s), str_cmp) != NULL)
            return 1;
    }
    return 0;
}

static void
times_fini(struct hunt_times *t, struct memacct *acct)
{
    if (t->cap) {
        memacct_release(acct, (size_t)t->cap * sizeof(*t->p));
        mem_free(t->p);
    }
    memset(t, 0, sizeof(*t));
}

static int
times_reserve(struct hunt_times *t, uint32_t more, struct memacct *acct, struct err *err)
{
    uint32_t cap = t->cap ? t->cap : 4;

    if (t->n + more <= t->cap)
        return 0;
    while (cap < t->n + more)
        cap *= 2;
    if (memacct_charge(acct, (size_t)(cap - t->cap) * sizeof(*t->p), err) < 0)
        return -ERR_LIMIT;
    t->p = mem_realloc(t->p, (size_t)cap * sizeof(*t->p));
    t->cap = cap;
    return 0;
}

static void
drop_times(struct hunt_val *v, struct memacct *acct)
{
    times_fini(&v->times, acct);
    v->no_times = 1;
}

/* Adds the flow's start to the group's (client, time) series while the group has few clients. */
static int
add_time(struct hunt_val *v, uint64_t item, struct memacct *acct, struct err *err)
{
    if (v->no_times)
        return 0;
    if (v->clients.n > HUNT_TIMING_CLIENTS) {
        drop_times(v, acct);
        return 0;
    }
    if (v->times.n == v->times.cap && times_reserve(&v->times, 1, acct, err) < 0)
        return -ERR_LIMIT;
    v->times.p[v->times.n++] = item;
    return 0;
}

int
hunt_fold(const struct hunt *h, struct htab *t, struct keybuf *k, struct hunt_scratch *s,
          const struct flow *f, struct memacct *acct, struct err *err)
{
    uint8_t sip[17], dip[17];
    const uint8_t *client = sip, *server = dip;
    size_t ntouched = 0;
    uint64_t cb = f->bytes, cp = f->packets, sb = f->rev_bytes, sp = f->rev_packets;
    uint64_t busy, item;
    uint32_t chash;
    int by_host = h->o.by == HUNT_BY_SERVER || h->o.by == HUNT_BY_CLIENT;

    if (f->app_label != 53 || f->ndns == 0)
        return 0;
    pack_addr(sip, f->family, f->sip);
    pack_addr(dip, f->family, f->dip);
    /* The server is the side on a DNS port (a response flow runs server -> client). */
    if (!is_dns_port(f->dport) && is_dns_port(f->sport)) {
        client = dip;
        server = sip;
        cb = f->rev_bytes;
        cp = f->rev_packets;
        sb = f->bytes;
        sp = f->packets;
    }
    busy = f->packets > f->rev_packets ? f->packets : f->rev_packets;
    chash = (uint32_t)XXH3_64bits(client, 17);
    item = (uint64_t)chash << 32 |
           (uint64_t)(uint32_t)(f->start_ms > 0 ? (uint64_t)f->start_ms / 1000u : 0);
    if (s->cap < f->ndns) {
        s->cap = f->ndns;
        s->touched = mem_realloc(s->touched, s->cap * sizeof(*s->touched));
    }
    struct domain_parts d;
    struct htab_entry *e = NULL;
    const struct dns_rr *prev = NULL; /* the last named record: its work is reused */
    uint64_t ent = 0;
    int skip = 0;

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
            prev = rr;
            skip = h->o.allow && allowed(h->o.allow, d.domain);
            if (skip)
                continue;
            pack_key(h, k, client, server, &d);
            e = htab_upsert(t, k->p, (uint32_t)k->len, XXH3_64bits(k->p, k->len), &is_new, err);
            if (e == NULL)
                return -ERR_LIMIT;
            ent = entropy_micro(d.query, d.query_len);
        } else if (skip) {
            continue;
        }
        v = (struct hunt_val *)(void *)htab_entry_val(e);
        if (!seen_in_flow(s, ntouched, e)) {
            uint64_t hour = f->start_ms > 0 ? (uint64_t)f->start_ms / 3600000u : 0;

            s->touched[ntouched++] = e;
            v->flows++;
            v->qbytes += cb;
            v->qpackets += cp;
            v->rbytes += sb;
            v->rpackets += sp;
            v->busy += busy;
            v->hidden += busy > 2 ? busy - 2 : 0;
            v->dur_ms += f->end_ms > f->start_ms ? (uint64_t)(f->end_ms - f->start_ms) : 0;
            if (~(uint64_t)f->start_ms > v->first_ms)
                v->first_ms = ~(uint64_t)f->start_ms;
            if ((uint64_t)f->start_ms > v->last_ms)
                v->last_ms = (uint64_t)f->start_ms;
            if (dset_add(&v->clients, client, 17, acct, err) < 0 ||
                dset_add(&v->hours, (const uint8_t *)&hour, 8, acct, err) < 0 ||
                add_time(v, item, acct, err) < 0)
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
            uint8_t fpi[16];

            memcpy(fpi, &fp.low64, 8);
            memcpy(fpi + 8, &fp.high64, 8);
            if (dset_add(&v->names, fpi, 16, acct, err) < 0)
                return -ERR_LIMIT;
            if (by_host && !d.whole) {
                uint64_t dh = XXH3_64bits(d.domain, d.domain_len);

                if (dset_add(&v->domains, (const uint8_t *)&dh, 8, acct, err) < 0)
                    return -ERR_LIMIT;
            }
        }
    }
    if (ntouched > 0) { /* the client's DNS bytes, once per flow, for the share term */
        struct hunt_val *v;
        int is_new;

        memcpy(s->tag, &chash, 4);
        /* The key is its first 4 bytes (the rest are zeros): hash only those. */
        e = htab_upsert(t, s->tag, HUNT_TAG_LEN, XXH3_64bits(s->tag, 4), &is_new, err);
        if (e == NULL)
            return -ERR_LIMIT;
        v = (struct hunt_val *)(void *)htab_entry_val(e);
        v->flows++;
        v->qbytes += cb;
        v->rbytes += sb;
    }
    return 0;
}

int
hunt_merge(uint8_t *dst, uint8_t *src, struct memacct *acct, struct err *err)
{
    struct hunt_val *d = (struct hunt_val *)(void *)dst;
    struct hunt_val *s = (struct hunt_val *)(void *)src;
    struct dset *dsets[4] = {&d->clients, &d->names, &d->hours, &d->domains};
    struct dset *ssets[4] = {&s->clients, &s->names, &s->hours, &s->domains};
    static const size_t width[4] = {17, 16, 8, 8};
    int rc = 0;

    d->flows += s->flows;
    d->queries += s->queries;
    d->records += s->records;
    d->qbytes += s->qbytes;
    d->qpackets += s->qpackets;
    d->rbytes += s->rbytes;
    d->rpackets += s->rpackets;
    d->busy += s->busy;
    d->hidden += s->hidden;
    d->dur_ms += s->dur_ms;
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
    for (int i = 0; i < 4 && rc == 0; i++) {
        if (ssets[i]->n > dsets[i]->n) {
            struct dset tmp = *dsets[i];

            *dsets[i] = *ssets[i];
            *ssets[i] = tmp;
        }
        rc = dset_merge(dsets[i], ssets[i], width[i], acct, err);
    }
    /* Times are kept exactly while the merged group has few clients, else dropped (both ways). */
    if (rc == 0 && (d->no_times || s->no_times || d->clients.n > HUNT_TIMING_CLIENTS)) {
        if (!d->no_times)
            drop_times(d, acct);
    } else if (rc == 0) {
        if (s->times.n > d->times.n) {
            struct hunt_times tmp = d->times;

            d->times = s->times;
            s->times = tmp;
        }
        rc = times_reserve(&d->times, s->times.n, acct, err);
        if (rc == 0 && s->times.n) {
            memcpy(d->times.p + d->times.n, s->times.p, (size_t)s->times.n * sizeof(*s->times.p));
            d->times.n += s->times.n;
        }
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
    times_fini(&v->times, acct);
    dset_fini(&v->domains, 8, acct);
}

/* ---- finish --------------------------------------------------------------- */

/* The score's terms, each in [0, 1], in the order the why column lists ties. */
enum {
    T_LEN,
    T_ENT,
    T_TYPES,
    T_SIZE,
    T_SESSION,
    T_SHARE,
    T_REGULAR,
    T_ACTIVE,
    T_NEW,
    T_COUNT
};
static const char *const term_name[T_COUNT] = {"len",   "ent",     "types",  "size", "session",
                                               "share", "regular", "active", "new"};

#define TIMING_MIN_EVENTS 12 /* a (client, group) series needs this many query starts */
#define TIMING_MIN_GAP                                                                          \
    60.0                   /* ... and a mean gap of at least this many seconds (else: a stream) \
                            */
#define SIZE_FLOOR   100.0 /* query bytes per packet where the size term starts */
#define SIZE_SPAN    100.0 /* ... and bytes more where it is full */
#define SESSION_FULL 64.0  /* packets per flow (busier direction) where the session term is full */

struct hrow {
    const struct htab_entry *e;
    double score;
    double vol;        /* log2(1 + messages per client per domain) */
    double t[T_COUNT]; /* the terms */
    double cv;         /* dispersion of the most regular series (-1: none) */
};

struct ctot {
    uint32_t chash;
    uint64_t bytes;
};

static const uint8_t *
entry_key(const struct htab_entry *e)
{
    return htab_entry_key(e, (uint32_t)sizeof(struct hunt_val));
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

static int
u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

static int
ctot_cmp(const void *a, const void *b)
{
    const struct ctot *x = a, *y = b;

    return x->chash < y->chash ? -1 : x->chash > y->chash;
}

static double
round3(double x)
{
    return floor(x * 1000.0 + 0.5) / 1000.0;
}

static double
clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

/*
 * The timing terms of a group from its (client hash, second) items: for each
 * client's series of distinct query-start seconds with at least
 * TIMING_MIN_EVENTS, the coefficient of variation of its gaps (regular =
 * 1 - CV) and the share of the window's hours it is active in; the group
 * takes the best series. Also sums the group's clients' DNS bytes (share).
 */
static void
timing(const struct hunt_val *v, uint64_t *buf, uint64_t window_hours, const struct ctot *ct,
       size_t nct, struct hrow *row, uint64_t *client_bytes)
{
    size_t n = v->times.n;

    row->cv = -1;
    *client_bytes = 0;
    if (v->no_times || n == 0)
        return;
    memcpy(buf, v->times.p, n * sizeof(*buf));
    qsort(buf, n, sizeof(*buf), u64_cmp);
    {
        size_t u = 1; /* distinct (client, second) items */

        for (size_t i = 1; i < n; i++)
            if (buf[i] != buf[u - 1])
                buf[u++] = buf[i];
        n = u;
    }
    for (size_t i = 0; i < n;) {
        uint32_t ch = (uint32_t)(buf[i] >> 32);
        size_t j = i;
        struct ctot key = {.chash = ch}, *hit;

        while (j < n && (uint32_t)(buf[j] >> 32) == ch)
            j++;
        hit = bsearch(&key, ct, nct, sizeof(*ct), ctot_cmp);
        if (hit)
            *client_bytes += hit->bytes;
        if (j - i >= TIMING_MIN_EVENTS) {
            double sum = 0, sq = 0, k = (double)(j - i - 1);
            uint64_t hours = 0, last_hour = UINT64_MAX;

            for (size_t m = i; m < j; m++) {
                uint64_t sec = buf[m] & 0xFFFFFFFFu;

                if (sec / 3600 != last_hour) {
                    hours++;
                    last_hour = sec / 3600;
                }
                if (m > i) {
                    double g = (double)(sec - (buf[m - 1] & 0xFFFFFFFFu));

                    sum += g;
                    sq += g * g;
                }
            }
            double mean = sum / k;
            double var = sq / k - mean * mean;
            double cv = mean > 0 ? sqrt(var > 0 ? var : 0) / mean : 0;
            double active = window_hours ? (double)hours / (double)window_hours : 0;

            if (mean >= TIMING_MIN_GAP && (row->cv < 0 || cv < row->cv)) {
                row->cv = cv;
                row->t[T_REGULAR] = clamp01(1 - cv);
            }
            if (active > row->t[T_ACTIVE])
                row->t[T_ACTIVE] = clamp01(active);
        }
        i = j;
    }
}

static void
score_row(const struct hunt *h, const struct hunt_val *v, struct hrow *row, uint64_t client_bytes)
{
    double r = v->records ? (double)v->records : 1.0;
    double flows = v->flows ? (double)v->flows : 1.0;
    double clients = v->clients.n ? (double)v->clients.n : 1.0;
    double doms = 1.0, sum = 0;
    int by_host = h->o.by == HUNT_BY_SERVER || h->o.by == HUNT_BY_CLIENT;

    if (by_host && v->domains.n > 1)
        doms = (double)v->domains.n;
    row->vol = log2(1.0 + ((double)v->names.n + (double)v->hidden) / (clients * doms));
    row->t[T_LEN] = fmin(1.0, (double)v->qlen_sum / r / h->o.len_norm);
    row->t[T_ENT] = fmin(1.0, (double)v->ent_sum / MICRO / r / h->o.entropy_norm);
    row->t[T_TYPES] = (double)(v->n_txt + v->n_null + v->n_cname + v->n_mx + v->n_other) / r;
    if (v->qpackets)
        row->t[T_SIZE] =
            clamp01(((double)v->qbytes / (double)v->qpackets - SIZE_FLOOR) / SIZE_SPAN);
    row->t[T_SESSION] = clamp01(log2((double)v->busy / flows / 2.0) / log2(SESSION_FULL / 2.0));
    if (!by_host && client_bytes > 0)
        row->t[T_SHARE] = clamp01((double)(v->qbytes + v->rbytes) / (double)client_bytes);
    if (h->o.baseline_end_ms > 0 && ~v->first_ms >= (uint64_t)h->o.baseline_end_ms)
        row->t[T_NEW] = 1;
    for (int i = 0; i < T_COUNT; i++)
        sum += row->t[i];
    row->score = round3(row->vol * sum);
}

/* "8.17*(len 1.00 ent 0.95 types 1.00 regular 0.91)": the volume factor and the terms >= 0.2. */
static void
format_why(char *buf, size_t cap, const struct hrow *row)
{
    int order[T_COUNT], n = 0;
    size_t len;

    for (int i = 0; i < T_COUNT; i++)
        if (row->t[i] >= 0.2)
            order[n++] = i;
    for (int i = 1; i < n; i++) /* by value, ties in term order: insertion sort is stable */
        for (int j = i; j > 0 && row->t[order[j]] > row->t[order[j - 1]]; j--) {
            int tmp = order[j];

            order[j] = order[j - 1];
            order[j - 1] = tmp;
        }
    len = (size_t)snprintf(buf, cap, "%.2f*(", row->vol);
    for (int i = 0; i < n && len < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%s %.2f", i ? " " : "",
                                term_name[order[i]], row->t[order[i]]);
    if (len < cap)
        snprintf(buf + len, cap - len, ")");
}

static const char *const domain_cols[] = {"domain"};
static const char *const domsrc_cols[] = {"source", "domain"};
static const char *const server_cols[] = {"server"};
static const char *const client_cols[] = {"client"};
static const char *const stat_cols[] = {
    "score",    "flows",  "queries",  "names", "sources",  "bytes",     "packets", "qbytes",
    "qpackets", "hidden", "pkt_flow", "qsize", "dur_mean", "len_mean",  "len_max", "entropy",
    "txt",      "null",   "cname",    "mx",    "other",    "rcode_err", "share",   "regular",
    "cv",       "active", "domains",  "new",   "first",    "last",      "hours",   "why"};
#define NSTAT    (sizeof(stat_cols) / sizeof(stat_cols[0]))
#define TIME_LEN 64 /* "2024-05-01T06:00:00.123Z" + NUL, with room gcc can prove */
#define WHY_LEN  160

static void
format_ms(char *buf, uint64_t ms)
{
    time_t sec = (time_t)(ms / 1000);
    struct tm tm;

    gmtime_r(&sec, &tm);
    snprintf(buf, TIME_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)(ms % 1000));
}

static struct out_cell
addr(const uint8_t *a17)
{
    struct out_cell c = {.kind = OUT_ADDR};

    c.v.addr.family = a17[0];
    memcpy(c.v.addr.a, a17 + 1, 16);
    return c;
}

static const struct hunt_val *
val_of(const struct htab_entry *e)
{
    return (const struct hunt_val *)(const void *)htab_entry_val((struct htab_entry *)(uintptr_t)e);
}

int
hunt_finish(const struct hunt *h, const struct htab *t, uint64_t limit, struct hunt_result *res,
            struct err *err)
{
    const char *const *keys = h->o.by == HUNT_BY_DOMAIN   ? domain_cols
                              : h->o.by == HUNT_BY_SERVER ? server_cols
                              : h->o.by == HUNT_BY_CLIENT ? client_cols
                                                          : domsrc_cols;
    size_t nkeys = h->o.by == HUNT_BY_DOMAIN_SOURCE ? 2 : 1;
    size_t ncols = nkeys + NSTAT, n = 0, nct = 0, want, maxtimes = 0;
    struct hrow *rows = mem_calloc(htab_count(t) + 1, sizeof(*rows));
    struct ctot *ct = mem_alloc((htab_count(t) + 1) * sizeof(*ct));
    uint64_t first_hour = UINT64_MAX, last_hour = 0, window_hours = 0;
    uint64_t *buf;

    (void)err;
    memset(res, 0, sizeof(*res));
    /* Pass 1: the clients' byte totals, the window, the largest series. */
    for (unsigned p = 0; p < HTAB_PARTS; p++)
        for (size_t i = 0; i < htab_part_cap(t, p); i++) {
            struct htab_entry *e = htab_part_slot(t, p, i);
            const struct hunt_val *v;

            if (e == NULL)
                continue;
            v = val_of(e);
            if (e->key_len == HUNT_TAG_LEN) {
                memcpy(&ct[nct].chash, entry_key(e), 4);
                ct[nct++].bytes = v->qbytes + v->rbytes;
                continue;
            }
            if (~v->first_ms / 3600000u < first_hour)
                first_hour = ~v->first_ms / 3600000u;
            if (v->last_ms / 3600000u > last_hour)
                last_hour = v->last_ms / 3600000u;
            if (v->times.n > maxtimes)
                maxtimes = v->times.n;
        }
    qsort(ct, nct, sizeof(*ct), ctot_cmp);
    if (first_hour != UINT64_MAX)
        window_hours = last_hour - first_hour + 1;
    buf = mem_alloc((maxtimes + 1) * sizeof(*buf));
    /* Pass 2: score every group. */
    for (unsigned p = 0; p < HTAB_PARTS; p++)
        for (size_t i = 0; i < htab_part_cap(t, p); i++) {
            struct htab_entry *e = htab_part_slot(t, p, i);
            const struct hunt_val *v;
            uint64_t client_bytes;

            if (e == NULL || e->key_len == HUNT_TAG_LEN)
                continue;
            res->groups++;
            v = val_of(e);
            if (v->names.n < h->o.min_names)
                continue;
            rows[n].e = e;
            timing(v, buf, window_hours, ct, nct, &rows[n], &client_bytes);
            score_row(h, v, &rows[n], client_bytes);
            n++;
        }
    mem_free(buf);
    mem_free(ct);
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
    res->why = mem_alloc(want * WHY_LEN + 1);
    for (size_t r = 0; r < want; r++) {
        const struct htab_entry *e = rows[r].e;
        const struct hunt_val *v = val_of(e);
        const uint8_t *key = entry_key(e);
        struct out_cell *c = res->cells + r * ncols;
        double rec = v->records ? (double)v->records : 1.0;
        double flows = v->flows ? (double)v->flows : 1.0;
        char *first = res->text + r * 2 * TIME_LEN, *last = first + TIME_LEN;
        char *why = res->why + r * WHY_LEN;

        if (h->o.by == HUNT_BY_DOMAIN) {
            *c++ = out_cell_list(OUT_TEXT, key, (uint32_t)(e->key_len), 0);
        } else if (h->o.by == HUNT_BY_SERVER || h->o.by == HUNT_BY_CLIENT) {
            *c++ = addr(key);
        } else {
            *c++ = addr(key);
            *c++ = out_cell_list(OUT_TEXT, key + 17, (uint32_t)(e->key_len - 17), 0);
        }
        format_ms(first, ~v->first_ms);
        format_ms(last, v->last_ms);
        format_why(why, WHY_LEN, &rows[r]);
        *c++ = out_cell_f64(round3(rows[r].score));
        *c++ = out_cell_u64(v->flows);
        *c++ = out_cell_u64(v->queries);
        *c++ = out_cell_u64(v->names.n);
        *c++ = out_cell_u64(v->clients.n);
        *c++ = out_cell_u64(v->qbytes + v->rbytes);
        *c++ = out_cell_u64(v->qpackets + v->rpackets);
        *c++ = out_cell_u64(v->qbytes);
        *c++ = out_cell_u64(v->qpackets);
        *c++ = out_cell_u64(v->hidden);
        *c++ = out_cell_f64(round3((double)(v->qpackets + v->rpackets) / flows));
        *c++ = out_cell_f64(round3(v->qpackets ? (double)v->qbytes / (double)v->qpackets : 0));
        *c++ = out_cell_f64(round3((double)v->dur_ms / 1000.0 / flows));
        *c++ = out_cell_f64(round3((double)v->len_sum / rec));
        *c++ = out_cell_u64(v->len_max);
        *c++ = out_cell_f64(round3((double)v->ent_sum / MICRO / rec));
        *c++ = out_cell_f64(round3((double)v->n_txt / rec));
        *c++ = out_cell_f64(round3((double)v->n_null / rec));
        *c++ = out_cell_f64(round3((double)v->n_cname / rec));
        *c++ = out_cell_f64(round3((double)v->n_mx / rec));
        *c++ = out_cell_f64(round3((double)v->n_other / rec));
        *c++ = out_cell_f64(round3((double)v->n_err / rec));
        *c++ = out_cell_f64(round3(rows[r].t[T_SHARE]));
        *c++ = out_cell_f64(round3(rows[r].t[T_REGULAR]));
        *c++ = out_cell_f64(round3(rows[r].cv));
        *c++ = out_cell_f64(round3(rows[r].t[T_ACTIVE]));
        *c++ = out_cell_u64(v->domains.n);
        *c++ = out_cell_u64(rows[r].t[T_NEW] > 0);
        *c++ = out_cell_list(OUT_TEXT, first, (uint32_t)(strlen(first)), 0);
        *c++ = out_cell_list(OUT_TEXT, last, (uint32_t)(strlen(last)), 0);
        *c++ = out_cell_u64(v->hours.n);
        *c++ = out_cell_list(OUT_TEXT, why, (uint32_t)(strlen(why)), 0);
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
    mem_free(res->why);
    memset(res, 0, sizeof(*res));
}

/* ---- --allow ---------------------------------------------------------------- */

static int
allow_add(struct hunt_allow *a, size_t *cap, const char *p, size_t len)
{
    while (len > 0 && (p[0] == ' ' || p[0] == '\t' || p[0] == '.'))
        p++, len--;
    while (len > 0 &&
           (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r' || p[len - 1] == '.'))
        len--;
    if (len == 0)
        return 0;
    if (a->n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        a->s = mem_realloc(a->s, *cap * sizeof(*a->s));
    }
    char *s = mem_alloc(len + 2);

    for (size_t i = 0; i < len; i++)
        s[i] = p[i] >= 'A' && p[i] <= 'Z' ? (char)(p[i] - 'A' + 'a') : p[i];
    s[len] = '.';
    s[len + 1] = '\0';
    a->s[a->n++] = s;
    return 0;
}

int
hunt_allow_load(struct hunt_allow *a, const char *spec, struct err *err)
{
    size_t cap = 0;

    memset(a, 0, sizeof(*a));
    if (spec[0] == '@') {
        FILE *fp = fopen(spec + 1, "r");
        char line[1024];
        unsigned lineno = 0;

        if (fp == NULL)
            return ERR_SET_ERRNO(err, errno, "--allow: cannot open %s", spec + 1);
        while (fgets(line, sizeof(line), fp) != NULL) {
            size_t len = strcspn(line, "#\n");

            lineno++;
            if (strchr(line, '\n') == NULL && !feof(fp)) {
                fclose(fp);
                hunt_allow_fini(a);
                return ERR_SET(err, ERR_USAGE, "--allow: %s line %u is too long", spec + 1, lineno);
            }
            allow_add(a, &cap, line, len);
        }
        fclose(fp);
    } else {
        for (const char *p = spec; *p;) {
            size_t len = strcspn(p, ",");

            allow_add(a, &cap, p, len);
            p += len + (p[len] == ',');
        }
    }
    if (a->n == 0) {
        hunt_allow_fini(a);
        return ERR_SET(err, ERR_USAGE, "--allow %s: no domains", spec);
    }
    qsort(a->s, a->n, sizeof(*a->s), str_cmp);
    return 0;
}

void
hunt_allow_fini(struct hunt_allow *a)
{
    for (size_t i = 0; i < a->n; i++)
        mem_free(a->s[i]);
    mem_free(a->s);
    memset(a, 0, sizeof(*a));
}
