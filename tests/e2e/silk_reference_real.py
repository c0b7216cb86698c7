#!/usr/bin/env python3
"""silk_reference_real.py FLOWSWEEP SHARED_DIR

For every capture listed in SHARED_DIR/silk-reference-by-dip.txt (SiLK 3.19.1's own
answers: rwfilter --application=53 | rwuniq --fields=dip --values=records,packets,bytes
--ipv6-policy=asv4 --sort-output), run the same job as a flowsweep query on SiLK's record
view (--order 'dip asc') and require the same rows in the same order. SiLK's asv4 policy turns v4-mapped IPv6 addresses into IPv4 and
ignores other IPv6 records, so our IPv6 rows are mapped or dropped the same way.
Exits 77 (skip) when the shared folder is absent.
"""
import csv
import io
import os
import subprocess
import sys


def silk_sections(path):
    sections, cur = {}, None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("== "):
                cur = line[3:]
                sections[cur] = {}
            elif line and not line.startswith("#") and cur:
                dip, records, packets, nbytes = line.split(",")
                sections[cur][dip] = (int(records), int(packets), int(nbytes))
    return sections


def flowsweep_rows(fs, path):
    out = subprocess.run(
        [fs, "query", "--records", "silk", "--where", "app = 53", "--group-by", "dip",
         "--agg", "records=count(), packets=sum(packets), bytes=sum(bytes)",
         "--order", "dip asc", "--limit", "0", "--format", "csv", "-q", path],
        check=True, capture_output=True, text=True).stdout
    rows = {}
    for r in csv.DictReader(io.StringIO(out)):
        dip = r["dip"]
        if ":" in dip:
            if not dip.lower().startswith("::ffff:") or "." not in dip:
                continue  # asv4: pure IPv6 records are ignored
            dip = dip[7:]
        old = rows.get(dip, (0, 0, 0))
        rows[dip] = (old[0] + int(r["records"]), old[1] + int(r["packets"]),
                     old[2] + int(r["bytes"]))
    return rows  # in the order flowsweep printed them (first time each dip was seen)


def main():
    fs, shared = sys.argv[1], sys.argv[2]
    ref = os.path.join(shared, "silk-reference-by-dip.txt")
    if not os.path.exists(ref):
        print(f"no {ref}: skipped")
        return 77
    failed = 0
    sections = silk_sections(ref)
    for name, want in sorted(sections.items()):
        got = flowsweep_rows(fs, os.path.join(shared, name))
        # --order 'dip asc' orders addresses as numbers, as rwuniq --sort-output does (an
        # IPv4 address and its v4-mapped export are one address: next to each other)
        if list(got) != list(want):
            failed += 1
            print(f"FAIL {name}: order differs from SiLK's --sort-output")
            print(f"  SiLK:      {list(want)}")
            print(f"  flowsweep: {list(got)}")
            continue
        if got != want:
            failed += 1
            print(f"FAIL {name}")
            for dip in sorted(set(got) | set(want)):
                if got.get(dip) != want.get(dip):
                    print(f"  {dip}: SiLK {want.get(dip)} flowsweep {got.get(dip)}")
    print(f"{len(sections) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
