/*
 * cli_progress.c - see cli_progress.h.
 */
#include "cli_progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

double
cli_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
cli_progress_init(struct cli_progress *p, int enabled)
{
    p->enabled = enabled;
    p->t0 = cli_now();
    atomic_flag_clear(&p->busy);
    atomic_init(&p->last, 0.0);
    atomic_init(&p->printed, 0);
}

void
cli_progress_update(void *ctx, const struct sweep_progress *sp)
{
    struct cli_progress *p = ctx;
    double now, el, rate, eta;
    char line[160];
    int n;

    if (!p->enabled)
        return;
    now = cli_now();
    if (now - atomic_load(&p->last) < 0.25 && sp->files_done < sp->files_total)
        return;
    if (atomic_flag_test_and_set(&p->busy))
        return;
    atomic_store(&p->last, now);
    el = now - p->t0;
    rate = el > 0 ? (double)sp->flows / el : 0;
    eta = sp->bytes_done > 0
              ? el * (double)(sp->bytes_total - sp->bytes_done) / (double)sp->bytes_done
              : 0;
    n = snprintf(line, sizeof(line),
                 "\rflowsweep: files %zu/%zu, %.0f/%.0f MB, %.0f flows/s, ETA %.0f s   ",
                 sp->files_done, sp->files_total, (double)sp->bytes_done / 1e6,
                 (double)sp->bytes_total / 1e6, rate, eta);
    if (n > 0 && write(STDERR_FILENO, line, (size_t)n) > 0)
        atomic_store(&p->printed, 1);
    atomic_flag_clear(&p->busy);
}

void
cli_progress_clear(struct cli_progress *p)
{
    static const char blank[] = "\r                                                        "
                                "                         \r";

    if (atomic_load(&p->printed) && write(STDERR_FILENO, blank, sizeof(blank) - 1) < 0)
        return;
    atomic_store(&p->printed, 0);
}
