/*
 * page.h - the report page: one self-contained HTML file an analyst looks at.
 *
 * page_write() renders a struct page (header, result tables, per-row hourly
 * sparklines, a stacked chart of a quantity per hour by series, a log-log
 * scatter) as a single HTML5 document: inline CSS and inline SVG only, no
 * script, font, image or link that would need the network, and a
 * Content-Security-Policy (default-src 'none'; style-src 'unsafe-inline';
 * img-src data:) so that even markup smuggled into the page could not run a
 * script or fetch anything.
 *
 * Every name, path, label and cell is data, never markup: bytes outside
 * 0x20-0x7E are first written as \xHH (esc.h, as in every other output), then
 * & < > " ' as character references, so a text is safe both as element text
 * and inside a double-quoted attribute. Cells are rendered by
 * out_cell_render(), so a table's cells read exactly as in the text outputs.
 *
 * The caller owns everything a struct page points to; page_write() only reads.
 * Threads: no shared state.
 */
#ifndef ENGINE_PAGE_H
#define ENGINE_PAGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "out.h"

/* A bad input file: raw bytes (escaped when written). */
struct page_bad {
    const char *path; /* the file */
    const char *msg;  /* the reader's message (often starts with the path) */
};

/* The page header. */
struct page_header {
    const char *title;        /* <title> and <h1> */
    const char *const *paths; /* the PATH arguments read */
    size_t npaths;
    const char *window;         /* the time window, as text ("" or NULL: none given) */
    uint64_t files;             /* files planned (bad ones, unopened ones included) */
    uint64_t flows;             /* flow records read */
    uint64_t dns_rrs;           /* DNS records read */
    const struct page_bad *bad; /* bad files, each named with its message */
    size_t nbad;
    double elapsed;        /* seconds for the whole report */
    const char *generated; /* when the report was made (UTC text), or NULL */
    const char *note;      /* how the analytics were run, or NULL */
};

/* A result table, optionally with a sparkline per row. */
struct page_table {
    const char *id;      /* HTML id (plain [a-z-]), for the contents */
    const char *title;   /* section heading */
    const char *caption; /* the equivalent command line, or NULL */
    const struct out_table *table;
    const size_t *cols; /* the columns to show, in order; NULL: all */
    size_t ncols;
    const uint64_t *spark;   /* nrows x page.nhours values per hour, or NULL */
    const char *spark_title; /* header of the sparkline column ("flows per hour") */
    size_t spark_after;      /* the sparkline column follows shown column i */
};

/* A quantity per hour, stacked by series (one colour each). */
struct page_stack {
    const char *title;
    const char *unit;              /* "bytes": axis labels in KiB/MiB/GiB */
    const struct out_cell *labels; /* nseries labels (rendered as cells) */
    size_t nseries;
    const struct out_cell *v; /* nseries x page.nhours values: OUT_U64 or OUT_U128 (exact) */
};

/* Points on log-log axes (values below 1 are drawn at 1). */
struct page_scatter {
    const char *title;
    const char *xlabel, *ylabel;
    const struct out_cell *labels; /* n labels */
    const uint64_t *x;             /* n values */
    const struct out_cell *y;      /* n values, OUT_U64 or OUT_U128 (the y axis is in bytes) */
    size_t n;
    size_t nmarked; /* the first nmarked points are highlighted and labelled */
};

struct page {
    struct page_header h;
    uint64_t hour0; /* Unix seconds of the first hour of the charts */
    size_t nhours;  /* hours across the window (sparklines, stacked chart) */
    /*
     * Or NULL: hour i is hour0 + 3600 i. Else hour i is hour_list[i] (ascending, nhours
     * of them): the hours with data only, when a contiguous axis would be too long.
     */
    const uint64_t *hour_list;
    const struct page_table *tables;
    size_t ntables;
    const struct page_stack *stack;     /* or NULL */
    const struct page_scatter *scatter; /* or NULL */
};

/* page_write() - renders `p` as one HTML document to `f`. Returns 0 or -ERR_IO. */
int page_write(FILE *f, const struct page *p, struct err *err);

/*
 * page_put_text() - writes bytes `s` as HTML text that is also safe in a
 * double-quoted attribute: \xHH for bytes outside 0x20-0x7E, then &amp; &lt;
 * &gt; &quot; &#39;.
 */
void page_put_text(FILE *f, const void *s, size_t len);

#endif
