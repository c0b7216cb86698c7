/*
 * spill.h - group tables beyond the memory budget: sorted runs on disk and a
 * partitioned merge that finishes a part at a time.
 *
 * When a worker's tables pass its share of --mem-limit, the runner writes its
 * table as one run (spill_table()): a partial file (partial.h, streamed: one
 * block per hash partition, groups sorted by hash then key bytes, each state
 * as op->save() writes it), in --tmp-dir, and goes on with an empty table.
 * After the scan, spill_finish() merges partition by partition on all
 * threads: the blocks of partition p of every run are read in step (a k-way
 * merge of sorted runs, as SiLK's rwuniq does), so the groups of one key
 * meet one after the other and are merged with op->load() + op->merge()
 * without a table of the whole partition (with op->merge_saved(), all of a
 * group's states at once, its distinct sets counted as streams, never built); merged groups gather
 * in a worker's chunk table and, each time that passes its share, op->select() keeps only those
 * that can be in the output (the first --limit L in the total order) and the rest is released. No
 * partition is ever held whole, so none needs splitting again, whatever its size. An operation
 * without select() keeps every group (its final table must fit the budget). Files: O_TMPFILE files
 * in the directory (never named; where the file system has none, created and unlinked at once),
 * kept open; the kernel frees them when the process ends however it ends (success, error, SIGINT,
 * SIGTERM, SIGKILL). An unwritable or full directory is one ERR_IO
 * naming it.
 * Threads: spill_table() from any worker (runs are appended under a lock);
 * spill_finish() from one thread (it starts its own).
 */
#ifndef ENGINE_SPILL_H
#define ENGINE_SPILL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "htab.h"
#include "memacct.h"
#include "op.h"

struct spill_run {
    int fd;
    uint64_t at[HTAB_PARTS]; /* file offset of partition p's block; 0: none */
    uint64_t bytes;
};

struct spill {
    const struct op *op;
    char *dir;  /* owned */
    char *name; /* "a spill file in DIR (--tmp-dir)", for messages (owned) */
    struct spill_run *runs;
    size_t nruns, cap;
    atomic_uint_fast64_t bytes;
    atomic_uint counter;
    int no_select; /* keep every group (the caller encodes the table rather than finishing it) */
    /* the output streams (op->order_create() gave an order; set by spill_finish()): each full
     * chunk is written as a run of its groups passing --having in the output's order (one
     * block, partition 0) instead of being kept */
    int stream;
    struct spill_run *outs;
    size_t nouts, cap_outs;
};

/* spill_dir_default() - $TMPDIR when set and not empty, else /tmp. */
const char *spill_dir_default(void);

/* spill_init() - no runs yet; files go to `dir` (NULL: spill_dir_default()). */
void spill_init(struct spill *s, const struct op *op, const char *dir);

/* spill_fini() - closes (so frees) every run. */
void spill_fini(struct spill *s);

/*
 * spill_table() - writes the groups of `t` as one run. `t` is left as it was
 * (the caller releases it). 0 or -code: ERR_IO naming the directory.
 */
int spill_table(struct spill *s, const struct htab *t, struct err *err);

/*
 * spill_finish() - merges every run, a partition at a time on `threads`
 * threads, thread t charging waccts[t] (children of the budget, which must
 * outlive *out) and flushing its chunk past `share` bytes, into the table
 * *out (made here) of the groups op->select() keeps. *groups: the groups
 * merged; *passed: those passing --having (both summed over the chunks;
 * meaningful when op->select is set). 0 or -code (ERR_LIMIT, ERR_IO,
 * ERR_FORMAT). Memory: the kept groups, plus `share` a thread for its
 * chunk, plus read buffers of share/16 a thread.
 */
int spill_finish(struct spill *s, struct memacct *waccts, int threads, size_t share,
                 struct htab **out, uint64_t *groups, uint64_t *passed, struct err *err);

/*
 * The rows of a streamed output (spill_finish() set s->order): a k-way merge of
 * the output runs in op->order_cmp()'s order, handed out a batch at a time as
 * op->finish() lays out the batch's groups (the same order: the batch is a
 * stretch of it). spill_rows_open() first merges runs SPILL_FANIN at a time
 * into longer ones while there are more (so few files are read at once);
 * spill_rows_next() sets *t to the next batch (valid until the next call) and
 * returns 1, or 0 after the last, or -code; spill_rows_rewind() starts again
 * (the table format reads the rows twice: widths, then rows). Memory: the
 * batch's groups and the runs' heads in `acct` (up to about `share`), read
 * buffers of share/16.
 */
#define SPILL_FANIN 64

struct spill_rows {
    struct spill *s;
    struct memacct *acct;
    size_t share, chunk;
    void *order;         /* op->order_create() of SPILL_FANIN slots */
    struct spill_cur *c; /* one per run being merged */
    size_t *heap;        /* slots (runs) by their head, smallest first */
    size_t n;            /* heads in the heap */
    struct htab *heads;  /* the runs' current groups */
    struct htab *batch;  /* the groups of the batch being laid out */
    struct op_output out;
    int have_out;
};

int spill_rows_open(struct spill_rows *r, struct spill *s, struct memacct *acct, size_t share,
                    struct err *err);
int spill_rows_next(struct spill_rows *r, const struct out_table **t, struct err *err);
int spill_rows_rewind(struct spill_rows *r, struct err *err);
void spill_rows_close(struct spill_rows *r);

#endif
