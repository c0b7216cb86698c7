/*
 * out.c - table (Spark show), CSV and JSON writers; see out.h.
 *
 * Spark's showString(numRows, truncate = 0), from Dataset.scala: every cell is
 * rendered to a string, the width of a column is max(3, longest cell incl. the
 * header), cells are left-aligned (truncate = 0) and padded with spaces, a
 * "+---+" separator goes above and below the header and below the rows, and
 * "only showing top N row(s)" follows when rows were cut. show() ends with
 * println, so one more "\n" follows. All our text is ASCII after escaping, so
 * Spark's halfWidth (East Asian wide characters) never applies.
 */
#include "out.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/socket.h>

#include "esc.h"
#include "isotime.h"
#include "mem.h"

int
out_format_parse(const char *s, enum out_format *fmt, struct err *err)
{
    if (strcmp(s, "table") == 0)
        *fmt = OUT_FORMAT_TABLE;
    else if (strcmp(s, "csv") == 0)
        *fmt = OUT_FORMAT_CSV;
    else if (strcmp(s, "json") == 0 || strcmp(s, "jsonl") == 0) /* JSON Lines: export's name */
        *fmt = OUT_FORMAT_JSON;
    else
        return ERR_SET(err, ERR_USAGE, "unknown format '%s' (expected table, csv or json/jsonl)",
                       s);
    return 0;
}

static void
str_reserve(struct out_str *s, size_t more)
{
    if (s->len + more + 1 > s->cap)
        s->p = mem_grow(s->p, &s->cap, s->len + more + 1, 64);
}

static void
str_add(struct out_str *s, const char *p, size_t len)
{
    str_reserve(s, len);
    memcpy(s->p + s->len, p, len);
    s->len += len;
    s->p[s->len] = '\0';
}

static void
str_adds(struct out_str *s, const char *p)
{
    str_add(s, p, strlen(p));
}

static void
str_add_esc(struct out_str *s, const uint8_t *p, size_t len)
{
    size_t need = esc_len(p, len);

    str_reserve(s, need);
    esc_bytes(s->p + s->len, need + 1, p, len);
    s->len += need;
}

static void
str_add_u64(struct out_str *s, uint64_t u)
{
    char buf[24];
    int n = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)u);

    str_add(s, buf, (size_t)n);
}

/* str_add_u128() - hi * 2^64 + lo in decimal, exactly (39 digits at most). */
static void
str_add_u128(struct out_str *s, uint64_t lo, uint64_t hi)
{
    char buf[40];
    size_t n = sizeof(buf);
    /* Long division by 10 over 32-bit limbs, most significant first. */
    uint32_t limb[4] = {(uint32_t)(hi >> 32), (uint32_t)hi, (uint32_t)(lo >> 32), (uint32_t)lo};

    if (hi == 0) {
        str_add_u64(s, lo);
        return;
    }
    for (;;) {
        uint64_t rem = 0;
        int zero = 1;

        for (int i = 0; i < 4; i++) {
            uint64_t cur = rem << 32 | limb[i];

            limb[i] = (uint32_t)(cur / 10);
            rem = cur % 10;
            zero &= limb[i] == 0;
        }
        buf[--n] = (char)('0' + rem);
        if (zero)
            break;
    }
    str_add(s, buf + n, sizeof(buf) - n);
}

__extension__ typedef unsigned __int128 u128; /* gcc/clang: exact 128-bit arithmetic */

/*
 * str_add_ratio() - (hi * 2^64 + lo) / den in decimal, rounded exactly to 6
 * decimals, half to even, trailing zeros (and a bare point) dropped.
 */
static void
str_add_ratio(struct out_str *s, uint64_t lo, uint64_t hi, uint64_t den)
{
    u128 num = (u128)hi << 64 | lo, q, r;
    char frac[8];
    int n = 6;

    if (den == 0) {
        str_adds(s, "null");
        return;
    }
    q = num / den;
    r = num % den; /* < den < 2^64: r * 10 fits */
    for (int i = 0; i < 6; i++) {
        r *= 10;
        frac[i] = (char)('0' + (int)(r / den));
        r %= den;
    }
    /* round: up when the rest is over half, or exactly half and the last digit odd */
    if (2 * r > den || (2 * r == den && (frac[5] - '0') % 2 == 1)) {
        int i = 5;

        while (i >= 0 && frac[i] == '9')
            frac[i--] = '0';
        if (i >= 0)
            frac[i]++;
        else
            q++;
    }
    str_add_u128(s, (uint64_t)q, (uint64_t)(q >> 64));
    while (n > 0 && frac[n - 1] == '0')
        n--;
    if (n > 0) {
        str_add(s, ".", 1);
        str_add(s, frac, (size_t)n);
    }
}

/* str_add_dec() - an OUT_DEC cell: its integer part, then its fraction's digits, trailing zeros
 * dropped. */
static void
str_add_dec(struct out_str *s, const struct out_cell *c)
{
    char frac[12];
    uint32_t f = c->v.d.frac;
    int n = (int)(c->v.d.scale < 10 ? c->v.d.scale : 9);

    str_add_u128(s, c->v.d.lo, c->v.d.hi);
    for (int i = n - 1; i >= 0; i--, f /= 10)
        frac[i] = (char)('0' + (int)(f % 10));
    while (n > 0 && frac[n - 1] == '0')
        n--;
    if (n > 0) {
        str_add(s, ".", 1);
        str_add(s, frac, (size_t)n);
    }
}

/* As an exact fraction: numerator (128 bits) and denominator. */
static int
as_ratio(const struct out_cell *c, u128 *num, uint64_t *den)
{
    switch (c->kind) {
    case OUT_U64:
        *num = c->v.u;
        *den = 1;
        return 0;
    case OUT_U128:
        *num = (u128)c->v.w.hi << 64 | c->v.w.lo;
        *den = 1;
        return 0;
    case OUT_RATIO:
        *num = (u128)c->v.r.hi << 64 | c->v.r.lo;
        *den = c->v.r.den;
        return 0;
    default:
        return -1;
    }
}

/* num * m as 192 bits, most significant word first. */
static void
mul_192(u128 num, uint64_t m, uint64_t out[3])
{
    u128 lo = (u128)(uint64_t)num * m;
    u128 hi = (u128)(uint64_t)(num >> 64) * m;
    u128 mid = (lo >> 64) + (uint64_t)hi;

    out[2] = (uint64_t)lo;
    out[1] = (uint64_t)mid;
    out[0] = (uint64_t)(hi >> 64) + (uint64_t)(mid >> 64);
}

int
out_cell_cmp_num(const struct out_cell *a, const struct out_cell *b)
{
    u128 na, nb;
    uint64_t da, db, x[3], y[3];

    if (as_ratio(a, &na, &da) < 0 || as_ratio(b, &nb, &db) < 0)
        return 2;
    mul_192(na, db, x); /* a < b  <=>  na * db < nb * da (denominators > 0) */
    mul_192(nb, da, y);
    for (int i = 0; i < 3; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

void
out_str_fini(struct out_str *s)
{
    mem_free(s->p);
    memset(s, 0, sizeof(*s));
}

void
out_str_reset(struct out_str *s)
{
    s->len = 0;
    if (s->p)
        s->p[0] = '\0';
}

static uint16_t
get_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void
render_f64(struct out_str *s, double f)
{
    char buf[64];
    int n;

    if (isnan(f)) {
        str_adds(s, "null");
        return;
    }
    n = snprintf(buf, sizeof(buf), "%.6f", f);
    /* Trim trailing zeros and a bare point: 2.500000 -> 2.5, 3.000000 -> 3. */
    while (n > 1 && buf[n - 1] == '0' && strchr(buf, '.'))
        n--;
    if (n > 1 && buf[n - 1] == '.')
        n--;
    str_add(s, buf, (size_t)n);
}

static void
render_addr(struct out_str *s, const struct out_cell *c)
{
    char buf[INET6_ADDRSTRLEN];
    const uint8_t *a = c->v.addr.a;

    if (c->v.addr.family == 4)
        inet_ntop(AF_INET, a + 12, buf, sizeof(buf));
    else
        inet_ntop(AF_INET6, a, buf, sizeof(buf));
    str_adds(s, buf);
}

void
out_cell_render(const struct out_cell *c, struct out_str *s)
{
    const uint8_t *p = c->v.list.p;

    str_reserve(s, 0);
    switch (c->kind) {
    case OUT_U64:
        str_add_u64(s, c->v.u);
        break;
    case OUT_U128:
        str_add_u128(s, c->v.w.lo, c->v.w.hi);
        break;
    case OUT_RATIO:
        str_add_ratio(s, c->v.r.lo, c->v.r.hi, c->v.r.den);
        break;
    case OUT_DEC:
        str_add_dec(s, c);
        break;
    case OUT_TIME: {
        char buf[ISOTIME_LEN];

        if (c->v.t.v > (uint64_t)INT64_MAX / c->v.t.unit_ms)
            str_add_u64(s, c->v.t.v); /* no such year: the number */
        else
            str_adds(s, isotime_format((int64_t)(c->v.t.v * c->v.t.unit_ms), buf));
        break;
    }
    case OUT_F64:
        render_f64(s, c->v.f);
        break;
    case OUT_TEXT:
        str_add_esc(s, p, c->v.list.bytes);
        break;
    case OUT_TEXT_LIST:
        str_add(s, "[", 1);
        for (uint32_t i = 0; i < c->v.list.n; i++) {
            uint16_t len = get_u16(p);

            if (i)
                str_add(s, ", ", 2);
            str_add_esc(s, p + 2, len);
            p += 2 + len;
        }
        str_add(s, "]", 1);
        break;
    case OUT_U16_LIST:
        str_add(s, "[", 1);
        for (uint32_t i = 0; i < c->v.list.n; i++) {
            if (i)
                str_add(s, ", ", 2);
            str_add_u64(s, get_u16(p + 2 * i));
        }
        str_add(s, "]", 1);
        break;
    case OUT_ADDR:
        render_addr(s, c);
        break;
    }
}

/* ---- table ---------------------------------------------------------------- */

static void
put_sep(struct out_str *o, const size_t *width, size_t ncols)
{
    str_add(o, "+", 1);
    for (size_t i = 0; i < ncols; i++) {
        str_reserve(o, width[i] + 1);
        memset(o->p + o->len, '-', width[i]);
        o->len += width[i];
        o->p[o->len++] = '+';
        o->p[o->len] = '\0';
    }
    str_add(o, "\n", 1);
}

static void
put_cell(struct out_str *o, const char *text, size_t len, size_t width)
{
    str_add(o, text, len);
    str_reserve(o, width - len);
    memset(o->p + o->len, ' ', width - len);
    o->len += width - len;
    o->p[o->len] = '\0';
}

static int
flush(FILE *f, struct out_str *o, struct err *err)
{
    if (o->len && fwrite(o->p, 1, o->len, f) != o->len)
        return ERR_SET_ERRNO(err, errno, "writing results");
    out_str_reset(o);
    return 0;
}

/* ---- CSV ------------------------------------------------------------------ */

static void json_value(struct out_str *o, const struct out_cell *c, struct out_str *tmp);

/*
 * Whether a spreadsheet would run `p` as a formula: OWASP's CSV injection
 * list (=, +, -, @, and TAB / CR, which escaping already turns into \xHH).
 */
static int
formula_like(const char *p, size_t len)
{
    return len > 0 && (p[0] == '=' || p[0] == '+' || p[0] == '-' || p[0] == '@' || p[0] == '\t' ||
                       p[0] == '\r');
}

static void
csv_field(struct out_str *o, const char *p, size_t len)
{
    int quote = 0;

    for (size_t i = 0; i < len; i++)
        if (p[i] == ',' || p[i] == '"' || p[i] == '\r' || p[i] == '\n')
            quote = 1;
    if (!quote) {
        str_add(o, p, len);
        return;
    }
    str_add(o, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '"')
            str_add(o, "\"", 1);
        str_add(o, p + i, 1);
    }
    str_add(o, "\"", 1);
}

/*
 * One CSV cell: lists as their JSON array text (the --format json value, so
 * a name holding ", " stays one element), text that a spreadsheet would run
 * as a formula behind a "'" unless `keep_formulas`, the rest as in the table.
 */
static void
csv_cell(struct out_str *o, const struct out_cell *c, int keep_formulas, struct out_str *cell,
         struct out_str *tmp)
{
    out_str_reset(cell);
    if (c->kind == OUT_TEXT_LIST || c->kind == OUT_U16_LIST) {
        json_value(cell, c, tmp);
    } else {
        out_cell_render(c, cell);
        if (c->kind == OUT_TEXT && !keep_formulas && formula_like(cell->p, cell->len)) {
            out_str_reset(tmp);
            str_add(tmp, "'", 1);
            str_add(tmp, cell->p, cell->len);
            out_str_reset(cell);
            str_add(cell, tmp->p, tmp->len);
        }
    }
    csv_field(o, cell->p, cell->len);
}

/* ---- JSON ----------------------------------------------------------------- */

/* Appends `p` (already escaped printable ASCII) as a JSON string. */
static void
json_string(struct out_str *o, const char *p, size_t len)
{
    str_add(o, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '"' || p[i] == '\\')
            str_add(o, "\\", 1);
        str_add(o, p + i, 1);
    }
    str_add(o, "\"", 1);
}

static void
json_value(struct out_str *o, const struct out_cell *c, struct out_str *tmp)
{
    const uint8_t *p = c->v.list.p;

    out_str_reset(tmp);
    switch (c->kind) {
    case OUT_U64:
    case OUT_U128: /* JSON numbers have no size limit: the exact digits */
    case OUT_RATIO:
    case OUT_DEC:
    case OUT_F64:
        out_cell_render(c, o);
        break;
    case OUT_TEXT:
    case OUT_ADDR:
    case OUT_TIME:
        out_cell_render(c, tmp);
        json_string(o, tmp->p, tmp->len);
        break;
    case OUT_TEXT_LIST:
        str_add(o, "[", 1);
        for (uint32_t i = 0; i < c->v.list.n; i++) {
            uint16_t len = get_u16(p);

            if (i)
                str_add(o, ",", 1);
            out_str_reset(tmp);
            str_add_esc(tmp, p + 2, len);
            json_string(o, tmp->p, tmp->len);
            p += 2 + len;
        }
        str_add(o, "]", 1);
        break;
    case OUT_U16_LIST:
        str_add(o, "[", 1);
        for (uint32_t i = 0; i < c->v.list.n; i++) {
            if (i)
                str_add(o, ",", 1);
            str_add_u64(o, get_u16(p + 2 * i));
        }
        str_add(o, "]", 1);
        break;
    }
}

int
out_write(FILE *f, const struct out_table *t, enum out_format fmt, struct err *err)
{
    return out_write_opts(f, t, fmt, NULL, err);
}

/* ---- the writers: a table in batches of rows ---------------------------- */

void
out_widths_init(const struct out_col *cols, size_t ncols, size_t *width)
{
    for (size_t j = 0; j < ncols; j++)
        width[j] = strlen(cols[j].name) > 3 ? strlen(cols[j].name) : 3;
}

void
out_widths_add(const struct out_table *t, size_t *width)
{
    struct out_str c = {0};

    for (size_t i = 0; i < t->nrows * t->ncols; i++) {
        out_str_reset(&c);
        out_cell_render(&t->cells[i], &c);
        if (c.len > width[i % t->ncols])
            width[i % t->ncols] = c.len;
    }
    out_str_fini(&c);
}

int
out_stream_begin(struct out_stream *s, FILE *f, const struct out_col *cols, size_t ncols,
                 const size_t *width, enum out_format fmt, const struct out_opts *opts,
                 struct err *err)
{
    memset(s, 0, sizeof(*s));
    s->f = f;
    s->fmt = fmt;
    s->keep_formulas = opts != NULL && opts->csv_keep_formulas;
    s->cols = cols;
    s->ncols = ncols;
    switch (fmt) {
    case OUT_FORMAT_TABLE:
        s->width = mem_calloc(ncols + 1, sizeof(*s->width));
        memcpy(s->width, width, ncols * sizeof(*s->width));
        put_sep(&s->o, s->width, ncols);
        str_add(&s->o, "|", 1);
        for (size_t j = 0; j < ncols; j++) {
            put_cell(&s->o, cols[j].name, strlen(cols[j].name), s->width[j]);
            str_add(&s->o, "|", 1);
        }
        str_add(&s->o, "\n", 1);
        put_sep(&s->o, s->width, ncols);
        return 0;
    case OUT_FORMAT_CSV:
        for (size_t j = 0; j < ncols; j++) {
            if (j)
                str_add(&s->o, ",", 1);
            csv_field(&s->o, cols[j].name, strlen(cols[j].name));
        }
        str_add(&s->o, "\r\n", 2);
        return 0;
    case OUT_FORMAT_JSON:
        return 0;
    }
    return ERR_SET(err, ERR_INTERNAL, "unknown output format %d", (int)fmt);
}

int
out_stream_rows(struct out_stream *s, const struct out_table *t, struct err *err)
{
    struct out_str *o = &s->o;
    int rc = 0;

    for (size_t r = 0; r < t->nrows && rc == 0; r++) {
        const struct out_cell *row = &t->cells[r * t->ncols];

        switch (s->fmt) {
        case OUT_FORMAT_TABLE:
            str_add(o, "|", 1);
            for (size_t j = 0; j < s->ncols; j++) {
                out_str_reset(&s->cell);
                out_cell_render(&row[j], &s->cell);
                put_cell(o, s->cell.p, s->cell.len, s->width[j]);
                str_add(o, "|", 1);
            }
            str_add(o, "\n", 1);
            break;
        case OUT_FORMAT_CSV:
            for (size_t j = 0; j < s->ncols; j++) {
                if (j)
                    str_add(o, ",", 1);
                csv_cell(o, &row[j], s->keep_formulas, &s->cell, &s->tmp);
            }
            str_add(o, "\r\n", 2);
            break;
        case OUT_FORMAT_JSON:
            str_add(o, "{", 1);
            for (size_t j = 0; j < s->ncols; j++) {
                if (j)
                    str_add(o, ",", 1);
                json_string(o, s->cols[j].json_name, strlen(s->cols[j].json_name));
                str_add(o, ":", 1);
                json_value(o, &row[j], &s->tmp);
            }
            str_add(o, "}\n", 2);
            break;
        }
        if (o->len > (1u << 16))
            rc = flush(s->f, o, err);
    }
    return rc;
}

int
out_stream_end(struct out_stream *s, int has_more, size_t nrows, struct err *err)
{
    int rc;

    if (s->fmt == OUT_FORMAT_TABLE) {
        put_sep(&s->o, s->width, s->ncols);
        if (has_more) {
            char foot[64];
            int n = snprintf(foot, sizeof(foot), "only showing top %zu %s\n", nrows,
                             nrows == 1 ? "row" : "rows");

            str_add(&s->o, foot, (size_t)n);
        }
        str_add(&s->o, "\n", 1); /* show() is println(showString(...)) */
    }
    rc = flush(s->f, &s->o, err);
    if (rc == 0 && fflush(s->f) != 0)
        rc = ERR_SET_ERRNO(err, errno, "writing results");
    return rc;
}

void
out_stream_fini(struct out_stream *s)
{
    mem_free(s->width);
    out_str_fini(&s->o);
    out_str_fini(&s->cell);
    out_str_fini(&s->tmp);
    memset(s, 0, sizeof(*s));
}

int
out_write_opts(FILE *f, const struct out_table *t, enum out_format fmt, const struct out_opts *opts,
               struct err *err)
{
    struct out_stream s;
    size_t *width = NULL;
    int rc;

    if (fmt == OUT_FORMAT_TABLE) {
        width = mem_calloc(t->ncols + 1, sizeof(*width));
        out_widths_init(t->cols, t->ncols, width);
        out_widths_add(t, width);
    }
    rc = out_stream_begin(&s, f, t->cols, t->ncols, width, fmt, opts, err);
    if (rc == 0)
        rc = out_stream_rows(&s, t, err);
    if (rc == 0)
        rc = out_stream_end(&s, t->has_more, t->nrows, err);
    out_stream_fini(&s);
    mem_free(width);
    return rc;
}
