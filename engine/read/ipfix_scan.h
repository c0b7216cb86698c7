/*
 * ipfix_scan.h - structural check of one IPFIX message before libfixbuf sees it
 * (private to engine/read; no fixbuf or GLib here).
 *
 * Why: libfixbuf 2.4.1 trusts the lengths inside a message. In automatic mode
 * a bad set, list or varlen length silently drops the rest of the message; in
 * manual mode it is reported, but only as "end of message" with no offset; and
 * some corrupt nested lengths make it read past the list it is decoding (its
 * record counting walk has no bounds check) or count forever (16-bit wrap).
 * So every message is first walked here, in stream order, with the same rules
 * libfixbuf applies, along exactly the paths libfixbuf will decode: set
 * framing, template records, every top-level data record, and inside flow
 * records the subTemplateMultiList (0/293) and yafDPIList (6871/432) down to
 * the DNS records. Whatever would make libfixbuf fail or misread is cut out:
 *
 *   - a damaged record and the rest of its set (set framing intact), or the
 *     rest of the message when the set framing itself is broken;
 *   - data sets whose template is unknown (counted, not damage) or unusable;
 *   - template records libfixbuf would reject (reserved IDs, "withdraw all",
 *     bad scope counts, records overrunning their set), with the rest of the
 *     set. A single-template withdrawal (libfixbuf writes one before it
 *     redefines a template) is mirrored as libfixbuf keeps it: an empty
 *     template, never decoded; data sets still using it are damage.
 *
 * Cutting produces a rewritten copy of the message (set and message lengths
 * fixed up), so libfixbuf only ever decodes well-formed data, and the exact
 * byte offset of each problem is known.
 *
 * The scanner mirrors libfixbuf's external templates (per observation domain),
 * classified by the same ipfix_scan_classify() the reader's new-template
 * callback uses, in the same stream order. Which sub-templates are decoded in
 * lists follows each template's class in the message's own domain; libfixbuf
 * keeps that in one session-wide pair table, which another domain's template
 * of the same ID would overwrite, so the reader resets the pairs of the list
 * templates a message uses (ipfix_scan_result.list_tid) before libfixbuf
 * decodes it. So the two always agree on what gets decoded.
 *
 * Threads: a scanner is confined to one reader.
 */
#ifndef ENGINE_IPFIX_SCAN_H
#define ENGINE_IPFIX_SCAN_H

#include <stddef.h>
#include <stdint.h>

#define IPFIX_VARLEN 65535 /* template field length meaning "variable length" */

/*
 * Observation domains one file may use. Each has its own template tables here
 * and in libfixbuf; without a cap a hostile file of tiny messages, each naming
 * a new domain, would grow memory ~100x its size. Messages of further domains
 * are skipped whole, as damage.
 */
#define IPFIX_MAX_DOMAINS 64

/*
 * Template state one file may hold, over all its domains: each template costs
 * its struct here (~500 bytes, the fast decoder's plan) plus 8 bytes a field,
 * and what libfixbuf keeps for it with --decoder fixbuf (charged as
 * IPFIX_FIXBUF_TMPL_COST + IPFIX_FIXBUF_FIELD_COST a field, measured at about
 * 380 + 96), plus 2 KiB per 256 template IDs of a domain in use. Both decoders
 * are charged the same, so they stop at the same template. A file that needs
 * more (a template flood) ends there as a bad file: a worker's templates stay
 * under this bound whatever the input (docs/format.md).
 */
#define IPFIX_MAX_TEMPLATE_BYTES (16u << 20)
#define IPFIX_FIXBUF_TMPL_COST   512u
#define IPFIX_FIXBUF_FIELD_COST  128u

/* Well-known enterprise numbers. */
#define IPFIX_PEN_IANA    0u
#define IPFIX_PEN_REVERSE 29305u /* reverse of an IANA element (RFC 5103) */
#define IPFIX_PEN_CERT    6871u

/* Flags a flow template gets (the template context of the reader). */
enum ipfix_flow_flag {
    IPFIX_F_FLOW = 1u << 0,         /* a flow record: always set for flows */
    IPFIX_F_START_MS = 1u << 1,     /* flowStartMilliseconds 0/152 */
    IPFIX_F_START_US = 1u << 2,     /* flowStartMicroseconds 0/154 (NTP) */
    IPFIX_F_START_NS = 1u << 3,     /* flowStartNanoseconds 0/156 (NTP) */
    IPFIX_F_END_MS = 1u << 4,       /* flowEndMilliseconds 0/153 */
    IPFIX_F_END_US = 1u << 5,       /* flowEndMicroseconds 0/155 */
    IPFIX_F_END_NS = 1u << 6,       /* flowEndNanoseconds 0/157 */
    IPFIX_F_OCT_TOTAL = 1u << 7,    /* octetTotalCount 0/85 (else octetDeltaCount 0/1) */
    IPFIX_F_PKT_TOTAL = 1u << 8,    /* packetTotalCount 0/86 (else packetDeltaCount 0/2) */
    IPFIX_F_ROCT_TOTAL = 1u << 9,   /* reverseOctetTotalCount 29305/85 (else 29305/1) */
    IPFIX_F_RPKT_TOTAL = 1u << 10,  /* reversePacketTotalCount 29305/86 (else 29305/2) */
    IPFIX_F_V4 = 1u << 11,          /* sourceIPv4Address 0/8 (else IPv6 0/27, 0/28) */
    IPFIX_F_DPORT = 1u << 12,       /* destinationTransportPort 0/11 */
    IPFIX_F_ICMP4 = 1u << 13,       /* icmpTypeCodeIPv4 0/32 (dport when 0/11 is absent) */
    IPFIX_F_ICMP6 = 1u << 14,       /* icmpTypeCodeIPv6 0/139 (idem) */
    IPFIX_F_BIFLOW = 1u << 15,      /* any reverse counter present */
    IPFIX_F_STML = 1u << 16,        /* subTemplateMultiList 0/293 (YAF 2.x DPI) */
    IPFIX_F_DPI = 1u << 17,         /* yafDPIList 6871/432 (YAF 3.x DPI) */
    IPFIX_F_DPI_FIRST = 1u << 18,   /* both lists, the yafDPIList first: its records come first */
    IPFIX_F_START_S = 1u << 19,     /* flowStartSeconds 0/150 */
    IPFIX_F_END_S = 1u << 20,       /* flowEndSeconds 0/151 */
    IPFIX_F_START_UP = 1u << 21,    /* flowStartSysUpTime 0/22 (ms since systemInitTime) */
    IPFIX_F_END_UP = 1u << 22,      /* flowEndSysUpTime 0/21 */
    IPFIX_F_SYSINIT = 1u << 23,     /* systemInitTimeMilliseconds 0/160, in the same record */
    IPFIX_F_START_DELTA = 1u << 24, /* flowStartDeltaMicroseconds 0/158 (before export time) */
    IPFIX_F_END_DELTA = 1u << 25    /* flowEndDeltaMicroseconds 0/159 */
};

/* How a template is decoded when it appears inside a list (the pair table). */
enum ipfix_pair {
    IPFIX_PAIR_NONE = 0, /* not decoded: libfixbuf skips the list or entry */
    IPFIX_PAIR_WRAP = 1, /* YAF 2.x DPI wrapper: exactly one field, a 0/292 list */
    IPFIX_PAIR_DNS = 2   /* DNS resource record: has 6871/179 and 6871/175 */
};

/* One field of an external template, as on the wire. */
struct ipfix_field {
    uint32_t ent; /* private enterprise number, 0 for IANA */
    uint16_t id;  /* element ID without the enterprise bit */
    uint16_t len; /* octets, or IPFIX_VARLEN */
};

/* One element of an internal template (what the reader transcodes into). */
struct ipfix_int_ie {
    const char *name; /* element name in the information model */
    uint32_t ent;     /* its PEN */
    uint16_t id;      /* its ID */
    uint16_t len;     /* bytes in the C struct, or IPFIX_VARLEN (varfield or list struct) */
};

/*
 * The reader's internal templates, in C struct order: the flow record, a DNS
 * resource record, the YAF 2.x DPI wrapper (one subTemplateList), and a
 * one-byte template for top-level records the reader skips. ipfix_read.c
 * builds its fixbuf templates from these; ipfix_scan_classify() refuses
 * external templates that libfixbuf could not transcode into them.
 */
/*
 * Sizes of the DNS and wrapper C structs (ipfix_read.c checks them). libfixbuf
 * 2.4.1 decodes a list into one buffer of records x this size, and fails when
 * that exceeds 65535 bytes: a list holds at most IPFIX_LIST_MAX_RECORDS
 * decoded records (2047); ipfix_scan_message() reports longer lists as damage.
 */
#define IPFIX_INT_DNS_SIZE     32
#define IPFIX_INT_WRAP_SIZE    32
#define IPFIX_LIST_MAX_RECORDS (65535 / IPFIX_INT_DNS_SIZE)
#define IPFIX_INT_FLOW_N       34
#define IPFIX_INT_DNS_N        9
#define IPFIX_INT_WRAP_N       1
#define IPFIX_INT_SKIP_N       1
extern const struct ipfix_int_ie ipfix_int_flow[IPFIX_INT_FLOW_N];
extern const struct ipfix_int_ie ipfix_int_dns[IPFIX_INT_DNS_N];
extern const struct ipfix_int_ie ipfix_int_wrap[IPFIX_INT_WRAP_N];
extern const struct ipfix_int_ie ipfix_int_skip[IPFIX_INT_SKIP_N];

/* Indexes into ipfix_int_flow[] and ipfix_int_dns[] (the tables' order). */
enum ipfix_int_flow_idx {
    IPFIX_IF_START_MS,
    IPFIX_IF_END_MS,
    IPFIX_IF_START_US,
    IPFIX_IF_END_US,
    IPFIX_IF_START_NS,
    IPFIX_IF_END_NS,
    IPFIX_IF_OCT_TOTAL,
    IPFIX_IF_PKT_TOTAL,
    IPFIX_IF_ROCT_TOTAL,
    IPFIX_IF_RPKT_TOTAL,
    IPFIX_IF_OCT_DELTA,
    IPFIX_IF_PKT_DELTA,
    IPFIX_IF_ROCT_DELTA,
    IPFIX_IF_RPKT_DELTA,
    IPFIX_IF_SYSINIT,
    IPFIX_IF_SIP6,
    IPFIX_IF_DIP6,
    IPFIX_IF_SIP4,
    IPFIX_IF_DIP4,
    IPFIX_IF_START_S,
    IPFIX_IF_END_S,
    IPFIX_IF_START_UP,
    IPFIX_IF_END_UP,
    IPFIX_IF_START_DELTA,
    IPFIX_IF_END_DELTA,
    IPFIX_IF_SPORT,
    IPFIX_IF_DPORT,
    IPFIX_IF_ICMP4,
    IPFIX_IF_ICMP6,
    IPFIX_IF_APP,
    IPFIX_IF_PROTO,
    IPFIX_IF_PAD,
    IPFIX_IF_STML,
    IPFIX_IF_DPI
};
enum ipfix_int_dns_idx {
    IPFIX_ID_NAME,
    IPFIX_ID_TTL,
    IPFIX_ID_TYPE,
    IPFIX_ID_QR,
    IPFIX_ID_AA,
    IPFIX_ID_RCODE,
    IPFIX_ID_SECTION,
    IPFIX_ID_ID,
    IPFIX_ID_PAD
};

/* What the reader does with records of a template. */
struct ipfix_tclass {
    uint32_t flow_flags; /* enum ipfix_flow_flag; 0 when not a flow record */
    uint8_t pair;        /* enum ipfix_pair */
    uint8_t top_ok;      /* 0: top-level records cannot be transcoded (set dropped) */
    const char *why;     /* when !top_ok: what is wrong with the template */
    /*
     * A template that looks like a flow (not options, an address) but gives no start time the
     * reader can place exactly (flowStartSysUpTime without systemInitTimeMilliseconds in the
     * record, or no start at all): why, else NULL. Its records are not flows; the scanner
     * counts them (ipfix_scan_result.untimed) so that they are never dropped without a word.
     */
    const char *untimed;
};

/*
 * ipfix_scan_classify() - classifies an external template by the (PEN, ID) of
 * its fields (never by template ID, name or field order). `scope` is its
 * options scope count (> 0 means an options template: never a flow).
 */
void ipfix_scan_classify(const struct ipfix_field *f, uint32_t n, uint32_t scope,
                         struct ipfix_tclass *out);

/* What ipfix_scan_message() found in one message. */
struct ipfix_scan_result {
    uint8_t *msg;          /* the message to decode: the input, or a repaired copy */
    size_t len;            /* bytes in msg */
    uint32_t unknown_sets; /* data sets dropped: template unknown */
    uint32_t damaged;      /* damaged sets (or message tails) dropped */
    int skip;              /* 1: decode nothing of this message (msg, len unset) */
    int fatal;             /* 1: the file cannot go on (IPFIX_MAX_TEMPLATE_BYTES); skip is set */
    /*
     * The list templates the message uses, each once, in first-use order, with
     * how it decodes in this message's domain then (enum ipfix_pair); valid
     * until the next call. libfixbuf's pair table is one per session, not per
     * domain: the libfixbuf reader sets these pairs before each message.
     * Noted only without a visitor (ipfix_scan_visit()): the fast decoder
     * never reads them (nlist is then 0).
     */
    const uint16_t *list_tid;
    const uint8_t *list_pair;
    size_t nlist;
    /*
     * Records of flow-like templates with no start time the reader can place
     * (ipfix_tclass.untimed): how many in this message, and the first one's
     * template, observation domain and why (static text), to name them.
     */
    uint32_t untimed;
    uint16_t untimed_tid;
    uint32_t untimed_domain;
    const char *untimed_why;
    uint64_t damage_off;   /* file offset of the first damage, if damaged */
    char damage_what[200]; /* what was wrong there */
};

/*
 * The fast decoder's plan for one template, compiled when the template is
 * defined: where each of the reader's elements sits in a record. libfixbuf
 * transcodes the FIRST wire occurrence of an element (RFC 7011 allows
 * repeats), so the plan points at the first one too. A record is a run of
 * fixed fields, a varlen field, a run of fixed fields, ... (its skeleton):
 * a fixed field is at a constant offset from the end of the varlen field
 * before it (or from the record start), so the walk keeps only where each
 * varlen value starts and how long it is.
 */
struct ipfix_slot {
    int32_t off;  /* constant byte offset in every record; -1 when a varlen field precedes it */
    int16_t idx;  /* wire field index (< 16384: 4 bytes a field); -1 when absent */
    uint16_t len; /* wire length, or IPFIX_VARLEN */
    uint16_t
        var; /* varlen: its number among the varlen fields; fixed: the varlen fields before it */
    uint16_t voff; /* fixed, var > 0: offset after the end of varlen field var - 1 (a record that
                      holds the field is < 65536 bytes) */
};
/*
 * The specialised flow plan (ipfix_fast_compile()): for templates whose flow
 * elements all sit at constant offsets (YAF's and super_mediator's layouts:
 * the lists come last), where each field of struct flow comes from, with the
 * template's choices (total or delta counters, ms/us/ns times, IPv4 or IPv6,
 * dport or ICMP type) and libfixbuf's reduced-length rules settled once: a
 * value is `len` big-endian bytes at `off` (len 0: absent, reads 0).
 */
struct ipfix_src {
    uint16_t off;
    uint8_t len; /* 0..8 (an IPv6 address: 16) */
    /*
     * How it is read without a branch: the 8 bytes ending where the value
     * ends (p + pos, pos >= -8), big-endian, & mask (0 when absent: then pos
     * is -8). A top-level record starts 20 bytes or more into its message
     * (message and set headers), so those 8 bytes are always in the message.
     */
    int32_t pos;
    uint64_t mask;
};
enum ipfix_tkind {
    IPFIX_T_NONE,
    IPFIX_T_MS,   /* dateTimeMilliseconds (0/152, 0/153) */
    IPFIX_T_US,   /* NTP, microseconds (0/154, 0/155) */
    IPFIX_T_NS,   /* NTP, nanoseconds (0/156, 0/157) */
    IPFIX_T_S,    /* dateTimeSeconds (0/150, 0/151): x 1000 */
    IPFIX_T_UP,   /* ms since the record's systemInitTimeMilliseconds (0/22, 0/21 with 0/160) */
    IPFIX_T_DELTA /* microseconds before the message's export time (0/158, 0/159) */
};

/*
 * ipfix_start_kind(), ipfix_end_kind() - which element of a flow template
 * (enum ipfix_flow_flag `fl`) gives the flow's start and end, in this order of
 * preference: ms, us, ns, seconds, sysUpTime (only with 0/160 in the record),
 * delta. A flow template always has a start; IPFIX_T_NONE: no end (end_ms 0).
 */
static inline enum ipfix_tkind
ipfix_start_kind(uint32_t fl)
{
    return (fl & IPFIX_F_START_MS)   ? IPFIX_T_MS
           : (fl & IPFIX_F_START_US) ? IPFIX_T_US
           : (fl & IPFIX_F_START_NS) ? IPFIX_T_NS
           : (fl & IPFIX_F_START_S)  ? IPFIX_T_S
           : (fl & (IPFIX_F_START_UP | IPFIX_F_SYSINIT)) == (IPFIX_F_START_UP | IPFIX_F_SYSINIT)
               ? IPFIX_T_UP
           : (fl & IPFIX_F_START_DELTA) ? IPFIX_T_DELTA
                                        : IPFIX_T_NONE;
}
static inline enum ipfix_tkind
ipfix_end_kind(uint32_t fl)
{
    return (fl & IPFIX_F_END_MS)   ? IPFIX_T_MS
           : (fl & IPFIX_F_END_US) ? IPFIX_T_US
           : (fl & IPFIX_F_END_NS) ? IPFIX_T_NS
           : (fl & IPFIX_F_END_S)  ? IPFIX_T_S
           : (fl & (IPFIX_F_END_UP | IPFIX_F_SYSINIT)) == (IPFIX_F_END_UP | IPFIX_F_SYSINIT)
               ? IPFIX_T_UP
           : (fl & IPFIX_F_END_DELTA) ? IPFIX_T_DELTA
                                      : IPFIX_T_NONE;
}

/* ipfix_time_idx() - the element (enum ipfix_int_flow_idx) of time kind `k`, start or end. */
static inline int
ipfix_time_idx(enum ipfix_tkind k, int start)
{
    switch (k) {
    case IPFIX_T_MS:
        return start ? IPFIX_IF_START_MS : IPFIX_IF_END_MS;
    case IPFIX_T_US:
        return start ? IPFIX_IF_START_US : IPFIX_IF_END_US;
    case IPFIX_T_NS:
        return start ? IPFIX_IF_START_NS : IPFIX_IF_END_NS;
    case IPFIX_T_S:
        return start ? IPFIX_IF_START_S : IPFIX_IF_END_S;
    case IPFIX_T_UP:
        return start ? IPFIX_IF_START_UP : IPFIX_IF_END_UP;
    case IPFIX_T_DELTA:
        return start ? IPFIX_IF_START_DELTA : IPFIX_IF_END_DELTA;
    case IPFIX_T_NONE:
    default:
        return -1;
    }
}

/* ipfix_time_size() - bytes of the reader's value of time kind `k` (8, or 4 for S, UP, DELTA). */
static inline uint32_t
ipfix_time_size(enum ipfix_tkind k)
{
    return k == IPFIX_T_S || k == IPFIX_T_UP || k == IPFIX_T_DELTA ? 4 : 8;
}
struct ipfix_fixed {
    uint8_t ok;                   /* 1: ipfix_fast_flow() takes the specialised path */
    uint8_t v4;                   /* IPv4 addresses (else IPv6) */
    uint8_t start_kind, end_kind; /* enum ipfix_tkind */
    struct ipfix_src start, end;  /* the time elements chosen */
    struct ipfix_src bytes, packets, rev_bytes, rev_packets;
    struct ipfix_src sip, dip; /* 4 bytes (v4) or 16/0 (v6) */
    struct ipfix_src sport, dport, app, proto;
};
/*
 * The specialised DNS plan (ipfix_fast_compile()): which parts of a DNS record
 * (`parts`, bits of enum ipfix_need_dns in ipfix_read.h) sit where a record's
 * first IPFIX_DNS_FIXED_VARS varlen values (which the walk notes) find them
 * with one base pointer per record: the name absent or one of those varlen
 * fields; each other part absent or a fixed-length field at a constant offset
 * from the plan's base, which is the record start or the end of one of those
 * varlen fields: the type's (else the first part present's, in the order of
 * the struct). YAF's layout (the rdata list, the name, TTL, type, QR, AA,
 * RCODE, section, ID, padding) has every part. A part elsewhere is not in
 * `parts`: a job reading it takes the general path, ipfix_fast_rr(). A job
 * whose parts are all in `parts` reads the records with ipfix_fast_rr_fixed().
 */
#define IPFIX_DNS_FIXED_VARS 4
/*
 * Where one part is and how it reads, libfixbuf's reduced-length rules settled
 * when the template came: the 4 big-endian bytes ending at base + pos + 4,
 * & mask. An "endian" part of S bytes (TTL 4, type 2, ID 2) in a field of L:
 * the field's last min(L, S) bytes (a shorter field zero-extended, a longer
 * one's low-order bytes); a one-byte part (QR, AA, RCODE, section): the
 * field's first byte. Absent or 0 bytes: pos -4, mask 0 (reads 0; a DNS
 * record sits 20 bytes or more into its message, so the bytes read are
 * always the message's).
 */
struct ipfix_dns_src {
    int32_t pos;
    uint32_t mask;
};
struct ipfix_dns_fixed {
    uint32_t parts;  /* enum ipfix_need_dns: the parts ipfix_fast_rr_fixed() may decode */
    int8_t name_var; /* the name's varlen number; -1 when absent */
    int8_t base;     /* the parts' base: -1 the record start, k the end of varlen value k */
    struct ipfix_dns_src type, ttl, id, qr, aa, rcode, section;
};
struct ipfix_plan {
    struct ipfix_slot flow[IPFIX_INT_FLOW_N]; /* by enum ipfix_int_flow_idx */
    struct ipfix_slot dns[IPFIX_INT_DNS_N];   /* by enum ipfix_int_dns_idx */
    struct ipfix_fixed fixed;                 /* flow templates: the specialised path */
    struct ipfix_dns_fixed dns_fixed;         /* DNS templates: the specialised path */
};

/*
 * One record the scanner has walked and found whole, handed to a visitor.
 * Fields at a constant offset are at p + slot.off; varlen field k's value
 * at vs[k], vl[k] bytes (after its length prefix).
 */
struct ipfix_rec {
    const uint8_t *p;              /* first byte of the record */
    const uint8_t *const *vs;      /* value of varlen field k */
    const uint16_t *vl;            /* its length */
    const struct ipfix_plan *plan; /* the record's template plan */
    const void *tmpl;              /* the scanner's template (ipfix_scan_flow_rrs()) */
    uint32_t flow_flags;           /* enum ipfix_flow_flag of the template (flows only) */
    uint32_t export_s;             /* the message's export time, Unix seconds (IPFIX_T_DELTA) */
    uint32_t ndns;                 /* flows: the DNS records its lists yield */
};

/*
 * What ipfix_scan_message() reports, record by record, as it walks; exactly
 * the records libfixbuf would decode from the checked message and in the same
 * order. flow() is called for each whole flow record (its lists already
 * walked and found whole, its DNS records counted in ndns, not yet shown:
 * ipfix_scan_flow_rrs() shows them); other() for each top-level record that
 * is not a flow. The records point into the message given to
 * ipfix_scan_message(); they are valid until the next call.
 */
struct ipfix_visitor {
    void (*flow)(void *ctx, const struct ipfix_rec *r);
    void (*other)(void *ctx);
    void *ctx;
    int dns; /* 0: flow() never calls ipfix_scan_flow_rrs() (the walk counts DNS records only) */
};

struct ipfix_scan; /* opaque */

/* ipfix_scan_create() - a scanner with no templates; never NULL. */
struct ipfix_scan *ipfix_scan_create(void);

/*
 * ipfix_scan_reset() - back to a scanner with no templates and no visitor, for
 * the next file; keeps its memory (a sweep of many small files would
 * otherwise pay for fresh pages at every file).
 */
void ipfix_scan_reset(struct ipfix_scan *s);

/* ipfix_scan_visit() - reports records to `v` (copied) from now on; NULL stops. */
void ipfix_scan_visit(struct ipfix_scan *s, const struct ipfix_visitor *v);

/* ipfix_scan_destroy() - frees `s`; NULL is a no-op. */
void ipfix_scan_destroy(struct ipfix_scan *s);

/*
 * ipfix_scan_message() - checks the message `msg` (`len` bytes, header already
 * checked: version 10, length == len >= 16) found at file offset `off`, and
 * updates the mirrored template state. Fills `res`; res->msg is `msg` itself
 * when nothing had to be cut, else a copy owned by `s`, valid until the next
 * call. Never fails: every problem is cut out and reported in `res`.
 */
void ipfix_scan_message(struct ipfix_scan *s, uint8_t *msg, size_t len, uint64_t off,
                        struct ipfix_scan_result *res);

/*
 * ipfix_scan_flow_rrs() - from the flow visitor only: the r->ndns DNS records
 * of flow record `r` (found by the walk that showed it), parts `need` (enum
 * ipfix_need_dns), decoded by ipfix_fast_rr() into out[0..r->ndns), in wire
 * order; by ipfix_fast_rr_fixed() for the records whose template's specialised
 * plan has every part of `need` (struct ipfix_dns_fixed). Only flows a job
 * keeps pay for it (projection: a job that reads no DNS field never calls it).
 */
struct dns_rr;
void ipfix_scan_flow_rrs(struct ipfix_scan *s, const struct ipfix_rec *r, struct dns_rr *out,
                         uint32_t need);

/*
 * ipfix_scan_plan() - the plan of a template of the `n` fields `f` whose class
 * has `flow_flags` (ipfix_scan_classify()): what define() compiles when a
 * template arrives, for the tests of the specialised paths.
 */
void ipfix_scan_plan(const struct ipfix_field *f, uint32_t n, uint32_t flow_flags,
                     struct ipfix_plan *out);

#endif
