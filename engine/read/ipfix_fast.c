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
    *len = r->len[sl->idx];
    return r->at[sl->idx];
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
ipfix_fast_flow(const struct ipfix_rec *r, struct flow *f)
{
    const struct ipfix_slot *s = r->plan->flow;
    uint32_t fl = r->flow_flags;

    f->start_ms = (fl & IPFIX_F_START_MS)   ? (int64_t)be(r, &s[IPFIX_IF_START_MS], 8)
                  : (fl & IPFIX_F_START_US) ? ipfix_ntp_ms(be(r, &s[IPFIX_IF_START_US], 8), 1)
                                            : ipfix_ntp_ms(be(r, &s[IPFIX_IF_START_NS], 8), 0);
    f->end_ms = (fl & IPFIX_F_END_MS)   ? (int64_t)be(r, &s[IPFIX_IF_END_MS], 8)
                : (fl & IPFIX_F_END_US) ? ipfix_ntp_ms(be(r, &s[IPFIX_IF_END_US], 8), 1)
                : (fl & IPFIX_F_END_NS) ? ipfix_ntp_ms(be(r, &s[IPFIX_IF_END_NS], 8), 0)
                                        : 0;
    f->bytes = be(r, &s[(fl & IPFIX_F_OCT_TOTAL) ? IPFIX_IF_OCT_TOTAL : IPFIX_IF_OCT_DELTA], 8);
    f->packets = be(r, &s[(fl & IPFIX_F_PKT_TOTAL) ? IPFIX_IF_PKT_TOTAL : IPFIX_IF_PKT_DELTA], 8);
    f->rev_bytes =
        be(r, &s[(fl & IPFIX_F_ROCT_TOTAL) ? IPFIX_IF_ROCT_TOTAL : IPFIX_IF_ROCT_DELTA], 8);
    f->rev_packets =
        be(r, &s[(fl & IPFIX_F_RPKT_TOTAL) ? IPFIX_IF_RPKT_TOTAL : IPFIX_IF_RPKT_DELTA], 8);
    if (fl & IPFIX_F_V4) {
        ipfix_v4_mapped(f->sip, (uint32_t)be(r, &s[IPFIX_IF_SIP4], 4));
        ipfix_v4_mapped(f->dip, (uint32_t)be(r, &s[IPFIX_IF_DIP4], 4));
        f->family = FLOW_IPV4;
    } else {
        octets16(r, &s[IPFIX_IF_SIP6], f->sip);
        octets16(r, &s[IPFIX_IF_DIP6], f->dip);
        f->family = FLOW_IPV6;
    }
    f->sport = (uint16_t)be(r, &s[IPFIX_IF_SPORT], 2);
    f->dport = (fl & IPFIX_F_DPORT)   ? (uint16_t)be(r, &s[IPFIX_IF_DPORT], 2)
               : (fl & IPFIX_F_ICMP4) ? (uint16_t)be(r, &s[IPFIX_IF_ICMP4], 2)
               : (fl & IPFIX_F_ICMP6) ? (uint16_t)be(r, &s[IPFIX_IF_ICMP6], 2)
                                      : 0;
    f->app_label = (uint16_t)be(r, &s[IPFIX_IF_APP], 2);
    f->proto = byte(r, &s[IPFIX_IF_PROTO]);
}

void
ipfix_fast_rr(const struct ipfix_rec *r, struct dns_rr *d)
{
    static const uint8_t empty[1];
    const struct ipfix_slot *s = r->plan->dns;
    uint32_t len;
    const uint8_t *name = value(r, &s[IPFIX_ID_NAME], &len);

    d->name = len ? name : empty;
    d->name_len = len;
    d->ttl = (uint32_t)be(r, &s[IPFIX_ID_TTL], 4);
    d->rrtype = (uint16_t)be(r, &s[IPFIX_ID_TYPE], 2);
    d->id = (uint16_t)be(r, &s[IPFIX_ID_ID], 2);
    d->qr = byte(r, &s[IPFIX_ID_QR]);
    d->rcode = byte(r, &s[IPFIX_ID_RCODE]);
    d->section = byte(r, &s[IPFIX_ID_SECTION]);
    d->aa = byte(r, &s[IPFIX_ID_AA]);
}
