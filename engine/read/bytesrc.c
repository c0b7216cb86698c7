/*
 * bytesrc.c - plain, gzip and zstd input as one byte stream; see bytesrc.h.
 *
 * The first read goes straight into the caller's buffer; if those bytes
 * start with a compression magic they are moved to the source's input buffer
 * and the decoder takes over, otherwise they are handed out as they are, so
 * plain files cost no copy. Compressed input is read in IN_CAP chunks and
 * decoded into the caller's buffer. Offsets in messages are file offsets of
 * compressed bytes: the count read from the descriptor minus the bytes not
 * yet given to the decoder.
 */
#include "bytesrc.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "mem.h"

#define IN_CAP    (256u << 10) /* compressed bytes read at a time */
#define ZST_FIRST 32 /* compressed bytes given to libzstd at a frame's start (zst_read()) */

struct bytesrc {
    int fd;                 /* the input, owned */
    char *name;             /* for messages, owned */
    enum bytesrc_kind kind; /* told at the first read */
    int sniffed;            /* the first read happened */
    int eof;                /* read(2) returned 0 */
    uint64_t in_off;        /* bytes read from fd */
    uint8_t *in;            /* compressed input buffer (IN_CAP or more) */
    size_t in_cap;          /* bytes allocated in `in` */
    size_t in_beg, in_end;  /* bytes not yet decoded: in[in_beg, in_end) */
    z_stream z;             /* gzip: zlib's state */
    int z_live;             /* inflateInit2() succeeded */
    ZSTD_DStream *zd;       /* zstd: libzstd's state */
    size_t zst_hint;        /* zstd: compressed bytes to give it next */
    int unit_done;          /* the last gzip member / zstd frame ended cleanly */
    int failed;             /* an error was reported or is pending */
    struct err fail;        /* the error, repeated on every later call */
};

static voidpf
z_alloc(voidpf opaque, uInt items, uInt size)
{
    (void)opaque;
    return mem_try_alloc((size_t)items * size); /* zlib takes NULL as Z_MEM_ERROR */
}

static void
z_free(voidpf opaque, voidpf p)
{
    (void)opaque;
    mem_free(p);
}

struct bytesrc *
bytesrc_open(int fd, const char *name)
{
    struct bytesrc *s = mem_calloc(1, sizeof(*s));

    s->fd = fd;
    s->name = mem_strdup(name);
    err_init(&s->fail);
    return s;
}

void
bytesrc_close(struct bytesrc *s)
{
    if (!s)
        return;
    if (s->z_live)
        inflateEnd(&s->z);
    ZSTD_freeDStream(s->zd);
    if (s->fd >= 0)
        close(s->fd);
    mem_free(s->in);
    mem_free(s->name);
    mem_free(s);
}

enum bytesrc_kind
bytesrc_kind(const struct bytesrc *s)
{
    return s->kind;
}

const char *
bytesrc_kind_name(enum bytesrc_kind k)
{
    return k == BYTESRC_GZIP ? "gzip" : k == BYTESRC_ZSTD ? "zstd" : "plain";
}

uint64_t
bytesrc_in_bytes(const struct bytesrc *s)
{
    return s->in_off;
}

/* The file offset of the next compressed byte the decoder has not taken. */
static uint64_t
in_pos(const struct bytesrc *s)
{
    return s->in_off - (s->in_end - s->in_beg);
}

/* read(2) into p[0, cap): 0 with *n (0 at the end), or -ERR_IO. */
static int
read_fd(struct bytesrc *s, uint8_t *p, size_t cap, size_t *n, struct err *err)
{
    for (;;) {
        ssize_t r = read(s->fd, p, cap);

        if (r >= 0) {
            *n = (size_t)r;
            s->in_off += (size_t)r;
            if (r == 0)
                s->eof = 1;
            return 0;
        }
        if (errno != EINTR)
            return ERR_SET_ERRNO(err, errno, "%s: offset %llu: read failed", s->name,
                                 (unsigned long long)s->in_off);
    }
}

/* Reads more compressed input, keeping the unread bytes: 0 or -ERR_IO. */
static int
refill(struct bytesrc *s, struct err *err)
{
    size_t n;

    if (s->in_beg > 0) {
        memmove(s->in, s->in + s->in_beg, s->in_end - s->in_beg);
        s->in_end -= s->in_beg;
        s->in_beg = 0;
    }
    if (s->eof || s->in_end == s->in_cap)
        return 0;
    if (read_fd(s, s->in + s->in_end, s->in_cap - s->in_end, &n, err) != 0)
        return -ERR_IO;
    s->in_end += n;
    return 0;
}

/* Records the source's error; every later read repeats it. */
static void
failure(struct bytesrc *s, const struct err *e)
{
    if (!s->failed) {
        s->failed = 1;
        s->fail = *e;
    }
}

/* Makes at least `need` unread compressed bytes available unless the input ends. */
static int
want(struct bytesrc *s, size_t need, struct err *err)
{
    while (s->in_end - s->in_beg < need && !s->eof) {
        int rc = refill(s, err);

        if (rc)
            return rc;
    }
    return 0;
}

/* ---- gzip --------------------------------------------------------------- */

static int
gz_start(struct bytesrc *s, struct err *err)
{
    s->z.zalloc = z_alloc;
    s->z.zfree = z_free;
    s->z.opaque = NULL;
    if (inflateInit2(&s->z, 16 + MAX_WBITS) != Z_OK) /* 16: gzip wrapper only */
        return ERR_SET(err, ERR_NOMEM, "%s: gzip: cannot start zlib", s->name);
    s->z_live = 1;
    return 0;
}

/* Decodes into buf[0, cap): 0 with *got (0: clean end), or -code with *got still set. */
static int
gz_read(struct bytesrc *s, uint8_t *buf, size_t cap, size_t *got, struct err *err)
{
    int rc = 0;

    s->z.next_out = buf;
    s->z.avail_out = (uInt)(cap > UINT32_MAX ? UINT32_MAX : cap);
    while (rc == 0 && s->z.avail_out > 0) {
        uInt before = s->z.avail_out;
        int zrc;

        if (s->unit_done) {
            /* Another member may follow (`cat a.gz b.gz`); anything else is damage. */
            if ((rc = want(s, 2, err)) != 0)
                break;
            if (s->in_end == s->in_beg)
                break; /* the clean end */
            if (s->in_end - s->in_beg < 2 || s->in[s->in_beg] != 0x1f ||
                s->in[s->in_beg + 1] != 0x8b) {
                rc = ERR_SET(err, ERR_FORMAT,
                             "%s: gzip: compressed offset %llu: %zu bytes after the last gzip "
                             "member are not gzip data",
                             s->name, (unsigned long long)in_pos(s), s->in_end - s->in_beg);
                break;
            }
            inflateReset(&s->z);
            s->unit_done = 0;
        }
        if (s->in_beg == s->in_end && (rc = refill(s, err)) != 0)
            break;
        s->z.next_in = s->in + s->in_beg;
        s->z.avail_in = (uInt)(s->in_end - s->in_beg);
        zrc = inflate(&s->z, Z_NO_FLUSH);
        s->in_beg = s->in_end - s->z.avail_in;
        if (zrc == Z_STREAM_END)
            s->unit_done = 1;
        else if (zrc == Z_DATA_ERROR)
            rc = ERR_SET(err, ERR_FORMAT, "%s: gzip: compressed offset %llu: %s", s->name,
                         (unsigned long long)in_pos(s), s->z.msg ? s->z.msg : "damaged data");
        else if (zrc == Z_MEM_ERROR)
            rc = ERR_SET(err, ERR_NOMEM, "%s: gzip: out of memory", s->name);
        else if (zrc != Z_OK && zrc != Z_BUF_ERROR)
            rc = ERR_SET(err, ERR_FORMAT, "%s: gzip: compressed offset %llu: zlib error %d",
                         s->name, (unsigned long long)in_pos(s), zrc);
        else if (s->in_beg == s->in_end && s->eof && s->z.avail_out == before)
            rc = ERR_SET(err, ERR_FORMAT,
                         "%s: gzip: compressed offset %llu: the data ends inside a gzip member "
                         "(file cut?)",
                         s->name, (unsigned long long)in_pos(s));
        if (s->z.avail_out < before)
            break; /* hand out what there is */
    }
    *got = cap - s->z.avail_out;
    return rc;
}

/* ---- zstd --------------------------------------------------------------- */

static int
zst_start(struct bytesrc *s, struct err *err)
{
    s->zd = ZSTD_createDStream();
    if (s->zd == NULL)
        return ERR_SET(err, ERR_NOMEM, "%s: zstd: cannot start libzstd", s->name);
    ZSTD_DCtx_setParameter(s->zd, ZSTD_d_windowLogMax, BYTESRC_ZSTD_WINDOW_LOG_MAX);
    s->zst_hint = ZST_FIRST;
    return 0;
}

static int
zst_read(struct bytesrc *s, uint8_t *buf, size_t cap, size_t *got, struct err *err)
{
    ZSTD_outBuffer out = {buf, cap, 0};
    int rc = 0;

    while (rc == 0 && out.pos == 0) {
        ZSTD_inBuffer in;
        size_t r;

        if (s->in_beg == s->in_end && (rc = refill(s, err)) != 0)
            break;
        if (s->in_beg == s->in_end && s->eof && s->unit_done)
            break; /* the clean end: after a whole frame */
        /*
         * Input as much as libzstd asks for next (its hint: the rest of the
         * current block and the next block's header). Given a whole frame
         * and room for all of it, libzstd would decode it in one pass; and
         * any error in a call (a bad checksum after the last block, say)
         * drops that call's output. Fed by its hint, each call ends at a
         * block, so every block before the damage is handed out.
         */
        in.src = s->in + s->in_beg;
        in.size = s->in_end - s->in_beg < s->zst_hint ? s->in_end - s->in_beg : s->zst_hint;
        in.pos = 0;
        /* With no input left this still flushes what the decoder holds. */
        r = ZSTD_decompressStream(s->zd, &out, &in);
        s->in_beg += in.pos;
        if (ZSTD_isError(r)) {
            ZSTD_ErrorCode code = ZSTD_getErrorCode(r);
            int big = code == ZSTD_error_frameParameter_windowTooLarge;

            rc = ERR_SET(err,
                         big                                    ? ERR_LIMIT
                         : code == ZSTD_error_memory_allocation ? ERR_NOMEM
                                                                : ERR_FORMAT,
                         "%s: zstd: compressed offset %llu: %s%s", s->name,
                         (unsigned long long)in_pos(s), ZSTD_getErrorName(r),
                         big ? " (flowsweep reads windows up to 128 MiB)" : "");
            break;
        }
        s->unit_done = r == 0; /* 0: a frame just ended */
        s->zst_hint = r > 0 ? r : ZST_FIRST;
        if (out.pos == 0 && in.pos == 0 && s->in_beg == s->in_end && s->eof && r != 0)
            rc = ERR_SET(err, ERR_FORMAT,
                         "%s: zstd: compressed offset %llu: the data ends inside a zstd frame "
                         "(file cut?)",
                         s->name, (unsigned long long)in_pos(s));
    }
    *got = out.pos;
    return rc;
}

/* ---- the first read ------------------------------------------------------ */

/* Reads the first bytes into buf and decides the kind. */
static int
sniff(struct bytesrc *s, uint8_t *buf, size_t cap, size_t *got, struct err *err)
{
    size_t n = 0;
    int rc;

    s->sniffed = 1;
    while (n < 4 && !s->eof) {
        size_t k;

        if ((rc = read_fd(s, buf + n, cap - n, &k, err)) != 0) {
            *got = n; /* handed out before the error */
            return rc;
        }
        n += k;
    }
    if (n >= 2 && buf[0] == 0x1f && buf[1] == 0x8b)
        s->kind = BYTESRC_GZIP;
    else if (n >= 4 && buf[0] == 0x28 && buf[1] == 0xb5 && buf[2] == 0x2f && buf[3] == 0xfd)
        s->kind = BYTESRC_ZSTD;
    else if (n >= 4 && (buf[0] & 0xf0) == 0x50 && buf[1] == 0x2a && buf[2] == 0x4d &&
             buf[3] == 0x18)
        s->kind = BYTESRC_ZSTD; /* a skippable frame first (0x184D2A5?, LE): pzstd writes one */
    *got = n;
    if (s->kind == BYTESRC_PLAIN)
        return 0;
    s->in_cap = n > IN_CAP ? n : IN_CAP;
    s->in = mem_alloc(s->in_cap);
    memcpy(s->in, buf, n);
    s->in_end = n;
    *got = 0;
    return s->kind == BYTESRC_GZIP ? gz_start(s, err) : zst_start(s, err);
}

/* Repeats the source's recorded error into `err`; returns its -code. */
static int
repeat_failure(const struct bytesrc *s, struct err *err)
{
    if (err)
        err_set_at(err, s->fail.code, s->fail.file, s->fail.line, "%s", s->fail.msg);
    return -(int)s->fail.code;
}

int
bytesrc_read(struct bytesrc *s, uint8_t *buf, size_t cap, size_t *got, struct err *err)
{
    struct err e;
    int rc = 0;

    *got = 0;
    if (s->failed)
        return repeat_failure(s, err);
    err_init(&e);
    if (!s->sniffed) {
        rc = sniff(s, buf, cap, got, &e);
        if (rc == 0 && s->kind == BYTESRC_PLAIN)
            return 0;
    }
    if (rc == 0) {
        switch (s->kind) {
        case BYTESRC_PLAIN:
            rc = read_fd(s, buf, cap, got, &e);
            break;
        case BYTESRC_GZIP:
            rc = gz_read(s, buf, cap, got, &e);
            break;
        default:
            rc = zst_read(s, buf, cap, got, &e);
            break;
        }
    }
    if (rc == 0)
        return 0;
    failure(s, &e);
    if (*got > 0)
        return 0; /* the bytes before the damage first; the error comes next call */
    return repeat_failure(s, err);
}
