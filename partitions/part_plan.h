/*
 * part_plan.h - the work units of a run: the walked files whose hour is in
 * the time window, largest first so dynamic scheduling ends balanced.
 *
 * Rules (applied by part_walk, before duplicates are removed): with a bounded window, a file whose
 * hour is outside it is counted in `outside_window` (not listed: a month of hourly files would
 * flood the terminal); a file whose hour cannot be told is kept (the sweep filters its records
 * by their start time); with no window every file is kept. Order: size descending, then path
 * ascending (strcmp) - a total order, so the plan is the same on every run over the same tree.
 * Threads: calls part_walk_paths(); run it before worker threads start. The
 * finished plan is read-only and may be shared by any number of threads.
 */
#ifndef ENGINE_PART_PLAN_H
#define ENGINE_PART_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "part.h"
#include "part_name.h"
#include "part_window.h"

struct err;

struct part_plan {
    struct part_file *files;  /* work units, largest first; hour set when told */
    size_t nfiles;            /* entries in files */
    uint64_t total_bytes;     /* sum of files[].size */
    struct part_skip *skips;  /* paths left out with a reason, sorted by path */
    size_t nskips;            /* entries in skips */
    size_t lost;              /* skips with `lost` set: files may be missing (exit 3) */
    size_t outside_window;    /* files left out because their hour is outside the window */
    size_t hidden;            /* names starting with '.' not walked */
    struct part_skip *passed; /* files passed over by name (part_name.h), sorted by path */
    size_t npassed;           /* entries in passed */
};

/*
 * part_plan_build() - walks `paths[0..npaths)` (see part_walk.h) and keeps
 * the files in window `w` (NULL: no window) in `plan` (caller storage,
 * overwritten). Returns 0, or -code with `err` set as part_walk_paths() does;
 * on failure `plan` is left empty. An empty plan is not an error. Release
 * with part_plan_fini() either way.
 */
int part_plan_build(const char *const *paths, size_t npaths, const struct part_window *w,
                    struct part_plan *plan, struct err *err);

/*
 * part_plan_build_filtered() - part_plan_build() with the user's --include /
 * --exclude globs (`filter`, may be NULL). Files a directory walk passes over
 * by name are in plan->passed. Standard input (PART_STDIN) is kept whatever
 * the window: it has no path to tell an hour from.
 */
int part_plan_build_filtered(const char *const *paths, size_t npaths, const struct part_window *w,
                             const struct part_filter *filter, struct part_plan *plan,
                             struct err *err);

/*
 * part_plan_build_memo() - part_plan_build_filtered() whose walk uses `memo` (NULL: none):
 * part_walk_paths_memo(). The plan is the same.
 */
struct part_memo;
int part_plan_build_memo(const char *const *paths, size_t npaths, const struct part_window *w,
                         const struct part_filter *filter, struct part_memo *memo,
                         struct part_plan *plan, struct err *err);

/*
 * part_plan_order_by_time() - reorders plan->files by hour (files whose hour
 * is unknown last), then path: the order `export` writes in.
 */
void part_plan_order_by_time(struct part_plan *plan);

/* part_plan_fini() - frees what `plan` owns and empties it; safe to repeat. */
void part_plan_fini(struct part_plan *plan);

#endif
