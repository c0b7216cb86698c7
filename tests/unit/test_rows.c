/*
 * test_rows.c - the export row writer (rows.h) against rows written out by
 * hand from docs/usage.md's rules: JSON Lines and RFC 4180 CSV, hostile names
 * (quote, backslash, a control byte, a comma) mapped 1:1 to printable text,
 * IPv4 dotted and a v4-mapped IPv6 address kept distinct.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rows.h"

static const uint8_t name1[] = {'a', '"', 'b', '\\', 'c', 0x01, '.'};
static const uint8_t name2[] = {'x', ',', 'y', '.'};

static void
v4_row(struct rows_rec *r, struct dns_rr rr[2], uint8_t sip[16], uint8_t dip[16])
{
    static const uint64_t num[9] = {53000, 53, 17, 53, 100, 1, 0, 0, 2};

    memset(r, 0, sizeof(*r));
    memset(rr, 0, 2 * sizeof(*rr));
    memset(sip, 0, 16);
    memset(dip, 0, 16);
    sip[10] = sip[11] = dip[10] = dip[11] = 0xff;
    sip[12] = 192, sip[13] = 168, sip[14] = 1, sip[15] = 2;
    dip[12] = dip[13] = dip[14] = dip[15] = 8;
    rr[0].name = name1;
    rr[0].name_len = sizeof(name1);
    rr[0].rrtype = 16;
    rr[1].name = name2;
    rr[1].name_len = sizeof(name2);
    rr[1].rrtype = 1;
    r->start_ms = 1;
    r->end_ms = -2;
    r->family = FLOW_IPV4;
    r->sip = sip;
    r->dip = dip;
    memcpy(r->num, num, sizeof(num));
    r->dns = rr;
    r->ndns = 2;
}

static void
v6_row(struct rows_rec *r, uint8_t sip[16], uint8_t dip[16])
{
    static const uint64_t num[9] = {1, 2, 6, 0, 3, 4, 5, 6, 0};

    memset(r, 0, sizeof(*r));
    memset(sip, 0, 16);
    memset(dip, 0, 16);
    sip[10] = sip[11] = 0xff;
    sip[12] = 1, sip[13] = 2, sip[14] = 3, sip[15] = 4;
    dip[0] = 0x20, dip[1] = 0x01, dip[2] = 0x0d, dip[3] = 0xb8, dip[15] = 1;
    r->start_ms = 5;
    r->end_ms = 6;
    r->family = FLOW_IPV6;
    r->sip = sip;
    r->dip = dip;
    memcpy(r->num, num, sizeof(num));
}

static void
check_rows_fields(enum rows_format fmt, const char *fields, const char *want)
{
    struct rows_buf b = {0};
    struct rows_layout l;
    struct err err;
    struct rows_rec r;
    struct dns_rr rr[2];
    uint8_t sip[16], dip[16], sip6[16], dip6[16];
    char *got;

    err_init(&err);
    CHECK(rows_layout_init(&l, fmt, fields, &err) == 0);
    rows_header(&b, &l);
    v4_row(&r, rr, sip, dip);
    rows_put(&b, &l, &r);
    v6_row(&r, sip6, dip6);
    rows_put(&b, &l, &r);
    got = calloc(1, b.len + 1);
    memcpy(got, b.p, b.len);
    CHECK_EQ_STR(got, want);
    free(got);
    rows_buf_fini(&b);
}

static void
check_rows(enum rows_format fmt, const char *want)
{
    check_rows_fields(fmt, NULL, want);
}

static void
test_jsonl(void)
{
    check_rows(ROWS_JSONL,
               "{\"start\":1,\"end\":-2,\"sip\":\"192.168.1.2\",\"dip\":\"8.8.8.8\",\"sport\":"
               "53000,\"dport\":53,\"proto\":17,\"app\":53,\"bytes\":100,\"packets\":1,\"rbytes\":"
               "0,\"rpackets\":0,\"ndns\":2,\"names\":[\"a\\\"b\\\\\\\\c\\\\x01.\",\"x,y.\"],"
               "\"types\":[16,1]}\n"
               "{\"start\":5,\"end\":6,\"sip\":\"::ffff:1.2.3.4\",\"dip\":\"2001:db8::1\","
               "\"sport\":1,\"dport\":2,\"proto\":6,\"app\":0,\"bytes\":3,\"packets\":4,\"rbytes\":"
               "5,\"rpackets\":6,\"ndns\":0,\"names\":[],\"types\":[]}\n");
}

static void
test_csv(void)
{
    check_rows(ROWS_CSV, "start,end,sip,dip,sport,dport,proto,app,bytes,packets,rbytes,rpackets,"
                         "ndns,names,types\r\n1,-2,192.168.1.2,8.8.8.8,53000,53,17,53,100,1,0,0,2,"
                         "\"[\"\"a\\\"\"b\\\\\\\\c\\\\x01.\"\",\"\"x,y.\"\"]\",\"[16,1]\"\r\n"
                         "5,6,::ffff:1.2.3.4,2001:db8::1,1,2,6,0,3,4,5,6,0,[],[]\r\n");
}

/* --fields: a subset, in the order named, case-insensitive, spaces around names allowed. */
static void
test_fields(void)
{
    check_rows_fields(ROWS_CSV, "types, SIP,start",
                      "types,sip,start\r\n\"[16,1]\",192.168.1.2,1\r\n[],::ffff:1.2.3.4,5\r\n");
    check_rows_fields(ROWS_JSONL, "names,dport",
                      "{\"names\":[\"a\\\"b\\\\\\\\c\\\\x01.\",\"x,y.\"],\"dport\":53}\n"
                      "{\"names\":[],\"dport\":2}\n");
}

static void
test_fields_refused(void)
{
    static const char *const bad[] = {"sip,sip", "sip,,dip", "sip,", "port", "", "sip,SIP",
                                      "bytes,\x01evil"};
    struct rows_layout l;
    struct err err;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err_init(&err);
        CHECK(rows_layout_init(&l, ROWS_CSV, bad[i], &err) < 0);
        CHECK(strstr(err.msg, "--fields") != NULL);
        for (const char *m = err.msg; *m; m++)
            CHECK((unsigned char)*m >= 0x20 && (unsigned char)*m < 0x7f); /* escaped */
    }
}

static void
test_format_parse(void)
{
    enum rows_format f;

    CHECK(rows_format_parse("jsonl", &f) == 0 && f == ROWS_JSONL);
    CHECK(rows_format_parse("json", &f) == 0 && f == ROWS_JSONL);
    CHECK(rows_format_parse("csv", &f) == 0 && f == ROWS_CSV);
    CHECK(rows_format_parse("xml", &f) < 0);
}

int
main(void)
{
    RUN(test_jsonl);
    RUN(test_csv);
    RUN(test_fields);
    RUN(test_fields_refused);
    RUN(test_format_parse);
    return CHECK_DONE();
}
