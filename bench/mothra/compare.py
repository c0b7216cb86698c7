#!/usr/bin/env python3
"""compare.py SPARK_SHOW.txt FLOWSWEEP_TABLE.txt - does Spark/Mothra agree with flowsweep?

Both files hold a table as Spark's Dataset.show(n, false) prints it: the output of
bench/mothra/run.sh and of `flowsweep dns-names` (any --limit; --limit 0 prints all).
They agree when the headers are equal and the rows are equal as multisets, cell text for
cell text, with both tables ordered by bytes descending. The only tolerance is the order
of rows tied on bytes (Spark's orderBy leaves it open; flowsweep breaks ties on the other
columns' text). When a table was cut ("only showing top N rows") the rows tied with its
last bytes value may have been cut differently: those rows must then be rows of the
other table with that bytes value when it shows them all, else only their number is
compared. Spark cells are rendered as flowsweep renders them first: every character
outside 0x20-0x7E as \\xHH of its UTF-8 bytes. Exit 0 agree, 1 differ, 2 unreadable.
"""
import collections
import sys


class Table:
    def __init__(self, path):
        self.path = path
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            lines = f.read().split("\n")
        seps = [i for i, l in enumerate(lines) if l.startswith("+-") and l.endswith("+")]
        if len(seps) < 3:
            raise ValueError(f"{path}: no show() table (want 3 '+---+' lines)")
        top, mid, end = seps[0], seps[1], seps[2]
        self.widths = [len(p) for p in lines[top].split("+")[1:-1]]
        self.header = self.cells(lines[top + 1])
        self.rows = [tuple(self.cells(l)) for l in lines[mid + 1:end]]
        foot = lines[end + 1] if end + 1 < len(lines) else ""
        self.cut = foot.startswith("only showing top ")
        self.bytes_col = self.header.index("bytes") if "bytes" in self.header else None

    def cells(self, line):
        """Cells by the separator's widths; by '|' when widths do not fit (wide chars)."""
        out, at = [], 1
        if line.startswith("|") and len(line) == sum(self.widths) + len(self.widths) + 1:
            for w in self.widths:
                out.append(line[at:at + w])
                at += w + 1
        else:
            out = line.split("|")[1:-1]
            if len(out) != len(self.widths):
                raise ValueError(f"{self.path}: cannot split row {line!r}")
        return [esc(c.rstrip(" ")) for c in out]

    def bytes_of(self, row):
        return int(row[self.bytes_col])


def esc(s):
    """flowsweep's rendering: characters outside 0x20-0x7E as \\xHH of their UTF-8 bytes."""
    if all(" " <= ch <= "~" for ch in s):
        return s
    out = []
    for ch in s:
        if " " <= ch <= "~":
            out.append(ch)
        else:
            out.extend(f"\\x{b:02X}" for b in ch.encode("utf-8", errors="surrogateescape"))
    return "".join(out)


def compare(spark, fs):
    """Returns a list of problems (empty when the tables agree)."""
    if spark.header != fs.header:
        return [f"headers differ: spark {spark.header} flowsweep {fs.header}"]
    if spark.bytes_col is None:
        return ["no 'bytes' column to order by"]
    problems = []
    for t in (spark, fs):
        b = [t.bytes_of(r) for r in t.rows]
        if b != sorted(b, reverse=True):
            problems.append(f"{t.path}: rows are not ordered by bytes descending")
    # Compare down to the smaller table's last bytes value; below it one table may not
    # go on (its --limit), and at it a cut table may hold any subset of the ties.
    short, long_ = (spark, fs) if len(spark.rows) <= len(fs.rows) else (fs, spark)
    if not short.rows:
        return problems + ([] if not long_.rows else ["one table is empty, the other not"])
    if not short.cut and len(short.rows) != len(long_.rows):
        return problems + [f"{short.path} shows all {len(short.rows)} rows, "
                           f"{long_.path} shows {len(long_.rows)}"]
    edge = short.bytes_of(short.rows[-1])
    above = lambda t: collections.Counter(r for r in t.rows if t.bytes_of(r) > edge)
    at = lambda t: collections.Counter(r for r in t.rows if t.bytes_of(r) == edge)
    a_s, a_l = above(short), above(long_)
    if a_s != a_l:
        problems.append(f"rows with bytes > {edge} differ:")
        problems += [f"  only in {spark.path}: {'|'.join(r)}"
                     for r in sorted((above(spark) - above(fs)).elements())][:10]
        problems += [f"  only in {fs.path}: {'|'.join(r)}"
                     for r in sorted((above(fs) - above(spark)).elements())][:10]
    t_s, t_l = at(short), at(long_)
    long_has_all_ties = not long_.cut or long_.bytes_of(long_.rows[-1]) < edge
    if not short.cut:
        if t_s != t_l:
            problems.append(f"rows with bytes = {edge} differ")
    elif long_has_all_ties:
        if t_s - t_l:
            problems.append(f"rows with bytes = {edge} in {short.path} are not among "
                            f"{long_.path}'s: " + "; ".join("|".join(r) for r in t_s - t_l))
    elif sum(t_s.values()) != sum(t_l.values()):
        problems.append(f"both tables cut inside the rows tied at bytes = {edge}, "
                        f"and they show {sum(t_s.values())} vs {sum(t_l.values())} of them")
    return problems


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    try:
        spark, fs = Table(argv[1]), Table(argv[2])
    except (OSError, ValueError) as e:
        print(f"compare.py: {e}", file=sys.stderr)
        return 2
    problems = compare(spark, fs)
    if problems:
        print("MISMATCH: " + "\n".join(problems))
        return 1
    print(f"match: {len(spark.rows)} Spark rows agree with flowsweep "
          f"(header {'|'.join(spark.header)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
