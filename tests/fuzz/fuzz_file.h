/*
 * fuzz_file.h - fuzz inputs as temporary files (the IPFIX reader reads paths only).
 */
#ifndef TESTS_FUZZ_FILE_H
#define TESTS_FUZZ_FILE_H

#include <stddef.h>
#include <stdint.h>

/* fuzz_write_temp() - `data` as a new file under $TMPDIR or /tmp, named in `path`; 0 or -1. */
int fuzz_write_temp(const uint8_t *data, size_t size, const char *tag, char *path, size_t cap);

#endif
