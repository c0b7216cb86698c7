/*
 * side.h - the side file of a whole roll-up: what a re-run needs to finish
 * without loading the roll-up's groups (docs/partials.md, "Side files").
 *
 * A roll-up (partial.h, cache.h) holds every group of many source files. Its
 * side file, made for one finishing text (--having, --order, --epoch), holds:
 *   - the roll-up's identity: its length and its header's, members' and
 *     trailer's checksums (a side file serves that roll-up only);
 *   - counts: the roll-up's groups, those passing --having, those listed;
 *   - the list: the first `listed` passing groups in the output's total
 *     order, as entry numbers;
 *   - the entries, one per group of the roll-up, sorted by (key hash, offset):
 *     the key hash, the group's offset and length in the roll-up, its rank
 *     (its place in the list, SIDE_UNLISTED when it passes but is not listed,
 *     SIDE_NOT_PASSING), and the XXH3-64 of the group's bytes (so one group
 *     is read and checked alone: side_group()).
 * A re-run folds only what is new, looks each new key up (side_find()),
 * merges the old state of those found and finishes with the first entries
 * of the list (runner.c). The file is read whole (read(2), never mmap: a
 * file cut under a reader must not be a SIGBUS) and checked whole: header
 * and body checksums, every count, the order of the entries, every rank.
 * Threads: caller-owned objects only.
 */
#ifndef ENGINE_SIDE_H
#define ENGINE_SIDE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "htab.h"
#include "memacct.h"
#include "partial.h"

#define SIDE_VERSION     1 /* bump on any change of the layout (docs/partials.md) */
#define SIDE_HEAD        128u
#define SIDE_ENT         32u
#define SIDE_NOT_PASSING 0xFFFFFFFFu  /* rank of a group that fails --having */
#define SIDE_UNLISTED    0xFFFFFFFEu  /* rank of a passing group past the list */
#define SIDE_GROUPS_MAX  (1ull << 32) /* a roll-up with more groups gets no side file */

/* What binds a side file to its roll-up. */
struct side_roll {
    uint64_t size;        /* the roll-up's bytes */
    uint64_t head_sum;    /* its header's checksum */
    uint64_t members_sum; /* its members section's */
    uint64_t trailer_sum; /* its trailer's */
};

/* side_roll_of() - the identity of loaded roll-up `p` (at least its head and members). */
void side_roll_of(const struct partial *p, struct side_roll *r);

/* A loaded side file (side_parse()). */
struct side {
    uint8_t *buf; /* the file (owned; NULL after side_open(): read as side_finish() needs) */
    size_t len;
    int fd1;    /* side_open(): the file's descriptor + 1 (owned); 0: none */
    size_t big; /* 0: buf is mem_alloc()ed; else mem_big_zalloc(big)ed (side_load()) */
    uint8_t finish_fp[16];
    struct side_roll roll;
    uint64_t groups;     /* the roll-up's groups (entries) */
    uint32_t *first;     /* first[b]: the first entry whose hash's top `first_bits` bits are >= b */
    unsigned first_bits; /* (2^first_bits + 1 of them, made by side_parse(): side_find()) */
    uint64_t passed;     /* of which pass --having */
    uint64_t listed;     /* of which the first `listed` in order are in the list */
};

/* One entry. */
struct side_ent {
    uint64_t hash;
    uint64_t off; /* the group's offset in the roll-up */
    uint32_t len; /* its bytes */
    uint32_t rank;
    uint64_t sum; /* XXH3-64 of its bytes */
};

/* A passing group, as side_build() is handed it: its key hash and key bytes. */
struct side_key {
    uint64_t hash;
    const uint8_t *key;
    uint32_t key_len;
};

/*
 * side_build() - the side file (appended to `out`) of the roll-up whose
 * layout is `roll` (partial_write_at() as it wrote it, or partial_layout_of()
 * a loaded one) for finishing text fingerprint `fp`: pass[0..npass) are its
 * groups passing --having (any order), list[0..nlist) the first nlist of them
 * in the output's order. 0, or -code (ERR_INTERNAL: a key that is not the
 * roll-up's; ERR_LIMIT: too many groups).
 */
int side_build(const struct partial_layout *roll, const uint8_t fp[16], const struct side_key *pass,
               size_t npass, const struct side_key *list, size_t nlist, struct partial_buf *out,
               struct err *err);

enum {
    SIDE_SKIP_SUMS = 1 /* fuzzing only: checksums are not compared */
};

/*
 * side_parse() - checks side file buf[0..len) whole (which `s` takes over,
 * mem_alloc'ed) and indexes its entries by their hashes' top bits for side_find().
 * 0, or -ERR_FORMAT saying why. side_fini() it either way.
 */
int side_parse(uint8_t *buf, size_t len, unsigned flags, struct side *s, struct err *err);

/* side_load() - reads `path` and side_parse()s it. 0, or -code (ERR_IO, ERR_FORMAT). */
int side_load(const char *path, struct side *s, struct err *err);

/*
 * side_open() - opens `path` and checks its header and length (as side_parse() does) into
 * *s, keeping the file open and unread: side_finish() then reads its list and entries a
 * part at a time, checking them as side_parse() does, and uses only what the run needs
 * (side_ent(), side_list(), side_find() are for a parsed file only). 0, or -code (ERR_IO,
 * ERR_FORMAT). side_fini() it either way.
 */
int side_open(const char *path, struct side *s, struct err *err);

/* side_ent() - entry i (< s->groups). side_list() - the entry number at list place k. */
void side_ent(const struct side *s, uint64_t i, struct side_ent *e);
uint64_t side_list(const struct side *s, uint64_t k);

/* side_find() - the first entry whose hash is `hash` (or the first above it; groups: none). */
uint64_t side_find(const struct side *s, uint64_t hash);

/*
 * side_group() - reads the group of entry `e` from roll-up descriptor `fd`
 * into buf (grown as needed) and parses it into *g (pointing into *buf):
 * its bytes must have e->sum, its hash e->hash. 0, or -code (ERR_IO,
 * ERR_FORMAT) naming `name`.
 */
int side_group(int fd, const char *name, const struct side_ent *e, struct partial_buf *buf,
               struct partial_entry *g, struct err *err);

struct op;

/* Rows listed beyond --limit: max(SIDE_EXTRA_MIN, groups / 64) (docs/partials.md). */
#define SIDE_EXTRA_MIN 2048u
size_t side_extra(uint64_t groups);

/*
 * side_make() - the side file (appended to `out`) of the roll-up of layout
 * `roll` whose groups are exactly those of table `t`, finished by `op`
 * (op->rank(), with `extra` rows beyond its limit) for finishing text
 * fingerprint `fp`. With list != NULL, *list and *nlist get the ranked
 * first rows (mem_free() it) and *npass the groups passing. 0 or -code.
 */
int side_make(const struct op *op, const struct partial_layout *roll, const struct htab *t,
              int threads, size_t extra, const uint8_t fp[16], struct partial_buf *out,
              struct htab_entry ***list, size_t *nlist, size_t *npass, struct err *err);

/* What side_finish() leaves for the finish. */
struct side_done {
    uint64_t groups;         /* groups of the run: the roll-up's and the new keys */
    uint64_t passed_base;    /* groups passing --having outside the table: add the table's */
    uint64_t touched;        /* keys of the table */
    uint64_t found;          /* of which the roll-up held */
    uint64_t loaded;         /* listed groups loaded into the table */
    uint64_t listed_touched; /* keys of the table in the list (the list's margin they took) */
    int side_bad;            /* on failure: the side file itself (side_open()ed) failed */
};

/*
 * side_finish() - table `t` holds the groups of everything but roll-up `fd`
 * (named `name`), whose side file is `s`: the roll-up's state of each of t's
 * keys is merged in, and the first op->limit listed groups that t does not
 * hold are added (all listed when op->limit is 0), so that op->finish() of
 * `t` prints what the roll-up and t together print; *d the counts to put
 * right. Returns 0; 1 when the list is too short for this run; -ERR_FORMAT
 * or -ERR_IO (a group of the roll-up fails its checksum, a state does not
 * load; or, d->side_bad set, the side_open()ed side file fails its checks
 * or cannot be read) with `err` saying why; -ERR_LIMIT. On 1 and every failure but
 * ERR_LIMIT, `t` is as it was.
 */
int side_finish(const struct op *op, struct htab *t, const struct side *s, int fd, const char *name,
                struct memacct *acct, struct side_done *d, struct err *err);

/* side_fini() - frees the file's bytes (closes a side_open()ed file). */
void side_fini(struct side *s);

#endif
