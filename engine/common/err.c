/*
 * err.c - the error struct of err.h: first failure wins, context is prepended.
 */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mem.h"

void
err_init(struct err *e)
{
    memset(e, 0, sizeof(*e));
}

int
err_first(const struct err *errs, int n, struct err *out)
{
    for (int t = 0; t < n; t++) {
        if (errs[t].code != ERR_OK) {
            *out = errs[t];
            return -(int)errs[t].code;
        }
    }
    return 0;
}

/* Bytes kept from the end of a message too long for struct err: the reason is at the end. */
#define KEEP_TAIL 1024

/*
 * Stores text[0..n) in e->msg: whole when it fits, else its start, " ... ", and its last
 * KEEP_TAIL bytes, so a very long path still leaves what went wrong readable.
 */
static void
fit(struct err *e, const char *text, size_t n)
{
    static const char cut[] = " ... ";
    size_t head = sizeof(e->msg) - 1 - KEEP_TAIL - (sizeof(cut) - 1);

    if (n < sizeof(e->msg)) {
        memcpy(e->msg, text, n);
        e->msg[n] = '\0';
        return;
    }
    memcpy(e->msg, text, head);
    memcpy(e->msg + head, cut, sizeof(cut) - 1);
    memcpy(e->msg + head + sizeof(cut) - 1, text + n - KEEP_TAIL, KEEP_TAIL);
    e->msg[sizeof(e->msg) - 1] = '\0';
}

static void vset(struct err *e, enum err_code code, int errnum, const char *file, int line,
                 const char *suffix, const char *fmt, va_list ap)
    __attribute__((format(printf, 7, 0)));

/* Formats the message (any length) with `suffix` after it, then fit()s it into e->msg. */
static void
vset(struct err *e, enum err_code code, int errnum, const char *file, int line, const char *suffix,
     const char *fmt, va_list ap)
{
    va_list ap2;
    int n;
    size_t len, slen = suffix ? strlen(suffix) : 0;
    char *buf;

    e->code = code;
    e->sys_errno = errnum;
    e->file = file;
    e->line = line;
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        snprintf(e->msg, sizeof(e->msg), "(unprintable message)");
        return;
    }
    len = (size_t)n;
    buf = mem_alloc(len + slen + 1);
    vsnprintf(buf, len + 1, fmt, ap);
    if (slen)
        memcpy(buf + len, suffix, slen + 1);
    fit(e, buf, len + slen);
    mem_free(buf);
}

int
err_set_at(struct err *e, enum err_code code, const char *file, int line, const char *fmt, ...)
{
    if (e != NULL && e->code == ERR_OK) {
        va_list ap;

        va_start(ap, fmt);
        vset(e, code, 0, file, line, NULL, fmt, ap);
        va_end(ap);
    }
    return -(int)code;
}

int
err_set_errno_at(struct err *e, int errnum, const char *file, int line, const char *fmt, ...)
{
    if (e != NULL && e->code == ERR_OK) {
        char sys[128], suffix[132];
        va_list ap;

        /* POSIX strerror_r (we build with _POSIX_C_SOURCE, so not the GNU one). */
        if (strerror_r(errnum, sys, sizeof(sys)) != 0)
            snprintf(sys, sizeof(sys), "errno %d", errnum);
        snprintf(suffix, sizeof(suffix), ": %s", sys);
        va_start(ap, fmt);
        vset(e, ERR_IO, errnum, file, line, suffix, fmt, ap);
        va_end(ap);
    }
    return -(int)ERR_IO;
}

void
err_prefix(struct err *e, const char *fmt, ...)
{
    char *buf;
    size_t old_len, len;
    va_list ap, ap2;
    int n;

    if (e == NULL || e->code == ERR_OK)
        return;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        va_end(ap);
        return;
    }
    old_len = strlen(e->msg);
    len = (size_t)n;
    buf = mem_alloc(len + 2 + old_len + 1);
    vsnprintf(buf, len + 1, fmt, ap);
    va_end(ap);
    buf[len++] = ':';
    buf[len++] = ' ';
    memcpy(buf + len, e->msg, old_len + 1);
    fit(e, buf, len + old_len);
    mem_free(buf);
}
