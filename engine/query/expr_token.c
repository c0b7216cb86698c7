/*
 * expr_token.c - the parser's primitives: its cursor, errors, node array, keywords
 * and tokens, and number, string and address literals.
 */
#include <ctype.h>
#include <stdio.h>
#include <strings.h>

#include "expr_tree.h"
#include "mem.h"

int
expr_fail(struct parser *ps, const char *what)
{
    ERR_SET(ps->err, ERR_USAGE, "in expression \"%s\" at offset %zu: %s", ps->text,
            (size_t)(ps->p - ps->text), what);
    return -1;
}

int
expr_add_node(struct parser *ps, enum op op, int l, int r)
{
    struct expr *e = ps->e;
    struct node *nd;

    if (e->n >= MAX_NODES)
        return expr_fail(ps, "expression too long");
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

void
expr_skip_ws(struct parser *ps)
{
    while (isspace((unsigned char)*ps->p))
        ps->p++;
}

int
expr_is_name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '#';
}

/* Consumes keyword `kw` (case-insensitive, whole word). */
int
expr_accept_kw(struct parser *ps, const char *kw)
{
    size_t len = strlen(kw);

    expr_skip_ws(ps);
    if (strncasecmp(ps->p, kw, len) == 0 && !expr_is_name_char(ps->p[len])) {
        ps->p += len;
        return 1;
    }
    return 0;
}

int
expr_accept_tok(struct parser *ps, const char *tok)
{
    size_t len = strlen(tok);

    expr_skip_ws(ps);
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

int
expr_type_fail(struct parser *ps, const char *verb, int l, int r)
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

int
expr_is_num(enum expr_kind k)
{
    return k == EXPR_INT || k == EXPR_REAL;
}

/* ---- literals ---------------------------------------------------------------- */

/* Length of the run of address characters at p. */
size_t
expr_addr_run(const char *p, int slash)
{
    size_t len = 0;

    while (isxdigit((unsigned char)p[len]) || p[len] == ':' ||
           (p[len] == '.' && p[len + 1] != '.') || (slash && p[len] == '/'))
        len++;
    return len;
}

/* Whether the text at p is an address literal (IPv4 dotted quad, or IPv6 with a ':'). */
int
expr_looks_like_addr(const char *p)
{
    size_t len = expr_addr_run(p, 0), dots = 0, colons = 0;

    for (size_t i = 0; i < len; i++) {
        dots += p[i] == '.';
        colons += p[i] == ':';
    }
    if (expr_is_name_char(p[len]) && p[len] != '.')
        return 0;
    return colons >= 2 || (dots == 3 && isdigit((unsigned char)p[0]));
}

#define LIT_MAX (((u128)1 << 127) - 1) /* the largest literal magnitude: 2^127 - 1 */

/*
 * Parses an integer literal (optionally negative) at ps->p into *v; exact from
 * -(2^127 - 1) to 2^127 - 1 (any field, sum or 64-bit result; beyond: an error).
 * Returns 0 or -1 (error set).
 */
int
expr_parse_int_lit(struct parser *ps, expr_int *v)
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
        return expr_fail(ps, "expected an integer");
    while (isdigit((unsigned char)*s)) {
        if (u > (LIT_MAX - (u128)(*s - '0')) / 10)
            return expr_fail(ps, "integer literal beyond 128-bit (integers are exact from "
                                 "-(2^127 - 1) to 2^127 - 1)");
        u = u * 10 + (u128)(*s - '0');
        s++;
    }
    if (expr_is_name_char(*s) && !(s[0] == '.' && s[1] == '.'))
        return expr_fail(ps, "bad number");
    *v = neg ? -(expr_int)u : (expr_int)u;
    ps->p = s;
    return 0;
}

/*
 * expr_dec_exact() - the exact value of real literal s..end (digits, an optional
 * fraction, an optional exponent; strtod() accepted it) into *out: its integer
 * part and whether a fraction remains, from the text, never through a double.
 */
void
expr_dec_exact(const char *s, const char *end, struct dec *out)
{
    const char *p = s, *digits, *dot = NULL;
    long exp = 0, point;
    size_t nd = 0;
    int eneg = 0;

    memset(out, 0, sizeof(*out));
    out->lit = 1;
    if (p < end && (*p == '-' || *p == '+'))
        out->neg = *p++ == '-';
    digits = p;
    while (p < end && (isdigit((unsigned char)*p) || (*p == '.' && dot == NULL))) {
        if (*p == '.')
            dot = p;
        else
            nd++;
        p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '-' || *p == '+'))
            eneg = *p++ == '-';
        for (; p < end && isdigit((unsigned char)*p); p++)
            if (exp < 1000000)
                exp = exp * 10 + (*p - '0');
        if (eneg)
            exp = -exp;
    }
    /* the digits d[0..nd) without the dot; the integer part is the first `point` of them */
    point = (dot ? (long)(dot - digits) : (long)nd) + exp;
    out->dfrom = (uint32_t)(digits - s);
    out->ddot = dot ? (int32_t)(dot - s) : -1;
    out->nd = (uint32_t)nd;
    out->point = (int32_t)point;
    for (long i = 0; i < point; i++) {
        int d = 0;

        if ((size_t)i < nd) {
            const char *q = digits + i + (dot != NULL && digits + i >= dot);

            d = *q - '0';
        }
        if (out->mag > (LIT_MAX - 1 - (u128)d) / 10) {
            out->big = 1; /* >= 2^127 - 1 */
            out->mag = 0;
            break;
        }
        out->mag = out->mag * 10 + (u128)d;
    }
    for (long i = point < 0 ? 0 : point; (size_t)i < nd && !out->frac; i++) {
        const char *q = digits + i + (dot != NULL && digits + i >= dot);

        out->frac = *q != '0';
    }
}

/*
 * expr_dec_double_ok() - whether real literal x may stand as the double d: below 2^53
 * (where doubles are at most 1 apart, as any real), or exactly d.
 */
int
expr_dec_double_ok(const struct dec *x, double d)
{
    const u128 two53 = (u128)1 << 53;

    if (x->big)
        return 0;
    if (x->mag < two53)
        return 1;
    return !x->frac && (u128)__builtin_fabs(d) == x->mag;
}

/* expr_fmt_int() - v in decimal, into buf. */
char *
expr_fmt_int(char buf[48], expr_int v)
{
    char tmp[48];
    size_t n = 0, k = 0;
    u128 u = v < 0 ? -(u128)v : (u128)v;

    do {
        tmp[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    if (v < 0)
        buf[k++] = '-';
    while (n)
        buf[k++] = tmp[--n];
    buf[k] = '\0';
    return buf;
}

/*
 * expr_check_range() - for an "in" item lo..hi tested on node `nd`: -1 (error set)
 * when node nd is a field of known range (dport: 0..65535) and the item reaches
 * outside it, where no value of the field can be; else 0.
 */
int
expr_check_range(struct parser *ps, const struct node *nd, expr_int lo, expr_int hi)
{
    char a[48], b[48], c[48], what[200];

    if (nd->op != OP_SLOT || !nd->ranged || (lo >= nd->rlo && hi <= nd->rhi))
        return 0;
    if (nd->rhi == EXPR_INT128_MAX)
        snprintf(what, sizeof(what), "%.*s is never negative, so the item %s can never match",
                 (int)(nd->to - nd->from), ps->text + nd->from,
                 expr_fmt_int(a, lo < nd->rlo ? lo : hi));
    else
        snprintf(what, sizeof(what), "%.*s is %s to %s, so the item %s can never match",
                 (int)(nd->to - nd->from), ps->text + nd->from, expr_fmt_int(a, nd->rlo),
                 expr_fmt_int(b, nd->rhi), expr_fmt_int(c, lo < nd->rlo ? lo : hi));
    return expr_fail(ps, what);
}

/* Parses 'text' ('' is one quote) at ps->p into a new string (len in *len). */
char *
expr_parse_str_lit(struct parser *ps, size_t *len)
{
    const char *s = ps->p + 1;
    size_t n = 0;
    char *out;

    for (const char *q = s;; q++) {
        if (*q == '\0') {
            expr_fail(ps, "unterminated quoted string");
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
