/*
 * expr_tree.h - the expression tree shared by the files of the --where/--having
 * language (expr_token.c, expr_set.c, expr_list.c, expr_parse.c, expr_eval.c);
 * private to engine/query: the public interface is expr.h.
 *
 * Nodes live in one array (children by index), each with its static kind and
 * the span of text it came from (for error messages).
 */
#ifndef FLOWSWEEP_EXPR_TREE_H
#define FLOWSWEEP_EXPR_TREE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "expr.h"

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
    int dotted; /* strings are DNS names: a missing trailing dot is added */
    /*
     * The ranges' parts inside the v4-mapped block ::ffff:0:0/96 again as
     * IPv4 (host order), where an IPv4 address is looked up alone: single
     * addresses in a hash table (h4: 2^h4bits slots, 0 empty, h4zero for
     * 0.0.0.0), wider ranges sorted (lo4[i] <= hi4[i] < lo4[i + 1]) with idx4
     * (65,537 entries when n4 >= 64, else NULL): the first of them with
     * hi4 >= the start of each /16. A large set also has bm4, a bit per /24
     * (2^24 bits): set when an address or range of the set is in that /24.
     */
    uint64_t *bm4;
    size_t n4;
    uint32_t *lo4, *hi4;
    uint32_t *idx4;
    uint32_t *h4;
    unsigned h4bits;
    int h4zero;
};

/*
 * The exact value of a real literal ("18446744073709551615.0", "1.5e3", "-2.25"):
 * (neg ? -1 : 1) * (mag + a fraction strictly between 0 and 1 when frac); big when
 * mag >= 2^127 - 1 (then mag is unset). lit: the node is such a literal. Its digits,
 * for comparisons with fractions (expr_order_ratio_dec()): nd of them, without the
 * dot, from offset dfrom of the text (ddot: the dot's offset, or -1), the value being
 * 0.DIGITS * 10^point. vs_ratio: compared with an avg alone, exactly (not a double).
 */
struct dec {
    u128 mag;
    int frac, neg, big, lit;
    uint32_t dfrom, nd;
    int32_t ddot, point;
    int vs_ratio;
};

struct node {
    enum op op;
    int l, r;                 /* children, -1 when absent */
    int slot, slot2;          /* OP_SLOT; slot2 >= 0: either side */
    enum expr_kind kind;      /* static kind of the value */
    int time_ms;              /* integer times: ms per unit; else 0 */
    int unit_ms;              /* times and their sums and differences: ms per unit; else 0 */
    int icase;                /* strings: case-insensitive comparison */
    int suffix;               /* OP_SLOT (and its OP_IN): domains matched by label suffix */
    int dotted;               /* OP_SLOT: DNS names, compared with literals given their dot */
    expr_name_at_fn *name_at; /* OP_SLOT of many names: the k-th (expr.h) */
    int negate;               /* OP_IN: "not in" */
    int owns;                 /* OP_IN: this node frees `set` (clones share it) */
    int ranged;               /* OP_SLOT: its values lie in rlo..rhi (struct expr_name) */
    int ratio;                /* OP_SLOT of an avg, OP_NEG of one: an exact fraction */
    expr_int rlo, rhi;
    struct dec dec;      /* OP_CONST of a real literal: its exact value */
    struct expr_val val; /* OP_CONST */
    char *str;           /* OP_CONST string bytes (owned) */
    struct rset *set;    /* OP_IN */
    uint32_t from, to;   /* the node's text: text[from..to) */
};

struct expr {
    struct node *nodes;
    size_t n, cap;
    int root;
    char *text;   /* a copy of the parsed text, for error messages */
    int files;    /* watchlist files (in @FILE) read */
    char *inputs; /* expr_inputs(): "@PATH xxh3=HEX\n" per file read (owned; NULL: none) */
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

struct range {
    u128 lo, hi;
};

struct rbuf {
    struct range *r;
    size_t n, cap;
};

/* expr_token.c */
int expr_fail(struct parser *ps, const char *what);
int expr_add_node(struct parser *ps, enum op op, int l, int r);
void expr_skip_ws(struct parser *ps);
int expr_is_name_char(char c);
int expr_accept_kw(struct parser *ps, const char *kw);
int expr_accept_tok(struct parser *ps, const char *tok);
int expr_type_fail(struct parser *ps, const char *verb, int l, int r);
int expr_is_num(enum expr_kind k);
size_t expr_addr_run(const char *p, int slash);
int expr_looks_like_addr(const char *p);
int expr_parse_int_lit(struct parser *ps, expr_int *v);
void expr_dec_exact(const char *s, const char *end, struct dec *out);
int expr_dec_double_ok(const struct dec *x, double d);
char *expr_fmt_int(char buf[48], expr_int v);
int expr_check_range(struct parser *ps, const struct node *nd, expr_int lo, expr_int hi);
char *expr_parse_str_lit(struct parser *ps, size_t *len);

/* expr_ratio.c: the order of num / den and real literal x, its digits in `base` (the text) */
int expr_order_ratio_dec(expr_int num, uint64_t den, const struct dec *x, const char *base);

/* expr_set.c */
u128 expr_int_key(expr_int v);
void expr_rset_build(struct rset *s, struct range *r, size_t n);
int expr_rset_has(const struct rset *s, u128 x);
void expr_rset_index_strs(struct rset *s, int icase);
int expr_rset_has_str(const struct rset *s, const uint8_t *a, size_t len, int icase);
void expr_rset_free(struct rset *s);
const char *expr_cidr_range(char *buf, struct range *r);
void expr_rbuf_push(struct rbuf *b, u128 lo, u128 hi);
const char *expr_rset_push_str(struct rset *s, const char *str, size_t len, int icase);

/* expr_be64() - the big-endian 64-bit number at p (one load and a byte swap). */
static inline uint64_t
expr_be64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

/* expr_addr_key() - the 128-bit key of 16 address bytes (big-endian). */
static inline u128
expr_addr_key(const uint8_t a[16])
{
    return (u128)expr_be64(a) << 64 | expr_be64(a + 8);
}

/* expr_addr_v4() - the IPv4 address (host order) of v4-mapped 16-byte address a. */
static inline uint32_t
expr_addr_v4(const uint8_t a[16])
{
    uint32_t v;

    memcpy(&v, a + 12, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap32(v);
#endif
    return v;
}

/* expr_rset_has4() - whether IPv4 address ip (host order) is in `s`. */
static inline __attribute__((always_inline)) int
expr_rset_has4(const struct rset *s, uint32_t ip)
{
    size_t lo = 0, hi = s->n4; /* the first range with hi4 >= ip is in [lo, hi] */

    if (s->bm4 != NULL && !(s->bm4[ip >> 14] >> (ip >> 8 & 63) & 1))
        return 0;
    if (ip == 0) {
        if (s->h4zero)
            return 1;
    } else if (s->h4 != NULL) {
        uint32_t mask = (1u << s->h4bits) - 1;

        for (uint32_t j = (ip * 2654435769u) >> (32 - s->h4bits);; j = (j + 1) & mask) {
            if (s->h4[j] == ip)
                return 1;
            if (s->h4[j] == 0)
                break;
        }
    }
    if (s->idx4) {
        lo = s->idx4[ip >> 16];
        hi = s->idx4[(ip >> 16) + 1];
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (s->hi4[mid] < ip)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->n4 && s->lo4[lo] <= ip;
}

/* expr_rset_has_addr() - whether 16-byte address a (IPv4 v4-mapped) is in `s`. */
static inline __attribute__((always_inline)) int
expr_rset_has_addr(const struct rset *s, const uint8_t a[16])
{
    uint64_t hi = expr_be64(a), lo = expr_be64(a + 8);

    if (hi == 0 && lo >> 32 == 0xffff)
        return expr_rset_has4(s, (uint32_t)lo);
    return expr_rset_has(s, (u128)hi << 64 | lo);
}

/* expr_list.c */
int expr_parse_in(struct parser *ps, int left, int negate);

#endif
