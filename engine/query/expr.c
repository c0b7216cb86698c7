/*
 * expr.c - recursive-descent parser and tree evaluator; see expr.h.
 *
 * Nodes live in one array (children by index), so a parsed expression is a
 * single allocation plus its CIDR lists, and evaluation is a short recursion.
 */
#include "expr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "mem.h"

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

struct cidr {
    uint8_t family; /* 4 or 6 */
    uint8_t a[16];  /* network, IPv4 v4-mapped */
    unsigned bits;  /* prefix length counted on the 128-bit form */
};

struct node {
    enum op op;
    int l, r;            /* children, -1 when absent */
    int slot;            /* OP_SLOT */
    int negate;          /* OP_IN: "not in" */
    struct expr_val val; /* OP_CONST */
    struct cidr *cidrs;  /* OP_IN */
    size_t ncidrs;
};

struct expr {
    struct node *nodes;
    size_t n, cap;
    int root;
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

static int fail(struct parser *ps, const char *what);
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

    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 16;
        e->nodes = mem_realloc(e->nodes, e->cap * sizeof(*e->nodes));
    }
    memset(&e->nodes[e->n], 0, sizeof(e->nodes[0]));
    e->nodes[e->n].op = op;
    e->nodes[e->n].l = l;
    e->nodes[e->n].r = r;
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

static int
parse_cidr(struct parser *ps, struct cidr *c)
{
    char buf[64];
    size_t len = 0;
    const char *slash;
    char *end = NULL;
    long bits;

    skip_ws(ps);
    while (ps->p[len] && (isxdigit((unsigned char)ps->p[len]) || ps->p[len] == '.' ||
                          ps->p[len] == ':' || ps->p[len] == '/'))
        len++;
    if (len == 0 || len >= sizeof(buf))
        return fail(ps, "expected an address or CIDR block such as 192.168.0.0/16");
    memcpy(buf, ps->p, len);
    buf[len] = '\0';
    slash = strchr(buf, '/');
    if (slash)
        buf[slash - buf] = '\0';
    memset(c, 0, sizeof(*c));
    if (inet_pton(AF_INET, buf, c->a + 12) == 1) {
        c->family = 4;
        c->a[10] = c->a[11] = 0xff;
        bits = 32;
    } else if (inet_pton(AF_INET6, buf, c->a) == 1) {
        c->family = 6;
        bits = 128;
    } else {
        return fail(ps, "not an IPv4 or IPv6 address");
    }
    if (slash) {
        long max = bits;

        bits = strtol(slash + 1, &end, 10);
        if (end == slash + 1 || *end != '\0' || bits < 0 || bits > max)
            return fail(ps, "bad CIDR prefix length");
    }
    c->bits = (unsigned)(c->family == 4 ? bits + 96 : bits);
    /* Clear host bits so matching is a plain prefix compare. */
    for (unsigned i = 0; i < 16; i++) {
        unsigned keep = c->bits > i * 8 ? c->bits - i * 8 : 0;

        if (keep < 8)
            c->a[i] &= (uint8_t)(0xff00u >> keep);
    }
    ps->p += len;
    return 0;
}

static int
parse_in(struct parser *ps, int left, int negate)
{
    int n = add_node(ps, OP_IN, left, -1);
    struct node *nd;
    int paren = accept_tok(ps, "(");
    size_t cap = 4, count = 0;
    struct cidr *list = mem_alloc(cap * sizeof(*list));

    do {
        if (count == cap) {
            cap *= 2;
            list = mem_realloc(list, cap * sizeof(*list));
        }
        if (parse_cidr(ps, &list[count]) < 0) {
            mem_free(list);
            return -1;
        }
        count++;
    } while (paren && accept_tok(ps, ","));
    if (paren && !accept_tok(ps, ")")) {
        mem_free(list);
        return fail(ps, "expected ')' after the CIDR list");
    }
    nd = &ps->e->nodes[n];
    nd->cidrs = list;
    nd->ncidrs = count;
    nd->negate = negate;
    return n;
}

static int
parse_primary(struct parser *ps)
{
    const char *start;
    int n;

    skip_ws(ps);
    if (accept_tok(ps, "(")) {
        if (++ps->depth > MAX_DEPTH)
            return fail(ps, "expression nested too deeply");
        n = parse_or(ps);
        ps->depth--;
        if (n < 0)
            return -1;
        if (!accept_tok(ps, ")"))
            return fail(ps, "expected ')'");
        return n;
    }
    start = ps->p;
    if (isdigit((unsigned char)*ps->p)) {
        char *end = NULL;
        int real = 0;
        size_t len = 0;

        while (isdigit((unsigned char)ps->p[len]))
            len++;
        if (ps->p[len] == '.' || ps->p[len] == 'e' || ps->p[len] == 'E')
            real = 1;
        n = add_node(ps, OP_CONST, -1, -1);
        if (real) {
            double d = strtod(start, &end);

            if (end == start || !isfinite(d))
                return fail(ps, "bad number");
            ps->e->nodes[n].val.kind = EXPR_REAL;
            ps->e->nodes[n].val.d = d;
        } else {
            unsigned long long u = strtoull(start, &end, 10);

            ps->e->nodes[n].val.kind = EXPR_INT;
            ps->e->nodes[n].val.u = u;
        }
        if (is_name_char(*end))
            return fail(ps, "bad number");
        ps->p = end;
        return n;
    }
    if (is_name_char(*ps->p)) {
        const char *name;
        size_t len = 0, flen = 0;
        const char *func = NULL;
        int slot;

        while (is_name_char(ps->p[len]))
            len++;
        name = ps->p;
        ps->p += len;
        if (accept_tok(ps, "(")) {
            func = name;
            flen = len;
            skip_ws(ps);
            name = ps->p;
            len = 0;
            if (*ps->p == '\'') {
                /* A quoted argument reaches the resolver with its quotes. */
                const char *close = strchr(ps->p + 1, '\'');

                if (close == NULL)
                    return fail(ps, "unterminated quoted string");
                len = (size_t)(close - ps->p) + 1;
            } else {
                while (is_name_char(ps->p[len]))
                    len++;
            }
            ps->p += len;
            if (!accept_tok(ps, ")"))
                return fail(ps, "expected ')' after the function's argument");
        }
        slot = ps->resolve(ps->ctx, func, flen, name, len, ps->err);
        if (slot < 0)
            return -1;
        n = add_node(ps, OP_SLOT, -1, -1);
        ps->e->nodes[n].slot = slot;
        return n;
    }
    return fail(ps, *ps->p ? "unexpected character" : "unexpected end");
}

static int
parse_unary(struct parser *ps)
{
    if (accept_tok(ps, "-")) {
        int l;

        if (++ps->depth > MAX_DEPTH)
            return fail(ps, "expression nested too deeply");
        l = parse_unary(ps);
        ps->depth--;
        return l < 0 ? -1 : add_node(ps, OP_NEG, l, -1);
    }
    return parse_primary(ps);
}

static int
parse_prod(struct parser *ps)
{
    int l = parse_unary(ps);

    while (l >= 0) {
        enum op op;
        int r;

        if (accept_tok(ps, "*"))
            op = OP_MUL;
        else if (accept_tok(ps, "/"))
            op = OP_DIV;
        else if (accept_tok(ps, "%"))
            op = OP_MOD;
        else
            break;
        r = parse_unary(ps);
        l = r < 0 ? -1 : add_node(ps, op, l, r);
    }
    return l;
}

static int
parse_sum(struct parser *ps)
{
    int l = parse_prod(ps);

    while (l >= 0) {
        enum op op;
        int r;

        if (accept_tok(ps, "+"))
            op = OP_ADD;
        else if (accept_tok(ps, "-"))
            op = OP_SUB;
        else
            break;
        r = parse_prod(ps);
        l = r < 0 ? -1 : add_node(ps, op, l, r);
    }
    return l;
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
    if (accept_kw(ps, "in"))
        return parse_in(ps, l, 0);
    {
        const char *save = ps->p;

        if (accept_kw(ps, "not")) {
            if (accept_kw(ps, "in"))
                return parse_in(ps, l, 1);
            ps->p = save;
        }
    }
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        if (accept_tok(ps, ops[i].tok)) {
            int r = parse_sum(ps);

            return r < 0 ? -1 : add_node(ps, ops[i].op, l, r);
        }
    }
    return l;
}

static int
parse_not(struct parser *ps)
{
    if (accept_kw(ps, "not")) {
        int l;

        if (++ps->depth > MAX_DEPTH)
            return fail(ps, "expression nested too deeply");
        l = parse_not(ps);
        ps->depth--;
        return l < 0 ? -1 : add_node(ps, OP_NOT, l, -1);
    }
    return parse_cmp(ps);
}

static int
parse_and(struct parser *ps)
{
    int l = parse_not(ps);

    while (l >= 0 && accept_kw(ps, "and")) {
        int r = parse_not(ps);

        l = r < 0 ? -1 : add_node(ps, OP_AND, l, r);
    }
    return l;
}

static int
parse_or(struct parser *ps)
{
    int l = parse_and(ps);

    while (l >= 0 && accept_kw(ps, "or")) {
        int r = parse_and(ps);

        l = r < 0 ? -1 : add_node(ps, OP_OR, l, r);
    }
    return l;
}

struct expr *
expr_parse(const char *text, expr_resolve_fn *resolve, void *ctx, struct err *err)
{
    struct expr *e = mem_calloc(1, sizeof(*e));
    struct parser ps = {text, text, e, resolve, ctx, err, 0};

    e->root = parse_or(&ps);
    if (e->root >= 0) {
        skip_ws(&ps);
        if (*ps.p != '\0')
            e->root = fail(&ps, "unexpected text after the expression");
    }
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
    for (size_t i = 0; i < e->n; i++)
        mem_free(e->nodes[i].cidrs);
    mem_free(e->nodes);
    mem_free(e);
}

/* ---- evaluation ----------------------------------------------------------- */

static const struct expr_val null_val = {EXPR_NULL, 0, 0, NULL};

static struct expr_val
int_val(uint64_t u)
{
    struct expr_val v = {EXPR_INT, u, 0, NULL};

    return v;
}

static struct expr_val
real_val(double d)
{
    struct expr_val v = {EXPR_REAL, 0, d, NULL};

    return v;
}

static double
as_real(struct expr_val v)
{
    return v.kind == EXPR_INT ? (double)v.u : v.d;
}

/* Whether 16-byte address `a` lies in `c`. */
static int
cidr_match(const struct cidr *c, const uint8_t *a)
{
    unsigned full = c->bits / 8, rest = c->bits % 8;

    /* An IPv4 block matches IPv4 flows and v4-mapped IPv6 ones (SiLK's asv4). */
    if (memcmp(a, c->a, full) != 0)
        return 0;
    return rest == 0 || ((a[full] ^ c->a[full]) & (uint8_t)(0xff00u >> rest)) == 0;
}

static struct expr_val eval(const struct expr *e, int i, expr_get_fn *get, const void *ctx);

static struct expr_val
compare(enum op op, struct expr_val l, struct expr_val r)
{
    int c;

    if (l.kind == EXPR_NULL || r.kind == EXPR_NULL)
        return null_val;
    if (l.kind == EXPR_ADDR && r.kind == EXPR_ADDR) {
        c = memcmp(l.a, r.a, 17);
    } else if (l.kind == EXPR_INT && r.kind == EXPR_INT) {
        c = l.u < r.u ? -1 : l.u > r.u;
    } else if (l.kind != EXPR_ADDR && r.kind != EXPR_ADDR) {
        double a = as_real(l), b = as_real(r);

        c = a < b ? -1 : a > b;
    } else {
        return null_val;
    }
    switch (op) {
    case OP_EQ:
        return int_val(c == 0);
    case OP_NE:
        return int_val(c != 0);
    case OP_LT:
        return int_val(c < 0);
    case OP_LE:
        return int_val(c <= 0);
    case OP_GT:
        return int_val(c > 0);
    default:
        return int_val(c >= 0);
    }
}

static struct expr_val
arith(enum op op, struct expr_val l, struct expr_val r)
{
    if (l.kind == EXPR_NULL || r.kind == EXPR_NULL || l.kind == EXPR_ADDR || r.kind == EXPR_ADDR)
        return null_val;
    if (op == OP_DIV) {
        double b = as_real(r);

        return b == 0 ? null_val : real_val(as_real(l) / b);
    }
    if (l.kind == EXPR_INT && r.kind == EXPR_INT) {
        switch (op) {
        case OP_ADD:
            return int_val(l.u + r.u);
        case OP_SUB:
            return int_val(l.u - r.u);
        case OP_MUL:
            return int_val(l.u * r.u);
        default:
            return r.u == 0 ? null_val : int_val(l.u % r.u);
        }
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

/* -1 NULL, 0 false, 1 true */
static int
truth(struct expr_val v)
{
    if (v.kind == EXPR_NULL)
        return -1;
    if (v.kind == EXPR_INT)
        return v.u != 0;
    if (v.kind == EXPR_REAL)
        return v.d != 0;
    return 1;
}

static struct expr_val
truth_val(int t)
{
    return t < 0 ? null_val : int_val((uint64_t)t);
}

static struct expr_val
eval(const struct expr *e, int i, expr_get_fn *get, const void *ctx)
{
    const struct node *nd = &e->nodes[i];

    switch (nd->op) {
    case OP_CONST:
        return nd->val;
    case OP_SLOT:
        return get(ctx, nd->slot);
    case OP_NEG: {
        struct expr_val v = eval(e, nd->l, get, ctx);

        if (v.kind == EXPR_INT)
            return int_val(0 - v.u);
        return v.kind == EXPR_REAL ? real_val(-v.d) : null_val;
    }
    case OP_ADD:
    case OP_SUB:
    case OP_MUL:
    case OP_DIV:
    case OP_MOD:
        return arith(nd->op, eval(e, nd->l, get, ctx), eval(e, nd->r, get, ctx));
    case OP_EQ:
    case OP_NE:
    case OP_LT:
    case OP_LE:
    case OP_GT:
    case OP_GE:
        return compare(nd->op, eval(e, nd->l, get, ctx), eval(e, nd->r, get, ctx));
    case OP_AND: {
        int l = truth(eval(e, nd->l, get, ctx));

        if (l == 0)
            return int_val(0);
        int r = truth(eval(e, nd->r, get, ctx));

        return truth_val(r == 0 ? 0 : (l < 0 || r < 0) ? -1 : 1);
    }
    case OP_OR: {
        int l = truth(eval(e, nd->l, get, ctx));

        if (l == 1)
            return int_val(1);
        int r = truth(eval(e, nd->r, get, ctx));

        return truth_val(r == 1 ? 1 : (l < 0 || r < 0) ? -1 : 0);
    }
    case OP_NOT: {
        int t = truth(eval(e, nd->l, get, ctx));

        return truth_val(t < 0 ? -1 : !t);
    }
    case OP_IN: {
        struct expr_val v = eval(e, nd->l, get, ctx);
        int hit = 0;

        if (v.kind != EXPR_ADDR)
            return null_val;
        for (size_t k = 0; k < nd->ncidrs && !hit; k++)
            hit = cidr_match(&nd->cidrs[k], v.a + 1);
        return int_val((uint64_t)(nd->negate ? !hit : hit));
    }
    }
    return null_val;
}

int
expr_true(const struct expr *e, expr_get_fn *get, const void *ctx)
{
    return truth(eval(e, e->root, get, ctx)) == 1;
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

static void
classify(const struct expr *e, int i, struct expr_term *t)
{
    const struct node *nd = &e->nodes[i];

    memset(t, 0, sizeof(*t));
    t->kind = EXPR_TERM_OTHER;
    t->node = i;
    if (nd->op == OP_IN && e->nodes[nd->l].op == OP_SLOT) {
        t->kind = EXPR_TERM_IN;
        t->slot = e->nodes[nd->l].slot;
    } else if (is_cmp(nd->op)) {
        const struct node *l = &e->nodes[nd->l], *r = &e->nodes[nd->r];
        int swap = is_num_const(l) && !is_num_const(r);
        const struct node *side = swap ? r : l, *k = swap ? l : r;

        if (!is_num_const(k))
            return;
        t->cmp = cmp_of(nd->op, swap);
        t->c = k->val;
        if (side->op == OP_SLOT) {
            t->kind = EXPR_TERM_CMP;
            t->slot = side->slot;
        } else if (side->op == OP_DIV && e->nodes[side->l].op == OP_SLOT &&
                   e->nodes[side->r].op == OP_SLOT) {
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
expr_term_true(const struct expr *e, const struct expr_term *t, expr_get_fn *get, const void *ctx)
{
    return truth(eval(e, t->node, get, ctx)) == 1;
}

int
expr_term_in(const struct expr *e, const struct expr_term *t, const uint8_t a[16])
{
    const struct node *nd = &e->nodes[t->node];
    int hit = 0;

    for (size_t k = 0; k < nd->ncidrs && !hit; k++)
        hit = cidr_match(&nd->cidrs[k], a);
    return nd->negate ? !hit : hit;
}
