/*
 * ipfix_tmpl.c - the template half of ipfix_scan.h: the reader's internal
 * templates (ipfix_int_flow[], ipfix_int_dns[], ipfix_int_wrap[],
 * ipfix_int_skip[]) and ipfix_scan_classify(), what an external template is
 * to the reader. Moved out of ipfix_scan.c, which walks messages and records.
 */
#include <string.h>

#include "ipfix_scan.h"

/*
 * The reader's internal templates (ipfix_read.c builds its fixbuf templates and
 * C structs from these lists, in this order). libfixbuf cannot transcode a
 * fixed-length external field into a varlen internal one or back
 * (FB_ERROR_IMPL), so templates that would need that are refused here.
 */
#define V IPFIX_VARLEN
const struct ipfix_int_ie ipfix_int_flow[IPFIX_INT_FLOW_N] = {
    {"flowStartMilliseconds", 0, 152, 8},
    {"flowEndMilliseconds", 0, 153, 8},
    {"flowStartMicroseconds", 0, 154, 8},
    {"flowEndMicroseconds", 0, 155, 8},
    {"flowStartNanoseconds", 0, 156, 8},
    {"flowEndNanoseconds", 0, 157, 8},
    {"octetTotalCount", 0, 85, 8},
    {"packetTotalCount", 0, 86, 8},
    {"reverseOctetTotalCount", 29305, 85, 8},
    {"reversePacketTotalCount", 29305, 86, 8},
    {"octetDeltaCount", 0, 1, 8},
    {"packetDeltaCount", 0, 2, 8},
    {"reverseOctetDeltaCount", 29305, 1, 8},
    {"reversePacketDeltaCount", 29305, 2, 8},
    {"systemInitTimeMilliseconds", 0, 160, 8},
    {"sourceIPv6Address", 0, 27, 16},
    {"destinationIPv6Address", 0, 28, 16},
    {"sourceIPv4Address", 0, 8, 4},
    {"destinationIPv4Address", 0, 12, 4},
    {"flowStartSeconds", 0, 150, 4},
    {"flowEndSeconds", 0, 151, 4},
    {"flowStartSysUpTime", 0, 22, 4},
    {"flowEndSysUpTime", 0, 21, 4},
    {"flowStartDeltaMicroseconds", 0, 158, 4},
    {"flowEndDeltaMicroseconds", 0, 159, 4},
    {"sourceTransportPort", 0, 7, 2},
    {"destinationTransportPort", 0, 11, 2},
    {"icmpTypeCodeIPv4", 0, 32, 2},
    {"icmpTypeCodeIPv6", 0, 139, 2},
    {"silkAppLabel", 6871, 33, 2},
    {"protocolIdentifier", 0, 4, 1},
    {"paddingOctets", 0, 210, 5},
    {"subTemplateMultiList", 0, 293, V},
    {"yafDPIList", 6871, 432, V},
};
const struct ipfix_int_ie ipfix_int_dns[IPFIX_INT_DNS_N] = {
    {"dnsQName", 6871, 179, V},         {"dnsTTL", 6871, 199, 4},
    {"dnsQRType", 6871, 175, 2},        {"dnsQueryResponse", 6871, 174, 1},
    {"dnsAuthoritative", 6871, 176, 1}, {"dnsNXDomain", 6871, 177, 1},
    {"dnsRRSection", 6871, 178, 1},     {"dnsID", 6871, 226, 2},
    {"paddingOctets", 0, 210, 4},
};
const struct ipfix_int_ie ipfix_int_wrap[IPFIX_INT_WRAP_N] = {{"subTemplateList", 0, 292, V}};
const struct ipfix_int_ie ipfix_int_skip[IPFIX_INT_SKIP_N] = {{"paddingOctets", 0, 210, 1}};
#undef V

/* compatible() - NULL if every field `f` shares with `ies` agrees on varlen-ness. */
static const char *
compatible(const struct ipfix_field *f, uint32_t n, const struct ipfix_int_ie *ies, size_t nies)
{
    for (uint32_t i = 0; i < n; i++)
        for (size_t j = 0; j < nies; j++)
            if (f[i].ent == ies[j].ent && f[i].id == ies[j].id &&
                (f[i].len == IPFIX_VARLEN) != (ies[j].len == IPFIX_VARLEN))
                return ies[j].len == IPFIX_VARLEN ? "a list or varlen element has a fixed length"
                                                  : "a fixed-size element is sent as varlen";
    return NULL;
}

void
ipfix_scan_classify(const struct ipfix_field *f, uint32_t n, uint32_t scope,
                    struct ipfix_tclass *out)
{
    uint32_t fl = 0;
    int v6 = 0, dns_name = 0, dns_type = 0;
    int stml_seen = 0, dpi_seen = 0; /* first occurrences, for the order of DNS records */
    uint32_t min_len = 0;

    for (uint32_t i = 0; i < n; i++) {
        uint32_t ent = f[i].ent;
        uint16_t id = f[i].id;

        min_len += f[i].len == IPFIX_VARLEN ? 1u : f[i].len;
        if (ent == IPFIX_PEN_IANA) {
            switch (id) {
            case 152:
                fl |= IPFIX_F_START_MS;
                break;
            case 154:
                fl |= IPFIX_F_START_US;
                break;
            case 156:
                fl |= IPFIX_F_START_NS;
                break;
            case 153:
                fl |= IPFIX_F_END_MS;
                break;
            case 155:
                fl |= IPFIX_F_END_US;
                break;
            case 157:
                fl |= IPFIX_F_END_NS;
                break;
            case 150:
                fl |= IPFIX_F_START_S;
                break;
            case 151:
                fl |= IPFIX_F_END_S;
                break;
            case 22:
                fl |= IPFIX_F_START_UP;
                break;
            case 21:
                fl |= IPFIX_F_END_UP;
                break;
            case 160:
                fl |= IPFIX_F_SYSINIT;
                break;
            case 158:
                fl |= IPFIX_F_START_DELTA;
                break;
            case 159:
                fl |= IPFIX_F_END_DELTA;
                break;
            case 85:
                fl |= IPFIX_F_OCT_TOTAL;
                break;
            case 86:
                fl |= IPFIX_F_PKT_TOTAL;
                break;
            case 8:
                fl |= IPFIX_F_V4;
                break;
            case 27:
                v6 = 1;
                break;
            case 11:
                fl |= IPFIX_F_DPORT;
                break;
            case 32:
                fl |= IPFIX_F_ICMP4;
                break;
            case 139:
                fl |= IPFIX_F_ICMP6;
                break;
            case 293:
                fl |= IPFIX_F_STML;
                stml_seen = 1;
                break;
            default:
                break;
            }
        } else if (ent == IPFIX_PEN_REVERSE) {
            switch (id) {
            case 85:
                fl |= IPFIX_F_ROCT_TOTAL | IPFIX_F_BIFLOW;
                break;
            case 86:
                fl |= IPFIX_F_RPKT_TOTAL | IPFIX_F_BIFLOW;
                break;
            case 1:
            case 2:
                fl |= IPFIX_F_BIFLOW;
                break;
            default:
                break;
            }
        } else if (ent == IPFIX_PEN_CERT) {
            if (id == 432) {
                fl |= IPFIX_F_DPI;
                if (!dpi_seen && !stml_seen)
                    fl |= IPFIX_F_DPI_FIRST;
                dpi_seen = 1;
            } else if (id == 179)
                dns_name = 1;
            else if (id == 175)
                dns_type = 1;
        }
    }

    memset(out, 0, sizeof(*out));
    out->top_ok = 1;
    if (scope == 0 && ((fl & IPFIX_F_V4) || v6) && ipfix_start_kind(fl) != IPFIX_T_NONE) {
        out->why = compatible(f, n, ipfix_int_flow, IPFIX_INT_FLOW_N);
        if (!out->why)
            out->flow_flags = fl | IPFIX_F_FLOW;
    } else {
        out->why = compatible(f, n, ipfix_int_skip, IPFIX_INT_SKIP_N);
        /* flow-like, but no start the reader can place: never dropped without a word */
        if (scope == 0 && ((fl & IPFIX_F_V4) || v6))
            out->untimed =
                (fl & IPFIX_F_START_UP)
                    ? "gives the flow start as flowStartSysUpTime (0/22) without "
                      "systemInitTimeMilliseconds (0/160) in the record"
                    : "has addresses but no flow start time the reader reads (0/150, 0/152, "
                      "0/154, 0/156, 0/158, or 0/22 with 0/160)";
    }
    if (!out->why && n == 0)
        out->why = "it was withdrawn"; /* libfixbuf keeps a withdrawn template as an empty one */
    else if (!out->why && (min_len == 0 || min_len > 65535 - 20))
        out->why = min_len ? "its records cannot fit in a message" : "its records have no length";
    if (out->why) {
        out->top_ok = 0;
        out->untimed = NULL;
    }

    if (dns_name && dns_type && min_len > 0 && min_len <= 65535 - 20 &&
        !compatible(f, n, ipfix_int_dns, IPFIX_INT_DNS_N))
        out->pair = IPFIX_PAIR_DNS;
    else if (n == 1 && f[0].ent == IPFIX_PEN_IANA && f[0].id == 292 && f[0].len == IPFIX_VARLEN)
        out->pair = IPFIX_PAIR_WRAP;
}
