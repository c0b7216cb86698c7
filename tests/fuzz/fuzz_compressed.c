/*
 * fuzz_compressed.c - the reader on gzip and zstd input, against the reader on
 * the same bytes uncompressed.
 *
 * The first input byte chooses a case; the rest is P:
 *   0, 1  P compressed here whole (zlib's gzip wrapper / ZSTD_compress()), both
 *         files read: the compressed one must yield exactly the plain one's
 *         flows (every field and name byte), DNS records, message counts and
 *         whether there was damage;
 *   2, 3  P compressed, then cut short (the length from P's last bytes): the
 *         compressed read must yield a prefix of the plain read's flows and
 *         report the cut (damage or a fatal error), never pass for whole;
 *   4, 5  P compressed, one bit flipped (where, from P's last bytes): anything
 *         may come out, but without a crash, hang or leak;
 *   6, 7  P written as it is behind a gzip or zstd magic: garbage for the
 *         decompressor, which must end with a message, never crash or hang.
 * The compressors are zlib's and libzstd's one-shot calls, not the streaming
 * path flowsweep reads with (engine/read/bytesrc.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "err.h"
#include "flow.h"
#include "fuzz_file.h"
#include "ipfix_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FLOWS 4096 /* flows compared per input (the rest only counted) */

/* A read of one file: each flow's digest, and the reader's counts. */
struct readout {
    uint64_t digest[MAX_FLOWS];
    uint64_t flows, dns_rrs, messages;
    int damaged, fatal;
};

static uint64_t
digest(const struct flow *f)
{
    uint64_t h = (uint64_t)f->start_ms * 3 ^ (uint64_t)f->end_ms ^ f->bytes * 5 ^ f->packets ^
                 f->rev_bytes * 7 ^ f->rev_packets ^ (uint64_t)f->sport << 16 ^ f->dport ^
                 (uint64_t)f->proto << 40 ^ (uint64_t)f->app_label << 24 ^ f->family ^
                 (uint64_t)f->ndns << 48;

    for (int i = 0; i < 16; i++)
        h = h * 31 + f->sip[i] * 7u + f->dip[i];
    if (f->ndns && !f->dns)
        abort();
    for (uint32_t i = 0; i < f->ndns; i++) {
        const struct dns_rr *d = &f->dns[i];

        h = h * 1000003 ^ d->ttl ^ (uint64_t)d->rrtype << 32 ^ (uint64_t)d->id << 16 ^ d->qr ^
            (uint64_t)d->rcode << 8 ^ (uint64_t)d->section << 4 ^ d->aa;
        if (d->name_len && !d->name)
            abort();
        for (uint32_t k = 0; k < d->name_len; k++)
            h = h * 131 + d->name[k];
    }
    return h;
}

static void
read_file(struct ipfix_model *model, const uint8_t *bytes, size_t n, const char *tag,
          struct readout *out)
{
    char path[4096];
    struct ipfix_reader *r;
    const struct flow *f;
    struct err err;
    int rc;

    memset(out, 0, sizeof(*out));
    err_init(&err);
    if (fuzz_write_temp(bytes, n, tag, path, sizeof(path)) != 0)
        abort();
    r = ipfix_reader_open(model, path, &err);
    if (r == NULL) {
        out->fatal = 1;
        unlink(path);
        return;
    }
    while ((rc = ipfix_reader_next(r, &f, &err)) == 1) {
        if (out->flows < MAX_FLOWS)
            out->digest[out->flows] = digest(f);
        out->flows++;
    }
    if (rc < 0) {
        if (err.msg[0] == '\0')
            abort(); /* a fatal error says what was wrong */
        out->fatal = 1;
    }
    out->dns_rrs = ipfix_reader_stats(r)->dns_rrs;
    out->messages = ipfix_reader_stats(r)->messages;
    out->damaged = ipfix_reader_stats(r)->damaged != 0;
    ipfix_reader_close(r);
    unlink(path);
}

/* P compressed as gzip (zlib's deflate with the gzip wrapper) into a new buffer. */
static uint8_t *
gzip_of(const uint8_t *p, size_t n, size_t *out_n)
{
    z_stream z;
    uint8_t *out;
    size_t cap;

    memset(&z, 0, sizeof(z));
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        abort();
    cap = deflateBound(&z, (uLong)n) + 32;
    out = malloc(cap);
    if (out == NULL)
        abort();
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        abort();
    *out_n = z.total_out;
    deflateEnd(&z);
    return out;
}

static uint8_t *
zstd_of(const uint8_t *p, size_t n, size_t *out_n)
{
    size_t cap = ZSTD_compressBound(n);
    uint8_t *out = malloc(cap ? cap : 1);

    if (out == NULL)
        abort();
    *out_n = ZSTD_compress(out, cap, p, n, 3);
    if (ZSTD_isError(*out_n))
        abort();
    return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ipfix_model *model;
    static struct readout plain, packed;
    struct err err;
    const uint8_t *p = data + 1;
    size_t n = size ? size - 1 : 0;
    uint8_t *c = NULL;
    size_t cn = 0;
    unsigned mode;

    err_init(&err);
    if (!model && !(model = ipfix_model_create(IPFIX_DECODER_FAST, &err))) {
        fprintf(stderr, "fuzz_compressed: %s\n", err.msg);
        abort();
    }
    if (size == 0 || size > (1u << 20))
        return 0;
    mode = data[0] % 8;
    if (mode >= 6) { /* garbage behind a magic */
        static const uint8_t gz[2] = {0x1f, 0x8b}, zs[4] = {0x28, 0xb5, 0x2f, 0xfd};
        size_t m = mode == 6 ? sizeof(gz) : sizeof(zs);

        c = malloc(n + m);
        if (c == NULL)
            abort();
        memcpy(c, mode == 6 ? gz : zs, m);
        memcpy(c + m, p, n);
        read_file(model, c, n + m, "fuzz_compressed_raw", &packed);
        free(c);
        return 0;
    }
    read_file(model, p, n, "fuzz_compressed_plain", &plain);
    c = mode % 2 == 0 ? gzip_of(p, n, &cn) : zstd_of(p, n, &cn);
    if (mode >= 2 && cn > 1) {
        size_t pick = n >= 2 ? ((size_t)p[n - 1] << 8 | p[n - 2]) : 0;

        if (mode < 4)
            cn = 1 + pick % (cn - 1); /* 1 .. cn-1 bytes: always short */
        else
            c[pick % cn] ^= (uint8_t)(1u << ((n ? p[n - 1] : 0) & 7)); /* n = 0: bit 0 */
    }
    read_file(model, c, cn, mode % 2 == 0 ? "fuzz_compressed.gz" : "fuzz_compressed.zst", &packed);
    free(c);
    if (mode < 2) { /* whole: the same read */
        if (packed.flows != plain.flows || packed.dns_rrs != plain.dns_rrs ||
            packed.messages != plain.messages || packed.damaged != plain.damaged ||
            packed.fatal != plain.fatal)
            abort();
        for (uint64_t i = 0; i < packed.flows && i < MAX_FLOWS; i++)
            if (packed.digest[i] != plain.digest[i])
                abort();
    } else if (mode < 4 && n > 0) { /* cut short: a prefix, and the cut reported */
        if (!packed.fatal && !packed.damaged)
            abort();
        if (packed.flows > plain.flows)
            abort();
        for (uint64_t i = 0; i < packed.flows && i < MAX_FLOWS; i++)
            if (packed.digest[i] != plain.digest[i])
                abort();
    }
    return 0;
}
