/*
 * ipfix_read.h - read one YAF / super_mediator IPFIX file into struct flow.
 *
 * The only module that sees libfixbuf and GLib. Call order:
 *   m = ipfix_model_create(decoder, err)    once per thread
 *   r = ipfix_reader_open(m, path, err)     once per file (a file is one IPFIX session)
 *   while ((rc = ipfix_reader_next(r, &f, err)) == 1) use(f);
 *   ipfix_reader_stats(r)                   counts, damage
 *   ipfix_reader_close(r); ...; ipfix_model_destroy(m)
 *
 * What it reads (docs/format.md): YAF 2.x DNS DPI (STML 0/293 -> 0xCE00 wrapper
 * -> STL of DNS RR records) and YAF 3.x / super_mediator 2 (yafDPIList 6871/432
 * -> DNS RR records); fields matched by (PEN, ID) only; 4- and 8-byte counters;
 * total or delta counters; uniflow and biflow; ms, NTP us/ns, seconds, sysUpTime
 * (with systemInitTimeMilliseconds) or delta-microsecond start times;
 * templates added or redefined mid-file. Options records, non-flow records and
 * data sets with unknown templates are skipped and counted.
 *
 * Damage: libfixbuf runs in manual mode so that a corrupt set, list or varlen
 * length (FB_ERROR_EOM inside a set) is detected instead of silently dropping
 * the rest of the message. Such damage is counted in stats.damaged, described
 * (with the byte offset) in stats.first_damage, and reading resumes at the next
 * message. Damage that leaves no next message to resume at (bad message header,
 * truncated message) ends the file: next() returns -ERR_FORMAT with the path
 * and offset in `err`; every flow yielded before stays valid to count.
 *
 * Limits (docs/format.md): memory per reader is bounded whatever the input;
 * at most IPFIX_MAX_DOMAINS observation domains per file and 2047 records per
 * decoded list, beyond which the message or record is damage.
 *
 * Threads: a model and its readers are confined to one thread; use one model
 * per thread (fixbuf's info model is not safe to share while reading).
 * ipfix_model_create() itself may be called from any thread (it serialises
 * libfixbuf's XML loader, which is not thread-safe), but callers should
 * create their models before a parallel region: loading takes milliseconds.
 */
#ifndef ENGINE_IPFIX_READ_H
#define ENGINE_IPFIX_READ_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "flow.h"

struct ipfix_model;  /* opaque: the decoder's per-thread state (and libfixbuf's info model) */
struct ipfix_reader; /* opaque: one open file */

struct ipfix_read_stats {
    uint64_t messages;        /* IPFIX messages read */
    uint64_t flows;           /* flow records yielded by next(), or dropped by ipfix_need.keep() */
    uint64_t dns_rrs;         /* DNS records attached to the yielded flows */
    uint64_t other_records;   /* options and non-flow data records skipped */
    uint64_t unknown_sets;    /* data sets skipped because their template is unknown */
    uint64_t damaged;         /* damaged sets/messages skipped (records lost there) */
    uint64_t file_bytes;      /* size of the file in bytes */
    uint64_t records_dropped; /* what ipfix_need.keep() counted for the flows it dropped */
    /*
     * Records of templates that look like flows (not options, an address) but give no
     * start time the reader can place exactly (docs/format.md, "Which records are flows"):
     * not read as flows, counted here (and in other_records), the first one described.
     */
    uint64_t untimed;
    char first_untimed[256];        /* "template N (observation domain D) why", "" if none */
    char first_damage[ERR_MSG_LEN]; /* "offset N: what was wrong", "" if none */
};

/*
 * Which decoder turns checked messages into flows. Both yield the same flows,
 * DNS records, counts and damage verdicts for any input (tests/unit and the
 * fuzz_decoders_agree target hold them to that); they differ only in speed.
 */
enum ipfix_decoder {
    IPFIX_DECODER_FAST = 0,  /* default: in-place decode by compiled template plans */
    IPFIX_DECODER_FIXBUF = 1 /* libfixbuf 2.4.1's transcoder (the reference) */
};

/*
 * Projection (docs/format.md, "What a job reads"): which parts of each flow
 * the caller will read. The fast decoder decodes those alone and leaves the
 * others 0; libfixbuf's decodes everything. Whatever is asked, every record
 * is still walked (and damage found) the same way, flows and DNS records
 * are counted the same way, and ndns is always set.
 */
enum ipfix_need_flow {
    IPFIX_NEED_TIME = 1u << 0,   /* start_ms, end_ms */
    IPFIX_NEED_COUNTS = 1u << 1, /* bytes, packets */
    IPFIX_NEED_REV = 1u << 2,    /* rev_bytes, rev_packets */
    IPFIX_NEED_ADDRS = 1u << 3,  /* sip, dip (family is always set) */
    IPFIX_NEED_PORTS = 1u << 4,  /* sport, dport */
    IPFIX_NEED_PROTO = 1u << 5,  /* proto */
    IPFIX_NEED_APP = 1u << 6,    /* app_label */
    IPFIX_NEED_FLOW_ALL = (1u << 7) - 1
};
enum ipfix_need_dns {
    IPFIX_NEED_DNS_NAME = 1u << 0,    /* name, name_len */
    IPFIX_NEED_DNS_TYPE = 1u << 1,    /* rrtype */
    IPFIX_NEED_DNS_TTL = 1u << 2,     /* ttl */
    IPFIX_NEED_DNS_QR = 1u << 3,      /* qr */
    IPFIX_NEED_DNS_AA = 1u << 4,      /* aa */
    IPFIX_NEED_DNS_RCODE = 1u << 5,   /* rcode */
    IPFIX_NEED_DNS_SECTION = 1u << 6, /* section */
    IPFIX_NEED_DNS_ID = 1u << 7,      /* id */
    IPFIX_NEED_DNS_ALL = (1u << 8) - 1
};
struct ipfix_need {
    uint32_t flow; /* enum ipfix_need_flow */
    uint32_t dns;  /* enum ipfix_need_dns; 0: no DNS record is decoded (dns NULL, ndns counts) */
    /*
     * keep() - may be NULL. Called with each flow decoded for `keep_flow`
     * (enum ipfix_need_flow) and ndns, before anything else of it is: 0 drops
     * it (it is counted in stats.flows and its DNS records in stats.dns_rrs,
     * but never handed out), after adding the records the caller would have
     * made of it to *records (stats.records_dropped). 1 keeps it. Both
     * decoders apply it (libfixbuf's after decoding the whole flow).
     */
    int (*keep)(const void *ctx, const struct flow *f, uint64_t *records);
    const void *keep_ctx;
    uint32_t keep_flow;
    /*
     * 1: the records keep() counts for the flows it drops are kept records too (the sweep adds
     * them to its kept count): the job's own --where would have kept them, it skips them for
     * another reason (dns-hunt: flows with no DNS record). 0: they are records --where drops.
     */
    int dropped_kept;
};

/* ipfix_decoder_name() - "fast" or "fixbuf". */
const char *ipfix_decoder_name(enum ipfix_decoder d);

/* ipfix_decoder_parse() - "fast"/"fixbuf" into *d; 0, or -1 when unknown. */
int ipfix_decoder_parse(const char *s, enum ipfix_decoder *d);

/*
 * ipfix_model_create() - a new model for decoder `d`, or NULL with `err` set
 * (ERR_LIMIT when no file descriptor is left to reserve, see ipfix_reader_open()).
 */
struct ipfix_model *ipfix_model_create(enum ipfix_decoder d, struct err *err);

/*
 * ipfix_model_need() - readers of `m` opened from now on decode what `need`
 * asks (copied; NULL: everything, the default).
 */
void ipfix_model_need(struct ipfix_model *m, const struct ipfix_need *need);

/* ipfix_model_destroy() - frees `m`; NULL is a no-op. Close its readers first. */
void ipfix_model_destroy(struct ipfix_model *m);

#define IPFIX_READER_STDIN      "-"       /* the path that reads standard input */
#define IPFIX_READER_STDIN_NAME "(stdin)" /* how messages name it */

/*
 * ipfix_reader_open() - opens `path` for reading with model `m` (borrowed; it
 * must outlive the reader); IPFIX_READER_STDIN reads one stream from standard
 * input. gzip and zstd data are decompressed while they are read (bytesrc.h);
 * offsets in messages are then "decompressed offset N", and damage in the
 * compressed data is an error naming its compressed offset. A file is opened
 * without blocking (a FIFO swapped in for a planned file cannot hang the run)
 * and must be a regular file. Returns NULL with `err` set, the path named in
 * the message: ERR_IO when the file cannot be opened or is not a regular file
 * (a bad file); ERR_LIMIT when the process is out of file descriptors (EMFILE,
 * ENFILE: an error of the run, not of the file). A model holds one descriptor
 * in reserve from ipfix_model_create() on, which its reader's file takes over,
 * so a run of T models never needs more than those T descriptors for its files.
 */
struct ipfix_reader *ipfix_reader_open(struct ipfix_model *m, const char *path, struct err *err);

/*
 * ipfix_reader_next() - the next flow record. Returns 1 and sets *flow (valid
 * until the next call on `r`), 0 at the end of the file, or -code with `err`
 * naming the path, the byte offset and what was wrong; after a negative return
 * the reader is finished (next() keeps returning 0).
 */
int ipfix_reader_next(struct ipfix_reader *r, const struct flow **flow, struct err *err);

/*
 * ipfix_reader_next_batch() - like ipfix_reader_next(), but hands out every
 * flow the reader has decoded and not yet handed out (at least one): with the
 * fast decoder, the rest of an IPFIX message; with libfixbuf, one flow. Returns
 * 1 with flows[0..*n) valid until the next call on `r`, 0 at the end, or -code.
 * Callers use it to work on several flows at once (through source.h: exec/group.c
 * prefetches a whole batch).
 */
int ipfix_reader_next_batch(struct ipfix_reader *r, const struct flow **flows, size_t *n,
                            struct err *err);

/* ipfix_reader_stats() - counts so far; valid until ipfix_reader_close(). */
const struct ipfix_read_stats *ipfix_reader_stats(const struct ipfix_reader *r);

/* ipfix_reader_close() - closes the file and frees `r`; NULL is a no-op. */
void ipfix_reader_close(struct ipfix_reader *r);

#endif
