/* test_out.c - Spark show() text, CSV and JSON, byte for byte (expected text by hand). */
#include <stdlib.h>

#include "check.h"
#include "out.h"

static char *
render(const struct out_table *t, enum out_format fmt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct err err;

    err_init(&err);
    CHECK(out_write(f, t, fmt, &err) == 0);
    fclose(f);
    return buf;
}

static const struct out_col names_cols[] = {
    {"dnsName", "dnsName"}, {"dnsRRType", "dnsRRType"}, {"flows", "flows"},    {"#sIP", "sIP"},
    {"#dIP", "dIP"},        {"bytes", "bytes"},         {"packets", "packets"}};

#define u64(v)                       out_cell_u64(v)
#define list(kind, packed, bytes, n) out_cell_list((kind), (packed), (bytes), (n))

/* The worked example of ipfix-dns-format.md section 5. */
static void
test_spark_example(void)
{
    static const char two[] = "\x00\x19"
                              "252.0.0.224.in-addr.arpa."
                              "\x00\x19"
                              "252.0.0.224.in-addr.arpa.";
    static const char one[] = "\x00\x0c"
                              "example.com.";
    struct out_cell cells[14] = {list(OUT_TEXT_LIST, two, sizeof(two) - 1, 2),
                                 list(OUT_U16_LIST, "\x00\x0c\x00\x0c", 4, 2),
                                 u64(3),
                                 u64(2),
                                 u64(1),
                                 u64(501),
                                 u64(6),
                                 list(OUT_TEXT_LIST, one, sizeof(one) - 1, 1),
                                 list(OUT_U16_LIST, "\x00\x01", 2, 1),
                                 u64(1),
                                 u64(1),
                                 u64(1),
                                 u64(80),
                                 u64(1)};
    struct out_table t = {names_cols, 7, cells, 2, 1, 0};
    char *s = render(&t, OUT_FORMAT_TABLE);

    CHECK_EQ_STR(s, "+------------------------------------------------------+---------+-----+----+-"
                    "---+-----+-------+\n"
                    "|dnsName                                               "
                    "|dnsRRType|flows|#sIP|#dIP|bytes|packets|\n"
                    "+------------------------------------------------------+---------+-----+----+-"
                    "---+-----+-------+\n"
                    "|[252.0.0.224.in-addr.arpa., 252.0.0.224.in-addr.arpa.]|[12, 12] |3    |2   "
                    "|1   |501  |6      |\n"
                    "|[example.com.]                                        |[1]      |1    |1   "
                    "|1   |80   |1      |\n"
                    "+------------------------------------------------------+---------+-----+----+-"
                    "---+-----+-------+\n"
                    "only showing top 2 rows\n"
                    "\n");
    free(s);
    t.nrows = 1;
    s = render(&t, OUT_FORMAT_TABLE);
    CHECK(strstr(s, "only showing top 1 row\n\n") != NULL);
    free(s);
}

static void
test_empty_and_short_columns(void)
{
    static const struct out_col cols[] = {{"a", "a"}, {"bb", "bb"}};
    struct out_table t = {cols, 2, NULL, 0, 0, 0};
    char *s = render(&t, OUT_FORMAT_TABLE);

    /* Zero rows: sep, header, sep, sep; widths are at least 3. */
    CHECK_EQ_STR(s, "+---+---+\n|a  |bb |\n+---+---+\n+---+---+\n\n");
    free(s);
    s = render(&t, OUT_FORMAT_CSV);
    CHECK_EQ_STR(s, "a,bb\r\n");
    free(s);
    s = render(&t, OUT_FORMAT_JSON);
    CHECK_EQ_STR(s, "");
    free(s);
}

/* One row of hostile names: ESC sequence, NUL, newline, comma, quote, backslash, invalid UTF-8,
 * empty. */
static const char hostile_names[] = "\x00\x0b"
                                    "\x1b[31mred\x00\n,"
                                    "\x00\x06"
                                    "q\"\\\xc3\x28."
                                    "\x00\x00";
static struct out_cell hostile_cells[7];

static struct out_table
hostile_table(void)
{
    struct out_cell row[7] = {list(OUT_TEXT_LIST, hostile_names, sizeof(hostile_names) - 1, 3),
                              list(OUT_U16_LIST, "\x00\x10\x00\x01\x00\x00", 6, 3),
                              u64(1),
                              u64(1),
                              u64(1),
                              u64(200),
                              u64(2)};
    struct out_table t = {names_cols, 7, hostile_cells, 1, 0, 0};

    memcpy(hostile_cells, row, sizeof(row));
    return t;
}

static void
test_hostile_names(void)
{
    struct out_table t = hostile_table();
    char *s = render(&t, OUT_FORMAT_CSV);

    CHECK_EQ_STR(
        s, "dnsName,dnsRRType,flows,#sIP,#dIP,bytes,packets\r\n"
           /* lists: their JSON array text, so "a, b" inside a name stays one name */
           "\"[\"\"\\\\x1B[31mred\\\\x00\\\\x0A,\"\",\"\"q\\\"\"\\\\\\\\xC3(.\"\",\"\"\"\"]\","
           "\"[16,1,0]\",1,1,1,200,2\r\n");
    free(s);
    s = render(&t, OUT_FORMAT_JSON);
    CHECK_EQ_STR(s, "{\"dnsName\":[\"\\\\x1B[31mred\\\\x00\\\\x0A,\",\"q\\\"\\\\\\\\xC3(.\",\"\"],"
                    "\"dnsRRType\":[16,1,0],\"flows\":1,\"sIP\":1,\"dIP\":1,\"bytes\":200,"
                    "\"packets\":2}\n");
    free(s);
    s = render(&t, OUT_FORMAT_TABLE);
    for (const char *p = s; *p; p++)
        CHECK(*p == '\n' || (*p >= 0x20 && *p <= 0x7e));
    CHECK(strstr(s, "|[\\x1B[31mred\\x00\\x0A,, q\"\\\\xC3(., ]|[16, 1, 0]|") != NULL);
    free(s);
}

static void
test_addr_render(void)
{
    static const struct out_col cols[] = {{"dIP", "dIP"}};
    struct out_cell cells[2] = {{.kind = OUT_ADDR}, {.kind = OUT_ADDR}};
    struct out_table t = {cols, 1, cells, 2, 0, 0};
    char *s;

    cells[0].v.addr.family = 4;
    cells[0].v.addr.a[10] = cells[0].v.addr.a[11] = 0xff;
    cells[0].v.addr.a[12] = 192;
    cells[0].v.addr.a[13] = 168;
    cells[0].v.addr.a[14] = 1;
    cells[0].v.addr.a[15] = 1;
    cells[1].v.addr.family = 6;
    cells[1].v.addr.a[0] = 0x20;
    cells[1].v.addr.a[1] = 0x01;
    cells[1].v.addr.a[2] = 0x0d;
    cells[1].v.addr.a[3] = 0xb8;
    cells[1].v.addr.a[15] = 1;
    s = render(&t, OUT_FORMAT_CSV);
    CHECK_EQ_STR(s, "dIP\r\n192.168.1.1\r\n2001:db8::1\r\n");
    free(s);
}

/* CSV cells a spreadsheet would run as formulas: "'" in front by default (OWASP), kept on request.
 */
static void
test_csv_formulas(void)
{
    static const struct out_col cols[] = {{"KEY", "KEY"}, {"n", "n"}, {"names", "names"}};
    static const char *keys[] = {
        "=HYPERLINK(\"http://x\",\"y\")", "+1", "-2", "@SUM(A1)", "a=b", ""};
    static const char list_item[] = "\x00\x05=1+2.";
    struct out_cell cells[6 * 3];
    struct out_table t = {cols, 3, cells, 6, 0, 0};
    struct out_opts keep = {1};
    char *buf = NULL;
    size_t len = 0;
    FILE *f;
    struct err err;
    char *s;

    for (size_t i = 0; i < 6; i++) {
        cells[3 * i] = out_cell_list(OUT_TEXT, keys[i], (uint32_t)strlen(keys[i]), 0);
        cells[3 * i + 1] = u64(i);
        cells[3 * i + 2] = list(OUT_TEXT_LIST, list_item, sizeof(list_item) - 1, 1);
    }
    s = render(&t, OUT_FORMAT_CSV);
    CHECK_EQ_STR(s, "KEY,n,names\r\n"
                    "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",0,\"[\"\"=1+2.\"\"]\"\r\n"
                    "'+1,1,\"[\"\"=1+2.\"\"]\"\r\n"
                    "'-2,2,\"[\"\"=1+2.\"\"]\"\r\n"
                    "'@SUM(A1),3,\"[\"\"=1+2.\"\"]\"\r\n"
                    "a=b,4,\"[\"\"=1+2.\"\"]\"\r\n"
                    ",5,\"[\"\"=1+2.\"\"]\"\r\n");
    free(s);
    err_init(&err);
    f = open_memstream(&buf, &len);
    CHECK(out_write_opts(f, &t, OUT_FORMAT_CSV, &keep, &err) == 0);
    fclose(f);
    CHECK(strstr(buf, "\r\n\"=HYPERLINK(") != NULL);
    CHECK(strstr(buf, "\r\n+1,1,") != NULL);
    CHECK(strstr(buf, "\r\n-2,2,") != NULL);
    free(buf);
    /* The table and JSON never change a cell. */
    s = render(&t, OUT_FORMAT_JSON);
    CHECK(strstr(s, "{\"KEY\":\"+1\",") != NULL);
    free(s);
}

/* With --print-json: prints the hostile row as JSON, for a parser to check (tests/exec.cmake). */
static int
print_hostile_json(void)
{
    struct out_table t = hostile_table();
    struct err err;

    err_init(&err);
    return out_write(stdout, &t, OUT_FORMAT_JSON, &err) == 0 ? 0 : 1;
}

/* avg's cells: the exact fraction rounded to 6 decimals, half to even (by hand). */
static void
test_ratio(void)
{
    static const struct {
        uint64_t lo, hi, den;
        const char *want;
    } cases[] = {
        {7, 0, 2, "3.5"},
        {2, 0, 3, "0.666667"},
        {1, 0, 8000000, "0"},                     /* 0.000000125 */
        {1, 0, 2000000, "0"},                     /* 0.0000005: half, to the even 0 */
        {3, 0, 2000000, "0.000002"},              /* 0.0000015: half, to the even 2 */
        {5, 0, 2000000, "0.000002"},              /* 0.0000025: half, to the even 2 */
        {19999999999999, 0, 20000000, "1000000"}, /* 999999.99999995: carries into the units */
        {0, 1, 1, "18446744073709551616"},        /* 2^64 */
        {1, 1, 2, "9223372036854775808.5"},       /* (2^64 + 1) / 2 */
        {6, 0, 3, "2"},
    };
    struct out_str str = {0};

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct out_cell c = out_cell_ratio(cases[i].lo, cases[i].hi, cases[i].den);

        out_str_reset(&str);
        out_cell_render(&c, &str);
        CHECK_EQ_STR(str.p, cases[i].want);
    }
    out_str_fini(&str);
    {
        struct out_cell a = out_cell_ratio(2, 0, 3), b = out_cell_ratio(666667, 0, 1000000);
        struct out_cell big = out_cell_ratio(UINT64_MAX, UINT64_MAX, UINT64_MAX);
        struct out_cell big2 = out_cell_u128(1, 1); /* 2^64 + 1 = big */
        struct out_cell t = out_cell_list(OUT_TEXT, "x", 1, 0);

        CHECK(out_cell_cmp_num(&a, &b) == -1); /* 2/3 < 0.666667 although both print so */
        CHECK(out_cell_cmp_num(&b, &a) == 1);
        CHECK(out_cell_cmp_num(&big, &big2) == 0);
        CHECK(out_cell_cmp_num(&a, &t) == 2);
    }
}

int
main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--print-json") == 0)
        return print_hostile_json();
    RUN(test_spark_example);
    RUN(test_empty_and_short_columns);
    RUN(test_hostile_names);
    RUN(test_addr_render);
    RUN(test_csv_formulas);
    RUN(test_ratio);
    return CHECK_DONE();
}
