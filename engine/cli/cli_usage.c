/*
 * cli_usage.c - see cli_usage.h.
 */
#include "cli_usage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "esc.h"
#include "mem.h"

static const char usage_main[] =
    "usage: flowsweep COMMAND [OPTIONS] PATH...\n"
    "\n"
    "Sweep a repository of hourly YAF / super_mediator IPFIX files on all cores.\n"
    "\n"
    "Commands:\n"
    "  dns-names   the Mothra analytic: DNS flows grouped by (names, RR types)\n"
    "  dns-dest    the SiLK analytic: DNS records from inside, grouped by destination\n"
    "  query       a general job: filter, group by, aggregate, having, order, limit\n"
    "  dns-hunt    tunnels that exact names hide: DNS grouped by registered domain, scored\n"
    "  export      flat per-record rows (JSON Lines or CSV) for loading into other engines\n"
    "  report      every analytic over the same files as one HTML page (-o FILE)\n"
    "  merge       finish a job from its shards' --partial-out files (docs/distributed.md)\n"
    "  cache       the partial cache: flowsweep cache stats|prune [DIR] (cache --help)\n"
    "\n"
    "  flowsweep COMMAND --help    options of a command\n"
    "  flowsweep --version         version and allocator\n"
    "\n"
    "PATH is a file, a directory walked recursively, or - for standard input (docs/usage.md).\n";

static const char usage_input[] =
    "Input:\n"
    "  PATH...                 files (always read), directories walked recursively (files\n"
    "                          named like flow files: *.yaf, *.ipfix, YAF and SiLK hourly\n"
    "                          names, Hive part- files; .gz and .zst read too), or - for\n"
    "                          one IPFIX stream on standard input\n"
    "  --include GLOB          also read walked files matching GLOB (repeatable; a GLOB\n"
    "                          with '/' matches the path, else the name)\n"
    "  --exclude GLOB          pass over walked files matching GLOB (repeatable; wins)\n"
    "  --start YYYY-MM-DD[THH] first hour to read (inclusive; the hour comes from the path);\n"
    "                          :MM[:SS] also keeps records by start time (docs/usage.md)\n"
    "  --end YYYY-MM-DD[THH]   last hour to read (inclusive; a date alone means its hour 23)\n";

static const char usage_output_head[] =
    "Output:\n"
    "  --format table|csv|json table = Spark show(N, false) text (default); csv = RFC 4180\n"
    "                          (lists as JSON array text); json = JSON Lines (jsonl too)\n"
    "  --limit N               rows to print (default: 20 for the table, all for csv and\n"
    "                          json; 0 = all)\n"
    "  -o, --output FILE       write the results to FILE (whole or not at all: a temporary\n"
    "                          name, renamed when the run succeeds; default stdout)\n"
    "  --csv-keep-formulas     csv: leave cells starting with = + - @ as they are (default:\n"
    "                          a ' in front, so a spreadsheet does not run them)\n";

static const char usage_output_query[] =
    "  --show-query            print the equivalent 'flowsweep query' command and exit\n";

static const char usage_shard[] =
    "Shards (docs/distributed.md):\n"
    "  --shard I/N             read shard I (0-based) of N of the planned files; needs\n"
    "                          --partial-out; exits 0 once the file is written\n"
    "  --partial-out FILE      write the shard's groups, counts, bad files and skips to\n"
    "                          FILE for 'flowsweep merge' (alone: shard 0/1)\n";

static const char usage_summary[] =
    "  --summary text|json     the run summary on stderr: one text line (default) or one\n"
    "                          JSON object (files, bad files with offsets, rows, exit...)\n"
    "  --summary-file FILE     write the summary to FILE instead of stderr (needs\n"
    "                          --summary json)\n";

static const char usage_mem[] =
    "Execution:\n"
    "  -t, --threads N         worker threads (default: all cores)\n"
    "  --mem-limit SIZE        budget for the group tables, e.g. 512M, 8G (default: 75% of\n"
    "                          physical memory); past it tables spill to --tmp-dir (a\n"
    "                          query with several --job blocks does not: it stops, exit 1)\n"
    "  --tmp-dir DIR           where spilled tables go (default: $TMPDIR, else /tmp)\n"
    "  --cache DIR             keep partial results (a week's files, all files) in DIR and\n"
    "                          reuse them while their files are unchanged (default:\n"
    "                          $FLOWSWEEP_CACHE; '' = off)\n";

static const char usage_exec[] =
    "  --decoder fast|fixbuf   IPFIX decoder: the in-place fast path (default) or libfixbuf's\n"
    "                          transcoder (same results, slower; for comparison)\n"
    "  --strict                stop at the first unreadable or damaged file (exit 1)\n"
    "  --progress auto|always|never  progress line on stderr (auto: when a TTY)\n"
    "  -q, --quiet             no progress, no text summary (warnings still print)\n"
    "  -v, --verbose           more detail on stderr (files passed over by name, and why)\n"
    "  -h, --help              this help\n"
    "Exit status: 0 ok, 1 fatal error, 2 usage error, 3 done but some files were bad or\n"
    "some directories below a PATH could not be read (named in warnings);\n"
    "141 (SIGPIPE) when a reader such as 'head' closes the pipe early.\n";

static const char usage_names[] =
    "usage: flowsweep dns-names [OPTIONS] PATH...\n"
    "\n"
    "The Mothra analytic of the SEI post: flows with silkAppLabel 53 that carry DNS records,\n"
    "grouped by (list of DNS names, list of RR types) in wire order; flows, distinct\n"
    "sources, distinct destinations, bytes, packets; groups with bytes/packets > 70 and\n"
    "fewer than 3 names; by bytes descending.\n"
    "Columns: dnsName|dnsRRType|flows|#sIP|#dIP|bytes|packets\n"
    "\n"
    "  --min-bpp X             keep groups with bytes/packets > X (default 70)\n"
    "  --max-names N           keep groups with at most N names (default 2)\n"
    "  --bytes forward|total   forward counts (Mothra's octetCount, default) or forward +\n"
    "                          reverse\n";

static const char usage_dest[] =
    "usage: flowsweep dns-dest [OPTIONS] PATH...\n"
    "\n"
    "The SiLK analytic of the SEI post, as\n"
    "  rwfilter --application=53 --scidr=192.168.0.0/16 --bytes-per-packet=70- |\n"
    "  rwuniq --fields=dip,proto --bytes=500-\n"
    "on SiLK's unidirectional records (a biflow is its forward record and, when its\n"
    "reverse packets and bytes are non-zero, a reverse record). By bytes descending.\n"
    "Columns: dIP|protocol|bytes|flows|packets\n"
    "\n"
    "  --src-cidr CIDR         keep records whose source is inside CIDR (repeatable; IPv4 or\n"
    "                          IPv6; default 192.168.0.0/16; 'any' turns the filter off)\n"
    "  --min-bpp X             keep records with bytes/packets >= X (default 70)\n"
    "  --min-bytes N           keep groups with bytes >= N (default 500)\n"
    "  --direction both|forward  both records of a biflow (default) or the forward one only\n";

static const char usage_hunt[] =
    "usage: flowsweep dns-hunt [OPTIONS] PATH...\n"
    "\n"
    "Finds DNS exfiltration that grouping by exact name cannot see: the DNS records of flows\n"
    "with silkAppLabel 53 are grouped by the registered domain of their name (Public Suffix\n"
    "List; reverse names by their zone), and each group is scored by how many distinct names\n"
    "it has, how long and how random their query parts are, which record types carry them,\n"
    "how many packets and bytes go through them and how regular their timing is\n"
    "(docs/dns-hunt.md). By score, highest first.\n"
    "Columns: KEY|score|flows|queries|names|sources|bytes|packets|qbytes|qpackets|hidden|\n"
    "         pkt_flow|qsize|dur_mean|len_mean|len_max|entropy|txt|null|cname|mx|other|\n"
    "         rcode_err|share|regular|cv|active|domains|new|first|last|hours|why\n"
    "\n"
    "  --by domain|domain,source|server|client  the group key (default domain); server =\n"
    "                          the DNS server's address, for tunnels that talk to it directly\n"
    "  --allow @FILE|D1,D2     leave out names under these registered domains or suffixes\n"
    "  --where EXPR            only the flows EXPR keeps (docs/query.md, the flows view)\n"
    "  --baseline START..END   mark groups first seen after these hours (new = 1, scored)\n"
    "  --min-names N           show groups with at least N distinct names (default 1)\n"
    "  --len-norm X            query-part length that fills the length term (default 40)\n"
    "  --entropy-norm X        bits per character that fill the entropy term (default 4)\n";

static const char usage_query[] =
    "usage: flowsweep query [OPTIONS] PATH...\n"
    "\n"
    "A general job (docs/query.md). Output columns are the --group-by keys then the --agg\n"
    "aggregates, in the order given.\n"
    "\n"
    "  --records flows|silk|silk-forward|dns  one record per flow (default), SiLK's split\n"
    "                          of biflows into forward and reverse records, forward only,\n"
    "                          or one record per DNS resource record (with the dns.* fields)\n"
    "  --bytes forward|total   flows and dns views: bytes/packets forward or both directions\n"
    "  --where EXPR            keep records where EXPR is true, e.g.\n"
    "                          \"app = 53 and sip in (192.168.0.0/16) and bytes / packets >= 70\"\n"
    "  --group-by KEYS         \"[name=]field, ...\", e.g. \"dIP=dip, protocol=proto\";\n"
    "                          bin(start, 5m) groups times in bins (s m h d), as rwcount\n"
    "  --agg AGGS              \"[name=]func(field), ...\": count() sum() min() max() distinct()\n"
    "                          avg() (exact, printed rounded to 6 decimals, half to even)\n"
    "                          (default \"count=count()\")\n"
    "  --having EXPR           keep groups where EXPR over the columns is true, e.g.\n"
    "                          \"bytes / packets > 70 and size(dnsName) < 3\"\n"
    "  --order \"COL [asc|desc], ...\"  (default: the first aggregate, descending)\n"
    "  --epoch                 time columns (start end hour, their bin(), min/max) as Unix\n"
    "                          numbers (start/end ms, hour s), not ISO 8601 UTC text\n"
    "  --job                   starts another query over the same sweep: --records --bytes\n"
    "                          --where --group-by --agg --having --order --limit -o after\n"
    "                          it are that block's (before the first --job: block 1's);\n"
    "                          each file is read once, each block's rows are those of the\n"
    "                          query alone, to its -o FILE or to stdout under\n"
    "                          '== --job block N ==' (table format; CSV/JSON: one block on\n"
    "                          stdout at most). Not with --tmp-dir, --summary json, --shard;\n"
    "                          several blocks do not spill: past --mem-limit they stop\n"
    "                          (exit 1, \"memory limit ... reached\")\n"
    "Fields: start end hour sip dip sport dport proto app bytes packets rbytes rpackets ndns\n"
    "        dns.names dns.types (lists: keys, or size(...) in expressions)\n"
    "  --records dns: dns.name dns.type dns.qr dns.rcode dns.section dns.ttl dns.domain\n"
    "DNS functions in --where count the flow's matching DNS records: count_type(N)\n"
    "  count_section(N) count_rcode(N) count_qr(N) count_name('x') count_suffix('x'),\n"
    "  e.g. \"count_type(16) > 0 and count_suffix('.example.com.') > 0\"\n"
    "'/' divides in floating point (x / 0 is NULL, which no filter keeps).\n";

static const char usage_export[] =
    "usage: flowsweep export [OPTIONS] PATH...\n"
    "\n"
    "Writes one flat row per record, so other engines (DuckDB, Spark) can load exactly the\n"
    "records flowsweep's jobs see. Files in time order (hour from the path, then path),\n"
    "records in file order; the output is byte-identical for any --threads.\n"
    "Columns: start end (Unix ms) sip dip sport dport proto app bytes packets rbytes\n"
    "         rpackets ndns names types (names and types: arrays, DNS wire order)\n"
    "Names are printable text that maps 1:1 back to the bytes: bytes outside 0x20-0x7E\n"
    "as \\xHH and '\\' as \\\\.\n"
    "\n"
    "  --format jsonl|csv      JSON Lines (default) or RFC 4180 CSV with a header row (the\n"
    "                          arrays as JSON array text in one field)\n"
    "  --records flows|silk|silk-forward  one row per flow (default; bytes/packets are the\n"
    "                          forward counts), SiLK's forward and reverse records, or\n"
    "                          forward records only\n"
    "  --where EXPR            rows where EXPR is true (fields and functions as in query)\n"
    "  --fields LIST           these columns only, in this order (e.g. start,sip,names;\n"
    "                          comma-separated, each once; as rwcut --fields)\n"
    "  -o, --output FILE       write to FILE (whole or not at all; default: stdout)\n";

static const char usage_report[] =
    "usage: flowsweep report [OPTIONS] -o FILE PATH...\n"
    "\n"
    "Runs dns-names, dns-dest and dns-hunt (by domain and by server) over the same files and\n"
    "writes one self-contained HTML page (no script, no network): a header naming every bad\n"
    "file, the Mothra and SiLK tables (top 20), the dns-hunt tables (top 20) with a sparkline\n"
    "of each row's DNS flows per hour, DNS bytes per hour by server (stacked) and a scatter of\n"
    "domains (distinct names against bytes). Names are text, never markup (docs/report.md).\n"
    "\n"
    "  -o, --output FILE       write the page to FILE (through a temporary file renamed into\n"
    "                          place; default or '-': stdout)\n"
    "  --min-bpp X --max-names N --src-cidr CIDR --min-bytes N --direction D  as for\n"
    "                          dns-names and dns-dest\n"
    "  --min-names N --len-norm X --entropy-norm X  as for dns-hunt\n"
    "  --where EXPR            only the flows EXPR keeps, in every table and chart (ANDed into\n"
    "                          each analytic's filter, as each command does; shown in the "
    "header)\n";

static const char usage_report_mem[] =
    "Execution:\n"
    "  -t, --threads N         worker threads (default: all cores)\n"
    "  --mem-limit SIZE        cap on the group tables, e.g. 512M (default: 75% of physical\n"
    "                          memory); the report does not spill: past it, it stops (exit 1)\n"
    "  --cache DIR             keep each file's partial results in DIR and reuse them while\n"
    "                          the file is unchanged (default: $FLOWSWEEP_CACHE; '' = off)\n";

static const char usage_export_exec[] =
    "Execution:\n"
    "  -t, --threads N         workers decoding files (default: all cores); each renders\n"
    "                          rows in chunks of up to 1 MiB, written in plan order\n"
    "  --mem-limit SIZE        cap on the workers' row chunks, e.g. 4M (default: none);\n"
    "                          each gets a quarter of SIZE / threads\n";

void
cli_usage_print(enum cmd cmd, FILE *f)
{
    if (cmd == CMD_EXPORT) {
        fputs(usage_export, f);
        fputc('\n', f);
        fputs(usage_input, f);
        fputs(usage_summary, f);
        fputs(usage_export_exec, f);
        fputs(usage_exec, f);
        return;
    }
    if (cmd == CMD_REPORT) {
        fputs(usage_report, f);
        fputc('\n', f);
        fputs(usage_input, f);
        fputs(usage_report_mem, f);
        fputs(usage_exec, f);
        return;
    }
    fputs(cmd == CMD_DNS_NAMES  ? usage_names
          : cmd == CMD_DNS_DEST ? usage_dest
          : cmd == CMD_DNS_HUNT ? usage_hunt
                                : usage_query,
          f);
    fputc('\n', f);
    fputs(usage_input, f);
    fputs(usage_output_head, f);
    if (cmd != CMD_DNS_HUNT) /* dns-hunt is no query preset: --show-query is refused there */
        fputs(usage_output_query, f);
    fputs(usage_summary, f);
    fputs(usage_mem, f);
    fputs(usage_exec, f);
    fputs(usage_shard, f);
}

/* The command's name for "(try flowsweep CMD --help)"; set once parsing starts. */
static const char *help_cmd = "";
static int usage_quiet;      /* cli_usage_quiet(): main thread, set once before parsing */
static char usage_last[512]; /* cli_usage_last(): the first error not printed */

void
cli_usage_command(const char *cmd)
{
    if (strcmp(help_cmd, "merge") == 0)
        return; /* merge parses its shards' job: its own --help still describes its options */
    help_cmd = cmd;
}

void
cli_usage_main(FILE *f)
{
    fputs(usage_main, f);
}

void
cli_usage_quiet(int quiet)
{
    usage_quiet = quiet;
}

int
cli_usage_is_quiet(void)
{
    return usage_quiet;
}

const char *
cli_usage_last(void)
{
    return usage_last;
}

int
cli_usage_error(const char *fmt, const char *arg)
{
    char *msg, *shown;
    size_t len, need;
    int n;

    if (usage_quiet) {
        if (usage_last[0] == '\0') {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
            snprintf(usage_last, sizeof(usage_last), fmt, arg);
#pragma GCC diagnostic pop
        }
        return EXIT_USAGE;
    }
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    n = snprintf(NULL, 0, fmt, arg);
    len = (size_t)(n > 0 ? n : 0);
    msg = mem_alloc(len + 1);
    snprintf(msg, len + 1, fmt, arg);
#pragma GCC diagnostic pop
    /* The echoed argument is escaped like names: no raw control bytes reach the terminal. */
    need = esc_len((const uint8_t *)msg, len) + 1;
    shown = mem_alloc(need);
    esc_bytes(shown, need, (const uint8_t *)msg, len);
    /* One line: the message and where to look. */
    fprintf(stderr, "flowsweep: error: %s (try flowsweep %s%s--help)\n", shown, help_cmd,
            *help_cmd ? " " : "");
    mem_free(shown);
    mem_free(msg);
    return EXIT_USAGE;
}
