#!/usr/bin/env python3
"""selftest.py FLOWSWEEP REPO WORKDIR - checks compare.py without Spark (ctest peer.mothra_compare).

Feeds compare.py flowsweep's own dns-names table as the "Spark" side: unchanged, with the
rows of every bytes tie in another order, cut at 20 rows, and with one cell changed.
Expects match, match, match, mismatch.
"""
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))


def table(fs, repo, limit):
    r = subprocess.run([fs, "dns-names", "-q", "--limit", str(limit), repo],
                       capture_output=True, text=True)
    if r.returncode not in (0, 3):  # 3: some files bad, as tests/data's PROVENANCE.md
        sys.exit(f"selftest: flowsweep exited {r.returncode}: {r.stderr}")
    return r.stdout


def data_span(lines):
    seps = [i for i, l in enumerate(lines) if l.startswith("+-")]
    return seps[1] + 1, seps[2]


def permute_ties(text):
    """Reverses each run of rows with equal bytes; returns (text, whether any moved)."""
    lines = text.split("\n")
    a, b = data_span(lines)
    col = [c.strip() for c in lines[a - 2].split("|")].index("bytes")
    rows, moved, i = lines[a:b], False, 0
    while i < len(rows):
        j = i
        while j < len(rows) and rows[j].split("|")[col] == rows[i].split("|")[col]:
            j += 1
        run = rows[i:j]
        if len(set(run)) > 1:
            moved = True
        rows[i:j] = run[::-1]
        i = j
    return "\n".join(lines[:a] + rows + lines[b:]), moved


def corrupt(text):
    """Changes one digit of the flows cell of the middle row, keeping the width."""
    lines = text.split("\n")
    a, b = data_span(lines)
    k = (a + b) // 2
    cells = lines[k].split("|")
    v = cells[3].rstrip()
    cells[3] = (v[:-1] + str((int(v[-1]) + 1) % 10)).ljust(len(cells[3]))
    lines[k] = "|".join(cells)
    return "\n".join(lines)


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__.splitlines()[0])
    fs, repo, work = argv[1:]
    os.makedirs(work, exist_ok=True)
    full = table(fs, repo, 0)
    permuted, moved = permute_ties(full)
    if not moved:
        sys.exit("selftest: no tie of two different rows to permute in this repository")
    cases = [("same", full, 0), ("ties permuted", permuted, 0),
             ("cut at 20 rows", table(fs, repo, 20), 0), ("one cell changed", corrupt(full), 1)]
    flowsweep_txt = os.path.join(work, "flowsweep.txt")
    with open(flowsweep_txt, "w") as f:
        f.write(full)
    fail = 0
    for name, text, want in cases:
        spark_txt = os.path.join(work, name.replace(" ", "_") + ".txt")
        with open(spark_txt, "w") as f:
            f.write(text)
        r = subprocess.run([sys.executable, os.path.join(here, "compare.py"), spark_txt,
                            flowsweep_txt], capture_output=True, text=True)
        ok = r.returncode == want
        print(f"{'ok  ' if ok else 'FAIL'} {name}: compare.py exit {r.returncode} "
              f"(want {want}): {r.stdout.strip().splitlines()[0] if r.stdout else r.stderr}")
        fail |= not ok
    return fail


if __name__ == "__main__":
    sys.exit(main(sys.argv))
