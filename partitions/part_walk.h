/*
 * part_walk.h - PATH arguments into the list of data files they name.
 *
 * Each PATH is a file or a directory walked recursively. Rules:
 *  - regular files only (symlinks to files are followed);
 *  - names starting with '.' are not entered or listed (counted in `hidden`),
 *    except a PATH argument itself, which is taken as given;
 *  - X.lock is skipped as a lock file, and X is skipped while X.lock exists
 *    beside it (YAF is still writing X);
 *  - a directory already walked (same st_dev/st_ino: symlink loops, a PATH
 *    inside another) is not walked again, and a file already listed under
 *    another name (symlink, hard link, repeated PATH) is listed once;
 *  - files a directory walk finds are taken only when their names look like
 *    flow files (part_name.h; --include / --exclude); the others are listed
 *    in `passed` with the reason, apart from the skips (a README is not a
 *    problem to warn about). A PATH argument that is a file is always taken;
 *  - PART_STDIN ("-") as a PATH is standard input, listed as a file of size 0
 *    (once; a second "-" is a duplicate);
 *  - a directory whose listing holds PART_CACHEDIR_TAG, a file that begins with
 *    PART_CACHEDIR_SIGNATURE (a cache directory: the partial cache's --cache DIR
 *    among others), is not entered: a skip (PART_WHY_CACHEDIR, not `lost`), a
 *    PATH argument too (nothing of it walked); the tag is read only when the name
 *    is there, its first 43 bytes, never followed when a link, never waited on;
 *  - every skip except hidden names is recorded with its reason;
 *  - with a bounded time window (part_walk_paths_filtered()), a file whose
 *    hour is outside it is counted in `outside_window` (a file whose hour
 *    cannot be told is kept: the sweep filters its records by their start
 *    time, sweep.h) before duplicates are removed, so a hard link whose first path is outside the
 * window still reads the file through the path that is inside it;
 *  - below a PATH, a directory that cannot be read, an entry that cannot be
 *    stat()ed (permissions, a path longer than PATH_MAX, I/O errors) and a
 *    directory nested deeper than PART_WALK_MAX_DEPTH are skips with `lost`
 *    set (their files may be missing from the answer) and the walk goes on,
 *    as GNU find does. Only a PATH argument itself is fatal.
 * Order: PATH arguments as given, each directory's entries sorted by bytes
 * (strcmp), depth first: the same tree gives the same list whatever order
 * readdir(3) returns.
 * Threads: uses readdir(3), which is not thread-safe; run it before worker
 * threads start (the CLI plans before the parallel region).
 */
#ifndef ENGINE_PART_WALK_H
#define ENGINE_PART_WALK_H

#include <stddef.h>

#include "part.h"
#include "part_name.h"
#include "part_window.h"

struct err;

#define PART_WALK_MAX_DEPTH 128 /* directory nesting below a PATH; deeper is a lost skip */

struct part_walk {
    struct part_file *files;  /* files found, in walk order; hour set when told */
    size_t nfiles;            /* entries in files */
    struct part_skip *skips;  /* paths left out, in walk order */
    size_t nskips;            /* entries in skips */
    size_t hidden;            /* names starting with '.' not entered */
    size_t lost;              /* skips with `lost` set */
    size_t outside_window;    /* files whose hour is outside the window (not listed) */
    struct part_skip *passed; /* files passed over by name (part_name.h), in walk order */
    size_t npassed;           /* entries in passed */
};

/*
 * part_walk_paths() - walks `paths[0..npaths)` into `walk` (caller storage,
 * overwritten). Returns 0, or -code with `err` set, naming the whole path:
 * ERR_IO when a PATH does not exist or cannot be read (a PATH directory that
 * cannot be listed), ERR_USAGE when a PATH is neither a regular file nor a
 * directory. On failure `walk` is left empty. Either way release it with
 * part_walk_fini().
 */
int part_walk_paths(const char *const *paths, size_t npaths, struct part_walk *walk,
                    struct err *err);

/*
 * part_walk_paths_filtered() - part_walk_paths() with the user's globs
 * (`filter`, may be NULL) and time window `w` (NULL or unbounded: none),
 * applied before duplicates are removed.
 */
int part_walk_paths_filtered(const char *const *paths, size_t npaths,
                             const struct part_filter *filter, const struct part_window *w,
                             struct part_walk *walk, struct err *err);

/*
 * part_walk_paths_memo() - part_walk_paths_filtered() that takes a directory's names from
 * `memo` when it holds them under the directory's identity (part_memo.h), and puts there
 * the listings it reads (NULL: none). The result is the same.
 */
struct part_memo;
int part_walk_paths_memo(const char *const *paths, size_t npaths, const struct part_filter *filter,
                         const struct part_window *w, struct part_memo *memo,
                         struct part_walk *walk, struct err *err);

/* part_walk_fini() - frees what `walk` owns and empties it; safe to repeat. */
void part_walk_fini(struct part_walk *walk);

#endif
