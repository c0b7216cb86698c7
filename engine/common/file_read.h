/*
 * file_read.h - a regular file read whole into one buffer, or a range of it whole.
 *
 * For the cache's side files (engine/exec/side.c, engine/dns/hunt_side.c), which are
 * read whole and then checked: a file that shrank while it was read comes back short
 * and the caller's checks say what is missing.
 * Threads: thread-safe (no shared state).
 */
#ifndef ENGINE_FILE_READ_H
#define ENGINE_FILE_READ_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/*
 * file_read_whole() - reads regular file `path` into *buf, a mem_big_zalloc() buffer of
 * its size + 1 bytes (a 0 byte after the contents); *cap is that size, for
 * mem_big_free(*buf, *cap); *got the bytes read (fewer than the size when the file
 * shrank meanwhile). 0, or -code with `err` set ("cannot open", "not a regular file",
 * "cannot read") and nothing to free.
 */
int file_read_whole(const char *path, uint8_t **buf, size_t *got, size_t *cap, struct err *err);

/*
 * file_pread_whole() - bytes [off, off + len) of open file `fd` into p, whole (pread(),
 * EINTR retried). 0, or -code with `err` set: "cannot read" (errno), or ERR_FORMAT "cut short
 * at byte N" when the file ends first.
 */
int file_pread_whole(int fd, uint8_t *p, size_t len, uint64_t off, struct err *err);

#endif
