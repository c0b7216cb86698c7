/*
 * out.h - render a result table: Spark show() text, RFC 4180 CSV, JSON Lines.
 *
 * The caller (engine/exec) fills a struct out_table: column descriptions and
 * rows of cells that borrow their bytes (names stay in the job's arenas).
 * out_write() renders it to a FILE. Every text byte outside 0x20-0x7E is
 * written as \xHH in every format (esc.h), so attacker-chosen DNS names never
 * reach a terminal raw; YAF's own \xHH text passes through unchanged.
 *
 * Rendering rules of the table (out_cell_render()):
 *   integers in decimal; text escaped; address as dotted quad (IPv4) or RFC
 *   5952 (IPv6); lists as "[" + join(", ", elements) + "]" (Spark's array
 *   rendering, so [""] renders "[]"); floats with up to 6 decimals, trimmed;
 *   a time as ISO 8601 UTC, "2024-03-01T23:05:00Z" (".250" before the Z
 *   when it has milliseconds; a JSON string);
 *   a ratio (avg) exactly rounded to 6 decimals, half to even, trailing zeros
 *   trimmed (7 / 2 renders 3.5, 2 / 3 renders 0.666667, 1 / 8000000 renders 0);
 *   an exact decimal (OUT_DEC) with its digits, trailing zeros trimmed.
 * CSV cells are the same except lists, which are their JSON array text (the
 *   --format json value: ["a.","b."], [1,28]) so an element holding ", "
 *   stays one element, and text cells starting with = + - @ (a formula to a
 *   spreadsheet; OWASP's CSV injection advice), which get a "'" in front
 *   unless out_opts.csv_keep_formulas.
 * Threads: no shared state; one table per caller.
 */
#ifndef ENGINE_OUT_H
#define ENGINE_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

enum out_kind {
    OUT_U64,       /* v.u */
    OUT_U128,      /* v.w: an unsigned 128-bit integer (sums past 2^64), rendered exactly */
    OUT_F64,       /* v.f; NaN renders "null" */
    OUT_TEXT,      /* v.list.p / v.list.bytes: raw bytes */
    OUT_TEXT_LIST, /* v.list: n items, each a big-endian u16 length then the bytes */
    OUT_U16_LIST,  /* v.list: n items, each a big-endian u16 */
    OUT_ADDR,      /* v.addr: family 4 (v4-mapped in a[]) or 6 */
    OUT_RATIO,     /* v.r: (hi * 2^64 + lo) / den exactly, rendered rounded (out_cell_render) */
    OUT_TIME,      /* v.t: a time, v in units of unit_ms milliseconds; ISO 8601 UTC text */
    OUT_DEC        /* v.d: hi * 2^64 + lo + frac / 10^scale, exactly (rounded by its maker) */
};

struct out_cell {
    enum out_kind kind;
    union {
        uint64_t u;
        double f;
        struct {
            uint64_t lo; /* low 64 bits */
            uint64_t hi; /* high 64 bits */
        } w;
        struct {
            uint64_t v;       /* the time in its unit (first: v.u reads it too) */
            uint32_t unit_ms; /* milliseconds per unit (1 or 1000) */
        } t;
        struct {
            uint64_t lo;  /* numerator, low 64 bits */
            uint64_t hi;  /* numerator, high 64 bits */
            uint64_t den; /* denominator, > 0 */
        } r;
        struct {
            uint64_t lo, hi; /* the integer part, 128 bits */
            uint32_t frac;   /* the fraction's digits: below 10^scale */
            uint32_t scale;  /* decimals, 1..9 */
        } d;
        struct {
            const uint8_t *p; /* packed items (see enum out_kind) */
            uint32_t bytes;   /* length of p */
            uint32_t n;       /* items in a list */
        } list;
        struct {
            uint8_t family; /* 4 or 6 */
            uint8_t a[16];  /* IPv6, or IPv4 v4-mapped */
        } addr;
    } v;
};

/* Cell constructors. Text and lists borrow `p`, which must outlive the table. */
static inline struct out_cell
out_cell_u64(uint64_t u)
{
    struct out_cell c = {.kind = OUT_U64};

    c.v.u = u;
    return c;
}

static inline struct out_cell
out_cell_u128(uint64_t lo, uint64_t hi)
{
    struct out_cell c = {.kind = OUT_U128};

    c.v.w.lo = lo;
    c.v.w.hi = hi;
    return c;
}

static inline struct out_cell
out_cell_time(uint64_t v, uint32_t unit_ms)
{
    struct out_cell c = {.kind = OUT_TIME};

    c.v.t.v = v;
    c.v.t.unit_ms = unit_ms;
    return c;
}

static inline struct out_cell
out_cell_ratio(uint64_t lo, uint64_t hi, uint64_t den)
{
    struct out_cell c = {.kind = OUT_RATIO};

    c.v.r.lo = lo;
    c.v.r.hi = hi;
    c.v.r.den = den;
    return c;
}

static inline struct out_cell
out_cell_dec(uint64_t lo, uint64_t hi, uint32_t frac, uint32_t scale)
{
    struct out_cell c = {.kind = OUT_DEC};

    c.v.d.lo = lo;
    c.v.d.hi = hi;
    c.v.d.frac = frac;
    c.v.d.scale = scale;
    return c;
}

/*
 * out_cell_cmp_num() - the exact order (-1, 0, 1) of two numeric cells
 * (OUT_U64, OUT_U128, OUT_RATIO); 2 when either is of another kind.
 */
int out_cell_cmp_num(const struct out_cell *a, const struct out_cell *b);

static inline struct out_cell
out_cell_f64(double f)
{
    struct out_cell c = {.kind = OUT_F64};

    c.v.f = f;
    return c;
}

static inline struct out_cell
out_cell_list(enum out_kind kind, const void *p, uint32_t bytes, uint32_t n)
{
    struct out_cell c = {.kind = kind};

    c.v.list.p = (const uint8_t *)p;
    c.v.list.bytes = bytes;
    c.v.list.n = n;
    return c;
}

struct out_col {
    const char *name;      /* table/CSV header, e.g. "#sIP" */
    const char *json_name; /* JSON key, e.g. "sIP" */
};

struct out_table {
    const struct out_col *cols; /* ncols columns */
    size_t ncols;
    const struct out_cell *cells; /* nrows * ncols cells, row-major */
    size_t nrows;                 /* rows to print */
    int has_more;                 /* more rows existed than nrows (Spark's footer) */
    size_t left_out;              /* how many more: rows after nrows that were not kept */
};

enum out_format {
    OUT_FORMAT_TABLE, /* Spark Dataset.show(n, truncate = false) */
    OUT_FORMAT_CSV,   /* RFC 4180, CRLF line ends, header row */
    OUT_FORMAT_JSON   /* JSON Lines, one object per row */
};

/* out_format_parse() - "table"|"csv"|"json" ("jsonl" alike) to *fmt; -ERR_USAGE otherwise. */
int out_format_parse(const char *s, enum out_format *fmt, struct err *err);

/* Rendering options; all zero is the default. */
struct out_opts {
    int csv_keep_formulas; /* CSV: leave text cells starting with = + - @ as they are */
};

/* out_write() - renders `t` in `fmt` to `f` with default options. Returns 0 or -ERR_IO. */
int out_write(FILE *f, const struct out_table *t, enum out_format fmt, struct err *err);

/* out_write_opts() - out_write() with `opts` (NULL: the defaults). */
int out_write_opts(FILE *f, const struct out_table *t, enum out_format fmt,
                   const struct out_opts *opts, struct err *err);

/*
 * out_widths_init() / out_widths_add() - the table format's column widths:
 * width[0..ncols) from the headers (at least 3), then widened to the rendered
 * cells of each table added (rows given in pieces widen it alike).
 */
void out_widths_init(const struct out_col *cols, size_t ncols, size_t *width);
void out_widths_add(const struct out_table *t, size_t *width);

/*
 * A table written a batch of rows at a time (rows that do not fit in memory
 * at once): out_stream_begin() writes the header (`width`: the table
 * format's widths over every row, from out_widths_*(); unused otherwise),
 * out_stream_rows() the rows of `t` (its columns those begun with),
 * out_stream_end() the footer (`has_more`, `nrows`: as in struct out_table)
 * and flushes. The bytes equal out_write_opts()'s of the whole table. Each
 * returns 0 or -ERR_IO; out_stream_fini() frees it either way.
 */
struct out_str {
    char *p;    /* NUL-terminated text, owned */
    size_t len; /* bytes before the NUL */
    size_t cap; /* bytes allocated */
};

struct out_stream {
    FILE *f;
    enum out_format fmt;
    int keep_formulas;
    const struct out_col *cols;
    size_t ncols;
    size_t *width; /* owned copy (table format) */
    struct out_str o, cell, tmp;
};

int out_stream_begin(struct out_stream *s, FILE *f, const struct out_col *cols, size_t ncols,
                     const size_t *width, enum out_format fmt, const struct out_opts *opts,
                     struct err *err);
int out_stream_rows(struct out_stream *s, const struct out_table *t, struct err *err);
int out_stream_end(struct out_stream *s, int has_more, size_t nrows, struct err *err);
void out_stream_fini(struct out_stream *s);

/* A growable byte string, for rendering cells of any length. */
void out_str_fini(struct out_str *s);
void out_str_reset(struct out_str *s);

/*
 * out_cell_render() - appends the table/CSV text of `c` to `s` (escaped, so
 * plain printable ASCII). Used by sort for tie-breaks on rendered text.
 */
void out_cell_render(const struct out_cell *c, struct out_str *s);

#endif
