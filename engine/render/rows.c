/*
 * rows.c - see rows.h.
 */
#include "rows.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "esc.h"
#include "mem.h"

static const char hex[] = "0123456789ABCDEF";

static char *
xb_reserve(struct rows_buf *b, size_t more)
{
    b->p = mem_grow(b->p, &b->cap, b->len + more, 4096);
    return b->p + b->len;
}

static void
xb_add(struct rows_buf *b, const char *s, size_t len)
{
    memcpy(xb_reserve(b, len), s, len);
    b->len += len;
}

static void
xb_addc(struct rows_buf *b, char c)
{
    *xb_reserve(b, 1) = c;
    b->len++;
}

static void
xb_adds(struct rows_buf *b, const char *s)
{
    xb_add(b, s, strlen(s));
}

static void
xb_u64(struct rows_buf *b, uint64_t v)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v);

    xb_add(b, tmp, (size_t)n);
}

static void
xb_i64(struct rows_buf *b, int64_t v)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof(tmp), "%" PRId64, v);

    xb_add(b, tmp, (size_t)n);
}

/* The address as out.h renders it: dotted quad for IPv4, inet_ntop for IPv6. */
static void
put_addr(struct rows_buf *b, uint8_t family, const uint8_t a[16])
{
    char tmp[INET6_ADDRSTRLEN];

    if (family == FLOW_IPV4)
        inet_ntop(AF_INET, a + 12, tmp, sizeof(tmp));
    else
        inet_ntop(AF_INET6, a, tmp, sizeof(tmp));
    xb_adds(b, tmp);
}

/*
 * A DNS name as a JSON string. The name is first made 1:1 printable text
 * (esc.h's \xHH for bytes outside 0x20-0x7E, and '\' as "\\"), then that text
 * is JSON-encoded, which only has to escape '"' and '\'.
 */
static void
put_name_json(struct rows_buf *b, const uint8_t *name, uint32_t len)
{
    xb_addc(b, '"');
    for (uint32_t i = 0; i < len; i++) {
        uint8_t c = name[i];

        if (c == '\\') {
            xb_add(b, "\\\\\\\\", 4); /* text "\\", JSON-encoded */
        } else if (c == '"') {
            xb_add(b, "\\\"", 2);
        } else if (c >= 0x20 && c <= 0x7E) {
            xb_addc(b, (char)c);
        } else {
            char e[5] = {'\\', '\\', 'x', hex[c >> 4], hex[c & 15]}; /* text "\xHH" */

            xb_add(b, e, sizeof(e));
        }
    }
    xb_addc(b, '"');
}

/* The flow's DNS names and RR types as JSON arrays, wire order. */
static void
put_names(struct rows_buf *b, const struct rows_rec *f)
{
    xb_addc(b, '[');
    for (uint32_t i = 0; i < f->ndns; i++) {
        if (i)
            xb_addc(b, ',');
        put_name_json(b, f->dns[i].name, f->dns[i].name_len);
    }
    xb_addc(b, ']');
}

static void
put_types(struct rows_buf *b, const struct rows_rec *f)
{
    xb_addc(b, '[');
    for (uint32_t i = 0; i < f->ndns; i++) {
        if (i)
            xb_addc(b, ',');
        xb_u64(b, f->dns[i].rrtype);
    }
    xb_addc(b, ']');
}

/* A CSV field holding JSON text: quoted, '"' doubled (the text always has '[' ... ']'). */
static void
put_csv_json(struct rows_buf *b, const struct rows_rec *f, int names)
{
    size_t at = b->len;
    size_t n;

    if (names)
        put_names(b, f);
    else
        put_types(b, f);
    n = b->len - at;
    if (memchr(b->p + at, ',', n) == NULL && memchr(b->p + at, '"', n) == NULL)
        return; /* "[]" or "[1]": nothing RFC 4180 needs quoted, as out.c's csv_field() */
    /* Rewrite in place from the end: each '"' doubles, plus the two quotes. */
    size_t quotes = 0;

    for (size_t i = 0; i < n; i++)
        quotes += b->p[at + i] == '"';
    xb_reserve(b, quotes + 2);
    size_t src = at + n, dst = at + n + quotes + 2;

    b->p[--dst] = '"';
    while (src > at) {
        char c = b->p[--src];

        b->p[--dst] = c;
        if (c == '"')
            b->p[--dst] = '"';
    }
    b->p[--dst] = '"';
    b->len = at + n + quotes + 2;
}

static const char *const columns[] = {"start",  "end",      "sip",  "dip",   "sport",
                                      "dport",  "proto",    "app",  "bytes", "packets",
                                      "rbytes", "rpackets", "ndns", "names", "types"};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

int
rows_format_parse(const char *s, enum rows_format *fmt)
{
    if (strcmp(s, "jsonl") == 0 || strcmp(s, "json") == 0)
        *fmt = ROWS_JSONL;
    else if (strcmp(s, "csv") == 0)
        *fmt = ROWS_CSV;
    else
        return -1;
    return 0;
}

int
rows_layout_init(struct rows_layout *l, enum rows_format fmt, const char *fields, struct err *err)
{
    memset(l, 0, sizeof(*l));
    l->fmt = fmt;
    if (fields == NULL) {
        for (size_t i = 0; i < NCOLUMNS; i++)
            l->col[l->ncol++] = (uint8_t)i;
        return 0;
    }
    for (const char *p = fields;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *name = p;
        size_t i;
        char shown[4 * 32 + 1];

        while (len && (*name == ' ' || *name == '\t'))
            name++, len--;
        while (len && (name[len - 1] == ' ' || name[len - 1] == '\t'))
            len--;
        for (i = 0; i < NCOLUMNS; i++)
            if (strlen(columns[i]) == len && strncasecmp(columns[i], name, len) == 0)
                break;
        esc_bytes(shown, sizeof(shown), (const uint8_t *)name, len < 32 ? len : 32);
        if (len == 0)
            return ERR_SET(err, ERR_USAGE, "%s",
                           "--fields: an empty column name (two commas, or one at an end)");
        if (i == NCOLUMNS)
            return ERR_SET(err, ERR_USAGE,
                           "--fields: unknown column '%s' (columns: start, end, sip, dip, sport, "
                           "dport, proto, app, bytes, packets, rbytes, rpackets, ndns, names, "
                           "types)",
                           shown);
        for (size_t k = 0; k < l->ncol; k++)
            if (l->col[k] == i)
                return ERR_SET(err, ERR_USAGE, "--fields: column '%s' named twice", shown);
        l->col[l->ncol++] = (uint8_t)i;
        if (end == NULL)
            break;
        p = end + 1;
    }
    return 0;
}

void
rows_header(struct rows_buf *b, const struct rows_layout *l)
{
    if (l->fmt != ROWS_CSV)
        return;
    for (size_t k = 0; k < l->ncol; k++) {
        if (k)
            xb_addc(b, ',');
        xb_adds(b, columns[l->col[k]]);
    }
    xb_add(b, "\r\n", 2);
}

void
rows_put(struct rows_buf *b, const struct rows_layout *l, const struct rows_rec *r)
{
    int json = l->fmt == ROWS_JSONL;

    for (size_t k = 0; k < l->ncol; k++) {
        size_t i = l->col[k];

        if (json) {
            xb_adds(b, k ? ",\"" : "{\"");
            xb_adds(b, columns[i]);
            xb_add(b, "\":", 2);
        } else if (k) {
            xb_addc(b, ',');
        }
        if (i == 0 || i == 1) {
            xb_i64(b, i == 0 ? r->start_ms : r->end_ms);
        } else if (i == 2 || i == 3) {
            if (json)
                xb_addc(b, '"');
            put_addr(b, r->family, i == 2 ? r->sip : r->dip);
            if (json)
                xb_addc(b, '"');
        } else if (i < 13) {
            xb_u64(b, r->num[i - 4]);
        } else if (json) {
            if (i == 13)
                put_names(b, r);
            else
                put_types(b, r);
        } else {
            put_csv_json(b, r, i == 13);
        }
    }
    if (json)
        xb_add(b, l->ncol ? "}\n" : "{}\n", l->ncol ? 2 : 3);
    else
        xb_add(b, "\r\n", 2);
}

void
rows_buf_fini(struct rows_buf *b)
{
    mem_free(b->p);
    memset(b, 0, sizeof(*b));
}
