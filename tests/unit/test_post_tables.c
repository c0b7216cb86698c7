/*
 * test_post_tables.c - the SEI post's two result tables, rendered by flowsweep.
 *
 *   test_post_tables DIR [THE_POST_MD]
 *
 * The post ("Security Analytics: Using SiLK and Mothra to Identify Data Exfiltration via
 * the Domain Name Service") prints the output of its Mothra analytic on two captures,
 * dnsIDBenign.sc and dnsIDAbuse.sc. DIR holds that text as the post prints it
 * (tests/post/dnsIDBenign.txt, dnsIDAbuse.txt); the rows below are the same values typed
 * in by hand from the post. Each table's rows go through flowsweep's own table renderer
 * (out_write(), OUT_FORMAT_TABLE, the path of `flowsweep dns-names`), and the result is
 * compared with the post's text:
 *
 *   1. cell by cell, in order: header, then each row (the cell text without padding);
 *   2. the three "+---+" lines byte for byte: the text copy of the post collapsed runs
 *      of spaces but kept the dashes, so these lines still carry Spark's column widths;
 *   3. the whole text with runs of spaces collapsed to one, as the copy did, line for
 *      line, the footer included;
 *   4. the padding rule on its own, as Spark documents show(n, truncate = false): the
 *      width of a column is the longest of its cells, header included (at least 3), and
 *      every cell is left-aligned (padded with spaces on the right; truncate > 0 would
 *      right-align). The expected lines are built here from the post's cells, and the
 *      post's "+---+" lines are checked against the same widths, so the rule itself is
 *      tested against Spark's real output.
 *
 * The cut: the post's code ends in result.show(20,false), yet both tables show 10 rows
 * and the footer "only showing top 10 rows". Spark's showString() takes numRows + 1 rows
 * and, when there were more than numRows, writes "only showing top <numRows> rows" with
 * its own argument, so show(20, false) can only print "top 20". The tables therefore come
 * from a run with show(10, false) (an earlier or later edit of the script than the code
 * sample), and each result had more than 10 groups. The rows are rendered with that cut:
 * 10 rows, more existed.
 *
 * The rows are also checked against the code and prose of the post, which catches a typo
 * in the copy: bytes/packets > 70, fewer than 3 names, bytes descending, and the post's
 * "maximum average packet length ... (81 vs. 78)" over the single-name rows.
 *
 * With THE_POST_MD (../shared/docs/the-post.md, when present) the two text files are also
 * checked to be the post's own text, verbatim.
 */
#include <stdlib.h>

#include "check.h"
#include "out.h"

#define POST_ROWS 10 /* rows each table shows */
#define POST_COLS 7

struct post_row {
    const char *names[2]; /* dnsName, in the order the post prints them */
    uint16_t types[2];    /* dnsRRType */
    unsigned n;           /* names (and types) in the row */
    uint64_t flows, sip, dip, bytes, packets;
};

struct post_table {
    const char *file;  /* the post's text of it, in DIR */
    const char *title; /* the line before it in the post */
    struct post_row rows[POST_ROWS];
    unsigned bpp; /* the post's "maximum average packet length", rounded */
};

#define PTR1(name, fl, s, d, b, p)               \
    {                                            \
        {name, NULL}, {12, 0}, 1, fl, s, d, b, p \
    }
#define PTR2(a, b_, fl, s, d, b, p)          \
    {                                        \
        {a, b_}, {12, 12}, 2, fl, s, d, b, p \
    }

static const struct post_table tables[] = {
    {"dnsIDBenign.txt",
     "dnsIDBenign.sc output:\n",
     {PTR1("252.0.0.224.in-addr.arpa.", 2835, 1, 1, 416539, 5901),
      PTR1("150.20.168.192.in-addr.arpa.", 982, 1, 1, 242585, 3125),
      PTR1("200.20.168.192.in-addr.arpa.", 895, 1, 1, 134756, 1836),
      PTR1("15.20.168.192.in-addr.arpa.", 901, 1, 1, 133490, 1844),
      PTR1("100.20.168.192.in-addr.arpa.", 757, 1, 1, 112173, 1533),
      PTR1("2.20.168.192.in-addr.arpa.", 635, 1, 1, 91734, 1288),
      PTR1("3.20.168.192.in-addr.arpa.", 315, 1, 1, 45438, 640),
      PTR2("_ipps._tcp.local.", "_ipp._tcp.local.", 122, 32, 1, 13161, 136),
      PTR1("250.255.255.239.in-addr.arpa.", 74, 1, 1, 11328, 152),
      PTR1("101.20.168.192.in-addr.arpa.", 31, 1, 1, 4666, 64)},
     78},
    {"dnsIDAbuse.txt",
     "dnsIDAbuse.sc output:\n",
     {PTR1("252.0.0.224.in-addr.arpa.", 1260, 1, 1, 191398, 2696),
      PTR1("2.20.168.192.in-addr.arpa.", 255, 1, 1, 130725, 1615),
      PTR1("150.20.168.192.in-addr.arpa.", 416, 1, 1, 63606, 866),
      PTR1("200.20.168.192.in-addr.arpa.", 388, 1, 1, 57686, 788),
      PTR1("15.20.168.192.in-addr.arpa.", 379, 1, 1, 56492, 781),
      PTR1("100.20.168.192.in-addr.arpa.", 340, 1, 1, 50738, 694),
      PTR1("3.20.168.192.in-addr.arpa.", 125, 1, 1, 17750, 250),
      PTR1("250.255.255.239.in-addr.arpa.", 32, 1, 1, 4736, 64),
      PTR2("_ipps._tcp.local.", "_ipp._tcp.local.", 46, 30, 1, 4467, 51),
      PTR2("_ipp._tcp.local.", "_ipps._tcp.local.", 13, 9, 1, 1782, 19)},
     81},
};

static const struct out_col cols[POST_COLS] = {
    {"dnsName", "dnsName"}, {"dnsRRType", "dnsRRType"}, {"flows", "flows"},    {"#sIP", "sIP"},
    {"#dIP", "dIP"},        {"bytes", "bytes"},         {"packets", "packets"}};

/* Packed list items (out.h): each a big-endian u16 length (names) or value (types). */
struct packed {
    uint8_t names[2 * (2 + 64)];
    uint8_t types[2 * 2];
};

static char *
read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0;
    FILE *m;
    int c;

    if (!f)
        return NULL;
    m = open_memstream(&buf, &len);
    while ((c = getc(f)) != EOF)
        putc(c, m);
    fclose(f);
    fclose(m);
    return buf;
}

/* Renders `pt`'s rows through out_write() with the post's cut; the caller frees. */
static char *
render(const struct post_table *pt)
{
    static struct packed packed[POST_ROWS];
    struct out_cell cells[POST_ROWS * POST_COLS];
    struct out_table t = {cols, POST_COLS, cells, POST_ROWS, 1 /* more rows existed */, 0};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct err err;

    for (size_t i = 0; i < POST_ROWS; i++) {
        const struct post_row *r = &pt->rows[i];
        struct packed *p = &packed[i];
        struct out_cell *c = &cells[i * POST_COLS];
        uint32_t nb = 0;

        for (unsigned k = 0; k < r->n; k++) {
            size_t l = strlen(r->names[k]);

            CHECK(l <= 64);
            p->names[nb++] = (uint8_t)(l >> 8);
            p->names[nb++] = (uint8_t)l;
            memcpy(p->names + nb, r->names[k], l);
            nb += (uint32_t)l;
            p->types[2 * k] = (uint8_t)(r->types[k] >> 8);
            p->types[2 * k + 1] = (uint8_t)r->types[k];
        }
        c[0] = out_cell_list(OUT_TEXT_LIST, p->names, nb, r->n);
        c[1] = out_cell_list(OUT_U16_LIST, p->types, 2 * r->n, r->n);
        c[2] = out_cell_u64(r->flows);
        c[3] = out_cell_u64(r->sip);
        c[4] = out_cell_u64(r->dip);
        c[5] = out_cell_u64(r->bytes);
        c[6] = out_cell_u64(r->packets);
    }
    err_init(&err);
    CHECK(out_write(f, &t, OUT_FORMAT_TABLE, &err) == 0);
    fclose(f);
    return buf;
}

/* Splits `s` into lines (in place); returns how many, at most `max`. */
static size_t
split_lines(char *s, char **lines, size_t max)
{
    size_t n = 0;

    while (*s && n < max) {
        char *nl = strchr(s, '\n');

        lines[n++] = s;
        if (!nl)
            break;
        *nl = '\0';
        s = nl + 1;
    }
    return n;
}

/* The cells of a "|a|b|" line, without their trailing spaces, into cells[]; their number. */
static size_t
split_cells(const char *line, char cells[][128], size_t max)
{
    size_t n = 0;
    const char *p = line + 1;

    if (line[0] != '|')
        return 0;
    while (*p && n < max) {
        const char *bar = strchr(p, '|');
        size_t l;

        if (!bar)
            break;
        l = (size_t)(bar - p);
        while (l > 0 && p[l - 1] == ' ')
            l--;
        if (l >= sizeof(cells[0]))
            l = sizeof(cells[0]) - 1;
        memcpy(cells[n], p, l);
        cells[n++][l] = '\0';
        p = bar + 1;
    }
    return n;
}

/* `s` with every run of spaces collapsed to one, as the post's text copy did. */
static void
collapse(const char *s, char *out, size_t cap)
{
    size_t n = 0;

    for (; *s && n + 1 < cap; s++)
        if (!(*s == ' ' && n > 0 && out[n - 1] == ' '))
            out[n++] = *s;
    out[n] = '\0';
}

/* The rows themselves against the post's code and prose. */
static void
check_rows(const struct post_table *pt)
{
    uint64_t best_num = 0, best_den = 1;

    for (size_t i = 0; i < POST_ROWS; i++) {
        const struct post_row *r = &pt->rows[i];

        CHECK(r->n >= 1 && r->n < 3);                       /* .filter(size($"dnsName") < 3) */
        CHECK(r->bytes > 70 * r->packets);                  /* .filter($"bytes"/$"packets" > 70) */
        CHECK(i == 0 || r->bytes <= pt->rows[i - 1].bytes); /* .orderBy($"bytes".desc) */
        for (unsigned k = 0; k < r->n; k++)
            CHECK_EQ_U64(r->types[k], 12); /* "All of the queries shown are PTR" */
        CHECK_EQ_U64(r->dip, 1);           /* "... and all are going to the same server" */
        if (r->n == 1 && r->bytes * best_den > best_num * r->packets)
            best_num = r->bytes, best_den = r->packets;
    }
    /* "the maximum average packet length is slightly larger for the abuse data than for
     * the benign data (81 vs. 78)": the names queried repeatedly are the one-name rows. */
    CHECK_EQ_U64((best_num + best_den / 2) / best_den, pt->bpp);
}

static void
check_table(const char *dir, const struct post_table *pt)
{
    char path[4096], *post, *got, *post_l[32], *got_l[32], buf[512];
    char post_c[POST_COLS + 1][128], got_c[POST_COLS + 1][128];
    size_t npost, ngot, width[POST_COLS], nsep = 0;

    snprintf(path, sizeof(path), "%s/%s", dir, pt->file);
    post = read_all(path);
    CHECK(post != NULL);
    if (!post) {
        fprintf(stderr, "cannot read %s\n", path);
        return;
    }
    check_rows(pt);
    got = render(pt);
    /* show() ends with println: one empty line after the footer, which the copy lost. */
    CHECK(strlen(got) >= 2 && strcmp(got + strlen(got) - 2, "\n\n") == 0);
    npost = split_lines(post, post_l, 32);
    ngot = split_lines(got, got_l, 32);
    CHECK_EQ_U64(npost, 3 + POST_ROWS + 2); /* sep, header, sep, rows, sep, footer */
    CHECK_EQ_U64(ngot, npost + 1);          /* + the empty line of println */
    if (npost != 3 + POST_ROWS + 2 || ngot != npost + 1)
        goto out;
    CHECK_EQ_STR(got_l[ngot - 1], "");

    /* Spark's widths from the post's cells (header included), minimum 3. */
    for (size_t k = 0; k < POST_COLS; k++)
        width[k] = 3;
    for (size_t i = 0; i < npost; i++) {
        size_t n = split_cells(post_l[i], post_c, POST_COLS + 1);

        for (size_t k = 0; k < n && k < POST_COLS; k++)
            if (strlen(post_c[k]) > width[k])
                width[k] = strlen(post_c[k]);
    }

    for (size_t i = 0; i < npost; i++) {
        /* 1. cell by cell, in order */
        size_t np = split_cells(post_l[i], post_c, POST_COLS + 1);
        size_t ng = split_cells(got_l[i], got_c, POST_COLS + 1);

        CHECK_EQ_U64(ng, np);
        for (size_t k = 0; k < np && k < ng; k++)
            CHECK_EQ_STR(got_c[k], post_c[k]);
        if (np == 0 && post_l[i][0] == '+') {
            /* 2. the separators byte for byte, and 4. against the width rule */
            size_t n = 1;

            nsep++;
            CHECK_EQ_STR(got_l[i], post_l[i]);
            buf[0] = '+';
            for (size_t k = 0; k < POST_COLS; k++) {
                memset(buf + n, '-', width[k]);
                n += width[k];
                buf[n++] = '+';
            }
            buf[n] = '\0';
            CHECK_EQ_STR(post_l[i], buf);
        } else if (np == POST_COLS) {
            /* 4. every cell left-aligned in its column's width */
            size_t n = 0;

            for (size_t k = 0; k < POST_COLS; k++)
                n += (size_t)snprintf(buf + n, sizeof(buf) - n, "|%-*s", (int)width[k], post_c[k]);
            snprintf(buf + n, sizeof(buf) - n, "|");
            CHECK_EQ_STR(got_l[i], buf);
        }
        /* 3. the whole line as the post's copy shows it */
        collapse(got_l[i], buf, sizeof(buf));
        CHECK_EQ_STR(buf, post_l[i]);
    }
    CHECK_EQ_U64(nsep, 3);
    CHECK_EQ_STR(got_l[npost - 1], "only showing top 10 rows");
out:
    free(got);
    free(post);
}

/* The copies in DIR are the post's own text, verbatim. */
static void
check_copies(const char *dir, const char *post_md)
{
    char *md = read_all(post_md);

    if (!md) {
        fprintf(stderr, "note: %s absent; the copies were not re-checked against it\n", post_md);
        return;
    }
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        char path[4096], *text, *at;

        snprintf(path, sizeof(path), "%s/%s", dir, tables[i].file);
        text = read_all(path);
        CHECK(text != NULL);
        at = strstr(md, tables[i].title);
        CHECK(at != NULL);
        if (text && at)
            CHECK(strncmp(at + strlen(tables[i].title), text, strlen(text)) == 0);
        free(text);
    }
    free(md);
}

static const char *dir_arg, *post_md_arg;

static void
test_benign(void)
{
    check_table(dir_arg, &tables[0]);
}

static void
test_abuse(void)
{
    check_table(dir_arg, &tables[1]);
}

static void
test_copies(void)
{
    check_copies(dir_arg, post_md_arg);
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_post_tables DIR [THE_POST_MD]\n");
        return 2;
    }
    dir_arg = argv[1];
    RUN(test_benign);
    RUN(test_abuse);
    if (argc > 2) {
        post_md_arg = argv[2];
        RUN(test_copies);
    }
    return CHECK_DONE();
}
