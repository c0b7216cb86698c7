/*
 * gen_world.h - the fixed facts of one generated repository, shared read-only
 * by every worker: the benign domain universe with its Zipf popularity, the
 * client pool, the mDNS devices, and the plan of the planted exfiltration
 * channels (which client, which server, which base domain, which hours).
 *
 * Call order: gen_world_create() once before the parallel region, then any
 * number of threads read it (gen_model.h), then gen_world_destroy().
 * Everything is a pure function of the spec (seed, start, hours, files per
 * hour, exfil mode), so two runs with the same spec build the same world.
 * Threads: immutable after creation; safe to share.
 */
#ifndef BENCH_GEN_WORLD_H
#define BENCH_GEN_WORLD_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum gen_exfil {
    GEN_EXFIL_NONE = 0, /* benign traffic only */
    GEN_EXFIL_DEFAULT,  /* every channel, a small share of the flows */
    GEN_EXFIL_HEAVY     /* every channel in every hour, ~35% of flows, unique names */
};

enum gen_chan_kind {
    GEN_CH_TXT = 0, /* (a) long encoded labels, TXT queries and answers */
    GEN_CH_A,       /* (b) long encoded labels, A answers carry data */
    GEN_CH_CNAME,   /* (c) long encoded labels, CNAME answers carry data */
    GEN_CH_NULL,    /* (d) iodine-like NULL (type 10) with 8-bit labels */
    GEN_CH_PTR,     /* (e) slow PTR lookups of a fake in-addr.arpa zone */
    GEN_CH_TUNNEL,  /* (f) high-rate dnscat2-like tunnel, TXT/CNAME/MX */
    GEN_CH_BEACON,  /* (g) periodic C2 beacon: one TXT query every 300 s +- 10% for a day */
    GEN_CH_RANDOM,  /* (h) the control: the same queries at random (Poisson) times, same rate */
    GEN_CH_SLOW,    /* (i) low-and-slow: a few A queries an hour, every hour */
    GEN_CH_COUNT
};

#define GEN_BASE_MAX 64 /* bytes of a channel base domain, with NUL */

struct gen_channel {
    enum gen_chan_kind kind; /* what is planted */
    char id;                 /* 'a'..'f', the label-file key */
    const char *kind_name;   /* "txt", "a", "cname", "null", "ptr-slow", "tunnel" */
    char base[GEN_BASE_MAX]; /* base domain with trailing dot, "cloudsync-relay.net." */
    uint32_t base_len;       /* bytes in base */
    uint32_t client;         /* internal client, IPv4 host order */
    uint32_t server;         /* resolver or tunnel server, IPv4 host order */
    uint32_t first_hour;     /* first active hour, index from the repo start */
    uint32_t last_hour;      /* last active hour, inclusive */
    uint32_t ppm;            /* flows per million flows of an active file */
    uint32_t min_per_file;   /* at least this many in an active file (ppm channels) */
    uint32_t per_hour;       /* slow channels: exactly this many per active hour */
    int64_t *times;          /* timed channels (g, h): every flow start, Unix ms, ascending */
    uint32_t ntimes;         /* entries in times (0: not a timed channel) */
    int session;             /* flow-table mode: its flows on one port merge into sessions */
    const char *rrtypes;     /* query types, "16" or "5,15,16" */
};

struct gen_world_spec {
    uint64_t seed;           /* --seed */
    int64_t start_ms;        /* first hour, Unix ms UTC, a multiple of 3600000 */
    uint32_t hours;          /* --hours */
    uint32_t files_per_hour; /* --files-per-hour */
    enum gen_exfil exfil;    /* --exfil */
};

/* gen_world_timed_range() - the indices [*lo, *hi) of timed channel `c`'s flows in [t0, t1) ms. */
void gen_world_timed_range(const struct gen_channel *c, int64_t t0, int64_t t1, uint32_t *lo,
                           uint32_t *hi);

/* One benign host name; the bytes live in the world's pool. */
struct gen_domain {
    uint32_t off;  /* pool offset of "www.brightpixel.com." */
    uint16_t len;  /* bytes, trailing dot included */
    uint16_t zone; /* offset inside the name of the registrable domain "brightpixel.com." */
    uint16_t tld;  /* offset inside the name of the TLD "com." */
    uint16_t cdn;  /* 0: no CNAME; else 1 + index of the CDN it is aliased to */
    uint32_t ttl;  /* the authoritative TTL of its records, seconds */
    uint32_t addr; /* first A address, IPv4 host order (1-4 are derived from it) */
    uint8_t naddr; /* A records in an answer, 1..4 */
    uint8_t aaaa;  /* 1 if it has AAAA records */
};

struct gen_mdns_dev {
    uint32_t inst_off; /* pool offset of the instance label ("Living Room TV"), YAF-escaped */
    uint16_t inst_len; /* bytes */
    uint32_t host_off; /* pool offset of "Living-Room-TV.local." */
    uint16_t host_len; /* bytes */
    uint16_t svc;      /* index into the service list */
    uint32_t addr;     /* its 192.168 address, host order */
};

struct gen_world {
    struct gen_world_spec spec;          /* what it was built from */
    char *pool;                          /* name bytes */
    size_t pool_len;                     /* bytes used in pool */
    struct gen_domain *dom;              /* benign host names */
    uint32_t ndom;                       /* entries in dom */
    uint32_t *dom_cdf;                   /* Zipf CDF over dom, scaled to 2^32 */
    uint32_t *client;                    /* internal IPv4 clients, host order */
    uint32_t nclient;                    /* entries in client (and client_cdf) */
    uint32_t *client_cdf;                /* activity CDF over clients, scaled to 2^32 */
    uint32_t nclient6;                   /* the first nclient6 clients also have IPv6 */
    struct gen_mdns_dev *mdns;           /* mDNS speakers on the LAN */
    uint32_t nmdns;                      /* entries in mdns */
    struct gen_channel ch[GEN_CH_COUNT]; /* planted channels (when exfil != none) */
    uint32_t nch;                        /* GEN_CH_COUNT, or 0 for --exfil none */
};

/* gen_world_create() - builds the world of `spec`. Returns NULL with `err` set on a bad spec. */
struct gen_world *gen_world_create(const struct gen_world_spec *spec, struct err *err);

/* gen_world_destroy() - frees `w`; NULL is a no-op. */
void gen_world_destroy(struct gen_world *w);

/* gen_world_pick() - the index (into dom or client) whose CDF bucket holds `u` (a Zipf draw). */
uint32_t gen_world_pick(const uint32_t *cdf, uint32_t n, uint32_t u);

/*
 * gen_world_channel_count() - how many flows channel `c` puts into file
 * `file` of hour `hour` when that file is planned to hold about `est` flows.
 * 0 outside the channel's hours.
 */
uint32_t gen_world_channel_count(const struct gen_world *w, const struct gen_channel *c,
                                 uint32_t hour, uint32_t file, uint64_t est);

/* gen_world_hour_weight() - the diurnal weight of hour-of-day `hod` (0..23), in percent. */
uint32_t gen_world_hour_weight(uint32_t hod);

#endif
