/*
 * file_read.c - a regular file read whole into one buffer, or a range of it; see file_read.h.
 */
#include "file_read.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"

int
file_read_whole(const char *path, uint8_t **buf, size_t *got, size_t *cap, struct err *err)
{
    struct stat st;
    size_t len, n = 0;
    uint8_t *b;
    int fd;

    *buf = NULL, *got = 0, *cap = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ERR_SET_ERRNO(err, errno, "cannot open");
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return ERR_SET(err, ERR_FORMAT, "not a regular file");
    }
    len = (size_t)st.st_size;
    b = mem_big_zalloc(len + 1);
    while (n < len) {
        ssize_t r = read(fd, b + n, len - n);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;

            close(fd);
            mem_big_free(b, len + 1);
            return ERR_SET_ERRNO(err, e, "cannot read");
        }
        if (r == 0)
            break; /* shrank under us: the caller's checks say what is missing */
        n += (size_t)r;
    }
    close(fd);
    *buf = b, *got = n, *cap = len + 1;
    return 0;
}

int
file_pread_whole(int fd, uint8_t *p, size_t len, uint64_t off, struct err *err)
{
    size_t got = 0;

    while (got < len) {
        ssize_t r = pread(fd, p + got, len - got, (off_t)(off + got));

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return ERR_SET_ERRNO(err, errno, "cannot read");
        if (r == 0)
            return ERR_SET(err, ERR_FORMAT, "cut short at byte %llu",
                           (unsigned long long)(off + got));
        got += (size_t)r;
    }
    return 0;
}
