/*
 * part_memo.h - the walk's memo of directory listings (docs/partials.md "The walk memo").
 *
 * A run with a partial cache (--cache DIR) keeps, in DIR/walk.memo, the sorted names (and
 * readdir() types) of the directories its walk read, each under the directory's identity:
 * device, inode, modification and status-change times (ns). A later walk that finds a
 * directory with the same identity takes its names from the memo instead of opening and
 * reading it (every name is still examined as before: a file's identity is its own
 * lstat()). Adding, removing or renaming an entry sets the directory's mtime and ctime to
 * the clock, and the ctime cannot be set back; a listing is kept only when both times were
 * at least PART_MEMO_RACY_NS older than the clock before the directory was examined (the
 * cache's racy rule: the kernel stamps times from a coarse clock, so a change in the same
 * tick could keep them), so a directory changed since it was read never matches.
 * Threads: one walk at a time (the walk's own rule).
 */
#ifndef ENGINE_PART_MEMO_H
#define ENGINE_PART_MEMO_H

#include <stddef.h>
#include <stdint.h>

struct err;

#define PART_MEMO_NAME    "walk.memo"
#define PART_MEMO_RACY_NS 2000000000LL /* 2 s, as the partial cache's racy rule */
#define PART_MEMO_MAX     (1u << 24)   /* directories in a memo file */

struct part_memo;

/* A directory as the walk examined it. */
struct part_memo_dir {
    uint64_t dev, ino;
    int64_t mtime_ns, ctime_ns;
    int64_t seen_ns; /* the clock just before it was examined */
};

/*
 * part_memo_load() - the memo in `path`, or an empty one when the file cannot be opened
 * (none yet, or an unusable directory). A file that cannot be read or fails a check
 * (magic, version, lengths, order, names, checksum) gives an empty memo too, and its
 * reason in `warn` (ERR_FORMAT or ERR_IO; `warn` untouched otherwise): the walk then
 * reads every directory, and the file is replaced when the memo is saved. Never NULL.
 */
struct part_memo *part_memo_load(const char *path, struct err *warn);

/*
 * part_memo_parse() - part_memo_load() of bytes in memory (the fuzz target's entry);
 * PART_MEMO_NO_CHECKSUM in `flags` skips the checksum (so that fuzzing reaches the
 * checks behind it).
 */
#define PART_MEMO_NO_CHECKSUM 1u
struct part_memo *part_memo_parse(const uint8_t *buf, size_t len, unsigned flags, struct err *warn);

/*
 * part_memo_get() - the names of directory `d` when the memo holds them under the same
 * identity: a new array of *n names (the readdir() type in the byte before each, as
 * part_walk.c keeps them; the names are in the array's own allocation: one mem_free() of
 * the array frees them all), else NULL. The entry counts as used (kept when saved).
 */
char **part_memo_get(struct part_memo *m, const struct part_memo_dir *d, size_t *n);

/*
 * part_memo_put() - keeps the complete, sorted listing `names[0..n)` (typed as above) of
 * directory `d`, when its times are old enough (see above); else nothing.
 */
void part_memo_put(struct part_memo *m, const struct part_memo_dir *d, char *const *names,
                   size_t n);

/*
 * part_memo_save() - writes the directories used or put since the load to `path` (a
 * temporary name in the same directory, then rename()) when some were put, or when more
 * than a quarter of those loaded were not used (else the file stays: what was used is in
 * it). 0, or -code with `err` set (the caller may ignore it: the memo only saves work).
 */
int part_memo_save(struct part_memo *m, const char *path, struct err *err);

/* part_memo_stats() - directories loaded, taken from the memo, and put since the load. */
void part_memo_stats(const struct part_memo *m, size_t *loaded, size_t *hits, size_t *puts);

/* part_memo_free() - frees `m` (NULL is fine). */
void part_memo_free(struct part_memo *m);

#endif
