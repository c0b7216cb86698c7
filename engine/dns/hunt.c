/*
 * hunt.c - see hunt.h and docs/dns-hunt.md.
 */
#include "hunt.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define XXH_INLINE_ALL /* the keys and client hashes: the same values, inlined */
#include <xxhash.h>

#include "mem.h"

#define MICRO 1000000.0

void
hunt_scratch_fini(struct hunt_scratch *s)
{
    mem_free(s->touched);
    domain_cache_destroy(s->cache);
    mem_free(s->pend);
    mem_free(s->pflow);
    mem_free(s->keys);
    mem_free(s->fps);
    mem_free(s->rep);
    mem_free(s->gent);
    mem_free(s->gidx);
    mem_free(s->tagm);
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
 * character counts c, with log2(n) and c * log2(c) from tables (query parts
 * are cut at ENTROPY_MAX characters), so a name costs no log2 and no 256-bucket pass.
 */
#define ENTROPY_MAX 1024

static double clog_table[ENTROPY_MAX + 1], log2_table[ENTROPY_MAX + 1];

void
hunt_init_tables(void)
{
    for (int c = 1; c <= ENTROPY_MAX; c++) {
        log2_table[c] = log2((double)c); /* the value log2() gives at run time */
        clog_table[c] = (double)c * log2_table[c];
    }
}

static uint64_t
entropy_micro(const uint8_t *p, size_t len)
{
    uint16_t count[256];
    uint8_t seen[256];
    size_t n, distinct = 0;
    double sum = 0;

    if (len > ENTROPY_MAX)
        len = ENTROPY_MAX;
    memset(count, 0, sizeof(count)); /* a few vector stores */
    for (size_t i = 0; i < len; i++) /* the dots too, left out below */
        if (count[p[i]]++ == 0)
            seen[distinct++] = p[i];
    n = len - count['.'];
    if (n == 0)
        return 0;
    for (size_t i = 0; i < distinct; i++) /* in the order the characters came, as always */
        if (seen[i] != '.')
            sum += clog_table[count[seen[i]]];
    return (uint64_t)((log2_table[n] - sum / (double)n) * MICRO + 0.5);
}

static void
pack_addr(uint8_t *out, uint8_t family, const uint8_t *a)
{
    out[0] = family;
    memcpy(out + 1, a, 16);
}

static int
seen_in_flow(struct hunt_scratch *s, size_t n, const struct htab_entry *e)
{
    for (size_t i = 0; i < n; i++)
        if (s->touched[i] == e)
            return 1;
    return 0;
}

/*
 * --allow: is the name (len bytes, any case, trailing dot or not) an entry or under one? The
 * entries are lowercased with a trailing dot and sorted by strcmp(); each label-aligned suffix
 * of the name is looked up as the text lowercase(suffix) + "." (an entry below a registered
 * domain, www.example.com, leaves out its own names only; one at or above it, the domain's).
 */
struct name_key {
    const uint8_t *s;
    size_t n; /* without the trailing dot */
};

static int
name_cmp(const void *key, const void *elem)
{
    const struct name_key *k = key;
    const unsigned char *e = *(const unsigned char *const *)elem;

    for (size_t i = 0; i <= k->n; i++) {
        unsigned char c = i < k->n ? k->s[i] : '.';

        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if (e[i] == '\0')
            return 1;
        if (c != e[i])
            return c < e[i] ? -1 : 1;
    }
    return e[k->n + 1] == '\0' ? 0 : -1;
}

static int
allowed(const struct hunt_allow *a, const uint8_t *name, size_t len)
{
    if (len > 0 && name[len - 1] == '.')
        len--;
    for (size_t p = 0; p < len; p++) {
        struct name_key k = {name + p, len - p};

        if (p > 0 && name[p - 1] != '.')
            continue;
        if (bsearch(&k, a->s, a->n, sizeof(*a->s), name_cmp) != NULL)
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

/* ---- hourly counts (hunt_opts.hourly) ---- */

static void
hourly_fini(struct hunt_hourly *hh, struct memacct *acct)
{
    if (hh->cap) {
        memacct_release(acct, (size_t)hh->cap * sizeof(*hh->p));
        mem_free(hh->p);
    }
    memset(hh, 0, sizeof(*hh));
}

static int
hourly_reserve(struct hunt_hourly *hh, uint32_t need, struct memacct *acct, struct err *err)
{
    uint32_t cap = hh->cap ? hh->cap : 2;

    if (need <= hh->cap)
        return 0;
    while (cap < need)
        cap *= 2;
    if (memacct_charge(acct, (size_t)(cap - hh->cap) * sizeof(*hh->p), err) < 0)
        return -ERR_LIMIT;
    hh->p = mem_realloc(hh->p, (size_t)cap * sizeof(*hh->p));
    hh->cap = cap;
    return 0;
}

/* One flow of qb + rb bytes in `hour`: the last hour is checked first (files are hourly). */
static int
hourly_add(struct hunt_hourly *hh, uint64_t hour, uint64_t qb, uint64_t rb, struct memacct *acct,
           struct err *err)
{
    uint32_t lo = 0, hi = hh->n;
    struct hunt_hour *x;

    if (hh->n && hh->p[hh->n - 1].hour == hour) {
        x = &hh->p[hh->n - 1];
    } else {
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;

            if (hh->p[mid].hour < hour)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == hh->n || hh->p[lo].hour != hour) {
            if (hourly_reserve(hh, hh->n + 1, acct, err) < 0)
                return -ERR_LIMIT;
            memmove(hh->p + lo + 1, hh->p + lo, (size_t)(hh->n - lo) * sizeof(*hh->p));
            memset(&hh->p[lo], 0, sizeof(hh->p[lo]));
            hh->p[lo].hour = hour;
            hh->n++;
        }
        x = &hh->p[lo];
    }
    x->flows++;
    hunt_wide_add(&x->bytes, qb);
    hunt_wide_add(&x->bytes, rb);
    return 0;
}

/* `src`'s hours into `dst` (both ascending); `src` is left as it was. */
static int
hourly_merge(struct hunt_hourly *dst, const struct hunt_hourly *src, struct memacct *acct,
             struct err *err)
{
    uint32_t i, j, o;
    struct hunt_hour *m;

    if (src->n == 0)
        return 0;
    m = mem_alloc(((size_t)dst->n + src->n) * sizeof(*m));
    for (i = j = o = 0; i < dst->n || j < src->n;) {
        if (j == src->n || (i < dst->n && dst->p[i].hour < src->p[j].hour)) {
            m[o++] = dst->p[i++];
        } else if (i == dst->n || src->p[j].hour < dst->p[i].hour) {
            m[o++] = src->p[j++];
        } else {
            m[o] = dst->p[i++];
            m[o].flows += src->p[j].flows;
            hunt_wide_merge(&m[o++].bytes, &src->p[j++].bytes);
        }
    }
    if (hourly_reserve(dst, o, acct, err) < 0) {
        mem_free(m);
        return -ERR_LIMIT;
    }
    memcpy(dst->p, m, (size_t)o * sizeof(*m));
    dst->n = o;
    mem_free(m);
    return 0;
}

int
hunt_hourly_load(struct hunt_hourly *hh, uint32_t n, struct memacct *acct, struct err *err)
{
    return hourly_reserve(hh, n, acct, err);
}

/* ---- the server view (hunt_opts.server_view) ---- */

/* What one flow adds to each group it touches. */
struct hflow {
    const uint8_t *client;
    uint64_t cb, cp, sb, sp, busy, item, hour;
};

/* The flow's counts into `v` (once per flow and group), as hunt_fold() adds them. Inlined:
 * pass2() makes some 320 k of these calls on two hours of `day`. */
static inline __attribute__((always_inline)) int
flow_part(const struct hunt *h, struct hunt_val *v, const struct flow *f, const struct hflow *x,
          struct memacct *acct, struct err *err)
{
    v->flows++;
    hunt_wide_add(&v->qbytes, x->cb);
    hunt_wide_add(&v->qpackets, x->cp);
    hunt_wide_add(&v->rbytes, x->sb);
    hunt_wide_add(&v->rpackets, x->sp);
    hunt_wide_add(&v->busy, x->busy);
    hunt_wide_add(&v->hidden, x->busy > 2 ? x->busy - 2 : 0);
    hunt_wide_add(&v->dur_ms,
                  f->end_ms > f->start_ms ? (uint64_t)f->end_ms - (uint64_t)f->start_ms : 0);
    if (~(uint64_t)f->start_ms > v->first_ms)
        v->first_ms = ~(uint64_t)f->start_ms;
    if ((uint64_t)f->start_ms > v->last_ms)
        v->last_ms = (uint64_t)f->start_ms;
    /* the client without an item made of it; the hour (nearly always one the group has) inline */
    if (dset_add_addr(&v->clients, x->client[0], x->client + 1, acct, err) < 0 ||
        dset_add_u64(&v->hours, x->hour, acct, err) < 0 || add_time(v, x->item, acct, err) < 0)
        return -ERR_LIMIT;
    if (h->o.hourly && hourly_add(&v->byhr, x->hour, x->cb, x->sb, acct, err) < 0)
        return -ERR_LIMIT;
    return 0;
}

/*
 * The fold of a batch (the flows of one IPFIX message) runs in passes, as the group-by job's
 * does (group.c): the domain cache, the group table, the groups' sets of names and the
 * per-client totals are bigger than the CPU's caches, so a record folded as soon as it is
 * read waits for the cache's line, then the slot, then the entry, then the set's slot, one
 * after another. The first pass fingerprints every name and prefetches its line of the
 * domain cache; the second splits every name, makes each group key and its hash and
 * prefetches the slots (the group's and the client total's); the third folds the records in
 * the same order, loading each group's entry PREFETCH_AHEAD records ahead and its name set's
 * slot half as far ahead, and each client total's entry TAG_AHEAD flows ahead. Every update
 * is made in the order of a fold flow by flow, so every result is unchanged.
 */
#define PREFETCH_AHEAD 16
#define TAG_AHEAD      8

/*
 * One named record of the batch between the passes, what it adds made once, with the records
 * right after it in its flow that repeat its name (nrec in all: rr[0 .. nrec)): a query and
 * its answers mostly share one name, and they add only their counts.
 */
struct hunt_pend {
    const struct dns_rr *rr;
    uint32_t nrec;             /* records: rr and the nrec - 1 after it (the same name) */
    struct domain_fp fp;       /* the name's fingerprint (!same) */
    uint64_t hash;             /* of the group key (!same) */
    uint64_t ent;              /* query-part entropy, micro-bits/char */
    uint64_t dhash;            /* XXH3-64 of the domain (!same, !whole, when needed) */
    uint32_t key_off, key_len; /* the group key in hunt_scratch.keys (!same) */
    uint32_t query_len;        /* bytes of the query part */
    uint32_t flow;             /* its flow: s->pflow[flow] */
    struct htab_entry *e;      /* known: the group (the name memo) */
    uint8_t same;  /* the name of the flow's last named record: its group, no new name */
    uint8_t whole; /* the name's top label is no public suffix */
    uint8_t known; /* !same: the name memo gave its group, whose name set holds it */
};

/* One flow of the batch with at least one record to fold. */
struct hunt_pflow {
    const struct flow *f;
    uint8_t client[17], server[17];
    uint64_t cb, cp, sb, sp;  /* client -> server bytes and packets, and back */
    uint64_t tag_hash;        /* of the client total's key (!tag_e) */
    struct htab_entry *tag_e; /* the client total, when the memo had it */
    uint64_t srv_hash;        /* of the server view's key (hunt_opts.server_view) */
    uint32_t chash;           /* the client's hash */
    uint32_t first, n;        /* its records: pend[first .. first + n) */
};

/* Room for `more` items past `n` in the array *p of *cap items of `size` bytes. */
static void
reserve(void **p, size_t *cap, size_t n, size_t more, size_t size)
{
    if (n + more <= *cap)
        return;
    *cap = 2 * (n + more) + 64;
    *p = mem_realloc(*p, *cap * size);
}

/* One record's counters into `v` (queries .. n_err, but records, qlen_sum and ent_sum). */
static inline void
rr_counts(struct hunt_val *v, const struct dns_rr *rr)
{
    v->queries += rr->qr == 0 && rr->section == 0;
    v->len_sum += rr->name_len;
    if (rr->name_len > v->len_max)
        v->len_max = rr->name_len;
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
}

/* The records' counters into `v` (records .. n_err): a group's, or a flow's sum (struct hsrv). */
static inline void
rec_counts(struct hunt_val *v, const struct hunt_pend *r)
{
    v->records += r->nrec;
    v->qlen_sum += (uint64_t)r->query_len * r->nrec;
    v->ent_sum += r->ent * r->nrec;
    for (uint32_t i = 0; i < r->nrec; i++)
        rr_counts(v, &r->rr[i]);
}

/* A new name (not the flow's last named record's) into v's name set. */
static inline int
rec_name(struct hunt_val *v, const struct hunt_pend *r, struct memacct *acct, struct err *err)
{
    uint8_t fpi[16];

    memcpy(fpi, &r->fp.lo, 8);
    memcpy(fpi + 8, &r->fp.hi, 8);
    return dset_add(&v->names, fpi, 16, acct, err);
}

/* The record's counts into `v`, then (a new name) its name and, with `domains`, its domain. */
static int
rec_part(struct hunt_val *v, const struct hunt_pend *r, int domains, struct memacct *acct,
         struct err *err)
{
    rec_counts(v, r);
    if (!r->same) { /* a repeated name is already in the set, and so is a known one */
        if (!r->known && rec_name(v, r, acct, err) < 0)
            return -ERR_LIMIT;
        if (domains && !r->whole &&
            dset_add(&v->domains, (const uint8_t *)&r->dhash, 8, acct, err) < 0)
            return -ERR_LIMIT;
    }
    return 0;
}

/*
 * The server view of one flow (hunt_opts.server_view): its named records go to its server's
 * group exactly as --by server folds them. The group is looked up once per flow; the records'
 * counters are summed here and added to the group once, at the flow's end (server_flush()); each
 * new name goes to the group's name set as it comes, and its domain to the domain set unless the
 * last domain added for this flow was the same (its records are folded in order: a domain's
 * names mostly come one after another).
 */
struct hsrv {
    struct htab_entry *e; /* the flow's server group; NULL before its first named record */
    uint64_t dhash;       /* the domain this flow last added to e's domain set */
    int has_dhash;
    struct hunt_val sum; /* the flow's record counters (records .. n_err) */
};

static int
server_rec(const struct hunt *h, struct htab *t, struct hunt_scratch *s, const struct flow *f,
           const struct hflow *x, const struct hunt_pflow *pf, struct hsrv *sv,
           const struct hunt_pend *r, struct memacct *acct, struct err *err)
{
    struct hunt_val *v;

    if (sv->e == NULL) {
        int is_new;

        memcpy(s->srv, pf->server, 17);
        sv->e = htab_upsert(t, s->srv, HUNT_SRV_LEN, pf->srv_hash, &is_new, err);
        if (sv->e == NULL)
            return -ERR_LIMIT;
        sv->has_dhash = 0;
        memset(&sv->sum, 0, offsetof(struct hunt_val, qbytes));
        memset(&sv->sum.len_sum, 0,
               offsetof(struct hunt_val, first_ms) - offsetof(struct hunt_val, len_sum));
        if (flow_part(h, (struct hunt_val *)(void *)htab_entry_val(sv->e), f, x, acct, err) < 0)
            return -ERR_LIMIT;
    }
    rec_counts(&sv->sum, r);
    if (r->same) /* the flow's last named record's name: already in the sets */
        return 0;
    v = (struct hunt_val *)(void *)htab_entry_val(sv->e);
    if (rec_name(v, r, acct, err) < 0)
        return -ERR_LIMIT;
    if (r->whole || (sv->has_dhash && sv->dhash == r->dhash))
        return 0;
    sv->dhash = r->dhash;
    sv->has_dhash = 1;
    return dset_add(&v->domains, (const uint8_t *)&r->dhash, 8, acct, err) < 0 ? -ERR_LIMIT : 0;
}

/* The flow's record counters (server_rec()) into its server group. */
static void
server_flush(const struct hsrv *sv)
{
    struct hunt_val *v = (struct hunt_val *)(void *)htab_entry_val(sv->e);
    const struct hunt_val *a = &sv->sum;

    v->records += a->records;
    v->queries += a->queries;
    v->len_sum += a->len_sum;
    if (a->len_max > v->len_max)
        v->len_max = a->len_max;
    v->qlen_sum += a->qlen_sum;
    v->ent_sum += a->ent_sum;
    v->n_txt += a->n_txt;
    v->n_null += a->n_null;
    v->n_cname += a->n_cname;
    v->n_mx += a->n_mx;
    v->n_other += a->n_other;
    v->n_err += a->n_err;
}

/* The group key of one named record, by h->o.by, appended to s->keys; its length. */
static uint32_t
push_key(const struct hunt *h, struct hunt_scratch *s, const uint8_t *client, const uint8_t *server,
         const struct domain_parts *d)
{
    uint8_t *k;
    size_t len = 0;

    reserve((void **)&s->keys, &s->cap_keys, s->keys_len, 17 + d->domain_len, 1);
    k = s->keys + s->keys_len;
    if (h->o.by == HUNT_BY_SERVER || h->o.by == HUNT_BY_CLIENT) {
        memcpy(k, h->o.by == HUNT_BY_SERVER ? server : client, 17);
        len = 17;
    } else {
        if (h->o.by == HUNT_BY_DOMAIN_SOURCE) {
            memcpy(k, client, 17);
            len = 17;
        }
        memcpy(k + len, d->domain, d->domain_len);
        len += d->domain_len;
    }
    s->keys_len += len;
    return (uint32_t)len;
}

/*
 * ---- The name memo (--by domain) ----
 *
 * With --by domain a name's group is a function of the name, and most names come again and
 * again: a name folded once into the table keeps, beside its answer in the domain cache, which
 * group it went to. Its later records then skip the split's copy, the key, its hash, the table's
 * probe and the name set (where its fingerprint already is). The memo is epoch << 32 | i, where
 * gent[i] is the group: a memo of an older epoch is stale, and the epoch changes whenever the
 * table does (another table, or the same one cleared: htab_id()), so a memo never outlives the
 * group it names. A name the cache has let go is folded the long way and gets a new memo.
 */

/* The group `m` (a name's memo64) names in this epoch, or NULL. */
static inline struct htab_entry *
memo_group(const struct hunt_scratch *s, uint64_t m)
{
    uint32_t i = (uint32_t)m;

    return (uint32_t)(m >> 32) == s->epoch && s->epoch != 0 && i < s->ngent ? s->gent[i] : NULL;
}

/* Starts a new epoch for table `t` when it is not the one the memos are of. */
static void
memo_table(struct hunt_scratch *s, const struct htab *t)
{
    if (htab_id(t) == s->table_id && s->epoch != 0)
        return;
    s->table_id = htab_id(t);
    s->ngent = 0;
    if (s->gcap)
        memset(s->gidx, 0, (size_t)s->gcap * sizeof(*s->gidx));
    if (++s->epoch == 0) { /* 2^32 tables: no memo of the cache may be taken for new */
        domain_cache_destroy(s->cache);
        s->cache = NULL;
        s->epoch = 1;
    }
}

static inline uint32_t
gidx_slot(const struct htab_entry *e, uint32_t gcap)
{
    uint64_t x = (uint64_t)(uintptr_t)e * 0x9E3779B97F4A7C15ull;

    return (uint32_t)(x >> 32) & (gcap - 1);
}

/* The index of group `e` in s->gent, given one when new. */
static uint32_t
memo_index(struct hunt_scratch *s, struct htab_entry *e)
{
    uint32_t i;

    if (s->ngent + 1 > s->gcap / 2) { /* room at load 1/2: twice the slots, placed again */
        uint32_t cap = s->gcap ? 2 * s->gcap : 1024;

        s->gent = mem_realloc(s->gent, (size_t)(cap / 2) * sizeof(*s->gent));
        mem_free(s->gidx);
        s->gidx = mem_calloc(cap, sizeof(*s->gidx));
        s->gcap = cap;
        for (uint32_t k = 0; k < s->ngent; k++) {
            for (i = gidx_slot(s->gent[k], cap); s->gidx[i] != 0; i = (i + 1) & (cap - 1))
                ;
            s->gidx[i] = k + 1;
        }
    }
    for (i = gidx_slot(e, s->gcap); s->gidx[i] != 0; i = (i + 1) & (s->gcap - 1))
        if (s->gent[s->gidx[i] - 1] == e)
            return s->gidx[i] - 1;
    s->gent[s->ngent] = e;
    s->gidx[i] = ++s->ngent;
    return s->ngent - 1;
}

/* Record `p`'s name is in group `e`'s name set: its memo says so (if the cache still has it). */
static void
memo_store(struct hunt_scratch *s, const struct hunt_pend *p, struct htab_entry *e)
{
    uint64_t *m = domain_cache_memo64(s->cache, &p->fp);

    if (m != NULL)
        *m = (uint64_t)s->epoch << 32 | memo_index(s, e);
}

/*
 * The client totals met lately (every mode): a flow's client total is looked up in a small
 * direct-mapped memo by the client's 32-bit hash (the total's whole key) before the table,
 * the memo's entries of this epoch only.
 */
#define TAGM_SLOTS 4096

struct hunt_tagm {
    uint32_t chash, epoch;
    struct htab_entry *e;
};

/* Whether hunt_fold() folds flow `f`. */
static int
is_hunted(const struct flow *f)
{
    return f->app_label == 53 && f->ndns > 0;
}

/* domain_fingerprint() of `name`, inlined here (XXH_INLINE_ALL): the same value. */
static inline struct domain_fp
name_fp(const uint8_t *name, size_t len)
{
    XXH128_hash_t x = XXH3_128bits(name, len);

    return (struct domain_fp){x.low64, x.high64};
}

/*
 * The first pass: the fingerprint of every record's name into s->fps (a name repeating the
 * record before it has its fingerprint), its domain-cache line loaded.
 */
static void
pass0(struct hunt_scratch *s, const struct flow *const *flows, size_t n)
{
    size_t k = 0, total = 0;
    struct domain_fp *fps;
    uint8_t *rep;
    const struct domain_cache *cache;

    for (size_t i = 0; i < n; i++)
        if (is_hunted(flows[i]))
            total += flows[i]->ndns;
    if (total > s->cap_fps) { /* fps and rep: room for `total` */
        size_t cap = s->cap_fps;

        reserve((void **)&s->fps, &s->cap_fps, 0, total, sizeof(*s->fps));
        reserve((void **)&s->rep, &cap, 0, total, 1);
    }
    if (s->cache == NULL)
        s->cache = domain_cache_create();
    fps = s->fps; /* kept here: the stores to fps[] may change *s for all the compiler knows */
    rep = s->rep;
    cache = s->cache;
    for (size_t i = 0; i < n; i++) {
        const struct flow *f = flows[i];

        if (!is_hunted(f))
            continue;
        for (uint32_t j = 0; j < f->ndns; j++, k++) {
            const struct dns_rr *rr = &f->dns[j];

            if (j > 0 && rr->name_len == rr[-1].name_len &&
                memcmp(rr->name, rr[-1].name, rr->name_len) == 0) {
                fps[k] = fps[k - 1];
                rep[k] = 1;
                continue;
            }
            rep[k] = 0;
            fps[k] = name_fp(rr->name, rr->name_len);
            domain_cache_prefetch(cache, &fps[k]);
        }
    }
}

/*
 * The second pass over flow `f`: its records to fold into s->pend, the flow into s->pflow;
 * its names' fingerprints are s->fps[*k ...) (advanced past them). `dhash_needed`, `memo`: of
 * h->o (pass1() works them out once a batch).
 */
static inline __attribute__((always_inline)) void
pass1_flow(const struct hunt *h, struct htab *t, struct hunt_scratch *s, const struct flow *f,
           size_t *k, int dhash_needed, int memo)
{
    const struct domain_fp *fps = s->fps + *k;
    const uint8_t *reps = s->rep + *k;

    struct hunt_pflow *pf;
    const struct dns_rr *prev = NULL;  /* the last named record: its work is reused */
    const struct dns_rr *named = NULL; /* the last record with a name (prev or a repeat of it) */
    struct domain_parts d;
    struct domain_way *w;
    size_t ql;
    struct domain_fp fp = {0, 0}, pfp = {0, 0}; /* pfp: prev's */
    uint64_t ent = 0;
    uint32_t qlen = 0;
    int skip = 0;

    if (!is_hunted(f))
        return;
    *k += f->ndns;
    reserve((void **)&s->pflow, &s->cap_pflow, s->npflow, 1, sizeof(*s->pflow));
    /* room for PREFETCH_AHEAD more: pass2()'s look-ahead reads past the last (hunt_fold()) */
    reserve((void **)&s->pend, &s->cap_pend, s->npend, f->ndns + PREFETCH_AHEAD, sizeof(*s->pend));
    pf = &s->pflow[s->npflow];
    pf->f = f;
    pack_addr(pf->client, f->family, f->sip);
    pack_addr(pf->server, f->family, f->dip);
    pf->cb = f->bytes;
    pf->cp = f->packets;
    pf->sb = f->rev_bytes;
    pf->sp = f->rev_packets;
    /* The server is the side on a DNS port (a response flow runs server -> client). */
    if (!is_dns_port(f->dport) && is_dns_port(f->sport)) {
        pack_addr(pf->client, f->family, f->dip);
        pack_addr(pf->server, f->family, f->sip);
        pf->cb = f->rev_bytes;
        pf->cp = f->rev_packets;
        pf->sb = f->bytes;
        pf->sp = f->packets;
    }
    pf->first = (uint32_t)s->npend;
    pf->n = 0;
    for (uint32_t i = 0; i < f->ndns; i++) {
        const struct dns_rr *rr = &f->dns[i];
        struct hunt_pend *p = &s->pend[s->npend];
        int same;

        /*
         * The bytes of the record before (pass0 compared them), which had a name: a repeat of
         * prev, as `same` below finds it, with no fingerprints compared; unless left out, the
         * record before was folded last, into p[-1]'s run.
         */
        if (reps[i] && named == rr - 1) {
            named = rr;
            if (!skip)
                p[-1].nrec++;
            continue;
        }
        /* the fingerprint is the name's identity (as in the name sets): no bytes compared */
        same = prev && fps[i].lo == pfp.lo && fps[i].hi == pfp.hi;
        if (same)
            named = rr;

        if (!same && memo && (w = domain_cache_find(s->cache, &fps[i])) != NULL && w->memo != 0 &&
            (p->e = memo_group(s, w->memo64)) != NULL &&
            (ql = domain_way_query_len(w, rr->name, rr->name_len)) != (size_t)-1) {
            /* Folded before into this table (--by domain): its group, its query part's entropy
             * and length from the cache's answer, inline; nothing split, nothing left out. */
            prev = named = rr;
            pfp = fps[i];
            p->known = 1;
            skip = 0;
            ent = w->memo - 1;
            qlen = (uint32_t)ql;
            if (dhash_needed) {       /* the server view: its name, and the report's domain */
                p->hash = p->e->hash; /* the group's */
                p->fp = pfp;
                p->whole = (uint8_t)domain_way_whole(w);
                p->dhash = p->whole ? 0 : p->hash; /* --by domain: the domain's */
            } /* else pass2() reads none of them for a known name */
        } else if (!same) {
            fp = fps[i];
            if (!domain_locate_fp(h->dl, s->cache, rr->name, rr->name_len, &fp, &d)) {
                qlen = 0; /* d was cleared: a repeat of prev takes that (as it always did) */
                continue;
            }
            prev = named = rr;
            pfp = fp;
            p->e = memo && d.memo64 != NULL ? memo_group(s, *d.memo64) : NULL;
            p->known = p->e != NULL;
            if (p->known) { /* folded before: not left out, its group known */
                skip = 0;
                p->hash = dhash_needed ? p->e->hash : 0; /* the group's (the report's domain) */
            } else {
                skip = h->o.allow && allowed(h->o.allow, rr->name, rr->name_len);
                if (skip)
                    continue;
                domain_text(&d, rr->name);
                p->key_off = (uint32_t)s->keys_len;
                p->key_len = push_key(h, s, pf->client, pf->server, &d);
                p->hash = XXH3_64bits(s->keys + p->key_off, p->key_len);
                htab_prefetch(t, p->hash);
            }
            /* The query part's entropy, kept with the name in the cache (stored + 1). */
            if (d.memo != NULL && *d.memo != 0) {
                ent = *d.memo - 1;
            } else {
                ent = entropy_micro(d.query, d.query_len);
                if (d.memo != NULL)
                    *d.memo = (uint32_t)ent + 1;
            }
            qlen = (uint32_t)d.query_len;
            p->fp = fp;
            p->whole = (uint8_t)d.whole;
            /* --by domain: the key is the domain, its hash the domain's */
            p->dhash = !dhash_needed || d.whole    ? 0
                       : h->o.by == HUNT_BY_DOMAIN ? p->hash
                                                   : XXH3_64bits(d.domain, d.domain_len);
        } else if (skip) {
            continue;
        } else if (pf->n > 0 && p[-1].rr + p[-1].nrec == rr) {
            p[-1].nrec++; /* right after a record of its name: counted with it */
            continue;
        } else {
            p->known = 0;
        }
        p->rr = rr;
        p->nrec = 1;
        p->flow = (uint32_t)s->npflow;
        p->same = (uint8_t)same;
        p->ent = ent;
        p->query_len = qlen;
        s->npend++;
        pf->n++;
    }
    if (pf->n == 0)
        return;
    pf->chash = (uint32_t)XXH3_64bits(pf->client, 17);
    /* The hash is of the client hash alone (its last byte tells the key kind). */
    {
        const struct hunt_tagm *m = &s->tagm[pf->chash & (TAGM_SLOTS - 1)];

        pf->tag_e = m->epoch == s->epoch && m->chash == pf->chash ? m->e : NULL;
        if (pf->tag_e == NULL) {
            pf->tag_hash = XXH3_64bits(&pf->chash, 4);
            htab_prefetch(t, pf->tag_hash);
        }
    }
    if (h->o.server_view) { /* the hash is of the address alone, as --by server hashes its key */
        pf->srv_hash = XXH3_64bits(pf->server, 17);
        htab_prefetch(t, pf->srv_hash);
    }
    s->npflow++;
}

/* The second pass over the batch's flows[0..n), in one loop (pass1_flow() inlined). */
static void
pass1(const struct hunt *h, struct htab *t, struct hunt_scratch *s, const struct flow *const *flows,
      size_t n)
{
    int dhash_needed = h->o.by == HUNT_BY_SERVER || h->o.by == HUNT_BY_CLIENT || h->o.server_view;
    int memo = h->o.by == HUNT_BY_DOMAIN;
    size_t k = 0;

    for (size_t i = 0; i < n; i++)
        pass1_flow(h, t, s, flows[i], &k, dhash_needed, memo);
}

/* Loads `lines` cache lines of entry `e` (a hint). */
static inline void
prefetch_lines(const void *e, unsigned lines)
{
#pragma GCC unroll 8
    for (unsigned i = 0; i < lines; i++)
        __builtin_prefetch((const uint8_t *)e + 64 * i);
}

/* Loads the entry in the slot `hash` is probed at first (a hint): `lines` cache lines. */
static void
prefetch_entry(const struct htab *t, uint64_t hash, unsigned lines)
{
    const uint8_t *e = (const uint8_t *)htab_peek(t, hash);

    if (e != NULL)
        prefetch_lines(e, lines);
}

/* The entry of a group, its value and its key's first bytes. */
#define GROUP_LINES ((sizeof(struct htab_entry) + sizeof(struct hunt_val) + 63) / 64 + 1)

/*
 * Loads the slots record `a` will touch in the sets of the group at `hash` (its entry in cache
 * by now): its name's, its domain's when `domains` (the server view), and the hour hourly_add()
 * looks at first (hunt_opts.hourly).
 */
static void
group_prefetch(const struct htab *t, uint64_t hash, const struct hunt_pend *a, int domains)
{
    struct htab_entry *g = htab_peek(t, hash);
    const struct hunt_val *gv;
    uint8_t fpi[16];

    if (g == NULL)
        return;
    gv = (const struct hunt_val *)(void *)htab_entry_val(g);
    memcpy(fpi, &a->fp.lo, 8);
    memcpy(fpi + 8, &a->fp.hi, 8);
    dset_prefetch(&gv->names, fpi, 16);
    if (domains && !a->whole)
        dset_prefetch(&gv->domains, (const uint8_t *)&a->dhash, 8);
    if (gv->byhr.n)
        __builtin_prefetch(&gv->byhr.p[gv->byhr.n - 1]);
}

/* The third pass: the records of s->pend, flow by flow, into `t`. */
static int
pass2(const struct hunt *h, struct htab *t, struct hunt_scratch *s, struct memacct *acct,
      struct err *err)
{
    int by_host = h->o.by == HUNT_BY_SERVER || h->o.by == HUNT_BY_CLIENT;
    int memo = h->o.by == HUNT_BY_DOMAIN;
    int server_view = h->o.server_view;
    /* kept here: the calls below may change *s for all the compiler knows */
    const struct hunt_pend *pend = s->pend;
    const struct hunt_pflow *pflow = s->pflow;
    size_t npflow = s->npflow;

    for (size_t q = 0; q < npflow; q++) {
        const struct hunt_pflow *pf = &pflow[q];
        const struct flow *f = pf->f;
        uint64_t busy = f->packets > f->rev_packets ? f->packets : f->rev_packets;
        struct hflow x = {
            pf->client,
            pf->cb,
            pf->cp,
            pf->sb,
            pf->sp,
            busy,
            (uint64_t)pf->chash << 32 |
                (uint64_t)(uint32_t)(f->start_ms > 0 ? (uint64_t)f->start_ms / 1000u : 0),
            f->start_ms > 0 ? (uint64_t)f->start_ms / 3600000u : 0};
        struct htab_entry *e = NULL;
        struct hsrv sv; /* the server view's part of this flow (sv.e: on its first named record) */
        struct hunt_val *v;
        size_t ntouched = 0;
        int is_new;

        sv.e = NULL;
        if (q + TAG_AHEAD < npflow) { /* a client total: its value's counts and its key */
            const struct hunt_pflow *a = &pflow[q + TAG_AHEAD];
            const uint8_t *g =
                (const uint8_t *)(a->tag_e != NULL ? a->tag_e : htab_peek(t, a->tag_hash));

            if (g != NULL) {
                __builtin_prefetch(g);
                __builtin_prefetch(g + 64);
                __builtin_prefetch(g + sizeof(struct htab_entry) + sizeof(struct hunt_val));
            }
            if (server_view) /* the server view's group: its entry, value and key */
                prefetch_entry(t, pflow[q + TAG_AHEAD].srv_hash, GROUP_LINES);
        }
        for (size_t j = pf->first, end = j + pf->n; j < end; j++) {
            const struct hunt_pend *p = &pend[j];

            if (!pend[j + PREFETCH_AHEAD].same) { /* the padding is `same` */
                const struct hunt_pend *a = &pend[j + PREFETCH_AHEAD];

                if (a->known)
                    prefetch_lines(a->e, GROUP_LINES);
                else
                    prefetch_entry(t, a->hash, GROUP_LINES);
            }
            if (!pend[j + PREFETCH_AHEAD / 2].same) {
                const struct hunt_pend *a = &pend[j + PREFETCH_AHEAD / 2];

                const struct htab_entry *g = a->known ? a->e : htab_peek(t, a->hash);

                if (!a->known) /* a known name is in its group's set: not looked up */
                    group_prefetch(t, a->hash, a, 0);
                if (g != NULL) { /* the slot its flow's client would take in the group's set */
                    const struct hunt_pflow *af = &pflow[a->flow];

                    dset_prefetch_addr(&((const struct hunt_val *)(const void *)(g + 1))->clients,
                                       af->client[0], af->client + 1);
                }
                if (server_view) /* the server view's group of its flow */
                    group_prefetch(t, pflow[a->flow].srv_hash, a, 1);
            }
            if (!p->same) {
                e = p->known
                        ? p->e
                        : htab_upsert(t, s->keys + p->key_off, p->key_len, p->hash, &is_new, err);
                if (e == NULL)
                    return -ERR_LIMIT;
            }
            v = (struct hunt_val *)(void *)htab_entry_val(e);
            if (!seen_in_flow(s, ntouched, e)) {
                s->touched[ntouched++] = e;
                if (flow_part(h, v, f, &x, acct, err) < 0)
                    return -ERR_LIMIT;
            }
            if (rec_part(v, p, by_host, acct, err) < 0)
                return -ERR_LIMIT;
            if (!p->known && !p->same && memo) /* its name is in e's set now */
                memo_store(s, p, e);
            if (server_view && server_rec(h, t, s, f, &x, pf, &sv, p, acct, err) < 0)
                return -ERR_LIMIT;
        }
        if (sv.e != NULL)
            server_flush(&sv);
        /* the client's DNS bytes, once per flow, for the share term */
        e = pf->tag_e;
        if (e == NULL) {
            struct hunt_tagm *m = &s->tagm[pf->chash & (TAGM_SLOTS - 1)];

            memcpy(s->tag, &pf->chash, 4);
            e = htab_upsert(t, s->tag, HUNT_TAG_LEN, pf->tag_hash, &is_new, err);
            if (e == NULL)
                return -ERR_LIMIT;
            *m = (struct hunt_tagm){pf->chash, s->epoch, e};
        }
        v = (struct hunt_val *)(void *)htab_entry_val(e);
        v->flows++;
        hunt_wide_add(&v->qbytes, pf->cb);
        hunt_wide_add(&v->rbytes, pf->sb);
    }
    return 0;
}

int
hunt_fold(const struct hunt *h, struct htab *t, struct hunt_scratch *s,
          const struct flow *const *flows, size_t n, struct memacct *acct, struct err *err)
{
    s->npend = s->npflow = s->keys_len = 0;
    if (s->tagm == NULL)
        s->tagm = mem_calloc(TAGM_SLOTS, sizeof(*s->tagm));
    memo_table(s, t);
    pass0(s, flows, n);
    pass1(h, t, s, flows, n);
    for (size_t i = 0; i < PREFETCH_AHEAD && s->npflow > 0; i++) /* nothing to look ahead at */
        s->pend[s->npend + i].same = 1;
    /* touched: at most a flow's pending records, so at most the batch's */
    reserve((void **)&s->touched, &s->cap, 0, s->npend, sizeof(*s->touched));
    return pass2(h, t, s, acct, err);
}

/* The counters of `s` into `d` (hunt_merge() and hunt_merge_counted()). */
static void
merge_counters(struct hunt_val *d, const struct hunt_val *s)
{
    d->flows += s->flows;
    d->queries += s->queries;
    d->records += s->records;
    hunt_wide_merge(&d->qbytes, &s->qbytes);
    hunt_wide_merge(&d->qpackets, &s->qpackets);
    hunt_wide_merge(&d->rbytes, &s->rbytes);
    hunt_wide_merge(&d->rpackets, &s->rpackets);
    hunt_wide_merge(&d->busy, &s->busy);
    hunt_wide_merge(&d->hidden, &s->hidden);
    hunt_wide_merge(&d->dur_ms, &s->dur_ms);
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
}

/* The times and hours' counts of `s` into `d`, whose clients are merged already; releases
 * `s`. */
static int
merge_rest(struct hunt_val *d, struct hunt_val *s, struct memacct *acct, struct err *err)
{
    int rc = 0;

    /* Times are kept exactly while the merged group has few clients, else dropped (both ways). */
    if (d->no_times || s->no_times || d->clients.n > HUNT_TIMING_CLIENTS) {
        if (!d->no_times)
            drop_times(d, acct);
    } else {
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
    if (rc == 0)
        rc = hourly_merge(&d->byhr, &s->byhr, acct, err);
    hunt_release((uint8_t *)s, acct);
    return rc;
}

static const size_t set_width[4] = {17, 16, 8, 8};

int
hunt_merge(uint8_t *dst, uint8_t *src, struct memacct *acct, struct err *err)
{
    struct hunt_val *d = (struct hunt_val *)(void *)dst;
    struct hunt_val *s = (struct hunt_val *)(void *)src;
    struct dset *dsets[4] = {&d->clients, &d->names, &d->hours, &d->domains};
    struct dset *ssets[4] = {&s->clients, &s->names, &s->hours, &s->domains};
    int rc = 0;

    merge_counters(d, s);
    for (int i = 0; i < 4 && rc == 0; i++) {
        if (ssets[i]->n > dsets[i]->n) {
            struct dset tmp = *dsets[i];

            *dsets[i] = *ssets[i];
            *ssets[i] = tmp;
        }
        rc = dset_merge(dsets[i], ssets[i], set_width[i], acct, err);
    }
    if (rc != 0) {
        hunt_release(src, acct);
        return rc;
    }
    return merge_rest(d, s, acct, err);
}

int
hunt_merge_counted(uint8_t *dst, uint8_t *src, const uint64_t more[4], struct memacct *acct,
                   struct err *err)
{
    struct hunt_val *d = (struct hunt_val *)(void *)dst;
    struct hunt_val *s = (struct hunt_val *)(void *)src;
    struct dset *dsets[4] = {&d->clients, &d->names, &d->hours, &d->domains};

    merge_counters(d, s);
    for (int i = 0; i < 4; i++) {
        uint64_t n = dsets[i]->n + more[i];

        if (n > UINT32_MAX) {
            hunt_release(src, acct);
            return ERR_SET(err, ERR_FORMAT, "saved state: %llu distinct items in one set",
                           (unsigned long long)n);
        }
        dset_fini(dsets[i], set_width[i], acct);
        dsets[i]->n = (uint32_t)n; /* cap 0: only the count is read from here on */
    }
    return merge_rest(d, s, acct, err);
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
    hourly_fini(&v->byhr, acct);
}

/* ---- --allow (parsed by the CLI, cli_args.c) ---- */

void
hunt_allow_fini(struct hunt_allow *a)
{
    for (size_t i = 0; i < a->n; i++)
        mem_free(a->s[i]);
    mem_free(a->s);
    memset(a, 0, sizeof(*a));
}
