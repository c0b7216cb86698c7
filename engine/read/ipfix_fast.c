/*
 * ipfix_fast.c - see ipfix_fast.h.
 */
#include "ipfix_fast.h"

#include <stddef.h>
#include <string.h>

#include "ipfix_conv.h"

/* value() - where element `sl` is in record `r` and how long; 0 bytes when absent. */
static inline const uint8_t *
value(const struct ipfix_rec *r, const struct ipfix_slot *sl, uint32_t *len)
{
    if (sl->idx < 0) {
        *len = 0;
        return NULL;
    }
    if (sl->off >= 0) {
        *len = sl->len;
        return r->p + sl->off;
    }
    if (sl->len == IPFIX_VARLEN) {
        *len = r->vl[sl->var];
        return r->vs[sl->var];
    }
    *len = sl->len; /* a fixed field after varlen field var - 1 */
    return r->vs[sl->var - 1] + r->vl[sl->var - 1] + sl->voff;
}

/* be() - an "endian" element of `size` bytes in the C struct, as libfixbuf transcodes it. */
static inline uint64_t
be(const struct ipfix_rec *r, const struct ipfix_slot *sl, uint32_t size)
{
    uint32_t len;
    const uint8_t *p = value(r, sl, &len);
    uint64_t v = 0;

    if (len == size) { /* the usual case */
        switch (size) {
        case 8: {
            uint64_t x;

            memcpy(&x, p, 8);
            return __builtin_bswap64(x);
        }
        case 4: {
            uint32_t x;

            memcpy(&x, p, 4);
            return __builtin_bswap32(x);
        }
        case 2:
            return (uint64_t)p[0] << 8 | p[1];
        default:
            break;
        }
    }
    if (len > size) { /* keep the low-order bytes */
        p += len - size;
        len = size;
    }
    for (uint32_t i = 0; i < len; i++)
        v = v << 8 | p[i];
    return v;
}

/* byte() - a one-byte element: not "endian", so a longer wire field gives its first byte. */
static inline uint8_t
byte(const struct ipfix_rec *r, const struct ipfix_slot *sl)
{
    uint32_t len;
    const uint8_t *p = value(r, sl, &len);

    return len ? p[0] : 0;
}

/* octets() - an octet-array element of 16 bytes (IPv6 address). */
static inline void
octets16(const struct ipfix_rec *r, const struct ipfix_slot *sl, uint8_t out[16])
{
    uint32_t len;
    const uint8_t *p = value(r, sl, &len);

    if (len >= 16) {
        memcpy(out, p, 16);
        return;
    }
    memset(out, 0, 16);
    if (len)
        memcpy(out, p, len);
}

/* ------------------------------------------------------------------------ */
/* The specialised path: offsets and lengths settled when the template came   */

/* src_be() - an "endian" element of `size` bytes from `sl`; 0 when it is not at a constant offset.
 */
static int
src_be(const struct ipfix_slot *sl, uint32_t size, struct ipfix_src *out)
{
    uint32_t off, len;

    *out = (struct ipfix_src){.len = 0};
    if (sl->idx < 0)
        return 1; /* absent: reads 0 */
    if (sl->off < 0 || sl->len == IPFIX_VARLEN)
        return 0;
    off = (uint32_t)sl->off;
    len = sl->len;
    if (len > size) { /* keep the low-order bytes (be()) */
        off += len - size;
        len = size;
    }
    if (off > UINT16_MAX)
        return 0;
    *out = (struct ipfix_src){.off = (uint16_t)off, .len = (uint8_t)len};
    return 1;
}

/* src_byte() - a one-byte element: its first byte (byte()). */
static int
src_byte(const struct ipfix_slot *sl, struct ipfix_src *out)
{
    if (!src_be(sl, 8, out)) /* where it is (the offset of its first byte when <= 8 bytes) */
        return 0;
    if (sl->idx >= 0 && sl->len > 8)
        return 0;
    if (out->len > 1)
        out->len = 1;
    return 1;
}

/* src_octets16() - an IPv6 address: its first 16 bytes, or absent; shorter ones take the general
 * path. */
static int
src_octets16(const struct ipfix_slot *sl, struct ipfix_src *out)
{
    *out = (struct ipfix_src){.len = 0};
    if (sl->idx < 0)
        return 1;
    if (sl->off < 0 || sl->len == IPFIX_VARLEN || sl->len < 16 || sl->off > UINT16_MAX)
        return 0;
    *out = (struct ipfix_src){.off = (uint16_t)sl->off, .len = 16};
    return 1;
}

/* src_pos() - pos and mask of `x` (struct ipfix_src). */
static void
src_pos(struct ipfix_src *x)
{
    if (x->len == 0 || x->len > 8) {
        x->pos = -8;
        x->mask = 0;
        return;
    }
    x->pos = (int32_t)x->off + x->len - 8;
    x->mask = x->len == 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * x->len)) - 1;
}

/* dns_var() - the base a fixed DNS slot `sl` is at: -1 the record start, k after varlen k. */
static int
dns_var(const struct ipfix_slot *sl)
{
    return sl->off >= 0 ? -1 : (int)sl->var - 1;
}

/*
 * dns_src() - where DNS slot `sl` reads from as a part of `size` bytes (`one`: a one-byte part,
 * byte(); else an "endian" one, be()), from base `base` (dns_var()), settled once (struct
 * ipfix_dns_src); 0 when its records need the general path: a varlen field, or one at another
 * base.
 */
static int
dns_src(const struct ipfix_slot *sl, uint32_t size, int one, int base, struct ipfix_dns_src *out)
{
    uint32_t off, take;

    *out = (struct ipfix_dns_src){.pos = -4, .mask = 0};
    if (sl->idx < 0 || sl->len == 0) /* absent, or 0 bytes: value() gives 0 bytes, reads 0 */
        return 1;
    if (sl->len == IPFIX_VARLEN || dns_var(sl) != base)
        return 0;
    /* where the field starts (value()) */
    off = sl->off >= 0 ? (uint32_t)sl->off : sl->voff;
    if (one) { /* byte(): the first byte */
        take = 1;
        off += 1;
    } else { /* be(): the last min(len, size) bytes, big-endian */
        take = sl->len < size ? sl->len : size;
        off += sl->len;
    }
    out->pos = (int32_t)off - 4;
    out->mask = take >= 4 ? ~(uint32_t)0 : ((uint32_t)1 << (8 * take)) - 1;
    return 1;
}

/* compile_dns() - plan->dns_fixed (struct ipfix_dns_fixed) from the plan's DNS slots. */
static void
compile_dns(struct ipfix_plan *plan)
{
    static const struct {
        uint8_t idx, size, one;
        uint32_t part;
        size_t at; /* offsetof the part's struct ipfix_dns_src */
    } P[] = {
        {IPFIX_ID_TYPE, 2, 0, IPFIX_NEED_DNS_TYPE, offsetof(struct ipfix_dns_fixed, type)},
        {IPFIX_ID_TTL, 4, 0, IPFIX_NEED_DNS_TTL, offsetof(struct ipfix_dns_fixed, ttl)},
        {IPFIX_ID_ID, 2, 0, IPFIX_NEED_DNS_ID, offsetof(struct ipfix_dns_fixed, id)},
        {IPFIX_ID_QR, 1, 1, IPFIX_NEED_DNS_QR, offsetof(struct ipfix_dns_fixed, qr)},
        {IPFIX_ID_AA, 1, 1, IPFIX_NEED_DNS_AA, offsetof(struct ipfix_dns_fixed, aa)},
        {IPFIX_ID_RCODE, 1, 1, IPFIX_NEED_DNS_RCODE, offsetof(struct ipfix_dns_fixed, rcode)},
        {IPFIX_ID_SECTION, 1, 1, IPFIX_NEED_DNS_SECTION, offsetof(struct ipfix_dns_fixed, section)},
    };
    const struct ipfix_slot *s = plan->dns, *n = &s[IPFIX_ID_NAME];
    struct ipfix_dns_fixed *x = &plan->dns_fixed;
    uint32_t parts = 0;
    int base = -2;

    memset(x, 0, sizeof(*x));
    x->name_var = -1;
    if (n->idx < 0) { /* absent: an empty name */
        parts |= IPFIX_NEED_DNS_NAME;
    } else if (n->len == IPFIX_VARLEN && n->var < IPFIX_DNS_FIXED_VARS) { /* at vs[var], vl[var] */
        x->name_var = (int8_t)n->var;
        parts |= IPFIX_NEED_DNS_NAME;
    }
    /* the base: the type's, else the first part present's, when within the noted varlens */
    for (size_t i = 0; i < sizeof(P) / sizeof(P[0]) && base == -2; i++) {
        const struct ipfix_slot *sl = &s[P[i].idx];

        if (sl->idx >= 0 && sl->len != 0 && sl->len != IPFIX_VARLEN)
            base = dns_var(sl);
    }
    if (base >= IPFIX_DNS_FIXED_VARS)
        base = -2; /* no part is at a base the walk notes */
    x->base = (int8_t)(base == -2 ? -1 : base);
    for (size_t i = 0; i < sizeof(P) / sizeof(P[0]); i++)
        if (dns_src(&s[P[i].idx], P[i].size, P[i].one, base,
                    (struct ipfix_dns_src *)(void *)((uint8_t *)x + P[i].at)))
            parts |= P[i].part;
    x->parts = parts;
}

void
ipfix_fast_compile(struct ipfix_plan *plan, uint32_t fl)
{
    const struct ipfix_slot *s = plan->flow;
    struct ipfix_fixed *x = &plan->fixed;
    int ok = 1;

    compile_dns(plan);
    memset(x, 0, sizeof(*x));
    if (!(fl & IPFIX_F_FLOW))
        return;
    x->start_kind = (uint8_t)ipfix_start_kind(fl);
    x->end_kind = (uint8_t)ipfix_end_kind(fl);
    /* seconds, sysUpTime and delta times (no exporter of DNS DPI writes them): the general path */
    if (x->start_kind > IPFIX_T_NS || x->end_kind > IPFIX_T_NS)
        ok = 0;
    else
        ok &= src_be(&s[ipfix_time_idx((enum ipfix_tkind)x->start_kind, 1)], 8, &x->start);
    if (ok && x->end_kind != IPFIX_T_NONE)
        ok &= src_be(&s[ipfix_time_idx((enum ipfix_tkind)x->end_kind, 0)], 8, &x->end);
    ok &= src_be(&s[(fl & IPFIX_F_OCT_TOTAL) ? IPFIX_IF_OCT_TOTAL : IPFIX_IF_OCT_DELTA], 8,
                 &x->bytes);
    ok &= src_be(&s[(fl & IPFIX_F_PKT_TOTAL) ? IPFIX_IF_PKT_TOTAL : IPFIX_IF_PKT_DELTA], 8,
                 &x->packets);
    ok &= src_be(&s[(fl & IPFIX_F_ROCT_TOTAL) ? IPFIX_IF_ROCT_TOTAL : IPFIX_IF_ROCT_DELTA], 8,
                 &x->rev_bytes);
    ok &= src_be(&s[(fl & IPFIX_F_RPKT_TOTAL) ? IPFIX_IF_RPKT_TOTAL : IPFIX_IF_RPKT_DELTA], 8,
                 &x->rev_packets);
    x->v4 = (fl & IPFIX_F_V4) != 0;
    if (x->v4) {
        ok &= src_be(&s[IPFIX_IF_SIP4], 4, &x->sip);
        ok &= src_be(&s[IPFIX_IF_DIP4], 4, &x->dip);
    } else {
        ok &= src_octets16(&s[IPFIX_IF_SIP6], &x->sip);
        ok &= src_octets16(&s[IPFIX_IF_DIP6], &x->dip);
    }
    ok &= src_be(&s[IPFIX_IF_SPORT], 2, &x->sport);
    if (fl & (IPFIX_F_DPORT | IPFIX_F_ICMP4 | IPFIX_F_ICMP6))
        ok &= src_be(&s[(fl & IPFIX_F_DPORT)   ? IPFIX_IF_DPORT
                        : (fl & IPFIX_F_ICMP4) ? IPFIX_IF_ICMP4
                                               : IPFIX_IF_ICMP6],
                     2, &x->dport);
    ok &= src_be(&s[IPFIX_IF_APP], 2, &x->app);
    ok &= src_byte(&s[IPFIX_IF_PROTO], &x->proto);
    {
        struct ipfix_src *all[] = {&x->start,     &x->end,         &x->bytes, &x->packets,
                                   &x->rev_bytes, &x->rev_packets, &x->sip,   &x->dip,
                                   &x->sport,     &x->dport,       &x->app,   &x->proto};

        for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
            src_pos(all[i]);
    }
    x->ok = (uint8_t)ok;
}

#define LD(p, src) ipfix_fast_ld((p), &(src))

static inline int64_t
fixed_time(const uint8_t *p, struct ipfix_src src, uint8_t kind)
{
    uint64_t v = LD(p, src);

    return kind == IPFIX_T_MS ? (int64_t)v : ipfix_ntp_ms(v, kind == IPFIX_T_US);
}

/* fixed_flow() - ipfix_fast_flow() by the specialised plan `x`. */
static inline void
fixed_flow(const uint8_t *p, const struct ipfix_fixed *x, struct flow *f, uint32_t need)
{
    if (need & IPFIX_NEED_TIME) {
        f->start_ms = fixed_time(p, x->start, x->start_kind);
        f->end_ms = x->end_kind == IPFIX_T_NONE ? 0 : fixed_time(p, x->end, x->end_kind);
    }
    if (need & IPFIX_NEED_COUNTS) {
        f->bytes = LD(p, x->bytes);
        f->packets = LD(p, x->packets);
    }
    if (need & IPFIX_NEED_REV) {
        f->rev_bytes = LD(p, x->rev_bytes);
        f->rev_packets = LD(p, x->rev_packets);
    }
    f->family = x->v4 ? FLOW_IPV4 : FLOW_IPV6;
    if (!(need & IPFIX_NEED_ADDRS)) {
    } else if (x->v4) {
        ipfix_v4_mapped(f->sip, (uint32_t)LD(p, x->sip));
        ipfix_v4_mapped(f->dip, (uint32_t)LD(p, x->dip));
    } else {
        if (x->sip.len)
            memcpy(f->sip, p + x->sip.off, 16);
        else
            memset(f->sip, 0, 16);
        if (x->dip.len)
            memcpy(f->dip, p + x->dip.off, 16);
        else
            memset(f->dip, 0, 16);
    }
    if (need & IPFIX_NEED_PORTS) {
        f->sport = (uint16_t)LD(p, x->sport);
        f->dport = (uint16_t)LD(p, x->dport);
    }
    if (need & IPFIX_NEED_APP)
        f->app_label = (uint16_t)LD(p, x->app);
    if (need & IPFIX_NEED_PROTO)
        f->proto = (uint8_t)LD(p, x->proto);
}

int
ipfix_fast_ms_bad_general(const struct ipfix_rec *r, uint64_t *ms)
{
    const struct ipfix_slot *s = r->plan->flow;

    if ((r->flow_flags & IPFIX_F_START_MS) && (*ms = be(r, &s[IPFIX_IF_START_MS], 8)) >> 63)
        return 152;
    if ((r->flow_flags & IPFIX_F_END_MS) && (*ms = be(r, &s[IPFIX_IF_END_MS], 8)) >> 63)
        return 153;
    /* systemInitTimeMilliseconds + a sysUpTime (< 2^32): no wrap while the first is < 2^63 */
    for (int start = 1; start >= 0; start--) {
        if ((start ? ipfix_start_kind(r->flow_flags) : ipfix_end_kind(r->flow_flags)) != IPFIX_T_UP)
            continue;
        if ((*ms = be(r, &s[IPFIX_IF_SYSINIT], 8)) >> 63)
            return 160;
        if ((*ms += be(r, &s[start ? IPFIX_IF_START_UP : IPFIX_IF_END_UP], 4)) >> 63)
            return start ? 22 : 21;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* The general path                                                          */

/* general_time() - the start (`start` 1) or end time of kind `k` of record `r`, Unix ms. */
static int64_t
general_time(const struct ipfix_rec *r, enum ipfix_tkind k, int start)
{
    const struct ipfix_slot *s = r->plan->flow;
    int idx = ipfix_time_idx(k, start);

    if (idx < 0)
        return 0;
    return ipfix_time_ms(k, be(r, &s[idx], ipfix_time_size(k)),
                         k == IPFIX_T_UP ? be(r, &s[IPFIX_IF_SYSINIT], 8) : 0, r->export_s);
}

void
ipfix_fast_flow(const struct ipfix_rec *r, struct flow *f, uint32_t need)
{
    const struct ipfix_slot *s = r->plan->flow;
    uint32_t fl = r->flow_flags;

    if (r->plan->fixed.ok) {
        fixed_flow(r->p, &r->plan->fixed, f, need);
        return;
    }

    if (need & IPFIX_NEED_TIME) {
        f->start_ms = general_time(r, ipfix_start_kind(fl), 1);
        f->end_ms = general_time(r, ipfix_end_kind(fl), 0);
    }
    if (need & IPFIX_NEED_COUNTS) {
        f->bytes = be(r, &s[(fl & IPFIX_F_OCT_TOTAL) ? IPFIX_IF_OCT_TOTAL : IPFIX_IF_OCT_DELTA], 8);
        f->packets =
            be(r, &s[(fl & IPFIX_F_PKT_TOTAL) ? IPFIX_IF_PKT_TOTAL : IPFIX_IF_PKT_DELTA], 8);
    }
    if (need & IPFIX_NEED_REV) {
        f->rev_bytes =
            be(r, &s[(fl & IPFIX_F_ROCT_TOTAL) ? IPFIX_IF_ROCT_TOTAL : IPFIX_IF_ROCT_DELTA], 8);
        f->rev_packets =
            be(r, &s[(fl & IPFIX_F_RPKT_TOTAL) ? IPFIX_IF_RPKT_TOTAL : IPFIX_IF_RPKT_DELTA], 8);
    }
    f->family = (fl & IPFIX_F_V4) ? FLOW_IPV4 : FLOW_IPV6;
    if (!(need & IPFIX_NEED_ADDRS)) {
    } else if (fl & IPFIX_F_V4) {
        ipfix_v4_mapped(f->sip, (uint32_t)be(r, &s[IPFIX_IF_SIP4], 4));
        ipfix_v4_mapped(f->dip, (uint32_t)be(r, &s[IPFIX_IF_DIP4], 4));
    } else {
        octets16(r, &s[IPFIX_IF_SIP6], f->sip);
        octets16(r, &s[IPFIX_IF_DIP6], f->dip);
    }
    if (need & IPFIX_NEED_PORTS) {
        f->sport = (uint16_t)be(r, &s[IPFIX_IF_SPORT], 2);
        f->dport = (fl & IPFIX_F_DPORT)   ? (uint16_t)be(r, &s[IPFIX_IF_DPORT], 2)
                   : (fl & IPFIX_F_ICMP4) ? (uint16_t)be(r, &s[IPFIX_IF_ICMP4], 2)
                   : (fl & IPFIX_F_ICMP6) ? (uint16_t)be(r, &s[IPFIX_IF_ICMP6], 2)
                                          : 0;
    }
    if (need & IPFIX_NEED_APP)
        f->app_label = (uint16_t)be(r, &s[IPFIX_IF_APP], 2);
    if (need & IPFIX_NEED_PROTO)
        f->proto = byte(r, &s[IPFIX_IF_PROTO]);
}

void
ipfix_fast_rr(const struct ipfix_rec *r, struct dns_rr *d, uint32_t need)
{
    static const uint8_t empty[1];
    const struct ipfix_slot *s = r->plan->dns;

    if (need & IPFIX_NEED_DNS_NAME) {
        uint32_t len;
        const uint8_t *name = value(r, &s[IPFIX_ID_NAME], &len);

        d->name = len ? name : empty;
        d->name_len = len;
    } else {
        d->name = empty;
        d->name_len = 0;
    }
    d->rrtype = (need & IPFIX_NEED_DNS_TYPE) ? (uint16_t)be(r, &s[IPFIX_ID_TYPE], 2) : 0;
    if (!(need & ~(uint32_t)(IPFIX_NEED_DNS_NAME | IPFIX_NEED_DNS_TYPE))) { /* dns-names' */
        d->ttl = 0;
        d->id = 0;
        d->qr = d->rcode = d->section = d->aa = 0;
        return;
    }
    d->ttl = (need & IPFIX_NEED_DNS_TTL) ? (uint32_t)be(r, &s[IPFIX_ID_TTL], 4) : 0;
    d->id = (need & IPFIX_NEED_DNS_ID) ? (uint16_t)be(r, &s[IPFIX_ID_ID], 2) : 0;
    d->qr = (need & IPFIX_NEED_DNS_QR) ? byte(r, &s[IPFIX_ID_QR]) : 0;
    d->rcode = (need & IPFIX_NEED_DNS_RCODE) ? byte(r, &s[IPFIX_ID_RCODE]) : 0;
    d->section = (need & IPFIX_NEED_DNS_SECTION) ? byte(r, &s[IPFIX_ID_SECTION]) : 0;
    d->aa = (need & IPFIX_NEED_DNS_AA) ? byte(r, &s[IPFIX_ID_AA]) : 0;
}
