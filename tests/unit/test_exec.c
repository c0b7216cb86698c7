/* test_exec.c - expr, dset, htab, job text; expected values worked out by hand. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dset.h"
#include "expr.h"
#include "htab.h"
#include "job.h"
#include "memacct.h"

/* Slots: 0 = a, 1 = b, 2 = ip (address). */
static uint64_t var_a, var_b;
static uint8_t var_ip[17];

static int
resolve(void *ctx, const char *func, size_t flen, const char *name, size_t len, struct err *err)
{
    (void)ctx;
    (void)func;
    if (flen)
        return ERR_SET(err, ERR_USAGE, "no functions"), -1;
    if (len == 1 && name[0] == 'a')
        return 0;
    if (len == 1 && name[0] == 'b')
        return 1;
    if (len == 2 && memcmp(name, "ip", 2) == 0)
        return 2;
    return ERR_SET(err, ERR_USAGE, "unknown '%.*s'", (int)len, name), -1;
}

static struct expr_val
get(const void *ctx, int slot)
{
    struct expr_val v = {EXPR_INT, 0, 0, NULL};

    (void)ctx;
    if (slot == 2) {
        v.kind = EXPR_ADDR;
        v.a = var_ip;
    } else {
        v.u = slot == 0 ? var_a : var_b;
    }
    return v;
}

static int
eval(const char *text)
{
    struct err err;
    struct expr *e;
    int r;

    err_init(&err);
    e = expr_parse(text, resolve, NULL, &err);
    if (e == NULL) {
        fprintf(stderr, "parse failed: %s\n", err.msg);
        return -1;
    }
    r = expr_true(e, get, NULL);
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
    CHECK(eval("a / b > 70") == 0);   /* strict */
    CHECK(eval("a / b >= 70") == 1);
    CHECK(eval("1 + 2 * 3 = 7") == 1); /* precedence */
    CHECK(eval("(1 + 2) * 3 = 9") == 1);
    CHECK(eval("a % 7 = 0 AND NOT b < 5") == 1);
    CHECK(eval("a = 1 or b = 10") == 1);
    var_b = 0;
    CHECK(eval("a / b > 1") == 0);     /* NULL */
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
            struct htab_entry *e = htab_upsert(t, (const uint8_t *)key, (uint32_t)len, h,
                                               &is_new, &err);

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

static void
test_job_text(void)
{
    struct job job;
    struct job_text t;
    struct job_text_buf buf;
    struct job_dns_names n = {70, 2, 0, 20};
    struct job_dns_dest d = {"192.168.0.0/16", 70, 500, 0, 20};
    struct err err;

    err_init(&err);
    job_preset_dns_names(&n, &t, &buf);
    CHECK(job_build(&job, &t, &err) == 0);
    CHECK_EQ_U64(job.ncols, 7);
    CHECK_EQ_U64(job.nkeys, 2);
    CHECK_EQ_STR(job.cols[3].name, "#sIP");
    CHECK_EQ_STR(job.cols[3].json_name, "sIP");
    CHECK_EQ_STR(job.cols[job.order_col].name, "bytes");
    CHECK(job.order_desc == 1);
    job_fini(&job);
    job_preset_dns_dest(&d, &t, &buf);
    CHECK(job_build(&job, &t, &err) == 0);
    CHECK(job.view == REC_SILK);
    CHECK_EQ_STR(job.cols[0].name, "dIP");
    job_fini(&job);

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

int
main(void)
{
    RUN(test_expr);
    RUN(test_dset);
    RUN(test_htab);
    RUN(test_job_text);
    return CHECK_DONE();
}
