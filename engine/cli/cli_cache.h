/*
 * cli_cache.h - the `flowsweep cache` command: stats and prune of a partial cache.
 */
#ifndef ENGINE_CLI_CACHE_H
#define ENGINE_CLI_CACHE_H

/* cli_cache_main() - runs `flowsweep cache ...` (argv[1] is "cache"); returns the exit code. */
int cli_cache_main(int argc, char **argv);

#endif
