/*
 * gen_truth.h - prints flows in flowdump v1 (docs/flowdump.md), the text form
 * every decoder of the project can print, so that what the generator meant to
 * write can be diffed against what a reader decodes.
 * Threads: pure functions over a caller-owned FILE.
 */
#ifndef BENCH_GEN_TRUTH_H
#define BENCH_GEN_TRUTH_H

#include <stdio.h>

#include "flow.h"

/* gen_truth_file() - the "# file <path>" line that starts a file's flows. Returns 0 or -1 (errno).
 */
int gen_truth_file(FILE *out, const char *path);

/* gen_truth_flow() - the F line of `f` and its R lines. Returns 0 or -1 (errno). */
int gen_truth_flow(FILE *out, const struct flow *f);

#endif
