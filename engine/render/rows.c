/*
 * rows.c - see rows.h.
 */
#include "rows.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

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

void
rows_header(struct rows_buf *b, enum rows_format fmt)
{
    if (fmt != ROWS_CSV)
        return;
    for (size_t i = 0; i < NCOLUMNS; i++) {
        if (i)
            xb_addc(b, ',');
        xb_adds(b, columns[i]);
    }
    xb_add(b, "\r\n", 2);
}

void
rows_put(struct rows_buf *b, enum rows_format fmt, const struct rows_rec *r)
{
    int json = fmt == ROWS_JSONL;

    for (size_t i = 0; i < 13; i++) {
        if (json) {
            xb_adds(b, i ? ",\"" : "{\"");
            xb_adds(b, columns[i]);
            xb_add(b, "\":", 2);
        } else if (i) {
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
        } else {
            xb_u64(b, r->num[i - 4]);
        }
    }
    if (json) {
        xb_adds(b, ",\"names\":");
        put_names(b, r);
        xb_adds(b, ",\"types\":");
        put_types(b, r);
        xb_add(b, "}\n", 2);
    } else {
        xb_addc(b, ',');
        put_csv_json(b, r, 1);
        xb_addc(b, ',');
        put_csv_json(b, r, 0);
        xb_add(b, "\r\n", 2);
    }
}

void
rows_buf_fini(struct rows_buf *b)
{
    mem_free(b->p);
    memset(b, 0, sizeof(*b));
}
