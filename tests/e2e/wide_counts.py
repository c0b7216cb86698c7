#!/usr/bin/env python3
"""wide_counts.py FLOWSWEEP WORKDIR - counts past 2^64 - 1 are exact or an error, never wrapped.

Files written by hand (tests/ref/ipfix_writer.py): 40 DNS flows of 2^64 - 1 bytes each from
192.168.0.7 to 192.168.1.1:53, each querying a new name under tun.example.com.; and one flow
of 2^64 - 1 forward and 1000 reverse bytes. Expected values are Python's integers:
  - dns-hunt's bytes/qbytes, dns-dest's bytes, query's sum(bytes): 40 * (2^64 - 1);
  - the report's scatter and stacked chart carry that number in their titles;
  - dns-names --bytes total on the second file: no record can hold 2^64 - 1 + 1000 bytes,
    so an error (exit 1) naming the file, not a wrapped 999;
  - query literals: bytes = 18446744073709551615 and >= 18446744073709551615.0 keep the 40
    flows, --having on the sum is exact (b < 40 * (2^64 - 1) + 1.0), dport = 70000 refused;
  - dns-hunt's pkt_flow, qsize, dur_mean: exact quotients at 3 decimals (Fraction here).
"""
import csv
import fractions
import io
import json
import math
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "ref"))
from ipfix_writer import CERT, fld, message, set_, tmpl, varlen  # noqa: E402

FS, WORK = sys.argv[1], sys.argv[2]
MAX = 2 ** 64 - 1
DNS_T, FLOW_T = 400, 401
DNS_FIELDS = [fld(179, 65535, CERT), fld(175, 2, CERT), fld(199, 4, CERT), fld(174, 1, CERT),
              fld(226, 2, CERT), fld(178, 1, CERT), fld(177, 1, CERT)]
FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL: " + what)


def stml(name):
    rec = varlen(name) + struct.pack("!HIBHBB", 16, 60, 0, 1, 0, 0)
    return varlen(b"\x03" + struct.pack("!HH", DNS_T, 4 + len(rec)) + rec)


def ipfix(flows, reverse):
    fields = [fld(152, 8), fld(153, 8), fld(8, 4), fld(12, 4), fld(7, 2), fld(11, 2), fld(4, 1),
              fld(85, 8), fld(86, 8)]
    if reverse:
        fields += [fld(85, 8, 29305), fld(86, 8, 29305)]
    fields += [fld(33, 2, CERT), fld(293, 65535)]
    recs = []
    for i, (name, counts) in enumerate(flows):
        t = 1714521600000 + i * 1000
        recs.append(struct.pack("!QQ", t, t + 10) + bytes([192, 168, 0, 7, 192, 168, 1, 1]) +
                    struct.pack("!HHB", 40000 + i, 53, 17) +
                    struct.pack("!%dQ" % len(counts), *counts) + struct.pack("!H", 53) + stml(name))
    return (message([set_(2, tmpl(DNS_T, DNS_FIELDS) + tmpl(FLOW_T, fields))], 0, 1714521600, 0) +
            message([set_(FLOW_T, b"".join(recs))], 0, 1714521600, 0))


def run(args):
    p = subprocess.run([FS] + args, capture_output=True, timeout=120)
    return p.returncode, p.stdout.decode("ascii", "replace"), p.stderr.decode("ascii", "replace")


os.makedirs(WORK, exist_ok=True)
big = os.path.join(WORK, "big.ipfix")
rev = os.path.join(WORK, "rev.ipfix")
with open(big, "wb") as f:
    f.write(ipfix([(b"q%05dabcdefghijkl.tun.example.com." % i, (MAX, 1000)) for i in range(40)],
                  False))
with open(rev, "wb") as f:
    f.write(ipfix([(b"a.example.com.", (MAX, 1, 1000, 1))], True))
want = 40 * MAX

rc, out, err = run(["dns-hunt", "-q", "--format", "json", "--limit", "0", big])
rows = [json.loads(x) for x in out.splitlines() if x.strip()]
dom = [r for r in rows if r.get("domain") == "example.com."]
check(rc == 0 and dom and dom[0]["bytes"] == want and dom[0]["qbytes"] == want,
      "dns-hunt bytes and qbytes = 40 * (2^64 - 1) = %d: %s %s" % (want, rc, dom[:1]))
check(rc == 0 and dom and dom[0]["packets"] == 40000, "dns-hunt packets 40000")

rc, out, err = run(["dns-dest", "-q", "--format", "csv", "--limit", "0", big])
r = list(csv.DictReader(io.StringIO(out)))
check(rc == 0 and len(r) == 1 and int(r[0]["bytes"]) == want,
      "dns-dest bytes = %d: %s %s" % (want, rc, r))

rc, out, err = run(["query", "-q", "--format", "csv", "--group-by", "dip", "--agg",
                    "b=sum(bytes)", big])
r = list(csv.DictReader(io.StringIO(out)))
check(rc == 0 and len(r) == 1 and int(r[0]["b"]) == want, "query sum(bytes) = %d: %s" % (want, r))

rc, out, err = run(["dns-names", "-q", "--bytes", "total", rev])
check(rc == 1 and rev in err and "--bytes total" in err and "999" not in out,
      "dns-names --bytes total past 2^64: an error naming the file (%d %r %r)" % (rc, out, err))
rc, out, err = run(["dns-names", "-q", rev])
check(rc == 0 and str(MAX) in out, "dns-names (forward bytes) of the same flow: 2^64 - 1")

page = os.path.join(WORK, "report.html")
rc, out, err = run(["report", "-q", "-o", page, big])
html = open(page).read() if rc == 0 else ""
check(rc == 0 and ("%d bytes</title>" % want) in html,
      "report scatter title: exactly %d bytes" % want)
check(rc == 0 and ("(%d)</title>" % want) in html,
      "report stacked chart title: exactly %d (all 40 flows in one hour)" % want)

# Literals (review s16 #1): a counter of 2^64 - 1 written exactly, as an integer or as a real
# (a real literal compared with an integer is compared by its exact decimal value).
for where in ("bytes = 18446744073709551615", "bytes >= 18446744073709551615.0",
              "bytes > 18446744073709551614.5", "18446744073709551615.0 <= bytes"):
    rc, out, err = run(["query", "-q", "--format", "csv", "--group-by", "dip", "--agg",
                        "n=count()", "--where", where, big])
    r = list(csv.DictReader(io.StringIO(out)))
    check(rc == 0 and len(r) == 1 and int(r[0]["n"]) == 40,
          "query --where %r: the 40 flows of 2^64 - 1 bytes (%d %s %s)" % (where, rc, r, err))
# --having on the sum 40 * (2^64 - 1), past 2^64: by hand, b < want + 1, b = want, b >= want
# hold; b > want + 0.5 does not.
for having, rows in (("b < %d.0" % (want + 1), 1), ("b = %d" % want, 1),
                     ("b > %d.5" % want, 0), ("b >= %d.5" % (want - 1), 1)):
    rc, out, err = run(["query", "-q", "--format", "csv", "--group-by", "dip", "--agg",
                        "b=sum(bytes)", "--having", having, big])
    r = list(csv.DictReader(io.StringIO(out)))
    check(rc == 0 and len(r) == rows, "query --having %r: %d rows (%d %s %s)"
          % (having, rows, rc, r, err))
rc, out, err = run(["query", "-q", "--group-by", "dip", "--where", "dport = 70000", big])
check(rc == 2 and "never true" in err and "0 to 65535" in err,
      "dport = 70000 refused when parsing, not an empty answer (%d %r)" % (rc, err))

# dns-hunt's ratios (review s16 #3): exact quotients of the 128-bit sums, 3 decimals rounded
# half up on the exact fraction (Python's Fraction here), never a double's digits.
def dec3(num, den):
    k = math.floor(fractions.Fraction(num, den) * 1000 + fractions.Fraction(1, 2))
    return ("%d.%03d" % (k // 1000, k % 1000)).rstrip("0").rstrip(".")


pk = os.path.join(WORK, "pk.ipfix")
with open(pk, "wb") as f:  # 3 flows of 2^64 - 1 bytes and packets, one of 1000 and 10
    f.write(ipfix([(b"p%dxyz.tun.example.com." % i, (MAX, MAX) if i < 3 else (1000, 10))
                   for i in range(4)], False))
for path, flows, nbytes, npackets in ((big, 40, want, 40000), (pk, 4, 3 * MAX + 1000, 3 * MAX + 10)):
    rc, out, err = run(["dns-hunt", "-q", "--format", "csv", "--limit", "0", path])
    r = [x for x in csv.DictReader(io.StringIO(out)) if x["domain"] == "example.com."]
    exp = {"pkt_flow": dec3(npackets, flows), "qsize": dec3(nbytes, npackets),
           "dur_mean": dec3(10 * flows, 1000 * flows)}  # every flow lasts 10 ms
    got = {k: r[0][k] for k in exp} if rc == 0 and r else None
    check(got == exp, "dns-hunt ratios of %s: %s, want %s" % (os.path.basename(path), got, exp))
rc, out, err = run(["dns-hunt", "-q", "--format", "json", "--limit", "0", pk])
check(rc == 0 and '"pkt_flow":13835058055282163713.75' in out,
      "dns-hunt JSON pkt_flow (3 * (2^64 - 1) + 10) / 4 = 13835058055282163713.75: %r" % out[:300])

print("wide_counts: %d failures" % len(FAILS))
sys.exit(1 if FAILS else 0)
