/*
 * test_ops.c - the operations table (op.h) of dns-hunt and of the group-by job.
 *
 * dns-hunt: synthetic DNS flows (a tunnel of many unique names under one
 * domain, a few ordinary names under another, three clients) are folded
 * (1) into one table, (2) split at random over T tables then merged with
 * merge_run(), and (3) split over two tables whose second one is saved entry
 * by entry, loaded into fresh states and merged into the first. All three
 * must finish to the same output, and its counts must equal what this test
 * computes itself from the flows (flows, distinct names and clients per
 * domain). Saving a loaded state gives back the same bytes.
 * (4) split over four tables each written as a spilled run (spill.h) and merged back
 * with spill_finish(), whose dns-hunt groups are made whole by op->merge_saved() (the
 * distinct sets counted from the runs' sorted items, never built).
 * (5) one scratch folding on after its table was spilled and replaced (as a spilling worker's
 * is), and after its table was cleared: each table must count its own flows' names, so what a
 * scratch remembers of a table (hunt.c's name memo) must not outlive it.
 * The group-by job: the same save -> load -> save round trip, and load+merge
 * equal to merge, on count/sum/min/max/distinct aggregates.
 * Prints its seed; pass one as argv[1] to repeat a run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "group.h"
#include "htab.h"
#include "hunt_op.h"
#include "keypack.h"
#include "merge.h"
#include "spill.h"

#define NFLOW 3000

static uint64_t rng_state;

static uint64_t
rnd(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return rng_state >> 33;
}

struct fixture {
    struct flow flows[NFLOW];
    struct dns_rr rrs[NFLOW][2];
    char names[NFLOW][2][64];
    /* what the test expects, computed here */
    uint64_t tunnel_flows, plain_flows;
    uint8_t tunnel_name_seen[NFLOW];
    uint64_t tunnel_names;
    uint8_t plain_name_seen[4];
    uint64_t plain_names;
    uint8_t tunnel_client_seen[3], plain_client_seen[3];
};

static struct fixture fx;

/* Flow i: a query from client (10.0.0.1..3) to 10.9.9.9:53 for one or two names. */
static void
make_flows(void)
{
    memset(&fx, 0, sizeof(fx));
    for (size_t i = 0; i < NFLOW; i++) {
        struct flow *f = &fx.flows[i];
        unsigned client = (unsigned)(rnd() % 3);
        int tunnel = rnd() % 4 != 0;
        unsigned id = tunnel ? (unsigned)(rnd() % NFLOW) : (unsigned)(rnd() % 4);

        f->family = FLOW_IPV4;
        f->sip[10] = f->sip[11] = 0xff;
        f->sip[12] = 10;
        f->sip[15] = (uint8_t)(1 + client);
        f->dip[10] = f->dip[11] = 0xff;
        f->dip[12] = 10;
        f->dip[13] = f->dip[14] = f->dip[15] = 9;
        f->sport = (uint16_t)(40000 + rnd() % 1000);
        f->dport = 53;
        f->proto = 17;
        f->app_label = 53;
        f->start_ms = 1714521600000 + (int64_t)(rnd() % (3 * 3600000));
        f->end_ms = f->start_ms;
        f->bytes = 60 + rnd() % 200;
        f->packets = 1;
        snprintf(fx.names[i][0], sizeof(fx.names[i][0]),
                 tunnel ? "%08x.t.tunnel.com." : "www%u.plain.org.", id);
        fx.rrs[i][0].name = (const uint8_t *)fx.names[i][0];
        fx.rrs[i][0].name_len = (uint32_t)strlen(fx.names[i][0]);
        fx.rrs[i][0].rrtype = tunnel ? 16 : 1;
        f->dns = fx.rrs[i];
        f->ndns = 1;
        if (tunnel) {
            fx.tunnel_flows++;
            fx.tunnel_names += !fx.tunnel_name_seen[id]++;
            fx.tunnel_client_seen[client] = 1;
        } else {
            fx.plain_flows++;
            fx.plain_names += !fx.plain_name_seen[id]++;
            fx.plain_client_seen[client] = 1;
        }
    }
}

struct tables {
    struct htab **t;
    int n;
    struct memacct acct;
};

static void
tables_init(struct tables *ts, const struct op *op, int n)
{
    struct err err;

    err_init(&err);
    memacct_init(&ts->acct, 0);
    ts->n = n;
    ts->t = calloc((size_t)n, sizeof(*ts->t));
    for (int w = 0; w < n; w++) {
        ts->t[w] = htab_create(op->val_len, &ts->acct, &err);
        CHECK(ts->t[w] != NULL);
    }
}

static void
tables_fini(struct tables *ts, const struct op *op)
{
    for (int w = 0; w < ts->n; w++) {
        for (unsigned p = 0; p < HTAB_PARTS; p++)
            for (size_t i = 0; i < htab_part_cap(ts->t[w], p); i++) {
                struct htab_entry *e = htab_part_slot(ts->t[w], p, i);

                if (e)
                    op->release(op, htab_entry_val(e), &ts->acct);
            }
    }
    for (int w = 0; w < ts->n; w++)
        htab_destroy(ts->t[w]);
    free(ts->t);
    CHECK_EQ_U64(ts->acct.used, 0); /* every state gave its bytes back */
}

/* Folds flows[i] into table pick(i) of `ts`, one batch per flow. */
static void
fold_all(const struct op *op, struct tables *ts, int random)
{
    struct op_scratch *s = op->scratch_create(op);
    struct op_counts c = {0, 0};
    struct err err;

    err_init(&err);
    for (size_t i = 0; i < NFLOW; i++) {
        int w = random ? (int)(rnd() % (uint64_t)ts->n) : (int)(i % (size_t)ts->n);

        CHECK(op->fold(op, s, ts->t[w], &fx.flows[i], NULL, 1, &c, &ts->acct, &err) == 0);
    }
    op->scratch_destroy(s);
}

/* Moves every state of table 1 into table 0 through save() and load(), then empties table 1. */
static void
merge_through_bytes(const struct op *op, struct tables *ts)
{
    struct op_bytes b = {0};
    uint8_t *fresh = calloc(1, op->val_len + 8);
    struct err err;

    err_init(&err);
    for (unsigned p = 0; p < HTAB_PARTS; p++)
        for (size_t i = 0; i < htab_part_cap(ts->t[1], p); i++) {
            struct htab_entry *e = htab_part_slot(ts->t[1], p, i);
            const uint8_t *key;
            struct htab_entry *d;
            struct op_bytes again = {0};
            int is_new;

            if (e == NULL)
                continue;
            b.len = 0;
            CHECK(op->save(op, htab_entry_val(e), &b, &err) == 0);
            CHECK(b.len > 0 && b.p[0] == OP_STATE_VERSION);
            op->release(op, htab_entry_val(e), &ts->acct);
            memset(fresh, 0, op->val_len);
            CHECK(op->load(op, fresh, b.p, b.len, &ts->acct, &err) == 0);
            CHECK(op->save(op, fresh, &again, &err) == 0);
            CHECK(again.len == b.len && memcmp(again.p, b.p, b.len) == 0);
            op_bytes_fini(&again);
            /* cut short: refused, never read past the end */
            if (b.len > 1) {
                uint8_t *cut = calloc(1, op->val_len + 8);

                CHECK(op->load(op, cut, b.p, b.len - 1, &ts->acct, &err) < 0);
                op->release(op, cut, &ts->acct);
                free(cut);
                err_init(&err);
            }
            key = htab_entry_key(e, op->val_len);
            /* the entry's own hash: an operation may hash only part of its key */
            d = htab_upsert(ts->t[0], key, e->key_len, e->hash, &is_new, &err);
            CHECK(d != NULL);
            CHECK(op->merge(op, htab_entry_val(d), fresh, &ts->acct, &err) == 0);
        }
    op_bytes_fini(&b);
    free(fresh);
    htab_destroy(ts->t[1]);
    ts->t[1] = htab_create(op->val_len, &ts->acct, &err);
}

/* The rendered text of every cell of `o`, row by row, for comparing outputs. */
static char *
render(const struct op_output *o)
{
    size_t n = o->table.nrows * o->table.ncols;
    char *text;

    text = calloc(1, 1);
    for (size_t i = 0; i < n; i++) {
        struct out_str c = {0};
        size_t len = strlen(text);

        out_cell_render(&o->table.cells[i], &c);
        text = realloc(text, len + c.len + 2);
        memcpy(text + len, c.p ? c.p : "", c.len);
        text[len + c.len] = (i + 1) % o->table.ncols ? '|' : '\n';
        text[len + c.len + 1] = '\0';
        out_str_fini(&c);
    }
    return text;
}

/* Releases every state of `t` (its entries stay in its arena until htab_destroy()). */
static void
release_all(const struct op *op, struct htab *t, struct memacct *acct)
{
    for (unsigned p = 0; p < HTAB_PARTS; p++)
        for (size_t i = 0; i < htab_part_cap(t, p); i++)
            if (htab_part_slot(t, p, i) != NULL)
                op->release(op, htab_entry_val(htab_part_slot(t, p, i)), acct);
}

/*
 * (5): flows[0 .. NFLOW) folded with one scratch into one worker table in three stretches; after
 * the first the table is spilled and replaced by a new one, after the second it is spilled and
 * each sub-table cleared; the runs merged by spill_finish(). Returns the finished text.
 */
static char *
fold_spilling(const struct op *op)
{
    struct op_scratch *s = op->scratch_create(op);
    struct op_counts c = {0, 0};
    struct memacct acct, wacct;
    struct spill sp;
    struct htab *t, *out = NULL;
    uint64_t groups = 0, passed = 0;
    struct op_output o;
    struct err err;
    char *text = NULL;
    size_t cut[3] = {NFLOW / 3, 2 * NFLOW / 3, NFLOW};

    err_init(&err);
    memacct_init(&acct, 0);
    spill_init(&sp, op, NULL);
    t = htab_create(op->val_len, &acct, &err);
    for (size_t i = 0, k = 0; k < 3; k++) {
        for (; i < cut[k]; i++)
            CHECK(op->fold(op, s, t, &fx.flows[i], NULL, 1, &c, &acct, &err) == 0);
        CHECK(spill_table(&sp, t, &err) == 0);
        release_all(op, t, &acct);
        if (k == 0) { /* a new table (jemalloc may well give it the old one's address) */
            htab_destroy(t);
            t = htab_create(op->val_len, &acct, &err);
        } else {
            for (unsigned p = 0; p < HTAB_PARTS; p++)
                htab_part_clear(t, p);
        }
    }
    htab_destroy(t);
    op->scratch_destroy(s);
    CHECK_EQ_U64(sp.nruns, 3);
    memacct_init_child(&wacct, &acct);
    CHECK(spill_finish(&sp, &wacct, 1, (size_t)1 << 30, &out, &groups, &passed, &err) == 0);
    CHECK_EQ_STR(err.msg, "");
    if (out != NULL) {
        CHECK(op->finish(op, out, 1, &o, &err) == 0);
        text = render(&o);
        op->output_fini(op, &o);
        release_all(op, out, &wacct);
        htab_destroy(out);
    }
    spill_fini(&sp);
    return text;
}

static char *
finish_text(const struct op *op, struct tables *ts)
{
    struct op_output o;
    struct err err;
    char *text;

    err_init(&err);
    CHECK(merge_run(op, ts->t, ts->n, &ts->acct, ts->n, &err) == 0);
    CHECK(op->finish(op, ts->t[0], 1, &o, &err) == 0);
    text = render(&o);
    op->output_fini(op, &o);
    return text;
}

/* Column `col` of the row whose first cell is `key`, from rendered text. */
static uint64_t
column(const char *text, const char *key, int col)
{
    const char *line = text;

    while (*line) {
        const char *end = strchr(line, '\n');

        if (strncmp(line, key, strlen(key)) == 0 && line[strlen(key)] == '|') {
            const char *p = line;

            for (int i = 0; i < col; i++)
                p = strchr(p, '|') + 1;
            return strtoull(p, NULL, 10);
        }
        line = end + 1;
    }
    return UINT64_MAX;
}

static void
test_hunt(void)
{
    struct hunt_opts o = {.by = HUNT_BY_DOMAIN, .len_norm = 40, .entropy_norm = 4, .min_names = 1};
    struct err err;
    struct op *op;
    struct tables one, many, bytes;
    char *a, *b, *c;

    err_init(&err);
    op = hunt_op_create(&o, 0, &err);
    if (op == NULL) {
        fprintf(stderr, "no Public Suffix List: %s\n", err.msg);
        exit(CHECK_SKIP);
    }
    make_flows();
    tables_init(&one, op, 1);
    fold_all(op, &one, 0);
    a = finish_text(op, &one);
    tables_init(&many, op, 4);
    fold_all(op, &many, 1);
    b = finish_text(op, &many);
    tables_init(&bytes, op, 2);
    fold_all(op, &bytes, 1);
    merge_through_bytes(op, &bytes);
    c = finish_text(op, &bytes);
    CHECK_EQ_STR(b, a);
    CHECK_EQ_STR(c, a);
    {
        struct tables runs;
        struct spill sp;
        struct memacct wacct;
        struct htab *out = NULL;
        uint64_t groups = 0, passed = 0;
        struct op_output out_o;
        char *d;

        tables_init(&runs, op, 4);
        fold_all(op, &runs, 1);
        spill_init(&sp, op, NULL);
        for (int w = 0; w < runs.n; w++)
            CHECK(spill_table(&sp, runs.t[w], &err) == 0);
        CHECK_EQ_U64(sp.nruns, 4);
        memacct_init_child(&wacct, &runs.acct);
        CHECK(op->merge_saved != NULL);
        CHECK(spill_finish(&sp, &wacct, 1, (size_t)1 << 30, &out, &groups, &passed, &err) == 0);
        CHECK_EQ_STR(err.msg, "");
        CHECK(out != NULL);
        if (out != NULL) {
            CHECK(op->finish(op, out, 1, &out_o, &err) == 0);
            d = render(&out_o);
            CHECK_EQ_STR(d, a);
            op->output_fini(op, &out_o);
            free(d);
            for (unsigned p = 0; p < HTAB_PARTS; p++)
                for (size_t i = 0; i < htab_part_cap(out, p); i++)
                    if (htab_part_slot(out, p, i) != NULL)
                        op->release(op, htab_entry_val(htab_part_slot(out, p, i)), &wacct);
            htab_destroy(out);
        }
        spill_fini(&sp);
        tables_fini(&runs, op);
    }
    {
        char *e = fold_spilling(op);

        CHECK(e != NULL);
        if (e != NULL)
            CHECK_EQ_STR(e, a);
        free(e);
    }
    /* columns: domain score flows queries names sources ... */
    CHECK_EQ_U64(column(a, "tunnel.com.", 2), fx.tunnel_flows);
    CHECK_EQ_U64(column(a, "tunnel.com.", 4), fx.tunnel_names);
    CHECK_EQ_U64(column(a, "tunnel.com.", 5), (uint64_t)fx.tunnel_client_seen[0] +
                                                  fx.tunnel_client_seen[1] +
                                                  fx.tunnel_client_seen[2]);
    CHECK_EQ_U64(column(a, "plain.org.", 2), fx.plain_flows);
    CHECK_EQ_U64(column(a, "plain.org.", 4), fx.plain_names);
    CHECK(strncmp(a, "tunnel.com.|", 12) == 0); /* the tunnel scores first */
    free(a);
    free(b);
    free(c);
    tables_fini(&one, op);
    tables_fini(&many, op);
    tables_fini(&bytes, op);
    hunt_op_destroy(op);
}

static void
test_group(void)
{
    static struct job job; /* 11 KB: off the stack */
    struct job_text t = {0};
    struct op op;
    struct err err;
    struct tables one, bytes;
    char *a, *c;

    err_init(&err);
    t.group_by = "dip, dport";
    t.aggs = "n=count(), s=distinct(sip), names=distinct(sport), b=sum(bytes), lo=min(bytes), "
             "hi=max(bytes)";
    t.records = "flows";
    CHECK(job_build(&job, &t, &err) == 0);
    group_op_init(&op, &job);
    make_flows();
    for (size_t i = 0; i < NFLOW; i++) /* a few destinations, so groups repeat */
        fx.flows[i].dip[15] = (uint8_t)(rnd() % 5);
    tables_init(&one, &op, 1);
    fold_all(&op, &one, 0);
    a = finish_text(&op, &one);
    tables_init(&bytes, &op, 2);
    fold_all(&op, &bytes, 1);
    merge_through_bytes(&op, &bytes);
    c = finish_text(&op, &bytes);
    CHECK_EQ_STR(c, a);
    free(a);
    free(c);
    tables_fini(&one, &op);
    tables_fini(&bytes, &op);
    job_fini(&job);
}

int
main(int argc, char **argv)
{
    uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 10) : (uint64_t)time(NULL);

    fprintf(stderr, "seed=%llu\n", (unsigned long long)seed);
    rng_state = seed;
    RUN(test_hunt);
    RUN(test_group);
    return CHECK_DONE();
}
