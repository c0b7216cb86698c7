/*
 * record.c - record views and field access; see record.h.
 */
#include "record.h"

#include <string.h>
#include <strings.h>

/* Field names (their kinds: record_field_kind() in record.h). */
static const struct {
    const char *name;
} fields[FIELD_COUNT] = {
    [FIELD_START] = {"start"},
    [FIELD_END] = {"end"},
    [FIELD_HOUR] = {"hour"},
    [FIELD_SIP] = {"sip"},
    [FIELD_DIP] = {"dip"},
    [FIELD_SPORT] = {"sport"},
    [FIELD_DPORT] = {"dport"},
    [FIELD_PROTO] = {"proto"},
    [FIELD_APP] = {"app"},
    [FIELD_BYTES] = {"bytes"},
    [FIELD_PACKETS] = {"packets"},
    [FIELD_RBYTES] = {"rbytes"},
    [FIELD_RPACKETS] = {"rpackets"},
    [FIELD_NDNS] = {"ndns"},
    [FIELD_DNS_NAMES] = {"dns.names"},
    [FIELD_DNS_TYPES] = {"dns.types"},
    [FIELD_DNS_NAME] = {"dns.name"},
    [FIELD_DNS_TYPE] = {"dns.type"},
    [FIELD_DNS_QR] = {"dns.qr"},
    [FIELD_DNS_RCODE] = {"dns.rcode"},
    [FIELD_DNS_SECTION] = {"dns.section"},
    [FIELD_DNS_TTL] = {"dns.ttl"},
    [FIELD_DNS_DOMAIN] = {"dns.domain"},
};

int
record_field_lookup(const char *name, size_t len)
{
    for (int i = 0; i < FIELD_COUNT; i++)
        if (strlen(fields[i].name) == len && strncasecmp(fields[i].name, name, len) == 0)
            return i;
    return -1;
}

const char *
record_field_name(enum field_id id)
{
    return fields[id].name;
}

static void
fill(struct rec *r, const struct flow *f, int reverse, uint64_t bytes, uint64_t packets)
{
    r->f = f;
    r->sip = reverse ? f->dip : f->sip;
    r->dip = reverse ? f->sip : f->dip;
    r->sport = reverse ? f->dport : f->sport;
    r->dport = reverse ? f->sport : f->dport;
    r->bytes = bytes;
    r->packets = packets;
    r->rr = NULL;
    r->dom_off = 0;
    r->dom_len = 0;
}

int
record_total_error(const struct flow *f, struct err *err)
{
    return ERR_SET(err, ERR_FORMAT,
                   "--bytes total: a flow's forward and reverse counts sum past 2^64 - 1 (bytes "
                   "%llu + %llu, packets %llu + %llu); no record holds that exactly",
                   (unsigned long long)f->bytes, (unsigned long long)f->rev_bytes,
                   (unsigned long long)f->packets, (unsigned long long)f->rev_packets);
}

int
record_views(const struct flow *f, enum rec_view view, int bytes_total, struct rec out[2])
{
    int n = 0;

    if (view == REC_FLOWS) {
        uint64_t bytes = f->bytes, packets = f->packets;

        if (bytes_total && (__builtin_add_overflow(bytes, f->rev_bytes, &bytes) ||
                            __builtin_add_overflow(packets, f->rev_packets, &packets)))
            return -1; /* forward + reverse past 2^64 - 1: no exact record */
        fill(&out[0], f, 0, bytes, packets);
        return 1;
    }
    /*
     * SiLK's rwipfix2silk (skipfix.c): a side becomes a record only when both
     * its packets and its bytes are non-zero; the reverse record swaps
     * addresses and ports. A flow with no volume on either side gives none.
     */
    if (f->packets > 0 && f->bytes > 0)
        fill(&out[n++], f, 0, f->bytes, f->packets);
    if (view == REC_SILK && f->rev_packets > 0 && f->rev_bytes > 0)
        fill(&out[n++], f, 1, f->rev_bytes, f->rev_packets);
    return n;
}

int
record_at(const struct flow *f, enum rec_view view, int bytes_total, uint32_t k, struct rec *out)
{
    uint64_t bytes = f->bytes, packets = f->packets;
    int fwd;

    switch (view) {
    case REC_FLOWS:
    case REC_DNS:
        if (bytes_total && (__builtin_add_overflow(bytes, f->rev_bytes, &bytes) ||
                            __builtin_add_overflow(packets, f->rev_packets, &packets)))
            return -1; /* as record_views() */
        fill(out, f, 0, bytes, packets);
        if (view == REC_DNS)
            out->rr = &f->dns[k];
        return 0;
    default:
        /* as record_views(): the forward record first, when it exists */
        fwd = f->packets > 0 && f->bytes > 0;
        if (k == 0 && fwd)
            fill(out, f, 0, f->bytes, f->packets);
        else
            fill(out, f, 1, f->rev_bytes, f->rev_packets);
        return 0;
    }
}
