/*
 * domain.c - see domain.h.
 */
#include "domain.h"

#include <ctype.h>
#include <errno.h>
#include <libpsl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define XXH_INLINE_ALL /* the fingerprints: the same values, inlined */
#include <xxhash.h>

#include "mem.h"

/* $FLOWSWEEP_PSL_FILE when set and not empty (the list to use, whatever its age), else NULL. */
static const char *
psl_named(void)
{
    const char *f = getenv("FLOWSWEEP_PSL_FILE");

    return f != NULL && *f != '\0' ? f : NULL;
}

/*
 * 1 when the list at `path` holds a rule: a line whose first word starts as a rule does (a
 * letter, digit, '*', '!' or a UTF-8 byte), or a compiled (DAFSA) list. libpsl reads any first
 * word but a "//" comment as a rule ("# note" too), so a file of only such lines would load as
 * a list that gives no name its domain. 1 too when `path` cannot be read (libpsl says why).
 */
static int
psl_has_rule(const char *path)
{
    FILE *f = fopen(path, "rb"); // NOLINT(cert-err33-c): checked below
    char head[11];
    int ch, start = 1, found = 0;

    if (f == NULL)
        return 1;
    if (fread(head, 1, sizeof(head), f) == sizeof(head) &&
        memcmp(head, ".DAFSA@PSL_", sizeof(head)) == 0) {
        fclose(f);
        return 1;
    }
    rewind(f);
    while (!found && (ch = getc(f)) != EOF) {
        if (ch == '\n') {
            start = 1;
        } else if (start && ch != ' ' && ch != '\t' && ch != '\r') {
            found = isalnum(ch) || ch == '*' || ch == '!' || ch >= 0x80;
            start = 0;
        }
    }
    fclose(f);
    return found;
}

/* The Public Suffix List text file: the one named, else Debian's. */
static const char *
psl_file(void)
{
    return psl_named() != NULL ? psl_named() : DOMAIN_PSL_FILE;
}

/*
 * A set of fingerprints (domain_fp.lo): open addressing, 0 marks an empty slot (a fingerprint
 * 0 is `zero`), `mask` + 1 slots. Made in one pass, where sorting the 20 k fingerprints of
 * Debian's list was 9 M instructions of every dns-hunt start (docs/partials.md).
 */
struct fpset {
    uint64_t *slots;
    size_t mask;
    int zero;
};

struct domain_list {
    psl_ctx_t *psl;
    /*
     * The parent filter (suffix_reg()): `parents` holds the fingerprints of every string of
     * the list libpsl answers from (the rules, each wildcard's base) and of every suffix of
     * them after a dot; `wild` those of the strings libpsl finds with a wildcard rule under
     * them ("ck" for *.ck). A name "x.rest" can be a public suffix only if it is itself among
     * the parents (a rule x.rest), or if rest is a wildcard's base (*.rest): when neither,
     * libpsl is not asked. parents.slots NULL: no filter.
     */
    struct fpset parents, wild;
};

/*
 * The cache (domain.h has its layout): 2^15 sets of two ways, one 64-byte line each (2 MiB).
 * A name's key is the XXH3-128 fingerprint of its bytes as sent (domain.h); the value is where
 * its group domain starts, whether it is whole, and the caller's 32 + 64 bits (struct
 * domain_parts.memo, memo64). A set keeps its ways most recently used first. The fingerprint is
 * the name's identity, as it is in dns-hunt's set of distinct names: two names with one
 * fingerprint already count as one name there.
 *
 * The suffix memo: libpsl's registrable domain of each suffix a missed name was split into
 * (below, suffix_reg()), keyed by the fingerprint of the lowercased suffix: 2^14 sets (1 MiB).
 */
#define CACHE_SETS  DOMAIN_CACHE_SETS
#define SUFFIX_SETS DOMAIN_SUFFIX_SETS
#define META_WILD   (1u << 19) /* suffix memo: the suffix may be a wildcard's base */
#define META_PARENT (1u << 18) /* suffix memo: the suffix may have public children */
#define META_VALID  DOMAIN_META_VALID
#define META_WHOLE  DOMAIN_META_WHOLE

_Static_assert(sizeof(struct domain_cache_set) == 64, "one cache line per set");

struct domain_cache *
domain_cache_create(void)
{
    return mem_calloc(1, sizeof(struct domain_cache));
}

void
domain_cache_destroy(struct domain_cache *c)
{
    mem_free(c);
}

struct domain_fp
domain_fingerprint(const uint8_t *name, size_t len)
{
    XXH128_hash_t h = XXH3_128bits(name, len);

    return (struct domain_fp){h.low64, h.high64};
}

/* The way of `fp`, moved to its set's front, or NULL. */
static struct domain_way *
cache_get(struct domain_cache_set *s, const struct domain_fp *fp)
{
    return domain_set_find(s, fp);
}

/* Puts `fp` at its set's front (its memo 0); the least recently used way leaves. */
static struct domain_way *
cache_put(struct domain_cache_set *s, const struct domain_fp *fp, uint32_t meta)
{
    s->way[1] = s->way[0];
    s->way[0] = (struct domain_way){fp->lo, fp->hi, meta, 0, 0}; /* the memos: none yet */
    return &s->way[0];
}

/* ---- the parent filter: the strings of libpsl's DAFSA file -------------------------------- */

#define DAFSA_MAX      (4u << 20) /* a bigger file is not taken apart (psl_latest() answers) */
#define DAFSA_MAX_KEYS (1u << 20)

/* A list of fingerprints being collected. */
struct fplist {
    uint64_t *p;
    size_t n, cap;
};

struct dafsa_walk {
    const uint8_t *g, *end; /* the graph */
    char key[256];          /* the string walked so far */
    struct fplist out;      /* fingerprints collected: strings and their suffixes */
    struct fplist wild;     /* those of the strings with the wildcard flag */
    int bad;                /* the graph is not as expected: no filter */
};

/* The flag libpsl's lookup returns for a string with a wildcard rule under it (psl.c's
 * _PSL_FLAG_WILDCARD, bit 1 of the graph's return values). */
#define DAFSA_WILDCARD 0x02

static void
walk_add(struct dafsa_walk *w, struct fplist *l, const char *p, size_t len)
{
    if (l->n == l->cap) {
        if (l->cap >= DAFSA_MAX_KEYS) {
            w->bad = 1;
            return;
        }
        l->cap = l->cap ? 2 * l->cap : 4096;
        l->p = mem_realloc(l->p, l->cap * sizeof(*l->p));
    }
    l->p[l->n++] = domain_fingerprint((const uint8_t *)p, len).lo;
}

/* A string of the list (its flags `value`): it and each of its suffixes after a dot. */
static void
walk_key(struct dafsa_walk *w, size_t len, unsigned value)
{
    walk_add(w, &w->out, w->key, len);
    if (value & DAFSA_WILDCARD)
        walk_add(w, &w->wild, w->key, len);
    for (size_t i = 0; i < len && !w->bad; i++)
        if (w->key[i] == '.')
            walk_add(w, &w->out, w->key + i + 1, len - i - 1);
}

/*
 * The children at `pos` of the string key[0..len): the node layout libpsl's
 * lookup_string_in_fixed_set.c reads (Chromium's make_dafsa.py): a list of offsets, each
 * to a node of <char>* then an end char (its children's list follows) or a return value.
 */
static void
walk_list(struct dafsa_walk *w, const uint8_t *pos, size_t len)
{
    const uint8_t *off = pos;

    while (!w->bad && pos < w->end) {
        const uint8_t *o;
        size_t l = len;
        int last = (pos[0] & 0x80) != 0;

        if (pos + 2 >= w->end) {
            w->bad = 1;
            return;
        }
        switch (pos[0] & 0x60) {
        case 0x60:
            off += ((size_t)(pos[0] & 0x1F) << 16) | ((size_t)pos[1] << 8) | pos[2];
            pos += 3;
            break;
        case 0x40:
            off += ((size_t)(pos[0] & 0x1F) << 8) | pos[1];
            pos += 2;
            break;
        default:
            off += pos[0] & 0x3F;
            pos += 1;
        }
        for (o = off; o < w->end && !(*o & 0x80); o++) {
            if (l + 1 >= sizeof(w->key)) {
                w->bad = 1;
                return;
            }
            w->key[l++] = (char)*o;
        }
        if (o >= w->end) {
            w->bad = 1;
            return;
        }
        if ((*o & 0xE0) == 0x80) { /* a return value: key[0..l) is in the list */
            walk_key(w, l, *o & 0x0Fu);
        } else {
            if (l + 1 >= sizeof(w->key) || (*o & 0x7F) == 0) {
                w->bad = 1;
                return;
            }
            w->key[l++] = (char)(*o & 0x7F);
            walk_list(w, o + 1, l);
        }
        if (last)
            return;
    }
}

/* The slot of fingerprint `fp` (not 0) in set `f`: its own, or the empty one where it would
 * go. The fingerprints are XXH3 bits already: their low bits are the slot. */
static size_t
fpset_slot(const struct fpset *f, uint64_t fp)
{
    size_t h = (size_t)fp & f->mask;

    while (f->slots[h] != 0 && f->slots[h] != fp)
        h = (h + 1) & f->mask;
    return h;
}

/* The set of the fingerprints of `l` (repeats allowed), at most two thirds full. */
static void
fpset_make(struct fpset *f, const struct fplist *l)
{
    size_t cap = 16;

    while (cap < l->n + l->n / 2)
        cap *= 2;
    f->mask = cap - 1;
    f->slots = mem_calloc(cap, sizeof(*f->slots));
    for (size_t i = 0; i < l->n; i++)
        if (l->p[i] == 0)
            f->zero = 1;
        else
            f->slots[fpset_slot(f, l->p[i])] = l->p[i];
}

/* Whether `fp` is in `f` (a hash match only: a false "yes" asks libpsl). */
static int
fpset_has(const struct fpset *f, uint64_t fp)
{
    return fp == 0 ? f->zero : f->slots[fpset_slot(f, fp)] == fp;
}

static time_t
mtime_of(const char *path)
{
    struct stat sb;

    return path != NULL && *path && stat(path, &sb) == 0 ? sb.st_mtime : 0;
}

/*
 * The list from libpsl's DAFSA file (psl_dist_filename(), Debian's publicsuffix package
 * compiled), with the parent filter made from the same bytes, when it is the file
 * psl_latest() would load: strictly newer than the text list and than libpsl's built-in
 * copy. Only the ASCII form (version 0: libpsl turns other names to punycode first). 1, or 0
 * (then psl_latest() loads the list, with no filter).
 */
static int
load_dafsa(struct domain_list *l)
{
    const char *path = psl_dist_filename();
    time_t t = mtime_of(path);
    static const char magic[] = ".DAFSA@PSL_0";
    struct dafsa_walk w;
    uint8_t *buf;
    size_t n, hdr;
    FILE *fp;
    struct stat sb;

    if (t == 0 || t <= mtime_of(psl_file()) || t <= psl_builtin_file_time() ||
        t <= mtime_of(psl_builtin_filename()))
        return 0;
    fp = fopen(path, "rb");
    if (fp == NULL)
        return 0;
    if (fstat(fileno(fp), &sb) != 0 || sb.st_size <= 0 || (uint64_t)sb.st_size > DAFSA_MAX) {
        fclose(fp);
        return 0;
    }
    buf = mem_alloc((size_t)sb.st_size);
    n = fread(buf, 1, (size_t)sb.st_size, fp);
    fclose(fp);
    hdr = sizeof(magic) - 1;
    while (hdr < n && buf[hdr] != '\n')
        hdr++;
    if (n != (size_t)sb.st_size || hdr >= n || memcmp(buf, magic, sizeof(magic) - 1) != 0 ||
        (buf[sizeof(magic) - 1] != ' ' && buf[sizeof(magic) - 1] != '\n')) {
        mem_free(buf);
        return 0;
    }
    memset(&w, 0, sizeof(w));
    w.g = buf + hdr + 1;
    w.end = buf + n;
    walk_list(&w, w.g, 0);
    if (!w.bad && w.out.n > 0) {
        fp = fmemopen(buf, n, "rb"); /* libpsl reads the bytes the filter was made from */
        if (fp != NULL) {
            l->psl = psl_load_fp(fp);
            fclose(fp);
        }
    }
    mem_free(buf);
    if (!w.bad && l->psl != NULL) {
        fpset_make(&l->parents, &w.out);
        fpset_make(&l->wild, &w.wild);
    }
    mem_free(w.out.p);
    mem_free(w.wild.p);
    return !w.bad && l->psl != NULL;
}

int
domain_list_filtered(const struct domain_list *l)
{
    return l->parents.slots != NULL;
}

struct domain_list *
domain_list_load(struct err *err)
{
    struct domain_list *l = mem_calloc(1, sizeof(*l));
    const char *named = psl_named();

    if (named != NULL) { /* exactly the list named: never an older or newer one instead */
        struct stat sb;
        int e = stat(named, &sb) != 0 ? errno : S_ISDIR(sb.st_mode) ? EISDIR : 0;

        l->psl = e || !psl_has_rule(named) ? NULL : psl_load_file(named);
        if (l->psl == NULL || psl_suffix_count(l->psl) <= 0) {
            char sys[128];

            psl_free(l->psl);
            mem_free(l);
            /* a file the user named, as a watchlist or --allow file: a usage error (exit 2) */
            if (e != 0 && strerror_r(e, sys, sizeof(sys)) != 0)
                snprintf(sys, sizeof(sys), "errno %d", e);
            if (e)
                ERR_SET(err, ERR_USAGE, "FLOWSWEEP_PSL_FILE=%s: %s", named, sys);
            else
                ERR_SET(err, ERR_USAGE,
                        "FLOWSWEEP_PSL_FILE=%s: not a Public Suffix List (no rule read)", named);
            return NULL;
        }
        return l;
    }
    /* The newest of libpsl's built-in list, the list file and Debian's compiled list. */
    if (!load_dafsa(l))
        l->psl = psl_latest(psl_file());
    if (l->psl == NULL) {
        mem_free(l);
        ERR_SET(err, ERR_IO, "cannot load the Public Suffix List (%s; package publicsuffix)",
                psl_file());
        return NULL;
    }
    return l;
}

void
domain_list_identity(char *buf, size_t cap)
{
    /* every list psl_latest() and load_dafsa() may take: the text file, libpsl's compiled one
     * (only the file named by $FLOWSWEEP_PSL_FILE when set) */
    const char *paths[2] = {psl_file(), psl_named() != NULL ? NULL : psl_dist_filename()};
    char file[2][24];
    uint8_t chunk[8192];

    for (int i = 0; i < 2; i++) {
        FILE *f = paths[i] != NULL && *paths[i] != '\0' ? fopen(paths[i], "rb") : NULL;
        XXH3_state_t *h = XXH3_createState();
        size_t n;

        snprintf(file[i], sizeof(file[i]), "none");
        if (f != NULL && h != NULL) {
            XXH3_64bits_reset(h);
            while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
                XXH3_64bits_update(h, chunk, n);
            if (!ferror(f))
                snprintf(file[i], sizeof(file[i]), "%016llx",
                         (unsigned long long)XXH3_64bits_digest(h));
        }
        if (f != NULL)
            fclose(f);
        XXH3_freeState(h);
    }
    snprintf(buf, cap, "psl=%s,dafsa=%s,builtin=%.16s", file[0], file[1], psl_builtin_sha1sum());
}

void
domain_list_free(struct domain_list *l)
{
    if (l == NULL)
        return;
    psl_free(l->psl);
    mem_free(l->parents.slots);
    mem_free(l->wild.slots);
    mem_free(l);
}

static int
is_octet(const char *p, size_t len)
{
    if (len == 0 || len > 3)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (p[i] < '0' || p[i] > '9')
            return 0;
    return len == 1 || p[0] != '0' ? 1 : 0;
}

static int
is_nibble(const char *p, size_t len)
{
    return len == 1 && ((p[0] >= '0' && p[0] <= '9') || (p[0] >= 'a' && p[0] <= 'f'));
}

/*
 * Reverse zones: the offset in `s` (len bytes, no trailing dot) where the zone
 * starts: the suffix (slen bytes, with its leading dot) and up to `max` labels
 * before it that pass `ok`.
 */
static long
reverse_zone(const char *s, size_t len, size_t slen, int max, int (*ok)(const char *, size_t))
{
    size_t cut = len - slen + 1; /* "in-addr.arpa" itself */

    for (int n = 0; n < max && cut >= 2; n++) {
        size_t e = cut - 1; /* the dot before the zone */
        size_t b = e;

        while (b > 0 && s[b - 1] != '.')
            b--;
        if (!ok(s + b, e - b))
            break;
        cut = b;
    }
    return (long)cut;
}

int
domain_split(const struct domain_list *l, struct domain_cache *c, const uint8_t *name, size_t len,
             struct domain_parts *out)
{
    struct domain_fp fp;

    if (c == NULL)
        return domain_split_fp(l, NULL, name, len, NULL, out);
    fp = domain_fingerprint(name, len);
    return domain_split_fp(l, c, name, len, &fp, out);
}

/* Whether the top label `tld` is no public suffix (the whole name is then the query). */
static int
tld_whole(const struct domain_list *l, const char *tld)
{
    return !psl_is_public_suffix2(l->psl, tld, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE);
}

struct suffix_ans {
    long off;   /* where the registrable domain starts in the suffix; -1: none */
    int whole;  /* tld_whole() of the suffix's top label */
    int parent; /* the suffix may have public children (the parent filter; 1 without it) */
    int wild;   /* the suffix may be a wildcard's base (*.suffix; 1 without the filter) */
};

/* Whether p[0..n) is ASCII: eight bytes at a time. */
static int
is_ascii(const char *p, size_t n)
{
    uint64_t acc = 0, x;
    size_t i = 0;

    for (; i + 8 <= n; i += 8) {
        memcpy(&x, p + i, 8);
        acc |= x;
    }
    for (; i < n; i++)
        acc |= (uint8_t)p[i];
    return (acc & 0x8080808080808080ull) == 0;
}

/*
 * psl_registrable_domain(d) with what repeats remembered. libpsl walks the
 * suffixes of d from the left, one public-suffix test (a DAFSA lookup or two,
 * some 2,000 instructions) each, and returns the suffix just before the first
 * public one. So with rest = d after its first dot:
 *     reg(d) = none                     if d is a public suffix or has no dot,
 *              reg(rest), else d        otherwise,
 * each public-suffix test being libpsl's own (psl_is_public_suffix2() with
 * type 0, the test psl_registrable_domain() makes). A new name then costs one
 * test for each of its suffixes not met before (www.example.com: one, when
 * example.com was seen) instead of one for every suffix. The memo is keyed by
 * the suffix's fingerprint; unit.domain compares the answers with
 * psl_registrable_domain()'s on names made from every rule of the list.
 * The parent filter spares nearly every test that remains (new names under a known
 * domain: tunnels; new domains under a known suffix): libpsl finds d = "x.rest"
 * public only when d is a string of its list (a rule x.rest, not an exception) or
 * when rest is one with the wildcard flag (a rule *.rest). So d is not public when
 * rest ends no string of the list after a dot and is none (domain_list.parents;
 * then d is none either), or when d is none and rest is no wildcard's base
 * (domain_list.wild). Names with bytes past ASCII (libpsl makes them punycode
 * first) and with a leading dot (libpsl tests d without it) are always tested.
 * `ascii`: 1 when d is known to be ASCII (a suffix of an ASCII name), else -1.
 */
static struct suffix_ans
suffix_reg(const struct domain_list *l, struct domain_cache *c, const char *d, int ascii)
{
    size_t dn = strlen(d);
    struct domain_fp fp = domain_fingerprint((const uint8_t *)d, dn);
    struct domain_cache_set *set = &c->suffix[fp.lo & (SUFFIX_SETS - 1)];
    struct domain_way *w = cache_get(set, &fp);
    const char *dot;
    struct suffix_ans a;
    int filter, parent;

    if (w != NULL)
        return (struct suffix_ans){(long)(w->meta & 0xFFFFu) - 1, (w->meta & META_WHOLE) != 0,
                                   (w->meta & META_PARENT) != 0, (w->meta & META_WILD) != 0};
    if (ascii < 0)
        ascii = is_ascii(d, dn) ? 1 : -1;
    filter = l->parents.slots != NULL && ascii > 0;
    parent = !filter || fpset_has(&l->parents, fp.lo); /* d may be a string of the list */
    dot = strchr(d, '.');
    if (dot == NULL) {
        a.off = -1;
        a.whole = tld_whole(l, d);
        a.parent = parent;
    } else {
        a = suffix_reg(l, c, dot + 1, ascii);
        /* not public: no rule x.rest (d is no string of the list) nor *.rest */
        if (filter && d[0] != '.' && (!a.parent || (!parent && !a.wild)))
            a.off = a.off >= 0 ? a.off + (dot + 1 - d) : 0;
        else if (psl_is_public_suffix2(l->psl, d, 0))
            a.off = -1;
        else
            a.off = a.off >= 0 ? a.off + (dot + 1 - d) : 0;
        a.parent = !filter || (a.parent && parent);
    }
    a.wild = !filter || (a.parent && fpset_has(&l->wild, fp.lo));
    cache_put(set, &fp,
              META_VALID | (a.whole ? META_WHOLE : 0) | (a.parent ? META_PARENT : 0) |
                  (a.wild ? META_WILD : 0) | (uint32_t)(a.off + 1));
    return a;
}

/*
 * suffix_reg(d) for a name's last labels `d`, without a memo of d itself when its parent
 * (d after its first dot) has no public children (the parent filter): d is then no public
 * suffix, and its answer is its parent's, as suffix_reg() would find it. The name's own
 * answer is kept in the cache of names (domain_locate_fp()), so a memo of d (a new name,
 * mostly: a tunnel's) would only cost its fingerprint and push a suffix out.
 */
static struct suffix_ans
suffix_top(const struct domain_list *l, struct domain_cache *c, const char *d)
{
    const char *dot = strchr(d, '.');

    if (l->parents.slots != NULL && dot != NULL && d[0] != '.' && is_ascii(d, strlen(d))) {
        struct suffix_ans a = suffix_reg(l, c, dot + 1, 1);

        if (!a.parent) { /* suffix_reg()'s answer when d is no string of the list and no *.rest */
            a.off = a.off >= 0 ? a.off + (dot + 1 - d) : 0;
            a.wild = 0;
            return a;
        }
    }
    return suffix_reg(l, c, d, -1);
}

/*
 * Where the last `k` labels of s[0..n) start: just after its k-th dot from the end, or 0. The
 * dots of eight bytes at a time are counted (bit 7 of each byte that is a dot, exactly) until
 * the word that holds the k-th; that word is walked byte by byte.
 */
static size_t
last_labels(const char *s, size_t n, int k)
{
    size_t i = n;
    int dots = 0;

    for (; i >= 8; i -= 8) {
        uint64_t x, t, m;
        int d;

        memcpy(&x, s + i - 8, 8);
        t = x ^ 0x2E2E2E2E2E2E2E2Eull; /* a dot: a zero byte */
        m = ~(((t & 0x7F7F7F7F7F7F7F7Full) + 0x7F7F7F7F7F7F7F7Full) | t | 0x7F7F7F7F7F7F7F7Full);
        d = (int)(((m >> 7) * 0x0101010101010101ull) >> 56); /* bytes 0 or 1: their sum */
        if (dots + d >= k)
            break;
        dots += d;
    }
    while (i-- > 0)
        if (s[i] == '.' && ++dots >= k)
            return i + 1;
    return 0;
}

/*
 * Where the group domain starts in `s` (n bytes, lowercased, no trailing dot);
 * *whole set. Without a cache libpsl answers directly; with one, suffix_reg()
 * gives the same answer.
 */
static long
find_domain(const struct domain_list *l, struct domain_cache *c, char *s, size_t n, int *whole)
{
    const char *tld, *start;
    struct suffix_ans a;

    *whole = 0;
    if (n > 13 && memcmp(s + n - 13, ".in-addr.arpa", 13) == 0)
        return reverse_zone(s, n, 13, 3, is_octet);
    if (n > 9 && memcmp(s + n - 9, ".ip6.arpa", 9) == 0)
        return reverse_zone(s, n, 9, 16, is_nibble);
    tld = strrchr(s, '.');
    tld = tld ? tld + 1 : s;
    if (c == NULL) {
        const char *reg = psl_registrable_domain(l->psl, s);

        *whole = tld_whole(l, tld);
        return reg ? (long)(reg - s) : 0;
    }
    if (s[0] == '.') { /* psl_registrable_domain() refuses a leading dot */
        *whole = suffix_reg(l, c, tld, -1).whole;
        return 0;
    }
    /* As psl_registrable_domain() (libpsl 0.21) does: only the last 9 labels are tried. */
    start = s + last_labels(s, n, 9);
    a = suffix_top(l, c, start);
    *whole = a.whole;
    return a.off >= 0 ? (long)(start - s) + a.off : 0;
}

static char
lower(uint8_t ch)
{
    return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : (char)ch;
}

/* Eight bytes of `src` lowercased (a byte in 'A'..'Z' gains 0x20) into `dst`. */
static inline void
lower8(char *dst, const uint8_t *src)
{
    uint64_t x, h, up;

    memcpy(&x, src, 8);
    h = x & 0x7F7F7F7F7F7F7F7Full;
    up = ~x & ((h + 0x3F3F3F3F3F3F3F3Full) ^ (h + 0x2525252525252525ull)) &
         0x8080808080808080ull; /* bit 7 of each byte: ASCII, >= 'A', not > 'Z' */
    x |= up >> 2;
    memcpy(dst, &x, 8);
}

/*
 * dst[i] = lower(src[i]) for i < n, eight bytes at a time; the last eight again when n is no
 * multiple of eight (lowercasing twice changes nothing).
 */
static inline void
lower_copy(char *dst, const uint8_t *src, size_t n)
{
    size_t i = 0;

    if (n < 8) {
        for (; i < n; i++)
            dst[i] = lower(src[i]);
        return;
    }
    for (; i + 8 <= n; i += 8)
        lower8(dst + i, src + i);
    if (i < n)
        lower8(dst + n - 8, src + n - 8);
}

int
domain_locate_fp(const struct domain_list *l, struct domain_cache *c, const uint8_t *name,
                 size_t len, const struct domain_fp *fp, struct domain_parts *out)
{
    struct domain_way *way = NULL;
    size_t n = len, skip = 0, dlen;
    long dstart;
    int whole; /* the top label is no public suffix: every label is the query's */

    if (n > 0 && name[n - 1] == '.')
        n--;
    if (n == 0) {
        memset(out, 0, sizeof(*out));
        return 0;
    }
    if (n >= DOMAIN_SPLIT_MAX) { /* the domain is at the end: keep the end */
        skip = n - (DOMAIN_SPLIT_MAX - 1);
        n = DOMAIN_SPLIT_MAX - 1;
    }
    if (c != NULL)
        way = cache_get(&c->set[fp->lo & (CACHE_SETS - 1)], fp);
    if (way != NULL) {
        dstart = (long)(way->meta & 0xFFFFu);
        whole = (way->meta & META_WHOLE) != 0;
    } else {
        char s[DOMAIN_SPLIT_MAX];

        lower_copy(s, name + skip, n);
        s[n] = '\0';
        /* A NUL is a byte of its label like any other: libpsl and the walks below read C
         * strings, so it stands in as 0x01, which no rule of the list holds either (the
         * split is an offset: the domain's bytes are the name's own). */
        if (memchr(s, '\0', n) != NULL)
            for (size_t i = 0; i < n; i++)
                if (s[i] == '\0')
                    s[i] = '\x01';
        dstart = find_domain(l, c, s, n, &whole);
        if (c != NULL)
            way = cache_put(&c->set[fp->lo & (CACHE_SETS - 1)], fp,
                            META_VALID | (whole ? META_WHOLE : 0) | (uint32_t)dstart);
    }
    out->memo = way != NULL ? &way->memo : NULL;
    out->memo64 = way != NULL ? &way->memo64 : NULL;
    dlen = n - (size_t)dstart;
    if (dlen > DOMAIN_MAX - 2)
        dlen = DOMAIN_MAX - 2;
    out->domain_len = dlen + 1;
    out->domain_off = skip + (size_t)dstart;
    out->whole = whole;
    out->query = name + skip;
    out->query_len = whole ? n : dstart > 0 ? (size_t)dstart - 1 : 0; /* without its dot */
    return 1;
}

void
domain_text(struct domain_parts *out, const uint8_t *name)
{
    size_t dlen = out->domain_len - 1;

    lower_copy(out->domain, name + out->domain_off, dlen);
    out->domain[dlen] = '.';
    out->domain[dlen + 1] = '\0';
}

int
domain_split_fp(const struct domain_list *l, struct domain_cache *c, const uint8_t *name,
                size_t len, const struct domain_fp *fp, struct domain_parts *out)
{
    if (!domain_locate_fp(l, c, name, len, fp, out))
        return 0;
    domain_text(out, name);
    return 1;
}

uint64_t *
domain_cache_memo64(struct domain_cache *c, const struct domain_fp *fp)
{
    struct domain_way *way = cache_get(&c->set[fp->lo & (CACHE_SETS - 1)], fp);

    return way != NULL ? &way->memo64 : NULL;
}
