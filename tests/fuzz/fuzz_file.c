/*
 * fuzz_file.c - see fuzz_file.h.
 */
#include "fuzz_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int
fuzz_write_temp(const uint8_t *data, size_t size, const char *tag, char *path, size_t cap)
{
    const char *dir = getenv("TMPDIR");
    int fd;
    size_t off = 0;

    snprintf(path, cap, "%s/%s.XXXXXX", dir && *dir ? dir : "/tmp", tag);
    fd = mkstemp(path);
    if (fd < 0)
        return -1;
    while (off < size) {
        ssize_t n = write(fd, data + off, size - off);

        if (n <= 0) {
            close(fd);
            unlink(path);
            return -1;
        }
        off += (size_t)n;
    }
    close(fd);
    return 0;
}
