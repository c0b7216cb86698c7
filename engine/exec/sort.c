/*
 * sort.c - see sort.h.
 */
#include "sort.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "agg.h"
#include "keypack.h"
#include "mem.h"
#include "merge.h"
#include "op.h"

#define NO_TEXT SIZE_MAX

struct row {
    struct htab_entry *e;
    uint64_t order;    /* the order column's value when it is a number (low 64 bits) */
    uint64_t order_hi; /* its high 64 bits (a sum past 2^64 - 1), else 0 */
    size_t text;       /* offset of the row's tie-break text in sort_ctx.text, or NO_TEXT */
    size_t len;        /* bytes of that text */
    size_t order_len;  /* bytes of it (with its NUL) that are the order column (text orders) */
};

/*
 * A tie on the order value is broken on the other columns' rendered text,
 * column by column. A row's text is rendered once, the first time it ties,
 * as "col\0col\0...": rendered cells are printable ASCII (out.h), so
 * comparing two such strings bytewise is comparing their columns one after
 * the other with strcmp().
 */
struct sort_ctx {
    const struct job *job;
    int order_num; /* order column compares as a number */
    int general;   /* several --order keys, or an avg one: cells compared key by key */
    struct out_cell xc[JOB_MAX_COLS], yc[JOB_MAX_COLS]; /* general: the two rows' cells */
    struct out_str xs, ys;                              /* general: two rendered cells */
    struct out_str cell;                                /* one rendered cell */
    char *text;                                         /* every rendered row text, end to end */
    size_t text_len, text_cap;
    struct out_cell cells[JOB_MAX_COLS];
};

/* Fills cells[] (all columns) for entry `e`. */
static int
row_cells(const struct job *job, struct htab_entry *e, struct out_cell *cells)
{
    const uint8_t *val = htab_entry_val(e);

    if (keypack_cells(job, htab_entry_key(e, job->val_len), e->key_len, cells) < 0)
        return -1;
    for (size_t c = job->nkeys; c < job->ncols; c++)
        cells[c] = agg_cell(job, val, c);
    return 0;
}

static void
text_add_cell(struct sort_ctx *s, const struct out_cell *c)
{
    size_t need;

    out_str_reset(&s->cell);
    out_cell_render(c, &s->cell);
    need = s->text_len + s->cell.len + 1;
    s->text = mem_grow(s->text, &s->text_cap, need, 4096);
    memcpy(s->text + s->text_len, s->cell.p, s->cell.len);
    s->text[s->text_len + s->cell.len] = '\0';
    s->text_len = need;
}

/* Renders the tie-break text of `x` unless it has been already. */
static void
row_text(struct sort_ctx *s, struct row *x)
{
    const struct job *job = s->job;
    int oc = job->order_col;
    size_t start = s->text_len;

    if (x->text != NO_TEXT)
        return;
    row_cells(job, x->e, s->cells); /* the key was checked when the row was made */
    x->order_len = 0;
    if (!s->order_num) {
        text_add_cell(s, &s->cells[oc]);
        x->order_len = s->text_len - start;
    }
    for (size_t i = 0; i < job->ncols; i++)
        if ((int)i != oc)
            text_add_cell(s, &s->cells[i]);
    x->text = start;
    x->len = s->text_len - start;
}

/*
 * Two address cells as --where compares them (docs/query.md, Order): the 16 bytes
 * as a 128-bit number, an IPv4 address as its v4-mapped form ::ffff:a.b.c.d; then
 * an IPv4 address before its v4-mapped IPv6 export (a total order).
 */
static int
addr_cmp(const struct out_cell *x, const struct out_cell *y)
{
    int c = memcmp(x->v.addr.a, y->v.addr.a, 16);

    if (c)
        return c < 0 ? -1 : 1;
    return x->v.addr.family < y->v.addr.family ? -1 : x->v.addr.family > y->v.addr.family;
}

/*
 * The order keys compared one by one (general mode): numbers exactly (an avg
 * as its fraction), addresses as numbers (addr_cmp()), other cells by their
 * rendered text. 0 when all tie.
 */
static int
keys_cmp(struct sort_ctx *s, struct row *x, struct row *y)
{
    const struct job *job = s->job;

    row_cells(job, x->e, s->xc); /* the keys were checked when the rows were made */
    row_cells(job, y->e, s->yc);
    for (size_t k = 0; k < job->norder; k++) {
        int col = job->order_cols[k];
        int c = out_cell_cmp_num(&s->xc[col], &s->yc[col]);

        if (c == 2 && s->xc[col].kind == OUT_ADDR && s->yc[col].kind == OUT_ADDR)
            c = addr_cmp(&s->xc[col], &s->yc[col]);
        if (c == 2) {
            out_str_reset(&s->xs);
            out_str_reset(&s->ys);
            out_cell_render(&s->xc[col], &s->xs);
            out_cell_render(&s->yc[col], &s->ys);
            c = strcmp(s->xs.p, s->ys.p);
        }
        if (c)
            return job->order_descs[k] ? -c : c;
    }
    return 0;
}

static int
row_cmp(struct sort_ctx *s, struct row *x, struct row *y)
{
    const struct job *job = s->job;
    const char *a, *b;
    size_t n;
    int c;

    if (s->general) {
        c = keys_cmp(s, x, y);
        if (c)
            return c;
    } else if (s->order_num && (x->order_hi != y->order_hi || x->order != y->order)) {
        c = x->order_hi != y->order_hi ? (x->order_hi < y->order_hi ? -1 : 1)
                                       : (x->order < y->order ? -1 : 1);
        return job->order_desc ? -c : c;
    }
    row_text(s, x);
    row_text(s, y);
    a = s->text + x->text;
    b = s->text + y->text;
    if (!s->order_num && !s->general) {
        c = strcmp(a, b);
        if (c)
            return job->order_desc ? -c : c;
    }
    a += x->order_len;
    b += y->order_len;
    n = x->len - x->order_len < y->len - y->order_len ? x->len - x->order_len
                                                      : y->len - y->order_len;
    c = memcmp(a, b, n);
    if (c)
        return c;
    c = memcmp(htab_entry_key(x->e, job->val_len), htab_entry_key(y->e, job->val_len),
               x->e->key_len < y->e->key_len ? x->e->key_len : y->e->key_len);
    if (c)
        return c;
    return x->e->key_len < y->e->key_len ? -1 : x->e->key_len > y->e->key_len;
}

/* Stable top-down merge sort with a context (qsort has none in C17). */
static void
merge_sort(struct sort_ctx *s, struct row *v, struct row *tmp, size_t n)
{
    size_t h = n / 2, i = 0, j = h, k = 0;

    if (n < 2)
        return;
    merge_sort(s, v, tmp, h);
    merge_sort(s, v + h, tmp, n - h);
    while (i < h && j < n)
        tmp[k++] = row_cmp(s, &v[j], &v[i]) < 0 ? v[j++] : v[i++];
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof(*v));
}

/* What --having sees of a group. */
struct having_ctx {
    const struct job *job;
    const struct out_cell *cells;
};

static struct expr_val
having_get(const void *ctx, int slot)
{
    const struct having_ctx *h = ctx;
    struct expr_val v = {EXPR_INT, 0, 0, NULL, 0, 0};
    const struct out_cell *c;

    if (slot >= JOB_MAX_COLS) {
        v.i = h->cells[slot - JOB_MAX_COLS].v.list.n;
        return v;
    }
    c = &h->cells[slot];
    if (c->kind == OUT_ADDR) {
        /* The cell holds family then address, contiguous: the 17-byte form. */
        v.kind = EXPR_ADDR;
        v.a = &c->v.addr.family;
        return v;
    }
    if (c->kind == OUT_RATIO) {
        /* avg: sum / count exactly (docs/query.md); the sum below 2^127, as a sum's */
        assert(c->v.r.hi < (UINT64_C(1) << 63));
        v.kind = c->v.r.den ? EXPR_RATIO : EXPR_NULL;
        v.i = (expr_int)c->v.r.hi << 64 | (expr_int)c->v.r.lo;
        v.den = c->v.r.den;
        return v;
    }
    if (c->kind == OUT_U128) {
        /* exact: a sum below 2^127 (it would take 2^63 records to pass it) */
        assert(c->v.w.hi < (UINT64_C(1) << 63));
        v.i = (expr_int)c->v.w.hi << 64 | (expr_int)c->v.w.lo;
        return v;
    }
    v.i = c->v.u;
    return v;
}

static int
u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/*
 * The k-th smallest (from 0) of v[0..n), reordering v: quickselect with a
 * median-of-three pivot, O(n) expected; after 64 rounds that did not narrow
 * the range (an input built to defeat the pivot) the rest is sorted instead.
 */
static uint64_t
select_kth(uint64_t *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;

    for (int round = 0; lo < hi; round++) {
        uint64_t x = v[lo], y = v[lo + (hi - lo) / 2], z = v[hi];
        uint64_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        size_t i = lo, j = hi;

        if (round == 64) {
            qsort(v + lo, hi - lo + 1, sizeof(*v), u64_cmp);
            break;
        }
        /* Hoare: afterwards v[lo..j] <= pivot <= v[i..hi]; what lies between equals it. */
        for (;;) {
            uint64_t t;

            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i >= j)
                break;
            t = v[i];
            v[i] = v[j];
            v[j] = t;
            i++;
            j--;
        }
        if (i == j) { /* both stopped on one element equal to the pivot */
            if (k == i)
                return pivot;
            if (k < i)
                hi = i - 1;
            else
                lo = i + 1;
        } else if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return pivot;
    }
    return v[k];
}

/*
 * Keeps the rows whose order value can be among the first `keep` (all rows
 * tied with the keep-th value stay, the tie-break decides among them);
 * returns the new count. Selecting among the bare integers is cheap next to
 * sorting rows whose ties are broken on rendered text.
 */
static size_t
prune(const struct job *job, struct row *rows, size_t n, size_t keep)
{
    uint64_t *vals;
    uint64_t cut;
    size_t m = 0;

    if (keep >= n)
        return n;
    for (size_t i = 0; i < n; i++)
        if (rows[i].order_hi != 0)
            return n; /* a sum past 2^64 - 1: no cut on 64 bits, all rows are sorted */
    vals = mem_alloc(n * sizeof(*vals));
    for (size_t i = 0; i < n; i++)
        vals[i] = job->order_desc ? ~rows[i].order : rows[i].order;
    cut = select_kth(vals, n, keep - 1);
    mem_free(vals);
    for (size_t i = 0; i < n; i++) {
        uint64_t v = job->order_desc ? ~rows[i].order : rows[i].order;

        if (v <= cut)
            rows[m++] = rows[i];
    }
    return m;
}

/* An empty sort context for `job`: how its order column compares. */
static void
ctx_init(struct sort_ctx *s, const struct job *job)
{
    memset(s, 0, sizeof(*s));
    s->job = job;
    s->general = job->norder > 1 ||
                 (!job->cols[job->order_col].is_key && job->cols[job->order_col].agg == AGG_AVG) ||
                 (job->cols[job->order_col].is_key &&
                  record_field_kind(job->cols[job->order_col].field) == FIELD_KIND_ADDR);
    s->order_num =
        !s->general && (!job->cols[job->order_col].is_key ||
                        record_field_kind(job->cols[job->order_col].field) == FIELD_KIND_NUM);
}

/* Row x of entry e, its order value from its cells. */
static void
row_set(struct row *x, struct htab_entry *e, const struct job *job, int order_num,
        const struct out_cell *cells)
{
    x->e = e;
    x->order = 0;
    x->order_hi = 0;
    if (order_num && cells[job->order_col].kind == OUT_U128) {
        x->order = cells[job->order_col].v.w.lo;
        x->order_hi = cells[job->order_col].v.w.hi;
    } else if (order_num) {
        x->order = cells[job->order_col].v.u;
    }
    x->text = NO_TEXT;
}

/*
 * having_part() - the groups of sub-table p that pass --having, as rows from
 * rows[0]; returns how many, -1 on a malformed key, or -2 with `err` set when
 * --having fails (integer overflow). Entries are visited in
 * slot order, which is random in memory: each is prefetched a few slots ahead.
 */
static long
having_part(const struct job *job, const struct htab *t, unsigned p, int order_num,
            struct row *rows, struct err *err)
{
    struct out_cell cells[JOB_MAX_COLS];
    size_t pc = htab_part_cap(t, p), n = 0;

    for (size_t i = 0; i < pc; i++) {
        struct htab_entry *e = htab_part_slot(t, p, i);

        if (i + 8 < pc) {
            const struct htab_entry *ahead = htab_part_slot(t, p, i + 8);

            if (ahead != NULL) {
                __builtin_prefetch(ahead);
                __builtin_prefetch((const uint8_t *)ahead + 64);
            }
        }
        if (e == NULL)
            continue;
        if (row_cells(job, e, cells) < 0)
            return -1;
        if (job->having) {
            struct having_ctx h = {job, cells};
            int rc = expr_test(job->having, having_get, &h, err);

            if (rc < 0)
                return -2;
            if (rc == 0)
                continue;
        }
        row_set(&rows[n++], e, job, order_num, cells);
    }
    return (long)n;
}

/* having_part() of sub-table p of every table of tabs[0..ntabs), one after the other. */
static long
having_parts(const struct job *job, const struct htab *const *tabs, int ntabs, unsigned p,
             int order_num, struct row *rows, struct err *err)
{
    long n = 0;

    for (int j = 0; j < ntabs; j++) {
        long k = having_part(job, tabs[j], p, order_num, rows + n, err);

        if (k < 0)
            return k;
        n += k;
    }
    return n;
}

/*
 * Having, prune and sort: the first `want` rows of `t` (and of later->rest, the groups
 * merge_run_later() left beside it) in order (all when the job has no limit) into
 * *rows_out (mem_free() it), their count into *n.
 */
static int
sorted_rows(const struct job *job, const struct htab *t, int threads, const struct op *op,
            struct op_later *later, struct row **rows_out, size_t *nrows, size_t *groups,
            size_t *passed, struct err *err)
{
    struct sort_ctx s;
    struct row *rows;
    struct row *tmp;
    const struct htab **tabs;
    int ntabs = 1 + (later != NULL ? later->nrest : 0);
    size_t n = 0, cap = 0, want;
    size_t off[HTAB_PARTS], pass[HTAB_PARTS];
    long kept[HTAB_PARTS];
    size_t top = 0; /* rows each sub-table keeps past --having at most (ties aside); 0: all */
    struct err *perr;
    int bad = 0;

    tabs = mem_alloc((size_t)ntabs * sizeof(*tabs));
    tabs[0] = t;
    for (int j = 1; j < ntabs; j++)
        tabs[j] = later->rest[j - 1];
    for (int j = 0; j < ntabs; j++)
        cap += htab_count(tabs[j]);
    perr = mem_calloc(HTAB_PARTS, sizeof(*perr)); /* --having's failures */
    ctx_init(&s, job);
    rows = mem_alloc((cap ? cap : 1) * sizeof(*rows));
    for (unsigned p = 0; p < HTAB_PARTS; p++) {
        off[p] = n;
        for (int j = 0; j < ntabs; j++)
            n += htab_part_count(tabs[j], p);
    }
    *groups = n;
    if (threads <= 0)
        threads = omp_get_max_threads();
    if (s.order_num && job->limit)
        top = (size_t)job->limit + 1;

        /* sub-table p fills rows[off[p] ..), pruned there to its first `top` (the first `top`
         * overall are among them: a row that is not has `top` rows before it in its own sub-table),
         * on the threads; then the kept rows are closed up in order and pruned again */
#pragma omp parallel for default(none) num_threads(threads) schedule(dynamic, 1) \
    shared(job, tabs, ntabs, s, rows, off, kept, pass, top, perr)
    for (unsigned p = 0; p < HTAB_PARTS; p++) {
        kept[p] = having_parts(job, tabs, ntabs, p, s.order_num, rows + off[p], &perr[p]);
        pass[p] = kept[p] > 0 ? (size_t)kept[p] : 0;
        if (kept[p] > 0 && top)
            kept[p] = (long)prune(job, rows + off[p], (size_t)kept[p], top);
    }
    n = 0;
    *passed = 0;
    for (unsigned p = 0; p < HTAB_PARTS; p++) {
        *passed += pass[p];
        if (kept[p] == -2 && bad != 2) { /* the first sub-table's, for a stable message */
            *err = perr[p];
            err_prefix(err, "--having");
            bad = 2;
        }
        if (kept[p] < 0) {
            bad = bad ? bad : 1;
            continue;
        }
        memmove(rows + n, rows + off[p], (size_t)kept[p] * sizeof(*rows));
        n += (size_t)kept[p];
    }
    mem_free(perr);
    mem_free(tabs);
    if (bad) {
        mem_free(rows);
        if (bad == 2)
            return -(int)err->code;
        return ERR_SET(err, ERR_INTERNAL, "malformed group key");
    }
    want = job->limit ? (size_t)job->limit : n;
    if (s.order_num && job->limit && want < n)
        n = prune(job, rows, n, want + 1);
    if (later != NULL) { /* the rows that may be printed: their distinct sets made whole */
        struct htab_entry **ents = mem_alloc((n ? n : 1) * sizeof(*ents));
        int rc;

        for (size_t i = 0; i < n; i++)
            ents[i] = rows[i].e;
        rc = merge_later_entries(op, later, ents, n, threads, err);
        mem_free(ents);
        if (rc < 0) {
            mem_free(rows);
            mem_free(s.text);
            return rc;
        }
    }
    tmp = mem_alloc((n ? n : 1) * sizeof(*tmp));
    merge_sort(&s, rows, tmp, n);
    mem_free(tmp);
    out_str_fini(&s.cell);
    out_str_fini(&s.xs);
    out_str_fini(&s.ys);
    mem_free(s.text);
    *rows_out = rows;
    *nrows = want > n ? n : want;
    return 0;
}

int
sort_run(const struct job *job, const struct htab *t, int threads, struct sort_result *res,
         struct err *err)
{
    return sort_run_later(job, t, threads, NULL, NULL, res, err);
}

int
sort_run_later(const struct job *job, const struct htab *t, int threads, const struct op *op,
               struct op_later *later, struct sort_result *res, struct err *err)
{
    struct row *rows;
    size_t want;
    int rc;

    memset(res, 0, sizeof(*res));
    rc = sorted_rows(job, t, threads, op, later, &rows, &want, &res->groups, &res->kept, err);
    if (rc < 0)
        return rc;
    res->cells = mem_calloc(want * job->ncols + 1, sizeof(*res->cells));
    for (size_t r = 0; r < want; r++)
        row_cells(job, rows[r].e, res->cells + r * job->ncols);
    mem_free(rows);
    res->table.cells = res->cells;
    res->table.nrows = want;
    res->table.ncols = job->ncols;
    res->table.has_more = res->kept > want;
    res->table.left_out = res->kept - want;
    return 0;
}

int
sort_select(const struct job *job, const struct htab *t, int threads, struct htab_entry **keep,
            size_t *n, size_t *passed, struct err *err)
{
    struct row *rows;
    size_t want, groups;
    int rc = sorted_rows(job, t, threads, NULL, NULL, &rows, &want, &groups, passed, err);

    if (rc < 0)
        return rc;
    for (size_t r = 0; r < want; r++)
        keep[r] = rows[r].e;
    *n = want;
    mem_free(rows);
    return 0;
}

int
sort_rank(const struct job *job, const struct htab *t, int threads, size_t extra,
          struct htab_entry ***pass, size_t *npass, struct htab_entry ***list, size_t *nlist,
          struct err *err)
{
    struct sort_ctx s;
    struct row *rows, *tmp;
    size_t n = 0, cap = htab_count(t), k;
    size_t off[HTAB_PARTS];
    long kept[HTAB_PARTS];
    struct err *perr = mem_calloc(HTAB_PARTS, sizeof(*perr));
    int bad = 0;

    *pass = *list = NULL;
    *npass = *nlist = 0;
    ctx_init(&s, job);
    rows = mem_alloc((cap ? cap : 1) * sizeof(*rows));
    for (unsigned p = 0; p < HTAB_PARTS; p++) {
        off[p] = n;
        n += htab_part_count(t, p);
    }
    if (threads <= 0)
        threads = omp_get_max_threads();
#pragma omp parallel for default(none) num_threads(threads) schedule(dynamic, 1) \
    shared(job, t, s, rows, off, kept, perr)
    for (unsigned p = 0; p < HTAB_PARTS; p++)
        kept[p] = having_part(job, t, p, s.order_num, rows + off[p], &perr[p]);
    n = 0;
    for (unsigned p = 0; p < HTAB_PARTS; p++) {
        if (kept[p] == -2 && bad != 2) {
            *err = perr[p];
            err_prefix(err, "--having");
            bad = 2;
        }
        if (kept[p] < 0) {
            bad = bad ? bad : 1;
            continue;
        }
        memmove(rows + n, rows + off[p], (size_t)kept[p] * sizeof(*rows));
        n += (size_t)kept[p];
    }
    mem_free(perr);
    if (bad) {
        mem_free(rows);
        if (bad == 2)
            return -(int)err->code;
        return ERR_SET(err, ERR_INTERNAL, "malformed group key");
    }
    *pass = mem_alloc((n ? n : 1) * sizeof(**pass));
    for (size_t i = 0; i < n; i++)
        (*pass)[i] = rows[i].e;
    *npass = n;
    k = job->limit && job->limit + extra < n ? (size_t)job->limit + extra : n;
    if (s.order_num && k < n)
        n = prune(job, rows, n, k); /* ties with the k-th stay: sorted below, then cut */
    tmp = mem_alloc((n ? n : 1) * sizeof(*tmp));
    merge_sort(&s, rows, tmp, n);
    mem_free(tmp);
    *list = mem_alloc((k ? k : 1) * sizeof(**list));
    for (size_t i = 0; i < k; i++)
        (*list)[i] = rows[i].e;
    *nlist = k;
    out_str_fini(&s.cell);
    out_str_fini(&s.xs);
    out_str_fini(&s.ys);
    mem_free(s.text);
    mem_free(rows);
    return 0;
}

/* ---- comparing groups one pair at a time (a merge of sorted runs) ---- */

#define ORDER_TEXT_MAX (1u << 20) /* rendered tie-break text kept, at most (then re-rendered) */

struct sort_order {
    struct sort_ctx s;
    struct row *rows; /* one per slot */
    size_t n;
};

struct sort_order *
sort_order_create(const struct job *job, size_t slots)
{
    struct sort_order *o = mem_calloc(1, sizeof(*o));

    ctx_init(&o->s, job);
    o->n = slots;
    o->rows = mem_calloc(slots + 1, sizeof(*o->rows));
    for (size_t i = 0; i < slots; i++)
        o->rows[i].text = NO_TEXT;
    return o;
}

void
sort_order_destroy(struct sort_order *o)
{
    if (o == NULL)
        return;
    out_str_fini(&o->s.cell);
    out_str_fini(&o->s.xs);
    out_str_fini(&o->s.ys);
    mem_free(o->s.text);
    mem_free(o->rows);
    mem_free(o);
}

int
sort_order_set(struct sort_order *o, size_t slot, struct htab_entry *e, struct err *err)
{
    struct out_cell cells[JOB_MAX_COLS];

    if (o->s.text_len > ORDER_TEXT_MAX) { /* the texts of replaced rows: dropped, all re-rendered */
        for (size_t i = 0; i < o->n; i++)
            o->rows[i].text = NO_TEXT;
        o->s.text_len = 0;
    }
    if (row_cells(o->s.job, e, cells) < 0)
        return ERR_SET(err, ERR_INTERNAL, "malformed group key");
    row_set(&o->rows[slot], e, o->s.job, o->s.order_num, cells);
    return 0;
}

int
sort_order_cmp(struct sort_order *o, size_t a, size_t b)
{
    return row_cmp(&o->s, &o->rows[a], &o->rows[b]);
}

void
sort_result_fini(struct sort_result *res)
{
    mem_free(res->cells);
    memset(res, 0, sizeof(*res));
}
