/*
 * gen_write.c - see gen_write.h.
 *
 * libfixbuf 2.4.1 transcodes a top-level record from an internal template
 * (here one superset record, struct wr_flow, with natural alignment and
 * explicit paddingOctets) into whichever external template is selected, and
 * it narrows the 8-byte counters to 4 bytes where the external template says
 * so. Records inside lists are different: 2.4.1 encodes them with their
 * *external* template as the memory layout (fBufSetEncodeSubTemplates), so
 * the sub-record structs below mirror the wire templates field for field -
 * with YAF 2's paddingOctets, or packed for YAF 3's unpadded records.
 *
 * Each list struct (fbSubTemplateMultiList_t, fbSubTemplateList_t) is filled
 * by hand to point at the writer's own arrays; fbSubTemplateListInit() would
 * allocate, and fBufListFree() would free what we own. libfixbuf only reads
 * the public fields (tmpl, tmplID, dataPtr, dataLength, numElements,
 * semantic) when encoding.
 */
#include "gen_write.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <fixbuf/public.h>

#include "mem.h"

#define CERT_XML "/usr/share/libfixbuf/cert_ipfix.xml"

/* Internal template IDs: never equal to an external one (libfixbuf 2.4.1 treats equal IDs as
   "internal is external" when it restores templates after a sub-list). */
#define TID_INT_FLOW  0x7F01
#define TID_INT_STATS 0x7F03
#define TID_INT_TOMB  0x7F04

#define TID_STATS  0xD003
#define TID_TOMB   0xD004
#define TID_ACCESS 0xD005
#define TID_TCP    0xC003
#define TID_TCP_BI 0xC013
#define TID_DNS    0xCE00
#define TID_DNS_QR 0xCF00

/* Spec flags: which external template a field belongs to. */
#define F_BIF 0x0001u /* biflow */
#define F_V4  0x0002u
#define F_V6  0x0004u
#define F_RLE 0x0008u /* 4-byte counters */
#define F_FLE 0x0010u /* 8-byte counters */
#define F_Y2  0x0020u /* YAF 2 layout */
#define F_Y3  0x0040u /* YAF 3 layout */
#define F_RR  0x0080u /* YAF 3: 0xCF00 carries dnsDetailRecordList */

/* fbInfoElementSpec_t.name is `char *` in 2.4.1; the literals are never written through it. */
#define SPEC(n, len, fl)         \
    {                            \
        (char *)(n), (len), (fl) \
    }
#define SPEC_END   \
    {              \
        NULL, 0, 0 \
    }
#define VARLEN FB_IE_VARLEN

/* ------------------------------------------------------- record structs */

/* The internal flow record (TID_INT_FLOW): every field any flow template has. */
struct wr_flow {
    uint64_t start_ms;             /* flowStartMilliseconds */
    uint64_t end_ms;               /* flowEndMilliseconds */
    uint64_t start_ntp;            /* flowStartMicroseconds (NTP) */
    uint64_t end_ntp;              /* flowEndMicroseconds (NTP) */
    uint64_t bytes;                /* octetTotalCount */
    uint64_t rev_bytes;            /* reverseOctetTotalCount */
    uint64_t packets;              /* packetTotalCount */
    uint64_t rev_packets;          /* reversePacketTotalCount */
    uint64_t rev_delta_us;         /* reverseFlowDeltaMicroseconds (6871/41) */
    uint8_t sip6[16];              /* sourceIPv6Address */
    uint8_t dip6[16];              /* destinationIPv6Address */
    uint32_t sip4;                 /* sourceIPv4Address, host order */
    uint32_t dip4;                 /* destinationIPv4Address */
    uint32_t rev_delta_ms;         /* reverseFlowDeltaMilliseconds */
    uint16_t sport;                /* sourceTransportPort */
    uint16_t dport;                /* destinationTransportPort */
    uint16_t attrs;                /* flowAttributes */
    uint16_t rev_attrs;            /* reverseFlowAttributes */
    uint16_t app;                  /* silkAppLabel */
    uint16_t vlan;                 /* vlanId */
    uint16_t rev_vlan;             /* reverseVlanId */
    uint8_t proto;                 /* protocolIdentifier */
    uint8_t reason;                /* flowEndReason */
    uint8_t tos;                   /* ipClassOfService */
    uint8_t rev_tos;               /* reverseIpClassOfService */
    uint8_t pad[2];                /* paddingOctets: aligns stml */
    fbSubTemplateMultiList_t stml; /* subTemplateMultiList (layout 2) */
    fbSubTemplateList_t dpi;       /* yafDPIList (layout 3) */
};

static const fbInfoElementSpec_t int_flow_spec[] = {
    SPEC("flowStartMilliseconds", 8, 0),
    SPEC("flowEndMilliseconds", 8, 0),
    SPEC("flowStartMicroseconds", 8, 0),
    SPEC("flowEndMicroseconds", 8, 0),
    SPEC("octetTotalCount", 8, 0),
    SPEC("reverseOctetTotalCount", 8, 0),
    SPEC("packetTotalCount", 8, 0),
    SPEC("reversePacketTotalCount", 8, 0),
    SPEC("reverseFlowDeltaMicroseconds", 8, 0),
    SPEC("sourceIPv6Address", 16, 0),
    SPEC("destinationIPv6Address", 16, 0),
    SPEC("sourceIPv4Address", 4, 0),
    SPEC("destinationIPv4Address", 4, 0),
    SPEC("reverseFlowDeltaMilliseconds", 4, 0),
    SPEC("sourceTransportPort", 2, 0),
    SPEC("destinationTransportPort", 2, 0),
    SPEC("flowAttributes", 2, 0),
    SPEC("reverseFlowAttributes", 2, 0),
    SPEC("silkAppLabel", 2, 0),
    SPEC("vlanId", 2, 0),
    SPEC("reverseVlanId", 2, 0),
    SPEC("protocolIdentifier", 1, 0),
    SPEC("flowEndReason", 1, 0),
    SPEC("ipClassOfService", 1, 0),
    SPEC("reverseIpClassOfService", 1, 0),
    SPEC("paddingOctets", 2, 0),
    SPEC("subTemplateMultiList", VARLEN, 0),
    SPEC("yafDPIList", VARLEN, 0),
    SPEC_END,
};

/* The external flow templates, in YAF 2.16's wire order (yaf_flow_full_spec). */
static const fbInfoElementSpec_t ext_flow_spec[] = {
    SPEC("flowStartMilliseconds", 8, 0),
    SPEC("flowEndMilliseconds", 8, 0),
    SPEC("flowStartMicroseconds", 8, 0),
    SPEC("flowEndMicroseconds", 8, 0),
    SPEC("octetTotalCount", 4, F_RLE),
    SPEC("octetTotalCount", 8, F_FLE),
    SPEC("reverseOctetTotalCount", 4, F_RLE | F_BIF),
    SPEC("reverseOctetTotalCount", 8, F_FLE | F_BIF),
    SPEC("packetTotalCount", 4, F_RLE),
    SPEC("packetTotalCount", 8, F_FLE),
    SPEC("reversePacketTotalCount", 4, F_RLE | F_BIF),
    SPEC("reversePacketTotalCount", 8, F_FLE | F_BIF),
    SPEC("sourceIPv4Address", 4, F_V4),
    SPEC("destinationIPv4Address", 4, F_V4),
    SPEC("sourceIPv6Address", 16, F_V6),
    SPEC("destinationIPv6Address", 16, F_V6),
    SPEC("sourceTransportPort", 2, 0),
    SPEC("destinationTransportPort", 2, 0),
    SPEC("flowAttributes", 2, 0),
    SPEC("reverseFlowAttributes", 2, F_BIF),
    SPEC("protocolIdentifier", 1, 0),
    SPEC("flowEndReason", 1, 0),
    SPEC("silkAppLabel", 2, 0),
    SPEC("reverseFlowDeltaMilliseconds", 4, F_BIF),
    SPEC("reverseFlowDeltaMicroseconds", 8, F_BIF),
    SPEC("vlanId", 2, 0),
    SPEC("reverseVlanId", 2, F_BIF),
    SPEC("ipClassOfService", 1, 0),
    SPEC("reverseIpClassOfService", 1, F_BIF),
    SPEC("subTemplateMultiList", VARLEN, F_Y2),
    SPEC("yafDPIList", VARLEN, F_Y3),
    SPEC_END,
};

/* Encoded size of the fixed part of a flow template: (uniflow, biflow extra) per counter width. */
#define FIXED_UNI(v6, fle) (32 + 2 * ((fle) ? 8 : 4) + ((v6) ? 32 : 8) + 4 + 2 + 2 + 2 + 2 + 1)
#define FIXED_BI(fle)      (2 * ((fle) ? 8 : 4) + 2 + 4 + 8 + 2 + 1)

/* YAF 2 DNS records: memory = external template, paddingOctets included. */
struct y2_wrap {
    fbSubTemplateList_t qr; /* 0xCE00: the STL of 0xCF00 records */
};

struct y2_qr {
    fbSubTemplateList_t rr; /* subTemplateList: RR detail, 0 or 1 record */
    fbVarfield_t name;      /* dnsQName */
    uint32_t ttl;           /* dnsTTL */
    uint16_t type;          /* dnsQRType */
    uint8_t qr;             /* dnsQueryResponse */
    uint8_t aa;             /* dnsAuthoritative */
    uint8_t rcode;          /* dnsNXDomain */
    uint8_t section;        /* dnsRRSection */
    uint16_t id;            /* dnsID */
    uint8_t pad[4];         /* paddingOctets */
};

struct y2_mx {
    fbVarfield_t exchange; /* dnsMXExchange */
    uint16_t pref;         /* dnsMXPreference */
    uint8_t pad[6];        /* paddingOctets */
};

struct y2_srv {
    fbVarfield_t target; /* dnsSRVTarget */
    uint16_t prio;       /* dnsSRVPriority */
    uint16_t weight;     /* dnsSRVWeight */
    uint16_t port;       /* dnsSRVPort */
    uint8_t pad[2];      /* paddingOctets */
};

struct y2_soa {
    fbVarfield_t mname; /* dnsSOAMName */
    fbVarfield_t rname; /* dnsSOARName */
    uint32_t v[5];      /* dnsSOASerial, Refresh, Retry, Expire, Minimum */
    uint8_t pad[4];     /* paddingOctets */
};

union y2_rd {
    uint32_t a;        /* sourceIPv4Address, host order */
    uint8_t aaaa[16];  /* sourceIPv6Address */
    fbVarfield_t name; /* CNAME, NS, PTR, TXT */
    struct y2_mx mx;
    struct y2_srv srv;
    struct y2_soa soa;
};

/* YAF 3 DNS records: no padding on the wire, so packed in memory. */
struct __attribute__((packed)) y3_rr {
    fbSubTemplateList_t rr; /* dnsDetailRecordList */
    fbVarfield_t name;      /* dnsName (dnsQName) */
    uint32_t ttl;           /* dnsTTL */
    uint16_t type;          /* dnsRRType */
    uint8_t qr;             /* dnsQueryResponse */
    uint8_t aa;             /* dnsAuthoritative */
    uint8_t rcode;          /* dnsResponseCode */
    uint8_t section;        /* dnsSection */
    uint16_t id;            /* dnsId */
};

struct __attribute__((packed)) y3_rr_flat {
    fbVarfield_t name; /* as y3_rr, without the detail list */
    uint32_t ttl;
    uint16_t type;
    uint8_t qr;
    uint8_t aa;
    uint8_t rcode;
    uint8_t section;
    uint16_t id;
};

struct __attribute__((packed)) y3_mx {
    fbVarfield_t exchange;
    uint16_t pref;
};

struct __attribute__((packed)) y3_srv {
    fbVarfield_t target;
    uint16_t prio;
    uint16_t weight;
    uint16_t port;
};

struct __attribute__((packed)) y3_soa {
    fbVarfield_t mname;
    fbVarfield_t rname;
    uint32_t v[5];
};

struct tcp_bi {
    uint32_t seq;     /* tcpSequenceNumber */
    uint8_t flags[4]; /* initial, union, reverse initial, reverse union TCP flags */
    uint32_t rev_seq; /* reverseTcpSequenceNumber */
};

struct __attribute__((packed)) tcp_uni {
    uint32_t seq;     /* tcpSequenceNumber */
    uint8_t flags[2]; /* initialTCPFlags, unionTCPFlags */
};

_Static_assert(sizeof(struct wr_flow) == 184, "wr_flow must match int_flow_spec");
_Static_assert(offsetof(struct wr_flow, stml) == 136, "wr_flow layout");
_Static_assert(sizeof(struct y2_qr) == 64, "0xCF00 layout");
_Static_assert(sizeof(struct y2_mx) == 24 && sizeof(struct y2_srv) == 24, "MX/SRV layout");
_Static_assert(sizeof(struct y2_soa) == 56, "SOA layout");
_Static_assert(sizeof(struct y3_rr) == 60 && sizeof(struct y3_rr_flat) == 28, "YAF 3 layout");
_Static_assert(sizeof(struct tcp_bi) == 12 && sizeof(struct tcp_uni) == 6, "TCP layout");

/* Options records: process statistics, tombstone, tombstone access entry. */
struct wr_stats {
    uint32_t odid;         /* observationDomainId (scope) */
    uint32_t pid;          /* exportingProcessId (scope) */
    uint32_t exporter;     /* exporterIPv4Address (scope) */
    uint32_t obs_time;     /* observationTimeSeconds */
    uint64_t init_ms;      /* systemInitTimeMilliseconds */
    uint64_t flows;        /* exportedFlowRecordTotalCount */
    uint64_t packets;      /* packetTotalCount */
    uint64_t dropped;      /* droppedPacketTotalCount */
    uint64_t ignored;      /* ignoredPacketTotalCount */
    uint64_t not_sent;     /* notSentPacketTotalCount */
    uint32_t frag_expired; /* expiredFragmentCount */
    uint32_t frag_done;    /* assembledFragmentCount */
    uint32_t flushes;      /* flowTableFlushEventCount */
    uint32_t peak;         /* flowTablePeakCount */
    uint32_t flow_rate;    /* meanFlowRate */
    uint32_t pkt_rate;     /* meanPacketRate */
};

static const fbInfoElementSpec_t stats_spec[] = {
    SPEC("observationDomainId", 4, 0),
    SPEC("exportingProcessId", 4, 0),
    SPEC("exporterIPv4Address", 4, 0),
    SPEC("observationTimeSeconds", 4, 0),
    SPEC("systemInitTimeMilliseconds", 8, 0),
    SPEC("exportedFlowRecordTotalCount", 8, 0),
    SPEC("packetTotalCount", 8, 0),
    SPEC("droppedPacketTotalCount", 8, 0),
    SPEC("ignoredPacketTotalCount", 8, 0),
    SPEC("notSentPacketTotalCount", 8, 0),
    SPEC("expiredFragmentCount", 4, 0),
    SPEC("assembledFragmentCount", 4, 0),
    SPEC("flowTableFlushEventCount", 4, 0),
    SPEC("flowTablePeakCount", 4, 0),
    SPEC("meanFlowRate", 4, 0),
    SPEC("meanPacketRate", 4, 0),
    SPEC_END,
};

struct wr_tomb {
    uint32_t odid;              /* observationDomainId (scope) */
    uint32_t pid;               /* exportingProcessId (scope) */
    uint16_t config_id;         /* exporterConfiguredId (scope) */
    uint8_t pad[6];             /* paddingOctets */
    uint32_t tomb_id;           /* tombstoneId */
    uint32_t obs_time;          /* observationTimeSeconds */
    fbSubTemplateList_t access; /* tombstoneAccessList of 0xD005 */
};

struct wr_access {
    uint32_t tool_id;  /* certToolId: 1 = YAF */
    uint32_t obs_time; /* observationTimeSeconds */
};

static const fbInfoElementSpec_t tomb_spec[] = {
    SPEC("observationDomainId", 4, 0),
    SPEC("exportingProcessId", 4, 0),
    SPEC("exporterConfiguredId", 2, 0),
    SPEC("paddingOctets", 6, 0),
    SPEC("tombstoneId", 4, 0),
    SPEC("observationTimeSeconds", 4, 0),
    SPEC("tombstoneAccessList", VARLEN, 0),
    SPEC_END,
};

static const fbInfoElementSpec_t access_spec[] = {
    SPEC("certToolId", 4, 0),
    SPEC("observationTimeSeconds", 4, 0),
    SPEC_END,
};

_Static_assert(sizeof(struct wr_stats) == 88 && sizeof(struct wr_tomb) == 56, "options layout");

/* ------------------------------------------------------ DNS and DPI specs */

static const fbInfoElementSpec_t dns_wrap_spec[] = {SPEC("subTemplateList", VARLEN, 0), SPEC_END};

static const fbInfoElementSpec_t dns_qr_spec[] = {
    SPEC("subTemplateList", VARLEN, F_Y2),
    SPEC("dnsDetailRecordList", VARLEN, F_Y3 | F_RR),
    SPEC("dnsQName", VARLEN, 0),
    SPEC("dnsTTL", 4, 0),
    SPEC("dnsQRType", 2, 0),
    SPEC("dnsQueryResponse", 1, 0),
    SPEC("dnsAuthoritative", 1, 0),
    SPEC("dnsNXDomain", 1, 0),
    SPEC("dnsRRSection", 1, 0),
    SPEC("dnsID", 2, 0),
    SPEC("paddingOctets", 4, F_Y2),
    SPEC_END,
};

/* RR-detail templates, indexed by enum gen_rd_kind (GEN_RD_NONE uses the A template, empty). */
static const fbInfoElementSpec_t rd_a_spec[] = {SPEC("sourceIPv4Address", 4, F_Y2),
                                                SPEC("rrIPv4", 4, F_Y3), SPEC_END};
static const fbInfoElementSpec_t rd_aaaa_spec[] = {SPEC("sourceIPv6Address", 16, F_Y2),
                                                   SPEC("rrIPv6", 16, F_Y3), SPEC_END};
static const fbInfoElementSpec_t rd_cname_spec[] = {SPEC("dnsCName", VARLEN, 0), SPEC_END};
static const fbInfoElementSpec_t rd_ns_spec[] = {SPEC("dnsNSDName", VARLEN, 0), SPEC_END};
static const fbInfoElementSpec_t rd_ptr_spec[] = {SPEC("dnsPTRDName", VARLEN, 0), SPEC_END};
static const fbInfoElementSpec_t rd_txt_spec[] = {SPEC("dnsTXTData", VARLEN, 0), SPEC_END};
static const fbInfoElementSpec_t rd_mx_spec[] = {SPEC("dnsMXExchange", VARLEN, 0),
                                                 SPEC("dnsMXPreference", 2, 0),
                                                 SPEC("paddingOctets", 6, F_Y2), SPEC_END};
static const fbInfoElementSpec_t rd_srv_spec[] = {
    SPEC("dnsSRVTarget", VARLEN, 0), SPEC("dnsSRVPriority", 2, 0),   SPEC("dnsSRVWeight", 2, 0),
    SPEC("dnsSRVPort", 2, 0),        SPEC("paddingOctets", 2, F_Y2), SPEC_END};
static const fbInfoElementSpec_t rd_soa_spec[] = {
    SPEC("dnsSOAMName", VARLEN, 0), SPEC("dnsSOARName", VARLEN, 0), SPEC("dnsSOASerial", 4, 0),
    SPEC("dnsSOARefresh", 4, 0),    SPEC("dnsSOARetry", 4, 0),      SPEC("dnsSOAExpire", 4, 0),
    SPEC("dnsSOAMinimum", 4, 0),    SPEC("paddingOctets", 4, F_Y2), SPEC_END};

struct rd_def {
    uint16_t tid;                    /* 0xCE01.. */
    const fbInfoElementSpec_t *spec; /* fields */
};

static const struct rd_def rd_defs[] = {
    [GEN_RD_NONE] = {0xCE01, rd_a_spec},    [GEN_RD_A] = {0xCE01, rd_a_spec},
    [GEN_RD_NS] = {0xCE05, rd_ns_spec},     [GEN_RD_CNAME] = {0xCE03, rd_cname_spec},
    [GEN_RD_SOA] = {0xCE09, rd_soa_spec},   [GEN_RD_PTR] = {0xCE06, rd_ptr_spec},
    [GEN_RD_MX] = {0xCE04, rd_mx_spec},     [GEN_RD_TXT] = {0xCE07, rd_txt_spec},
    [GEN_RD_AAAA] = {0xCE02, rd_aaaa_spec}, [GEN_RD_SRV] = {0xCE08, rd_srv_spec},
};
#define RD_KINDS (sizeof(rd_defs) / sizeof(rd_defs[0]))

static const fbInfoElementSpec_t tcp_spec[] = {
    SPEC("tcpSequenceNumber", 4, 0),
    SPEC("initialTCPFlags", 1, 0),
    SPEC("unionTCPFlags", 1, 0),
    SPEC("reverseInitialTCPFlags", 1, F_BIF),
    SPEC("reverseUnionTCPFlags", 1, F_BIF),
    SPEC("reverseTcpSequenceNumber", 4, F_BIF),
    SPEC_END,
};

/* DPI templates YAF always exports and these files never use (they make a file look like YAF's). */
static const fbInfoElementSpec_t bl1_spec[] = {SPEC("basicList", VARLEN, 0), SPEC_END};
static const fbInfoElementSpec_t bl2_spec[] = {SPEC("basicList", VARLEN, 0),
                                               SPEC("basicList", VARLEN, 0), SPEC_END};
static const fbInfoElementSpec_t mac_spec[] = {SPEC("sourceMacAddress", 6, 0),
                                               SPEC("destinationMacAddress", 6, 0), SPEC_END};
static const fbInfoElementSpec_t payload_spec[] = {SPEC("payload", VARLEN, 0),
                                                   SPEC("reversePayload", VARLEN, F_BIF), SPEC_END};
static const fbInfoElementSpec_t tftp_spec[] = {SPEC("tftpFilename", VARLEN, 0),
                                                SPEC("tftpMode", VARLEN, 0), SPEC_END};
static const fbInfoElementSpec_t slp_spec[] = {
    SPEC("basicList", VARLEN, 0), SPEC("slpVersion", 1, 0), SPEC("slpMessageType", 1, 0),
    SPEC("paddingOctets", 6, 0), SPEC_END};
static const fbInfoElementSpec_t rtp_spec[] = {SPEC("rtpPayloadType", 1, 0),
                                               SPEC("reverseRtpPayloadType", 1, 0), SPEC_END};
static const fbInfoElementSpec_t mysql_spec[] = {SPEC("subTemplateList", VARLEN, 0),
                                                 SPEC("mysqlUsername", VARLEN, 0), SPEC_END};
static const fbInfoElementSpec_t mysqlcmd_spec[] = {SPEC("mysqlCommandText", VARLEN, 0),
                                                    SPEC("mysqlCommandCode", 1, 0),
                                                    SPEC("paddingOctets", 7, 0), SPEC_END};
static const fbInfoElementSpec_t ssl_spec[] = {
    SPEC("basicList", VARLEN, 0),     SPEC("sslServerCipher", 4, 0),
    SPEC("sslClientVersion", 1, 0),   SPEC("sslCompressionMethod", 1, 0),
    SPEC("sslRecordVersion", 2, 0),   SPEC("subTemplateList", VARLEN, 0),
    SPEC("sslServerName", VARLEN, 0), SPEC_END};
static const fbInfoElementSpec_t sslobj_spec[] = {SPEC("sslObjectValue", VARLEN, 0),
                                                  SPEC("sslObjectType", 1, 0),
                                                  SPEC("paddingOctets", 7, 0), SPEC_END};
static const fbInfoElementSpec_t stats_entry_spec[] = {
    SPEC("dataByteCount", 8, 0),
    SPEC("averageInterarrivalTime", 8, 0),
    SPEC("standardDeviationInterarrivalTime", 8, 0),
    SPEC("tcpUrgTotalCount", 4, 0),
    SPEC("smallPacketCount", 4, 0),
    SPEC("nonEmptyPacketCount", 4, 0),
    SPEC("largePacketCount", 4, 0),
    SPEC("firstNonEmptyPacketSize", 2, 0),
    SPEC("maxPacketSize", 2, 0),
    SPEC("standardDeviationPayloadLength", 2, 0),
    SPEC("firstEightNonEmptyPacketDirections", 1, 0),
    SPEC_END,
};

struct tmpl_def {
    const fbInfoElementSpec_t *spec; /* fields */
    uint32_t flags;                  /* spec flags to apply */
    uint16_t tid;                    /* external template ID */
    uint16_t nbl;                    /* >0: a template of this many basicLists (spec unused) */
};

static const struct tmpl_def unused_defs[] = {
    {mac_spec, 0, 0xC004, 0},      {stats_entry_spec, 0, 0xC005, 0},
    {payload_spec, 0, 0xC008, 0},  {payload_spec, F_BIF, 0xC018, 0},
    {bl1_spec, 0, 0xC200, 0},      {bl1_spec, 0, 0xC300, 0},
    {tftp_spec, 0, 0xC400, 0},     {slp_spec, 0, 0xC500, 0},
    {NULL, 0, 0xC600, 20},         {NULL, 0, 0xC700, 5},
    {NULL, 0, 0xC800, 7},          {NULL, 0, 0xC900, 12},
    {NULL, 0, 0xCA00, 7},          {bl2_spec, 0, 0xCD00, 0},
    {rtp_spec, 0, 0xC206, 0},      {mysql_spec, 0, 0xCE0C, 0},
    {mysqlcmd_spec, 0, 0xCE0D, 0}, {ssl_spec, 0, 0xCA0A, 0},
    {sslobj_spec, 0, 0xCE14, 0},
};

/* ---------------------------------------------------------------- writer */

struct gen_writer {
    FILE *fp;                     /* the output file (ours; libfixbuf only writes to it) */
    char *path;                   /* for messages */
    fbInfoModel_t *model;         /* CERT model plus the YAF 3 and 6871/41 elements */
    fbSession_t *session;         /* freed by fBufFree */
    fBuf_t *fbuf;                 /* export buffer */
    struct gen_write_opts opts;   /* as given */
    fbTemplate_t *t_dns;          /* 0xCE00 */
    fbTemplate_t *t_qr;           /* 0xCF00 */
    fbTemplate_t *t_rd[RD_KINDS]; /* RR detail by kind */
    fbTemplate_t *t_tcp;          /* 0xC003 */
    fbTemplate_t *t_tcp_bi;       /* 0xC013 */
    fbTemplate_t *t_access;       /* 0xD005 */
    uint8_t flow_added[8];        /* flow template exported yet, by (bif | v6 << 1 | fle << 2) */
    uint16_t cur_int;             /* internal template set on fbuf, 0 = none */
    uint64_t flows;               /* flow records written */
    struct wr_flow rec;           /* the record being written */
    fbSubTemplateMultiListEntry_t entry[2];         /* its STML entries */
    struct tcp_bi tcp_bi;                           /* 0xC013 entry record */
    struct tcp_uni tcp_uni;                         /* 0xC003 entry record */
    struct y2_wrap wrap;                            /* 0xCE00 entry record */
    struct y2_qr qr2[GEN_MAX_RR];                   /* layout 2 DNS records */
    union y2_rd rd2[GEN_MAX_RR];                    /* their RR details */
    uint8_t rr3[GEN_MAX_RR * sizeof(struct y3_rr)]; /* layout 3 DNS records (packed) */
    uint8_t rd3[GEN_MAX_RR][64];                    /* their RR details (packed) */
};

static int
gerr_set(struct err *err, GError *g, const char *path, const char *what)
{
    int rc = ERR_SET(err, ERR_INTERNAL, "%s: %s: %s", path, what, g ? g->message : "failed");
    g_clear_error(&g);
    return rc;
}

static fbTemplate_t *
make_tmpl(fbInfoModel_t *model, const fbInfoElementSpec_t *spec, uint32_t flags, uint16_t nbl,
          GError **gerr)
{
    fbTemplate_t *t = fbTemplateAlloc(model);

    if (nbl > 0) {
        for (uint16_t i = 0; i < nbl; i++)
            if (!fbTemplateAppendSpecArray(t, (fbInfoElementSpec_t *)bl1_spec, 0, gerr))
                goto fail;
        return t;
    }
    if (fbTemplateAppendSpecArray(t, (fbInfoElementSpec_t *)spec, flags, gerr))
        return t;
fail:
    fbTemplateFreeUnused(t);
    return NULL;
}

/* Adds `t` to the session (external unless `internal`); NULL `t` passes an earlier failure on. */
static fbTemplate_t *
add_tmpl(struct gen_writer *w, int internal, uint16_t tid, fbTemplate_t *t, GError **gerr)
{
    if (t == NULL)
        return NULL;
    if (fbSessionAddTemplate(w->session, internal ? TRUE : FALSE, tid, t, gerr) == 0) {
        fbTemplateFreeUnused(t);
        return NULL;
    }
    return t;
}

static int
add_templates(struct gen_writer *w, GError **gerr)
{
    uint32_t lay = w->opts.layout == 3 ? F_Y3 : F_Y2;
    uint32_t rr = w->opts.rr_detail ? F_RR : 0;
    fbInfoModel_t *m = w->model;
    fbTemplate_t *t;

    for (size_t i = 0; i < sizeof(unused_defs) / sizeof(unused_defs[0]); i++) {
        const struct tmpl_def *d = &unused_defs[i];
        if (!add_tmpl(w, 0, d->tid, make_tmpl(m, d->spec, d->flags, d->nbl, gerr), gerr))
            return -1;
    }
    w->t_tcp = add_tmpl(w, 0, TID_TCP, make_tmpl(m, tcp_spec, 0, 0, gerr), gerr);
    w->t_tcp_bi = add_tmpl(w, 0, TID_TCP_BI, make_tmpl(m, tcp_spec, F_BIF, 0, gerr), gerr);
    if (w->opts.layout == 2) {
        w->t_dns = add_tmpl(w, 0, TID_DNS, make_tmpl(m, dns_wrap_spec, 0, 0, gerr), gerr);
        if (!w->t_dns)
            return -1;
    }
    w->t_qr = add_tmpl(w, 0, TID_DNS_QR, make_tmpl(m, dns_qr_spec, lay | rr, 0, gerr), gerr);
    if (!w->t_tcp || !w->t_tcp_bi || !w->t_qr)
        return -1;
    for (size_t k = GEN_RD_A; k < RD_KINDS; k++) {
        w->t_rd[k] =
            add_tmpl(w, 0, rd_defs[k].tid, make_tmpl(m, rd_defs[k].spec, lay, 0, gerr), gerr);
        if (!w->t_rd[k])
            return -1;
    }
    w->t_rd[GEN_RD_NONE] = w->t_rd[GEN_RD_A];
    w->t_access = add_tmpl(w, 0, TID_ACCESS, make_tmpl(m, access_spec, 0, 0, gerr), gerr);
    if (!w->t_access)
        return -1;
    /* Options templates: three scope fields each, as YAF exports them. */
    t = make_tmpl(m, stats_spec, 0, 0, gerr);
    if (t)
        fbTemplateSetOptionsScope(t, 3);
    if (!add_tmpl(w, 0, TID_STATS, t, gerr))
        return -1;
    t = make_tmpl(m, tomb_spec, 0, 0, gerr);
    if (t)
        fbTemplateSetOptionsScope(t, 3);
    if (!add_tmpl(w, 0, TID_TOMB, t, gerr))
        return -1;
    /* Internal templates. */
    if (!add_tmpl(w, 1, TID_INT_FLOW, make_tmpl(m, int_flow_spec, 0, 0, gerr), gerr) ||
        !add_tmpl(w, 1, TID_INT_STATS, make_tmpl(m, stats_spec, 0, 0, gerr), gerr) ||
        !add_tmpl(w, 1, TID_INT_TOMB, make_tmpl(m, tomb_spec, 0, 0, gerr), gerr))
        return -1;
    return 0;
}

static void
free_parts(struct gen_writer *w)
{
    if (w->fbuf)
        fBufFree(w->fbuf); /* also frees the session and the exporter */
    else if (w->session)
        fbSessionFree(w->session);
    if (w->fp)
        fclose(w->fp);
    mem_free(w->path);
    mem_free(w);
}

struct gen_write_model {
    fbInfoModel_t *model; /* CERT model plus the YAF 3 and 6871/41 elements */
};

struct gen_write_model *
gen_write_model_create(struct err *err)
{
    struct gen_write_model *m = mem_calloc(1, sizeof(*m));
    GError *gerr = NULL;

    m->model = fbInfoModelAlloc();
    if (!fbInfoModelReadXMLFile(m->model, CERT_XML, &gerr)) {
        gerr_set(err, gerr, CERT_XML, "loading the CERT information model");
        gen_write_model_destroy(m);
        return NULL;
    }
    /* Elements Debian's 2.4.1 XML lacks: YAF 3's lists and YAF 2.16's 6871/41. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-align" /* FB_IE_INIT_FULL casts the name literal */
    fbInfoElement_t extra[] = {
        FB_IE_INIT_FULL("dnsDetailRecordList", 6871, 431, FB_IE_VARLEN, FB_IE_DEFAULT, 0, 0,
                        FB_SUB_TMPL_LIST, NULL),
        FB_IE_INIT_FULL("yafDPIList", 6871, 432, FB_IE_VARLEN, FB_IE_DEFAULT, 0, 0,
                        FB_SUB_TMPL_LIST, NULL),
        FB_IE_INIT_FULL("reverseFlowDeltaMicroseconds", 6871, 41, 8, FB_IE_F_ENDIAN, 0, 0,
                        FB_UINT_64, NULL),
        FB_IE_NULL,
    };
#pragma GCC diagnostic pop
    fbInfoModelAddElementArray(m->model, extra);
    return m;
}

void
gen_write_model_destroy(struct gen_write_model *m)
{
    if (m == NULL)
        return;
    if (m->model)
        fbInfoModelFree(m->model);
    mem_free(m);
}

struct gen_writer *
gen_write_open(const char *path, const struct gen_write_opts *opts, struct gen_write_model *model,
               struct err *err)
{
    struct gen_writer *w = mem_calloc(1, sizeof(*w));
    GError *gerr = NULL;

    w->opts = *opts;
    w->path = mem_strdup(path);
    w->model = model->model;
    w->session = fbSessionAlloc(w->model);
    if (add_templates(w, &gerr) < 0) {
        gerr_set(err, gerr, path, "building templates");
        goto fail;
    }
    w->fp = fopen(path, "wb");
    if (w->fp == NULL) {
        ERR_SET_ERRNO(err, errno, "%s: cannot create", path);
        goto fail;
    }
    setvbuf(w->fp, NULL, _IOFBF, 1 << 20);
    w->fbuf = fBufAllocForExport(w->session, fbExporterAllocFP(w->fp));
    fBufSetExportTime(w->fbuf, opts->export_time);
    if (!fbSessionExportTemplates(w->session, &gerr)) {
        gerr_set(err, gerr, path, "exporting templates");
        goto fail;
    }
    return w;
fail:
    free_parts(w);
    return NULL;
}

static int
set_internal(struct gen_writer *w, uint16_t tid, struct err *err)
{
    GError *gerr = NULL;

    if (w->cur_int == tid)
        return 0;
    if (!fBufSetInternalTemplate(w->fbuf, tid, &gerr))
        return gerr_set(err, gerr, w->path, "internal template");
    w->cur_int = tid;
    return 0;
}

/* Bytes of a varlen field holding `len` bytes. */
static uint32_t
vlen(uint32_t len)
{
    return len < 255 ? 1 + len : 3 + len;
}

static fbVarfield_t
varfield(const uint8_t *p, uint32_t len)
{
    fbVarfield_t v;

    v.len = len;
    v.buf = (uint8_t *)p; /* libfixbuf only reads through it when encoding */
    return v;
}

static void
stl_set(fbSubTemplateList_t *l, uint16_t tid, const fbTemplate_t *t, void *data, size_t size,
        uint16_t n)
{
    l->semantic = 3; /* allOf, as YAF writes */
    l->tmplID = tid;
    l->tmpl = t;
    l->dataPtr = n ? data : NULL;
    l->numElements = n;
    l->dataLength.length = n ? size * n : 0;
}

/* Fills the layout 2 RR-detail record of rr[i]; returns its encoded size (0: empty list). */
static uint32_t
rd2_fill(union y2_rd *d, enum gen_rd_kind k, const struct gen_rdata *s, size_t *size)
{
    memset(d, 0, sizeof(*d));
    switch (k) {
    case GEN_RD_A:
        d->a = s->v[0];
        *size = 4;
        return 4;
    case GEN_RD_AAAA:
        memcpy(d->aaaa, s->addr6, 16);
        *size = 16;
        return 16;
    case GEN_RD_NS:
    case GEN_RD_CNAME:
    case GEN_RD_PTR:
    case GEN_RD_TXT:
        d->name = varfield(s->s1, s->s1_len);
        *size = sizeof(fbVarfield_t);
        return vlen(s->s1_len);
    case GEN_RD_MX:
        d->mx.exchange = varfield(s->s1, s->s1_len);
        d->mx.pref = (uint16_t)s->v[0];
        *size = sizeof(struct y2_mx);
        return vlen(s->s1_len) + 8;
    case GEN_RD_SRV:
        d->srv.target = varfield(s->s1, s->s1_len);
        d->srv.prio = (uint16_t)s->v[0];
        d->srv.weight = (uint16_t)s->v[1];
        d->srv.port = (uint16_t)s->v[2];
        *size = sizeof(struct y2_srv);
        return vlen(s->s1_len) + 8;
    case GEN_RD_SOA:
        d->soa.mname = varfield(s->s1, s->s1_len);
        d->soa.rname = varfield(s->s2, s->s2_len);
        memcpy(d->soa.v, s->v, sizeof(d->soa.v));
        *size = sizeof(struct y2_soa);
        return vlen(s->s1_len) + vlen(s->s2_len) + 24;
    case GEN_RD_NONE:
        break;
    }
    *size = 0;
    return 0;
}

/* The same for layout 3 (packed, no padding). */
static uint32_t
rd3_fill(uint8_t *buf, enum gen_rd_kind k, const struct gen_rdata *s, size_t *size)
{
    switch (k) {
    case GEN_RD_A:
        memcpy(buf, &s->v[0], 4);
        *size = 4;
        return 4;
    case GEN_RD_AAAA:
        memcpy(buf, s->addr6, 16);
        *size = 16;
        return 16;
    case GEN_RD_NS:
    case GEN_RD_CNAME:
    case GEN_RD_PTR:
    case GEN_RD_TXT: {
        fbVarfield_t v = varfield(s->s1, s->s1_len);
        memcpy(buf, &v, sizeof(v));
        *size = sizeof(v);
        return vlen(s->s1_len);
    }
    case GEN_RD_MX: {
        struct y3_mx *mx = (struct y3_mx *)buf;
        mx->exchange = varfield(s->s1, s->s1_len);
        mx->pref = (uint16_t)s->v[0];
        *size = sizeof(*mx);
        return vlen(s->s1_len) + 2;
    }
    case GEN_RD_SRV: {
        struct y3_srv *srv = (struct y3_srv *)buf;
        srv->target = varfield(s->s1, s->s1_len);
        srv->prio = (uint16_t)s->v[0];
        srv->weight = (uint16_t)s->v[1];
        srv->port = (uint16_t)s->v[2];
        *size = sizeof(*srv);
        return vlen(s->s1_len) + 6;
    }
    case GEN_RD_SOA: {
        struct y3_soa *soa = (struct y3_soa *)buf;
        soa->mname = varfield(s->s1, s->s1_len);
        soa->rname = varfield(s->s2, s->s2_len);
        for (int i = 0; i < 5; i++)
            soa->v[i] = s->v[i];
        *size = sizeof(*soa);
        return vlen(s->s1_len) + vlen(s->s2_len) + 20;
    }
    case GEN_RD_NONE:
        break;
    }
    *size = 0;
    return 0;
}

/* Layout 2: the 0xCE00 entry's STL of 0xCF00 records. Returns the STL's encoded size. */
static uint32_t
dns_y2(struct gen_writer *w, const struct gen_flow *g)
{
    uint32_t n = g->f.ndns;
    uint32_t size = 6; /* STL header: varlen prefix, semantic, template ID */

    for (uint32_t i = 0; i < n; i++) {
        const struct dns_rr *r = &g->rr[i];
        struct y2_qr *q = &w->qr2[i];
        enum gen_rd_kind k = gen_model_rdata_kind(r->section, r->rrtype);
        size_t rsize;
        uint32_t enc = rd2_fill(&w->rd2[i], k, &g->rd[i], &rsize);

        stl_set(&q->rr, rd_defs[k].tid, w->t_rd[k], &w->rd2[i], rsize, k == GEN_RD_NONE ? 0 : 1);
        q->name = varfield(r->name, r->name_len);
        q->ttl = r->ttl;
        q->type = r->rrtype;
        q->qr = r->qr;
        q->aa = r->aa;
        q->rcode = r->rcode;
        q->section = r->section;
        q->id = r->id;
        memset(q->pad, 0, sizeof(q->pad));
        size += 6 + enc + vlen(r->name_len) + 16;
    }
    stl_set(&w->wrap.qr, TID_DNS_QR, w->t_qr, w->qr2, sizeof(struct y2_qr), (uint16_t)n);
    return size;
}

/* Layout 3: yafDPIList's 0xCF00 records. Returns the list's encoded size. */
static uint32_t
dns_y3(struct gen_writer *w, const struct gen_flow *g)
{
    uint32_t n = g->f.ndns;
    uint32_t size = 6;
    size_t recsize = w->opts.rr_detail ? sizeof(struct y3_rr) : sizeof(struct y3_rr_flat);

    for (uint32_t i = 0; i < n; i++) {
        const struct dns_rr *r = &g->rr[i];
        uint8_t *at = w->rr3 + i * recsize;
        struct y3_rr_flat f;

        f.name = varfield(r->name, r->name_len);
        f.ttl = r->ttl;
        f.type = r->rrtype;
        f.qr = r->qr;
        f.aa = r->aa;
        f.rcode = r->rcode;
        f.section = r->section;
        f.id = r->id;
        if (w->opts.rr_detail) {
            enum gen_rd_kind k = gen_model_rdata_kind(r->section, r->rrtype);
            size_t rsize;
            uint32_t enc = rd3_fill(w->rd3[i], k, &g->rd[i], &rsize);
            fbSubTemplateList_t l;
            stl_set(&l, rd_defs[k].tid, w->t_rd[k], w->rd3[i], rsize, k == GEN_RD_NONE ? 0 : 1);
            memcpy(at, &l, sizeof(l));
            memcpy(at + sizeof(l), &f, sizeof(f));
            size += 6 + enc;
        } else {
            memcpy(at, &f, sizeof(f));
        }
        size += vlen(r->name_len) + 12;
    }
    stl_set(&w->rec.dpi, TID_DNS_QR, w->t_qr, w->rr3, recsize, (uint16_t)n);
    return size;
}

/* Exports the flow template for this shape the first time it is needed (as YAF does). */
static int
flow_tid(struct gen_writer *w, int bif, int v6, int fle, struct err *err)
{
    uint16_t tid;
    uint32_t flags = (bif ? F_BIF : 0) | (v6 ? F_V6 : F_V4) | (fle ? F_FLE : F_RLE);
    int key = bif | v6 << 1 | fle << 2;
    GError *gerr = NULL;

    if (w->opts.layout == 3) {
        tid = (uint16_t)(0xB000 | (fle ? 0x1 : 0) | (v6 ? 0x8 : 0) | (bif ? 0x20 : 0));
        flags |= F_Y3;
    } else {
        tid = (uint16_t)(0xB000 | (bif ? 0x10 : 0) | (fle ? 0x80 : 0) | (v6 ? 0x400 : 0));
        flags |= F_Y2;
    }
    if (!w->flow_added[key]) {
        fbTemplate_t *t = make_tmpl(w->model, ext_flow_spec, flags, 0, &gerr);
        if (!add_tmpl(w, 0, tid, t, &gerr))
            return gerr_set(err, gerr, w->path, "adding a flow template");
        w->flow_added[key] = 1;
    }
    return tid;
}

int
gen_write_flow(struct gen_writer *w, const struct gen_flow *g, struct err *err)
{
    const struct flow *f = &g->f;
    struct wr_flow *r = &w->rec;
    int bif = f->rev_packets > 0;
    int v6 = f->family == FLOW_IPV6;
    const uint64_t rle_max = (uint64_t)1 << 31;
    int fle = f->bytes >= rle_max || f->packets >= rle_max || f->rev_bytes >= rle_max ||
              f->rev_packets >= rle_max;
    uint32_t size = FIXED_UNI(v6, fle) + (bif ? FIXED_BI(fle) : 0);
    GError *gerr = NULL;

    int tid = flow_tid(w, bif, v6, fle, err);
    if (tid < 0)
        return tid;
    memset(r, 0, sizeof(*r));
    r->start_ms = (uint64_t)f->start_ms;
    r->end_ms = (uint64_t)f->end_ms;
    r->start_ntp = g->start_ntp;
    r->end_ntp = g->end_ntp;
    r->bytes = f->bytes;
    r->packets = f->packets;
    r->rev_bytes = f->rev_bytes;
    r->rev_packets = f->rev_packets;
    r->rev_delta_us = g->rev_delta_us;
    r->rev_delta_ms = g->rev_delta_ms;
    if (v6) {
        memcpy(r->sip6, f->sip, 16);
        memcpy(r->dip6, f->dip, 16);
    } else {
        r->sip4 = flow_ipv4(f->sip);
        r->dip4 = flow_ipv4(f->dip);
    }
    r->sport = f->sport;
    r->dport = f->dport;
    r->attrs = g->attrs;
    r->rev_attrs = g->rev_attrs;
    r->app = f->app_label;
    r->vlan = g->vlan;
    r->rev_vlan = bif ? g->vlan : 0;
    r->proto = f->proto;
    r->reason = g->end_reason;
    r->tos = g->tos;
    r->rev_tos = g->rev_tos;

    if (w->opts.layout == 2) {
        uint16_t n = 0;
        size += 4; /* STML: varlen prefix, semantic */
        if (f->proto == 6) {
            fbSubTemplateMultiListEntry_t *e = &w->entry[n++];
            if (bif) {
                w->tcp_bi.seq = g->tcp_seq;
                w->tcp_bi.rev_seq = g->rev_tcp_seq;
                memcpy(w->tcp_bi.flags, g->tcp_flags, 4);
                e->tmpl = w->t_tcp_bi;
                e->tmplID = TID_TCP_BI;
                e->dataPtr = (uint8_t *)&w->tcp_bi;
                e->dataLength = sizeof(w->tcp_bi);
                size += 4 + 12;
            } else {
                w->tcp_uni.seq = g->tcp_seq;
                memcpy(w->tcp_uni.flags, g->tcp_flags, 2);
                e->tmpl = w->t_tcp;
                e->tmplID = TID_TCP;
                e->dataPtr = (uint8_t *)&w->tcp_uni;
                e->dataLength = sizeof(w->tcp_uni);
                size += 4 + 6;
            }
            e->numElements = 1;
        }
        if (f->ndns > 0) {
            fbSubTemplateMultiListEntry_t *e = &w->entry[n++];
            size += 4 + dns_y2(w, g);
            e->tmpl = w->t_dns;
            e->tmplID = TID_DNS;
            e->dataPtr = (uint8_t *)&w->wrap;
            e->dataLength = sizeof(w->wrap);
            e->numElements = 1;
        }
        r->stml.semantic = 3;
        r->stml.numElements = n;
        r->stml.firstEntry = n ? w->entry : NULL;
    } else {
        size += dns_y3(w, g);
    }

    if (set_internal(w, TID_INT_FLOW, err) < 0)
        return -ERR_INTERNAL;
    if (!fBufSetExportTemplate(w->fbuf, (uint16_t)tid, &gerr) ||
        !fBufAppend(w->fbuf, (uint8_t *)r, sizeof(*r), &gerr))
        return gerr_set(err, gerr, w->path, "appending a flow record");
    w->flows++;
    return (int)size;
}

static int
write_options(struct gen_writer *w, uint64_t packets, struct err *err)
{
    struct wr_stats s;
    struct wr_tomb t;
    struct wr_access a;
    GError *gerr = NULL;
    uint32_t now = w->opts.export_time;

    memset(&s, 0, sizeof(s));
    s.pid = w->opts.pid;
    s.exporter = 0x7F000001u;
    s.obs_time = now;
    s.init_ms = (uint64_t)w->opts.init_ms;
    s.flows = w->flows;
    s.packets = packets;
    s.ignored = packets / 997;
    s.flushes = 3;
    s.peak = (uint32_t)(w->flows / 50 + 1);
    s.flow_rate = (uint32_t)(w->flows / 3600 + 1);
    s.pkt_rate = (uint32_t)(packets / 3600 + 1);
    if (set_internal(w, TID_INT_STATS, err) < 0)
        return -ERR_INTERNAL;
    if (!fBufSetExportTemplate(w->fbuf, TID_STATS, &gerr) ||
        !fBufAppend(w->fbuf, (uint8_t *)&s, sizeof(s), &gerr))
        return gerr_set(err, gerr, w->path, "appending the statistics record");

    memset(&t, 0, sizeof(t));
    t.pid = w->opts.pid;
    t.obs_time = now;
    a.tool_id = 1;
    a.obs_time = now;
    stl_set(&t.access, TID_ACCESS, w->t_access, &a, sizeof(a), 1);
    t.access.semantic = 0; /* noneOf, as YAF writes its tombstone list */
    if (set_internal(w, TID_INT_TOMB, err) < 0)
        return -ERR_INTERNAL;
    if (!fBufSetExportTemplate(w->fbuf, TID_TOMB, &gerr) ||
        !fBufAppend(w->fbuf, (uint8_t *)&t, sizeof(t), &gerr))
        return gerr_set(err, gerr, w->path, "appending the tombstone record");
    return 0;
}

int
gen_write_close(struct gen_writer *w, uint64_t packets, struct err *err)
{
    GError *gerr = NULL;
    int rc = 0;

    if (w == NULL)
        return 0;
    if (err->code == ERR_OK)
        rc = write_options(w, packets, err);
    if (rc == 0 && !fBufEmit(w->fbuf, &gerr))
        rc = gerr_set(err, gerr, w->path, "writing");
    fBufFree(w->fbuf); /* frees the session and the exporter, not our FILE */
    w->fbuf = NULL;
    w->session = NULL;
    FILE *fp = w->fp;
    w->fp = NULL;
    if (fflush(fp) != 0 || ferror(fp)) {
        if (rc == 0)
            rc = ERR_SET_ERRNO(err, errno, "%s: write failed", w->path);
    }
    if (fclose(fp) != 0 && rc == 0)
        rc = ERR_SET_ERRNO(err, errno, "%s: close failed", w->path);
    free_parts(w);
    return rc;
}
