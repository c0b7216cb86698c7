/*
 * bytesrc.h - the bytes of one input: a plain file, or gzip / zstd data
 * decompressed while it streams.
 *
 * The kind is told from the first bytes, not the name: 1F 8B is gzip (RFC
 * 1952; zlib), 28 B5 2F FD is a zstd frame (RFC 8878; libzstd), anything else
 * is passed through as it is (an IPFIX file starts with 00 0A). Several gzip
 * members or zstd frames one after the other are read as one stream, as
 * `gzip -d` and `zstd -d` do; zstd's skippable frames are skipped.
 *
 * Call order:
 *   s = bytesrc_open(fd, name)                 takes the descriptor
 *   while (bytesrc_read(s, buf, cap, &n, err) == 0 && n > 0) use(buf, n);
 *   bytesrc_close(s)                           closes the descriptor
 *
 * Damage: a read error, compressed data that does not decode, a bad check
 * value (gzip's CRC-32 and length, zstd's optional XXH64) or compressed data
 * that stops before its end are errors naming `name` and the offset in the
 * file of the compressed byte where it was found. Everything decompressed
 * before that point is handed out first (the error comes on the next call).
 * gzip and zstd check a member's or frame's integrity only at its end, so
 * bytes of a damaged member may be handed out before the damage is seen.
 *
 * Memory: plain input needs nothing beyond this struct. Compressed input
 * takes a 256 KiB input buffer plus the decoder's state: zlib's 32 KiB window,
 * or zstd's window, which the frame declares and which is capped at
 * 2^BYTESRC_ZSTD_WINDOW_LOG_MAX bytes (a frame that needs more is an error).
 * Threads: one source per thread; nothing is shared.
 */
#ifndef ENGINE_BYTESRC_H
#define ENGINE_BYTESRC_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define BYTESRC_ZSTD_WINDOW_LOG_MAX 27 /* 128 MiB: zstd's own default limit (`zstd --long`) */

enum bytesrc_kind {
    BYTESRC_PLAIN = 0, /* passed through */
    BYTESRC_GZIP = 1,  /* gzip members, inflated with zlib */
    BYTESRC_ZSTD = 2   /* zstd frames, decompressed with libzstd */
};

struct bytesrc; /* opaque: one input */

/*
 * bytesrc_open() - a source reading descriptor `fd` (taken: bytesrc_close()
 * closes it) whose messages call it `name` (copied; already escaped for
 * printing by the caller if it needs to be). Never fails.
 */
struct bytesrc *bytesrc_open(int fd, const char *name);

/*
 * bytesrc_read() - up to `cap` (>= 4) more bytes of the (decompressed) data
 * into `buf`. Returns 0 with *got > 0, or 0 with *got == 0 at the clean end,
 * or -code with `err` set (ERR_IO: the read failed; ERR_FORMAT: damaged or
 * cut compressed data; ERR_NOMEM: the decoder could not get its memory;
 * ERR_LIMIT: a zstd window over the cap). After an error every further call
 * returns the same code.
 */
int bytesrc_read(struct bytesrc *s, uint8_t *buf, size_t cap, size_t *got, struct err *err);

/* bytesrc_kind() - what the data turned out to be (BYTESRC_PLAIN before the first read). */
enum bytesrc_kind bytesrc_kind(const struct bytesrc *s);

/* bytesrc_kind_name() - "plain", "gzip" or "zstd". */
const char *bytesrc_kind_name(enum bytesrc_kind k);

/* bytesrc_in_bytes() - bytes read from the descriptor so far (compressed bytes). */
uint64_t bytesrc_in_bytes(const struct bytesrc *s);

/* bytesrc_close() - closes the descriptor and frees `s`; NULL is a no-op. */
void bytesrc_close(struct bytesrc *s);

#endif
