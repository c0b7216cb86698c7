/*
 * ipfix_read_int.h - the reader's private structs, shared by ipfix_read.c
 * (model, open/close, message framing, the fast decoder) and ipfix_fixbuf.c
 * (the libfixbuf decoder, --decoder fixbuf). Not for other modules.
 */
#ifndef ENGINE_IPFIX_READ_INT_H
#define ENGINE_IPFIX_READ_INT_H

#include <stddef.h>
#include <stdint.h>

#include <fixbuf/public.h>

#include "bytesrc.h"
#include "ipfix_read.h"
#include "ipfix_scan.h"

/* Internal template IDs (internal and external IDs live in separate tables). */
enum {
    TID_FLOW = 0x7F01,
    TID_WRAP = 0x7F02,
    TID_DNS = 0x7F03,
    TID_SKIP = 0x7F04
};

/* The flow record as libfixbuf fills it: ipfix_int_flow[] in order (enum ipfix_int_flow_idx). */
struct frec {
    uint64_t start_ms;             /* flowStartMilliseconds */
    uint64_t end_ms;               /* flowEndMilliseconds */
    uint64_t start_us;             /* flowStartMicroseconds, NTP format */
    uint64_t end_us;               /* flowEndMicroseconds, NTP */
    uint64_t start_ns;             /* flowStartNanoseconds, NTP */
    uint64_t end_ns;               /* flowEndNanoseconds, NTP */
    uint64_t oct_total;            /* octetTotalCount */
    uint64_t pkt_total;            /* packetTotalCount */
    uint64_t roct_total;           /* reverseOctetTotalCount */
    uint64_t rpkt_total;           /* reversePacketTotalCount */
    uint64_t oct_delta;            /* octetDeltaCount */
    uint64_t pkt_delta;            /* packetDeltaCount */
    uint64_t roct_delta;           /* reverseOctetDeltaCount */
    uint64_t rpkt_delta;           /* reversePacketDeltaCount */
    uint64_t sys_init;             /* systemInitTimeMilliseconds */
    uint8_t sip6[16];              /* sourceIPv6Address */
    uint8_t dip6[16];              /* destinationIPv6Address */
    uint32_t sip4;                 /* sourceIPv4Address, host order */
    uint32_t dip4;                 /* destinationIPv4Address, host order */
    uint32_t start_s;              /* flowStartSeconds */
    uint32_t end_s;                /* flowEndSeconds */
    uint32_t start_up;             /* flowStartSysUpTime, ms since sys_init */
    uint32_t end_up;               /* flowEndSysUpTime */
    uint32_t start_delta;          /* flowStartDeltaMicroseconds, before the export time */
    uint32_t end_delta;            /* flowEndDeltaMicroseconds */
    uint16_t sport;                /* sourceTransportPort */
    uint16_t dport;                /* destinationTransportPort */
    uint16_t icmp4;                /* icmpTypeCodeIPv4 */
    uint16_t icmp6;                /* icmpTypeCodeIPv6 */
    uint16_t app;                  /* silkAppLabel */
    uint8_t proto;                 /* protocolIdentifier */
    uint8_t pad[5];                /* paddingOctets: keeps the lists 8-aligned */
    fbSubTemplateMultiList_t stml; /* subTemplateMultiList (YAF 2.x DPI) */
    fbSubTemplateList_t dpi;       /* yafDPIList (YAF 3.x DPI) */
};

/* A DNS resource record as libfixbuf fills it: ipfix_int_dns[] in order. */
struct drec {
    fbVarfield_t name; /* dnsQName / dnsName */
    uint32_t ttl;      /* dnsTTL */
    uint16_t rrtype;   /* dnsQRType / dnsRRType */
    uint8_t qr;        /* dnsQueryResponse */
    uint8_t aa;        /* dnsAuthoritative */
    uint8_t rcode;     /* dnsNXDomain / dnsResponseCode */
    uint8_t section;   /* dnsRRSection / dnsSection */
    uint16_t id;       /* dnsID / dnsId */
    uint8_t pad[4];    /* paddingOctets */
};

/* The YAF 2.x DPI wrapper record (0xCE00): ipfix_int_wrap[]. */
struct wrec {
    fbSubTemplateList_t list; /* subTemplateList of DNS records */
};

/* ipfix_scan.c counts list records against libfixbuf's limit with these sizes. */
_Static_assert(sizeof(struct drec) == IPFIX_INT_DNS_SIZE, "IPFIX_INT_DNS_SIZE");
_Static_assert(sizeof(struct wrec) == IPFIX_INT_WRAP_SIZE, "IPFIX_INT_WRAP_SIZE");
_Static_assert(IPFIX_INT_WRAP_SIZE == IPFIX_INT_DNS_SIZE, "one list limit for both");

/*
 * A reader's buffers, kept by the model between files: a sweep over thousands
 * of small files would otherwise allocate (and fault in) a megabyte or more
 * per file, which measured ~1 ms of system time each.
 */
struct reader_mem {
    uint8_t *buf;            /* read buffer, READ_BUF_CAP bytes */
    struct ipfix_scan *scan; /* reset */
    struct dns_rr *rrs;      /* and its capacity */
    size_t cap_rrs;
    struct flow *flows; /* fast decoder: flows of a message, rr0 alike */
    uint32_t *rr0;
    size_t cap_flows;
    size_t flows_hi; /* flows[0, flows_hi) may have been written since they were zeroed */
};

struct ipfix_model {
    enum ipfix_decoder dec;  /* which decoder readers of this model use */
    fbInfoModel_t *im;       /* CERT + YAF 3 elements; grows with alien elements */
    struct reader_mem spare; /* buffers of the last closed reader (buf NULL: none) */
    struct ipfix_need need;  /* what its readers decode (ipfix_model_need()) */
    int reserve;             /* descriptor held for the next file, or -1 (see reserve_fd()) */
};

struct ipfix_reader {
    struct ipfix_model *m;      /* borrowed */
    char *path;                 /* for messages */
    struct bytesrc *src;        /* the open file's bytes (plain, gzip or zstd) */
    fBuf_t *fb;                 /* owns the session (no collector) */
    fbTemplate_t *flow_tmpl;    /* internal TID_FLOW, for fBufListFree() */
    struct ipfix_scan *scan;    /* message checker and mirrored template state */
    uint8_t *buf;               /* read buffer */
    size_t beg, end;            /* unread bytes are buf[beg, end) */
    uint64_t buf_off;           /* file offset of buf[0] */
    int eof;                    /* read(2) returned 0 */
    int in_msg;                 /* a message is loaded in libfixbuf */
    uint64_t msg_off;           /* file offset of that message */
    uint32_t export_s;          /* its export time, Unix seconds (flowStartDeltaMicroseconds) */
    uint16_t int_tid;           /* internal template currently set on fb */
    int live;                   /* rec holds decoded lists to free */
    int done;                   /* end of file or fatal error reached */
    struct frec rec;            /* the record being decoded */
    struct flow flow;           /* what next() hands out */
    struct dns_rr *rrs;         /* flow.dns storage (fast: of the whole message) */
    size_t cap_rrs;             /* entries allocated in rrs */
    struct ipfix_read_stats st; /* counts */
    /* fast decoder: the flows of the current message, decoded while it is checked */
    int fast;                 /* model's decoder is IPFIX_DECODER_FAST */
    struct ipfix_need need;   /* the model's: what the fast decoder decodes; keep() both apply */
    struct flow *flows;       /* decoded flows */
    uint32_t *rr0;            /* rr0[i]: index in rrs of flows[i]'s first DNS record */
    size_t nflows, cap_flows; /* used, allocated */
    size_t flows_hi;          /* flows[0, flows_hi) may be written: zeroed for the next reader */
    size_t next_flow;         /* next flow next() hands out */
    size_t nrr;               /* DNS records in rrs */
};

/* ipfix_read_note_damage() - counts `n` damages; the first of the file is described. */
void ipfix_read_note_damage(struct ipfix_reader *r, uint32_t n, uint64_t off, const char *what);

/*
 * ipfix_read_load_message() - frames the next message, checks it and hands it
 * to libfixbuf. Returns 1, 0 at a clean end of file, or -code (fatal).
 */
int ipfix_read_load_message(struct ipfix_reader *r, struct err *err);

/* ipfix_fixbuf_open() - the libfixbuf session of a reader; 0 or -code. */
int ipfix_fixbuf_open(struct ipfix_reader *r, struct err *err);

/*
 * ipfix_fixbuf_set_pairs() - sets libfixbuf's session-wide template pairs of
 * the list templates message `res` uses to their class in its own domain.
 */
void ipfix_fixbuf_set_pairs(struct ipfix_reader *r, const struct ipfix_scan_result *res);

/* ipfix_fixbuf_next() - ipfix_reader_next() for the libfixbuf decoder. */
int ipfix_fixbuf_next(struct ipfix_reader *r, const struct flow **flow, struct err *err);

#endif
