/*
 * flowsweep_gen.c - flowsweep-gen: writes a synthetic, YAF-compatible hourly
 * repository of IPFIX flow files with DNS DPI, benign traffic plus planted DNS
 * exfiltration channels, deterministic for a seed. See docs/generator.md.
 *
 * This file is argv, messages and exit codes only (0 ok, 1 error, 2 usage);
 * the work is in bench/gen/.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <omp.h>

#include "err.h"
#include "gen_repo.h"
#include "mem.h"

#define DEFAULT_START "2024-05-06T00"
#define DEFAULT_FLOWS 100000

static const char usage_text[] =
    "usage: flowsweep-gen --out DIR [options]\n"
    "\n"
    "Writes a YAF-compatible hourly repository DIR/YYYY/MM/DD/HH/PREFIX-YYYYMMDDhhmmss-NNNNN.yaf\n"
    "of IPFIX flows with DNS DPI: benign traffic plus planted DNS exfiltration channels.\n"
    "The output depends only on the options, never on --threads.\n"
    "\n"
    "  --out DIR             repository root (required; created)\n"
    "  --seed N              random seed (default 1)\n"
    "  --start YYYY-MM-DDTHH first hour, UTC (default " DEFAULT_START ")\n"
    "  --hours H             hours to write (default 24)\n"
    "  --files-per-hour K    files per hour (default 1)\n"
    "  --flows N             total flow records (default 100000)\n"
    "  --bytes SIZE          or: approximate total size, e.g. 100M, 1G (K/M/G/T = 2^10..2^40)\n"
    "  --layout 2|3          YAF 2 nesting (STML -> 0xCE00 -> 0xCF00, default) or YAF 3 "
    "yafDPIList\n"
    "  --no-rr-detail        layout 3: leave dnsDetailRecordList out of the DNS records\n"
    "  --uniflow[=SHARE]     write that share (0..1, default 1) of biflows as two uniflow "
    "records,\n"
    "                        as YAF --uniflow does; default: biflows\n"
    "  --flow-table          tunnel channels as YAF's default flow table exports them: one\n"
    "                        long flow per session (30 min), DNS of its first packets only\n"
    "  --exfil MODE          none | default (all channels, small share) | heavy (every hour,\n"
    "                        ~57% of flows, millions of distinct names) (default: default)\n"
    "  --truth FILE          also write every record as flowdump v1 (small repositories)\n"
    "  --labels FILE         channel ground truth, TSV (default DIR.labels.tsv, beside DIR)\n"
    "  --prefix NAME         file name prefix (default yaf)\n"
    "  --threads N           OpenMP threads (default: all)\n"
    "  -q                    no summary line\n"
    "  --help                this text\n";

/* Prints "flowsweep-gen: <message>" and a hint; returns 2, the usage exit code. */
__attribute__((format(printf, 1, 2))) static int
usage_error(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "flowsweep-gen: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized): va_start above
    va_end(ap);
    fprintf(stderr, "\n(try --help)\n");
    return 2;
}

static int
parse_u64(const char *s, uint64_t *v)
{
    char *end;

    errno = 0;
    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    *v = x;
    return 0;
}

/* "1G", "100M", "512K", "12345" (binary multiples). */
static int
parse_size(const char *s, uint64_t *v)
{
    char *end;
    uint64_t mult = 1;

    errno = 0;
    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    double x = strtod(s, &end);
    if (errno != 0)
        return -1;
    switch (*end) {
    case 'k':
    case 'K':
        mult = 1ULL << 10;
        break;
    case 'm':
    case 'M':
        mult = 1ULL << 20;
        break;
    case 'g':
    case 'G':
        mult = 1ULL << 30;
        break;
    case 't':
    case 'T':
        mult = 1ULL << 40;
        break;
    case '\0':
        break;
    default:
        return -1;
    }
    if (*end != '\0' && end[1] != '\0' && strcmp(end + 1, "iB") != 0 && strcmp(end + 1, "B") != 0)
        return -1;
    if (x <= 0 || x * (double)mult > 1e18)
        return -1;
    *v = (uint64_t)(x * (double)mult);
    return 0;
}

/* Splits "--opt=value"; returns the value, the next argument, or NULL. */
static const char *
opt_value(int argc, char **argv, int *i, const char *eq)
{
    if (eq)
        return eq + 1;
    if (*i + 1 < argc)
        return argv[++*i];
    return NULL;
}

/* Options that are not a NAME VALUE pair. Returns 1 if `name` was one, 0 if not, -1 after a
   usage error. */
static int
parse_flag(const char *name, const char *eq, int argc, char **argv, int *i, struct gen_repo_opts *o,
           int *quiet)
{
    if (strcmp(name, "-q") == 0) {
        *quiet = 1;
    } else if (strcmp(name, "--no-rr-detail") == 0) {
        o->rr_detail = 0;
    } else if (strcmp(name, "--flow-table") == 0) {
        o->flow_table = 1;
    } else if (strcmp(name, "--uniflow") == 0) {
        const char *s = eq ? eq + 1 : NULL;
        if (!s && *i + 1 < argc && argv[*i + 1][0] != '-')
            s = argv[++*i];
        double share = 1.0;
        if (s) {
            char *end;
            share = strtod(s, &end);
            if (*end != '\0' || share < 0 || share > 1) {
                usage_error("bad --uniflow share '%s' (want 0..1)", s);
                return -1;
            }
        }
        o->uniflow_ppm = (uint32_t)(share * 1000000 + 0.5);
    } else {
        return 0;
    }
    return 1;
}

/* NAME VALUE options. Returns 0, or 2 after printing a usage error. */
static int
parse_pair(const char *name, const char *val, struct gen_repo_opts *o, const char **start,
           int *have_flows, int *have_bytes)
{
    const char *shown = val ? val : "";
    uint64_t v;

    if (strcmp(name, "--out") == 0 && val) {
        o->out = val;
    } else if (strcmp(name, "--seed") == 0) {
        if (parse_u64(val, &o->world.seed) < 0)
            return usage_error("bad --seed '%s'", shown);
    } else if (strcmp(name, "--start") == 0 && val) {
        *start = val;
    } else if (strcmp(name, "--hours") == 0) {
        if (parse_u64(val, &v) < 0 || v < 1 || v > 24ULL * 366 * 10)
            return usage_error("bad --hours '%s'", shown);
        o->world.hours = (uint32_t)v;
    } else if (strcmp(name, "--files-per-hour") == 0) {
        if (parse_u64(val, &v) < 0 || v < 1 || v > 3600)
            return usage_error("bad --files-per-hour '%s' (1..3600)", shown);
        o->world.files_per_hour = (uint32_t)v;
    } else if (strcmp(name, "--flows") == 0) {
        if (parse_u64(val, &o->flows) < 0 || o->flows == 0)
            return usage_error("bad --flows '%s'", shown);
        *have_flows = 1;
    } else if (strcmp(name, "--bytes") == 0) {
        if (parse_size(val, &o->bytes) < 0)
            return usage_error("bad --bytes '%s' (e.g. 100M, 1G)", shown);
        *have_bytes = 1;
    } else if (strcmp(name, "--layout") == 0) {
        if (val == NULL || (strcmp(val, "2") != 0 && strcmp(val, "3") != 0))
            return usage_error("bad --layout '%s' (2 or 3)", shown);
        o->layout = val[0] - '0';
    } else if (strcmp(name, "--exfil") == 0) {
        if (val && strcmp(val, "none") == 0)
            o->world.exfil = GEN_EXFIL_NONE;
        else if (val && strcmp(val, "default") == 0)
            o->world.exfil = GEN_EXFIL_DEFAULT;
        else if (val && strcmp(val, "heavy") == 0)
            o->world.exfil = GEN_EXFIL_HEAVY;
        else
            return usage_error("bad --exfil '%s' (none, default, heavy)", shown);
    } else if (strcmp(name, "--truth") == 0 && val) {
        o->truth = val;
    } else if (strcmp(name, "--labels") == 0 && val) {
        o->labels = val;
    } else if (strcmp(name, "--prefix") == 0 && val && *val && !strchr(val, '/')) {
        o->prefix = val;
    } else if (strcmp(name, "--threads") == 0) {
        if (parse_u64(val, &v) < 0 || v < 1 || v > 1024)
            return usage_error("bad --threads '%s'", shown);
        o->threads = (int)v;
    } else {
        return usage_error("unknown option or missing value: '%s'", name);
    }
    return 0;
}

/* Fills `o` from argv. Returns 0, 1 after --help, or 2 after a usage error. */
static int
parse_args(int argc, char **argv, struct gen_repo_opts *o, const char **start, int *quiet)
{
    int have_flows = 0, have_bytes = 0;

    for (int i = 1; i < argc; i++) {
        char name[64];
        const char *a = argv[i];
        const char *eq = a[0] == '-' && a[1] == '-' ? strchr(a, '=') : NULL;
        size_t nl = eq ? (size_t)(eq - a) : strlen(a);
        if (nl >= sizeof(name))
            return usage_error("unknown option '%s'", a);
        memcpy(name, a, nl);
        name[nl] = '\0';
        if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
            fputs(usage_text, stdout);
            return 1;
        }
        int f = parse_flag(name, eq, argc, argv, &i, o, quiet);
        if (f < 0)
            return 2;
        if (f > 0)
            continue;
        const char *val = opt_value(argc, argv, &i, eq);
        if (parse_pair(name, val, o, start, &have_flows, &have_bytes) != 0)
            return 2;
    }
    if (o->out == NULL)
        return usage_error("%s", "--out DIR is required");
    if (have_flows && have_bytes)
        return usage_error("%s", "give --flows or --bytes, not both");
    if (!have_flows && !have_bytes)
        o->flows = DEFAULT_FLOWS;
    return 0;
}

int
main(int argc, char **argv)
{
    struct gen_repo_opts o = {0};
    struct gen_repo_stats st;
    struct err err;
    const char *start = DEFAULT_START;
    char labels_default[4096 + 16];
    int quiet = 0;

    err_init(&err);
    o.prefix = "yaf";
    o.world.seed = 1;
    o.world.hours = 24;
    o.world.files_per_hour = 1;
    o.world.exfil = GEN_EXFIL_DEFAULT;
    o.layout = 2;
    o.rr_detail = 1;
    o.threads = omp_get_max_threads();
    int rc = parse_args(argc, argv, &o, &start, &quiet);
    if (rc != 0)
        return rc == 1 ? 0 : 2;
    if (gen_repo_parse_hour(start, &o.world.start_ms, &err) < 0)
        return usage_error("%s", err.msg);
    if (o.labels == NULL) {
        /*
         * Beside the repository, not inside it: a labels.tsv among the data
         * files is not IPFIX, so the first sweep of a fresh repository would
         * report it as a bad file (exit 3).
         */
        size_t n = strlen(o.out);

        while (n > 1 && o.out[n - 1] == '/')
            n--;
        if ((size_t)snprintf(labels_default, sizeof(labels_default), "%.*s.labels.tsv", (int)n,
                             o.out) >= sizeof(labels_default))
            return usage_error("%s", "--out path too long for the default --labels; give --labels");
        o.labels = labels_default;
    }

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (gen_repo_run(&o, &st, &err) < 0) {
        fprintf(stderr, "flowsweep-gen: error: %s\n", err.msg);
        return err.code == ERR_USAGE ? 2 : 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (!quiet)
        fprintf(stderr,
                "flowsweep-gen: %llu files, %llu flows (%llu exfil), %.1f MB in %.2f s (%.1f MB/s, "
                "%.0f flows/s), %d threads, %s\n",
                (unsigned long long)st.files, (unsigned long long)st.flows,
                (unsigned long long)st.exfil, (double)st.bytes / 1e6, secs,
                secs > 0 ? (double)st.bytes / 1e6 / secs : 0.0,
                secs > 0 ? (double)st.flows / secs : 0.0, o.threads, mem_allocator_name());
    return 0;
}
