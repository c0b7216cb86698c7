/*
 * sort.h - the finish: filter groups (--having), order them, cut at --limit,
 * and lay the rows out as an out_table.
 *
 * Order: the job's order column (numbers numerically, text by its rendered
 * form), then, to make the output one total order whatever the thread count
 * or file order, every other column in column order by its rendered text
 * (bytewise ascending), then the packed key bytes. With a limit L only the
 * rows whose order value can reach the first L+1 places are sorted.
 * Threads: single-threaded.
 */
#ifndef ENGINE_SORT_H
#define ENGINE_SORT_H

#include <stddef.h>

#include "err.h"
#include "htab.h"
#include "job.h"
#include "out.h"

struct sort_result {
    struct out_table table; /* what to print; cells borrow from the group table */
    struct out_cell *cells; /* owned */
    size_t groups;          /* groups before --having */
    size_t kept;            /* groups after --having */
};

/*
 * sort_run() - builds `res` from the merged table `t`. The --having pass over
 * every group runs on `threads` threads (<= 0: all cores), by sub-table; the
 * result does not depend on it.
 */
int sort_run(const struct job *job, const struct htab *t, int threads, struct sort_result *res,
             struct err *err);

/*
 * sort_run_later() - sort_run() of a table merged with op->merge_now() (`op` the job's,
 * `later` not NULL; the groups are those of `t` and of later->rest, the tables
 * merge_run_later() left beside it): once --having and --limit have cut the groups down to the rows
 * it may print (ties included), their rest is merged (merge_later_entries()) before they are
 * ordered and read out. --having and the order must read no distinct count.
 */
struct op;
struct op_later;
int sort_run_later(const struct job *job, const struct htab *t, int threads, const struct op *op,
                   struct op_later *later, struct sort_result *res, struct err *err);

/*
 * sort_select() - the entries of `t` that sort_run() would print (all that
 * pass --having when the job has no limit), in order, into keep[] (room for
 * htab_count(t)); *n their count, *passed the groups passing --having. The
 * order is total, so the first L of a table are among the first L of each
 * part that holds them: finishing parts one at a time keeps only these.
 */
int sort_select(const struct job *job, const struct htab *t, int threads, struct htab_entry **keep,
                size_t *n, size_t *passed, struct err *err);

/*
 * sort_rank() - for a side file (side.h): every entry of `t` passing --having
 * into *pass (any order; mem_free() it), and the first k of them in the
 * output's order into *list (mem_free() it): k = limit + extra when the job
 * has a limit (fewer when fewer pass), else all.
 */
int sort_rank(const struct job *job, const struct htab *t, int threads, size_t extra,
              struct htab_entry ***pass, size_t *npass, struct htab_entry ***list, size_t *nlist,
              struct err *err);

/*
 * sort_order_*() - the output's total order (sort_run()'s) over `slots`
 * groups one pair at a time, for a merge of runs each already in that order:
 * sort_order_set() puts entry `e` in a slot (it must stay valid while there;
 * 0, or -ERR_INTERNAL on a malformed key), sort_order_cmp() compares the
 * groups in two slots (< 0: a first). Tie-break texts are rendered once per
 * group set, kept up to 1 MiB.
 */
struct sort_order;
struct sort_order *sort_order_create(const struct job *job, size_t slots);
void sort_order_destroy(struct sort_order *o);
int sort_order_set(struct sort_order *o, size_t slot, struct htab_entry *e, struct err *err);
int sort_order_cmp(struct sort_order *o, size_t a, size_t b);

/* sort_result_fini() - frees what sort_run() allocated. */
void sort_result_fini(struct sort_result *res);

#endif
