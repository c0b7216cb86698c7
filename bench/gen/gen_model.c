/*
 * gen_model.c - see gen_model.h; the traffic mix is documented in docs/generator.md.
 *
 * Every flow kind is one function that draws its endpoints, builds the DNS
 * records YAF would export (forward message first, then reverse; question
 * records only for queries and for responses with RCODE != 0; OPT never),
 * estimates the two messages' wire sizes, and derives octet and packet
 * counters from them. Names are the text YAF exports: a trailing dot, and
 * bytes YAF escapes already written as \xHH, "\." or "\\".
 *
 * The DPI budget: YAF exports at most ~1000 bytes of DPI text per flow; once
 * a name or rdata string no longer fits, it and every later one is exported
 * empty. The model applies that rule, so a long tunnel name's echo in the
 * response comes out as "" exactly as it would from YAF.
 */
#include "gen_model.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define RESOLVER4 0xC0A80101u /* 192.168.1.1 */
#define GOOGLE4   0x08080808u
#define CF4       0x01010101u
#define QUAD94    0x09090909u

/* ---------------------------------------------------------------- arena */

static const uint8_t *
arena_put(struct gen_flow *g, const void *s, size_t n)
{
    if (g->arena_used + n > GEN_ARENA)
        return NULL;
    uint8_t *p = g->arena + g->arena_used;
    memcpy(p, s, n);
    g->arena_used += (uint32_t)n;
    return p;
}

/* A name or string formatted into the arena; *len gets its length (0 if it did not fit). */
__attribute__((format(printf, 3, 4))) static const uint8_t *
arena_fmt(struct gen_flow *g, uint32_t *len, const char *fmt, ...)
{
    char tmp[2048];
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof(tmp))
        n = (int)sizeof(tmp) - 1;
    const uint8_t *p = arena_put(g, tmp, (size_t)n);
    *len = p ? (uint32_t)n : 0;
    return p ? p : (const uint8_t *)"";
}

/* ------------------------------------------------------------- records */

/* Spend `len` bytes of the DPI budget; 0 once the budget is exhausted (then for good). */
static int
dpi_take(struct gen_flow *g, uint32_t len)
{
    if (g->dpi_used > GEN_DPI_LIMIT)
        return 0;
    if (g->dpi_used + len > GEN_DPI_LIMIT) {
        g->dpi_used = GEN_DPI_LIMIT + 1;
        return 0;
    }
    g->dpi_used += len;
    return 1;
}

static const struct gen_rdata spare_rdata_template;

/* Appends a DNS record; returns its rdata slot (a scratch slot if the flow is full). */
static struct gen_rdata *
add_rr(struct gen_flow *g, uint8_t section, uint8_t qr, uint16_t type, uint8_t rcode, uint8_t aa,
       uint32_t ttl, uint16_t id, const uint8_t *name, uint32_t len)
{
    if (g->f.ndns >= GEN_MAX_RR) {
        g->rd[GEN_MAX_RR - 1] = spare_rdata_template;
        return &g->rd[GEN_MAX_RR - 1]; /* never reached by the mixes below */
    }
    uint32_t i = g->f.ndns++;
    struct dns_rr *r = &g->rr[i];
    struct gen_rdata *d = &g->rd[i];

    r->name = name;
    r->name_len = dpi_take(g, len) ? len : 0;
    r->ttl = ttl;
    r->rrtype = type;
    r->id = id;
    r->qr = qr;
    r->rcode = rcode;
    r->section = section;
    r->aa = aa;
    memset(d, 0, sizeof(*d));
    return d;
}

static void
rd_s1(struct gen_flow *g, struct gen_rdata *d, const uint8_t *s, uint32_t len)
{
    d->s1 = s;
    d->s1_len = dpi_take(g, len) ? len : 0;
}

static void
rd_s2(struct gen_flow *g, struct gen_rdata *d, const uint8_t *s, uint32_t len)
{
    d->s2 = s;
    d->s2_len = dpi_take(g, len) ? len : 0;
}

enum gen_rd_kind
gen_model_rdata_kind(uint8_t section, uint16_t rrtype)
{
    if (section == 0)
        return GEN_RD_NONE;
    switch (rrtype) {
    case 1:
        return GEN_RD_A;
    case 2:
        return GEN_RD_NS;
    case 5:
        return GEN_RD_CNAME;
    case 6:
        return GEN_RD_SOA;
    case 12:
        return GEN_RD_PTR;
    case 15:
        return GEN_RD_MX;
    case 16:
        return GEN_RD_TXT;
    case 28:
        return GEN_RD_AAAA;
    case 33:
        return GEN_RD_SRV;
    default:
        return GEN_RD_NONE;
    }
}

uint64_t
gen_model_ntp(int64_t ms, uint32_t us)
{
    uint64_t sec = (uint64_t)(ms / 1000) + 2208988800ULL;
    uint64_t usec = (uint64_t)(ms % 1000) * 1000 + us;
    uint64_t frac = (usec << 32) / 1000000;

    return (sec << 32 | frac) & ~(uint64_t)0x7FF;
}

/* Wire bytes of a name given as YAF text: escapes count as the one byte they stand for. */
static uint32_t
name_wire(const uint8_t *s, uint32_t len)
{
    uint32_t raw = 0;

    for (uint32_t i = 0; i < len; i++, raw++) {
        if (s[i] == '\\' && i + 1 < len)
            i += s[i + 1] == 'x' ? 3 : 1;
    }
    return raw + 1; /* label length bytes replace the dots; plus the root label */
}

/* ---------------------------------------------------------- addressing */

static void
addr4(uint8_t a[16], uint32_t v4)
{
    memset(a, 0, 10);
    a[10] = 0xFF;
    a[11] = 0xFF;
    a[12] = (uint8_t)(v4 >> 24);
    a[13] = (uint8_t)(v4 >> 16);
    a[14] = (uint8_t)(v4 >> 8);
    a[15] = (uint8_t)v4;
}

/* The ULA address of a dual-stack client: fd7a:1c3e:9b20:<subnet>::/64 + a hash of its IPv4. */
static void
client6(uint8_t a[16], uint32_t v4)
{
    static const uint8_t pfx[6] = {0xFD, 0x7A, 0x1C, 0x3E, 0x9B, 0x20};
    uint64_t h = gen_rng_hash3(v4, 0x6C6C, 6);

    memcpy(a, pfx, 6);
    a[6] = 0;
    a[7] = (uint8_t)(v4 >> 8);
    for (int i = 0; i < 8; i++)
        a[8 + i] = (uint8_t)(h >> (56 - 8 * i));
}

static void
addr6_of(uint8_t a[16], const uint8_t pfx[8], uint64_t iid)
{
    memcpy(a, pfx, 8);
    for (int i = 0; i < 8; i++)
        a[8 + i] = (uint8_t)(iid >> (56 - 8 * i));
}

static const uint8_t resolver6_pfx[8] = {0xFD, 0x7A, 0x1C, 0x3E, 0x9B, 0x20, 0x00, 0x01};
static const uint8_t google6_pfx[8] = {0x20, 0x01, 0x48, 0x60, 0x48, 0x60, 0x00, 0x00};
static const uint8_t server6_pfx[8] = {0x26, 0x00, 0x1F, 0x18, 0x24, 0x0C, 0x00, 0x00};

/* Source and destination of a flow, and whether it is IPv6. */
struct ends {
    uint8_t fam;     /* FLOW_IPV4 or FLOW_IPV6 */
    uint32_t c4;     /* client IPv4 (host order) */
    uint32_t s4;     /* server IPv4 */
    uint8_t c6[16];  /* client IPv6 */
    uint8_t s6[16];  /* server IPv6 */
    uint32_t hdr;    /* IP + UDP header bytes per packet */
    uint32_t rtt_ms; /* request to response */
    int internal;    /* the server is the LAN resolver */
};

static uint32_t
pick_client(struct gen_model *m)
{
    const struct gen_world *w = m->w;

    return (uint32_t)gen_world_pick(w->client_cdf, w->nclient,
                                    (uint32_t)(gen_rng_next(&m->rng) >> 32));
}

/* Which resolver a client uses: most the LAN's, a few hard-code a public one. */
static void
resolver_for(struct gen_model *m, uint32_t ci, int v6, struct ends *e)
{
    const struct gen_world *w = m->w;
    uint32_t c = w->client[ci];
    uint32_t h = (uint32_t)(gen_rng_hash3(c, 0x7265, 1) % 100);

    e->c4 = c;
    e->fam = v6 ? FLOW_IPV6 : FLOW_IPV4;
    e->hdr = v6 ? 48 : 28;
    e->internal = h < 80;
    if (v6) {
        client6(e->c6, c);
        if (e->internal)
            addr6_of(e->s6, resolver6_pfx, 1);
        else
            addr6_of(e->s6, google6_pfx, 0x8888);
    } else {
        e->s4 = e->internal ? RESOLVER4 : (h < 88 ? GOOGLE4 : h < 95 ? CF4 : QUAD94);
    }
    /* A cache hit at the LAN resolver answers in ~1 ms; a miss or a public resolver takes longer.
     */
    if (e->internal && gen_rng_below(&m->rng, 100) < 70)
        e->rtt_ms = gen_rng_range(&m->rng, 0, 3);
    else
        e->rtt_ms = gen_rng_range(&m->rng, 8, 120);
}

static void
set_ends(struct gen_flow *g, const struct ends *e, int server_first)
{
    g->f.family = e->fam;
    if (e->fam == FLOW_IPV6) {
        memcpy(server_first ? g->f.dip : g->f.sip, e->c6, 16);
        memcpy(server_first ? g->f.sip : g->f.dip, e->s6, 16);
    } else {
        addr4(server_first ? g->f.dip : g->f.sip, e->c4);
        addr4(server_first ? g->f.sip : g->f.dip, e->s4);
    }
}

static uint16_t
ephemeral(struct gen_model *m)
{
    return (uint16_t)gen_rng_range(&m->rng, 32768, 60999);
}

static uint16_t
vlan_of(uint32_t client)
{
    uint32_t sub = (client >> 8) & 0xFF;

    return (uint16_t)(sub >= 8 ? 100 + sub : 0); /* the upper subnets are tagged VLANs */
}

/* Start fresh: one flow's worth of fields, without clearing the 16 KB arena. */
static void
flow_reset(struct gen_model *m, struct gen_flow *g, int64_t t_ms)
{
    g->split = m->uniflow_ppm > 0 && gen_rng_chance(&m->rng, m->uniflow_ppm);
    g->nfwd = 0;
    memset(&g->f, 0, sizeof(g->f));
    g->f.dns = g->rr;
    g->f.start_ms = t_ms;
    g->f.end_ms = t_ms;
    g->start_ntp = g->end_ntp = 0;
    g->rev_delta_us = 0;
    g->rev_delta_ms = 0;
    g->tcp_seq = g->rev_tcp_seq = 0;
    g->vlan = 0;
    g->attrs = g->rev_attrs = 0;
    g->end_reason = 1;
    g->tos = g->rev_tos = 0;
    memset(g->tcp_flags, 0, sizeof(g->tcp_flags));
    g->channel = -1;
    g->dpi_used = 0;
    g->arena_used = 0;
}

/*
 * Timing and counters of a request/response flow: `fpk`/`rpk` packets of
 * `fmsg`/`rmsg` message bytes each way (rpk 0: a uniflow), `dur_ms` long.
 */
static void
finish(struct gen_model *m, struct gen_flow *g, uint32_t hdr, uint64_t fpk, uint64_t fmsg,
       uint64_t rpk, uint64_t rmsg, uint32_t rtt_ms, uint32_t dur_ms)
{
    uint32_t us0 = gen_rng_below(&m->rng, 1000);
    uint32_t us1 = gen_rng_below(&m->rng, 1000);

    g->f.packets = fpk;
    g->f.bytes = fpk * (hdr + fmsg);
    g->f.rev_packets = rpk;
    g->f.rev_bytes = rpk * (hdr + rmsg);
    if (dur_ms < rtt_ms && rpk)
        dur_ms = rtt_ms;
    g->f.end_ms = g->f.start_ms + dur_ms;
    g->start_ntp = gen_model_ntp(g->f.start_ms, us0);
    g->end_ntp = gen_model_ntp(g->f.end_ms, us1);
    if (rpk) {
        g->rev_delta_ms = rtt_ms;
        g->rev_delta_us = (uint64_t)rtt_ms * 1000 + gen_rng_below(&m->rng, 1000);
    }
    g->attrs = fpk > 1 ? 1 : 0; /* YAF_SAME_SIZE: every packet had the same length */
    if (rpk == 0)
        g->nfwd = g->f.ndns;
    g->rev_attrs = rpk > 1 ? 1 : 0;
}

/* ------------------------------------------------------------ encoders */

static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
static const char hexd[] = "0123456789abcdef";
static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char b36[] = "abcdefghijklmnopqrstuvwxyz0123456789";

static uint32_t
enc(struct gen_model *m, char *dst, const char *alpha, uint32_t nalpha, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        dst[i] = alpha[gen_rng_below(&m->rng, nalpha)];
    return n;
}

/*
 * Labels of encoded data: `nl` labels of lo..hi characters, each followed by
 * a dot, while the whole name (plus `tail` wire bytes) stays within 253.
 */
static uint32_t
enc_labels(struct gen_model *m, char *dst, const char *alpha, uint32_t nalpha, uint32_t nl,
           uint32_t lo, uint32_t hi, uint32_t tail)
{
    uint32_t at = 0;

    for (uint32_t k = 0; k < nl; k++) {
        uint32_t n = gen_rng_range(&m->rng, lo, hi);
        if (at + n + 1 + tail > 253) {
            if (k > 0)
                break;
            n = 253 - tail - 1 - at;
        }
        at += enc(m, dst + at, alpha, nalpha, n);
        dst[at++] = '.';
    }
    return at;
}

/* iodine-style labels: raw 8-bit bytes, written the way YAF escapes them (\xHH). */
static uint32_t
enc_iodine(struct gen_model *m, char *dst, uint32_t raw_budget)
{
    uint32_t at = 0, raw = 0;

    dst[at++] = "pry0"[gen_rng_below(&m->rng, 4)];
    raw++;
    while (raw < raw_budget) {
        uint32_t n =
            gen_rng_range(&m->rng, 50, 63) - (at == 1); /* the first label holds the prefix */
        if (raw + n + 1 > raw_budget)
            n = raw_budget - raw - 1;
        if (n == 0)
            break;
        for (uint32_t i = 0; i < n; i++) {
            if (gen_rng_below(&m->rng, 100) < 55) {
                uint32_t b = gen_rng_range(&m->rng, 0x80, 0xFF);
                dst[at++] = '\\';
                dst[at++] = 'x';
                dst[at++] = "0123456789ABCDEF"[b >> 4];
                dst[at++] = "0123456789ABCDEF"[b & 15];
            } else {
                dst[at++] = b36[gen_rng_below(&m->rng, 36)];
            }
        }
        raw += n + 1;
        dst[at++] = '.';
    }
    return at;
}

/* ----------------------------------------------------------- name facts */

static const char *const cdn_names[] = {"edgestack.net.", "cdnfabric.com.",    "globalcache.net.",
                                        "swiftedge.io.",  "fastlane-cdn.net.", "objcache.com."};
static const char *const dns_providers[] = {"cloudns-hosting.net.", "dnsprovider.com.",
                                            "ns-global.org.", "anycastdns.net."};

static const uint8_t *
dom_name(const struct gen_world *w, const struct gen_domain *d)
{
    return (const uint8_t *)w->pool + d->off;
}

static const struct gen_domain *
pick_domain(struct gen_model *m)
{
    const struct gen_world *w = m->w;

    return &w->dom[gen_world_pick(w->dom_cdf, w->ndom, (uint32_t)(gen_rng_next(&m->rng) >> 32))];
}

/* A cached TTL: the authoritative one minus the time it has sat in the cache. */
static uint32_t
cached_ttl(struct gen_model *m, uint32_t ttl)
{
    return ttl - gen_rng_below(&m->rng, ttl);
}

/* The LAN hostname a 192.168 address reverse-resolves to. */
static const uint8_t *
lan_hostname(struct gen_flow *g, uint32_t v4, uint32_t *len)
{
    uint64_t h = gen_rng_hash3(v4, 0x686F7374, 0);
    static const char *const kinds[] = {"desktop", "laptop", "android",     "iphone", "printer",
                                        "tv",      "nas",    "raspberrypi", "ipad",   "chromecast"};
    const char *k = kinds[h % NELEM(kinds)];
    char tag[8];

    for (int i = 0; i < 7; i++)
        tag[i] = b36[(h >> (8 + 5 * i)) % 36];
    tag[7] = '\0';
    return arena_fmt(g, len, "%s-%s.lan.", k, tag);
}

static uint32_t
soa_answer(struct gen_flow *g, struct gen_model *m, uint8_t section, uint8_t rcode, uint8_t aa,
           uint16_t id, const uint8_t *owner, uint32_t owner_len, const char *mname,
           const char *rname)
{
    struct gen_rdata *d =
        add_rr(g, section, 1, 6, rcode, aa, gen_rng_range(&m->rng, 60, 900), id, owner, owner_len);
    uint32_t ml, rl;
    const uint8_t *mn = arena_fmt(g, &ml, "%s", mname);
    const uint8_t *rn = arena_fmt(g, &rl, "%s", rname);

    rd_s1(g, d, mn, ml);
    rd_s2(g, d, rn, rl);
    d->v[0] = 2024000000u + gen_rng_below(&m->rng, 999999);
    d->v[1] = 7200;
    d->v[2] = 3600;
    d->v[3] = 1209600;
    d->v[4] = 300;
    return name_wire(owner, owner_len) - 1 + 2 + 10 + ml + rl + 2 + 20;
}

/*
 * The question record of a query message; returns the message's wire size.
 * What follows belongs to the reverse direction's message; a flow that will
 * be split into uniflows gets a fresh DPI budget for it (each record has its own).
 */
static uint32_t
query_msg(struct gen_flow *g, uint16_t qtype, uint16_t id, const uint8_t *q, uint32_t ql, int edns)
{
    add_rr(g, 0, 0, qtype, 0, 0, 0, id, q, ql);
    g->nfwd = g->f.ndns;
    if (g->split)
        g->dpi_used = 0;
    return 12 + name_wire(q, ql) + 4 + (edns ? 11 : 0);
}

/* What an answer needs to know: the question, the name's facts, the owner of the records. */
struct ans {
    const struct gen_domain *d; /* the name asked about */
    const uint8_t *zone;        /* its registrable domain */
    uint32_t zl;                /* bytes in zone */
    const uint8_t *q;           /* the question name */
    uint32_t ql;                /* bytes in q */
    const uint8_t *owner;       /* owner of the address records (q, or the CDN alias) */
    uint32_t ol;                /* bytes in owner */
    uint32_t ttl;               /* TTL of the answer records */
    uint16_t id;                /* DNS ID */
};

/* A name aliased to a CDN: the CNAME record, then the addresses belong to the CDN name. */
static uint32_t
answer_cdn(struct gen_model *m, struct gen_flow *g, struct ans *a)
{
    const uint8_t *name = dom_name(m->w, a->d);
    char label[96];
    uint32_t n = 0, tl;

    for (uint32_t i = 0; i + 1u < a->d->len && n < 60; i++)
        label[n++] = name[i] == '.' ? '-' : (char)name[i];
    label[n] = '\0';
    const uint8_t *t = arena_fmt(g, &tl, "%s.%s", label, cdn_names[a->d->cdn - 1]);
    struct gen_rdata *rd = add_rr(g, 1, 1, 5, 0, 0, a->ttl, a->id, a->q, a->ql);
    rd_s1(g, rd, t, tl);
    a->owner = t;
    a->ol = tl;
    a->ttl = gen_rng_range(&m->rng, 20, 60);
    return 2 + 10 + tl + 1;
}

/* NODATA: no answer, the zone's SOA in the authority section. */
static uint32_t
answer_nodata(struct gen_model *m, struct gen_flow *g, const struct ans *a)
{
    return soa_answer(g, m, 2, 0, 0, a->id, a->zone, a->zl, "ns1.dnsprovider.com.",
                      "hostmaster.dnsprovider.com.");
}

static uint32_t
answer_addr(struct gen_model *m, struct gen_flow *g, const struct ans *a, uint16_t qtype)
{
    uint32_t wire = 0;

    if (qtype == 1) {
        for (uint32_t k = 0; k < a->d->naddr; k++) {
            struct gen_rdata *rd = add_rr(g, 1, 1, 1, 0, 0, a->ttl, a->id, a->owner, a->ol);
            rd->v[0] = a->d->addr + k;
            wire += 2 + 10 + 4;
        }
        return wire;
    }
    if (!a->d->aaaa)
        return answer_nodata(m, g, a);
    uint32_t n6 = a->d->naddr > 2 ? 2 : 1;
    for (uint32_t k = 0; k < n6; k++) {
        struct gen_rdata *rd = add_rr(g, 1, 1, 28, 0, 0, a->ttl, a->id, a->owner, a->ol);
        addr6_of(rd->addr6, server6_pfx, (uint64_t)a->d->addr << 8 | k);
        wire += 2 + 10 + 16;
    }
    return wire;
}

static uint32_t
answer_txt(struct gen_model *m, struct gen_flow *g, const struct ans *a)
{
    uint32_t n = 1 + gen_rng_below(&m->rng, 3);
    uint32_t wire = 0;

    for (uint32_t k = 0; k < n; k++) {
        uint32_t tl;
        const uint8_t *t;
        char tok[48];
        uint32_t r = gen_rng_below(&m->rng, 4);
        if (r == 0) {
            t = arena_fmt(g, &tl, "v=spf1 include:_spf.%.*s ~all", (int)(a->zl - 1),
                          (const char *)a->zone);
        } else if (r == 1) {
            tok[enc(m, tok, b64, 62, 43)] = '\0';
            t = arena_fmt(g, &tl, "google-site-verification=%s", tok);
        } else if (r == 2) {
            t = arena_fmt(g, &tl, "MS=ms%08u", gen_rng_below(&m->rng, 100000000));
        } else {
            tok[enc(m, tok, hexd, 16, 32)] = '\0';
            t = arena_fmt(g, &tl, "%s", tok);
        }
        struct gen_rdata *rd = add_rr(g, 1, 1, 16, 0, 0, a->ttl, a->id, a->q, a->ql);
        rd_s1(g, rd, t, tl);
        wire += 2 + 10 + tl + 1;
    }
    return wire;
}

/* MX answers, then the exchanges' addresses as glue in the additional section. */
static uint32_t
answer_mx(struct gen_model *m, struct gen_flow *g, const struct ans *a)
{
    uint32_t n = 1 + gen_rng_below(&m->rng, 3);
    const uint8_t *ex[3];
    uint32_t exl[3];
    uint32_t wire = 0;

    for (uint32_t k = 0; k < n; k++) {
        ex[k] = arena_fmt(g, &exl[k], "mx%u.%.*s", k + 1, (int)a->zl, (const char *)a->zone);
        struct gen_rdata *rd = add_rr(g, 1, 1, 15, 0, 0, a->ttl, a->id, a->q, a->ql);
        rd_s1(g, rd, ex[k], exl[k]);
        rd->v[0] = 10 * (k + 1);
        wire += 2 + 10 + 2 + exl[k] + 1;
    }
    for (uint32_t k = 0; k < n; k++) {
        struct gen_rdata *rd = add_rr(g, 3, 1, 1, 0, 0, a->ttl, a->id, ex[k], exl[k]);
        rd->v[0] = a->d->addr + 16 + k;
        wire += 2 + 10 + 4;
    }
    return wire;
}

static uint32_t
answer_ns(struct gen_model *m, struct gen_flow *g, const struct ans *a)
{
    uint32_t n = 2 + gen_rng_below(&m->rng, 3);
    const char *prov = dns_providers[a->d->addr % NELEM(dns_providers)];
    uint32_t wire = 0;

    for (uint32_t k = 0; k < n; k++) {
        uint32_t tl;
        const uint8_t *t = arena_fmt(g, &tl, "ns%u.%s", k + 1, prov);
        struct gen_rdata *rd = add_rr(g, 1, 1, 2, 0, 0, a->ttl, a->id, a->q, a->ql);
        rd_s1(g, rd, t, tl);
        wire += 2 + 10 + tl + 1;
    }
    return wire;
}

static const struct {
    const char *svc;  /* the service label pair that starts the query name */
    const char *host; /* the target host label */
    uint16_t port;    /* the SRV port */
} srv_names[] = {{"_xmpp-client._tcp.", "xmpp", 5222},
                 {"_sip._tls.", "sip", 5061},
                 {"_imaps._tcp.", "imap", 993},
                 {"_submission._tcp.", "smtp", 587},
                 {"_caldavs._tcp.", "dav", 443}};

static uint32_t
answer_srv(struct gen_model *m, struct gen_flow *g, const struct ans *a)
{
    uint32_t k = 0, tl;

    for (uint32_t j = 0; j < NELEM(srv_names); j++) {
        size_t n = strlen(srv_names[j].svc);
        if (a->ql > n && memcmp(a->q, srv_names[j].svc, n) == 0)
            k = j;
    }
    const uint8_t *t =
        arena_fmt(g, &tl, "%s.%.*s", srv_names[k].host, (int)a->zl, (const char *)a->zone);
    struct gen_rdata *rd = add_rr(g, 1, 1, 33, 0, 0, a->ttl, a->id, a->q, a->ql);
    rd_s1(g, rd, t, tl);
    rd->v[0] = gen_rng_range(&m->rng, 0, 20);
    rd->v[1] = gen_rng_range(&m->rng, 0, 100);
    rd->v[2] = srv_names[k].port;
    return 2 + 10 + 6 + tl + 1;
}

/*
 * The answer section for `qtype` about `d` (asked as q). Appends the records,
 * returns the response's wire size beyond the echoed question.
 */
static uint32_t
answer_domain(struct gen_model *m, struct gen_flow *g, const struct gen_domain *d, uint16_t qtype,
              uint16_t id, const uint8_t *q, uint32_t ql)
{
    const uint8_t *name = dom_name(m->w, d);
    struct ans a = {.d = d,
                    .zone = name + d->zone,
                    .zl = (uint32_t)(d->len - d->zone),
                    .q = q,
                    .ql = ql,
                    .owner = q,
                    .ol = ql,
                    .ttl = cached_ttl(m, d->ttl),
                    .id = id};
    uint32_t wire = 0;

    if ((qtype == 1 || qtype == 28) && d->cdn)
        wire += answer_cdn(m, g, &a);
    switch (qtype) {
    case 1:
    case 28:
        return wire + answer_addr(m, g, &a, qtype);
    case 65: /* HTTPS: exported with an empty RR-detail list (not a type YAF decodes) */
        if (gen_rng_below(&m->rng, 100) < 60) {
            add_rr(g, 1, 1, 65, 0, 0, a.ttl, id, q, ql);
            return 2 + 10 + 30;
        }
        return answer_nodata(m, g, &a);
    case 16:
        return answer_txt(m, g, &a);
    case 15:
        return answer_mx(m, g, &a);
    case 2:
        return answer_ns(m, g, &a);
    case 33:
        return answer_srv(m, g, &a);
    case 6:
        return soa_answer(g, m, 1, 0, 0, id, a.zone, a.zl, "ns1.dnsprovider.com.",
                          "hostmaster.dnsprovider.com.");
    default:
        return wire;
    }
}

/* --------------------------------------------------------- benign kinds */

/* Counters for a UDP DNS exchange, with the occasional retransmission. */
static void
udp_dns_counters(struct gen_model *m, struct gen_flow *g, const struct ends *e, uint32_t qmsg,
                 uint32_t rmsg)
{
    uint64_t fp = 1, rp = 1;
    uint32_t dur = e->rtt_ms;
    uint32_t r = gen_rng_below(&m->rng, 100);

    if (r < 3) { /* lost answer, client retried */
        fp = 2;
        dur += gen_rng_range(&m->rng, 1000, 5000);
    } else if (r < 4) {
        fp = 2;
        rp = 2;
        dur += gen_rng_range(&m->rng, 1000, 5000);
    }
    finish(m, g, e->hdr, fp, qmsg, rp, rmsg, e->rtt_ms, dur);
}

static void
dns_common(struct gen_model *m, struct gen_flow *g, const struct ends *e)
{
    set_ends(g, e, 0);
    g->f.sport = ephemeral(m);
    g->f.dport = 53;
    g->f.proto = 17;
    g->f.app_label = 53;
    g->vlan = vlan_of(e->c4);
}

static uint16_t
pick_qtype(struct gen_model *m)
{
    uint32_t r = gen_rng_below(&m->rng, 1000);

    if (r < 520)
        return 1;
    if (r < 780)
        return 28;
    if (r < 860)
        return 65;
    if (r < 895)
        return 16;
    if (r < 920)
        return 15;
    if (r < 950)
        return 33;
    if (r < 975)
        return 2;
    return 6;
}

/* The query name for `qtype` about `d`: apex for TXT/MX/NS/SOA, a service name for SRV. */
static const uint8_t *
qname_for(struct gen_model *m, struct gen_flow *g, const struct gen_domain *d, uint16_t qtype,
          uint32_t *ql)
{
    const uint8_t *name = dom_name(m->w, d);
    const uint8_t *zone = name + d->zone;
    uint32_t zl = d->len - d->zone;

    switch (qtype) {
    case 16:
        if (gen_rng_below(&m->rng, 100) < 20)
            return arena_fmt(g, ql, "_dmarc.%.*s", (int)zl, (const char *)zone);
        *ql = zl;
        return zone;
    case 15:
    case 2:
    case 6:
        *ql = zl;
        return zone;
    case 33:
        return arena_fmt(g, ql, "%s%.*s", srv_names[gen_rng_below(&m->rng, NELEM(srv_names))].svc,
                         (int)zl, (const char *)zone);
    default:
        *ql = d->len;
        return name;
    }
}

static void
pick_ends(struct gen_model *m, struct ends *e)
{
    uint32_t ci = pick_client(m);
    int v6 = ci < m->w->nclient6 && gen_rng_below(&m->rng, 100) < 35;

    resolver_for(m, ci, v6, e);
}

static void
flow_dns_std(struct gen_model *m, struct gen_flow *g)
{
    struct ends e;
    pick_ends(m, &e);
    const struct gen_domain *d = pick_domain(m);
    uint16_t qtype = pick_qtype(m);
    uint16_t id = (uint16_t)gen_rng_below(&m->rng, 65536);
    uint32_t ql;
    const uint8_t *q = qname_for(m, g, d, qtype, &ql);
    int edns = gen_rng_below(&m->rng, 100) < 70;

    dns_common(m, g, &e);
    uint32_t qmsg = query_msg(g, qtype, id, q, ql, edns);
    uint32_t rmsg = qmsg + answer_domain(m, g, d, qtype, id, q, ql);
    udp_dns_counters(m, g, &e, qmsg, rmsg);
}

/* The LAN resolver's own upstream traffic: the same questions, asked of Quad9. */
static void
flow_dns_upstream(struct gen_model *m, struct gen_flow *g)
{
    struct ends e = {0};
    const struct gen_domain *d = pick_domain(m);
    uint16_t qtype = pick_qtype(m);
    uint16_t id = (uint16_t)gen_rng_below(&m->rng, 65536);
    uint32_t ql;
    const uint8_t *q = qname_for(m, g, d, qtype, &ql);

    e.fam = FLOW_IPV4;
    e.c4 = RESOLVER4;
    e.s4 = gen_rng_below(&m->rng, 100) < 70 ? QUAD94 : CF4;
    e.hdr = 28;
    e.rtt_ms = gen_rng_range(&m->rng, 6, 60);
    dns_common(m, g, &e);
    g->vlan = 0;
    uint32_t qmsg = query_msg(g, qtype, id, q, ql, 1);
    uint32_t rmsg = qmsg + answer_domain(m, g, d, qtype, id, q, ql);
    udp_dns_counters(m, g, &e, qmsg, rmsg);
}

/* PTR lookups of LAN hosts (the local resolver is authoritative), and of public resolvers. */
static void
flow_dns_ptr(struct gen_model *m, struct gen_flow *g)
{
    struct ends e;
    uint32_t ci = pick_client(m);
    resolver_for(m, ci, 0, &e);
    if (!e.internal) {
        e.s4 = RESOLVER4;
        e.internal = 1;
    }
    uint16_t id = (uint16_t)gen_rng_below(&m->rng, 65536);
    uint32_t ql, tl;
    const uint8_t *q, *t;
    int lan = gen_rng_below(&m->rng, 100) < 85;

    dns_common(m, g, &e);
    if (lan) {
        uint32_t host = m->w->client[gen_rng_below(&m->rng, m->w->nclient)];
        if (gen_rng_below(&m->rng, 100) < 10)
            host = RESOLVER4;
        q = arena_fmt(g, &ql, "%u.%u.168.192.in-addr.arpa.", host & 0xFF, (host >> 8) & 0xFF);
        uint32_t qmsg = query_msg(g, 12, id, q, ql, 0);
        uint32_t rmsg;
        if (gen_rng_below(&m->rng, 100) < 15) { /* no reverse entry */
            add_rr(g, 0, 1, 12, 3, 1, 0, id, q, ql);
            static const uint8_t zone[] = "168.192.in-addr.arpa.";
            rmsg = qmsg + soa_answer(g, m, 2, 3, 1, id, zone, sizeof(zone) - 1, "localhost.",
                                     "nobody.invalid.");
        } else {
            t = host == RESOLVER4 ? arena_fmt(g, &tl, "router.lan.") : lan_hostname(g, host, &tl);
            struct gen_rdata *rd = add_rr(g, 1, 1, 12, 0, 1, 86400, id, q, ql);
            rd_s1(g, rd, t, tl);
            rmsg = qmsg + 2 + 10 + tl + 1;
        }
        udp_dns_counters(m, g, &e, qmsg, rmsg);
        return;
    }
    static const struct {
        const char *q;
        const char *t;
    } pub[] = {{"8.8.8.8.in-addr.arpa.", "dns.google."},
               {"1.1.1.1.in-addr.arpa.", "one.one.one.one."},
               {"9.9.9.9.in-addr.arpa.", "dns9.quad9.net."}};
    uint32_t k = gen_rng_below(&m->rng, NELEM(pub));
    q = arena_fmt(g, &ql, "%s", pub[k].q);
    t = arena_fmt(g, &tl, "%s", pub[k].t);
    uint32_t qmsg = query_msg(g, 12, id, q, ql, 1);
    struct gen_rdata *rd = add_rr(g, 1, 1, 12, 0, 0, cached_ttl(m, 86400), id, q, ql);
    rd_s1(g, rd, t, tl);
    udp_dns_counters(m, g, &e, qmsg, qmsg + 2 + 10 + tl + 1);
}

/* NXDOMAIN: Q from the query, Q with RCODE 3 from the response, then the zone's SOA. */
static void
flow_dns_nx(struct gen_model *m, struct gen_flow *g)
{
    struct ends e;
    pick_ends(m, &e);
    const struct gen_domain *d = pick_domain(m);
    const uint8_t *name = dom_name(m->w, d);
    uint16_t id = (uint16_t)gen_rng_below(&m->rng, 65536);
    uint16_t qtype = gen_rng_below(&m->rng, 100) < 70 ? 1 : 28;
    uint32_t ql, ol;
    const uint8_t *q, *owner;
    const char *mname, *rname;
    uint32_t r = gen_rng_below(&m->rng, 100);

    dns_common(m, g, &e);
    if (r < 40) { /* a search suffix appended by the stub resolver: the root answers */
        q = arena_fmt(g, &ql, "%.*slan.", (int)d->len, (const char *)name);
        owner = (const uint8_t *)"";
        ol = 0;
        mname = "a.root-servers.net.";
        rname = "nstld.verisign-grs.com.";
    } else if (r < 75) { /* a typo in the registrable domain: the TLD answers */
        char typo[256];
        uint32_t n = d->len;
        memcpy(typo, name, n);
        uint32_t span = d->tld > d->zone + 1u ? (uint32_t)(d->tld - d->zone - 1) : 1;
        uint32_t at = d->zone + gen_rng_below(&m->rng, span);
        if (typo[at] != '.' && typo[at] != '-')
            typo[at] = (char)('a' + gen_rng_below(&m->rng, 26));
        q = arena_fmt(g, &ql, "%.*s", (int)n, typo);
        owner = name + d->tld;
        ol = d->len - d->tld;
        mname = "a.gtld-servers.net.";
        rname = "nstld.verisign-grs.com.";
    } else { /* a host the zone does not have */
        static const char *const missing[] = {"wpad", "autodiscover", "isatap",   "old",
                                              "test", "vpn2",         "intranet", "_domainkey"};
        q = arena_fmt(g, &ql, "%s.%.*s", missing[gen_rng_below(&m->rng, NELEM(missing))],
                      (int)(d->len - d->zone), (const char *)name + d->zone);
        owner = name + d->zone;
        ol = d->len - d->zone;
        mname = "ns1.dnsprovider.com.";
        rname = "hostmaster.dnsprovider.com.";
    }
    uint32_t qmsg = query_msg(g, qtype, id, q, ql, 1);
    add_rr(g, 0, 1, qtype, 3, 0, 0, id, q, ql);
    uint32_t rmsg = qmsg + soa_answer(g, m, 2, 3, 0, id, owner, ol, mname, rname);
    udp_dns_counters(m, g, &e, qmsg, rmsg);
}

/* A query that was never answered: a uniflow with the question record only. */
static void
flow_dns_query_only(struct gen_model *m, struct gen_flow *g)
{
    struct ends e;
    pick_ends(m, &e);
    const struct gen_domain *d = pick_domain(m);
    uint16_t qtype = gen_rng_below(&m->rng, 100) < 60 ? 1 : 28;
    uint16_t id = (uint16_t)gen_rng_below(&m->rng, 65536);

    dns_common(m, g, &e);
    uint32_t qmsg = query_msg(g, qtype, id, dom_name(m->w, d), d->len, 1);
    uint64_t tries = 1 + gen_rng_below(&m->rng, 3);
    finish(m, g, e.hdr, tries, qmsg, 0, 0, 0, (uint32_t)(tries - 1) * 2000);
}

/* Only the response was seen (asymmetric capture): a uniflow from port 53. */
static void
flow_dns_resp_only(struct gen_model *m, struct gen_flow *g)
{
    struct ends e;
    pick_ends(m, &e);
    const struct gen_domain *d = pick_domain(m);
    uint16_t id = (uint16_t)gen_rng_below(&m->rng, 65536);

    set_ends(g, &e, 1);
    g->f.sport = 53;
    g->f.dport = ephemeral(m);
    g->f.proto = 17;
    g->f.app_label = 53;
    g->vlan = vlan_of(e.c4);
    uint32_t qmsg = 12 + name_wire(dom_name(m->w, d), d->len) + 4;
    uint32_t rmsg = qmsg + answer_domain(m, g, d, 1, id, dom_name(m->w, d), d->len);
    finish(m, g, e.hdr, 1, rmsg, 0, 0, 0, 0);
}

/* Labelled DNS, but YAF parsed nothing (payload cut short): no DNS records at all. */
static void
flow_dns_trunc(struct gen_model *m, struct gen_flow *g)
{
    struct ends e;
    pick_ends(m, &e);
    dns_common(m, g, &e);
    udp_dns_counters(m, g, &e, gen_rng_range(&m->rng, 30, 60), gen_rng_range(&m->rng, 60, 200));
}

/* DNS over TCP: a big TXT answer (DKIM key) that did not fit in UDP. */
static void
flow_dns_tcp(struct gen_model *m, struct gen_flow *g)
{
    struct ends e;
    pick_ends(m, &e);
    const struct gen_domain *d = pick_domain(m);
    const uint8_t *name = dom_name(m->w, d);
    uint16_t id = (uint16_t)gen_rng_below(&m->rng, 65536);
    uint32_t ql, tl;
    const uint8_t *q = arena_fmt(g, &ql, "selector1._domainkey.%.*s", (int)(d->len - d->zone),
                                 (const char *)name + d->zone);
    char key[420];

    dns_common(m, g, &e);
    g->f.proto = 6;
    e.hdr += 32 - 8; /* TCP with timestamps instead of UDP */
    uint32_t qmsg = query_msg(g, 16, id, q, ql, 1) + 2;
    key[enc(m, key, b64, 64, 392)] = '\0';
    const uint8_t *t =
        arena_fmt(g, &tl, "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A%s", key);
    struct gen_rdata *rd = add_rr(g, 1, 1, 16, 0, 0, cached_ttl(m, 3600), id, q, ql);
    rd_s1(g, rd, t, tl);
    uint32_t rmsg = qmsg + 2 + 10 + tl + 2;
    /* handshake, request, response, teardown: 5 packets each way, sizes averaged */
    finish(m, g, e.hdr, 5, 0, 5, 0, e.rtt_ms, e.rtt_ms + 40);
    g->f.bytes = 5 * (uint64_t)e.hdr + qmsg;
    g->f.rev_bytes = 5 * (uint64_t)e.hdr + rmsg;
    g->attrs = g->rev_attrs = 0;
    g->end_reason = 3;
    g->tcp_seq = (uint32_t)gen_rng_next(&m->rng);
    g->rev_tcp_seq = (uint32_t)gen_rng_next(&m->rng);
    g->tcp_flags[0] = 0x02;
    g->tcp_flags[1] = 0x1B;
    g->tcp_flags[2] = 0x12;
    g->tcp_flags[3] = 0x1B;
}

/* Benign high-entropy names: security-vendor reputation lookups with hashed labels. */
static void
flow_dns_hashy(struct gen_model *m, struct gen_flow *g)
{
    struct ends e;
    pick_ends(m, &e);
    /* Three fixed "vendor" zones from the universe's first (most popular) ranks. */
    const struct gen_domain *d = &m->w->dom[3 + gen_rng_below(&m->rng, 3)];
    const uint8_t *name = dom_name(m->w, d);
    uint16_t id = (uint16_t)gen_rng_below(&m->rng, 65536);
    char h1[40], h2[8];
    uint32_t ql;

    h1[enc(m, h1, hexd, 16, 32)] = '\0';
    h2[enc(m, h2, hexd, 16, 4)] = '\0';
    const uint8_t *q = arena_fmt(g, &ql, "%s.%s.rep.%.*s", h1, h2, (int)(d->len - d->zone),
                                 (const char *)name + d->zone);
    dns_common(m, g, &e);
    uint32_t qmsg = query_msg(g, 1, id, q, ql, 1);
    struct gen_rdata *rd = add_rr(g, 1, 1, 1, 0, 0, gen_rng_range(&m->rng, 60, 3600), id, q, ql);
    rd->v[0] = 0x7F000000u | gen_rng_range(&m->rng, 1, 4); /* 127.0.0.x verdict */
    udp_dns_counters(m, g, &e, qmsg, qmsg + 16);
}

static const struct {
    const char *svc;
    uint16_t port;
    const char *txt;
} mdns_svc[] = {
    {"_airplay._tcp.local.", 7000, "deviceid=58:55:CA:1A:E2:88"},
    {"_raop._tcp.local.", 7000, "cn=0,1,2,3"},
    {"_googlecast._tcp.local.", 8009, "md=Chromecast Ultra"},
    {"_spotify-connect._tcp.local.", 57621, "CPath=/zc/0"},
    {"_companion-link._tcp.local.", 49152, "rpVr=360.4"},
    {"_ipp._tcp.local.", 631, "rp=ipp/print"},
    {"_hap._tcp.local.", 8080, "c#=2"},
    {"_sonos._tcp.local.", 1443, "info=/api/v1/players/local/info"},
    {"_device-info._tcp.local.", 0, "model=MacBookPro18,3"},
};

/* mDNS on 224.0.0.251:5353 (ff02::fb): browse queries and announcements, uniflows. */
static void
flow_mdns(struct gen_model *m, struct gen_flow *g)
{
    const struct gen_world *w = m->w;
    const struct gen_mdns_dev *dev = &w->mdns[gen_rng_below(&m->rng, w->nmdns)];
    const char *svc = mdns_svc[dev->svc % NELEM(mdns_svc)].svc;
    int v6 = gen_rng_below(&m->rng, 100) < 30;
    uint32_t msg = 12;
    uint32_t sl, il, hl;
    const uint8_t *s = arena_fmt(g, &sl, "%s", svc);

    g->f.family = v6 ? FLOW_IPV6 : FLOW_IPV4;
    if (v6) {
        static const uint8_t ll[8] = {0xFE, 0x80, 0, 0, 0, 0, 0, 0};
        static const uint8_t ff02[8] = {0xFF, 0x02, 0, 0, 0, 0, 0, 0};
        addr6_of(g->f.sip, ll, gen_rng_hash3(dev->addr, 0x6C6C, 0));
        addr6_of(g->f.dip, ff02, 0xFB);
    } else {
        addr4(g->f.sip, dev->addr);
        addr4(g->f.dip, 0xE00000FBu);
    }
    g->f.sport = 5353;
    g->f.dport = 5353;
    g->f.proto = 17;
    g->f.app_label = 53;
    if (gen_rng_below(&m->rng, 100) < 45) { /* browse: one or two questions */
        add_rr(g, 0, 0, 12, 0, 0, 0, 0, s, sl);
        msg += name_wire(s, sl) + 4;
        if (gen_rng_below(&m->rng, 100) < 40) {
            const char *s2 = mdns_svc[gen_rng_below(&m->rng, NELEM(mdns_svc))].svc;
            uint32_t l2;
            const uint8_t *q2 = arena_fmt(g, &l2, "%s", s2);
            add_rr(g, 0, 0, 12, 0, 0, 0, 0, q2, l2);
            msg += name_wire(q2, l2) + 4;
        }
    } else { /* announcement: PTR answer, SRV/TXT/A additionals */
        const uint8_t *inst =
            arena_fmt(g, &il, "%.*s.%s", (int)dev->inst_len, w->pool + dev->inst_off, svc);
        const uint8_t *host =
            arena_fmt(g, &hl, "%.*s", (int)dev->host_len, w->pool + dev->host_off);
        struct gen_rdata *rd = add_rr(g, 1, 1, 12, 0, 1, 4500, 0, s, sl);
        rd_s1(g, rd, inst, il);
        msg += name_wire(s, sl) + 10 + name_wire(inst, il);
        rd = add_rr(g, 3, 1, 33, 0, 1, 120, 0, inst, il);
        rd_s1(g, rd, host, hl);
        rd->v[2] = mdns_svc[dev->svc % NELEM(mdns_svc)].port;
        msg += 2 + 10 + 6 + hl;
        uint32_t tl;
        const uint8_t *t = arena_fmt(g, &tl, "%s", mdns_svc[dev->svc % NELEM(mdns_svc)].txt);
        rd = add_rr(g, 3, 1, 16, 0, 1, 4500, 0, inst, il);
        rd_s1(g, rd, t, tl);
        msg += 2 + 10 + tl + 1;
        rd = add_rr(g, 3, 1, 1, 0, 1, 120, 0, host, hl);
        rd->v[0] = dev->addr;
        msg += 2 + 10 + 4;
    }
    uint64_t pk = 1 + (gen_rng_below(&m->rng, 100) < 30);
    finish(m, g, v6 ? 48 : 28, pk, msg, 0, 0, 0, pk > 1 ? 1000 : 0);
}

/* LLMNR on 224.0.0.252:5355: single-label names, nobody answers. */
static void
flow_llmnr(struct gen_model *m, struct gen_flow *g)
{
    const struct gen_world *w = m->w;
    uint32_t c = w->client[pick_client(m)];
    uint16_t id = (uint16_t)gen_rng_below(&m->rng, 65536);
    uint32_t ql;
    const uint8_t *q;
    uint32_t r = gen_rng_below(&m->rng, 100);

    if (r < 40) {
        q = arena_fmt(g, &ql, "wpad.");
    } else if (r < 55) {
        q = arena_fmt(g, &ql, "isatap.");
    } else {
        uint32_t hl;
        const uint8_t *h = lan_hostname(g, w->client[gen_rng_below(&m->rng, w->nclient)], &hl);
        q = arena_fmt(g, &ql, "%.*s.", (int)(hl - 5), (const char *)h); /* drop "lan." */
    }
    addr4(g->f.sip, c);
    addr4(g->f.dip, 0xE00000FCu);
    g->f.family = FLOW_IPV4;
    g->f.sport = ephemeral(m);
    g->f.dport = 5355;
    g->f.proto = 17;
    g->f.app_label = 53;
    g->vlan = vlan_of(c);
    uint16_t qtype = gen_rng_below(&m->rng, 2) ? 1 : 28;
    uint32_t msg = query_msg(g, qtype, id, q, ql, 0);
    uint64_t pk = 1 + gen_rng_below(&m->rng, 2);
    finish(m, g, 28, pk, msg, 0, 0, 0, pk > 1 ? 100 : 0);
}

/* Log-uniform integer in [lo, hi]. */
static uint64_t
log_uniform(struct gen_model *m, double lo, double hi)
{
    double u = gen_rng_unit(&m->rng);

    return (uint64_t)(lo * exp(u * log(hi / lo)));
}

static void
tcp_fields(struct gen_model *m, struct gen_flow *g)
{
    g->tcp_seq = (uint32_t)gen_rng_next(&m->rng);
    g->rev_tcp_seq = (uint32_t)gen_rng_next(&m->rng);
    g->tcp_flags[0] = 0x02;
    g->tcp_flags[1] = (uint8_t)(gen_rng_below(&m->rng, 100) < 85 ? 0x1B : 0x1F);
    g->tcp_flags[2] = 0x12;
    g->tcp_flags[3] = 0x1B;
}

/* TLS or HTTP to a server of the universe (its A address), sizes log-uniform. */
static void
flow_web(struct gen_model *m, struct gen_flow *g, uint16_t port, uint64_t big)
{
    uint32_t ci = pick_client(m);
    uint32_t c = m->w->client[ci];
    const struct gen_domain *d = pick_domain(m);
    int v6 = ci < m->w->nclient6 && d->aaaa && gen_rng_below(&m->rng, 100) < 40;

    g->f.family = v6 ? FLOW_IPV6 : FLOW_IPV4;
    if (v6) {
        client6(g->f.sip, c);
        addr6_of(g->f.dip, server6_pfx, (uint64_t)d->addr << 8);
    } else {
        addr4(g->f.sip, c);
        addr4(g->f.dip, d->addr + gen_rng_below(&m->rng, d->naddr));
    }
    g->f.sport = ephemeral(m);
    g->f.dport = port;
    g->f.proto = 6;
    g->f.app_label = port;
    g->vlan = vlan_of(c);
    uint64_t fb = log_uniform(m, 400, 40000);
    uint64_t rb = big ? big : log_uniform(m, 2000, 4000000);
    uint64_t fp = fb / gen_rng_range(&m->rng, 60, 400) + 3;
    uint64_t rp = rb / gen_rng_range(&m->rng, 700, 1400) + 2;
    if (big) { /* a bulk download: full-size segments one way, delayed ACKs the other */
        rp = rb / 1448 + 1;
        fp = rp / 2 + gen_rng_below(&m->rng, 1000);
        fb = 0;
    }
    uint32_t dur =
        big ? gen_rng_range(&m->rng, 300000, 1800000) : (uint32_t)log_uniform(m, 40, 120000);
    uint32_t rtt = gen_rng_range(&m->rng, 5, 150);
    finish(m, g, 0, fp, 0, rp, 0, rtt, dur);
    g->f.bytes = fb + fp * 52;
    g->f.rev_bytes = rb + rp * 52;
    g->attrs = g->rev_attrs = 0;
    g->end_reason = big ? 2 : (gen_rng_below(&m->rng, 100) < 80 ? 3 : 1);
    tcp_fields(m, g);
}

/* NTP, ICMP echo, SSDP and QUIC: non-DNS UDP/ICMP noise with no DPI. */
static void
flow_other(struct gen_model *m, struct gen_flow *g)
{
    uint32_t c = m->w->client[pick_client(m)];
    struct gen_rng *rng = &m->rng;
    uint32_t r = gen_rng_below(rng, 100);
    uint32_t server = (uint32_t)(gen_rng_next(rng) & 0x00FFFFFF) | 0x4A000000u;

    g->f.family = FLOW_IPV4;
    addr4(g->f.sip, c);
    g->vlan = vlan_of(c);
    g->f.proto = 17;
    if (r < 45) { /* NTP */
        addr4(g->f.dip, server);
        g->f.sport = 123;
        g->f.dport = 123;
        g->f.app_label = 123;
        finish(m, g, 28, 1, 48, 1, 48, gen_rng_range(rng, 5, 60), 0);
    } else if (r < 65) { /* ICMP echo: dport carries type * 256 + code */
        addr4(g->f.dip, server);
        g->f.proto = 1;
        g->f.dport = 8 << 8;
        uint64_t n = gen_rng_range(rng, 1, 10);
        finish(m, g, 20, n, 64, n, 64, gen_rng_range(rng, 5, 60), (uint32_t)n * 1000);
    } else if (r < 85) { /* SSDP discovery, no answer captured */
        addr4(g->f.dip, 0xEFFFFFFAu);
        g->f.sport = ephemeral(m);
        g->f.dport = 1900;
        uint64_t n = gen_rng_range(rng, 1, 4);
        finish(m, g, 28, n, 147, 0, 0, 0, (uint32_t)n * 1000);
    } else { /* QUIC: UDP 443, no applabel */
        addr4(g->f.dip, server ^ 0x00123400u);
        g->f.sport = ephemeral(m);
        g->f.dport = 443;
        uint64_t fp = gen_rng_range(rng, 5, 60), rp = gen_rng_range(rng, 5, 400);
        finish(m, g, 28, fp, gen_rng_range(rng, 40, 1250), rp, gen_rng_range(rng, 900, 1252),
               gen_rng_range(rng, 5, 80), gen_rng_range(rng, 200, 60000));
    }
}

/* A multi-gigabyte download: its counters need the 8-byte templates. */
static void
flow_large(struct gen_model *m, struct gen_flow *g)
{
    uint64_t big = 2200000000ULL + (uint64_t)gen_rng_below(&m->rng, 1u << 30) * 3;

    flow_web(m, g, gen_rng_below(&m->rng, 100) < 80 ? 443 : 80, big);
}

void
gen_model_init(struct gen_model *m, const struct gen_world *w, uint32_t hour, uint32_t file,
               uint32_t uniflow_ppm)
{
    m->w = w;
    m->uniflow_ppm = uniflow_ppm;
    m->serial = 0;
    gen_rng_seed(&m->rng, w->spec.seed, (uint64_t)(w->spec.start_ms / 3600000) + hour, file);
}

static void
flow_tls(struct gen_model *m, struct gen_flow *g)
{
    flow_web(m, g, 443, 0);
}

static void
flow_http(struct gen_model *m, struct gen_flow *g)
{
    flow_web(m, g, 80, 0);
}

typedef void flow_fn(struct gen_model *m, struct gen_flow *g);

/* The benign mix, in flows per million (docs/generator.md has the table). */
static const struct {
    uint32_t ppm; /* share */
    flow_fn *fn;  /* maker */
} benign_mix[] = {
    {200, flow_large},          {400000, flow_dns_std},  {40000, flow_dns_upstream},
    {35000, flow_dns_ptr},      {40000, flow_dns_nx},    {30000, flow_dns_query_only},
    {5000, flow_dns_resp_only}, {10000, flow_dns_trunc}, {5000, flow_dns_tcp},
    {15000, flow_dns_hashy},    {40000, flow_mdns},      {15000, flow_llmnr},
    {250000, flow_tls},         {60000, flow_http},      {54800, flow_other},
};

void
gen_model_benign(struct gen_model *m, int64_t t_ms, struct gen_flow *g)
{
    uint32_t r = gen_rng_below(&m->rng, 1000000);
    size_t k = 0;

    flow_reset(m, g, t_ms);
    m->serial++;
    if (m->serial == 8) { /* every file gets at least one flow with 8-byte counters */
        flow_large(m, g);
        return;
    }
    while (k + 1 < NELEM(benign_mix) && r >= benign_mix[k].ppm)
        r -= benign_mix[k++].ppm;
    benign_mix[k].fn(m, g);
}

/* ------------------------------------------------------------- channels */

/* The query of a planted flow: its name (encoded data + base), type and packet counts. */
struct chan_query {
    const uint8_t *q; /* the query name */
    uint32_t ql;      /* bytes in q */
    uint16_t qtype;   /* the query type */
    uint64_t fpk;     /* forward packets */
    uint64_t rpk;     /* reverse packets */
};

static void
channel_query(struct gen_model *m, struct gen_flow *g, const struct gen_channel *c, int64_t t_ms,
              struct chan_query *cq)
{
    char buf[1200];
    uint32_t n = 0;

    cq->fpk = cq->rpk = 1;
    switch (c->kind) {
    case GEN_CH_TXT:
        n = enc_labels(m, buf, b32, 32, 3 + gen_rng_below(&m->rng, 2), 40, 63, c->base_len);
        cq->qtype = 16;
        break;
    case GEN_CH_A:
        n = enc_labels(m, buf, hexd, 16, 3 + gen_rng_below(&m->rng, 2), 40, 63, c->base_len);
        cq->qtype = 1;
        break;
    case GEN_CH_CNAME:
        n = enc_labels(m, buf, b64, 64, 3 + gen_rng_below(&m->rng, 2), 40, 63, c->base_len);
        cq->qtype = 5;
        break;
    case GEN_CH_NULL: /* iodine: one socket per session, many packets per flow */
        n = enc_iodine(m, buf, 200 - c->base_len);
        cq->qtype = 10;
        g->f.sport =
            (uint16_t)(40000 + gen_rng_hash3(c->client, (uint64_t)(t_ms / 3600000), 0) % 20000);
        cq->fpk = gen_rng_range(&m->rng, 5, 60);
        cq->rpk = cq->fpk - gen_rng_below(&m->rng, 3);
        break;
    case GEN_CH_PTR:
        n = enc_labels(m, buf, hexd, 16, 2, 24, 40, c->base_len);
        cq->qtype = 12;
        break;
    case GEN_CH_BEACON: /* a C2 poll: session id and sequence in hex, TXT for the orders */
    case GEN_CH_RANDOM:
        n = enc_labels(m, buf, hexd, 16, 2, 24, 40, c->base_len);
        cq->qtype = 16;
        break;
    case GEN_CH_SLOW: /* a few base32 chunks an hour, A answers */
        n = enc_labels(m, buf, b32, 32, 2, 30, 50, c->base_len);
        cq->qtype = 1;
        break;
    case GEN_CH_TUNNEL: {
        static const uint16_t types[] = {16, 5, 15};
        n = enc_labels(m, buf, hexd, 16, 2 + gen_rng_below(&m->rng, 2), 30, 63, c->base_len);
        cq->qtype = types[gen_rng_below(&m->rng, 3)];
        if (gen_rng_below(&m->rng, 100) < 30) {
            cq->fpk = gen_rng_range(&m->rng, 2, 12);
            cq->rpk = cq->fpk;
        }
        break;
    }
    case GEN_CH_COUNT:
        break;
    }
    cq->q = arena_fmt(g, &cq->ql, "%.*s%s", (int)n, buf, c->base);
}

/* The answer of a planted flow: it carries data back (TTL 0 or 1: nothing is cached). */
static uint32_t
channel_answer(struct gen_model *m, struct gen_flow *g, const struct gen_channel *c,
               const struct chan_query *cq, uint16_t id)
{
    int tunnel = c->kind == GEN_CH_TUNNEL;
    uint32_t ttl = gen_rng_below(&m->rng, 2);
    uint32_t tl, wire = 0;
    struct gen_rdata *rd;

    switch (cq->qtype) {
    case 16: {
        char txt[260];
        uint32_t k = gen_rng_range(&m->rng, 80, 220);
        txt[enc(m, txt, tunnel ? hexd : b64, tunnel ? 16 : 64, k)] = '\0';
        const uint8_t *t = arena_fmt(g, &tl, "%s", txt);
        rd = add_rr(g, 1, 1, 16, 0, 0, ttl, id, cq->q, cq->ql);
        rd_s1(g, rd, t, tl);
        return 2 + 10 + tl + 1;
    }
    case 1: {
        uint32_t k = 1 + gen_rng_below(&m->rng, 4);
        for (uint32_t i = 0; i < k; i++) {
            rd = add_rr(g, 1, 1, 1, 0, 0, ttl, id, cq->q, cq->ql);
            rd->v[0] = (uint32_t)gen_rng_next(&m->rng);
            wire += 2 + 10 + 4;
        }
        return wire;
    }
    case 5:
    case 15: {
        char lab[200];
        uint32_t k =
            enc_labels(m, lab, tunnel ? hexd : b32, tunnel ? 16 : 32, 2, 40, 60, c->base_len);
        const uint8_t *t = arena_fmt(g, &tl, "%.*s%s", (int)k, lab, c->base);
        rd = add_rr(g, 1, 1, cq->qtype, 0, 0, ttl, id, cq->q, cq->ql);
        rd_s1(g, rd, t, tl);
        if (cq->qtype == 15)
            rd->v[0] = 10;
        return 2 + 10 + tl + 1 + (cq->qtype == 15 ? 2 : 0);
    }
    case 10: /* NULL: YAF does not decode its rdata */
        add_rr(g, 1, 1, 10, 0, 1, 0, id, cq->q, cq->ql);
        return 2 + 10 + gen_rng_range(&m->rng, 100, 1000);
    case 12: {
        char lab[64];
        lab[enc(m, lab, hexd, 16, 16)] = '\0';
        const uint8_t *t = arena_fmt(g, &tl, "h%s.%s", lab, c->base);
        rd = add_rr(g, 1, 1, 12, 0, c->server != RESOLVER4, gen_rng_range(&m->rng, 0, 60), id,
                    cq->q, cq->ql);
        rd_s1(g, rd, t, tl);
        return 2 + 10 + tl + 1;
    }
    default:
        return 0;
    }
}

void
gen_model_channel(struct gen_model *m, uint32_t ch, int64_t t_ms, struct gen_flow *g)
{
    const struct gen_channel *c = &m->w->ch[ch];
    struct ends e = {0};
    struct chan_query cq;
    uint16_t id = (uint16_t)gen_rng_below(&m->rng, 65536);

    flow_reset(m, g, t_ms);
    m->serial++;
    g->channel = (int8_t)ch;
    e.fam = FLOW_IPV4;
    e.c4 = c->client;
    e.s4 = c->server;
    e.hdr = 28;
    e.internal = c->server == RESOLVER4;
    e.rtt_ms = e.internal ? gen_rng_range(&m->rng, 20, 180) : gen_rng_range(&m->rng, 30, 250);
    dns_common(m, g, &e);
    channel_query(m, g, c, t_ms, &cq);
    uint32_t qmsg = query_msg(g, cq.qtype, id, cq.q, cq.ql, 1);
    uint32_t rmsg = qmsg + channel_answer(m, g, c, &cq, id);
    uint32_t dur = cq.fpk > 1 ? gen_rng_range(&m->rng, 2000, 60000) : e.rtt_ms;
    finish(m, g, e.hdr, cq.fpk, qmsg, cq.rpk, rmsg, e.rtt_ms, dur);
    if (cq.fpk > 1) {
        /* Later packets of the session carry different payloads: vary the sizes. */
        g->f.bytes += cq.fpk * gen_rng_below(&m->rng, 60);
        g->f.rev_bytes += cq.rpk * gen_rng_below(&m->rng, 200);
        g->attrs = g->rev_attrs = 0;
    }
}

static const uint8_t *
rebase(const uint8_t *ptr, const struct gen_flow *src, const struct gen_flow *dst)
{
    if (ptr >= src->arena && ptr < src->arena + GEN_ARENA)
        return dst->arena + (ptr - src->arena);
    return ptr;
}

void
gen_model_copy(struct gen_flow *dst, const struct gen_flow *src)
{
    memcpy(dst, src, sizeof(*dst));
    dst->f.dns = dst->rr;
    for (uint32_t i = 0; i < dst->f.ndns; i++) {
        dst->rr[i].name = rebase(src->rr[i].name, src, dst);
        dst->rd[i].s1 = rebase(src->rd[i].s1, src, dst);
        dst->rd[i].s2 = rebase(src->rd[i].s2, src, dst);
    }
}

int
gen_model_split(struct gen_flow *g, struct gen_flow *rev)
{
    struct flow *f = &g->f;
    struct flow *r = &rev->f;

    if (!g->split || f->rev_packets == 0)
        return 0;
    *r = *f;
    memcpy(r->sip, f->dip, 16);
    memcpy(r->dip, f->sip, 16);
    r->sport = f->dport;
    r->dport = f->sport;
    r->bytes = f->rev_bytes;
    r->packets = f->rev_packets;
    r->rev_bytes = 0;
    r->rev_packets = 0;
    r->start_ms = f->start_ms + g->rev_delta_ms;
    if (r->end_ms < r->start_ms)
        r->end_ms = r->start_ms;
    r->ndns = f->ndns - g->nfwd;
    memcpy(rev->rr, g->rr + g->nfwd, r->ndns * sizeof(rev->rr[0]));
    memcpy(rev->rd, g->rd + g->nfwd, r->ndns * sizeof(rev->rd[0]));
    r->dns = rev->rr;
    rev->start_ntp = g->start_ntp + ((uint64_t)g->rev_delta_us << 32) / 1000000;
    rev->start_ntp &= ~(uint64_t)0x7FF;
    rev->end_ntp = g->end_ntp > rev->start_ntp ? g->end_ntp : rev->start_ntp;
    rev->rev_delta_us = 0;
    rev->rev_delta_ms = 0;
    rev->tcp_seq = g->rev_tcp_seq;
    rev->rev_tcp_seq = 0;
    rev->tcp_flags[0] = g->tcp_flags[2];
    rev->tcp_flags[1] = g->tcp_flags[3];
    rev->tcp_flags[2] = rev->tcp_flags[3] = 0;
    rev->vlan = g->vlan;
    rev->attrs = g->rev_attrs;
    rev->rev_attrs = 0;
    rev->end_reason = g->end_reason;
    rev->tos = g->rev_tos;
    rev->rev_tos = 0;
    rev->channel = g->channel;
    rev->split = 0;
    rev->nfwd = r->ndns;
    rev->dpi_used = 0;
    rev->arena_used = 0;

    f->ndns = g->nfwd;
    f->rev_bytes = 0;
    f->rev_packets = 0;
    g->rev_delta_ms = 0;
    g->rev_delta_us = 0;
    g->rev_attrs = 0;
    g->rev_tos = 0;
    g->rev_tcp_seq = 0;
    g->tcp_flags[2] = g->tcp_flags[3] = 0;
    g->split = 0;
    return 1;
}
