#!/usr/bin/env python3
"""bench/report.py - write docs/performance.md from one bench/run results directory.

    python3 bench/report.py --results DIR [--notes bench/performance-notes.md]
                            [--out docs/performance.md]

DIR is what bench/run wrote: results.tsv (one row per run: workload, group, name,
threads, run, wall_s, rss_kib, status; run 0 is the warm-up), meta.tsv (key, value),
summary/ (stderr of each warm-up: flowsweep's summary line), out/ (its stdout) and
profile/ (perf report or callgrind_annotate text). Python 3 standard library only.

Every figure in the report comes from DIR; the machine is described as bench/run saw
it. The "Notes" section is the notes file, copied verbatim.
"""
import argparse
import csv
import io
import os
import re
import statistics
import sys

ANALYTICS = ["dns-names", "dns-names-fixbuf", "dns-dest", "dns-hunt", "dns-names-gzip",
             "dns-names-zstd"]
REPORT = "report"  # flowsweep report: every analytic as one page (issue 19)
FLOORS = ["read-bytes", "header-walk", "decode-fixbuf", "decode-fast", "decompress-gzip",
          "decode-fast-gzip", "decompress-zstd", "decode-fast-zstd"]
FLOOR_TEXT = {
    "read-bytes": "read(2) of every byte, 1 MiB buffer (`floor-read`)",
    "header-walk": "IPFIX message + set headers only (`floor-headers`)",
    "decode-fixbuf": "libfixbuf decode, no aggregation (`flowdump --counts --decoder fixbuf`)",
    "decode-fast": "fast decoder, no aggregation (`flowdump --counts --decoder fast`)",
    "decompress-gzip": "gzip copy: `gzip -dc` alone, to /dev/null (MB/s of the plain bytes)",
    "decode-fast-gzip": "gzip copy: fast decoder reading it (`flowdump --counts`)",
    "decompress-zstd": "zstd copy: `zstd -dc` alone, to /dev/null (MB/s of the plain bytes)",
    "decode-fast-zstd": "zstd copy: fast decoder reading it (`flowdump --counts`)",
}
# The floors an analytic is compared with: (floor, column title).
FLOOR_COLUMNS = [("read-bytes", "read floor"), ("header-walk", "header floor"),
                 ("decode-fast", "fast-decode floor")]
NOTES_BEGIN = "<!-- notes: kept verbatim from bench/performance-notes.md -->"
NOTES_END = "<!-- end of notes -->"


# ---- loading -------------------------------------------------------------------------

def read_meta(path):
    meta = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if "\t" in line:
                k, v = line.split("\t", 1)
                meta[k] = v
    return meta


class Series:
    """The runs of one command: warm-up and timed runs."""

    def __init__(self):
        self.warm = None
        self.walls = []
        self.rss = []
        self.bad = []  # exit statuses other than 0

    @property
    def median(self):
        return statistics.median(self.walls) if self.walls else None

    @property
    def lo(self):
        return min(self.walls) if self.walls else None

    @property
    def hi(self):
        return max(self.walls) if self.walls else None

    @property
    def peak_rss_mib(self):
        return max(self.rss) / 1024 if self.rss else None


def read_results(path):
    series = {}
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            key = (row["workload"], row["group"], row["name"], int(row["threads"]))
            s = series.setdefault(key, Series())
            wall = float(row["wall_s"]) if row["wall_s"] else None
            rss = int(row["rss_kib"]) if row["rss_kib"].strip().isdigit() else None
            status = int(row["status"]) if row["status"].lstrip("-").isdigit() else -1
            if status != 0:
                s.bad.append(status)
            if int(row["run"]) == 0:
                s.warm = wall
            elif wall is not None:
                s.walls.append(wall)
                if rss is not None:
                    s.rss.append(rss)
    return series


SUMMARY_RE = re.compile(r"flowsweep: summary: ([^\n\r]*?)(?=flowsweep:|\r|\n|$)")


def parse_summary(text):
    """Fields of flowsweep's summary line (None when there is none)."""
    m = SUMMARY_RE.search(text)
    if not m:
        return None
    line = m.group(1)
    out = {"line": line.strip()}
    for key, rx in [("files", r"files (\d+)"), ("flows", r"flows (\d+)"),
                    ("dns_records", r"dns records (\d+)"), ("groups", r"groups (\d+)"),
                    ("tables_mib", r"([\d.]+) MiB in tables"),
                    ("elapsed", r"elapsed ([\d.]+) s"),
                    ("peak_mib", r"peak memory ([\d.]+) MiB")]:
        g = re.search(rx, line)
        if g:
            out[key] = float(g.group(1)) if "." in g.group(1) else int(g.group(1))
    return out


def read_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def kv_line(text):
    """key=value pairs of a floor tool's output line."""
    return dict(re.findall(r"(\w+)=(\S+)", text))


def distinct_names(path):
    """Sum of dns-hunt's `names` column (each name belongs to one registered domain)."""
    text = read_text(path)
    if not text.startswith("domain,"):
        return None
    try:
        return sum(int(r["names"]) for r in csv.DictReader(io.StringIO(text)))
    except (KeyError, ValueError):
        return None


PERF_RE = re.compile(r"^\s*([\d.]+)%\s+(\S+)\s+\[(.)\]\s+(.+?)\s*$")
CALLGRIND_RE = re.compile(r"^\s*[\d,]+\s+\(\s*([\d.]+)%\)\s+(\S+?)(?:\s+\[(.+)\])?\s*$")


def parse_profile(text, top=10):
    rows = []
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        m = PERF_RE.match(line)
        if m:
            sym = re.sub(r"(\s+-)+$", "", m.group(4))  # IPC columns of older perf
            rows.append((float(m.group(1)), sym, m.group(2)))
            continue
        m = CALLGRIND_RE.match(line)
        if m and "PROGRAM TOTALS" not in line:
            fn = m.group(2)
            fn = fn.split(":", 1)[1] if ":" in fn else fn
            rows.append((float(m.group(1)), fn, os.path.basename(m.group(3) or "")))
    rows.sort(key=lambda r: -r[0])
    return rows[:top]


# ---- formatting ----------------------------------------------------------------------

def fs(x, nd=3):
    return "–" if x is None else f"{x:.{nd}f}"


def fint(x):
    return "–" if x is None else f"{int(x):,}"


def rate(n, secs):
    """n per second, short: 12.3 M, 456 k."""
    if n is None or not secs:
        return "–"
    r = n / secs
    if r >= 1e6:
        return f"{r / 1e6:.2f} M"
    if r >= 1e3:
        return f"{r / 1e3:.1f} k"
    return f"{r:.0f}"


def mbs(nbytes, secs):
    """MB/s (10^6 bytes), as a plain number."""
    if not nbytes or not secs:
        return "–"
    return f"{nbytes / 1e6 / secs:,.0f}"


def ratio(a, b, nd=2):
    if a is None or b is None or b == 0:
        return "–"
    return f"{a / b:.{nd}f}"


def table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def status_note(s):
    return f" (exit {sorted(set(s.bad))})" if s and s.bad else ""


# ---- report --------------------------------------------------------------------------

class Report:
    def __init__(self, rdir, notes_path):
        self.dir = rdir
        self.meta = read_meta(os.path.join(rdir, "meta.tsv"))
        self.series = read_results(os.path.join(rdir, "results.tsv"))
        self.notes_path = notes_path
        opts = dict(re.findall(r"(\w+)=(\S+)", self.meta.get("options", "")))
        self.quick = opts.get("quick") == "1"
        self.workloads = [w for w in ["day", "highcard", "small"]
                          if self.meta.get(f"workload:{w}:files")]
        self.threads = sorted({k[3] for k in self.series if k[1] == "flowsweep"})
        self.out = []

    def s(self, w, group, name, t=1):
        return self.series.get((w, group, name, t))

    def summary(self, w, name, t):
        return parse_summary(read_text(os.path.join(self.dir, "summary", f"{w}.{name}.t{t}.txt")))

    def wl(self, w):
        """Facts of a workload: files, bytes, flows, DNS records, groups per analytic."""
        d = {"files": int(self.meta.get(f"workload:{w}:files", 0)),
             "bytes": int(self.meta.get(f"workload:{w}:bytes", 0)),
             "generator": self.meta.get(f"workload:{w}:generator", "")}
        for a in ANALYTICS:
            for t in self.threads:
                sm = self.summary(w, a, t)
                if sm:
                    d.setdefault("flows", sm.get("flows"))
                    d.setdefault("dns_records", sm.get("dns_records"))
                    d.setdefault(f"groups:{a}", sm.get("groups"))
        hw = kv_line(read_text(os.path.join(self.dir, "out", f"{w}.header-walk.t1.txt")))
        d["messages"] = int(hw["messages"]) if "messages" in hw else None
        d["names"] = None
        for t in self.threads:
            n = distinct_names(os.path.join(self.dir, "out", f"{w}.dns-hunt.t{t}.txt"))
            if n is not None:
                d["names"] = n
                break
        return d

    def p(self, *lines):
        self.out.extend(lines)

    # sections

    def header(self):
        m = self.meta
        self.p("# Performance",
               "",
               "Generated by `bench/run` (bench/report.py) from the results in "
               f"`{os.path.relpath(self.dir, os.getcwd()) if self.dir.startswith(os.getcwd()) else self.dir}`; "
               "do not edit by hand except the Notes section, which lives in "
               "`bench/performance-notes.md`.", "")
        if self.quick:
            self.p("> **Quick run (`--quick`):** small workloads, a smoke test of the benchmark "
                   "itself. These numbers measure nothing.", "")
        if len(self.threads) and max(self.threads) > int(m.get("cores", "0") or 0):
            self.p(f"> More threads than cores ({m.get('cores')}) were measured.", "")
        # The bench itself keeps up to ~1.5 CPUs busy, so the end figure carries its own load.
        try:
            l0 = float(m.get("loadavg_start", "0").split()[0])
            l1 = float(m.get("loadavg_end", "0").split()[0])
            cores = int(m.get("cores", "0"))
        except (ValueError, IndexError):
            l0 = l1 = 0.0
            cores = 0
        if cores and (l0 >= 0.5 * cores or l1 >= 1.25 * cores):
            self.p(f"> **Busy machine:** the 1-minute load average was {l0:.2f} at the start "
                   f"and {l1:.2f} at the end on {cores} cores, so other work shared the CPUs: "
                   "timings and scaling here are not reliable.", "")
        mem = int(m.get("mem_kib", "0") or 0) / 1024 / 1024
        self.p("## Machine", "",
               table(["", ""], [
                   ["CPU", m.get("cpu", "?")],
                   ["cores (online)", m.get("cores", "?")],
                   ["RAM", f"{mem:.1f} GiB"],
                   ["kernel", m.get("kernel", "?")],
                   ["OS", m.get("os", "?")],
                   ["compiler", m.get("compiler", "?") or "?"],
                   ["build", f"{m.get('build_type', '?')} (`{m.get('build_dir', '?')}`)"],
                   ["flowsweep", m.get("flowsweep", "?")],
                   ["libfixbuf", m.get("libfixbuf", "?")],
                   ["commit", f"{m.get('commit', '?')} {m.get('commit_subject', '')}"
                    + (f" (+{m['dirty_files']} modified files in the checkout)"
                       if m.get("dirty_files", "0") not in ("", "0") else "")],
                   ["date", m.get("date", "?")],
                   ["load average (1, 5, 15 min) at start / end",
                    f"{m.get('loadavg_start', '?')} / {m.get('loadavg_end', '?')}"],
                   ["options", f"`{m.get('options', '')}`"],
                   ["bench duration", f"{m.get('bench_seconds', '?')} s"],
               ]), "")
        self.p("Method: each command runs once as a warm-up (so every file is in the page "
               "cache, and flowsweep's summary line is kept), then the timed runs. Wall time "
               "is measured around `/usr/bin/time`, which gives the peak RSS (the largest of "
               "the timed runs is shown). flowsweep's analytics run with `-q --threads N` on "
               "the repository directory (walk and plan included, output printed to "
               "/dev/null); the floors get the sorted file list. MB = 10^6 bytes. "
               "*Scaling* is the 1-thread median over this row's median; a floor's "
               "*fraction* is the floor's median over this row's median (1.00 = as fast as "
               "the floor).", "",
               "Reproduce: `bench/run` (on a quiet machine; `bench/run --help` for the "
               "options, `--quick` for a smoke test). The raw rows are in the results "
               "directory's `results.tsv` (`bench/results/last.tsv` after a default run).", "")

    def workloads_section(self):
        rows = []
        for w in self.workloads:
            d = self.wl(w)
            rows.append([f"`{w}`", f"`{d['generator']}`", fint(d["files"]),
                         f"{d['bytes'] / 1e6:,.1f} MB", fint(d.get("flows")),
                         fint(d.get("dns_records")), fint(d.get("messages")),
                         fint(d.get("groups:dns-names")), fint(d.get("groups:dns-dest")),
                         fint(d.get("groups:dns-hunt")), fint(d.get("names"))])
        self.p("## Workloads", "",
               "Generated by `flowsweep-gen` at fixed seeds (docs/generator.md), cached in "
               "`bench/cache/`. Groups are the analytic's groups before `--having`/`--limit` "
               "(flowsweep's summary; for `dns-names` those with at most 2 names, the "
               "size test of its `--having` being made before grouping, docs/usage.md); "
               "distinct names are the sum of `dns-hunt`'s `names` "
               "column (distinct query names per registered domain).", "",
               table(["workload", "generator", "files", "bytes", "flows", "DNS records",
                      "IPFIX messages", "dns-names groups", "dns-dest groups",
                      "dns-hunt groups", "distinct names"], rows), "")

    def workload_results(self, w):
        d = self.wl(w)
        flows, nbytes = d.get("flows"), d["bytes"]
        self.p(f"## Results: `{w}`", "", "Floors (one thread):", "")
        rows = []
        for f in FLOORS:
            s = self.s(w, "floor", f)
            if not s:
                continue
            rows.append([FLOOR_TEXT[f] + status_note(s), fs(s.median), f"{fs(s.lo)}–{fs(s.hi)}",
                         mbs(nbytes, s.median), rate(flows, s.median),
                         fs(s.peak_rss_mib, 1)])
        self.p(table(["floor", "median s", "min–max s", "MB/s", "flows/s", "peak RSS MiB"],
                     rows), "")
        self.p("Analytics:", "")
        rows = []
        for a in ANALYTICS + [REPORT]:
            base = self.s(w, "flowsweep", a, 1)
            for t in self.threads:
                s = self.s(w, "flowsweep", a, t)
                if not s:
                    continue
                name = {"dns-names-fixbuf": "`dns-names --decoder fixbuf`",
                        "dns-names-gzip": "`dns-names` on the gzip copy",
                        "dns-names-zstd": "`dns-names` on the zstd copy"}.get(a, f"`{a}`")
                row = [name + status_note(s), t, fs(s.median), f"{fs(s.lo)}–{fs(s.hi)}",
                       rate(flows, s.median), mbs(nbytes, s.median),
                       fs(s.peak_rss_mib, 1),
                       ratio(base.median if base else None, s.median)]
                for f, _ in FLOOR_COLUMNS:
                    fl = self.s(w, "floor", f)
                    row.append(ratio(fl.median if fl else None, s.median))
                rows.append(row)
        self.p(table(["command", "threads", "median s", "min–max s", "flows/s", "MB/s",
                      "peak RSS MiB", "scaling"] + [c for _, c in FLOOR_COLUMNS], rows), "")

    def peers_section(self):
        m = self.meta
        self.p("## Peers", "")
        notes = [k for k in m if k == "note:peers" or k.startswith("note:peer.")]
        for key in notes:
            self.p(f"- {key[5:]}: {m[key]}")
        if notes:
            self.p("")
        rows = []
        for (w, group, name, t), s in sorted(self.series.items()):
            if group != "peer":
                continue
            ours = {"duckdb-dns-names": "dns-names", "duckdb-dns-dest": "dns-dest",
                    "silk-dns-dest": "dns-dest"}.get(name)
            o = self.s(w, "flowsweep", ours, t) if ours else None
            rows.append([f"`{w}`", name + status_note(s), t, fs(s.median),
                         f"{fs(s.lo)}–{fs(s.hi)}", fs(s.peak_rss_mib, 1),
                         f"`{ours}` {fs(o.median if o else None)}",
                         ratio(o.median if o else None, s.median)])
        if rows:
            self.p("DuckDB's time is its query alone (`query.mjs`: after one untimed warm-up, "
                   "each run timed around the query and the fetch of its rows) on a Parquet "
                   "file already made; the load cost is below. Its peak RSS is the node "
                   "process over all its runs. SiLK's time is `rwfilter | rwuniq` end to end "
                   "on files converted once with `rwipfix2silk`. flowsweep's time is always "
                   "end to end from the IPFIX files; *flowsweep / peer* below 1 means "
                   "flowsweep is faster.", "",
                   table(["workload", "peer", "threads", "median s", "min–max s",
                          "peak RSS MiB", "flowsweep median s", "flowsweep / peer"], rows), "")
        loads = [(k, s) for k, s in sorted(self.series.items()) if k[1] == "load"]

        def pm(w, key):  # a DuckDB meta of workload w (results before issue 18: day's, unkeyed)
            v = m.get(f"peer:duckdb:{w}:{key}")
            return v if v is not None or w != "day" else m.get(f"peer:duckdb:{key}")
        if loads:
            rows = [[f"`{k[0]}`", k[2] + status_note(s), fs(s.median, 2)] for k, s in loads]
            ws = sorted({k[0] for k, _ in loads})
            when = "; ".join(f"`{w}` {pm(w, 'load_measured') or '?'}" for w in ws)
            self.p("Load cost of the DuckDB peer, paid once per data set before any query "
                   f"(`flowsweep export` to JSON Lines, then `to_parquet.mjs`; measured: {when}):",
                   "",
                   table(["workload", "step", "seconds"], rows), "")
            for w in ws:
                if pm(w, "parquet_bytes"):
                    self.p(f"`{w}`: Parquet file: {int(pm(w, 'parquet_bytes')) / 1e6:,.1f} MB"
                           + (f"; JSON Lines: {int(pm(w, 'jsonl_bytes')) / 1e6:,.1f} MB"
                              if pm(w, "jsonl_bytes") else "") + ".", "")
        for w in ("day", "small"):
            st = pm(w, "compare_status")
            if st is None:
                continue
            verdict = {"0": "results match", "77": "SKIPPED"}.get(st, "MISMATCH or FAILURE")
            self.p(f"`bench/peers/duckdb/compare` on the {w} workload: "
                   f"**{verdict}** (exit status {st}; it says: "
                   f"`{pm(w, 'compare_last') or ''}`).", "")

    def checks(self):
        m = self.meta
        self.p("## Done-when checks (issue 5)", "")
        lines = []
        # (a) dns-names at 1 thread end to end vs DuckDB's query alone at 1 thread
        ours = self.s("day", "flowsweep", "dns-names", 1)
        duck = self.s("day", "peer", "duckdb-dns-names", 1)
        if ours and ours.median is not None and duck and duck.median is not None:
            v = "PASS" if ours.median < duck.median else "MISS"
            lines.append(f"- **(a) {v}**: `dns-names` at 1 thread on `day`, end to end, "
                         f"{ours.median:.3f} s vs DuckDB's query alone {duck.median:.3f} s "
                         f"(flowsweep / DuckDB = {ours.median / duck.median:.2f}).")
        else:
            why = m.get("note:peer.duckdb") or m.get("note:peers") or "no DuckDB or day result"
            lines.append(f"- **(a) NOT MEASURED**: dns-names vs DuckDB at 1 thread ({why}).")
        # (b) dns-dest at 1 thread vs SiLK
        ours = self.s("day", "flowsweep", "dns-dest", 1)
        silk = self.s("day", "peer", "silk-dns-dest", 1)
        if ours and ours.median is not None and silk and silk.median is not None:
            v = "PASS" if ours.median <= silk.median else "MISS"
            lines.append(f"- **(b) {v}**: `dns-dest` at 1 thread on `day` {ours.median:.3f} s "
                         f"vs SiLK `rwfilter | rwuniq` {silk.median:.3f} s.")
        else:
            why = m.get("note:peer.silk") or m.get("note:peers") or "no SiLK result"
            lines.append(f"- **(b) SKIPPED**: dns-dest vs SiLK ({why}).")
        # (issue 19) the report against the costliest single analytic it contains
        for t in self.threads:
            rep = self.s("day", "flowsweep", REPORT, t)
            single = [(self.s("day", "flowsweep", a, t), a) for a in
                      ("dns-names", "dns-dest", "dns-hunt")]
            single = [(s.median, a) for s, a in single if s and s.median is not None]
            if rep and rep.median is not None and single:
                worst, name = max(single)
                ratio = rep.median / worst
                v = "PASS" if ratio <= 1.3 else "MISS"
                lines.append(f"- **(issue 19) {v}**: `report` at {t} thread(s) on `day` "
                             f"{rep.median:.3f} s, {ratio:.2f}x the costliest single analytic "
                             f"(`{name}`, {worst:.3f} s); the bound is 1.3x.")
        # (issue 18) at 1 thread: dns-dest at most DuckDB's query time, dns-names at most half
        for w in ("day", "small"):
            for a, bound in (("dns-dest", 1.0), ("dns-names", 0.5)):
                ours = self.s(w, "flowsweep", a, 1)
                duck = self.s(w, "peer", "duckdb-" + a, 1)
                if ours and ours.median is not None and duck and duck.median:
                    r = ours.median / duck.median
                    v = "PASS" if r <= bound else "MISS"
                    lines.append(f"- **(issue 18) {v}**: `{a}` at 1 thread on `{w}` "
                                 f"{ours.median:.3f} s vs DuckDB's query alone "
                                 f"{duck.median:.3f} s (flowsweep / DuckDB = {r:.2f}; "
                                 f"the bound is {bound:g}).")
        self.p(*lines)
        # (c) scaling: 2 threads >= 1.8x one thread, per analytic and workload
        rows, verdicts = [], []
        for w in self.workloads:
            for a in ANALYTICS:
                s1, s2 = self.s(w, "flowsweep", a, 1), self.s(w, "flowsweep", a, 2)
                if not (s1 and s2 and s1.median and s2.median):
                    continue
                sp = s1.median / s2.median
                v = "PASS" if sp >= 1.8 else "MISS"
                verdicts.append(v)
                rows.append([f"`{w}`", f"`{a}`", fs(s1.median), fs(s2.median), f"{sp:.2f}x", v])
        if rows:
            v = "PASS" if all(x == "PASS" for x in verdicts) else \
                f"MISS ({verdicts.count('MISS')} of {len(verdicts)})"
            self.p(f"- **(c) {v}**: 2 threads at least 1.8x faster than 1 thread, for each "
                   f"analytic (machine: {m.get('cores', '?')} cores).", "",
                   table(["workload", "analytic", "1 thread s", "2 threads s", "speed-up",
                          "check"], rows), "")
        else:
            self.p("- **(c) NOT MEASURED**: needs 1 and 2 in `--threads`.", "")
        # (d) peak RSS < 2x the groups' size + 64 MiB
        rows, verdicts = [], []
        for w in self.workloads:
            for a in ANALYTICS:
                for t in self.threads:
                    s = self.s(w, "flowsweep", a, t)
                    sm = self.summary(w, a, t)
                    if not s or s.peak_rss_mib is None:
                        continue
                    tab = sm.get("tables_mib") if sm else None
                    if tab is None:
                        v = "NOT MEASURED"
                        limit = None
                    else:
                        limit = 2 * tab + 64
                        v = "PASS" if s.peak_rss_mib < limit else "MISS"
                    verdicts.append(v)
                    rows.append([f"`{w}`", f"`{a}`", t, fs(s.peak_rss_mib, 1),
                                 fs(tab, 1), fs(limit, 1), v])
        if not verdicts:
            self.p("- **(d) NOT MEASURED**: no analytic ran.", "")
        elif all(v == "NOT MEASURED" for v in verdicts):
            self.p("- **(d) NOT MEASURED**: peak RSS < 2x the aggregated groups' size + 64 MiB; "
                   "flowsweep's summary line does not give the tables' size "
                   "(`groups N (X MiB in tables)`) in this build.", "")
        else:
            miss = verdicts.count("MISS")
            nm = verdicts.count("NOT MEASURED")
            v = "PASS" if miss == 0 and nm == 0 else \
                f"MISS ({miss} of {len(verdicts)})" if miss else f"PASS ({nm} not measured)"
            self.p(f"- **(d) {v}**: peak RSS < 2x the aggregated groups' size + 64 MiB.", "",
                   table(["workload", "analytic", "threads", "peak RSS MiB",
                          "groups MiB in tables", "limit MiB", "check"], rows), "")

    def profile_section(self):
        m = self.meta
        self.p("## Profile", "")
        if "note:profile" in m:
            self.p(m["note:profile"], "")
            return
        mode = m.get("profile_mode", "?")
        how = {"perf-cycles": "`perf record -g` (hardware cycles)",
               "perf-cpu-clock": "`perf record -e cpu-clock -g` (the cpu-clock software event: "
                                 "this machine exposes no hardware counters)",
               "callgrind": "`valgrind --tool=callgrind` (no usable perf) on two hours of the "
                            "workload"}.get(mode, mode)
        self.p(f"Self time, {how}, 1 thread on `day`. Top 10 functions:", "")
        for a in ["dns-names", "dns-dest"]:
            text = read_text(os.path.join(self.dir, "profile", f"{a}.txt"))
            rows = parse_profile(text)
            samples = re.search(r"^# Samples: (\S+) of event '([^']+)'", text, re.M)
            if not rows:
                self.p(f"`{a}`: no profile ({m.get('note:profile.' + a, 'empty report')}).", "")
                continue
            self.p(f"`{a}`" + (f" ({samples.group(1)} samples of {samples.group(2)})"
                               if samples else "") + ":", "",
                   table(["self %", "function", "object"],
                         [[f"{pct:.2f}", f"`{sym}`", f"`{dso}`" if dso else ""]
                          for pct, sym, dso in rows]), "")

    def notes(self):
        text = read_text(self.notes_path).rstrip("\n")
        self.p("## Notes", "", NOTES_BEGIN, "", text if text else "(none)", "", NOTES_END, "")

    def month_section(self):
        """The partial cache on the month workload (issue 11): full sweep, cold fill, new day."""
        rows = []
        for a in ANALYTICS:
            full = self.s("month", "cache", f"{a}-full")
            fill = self.s("month", "cache", f"{a}-fill")
            new = self.s("month", "cache", f"{a}-newday")
            if not (full and full.median):
                continue
            cb = self.meta.get(f"month:{a}:cache_bytes")
            repo = int(self.meta.get("workload:month:bytes", 0) or 0)
            over = (fill.median / full.median - 1) * 100 if fill and fill.median else None
            share = new.median / full.median * 100 if new and new.median else None
            rows.append([f"`{a}`", fs(full.median) + status_note(full),
                         (fs(fill.median) if fill else "-") + status_note(fill),
                         f"{over:+.0f}%" + (" (ok)" if over <= 15 else " (over 15%)")
                         if over is not None else "-",
                         (fs(new.median) if new else "-") + status_note(new),
                         f"{share:.1f}%" + (" (ok)" if share <= 5 else " (over 5%)")
                         if share is not None else "-",
                         f"{int(cb) / repo * 100:.1f}%" if cb and repo else "-"])
        if not rows:
            return
        files = self.meta.get("workload:month:files", "?")
        repo = int(self.meta.get("workload:month:bytes", 0) or 0)
        self.p("## The partial cache: `month`", "",
               f"{files} hourly files, {repo / 2**20:.0f} MiB (30 days; 29 generated, then one "
               "new day), one thread, median seconds of the runs. *Fill*: a sweep with `--cache` "
               "into an empty directory (its extra cost is writing the partials). *New day*: the "
               "re-run after the new day arrived, the cache holding the 29 days before it "
               "(restored before each run): 696 files come from partials, 24 are read. *Cache*: "
               "the filled cache's bytes over the repository's. Targets (issue 11): fill at most "
               "15% over the full sweep, new day at most 5% of it.", "",
               table(["analytic", "full sweep s", "fill s", "fill over full", "new day s",
                      "new day / full", "cache / repo"], rows), "")

    def mpi_section(self):
        """flowsweep-mpi: ranks x threads on the day workload (issue 12)."""
        keys = sorted((k for k in self.series if k[0] == "day" and k[1] == "mpi"),
                      key=lambda k: (k[3], k[2]))
        if not keys:
            return
        rows = []
        for k in keys:
            s = self.series[k]
            line = read_text(os.path.join(self.dir, "summary", f"day.{k[2]}.t{k[3]}.txt"))
            m = re.search(r"mpi: ranks (\d+), map ([\d.]+) s .*?exchange ([\d.]+) MiB in ([\d.]+) s "
                          r"\((\d+) rounds\), merge ([\d.]+) s, gather to rank 0 ([\d.]+) MiB in "
                          r"([\d.]+) s", line)
            el = parse_summary(line) or {}
            rt = k[2].rsplit("-", 1)[-1]
            one = self.s("day", "flowsweep", "dns-names", k[3])
            rows.append([f"{rt} (ranks x threads)", fs(s.median) + status_note(s),
                         fs(one.median) if one else "-",
                         m.group(2) if m else "-", m.group(3) if m else "-",
                         m.group(4) if m else "-", m.group(6) if m else "-",
                         f"{m.group(7)} in {m.group(8)}" if m else "-",
                         f"{float(m.group(4)) / el['elapsed'] * 100:.0f}%"
                         if m and el.get("elapsed") else "-"])
        self.p("## Ranks x threads: `flowsweep-mpi dns-names` on `day`", "",
               "`mpirun -np R --bind-to none flowsweep-mpi dns-names --threads T` (issue 12), "
               "median wall seconds of the runs (mpirun's start included), beside one "
               "`flowsweep` process with R x T threads. From the warm-up's summary: the slowest "
               "rank's map, the exchange (MiB sent to other ranks, seconds to encode and send "
               "them), the merge of what was received, the gather to rank 0 (MiB, s) and the "
               "exchange's share of rank 0's elapsed time.", "",
               table(["run", "wall s", "flowsweep s (same cores)", "map s", "exchange MiB",
                      "exchange s", "merge s", "gather MiB in s", "exchange share"], rows), "")

    def spill_section(self):
        """Beyond memory: highcard under a quarter of its in-memory peak RSS (issue 16)."""
        rows = []
        for (w, group, name, t), s in sorted(self.series.items()):
            if group != "spill" or name.endswith("-spill"):
                continue
            sp = self.s(w, "spill", name + "-spill", t)
            budget = self.meta.get(f"spill:{w}:{name}:t{t}:budget_kib")
            same = self.meta.get(f"spill:{w}:{name}:t{t}:identical", "-")
            if not sp or not budget:
                continue
            b_mib = int(budget) / 1024.0
            line = read_text(os.path.join(self.dir, "summary", f"{w}.{name}-spill.t{t}.txt"))
            m = re.search(r"spilled ([\d.]+) MiB in (\d+) runs", line or "")
            ok_rss = sp.peak_rss_mib is not None and sp.peak_rss_mib <= b_mib + 64
            ok_time = s.median and sp.median <= 2 * s.median
            rows.append([f"`{name}`" + status_note(sp), t, fs(s.median), fs(sp.median),
                         ratio(sp.median, s.median), fs(s.peak_rss_mib, 1), fs(b_mib, 1),
                         fs(sp.peak_rss_mib, 1), "yes" if ok_rss else "NO",
                         f"{m.group(1)} MiB / {m.group(2)}" if m else "-",
                         "yes" if ok_time else "NO", same])
        if not rows:
            return
        self.p("## Beyond memory: `highcard` under a quarter of its peak", "",
               "Each analytic in memory, then with `--mem-limit` set to a quarter of the "
               "in-memory warm-up's peak RSS at one thread, the same budget at two (issue 16: "
               "the budget covers all threads): the group tables spill sorted runs to "
               "`--tmp-dir` and merge them back a partition at a time. Done when the peak RSS is "
               "at most the budget plus 64 MiB, the spilled run takes at most twice the time, and "
               "the output is byte-identical.", "",
               table(["analytic", "threads", "in memory s", "spilled s", "spilled / in memory",
                      "in-memory RSS MiB", "budget MiB", "spilled RSS MiB", "RSS <= budget + 64",
                      "spilled / runs", "time <= 2x", "identical"], rows), "")

    def build(self):
        self.header()
        self.workloads_section()
        for w in self.workloads:
            self.workload_results(w)
        self.mpi_section()
        self.spill_section()
        self.month_section()
        self.peers_section()
        self.checks()
        self.profile_section()
        self.notes()
        return "\n".join(self.out).rstrip("\n") + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--results", required=True, help="bench/run output directory")
    ap.add_argument("--notes", default="bench/performance-notes.md")
    ap.add_argument("--out", default="docs/performance.md")
    args = ap.parse_args()
    for f in ["results.tsv", "meta.tsv"]:
        if not os.path.exists(os.path.join(args.results, f)):
            sys.exit(f"bench/report.py: {args.results}/{f} is missing")
    text = Report(os.path.realpath(args.results), args.notes).build()
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
