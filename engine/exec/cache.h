/*
 * cache.h - the partial cache: one partial (partial.h) per source file and job.
 *
 * A directory DIR holds one subdirectory per job fingerprint, named by its 32
 * hex digits, and in it one partial per source file, named by the XXH3-128 of
 * the file's real path: DIR/<job>/<path>.part (a file read through --start/--end: of
 * its path and the window, cache_window()). The files are their own
 * catalog (no database: it must work over NFS and with two sweeps at once).
 *
 * A partial is used for a planned file only when all of these hold:
 *   - it loads whole (partial_load(): magic, format version, lengths, checksums);
 *   - same job fingerprint and operation state version;
 *   - same real path, size, mtime (ns), inode and device as the file now;
 *   - the file's mtime was at least CACHE_RACY_NS older than the moment the
 *     file was examined for the partial, and its ctime (now) still is (git's
 *     "racy clean" rule). A change stamps the inode's ctime from a coarse clock,
 *     at most one tick behind the clock read before the examination, and no user
 *     can set a ctime back: a rewrite after the examination (even one in place,
 *     size kept and mtime put back: cp -p, rsync --inplace -t, within the same
 *     tick) moves the ctime past "examined - CACHE_RACY_NS". The format keeps
 *     no ctime: the ctime is judged against the examination time alone.
 * A partial that exists but fails to load is reported and rebuilt; one whose
 * source changed is rebuilt silently. A partial is written only for a file
 * that was opened and passes the racy rule (cache_racy(): its mtime and ctime
 * both at least CACHE_RACY_NS old when examined): one with an old mtime but a
 * young ctime (touch -d, cp -p, rsync -t, tar x just now) is cached by a later run.
 *
 * The job fingerprint is XXH3-128 over CACHE_SEMANTICS and the job's
 * state-shaping text (cache_job_text_*): what decides the groups and their
 * states, not --having, --order, --limit or the output format.
 * Threads: cache_lookup() and cache_store() may run on many threads at once
 * on one struct cache; the rest on one thread.
 */
#ifndef ENGINE_CACHE_H
#define ENGINE_CACHE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "htab.h"
#include "partial.h"

/* Bump by hand when decoding or aggregation meaning changes and the saved bytes do not. */
#define CACHE_SEMANTICS 1
/* A roll-up's unit: CACHE_UNIT_DAYS days (by the hour in the files' paths), from a Monday. */
#ifndef CACHE_UNIT_DAYS
#    define CACHE_UNIT_DAYS 7
#endif
#define CACHE_UNIT_SHIFT (CACHE_UNIT_DAYS == 7 ? 3 : 0) /* day 0 (1970-01-01) was a Thursday */
/* A file's mtime and ctime must be this much older than its examination (ns) to be trusted. */
#define CACHE_RACY_NS (2LL * 1000000000LL)

struct cache {
    char *dir;     /* DIR (owned) */
    char *job_dir; /* DIR/<fingerprint hex> (owned) */
    uint8_t fp[16];
    char fp_hex[33];
    char job[PARTIAL_JOB_MAX];
    uint32_t state_version;
    atomic_int write_ok; /* 0: no partials are written (directory not writable, a write failed) */
    int read_ok;         /* 0: the job directory does not exist (nothing to look up) */
    int no_parts; /* cache_cover() listed the job directory: no per-file partial (.part) in it */
    int lock_fd;  /* the job directory, flock(LOCK_SH) until cache_close(); -1: none */
    /* cache_window(): the partials of files the window filters (cache_src.filtered) */
    int has_win;
    uint8_t fp_win[16];            /* their job fingerprint: the job text and the window */
    char job_win[PARTIAL_JOB_MAX]; /* their job text */
    int has_finish; /* cache_set_finish() was called: whole roll-ups get side files */
    uint8_t finish_fp[16];
    char finish_hex[33];
};

/*
 * cache_set_finish() - the run finishes with `text` (--having, --order, --epoch:
 * what decides which groups pass and their order, not --limit): the whole
 * roll-up gets a side file for it (side.h), <roll>-<XXH3-128 of text>.side.
 */
void cache_set_finish(struct cache *c, const char *text);

/* cache_side_path() - the side file of roll-up `roll_path` for c's finishing text; mem_free(). */
char *cache_side_path(const struct cache *c, const char *roll_path);

/* cache_beside_path() - the same with another ending (op.h's aux_suffix: "hunt"). */
char *cache_beside_path(const struct cache *c, const char *roll_path, const char *suffix);

struct job;

/*
 * cache_job_text_group() - the state-shaping text of group-by job `job`
 * whose --where text is `where` (NULL: none): record view, bytes mode, key
 * fields, aggregate functions and fields, --where, the Public Suffix List
 * when the job reads dns.domain; not the column names, --having, --order,
 * --limit. mem_free() it.
 */
char *cache_job_text_group(const struct job *job, const char *where);

/*
 * A source file as the cache identifies it. `path` comes last: a run keeps its
 * planned files' identities compact (cache_src_dup(), cache_src_walked(): the
 * path's bytes only, not PARTIAL_PATH_MAX each: 720 files of 4 KiB were 1,100
 * page faults of a re-run), so a struct cache_src is never copied by value.
 */
struct cache_src {
    uint64_t size;
    int64_t mtime_ns;
    int64_t ctime_ns; /* the inode's change time: a rewrite with its mtime put back moves it */
    uint64_t ino;
    uint64_t dev;
    int64_t now_ns; /* when it was examined */
    int filtered;   /* 1: the run keeps only its records in --start/--end (cache_window()) */
    char path[PARTIAL_PATH_MAX]; /* real path (a compact copy holds its bytes and NUL only) */
};

/* cache_src_dup() - a compact copy of `s` (mem_free() it). */
struct cache_src *cache_src_dup(const struct cache_src *s);

struct part_file;

/*
 * cache_src_walked() - the identity the walk's stat() gave planned file `f`
 * (part.h: its real path known, the file regular), compact, without a syscall;
 * NULL when the walk did not give one (then cache_identify_in() it).
 */
struct cache_src *cache_src_walked(const struct part_file *f);

/*
 * cache_open() - the cache of job text `job` in DIR (created if missing).
 * Returns 0, or -code when DIR cannot be used at all. When DIR can be read
 * but not written, returns 0 with c->write_ok = 0 and `warn` saying why.
 */
int cache_open(struct cache *c, const char *dir, const char *job, uint32_t state_version,
               struct err *warn);

/*
 * cache_window() - the run's --start/--end (lo_ms, hi_ms: ms since the epoch; *_set 0: open).
 * A file whose path gives no hour keeps only its records that start in the window, so its
 * partial is not its whole content: such a file (cache_src.filtered, set by the caller) has
 * partials of its own, named apart (its real path and the window) and made with the job
 * fingerprint of the job text and the window (c->fp_win), and a roll-up holds files of one
 * kind only. Every other file's partial holds the whole file, whatever the window: a file
 * is never served a partial made for the other kind (docs/partials.md). Call it before the
 * first lookup when the run has a window; a filtered file without it is never cached.
 */
void cache_window(struct cache *c, int lo_set, int64_t lo_ms, int hi_set, int64_t hi_ms);

/*
 * cache_tag_dir() - DIR tagged as a cache directory (part.h: PART_CACHEDIR_TAG, after the
 * Cache Directory Tagging Specification) unless it is already, when it holds nothing but
 * the cache's own entries (job directories, the walk's memo): a walk then never reads the
 * cache as input when it lies inside a repository (part_walk.h), and backups pass it over.
 * A DIR that holds anything else (a repository given as --cache) is left untagged. Written
 * whole under a temporary name and renamed; a failure is silent (only the tag is missing).
 * cache_open() calls it; costs one lstat() once DIR is tagged.
 */
void cache_tag_dir(const char *dir);

/* cache_close() - frees what cache_open() allocated. */
void cache_close(struct cache *c);

/* cache_identify() - stats `path` (no open). Returns 0 or -code (the file is then not cached). */
int cache_identify(const char *path, struct cache_src *s, struct err *err);

/*
 * What cache_identify_in() keeps between files: the real path of the last
 * directory it resolved, component by component. One per thread; zero it
 * (memset) before the first file.
 */
#define CACHE_IDENT_DEPTH 64
struct cache_ident {
    char in[PARTIAL_PATH_MAX];            /* the last directory, as given */
    char real[PARTIAL_PATH_MAX];          /* its real path ("" for "/") */
    uint32_t in_end[CACHE_IDENT_DEPTH];   /* end of its k+1 first components in `in` */
    uint32_t real_end[CACHE_IDENT_DEPTH]; /* ... and of their real path in `real` */
    uint32_t n;                           /* components resolved */
    int have_cwd;                         /* cwd_real holds the working directory's real path */
    char cwd_real[PARTIAL_PATH_MAX];
};

/*
 * cache_identify_in() - cache_identify() with `id` remembering the real paths
 * of the directories resolved so far: a file in a directory sharing a prefix
 * with the last costs one lstat() per new component and one for the file
 * (realpath() costs a readlink() per component). A symbolic link, "." or
 * ".." anywhere falls back to realpath(): the result is cache_identify()'s.
 */
int cache_identify_in(struct cache_ident *id, const char *path, struct cache_src *s,
                      struct err *err);

enum cache_look {
    CACHE_MISS,  /* no partial */
    CACHE_HIT,   /* a valid partial, loaded into *p */
    CACHE_STALE, /* a partial of another version of the file, or too young to trust */
    CACHE_BAD    /* a partial that cannot be used; `why` says why */
};

/* cache_lookup() - the partial of `s` (see above). On CACHE_HIT partial_fini(p) after use. */
enum cache_look cache_lookup(const struct cache *c, const struct cache_src *s, struct partial *p,
                             struct err *why);

/*
 * cache_head_valid() - 1 when the partial of `s` has a header that would make it a
 * CACHE_HIT (its body is not read: a damaged body shows when it is loaded).
 */
int cache_head_valid(const struct cache *c, const struct cache_src *s);

/* cache_racy() - 1 when a partial of `s` would not be trusted: its mtime or ctime is less
 * than CACHE_RACY_NS before s->now_ns (the file is too young). */
int cache_racy(const struct cache_src *s);

/*
 * cache_store() - writes the partial of `s`: header `info` (its job, source
 * and version fields are filled here), groups of `t`. Returns bytes written
 * or -code; an I/O failure (disk full, directory gone) clears c->write_ok,
 * so that no more partials are tried and the caller warns once.
 */
int64_t cache_store(struct cache *c, const struct cache_src *s, struct partial_info *info,
                    const struct htab *t, uint32_t val_len, partial_save_fn *save, const void *ctx,
                    struct err *err);

/*
 * Roll-ups: a partial of many source files (partial_info.members), named
 * DIR/<job>/<XXH3-128 of its members' paths and identities>.roll. A run folds
 * the files of one unit (a day by the hour in their paths, else a directory)
 * that one worker reads into one table and writes it as a roll-up; a run that
 * was made of many pieces writes one roll-up of everything. A roll-up serves a
 * run when every one of its members is a planned file, unchanged (path, size,
 * mtime, inode, device) and old enough (the racy rule, per member: cache.h).
 */
struct cache_roll {
    char *path; /* the roll-up's file (owned) */
    uint32_t nmembers;
    int filtered; /* its members are filtered files (cache_window()), made under this window */
    size_t *idx;  /* plan index of each member, in the file's member order (owned) */
    struct partial *head; /* its head and members as cache_cover() read them (owned) */
};

/*
 * cache_cover() - the roll-ups serving planned files srcs[0..n) (srcs[i] NULL:
 * not cached), chosen greedily, most members first, no two sharing a file;
 * *rolls (cache_rolls_free() it). A roll-up whose head or members do not load
 * is named in *warns (mem_free each and the array) and removed; one with a
 * member changed or too young is removed (when the cache is writable).
 * *seen: the roll-ups the job directory held. Sets c->no_parts when the listing
 * held no per-file partial (a cold cache: its files are not looked up one by one;
 * a .part written after the listing is missed, and its file read). Returns the
 * number chosen; each keeps the head it was chosen from (PARTIAL_LOAD_HEAD_ONLY), so
 * that a run need not read it again (runner.c's side file binds to it).
 */
size_t cache_cover(struct cache *c, struct cache_src *const *srcs, size_t n,
                   struct cache_roll **rolls, char ***warns, size_t *nwarns, size_t *seen);
void cache_rolls_free(struct cache_roll *r, size_t n);

/* cache_roll_matches() - 1 when loaded roll-up `p` has the members `r` was chosen for, unchanged.
 */
int cache_roll_matches(const struct cache *c, const struct partial *p, const struct cache_roll *r,
                       struct cache_src *const *srcs);

/* cache_drop() - removes cache entry `path` (when the cache is writable). */
void cache_drop(struct cache *c, const char *path);

/*
 * cache_store_roll() - writes the roll-up of members m[0..n) (sorted here by
 * path) with groups `t`; `filtered`: every member is a filtered file (cache_window()),
 * else none is. Returns bytes written or -code, as cache_store().
 */
int64_t cache_store_roll(struct cache *c, struct partial_member *m, uint32_t n, int filtered,
                         const struct htab *t, uint32_t val_len, partial_save_fn *save,
                         const void *ctx, struct err *err);

/*
 * cache_store_roll_keep() - cache_store_roll() that also hands back the file's
 * path (*path, mem_free() it) when the write succeeded, and with `lay`, the
 * layout of what it wrote (partial_write_at(); partial_layout_fini() it).
 */
int64_t cache_store_roll_keep(struct cache *c, struct partial_member *m, uint32_t n, int filtered,
                              const struct htab *t, uint32_t val_len, partial_save_fn *save,
                              const void *ctx, char **path, struct partial_layout *lay,
                              struct err *err);
/*
 * cache_store_side() - writes side file bytes b[0..len) for roll-up `roll_path`
 * (through a temporary name, renamed). Bytes written or -code, as cache_store().
 */
int64_t cache_store_side(struct cache *c, const char *roll_path, const uint8_t *b, size_t len,
                         struct err *err);

/* cache_store_beside() - cache_store_side() of a file with another ending (op.h's aux_suffix). */
int64_t cache_store_beside(struct cache *c, const char *roll_path, const char *suffix,
                           const uint8_t *b, size_t len, struct err *err);

/* What `cache stats` shows of one job's partials. */
struct cache_job_stats {
    char fp_hex[33];
    char job[PARTIAL_JOB_MAX]; /* the newest readable partial's (one of the directory's own job
                                  first) */
    uint64_t entries;          /* partials that load (roll-ups included) */
    uint64_t rollups;          /* of which roll-ups */
    uint64_t sides;            /* side files of roll-ups (side.h), counted apart */
    uint64_t side_bytes;
    uint64_t roll_members;    /* their members, summed (a file in two roll-ups counts twice) */
    uint64_t bytes;           /* their bytes */
    uint64_t damaged_sources; /* partials that keep a damaged file's verdict */
    uint64_t unreadable;      /* files named as the cache's that do not load as partials */
    uint64_t unreadable_bytes;
    uint64_t
        foreign; /* files not named as the cache's (cache prune leaves them: "not the cache's") */
    int64_t oldest_ns, newest_ns; /* when their sources were examined */
    int64_t job_ns;               /* private: when the partial `job` is from was made ... */
    int job_own; /* ... and whether its fingerprint names the directory (not a window's) */
};

#define CACHE_PRUNE_NAMED 8 /* files not the cache's named in a prune's result, at most */

/*
 * Entries of DIR itself that are not job directories (a name other than 32 lowercase hex
 * digits, or one that is not a directory, or a symbolic link), the walk's memo (walk.memo,
 * part_memo.h) and its temporaries aside: the cache never writes them,
 * never reads, removes or follows them; stats and prune count and name them.
 */
struct cache_top {
    uint64_t n;
    char *path[CACHE_PRUNE_NAMED]; /* the first of them (owned), NULL after the last */
};

/* cache_top_fini() - frees t's names. */
void cache_top_fini(struct cache_top *t);

/*
 * cache_stats() - one row per job directory of DIR, by fingerprint; mem_free(*jobs);
 * DIR's other entries in *top (cache_top_fini() it either way).
 * Reads headers only: a partial whose body is damaged still counts as an
 * entry here (a sweep and cache_prune() check whole files).
 */
int cache_stats(const char *dir, struct cache_job_stats **jobs, size_t *njobs,
                struct cache_top *top, struct err *err);

struct cache_prune_opts {
    double older_than_days; /* < 0: no age rule */
    int missing_sources;    /* 1: remove partials whose source is gone or changed */
};

struct cache_prune_result {
    uint64_t removed,
        removed_bytes; /* partials (and unreadable files, stale temporaries) removed */
    uint64_t kept, kept_bytes;
    uint64_t foreign;                      /* files of job directories that are not the cache's */
    uint64_t in_use;                       /* job directories passed over: a sweep holds them */
    char *foreign_path[CACHE_PRUNE_NAMED]; /* the first of them (owned), NULL after the last */
    struct cache_top top;                  /* DIR's entries that are not job directories */
};

/*
 * cache_prune() - removes the partials of DIR that match `o`, every partial or
 * roll-up (by its name: 32 hex digits, .part or .roll) that does not load, and
 * the cache's temporaries older than an hour (a crashed writer's); then empty
 * job directories. A file whose name is not one the cache writes is never
 * removed: it is counted in r->foreign (a job directory holding one stays).
 * A job directory a running sweep holds (cache_open() until cache_close(): a
 * shared flock) is passed over whole and counted in r->in_use: a prune never
 * removes a running sweep's partials or its job directory.
 * Returns 0 or -code; cache_prune_result_fini(r) either way.
 */
int cache_prune(const char *dir, const struct cache_prune_opts *o, struct cache_prune_result *r,
                struct err *err);

/* cache_prune_result_fini() - frees r's foreign_path and top names. */
void cache_prune_result_fini(struct cache_prune_result *r);

#endif
