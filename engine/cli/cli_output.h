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

/* One output file of a command line: the option that names it and its path. */
struct cli_output_use {
    const char *opt;  /* "-o", "--summary-file", "--partial-out", "--job block 2's -o" */
    const char *path; /* as given; NULL or "-": stdout or stderr, never checked */
};

/*
 * cli_output_clash() - whether two outputs name the same file, or an output names one of the
 * input files `ins[0..nins)` (PART_STDIN "-" and paths that cannot be stat()ed are left out),
 * as cp's "are the same file": the same st_dev and st_ino when the files exist, the same
 * resolved directory and name when they do not yet. Files that exist and are not regular
 * files (a FIFO, a terminal) and paths under /dev/ never clash. Returns 0, or -ERR_USAGE with `err`
 * naming both (the names raw: the caller escapes the message).
 */
int cli_output_clash(const struct cli_output_use *outs, size_t nouts, const char *const *ins,
                     size_t nins, struct err *err);

#endif
