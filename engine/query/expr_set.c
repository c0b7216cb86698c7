/*
 * expr_set.c - the sets behind "in": disjoint sorted ranges over 128-bit keys (an
 * address's 16 bytes, or an integer with its sign bit flipped), looked up by
 * binary search inside a 65,536-bucket index built once at parse time, so a
 * list of 100,000 entries costs a few comparisons per lookup; string lists
 * (names) as a hash set of lower-cased names, domains matched by label suffix.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "expr_tree.h"
#include "mem.h"

static int parse_ipv4(const char *s, uint8_t a[4]);

/* ---- sets ------------------------------------------------------------------ */

u128
expr_int_key(expr_int v)
{
    return (u128)v ^ ((u128)1 << 127);
}

#define V4_LO (((u128)0xffff) << 32) /* ::ffff:0.0.0.0 */
#define V4_HI (V4_LO | 0xffffffffu)  /* ::ffff:255.255.255.255 */

/*
 * Sorts r[0..n) by lo, tmp[0..n) its scratch: a least-significant-digit
 * radix sort by bytes, skipping the bytes in which every lo agrees.
 */
static void
radix_ranges(struct range *r, struct range *tmp, size_t n)
{
    struct range *from = r, *to;
    u128 all_and = ~(u128)0, all_or = 0;

    if (n < 2)
        return;
    for (size_t i = 0; i < n; i++) {
        all_and &= r[i].lo;
        all_or |= r[i].lo;
    }
    to = tmp;
    for (unsigned shift = 0; shift < 128; shift += 8) {
        size_t count[257] = {0};

        if ((uint8_t)((all_and ^ all_or) >> shift) == 0)
            continue; /* every lo has the same byte here */
        for (size_t i = 0; i < n; i++)
            count[(uint8_t)(from[i].lo >> shift) + 1]++;
        for (size_t d = 1; d < 257; d++)
            count[d] += count[d - 1];
        for (size_t i = 0; i < n; i++)
            to[count[(uint8_t)(from[i].lo >> shift)]++] = from[i];
        {
            struct range *x = from;

            from = to;
            to = x;
        }
    }
    if (from != r)
        memcpy(r, from, n * sizeof(*r));
}

/* Lists with at least this many IPv4 ranges sort them by sort_v4(). */
#define V4_SORT_MIN 4096

/*
 * Sorts r[0..n), all inside the v4-mapped block, by lo: as 64-bit words (lo's
 * 32 bits, then hi's) in two passes of 16 bits over lo. Returns 0, leaving r
 * as it was, when one of them ends past the block (an integer range).
 */
static int
sort_v4(struct range *r, size_t n)
{
    uint64_t *a, *b;
    size_t *count;

    for (size_t i = 0; i < n; i++)
        if (r[i].hi > V4_HI)
            return 0;
    a = mem_alloc(2 * n * sizeof(*a));
    b = a + n;
    count = mem_alloc((65536 + 1) * sizeof(*count));
    for (size_t i = 0; i < n; i++)
        a[i] = (uint64_t)(uint32_t)(r[i].lo - V4_LO) << 32 | (uint32_t)(r[i].hi - V4_LO);
    for (unsigned shift = 32; shift < 64; shift += 16) {
        memset(count, 0, (65536 + 1) * sizeof(*count));
        for (size_t i = 0; i < n; i++)
            count[(a[i] >> shift & 0xffff) + 1]++;
        for (size_t d = 1; d <= 65536; d++)
            count[d] += count[d - 1];
        for (size_t i = 0; i < n; i++)
            b[count[a[i] >> shift & 0xffff]++] = a[i];
        {
            uint64_t *x = a;

            a = b;
            b = x;
        }
    }
    for (size_t i = 0; i < n; i++) {
        r[i].lo = V4_LO | (a[i] >> 32);
        r[i].hi = V4_LO | (uint32_t)a[i];
    }
    mem_free(count);
    mem_free(a < b ? a : b); /* the block allocated */
    return 1;
}

/*
 * Sorts r[0..n) by lo: those below the v4-mapped block, those in it, those
 * above it, each radix-sorted apart, so that the IPv4 entries of a
 * 100,000-entry watchlist take 2 passes (sort_v4()), whatever IPv6 entries
 * the list holds besides.
 */
static void
sort_ranges(struct range *r, size_t n)
{
    struct range *tmp;
    size_t nbelow = 0, nv4 = 0, at[3];

    if (n < 2)
        return;
    for (size_t i = 0; i < n; i++) {
        nbelow += r[i].lo < V4_LO;
        nv4 += r[i].lo >= V4_LO && r[i].lo <= V4_HI;
    }
    tmp = mem_alloc(n * sizeof(*tmp));
    at[0] = 0;
    at[1] = nbelow;
    at[2] = nbelow + nv4;
    for (size_t i = 0; i < n; i++)
        tmp[at[(r[i].lo >= V4_LO) + (r[i].lo > V4_HI)]++] = r[i];
    memcpy(r, tmp, n * sizeof(*r));
    radix_ranges(r, tmp, nbelow);
    if (nv4 < V4_SORT_MIN || !sort_v4(r + nbelow, nv4))
        radix_ranges(r + nbelow, tmp, nv4);
    radix_ranges(r + nbelow + nv4, tmp, n - nbelow - nv4);
    mem_free(tmp);
}

static unsigned
bit_len(u128 v)
{
    unsigned n = 0;

    while (v) {
        n++;
        v >>= 1;
    }
    return n;
}

/* Adds single IPv4 address ip to s's hash table. */
static void
h4_put(struct rset *s, uint32_t ip)
{
    uint32_t mask = (1u << s->h4bits) - 1;
    uint32_t j = (ip * 2654435769u) >> (32 - s->h4bits);

    if (ip == 0) {
        s->h4zero = 1;
        return;
    }
    while (s->h4[j] != 0)
        j = (j + 1) & mask;
    s->h4[j] = ip;
}

/* Marks the /24s of IPv4 range [lo, hi] in s->bm4. */
static void
bm4_mark(struct rset *s, uint32_t lo, uint32_t hi)
{
    for (uint32_t b = lo >> 8;; b++) {
        s->bm4[b >> 6] |= (uint64_t)1 << (b & 63);
        if (b == hi >> 8)
            break;
    }
}

/* Sets with at least this many IPv4 entries get the /24 bitmap (2 MiB). */
#define BM4_MIN 4096

/*
 * The parts of s's ranges inside the v4-mapped block, as IPv4: single
 * addresses hashed, wider ranges sorted and indexed by /16, the /24s of
 * both marked in a bitmap when there are many.
 */
static void
build_v4(struct rset *s)
{
    size_t nsingle = 0, m = 0;

    for (size_t i = 0; i < s->n; i++) {
        if (s->lo[i] <= V4_HI && s->hi[i] >= V4_LO) {
            if (s->lo[i] == s->hi[i])
                nsingle++;
            else
                m++;
        }
    }
    if (nsingle > 0) {
        s->h4bits = 1;
        while (((size_t)1 << s->h4bits) < 2 * nsingle)
            s->h4bits++;
        s->h4 = mem_calloc((size_t)1 << s->h4bits, sizeof(uint32_t));
    }
    if (nsingle + m >= BM4_MIN)
        s->bm4 = mem_calloc(((size_t)1 << 24) / 64, sizeof(uint64_t));
    s->n4 = m;
    s->lo4 = mem_alloc((m ? m : 1) * sizeof(uint32_t));
    s->hi4 = mem_alloc((m ? m : 1) * sizeof(uint32_t));
    m = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (s->lo[i] > V4_HI || s->hi[i] < V4_LO)
            continue;
        if (s->lo[i] == s->hi[i]) {
            h4_put(s, (uint32_t)(s->lo[i] - V4_LO));
            if (s->bm4)
                bm4_mark(s, (uint32_t)(s->lo[i] - V4_LO), (uint32_t)(s->lo[i] - V4_LO));
            continue;
        }
        s->lo4[m] = s->lo[i] < V4_LO ? 0 : (uint32_t)(s->lo[i] - V4_LO);
        s->hi4[m] = s->hi[i] > V4_HI ? 0xffffffffu : (uint32_t)(s->hi[i] - V4_LO);
        if (s->bm4)
            bm4_mark(s, s->lo4[m], s->hi4[m]);
        m++;
    }
    if (m < 64)
        return;
    s->idx4 = mem_alloc(((size_t)65536 + 1) * sizeof(uint32_t));
    for (size_t b = 0, i = 0; b < 65536; b++) {
        while (i < m && s->hi4[i] < (uint32_t)(b << 16))
            i++;
        s->idx4[b] = (uint32_t)i;
    }
    s->idx4[65536] = (uint32_t)m;
}

/* Builds `s` from ranges r[0..n) (reordered): merged, sorted, indexed. */
void
expr_rset_build(struct rset *s, struct range *r, size_t n)
{
    size_t m = 0;

    sort_ranges(r, n);
    for (size_t i = 0; i < n; i++) {
        if (m > 0 && (r[i].lo <= r[m - 1].hi || r[i].lo - 1 == r[m - 1].hi)) {
            if (r[i].hi > r[m - 1].hi)
                r[m - 1].hi = r[i].hi;
        } else {
            r[m++] = r[i];
        }
    }
    s->n = m;
    s->lo = mem_alloc((m ? m : 1) * sizeof(u128));
    s->hi = mem_alloc((m ? m : 1) * sizeof(u128));
    for (size_t i = 0; i < m; i++) {
        s->lo[i] = r[i].lo;
        s->hi[i] = r[i].hi;
    }
    build_v4(s);
    if (m < 64)
        return;
    s->min = s->lo[0];
    {
        unsigned bits = bit_len(s->hi[m - 1] - s->min);

        s->shift = bits > 16 ? bits - 16 : 0;
    }
    s->nb = (size_t)((s->hi[m - 1] - s->min) >> s->shift) + 1;
    s->idx = mem_alloc((s->nb + 1) * sizeof(uint32_t));
    for (size_t b = 0, i = 0; b <= s->nb; b++) {
        while (i < m && (size_t)((s->hi[i] - s->min) >> s->shift) < b)
            i++;
        s->idx[b] = (uint32_t)i;
    }
}

int
expr_rset_has(const struct rset *s, u128 x)
{
    size_t lo = 0, hi = s->n; /* search [lo, hi) for the last range with lo[i] <= x */

    if (s->n == 0)
        return 0;
    if (s->idx) {
        size_t b;

        if (x < s->min || x > s->hi[s->n - 1])
            return 0;
        b = (size_t)((x - s->min) >> s->shift);
        lo = s->idx[b];
        hi = s->idx[b + 1] + 1;
        if (hi > s->n)
            hi = s->n;
    }
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;

        if (s->lo[mid] <= x)
            lo = mid;
        else
            hi = mid;
    }
    return s->lo[lo] <= x && x <= s->hi[lo];
}

/*
 * Strings hash from their last byte to their first (FNV-1a), ASCII
 * lower-cased when icase, so that walking a name backwards yields the hash
 * of each of its suffixes in turn: a domain list is tested against every
 * label suffix of a name in one pass over the name.
 */
#define FNV_OFF 1469598103934665603ull
#define FNV_MUL 1099511628211ull

static inline uint64_t
fnv_step(uint64_t h, uint8_t c, int icase)
{
    if (icase && c >= 'A' && c <= 'Z')
        c = (uint8_t)(c + 32);
    return (h ^ c) * FNV_MUL;
}

static uint64_t
rhash(const uint8_t *p, size_t len, int icase)
{
    uint64_t h = FNV_OFF;

    while (len > 0)
        h = fnv_step(h, p[--len], icase);
    return h;
}

void
expr_rset_index_strs(struct rset *s, int icase)
{
    size_t cap = 16;

    while (cap < 2 * s->nstr)
        cap *= 2;
    s->tabmask = cap - 1;
    s->tab = mem_calloc(cap, sizeof(*s->tab));
    for (size_t i = 0; i < s->nstr; i++) {
        size_t j = (size_t)rhash((const uint8_t *)s->strs[i], s->lens[i], icase) & s->tabmask;

        while (s->tab[j] != 0)
            j = (j + 1) & s->tabmask;
        s->tab[j] = (uint32_t)(i + 1);
    }
}

/*
 * Whether `len` bytes at p, then a '.' when dot (with hash h of them all),
 * are in the set.
 */
static int
rset_find(const struct rset *s, uint64_t h, const uint8_t *p, size_t len, int dot, int icase)
{
    for (size_t j = (size_t)h & s->tabmask; s->tab[j] != 0; j = (j + 1) & s->tabmask) {
        size_t i = s->tab[j] - 1;

        if (s->lens[i] == len + (size_t)dot &&
            (icase ? strncasecmp(s->strs[i], (const char *)p, len) == 0
                   : memcmp(s->strs[i], p, len) == 0) &&
            (!dot || s->strs[i][len] == '.'))
            return 1;
    }
    return 0;
}

/*
 * Whether name p (len bytes) or one of its label suffixes is in the domain
 * set: "www.Example.com." matches example.com. and com. (a name without a
 * trailing dot is taken as if it had one).
 */
static int
rset_has_suffix(const struct rset *s, const uint8_t *p, size_t len)
{
    uint64_t h = FNV_OFF;
    int add = !(len > 0 && p[len - 1] == '.'); /* the dot a name without one is taken to have */

    if (s->nstr == 0)
        return 0;
    if (add)
        h = fnv_step(h, '.', 1);
    /* the suffix p[i..len), then the added dot: each one that starts a label (not the
     * root's dot alone), whatever the name's length */
    for (size_t i = len; i > 0; i--) {
        h = fnv_step(h, p[i - 1], 1);
        if ((i == 1 || p[i - 2] == '.') && (len - (i - 1)) + (size_t)add > 1 &&
            rset_find(s, h, p + i - 1, len - (i - 1), add, 1))
            return 1;
    }
    return 0;
}

int
expr_rset_has_str(const struct rset *s, const uint8_t *a, size_t len, int icase)
{
    if (s->suffix)
        return rset_has_suffix(s, a, len);
    if (s->nstr == 0)
        return 0;
    return rset_find(s, rhash(a, len, icase), a, len, 0, icase);
}

void
expr_rset_free(struct rset *s)
{
    if (s == NULL)
        return;
    mem_free(s->lo);
    mem_free(s->hi);
    mem_free(s->idx);
    mem_free(s->lo4);
    mem_free(s->hi4);
    mem_free(s->idx4);
    mem_free(s->h4);
    mem_free(s->bm4);
    for (size_t i = 0; i < s->nstr; i++)
        mem_free(s->strs[i]);
    mem_free(s->strs);
    mem_free(s->lens);
    mem_free(s->tab);
    mem_free(s);
}

/*
 * Dotted-quad IPv4 address s (up to '\0') into a[0..4), as inet_pton(AF_INET)
 * takes it (four decimal parts up to 255, no leading zero): 1, or 0 for
 * inet_pton to decide. Watchlists hold 100,000s of them.
 */
static int
parse_ipv4(const char *s, uint8_t a[4])
{
    for (int part = 0; part < 4; part++) {
        unsigned v = 0, digits = 0;

        while (*s >= '0' && *s <= '9' && digits < 4) {
            v = v * 10 + (unsigned)(*s++ - '0');
            digits++;
        }
        if (digits == 0 || digits > 3 || v > 255 || (digits > 1 && s[-(int)digits] == '0'))
            return 0;
        a[part] = (uint8_t)v;
        if (part < 3 && *s++ != '.')
            return 0;
    }
    return *s == '\0';
}

/*
 * Parses an address or CIDR block in buf (NUL-terminated) into a range of
 * 128-bit keys (IPv4 v4-mapped). Returns 0, or an error text.
 */
const char *
expr_cidr_range(char *buf, struct range *r)
{
    uint8_t a[16];
    char *slash = strchr(buf, '/');
    long bits, max;

    if (slash)
        *slash = '\0';
    memset(a, 0, sizeof(a));
    if (parse_ipv4(buf, a + 12) || inet_pton(AF_INET, buf, a + 12) == 1) {
        a[10] = a[11] = 0xff;
        max = 32;
    } else if (inet_pton(AF_INET6, buf, a) == 1) {
        max = 128;
    } else {
        return "not an IPv4 or IPv6 address";
    }
    bits = max;
    if (slash) {
        char *end = NULL;

        errno = 0;
        bits = strtol(slash + 1, &end, 10);
        if (end == slash + 1 || *end != '\0' || bits < 0 || bits > max || errno)
            return "bad CIDR prefix length";
    }
    bits += 128 - max;
    {
        u128 k = expr_addr_key(a);
        u128 host = bits == 128 ? 0 : (~(u128)0) >> bits;

        r->lo = k & ~host;
        r->hi = k | host;
    }
    return NULL;
}

/* ---- sets from "in" lists and files ----------------------------------------------- */

void
expr_rbuf_push(struct rbuf *b, u128 lo, u128 hi)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->r = mem_realloc(b->r, b->cap * sizeof(*b->r));
    }
    b->r[b->n].lo = lo;
    b->r[b->n].hi = hi;
    b->n++;
}

/*
 * Adds string str to `s`, lower-cased when icase; a domain (s->suffix) is
 * normalised: a leading "*." or "." dropped, a trailing "." added; a name
 * (s->dotted: the strings of dns.name lists) gets its missing trailing "." too. Returns
 * NULL or why the string is refused.
 */
const char *
expr_domain_norm(const char *in, size_t len, char *out, size_t cap, size_t *outlen)
{
    size_t n = 0, label = 0;
    uint8_t a[16];
    char tmp[64];

    if (len >= 2 && in[0] == '*' && in[1] == '.')
        in += 2, len -= 2;
    else if (len >= 1 && in[0] == '.')
        in++, len--;
    if (len > 0 && in[len - 1] == '.')
        len--; /* added back below */
    if (len == 0)
        return "an empty domain";
    if (len > 253 || len + 2 > cap)
        return "a domain longer than 253 bytes";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];

        if (c <= 0x20 || c >= 0x7f)
            return "a domain with a space or a byte outside ASCII";
        if (c == '*')
            return "a '*' that is not a leading \"*.\" (a domain list matches label suffixes)";
        if (c == '.') {
            if (label == 0)
                return "an empty label (two dots in a row)";
            label = 0;
        } else if (++label > 63) {
            return "a label longer than 63 bytes";
        }
        out[n++] = (char)tolower(c);
    }
    if (label == 0)
        return "an empty label (two dots in a row)";
    if (len < sizeof(tmp)) {
        memcpy(tmp, in, len);
        tmp[len] = '\0';
        if (parse_ipv4(tmp, a) || inet_pton(AF_INET, tmp, a) == 1 ||
            inet_pton(AF_INET6, tmp, a) == 1)
            return "an address, not a domain (a reverse zone is written like "
                   "1.0.0.10.in-addr.arpa)";
    }
    out[n++] = '.';
    out[n] = '\0';
    *outlen = n;
    return NULL;
}

const char *
expr_rset_push_str(struct rset *s, const char *str, size_t len, int icase)
{
    char *d;
    char dom[256];

    if (s->suffix) {
        const char *why = expr_domain_norm(str, len, dom, sizeof(dom), &len);

        if (why)
            return why;
        str = dom;
    }
    if (s->nstr == s->capstr) {
        s->capstr = s->capstr ? 2 * s->capstr : 8;
        s->strs = mem_realloc(s->strs, s->capstr * sizeof(*s->strs));
        s->lens = mem_realloc(s->lens, s->capstr * sizeof(*s->lens));
    }
    d = mem_alloc(len + 2);
    for (size_t i = 0; i < len; i++)
        d[i] = icase ? (char)tolower((unsigned char)str[i]) : str[i];
    if ((s->suffix || s->dotted) && len > 0 && str[len - 1] != '.')
        d[len++] = '.'; /* a DNS name is compared with its trailing dot */
    d[len] = '\0';
    s->strs[s->nstr] = d;
    s->lens[s->nstr++] = len;
    return NULL;
}
