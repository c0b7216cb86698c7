/*
 * fuzz_query.c - the query syntax: arbitrary bytes split at NUL into
 * records, where, group-by, aggs, having, order; job_build() must accept or
 * reject each without crashing, and an accepted --where must evaluate on a
 * sample record.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct rec sample_rec;
static uint8_t sample_sip[17], sample_dip[17];

static struct expr_val
get(const void *ctx, int slot)
{
    struct expr_val v = {EXPR_INT, 0, 0, NULL};

    (void)ctx;
    if (slot == FIELD_SIP || slot == FIELD_DIP) {
        v.kind = EXPR_ADDR;
        v.a = slot == FIELD_SIP ? sample_sip : sample_dip;
    } else if (slot >= 0 && slot < FIELD_COUNT) {
        v.u = record_num(&sample_rec, (enum field_id)slot);
    }
    return v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    const char *part[6] = {NULL, NULL, NULL, NULL, NULL, NULL};
    size_t k = 0;
    struct job job;
    struct job_text t;
    struct err err;
    static struct flow f;

    if (text == NULL)
        return 0;
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
    sample_rec.f = &f;
    sample_rec.bytes = f.bytes;
    sample_rec.packets = f.packets;
    sample_sip[0] = sample_dip[0] = 4;
    if (job_build(&job, &t, &err) == 0) {
        if (job.where)
            (void)expr_true(job.where, get, NULL);
        job_fini(&job);
    }
    free(text);
    return 0;
}
