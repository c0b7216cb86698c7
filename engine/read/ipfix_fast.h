/*
 * ipfix_fast.h - the fast decoder: one walked record (ipfix_scan.h) into a
 * struct flow or struct dns_rr, in place (private to engine/read).
 *
 * It reproduces libfixbuf 2.4.1's transcoding of the reader's internal
 * templates exactly, so that both decoders yield identical flows:
 *   - an element absent from the template reads as 0;
 *   - integers (and IPv4 addresses, times) are big-endian on the wire; a
 *     shorter wire field is zero-extended, a longer one keeps its low-order
 *     bytes (libfixbuf's reduced-length rules for "endian" elements);
 *   - one-byte integers and octet arrays (IPv6 addresses) are not "endian":
 *     a longer wire field keeps its first bytes, a shorter one is zero-filled;
 *   - names stay where they are in the message (zero-copy).
 */
#ifndef ENGINE_IPFIX_FAST_H
#define ENGINE_IPFIX_FAST_H

#include <string.h>

#include "flow.h"
#include "ipfix_read.h"
#include "ipfix_scan.h"

/*
 * ipfix_fast_compile() - plan->fixed for a template of `flow_flags` whose
 * plan->flow slots are set: ok when every flow element the template's flags
 * select is absent or at a constant offset with a length the specialised path
 * reads (else ipfix_fast_flow() keeps the general path for its records).
 */
void ipfix_fast_compile(struct ipfix_plan *plan, uint32_t flow_flags);

/*
 * ipfix_fast_flow() - the flow fields `need` (enum ipfix_need_flow) of `r`
 * into *f, and its family; the others untouched (so are f->ndns and f->dns).
 */
void ipfix_fast_flow(const struct ipfix_rec *r, struct flow *f, uint32_t need);

/* ipfix_fast_ld() - the value `src` of the record at `p`: one load, no branch (ipfix_scan.h). */
static inline uint64_t
ipfix_fast_ld(const uint8_t *p, const struct ipfix_src *src)
{
    uint64_t x;

    memcpy(&x, p + src->pos, 8);
    return __builtin_bswap64(x) & src->mask;
}

/* ipfix_fast_ms_bad_general() - ipfix_fast_ms_bad() for any template (the general path). */
int ipfix_fast_ms_bad_general(const struct ipfix_rec *r, uint64_t *ms);

/*
 * ipfix_fast_ms_bad() - for flow record `r`: 0 when each dateTimeMilliseconds time the
 * reader takes from it (flowStartMilliseconds 0/152, flowEndMilliseconds 0/153, and
 * systemInitTimeMilliseconds 0/160 plus flowStartSysUpTime 0/22 or flowEndSysUpTime 0/21)
 * is below 2^63, else the element ID of the first that is not (152, 153; 160 for 0/160
 * itself, 22 or 21 for a sum), its value in *ms.
 * Such a time (unsigned 64-bit on the wire) has no signed 64-bit struct flow time: the
 * scanner reports the record as damage, for both decoders (docs/format.md).
 */
static inline int
ipfix_fast_ms_bad(const struct ipfix_rec *r, uint64_t *ms)
{
    const struct ipfix_fixed *x = &r->plan->fixed;

    uint8_t hi = 0;

    if (!x->ok)
        return ipfix_fast_ms_bad_general(r, ms);
    /* the top byte of each 8-byte value (the mask's: 0 for a shorter field, never bad) */
    if (x->start_kind == IPFIX_T_MS)
        hi |= r->p[x->start.pos] & (uint8_t)(x->start.mask >> 56);
    if (x->end_kind == IPFIX_T_MS)
        hi |= r->p[x->end.pos] & (uint8_t)(x->end.mask >> 56);
    if (!(hi & 0x80))
        return 0;
    return ipfix_fast_ms_bad_general(r, ms);
}

/* ipfix_fast_rr() - the parts `need` (enum ipfix_need_dns) of DNS record `r` into *d, others 0. */
void ipfix_fast_rr(const struct ipfix_rec *r, struct dns_rr *d, uint32_t need);

/* IPFIX_NEED_DNS_NT - the name and the type alone (what dns-names reads). */
#define IPFIX_NEED_DNS_NT ((uint32_t)(IPFIX_NEED_DNS_NAME | IPFIX_NEED_DNS_TYPE))

/* ipfix_fast_dns_ld() - part `x` (struct ipfix_dns_src) from the record's base `b`: one load. */
static inline uint32_t
ipfix_fast_dns_ld(const uint8_t *b, const struct ipfix_dns_src *x)
{
    uint32_t v;

    memcpy(&v, b + x->pos, 4);
    return __builtin_bswap32(v) & x->mask;
}

/*
 * ipfix_fast_rr_fixed() - ipfix_fast_rr() by the specialised plan `x` when
 * every part of `need` is in x->parts: the record at `p` whose first
 * IPFIX_DNS_FIXED_VARS varlen values are at vs[k], vl[k] bytes.
 */
static inline void
ipfix_fast_rr_fixed(const struct ipfix_dns_fixed *x, const uint8_t *p, const uint8_t *const *vs,
                    const uint16_t *vl, struct dns_rr *d, uint32_t need)
{
    static const uint8_t empty[1];
    const uint8_t *b = x->base < 0 ? p : vs[x->base] + vl[x->base];
    uint32_t len = 0;

    if ((need & IPFIX_NEED_DNS_NAME) && x->name_var >= 0)
        len = vl[x->name_var];
    d->name = len ? vs[x->name_var] : empty;
    d->name_len = len;
    d->rrtype = (need & IPFIX_NEED_DNS_TYPE) ? (uint16_t)ipfix_fast_dns_ld(b, &x->type) : 0;
    if (!(need & ~IPFIX_NEED_DNS_NT)) { /* dns-names' */
        d->ttl = 0;
        d->id = 0;
        d->qr = d->rcode = d->section = d->aa = 0;
        return;
    }
    d->ttl = (need & IPFIX_NEED_DNS_TTL) ? ipfix_fast_dns_ld(b, &x->ttl) : 0;
    d->id = (need & IPFIX_NEED_DNS_ID) ? (uint16_t)ipfix_fast_dns_ld(b, &x->id) : 0;
    d->qr = (need & IPFIX_NEED_DNS_QR) ? (uint8_t)ipfix_fast_dns_ld(b, &x->qr) : 0;
    d->rcode = (need & IPFIX_NEED_DNS_RCODE) ? (uint8_t)ipfix_fast_dns_ld(b, &x->rcode) : 0;
    d->section = (need & IPFIX_NEED_DNS_SECTION) ? (uint8_t)ipfix_fast_dns_ld(b, &x->section) : 0;
    d->aa = (need & IPFIX_NEED_DNS_AA) ? (uint8_t)ipfix_fast_dns_ld(b, &x->aa) : 0;
}

#endif
