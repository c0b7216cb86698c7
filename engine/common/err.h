/*
 * err.h - one error struct for every layer (house style 3.4).
 *
 * Functions that can fail on input, I/O or limits return 0 (or a count) on
 * success and -code on failure, and fill a caller-owned `struct err`. The first
 * failure wins: later err_set() calls on the same struct are ignored, so the
 * message names the root cause. Callers add context on the way up with
 * err_prefix(). Libraries never print or exit; engine/cli reports.
 * Threads: a struct err is confined to the thread that owns it.
 */
#ifndef ENGINE_ERR_H
#define ENGINE_ERR_H

#include <stddef.h>

enum err_code {
    ERR_OK = 0,
    ERR_NOMEM,     /* optional growth failed (mem_try_alloc) */
    ERR_IO,        /* open/read/write failed; sys_errno holds errno */
    ERR_FORMAT,    /* input is not what it claims to be (corrupt IPFIX, bad path) */
    ERR_USAGE,     /* the caller's request is invalid (options, query syntax) */
    ERR_LIMIT,     /* a documented cap was reached (--mem-limit, name caps) */
    ERR_CANCELLED, /* another worker failed first and asked everyone to stop */
    ERR_INTERNAL   /* a bug that is reachable in release builds */
};

/*
 * Room for a whole path (PATH_MAX: 4096 bytes on Linux, with its NUL; the
 * walk never plans a longer one) and what was wrong with it. A longer message
 * is cut and ends with "...", never silently.
 */
#define ERR_MSG_LEN (4096 + 512)

struct err {
    enum err_code code;    /* ERR_OK while nothing has failed */
    int sys_errno;         /* errno at the failure site, or 0 */
    const char *file;      /* __FILE__ of the first err_set() */
    int line;              /* __LINE__ of the first err_set() */
    char msg[ERR_MSG_LEN]; /* "2024/05/01/13/x.yaf: offset 1234: set length 9 < 4" */
};

/* err_init() - marks `e` as holding no error. */
void err_init(struct err *e);

/*
 * err_set_at() - records a failure unless `e` already holds one.
 * Returns -code, so `return ERR_SET(err, ERR_IO, "...")` reads naturally.
 * `e` may be NULL (the error is then only returned).
 */
int err_set_at(struct err *e, enum err_code code, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#define ERR_SET(e, code, ...) err_set_at((e), (code), __FILE__, __LINE__, __VA_ARGS__)

/* err_set_errno() - as ERR_SET with ERR_IO, appending strerror_r(errnum). */
int err_set_errno_at(struct err *e, int errnum, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#define ERR_SET_ERRNO(e, errnum, ...) \
    err_set_errno_at((e), (errnum), __FILE__, __LINE__, __VA_ARGS__)

/*
 * err_first() - the first of errs[0..n) that holds an error (the workers' errors of a
 * parallel loop), copied to *out; returns its -code, or 0 when none holds one.
 */
int err_first(const struct err *errs, int n, struct err *out);

/* err_prefix() - prepends "<formatted>: " to the message already held in `e`. */
void err_prefix(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
