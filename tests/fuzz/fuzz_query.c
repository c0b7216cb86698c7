/*
 * fuzz_query.c - the query syntax: arbitrary bytes split at NUL into
 * records, where, group-by, aggs, having, order; job_build() must accept or
 * reject each without crashing, and an accepted --where must evaluate on a
 * sample record (with --records dns, the record of its one DNS RR and that
 * name's registered domain). Inputs with '@' are skipped: "in @FILE" opens files.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct rec sample_rec;
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
        job_fini(&job);
    }
    free(text);
    return 0;
}
