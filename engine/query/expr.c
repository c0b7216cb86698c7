/*
 * expr.c - recursive-descent parser, type checker and tree evaluator; see expr.h.
 *
 * Nodes live in one array (children by index), each with its static kind and
 * the span of text it came from (for error messages). "in" lists and @FILE
 * watchlists become a set of disjoint sorted ranges over 128-bit keys (an
 * address's 16 bytes, or an integer with its sign bit flipped), looked up by
 * binary search inside a 65,536-bucket index built once at parse time, so a
 * list of 100,000 entries costs a few comparisons per lookup. String lists
 * (names) are kept as a hash set of lower-cased names.
 */
#include "expr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "isotime.h"
#include "mem.h"

__extension__ typedef unsigned __int128 u128;

enum op {
    OP_CONST,
    OP_SLOT,
    OP_NEG,
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_MOD,
    OP_EQ,
    OP_NE,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE,
    OP_AND,
    OP_OR,
    OP_NOT,
    OP_IN
};

/* A set for "in": disjoint ranges sorted by lo; strings as a list. */
struct rset {
    size_t n;
    u128 *lo, *hi;  /* n ranges, lo[i] <= hi[i] < lo[i + 1] */
    uint32_t *idx;  /* NULL, or nb + 1 entries: first range with hi >= bucket start */
    u128 min;       /* lo[0] */
    unsigned shift; /* bucket = (x - min) >> shift */
    size_t nb;      /* buckets */
    char **strs;    /* strings (lower-cased when icase) */
    size_t *lens;
    size_t nstr, capstr;
    uint32_t *tab; /* hash table of strs: index + 1, 0 empty; tabmask + 1 slots */
    size_t tabmask;
    int suffix; /* strings are domains, matched by label suffix */
};

struct node {
    enum op op;
    int l, r;                 /* children, -1 when absent */
    int slot, slot2;          /* OP_SLOT; slot2 >= 0: either side */
    enum expr_kind kind;      /* static kind of the value */
    int time_ms;              /* integer times: ms per unit; else 0 */
    int icase;                /* strings: case-insensitive comparison */
    int suffix;               /* OP_SLOT (and its OP_IN): domains matched by label suffix */
    expr_name_at_fn *name_at; /* OP_SLOT of many names: the k-th (expr.h) */
    int negate;               /* OP_IN: "not in" */
    int owns;                 /* OP_IN: this node frees `set` (clones share it) */
    struct expr_val val;      /* OP_CONST */
    char *str;                /* OP_CONST string bytes (owned) */
    struct rset *set;         /* OP_IN */
    uint32_t from, to;        /* the node's text: text[from..to) */
};

struct expr {
    struct node *nodes;
    size_t n, cap;
    int root;
    char *text; /* a copy of the parsed text, for error messages */
};

struct parser {
    const char *text;
    const char *p;
    struct expr *e;
    expr_resolve_fn *resolve;
    void *ctx;
    struct err *err;
    int depth;
};

#define MAX_DEPTH 64
#define MAX_NODES 100000

static int parse_or(struct parser *ps);

static int
fail(struct parser *ps, const char *what)
{
    ERR_SET(ps->err, ERR_USAGE, "in expression \"%s\" at offset %zu: %s", ps->text,
            (size_t)(ps->p - ps->text), what);
    return -1;
}

static int
add_node(struct parser *ps, enum op op, int l, int r)
{
    struct expr *e = ps->e;
    struct node *nd;

    if (e->n >= MAX_NODES)
        return fail(ps, "expression too long");
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 16;
        e->nodes = mem_realloc(e->nodes, e->cap * sizeof(*e->nodes));
    }
    nd = &e->nodes[e->n];
    memset(nd, 0, sizeof(*nd));
    nd->op = op;
    nd->l = l;
    nd->r = r;
    nd->slot2 = -1;
    nd->kind = EXPR_INT;
    nd->from = l >= 0 ? e->nodes[l].from : (uint32_t)(ps->p - ps->text);
    nd->to = r >= 0 ? e->nodes[r].to : l >= 0 ? e->nodes[l].to : nd->from;
    return (int)e->n++;
}

static void
skip_ws(struct parser *ps)
{
    while (isspace((unsigned char)*ps->p))
        ps->p++;
}

static int
is_name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '#';
}

/* Consumes keyword `kw` (case-insensitive, whole word). */
static int
accept_kw(struct parser *ps, const char *kw)
{
    size_t len = strlen(kw);

    skip_ws(ps);
    if (strncasecmp(ps->p, kw, len) == 0 && !is_name_char(ps->p[len])) {
        ps->p += len;
        return 1;
    }
    return 0;
}

static int
accept_tok(struct parser *ps, const char *tok)
{
    size_t len = strlen(tok);

    skip_ws(ps);
    if (strncmp(ps->p, tok, len) == 0) {
        ps->p += len;
        return 1;
    }
    return 0;
}

static const char *
kind_name(enum expr_kind k, int time_ms)
{
    switch (k) {
    case EXPR_INT:
        return time_ms ? "a time" : "an integer";
    case EXPR_REAL:
        return "a real number";
    case EXPR_ADDR:
        return "an address";
    case EXPR_STR:
        return "a string";
    default:
        return "NULL";
    }
}

/* "sip (an address)" for node i, into buf. */
static const char *
describe(const struct parser *ps, int i, char *buf, size_t cap)
{
    const struct node *nd = &ps->e->nodes[i];
    int len = (int)(nd->to - nd->from);

    if (len > 80)
        snprintf(buf, cap, "%.77s... (%s)", ps->text + nd->from, kind_name(nd->kind, nd->time_ms));
    else
        snprintf(buf, cap, "%.*s (%s)", len, ps->text + nd->from, kind_name(nd->kind, nd->time_ms));
    return buf;
}

static int
type_fail(struct parser *ps, const char *verb, int l, int r)
{
    char a[128], b[128];

    describe(ps, l, a, sizeof(a));
    if (r >= 0) {
        describe(ps, r, b, sizeof(b));
        ERR_SET(ps->err, ERR_USAGE, "in expression \"%s\": cannot %s %s %s %s", ps->text, verb, a,
                strcmp(verb, "compare") == 0 ? "with" : "and", b);
    } else {
        ERR_SET(ps->err, ERR_USAGE, "in expression \"%s\": %s %s", ps->text, a, verb);
    }
    return -1;
}

static int
is_num(enum expr_kind k)
{
    return k == EXPR_INT || k == EXPR_REAL;
}

/* ---- sets ------------------------------------------------------------------ */

static u128
addr_key(const uint8_t a[16])
{
    u128 k = 0;

    for (int i = 0; i < 16; i++)
        k = k << 8 | a[i];
    return k;
}

static u128
int_key(expr_int v)
{
    return (u128)v ^ ((u128)1 << 127);
}

struct range {
    u128 lo, hi;
};

static int
range_cmp(const void *a, const void *b)
{
    const struct range *x = a, *y = b;

    return x->lo < y->lo ? -1 : x->lo > y->lo;
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

/* Builds `s` from ranges r[0..n) (reordered): merged, sorted, indexed. */
static void
rset_build(struct rset *s, struct range *r, size_t n)
{
    size_t m = 0;

    if (n > 1)
        qsort(r, n, sizeof(*r), range_cmp);
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

static int
rset_has(const struct rset *s, u128 x)
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

static void
rset_index_strs(struct rset *s, int icase)
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

/* Whether `len` bytes at p (with hash h) are in the set. */
static int
rset_find(const struct rset *s, uint64_t h, const uint8_t *p, size_t len, int icase)
{
    for (size_t j = (size_t)h & s->tabmask; s->tab[j] != 0; j = (j + 1) & s->tabmask) {
        size_t i = s->tab[j] - 1;

        if (s->lens[i] == len && (icase ? strncasecmp(s->strs[i], (const char *)p, len) == 0
                                        : memcmp(s->strs[i], p, len) == 0))
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
    int dot = len > 0 && p[len - 1] == '.';
    size_t full = len + !dot; /* the name's length with its dot */
    uint8_t buf[512];

    if (s->nstr == 0 || full > sizeof(buf))
        return 0;
    memcpy(buf, p, len);
    buf[full - 1] = '.';
    for (size_t i = full; i > 0; i--) {
        h = fnv_step(h, buf[i - 1], 1);
        if ((i == 1 || buf[i - 2] == '.') && i - 1 < full - 1 &&
            rset_find(s, h, buf + i - 1, full - i + 1, 1))
            return 1;
    }
    return 0;
}

static int
rset_has_str(const struct rset *s, const uint8_t *a, size_t len, int icase)
{
    if (s->suffix)
        return rset_has_suffix(s, a, len);
    if (s->nstr == 0)
        return 0;
    return rset_find(s, rhash(a, len, icase), a, len, icase);
}

static void
rset_free(struct rset *s)
{
    if (s == NULL)
        return;
    mem_free(s->lo);
    mem_free(s->hi);
    mem_free(s->idx);
    for (size_t i = 0; i < s->nstr; i++)
        mem_free(s->strs[i]);
    mem_free(s->strs);
    mem_free(s->lens);
    mem_free(s->tab);
    mem_free(s);
}

/*
 * Parses an address or CIDR block in buf (NUL-terminated) into a range of
 * 128-bit keys (IPv4 v4-mapped). Returns 0, or an error text.
 */
static const char *
cidr_range(char *buf, struct range *r)
{
    uint8_t a[16];
    char *slash = strchr(buf, '/');
    long bits, max;

    if (slash)
        *slash = '\0';
    memset(a, 0, sizeof(a));
    if (inet_pton(AF_INET, buf, a + 12) == 1) {
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
        u128 k = addr_key(a);
        u128 host = bits == 128 ? 0 : (~(u128)0) >> bits;

        r->lo = k & ~host;
        r->hi = k | host;
    }
    return NULL;
}

/* ---- literals ---------------------------------------------------------------- */

/* Length of the run of address characters at p. */
static size_t
addr_run(const char *p, int slash)
{
    size_t len = 0;

    while (isxdigit((unsigned char)p[len]) || p[len] == ':' ||
           (p[len] == '.' && p[len + 1] != '.') || (slash && p[len] == '/'))
        len++;
    return len;
}

/* Whether the text at p is an address literal (IPv4 dotted quad, or IPv6 with a ':'). */
static int
looks_like_addr(const char *p)
{
    size_t len = addr_run(p, 0), dots = 0, colons = 0;

    for (size_t i = 0; i < len; i++) {
        dots += p[i] == '.';
        colons += p[i] == ':';
    }
    if (is_name_char(p[len]) && p[len] != '.')
        return 0;
    return colons >= 2 || (dots == 3 && isdigit((unsigned char)p[0]));
}

/*
 * Parses an integer literal (optionally negative) at ps->p into *v; only
 * -2^63..2^63-1. Returns 0 or -1 (error set).
 */
static int
parse_int_lit(struct parser *ps, expr_int *v)
{
    const char *s = ps->p;
    int neg = 0;
    u128 u = 0;

    if (*s == '-') {
        neg = 1;
        s++;
        while (isspace((unsigned char)*s))
            s++;
    }
    if (!isdigit((unsigned char)*s))
        return fail(ps, "expected an integer");
    while (isdigit((unsigned char)*s)) {
        u = u * 10 + (u128)(*s - '0');
        if (u > (u128)1 << 63)
            return fail(ps, "integer literal beyond signed 64-bit");
        s++;
    }
    if (!neg && u == (u128)1 << 63)
        return fail(ps, "integer literal beyond signed 64-bit");
    if (is_name_char(*s) && !(s[0] == '.' && s[1] == '.'))
        return fail(ps, "bad number");
    *v = neg ? -(expr_int)u : (expr_int)u;
    ps->p = s;
    return 0;
}

/* Parses 'text' ('' is one quote) at ps->p into a new string (len in *len). */
static char *
parse_str_lit(struct parser *ps, size_t *len)
{
    const char *s = ps->p + 1;
    size_t n = 0;
    char *out;

    for (const char *q = s;; q++) {
        if (*q == '\0') {
            fail(ps, "unterminated quoted string");
            return NULL;
        }
        if (*q == '\'') {
            if (q[1] != '\'')
                break;
            q++;
        }
        n++;
    }
    out = mem_alloc(n + 1);
    n = 0;
    for (;; s++) {
        if (*s == '\'') {
            if (s[1] != '\'')
                break;
            s++;
        }
        out[n++] = *s;
    }
    out[n] = '\0';
    ps->p = s + 1;
    *len = n;
    return out;
}

/* ---- sets from "in" lists and files ----------------------------------------------- */

struct rbuf {
    struct range *r;
    size_t n, cap;
};

static void
rbuf_push(struct rbuf *b, u128 lo, u128 hi)
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
 * normalised: a leading "*." or "." dropped, a trailing "." added. Returns
 * NULL or why the string is refused.
 */
static const char *
rset_push_str(struct rset *s, const char *str, size_t len, int icase)
{
    char *d;

    if (s->suffix) {
        if (len >= 2 && str[0] == '*' && str[1] == '.')
            str += 2, len -= 2;
        else if (len >= 1 && str[0] == '.')
            str++, len--;
        if (len == 0 || (len == 1 && str[0] == '.'))
            return "an empty domain";
        if (len > 253)
            return "a domain longer than 253 bytes";
        for (size_t i = 0; i < len; i++)
            if ((unsigned char)str[i] <= 0x20 || (unsigned char)str[i] >= 0x7f)
                return "a domain with a space or a byte outside ASCII";
    }
    if (s->nstr == s->capstr) {
        s->capstr = s->capstr ? 2 * s->capstr : 8;
        s->strs = mem_realloc(s->strs, s->capstr * sizeof(*s->strs));
        s->lens = mem_realloc(s->lens, s->capstr * sizeof(*s->lens));
    }
    d = mem_alloc(len + 2);
    for (size_t i = 0; i < len; i++)
        d[i] = icase ? (char)tolower((unsigned char)str[i]) : str[i];
    if (s->suffix && str[len - 1] != '.')
        d[len++] = '.';
    d[len] = '\0';
    s->strs[s->nstr] = d;
    s->lens[s->nstr++] = len;
    return NULL;
}

/*
 * Reads watchlist `path`: one item a line (addresses and CIDR blocks into
 * `b`, or domains into `set` when set->suffix), '#' starting a comment.
 */
static int
read_list_file(struct parser *ps, const char *path, struct rbuf *b, struct rset *set)
{
    FILE *f = fopen(path, "r"); // NOLINT(cert-err33-c): checked below
    char line[512];
    long lineno = 0;
    int rc = 0;

    if (f == NULL)
        return ERR_SET_ERRNO(ps->err, errno, "watchlist %s", path), -1;
    while (fgets(line, sizeof(line), f)) {
        char *s = line, *end;
        struct range r;
        const char *why;

        lineno++;
        if (strchr(line, '\n') == NULL && !feof(f)) {
            rc = ERR_SET(ps->err, ERR_USAGE, "watchlist %s:%ld: line longer than %zu bytes", path,
                         lineno, sizeof(line) - 2);
            break;
        }
        end = strchr(s, '#');
        if (end)
            *end = '\0';
        while (isspace((unsigned char)*s))
            s++;
        end = s + strlen(s);
        while (end > s && isspace((unsigned char)end[-1]))
            *--end = '\0';
        if (*s == '\0')
            continue;
        if (set->suffix) {
            why = rset_push_str(set, s, strlen(s), 1);
        } else {
            why = cidr_range(s, &r);
            if (why == NULL)
                rbuf_push(b, r.lo, r.hi);
        }
        if (why) {
            rc = ERR_SET(ps->err, ERR_USAGE, "watchlist %s:%ld: %s: \"%.64s\"", path, lineno, why,
                         s);
            break;
        }
    }
    if (rc == 0 && ferror(f))
        rc = ERR_SET_ERRNO(ps->err, errno, "watchlist %s: read", path);
    fclose(f);
    return rc < 0 ? -1 : 0;
}

/* The @FILE path at ps->p (quoted or up to whitespace, ',' or ')'). */
static char *
parse_path(struct parser *ps)
{
    size_t len = 0;
    char *path;

    if (*ps->p == '\'')
        return parse_str_lit(ps, &len);
    while (ps->p[len] && !isspace((unsigned char)ps->p[len]) && ps->p[len] != ')' &&
           ps->p[len] != ',')
        len++;
    if (len == 0) {
        fail(ps, "expected a file name after '@'");
        return NULL;
    }
    path = mem_alloc(len + 1);
    memcpy(path, ps->p, len);
    path[len] = '\0';
    ps->p += len;
    return path;
}

/* One element of an "in" list for a left side of kind `k`. */
static int
parse_item(struct parser *ps, const struct node *left, struct rbuf *b, struct rset *s)
{
    skip_ws(ps);
    if (*ps->p == '@') {
        char *path;
        int rc;

        if (left->kind != EXPR_ADDR && !s->suffix)
            return fail(ps, "a watchlist file (@FILE) holds addresses (for sip, dip, addr) or "
                            "domains (for dns.suffix)");
        ps->p++;
        path = parse_path(ps);
        if (path == NULL)
            return -1;
        rc = read_list_file(ps, path, b, s);
        mem_free(path);
        return rc;
    }
    switch (left->kind) {
    case EXPR_ADDR: {
        char buf[64];
        size_t len = addr_run(ps->p, 1);
        struct range r;
        const char *why;

        if (len == 0 || len >= sizeof(buf) || is_name_char(ps->p[len]))
            return fail(ps, "expected an address or CIDR block such as 192.168.0.0/16");
        memcpy(buf, ps->p, len);
        buf[len] = '\0';
        why = cidr_range(buf, &r);
        if (why)
            return fail(ps, why);
        rbuf_push(b, r.lo, r.hi);
        ps->p += len;
        return 0;
    }
    case EXPR_INT: {
        expr_int lo, hi;

        if (parse_int_lit(ps, &lo) < 0)
            return -1;
        hi = lo;
        if (accept_tok(ps, "..")) {
            skip_ws(ps);
            if (parse_int_lit(ps, &hi) < 0)
                return -1;
            if (hi < lo)
                return fail(ps, "empty range (the upper bound is below the lower)");
        }
        rbuf_push(b, int_key(lo), int_key(hi));
        return 0;
    }
    case EXPR_STR: {
        size_t len;
        char *str;

        const char *why;

        if (*ps->p != '\'')
            return fail(ps, "expected a quoted string");
        str = parse_str_lit(ps, &len);
        if (str == NULL)
            return -1;
        why = rset_push_str(s, str, len, left->icase);
        mem_free(str);
        return why ? fail(ps, why) : 0;
    }
    default:
        return fail(ps, "\"in\" needs an integer, an address or a string on its left");
    }
}

static int
parse_in(struct parser *ps, int left, int negate)
{
    int n, paren;
    struct rset *s = mem_calloc(1, sizeof(*s));
    struct rbuf b = {NULL, 0, 0};
    struct node left_copy = ps->e->nodes[left];

    if (left_copy.kind == EXPR_REAL || left_copy.kind == EXPR_NULL) {
        rset_free(s);
        return type_fail(ps, "cannot be tested with \"in\" (integers, addresses, strings)", left,
                         -1);
    }
    s->suffix = left_copy.suffix;
    paren = accept_tok(ps, "(");
    do {
        if (parse_item(ps, &left_copy, &b, s) < 0) {
            mem_free(b.r);
            rset_free(s);
            return -1;
        }
    } while (paren && accept_tok(ps, ","));
    if (paren && !accept_tok(ps, ")")) {
        mem_free(b.r);
        rset_free(s);
        return fail(ps, "expected ')' after the list");
    }
    rset_build(s, b.r, b.n);
    mem_free(b.r);
    if (left_copy.kind == EXPR_STR)
        rset_index_strs(s, left_copy.icase || s->suffix);
    n = add_node(ps, OP_IN, left, -1);
    if (n < 0) {
        rset_free(s);
        return -1;
    }
    ps->e->nodes[n].set = s;
    ps->e->nodes[n].owns = 1;
    ps->e->nodes[n].negate = negate;
    ps->e->nodes[n].icase = left_copy.icase;
    ps->e->nodes[n].to = (uint32_t)(ps->p - ps->text);
    return n;
}

/* ---- primaries ---------------------------------------------------------------- */

static int
parse_name(struct parser *ps)
{
    struct expr_ref ref;
    struct expr_name nm;
    const char *start = ps->p, *end;
    size_t len = 0;
    char *str = NULL;
    int n;

    memset(&ref, 0, sizeof(ref));
    while (is_name_char(ps->p[len]))
        len++;
    ref.arg = ps->p;
    ref.len = len;
    ps->p += len;
    end = ps->p;
    if (accept_tok(ps, "(")) {
        ref.func = ref.arg;
        ref.flen = ref.len;
        skip_ws(ps);
        if (*ps->p == '\'') {
            str = parse_str_lit(ps, &ref.len);
            if (str == NULL)
                return -1;
            ref.arg = str;
            ref.quoted = 1;
        } else {
            ref.arg = ps->p;
            len = 0;
            while (is_name_char(ps->p[len]))
                len++;
            ref.len = len;
            ps->p += len;
        }
        if (!accept_tok(ps, ")")) {
            mem_free(str);
            return fail(ps, "expected ')' after the function's argument");
        }
        end = ps->p;
    }
    memset(&nm, 0, sizeof(nm));
    nm.slot2 = -1;
    nm.kind = EXPR_INT;
    n = ps->resolve(ps->ctx, &ref, &nm, ps->err);
    mem_free(str);
    if (n < 0)
        return -1;
    n = add_node(ps, OP_SLOT, -1, -1);
    if (n < 0)
        return -1;
    ps->e->nodes[n].slot = nm.slot;
    ps->e->nodes[n].slot2 = nm.slot2;
    ps->e->nodes[n].kind = nm.kind;
    ps->e->nodes[n].time_ms = nm.time_ms;
    ps->e->nodes[n].icase = nm.icase;
    ps->e->nodes[n].suffix = nm.suffix;
    ps->e->nodes[n].name_at = nm.name_at;
    ps->e->nodes[n].from = (uint32_t)(start - ps->text);
    ps->e->nodes[n].to = (uint32_t)(end - ps->text);
    return n;
}

static int
parse_primary(struct parser *ps)
{
    const char *start;
    int n;

    skip_ws(ps);
    start = ps->p;
    if (accept_tok(ps, "(")) {
        if (++ps->depth > MAX_DEPTH)
            return fail(ps, "expression nested too deeply");
        n = parse_or(ps);
        ps->depth--;
        if (n < 0)
            return -1;
        if (!accept_tok(ps, ")"))
            return fail(ps, "expected ')'");
        ps->e->nodes[n].from = (uint32_t)(start - ps->text);
        ps->e->nodes[n].to = (uint32_t)(ps->p - ps->text);
        return n;
    }
    if (looks_like_addr(ps->p)) {
        char buf[64];
        size_t len = addr_run(ps->p, 0);
        struct node *nd;

        if (len >= sizeof(buf))
            return fail(ps, "address too long");
        memcpy(buf, ps->p, len);
        buf[len] = '\0';
        n = add_node(ps, OP_CONST, -1, -1);
        if (n < 0)
            return -1;
        nd = &ps->e->nodes[n];
        nd->str = mem_calloc(1, 17);
        if (inet_pton(AF_INET, buf, nd->str + 13) == 1) {
            nd->str[0] = 4;
            nd->str[11] = nd->str[12] = (char)0xff;
        } else if (inet_pton(AF_INET6, buf, nd->str + 1) == 1) {
            nd->str[0] = 6;
        } else {
            return fail(ps, "not an IPv4 or IPv6 address");
        }
        nd->kind = nd->val.kind = EXPR_ADDR;
        nd->val.a = (const uint8_t *)nd->str;
        ps->p += len;
        nd->to = (uint32_t)(ps->p - ps->text);
        return n;
    }
    if (isdigit((unsigned char)*ps->p)) {
        size_t len = 0;
        struct node *nd;

        while (isdigit((unsigned char)ps->p[len]))
            len++;
        n = add_node(ps, OP_CONST, -1, -1);
        if (n < 0)
            return -1;
        if ((ps->p[len] == '.' && ps->p[len + 1] != '.') || ps->p[len] == 'e' ||
            ps->p[len] == 'E') {
            char *end = NULL;
            double d = strtod(start, &end);

            if (end == start || !isfinite(d) || is_name_char(*end))
                return fail(ps, "bad number");
            nd = &ps->e->nodes[n];
            nd->kind = nd->val.kind = EXPR_REAL;
            nd->val.d = d;
            ps->p = end;
        } else {
            expr_int v;

            if (parse_int_lit(ps, &v) < 0)
                return -1;
            nd = &ps->e->nodes[n];
            nd->kind = nd->val.kind = EXPR_INT;
            nd->val.i = v;
        }
        nd->to = (uint32_t)(ps->p - ps->text);
        return n;
    }
    if (*ps->p == '\'') {
        size_t len;
        char *str = parse_str_lit(ps, &len);
        struct node *nd;

        if (str == NULL)
            return -1;
        n = add_node(ps, OP_CONST, -1, -1);
        if (n < 0) {
            mem_free(str);
            return -1;
        }
        nd = &ps->e->nodes[n];
        nd->from = (uint32_t)(start - ps->text);
        nd->to = (uint32_t)(ps->p - ps->text);
        nd->str = str;
        nd->kind = nd->val.kind = EXPR_STR;
        nd->val.a = (const uint8_t *)str;
        nd->val.len = len;
        return n;
    }
    if (is_name_char(*ps->p) && *ps->p != '.')
        return parse_name(ps);
    return fail(ps, *ps->p ? "unexpected character" : "unexpected end");
}

static int
parse_unary(struct parser *ps)
{
    const char *start;

    skip_ws(ps);
    start = ps->p;
    if (*ps->p == '-' && isdigit((unsigned char)ps->p[1])) {
        /* A negative literal, so that -9223372036854775808 is one. */
        const char *q = ps->p + 1;
        int n;

        while (isdigit((unsigned char)*q))
            q++;
        if (*q != '.' && *q != 'e' && *q != 'E') {
            expr_int v;

            n = add_node(ps, OP_CONST, -1, -1);
            if (n < 0 || parse_int_lit(ps, &v) < 0)
                return -1;
            ps->e->nodes[n].val.kind = EXPR_INT;
            ps->e->nodes[n].val.i = v;
            ps->e->nodes[n].to = (uint32_t)(ps->p - ps->text);
            return n;
        }
    }
    if (accept_tok(ps, "-")) {
        int l, n;

        if (++ps->depth > MAX_DEPTH)
            return fail(ps, "expression nested too deeply");
        l = parse_unary(ps);
        ps->depth--;
        if (l < 0)
            return -1;
        if (!is_num(ps->e->nodes[l].kind))
            return type_fail(ps, "cannot be negated", l, -1);
        n = add_node(ps, OP_NEG, l, -1);
        if (n < 0)
            return -1;
        ps->e->nodes[n].kind = ps->e->nodes[l].kind;
        ps->e->nodes[n].from = (uint32_t)(start - ps->text);
        return n;
    }
    return parse_primary(ps);
}

/* Types an arithmetic node over l and r; returns n or -1. */
static int
arith_node(struct parser *ps, enum op op, int l, int r)
{
    const struct node *a, *b;
    int n;

    if (r < 0)
        return -1;
    a = &ps->e->nodes[l];
    b = &ps->e->nodes[r];
    if (!is_num(a->kind) || !is_num(b->kind))
        return type_fail(ps,
                         op == OP_ADD   ? "add"
                         : op == OP_SUB ? "subtract"
                         : op == OP_MUL ? "multiply"
                                        : "divide",
                         l, r);
    n = add_node(ps, op, l, r);
    if (n < 0)
        return -1;
    a = &ps->e->nodes[l];
    b = &ps->e->nodes[r];
    ps->e->nodes[n].kind =
        op == OP_DIV || a->kind == EXPR_REAL || b->kind == EXPR_REAL ? EXPR_REAL : EXPR_INT;
    /* time + n, time - n stay times; time - time is a duration */
    if (op == OP_ADD && (a->time_ms || b->time_ms) && !(a->time_ms && b->time_ms))
        ps->e->nodes[n].time_ms = a->time_ms ? a->time_ms : b->time_ms;
    if (op == OP_SUB && a->time_ms && !b->time_ms)
        ps->e->nodes[n].time_ms = a->time_ms;
    return n;
}

static int
parse_prod(struct parser *ps)
{
    int l = parse_unary(ps);

    while (l >= 0) {
        enum op op;

        if (accept_tok(ps, "*"))
            op = OP_MUL;
        else if (accept_tok(ps, "/"))
            op = OP_DIV;
        else if (accept_tok(ps, "%"))
            op = OP_MOD;
        else
            break;
        l = arith_node(ps, op, l, parse_unary(ps));
    }
    return l;
}

static int
parse_sum(struct parser *ps)
{
    int l = parse_prod(ps);

    while (l >= 0) {
        enum op op;

        if (accept_tok(ps, "+"))
            op = OP_ADD;
        else if (accept_tok(ps, "-"))
            op = OP_SUB;
        else
            break;
        l = arith_node(ps, op, l, parse_prod(ps));
    }
    return l;
}

/* Whether the subtree at i names an either-side slot. */
static int
has_either(const struct expr *e, int i)
{
    const struct node *nd = &e->nodes[i];

    if (nd->op == OP_SLOT)
        return nd->slot2 >= 0;
    return (nd->l >= 0 && has_either(e, nd->l)) || (nd->r >= 0 && has_either(e, nd->r));
}

/* Copies the subtree at i, either-side slots taking their `side` (0 or 1) slot. */
static int
clone_side(struct parser *ps, int i, int side)
{
    int l = -1, r = -1, n;
    struct node *nd;

    if (ps->e->nodes[i].l >= 0 && (l = clone_side(ps, ps->e->nodes[i].l, side)) < 0)
        return -1;
    if (ps->e->nodes[i].r >= 0 && (r = clone_side(ps, ps->e->nodes[i].r, side)) < 0)
        return -1;
    n = add_node(ps, OP_CONST, -1, -1);
    if (n < 0)
        return -1;
    nd = &ps->e->nodes[n];
    *nd = ps->e->nodes[i];
    nd->l = l;
    nd->r = r;
    nd->owns = 0;
    if (nd->str) { /* constants own their bytes: copy */
        size_t len = nd->kind == EXPR_ADDR ? 17 : nd->val.len + 1;
        char *s = mem_alloc(len);

        memcpy(s, nd->str, len);
        nd->str = s;
        nd->val.a = (const uint8_t *)s;
    }
    if (nd->op == OP_SLOT && nd->slot2 >= 0) {
        if (side)
            nd->slot = nd->slot2;
        nd->slot2 = -1;
    }
    return n;
}

/* Expands comparison or "in" node n over either-side names into "side0 or side1". */
static int
expand_either(struct parser *ps, int n)
{
    const struct node *nd = &ps->e->nodes[n];
    int a, b, o;
    uint32_t from = nd->from, to = nd->to;

    if (!has_either(ps->e, n))
        return n;
    if (nd->op == OP_NE || (nd->op == OP_IN && nd->negate))
        return ERR_SET(ps->err, ERR_USAGE,
                       "in expression \"%s\": \"%.*s\" is ambiguous with an either-side field "
                       "(addr, port): write \"not (... = ...)\" or \"not (... in ...)\" for "
                       "neither side, or name sip/dip, sport/dport",
                       ps->text, (int)(to - from), ps->text + from),
               -1;
    a = clone_side(ps, n, 0);
    b = a < 0 ? -1 : clone_side(ps, n, 1);
    o = b < 0 ? -1 : add_node(ps, OP_OR, a, b);
    if (o < 0)
        return -1;
    ps->e->nodes[o].from = from;
    ps->e->nodes[o].to = to;
    return o;
}

/*
 * Converts string constant node s to the kind of the other side (a time, an
 * address) for a comparison with node other; returns 0, or -1 when it cannot.
 */
static int
coerce_str(struct parser *ps, int s, int other)
{
    struct node *k = &ps->e->nodes[s];
    const struct node *o = &ps->e->nodes[other];

    if (k->op != OP_CONST || k->kind != EXPR_STR)
        return -1;
    if (o->kind == EXPR_INT && o->time_ms) {
        int64_t ms, prec;

        if (isotime_parse(k->str, k->val.len, &ms, &prec) < 0)
            return fail(ps, "not an ISO 8601 UTC time (2023-09-04, 2023-09-04T01:30, "
                            "2023-09-04T01:30:15Z)"),
                   -2;
        if (ms % o->time_ms != 0)
            return fail(ps, "time more precise than the field (whole seconds)"), -2;
        mem_free(k->str);
        k->str = NULL;
        k->kind = k->val.kind = EXPR_INT;
        k->val.i = ms / o->time_ms;
        k->val.a = NULL;
        k->time_ms = o->time_ms;
        return 0;
    }
    return -1;
}

static int
cmp_node(struct parser *ps, enum op op, int l, int r)
{
    const struct node *a, *b;
    int n, ok;

    if (r < 0)
        return -1;
    a = &ps->e->nodes[l];
    b = &ps->e->nodes[r];
    if (a->kind == EXPR_STR && b->kind != EXPR_STR) {
        int rc = coerce_str(ps, l, r);

        if (rc == -2)
            return -1;
    } else if (b->kind == EXPR_STR && a->kind != EXPR_STR) {
        int rc = coerce_str(ps, r, l);

        if (rc == -2)
            return -1;
    }
    a = &ps->e->nodes[l];
    b = &ps->e->nodes[r];
    if (a->name_at || b->name_at)
        return type_fail(ps, "stands for many names: test it with in", a->name_at ? l : r, -1);
    ok = (is_num(a->kind) && is_num(b->kind)) || (a->kind == b->kind && a->kind != EXPR_NULL);
    if (!ok)
        return type_fail(ps, "compare", l, r);
    n = add_node(ps, op, l, r);
    if (n < 0)
        return -1;
    ps->e->nodes[n].icase = ps->e->nodes[l].icase || ps->e->nodes[r].icase;
    return expand_either(ps, n);
}

static int
parse_cmp(struct parser *ps)
{
    static const struct {
        const char *tok;
        enum op op;
    } ops[] = {{"==", OP_EQ}, {"!=", OP_NE}, {"<>", OP_NE}, {"<=", OP_LE},
               {">=", OP_GE}, {"=", OP_EQ},  {"<", OP_LT},  {">", OP_GT}};
    int l = parse_sum(ps);

    if (l < 0)
        return -1;
    if (accept_kw(ps, "in")) {
        int n = parse_in(ps, l, 0);

        return n < 0 ? -1 : expand_either(ps, n);
    }
    {
        const char *save = ps->p;

        if (accept_kw(ps, "not")) {
            if (accept_kw(ps, "in")) {
                int n = parse_in(ps, l, 1);

                return n < 0 ? -1 : expand_either(ps, n);
            }
            ps->p = save;
        }
    }
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        if (accept_tok(ps, ops[i].tok))
            return cmp_node(ps, ops[i].op, l, parse_sum(ps));
    if (has_either(ps->e, l))
        return type_fail(ps, "is an either-side field: it can only be compared or tested with in",
                         l, -1);
    if (ps->e->nodes[l].name_at)
        return type_fail(ps, "stands for many names: test it with in", l, -1);
    return l;
}

/* A condition operand of and/or/not must be a number (a comparison is 0 or 1). */
static int
need_cond(struct parser *ps, int i)
{
    if (i < 0)
        return -1;
    if (!is_num(ps->e->nodes[i].kind))
        return type_fail(ps, "is not a condition (compare it, e.g. with = or in)", i, -1);
    return i;
}

static int
parse_not(struct parser *ps)
{
    const char *start;

    skip_ws(ps);
    start = ps->p;
    if (accept_kw(ps, "not")) {
        int l, n;

        if (++ps->depth > MAX_DEPTH)
            return fail(ps, "expression nested too deeply");
        l = need_cond(ps, parse_not(ps));
        ps->depth--;
        n = l < 0 ? -1 : add_node(ps, OP_NOT, l, -1);
        if (n >= 0)
            ps->e->nodes[n].from = (uint32_t)(start - ps->text);
        return n;
    }
    return parse_cmp(ps);
}

static int
parse_and(struct parser *ps)
{
    int l = parse_not(ps);

    while (l >= 0 && accept_kw(ps, "and")) {
        int r;

        if (need_cond(ps, l) < 0)
            return -1;
        r = need_cond(ps, parse_not(ps));
        l = r < 0 ? -1 : add_node(ps, OP_AND, l, r);
    }
    return l;
}

static int
parse_or(struct parser *ps)
{
    int l = parse_and(ps);

    while (l >= 0 && accept_kw(ps, "or")) {
        int r;

        if (need_cond(ps, l) < 0)
            return -1;
        r = need_cond(ps, parse_and(ps));
        l = r < 0 ? -1 : add_node(ps, OP_OR, l, r);
    }
    return l;
}

struct expr *
expr_parse(const char *text, expr_resolve_fn *resolve, void *ctx, struct err *err)
{
    struct expr *e = mem_calloc(1, sizeof(*e));
    struct parser ps = {text, text, e, resolve, ctx, err, 0};

    e->text = mem_strdup(text);
    ps.text = e->text;
    ps.p = e->text;
    e->root = parse_or(&ps);
    if (e->root >= 0) {
        skip_ws(&ps);
        if (*ps.p != '\0')
            e->root = fail(&ps, "unexpected text after the expression");
    }
    if (e->root >= 0)
        e->root = need_cond(&ps, e->root);
    if (e->root < 0) {
        expr_destroy(e);
        return NULL;
    }
    return e;
}

void
expr_destroy(struct expr *e)
{
    if (e == NULL)
        return;
    for (size_t i = 0; i < e->n; i++) {
        if (e->nodes[i].owns)
            rset_free(e->nodes[i].set);
        mem_free(e->nodes[i].str);
    }
    mem_free(e->nodes);
    mem_free(e->text);
    mem_free(e);
}

/* ---- evaluation ----------------------------------------------------------- */

struct ev {
    expr_get_fn *get;
    const void *ctx;
    int err_node; /* the first node whose arithmetic overflowed, or -1 */
};

static const struct expr_val null_val = {EXPR_NULL, 0, 0, NULL, 0};

static struct expr_val
int_val(expr_int i)
{
    struct expr_val v = {EXPR_INT, i, 0, NULL, 0};

    return v;
}

static struct expr_val
real_val(double d)
{
    struct expr_val v = {EXPR_REAL, 0, d, NULL, 0};

    return v;
}

static struct expr_val
err_val(struct ev *ev, int i)
{
    struct expr_val v = {EXPR_ERR, 0, 0, NULL, 0};

    if (ev->err_node < 0)
        ev->err_node = i;
    return v;
}

static double
as_real(struct expr_val v)
{
    return v.kind == EXPR_INT ? (double)v.i : v.d;
}

static int
fits64(expr_int v)
{
    return v >= EXPR_INT64_MIN && v <= EXPR_INT64_MAX;
}

static struct expr_val eval(const struct expr *e, int i, struct ev *ev);

/* Case-insensitive (ASCII) or bytewise order of two strings. */
static int
str_order(const struct expr_val *l, const struct expr_val *r, int icase)
{
    size_t n = l->len < r->len ? l->len : r->len;

    for (size_t k = 0; k < n; k++) {
        int a = l->a[k], b = r->a[k];

        if (icase) {
            a = tolower(a);
            b = tolower(b);
        }
        if (a != b)
            return a < b ? -1 : 1;
    }
    return l->len < r->len ? -1 : l->len > r->len;
}

static struct expr_val
compare(const struct node *nd, struct expr_val l, struct expr_val r)
{
    int c;

    if (l.kind == EXPR_NULL || r.kind == EXPR_NULL)
        return null_val;
    if (l.kind == EXPR_ADDR && r.kind == EXPR_ADDR) {
        c = memcmp(l.a + 1, r.a + 1, 16); /* v4 and v4-mapped are one address */
    } else if (l.kind == EXPR_INT && r.kind == EXPR_INT) {
        c = l.i < r.i ? -1 : l.i > r.i;
    } else if (l.kind == EXPR_INT && r.kind == EXPR_REAL) {
        if (r.d != r.d)
            return null_val;
        c = expr_order_int_real(l.i, r.d);
    } else if (l.kind == EXPR_REAL && r.kind == EXPR_INT) {
        if (l.d != l.d)
            return null_val;
        c = -expr_order_int_real(r.i, l.d);
    } else if (l.kind == EXPR_REAL && r.kind == EXPR_REAL) {
        if (l.d != l.d || r.d != r.d)
            return null_val;
        c = l.d < r.d ? -1 : l.d > r.d;
    } else if (l.kind == EXPR_STR && r.kind == EXPR_STR) {
        c = str_order(&l, &r, nd->icase);
    } else {
        return null_val; /* a getter gave another kind than resolved */
    }
    return int_val(expr_cmp_of((enum expr_cmp)(nd->op - OP_EQ), c));
}

static struct expr_val
arith(struct ev *ev, int i, enum op op, struct expr_val l, struct expr_val r)
{
    if (l.kind == EXPR_ERR || r.kind == EXPR_ERR)
        return err_val(ev, -1);
    if (l.kind != EXPR_INT && l.kind != EXPR_REAL)
        return null_val;
    if (r.kind != EXPR_INT && r.kind != EXPR_REAL)
        return null_val;
    if (op == OP_DIV) {
        double b = as_real(r);

        return b == 0 ? null_val : real_val(as_real(l) / b);
    }
    if (l.kind == EXPR_INT && r.kind == EXPR_INT) {
        expr_int v;

        switch (op) {
        case OP_ADD:
            if (__builtin_add_overflow(l.i, r.i, &v))
                return err_val(ev, i);
            break;
        case OP_SUB:
            if (__builtin_sub_overflow(l.i, r.i, &v))
                return err_val(ev, i);
            break;
        case OP_MUL:
            if (fits64(l.i) && fits64(r.i)) {
                int64_t p;

                if (__builtin_mul_overflow((int64_t)l.i, (int64_t)r.i, &p))
                    return err_val(ev, i);
                v = p;
            } else if (l.i == 0 || r.i == 0) {
                v = 0;
            } else if (l.i == 1 || l.i == -1 || r.i == 1 || r.i == -1) {
                v = l.i * r.i;
            } else {
                return err_val(ev, i); /* |l * r| >= 2 * 2^63 */
            }
            break;
        default:
            if (r.i == 0)
                return null_val;
            v = l.i % r.i; /* C's sign rule, as Spark and Java */
            break;
        }
        if (!fits64(v))
            return err_val(ev, i);
        return int_val(v);
    }
    switch (op) {
    case OP_ADD:
        return real_val(as_real(l) + as_real(r));
    case OP_SUB:
        return real_val(as_real(l) - as_real(r));
    case OP_MUL:
        return real_val(as_real(l) * as_real(r));
    default:
        return as_real(r) == 0 ? null_val : real_val(fmod(as_real(l), as_real(r)));
    }
}

/* -2 error, -1 NULL, 0 false, 1 true */
static int
truth(struct expr_val v)
{
    switch (v.kind) {
    case EXPR_ERR:
        return -2;
    case EXPR_NULL:
        return -1;
    case EXPR_INT:
        return v.i != 0;
    case EXPR_REAL:
        return v.d != 0;
    default:
        return 1;
    }
}

static struct expr_val
truth_val(struct ev *ev, int t)
{
    if (t == -2)
        return err_val(ev, -1);
    return t < 0 ? null_val : int_val(t);
}

static int
in_set(const struct node *nd, struct expr_val v)
{
    switch (v.kind) {
    case EXPR_ADDR:
        return rset_has(nd->set, addr_key(v.a + 1));
    case EXPR_INT:
        return rset_has(nd->set, int_key(v.i));
    case EXPR_STR:
        return rset_has_str(nd->set, v.a, v.len, nd->icase);
    default:
        return -1;
    }
}

static struct expr_val
eval(const struct expr *e, int i, struct ev *ev)
{
    const struct node *nd = &e->nodes[i];

    switch (nd->op) {
    case OP_CONST:
        return nd->val;
    case OP_SLOT:
        return ev->get(ev->ctx, nd->slot);
    case OP_NEG: {
        struct expr_val v = eval(e, nd->l, ev);

        if (v.kind == EXPR_INT)
            return fits64(-v.i) ? int_val(-v.i) : err_val(ev, i);
        if (v.kind == EXPR_REAL)
            return real_val(-v.d);
        return v.kind == EXPR_ERR ? v : null_val;
    }
    case OP_ADD:
    case OP_SUB:
    case OP_MUL:
    case OP_DIV:
    case OP_MOD: {
        struct expr_val l = eval(e, nd->l, ev);

        return arith(ev, i, nd->op, l, eval(e, nd->r, ev));
    }
    case OP_EQ:
    case OP_NE:
    case OP_LT:
    case OP_LE:
    case OP_GT:
    case OP_GE: {
        struct expr_val l = eval(e, nd->l, ev), r = eval(e, nd->r, ev);

        if (l.kind == EXPR_ERR || r.kind == EXPR_ERR)
            return err_val(ev, -1);
        return compare(nd, l, r);
    }
    case OP_AND: {
        int l = truth(eval(e, nd->l, ev)), r;

        if (l == 0)
            return int_val(0);
        r = truth(eval(e, nd->r, ev));
        if (r == 0)
            return int_val(0);
        return truth_val(ev, l == -2 || r == -2 ? -2 : l < 0 || r < 0 ? -1 : 1);
    }
    case OP_OR: {
        int l = truth(eval(e, nd->l, ev)), r;

        if (l == 1)
            return int_val(1);
        r = truth(eval(e, nd->r, ev));
        if (r == 1)
            return int_val(1);
        return truth_val(ev, l == -2 || r == -2 ? -2 : l < 0 || r < 0 ? -1 : 0);
    }
    case OP_NOT: {
        int t = truth(eval(e, nd->l, ev));

        return truth_val(ev, t < 0 ? t : !t);
    }
    case OP_IN: {
        struct expr_val v = eval(e, nd->l, ev);
        expr_name_at_fn *name_at = e->nodes[nd->l].name_at;
        int hit;

        if (v.kind == EXPR_ERR)
            return v;
        if (name_at != NULL && v.kind == EXPR_STR) {
            /* a list of names: `a` is the getter's object, `len` the count */
            hit = 0;
            for (size_t k = 0; k < v.len && !hit; k++) {
                const uint8_t *p;
                size_t len = name_at(v.a, k, &p);

                hit = rset_has_str(nd->set, p, len, 1);
            }
            return int_val(nd->negate ? !hit : hit);
        }
        hit = in_set(nd, v);
        if (hit < 0)
            return null_val;
        return int_val(nd->negate ? !hit : hit);
    }
    }
    return null_val;
}

/* The test of node `i`: 1 true, 0 false or NULL, -code with err on overflow. */
static int
test_node(const struct expr *e, int i, expr_get_fn *get, const void *ctx, struct err *err)
{
    struct ev ev = {get, ctx, -1};
    int t = truth(eval(e, i, &ev));

    if (t == -2) {
        const struct node *nd = &e->nodes[ev.err_node >= 0 ? ev.err_node : i];

        return ERR_SET(err, ERR_LIMIT,
                       "integer overflow: \"%.*s\" is beyond signed 64-bit (in \"%s\")",
                       (int)(nd->to - nd->from), e->text + nd->from, e->text);
    }
    return t == 1;
}

int
expr_test(const struct expr *e, expr_get_fn *get, const void *ctx, struct err *err)
{
    return test_node(e, e->root, get, ctx, err);
}

/* ---- conjuncts ------------------------------------------------------------- */

static int
is_cmp(enum op op)
{
    return op >= OP_EQ && op <= OP_GE;
}

/* The comparison `op` as enum expr_cmp, its sides swapped when `swap`. */
static enum expr_cmp
cmp_of(enum op op, int swap)
{
    static const enum expr_cmp plain[] = {EXPR_CMP_EQ, EXPR_CMP_NE, EXPR_CMP_LT,
                                          EXPR_CMP_LE, EXPR_CMP_GT, EXPR_CMP_GE};
    static const enum expr_cmp swapped[] = {EXPR_CMP_EQ, EXPR_CMP_NE, EXPR_CMP_GT,
                                            EXPR_CMP_GE, EXPR_CMP_LT, EXPR_CMP_LE};

    return swap ? swapped[op - OP_EQ] : plain[op - OP_EQ];
}

static int
is_num_const(const struct node *nd)
{
    return nd->op == OP_CONST && (nd->val.kind == EXPR_INT || nd->val.kind == EXPR_REAL);
}

static int
is_int_slot(const struct node *nd)
{
    return nd->op == OP_SLOT && nd->kind == EXPR_INT && nd->slot2 < 0;
}

static void
classify(const struct expr *e, int i, struct expr_term *t)
{
    const struct node *nd = &e->nodes[i];

    memset(t, 0, sizeof(*t));
    t->kind = EXPR_TERM_OTHER;
    t->node = i;
    if (nd->op == OP_IN && e->nodes[nd->l].op == OP_SLOT && e->nodes[nd->l].slot2 < 0 &&
        (e->nodes[nd->l].kind == EXPR_ADDR || e->nodes[nd->l].kind == EXPR_INT)) {
        t->kind = EXPR_TERM_IN;
        t->slot = e->nodes[nd->l].slot;
        t->in_kind = e->nodes[nd->l].kind;
    } else if (is_cmp(nd->op)) {
        const struct node *l = &e->nodes[nd->l], *r = &e->nodes[nd->r];
        int swap = is_num_const(l) && !is_num_const(r);
        const struct node *side = swap ? r : l, *k = swap ? l : r;

        if (!is_num_const(k))
            return;
        t->cmp = cmp_of(nd->op, swap);
        t->ck = k->val.kind;
        t->ci = k->val.i;
        t->cd = k->val.d;
        if (is_int_slot(side)) {
            t->kind = EXPR_TERM_CMP;
            t->slot = side->slot;
        } else if (side->op == OP_DIV && is_int_slot(&e->nodes[side->l]) &&
                   is_int_slot(&e->nodes[side->r])) {
            t->kind = EXPR_TERM_RATIO;
            t->slot = e->nodes[side->l].slot;
            t->slot2 = e->nodes[side->r].slot;
        }
    }
}

static size_t
terms_of(const struct expr *e, int i, struct expr_term *out, size_t max, size_t n)
{
    if (e->nodes[i].op == OP_AND) {
        n = terms_of(e, e->nodes[i].l, out, max, n);
        return terms_of(e, e->nodes[i].r, out, max, n);
    }
    if (n < max)
        classify(e, i, &out[n]);
    return n + 1;
}

size_t
expr_terms(const struct expr *e, struct expr_term *out, size_t max)
{
    return terms_of(e, e->root, out, max, 0);
}

int
expr_term_test(const struct expr *e, const struct expr_term *t, expr_get_fn *get, const void *ctx,
               struct err *err)
{
    return test_node(e, t->node, get, ctx, err);
}

int
expr_term_in(const struct expr *e, const struct expr_term *t, const uint8_t a[16])
{
    const struct node *nd = &e->nodes[t->node];
    int hit = rset_has(nd->set, addr_key(a));

    return nd->negate ? !hit : hit;
}

int
expr_term_in_int(const struct expr *e, const struct expr_term *t, expr_int v)
{
    const struct node *nd = &e->nodes[t->node];
    int hit = rset_has(nd->set, int_key(v));

    return nd->negate ? !hit : hit;
}
