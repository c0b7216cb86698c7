/*
 * spill.c - see spill.h.
 */
#define _GNU_SOURCE /* O_TMPFILE */
#include "spill.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <omp.h>

#include "mem.h"
#include "partial.h"

#define READ_CHUNK_MAX (256u << 10) /* bytes a run's block reader reads at once, at most */
#define READ_CHUNK_MIN (4u << 10)

const char *
spill_dir_default(void)
{
    const char *d = getenv("TMPDIR");

    return d != NULL && d[0] != '\0' ? d : "/tmp";
}

void
spill_init(struct spill *s, const struct op *op, const char *dir)
{
    size_t n;

    memset(s, 0, sizeof(*s));
    s->op = op;
    s->dir = mem_strdup(dir != NULL ? dir : spill_dir_default());
    n = strlen(s->dir) + 64;
    s->name = mem_alloc(n);
    snprintf(s->name, n, "a spill file in %s (--tmp-dir)", s->dir);
    atomic_init(&s->bytes, 0);
    atomic_init(&s->counter, 0);
}

void
spill_fini(struct spill *s)
{
    for (size_t i = 0; i < s->nruns; i++)
        close(s->runs[i].fd);
    for (size_t i = 0; i < s->nouts; i++)
        close(s->outs[i].fd);
    mem_free(s->runs);
    mem_free(s->outs);
    mem_free(s->dir);
    mem_free(s->name);
    memset(s, 0, sizeof(*s));
}

/*
 * A new anonymous file in the directory, kept open. fd or -code. O_TMPFILE first: a file that
 * never has a name, so nothing is left whenever the process ends (a named file, created and then
 * unlinked, is left by a signal that kills the process between the two calls). Where the file
 * system has no O_TMPFILE (or it fails for any reason), created and unlinked at once, and that
 * path's errors are the ones reported.
 */
static int
spill_file(struct spill *s, struct err *err)
{
    size_t n = strlen(s->dir) + 96;
    char *path;
    int fd;

#ifdef O_TMPFILE
    fd = open(s->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0)
        return fd;
#endif
    path = mem_alloc(n);
    snprintf(path, n, "%s/.flowsweep-spill-%ld-%u", s->dir, (long)getpid(),
             atomic_fetch_add(&s->counter, 1));
    fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        int e = errno;

        mem_free(path);
        return ERR_SET_ERRNO(err, e, "cannot create a spill file in %s (--tmp-dir)", s->dir);
    }
    if (unlink(path) != 0) {
        int e = errno;

        close(fd);
        mem_free(path);
        return ERR_SET_ERRNO(err, e, "cannot remove a spill file in %s (--tmp-dir)", s->dir);
    }
    mem_free(path);
    return fd;
}

struct ent {
    uint64_t hash;
    const struct htab_entry *e;
};

static const uint8_t *
entry_key(const struct htab_entry *e, uint32_t val_len)
{
    return htab_entry_key(e, val_len);
}

/* partial_key_cmp()'s order, the hashes compared here: the keys are read only when they tie */
static inline int
ent_cmp_v(const struct ent *a, const struct ent *b, uint32_t val_len)
{
    if (a->hash != b->hash)
        return a->hash < b->hash ? -1 : 1;
    return partial_key_cmp(a->hash, entry_key(a->e, val_len), a->e->key_len, b->hash,
                           entry_key(b->e, val_len), b->e->key_len);
}

/* Insertion sort of v[0..n) by (hash, key): for the few entries of one bucket. */
static void
insertion_sort(struct ent *v, size_t n, uint32_t val_len)
{
    for (size_t i = 1; i < n; i++) {
        struct ent t = v[i];
        size_t j = i;

        for (; j > 0 && ent_cmp_v(&t, &v[j - 1], val_len) < 0; j--)
            v[j] = v[j - 1];
        v[j] = t;
    }
}

/*
 * Sorts v[0..n) (entries of one partition: the same top HTAB_PART_BITS of the hash) by (hash,
 * key) into out[0..n): a counting pass on the next hash bits puts about four entries in each
 * bucket, in order, then each bucket is sorted by insertion. `count` has room for
 * SORT_BUCKETS_MAX + 1 counters.
 */
#define SORT_BITS_MAX    16
#define SORT_BUCKETS_MAX (1u << SORT_BITS_MAX)

static void
sort_ents(const struct ent *v, struct ent *out, uint32_t *count, size_t n, uint32_t val_len)
{
    unsigned bits = 1, shift;
    size_t nb;

    while (bits < SORT_BITS_MAX && ((size_t)4 << bits) < n)
        bits++;
    nb = (size_t)1 << bits;
    shift = 64 - HTAB_PART_BITS - bits;
    memset(count, 0, (nb + 1) * sizeof(*count));
    for (size_t i = 0; i < n; i++)
        count[((v[i].hash >> shift) & (nb - 1)) + 1]++;
    for (size_t b = 1; b <= nb; b++)
        count[b] += count[b - 1];
    for (size_t i = 0; i < n; i++)
        out[count[(v[i].hash >> shift) & (nb - 1)]++] = v[i];
    /* count[b] is now the end of bucket b (the start of b + 1) */
    for (size_t b = 0, at = 0; b < nb; b++) {
        insertion_sort(out + at, count[b] - at, val_len);
        at = count[b];
    }
}

int
spill_table(struct spill *s, const struct htab *t, struct err *err)
{
    const struct op *op = s->op;
    struct partial_stream w;
    struct op_bytes b = {0};
    struct ent *v = NULL, *sorted = NULL;
    uint32_t *count;
    size_t cap_v = 0;
    struct spill_run run;
    int fd = spill_file(s, err);
    int rc = 0;

    if (fd < 0)
        return fd;
    count = mem_alloc((SORT_BUCKETS_MAX + 1) * sizeof(*count));
    rc = partial_stream_open(&w, fd, s->name, "spill", err);
    for (unsigned p = 0; p < HTAB_PARTS && rc == 0; p++) {
        size_t n = htab_part_count(t, p), cap = htab_part_cap(t, p), k = 0;

        if (n == 0)
            continue;
        if (n > cap_v) {
            mem_free(v);
            mem_free(sorted);
            cap_v = n;
            v = mem_alloc(n * sizeof(*v));
            sorted = mem_alloc(n * sizeof(*sorted));
        }
        for (size_t i = 0; i < cap && k < n; i++) {
            const struct htab_entry *e = htab_part_slot(t, p, i);

            if (e != NULL) {
                v[k].hash = htab_part_slot_hash(t, p, i); /* the entry is read only to save it */
                v[k++].e = e;
            }
        }
        sort_ents(v, sorted, count, k, op->val_len);
        rc = partial_stream_block(&w, p, err);
        for (size_t i = 0; i < k && rc == 0; i++) {
            const struct htab_entry *e = sorted[i].e;

            if (i + 2 < k) /* the next entries' state and key, while this one is written */
                __builtin_prefetch(sorted[i + 2].e);

            b.len = 0;
            rc = op->save(op, htab_entry_val((struct htab_entry *)(uintptr_t)e), &b, err);
            if (rc == 0)
                rc = partial_stream_put(&w, e->hash, entry_key(e, op->val_len), e->key_len, b.p,
                                        b.len, err);
        }
        if (rc == 0)
            rc = partial_stream_end(&w, err);
    }
    if (rc == 0)
        rc = partial_stream_close(&w, err);
    mem_free(v);
    mem_free(sorted);
    mem_free(count);
    op_bytes_fini(&b);
    memset(&run, 0, sizeof(run));
    run.fd = fd;
    memcpy(run.at, w.at, sizeof(run.at));
    run.bytes = partial_stream_bytes(&w);
    partial_stream_fini(&w);
    if (rc < 0) {
        close(fd);
        return rc < 0 ? rc : -ERR_IO;
    }
    atomic_fetch_add(&s->bytes, run.bytes);
#pragma omp critical
    {
        if (s->nruns == s->cap) {
            s->cap = s->cap ? 2 * s->cap : 16;
            s->runs = mem_realloc(s->runs, s->cap * sizeof(*s->runs));
        }
        s->runs[s->nruns++] = run;
    }
    return 0;
}

/* ---- runs of rows in the output's order (a streamed output) ---- */

/* A run being written: one block (partition 0), groups in the order put. */
struct rows_out {
    struct partial_stream w;
    struct op_bytes b;
    int fd;
};

static int
rows_out_open(struct spill *s, struct rows_out *o, struct err *err)
{
    int rc;

    memset(o, 0, sizeof(*o));
    o->fd = spill_file(s, err);
    if (o->fd < 0)
        return o->fd;
    rc = partial_stream_open(&o->w, o->fd, s->name, "spill", err);
    if (rc == 0)
        rc = partial_stream_block(&o->w, 0, err);
    return rc;
}

static int
rows_out_put(const struct op *op, struct rows_out *o, const struct htab_entry *e, struct err *err)
{
    int rc;

    o->b.len = 0;
    rc = op->save(op, htab_entry_val((struct htab_entry *)(uintptr_t)e), &o->b, err);
    if (rc == 0)
        rc = partial_stream_put(&o->w, e->hash, entry_key(e, op->val_len), e->key_len, o->b.p,
                                o->b.len, err);
    return rc;
}

/* Ends the run (rc: how writing went); 0 with *run set (the caller keeps its fd), or -code. */
static int
rows_out_close(struct spill *s, struct rows_out *o, int rc, struct spill_run *run, struct err *err)
{
    if (rc == 0)
        rc = partial_stream_end(&o->w, err);
    if (rc == 0)
        rc = partial_stream_close(&o->w, err);
    memset(run, 0, sizeof(*run));
    run->fd = o->fd;
    run->at[0] = o->w.at[0];
    run->bytes = partial_stream_bytes(&o->w);
    partial_stream_fini(&o->w);
    op_bytes_fini(&o->b);
    if (rc < 0) {
        if (o->fd >= 0)
            close(o->fd);
        return rc;
    }
    atomic_fetch_add(&s->bytes, run->bytes);
    return 0;
}

static void
outs_add(struct spill *s, const struct spill_run *run)
{
#pragma omp critical
    {
        if (s->nouts == s->cap_outs) {
            s->cap_outs = s->cap_outs ? 2 * s->cap_outs : 16;
            s->outs = mem_realloc(s->outs, s->cap_outs * sizeof(*s->outs));
        }
        s->outs[s->nouts++] = *run;
    }
}

/* Writes v[0..n) (in the output's order) as an output run. 0 or -code. */
static int
write_rows(struct spill *s, struct htab_entry *const *v, size_t n, struct err *err)
{
    struct rows_out o;
    struct spill_run run;
    int rc = rows_out_open(s, &o, err);

    for (size_t i = 0; i < n && rc == 0; i++) {
        if (i + 2 < n)
            __builtin_prefetch(v[i + 2]);
        rc = rows_out_put(s->op, &o, v[i], err);
    }
    if (rows_out_close(s, &o, rc, &run, err) < 0)
        return rc < 0 ? rc : -(int)err->code;
    outs_add(s, &run);
    return 0;
}

/* ---- the merge ---- */

/* One thread of the merge: its chunk of merged groups, what select() kept so far. */
struct worker {
    struct memacct *acct; /* the thread's share (a child of the budget): chunk and kept tables */
    struct htab *chunk;
    struct htab *kept;
    size_t kept_max; /* reduce `kept` with select() when the thread holds more bytes than this */
    struct htab_entry **sel;
    size_t cap_sel;
    uint8_t *tmp; /* a zeroed state block to load into */
    uint64_t groups, passed;
    int all; /* keep every group (spill.no_select) */
};

static void
release_table(const struct op *op, struct htab *t, struct memacct *acct)
{
    if (t == NULL)
        return;
    op_release_all(op, t, acct);
    htab_destroy(t);
}

/* Moves entry `e` (its state: ownership too) into `dst`. 0 or -ERR_LIMIT. */
static int
move_entry(const struct op *op, struct htab *dst, struct htab_entry *e, struct err *err)
{
    int is_new;
    struct htab_entry *d =
        htab_upsert(dst, entry_key(e, op->val_len), e->key_len, e->hash, &is_new, err);

    if (d == NULL)
        return -ERR_LIMIT;
    if (!is_new)
        return ERR_SET(err, ERR_INTERNAL, "spill: a group merged twice");
    memcpy(htab_entry_val(d), htab_entry_val(e), op->val_len);
    memset(htab_entry_val(e), 0, op->val_len);
    return 0;
}

/*
 * The groups of `*from` that select() keeps move into `*into` (a new table
 * when *into is NULL); the rest are released and *from destroyed (and, when
 * `fresh`, remade empty). count: add the groups to the totals.
 */
static int
keep_selected(const struct op *op, struct worker *w, struct htab **from, struct htab **into,
              int count, int fresh, struct err *err)
{
    size_t n = htab_count(*from), nkeep = 0, passed = 0;
    int rc = 0;

    if (n > w->cap_sel) {
        mem_free(w->sel);
        w->cap_sel = n + n / 2;
        w->sel = mem_alloc(w->cap_sel * sizeof(*w->sel));
    }
    if (op->select != NULL && !w->all) {
        rc = op->select(op, *from, 1, w->sel, &nkeep, &passed, err);
    } else {
        for (unsigned p = 0; p < HTAB_PARTS; p++)
            for (size_t i = 0; i < htab_part_cap(*from, p); i++)
                if (htab_part_slot(*from, p, i) != NULL)
                    w->sel[nkeep++] = htab_part_slot(*from, p, i);
        passed = nkeep;
    }
    if (count) {
        w->groups += n;
        w->passed += passed;
    }
    if (rc == 0 && *into == NULL) {
        *into = htab_create(op->val_len, w->acct, err);
        if (*into == NULL)
            rc = -ERR_LIMIT;
    }
    for (size_t i = 0; i < nkeep && rc == 0; i++)
        rc = move_entry(op, *into, w->sel[i], err);
    release_table(op, *from, w->acct);
    *from = NULL;
    if (fresh && rc == 0) {
        *from = htab_create(op->val_len, w->acct, err);
        if (*from == NULL)
            rc = -ERR_LIMIT;
    }
    return rc;
}

/*
 * A streamed output's chunk is full (or the merge done): its groups passing --having, in the
 * output's order (select() with no --limit), go to an output run; the chunk is released.
 */
static int
flush_rows(struct spill *s, struct worker *w, int fresh, struct err *err)
{
    const struct op *op = s->op;
    size_t n = htab_count(w->chunk), nkeep = 0, passed = 0;
    int rc;

    if (n > w->cap_sel) {
        mem_free(w->sel);
        w->cap_sel = n + n / 2;
        w->sel = mem_alloc(w->cap_sel * sizeof(*w->sel));
    }
    rc = op->select(op, w->chunk, 1, w->sel, &nkeep, &passed, err);
    w->groups += n;
    w->passed += passed;
    if (rc == 0 && nkeep > 0)
        rc = write_rows(s, w->sel, nkeep, err);
    release_table(op, w->chunk, w->acct);
    w->chunk = NULL;
    if (fresh && rc == 0) {
        w->chunk = htab_create(op->val_len, w->acct, err);
        if (w->chunk == NULL)
            rc = -ERR_LIMIT;
    }
    return rc;
}

/* The chunk is full (or the merge done): keep what select() keeps, reduce `kept` when big. */
static int
flush_chunk(struct spill *s, struct worker *w, int fresh, struct err *err)
{
    const struct op *op = s->op;
    int rc;

    if (s->stream)
        return htab_count(w->chunk) == 0 && fresh ? 0 : flush_rows(s, w, fresh, err);

    if (htab_count(w->chunk) == 0 && fresh)
        return 0;
    rc = keep_selected(op, w, &w->chunk, &w->kept, 1, fresh, err);
    if (rc == 0 && w->kept != NULL && memacct_used(w->acct) > w->kept_max) {
        struct htab *into = NULL;

        rc = keep_selected(op, w, &w->kept, &into, 0, 0, err);
        w->kept = into;
        if (rc == 0 && memacct_used(w->acct) > w->kept_max / 2)
            w->kept_max = 2 * memacct_used(w->acct); /* select() keeps most: reduce less often */
    }
    return rc;
}

/* A cursor over one run's block of the partition being merged. */
struct cur {
    struct partial_block_reader r;
    struct partial_entry e;
};

static inline int
cur_cmp(const struct cur *a, const struct cur *b)
{
    if (a->e.hash != b->e.hash)
        return a->e.hash < b->e.hash ? -1 : 1;
    return partial_key_cmp(a->e.hash, a->e.key, a->e.key_len, b->e.hash, b->e.key, b->e.key_len);
}

static void
heap_down(struct cur **h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        struct cur *t;

        if (l < n && cur_cmp(h[l], h[m]) < 0)
            m = l;
        if (l + 1 < n && cur_cmp(h[l + 1], h[m]) < 0)
            m = l + 1;
        if (m == i)
            return;
        t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

/*
 * merge_part()'s loop for an operation with merge_saved(): every run's state of the
 * smallest key is gathered (each stays in its reader's buffer), then made whole and
 * compacted at once, so no distinct set is ever built. h[0..n) is a heap.
 */
static int
merge_part_saved(struct spill *s, struct worker *w, struct cur **h, size_t n, size_t share,
                 struct err *err)
{
    const struct op *op = s->op;
    const uint8_t **st = mem_calloc(n + 1, sizeof(*st));
    size_t *len = mem_calloc(n + 1, sizeof(*len));
    struct cur **same = mem_calloc(n + 1, sizeof(*same));
    int rc = 0;

    while (n > 0 && rc == 0) {
        const struct partial_entry *min = &h[0]->e;
        struct htab_entry *g;
        size_t k = 0;
        int is_new;

        for (size_t i = 0; i < n; i++)
            if (cur_cmp(h[i], h[0]) == 0) {
                same[k] = h[i];
                st[k] = h[i]->e.state;
                len[k++] = h[i]->e.state_len;
            }
        g = htab_upsert(w->chunk, min->key, min->key_len, min->hash, &is_new, err);
        if (g == NULL) {
            rc = -ERR_LIMIT;
            break;
        }
        if (!is_new) {
            rc = ERR_SET(err, ERR_INTERNAL, "spill: a group merged twice");
            break;
        }
        rc = op->merge_saved(op, htab_entry_val(g), st, len, k, w->acct, err);
        for (size_t j = 0; j < k && rc == 0; j++) {
            rc = partial_block_next(&same[j]->r, &same[j]->e, err);
            if (rc == 0) { /* this run's block is done: out of the heap */
                for (size_t i = 0; i < n; i++)
                    if (h[i] == same[j]) {
                        h[i] = h[--n];
                        break;
                    }
            } else if (rc == 1) {
                rc = 0;
            }
        }
        for (size_t i = n / 2; i-- > 0 && rc == 0;)
            heap_down(h, n, i);
        if (rc == 0 && memacct_used(w->acct) > share)
            rc = flush_chunk(s, w, 1, err);
    }
    mem_free(st);
    mem_free(len);
    mem_free(same);
    return rc < 0 ? rc : 0;
}

/* Merges partition p of every run into w's chunk. 0 or -code. */
static int
merge_part(struct spill *s, struct worker *w, unsigned p, size_t share, size_t chunk,
           struct err *err)
{
    const struct op *op = s->op;
    struct cur *cs = mem_calloc(s->nruns + 1, sizeof(*cs));
    struct cur **h = mem_calloc(s->nruns + 1, sizeof(*h));
    size_t n = 0, opened = 0;
    int rc = 0;

    for (size_t i = 0; i < s->nruns && rc == 0; i++) {
        if (s->runs[i].at[p] == 0)
            continue;
        rc = partial_block_open(&cs[opened].r, s->runs[i].fd, s->name, s->runs[i].at[p], p, chunk,
                                err);
        opened++;
        if (rc == 0) {
            rc = partial_block_next(&cs[opened - 1].r, &cs[opened - 1].e, err);
            if (rc == 1) {
                h[n++] = &cs[opened - 1];
                rc = 0;
            } else if (rc == 0) {
                rc = ERR_SET(err, ERR_FORMAT, "%s: an empty block", s->name);
            }
        }
    }
    for (size_t i = n / 2; i-- > 0 && rc == 0;)
        heap_down(h, n, i);
    if (op->merge_saved != NULL && op->compact != NULL && !w->all) {
        rc = merge_part_saved(s, w, h, n, share, err);
        n = 0;
    }
    while (n > 0 && rc == 0) {
        struct cur *c = h[0];
        struct htab_entry *g;
        int is_new, first = 1;

        g = htab_upsert(w->chunk, c->e.key, c->e.key_len, c->e.hash, &is_new, err);
        if (g == NULL) {
            rc = -ERR_LIMIT;
            break;
        }
        if (!is_new) {
            rc = ERR_SET(err, ERR_INTERNAL, "spill: a group merged twice");
            break;
        }
        /* every run's state of this key, one after the other */
        while (n > 0 && rc == 0) {
            c = h[0];
            if (!first && (c->e.hash != g->hash || c->e.key_len != g->key_len ||
                           memcmp(c->e.key, entry_key(g, op->val_len), g->key_len) != 0))
                break;
            if (first) {
                rc = op->load(op, htab_entry_val(g), c->e.state, c->e.state_len, w->acct, err);
            } else {
                memset(w->tmp, 0, op->val_len);
                rc = op->load(op, w->tmp, c->e.state, c->e.state_len, w->acct, err);
                if (rc == 0)
                    rc = op->merge(op, htab_entry_val(g), w->tmp, w->acct, err);
                else
                    op->release(op, w->tmp, w->acct);
            }
            first = 0;
            if (rc < 0)
                break;
            rc = partial_block_next(&c->r, &c->e, err);
            if (rc == 1) {
                rc = 0;
                heap_down(h, n, 0);
            } else if (rc == 0) {
                h[0] = h[--n];
                heap_down(h, n, 0);
            }
        }
        if (rc == 0 && op->compact != NULL && !w->all) /* whole now: finish() is next */
            op->compact(op, htab_entry_val(g), w->acct);
        if (rc == 0 && memacct_used(w->acct) > share)
            rc = flush_chunk(s, w, 1, err);
    }
    for (size_t i = 0; i < opened; i++)
        partial_block_fini(&cs[i].r);
    mem_free(cs);
    mem_free(h);
    return rc < 0 ? rc : 0;
}

int
spill_finish(struct spill *s, struct memacct *waccts, int threads, size_t share, struct htab **out,
             uint64_t *groups, uint64_t *passed, struct err *err)
{
    const struct op *op = s->op;
    struct worker *ws;
    struct err *errs;
    atomic_bool stop = false;
    size_t chunk, most = 0;
    int rc = 0, big = 0;

    *out = NULL;
    *groups = *passed = 0;
    if (!s->no_select && op->select != NULL && op->order_create != NULL) {
        void *o = op->order_create(op, 1);

        s->stream = o != NULL; /* every group passing --having is printed: the rows stream */
        if (o != NULL)
            op->order_destroy(o);
    }
    /* each thread reads every run's block at once: a sixteenth of its share for those buffers */
    chunk = share / 16 / (s->nruns ? s->nruns : 1);
    chunk = chunk > READ_CHUNK_MAX   ? READ_CHUNK_MAX
            : chunk < READ_CHUNK_MIN ? READ_CHUNK_MIN
                                     : chunk;
    ws = mem_calloc((size_t)threads, sizeof(*ws));
    errs = mem_calloc((size_t)threads, sizeof(*errs));
    for (int t = 0; t < threads && rc == 0; t++) {
        err_init(&errs[t]);
        ws[t].acct = &waccts[t];
        ws[t].chunk = htab_create(op->val_len, ws[t].acct, err);
        ws[t].kept_max = share / 2;
        ws[t].all = s->no_select;
        ws[t].tmp = mem_calloc(1, op->val_len + 8);
        if (ws[t].chunk == NULL)
            rc = -ERR_LIMIT;
    }
    if (rc == 0) {
#pragma omp parallel for default(none) num_threads(threads) schedule(dynamic, 1) \
    shared(s, ws, errs, stop, share, chunk)
        for (unsigned p = 0; p < HTAB_PARTS; p++) {
            int t = omp_get_thread_num();

            if (atomic_load_explicit(&stop, memory_order_relaxed))
                continue;
            if (merge_part(s, &ws[t], p, share, chunk, &errs[t]) < 0)
                atomic_store_explicit(&stop, true, memory_order_relaxed);
        }
        if (rc == 0)
            rc = err_first(errs, threads, err);
    }
    /* every thread's last chunk; then the biggest kept table takes in the others' */
    for (int t = 0; t < threads && rc == 0; t++)
        if (ws[t].chunk != NULL)
            rc = flush_chunk(s, &ws[t], 0, err);
    for (int t = 0; t < threads; t++)
        if (ws[t].kept != NULL && htab_count(ws[t].kept) > most) {
            most = htab_count(ws[t].kept);
            big = t;
        }
    if (rc == 0) {
        *out = ws[big].kept;
        ws[big].kept = NULL;
        if (*out == NULL && (*out = htab_create(op->val_len, &waccts[0], err)) == NULL)
            rc = -ERR_LIMIT;
    }
    for (int t = 0; t < threads; t++) {
        struct htab *k = ws[t].kept;

        for (unsigned p = 0; p < HTAB_PARTS && k != NULL && rc == 0; p++)
            for (size_t i = 0; i < htab_part_cap(k, p) && rc == 0; i++)
                if (htab_part_slot(k, p, i) != NULL)
                    rc = move_entry(op, *out, htab_part_slot(k, p, i), err);
        /* what was moved is zeroed (releasing it is a no-op) */
        release_table(op, ws[t].chunk, ws[t].acct);
        release_table(op, ws[t].kept, ws[t].acct);
        *groups += ws[t].groups;
        *passed += ws[t].passed;
        mem_free(ws[t].sel);
        mem_free(ws[t].tmp);
    }
    mem_free(ws);
    mem_free(errs);
    if (rc == -ERR_LIMIT) {
        char lim[MEMACCT_TEXT_MAX];

        memacct_limit_text(waccts[0].parent != NULL ? waccts[0].parent->limit : 0, lim,
                           sizeof(lim));
        ERR_SET(err, ERR_LIMIT,
                "memory limit of %s reached (--mem-limit) merging the spilled tables: the "
                "groups the output holds must fit (every group with --limit 0, or for dns-hunt); "
                "raise --mem-limit or set a --limit",
                lim);
    }
    return rc;
}

/* ---- a streamed output's rows: a merge of the output runs ---- */

#define ROWS_BATCH 4096 /* groups laid out at once, at most */

struct spill_cur {
    struct partial_block_reader r;
    struct partial_entry e;
    struct htab_entry *g; /* the run's current group, in rows->heads */
};

static void
rows_heap_down(struct spill_rows *r, size_t i)
{
    const struct op *op = r->s->op;

    for (;;) {
        size_t l = 2 * i + 1, m = i, t;

        if (l < r->n && op->order_cmp(r->order, r->heap[l], r->heap[m]) < 0)
            m = l;
        if (l + 1 < r->n && op->order_cmp(r->order, r->heap[l + 1], r->heap[m]) < 0)
            m = l + 1;
        if (m == i)
            return;
        t = r->heap[i];
        r->heap[i] = r->heap[m];
        r->heap[m] = t;
        i = m;
    }
}

/* Heads left behind (moved out, zeroed) fill r->heads: the live ones move to a new table. */
static int
rows_compact(struct spill_rows *r, size_t skip, struct err *err)
{
    const struct op *op = r->s->op;
    struct htab *t = htab_create(op->val_len, r->acct, err);
    int rc = t == NULL ? -ERR_LIMIT : 0;

    for (size_t i = 0; i < r->n && rc == 0; i++) {
        size_t slot = r->heap[i];
        struct htab_entry *g;
        int is_new;

        if (slot == skip)
            continue;
        g = htab_upsert(t, entry_key(r->c[slot].g, op->val_len), r->c[slot].g->key_len,
                        r->c[slot].g->hash, &is_new, err);
        if (g == NULL) {
            rc = -ERR_LIMIT;
            break;
        }
        memcpy(htab_entry_val(g), htab_entry_val(r->c[slot].g), op->val_len);
        memset(htab_entry_val(r->c[slot].g), 0, op->val_len);
        r->c[slot].g = g;
        rc = op->order_set(r->order, slot, g, err);
    }
    release_table(op, r->heads, r->acct);
    r->heads = t;
    return rc;
}

/* Slot `slot`'s run's current group (r->c[slot].e) loaded as its head. 0 or -code. */
static int
rows_load(struct spill_rows *r, size_t slot, struct err *err)
{
    const struct op *op = r->s->op;
    struct spill_cur *c = &r->c[slot];
    int is_new, rc;
    struct htab_entry *g = htab_upsert(r->heads, c->e.key, c->e.key_len, c->e.hash, &is_new, err);

    if (g == NULL)
        return -ERR_LIMIT;
    if (!is_new)
        return ERR_SET(err, ERR_INTERNAL, "spill: a group in two output runs");
    c->g = g;
    rc = op->load(op, htab_entry_val(g), c->e.state, c->e.state_len, r->acct, err);
    if (rc == 0)
        rc = op->order_set(r->order, slot, g, err);
    return rc;
}

/* The head of slot heap[0] was taken: its run's next group (or the run leaves the heap). */
static int
rows_advance(struct spill_rows *r, struct err *err)
{
    size_t slot = r->heap[0];
    int rc = partial_block_next(&r->c[slot].r, &r->c[slot].e, err);

    if (rc < 0)
        return rc;
    if (rc == 0) {
        r->heap[0] = r->heap[--r->n];
    } else {
        /* heads taken stay in the table's arena: compacted when they pass a few thousand,
         * or when the table takes more than half the share */
        if (htab_count(r->heads) > r->n + r->n / 2 + 16 &&
            (htab_count(r->heads) > 4 * SPILL_FANIN + 4096 ||
             memacct_used(r->acct) > r->share / 2) &&
            (rc = rows_compact(r, slot, err)) < 0)
            return rc;
        if ((rc = rows_load(r, slot, err)) < 0)
            return rc;
    }
    if (r->n > 1)
        rows_heap_down(r, 0);
    return 0;
}

static void
rows_stop(struct spill_rows *r)
{
    const struct op *op = r->s->op;

    for (size_t i = 0; r->c != NULL && i < SPILL_FANIN; i++)
        partial_block_fini(&r->c[i].r);
    mem_free(r->c);
    r->c = NULL;
    mem_free(r->heap);
    r->heap = NULL;
    r->n = 0;
    release_table(op, r->heads, r->acct);
    r->heads = NULL;
}

/* Starts the merge of runs[0..k) (k <= SPILL_FANIN). 0 or -code. */
static int
rows_start(struct spill_rows *r, const struct spill_run *runs, size_t k, struct err *err)
{
    const struct op *op = r->s->op;
    int rc = 0;

    r->c = mem_calloc(SPILL_FANIN, sizeof(*r->c));
    r->heap = mem_calloc(SPILL_FANIN, sizeof(*r->heap));
    r->n = 0;
    r->heads = htab_create(op->val_len, r->acct, err);
    if (r->heads == NULL)
        return -ERR_LIMIT;
    for (size_t i = 0; i < k && rc == 0; i++) {
        if (runs[i].at[0] == 0)
            continue;
        rc =
            partial_block_open(&r->c[i].r, runs[i].fd, r->s->name, runs[i].at[0], 0, r->chunk, err);
        r->c[i].r.any_order = 1;
        if (rc == 0)
            rc = partial_block_next(&r->c[i].r, &r->c[i].e, err);
        if (rc == 1) {
            r->heap[r->n++] = i;
            rc = rows_load(r, i, err);
        }
    }
    for (size_t i = r->n / 2; i-- > 0 && rc == 0;)
        rows_heap_down(r, i);
    return rc < 0 ? rc : 0;
}

/* Merges the first SPILL_FANIN output runs into one. 0 or -code. */
static int
rows_cascade(struct spill_rows *r, struct err *err)
{
    struct spill *s = r->s;
    const struct op *op = s->op;
    struct rows_out o;
    struct spill_run run;
    int rc = rows_start(r, s->outs, SPILL_FANIN, err);

    if (rc == 0)
        rc = rows_out_open(s, &o, err);
    else
        o.fd = -1;
    while (rc == 0 && r->n > 0) {
        struct htab_entry *g = r->c[r->heap[0]].g;

        rc = rows_out_put(op, &o, g, err);
        op->release(op, htab_entry_val(g), r->acct);
        memset(htab_entry_val(g), 0, op->val_len);
        if (rc == 0)
            rc = rows_advance(r, err);
    }
    rows_stop(r);
    if (o.fd >= 0 && rows_out_close(s, &o, rc, &run, err) < 0 && rc == 0)
        rc = -(int)err->code;
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < SPILL_FANIN; i++)
        close(s->outs[i].fd);
    memmove(s->outs, s->outs + SPILL_FANIN, (s->nouts - SPILL_FANIN) * sizeof(*s->outs));
    s->nouts -= SPILL_FANIN;
    outs_add(s, &run);
    return 0;
}

int
spill_rows_open(struct spill_rows *r, struct spill *s, struct memacct *acct, size_t share,
                struct err *err)
{
    int rc = 0;

    memset(r, 0, sizeof(*r));
    r->s = s;
    r->acct = acct;
    r->share = share;
    r->chunk = share / 16 / SPILL_FANIN;
    r->chunk = r->chunk > READ_CHUNK_MAX   ? READ_CHUNK_MAX
               : r->chunk < READ_CHUNK_MIN ? READ_CHUNK_MIN
                                           : r->chunk;
    r->order = s->op->order_create(s->op, SPILL_FANIN);
    if (r->order == NULL)
        return ERR_SET(err, ERR_INTERNAL, "spill: the output does not stream");
    while (rc == 0 && s->nouts > SPILL_FANIN)
        rc = rows_cascade(r, err);
    if (rc == 0)
        rc = rows_start(r, s->outs, s->nouts, err);
    return rc;
}

int
spill_rows_rewind(struct spill_rows *r, struct err *err)
{
    const struct op *op = r->s->op;

    if (r->have_out)
        op->output_fini(op, &r->out);
    r->have_out = 0;
    release_table(op, r->batch, r->acct);
    r->batch = NULL;
    rows_stop(r);
    return rows_start(r, r->s->outs, r->s->nouts, err);
}

int
spill_rows_next(struct spill_rows *r, const struct out_table **t, struct err *err)
{
    const struct op *op = r->s->op;
    size_t count = 0;
    int rc = 0;

    if (r->have_out)
        op->output_fini(op, &r->out);
    r->have_out = 0;
    release_table(op, r->batch, r->acct);
    r->batch = NULL;
    if (r->n == 0)
        return 0;
    r->batch = htab_create(op->val_len, r->acct, err);
    if (r->batch == NULL)
        return -ERR_LIMIT;
    while (rc == 0 && r->n > 0 &&
           (count == 0 || (count < ROWS_BATCH && memacct_used(r->acct) < r->share))) {
        rc = move_entry(op, r->batch, r->c[r->heap[0]].g, err);
        if (rc == 0)
            rc = rows_advance(r, err);
        count++;
    }
    if (rc == 0) {
        /* the batch is a stretch of the output's order: finish() lays it out in that order */
        rc = op->finish(op, r->batch, 1, &r->out, err);
        r->have_out = 1;
    }
    if (rc < 0)
        return rc;
    *t = &r->out.table;
    return 1;
}

void
spill_rows_close(struct spill_rows *r)
{
    const struct op *op;

    if (r->s == NULL)
        return;
    op = r->s->op;
    if (r->have_out)
        op->output_fini(op, &r->out);
    release_table(op, r->batch, r->acct);
    rows_stop(r);
    if (r->order != NULL)
        op->order_destroy(r->order);
    memset(r, 0, sizeof(*r));
}
