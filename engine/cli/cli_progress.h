/*
 * cli_progress.h - the progress line and the closing summary on stderr.
 *
 * Progress: "\r" + one line (files done/total, MB, flows/s, ETA), at most 4
 * times a second, only while stderr is a TTY (or --progress always); any
 * worker may report, the first to take the flag prints, others skip. The
 * line is cut to the terminal's width less one column (TIOCGWINSZ, else
 * $COLUMNS, else 80) and padded to it, and cleared before results print.
 * Threads: cli_progress_update() is thread-safe; the rest run on the main thread.
 */
#ifndef ENGINE_CLI_PROGRESS_H
#define ENGINE_CLI_PROGRESS_H

#include <stdatomic.h>
#include <stdint.h>

#include "sweep.h"

struct cli_progress {
    int enabled;         /* print progress lines */
    int width;           /* terminal columns, taken at init */
    double t0;           /* start, monotonic seconds */
    atomic_flag busy;    /* held by the thread printing now */
    _Atomic double last; /* when the last line was printed */
    atomic_int printed;  /* a line is on screen and needs clearing */
};

/* cli_now() - monotonic seconds. */
double cli_now(void);

void cli_progress_init(struct cli_progress *p, int enabled);

/* cli_progress_width() - stderr's terminal width (TIOCGWINSZ, else $COLUMNS, else 80). */
int cli_progress_width(void);

/* cli_progress_update() - a sweep_progress_fn; ctx is a struct cli_progress. */
void cli_progress_update(void *ctx, const struct sweep_progress *sp);

/* cli_progress_clear() - erases the progress line if one is shown. */
void cli_progress_clear(struct cli_progress *p);

#endif
