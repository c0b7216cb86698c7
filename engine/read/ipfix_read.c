/*
 * ipfix_read.c - YAF / super_mediator IPFIX files into struct flow, with
 * libfixbuf 2.4.1 (see ipfix_read.h for the interface, docs/format.md for what
 * is accepted).
 *
 * Design
 *   File -> messages: the reader frames messages itself (a 1 MiB read buffer,
 *   refilled with read(2)), so it knows every byte offset and tells a truncated
 *   or non-IPFIX file (fatal, -ERR_FORMAT) from a clean end.
 *   Message -> checked message: ipfix_scan_message() walks the message along
 *   the paths libfixbuf will decode and cuts out anything damaged (ipfix_scan.h
 *   explains why libfixbuf cannot be trusted with that), counting it.
 *   Fast decoder (default): the check itself walks every record and hands the
 *   whole ones to fast_flow()/fast_dns() (ipfix_scan.h's visitor), which
 *   decode them in place (ipfix_fast.c); next() then hands out the message's
 *   flows one by one. libfixbuf is not used at all.
 *   libfixbuf decoder (--decoder fixbuf, the reference):
 *   Checked message -> records: handed to libfixbuf with fBufSetBuffer() (no
 *   collector, manual mode, no copy), one fBuf/session per file. libfixbuf
 *   transcodes each top-level record into our internal template (fields
 *   matched by PEN/ID through the information model, reduced-length counters
 *   widened, missing fields zeroed) and decodes the DNS lists through template
 *   pairs registered in the new-template callback.
 *   Record -> struct flow: the template context (set by the same callback)
 *   holds flags saying which time/counter/address fields the external template
 *   really has, so zero-filled absent fields are never mistaken for data.
 *
 * Memory: per reader a read buffer, the scanner's state, a growable dns_rr
 * array (fast: and the flows of one message, bounded by its 65535 bytes);
 * nothing is allocated per record by this file (libfixbuf allocates
 * list storage per record and fBufListFree() returns it on the next call).
 * Names point into the read buffer (or the scanner's repaired copy), valid
 * until the next call, as flow.h allows.
 */
#include "ipfix_read.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fixbuf/public.h>

#include "bytesrc.h"
#include "ipfix_conv.h"
#include "ipfix_fast.h"
#include "ipfix_scan.h"
#include "mem.h"

#ifndef FLOWSWEEP_CERT_XML
#    define FLOWSWEEP_CERT_XML "/usr/share/libfixbuf/cert_ipfix.xml"
#endif

/* libfixbuf 2.4.1 exports this but declares it only in fixbuf/private.h. */
void fBufRewind(fBuf_t *fbuf);

/* Internal template IDs (internal and external IDs live in separate tables). */
enum {
    TID_FLOW = 0x7F01,
    TID_WRAP = 0x7F02,
    TID_DNS = 0x7F03,
    TID_SKIP = 0x7F04
};

#define READ_BUF_CAP (1u << 20) /* read buffer: >= one maximal message (65535) */

/* The flow record as libfixbuf fills it: ipfix_int_flow[] in order (enum ipfix_int_flow_idx). */
struct frec {
    uint64_t start_ms;             /* flowStartMilliseconds */
    uint64_t end_ms;               /* flowEndMilliseconds */
    uint64_t start_us;             /* flowStartMicroseconds, NTP format */
    uint64_t end_us;               /* flowEndMicroseconds, NTP */
    uint64_t start_ns;             /* flowStartNanoseconds, NTP */
    uint64_t end_ns;               /* flowEndNanoseconds, NTP */
    uint64_t oct_total;            /* octetTotalCount */
    uint64_t pkt_total;            /* packetTotalCount */
    uint64_t roct_total;           /* reverseOctetTotalCount */
    uint64_t rpkt_total;           /* reversePacketTotalCount */
    uint64_t oct_delta;            /* octetDeltaCount */
    uint64_t pkt_delta;            /* packetDeltaCount */
    uint64_t roct_delta;           /* reverseOctetDeltaCount */
    uint64_t rpkt_delta;           /* reversePacketDeltaCount */
    uint8_t sip6[16];              /* sourceIPv6Address */
    uint8_t dip6[16];              /* destinationIPv6Address */
    uint32_t sip4;                 /* sourceIPv4Address, host order */
    uint32_t dip4;                 /* destinationIPv4Address, host order */
    uint16_t sport;                /* sourceTransportPort */
    uint16_t dport;                /* destinationTransportPort */
    uint16_t icmp4;                /* icmpTypeCodeIPv4 */
    uint16_t icmp6;                /* icmpTypeCodeIPv6 */
    uint16_t app;                  /* silkAppLabel */
    uint8_t proto;                 /* protocolIdentifier */
    uint8_t pad[5];                /* paddingOctets: keeps the lists 8-aligned */
    fbSubTemplateMultiList_t stml; /* subTemplateMultiList (YAF 2.x DPI) */
    fbSubTemplateList_t dpi;       /* yafDPIList (YAF 3.x DPI) */
};

/* A DNS resource record as libfixbuf fills it: ipfix_int_dns[] in order. */
struct drec {
    fbVarfield_t name; /* dnsQName / dnsName */
    uint32_t ttl;      /* dnsTTL */
    uint16_t rrtype;   /* dnsQRType / dnsRRType */
    uint8_t qr;        /* dnsQueryResponse */
    uint8_t aa;        /* dnsAuthoritative */
    uint8_t rcode;     /* dnsNXDomain / dnsResponseCode */
    uint8_t section;   /* dnsRRSection / dnsSection */
    uint16_t id;       /* dnsID / dnsId */
    uint8_t pad[4];    /* paddingOctets */
};

/* The YAF 2.x DPI wrapper record (0xCE00): ipfix_int_wrap[]. */
struct wrec {
    fbSubTemplateList_t list; /* subTemplateList of DNS records */
};

/* ipfix_scan.c counts list records against libfixbuf's limit with these sizes. */
_Static_assert(sizeof(struct drec) == IPFIX_INT_DNS_SIZE, "IPFIX_INT_DNS_SIZE");
_Static_assert(sizeof(struct wrec) == IPFIX_INT_WRAP_SIZE, "IPFIX_INT_WRAP_SIZE");
_Static_assert(IPFIX_INT_WRAP_SIZE == IPFIX_INT_DNS_SIZE, "one list limit for both");

/*
 * A reader's buffers, kept by the model between files: a sweep over thousands
 * of small files would otherwise allocate (and fault in) a megabyte or more
 * per file, which measured ~1 ms of system time each.
 */
struct reader_mem {
    uint8_t *buf;            /* read buffer, READ_BUF_CAP bytes */
    struct ipfix_scan *scan; /* reset */
    struct dns_rr *rrs;      /* and its capacity */
    size_t cap_rrs;
    struct flow *flows; /* fast decoder: flows of a message, rr0 alike */
    uint32_t *rr0;
    size_t cap_flows;
};

struct ipfix_model {
    enum ipfix_decoder dec;  /* which decoder readers of this model use */
    fbInfoModel_t *im;       /* CERT + YAF 3 elements; grows with alien elements */
    struct reader_mem spare; /* buffers of the last closed reader (buf NULL: none) */
};

static void
reader_mem_free(struct reader_mem *mem)
{
    mem_free(mem->buf);
    ipfix_scan_destroy(mem->scan);
    mem_free(mem->rrs);
    mem_free(mem->flows);
    mem_free(mem->rr0);
    memset(mem, 0, sizeof(*mem));
}

struct ipfix_reader {
    struct ipfix_model *m;      /* borrowed */
    char *path;                 /* for messages */
    struct bytesrc *src;        /* the open file's bytes (plain, gzip or zstd) */
    fBuf_t *fb;                 /* owns the session (no collector) */
    fbTemplate_t *flow_tmpl;    /* internal TID_FLOW, for fBufListFree() */
    struct ipfix_scan *scan;    /* message checker and mirrored template state */
    uint8_t *buf;               /* read buffer */
    size_t beg, end;            /* unread bytes are buf[beg, end) */
    uint64_t buf_off;           /* file offset of buf[0] */
    int eof;                    /* read(2) returned 0 */
    int in_msg;                 /* a message is loaded in libfixbuf */
    uint64_t msg_off;           /* file offset of that message */
    uint16_t int_tid;           /* internal template currently set on fb */
    int live;                   /* rec holds decoded lists to free */
    int done;                   /* end of file or fatal error reached */
    struct frec rec;            /* the record being decoded */
    struct flow flow;           /* what next() hands out */
    struct dns_rr *rrs;         /* flow.dns storage (fast: of the whole message) */
    size_t cap_rrs;             /* entries allocated in rrs */
    struct ipfix_read_stats st; /* counts */
    /* fast decoder: the flows of the current message, decoded while it is checked */
    int fast;                 /* model's decoder is IPFIX_DECODER_FAST */
    struct flow *flows;       /* decoded flows */
    uint32_t *rr0;            /* rr0[i]: index in rrs of flows[i]'s first DNS record */
    size_t nflows, cap_flows; /* used, allocated */
    size_t next_flow;         /* next flow next() hands out */
    size_t nrr;               /* DNS records in rrs (some may be void: see ipfix_visitor) */
    size_t committed_rr;      /* DNS records of flows already decoded */
};

/* ------------------------------------------------------------------------ */
/* Model                                                                     */

static void
quiet_log(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
    (void)domain;
    (void)level;
    (void)msg;
    (void)data;
}

const char *
ipfix_decoder_name(enum ipfix_decoder d)
{
    return d == IPFIX_DECODER_FIXBUF ? "fixbuf" : "fast";
}

int
ipfix_decoder_parse(const char *s, enum ipfix_decoder *d)
{
    if (strcmp(s, "fast") == 0)
        *d = IPFIX_DECODER_FAST;
    else if (strcmp(s, "fixbuf") == 0 || strcmp(s, "libfixbuf") == 0)
        *d = IPFIX_DECODER_FIXBUF;
    else
        return -1;
    return 0;
}

struct ipfix_model *
ipfix_model_create(enum ipfix_decoder dec, struct err *err)
{
    /* Elements YAF writes that Debian's cert_ipfix.xml (libfixbuf 2.4.1) lacks. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-align" /* FB_IE_INIT_FULL casts the name literal */
    fbInfoElement_t extra[] = {FB_IE_INIT_FULL("reverseFlowDeltaMicroseconds", 6871, 41, 8,
                                               FB_IE_F_ENDIAN, 0, 0, FB_UINT_64, NULL),
                               FB_IE_INIT_FULL("reverseFlowDeltaNanoseconds", 6871, 42, 8,
                                               FB_IE_F_ENDIAN, 0, 0, FB_UINT_64, NULL),
                               FB_IE_INIT_FULL("dnsDetailRecordList", 6871, 431, FB_IE_VARLEN,
                                               FB_IE_DEFAULT, 0, 0, FB_SUB_TMPL_LIST, NULL),
                               FB_IE_INIT_FULL("yafDPIList", 6871, 432, FB_IE_VARLEN, FB_IE_DEFAULT,
                                               0, 0, FB_SUB_TMPL_LIST, NULL),
                               FB_IE_NULL};
#pragma GCC diagnostic pop
    /*
     * libfixbuf's XML loader is not thread-safe (two threads loading at once
     * crashed or hung in the generator's tests): serialise it process-wide.
     */
    static GMutex xml_lock;
    static gsize quiet_once; /* process-wide: libfixbuf logs through GLib */
    struct ipfix_model *m;
    GError *gerr = NULL;

    /*
     * libfixbuf reports skipped sets, sequence gaps and the like with
     * g_warning(); a library must not print, and everything that matters is
     * counted in ipfix_read_stats instead. Only engine/read uses GLib.
     */
    if (g_once_init_enter(&quiet_once)) {
        g_log_set_handler(
            NULL, G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG,
            quiet_log, NULL);
        g_once_init_leave(&quiet_once, 1);
    }

    m = mem_calloc(1, sizeof(*m));
    m->dec = dec;
    if (dec == IPFIX_DECODER_FAST)
        return m; /* no libfixbuf at all */
    g_mutex_lock(&xml_lock);
    m->im = fbInfoModelAlloc();
    if (!fbInfoModelReadXMLFile(m->im, FLOWSWEEP_CERT_XML, &gerr)) {
        g_mutex_unlock(&xml_lock);
        ERR_SET(err, ERR_IO, "ipfix: cannot load %s: %s", FLOWSWEEP_CERT_XML, gerr->message);
        g_clear_error(&gerr);
        ipfix_model_destroy(m);
        return NULL;
    }
    for (fbInfoElement_t *ie = extra; ie->ref.name; ie++)
        if (!fbInfoModelGetElementByID(m->im, ie->num, ie->ent))
            fbInfoModelAddElement(m->im, ie);
    g_mutex_unlock(&xml_lock);
    return m;
}

void
ipfix_model_destroy(struct ipfix_model *m)
{
    if (!m)
        return;
    reader_mem_free(&m->spare);
    if (m->im)
        fbInfoModelFree(m->im);
    mem_free(m);
}

/* ------------------------------------------------------------------------ */
/* Session set-up                                                            */

/*
 * new_template() - libfixbuf's new-template callback: classify the external
 * template by its (PEN, ID) fields, register how it decodes inside lists
 * (pair: DNS record, YAF 2 wrapper, or not at all), and keep its flow flags as
 * the template context. ipfix_scan_message() made the same decision earlier.
 */
static void
new_template(fbSession_t *session, uint16_t tid, fbTemplate_t *tmpl, void *app_ctx, void **tmpl_ctx,
             fbTemplateCtxFree_fn *free_fn)
{
    struct ipfix_field f[64];
    struct ipfix_field *fields = f;
    uint32_t n = fbTemplateCountElements(tmpl);
    struct ipfix_tclass cls;
    static const uint16_t pair_tid[] = {
        [IPFIX_PAIR_NONE] = 0, [IPFIX_PAIR_WRAP] = TID_WRAP, [IPFIX_PAIR_DNS] = TID_DNS};

    (void)app_ctx;
    if (n > sizeof(f) / sizeof(f[0]))
        fields = mem_alloc(n * sizeof(*fields));
    for (uint32_t i = 0; i < n; i++) {
        const fbInfoElement_t *ie = fbTemplateGetIndexedIE(tmpl, i);

        fields[i].ent = ie->ent;
        fields[i].id = ie->num;
        fields[i].len = ie->len;
    }
    ipfix_scan_classify(fields, n, fbTemplateGetOptionsScope(tmpl), &cls);
    if (fields != f)
        mem_free(fields);
    /* An explicit (tid, 0) pair means "never decode": the pair table is never empty. */
    fbSessionAddTemplatePair(session, tid, pair_tid[cls.pair]);
    *tmpl_ctx = cls.flow_flags ? (void *)(uintptr_t)cls.flow_flags : NULL;
    *free_fn = NULL;
}

/* add_internal() - adds internal template `tid` built from `ies`; 0 or -code. */
static int
add_internal(fbSession_t *s, uint16_t tid, const struct ipfix_int_ie *ies, size_t n,
             size_t struct_size, fbTemplate_t **out, struct err *err)
{
    fbInfoModel_t *im = fbSessionGetInfoModel(s);
    fbInfoElementSpec_t spec[IPFIX_INT_FLOW_N + 1];
    fbTemplate_t *t = fbTemplateAlloc(im);
    GError *gerr = NULL;

    for (size_t i = 0; i < n; i++) {
        const fbInfoElement_t *ie = fbInfoModelGetElementByName(im, ies[i].name);

        /* the name table and its (PEN, ID) must agree, or classification is wrong */
        if (!ie || ie->ent != ies[i].ent || ie->num != ies[i].id) {
            fbTemplateFreeUnused(t);
            return ERR_SET(err, ERR_INTERNAL, "ipfix: element %s is not %u/%u in the model",
                           ies[i].name, ies[i].ent, ies[i].id);
        }
        spec[i] = (fbInfoElementSpec_t){(char *)ies[i].name, ies[i].len, 0};
    }
    spec[n] = (fbInfoElementSpec_t)FB_IESPEC_NULL;
    if (!fbTemplateAppendSpecArray(t, spec, 0, &gerr) ||
        !fbSessionAddTemplate(s, TRUE, tid, t, &gerr)) {
        int rc = ERR_SET(err, ERR_INTERNAL, "ipfix: internal template %#x: %s", tid, gerr->message);

        g_clear_error(&gerr);
        if (!fbSessionGetTemplate(s, TRUE, tid, NULL))
            fbTemplateFreeUnused(t);
        return rc;
    }
    if (fbTemplateGetIELenOfMemBuffer(t) != struct_size)
        return ERR_SET(err, ERR_INTERNAL, "ipfix: internal template %#x is %u bytes, struct %zu",
                       tid, fbTemplateGetIELenOfMemBuffer(t), struct_size);
    if (out)
        *out = t;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Fast decoder: the scanner's visitor (ipfix_scan.h)                        */

static void
fast_begin_flow(void *ctx)
{
    struct ipfix_reader *r = ctx;

    r->nrr = r->committed_rr; /* DNS records of a damaged flow record are void */
}

static void
fast_dns(void *ctx, const struct ipfix_rec *rec)
{
    struct ipfix_reader *r = ctx;

    if (r->nrr == r->cap_rrs) {
        r->cap_rrs = r->cap_rrs ? 2 * r->cap_rrs : 64;
        r->rrs = mem_realloc(r->rrs, r->cap_rrs * sizeof(*r->rrs));
    }
    ipfix_fast_rr(rec, &r->rrs[r->nrr++]);
}

static void
fast_flow(void *ctx, const struct ipfix_rec *rec)
{
    struct ipfix_reader *r = ctx;
    struct flow *f;

    if (r->nflows == r->cap_flows) {
        r->cap_flows = r->cap_flows ? 2 * r->cap_flows : 64;
        r->flows = mem_realloc(r->flows, r->cap_flows * sizeof(*r->flows));
        r->rr0 = mem_realloc(r->rr0, r->cap_flows * sizeof(*r->rr0));
    }
    f = &r->flows[r->nflows];
    ipfix_fast_flow(rec, f);
    f->ndns = (uint32_t)(r->nrr - r->committed_rr);
    r->rr0[r->nflows++] = (uint32_t)r->committed_rr;
    r->committed_rr = r->nrr;
}

static void
fast_other(void *ctx)
{
    struct ipfix_reader *r = ctx;

    r->st.other_records++;
}

/* fixbuf_open() - the libfixbuf session of a reader; 0 or -code. */
static int
fixbuf_open(struct ipfix_reader *r, struct err *err)
{
    fbSession_t *s = fbSessionAlloc(r->m->im);

    if (add_internal(s, TID_FLOW, ipfix_int_flow, IPFIX_INT_FLOW_N, sizeof(struct frec),
                     &r->flow_tmpl, err) ||
        add_internal(s, TID_WRAP, ipfix_int_wrap, IPFIX_INT_WRAP_N, sizeof(struct wrec), NULL,
                     err) ||
        add_internal(s, TID_DNS, ipfix_int_dns, IPFIX_INT_DNS_N, sizeof(struct drec), NULL, err) ||
        add_internal(s, TID_SKIP, ipfix_int_skip, IPFIX_INT_SKIP_N, 1, NULL, err)) {
        fbSessionFree(s);
        return -ERR_INTERNAL;
    }
    fbSessionAddNewTemplateCallback(s, new_template, NULL);
    r->fb = fBufAllocForCollection(s, NULL); /* owns s from here on */
    fBufSetAutomaticMode(r->fb, FALSE);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Open / close                                                              */

struct ipfix_reader *
ipfix_reader_open(struct ipfix_model *m, const char *path, struct err *err)
{
    struct ipfix_reader *r;
    struct stat sb;
    int is_stdin = strcmp(path, IPFIX_READER_STDIN) == 0;
    int fd = is_stdin ? dup(STDIN_FILENO) : open(path, O_RDONLY);

    if (is_stdin)
        path = IPFIX_READER_STDIN_NAME;
    if (fd < 0) {
        ERR_SET_ERRNO(err, errno, "%s: cannot open", path);
        return NULL;
    }
    if (fstat(fd, &sb) != 0 || S_ISDIR(sb.st_mode)) {
        int e = errno;

        if (fstat(fd, &sb) == 0)
            e = EISDIR;
        ERR_SET_ERRNO(err, e, "%s: cannot read", path);
        close(fd);
        return NULL;
    }
    r = mem_calloc(1, sizeof(*r));
    r->m = m;
    r->src = bytesrc_open(fd, path);
    r->path = mem_strdup(path);
    r->st.file_bytes = S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0;
    if (m->spare.buf) { /* the buffers of the thread's previous file */
        r->buf = m->spare.buf;
        r->scan = m->spare.scan;
        r->rrs = m->spare.rrs;
        r->cap_rrs = m->spare.cap_rrs;
        r->flows = m->spare.flows;
        r->rr0 = m->spare.rr0;
        r->cap_flows = m->spare.cap_flows;
        memset(&m->spare, 0, sizeof(m->spare));
    } else {
        r->buf = mem_alloc(READ_BUF_CAP);
        r->scan = ipfix_scan_create();
    }
    r->fast = m->dec == IPFIX_DECODER_FAST;
    if (r->fast) {
        const struct ipfix_visitor v = {fast_begin_flow, fast_dns, fast_flow, fast_other, r};

        ipfix_scan_visit(r->scan, &v);
    } else if (fixbuf_open(r, err)) {
        err_prefix(err, "%s", path);
        ipfix_reader_close(r);
        return NULL;
    }
    return r;
}

/* reader_mem_release() - the buffers of `r` back to its model, or freed if it has some. */
static void
reader_mem_release(struct ipfix_reader *r)
{
    struct reader_mem mem = {r->buf, r->scan, r->rrs, r->cap_rrs, r->flows, r->rr0, r->cap_flows};

    if (!r->m->spare.buf && mem.buf && mem.scan) {
        ipfix_scan_reset(mem.scan);
        r->m->spare = mem;
    } else {
        reader_mem_free(&mem);
    }
}

void
ipfix_reader_close(struct ipfix_reader *r)
{
    if (!r)
        return;
    if (r->live)
        fBufListFree(r->flow_tmpl, (uint8_t *)&r->rec);
    if (r->fb)
        fBufFree(r->fb); /* also frees the session */
    bytesrc_close(r->src);
    reader_mem_release(r);
    mem_free(r->path);
    mem_free(r);
}

const struct ipfix_read_stats *
ipfix_reader_stats(const struct ipfix_reader *r)
{
    return &r->st;
}

/* ------------------------------------------------------------------------ */
/* Framing                                                                   */

/* fill() - makes at least `need` unread bytes available unless the file ends. */
static int
fill(struct ipfix_reader *r, size_t need, struct err *err)
{
    while (r->end - r->beg < need && !r->eof) {
        size_t n;
        int rc;

        if (r->beg > 0 && READ_BUF_CAP - r->end < need) {
            memmove(r->buf, r->buf + r->beg, r->end - r->beg);
            r->buf_off += r->beg;
            r->end -= r->beg;
            r->beg = 0;
        }
        /* Plain bytes, or gzip / zstd decompressed on the way (bytesrc.h). */
        rc = bytesrc_read(r->src, r->buf + r->end, READ_BUF_CAP - r->end, &n, err);
        if (rc)
            return rc;
        if (n == 0)
            r->eof = 1;
        r->end += n;
    }
    return 0;
}

/* off_word() - how offsets into the data are named: compressed files count decompressed bytes. */
static const char *
off_word(const struct ipfix_reader *r)
{
    return bytesrc_kind(r->src) == BYTESRC_PLAIN ? "offset" : "decompressed offset";
}

static uint16_t
rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* note_damage() - counts `n` damages; the first of the file is described. */
static void
note_damage(struct ipfix_reader *r, uint32_t n, uint64_t off, const char *what)
{
    if (!n)
        return;
    if (!r->st.damaged)
        snprintf(r->st.first_damage, sizeof(r->st.first_damage), "%s %llu: %s", off_word(r),
                 (unsigned long long)off, what);
    r->st.damaged += n;
}

/*
 * load_message() - frames the next message, checks it and hands it to
 * libfixbuf. Returns 1, 0 at a clean end of file, or -code (fatal).
 */
static int
load_message(struct ipfix_reader *r, struct err *err)
{
    for (;;) {
        struct ipfix_scan_result res;
        uint64_t off;
        size_t avail, mlen;
        uint8_t *p;
        int rc = fill(r, 16, err);

        if (rc)
            return rc;
        avail = r->end - r->beg;
        p = r->buf + r->beg;
        off = r->buf_off + r->beg;
        if (avail == 0)
            return 0;
        if (rd16(p) != 10 && avail >= 2)
            return ERR_SET(err, ERR_FORMAT, "%s: %s %llu: not an IPFIX message (version %#06x)",
                           r->path, off_word(r), (unsigned long long)off, rd16(p));
        if (avail < 16)
            return ERR_SET(err, ERR_FORMAT,
                           "%s: %s %llu: truncated message header (%zu bytes at end of file)",
                           r->path, off_word(r), (unsigned long long)off, avail);
        mlen = rd16(p + 2);
        if (mlen < 16)
            return ERR_SET(err, ERR_FORMAT, "%s: %s %llu: message length %zu is below 16", r->path,
                           off_word(r), (unsigned long long)off, mlen);
        rc = fill(r, mlen, err);
        if (rc)
            return rc;
        p = r->buf + r->beg; /* fill() may have moved the bytes */
        off = r->buf_off + r->beg;
        avail = r->end - r->beg;
        if (avail < mlen)
            return ERR_SET(err, ERR_FORMAT,
                           "%s: %s %llu: truncated message (length %zu, file ends after %zu bytes)",
                           r->path, off_word(r), (unsigned long long)off, mlen, avail);
        r->beg += mlen;
        r->msg_off = off;
        r->st.messages++;

        r->nflows = r->next_flow = r->nrr = r->committed_rr = 0;
        ipfix_scan_message(r->scan, p, mlen, off, &res); /* fast: decodes too */
        r->st.unknown_sets += res.unknown_sets;
        note_damage(r, res.damaged, res.damage_off, res.damage_what);
        if (res.skip)
            continue; /* nothing of it is decoded (IPFIX_MAX_DOMAINS) */
        if (r->fast) {
            if (r->nflows == 0)
                continue;
            for (size_t i = 0; i < r->nflows; i++)
                r->flows[i].dns = r->flows[i].ndns ? r->rrs + r->rr0[i] : NULL;
            return 1;
        }
        fBufSetBuffer(r->fb, res.msg, res.len);
        return 1;
    }
}

/* ------------------------------------------------------------------------ */
/* Records                                                                   */

static void
add_rr(struct ipfix_reader *r, const struct drec *q, uint32_t *n)
{
    static const uint8_t empty[1];
    struct dns_rr *d;

    if (*n == r->cap_rrs) {
        r->cap_rrs = r->cap_rrs ? 2 * r->cap_rrs : 16;
        r->rrs = mem_realloc(r->rrs, r->cap_rrs * sizeof(*r->rrs));
    }
    d = &r->rrs[(*n)++];
    d->name = q->name.len ? q->name.buf : empty;
    d->name_len = (uint32_t)q->name.len;
    d->ttl = q->ttl;
    d->rrtype = q->rrtype;
    d->id = q->id;
    d->qr = q->qr;
    d->rcode = q->rcode;
    d->section = q->section;
    d->aa = q->aa;
}

static void
add_stl(struct ipfix_reader *r, const fbSubTemplateList_t *stl, uint32_t *n)
{
    const struct drec *q = NULL;

    if (stl->tmplID != TID_DNS)
        return;
    while ((q = fbSubTemplateListGetNextPtr(stl, (void *)(uintptr_t)q)))
        add_rr(r, q, n);
}

/* add_stml() - YAF 2.x: STML -> 0xCE00 wrapper records -> STL of DNS records (or DNS directly). */
static void
add_stml(struct ipfix_reader *r, fbSubTemplateMultiList_t *stml, uint32_t *n)
{
    fbSubTemplateMultiListEntry_t *e = NULL;

    while ((e = fbSubTemplateMultiListGetNextEntry(stml, e))) {
        if (e->tmplID == TID_WRAP) {
            const struct wrec *w = NULL;

            while ((w = fbSubTemplateMultiListEntryNextDataPtr(e, (void *)(uintptr_t)w)))
                add_stl(r, &w->list, n);
        } else if (e->tmplID == TID_DNS) {
            const struct drec *q = NULL;

            while ((q = fbSubTemplateMultiListEntryNextDataPtr(e, (void *)(uintptr_t)q)))
                add_rr(r, q, n);
        }
    }
}

/* to_flow() - r->rec (flags from its template) into r->flow. */
static void
to_flow(struct ipfix_reader *r, uint32_t fl)
{
    struct frec *x = &r->rec;
    struct flow *f = &r->flow;
    uint32_t n = 0;

    f->start_ms = (fl & IPFIX_F_START_MS)   ? (int64_t)x->start_ms
                  : (fl & IPFIX_F_START_US) ? ipfix_ntp_ms(x->start_us, 1)
                                            : ipfix_ntp_ms(x->start_ns, 0);
    f->end_ms = (fl & IPFIX_F_END_MS)   ? (int64_t)x->end_ms
                : (fl & IPFIX_F_END_US) ? ipfix_ntp_ms(x->end_us, 1)
                : (fl & IPFIX_F_END_NS) ? ipfix_ntp_ms(x->end_ns, 0)
                                        : 0;
    f->bytes = (fl & IPFIX_F_OCT_TOTAL) ? x->oct_total : x->oct_delta;
    f->packets = (fl & IPFIX_F_PKT_TOTAL) ? x->pkt_total : x->pkt_delta;
    f->rev_bytes = (fl & IPFIX_F_ROCT_TOTAL) ? x->roct_total : x->roct_delta;
    f->rev_packets = (fl & IPFIX_F_RPKT_TOTAL) ? x->rpkt_total : x->rpkt_delta;
    if (fl & IPFIX_F_V4) {
        ipfix_v4_mapped(f->sip, x->sip4);
        ipfix_v4_mapped(f->dip, x->dip4);
        f->family = FLOW_IPV4;
    } else {
        memcpy(f->sip, x->sip6, 16);
        memcpy(f->dip, x->dip6, 16);
        f->family = FLOW_IPV6;
    }
    f->sport = x->sport;
    f->dport = (fl & IPFIX_F_DPORT)   ? x->dport
               : (fl & IPFIX_F_ICMP4) ? x->icmp4
               : (fl & IPFIX_F_ICMP6) ? x->icmp6
                                      : 0;
    f->app_label = x->app;
    f->proto = x->proto;

    /* DNS records in wire order: STML (YAF 2) and yafDPIList (YAF 3) in template order */
    if ((fl & IPFIX_F_DPI) && (fl & IPFIX_F_DPI_FIRST))
        add_stl(r, &x->dpi, &n);
    if (fl & IPFIX_F_STML)
        add_stml(r, &x->stml, &n);
    if ((fl & IPFIX_F_DPI) && !(fl & IPFIX_F_DPI_FIRST))
        add_stl(r, &x->dpi, &n);
    f->ndns = n;
    f->dns = n ? r->rrs : NULL;
}

/* release() - frees the lists libfixbuf decoded into r->rec. */
static void
release(struct ipfix_reader *r)
{
    fBufListFree(r->flow_tmpl, (uint8_t *)&r->rec);
    r->live = 0;
}

/* lost() - libfixbuf refused a checked message: count it, drop the rest of it. */
static void
lost(struct ipfix_reader *r, GError **gerr)
{
    char what[ERR_MSG_LEN - 32];

    snprintf(what, sizeof(what), "message: libfixbuf: %s", (*gerr)->message);
    note_damage(r, 1, r->msg_off, what);
    g_clear_error(gerr);
    fBufRewind(r->fb);
    r->in_msg = 0;
}

static int
set_internal(struct ipfix_reader *r, uint16_t tid, GError **gerr)
{
    if (r->int_tid == tid)
        return 1;
    if (!fBufSetInternalTemplate(r->fb, tid, gerr))
        return 0;
    r->int_tid = tid;
    return 1;
}

/* fast_next() - ipfix_reader_next() for the fast decoder: flows of checked messages. */
static int
fast_next(struct ipfix_reader *r, const struct flow **flow, struct err *err)
{
    const struct flow *f;

    while (r->next_flow == r->nflows) {
        int rc;

        if (r->done)
            return 0;
        rc = load_message(r, err);
        if (rc <= 0) {
            r->done = 1;
            r->nflows = r->next_flow = 0;
            return rc;
        }
    }
    f = &r->flows[r->next_flow++];
    r->st.flows++;
    r->st.dns_rrs += f->ndns;
    *flow = f;
    return 1;
}

int
ipfix_reader_next_batch(struct ipfix_reader *r, const struct flow **flows, size_t *n,
                        struct err *err)
{
    int rc;

    if (!r->fast) {
        rc = ipfix_reader_next(r, flows, err);
        *n = rc == 1;
        return rc;
    }
    rc = fast_next(r, flows, err); /* the first, counted; then the rest of the message */
    *n = rc == 1;
    if (rc != 1)
        return rc;
    for (; r->next_flow < r->nflows; r->next_flow++, (*n)++) {
        r->st.flows++;
        r->st.dns_rrs += r->flows[r->next_flow].ndns;
    }
    return 1;
}

int
ipfix_reader_next(struct ipfix_reader *r, const struct flow **flow, struct err *err)
{
    GError *gerr = NULL;

    if (r->fast)
        return fast_next(r, flow, err);

    if (r->live)
        release(r);
    while (!r->done) {
        fbTemplate_t *tmpl;
        uint16_t tid;
        uint32_t fl;
        size_t len;

        if (!r->in_msg) {
            int rc = load_message(r, err);

            if (rc <= 0) {
                r->done = 1;
                return rc;
            }
            r->in_msg = 1;
        }
        tmpl = fBufNextCollectionTemplate(r->fb, &tid, &gerr);
        if (!tmpl) {
            if (g_error_matches(gerr, FB_ERROR_DOMAIN, FB_ERROR_EOM)) {
                g_clear_error(&gerr); /* end of this message */
                r->in_msg = 0;
            } else {
                lost(r, &gerr);
            }
            continue;
        }
        fl = (uint32_t)(uintptr_t)fbTemplateGetContext(tmpl);
        if (!fl) {
            uint8_t skip[8];

            len = sizeof(skip);
            if (!set_internal(r, TID_SKIP, &gerr) || !fBufNext(r->fb, skip, &len, &gerr)) {
                lost(r, &gerr);
                continue;
            }
            r->st.other_records++;
            continue;
        }
        len = sizeof(r->rec);
        if (!set_internal(r, TID_FLOW, &gerr)) {
            lost(r, &gerr);
            continue;
        }
        if (!fBufNext(r->fb, (uint8_t *)&r->rec, &len, &gerr)) {
            release(r);
            lost(r, &gerr);
            continue;
        }
        r->live = 1;
        to_flow(r, fl);
        r->st.flows++;
        r->st.dns_rrs += r->flow.ndns;
        *flow = &r->flow;
        return 1;
    }
    return 0;
}
