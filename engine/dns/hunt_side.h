/*
 * hunt_side.h - dns-hunt's side file of a whole roll-up: per group, what its score needs
 * that does not move when new files come (docs/partials.md, "dns-hunt's side file").
 *
 * dns-hunt scores every group again in each run (T_ACTIVE's window spans every group,
 * T_SHARE sums the group's clients' totals over every group), so the side file of the
 * group-by job (side.h: a ranked list) cannot serve it. This one holds, per group of the
 * roll-up: its key, where its bytes lie in the roll-up (offset, length, XXH3-64: read and
 * checked alone), and its score's fixed parts (struct hunt_parts: the volume factor, the sum
 * of the terms len..session, `regular`, its bytes, the most active series' hours, its
 * earliest start, its names' count, its clients' hashes); per client total of the roll-up,
 * its hash and bytes; and the window of the roll-up's groups. A re-run then scores the
 * groups no new file touched from a few words each, reads only the touched ones and the
 * few it prints from the roll-up (hunt_op.c's aux_apply()), and never reads the rest.
 * The file is read whole (read(2), never mmap: a file cut under a reader must not be a
 * SIGBUS) and checked whole.
 * Threads: caller-owned objects only.
 */
#ifndef ENGINE_HUNT_SIDE_H
#define ENGINE_HUNT_SIDE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "hunt.h"
#include "partial.h"
#include "side.h"

#define HSIDE_VERSION 1 /* bump on any change of the layout (docs/partials.md) */
#define HSIDE_HEAD    128u
#define HSIDE_ENT     96u
#define HSIDE_TAG     32u
#define HSIDE_SUFFIX  "hunt" /* DIR/<job>/<roll-up's 32 hex>-<finish's 32 hex>.hunt */

/* A loaded side file (hunt_side_parse()). */
struct hside {
    uint8_t *buf; /* the file (owned) */
    size_t len;
    size_t big; /* 0: buf is mem_alloc()ed; else mem_big_zalloc(big)ed */
    uint8_t finish_fp[16];
    struct side_roll roll;
    uint64_t groups, tags, nclients, nkeys;
    uint64_t first_hour, last_hour; /* of the roll-up's groups (UINT64_MAX, 0: none) */
    const uint8_t *ent, *tag, *cl, *keys;
    uint32_t *first;     /* first[b]: the first entry whose hash's top `first_bits` bits are >= b */
    unsigned first_bits; /* (2^first_bits + 1 of them, made by hunt_side_parse()) */
};

/* One group's entry. */
struct hside_ent {
    uint64_t hash, off, sum;
    uint32_t len;
    struct hunt_parts parts;
    const uint8_t *key;
    uint32_t key_len;
    uint32_t cl_off, ncl; /* its clients' hashes: hside_client(s, cl_off + i), ascending */
};

/*
 * hunt_side_build() - the side file (appended to `out`) of the roll-up of layout `lay`
 * whose group i has state vals[i] (whole, or as load_counts() leaves it), for finish
 * fingerprint `fp` (the score's norms). 0, or -code (ERR_INTERNAL: a key of a kind it
 * does not serve, the report's server view; ERR_LIMIT: too big).
 */
int hunt_side_build(const struct hunt *h, const struct partial_layout *lay,
                    const struct hunt_val *const *vals, const uint8_t fp[16],
                    struct partial_buf *out, struct err *err);

enum {
    HSIDE_SKIP_SUMS = 1 /* fuzzing only: checksums are not compared */
};

/* hunt_side_parse() - checks buf[0..len) whole (which `s` takes over, mem_alloc'ed). 0, or
 * -ERR_FORMAT saying why. hunt_side_fini() it either way. */
int hunt_side_parse(uint8_t *buf, size_t len, unsigned flags, struct hside *s, struct err *err);

/* hunt_side_load() - reads `path` and parses it. 0, or -code (ERR_IO, ERR_FORMAT). */
int hunt_side_load(const char *path, struct hside *s, struct err *err);

/* hunt_side_ent() - entry i (< s->groups). */
void hunt_side_ent(const struct hside *s, uint64_t i, struct hside_ent *e);

/* hunt_side_client() - client hash number i (< s->nclients). */
uint32_t hunt_side_client(const struct hside *s, uint64_t i);

/* hunt_side_tag() - client total i (< s->tags): its table hash, client hash, bytes. */
void hunt_side_tag(const struct hside *s, uint64_t i, uint64_t *hash, uint32_t *chash,
                   struct hunt_wide *bytes);

/* hunt_side_find() - the first entry whose hash is >= `hash` (s->groups: none). */
uint64_t hunt_side_find(const struct hside *s, uint64_t hash);

void hunt_side_fini(struct hside *s);

#endif
