/*
 * job.h - the general job: filter, group by, aggregate, filter groups, order, limit.
 *
 * Every analytic is one struct job built from query text (docs/query.md):
 *   records   flows | silk | silk-forward | dns (record.h views)
 *   bytes     forward | total                  (flows view: add reverse counts)
 *   where     expression over record fields    (expr.h), e.g. "app = 53 and ndns > 0"
 *   group-by  "[name=]field, ..."              e.g. "dnsName=dns.names, dnsRRType=dns.types"
 *   agg       "[name=]func(field), ..."        count() sum() min() max() distinct() avg()
 *   having    expression over output columns   e.g. "bytes / packets > 70 and size(dnsName) < 3"
 *   order     "column [asc|desc], ..."         ties: the other columns' rendered text, ascending
 *   limit     rows to print, 0 = all
 * The output columns are the group-by keys, then the aggregates, in the order given.
 * The presets dns-names and dns-dest are such texts (job_preset_*), so what the
 * docs show written out is exactly what runs.
 * Threads: a built job is read-only and shared by all workers.
 */
#ifndef ENGINE_JOB_H
#define ENGINE_JOB_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "domain.h"
#include "err.h"
#include "expr.h"
#include "out.h"
#include "record.h"

#define JOB_MAX_KEYS  8
#define JOB_MAX_AGGS  16
#define JOB_MAX_COLS  (JOB_MAX_KEYS + JOB_MAX_AGGS)
#define JOB_MAX_ORDER 8 /* --order keys */
/* Bytes of one distinct aggregate's state (struct dset; agg.c checks the size). */
#define JOB_DISTINCT_STATE 32

enum agg_kind {
    AGG_COUNT,
    AGG_SUM,
    AGG_MIN,
    AGG_MAX,
    AGG_DISTINCT,
    AGG_AVG /* exact: a 128-bit sum and a count, rendered as a rounded decimal (out.h) */
};

struct job_col {
    char name[64];       /* table/CSV header */
    char json_name[64];  /* JSON key: name without characters JSON users trip on ('#') */
    int is_key;          /* 1: a group-by key, 0: an aggregate */
    enum field_id field; /* the key's field, or the aggregate's argument */
    enum agg_kind agg;   /* aggregates only */
    uint32_t off;        /* aggregates: offset of the state in the value block */
    uint32_t width;      /* AGG_DISTINCT: item width (17 addresses, 8 numbers, 16 strings) */
    uint64_t bin;        /* keys: bin(field, W): W in the field's unit (start of the bin); 0 none */
};

#define JOB_MAX_PREDS  16
#define JOB_PRED_SLOT  1000 /* --where slots from here on are DNS predicates */
#define JOB_NAMES_SLOT 999  /* --where: the flow's DNS names (dns.name, dns.suffix in ...) */
#define JOB_RR_NAME    998  /* --where, --records dns: the record's name (dns.name, dns.suffix) */
#define JOB_RR_DOMAIN  997  /* --where, --records dns: the record's dns.domain */

/* job_flow_name_at() - expr_name_at_fn over a struct flow: its k-th DNS name. */
size_t job_flow_name_at(const void *flow, size_t k, const uint8_t **p);

/* A --where function over the flow's DNS records: how many records match. */
enum job_pred_kind {
    PRED_TYPE,    /* count_type(N): records of RR type N */
    PRED_SECTION, /* count_section(N): records in section N (0 question .. 3 additional) */
    PRED_RCODE,   /* count_rcode(N): records with response code N */
    PRED_QR,      /* count_qr(N): records with dnsQueryResponse N */
    PRED_NAME,    /* count_name('x'): records whose name is exactly x */
    PRED_SUFFIX   /* count_suffix('x'): records whose name ends with x */
};

struct job_pred {
    enum job_pred_kind kind;
    uint64_t num;   /* numeric argument */
    char text[256]; /* text argument, as written (YAF-escaped form) */
    size_t len;     /* bytes of text */
};

#define JOB_MAX_TESTS 16

/* A conjunct of --where compiled to a direct test (job_keep_flow/job_keep_rec). */
enum job_test_kind {
    TEST_NUM,    /* field (or DNS predicate) <cmp> integer constant */
    TEST_REAL,   /* field (or DNS predicate) <cmp> real constant, compared exactly */
    TEST_RATIO,  /* field / field2 <cmp> constant; NULL (fails) when field2 is 0 */
    TEST_IN,     /* address field (or field2) [not] in a set of addresses (CIDR list, watchlist) */
    TEST_IN4,    /* TEST_IN of one field when the set is one IPv4 range [lo4, hi4] alone */
    TEST_IN_NUM, /* numeric field [not] in a set of numbers and ranges */
    TEST_EXPR    /* anything else: the expression tree with job_where_get() */
};

struct job_test {
    expr_int c; /* NUM, RATIO: the integer constant (exact comparison) */
    enum job_test_kind kind;
    enum expr_cmp cmp;
    enum field_id field;   /* NUM, REAL, RATIO, IN */
    enum field_id field2;  /* RATIO: the divisor; IN: the other side when term.slot2 >= 0 */
    int pred;              /* NUM, REAL: >= 0 tests preds[pred] instead of field; RATIO: 1 if c */
    double d;              /* REAL, RATIO: the constant */
    uint32_t lo4, hi4;     /* IN4: the range (host order) */
    struct expr_term term; /* IN, EXPR: the conjunct */
};

/*
 * A flow-level test of a number the flow holds (app = 53, ndns > 0, proto =
 * 17: the presets'), as job_keep_flow_pre() tests it without a record: the 8
 * bytes at `off` in struct flow, & mask, pass when (v - lo) <= span, the
 * other way round when neg (!=).
 */
struct job_flow_test {
    uint64_t lo, span, mask;
    uint32_t off;
    uint32_t neg;
};

/*
 * --where split at its top-level "and"s: the conjuncts that depend only on
 * the flow are tested once per flow, before its records are made; the rest
 * per record. When there are more than JOB_MAX_TESTS conjuncts, where is
 * evaluated whole per record (nflow = nrec = 0, whole = 1).
 */
struct job_where_plan {
    struct job_test flow[JOB_MAX_TESTS]; /* per flow, cheapest first */
    size_t nflow;
    size_t npre;                        /* flow[0..npre) read no DNS record (job_keep_flow_pre()) */
    struct job_test rec[JOB_MAX_TESTS]; /* per record, cheapest first */
    size_t nrec;
    int pre_in; /* flow[0..npre) is one TEST_IN of either side (addr in a list, a watchlist):
                   job_keep_flow_pre() looks the flow's two addresses up directly */
    const uint64_t *pre_v4; /* pre_in: its set's /24 bitmap (expr_term_v4_filter()), or NULL */
    int pre_num; /* flow[0..npre) are all numbers of the flow: tested as pre_ft[] (same results) */
    struct job_flow_test pre_ft[JOB_MAX_TESTS];
    int whole;        /* 1: evaluate job->where whole per record */
    int rec_may_fail; /* a per-record test evaluates a tree (it can fail on overflow) */
};

struct job {
    enum rec_view view;
    int bytes_total;     /* REC_FLOWS: bytes/packets include the reverse direction */
    struct expr *where;  /* NULL: keep every record */
    struct expr *having; /* NULL: keep every group */
    struct job_col cols[JOB_MAX_COLS];
    size_t ncols;
    size_t nkeys;                         /* cols[0..nkeys) are keys */
    uint32_t val_len;                     /* bytes of aggregate state per group */
    int order_col;                        /* index into cols: the first --order key */
    int order_desc;                       /* 1: descending */
    int order_cols[JOB_MAX_ORDER];        /* every --order key, the first one included */
    int order_descs[JOB_MAX_ORDER];       /* 1: that key descending */
    size_t norder;                        /* keys in order_cols (1 when --order is not given) */
    uint64_t limit;                       /* 0: all rows */
    struct job_pred preds[JOB_MAX_PREDS]; /* DNS predicates of --where */
    size_t npreds;
    struct job_where_plan plan; /* job->where compiled (job_build) */
    struct domain_list *dl;     /* the Public Suffix List when dns.domain is used; else NULL */
    int time_cells; /* 1: time columns are OUT_TIME cells (ISO 8601); 0: numbers (the caller's) */
    /*
     * What the job reads of a flow (a bit per enum field_id, 1u << id): its
     * keys, aggregates and --where. The DNS functions and dns.names/dns.name
     * in --where count as the fields of the record parts they read
     * (FIELD_DNS_NAME, FIELD_DNS_TYPE, ...), so the reader can decode only
     * those (projection; the view's own needs are the caller's).
     */
    uint64_t uses;
    /*
     * The conjuncts of --having that test a list key's size alone (dns-names'
     * size(dnsName) <= 2), as one range of that size: a record whose lists are
     * outside [size_lo, size_hi] makes a group --having drops, so the fold makes
     * no group of it (size_test 1; group.c). The lists' size is the flow's DNS
     * records, cut as keys are (keypack.h). Counted as a kept record still; the
     * summary's groups are then only those that can pass that test.
     */
    int size_test;
    uint64_t size_lo, size_hi;
};

/* job_time_ms() - milliseconds per unit of time field `id` (1 start/end, 1000 hour), else 0. */
static inline int
job_time_ms(enum field_id id)
{
    return id == FIELD_START || id == FIELD_END ? 1 : id == FIELD_HOUR ? 1000 : 0;
}

/*
 * job_rec_domain() - finds the registered domain of record `r`'s DNS name
 * (REC_DNS, when the job uses dns.domain: job->dl) into r->dom_off/dom_len,
 * with `c` a per-thread cache (domain.h; may be NULL). A no-op otherwise.
 */
void job_rec_domain(const struct job *job, struct domain_cache *c, struct rec *r);

/*
 * job_rec_str() - the bytes of string field `id` (dns.name, dns.domain) of
 * `r` into buf (cap >= DOMAIN_MAX + 1 bytes); returns the length. dns.domain
 * is lowercased with its trailing dot ("" for an empty name), as dns-hunt
 * groups it; dns.name as exported.
 */
size_t job_rec_str(const struct rec *r, enum field_id id, uint8_t *buf, size_t cap);

/*
 * job_where_get() - the getter of --where over a record: `ctx` is a
 * struct job_where_ctx. Addresses are made in its buffers on first use.
 */
#define JOB_WHERE_SCRATCH (34 + DOMAIN_MAX + 1)
struct job_where_ctx {
    const struct job *job;
    const struct rec *r;
    uint8_t *addr; /* JOB_WHERE_SCRATCH bytes: the 17-byte sip, then dip, then dns.domain */
};
struct expr_val job_where_get(const void *ctx, int slot);

/*
 * job_keep_flow() - 0 when the flow-level conjuncts of --where already fail
 * for `f`, so that none of its records can pass; 1 otherwise (also without
 * --where). Then job_keep_rec() - 1 when record `r` of that flow passes
 * the rest, 0 when not, or -ERR_LIMIT with `err` set when an integer
 * overflow decides (no conjunct false, one overflowing: expr.h). Together
 * they agree with expr_test(job->where, job_where_get).
 */
int job_keep_flow_tests(const struct job *job, const struct flow *f);
int job_keep_rec_tests(const struct job *job, const struct rec *r, struct err *err);

/*
 * job_keep_flow_post() - job_keep_flow() for a flow that already passed
 * job_keep_flow_pre() (a reader's ipfix_need.keep): only the flow-level
 * conjuncts that read DNS records are tested again.
 */
int job_keep_flow_post_tests(const struct job *job, const struct flow *f);

static inline int
job_keep_flow_post(const struct job *job, const struct flow *f)
{
    return job->plan.nflow == job->plan.npre || job_keep_flow_post_tests(job, f);
}

static inline int
job_keep_flow(const struct job *job, const struct flow *f)
{
    return job->plan.nflow == 0 || job_keep_flow_tests(job, f);
}

/*
 * job_keep_flow_pre() - 0 when one of the flow-level conjuncts that read no
 * DNS record (plan.flow[0..npre): app, proto, ndns, ...) fails for `f`, so
 * that job_keep_flow() would be 0 too; 1 otherwise. It reads only the fields
 * in job_pre_uses(). For a reader that drops flows before it decodes them.
 */
int job_keep_flow_pre_tests(const struct job *job, const struct flow *f);

static inline int
job_keep_flow_pre(const struct job *job, const struct flow *f)
{
    const struct job_where_plan *pl = &job->plan;

    if (pl->pre_num) { /* no record made, no switch: a load, a mask, a compare each */
        for (size_t i = 0; i < pl->npre; i++) {
            const struct job_flow_test *x = &pl->pre_ft[i];
            uint64_t v;

            memcpy(&v, (const uint8_t *)f + x->off, 8);
            if (((v & x->mask) - x->lo <= x->span) == x->neg)
                return 0;
        }
        return 1;
    }
    if (!pl->pre_in)
        return job_keep_flow_pre_tests(job, f);
    /* a watchlist (bench/watchlist.sh): no record made, no switch, and most IPv4 flows
     * decided by two bits of the set's /24 bitmap */
    if (f->family == FLOW_IPV4 && pl->pre_v4 != NULL) {
        uint32_t a = flow_ipv4(f->sip) >> 8, b = flow_ipv4(f->dip) >> 8;

        if (!((pl->pre_v4[a >> 6] >> (a & 63) | pl->pre_v4[b >> 6] >> (b & 63)) & 1))
            return pl->flow[0].term.in_neg;
    }
    return expr_term_in_pair(job->where, &pl->flow[0].term, f->sip, f->dip, f->family == FLOW_IPV4);
}

/* job_pre_uses() - the fields (1u << enum field_id) job_keep_flow_pre() reads. */
uint64_t job_pre_uses(const struct job *job);

static inline int
job_keep_rec(const struct job *job, const struct rec *r, struct err *err)
{
    if (job->where == NULL || (!job->plan.whole && job->plan.nrec == 0))
        return 1;
    return job_keep_rec_tests(job, r, err);
}

/* The query text of a job; NULL members take their defaults. */
struct job_text {
    const char *records; /* default "flows"; flows, silk, silk-forward or dns */
    const char *bytes;   /* default "forward" */
    const char *where;   /* default: none */
    /* The analyst's --where as typed, when `where` was composed from it (a preset's filter
     * ANDed in, a sub-hour window): its syntax errors point into it. NULL: `where` as typed. */
    const char *where_typed;
    const char *group_by; /* required */
    const char *aggs;     /* default "count=count()" */
    const char *having;   /* default: none */
    const char *order;    /* default: first aggregate, descending */
    uint64_t limit;
};

/* job_build() - parses `t` into `job`. Returns 0, or -ERR_USAGE saying what is wrong. */
int job_build(struct job *job, const struct job_text *t, struct err *err);

/* job_fini() - frees what job_build() allocated. */
void job_fini(struct job *job);

/* Options of the Mothra-form preset (dns-names). */
struct job_dns_names {
    double min_bpp;     /* groups with bytes/packets > min_bpp (default 70) */
    unsigned max_names; /* groups with at most this many names (default 2) */
    int bytes_total;    /* 1: bytes/packets forward + reverse */
    uint64_t limit;     /* default 20 */
};

/* Options of the SiLK-form preset (dns-dest). */
struct job_dns_dest {
    const char *src_cidrs; /* "192.168.0.0/16" or "a, b"; NULL or "" = no source filter */
    double min_bpp;        /* records with bytes/packets >= min_bpp (default 70) */
    uint64_t min_bytes;    /* groups with bytes >= min_bytes (default 500) */
    int forward_only;      /* 1: only the forward records of biflows */
    uint64_t limit;        /* default 20 */
};

/*
 * job_preset_dns_names() / job_preset_dns_dest() - fill `t` (and the text
 * buffers in `buf`, which must outlive `t`) with the preset's query text.
 */
struct job_text_buf {
    char where[1280]; /* the preset filter and the user's --where; longer: use query or @FILE */
    char having[256];
};
/*
 * `where` (NULL: none) is the user's --where, ANDed into the preset's as
 * "(preset) and (where)", so --show-query prints the combined job. Returns
 * 0, or -ERR_USAGE when the combined text does not fit `buf`.
 */
int job_preset_dns_names(const struct job_dns_names *o, const char *where, struct job_text *t,
                         struct job_text_buf *buf, struct err *err);
int job_preset_dns_dest(const struct job_dns_dest *o, const char *where, struct job_text *t,
                        struct job_text_buf *buf, struct err *err);

#endif
