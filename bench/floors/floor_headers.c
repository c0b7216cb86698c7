/*
 * floor_headers.c - the header-walk floor of bench/run: read every FILE with
 * read(2) (1 MiB at a time, as floor-read does) and walk the IPFIX message
 * headers (RFC 7011 §3.1) and set headers (§3.3) only: no template is parsed
 * and no record is decoded. This is the least work any IPFIX reader must do
 * on top of reading the bytes.
 *
 *   floor-headers FILE...
 *
 * Prints one line on stdout:
 *   files=N bytes=B messages=M sets=S template_sets=T data_sets=D data_bytes=X
 *   damaged=F seconds=S bytes_per_s=R
 * A file whose next message header is not IPFIX (version 10, length >= 16) or
 * whose set does not fit its message counts as damaged and the walk of that
 * file stops there. Exit status: 0 ok, 1 unreadable file, 3 damaged file, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FLOOR_BUF     (1u << 20) /* bytes per read(2) */
#define FLOOR_MSG_MAX 65535u     /* an IPFIX message length is 16 bits */
#define FLOOR_MSG_HDR 16u
#define FLOOR_SET_HDR 4u

struct walk {
    long long bytes;         /* bytes read */
    long long messages;      /* message headers walked */
    long long sets;          /* set headers walked, all kinds */
    long long template_sets; /* set ID 2 (templates) or 3 (options templates) */
    long long data_sets;     /* set ID >= 256 */
    long long data_bytes;    /* data set bytes after their set headers */
    int damaged;             /* files whose walk stopped at damage */
};

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned
get16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

/* walk_sets() - walk the sets of one whole message `m` of `len` bytes; 0 or -1 (damage). */
static int
walk_sets(struct walk *w, const unsigned char *m, unsigned len)
{
    unsigned off = FLOOR_MSG_HDR;

    while (off + FLOOR_SET_HDR <= len) {
        unsigned id = get16(m + off), slen = get16(m + off + 2);

        if (slen < FLOOR_SET_HDR || off + slen > len)
            return -1;
        w->sets++;
        if (id == 2 || id == 3) {
            w->template_sets++;
        } else if (id >= 256) {
            w->data_sets++;
            w->data_bytes += slen - FLOOR_SET_HDR;
        }
        off += slen;
    }
    return off == len ? 0 : -1;
}

/*
 * walk_file() - 0 clean, 3 damaged, 1 unreadable. Messages are walked in the
 * buffer; a message cut by the end of the buffer is moved to its start before
 * the next read, so the buffer holds 1 MiB plus one largest message.
 */
static int
walk_file(struct walk *w, const char *path, unsigned char *buf)
{
    size_t have = 0, pos = 0;
    int eof = 0, rc = 0;
    int fd = open(path, O_RDONLY);

    if (fd < 0) {
        fprintf(stderr, "floor-headers: %s: cannot open (errno %d)\n", path, errno);
        return 1;
    }
    for (;;) {
        while (have - pos >= FLOOR_MSG_HDR) {
            const unsigned char *m = buf + pos;
            unsigned len = get16(m + 2);

            if (get16(m) != 10 || len < FLOOR_MSG_HDR) {
                rc = 3;
                goto out;
            }
            if (have - pos < len)
                break;
            w->messages++;
            if (walk_sets(w, m, len) < 0) {
                rc = 3;
                goto out;
            }
            pos += len;
        }
        if (eof)
            break;
        memmove(buf, buf + pos, have - pos);
        have -= pos;
        pos = 0;
        for (;;) {
            ssize_t n = read(fd, buf + have, FLOOR_BUF);

            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                fprintf(stderr, "floor-headers: %s: read error (errno %d)\n", path, errno);
                rc = 1;
                goto out;
            }
            if (n == 0)
                eof = 1;
            have += (size_t)n;
            w->bytes += n;
            break;
        }
    }
    if (have != pos)
        rc = 3; /* a truncated last message */
out:
    if (rc == 3) {
        w->damaged++;
        fprintf(stderr, "floor-headers: %s: damaged near byte %lld\n", path,
                (long long)(w->bytes - (long long)(have - pos)));
    }
    close(fd);
    return rc;
}

int
main(int argc, char **argv)
{
    struct walk w = {0};
    unsigned char *buf;
    int rc = 0;
    double t0, secs;

    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        fputs("usage: floor-headers FILE...\n", stderr);
        return 2;
    }
    buf = malloc(FLOOR_BUF + FLOOR_MSG_MAX);
    if (!buf) {
        fputs("floor-headers: out of memory\n", stderr);
        return 1;
    }
    t0 = now_s();
    for (int i = 1; i < argc; i++) {
        int r = walk_file(&w, argv[i], buf);

        if (r == 1 || (r == 3 && rc == 0))
            rc = r;
    }
    secs = now_s() - t0;
    printf("files=%d bytes=%lld messages=%lld sets=%lld template_sets=%lld data_sets=%lld "
           "data_bytes=%lld damaged=%d seconds=%.6f bytes_per_s=%.0f\n",
           argc - 1, w.bytes, w.messages, w.sets, w.template_sets, w.data_sets, w.data_bytes,
           w.damaged, secs, secs > 0 ? (double)w.bytes / secs : 0.0);
    free(buf);
    return rc;
}
