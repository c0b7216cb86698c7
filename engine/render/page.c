/*
 * page.c - the report page as one self-contained HTML file; see page.h.
 *
 * Layout: a header block (what was read, what was bad, how long it took), a
 * contents line, then the sections in the caller's order: the tables (each
 * optionally with an inline-SVG sparkline per row), the stacked chart and the
 * scatter. Every chart is an <svg> with fixed viewBox coordinates, scaled by
 * CSS to the page width, so it prints as it shows. Marks carry an SVG <title>
 * (the browser's hover text) with the exact numbers.
 *
 * Marks and classes (the browser test counts them):
 *   table.rows > tbody > tr       one per table row
 *   svg.spark                     one per row of a table with sparklines
 *   svg.stack g.series            one per series, rect per non-zero hour
 *   svg.scatter circle.dot        one per point
 */
#include "page.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include "mem.h"

/* Colours for series (Okabe-Ito, distinguishable with colour blindness), then grey. */
static const char *const palette[] = {"#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9",
                                      "#d55e00", "#f0e442", "#000000", "#999999"};
#define NPALETTE (sizeof(palette) / sizeof(palette[0]))

void
page_put_text(FILE *f, const void *s, size_t len)
{
    const uint8_t *p = s;

    for (size_t i = 0; i < len; i++) {
        uint8_t c = p[i];

        if (c < 0x20 || c > 0x7E)
            fprintf(f, "\\x%02X", c);
        else if (c == '&')
            fputs("&amp;", f);
        else if (c == '<')
            fputs("&lt;", f);
        else if (c == '>')
            fputs("&gt;", f);
        else if (c == '"')
            fputs("&quot;", f);
        else if (c == '\'')
            fputs("&#39;", f);
        else
            fputc(c, f);
    }
}

static void
put_str(FILE *f, const char *s)
{
    if (s)
        page_put_text(f, s, strlen(s));
}

/* A cell as out_cell_render() text (already \xHH-escaped), HTML-escaped. */
static void
put_cell(FILE *f, const struct out_cell *c, struct out_str *tmp)
{
    out_str_reset(tmp);
    out_cell_render(c, tmp);
    page_put_text(f, tmp->p, tmp->len);
}

/* A count cell (OUT_U64, OUT_U128) as a double, for drawing only: the text stays exact. */
static double
cell_f64(const struct out_cell *c)
{
    if (c->kind == OUT_U128)
        return (double)c->v.w.hi * 18446744073709551616.0 + (double)c->v.w.lo;
    return (double)c->v.u;
}

/* "2024-05-01 13:00" for Unix seconds `t`, UTC. */
static void
fmt_hour(char *buf, size_t cap, uint64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (gmtime_r(&tt, &tm) == NULL || strftime(buf, cap, "%Y-%m-%d %H:%M", &tm) == 0)
        snprintf(buf, cap, "%llu", (unsigned long long)t);
}

/* Bytes with a binary unit: "512 B", "1.5 KiB", "23 MiB". */
static void
fmt_bytes(char *buf, size_t cap, double v)
{
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    size_t u = 0;

    while (v >= 1024.0 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
        v /= 1024.0;
        u++;
    }
    if (u == 0 || v >= 100.0)
        snprintf(buf, cap, "%.0f %s", v, unit[u]);
    else
        snprintf(buf, cap, "%.1f %s", v, unit[u]);
}

/* A power of ten of bytes, decimal: "1 B", "10 kB", "100 MB". */
static void
fmt_pow10_bytes(char *buf, size_t cap, int d)
{
    static const char *const unit[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
    int u = d / 3 < 6 ? d / 3 : 6;

    snprintf(buf, cap, "%.0f %s", pow(10, d - 3 * u), unit[u]);
}

/* Integers with thin spaces between thousands groups, for the header. */
static void
fmt_count(char *buf, size_t cap, uint64_t v)
{
    char digits[24];
    int n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v);
    size_t o = 0;

    for (int i = 0; i < n && o + 4 < cap; i++) {
        if (i && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

/* Unix seconds of chart hour `i`. */
static uint64_t
hour_at(const struct page *p, size_t i)
{
    return p->hour_list ? p->hour_list[i] : p->hour0 + 3600 * (uint64_t)i;
}

static const char css[] =
    ":root{--ink:#1b1f24;--mute:#5b6570;--rule:#d8dde3;--band:#f4f6f8;--accent:#0072b2;"
    "--warn:#b3261e}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu "
    "Sans',sans-serif;color:var(--ink);background:#fff}\n"
    "main{max-width:1280px;margin:0 auto;padding:20px 28px 40px}\n"
    "h1{font-size:22px;margin:0 0 2px}\n"
    "h2{font-size:17px;margin:28px 0 4px;padding-top:10px;border-top:2px solid var(--ink)}\n"
    ".sub{color:var(--mute);margin:0 0 12px}\n"
    "code,.mono,td{font-family:ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,monospace;"
    "font-size:12.5px}\n"
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px "
    "14px;margin:10px 0;padding:10px 14px;background:var(--band);border-radius:6px}\n"
    "dl.facts dt{color:var(--mute)}dl.facts dd{margin:0;overflow-wrap:anywhere}\n"
    ".bad{color:var(--warn);font-weight:600}\n"
    "ul.badfiles{margin:4px 0 0;padding-left:18px}ul.badfiles li{overflow-wrap:anywhere}\n"
    "nav{margin:8px 0 0;color:var(--mute)}nav a{color:var(--accent);margin-right:12px}\n"
    ".cmd{color:var(--mute);font-size:12px;margin:0 0 8px;overflow-wrap:anywhere}\n"
    ".scroll{overflow-x:auto}\n"
    "table.rows{border-collapse:collapse;width:100%}\n"
    "table.rows th{position:sticky;top:0;background:#fff;text-align:left;font-weight:600;"
    "font-size:12px;color:var(--mute);border-bottom:1px solid var(--ink);padding:3px 8px;"
    "white-space:nowrap}\n"
    "table.rows td{padding:2px 8px;border-bottom:1px solid var(--rule);vertical-align:top;"
    "overflow-wrap:anywhere}\n"
    "table.rows tbody tr:nth-child(even){background:var(--band)}\n"
    "table.rows td.num,table.rows th.num{text-align:right;white-space:nowrap}\n"
    "table.rows td.rank{color:var(--mute);text-align:right;white-space:nowrap}\n"
    "td.why{font-family:system-ui,sans-serif;font-size:12px;color:var(--mute);"
    "max-width:360px}\n"
    "td.key{max-width:420px}\n"
    "div.cell{max-height:5.9em;overflow-y:auto}\n"
    "svg{display:block}svg.spark{width:160px;height:22px}\n"
    "svg.chart{width:100%;height:auto;max-width:1100px}\n"
    "svg text{font:11px system-ui,sans-serif;fill:var(--mute)}\n"
    "svg .axis{stroke:var(--ink);stroke-width:1}svg .grid{stroke:var(--rule);stroke-width:1}\n"
    "svg .lbl{fill:var(--ink);font-size:11px}\n"
    ".legend{display:flex;flex-wrap:wrap;gap:4px 16px;margin:6px 0;font-size:12px}\n"
    ".legend span.sw{display:inline-block;width:11px;height:11px;margin-right:5px;"
    "vertical-align:-1px;border-radius:2px}\n"
    ".legend .mono{overflow-wrap:anywhere}\n"
    ".none{color:var(--mute);font-style:italic}\n"
    "footer{margin-top:30px;color:var(--mute);font-size:12px}\n"
    "@media print{main{max-width:none;padding:0}h2{break-after:avoid}"
    "tr,svg,figure{break-inside:avoid}div.cell{max-height:none;overflow:visible}table.rows "
    "th{position:static}"
    ".scroll{overflow:visible}nav{display:none}body{font-size:11px}"
    "code,.mono,td{font-size:10px}@page{size:A4 landscape;margin:12mm}}\n";

static void
write_header(FILE *f, const struct page *p)
{
    const struct page_header *h = &p->h;
    char buf[64];

    fputs("<header>\n<h1>", f);
    put_str(f, h->title);
    fputs("</h1>\n<p class=\"sub\">", f);
    if (h->generated) {
        fputs("made ", f);
        put_str(f, h->generated);
        fputs(" by flowsweep", f);
    }
    fputs("</p>\n<dl class=\"facts\">\n<dt>repository</dt><dd class=\"mono\" id=\"paths\">", f);
    for (size_t i = 0; i < h->npaths; i++) {
        if (i)
            fputs("<br>", f);
        put_str(f, h->paths[i]);
    }
    fputs("</dd>\n<dt>window</dt><dd>", f);
    if (h->window && *h->window)
        put_str(f, h->window);
    else
        fputs("every file given (no --start/--end)", f);
    if (p->nhours) {
        char a[32], b[32];

        fmt_hour(a, sizeof(a), hour_at(p, 0));
        fmt_hour(b, sizeof(b), hour_at(p, p->nhours - 1));
        if (p->hour_list)
            fprintf(f,
                    "; charts: the %zu hour%s with DNS traffic from %s to %s UTC, the hours "
                    "between them left out",
                    p->nhours, p->nhours == 1 ? "" : "s", a, b);
        else
            fprintf(f, "; charts %s to %s UTC (%zu hour%s)", a, b, p->nhours,
                    p->nhours == 1 ? "" : "s");
    }
    fmt_count(buf, sizeof(buf), h->files);
    fprintf(f, "</dd>\n<dt>files</dt><dd id=\"files\">%s", buf);
    if (h->nbad)
        fprintf(f,
                ", <span class=\"bad\">%zu bad</span> (their flows before the damage are "
                "counted)",
                h->nbad);
    else
        fputs(", none bad", f);
    if (h->nbad) {
        fputs("\n<ul class=\"badfiles\" id=\"bad-files\">\n", f);
        for (size_t i = 0; i < h->nbad; i++) {
            size_t plen = strlen(h->bad[i].path);
            const char *msg = h->bad[i].msg;

            /* the reader's message starts with the path: say it once */
            if (strncmp(msg, h->bad[i].path, plen) == 0 && msg[plen] == ':' && msg[plen + 1] == ' ')
                msg += plen + 2;
            fputs("<li><span class=\"mono bad\">", f);
            put_str(f, h->bad[i].path);
            fputs("</span>: <span class=\"mono\">", f);
            put_str(f, msg);
            fputs("</span></li>\n", f);
        }
        fputs("</ul>", f);
    }
    fmt_count(buf, sizeof(buf), h->flows);
    fprintf(f, "</dd>\n<dt>flows</dt><dd id=\"flows\">%s", buf);
    fmt_count(buf, sizeof(buf), h->dns_rrs);
    fprintf(f, " (DNS records %s)</dd>\n<dt>elapsed</dt><dd>%.2f s", buf, h->elapsed);
    if (h->note) {
        fputs(" &middot; ", f);
        put_str(f, h->note);
    }
    fputs("</dd>\n</dl>\n<nav>", f);
    for (size_t i = 0; i < p->ntables; i++) {
        fprintf(f, "<a href=\"#%s\">", p->tables[i].id);
        put_str(f, p->tables[i].title);
        fputs("</a>", f);
    }
    if (p->stack) {
        fputs("<a href=\"#stack\">", f);
        put_str(f, p->stack->title);
        fputs("</a>", f);
    }
    if (p->scatter) {
        fputs("<a href=\"#scatter\">", f);
        put_str(f, p->scatter->title);
        fputs("</a>", f);
    }
    fputs("</nav>\n</header>\n", f);
}

static void
write_spark(FILE *f, const uint64_t *v, const struct page *p)
{
    size_t nhours = p->nhours;
    uint64_t max = 0, total = 0;
    size_t active = 0;
    double w = nhours ? 160.0 / (double)nhours : 160.0;

    for (size_t i = 0; i < nhours; i++) {
        if (v[i] > max)
            max = v[i];
        total += v[i];
        active += v[i] != 0;
    }
    fputs("<svg class=\"spark\" viewBox=\"0 0 160 22\" preserveAspectRatio=\"none\" "
          "role=\"img\">",
          f);
    fprintf(f, "<title>%llu in %zu of %zu hours; peak %llu</title>", (unsigned long long)total,
            active, nhours, (unsigned long long)max);
    fputs("<line class=\"grid\" x1=\"0\" y1=\"21.5\" x2=\"160\" y2=\"21.5\"/>", f);
    for (size_t i = 0; i < nhours && max; i++) {
        double hgt;

        if (v[i] == 0)
            continue;
        hgt = 1.5 + 19.5 * (double)v[i] / (double)max;
        fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\">",
                w * (double)i, 21.0 - hgt, w > 1.2 ? w - 0.4 : w, hgt, palette[0]);
        {
            char hb[32];

            fmt_hour(hb, sizeof(hb), hour_at(p, i));
            fprintf(f, "<title>%s: %llu</title></rect>", hb, (unsigned long long)v[i]);
        }
    }
    fputs("</svg>", f);
}

static int
is_num(const struct out_cell *c)
{
    return c->kind == OUT_U64 || c->kind == OUT_U128 || c->kind == OUT_F64 ||
           c->kind == OUT_RATIO || c->kind == OUT_DEC;
}

static void
write_table(FILE *f, const struct page *p, const struct page_table *pt, struct out_str *tmp)
{
    const struct out_table *t = pt->table;
    size_t ncols = pt->cols ? pt->ncols : t->ncols;

    fprintf(f, "<section id=\"%s\">\n<h2>", pt->id);
    put_str(f, pt->title);
    fputs("</h2>\n", f);
    if (pt->caption) {
        fputs("<p class=\"cmd\"><code>", f);
        put_str(f, pt->caption);
        fputs("</code></p>\n", f);
    }
    if (t->nrows == 0) {
        fputs("<p class=\"none\">no rows</p>\n</section>\n", f);
        return;
    }
    fprintf(f,
            "<div class=\"scroll\"><table class=\"rows\" data-rows=\"%zu\">\n<thead><tr>"
            "<th class=\"num\">#</th>",
            t->nrows);
    for (size_t j = 0; j < ncols; j++) {
        size_t c = pt->cols ? pt->cols[j] : j;

        fprintf(f, "<th%s>", is_num(&t->cells[c]) ? " class=\"num\"" : "");
        put_str(f, t->cols[c].name);
        fputs("</th>", f);
        if (pt->spark && j == pt->spark_after) {
            fputs("<th>", f);
            put_str(f, pt->spark_title);
            fputs("</th>", f);
        }
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    for (size_t r = 0; r < t->nrows; r++) {
        fprintf(f, "<tr><td class=\"rank\">%zu</td>", r + 1);
        for (size_t j = 0; j < ncols; j++) {
            size_t c = pt->cols ? pt->cols[j] : j;
            const struct out_cell *cell = &t->cells[r * t->ncols + c];
            const char *cls = is_num(cell)                          ? "num"
                              : strcmp(t->cols[c].name, "why") == 0 ? "why"
                              : j == 0                              ? "key"
                                                                    : "";

            fprintf(f, "<td class=\"%s\"><div class=\"cell\">", cls);
            put_cell(f, cell, tmp);
            fputs("</div></td>", f);
            if (pt->spark && j == pt->spark_after) {
                fputs("<td>", f);
                write_spark(f, pt->spark + r * p->nhours, p);
                fputs("</td>", f);
            }
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
    if (t->has_more)
        fprintf(f, "<p class=\"sub\">only showing top %zu rows</p>\n", t->nrows);
    fputs("</section>\n", f);
}

/* A "nice" step (1, 2, 5 x 10^k) for about `n` ticks up to `max`. */
static double
nice_step(double max, int n)
{
    double raw = max / n, mag, r;

    if (raw <= 0)
        return 1;
    mag = pow(10, floor(log10(raw)));
    r = raw / mag;
    return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
}

static void
fmt_value(char *buf, size_t cap, double v, const char *unit)
{
    if (unit && strcmp(unit, "bytes") == 0)
        fmt_bytes(buf, cap, v);
    else
        snprintf(buf, cap, "%.0f", v);
}

static void
write_legend(FILE *f, const struct out_cell *labels, size_t n, struct out_str *tmp)
{
    fputs("<div class=\"legend\">", f);
    for (size_t s = 0; s < n; s++) {
        fprintf(f,
                "<span><span class=\"sw\" style=\"background:%s\"></span><span "
                "class=\"mono\">",
                palette[s < NPALETTE ? s : NPALETTE - 1]);
        put_cell(f, &labels[s], tmp);
        fputs("</span></span>", f);
    }
    fputs("</div>\n", f);
}

/* Chart geometry (viewBox units). */
enum {
    CW = 1100,
    CH = 300,
    ML = 70,
    MR = 16,
    MT = 12,
    MB = 38
};

static void
write_stack(FILE *f, const struct page *p, const struct page_stack *st, struct out_str *tmp)
{
    size_t nh = p->nhours;
    double max = 0, step, top, bw, pw = CW - ML - MR, ph = CH - MT - MB;
    size_t every;

    fputs("<section id=\"stack\">\n<h2>", f);
    put_str(f, st->title);
    fputs("</h2>\n", f);
    if (st->nseries == 0 || nh == 0) {
        fputs("<p class=\"none\">no data</p>\n</section>\n", f);
        return;
    }
    for (size_t i = 0; i < nh; i++) {
        double sum = 0;

        for (size_t s = 0; s < st->nseries; s++)
            sum += cell_f64(&st->v[s * nh + i]);
        if (sum > max)
            max = sum;
    }
    if (st->unit && strcmp(st->unit, "bytes") == 0) {
        /* steps of 1, 2, 5 x 10^k in the unit the labels use (KiB, MiB, ...) */
        double scale = 1;

        while (max / scale >= 1024.0)
            scale *= 1024.0;
        step = nice_step(max > 0 ? max / scale : 1, 5) * scale;
    } else {
        step = nice_step(max > 0 ? max : 1, 5);
    }
    top = ceil((max > 0 ? max : 1) / step) * step;
    bw = pw / (double)nh;
    write_legend(f, st->labels, st->nseries, tmp);
    fprintf(f,
            "<figure style=\"margin:0\"><svg class=\"chart stack\" viewBox=\"0 0 %d %d\" "
            "role=\"img\">\n",
            CW, CH);
    for (double y = 0; y <= top + step / 2; y += step) {
        char lb[32];
        double py = MT + ph - ph * y / top;

        fmt_value(lb, sizeof(lb), y, st->unit);
        fprintf(f, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", ML, py,
                CW - MR, py);
        fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", ML - 6, py + 4, lb);
    }
    every = nh <= 12 ? 1 : nh <= 48 ? 3 : nh <= 96 ? 6 : nh <= 240 ? 24 : 48;
    for (size_t i = 0; i < nh; i += every) {
        char hb[32];
        double px = ML + bw * (double)i;

        fmt_hour(hb, sizeof(hb), hour_at(p, i));
        fprintf(f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", px,
                MT + (int)ph, px, MT + (int)ph + 4);
        /* "MM-DD HH:00": the year is in the header (unless hours with data only: gaps) */
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"start\">%s</text>\n", px + 2,
                CH - MB + 18, p->hour_list ? hb : hb + 5);
    }
    for (size_t s = 0; s < st->nseries; s++) {
        fprintf(f, "<g class=\"series\" data-series=\"%zu\" fill=\"%s\">", s,
                palette[s < NPALETTE ? s : NPALETTE - 1]);
        for (size_t i = 0; i < nh; i++) {
            double below = 0, v = cell_f64(&st->v[s * nh + i]);
            char hb[32], vb[32];

            if (v == 0)
                continue;
            for (size_t k = 0; k < s; k++)
                below += cell_f64(&st->v[k * nh + i]);
            fmt_hour(hb, sizeof(hb), hour_at(p, i));
            fmt_value(vb, sizeof(vb), v, st->unit);
            fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"><title>",
                    ML + bw * (double)i, MT + ph - ph * (below + v) / top, bw > 2 ? bw - 1 : bw,
                    ph * v / top);
            put_cell(f, &st->labels[s], tmp);
            fprintf(f, " %s UTC: %s (", hb, vb);
            put_cell(f, &st->v[s * nh + i], tmp);
            fputs(")</title></rect>", f);
        }
        fputs("</g>\n", f);
    }
    fprintf(f, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", ML, MT + (int)ph,
            CW - MR, MT + (int)ph);
    fputs("</svg></figure>\n</section>\n", f);
}

static double
log_pos(double v, double lo, double hi)
{
    double l = log10(v < 1 ? 1.0 : v);

    return hi > lo ? (l - lo) / (hi - lo) : 0.5;
}

/* Placed labels of the scatter, to keep them from covering each other. */
struct placed {
    double x0, y0, x1, y1;
};

static int
overlaps(const struct placed *pl, size_t n, const struct placed *b)
{
    for (size_t i = 0; i < n; i++)
        if (b->x0 < pl[i].x1 && pl[i].x0 < b->x1 && b->y0 < pl[i].y1 && pl[i].y0 < b->y1)
            return 1;
    return 0;
}

/*
 * Labels point `i` at (px, py) beside it where it covers no label placed so
 * far (right above, right below, left above, left below); else leaves it to
 * the hover title. Text width is estimated at 6.2 units per character.
 */
static void
write_point_label(FILE *f, const char *text, size_t len, double px, double py, struct placed *pl,
                  size_t *npl)
{
    size_t shown = len > 40 ? 40 : len;
    double w = 6.2 * (double)(shown + (len > 40)), h = 12;
    static const double dx[] = {8, 8, -8, -8}, dy[] = {-5, 13, -5, 13};

    for (int k = 0; k < 4; k++) {
        struct placed b;

        b.x0 = dx[k] > 0 ? px + dx[k] : px + dx[k] - w;
        b.x1 = b.x0 + w;
        b.y1 = py + dy[k] + 2;
        b.y0 = b.y1 - h;
        if (b.x0 < ML || b.x1 > CW - MR || b.y0 < 0 || overlaps(pl, *npl, &b))
            continue;
        pl[(*npl)++] = b;
        fprintf(f, "<text class=\"lbl\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">", px + dx[k],
                py + dy[k], dx[k] > 0 ? "start" : "end");
        /* long tunnel names would cover the chart: 40 characters at most */
        page_put_text(f, text, shown);
        fputs(len > 40 ? "&#8230;</text>\n" : "</text>\n", f);
        return;
    }
}

static void
write_scatter(FILE *f, const struct page_scatter *sc, struct out_str *tmp)
{
    double xhi = 0, yhi = 0, pw = CW - ML - MR, ph = 360 - MT - MB - 8;
    const int sh = 360;
    struct placed *pl = mem_calloc(sc->nmarked + 1, sizeof(*pl));
    size_t npl = 0;

    fputs("<section id=\"scatter\">\n<h2>", f);
    put_str(f, sc->title);
    fputs("</h2>\n", f);
    if (sc->n == 0) {
        fputs("<p class=\"none\">no data</p>\n</section>\n", f);
        mem_free(pl);
        return;
    }
    for (size_t i = 0; i < sc->n; i++) {
        double x = log10(sc->x[i] < 1 ? 1.0 : (double)sc->x[i]);
        double y = log10(cell_f64(&sc->y[i]) < 1 ? 1.0 : cell_f64(&sc->y[i]));

        xhi = x > xhi ? x : xhi;
        yhi = y > yhi ? y : yhi;
    }
    xhi = ceil(xhi + 0.01);
    yhi = ceil(yhi + 0.01);
    fprintf(f,
            "<figure style=\"margin:0\"><svg class=\"chart scatter\" viewBox=\"0 0 %d %d\" "
            "role=\"img\">\n",
            CW, sh);
    for (int d = 0; d <= (int)xhi; d++) {
        double px = ML + pw * d / xhi;

        fprintf(f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\"/>", px, MT,
                px, MT + ph);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.0f</text>\n", px,
                MT + ph + 16, pow(10, d));
    }
    for (int d = 0; d <= (int)yhi; d++) {
        char lb[32];
        double py = MT + ph - ph * d / yhi;

        fmt_pow10_bytes(lb, sizeof(lb), d);
        fprintf(f, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", ML, py,
                CW - MR, py);
        fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", ML - 6, py + 4, lb);
    }
    fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"lbl\">", ML + pw / 2,
            sh - 4);
    put_str(f, sc->xlabel);
    fprintf(f,
            "</text><text x=\"14\" y=\"%.1f\" text-anchor=\"middle\" class=\"lbl\" "
            "transform=\"rotate(-90 14 %.1f)\">",
            MT + ph / 2, MT + ph / 2);
    put_str(f, sc->ylabel);
    fputs("</text>\n", f);
    /* unmarked points first, so the marked ones are drawn on top, the best labelled first */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < sc->n; k++) {
            size_t i = k;
            int marked = i < sc->nmarked;
            double px, py;

            if (marked != pass)
                continue;
            px = ML + pw * log_pos((double)sc->x[i], 0, xhi);
            py = MT + ph - ph * log_pos(cell_f64(&sc->y[i]), 0, yhi);
            fprintf(f,
                    "<circle class=\"dot%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\" "
                    "fill-opacity=\"%s\"><title>",
                    marked ? " marked" : "", px, py, marked ? "5" : "3.5",
                    marked ? "#d55e00" : palette[0], marked ? "0.9" : "0.45");
            put_cell(f, &sc->labels[i], tmp);
            fprintf(f, ": %llu names, ", (unsigned long long)sc->x[i]);
            put_cell(f, &sc->y[i], tmp);
            fputs(" bytes</title></circle>\n", f);
            if (marked) {
                out_str_reset(tmp);
                out_cell_render(&sc->labels[i], tmp);
                write_point_label(f, tmp->p ? tmp->p : "", tmp->len, px, py, pl, &npl);
            }
        }
    }
    fprintf(f, "<line class=\"axis\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", ML, MT + ph,
            CW - MR, MT + ph);
    fprintf(f, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\"/>\n", ML, MT, ML,
            MT + ph);
    fputs("</svg></figure>\n</section>\n", f);
    mem_free(pl);
}

int
page_write(FILE *f, const struct page *p, struct err *err)
{
    struct out_str tmp = {0};

    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"referrer\" content=\"no-referrer\">\n<title>",
          f);
    put_str(f, p->h.title);
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n", css);
    write_header(f, p);
    for (size_t i = 0; i < p->ntables; i++)
        write_table(f, p, &p->tables[i], &tmp);
    if (p->stack)
        write_stack(f, p, p->stack, &tmp);
    if (p->scatter)
        write_scatter(f, p->scatter, &tmp);
    fputs("<footer>Every name is shown as the data holds it: bytes outside printable ASCII as "
          "\\xHH, nothing from the data is markup. This page runs no script and loads "
          "nothing.</footer>\n</main>\n</body>\n</html>\n",
          f);
    out_str_fini(&tmp);
    if (ferror(f))
        return ERR_SET(err, ERR_IO, "%s", "writing the report page failed");
    return 0;
}
