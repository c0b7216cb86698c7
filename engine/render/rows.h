/*
 * rows.h - a streaming row writer for flat per-record rows (JSON Lines or
 * CSV): what `flowsweep export` writes, so other engines can load exactly the
 * records flowsweep's jobs see.
 *
 * The caller appends rows to a growable buffer (rows_put()) and writes the
 * buffer out whenever it likes, so rows can stream in bounded chunks.
 * Columns, in order (a rows_layout may choose some, in any order):
 *   start end sip dip sport dport proto app bytes packets rbytes rpackets ndns
 *   names types
 * Addresses render as out.h does (dotted quad, or inet_ntop for IPv6, so an
 * IPv6-exported v4-mapped address stays distinct from the IPv4 one). DNS names
 * are attacker-chosen bytes: each renders with esc.h's \xHH escaping plus '\'
 * as "\\", so the text is printable ASCII and maps 1:1 back to the bytes
 * (esc.h alone lets a raw 0x01 and the four characters "\x01" look alike).
 * jsonl then JSON-encodes that text; csv writes the names and types arrays as
 * JSON array text in one RFC 4180 field (CRLF line ends, header row).
 * Threads: no shared state; one buffer per caller.
 */
#ifndef ENGINE_ROWS_H
#define ENGINE_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "flow.h"

enum rows_format {
    ROWS_JSONL, /* one JSON object per line */
    ROWS_CSV    /* RFC 4180 with a header row */
};

#define ROWS_NCOLUMNS 15 /* start ... types */

/* What a row holds: the format and the columns, in output order. */
struct rows_layout {
    enum rows_format fmt;
    size_t ncol;
    uint8_t col[ROWS_NCOLUMNS]; /* column numbers (the order above), each at most once */
};

/* A growable byte buffer of rendered rows. */
struct rows_buf {
    char *p;    /* bytes, not NUL-terminated; owned */
    size_t len; /* bytes used */
    size_t cap; /* bytes allocated */
};

/* One row's values (a record of the job's view: addresses may be swapped, counts split). */
struct rows_rec {
    int64_t start_ms, end_ms; /* flow start and end, ms since the epoch */
    uint8_t family;           /* FLOW_IPV4 or FLOW_IPV6 */
    const uint8_t *sip, *dip; /* 16 bytes each (IPv4 v4-mapped) */
    uint64_t num[9];          /* sport dport proto app bytes packets rbytes rpackets ndns */
    const struct dns_rr *dns; /* the flow's DNS records, wire order */
    uint32_t ndns;            /* entries in dns */
};

/* rows_format_parse() - "jsonl" (or "json") / "csv" into *fmt; 0, or -1 when unknown. */
int rows_format_parse(const char *s, enum rows_format *fmt);

/*
 * rows_layout_init() - `fmt` and the columns named in `fields` (comma-separated,
 * case-insensitive, each once, as rwcut --fields), or every column when NULL.
 * Returns 0, or -1 with `err` naming the unknown or repeated column.
 */
int rows_layout_init(struct rows_layout *l, enum rows_format fmt, const char *fields,
                     struct err *err);

/* rows_header() - appends the header row (CSV; nothing for JSON Lines). */
void rows_header(struct rows_buf *b, const struct rows_layout *l);

/* rows_put() - appends the row of `r`. */
void rows_put(struct rows_buf *b, const struct rows_layout *l, const struct rows_rec *r);

/* rows_buf_fini() - frees the buffer. */
void rows_buf_fini(struct rows_buf *b);

#endif
