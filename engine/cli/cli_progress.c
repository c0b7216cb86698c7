/*
 * cli_progress.c - see cli_progress.h.
 */
#include "cli_progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define WIDTH_DEFAULT 80  /* columns when stderr is no terminal and COLUMNS is unset */
#define WIDTH_MAX     159 /* the line buffer's room */

double
cli_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
cli_progress_width(void)
{
    struct winsize ws;
    const char *cols = getenv("COLUMNS"); // NOLINT(concurrency-mt-unsafe): read-only environment
    long n;

    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    n = cols != NULL ? strtol(cols, NULL, 10) : 0;
    return n > 0 && n < 10000 ? (int)n : WIDTH_DEFAULT;
}

void
cli_progress_init(struct cli_progress *p, int enabled)
{
    p->enabled = enabled;
    p->width = enabled ? cli_progress_width() : WIDTH_DEFAULT;
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
    char line[WIDTH_MAX + 2];
    int n, room;

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
    /*
     * One column less than the terminal (a full line would wrap on some
     * terminals), padded with spaces over the last line's tail, so a narrow
     * pane shows one line cut short instead of wrapped stale ones.
     */
    room = (p->width > WIDTH_MAX ? WIDTH_MAX : p->width) - 1;
    n = snprintf(line + 1, sizeof(line) - 1,
                 "flowsweep: files %zu/%zu, %.0f/%.0f MB, %.0f flows/s, ETA %.0f s", sp->files_done,
                 sp->files_total, (double)sp->bytes_done / 1e6, (double)sp->bytes_total / 1e6, rate,
                 eta);
    if (n < 0)
        n = 0;
    if (n > room)
        n = room;
    if (room > 0)
        memset(line + 1 + n, ' ', (size_t)(room - n));
    line[0] = '\r';
    n = room > 0 ? room + 1 : 1;
    if (write(STDERR_FILENO, line, (size_t)n) > 0)
        atomic_store(&p->printed, 1);
    atomic_flag_clear(&p->busy);
}

void
cli_progress_clear(struct cli_progress *p)
{
    char blank[WIDTH_MAX + 2];
    int room = (p->width > WIDTH_MAX ? WIDTH_MAX : p->width) - 1;

    if (room < 0)
        room = 0;
    blank[0] = '\r';
    memset(blank + 1, ' ', (size_t)room);
    blank[room + 1] = '\r';
    if (atomic_load(&p->printed) && write(STDERR_FILENO, blank, (size_t)room + 2) < 0)
        return;
    atomic_store(&p->printed, 0);
}
