/*
 * cli_shard.c - shards and merge, for schedulers without MPI
 * (docs/distributed.md):
 *   flowsweep COMMAND [OPTIONS] --shard I/N --partial-out FILE PATH...
 *       plans PATH... as the plain command does, folds shard I of N of the
 *       plan (shard_split(): balanced by bytes, the same on every host) and
 *       writes its groups, counts and bad files to FILE (shard.h);
 *   flowsweep merge [OUTPUT OPTIONS] FILE...
 *       checks that the files are the N shards of one job over one plan, each
 *       once, merges their groups and finishes and prints as the plain
 *       command would, bad files named and exit 3 included.
 * The shard file keeps the job's command words (everything but the PATHs
 * and these two options), so merge rebuilds the same operation; the output
 * options of merge's own command line (--format, --limit, --order, -o...)
 * take the place of the shard runs' ones.
 * Threads: main thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_exec.h"
#include "cli_job.h"
#include "cli_sweep.h"
#include "cli_usage.h"
#include "esc.h"
#include "log.h"
#include "mem.h"
#include "shard.h"

struct shard_run {
    unsigned index, count;
    const char *path; /* --partial-out */
    char *job;        /* the command words, each NUL-ended (owned) */
    size_t job_len;
};

/* Prints "flowsweep: error: PREFIX: MSG" escaped; returns EXIT_FATAL. */
static int
fail_named(const char *name, const char *msg)
{
    size_t nlen = strlen(name), mlen = strlen(msg);
    size_t cap = esc_len((const uint8_t *)name, nlen) + esc_len((const uint8_t *)msg, mlen) + 4;
    char *buf = mem_alloc(cap);
    size_t n = esc_bytes(buf, cap, (const uint8_t *)name, nlen);

    snprintf(buf + n, cap - n, ": ");
    esc_bytes(buf + n + 2, cap - n - 2, (const uint8_t *)msg, mlen);
    LOG_ERR("%s", buf);
    mem_free(buf);
    return EXIT_FATAL;
}

static int
is_grouping(const char *cmd)
{
    return strcmp(cmd, "dns-names") == 0 || strcmp(cmd, "dns-dest") == 0 ||
           strcmp(cmd, "query") == 0 || strcmp(cmd, "dns-hunt") == 0;
}

/* The value of option `name` at argv[*i] ("--name V" or "--name=V"), or NULL when not it. */
static const char *
opt_value(int argc, char **argv, int *i, const char *name, int *missing)
{
    size_t len = strlen(name);

    if (strncmp(argv[*i], name, len) != 0)
        return NULL;
    if (argv[*i][len] == '=')
        return argv[*i] + len + 1;
    if (argv[*i][len] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = 1;
        return NULL;
    }
    return argv[++*i];
}

static int
parse_shard(const char *s, struct shard_run *r)
{
    char *end;
    unsigned long i, n;

    if (*s < '0' || *s > '9')
        return -1;
    i = strtoul(s, &end, 10);
    if (*end != '/' || end[1] < '0' || end[1] > '9')
        return -1;
    n = strtoul(end + 1, &end, 10);
    if (*end != '\0' || n == 0 || n > SHARD_MAX || i >= n)
        return -1;
    r->index = (unsigned)i;
    r->count = (unsigned)n;
    return 0;
}

/* The shard: map shard I of the plan, write its partial file. */
static int
run_shard(const struct cli_exec *x, const struct cli *c, const struct op *op,
          const struct part_plan *plan, const struct sweep_opts *so, struct cache *cache,
          struct runner_result *res, struct err *err)
{
    const struct shard_run *r = x->ctx;
    struct part_plan sub;
    struct shard_head h;
    int64_t n;
    int rc;

    for (size_t i = 0; i < plan->nfiles; i++)
        if (strcmp(plan->files[i].path, PART_STDIN) == 0) {
            memset(res, 0, sizeof(*res));
            return ERR_SET(err, ERR_USAGE, "--shard cannot read standard input (-)");
        }
    shard_split(plan, r->index, r->count, &sub);
    rc = runner_map(op, &sub, so, cache, res, err);
    if (rc == 0) {
        memset(&h, 0, sizeof(h));
        h.index = r->index;
        h.count = r->count;
        h.plan_files = plan->nfiles;
        h.plan_fp = shard_plan_fp(plan);
        h.files = sub.nfiles;
        h.stats = res->sweep.stats;
        h.job = r->job;
        h.job_len = r->job_len;
        h.inputs = (char *)(c->job_inputs ? c->job_inputs : ""); /* borrowed */
        h.inputs_len = strlen(h.inputs);
        h.bad = res->sweep.bad; /* borrowed: no shard_head_fini() */
        h.nbad = res->sweep.nbad;
        h.outside_window = plan->outside_window;
        h.passed = plan->npassed;
        h.skips = plan->skips; /* borrowed */
        h.nskips = plan->nskips;
        n = shard_write(r->path, &h, res, err);
        if (n < 0)
            rc = (int)n;
        else if (c->verbose)
            LOG_INFO("shard %u/%u: %zu of %zu files, %lld bytes written", r->index, r->count,
                     sub.nfiles, plan->nfiles, (long long)n);
    }
    shard_plan_fini(&sub);
    return rc;
}

/*
 * Words of an option that says how a process runs or prints, not what the job is: 2 (it and
 * its value), 1 (a flag, --name=value, -t4, a bundle of such short options: -qt1), 0 (part
 * of the job). Long names may be abbreviated as getopt allows.
 */
static int
run_option(const char *w)
{
    static const char *const with_value[] = {
        "--threads", "--mem-limit",    "--cache",   "--progress", "--output",
        "--summary", "--summary-file", "--decoder", "--format",   "--limit"};
    static const char *const flags[] = {"--quiet", "--verbose", "--strict", "--csv-keep-formulas"};
    size_t nl;

    if (w[0] != '-' || w[1] == '\0')
        return 0;
    if (w[1] != '-') { /* short options, maybe bundled: -q, -v, -t N, -o FILE */
        for (const char *p = w + 1; *p; p++) {
            if (*p == 'q' || *p == 'v')
                continue;
            if (*p == 't' || *p == 'o')
                return p[1] == '\0' ? 2 : 1;
            return 0;
        }
        return 1;
    }
    /* The name as given: getopt took it, so it is a whole name or an abbreviation of one
     * option only (--thread); a whole name first (--summary, not --summary-file). */
    nl = strcspn(w, "=");
    for (int abbrev = 0; abbrev < 2; abbrev++) {
        for (size_t k = 0; k < sizeof(flags) / sizeof(flags[0]); k++)
            if (w[nl] == '\0' &&
                (abbrev ? strncmp(w, flags[k], nl) == 0 && nl > 2 : strcmp(w, flags[k]) == 0))
                return 1;
        for (size_t k = 0; k < sizeof(with_value) / sizeof(with_value[0]); k++)
            if (abbrev ? strncmp(w, with_value[k], nl) == 0 && nl > 2
                       : nl == strlen(with_value[k]) && strncmp(w, with_value[k], nl) == 0)
                return w[nl] == '\0' ? 2 : 1;
    }
    return 0;
}

int
cli_shard_main(int argc, char **argv)
{
    static struct cli c; /* large: not on the stack */
    struct shard_run r;
    struct cli_exec x = {run_shard, &r, 0, 0, 1, "flowsweep", NULL, NULL};
    char **av;
    int ac = 0, have_shard = 0, rc;

    memset(&r, 0, sizeof(r));
    for (int i = 2; i < argc; i++)
        if (strncmp(argv[i], "--shard", 7) == 0 || strncmp(argv[i], "--partial-out", 13) == 0)
            have_shard = 1;
    if (argc < 3 || !have_shard)
        return -1;
    if (!is_grouping(argv[1]))
        return cli_usage_error("--shard and --partial-out apply to dns-names, dns-dest, query "
                               "and dns-hunt, not '%s'",
                               argv[1]);
    cli_usage_command(argv[1]); /* a known command name: safe to echo */
    av = mem_calloc((size_t)argc + 1, sizeof(*av));
    av[ac++] = argv[0];
    av[ac++] = argv[1];
    for (int i = 2; i < argc; i++) {
        int missing = 0;
        const char *v;

        if ((v = opt_value(argc, argv, &i, "--shard", &missing)) != NULL) {
            if (have_shard == 2) {
                mem_free(av);
                return cli_usage_error("%s", "--shard given twice (one shard per run)");
            }
            if (parse_shard(v, &r) < 0) {
                mem_free(av);
                return cli_usage_error("--shard takes I/N with 0 <= I < N <= 100000, not '%s'", v);
            }
            have_shard = 2;
        } else if ((v = opt_value(argc, argv, &i, "--partial-out", &missing)) != NULL) {
            if (r.path != NULL) {
                mem_free(av);
                return cli_usage_error("%s", "--partial-out given twice (one file per shard)");
            }
            r.path = v;
        } else if (missing) {
            mem_free(av);
            return cli_usage_error("%s needs a value", argv[i]);
        } else {
            av[ac++] = argv[i];
        }
    }
    if (r.path == NULL || r.path[0] == '\0') {
        mem_free(av);
        return cli_usage_error("%s", "--shard needs --partial-out FILE (where the shard's "
                                     "groups go for 'flowsweep merge')");
    }
    if (have_shard != 2) {
        r.index = 0;
        r.count = 1;
    }
    rc = cli_args_parse(&c, ac, av);
    if (rc >= 0) {
        mem_free(av);
        return rc;
    }
    for (int i = 0; i < c.nargs; i++)
        if (strcmp(c.args[i], "-") == 0) {
            cli_args_fini(&c);
            mem_free(av);
            return cli_usage_error("%s", "--shard cannot read standard input (-): every shard "
                                         "must plan the same files");
        }
    if (c.show_query) {
        cli_args_fini(&c);
        mem_free(av);
        return cli_usage_error("%s", "--show-query prints the job; it does not run a shard");
    }
    /* The job: every word before the PATHs (getopt moved them to the end), but how this
     * process ran it (threads, memory, cache, output, messages): shards may differ there. */
    for (char **w = av + 1; w < c.args; w++)
        r.job_len += strlen(*w) + 1;
    r.job = mem_alloc(r.job_len + 1);
    r.job_len = 0;
    for (char **w = av + 1; w < c.args; w++) {
        size_t len = strlen(*w) + 1;
        int skip = run_option(*w);

        if (skip) {
            w += skip - 1;
            continue;
        }
        memcpy(r.job + r.job_len, *w, len);
        r.job_len += len;
    }
    if (r.job_len > SHARD_JOB_MAX)
        rc = cli_usage_error("%s", "the job's command line is too long for a shard file");
    else {
        c.partial_out = r.path; /* checked against -o, --summary-file and the inputs */
        rc = cli_run_job(&c, &x);
    }
    cli_args_fini(&c);
    mem_free(r.job);
    mem_free(av);
    return rc;
}

/* ---- merge ---- */

struct merge_run {
    char **files;
    int nfiles;
    struct shard_file *first; /* files[0], loaded */
    int own;                  /* merge's command line gives --having (1), --order (2) */
};

static int
bad_cmp(const void *a, const void *b)
{
    return strcmp(((const struct sweep_bad *)a)->path, ((const struct sweep_bad *)b)->path);
}

/* The job of a shard head, parsed once (head_parse()); head_text_fini() frees it. */
struct head_text {
    char *identity; /* the groups it makes (cli_job_identity()); NULL: it does not build here */
    char *finish;   /* its finishing options; NULL: it does not parse here */
};

/*
 * Parses the job in shard head `h` as on a command line (so two spellings of one job agree)
 * into `t`: which groups it makes (cli_job_identity()), and dns-hunt's options that only
 * finish the job (they shape no group, so cli_job_identity() leaves them out, and merge
 * takes none: query's --having and --order come from merge's command line, else the first
 * FILE).
 */
static void
head_parse(const struct shard_head *h, int own, struct head_text *t)
{
    static struct cli c; /* large: not on the stack */
    static char prog[] = "flowsweep";
    char **jav = mem_calloc(h->job_len + 2, sizeof(*jav));
    int jac = 0, code;

    t->identity = t->finish = NULL;
    jav[jac++] = prog;
    for (size_t off = 0; off < h->job_len; off += strlen(h->job + off) + 1)
        jav[jac++] = h->job + off;
    if (jac >= 2 && is_grouping(jav[1]) && cli_args_parse(&c, jac, jav) < 0) {
        t->finish = cli_job_finish(&c, own);
        if (c.nargs == 0)
            t->identity = cli_job_identity(&c, &code);
        cli_args_fini(&c);
    }
    mem_free(jav);
}

static void
head_text_fini(struct head_text *t)
{
    mem_free(t->identity);
    mem_free(t->finish);
    t->identity = t->finish = NULL;
}

/* One line of inputs text `s` ('\n' ended): "; " between lines in a message. */
static void
inputs_text(char *buf, size_t cap, const char *s)
{
    size_t n = 0;

    snprintf(buf, cap, "%s", *s ? "" : "(none)");
    for (; *s && n + 1 < cap; s++)
        if (*s != '\n')
            buf[n++] = *s;
        else if (s[1] != '\0' && n + 2 < cap) {
            buf[n++] = ';';
            buf[n++] = ' ';
        }
    if (n > 0)
        buf[n < cap ? n : cap - 1] = '\0';
}

/* The shard read other watchlists or another Public Suffix List than `first`: ERR_USAGE. */
static int
inputs_differ(const struct shard_head *f, const struct shard_head *first, const char *first_name,
              struct err *err)
{
    char here[1024], there[1024];

    inputs_text(here, sizeof(here), f->inputs);
    inputs_text(there, sizeof(there), first->inputs);
    return ERR_SET(err, ERR_USAGE,
                   "read other watchlist contents, --allow list or Public Suffix List than %s "
                   "(here: %s; there: %s): every shard must read the same files",
                   first_name, here, there);
}

/* Is shard `f` a shard of the same job and plan as `first` (file `first_name`, its job parsed
 * into `first_text`)? 0 or -code. */
static int
same_job(const struct shard_head *f, const struct shard_head *first, const char *first_name,
         const struct head_text *first_text, int own, struct err *err)
{
    struct head_text t;
    int same, same_finish;

    if (f->count != first->count)
        return ERR_SET(err, ERR_USAGE, "shard %u of %u, but %s is one of %u", f->index, f->count,
                       first_name, first->count);
    if (f->plan_files != first->plan_files || f->plan_fp != first->plan_fp)
        return ERR_SET(err, ERR_USAGE,
                       "planned other files than %s (%llu files; %llu there): every shard must "
                       "plan the same PATHs",
                       first_name, (unsigned long long)f->plan_files,
                       (unsigned long long)first->plan_files);
    if (f->lost != first->lost || f->nskips != first->nskips)
        return ERR_SET(err, ERR_USAGE,
                       "its walk skipped other paths than %s's (%zu skipped, %zu with files "
                       "missing; %zu and %zu there): every shard must see the same PATHs",
                       first_name, f->nskips, f->lost, first->nskips, first->lost);
    if (f->inputs_len != first->inputs_len || memcmp(f->inputs, first->inputs, f->inputs_len) != 0)
        return inputs_differ(f, first, first_name, err);
    if (f == first || (f->job_len == first->job_len && memcmp(f->job, first->job, f->job_len) == 0))
        return 0; /* the same words */
    head_parse(f, own, &t);
    same = t.identity != NULL && strcmp(t.identity, first_text->identity) == 0;
    /* The same groups, but finished otherwise (merge would take the first FILE's options
     * and print another answer in another order of the FILEs). */
    same_finish =
        t.finish != NULL && first_text->finish != NULL && strcmp(t.finish, first_text->finish) == 0;
    if (!same) {
        head_text_fini(&t);
        return ERR_SET(err, ERR_USAGE, "made by a different job than %s", first_name);
    }
    if (!same_finish)
        ERR_SET(err, ERR_USAGE,
                "made with other finishing options than %s (here: %s; there: %s): make every "
                "shard with one command line",
                first_name, t.finish ? t.finish : "?",
                first_text->finish ? first_text->finish : "?");
    head_text_fini(&t);
    return same_finish ? 0 : -ERR_USAGE;
}

static int
run_merge(const struct cli_exec *x, const struct cli *c, const struct op *op,
          const struct part_plan *plan, const struct sweep_opts *so, struct cache *cache,
          struct runner_result *res, struct err *err)
{
    const struct merge_run *m = x->ctx;
    const struct shard_head *h0 = &m->first->head;
    struct shard_file *own;
    struct head_text text0;
    int *seen;
    int rc;

    (void)c;
    (void)plan;
    (void)cache;
    rc = runner_result_empty(res, op, so->mem_limit, err);
    if (rc < 0)
        return rc;
    head_parse(h0, m->own, &text0);
    if (text0.identity == NULL) {
        head_text_fini(&text0);
        return ERR_SET(err, ERR_USAGE, "%s: its job does not build here", m->files[0]);
    }
    seen = mem_calloc(h0->count, sizeof(*seen));
    own = mem_calloc(1, sizeof(*own)); /* large: not on the stack */
    for (int k = 0; k < m->nfiles && rc == 0; k++) {
        struct shard_file *f = k == 0 ? m->first : own;
        const struct shard_head *h;

        if (k > 0 && (rc = shard_load(m->files[k], own, err)) < 0) {
            shard_file_fini(own);
            err_prefix(err, "%s", m->files[k]);
            break;
        }
        h = &f->head;
        if ((rc = same_job(h, h0, m->files[0], &text0, m->own, err)) < 0) {
        } else if (seen[h->index]) {
            rc = ERR_SET(err, ERR_USAGE, "shard %u of %u given twice (also %s)", h->index, h->count,
                         m->files[seen[h->index] - 1]);
        } else {
            seen[h->index] = k + 1;
            rc = runner_absorb(res, &f->part, err);
        }
        if (rc < 0) {
            err_prefix(err, "%s", m->files[k]);
        } else {
            struct sweep_stats *st = &res->sweep.stats;

            st->files += h->stats.files;
            st->bytes += h->stats.bytes;
            st->flows += h->stats.flows;
            st->records += h->stats.records;
            st->kept += h->stats.kept;
            st->dns_rrs += h->stats.dns_rrs;
            st->other += h->stats.other;
            st->damaged += h->stats.damaged;
            res->sweep.bad =
                mem_realloc(res->sweep.bad, (res->sweep.nbad + h->nbad + 1) * sizeof(*h->bad));
            for (size_t b = 0; b < h->nbad; b++) {
                res->sweep.bad[res->sweep.nbad] = h->bad[b];
                res->sweep.bad[res->sweep.nbad].msg = mem_strdup(h->bad[b].msg);
                res->sweep.bad[res->sweep.nbad++].path = mem_strdup(h->bad[b].path);
            }
        }
        if (k > 0)
            shard_file_fini(own);
    }
    mem_free(own);
    for (unsigned i = 0; i < h0->count && rc == 0; i++)
        if (!seen[i]) {
            size_t len = 0, cap = 1;
            char *names;

            for (int k = 0; k < m->nfiles; k++)
                cap += strlen(m->files[k]) + 2;
            names = mem_alloc(cap);
            names[0] = '\0';
            for (int k = 0; k < m->nfiles; k++)
                len += (size_t)snprintf(names + len, cap - len, "%s%s", k ? ", " : "", m->files[k]);
            rc = ERR_SET(err, ERR_USAGE,
                         "shard %u of %u is missing: merge needs the partial file of every "
                         "shard (given: %s)",
                         i, h0->count, names);
            mem_free(names);
        }
    mem_free(seen);
    head_text_fini(&text0);
    if (res->sweep.nbad > 1)
        qsort(res->sweep.bad, res->sweep.nbad, sizeof(*res->sweep.bad), bad_cmp);
    res->sweep.threads = 1;
    if (rc == 0)
        rc = runner_finish(res, so->threads, err);
    return rc;
}

static const char usage_merge[] =
    "usage: flowsweep merge [OPTIONS] FILE...\n"
    "\n"
    "Finish a job from the partial files of its shards (flowsweep COMMAND --shard I/N\n"
    "--partial-out FILE PATH...): every shard 0..N-1 once, all of one job over one plan.\n"
    "Prints what the command alone would print; bad files are named, exit status 3.\n"
    "\n"
    "Options (the rest of the job comes from the files):\n"
    "  --format table|csv|json, --limit N, --order \"COL [asc|desc]\" (query),\n"
    "  --having EXPR (query), -o FILE, --csv-keep-formulas, --summary text|json,\n"
    "  --summary-file FILE, -t N, --mem-limit SIZE, --progress WHEN, -q, -v\n";

/* Is argv[*i] one of merge's options? 1 (its value skipped), 0, or -1 (value missing). */
static int
merge_option(int argc, char **argv, int *i)
{
    static const char *const with_value[] = {
        "--format",  "--limit",        "--order",   "--having",    "--output",
        "--summary", "--summary-file", "--threads", "--mem-limit", "--progress"};
    static const char *const flags[] = {"-q", "--quiet", "-v", "--verbose", "--csv-keep-formulas"};
    const char *a = argv[*i];

    for (size_t k = 0; k < sizeof(flags) / sizeof(flags[0]); k++)
        if (strcmp(a, flags[k]) == 0)
            return 1;
    if ((a[1] == 't' || a[1] == 'o') && a[0] == '-') {
        if (a[2] != '\0')
            return 1; /* -t4, -oFILE */
        if (*i + 1 >= argc)
            return -1;
        ++*i;
        return 1;
    }
    for (size_t k = 0; k < sizeof(with_value) / sizeof(with_value[0]); k++) {
        int missing = 0;

        if (opt_value(argc, argv, i, with_value[k], &missing) != NULL)
            return 1;
        if (missing)
            return -1;
    }
    return 0;
}

int
cli_merge_main(int argc, char **argv)
{
    static struct cli job, opt; /* large: not on the stack */
    static struct cli merged;
    struct part_plan walked;
    struct merge_run m;
    struct shard_file *first = mem_calloc(1, sizeof(*first)); /* large: not on the stack */
    struct cli_exec x = {run_merge, &m, 0, 1, 0, "flowsweep", NULL, NULL};
    char **files = mem_calloc((size_t)argc + 1, sizeof(*files));
    char **opts = mem_calloc((size_t)argc + 3, sizeof(*opts));
    char **jav = NULL;
    struct err err;
    int nfiles = 0, nopts = 0, jac = 0, rc = -1, only_files = 0;

    err_init(&err);
    cli_usage_command("merge");
    opts[nopts++] = argv[0];
    opts[nopts++] = NULL; /* the job's command, once known */
    for (int i = 2; i < argc && rc < 0; i++) {
        int start = i, k;

        if (only_files || argv[i][0] != '-') {
            files[nfiles++] = argv[i];
            continue;
        }
        if (strcmp(argv[i], "--") == 0) {
            only_files = 1;
            continue;
        }
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(usage_merge, stdout);
            rc = 0;
            break;
        }
        k = merge_option(argc, argv, &i);
        if (k < 0)
            rc = cli_usage_error("merge: %s needs a value", argv[i]);
        else if (k == 0 && strcmp(argv[i], "-") == 0)
            rc = cli_usage_error("%s", "merge reads shard files, not standard input (-)");
        else if (k == 0)
            rc = cli_usage_error("merge takes output options only (the job comes from the "
                                 "partial files), not '%s'",
                                 argv[i]);
        for (int j = start; j <= i && rc < 0; j++)
            opts[nopts++] = argv[j];
    }
    if (rc < 0 && nfiles == 0)
        rc = cli_usage_error("%s", "merge needs the partial files of every shard (FILE...)");
    if (rc < 0 && shard_load(files[0], first, &err) < 0)
        rc = fail_named(files[0], err.msg);
    if (rc < 0) {
        /* The job's command line as the shards were given it, without their PATHs. */
        const struct shard_head *h = &first->head;

        jav = mem_calloc(h->job_len + 2, sizeof(*jav));
        jav[jac++] = argv[0];
        for (size_t off = 0; off < h->job_len; off += strlen(h->job + off) + 1)
            jav[jac++] = h->job + off;
        if (jac < 2 || !is_grouping(jav[1]))
            rc = fail_named(files[0], "holds no dns-names, dns-dest, query or dns-hunt job");
    }
    if (rc < 0) {
        rc = cli_args_parse(&job, jac, jav);
        if (rc >= 0)
            fail_named(files[0], "its job does not parse here (another flowsweep version?)");
        else if (job.nargs != 0)
            rc = fail_named(files[0], "its job names PATHs");
    }
    if (rc < 0) {
        opts[1] = jav[1];
        rc = cli_args_parse(&opt, nopts, opts);
        if (rc >= 0)
            cli_args_fini(&job);
    }
    if (rc < 0) {
        merged = job;
        merged.cache = NULL;
        merged.output = opt.output;
        merged.quiet = opt.quiet;
        merged.verbose = opt.verbose;
        merged.progress = opt.progress;
        merged.summary_json = opt.summary_json;
        merged.summary_file = opt.summary_file;
        merged.csv_keep_formulas = opt.csv_keep_formulas || job.csv_keep_formulas;
        if (opt.threads)
            merged.threads = opt.threads;
        if (opt.mem_limit)
            merged.mem_limit = opt.mem_limit;
        /* merge's own output options, defaults as for the command (not the shards') */
        merged.format = opt.format;
        merged.limit = opt.limit;
        merged.limit_set = opt.limit_set;
        if (opt.text.order)
            merged.text.order = opt.text.order;
        if (opt.text.having)
            merged.text.having = opt.text.having;
        if (merged.verbose)
            log_set_level(LOG_INFO);
        m.files = files;
        m.nfiles = nfiles;
        m.first = first;
        m.own = (opt.text.having != NULL) | (opt.text.order != NULL) << 1;
        /* The walk as the shards saw it (every shard walks every PATH; same plan checked). */
        memset(&walked, 0, sizeof(walked));
        walked.nfiles = (size_t)first->head.plan_files;
        walked.skips = first->head.skips;
        walked.nskips = first->head.nskips;
        walked.lost = first->head.lost;
        walked.outside_window = (size_t)first->head.outside_window;
        walked.npassed = (size_t)first->head.passed;
        x.walked = &walked;
        rc = cli_check_outputs(&merged, NULL, (const char *const *)files, (size_t)nfiles);
        if (rc < 0)
            rc = cli_run_job(&merged, &x);
        cli_args_fini(&job);
        cli_args_fini(&opt);
    }
    shard_file_fini(first);
    mem_free(first);
    mem_free(jav);
    mem_free(opts);
    mem_free(files);
    return rc;
}
