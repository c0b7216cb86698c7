/*
 * expr_parse.c - the recursive-descent parser and type checker above the literals:
 * primaries, arithmetic, comparisons ("either side" fields expanded into two),
 * not/and/or; expr_parse() and expr_destroy().
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>

#include "expr_tree.h"
#include "isotime.h"
#include "mem.h"

static int parse_or(struct parser *ps);

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
    while (expr_is_name_char(ps->p[len]))
        len++;
    ref.arg = ps->p;
    ref.len = len;
    ps->p += len;
    end = ps->p;
    if (expr_accept_tok(ps, "(")) {
        ref.func = ref.arg;
        ref.flen = ref.len;
        expr_skip_ws(ps);
        if (*ps->p == '\'') {
            str = expr_parse_str_lit(ps, &ref.len);
            if (str == NULL)
                return -1;
            ref.arg = str;
            ref.quoted = 1;
        } else {
            ref.arg = ps->p;
            len = 0;
            while (expr_is_name_char(ps->p[len]))
                len++;
            ref.len = len;
            ps->p += len;
        }
        if (!expr_accept_tok(ps, ")")) {
            mem_free(str);
            return expr_fail(ps, "expected ')' after the function's argument");
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
    n = expr_add_node(ps, OP_SLOT, -1, -1);
    if (n < 0)
        return -1;
    ps->e->nodes[n].slot = nm.slot;
    ps->e->nodes[n].slot2 = nm.slot2;
    ps->e->nodes[n].kind = nm.kind;
    ps->e->nodes[n].time_ms = nm.time_ms;
    ps->e->nodes[n].unit_ms = nm.time_ms;
    ps->e->nodes[n].icase = nm.icase;
    ps->e->nodes[n].suffix = nm.suffix;
    ps->e->nodes[n].dotted = nm.dotted;
    ps->e->nodes[n].name_at = nm.name_at;
    ps->e->nodes[n].ranged = nm.ranged && nm.kind == EXPR_INT;
    ps->e->nodes[n].rlo = nm.lo;
    ps->e->nodes[n].rhi = nm.hi;
    ps->e->nodes[n].ratio = nm.ratio && nm.kind == EXPR_REAL;
    ps->e->nodes[n].from = (uint32_t)(start - ps->text);
    ps->e->nodes[n].to = (uint32_t)(end - ps->text);
    return n;
}

static int
parse_primary(struct parser *ps)
{
    const char *start;
    int n;

    expr_skip_ws(ps);
    start = ps->p;
    if (expr_accept_tok(ps, "(")) {
        if (++ps->depth > MAX_DEPTH)
            return expr_fail(ps, "expression nested too deeply");
        n = parse_or(ps);
        ps->depth--;
        if (n < 0)
            return -1;
        if (!expr_accept_tok(ps, ")"))
            return expr_fail(ps, "expected ')'");
        ps->e->nodes[n].from = (uint32_t)(start - ps->text);
        ps->e->nodes[n].to = (uint32_t)(ps->p - ps->text);
        return n;
    }
    if (expr_looks_like_addr(ps->p)) {
        char buf[64];
        size_t len = expr_addr_run(ps->p, 0);
        struct node *nd;

        if (len >= sizeof(buf))
            return expr_fail(ps, "address too long");
        memcpy(buf, ps->p, len);
        buf[len] = '\0';
        n = expr_add_node(ps, OP_CONST, -1, -1);
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
            return expr_fail(ps, "not an IPv4 or IPv6 address");
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
        n = expr_add_node(ps, OP_CONST, -1, -1);
        if (n < 0)
            return -1;
        if ((ps->p[len] == '.' && ps->p[len + 1] != '.') || ps->p[len] == 'e' ||
            ps->p[len] == 'E') {
            char *end = NULL;
            double d = strtod(start, &end);

            if (end == start || !isfinite(d) || expr_is_name_char(*end))
                return expr_fail(ps, "bad number");
            if (d == 0) { /* 1e-400: a non-zero literal never silently becomes 0 */
                for (const char *q = start; q < end && *q != 'e' && *q != 'E'; q++)
                    if (*q >= '1' && *q <= '9')
                        return expr_fail(ps, "bad number (too small: it would be 0)");
            }
            nd = &ps->e->nodes[n];
            nd->kind = nd->val.kind = EXPR_REAL;
            nd->val.d = d;
            expr_dec_exact(start, end, &nd->dec);          /* compared exactly with integers */
            nd->dec.dfrom += (uint32_t)(start - ps->text); /* its digits' offsets in the text */
            if (nd->dec.ddot >= 0)
                nd->dec.ddot += (int32_t)(start - ps->text);
            ps->p = end;
        } else {
            expr_int v;

            if (expr_parse_int_lit(ps, &v) < 0)
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
        char *str = expr_parse_str_lit(ps, &len);
        struct node *nd;

        if (str == NULL)
            return -1;
        n = expr_add_node(ps, OP_CONST, -1, -1);
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
    if (expr_is_name_char(*ps->p) && *ps->p != '.')
        return parse_name(ps);
    return expr_fail(ps, *ps->p ? "unexpected character" : "unexpected end");
}

static int
parse_unary(struct parser *ps)
{
    const char *start;

    expr_skip_ws(ps);
    start = ps->p;
    if (*ps->p == '-' && isdigit((unsigned char)ps->p[1])) {
        /* A negative literal, so that -9223372036854775808 is one. */
        const char *q = ps->p + 1;
        int n;

        while (isdigit((unsigned char)*q))
            q++;
        if (*q != '.' && *q != 'e' && *q != 'E') {
            expr_int v;

            n = expr_add_node(ps, OP_CONST, -1, -1);
            if (n < 0 || expr_parse_int_lit(ps, &v) < 0)
                return -1;
            ps->e->nodes[n].val.kind = EXPR_INT;
            ps->e->nodes[n].val.i = v;
            ps->e->nodes[n].to = (uint32_t)(ps->p - ps->text);
            return n;
        }
    }
    if (expr_accept_tok(ps, "-")) {
        int l, n;

        if (++ps->depth > MAX_DEPTH)
            return expr_fail(ps, "expression nested too deeply");
        l = parse_unary(ps);
        ps->depth--;
        if (l < 0)
            return -1;
        if (!expr_is_num(ps->e->nodes[l].kind))
            return expr_type_fail(ps, "cannot be negated", l, -1);
        if (ps->e->nodes[l].op == OP_CONST && ps->e->nodes[l].dec.lit) {
            /* -2.5: still a literal, its exact value kept (compared exactly with integers) */
            struct node *k = &ps->e->nodes[l];

            k->val.d = -k->val.d;
            k->dec.neg = !k->dec.neg;
            k->from = (uint32_t)(start - ps->text);
            return l;
        }
        n = expr_add_node(ps, OP_NEG, l, -1);
        if (n < 0)
            return -1;
        ps->e->nodes[n].kind = ps->e->nodes[l].kind;
        ps->e->nodes[n].unit_ms = ps->e->nodes[l].unit_ms;
        ps->e->nodes[n].ratio = ps->e->nodes[l].ratio; /* -m: still exact */
        ps->e->nodes[n].from = (uint32_t)(start - ps->text);
        return n;
    }
    return parse_primary(ps);
}

static const char *
unit_name(int unit_ms)
{
    return unit_ms == 1 ? "milliseconds" : unit_ms == 1000 ? "seconds" : "another unit";
}

/*
 * Times and durations carry a unit (start, end: milliseconds; hour: seconds):
 * adding, subtracting or comparing two in different units is refused, naming
 * both; a product or quotient is a plain number (hour * 1000 is milliseconds).
 */
static int
units_agree(struct parser *ps, int l, int r)
{
    const struct node *a = &ps->e->nodes[l], *b = &ps->e->nodes[r];

    if (a->unit_ms == 0 || b->unit_ms == 0 || a->unit_ms == b->unit_ms)
        return 0;
    return ERR_SET(ps->err, ERR_USAGE,
                   "in expression \"%s\": \"%.*s\" is in %s and \"%.*s\" in %s: convert one "
                   "(hour * 1000 is in milliseconds, start / 1000 in seconds)",
                   ps->text, (int)(a->to - a->from), ps->text + a->from, unit_name(a->unit_ms),
                   (int)(b->to - b->from), ps->text + b->from, unit_name(b->unit_ms)),
           -1;
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
    if (!expr_is_num(a->kind) || !expr_is_num(b->kind))
        return expr_type_fail(ps,
                              op == OP_ADD   ? "add"
                              : op == OP_SUB ? "subtract"
                              : op == OP_MUL ? "multiply"
                                             : "divide",
                              l, r);
    if ((op == OP_ADD || op == OP_SUB) && units_agree(ps, l, r) < 0)
        return -1;
    n = expr_add_node(ps, op, l, r);
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
    if (op == OP_ADD || op == OP_SUB)
        ps->e->nodes[n].unit_ms = a->unit_ms ? a->unit_ms : b->unit_ms;
    return n;
}

static int
parse_prod(struct parser *ps)
{
    int l = parse_unary(ps);

    while (l >= 0) {
        enum op op;

        if (expr_accept_tok(ps, "*"))
            op = OP_MUL;
        else if (expr_accept_tok(ps, "/"))
            op = OP_DIV;
        else if (expr_accept_tok(ps, "%"))
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

        if (expr_accept_tok(ps, "+"))
            op = OP_ADD;
        else if (expr_accept_tok(ps, "-"))
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
    n = expr_add_node(ps, OP_CONST, -1, -1);
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
    o = b < 0 ? -1 : expr_add_node(ps, OP_OR, a, b);
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
            return expr_fail(ps, isotime_has_offset(k->str, k->val.len)
                                     ? "a time with a UTC offset: times are UTC (write the time "
                                       "in UTC; Z, +00:00 and -00:00 are accepted)"
                                     : "not an ISO 8601 UTC time (2023-09-04, 2023-09-04T01:30, "
                                       "2023-09-04T01:30:15Z)"),
                   -2;
        if (ms % o->time_ms != 0)
            return expr_fail(ps, "time more precise than the field (whole seconds)"), -2;
        mem_free(k->str);
        k->str = NULL;
        k->kind = k->val.kind = EXPR_INT;
        k->val.i = ms / o->time_ms;
        k->val.a = NULL;
        k->time_ms = o->time_ms;
        k->unit_ms = o->unit_ms;
        return 0;
    }
    return -1;
}

/*
 * A string constant s compared with a DNS name (other: dns.name, dns.domain,
 * case-insensitive, names exported with their trailing dot) is a name too:
 * a missing trailing dot is added, so that 'example.com' and 'example.com.'
 * are the same name (as in dns.suffix lists). The empty string stays empty.
 */
static void
name_dot(struct parser *ps, int s, int other)
{
    struct node *k = &ps->e->nodes[s];
    char *d;

    if (k->op != OP_CONST || k->kind != EXPR_STR || ps->e->nodes[other].kind != EXPR_STR ||
        !ps->e->nodes[other].dotted || ps->e->nodes[other].op != OP_SLOT || k->val.len == 0 ||
        k->str[k->val.len - 1] == '.')
        return;
    d = mem_alloc(k->val.len + 2);
    memcpy(d, k->str, k->val.len);
    d[k->val.len++] = '.';
    d[k->val.len] = '\0';
    mem_free(k->str);
    k->str = d;
    k->val.a = (const uint8_t *)d;
}

/* The comparison `op` with its sides swapped (a < b is b > a). */
static enum op
mirror(enum op op)
{
    switch (op) {
    case OP_LT:
        return OP_GT;
    case OP_LE:
        return OP_GE;
    case OP_GT:
        return OP_LT;
    case OP_GE:
        return OP_LE;
    default:
        return op;
    }
}

/* "text of node i" as (int) length and pointer, for "%.*s". */
#define SPAN(ps, i) \
    (int)((ps)->e->nodes[i].to - (ps)->e->nodes[i].from), (ps)->text + (ps)->e->nodes[i].from

/*
 * A real literal k compared with an integer (node other, k on the right when
 * right): the comparison made exact. An integer x is below 2.5 exactly when
 * x <= 2, above it when x >= 3: k becomes that integer and *op <= or >=; a whole
 * literal (18446744073709551615.0) becomes that integer. "=" / "!=" with a
 * fraction (never / always true) and a literal beyond the integers' range are
 * refused. Returns 0 or -1 (error set).
 */
static int
dec_to_int(struct parser *ps, enum op *op, int k, int other, int right)
{
    struct node *nd = &ps->e->nodes[k];
    const struct dec *x = &nd->dec;
    expr_int mag, floor_v, ceil_v, v;
    enum op o = right ? *op : mirror(*op); /* as "other <o> k" */

    if (x->big)
        return ERR_SET(ps->err, ERR_USAGE,
                       "in expression \"%s\": %.*s is beyond the range of integers (exact to "
                       "2^127 - 1), so comparing %.*s with it would not be exact",
                       ps->text, SPAN(ps, k), SPAN(ps, other)),
               -1;
    mag = (expr_int)x->mag;
    floor_v = x->neg ? -mag - (x->frac ? 1 : 0) : mag;
    ceil_v = x->neg ? -mag : mag + (x->frac ? 1 : 0);
    if (!x->frac) {
        v = floor_v;
    } else if (o == OP_EQ || o == OP_NE) {
        uint32_t from = ps->e->nodes[right ? other : k].from,
                 to = ps->e->nodes[right ? k : other].to;

        return ERR_SET(ps->err, ERR_USAGE,
                       "in expression \"%s\": %.*s is an integer and %.*s has a fraction, so "
                       "\"%.*s\" is %s true",
                       ps->text, SPAN(ps, other), SPAN(ps, k), (int)(to - from), ps->text + from,
                       o == OP_EQ ? "never" : "always"),
               -1;
    } else if (o == OP_LT || o == OP_LE) {
        v = floor_v; /* x < 2.5 and x <= 2.5: x <= 2 */
        o = OP_LE;
    } else {
        v = ceil_v; /* x > 2.5 and x >= 2.5: x >= 3 */
        o = OP_GE;
    }
    *op = right ? o : mirror(o);
    nd->kind = nd->val.kind = EXPR_INT;
    nd->val.i = v;
    nd->val.d = 0;
    return 0;
}

/*
 * A field of known range (dport: 0..65535) compared with an integer literal
 * (after dec_to_int): refused when no value of the field makes it true
 * (dport = 70000, sport > 65535, bytes < 0) or when the literal lies outside
 * the range (dport != 70000, dport < 70000, bytes > -0.5: always true, surely a
 * mistake).
 * Returns 0 or -1 (error set).
 */
static int
range_check(struct parser *ps, enum op op, int l, int r)
{
    const struct node *a = &ps->e->nodes[l], *b = &ps->e->nodes[r];
    const struct node *s, *k;
    enum op o;
    expr_int c, cf, cc, lo, hi;
    int never;
    char x[48], y[48];

    if (a->op == OP_SLOT && a->ranged && b->op == OP_CONST && b->val.kind == EXPR_INT)
        s = a, k = b, o = op;
    else if (b->op == OP_SLOT && b->ranged && a->op == OP_CONST && a->val.kind == EXPR_INT)
        s = b, k = a, o = mirror(op);
    else
        return 0;
    c = k->val.i, lo = s->rlo, hi = s->rhi;
    never = (o == OP_EQ && (c < lo || c > hi)) || (o == OP_LT && c <= lo) ||
            (o == OP_LE && c < lo) || (o == OP_GT && c >= hi) || (o == OP_GE && c > hi);
    cf = cc = c;
    if (k->dec.lit && k->dec.frac) { /* made exact by dec_to_int: -0.5 lies below 0 */
        expr_int mag = (expr_int)k->dec.mag;

        cf = k->dec.neg ? -mag - 1 : mag;
        cc = k->dec.neg ? -mag : mag + 1;
    }
    if (!never && cf >= lo && cc <= hi)
        return 0;
    if (hi == EXPR_INT128_MAX)
        return ERR_SET(ps->err, ERR_USAGE,
                       "in expression \"%s\": \"%.*s\" is %s true: %.*s is never negative",
                       ps->text, (int)(b->to - a->from), ps->text + a->from,
                       never ? "never" : "always", (int)(s->to - s->from), ps->text + s->from),
               -1;
    return ERR_SET(ps->err, ERR_USAGE,
                   "in expression \"%s\": \"%.*s\" is %s true: %.*s is %s to %s", ps->text,
                   (int)(b->to - a->from), ps->text + a->from, never ? "never" : "always",
                   (int)(s->to - s->from), ps->text + s->from, expr_fmt_int(x, lo),
                   expr_fmt_int(y, hi)),
           -1;
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
    name_dot(ps, l, r);
    name_dot(ps, r, l);
    a = &ps->e->nodes[l];
    b = &ps->e->nodes[r];
    if (a->name_at || b->name_at)
        return expr_type_fail(ps, "stands for many names: test it with in", a->name_at ? l : r, -1);
    if (units_agree(ps, l, r) < 0)
        return -1;
    ok = (expr_is_num(a->kind) && expr_is_num(b->kind)) ||
         (a->kind == b->kind && a->kind != EXPR_NULL);
    if (!ok)
        return expr_type_fail(ps, "compare", l, r);
    /* a real literal against an integer: exact (never through a double) */
    if (b->op == OP_CONST && b->dec.lit && b->kind == EXPR_REAL && a->kind == EXPR_INT &&
        dec_to_int(ps, &op, r, l, 1) < 0)
        return -1;
    else if (a->op == OP_CONST && a->dec.lit && a->kind == EXPR_REAL &&
             ps->e->nodes[r].kind == EXPR_INT && dec_to_int(ps, &op, l, r, 0) < 0)
        return -1;
    if (range_check(ps, op, l, r) < 0)
        return -1;
    /* a real literal against an avg alone (m, -m): by its exact value, not as a double */
    if (ps->e->nodes[l].ratio && ps->e->nodes[r].op == OP_CONST && ps->e->nodes[r].dec.lit)
        ps->e->nodes[r].dec.vs_ratio = 1;
    if (ps->e->nodes[r].ratio && ps->e->nodes[l].op == OP_CONST && ps->e->nodes[l].dec.lit)
        ps->e->nodes[l].dec.vs_ratio = 1;
    n = expr_add_node(ps, op, l, r);
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
    if (expr_accept_kw(ps, "in")) {
        int n = expr_parse_in(ps, l, 0);

        return n < 0 ? -1 : expand_either(ps, n);
    }
    {
        const char *save = ps->p;

        if (expr_accept_kw(ps, "not")) {
            if (expr_accept_kw(ps, "in")) {
                int n = expr_parse_in(ps, l, 1);

                return n < 0 ? -1 : expand_either(ps, n);
            }
            ps->p = save;
        }
    }
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        if (expr_accept_tok(ps, ops[i].tok))
            return cmp_node(ps, ops[i].op, l, parse_sum(ps));
    if (has_either(ps->e, l))
        return expr_type_fail(
            ps, "is an either-side field: it can only be compared or tested with in", l, -1);
    if (ps->e->nodes[l].name_at)
        return expr_type_fail(ps, "stands for many names: test it with in", l, -1);
    return l;
}

/* A condition operand of and/or/not must be a number (a comparison is 0 or 1). */
static int
need_cond(struct parser *ps, int i)
{
    if (i < 0)
        return -1;
    if (!expr_is_num(ps->e->nodes[i].kind))
        return expr_type_fail(ps, "is not a condition (compare it, e.g. with = or in)", i, -1);
    return i;
}

static int
parse_not(struct parser *ps)
{
    const char *start;

    expr_skip_ws(ps);
    start = ps->p;
    if (expr_accept_kw(ps, "not")) {
        int l, n;

        if (++ps->depth > MAX_DEPTH)
            return expr_fail(ps, "expression nested too deeply");
        l = need_cond(ps, parse_not(ps));
        ps->depth--;
        n = l < 0 ? -1 : expr_add_node(ps, OP_NOT, l, -1);
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

    while (l >= 0 && expr_accept_kw(ps, "and")) {
        int r;

        if (need_cond(ps, l) < 0)
            return -1;
        r = need_cond(ps, parse_not(ps));
        l = r < 0 ? -1 : expr_add_node(ps, OP_AND, l, r);
    }
    return l;
}

static int
parse_or(struct parser *ps)
{
    int l = parse_and(ps);

    while (l >= 0 && expr_accept_kw(ps, "or")) {
        int r;

        if (need_cond(ps, l) < 0)
            return -1;
        r = need_cond(ps, parse_and(ps));
        l = r < 0 ? -1 : expr_add_node(ps, OP_OR, l, r);
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
        expr_skip_ws(&ps);
        if (*ps.p != '\0')
            e->root = expr_fail(&ps, "unexpected text after the expression");
    }
    if (e->root >= 0)
        e->root = need_cond(&ps, e->root);
    for (size_t i = 0; e->root >= 0 && i < e->n; i++) {
        const struct node *nd = &e->nodes[i];

        /* a real literal left a real (arithmetic, bytes / packets): a double, exact past 2^53 */
        if (nd->op == OP_CONST && nd->dec.lit && nd->kind == EXPR_REAL && !nd->dec.vs_ratio &&
            !expr_dec_double_ok(&nd->dec, nd->val.d)) {
            ERR_SET(err, ERR_USAGE,
                    "in expression \"%s\": the real number %.*s would be rounded (here it is "
                    "a double, and from 2^53 = 9007199254740992 on a double holds only some "
                    "integers): compare it with an integer (a field, a sum), which is exact",
                    e->text, (int)(nd->to - nd->from), e->text + nd->from);
            e->root = -1;
        }
    }
    if (e->root < 0) {
        expr_destroy(e);
        return NULL;
    }
    return e;
}

int
expr_reads_file(const struct expr *e)
{
    return e != NULL && e->files > 0;
}

int
expr_reads_slot(const struct expr *e, int slot)
{
    for (size_t i = 0; e != NULL && i < e->n; i++)
        if (e->nodes[i].op == OP_SLOT && (e->nodes[i].slot == slot || e->nodes[i].slot2 == slot))
            return 1;
    return 0;
}

const char *
expr_inputs(const struct expr *e)
{
    return e != NULL && e->inputs != NULL ? e->inputs : "";
}

void
expr_destroy(struct expr *e)
{
    if (e == NULL)
        return;
    for (size_t i = 0; i < e->n; i++) {
        if (e->nodes[i].owns)
            expr_rset_free(e->nodes[i].set);
        mem_free(e->nodes[i].str);
    }
    mem_free(e->nodes);
    mem_free(e->text);
    mem_free(e->inputs);
    mem_free(e);
}
