/*
 * cli_report.h - flowsweep report: every analytic over one plan, one HTML page.
 *
 * cli_report_run() plans the PATHs once, runs dns-names, dns-dest, dns-hunt
 * (by domain and by server) and the hourly activity jobs behind the charts,
 * and writes the page (render/page.h) to -o FILE (through a temporary file
 * renamed into place) or stdout. Returns the exit code (cli_args.h).
 */
#ifndef ENGINE_CLI_REPORT_H
#define ENGINE_CLI_REPORT_H

#include "cli_args.h"

int cli_report_run(struct cli *c);

#endif
