/*
 * runner.c - see runner.h.
 */
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <omp.h>
#include <xxhash.h>

#include "cache.h"
#include "le.h"
#include "mem.h"
#include "merge.h"
#include "part_hour.h"
#include "partial.h"
#include "side.h"
#include "spill.h"

/*
 * Spilling: a worker spills its table when its share of the budget,
 * SPILL_SHARE_NUM/SPILL_SHARE_DEN of --mem-limit over the workers, is
 * passed after a batch; the rest of the budget covers the batch in flight,
 * a table's slot arrays doubling and the spill's own buffers. The final
 * merge gives each thread the same share for its chunk table.
 */
#define SPILL_SHARE_NUM 1
#define SPILL_SHARE_DEN 2
#define SPILL_MERGE_MIN (128u << 10) /* least share of a merge thread */

/* Each worker's share of the budget, or 0 without a budget (no spilling). */
static size_t
spill_share(const struct sweep_opts *opts, int nworkers)
{
    if (opts->mem_limit == 0 || nworkers <= 0)
        return 0;
    return opts->mem_limit / SPILL_SHARE_DEN * SPILL_SHARE_NUM / (size_t)nworkers;
}

/* Writes worker w's table `*t` as a run and gives it an empty one. 0 or -code. */
static int
spill_worker(const struct op *op, struct spill *sp, struct htab **t, struct memacct *wacct,
             struct err *err)
{
    int rc = spill_table(sp, *t, err);

    op_release_all(op, *t, wacct);
    htab_destroy(*t);
    *t = htab_create(op->val_len, wacct, rc < 0 ? NULL : err);
    if (*t == NULL && rc == 0)
        rc = -ERR_LIMIT;
    return rc;
}

/* A worker's indices of the flows of a batch that an op's keep() passed (fold_kept()). */
struct kept_sel {
    uint32_t *idx;
    size_t cap;
};

/*
 * fold_kept() - op->fold() of flows[0..n), when `filter` after dropping those
 * that fail op->need.keep() (op.h: fold() sees only flows that passed it; a
 * reader that was not handed op->need did not apply it): one fold() of the
 * whole batch with the indices of the kept flows in `sel` (worker's own).
 */
static int
fold_kept(const struct op *op, int filter, struct op_scratch *s, struct htab *t,
          const struct flow *flows, size_t n, struct kept_sel *sel, struct op_counts *c,
          struct memacct *acct, struct err *err)
{
    uint64_t r0 = c->records;
    size_t m = 0;

    if (!filter)
        return op->fold(op, s, t, flows, NULL, n, c, acct, err);
    if (sel->cap < n) {
        sel->cap = n;
        sel->idx = mem_realloc(sel->idx, n * sizeof(*sel->idx));
    }
    for (size_t i = 0; i < n; i++)
        if (op->need.keep(op->need.keep_ctx, &flows[i], &c->records))
            sel->idx[m++] = (uint32_t)i; /* a batch is far below 2^32 flows */
    if (op->need.dropped_kept) /* what keep() counted for the flows it dropped is kept too */
        c->kept += c->records - r0;
    if (m == 0)
        return 0;
    return op->fold(op, s, t, flows, m == n ? NULL : sel->idx, m, c, acct, err);
}

/* Whether flows read with `opts` still need op->need.keep() applied (fold_kept()). */
static int
keep_not_applied(const struct op *op, const struct sweep_opts *opts)
{
    const struct ipfix_need *n = opts->source.need;

    return op->need.keep != NULL &&
           (n == NULL || n->keep != op->need.keep || n->keep_ctx != op->need.keep_ctx);
}

/* The fold sink: worker w folds into tables[w] with its scratch[w], charging wacct[w]. */
struct fold_ctx {
    const struct op *op;
    int filter; /* keep_not_applied() */
    struct htab **tables;
    struct op_scratch **scratch;
    struct kept_sel *sel; /* per worker */
    struct memacct *wacct;
    struct spill *spill; /* NULL: no budget */
    size_t share;
};

/* kept_sels_free() - frees `n` workers' selections and the array. */
static void
kept_sels_free(struct kept_sel *sel, size_t n)
{
    for (size_t i = 0; sel != NULL && i < n; i++)
        mem_free(sel[i].idx);
    mem_free(sel);
}

static int
fold_batch(void *ctx, int w, size_t i, const struct flow *flows, size_t n, struct sweep_stats *st,
           struct err *err)
{
    struct fold_ctx *f = ctx;
    struct op_counts c = {0, 0};
    int rc;

    (void)mem_thread_huge(); /* this worker fills group tables */
    (void)i;
    rc = fold_kept(f->op, f->filter, f->scratch[w], f->tables[w], flows, n, &f->sel[w], &c,
                   &f->wacct[w], err);
    st->records += c.records;
    st->kept += c.kept;
    if (rc == 0 && f->spill != NULL && memacct_used(&f->wacct[w]) > f->share)
        rc = spill_worker(f->op, f->spill, &f->tables[w], &f->wacct[w], err);
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
        files[i].walked = &plan->files[i];
    }
    return files;
}

/* ---- the partial cache ---- */

/* What the run knows of planned file i. */
struct cfile {
    struct cache_src *src;        /* NULL: not identified (no partial read or written) */
    int hit;                      /* its partial (or a roll-up holding it) was merged */
    int covered;                  /* a roll-up holding it was merged */
    int own_table;                /* read into its worker's unit table (a roll-up to be) */
    int direct;                   /* cacheable, read straight into its worker's table */
    int member;                   /* read whole into the tables: counts and verdict below */
    struct partial_counts counts; /* hit or member: what reading it counted */
    int bad;                      /* hit or member: the file was damaged */
    uint64_t flows_kept;
    int resumed;        /* bad: reading went on after the damage */
    int msg_after_path; /* bad: raw is the message after the path */
    char *raw;          /* bad: the message as kept in a partial */
    char *msg;          /* hit and bad: the message, with the path as this run names it */
    char *warn;         /* its partial was rejected: why */
    int unopened;       /* read, but it could not be opened: none of its groups in the tables */
    int cached;         /* read, and a roll-up holding it was written */
};

/* roll_member_of() - what a roll-up records of file `cf` (its identity, counts and verdict). */
static void
roll_member_of(const struct cfile *cf, struct partial_member *m)
{
    m->path = cf->src->path;
    m->msg = cf->raw ? cf->raw : "";
    m->size = cf->src->size;
    m->mtime_ns = cf->src->mtime_ns;
    m->ino = cf->src->ino;
    m->dev = cf->src->dev;
    m->examined_ns = cf->src->now_ns;
    m->counts = cf->counts;
    m->flows_kept = cf->flows_kept;
    m->bad = cf->bad;
    m->msg_after_path = cf->msg_after_path;
    m->resumed = cf->resumed;
}

/* A worker's unit table (run->own[w]): the files of one unit it read, a roll-up to be. */
struct useg {
    uint64_t unit;
    int poisoned; /* holds groups of a file that is not a member: not written */
    size_t *m;    /* plan indexes of its members */
    size_t n, cap;
};

struct run {
    const struct op *op;
    int filter; /* keep_not_applied() */
    const struct sweep_opts *opts;
    struct cache *cache;
    const struct sweep_file *files; /* the plan's */
    struct cfile *cf;
    size_t *miss; /* sweep index -> plan index */
    struct htab **tables;
    struct htab **own; /* per worker: the table of the file being read for its partial */
    struct op_scratch **scratch;
    struct kept_sel *sel;  /* per worker (fold_ctx's) */
    struct memacct *wacct; /* per worker */
    struct spill *spill;   /* NULL: no budget */
    size_t share;
    atomic_uint_fast64_t written, written_bytes, sides;
    atomic_int write_failed;
    char write_err[ERR_MSG_LEN + 32];
    uint64_t *unit;           /* per planned file: its unit (day, else directory) */
    struct cache_src **srcs;  /* per planned file: cf[i].src */
    struct cache_roll *rolls; /* the roll-ups chosen */
    size_t nrolls;
    uint8_t *roll_used;   /* per chosen roll-up: merged */
    struct useg *seg;     /* per worker */
    atomic_size_t pieces; /* roll-ups, partials and unit tables the groups came from */
    size_t covered;       /* files served by roll-ups */
    int cold;             /* the job directory held no roll-up: no unit tables, a whole */
    /*
     * The roll-up loaded last (load_counted()): 1 + its index in rolls, 0 for none. Chosen
     * when the run finishes its table (no spill, no whole written) and the operation has
     * load_counts(); once its head and body were checked, it waits in `counted`.
     */
    int finishing;
    size_t defer;
    struct partial counted;
    int has_counted;
    int side;       /* the largest roll-up (rolls[0]) is served by its side file, unloaded */
    int side_make;  /* rolls[0] is loaded whole and its side file (re)written from it */
    struct side sd; /* side: the side file */
    int side_fd;    /* side: rolls[0], open; else -1 */
    void *aux;      /* rolls[0] is served by the operation's own side file (op.h's aux_*) */
    int aux_make;   /* rolls[0] is loaded as counted and its aux side file (re)written from it */
};

/*
 * Moves every group of `src` into `dst` (op->merge() for a group both hold),
 * then replaces `src` by an empty table. 0, or -code (ERR_LIMIT).
 */
static int
move_into(const struct op *op, struct htab *dst, struct htab **src, struct memacct *acct,
          struct err *err)
{
    struct htab *s = *src;
    uint32_t val_len = op->val_len;
    int rc = 0;

    for (unsigned p = 0; p < HTAB_PARTS && rc == 0; p++) {
        size_t cap = htab_part_cap(s, p);

        for (size_t i = 0; i < cap; i++) {
            struct htab_entry *e = htab_part_slot(s, p, i), *d;
            int is_new;

            if (e == NULL)
                continue;
            d = htab_upsert(dst, htab_entry_key(e, (val_len + 7u) & ~7u), e->key_len, e->hash,
                            &is_new, err);
            if (d == NULL) {
                rc = -ERR_LIMIT;
                break;
            }
            if (is_new) {
                memcpy(htab_entry_val(d), htab_entry_val(e), val_len);
                memset(htab_entry_val(e), 0, val_len);
            } else if ((rc = op->merge(op, htab_entry_val(d), htab_entry_val(e), acct, err)) < 0) {
                break;
            }
        }
    }
    if (rc < 0)
        op_release_all(op, s, acct); /* what was not moved yet */
    htab_destroy(s);
    *src = htab_create(op->val_len, acct, err);
    if (*src == NULL && rc == 0)
        rc = -ERR_LIMIT;
    return rc;
}

/*
 * move_into() for two tables of one account: when *dst is empty the tables are
 * swapped (no group moved: a re-run's new day lands in an empty worker table).
 */
static int
move_or_swap(const struct op *op, struct htab **dst, struct htab **src, struct memacct *acct,
             struct err *err)
{
    if (htab_count(*dst) == 0) {
        struct htab *t = *dst;

        *dst = *src;
        *src = t;
        return 0;
    }
    return move_into(op, *dst, src, acct, err);
}

/* Loads partial `p` into the empty table `t` with op->load(). 0 or -code (then `t` is emptied). */
static int
load_partial(const struct op *op, const struct partial *p, struct htab **t, struct memacct *acct,
             struct err *err)
{
    struct partial_cursor c;
    struct partial_entry e;
    int rc = 0;

    memset(&c, 0, sizeof(c));
    while (rc == 0 && partial_next(p, &c, &e)) {
        int is_new;
        struct htab_entry *g = htab_upsert(*t, e.key, e.key_len, e.hash, &is_new, err);

        if (g == NULL)
            rc = -ERR_LIMIT;
        else
            rc = op->load(op, htab_entry_val(g), e.state, e.state_len, acct, err);
    }
    if (rc < 0) {
        op_release_all(op, *t, acct);
        htab_destroy(*t);
        *t = htab_create(op->val_len, acct, NULL);
        if (*t == NULL)
            rc = -ERR_LIMIT;
    }
    return rc;
}

static char *
dup_msg(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 1;
    char *s = mem_alloc(n);

    snprintf(s, n, "%s%s", a, b);
    return s;
}

/* Plan file i: use its partial if valid (worker w). 0, or -1 with `err` set (stop the run). */
static int
use_partial(struct run *r, int w, size_t i, struct err *err)
{
    struct cfile *cf = &r->cf[i];
    struct partial p;
    struct err why;
    enum cache_look look;

    (void)mem_thread_huge(); /* this worker fills group tables */
    err_init(&why);
    if (cf->src == NULL)
        return 0; /* not identified: it is read as without the cache; the sweep reports it */
    if (r->cache->no_parts)
        return 0; /* none in the job directory when it was listed (a cold cache): read */
    look = cache_lookup(r->cache, cf->src, &p, &why);
    /* under a budget, room first: the worker's groups go to a run before a partial comes in */
    if (look == CACHE_HIT && r->spill != NULL && htab_count(r->tables[w]) > 0 &&
        memacct_used(&r->wacct[w]) > r->share / 2 &&
        spill_worker(r->op, r->spill, &r->tables[w], &r->wacct[w], err) < 0) {
        partial_fini(&p);
        return -1;
    }
    if (look == CACHE_HIT) {
        if (load_partial(r->op, &p, &r->own[w], &r->wacct[w], &why) == 0) {
            const struct partial_info *in = &p.info;

            /* a partial past the worker's share goes to a run whole; then into the table */
            if ((r->spill != NULL && memacct_used(&r->wacct[w]) > r->share &&
                 spill_worker(r->op, r->spill, &r->own[w], &r->wacct[w], err) < 0) ||
                move_or_swap(r->op, &r->tables[w], &r->own[w], &r->wacct[w], err) < 0 ||
                (r->spill != NULL && memacct_used(&r->wacct[w]) > r->share &&
                 spill_worker(r->op, r->spill, &r->tables[w], &r->wacct[w], err) < 0)) {
                partial_fini(&p);
                return -1;
            }
            cf->hit = 1;
            cf->counts = in->counts;
            cf->bad = in->bad;
            cf->flows_kept = in->flows_kept;
            cf->resumed = in->resumed;
            cf->msg_after_path = in->msg_after_path;
            atomic_fetch_add(&r->pieces, 1);
            if (in->bad) {
                cf->raw = mem_strdup(in->msg);
                cf->msg = dup_msg(in->msg_after_path ? r->files[i].path : "", in->msg);
            }
        } else if (why.code == ERR_LIMIT && r->spill != NULL) {
            look = CACHE_MISS; /* its groups pass the budget at once: the file is read */
        } else if (why.code == ERR_LIMIT) {
            *err = why;
            partial_fini(&p);
            return -1;
        } else {
            look = CACHE_BAD;
            err_prefix(&why, "the partial of %s", cf->src->path);
        }
        partial_fini(&p);
    }
    if (look == CACHE_BAD)
        cf->warn = dup_msg(why.msg, " (ignored; rebuilt from its file)");
    return 0;
}

static int save_state_any(const void *ctx, const uint8_t *val, struct partial_buf *out,
                          struct err *err);

/* Writes worker w's unit table as a roll-up (unless poisoned) and moves it into its table. */
static int
seg_flush(struct run *r, int w, struct err *err)
{
    struct useg *sg = &r->seg[w];
    int filtered = sg->n > 0 ? r->cf[sg->m[0]].src->filtered : 0;

    for (size_t k = 1; k < sg->n; k++) /* a unit is of one kind (unit_of()): never mixed */
        sg->poisoned |= r->cf[sg->m[k]].src->filtered != filtered;
    if (!sg->poisoned && sg->n > 0 && atomic_load(&r->cache->write_ok)) {
        struct partial_member *m = mem_calloc(sg->n, sizeof(*m));
        struct err werr;
        int64_t n;

        for (size_t k = 0; k < sg->n; k++)
            roll_member_of(&r->cf[sg->m[k]], &m[k]);
        err_init(&werr);
        n = cache_store_roll(r->cache, m, (uint32_t)sg->n, filtered, r->own[w], r->op->val_len,
                             save_state_any, r->op, &werr);
        if (n >= 0) {
            atomic_fetch_add(&r->written, 1);
            atomic_fetch_add(&r->written_bytes, (uint64_t)n);
            for (size_t k = 0; k < sg->n; k++)
                r->cf[sg->m[k]].cached = 1;
        } else if (atomic_exchange(&r->write_failed, 1) == 0) {
            snprintf(r->write_err, sizeof(r->write_err), "cannot write partials: %s", werr.msg);
        }
        mem_free(m);
    }
    if (sg->n > 0 || sg->poisoned)
        atomic_fetch_add(&r->pieces, 1);
    for (size_t k = 0; sg->poisoned && k < sg->n; k++)
        r->cf[sg->m[k]].member = 0; /* in no roll-up */
    sg->n = 0;
    sg->poisoned = 0;
    if (htab_count(r->own[w]) == 0)
        return 0;
    if (move_or_swap(r->op, &r->tables[w], &r->own[w], &r->wacct[w], err) < 0)
        return -1;
    if (r->spill != NULL && memacct_used(&r->wacct[w]) > r->share &&
        spill_worker(r->op, r->spill, &r->tables[w], &r->wacct[w], err) < 0)
        return -1;
    return 0;
}

/* Worker w starts on planned file pi (read into its unit table): another unit flushes it. */
static int
seg_enter(struct run *r, int w, size_t pi, struct err *err)
{
    struct useg *sg = &r->seg[w];

    if ((sg->n > 0 || sg->poisoned) && sg->unit != r->unit[pi] && seg_flush(r, w, err) < 0)
        return -1;
    sg->unit = r->unit[pi];
    return 0;
}

static int
cached_batch(void *ctx, int w, size_t i, const struct flow *flows, size_t n, struct sweep_stats *st,
             struct err *err)
{
    struct run *r = ctx;
    struct op_counts c = {0, 0};
    struct cfile *cf = &r->cf[r->miss[i]];
    int own = cf->own_table, rc;
    struct htab *t;

    (void)mem_thread_huge(); /* this worker fills group tables */
    if (own && seg_enter(r, w, r->miss[i], err) < 0)
        return -1;
    t = own ? r->own[w] : r->tables[w];
    rc = fold_kept(r->op, r->filter, r->scratch[w], t, flows, n, &r->sel[w], &c, &r->wacct[w], err);
    st->records += c.records;
    st->kept += c.kept;
    if (rc == 0 && r->spill != NULL && memacct_used(&r->wacct[w]) > r->share) {
        /* room first: the worker's groups of other units go to a run */
        if (!own || htab_count(r->tables[w]) > 0)
            rc = spill_worker(r->op, r->spill, &r->tables[w], &r->wacct[w], err);
        if (rc == 0 && own && memacct_used(&r->wacct[w]) > r->share) {
            /* the unit's groups pass the worker's share alone: no roll-up of it this time;
             * what it holds goes to a run, the rest of this file to the worker's table */
            cf->own_table = 0;
            r->seg[w].poisoned = 1;
            rc = spill_worker(r->op, r->spill, &r->own[w], &r->wacct[w], err);
        }
    }
    return rc < 0 ? -1 : 0;
}

/* partial_save_fn over op->save() (struct op_bytes and struct partial_buf are both mem_grow()n). */
static int
save_state(const void *ctx, const uint8_t *val, struct partial_buf *out, struct err *err)
{
    const struct op *op = ctx;
    struct op_bytes b = {out->p, out->len, out->cap, 0};
    int rc = op->save(op, val, &b, err);

    out->p = b.p;
    out->len = b.len;
    out->cap = b.cap;
    return rc;
}

/* save_state() for a message between ranks: distinct sets' items in any order. */
static int
save_state_any(const void *ctx, const uint8_t *val, struct partial_buf *out, struct err *err)
{
    const struct op *op = ctx;
    struct op_bytes b = {out->p, out->len, out->cap, 1};
    int rc = op->save(op, val, &b, err);

    out->p = b.p;
    out->len = b.len;
    out->cap = b.cap;
    return rc;
}

static int
cached_file_end(void *ctx, int w, size_t i, int stop, const struct sweep_file_done *done,
                struct err *err)
{
    struct run *r = ctx;
    size_t pi = r->miss[i];
    struct cfile *cf = &r->cf[pi];
    const char *path = r->files[pi].path;
    struct useg *sg = &r->seg[w];

    cf->unopened = !done->opened; /* nothing of it was folded: not a member, and no groups */
    if (!cf->own_table && !cf->direct)
        return 0;
    if (cf->own_table && seg_enter(r, w, pi, err) < 0)
        return -1;
    if (!done->opened)
        return 0; /* nothing of it was folded */
    if (stop) {
        sg->poisoned = cf->own_table; /* cut short: no roll-up */
        return 0;
    }
    cf->counts.bytes = done->stats.bytes;
    cf->counts.flows = done->stats.flows;
    cf->counts.records = done->stats.records;
    cf->counts.kept = done->stats.kept;
    cf->counts.dns_rrs = done->stats.dns_rrs;
    cf->counts.other = done->stats.other;
    cf->counts.damaged = done->stats.damaged;
    if (done->b != NULL) {
        size_t plen = strlen(path);
        const char *msg = done->b->msg;

        cf->bad = 1;
        cf->flows_kept = done->b->flows_kept;
        cf->resumed = done->b->resumed;
        if (strncmp(msg, path, plen) == 0) { /* kept without the path: runs may name it otherwise */
            cf->msg_after_path = 1;
            msg += plen;
        }
        cf->raw = mem_alloc(ERR_MSG_LEN);
        snprintf(cf->raw, ERR_MSG_LEN, "%s", msg);
    }
    cf->member = 1;
    if (!cf->own_table)
        return 0; /* in the worker's table: a member of the whole only */
    sg->m = mem_grow(sg->m, &sg->cap, (sg->n + 1) * sizeof(*sg->m), 16 * sizeof(*sg->m));
    sg->m[sg->n++] = pi;
    return 0;
}

static int
bad_cmp(const void *a, const void *b)
{
    return strcmp(((const struct sweep_bad *)a)->path, ((const struct sweep_bad *)b)->path);
}

/* Adds the counts and verdicts of the files taken from partials to res->sweep. */
static void
add_hits(struct run *r, size_t nfiles, struct runner_result *res)
{
    struct sweep_stats *st = &res->sweep.stats;

    for (size_t i = 0; i < nfiles; i++) {
        const struct cfile *cf = &r->cf[i];

        if (!cf->hit)
            continue;
        st->files++;
        st->bytes += cf->counts.bytes;
        st->flows += cf->counts.flows;
        st->records += cf->counts.records;
        st->kept += cf->counts.kept;
        st->dns_rrs += cf->counts.dns_rrs;
        st->other += cf->counts.other;
        st->damaged += cf->counts.damaged;
        if (cf->bad) {
            struct sweep_bad *b;

            res->sweep.bad =
                mem_realloc(res->sweep.bad, (res->sweep.nbad + 1) * sizeof(*res->sweep.bad));
            b = &res->sweep.bad[res->sweep.nbad++];
            b->path = mem_strdup(r->files[i].path);
            b->msg = mem_strdup(cf->msg);
            b->flows_kept = cf->flows_kept;
            b->resumed = cf->resumed;
        }
    }
    if (res->sweep.nbad > 1)
        qsort(res->sweep.bad, res->sweep.nbad, sizeof(*res->sweep.bad), bad_cmp);
}

/*
 * Loads partial `p` into table `t`, which may hold groups already: a group it
 * holds gets the loaded state merged in. 0 or -code (what was loaded stays in `t`).
 */
static int
load_into(const struct op *op, const struct partial *p, struct htab *t, struct memacct *acct,
          struct err *err)
{
    struct partial_cursor c;
    struct partial_entry e;
    uint8_t *tmp = mem_calloc(1, op->val_len + 8);
    int rc = 0;

    memset(&c, 0, sizeof(c));
    while (rc == 0 && partial_next(p, &c, &e)) {
        int is_new;
        struct htab_entry *g = htab_upsert(t, e.key, e.key_len, e.hash, &is_new, err);

        if (g == NULL) {
            rc = -ERR_LIMIT;
        } else if (is_new) {
            rc = op->load(op, htab_entry_val(g), e.state, e.state_len, acct, err);
        } else {
            memset(tmp, 0, op->val_len);
            rc = op->load(op, tmp, e.state, e.state_len, acct, err);
            if (rc < 0)
                op->release(op, tmp, acct);
            else
                rc = op->merge(op, htab_entry_val(g), tmp, acct, err);
        }
    }
    mem_free(tmp);
    return rc;
}

/* The members of roll-up `p` (chosen as `roll`) come from the cache: their counts and verdicts. */
static void
roll_members_hit(struct run *r, const struct cache_roll *roll, const struct partial *p)
{
    for (uint32_t k = 0; k < roll->nmembers; k++) {
        const struct partial_member *m = &p->info.members[k];
        size_t i = roll->idx[k];
        struct cfile *cf = &r->cf[i];

        cf->hit = cf->covered = 1;
        cf->counts = m->counts;
        cf->bad = m->bad;
        cf->flows_kept = m->flows_kept;
        cf->resumed = m->resumed;
        cf->msg_after_path = m->msg_after_path;
        if (m->bad) {
            cf->raw = mem_strdup(m->msg);
            cf->msg = dup_msg(m->msg_after_path ? r->files[i].path : "", m->msg);
        }
    }
    atomic_fetch_add(&r->pieces, 1);
}

/*
 * load_counted() - the roll-up kept in r->counted into the merged table `t`, after every
 * other piece of the run (roll-ups, partials, the files read) is in it: a group `t` holds
 * already gets its saved state merged in (by op->merge_counts() when there is one: its sets
 * then become their counts too); any other, which nothing of this run
 * touches and which will only be finished, is loaded as op->load_counts() makes it (its
 * distinct sets as their counts: no item is placed). 0 or -code; as with a roll-up loaded
 * into a table, a failure stops the run (part of it is in the table).
 */
static int
load_counted(struct run *r, struct htab *t, struct memacct *acct, struct runner_result *res,
             struct err *err)
{
    const struct op *op = r->op;
    struct partial_cursor c;
    struct partial_entry e;
    uint8_t *tmp = mem_calloc(1, op->val_len + 8);
    size_t more[HTAB_PARTS] = {0};
    int rc = 0;

    /* each sub-table grown once for all its groups, not once per doubling */
    partial_part_groups(&r->counted, more);
    for (unsigned p = 0; p < HTAB_PARTS && rc == 0; p++)
        if (more[p] > 0 && htab_part_reserve(t, p, htab_part_count(t, p) + more[p], err) < 0)
            rc = -ERR_LIMIT;
    memset(&c, 0, sizeof(c));
    while (rc == 0 && partial_next(&r->counted, &c, &e)) {
        int is_new;
        struct htab_entry *g = htab_upsert(t, e.key, e.key_len, e.hash, &is_new, err);

        if (g == NULL) {
            rc = -ERR_LIMIT;
        } else if (is_new) {
            rc = op->load_counts(op, htab_entry_val(g), e.state, e.state_len, acct, err);
            res->cache.counted++;
        } else if (op->merge_counts != NULL) {
            rc = op->merge_counts(op, htab_entry_val(g), e.state, e.state_len, acct, err);
            res->cache.counted_merged++;
        } else {
            memset(tmp, 0, op->val_len);
            rc = op->load(op, tmp, e.state, e.state_len, acct, err);
            if (rc < 0)
                op->release(op, tmp, acct);
            else
                rc = op->merge(op, htab_entry_val(g), tmp, acct, err);
            res->cache.counted_merged++;
        }
    }
    if (rc < 0)
        err_prefix(err, "the roll-up %s", r->rolls[r->defer - 1].path);
    mem_free(tmp);
    partial_fini(&r->counted);
    r->has_counted = 0;
    return rc;
}

/* A cache warning about roll-up k's side file, kept on the roll-up's first file. */
static void
side_warn(struct run *r, const char *path, const char *why, const char *what)
{
    struct cfile *cf0 = &r->cf[r->rolls[0].idx[0]];
    size_t n = strlen(path) + strlen(why) + strlen(what) + 64;
    char *w = mem_alloc(n);

    snprintf(w, n, "the side file %s: %s (%s)", path, why, what);
    if (cf0->warn == NULL)
        cf0->warn = w;
    else
        mem_free(w);
}

/*
 * A side file of `n` bytes stored (cache_store_side(), cache_store_beside()) is counted; n < 0
 * is the cache's write failure, `e` saying why (the first one kept).
 */
static void
side_stored(struct run *r, int64_t n, const struct err *e)
{
    if (n >= 0) {
        atomic_fetch_add(&r->written_bytes, (uint64_t)n);
        atomic_fetch_add(&r->sides, 1);
    } else if (atomic_exchange(&r->write_failed, 1) == 0) {
        snprintf(r->write_err, sizeof(r->write_err), "cannot write partials: %s", e->msg);
    }
}

/*
 * The side file of the roll-up of layout `lay` (its groups exactly those of `t`):
 * made and written. *list, *nlist and *npass (when list != NULL): its first rows in
 * order, and the groups passing.
 * A failure to write it is the cache's write failure (one warning); one to make it
 * (the budget) leaves the roll-up without one.
 */
static void
side_write(struct run *r, const struct partial_layout *lay, const struct htab *t,
           const char *roll_path, struct htab_entry ***list, size_t *nlist, size_t *npass)
{
    struct partial_buf b = {0};
    struct err e;

    err_init(&e);
    if (side_make(r->op, lay, t, r->opts->threads, side_extra(htab_count(t)), r->cache->finish_fp,
                  &b, list, nlist, npass, &e) < 0) {
        partial_buf_fini(&b);
        return;
    }
    side_stored(r, cache_store_side(r->cache, roll_path, b.p, b.len, &e), &e);
    partial_buf_fini(&b);
}

/* side_write() of roll-up `p`, loaded whole (its groups exactly those of `t`). */
static void
side_write_loaded(struct run *r, const struct partial *p, const struct htab *t,
                  const char *roll_path)
{
    struct partial_layout lay;

    partial_layout_of(p, &lay);
    side_write(r, &lay, t, roll_path, NULL, NULL, NULL);
    partial_layout_fini(&lay);
}

/*
 * A side file of roll-up `roll` (dns-names' .side, an operation's own) is bound to the roll-up
 * it was made from: `want`, that roll-up's length and checksums, must be those of the head
 * cache_cover() chose it from (read again only without one), of the open file's length and
 * of its trailer. Then its members count as from the cache (roll_members_hit()) and the
 * roll-up's open descriptor is returned, for the groups read later; else -1 (the roll-up was
 * written again since, or is being replaced: a stale side file).
 */
static int
bind_roll(struct run *r, const struct cache_roll *roll, const struct side_roll *want)
{
    struct partial *p = roll->head, *own = NULL;
    struct err why;
    int fd, ok = 0;

    err_init(&why);
    if (p == NULL) {
        p = own = mem_calloc(1, sizeof(*p)); /* 8 KB: off the stack */
        if (partial_load(roll->path, PARTIAL_LOAD_HEAD_ONLY | PARTIAL_LOAD_ANY_ORDER, p, &why) !=
                0 ||
            !cache_roll_matches(r->cache, p, roll, r->srcs))
            p = NULL;
    }
    fd = open(roll->path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && p != NULL) {
        struct side_roll id;
        struct stat st;
        uint8_t tr[24];

        side_roll_of(p, &id);
        ok = fstat(fd, &st) == 0 && (uint64_t)st.st_size == want->size && id.size <= want->size &&
             id.head_sum == want->head_sum && id.members_sum == want->members_sum &&
             want->size >= 24 && pread(fd, tr, 24, (off_t)(want->size - 24)) == 24 &&
             le_get64(tr + 8) == want->size - 24 && le_get64(tr + 16) == want->trailer_sum;
    }
    if (ok)
        roll_members_hit(r, roll, p);
    else if (fd >= 0)
        close(fd), fd = -1;
    if (own != NULL)
        partial_fini(own);
    mem_free(own);
    return fd;
}

/*
 * Whether this run can finish without loading its largest roll-up: the operation
 * ranks, the run finishes, no new whole is due; then its side file is loaded and
 * bound to it (same length and checksums), and its members count as from the cache.
 * Else, with such a run, rolls[0] is loaded whole and its side file (re)written.
 */
static void
side_choose(struct run *r, size_t nfiles)
{
    const struct cache_roll *roll = &r->rolls[0];
    size_t covered = 0;
    struct err why;
    char *path;
    int fd;

    r->side_fd = -1;
    if (r->op->rank == NULL || !r->finishing || !r->cache->has_finish || r->nrolls == 0)
        return;
    for (size_t k = 0; k < r->nrolls; k++)
        covered += r->rolls[k].nmembers;
    if ((nfiles - covered) * 20 > nfiles)
        return; /* a new whole is written, with its side file */
    r->side_make = 1;
    path = cache_side_path(r->cache, roll->path);
    err_init(&why);
    if (side_open(path, &r->sd, &why) < 0) { /* its header: the rest as side_finish() reads it */
        if (!(why.code == ERR_IO && why.sys_errno == ENOENT))
            side_warn(r, path, why.msg, "ignored; rebuilt");
        side_fini(&r->sd);
        mem_free(path);
        return;
    }
    if (memcmp(r->sd.finish_fp, r->cache->finish_fp, 16) != 0) {
        side_warn(r, path, "made for another finish", "ignored; rebuilt");
        side_fini(&r->sd);
        mem_free(path);
        return;
    }
    mem_free(path);
    fd = bind_roll(r, roll, &r->sd.roll);
    if (fd <
        0) { /* the roll-up was written again since (or is being replaced): a stale side file */
        side_fini(&r->sd);
        return;
    }
    r->side = 1;
    r->side_make = 0;
    r->side_fd = fd;
}

/*
 * The operation's own side file (op.h's aux_make()) of the roll-up of layout `lay` (NULL:
 * loaded roll-up p's) whose groups are those of `t` (NULL: p's saved states), written;
 * as side_write(), a failure to write it is the cache's write failure.
 */
static void
aux_write(struct run *r, const struct partial_layout *lay, const struct htab *t,
          const struct partial *p, const char *roll_path)
{
    struct partial_layout own = {0};
    struct partial_buf b = {0};
    struct err e;

    err_init(&e);
    if (lay == NULL) {
        partial_layout_of(p, &own);
        lay = &own;
    }
    if (r->op->aux_make(r->op, lay, t, t != NULL ? NULL : p, r->cache->finish_fp, &b, &e) == 0) {
        side_stored(r, cache_store_beside(r->cache, roll_path, r->op->aux_suffix, b.p, b.len, &e),
                    &e);
    }
    partial_buf_fini(&b);
    partial_layout_fini(&own);
}

/*
 * Whether the largest roll-up, to be loaded last as counts (load_counted()), can instead
 * be served by the operation's own side file (op.h's aux_*): then it is not loaded, its
 * members count as from the cache, and aux_run() brings in what the finish needs. Else
 * (none yet, damaged, another finish, stale) it is loaded as counted and the file
 * (re)written from it.
 */
static void
aux_choose(struct run *r)
{
    const struct op *op = r->op;
    const struct cache_roll *roll = &r->rolls[0];
    uint64_t id[4];
    uint8_t fp[16];
    struct side_roll want;
    struct err why;
    char *path;
    void *aux = NULL;
    int fd;

    if (op->aux_suffix == NULL || !r->finishing || !r->cache->has_finish || r->defer != 1 ||
        r->side)
        return;
    r->aux_make = 1;
    path = cache_beside_path(r->cache, roll->path, op->aux_suffix);
    err_init(&why);
    if (op->aux_load(op, path, &aux, fp, id, &why) < 0) {
        if (!(why.code == ERR_IO && why.sys_errno == ENOENT))
            side_warn(r, path, why.msg, "ignored; rebuilt");
        mem_free(path);
        return;
    }
    if (memcmp(fp, r->cache->finish_fp, 16) != 0) {
        side_warn(r, path, "made for another finish", "ignored; rebuilt");
        op->aux_free(op, aux);
        mem_free(path);
        return;
    }
    mem_free(path);
    want = (struct side_roll){
        .size = id[0], .head_sum = id[1], .members_sum = id[2], .trailer_sum = id[3]};
    fd = bind_roll(r, roll, &want);
    if (fd < 0) { /* the roll-up was written again since: a stale side file, rebuilt */
        op->aux_free(op, aux);
        return;
    }
    r->aux = aux;
    r->aux_make = 0;
    r->defer = 0;
    r->side_fd = fd;
}

/* Chosen roll-up k (worker w): merged, its members marked; else its files go the per-file way.
 */
static int
use_roll(struct run *r, int w, const struct cache_roll *roll, struct err *err)
{
    struct partial p;
    struct err why;
    int rc, make;

    (void)mem_thread_huge(); /* this worker fills group tables */
    err_init(&why);
    if (partial_load(roll->path, PARTIAL_LOAD_ANY_ORDER, &p, &why) < 0) {
        if (!(why.code == ERR_IO && why.sys_errno == ENOENT)) { /* else removed meanwhile */
            struct cfile *cf0 = &r->cf[roll->idx[0]];
            size_t n = strlen(roll->path) + strlen(why.msg) + 64;

            mem_free(cf0->warn);
            cf0->warn = mem_alloc(n);
            snprintf(cf0->warn, n, "the roll-up %s: %s (ignored and removed; its files read)",
                     roll->path, why.msg);
            cache_drop(r->cache, roll->path);
        }
        partial_fini(&p);
        return 0;
    }
    if (!cache_roll_matches(r->cache, &p, roll, r->srcs)) { /* replaced meanwhile */
        partial_fini(&p);
        return 0;
    }
    if (r->defer > 0 && roll == &r->rolls[r->defer - 1] &&
        (r->spill == NULL || memacct_used(&r->wacct[w]) + 8 * p.len < r->share)) {
        /* checked whole, room enough for it whole (as below): loaded last */
        roll_members_hit(r, roll, &p);
        if (r->aux_make) /* the operation's own side file of it, (re)made */
            aux_write(r, NULL, NULL, &p, roll->path);
        r->counted = p;
        r->has_counted = 1;
        return 0;
    }
    make = r->side_make && roll == &r->rolls[0];
    if (!make && (r->spill == NULL || memacct_used(&r->wacct[w]) + 8 * p.len < r->share)) {
        /* room enough (a loaded state takes a few times its saved bytes): straight in; a
         * failure leaves part of it in the table, so it stops the run (never a wrong answer) */
        rc = load_into(r->op, &p, r->tables[w], &r->wacct[w], err);
        if (rc < 0)
            err_prefix(err, "the roll-up %s", roll->path);
        if (rc == 0 && r->spill != NULL && memacct_used(&r->wacct[w]) > r->share)
            rc = spill_worker(r->op, r->spill, &r->tables[w], &r->wacct[w], err);
    } else { /* under a budget, or for its side file: as a partial of one file (use_partial())
              */
        if (r->spill != NULL && htab_count(r->tables[w]) > 0 &&
            memacct_used(&r->wacct[w]) > r->share / 2 &&
            spill_worker(r->op, r->spill, &r->tables[w], &r->wacct[w], err) < 0) {
            partial_fini(&p);
            return -1;
        }
        err_init(&why);
        if (load_partial(r->op, &p, &r->own[w], &r->wacct[w], &why) < 0) {
            /* nothing of it stays in own[w]: its files are read instead */
            if (why.code != ERR_LIMIT) { /* a state that does not load: a damaged roll-up */
                struct cfile *cf0 = &r->cf[roll->idx[0]];
                size_t n = strlen(roll->path) + strlen(why.msg) + 64;

                mem_free(cf0->warn);
                cf0->warn = mem_alloc(n);
                snprintf(cf0->warn, n, "the roll-up %s: %s (ignored and removed; its files read)",
                         roll->path, why.msg);
                cache_drop(r->cache, roll->path);
            }
            partial_fini(&p);
            return 0;
        }
        if (make) /* its groups alone in own[w]: the side file of this run's finish */
            side_write_loaded(r, &p, r->own[w], roll->path);
        rc = (r->spill != NULL && memacct_used(&r->wacct[w]) > r->share &&
              spill_worker(r->op, r->spill, &r->own[w], &r->wacct[w], err) < 0) ||
                     move_or_swap(r->op, &r->tables[w], &r->own[w], &r->wacct[w], err) < 0 ||
                     (r->spill != NULL && memacct_used(&r->wacct[w]) > r->share &&
                      spill_worker(r->op, r->spill, &r->tables[w], &r->wacct[w], err) < 0)
                 ? -1
                 : 0;
    }
    if (rc < 0) {
        partial_fini(&p);
        return -1;
    }
    roll_members_hit(r, roll, &p);
    partial_fini(&p);
    return 0;
}

struct unit_ent {
    uint64_t unit, unit_bytes;
    size_t pos; /* in the plan order (largest first) */
    size_t pi;
};

static int
unit_ent_cmp(const void *a, const void *b)
{
    const struct unit_ent *x = a, *y = b;

    if (x->unit_bytes != y->unit_bytes)
        return x->unit_bytes > y->unit_bytes ? -1 : 1;
    if (x->unit != y->unit)
        return x->unit < y->unit ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int
unit_only_cmp(const void *a, const void *b)
{
    const struct unit_ent *x = a, *y = b;

    if (x->unit != y->unit)
        return x->unit < y->unit ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/*
 * The files to read, unit by unit (the biggest unit first, a unit's files in
 * plan order), so that a worker reads runs of one unit's files and their
 * unit tables become roll-ups of many files each.
 */
static void
unit_order(struct run *r, struct sweep_file *mfiles, size_t n)
{
    struct unit_ent *e = mem_calloc(n + 1, sizeof(*e));

    for (size_t k = 0; k < n; k++) {
        e[k].unit = r->unit[r->miss[k]];
        e[k].pos = k;
        e[k].pi = r->miss[k];
    }
    if (n > 1)
        qsort(e, n, sizeof(*e), unit_only_cmp);
    for (size_t a = 0, b; a < n; a = b) { /* each unit's bytes */
        uint64_t bytes = 0;

        for (b = a; b < n && e[b].unit == e[a].unit; b++)
            bytes += r->files[e[b].pi].size;
        for (size_t k = a; k < b; k++)
            e[k].unit_bytes = bytes;
    }
    if (n > 1)
        qsort(e, n, sizeof(*e), unit_ent_cmp);
    for (size_t k = 0; k < n; k++) {
        r->miss[k] = e[k].pi;
        mfiles[k] = r->files[e[k].pi];
    }
    mem_free(e);
}

/*
 * Planned file `f` as the cache identifies it, compact (cache_src_dup()): from
 * the walk's stat() when it gave one, else examined (*id and *tmp: the thread's,
 * allocated on first use). NULL when it cannot be: it is then read as without
 * the cache, and the sweep reports it.
 */
static struct cache_src *
identify(const struct sweep_opts *opts, const struct sweep_file *f, struct cache_ident **id,
         struct cache_src **tmp)
{
    struct cache_src *s = f->walked != NULL ? cache_src_walked(f->walked) : NULL;
    struct err why;

    if (s == NULL) {
        if (*id == NULL) {
            *id = mem_calloc(1, sizeof(**id));
            *tmp = mem_alloc(sizeof(**tmp));
        }
        err_init(&why);
        if (cache_identify_in(*id, f->path, *tmp, &why) < 0)
            return NULL;
        s = cache_src_dup(*tmp);
    }
    /* read through the window (its hour unknown): its partials are of their own kind, never
     * served to a run that reads it whole (the same file reached by a path with its hour) */
    s->filtered = sweep_filters(opts, f);
    return s;
}

/* The run's --start/--end, for the partials of the files it filters (cache_window()). */
static void
tell_window(struct cache *c, const struct sweep_opts *opts)
{
    if (opts->win_lo_set || opts->win_hi_set)
        cache_window(c, opts->win_lo_set, opts->win_lo_ms, opts->win_hi_set, opts->win_hi_ms);
}

/*
 * Whether the files a cold cache reads can all be members of one roll-up (the whole):
 * each identified and old enough to trust (the racy rule), and all of one kind (read
 * whole, or all through the window: cache_window()). A cold cache gets one roll-up of
 * everything, as cheap as can be (no unit tables); unit roll-ups come with the next runs,
 * which read only what changed. When one file cannot be a member, the whole cannot be
 * written (its groups are in the table): the files are then read unit by unit as a warm
 * run reads them, so every file that can be cached is (docs/partials.md).
 */
static int
whole_fits(const struct run *r, size_t nfiles)
{
    int kinds = 0;

    if (!atomic_load(&r->cache->write_ok))
        return 1; /* nothing is written: the plain way */
    for (size_t i = 0; i < nfiles; i++) {
        const struct cfile *cf = &r->cf[i];

        if (cf->src == NULL)
            return 0;
        if (!cf->hit && cache_racy(cf->src))
            return 0;
        kinds |= 1 << (cf->src->filtered != 0);
    }
    return kinds != 3;
}

/* The map phase with the cache: roll-ups and partials first (in parallel), then the rest read.
 */
static int
map_cached(struct run *r, size_t nfiles, int nt, struct runner_result *res, struct err *err)
{
    struct sweep_file *mfiles = mem_calloc(nfiles + 1, sizeof(*mfiles));
    struct err *errs = mem_calloc((size_t)nt, sizeof(*errs));
    struct sweep_sink sink;
    char **rwarn = NULL;
    size_t nrwarn = 0, seen = 0;
    atomic_bool stop = false;
    size_t nmiss = 0;
    int rc = 0;

    for (int t = 0; t < nt; t++)
        err_init(&errs[t]);
    tell_window(r->cache, r->opts);
#pragma omp parallel default(none) num_threads(nt) shared(r, nfiles)
    {
        /* per thread: the real paths of the directories resolved so far (no realpath() each) */
        struct cache_ident *id = NULL;
        struct cache_src *tmp = NULL;

#pragma omp for schedule(dynamic, 16)
        for (size_t i = 0; i < nfiles; i++)
            r->srcs[i] = r->cf[i].src = identify(r->opts, &r->files[i], &id, &tmp);
        mem_free(id);
        mem_free(tmp);
    }
    r->nrolls = cache_cover(r->cache, r->srcs, nfiles, &r->rolls, &rwarn, &nrwarn, &seen);
    r->roll_used = mem_calloc(r->nrolls + 1, 1);
    if (r->finishing && r->op->load_counts != NULL && r->nrolls > 0) {
        /* the largest roll-up is loaded last, its untouched groups as counts, when no whole
         * is to be written (write_whole(): at most 5% of the files outside roll-ups) */
        size_t cov = 0, big = 0;

        for (size_t k = 0; k < r->nrolls; k++) {
            cov += r->rolls[k].nmembers;
            if (r->rolls[k].nmembers > r->rolls[big].nmembers)
                big = k;
        }
        if ((nfiles - cov) * 20 <= nfiles)
            r->defer = big + 1;
    }
    side_choose(r, nfiles);
    aux_choose(r);
    r->roll_used[0] = (uint8_t)(r->side || r->aux != NULL);
#pragma omp parallel for default(none) num_threads(nt) schedule(dynamic, 1) shared(r, errs, stop)
    for (size_t k = 0; k < r->nrolls; k++) {
        int w = omp_get_thread_num();

        if (atomic_load_explicit(&stop, memory_order_relaxed) ||
            (k == 0 && (r->side || r->aux != NULL)))
            continue;
        if (use_roll(r, w, &r->rolls[k], &errs[w]) < 0)
            atomic_store_explicit(&stop, true, memory_order_relaxed);
        else
            r->roll_used[k] = r->cf[r->rolls[k].idx[0]].covered != 0;
    }
#pragma omp parallel for default(none) num_threads(nt) schedule(dynamic, 1) \
    shared(r, nfiles, errs, stop)
    for (size_t i = 0; i < nfiles; i++) {
        int w = omp_get_thread_num();

        if (atomic_load_explicit(&stop, memory_order_relaxed) || r->cf[i].hit)
            continue;
        if (use_partial(r, w, i, &errs[w]) < 0)
            atomic_store_explicit(&stop, true, memory_order_relaxed);
    }
    if (rc == 0)
        rc = err_first(errs, nt, err);
    mem_free(errs);
    for (size_t k = 0; k < nrwarn; k++) { /* roll-ups whose head did not load */
        res->cache_warn =
            mem_realloc(res->cache_warn, (res->ncache_warn + 1) * sizeof(*res->cache_warn));
        res->cache_warn[res->ncache_warn++] = rwarn[k];
        res->cache.rejected++;
    }
    mem_free(rwarn);
    r->cold = seen == 0 && whole_fits(r, nfiles);
    for (size_t i = 0; i < nfiles; i++) {
        struct cfile *cf = &r->cf[i];

        if (cf->warn) {
            res->cache_warn =
                mem_realloc(res->cache_warn, (res->ncache_warn + 1) * sizeof(*res->cache_warn));
            res->cache_warn[res->ncache_warn++] = cf->warn;
            cf->warn = NULL;
            res->cache.rejected++;
        }
        r->covered += cf->covered;
        if (cf->hit) {
            res->cache.from_partials++;
            continue;
        }
        if (cf->src != NULL && cache_racy(cf->src))
            res->cache.racy++;
        cf->own_table = cf->src != NULL && !cache_racy(cf->src) && atomic_load(&r->cache->write_ok);
        if (r->cold) { /* straight into the worker's table */
            cf->direct = cf->own_table;
            cf->own_table = 0;
        }
        r->miss[nmiss] = i;
        mfiles[nmiss++] = r->files[i];
    }
    res->cache.read = nmiss;
    unit_order(r, mfiles, nmiss);
    if (rc == 0 && r->opts->strict) { /* a bad file known from its partial stops the run too */
        for (size_t i = 0; i < nfiles && rc == 0; i++)
            if (r->cf[i].hit && r->cf[i].bad)
                rc = ERR_SET(err, ERR_FORMAT, "%s (--strict stops at the first bad file)",
                             r->cf[i].msg);
    }
    if (rc == 0) {
        sink.ctx = r;
        sink.batch = cached_batch;
        sink.file_end = cached_file_end;
        rc = sweep_run(mfiles, nmiss, r->opts, &sink, &res->sweep, err);
    }
    for (int w = 0; w < nt; w++) { /* the last unit tables */
        if (rc != 0)
            r->seg[w].poisoned = 1;
        if (seg_flush(r, w, rc == 0 ? err : &(struct err){0}) < 0 && rc == 0)
            rc = -(int)err->code;
    }
    add_hits(r, nfiles, res);
    res->cache.written = atomic_load(&r->written);
    res->cache.written_bytes = atomic_load(&r->written_bytes);
    if (atomic_load(&r->write_failed)) {
        res->cache_warn =
            mem_realloc(res->cache_warn, (res->ncache_warn + 1) * sizeof(*res->cache_warn));
        res->cache_warn[res->ncache_warn++] = mem_strdup(r->write_err);
    }
    mem_free(mfiles);
    return rc;
}

/*
 * The rows to finish are the first of a ranked list of every group of `t`
 * (np of them passing): shallow copies of the first --limit (all without one)
 * in res->view, and the counts put right after the finish.
 */
static void
finish_view(struct run *r, struct runner_result *res, const struct htab *t,
            struct htab_entry *const *list, size_t nl, size_t np)
{
    const struct op *op = r->op;
    size_t want = op->limit && op->limit < nl ? (size_t)op->limit : nl;
    struct err e;
    struct htab *v;

    if (nl < np && (op->limit == 0 || nl < op->limit))
        return; /* cannot happen (the list has limit + extra): the whole table is finished */
    err_init(&e);
    v = htab_create(op->val_len, &res->acct, &e);
    for (size_t i = 0; v != NULL && i < want; i++) {
        int is_new;
        struct htab_entry *d = htab_upsert(v, htab_entry_key(list[i], op->val_len),
                                           list[i]->key_len, list[i]->hash, &is_new, &e);

        if (d == NULL || !is_new) {
            htab_destroy(v);
            v = NULL;
            break;
        }
        memcpy(htab_entry_val(d), htab_entry_val(list[i]), op->val_len);
    }
    if (v == NULL)
        return;
    res->view = v;
    res->side = 1;
    res->side_groups = htab_count(t);
    res->side_passed = np - want;
}

/*
 * Side mode, the roll-up damaged too (found when it had to be loaded whole):
 * reported and removed, and its files read now, on one thread, into tables[0]
 * (its files' counts and verdicts are those its members section gave, still
 * theirs: the files are unchanged). 0 or -code.
 */
static int
side_reread(struct run *r, struct runner_result *res, const struct fold_ctx *fc,
            const struct sweep_opts *opts, const char *why, struct err *err)
{
    const struct cache_roll *roll = &r->rolls[0];
    struct sweep_file *mf = mem_calloc(roll->nmembers + 1, sizeof(*mf));
    struct sweep_result tmp;
    struct sweep_sink sink;
    struct sweep_opts one = *opts;
    struct fold_ctx f = *fc;
    size_t n = strlen(roll->path) + strlen(why) + 64;
    char *w = mem_alloc(n);
    int rc;

    snprintf(w, n, "the roll-up %s: %s (ignored and removed; its files read)", roll->path, why);
    res->cache_warn =
        mem_realloc(res->cache_warn, (res->ncache_warn + 1) * sizeof(*res->cache_warn));
    res->cache_warn[res->ncache_warn++] = w;
    res->cache.rejected++;
    cache_drop(r->cache, roll->path);
    for (uint32_t k = 0; k < roll->nmembers; k++)
        mf[k] = r->files[roll->idx[k]];
    one.threads = 1; /* worker 0's table is tables[0], which holds the rest */
    one.progress = NULL;
    f.spill = NULL;
    f.share = 0;
    sink.ctx = &f;
    sink.batch = fold_batch;
    sink.file_end = NULL;
    memset(&tmp, 0, sizeof(tmp));
    rc = sweep_run(mf, roll->nmembers, &one, &sink, &tmp, err);
    sweep_result_fini(&tmp);
    mem_free(mf);
    res->cache.from_partials -= roll->nmembers;
    res->cache.read += roll->nmembers;
    return rc;
}

/*
 * Side mode, after the merge: tables[0] holds everything but the largest
 * roll-up; its side file brings in what the finish needs of it. A damaged
 * side file, or a list too short for this run, falls back to loading the
 * roll-up whole (and rewriting the side file). 0 or -code.
 */
static int
side_apply(struct run *r, struct runner_result *res, const struct fold_ctx *fc,
           const struct sweep_opts *opts, struct err *err)
{
    const struct cache_roll *roll = &r->rolls[0];
    struct side_done d;
    struct partial *p;
    struct err why;
    int rc;

    err_init(&why);
    rc = side_finish(r->op, res->tables[0], &r->sd, r->side_fd, roll->path, &res->wacct[0], &d,
                     &why);
    if (rc == 0) {
        res->side = 1;
        res->side_groups = d.groups;
        res->side_passed = d.passed_base;
        res->cache.side = 1;
        res->cache.side_touched = d.touched;
        res->cache.side_found = d.found;
        res->cache.side_loaded = d.loaded;
        res->cache.side_listed_touched = d.listed_touched;
        res->cache.side_listed = r->sd.listed;
        return 0;
    }
    if (rc < 0 && why.code != ERR_FORMAT && why.code != ERR_IO) {
        *err = why;
        return rc;
    }
    if (rc < 0) { /* damaged: said, and the roll-up loaded whole below */
        char *path = cache_side_path(r->cache, roll->path);
        size_t n = strlen(path) + strlen(why.msg) + 96;
        char *w = mem_alloc(n);

        snprintf(w, n, "the side file %s: %s (ignored; %s)", path, why.msg,
                 d.side_bad ? "rebuilt" : "the roll-up loaded whole");
        res->cache_warn =
            mem_realloc(res->cache_warn, (res->ncache_warn + 1) * sizeof(*res->cache_warn));
        res->cache_warn[res->ncache_warn++] = w;
        res->cache.rejected++;
        mem_free(path);
    }
    /* the roll-up whole: its side file from it alone, then merged into the rest */
    err_init(&why);
    p = mem_calloc(1, sizeof(*p)); /* 8 KB: off the stack */
    rc = partial_load(roll->path, PARTIAL_LOAD_ANY_ORDER, p, &why);
    if (rc == 0 && (rc = load_partial(r->op, p, &r->own[0], &res->wacct[0], &why)) == 0) {
        side_write_loaded(r, p, r->own[0], roll->path);
        rc = move_or_swap(r->op, &res->tables[0], &r->own[0], &res->wacct[0], err);
        res->cache.sides_written = atomic_load(&r->sides);
        partial_fini(p);
        mem_free(p);
        return rc;
    }
    partial_fini(p);
    mem_free(p);
    if (why.code == ERR_LIMIT) {
        *err = why;
        return -ERR_LIMIT;
    }
    return side_reread(r, res, fc, opts, why.msg, err);
}

/*
 * Aux mode, after the merge: tables[0] holds everything but the largest roll-up; the
 * operation's own side file brings in what the finish needs of it (op.h's aux_apply()). A
 * damaged side file or group falls back to loading the roll-up as counted (and rewriting
 * the side file); a damaged roll-up, to reading its files (side_reread()). 0 or -code.
 */
static int
aux_run(struct run *r, struct runner_result *res, const struct fold_ctx *fc,
        const struct sweep_opts *opts, struct err *err)
{
    const struct op *op = r->op;
    const struct cache_roll *roll = &r->rolls[0];
    uint64_t cnt[5] = {0};
    struct err why;
    char *path;
    size_t n;
    char *w;
    int rc;

    err_init(&why);
    rc = op->aux_apply(op, r->aux, res->tables[0], r->side_fd, roll->path, &res->wacct[0], cnt,
                       &why);
    if (rc == 0) {
        res->side = 1;
        res->side_groups = cnt[0];
        res->side_passed = cnt[1];
        res->cache.side = 1;
        res->cache.side_touched = cnt[2];
        res->cache.side_found = cnt[3];
        res->cache.side_loaded = cnt[4];
        return 0;
    }
    if (why.code != ERR_FORMAT && why.code != ERR_IO) {
        *err = why;
        return rc;
    }
    path = cache_beside_path(r->cache, roll->path, op->aux_suffix);
    n = strlen(path) + strlen(why.msg) + 96;
    w = mem_alloc(n);
    snprintf(w, n, "the side file %s: %s (ignored; the roll-up loaded whole)", path, why.msg);
    res->cache_warn =
        mem_realloc(res->cache_warn, (res->ncache_warn + 1) * sizeof(*res->cache_warn));
    res->cache_warn[res->ncache_warn++] = w;
    res->cache.rejected++;
    mem_free(path);
    /* the roll-up as counted (its side file made anew from it), as without a side file */
    err_init(&why);
    if (partial_load(roll->path, PARTIAL_LOAD_ANY_ORDER, &r->counted, &why) == 0) {
        aux_write(r, NULL, NULL, &r->counted, roll->path);
        res->cache.sides_written = atomic_load(&r->sides);
        r->has_counted = 1;
        r->defer = 1;
        return load_counted(r, res->tables[0], &res->wacct[0], res, err);
    }
    partial_fini(&r->counted);
    return side_reread(r, res, fc, opts, why.msg, err);
}

/*
 * After the merge: a run made of many pieces, most of its files outside roll-ups,
 * writes one roll-up of all its files (table t), so that the next run loads one.
 */
static void
write_whole(struct run *r, size_t nfiles, const struct htab *t, struct runner_result *res)
{
    struct partial_member *m;
    struct partial_layout lay = {0};
    char *path = NULL;
    struct err werr;
    int64_t n;
    int filtered = -1;
    size_t nm = 0;
    int side;

    if (nfiles == 0 || r->defer > 0 || !atomic_load(&r->cache->write_ok) ||
        nfiles > PARTIAL_MEMBERS_MAX ||
        (!r->cold && (atomic_load(&r->pieces) < 2 || (nfiles - r->covered) * 20 <= nfiles)))
        return;
    for (size_t i = 0; i < nfiles; i++) {
        const struct cfile *cf = &r->cf[i];

        if (!cf->hit && !cf->member && cf->unopened)
            continue; /* no groups of it in the table: left out, read again next time */
        if (!cf->hit && !cf->member)
            return; /* its groups are in the table, it cannot be a member */
        if (filtered >= 0 && cf->src->filtered != filtered)
            return; /* files read whole and through the window: no roll-up holds both */
        filtered = cf->src->filtered; /* members (hit or member) are identified */
        nm++;
    }
    if (nm == 0)
        return;
    m = mem_calloc(nm, sizeof(*m));
    nm = 0;
    for (size_t i = 0; i < nfiles; i++)
        if (r->cf[i].hit || r->cf[i].member)
            roll_member_of(&r->cf[i], &m[nm++]);
    err_init(&werr);
    side =
        (r->op->rank != NULL || r->op->aux_suffix != NULL) && r->finishing && r->cache->has_finish;
    n = cache_store_roll_keep(r->cache, m, (uint32_t)nm, filtered, t, r->op->val_len,
                              save_state_any, r->op, side ? &path : NULL, side ? &lay : NULL,
                              &werr);
    if (n >= 0 && side && r->op->rank == NULL) { /* the operation's own side file */
        aux_write(r, &lay, t, NULL, path);
        mem_free(path);
    } else if (n >= 0 && side) { /* its side file; the output's rows are the first of its list */
        struct htab_entry **list = NULL;
        size_t nl = 0, np = 0;

        /* from the layout the writer recorded (offsets, lengths, checksums of the bytes it
         * wrote), not read back: a re-run checks each group it reads against its checksum */
        side_write(r, &lay, t, path, &list, &nl, &np);
        if (list != NULL)
            finish_view(r, res, t, list, nl, np);
        mem_free(list);
        mem_free(path);
    }
    partial_layout_fini(&lay);
    if (n >= 0) {
        for (size_t i = 0; i < nfiles; i++)
            r->cf[i].cached |= r->cf[i].member;
        res->cache.written++;
        res->cache.written_bytes += (uint64_t)n;
        /* the roll-ups of many units it merged are superseded by it (unit ones are kept, for
         * runs that plan fewer files): removed, so the cache does not grow by a whole each time
         */
        for (size_t k = 0; k < r->nrolls; k++) {
            const struct cache_roll *ro = &r->rolls[k];
            int multi = 0;

            for (uint32_t j = 1; j < ro->nmembers && !multi; j++)
                multi = r->unit[ro->idx[j]] != r->unit[ro->idx[0]];
            if (r->roll_used[k] && multi)
                cache_drop(r->cache, ro->path);
        }
    } else if (!atomic_load(&r->write_failed)) {
        res->cache_warn =
            mem_realloc(res->cache_warn, (res->ncache_warn + 1) * sizeof(*res->cache_warn));
        res->cache_warn[res->ncache_warn++] = dup_msg("cannot write partials: ", werr.msg);
    }
    mem_free(m);
}

/* The unit of a file: its day (UTC) when its path gives its hour, else its directory. */
static uint64_t
unit_of(const struct sweep_file *f)
{
    const char *slash;

    if (f->hour != PART_HOUR_UNKNOWN) {
        int64_t day = f->hour >= 0 ? f->hour / 86400 : (f->hour - 86399) / 86400;

        day += CACHE_UNIT_SHIFT; /* CACHE_UNIT_DAYS > 1: blocks of days from a Monday */
        return (uint64_t)(day >= 0 ? day / CACHE_UNIT_DAYS
                                   : (day - CACHE_UNIT_DAYS + 1) / CACHE_UNIT_DAYS) &
               ~(1ULL << 63);
    }
    slash = strrchr(f->path, '/');
    return XXH3_64bits(f->path, slash ? (size_t)(slash - f->path) : 0) | (1ULL << 63);
}

static int map_phase(const struct op *op, const struct part_plan *plan,
                     const struct sweep_opts *opts, struct cache *cache, int finishing,
                     struct runner_result *res, struct err *err);

int
runner_run(const struct op *op, const struct part_plan *plan, const struct sweep_opts *opts,
           struct runner_result *res, struct err *err)
{
    return runner_run_cached(op, plan, opts, NULL, res, err);
}

int
runner_run_cached(const struct op *op, const struct part_plan *plan, const struct sweep_opts *opts,
                  struct cache *cache, struct runner_result *res, struct err *err)
{
    int rc = map_phase(op, plan, opts, cache, 1, res, err);

    if (rc == 0)
        rc = runner_finish(res, opts->threads, err);
    return rc;
}

/* CLOCK_MONOTONIC in seconds, for runner_result.phases. */
static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
runner_finish(struct runner_result *res, int threads, struct err *err)
{
    double t0 = now_s();
    int rc =
        res->later != NULL && res->view == NULL
            ? res->op->finish_later(res->op, res->tables[0], res->later, threads, &res->out, err)
            : res->op->finish(res->op, res->view ? res->view : res->tables[0], threads, &res->out,
                              err);

    res->phases.finish = now_s() - t0;

    res->finished = 1;
    if (rc == 0 && res->side) { /* the table held part of the groups (side.h): the counts */
        struct out_table *t = &res->out.table;
        uint64_t passed = res->side_passed + t->nrows + t->left_out;

        res->out.groups = (size_t)res->side_groups;
        t->left_out = (size_t)(passed - t->nrows);
        t->has_more = t->left_out > 0;
    }
    if (rc == 0 && res->selected) { /* spilled: the table holds only what select() kept */
        struct out_table *t = &res->out.table;

        res->out.groups = (size_t)res->sel_groups;
        t->left_out = res->stream != NULL          ? 0 /* every row streams */
                      : res->sel_passed > t->nrows ? (size_t)(res->sel_passed - t->nrows)
                                                   : 0;
        t->has_more = t->left_out > 0;
    }
    return rc;
}

int
runner_map(const struct op *op, const struct part_plan *plan, const struct sweep_opts *opts,
           struct cache *cache, struct runner_result *res, struct err *err)
{
    return map_phase(op, plan, opts, cache, 0, res, err);
}

/*
 * The map and merge phases. `finishing`: runner_finish() follows, so a
 * spilled merge may keep only what op->select() keeps; else (runner_map(),
 * whose caller encodes the table) every group is kept.
 */
static int
map_phase(const struct op *op, const struct part_plan *plan, const struct sweep_opts *opts,
          struct cache *cache, int finishing, struct runner_result *res, struct err *err)
{
    struct sweep_file *files = runner_files(plan);
    struct fold_ctx f;
    struct sweep_sink sink;
    struct run *r = NULL;
    struct spill sp;
    struct sweep_opts po;
    int rc = 0;
    double t0 = now_s(), t1 = t0;

    if (op->projected && opts->source.need == NULL) { /* the reader decodes what fold reads */
        po = *opts;
        po.source.need = &op->need;
        opts = &po;
    }
    memset(res, 0, sizeof(*res));
    res->op = op;
    memacct_init(&res->acct, opts->mem_limit);
    res->ntables = sweep_threads(opts, plan->nfiles);
    res->tables = mem_calloc((size_t)res->ntables, sizeof(*res->tables));
    res->wacct = mem_calloc((size_t)res->ntables, sizeof(*res->wacct));
    spill_init(&sp, op, opts->tmp_dir);
    f.op = op;
    f.filter = keep_not_applied(op, opts);
    f.tables = res->tables;
    f.scratch = mem_calloc((size_t)res->ntables, sizeof(*f.scratch));
    f.sel = mem_calloc((size_t)res->ntables, sizeof(*f.sel));
    f.wacct = res->wacct;
    f.share = spill_share(opts, res->ntables);
    f.spill = f.share ? &sp : NULL;
    for (int t = 0; t < res->ntables; t++) {
        memacct_init_child(&res->wacct[t], &res->acct);
        res->tables[t] = htab_create(op->val_len, &res->wacct[t], err);
        if (res->tables[t] == NULL) {
            rc = -ERR_LIMIT;
            goto out;
        }
        f.scratch[t] = op->scratch_create(op);
    }
    if (cache != NULL) {
        r = mem_calloc(1, sizeof(*r));
        r->op = op;
        r->filter = f.filter;
        r->opts = opts;
        r->finishing = finishing;
        r->cache = cache;
        r->side_fd = -1;
        r->files = files;
        r->cf = mem_calloc(plan->nfiles + 1, sizeof(*r->cf));
        r->miss = mem_calloc(plan->nfiles + 1, sizeof(*r->miss));
        r->tables = res->tables;
        r->scratch = f.scratch;
        r->sel = f.sel;
        r->wacct = res->wacct;
        r->spill = f.spill;
        r->share = f.share;
        r->own = mem_calloc((size_t)res->ntables, sizeof(*r->own));
        r->seg = mem_calloc((size_t)res->ntables, sizeof(*r->seg));
        r->srcs = mem_calloc(plan->nfiles + 1, sizeof(*r->srcs));
        r->unit = mem_calloc(plan->nfiles + 1, sizeof(*r->unit));
        for (size_t i = 0; i < plan->nfiles; i++)
            r->unit[i] = unit_of(&files[i]);
        for (int t = 0; t < res->ntables; t++) {
            r->own[t] = htab_create(op->val_len, &res->wacct[t], err);
            if (r->own[t] == NULL) {
                rc = -ERR_LIMIT;
                goto out;
            }
        }
        rc = map_cached(r, plan->nfiles, res->ntables, res, err); /* map */
    } else {
        sink.ctx = &f;
        sink.batch = fold_batch;
        sink.file_end = NULL;
        rc = sweep_run(files, plan->nfiles, opts, &sink, &res->sweep, err); /* map */
    }
    if (rc == 0 && sp.nruns > 0 && r != NULL && r->has_counted) {
        /* the sweep spilled after all: the roll-up kept for the end goes in whole, then to runs
         */
        rc = load_into(op, &r->counted, res->tables[0], &res->wacct[0], err);
        if (rc < 0)
            err_prefix(err, "the roll-up %s", r->rolls[r->defer - 1].path);
        partial_fini(&r->counted);
        r->has_counted = 0;
    }
    if (rc == 0 && sp.nruns > 0 && r != NULL && r->aux != NULL) {
        /* spilled, the same: the roll-up its side file was to serve goes in whole (a damaged
         * one reported, removed and its files read), and the run finishes as any spilled one */
        struct partial *p = mem_calloc(1, sizeof(*p)); /* 8 KB: off the stack */
        struct err why;

        op->aux_free(op, r->aux);
        r->aux = NULL;
        err_init(&why);
        if (partial_load(r->rolls[0].path, PARTIAL_LOAD_ANY_ORDER, p, &why) == 0) {
            rc = load_into(op, p, res->tables[0], &res->wacct[0], err);
            if (rc < 0)
                err_prefix(err, "the roll-up %s", r->rolls[0].path);
        } else if (why.code == ERR_LIMIT) {
            *err = why;
            rc = -ERR_LIMIT;
        } else {
            rc = side_reread(r, res, &f, opts, why.msg, err);
        }
        partial_fini(p);
        mem_free(p);
    }
    t1 = now_s();
    res->phases.map = t1 - t0;
    if (rc == 0 && sp.nruns > 0) {
        /* spilled: every table becomes a run, then the runs are merged a partition at a time */
        uint64_t groups = 0, passed = 0;
        struct err *errs = mem_calloc((size_t)res->ntables, sizeof(*errs));
        struct htab *final = NULL;
        int nt = res->ntables;

#pragma omp parallel for default(none) num_threads(nt) schedule(dynamic, 1) \
    shared(op, sp, res, errs, nt)
        for (int t = 0; t < nt; t++) {
            err_init(&errs[t]);
            if (htab_count(res->tables[t]) > 0)
                (void)spill_worker(op, &sp, &res->tables[t], &res->wacct[t], &errs[t]);
        }
        if (rc == 0)
            rc = err_first(errs, nt, err);
        mem_free(errs);
        if (rc == 0) {
            int mt = opts->threads > 0 ? opts->threads : omp_get_max_threads();

            mt = mt < nt ? mt : nt; /* a merge thread charges a worker's account */
            /* under a tiny budget, fewer threads: each has tables of fixed size besides its
             * share
             */
            while (mt > 1 && spill_share(opts, mt) < SPILL_MERGE_MIN)
                mt--;
            /* side: every group */
            sp.no_select = !finishing || (r != NULL && (r->side || r->aux != NULL));
            rc = spill_finish(&sp, res->wacct, mt, spill_share(opts, mt), &final, &groups, &passed,
                              err);
        }
        if (final != NULL) { /* it takes worker 0's place (the other tables are empty) */
            htab_destroy(res->tables[0]);
            res->tables[0] = final;
        }
        res->spill_runs = sp.nruns + sp.nouts;
        res->spill_bytes = atomic_load(&sp.bytes);
        if (rc == 0 && sp.stream) { /* the output runs stay for runner_rows_next() */
            res->stream = mem_alloc(sizeof(*res->stream));
            *res->stream = sp;
            memset(&sp, 0, sizeof(sp));
            res->stream_share = spill_share(opts, 1);
        }
        res->selected =
            finishing && op->select != NULL && !(r != NULL && (r->side || r->aux != NULL));
        res->sel_groups = groups;
        res->sel_passed = passed;
        if (rc == 0 && r != NULL && r->side)
            rc = side_apply(r, res, &f, opts, err);
        else if (rc == 0 && r != NULL && r->aux != NULL)
            rc = aux_run(r, res, &f, opts, err);
    } else if (rc == 0) {
        /* only finish follows: a group both workers hold is merged in full only if printed */
        if (finishing && r == NULL && op->merge_now != NULL && res->ntables > 1) {
            res->later = mem_calloc(1, sizeof(*res->later));
            res->later->acct = &res->acct;
        }
        rc = merge_run_later(op, res->tables, res->ntables, &res->acct, opts->threads, res->later,
                             err);
        if (rc == 0 && r != NULL && r->has_counted)
            rc = load_counted(r, res->tables[0], &res->wacct[0], res, err);
        if (rc == 0 && r != NULL && r->side)
            rc = side_apply(r, res, &f, opts, err);
        else if (rc == 0 && r != NULL && r->aux != NULL)
            rc = aux_run(r, res, &f, opts, err);
        else if (rc == 0 && r != NULL)
            write_whole(r, plan->nfiles, res->tables[0], res);
    }
    if (r != NULL)
        res->cache.sides_written = atomic_load(&r->sides);
    res->phases.merge = now_s() - t1;
    /* What the group tables hold once merged: the benchmark relates peak RSS to it. */
    res->table_bytes = memacct_used(&res->acct);
    res->table_peak = atomic_load_explicit(&res->acct.peak, memory_order_relaxed);
out:
    spill_fini(&sp);
    if (r != NULL) {
        for (size_t i = 0; i < plan->nfiles; i++)
            res->cache.uncached += !r->cf[i].hit && !r->cf[i].cached;
        for (int t = 0; t < res->ntables; t++) {
            if (r->own[t] != NULL) {
                op_release_all(op, r->own[t], &res->wacct[t]);
                htab_destroy(r->own[t]);
            }
        }
        for (size_t i = 0; i < plan->nfiles; i++) {
            mem_free(r->cf[i].src);
            mem_free(r->cf[i].msg);
            mem_free(r->cf[i].raw);
            mem_free(r->cf[i].warn);
        }
        for (int t = 0; t < res->ntables; t++)
            mem_free(r->seg[t].m);
        if (r->has_counted)
            partial_fini(&r->counted);
        if (r->side_fd >= 0)
            close(r->side_fd);
        side_fini(&r->sd);
        if (r->aux != NULL)
            op->aux_free(op, r->aux);
        cache_rolls_free(r->rolls, r->nrolls);
        mem_free(r->roll_used);
        mem_free(r->seg);
        mem_free(r->srcs);
        mem_free(r->unit);
        mem_free(r->own);
        mem_free(r->cf);
        mem_free(r->miss);
        mem_free(r);
    }
    for (int t = 0; t < res->ntables; t++)
        op->scratch_destroy(f.scratch[t]);
    mem_free(f.scratch);
    kept_sels_free(f.sel, (size_t)res->ntables);
    mem_free(files);
    return rc;
}

int
runner_result_empty(struct runner_result *res, const struct op *op, size_t mem_limit,
                    struct err *err)
{
    memset(res, 0, sizeof(*res));
    res->op = op;
    memacct_init(&res->acct, mem_limit);
    res->ntables = 1;
    res->tables = mem_calloc(1, sizeof(*res->tables));
    res->tables[0] = htab_create(op->val_len, &res->acct, err);
    return res->tables[0] == NULL ? -ERR_LIMIT : 0;
}

int
runner_absorb(struct runner_result *res, const struct partial *p, struct err *err)
{
    const struct op *op = res->op;
    uint8_t *tmp = mem_alloc(op->val_len + 1); /* a group both hold: loaded here, then merged */
    struct partial_cursor c;
    struct partial_entry e;
    int rc = 0;

    /* Straight into the table: a new group's state is loaded in place (nothing to move or
     * merge); a group already there is loaded aside and merged into it. */
    memset(&c, 0, sizeof(c));
    while (rc == 0 && partial_next(p, &c, &e)) {
        int is_new;
        struct htab_entry *g = htab_upsert(res->tables[0], e.key, e.key_len, e.hash, &is_new, err);

        if (g == NULL) {
            rc = -ERR_LIMIT;
        } else if (is_new) {
            rc = op->load(op, htab_entry_val(g), e.state, e.state_len, &res->acct, err);
        } else {
            memset(tmp, 0, op->val_len);
            rc = op->load(op, tmp, e.state, e.state_len, &res->acct, err);
            if (rc == 0)
                rc = op->merge(op, htab_entry_val(g), tmp, &res->acct, err); /* releases tmp */
            else
                op->release(op, tmp, &res->acct);
        }
    }
    mem_free(tmp);
    res->table_bytes = atomic_load_explicit(&res->acct.used, memory_order_relaxed);
    return rc;
}

int
runner_encode(const struct runner_result *res, const struct partial_info *info, unsigned mod,
              unsigned rem, struct partial_buf *out, struct err *err)
{
    return partial_encode(out, info, res->tables[0], res->op->val_len,
                          info->any_order ? save_state_any : save_state, res->op, mod, rem, err);
}

int
runner_keep_parts(struct runner_result *res, unsigned mod, unsigned rem, struct err *err)
{
    struct htab *t = res->tables[0];

    (void)err;
    /* In place: the other partitions' states are released and their sub-tables emptied. */
    for (unsigned p = 0; p < HTAB_PARTS; p++) {
        size_t cap = htab_part_cap(t, p);

        if (p % mod == rem)
            continue;
        for (size_t i = 0; i < cap; i++) {
            struct htab_entry *e = htab_part_slot(t, p, i);

            if (e)
                res->op->release(res->op, htab_entry_val(e), &res->acct);
        }
        htab_part_clear(t, p);
    }
    return 0;
}

int
runner_keep_entries(struct runner_result *res, struct htab_entry *const *keep, size_t n,
                    struct err *err)
{
    const struct op *op = res->op;
    uint32_t val_len = op->val_len;
    struct htab *dst = htab_create(val_len, &res->acct, err);
    int rc = dst == NULL ? -ERR_LIMIT : 0;

    for (size_t i = 0; i < n && rc == 0; i++) {
        struct htab_entry *e = keep[i], *d;
        int is_new;

        d = htab_upsert(dst, htab_entry_key(e, val_len), e->key_len, e->hash, &is_new, err);
        if (d == NULL) {
            rc = -ERR_LIMIT;
            break;
        }
        memcpy(htab_entry_val(d), htab_entry_val(e), val_len); /* the state moves */
        memset(htab_entry_val(e), 0, val_len);
    }
    op_release_all(op, res->tables[0], &res->acct); /* the rest (a moved state is all zero) */
    for (int t = 0; t < res->ntables; t++) {
        htab_destroy(res->tables[t]);
        res->tables[t] = NULL;
    }
    if (rc < 0 && dst != NULL) {
        op_release_all(op, dst, &res->acct);
        htab_destroy(dst);
        dst = htab_create(val_len, &res->acct, NULL);
    }
    res->tables[0] = dst;
    return rc;
}

int
runner_clear(struct runner_result *res, struct err *err)
{
    if (res->tables[0] != NULL)
        op_release_all(res->op, res->tables[0], &res->acct);
    for (int t = 0; t < res->ntables; t++) {
        htab_destroy(res->tables[t]);
        res->tables[t] = NULL;
    }
    res->tables[0] = htab_create(res->op->val_len, &res->acct, err);
    return res->tables[0] == NULL ? -ERR_LIMIT : 0;
}

const struct htab *
runner_merged(const struct runner_result *res)
{
    return res->tables[0];
}

int
runner_streams(const struct runner_result *res)
{
    return res->stream != NULL;
}

int
runner_rows_next(struct runner_result *res, const struct out_table **t, struct err *err)
{
    int rc;

    if (res->stream == NULL)
        return 0;
    if (res->rows == NULL) {
        res->rows = mem_calloc(1, sizeof(*res->rows));
        rc = spill_rows_open(res->rows, res->stream, &res->wacct[0], res->stream_share, err);
        if (rc < 0)
            return rc;
    }
    rc = spill_rows_next(res->rows, t, err);
    res->table_peak = atomic_load_explicit(&res->acct.peak, memory_order_relaxed);
    return rc;
}

int
runner_rows_rewind(struct runner_result *res, struct err *err)
{
    return res->rows == NULL ? 0 : spill_rows_rewind(res->rows, err);
}

/* Whether this build runs under a sanitizer (whose leak check wants every block freed). */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#    define UNDER_SANITIZER 1
#elif defined(__has_feature)
#    if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
        __has_feature(memory_sanitizer)
#        define UNDER_SANITIZER 1
#    endif
#endif
#ifndef UNDER_SANITIZER
#    define UNDER_SANITIZER 0
#endif

static void
result_fini(struct runner_result *res, int release)
{
    if (res->rows != NULL) {
        spill_rows_close(res->rows);
        mem_free(res->rows);
    }
    if (res->stream != NULL) {
        spill_fini(res->stream);
        mem_free(res->stream);
    }
    if (res->finished)
        res->op->output_fini(res->op, &res->out);
    merge_later_fini(res->op, res->later, release); /* its states lie in the workers' arenas */
    /* a table of every group may outgrow the caches: its partitions on the workers' threads */
    for (int t = 0; t < res->ntables && release; t++) {
        struct htab *h = res->tables[t];
        const struct op *op = res->op;
        struct memacct *acct = &res->acct;
        int nt = res->ntables > 1 ? res->ntables : 1;

        if (h == NULL || htab_count(h) == 0)
            continue;
#pragma omp parallel for default(none) num_threads(nt) schedule(dynamic, 1) shared(h, op, acct)
        for (unsigned p = 0; p < HTAB_PARTS; p++)
            op_release_part(op, h, p, acct);
    }
    for (int t = 0; t < res->ntables; t++)
        htab_destroy(res->tables[t]);
    htab_destroy(res->view); /* shallow copies: nothing of theirs is released */
    mem_free(res->tables);
    mem_free(res->wacct); /* after the tables: they give their bytes back through it */
    sweep_result_fini(&res->sweep);
    for (size_t i = 0; i < res->ncache_warn; i++)
        mem_free(res->cache_warn[i]);
    mem_free(res->cache_warn);
    memset(res, 0, sizeof(*res));
}

void
runner_result_fini(struct runner_result *res)
{
    result_fini(res, 1);
}

void
runner_result_fini_exit(struct runner_result *res)
{
    result_fini(res, UNDER_SANITIZER);
}

/* The fold sink of several operations: worker w folds each batch into every op's table. */
struct many_ctx {
    const struct op *const *ops;
    size_t nops;
    struct runner_result *res;    /* nops results: res[k].tables[w] */
    struct op_scratch ***scratch; /* scratch[k][w] */
    struct kept_sel *sel;         /* per worker (one op's at a time) */
    uint64_t (*counts)[2];        /* per op and worker: records, kept (worker-major) */
    /* with the caches (runner_run_many_cached()), else NULL: */
    struct cache *const *caches; /* per op */
    const struct sweep_opts *opts;
    const struct sweep_file *files;
    struct mfile *mf;       /* per planned file */
    size_t *miss;           /* sweep index -> plan index */
    struct htab ***own;     /* own[k][w]: the file being read for its partials */
    uint64_t (*fcounts)[2]; /* per op and worker: this file's records, kept */
    atomic_uint_fast64_t written, written_bytes;
    atomic_int write_failed;
    char write_err[ERR_MSG_LEN + 32];
};

/* What a run of several operations knows of planned file i with the caches. */
struct mfile {
    struct cache_src *src;        /* NULL: not identified */
    int hit;                      /* every op's partial was merged */
    int own_table;                /* read into tables of its own, then the partials written */
    struct partial_counts counts; /* hit: op 0's (the file's counts) */
    uint64_t (*rk)[2];            /* hit: per op, records and kept */
    int bad, resumed;
    uint64_t flows_kept;
    char *msg;      /* hit and bad */
    char *warn;     /* a partial was rejected: why */
    uint8_t *valid; /* not hit: per op, 1 when its partial is valid (not written again) */
    int cached;     /* read, and every op's partial of it is valid or was written */
};

static int
many_batch(void *ctx, int w, size_t i, const struct flow *flows, size_t n, struct sweep_stats *st,
           struct err *err)
{
    struct many_ctx *m = ctx;
    int own = m->mf != NULL && m->mf[m->miss[i]].own_table;

    (void)mem_thread_huge(); /* this worker fills group tables */
    for (size_t k = 0; k < m->nops; k++) {
        struct op_counts c = {0, 0};
        const struct op *op = m->ops[k];
        uint64_t *cnt = m->counts[(size_t)w * m->nops + k];
        struct htab *t = own ? m->own[k][w] : m->res[k].tables[w];

        /* the reader was handed no op's keep() (many_need()): each op's is applied here */
        if (fold_kept(op, op->need.keep != NULL, m->scratch[k][w], t, flows, n, &m->sel[w], &c,
                      &m->res[k].acct, err) < 0)
            return -1;
        cnt[0] += c.records;
        cnt[1] += c.kept;
        if (m->fcounts != NULL) {
            m->fcounts[(size_t)w * m->nops + k][0] += c.records;
            m->fcounts[(size_t)w * m->nops + k][1] += c.kept;
        }
        if (k == 0) {
            st->records += c.records;
            st->kept += c.kept;
        }
    }
    return 0;
}

/* Plan file i: every op's partial, if all are valid (worker w). 0, or -1 with `err` set. */
static int
many_use_partials(struct many_ctx *m, int w, size_t i, struct err *err)
{
    struct mfile *mf = &m->mf[i];
    struct partial *p = mem_calloc(m->nops, sizeof(*p));
    struct cache_ident *id = NULL;
    struct cache_src *tmp = NULL;
    size_t loaded = 0;
    struct err why;
    int rc = 0, all = 1;

    (void)mem_thread_huge(); /* this worker fills group tables */
    err_init(&why);
    mf->src = identify(m->opts, &m->files[i], &id, &tmp);
    mem_free(id);
    mem_free(tmp);
    if (mf->src == NULL) { /* it is read as without the cache; the sweep reports it */
        mem_free(p);
        return 0;
    }
    mf->valid = mem_calloc(m->nops + 1, 1);
    for (size_t k = 0; k < m->nops && all; k++) {
        enum cache_look look = cache_lookup(m->caches[k], mf->src, &p[k], &why);

        if (look == CACHE_HIT) {
            loaded = k + 1;
            if (load_partial(m->ops[k], &p[k], &m->own[k][w], &m->res[k].acct, &why) == 0) {
                mf->valid[k] = 1;
                continue;
            }
            if (why.code == ERR_LIMIT) {
                *err = why;
                rc = -1;
            } else {
                err_prefix(&why, "the partial of %s", mf->src->path);
                mf->warn = dup_msg(why.msg, " (ignored; rebuilt from its file)");
            }
        } else if (look == CACHE_BAD) {
            mf->warn = dup_msg(why.msg, " (ignored; rebuilt from its file)");
        }
        all = 0;
        /* the file is read: the partials of the ops after this one that are valid stay */
        for (size_t j = k + 1; j < m->nops; j++)
            mf->valid[j] = (uint8_t)cache_head_valid(m->caches[j], mf->src);
    }
    if (all && rc == 0) {
        const struct partial_info *in = &p[0].info;

        for (size_t k = 0; k < m->nops && rc == 0; k++)
            if (move_into(m->ops[k], m->res[k].tables[w], &m->own[k][w], &m->res[k].acct, err) < 0)
                rc = -1;
        mf->hit = rc == 0;
        mf->counts = in->counts;
        mf->bad = in->bad;
        mf->flows_kept = in->flows_kept;
        mf->resumed = in->resumed;
        mf->rk = mem_calloc(m->nops, sizeof(*mf->rk));
        for (size_t k = 0; k < m->nops; k++) {
            mf->rk[k][0] = p[k].info.counts.records;
            mf->rk[k][1] = p[k].info.counts.kept;
        }
        if (in->bad)
            mf->msg = dup_msg(in->msg_after_path ? m->files[i].path : "", in->msg);
    } else {
        for (size_t k = 0; k < m->nops && k < loaded; k++) { /* what was loaded goes */
            op_release_all(m->ops[k], m->own[k][w], &m->res[k].acct);
            htab_destroy(m->own[k][w]);
            m->own[k][w] = htab_create(m->ops[k]->val_len, &m->res[k].acct, NULL);
            if (m->own[k][w] == NULL && rc == 0) {
                rc = -1;
                ERR_SET(err, ERR_LIMIT, "%s", "memory limit reached (--mem-limit)");
            }
        }
    }
    for (size_t k = 0; k < loaded; k++)
        partial_fini(&p[k]);
    mem_free(p);
    return rc;
}

/* A read file's partials (one per op) written, then its tables merged into the worker's. */
static int
many_file_end(void *ctx, int w, size_t i, int stop, const struct sweep_file_done *done,
              struct err *err)
{
    struct many_ctx *m = ctx;
    struct mfile *mf = &m->mf[m->miss[i]];
    const char *path = m->files[m->miss[i]].path;
    int rc = 0, cached = mf->own_table && done->opened && !stop;

    for (size_t k = 0; k < m->nops; k++) {
        uint64_t *fc = m->fcounts[(size_t)w * m->nops + k];

        if (mf->own_table && !(mf->valid != NULL && mf->valid[k]) &&
            !atomic_load(&m->caches[k]->write_ok))
            cached = 0;

        if (mf->own_table && done->opened && !stop && atomic_load(&m->caches[k]->write_ok) &&
            (mf->valid == NULL || !mf->valid[k])) { /* a valid partial is not written again */
            struct partial_info *in = mem_calloc(1, sizeof(*in));
            struct err werr;
            int64_t n;

            in->counts.bytes = done->stats.bytes;
            in->counts.flows = done->stats.flows;
            in->counts.records = fc[0];
            in->counts.kept = fc[1];
            in->counts.dns_rrs = done->stats.dns_rrs;
            in->counts.other = done->stats.other;
            in->counts.damaged = done->stats.damaged;
            if (done->b != NULL) {
                size_t plen = strlen(path);
                const char *msg = done->b->msg;

                in->bad = 1;
                in->flows_kept = done->b->flows_kept;
                in->resumed = done->b->resumed;
                if (strncmp(msg, path, plen) == 0) { /* kept without the path */
                    in->msg_after_path = 1;
                    msg += plen;
                }
                snprintf(in->msg, sizeof(in->msg), "%s", msg);
            }
            err_init(&werr);
            n = cache_store(m->caches[k], mf->src, in, m->own[k][w], m->ops[k]->val_len, save_state,
                            m->ops[k], &werr);
            if (n >= 0) {
                atomic_fetch_add(&m->written, 1);
                atomic_fetch_add(&m->written_bytes, (uint64_t)n);
            } else {
                cached = 0;
                if (atomic_exchange(&m->write_failed, 1) == 0)
                    snprintf(m->write_err, sizeof(m->write_err), "cannot write partials: %s",
                             werr.msg);
            }
            mem_free(in);
        }
        fc[0] = fc[1] = 0;
        if (mf->own_table && rc == 0 &&
            move_into(m->ops[k], m->res[k].tables[w], &m->own[k][w], &m->res[k].acct, err) < 0)
            rc = -1;
    }
    mf->cached = cached;
    return rc;
}

/* The map phase of several operations with their caches: partials first, then the rest read. */
static int
many_map_cached(struct many_ctx *m, size_t nfiles, int nt, const struct sweep_opts *opts,
                struct sweep_result *sw, struct runner_result *res0, struct err *err)
{
    struct sweep_file *mfiles = mem_calloc(nfiles + 1, sizeof(*mfiles));
    struct err *errs = mem_calloc((size_t)nt, sizeof(*errs));
    struct sweep_sink sink;
    atomic_bool stop = false;
    size_t nmiss = 0;
    int rc = 0;

    for (int t = 0; t < nt; t++)
        err_init(&errs[t]);
    m->opts = opts;
    for (size_t k = 0; k < m->nops; k++)
        tell_window(m->caches[k], opts);
#pragma omp parallel for default(none) num_threads(nt) schedule(dynamic, 1) \
    shared(m, nfiles, errs, stop)
    for (size_t i = 0; i < nfiles; i++) {
        int w = omp_get_thread_num();

        if (atomic_load_explicit(&stop, memory_order_relaxed))
            continue;
        if (many_use_partials(m, w, i, &errs[w]) < 0)
            atomic_store_explicit(&stop, true, memory_order_relaxed);
    }
    if (rc == 0)
        rc = err_first(errs, nt, err);
    mem_free(errs);
    for (size_t i = 0; i < nfiles; i++) {
        struct mfile *mf = &m->mf[i];
        int write_ok = 1;

        if (mf->warn) {
            res0->cache_warn =
                mem_realloc(res0->cache_warn, (res0->ncache_warn + 1) * sizeof(*res0->cache_warn));
            res0->cache_warn[res0->ncache_warn++] = mf->warn;
            mf->warn = NULL;
            res0->cache.rejected++;
        }
        if (mf->hit) {
            res0->cache.from_partials++;
            continue;
        }
        if (mf->src != NULL && cache_racy(mf->src))
            res0->cache.racy++;
        for (size_t k = 0; k < m->nops; k++)
            write_ok = write_ok && atomic_load(&m->caches[k]->write_ok);
        mf->own_table = mf->src != NULL && !cache_racy(mf->src) && write_ok;
        m->miss[nmiss] = i;
        mfiles[nmiss++] = m->files[i];
    }
    res0->cache.read = nmiss;
    if (rc == 0 && opts->strict) { /* a bad file known from its partial stops the run too */
        for (size_t i = 0; i < nfiles && rc == 0; i++)
            if (m->mf[i].hit && m->mf[i].bad)
                rc = ERR_SET(err, ERR_FORMAT, "%s (--strict stops at the first bad file)",
                             m->mf[i].msg);
    }
    if (rc == 0) {
        sink.ctx = m;
        sink.batch = many_batch;
        sink.file_end = many_file_end;
        rc = sweep_run(mfiles, nmiss, opts, &sink, sw, err);
    }
    res0->cache.written = atomic_load(&m->written);
    res0->cache.written_bytes = atomic_load(&m->written_bytes);
    for (size_t i = 0; i < nfiles; i++)
        res0->cache.uncached += !m->mf[i].hit && !m->mf[i].cached;
    if (atomic_load(&m->write_failed)) {
        res0->cache_warn =
            mem_realloc(res0->cache_warn, (res0->ncache_warn + 1) * sizeof(*res0->cache_warn));
        res0->cache_warn[res0->ncache_warn++] = mem_strdup(m->write_err);
    }
    mem_free(mfiles);
    return rc;
}

/*
 * The projection of several operations read in one sweep: the union of what
 * each reads, when every one is projected (op.h), without their keep()s: a
 * reader testing every operation's keep() before decoding, and many_batch()
 * testing each again, cost more than the decoding it saved (the report on two
 * day files: 1.984 G instructions with the union of the keep()s, 1.913 G
 * without). Returns 0 with `need` set, or 1: the reader decodes everything.
 */
static int
many_need(struct ipfix_need *need, const struct op *const *ops, size_t nops)
{
    memset(need, 0, sizeof(*need));
    for (size_t k = 0; k < nops; k++) {
        if (!ops[k]->projected)
            return 1;
        need->flow |= ops[k]->need.flow;
        need->dns |= ops[k]->need.dns;
    }
    return 0;
}

int
runner_run_many(const struct op *const *ops, size_t nops, const struct part_plan *plan,
                const struct sweep_opts *opts, struct runner_result *res, struct err *err)
{
    return runner_run_many_cached(ops, nops, plan, opts, NULL, res, err);
}

int
runner_run_many_cached(const struct op *const *ops, size_t nops, const struct part_plan *plan,
                       const struct sweep_opts *opts, struct cache *const *caches,
                       struct runner_result *res, struct err *err)
{
    struct sweep_file *files = runner_files(plan);
    struct many_ctx m;
    struct sweep_sink sink;
    struct sweep_result sw;
    struct sweep_opts po;
    struct ipfix_need mn;
    int nt = sweep_threads(opts, plan->nfiles);
    int rc = 0;

    if (many_need(&mn, ops, nops) == 0 && opts->source.need == NULL) {
        po = *opts; /* the reader decodes what the folds read */
        po.source.need = &mn;
        opts = &po;
    }
    memset(&sw, 0, sizeof(sw));
    memset(&m, 0, sizeof(m));
    m.ops = ops;
    m.nops = nops;
    m.res = res;
    m.scratch = mem_calloc(nops + 1, sizeof(*m.scratch));
    m.sel = mem_calloc((size_t)nt, sizeof(*m.sel));
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
    if (caches != NULL) {
        m.caches = caches;
        m.files = files;
        m.mf = mem_calloc(plan->nfiles + 1, sizeof(*m.mf));
        m.miss = mem_calloc(plan->nfiles + 1, sizeof(*m.miss));
        m.fcounts = mem_calloc((size_t)nt * nops + 1, sizeof(*m.fcounts));
        m.own = mem_calloc(nops + 1, sizeof(*m.own));
        for (size_t k = 0; k < nops; k++) {
            m.own[k] = mem_calloc((size_t)nt, sizeof(*m.own[k]));
            for (int t = 0; t < nt && rc == 0; t++) {
                m.own[k][t] = htab_create(ops[k]->val_len, &res[k].acct, err);
                if (m.own[k][t] == NULL)
                    rc = -ERR_LIMIT;
            }
        }
        if (rc == 0)
            rc = many_map_cached(&m, plan->nfiles, nt, opts, &sw, &res[0], err); /* map */
    } else if (rc == 0) {
        sink.ctx = &m;
        sink.batch = many_batch;
        sink.file_end = NULL;
        rc = sweep_run(files, plan->nfiles, opts, &sink, &sw, err); /* one map for all */
    }
    if (m.mf != NULL) { /* the files taken from partials: their counts and verdicts */
        for (size_t i = 0; i < plan->nfiles; i++) {
            const struct mfile *mf = &m.mf[i];

            if (!mf->hit)
                continue;
            sw.stats.files++;
            sw.stats.bytes += mf->counts.bytes;
            sw.stats.flows += mf->counts.flows;
            sw.stats.dns_rrs += mf->counts.dns_rrs;
            sw.stats.other += mf->counts.other;
            sw.stats.damaged += mf->counts.damaged;
            for (size_t k = 0; k < nops; k++) {
                m.counts[k][0] += mf->rk[k][0]; /* worker 0's row */
                m.counts[k][1] += mf->rk[k][1];
            }
            if (mf->bad) {
                struct sweep_bad *b;

                sw.bad = mem_realloc(sw.bad, (sw.nbad + 1) * sizeof(*sw.bad));
                b = &sw.bad[sw.nbad++];
                b->path = mem_strdup(files[i].path);
                b->msg = mem_strdup(mf->msg);
                b->flows_kept = mf->flows_kept;
                b->resumed = mf->resumed;
            }
        }
        if (sw.nbad > 1)
            qsort(sw.bad, sw.nbad, sizeof(*sw.bad), bad_cmp);
    }
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
            res[k].sweep.bad[b].msg = mem_strdup(sw.bad[b].msg);
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
    if (m.mf != NULL) {
        for (size_t k = 0; k < nops; k++) {
            for (int t = 0; t < nt; t++) {
                if (m.own[k][t] != NULL) {
                    op_release_all(ops[k], m.own[k][t], &res[k].acct);
                    htab_destroy(m.own[k][t]);
                }
            }
            mem_free(m.own[k]);
        }
        for (size_t i = 0; i < plan->nfiles; i++) {
            mem_free(m.mf[i].src);
            mem_free(m.mf[i].rk);
            mem_free(m.mf[i].msg);
            mem_free(m.mf[i].warn);
            mem_free(m.mf[i].valid);
        }
        mem_free(m.own);
        mem_free(m.mf);
        mem_free(m.miss);
        mem_free(m.fcounts);
    }
    sweep_result_fini(&sw);
    mem_free(m.scratch);
    kept_sels_free(m.sel, (size_t)nt);
    mem_free(m.counts);
    mem_free(files);
    return rc;
}
