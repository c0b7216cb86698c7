/*
 * ipfix_fixbuf.c - the libfixbuf decoder of the reader (--decoder fixbuf, the
 * reference), moved out of ipfix_read.c (whose header comment describes the
 * design). A checked message is handed to libfixbuf with fBufSetBuffer();
 * libfixbuf transcodes each top-level record into the internal template
 * TID_FLOW and decodes the DNS lists through the template pairs registered by
 * new_template(); to_flow() turns the result into struct flow.
 */
#include <stdio.h>
#include <string.h>

#include <fixbuf/public.h>

#include "ipfix_conv.h"
#include "ipfix_read_int.h"
#include "mem.h"

/* libfixbuf 2.4.1 exports this but declares it only in fixbuf/private.h. */
void fBufRewind(fBuf_t *fbuf);

/* ------------------------------------------------------------------------ */
/* Session set-up                                                            */

/* The internal template a list template of each class decodes into (0: not decoded). */
static const uint16_t pair_tid[] = {
    [IPFIX_PAIR_NONE] = 0, [IPFIX_PAIR_WRAP] = TID_WRAP, [IPFIX_PAIR_DNS] = TID_DNS};

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

/*
 * ipfix_fixbuf_set_pairs() - libfixbuf decodes a list by the pair of its
 * template ID, and keeps one pair table per session: a template of the same ID
 * in another observation domain (defined, redefined or withdrawn there) would
 * decide how this domain's lists decode. So before a message is decoded, the
 * pairs of the list templates it uses are set to what they are in its own
 * domain, as the scanner found them (and as the fast decoder decodes).
 */
void
ipfix_fixbuf_set_pairs(struct ipfix_reader *r, const struct ipfix_scan_result *res)
{
    fbSession_t *s = fBufGetSession(r->fb);

    for (size_t i = 0; i < res->nlist; i++)
        fbSessionAddTemplatePair(s, res->list_tid[i], pair_tid[res->list_pair[i]]);
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

/* ipfix_fixbuf_open() - the libfixbuf session of a reader; 0 or -code. */
int
ipfix_fixbuf_open(struct ipfix_reader *r, struct err *err)
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

/* rec_time() - the start (`start` 1) or end time of kind `k` of r->rec, Unix ms. */
static int64_t
rec_time(const struct ipfix_reader *r, enum ipfix_tkind k, int start)
{
    const struct frec *x = &r->rec;
    uint64_t v;

    switch (k) {
    case IPFIX_T_MS:
        v = start ? x->start_ms : x->end_ms;
        break;
    case IPFIX_T_US:
        v = start ? x->start_us : x->end_us;
        break;
    case IPFIX_T_NS:
        v = start ? x->start_ns : x->end_ns;
        break;
    case IPFIX_T_S:
        v = start ? x->start_s : x->end_s;
        break;
    case IPFIX_T_UP:
        v = start ? x->start_up : x->end_up;
        break;
    case IPFIX_T_DELTA:
        v = start ? x->start_delta : x->end_delta;
        break;
    case IPFIX_T_NONE:
    default:
        return 0;
    }
    return ipfix_time_ms(k, v, x->sys_init, r->export_s);
}

/* to_flow() - r->rec (flags from its template) into r->flow. */
static void
to_flow(struct ipfix_reader *r, uint32_t fl)
{
    struct frec *x = &r->rec;
    struct flow *f = &r->flow;
    uint32_t n = 0;

    f->start_ms = rec_time(r, ipfix_start_kind(fl), 1);
    f->end_ms = rec_time(r, ipfix_end_kind(fl), 0);
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
    ipfix_read_note_damage(r, 1, r->msg_off, what);
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

/* ipfix_fixbuf_next() - ipfix_reader_next() for the libfixbuf decoder. */
int
ipfix_fixbuf_next(struct ipfix_reader *r, const struct flow **flow, struct err *err)
{
    GError *gerr = NULL;

    if (r->live)
        release(r);
    while (!r->done) {
        fbTemplate_t *tmpl;
        uint16_t tid;
        uint32_t fl;
        size_t len;

        if (!r->in_msg) {
            int rc = ipfix_read_load_message(r, err);

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
        if (r->need.keep && !r->need.keep(r->need.keep_ctx, &r->flow, &r->st.records_dropped)) {
            release(r); /* decoded whole (this decoder does not project), then dropped */
            continue;
        }
        *flow = &r->flow;
        return 1;
    }
    return 0;
}
