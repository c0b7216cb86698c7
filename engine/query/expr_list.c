/*
 * expr_list.c - "in" lists and @FILE watchlists: parsed into the sets of expr_set.c,
 * errors naming the file and line.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <xxhash.h>

#include "esc.h"
#include "expr_tree.h"
#include "mem.h"

#define LIST_LINE_MAX 510 /* bytes of a watchlist line, its '\n' not counted */
#define V4_MAPPED     ((u128)0xffff << 32)

static int
is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * The IPv4 address or CIDR block in [p, e) (dotted quad, no leading zero,
 * an optional "/BITS" of 1 or 2 digits up to 32) into *r: 1, or 0 when it is
 * not written so (expr_cidr_range() then decides, as for any other entry).
 * The byte at e is no digit, '.' or '/' (a blank, '#', '\n' or the buffer's
 * sentinel), so that the digits are read without bounds checks: watchlists
 * hold 100,000s of addresses.
 */
static int
v4_entry(const char *p, const char *e, struct range *r)
{
    uint32_t ip = 0, bits = 32, host;

    for (int part = 0; part < 4; part++) {
        unsigned v = (unsigned)(unsigned char)*p - '0', d;

        if (v > 9)
            return 0;
        if ((d = (unsigned)(unsigned char)*++p - '0') <= 9) {
            if (v == 0)
                return 0; /* a leading 0 */
            v = v * 10 + d;
            if ((d = (unsigned)(unsigned char)*++p - '0') <= 9) {
                v = v * 10 + d;
                if (v > 255 || (unsigned)(unsigned char)*++p - '0' <= 9)
                    return 0;
            }
        }
        ip = ip << 8 | v;
        if (part < 3 && *p++ != '.')
            return 0;
    }
    if (*p == '/') {
        unsigned d = (unsigned)(unsigned char)*++p - '0';

        if (d > 9)
            return 0;
        bits = d;
        if ((d = (unsigned)(unsigned char)*++p - '0') <= 9) {
            bits = bits * 10 + d;
            p++;
        }
        if (bits > 32)
            return 0;
    }
    if (p != e)
        return 0;
    host = bits == 32 ? 0 : 0xffffffffu >> bits;
    r->lo = V4_MAPPED | (ip & ~host);
    r->hi = V4_MAPPED | (ip | host);
    return 1;
}

/*
 * Reads the whole of `f` into a buffer (mem_free()), its length in *len,
 * followed by a '\n' (the sentinel v4_entry() relies on); NULL on a read error.
 */
static char *
read_all(FILE *f, size_t *len)
{
    size_t cap = (size_t)1 << 16, n = 0;
    char *buf = mem_alloc(cap + 1);

    for (;;) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        cap *= 2;
        buf = mem_realloc(buf, cap + 1);
    }
    if (ferror(f)) {
        mem_free(buf);
        return NULL;
    }
    buf[n] = '\n';
    *len = n;
    return buf;
}

/* expr_rbuf_push() inline: a watchlist pushes 100,000s of ranges. */
static inline void
push_range(struct rbuf *b, const struct range *r)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 1024;
        b->r = mem_realloc(b->r, b->cap * sizeof(*b->r));
    }
    b->r[b->n++] = *r;
}

/*
 * Reads watchlist `path`: one item a line (addresses and CIDR blocks into
 * `b`, or domains into `set` when set->suffix), '#' starting a comment. A
 * list without an entry is refused: it would match nothing, silently.
 */
static int
read_list_file(struct parser *ps, const char *path, struct rbuf *b, struct rset *set)
{
    FILE *f = fopen(path, "r"); // NOLINT(cert-err33-c): checked below
    char *buf;
    size_t len = 0, entries = 0;
    long lineno = 0;
    int rc = 0;

    if (f == NULL)
        return ERR_SET_ERRNO(ps->err, errno, "watchlist %s", path), -1;
    buf = read_all(f, &len);
    if (buf == NULL) {
        rc = ERR_SET_ERRNO(ps->err, errno, "watchlist %s: read", path);
        fclose(f);
        return -1;
    }
    fclose(f);
    {
        /* what was read, for expr_inputs() */
        size_t have = ps->e->inputs ? strlen(ps->e->inputs) : 0, add = strlen(path) + 32;

        ps->e->inputs = mem_realloc(ps->e->inputs, have + add);
        snprintf(ps->e->inputs + have, add, "@%s xxh3=%016llx\n", path,
                 (unsigned long long)XXH3_64bits(buf, len));
    }
    for (const char *p = buf, *end = buf + len; p < end && rc == 0;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *s = p, *e = nl ? nl : end, *hash;
        struct range r;
        const char *why = NULL;

        lineno++;
        p = nl ? nl + 1 : end;
        if (e - s > LIST_LINE_MAX) {
            rc = ERR_SET(ps->err, ERR_USAGE, "watchlist %s:%ld: line longer than %d bytes", path,
                         lineno, LIST_LINE_MAX);
            break;
        }
        hash = memchr(s, '#', (size_t)(e - s));
        if (hash)
            e = hash;
        while (s < e && is_blank(*s))
            s++;
        while (e > s && is_blank(e[-1]))
            e--;
        if (s == e)
            continue;
        entries++;
        if (set->suffix) {
            why = expr_rset_push_str(set, s, (size_t)(e - s), 1);
        } else if (v4_entry(s, e, &r)) {
            push_range(b, &r);
        } else {
            char entry[LIST_LINE_MAX + 1];

            memcpy(entry, s, (size_t)(e - s));
            entry[e - s] = '\0';
            why = memchr(s, '\0', (size_t)(e - s)) ? "not an IPv4 or IPv6 address"
                                                   : expr_cidr_range(entry, &r);
            if (why == NULL)
                expr_rbuf_push(b, r.lo, r.hi);
        }
        if (why) { /* the entry's first 64 bytes escaped: a NUL or ESC shows, never cuts */
            char shown[4 * 64 + 1];

            esc_bytes(shown, sizeof(shown), (const uint8_t *)s, e - s > 64 ? 64 : (size_t)(e - s));
            rc = ERR_SET(ps->err, ERR_USAGE, "watchlist %s:%ld: %s: \"%s\"", path, lineno, why,
                         shown);
        }
    }
    mem_free(buf);
    if (rc == 0 && entries == 0)
        rc = ERR_SET(ps->err, ERR_USAGE,
                     "watchlist %s: no entries (only blank lines and comments): it would match "
                     "nothing",
                     path);
    return rc < 0 ? -1 : 0;
}

/* The @FILE path at ps->p (quoted or up to whitespace, ',' or ')'). */
static char *
parse_path(struct parser *ps)
{
    size_t len = 0;
    char *path;

    if (*ps->p == '\'')
        return expr_parse_str_lit(ps, &len);
    while (ps->p[len] && !isspace((unsigned char)ps->p[len]) && ps->p[len] != ')' &&
           ps->p[len] != ',')
        len++;
    if (len == 0) {
        expr_fail(ps, "expected a file name after '@'");
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
    expr_skip_ws(ps);
    if (*ps->p == '@') {
        char *path;
        int rc;

        if (left->kind != EXPR_ADDR && !s->suffix)
            return expr_fail(ps, "a watchlist file (@FILE) holds addresses (for sip, dip, addr) or "
                                 "domains (for dns.suffix)");
        ps->p++;
        path = parse_path(ps);
        if (path == NULL)
            return -1;
        rc = read_list_file(ps, path, b, s);
        ps->e->files++;
        mem_free(path);
        return rc;
    }
    switch (left->kind) {
    case EXPR_ADDR: {
        char buf[64];
        size_t len = expr_addr_run(ps->p, 1);
        struct range r;
        const char *why;

        if (len == 0 || len >= sizeof(buf) || expr_is_name_char(ps->p[len]))
            return expr_fail(ps, "expected an address or CIDR block such as 192.168.0.0/16");
        memcpy(buf, ps->p, len);
        buf[len] = '\0';
        why = expr_cidr_range(buf, &r);
        if (why)
            return expr_fail(ps, why);
        expr_rbuf_push(b, r.lo, r.hi);
        ps->p += len;
        return 0;
    }
    case EXPR_INT: {
        expr_int lo, hi;

        if (expr_parse_int_lit(ps, &lo) < 0)
            return -1;
        hi = lo;
        if (expr_accept_tok(ps, "..")) {
            expr_skip_ws(ps);
            if (expr_parse_int_lit(ps, &hi) < 0)
                return -1;
            if (hi < lo)
                return expr_fail(ps, "empty range (the upper bound is below the lower)");
        }
        if (expr_check_range(ps, left, lo, hi) < 0)
            return -1;
        expr_rbuf_push(b, expr_int_key(lo), expr_int_key(hi));
        return 0;
    }
    case EXPR_STR: {
        size_t len;
        char *str;

        const char *why;

        if (*ps->p != '\'')
            return expr_fail(ps, "expected a quoted string");
        str = expr_parse_str_lit(ps, &len);
        if (str == NULL)
            return -1;
        why = expr_rset_push_str(s, str, len, left->icase);
        mem_free(str);
        return why ? expr_fail(ps, why) : 0;
    }
    default:
        return expr_fail(ps, "\"in\" needs an integer, an address or a string on its left");
    }
}

int
expr_parse_in(struct parser *ps, int left, int negate)
{
    int n, paren;
    struct rset *s = mem_calloc(1, sizeof(*s));
    struct rbuf b = {NULL, 0, 0};
    struct node left_copy = ps->e->nodes[left];

    if (left_copy.kind == EXPR_REAL || left_copy.kind == EXPR_NULL) {
        expr_rset_free(s);
        return expr_type_fail(ps, "cannot be tested with \"in\" (integers, addresses, strings)",
                              left, -1);
    }
    s->suffix = left_copy.suffix;
    s->dotted = left_copy.dotted;
    paren = expr_accept_tok(ps, "(");
    do {
        if (parse_item(ps, &left_copy, &b, s) < 0) {
            mem_free(b.r);
            expr_rset_free(s);
            return -1;
        }
    } while (paren && expr_accept_tok(ps, ","));
    if (paren && !expr_accept_tok(ps, ")")) {
        mem_free(b.r);
        expr_rset_free(s);
        return expr_fail(ps, "expected ')' after the list");
    }
    expr_rset_build(s, b.r, b.n);
    mem_free(b.r);
    if (left_copy.kind == EXPR_STR)
        expr_rset_index_strs(s, left_copy.icase || s->suffix);
    n = expr_add_node(ps, OP_IN, left, -1);
    if (n < 0) {
        expr_rset_free(s);
        return -1;
    }
    ps->e->nodes[n].set = s;
    ps->e->nodes[n].owns = 1;
    ps->e->nodes[n].negate = negate;
    ps->e->nodes[n].icase = left_copy.icase;
    ps->e->nodes[n].to = (uint32_t)(ps->p - ps->text);
    return n;
}
