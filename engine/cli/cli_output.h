/*
 * cli_output.h - where results go: stdout, or -o FILE written under a
 * temporary name and renamed into place only when the run succeeds.
 *
 * Call order:
 *   cli_output_open(&o, path, err)      path NULL or "-": stdout
 *   write to o.f ...
 *   cli_output_close(&o, keep, err)     keep: rename into place; else remove
 *
 * The temporary file is ".NAME.flowsweep-XXXXXX" beside FILE (same
 * filesystem, so rename(2) is atomic), created with the mode a plain
 * open(2) would give (0666 & ~umask). A reader of FILE therefore sees the
 * old file or the whole new one, never half a result, and a failed run
 * leaves no file behind. When FILE exists and is not a regular file
 * (/dev/null, a FIFO, a terminal), it is written directly.
 * Threads: main thread only.
 */
#ifndef ENGINE_CLI_OUTPUT_H
#define ENGINE_CLI_OUTPUT_H

#include <stdio.h>

#include "err.h"

struct cli_output {
    const char *path; /* FILE as given; NULL: stdout */
    char *tmp;        /* the temporary name while writing, owned; NULL: none */
    FILE *f;          /* where to write */
};

/* cli_output_open() - opens `path` (NULL or "-": stdout). 0, or -ERR_IO with `err` set. */
int cli_output_open(struct cli_output *o, const char *path, struct err *err);

/*
 * cli_output_close() - flushes and closes; with `keep`, renames the
 * temporary file to FILE, else removes it. 0, or -ERR_IO (a failed write,
 * flush or rename; the temporary file is then removed). Safe to repeat.
 */
int cli_output_close(struct cli_output *o, int keep, struct err *err);

/*
 * cli_output_looks_like_format() - whether -o's value is also a format name
 * ("csv", "json", "table", "jsonl"): the CLI warns that it is a file name.
 */
int cli_output_looks_like_format(const char *path);

#endif
