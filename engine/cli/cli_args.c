/*
 * cli_args.c - see cli_args.h.
 */
#include "cli_args.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_usage.h"
#include "esc.h"
#include "expr.h"
#include "ipfix_read.h"
#include "isotime.h"
#include "log.h"
#include "mem.h"
#include "part_window.h"

/* Whether s[0..n) is n >= 1 ASCII digits (no sign, space or 0x: strtoull() takes those). */
static int
all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return n > 0;
}

int
cli_parse_u64(const char *s, uint64_t *out)
{
    char *end = NULL;
    unsigned long long v;

    if (!all_digits(s, strlen(s)))
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

/* The length of the decimal number at s (DIGITS[.DIGITS]), or 0 when there is none. */
static size_t
decimal_len(const char *s)
{
    size_t n = strspn(s, "0123456789");

    if (n > 0 && s[n] == '.' && s[n + 1] >= '0' && s[n + 1] <= '9')
        n += 1 + strspn(s + n + 1, "0123456789");
    return n;
}

int
cli_parse_decimal(const char *s, double *out)
{
    char *end = NULL;
    double v;
    size_t n = decimal_len(s);

    if (n == 0 || s[n] != '\0')
        return -1;
    errno = 0;
    v = strtod(s, &end);
    if (errno || end != s + n || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static int
parse_size(const char *s, size_t *out)
{
    char *end = NULL;
    double v;
    double mult = 1;

    if (decimal_len(s) == 0) /* digits first: no sign, space, hex or exponent */
        return -1;
    errno = 0;
    v = strtod(s, &end);
    if (errno || end != s + decimal_len(s) || v < 0)
        return -1;
    switch (*end) {
    case 'k':
    case 'K':
        mult = 1024.0;
        end++;
        break;
    case 'm':
    case 'M':
        mult = 1024.0 * 1024;
        end++;
        break;
    case 'g':
    case 'G':
        mult = 1024.0 * 1024 * 1024;
        end++;
        break;
    case 't':
    case 'T':
        mult = 1024.0 * 1024 * 1024 * 1024;
        end++;
        break;
    default:
        break;
    }
    if (*end == 'i' || *end == 'B')
        end += *end == 'i' ? 1 : 0;
    if (*end == 'B')
        end++;
    if (*end != '\0')
        return -1;
    *out = (size_t)(v * mult);
    return 0;
}

enum {
    OPT_START = 256,
    OPT_END,
    OPT_FORMAT,
    OPT_LIMIT,
    OPT_MEM,
    OPT_TMP_DIR,
    OPT_STRICT,
    OPT_PROGRESS,
    OPT_SHOW_QUERY,
    OPT_MIN_BPP,
    OPT_MAX_NAMES,
    OPT_BYTES,
    OPT_SRC_CIDR,
    OPT_MIN_BYTES,
    OPT_DIRECTION,
    OPT_RECORDS,
    OPT_WHERE,
    OPT_GROUP_BY,
    OPT_AGG,
    OPT_HAVING,
    OPT_ORDER,
    OPT_BY,
    OPT_MIN_NAMES,
    OPT_LEN_NORM,
    OPT_ENTROPY_NORM,
    OPT_ALLOW,
    OPT_BASELINE,
    OPT_DECODER,
    OPT_CACHE,
    OPT_INCLUDE,
    OPT_EXCLUDE,
    OPT_CSV_KEEP,
    OPT_EPOCH,
    OPT_SUMMARY,
    OPT_SUMMARY_FILE,
    OPT_FIELDS,
    OPT_JOB,
    OPT_END_OF_LIST /* the number of option codes */
};

static const struct option options[] = {
    {"threads", required_argument, NULL, 't'},
    {"output", required_argument, NULL, 'o'},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"start", required_argument, NULL, OPT_START},
    {"end", required_argument, NULL, OPT_END},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"limit", required_argument, NULL, OPT_LIMIT},
    {"mem-limit", required_argument, NULL, OPT_MEM},
    {"tmp-dir", required_argument, NULL, OPT_TMP_DIR},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"cache", required_argument, NULL, OPT_CACHE},
    {"decoder", required_argument, NULL, OPT_DECODER},
    {"progress", required_argument, NULL, OPT_PROGRESS},
    {"show-query", no_argument, NULL, OPT_SHOW_QUERY},
    {"min-bpp", required_argument, NULL, OPT_MIN_BPP},
    {"max-names", required_argument, NULL, OPT_MAX_NAMES},
    {"bytes", required_argument, NULL, OPT_BYTES},
    {"src-cidr", required_argument, NULL, OPT_SRC_CIDR},
    {"min-bytes", required_argument, NULL, OPT_MIN_BYTES},
    {"direction", required_argument, NULL, OPT_DIRECTION},
    {"records", required_argument, NULL, OPT_RECORDS},
    {"where", required_argument, NULL, OPT_WHERE},
    {"group-by", required_argument, NULL, OPT_GROUP_BY},
    {"agg", required_argument, NULL, OPT_AGG},
    {"having", required_argument, NULL, OPT_HAVING},
    {"order", required_argument, NULL, OPT_ORDER},
    {"by", required_argument, NULL, OPT_BY},
    {"min-names", required_argument, NULL, OPT_MIN_NAMES},
    {"len-norm", required_argument, NULL, OPT_LEN_NORM},
    {"entropy-norm", required_argument, NULL, OPT_ENTROPY_NORM},
    {"allow", required_argument, NULL, OPT_ALLOW},
    {"baseline", required_argument, NULL, OPT_BASELINE},
    {"include", required_argument, NULL, OPT_INCLUDE},
    {"exclude", required_argument, NULL, OPT_EXCLUDE},
    {"csv-keep-formulas", no_argument, NULL, OPT_CSV_KEEP},
    {"epoch", no_argument, NULL, OPT_EPOCH},
    {"summary", required_argument, NULL, OPT_SUMMARY},
    {"summary-file", required_argument, NULL, OPT_SUMMARY_FILE},
    {"fields", required_argument, NULL, OPT_FIELDS},
    {"job", no_argument, NULL, OPT_JOB},
    {NULL, 0, NULL, 0},
};

/* Whether option `opt` applies to command `cmd` (most apply to all). */
static int
option_applies(int opt, enum cmd cmd)
{
    switch (opt) {
    case OPT_MAX_NAMES:
        return cmd == CMD_DNS_NAMES || cmd == CMD_REPORT;
    case OPT_SRC_CIDR:
    case OPT_MIN_BYTES:
    case OPT_DIRECTION:
        return cmd == CMD_DNS_DEST || cmd == CMD_REPORT;
    case OPT_RECORDS:
        return cmd == CMD_QUERY || cmd == CMD_EXPORT;
    case OPT_FIELDS:
        return cmd == CMD_EXPORT;
    case OPT_JOB:
        return cmd == CMD_QUERY;
    case OPT_WHERE: /* every analytic ANDs it into its own filter (the report: into each) */
        return 1;
    case OPT_GROUP_BY:
    case OPT_AGG:
    case OPT_HAVING:
    case OPT_ORDER:
        return cmd == CMD_QUERY;
    case OPT_BY:
        return cmd == CMD_DNS_HUNT;
    case OPT_MIN_NAMES:
    case OPT_LEN_NORM:
    case OPT_ENTROPY_NORM:
        return cmd == CMD_DNS_HUNT || cmd == CMD_REPORT;
    case OPT_ALLOW:
    case OPT_BASELINE:
        return cmd == CMD_DNS_HUNT;
    case OPT_MIN_BPP:
        return cmd == CMD_DNS_NAMES || cmd == CMD_DNS_DEST || cmd == CMD_REPORT;
    case OPT_BYTES:
        return cmd == CMD_DNS_NAMES || cmd == CMD_QUERY;
    case 'o':
        return 1;        /* every command writes its results there */
    case OPT_SHOW_QUERY: /* dns-hunt and report are no query presets */
        return cmd != CMD_EXPORT && cmd != CMD_REPORT && cmd != CMD_DNS_HUNT;
    case OPT_CACHE: /* export keeps no groups */
        return cmd != CMD_EXPORT;
    case OPT_TMP_DIR: /* export keeps no groups; the report does not spill yet */
    case OPT_LIMIT:   /* export writes every row and keeps no tables */
        return cmd != CMD_EXPORT && cmd != CMD_REPORT;
    case OPT_FORMAT: /* the report is one page of fixed tables */
        return cmd != CMD_REPORT;
    case OPT_EPOCH: /* the presets print no times */
        return cmd == CMD_QUERY;
    case OPT_CSV_KEEP:
    case OPT_SUMMARY:
    case OPT_SUMMARY_FILE:
        return cmd != CMD_REPORT && (opt != OPT_CSV_KEEP || cmd != CMD_EXPORT);
    default:
        return 1;
    }
}

/* Whether option `opt` may be given more than once. */
static int
repeatable(int opt)
{
    switch (opt) {
    case OPT_SRC_CIDR:
    case OPT_INCLUDE:
    case OPT_EXCLUDE:
    case 'v':
        return 1;
    default:
        return 0;
    }
}

/* Appends `v` to a growing list of borrowed strings. */
static void
push(const char ***list, size_t *n, const char *v)
{
    *list = mem_realloc(*list, (*n + 1) * sizeof(**list));
    (*list)[(*n)++] = v;
}

/* The option as the user wrote it, for messages ("--start", "-t"). */
static void
option_name(char *buf, size_t cap, int opt, int longindex)
{
    if (longindex >= 0)
        snprintf(buf, cap, "--%s", options[longindex].name);
    else
        snprintf(buf, cap, "-%c", opt);
}

/* getopt's '?' (unknown) or ':' (value missing) as one line naming the option. */
static int
bad_option(int opt, char **argv)
{
    char name[80];
    const char *given = argv[optind - 1];

    /* For "-x" getopt sets optopt; for an unknown "--long" it is 0 and argv names it. */
    if (optopt != 0 && !(given[0] == '-' && given[1] == '-'))
        snprintf(name, sizeof(name), "-%c", optopt);
    else
        snprintf(name, sizeof(name), "%.60s", given);
    if (opt == ':')
        return cli_usage_error("option %s needs a value", name);
    return cli_usage_error("unknown option %s", name);
}

/* Whether option `opt` belongs to a query --job block (each block may give it once). */
static int
block_option(int opt)
{
    switch (opt) {
    case OPT_RECORDS:
    case OPT_BYTES:
    case OPT_WHERE:
    case OPT_GROUP_BY:
    case OPT_AGG:
    case OPT_HAVING:
    case OPT_ORDER:
    case OPT_LIMIT:
    case 'o':
        return 1;
    default:
        return 0;
    }
}

/* Ends the current query block (c->text, --limit, -o) into c->blocks; the next starts empty. */
static void
end_block(struct cli *c, unsigned char *seen)
{
    struct cli_block *b;

    c->blocks = mem_realloc(c->blocks, (c->nblocks + 1) * sizeof(*c->blocks));
    b = &c->blocks[c->nblocks++];
    memset(b, 0, sizeof(*b));
    b->text = c->text;
    b->limit = c->limit;
    b->limit_set = c->limit_set;
    b->output = c->output;
    memset(&c->text, 0, sizeof(c->text));
    c->limit = 20;
    c->limit_set = 0;
    c->output = NULL;
    for (int o = 0; seen != NULL && o < OPT_END_OF_LIST; o++)
        if (block_option(o))
            seen[o] = 0;
}

/* Returns -1 to go on, or an exit code. */
static int
parse_args(struct cli *c, int argc, char **argv)
{
    int opt;
    int longindex = -1;
    int any_cidr = 0;
    unsigned char seen[OPT_END_OF_LIST] = {0};
    struct err err;

    err_init(&err);
    optind = 1;
    opterr = 0; /* getopt prints nothing: one line of ours per error */
    while ((opt = getopt_long(argc, argv, ":t:o:qvh", options, &longindex)) != -1) {
        char name[64];

        if (opt == '?' || opt == ':')
            return bad_option(opt, argv);
        option_name(name, sizeof(name), opt, longindex);
        longindex = -1;
        if (!option_applies(opt, c->cmd))
            return cli_usage_error("option %s does not apply to this command", name);
        /* A single-valued option given twice would silently override: refuse it. */
        if (seen[opt]++ && !repeatable(opt) && optarg != NULL)
            return cli_usage_error("option %s given twice (it takes one value)", name);
        switch (opt) {
        case OPT_JOB:
            end_block(c, seen);
            break;
        case 't': {
            uint64_t n;

            if (cli_parse_u64(optarg, &n) < 0 || n == 0 || n > 4096)
                return cli_usage_error("--threads needs a number from 1 to 4096, not '%s'", optarg);
            c->threads = (int)n;
            break;
        }
        case 'q':
            c->quiet = 1;
            break;
        case 'v':
            c->verbose++;
            break;
        case 'h':
            if (!cli_usage_is_quiet()) /* flowsweep-mpi: rank 0 alone */
                cli_usage_print(c->cmd, stdout);
            return 0;
        case OPT_START:
            c->start = optarg;
            break;
        case OPT_END:
            c->end = optarg;
            break;
        case OPT_FORMAT:
            if (c->cmd == CMD_EXPORT) {
                if (rows_format_parse(optarg, &c->export_format) < 0)
                    return cli_usage_error("export --format takes jsonl or csv, not '%s'", optarg);
            } else if (out_format_parse(optarg, &c->format, &err) < 0) {
                return cli_usage_error("%s", err.msg);
            }
            break;
        case 'o':
            c->output = optarg;
            break;
        case OPT_FIELDS:
            c->export_fields = optarg;
            break;
        case OPT_INCLUDE:
            push(&c->include, &c->ninclude, optarg);
            break;
        case OPT_EXCLUDE:
            push(&c->exclude, &c->nexclude, optarg);
            break;
        case OPT_CSV_KEEP:
            c->csv_keep_formulas = 1;
            break;
        case OPT_EPOCH:
            c->epoch = 1;
            break;
        case OPT_SUMMARY:
            if (strcmp(optarg, "text") && strcmp(optarg, "json"))
                return cli_usage_error("--summary takes text or json, not '%s'", optarg);
            c->summary_json = strcmp(optarg, "json") == 0;
            break;
        case OPT_SUMMARY_FILE:
            c->summary_file = optarg;
            break;
        case OPT_LIMIT:
            if (cli_parse_u64(optarg, &c->limit) < 0)
                return cli_usage_error("--limit needs a whole number (0 = all), not '%s'", optarg);
            c->limit_set = 1;
            break;
        case OPT_MEM:
            if (parse_size(optarg, &c->mem_limit) < 0 || c->mem_limit == 0)
                return cli_usage_error("--mem-limit needs a size such as 512M or 8G, not '%s'",
                                       optarg);
            break;
        case OPT_STRICT:
            c->strict = 1;
            break;
        case OPT_TMP_DIR:
            if (optarg[0] == '\0')
                return cli_usage_error("--tmp-dir needs a directory, not '%s'", optarg);
            c->tmp_dir = optarg;
            break;
        case OPT_CACHE:
            c->cache = optarg;
            break;
        case OPT_DECODER: {
            enum ipfix_decoder d;

            if (ipfix_decoder_parse(optarg, &d) < 0)
                return cli_usage_error("--decoder takes fast or fixbuf, not '%s'", optarg);
            c->source.decoder = d;
            break;
        }
        case OPT_PROGRESS:
            if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never"))
                return cli_usage_error("--progress takes auto, always or never, not '%s'", optarg);
            c->progress = optarg;
            break;
        case OPT_SHOW_QUERY:
            c->show_query = 1;
            break;
        case OPT_MIN_BPP: {
            double d;

            if (cli_parse_decimal(optarg, &d) < 0 || d < 0)
                return cli_usage_error("--min-bpp needs a number, not '%s'", optarg);
            c->names.min_bpp = d;
            c->dest.min_bpp = d;
            break;
        }
        case OPT_MAX_NAMES: {
            uint64_t n;

            if (cli_parse_u64(optarg, &n) < 0 || n > 65535)
                return cli_usage_error("--max-names needs a whole number, not '%s'", optarg);
            c->names.max_names = (unsigned)n;
            break;
        }
        case OPT_BYTES:
            if (strcmp(optarg, "forward") && strcmp(optarg, "total"))
                return cli_usage_error("--bytes takes forward or total, not '%s'", optarg);
            c->names.bytes_total = strcmp(optarg, "total") == 0;
            c->text.bytes = optarg;
            break;
        case OPT_SRC_CIDR: {
            size_t used = c->cidrs_set ? strlen(c->cidrs) : 0;

            /* "any" (no filter) and a network contradict each other, in either order. */
            if (strcmp(optarg, "any") == 0 ? used > 0 : any_cidr)
                return cli_usage_error("%s", "--src-cidr any (no source filter) contradicts "
                                             "--src-cidr NET; give one or the other");
            if (strcmp(optarg, "any") == 0) {
                c->cidrs[0] = '\0';
                c->cidrs_set = 1;
                any_cidr = 1;
                break;
            }
            if (used + strlen(optarg) + 3 > sizeof(c->cidrs))
                return cli_usage_error("%s", "too many --src-cidr blocks");
            snprintf(c->cidrs + used, sizeof(c->cidrs) - used, "%s%s", used ? ", " : "", optarg);
            c->cidrs_set = 1;
            break;
        }
        case OPT_MIN_BYTES:
            if (cli_parse_u64(optarg, &c->dest.min_bytes) < 0 || c->dest.min_bytes > INT64_MAX)
                return cli_usage_error(
                    "--min-bytes needs a whole number from 0 to 9223372036854775807, not '%s'",
                    optarg);
            break;
        case OPT_DIRECTION:
            if (strcmp(optarg, "both") && strcmp(optarg, "forward"))
                return cli_usage_error("--direction takes both or forward, not '%s'", optarg);
            c->dest.forward_only = strcmp(optarg, "forward") == 0;
            break;
        case OPT_RECORDS:
            c->text.records = optarg;
            break;
        case OPT_WHERE:
            c->text.where = c->text.where_typed = optarg;
            break;
        case OPT_GROUP_BY:
            c->text.group_by = optarg;
            break;
        case OPT_AGG:
            c->text.aggs = optarg;
            break;
        case OPT_HAVING:
            c->text.having = optarg;
            break;
        case OPT_ORDER:
            c->text.order = optarg;
            break;
        case OPT_BY:
            if (strcmp(optarg, "domain") == 0)
                c->hunt.by = HUNT_BY_DOMAIN;
            else if (strcmp(optarg, "domain,source") == 0 || strcmp(optarg, "source,domain") == 0)
                c->hunt.by = HUNT_BY_DOMAIN_SOURCE;
            else if (strcmp(optarg, "server") == 0)
                c->hunt.by = HUNT_BY_SERVER;
            else if (strcmp(optarg, "client") == 0)
                c->hunt.by = HUNT_BY_CLIENT;
            else
                return cli_usage_error(
                    "--by takes domain, domain,source, server or client, not '%s'", optarg);
            break;
        case OPT_ALLOW:
            c->allow = optarg;
            break;
        case OPT_BASELINE:
            c->baseline = optarg;
            break;
        case OPT_MIN_NAMES:
            if (cli_parse_u64(optarg, &c->hunt.min_names) < 0)
                return cli_usage_error("--min-names needs a whole number, not '%s'", optarg);
            break;
        case OPT_LEN_NORM:
        case OPT_ENTROPY_NORM: {
            double d;

            if (cli_parse_decimal(optarg, &d) < 0 || d <= 0)
                return cli_usage_error("%s needs a positive number", argv[optind - 2]);
            if (opt == OPT_LEN_NORM)
                c->hunt.len_norm = d;
            else
                c->hunt.entropy_norm = d;
            break;
        }
        default:
            return cli_usage_error("unknown option %s", name);
        }
    }
    if (c->nblocks > 0)
        end_block(c, NULL); /* the last block */
    if (c->quiet && c->verbose)
        return cli_usage_error("%s", "-q (quiet) and -v (verbose) contradict each other");
    if (c->summary_file && !c->summary_json)
        return cli_usage_error("%s", "--summary-file needs --summary json");
    return -1;
}

/*
 * A --start/--end with minutes or seconds also keeps records by their own
 * start time: c->text.where becomes "(WHERE) and start >= 'S' and start <
 * 'E'" (the window's exact bounds, E just after the end). A bad window is
 * left for cli_plan_inputs() to report.
 */
static void
window_where(const struct cli *c, struct job_text *text, char **storage)
{
    struct part_window w;
    struct err err;
    char lo[ISOTIME_LEN], hi[ISOTIME_LEN];
    size_t cap;
    int n;

    err_init(&err);
    if ((c->start == NULL && c->end == NULL) || part_window_parse(c->start, c->end, &w, &err) < 0 ||
        !w.subhour)
        return;
    isotime_format(w.start_ms, lo);
    isotime_format(w.end_ms, hi);
    if (w.has_end && w.end_ms >= 253402300800000LL) /* past 9999-12-31: no upper bound */
        w.has_end = 0;
    if (!w.has_start && !w.has_end)
        return;
    cap = (text->where ? strlen(text->where) : 0) + 2 * ISOTIME_LEN + 64;
    *storage = mem_alloc(cap);
    n = text->where ? snprintf(*storage, cap, "(%s)", text->where) : 0;
    if (w.has_start)
        n += snprintf(*storage + n, cap - (size_t)n, "%sstart >= '%s'", n ? " and " : "", lo);
    if (w.has_end)
        snprintf(*storage + n, cap - (size_t)n, "%sstart < '%s'", n ? " and " : "", hi);
    text->where = *storage;
}

int
cli_args_parse(struct cli *c, int argc, char **argv)
{
    const char *cmd;
    int rc;

    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        if (!cli_usage_is_quiet()) /* flowsweep-mpi: rank 0 alone */
            cli_usage_main(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        if (!cli_usage_is_quiet()) /* flowsweep-mpi: rank 0 alone */
            printf("flowsweep %s (allocator: %s)\n", FLOWSWEEP_VERSION, mem_allocator_name());
        return 0;
    }
    memset(c, 0, sizeof(*c));
    cmd = argv[1];
    cli_usage_command("");
    if (strcmp(cmd, "dns-names") == 0)
        c->cmd = CMD_DNS_NAMES;
    else if (strcmp(cmd, "dns-dest") == 0)
        c->cmd = CMD_DNS_DEST;
    else if (strcmp(cmd, "query") == 0)
        c->cmd = CMD_QUERY;
    else if (strcmp(cmd, "dns-hunt") == 0)
        c->cmd = CMD_DNS_HUNT;
    else if (strcmp(cmd, "export") == 0)
        c->cmd = CMD_EXPORT;
    else if (strcmp(cmd, "report") == 0)
        c->cmd = CMD_REPORT;
    else
        return cli_usage_error(
            "unknown command '%s' (dns-names, dns-dest, query, dns-hunt, export, report, merge, "
            "cache)",
            cmd);
    cli_usage_command(cmd); /* a known command name: safe to echo */
    c->format = OUT_FORMAT_TABLE;
    c->limit = 20;
    c->names.min_bpp = 70;
    c->names.max_names = 2;
    c->dest.min_bpp = 70;
    c->dest.min_bytes = 500;
    c->hunt.by = HUNT_BY_DOMAIN;
    c->hunt.len_norm = 40;
    c->hunt.entropy_norm = 4;
    c->hunt.min_names = 1;
    if (c->cmd != CMD_EXPORT)
        c->cache = getenv("FLOWSWEEP_CACHE"); /* NOLINT(concurrency-mt-unsafe): before threads */
    rc = parse_args(c, argc - 1, argv + 1);
    if (rc < 0 && c->cache != NULL && c->cache[0] == '\0')
        c->cache = NULL;
    if (rc >= 0) {
        cli_args_fini(c);
        return rc;
    }
    /* The table keeps Spark's 20 rows; a CSV or JSON file gets every row unless asked. */
    if (!c->limit_set && c->format != OUT_FORMAT_TABLE)
        c->limit = 0;
    c->nargs = argc - 1 - optind;
    c->args = argv + 1 + optind;
    if (c->show_query && (c->start != NULL || c->end != NULL)) {
        /* --show-query prints the job a run would make: a window a run refuses is refused */
        struct part_window w;
        struct err err;

        err_init(&err);
        if (part_window_parse(c->start, c->end, &w, &err) < 0) {
            cli_args_fini(c);
            return cli_usage_error("%s", err.msg);
        }
    }
    window_where(c, &c->text, &c->where_window);
    for (size_t i = 0; i < c->nblocks; i++) { /* each --job block likewise */
        struct cli_block *b = &c->blocks[i];

        if (!b->limit_set && c->format != OUT_FORMAT_TABLE)
            b->limit = 0;
        window_where(c, &b->text, &b->where_window);
    }
    /* The report reads its files once per analytic; standard input can be read only once. */
    for (int i = 0; c->cmd == CMD_REPORT && i < c->nargs; i++) {
        if (strcmp(c->args[i], "-") == 0) {
            cli_args_fini(c);
            return cli_usage_error("%s", "report reads its input once per analytic: it cannot "
                                         "read standard input (-); give files or directories");
        }
    }
    return -1;
}

static int
allow_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Adds --allow entry p (len bytes, trimmed) to `a`: NULL, or why it is refused. */
static const char *
allow_push(struct hunt_allow *a, size_t *cap, const char *p, size_t len)
{
    char dom[256];
    const char *why;

    while (len > 0 && (*p == ' ' || *p == '\t'))
        p++, len--;
    while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r'))
        len--;
    if (len == 0)
        return NULL;
    why = expr_domain_norm(p, len, dom, sizeof(dom), &len);
    if (why)
        return why;
    if (a->n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        a->s = mem_realloc(a->s, *cap * sizeof(*a->s));
    }
    a->s[a->n++] = mem_strdup(dom);
    return NULL;
}

/* Bytes of a refused --allow entry quoted in its message. */
#define ALLOW_SHOWN 64

/* Entry p trimmed as allow_push() trims it, its first ALLOW_SHOWN bytes escaped (\xHH) into
 * `dst`: a NUL or ESC shows, never cuts the message or reaches the terminal raw. */
static void
allow_shown(char *dst, size_t cap, const char *p, size_t len)
{
    while (len > 0 && (*p == ' ' || *p == '\t'))
        p++, len--;
    while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r'))
        len--;
    esc_bytes(dst, cap, (const uint8_t *)p, len > ALLOW_SHOWN ? ALLOW_SHOWN : len);
}

/*
 * One line of `fp` into `line` (capacity `cap`), its '\n' dropped, NUL bytes kept (fgets would
 * hide them): 1 with `*len` set, 0 at the end of the file, -1 when longer than cap - 1.
 */
static int
allow_line(FILE *fp, char *line, size_t cap, size_t *len)
{
    int ch = EOF;
    size_t n = 0;

    while ((ch = getc(fp)) != EOF && ch != '\n') {
        if (n + 1 >= cap)
            return -1;
        line[n++] = (char)ch;
    }
    *len = n;
    return ch == EOF && n == 0 ? 0 : 1;
}

/*
 * dns-hunt --allow `spec` ("@FILE", one entry a line, '#' comments, or a
 * comma-separated list) into `a`, each entry read as a dns.suffix watchlist's
 * (expr_domain_norm()): "*.x", ".x", "x" and "x." alike, entries that can
 * never match refused. Returns 0, or -1 with `err` set (ERR_USAGE); a refused
 * entry is quoted escaped.
 */
static int
allow_load(struct hunt_allow *a, const char *spec, struct err *err)
{
    size_t cap = 0;
    const char *why = NULL;
    char shown[4 * ALLOW_SHOWN + 1];

    memset(a, 0, sizeof(*a));
    if (spec[0] == '@') {
        FILE *fp = fopen(spec + 1, "r"); // NOLINT(cert-err33-c): checked below
        char line[1024];
        unsigned lineno = 0;
        size_t n = 0;
        int got;

        if (fp == NULL) {
            /* a usage error (2), as a missing watchlist is */
            ERR_SET_ERRNO(err, errno, "--allow: cannot open %s", spec + 1);
            err->code = ERR_USAGE;
            return -1;
        }
        while (why == NULL && (got = allow_line(fp, line, sizeof(line), &n)) != 0) {
            const char *hash = memchr(line, '#', n);
            size_t len = hash ? (size_t)(hash - line) : n;

            lineno++;
            if (got < 0) {
                fclose(fp);
                hunt_allow_fini(a);
                return ERR_SET(err, ERR_USAGE, "--allow: %s line %u is too long", spec + 1, lineno),
                       -1;
            }
            why = allow_push(a, &cap, line, len);
            if (why) {
                allow_shown(shown, sizeof(shown), line, len);
                ERR_SET(err, ERR_USAGE, "--allow %s:%u: %s: \"%s\"", spec + 1, lineno, why, shown);
            }
        }
        fclose(fp);
    } else {
        for (const char *p = spec; *p && why == NULL;) {
            size_t len = strcspn(p, ",");

            why = allow_push(a, &cap, p, len);
            if (why) {
                allow_shown(shown, sizeof(shown), p, len);
                ERR_SET(err, ERR_USAGE, "--allow: %s: \"%s\"", why, shown);
            }
            p += len + (p[len] == ',');
        }
    }
    if (why) {
        hunt_allow_fini(a);
        return -1;
    }
    if (a->n == 0) {
        hunt_allow_fini(a);
        return ERR_SET(err, ERR_USAGE, "--allow %s: no domains", spec), -1;
    }
    qsort(a->s, a->n, sizeof(*a->s), allow_cmp);
    return 0;
}

int
cli_baseline_parse(const char *spec, struct part_window *bw, struct err *err)
{
    const char *dots = strstr(spec, "..");
    char start[64];

    if (dots == NULL || (size_t)(dots - spec) >= sizeof(start))
        return ERR_SET(err, ERR_USAGE, "--baseline takes START..END (hours, as --start), not '%s'",
                       spec);
    memcpy(start, spec, (size_t)(dots - spec));
    start[dots - spec] = '\0';
    if (part_window_parse(start, dots + 2, bw, err) < 0) {
        err_prefix(err, "--baseline");
        return -ERR_USAGE;
    }
    if (!bw->has_start || !bw->has_end)
        return ERR_SET(err, ERR_USAGE, "--baseline '%s': both START and END are needed", spec);
    return 0;
}

/*
 * dns-hunt's --baseline and --allow into `o`. Returns -1 when all is well,
 * else the exit status (the message printed).
 */
int
cli_hunt_options(const struct cli *c, struct hunt_opts *o, struct hunt_allow *allow,
                 struct err *err)
{
    if (c->baseline) {
        struct part_window bw, w;
        struct err werr;

        if (cli_baseline_parse(c->baseline, &bw, err) < 0)
            return cli_usage_error("%s", err->msg);
        o->baseline_start_ms = bw.start_ms; /* to the precision written (END's :MM[:SS] too) */
        o->baseline_end_ms = bw.end_ms;
        /*
         * "A group seen in the baseline is not new" holds only when the baseline is read:
         * dns-hunt reads the --start/--end window alone (a bad window is refused later).
         */
        err_init(&werr);
        if ((c->start != NULL || c->end != NULL) &&
            part_window_parse(c->start, c->end, &w, &werr) == 0) {
            char msg[512];

            if (w.has_start && bw.start_ms < w.start_ms) {
                snprintf(msg, sizeof(msg),
                         "--baseline %.64s begins before --start %.64s: dns-hunt reads only the "
                         "--start/--end window, so a group seen in the baseline before it would "
                         "be called new; start the window at the baseline's start (--start "
                         "%.*s), or give no --start",
                         c->baseline, c->start, (int)(strstr(c->baseline, "..") - c->baseline) & 63,
                         c->baseline);
                return cli_usage_error("%s", msg);
            }
            if (w.has_end && bw.end_ms >= w.end_ms) {
                snprintf(msg, sizeof(msg),
                         "--baseline %.64s does not end before --end %.64s: no group first seen "
                         "in the window could be new (new would be 0 in every row); end the "
                         "baseline before --end",
                         c->baseline, c->end);
                return cli_usage_error("%s", msg);
            }
        }
    }
    if (c->allow) {
        if (allow_load(allow, c->allow, err) < 0) {
            size_t len = strlen(err->msg), need = esc_len((const uint8_t *)err->msg, len) + 1;
            char *buf = mem_alloc(need);

            esc_bytes(buf, need, (const uint8_t *)err->msg, len);
            if (err->code != ERR_USAGE || !cli_usage_is_quiet())
                LOG_ERR("%s", buf);
            mem_free(buf);
            return err->code == ERR_USAGE ? EXIT_USAGE : EXIT_FATAL;
        }
        o->allow = allow;
    }
    return -1;
}

void
cli_args_fini(struct cli *c)
{
    mem_free(c->include);
    mem_free(c->exclude);
    mem_free(c->where_window);
    c->where_window = NULL;
    for (size_t i = 0; i < c->nblocks; i++)
        mem_free(c->blocks[i].where_window);
    mem_free(c->blocks);
    c->blocks = NULL;
    c->nblocks = 0;
    c->include = c->exclude = NULL;
    c->ninclude = c->nexclude = 0;
}

/*
 * Prints a shell-quoted argument: '...' when every byte is printable, else
 * bash's $'...' with each byte outside 0x20-0x7E as \xHH (as esc_bytes()
 * writes it), so a control byte from --where never reaches the terminal raw
 * and the printed command still runs the same job.
 */
static void
put_quoted(const char *s)
{
    if (!esc_is_plain((const uint8_t *)s, strlen(s))) {
        fputs("$'", stdout);
        for (; *s; s++) {
            unsigned char ch = (unsigned char)*s;

            if (ch == '\'' || ch == '\\')
                printf("\\%c", ch);
            else if (ch < 0x20 || ch > 0x7e)
                printf("\\x%02X", ch);
            else
                fputc(ch, stdout);
        }
        fputc('\'', stdout);
        return;
    }
    fputc('\'', stdout);
    for (; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", stdout);
        else
            fputc(*s, stdout);
    }
    fputc('\'', stdout);
}

void
cli_show_query(const struct cli *c, const struct job_text *t)
{
    fputs("flowsweep query", stdout);
    fputs(" --records ", stdout);
    put_quoted(t->records ? t->records : "flows");
    if (t->bytes) {
        fputs(" --bytes ", stdout);
        put_quoted(t->bytes);
    }
    if (t->where) {
        fputs(" \\\n  --where ", stdout);
        put_quoted(t->where);
    }
    fputs(" \\\n  --group-by ", stdout);
    put_quoted(t->group_by);
    fputs(" \\\n  --agg ", stdout);
    put_quoted(t->aggs ? t->aggs : "count=count()");
    if (t->having) {
        fputs(" \\\n  --having ", stdout);
        put_quoted(t->having);
    }
    if (t->order) {
        fputs(" \\\n  --order ", stdout);
        put_quoted(t->order);
    }
    if (c->start) { /* the rest of the job as given, so the command runs the same job */
        fputs(" \\\n  --start ", stdout);
        put_quoted(c->start);
    }
    if (c->end) {
        fputs(" \\\n  --end ", stdout);
        put_quoted(c->end);
    }
    if (c->format != OUT_FORMAT_TABLE)
        printf(" \\\n  --format %s", c->format == OUT_FORMAT_CSV ? "csv" : "json");
    printf(" \\\n  --limit %llu PATH...\n", (unsigned long long)t->limit);
}
