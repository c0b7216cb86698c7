/*
 * hunt_op.c - see hunt_op.h: hunt.c's fold, merge and finish behind op.h.
 */
#include "hunt_op.h"

#include <stddef.h>
#include <string.h>

#include "domain.h"
#include "keypack.h"
#include "mem.h"

struct hunt_op {
    struct op op; /* first: a struct op * is a struct hunt_op * */
    struct hunt hunt;
    struct domain_list *dl;
    uint64_t limit;
};

struct op_scratch {
    struct keybuf key;
    struct hunt_scratch hunt;
};

static struct op_scratch *
scratch_create(const struct op *op)
{
    (void)op;
    return mem_calloc(1, sizeof(struct op_scratch));
}

static void
scratch_destroy(struct op_scratch *s)
{
    if (s == NULL)
        return;
    keybuf_fini(&s->key);
    hunt_scratch_fini(&s->hunt);
    mem_free(s);
}

/* Each flow is one record, always kept: hunt_fold() picks the DNS flows itself. */
static int
fold(const struct op *op, struct op_scratch *s, struct htab *t, const struct flow *flows, size_t n,
     struct op_counts *c, struct memacct *acct, struct err *err)
{
    const struct hunt *h = op->ctx;

    for (size_t i = 0; i < n; i++) {
        int rc;

        c->records++;
        c->kept++;
        rc = hunt_fold(h, t, &s->key, &s->hunt, &flows[i], acct, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int
merge(const struct op *op, uint8_t *dst, uint8_t *src, struct memacct *acct, struct err *err)
{
    (void)op;
    return hunt_merge(dst, src, acct, err);
}

static int
finish(const struct op *op, const struct htab *t, int threads, struct op_output *out,
       struct err *err)
{
    const struct hunt_op *ho = (const struct hunt_op *)op;
    struct hunt_result *res = mem_calloc(1, sizeof(*res));
    int rc;

    (void)threads;
    memset(out, 0, sizeof(*out));
    out->priv = res;
    rc = hunt_finish(&ho->hunt, t, ho->limit, res, err);
    if (rc < 0)
        return rc;
    out->table = res->table;
    out->groups = res->groups;
    return 0;
}

static void
output_fini(const struct op *op, struct op_output *out)
{
    (void)op;
    if (out->priv != NULL) {
        hunt_result_fini(out->priv);
        mem_free(out->priv);
    }
    memset(out, 0, sizeof(*out));
}

static void
release(const struct op *op, uint8_t *val, struct memacct *acct)
{
    (void)op;
    hunt_release(val, acct);
}

/*
 * struct hunt_val is a run of uint64_t counters, then distinct sets of these
 * item widths, in this order; save() writes both runs in struct order (a
 * change of struct hunt_val changes the saved format: the asserts say when).
 */
static const size_t set_width[] = {17, 16, 8, 8, 8}; /* clients names hours times domains */
#define NSETS     (sizeof(set_width) / sizeof(set_width[0]))
#define NCOUNTERS (offsetof(struct hunt_val, clients) / sizeof(uint64_t))
_Static_assert(offsetof(struct hunt_val, clients) % sizeof(uint64_t) == 0, "counters first");
_Static_assert(sizeof(struct hunt_val) ==
                   offsetof(struct hunt_val, clients) + NSETS * sizeof(struct dset),
               "hunt_val: set_width[] lists every distinct set");

/* set_at() - the i-th distinct set of the hunt_val at `val`. */
static struct dset *
set_at(const uint8_t *val, size_t i)
{
    return (struct dset *)(uintptr_t)(val + offsetof(struct hunt_val, clients) +
                                      i * sizeof(struct dset));
}

static int
save(const struct op *op, const uint8_t *val, struct op_bytes *out, struct err *err)
{
    const uint8_t version = OP_STATE_VERSION;

    (void)op;
    op_bytes_put(out, &version, 1);
    for (size_t i = 0; i < NCOUNTERS; i++) {
        uint64_t c;

        memcpy(&c, val + i * sizeof(uint64_t), sizeof(c));
        op_bytes_u64(out, c);
    }
    for (size_t i = 0; i < NSETS; i++)
        if (op_save_dset(set_at(val, i), set_width[i], out, err) < 0)
            return -ERR_INTERNAL;
    return 0;
}

static int
load(const struct op *op, uint8_t *val, const uint8_t *p, size_t len, struct memacct *acct,
     struct err *err)
{
    const uint8_t *end = p + len;

    (void)op;
    if (len < 1 || p[0] != OP_STATE_VERSION)
        return ERR_SET(err, ERR_FORMAT, "saved state: version %d, not %d", len ? p[0] : -1,
                       OP_STATE_VERSION);
    p++;
    for (size_t i = 0; i < NCOUNTERS; i++) {
        uint64_t c;

        if (op_read_u64(&p, end, &c, "dns-hunt counter", err) < 0)
            return -ERR_FORMAT;
        memcpy(val + i * sizeof(uint64_t), &c, sizeof(c));
    }
    for (size_t i = 0; i < NSETS; i++)
        if (op_load_dset(set_at(val, i), set_width[i], &p, end, acct, err) < 0)
            return -(int)err->code;
    if (p != end)
        return ERR_SET(err, ERR_FORMAT, "saved state: %zu bytes left over", (size_t)(end - p));
    return 0;
}

struct op *
hunt_op_create(const struct hunt_opts *o, uint64_t limit, struct err *err)
{
    struct hunt_op *ho;
    struct domain_list *dl = domain_list_load(err);

    if (dl == NULL)
        return NULL;
    hunt_init_tables();
    ho = mem_calloc(1, sizeof(*ho));
    ho->hunt.o = *o;
    ho->hunt.dl = dl;
    ho->dl = dl;
    ho->limit = limit;
    ho->op.name = "dns-hunt";
    ho->op.val_len = (uint32_t)sizeof(struct hunt_val);
    ho->op.ctx = &ho->hunt;
    ho->op.scratch_create = scratch_create;
    ho->op.scratch_destroy = scratch_destroy;
    ho->op.fold = fold;
    ho->op.merge = merge;
    ho->op.finish = finish;
    ho->op.output_fini = output_fini;
    ho->op.release = release;
    ho->op.save = save;
    ho->op.load = load;
    return &ho->op;
}

void
hunt_op_destroy(struct op *op)
{
    struct hunt_op *ho = (struct hunt_op *)op;

    if (ho == NULL)
        return;
    domain_list_free(ho->dl);
    mem_free(ho);
}
