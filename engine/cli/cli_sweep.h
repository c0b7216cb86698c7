/*
 * cli_sweep.h - what every sweeping command does around the engine: planning
 * its PATHs (time window, walk, skips warned), the sweep options with the
 * progress line, bad files warned, and messages with attacker-chosen bytes
 * (paths, names) escaped before they reach the terminal.
 */
#ifndef FLOWSWEEP_CLI_SWEEP_H
#define FLOWSWEEP_CLI_SWEEP_H

#include <stddef.h>

#include "cli_args.h"
#include "cli_output.h"
#include "cli_progress.h"
#include "cli_summary.h"
#include "err.h"
#include "log.h"
#include "part_plan.h"
#include "runner.h"
#include "sweep.h"

/* cli_log_escaped() - prefix, `text` escaped, suffix, as one log line at `level`. */
void cli_log_escaped(enum log_level level, const char *prefix, const char *text,
                     const char *suffix);

/* cli_fatal() - a fatal error: "flowsweep: error: MESSAGE" (docs/errors.md), escaped. */
void cli_fatal(const struct err *err);

/* cli_summary_cache() - the summary's cache line on stderr (commands, --job, report). */
void cli_summary_cache(const struct runner_cache_stats *cs);

/*
 * cli_plan_memo_save() - saves and frees the walk memo cli_plan_inputs() used with
 * --cache (docs/partials.md "The walk memo"), into the cache directory when it exists;
 * call it when the run is over. A no-op without one.
 */
void cli_plan_memo_save(void);

/*
 * cli_plan_inputs() - plans the PATHs of `c` into `plan` (time window, walk, skips each
 * warned) and checks its outputs (cli_check_outputs()). Returns -1 to go on, or an exit
 * code (the message printed).
 */
int cli_plan_inputs(struct cli *c, struct part_plan *plan);

/*
 * cli_check_outputs() - refuses (usage error printed, EXIT_USAGE) two outputs of `c` (-o,
 * --summary-file, --partial-out, each --job block's -o) that are the same file, or one that
 * is the same file as an input: c's PATHs, the files of `plan` (may be NULL) or `ins`.
 * Then the run's summary goes to stderr, not to --summary-file. Returns -1 when none clash.
 */
int cli_check_outputs(struct cli *c, const struct part_plan *plan, const char *const *ins,
                      size_t nins);

/*
 * cli_sweep_begin() - a sweeping command's start: plans the PATHs (cli_plan_inputs()), puts
 * the plan in the summary `sum`, opens -o FILE into `out`. Returns -1 to go on, or the exit
 * code when the command ends here (its summary written).
 */
int cli_sweep_begin(struct cli *c, struct cli_summary *sum, double t0, struct part_plan *plan,
                    struct cli_output *out);

/* cli_sweep_window() - --start/--end into so's filter of the files with no hour (sweep.h). */
void cli_sweep_window(const struct cli *c, struct sweep_opts *so);

/*
 * cli_cache_verbose() - with -v, how many of the files read were not cached (the next run
 * reads them again), and how many of those changed less than 2 s ago (the racy rule).
 */
void cli_cache_verbose(const struct cli *c, const struct runner_cache_stats *cs);

/* cli_sweep_opts_init() - the sweep options of `c`, with the progress line `prog` when wanted. */
void cli_sweep_opts_init(const struct cli *c, struct cli_progress *prog, struct sweep_opts *so);

/*
 * cli_warn_skip() - one warning for a path the walk left out: "PATH: skipped: WHY[: errno
 * text]", and for a lost one (part_skip.lost) that its files are missing from the results.
 */
void cli_warn_skip(const struct part_skip *s);

/* cli_warn_bad_files() - one warning per bad file: its message and the flows that were `what`
 * ("counted", "exported"): before the damage, or on both sides when reading resumed after it. */
void cli_warn_bad_files(const struct sweep_bad *bad, size_t nbad, const char *what);

/* cli_passed_text() - ", passed over N" for the text summary, or "" (a static buffer). */
const char *cli_passed_text(const struct part_plan *plan);

/*
 * cli_sweep_many_summary() - the text summary of one sweep that fed `njobs` jobs (query's
 * --job blocks, report), `res` the first job's result (the sweep's counts are in each):
 * "flowsweep: summary: HEAD" then files, bad, flows, DNS records, jobs, elapsed, threads,
 * peak memory; and the cache's line when `cached`.
 */
void cli_sweep_many_summary(const char *head, const struct runner_result *res, size_t njobs,
                            const struct part_plan *plan, double elapsed, int cached);

#endif
