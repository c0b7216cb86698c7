/*
 * cli_job.h - the operation a command runs: a preset's or query's group-by job
 * (engine/query/job.h, run by group.c) or dns-hunt's (engine/dns/hunt_op.h),
 * with the text that keys its partial state in the cache.
 */
#ifndef FLOWSWEEP_CLI_JOB_H
#define FLOWSWEEP_CLI_JOB_H

#include "cli_args.h"
#include "group.h"
#include "hunt_op.h"
#include "job.h"
#include "op.h"

/*
 * cli_job_make() - the operation of `c`'s command in *op: `group` initialised over `job`
 * (built from the preset or query text), or a dns-hunt operation (`allow` filled, freed by
 * hunt_allow_fini(); the op by hunt_op_destroy()). *cache_text: the job's cache key text
 * (mem_free()), left NULL when the job cannot be cached (a watchlist file). Prints
 * --show-query. Returns -1 to go on, or an exit code (the message printed).
 */
int cli_job_make(struct cli *c, struct job *job, struct op *group, struct hunt_allow *allow,
                 struct op **op, char **cache_text);

/*
 * cli_job_inputs() - what `c`'s job, made by cli_job_make() (`job`: its group job, or
 * dns-hunt's --where job; `allow`: dns-hunt's --allow list) read besides the flows, as text:
 * each --where watchlist "@PATH xxh3=HEX" (its contents as read), dns-hunt's --allow list
 * ("allow N:HEX"), the Public Suffix List ("psl=...") when the job splits registered domains.
 * Shard files keep it, merge and MPI ranks compare it. mem_free() it.
 */
char *cli_job_inputs(const struct cli *c, const struct job *job, const struct hunt_allow *allow);

/*
 * cli_job_finish() - the options of `c`'s job that only finish it (they shape no group, so
 * cli_job_identity() leaves them out): dns-hunt's --baseline, --min-names and norms; else the
 * --having and --order the job finishes with (a preset's, from --min-bpp, --max-names,
 * --min-bytes...; query's unless merge's command line gives them: `own` 1 --having, 2
 * --order) and --epoch. Text,
 * "; " between options; mem_free() it. NULL when a preset's text cannot be made.
 */
char *cli_job_finish(struct cli *c, int own);

/*
 * cli_job_identity() - which groups `c`'s job makes, as text: its cache key text (the
 * record view, keys, aggregates, --where, dns-hunt's state-shaping options) and the
 * columns' names (merge prints them), with a watchlist file named as given; nothing of
 * --having, --order, --limit or the output.
 * Two spellings of one job give the same text. mem_free() it; NULL with *code the exit
 * code when the job cannot be made (its message printed), else *code is -1.
 */
char *cli_job_identity(struct cli *c, int *code);

/*
 * cli_job_hunt_cache_text() - dns-hunt's state-shaping text for the cache (its key: `by_text`,
 * or NULL for c->hunt.by; --where; the --allow list `allow`, may be NULL; the Public Suffix
 * List file; op's state size). mem_free() it.
 */
char *cli_job_hunt_cache_text(const struct cli *c, const struct hunt_allow *allow,
                              const struct op *op, const char *by_text);

#endif
