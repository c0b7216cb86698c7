/*
 * fuzz_partial.c - the partial-state loader (partial.h): arbitrary bytes must
 * be accepted or rejected with a reason, never read out of bounds. Each input
 * is parsed twice: as it is (checksums compared, so almost everything is
 * rejected early), and with checksums not compared, so that the fuzzer reaches
 * the block, entry and trailer checks behind them. Every group of an accepted
 * input is walked, its state loaded by both operations (the group-by job with
 * every aggregate kind, dns-hunt) and released (dns-hunt's also as counts, and
 * merged as counts into the state before it), and its key laid out as the
 * group-by job's output cells (which may refuse it, never overrun it).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "hunt_op.h"
#include "job.h"
#include "keypack.h"
#include "mem.h"
#include "partial.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct job job;
static struct op group;
static struct op *hunt;

static int
u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* 0 when the series x[0..n) and y[0..n) hold the same items (a multiset: the finish reads it
 * sorted, and merge_counts() keeps a merged series ascending where merge() appends). */
static int
times_cmp(const uint64_t *x, const uint64_t *y, size_t n)
{
    uint64_t *a = mem_alloc(n * sizeof(*a)), *b = mem_alloc(n * sizeof(*b));
    int c;

    memcpy(a, x, n * sizeof(*a));
    memcpy(b, y, n * sizeof(*b));
    qsort(a, n, sizeof(*a), u64_cmp);
    qsort(b, n, sizeof(*b), u64_cmp);
    c = memcmp(a, b, n * sizeof(*a));
    mem_free(a);
    mem_free(b);
    return c;
}

/*
 * 0 when dns-hunt states a and b (compact: sets as counts) are equal: counters, the sets'
 * counts, the times series (as multisets) and the hours' counts.
 */
static int
hunt_state_cmp(const uint8_t *a, const uint8_t *b)
{
    const struct hunt_val *x = (const struct hunt_val *)(const void *)a;
    const struct hunt_val *y = (const struct hunt_val *)(const void *)b;

    if (memcmp(x, y, offsetof(struct hunt_val, clients)) != 0 || x->clients.n != y->clients.n ||
        x->names.n != y->names.n || x->hours.n != y->hours.n || x->domains.n != y->domains.n ||
        x->times.n != y->times.n || x->byhr.n != y->byhr.n)
        return 1;
    if (x->times.n && times_cmp(x->times.p, y->times.p, x->times.n) != 0)
        return 1;
    if (x->byhr.n && memcmp(x->byhr.p, y->byhr.p, x->byhr.n * sizeof(*x->byhr.p)) != 0)
        return 1;
    return 0;
}

static void
setup(void)
{
    static int done;
    struct job_text t;
    struct hunt_opts ho;
    struct err err;

    if (done)
        return;
    done = 1;
    memset(&ho, 0, sizeof(ho));
    ho.by = HUNT_BY_DOMAIN_SOURCE;
    ho.len_norm = 40;
    ho.entropy_norm = 4;
    ho.min_names = 1;
    memset(&t, 0, sizeof(t));
    t.group_by = "n=dns.names, t=dns.types, dip, proto";
    t.aggs = "c=count(), s=distinct(sip), p=distinct(sport), lo=min(bytes), hi=max(bytes), "
             "b=sum(bytes)";
    err_init(&err);
    if (job_build(&job, &t, &err) < 0)
        __builtin_trap();
    group_op_init(&group, &job);
    hunt = hunt_op_create(&ho, 0, &err); /* NULL without the Public Suffix List: group only */
}

/*
 * With op->merge_counts(): the state `cur` merged into `prev` (both accepted by load()) by
 * it must leave what load() of both, merge() and compact() leave. `prev` is the state
 * accepted before this one, so that both an item's presence and its absence are counted.
 */
static void
merge_counted(const struct op *op, const uint8_t *prev, size_t prev_len, const uint8_t *cur,
              size_t cur_len)
{
    uint8_t *a = mem_calloc(1, op->val_len + 8), *b = mem_calloc(1, op->val_len + 8);
    uint8_t *c = mem_calloc(1, op->val_len + 8);
    struct memacct acct;
    struct err err;

    memacct_init(&acct, 0);
    err_init(&err);
    if (op->load(op, a, prev, prev_len, &acct, &err) < 0 ||
        op->load(op, b, cur, cur_len, &acct, &err) < 0 || op->merge(op, a, b, &acct, &err) < 0 ||
        op->load(op, c, prev, prev_len, &acct, &err) < 0 ||
        op->merge_counts(op, c, cur, cur_len, &acct, &err) < 0)
        __builtin_trap(); /* each was accepted alone; nothing here may be refused */
    op->compact(op, a, &acct);
    if (hunt_state_cmp(a, c) != 0)
        __builtin_trap();
    op->release(op, a, &acct);
    op->release(op, c, &acct);
    mem_free(a);
    mem_free(b);
    mem_free(c);
}

/*
 * Loads `e`'s state with `op` into a fresh block and releases it. With op->load_counts():
 * that too, which must accept what load() accepts and leave what load() and compact()
 * leave (the same bytes: counters, sets' counts, times, hours). With op->merge_counts():
 * merge_counted() of the state accepted before and this one.
 */
static void
load_state(const struct op *op, const struct partial_entry *e)
{
    uint8_t *val = mem_calloc(1, op->val_len + 8), *cval;
    struct memacct acct;
    struct err err;
    int rc, crc;

    memacct_init(&acct, 0);
    err_init(&err);
    rc = op->load(op, val, e->state, e->state_len, &acct, &err);
    if (rc < 0 && err.msg[0] == '\0')
        __builtin_trap(); /* a refusal says why */
    if (op->load_counts != NULL) {
        cval = mem_calloc(1, op->val_len + 8);
        err_init(&err);
        crc = op->load_counts(op, cval, e->state, e->state_len, &acct, &err);
        if ((crc < 0 && err.msg[0] == '\0') || (rc == 0 && crc < 0))
            __builtin_trap();
        if (rc == 0) {
            op->compact(op, val, &acct);
            if (hunt_state_cmp(val, cval) != 0)
                __builtin_trap();
        }
        op->release(op, cval, &acct);
        mem_free(cval);
    }
    if (op->merge_counts != NULL && rc == 0) {
        static uint8_t *prev;
        static size_t prev_len;

        if (prev != NULL)
            merge_counted(op, prev, prev_len, e->state, e->state_len);
        mem_free(prev);
        prev = mem_alloc(e->state_len + 1);
        memcpy(prev, e->state, e->state_len);
        prev_len = e->state_len;
    }
    op->release(op, val, &acct); /* after a failed load too: what it made is freed */
    mem_free(val);
}

static void
parse(const uint8_t *data, size_t size, unsigned flags)
{
    uint8_t *buf = mem_alloc(size + 1);
    static struct partial p; /* large (messages hold a whole path): off the stack */
    struct partial_cursor c;
    struct partial_entry e;
    struct err err;
    uint64_t groups = 0;
    volatile uint8_t sink = 0;

    if (size)
        memcpy(buf, data, size);
    err_init(&err);
    if (partial_parse(buf, size, flags, &p, &err) == 0 && (flags & PARTIAL_LOAD_HEAD_ONLY)) {
        if (p.info.version != PARTIAL_VERSION)
            __builtin_trap(); /* only the header is checked: its groups are not to be walked */
    } else if (err.code == ERR_OK) {
        memset(&c, 0, sizeof(c));
        while (partial_next(&p, &c, &e)) {
            for (uint32_t i = 0; i < e.key_len; i++)
                sink ^= e.key[i];
            for (uint32_t i = 0; i < e.state_len; i++)
                sink ^= e.state[i];
            if (e.part != htab_part_of(e.hash))
                __builtin_trap();
            if (flags & PARTIAL_LOAD_SKIP_SUMS) {
                struct out_cell cells[JOB_MAX_COLS];

                load_state(&group, &e);
                if (hunt != NULL)
                    load_state(hunt, &e);
                (void)keypack_cells(&job, e.key, e.key_len, cells);
            }
            groups++;
        }
        if (groups != p.info.groups)
            __builtin_trap();
    } else if (err.code != ERR_FORMAT || err.msg[0] == '\0') {
        __builtin_trap(); /* a rejection always says why */
    }
    partial_fini(&p);
    (void)sink;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    parse(data, size, 0);
    parse(data, size, PARTIAL_LOAD_SKIP_SUMS);
    parse(data, size, PARTIAL_LOAD_SKIP_SUMS | PARTIAL_LOAD_ANY_ORDER); /* messages between ranks */
    parse(data, size, PARTIAL_LOAD_HEAD_ONLY);
    return 0;
}
