/*
 * floor_report.c - the report's floor (docs/report.md, issue 19): what one sweep costs that
 * decodes each file once and folds its flows into the three commands' own jobs, exactly as
 * `flowsweep dns-names`, `dns-dest` and `dns-hunt` (--by domain) alone build them, merged and
 * finished as each command finishes them, with none of the page's extras. `flowsweep report`
 * runs the same sweep (runner_run_many()) with dns-hunt's server view and hours added, then
 * finishes the server view, the 4000 domains of the scatter and writes the page: its cost
 * above this floor is what the page adds; this floor above `dns-hunt` alone is what two more
 * analytics cost when decoding is shared.
 *
 *   floor-report [--server-view] [--hourly] [REPORT OPTIONS] PATH...
 *
 * REPORT OPTIONS: those of `flowsweep report` that choose the flows and the jobs (--threads,
 * --start, --end, --where, dns-names', dns-dest's and dns-hunt's options); -o is not taken.
 * --server-view and --hourly add the report's dns-hunt extras (hunt.h's hunt_opts) one at a
 * time, to split what they cost. Prints one line on stdout:
 *   jobs=names,dest,hunt[+server_view][+hourly] files=N flows=F rows=R1,R2,R3 seconds=S
 * (S from CLOCK_MONOTONIC around the sweep and its finishes; bench/report_cost.sh times the
 * whole process as it does every command). Exit status: 0, or flowsweep's (1 error, 2 usage,
 * 3 bad files).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_args.h"
#include "cli_job.h"
#include "cli_sweep.h"
#include "err.h"
#include "group.h"
#include "hunt_op.h"
#include "job.h"
#include "mem.h"
#include "part_plan.h"
#include "runner.h"

enum {
    A_NAMES,
    A_DEST,
    A_HUNT,
    NA
};

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int
main(int argc, char **argv)
{
    static struct cli c; /* large: static, as flowsweep's own */
    char **av = mem_calloc((size_t)argc + 4, sizeof(*av));
    int ac = 0, server_view = 0, hourly = 0, code, rc = 0;
    /* static: large (the job texts), and main's frame would pass -Wframe-larger-than */
    static struct job_text text[NA];
    static struct job_text_buf tbuf[2];
    static struct job job[NA];
    static struct op group[2];
    static struct runner_result rr[NA];
    struct op *ops[NA];
    struct hunt_opts hopt;
    struct part_plan plan = {0};
    struct sweep_opts so;
    struct err err;
    double t0;

    av[ac++] = argv[0];
    av[ac++] = (char *)"report";
    av[ac++] = (char *)"-q";
    av[ac++] = (char *)"-o";
    av[ac++] = (char *)"/tmp/floor-report-unwritten.html"; /* report wants one; never opened */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--server-view") == 0)
            server_view = 1;
        else if (strcmp(argv[i], "--hourly") == 0)
            hourly = 1;
        else
            av[ac++] = argv[i];
    }
    if ((code = cli_args_parse(&c, ac, av)) >= 0)
        return code;
    err_init(&err);
    if ((code = cli_plan_inputs(&c, &plan)) >= 0)
        return code;
    hunt_init_tables();
    /* the presets as the report makes them (cli_report.c) */
    c.names.limit = 20;
    c.dest.limit = 20;
    c.dest.src_cidrs = c.cidrs_set ? c.cidrs : "192.168.0.0/16";
    if (job_preset_dns_names(&c.names, c.text.where, &text[A_NAMES], &tbuf[0], &err) < 0 ||
        job_preset_dns_dest(&c.dest, c.text.where, &text[A_DEST], &tbuf[1], &err) < 0) {
        fprintf(stderr, "floor-report: %s\n", err.msg);
        return 2;
    }
    for (int a = 0; a < NA; a++)
        text[a].where_typed = c.text.where_typed;
    for (int a = A_NAMES; a <= A_DEST; a++) {
        if (job_build(&job[a], &text[a], &err) < 0) {
            fprintf(stderr, "floor-report: %s\n", err.msg);
            return 2;
        }
        group_op_init(&group[a], &job[a]);
        ops[a] = &group[a];
    }
    hopt = c.hunt;
    hopt.by = HUNT_BY_DOMAIN;
    hopt.server_view = server_view;
    hopt.hourly = hourly;
    if (c.text.where != NULL) {
        text[A_HUNT].where = c.text.where;
        text[A_HUNT].group_by = "sip"; /* keys unused: --where only */
        if (job_build(&job[A_HUNT], &text[A_HUNT], &err) < 0) {
            fprintf(stderr, "floor-report: %s\n", err.msg);
            return 2;
        }
        hopt.where = &job[A_HUNT];
    }
    ops[A_HUNT] = hunt_op_create(&hopt, 20, &err); /* dns-hunt's default --limit */
    if (ops[A_HUNT] == NULL) {
        fprintf(stderr, "floor-report: %s\n", err.msg);
        return 2;
    }
    memset(&so, 0, sizeof(so));
    so.threads = c.threads;
    so.strict = c.strict;
    so.mem_limit = c.mem_limit;
    so.source = c.source;
    cli_sweep_window(&c, &so);

    t0 = now_s();
    rc = runner_run_many((const struct op *const *)ops, NA, &plan, &so, rr, &err);
    if (rc < 0) {
        fprintf(stderr, "floor-report: %s\n", err.msg);
        code = 1;
    } else {
        printf("jobs=names,dest,hunt%s%s files=%llu flows=%llu rows=%zu,%zu,%zu seconds=%.3f\n",
               server_view ? "+server_view" : "", hourly ? "+hourly" : "",
               (unsigned long long)rr[0].sweep.stats.files,
               (unsigned long long)rr[0].sweep.stats.flows, rr[A_NAMES].out.table.nrows,
               rr[A_DEST].out.table.nrows, rr[A_HUNT].out.table.nrows, now_s() - t0);
        code = rr[0].sweep.nbad || plan.lost ? 3 : 0;
    }
    for (int a = 0; a < NA; a++)
        runner_result_fini_exit(&rr[a]);
    return code; /* exits next: the tables are the process's to drop */
}
