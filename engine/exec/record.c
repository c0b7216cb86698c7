/*
 * record.c - record views and field access; see record.h.
 */
#include "record.h"

#include <string.h>

static const struct {
    const char *name;
    enum field_kind kind;
} fields[FIELD_COUNT] = {
    [FIELD_START] = {"start", FIELD_KIND_NUM},
    [FIELD_END] = {"end", FIELD_KIND_NUM},
    [FIELD_HOUR] = {"hour", FIELD_KIND_NUM},
    [FIELD_SIP] = {"sip", FIELD_KIND_ADDR},
    [FIELD_DIP] = {"dip", FIELD_KIND_ADDR},
    [FIELD_SPORT] = {"sport", FIELD_KIND_NUM},
    [FIELD_DPORT] = {"dport", FIELD_KIND_NUM},
    [FIELD_PROTO] = {"proto", FIELD_KIND_NUM},
    [FIELD_APP] = {"app", FIELD_KIND_NUM},
    [FIELD_BYTES] = {"bytes", FIELD_KIND_NUM},
    [FIELD_PACKETS] = {"packets", FIELD_KIND_NUM},
    [FIELD_RBYTES] = {"rbytes", FIELD_KIND_NUM},
    [FIELD_RPACKETS] = {"rpackets", FIELD_KIND_NUM},
    [FIELD_NDNS] = {"ndns", FIELD_KIND_NUM},
    [FIELD_DNS_NAMES] = {"dns.names", FIELD_KIND_LIST},
    [FIELD_DNS_TYPES] = {"dns.types", FIELD_KIND_LIST},
};

int
record_field_lookup(const char *name, size_t len)
{
    for (int i = 0; i < FIELD_COUNT; i++)
        if (strlen(fields[i].name) == len && memcmp(fields[i].name, name, len) == 0)
            return i;
    return -1;
}

const char *
record_field_name(enum field_id id)
{
    return fields[id].name;
}

enum field_kind
record_field_kind(enum field_id id)
{
    return fields[id].kind;
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
}

int
record_views(const struct flow *f, enum rec_view view, int bytes_total, struct rec out[2])
{
    int n = 0;

    if (view == REC_FLOWS) {
        fill(&out[0], f, 0, f->bytes + (bytes_total ? f->rev_bytes : 0),
             f->packets + (bytes_total ? f->rev_packets : 0));
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
