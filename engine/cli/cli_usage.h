/*
 * cli_usage.h - the text of `flowsweep --help` and of each command's --help,
 * and usage errors ("flowsweep: error: ... (try flowsweep CMD --help)", exit 2).
 */
#ifndef FLOWSWEEP_CLI_USAGE_H
#define FLOWSWEEP_CLI_USAGE_H

#include <stdio.h>

#include "cli_args.h"

/* cli_usage_main() - the list of commands (`flowsweep --help`) to `f`. */
void cli_usage_main(FILE *f);

/* cli_usage_print() - command `cmd`'s --help text to `f`. */
void cli_usage_print(enum cmd cmd, FILE *f);

/* cli_usage_command() - names the command for the hint of later usage errors ("" for none). */
void cli_usage_command(const char *cmd);

/*
 * cli_usage_quiet() - with 1, usage errors are not printed (cli_usage_error() still returns
 * EXIT_USAGE): flowsweep-mpi's ranks but 0, which parse the same argv, so the error is said
 * once. cli_usage_is_quiet() - whether that is set.
 */
void cli_usage_quiet(int quiet);
int cli_usage_is_quiet(void);

/* cli_usage_last() - the first usage error not printed (quiet), raw (escape it); "" when none. */
const char *cli_usage_last(void);

/* cli_usage_error() - prints "flowsweep: error: " fmt/arg and a hint; returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, const char *arg) __attribute__((format(printf, 1, 0)));

#endif
