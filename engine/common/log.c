/*
 * log.c - see log.h. The level is the one mutable file-scope variable that
 * house style allows; it is written once, before any thread starts. The first
 * error line (log_first_error()) is the other: written once, by whichever
 * thread logs the first error, behind an atomic flag.
 */
#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mem.h"

static enum log_level log_level_now = LOG_WARN;

static atomic_int first_error_state; /* 0: none yet; 1: being written; 2: first_error is set */
static char first_error[LOG_FIRST_ERROR_LEN];

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void
log_set_level(enum log_level level)
{
    log_level_now = level;
}

static int
log_enabled(enum log_level level)
{
    return level <= log_level_now;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
    char small[2048];
    char *line = small;
    size_t cap = sizeof(small);
    int head;
    int body;
    va_list ap, ap2;

    if (!log_enabled(level) && level != LOG_ERROR) /* an error is recorded even unprinted */
        return;
    head = snprintf(small, sizeof(small), "flowsweep: %s: ", level_names[level]);
    va_start(ap, fmt);
    va_copy(ap2, ap);
    body = vsnprintf(small + head, sizeof(small) - (size_t)head - 1, fmt, ap);
    va_end(ap);
    if (body < 0)
        body = 0;
    if ((size_t)(head + body) > sizeof(small) - 2) {
        /* A long line (a whole path of PATH_MAX bytes, escaped) is never cut. */
        cap = (size_t)head + (size_t)body + 2;
        line = mem_alloc(cap);
        memcpy(line, small, (size_t)head);
        vsnprintf(line + head, cap - (size_t)head - 1, fmt, ap2);
    }
    va_end(ap2);
    if (level == LOG_ERROR) {
        int none = 0;

        if (atomic_compare_exchange_strong(&first_error_state, &none, 1)) {
            snprintf(first_error, sizeof(first_error), "%.*s", body, line + head);
            atomic_store(&first_error_state, 2);
        }
    }
    line[head + body] = '\n';
    /* One write per line: lines from concurrent threads stay whole. */
    if (log_enabled(level) && write(STDERR_FILENO, line, (size_t)(head + body + 1)) < 0)
        body = 0;
    if (line != small)
        mem_free(line);
}

const char *
log_first_error(void)
{
    return atomic_load(&first_error_state) == 2 ? first_error : "";
}
