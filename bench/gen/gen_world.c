/*
 * gen_world.c - see gen_world.h.
 *
 * The benign universe is made of invented names: registrable domains from two
 * word lists and a weighted TLD list, each with a few host names ("www.",
 * "api.", "cdn." ...), ranked by a seeded shuffle and sampled with a Zipf(0.95)
 * CDF. Per-name facts (TTL, A addresses, CNAME to a CDN, AAAA) are drawn once
 * here so that every flow answering the same name answers it the same way.
 * Channel base domains come from separate word lists, so no benign name can
 * end in a channel's base domain (the label check relies on it).
 */
#include "gen_world.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gen_rng.h"
#include "mem.h"

static const char *const words_a[] = {
    "bright", "blue",    "north",  "silver", "rapid",  "quiet",   "green",   "urban", "cobalt",
    "maple",  "stone",   "river",  "summit", "harbor", "cedar",   "nova",    "pixel", "vector",
    "lumen",  "orbit",   "atlas",  "echo",   "delta",  "prime",   "swift",   "true",  "open",
    "clear",  "bold",    "happy",  "smart",  "metro",  "coastal", "alpine",  "solar", "lunar",
    "amber",  "crimson", "golden", "ivory",  "jade",   "onyx",    "pine",    "oak",   "willow",
    "aspen",  "birch",   "polar",  "tidal",  "zen",    "fresh",   "wild",    "civic", "royal",
    "grand",  "little",  "big",    "first",  "next",   "modern",  "classic", "daily", "global",
    "local",  "social",  "secure", "cloud",  "data",   "net",     "web",     "info",  "media",
};

static const char *const words_b[] = {
    "pixel",   "works",   "labs",  "point",   "forge",     "field",   "wave",  "byte",   "path",
    "gate",    "bridge",  "scope", "mart",    "store",     "shop",    "news",  "times",  "post",
    "review",  "journal", "hub",   "base",    "stack",     "flow",    "mind",  "sense",  "vision",
    "signal",  "logic",   "craft", "studio",  "games",     "play",    "sport", "travel", "foods",
    "health",  "bank",    "pay",   "trade",   "market",    "deals",   "homes", "motors", "energy",
    "systems", "soft",    "ware",  "tech",    "analytics", "metrics", "cast",  "tube",   "music",
    "radio",   "books",   "press", "weather", "maps",      "mail",    "chat",  "social", "link",
};

static const char *const word_suffix[] = {"hq", "labs", "app", "ly", "ify", "hub", "online", "now"};

struct weighted {
    const char *s; /* the text */
    uint32_t w;    /* weight */
};

static const struct weighted tlds[] = {
    {"com", 50},  {"net", 12}, {"org", 8}, {"io", 7},  {"co", 3},  {"de", 4},
    {"co.uk", 3}, {"fr", 2},   {"nl", 2},  {"app", 2}, {"dev", 2}, {"tv", 1},
    {"info", 1},  {"ai", 2},   {"us", 1},  {"ca", 1},  {"eu", 1},  {"jp", 1},
};

static const char *const host_prefix[] = {
    "api",  "cdn",     "static",   "img",   "login", "mail",   "app",  "m",     "assets", "edge",
    "auth", "ws",      "update",   "news",  "shop",  "status", "docs", "files", "video",  "push",
    "ads",  "metrics", "accounts", "store", "s3",    "media",  "gw",   "sync",  "beacon", "config",
};

/* Channel base domains: word lists disjoint from the benign ones above. */
static const char *const chan_a[] = {
    "cloudsync", "statbeacon", "pixeltrk",  "updcheck",   "metricsrelay", "dataferry", "blobcache",
    "edgeping",  "nightowl",   "quietlane", "fastlookup", "resolvd",      "dnsboost",  "syncgrid",
    "lowtide",   "greyfox",    "pirate",    "bluehaze",   "tinyproxy",    "warpzone",
};
static const char *const chan_b[] = {"relay", "cdnx", "svc", "gw", "ops", "stat",
                                     "lnk",   "zone", "tun", "rx", "px",  "dl"};
static const char *const chan_tld[] = {"net", "com", "xyz", "top", "info",
                                       "cc",  "io",  "org", "biz", "site"};

static const char *const mdns_owner[] = {"Alice", "Bob",  "Chen", "Dana", "Emil", "Fatima", "Gus",
                                         "Hana",  "Ivan", "Jo",   "Kofi", "Lena", "Mateo",  "Nia"};
static const char *const mdns_devtype[] = {"iPhone",     "iPad",        "MacBook Pro", "Pixel 7",
                                           "Galaxy S23", "Apple Watch", "MacBook Air", "iMac"};
/* Shared devices; some carry bytes YAF escapes (\xHH for UTF-8, \. for a dot in a label). */
static const char *const mdns_shared[] = {
    "Living Room TV",
    "Kitchen",
    "Office Printer",
    "HP LaserJet Pro M404 (3C52A1)",
    "Bedroom Speaker",
    "Caf\\xC3\\xA9 Speaker",
    "Printer v2\\.1",
    "Chromecast-Ultra",
    "Sonos Move",
    "Garage Door",
    "NAS",
    "Hue Bridge",
};

/* The table in gen_model.c indexes the same services (GEN_MDNS_SVC_COUNT entries). */
#define SVC_COUNT 9

static uint32_t
pick_weighted(struct gen_rng *r, const struct weighted *t, size_t n)
{
    uint32_t total = 0;

    for (size_t i = 0; i < n; i++)
        total += t[i].w;
    uint32_t u = gen_rng_below(r, total);
    for (size_t i = 0; i < n; i++) {
        if (u < t[i].w)
            return (uint32_t)i;
        u -= t[i].w;
    }
    return 0;
}

#define NWORDS(a) (sizeof(a) / sizeof((a)[0]))

/* A growable byte pool; offsets stay valid across growth. */
struct pool {
    char *buf;  /* bytes */
    size_t len; /* used */
    size_t cap; /* allocated */
};

static uint32_t
pool_add(struct pool *p, const char *s, size_t n)
{
    if (p->len + n + 1 > p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 65536;
        while (cap < p->len + n + 1)
            cap *= 2;
        p->buf = mem_realloc(p->buf, cap);
        p->cap = cap;
    }
    uint32_t off = (uint32_t)p->len;
    memcpy(p->buf + p->len, s, n);
    p->buf[p->len + n] = '\0';
    p->len += n + 1;
    return off;
}

/* Open-addressing set of zone names (FNV-1a), to keep zones distinct. */
#define ZSET_BITS 12

static uint64_t
fnv(const char *s)
{
    uint64_t h = 1469598103934665603ULL;

    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 1099511628211ULL;
    return h;
}

static int
zset_insert(uint64_t *set, const char *s)
{
    uint64_t h = fnv(s) | 1;
    uint32_t mask = (1u << ZSET_BITS) - 1;

    for (uint32_t i = (uint32_t)h & mask;; i = (i + 1) & mask) {
        if (set[i] == h)
            return 0;
        if (set[i] == 0) {
            set[i] = h;
            return 1;
        }
    }
}

/* Public-looking first octets for invented servers (no private or test ranges). */
static const uint8_t pub_octet[] = {13,  23,  34,  35,  52,  54,  63,  64,  66,  69,  74,
                                    104, 107, 108, 142, 151, 157, 162, 185, 199, 205, 209};

static uint32_t
public_addr(struct gen_rng *r)
{
    uint32_t a = pub_octet[gen_rng_below(r, sizeof(pub_octet))];

    return a << 24 | gen_rng_below(r, 256) << 16 | gen_rng_below(r, 256) << 8 |
           gen_rng_range(r, 1, 254);
}

static void
build_cdf(uint32_t *cdf, uint32_t n, double s)
{
    double total = 0;

    for (uint32_t i = 0; i < n; i++)
        total += 1.0 / pow((double)(i + 1), s);
    double cum = 0;
    for (uint32_t i = 0; i < n; i++) {
        cum += 1.0 / pow((double)(i + 1), s);
        double v = cum / total * 4294967296.0;
        cdf[i] = v >= 4294967295.0 ? UINT32_MAX : (uint32_t)v;
    }
    cdf[n - 1] = UINT32_MAX;
}

uint32_t
gen_world_pick(const uint32_t *cdf, uint32_t n, uint32_t u)
{
    uint32_t lo = 0, hi = n - 1;

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (u < cdf[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* Fisher-Yates shuffle of n 32-bit words. */
static void
shuffle_u32(struct gen_rng *r, uint32_t *a, uint32_t n)
{
    for (uint32_t i = n; i > 1; i--) {
        uint32_t j = gen_rng_below(r, i);
        uint32_t t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

static void
build_domains(struct gen_world *w, struct gen_rng *r, struct pool *p)
{
    enum {
        NZONES = 800,
        MAXHOSTS = NZONES * 8
    };
    uint64_t *zset = mem_calloc((size_t)1 << ZSET_BITS, sizeof(uint64_t));
    struct gen_domain *dom = mem_calloc(MAXHOSTS, sizeof(*dom));
    uint32_t n = 0;
    char zone[96], host[160];

    for (uint32_t z = 0; z < NZONES; z++) {
        const char *tld = tlds[pick_weighted(r, tlds, NWORDS(tlds))].s;
        const char *a = words_a[gen_rng_below(r, NWORDS(words_a))];
        const char *b = words_b[gen_rng_below(r, NWORDS(words_b))];
        uint32_t form = gen_rng_below(r, 100);

        if (form < 45)
            snprintf(zone, sizeof(zone), "%s%s.%s.", a, b, tld);
        else if (form < 65)
            snprintf(zone, sizeof(zone), "%s-%s.%s.", a, b, tld);
        else if (form < 80)
            snprintf(zone, sizeof(zone), "%s%s.%s.", b,
                     word_suffix[gen_rng_below(r, NWORDS(word_suffix))], tld);
        else
            snprintf(zone, sizeof(zone), "%s%s%u.%s.", a, b, gen_rng_range(r, 1, 99), tld);
        if (!zset_insert(zset, zone)) {
            z--; /* taken: draw again (the set is far from full, so this ends) */
            continue;
        }
        /* Hosts of the zone: the apex sometimes, "www." usually, then a few others. */
        uint32_t nh = 1 + gen_rng_below(r, 5);
        uint32_t ttl_class[] = {30, 60, 120, 300, 300, 600, 1800, 3600, 3600, 14400, 86400};
        uint32_t ttl = ttl_class[gen_rng_below(r, NWORDS(ttl_class))];
        uint32_t first_prefix = gen_rng_below(r, NWORDS(host_prefix));
        for (uint32_t h = 0; h <= nh && n < MAXHOSTS; h++) {
            const char *pre;
            if (h == 0)
                pre = gen_rng_below(r, 100) < 35 ? "" : NULL;
            else if (h == 1)
                pre = gen_rng_below(r, 100) < 80 ? "www" : NULL;
            else
                pre = host_prefix[(first_prefix + h * 7) % NWORDS(host_prefix)];
            if (pre == NULL)
                continue;
            int len = snprintf(host, sizeof(host), "%s%s%s", pre, *pre ? "." : "", zone);
            struct gen_domain *d = &dom[n++];
            d->off = pool_add(p, host, (size_t)len);
            d->len = (uint16_t)len;
            d->zone = (uint16_t)(*pre ? strlen(pre) + 1 : 0);
            d->tld = (uint16_t)(d->zone + strlen(zone) - strlen(tld) - 1);
            d->cdn = gen_rng_below(r, 100) < 25 ? (uint16_t)(1 + gen_rng_below(r, 6)) : 0;
            d->ttl = ttl;
            d->addr = public_addr(r);
            d->naddr = (uint8_t)(gen_rng_below(r, 100) < 60 ? 1 : 2 + gen_rng_below(r, 3));
            d->aaaa = gen_rng_below(r, 100) < 55;
        }
    }
    /* Rank: a seeded shuffle decides which names are popular. */
    uint32_t *perm = mem_alloc(n * sizeof(uint32_t));
    for (uint32_t i = 0; i < n; i++)
        perm[i] = i;
    shuffle_u32(r, perm, n);
    w->dom = mem_alloc(n * sizeof(*w->dom));
    for (uint32_t i = 0; i < n; i++)
        w->dom[i] = dom[perm[i]];
    w->ndom = n;
    w->dom_cdf = mem_alloc(n * sizeof(uint32_t));
    build_cdf(w->dom_cdf, n, 0.95);
    mem_free(perm);
    mem_free(dom);
    mem_free(zset);
}

static void
build_clients(struct gen_world *w, struct gen_rng *r)
{
    enum {
        NCLIENT = 1200
    };
    uint8_t *used = mem_calloc(65536, 1);

    used[1 << 8 | 1] = 1; /* 192.168.1.1 is the resolver/gateway */
    w->client = mem_alloc(NCLIENT * sizeof(uint32_t));
    for (uint32_t i = 0; i < NCLIENT;) {
        uint32_t sub = gen_rng_range(r, 1, 12);
        uint32_t host = gen_rng_range(r, 10, 250);
        uint32_t k = sub << 8 | host;
        if (used[k])
            continue;
        used[k] = 1;
        w->client[i++] = 0xC0A80000u | k;
    }
    w->nclient = NCLIENT;
    w->nclient6 = 150;
    w->client_cdf = mem_alloc(NCLIENT * sizeof(uint32_t));
    build_cdf(w->client_cdf, NCLIENT, 0.8);
    mem_free(used);
}

static void
build_mdns(struct gen_world *w, struct gen_rng *r, struct pool *p)
{
    enum {
        NDEV = 40
    };
    char inst[128], host[128];

    w->mdns = mem_calloc(NDEV, sizeof(*w->mdns));
    for (uint32_t i = 0; i < NDEV; i++) {
        struct gen_mdns_dev *d = &w->mdns[i];
        int il;
        if (i < NWORDS(mdns_shared)) {
            il = snprintf(inst, sizeof(inst), "%s", mdns_shared[i]);
        } else {
            const char *o = mdns_owner[gen_rng_below(r, NWORDS(mdns_owner))];
            const char *t = mdns_devtype[gen_rng_below(r, NWORDS(mdns_devtype))];
            /* Apple writes U+2019 (bytes E2 80 99), which YAF exports as \xE2\x80\x99. */
            il = snprintf(inst, sizeof(inst), "%s%s%s", o,
                          gen_rng_below(r, 2) ? "\\xE2\\x80\\x99s " : "'s ", t);
        }
        /* Host label: the instance with unsafe characters turned into '-'. */
        size_t hl = 0;
        for (int k = 0; k < il && hl < 60; k++) {
            char c = inst[k];
            if (c == '\\') { /* skip an escape sequence */
                k += (inst[k + 1] == 'x') ? 3 : 1;
                continue;
            }
            int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (ok)
                host[hl++] = c;
            else if (hl > 0 && host[hl - 1] != '-')
                host[hl++] = '-';
        }
        while (hl > 0 && host[hl - 1] == '-')
            hl--;
        memcpy(host + hl, ".local.", 8);
        hl += 7;
        d->inst_off = pool_add(p, inst, (size_t)il);
        d->inst_len = (uint16_t)il;
        d->host_off = pool_add(p, host, hl);
        d->host_len = (uint16_t)hl;
        d->svc = (uint16_t)gen_rng_below(r, SVC_COUNT);
        d->addr = w->client[gen_rng_below(r, w->nclient)];
    }
    w->nmdns = NDEV;
}

static void
window(struct gen_rng *r, uint32_t hours, uint32_t len, uint32_t *first, uint32_t *last)
{
    if (len < 1)
        len = 1;
    if (len > hours)
        len = hours;
    *first = gen_rng_below(r, hours - len + 1);
    *last = *first + len - 1;
}

/*
 * The start times of a timed channel over its hours: the beacon every 300 s
 * times a uniform factor in [0.9, 1.1]; the control with exponential gaps of
 * mean 300 s (a Poisson process at the same rate).
 */
static void
plan_times(struct gen_world *w, struct gen_channel *c, struct gen_rng *r)
{
    int64_t t0 = w->spec.start_ms + (int64_t)c->first_hour * 3600000;
    int64_t t1 = w->spec.start_ms + ((int64_t)c->last_hour + 1) * 3600000;
    uint32_t cap = (uint32_t)((t1 - t0) / 30000) + 16, n = 0;
    int64_t t = t0 + (int64_t)gen_rng_below(r, 300000);

    c->times = mem_alloc(cap * sizeof(*c->times));
    while (t < t1 && n < cap) {
        double gap;

        c->times[n++] = t;
        if (c->kind == GEN_CH_BEACON) {
            gap = 300000.0 * (0.9 + 0.2 * ((double)gen_rng_below(r, 1000000) / 1e6));
        } else {
            double u = ((double)gen_rng_below(r, 1000000) + 0.5) / 1e6;

            gap = -300000.0 * log(u);
        }
        t += (int64_t)gap + 1;
    }
    c->ntimes = n;
}

void
gen_world_timed_range(const struct gen_channel *c, int64_t t0, int64_t t1, uint32_t *lo,
                      uint32_t *hi)
{
    uint32_t a = 0, b = c->ntimes;

    while (a < b && c->times[a] < t0)
        a++;
    b = a;
    while (b < c->ntimes && c->times[b] < t1)
        b++;
    *lo = a;
    *hi = b;
}

static void
build_channels(struct gen_world *w, struct gen_rng *r)
{
    static const char *const kind_names[GEN_CH_COUNT] = {
        "txt", "a", "cname", "null", "ptr-slow", "tunnel", "beacon", "beacon-random", "slow"};
    static const char *const rrtypes[GEN_CH_COUNT] = {"16",      "1",  "5",  "10", "12",
                                                      "5,15,16", "16", "16", "1"};
    const uint32_t resolver = 0xC0A80101u; /* 192.168.1.1 */
    uint32_t hours = w->spec.hours;
    int heavy = w->spec.exfil == GEN_EXFIL_HEAVY;
    uint32_t used_a = 0;

    for (uint32_t i = 0; i < GEN_CH_COUNT; i++) {
        struct gen_channel *c = &w->ch[i];
        c->kind = (enum gen_chan_kind)i;
        c->id = (char)('a' + i);
        c->kind_name = kind_names[i];
        c->rrtypes = rrtypes[i];
        if (c->kind == GEN_CH_PTR) {
            int n = snprintf(c->base, sizeof(c->base), "%u.10.in-addr.arpa.",
                             gen_rng_range(r, 16, 250));
            c->base_len = (uint32_t)n;
        } else {
            uint32_t a;
            do {
                a = gen_rng_below(r, NWORDS(chan_a));
            } while (used_a & (1u << a));
            used_a |= 1u << a;
            int n =
                snprintf(c->base, sizeof(c->base), "%s%s%s.%s.", chan_a[a],
                         gen_rng_below(r, 2) ? "-" : "", chan_b[gen_rng_below(r, NWORDS(chan_b))],
                         chan_tld[gen_rng_below(r, NWORDS(chan_tld))]);
            c->base_len = (uint32_t)n;
        }
        /* An infected host among the moderately active clients, one per channel. */
        for (;;) {
            uint32_t k = gen_rng_range(r, 20, w->nclient - 1);
            int taken = 0;
            for (uint32_t j = 0; j < i; j++)
                taken |= w->ch[j].client == w->client[k];
            if (!taken) {
                c->client = w->client[k];
                break;
            }
        }
        uint32_t ext_v = 0xC6336400u | gen_rng_range(r, 2, 250); /* 198.51.100.x */
        uint32_t ext_w = 0xCB007100u | gen_rng_range(r, 2, 250); /* 203.0.113.x */
        switch (c->kind) {
        case GEN_CH_TXT:
            c->server = gen_rng_below(r, 100) < 70 ? resolver : 0x08080808u;
            c->ppm = heavy ? 90000 : 3000;
            break;
        case GEN_CH_A:
            c->server = resolver;
            c->ppm = heavy ? 90000 : 3000;
            break;
        case GEN_CH_CNAME:
            c->server = gen_rng_below(r, 100) < 70 ? resolver : 0x01010101u;
            c->ppm = heavy ? 90000 : 2000;
            break;
        case GEN_CH_NULL:
            c->server = ext_v;
            c->ppm = heavy ? 90000 : 2000;
            break;
        case GEN_CH_PTR:
            c->server = gen_rng_below(r, 100) < 50 ? resolver : ext_w;
            c->per_hour = heavy ? 6 : 3;
            break;
        case GEN_CH_TUNNEL:
            c->server = gen_rng_below(r, 100) < 60 ? resolver : ext_w;
            c->ppm = heavy ? 200000 : 30000;
            break;
        case GEN_CH_BEACON:
        case GEN_CH_RANDOM:
            c->server = resolver;
            break;
        case GEN_CH_SLOW:
            c->server = resolver;
            c->per_hour = heavy ? 8 : 4;
            break;
        case GEN_CH_COUNT:
            break;
        }
        c->session = c->kind == GEN_CH_TXT || c->kind == GEN_CH_A || c->kind == GEN_CH_CNAME ||
                     c->kind == GEN_CH_NULL || c->kind == GEN_CH_TUNNEL;
        c->min_per_file = c->kind == GEN_CH_TUNNEL ? 20 : 3;
        if (c->kind == GEN_CH_BEACON || c->kind == GEN_CH_RANDOM) {
            /* A day (or the whole repository when shorter), the same day for both. */
            uint32_t len = hours < 24 ? hours : 24;

            if (c->kind == GEN_CH_BEACON)
                window(r, hours, len, &c->first_hour, &c->last_hour);
            else {
                c->first_hour = w->ch[GEN_CH_BEACON].first_hour;
                c->last_hour = w->ch[GEN_CH_BEACON].last_hour;
            }
            plan_times(w, c, r);
        } else if (heavy || c->kind == GEN_CH_PTR || c->kind == GEN_CH_SLOW) {
            c->first_hour = 0;
            c->last_hour = hours - 1;
        } else if (c->kind == GEN_CH_TUNNEL) {
            window(r, hours, 1 + gen_rng_below(r, 2), &c->first_hour, &c->last_hour);
        } else {
            uint32_t q = hours / 4 > 0 ? hours / 4 : 1;
            window(r, hours, q + gen_rng_below(r, q + 1), &c->first_hour, &c->last_hour);
        }
    }
    w->nch = GEN_CH_COUNT;
}

struct gen_world *
gen_world_create(const struct gen_world_spec *spec, struct err *err)
{
    if (spec->hours == 0 || spec->files_per_hour == 0) {
        ERR_SET(err, ERR_USAGE, "hours and files per hour must be at least 1");
        return NULL;
    }
    if (spec->start_ms % 3600000 != 0) {
        ERR_SET(err, ERR_USAGE, "start must be on an hour boundary");
        return NULL;
    }
    struct gen_world *w = mem_calloc(1, sizeof(*w));
    struct pool p = {0};
    struct gen_rng r;

    w->spec = *spec;
    gen_rng_seed(&r, spec->seed, 0x574F524C44ULL /* "WORLD" */, 0);
    build_domains(w, &r, &p);
    build_clients(w, &r);
    build_mdns(w, &r, &p);
    /* Channels have their own stream: --exfil does not change the benign world. */
    gen_rng_seed(&r, spec->seed, 0x4348414EULL /* "CHAN" */, spec->hours);
    if (spec->exfil != GEN_EXFIL_NONE)
        build_channels(w, &r);
    w->pool = p.buf;
    w->pool_len = p.len;
    return w;
}

void
gen_world_destroy(struct gen_world *w)
{
    if (w == NULL)
        return;
    mem_free(w->pool);
    mem_free(w->dom);
    mem_free(w->dom_cdf);
    mem_free(w->client);
    mem_free(w->client_cdf);
    mem_free(w->mdns);
    for (uint32_t c = 0; c < w->nch; c++)
        mem_free(w->ch[c].times);
    mem_free(w);
}

uint32_t
gen_world_channel_count(const struct gen_world *w, const struct gen_channel *c, uint32_t hour,
                        uint32_t file, uint64_t est)
{
    if (hour < c->first_hour || hour > c->last_hour)
        return 0;
    if (c->times) {
        int64_t span = 3600000 / (int64_t)w->spec.files_per_hour;
        int64_t t0 = w->spec.start_ms + (int64_t)hour * 3600000 + (int64_t)file * span;
        int64_t t1 = file + 1 == w->spec.files_per_hour
                         ? w->spec.start_ms + ((int64_t)hour + 1) * 3600000
                         : t0 + span;
        uint32_t lo, hi;

        gen_world_timed_range(c, t0, t1, &lo, &hi);
        return hi - lo;
    }
    if (c->per_hour) {
        /* Spread the hour's few flows over its files, rotating with the hour. */
        uint64_t k = w->spec.files_per_hour;
        uint64_t f = (file + hour) % k;
        return (uint32_t)((f + 1) * c->per_hour / k - f * c->per_hour / k);
    }
    uint64_t n = est * c->ppm / 1000000;
    return (uint32_t)(n < c->min_per_file ? c->min_per_file : n);
}

uint32_t
gen_world_hour_weight(uint32_t hod)
{
    static const uint8_t weight[24] = {45,  40,  35,  35,  35,  40,  55,  70, 90, 105, 115, 120,
                                       120, 120, 120, 115, 110, 105, 100, 95, 85, 75,  65,  55};
    return weight[hod % 24];
}
