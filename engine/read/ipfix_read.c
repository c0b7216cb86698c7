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
 *   whole ones to fast_flow() (ipfix_scan.h's visitor), which
 *   decode them in place (ipfix_fast.c); next() then hands out the message's
 *   flows one by one. libfixbuf is not used at all.
 *   libfixbuf decoder (--decoder fixbuf, the reference; ipfix_fixbuf.c):
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
#include "ipfix_read_int.h"
#include "ipfix_scan.h"
#include "mem.h"

#ifndef FLOWSWEEP_CERT_XML
#    define FLOWSWEEP_CERT_XML "/usr/share/libfixbuf/cert_ipfix.xml"
#endif

#define READ_BUF_CAP (1u << 20) /* read buffer: >= one maximal message (65535) */

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

/* ------------------------------------------------------------------------ */
/* Model                                                                     */

/*
 * File descriptors. Running out of them (EMFILE, ENFILE) is an error of the
 * run, not damage of the file being opened: re-fetching that file would not
 * help. So that it happens the same way on every run, each model holds one
 * descriptor in reserve from its creation (before any worker reads), and a
 * reader opens its file only after giving the reserve back: the files of T
 * workers never need more descriptors than the T reserves, whatever the
 * timing. Without enough descriptors the models cannot be made and the run
 * stops before reading anything.
 */
static int
reserve_fd(void)
{
    return open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static const char *
fd_exhausted_text(int errnum)
{
    return errnum == ENFILE ? "the system is out of file descriptors (ENFILE): try again later"
                            : "too many open files (EMFILE): each worker thread holds one file; "
                              "raise the limit (ulimit -n) or use fewer threads (-t)";
}

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
    ipfix_model_need(m, NULL);
    m->reserve = reserve_fd();
    if (m->reserve < 0) {
        int e = errno;

        if (e == EMFILE || e == ENFILE)
            ERR_SET(err, ERR_LIMIT, "%s", fd_exhausted_text(e));
        else
            ERR_SET_ERRNO(err, e, "ipfix: cannot open / to reserve a file descriptor");
        ipfix_model_destroy(m);
        return NULL;
    }
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
ipfix_model_need(struct ipfix_model *m, const struct ipfix_need *need)
{
    if (need) {
        m->need = *need;
    } else {
        memset(&m->need, 0, sizeof(m->need));
        m->need.flow = IPFIX_NEED_FLOW_ALL;
        m->need.dns = IPFIX_NEED_DNS_ALL;
    }
}

void
ipfix_model_destroy(struct ipfix_model *m)
{
    if (!m)
        return;
    reader_mem_free(&m->spare);
    if (m->im)
        fbInfoModelFree(m->im);
    if (m->reserve >= 0)
        close(m->reserve);
    mem_free(m);
}

/* ------------------------------------------------------------------------ */
/* Fast decoder: the scanner's visitor (ipfix_scan.h)                        */

/*
 * fast_flow() - a whole flow record (its lists walked, its DNS records
 * counted): the fields the job reads, its keep() test, then its DNS records
 * only when the flow is kept and the job reads them (ipfix_read.h).
 */
static void
fast_flow(void *ctx, const struct ipfix_rec *rec)
{
    struct ipfix_reader *r = ctx;
    struct flow *f;

    if (r->nflows == r->cap_flows) {
        size_t old = r->cap_flows;

        r->cap_flows = r->cap_flows ? 2 * r->cap_flows : 64;
        r->flows = mem_realloc(r->flows, r->cap_flows * sizeof(*r->flows));
        r->rr0 = mem_realloc(r->rr0, r->cap_flows * sizeof(*r->rr0));
        memset(r->flows + old, 0, (r->cap_flows - old) * sizeof(*r->flows));
    }
    /*
     * What is not decoded reads as 0: a field outside need.flow | need.keep_flow is never
     * written (ipfix_fast_flow() writes each group it is asked for whole), and the array is
     * zeroed when it grows and, as far as the last reader wrote it (flows_hi), when a reader
     * takes it (ipfix_reader_open()): not per flow.
     */
    f = &r->flows[r->nflows];
    f->ndns = rec->ndns;
    if (r->need.keep) {
        /*
         * The specialised path decodes a field with one load: every field the job reads at
         * once costs less than a second call for the kept flows (most of them).
         */
        uint32_t first = rec->plan->fixed.ok ? r->need.keep_flow | r->need.flow : r->need.keep_flow;

        ipfix_fast_flow(rec, f, first);
        if (!r->need.keep(r->need.keep_ctx, f, &r->st.records_dropped)) {
            r->st.flows++;
            r->st.dns_rrs += rec->ndns;
            return;
        }
        if (r->need.flow & ~first)
            ipfix_fast_flow(rec, f, r->need.flow & ~first);
    } else {
        ipfix_fast_flow(rec, f, r->need.flow);
    }
    r->rr0[r->nflows++] = (uint32_t)r->nrr;
    if (rec->ndns && r->need.dns) {
        if (r->nrr + rec->ndns > r->cap_rrs) {
            while (r->nrr + rec->ndns > r->cap_rrs)
                r->cap_rrs = r->cap_rrs ? 2 * r->cap_rrs : 64;
            r->rrs = mem_realloc(r->rrs, r->cap_rrs * sizeof(*r->rrs));
        }
        ipfix_scan_flow_rrs(r->scan, rec, r->rrs + r->nrr, r->need.dns);
        r->nrr += rec->ndns;
    }
}

static void
fast_other(void *ctx)
{
    struct ipfix_reader *r = ctx;

    r->st.other_records++;
}

/* ------------------------------------------------------------------------ */
/* Open / close                                                              */

struct ipfix_reader *
ipfix_reader_open(struct ipfix_model *m, const char *path, struct err *err)
{
    struct ipfix_reader *r;
    struct stat sb;
    int is_stdin = strcmp(path, IPFIX_READER_STDIN) == 0;
    int fd, e;

    if (m->reserve >= 0) { /* the reserved descriptor becomes this file's */
        close(m->reserve);
        m->reserve = -1;
    }
    /*
     * O_NONBLOCK: a FIFO (or a device) swapped in since the walk must not
     * block open() forever; it is refused below. Regular files ignore it.
     */
    fd = is_stdin ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (is_stdin)
        path = IPFIX_READER_STDIN_NAME;
    if (fd < 0) {
        e = errno;
        m->reserve = reserve_fd();
        if (e == EMFILE || e == ENFILE)
            ERR_SET(err, ERR_LIMIT, "%s: cannot open: %s", path, fd_exhausted_text(e));
        else
            ERR_SET_ERRNO(err, e, "%s: cannot open", path);
        return NULL;
    }
    if (fstat(fd, &sb) != 0 || (!is_stdin && !S_ISREG(sb.st_mode))) {
        e = errno;
        if (fstat(fd, &sb) == 0)
            ERR_SET(err, ERR_IO, "%s: cannot read: not a regular file (%s)", path,
                    S_ISDIR(sb.st_mode)    ? "a directory"
                    : S_ISFIFO(sb.st_mode) ? "a FIFO"
                    : S_ISSOCK(sb.st_mode) ? "a socket"
                    : S_ISCHR(sb.st_mode)  ? "a character device"
                    : S_ISBLK(sb.st_mode)  ? "a block device"
                                           : "of another kind");
        else
            ERR_SET_ERRNO(err, e, "%s: cannot read", path);
        close(fd);
        m->reserve = reserve_fd();
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
        if (r->flows != NULL) /* the last file's flows: fast_flow() zeroes none of them */
            memset(r->flows, 0, m->spare.flows_hi * sizeof(*r->flows));
        memset(&m->spare, 0, sizeof(m->spare));
    } else {
        r->buf = mem_alloc(READ_BUF_CAP);
        r->scan = ipfix_scan_create();
    }
    r->fast = m->dec == IPFIX_DECODER_FAST;
    r->need = m->need;
    if (r->fast) {
        const struct ipfix_visitor v = {fast_flow, fast_other, r, r->need.dns != 0};

        ipfix_scan_visit(r->scan, &v);
    } else if (ipfix_fixbuf_open(r, err)) {
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
    struct reader_mem mem = {r->buf,   r->scan, r->rrs,       r->cap_rrs,
                             r->flows, r->rr0,  r->cap_flows, r->flows_hi};

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
        fBufFree(r->fb);   /* also frees the session */
    bytesrc_close(r->src); /* closes the file */
    if (r->m->reserve < 0)
        r->m->reserve = reserve_fd();
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

/* ipfix_read_note_damage() - counts `n` damages; the first of the file is described. */
void
ipfix_read_note_damage(struct ipfix_reader *r, uint32_t n, uint64_t off, const char *what)
{
    if (!n)
        return;
    if (!r->st.damaged)
        snprintf(r->st.first_damage, sizeof(r->st.first_damage), "%s %llu: %s", off_word(r),
                 (unsigned long long)off, what);
    r->st.damaged += n;
}

/*
 * ipfix_read_load_message() - frames the next message, checks it and hands it to
 * libfixbuf. Returns 1, 0 at a clean end of file, or -code (fatal).
 */
int
ipfix_read_load_message(struct ipfix_reader *r, struct err *err)
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
        r->export_s = (uint32_t)rd16(p + 4) << 16 | rd16(p + 6);
        r->st.messages++;

        r->nflows = r->next_flow = r->nrr = 0;
        ipfix_scan_message(r->scan, p, mlen, off, &res); /* fast: decodes too */
        /* fast_flow() wrote flows[0, nflows] (a dropped flow's fields in flows[nflows]) */
        if (r->nflows + 1 > r->flows_hi)
            r->flows_hi = r->nflows + 1 < r->cap_flows ? r->nflows + 1 : r->cap_flows;
        if (res.fatal) /* a template flood: IPFIX_MAX_TEMPLATE_BYTES */
            return ERR_SET(err, ERR_FORMAT, "%s: %s %llu: %s", r->path, off_word(r),
                           (unsigned long long)res.damage_off, res.damage_what);
        r->st.unknown_sets += res.unknown_sets;
        if (res.untimed && r->st.untimed == 0)
            snprintf(r->st.first_untimed, sizeof(r->st.first_untimed),
                     "template %u (observation domain %u) %s", res.untimed_tid, res.untimed_domain,
                     res.untimed_why);
        r->st.untimed += res.untimed;
        ipfix_read_note_damage(r, res.damaged, res.damage_off, res.damage_what);
        if (res.skip)
            continue; /* nothing of it is decoded (IPFIX_MAX_DOMAINS) */
        if (r->fast) {
            if (r->nflows == 0)
                continue;
            for (size_t i = 0; i < r->nflows; i++) /* NULL when none, or none decoded */
                r->flows[i].dns = r->flows[i].ndns && r->need.dns ? r->rrs + r->rr0[i] : NULL;
            return 1;
        }
        ipfix_fixbuf_set_pairs(r, &res);
        fBufSetBuffer(r->fb, res.msg, res.len);
        return 1;
    }
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
        rc = ipfix_read_load_message(r, err);
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
    if (r->fast)
        return fast_next(r, flow, err);
    return ipfix_fixbuf_next(r, flow, err);
}
