/*
 * domain.h - the registered domain of a DNS name (Public Suffix List, libpsl).
 *
 * domain_split() takes a name as YAF exports it ("www.example.co.uk.", with
 * YAF's \xHH text for odd bytes) and finds:
 *   the group domain   the registered domain, public suffix + one label
 *                      ("example.co.uk."), lowercased; for reverse names the
 *                      zone: up to three octets of in-addr.arpa
 *                      ("20.168.192.in-addr.arpa."), 16 nibbles of ip6.arpa;
 *   the query part     the labels left of it ("www"), where tunnels put their
 *                      data. When the top-level label is not a public suffix
 *                      at all (iodine's "pirate.sea.", dnscat2's direct
 *                      "dnscat.<hex>."), the whole name is the query part:
 *                      the attacker chose every label of it.
 * The list is Debian's publicsuffix package, loaded by libpsl, never a copy in
 * this repository: the file psl_latest() would load, the newer of the package's
 * files and libpsl's built-in copy. When that is the package's compiled form
 * (public_suffix_list.dafsa), it is read once: libpsl loads those bytes and the
 * cache's parent filter (domain_cache) is made from the strings in them.
 * Threads: domain_list_load() once before threads start; the list is then
 * read-only and domain_split() may run on every thread.
 */
#ifndef ENGINE_DOMAIN_H
#define ENGINE_DOMAIN_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct domain_list; /* opaque: a loaded Public Suffix List */

/* The Public Suffix List read (psl_latest(): the newer of it and libpsl's built-in copy),
 * unless $FLOWSWEEP_PSL_FILE names another file. */
#define DOMAIN_PSL_FILE  "/usr/share/publicsuffix/public_suffix_list.dat"
#define DOMAIN_MAX       256  /* longer group domains are cut (and still grouped) */
#define DOMAIN_SPLIT_MAX 1024 /* longer names: only their last 1023 bytes are split */

struct domain_parts {
    char domain[DOMAIN_MAX]; /* lowercased group domain with its trailing dot */
    size_t domain_len;       /* bytes in domain */
    size_t domain_off;       /* where domain (without its dot) starts in the caller's name */
    const uint8_t *query;    /* query part: points into the caller's name */
    size_t query_len;        /* bytes of the query part (0: none) */
    int whole;        /* 1: the top label is no public suffix (the whole name is the query) */
    uint32_t *memo;   /* with a cache: 32 bits its one caller keeps with this name, 0 until
                         the caller stores a value (valid until the next call); else NULL */
    uint64_t *memo64; /* with a cache: 64 more such bits (as memo; domain_cache_memo64()) */
};

/*
 * domain_list_load() - loads the newest PSL on this machine, or NULL with
 * ERR_IO; the file $FLOWSWEEP_PSL_FILE names when set, or NULL with ERR_USAGE.
 */
struct domain_list *domain_list_load(struct err *err);

/*
 * domain_list_identity() - which Public Suffix List domain_list_load() would
 * load, as text into buf (cap >= DOMAIN_LIST_ID_MAX): hashes of the bytes of
 * the text list and of libpsl's compiled (DAFSA) list ("none" without one)
 * and libpsl's built-in list's checksum. What a
 * job that reads registered domains must add to its cache key and shard
 * identity, since another list gives other domains.
 */
#define DOMAIN_LIST_ID_MAX 96
void domain_list_identity(char *buf, size_t cap);

/*
 * domain_list_filtered() - 1 when `l` has the parent filter (its list came from the DAFSA
 * file), so that cached splits of new names under known domains ask libpsl nothing.
 */
int domain_list_filtered(const struct domain_list *l);

/* domain_list_free() - frees `l`; NULL is a no-op. */
void domain_list_free(struct domain_list *l);

/*
 * A per-thread cache of recent answers (benign names repeat a lot; libpsl
 * checks every suffix of a name, thousands of instructions each). Keyed by the
 * name's fingerprint (struct domain_fp); set-associative, least recently used
 * out; beside it a memo of libpsl's answers per suffix, so that a new name
 * under a known domain costs one public-suffix test, or none with the parent
 * filter (domain_list_filtered()). It changes speed, never
 * results (unit.domain compares both with libpsl's answers).
 */
/*
 * The XXH3-128 fingerprint of a name's bytes as sent (case and trailing dot
 * included): dns-hunt computes it once per name for its distinct-name set and
 * for this cache.
 */
struct domain_fp {
    uint64_t lo, hi;
};

/* domain_fingerprint() - the fingerprint of `name` (len bytes). */
struct domain_fp domain_fingerprint(const uint8_t *name, size_t len);

/*
 * The cache's layout, here so that a caller's hot path can read a cached name's answer inline
 * (domain_cache_find()): 2^15 sets of two ways, one 64-byte line each, for names; 2^14 more
 * for the lowercased suffixes libpsl answered (domain.c, suffix_reg()). Read it only through
 * the functions below.
 */
#define DOMAIN_CACHE_SETS  32768
#define DOMAIN_CACHE_WAYS  2
#define DOMAIN_SUFFIX_SETS 16384
#define DOMAIN_META_VALID  (1u << 17)
#define DOMAIN_META_WHOLE  (1u << 16)

struct domain_way {
    uint64_t lo, hi; /* the fingerprint */
    uint32_t meta;   /* DOMAIN_META_VALID | DOMAIN_META_WHOLE? | domain start (16 bits); 0: empty */
    uint32_t memo;   /* the caller's (domain_parts.memo) */
    uint64_t memo64; /* the caller's too (domain_parts.memo64; the suffix memo: unused) */
};

struct domain_cache_set {
    struct domain_way way[DOMAIN_CACHE_WAYS];
};

struct domain_cache {
    struct domain_cache_set set[DOMAIN_CACHE_SETS];     /* names as sent */
    struct domain_cache_set suffix[DOMAIN_SUFFIX_SETS]; /* lowercased suffixes */
};

/* domain_set_find() - the way of `fp` in set `s`, moved to the set's front, or NULL. */
static inline struct domain_way *
domain_set_find(struct domain_cache_set *s, const struct domain_fp *fp)
{
    if (s->way[0].lo == fp->lo && s->way[0].hi == fp->hi && s->way[0].meta != 0)
        return &s->way[0];
    if (s->way[1].lo == fp->lo && s->way[1].hi == fp->hi && s->way[1].meta != 0) {
        struct domain_way w = s->way[1];

        s->way[1] = s->way[0];
        s->way[0] = w;
        return &s->way[0];
    }
    return NULL;
}

/*
 * domain_cache_find() - the cached answer of name `fp`, moved to the front of its set (as
 * domain_locate_fp() does when it finds it), or NULL (then domain_locate_fp() splits it). Valid
 * until the next call on `c`.
 */
static inline struct domain_way *
domain_cache_find(struct domain_cache *c, const struct domain_fp *fp)
{
    return domain_set_find(&c->set[fp->lo & (DOMAIN_CACHE_SETS - 1)], fp);
}

/* domain_way_whole() - domain_parts.whole of the name whose answer `w` is. */
static inline int
domain_way_whole(const struct domain_way *w)
{
    return (w->meta & DOMAIN_META_WHOLE) != 0;
}

/*
 * domain_way_query_len() - domain_parts.query_len of the name (len bytes) whose answer `w` is,
 * when the whole name was split (0 < len - its trailing dot < DOMAIN_SPLIT_MAX); else (size_t)-1.
 */
static inline size_t
domain_way_query_len(const struct domain_way *w, const uint8_t *name, size_t len)
{
    size_t n = len > 0 && name[len - 1] == '.' ? len - 1 : len;
    size_t dstart = w->meta & 0xFFFFu;

    if (n == 0 || n >= DOMAIN_SPLIT_MAX) /* no name (never cached); or split at its end */
        return (size_t)-1;
    return domain_way_whole(w) ? n : dstart > 0 ? dstart - 1 : 0;
}

/* domain_cache_create() - an empty cache (3 MiB: 2 for names, 1 for suffixes). */
struct domain_cache *domain_cache_create(void);

/*
 * domain_cache_prefetch() - starts loading the cache line where `fp`'s answer would be (a hint,
 * for a caller that splits a batch of names: the cache is larger than the CPU's caches).
 */
static inline void
domain_cache_prefetch(const struct domain_cache *c, const struct domain_fp *fp)
{
    __builtin_prefetch(&c->set[fp->lo & (DOMAIN_CACHE_SETS - 1)]);
}

/* domain_cache_destroy() - frees `c`; NULL is a no-op. */
void domain_cache_destroy(struct domain_cache *c);

/*
 * domain_split() - fills `out` for `name` (len bytes), using cache `c` (may be
 * NULL). Returns 1, or 0 for an empty name (nothing to group).
 */
int domain_split(const struct domain_list *l, struct domain_cache *c, const uint8_t *name,
                 size_t len, struct domain_parts *out);

/*
 * domain_split_fp() - domain_split() with the name's fingerprint already made
 * (`fp` = domain_fingerprint(name, len); may be NULL when `c` is NULL).
 */
int domain_split_fp(const struct domain_list *l, struct domain_cache *c, const uint8_t *name,
                    size_t len, const struct domain_fp *fp, struct domain_parts *out);

/*
 * domain_locate_fp() - domain_split_fp() without the text of the domain: every field of
 * `out` but `domain` (domain_len counts its trailing dot, as there). For a caller that, on a
 * cached name, finds in its memo all it needs of the domain; domain_text() fills the rest.
 */
int domain_locate_fp(const struct domain_list *l, struct domain_cache *c, const uint8_t *name,
                     size_t len, const struct domain_fp *fp, struct domain_parts *out);

/* domain_text() - out->domain of `name` (as passed to domain_locate_fp(), which filled `out`). */
void domain_text(struct domain_parts *out, const uint8_t *name);

/*
 * domain_cache_memo64() - the 64 bits the caller keeps with cached name `fp` (domain_parts.memo64),
 * or NULL when the name has left the cache since (valid until the next call on `c`).
 */
uint64_t *domain_cache_memo64(struct domain_cache *c, const struct domain_fp *fp);

#endif
