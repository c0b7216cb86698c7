/*
 * gen_model.h - the traffic model: turns random bits into one flow record at a
 * time, as YAF 2.16 with DNS DPI would have exported it.
 *
 * A flow is a `struct flow` (engine/common/flow.h, the reader's own record)
 * plus what the writer needs and flow.h does not carry: the RR-specific rdata
 * of each DNS record, NTP microsecond times, TCP flags, flowEndReason, vlan,
 * ToS. All names and rdata strings live in the flow's own arena, so a flow is
 * one flat struct: nothing is allocated per record.
 *
 * Call order per output file: gen_model_init() with the file's stream key,
 * then gen_model_benign() / gen_model_channel() for each flow, in file order.
 * docs/generator.md describes the traffic mix.
 * Threads: a struct gen_model is confined to one thread; the world is shared.
 */
#ifndef BENCH_GEN_MODEL_H
#define BENCH_GEN_MODEL_H

#include <stdint.h>

#include "flow.h"
#include "gen_rng.h"
#include "gen_world.h"

#define GEN_MAX_RR    24    /* DNS records per flow */
#define GEN_ARENA     16384 /* bytes of names and rdata strings per flow */
#define GEN_DPI_LIMIT 1000  /* YAF's per-flow DPI export budget (dpi_total_limit) */

/* The rdata YAF puts in a record's RR-detail list (0xCE01..0xCE09), by rrtype. */
struct gen_rdata {
    const uint8_t
        *s1; /* A/AAAA: unused; CNAME/NS/PTR target, TXT text, MX exchange, SRV target, SOA mname */
    const uint8_t *s2; /* SOA rname */
    uint32_t s1_len;   /* bytes in s1 */
    uint32_t s2_len;   /* bytes in s2 */
    uint32_t v[5];     /* A: v[0] address (host order); MX: v[0] preference; SRV: priority,
                          weight, port; SOA: serial, refresh, retry, expire, minimum */
    uint8_t addr6[16]; /* AAAA address */
};

/* Which RR-detail template a record gets, as YAF chooses it (gen_model_rdata_kind()). */
enum gen_rd_kind {
    GEN_RD_NONE = 0, /* questions, other types, truncated RRs: empty list, TID 0xCE01 */
    GEN_RD_A,
    GEN_RD_NS,
    GEN_RD_CNAME,
    GEN_RD_SOA,
    GEN_RD_PTR,
    GEN_RD_MX,
    GEN_RD_TXT,
    GEN_RD_AAAA,
    GEN_RD_SRV
};

struct gen_flow {
    struct flow f;                   /* the record as a reader yields it; f.dns points at rr */
    struct dns_rr rr[GEN_MAX_RR];    /* DNS records in wire order */
    struct gen_rdata rd[GEN_MAX_RR]; /* rdata of rr[i] (answers of known types only) */
    uint64_t start_ntp;              /* flowStartMicroseconds, NTP format */
    uint64_t end_ntp;                /* flowEndMicroseconds, NTP format */
    uint64_t rev_delta_us;           /* reverseFlowDeltaMicroseconds */
    uint32_t rev_delta_ms;           /* reverseFlowDeltaMilliseconds */
    uint32_t tcp_seq;                /* tcpSequenceNumber (TCP only) */
    uint32_t rev_tcp_seq;            /* reverseTcpSequenceNumber */
    uint16_t vlan;                   /* vlanId (also the reverse vlanId) */
    uint16_t attrs;                  /* flowAttributes */
    uint16_t rev_attrs;              /* reverseFlowAttributes */
    uint8_t end_reason;              /* flowEndReason */
    uint8_t tos;                     /* ipClassOfService */
    uint8_t rev_tos;                 /* reverseIpClassOfService */
    uint8_t tcp_flags[4];            /* initial, union, reverse initial, reverse union */
    int8_t channel;                  /* -1 benign, else the planted channel's index */
    uint8_t split;                   /* 1: export as two uniflow records (gen_model_split()) */
    uint32_t nfwd;                   /* rr[0..nfwd) came from the forward direction's message */
    uint32_t dpi_used;               /* DPI budget spent on names and rdata strings */
    uint32_t arena_used;             /* bytes used in arena */
    uint8_t arena[GEN_ARENA];        /* names and rdata strings */
};

struct gen_model {
    const struct gen_world *w; /* shared facts */
    uint32_t uniflow_ppm;      /* share of biflows exported as two uniflows, per million */
    struct gen_rng rng;        /* this file's stream */
    uint64_t serial;           /* per-file counter that makes exfil payloads unique */
};

/*
 * gen_model_init() - starts the model of file `file` of hour `hour` (index
 * from the repo start). `uniflow_ppm` biflows per million are marked to be
 * exported as YAF --uniflow does (forward and reverse as separate records).
 */
void gen_model_init(struct gen_model *m, const struct gen_world *w, uint32_t hour, uint32_t file,
                    uint32_t uniflow_ppm);

/* gen_model_benign() - fills `g` with one benign flow starting at `t_ms`. */
void gen_model_benign(struct gen_model *m, int64_t t_ms, struct gen_flow *g);

/* gen_model_channel() - fills `g` with one flow of planted channel `ch` starting at `t_ms`. */
void gen_model_channel(struct gen_model *m, uint32_t ch, int64_t t_ms, struct gen_flow *g);

/*
 * gen_model_split() - when g->split is set and g is a biflow, turns `g` into
 * its forward uniflow and fills `rev` with the reverse one (endpoints
 * swapped, reverse counters, the reverse message's DNS records). `rev` points
 * into g's arena: write it before `g` is reused. Returns 1 if split, else 0.
 */
int gen_model_split(struct gen_flow *g, struct gen_flow *rev);

/* gen_model_copy() - copies flow `src` into `dst`, its pointers into src's arena moved to dst's. */
void gen_model_copy(struct gen_flow *dst, const struct gen_flow *src);

/* gen_model_rdata_kind() - the RR-detail list YAF exports for a record of this section and type. */
enum gen_rd_kind gen_model_rdata_kind(uint8_t section, uint16_t rrtype);

/* gen_model_ntp() - Unix ms plus µs-within-ms as YAF's NTP microseconds (low 11 bits clear). */
uint64_t gen_model_ntp(int64_t ms, uint32_t us);

#endif
