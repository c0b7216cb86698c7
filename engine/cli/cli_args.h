/*
 * cli_args.h - the command line of flowsweep: its commands, options and help.
 *
 * cli_args_parse() turns argv into a struct cli (the command, its options and
 * its PATH arguments), printing help, the version or a usage error itself.
 */
#ifndef ENGINE_CLI_ARGS_H
#define ENGINE_CLI_ARGS_H

#include <stddef.h>
#include <stdint.h>

#include "hunt.h"
#include "job.h"
#include "out.h"
#include "rows.h"
#include "source.h"

#define EXIT_FATAL   1
#define EXIT_USAGE   2
#define EXIT_PARTIAL 3

#define FLOWSWEEP_VERSION "0.1.0"

enum cmd {
    CMD_DNS_NAMES,
    CMD_DNS_DEST,
    CMD_QUERY,
    CMD_DNS_HUNT,
    CMD_EXPORT,
    CMD_REPORT
};

/*
 * One block of `query --job` (docs/usage.md, "Several queries over one sweep"): the options
 * before the first --job are block 1, each --job starts the next one.
 */
struct cli_block {
    struct job_text text; /* --records, --bytes, --where, --group-by, --agg, --having, --order */
    uint64_t limit;       /* --limit (its default as the command's) */
    int limit_set;
    const char *output; /* -o FILE; NULL: stdout */
    char *where_window; /* as cli.where_window, for this block (owned), or NULL */
};

struct cli {
    enum cmd cmd;
    int threads;
    const char *start;
    const char *end;
    enum out_format format;
    uint64_t limit;
    int limit_set;
    size_t mem_limit;
    const char *tmp_dir;       /* --tmp-dir; NULL: $TMPDIR, then /tmp */
    struct source_spec source; /* --decoder */
    int strict;
    int quiet;
    int verbose;
    int show_query;
    const char *cache;    /* --cache DIR or $FLOWSWEEP_CACHE; NULL: no partial cache */
    const char *progress; /* auto|always|never */
    /* dns-names */
    struct job_dns_names names;
    /* dns-dest */
    struct job_dns_dest dest;
    char cidrs[1024];
    int cidrs_set;
    /* query */
    struct job_text text;
    struct cli_block *blocks; /* query --job: every block (owned; >= 2 entries), or NULL */
    size_t nblocks;
    /* dns-hunt */
    struct hunt_opts hunt;
    const char *allow;    /* --allow @FILE or a list */
    const char *baseline; /* --baseline START..END */
    /* export */
    enum rows_format export_format;
    const char *export_fields; /* --fields LIST; NULL: every column */
    const char *output; /* -o FILE (every command; report writes its page); NULL or "-": stdout */
    /* input selection (partitions/part_name.h) */
    const char **include; /* --include GLOB values (owned array, borrowed strings) */
    size_t ninclude;
    const char **exclude; /* --exclude GLOB values */
    size_t nexclude;
    /* output */
    int csv_keep_formulas;    /* --csv-keep-formulas */
    int epoch;                /* --epoch: query's time columns as numbers, not ISO 8601 */
    int summary_json;         /* --summary json */
    const char *summary_file; /* --summary-file FILE; NULL: stderr */
    const char *partial_out;  /* --partial-out FILE of a shard (cli_shard.c), else NULL */
    const char *job_inputs;   /* cli_run_job(): cli_job_inputs() of the job while it runs */
    char *where_window;       /* --where with --start/--end's record filter (owned), or NULL */
    /* PATH arguments */
    int nargs;
    char **args;
};

/*
 * cli_args_parse() - fills `c` from argv (argv[1] is the command). Returns -1
 * to go on, or the exit code when done (help, version, usage error printed).
 */
int cli_args_parse(struct cli *c, int argc, char **argv);

/*
 * cli_baseline_parse() - dns-hunt's --baseline START..END (`spec`) into `bw` (both bounds
 * set, in --start's forms). 0, or -ERR_USAGE with `err` saying why.
 */
struct part_window;
int cli_baseline_parse(const char *spec, struct part_window *bw, struct err *err);

/*
 * cli_hunt_options() - dns-hunt's --baseline and --allow into `o` (`allow`
 * filled, the caller hunt_allow_fini()s it). Returns -1 when all is well, else
 * the exit status (the message printed).
 */
int cli_hunt_options(const struct cli *c, struct hunt_opts *o, struct hunt_allow *allow,
                     struct err *err);

/* cli_show_query() - prints --show-query's text: `t` as a `flowsweep query` command with
 * the window and format of `c`. */
void cli_show_query(const struct cli *c, const struct job_text *t);

/*
 * cli_parse_u64() - a whole number option: ASCII digits only (no sign, space or 0x), within
 * 64 bits. cli_parse_decimal() - DIGITS[.DIGITS] only (no sign, space, exponent, inf or nan).
 * Each returns 0 with *out set, or -1. Every number the command line takes goes through them.
 */
int cli_parse_u64(const char *s, uint64_t *out);
int cli_parse_decimal(const char *s, double *out);

/* cli_args_fini() - frees what cli_args_parse() allocated in `c`; safe to repeat. */
void cli_args_fini(struct cli *c);

#endif
