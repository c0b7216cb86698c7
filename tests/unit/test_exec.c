/* test_exec.c - expr, dset, htab, job text; expected values worked out by hand. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "dset.h"
#include "expr.h"
#include "htab.h"
#include "job.h"
#include "memacct.h"

/* Slots: 0 = a, 1 = b, 2 = ip (address), 3 = t (a time, ms), 4 = ip2, 5 = s (string); 'ips' = ip or
 * ip2; p = a as a field of 0..65535, u = a as one of 0..2^64 - 1; 7 = w (a sum: never negative),
 * 8 = r (a real). */
static uint64_t var_a, var_b, var_t;
static expr_int var_w;
static double var_r;
static uint8_t var_ip[17], var_ip2[17];
static const char *var_s = "Www.Example.COM.";
static char last_err[ERR_MSG_LEN];
static const char *var_names[] = {"badexample.com.", "WWW.Example.COM", "x.org."};
static size_t var_nnames = 3;

static size_t
names_at(const void *obj, size_t k, const uint8_t **p)
{
    (void)obj;
    *p = (const uint8_t *)var_names[k];
    return strlen(var_names[k]);
}

static int
resolve(void *ctx, const struct expr_ref *ref, struct expr_name *out, struct err *err)
{
    const char *name = ref->arg;
    size_t len = ref->len;

    (void)ctx;
    if (ref->func)
        return ERR_SET(err, ERR_USAGE, "no functions"), -1;
    if (len == 1 && name[0] == 'a')
        out->slot = 0;
    else if (len == 1 && name[0] == 'p')
        out->slot = 0, out->ranged = 1, out->lo = 0, out->hi = 65535;
    else if (len == 1 && name[0] == 'u')
        out->slot = 0, out->ranged = 1, out->lo = 0, out->hi = (expr_int)UINT64_MAX;
    else if (len == 1 && name[0] == 'w')
        out->slot = 7, out->ranged = 1, out->lo = 0, out->hi = EXPR_INT128_MAX;
    else if (len == 1 && name[0] == 'r')
        out->slot = 8, out->kind = EXPR_REAL;
    else if (len == 1 && name[0] == 'b')
        out->slot = 1;
    else if (len == 2 && memcmp(name, "ip", 2) == 0)
        out->slot = 2, out->kind = EXPR_ADDR;
    else if (len == 1 && name[0] == 't')
        out->slot = 3, out->time_ms = 1;
    else if (len == 3 && memcmp(name, "ip2", 3) == 0)
        out->slot = 4, out->kind = EXPR_ADDR;
    else if (len == 3 && memcmp(name, "ips", 3) == 0)
        out->slot = 2, out->slot2 = 4, out->kind = EXPR_ADDR;
    else if (len == 1 && name[0] == 's')
        out->slot = 5, out->kind = EXPR_STR, out->icase = 1;
    else if (len == 3 && memcmp(name, "dom", 3) == 0)
        out->slot = 6, out->kind = EXPR_STR, out->icase = 1, out->suffix = 1,
        out->name_at = names_at;
    else
        return ERR_SET(err, ERR_USAGE, "unknown '%.*s'", (int)len, name), -1;
    return 0;
}

static struct expr_val
get(const void *ctx, int slot)
{
    struct expr_val v = {EXPR_INT, 0, 0, NULL, 0, 0};

    (void)ctx;
    if (slot == 2 || slot == 4) {
        v.kind = EXPR_ADDR;
        v.a = slot == 2 ? var_ip : var_ip2;
    } else if (slot == 6) {
        v.kind = EXPR_STR;
        v.a = NULL;
        v.len = var_nnames;
    } else if (slot == 5) {
        v.kind = EXPR_STR;
        v.a = (const uint8_t *)var_s;
        v.len = strlen(var_s);
    } else if (slot == 7) {
        v.i = var_w;
    } else if (slot == 8) {
        v.kind = EXPR_REAL;
        v.d = var_r;
    } else {
        v.i = slot == 0 ? var_a : slot == 1 ? var_b : var_t;
    }
    return v;
}

/* 1 true, 0 not, -1 parse error, -2 evaluation error (message in last_err). */
static int
eval(const char *text)
{
    struct err err;
    struct expr *e;
    int r;

    err_init(&err);
    e = expr_parse(text, resolve, NULL, &err);
    if (e == NULL) {
        snprintf(last_err, sizeof(last_err), "%s", err.msg);
        return -1;
    }
    r = expr_test(e, get, NULL, &err);
    if (r < 0) {
        snprintf(last_err, sizeof(last_err), "%s", err.msg);
        r = -2;
    }
    expr_destroy(e);
    return r;
}

static void
set_ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    memset(var_ip, 0, sizeof(var_ip));
    var_ip[0] = 4;
    var_ip[11] = var_ip[12] = 0xff;
    var_ip[13] = a;
    var_ip[14] = b;
    var_ip[15] = c;
    var_ip[16] = d;
}

static void
test_expr(void)
{
    struct err err;

    var_a = 700;
    var_b = 10;
    CHECK(eval("a / b > 69.99") == 1);
    CHECK(eval("a / b > 70") == 0); /* strict */
    CHECK(eval("a / b >= 70") == 1);
    CHECK(eval("1 + 2 * 3 = 7") == 1); /* precedence */
    CHECK(eval("(1 + 2) * 3 = 9") == 1);
    CHECK(eval("a % 7 = 0 AND NOT b < 5") == 1);
    CHECK(eval("a = 1 or b = 10") == 1);
    var_b = 0;
    CHECK(eval("a / b > 1") == 0);       /* NULL */
    CHECK(eval("not (a / b > 1)") == 0); /* NOT NULL is NULL */
    CHECK(eval("a / b > 1 or a = 700") == 1);
    set_ip4(192, 168, 7, 9);
    CHECK(eval("ip in 192.168.0.0/16") == 1);
    CHECK(eval("ip in (10.0.0.0/8, 192.168.7.9)") == 1);
    CHECK(eval("ip in (10.0.0.0/8, 192.168.7.8/32)") == 0);
    CHECK(eval("ip not in (10.0.0.0/8)") == 1);
    CHECK(eval("ip in 192.169.0.0/16") == 0);
    CHECK(eval("ip in 0.0.0.0/0") == 1);
    CHECK(eval("ip in ::/0") == 1);
    set_ip4(192, 169, 0, 1);
    CHECK(eval("ip in 192.168.0.0/15") == 1);
    memset(var_ip, 0, sizeof(var_ip));
    var_ip[0] = 6;
    var_ip[1] = 0xfd;
    CHECK(eval("ip in fd00::/8") == 1);
    CHECK(eval("ip in 192.168.0.0/16") == 0);
    /* Errors name the position. */
    err_init(&err);
    CHECK(expr_parse("a > ", resolve, NULL, &err) == NULL);
    CHECK(strstr(err.msg, "offset") != NULL);
    err_init(&err);
    CHECK(expr_parse("zz = 1", resolve, NULL, &err) == NULL);
    CHECK(strstr(err.msg, "zz") != NULL);
    err_init(&err);
    CHECK(expr_parse("ip in 300.1.1.1/8", resolve, NULL, &err) == NULL);
    err_init(&err);
    CHECK(expr_parse("ip in 10.0.0.0/33", resolve, NULL, &err) == NULL);
    err_init(&err);
    CHECK(expr_parse("a = 1 b", resolve, NULL, &err) == NULL);
}

/* Exact signed arithmetic, overflow as an error, exact comparisons, types. */
static void
test_expr_exact(void)
{
    var_a = 55;
    var_b = 1000;
    /* unsigned wrap-around used to make these true */
    CHECK(eval("a - b > 1000000") == 0);
    CHECK(eval("a > b + 1000000") == 0);
    CHECK(eval("a - b = -945") == 1);
    CHECK(eval("a > -1") == 1);
    CHECK(eval("a - b < 0") == 1);
    CHECK(eval("-a = 0 - 55") == 1);
    CHECK(eval("-9223372036854775808 < 0") == 1);
    CHECK(eval("-7 % 3 = -1") == 1); /* C and Java: the sign of the dividend */
    CHECK(eval("7 % -3 = 1") == 1);
    CHECK(eval("a % 0 = 0") == 0); /* NULL */
    /* overflow: an error naming the sub-expression, never a wrapped value */
    CHECK(eval("a * 4294967296 * 4294967296 = 0") == -2);
    CHECK(strstr(last_err, "\"a * 4294967296 * 4294967296\"") != NULL);
    CHECK(strstr(last_err, "overflow") != NULL);
    CHECK(eval("9223372036854775807 + 1 > 0") == -2);
    CHECK(eval("-9223372036854775807 - 2 < 0") == -2);
    CHECK(eval("-(-9223372036854775807 - 1) > 0") == -2);
    CHECK(eval("9223372036854775807 + 0 > 0") == 1);
    CHECK(eval("9223372036854775808 > 0") == 1);      /* literals: exact to 2^127 - 1 */
    CHECK(eval("9223372036854775808 + 0 > 0") == -2); /* arithmetic: signed 64-bit */
    CHECK(eval("170141183460469231731687303715884105727 > 0") == 1);
    CHECK(eval("-170141183460469231731687303715884105727 < 0") == 1);
    CHECK(eval("170141183460469231731687303715884105728 > 0") == -1);
    CHECK(strstr(last_err, "beyond 128-bit") != NULL);
    CHECK(eval("-170141183460469231731687303715884105728 < 0") == -1);
    /* a false conjunct decides whatever the other gives; else the error */
    CHECK(eval("a = 1 and a * 9223372036854775807 > 0") == 0);
    CHECK(eval("a * 9223372036854775807 > 0 and a = 1") == 0);
    CHECK(eval("a * 9223372036854775807 > 0 and a = 55") == -2);
    CHECK(eval("a = 55 or a * 9223372036854775807 > 0") == 1);
    CHECK(eval("a * 9223372036854775807 > 0 or a = 55") == 1);
    CHECK(eval("a * 9223372036854775807 > 0 or a = 1") == -2);
    /* exact above 2^53, also against reals */
    var_a = 9007199254740993ull; /* 2^53 + 1 */
    CHECK(eval("a > 9007199254740992") == 1);
    CHECK(eval("a > 9007199254740992.0") == 1);
    CHECK(eval("a = 9007199254740992.0") == 0);
    CHECK(eval("a < 9007199254740994.0") == 1);
    CHECK(eval("a >= 9007199254740993.5") == 0);
    var_a = 18446744073709551615ull; /* fields are unsigned 64-bit */
    CHECK(eval("a > 9223372036854775807") == 1);
    CHECK(eval("a > 0") == 1);
    CHECK(eval("a - 1 > 0") == -2);
    CHECK(eval("a * 1 > 0") == -2);
    CHECK(eval("a * 0 = 0") == 1);
    /* types are checked when parsing, both sides named */
    CHECK(eval("ip = 53") == -1);
    CHECK(strstr(last_err, "ip (an address)") != NULL && strstr(last_err, "53 (an integer)"));
    CHECK(eval("a = 10.0.0.1") == -1);
    CHECK(strstr(last_err, "a (an integer)") != NULL &&
          strstr(last_err, "10.0.0.1 (an address)") != NULL);
    CHECK(eval("ip + 1 > 0") == -1);
    CHECK(eval("ip and a") == -1);
    CHECK(eval("ip") == -1);
    CHECK(eval("s = 1") == -1);
    CHECK(eval("a in (10.0.0.0/8)") == -1);
    CHECK(eval("ip in (1, 2)") == -1);
}

/*
 * Real literals compared with integers exactly (never through a double); reals refused where
 * a double would round them; literals outside a field's range refused. Values by hand:
 * 2^53 = 9007199254740992, 2^64 - 1 = 18446744073709551615,
 * 3 * (2^64 - 1) + 1000 = 3 * 2^64 + 997 = 55340232221128654848 + 997 = 55340232221128655845.
 */
static void
test_expr_literals(void)
{
    var_a = 18446744073709551615ull; /* a u64 counter at its maximum (review: 3 such flows) */
    CHECK(eval("u >= 18446744073709551615.0") == 1); /* was the double 2^64: false */
    CHECK(eval("u = 18446744073709551615") == 1);    /* was refused (beyond signed 64-bit) */
    CHECK(eval("u > 18446744073709551614.5") == 1);
    CHECK(eval("u < 18446744073709551615.0") == 0);
    CHECK(eval("a >= 18446744073709551615.5") == 0); /* a >= 2^64: false */
    CHECK(eval("a < 18446744073709551616.0") == 1);
    CHECK(eval("a = 18446744073709551616.0") == 0);
    CHECK(eval("a = 1.8446744073709551615e19") == 1);
    CHECK(eval("18446744073709551615.0 <= a") == 1);
    CHECK(eval("18446744073709551615.5 > a") == 1);
    var_a = 9007199254740993ull;                /* 2^53 + 1 */
    CHECK(eval("a = 9007199254740993.0") == 1); /* was 2^53 as a double: false */
    CHECK(eval("a > 9007199254740992.5") == 1);
    CHECK(eval("a < 9007199254740993.5") == 1);
    CHECK(eval("-a < -9007199254740992.5") == 1); /* -(2^53 + 1) < -(2^53 + 0.5) */
    CHECK(eval("-a < -9007199254740993.5") == 0);
    CHECK(eval("-a = -(9007199254740993.0)") == 1);
    var_a = 3;
    CHECK(eval("2.5 < a") == 1);
    CHECK(eval("3.5 < a") == 0);
    CHECK(eval("a <= 2.99") == 0);
    CHECK(eval("a >= 2.01") == 1);
    CHECK(eval("a > -0.5") == 1);
    CHECK(eval("a = 3.0 and a = 3e0 and a = 0.3e1 and a = 30e-1 and a = 0.0003e4") == 1);
    CHECK(eval("a * 2 > 5.5") == 1);
    CHECK(eval("a = 2.5") == -1); /* an integer never equals a fraction: refused */
    CHECK(strstr(last_err, "never true") != NULL && strstr(last_err, "2.5") != NULL);
    CHECK(eval("a != 2.5") == -1);
    CHECK(strstr(last_err, "always true") != NULL);
    CHECK(eval("a > 1e40") == -1); /* past the integers' exact range */
    CHECK(strstr(last_err, "1e40") != NULL);
    /* sums past 2^64 (--having) */
    var_w = (expr_int)18446744073709551615ull * 3 + 1000; /* the review's sum(bytes) */
    CHECK(eval("w < 55340232221128655846.0") == 1);       /* was the double 3 * 2^64 */
    CHECK(eval("w = 55340232221128655845") == 1);
    CHECK(eval("w > 55340232221128655844.99") == 1);
    CHECK(eval("w > 55340232221128655845.5") == 0);
    CHECK(eval("w = 170141183460469231731687303715884105727") == 0);
    /* reals stay doubles: a literal a double would round (from 2^53 on) is refused there */
    var_r = 0.5;
    CHECK(eval("r > 0.1") == 1);
    CHECK(eval("r < 9007199254740992.0") == 1);     /* 2^53: a double exactly */
    CHECK(eval("r < 18446744073709551616.0") == 1); /* 2^64: a double exactly */
    CHECK(eval("r < 9007199254740993.0") == -1);
    CHECK(strstr(last_err, "9007199254740993.0") != NULL && strstr(last_err, "rounded") != NULL);
    CHECK(eval("r < 9007199254740992.5") == -1);
    CHECK(eval("a / b > 18446744073709551615.5") == -1);
    CHECK(eval("a * 1.5 > 1e30") == -1);
    CHECK(eval("r + 9007199254740993.0 > 0") == -1);
    /* a field's range: a literal outside it, or a test no value passes, is refused */
    var_a = 53;
    CHECK(eval("p = 53 and p >= 0 and p <= 65535 and p < 65535 and p in (53, 65535)") == 1);
    CHECK(eval("p = 70000") == -1);
    CHECK(strstr(last_err, "never true") != NULL && strstr(last_err, "0 to 65535") != NULL);
    CHECK(eval("p < 70000") == -1);
    CHECK(strstr(last_err, "always true") != NULL);
    CHECK(eval("p != 70000") == -1);
    CHECK(eval("p > 65535") == -1);
    CHECK(eval("p >= 65536") == -1);
    CHECK(eval("p < 0") == -1);
    CHECK(eval("p <= -1") == -1);
    CHECK(eval("p = -1") == -1);
    CHECK(eval("70000 > p") == -1);
    CHECK(eval("p > 65534.5") == 0); /* p >= 65535: a value of p */
    CHECK(eval("p > 65535.5") == -1);
    CHECK(eval("p > -0.5") == -1); /* -0.5 lies outside 0..65535: always true */
    CHECK(eval("p < 65535.5") == -1);
    CHECK(eval("p in (53, 70000)") == -1);
    CHECK(strstr(last_err, "70000") != NULL && strstr(last_err, "never match") != NULL);
    CHECK(eval("p in (0..65536)") == -1);
    CHECK(eval("p not in (70000)") == -1);
    CHECK(eval("p in (-5..3)") == -1);
    CHECK(eval("p + 0 = 70000") == 0); /* arithmetic: no range known, simply false */
    CHECK(eval("u < 0") == -1);
    CHECK(eval("u > 18446744073709551615") == -1);
    CHECK(eval("u <= 18446744073709551615") == 1);
    CHECK(eval("u = 18446744073709551616") == -1);
    CHECK(eval("w < 0") == -1);
    CHECK(strstr(last_err, "never negative") != NULL);
    CHECK(eval("w >= 0") == 1);
}

/* Addresses, lists, ranges, either-side names, strings, times. */
static void
test_expr_lists(void)
{
    var_a = 5353;
    set_ip4(192, 168, 2, 64);
    CHECK(eval("ip = 192.168.2.64") == 1);
    CHECK(eval("ip != 192.168.2.64") == 0);
    CHECK(eval("ip = ::ffff:192.168.2.64") == 1); /* v4 and v4-mapped: one address */
    CHECK(eval("ip != 192.168.2.65") == 1);
    CHECK(eval("ip < 192.168.2.65 and ip > 10.0.0.1") == 1);
    CHECK(eval("a in (53, 5353)") == 1);
    CHECK(eval("a in (53, 5354)") == 0);
    CHECK(eval("a not in (53, 5354)") == 1);
    CHECK(eval("a in (1..1023, 5000..6000)") == 1);
    CHECK(eval("a in 5353") == 1);
    CHECK(eval("a - 6000 in (-1000..-600)") == 1);
    CHECK(eval("a in (10..5)") == -1); /* empty range */
    /* either side: true when one side is */
    memset(var_ip2, 0, sizeof(var_ip2));
    var_ip2[0] = 6;
    var_ip2[1] = 0x20;
    var_ip2[2] = 0x01;
    CHECK(eval("ips = 192.168.2.64") == 1);
    CHECK(eval("ips = 2001::") == 1);
    CHECK(eval("ips = 10.1.1.1") == 0);
    CHECK(eval("ips in (10.0.0.0/8, 2001::/16)") == 1);
    CHECK(eval("not ips = 10.1.1.1") == 1);
    CHECK(eval("ips != 10.1.1.1") == -1); /* ambiguous: refused */
    CHECK(eval("ips not in 10.0.0.0/8") == -1);
    /* strings: '' is a quote; names compare case-insensitively */
    CHECK(eval("s = 'www.example.com.'") == 1);
    CHECK(eval("s in ('a.b.', 'WWW.EXAMPLE.COM.')") == 1);
    CHECK(eval("s = 'it''s'") == 0);
    var_s = "it's";
    CHECK(eval("s = 'IT''S'") == 1);
    var_s = "Www.Example.COM.";
    /* times: ISO 8601 UTC literals against a time slot */
    var_t = 1693789200000ull; /* 2023-09-04T01:00:00Z */
    CHECK(eval("t = '2023-09-04T01:00:00Z'") == 1);
    CHECK(eval("t >= '2023-09-04T01:00' and t < '2023-09-04T01:01'") == 1);
    CHECK(eval("t > '2023-09-04'") == 1);
    CHECK(eval("t < '2023-09-05'") == 1);
    CHECK(eval("t + 1 > '2023-09-04T01:00:00.000Z'") == 1);
    CHECK(eval("t = '2023-02-30'") == -1);
    CHECK(eval("a = '2023-09-04'") == -1); /* not a time */
    /* domains by label suffix, case-insensitive, with or without the dots */
    CHECK(eval("dom in ('example.com')") == 1); /* WWW.Example.COM, not badexample.com. */
    var_nnames = 1;
    CHECK(eval("dom in ('example.com')") == 0);
    CHECK(eval("dom in ('*.EXAMPLE.com.', 'com')") == 1);
    CHECK(eval("dom in ('badexample.com.')") == 1);
    CHECK(eval("dom in ('.')") == -1); /* empty domain */
    CHECK(eval("dom = 'x'") == -1);    /* many names: only in */
    var_nnames = 3;
    CHECK(eval("dom in ('org')") == 1);
    CHECK(eval("dom not in ('org', 'net')") == 0);
}

static void
test_dset(void)
{
    struct memacct acct;
    struct err err;
    struct dset a, b;
    uint8_t item[17];

    memacct_init(&acct, 0);
    err_init(&err);
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    memset(item, 0, sizeof(item));
    /* 1000 distinct items, each added twice. */
    for (int rep = 0; rep < 2; rep++)
        for (int i = 0; i < 1000; i++) {
            item[15] = (uint8_t)i;
            item[16] = (uint8_t)(i >> 8);
            CHECK(dset_add(&a, item, 17, &acct, &err) == (rep == 0));
        }
    CHECK_EQ_U64(a.n, 1000);
    /* b holds 500..1499: the union has 1500. */
    for (int i = 500; i < 1500; i++) {
        item[15] = (uint8_t)i;
        item[16] = (uint8_t)(i >> 8);
        dset_add(&b, item, 17, &acct, &err);
    }
    CHECK(dset_merge(&a, &b, 17, &acct, &err) == 0);
    CHECK_EQ_U64(a.n, 1500);
    dset_fini(&a, 17, &acct);
    dset_fini(&b, 17, &acct);
    CHECK_EQ_U64(atomic_load(&acct.used), 0);
    /* A limit is an error, never a crash. */
    memacct_init(&acct, 100);
    for (int i = 0; i < 100; i++) {
        item[15] = (uint8_t)i;
        if (dset_add(&a, item, 17, &acct, &err) < 0)
            break;
    }
    CHECK(err.code == ERR_LIMIT);
    dset_fini(&a, 17, &acct);
}

static void
test_htab(void)
{
    struct memacct acct;
    struct err err;
    struct htab *t;
    char key[32];
    int is_new;
    size_t found = 0;

    memacct_init(&acct, 0);
    err_init(&err);
    t = htab_create(8, &acct, &err);
    /* 100000 keys, each upserted 3 times; a weak hash (key % 97) forces collisions. */
    for (int rep = 0; rep < 3; rep++)
        for (int i = 0; i < 100000; i++) {
            int len = snprintf(key, sizeof(key), "key-%d", i);
            uint64_t h = ((uint64_t)(i % 97) << 58) | (uint64_t)(i % 97);
            struct htab_entry *e =
                htab_upsert(t, (const uint8_t *)key, (uint32_t)len, h, &is_new, &err);

            CHECK(e != NULL);
            CHECK(is_new == (rep == 0));
            (*(uint64_t *)(void *)htab_entry_val(e))++;
        }
    CHECK_EQ_U64(htab_count(t), 100000);
    for (unsigned p = 0; p < HTAB_PARTS; p++)
        for (size_t i = 0; i < htab_part_cap(t, p); i++) {
            struct htab_entry *e = htab_part_slot(t, p, i);

            if (e) {
                found++;
                CHECK_EQ_U64(*(uint64_t *)(void *)htab_entry_val(e), 3);
            }
        }
    CHECK_EQ_U64(found, 100000);
    { /* htab_id(): another table's is another; a cleared sub-table changes it */
        struct htab *u = htab_create(8, &acct, &err);
        uint64_t id = htab_id(t);

        CHECK(u != NULL && htab_id(u) != id);
        CHECK(htab_id(t) == id); /* upserts leave it */
        htab_part_clear(u, 3);
        CHECK(htab_id(u) != id);
        htab_destroy(u);
    }
    htab_destroy(t);
    CHECK_EQ_U64(atomic_load(&acct.used), 0);
    /* Memory limit. */
    memacct_init(&acct, 1 << 20);
    t = htab_create(8, &acct, &err);
    CHECK(t != NULL);
    for (int i = 0; i < 1000000; i++) {
        int len = snprintf(key, sizeof(key), "key-%d", i);

        if (htab_upsert(t, (const uint8_t *)key, (uint32_t)len, (uint64_t)i * 0x9E3779B97F4A7C15u,
                        &is_new, &err) == NULL)
            break;
    }
    CHECK(err.code == ERR_LIMIT);
    CHECK(strstr(err.msg, "--mem-limit") != NULL);
    htab_destroy(t);
}

/* A weak hash (i % 13, partition i % 2): many keys share a hash, so a link compares keys. */
static uint64_t
link_hash(int i)
{
    return ((uint64_t)(i % 2) << 58) | (uint64_t)(i % 13);
}

static struct htab *
link_table(int from, int to, struct memacct *acct, struct err *err)
{
    struct htab *t = htab_create(8, acct, err);
    char key[32];
    int is_new;

    for (int i = from; i < to; i++) {
        int len = snprintf(key, sizeof(key), "k%d", i);
        struct htab_entry *e =
            htab_upsert(t, (const uint8_t *)key, (uint32_t)len, link_hash(i), &is_new, err);

        CHECK(e != NULL && is_new);
        *(uint64_t *)(void *)htab_entry_val(e) = (uint64_t)i;
    }
    return t;
}

/* htab_part_link() by a slot's hash and htab_part_reserve(): keys 0..2999 and 2000..4999 give
 * 5000 groups, the 1000 both hold found (not linked) whatever their hash neighbours. */
static void
test_htab_link(void)
{
    struct memacct acct;
    struct err err;
    struct htab *a, *b;
    size_t linked_n = 0, both = 0;
    char key[32];
    int is_new;

    memacct_init(&acct, 0);
    err_init(&err);
    a = link_table(0, 3000, &acct, &err);
    b = link_table(2000, 5000, &acct, &err);
    for (unsigned p = 0; p < 2; p++) {
        size_t cap_before = htab_part_cap(a, p);

        CHECK(htab_part_reserve(a, p, htab_part_count(a, p) + htab_part_count(b, p), &err) == 0);
        CHECK(htab_part_cap(a, p) > cap_before);
        cap_before = htab_part_cap(a, p);
        for (size_t i = 0; i < htab_part_cap(b, p); i++) {
            struct htab_entry *e = htab_part_slot(b, p, i);
            struct htab_entry *d;
            int linked;

            if (e == NULL)
                continue;
            d = htab_part_link(a, p, e, htab_part_slot_hash(b, p, i), &linked, &err);
            CHECK(d != NULL);
            if (linked) {
                CHECK(d == e);
                linked_n++;
            } else {
                CHECK(d != e);
                CHECK_EQ_U64(*(uint64_t *)(void *)htab_entry_val(d),
                             *(uint64_t *)(void *)htab_entry_val(e));
                both++;
            }
        }
        CHECK_EQ_U64(htab_part_cap(a, p), cap_before); /* reserved: no growth while linking */
    }
    CHECK_EQ_U64(linked_n, 2000);
    CHECK_EQ_U64(both, 1000);
    CHECK_EQ_U64(htab_count(a), 5000);
    for (int i = 0; i < 5000; i++) { /* every key once, with its own value */
        int len = snprintf(key, sizeof(key), "k%d", i);
        struct htab_entry *e =
            htab_upsert(a, (const uint8_t *)key, (uint32_t)len, link_hash(i), &is_new, &err);

        CHECK(e != NULL && !is_new);
        CHECK_EQ_U64(*(uint64_t *)(void *)htab_entry_val(e), (uint64_t)i);
    }
    htab_free_slots(b); /* a's slots point into b's arena: b's entries outlive a's use */
    htab_destroy(a);
    htab_destroy(b);
    CHECK_EQ_U64(atomic_load(&acct.used), 0);
}

/* htab_part_find() and htab_part_drop(): keys 0..2999 and 2000..4999; the 1000 both hold are
 * found in a (with a's own value), the 2000 only b holds are not; once those found are dropped
 * from b, walking a and b gives every key once. */
static void
test_htab_find_drop(void)
{
    struct memacct acct;
    struct err err;
    struct htab *a, *b;
    static unsigned char seen[5000];
    size_t found = 0, missed = 0, walked = 0;

    memacct_init(&acct, 0);
    err_init(&err);
    memset(seen, 0, sizeof(seen));
    a = link_table(0, 3000, &acct, &err);
    b = link_table(2000, 5000, &acct, &err);
    for (unsigned p = 0; p < HTAB_PARTS; p++) {
        size_t cap_before = htab_part_cap(a, p), n_before = htab_part_count(a, p);

        for (size_t i = 0; i < htab_part_cap(b, p); i++) {
            struct htab_entry *e = htab_part_slot(b, p, i);
            struct htab_entry *d;
            uint64_t v;

            if (e == NULL)
                continue;
            v = *(uint64_t *)(void *)htab_entry_val(e);
            d = htab_part_find(a, p, e, htab_part_slot_hash(b, p, i));
            if (v < 3000) { /* a holds it: its own entry, with the same key's value */
                CHECK(d != NULL && d != e);
                CHECK_EQ_U64(*(uint64_t *)(void *)htab_entry_val(d), v);
                htab_part_drop(b, p, i);
                CHECK(htab_part_slot(b, p, i) == NULL);
                found++;
            } else {
                CHECK(d == NULL);
                missed++;
            }
        }
        CHECK_EQ_U64(htab_part_cap(a, p), cap_before); /* a unchanged */
        CHECK_EQ_U64(htab_part_count(a, p), n_before);
    }
    CHECK_EQ_U64(found, 1000);
    CHECK_EQ_U64(missed, 2000);
    CHECK_EQ_U64(htab_count(b), 2000);
    for (int w = 0; w < 2; w++) {
        struct htab *t = w ? b : a;

        for (unsigned p = 0; p < HTAB_PARTS; p++)
            for (size_t i = 0; i < htab_part_cap(t, p); i++) {
                struct htab_entry *e = htab_part_slot(t, p, i);

                if (e == NULL)
                    continue;
                walked++;
                seen[*(uint64_t *)(void *)htab_entry_val(e)]++;
            }
    }
    CHECK_EQ_U64(walked, 5000);
    for (int i = 0; i < 5000; i++)
        CHECK_EQ_U64(seen[i], 1);
    htab_destroy(a);
    htab_destroy(b);
    CHECK_EQ_U64(atomic_load(&acct.used), 0);
}

static void
test_job_text(void)
{
    static struct job job; /* 11 KB: off the stack */
    struct job_text t;
    struct job_text_buf buf;
    struct job_dns_names n = {70, 2, 0, 20};
    struct job_dns_dest d = {"192.168.0.0/16", 70, 500, 0, 20};
    struct err err;

    err_init(&err);
    CHECK(job_preset_dns_names(&n, NULL, &t, &buf, &err) == 0);
    CHECK(job_build(&job, &t, &err) == 0);
    CHECK_EQ_U64(job.ncols, 7);
    CHECK_EQ_U64(job.nkeys, 2);
    CHECK_EQ_STR(job.cols[3].name, "#sIP");
    CHECK_EQ_STR(job.cols[3].json_name, "sIP");
    CHECK_EQ_STR(job.cols[job.order_col].name, "bytes");
    CHECK(job.order_desc == 1);
    job_fini(&job);
    CHECK(job_preset_dns_dest(&d, NULL, &t, &buf, &err) == 0);
    CHECK(job_build(&job, &t, &err) == 0);
    CHECK(job.view == REC_SILK);
    CHECK_EQ_STR(job.cols[0].name, "dIP");
    job_fini(&job);
    /* --where on a preset is ANDed into its filter */
    CHECK(job_preset_dns_names(&n, "sip in 10.0.0.0/8 or dport = 53", &t, &buf, &err) == 0);
    CHECK_EQ_STR(t.where, "(app = 53 and ndns > 0) and (sip in 10.0.0.0/8 or dport = 53)");
    CHECK(job_preset_dns_dest(&d, "dport = 53", &t, &buf, &err) == 0);
    CHECK(strstr(t.where, ") and (dport = 53)") != NULL);
    /* The analyst's --where (where_typed) inside a preset's filter: a syntax error points into
     * what was typed (offsets counted by hand), and a text whose parentheses do not pair is
     * refused, never run as "(filter) and (x) or (y)" past the preset's filter. */
    {
        static const struct {
            const char *typed, *msg;
        } bad[] = {
            {"bytes > > 3", "in expression \"bytes > > 3\" at offset 8: "},
            {"bytes > 'abc", "in expression \"bytes > 'abc\" at offset 8: "},
            {"bytes > 0) or (bytes > 0",
             "in expression \"bytes > 0) or (bytes > 0\" at offset 9: "},
            {"(bytes > 0", "in expression \"(bytes > 0\" at offset 10: "},
        };
        static const char *const good[] = {
            "dns.name in ('a(b.', 'c''d)') or (bytes > 0 and (packets > 0))",
            "bytes > 0",
        };

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            err_init(&err);
            CHECK(job_preset_dns_names(&n, bad[i].typed, &t, &buf, &err) == 0);
            t.where_typed = bad[i].typed;
            CHECK(job_build(&job, &t, &err) == -ERR_USAGE);
            CHECK(strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)) == 0);
            t.where_typed = NULL; /* without it: the offset into the composed filter */
            err_init(&err);
            if (job_build(&job, &t, &err) == 0)
                job_fini(&job);
        }
        for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
            err_init(&err);
            CHECK(job_preset_dns_dest(&d, good[i], &t, &buf, &err) == 0);
            t.where_typed = good[i];
            CHECK(job_build(&job, &t, &err) == 0);
            job_fini(&job);
        }
        err_init(&err);
    }
    /* count(*), case-insensitive fields, duplicate JSON keys refused */
    memset(&t, 0, sizeof(t));
    t.group_by = "PROTO, Dip";
    t.aggs = "n=count(*), s=SUM(Bytes)";
    CHECK(job_build(&job, &t, &err) == 0);
    job_fini(&job);
    t.aggs = "#x=count(), x=sum(bytes)";
    err_init(&err);
    CHECK(job_build(&job, &t, &err) < 0);
    CHECK(strstr(err.msg, "named twice") != NULL);
    err_init(&err);

    memset(&t, 0, sizeof(t));
    t.group_by = "nosuchfield";
    CHECK(job_build(&job, &t, &err) == -ERR_USAGE);
    CHECK(strstr(err.msg, "nosuchfield") != NULL);
    err_init(&err);
    t.group_by = "dip";
    t.aggs = "x=median(bytes)";
    CHECK(job_build(&job, &t, &err) == -ERR_USAGE);
    err_init(&err);
    t.aggs = "n=count()";
    t.order = "missing desc";
    CHECK(job_build(&job, &t, &err) == -ERR_USAGE);
    err_init(&err);
    t.order = NULL;
    t.having = "size(dip) > 1";
    CHECK(job_build(&job, &t, &err) == -ERR_USAGE);
}

/* A small deterministic generator (xorshift64*), so a failure names its seed. */
static uint64_t rng_state;

static uint64_t
rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

/* Small values, so that the constants of the filters below are hit often. */
static uint64_t
pick(const uint64_t *v, size_t n)
{
    return v[rng() % n];
}

/*
 * The compiled --where (job_keep_flow + job_keep_rec) must agree with the
 * expression tree (expr_true + job_where_get) on every record, for every
 * view, including NULLs (x / 0), real constants, swapped sides, CIDR lists,
 * DNS predicates, and filters with more conjuncts than the plan holds.
 */
/*
 * A watchlist of 5,000 IPv4 entries (so its set has the /24 bitmap) into
 * path: some of the flows' addresses below (every byte from octets[]), some
 * in their /24s but not them, /24 blocks, and random ones that miss.
 */
static void
write_flow_watchlist(const char *path, const uint8_t octets[5])
{
    FILE *f = fopen(path, "w");

    CHECK(f != NULL);
    if (f == NULL)
        return;
    for (int i = 0; i < 5000; i++) {
        const uint8_t *o = octets;

        switch (i % 10) {
        case 0:
            fprintf(f, "%u.%u.%u.%u\n", o[rng() % 5], o[rng() % 5], o[rng() % 5], o[rng() % 5]);
            break;
        case 1:
            fprintf(f, "%u.%u.%u.77 # same /24\n", o[rng() % 5], o[rng() % 5], o[rng() % 5]);
            break;
        case 2:
            if (i % 100 == 2)
                fprintf(f, "%u.%u.%u.0/24\n", o[rng() % 5], o[rng() % 5], o[rng() % 5]);
            else
                fprintf(f, "2001:db8::%x/128\n", (unsigned)(rng() % 8));
            break;
        default:
            fprintf(f, "%u.%u.%u.%u\n", (unsigned)(rng() % 223 + 1), (unsigned)(rng() % 256),
                    (unsigned)(rng() % 256), (unsigned)(rng() % 256));
        }
    }
    fclose(f);
}

static void
test_where_plan(void)
{
    static char wl_where[2][64];
    static const char *const wheres[] = {
        wl_where[0],
        wl_where[1],
        "not addr in (10.0.0.0/8, 192.168.1.0/24)",
        "addr in (10.1.0.0/16, 192.168.1.1, ::ffff:1.0.0.0/104)",
        "app = 53 and ndns > 0",
        "app = 53 and bytes / packets >= 70",
        "app = 53 and sip in (192.168.0.0/16, 10.0.0.0/8) and bytes / packets >= 70",
        "53 = app and 0 < ndns and 70.5 <= bytes / packets",
        "app != 53 and dip not in (10.0.0.0/8) and sport >= 1024",
        "bytes / packets > 70 or ndns = 2",
        "not (app = 53) and proto = 17",
        "ndns * 2 > 2 and app - 50 = 3",
        "rbytes / rpackets >= 10 and bytes / rpackets < 100.25",
        "sip = 192.168.1.10 and app = 53",
        "addr = 10.1.10.1 and bytes - rbytes > -5",
        "port in (53, 1000..1024) and bytes - 100 >= -30",
        "dport in (53) and not addr in 10.0.0.0/8 and bytes * packets > 140",
        "bytes - 2 > -1 and sport - dport < 0",
        "start >= '1970-01-01T00:00:01Z' and bytes in (0..3, 53)",
        "sip in 10.0.0.0/8 and dip in (::ffff:10.0.0.0/104, 2001:db8::/32)",
        "not addr in (10.0.0.0/8, 192.168.1.0/24) and proto = 17",
        "addr in (10.1.0.0/16, 192.168.1.1) and not sip in 10.1.0.0/16",
        "not not dip not in (192.168.0.0/16) and not (not addr in (1.0.0.0/8))",
        "(sip in (10.0.0.0/8) or dip in (10.0.0.0/8)) and (sip in 10.0.0.0/8 or dip in "
        "192.0.0.0/8)",
        "not (sip not in (10.0.0.0/8) or dip not in (10.0.0.0/8)) and app = 53",
        "count_type(16) > 0 and app = 53 and count_suffix('.com.') >= 1",
        "count_name('a.com.') = 1 and ndns >= 1.5",
        "app = 53 and (ndns > 0 and bytes > 100) and (packets < 3 or proto = 6)",
        "hour >= 0 and start > 5 and end < 100000 and dport = 53",
        "app = 53 and ndns > 0 and proto = 17 and sport = 53 and dport > 0 and bytes > 0 and "
        "packets > 0 and rbytes >= 0 and rpackets >= 0 and start >= 0 and end >= 0 and "
        "hour >= 0 and sip in 0.0.0.0/0 and dip in 0.0.0.0/0 and ndns < 100 and app < 100 and "
        "proto < 100",
        "bytes / packets",
        "bytes % 3 = 1 and packets",
    };
    static const char *const views[] = {"flows", "silk", "silk-forward"};
    static const uint64_t nums[] = {0, 1, 2, 3, 53, 70, 71, 140, 7000, 100};
    static const uint16_t apps[] = {0, 53, 80};
    static const uint8_t octets[] = {10, 192, 168, 1, 0};
    static const char *const names[] = {"a.com.", "b.org.", "x.a.com."};
    unsigned seed = 12345;
    char path[] = "/tmp/test_exec_plan_XXXXXX";
    int fd = mkstemp(path);

    CHECK(fd >= 0);
    if (fd < 0)
        return;
    close(fd);
    rng_state = seed;
    write_flow_watchlist(path, octets);
    snprintf(wl_where[0], sizeof(wl_where[0]), "not addr in @%s", path);
    snprintf(wl_where[1], sizeof(wl_where[1]), "addr in @%s", path);
    for (size_t wi = 0; wi < sizeof(wheres) / sizeof(wheres[0]); wi++) {
        for (size_t vi = 0; vi < 3; vi++) {
            static struct job job; /* 11 KB: off the stack */
            struct job_text t;
            struct err err;

            memset(&t, 0, sizeof(t));
            t.records = views[vi];
            t.where = wheres[wi];
            t.group_by = "dip";
            err_init(&err);
            if (job_build(&job, &t, &err) != 0) {
                fprintf(stderr, "where %s: %s\n", wheres[wi], err.msg);
                CHECK(0);
                continue;
            }
            for (int k = 0; k < 20000; k++) {
                struct flow f;
                struct dns_rr rr[3];
                struct rec recs[2];
                uint8_t addr[JOB_WHERE_SCRATCH];
                int n, keep_flow;

                memset(&f, 0, sizeof(f));
                f.start_ms = (int64_t)pick(nums, 10) * 1000;
                f.end_ms = f.start_ms + (int64_t)pick(nums, 10);
                f.bytes = pick(nums, 10);
                f.packets = pick(nums, 10) % 4;
                f.rev_bytes = pick(nums, 10);
                f.rev_packets = pick(nums, 10) % 3;
                f.family = 4;
                f.sip[10] = f.sip[11] = f.dip[10] = f.dip[11] = 0xff;
                for (int b = 12; b < 16; b++) {
                    f.sip[b] = octets[rng() % 5];
                    f.dip[b] = octets[rng() % 5];
                }
                if (rng() % 8 == 0) { /* IPv6: v4-mapped as exported (flow.h), or 2001:db8::x */
                    f.family = 6;
                    if (rng() % 2) {
                        memset(f.sip, 0, 12);
                        f.sip[0] = 0x20, f.sip[1] = 0x01, f.sip[2] = 0x0d, f.sip[3] = 0xb8;
                        f.sip[15] = (uint8_t)(rng() % 8);
                    }
                }
                f.sport = (uint16_t)(rng() % 2 ? 53 : 40000);
                f.dport = (uint16_t)(rng() % 2 ? 53 : 1000);
                f.app_label = apps[rng() % 3];
                f.proto = (uint8_t)(rng() % 2 ? 17 : 6);
                f.ndns = (uint32_t)(rng() % 4);
                for (uint32_t i = 0; i < f.ndns; i++) {
                    memset(&rr[i], 0, sizeof(rr[i]));
                    rr[i].name = (const uint8_t *)names[rng() % 3];
                    rr[i].name_len = (uint32_t)strlen((const char *)rr[i].name);
                    rr[i].rrtype = (uint16_t)(rng() % 2 ? 1 : 16);
                }
                f.dns = f.ndns ? rr : NULL;
                keep_flow = job_keep_flow(&job, &f);
                /* the reader's pre-test (a watchlist's direct path) as the plan's tests */
                if (job_keep_flow_pre(&job, &f) != job_keep_flow_pre_tests(&job, &f) ||
                    (keep_flow && !job_keep_flow_pre(&job, &f))) {
                    fprintf(stderr, "seed=%u where \"%s\" view %s flow %d: pre-test %d, plan %d\n",
                            seed, wheres[wi], views[vi], k, job_keep_flow_pre(&job, &f),
                            job_keep_flow_pre_tests(&job, &f));
                    CHECK(0);
                    break;
                }
                n = record_views(&f, job.view, job.bytes_total, recs);
                CHECK(n == record_count(&f, job.view));
                for (int i = 0; i < n; i++) {
                    struct job_where_ctx w = {&job, &recs[i], addr};
                    struct err e1, e2;
                    int want, got;

                    err_init(&e1);
                    err_init(&e2);
                    want = expr_test(job.where, job_where_get, &w, &e1);
                    got = keep_flow ? job_keep_rec(&job, &recs[i], &e2) : 0;

                    if (want != got) {
                        fprintf(stderr,
                                "seed=%u where \"%s\" view %s record %d: tree %d, plan %d\n", seed,
                                wheres[wi], views[vi], k, want, got);
                        CHECK(0);
                        k = 1 << 30;
                        break;
                    }
                }
            }
            job_fini(&job);
        }
    }
    unlink(path);
}

/*
 * dset against a naive reference (a seen[] table over a small item universe),
 * for every width the engine uses and an odd one, through every state
 * (inline, array, hash) and merges between any two of them.
 */
static void
test_dset_random(void)
{
    static const size_t widths[] = {17, 8, 16, 5};
    enum {
        UNIVERSE = 300,
        SETS = 24
    };
    struct memacct acct;
    struct err err;
    unsigned seed = 777;

    rng_state = seed;
    memacct_init(&acct, 0);
    err_init(&err);
    for (size_t wi = 0; wi < 4; wi++) {
        size_t width = widths[wi];
        struct dset sets[SETS];
        static uint8_t seen[SETS][UNIVERSE];
        uint8_t item[17];

        memset(sets, 0, sizeof(sets));
        memset(seen, 0, sizeof(seen));
        for (int s = 0; s < SETS; s++) {
            /* Set s draws from the first 1 + s * s / 2 items: sizes from 1 to ~265. */
            unsigned span = 1u + (unsigned)(s * s) / 2u;

            for (int k = 0; k < 400; k++) {
                unsigned x = (unsigned)(rng() % span);
                int want = !seen[s][x];

                /* Items differ in their last bytes, as addresses do. */
                memset(item, 0, sizeof(item));
                item[0] = 4;
                item[width - 1] = (uint8_t)x;
                item[width - 2] = (uint8_t)(x >> 8);
                seen[s][x] = 1;
                CHECK(dset_add(&sets[s], item, width, &acct, &err) == want);
            }
        }
        for (int s = 0; s + 1 < SETS; s += 2) {
            uint64_t want = 0;

            CHECK(dset_merge(&sets[SETS - 1 - s], &sets[s], width, &acct, &err) == 0);
            for (unsigned x = 0; x < UNIVERSE; x++) {
                seen[SETS - 1 - s][x] |= seen[s][x];
                want += seen[SETS - 1 - s][x];
            }
            CHECK_EQ_U64(sets[SETS - 1 - s].n, want);
            /* Everything merged in is now present. */
            for (unsigned x = 0; x < UNIVERSE; x++) {
                memset(item, 0, sizeof(item));
                item[0] = 4;
                item[width - 1] = (uint8_t)x;
                item[width - 2] = (uint8_t)(x >> 8);
                if (seen[s][x])
                    CHECK(dset_add(&sets[SETS - 1 - s], item, width, &acct, &err) == 0);
            }
        }
        for (int s = 0; s < SETS; s++)
            dset_fini(&sets[s], width, &acct);
    }
    CHECK_EQ_U64(atomic_load(&acct.used), 0);
}

/* addr_item() - address item x: IPv4 ::ffff:10.0.x (family 4), or when v6, an IPv6 one. */
static void
addr_item(unsigned x, int v6, uint8_t item[17])
{
    memset(item, 0, 17);
    if (v6) {
        item[0] = 6;
        item[1] = 0x20;
        item[2] = 0x01;
    } else {
        item[0] = 4;
        item[11] = 0xFF;
        item[12] = 0xFF;
        item[13] = 10;
    }
    item[15] = (uint8_t)(x >> 8);
    item[16] = (uint8_t)x;
}

/*
 * Address sets through the compact IPv4 states (inline, hash) and the mixed
 * state an IPv6 item (or an IPv4 one in a wide set) brings, against a naive reference: all-IPv4
 * sets, sets whose first item is IPv6, sets that turn mixed late, 0.0.0.0
 * (a zero address must not read as an empty slot), the same host as IPv4 and
 * as an IPv6 v4-mapped address (different items, as Spark counts them), and
 * merges between every pair of states, both ways.
 */
static void
test_dset_addresses(void)
{
    enum {
        UNIVERSE = 600,
        SETS = 16
    };
    static uint8_t seen[SETS][2 * UNIVERSE];
    struct dset sets[SETS];
    struct memacct acct;
    struct err err;
    uint8_t item[17];

    rng_state = 4242;
    memacct_init(&acct, 0);
    err_init(&err);
    memset(sets, 0, sizeof(sets));
    memset(seen, 0, sizeof(seen));
    for (int s = 0; s < SETS; s++) {
        unsigned span = 1u + (unsigned)(s * s * 2); /* 1 .. 451 addresses */
        int v6_from = s % 4 == 0   ? -1
                      : s % 4 == 1 ? 0
                      : s % 4 == 2 ? 300
                                   : 1000; /* k of first v6 */

        for (int k = 0; k < 700; k++) {
            unsigned x = (unsigned)(rng() % span);
            int v6 = v6_from >= 0 && k >= v6_from && rng() % 3 == 0;
            unsigned slot = x + (v6 ? UNIVERSE : 0);

            addr_item(x, v6, item);
            CHECK(dset_add(&sets[s], item, 17, &acct, &err) == !seen[s][slot]);
            seen[s][slot] = 1;
        }
    }
    /* 0.0.0.0 and ::ffff:10.0.0.5 as IPv6: new items in a compact set */
    memset(item, 0, 17);
    item[0] = 4;
    item[11] = item[12] = 0xFF;
    CHECK(dset_add(&sets[4], item, 17, &acct, &err) == 1);
    CHECK(dset_add(&sets[4], item, 17, &acct, &err) == 0);
    addr_item(5, 0, item);
    item[0] = 6;
    CHECK(dset_add(&sets[8], item, 17, &acct, &err) == 1);
    addr_item(5, 0, item);
    CHECK(dset_add(&sets[8], item, 17, &acct, &err) == !seen[8][5]);
    seen[8][5] = 1;
    {
        uint64_t n4 = 0, n8 = 0;

        for (unsigned x = 0; x < 2 * UNIVERSE; x++) {
            n4 += seen[4][x];
            n8 += seen[8][x];
        }
        CHECK_EQ_U64(sets[4].n, n4 + 1);
        CHECK_EQ_U64(sets[8].n, n8 + 1);
    }
    /* merge set a into set b for pairs across every state, then check membership */
    for (int a = 1; a < SETS; a += 2) {
        int b = (a * 5) % SETS;
        uint64_t want = 0;

        if (b == a || b == 4 || b == 8 || a == 4 || a == 8)
            continue;
        CHECK(dset_merge(&sets[b], &sets[a], 17, &acct, &err) == 0);
        for (unsigned x = 0; x < 2 * UNIVERSE; x++) {
            seen[b][x] |= seen[a][x];
            want += seen[b][x];
        }
        CHECK_EQ_U64(sets[b].n, want);
        for (unsigned x = 0; x < 2 * UNIVERSE; x++) {
            addr_item(x % UNIVERSE, x >= UNIVERSE, item);
            CHECK(dset_add(&sets[b], item, 17, &acct, &err) == !seen[b][x]);
            seen[b][x] = 1;
        }
    }
    for (int s = 0; s < SETS; s++)
        dset_fini(&sets[s], 17, &acct);
    CHECK_EQ_U64(atomic_load(&acct.used), 0);
}

/* ---- address sets against a linear scan ---------------------------------- */

__extension__ typedef unsigned __int128 u128_t;

struct tr {
    u128_t lo, hi;
};

static void
bytes_of(u128_t k, uint8_t a[16])
{
    for (int i = 15; i >= 0; i--, k >>= 8)
        a[i] = (uint8_t)k;
}

#define V4M ((u128_t)0xffff << 32) /* ::ffff:0.0.0.0 */

/* A random 128-bit key: mostly IPv4 (v4-mapped) from few /8s, some near the block's ends. */
static u128_t
rand_key(void)
{
    static const uint8_t tops[] = {0, 10, 192, 255, 1};
    uint32_t v4 = (uint32_t)tops[rng() % 5] << 24 | (uint32_t)(rng() % 4) << 16 |
                  (uint32_t)(rng() % 256) << 8 | (uint32_t)(rng() % 256);

    switch (rng() % 8) {
    case 0:
        return V4M - 1 - rng() % 3; /* just below the v4-mapped block */
    case 1:
        return V4M + 0xffffffffu + 1 + rng() % 3; /* just above it */
    case 2:
        return (u128_t)0x20010db8u << 96 | (u128_t)(rng() % 4) << 64 | rng() % 4;
    case 3:
        return V4M + (uint32_t)rng();
    default:
        return V4M + v4;
    }
}

/* Writes n random entries (addresses and CIDR blocks of both families) to path and r[]. */
static void
write_list(const char *path, struct tr *r, size_t n)
{
    FILE *f = fopen(path, "w");

    CHECK(f != NULL);
    if (f == NULL)
        return;
    fprintf(f, "# generated\n");
    for (size_t i = 0; i < n; i++) {
        u128_t k = rand_key();
        unsigned bits = 128;
        uint8_t a[16];
        char txt[64];
        int v4 = k >= V4M && k <= V4M + 0xffffffffu;

        if (rng() % 6 == 0)
            bits = v4 ? 96 + 20 + (unsigned)(rng() % 12) : 120 + (unsigned)(rng() % 8);
        if (i == n / 2 && (n == 300 || n == 700)) {
            k = V4M + 7;
            bits = n == 700 ? 0 : 95; /* everything, or the v4-mapped block and below */
        }
        if (bits < 128)
            k &= ~(~(u128_t)0 >> bits);
        r[i].lo = k;
        r[i].hi = k | (bits == 128 ? 0 : ~(u128_t)0 >> bits);
        bytes_of(k, a);
        if (v4 && bits >= 96 && r[i].lo >= V4M)
            fprintf(f, "%u.%u.%u.%u/%u  # v4\n", a[12], a[13], a[14], a[15], bits - 96);
        else
            fprintf(f, "%s/%u\n", inet_ntop(AF_INET6, a, txt, sizeof(txt)), bits);
    }
    fclose(f);
}

/*
 * "ip in @FILE" for lists of every size the set's indexes switch at (a /16
 * index from 64 IPv4 ranges, the /24 bitmap from 4,096 IPv4 entries) against
 * a linear scan of the entries, probing the entries' ends and their
 * neighbours, the ends of the v4-mapped block and random addresses.
 */
static void
test_addr_sets(void)
{
    static const size_t sizes[] = {3, 70, 300, 700, 12000}; /* the last: > 4,096 in IPv4 */
    char path[] = "/tmp/test_exec_wl_XXXXXX";
    int fd = mkstemp(path);

    CHECK(fd >= 0);
    if (fd < 0)
        return;
    close(fd);
    rng_state = 1313;
    for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
        size_t n = sizes[si];
        struct tr *r = calloc(n, sizeof(*r));
        char text[128];
        struct expr *e[2];
        struct err err;

        write_list(path, r, n);
        snprintf(text, sizeof(text), "ip in @%s", path);
        err_init(&err);
        e[0] = expr_parse(text, resolve, NULL, &err);
        snprintf(text, sizeof(text), "not ips in @%s", path);
        e[1] = expr_parse(text, resolve, NULL, &err);
        CHECK(e[0] != NULL && e[1] != NULL);
        for (size_t p = 0; p < (n < 2000 ? 4 * n + 4000 : 5000) && e[0] && e[1]; p++) {
            u128_t x;
            int want = 0, got;

            switch (p % 5) {
            case 0:
                x = r[rng() % n].lo;
                break;
            case 1:
                x = r[rng() % n].hi;
                break;
            case 2:
                x = r[rng() % n].lo - 1;
                break;
            case 3:
                x = r[rng() % n].hi + 1;
                break;
            default:
                x = rand_key();
                break;
            }
            for (size_t i = 0; i < n && !want; i++)
                want = r[i].lo <= x && x <= r[i].hi;
            memset(var_ip, 0, sizeof(var_ip));
            memset(var_ip2, 0, sizeof(var_ip2));
            var_ip[0] = x >= V4M && x <= V4M + 0xffffffffu ? 4 : 6;
            bytes_of(x, var_ip + 1);
            var_ip2[0] = 6; /* ::, in a list only through ::/0 */
            got = expr_test(e[0], get, NULL, &err);
            if (got != want) {
                fprintf(stderr, "list of %zu, probe %zu: want %d, got %d\n", n, p, want, got);
                CHECK(0);
                break;
            }
            for (size_t i = 0; i < n && want == 0; i++) /* ip2 = ::, listed by ::/0 alone */
                want = r[i].lo == 0;
            want = !want;
            got = expr_test(e[1], get, NULL, &err);
            if (got != want) {
                fprintf(stderr, "not ips, list of %zu, probe %zu: want %d, got %d\n", n, p, want,
                        got);
                CHECK(0);
                break;
            }
        }
        expr_destroy(e[0]);
        expr_destroy(e[1]);
        free(r);
    }
    unlink(path);
}

int
main(void)
{
    RUN(test_expr);
    RUN(test_expr_exact);
    RUN(test_expr_literals);
    RUN(test_expr_lists);
    RUN(test_addr_sets);
    RUN(test_dset);
    RUN(test_htab);
    RUN(test_htab_link);
    RUN(test_htab_find_drop);
    RUN(test_job_text);
    RUN(test_where_plan);
    RUN(test_dset_random);
    RUN(test_dset_addresses);
    return CHECK_DONE();
}
