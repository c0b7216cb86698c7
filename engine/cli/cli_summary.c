/*
 * cli_summary.c - the run summary as JSON; see cli_summary.h.
 */
#include "cli_summary.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_output.h"
#include "cli_progress.h"
#include "cli_sweep.h"
#include "esc.h"
#include "log.h"
#include "mem.h"
#include "part_plan.h"

void
cli_summary_init(struct cli_summary *s, const char *command)
{
    memset(s, 0, sizeof(*s));
    s->command = command;
    s->groups = -1;
    s->mem_budget = s->tables_peak = s->spill_bytes = s->spill_runs = -1;
    s->limit = -1;
}

/* `text` escaped (\xHH) and then JSON-quoted. */
static void
json_str(FILE *f, const char *text)
{
    size_t len = strlen(text);
    size_t need = esc_len((const uint8_t *)text, len) + 1;
    char *e = mem_alloc(need);

    esc_bytes(e, need, (const uint8_t *)text, len);
    fputc('"', f);
    for (const char *p = e; *p; p++) {
        if (*p == '"' || *p == '\\')
            fputc('\\', f);
        fputc(*p, f);
    }
    fputc('"', f);
    mem_free(e);
}

static void
json_str_or_null(FILE *f, const char *text)
{
    if (text != NULL)
        json_str(f, text);
    else
        fputs("null", f);
}

int64_t
cli_summary_offset(const char *path, const char *msg)
{
    size_t plen = strlen(path);
    const char *p;

    /* after the path: a path may itself hold "offset 12" */
    if (strncmp(msg, path, plen) == 0)
        msg += plen;
    p = strstr(msg, "offset ");
    char *end = NULL;
    unsigned long long v;

    if (p == NULL)
        return -1;
    p += strlen("offset ");
    if (*p < '0' || *p > '9')
        return -1;
    v = strtoull(p, &end, 10);
    return v > INT64_MAX ? -1 : (int64_t)v;
}

int
cli_summary_write_json(const struct cli_summary *s, FILE *f)
{
    fputs("{\"command\":", f);
    json_str(f, s->command);
    fprintf(f,
            ",\"files\":{\"planned\":%llu,\"read\":%llu,\"bad\":%zu,\"skipped\":%llu,"
            "\"passed_over\":%llu,\"outside_window\":%llu},\"bad_files\":[",
            (unsigned long long)s->planned, (unsigned long long)s->read, s->nbad,
            (unsigned long long)s->skipped, (unsigned long long)s->passed_over,
            (unsigned long long)s->outside_window);
    for (size_t i = 0; i < s->nbad; i++) {
        int64_t off = cli_summary_offset(s->bad[i].path, s->bad[i].msg);

        fputs(i ? ",{\"path\":" : "{\"path\":", f);
        json_str(f, s->bad[i].path);
        if (off >= 0)
            fprintf(f, ",\"offset\":%lld", (long long)off);
        else
            fputs(",\"offset\":null", f);
        fputs(",\"message\":", f);
        json_str(f, s->bad[i].msg);
        fprintf(f, ",\"flows_kept\":%llu}", (unsigned long long)s->bad[i].flows_kept);
    }
    fprintf(f, "],\"flows\":%llu,\"records\":%llu,\"records_kept\":%llu,\"dns_records\":%llu,",
            (unsigned long long)s->flows, (unsigned long long)s->records,
            (unsigned long long)s->kept, (unsigned long long)s->dns_records);
    if (s->groups >= 0)
        fprintf(f, "\"groups\":%lld,", (long long)s->groups);
    else
        fputs("\"groups\":null,", f);
    if (s->tables_peak >= 0)
        fprintf(f,
                "\"memory\":{\"budget_bytes\":%lld,\"tables_peak_bytes\":%lld,"
                "\"spilled_bytes\":%lld,\"spill_runs\":%lld},",
                (long long)s->mem_budget, (long long)s->tables_peak, (long long)s->spill_bytes,
                (long long)s->spill_runs);
    else
        fputs("\"memory\":null,", f);
    fprintf(f, "\"rows\":{\"printed\":%llu,\"cut\":%s,\"left_out\":%llu,\"limit\":",
            (unsigned long long)s->rows_printed, s->rows_cut ? "true" : "false",
            (unsigned long long)s->rows_cut);
    if (s->limit >= 0)
        fprintf(f, "%lld},", (long long)s->limit);
    else
        fputs("null},", f);
    fputs("\"window\":{\"start\":", f);
    json_str_or_null(f, s->start);
    fputs(",\"end\":", f);
    json_str_or_null(f, s->end);
    if (s->phased)
        fprintf(f,
                "},\"phases\":{\"plan_seconds\":%.3f,\"map_seconds\":%.3f,"
                "\"map_tail_seconds\":%.3f,\"merge_seconds\":%.3f,\"finish_seconds\":%.3f,"
                "\"output_seconds\":%.3f}",
                s->plan_s, s->map_s, s->tail_s, s->merge_s, s->finish_s, s->output_s);
    else
        fputs("},\"phases\":null", f);
    fprintf(f, ",\"threads\":%d,\"peak_memory_bytes\":%llu,\"elapsed_seconds\":%.3f,", s->threads,
            (unsigned long long)s->peak_memory, s->elapsed);
    fprintf(f, "\"exit\":{\"status\":%d,\"why\":", s->exit_status);
    json_str(f, s->why);
    fputs("}}\n", f);
    return fflush(f) != 0 || ferror(f) ? -1 : 0;
}

void
cli_summary_plan(struct cli_summary *s, const struct cli *c, const struct part_plan *plan)
{
    s->planned = plan->nfiles;
    s->skipped = plan->nskips;
    s->lost = plan->lost;
    s->passed_over = plan->npassed;
    s->outside_window = plan->outside_window;
    s->start = c->start;
    s->end = c->end;
}

int
cli_summary_finish(const struct cli *c, struct cli_summary *s, int code, double t0,
                   const struct err *err)
{
    struct cli_output o;
    struct err e;

    if (!c->summary_json)
        return code;
    s->exit_status = code;
    s->elapsed = cli_now() - t0;
    s->peak_memory = mem_peak_rss();
    if (code == 0)
        snprintf(s->why, sizeof(s->why), "every file was read cleanly");
    else if (code == EXIT_PARTIAL && s->lost)
        snprintf(
            s->why, sizeof(s->why),
            "%zu input files were unreadable, damaged or partly unread (see bad_files) and %llu "
            "paths below "
            "a PATH could not be walked (see the warnings): files may be missing",
            s->nbad, (unsigned long long)s->lost);
    else if (code == EXIT_PARTIAL)
        snprintf(s->why, sizeof(s->why),
                 "%zu input files were unreadable, damaged or partly unread (see bad_files); the "
                 "results cover every good record",
                 s->nbad);
    else if (code == EXIT_USAGE)
        snprintf(s->why, sizeof(s->why), "usage error (the message is on stderr)");
    else if (err != NULL && err->code != ERR_OK)
        snprintf(s->why, sizeof(s->why), "%s", err->msg);
    else
        snprintf(s->why, sizeof(s->why), "exit status %d", code);
    err_init(&e);
    if (c->summary_file == NULL) {
        if (cli_summary_write_json(s, stderr) == 0)
            return code;
        ERR_SET(&e, ERR_IO, "writing the summary to stderr");
    } else if (cli_output_open(&o, c->summary_file, &e) == 0) {
        if (cli_summary_write_json(s, o.f) < 0)
            ERR_SET(&e, ERR_IO, "writing the summary");
        if (cli_output_close(&o, e.code == ERR_OK, &e) == 0 && e.code == ERR_OK)
            return code;
    }
    cli_fatal(&e); /* escaped: the message names --summary-file */
    return code == 0 || code == EXIT_PARTIAL ? EXIT_FATAL : code;
}

int
cli_summary_probe(const struct cli *c, struct err *err)
{
    struct cli_output o;

    struct stat st;

    if (!c->summary_json || c->summary_file == NULL || strcmp(c->summary_file, "-") == 0)
        return 0;
    /* A FIFO opened and closed here would end its reader's input before the summary came. */
    if (stat(c->summary_file, &st) == 0 && !S_ISREG(st.st_mode)) {
        char shown[4 * 200 + 1];
        size_t len = strnlen(c->summary_file, 200);

        if (access(c->summary_file, W_OK) == 0)
            return 0;
        esc_bytes(shown, sizeof(shown), (const uint8_t *)c->summary_file, len);
        ERR_SET_ERRNO(err, errno, "cannot write %s", shown);
        return -1;
    }
    if (cli_output_open(&o, c->summary_file, err) < 0)
        return -1;
    return cli_output_close(&o, 0, err) < 0 ? -1 : 0;
}
