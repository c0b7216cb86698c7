/*
 * expr.h - the small expression language of --where and --having.
 *
 *   expr  := or ;  or := and ("or" and)* ;  and := not ("and" not)*
 *   not   := "not" not | cmp
 *   cmp   := sum [("=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">=") sum]
 *          | sum ["not"] "in" "(" cidr ("," cidr)* ")"  |  sum ["not"] "in" cidr
 *   sum   := prod (("+" | "-") prod)* ;  prod := unary (("*" | "/" | "%") unary)*
 *   unary := "-" unary | "(" expr ")" | number | name | name "(" arg ")"
 *   arg   := name | number | "'" text without quotes "'"
 *
 * Names (fields, output columns, and functions of one column such as
 * size(dnsName)) are resolved by the caller at parse time into slots; at
 * evaluation the caller's getter returns the slot's value. Arithmetic is
 * unsigned 64-bit on integers, except "/" which, as in Spark SQL, always
 * divides in floating point; x / 0 is NULL. Comparisons with NULL are NULL,
 * and a filter keeps a record only when its expression is true (SQL's
 * three-valued logic). Keywords are case-insensitive.
 * Threads: a parsed expr is read-only during evaluation, so one expr may be
 * evaluated by many threads at once.
 */
#ifndef ENGINE_EXPR_H
#define ENGINE_EXPR_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum expr_kind {
    EXPR_NULL,
    EXPR_INT,  /* u */
    EXPR_REAL, /* d */
    EXPR_ADDR  /* a: 17 bytes, family then 16 address bytes */
};

struct expr_val {
    enum expr_kind kind;
    uint64_t u;
    double d;
    const uint8_t *a;
};

/*
 * Resolves `name` (len bytes), applied to function `func` (flen bytes) when
 * flen > 0, to a slot >= 0; or returns -1 with `err` set (unknown name). A
 * quoted function argument is passed with its quotes ('text').
 */
typedef int expr_resolve_fn(void *ctx, const char *func, size_t flen, const char *name, size_t len,
                            struct err *err);
/* Returns the current value of `slot`. */
typedef struct expr_val expr_get_fn(const void *ctx, int slot);

struct expr; /* opaque */

/* expr_parse() - parses `text`; NULL with ERR_USAGE (position and reason) on error. */
struct expr *expr_parse(const char *text, expr_resolve_fn *resolve, void *ctx, struct err *err);

/* expr_destroy() - frees `e`; NULL is a no-op. */
void expr_destroy(struct expr *e);

/* expr_true() - 1 if `e` evaluates to true (non-zero, not NULL) with getter `get`. */
int expr_true(const struct expr *e, expr_get_fn *get, const void *ctx);

/*
 * Conjuncts, for callers that compile a filter into direct tests.
 *
 * A filter keeps a row when its expression is true, and "a and b" is true
 * exactly when both sides are true (NULL or false on either side is not), so
 * the root's chain of "and" splits into conjuncts that can be tested one at a
 * time, in any order, stopping at the first that is not true. expr_terms()
 * recognises the shapes a caller can test without the tree:
 *   EXPR_TERM_CMP    slot <cmp> constant      (a constant on the left is moved right)
 *   EXPR_TERM_RATIO  slot / slot2 <cmp> constant
 *   EXPR_TERM_IN     slot [not] in CIDR list  (expr_term_in() matches an address)
 *   EXPR_TERM_OTHER  anything else            (expr_term_true() evaluates it)
 * What a direct test must do to agree with the tree: for integer slots and an
 * EXPR_INT constant compare as unsigned 64-bit (expr_cmp_u64); with an
 * EXPR_REAL constant, or for a ratio, compare as doubles (expr_cmp_f64), a
 * ratio whose divisor is 0 being NULL (not true). A slot whose value is not
 * an integer (an address) makes CMP and RATIO NULL, and IN wants an address:
 * a caller that cannot tell a slot's kind uses expr_term_true().
 */
enum expr_cmp {
    EXPR_CMP_EQ,
    EXPR_CMP_NE,
    EXPR_CMP_LT,
    EXPR_CMP_LE,
    EXPR_CMP_GT,
    EXPR_CMP_GE
};

enum expr_term_kind {
    EXPR_TERM_CMP,
    EXPR_TERM_RATIO,
    EXPR_TERM_IN,
    EXPR_TERM_OTHER
};

struct expr_term {
    enum expr_term_kind kind;
    enum expr_cmp cmp; /* CMP, RATIO */
    int slot;          /* CMP, IN: the slot; RATIO: the dividend */
    int slot2;         /* RATIO: the divisor */
    struct expr_val c; /* CMP, RATIO: the constant, EXPR_INT or EXPR_REAL */
    int node;          /* private: the conjunct's subtree */
};

/*
 * expr_terms() - the conjuncts of `e`'s top-level "and" chain, left to right.
 * Returns how many there are; only the first `max` are written to out[].
 */
size_t expr_terms(const struct expr *e, struct expr_term *out, size_t max);

/* expr_term_true() - 1 if conjunct `t` of `e` is true with getter `get`. */
int expr_term_true(const struct expr *e, const struct expr_term *t, expr_get_fn *get,
                   const void *ctx);

/* expr_term_in() - for an EXPR_TERM_IN conjunct: whether 16-byte address `a` passes it. */
int expr_term_in(const struct expr *e, const struct expr_term *t, const uint8_t a[16]);

/* expr_cmp_u64() / expr_cmp_f64() - `a <cmp> b` as the tree computes it. */
static inline int
expr_cmp_u64(enum expr_cmp cmp, uint64_t a, uint64_t b)
{
    switch (cmp) {
    case EXPR_CMP_EQ:
        return a == b;
    case EXPR_CMP_NE:
        return a != b;
    case EXPR_CMP_LT:
        return a < b;
    case EXPR_CMP_LE:
        return a <= b;
    case EXPR_CMP_GT:
        return a > b;
    default:
        return a >= b;
    }
}

static inline int
expr_cmp_f64(enum expr_cmp cmp, double a, double b)
{
    int c = a < b ? -1 : a > b; /* as the tree: NaN compares equal to everything */

    switch (cmp) {
    case EXPR_CMP_EQ:
        return c == 0;
    case EXPR_CMP_NE:
        return c != 0;
    case EXPR_CMP_LT:
        return c < 0;
    case EXPR_CMP_LE:
        return c <= 0;
    case EXPR_CMP_GT:
        return c > 0;
    default:
        return c >= 0;
    }
}

#endif
