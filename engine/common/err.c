/*
 * err.c - the error struct of err.h: first failure wins, context is prepended.
 */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
err_init(struct err *e)
{
    memset(e, 0, sizeof(*e));
}

static void vset(struct err *e, enum err_code code, int errnum, const char *file, int line,
                 const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));

static void
vset(struct err *e, enum err_code code, int errnum, const char *file, int line, const char *fmt,
     va_list ap)
{
    e->code = code;
    e->sys_errno = errnum;
    e->file = file;
    e->line = line;
    if (vsnprintf(e->msg, sizeof(e->msg), fmt, ap) >= (int)sizeof(e->msg))
        memcpy(e->msg + sizeof(e->msg) - 4, "...", 4);
}

int
err_set_at(struct err *e, enum err_code code, const char *file, int line, const char *fmt, ...)
{
    if (e != NULL && e->code == ERR_OK) {
        va_list ap;

        va_start(ap, fmt);
        vset(e, code, 0, file, line, fmt, ap);
        va_end(ap);
    }
    return -(int)code;
}

int
err_set_errno_at(struct err *e, int errnum, const char *file, int line, const char *fmt, ...)
{
    if (e != NULL && e->code == ERR_OK) {
        char sys[128];
        size_t used;
        va_list ap;

        va_start(ap, fmt);
        vset(e, ERR_IO, errnum, file, line, fmt, ap);
        va_end(ap);
        /* POSIX strerror_r (we build with _POSIX_C_SOURCE, so not the GNU one). */
        if (strerror_r(errnum, sys, sizeof(sys)) != 0)
            snprintf(sys, sizeof(sys), "errno %d", errnum);
        used = strlen(e->msg);
        snprintf(e->msg + used, sizeof(e->msg) - used, ": %s", sys);
    }
    return -(int)ERR_IO;
}

void
err_prefix(struct err *e, const char *fmt, ...)
{
    char buf[ERR_MSG_LEN];
    size_t used;
    size_t old_len;
    va_list ap;

    if (e == NULL || e->code == ERR_OK)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    used = strlen(buf);
    if (used + 2 < sizeof(buf)) {
        buf[used++] = ':';
        buf[used++] = ' ';
    }
    old_len = strlen(e->msg);
    if (old_len > sizeof(buf) - 1 - used)
        old_len = sizeof(buf) - 1 - used;
    memcpy(buf + used, e->msg, old_len);
    buf[used + old_len] = '\0';
    memcpy(e->msg, buf, sizeof(buf));
}
