/*
 * record.h - the record view a job sees, and the fields it can name.
 *
 * A job reads flows as one of three record views:
 *   REC_FLOWS         one record per flow (Mothra's view); bytes/packets are the
 *                     forward counts, or forward + reverse with bytes_total;
 *   REC_SILK          SiLK's unidirectional view (rwipfix2silk): the forward
 *                     record, and a reverse record with addresses and ports
 *                     swapped and the reverse counts; each side only when its
 *                     packets and bytes are both non-zero;
 *   REC_SILK_FORWARD  the forward records only;
 *   REC_DNS           one record per DNS resource record of a flow (a flow
 *                     without DNS records gives none): the flow's fields as
 *                     in REC_FLOWS, plus the RR's dns.* fields.
 * Fields are named in the query syntax (docs/query.md) and resolved once to an
 * enum field_id; the scan then reads them from a struct rec without lookups.
 * Threads: pure functions.
 */
#ifndef ENGINE_RECORD_H
#define ENGINE_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "flow.h"

enum rec_view {
    REC_FLOWS,
    REC_SILK,
    REC_SILK_FORWARD,
    REC_DNS
};

enum field_id {
    FIELD_START,     /* flow start, Unix ms */
    FIELD_END,       /* flow end, Unix ms */
    FIELD_HOUR,      /* start of the flow's hour, Unix seconds */
    FIELD_SIP,       /* address */
    FIELD_DIP,       /* address */
    FIELD_SPORT,     /* number */
    FIELD_DPORT,     /* number */
    FIELD_PROTO,     /* number */
    FIELD_APP,       /* silkAppLabel */
    FIELD_BYTES,     /* the record's bytes (see the views above) */
    FIELD_PACKETS,   /* the record's packets */
    FIELD_RBYTES,    /* the flow's reverse bytes */
    FIELD_RPACKETS,  /* the flow's reverse packets */
    FIELD_NDNS,      /* DNS records in the flow */
    FIELD_DNS_NAMES, /* list of DNS names, wire order */
    FIELD_DNS_TYPES, /* list of DNS RR types, wire order */
    /* REC_DNS only: the record's resource record */
    FIELD_DNS_NAME,    /* its name, as exported */
    FIELD_DNS_TYPE,    /* dnsRRType */
    FIELD_DNS_QR,      /* dnsQueryResponse */
    FIELD_DNS_RCODE,   /* response code */
    FIELD_DNS_SECTION, /* 0 question .. 3 additional */
    FIELD_DNS_TTL,     /* seconds */
    FIELD_DNS_DOMAIN,  /* registered domain of the name (domain.h), lowercased, trailing dot */
    FIELD_COUNT
};

enum field_kind {
    FIELD_KIND_NUM,  /* unsigned 64-bit number */
    FIELD_KIND_ADDR, /* 17 bytes: family, 16 address bytes */
    FIELD_KIND_LIST, /* packed list (names or types) */
    FIELD_KIND_STR   /* one string (dns.name, dns.domain) */
};

struct rec {
    const struct flow *f; /* the flow this record comes from */
    const uint8_t *sip;   /* 16 bytes */
    const uint8_t *dip;   /* 16 bytes */
    uint64_t bytes;       /* per view */
    uint64_t packets;     /* per view */
    uint16_t sport;
    uint16_t dport;
    const struct dns_rr *rr; /* REC_DNS: the record's resource record; else NULL */
    uint32_t dom_off;        /* REC_DNS: where the registered domain starts in rr->name */
    uint32_t dom_len;        /* its bytes, without the dot (0: none; see job_rec_domain()) */
};

/* record_field_lookup() - the field named `name` (len bytes), or -1. */
int record_field_lookup(const char *name, size_t len);

/* record_field_name() - the canonical name of `id`. */
const char *record_field_name(enum field_id id);

/* record_field_kind() - what kind of value `id` holds. */
static inline enum field_kind
record_field_kind(enum field_id id)
{
    switch (id) {
    case FIELD_SIP:
    case FIELD_DIP:
        return FIELD_KIND_ADDR;
    case FIELD_DNS_NAMES:
    case FIELD_DNS_TYPES:
        return FIELD_KIND_LIST;
    case FIELD_DNS_NAME:
    case FIELD_DNS_DOMAIN:
        return FIELD_KIND_STR;
    default:
        return FIELD_KIND_NUM;
    }
}

/* record_num() - the value of numeric field `id` of `r` (0 for other fields). */
static inline uint64_t
record_num(const struct rec *r, enum field_id id)
{
    const struct flow *f = r->f;

    switch (id) {
    case FIELD_START:
        return (uint64_t)f->start_ms;
    case FIELD_END:
        return (uint64_t)f->end_ms;
    case FIELD_HOUR:
        return f->start_ms < 0 ? 0 : (uint64_t)(f->start_ms / 3600000) * 3600;
    case FIELD_SPORT:
        return r->sport;
    case FIELD_DPORT:
        return r->dport;
    case FIELD_PROTO:
        return f->proto;
    case FIELD_APP:
        return f->app_label;
    case FIELD_BYTES:
        return r->bytes;
    case FIELD_PACKETS:
        return r->packets;
    case FIELD_RBYTES:
        return f->rev_bytes;
    case FIELD_RPACKETS:
        return f->rev_packets;
    case FIELD_NDNS:
        return f->ndns;
    case FIELD_DNS_TYPE:
        return r->rr ? r->rr->rrtype : 0;
    case FIELD_DNS_QR:
        return r->rr ? r->rr->qr : 0;
    case FIELD_DNS_RCODE:
        return r->rr ? r->rr->rcode : 0;
    case FIELD_DNS_SECTION:
        return r->rr ? r->rr->section : 0;
    case FIELD_DNS_TTL:
        return r->rr ? r->rr->ttl : 0;
    default:
        return 0;
    }
}

/* record_field_of_rr() - whether `id` is a field of one DNS record (REC_DNS only). */
static inline int
record_field_of_rr(enum field_id id)
{
    return id >= FIELD_DNS_NAME && id <= FIELD_DNS_DOMAIN;
}

/*
 * record_field_of_flow() - whether numeric field `id` is the same in every
 * record of a flow (so a filter on it can be decided once per flow).
 */
static inline int
record_field_of_flow(enum field_id id)
{
    return id != FIELD_SPORT && id != FIELD_DPORT && id != FIELD_BYTES && id != FIELD_PACKETS &&
           id != FIELD_SIP && id != FIELD_DIP && !record_field_of_rr(id);
}

/* record_addr() - the 17-byte form (family, address) of address field `id`. */
static inline void
record_addr(const struct rec *r, enum field_id id, uint8_t out[17])
{
    out[0] = r->f->family;
    memcpy(out + 1, id == FIELD_SIP ? r->sip : r->dip, 16);
}

/* record_addr16() - the 16 address bytes of address field `id`. */
static inline const uint8_t *
record_addr16(const struct rec *r, enum field_id id)
{
    return id == FIELD_SIP ? r->sip : r->dip;
}

/*
 * record_views() - expands flow `f` into its records under `view` (0, 1 or 2,
 * written to out[]), bytes_total adding reverse counts in REC_FLOWS. Returns
 * -1 when those sums pass 2^64 - 1 (no exact record: record_total_error() says why).
 * Not for REC_DNS (record_at()).
 */
int record_views(const struct flow *f, enum rec_view view, int bytes_total, struct rec out[2]);

/* record_total_error() - the error for flow `f` whose record_views() returned -1. */
int record_total_error(const struct flow *f, struct err *err);

/*
 * record_at() - makes record `k` (k < record_count(f, view)) of `f` under
 * `view` in *out; any view. In REC_DNS bytes/packets are the flow's, as in
 * REC_FLOWS (bytes_total adds the reverse counts), and the domain is not
 * found yet (dom_len 0: job_rec_domain()). Returns 0, or -1 as record_views().
 */
int record_at(const struct flow *f, enum rec_view view, int bytes_total, uint32_t k,
              struct rec *out);

/* record_count() - how many records `f` makes under `view`, without making them. */
static inline int
record_count(const struct flow *f, enum rec_view view)
{
    if (view == REC_FLOWS)
        return 1;
    if (view == REC_DNS)
        return (int)f->ndns; /* a flow's records fit one IPFIX message: far below INT_MAX */
    return (f->packets > 0 && f->bytes > 0) +
           (view == REC_SILK && f->rev_packets > 0 && f->rev_bytes > 0);
}

#endif
