/*
 * expr.h - the small expression language of --where and --having.
 *
 *   expr  := or ;  or := and ("or" and)* ;  and := not ("and" not)*
 *   not   := "not" not | cmp
 *   cmp   := sum [("=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">=") sum]
 *          | sum ["not"] "in" ( "(" item ("," item)* ")" | item | "@" FILE )
 *   item  := number [".." number] | address ["/" bits] | string
 *   sum   := prod (("+" | "-") prod)* ;  prod := unary (("*" | "/" | "%") unary)*
 *   unary := "-" unary | "(" expr ")" | number | address | string | name
 *          | name "(" (name | string) ")"
 *   string := "'" text "'"  ('' inside is one quote)
 *
 * Types are checked when parsing: every name is resolved by the caller into
 * a slot and a kind (integer, real, address, string; integers may be times),
 * and an operator given the wrong kinds ("sip = 53") is an error naming both
 * sides and their kinds. Integers are exact: a slot may hold any value of
 * -2^127..2^127 (fields are unsigned 64-bit, sums wider), comparisons of
 * integers are exact, an integer compared with a real is compared exactly
 * (no rounding of either to the other), and every result of + - * % and
 * unary - must fit signed 64-bit: when it does not, evaluation fails with an
 * error that names the sub-expression (never a wrapped value). "/" divides
 * in floating point as in Spark SQL; x / 0 and x % 0 are NULL. A quoted
 * string compared with a time slot is an ISO 8601 UTC time
 * ('2023-09-04', '2023-09-04T01:30', '2023-09-04T01:30:15Z').
 *
 * Literals are exact or refused: integers from -(2^127 - 1) to 2^127 - 1; a
 * real literal compared with an integer is compared by its exact decimal value
 * (x > 2.5 is x >= 3; "=" / "!=" with a fraction refused); one left a double
 * (arithmetic, compared with a real) is refused from 2^53 on unless it is a
 * double exactly. A slot of known range (struct expr_name.ranged) compared with
 * a literal outside it, or in a way no value passes, is refused (docs/query.md).
 *
 * Exact fractions (struct expr_name.ratio: an avg, sum / count): compared alone
 * (m, -m) with an integer, a real literal (its decimal value), another fraction or
 * a double (its exact value), the order is exact at any size (expr_ratio.c); in
 * arithmetic a fraction is the double nearest it, and the result a double.
 *
 * Logic is SQL's three-valued logic plus the error: "a and b" is false when
 * either side is false (even if the other fails), else an error if either
 * fails, else NULL if either is NULL, else true; "or" likewise with true.
 * So the answer and the error do not depend on evaluation order. A filter
 * keeps a record only when its expression is true.
 *
 * A name of many strings (name_at) is tested only with "in": true when one
 * of its strings is in the list; with `suffix`, the list holds domains
 * (from the text or a watchlist file: "*." or "." before, "." after
 * optional) and a string matches when it or one of its label suffixes is
 * listed, ASCII case-insensitively: "WWW.Example.com." is in (example.com).
 *
 * Either-side names (the resolver gives a second slot: "addr" = sip or dip,
 * "port" = sport or dport): a comparison or "in" naming one is true when it
 * is true of either side; "!=" and "not in" on them are refused as
 * ambiguous ("not addr = x" means neither side is x).
 *
 * Threads: a parsed expr is read-only during evaluation, so one expr may be
 * evaluated by many threads at once.
 */
#ifndef ENGINE_EXPR_H
#define ENGINE_EXPR_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* An exact integer value (wide enough for any field, sum, or 64-bit result). */
__extension__ typedef __int128 expr_int;

#define EXPR_INT64_MIN  ((expr_int)INT64_MIN)
#define EXPR_INT64_MAX  ((expr_int)INT64_MAX)
#define EXPR_INT128_MAX (__extension__(expr_int)(((unsigned __int128)1 << 127) - 1))

enum expr_kind {
    EXPR_NULL,
    EXPR_INT,   /* i */
    EXPR_REAL,  /* d */
    EXPR_ADDR,  /* a: 17 bytes, family then 16 address bytes (IPv4 v4-mapped) */
    EXPR_STR,   /* a, len: bytes */
    EXPR_RATIO, /* i / den exactly (den > 0): an avg, a real of a name resolved with ratio */
    EXPR_ERR    /* evaluation failed (overflow); internal to evaluation */
};

struct expr_val {
    enum expr_kind kind;
    expr_int i;
    double d;
    const uint8_t *a;
    size_t len;
    uint64_t den; /* EXPR_RATIO: the denominator */
};

/*
 * For a name that stands for many strings (the DNS names of a flow): the
 * getter returns EXPR_STR with `a` pointing to its own object and `len` the
 * count, and this gives the k-th string (*p) and returns its length.
 */
typedef size_t expr_name_at_fn(const void *obj, size_t k, const uint8_t **p);

/* What a name refers to: the resolver's answer. */
struct expr_name {
    int slot;            /* >= 0 */
    int slot2;           /* -1, or: the name means "slot or slot2" (either side) */
    enum expr_kind kind; /* EXPR_INT, EXPR_REAL, EXPR_ADDR or EXPR_STR (never EXPR_RATIO) */
    int time_ms;         /* integer times: milliseconds per unit (1 or 1000); else 0 */
    int icase;           /* strings: compare ASCII case-insensitively (DNS names) */
    int suffix;          /* strings: "in" matches a name when a label suffix is listed */
    int dotted;          /* DNS names (trailing dot): a literal compared with one gets its dot */
    expr_name_at_fn *name_at; /* non-NULL: many strings (only "in" may test them) */
    /*
     * ranged: the integer's values all lie in lo..hi (dport: 0..65535): a comparison or "in"
     * with a literal outside it, or one no value satisfies, is refused when parsing.
     */
    int ranged;
    expr_int lo, hi;
    /*
     * ratio: a real (kind EXPR_REAL) whose values the getter gives as exact fractions
     * (EXPR_RATIO, |i| < 2^127: an avg): compared exactly with integers, real literals,
     * other fractions and doubles; in arithmetic, the double nearest it.
     */
    int ratio;
};

/* A name or function use in the text, as the resolver sees it. */
struct expr_ref {
    const char *func; /* function name, or NULL for a bare name */
    size_t flen;
    const char *arg; /* the name, or the function's argument */
    size_t len;
    int quoted; /* arg was a quoted string; arg is then unescaped ('' -> ') */
};

/* Resolves `ref` into `out` (returns 0), or returns -1 with `err` set. */
typedef int expr_resolve_fn(void *ctx, const struct expr_ref *ref, struct expr_name *out,
                            struct err *err);
/* Returns the current value of `slot` (kind as resolved, or EXPR_NULL). */
typedef struct expr_val expr_get_fn(const void *ctx, int slot);

struct expr; /* opaque */

/*
 * expr_parse() - parses `text`; NULL with ERR_USAGE (position and reason) on
 * error. Files named with "in @FILE" are read once, here; their errors name
 * the file and line.
 */
struct expr *expr_parse(const char *text, expr_resolve_fn *resolve, void *ctx, struct err *err);

/* expr_destroy() - frees `e`; NULL is a no-op. */
void expr_destroy(struct expr *e);

/* expr_reads_file() - 1 if parsed `e` (NULL: none) read a watchlist file (in @FILE), else 0. */
int expr_reads_file(const struct expr *e);

/* expr_reads_slot() - 1 if parsed `e` (NULL: none) reads `slot` (either side's too), else 0. */
int expr_reads_slot(const struct expr *e, int slot);

/*
 * expr_inputs() - the watchlist files `e` (NULL: none) read, one line each in the order read:
 * "@PATH xxh3=HEX\n" (XXH3-64 of the file's bytes as read); "" when none. Shards and MPI
 * ranks compare it: one job over other watchlist contents is another job.
 */
const char *expr_inputs(const struct expr *e);

/*
 * expr_test() - 1 if `e` is true with getter `get`, 0 if false or NULL, or
 * -ERR_USAGE with `err` set ("integer overflow in \"a * b\"") when the value
 * depends on an arithmetic result beyond signed 64-bit.
 */
int expr_test(const struct expr *e, expr_get_fn *get, const void *ctx, struct err *err);

/*
 * Conjuncts, for callers that compile a filter into direct tests.
 *
 * "a and b" is true exactly when both sides are true, so the root's chain of
 * "and" splits into conjuncts that can be tested one at a time, in any order:
 * the row is kept when all are true; it is dropped when one is false (or
 * NULL), whatever the others give; it fails only when none is false and one
 * fails. expr_terms() recognises the shapes a caller can test without the tree:
 *   EXPR_TERM_CMP    slot <cmp> constant      (a constant on the left is moved right)
 *   EXPR_TERM_RATIO  slot / slot2 <cmp> constant
 *   EXPR_TERM_IN     slot [not] in set        (expr_term_in() / expr_term_in_int()); for
 *                    addresses also "not" over it and "slot in set or slot2 in set" (what
 *                    "addr in set" becomes), "not" over that
 *   EXPR_TERM_OTHER  anything else            (expr_term_test() evaluates it)
 * A direct test agrees with the tree when integer slots are compared with an
 * EXPR_INT constant exactly (expr_cmp_int), with an EXPR_REAL constant
 * exactly too (expr_cmp_int_real), and a ratio as doubles (expr_cmp_f64), a
 * ratio whose divisor is 0 being NULL (not true). A caller that cannot tell
 * a slot's kind uses expr_term_test().
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
    expr_int ci;       /* CMP, RATIO: the constant when ck is EXPR_INT */
    double cd;         /* CMP, RATIO: the constant when ck is EXPR_REAL */
    enum expr_kind ck; /* CMP, RATIO: EXPR_INT or EXPR_REAL */
    enum expr_term_kind kind;
    enum expr_cmp cmp;      /* CMP, RATIO */
    int slot;               /* CMP, IN: the slot; RATIO: the dividend */
    int slot2;              /* RATIO: the divisor; IN: the other side's slot, or -1 */
    enum expr_kind in_kind; /* IN: EXPR_ADDR or EXPR_INT (a set of numbers) */
    int node;               /* private: the conjunct's subtree */
    int in_node, in_neg;    /* private, IN: the "in" node with the set, negated answer */
};

/*
 * expr_terms() - the conjuncts of `e`'s top-level "and" chain, left to right.
 * Returns how many there are; only the first `max` are written to out[].
 */
size_t expr_terms(const struct expr *e, struct expr_term *out, size_t max);

/* expr_term_test() - as expr_test(), for conjunct `t` of `e`. */
int expr_term_test(const struct expr *e, const struct expr_term *t, expr_get_fn *get,
                   const void *ctx, struct err *err);

/*
 * expr_term_in() - for an EXPR_TERM_IN conjunct of addresses: whether the
 * 16-byte address `a` of slot (and `b` of slot2 when slot2 >= 0, else NULL) passes.
 */
int expr_term_in(const struct expr *e, const struct expr_term *t, const uint8_t a[16],
                 const uint8_t b[16]);

/*
 * expr_term_in_pair() - expr_term_in() for an either-side conjunct (`addr in
 * S`, slot2 >= 0) over a flow's two addresses, v4 = 1 when both are
 * v4-mapped (FLOW_IPV4): one bit test each when the set has a /24 bitmap.
 */
int expr_term_in_pair(const struct expr *e, const struct expr_term *t, const uint8_t a[16],
                      const uint8_t b[16], int v4);

/*
 * expr_term_v4_filter() - for an EXPR_TERM_IN conjunct of addresses: NULL, or
 * a bitmap of the IPv4 /24s (bit ip >> 8 of 2^24) that hold an address of its
 * set (a large set has one): an IPv4 address whose bit is clear is not in the
 * set, so the conjunct gives t->in_neg for it. Valid as long as `e`.
 */
const uint64_t *expr_term_v4_filter(const struct expr *e, const struct expr_term *t);

/*
 * expr_term_in_v4() - whether the set of EXPR_TERM_IN conjunct `t` of
 * addresses is exactly one range of IPv4 addresses [*lo, *hi] (host order,
 * v4-mapped) and nothing else: then an address passes when it is v4-mapped
 * and in that range (xor t->in_neg), as expr_term_in() finds. 0 otherwise.
 */
int expr_term_in_v4(const struct expr *e, const struct expr_term *t, uint32_t *lo, uint32_t *hi);

/* expr_term_in_int() - for an EXPR_TERM_IN conjunct of numbers: whether `v` passes. */
int expr_term_in_int(const struct expr *e, const struct expr_term *t, expr_int v);

/* expr_cmp_int() / expr_cmp_f64() - `a <cmp> b` as the tree computes it. */
static inline int
expr_cmp_of(enum expr_cmp cmp, int c)
{
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

static inline int
expr_cmp_int(enum expr_cmp cmp, expr_int a, expr_int b)
{
    return expr_cmp_of(cmp, a < b ? -1 : a > b);
}

static inline int
expr_cmp_f64(enum expr_cmp cmp, double a, double b)
{
    if (a != a || b != b)
        return 0; /* NaN: NULL */
    return expr_cmp_of(cmp, a < b ? -1 : a > b);
}

/*
 * expr_order_int_real() - the exact order of integer `a` and finite-or-infinite
 * `b`: -1, 0 or 1 (no rounding: 2^53 + 1 > 2^53 as a real).
 */
static inline int
expr_order_int_real(expr_int a, double b)
{
    double fl;
    expr_int bi;

    if (b >= 0x1p126)
        return -1;
    if (b < -0x1p126)
        return 1;
    fl = __builtin_floor(b);
    bi = (expr_int)fl; /* exact: |fl| < 2^126 */
    if (a < bi)
        return -1;
    if (a > bi)
        return 1;
    return fl == b ? 0 : -1; /* a == floor(b) < b when b has a fraction */
}

/* expr_cmp_int_real() - `a <cmp> b` exactly; NULL (0) when b is NaN. */
static inline int
expr_cmp_int_real(enum expr_cmp cmp, expr_int a, double b)
{
    if (b != b)
        return 0;
    return expr_cmp_of(cmp, expr_order_int_real(a, b));
}

/*
 * Exact fractions n / d (d > 0, |n| < 2^127): the order (-1, 0, 1) of n / d and an
 * integer v, another fraction, a double x (not NaN; infinities allowed) or the real
 * literal text lit ("3.5", "-1e-30", "123456789012345678.5": its exact decimal value),
 * never through a rounded value. expr_ratio_double() - the double nearest n / d (ties
 * to even), as a division of the two exact numbers would give it.
 */
int expr_order_ratio_int(expr_int n, uint64_t d, expr_int v);
int expr_order_ratio(expr_int an, uint64_t ad, expr_int bn, uint64_t bd);
int expr_order_ratio_real(expr_int n, uint64_t d, double x);
int expr_order_ratio_text(expr_int n, uint64_t d, const char *lit);
double expr_ratio_double(expr_int n, uint64_t d);

/*
 * expr_domain_norm() - one entry of a domain list (dns.suffix lists and
 * watchlists, dns-hunt --allow) as it is matched: a leading "*." or "."
 * dropped, ASCII lower-cased, a trailing "." added, into out (cap >= 256
 * bytes), its length in *outlen. Returns NULL, or why the entry can never
 * match a name and is refused: empty, longer than 253 bytes, a space or a
 * byte outside ASCII, a '*' elsewhere than a leading "*.", an empty label
 * ("a..b", "x.."), a label over 63 bytes, or an IPv4/IPv6 address.
 */
const char *expr_domain_norm(const char *in, size_t len, char *out, size_t cap, size_t *outlen);

#endif
