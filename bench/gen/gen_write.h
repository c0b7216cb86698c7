/*
 * gen_write.h - writes generated flows as one YAF-compatible IPFIX file with
 * libfixbuf 2.4.1 (docs/generator.md "File format"; the format itself is
 * ../shared/docs/ipfix-dns-format.md §2, §3 and §6).
 *
 * Call order: gen_write_model_create() (before any thread starts), then per
 * file gen_write_open(), gen_write_flow() per flow, gen_write_close() (always,
 * also after an error: it frees the writer); gen_write_model_destroy() last.
 *
 * What a file holds, like YAF 2.16's output: a first message with the DPI,
 * DNS and options templates; flow templates added in the middle of the file
 * the first time a flow needs them (uniflow/biflow x IPv4/IPv6 x 4/8-byte
 * counters); the flow records; a process-statistics record (0xD003) and a
 * tombstone record (0xD004) at the end. Layout 2 nests DNS as STML 0/293 ->
 * 0xCE00 -> STL of padded 0xCF00 records; layout 3 puts unpadded 0xCF00
 * records straight into yafDPIList (6871/432).
 *
 * Memory: list structures point into buffers owned by the writer, so writing
 * a record allocates nothing in this module (libfixbuf's transcoder keeps its
 * own small per-record allocation).
 * Threads: libfixbuf 2.4.1's XML loader is not thread-safe (concurrent loads
 * crash in its hash tables), so models are made before the threads start; then
 * each thread uses its own model and one writer at a time.
 */
#ifndef BENCH_GEN_WRITE_H
#define BENCH_GEN_WRITE_H

#include <stdint.h>

#include "err.h"
#include "gen_model.h"

struct gen_writer;      /* opaque */
struct gen_write_model; /* opaque: libfixbuf's information model plus YAF's extra elements */

struct gen_write_opts {
    int layout;    /* 2: YAF 2.x nesting; 3: YAF 3 yafDPIList */
    int rr_detail; /* layout 3: 1 to export dnsDetailRecordList in each 0xCF00 record */
    uint32_t
        export_time; /* IPFIX message export time, Unix seconds (fixed: output is reproducible) */
    int64_t init_ms; /* systemInitTimeMilliseconds of the stats record */
    uint32_t pid;    /* exportingProcessId of the options records */
};

/*
 * gen_write_model_create() - loads the CERT information model and adds the
 * elements Debian's XML lacks (6871/41, 6871/431, 6871/432). Not thread-safe.
 * Returns the model, or NULL with `err` set.
 */
struct gen_write_model *gen_write_model_create(struct err *err);

/* gen_write_model_destroy() - frees `m` after its writers are closed; NULL is a no-op. */
void gen_write_model_destroy(struct gen_write_model *m);

/*
 * gen_write_open() - creates `path` and writes the template message, using
 * `model` (borrowed; one writer at a time). Returns the writer, or NULL with
 * `err` set (I/O, or a template libfixbuf rejects).
 */
struct gen_writer *gen_write_open(const char *path, const struct gen_write_opts *opts,
                                  struct gen_write_model *model, struct err *err);

/*
 * gen_write_flow() - appends one flow record. Returns the bytes the record
 * occupies in the file (its encoded length), or -code with `err` set.
 */
int gen_write_flow(struct gen_writer *w, const struct gen_flow *g, struct err *err);

/*
 * gen_write_close() - appends the statistics and tombstone records (stating
 * `packets` observed), flushes and closes the file, and frees `w` (also when
 * it fails, and when `w` is NULL nothing happens). Returns 0 or -code.
 */
int gen_write_close(struct gen_writer *w, uint64_t packets, struct err *err);

#endif
