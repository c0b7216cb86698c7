/*
 * memacct.c - see memacct.h.
 */
#include "memacct.h"

void
memacct_init(struct memacct *a, size_t limit)
{
    atomic_init(&a->used, 0);
    atomic_init(&a->peak, 0);
    a->limit = limit;
    a->parent = NULL;
}

void
memacct_init_child(struct memacct *a, struct memacct *parent)
{
    memacct_init(a, 0);
    a->parent = parent;
}

size_t
memacct_used(const struct memacct *a)
{
    return atomic_load_explicit(&a->used, memory_order_relaxed);
}

int
memacct_charge(struct memacct *a, size_t n, struct err *err)
{
    if (a->parent != NULL) {
        if (memacct_charge(a->parent, n, err) < 0)
            return -ERR_LIMIT;
        atomic_fetch_add_explicit(&a->used, n, memory_order_relaxed);
        return 0;
    }
    size_t now = atomic_fetch_add_explicit(&a->used, n, memory_order_relaxed) + n;
    size_t peak = atomic_load_explicit(&a->peak, memory_order_relaxed);

    if (a->limit && now > a->limit) {
        atomic_fetch_sub_explicit(&a->used, n, memory_order_relaxed);
        return ERR_SET(err, ERR_LIMIT,
                       "memory limit of %zu %s reached (--mem-limit): the group tables need more; "
                       "raise --mem-limit, narrow the time window or the filter",
                       a->limit >= (1u << 20) ? a->limit >> 20 : a->limit >> 10,
                       a->limit >= (1u << 20) ? "MiB" : "KiB");
    }
    while (now > peak && !atomic_compare_exchange_weak_explicit(
                             &a->peak, &peak, now, memory_order_relaxed, memory_order_relaxed))
        ;
    return 0;
}

void
memacct_release(struct memacct *a, size_t n)
{
    atomic_fetch_sub_explicit(&a->used, n, memory_order_relaxed);
    if (a->parent != NULL)
        memacct_release(a->parent, n);
}
