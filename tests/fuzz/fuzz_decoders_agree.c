/*
 * fuzz_decoders_agree.c - differential target: the same bytes through the fast
 * decoder and through libfixbuf's (the reference) must give the same result.
 *
 * The fast decoder is read with ipfix_reader_next_batch() on inputs of odd
 * size (what exec/scan.c uses) and with ipfix_reader_next() on the others.
 * "The same" is everything a caller can see: each flow's fields, its DNS
 * records and their name bytes, in order; the fatal verdict (return code and
 * message); and every count of ipfix_read_stats, including the damage count
 * and the description of the first damage. Any difference aborts with a
 * description of the first one, so the input lands in the crash corpus.
 *
 * A third read holds the projection (ipfix_read.h, struct ipfix_need) to the
 * same: the fast decoder asked for some fields and DNS parts, dropping flows
 * whose app is not 53, must give those fields of the flows libfixbuf's
 * decoder yields with app 53, and the same counts (the dropped flows
 * counted, one record each). Its DNS parts: none, dns-names' (name and type),
 * the TTL alone, dns-hunt's (name, type, QR, RCODE, section) or all of them,
 * by the input's size: each takes the specialised DNS path where the plan
 * has its parts (ipfix_fast.h), else the general one.
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
#include "mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What one decoder made of the input, serialised field by field. */
struct outcome {
    uint8_t *buf;
    size_t len, cap;
    uint64_t flows;
    int rc;
    char msg[ERR_MSG_LEN];
    struct ipfix_read_stats st;
};

static void
put(struct outcome *o, const void *p, size_t n)
{
    if (o->len + n > o->cap) {
        o->cap = (o->len + n) * 2;
        o->buf = mem_realloc(o->buf, o->cap);
    }
    memcpy(o->buf + o->len, p, n);
    o->len += n;
}

#define PUT(o, v) put((o), &(v), sizeof(v))

/* reset() - `o` empty for the next input; its buffer is kept (a fresh one per input cost page
 * faults). */
static void
reset(struct outcome *o)
{
    uint8_t *buf = o->buf;
    size_t cap = o->cap;

    memset(o, 0, sizeof(*o));
    o->buf = buf;
    o->cap = cap;
}

static void
put_flow(struct outcome *o, const struct flow *f)
{
    PUT(o, f->start_ms);
    PUT(o, f->end_ms);
    PUT(o, f->bytes);
    PUT(o, f->packets);
    PUT(o, f->rev_bytes);
    PUT(o, f->rev_packets);
    put(o, f->sip, 16);
    put(o, f->dip, 16);
    PUT(o, f->sport);
    PUT(o, f->dport);
    PUT(o, f->app_label);
    PUT(o, f->proto);
    PUT(o, f->family);
    PUT(o, f->ndns);
    if (f->ndns && !f->dns)
        abort();
    for (uint32_t i = 0; i < f->ndns; i++) {
        const struct dns_rr *d = &f->dns[i];

        PUT(o, d->name_len);
        if (d->name_len)
            put(o, d->name, d->name_len);
        PUT(o, d->ttl);
        PUT(o, d->rrtype);
        PUT(o, d->id);
        PUT(o, d->qr);
        PUT(o, d->rcode);
        PUT(o, d->section);
        PUT(o, d->aa);
    }
}

/* The projection of the third read: what it keeps of a flow. */
static struct ipfix_need proj;

static int
keep53(const void *ctx, const struct flow *f, uint64_t *records)
{
    (void)ctx;
    if (f->app_label == 53)
        return 1;
    (*records)++;
    return 0;
}

/* put_proj() - the fields of `f` that `proj` asks for; 1 when keep53() keeps it. */
static int
put_proj(struct outcome *o, const struct flow *f)
{
    uint32_t n = proj.flow;

    if (f->app_label != 53)
        return 0;
    if (n & IPFIX_NEED_TIME) {
        PUT(o, f->start_ms);
        PUT(o, f->end_ms);
    }
    if (n & IPFIX_NEED_COUNTS) {
        PUT(o, f->bytes);
        PUT(o, f->packets);
    }
    if (n & IPFIX_NEED_REV) {
        PUT(o, f->rev_bytes);
        PUT(o, f->rev_packets);
    }
    if (n & IPFIX_NEED_ADDRS) {
        put(o, f->sip, 16);
        put(o, f->dip, 16);
    }
    if (n & IPFIX_NEED_PORTS) {
        PUT(o, f->sport);
        PUT(o, f->dport);
    }
    if (n & IPFIX_NEED_PROTO)
        PUT(o, f->proto);
    PUT(o, f->family);
    PUT(o, f->ndns);
    if (!proj.dns)
        return 1;
    if (f->ndns && !f->dns)
        abort();
    for (uint32_t i = 0; i < f->ndns; i++) {
        const struct dns_rr *d = &f->dns[i];

        if (proj.dns & IPFIX_NEED_DNS_NAME) {
            PUT(o, d->name_len);
            if (d->name_len)
                put(o, d->name, d->name_len);
        }
        if (proj.dns & IPFIX_NEED_DNS_TYPE)
            PUT(o, d->rrtype);
        if (proj.dns & IPFIX_NEED_DNS_TTL)
            PUT(o, d->ttl);
        if (proj.dns & IPFIX_NEED_DNS_ID)
            PUT(o, d->id);
        if (proj.dns & IPFIX_NEED_DNS_QR)
            PUT(o, d->qr);
        if (proj.dns & IPFIX_NEED_DNS_AA)
            PUT(o, d->aa);
        if (proj.dns & IPFIX_NEED_DNS_RCODE)
            PUT(o, d->rcode);
        if (proj.dns & IPFIX_NEED_DNS_SECTION)
            PUT(o, d->section);
    }
    return 1;
}

/*
 * run() - reads `path` with model `m`, flow by flow or (`batch`) with next_batch();
 * batch < 0: the projected fields only (put_proj()). `po` (may be NULL, flow by
 * flow only) gets the projection of the same flows too: libfixbuf's decoder
 * decodes everything whatever is asked, so one read of it gives both references.
 */
static void
run(struct ipfix_model *m, const char *path, int batch, struct outcome *o, struct outcome *po)
{
    struct ipfix_reader *r;
    const struct flow *f;
    struct err err;
    size_t n;

    err_init(&err);
    r = ipfix_reader_open(m, path, &err);
    if (!r) {
        o->rc = -1000;
        snprintf(o->msg, sizeof(o->msg), "%s", err.msg);
        if (po) {
            po->rc = o->rc;
            snprintf(po->msg, sizeof(po->msg), "%s", o->msg);
        }
        return;
    }
    if (batch < 0) { /* the projection (third read) */
        while ((o->rc = ipfix_reader_next(r, &f, &err)) == 1)
            o->flows += (uint64_t)put_proj(o, f);
    } else if (batch) {
        while ((o->rc = ipfix_reader_next_batch(r, &f, &n, &err)) == 1) {
            if (n == 0)
                abort(); /* a batch holds at least one flow */
            for (size_t i = 0; i < n; i++)
                put_flow(o, &f[i]);
            o->flows += n;
        }
    } else {
        while ((o->rc = ipfix_reader_next(r, &f, &err)) == 1) {
            put_flow(o, f);
            o->flows++;
            if (po)
                po->flows += (uint64_t)put_proj(po, f);
        }
    }
    snprintf(o->msg, sizeof(o->msg), "%s", o->rc < 0 ? err.msg : "");
    o->st = *ipfix_reader_stats(r);
    if (po) {
        po->rc = o->rc;
        snprintf(po->msg, sizeof(po->msg), "%s", o->msg);
        po->st = o->st;
    }
    ipfix_reader_close(r);
}

/* first_diff() - the index of the first flow whose serialisation differs (for the report). */
static size_t
first_diff(const struct outcome *a, const struct outcome *b)
{
    size_t n = a->len < b->len ? a->len : b->len, i = 0;

    while (i < n && a->buf[i] == b->buf[i])
        i++;
    return i;
}

static void
differ(const char *what, const struct outcome *fast, const struct outcome *ref)
{
    fprintf(stderr,
            "fuzz_decoders_agree: decoders disagree on %s\n"
            "  fast:   flows %llu dns %llu other %llu unknown %llu damaged %llu rc %d '%s' '%s'\n"
            "  fixbuf: flows %llu dns %llu other %llu unknown %llu damaged %llu rc %d '%s' '%s'\n"
            "  first differing output byte: %zu\n",
            what, (unsigned long long)fast->st.flows, (unsigned long long)fast->st.dns_rrs,
            (unsigned long long)fast->st.other_records, (unsigned long long)fast->st.unknown_sets,
            (unsigned long long)fast->st.damaged, fast->rc, fast->msg, fast->st.first_damage,
            (unsigned long long)ref->st.flows, (unsigned long long)ref->st.dns_rrs,
            (unsigned long long)ref->st.other_records, (unsigned long long)ref->st.unknown_sets,
            (unsigned long long)ref->st.damaged, ref->rc, ref->msg, ref->st.first_damage,
            first_diff(fast, ref));
    abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ipfix_model *fast_m, *ref_m, *proj_m;
    /* large (messages hold a whole path): off the stack */
    static struct outcome fast, ref, fast_p, ref_p;
    char path[4096];
    struct err err;

    reset(&fast);
    reset(&ref);
    reset(&fast_p);
    reset(&ref_p);
    err_init(&err);
    if ((!fast_m && !(fast_m = ipfix_model_create(IPFIX_DECODER_FAST, &err))) ||
        (!ref_m && !(ref_m = ipfix_model_create(IPFIX_DECODER_FIXBUF, &err))) ||
        (!proj_m && !(proj_m = ipfix_model_create(IPFIX_DECODER_FAST, &err)))) {
        fprintf(stderr, "fuzz_decoders_agree: %s\n", err.msg);
        abort();
    }
    if (fuzz_write_temp(data, size, "fuzz_decoders_agree", path, sizeof(path)) != 0)
        return 0;
    /* the projection of the third read: a few shapes, by the input's size */
    memset(&proj, 0, sizeof(proj));
    proj.flow = (size % 3 == 0)   ? IPFIX_NEED_COUNTS | IPFIX_NEED_REV | IPFIX_NEED_ADDRS
                : (size % 3 == 1) ? IPFIX_NEED_TIME | IPFIX_NEED_PORTS | IPFIX_NEED_PROTO
                                  : IPFIX_NEED_FLOW_ALL;
    /* none; dns-names'; TTL alone; dns-hunt's (name, type, QR, RCODE, section); all */
    proj.dns = (size % 5 == 0)   ? 0
               : (size % 5 == 1) ? IPFIX_NEED_DNS_NAME | IPFIX_NEED_DNS_TYPE
               : (size % 5 == 2) ? IPFIX_NEED_DNS_TTL
               : (size % 5 == 3) ? IPFIX_NEED_DNS_NAME | IPFIX_NEED_DNS_TYPE | IPFIX_NEED_DNS_QR |
                                     IPFIX_NEED_DNS_RCODE | IPFIX_NEED_DNS_SECTION
                                 : IPFIX_NEED_DNS_ALL;
    proj.keep = keep53;
    proj.keep_flow = IPFIX_NEED_APP;
    ipfix_model_need(proj_m, &proj);

    run(fast_m, path, size % 2, &fast, NULL); /* the batch interface on half the inputs */
    run(ref_m, path, 0, &ref, &ref_p);        /* libfixbuf's: both references at once */
    run(proj_m, path, -1, &fast_p, NULL);
    unlink(path);

    if (fast.rc != ref.rc || strcmp(fast.msg, ref.msg) != 0)
        differ("the fatal verdict", &fast, &ref);
    if (fast.flows != ref.flows || fast.len != ref.len ||
        (fast.len && memcmp(fast.buf, ref.buf, fast.len) != 0))
        differ("the flows", &fast, &ref);
    if (fast.st.messages != ref.st.messages || fast.st.flows != ref.st.flows ||
        fast.st.dns_rrs != ref.st.dns_rrs || fast.st.other_records != ref.st.other_records ||
        fast.st.unknown_sets != ref.st.unknown_sets || fast.st.damaged != ref.st.damaged ||
        fast.st.file_bytes != ref.st.file_bytes || fast.st.untimed != ref.st.untimed ||
        strcmp(fast.st.first_untimed, ref.st.first_untimed) != 0 ||
        strcmp(fast.st.first_damage, ref.st.first_damage) != 0)
        differ("the counts", &fast, &ref);

    if (fast_p.rc != ref_p.rc || strcmp(fast_p.msg, ref_p.msg) != 0)
        differ("the fatal verdict (projected)", &fast_p, &ref_p);
    if (fast_p.flows != ref_p.flows || fast_p.len != ref_p.len ||
        (fast_p.len && memcmp(fast_p.buf, ref_p.buf, fast_p.len) != 0))
        differ("the flows (projected)", &fast_p, &ref_p);
    if (fast_p.st.messages != ref_p.st.messages || fast_p.st.flows != ref_p.st.flows ||
        fast_p.st.dns_rrs != ref_p.st.dns_rrs ||
        fast_p.st.other_records != ref_p.st.other_records ||
        fast_p.st.unknown_sets != ref_p.st.unknown_sets || fast_p.st.damaged != ref_p.st.damaged ||
        fast_p.st.records_dropped != ref_p.st.flows - ref_p.flows ||
        fast_p.st.untimed != ref_p.st.untimed ||
        strcmp(fast_p.st.first_damage, ref_p.st.first_damage) != 0)
        differ("the counts (projected)", &fast_p, &ref_p);
    return 0;
}
