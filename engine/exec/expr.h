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
typedef int expr_resolve_fn(void *ctx, const char *func, size_t flen, const char *name,
                            size_t len, struct err *err);
/* Returns the current value of `slot`. */
typedef struct expr_val expr_get_fn(const void *ctx, int slot);

struct expr; /* opaque */

/* expr_parse() - parses `text`; NULL with ERR_USAGE (position and reason) on error. */
struct expr *expr_parse(const char *text, expr_resolve_fn *resolve, void *ctx, struct err *err);

/* expr_destroy() - frees `e`; NULL is a no-op. */
void expr_destroy(struct expr *e);

/* expr_true() - 1 if `e` evaluates to true (non-zero, not NULL) with getter `get`. */
int expr_true(const struct expr *e, expr_get_fn *get, const void *ctx);

#endif
