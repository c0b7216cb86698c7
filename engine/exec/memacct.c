/*
 * memacct.c - see memacct.h.
 */
#include "memacct.h"

#include <stdio.h>

void
memacct_limit_text(size_t bytes, char *buf, size_t cap)
{
    if (bytes >= ((size_t)1 << 20) && bytes % ((size_t)1 << 20) == 0)
        snprintf(buf, cap, "%zu MiB", bytes >> 20);
    else if (bytes < ((size_t)1 << 20) && bytes % 1024 == 0)
        snprintf(buf, cap, "%zu KiB", bytes >> 10);
    else if (bytes >= ((size_t)1 << 20))
        snprintf(buf, cap, "%.2f MiB", (double)bytes / (1024.0 * 1024.0));
    else
        snprintf(buf, cap, "%zu bytes", bytes);
}

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
        char lim[MEMACCT_TEXT_MAX];

        atomic_fetch_sub_explicit(&a->used, n, memory_order_relaxed);
        memacct_limit_text(a->limit, lim, sizeof(lim));
        return ERR_SET(err, ERR_LIMIT,
                       "memory limit of %s reached (--mem-limit): the group tables need more; "
                       "raise --mem-limit, narrow the time window or the filter",
                       lim);
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
