/*
 * floor_read.c - the read floor of bench/run: read(2) every byte of every FILE
 * with a 1 MiB buffer, touch nothing, and report bytes/s. No analytic that reads
 * the same files through read(2) can be faster than this on the same page cache.
 *
 *   floor-read FILE...
 *
 * Prints one line on stdout:
 *   files=N bytes=B seconds=S bytes_per_s=X
 * (S from CLOCK_MONOTONIC around the loop, process start-up excluded; bench/run
 * times the whole process as it does every other command). Exit status: 0 ok,
 * 1 when a file cannot be opened or read (named on stderr), 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FLOOR_BUF (1u << 20) /* bytes per read(2) */

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* read_file() - bytes read from `path` into `buf`, or -1 (message on stderr). */
static long long
read_file(const char *path, unsigned char *buf)
{
    long long total = 0;
    int fd = open(path, O_RDONLY);

    if (fd < 0) {
        fprintf(stderr, "floor-read: %s: cannot open (errno %d)\n", path, errno);
        return -1;
    }
    for (;;) {
        ssize_t n = read(fd, buf, FLOOR_BUF);

        if (n == 0)
            break;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "floor-read: %s: read error (errno %d)\n", path, errno);
            close(fd);
            return -1;
        }
        total += n;
    }
    close(fd);
    return total;
}

int
main(int argc, char **argv)
{
    unsigned char *buf;
    long long bytes = 0;
    int rc = 0;
    double t0, secs;

    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        fputs("usage: floor-read FILE...\n", stderr);
        return 2;
    }
    buf = malloc(FLOOR_BUF);
    if (!buf) {
        fputs("floor-read: out of memory\n", stderr);
        return 1;
    }
    t0 = now_s();
    for (int i = 1; i < argc; i++) {
        long long n = read_file(argv[i], buf);

        if (n < 0)
            rc = 1;
        else
            bytes += n;
    }
    secs = now_s() - t0;
    printf("files=%d bytes=%lld seconds=%.6f bytes_per_s=%.0f\n", argc - 1, bytes, secs,
           secs > 0 ? (double)bytes / secs : 0.0);
    free(buf);
    return rc;
}
