/*
 * test_hunt_side.c - dns-hunt's side file (hunt_side.h): built from a layout and states the
 * test makes, parsed back against the test's own record (each entry's place in the roll-up,
 * key, names, its clients' hashes and the most active series' hours as the test laid its
 * series out, the client totals, the window); every truncation and every single-bit change
 * rejected with a reason; a key of the report's server view refused.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hunt.h"
#include "hunt_side.h"
#include "mem.h"

#define NG 40 /* groups; and 3 client totals */
#define NT 3

static struct hunt h;
static struct hunt_val vals[NG + NT];
static uint64_t series[NG][40];
static uint8_t keys[NG + NT][32];
static struct partial_group_at at[NG + NT];

/*
 * Group i: key "gI.example." (a domain key ends in '.'), names 1 + i, clients c = 1 + i % 3
 * with hashes 1000 + 7 * k (k < c): client 0 has 12 + i % 5 queries 120 s apart from hour
 * 10 (so its series spans 1 + (11 + i % 5) * 120 / 3600 hours), the others one query each.
 */
static void
make(void)
{
    memset(&h, 0, sizeof(h));
    h.o.by = HUNT_BY_DOMAIN;
    h.o.len_norm = 40;
    h.o.entropy_norm = 4;
    for (int i = 0; i < NG; i++) {
        struct hunt_val *v = &vals[i];
        uint32_t c = 1 + (uint32_t)i % 3, n = 0;

        memset(v, 0, sizeof(*v));
        v->flows = v->queries = v->records = 10 + (uint64_t)i;
        v->qbytes.lo = 1000 + (uint64_t)i;
        v->rbytes.lo = 500;
        v->qpackets.lo = 10;
        v->busy.lo = 30;
        v->qlen_sum = 200 + (uint64_t)i;
        v->ent_sum = 3000000ull * (uint64_t)(i + 1);
        v->first_ms = ~(36000000ull + (uint64_t)i * 3600000ull);
        v->last_ms = 36000000ull + (uint64_t)(i + 1) * 3600000ull;
        v->names.n = 1 + (uint32_t)i;
        v->clients.n = c;
        for (uint32_t k = 0; k < 12 + (uint32_t)i % 5; k++)
            series[i][n++] = (uint64_t)1000 << 32 | (36000 + 120 * k);
        for (uint32_t k = 1; k < c; k++)
            series[i][n++] = (uint64_t)(1000 + 7 * k) << 32 | 36000;
        v->times.p = series[i];
        v->times.n = v->times.cap = n;
        snprintf((char *)keys[i], sizeof(keys[i]), "g%d.example.", i);
        at[i].key = keys[i];
        at[i].key_len = (uint32_t)strlen((char *)keys[i]);
        at[i].hash = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1) + (uint64_t)(i % 4 == 0); /* some alike */
        if (i % 4 == 1)
            at[i].hash = at[i - 1].hash; /* two groups of one hash */
        at[i].off = 64 + 100 * (uint64_t)i;
        at[i].len = 50 + (uint64_t)i;
        at[i].sum = 0xabcdef00ull + (uint64_t)i;
    }
    for (int j = 0; j < NT; j++) { /* client totals: the client's hash, then 0 */
        struct hunt_val *v = &vals[NG + j];
        uint32_t ch = 1000 + 7 * (uint32_t)j;

        memset(v, 0, sizeof(*v));
        v->qbytes.lo = 100 + (uint64_t)j;
        v->rbytes.lo = 1;
        v->rbytes.hi = (uint64_t)j; /* 128 bits */
        memcpy(keys[NG + j], &ch, 4);
        keys[NG + j][4] = HUNT_KEY_END;
        at[NG + j].key = keys[NG + j];
        at[NG + j].key_len = HUNT_TAG_LEN;
        at[NG + j].hash = 77 + (uint64_t)j;
        at[NG + j].off = 64 + 100 * (uint64_t)(NG + j);
        at[NG + j].len = 40;
        at[NG + j].sum = 5;
    }
}

static void
build(struct partial_buf *b)
{
    struct partial_layout lay = {8000, 1, 2, 3, at, NG + NT};
    const struct hunt_val *vp[NG + NT];
    uint8_t fp[16] = {1, 2, 3};
    struct err err;

    for (int i = 0; i < NG + NT; i++)
        vp[i] = &vals[i];
    err_init(&err);
    CHECK(hunt_side_build(&h, &lay, vp, fp, b, &err) == 0);
}

static void
test_round_trip(void)
{
    struct partial_buf b = {0};
    uint8_t *copy;
    struct hside s;
    struct err err;

    make();
    build(&b);
    copy = mem_alloc(b.len);
    memcpy(copy, b.p, b.len);
    err_init(&err);
    CHECK(hunt_side_parse(copy, b.len, 0, &s, &err) == 0);
    CHECK_EQ_U64(s.groups, NG);
    CHECK_EQ_U64(s.tags, NT);
    CHECK_EQ_U64(s.roll.size, 8000);
    CHECK_EQ_U64(s.roll.trailer_sum, 3);
    CHECK_EQ_U64(s.first_hour, 10);
    CHECK_EQ_U64(s.last_hour, 10 + NG);
    for (int i = 0; i < NG; i++) {
        uint64_t k = hunt_side_find(&s, at[i].hash);
        struct hside_ent e;
        int found = 0;
        uint32_t c = 1 + (uint32_t)i % 3;

        for (; k < s.groups; k++) {
            hunt_side_ent(&s, k, &e);
            if (e.hash != at[i].hash)
                break;
            if (e.key_len == at[i].key_len && memcmp(e.key, keys[i], e.key_len) == 0) {
                found = 1;
                break;
            }
        }
        CHECK(found);
        if (!found)
            continue;
        CHECK_EQ_U64(e.off, at[i].off);
        CHECK_EQ_U64(e.len, at[i].len);
        CHECK_EQ_U64(e.sum, at[i].sum);
        CHECK_EQ_U64(e.parts.names, 1 + i);
        CHECK_EQ_U64(e.parts.first_ms, vals[i].first_ms);
        /* client 0's series: 12 + i % 5 queries 120 s apart from 10:00 */
        CHECK_EQ_U64(e.parts.maxh, 1 + (11 + i % 5) * 120 / 3600);
        CHECK(e.parts.bytes == 1500.0 + i);
        CHECK_EQ_U64(e.ncl, c);
        for (uint32_t k2 = 0; k2 < e.ncl && k2 < c; k2++)
            CHECK_EQ_U64(hunt_side_client(&s, e.cl_off + k2), 1000 + 7 * k2);
    }
    for (uint64_t j = 0; j < NT; j++) {
        uint64_t hash;
        uint32_t ch;
        struct hunt_wide w;

        hunt_side_tag(&s, j, &hash, &ch, &w);
        CHECK_EQ_U64(ch, 1000 + 7 * j);
        CHECK_EQ_U64(hash, 77 + j);
        CHECK_EQ_U64(w.lo, 101 + j);
        CHECK_EQ_U64(w.hi, j);
    }
    hunt_side_fini(&s);
    partial_buf_fini(&b);
}

static void
test_damage(void)
{
    struct partial_buf b = {0};
    size_t bad_cut = 0, bad_flip = 0, flips = 0;

    make();
    build(&b);
    for (size_t n = 0; n < b.len; n++) { /* every truncation */
        uint8_t *c = mem_alloc(n + 1);
        struct hside s;
        struct err err;

        memcpy(c, b.p, n);
        err_init(&err);
        bad_cut += hunt_side_parse(c, n, 0, &s, &err) == -ERR_FORMAT && err.msg[0] != '\0';
        hunt_side_fini(&s);
    }
    CHECK_EQ_U64(bad_cut, b.len);
    for (size_t i = 0; i < b.len; i++) /* every single-bit change */
        for (int bit = 0; bit < 8; bit++) {
            uint8_t *c = mem_alloc(b.len);
            struct hside s;
            struct err err;

            memcpy(c, b.p, b.len);
            c[i] ^= (uint8_t)(1u << bit);
            err_init(&err);
            flips++;
            bad_flip += hunt_side_parse(c, b.len, 0, &s, &err) == -ERR_FORMAT;
            hunt_side_fini(&s);
        }
    CHECK_EQ_U64(bad_flip, flips);
    partial_buf_fini(&b);
}

static void
test_server_view_refused(void)
{
    static uint8_t srv[HUNT_SRV_LEN];
    struct partial_group_at g = {1, srv, HUNT_SRV_LEN, 8, 20, 0};
    struct partial_layout lay = {100, 0, 0, 0, &g, 1};
    const struct hunt_val *vp[1];
    struct partial_buf b = {0};
    uint8_t fp[16] = {0};
    struct err err;

    make();
    vp[0] = &vals[0];
    srv[HUNT_SRV_LEN - 1] = HUNT_KEY_END;
    err_init(&err);
    CHECK(hunt_side_build(&h, &lay, vp, fp, &b, &err) == -ERR_INTERNAL);
    partial_buf_fini(&b);
}

int
main(void)
{
    RUN(test_round_trip);
    RUN(test_damage);
    RUN(test_server_view_refused);
    return CHECK_DONE();
}
