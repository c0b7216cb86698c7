/*
 * export.h - flat per-record rows (JSON Lines or CSV), so other engines can
 * load exactly the records flowsweep's jobs see.
 *
 * export_run() reads the files in the order given (the plan's order), expands
 * each flow into the job's record view (record.h), keeps the records matching
 * the job's --where, and writes one row per record, in file order:
 *   start end sip dip sport dport proto app bytes packets rbytes rpackets ndns
 *   names types
 * Only the job's view and --where are used; its keys and aggregates are not.
 * Addresses render as out.h does (dotted quad, or inet_ntop for IPv6, so an
 * IPv6-exported v4-mapped address stays distinct from the IPv4 one). DNS names
 * are attacker-chosen bytes: each renders with esc.h's \xHH escaping plus '\'
 * as "\\", so the text is printable ASCII and maps 1:1 back to the bytes
 * (esc.h alone lets a raw 0x01 and the four characters "\x01" look alike).
 * jsonl then JSON-encodes that text; csv writes the names and types arrays as
 * JSON array text in one RFC 4180 field (CRLF line ends, header row).
 *
 * Bad files behave as in scan_run(): each is listed in res->bad (sorted by
 * path) with the rows read before the damage kept, and the export goes on;
 * with opts->strict the first bad file in plan order stops it (ERR_FORMAT),
 * after the rows of the files before it were written (with one worker, rows
 * stream, so some of the bad file's rows may be out too: the exit status,
 * not the output, says the export is incomplete).
 *
 * Threads: with opts->threads > 1 the files are decoded and rendered on
 * OpenMP workers (schedule(dynamic, 1)), each file into its own buffer, and
 * the buffers are written in plan order (an ordered region), so the output is
 * byte-identical for any thread count. Memory: one rendered file per worker.
 * With one thread rows stream to `out` through a small buffer.
 */
#ifndef ENGINE_EXPORT_H
#define ENGINE_EXPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "job.h"
#include "scan.h"

enum export_format {
    EXPORT_JSONL, /* one JSON object per line */
    EXPORT_CSV    /* RFC 4180 with a header row */
};

struct export_result {
    struct scan_stats stats; /* files, flows, records, kept (= rows written), dns records */
    struct scan_bad *bad;    /* sorted by path; owned */
    size_t nbad;
    int threads; /* workers used */
};

/* export_format_parse() - "jsonl" (or "json") / "csv" into *fmt; 0, or -1 when unknown. */
int export_format_parse(const char *s, enum export_format *fmt);

/*
 * export_run() - writes the rows of `files` to `out` (see above). `opts`
 * supplies threads, strict, decoder and progress; mem_limit is not used.
 * Returns 0, or -code: ERR_IO (writing `out`), ERR_FORMAT (--strict and a bad
 * file). `res` is filled either way and must be export_result_fini()'d.
 */
int export_run(const struct job *job, enum export_format fmt, const struct scan_file *files,
               size_t nfiles, const struct scan_opts *opts, FILE *out, struct export_result *res,
               struct err *err);

/* export_result_fini() - frees the bad-file list. */
void export_result_fini(struct export_result *res);

#endif
