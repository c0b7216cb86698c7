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

/* The fold sink of several operations: worker w folds each batch into every op's table. */
struct many_ctx {
    const struct op *const *ops;
    size_t nops;
    struct runner_result *res;    /* nops results: res[k].tables[w] */
    struct op_scratch ***scratch; /* scratch[k][w] */
    uint64_t (*counts)[2];        /* per op and worker: records, kept (worker-major) */
};

static int
many_batch(void *ctx, int w, size_t i, const struct flow *flows, size_t n, struct sweep_stats *st,
           struct err *err)
{
    struct many_ctx *m = ctx;

    (void)i;
    for (size_t k = 0; k < m->nops; k++) {
        struct op_counts c = {0, 0};
        const struct op *op = m->ops[k];
        uint64_t *cnt = m->counts[(size_t)w * m->nops + k];

        if (op->fold(op, m->scratch[k][w], m->res[k].tables[w], flows, n, &c, &m->res[k].acct,
                     err) < 0)
            return -1;
        cnt[0] += c.records;
        cnt[1] += c.kept;
        if (k == 0) {
            st->records += c.records;
            st->kept += c.kept;
        }
    }
    return 0;
}

int
runner_run_many(const struct op *const *ops, size_t nops, const struct part_plan *plan,
                const struct sweep_opts *opts, struct runner_result *res, struct err *err)
{
    struct sweep_file *files = runner_files(plan);
    struct many_ctx m;
    struct sweep_sink sink;
    struct sweep_result sw;
    int nt = sweep_threads(opts, plan->nfiles);
    int rc = 0;

    memset(&sw, 0, sizeof(sw));
    m.ops = ops;
    m.nops = nops;
    m.res = res;
    m.scratch = mem_calloc(nops + 1, sizeof(*m.scratch));
    m.counts = mem_calloc((size_t)nt * nops + 1, sizeof(*m.counts));
    for (size_t k = 0; k < nops; k++) {
        memset(&res[k], 0, sizeof(res[k]));
        res[k].op = ops[k];
        memacct_init(&res[k].acct, opts->mem_limit);
        res[k].ntables = nt;
        res[k].tables = mem_calloc((size_t)nt, sizeof(*res[k].tables));
        m.scratch[k] = mem_calloc((size_t)nt, sizeof(*m.scratch[k]));
    }
    for (size_t k = 0; k < nops && rc == 0; k++) {
        for (int t = 0; t < nt; t++) {
            res[k].tables[t] = htab_create(ops[k]->val_len, &res[k].acct, err);
            if (res[k].tables[t] == NULL) {
                rc = -ERR_LIMIT;
                break;
            }
            m.scratch[k][t] = ops[k]->scratch_create(ops[k]);
        }
    }
    sink.ctx = &m;
    sink.batch = many_batch;
    sink.file_end = NULL;
    if (rc == 0)
        rc = sweep_run(files, plan->nfiles, opts, &sink, &sw, err); /* one map for all */
    for (size_t k = 0; k < nops; k++) {
        /* each op gets the sweep's counts (its own records and kept) and bad files */
        res[k].sweep.stats = sw.stats;
        res[k].sweep.stats.records = res[k].sweep.stats.kept = 0;
        for (int t = 0; t < nt; t++) {
            res[k].sweep.stats.records += m.counts[(size_t)t * nops + k][0];
            res[k].sweep.stats.kept += m.counts[(size_t)t * nops + k][1];
        }
        res[k].sweep.threads = sw.threads;
        res[k].sweep.nbad = sw.nbad;
        res[k].sweep.bad = mem_calloc(sw.nbad + 1, sizeof(*sw.bad));
        for (size_t b = 0; b < sw.nbad; b++) {
            res[k].sweep.bad[b] = sw.bad[b];
            res[k].sweep.bad[b].path = mem_strdup(sw.bad[b].path);
        }
    }
    for (size_t k = 0; k < nops && rc == 0; k++) {
        rc = merge_run(ops[k], res[k].tables, nt, &res[k].acct, opts->threads, err);
        res[k].table_bytes = atomic_load_explicit(&res[k].acct.used, memory_order_relaxed);
        if (rc == 0) {
            rc = ops[k]->finish(ops[k], res[k].tables[0], opts->threads, &res[k].out, err);
            res[k].finished = rc == 0;
        }
    }
    for (size_t k = 0; k < nops; k++) {
        for (int t = 0; t < nt; t++)
            if (m.scratch[k][t])
                ops[k]->scratch_destroy(m.scratch[k][t]);
        mem_free(m.scratch[k]);
    }
    sweep_result_fini(&sw);
    mem_free(m.scratch);
    mem_free(m.counts);
    mem_free(files);
    return rc;
}
