/*
 * test_expr_ratio.c - exact fractions of --having (an avg: sum / count) against an
 * independent brute force: products of up to 512 bits in 32-bit limbs (schoolbook),
 * never the 128-bit floor/remainder shortcuts of engine/query/expr_ratio.c; and
 * hand-worked cases through the parser (expr_parse/expr_test with an avg column).
 */
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "expr.h"

__extension__ typedef unsigned __int128 u128;

/* ---- the oracle: unsigned 512-bit integers, 16 limbs of 32 bits, least first ---- */

#define LIMBS 16

struct big {
    uint32_t w[LIMBS];
};

static struct big
big_of(u128 v)
{
    struct big b;

    memset(&b, 0, sizeof(b));
    for (int i = 0; i < 4; i++)
        b.w[i] = (uint32_t)(v >> (32 * i));
    return b;
}

/* b * m (m < 2^32); the product must fit. */
static struct big
big_mul32(struct big b, uint32_t m)
{
    uint64_t carry = 0;

    for (int i = 0; i < LIMBS; i++) {
        uint64_t t = (uint64_t)b.w[i] * m + carry;

        b.w[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry)
        abort();
    return b;
}

/* b * m for a 128-bit m, limb by limb. */
static struct big
big_mul(struct big b, u128 m)
{
    struct big r;

    memset(&r, 0, sizeof(r));
    for (int j = 0; j < 4; j++) {
        uint32_t mj = (uint32_t)(m >> (32 * j));
        uint64_t carry = 0;

        for (int i = 0; i + j < LIMBS; i++) {
            uint64_t t = (uint64_t)b.w[i] * mj + r.w[i + j] + carry;

            r.w[i + j] = (uint32_t)t;
            carry = t >> 32;
        }
    }
    return r;
}

static struct big
big_shl(struct big b, int k)
{
    for (; k >= 32; k -= 32) {
        memmove(b.w + 1, b.w, (LIMBS - 1) * sizeof(b.w[0]));
        b.w[0] = 0;
    }
    while (k-- > 0)
        b = big_mul32(b, 2);
    return b;
}

static int
big_cmp(const struct big *a, const struct big *b)
{
    for (int i = LIMBS - 1; i >= 0; i--)
        if (a->w[i] != b->w[i])
            return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

/* The sign of signed v. */
static int
sgn(expr_int v)
{
    return v > 0 ? 1 : v < 0 ? -1 : 0;
}

static u128
mag(expr_int v)
{
    return v < 0 ? -(u128)v : (u128)v;
}

/* The order of two numbers of signs sa and sb whose magnitudes are x and y. */
static int
signed_order(int sa, int sb, const struct big *x, const struct big *y)
{
    int c;

    if (sa != sb)
        return sa < sb ? -1 : 1;
    c = big_cmp(x, y);
    return sa < 0 ? -c : c;
}

/* The order of an / ad and bn / bd by cross products (ad, bd > 0, any 128-bit sizes). */
static int
oracle_frac(expr_int an, u128 ad, expr_int bn, u128 bd)
{
    struct big x = big_mul(big_of(mag(an)), bd), y = big_mul(big_of(mag(bn)), ad);

    return signed_order(sgn(an), sgn(bn), &x, &y);
}

/* The order of n / d and p / 10^k (a decimal literal of p's digits, k after the point). */
static int
oracle_dec(expr_int n, uint64_t d, expr_int p, int k)
{
    struct big x = big_of(mag(n)), y = big_mul(big_of(mag(p)), d);

    for (int i = 0; i < k; i++)
        x = big_mul32(x, 10);
    return signed_order(sgn(n), sgn(p), &x, &y);
}

/* The order of n / d and m * 2^e (a double's exact value; |e| <= 200). */
static int
oracle_pow2(expr_int n, uint64_t d, expr_int m, int e)
{
    struct big x = big_of(mag(n)), y = big_mul(big_of(mag(m)), d);

    if (e >= 0)
        y = big_shl(y, e);
    else
        x = big_shl(x, -e);
    return signed_order(sgn(n), sgn(m), &x, &y);
}

/* ---- random inputs ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t
rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* A count: mostly small, sometimes near 2^32 or 2^64. */
static uint64_t
rnd_den(void)
{
    switch (rnd() % 4) {
    case 0:
        return 1 + rnd() % 8;
    case 1:
        return 1 + rnd() % 100000;
    case 2:
        return UINT64_MAX - rnd() % 5;
    default:
        return 1 + (rnd() >> (rnd() % 64));
    }
}

/* A sum: any size up to 2^127 - 1, sometimes negative (a negated avg). */
static expr_int
rnd_num(void)
{
    u128 v;

    switch (rnd() % 5) {
    case 0:
        v = rnd() % 100;
        break;
    case 1:
        v = rnd();
        break;
    case 2:
        v = ((u128)1 << 127) - 1 - rnd() % 3;
        break;
    default:
        v = ((u128)rnd() << 64 | rnd()) >> (1 + rnd() % 127);
    }
    return rnd() % 4 == 0 ? -(expr_int)v : (expr_int)v;
}

/* ---- tests ---- */

/* near_int() - q, one above or one below it, at random, within expr_int (q may be its end) */
static expr_int
near_int(expr_int q)
{
    const expr_int hi = (expr_int)(((u128)1 << 127) - 1);
    expr_int off = (expr_int)(rnd() % 3) - 1;

    if ((off > 0 && q == hi) || (off < 0 && q == -hi - 1))
        off = 0;
    return q + off;
}

static void
test_ratio_int(void)
{
    for (int i = 0; i < 200000; i++) {
        expr_int n = rnd_num(), v;
        uint64_t d = rnd_den();

        switch (rnd() % 3) { /* near n / d: its floor, one above or below */
        case 0:
            v = near_int(n / (expr_int)d);
            break;
        case 1:
            v = (expr_int)(rnd() % 7) - 3;
            break;
        default:
            v = rnd_num();
        }
        CHECK(expr_order_ratio_int(n, d, v) == oracle_frac(n, d, v, 1));
    }
    CHECK(expr_order_ratio_int(7, 2, 3) == 1);
    CHECK(expr_order_ratio_int(7, 2, 4) == -1);
    CHECK(expr_order_ratio_int(-7, 2, -4) == 1); /* -3.5 > -4 */
    CHECK(expr_order_ratio_int(-7, 2, -3) == -1);
    CHECK(expr_order_ratio_int(-8, 2, -4) == 0);
    CHECK(expr_order_ratio_int(0, 5, 0) == 0);
}

static void
test_ratio_ratio(void)
{
    for (int i = 0; i < 200000; i++) {
        expr_int an = rnd_num(), bn;
        uint64_t ad = rnd_den(), bd = rnd_den();

        if (rnd() % 3 == 0) { /* the same value over another count: a tie */
            uint64_t k = 1 + rnd() % 5;

            an = an / 8;
            ad = 1 + ad / 8;
            bn = an * (expr_int)k;
            bd = ad * k;
        } else {
            bn = rnd() % 2 ? rnd_num() : near_int(an);
        }
        CHECK(expr_order_ratio(an, ad, bn, bd) == oracle_frac(an, ad, bn, bd));
    }
    /* (2^64 - 1.5) against (2^64 - 1.5) over twice the count, and one less */
    CHECK(expr_order_ratio(((expr_int)1 << 65) - 3, 2, ((expr_int)1 << 66) - 6, 4) == 0);
    CHECK(expr_order_ratio(((expr_int)1 << 65) - 3, 2, ((expr_int)1 << 66) - 7, 4) == 1);
}

static void
test_ratio_real(void)
{
    for (int i = 0; i < 200000; i++) {
        expr_int n = rnd_num();
        uint64_t d = rnd_den();
        int64_t m = (int64_t)(rnd() >> 11); /* 53 bits */
        int e = (int)(rnd() % 200) - 100;
        double x;

        if (rnd() % 2)
            m = -m;
        if (rnd() % 3 == 0) { /* near n / d itself */
            x = expr_ratio_double(n, d);
            m = (int64_t)(frexp(x, &e) * 0x1p53);
            e -= 53;
            if (e < -200 || e > 200)
                continue;
        }
        x = ldexp((double)m, e);
        if (expr_order_ratio_real(n, d, x) != oracle_pow2(n, d, m, e))
            fprintf(stderr, "  %.17g (%lld * 2^%d) against %g / %llu: %d, oracle %d\n", x,
                    (long long)m, e, (double)n, (unsigned long long)d,
                    expr_order_ratio_real(n, d, x), oracle_pow2(n, d, m, e));
        CHECK(expr_order_ratio_real(n, d, x) == oracle_pow2(n, d, m, e));
    }
    CHECK(expr_order_ratio_real(7, 2, 3.5) == 0);
    CHECK(expr_order_ratio_real(7, 2, INFINITY) == -1);
    CHECK(expr_order_ratio_real(7, 2, -INFINITY) == 1);
    CHECK(expr_order_ratio_real(1, 3, 1.0 / 3) == 1); /* the double is below 1/3 */
}

static void
test_ratio_dec(void)
{
    char lit[128];

    for (int i = 0; i < 200000; i++) {
        expr_int n = rnd_num(), p;
        uint64_t d = rnd_den();
        int k = (int)(rnd() % 25), len;
        u128 ap;

        /* p / 10^k near n / d (truncated decimals of it), or any */
        if (rnd() % 2 && k < 20) {
            u128 t = mag(n) / d, r = mag(n) % d;

            ap = t;
            for (int j = 0; j < k; j++) {
                if (ap > (((u128)1 << 127) - 1) / 10)
                    break;
                r *= 10;
                ap = ap * 10 + r / d;
                r %= d;
            }
            if (ap > (((u128)1 << 127) - 1) / 10)
                continue;
            ap += rnd() % 3; /* at, or just above */
            p = n < 0 ? -(expr_int)ap : (expr_int)ap;
        } else {
            p = (expr_int)(rnd() >> (rnd() % 64));
            if (rnd() % 2)
                p = -p;
        }
        /* p / 10^k as text, in one of several spellings */
        {
            char digits[64], *q = digits + sizeof(digits);
            u128 v = mag(p);
            int nd;

            *--q = '\0';
            do {
                *--q = (char)('0' + (int)(v % 10));
                v /= 10;
            } while (v);
            nd = (int)strlen(q);
            switch (rnd() % 3) {
            case 0: /* 123.45, 0.00123, 123. */
                if (k >= nd) {
                    char zeros[64];

                    memset(zeros, '0', (size_t)(k - nd));
                    zeros[k - nd] = '\0';
                    len = snprintf(lit, sizeof(lit), "%s0.%s%s", p < 0 ? "-" : "", zeros, q);
                } else {
                    len = snprintf(lit, sizeof(lit), "%s%.*s.%s", p < 0 ? "-" : "", nd - k, q,
                                   q + nd - k);
                }
                break;
            case 1: /* 12345e-2 */
                len = snprintf(lit, sizeof(lit), "%s%se-%d", p < 0 ? "-" : "", q, k);
                break;
            default: /* 1.2345000e2 */
                len = snprintf(lit, sizeof(lit), "%s%c.%s000e%d", p < 0 ? "-" : "", q[0], q + 1,
                               nd - 1 - k);
            }
            (void)len;
        }
        if (expr_order_ratio_text(n, d, lit) != oracle_dec(n, d, p, k))
            fprintf(stderr, "  %s against n / %llu\n", lit, (unsigned long long)d);
        CHECK(expr_order_ratio_text(n, d, lit) == oracle_dec(n, d, p, k));
    }
    CHECK(expr_order_ratio_text(7, 2, "3.5") == 0);
    CHECK(expr_order_ratio_text(7, 2, "3.50000000000000000000000000000000000001") == -1);
    CHECK(expr_order_ratio_text(7, 2, "35e-1") == 0);
    CHECK(expr_order_ratio_text(-7, 2, "-3.5") == 0);
    CHECK(expr_order_ratio_text(-7, 2, "-3.4999999999999999999999") == -1);
    CHECK(expr_order_ratio_text(1, 3, "0.333333333333333333333333333333") == 1);
    CHECK(expr_order_ratio_text(1, 3, "0.333333333333333333333333333334") == -1);
    CHECK(expr_order_ratio_text(0, 3, "0.0") == 0);
    CHECK(expr_order_ratio_text(0, 3, "-0.0") == 0);
    CHECK(expr_order_ratio_text(0, 3, "1e-300") == -1);
    CHECK(expr_order_ratio_text(1, UINT64_MAX, "1e-300") == 1);
    CHECK(expr_order_ratio_text(1, 1, "1e300") == -1);
    CHECK(expr_order_ratio_text(((expr_int)1 << 65) - 3, 2, "18446744073709551614.5") == 0);
    CHECK(expr_order_ratio_text(((expr_int)1 << 65) - 3, 2, "18446744073709551615") == -1);
    /* 2^127 - 1 itself, past the literals' integer range */
    CHECK(expr_order_ratio_text(EXPR_INT128_MAX, 1, "170141183460469231731687303715884105727.0") ==
          0);
    CHECK(expr_order_ratio_text(EXPR_INT128_MAX, 1, "170141183460469231731687303715884105727.5") ==
          -1);
    CHECK(expr_order_ratio_text(EXPR_INT128_MAX, 1, "1e39") == -1);
}

/* The double nearest n / d, ties to even: checked against the midpoints to its neighbours. */
static void
test_ratio_double(void)
{
    for (int i = 0; i < 200000; i++) {
        expr_int n = rnd_num();
        uint64_t d = rnd_den();
        double x = expr_ratio_double(n, d);
        int e, lo, hi;
        int64_t m;

        if (n == 0) {
            CHECK(x == 0);
            continue;
        }
        m = (int64_t)(frexp(fabs(x), &e) * 0x1p53); /* |x| = m * 2^(e - 53), 2^52 <= m */
        e -= 53;
        /* n / d against (m - 1/2) 2^e (m - 1/4 at a power of two) and (m + 1/2) 2^e */
        if (m == (INT64_C(1) << 52))
            lo = oracle_pow2(n < 0 ? -n : n, d, 4 * m - 1, e - 2);
        else
            lo = oracle_pow2(n < 0 ? -n : n, d, 2 * m - 1, e - 1);
        hi = oracle_pow2(n < 0 ? -n : n, d, 2 * m + 1, e - 1);
        CHECK(lo >= 0 && hi <= 0);
        CHECK(lo != 0 || m % 2 == 0); /* a tie goes to the even neighbour */
        CHECK(hi != 0 || m % 2 == 0);
        CHECK((x < 0) == (n < 0));
    }
    CHECK(expr_ratio_double(7, 2) == 3.5);
    CHECK(expr_ratio_double(1, 3) == 1.0 / 3);
    CHECK(expr_ratio_double(((expr_int)1 << 65) - 3, 2) == 0x1p64); /* 2^64 - 1.5: 2^64 */
    /* 2^53 + 1.5 lies between 2^53 + 0 and 2^53 + 2, nearer 2^53 + 2 */
    CHECK(expr_ratio_double(((expr_int)1 << 54) + 3, 2) == 0x1p53 + 2);
    /* 2^53 + 1 is a tie: to even, 2^53 */
    CHECK(expr_ratio_double(((expr_int)1 << 53) + 1, 1) == 0x1p53);
}

/* ---- through the parser: an avg column m (slot 0), p (slot 1), integers s, n ---- */

static expr_int var_mn = 7, var_pn = 1;
static uint64_t var_md = 2, var_pd = 3;
static expr_int var_s = 7, var_n = 2;

static int
resolve(void *ctx, const struct expr_ref *ref, struct expr_name *out, struct err *err)
{
    (void)ctx;
    if (ref->func == NULL && ref->len == 1 && (ref->arg[0] == 'm' || ref->arg[0] == 'p')) {
        out->slot = ref->arg[0] == 'm' ? 0 : 1;
        out->kind = EXPR_REAL;
        out->ratio = 1;
    } else if (ref->func == NULL && ref->len == 1 && (ref->arg[0] == 's' || ref->arg[0] == 'n')) {
        out->slot = ref->arg[0] == 's' ? 2 : 3;
        out->kind = EXPR_INT;
    } else {
        return ERR_SET(err, ERR_USAGE, "unknown '%.*s'", (int)ref->len, ref->arg), -1;
    }
    return 0;
}

static struct expr_val
get(const void *ctx, int slot)
{
    struct expr_val v = {EXPR_RATIO, 0, 0, NULL, 0, 0};

    (void)ctx;
    if (slot == 0)
        v.i = var_mn, v.den = var_md;
    else if (slot == 1)
        v.i = var_pn, v.den = var_pd;
    else
        v.kind = EXPR_INT, v.i = slot == 2 ? var_s : var_n;
    return v;
}

/* 1 true, 0 not, -1 refused when parsing, -2 an evaluation error. */
static int
eval(const char *text)
{
    struct err err;
    struct expr *e;
    int r;

    err_init(&err);
    e = expr_parse(text, resolve, NULL, &err);
    if (e == NULL)
        return -1;
    r = expr_test(e, get, NULL, &err);
    expr_destroy(e);
    return r < 0 ? -2 : r;
}

static void
test_parsed(void)
{
    /* m = 7 / 2 */
    CHECK(eval("m = 3.5") == 1);
    CHECK(eval("3.5 = m") == 1);
    CHECK(eval("m != 3.5") == 0);
    CHECK(eval("m > 3") == 1);
    CHECK(eval("m < 4") == 1);
    CHECK(eval("m >= 3.5 and m <= 3.5") == 1);
    CHECK(eval("m > 3.4999999999999999999999999") == 1); /* the double would be 3.5 */
    CHECK(eval("m < 3.5000000000000000000000001") == 1);
    CHECK(eval("-m = -3.5") == 1);
    CHECK(eval("-m < -3") == 1);
    CHECK(eval("m * 2 = s") == 1); /* arithmetic: the double 3.5, times 2 */
    CHECK(eval("m = s / n") == 1); /* a double of the integers: 3.5 exactly */
    CHECK(eval("m > n") == 1);
    CHECK(eval("m < s") == 1);
    CHECK(eval("m") == 1);
    /* p = 1 / 3: against 1/3's double (below 1/3) and its decimals */
    CHECK(eval("p > 1 / 3") == 1);
    CHECK(eval("p < 0.3333333333333333333334") == 1);
    CHECK(eval("p > 0.3333333333333333333333") == 1);
    CHECK(eval("p = 0.3333333333333333333333") == 0);
    CHECK(eval("m > p and p < m and m != p") == 1);
    var_pn = 14, var_pd = 4; /* 3.5 over another count */
    CHECK(eval("m = p") == 1);
    CHECK(eval("-m = -p and not m < p") == 1);
    /* a sum past 2^64: m = (2^65 - 3) / 2 = 18446744073709551614.5 */
    var_mn = ((expr_int)1 << 65) - 3, var_md = 2;
    CHECK(eval("m < 18446744073709551615") == 1); /* the double is 2^64: it would say no */
    CHECK(eval("m > 18446744073709551614") == 1);
    CHECK(eval("m = 18446744073709551614.5") == 1); /* no longer refused as rounded */
    CHECK(eval("m < 18446744073709551615.0") == 1);
    CHECK(eval("m >= 1.8446744073709551615e19") == 0);
    CHECK(eval("m > 1e40") == 0);
    /* a real literal in arithmetic keeps the old rule: from 2^53 on, a double or refused */
    CHECK(eval("m + 0 > 18446744073709551614.5") == -1);
    CHECK(eval("m > 18446744073709551614.5 + 0") == -1);
    /* an avg of 0 (every group has a record: no avg is 0 / 0) */
    var_mn = 0;
    var_md = 5;
    CHECK(eval("m = 0") == 1);
    CHECK(eval("m = 0.0 and -m = 0 and not m") == 1);
}

int
main(void)
{
    RUN(test_ratio_int);
    RUN(test_ratio_ratio);
    RUN(test_ratio_real);
    RUN(test_ratio_dec);
    RUN(test_ratio_double);
    RUN(test_parsed);
    return CHECK_DONE();
}
