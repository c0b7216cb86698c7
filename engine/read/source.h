/*
 * source.h - a record source: what the map phase reads flows from, without
 * naming a file format.
 *
 * A source model is one worker's reusable decoding state (buffers, template
 * caches); a source is one open input of that model (at most one at a time).
 * Call order, per worker:
 *   source_model_create() { source_open() source_next_batch()... source_stats()
 *   source_close() }... source_model_destroy()
 * The IPFIX reader (ipfix_read.h) is the implementation behind it; the choice
 * of decoder is the read layer's own type (struct source_spec), so callers
 * above pass it through unopened.
 * Threads: a model and its source are confined to one thread; models of
 * different threads are independent.
 */
#ifndef ENGINE_SOURCE_H
#define ENGINE_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "flow.h"
#include "ipfix_read.h"

/* How inputs are decoded: passed from the command line to source_model_create(). */
struct source_spec {
    enum ipfix_decoder decoder;    /* IPFIX_DECODER_FAST (default, 0) or _FIXBUF */
    const struct ipfix_need *need; /* what the caller reads of each flow (borrowed); NULL: all */
};

/* What reading one input found (all zero for an input that could not be opened). */
struct source_stats {
    uint64_t file_bytes;      /* bytes of the input */
    uint64_t flows;           /* flows yielded, or dropped by need->keep() */
    uint64_t records_dropped; /* what need->keep() counted for the flows it dropped */
    uint64_t dns_rrs;         /* DNS records attached to them */
    uint64_t other_records;   /* options and non-flow records skipped */
    uint64_t unknown_sets;    /* data sets skipped: template never defined */
    uint64_t damaged;         /* damaged sets or messages skipped */
    uint64_t untimed; /* flow-like records with no start time the reader can place (not read) */
    char first_untimed[256];        /* "template N (observation domain D) why", "" if none */
    char first_damage[ERR_MSG_LEN]; /* "offset N: what was wrong", "" if none */
};

struct source_model; /* opaque: one worker's decoding state */
struct source;       /* opaque: one open input */

/* source_model_create() - a model for `spec`, or NULL with `err` set. Not thread-safe. */
struct source_model *source_model_create(const struct source_spec *spec, struct err *err);

/* source_model_destroy() - frees `m`; NULL is a no-op. Close its source first. */
void source_model_destroy(struct source_model *m);

/* source_open() - opens `path` on `m`, or NULL with `err` set: the input is bad, or ERR_LIMIT when
 * the process is out of file descriptors (an error of the run). */
struct source *source_open(struct source_model *m, const char *path, struct err *err);

/*
 * source_next_batch() - the next flows: *flows points at *n >= 1 flows, valid
 * until the next call. Returns 1, 0 at the end, or -code (the rest of the
 * input is unreadable; the flows before stay valid and counted).
 */
int source_next_batch(struct source *s, const struct flow **flows, size_t *n, struct err *err);

/* source_stats() - what reading `s` found so far, into *st. */
void source_stats(const struct source *s, struct source_stats *st);

/* source_close() - closes `s`; NULL is a no-op. */
void source_close(struct source *s);

#endif
