/*
 * op.h - the operations table of an analytic: how its per-group state is
 * folded, merged, finished, released, saved and loaded.
 *
 * Every analytic keeps one fixed-size state block (val_len bytes, zeroed when
 * a group is made) per group in a worker's group table (htab.h). The engine
 * (runner.h) runs the phases and knows nothing else of the state:
 *   map     op->fold() each batch of flows into the worker's own table;
 *   reduce  op->merge() one group's state into another's (sub-table p of
 *           every worker into worker 0's, merge.h);
 *   finish  op->finish() the merged table into an output table;
 *   free    op->release() every group's state, op->output_fini() the output.
 * For partial results kept between runs (a cache per file, ranks exchanging
 * partitions, partitions spilled to disk), op->save() writes one group's
 * state as bytes and op->load() makes a state from them: exact (distinct sets
 * as their items, in ascending byte order), little-endian, starting with the
 * format version OP_STATE_VERSION; load() then merge() equals merge() of the
 * original states. A saved group is its key bytes, its hash (htab_entry.hash:
 * an operation may hash only part of its key, as dns-hunt's per-client totals
 * do) and its save() bytes.
 * Analytics: the group-by job (group.h: dns-names, dns-dest, query) and
 * dns-hunt (engine/dns/hunt.h). In the spirit of SiLK's skunique field
 * callbacks and Redis's dictType.
 * Threads: fold() runs on each worker with its own scratch and table;
 * merge() on disjoint groups in parallel; the rest on one thread.
 */
#ifndef ENGINE_OP_H
#define ENGINE_OP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "flow.h"
#include "htab.h"
#include "le.h"
#include "memacct.h"
#include "out.h"
#include "source.h"

struct partial;
struct partial_buf;
struct partial_layout;

/* The first byte of every saved state (2: sums are 128-bit; 3: so are dns-hunt's byte, packet and
 * duration counts; 4: dns-hunt's hours' counts, for the report; 5: dns-hunt's per-client totals
 * and server-view groups have short keys, hunt.h). */
#define OP_STATE_VERSION 5

/* Records an operation saw and kept while folding (added to the sweep's counts). */
struct op_counts {
    uint64_t records; /* records in the job's view */
    uint64_t kept;    /* records that passed --where */
};

/* A finished result: what to print. */
struct op_output {
    struct out_table table; /* columns and rows; cells may borrow from the group table */
    size_t groups;          /* groups in the merged table (before --having / --min-names) */
    void *priv;             /* the operation's storage behind `table` */
};

/* Growable bytes, for op->save(). */
struct op_bytes {
    uint8_t *p;    /* owned */
    size_t len;    /* bytes used */
    size_t cap;    /* bytes allocated */
    int any_order; /* distinct sets' items may be saved in any order (a message between ranks,
                      partial.h's any_order): not canonical, but load() takes them alike */
};

struct op_scratch; /* an operation's per-worker scratch, opaque */

/*
 * The groups two workers' tables both held, merged before finish() with op->merge_now()
 * (merge_run_later()): each one's entry in the merged table and the other table's state, whose
 * rest op->merge_later() folds in only when finish reads it (src is then NULL). The pairs of
 * sub-table p are in pair[p], so distinct sub-tables may be completed on distinct threads.
 */
struct op_pair {
    struct htab_entry *dst;
    uint8_t *src; /* in the other worker's arena; NULL: merged */
};

struct op_later {
    struct op_pair *pair[HTAB_PARTS];
    size_t n[HTAB_PARTS], cap[HTAB_PARTS];
    struct memacct *acct; /* what merge_later() charges */
    /*
     * Tables left beside the merged one (merge_run_later() of two tables: the second
     * worker's groups the first did not hold stay in its table, not linked into the first;
     * those both held are dropped from it, htab_part_drop()): their groups are groups of the
     * result too, which finish_later() reads with the merged table's. Borrowed from the
     * caller's array of tables; nrest 0: none.
     */
    struct htab *const *rest;
    int nrest;
};

struct op {
    const char *name; /* for messages: "group", "dns-hunt" */
    uint32_t val_len; /* bytes of one group's state */
    const void *ctx;  /* the operation's parameters (struct job, struct hunt) */
    /*
     * What fold() reads of each flow, and the flows it would drop anyway
     * (the read layer's projection, ipfix_read.h), when `projected` is 1;
     * else the reader decodes everything. runner_run() hands it to the
     * reader; a sweep feeding several operations at once (runner_run_many())
     * hands it the union of theirs (without keep()) when every one is
     * projected. Either
     * way fold() is handed only flows that passed need.keep() (when set):
     * the reader or else the runner applies it, and fold() need not test
     * again what keep() tested.
     */
    int projected;
    struct ipfix_need need;
    /* scratch_create() - a worker's scratch; never NULL. scratch_destroy(NULL) is a no-op. */
    struct op_scratch *(*scratch_create)(const struct op *op);
    void (*scratch_destroy)(struct op_scratch *s);
    /*
     * fold() - into `t` the flows flows[sel[0]], ..., flows[sel[n - 1]] (sel ascending), or
     * flows[0..n) when `sel` is NULL: a sweep feeding several operations hands each the
     * whole batch with the indices of the flows its keep() passed, so that the fold's
     * passes (and their prefetching) see every kept flow of the batch at once.
     * Returns 0 or -code (ERR_LIMIT: --mem-limit).
     */
    int (*fold)(const struct op *op, struct op_scratch *s, struct htab *t, const struct flow *flows,
                const uint32_t *sel, size_t n, struct op_counts *c, struct memacct *acct,
                struct err *err);
    /* merge() - folds state `src` into `dst`; `src` is released by it. 0 or -code. */
    int (*merge)(const struct op *op, uint8_t *dst, uint8_t *src, struct memacct *acct,
                 struct err *err);
    /* finish() - the output of the merged table `t` (borrowed until output_fini()). */
    int (*finish)(const struct op *op, const struct htab *t, int threads, struct op_output *out,
                  struct err *err);
    /*
     * merge_now() - may be NULL (then so are the next two). For a merge that only finish
     * follows (struct op_later): folds into `dst` the part of state `src` that finish reads
     * for every group (counters and sums: --having, the order), leaving the rest (distinct
     * sets, read only for the rows it prints) in `src`. merge_later() folds that rest into
     * `dst` and releases it. finish_later() is finish() of a table so merged: its groups
     * are those of `t` and of later->rest; it completes (merge_later_entries()) at least the
     * groups it prints, before reading their rest.
     * The group-by job offers them when neither --having nor the order reads a distinct count.
     */
    void (*merge_now)(const struct op *op, uint8_t *dst, const uint8_t *src);
    int (*merge_later)(const struct op *op, uint8_t *dst, uint8_t *src, struct memacct *acct,
                       struct err *err);
    int (*finish_later)(const struct op *op, const struct htab *t, struct op_later *later,
                        int threads, struct op_output *out, struct err *err);
    void (*output_fini)(const struct op *op, struct op_output *out);
    /* release() - frees what state `val` owns beyond its block. */
    void (*release)(const struct op *op, uint8_t *val, struct memacct *acct);
    /* save() - appends state `val` to `out`. load() - state `val` (zeroed) from p[0..len). */
    int (*save)(const struct op *op, const uint8_t *val, struct op_bytes *out, struct err *err);
    int (*load)(const struct op *op, uint8_t *val, const uint8_t *p, size_t len,
                struct memacct *acct, struct err *err);
    /*
     * select() - may be NULL (then every group is kept). For finishing groups
     * a part at a time (spilled runs, spill.h): the groups of `t` that can be
     * in the output whatever the other parts hold (with --limit L, the first
     * L of `t` in the output's total order after --having) into keep[] (room
     * for htab_count(t)); *n their count, *passed the groups of `t` that
     * pass --having. 0 or -code.
     */
    int (*select)(const struct op *op, const struct htab *t, int threads, struct htab_entry **keep,
                  size_t *n, size_t *passed, struct err *err);
    /*
     * compact() - may be NULL. A group's state is whole (every part of it
     * merged) and will only be finished, never merged or saved again: it may
     * give back what finish() does not read (dns-hunt: its distinct sets
     * become their counts). Used when finishing spilled runs (spill.h).
     */
    void (*compact)(const struct op *op, uint8_t *val, struct memacct *acct);
    /*
     * merge_saved() - may be NULL; only with compact(). State `val` (zeroed) of
     * one group made whole from its saved states s[0..n) (save()'s bytes, one
     * per spilled run, distinct sets' items ascending) as load() of each,
     * merge() of all and compact() would leave it, without holding a distinct
     * set whole: a set's count is the size of the union of the runs' sorted
     * item lists, counted by a k-way merge of them. Used when finishing
     * spilled runs (spill.h), so that one group's sets need not fit the
     * budget. 0 or -code (ERR_FORMAT: a state that does not parse).
     */
    int (*merge_saved)(const struct op *op, uint8_t *val, const uint8_t *const *s,
                       const size_t *len, size_t n, struct memacct *acct, struct err *err);
    /*
     * load_counts() - may be NULL; only with compact(). State `val` (zeroed) from save()'s
     * bytes p[0..len) as load() and then compact() would leave it, without making its
     * distinct sets: each set's count is read from its saved list (whose items are
     * skipped, not checked one by one). For the groups of a cached roll-up that no other
     * piece of a run holds: they are only finished (runner.c, docs/partials.md). 0 or
     * -code (ERR_FORMAT: bytes that do not parse; ERR_LIMIT).
     */
    int (*load_counts)(const struct op *op, uint8_t *val, const uint8_t *p, size_t len,
                       struct memacct *acct, struct err *err);
    /*
     * merge_counts() - may be NULL; only with load_counts(). Save()'s bytes p[0..len) merged
     * into the whole state `val` as load(), merge() and compact() would leave it, without
     * making the saved distinct sets: each saved item is looked up in val's set, and those
     * it lacks counted. For a cached roll-up's groups that the run's other pieces touched
     * (runner.c, docs/partials.md). 0 or -code.
     */
    int (*merge_counts)(const struct op *op, uint8_t *val, const uint8_t *p, size_t len,
                        struct memacct *acct, struct err *err);
    /*
     * order_create() - may be NULL, and may return NULL: the output is then
     * held whole. Otherwise every group passing --having is printed (no
     * --limit) and finish() orders them by a total order that
     * order_cmp() gives one pair at a time (spill.h: spilled chunks are
     * written as runs in that order and merged as the output streams):
     * order_set() puts entry `e` (valid while there) in one of `slots`
     * slots (0 or -code), order_cmp() compares two slots' groups (< 0: a
     * first; never 0 for two groups). order_destroy(NULL) is a no-op.
     */
    void *(*order_create)(const struct op *op, size_t slots);
    void (*order_destroy)(void *o);
    int (*order_set)(void *o, size_t slot, struct htab_entry *e, struct err *err);
    int (*order_cmp)(void *o, size_t a, size_t b);
    /*
     * rank() - may be NULL (then a whole roll-up gets no side file, side.h).
     * Every group of `t` that finish() would let through (--having) into
     * *pass, in any order, and the first *nlist of them in the output's order
     * into *list: limit + extra of them when the output has a limit, else
     * all; mem_free() both. The output's rows are then the first `limit` of
     * such a list of all groups. 0 or -code.
     */
    int (*rank)(const struct op *op, const struct htab *t, int threads, size_t extra,
                struct htab_entry ***pass, size_t *npass, struct htab_entry ***list, size_t *nlist,
                struct err *err);
    uint64_t limit; /* with rank(): the rows finish() prints (0: all that pass) */
    /*
     * The operation's own side file of a whole roll-up, for one that does not rank()
     * (dns-hunt: hunt_side.h). aux_suffix: the ending of its name,
     * <roll-up's 32 hex>-<finish's 32 hex>.SUFFIX (NULL: the operation has none).
     * aux_make() - its bytes, appended to `out`, for the roll-up of layout `lay` whose
     *   groups are exactly those of table `t`, or (t NULL) the saved states of loaded
     *   roll-up `p`; fp: the finishing text's fingerprint. 0 or -code.
     * aux_load() - file `path` read and checked whole into *aux (aux_free() it), with the
     *   finish fingerprint and the roll-up's identity it was made for in fp and roll
     *   (struct side_roll: size, header, members and trailer checksums). 0 or -code
     *   (ERR_IO, ERR_FORMAT).
     * aux_apply() - table `t` holds every group of the run but those of the roll-up
     *   (descriptor `fd`, named `name`) that `aux` serves: the roll-up's state of each of
     *   t's keys is merged in, and the groups finish() will print of the rest are added,
     *   so that finish() of t prints what the roll-up and t together print; cnt[0] the
     *   run's groups, cnt[1] those finish() lets through outside t, cnt[2] t's keys,
     *   cnt[3] those the roll-up held, cnt[4] the groups added. 0; -ERR_FORMAT or
     *   -ERR_IO (a group of the roll-up fails its checksum or does not load) with t as it
     *   was; -ERR_LIMIT.
     */
    const char *aux_suffix;
    int (*aux_make)(const struct op *op, const struct partial_layout *lay, const struct htab *t,
                    const struct partial *p, const uint8_t fp[16], struct partial_buf *out,
                    struct err *err);
    int (*aux_load)(const struct op *op, const char *path, void **aux, uint8_t fp[16],
                    uint64_t roll[4], struct err *err);
    int (*aux_apply)(const struct op *op, void *aux, struct htab *t, int fd, const char *name,
                     struct memacct *acct, uint64_t cnt[5], struct err *err);
    void (*aux_free)(const struct op *op, void *aux);
};

/* op_bytes_reserve() - room in `b` for `len` more bytes. */
void op_bytes_reserve(struct op_bytes *b, size_t len);

/* op_bytes_put() - appends p[0..len) to `b` (inline: save() calls it per value). */
static inline void
op_bytes_put(struct op_bytes *b, const void *p, size_t len)
{
    if (b->cap - b->len < len)
        op_bytes_reserve(b, len);
    memcpy(b->p + b->len, p, len);
    b->len += len;
}

/* op_bytes_u64() - appends `v` as 8 bytes, little-endian. */
static inline void
op_bytes_u64(struct op_bytes *b, uint64_t v)
{
    uint8_t le[8];

    le_put64(le, v);
    op_bytes_put(b, le, 8);
}

/* op_bytes_fini() - frees `b`'s bytes. */
void op_bytes_fini(struct op_bytes *b);

/*
 * op_read_u64() - reads 8 little-endian bytes at *p (advancing it) if they lie
 * before `end`; 0, or -ERR_FORMAT with `err` set naming `what` (op_read_u64_short()'s).
 */
int op_read_u64_short(const char *what, struct err *err);
static inline int
op_read_u64(const uint8_t **p, const uint8_t *end, uint64_t *v, const char *what, struct err *err)
{
    *v = 0; /* set either way: the compiler cannot see that the error is negative */
    if (end - *p < 8)
        return op_read_u64_short(what, err);
    *v = le_get64(*p);
    *p += 8;
    return 0;
}

/*
 * op_save_dset() / op_load_dset() - a distinct set as u32 count + its items,
 * ascending (unless out->any_order: then as the set holds them). Address sets (width 17: family, 16
 * bytes) are kept as three such lists: IPv4 addresses as their 4 bytes, IPv6 addresses as their 16,
 * then any other item whole (17 bytes).
 */
struct dset;
int op_save_dset(const struct dset *s, size_t width, struct op_bytes *out, struct err *err);
int op_load_dset(struct dset *s, size_t width, const uint8_t **p, const uint8_t *end,
                 struct memacct *acct, struct err *err);

/*
 * op_release_part() - op->release() of every state in sub-table p of `t`
 * (then empty of owners); op_release_all() - of every sub-table. Distinct
 * sub-tables may be released on distinct threads.
 */
void op_release_part(const struct op *op, struct htab *t, unsigned p, struct memacct *acct);
void op_release_all(const struct op *op, struct htab *t, struct memacct *acct);

/*
 * op_parts_run() - fn(p, ctx) for every sub-table p in [0, HTAB_PARTS), on `threads` threads
 * (<= 0: all cores; 1: in order on the calling thread), each p on one thread, sub-tables
 * handed out one at a time: an operation's finish that works sub-table by sub-table (the
 * OpenMP pragmas stay in engine/exec). fn must touch only what belongs to its p.
 */
void op_parts_run(int threads, void (*fn)(unsigned p, void *ctx), void *ctx);

#endif
