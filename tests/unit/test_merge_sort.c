/*
 * test_merge_sort.c - the reduce and finish phases against brute force.
 *
 * Random records are folded into T worker tables the way group.c does (key
 * packing, upsert, aggregate update), the tables are merged with merge_run()
 * and finished with sort_run(); the result must equal a brute-force group-by
 * computed here with plain arrays, for T = 1..4, in the documented total order.
 * The same with the distinct sets merged only for the rows printed
 * (merge_run_later(), sort_run_later()), with and without --limit.
 * Prints its seed; pass one as argv[1] to repeat a run.
 */
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "agg.h"
#include "check.h"
#include "group.h"
#include "htab.h"
#include "job.h"
#include "keypack.h"
#include "merge.h"
#include "sort.h"

#define NREC 20000
#define NDST 300
#define NSRC 50

struct brute {
    uint64_t count, bytes, maxp;
    uint8_t src_seen[NSRC];
    uint64_t distinct;
};

static uint64_t rng_state;

static uint64_t
rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static void
make_flow(struct flow *f, unsigned dst, unsigned src, uint64_t bytes, uint64_t pkts)
{
    memset(f, 0, sizeof(*f));
    f->family = FLOW_IPV4;
    f->sip[10] = f->sip[11] = f->dip[10] = f->dip[11] = 0xff;
    f->sip[12] = 192;
    f->sip[13] = 168;
    f->sip[15] = (uint8_t)src;
    f->dip[12] = 10;
    f->dip[14] = (uint8_t)(dst >> 8);
    f->dip[15] = (uint8_t)dst;
    f->bytes = bytes;
    f->packets = pkts;
    f->app_label = 53;
}

static void
run(unsigned threads, uint64_t seed, int later, unsigned limit)
{
    static struct job job; /* 11 KB: off the stack (tests run one at a time) */
    struct job_text t = {0};
    struct err err;
    struct {
        struct htab **tables;
        int ntables;
        struct memacct acct;
    } res;
    struct op op;
    struct sort_result sorted;
    struct keybuf key = {0};
    struct op_later *lt = NULL;
    static struct brute b[NDST];
    unsigned order[NDST];
    size_t nexp = 0;

    err_init(&err);
    memset(b, 0, sizeof(b));
    t.group_by = "dip";
    t.aggs = "n=count(), s=distinct(sip), bytes=sum(bytes), mp=max(packets)";
    t.having = "n >= 2";
    t.order = "bytes desc";
    t.limit = limit;
    CHECK(job_build(&job, &t, &err) == 0);
    memset(&res, 0, sizeof(res));
    memacct_init(&res.acct, 0);
    res.ntables = (int)threads;
    res.tables = calloc(threads, sizeof(*res.tables));
    for (unsigned w = 0; w < threads; w++)
        res.tables[w] = htab_create(job.val_len, &res.acct, &err);

    rng_state = seed;
    for (unsigned i = 0; i < NREC; i++) {
        /* Few byte values, so many groups tie on bytes and the tie-break is exercised. */
        unsigned dst = (unsigned)(rnd() % NDST), src = (unsigned)(rnd() % NSRC);
        uint64_t bytes = 100 * (1 + rnd() % 4), pkts = 1 + rnd() % 9;
        struct flow f;
        struct rec r[2];
        struct htab_entry *e;
        int is_new;

        make_flow(&f, dst, src, bytes, pkts);
        record_views(&f, REC_FLOWS, 0, r);
        keypack_build(&job, &r[0], &key);
        e = htab_upsert(res.tables[rnd() % threads], key.p, (uint32_t)key.len,
                        XXH3_64bits(key.p, key.len), &is_new, &err);
        CHECK(e != NULL);
        CHECK(agg_update(&job, htab_entry_val(e), &r[0], &res.acct, &err) == 0);
        b[dst].count++;
        b[dst].bytes += bytes;
        if (pkts > b[dst].maxp)
            b[dst].maxp = pkts;
        if (!b[dst].src_seen[src]++)
            b[dst].distinct++;
    }
    group_op_init(&op, &job);
    if (later) {
        CHECK(op.merge_now != NULL); /* neither --having nor the order reads s */
        lt = calloc(1, sizeof(*lt));
        lt->acct = &res.acct;
        CHECK(merge_run_later(&op, res.tables, res.ntables, &res.acct, (int)threads, lt, &err) ==
              0);
        CHECK(sort_run_later(&job, res.tables[0], (int)threads, &op, lt, &sorted, &err) == 0);
    } else {
        CHECK(merge_run(&op, res.tables, res.ntables, &res.acct, (int)threads, &err) == 0);
        CHECK(sort_run(&job, res.tables[0], (int)threads, &sorted, &err) == 0);
    }

    /* Brute force: groups with n >= 2, bytes desc, then the rendered text of dip, n, s, mp. */
    for (unsigned d = 0; d < NDST; d++)
        if (b[d].count >= 2)
            order[nexp++] = d;
    for (size_t i = 1; i < nexp; i++) /* insertion sort with the documented comparator */
        for (size_t j = i; j > 0; j--) {
            struct brute *x = &b[order[j - 1]], *y = &b[order[j]];
            char tx[64], ty[64];
            int c;

            if (x->bytes != y->bytes) {
                c = x->bytes < y->bytes ? 1 : -1;
            } else {
                snprintf(tx, sizeof(tx), "10.0.%u.%u", order[j - 1] >> 8, order[j - 1] & 255);
                snprintf(ty, sizeof(ty), "10.0.%u.%u", order[j] >> 8, order[j] & 255);
                c = strcmp(tx, ty);
                if (c == 0) {
                    snprintf(tx, sizeof(tx), "%llu", (unsigned long long)x->count);
                    snprintf(ty, sizeof(ty), "%llu", (unsigned long long)y->count);
                    c = strcmp(tx, ty);
                }
            }
            if (c <= 0)
                break;
            unsigned tmp = order[j - 1];
            order[j - 1] = order[j];
            order[j] = tmp;
        }
    CHECK_EQ_U64(sorted.kept, nexp);
    CHECK_EQ_U64(sorted.table.nrows, limit && limit < nexp ? limit : nexp);
    for (size_t i = 0; i < nexp && i < sorted.table.nrows; i++) {
        const struct out_cell *row = sorted.table.cells + i * job.ncols;
        const struct brute *x = &b[order[i]];

        CHECK_EQ_U64(row[0].v.addr.a[15] | (unsigned)row[0].v.addr.a[14] << 8, order[i]);
        CHECK_EQ_U64(row[1].v.u, x->count);
        CHECK_EQ_U64(row[2].v.u, x->distinct);
        CHECK_EQ_U64(row[3].v.u, x->bytes);
        CHECK_EQ_U64(row[4].v.u, x->maxp);
    }
    sort_result_fini(&sorted);
    merge_later_fini(&op, lt, 1); /* the pairs' states lie in the other tables' arenas */
    for (int w = 0; w < res.ntables; w++) {
        for (unsigned p = 0; p < HTAB_PARTS; p++)
            for (size_t i = 0; i < htab_part_cap(res.tables[w], p); i++) {
                struct htab_entry *e = htab_part_slot(res.tables[w], p, i);

                if (e)
                    op.release(&op, htab_entry_val(e), &res.acct);
            }
    }
    for (int w = 0; w < res.ntables; w++)
        htab_destroy(res.tables[w]);
    free(res.tables);
    keybuf_fini(&key);
    job_fini(&job);
}

int
main(int argc, char **argv)
{
    uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 10) : 12345;

    fprintf(stderr, "seed=%llu\n", (unsigned long long)seed);
    for (unsigned threads = 1; threads <= 4; threads++) {
        run(threads, seed, 0, 0);
        run(threads, seed, 1, 0);
        run(threads, seed, 1, 7);
    }
    fprintf(stderr, "ok   merge and sort at 1-4 tables (sets merged at once, or for the rows "
                    "printed)\n");
    return CHECK_DONE();
}
