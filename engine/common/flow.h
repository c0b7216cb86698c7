/*
 * flow.h - the flow record every reader yields and every job consumes.
 *
 * One struct flow per IPFIX flow record (uniflow or biflow), with the DNS
 * resource records YAF's DPI attached to it, in wire order (forward
 * direction's message first, then reverse; see docs/format.md).
 *
 * Ownership: a reader owns the flow, its dns[] array and the name bytes; all
 * stay valid until the next call on that reader. Copy what must outlive it.
 * Addresses: both families live in 16 bytes. IPv4 is stored v4-mapped
 * (::ffff:a.b.c.d) with family FLOW_IPV4; an address exported as IPv6 keeps
 * FLOW_IPV6 even when it is v4-mapped on the wire, because Spark's
 * countDistinct sees those as different values.
 */
#ifndef ENGINE_FLOW_H
#define ENGINE_FLOW_H

#include <stdint.h>

enum flow_family {
    FLOW_IPV4 = 4,
    FLOW_IPV6 = 6
};

struct dns_rr {
    const uint8_t *name; /* dnsQName/dnsName bytes as exported, no NUL, may be empty */
    uint32_t name_len;   /* bytes in name */
    uint32_t ttl;        /* dnsTTL, seconds */
    uint16_t rrtype;     /* dnsQRType/dnsRRType: 1 A, 12 PTR, 16 TXT, ... */
    uint16_t id;         /* dnsID: DNS transaction ID */
    uint8_t qr;          /* dnsQueryResponse: 0 query, 1 response */
    uint8_t rcode;       /* dnsNXDomain/dnsResponseCode: the DNS RCODE */
    uint8_t section;     /* dnsRRSection: 0 question, 1 answer, 2 authority, 3 additional */
    uint8_t aa;          /* dnsAuthoritative: 0 or 1 */
};

struct flow {
    int64_t start_ms;         /* flow start, Unix milliseconds UTC */
    int64_t end_ms;           /* flow end, Unix milliseconds UTC (0 when not exported) */
    uint64_t bytes;           /* forward octetTotalCount, else octetDeltaCount */
    uint64_t packets;         /* forward packetTotalCount, else packetDeltaCount */
    uint64_t rev_bytes;       /* reverse octets; 0 for a uniflow */
    uint64_t rev_packets;     /* reverse packets; 0 for a uniflow (biflow iff > 0) */
    uint8_t sip[16];          /* source address: IPv6, or IPv4 v4-mapped */
    uint8_t dip[16];          /* destination address, as sip */
    uint16_t sport;           /* sourceTransportPort */
    uint16_t dport;           /* destinationTransportPort */
    uint16_t app_label;       /* silkAppLabel (6871/33); 0 when absent */
    uint8_t proto;            /* protocolIdentifier */
    uint8_t family;           /* enum flow_family */
    uint32_t ndns;            /* entries in dns[] */
    const struct dns_rr *dns; /* DNS records in wire order; NULL when ndns == 0 */
};

/* flow_ipv4() - the IPv4 address of a v4-mapped 16-byte address, host order. */
static inline uint32_t
flow_ipv4(const uint8_t a[16])
{
    return (uint32_t)a[12] << 24 | (uint32_t)a[13] << 16 | (uint32_t)a[14] << 8 | a[15];
}

#endif
