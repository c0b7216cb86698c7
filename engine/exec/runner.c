/*
 * runner.c - see runner.h.
 */
#include "runner.h"

#include <stdatomic.h>
#include <string.h>

#include "mem.h"
#include "merge.h"

/* The fold sink: worker w folds into tables[w] with its scratch[w]. */
struct fold_ctx {
    const struct op *op;
    struct htab **tables;
    struct op_scratch **scratch;
    struct memacct *acct;
};

static int
fold_batch(void *ctx, int w, size_t i, const struct flow *flows, size_t n, struct sweep_stats *st,
           struct err *err)
{
    struct fold_ctx *f = ctx;
    struct op_counts c = {0, 0};
    int rc;

    (void)i;
    rc = f->op->fold(f->op, f->scratch[w], f->tables[w], flows, n, &c, f->acct, err);
    st->records += c.records;
    st->kept += c.kept;
    return rc < 0 ? -1 : 0;
}

struct sweep_file *
runner_files(const struct part_plan *plan)
{
    struct sweep_file *files = mem_calloc(plan->nfiles + 1, sizeof(*files));

    for (size_t i = 0; i < plan->nfiles; i++) {
        files[i].path = plan->files[i].path;
        files[i].size = plan->files[i].size;
        files[i].hour = plan->files[i].hour;
    }
    return files;
}

int
runner_run(const struct op *op, const struct part_plan *plan, const struct sweep_opts *opts,
           struct runner_result *res, struct err *err)
{
    struct sweep_file *files = runner_files(plan);
    struct fold_ctx f;
    struct sweep_sink sink;
    int rc = 0;

    memset(res, 0, sizeof(*res));
    res->op = op;
    memacct_init(&res->acct, opts->mem_limit);
    res->ntables = sweep_threads(opts, plan->nfiles);
    res->tables = mem_calloc((size_t)res->ntables, sizeof(*res->tables));
    f.op = op;
    f.tables = res->tables;
    f.scratch = mem_calloc((size_t)res->ntables, sizeof(*f.scratch));
    f.acct = &res->acct;
    for (int t = 0; t < res->ntables; t++) {
        res->tables[t] = htab_create(op->val_len, &res->acct, err);
        if (res->tables[t] == NULL) {
            rc = -ERR_LIMIT;
            goto out;
        }
        f.scratch[t] = op->scratch_create(op);
    }
    sink.ctx = &f;
    sink.batch = fold_batch;
    sink.file_end = NULL;
    rc = sweep_run(files, plan->nfiles, opts, &sink, &res->sweep, err); /* map */
    if (rc == 0)
        rc = merge_run(op, res->tables, res->ntables, &res->acct, opts->threads, err);
    /* What the group tables hold once merged: the benchmark relates peak RSS to it. */
    res->table_bytes = atomic_load_explicit(&res->acct.used, memory_order_relaxed);
    if (rc == 0) {
        rc = op->finish(op, res->tables[0], opts->threads, &res->out, err);
        res->finished = 1;
    }
out:
    for (int t = 0; t < res->ntables; t++)
        op->scratch_destroy(f.scratch[t]);
    mem_free(f.scratch);
    mem_free(files);
    return rc;
}

void
runner_result_fini(struct runner_result *res)
{
    if (res->finished)
        res->op->output_fini(res->op, &res->out);
    for (int t = 0; t < res->ntables; t++) {
        struct htab *h = res->tables[t];

        if (h == NULL)
            continue;
        for (unsigned p = 0; p < HTAB_PARTS; p++) {
            size_t cap = htab_part_cap(h, p);

            for (size_t i = 0; i < cap; i++) {
                struct htab_entry *e = htab_part_slot(h, p, i);

                if (e)
                    res->op->release(res->op, htab_entry_val(e), &res->acct);
            }
        }
    }
    for (int t = 0; t < res->ntables; t++)
        htab_destroy(res->tables[t]);
    mem_free(res->tables);
    sweep_result_fini(&res->sweep);
    memset(res, 0, sizeof(*res));
}
