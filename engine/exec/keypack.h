/*
 * keypack.h - group keys as packed byte strings, and back to output cells.
 *
 * A key is the concatenation of its fields, each self-delimiting:
 *   number      8 bytes big-endian (byte order = numeric order)
 *   address     17 bytes: family (4 or 6), then the 16-byte address
 *   dns.names   u16 count, then per name u16 length + bytes (all big-endian)
 *   dns.types   u16 count, then per record u16 type
 * so equal keys are equal byte strings (hash and memcmp, no padding). A
 * flow's DNS list is cut at KEYPACK_MAX_ITEMS records and names at
 * KEYPACK_MAX_NAME bytes (both beyond what one IPFIX message can carry).
 * Threads: pure functions over caller buffers.
 */
#ifndef ENGINE_KEYPACK_H
#define ENGINE_KEYPACK_H

#include <stddef.h>
#include <stdint.h>

#include "job.h"
#include "out.h"
#include "record.h"

#define KEYPACK_MAX_ITEMS 65535u
#define KEYPACK_MAX_NAME  65535u

/* A growable key buffer, one per worker. */
struct keybuf {
    uint8_t *p;
    size_t len;
    size_t cap;
};

void keybuf_fini(struct keybuf *k);

/*
 * keypack_append() - packs the key columns of `job` for record `r` at the end
 * of `k` (k->len grows by the key's length): a batch's keys in one buffer.
 */
void keypack_append(const struct job *job, const struct rec *r, struct keybuf *k);

/* keypack_build() - packs the key columns of `job` for record `r` into `k` (replaced). */
static inline void
keypack_build(const struct job *job, const struct rec *r, struct keybuf *k)
{
    k->len = 0;
    keypack_append(job, r, k);
}

/*
 * keypack_cells() - the output cells of the key columns, pointing into `key`
 * (cells[i] for key column i). Returns 0, or -1 if the key is malformed.
 */
int keypack_cells(const struct job *job, const uint8_t *key, size_t len, struct out_cell *cells);

#endif
