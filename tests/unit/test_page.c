/*
 * test_page.c - the report page writer (render/page.c): text is never markup.
 *
 * Renders pages whose names, paths and labels are markup and control bytes into
 * a memory stream and checks the bytes: each hostile text appears only in its
 * escaped form (\xHH, then character references), the page has no element the
 * data could have opened, the CSP is there, and one mark per row / series / point.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "page.h"

static const char hostile[] = "<img src=x onerror=alert(1)>.evil.";
static const char closer[] = "</svg><script>\"'&\x1b\xff";

static size_t
count(const char *hay, const char *needle)
{
    size_t n = 0;

    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

static char *
render(const struct page *pg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct err err;

    err_init(&err);
    CHECK(f != NULL);
    CHECK(page_write(f, pg, &err) == 0);
    fclose(f);
    return buf;
}

static void
test_escape(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    page_put_text(f, closer, sizeof(closer) - 1);
    fclose(f);
    CHECK_EQ_STR(buf, "&lt;/svg&gt;&lt;script&gt;&quot;&#39;&amp;\\x1B\\xFF");
    free(buf);
}

static void
test_page(void)
{
    struct out_col cols[3] = {{"domain", "domain"}, {"flows", "flows"}, {"why", "why"}};
    struct out_cell cells[6];
    struct out_table t = {cols, 3, cells, 2, 0, 0};
    struct page_table pt = {.id = "hunt-domain", .title = "t", .table = &t, .spark_title = "s"};
    uint64_t spark[2 * 3] = {1, 0, 2, 0, 0, 5};
    struct out_cell labels[2];
    struct out_cell sv[2 * 3];
    struct page_stack st = {
        .title = "stack", .unit = "bytes", .labels = labels, .nseries = 2, .v = sv};
    uint64_t x[2] = {1000, 1};
    struct out_cell y[2];
    struct page_scatter sc = {.title = "sc",
                              .xlabel = "x",
                              .ylabel = "y",
                              .labels = labels,
                              .x = x,
                              .y = y,
                              .n = 2,
                              .nmarked = 1};
    struct page_bad bad = {closer, "truncated message"};
    const char *paths[1] = {hostile};
    struct page pg = {.h = {.title = "flowsweep report",
                            .paths = paths,
                            .npaths = 1,
                            .window = closer,
                            .files = 2,
                            .flows = 3,
                            .bad = &bad,
                            .nbad = 1},
                      .hour0 = 1714521600,
                      .nhours = 3,
                      .tables = &pt,
                      .ntables = 1,
                      .stack = &st,
                      .scatter = &sc};
    char *html;

    cells[0] = out_cell_list(OUT_TEXT, hostile, sizeof(hostile) - 1, 1);
    cells[1] = out_cell_u64(3);
    cells[2] = out_cell_list(OUT_TEXT, closer, sizeof(closer) - 1, 1);
    cells[3] = out_cell_list(OUT_TEXT, closer, sizeof(closer) - 1, 1);
    cells[4] = out_cell_u64(5);
    cells[5] = out_cell_list(OUT_TEXT, "", 0, 1);
    sv[0] = out_cell_u64(10);
    sv[1] = out_cell_u64(20);
    sv[2] = out_cell_u128(7, 2); /* 2 * 2^64 + 7: past 2^64, exact in its title */
    sv[3] = out_cell_u64(1);
    sv[4] = out_cell_u64(0);
    sv[5] = out_cell_u64(0);
    y[0] = out_cell_u128(0, 40); /* 40 * 2^64 */
    y[1] = out_cell_u64(100);
    labels[0] = cells[0];
    labels[1] = cells[3];
    pt.spark = spark;

    html = render(&pg);
    CHECK(html != NULL);
    CHECK(strstr(html, "Content-Security-Policy\" content=\"default-src 'none'; style-src "
                       "'unsafe-inline'; img-src data:") != NULL);
    CHECK(strstr(html, "<script") == NULL);
    CHECK(strstr(html, "<img") == NULL);
    CHECK(strstr(html, "</svg><script") == NULL);
    CHECK(strstr(html, "\x1b") == NULL && strstr(html, "\xff") == NULL);
    /* every byte of the page is printable ASCII or a newline */
    for (const char *p = html; *p; p++)
        CHECK(*p == '\n' || (*p >= 0x20 && *p <= 0x7e));
    CHECK(count(html, "&lt;img src=x onerror=alert(1)&gt;.evil.") >= 5); /* path, cell, titles */
    CHECK(count(html, "&lt;/svg&gt;&lt;script&gt;&quot;&#39;&amp;\\x1B\\xFF") >= 4);
    /* counts past 2^64 are printed exactly (2 * 2^64 + 7, 40 * 2^64) */
    CHECK(strstr(html, "(36893488147419103239)</title>") != NULL);
    CHECK(strstr(html, "1000 names, 737869762948382064640 bytes</title>") != NULL);
    /* one mark per row, series, point */
    CHECK_EQ_U64(count(html, "<svg class=\"spark\""), 2);
    CHECK_EQ_U64(count(html, "<g class=\"series\""), 2);
    CHECK_EQ_U64(count(html, "<circle class=\"dot"), 2);
    CHECK_EQ_U64(count(html, "<tr><td class=\"rank\">"), 2);
    CHECK(strstr(html, "id=\"bad-files\"") != NULL);
    free(html);
}

int
main(void)
{
    RUN(test_escape);
    RUN(test_page);
    return CHECK_DONE();
}
