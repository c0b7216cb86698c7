/*
 * partial.h - the partial-state file: one job's groups from one source, on disk.
 *
 * A partial holds what folding one source file produced (its groups, each a
 * packed key and the operation's saved state), so that a later run merges it
 * instead of decoding the file again (the cache, cache.h), and, later, so
 * that ranks exchange partitions and spills go to disk in the same form.
 * The container knows nothing of the analytic: a state is bytes written by
 * the operation's save callback and read back by its load.
 *
 * Layout (every integer little-endian; docs/partials.md has the full table):
 *   header    magic, format version, header length, job fingerprint, source
 *             identity (size, mtime ns, inode, device, path), time written,
 *             the source's verdict (damaged or not, flows before the damage,
 *             message) and its read counts, the job's text, XXH3-64 checksum
 *   blocks    one per non-empty hash partition (htab.h, HTAB_PARTS of them),
 *             ascending: partition, groups, payload bytes, payload (per group:
 *             its key's 64-bit hash as the table keeps it, varint key length,
 *             varint state length, key, state; sorted by (hash, key bytes)),
 *             XXH3-64 checksum of the block
 *   trailer   end magic, the file's length, XXH3-64 over the header's and
 *             every block's checksum (so blocks cannot be swapped between files)
 * The canonical order (partitions ascending, groups by hash then bytes, and
 * the operation's states canonical) makes equal contents equal bytes.
 * Files are written to a dot-prefixed temporary name in the same directory
 * and renamed over the final name: a reader sees a whole file or none. The
 * loader checks every length, checksum and order, so a truncated, torn or
 * altered file is rejected with the reason, never half used.
 * Threads: every call works on caller-owned objects; no shared state.
 */
#ifndef ENGINE_PARTIAL_H
#define ENGINE_PARTIAL_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "htab.h"

#define PARTIAL_VERSION  2    /* format version: bump on any layout change */
#define PARTIAL_PATH_MAX 4096 /* longest source path kept (longer: not cached) */
#define PARTIAL_JOB_MAX  2048 /* longest job text kept */

/* What reading the source counted (the sweep's summary adds these up). */
struct partial_counts {
    uint64_t bytes;   /* file bytes */
    uint64_t flows;   /* flow records */
    uint64_t records; /* records in the job's view */
    uint64_t kept;    /* records that passed --where */
    uint64_t dns_rrs; /* DNS records */
    uint64_t other;   /* options / non-flow records */
    uint64_t damaged; /* damaged sets or messages skipped */
};

/*
 * One source file of a roll-up (a partial of many files, cache.h): its identity,
 * what reading it counted and its verdict, as struct partial_info keeps a single
 * source's. Strings are NUL-terminated; msg is "" unless bad.
 */
struct partial_member {
    const char *path; /* real path */
    const char *msg;  /* bad: the damage message, without the path when msg_after_path */
    uint64_t size;
    int64_t mtime_ns;
    uint64_t ino;
    uint64_t dev;
    int64_t examined_ns; /* wall clock (ns) when it was examined */
    struct partial_counts counts;
    uint64_t flows_kept;
    int bad, msg_after_path, resumed;
};

#define PARTIAL_MEMBERS_MAX (1u << 20) /* most members of one roll-up */

/* The header: who made the partial, from what, and what the source was like. */
struct partial_info {
    uint32_t version;       /* format version (PARTIAL_VERSION when written) */
    uint32_t state_version; /* the operation's state format, checked by the caller */
    uint8_t job_fp[16];     /* fingerprint of the job's state-shaping part */
    char job[PARTIAL_JOB_MAX];
    char src_path[PARTIAL_PATH_MAX];
    uint64_t src_size;
    int64_t src_mtime_ns;
    uint64_t src_ino;
    uint64_t src_dev;
    int64_t created_ns;  /* wall clock (ns) when the source was examined for it */
    int bad;             /* the source was damaged: its verdict is msg */
    int msg_after_path;  /* bad: the message is "PATH" + msg, PATH as the run names the source */
    int resumed;         /* bad: reading went on after the damage (sweep_bad.resumed) */
    uint64_t flows_kept; /* bad: flows of the source counted (before the damage unless resumed) */
    char msg[ERR_MSG_LEN];
    struct partial_counts counts;
    uint64_t groups; /* groups in all blocks */
    int any_order;   /* groups and distinct sets' items in no order: a message between ranks of
                        one job (engine/dist), never a file; loaded with PARTIAL_LOAD_ANY_ORDER */
    /* a roll-up (nmembers > 0): the groups of several sources, listed here in strictly
     * ascending path order; the src_* fields, bad and counts above are then 0 */
    uint32_t nmembers;
    const struct partial_member *members; /* written: the caller's; loaded: the partial's */
};

/* Growable bytes the save callback appends a state to. */
struct partial_buf {
    uint8_t *p;
    size_t len;
    size_t cap;
};

/* partial_buf_put() - appends p[0..len) to `b`. */
void partial_buf_put(struct partial_buf *b, const void *p, size_t len);

/* partial_buf_fini() - frees `b`'s bytes. */
void partial_buf_fini(struct partial_buf *b);

/* Appends the saved form of state `val` to `out`. Returns 0 or -code. */
typedef int partial_save_fn(const void *ctx, const uint8_t *val, struct partial_buf *out,
                            struct err *err);

/*
 * partial_write() - writes the groups of `t` (states of `val_len` bytes,
 * saved by `save`) with header `info` (its groups and version are set here)
 * to `path`, through a temporary name in the same directory. Returns the
 * bytes written, or -code: ERR_IO (nothing is left at `path` or the
 * temporary name), or the save callback's code.
 */
int64_t partial_write(const char *path, const struct partial_info *info, const struct htab *t,
                      uint32_t val_len, partial_save_fn *save, const void *ctx, struct err *err);

/* One group of a written (or loaded) partial: where it is and its checksum. */
struct partial_group_at {
    uint64_t hash;      /* the key's hash, as the file holds it */
    const uint8_t *key; /* its key bytes: the table's (written) or the file's (loaded) */
    uint32_t key_len;
    uint64_t off; /* the group's offset in the file (its hash first) */
    uint64_t len; /* its bytes: hash, varint lengths, key, state */
    uint64_t sum; /* XXH3-64 of those bytes */
};

/*
 * What a side file (side.h) needs of a roll-up: its length, the checksums of its
 * header, members section (0: none) and trailer, and each group, g[0..n) in
 * the file's order. partial_layout_fini() frees g.
 */
struct partial_layout {
    uint64_t size;
    uint64_t head_sum;
    uint64_t members_sum;
    uint64_t trailer_sum;
    struct partial_group_at *g;
    size_t n;
};

/*
 * partial_write_at() - partial_write() that also records, when `lay` is not
 * NULL, the layout of the bytes it wrote (made as they are written: the file
 * is not read back). The keys point into `t`.
 */
int64_t partial_write_at(const char *path, const struct partial_info *info, const struct htab *t,
                         uint32_t val_len, partial_save_fn *save, const void *ctx,
                         struct partial_layout *lay, struct err *err);

void partial_layout_fini(struct partial_layout *lay);

/*
 * partial_encode() - appends to `b` the bytes partial_write() would write, of
 * the hash partitions p of `t` with p % mod == rem only (mod 1, rem 0: all):
 * the unit ranks exchange (engine/dist) and shard files carry (shard.h).
 * With info->any_order, the groups are left in the table's order (no sort:
 * the bytes are then not canonical, and only PARTIAL_LOAD_ANY_ORDER loads
 * them). Returns 0, or the save callback's -code.
 */
int partial_encode(struct partial_buf *b, const struct partial_info *info, const struct htab *t,
                   uint32_t val_len, partial_save_fn *save, const void *ctx, unsigned mod,
                   unsigned rem, struct err *err);

/* A loaded partial: the whole file, checked, and its header. */
struct partial {
    struct partial_info info;
    uint8_t *buf; /* the file (owned) */
    size_t len;
    size_t first_block; /* offset of the first block */
    uint32_t nblocks;
    size_t hlen;                    /* header length */
    struct partial_member *members; /* a roll-up's (owned; info.members points here) */
    char *strings;                  /* their paths and messages (owned) */
    uint64_t members_sum;           /* the members section's checksum */
};

/* One group of a loaded partial. */
struct partial_entry {
    unsigned part; /* its hash partition */
    uint64_t hash; /* the key's hash as the table held it (XXH3-64 of the key for most) */
    const uint8_t *key;
    uint32_t key_len;
    const uint8_t *state;
    uint32_t state_len;
    uint64_t rec_off; /* partial_next(): the group's offset in the file (its hash first) */
    size_t rec_len;   /* ... and its bytes (hash, lengths, key, state) */
};

/*
 * partial_group_parse() - one group's bytes p[0..len) (hash, varint lengths, key, state:
 * exactly len bytes) into *e (pointing into p; rec_off 0, part from the hash). 0, or -1.
 */
int partial_group_parse(const uint8_t *p, size_t len, struct partial_entry *e);

/* Iteration state over a loaded partial's groups (zero it to start). */
struct partial_cursor {
    uint32_t block; /* blocks done */
    size_t off;     /* next entry's offset, 0 before the first block */
    size_t end;     /* end of the current block's payload */
    unsigned part;
};

enum {
    PARTIAL_LOAD_SKIP_SUMS = 1, /* fuzzing, and bytes this process just encoded: no checksums */
    PARTIAL_LOAD_HEAD_ONLY = 2, /* read and check the header (and a roll-up's members) only */
    PARTIAL_LOAD_ANY_ORDER = 4  /* accept groups in no order (info.any_order: a message) */
};

/*
 * partial_load() - reads `path` and checks it whole. Returns 0, or -code with
 * `err` saying why: ERR_IO (cannot read), ERR_FORMAT (not a partial, another
 * format version, cut short, a checksum or order that fails). partial_fini()
 * it either way.
 */
int partial_load(const char *path, unsigned flags, struct partial *p, struct err *err);

/* partial_parse() - as partial_load() on bytes buf[0..len), which `p` takes over (mem_alloc'ed). */
int partial_parse(uint8_t *buf, size_t len, unsigned flags, struct partial *p, struct err *err);

/* partial_next() - the next group into *e: 1, or 0 after the last. Not after
 * PARTIAL_LOAD_HEAD_ONLY. */
int partial_next(const struct partial *p, struct partial_cursor *c, struct partial_entry *e);

/* partial_part_groups() - adds each partition's groups in `p` to more[partition], from the
 * block heads (checked by partial_parse()). Not after PARTIAL_LOAD_HEAD_ONLY. */
void partial_part_groups(const struct partial *p, size_t more[HTAB_PARTS]);

/*
 * partial_layout_of() - the layout (as partial_write_at() records it) of
 * partial `p`, loaded whole; the keys point into p's buffer.
 */
void partial_layout_of(const struct partial *p, struct partial_layout *lay);

/* partial_fini() - frees what partial_load() kept. */
void partial_fini(struct partial *p);

/*
 * Streaming: a partial written block by block to an open file, and read back
 * one block at a time, so neither side holds the whole file (spilling,
 * spill.h). The bytes are those of partial_write() for the same groups: the
 * header is rewritten in place when the file is closed. The caller owns the
 * descriptor (an unlinked temporary file, typically) and names it in messages.
 */
struct partial_stream {
    int fd;
    const char *name; /* for messages */
    uint8_t *buf;     /* bytes not yet written, from file offset `off` */
    size_t len, cap;
    uint64_t off;
    uint32_t hlen;
    uint32_t nblocks;
    uint64_t groups;
    uint64_t sums[HTAB_PARTS + 1];
    int in_block;
    unsigned part;           /* the open block's partition */
    uint64_t block_at;       /* its file offset */
    uint64_t block_groups;   /* groups put into it */
    uint64_t at[HTAB_PARTS]; /* file offset of each partition's block; 0: none */
};

/*
 * partial_stream_open() - starts a partial (no source, job text `job`) on the
 * empty file `fd`. partial_stream_block() opens partition p's block (p
 * ascending), partial_stream_put() appends one group (groups in canonical
 * order: hash, then key bytes), partial_stream_end() closes the block (an
 * empty one is dropped), partial_stream_close() writes the trailer and the
 * header. Each returns 0 or -ERR_IO naming `name`; the file's bytes so far
 * are partial_stream_bytes().
 */
int partial_stream_open(struct partial_stream *w, int fd, const char *name, const char *job,
                        struct err *err);
int partial_stream_block(struct partial_stream *w, unsigned p, struct err *err);
int partial_stream_put(struct partial_stream *w, uint64_t hash, const uint8_t *key,
                       uint32_t key_len, const uint8_t *state, size_t state_len, struct err *err);
int partial_stream_end(struct partial_stream *w, struct err *err);
int partial_stream_close(struct partial_stream *w, struct err *err);
uint64_t partial_stream_bytes(const struct partial_stream *w);

/* partial_stream_fini() - frees the buffers (the descriptor stays the caller's). */
void partial_stream_fini(struct partial_stream *w);

/*
 * A reader of one block of a streamed partial (at file offset `at`, of
 * partition `part`): groups in order, each valid until the next call; the
 * block's checksum and order are checked as it is read.
 */
struct partial_block_reader {
    int fd;
    const char *name;
    unsigned part;
    uint64_t pos;  /* file offset of buf[0] */
    uint64_t end;  /* file offset of the block's checksum */
    uint64_t left; /* groups not yet returned */
    uint8_t *buf;  /* buf[at..len) not yet parsed */
    size_t at, len, cap;
    size_t chunk;    /* bytes read at once */
    void *sum_state; /* XXH3 streaming state over the block's bytes */
    uint64_t prev_hash;
    uint8_t *prev_key; /* previous key, for the order check */
    uint32_t prev_len, prev_cap;
    int any_order; /* set after partial_block_open(): groups of any partition, in any order */
};

/*
 * partial_block_open() - starts reading; `chunk` bytes are read at a time
 * (grown for a bigger group). partial_block_next() - the next group into *e:
 * 1, 0 after the last (checksum checked), or -code (ERR_IO, ERR_FORMAT).
 */
int partial_block_open(struct partial_block_reader *r, int fd, const char *name, uint64_t at,
                       unsigned part, size_t chunk, struct err *err);
int partial_block_next(struct partial_block_reader *r, struct partial_entry *e, struct err *err);
void partial_block_fini(struct partial_block_reader *r);

/*
 * partial_key_cmp() - the canonical order of groups: key hash, then key bytes, then key
 * length (<0, 0, >0). Blocks are sorted by it; spilled runs are merged by it.
 */
int partial_key_cmp(uint64_t ha, const uint8_t *ka, uint32_t la, uint64_t hb, const uint8_t *kb,
                    uint32_t lb);

/* partial_write_all() - writes all of p[0..len) to fd (EINTR retried). 0, or errno. */
int partial_write_all(int fd, const uint8_t *p, size_t len);

#endif
