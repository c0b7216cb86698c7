/*
 * gen_repo.c - see gen_repo.h.
 *
 * Plan, then write. The plan gives every file its hour, time span, path and
 * size target before any thread starts; the parallel loop (largest files
 * first) runs one file per iteration with its own model, writer and truth
 * part file; afterwards the truth parts are concatenated in file order and
 * the labels are summed from per-file channel counts. A worker that fails
 * records the error in its file's plan and raises a stop flag; the first
 * failing file (in file order) is reported.
 *
 * Inside a file, planted channel flows are spread evenly over the file's
 * expected flow count; in --flows mode the benign flows stop early enough
 * that the file ends with exactly its quota.
 */
#include "gen_repo.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <omp.h>

#include "gen_model.h"
#include "gen_truth.h"
#include "gen_write.h"
#include "mem.h"

#define HOUR_MS 3600000LL

__extension__ typedef unsigned __int128 u128; /* total * cumulative weight can pass 2^64 */

/* Expected encoded bytes per flow record, to turn a byte budget into a flow estimate. */
#define AVG_RECORD_Y2 200
#define AVG_RECORD_Y3 170

struct plan {
    uint32_t hour;                   /* hour index from the start */
    uint32_t file;                   /* file index within the hour */
    uint32_t serial;                 /* the NNNNN of the name */
    int64_t t0_ms;                   /* start of the file's time span */
    int64_t span_ms;                 /* length of the span */
    uint64_t target;                 /* flow records (--flows) or bytes (--bytes) */
    uint64_t est;                    /* expected flow records */
    char path[512];                  /* the .yaf file */
    char part[600];                  /* its truth part, when --truth */
    uint64_t records;                /* flow records written */
    uint64_t generated;              /* flows the model made (a split flow is two records) */
    uint64_t enc_bytes;              /* their encoded bytes */
    uint64_t packets;                /* packets they count */
    uint64_t ch_flows[GEN_CH_COUNT]; /* records per planted channel */
    struct err err;                  /* the first failure of this file */
};

/* ------------------------------------------------------------ calendar */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

struct civil {
    int y;
    unsigned mo, d, h, mi, s;
};

static struct civil
civil_of(int64_t ms)
{
    struct civil c;
    int64_t sec = ms / 1000;
    int64_t days = sec / 86400;
    int64_t rem = sec % 86400;

    if (rem < 0) {
        rem += 86400;
        days--;
    }
    civil_from_days(days, &c.y, &c.mo, &c.d);
    c.h = (unsigned)(rem / 3600);
    c.mi = (unsigned)(rem % 3600 / 60);
    c.s = (unsigned)(rem % 60);
    return c;
}

/* Reads exactly `n` decimal digits at *s; advances *s. Returns the value or -1. */
static int
digits(const char **s, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++, (*s)++) {
        if (**s < '0' || **s > '9')
            return -1;
        v = v * 10 + (**s - '0');
    }
    return v;
}

int
gen_repo_parse_hour(const char *s, int64_t *ms, struct err *err)
{
    const char *p = s;
    int y = digits(&p, 4);
    int mo = *p == '-' ? (p++, digits(&p, 2)) : -1;
    int d = *p == '-' ? (p++, digits(&p, 2)) : -1;
    int h = *p == 'T' ? (p++, digits(&p, 2)) : -1;

    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || *p != '\0')
        return ERR_SET(err, ERR_USAGE, "bad --start '%s' (want YYYY-MM-DDTHH, UTC)", s);
    *ms = (days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + (int64_t)h * 3600) * 1000;
    struct civil c = civil_of(*ms);
    if (c.d != (unsigned)d) /* e.g. 2024-02-31 */
        return ERR_SET(err, ERR_USAGE, "bad --start '%s': no such day", s);
    return 0;
}

void
gen_repo_format_hour(char *dst, size_t cap, int64_t ms)
{
    struct civil c = civil_of(ms);

    snprintf(dst, cap, "%04d-%02u-%02uT%02u", c.y, c.mo, c.d, c.h);
}

/* mkdir -p */
static int
make_dirs(const char *dir, struct err *err)
{
    char tmp[512];
    size_t n = strlen(dir);

    if (n >= sizeof(tmp))
        return ERR_SET(err, ERR_USAGE, "%s: path too long", dir);
    memcpy(tmp, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (tmp[i] != '/' && tmp[i] != '\0')
            continue;
        char c = tmp[i];
        tmp[i] = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
            return ERR_SET_ERRNO(err, errno, "%s: cannot create directory", tmp);
        tmp[i] = c;
    }
    return 0;
}

/* ---------------------------------------------------------------- plan */

static struct plan *
make_plan(const struct gen_repo_opts *o, uint64_t *nfiles_out, struct err *err)
{
    const struct gen_world_spec *ws = &o->world;
    uint64_t k = ws->files_per_hour;
    uint64_t nfiles = (uint64_t)ws->hours * k;
    struct plan *plans = mem_calloc(nfiles, sizeof(*plans));
    uint64_t *cum = mem_alloc((nfiles + 1) * sizeof(uint64_t));
    uint64_t total = o->flows ? o->flows : o->bytes;
    unsigned start_hod = civil_of(ws->start_ms).h;

    /* Cumulative diurnal weights; a file's share is the difference of two rounded prefixes. */
    cum[0] = 0;
    for (uint64_t i = 0; i < nfiles; i++)
        cum[i + 1] = cum[i] + gen_world_hour_weight((start_hod + (unsigned)(i / k)) % 24);
    for (uint64_t i = 0; i < nfiles; i++) {
        struct plan *p = &plans[i];
        p->hour = (uint32_t)(i / k);
        p->file = (uint32_t)(i % k);
        p->serial = (uint32_t)(i % 100000);
        p->span_ms = HOUR_MS / (int64_t)k;
        p->t0_ms = ws->start_ms + (int64_t)p->hour * HOUR_MS + (int64_t)p->file * p->span_ms;
        if (p->file == k - 1)
            p->span_ms = HOUR_MS - (int64_t)p->file * p->span_ms;
        u128 a = (u128)total * cum[i];
        u128 b = (u128)total * cum[i + 1];
        p->target = (uint64_t)(b / cum[nfiles] - a / cum[nfiles]);
        if (o->flows)
            p->est = p->target;
        else
            p->est = p->target / (o->layout == 3 ? AVG_RECORD_Y3 : AVG_RECORD_Y2) + 1;
        struct civil c = civil_of(p->t0_ms);
        int n = snprintf(p->path, sizeof(p->path),
                         "%s/%04d/%02u/%02u/%02u/%s-%04d%02u%02u%02u%02u%02u-%05u.yaf", o->out, c.y,
                         c.mo, c.d, c.h, o->prefix, c.y, c.mo, c.d, c.h, c.mi, c.s, p->serial);
        if (n < 0 || (size_t)n >= sizeof(p->path)) {
            ERR_SET(err, ERR_USAGE, "%s: output path too long", o->out);
            mem_free(cum);
            mem_free(plans);
            return NULL;
        }
        if (o->truth)
            snprintf(p->part, sizeof(p->part), "%s.part%05u", o->truth, p->serial);
        err_init(&p->err);
    }
    mem_free(cum);
    *nfiles_out = nfiles;
    return plans;
}

/* ------------------------------------------------------------ one file */

/* Writes one record (and its truth); accounts for it in the plan. */
static int
put(struct plan *p, struct gen_writer *wr, FILE *tf, const struct gen_flow *g)
{
    int n = gen_write_flow(wr, g, &p->err);

    if (n < 0)
        return n;
    p->records++;
    p->enc_bytes += (uint64_t)n;
    p->packets += g->f.packets + g->f.rev_packets;
    if (g->channel >= 0)
        p->ch_flows[g->channel]++;
    if (tf && gen_truth_flow(tf, &g->f) < 0)
        return ERR_SET_ERRNO(&p->err, errno, "%s: write failed", p->part);
    return 0;
}

static int
emit(struct plan *p, struct gen_writer *wr, FILE *tf, struct gen_flow *g, struct gen_flow *rev)
{
    int split = gen_model_split(g, rev);

    p->generated++;
    if (put(p, wr, tf, g) < 0)
        return -1;
    if (split && put(p, wr, tf, rev) < 0)
        return -1;
    return 0;
}

/*
 * Progress through the file's quota: records written (--flows) or encoded
 * bytes (--bytes), against the target. Flows are placed in time, and planted
 * flows fall due, by this progress, so both spread over the whole span
 * whatever the record sizes turn out to be.
 */
static uint64_t
progress(const struct gen_repo_opts *o, const struct plan *p)
{
    return o->flows ? p->records : p->enc_bytes;
}

/*
 * Start time at progress `pos`: its share of the span, jittered within one flow's step,
 * and never past the span's last millisecond: YAF writes a flow to the file open when it
 * exports it, after its start, so no flow starts after its file's span.
 */
static int64_t
slot_time(const struct plan *p, struct gen_model *m, uint64_t pos)
{
    uint64_t target = p->target ? p->target : 1;
    uint64_t span = (uint64_t)p->span_ms;
    uint64_t step = span / (p->est ? p->est : 1);
    u128 at = (u128)span * (pos < target ? pos : target - 1);
    uint64_t off = (uint64_t)(at / target) +
                   (step > 1 ? gen_rng_below(&m->rng, (uint32_t)(step > 60000 ? 60000 : step)) : 0);

    return p->t0_ms + (int64_t)(off < span ? off : span - 1);
}

/*
 * --flow-table: the flows of a session channel in one file become sessions,
 * as YAF's flow table makes them when a tunnel keeps its source port: one
 * flow per YAF active timeout (30 minutes), its DNS records those of the
 * first packets (the first flow's), counters and end summed over the rest.
 */
#define ACTIVE_TIMEOUT_MS 1800000LL

struct session {
    struct gen_flow *g; /* the open session, or NULL */
};

static int
session_flush(struct plan *p, struct gen_writer *wr, FILE *tf, struct session *s,
              struct gen_flow *rev)
{
    int rc = 0;

    if (s->g) {
        rc = emit(p, wr, tf, s->g, rev);
        mem_free(s->g);
        s->g = NULL;
    }
    return rc;
}

static int
session_add(struct plan *p, struct gen_writer *wr, FILE *tf, struct session *s, struct gen_flow *g,
            struct gen_flow *rev)
{
    if (s->g && g->f.start_ms - s->g->f.start_ms >= ACTIVE_TIMEOUT_MS &&
        session_flush(p, wr, tf, s, rev) < 0)
        return -1;
    if (s->g == NULL) {
        s->g = mem_alloc(sizeof(*s->g));
        gen_model_copy(s->g, g);
        return 0;
    }
    struct flow *f = &s->g->f;

    f->packets += g->f.packets;
    f->bytes += g->f.bytes;
    f->rev_packets += g->f.rev_packets;
    f->rev_bytes += g->f.rev_bytes;
    if (g->f.end_ms > f->end_ms) {
        f->end_ms = g->f.end_ms;
        s->g->end_ntp = g->end_ntp;
    }
    s->g->attrs = s->g->rev_attrs = 0; /* sizes differ */
    return 0;
}

static int
run_file(const struct gen_repo_opts *o, const struct gen_world *w, struct gen_write_model *model,
         struct plan *p)
{
    struct session sess[GEN_CH_COUNT] = {{0}};
    uint32_t tlo[GEN_CH_COUNT] = {0}, thi[GEN_CH_COUNT] = {0};
    struct gen_flow *g = mem_alloc(sizeof(*g));
    struct gen_flow *rev = mem_alloc(sizeof(*rev));
    uint32_t due[GEN_CH_COUNT] = {0};
    uint32_t done[GEN_CH_COUNT] = {0};
    int share[GEN_CH_COUNT] = {0};
    uint64_t owed = 0;
    struct gen_model m;
    struct gen_writer *wr = NULL;
    FILE *tf = NULL;
    int rc = -1;
    struct gen_write_opts wo = {
        .layout = o->layout,
        .rr_detail = o->rr_detail,
        .export_time = (uint32_t)((p->t0_ms + p->span_ms) / 1000),
        .init_ms = o->world.start_ms,
        .pid = (uint32_t)(1000 + o->world.seed % 30000),
    };

    gen_model_init(&m, w, p->hour, p->file, o->uniflow_ppm);
    for (uint32_t c = 0; c < w->nch; c++) {
        due[c] = gen_world_channel_count(w, &w->ch[c], p->hour, p->file, p->est);
        if (w->ch[c].times)
            gen_world_timed_range(&w->ch[c], p->t0_ms, p->t0_ms + p->span_ms, &tlo[c], &thi[c]);
        /* Sized by bytes, a share channel keeps its share of the records as they come
           (tunnel flows are bigger than the average, so a count fixed up front would
           eat the byte budget); everything else has a count fixed up front. */
        share[c] = !o->flows && w->ch[c].per_hour == 0 && !w->ch[c].times && due[c] > 0;
        if (share[c])
            due[c] = 0;
        owed += due[c];
    }
    if (o->flows && owed > p->target / 2) { /* tiny files: keep most of the quota benign */
        uint64_t cap = p->target / 2, sum = owed;
        owed = 0;
        for (uint32_t c = 0; c < w->nch; c++) {
            if (due[c]) {
                due[c] = (uint32_t)(due[c] * cap / sum);
                if (due[c] == 0)
                    due[c] = 1;
            }
            owed += due[c];
        }
    }
    wr = gen_write_open(p->path, &wo, model, &p->err);
    if (wr == NULL)
        goto out;
    if (o->truth) {
        tf = fopen(p->part, "w");
        if (tf == NULL || gen_truth_file(tf, p->path) < 0) {
            ERR_SET_ERRNO(&p->err, errno, "%s: cannot write", p->part);
            goto out;
        }
    }
    for (;;) {
        uint64_t pos = progress(o, p);
        if (o->flows ? pos + owed >= p->target : pos >= p->target)
            break;
        int64_t t = slot_time(p, &m, pos);
        int ch = -1;
        for (uint32_t c = 0; c < w->nch && ch < 0; c++) {
            if (w->ch[c].times) { /* timed: at its own start time, once the file gets there */
                if (done[c] < due[c] && t >= w->ch[c].times[tlo[c] + done[c]]) {
                    ch = (int)c;
                    t = w->ch[c].times[tlo[c] + done[c]];
                }
            } else if (share[c]) {
                if ((u128)done[c] * 1000000 < (u128)w->ch[c].ppm * (p->generated + 1))
                    ch = (int)c;
            } else if (done[c] < due[c] &&
                       (2 * (u128)done[c] + 1) * p->target <= (u128)pos * 2 * due[c]) {
                ch = (int)c;
            }
        }
        if (ch >= 0) {
            gen_model_channel(&m, (uint32_t)ch, t, g);
            done[ch]++;
            if (!share[ch])
                owed--;
            if (o->flow_table && w->ch[ch].session) {
                if (session_add(p, wr, tf, &sess[ch], g, rev) < 0)
                    goto out;
                continue;
            }
        } else {
            gen_model_benign(&m, t, g);
        }
        if (emit(p, wr, tf, g, rev) < 0)
            goto out;
    }
    /* Planted flows not yet placed go at the end of the span (timed ones at their times). */
    for (uint32_t c = 0; c < w->nch; c++) {
        uint32_t want = share[c] ? w->ch[c].min_per_file : due[c];
        while (done[c] < want) {
            int64_t t = w->ch[c].times ? w->ch[c].times[tlo[c] + done[c]]
                                       : p->t0_ms + p->span_ms - 1 - gen_rng_below(&m.rng, 1000);

            gen_model_channel(&m, c, t, g);
            done[c]++;
            if (o->flow_table && w->ch[c].session) {
                if (session_add(p, wr, tf, &sess[c], g, rev) < 0)
                    goto out;
            } else if (emit(p, wr, tf, g, rev) < 0) {
                goto out;
            }
        }
        if (session_flush(p, wr, tf, &sess[c], rev) < 0)
            goto out;
    }
    rc = gen_write_close(wr, p->packets, &p->err);
    wr = NULL;
    if (rc == 0 && tf && fclose(tf) != 0)
        rc = ERR_SET_ERRNO(&p->err, errno, "%s: write failed", p->part);
    tf = NULL;
out:
    for (uint32_t c = 0; c < GEN_CH_COUNT; c++)
        mem_free(sess[c].g);
    if (wr)
        gen_write_close(wr, 0, &p->err);
    if (tf)
        fclose(tf);
    mem_free(g);
    mem_free(rev);
    return rc < 0 ? -1 : 0;
}

/* --------------------------------------------------------------- output */

static int
concat_truth(const struct gen_repo_opts *o, struct plan *plans, uint64_t nfiles, struct err *err)
{
    FILE *out = fopen(o->truth, "w");
    char *buf = mem_alloc(1 << 16);
    int rc = 0;

    if (out == NULL) {
        mem_free(buf);
        return ERR_SET_ERRNO(err, errno, "%s: cannot create", o->truth);
    }
    for (uint64_t i = 0; i < nfiles && rc == 0; i++) {
        FILE *in = fopen(plans[i].part, "r");
        size_t n;
        if (in == NULL) {
            rc = ERR_SET_ERRNO(err, errno, "%s: cannot open", plans[i].part);
            break;
        }
        while ((n = fread(buf, 1, 1 << 16, in)) > 0)
            if (fwrite(buf, 1, n, out) != n) {
                rc = ERR_SET_ERRNO(err, errno, "%s: write failed", o->truth);
                break;
            }
        fclose(in);
        unlink(plans[i].part);
    }
    if (fclose(out) != 0 && rc == 0)
        rc = ERR_SET_ERRNO(err, errno, "%s: write failed", o->truth);
    mem_free(buf);
    return rc;
}

static int
write_labels(const struct gen_repo_opts *o, const struct gen_world *w, const struct plan *plans,
             uint64_t nfiles, struct gen_repo_stats *st, struct err *err)
{
    FILE *out = fopen(o->labels, "w");
    int rc = 0;

    if (out == NULL)
        return ERR_SET_ERRNO(err, errno, "%s: cannot create", o->labels);
    fprintf(out,
            "channel\tkind\tbase_domain\tclient\tserver\trrtypes\tfirst_hour\tlast_hour\tflows\n");
    for (uint32_t c = 0; c < w->nch; c++) {
        const struct gen_channel *ch = &w->ch[c];
        uint64_t n = 0;
        char first[32], last[32];
        for (uint64_t i = 0; i < nfiles; i++)
            n += plans[i].ch_flows[c];
        st->exfil += n;
        gen_repo_format_hour(first, sizeof(first),
                             w->spec.start_ms + (int64_t)ch->first_hour * HOUR_MS);
        gen_repo_format_hour(last, sizeof(last),
                             w->spec.start_ms + (int64_t)ch->last_hour * HOUR_MS);
        fprintf(out, "%c\t%s\t%s\t%u.%u.%u.%u\t%u.%u.%u.%u\t%s\t%s\t%s\t%llu\n", ch->id,
                ch->kind_name, ch->base, ch->client >> 24, (ch->client >> 16) & 255,
                (ch->client >> 8) & 255, ch->client & 255, ch->server >> 24,
                (ch->server >> 16) & 255, (ch->server >> 8) & 255, ch->server & 255, ch->rrtypes,
                first, last, (unsigned long long)n);
    }
    if (ferror(out))
        rc = ERR_SET_ERRNO(err, errno, "%s: write failed", o->labels);
    if (fclose(out) != 0 && rc == 0)
        rc = ERR_SET_ERRNO(err, errno, "%s: write failed", o->labels);
    return rc;
}

static int
by_target_desc(const void *a, const void *b, const struct plan *plans)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    if (plans[x].target != plans[y].target)
        return plans[x].target > plans[y].target ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* Insertion sort of file indices, largest target first (qsort has no context argument in C17). */
static void
order_files(uint64_t *idx, uint64_t n, const struct plan *plans)
{
    for (uint64_t i = 0; i < n; i++)
        idx[i] = i;
    for (uint64_t i = 1; i < n; i++) {
        uint64_t v = idx[i], j = i;
        while (j > 0 && by_target_desc(&v, &idx[j - 1], plans) < 0) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = v;
    }
}

int
gen_repo_run(const struct gen_repo_opts *o, struct gen_repo_stats *st, struct err *err)
{
    uint64_t nfiles = 0;
    struct gen_world *w = NULL;
    struct plan *plans = NULL;
    uint64_t *order = NULL;
    struct gen_write_model **models = NULL;
    atomic_int stop = 0;
    int rc = 0;

    memset(st, 0, sizeof(*st));
    w = gen_world_create(&o->world, err);
    if (w == NULL)
        return -(int)err->code;
    plans = make_plan(o, &nfiles, err);
    if (plans == NULL) {
        gen_world_destroy(w);
        return -(int)err->code;
    }
    /* Directories first, in one thread: workers only create files. */
    for (uint64_t i = 0; i < nfiles && rc == 0; i++) {
        char dir[512];
        snprintf(dir, sizeof(dir), "%s", plans[i].path);
        *strrchr(dir, '/') = '\0';
        if (i == 0 || strncmp(dir, plans[i - 1].path, strlen(dir)) != 0)
            rc = make_dirs(dir, err);
    }
    order = mem_alloc(nfiles * sizeof(uint64_t));
    order_files(order, nfiles, plans);
    /* One information model per thread, made here: libfixbuf's XML loader is not thread-safe. */
    models = mem_calloc((size_t)o->threads, sizeof(*models));
    for (int t = 0; t < o->threads && rc == 0; t++) {
        models[t] = gen_write_model_create(err);
        if (models[t] == NULL)
            rc = -(int)err->code;
    }
    long n = rc == 0 ? (long)nfiles : 0;

#pragma omp parallel for default(none) shared(o, w, plans, order, n, stop, models) \
    schedule(dynamic, 1) num_threads(o->threads)
    for (long i = 0; i < n; i++) {
        if (atomic_load_explicit(&stop, memory_order_relaxed))
            continue; /* cannot break out of an omp for */
        if (run_file(o, w, models[omp_get_thread_num()], &plans[order[i]]) < 0)
            atomic_store_explicit(&stop, 1, memory_order_relaxed);
    }
    for (int t = 0; t < o->threads; t++)
        gen_write_model_destroy(models[t]);
    mem_free(models);

    for (uint64_t i = 0; i < nfiles && rc == 0; i++) {
        if (plans[i].err.code != ERR_OK) {
            *err = plans[i].err;
            rc = -(int)err->code;
        }
    }
    if (rc == 0 && o->truth)
        rc = concat_truth(o, plans, nfiles, err);
    else if (o->truth)
        for (uint64_t i = 0; i < nfiles; i++)
            unlink(plans[i].part);
    if (rc == 0)
        rc = write_labels(o, w, plans, nfiles, st, err);
    if (rc == 0) {
        for (uint64_t i = 0; i < nfiles; i++) {
            struct stat sb;
            st->files++;
            st->flows += plans[i].records;
            if (stat(plans[i].path, &sb) == 0)
                st->bytes += (uint64_t)sb.st_size;
        }
    }
    mem_free(order);
    mem_free(plans);
    gen_world_destroy(w);
    return rc;
}
