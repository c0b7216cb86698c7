#!/usr/bin/env python3
"""avg_having.py FLOWSWEEP WORKDIR [N] - --having on avg columns is exact (docs/query.md).

One IPFIX file written by hand (tests/ref/ipfix_writer.py): groups by dport whose averages
are worked out by hand (3.5 from two counts, 4/3, 0, 2^64 - 1.5 from sums past 2^64,
2^53 + 1 and 2^53 + 1.5, 123456789012345678.5 from a sum past 2^53, 10^18 + 0.1), and
random groups of small and big counters (sums past 2^53 and 2^64).

1. Hand-worked answers: the fixed groups that `m = 3.5`, `m < 18446744073709551615`,
   `m = 9007199254740993`, ... keep (a double of the avg answers several of them wrongly).
2. N random --having expressions (default 400, 100 in the sanitizer passes; AVG_HAVING_SEED
   picks another seed) against
   tests/ref/reference.py's evaluation (Python Fractions: exact): an avg against integer and
   real literals near its value (at it, x.5, decimals just above and below, exponents,
   negative), integer columns and expressions, other avgs, doubles (s / n), and avg in
   arithmetic (a double, as the reference computes it too), joined by and/or/not. Rows
   must be equal; an expression refused or failing (overflow) must fail in both.
"""
import fractions
import os
import random
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "ref"))
import reference  # noqa: E402
from ipfix_writer import fld, message, set_, tmpl  # noqa: E402

FS, WORK = sys.argv[1], sys.argv[2]
N = int(sys.argv[3]) if len(sys.argv) > 3 else 400
if os.environ.get("FLOWSWEEP_TEST_SANITIZER"):  # the release pass ran all 400 (scripts/test)
    N = min(N, 100)
SEED = int(os.environ.get("AVG_HAVING_SEED", "18"))
MAX = 2 ** 64 - 1
AGGS = ("n=count(), s=sum(bytes), lo=min(bytes), hi=max(bytes), m=avg(bytes), "
        "p=avg(packets), sp=sum(packets), q=avg(sport)")
FAILS = []

# dport: [(bytes, packets, sport)], averages by hand in the comments
FIXED = {
    1: [(7, 1, 10)],                                          # m 7
    2: [(3, 1, 10), (4, 2, 11)],                              # m 3.5
    3: [(5, 3, 10), (2, 3, 11)],                              # m 3.5 over other flows
    4: [(1, 1, 1), (1, 1, 1), (2, 1, 2)],                     # m 4/3
    5: [(0, 0, 0)],                                           # m 0
    6: [(MAX, 1, 7), (MAX - 1, 1, 8)],                        # m 2^64 - 1.5 (sum past 2^64)
    7: [(MAX, 1, 1)] * 3 + [(1, 1, 2)],                       # m (3 * 2^64 - 2) / 4
    8: [(2 ** 53 + 1, 1, 1), (2 ** 53 + 2, 1, 2)],            # m 2^53 + 1.5
    9: [(2 ** 53 + 1, 7, 3)] * 3,                             # m 2^53 + 1 (no double)
    10: [(123456789012345678, 1, 5), (123456789012345679, 1, 6)],  # m ...678.5
    11: [(MAX, 1, 7), (MAX - 1, 1, 8)] * 2,                   # m as group 6, over 4 flows
    12: [(10 ** 18, 3, 9)] * 9 + [(10 ** 18 + 1, 3, 9)],      # m 10^18 + 0.1
}
HAND = [  # (having, the fixed groups kept), by hand from the comments above
    ("m = 3.5", {2, 3}),
    ("m < 18446744073709551615", set(FIXED)),          # the double of 2^64 - 1.5 is 2^64
    ("m = 18446744073709551614.5", {6, 11}),
    ("m > 18446744073709551614 and m < 18446744073709551615.0", {6, 11}),
    ("m > 123456789012345678", {6, 7, 10, 11, 12}),
    ("m = 123456789012345678.5", {10}),
    ("m = 9007199254740993", {9}),                     # the double of 2^53 + 1 is 2^53
    ("m > 9007199254740993 and m < 9007199254740994", {8}),
    ("-m < -3.4 and -m > -3.6", {2, 3}),
    ("m = 1000000000000000000.1", {12}),
    ("m > 1.3333333333333333333 and m < 1.3333333333333333334", {4}),
    ("m = 13835058055282163711.5", {7}),
    ("m = 0 and p = 0.0", {5}),
    ("m = 4 / 3", set()),                              # 4 / 3 is a double, below 4/3
    ("m > 4 / 3 and m < 1.34", {4}),
    ("m < 0.5e1 and m > 35e-1", set()),
    ("m <= 0.35e1 and 7 >= m * 2", {2, 3, 4, 5}),
    ("q = 7.5 and m = 18446744073709551614.5", {6, 11}),
]


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL: " + what)


def random_groups(rng):
    groups = {}
    for g in range(20, 44):
        n = rng.randint(1, 7)
        flows = []
        for _ in range(n):
            kind = rng.randrange(4)
            if kind == 0:
                b = rng.randint(0, 100)
            elif kind == 1:
                b = rng.randint(2 ** 50, 2 ** 56)
            elif kind == 2:
                b = MAX - rng.randint(0, 3)
            else:
                b = rng.randint(0, MAX)
            pk = rng.choice([0, 1, 2, 3, rng.randint(0, MAX)])
            flows.append((b, pk, rng.randint(0, 65535)))
        groups[g] = flows
    return groups


def write_ipfix(path, groups):
    fields = [fld(152, 8), fld(153, 8), fld(8, 4), fld(12, 4), fld(7, 2), fld(11, 2), fld(4, 1),
              fld(85, 8), fld(86, 8)]
    recs, flows, t = [], [], 1714521600000
    for dport, rows in sorted(groups.items()):
        for b, pk, sport in rows:
            t += 1000
            recs.append(struct.pack("!QQ", t, t + 10) + bytes([10, 0, 0, 1, 10, 0, 0, 2]) +
                        struct.pack("!HHBQQ", sport, dport, 6, b, pk))
            f = reference.Flow("10.0.0.1", "10.0.0.2", 6, 0, b, pk, 0, 0)
            f.start, f.end, f.sport, f.dport = t, t + 10, sport, dport
            flows.append(f)
    with open(path, "wb") as out:
        out.write(message([set_(2, tmpl(300, fields))], 0, 1714521600, 0))
        out.write(message([set_(300, b"".join(recs))], 0, 1714521600, 0))
    return flows


def flowsweep(path, having):
    p = subprocess.run([FS, "query", "-q", "--format", "csv", "--limit", "0", "--group-by",
                        "dport", "--agg", AGGS, "--having", having, path],
                       capture_output=True, timeout=60)
    lines = p.stdout.decode("ascii", "replace").replace("\r", "").splitlines()
    return p.returncode, sorted(lines[1:]), p.stderr.decode("ascii", "replace").strip()


def expected(flows, having):
    """(None, rows) or (the reference's error, None)."""
    try:
        cols, rows = reference.run_query(flows, group_by="dport", aggs=AGGS, having=having)
    except reference.QueryError as e:
        return str(e), None
    return None, sorted(",".join(reference._csv_field(reference.csv_cell(c)) for c in r)
                        for r in rows)


def dec_text(x, rng):
    """Fraction x as a decimal literal: exactly when it ends, else cut after some digits."""
    sign = "-" if x < 0 else ""
    x = abs(x)
    k = rng.choice([0, 1, 2, 6, 20, 25])
    whole = x.numerator * 10 ** k // x.denominator
    whole += rng.choice([0, 0, 1])               # at (or just below) x, or just above
    digits = str(whole).rjust(k + 1, "0")
    form = rng.randrange(3)
    if k == 0:
        return sign + digits + rng.choice([".0", "", "e0"]) if form else sign + digits + ".0"
    if form == 0:
        return sign + digits[:-k] + "." + digits[-k:]
    if form == 1:
        return sign + digits.lstrip("0").rjust(1, "0") + "e-%d" % k
    d = digits.lstrip("0") or "0"
    return sign + d[0] + "." + (d[1:] or "0") + "e%d" % (len(d) - 1 - k)


def literal(rng, values):
    """A literal near one of the avgs' values (or a far one)."""
    v = rng.choice(values)
    r = rng.randrange(8)
    if r == 0:
        return str(v.numerator // v.denominator + rng.choice([-1, 0, 1]))
    if r == 1:
        return rng.choice(["0", "0.0", "-0.5", "1e40", "1e-30", "0.5", "3.5", "-3.5",
                           "18446744073709551615", "9007199254740993.0"])
    if r == 2:
        return str(v.numerator // v.denominator) + ".5"
    return dec_text(v, rng)


def atom(rng, values):
    avg = rng.choice(["m", "m", "p", "q", "-m", "(m)"])
    r = rng.randrange(10)
    if r <= 3:
        other = literal(rng, values)
        if avg == "-m" and not other.startswith("-"):
            other = "-" + other
    elif r == 4:
        other = rng.choice(["s", "n", "lo", "hi", "sp", "n * 2", "hi - lo", "lo + 1", "-n"])
    elif r == 5:
        other = rng.choice(["p", "m", "q", "-p", "-q"])
    elif r == 6:
        other = rng.choice(["s / n", "hi / 2", "sp / n", "lo / 3", "s / n + 0.5"])
    elif r == 7:
        avg = rng.choice(["m * 2", "m + 0.5", "m / 3", "m - lo", "p * n", "2 * m - hi"])
        other = rng.choice(["s", "hi", "7", literal(rng, values), "lo * 2"])
    elif r == 8:
        other = dec_text(rng.choice(values) * rng.choice([1, 2, fractions.Fraction(1, 2)]), rng)
    else:
        other = literal(rng, values)
    op = rng.choice(["=", "!=", "<", "<=", ">", ">=", "==", "<>"])
    return "%s %s %s" % ((avg, op, other) if rng.randrange(2) else (other, op, avg))


def expression(rng, values):
    e = atom(rng, values)
    for _ in range(rng.choice([0, 0, 1, 2])):
        e = "%s %s %s" % (e, rng.choice(["and", "or"]), atom(rng, values))
    if rng.randrange(6) == 0:
        e = "not (%s)" % e
    return e


def main():
    os.makedirs(WORK, exist_ok=True)
    rng = random.Random(SEED)
    groups = dict(FIXED)
    groups.update(random_groups(rng))
    path = os.path.join(WORK, "avg.ipfix")
    flows = write_ipfix(path, groups)
    big = [sum(b for b, _, _ in rows) for rows in groups.values()]
    check(sum(s > 2 ** 64 for s in big) >= 5 and sum(2 ** 53 < s <= 2 ** 64 for s in big) >= 3,
          "the data has groups whose sums pass 2^53 and 2^64")

    for having, want in HAND:
        rc, rows, err = flowsweep(path, having)
        got = {int(r.split(",")[0]) for r in rows} & set(FIXED)
        check(rc == 0 and got == want,
              "--having %r: fixed groups %s, want %s (%d %s)" % (having, sorted(got),
                                                                 sorted(want), rc, err))
        eerr, erows = expected(flows, having)
        check(eerr is None and erows == rows, "--having %r: the reference agrees (%s)"
              % (having, eerr))

    values = []
    for rows in groups.values():
        values.append(fractions.Fraction(sum(b for b, _, _ in rows), len(rows)))
        values.append(fractions.Fraction(sum(p for _, p, _ in rows), len(rows)))
        values.append(fractions.Fraction(sum(s for _, _, s in rows), len(rows)))
    answered = refused = 0
    for i in range(N):
        having = expression(rng, values)
        rc, rows, err = flowsweep(path, having)
        eerr, erows = expected(flows, having)
        if eerr is not None:
            refused += 1
            want_rc = 1 if "overflow" in eerr else 2
            check(rc == want_rc, "#%d --having %r: the reference refuses (%s), flowsweep %d %s"
                  % (i, having, eerr, rc, err))
        else:
            answered += 1
            check(rc == 0 and rows == erows, "#%d --having %r: flowsweep %d (%s)\n  got  %s\n"
                  "  want %s" % (i, having, rc, err, rows, erows))
    check(answered >= N // 2, "most random expressions answered (%d of %d)" % (answered, N))
    print("avg_having: seed %d, %d expressions (%d answered, %d refused or failing), %d failures"
          % (SEED, N, answered, refused, len(FAILS)))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
