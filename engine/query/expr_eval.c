/*
 * expr_eval.c - evaluation of a parsed tree over one record or group (exact signed 64-bit
 * arithmetic, overflow an error naming the sub-expression; an avg compared as its exact
 * fraction, expr_ratio.c), and the conjuncts the scanner tests on their own (expr_terms).
 */
#include <ctype.h>
#include <math.h>

#include "expr_tree.h"
#include "mem.h"

/* ---- evaluation ----------------------------------------------------------- */

struct ev {
    expr_get_fn *get;
    const void *ctx;
    int err_node; /* the first node whose arithmetic overflowed, or -1 */
};

static const struct expr_val null_val = {EXPR_NULL, 0, 0, NULL, 0, 0};

static struct expr_val
int_val(expr_int i)
{
    struct expr_val v = {EXPR_INT, i, 0, NULL, 0, 0};

    return v;
}

static struct expr_val
real_val(double d)
{
    struct expr_val v = {EXPR_REAL, 0, d, NULL, 0, 0};

    return v;
}

static struct expr_val
err_val(struct ev *ev, int i)
{
    struct expr_val v = {EXPR_ERR, 0, 0, NULL, 0, 0};

    if (ev->err_node < 0)
        ev->err_node = i;
    return v;
}

/* A number as a double: an avg (EXPR_RATIO) as the double nearest it. */
static double
as_real(struct expr_val v)
{
    if (v.kind == EXPR_RATIO)
        return expr_ratio_double(v.i, v.den);
    return v.kind == EXPR_INT ? (double)v.i : v.d;
}

static int
is_num_val(enum expr_kind k)
{
    return k == EXPR_INT || k == EXPR_REAL || k == EXPR_RATIO;
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

/*
 * The exact order of fraction f (EXPR_RATIO) and number o, the value of node `on`: a
 * real literal by its decimal value, a double by its value, never through a rounding of f.
 * -2 when o is NaN (NULL).
 */
static int
ratio_order(const struct expr *e, int on, struct expr_val f, struct expr_val o)
{
    const struct node *k = &e->nodes[on];

    switch (o.kind) {
    case EXPR_INT:
        return expr_order_ratio_int(f.i, f.den, o.i);
    case EXPR_RATIO:
        return expr_order_ratio(f.i, f.den, o.i, o.den);
    default:
        if (k->op == OP_CONST && k->dec.lit)
            return expr_order_ratio_dec(f.i, f.den, &k->dec, e->text);
        return o.d != o.d ? -2 : expr_order_ratio_real(f.i, f.den, o.d);
    }
}

static struct expr_val
compare(const struct expr *e, const struct node *nd, struct expr_val l, struct expr_val r)
{
    int c;

    if (l.kind == EXPR_NULL || r.kind == EXPR_NULL)
        return null_val;
    if (l.kind == EXPR_INT && r.kind == EXPR_INT) {
        c = l.i < r.i ? -1 : l.i > r.i;
    } else if (l.kind == EXPR_RATIO && is_num_val(r.kind)) {
        if ((c = ratio_order(e, nd->r, l, r)) == -2)
            return null_val;
    } else if (r.kind == EXPR_RATIO && is_num_val(l.kind)) {
        if ((c = ratio_order(e, nd->l, r, l)) == -2)
            return null_val;
        c = -c;
    } else if (l.kind == EXPR_ADDR && r.kind == EXPR_ADDR) {
        c = memcmp(l.a + 1, r.a + 1, 16); /* v4 and v4-mapped are one address */
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
    if (!is_num_val(l.kind) || !is_num_val(r.kind))
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
    case EXPR_RATIO:
        return v.i != 0;
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
        return expr_rset_has_addr(nd->set, v.a + 1);
    case EXPR_INT:
        return expr_rset_has(nd->set, expr_int_key(v.i));
    case EXPR_STR:
        return expr_rset_has_str(nd->set, v.a, v.len, nd->icase);
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
        if (v.kind == EXPR_RATIO) { /* exact: |i| < 2^127 */
            v.i = -v.i;
            return v;
        }
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
        return compare(e, nd, l, r);
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

                hit = expr_rset_has_str(nd->set, p, len, 1);
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

/*
 * Whether node i is "X in S" of an address slot X (one side), not negated
 * unless may_negate; sets *slot.
 */
static int
is_addr_in(const struct expr *e, int i, int may_negate, int *slot)
{
    const struct node *nd = &e->nodes[i];

    if (nd->op != OP_IN || (nd->negate && !may_negate))
        return 0;
    nd = &e->nodes[nd->l];
    if (nd->op != OP_SLOT || nd->slot2 >= 0 || nd->kind != EXPR_ADDR)
        return 0;
    *slot = nd->slot;
    return 1;
}

/*
 * A test of address sets: "[not] X in S", "[not] (X in S or Y in S)" (what
 * "addr in S" expands to), "not" over them. An address "in" is never NULL,
 * so "not" just flips the answer. Returns whether node i is one; sets t.
 */
static int
classify_addr_in(const struct expr *e, int i, struct expr_term *t)
{
    const struct node *nd = &e->nodes[i];
    int neg = 0, a, b;

    while (nd->op == OP_NOT) {
        neg = !neg;
        i = nd->l;
        nd = &e->nodes[i];
    }
    if (is_addr_in(e, i, 1, &a)) {
        t->slot = a;
        t->slot2 = -1;
        t->in_node = i;
        t->in_neg = neg ^ nd->negate;
        return 1;
    }
    if (nd->op == OP_OR && is_addr_in(e, nd->l, 0, &a) && is_addr_in(e, nd->r, 0, &b) &&
        e->nodes[nd->l].set == e->nodes[nd->r].set) {
        t->slot = a;
        t->slot2 = b;
        t->in_node = nd->l;
        t->in_neg = neg;
        return 1;
    }
    return 0;
}

static void
classify(const struct expr *e, int i, struct expr_term *t)
{
    const struct node *nd = &e->nodes[i];

    memset(t, 0, sizeof(*t));
    t->kind = EXPR_TERM_OTHER;
    t->node = i;
    if (classify_addr_in(e, i, t)) {
        t->kind = EXPR_TERM_IN;
        t->in_kind = EXPR_ADDR;
    } else if (nd->op == OP_IN && e->nodes[nd->l].op == OP_SLOT && e->nodes[nd->l].slot2 < 0 &&
               e->nodes[nd->l].kind == EXPR_INT) {
        t->kind = EXPR_TERM_IN;
        t->slot = e->nodes[nd->l].slot;
        t->slot2 = -1;
        t->in_kind = EXPR_INT;
        t->in_node = i;
        t->in_neg = nd->negate;
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
expr_term_in(const struct expr *e, const struct expr_term *t, const uint8_t a[16],
             const uint8_t b[16])
{
    const struct rset *set = e->nodes[t->in_node].set;
    int hit = expr_rset_has_addr(set, a) || (b != NULL && expr_rset_has_addr(set, b));

    return hit ^ t->in_neg;
}

int
expr_term_in_pair(const struct expr *e, const struct expr_term *t, const uint8_t a[16],
                  const uint8_t b[16], int v4)
{
    const struct rset *set = e->nodes[t->in_node].set;
    int hit;

    if (v4)
        hit = expr_rset_has4(set, expr_addr_v4(a)) || expr_rset_has4(set, expr_addr_v4(b));
    else
        hit = expr_rset_has_addr(set, a) || expr_rset_has_addr(set, b);
    return hit ^ t->in_neg;
}

const uint64_t *
expr_term_v4_filter(const struct expr *e, const struct expr_term *t)
{
    return e->nodes[t->in_node].set->bm4;
}

int
expr_term_in_v4(const struct expr *e, const struct expr_term *t, uint32_t *lo, uint32_t *hi)
{
    const struct rset *set = e->nodes[t->in_node].set;
    const u128 v4 = (u128)0xffff << 32; /* ::ffff:0.0.0.0 */

    if (set == NULL || set->n != 1 || set->n4 != 1 || set->h4 != NULL || set->h4zero ||
        set->nstr != 0 || set->lo[0] < v4 || set->hi[0] > (v4 | 0xffffffffu))
        return 0;
    *lo = set->lo4[0];
    *hi = set->hi4[0];
    return *lo == (uint32_t)set->lo[0] && *hi == (uint32_t)set->hi[0];
}

int
expr_term_in_int(const struct expr *e, const struct expr_term *t, expr_int v)
{
    int hit = expr_rset_has(e->nodes[t->in_node].set, expr_int_key(v));

    return hit ^ t->in_neg;
}
