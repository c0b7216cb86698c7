/*
 * ipfix_fast.c - see ipfix_fast.h.
 */
#include "ipfix_fast.h"

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

void
ipfix_fast_flow(const struct ipfix_rec *r, struct flow *f, uint32_t need)
{
    const struct ipfix_slot *s = r->plan->flow;
    uint32_t fl = r->flow_flags;

    if (need & IPFIX_NEED_TIME) {
        f->start_ms = (fl & IPFIX_F_START_MS)   ? (int64_t)be(r, &s[IPFIX_IF_START_MS], 8)
                      : (fl & IPFIX_F_START_US) ? ipfix_ntp_ms(be(r, &s[IPFIX_IF_START_US], 8), 1)
                                                : ipfix_ntp_ms(be(r, &s[IPFIX_IF_START_NS], 8), 0);
        f->end_ms = (fl & IPFIX_F_END_MS)   ? (int64_t)be(r, &s[IPFIX_IF_END_MS], 8)
                    : (fl & IPFIX_F_END_US) ? ipfix_ntp_ms(be(r, &s[IPFIX_IF_END_US], 8), 1)
                    : (fl & IPFIX_F_END_NS) ? ipfix_ntp_ms(be(r, &s[IPFIX_IF_END_NS], 8), 0)
                                            : 0;
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
    d->ttl = (need & IPFIX_NEED_DNS_TTL) ? (uint32_t)be(r, &s[IPFIX_ID_TTL], 4) : 0;
    d->rrtype = (need & IPFIX_NEED_DNS_TYPE) ? (uint16_t)be(r, &s[IPFIX_ID_TYPE], 2) : 0;
    d->id = (need & IPFIX_NEED_DNS_ID) ? (uint16_t)be(r, &s[IPFIX_ID_ID], 2) : 0;
    d->qr = (need & IPFIX_NEED_DNS_QR) ? byte(r, &s[IPFIX_ID_QR]) : 0;
    d->rcode = (need & IPFIX_NEED_DNS_RCODE) ? byte(r, &s[IPFIX_ID_RCODE]) : 0;
    d->section = (need & IPFIX_NEED_DNS_SECTION) ? byte(r, &s[IPFIX_ID_SECTION]) : 0;
    d->aa = (need & IPFIX_NEED_DNS_AA) ? byte(r, &s[IPFIX_ID_AA]) : 0;
}
