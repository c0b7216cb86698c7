/*
 * log.h - leveled diagnostics on stderr (house style 3.7).
 *
 * stdout carries results only; everything here goes to stderr, one write(2)
 * per line so lines from several threads never interleave. The level is
 * checked before formatting. Lines look like
 *   flowsweep: warn: 2024/05/01/13/x.yaf: offset 4096: set length 3 < 4
 * Threads: log_set_level() before threads start; log_msg() is thread-safe.
 */
#ifndef ENGINE_LOG_H
#define ENGINE_LOG_H

enum log_level {
    LOG_SILENT = -1, /* nothing printed; errors still recorded for log_first_error() */
    LOG_ERROR = 0,
    LOG_WARN = 1,
    LOG_INFO = 2,
    LOG_DEBUG = 3
};

/* log_set_level() - messages above `level` are dropped. Default LOG_WARN. */
void log_set_level(enum log_level level);

/* log_msg() - one stderr line "flowsweep: LEVEL: ..." when `level` is enabled. */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * log_first_error() - the text of the first error line logged (without its
 * "flowsweep: error: " head, cut to LOG_FIRST_ERROR_LEN - 1 bytes), or "" when
 * none was: what a caller that must pass the reason on (flowsweep-mpi's rank
 * that cannot start, to rank 0) says. Thread-safe.
 */
#define LOG_FIRST_ERROR_LEN 512
const char *log_first_error(void);

#define LOG_ERR(...)   log_msg(LOG_ERROR, __VA_ARGS__)
#define LOG_WARN(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define LOG_INFO(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define LOG_DEBUG(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
