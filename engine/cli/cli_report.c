/*
 * cli_report.c - flowsweep report; see cli_report.h.
 *
 * The analytics (operations fed by one sweep over the plan, runner_run_many()):
 *   names    dns-names, top 20 (the Mothra table, as show() orders it)
 *   dest     dns-dest, top 20 (the SiLK table)
 *   hunt     dns-hunt --by domain with its server view (hunt.h: every flow also
 *            folded into its server's group, as --by server folds it) and each
 *            group's flows and bytes per hour: the domain table (every group, top
 *            20 shown, all in the scatter) and the server table (every server: top
 *            20 shown, all in the stacked chart) are finished from one table; the
 *            sparklines are the rows' own hours, so they total the rows' flows
 * Each file is read and decoded once; every batch of its flows is folded by
 * each job into that job's own tables, which are merged and finished apart.
 */
#include "cli_report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "cli_job.h"
#include "cli_output.h"
#include "cli_progress.h"
#include "cli_sweep.h"
#include "cli_usage.h"
#include "esc.h"
#include "group.h"
#include "hunt_op.h"
#include "job.h"
#include "log.h"
#include "mem.h"
#include "out.h"
#include "page.h"
#include "part_plan.h"
#include "part_window.h"
#include "runner.h"

#define TOP       20        /* rows of each table */
#define NSTACK    8         /* servers in the stacked chart (the rest as one series) */
#define MAXPOINTS 4000      /* domains in the scatter, by score */
#define MAXHOURS  (24 * 92) /* hours in the charts (the last ones, when longer) */

/* One analytic, run and finished; its table borrows from its group tables. */
struct analytic {
    struct job job;
    struct op group;           /* the group-by job's operation */
    struct op *op;             /* &group, or dns-hunt's (hunt_op.h) */
    struct runner_result *res; /* the job runner's result (in the report's array) */
    int ran;                   /* res is to be freed */
    const struct out_table *table;
};

/* Makes the operation of `text` (or dns-hunt when `hunt_opts` is set: `text` gives only its
 * --where) in a->op. */
static int
analytic_build(struct analytic *a, const struct job_text *text, const struct hunt_opts *hunt_opts,
               uint64_t limit, struct err *err)
{
    int rc;

    memset(a, 0, sizeof(*a));
    if (hunt_opts) {
        struct hunt_opts o = *hunt_opts;

        if (text != NULL && text->where != NULL) { /* --where: the flows dns-hunt reads */
            if ((rc = job_build(&a->job, text, err)) < 0)
                return rc;
            o.where = &a->job;
        }
        a->op = hunt_op_create(&o, limit, err);
        if (a->op == NULL)
            return -(int)err->code;
    } else if ((rc = job_build(&a->job, text, err)) < 0) {
        return rc;
    } else {
        group_op_init(&a->group, &a->job);
        a->op = &a->group;
    }
    return 0;
}

/* The process exits next (flowsweep report is its only command): the groups' states (their
 * distinct sets, some 200 MiB on a day of flows, cold by now) are left to the exit, as every
 * command leaves them (runner_result_fini_exit()). */
static void
analytic_fini(struct analytic *a)
{
    if (a->ran)
        runner_result_fini_exit(a->res);
    if (a->op != NULL && a->op != &a->group)
        hunt_op_destroy(a->op);
    job_fini(&a->job);
    memset(a, 0, sizeof(*a));
}

/* The column named `name` of `t`, or -1. */
static int
col_of(const struct out_table *t, const char *name)
{
    for (size_t j = 0; j < t->ncols; j++)
        if (strcmp(t->cols[j].name, name) == 0)
            return (int)j;
    return -1;
}

/* The rendered (escaped) text of a cell, owned by the caller. */
static char *
cell_text(const struct out_cell *c, struct out_str *tmp)
{
    out_str_reset(tmp);
    out_cell_render(c, tmp);
    return mem_strdup(tmp->p ? tmp->p : "");
}

/* The first `top` rows of `t` as a table of its own (cells shared). */
static struct out_table
table_head(const struct out_table *t, size_t top)
{
    struct out_table h = *t;

    if (h.nrows > top) {
        h.nrows = top;
        h.has_more = 1;
        h.left_out = t->left_out + (t->nrows - top);
    }
    return h;
}

/*
 * The charts' hours: [hour0, hour0 + nhours), or, when that would be longer than
 * MAXHOURS, the hours with data only (list, ascending).
 */
struct hours {
    uint64_t hour0;
    size_t nhours;
    uint64_t *list; /* owned, or NULL */
};

static int
hour_index(const struct hours *h, uint64_t hour, size_t *i)
{
    size_t lo = 0, hi = h->nhours;

    if (h->list == NULL) {
        if (hour < h->hour0 || (hour - h->hour0) / 3600 >= h->nhours)
            return 0;
        *i = (size_t)((hour - h->hour0) / 3600);
        return 1;
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (h->list[mid] < hour)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == h->nhours || h->list[lo] != hour)
        return 0;
    *i = lo;
    return 1;
}

static int
u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/*
 * The charts' hours: from the first to the last hour with DNS flows dns-hunt
 * counts (the hours of every server row of `srv`), widened to the window's
 * bounds where given. Never narrowed to the window: the files of a window's
 * hours hold flows that started before it (a flow is written when it ends),
 * and the tables count them, so the sparklines must too.
 */
static struct hours
hours_of(const struct part_window *w, const struct op_output *srv)
{
    struct hours h = {0, 0, NULL};
    uint64_t lo = UINT64_MAX, hi = 0;
    size_t n = 0;

    for (size_t r = 0; r < srv->table.nrows; r++) {
        const struct hunt_hourly *hh = hunt_op_hourly(srv, r);

        if (hh->n == 0)
            continue;
        lo = hh->p[0].hour * 3600 < lo ? hh->p[0].hour * 3600 : lo;
        hi = hh->p[hh->n - 1].hour * 3600 > hi ? hh->p[hh->n - 1].hour * 3600 : hi;
        n += hh->n;
    }
    if (w->has_start && (uint64_t)w->first_hour < lo)
        lo = (uint64_t)w->first_hour;
    if (w->has_end && (lo == UINT64_MAX || (uint64_t)w->last_hour > hi))
        hi = (uint64_t)w->last_hour;
    if (lo == UINT64_MAX || hi < lo)
        return h;
    h.hour0 = lo;
    h.nhours = (size_t)((hi - lo) / 3600 + 1);
    if (h.nhours > MAXHOURS) {
        /* captures years apart: an axis of the hours with data, gaps left out */
        size_t o = 0;

        h.list = mem_calloc(n + 1, sizeof(*h.list));
        for (size_t r = 0; r < srv->table.nrows; r++) {
            const struct hunt_hourly *hh = hunt_op_hourly(srv, r);

            for (uint32_t k = 0; k < hh->n; k++) {
                uint64_t v = hh->p[k].hour * 3600;

                if (v >= lo && v <= hi)
                    h.list[o++] = v;
            }
        }
        qsort(h.list, o, sizeof(*h.list), u64_cmp);
        n = 0;
        for (size_t r = 0; r < o; r++)
            if (n == 0 || h.list[r] != h.list[n - 1])
                h.list[n++] = h.list[r];
        /* the most recent MAXHOURS of them */
        if (n > MAXHOURS) {
            memmove(h.list, h.list + (n - MAXHOURS), MAXHOURS * sizeof(*h.list));
            n = MAXHOURS;
        }
        h.nhours = n;
        h.hour0 = n ? h.list[0] : 0;
    }
    return h;
}

/* Sparklines: each of the first TOP rows of `o`, its flows per hour of the charts' hours. */
static void
row_sparks(const struct op_output *o, const struct hours *h, uint64_t *spark)
{
    for (size_t r = 0; r < o->table.nrows && r < TOP; r++) {
        const struct hunt_hourly *hh = hunt_op_hourly(o, r);

        for (uint32_t k = 0; k < hh->n; k++) {
            size_t hi;

            if (hour_index(h, hh->p[k].hour * 3600, &hi))
                spark[r * h->nhours + hi] += hh->p[k].flows;
        }
    }
}

__extension__ typedef unsigned __int128 u128;

static u128
wide_u128(struct hunt_wide w)
{
    return (u128)w.hi << 64 | w.lo;
}

/* A count as a cell: OUT_U64 while it fits, else OUT_U128 (exact). */
static struct out_cell
u128_cell(u128 v)
{
    return v >> 64 ? out_cell_u128((uint64_t)v, (uint64_t)(v >> 64)) : out_cell_u64((uint64_t)v);
}

/* One server's total, for choosing the stacked chart's series. */
struct srv_total {
    size_t row; /* in the server table */
    char *key;  /* its rendered address */
    u128 bytes;
};

static int
srv_total_cmp(const void *a, const void *b)
{
    const struct srv_total *x = a, *y = b;

    if (x->bytes != y->bytes)
        return x->bytes > y->bytes ? -1 : 1;
    return strcmp(x->key, y->key);
}

/* The stacked chart's data, owned. */
struct stack_data {
    struct out_cell labels[NSTACK + 1];
    struct out_cell *v; /* nseries x hours counts */
    size_t nseries;
};

static const char other_servers[] = "all other servers";

/*
 * The stacked chart: bytes per hour of the NSTACK servers with the most bytes
 * (dns-hunt's bytes column: each band totals its server's row), the rest as one
 * series, from every row of the server table `o`.
 */
static void
stack_chart(const struct op_output *o, const struct hours *h, struct stack_data *sd,
            struct out_str *tmp)
{
    size_t nt = o->table.nrows;
    struct srv_total *tot = mem_calloc(nt + 1, sizeof(*tot));
    u128 *sum;

    for (size_t r = 0; r < nt; r++) {
        const struct hunt_hourly *hh = hunt_op_hourly(o, r);

        tot[r].row = r;
        tot[r].key = cell_text(&o->table.cells[r * o->table.ncols], tmp);
        for (uint32_t k = 0; k < hh->n; k++)
            tot[r].bytes += wide_u128(hh->p[k].bytes);
    }
    qsort(tot, nt, sizeof(*tot), srv_total_cmp);
    sd->nseries = nt > NSTACK ? NSTACK + 1 : nt;
    sum = mem_calloc(sd->nseries * h->nhours + 1, sizeof(*sum));
    sd->v = mem_calloc(sd->nseries * h->nhours + 1, sizeof(*sd->v));
    for (size_t s = 0; s < sd->nseries && s < NSTACK; s++)
        sd->labels[s] = o->table.cells[tot[s].row * o->table.ncols];
    if (nt > NSTACK)
        sd->labels[NSTACK] = (struct out_cell){
            .kind = OUT_TEXT,
            .v.list = {(const uint8_t *)other_servers, sizeof(other_servers) - 1, 1}};
    for (size_t q = 0; q < nt; q++) {
        const struct hunt_hourly *hh = hunt_op_hourly(o, tot[q].row);
        size_t s = q < NSTACK ? q : NSTACK;

        for (uint32_t k = 0; k < hh->n; k++) {
            size_t hi;

            if (hour_index(h, hh->p[k].hour * 3600, &hi))
                sum[s * h->nhours + hi] += wide_u128(hh->p[k].bytes);
        }
    }
    for (size_t i = 0; i < sd->nseries * h->nhours; i++)
        sd->v[i] = u128_cell(sum[i]);
    mem_free(sum);
    for (size_t r = 0; r < nt; r++)
        mem_free(tot[r].key);
    mem_free(tot);
}

/* The columns of a dns-hunt table worth a glance, in this order, where present. */
static size_t
hunt_cols(const struct out_table *t, size_t *cols)
{
    static const char *const want[] = {"score",    "flows",   "names", "sources", "bytes",
                                       "len_mean", "entropy", "hours", "why"};
    size_t n = 0;

    cols[n++] = 0; /* the key */
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        int c = col_of(t, want[i]);

        if (c > 0)
            cols[n++] = (size_t)c;
    }
    return n;
}

/*
 * Writes the page to `path` as every -o does (cli_output: a temporary file renamed into place,
 * a device or FIFO written as it is: a rename over /dev/null replaced the device); "-": stdout.
 */
static int
write_page(const char *path, const struct page *pg, struct err *err)
{
    struct cli_output o;
    struct err later;
    int rc = cli_output_open(&o, path, err);

    if (rc < 0)
        return rc;
    rc = page_write(o.f, pg, err);
    if (rc == 0)
        return cli_output_close(&o, 1, err);
    err_init(&later); /* the first error is the one told */
    cli_output_close(&o, 0, &later);
    return rc;
}

/*
 * --cache DIR: a cache per job (`an[0..3)`: dns-names, dns-dest, dns-hunt), each keyed by
 * its own job text, so dns-names' and dns-dest's partials are those of the commands alone.
 * Returns the number opened (3), or 0 (no --cache, or a watchlist in --where).
 */
static int
open_caches(const struct cli *c, const struct analytic *an, const struct job_text *text,
            struct cache **caches)
{
    char *jt[3];

    if (c->cache == NULL)
        return 0;
    if (expr_reads_file(
            an[0].job.where)) { /* the parsed --where, not its text: a '@' in a string is no file */
        cli_log_escaped(LOG_WARN, "cache: ",
                        "not used: --where reads a watchlist file (@FILE), whose contents the "
                        "cache cannot check",
                        "");
        return 0;
    }
    jt[0] = cache_job_text_group(&an[0].job, text[0].where);
    jt[1] = cache_job_text_group(&an[1].job, text[1].where);
    /* by domain with its server view and hours: a state of its own */
    jt[2] = cli_job_hunt_cache_text(c, NULL, an[2].op, "domain+server,hours");
    for (int k = 0; k < 3; k++) {
        struct err warn;

        err_init(&warn);
        caches[k] = mem_calloc(1, sizeof(*caches[k]));
        cache_open(caches[k], c->cache, jt[k], OP_STATE_VERSION, &warn);
        if (warn.code != ERR_OK && k == 0) /* the same directory: say it once */
            cli_log_escaped(LOG_WARN, "cache: ", warn.msg, "");
        mem_free(jt[k]);
    }
    return 3;
}

static void
window_text(const struct cli *c, char *buf, size_t cap)
{
    if (c->start && c->end)
        snprintf(buf, cap, "--start %s --end %s", c->start, c->end);
    else if (c->start)
        snprintf(buf, cap, "--start %s", c->start);
    else if (c->end)
        snprintf(buf, cap, "--end %s", c->end);
    else
        buf[0] = '\0';
    if (c->text.where != NULL) { /* every table and chart is of the flows it keeps: say so */
        size_t n = strlen(buf);

        if (snprintf(buf + n, cap - n, "%s--where %s", n ? "; " : "", c->text.where) >=
            (int)(cap - n))
            memcpy(buf + cap - 4, "...", 4);
    }
}

int
cli_report_run(struct cli *c)
{
    enum {
        A_NAMES,
        A_DEST,
        A_HUNT, /* by domain, with the server view and the hours */
        NA
    };
    struct analytic *an = mem_calloc(NA, sizeof(*an));
    struct runner_result *rr = mem_calloc(NA, sizeof(*rr));
    struct err err;
    struct part_window window;
    struct part_plan plan = {0};
    struct sweep_opts so;
    struct cli_progress prog;
    struct job_text text[NA];
    struct job_text_buf tbuf[2];
    struct hunt_opts hopt;
    struct op_output srv = {0}; /* the server view of the hunt job */
    int srv_done = 0;
    struct cache *caches[NA] = {NULL}; /* --cache: one per job (its own job text) */
    int ncaches = 0;
    struct out_table tabs[4];
    struct page_table pt[4];
    size_t cols[4][16];
    struct page_bad *bad = NULL;
    struct hours hrs = {0, 0, NULL};
    struct stack_data sd = {0};
    struct page_stack stack;
    struct page_scatter sc;
    struct out_cell *sc_labels = NULL;
    uint64_t *sc_x = NULL, *spark_d = NULL, *spark_s = NULL;
    struct out_cell *sc_y = NULL;
    struct out_str tmp = {0};
    struct page pg;
    char wtext[1024], when[64], note[256];
    double t0 = cli_now();
    time_t now = time(NULL);
    struct tm tm;
    int rc = 0, code = 0, progress_on;

    err_init(&err);
    code = cli_plan_inputs(c, &plan);
    if (code >= 0)
        goto out;
    code = 0;
    part_window_parse(c->start, c->end, &window, &err); /* cli_plan_inputs() parsed it */
    hunt_init_tables();

    /* The jobs. */
    memset(text, 0, sizeof(text));
    c->names.limit = TOP;
    if (job_preset_dns_names(&c->names, c->text.where, &text[A_NAMES], &tbuf[0], &err) < 0) {
        cli_log_escaped(LOG_ERROR, "", err.msg, "");
        code = EXIT_USAGE;
        goto out;
    }
    c->dest.limit = TOP;
    c->dest.src_cidrs = c->cidrs_set ? c->cidrs : "192.168.0.0/16";
    if (job_preset_dns_dest(&c->dest, c->text.where, &text[A_DEST], &tbuf[1], &err) < 0) {
        cli_log_escaped(LOG_WARN, "error: ", err.msg, "");
        code = EXIT_USAGE;
        goto out;
    }
    hopt = c->hunt;
    hopt.by = HUNT_BY_DOMAIN;
    hopt.server_view = 1; /* --by server in the same fold */
    hopt.hourly = 1;      /* each group's hours: the sparklines and the stacked chart */
    text[A_HUNT].where = c->text.where; /* NULL: every flow */
    for (int a = 0; a < NA; a++)        /* the presets composed theirs from it */
        text[a].where_typed = c->text.where_typed;
    text[A_HUNT].group_by = "sip"; /* keys unused: --where only */

    progress_on = !c->quiet && c->progress && strcmp(c->progress, "always") == 0;
    if (!c->quiet && (!c->progress || strcmp(c->progress, "auto") == 0))
        progress_on = isatty(STDERR_FILENO);
    cli_progress_init(&prog, progress_on);
    memset(&so, 0, sizeof(so));
    so.threads = c->threads;
    so.strict = c->strict;
    so.mem_limit = c->mem_limit;
    so.source = c->source;
    so.progress = cli_progress_update;
    so.progress_ctx = &prog;
    cli_sweep_window(c, &so);

    for (int a = 0; a < NA && rc == 0; a++) {
        /* the domain rows: the scatter's points (the table shows the first TOP) */
        uint64_t limit = a == A_NAMES || a == A_DEST ? TOP : MAXPOINTS;

        rc = analytic_build(&an[a], &text[a], a == A_HUNT ? &hopt : NULL, limit, &err);
        if (rc == -ERR_USAGE) { /* --where that does not parse, named by the preset's */
            cli_log_escaped(LOG_ERROR, "", err.msg, "");
            code = EXIT_USAGE;
            goto out;
        }
    }
    if (rc == 0) {
        /* One sweep: every file read and decoded once, its flows folded by every job. */
        const struct op *ops[NA];

        for (int a = 0; a < NA; a++)
            ops[a] = an[a].op;
        ncaches = open_caches(c, an, text, caches);
        rc = runner_run_many_cached(ops, NA, &plan, &so, ncaches ? caches : NULL, rr, &err);
        for (size_t i = 0; i < rr[0].ncache_warn; i++)
            cli_log_escaped(LOG_WARN, "cache: ", rr[0].cache_warn[i], "");
        cli_progress_clear(&prog);
        for (int a = 0; a < NA; a++) {
            /* rr[] stays put: the tables point at its budgets */
            an[a].res = &rr[a];
            an[a].ran = 1;
            if (rc == 0)
                an[a].table = &rr[a].out.table;
        }
        cli_warn_bad_files(an[A_NAMES].res->sweep.bad, an[A_NAMES].res->sweep.nbad, "counted");
        if (ncaches)
            cli_cache_verbose(c, &rr[0].cache);
    }
    if (rc == 0) { /* every server (the stacked chart), of which the table shows TOP */
        rc = hunt_op_finish_view(an[A_HUNT].op, runner_merged(&rr[A_HUNT]), HUNT_BY_SERVER, 0, &srv,
                                 &err);
        srv_done = 1;
    }
    if (rc < 0) {
        cli_fatal(&err);
        code = EXIT_FATAL;
        goto out;
    }

    /* The charts' hours, the sparklines (the rows' own hours) and the stacked chart. */
    hrs = hours_of(&window, &srv);
    spark_d = mem_calloc(TOP * hrs.nhours + 1, sizeof(*spark_d));
    spark_s = mem_calloc(TOP * hrs.nhours + 1, sizeof(*spark_s));
    row_sparks(&rr[A_HUNT].out, &hrs, spark_d);
    row_sparks(&srv, &hrs, spark_s);
    stack_chart(&srv, &hrs, &sd, &tmp);

    /* The scatter: every domain group (up to MAXPOINTS, by score), the top 10 marked. */
    {
        const struct out_table *t = an[A_HUNT].table;
        int cn = col_of(t, "names"), cb = col_of(t, "bytes");
        size_t n = t->nrows < MAXPOINTS ? t->nrows : MAXPOINTS;

        sc_labels = mem_calloc(n + 1, sizeof(*sc_labels));
        sc_x = mem_calloc(n + 1, sizeof(*sc_x));
        sc_y = mem_calloc(n + 1, sizeof(*sc_y));
        for (size_t r = 0; r < n && cn > 0 && cb > 0; r++) {
            sc_labels[r] = t->cells[r * t->ncols];
            sc_x[r] = t->cells[r * t->ncols + (size_t)cn].v.u;
            sc_y[r] = t->cells[r * t->ncols + (size_t)cb]; /* OUT_U64 or OUT_U128 */
        }
        memset(&sc, 0, sizeof(sc));
        sc.title = t->has_more ? "Domains: distinct names against bytes (the "
                                 "4000 with the highest scores)"
                               : "Domains: distinct names against bytes";
        sc.xlabel = "distinct names (log scale)";
        sc.ylabel = "bytes (log scale)";
        sc.labels = sc_labels;
        sc.x = sc_x;
        sc.y = sc_y;
        sc.n = cn > 0 && cb > 0 ? n : 0;
        sc.nmarked = sc.n < 10 ? sc.n : 10;
    }

    /* The page. */
    memset(pt, 0, sizeof(pt));
    tabs[0] = table_head(an[A_NAMES].table, TOP);
    tabs[1] = table_head(an[A_DEST].table, TOP);
    tabs[2] = table_head(an[A_HUNT].table, TOP);
    tabs[3] = table_head(&srv.table, TOP);
    pt[0] = (struct page_table){.id = "mothra",
                                .title = "Mothra: DNS flows by (names, RR types)",
                                .caption = "flowsweep dns-names PATH...",
                                .table = &tabs[0]};
    pt[1] = (struct page_table){.id = "silk",
                                .title = "SiLK: DNS from 192.168.0.0/16 by destination",
                                .caption = "flowsweep dns-dest PATH...",
                                .table = &tabs[1]};
    if (c->cidrs_set)
        pt[1].title = "SiLK: DNS from the --src-cidr blocks by destination";
    pt[2] = (struct page_table){.id = "hunt-domain",
                                .title = "dns-hunt: registered domains, most tunnel-like first",
                                .caption = "flowsweep dns-hunt --by domain PATH...",
                                .table = &tabs[2],
                                .spark = spark_d,
                                .spark_title = "DNS flows per hour",
                                .spark_after = 0};
    pt[3] = (struct page_table){.id = "hunt-server",
                                .title = "dns-hunt: DNS servers, most tunnel-like first",
                                .caption = "flowsweep dns-hunt --by server PATH...",
                                .table = &tabs[3],
                                .spark = spark_s,
                                .spark_title = "DNS flows per hour",
                                .spark_after = 0};
    pt[2].cols = cols[2];
    pt[2].ncols = hunt_cols(&tabs[2], cols[2]);
    pt[3].cols = cols[3];
    pt[3].ncols = hunt_cols(&tabs[3], cols[3]);
    stack = (struct page_stack){.title = "DNS bytes per hour by server (stacked)",
                                .unit = "bytes",
                                .labels = sd.labels,
                                .nseries = sd.nseries,
                                .v = sd.v};

    bad = mem_calloc(an[A_NAMES].res->sweep.nbad + 1, sizeof(*bad));
    for (size_t i = 0; i < an[A_NAMES].res->sweep.nbad; i++) {
        bad[i].path = an[A_NAMES].res->sweep.bad[i].path;
        bad[i].msg = an[A_NAMES].res->sweep.bad[i].msg;
    }
    window_text(c, wtext, sizeof(wtext));
    if (gmtime_r(&now, &tm) == NULL || strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm) == 0)
        when[0] = '\0';
    snprintf(note, sizeof(note),
             "one sweep: each file read once, its flows folded by %d jobs; "
             "threads %d",
             (int)NA, an[A_NAMES].res->ntables);
    memset(&pg, 0, sizeof(pg));
    pg.h.title = "flowsweep report";
    pg.h.paths = (const char *const *)c->args;
    pg.h.npaths = (size_t)c->nargs;
    pg.h.window = wtext;
    pg.h.files = plan.nfiles; /* planned, as the summary line: the bad ones among them */
    pg.h.flows = an[A_NAMES].res->sweep.stats.flows;
    pg.h.dns_rrs = an[A_NAMES].res->sweep.stats.dns_rrs;
    pg.h.bad = bad;
    pg.h.nbad = an[A_NAMES].res->sweep.nbad;
    pg.h.elapsed = cli_now() - t0;
    pg.h.generated = when[0] ? when : NULL;
    pg.h.note = note;
    pg.hour0 = hrs.hour0;
    pg.hour_list = hrs.list;
    pg.nhours = hrs.nhours;
    pg.tables = pt;
    pg.ntables = 4;
    pg.stack = &stack;
    pg.scatter = &sc;
    rc = write_page(c->output, &pg, &err);
    if (rc < 0) {
        cli_fatal(&err);
        code = EXIT_FATAL;
        goto out;
    }
    code = an[A_NAMES].res->sweep.nbad || plan.lost ? EXIT_PARTIAL : 0;
    if (!c->quiet) {
        const char *o = c->output && strcmp(c->output, "-") ? c->output : "stdout";
        size_t hn = strlen(o) + 32;
        char *head = mem_alloc(hn);

        snprintf(head, hn, "report written to %s: ", o);
        cli_sweep_many_summary(head, an[A_NAMES].res, NA, &plan, cli_now() - t0, ncaches);
        mem_free(head);
    }
out:
    cli_plan_memo_save(); /* the walk's memo (--cache) */
    if (srv_done)
        an[A_HUNT].op->output_fini(an[A_HUNT].op, &srv);
    for (int a = 0; a < NA; a++) {
        if (caches[a] != NULL)
            cache_close(caches[a]);
        mem_free(caches[a]);
    }
    for (int a = 0; a < NA; a++)
        analytic_fini(&an[a]);
    mem_free(rr);
    mem_free(an);
    mem_free(bad);
    mem_free(sd.v);
    mem_free(sc_labels);
    mem_free(sc_x);
    mem_free(sc_y);
    mem_free(spark_d);
    mem_free(spark_s);
    mem_free(hrs.list);
    out_str_fini(&tmp);
    part_plan_fini(&plan);
    return code;
}
