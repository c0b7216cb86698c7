/*
 * runner.h - the job runner: one operation (op.h) over a plan of files.
 *
 * runner_run() runs the phases in order:
 *   plan    the files of a part_plan (partitions/), each with its hour;
 *   map     sweep_run() (sweep.h) with the fold sink: every worker folds its
 *           batches into its own group table with op->fold();
 *   merge   merge_run(): every table into worker 0's with op->merge();
 *   finish  op->finish(): the merged table into the output table;
 * and leaves the output, the sweep's counts and bad files, and the bytes the
 * tables held in `res`. The command line only prints them.
 * Memory: the tables draw on one budget of opts->mem_limit bytes; passing it
 * fails the job with ERR_LIMIT, never a partial answer.
 * Threads: call from one thread; the phases start and join their own.
 */
#ifndef ENGINE_RUNNER_H
#define ENGINE_RUNNER_H

#include <stddef.h>

#include "err.h"
#include "htab.h"
#include "memacct.h"
#include "op.h"
#include "part_plan.h"
#include "sweep.h"

struct cache;
struct spill;
struct spill_rows;

/* What the partial cache did in a run (runner_run_cached()). */
struct runner_cache_stats {
    uint64_t from_partials; /* files whose partial was merged instead of reading them */
    uint64_t read;          /* files read */
    uint64_t written;       /* partials written */
    uint64_t written_bytes;
    uint64_t rejected;       /* partials reported (warnings) and rebuilt from their file */
    uint64_t racy;           /* files read, not cached: mtime or ctime < CACHE_RACY_NS old */
    uint64_t counted;        /* groups of a roll-up nothing else touched, loaded as counts (op.h) */
    uint64_t counted_merged; /* groups of that roll-up merged into a touched group */
    int side;                /* the whole roll-up was not loaded: its side file served (side.h) */
    uint64_t side_touched, side_found, side_loaded; /* side: keys of the rest, found in the
                                                       roll-up, listed groups loaded */
    uint64_t side_listed_touched, side_listed;      /* side: found keys that were listed; the
                                                       list's length */
    uint64_t sides_written;                         /* side files written */
    uint64_t uncached; /* files read and in no partial written (racy ones, unopened, ...) */
};

/* Where a run's time went (CLOCK_MONOTONIC seconds; --summary json's "phases"). */
struct runner_phases {
    double map;    /* the workers' tables made, every file read and folded (or loaded) */
    double merge;  /* the workers' tables into one (spilled: the runs merged back; --cache:
                      also the roll-up loaded last and the whole-run partial written) */
    double finish; /* op->finish(): --having, the order, --limit */
};

struct runner_result {
    struct op_output out;      /* the finished table (valid when runner_run() returned 0) */
    struct sweep_result sweep; /* counts, bad files (sorted by path), workers; with the
                                  cache, files taken from partials are counted too */
    size_t table_bytes;        /* bytes the group tables held once merged */
    size_t table_peak;         /* most bytes the group tables held at once (the budget's peak) */
    uint64_t spill_runs;       /* runs written to --tmp-dir (0: all in memory) */
    uint64_t spill_bytes;      /* their bytes */
    struct runner_cache_stats cache;
    char **cache_warn; /* partials rejected and why, and a failed write (owned), plan order */
    size_t ncache_warn;
    struct runner_phases phases; /* runner_run(), runner_map(), runner_finish() */
    /* private: the tables behind out's cells */
    const struct op *op;
    struct htab **tables;
    int ntables;
    struct memacct acct;
    struct memacct *wacct; /* per worker: its share, children of acct */
    int selected;          /* spilled, and tables[0] holds only what op->select() kept: */
    uint64_t sel_groups;   /* ... of this many groups, */
    uint64_t sel_passed;   /* ... of which this many passed --having */
    int finished;
    int side;                /* finish() of a table without the whole roll-up (side.h): */
    uint64_t side_groups;    /* ... the run's groups, */
    uint64_t side_passed;    /* ... and those passing --having outside the table */
    struct htab *view;       /* the rows to finish, shallow copies of tables[0]'s (never released);
                                NULL: tables[0] */
    struct op_later *later;  /* merged with op->merge_now(): the rest, for op->finish_later()
                                (tables[0]'s distinct sets are whole only for the rows printed) */
    struct spill *stream;    /* spilled with every row printed: the output runs */
    struct spill_rows *rows; /* their merge (runner_rows_next()) */
    size_t stream_share;
};

/*
 * A spilled run whose output is every group passing --having (no --limit,
 * op->order_create()) keeps no group: out.table has its columns and no rows,
 * and the rows stream from sorted runs in --tmp-dir. runner_streams() says
 * so (out.table.nrows is then 0 and res->sel_passed the rows to print);
 * runner_rows_next() sets *t to the next batch of rows (valid until the next
 * call): 1, or 0 after the last, or -code (ERR_IO, ERR_FORMAT, ERR_LIMIT);
 * runner_rows_rewind() starts again from the first row. Memory: within the
 * budget's share of a thread, besides read buffers.
 */
int runner_streams(const struct runner_result *res);
int runner_rows_next(struct runner_result *res, const struct out_table **t, struct err *err);
int runner_rows_rewind(struct runner_result *res, struct err *err);

/* runner_files() - the plan's files as the sweep reads them (hours kept); mem_free() it. */
struct sweep_file *runner_files(const struct part_plan *plan);

/*
 * runner_run() - runs `op` over the files of `plan` (see above). Returns 0 or
 * -code: ERR_LIMIT (--mem-limit), ERR_FORMAT (--strict and a bad file),
 * ERR_IO. `res` is filled either way (counts and bad files of what was read):
 * runner_result_fini() it.
 */
int runner_run(const struct op *op, const struct part_plan *plan, const struct sweep_opts *opts,
               struct runner_result *res, struct err *err);

/*
 * runner_run_many() - runs `nops` operations over the files of `plan` in one
 * sweep: each file is read and decoded once, and every batch of flows is
 * folded into each operation's own tables (res[k], one per operation); then
 * each is merged and finished as runner_run() does. Each operation's tables
 * draw on a budget of their own of opts->mem_limit bytes. Every res[k] gets
 * the sweep's counts (records and kept its own) and a copy of the bad files.
 * Returns 0 or -code as runner_run(); runner_result_fini() each res[k] either way.
 */
int runner_run_many(const struct op *const *ops, size_t nops, const struct part_plan *plan,
                    const struct sweep_opts *opts, struct runner_result *res, struct err *err);

/*
 * runner_run_many_cached() - runner_run_many() with a partial cache per operation
 * (caches[k], cache.h, opened with op k's own job text; NULL: none): a planned file
 * whose partials are valid in every op's cache is not read, each op merging its own
 * partial; any other file is read once for all ops, into tables of its own when its
 * partials can be written, and one partial per op written (each with that op's records
 * and kept; the file's counts and damage verdict in each). The outputs are
 * byte-identical to runner_run_many()'s. Partials rejected, and a failed write, are
 * listed in res[0].cache_warn; res[0].cache counts files (a partial per op each).
 */
int runner_run_many_cached(const struct op *const *ops, size_t nops, const struct part_plan *plan,
                           const struct sweep_opts *opts, struct cache *const *caches,
                           struct runner_result *res, struct err *err);

/*
 * runner_run_cached() - runner_run() with the partial cache `cache` (cache.h;
 * NULL: none). For each planned file, a valid partial is merged instead of
 * reading the file (its counts and damage verdict come with it); every other
 * file is read, into a table of its own when its partial can be written, and
 * its partial written before that table is merged into its worker's. The
 * output is byte-identical to runner_run()'s. A partial that fails to load is
 * listed in res->cache_warn and its file read. With opts->strict, a bad file
 * known from its partial stops the run as a read one does.
 */
int runner_run_cached(const struct op *op, const struct part_plan *plan,
                      const struct sweep_opts *opts, struct cache *cache, struct runner_result *res,
                      struct err *err);

/*
 * The pieces of runner_run_cached(), for runs whose groups travel between
 * processes (shards and merge, shard.h; MPI ranks, engine/dist):
 * runner_map() - the map and merge phases only: res->tables[0] holds every
 *   group of the files of `plan`; the other tables are then empty. Returns
 *   0 or -code as runner_run_cached(); runner_result_fini() `res` either way.
 * runner_finish() - op->finish() of res->tables[0] (once).
 * runner_result_empty() - `res` with one empty table of `op`, to absorb
 *   partials into; 0 or -ERR_LIMIT.
 * runner_absorb() - the groups of loaded partial `p` (made by the same job)
 *   merged into res->tables[0]; 0 or -code (ERR_LIMIT, the op's load error:
 *   then the table may hold part of `p`, and the run is to fail).
 * runner_encode() - appends to `out` the partial (partial_encode()) of
 *   res->tables[0]'s partitions p with p % mod == rem, header `info`.
 * runner_clear() - releases every group (the table is then one empty table).
 * runner_keep_parts() - keeps the groups of partitions p with p % mod == rem
 *   only, in place (the others' states released, their sub-tables emptied). 0.
 * runner_keep_entries() - keeps entries keep[0..n) of res->tables[0] only
 *   (moved into one new table; the others released). 0 or -ERR_LIMIT (then
 *   the table is empty).
 */
int runner_map(const struct op *op, const struct part_plan *plan, const struct sweep_opts *opts,
               struct cache *cache, struct runner_result *res, struct err *err);
int runner_finish(struct runner_result *res, int threads, struct err *err);
int runner_result_empty(struct runner_result *res, const struct op *op, size_t mem_limit,
                        struct err *err);
struct partial;
struct partial_info;
struct partial_buf;
int runner_absorb(struct runner_result *res, const struct partial *p, struct err *err);
int runner_encode(const struct runner_result *res, const struct partial_info *info, unsigned mod,
                  unsigned rem, struct partial_buf *out, struct err *err);
int runner_clear(struct runner_result *res, struct err *err);
int runner_keep_parts(struct runner_result *res, unsigned mod, unsigned rem, struct err *err);
int runner_keep_entries(struct runner_result *res, struct htab_entry *const *keep, size_t n,
                        struct err *err);

/* runner_merged() - the merged table of a run that returned 0 (its groups, for a second finish;
 * not of a run merged with op->merge_now(), whose distinct sets are whole only where printed). */
const struct htab *runner_merged(const struct runner_result *res);

/* runner_result_fini() - releases every group's state, the tables and the output. */
void runner_result_fini(struct runner_result *res);

/*
 * runner_result_fini_exit() - runner_result_fini() for a process that exits next: the
 * tables and the output are freed, the groups' states (distinct sets' heap blocks, one
 * or more per group) are left to the exit. Releasing 130 k groups one by one cost 6%
 * of a cached re-run's instructions (docs/partials.md). Under a sanitizer (its leak
 * check) it releases them as runner_result_fini() does.
 */
void runner_result_fini_exit(struct runner_result *res);

#endif
