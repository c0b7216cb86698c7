#!/usr/bin/env python3
"""hunt_columns.py FLOWSWEEP GEN WORKDIR

dns-hunt's new columns for the planted channels, recomputed here from the generator's
truth (flowdump v1 of every record it wrote, --truth), never through flowsweep:
flows, names, sources, hidden (busier-direction packets beyond 2, summed), qbytes,
qpackets (client -> server: the side not on a DNS port), share (the group's bytes over all
its clients' bytes in flows with a named DNS record) and cv (the smallest coefficient of
variation of gaps over the clients' series of distinct start seconds with at least 12
starts and a mean gap of at least 60 s). A record belongs to a channel when its name is
the base domain or ends in "." + base (no benign name does, docs/generator.md).
Per packet and --flow-table, one day.
"""
import collections
import csv
import io
import math
import os
import shutil
import subprocess
import sys
import time

fs, gen, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
DNS_PORTS = {53, 5353, 5355}
failed = 0


def flows_of(truth):
    flow = None
    with open(truth, encoding="ascii") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("F "):
                if flow:
                    yield flow
                p = line.split(" ")
                flow = {"start": int(p[1]), "sip": p[3], "dip": p[4], "sport": int(p[5]),
                        "dport": int(p[6]), "app": int(p[8]), "bytes": int(p[9]),
                        "packets": int(p[10]), "rbytes": int(p[11]), "rpackets": int(p[12]),
                        "names": []}
            elif line.startswith("R "):
                flow["names"].append(line.split(" ", 8)[8])
    if flow:
        yield flow


for mode in ("per-packet", "flow-table"):
    d = os.path.join(work, mode)
    args = [gen, "--out", d, "--seed", "8", "--start", "2024-05-01T00", "--hours", "24",
            "--flows", "30000", "--truth", d + ".truth", "--labels", d + ".labels.tsv", "-q"]
    if mode == "flow-table":
        args.append("--flow-table")
    subprocess.run(args, check=True)
    with open(d + ".labels.tsv") as f:
        labels = list(csv.DictReader(f, delimiter="\t"))
    bases = [l["base_domain"] for l in labels]
    client_bytes = collections.Counter()
    groups = {b: {"flows": 0, "names": set(), "clients": set(), "hidden": 0, "qbytes": 0,
                  "qpackets": 0, "bytes": 0, "starts": collections.defaultdict(set),
                  "first": None} for b in bases}
    for f in flows_of(d + ".truth"):
        named = [n for n in f["names"] if n not in ("", ".")]
        if f["app"] != 53 or not named:
            continue
        client, qb, qp = f["sip"], f["bytes"], f["packets"]
        if f["dport"] not in DNS_PORTS and f["sport"] in DNS_PORTS:
            client, qb, qp = f["dip"], f["rbytes"], f["rpackets"]
        client_bytes[client] += f["bytes"] + f["rbytes"]
        for b in bases:
            mine = [n for n in named if n.lower() == b or n.lower().endswith("." + b)]
            if not mine:
                continue
            g = groups[b]
            g["flows"] += 1
            g["names"].update(mine)
            g["clients"].add(client)
            g["hidden"] += max(0, max(f["packets"], f["rpackets"]) - 2)
            g["qbytes"] += qb
            g["qpackets"] += qp
            g["bytes"] += f["bytes"] + f["rbytes"]
            g["starts"][client].add(f["start"] // 1000)
            g["first"] = f["start"] if g["first"] is None else min(g["first"], f["start"])
    out = subprocess.run([fs, "dns-hunt", "--format", "csv", "--limit", "0", "-q", d],
                         check=True, capture_output=True, text=True).stdout
    rows = {r["domain"]: r for r in csv.DictReader(io.StringIO(out))}
    for b in bases:
        g, r = groups[b], rows.get(b)
        if r is None:
            failed += 1
            print(f"FAIL {mode}: no row for {b}")
            continue
        cvs = []
        for s in g["starts"].values():
            s = sorted(s)
            if len(s) < 12:
                continue
            gaps = [y - x for x, y in zip(s, s[1:])]
            mean = sum(gaps) / len(gaps)
            if mean < 60:
                continue
            var = sum((x - mean) ** 2 for x in gaps) / len(gaps)
            cvs.append(math.sqrt(var) / mean)
        want = {"flows": g["flows"], "names": len(g["names"]), "sources": len(g["clients"]),
                "hidden": g["hidden"], "qbytes": g["qbytes"], "qpackets": g["qpackets"]}
        got = {k: int(r[k]) for k in want}
        share = g["bytes"] / sum(client_bytes[c] for c in g["clients"])
        cv = min(cvs) if cvs else -1
        bad = [k for k in want if want[k] != got[k]]
        if abs(float(r["share"]) - round(share, 3)) > 0.0015:
            bad.append(f"share {r['share']} vs {share:.4f}")
        if abs(float(r["cv"]) - cv) > 0.0015:
            bad.append(f"cv {r['cv']} vs {cv:.4f}")
        if bad:
            failed += 1
            print(f"FAIL {mode} {b}: {bad}; want {want}, got {got}")
    # --baseline with an END to the minute: a channel is new exactly when its first flow
    # starts after the END's minute (the minute before the middle channel's first one).
    firsts = sorted(groups[b]["first"] for b in bases)
    end_ms = (firsts[len(firsts) // 2] // 60000 - 1) * 60000
    end = time.strftime("%Y-%m-%dT%H:%M", time.gmtime(end_ms // 1000))
    out = subprocess.run([fs, "dns-hunt", "--format", "csv", "--limit", "0", "-q",
                          "--baseline", "2024-05-01T00.." + end, d],
                         check=True, capture_output=True, text=True).stdout
    rows = {r["domain"]: r for r in csv.DictReader(io.StringIO(out))}
    want_new = {b: int(groups[b]["first"] >= end_ms + 60000) for b in bases}
    got_new = {b: int(rows[b]["new"]) if b in rows else None for b in bases}
    if want_new != got_new or len(set(want_new.values())) != 2:
        failed += 1
        print(f"FAIL {mode}: --baseline ..{end}: new {got_new}, want {want_new}")
    # --allow with an entry below a registered domain leaves out that name and those under
    # it, not the domain: the channel's group keeps its other names.
    b = next(b for b in bases if len(groups[b]["names"]) >= 3)
    entry = sorted(n for n in groups[b]["names"] if n.lower() != b)[0].lower().rstrip(".")
    gone = {n for n in groups[b]["names"] if n.lower().rstrip(".") == entry
            or n.lower().endswith("." + entry + ".")}
    out = subprocess.run([fs, "dns-hunt", "--format", "csv", "--limit", "0", "-q",
                          "--allow", entry.upper(), d],
                         check=True, capture_output=True, text=True).stdout
    rows = {r["domain"]: r for r in csv.DictReader(io.StringIO(out))}
    want = len(groups[b]["names"]) - len(gone)
    if b not in rows or int(rows[b]["names"]) != want or not gone:
        failed += 1
        print(f"FAIL {mode}: --allow {entry}: {b} names {rows.get(b, {}).get('names')}, want {want}")
    print(f"{mode}: {len(bases)} channel rows checked, --baseline ..{end}, --allow {entry}")
print("FAILED" if failed else "all passed")
sys.exit(1 if failed else 0)
