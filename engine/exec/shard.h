/*
 * shard.h - one job split over processes: the split of a plan into shards,
 * and the shard file that carries one shard's groups to `flowsweep merge`.
 *
 * shard_split() gives shard i of n: the plan's files dealt, in plan order
 * (largest first), each to the shard holding the fewest bytes so far (then
 * the fewest files, then the lowest index). Every process that plans the same
 * repository gets the same split, so `--shard i/N` runs (job arrays, GNU
 * parallel) and MPI ranks (engine/dist) need not talk to agree on it.
 *
 * A shard file is a head, then one partial (partial.h) of all the shard's
 * groups, every hash partition:
 *   magic "\x89FSSHRD\n", format version (u32), head length (u32),
 *   shard index and count (u32 each), planned files of the whole job (u64),
 *   the plan's fingerprint (u64: XXH3-64 over every planned path and size),
 *   files of this shard (u64), the sweep's counts (8 x u64: files, bytes,
 *   flows, records, kept, dns records, other, damaged), the job (u32 length,
 *   then its command words each ended by a NUL byte), what the job read besides the flows
 *   (u32 length, then text: one line per --where watchlist, "@PATH xxh3=HEX" of its contents as
 *   read, and "psl=..." (domain_list_identity()) when the job splits registered domains;
 *   merge and MPI ranks refuse shards that differ there), the bad files (u32
 *   count, then each: u32 path length, path, u32 message length, message,
 *   u64 flows counted, u32 1 when reading went on after the damage), the walk's files outside the
 *   time window and passed over by name (u64 each), the walk's skips (u32 count, then each: u32
 *   path length, path, u32 reason length, reason, u32 errno, u32 1 when files may be missing
 *   below it), XXH3-64 of everything before it; then the partial, which checks itself
 * (partial_parse()). Integers are little-endian. The head alone (shard_head_encode()) also carries
 * a rank's counts and bad files to rank 0 under MPI. Written to a dot-prefixed temporary name, then
 * renamed: whole or absent. Threads: every call works on caller-owned objects.
 */
#ifndef ENGINE_SHARD_H
#define ENGINE_SHARD_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "part_plan.h"
#include "partial.h"
#include "runner.h"
#include "sweep.h"

#define SHARD_VERSION 3          /* format version: bump on any layout change */
#define SHARD_MAX     100000u    /* most shards (or ranks) a job is split into */
#define SHARD_JOB_MAX (1u << 20) /* longest job text kept */

/*
 * shard_split() - `sub` = the files of shard i of n of `plan` (see above), in
 * plan order; its file entries borrow `plan`'s paths: free with
 * shard_plan_fini(), never part_plan_fini(). Needs n >= 1 and i < n.
 */
void shard_split(const struct part_plan *plan, unsigned i, unsigned n, struct part_plan *sub);

/* shard_plan_fini() - frees what shard_split() allocated. */
void shard_plan_fini(struct part_plan *sub);

/* shard_plan_fp() - the fingerprint of `plan`'s file list: XXH3-64 over (path, size) each. */
uint64_t shard_plan_fp(const struct part_plan *plan);

/* What a shard (or a rank) read: the head of a shard file. */
struct shard_head {
    uint32_t index;      /* this shard, 0-based */
    uint32_t count;      /* shards of the job */
    uint64_t plan_files; /* files of the whole plan */
    uint64_t plan_fp;    /* shard_plan_fp() of the whole plan */
    uint64_t files;      /* files of this shard */
    struct sweep_stats stats;
    char *job;             /* command words, each NUL-ended (owned; NULL: none) */
    size_t job_len;        /* bytes of job */
    char *inputs;          /* watchlists' and PSL's identity, text (owned; NULL: none) */
    size_t inputs_len;     /* bytes of inputs */
    struct sweep_bad *bad; /* bad files of this shard, sorted by path (owned) */
    size_t nbad;
    uint64_t outside_window; /* the walk's: files outside --start/--end */
    uint64_t passed;         /* the walk's: files passed over by name */
    struct part_skip *skips; /* the walk's skips, sorted by path (owned when decoded) */
    size_t nskips;
    size_t lost; /* skips with `lost` set (decoded: counted, not stored) */
};

/* shard_head_encode() - appends head `h` (with its checksum) to `b`. */
void shard_head_encode(const struct shard_head *h, struct partial_buf *b);

/*
 * shard_head_decode() - a head from p[0..len): 0 with *used its bytes, or
 * -ERR_FORMAT with `err` saying what is wrong. shard_head_fini() it either way.
 */
int shard_head_decode(const uint8_t *p, size_t len, struct shard_head *h, size_t *used,
                      struct err *err);

/* shard_head_fini() - frees what `h` owns. */
void shard_head_fini(struct shard_head *h);

/*
 * shard_write() - writes the shard file of head `h` and the groups of
 * res->tables[0] to `path` (temporary name, then rename). Returns the bytes
 * written or -code (ERR_IO: nothing left at `path`).
 */
int64_t shard_write(const char *path, const struct shard_head *h, const struct runner_result *res,
                    struct err *err);

/* A loaded shard file. */
struct shard_file {
    struct shard_head head;
    struct partial part; /* its groups (partial_next(), runner_absorb()) */
};

/*
 * shard_load() - reads `path` and checks it whole (head, then the partial).
 * Returns 0, or -code with `err` saying why (ERR_IO, ERR_FORMAT). shard_file_fini() it either way.
 */
int shard_load(const char *path, struct shard_file *f, struct err *err);

/* shard_file_fini() - frees what shard_load() kept. */
void shard_file_fini(struct shard_file *f);

#endif
