/*
 * part_plan.c - walked files into work units; see part_plan.h.
 *
 * The walk's arrays are taken over and filtered in place: a file out of the
 * window has its path freed, a file whose hour is unknown moves to the skips.
 * Then files are sorted largest first (ties by path) and skips by path.
 */
#include "part_plan.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "part_hour.h"
#include "part_walk.h"

static int
cmp_file(const void *a, const void *b)
{
    const struct part_file *x = a, *y = b;

    if (x->size != y->size)
        return x->size > y->size ? -1 : 1;
    return strcmp(x->path, y->path);
}

static int
cmp_skip(const void *a, const void *b)
{
    const struct part_skip *x = a, *y = b;
    int c = strcmp(x->path, y->path);

    return c != 0 ? c : strcmp(x->why, y->why);
}

/* Time order: hour ascending (unknown hours last), then path. */
static int
cmp_time(const void *a, const void *b)
{
    const struct part_file *x = a, *y = b;
    int xu = x->hour == PART_HOUR_UNKNOWN, yu = y->hour == PART_HOUR_UNKNOWN;

    if (xu != yu)
        return xu - yu;
    if (x->hour != y->hour)
        return x->hour < y->hour ? -1 : 1;
    return strcmp(x->path, y->path);
}

void
part_plan_order_by_time(struct part_plan *plan)
{
    if (plan->nfiles > 1)
        qsort(plan->files, plan->nfiles, sizeof(*plan->files), cmp_time);
}

int
part_plan_build(const char *const *paths, size_t npaths, const struct part_window *w,
                struct part_plan *plan, struct err *err)
{
    return part_plan_build_filtered(paths, npaths, w, NULL, plan, err);
}

int
part_plan_build_filtered(const char *const *paths, size_t npaths, const struct part_window *w,
                         const struct part_filter *filter, struct part_plan *plan, struct err *err)
{
    return part_plan_build_memo(paths, npaths, w, filter, NULL, plan, err);
}

int
part_plan_build_memo(const char *const *paths, size_t npaths, const struct part_window *w,
                     const struct part_filter *filter, struct part_memo *memo,
                     struct part_plan *plan, struct err *err)
{
    struct part_walk walk;
    int rc;

    memset(plan, 0, sizeof(*plan));
    /* The walk applies the window, before it removes duplicates (part_walk.h). */
    rc = part_walk_paths_memo(paths, npaths, filter, w, memo, &walk, err);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < walk.nfiles; i++)
        plan->total_bytes += walk.files[i].size;
    if (walk.nfiles > 1) /* qsort() must not see the NULL of an empty array */
        qsort(walk.files, walk.nfiles, sizeof(*walk.files), cmp_file);
    if (walk.nskips > 1)
        qsort(walk.skips, walk.nskips, sizeof(*walk.skips), cmp_skip);
    if (walk.npassed > 1)
        qsort(walk.passed, walk.npassed, sizeof(*walk.passed), cmp_skip);
    plan->passed = walk.passed;
    plan->npassed = walk.npassed;
    plan->files = walk.files;
    plan->nfiles = walk.nfiles;
    plan->skips = walk.skips;
    plan->nskips = walk.nskips;
    plan->lost = walk.lost;
    plan->outside_window = walk.outside_window;
    plan->hidden = walk.hidden;
    return 0;
}

void
part_plan_fini(struct part_plan *plan)
{
    for (size_t i = 0; i < plan->nfiles; i++)
        mem_free(plan->files[i].path);
    for (size_t i = 0; i < plan->nskips; i++)
        mem_free(plan->skips[i].path);
    for (size_t i = 0; i < plan->npassed; i++)
        mem_free(plan->passed[i].path);
    mem_free(plan->passed);
    mem_free(plan->files);
    mem_free(plan->skips);
    memset(plan, 0, sizeof(*plan));
}
