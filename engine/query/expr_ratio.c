/*
 * expr_ratio.c - exact fractions in --having: an avg column is sum / count exactly
 * (EXPR_RATIO), compared with integers, other fractions, doubles and real literals
 * without rounding either side; and the double nearest a fraction, for arithmetic.
 *
 * Every comparison splits a fraction n / d (d >= 1) into its floor q and remainder
 * 0 <= r < d, so that no product needs more than 128 bits: two fractions of equal
 * floors compare by r_a * d_b and r_b * d_a (both below 2^128); a double by its
 * floor, then its fraction bit by bit against r / d's binary digits; a decimal
 * literal by its integer digits, then its fraction digit by digit against r / d's
 * decimal digits (long division, r * 10 < 2^68). The digits of a fraction's
 * expansion never end in repeating 9s, so the first digit that differs decides.
 */
#include <math.h>

#include "expr_tree.h"

/* The floor q and remainder r (0 <= r < den) of num / den. */
static void
floor_div(expr_int num, uint64_t den, expr_int *q, u128 *r)
{
    expr_int d = (expr_int)den, qq = num / d, rr = num % d;

    if (rr < 0) {
        qq -= 1;
        rr += d;
    }
    *q = qq;
    *r = (u128)rr;
}

int
expr_order_ratio_int(expr_int num, uint64_t den, expr_int v)
{
    expr_int q;
    u128 r;

    floor_div(num, den, &q, &r);
    if (q != v)
        return q < v ? -1 : 1; /* q < v: num / den < q + 1 <= v */
    return r != 0;
}

int
expr_order_ratio(expr_int an, uint64_t ad, expr_int bn, uint64_t bd)
{
    expr_int qa, qb;
    u128 ra, rb, x, y;

    floor_div(an, ad, &qa, &ra);
    floor_div(bn, bd, &qb, &rb);
    if (qa != qb)
        return qa < qb ? -1 : 1;
    x = ra * bd; /* ra < ad <= 2^64 - 1: below 2^128 */
    y = rb * ad;
    return x < y ? -1 : x > y;
}

int
expr_order_ratio_real(expr_int num, uint64_t den, double x)
{
    expr_int q, xi;
    u128 r;
    double fl, frac;

    if (x >= 0x1p127)
        return -1; /* |num / den| < 2^127 */
    if (x < 0)     /* x - floor(x) is exact only for x >= 0 (-2^-60 + 1 is not a double) */
        return -expr_order_ratio_real(-num, den, -x);
    fl = floor(x);
    xi = (expr_int)fl; /* exact: 0 <= fl < 2^127 */
    frac = x - fl;     /* exact: a multiple of x's last bit, below 1 <= x (or x itself) */
    floor_div(num, den, &q, &r);
    if (q != xi)
        return q < xi ? -1 : 1;
    for (;;) { /* r / den against frac, bit by bit */
        int a, b;

        if (frac == 0)
            return r != 0;
        if (r == 0)
            return -1;
        r <<= 1; /* r < den < 2^64 */
        a = r >= den;
        if (a)
            r -= den;
        frac *= 2; /* exact */
        b = frac >= 1;
        if (b)
            frac -= 1;
        if (a != b)
            return a < b ? -1 : 1;
    }
}

/* The k-th digit (from 0, the dot not counted) of real literal x in `base`; 0 past the last. */
static int
dec_digit(const struct dec *x, const char *base, long k)
{
    const char *p;

    if (k < 0 || k >= (long)x->nd)
        return 0;
    p = base + x->dfrom + k;
    if (x->ddot >= 0 && p >= base + x->ddot)
        p++;
    return *p - '0';
}

/* Whether real literal x is 0 (0.0, 0e5, -0.000). */
static int
dec_zero(const struct dec *x)
{
    return !x->big && x->mag == 0 && !x->frac;
}

/* The order of n / den (n >= 0) and |x|. */
static int
order_mag_dec(u128 n, uint64_t den, const struct dec *x, const char *base)
{
    u128 q = n / den, r = n % den;
    char qd[48];
    size_t qlen = 0;
    long first = 0, xlen;

    if (q) {
        char tmp[48];

        while (q) {
            tmp[qlen++] = (char)('0' + (int)(q % 10));
            q /= 10;
        }
        for (size_t i = 0; i < qlen; i++)
            qd[i] = tmp[qlen - 1 - i];
    }
    /* the integer digits of x: 0 .. point - 1, its first non-zero one `first` */
    while (first < x->point && dec_digit(x, base, first) == 0)
        first++;
    xlen = x->point > first ? x->point - first : 0;
    if ((long)qlen != xlen)
        return (long)qlen < xlen ? -1 : 1;
    for (long i = 0; i < xlen; i++) {
        int a = qd[i] - '0', b = dec_digit(x, base, first + i);

        if (a != b)
            return a < b ? -1 : 1;
    }
    /* the fractions: r / den's digits against x's digits point, point + 1, ... */
    for (long k = x->point; k < (long)x->nd; k++) { /* k < 0: the zeros after the point */
        int a, b;

        if (r == 0) { /* r / den's digits are all 0 from here */
            for (; k < (long)x->nd; k++)
                if (dec_digit(x, base, k) != 0)
                    return -1;
            return 0;
        }
        r *= 10; /* r < den < 2^64 */
        a = (int)(r / den);
        r %= den;
        b = dec_digit(x, base, k);
        if (a != b)
            return a < b ? -1 : 1;
    }
    return r != 0;
}

int
expr_order_ratio_dec(expr_int num, uint64_t den, const struct dec *x, const char *base)
{
    int sa = num > 0 ? 1 : num < 0 ? -1 : 0, sb = dec_zero(x) ? 0 : x->neg ? -1 : 1, c;
    u128 n = num < 0 ? -(u128)num : (u128)num;

    if (sa != sb)
        return sa < sb ? -1 : 1;
    if (sa == 0)
        return 0;
    c = order_mag_dec(n, den, x, base);
    return sa > 0 ? c : -c;
}

int
expr_order_ratio_text(expr_int num, uint64_t den, const char *lit)
{
    struct dec x;

    expr_dec_exact(lit, lit + strlen(lit), &x);
    return expr_order_ratio_dec(num, den, &x, lit);
}

double
expr_ratio_double(expr_int num, uint64_t den)
{
    u128 n = num < 0 ? -(u128)num : (u128)num, q = n / den, r = n % den, low, half;
    const u128 top = (u128)1 << 55;
    int e = 0, sticky, bits;
    double d;

    if (n == 0)
        return 0;
    if (q >= top) { /* keep 55 bits of q, the rest sticky */
        int sh = 128 -
                 (int)(q >> 64 ? __builtin_clzll((uint64_t)(q >> 64))
                               : 64 + __builtin_clzll((uint64_t)q)) -
                 55;

        sticky = (q & (((u128)1 << sh) - 1)) != 0 || r != 0;
        q >>= sh;
        e = sh;
    } else { /* more bits of the quotient, by binary long division */
        while (q < top) {
            r <<= 1;
            q <<= 1;
            if (r >= den) {
                r -= den;
                q |= 1;
            }
            e--;
        }
        sticky = r != 0;
    }
    /* q holds 55 or 56 bits: round to 53, ties to even */
    bits = q >> 55 ? 56 : 55;
    low = q & (((u128)1 << (bits - 53)) - 1);
    half = (u128)1 << (bits - 54);
    q >>= bits - 53;
    e += bits - 53;
    if (low > half || (low == half && (sticky || (q & 1))))
        q++;
    d = ldexp((double)(uint64_t)q, e);
    return num < 0 ? -d : d;
}
