/*
 * test_shard.c - the split of a plan into shards and the shard head (shard.h):
 * every file in exactly one shard, in plan order, the same split every time,
 * bytes balanced as the greedy rule promises (no shard more than the largest
 * file over the lightest); the head round trip against the test's own values,
 * and rejection of every truncation and every single-byte change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mem.h"
#include "shard.h"

static void
make_plan(struct part_plan *plan, size_t n, unsigned seed)
{
    memset(plan, 0, sizeof(*plan));
    plan->files = mem_calloc(n + 1, sizeof(*plan->files));
    plan->nfiles = n;
    for (size_t i = 0; i < n; i++) {
        char name[32];

        snprintf(name, sizeof(name), "f%zu", i);
        plan->files[i].path = mem_strdup(name);
        seed = seed * 1103515245u + 12345u;
        /* largest first, as part_plan orders them */
        plan->files[i].size = (uint64_t)(n - i) * 1000u + (seed >> 16) % 1000u;
        plan->total_bytes += plan->files[i].size;
    }
}

static void
free_plan(struct part_plan *plan)
{
    for (size_t i = 0; i < plan->nfiles; i++)
        mem_free(plan->files[i].path);
    mem_free(plan->files);
}

static void
test_split(void)
{
    for (size_t nf = 0; nf <= 40; nf += 7) {
        struct part_plan plan;

        make_plan(&plan, nf, (unsigned)nf + 1);
        for (unsigned n = 1; n <= 9; n++) {
            int *seen = calloc(nf + 1, sizeof(int));
            uint64_t lo = UINT64_MAX, hi = 0, biggest = nf ? plan.files[0].size : 0;

            for (unsigned i = 0; i < n; i++) {
                struct part_plan a, b;
                size_t prev = 0;

                shard_split(&plan, i, n, &a);
                shard_split(&plan, i, n, &b);
                CHECK_EQ_U64(a.nfiles, b.nfiles);
                for (size_t k = 0; k < a.nfiles; k++) {
                    size_t j = 0;

                    while (j < nf && plan.files[j].path != a.files[k].path)
                        j++;
                    CHECK(j < nf);
                    CHECK(k == 0 || j > prev); /* plan order kept */
                    prev = j;
                    if (j < nf)
                        seen[j]++;
                    CHECK(a.files[k].path == b.files[k].path);
                }
                if (a.total_bytes < lo)
                    lo = a.total_bytes;
                if (a.total_bytes > hi)
                    hi = a.total_bytes;
                shard_plan_fini(&a);
                shard_plan_fini(&b);
            }
            for (size_t j = 0; j < nf; j++)
                CHECK_EQ_U64(seen[j], 1);
            CHECK(hi - lo <= biggest); /* greedy largest-first: within one file of even */
            free(seen);
        }
        free_plan(&plan);
    }
}

static void
test_plan_fp(void)
{
    struct part_plan a, b;

    make_plan(&a, 5, 3);
    make_plan(&b, 5, 3);
    CHECK(shard_plan_fp(&a) == shard_plan_fp(&b));
    b.files[2].size++;
    CHECK(shard_plan_fp(&a) != shard_plan_fp(&b));
    b.files[2].size--;
    b.files[4].path[1] = '9';
    CHECK(shard_plan_fp(&a) != shard_plan_fp(&b));
    free_plan(&a);
    free_plan(&b);
}

static void
test_head(void)
{
    static char job[] = "dns-names\0--limit\0"
                        "0\0";
    static char p0[] = "a/b.yaf", m0[] = "a/b.yaf: offset 9: truncated";
    static char p1[] = "c\x01.yaf", m1[] = "c\x01.yaf: not IPFIX";
    struct sweep_bad bad[2] = {{p0, m0, 7, 0}, {p1, m1, 0, 1}};
    struct shard_head h, got;
    struct partial_buf b = {0};
    struct err err;
    size_t used = 0;

    memset(&h, 0, sizeof(h));
    h.index = 2;
    h.count = 5;
    h.plan_files = 11;
    h.plan_fp = 0x0123456789abcdefULL;
    h.files = 3;
    h.stats.files = 3;
    h.stats.bytes = 1ULL << 40;
    h.stats.flows = 12;
    h.stats.records = 13;
    h.stats.kept = 14;
    h.stats.dns_rrs = 15;
    h.stats.other = 16;
    h.stats.damaged = 17;
    h.job = job;
    h.job_len = sizeof(job) - 1;
    h.inputs = (char *)"@wl.txt xxh3=0123456789abcdef\npsl=x,dafsa=none,builtin=y\n";
    h.inputs_len = strlen(h.inputs);
    h.bad = bad;
    h.nbad = 2;
    shard_head_encode(&h, &b);
    err_init(&err);
    CHECK(shard_head_decode(b.p, b.len, &got, &used, &err) == 0);
    CHECK_EQ_U64(used, b.len);
    CHECK_EQ_U64(got.index, 2);
    CHECK_EQ_U64(got.count, 5);
    CHECK_EQ_U64(got.plan_files, 11);
    CHECK(got.plan_fp == h.plan_fp);
    CHECK_EQ_U64(got.files, 3);
    CHECK(memcmp(&got.stats, &h.stats, sizeof(h.stats)) == 0);
    CHECK_EQ_U64(got.job_len, h.job_len);
    CHECK(memcmp(got.job, job, h.job_len) == 0);
    CHECK(strcmp(got.inputs, h.inputs) == 0); /* what the job read: travels whole */
    CHECK_EQ_U64(got.inputs_len, h.inputs_len);
    CHECK_EQ_U64(got.nbad, 2);
    CHECK(strcmp(got.bad[1].path, "c\x01.yaf") == 0);
    CHECK(strcmp(got.bad[0].msg, "a/b.yaf: offset 9: truncated") == 0);
    CHECK_EQ_U64(got.bad[0].flows_kept, 7);
    CHECK_EQ_U64(got.bad[1].resumed, 1);
    shard_head_fini(&got);
    for (size_t len = 0; len < b.len; len++) { /* every truncation */
        err_init(&err);
        CHECK(shard_head_decode(b.p, len, &got, &used, &err) < 0);
        shard_head_fini(&got);
    }
    for (size_t i = 0; i < b.len; i++) { /* every byte changed */
        b.p[i] ^= 0x41;
        err_init(&err);
        CHECK(shard_head_decode(b.p, b.len, &got, &used, &err) < 0);
        shard_head_fini(&got);
        b.p[i] ^= 0x41;
    }
    partial_buf_fini(&b);
}

int
main(void)
{
    RUN(test_split);
    RUN(test_plan_fp);
    RUN(test_head);
    return CHECK_DONE();
}
