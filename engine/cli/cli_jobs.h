/*
 * cli_jobs.h - flowsweep query with several --job blocks: one sweep, each
 * block's rows as `flowsweep query` with that block's options alone prints
 * them (docs/usage.md, "Several queries over one sweep").
 */
#ifndef ENGINE_CLI_JOBS_H
#define ENGINE_CLI_JOBS_H

#include "cli_args.h"

/* cli_jobs_run() - runs the c->nblocks blocks of `c` over its PATHs; the exit code. */
int cli_jobs_run(struct cli *c);

#endif
