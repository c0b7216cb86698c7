/*
 * fuzz_query.c - the query syntax: arbitrary bytes split at NUL into
 * records, where, group-by, aggs, having, order; job_build() must accept or
 * reject each without crashing, and an accepted --where must evaluate on a
 * sample record (with --records dns, the record of its one DNS RR and that
 * name's registered domain), and an accepted --having on a made-up group (its
 * avgs exact fractions: 7/2, 1/3, 2^64 - 1.5, ...). Inputs with '@' are skipped: "in @FILE" opens files.
 * An input whose first byte is 0x01 is a watchlist file instead (the rest of
 * it, written to a temporary file): read for addresses and for domains, and
 * where accepted, the reader's direct pre-test of a flow must agree with the
 * plan's tests on a few flows.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "job.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A made-up group for --having: avgs exact fractions (below 1, x.5, 2^64 - 1.5, 2^53 + 1). */
static const struct {
    expr_int num;
    uint64_t den;
} avgs[] = {{7, 2}, {1, 3}, {0, 1}, {((expr_int)1 << 65) - 3, 2}, {((expr_int)1 << 53) + 1, 1},
            {((expr_int)1 << 100) + 1, UINT64_MAX}};
static size_t avg_pick;

static struct expr_val
having_get(const void *ctx, int slot)
{
    static const uint8_t addr[17] = {4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1};
    const struct job *job = ctx;
    struct expr_val v = {EXPR_INT, 3, 0, NULL, 0, 0};
    const struct job_col *c;

    if (slot >= JOB_MAX_COLS) /* size(list) */
        return v;
    c = &job->cols[slot];
    if ((c->is_key || c->agg == AGG_MIN || c->agg == AGG_MAX) &&
        record_field_kind(c->field) == FIELD_KIND_ADDR) {
        v.kind = EXPR_ADDR;
        v.a = addr;
    } else if (!c->is_key && c->agg == AGG_AVG) {
        size_t k = (avg_pick + (size_t)slot) % (sizeof(avgs) / sizeof(avgs[0]));

        v.kind = EXPR_RATIO;
        v.i = avgs[k].num;
        v.den = avgs[k].den;
    } else if (!c->is_key && c->agg == AGG_SUM) {
        v.i = ((expr_int)1 << 65) - 3;
    }
    return v;
}

static struct rec sample_rec;

static char path[] = "/tmp/fuzz_query_wl_XXXXXX";

static void
remove_watchlist(void)
{
    unlink(path);
}

/* The watchlist mode: data[0..size) as a watchlist file. */
static void
fuzz_watchlist(const uint8_t *data, size_t size)
{
    static int made;
    static const char *const wheres[] = {"not addr in @", "addr in @", "dns.suffix in @",
                                         "proto = 6 and sip in @"};
    static struct job job;
    FILE *f;

    if (!made) {
        int fd = mkstemp(path);

        if (fd < 0)
            abort();
        close(fd);
        made = 1;
        atexit(remove_watchlist);
    }
    f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    for (size_t w = 0; w < sizeof(wheres) / sizeof(wheres[0]); w++) {
        char where[128];
        struct job_text t;
        struct err err;

        snprintf(where, sizeof(where), "%s%s", wheres[w], path);
        memset(&t, 0, sizeof(t));
        t.where = where;
        t.group_by = "dip";
        err_init(&err);
        if (job_build(&job, &t, &err) != 0)
            continue;
        for (int k = 0; k < 4; k++) { /* IPv4 flows in and out of a few /24s, an IPv6 one */
            struct flow fl;
            static const uint8_t v4[4][4] = {
                {10, 0, 0, 1}, {192, 168, 1, 7}, {0, 0, 0, 0}, {255, 255, 255, 255}};

            memset(&fl, 0, sizeof(fl));
            fl.family = k == 3 ? FLOW_IPV6 : FLOW_IPV4;
            fl.sip[10] = fl.sip[11] = fl.dip[10] = fl.dip[11] = 0xff;
            memcpy(fl.sip + 12, v4[k], 4);
            memcpy(fl.dip + 12, v4[(k + 1) % 4], 4);
            if (k == 3)
                fl.sip[0] = 0x20, fl.sip[1] = 0x01, fl.sip[10] = fl.sip[11] = 0;
            if (job_keep_flow_pre(&job, &fl) != job_keep_flow_pre_tests(&job, &fl))
                abort();
        }
        job_fini(&job);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    const char *part[6] = {NULL, NULL, NULL, NULL, NULL, NULL};
    size_t k = 0;
    static struct job job; /* 11 KB: off the stack (one input at a time) */
    struct job_text t;
    struct err err;
    static struct flow f;
    static struct dns_rr rr;

    if (size > 0 && data[0] == 0x01) {
        free(text);
        fuzz_watchlist(data + 1, size - 1);
        return 0;
    }
    if (text == NULL || memchr(data, '@', size) != NULL) { /* @FILE would read files */
        free(text);
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    part[0] = text;
    for (size_t i = 0; i < size && k < 5; i++)
        if (text[i] == '\0')
            part[++k] = text + i + 1;
    memset(&t, 0, sizeof(t));
    t.records = part[0] && *part[0] ? part[0] : NULL;
    t.where = part[1];
    t.group_by = part[2] ? part[2] : "dip";
    t.aggs = part[3] && *part[3] ? part[3] : NULL;
    t.having = part[4];
    t.order = part[5];
    err_init(&err);
    f.bytes = 700;
    f.packets = 10;
    f.app_label = 53;
    f.family = FLOW_IPV4;
    f.ndns = 1;
    f.dns = &rr;
    rr.name = (const uint8_t *)"WWW.Example.com.";
    rr.name_len = 16;
    sample_rec.f = &f;
    sample_rec.bytes = f.bytes;
    sample_rec.packets = f.packets;
    sample_rec.sip = f.sip;
    sample_rec.dip = f.dip;
    sample_rec.rr = NULL;
    sample_rec.dom_len = 0;
    if (job_build(&job, &t, &err) == 0) {
        if (job.view == REC_DNS) { /* --records dns: the record of the flow's one RR */
            sample_rec.rr = &rr;
            job_rec_domain(&job, NULL, &sample_rec);
        }
        if (job.where) {
            uint8_t addr[JOB_WHERE_SCRATCH];
            struct job_where_ctx w = {&job, &sample_rec, addr};

            (void)expr_test(job.where, job_where_get, &w, &err);
            (void)job_keep_rec(&job, &sample_rec, &err);
        }
        if (job.having) {
            avg_pick = size;
            (void)expr_test(job.having, having_get, &job, &err);
        }
        job_fini(&job);
    }
    free(text);
    return 0;
}
