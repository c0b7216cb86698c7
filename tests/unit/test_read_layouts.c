/*
 * test_read_layouts.c - the IPFIX reader on files written here with libfixbuf.
 *
 * A small YAF-compatible writer (libfixbuf export; for sub-templates libfixbuf
 * 2.x uses the external template as the memory layout, so records are built
 * field by field from each template's own layout) writes files in a temp dir:
 *   - YAF 2.x layout: STML 0/293 -> 0xCE00 wrapper -> STL of 0xCF00 DNS
 *     records with 4 padding bytes, next to a TCP-info entry (0xC003) the
 *     reader must skip;
 *   - YAF 3.x layout: yafDPIList 6871/432 -> DNS records packed with no
 *     padding, fields in another order, dnsTTL missing;
 *   - 4- and 8-byte counters, total and delta counters, IPv4 and IPv6,
 *     uniflow and biflow, ms / NTP us / NTP ns times, ICMP type/code;
 *   - a template redefined mid-file with another layout, options records,
 *     a non-flow record, and (hand-built message) a data set whose template
 *     is unknown followed by a readable one.
 * Every flow written is remembered; the reader must return exactly those,
 * field by field. Damage cases patch or cut such files: truncation inside a
 * message (fatal, earlier flows yielded), a corrupted STL length inside a
 * record (damage counted, the rest of the file read), a broken set length,
 * gzip/garbage, an empty file, a missing file.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <fixbuf/public.h>

#include "check.h"
#include "ipfix_read.h"

#define CERT_XML "/usr/share/libfixbuf/cert_ipfix.xml"

/* ------------------------------------------------------------------------ */
/* Expected flows                                                            */

struct xrr {
    const char *name; /* dnsQName bytes (NUL-terminated here) */
    uint32_t ttl;
    uint16_t type, id;
    uint8_t qr, rcode, section, aa;
};

struct xflow {
    int64_t start_ms, end_ms;
    int v6;
    uint8_t sip[16], dip[16];
    uint16_t sport, dport;
    uint8_t proto;
    uint16_t app;
    uint64_t bytes, packets, rbytes, rpackets;
    int nrr;
    struct xrr rr[4];
};

#define MAX_X 64
static struct xflow expect[MAX_X];
static int nexpect;

static void
remember(const struct xflow *x)
{
    if (nexpect < MAX_X)
        expect[nexpect++] = *x;
}

/* ------------------------------------------------------------------------ */
/* Writer                                                                    */

struct spec {
    const char *name;
    uint16_t len;
};

struct w {
    fbInfoModel_t *im;
    fbSession_t *s;
    fBuf_t *fb;
};

static int
w_open(struct w *w, const char *path)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-align" /* FB_IE_INIT_FULL casts the name literal */
    fbInfoElement_t extra[] = {FB_IE_INIT_FULL("dnsDetailRecordList", 6871, 431, FB_IE_VARLEN,
                                               FB_IE_DEFAULT, 0, 0, FB_SUB_TMPL_LIST, NULL),
                               FB_IE_INIT_FULL("yafDPIList", 6871, 432, FB_IE_VARLEN, FB_IE_DEFAULT,
                                               0, 0, FB_SUB_TMPL_LIST, NULL),
                               FB_IE_NULL};
#pragma GCC diagnostic pop
    GError *gerr = NULL;

    w->im = fbInfoModelAlloc();
    if (!fbInfoModelReadXMLFile(w->im, CERT_XML, &gerr)) {
        fprintf(stderr, "cannot load %s: %s\n", CERT_XML, gerr->message);
        g_clear_error(&gerr);
        return -1;
    }
    fbInfoModelAddElementArray(w->im, extra);
    w->s = fbSessionAlloc(w->im);
    w->fb = fBufAllocForExport(w->s, fbExporterAllocFile(path));
    return 0;
}

static void
w_emit(struct w *w)
{
    GError *gerr = NULL;

    if (!fBufEmit(w->fb, &gerr)) {
        fprintf(stderr, "emit: %s\n", gerr->message);
        g_clear_error(&gerr);
    }
}

static void
w_close(struct w *w)
{
    w_emit(w);
    fbExporterClose(fBufGetExporter(w->fb));
    fBufFree(w->fb);
    fbInfoModelFree(w->im);
}

/* w_tmpl() - external template `tid` (also internal when `top`), written now. */
static fbTemplate_t *
w_tmpl(struct w *w, uint16_t tid, const struct spec *sp, uint32_t scope, int top)
{
    fbTemplate_t *t[2];
    GError *gerr = NULL;

    for (int i = 0; i < 1 + top; i++) {
        t[i] = fbTemplateAlloc(w->im);
        for (const struct spec *p = sp; p->name; p++) {
            fbInfoElementSpec_t one[2] = {{(char *)p->name, p->len, 0}, FB_IESPEC_NULL};

            if (!fbTemplateAppendSpecArray(t[i], one, 0, &gerr)) {
                fprintf(stderr, "template %#x: %s: %s\n", tid, p->name, gerr->message);
                exit(1);
            }
        }
        if (scope)
            fbTemplateSetOptionsScope(t[i], (uint16_t)scope);
        if (!fbSessionAddTemplate(w->s, i == 1, tid, t[i], &gerr)) {
            fprintf(stderr, "add template %#x: %s\n", tid, gerr->message);
            exit(1);
        }
    }
    return t[0];
}

/* Offset of element `name` in the memory layout of `t`; exits if absent. */
static size_t
off_of(fbTemplate_t *t, const char *name, uint16_t *len)
{
    size_t off = 0;

    for (uint32_t i = 0; i < fbTemplateCountElements(t); i++) {
        const fbInfoElement_t *ie = fbTemplateGetIndexedIE(t, i);
        size_t sz = ie->len;

        if (ie->len == FB_IE_VARLEN)
            sz = ie->type == FB_BASIC_LIST            ? sizeof(fbBasicList_t)
                 : ie->type == FB_SUB_TMPL_LIST       ? sizeof(fbSubTemplateList_t)
                 : ie->type == FB_SUB_TMPL_MULTI_LIST ? sizeof(fbSubTemplateMultiList_t)
                                                      : sizeof(fbVarfield_t);
        if (strcmp(ie->ref.canon->ref.name, name) == 0) {
            if (len)
                *len = ie->len;
            return off;
        }
        off += sz;
    }
    fprintf(stderr, "no %s in template\n", name);
    exit(1);
}

static int
has(fbTemplate_t *t, const char *name)
{
    for (uint32_t i = 0; i < fbTemplateCountElements(t); i++)
        if (strcmp(fbTemplateGetIndexedIE(t, i)->ref.canon->ref.name, name) == 0)
            return 1;
    return 0;
}

/* set_u() - unsigned `v` into field `name` at its length (host order), if present. */
static void
set_u(uint8_t *rec, fbTemplate_t *t, const char *name, uint64_t v)
{
    uint16_t len;
    size_t off;

    if (!has(t, name))
        return;
    off = off_of(t, name, &len);
    if (len == 1) {
        uint8_t x = (uint8_t)v;
        memcpy(rec + off, &x, 1);
    } else if (len == 2) {
        uint16_t x = (uint16_t)v;
        memcpy(rec + off, &x, 2);
    } else if (len == 4) {
        uint32_t x = (uint32_t)v;
        memcpy(rec + off, &x, 4);
    } else {
        memcpy(rec + off, &v, 8);
    }
}

static void
set_raw(uint8_t *rec, fbTemplate_t *t, const char *name, const void *src, size_t n)
{
    if (has(t, name))
        memcpy(rec + off_of(t, name, NULL), src, n);
}

static void
set_var(uint8_t *rec, fbTemplate_t *t, const char *name, const char *s)
{
    fbVarfield_t v = {strlen(s), (uint8_t *)(uintptr_t)s};

    if (has(t, name))
        memcpy(rec + off_of(t, name, NULL), &v, sizeof(v));
}

static void *
at(uint8_t *rec, fbTemplate_t *t, const char *name)
{
    return rec + off_of(t, name, NULL);
}

static uint64_t
ntp_us(int64_t us)
{
    uint64_t sec = (uint64_t)(us / 1000000) + 2208988800u;
    uint64_t frac = (((uint64_t)(us % 1000000)) << 32) / 1000000;

    return sec << 32 | (frac & ~(uint64_t)0x7FF);
}

static uint64_t
ntp_ns(int64_t ns)
{
    uint64_t sec = (uint64_t)(ns / 1000000000) + 2208988800u;
    uint64_t frac = (((uint64_t)(ns % 1000000000)) << 32) / 1000000000;

    return sec << 32 | frac;
}

static void
v4(uint8_t a[16], uint32_t ip)
{
    memset(a, 0, 16);
    a[10] = a[11] = 0xFF;
    a[12] = (uint8_t)(ip >> 24);
    a[13] = (uint8_t)(ip >> 16);
    a[14] = (uint8_t)(ip >> 8);
    a[15] = (uint8_t)ip;
}

static uint32_t
ip4(const uint8_t a[16])
{
    return (uint32_t)a[12] << 24 | (uint32_t)a[13] << 16 | (uint32_t)a[14] << 8 | a[15];
}

/* The sub-templates every file defines (YAF 2.x IDs). */
struct subs {
    fbTemplate_t *wrap;  /* 0xCE00 */
    fbTemplate_t *qr;    /* 0xCF00, YAF 2.x, with padding */
    fbTemplate_t *rr_a;  /* 0xCE01 */
    fbTemplate_t *tcp;   /* 0xC003 */
    fbTemplate_t *qr3;   /* 0xCF10, YAF 3.x, packed, other order, no TTL */
    fbTemplate_t *stats; /* 0xD003 options */
};

static const struct spec qr_spec[] = {{"subTemplateList", FB_IE_VARLEN},
                                      {"dnsQName", FB_IE_VARLEN},
                                      {"dnsTTL", 4},
                                      {"dnsQRType", 2},
                                      {"dnsQueryResponse", 1},
                                      {"dnsAuthoritative", 1},
                                      {"dnsNXDomain", 1},
                                      {"dnsRRSection", 1},
                                      {"dnsID", 2},
                                      {"paddingOctets", 4},
                                      {NULL, 0}};
static const struct spec qr3_spec[] = {{"dnsID", 2},
                                       {"dnsQRType", 2},
                                       {"dnsQueryResponse", 1},
                                       {"dnsRRSection", 1},
                                       {"dnsQName", FB_IE_VARLEN},
                                       {"dnsNXDomain", 1},
                                       {"dnsDetailRecordList", FB_IE_VARLEN},
                                       {"dnsAuthoritative", 1},
                                       {NULL, 0}};

static void
w_subs(struct w *w, struct subs *s)
{
    static const struct spec wrap[] = {{"subTemplateList", FB_IE_VARLEN}, {NULL, 0}};
    static const struct spec rr_a[] = {{"sourceIPv4Address", 4}, {NULL, 0}};
    static const struct spec tcp[] = {
        {"tcpSequenceNumber", 4}, {"initialTCPFlags", 1}, {"unionTCPFlags", 1}, {NULL, 0}};
    static const struct spec stats[] = {{"observationDomainId", 4},
                                        {"exportingProcessId", 4},
                                        {"exportedFlowRecordTotalCount", 8},
                                        {"packetTotalCount", 8},
                                        {NULL, 0}};

    s->rr_a = w_tmpl(w, 0xCE01, rr_a, 0, 0);
    s->qr = w_tmpl(w, 0xCF00, qr_spec, 0, 0);
    s->wrap = w_tmpl(w, 0xCE00, wrap, 0, 0);
    s->tcp = w_tmpl(w, 0xC003, tcp, 0, 0);
    s->qr3 = w_tmpl(w, 0xCF10, qr3_spec, 0, 0);
    s->stats = w_tmpl(w, 0xD003, stats, 1, 1);
}

/* fill_qr() - DNS records of `x` into `n` records of template `t` at `recs`. */
static void
fill_qr(struct subs *s, fbTemplate_t *t, uint8_t *recs, const struct xflow *x)
{
    size_t stride = fbTemplateGetIELenOfMemBuffer(t);

    for (int i = 0; i < x->nrr; i++) {
        uint8_t *q = recs + (size_t)i * stride;
        const struct xrr *r = &x->rr[i];

        if (has(t, "subTemplateList"))
            fbSubTemplateListInit(at(q, t, "subTemplateList"), 3, 0xCE01, s->rr_a, 0);
        if (has(t, "dnsDetailRecordList"))
            fbSubTemplateListInit(at(q, t, "dnsDetailRecordList"), 3, 0xCE01, s->rr_a, 0);
        set_var(q, t, "dnsQName", r->name);
        set_u(q, t, "dnsTTL", r->ttl);
        set_u(q, t, "dnsQRType", r->type);
        set_u(q, t, "dnsQueryResponse", r->qr);
        set_u(q, t, "dnsAuthoritative", r->aa);
        set_u(q, t, "dnsNXDomain", r->rcode);
        set_u(q, t, "dnsRRSection", r->section);
        set_u(q, t, "dnsID", r->id);
    }
}

enum ntime {
    T_MS, /* flowStart/EndMilliseconds (+ microseconds when the template has them) */
    T_US, /* flowStart/EndMicroseconds only */
    T_NS  /* flowStartNanoseconds only (no end) */
};

/*
 * w_flow() - writes `x` with top-level template `t` (tid) and remembers what
 * the reader must return (fields the template lacks read as 0). `dpi`: 2 =
 * YAF 2.x STML with a TCP entry first, 3 = YAF 3.x yafDPIList.
 */
static void
w_flow(struct w *w, struct subs *s, fbTemplate_t *t, uint16_t tid, struct xflow x, enum ntime tm,
       int dpi)
{
    size_t size = fbTemplateGetIELenOfMemBuffer(t);
    uint8_t *rec = calloc(1, size);
    GError *gerr = NULL;
    int64_t us = x.start_ms * 1000 + 456; /* microsecond-precise times for the NTP forms */
    int64_t eus = x.end_ms * 1000 + 789;

    if (tm == T_MS) {
        set_u(rec, t, "flowStartMilliseconds", (uint64_t)x.start_ms);
        set_u(rec, t, "flowEndMilliseconds", (uint64_t)x.end_ms);
        set_u(rec, t, "flowStartMicroseconds", ntp_us(us + 5000)); /* ms must win */
        set_u(rec, t, "flowEndMicroseconds", ntp_us(eus + 5000));
    } else if (tm == T_US) {
        set_u(rec, t, "flowStartMicroseconds", ntp_us(us));
        set_u(rec, t, "flowEndMicroseconds", ntp_us(eus));
    } else {
        set_u(rec, t, "flowStartNanoseconds", ntp_ns(us * 1000 + 321));
        x.end_ms = 0;
    }
    if (x.v6) {
        set_raw(rec, t, "sourceIPv6Address", x.sip, 16);
        set_raw(rec, t, "destinationIPv6Address", x.dip, 16);
    } else {
        set_u(rec, t, "sourceIPv4Address", ip4(x.sip));
        set_u(rec, t, "destinationIPv4Address", ip4(x.dip));
    }
    set_u(rec, t, "sourceTransportPort", x.sport);
    set_u(rec, t, "destinationTransportPort", x.dport);
    set_u(rec, t, "icmpTypeCodeIPv4", x.dport);
    set_u(rec, t, "protocolIdentifier", x.proto);
    set_u(rec, t, "silkAppLabel", x.app);
    set_u(rec, t, "octetTotalCount", x.bytes);
    set_u(rec, t, "packetTotalCount", x.packets);
    set_u(rec, t, "reverseOctetTotalCount", x.rbytes);
    set_u(rec, t, "reversePacketTotalCount", x.rpackets);
    set_u(rec, t, "octetDeltaCount", x.bytes);
    set_u(rec, t, "packetDeltaCount", x.packets);
    set_u(rec, t, "reverseOctetDeltaCount", x.rbytes);
    set_u(rec, t, "reversePacketDeltaCount", x.rpackets);
    set_u(rec, t, "reverseFlowDeltaMilliseconds", 7);
    if (!has(t, "silkAppLabel"))
        x.app = 0;
    if (!has(t, "sourceTransportPort"))
        x.sport = 0;
    if (!has(t, "reverseOctetTotalCount") && !has(t, "reverseOctetDeltaCount"))
        x.rbytes = x.rpackets = 0;
    if (dpi == 2) {
        fbSubTemplateMultiListEntry_t *e =
            fbSubTemplateMultiListInit(at(rec, t, "subTemplateMultiList"), 3, x.nrr ? 2 : 1);
        uint8_t *tcp = fbSubTemplateMultiListEntryInit(&e[0], 0xC003, s->tcp, 1);

        memset(tcp, 0x5A, fbTemplateGetIELenOfMemBuffer(s->tcp));
        if (x.nrr) {
            uint8_t *wrap = fbSubTemplateMultiListEntryInit(&e[1], 0xCE00, s->wrap, 1);
            uint8_t *recs = fbSubTemplateListInit((fbSubTemplateList_t *)(void *)wrap, 3, 0xCF00,
                                                  s->qr, (uint16_t)x.nrr);

            fill_qr(s, s->qr, recs, &x);
        }
    } else if (dpi == 3) {
        uint8_t *recs =
            fbSubTemplateListInit(at(rec, t, "yafDPIList"), 3, 0xCF10, s->qr3, (uint16_t)x.nrr);

        fill_qr(s, s->qr3, recs, &x);
        for (int i = 0; i < x.nrr; i++)
            x.rr[i].ttl = 0; /* the YAF 3 template here has no dnsTTL */
    } else {
        x.nrr = 0;
    }
    if (!fBufSetInternalTemplate(w->fb, tid, &gerr) || !fBufSetExportTemplate(w->fb, tid, &gerr) ||
        !fBufAppend(w->fb, rec, size, &gerr)) {
        fprintf(stderr, "append: %s\n", gerr->message);
        exit(1);
    }
    fBufListFree(t, rec);
    free(rec);
    if (tm == T_US) {
        x.start_ms = us / 1000;
        x.end_ms = eus / 1000;
    } else if (tm == T_NS) {
        x.start_ms = us / 1000;
    }
    remember(&x);
}

/* w_other() - a record of a non-flow template (fields filled with a pattern). */
static void
w_other(struct w *w, fbTemplate_t *t, uint16_t tid)
{
    size_t size = fbTemplateGetIELenOfMemBuffer(t);
    uint8_t *rec = calloc(1, size);
    GError *gerr = NULL;

    memset(rec, 0x11, size);
    if (!fBufSetInternalTemplate(w->fb, tid, &gerr) || !fBufSetExportTemplate(w->fb, tid, &gerr) ||
        !fBufAppend(w->fb, rec, size, &gerr)) {
        fprintf(stderr, "append other: %s\n", gerr->message);
        exit(1);
    }
    free(rec);
}

/* A DNS flow numbered `i` (i picks the port, so mismatches are easy to spot). */
static struct xflow
dns_flow(int i, int nrr)
{
    static const char *const names[] = {"a.example.", "252.0.0.224.in-addr.arpa.",
                                        "x\\xC6\\xEBy.pirate.sea.", ""};
    struct xflow x;

    memset(&x, 0, sizeof(x));
    x.start_ms = 1617235200123 + i * 1000;
    x.end_ms = x.start_ms + 15 + i;
    v4(x.sip, 0xC0A8010A + (uint32_t)i);
    v4(x.dip, 0xC0A80101);
    x.sport = (uint16_t)(50000 + i);
    x.dport = 53;
    x.proto = 17;
    x.app = 53;
    x.bytes = 70 + (uint64_t)i;
    x.packets = 1;
    x.rbytes = 97 + (uint64_t)i;
    x.rpackets = 1;
    x.nrr = nrr;
    for (int k = 0; k < nrr; k++) {
        x.rr[k] = (struct xrr){names[(i + k) % 4],     k ? 86400u : 0u,  k ? 12 : 1,
                               (uint16_t)(0x1234 + i), (uint8_t)(k > 0), (uint8_t)(i % 2 ? 3 : 0),
                               (uint8_t)(k > 0),       (uint8_t)(k == 1)};
    }
    return x;
}

/* ------------------------------------------------------------------------ */
/* Reading back                                                              */

static char tmpdir[256];

static void
path_of(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/%s", tmpdir, name);
}

struct got {
    int rc;                     /* last next() return */
    struct ipfix_read_stats st; /* stats at the end */
    char err[ERR_MSG_LEN];      /* message of a negative return */
    uint16_t sports[MAX_X];     /* sport of each flow read */
    int n;                      /* flows read */
    int mismatches;             /* flows differing from expect[] (when checked) */
};

static int
same_flow(const struct flow *f, const struct xflow *x)
{
    if (f->start_ms != x->start_ms || f->end_ms != x->end_ms || f->sport != x->sport ||
        f->dport != x->dport || f->proto != x->proto || f->app_label != x->app ||
        f->bytes != x->bytes || f->packets != x->packets || f->rev_bytes != x->rbytes ||
        f->rev_packets != x->rpackets || f->family != (x->v6 ? FLOW_IPV6 : FLOW_IPV4) ||
        memcmp(f->sip, x->sip, 16) != 0 || memcmp(f->dip, x->dip, 16) != 0 ||
        f->ndns != (uint32_t)x->nrr) {
        fprintf(stderr,
                "flow sport %u: got start %lld end %lld dport %u proto %u app %u bytes %llu/%llu "
                "rev %llu/%llu fam %u ndns %u; want start %lld end %lld dport %u app %u bytes "
                "%llu/%llu rev %llu/%llu ndns %d\n",
                f->sport, (long long)f->start_ms, (long long)f->end_ms, f->dport, f->proto,
                f->app_label, (unsigned long long)f->bytes, (unsigned long long)f->packets,
                (unsigned long long)f->rev_bytes, (unsigned long long)f->rev_packets, f->family,
                f->ndns, (long long)x->start_ms, (long long)x->end_ms, x->dport, x->app,
                (unsigned long long)x->bytes, (unsigned long long)x->packets,
                (unsigned long long)x->rbytes, (unsigned long long)x->rpackets, x->nrr);
        return 0;
    }
    for (int i = 0; i < x->nrr; i++) {
        const struct dns_rr *d = &f->dns[i];
        const struct xrr *r = &x->rr[i];

        if (d->name_len != strlen(r->name) || memcmp(d->name, r->name, d->name_len) != 0 ||
            d->ttl != r->ttl || d->rrtype != r->type || d->id != r->id || d->qr != r->qr ||
            d->rcode != r->rcode || d->section != r->section || d->aa != r->aa) {
            fprintf(stderr,
                    "flow sport %u rr %d: got %.*s ttl %u type %u id %u qr %u rcode %u "
                    "sec %u aa %u; want %s ttl %u type %u id %u qr %u rcode %u sec %u "
                    "aa %u\n",
                    f->sport, i, (int)d->name_len, (const char *)d->name, d->ttl, d->rrtype, d->id,
                    d->qr, d->rcode, d->section, d->aa, r->name, r->ttl, r->type, r->id, r->qr,
                    r->rcode, r->section, r->aa);
            return 0;
        }
    }
    return 1;
}

/* read_all() - reads `name`; compares each flow with the expect[] entry of its sport. */
static void
read_all(struct ipfix_model *m, const char *name, struct got *g)
{
    char path[512];
    const struct flow *f;
    struct ipfix_reader *r;
    struct err err;

    memset(g, 0, sizeof(*g));
    path_of(path, sizeof(path), name);
    err_init(&err);
    r = ipfix_reader_open(m, path, &err);
    CHECK(r != NULL);
    if (!r) {
        fprintf(stderr, "%s\n", err.msg);
        return;
    }
    while ((g->rc = ipfix_reader_next(r, &f, &err)) == 1) {
        const struct xflow *x = NULL;

        for (int i = 0; i < nexpect; i++)
            if (expect[i].sport == f->sport)
                x = &expect[i];
        if (!x || !same_flow(f, x))
            g->mismatches++;
        if (g->n < MAX_X)
            g->sports[g->n] = f->sport;
        g->n++;
    }
    if (g->rc < 0)
        snprintf(g->err, sizeof(g->err), "%s", err.msg);
    CHECK(ipfix_reader_next(r, &f, &err) == 0); /* finished readers stay finished */
    g->st = *ipfix_reader_stats(r);
    ipfix_reader_close(r);
}

/* ------------------------------------------------------------------------ */
/* Files                                                                     */

static uint8_t *
slurp(const char *name, size_t *len)
{
    char path[512];
    FILE *fp;
    uint8_t *buf;
    long n;

    path_of(path, sizeof(path), name);
    fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    *len = fread(buf, 1, (size_t)n, fp);
    fclose(fp);
    return buf;
}

static void
spit(const char *name, const uint8_t *buf, size_t len)
{
    char path[512];
    FILE *fp;

    path_of(path, sizeof(path), name);
    fp = fopen(path, "wb");
    if (!fp || fwrite(buf, 1, len, fp) != len) {
        perror(path);
        exit(1);
    }
    fclose(fp);
}

static void
be16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void
be32(uint8_t *p, uint32_t v)
{
    be16(p, v >> 16);
    be16(p + 2, v & 0xFFFF);
}

/* Offsets of the messages in a file. */
static int
messages(const uint8_t *buf, size_t len, size_t *off, int max)
{
    int n = 0;

    for (size_t p = 0; p + 16 <= len && n < max; p += (size_t)(buf[p + 2] << 8 | buf[p + 3]))
        off[n++] = p;
    return n;
}

static const struct spec simple_spec[] = {
    {"flowStartMilliseconds", 8}, {"sourceIPv4Address", 4},        {"destinationIPv4Address", 4},
    {"sourceTransportPort", 2},   {"destinationTransportPort", 2}, {"protocolIdentifier", 1},
    {"octetTotalCount", 4},       {"packetTotalCount", 4},         {NULL, 0}};
#define SIMPLE_TID 0xB00C

/* The layouts file: every layout the reader must handle, in one file. */
static void
write_layouts(void)
{
    static const struct spec yaf2_bi4[] = {{"flowStartMilliseconds", 8},
                                           {"flowEndMilliseconds", 8},
                                           {"flowStartMicroseconds", 8},
                                           {"flowEndMicroseconds", 8},
                                           {"octetTotalCount", 4},
                                           {"reverseOctetTotalCount", 4},
                                           {"packetTotalCount", 4},
                                           {"reversePacketTotalCount", 4},
                                           {"sourceIPv4Address", 4},
                                           {"destinationIPv4Address", 4},
                                           {"sourceTransportPort", 2},
                                           {"destinationTransportPort", 2},
                                           {"protocolIdentifier", 1},
                                           {"silkAppLabel", 2},
                                           {"reverseFlowDeltaMilliseconds", 4},
                                           {"subTemplateMultiList", FB_IE_VARLEN},
                                           {NULL, 0}};
    static const struct spec yaf2_uni8[] = {{"flowStartMilliseconds", 8},
                                            {"flowEndMilliseconds", 8},
                                            {"octetTotalCount", 8},
                                            {"packetTotalCount", 8},
                                            {"sourceIPv4Address", 4},
                                            {"destinationIPv4Address", 4},
                                            {"sourceTransportPort", 2},
                                            {"destinationTransportPort", 2},
                                            {"protocolIdentifier", 1},
                                            {"silkAppLabel", 2},
                                            {"subTemplateMultiList", FB_IE_VARLEN},
                                            {NULL, 0}};
    static const struct spec v6_delta_us[] = {{"flowStartMicroseconds", 8},
                                              {"flowEndMicroseconds", 8},
                                              {"octetDeltaCount", 8},
                                              {"reverseOctetDeltaCount", 8},
                                              {"packetDeltaCount", 4},
                                              {"reversePacketDeltaCount", 4},
                                              {"sourceIPv6Address", 16},
                                              {"destinationIPv6Address", 16},
                                              {"sourceTransportPort", 2},
                                              {"destinationTransportPort", 2},
                                              {"protocolIdentifier", 1},
                                              {"silkAppLabel", 2},
                                              {"subTemplateMultiList", FB_IE_VARLEN},
                                              {NULL, 0}};
    static const struct spec yaf3[] = {
        {"sourceIPv4Address", 4},      {"silkAppLabel", 2},
        {"destinationIPv4Address", 4}, {"destinationTransportPort", 2},
        {"sourceTransportPort", 2},    {"protocolIdentifier", 1},
        {"flowEndMilliseconds", 8},    {"flowStartMilliseconds", 8},
        {"packetTotalCount", 8},       {"reversePacketTotalCount", 8},
        {"octetTotalCount", 8},        {"reverseOctetTotalCount", 8},
        {"yafDPIList", FB_IE_VARLEN},  {NULL, 0}};
    static const struct spec icmp_ns[] = {{"flowStartNanoseconds", 8},   {"sourceIPv4Address", 4},
                                          {"destinationIPv4Address", 4}, {"icmpTypeCodeIPv4", 2},
                                          {"protocolIdentifier", 1},     {"octetTotalCount", 4},
                                          {"packetTotalCount", 4},       {NULL, 0}};
    static const struct spec redefined[] = {{"sourceIPv6Address", 16},
                                            {"destinationIPv6Address", 16},
                                            {"flowStartMilliseconds", 8},
                                            {"flowEndMilliseconds", 8},
                                            {"octetTotalCount", 8},
                                            {"packetTotalCount", 8},
                                            {"sourceTransportPort", 2},
                                            {"destinationTransportPort", 2},
                                            {"protocolIdentifier", 1},
                                            {"silkAppLabel", 2},
                                            {"subTemplateMultiList", FB_IE_VARLEN},
                                            {NULL, 0}};
    static const struct spec nonflow[] = {
        {"sourceIPv4Address", 4}, {"octetTotalCount", 8}, {NULL, 0}};
    char path[512];
    struct subs s;
    struct w w;
    fbTemplate_t *t;
    struct xflow x;
    int i = 0;

    path_of(path, sizeof(path), "layouts.ipfix");
    if (w_open(&w, path))
        exit(1);
    w_subs(&w, &s);
    w_other(&w, s.stats, 0xD003); /* options record */

    t = w_tmpl(&w, 0xB010, yaf2_bi4, 0, 1); /* YAF 2.x, 4-byte counters, biflow */
    w_flow(&w, &s, t, 0xB010, dns_flow(i++, 2), T_MS, 2);
    w_flow(&w, &s, t, 0xB010, dns_flow(i++, 1), T_MS, 2);
    w_flow(&w, &s, t, 0xB010, dns_flow(i++, 0), T_MS, 2); /* TCP entry only, no DNS */
    w_flow(&w, &s, t, 0xB010, dns_flow(i++, 3), T_MS, 2);
    w_emit(&w);

    t = w_tmpl(&w, 0xB000, yaf2_uni8, 0, 1); /* uniflow, 8-byte counters */
    x = dns_flow(i++, 1);
    x.bytes = 5000000000ull;
    x.packets = 4000000001ull;
    w_flow(&w, &s, t, 0xB000, x, T_MS, 2);

    t = w_tmpl(&w, 0xB412, v6_delta_us, 0, 1); /* IPv6, delta counters, NTP us only */
    x = dns_flow(i++, 2);
    x.v6 = 1;
    memcpy(x.sip, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
    memcpy(x.dip, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x35", 16);
    x.rbytes = 3000000000ull; /* 8-byte reverse delta */
    w_flow(&w, &s, t, 0xB412, x, T_US, 2);

    t = w_tmpl(&w, 0xB020, yaf3, 0, 1); /* YAF 3.x layout */
    w_flow(&w, &s, t, 0xB020, dns_flow(i++, 2), T_MS, 3);
    w_flow(&w, &s, t, 0xB020, dns_flow(i++, 0), T_MS, 3);
    w_flow(&w, &s, t, 0xB020, dns_flow(i++, 3), T_MS, 3);

    t = w_tmpl(&w, 0xB030, icmp_ns, 0, 1); /* ICMP, ns start only, no reverse */
    x = dns_flow(i++, 0);
    x.proto = 1;
    x.dport = 0x0800;
    w_flow(&w, &s, t, 0xB030, x, T_NS, 0);

    t = w_tmpl(&w, 0xB0F0, nonflow, 0, 1);
    w_other(&w, t, 0xB0F0); /* no time: not a flow */

    t = w_tmpl(&w, 0xB010, redefined, 0, 1); /* 0xB010 redefined mid-file */
    x = dns_flow(i++, 1);
    x.v6 = 1;
    memcpy(x.sip, "\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\x07", 16);
    memcpy(x.dip, "\0\0\0\0\0\0\0\0\0\0\xff\xff\x0a\0\0\x01", 16); /* v4-mapped, stays v6 */
    w_flow(&w, &s, t, 0xB010, x, T_MS, 2);
    w_flow(&w, &s, t, 0xB010, dns_flow(i++, 2), T_MS, 2);
    nexpect--; /* that one is v4 data written through a v6 template: fix the expectation */
    x = expect[nexpect];
    memset(x.sip, 0, 16);
    memset(x.dip, 0, 16);
    x.v6 = 1;
    x.rbytes = x.rpackets = 0;
    remember(&x);

    t = w_tmpl(&w, SIMPLE_TID, simple_spec, 0, 1); /* used by the hand-built message below */
    x = dns_flow(i++, 0);
    x.end_ms = 0;
    x.rbytes = x.rpackets = 0;
    x.app = 0;
    w_flow(&w, &s, t, SIMPLE_TID, x, T_MS, 0);
    w_other(&w, s.stats, 0xD003); /* a second options record */
    w_close(&w);
}

/*
 * append_unknown_set() - appends a hand-built message: a data set of template
 * 0x9999 (never defined), then a SIMPLE_TID record the reader must still read.
 */
static void
append_unknown_set(const char *name, int i)
{
    size_t len;
    uint8_t *buf = slurp(name, &len);
    uint8_t msg[16 + 12 + 4 + 29];
    struct xflow x = dns_flow(i, 0);
    uint8_t *p = msg + 16;

    buf = realloc(buf, len + sizeof(msg));
    memset(msg, 0, sizeof(msg));
    be16(msg, 10);
    be16(msg + 2, sizeof(msg));
    be16(p, 0x9999);
    be16(p + 2, 12);
    memset(p + 4, 0xAB, 8);
    p += 12;
    be16(p, SIMPLE_TID);
    be16(p + 2, 4 + 29);
    p += 4;
    be32(p, (uint32_t)((uint64_t)x.start_ms >> 32));
    be32(p + 4, (uint32_t)x.start_ms);
    be32(p + 8, ip4(x.sip));
    be32(p + 12, ip4(x.dip));
    be16(p + 16, x.sport);
    be16(p + 18, x.dport);
    p[20] = x.proto;
    be32(p + 21, (uint32_t)x.bytes);
    be32(p + 25, (uint32_t)x.packets);
    memcpy(buf + len, msg, sizeof(msg));
    spit(name, buf, len + sizeof(msg));
    free(buf);
    x.end_ms = 0;
    x.rbytes = x.rpackets = 0;
    x.app = 0;
    remember(&x);
}

static struct ipfix_model *model;

static void
test_layouts(void)
{
    struct got g;
    int flows;

    nexpect = 0;
    write_layouts();
    append_unknown_set("layouts.ipfix", 40);
    flows = nexpect;
    read_all(model, "layouts.ipfix", &g);
    CHECK_EQ_U64(g.rc, 0);
    CHECK_EQ_U64(g.n, flows);
    CHECK_EQ_U64(g.mismatches, 0);
    for (int i = 0; i < flows && i < g.n; i++)
        CHECK_EQ_U64(g.sports[i], expect[i].sport); /* file order */
    CHECK_EQ_U64(g.st.flows, flows);
    CHECK_EQ_U64(g.st.other_records, 3); /* 2 options + 1 non-flow */
    CHECK_EQ_U64(g.st.unknown_sets, 1);
    CHECK_EQ_U64(g.st.damaged, 0);
    CHECK_EQ_STR(g.st.first_damage, "");
    {
        uint64_t rrs = 0;

        for (int i = 0; i < flows; i++)
            rrs += (uint64_t)expect[i].nrr;
        CHECK_EQ_U64(g.st.dns_rrs, rrs);
    }
}

/* keep() of test_projection(): the app 53 flows; a dropped flow is one record. */
static int
keep_app53(const void *ctx, const struct flow *f, uint64_t *records)
{
    (void)ctx;
    if (f->app_label == 53)
        return 1;
    (*records)++;
    return 0;
}

/*
 * Projection (ipfix_read.h, struct ipfix_need): the layouts file read for
 * some fields only gives those fields as a whole read does (the others 0,
 * no DNS record decoded unless asked), drops the flows keep() drops, and
 * counts every flow and DNS record as a whole read does. The fast decoder
 * decodes what is asked; libfixbuf's decodes everything, and both must
 * yield what is asked the same.
 */
static void
test_projection(void)
{
    struct ipfix_need need;
    struct ipfix_reader *r;
    const struct flow *f;
    struct err err;
    char path[512];
    int flows = nexpect, k = 0, kept = 0, rc;
    uint64_t rrs = 0;

    for (int i = 0; i < flows; i++) {
        rrs += (uint64_t)expect[i].nrr;
        kept += expect[i].app == 53;
    }
    CHECK(kept > 0 && kept < flows);
    path_of(path, sizeof(path), "layouts.ipfix");
    err_init(&err);
    /* 1. counters of the app 53 flows, no DNS record */
    memset(&need, 0, sizeof(need));
    need.flow = IPFIX_NEED_COUNTS;
    need.keep = keep_app53;
    need.keep_flow = IPFIX_NEED_APP;
    ipfix_model_need(model, &need);
    r = ipfix_reader_open(model, path, &err);
    CHECK(r != NULL);
    if (!r)
        return;
    while ((rc = ipfix_reader_next(r, &f, &err)) == 1) {
        if (f->app_label != 53) /* libfixbuf's decoder drops nothing: the caller does */
            continue;
        while (k < flows && expect[k].app != 53)
            k++;
        CHECK(k < flows);
        if (k == flows)
            break;
        CHECK_EQ_U64(f->bytes, expect[k].bytes);
        CHECK_EQ_U64(f->packets, expect[k].packets);
        CHECK_EQ_U64(f->ndns, expect[k].nrr);
        CHECK_EQ_U64(f->app_label, 53);
        if (f->dns == NULL && f->ndns > 0) /* the fast decoder: nothing else decoded */
            CHECK(f->sport == 0 && f->start_ms == 0 && f->rev_bytes == 0);
        k++;
    }
    CHECK_EQ_U64(rc, 0);
    for (; k < flows; k++)
        CHECK(expect[k].app != 53);                    /* every app 53 flow was read */
    CHECK_EQ_U64(ipfix_reader_stats(r)->flows, flows); /* dropped ones too */
    CHECK_EQ_U64(ipfix_reader_stats(r)->dns_rrs, rrs);
    /* libfixbuf's decoder drops nothing: the caller's own filter does */
    if (ipfix_reader_stats(r)->records_dropped)
        CHECK_EQ_U64(ipfix_reader_stats(r)->records_dropped, flows - kept);
    ipfix_reader_close(r);
    /* 2. ports, DNS names and types of every flow */
    memset(&need, 0, sizeof(need));
    need.flow = IPFIX_NEED_PORTS;
    need.dns = IPFIX_NEED_DNS_NAME | IPFIX_NEED_DNS_TYPE;
    ipfix_model_need(model, &need);
    r = ipfix_reader_open(model, path, &err);
    CHECK(r != NULL);
    if (!r)
        return;
    k = 0;
    while ((rc = ipfix_reader_next(r, &f, &err)) == 1) {
        const struct xflow *x = NULL;

        for (int i = 0; i < nexpect; i++)
            if (expect[i].sport == f->sport)
                x = &expect[i];
        CHECK(x != NULL);
        if (!x)
            continue;
        k++;
        CHECK_EQ_U64(f->ndns, x->nrr);
        CHECK(x->nrr == 0 || f->dns != NULL);
        for (int i = 0; i < x->nrr && f->dns; i++) {
            CHECK_EQ_U64(f->dns[i].name_len, strlen(x->rr[i].name));
            CHECK(memcmp(f->dns[i].name, x->rr[i].name, f->dns[i].name_len) == 0);
            CHECK_EQ_U64(f->dns[i].rrtype, x->rr[i].type);
        }
    }
    CHECK_EQ_U64(rc, 0);
    CHECK_EQ_U64(k, flows);
    ipfix_reader_close(r);
    ipfix_model_need(model, NULL);
}

/* The damage base: 3 messages of 4 DNS flows each (YAF 2.x layout). */
static void
write_base(const char *name)
{
    static const struct spec yaf2[] = {{"flowStartMilliseconds", 8},
                                       {"flowEndMilliseconds", 8},
                                       {"octetTotalCount", 4},
                                       {"reverseOctetTotalCount", 4},
                                       {"packetTotalCount", 4},
                                       {"reversePacketTotalCount", 4},
                                       {"sourceIPv4Address", 4},
                                       {"destinationIPv4Address", 4},
                                       {"sourceTransportPort", 2},
                                       {"destinationTransportPort", 2},
                                       {"protocolIdentifier", 1},
                                       {"silkAppLabel", 2},
                                       {"subTemplateMultiList", FB_IE_VARLEN},
                                       {NULL, 0}};
    char path[512];
    struct subs s;
    struct w w;
    fbTemplate_t *t;

    nexpect = 0;
    path_of(path, sizeof(path), name);
    if (w_open(&w, path))
        exit(1);
    w_subs(&w, &s);
    t = w_tmpl(&w, 0xB010, yaf2, 0, 1);
    w_emit(&w);
    for (int i = 0; i < 12; i++) {
        w_flow(&w, &s, t, 0xB010, dns_flow(i, 2), T_MS, 2);
        if (i % 4 == 3)
            w_emit(&w);
    }
    w_close(&w);
}

/* Offset of the n-th (0-based) wrapper STL header "ff LL LL 03 cf 00" in buf. */
static size_t
nth_qr_list(const uint8_t *buf, size_t len, int n)
{
    for (size_t p = 0; p + 6 <= len; p++)
        if (buf[p] == 0xFF && buf[p + 3] == 0x03 && buf[p + 4] == 0xCF && buf[p + 5] == 0x00 &&
            n-- == 0)
            return p;
    return 0;
}

static void
expect_sports(const struct got *g, const int *idx, int n)
{
    CHECK_EQ_U64(g->n, n);
    for (int i = 0; i < n && i < g->n; i++)
        CHECK_EQ_U64(g->sports[i], expect[idx[i]].sport);
    CHECK_EQ_U64(g->mismatches, 0);
}

static void
test_truncated(void)
{
    static const int first8[] = {0, 1, 2, 3, 4, 5, 6, 7};
    size_t len, off[16];
    uint8_t *buf;
    int nm;
    struct got g;
    char want[64];

    write_base("trunc.ipfix");
    buf = slurp("trunc.ipfix", &len);
    nm = messages(buf, len, off, 16);
    CHECK(nm >= 3);
    spit("trunc.ipfix", buf, off[nm - 1] + 20); /* cut inside the last message */
    read_all(model, "trunc.ipfix", &g);
    CHECK(g.rc == -ERR_FORMAT);
    expect_sports(&g, first8, 8);
    snprintf(want, sizeof(want), "offset %zu: truncated message", off[nm - 1]);
    CHECK(strstr(g.err, want) != NULL);
    CHECK(strstr(g.err, "trunc.ipfix") != NULL);

    spit("trunc.ipfix", buf, off[nm - 1] + 7); /* cut inside a message header */
    read_all(model, "trunc.ipfix", &g);
    CHECK(g.rc == -ERR_FORMAT);
    expect_sports(&g, first8, 8);
    CHECK(strstr(g.err, "truncated message header") != NULL);

    spit("trunc.ipfix", buf, off[nm - 1]); /* cut exactly between messages: clean */
    read_all(model, "trunc.ipfix", &g);
    CHECK_EQ_U64(g.rc, 0);
    expect_sports(&g, first8, 8);
    free(buf);
}

/* A corrupted STL length in flow 5 (2nd record of the 2nd message). */
static void
test_stl_length(void)
{
    /* flows 5..7 share flow 5's set: lost with it; messages 1 and 3 are intact */
    static const int kept[] = {0, 1, 2, 3, 4, 8, 9, 10, 11};
    static const int deltas[] = {100, -5, 0x7F00};
    size_t len;
    uint8_t *orig;

    write_base("stl.ipfix");
    orig = slurp("stl.ipfix", &len);
    for (size_t k = 0; k < sizeof(deltas) / sizeof(deltas[0]); k++) {
        uint8_t *buf = malloc(len);
        size_t p = nth_qr_list(orig, len, 5);
        unsigned l = (unsigned)(orig[p + 1] << 8 | orig[p + 2]);
        char want[64];
        struct got g;

        memcpy(buf, orig, len);
        CHECK(p > 0);
        be16(buf + p + 1, (unsigned)((int)l + deltas[k]) & 0xFFFF);
        spit("stl.ipfix", buf, len);
        read_all(model, "stl.ipfix", &g);
        CHECK_EQ_U64(g.rc, 0);
        expect_sports(&g, kept, 9);
        CHECK_EQ_U64(g.st.damaged, 1);
        /* the damage is at the bad length itself, or (shorter list) at the record it cuts */
        snprintf(want, sizeof(want), "offset %zu: ", p);
        if (deltas[k] > 0)
            CHECK(strncmp(g.st.first_damage, want, strlen(want)) == 0);
        else
            CHECK(strncmp(g.st.first_damage, "offset ", 7) == 0);
        if (g.st.damaged != 1 || (deltas[k] > 0 && strncmp(g.st.first_damage, want, strlen(want))))
            fprintf(stderr, "delta %d: damage \"%s\", want \"%s...\"\n", deltas[k],
                    g.st.first_damage, want);
        free(buf);
    }
    free(orig);
}

/* A set length pointing past its message: the rest of that message is lost. */
static void
test_set_length(void)
{
    static const int kept[] = {0, 1, 2, 3, 8, 9, 10, 11};
    size_t len, off[16];
    uint8_t *buf;
    struct got g;
    char want[64];

    write_base("set.ipfix");
    buf = slurp("set.ipfix", &len);
    CHECK(messages(buf, len, off, 16) >= 4);
    /* message 2 (index 2: templates, then flows 0-3, 4-7, 8-11) has one data set */
    be16(buf + off[2] + 16 + 2, 0xFFF0);
    spit("set.ipfix", buf, len);
    read_all(model, "set.ipfix", &g);
    CHECK_EQ_U64(g.rc, 0);
    expect_sports(&g, kept, 8);
    CHECK_EQ_U64(g.st.damaged, 1);
    snprintf(want, sizeof(want), "offset %zu: set length", off[2] + 16);
    CHECK(strstr(g.st.first_damage, want) == g.st.first_damage);
    free(buf);
}

static void
test_not_ipfix(void)
{
    static const uint8_t gz[] = {0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 3, 'x',
                                 'y',  'z',  0,    0,    0, 0, 0, 0, 0, 0};
    static const uint8_t text[] = "hello, this is not IPFIX\n";
    struct got g;

    spit("gz.ipfix", gz, sizeof(gz));
    read_all(model, "gz.ipfix", &g);
    CHECK(g.rc == -ERR_FORMAT);
    CHECK_EQ_U64(g.n, 0);
    /* gzip data are read as such (bytesrc.c): this member's deflate data are damaged */
    CHECK(strstr(g.err, "gzip: compressed offset ") != NULL);

    spit("text.ipfix", text, sizeof(text) - 1);
    read_all(model, "text.ipfix", &g);
    CHECK(g.rc == -ERR_FORMAT);
    CHECK_EQ_U64(g.n, 0);

    spit("empty.ipfix", text, 0);
    read_all(model, "empty.ipfix", &g);
    CHECK_EQ_U64(g.rc, 0);
    CHECK_EQ_U64(g.n, 0);
    CHECK_EQ_U64(g.st.damaged, 0);
    CHECK_EQ_U64(g.st.messages, 0);
}

static void
test_missing(void)
{
    struct err err;
    char path[512];

    path_of(path, sizeof(path), "does-not-exist.ipfix");
    err_init(&err);
    CHECK(ipfix_reader_open(model, path, &err) == NULL);
    CHECK(err.code == ERR_IO);
    CHECK(strstr(err.msg, "does-not-exist.ipfix") != NULL);
}

static void
cleanup(void)
{
    static const char *const files[] = {"layouts.ipfix", "trunc.ipfix", "stl.ipfix",  "set.ipfix",
                                        "gz.ipfix",      "text.ipfix",  "empty.ipfix"};
    char path[512];

    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        path_of(path, sizeof(path), files[i]);
        unlink(path);
    }
    rmdir(tmpdir);
}

int
main(void)
{
    const char *base = getenv("TMPDIR");
    static struct err err; /* off the stack: the inlined tests hold their own */
    int rc;

    if (access(CERT_XML, R_OK) != 0) {
        fprintf(stderr, "skip: %s missing\n", CERT_XML);
        return CHECK_SKIP;
    }
    snprintf(tmpdir, sizeof(tmpdir), "%s/flowsweep-read-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    err_init(&err);
    /* every check holds for both decoders */
    for (int d = IPFIX_DECODER_FAST; d <= IPFIX_DECODER_FIXBUF; d++) {
        fprintf(stderr, "decoder %s\n", ipfix_decoder_name((enum ipfix_decoder)d));
        model = ipfix_model_create((enum ipfix_decoder)d, &err);
        if (!model) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        RUN(test_layouts);
        RUN(test_projection);
        RUN(test_truncated);
        RUN(test_stl_length);
        RUN(test_set_length);
        RUN(test_not_ipfix);
        RUN(test_missing);
        ipfix_model_destroy(model);
    }
    rc = CHECK_DONE();
    if (rc == 0)
        cleanup();
    else
        fprintf(stderr, "files kept in %s\n", tmpdir);
    return rc;
}
