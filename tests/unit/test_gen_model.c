/*
 * test_gen_model.c - the generator's world, traffic model and calendar:
 * invariants of what YAF would export, the planted channels, determinism.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "gen_model.h"
#include "gen_repo.h"
#include "gen_world.h"
#include "mem.h"

static struct gen_world *
world(enum gen_exfil exfil, uint32_t hours)
{
    struct gen_world_spec spec = {.seed = 7,
                                  .start_ms = 1714953600000LL, /* 2024-05-06T00 */
                                  .hours = hours,
                                  .files_per_hour = 2,
                                  .exfil = exfil};
    struct err err;

    err_init(&err);
    struct gen_world *w = gen_world_create(&spec, &err);
    CHECK(w != NULL);
    return w;
}

static int
ends_with(const uint8_t *s, uint32_t n, const char *suffix)
{
    size_t k = strlen(suffix);

    if (n == k)
        return memcmp(s, suffix, k) == 0;
    return n > k && s[n - k - 1] == '.' && memcmp(s + n - k, suffix, k) == 0;
}

static int
contains(const uint8_t *s, uint32_t n, const char *needle)
{
    size_t k = strlen(needle);

    for (uint32_t i = 0; i + k <= n; i++)
        if (memcmp(s + i, needle, k) == 0)
            return 1;
    return 0;
}

static void
test_world(void)
{
    struct gen_world *w = world(GEN_EXFIL_DEFAULT, 24);
    int bad_base = 0, bad_client = 0, collide = 0;

    CHECK(w->ndom > 2000);
    CHECK_EQ_U64(w->nch, GEN_CH_COUNT);
    for (uint32_t c = 0; c < w->nch; c++) {
        const struct gen_channel *ch = &w->ch[c];
        bad_base += ch->base_len < 4 || ch->base[ch->base_len - 1] != '.';
        bad_client += (ch->client >> 16) != 0xC0A8;
        CHECK(ch->first_hour <= ch->last_hour && ch->last_hour < 24);
        for (uint32_t d = 0; d < c; d++)
            CHECK(strcmp(ch->base, w->ch[d].base) != 0 && ch->client != w->ch[d].client);
        for (uint32_t i = 0; i < w->ndom; i++)
            collide += ends_with((const uint8_t *)w->pool + w->dom[i].off, w->dom[i].len, ch->base);
    }
    CHECK(bad_base == 0);
    CHECK(bad_client == 0);
    CHECK(collide == 0); /* the label check greps the truth by base domain */
    CHECK(w->ch[GEN_CH_PTR].first_hour == 0 && w->ch[GEN_CH_PTR].last_hour == 23);
    /* A slow channel's per-hour flows are spread over the hour's files, summing exactly. */
    CHECK_EQ_U64(gen_world_channel_count(w, &w->ch[GEN_CH_PTR], 5, 0, 1000) +
                     gen_world_channel_count(w, &w->ch[GEN_CH_PTR], 5, 1, 1000),
                 w->ch[GEN_CH_PTR].per_hour);
    gen_world_destroy(w);

    w = world(GEN_EXFIL_HEAVY, 10);
    for (uint32_t c = 0; c < w->nch; c++)
        CHECK(w->ch[c].first_hour == 0 && w->ch[c].last_hour == 9);
    gen_world_destroy(w);
    w = world(GEN_EXFIL_NONE, 3);
    CHECK_EQ_U64(w->nch, 0);
    gen_world_destroy(w);
}

struct tally {
    uint64_t flows, dns_app, dns_recs, v6, mdns, llmnr, nx, lanptr, escaped, spaced, empty_name;
    uint64_t large, uni, tcpdns, bad;
};

static void
check_flow(const struct gen_flow *g, struct tally *t)
{
    const struct flow *f = &g->f;
    uint32_t dpi = 0;
    int bad = 0;

    t->flows++;
    bad += f->ndns > GEN_MAX_RR || g->nfwd > f->ndns;
    bad += f->start_ms > f->end_ms || f->packets == 0 || f->bytes < 20 * f->packets;
    bad += (f->rev_packets == 0) != (f->rev_bytes == 0);
    bad += f->app_label != 53 && f->ndns != 0;
    t->dns_app += f->app_label == 53;
    t->v6 += f->family == FLOW_IPV6;
    t->uni += f->rev_packets == 0;
    t->large += f->bytes >= (1ULL << 31) || f->rev_bytes >= (1ULL << 31);
    t->mdns += f->dport == 5353 && f->dip[15] == 251;
    t->llmnr += f->dport == 5355;
    t->tcpdns += f->app_label == 53 && f->proto == 6;
    if (f->rev_packets > 0 && f->ndns > 0 && f->dport == 53)
        bad += f->dns[0].qr != 0 || f->dns[0].section != 0 || g->nfwd < 1;
    for (uint32_t i = 0; i < f->ndns; i++) {
        const struct dns_rr *r = &f->dns[i];
        t->dns_recs++;
        bad += r->name_len > 0 && r->name[r->name_len - 1] != '.';
        for (uint32_t k = 0; k < r->name_len; k++)
            bad += r->name[k] < 0x20 || r->name[k] > 0x7E;
        bad += r->section > 3 || r->qr > 1 || r->aa > 1;
        bad += r->section == 0 && r->ttl != 0;
        bad += r->section == 0 && r->qr == 1 && r->rcode == 0; /* YAF: questions of errors only */
        bad += i < g->nfwd && f->rev_packets > 0 && f->dport == 53 && r->qr != 0;
        bad += i >= g->nfwd && r->qr != 1;
        t->nx += r->rcode == 3 && r->section == 0 && r->qr == 1;
        t->lanptr += ends_with(r->name, r->name_len, "168.192.in-addr.arpa.") && r->section == 0;
        t->escaped += contains(r->name, r->name_len, "\\x");
        t->spaced += contains(r->name, r->name_len, " ");
        t->empty_name += r->name_len == 0;
        dpi += r->name_len + g->rd[i].s1_len + g->rd[i].s2_len;
    }
    bad += dpi > GEN_DPI_LIMIT;
    t->bad += bad != 0;
}

static void
test_benign(void)
{
    struct gen_world *w = world(GEN_EXFIL_DEFAULT, 24);
    struct gen_flow *g = mem_alloc(sizeof(*g));
    struct gen_model m;
    struct tally t = {0};

    gen_model_init(&m, w, 3, 1, 0);
    for (int i = 0; i < 40000; i++) {
        gen_model_benign(&m, 1714964400000LL + (int64_t)i * 90, g);
        check_flow(g, &t);
        CHECK(g->channel == -1);
        for (uint32_t c = 0; c < w->nch; c++)
            for (uint32_t k = 0; k < g->f.ndns; k++)
                CHECK(!ends_with(g->rr[k].name, g->rr[k].name_len, w->ch[c].base));
    }
    fprintf(stderr,
            "benign: %llu flows, %llu DNS-labelled, %llu records, %llu IPv6, %llu mDNS, "
            "%llu LLMNR, %llu NXDOMAIN, %llu LAN PTR, %llu escaped, %llu uniflows\n",
            (unsigned long long)t.flows, (unsigned long long)t.dns_app,
            (unsigned long long)t.dns_recs, (unsigned long long)t.v6, (unsigned long long)t.mdns,
            (unsigned long long)t.llmnr, (unsigned long long)t.nx, (unsigned long long)t.lanptr,
            (unsigned long long)t.escaped, (unsigned long long)t.uni);
    CHECK_EQ_U64(t.bad, 0);
    CHECK(t.dns_app > t.flows / 2 && t.dns_app < t.flows * 3 / 4);
    CHECK(t.v6 > t.flows / 100);
    CHECK(t.mdns > 0 && t.llmnr > 0 && t.nx > 0 && t.lanptr > 0 && t.tcpdns > 0);
    CHECK(t.escaped > 0 && t.spaced > 0 && t.empty_name > 0);
    CHECK(t.large >= 1); /* forces the 8-byte counter templates in every file */
    mem_free(g);
    gen_world_destroy(w);
}

static int
cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

static void
test_channels(void)
{
    struct gen_world *w = world(GEN_EXFIL_DEFAULT, 24);
    struct gen_flow *g = mem_alloc(sizeof(*g));
    struct gen_model m;
    enum {
        N = 300
    };
    uint64_t h[N];

    gen_model_init(&m, w, 0, 0, 0);
    for (uint32_t c = 0; c < w->nch; c++) {
        const struct gen_channel *ch = &w->ch[c];
        struct tally t = {0};
        int off_base = 0, ends = 0, low_bpp = 0;
        for (int i = 0; i < N; i++) {
            gen_model_channel(&m, c, 1714953600000LL + (int64_t)i * 1000, g);
            check_flow(g, &t);
            const struct flow *f = &g->f;
            CHECK(g->channel == (int8_t)c);
            off_base += f->ndns == 0 || !ends_with(f->dns[0].name, f->dns[0].name_len, ch->base);
            ends += flow_ipv4(f->sip) != ch->client || flow_ipv4(f->dip) != ch->server ||
                    f->dport != 53 || f->app_label != 53;
            /* Tunnel packets are big: both directions above 70 bytes per packet. */
            low_bpp += f->bytes <= 70 * f->packets || f->rev_bytes <= 70 * f->rev_packets;
            uint64_t x = 1469598103934665603ULL;
            for (uint32_t k = 0; k < f->dns[0].name_len; k++)
                x = (x ^ f->dns[0].name[k]) * 1099511628211ULL;
            h[i] = x;
        }
        CHECK_EQ_U64(t.bad, 0);
        CHECK(off_base == 0);
        CHECK(ends == 0);
        CHECK(low_bpp == 0);
        qsort(h, N, sizeof(h[0]), cmp_u64);
        int dup = 0;
        for (int i = 1; i < N; i++)
            dup += h[i] == h[i - 1];
        CHECK(dup == 0); /* every query carries fresh data */
    }
    mem_free(g);
    gen_world_destroy(w);
}

static void
test_deterministic(void)
{
    struct gen_world *w = world(GEN_EXFIL_DEFAULT, 4);
    struct gen_flow *a = mem_alloc(sizeof(*a)), *b = mem_alloc(sizeof(*b));
    struct gen_model ma, mb, mc;
    int diff = 0, other = 0;

    gen_model_init(&ma, w, 2, 0, 300000);
    gen_model_init(&mb, w, 2, 0, 300000);
    gen_model_init(&mc, w, 2, 1, 300000);
    for (int i = 0; i < 2000; i++) {
        int64_t t = 1714960800000LL + i;
        if (i % 50 == 7) {
            gen_model_channel(&ma, (uint32_t)i % GEN_CH_COUNT, t, a);
            gen_model_channel(&mb, (uint32_t)i % GEN_CH_COUNT, t, b);
        } else {
            gen_model_benign(&ma, t, a);
            gen_model_benign(&mb, t, b);
        }
        diff += a->f.bytes != b->f.bytes || a->f.ndns != b->f.ndns || a->split != b->split ||
                memcmp(a->f.sip, b->f.sip, 16) != 0;
        for (uint32_t k = 0; k < a->f.ndns && k < b->f.ndns; k++)
            diff += a->rr[k].name_len != b->rr[k].name_len ||
                    memcmp(a->rr[k].name, b->rr[k].name, a->rr[k].name_len) != 0;
        gen_model_benign(&mc, t, b);
        other += a->f.bytes != b->f.bytes;
    }
    CHECK(diff == 0);
    CHECK(other > 1000); /* the next file is another stream */
    mem_free(a);
    mem_free(b);
    gen_world_destroy(w);
}

static void
test_split(void)
{
    struct gen_world *w = world(GEN_EXFIL_DEFAULT, 4);
    struct gen_flow *g = mem_alloc(sizeof(*g)), *rev = mem_alloc(sizeof(*rev));
    struct gen_model m;
    int n = 0, bad = 0;

    gen_model_init(&m, w, 0, 0, 1000000);
    for (int i = 0; i < 3000; i++) {
        gen_model_benign(&m, 1714953600000LL + i, g);
        struct flow before = g->f;
        uint32_t nfwd = g->nfwd;
        if (!gen_model_split(g, rev)) {
            bad += before.rev_packets != 0; /* every biflow splits at share 1 */
            continue;
        }
        n++;
        bad += g->f.bytes != before.bytes || rev->f.bytes != before.rev_bytes;
        bad += g->f.rev_packets != 0 || rev->f.rev_packets != 0;
        bad += g->f.ndns != nfwd || rev->f.ndns != before.ndns - nfwd;
        bad += memcmp(rev->f.sip, before.dip, 16) != 0 || rev->f.sport != before.dport;
        bad += rev->f.start_ms < before.start_ms;
        for (uint32_t k = 0; k < rev->f.ndns; k++)
            bad += rev->f.dns[k].qr != 1;
    }
    CHECK(n > 1000);
    CHECK(bad == 0);
    mem_free(g);
    mem_free(rev);
    gen_world_destroy(w);
}

static void
test_calendar(void)
{
    struct err err;
    int64_t ms;
    char buf[32];

    err_init(&err);
    CHECK(gen_repo_parse_hour("1970-01-01T00", &ms, &err) == 0 && ms == 0);
    CHECK(gen_repo_parse_hour("2024-05-06T00", &ms, &err) == 0 && ms == 1714953600000LL);
    CHECK(gen_repo_parse_hour("2024-02-29T23", &ms, &err) == 0);
    gen_repo_format_hour(buf, sizeof(buf), ms);
    CHECK_EQ_STR(buf, "2024-02-29T23");
    gen_repo_format_hour(buf, sizeof(buf), ms + 3600000);
    CHECK_EQ_STR(buf, "2024-03-01T00");
    CHECK(gen_repo_parse_hour("2023-02-29T00", &ms, &err) == -ERR_USAGE);
    err_init(&err);
    CHECK(gen_repo_parse_hour("2024-13-01T00", &ms, &err) == -ERR_USAGE);
    err_init(&err);
    CHECK(gen_repo_parse_hour("2024-05-06T24", &ms, &err) == -ERR_USAGE);
    err_init(&err);
    CHECK(gen_repo_parse_hour("2024-05-06T00x", &ms, &err) == -ERR_USAGE);
    CHECK(gen_model_ntp(0, 0) >> 32 == 2208988800ULL);
    CHECK((gen_model_ntp(1714953600123LL, 456) & 0x7FF) == 0);
}

int
main(void)
{
    RUN(test_world);
    RUN(test_benign);
    RUN(test_channels);
    RUN(test_deterministic);
    RUN(test_split);
    RUN(test_calendar);
    return CHECK_DONE();
}
