/*
 * hunt_finish.c - dns-hunt's finish: the score's terms, timing, the why column and the
 * result table (see hunt.h and docs/dns-hunt.md). The fold and merge are in hunt.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hunt.h"
#include "hunt_side.h"
#include "isotime.h"
#include "mem.h"
#include "op.h"

#define MICRO 1000000.0

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
    double bytes; /* the client's DNS bytes (only a share of them is taken) */
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

/* Sifts rows[i] down the heap rows[0..n) whose root is the last in hrow_cmp()'s order. */
static void
heap_down(struct hrow *rows, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        struct hrow tmp;

        if (l < n && hrow_cmp(&rows[l], &rows[m]) > 0)
            m = l;
        if (l + 1 < n && hrow_cmp(&rows[l + 1], &rows[m]) > 0)
            m = l + 1;
        if (m == i)
            return;
        tmp = rows[i];
        rows[i] = rows[m];
        rows[m] = tmp;
        i = m;
    }
}

/*
 * order_rows() - the first `want` of rows[0..n) in hrow_cmp()'s order (a total order: the
 * key breaks ties), sorted, in rows[0..want); the rest are left in any order. With few
 * wanted (--limit 20 of 28 k groups), a heap of the `want` first so far, whose root is
 * the last of them, takes each other row in one comparison unless it belongs in it: the
 * whole qsort() was 40% of the finish of a month's groups (docs/partials.md).
 */
static void
order_rows(struct hrow *rows, size_t n, size_t want)
{
    if (want >= n / 2) {
        qsort(rows, n, sizeof(*rows), hrow_cmp);
        return;
    }
    for (size_t i = want / 2; i-- > 0;)
        heap_down(rows, want, i);
    for (size_t i = want; i < n && want > 0; i++)
        if (hrow_cmp(&rows[i], &rows[0]) < 0) {
            rows[0] = rows[i];
            heap_down(rows, want, 0);
        }
    qsort(rows, want, sizeof(*rows), hrow_cmp);
}

/*
 * hunt_sort_u64() (hunt.h) - a merge sort (n log n whatever the order: the times are the
 * flows'), insertion sort below 17 items, a merge skipped when the halves are in order
 * already. qsort() with its compare through a pointer was 10% of the instructions of a
 * cached dns-hunt re-run (docs/partials.md).
 */
void
hunt_sort_u64(uint64_t *a, uint64_t *tmp, size_t n)
{
    size_t h = n / 2, i = 0, j = h, k = 0;

    if (n <= 16) {
        for (size_t x = 1; x < n; x++) {
            uint64_t v = a[x];
            size_t y = x;

            for (; y > 0 && a[y - 1] > v; y--)
                a[y] = a[y - 1];
            a[y] = v;
        }
        return;
    }
    hunt_sort_u64(a, tmp, h);
    hunt_sort_u64(a + h, tmp, n - h);
    if (a[h - 1] <= a[h])
        return;
    memcpy(tmp, a, h * sizeof(*a));
    /* the left half from tmp, the right in place: a write at k never passes the read at j */
    while (i < h && j < n)
        a[k++] = tmp[i] <= a[j] ? tmp[i++] : a[j++];
    while (i < h)
        a[k++] = tmp[i++];
}

/*
 * The clients' totals by client hash: open addressing over the hash's own bits (it is an
 * XXH3 hash already), slots holding an index + 1. Each hash is in ct once (a table key).
 * A binary search per (group, client) was 9 M instructions of a month's finish.
 */
struct ctmap {
    const struct ctot *ct;
    uint32_t *slot;
    size_t mask;
};

static void
ctmap_init(struct ctmap *m, const struct ctot *ct, size_t nct)
{
    size_t cap = 16;

    while (cap < 2 * nct)
        cap *= 2;
    m->ct = ct;
    m->mask = cap - 1;
    m->slot = mem_calloc(cap, sizeof(*m->slot));
    for (size_t i = 0; i < nct; i++) {
        size_t h = ct[i].chash & m->mask;

        while (m->slot[h] != 0)
            h = (h + 1) & m->mask;
        m->slot[h] = (uint32_t)i + 1;
    }
}

/* The total of client hash `ch`, or NULL. */
static const struct ctot *
ctmap_find(const struct ctmap *m, uint32_t ch)
{
    size_t h = ch & m->mask;
    uint32_t k;

    while ((k = m->slot[h]) != 0) {
        if (m->ct[k - 1].chash == ch)
            return &m->ct[k - 1];
        h = (h + 1) & m->mask;
    }
    return NULL;
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

/* What a group's series give, whatever the window and the clients' totals. */
struct series {
    double cv;      /* dispersion of the most regular series (-1: none) */
    double regular; /* its term regular, 1 - cv (0: none) */
    uint64_t maxh;  /* hours the most active series is active in (0: none) */
};

/*
 * The series of a group from its (client hash, second) items: for each client's series of
 * distinct query-start seconds with at least TIMING_MIN_EVENTS, the coefficient of
 * variation of its gaps (regular = 1 - CV) and the hours it is active in; the group takes
 * the best series. The distinct client hashes, ascending, into cl (when not NULL): their
 * number is returned.
 */
static uint32_t
series_scan(const struct hunt_val *v, uint64_t *buf, uint64_t *tmp, uint32_t *cl, struct series *sr)
{
    const uint64_t *s = v->times.p;
    size_t n = v->times.n, a = 1;
    uint32_t ncl = 0;

    sr->cv = -1;
    sr->regular = 0;
    sr->maxh = 0;
    if (v->no_times || n == 0)
        return 0;
    while (a < n && s[a - 1] <= s[a]) /* a saved series is ascending already: read in place */
        a++;
    if (a < n) {
        memcpy(buf, s, n * sizeof(*buf));
        hunt_sort_u64(buf, tmp, n);
        s = buf;
    }
    /* Each client's run [i, j) of s, its repeated (client, second) items counted once. */
    for (size_t i = 0; i < n;) {
        uint32_t ch = (uint32_t)(s[i] >> 32);
        size_t j = i + 1, d = 1; /* d: distinct items in the run */

        for (; j < n && (uint32_t)(s[j] >> 32) == ch; j++)
            d += s[j] != s[j - 1];
        if (cl != NULL)
            cl[ncl] = ch;
        ncl++;
        if (d >= TIMING_MIN_EVENTS) {
            double sum = 0, sq = 0, k = (double)(d - 1);
            uint64_t hours = 0, last_hour = UINT64_MAX;

            for (size_t m = i; m < j; m++) {
                uint64_t sec = s[m] & 0xFFFFFFFFu;

                if (m > i && s[m] == s[m - 1])
                    continue; /* a repeat: s[m - 1] is the previous distinct item */
                if (sec / 3600 != last_hour) {
                    hours++;
                    last_hour = sec / 3600;
                }
                if (m > i) {
                    double g = (double)(sec - (s[m - 1] & 0xFFFFFFFFu));

                    sum += g;
                    sq += g * g;
                }
            }
            double mean = sum / k;
            double var = sq / k - mean * mean;
            double cv = mean > 0 ? sqrt(var > 0 ? var : 0) / mean : 0;

            if (mean >= TIMING_MIN_GAP && (sr->cv < 0 || cv < sr->cv)) {
                sr->cv = cv;
                sr->regular = clamp01(1 - cv);
            }
            if (hours > sr->maxh)
                sr->maxh = hours;
        }
        i = j;
    }
    return ncl;
}

/*
 * The term active: the share of the window's hours the most active series is active in
 * (the largest of hours / window_hours over the series is the largest hours over it).
 */
static double
active_term(uint64_t maxh, uint64_t window_hours)
{
    double active = window_hours ? (double)maxh / (double)window_hours : 0;

    return active > 0 ? clamp01(active) : 0;
}

/* The sum of the group's clients' DNS bytes (the term share's denominator), cl ascending. */
static double
client_sum(const struct ctmap *ct, const uint32_t *cl, uint32_t ncl)
{
    double bytes = 0;

    for (uint32_t i = 0; i < ncl; i++) {
        const struct ctot *hit = ctmap_find(ct, cl[i]);

        if (hit)
            bytes += hit->bytes;
    }
    return bytes;
}

/*
 * The timing terms of a group (series_scan()), the term active of the window's hours, and
 * the sum of the group's clients' DNS bytes (share). cl: room for v->times.n hashes.
 */
static void
timing(const struct hunt_val *v, uint64_t *buf, uint64_t *tmp, uint32_t *cl, uint64_t window_hours,
       const struct ctmap *ct, struct hrow *row, double *client_bytes)
{
    struct series sr;
    uint32_t ncl = series_scan(v, buf, tmp, cl, &sr);

    row->cv = sr.cv;
    row->t[T_REGULAR] = sr.regular;
    row->t[T_ACTIVE] = active_term(sr.maxh, window_hours);
    *client_bytes = client_sum(ct, cl, ncl);
}

__extension__ typedef unsigned __int128 hunt_u128;

static hunt_u128
wide_u128(struct hunt_wide w)
{
    return (hunt_u128)w.hi << 64 | w.lo;
}

/*
 * ratio3() - num / den (den > 0) as an exact decimal cell of 3 decimals, rounded
 * half up on the exact fraction (as round3() rounds, but never through a double:
 * 55340232221128655155 / 4 prints 13835058055282163788.75, not ...163712).
 */
static struct out_cell
ratio3(hunt_u128 num, hunt_u128 den)
{
    hunt_u128 q = num / den, r = num % den;
    uint32_t frac = 0;

    for (int i = 0; i < 3; i++) { /* the next digit of r / den: 10 * r = d * den + r' */
        hunt_u128 x = 0;
        uint32_t d = 0;

        for (int j = 0; j < 10; j++) { /* x += r modulo den, counting the wraps (no overflow) */
            if (x >= den - r) {
                x -= den - r;
                d++;
            } else {
                x += r;
            }
        }
        frac = frac * 10 + d;
        r = x;
    }
    if (r >= den - r) { /* the rest is half or more: up */
        if (++frac == 1000) {
            frac = 0;
            q++;
        }
    }
    return out_cell_dec((uint64_t)q, (uint64_t)(q >> 64), frac, 3);
}

/* A 128-bit count as an output cell: OUT_U64 while it fits, else OUT_U128 (exact). */
static struct out_cell
wide_cell(struct hunt_wide w)
{
    return w.hi ? out_cell_u128(w.lo, w.hi) : out_cell_u64(w.lo);
}

/* The volume factor and the terms len..session of a group (its own state alone); returns
 * those terms summed in order, as score_tail() goes on summing. */
static double
score_head(const struct hunt *h, const struct hunt_val *v, struct hrow *row)
{
    double r = v->records ? (double)v->records : 1.0;
    double flows = v->flows ? (double)v->flows : 1.0;
    double clients = v->clients.n ? (double)v->clients.n : 1.0;
    double doms = 1.0, sum = 0;
    int by_host = h->o.by == HUNT_BY_SERVER || h->o.by == HUNT_BY_CLIENT;

    if (by_host && v->domains.n > 1)
        doms = (double)v->domains.n;
    row->vol = log2(1.0 + ((double)v->names.n + hunt_wide_f64(v->hidden)) / (clients * doms));
    row->t[T_LEN] = fmin(1.0, (double)v->qlen_sum / r / h->o.len_norm);
    row->t[T_ENT] = fmin(1.0, (double)v->ent_sum / MICRO / r / h->o.entropy_norm);
    row->t[T_TYPES] = (double)(v->n_txt + v->n_null + v->n_cname + v->n_mx + v->n_other) / r;
    if (v->qpackets.lo || v->qpackets.hi)
        row->t[T_SIZE] = clamp01(
            (hunt_wide_f64(v->qbytes) / hunt_wide_f64(v->qpackets) - SIZE_FLOOR) / SIZE_SPAN);
    row->t[T_SESSION] =
        clamp01(log2(hunt_wide_f64(v->busy) / flows / 2.0) / log2(SESSION_FULL / 2.0));
    for (int i = 0; i < T_SHARE; i++)
        sum += row->t[i];
    return sum;
}

/*
 * The terms share (the group's `bytes` over its clients' total) and new, then the score:
 * p5 (score_head()'s sum) plus the terms share..new in order, times the volume factor.
 * row->t[T_REGULAR] and [T_ACTIVE] are set before.
 */
static void
score_tail(const struct hunt *h, struct hrow *row, double p5, double bytes, double client_bytes,
           uint64_t first_ms)
{
    int by_host = h->o.by == HUNT_BY_SERVER || h->o.by == HUNT_BY_CLIENT;
    double sum = p5;

    if (!by_host && client_bytes > 0)
        row->t[T_SHARE] = clamp01(bytes / client_bytes);
    if (h->o.baseline_end_ms > 0 && ~first_ms >= (uint64_t)h->o.baseline_end_ms)
        row->t[T_NEW] = 1;
    for (int i = T_SHARE; i < T_COUNT; i++)
        sum += row->t[i];
    row->score = round3(row->vol * sum);
}

static double
val_bytes(const struct hunt_val *v)
{
    return hunt_wide_f64(hunt_wide_sum(v->qbytes, v->rbytes));
}

static void
score_row(const struct hunt *h, const struct hunt_val *v, struct hrow *row, double client_bytes)
{
    double p5 = score_head(h, v, row);

    score_tail(h, row, p5, val_bytes(v), client_bytes, v->first_ms);
}

uint32_t
hunt_parts_of(const struct hunt *h, const struct hunt_val *v, struct hunt_parts *pt, uint32_t *cl,
              uint64_t *buf)
{
    struct hrow row;
    struct series sr;
    uint32_t ncl;

    memset(&row, 0, sizeof(row));
    pt->p5 = score_head(h, v, &row);
    pt->vol = row.vol;
    ncl = series_scan(v, buf, buf + v->times.n + 1, cl, &sr);
    pt->regular = sr.regular;
    pt->maxh = sr.maxh > UINT32_MAX ? UINT32_MAX : (uint32_t)sr.maxh;
    pt->bytes = val_bytes(v);
    pt->first_ms = v->first_ms;
    pt->last_ms = v->last_ms;
    pt->names = v->names.n;
    return ncl;
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

/* Writes the `n` decimal digits of `v` (zero-padded) at p. */
static void
put_digits(char *p, unsigned v, int n)
{
    while (n-- > 0) {
        p[n] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* A time in ms as YYYY-MM-DDThh:mm:ss.mmmZ, UTC (the report finishes thousands of rows). */
static void
format_ms(char *buf, uint64_t ms)
{
    time_t sec = (time_t)(ms / 1000);
    struct tm tm;

    if (ms < 253402300800000u) { /* before year 10000: the civil date from the day number */
        uint64_t s = ms / 1000, sod = s % 86400;
        int64_t y, m, d;

        isotime_civil_from_days((int64_t)(s / 86400), &y, &m, &d);
        put_digits(buf, (unsigned)y, 4);
        buf[4] = '-';
        put_digits(buf + 5, (unsigned)m, 2);
        buf[7] = '-';
        put_digits(buf + 8, (unsigned)d, 2);
        buf[10] = 'T';
        put_digits(buf + 11, (unsigned)(sod / 3600), 2);
        buf[13] = ':';
        put_digits(buf + 14, (unsigned)(sod / 60 % 60), 2);
        buf[16] = ':';
        put_digits(buf + 17, (unsigned)(sod % 60), 2);
        buf[19] = '.';
        put_digits(buf + 20, (unsigned)(ms % 1000), 3);
        buf[23] = 'Z';
        buf[24] = '\0';
        return;
    }
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

/* What the sub-tables of pass 2 of hunt_finish() share (score_part()). */
struct score_ctx {
    const struct hunt *h;
    const struct htab *t;
    uint32_t srv_len; /* the view's tag length (hunt_finish()'s srv_len) */
    uint64_t window_hours;
    const struct ctmap *cmap;
    size_t maxtimes;   /* the longest series: the room timing() takes */
    struct hrow *rows; /* sub-table p's rows go from rows + off[p] */
    const size_t *off;
    size_t *kept;   /* per sub-table: its rows (groups with --min-names names) */
    size_t *groups; /* per sub-table: its groups of the view */
};

/*
 * Pass 2 of hunt_finish() for sub-table p: every group of the view counted, those with
 * --min-names names scored into rows. Touches only sub-table p's slots of the shared arrays
 * (op_parts_run()).
 */
static void
score_part(unsigned p, void *ctx)
{
    const struct score_ctx *c = ctx;
    const struct hunt *h = c->h;
    const struct htab *t = c->t;
    struct hrow *rows = c->rows + c->off[p];
    size_t n = 0, groups = 0;
    uint64_t *buf = NULL;

    for (size_t i = 0; i < htab_part_cap(t, p); i++) {
        struct htab_entry *e = htab_part_slot(t, p, i);
        const struct hunt_val *v;
        double client_bytes;

        if (e == NULL || hunt_key_is(e, HUNT_TAG_LEN) ||
            (h->o.server_view && hunt_key_is(e, HUNT_SRV_LEN) != (c->srv_len != 0)))
            continue;
        groups++;
        v = val_of(e);
        if (v->names.n < h->o.min_names)
            continue;
        if (buf == NULL) /* the series, hunt_sort_u64()'s room, the client hashes */
            buf = mem_alloc((c->maxtimes + 1 + c->maxtimes / 2 + 1 + c->maxtimes / 2 + 1) *
                            sizeof(*buf));
        rows[n].e = e;
        timing(v, buf, buf + c->maxtimes + 1,
               (uint32_t *)(void *)(buf + c->maxtimes + 1 + c->maxtimes / 2 + 1), c->window_hours,
               c->cmap, &rows[n], &client_bytes);
        score_row(h, v, &rows[n], client_bytes);
        n++;
    }
    mem_free(buf);
    c->kept[p] = n;
    c->groups[p] = groups;
}

int
hunt_finish(const struct hunt *h, const struct htab *t, uint64_t limit, int threads,
            struct hunt_result *res, struct err *err)
{
    const char *const *keys = h->o.by == HUNT_BY_DOMAIN   ? domain_cols
                              : h->o.by == HUNT_BY_SERVER ? server_cols
                              : h->o.by == HUNT_BY_CLIENT ? client_cols
                                                          : domsrc_cols;
    size_t nkeys = h->o.by == HUNT_BY_DOMAIN_SOURCE ? 2 : 1;
    size_t ncols = nkeys + NSTAT, n = 0, nct = 0, want, maxtimes = 0;
    struct hrow *rows = mem_calloc(htab_count(t) + 1, sizeof(*rows));
    struct ctot *ct = mem_alloc((htab_count(t) + 1) * sizeof(*ct));
    uint64_t first_hour = h->has_more ? h->more_first_hour : UINT64_MAX;
    uint64_t last_hour = h->has_more ? h->more_last_hour : 0, window_hours = 0;
    size_t off[HTAB_PARTS], kept[HTAB_PARTS], groups[HTAB_PARTS];
    struct score_ctx sc;
    struct ctmap cmap;
    /* With the server view in the table: the server groups, or the others. */
    uint32_t srv_len = h->o.server_view && h->o.by == HUNT_BY_SERVER ? HUNT_SRV_LEN : 0;

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
            if (hunt_key_is(e, HUNT_TAG_LEN)) {
                memcpy(&ct[nct].chash, entry_key(e), 4);
                ct[nct++].bytes = hunt_wide_f64(hunt_wide_sum(v->qbytes, v->rbytes));
                continue;
            }
            if (h->o.server_view && hunt_key_is(e, HUNT_SRV_LEN) != (srv_len != 0))
                continue;
            if (~v->first_ms / 3600000u < first_hour)
                first_hour = ~v->first_ms / 3600000u;
            if (v->last_ms / 3600000u > last_hour)
                last_hour = v->last_ms / 3600000u;
            if (v->times.n > maxtimes)
                maxtimes = v->times.n;
        }
    ctmap_init(&cmap, ct, nct);
    if (first_hour != UINT64_MAX)
        window_hours = last_hour - first_hour + 1;
    /* Pass 2: score every group, sub-table p into rows[off[p] ..) on the threads (a group's
     * score reads only its own state and the totals above), then the rows closed up in
     * sub-table order, as one thread would have made them. */
    for (unsigned p = 0; p < HTAB_PARTS; p++) {
        off[p] = n;
        n += htab_part_count(t, p);
    }
    sc = (struct score_ctx){h, t, srv_len, window_hours, &cmap, maxtimes, rows, off, kept, groups};
    op_parts_run(threads, score_part, &sc);
    n = 0;
    for (unsigned p = 0; p < HTAB_PARTS; p++) {
        memmove(rows + n, rows + off[p], kept[p] * sizeof(*rows));
        n += kept[p];
        res->groups += groups[p];
    }
    mem_free(cmap.slot);
    mem_free(ct);
    res->kept = n;
    want = limit && limit < n ? (size_t)limit : n;
    order_rows(rows, n, want);

    res->cols = mem_calloc(ncols, sizeof(*res->cols));
    for (size_t c = 0; c < ncols; c++) {
        const char *name = c < nkeys ? keys[c] : stat_cols[c - nkeys];

        res->cols[c].name = name;
        res->cols[c].json_name = name;
    }
    res->cells = mem_calloc(want * ncols + 1, sizeof(*res->cells));
    res->text = mem_alloc(want * 2 * TIME_LEN + 1);
    res->why = mem_alloc(want * WHY_LEN + 1);
    res->hourly = mem_calloc(want + 1, sizeof(*res->hourly));
    for (size_t r = 0; r < want; r++) {
        const struct htab_entry *e = rows[r].e;
        const struct hunt_val *v = val_of(e);
        const uint8_t *key = entry_key(e);
        struct out_cell *c = res->cells + r * ncols;
        double rec = v->records ? (double)v->records : 1.0;
        uint64_t flows = v->flows ? v->flows : 1;
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
        res->hourly[r] = &v->byhr;
        format_ms(first, ~v->first_ms);
        format_ms(last, v->last_ms);
        format_why(why, WHY_LEN, &rows[r]);
        *c++ = out_cell_f64(round3(rows[r].score));
        *c++ = out_cell_u64(v->flows);
        *c++ = out_cell_u64(v->queries);
        *c++ = out_cell_u64(v->names.n);
        *c++ = out_cell_u64(v->clients.n);
        *c++ = wide_cell(hunt_wide_sum(v->qbytes, v->rbytes));
        *c++ = wide_cell(hunt_wide_sum(v->qpackets, v->rpackets));
        *c++ = wide_cell(v->qbytes);
        *c++ = wide_cell(v->qpackets);
        *c++ = wide_cell(v->hidden);
        /* ratios of counts that may pass 2^53: exact, 3 decimals (docs/dns-hunt.md) */
        *c++ = ratio3(wide_u128(hunt_wide_sum(v->qpackets, v->rpackets)), flows);
        *c++ = v->qpackets.lo || v->qpackets.hi
                   ? ratio3(wide_u128(v->qbytes), wide_u128(v->qpackets))
                   : out_cell_u64(0);
        *c++ = ratio3(wide_u128(v->dur_ms), (hunt_u128)1000 * flows);
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
    res->table.left_out = n - want;
    return 0;
}

void
hunt_result_fini(struct hunt_result *res)
{
    mem_free(res->cols);
    mem_free(res->cells);
    mem_free(res->text);
    mem_free(res->why);
    mem_free(res->hourly);
    memset(res, 0, sizeof(*res));
}

/* ---- the groups of a roll-up that only its side file brings (hunt_side.h) ---- */

/* An untouched group of the side file: its score and key (hrow_cmp()'s order). */
struct srow {
    double score;
    const uint8_t *key;
    uint32_t key_len;
    uint64_t ent;
};

static int
srow_cmp(const struct srow *x, const struct srow *y)
{
    size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
    int c;

    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    c = memcmp(x->key, y->key, n);
    if (c)
        return c;
    return x->key_len < y->key_len ? -1 : x->key_len > y->key_len;
}

/* Sifts h[i] down the heap h[0..n) whose root is the last in srow_cmp()'s order. */
static void
srow_down(struct srow *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        struct srow tmp;

        if (l < n && srow_cmp(&h[l], &h[m]) > 0)
            m = l;
        if (l + 1 < n && srow_cmp(&h[l + 1], &h[m]) > 0)
            m = l + 1;
        if (m == i)
            return;
        tmp = h[i];
        h[i] = h[m];
        h[m] = tmp;
        i = m;
    }
}

/* Adds `bytes` to client `ch`'s total in m (room for it: slots beyond the count). */
static void
ctmap_add(struct ctmap *m, struct ctot *ct, struct hunt_wide *w, size_t *nct, uint32_t ch,
          struct hunt_wide bytes)
{
    size_t h = ch & m->mask;
    uint32_t k;

    while ((k = m->slot[h]) != 0) {
        if (ct[k - 1].chash == ch) {
            hunt_wide_merge(&w[k - 1], &bytes);
            return;
        }
        h = (h + 1) & m->mask;
    }
    ct[*nct].chash = ch;
    w[*nct] = bytes;
    m->slot[h] = (uint32_t)++ * nct;
}

void
hunt_side_rank(const struct hunt *h, const struct htab *t, const struct hside *s,
               const uint8_t *touched, uint64_t limit, uint64_t **top, size_t *ntop,
               uint64_t *groups, uint64_t *kept)
{
    size_t room = htab_count(t) + (size_t)s->tags + 1, nct = 0, cap = 16, want, n = 0;
    struct ctot *ct = mem_alloc(room * sizeof(*ct));
    struct hunt_wide *w = mem_alloc(room * sizeof(*w));
    uint64_t first_hour = s->first_hour, last_hour = s->last_hour, window_hours = 0;
    uint32_t *cl = NULL;
    size_t clcap = 0;
    struct srow *heap;
    struct ctmap cmap;

    while (cap < 2 * room)
        cap *= 2;
    cmap.ct = ct;
    cmap.mask = cap - 1;
    cmap.slot = mem_calloc(cap, sizeof(*cmap.slot));
    /* the clients' totals of t and of the roll-up (as t's once merged: 128-bit sums), and
     * the window of t's groups and the roll-up's */
    for (unsigned p = 0; p < HTAB_PARTS; p++)
        for (size_t i = 0; i < htab_part_cap(t, p); i++) {
            struct htab_entry *e = htab_part_slot(t, p, i);
            const struct hunt_val *v;
            uint32_t ch;

            if (e == NULL)
                continue;
            v = val_of(e);
            if (hunt_key_is(e, HUNT_TAG_LEN)) {
                memcpy(&ch, entry_key(e), 4);
                ctmap_add(&cmap, ct, w, &nct, ch, hunt_wide_sum(v->qbytes, v->rbytes));
                continue;
            }
            if (~v->first_ms / 3600000u < first_hour)
                first_hour = ~v->first_ms / 3600000u;
            if (v->last_ms / 3600000u > last_hour)
                last_hour = v->last_ms / 3600000u;
        }
    for (uint64_t i = 0; i < s->tags; i++) {
        uint64_t hash;
        uint32_t ch;
        struct hunt_wide b;

        hunt_side_tag(s, i, &hash, &ch, &b);
        ctmap_add(&cmap, ct, w, &nct, ch, b);
    }
    for (size_t i = 0; i < nct; i++)
        ct[i].bytes = hunt_wide_f64(w[i]);
    if (first_hour != UINT64_MAX)
        window_hours = last_hour - first_hour + 1;
    /* every untouched group scored from its parts; the first `want` kept in a heap */
    want = limit && limit < s->groups ? (size_t)limit : (size_t)s->groups; /* heap room */
    heap = mem_alloc((want + 1) * sizeof(*heap));
    *groups = *kept = 0;
    for (uint64_t i = 0; i < s->groups; i++) {
        struct hside_ent e;
        struct hrow row;
        struct srow r;

        if (touched[i])
            continue;
        ++*groups;
        hunt_side_ent(s, i, &e);
        if (e.parts.names < h->o.min_names)
            continue;
        ++*kept;
        if (n == want && want > 0 && e.parts.vol >= 0) {
            /* a bound of its score (share and active at most 1, as score_tail() sums them: each
             * step of the sum and round3() keep the order) below the heap's last: not scored */
            double ub = e.parts.p5 + 1.0;

            ub += e.parts.regular;
            ub += 1.0;
            if (h->o.baseline_end_ms > 0 && ~e.parts.first_ms >= (uint64_t)h->o.baseline_end_ms)
                ub += 1.0;
            if (round3(e.parts.vol * ub) < heap[0].score)
                continue;
        }
        if (e.ncl > clcap) {
            clcap = e.ncl;
            mem_free(cl);
            cl = mem_alloc(clcap * sizeof(*cl));
        }
        for (uint32_t k = 0; k < e.ncl; k++)
            cl[k] = hunt_side_client(s, e.cl_off + k);
        memset(&row, 0, sizeof(row));
        row.vol = e.parts.vol;
        row.t[T_REGULAR] = e.parts.regular;
        row.t[T_ACTIVE] = active_term(e.parts.maxh, window_hours);
        score_tail(h, &row, e.parts.p5, e.parts.bytes, client_sum(&cmap, cl, e.ncl),
                   e.parts.first_ms);
        r.score = row.score;
        r.key = e.key;
        r.key_len = e.key_len;
        r.ent = i;
        if (n < want) {
            heap[n++] = r;
            if (n == want)
                for (size_t k = want / 2; k-- > 0;)
                    srow_down(heap, want, k);
        } else if (want > 0 && srow_cmp(&r, &heap[0]) < 0) {
            heap[0] = r;
            srow_down(heap, want, 0);
        }
    }
    *top = mem_alloc((n + 1) * sizeof(**top));
    for (size_t k = 0; k < n; k++)
        (*top)[k] = heap[k].ent;
    *ntop = n;
    mem_free(heap);
    mem_free(cl);
    mem_free(cmap.slot);
    mem_free(w);
    mem_free(ct);
}
