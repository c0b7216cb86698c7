/*
 * log.c - see log.h. The level is the one mutable file-scope variable that
 * house style allows; it is written once, before any thread starts.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static enum log_level log_level_now = LOG_WARN;

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
    char line[2048];
    int head;
    int body;
    va_list ap;

    if (!log_enabled(level))
        return;
    head = snprintf(line, sizeof(line), "flowsweep: %s: ", level_names[level]);
    va_start(ap, fmt);
    body = vsnprintf(line + head, sizeof(line) - (size_t)head - 1, fmt, ap);
    va_end(ap);
    if (body < 0)
        body = 0;
    if ((size_t)(head + body) > sizeof(line) - 2)
        body = (int)(sizeof(line) - 2) - head;
    line[head + body] = '\n';
    /* One write per line: lines from concurrent threads stay whole. */
    if (write(STDERR_FILENO, line, (size_t)(head + body + 1)) < 0)
        return;
}
