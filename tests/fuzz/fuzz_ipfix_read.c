/*
 * fuzz_ipfix_read.c - the IPFIX reader on arbitrary bytes: the input is
 * written to a temporary file (the reader reads paths only) and every flow is
 * read, touching every field and every DNS name byte, so that a bad pointer or
 * length in struct flow shows up under ASan. Whatever the bytes, the reader
 * must end with 1* then 0 or one -code, never crash, hang or leak.
 *
 * The information model is created once per process: libfixbuf's XML loader
 * takes milliseconds and is the bulk of a cold start.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "flow.h"
#include "fuzz_file.h"
#include "ipfix_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint64_t sink; /* keeps the touches from being optimised out */

/* touch() - reads every field of `f` and every byte of its DNS names. */
static uint64_t
touch(const struct flow *f)
{
    uint64_t h = (uint64_t)f->start_ms ^ (uint64_t)f->end_ms ^ f->bytes ^ f->packets ^
                 f->rev_bytes ^ f->rev_packets ^ f->sport ^ f->dport ^ f->proto ^ f->app_label ^
                 f->family ^ f->ndns;

    for (int i = 0; i < 16; i++)
        h = h * 31 + f->sip[i] + f->dip[i];
    if (f->ndns && !f->dns)
        abort(); /* ndns > 0 promises records */
    for (uint32_t i = 0; i < f->ndns; i++) {
        const struct dns_rr *d = &f->dns[i];

        h ^= d->ttl ^ d->rrtype ^ d->id ^ d->qr ^ d->rcode ^ d->section ^ d->aa;
        if (d->name_len && !d->name)
            abort();
        for (uint32_t k = 0; k < d->name_len; k++)
            h = h * 131 + d->name[k];
    }
    return h;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ipfix_model *model;
    char path[4096];
    struct ipfix_reader *r;
    const struct ipfix_read_stats *st;
    const struct flow *f;
    struct err err;
    uint64_t h = 0, flows = 0;
    int rc;

    err_init(&err);
    if (!model && !(model = ipfix_model_create(IPFIX_DECODER_FAST, &err))) {
        fprintf(stderr, "fuzz_ipfix_read: %s\n", err.msg);
        abort();
    }
    if (fuzz_write_temp(data, size, "fuzz_ipfix_read", path, sizeof(path)) != 0)
        return 0;
    r = ipfix_reader_open(model, path, &err);
    if (!r) {
        unlink(path);
        return 0;
    }
    while ((rc = ipfix_reader_next(r, &f, &err)) == 1) {
        h ^= touch(f);
        flows++;
    }
    if (rc < 0 && err.msg[0] == '\0')
        abort(); /* a fatal error must say what was wrong */
    if (ipfix_reader_next(r, &f, &err) != 0)
        abort(); /* a finished reader keeps returning 0 */
    st = ipfix_reader_stats(r);
    if (st->flows != flows || (st->damaged && st->first_damage[0] == '\0'))
        abort();
    h ^= st->messages ^ st->dns_rrs ^ st->other_records ^ st->unknown_sets;
    sink = h;
    ipfix_reader_close(r);
    unlink(path);
    return 0;
}
