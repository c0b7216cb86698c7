#!/usr/bin/env python3
"""compare_csv.py FLOWSWEEP.csv DUCKDB.csv [--order-col bytes] - same result, two engines.

Both files are result tables as `flowsweep ... --format csv --limit 0` writes them. They
match when the headers are equal, the rows are equal as multisets (each row's cells as
text, so rendering counts too), and both list the order column's values in the same
non-increasing sequence (ORDER BY bytes DESC; rows tied on bytes may come in any order).
Prints what differs and exits 1 on a mismatch.
"""
import argparse
import collections
import csv
import sys


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows:
        sys.exit(f"compare_csv: {path}: empty (no header)")
    return rows[0], rows[1:]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("flowsweep")
    ap.add_argument("duckdb")
    ap.add_argument("--order-col", default="bytes")
    ap.add_argument("--name", default="", help="label for messages")
    a = ap.parse_args()
    fh, fr = read(a.flowsweep)
    dh, dr = read(a.duckdb)
    label = f"{a.name}: " if a.name else ""
    if fh != dh:
        print(f"{label}MISMATCH: headers differ\n  flowsweep: {fh}\n  duckdb:    {dh}")
        return 1
    fc, dc = collections.Counter(map(tuple, fr)), collections.Counter(map(tuple, dr))
    only_f, only_d = fc - dc, dc - fc
    bad = False
    if only_f or only_d:
        bad = True
        print(f"{label}MISMATCH: {sum(only_f.values())} rows only in flowsweep, "
              f"{sum(only_d.values())} only in duckdb (first 10 of each):")
        for tag, rows in (("- flowsweep", only_f), ("+ duckdb   ", only_d)):
            for row in sorted(rows)[:10]:
                print(f"  {tag} {','.join(row)}")
    col = fh.index(a.order_col)
    fo, do = [int(r[col]) for r in fr], [int(r[col]) for r in dr]
    if fo != sorted(fo, reverse=True) or do != sorted(do, reverse=True) or fo != do:
        bad = True
        first = next((i for i, (x, y) in enumerate(zip(fo, do)) if x != y), min(len(fo), len(do)))
        print(f"{label}MISMATCH: order by {a.order_col} desc differs (first at row {first + 1})")
    if bad:
        return 1
    print(f"{label}match: {len(fr)} rows, header {','.join(fh)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
