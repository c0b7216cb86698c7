#!/usr/bin/env python3
"""Independent brute-force reference for flowsweep's two DNS analytics.

Reads flowdump v1 text (docs/flowdump.md) and computes, with plain Python and
no flowsweep code:

  dns-names  the Mothra/Spark analytic (group flows by their DNS name list and
             RR-type list, bytes/packets > 70, fewer than 3 names);
  dns-dest   the SiLK analytic (rwfilter --application=53
             --scidr=192.168.0.0/16 --bytes-per-packet=70- | rwuniq
             --fields=dip,proto --bytes=500-).

Output: Spark show(N, false) tables, RFC 4180 CSV or JSON Lines.
The exact semantics are written down in tests/ref/README.md; this file is
meant to be read next to it. Standard library only (Python >= 3.8).
"""

import argparse
import fractions
import ipaddress
import os
import json
import re
import sys

EXIT_USAGE = 2
EXIT_INPUT = 1

# ----------------------------------------------------------------------------
# flowdump v1 reader


class InputError(Exception):
    """Malformed flowdump input; the message names the file and line."""


class Flow:
    __slots__ = ("sip", "dip", "proto", "app", "bytes", "packets",
                 "rbytes", "rpackets", "names", "rrtypes", "start", "end",
                 "sport", "dport", "rrs")

    def __init__(self, sip, dip, proto, app, nbytes, packets, rbytes,
                 rpackets):
        self.start = self.end = self.sport = self.dport = 0
        self.rrs = []         # (section, qr, rrtype, rcode, ttl, name)
        self.sip = sip
        self.dip = dip
        self.proto = proto
        self.app = app
        self.bytes = nbytes
        self.packets = packets
        self.rbytes = rbytes
        self.rpackets = rpackets
        self.names = []
        self.rrtypes = []


def _uint(text, where, what):
    if not text.isdigit() or not text.isascii():
        raise InputError("%s: %s is not a decimal number: %r"
                         % (where, what, text))
    return int(text)


def _addr(text, where, what):
    try:
        ipaddress.ip_address(text)
    except ValueError:
        raise InputError("%s: %s is not an IP address: %r"
                         % (where, what, text)) from None
    return text


_PRINTABLE = re.compile(r"[\x20-\x7e]*\Z")


def read_flowdump(stream, label):
    """Yield Flow objects from one binary stream of flowdump v1 text."""
    flow = None
    pending = 0           # R lines still expected for `flow`
    lineno = 0
    for raw in stream:
        lineno += 1
        where = "%s:%d" % (label, lineno)
        if raw.endswith(b"\n"):
            raw = raw[:-1]
        try:
            line = raw.decode("ascii")
        except UnicodeDecodeError:
            raise InputError("%s: byte outside ASCII" % where) from None
        if not _PRINTABLE.match(line):
            raise InputError("%s: control character in line" % where)
        if line.startswith("R "):
            if pending == 0:
                raise InputError("%s: R line without a pending F line"
                                 % where)
            parts = line.split(" ", 8)
            if len(parts) != 9:
                raise InputError("%s: R line needs 8 fields and a name"
                                 % where)
            for i, what in enumerate(("section", "qr", "rrtype", "rcode",
                                      "aa", "ttl", "id"), start=1):
                _uint(parts[i], where, what)
            flow.names.append(parts[8])
            flow.rrtypes.append(int(parts[3]))
            flow.rrs.append((int(parts[1]), int(parts[2]), int(parts[3]),
                             int(parts[4]), int(parts[6]), parts[8]))
            pending -= 1
            if pending == 0:
                yield flow
                flow = None
            continue
        if pending:
            raise InputError("%s: expected %d more R line(s)"
                             % (where, pending))
        if line == "" or line.startswith("#"):
            continue
        if not line.startswith("F "):
            raise InputError("%s: unknown line type" % where)
        parts = line.split(" ")
        if len(parts) != 14:
            raise InputError("%s: F line needs 13 fields, has %d"
                             % (where, len(parts) - 1))
        nums = {}
        for i, what in ((1, "start_ms"), (2, "end_ms"), (5, "sport"),
                        (6, "dport"), (7, "proto"), (8, "app"),
                        (9, "bytes"), (10, "packets"), (11, "rbytes"),
                        (12, "rpackets"), (13, "ndns")):
            nums[what] = _uint(parts[i], where, what)
        flow = Flow(_addr(parts[3], where, "sip"),
                    _addr(parts[4], where, "dip"),
                    nums["proto"], nums["app"], nums["bytes"],
                    nums["packets"], nums["rbytes"], nums["rpackets"])
        flow.start = nums["start_ms"]
        flow.end = nums["end_ms"]
        flow.sport = nums["sport"]
        flow.dport = nums["dport"]
        pending = nums["ndns"]
        if pending == 0:
            yield flow
            flow = None
    if pending:
        raise InputError("%s: end of input, %d R line(s) missing"
                         % (label, pending))


def read_inputs(paths):
    """Yield the flows of every input in order ('-' or none: stdin)."""
    if not paths:
        paths = ["-"]
    for path in paths:
        if path == "-":
            yield from read_flowdump(sys.stdin.buffer, "<stdin>")
        else:
            try:
                stream = open(path, "rb")
            except OSError as e:
                raise InputError("%s: %s" % (path, e.strerror)) from None
            with stream:
                yield from read_flowdump(stream, path)


# ----------------------------------------------------------------------------
# common helpers


def bpp(nbytes, packets):
    """bytes/packets the way Spark (and C) divide two longs: both operands
    converted to double, then one IEEE division. None when packets == 0."""
    if packets == 0:
        return None
    return float(nbytes) / float(packets)


def render_list(items):
    """Spark's cell text for an array: "[" + ", ".join + "]"."""
    return "[" + ", ".join(str(x) for x in items) + "]"


def order_rows(rows, bytes_col):
    """Sort rows (lists of typed cells) by bytes descending, then by every
    other column's rendered cell text ascending, in column order."""
    def key(row):
        rest = tuple(cell_text(c) for i, c in enumerate(row)
                     if i != bytes_col)
        return (-row[bytes_col],) + rest
    return sorted(rows, key=key)


class Avg:
    """avg(f): the exact fraction sum / count, written rounded to 6
    decimals, half to even, trailing zeros and a bare point dropped."""

    def __init__(self, total, n):
        self.q = fractions.Fraction(total, n)

    def __str__(self):
        scaled = self.q * 10 ** 6
        r = round(scaled)            # Fraction rounds half to even
        whole, frac = divmod(r, 10 ** 6)
        text = str(whole)
        if frac:
            text += "." + ("%06d" % frac).rstrip("0")
        return text


class IsoTime:
    """A time column's value (start/end in ms, hour in s): printed as ISO
    8601 UTC ("2024-03-01T23:05:00Z", ".250" before the Z when it has
    milliseconds), or as the number with --epoch."""

    EPOCH = [False]

    def __init__(self, v, unit_ms):
        self.v, self.unit_ms = v, unit_ms

    def __str__(self):
        if IsoTime.EPOCH[0]:
            return str(self.v)
        ms = self.v * self.unit_ms
        import datetime
        t = datetime.datetime.fromtimestamp(ms // 1000, datetime.timezone.utc)
        text = t.strftime("%Y-%m-%dT%H:%M:%S")
        if ms % 1000:
            text += ".%03d" % (ms % 1000)
        return text + "Z"


def cell_text(cell):
    if isinstance(cell, (list, tuple)):
        return render_list(cell)
    return str(cell)


# ----------------------------------------------------------------------------
# dns-names (Mothra / Spark)

NAMES_HEADER = ["dnsName", "dnsRRType", "flows", "#sIP", "#dIP", "bytes",
                "packets"]
NAMES_JSON_KEYS = ["dnsName", "dnsRRType", "flows", "sIP", "dIP", "bytes",
                   "packets"]


def where_keep(where, view, total):
    """A filter over one flow's records for the presets' --where: a
    function of (flow, index of the record) -> bool; None without where."""
    if not where:
        return None
    node = QueryParser(where, where_names).parse()

    def keep(f, i):
        rec = query_records(f, view, total)[i]
        v = truth(evaluate(node, record_env(rec)))
        if isinstance(v, _Err):
            raise QueryError("integer overflow in %s" % v.text)
        return v == 1
    return keep


def dns_names(flows, total_bytes=False, min_bpp=70.0, max_names=2,
              where=None):
    groups = {}
    keep = where_keep(where, "flows", total_bytes)
    for f in flows:
        if f.app != 53 or not f.names:
            continue
        if keep is not None and not keep(f, 0):
            continue
        key = (tuple(f.names), tuple(f.rrtypes))
        g = groups.get(key)
        if g is None:
            g = groups[key] = [0, set(), set(), 0, 0]
        g[0] += 1
        g[1].add(f.sip)
        g[2].add(f.dip)
        if total_bytes:
            g[3] += f.bytes + f.rbytes
            g[4] += f.packets + f.rpackets
        else:
            g[3] += f.bytes
            g[4] += f.packets
    rows = []
    for (names, types), (n, sips, dips, nbytes, packets) in groups.items():
        ratio = bpp(nbytes, packets)
        if ratio is None or not ratio > min_bpp:
            continue
        if len(names) > max_names:
            continue
        rows.append([list(names), list(types), n, len(sips), len(dips),
                     nbytes, packets])
    return order_rows(rows, NAMES_HEADER.index("bytes"))


# ----------------------------------------------------------------------------
# dns-dest (SiLK)

_V4MAPPED = ipaddress.ip_network("::ffff:0:0/96")


def as_v6_int(text):
    """Address as an integer in the IPv6 space (IPv4 as ::ffff:a.b.c.d)."""
    a = ipaddress.ip_address(text)
    if a.version == 4:
        return int(_V4MAPPED.network_address) + int(a)
    return int(a)


def parse_cidr(text):
    """A CIDR block as (low, high) integers in the IPv6 space; IPv4 blocks
    are mapped into ::ffff:0:0/96. Host bits are ignored (masked)."""
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise argparse.ArgumentTypeError("not a CIDR block: %r" % text)
    low = int(net.network_address)
    high = int(net.broadcast_address)
    if net.version == 4:
        base = int(_V4MAPPED.network_address)
        low += base
        high += base
    return (low, high)


def silk_records(f, direction):
    """The SiLK records (sip, dip, bytes, packets) that rwipfix2silk makes
    from one flow (SiLK 3.19 skipfix.c ski_yafrec_next): a forward record
    when packets and bytes are both non-zero; then a reverse record
    (addresses swapped) when rpackets and rbytes are both non-zero; a flow
    with only reverse volume gives one swapped record; a flow with neither
    gives none. direction 'forward' keeps the forward record only."""
    fwd = f.packets > 0 and f.bytes > 0
    rev = f.rpackets > 0 and f.rbytes > 0
    if fwd:
        yield (f.sip, f.dip, f.bytes, f.packets)
    if rev and direction == "both":
        yield (f.dip, f.sip, f.rbytes, f.rpackets)


def apply_ipv6_policy(sip, dip, policy):
    """'mix': addresses as printed. 'asv4' (rwuniq --ipv6-policy=asv4):
    an IPv6 record whose two addresses are both in ::ffff:0:0/96 becomes an
    IPv4 record; every other IPv6 record is dropped (None)."""
    if policy == "mix" or ":" not in sip:
        return sip, dip
    s = ipaddress.IPv6Address(sip).ipv4_mapped
    d = ipaddress.IPv6Address(dip).ipv4_mapped
    if s is None or d is None:
        return None
    return str(s), str(d)


def dns_dest(flows, cidrs=(parse_cidr("192.168.0.0/16"),), min_bpp=70.0,
             min_bytes=500, direction="both", fields=("dip", "proto"), ipv6_policy="mix",
             where=None):
    """cidrs: None (no filter) or (low, high) pairs from parse_cidr().
    min_bpp: None (no filter) or the inclusive lower bound."""
    groups = {}
    keep = where_keep(where, "silk" if direction == "both" else "silk-forward",
                      False)
    for f in flows:
        if f.app != 53:
            continue
        for i, (sip, dip, nbytes, packets) in enumerate(silk_records(f, direction)):
            if keep is not None and not keep(f, i):
                continue
            addrs = apply_ipv6_policy(sip, dip, ipv6_policy)
            if addrs is None:
                continue
            sip, dip = addrs
            if cidrs is not None:
                s = as_v6_int(sip)
                if not any(lo <= s <= hi for lo, hi in cidrs):
                    continue
            if min_bpp is not None:
                ratio = bpp(nbytes, packets)
                if ratio is None or not ratio >= min_bpp:
                    continue
            key = (dip, f.proto) if "proto" in fields else (dip,)
            g = groups.get(key)
            if g is None:
                g = groups[key] = [0, 0, 0]
            g[0] += nbytes
            g[1] += 1
            g[2] += packets
    rows = []
    for key, (nbytes, n, packets) in groups.items():
        if nbytes < min_bytes:
            continue
        rows.append(list(key) + [nbytes, n, packets])
    header = dest_header(fields)
    return order_rows(rows, header.index("bytes"))


def dest_header(fields):
    head = ["dIP"]
    if "proto" in fields:
        head.append("protocol")
    return head + ["bytes", "flows", "packets"]


# ----------------------------------------------------------------------------
# query: the general job (docs/query.md), evaluated by brute force
#
# An independent implementation of the expression language: its own tokenizer,
# parser and evaluator over Python's unbounded integers. Every result of
# + - * % and unary - must lie in signed 64-bit, else the job fails with
# "integer overflow"; comparisons are exact (Python compares int and float
# exactly); "/" is a float division (None when dividing by 0); logic is SQL's
# three-valued logic where an overflow counts as a fourth value that a false
# conjunct (true disjunct) overrides.

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1
LIT_MAX = (1 << 127) - 1   # integer literals: -LIT_MAX .. LIT_MAX
# The largest value of each numeric field (the smallest is 0); others 2^64 - 1.
# dns.qr and dns.section as count_qr() / count_section().
FIELD_MAX = {"sport": 65535, "dport": 65535, "app": 65535, "proto": 255,
             "ndns": (1 << 32) - 1, "dns.type": 65535, "dns.qr": 1,
             "dns.rcode": 255, "dns.section": 3, "dns.ttl": (1 << 32) - 1}


def field_range(field):
    return (0, FIELD_MAX.get(field, (1 << 64) - 1))


class QueryError(Exception):
    """A query the reference refuses (syntax, types) or that overflows."""


class _Err:
    """The overflow value: carries the sub-expression's text."""

    def __init__(self, text):
        self.text = text


TIME_FIELDS = {"start": 1, "end": 1, "hour": 1000}
ADDR_FIELDS = ("sip", "dip")
NUM_FIELDS = ("start", "end", "hour", "sport", "dport", "proto", "app",
              "bytes", "packets", "rbytes", "rpackets", "ndns")
# --records dns: the fields of one resource record
RR_NUM_FIELDS = ("dns.type", "dns.qr", "dns.rcode", "dns.section", "dns.ttl")
RR_STR_FIELDS = ("dns.name", "dns.domain")
DNS_FUNCS = ("count_type", "count_section", "count_rcode", "count_qr",
             "count_name", "count_suffix")

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<str>'(?:[^']|'')*')
  | (?P<addr>(?:[0-9A-Fa-f]*:[0-9A-Fa-f:.]*)(?:/\d+)?
             |\d+\.\d+\.\d+\.\d+(?:/\d+)?)
  | (?P<num>\d+(?:\.\d+(?!\.))?(?:[eE][-+]?\d+)?)
  | (?P<name>[A-Za-z_#][A-Za-z0-9_.#]*)
  | (?P<op>\.\.|==|!=|<>|<=|>=|[-+*/%()<>=,@])
""", re.X)


def _tokenize(text):
    out = []
    i = 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        if not m:
            raise QueryError("bad character at offset %d" % i)
        kind = m.lastgroup
        if kind != "ws":
            out.append((kind, m.group(), i, m.end()))
        i = m.end()
    out.append(("end", "", len(text), len(text)))
    return out


def iso_ms(text):
    """An ISO 8601 UTC text as Unix ms, or None (datetime does the calendar)."""
    import datetime
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d)(?::(\d\d)(?::(\d\d)"
                     r"(?:\.(\d{1,3}))?)?)?(?:Z|\+00:00)?)?", text)
    if not m:
        return None
    y, mo, d, h, mi, sec, frac = m.groups()
    try:
        t = datetime.datetime(int(y), int(mo), int(d), int(h or 0),
                              int(mi or 0), int(sec or 0),
                              tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
    ms = int(t.timestamp()) * 1000
    if frac:
        ms += int(frac.ljust(3, "0"))
    return ms


class Node:
    __slots__ = ("op", "kids", "val", "kind", "time", "text", "neg", "unit",
                 "rng", "exact", "ratio")

    def __init__(self, op, kids=(), val=None, kind="int", time=0, text="",
                 neg=False, unit=None, rng=None, exact=None, ratio=False):
        self.op, self.kids, self.val = op, list(kids), val
        # rng: a slot's (lo, hi) (hi None: no bound); exact: a real literal's
        # value as a Fraction; ratio: an avg column (or its negation), a real
        # whose value is the exact Fraction sum / count
        self.rng, self.exact, self.ratio = rng, exact, ratio
        self.kind, self.time, self.text, self.neg = kind, time, text, neg
        # ms per unit of a time or of a sum/difference of times (0: a number)
        self.unit = time if unit is None else unit


def _same_unit(a, b):
    """Times in different units (ms, s) are never added or compared."""
    if a.unit and b.unit and a.unit != b.unit:
        raise QueryError("%s and %s are times in different units"
                         % (a.text, b.text))


class QueryParser:
    """Parses --where (names are fields) or --having (names are columns)."""

    def __init__(self, text, names):
        self.text = text
        self.toks = _tokenize(text)
        self.i = 0
        self.names = names  # callable: (name, func, strarg) -> Node

    def peek(self, k=0):
        return self.toks[self.i + k]

    def take(self):
        t = self.toks[self.i]
        self.i += 1
        return t

    def kw(self, word):
        t = self.peek()
        if t[0] == "name" and t[1].lower() == word:
            self.i += 1
            return True
        return False

    def op(self, sym):
        if self.peek()[0] == "op" and self.peek()[1] == sym:
            self.i += 1
            return True
        return False

    def span(self, a, b):
        return self.text[a:b].strip()

    def parse(self):
        n = self.parse_or()
        if self.peek()[0] != "end":
            raise QueryError("unexpected text at offset %d" % self.peek()[2])
        self.cond(n)
        self.check_reals(n)
        return n

    def check_reals(self, n):
        """A real literal left a float (arithmetic, compared with a real):
        refused when the float is not its value and it is 2^53 or more."""
        from fractions import Fraction
        if n.op == "const" and n.exact is not None and n.kind == "real":
            if abs(n.exact) >= (1 << 53) and Fraction(n.val) != n.exact:
                raise QueryError("the real number %s would be rounded" % n.text)
        for k in n.kids:
            self.check_reals(k)
        if n.op == "either":
            for k in n.val:
                self.check_reals(k)

    def cond(self, n):
        if n.kind not in ("int", "real"):
            raise QueryError("%s is not a condition" % n.text)

    def parse_or(self):
        n = self.parse_and()
        while self.kw("or"):
            r = self.parse_and()
            self.cond(n)
            self.cond(r)
            n = Node("or", (n, r), text=n.text + " or " + r.text)
        return n

    def parse_and(self):
        n = self.parse_not()
        while self.kw("and"):
            r = self.parse_not()
            self.cond(n)
            self.cond(r)
            n = Node("and", (n, r), text=n.text + " and " + r.text)
        return n

    def parse_not(self):
        if self.kw("not"):
            n = self.parse_not()
            self.cond(n)
            return Node("not", (n,), text="not " + n.text)
        return self.parse_cmp()

    def parse_cmp(self):
        start = self.peek()[2]
        left = self.parse_sum()
        save = self.i
        neg = False
        if self.kw("not"):
            if self.peek()[0] == "name" and self.peek()[1].lower() == "in":
                neg = True
            else:
                self.i = save
        if self.kw("in"):
            return self.either(self.parse_in(left, neg))
        for sym in ("==", "!=", "<>", "<=", ">=", "=", "<", ">"):
            if self.op(sym):
                right = self.parse_sum()
                text = self.span(start, self.toks[self.i - 1][3])
                return self.either(self.typed_cmp(sym, left, right, text))
        if left.op == "either":
            raise QueryError("either-side field outside a comparison")
        return left

    def typed_cmp(self, sym, l, r, text):
        sym = {"==": "=", "<>": "!="}.get(sym, sym)
        for a, b in ((l, r), (r, l)):
            if a.op == "const" and a.kind == "str" and b.kind == "int" \
                    and b.time:
                ms = iso_ms(a.val)
                if ms is None or ms % b.time:
                    raise QueryError("not an ISO 8601 time: %r" % a.val)
                a.val, a.kind, a.time = ms // b.time, "int", b.time
                a.unit = b.unit
            if a.op == "const" and a.kind == "str" and b.op == "slot" \
                    and b.kind == "str":
                a.val = _name(a.val)   # compared with a DNS name: a name
        for a in (l, r):  # the flows view: many names, tested with in (flowsweep)
            if a.op == "slot" and a.val[0] == "names":
                raise QueryError("%s stands for many names: test it with in"
                                 % a.text)
        num = ("int", "real")
        _same_unit(l, r)
        if not ((l.kind in num and r.kind in num) or l.kind == r.kind):
            raise QueryError("cannot compare %s (%s) with %s (%s)"
                             % (l.text, l.kind, r.text, r.kind))
        # a real literal against an integer: its exact value (a Fraction)
        for k, o in ((l, r), (r, l)):
            if k.op == "const" and k.exact is not None and k.kind == "real" \
                    and o.kind == "int":
                x = k.exact
                if abs(x) >= LIT_MAX:
                    raise QueryError("%s is beyond the integers" % k.text)
                if x.denominator != 1 and sym in ("=", "!="):
                    raise QueryError("%s has a fraction: %s is %s true" % (
                        k.text, text, "never" if sym == "=" else "always"))
                k.val = int(x) if x.denominator == 1 else x
                k.kind = "int"
        # a real literal against an avg alone (m, -m): its exact value, so
        # the comparison of the two exact fractions (docs/query.md)
        for k, o in ((l, r), (r, l)):
            if k.op == "const" and k.exact is not None and k.kind == "real" \
                    and o.ratio:
                k.val = k.exact
        # a field of known range against a literal outside it, or a test
        # no value of the field passes
        mirror = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=",
                  "!=": "!="}
        for f, k, o in ((l, r, sym), (r, l, mirror[sym])):
            if f.op in ("slot", "either") and f.rng is not None \
                    and k.op == "const" and k.kind == "int":
                lo, hi = f.rng
                c = k.val
                outside = c < lo or (hi is not None and c > hi)
                never = {"=": outside, "!=": False, "<": c <= lo,
                         "<=": c < lo,
                         ">": hi is not None and c >= hi,
                         ">=": hi is not None and c > hi}[o]
                if outside or never:
                    raise QueryError("%s is %s true: %s is %s" % (
                        text, "never" if never else "always", f.text,
                        "never negative" if hi is None
                        else "%d to %d" % (lo, hi)))
        return Node("cmp", (l, r), val=sym, text=text)

    def parse_in(self, left, neg):
        if left.kind not in ("int", "addr", "str"):
            raise QueryError("in needs an integer, address or string")
        items = []
        paren = self.op("(")
        while True:
            t = self.take()
            if t[0] == "op" and t[1] == "@":
                m = re.match(r"[^\s,)]+", self.text[t[3]:])
                path = m.group()
                end = t[3] + len(path)
                while self.peek()[2] < end:
                    self.i += 1
                items.extend(read_watchlist(path, left))
            elif left.kind == "addr":
                if t[0] not in ("addr",):
                    raise QueryError("expected a CIDR, got %r" % t[1])
                lo, hi = parse_cidr(t[1])
                items.append((lo, hi))
            elif left.kind == "int":
                sign = 1
                if t[0] == "op" and t[1] == "-":
                    sign, t = -1, self.take()
                if t[0] != "num" or not t[1].isdigit():
                    raise QueryError("expected an integer, got %r" % t[1])
                lo = hi = sign * int(t[1])
                if self.op(".."):
                    t = self.take()
                    sign = 1
                    if t[0] == "op" and t[1] == "-":
                        sign, t = -1, self.take()
                    hi = sign * int(t[1])
                    if hi < lo:
                        raise QueryError("empty range")
                rng = left.rng if left.op == "slot" else (
                    left.val[0].rng if left.op == "either" else None)
                if rng is not None and (lo < rng[0] or (
                        rng[1] is not None and hi > rng[1])):
                    raise QueryError("%s: %d..%d can never match"
                                     % (left.text, lo, hi))
                items.append((lo, hi))
            else:
                if t[0] != "str":
                    raise QueryError("expected a string")
                items.append(_domain(t[1][1:-1].replace("''", "'"), left))
            if not (paren and self.op(",")):
                break
        if paren and not self.op(")"):
            raise QueryError("expected )")
        return Node("in", (left,), val=items, neg=neg,
                    text=left.text + " in (...)")

    def either(self, n):
        """A comparison naming addr/port: true when true of either side."""
        def has(m):
            return m.op == "either" or any(has(k) for k in m.kids)

        def side(m, i):
            if m.op == "either":
                return m.val[i]
            c = Node(m.op, [side(k, i) for k in m.kids], m.val, m.kind,
                     m.time, m.text, m.neg, m.unit, m.rng, m.exact, m.ratio)
            return c
        if not has(n):
            return n
        if (n.op == "cmp" and n.val == "!=") or (n.op == "in" and n.neg):
            raise QueryError("ambiguous with an either-side field")
        return Node("or", (side(n, 0), side(n, 1)), text=n.text)

    def parse_sum(self):
        n = self.parse_prod()
        while True:
            t = self.peek()
            if t[0] == "op" and t[1] in "+-" and len(t[1]) == 1:
                self.i += 1
                r = self.parse_prod()
                n = self.arith(t[1], n, r)
            else:
                return n

    def parse_prod(self):
        n = self.parse_unary()
        while True:
            t = self.peek()
            if t[0] == "op" and t[1] in ("*", "/", "%"):
                self.i += 1
                r = self.parse_unary()
                n = self.arith(t[1], n, r)
            else:
                return n

    def arith(self, sym, l, r):
        if l.kind not in ("int", "real") or r.kind not in ("int", "real"):
            raise QueryError("cannot do arithmetic on %s and %s"
                             % (l.kind, r.kind))
        kind = "real" if sym == "/" or "real" in (l.kind, r.kind) else "int"
        time = 0
        if sym == "+" and bool(l.time) != bool(r.time):
            time = l.time or r.time
        if sym == "-" and l.time and not r.time:
            time = l.time
        unit = 0
        if sym in "+-":
            _same_unit(l, r)
            unit = l.unit or r.unit
        return Node("arith", (l, r), val=sym, kind=kind, time=time,
                    text="%s %s %s" % (l.text, sym, r.text), unit=unit)

    def parse_unary(self):
        t = self.peek()
        if t[0] == "op" and t[1] == "-":
            self.i += 1
            nxt = self.peek()
            if nxt[0] == "num" and nxt[1].isdigit():
                self.i += 1
                v = -int(nxt[1])
                if v < -LIT_MAX:
                    raise QueryError("integer literal beyond 128-bit")
                return Node("const", val=v, text="-" + nxt[1])
            n = self.parse_unary()
            if n.kind not in ("int", "real"):
                raise QueryError("cannot negate %s" % n.text)
            if n.op == "const" and n.exact is not None:  # -2.5: a literal
                return Node("const", val=-n.val, kind="real", text="-" + n.text,
                            exact=-n.exact)
            return Node("neg", (n,), kind=n.kind, text="-" + n.text,
                        unit=n.unit, ratio=n.ratio)
        return self.parse_primary()

    def parse_primary(self):
        t = self.take()
        kind, tok = t[0], t[1]
        if kind == "op" and tok == "(":
            start = t[2]
            n = self.parse_or()
            if not self.op(")"):
                raise QueryError("expected )")
            n.text = self.span(start, self.toks[self.i - 1][3])
            return n
        if kind == "num":
            if re.fullmatch(r"\d+", tok):
                v = int(tok)
                if v > LIT_MAX:
                    raise QueryError("integer literal beyond 128-bit")
                return Node("const", val=v, text=tok)
            v = float(tok)
            mant = re.split("[eE]", tok)[0]
            if v in (float("inf"), float("-inf")) or (
                    v == 0 and mant.strip("0.") != ""):
                raise QueryError("bad number %s" % tok)
            from fractions import Fraction
            return Node("const", val=v, kind="real", text=tok,
                        exact=Fraction(tok))
        if kind == "addr":
            if "/" in tok:
                raise QueryError("a CIDR block outside in")
            return Node("const", val=as_v6_int(tok), kind="addr", text=tok)
        if kind == "str":
            return Node("const", val=tok[1:-1].replace("''", "'"), kind="str",
                        text=tok)
        if kind == "name":
            if self.op("("):
                a = self.take()
                if not self.op(")"):
                    raise QueryError("expected ) after the argument")
                if a[0] == "str":
                    return self.names(None, tok, a[1][1:-1].replace("''", "'"))
                return self.names(a[1], tok, None)
            return self.names(tok, None, None)
        raise QueryError("unexpected %r" % tok)


def _name(text):
    """A DNS name literal: a missing trailing dot added ('' stays '')."""
    return text if text == "" or text.endswith(".") else text + "."


def _domain(text, left):
    """A list string: a name with its dot, for dns.suffix a domain too."""
    if left.val != ("names", "suffix") and not (
            isinstance(left.val, tuple) and left.val[0] == "rrstr"
            and left.val[2]):
        return _name(text)
    return domain_entry(text)


def domain_entry(text):
    """A domain list's entry as matched ("*.x", ".x", "x", "x." alike), or
    QueryError for one that can never match a name: empty, a space or byte
    outside ASCII, a '*' elsewhere, an empty label, a label over 63 bytes,
    over 253 bytes, or an IPv4/IPv6 address."""
    import ipaddress
    if text.startswith("*."):
        text = text[2:]
    elif text.startswith("."):
        text = text[1:]
    if text.endswith("."):
        text = text[:-1]
    if not text:
        raise QueryError("empty domain")
    if len(text) > 253:
        raise QueryError("domain longer than 253 bytes")
    if any(ord(c) <= 0x20 or ord(c) >= 0x7f or c == "*" for c in text):
        raise QueryError("bad byte in domain %r" % text)
    if any(not lab or len(lab) > 63 for lab in text.split(".")):
        raise QueryError("empty or long label in domain %r" % text)
    try:
        ipaddress.ip_address(text)
        raise QueryError("an address in a domain list: %r" % text)
    except ValueError:
        pass
    return text.lower() + "."


def read_watchlist(path, left):
    """Items of a watchlist file: one a line, '#' comments, blank lines."""
    out = []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            if left.kind == "addr":
                try:
                    out.append(parse_cidr(line))
                except argparse.ArgumentTypeError:
                    raise QueryError("%s:%d: bad address" % (path, lineno))
            else:
                out.append(_domain(line, left))
    if not out:  # it would match nothing: refused, as flowsweep refuses it
        raise QueryError("%s: no entries" % path)
    return out


def _c_mod(a, b):
    r = abs(a) % abs(b)
    return -r if a < 0 else r


def evaluate(n, env):
    """env(node) gives a slot's value. Returns a value, None or _Err."""
    op = n.op
    if op == "const":
        return n.val
    if op == "slot":
        return env(n)
    if op == "neg":
        v = evaluate(n.kids[0], env)
        if v is None or isinstance(v, _Err):
            return v
        if isinstance(v, int):
            v = -v
            return v if INT64_MIN <= v <= INT64_MAX else _Err(n.text)
        return -v
    if op == "arith":
        a = evaluate(n.kids[0], env)
        b = evaluate(n.kids[1], env)
        for v in (a, b):
            if isinstance(v, _Err):
                return v
        if a is None or b is None:
            return None
        sym = n.val
        if sym == "/":
            return None if b == 0 else float(a) / float(b)
        if isinstance(a, int) and isinstance(b, int):
            if sym == "+":
                v = a + b
            elif sym == "-":
                v = a - b
            elif sym == "*":
                v = a * b
            else:
                if b == 0:
                    return None
                v = _c_mod(a, b)
            return v if INT64_MIN <= v <= INT64_MAX else _Err(n.text)
        a, b = float(a), float(b)
        if sym == "+":
            return a + b
        if sym == "-":
            return a - b
        if sym == "*":
            return a * b
        import math
        return None if b == 0 else math.fmod(a, b)
    if op == "cmp":
        a = evaluate(n.kids[0], env)
        b = evaluate(n.kids[1], env)
        for v in (a, b):
            if isinstance(v, _Err):
                return v
        if a is None or b is None:
            return None
        if isinstance(a, str):
            a, b = a.lower(), b.lower()
        return int({"=": a == b, "!=": a != b, "<": a < b, "<=": a <= b,
                    ">": a > b, ">=": a >= b}[n.val])
    if op == "in":
        v = evaluate(n.kids[0], env)
        if v is None or isinstance(v, _Err):
            return v
        left = n.kids[0]
        if left.op == "slot" and left.val[0] == "rrstr" and left.val[2]:
            v = ("suffix", [v])    # --records dns: dns.suffix of one name
        if isinstance(v, tuple):   # the flow's names
            want = set(x.lower() for x in n.val)
            hit = False
            for name in v[1]:
                name = name.lower()
                if v[0] == "suffix":
                    name = name if name.endswith(".") else name + "."
                    labels = name[:-1].split(".")
                    cands = [".".join(labels[i:]) + "." for i in
                             range(len(labels))]
                else:
                    cands = [name]
                if any(c in want for c in cands):
                    hit = True
        elif isinstance(v, str):
            hit = v.lower() in [x.lower() for x in n.val]
        else:
            hit = any(lo <= v <= hi for lo, hi in n.val)
        return int(hit != n.neg)
    if op in ("and", "or"):
        stop = 0 if op == "and" else 1
        vals = []
        for k in n.kids:
            t = truth(evaluate(k, env))
            if t == stop:
                return stop
            vals.append(t)
        errs = [t for t in vals if isinstance(t, _Err)]
        if errs:
            return errs[0]
        return None if None in vals else 1 - stop
    if op == "not":
        t = truth(evaluate(n.kids[0], env))
        if t is None or isinstance(t, _Err):
            return t
        return 1 - t
    raise AssertionError(op)


def truth(v):
    if v is None or isinstance(v, _Err):
        return v
    return int(v != 0)


# ----------------------------------------------------------------------------
# registered domains (dns.domain), without libpsl: the Public Suffix List's
# own algorithm (publicsuffix.org/list/) over Debian's list file, and the
# reverse zones as docs/dns-hunt.md defines them.

PSL_FILE = "/usr/share/publicsuffix/public_suffix_list.dat"
_PSL = None
_VIEW = ["flows"]        # the view of the query being parsed (where_names)


def _psl_rules():
    """The list as {rule: flags}: "=" a rule, "!" an exception, "*" the
    parent of a wildcard rule ("*.ck" makes "ck" an entry that matches
    one more label)."""
    global _PSL
    if _PSL is None:
        rules = {}
        with open(PSL_FILE, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("//"):
                    continue
                rule = line.split()[0]
                flag = "="
                if rule.startswith("!"):
                    rule, flag = rule[1:], "!"
                elif rule.startswith("*."):
                    rule, flag = rule[2:], "*"
                labels = []
                for lab in rule.split("."):
                    if not lab.isascii():
                        lab = lab.encode("idna").decode("ascii")
                    labels.append(lab.lower())
                rules.setdefault(".".join(labels), set()).add(flag)
        _PSL = rules
    return _PSL


def _is_public_suffix(d):
    """libpsl's test (psl_is_public_suffix, any type, with the implicit "*"
    rule): a leading dot is skipped; one label is a suffix; a listed name
    is one unless it is an exception; else a name one label below a
    wildcard rule's parent; an empty label after the first counts as such
    a match ("b." is a suffix, as libpsl answers)."""
    rules = _psl_rules()
    if d.startswith("."):
        d = d[1:]
    if "." not in d:
        return True
    flags = rules.get(d)
    if flags:
        return "!" not in flags
    rest = d[d.index(".") + 1:]
    if rest == "":
        return True
    return "*" in rules.get(rest, ())


def _registrable(s):
    """libpsl's psl_registrable_domain(): the walk from the left that stops
    at the first public suffix; None for a name starting with a dot or
    that is a suffix itself."""
    if s.startswith("."):
        return None
    reg = None
    while not _is_public_suffix(s):
        if "." not in s:
            break
        reg = s
        s = s[s.index(".") + 1:]
    return reg


_ESC = re.compile(r"(\\x[0-9A-Fa-f]{2})|([A-Z]+)")


def _lower_name(name):
    """ASCII lowercase of a name as flowdump prints it, \\xHH escapes kept
    (they stand for one byte each, which lowercasing leaves alone)."""
    return _ESC.sub(lambda m: m.group(1) or m.group(2).lower(), name)


def _octet(label):
    return (label.isdigit() and len(label) <= 3
            and (len(label) == 1 or label[0] != "0"))


def _nibble(label):
    return len(label) == 1 and label in "0123456789abcdef"


def registered_domain(name):
    """The dns.domain of a name: "" for an empty name; else lowercased, with
    its trailing dot: for X.in-addr.arpa up to three octet labels before the
    suffix, for X.ip6.arpa up to 16 nibbles; otherwise the public suffix and
    one label more (the whole name when it is itself a public suffix)."""
    s = _lower_name(name)
    if s.endswith("."):
        s = s[:-1]
    if not s:
        return ""
    labels = s.split(".")
    for suffix, most, ok in (("in-addr.arpa", 3, _octet),
                             ("ip6.arpa", 16, _nibble)):
        if s.endswith("." + suffix):
            keep = suffix.count(".") + 1
            while (keep - (suffix.count(".") + 1) < most
                   and keep < len(labels)
                   and ok(labels[len(labels) - keep - 1])):
                keep += 1
            return ".".join(labels[len(labels) - keep:]) + "."
    reg = _registrable(s)
    return (reg if reg is not None else s) + "."


def query_records(f, view, total):
    """The records of one flow as dicts of field values."""
    base = {"start": f.start, "end": f.end, "hour": f.start // 3600000 * 3600,
            "proto": f.proto, "app": f.app, "rbytes": f.rbytes,
            "rpackets": f.rpackets, "ndns": len(f.rrs), "flow": f,
            "dns.names": tuple(f.names), "dns.types": tuple(f.rrtypes)}
    if view in ("flows", "dns"):
        r = dict(base, sip=f.sip, dip=f.dip, sport=f.sport, dport=f.dport,
                 bytes=f.bytes + (f.rbytes if total else 0),
                 packets=f.packets + (f.rpackets if total else 0))
        if view == "flows":
            return [r]
        # one record per resource record: (section, qr, rrtype, rcode, ttl, name)
        return [dict(r, **{"dns.section": rr[0], "dns.qr": rr[1],
                           "dns.type": rr[2], "dns.rcode": rr[3],
                           "dns.ttl": rr[4], "dns.name": rr[5],
                           "dns.domain": registered_domain(rr[5])})
                for rr in f.rrs]
    out = []
    if f.packets > 0 and f.bytes > 0:
        out.append(dict(base, sip=f.sip, dip=f.dip, sport=f.sport,
                        dport=f.dport, bytes=f.bytes, packets=f.packets))
    if view == "silk" and f.rpackets > 0 and f.rbytes > 0:
        out.append(dict(base, sip=f.dip, dip=f.sip, sport=f.dport,
                        dport=f.sport, bytes=f.rbytes, packets=f.rpackets))
    return out


def _dns_count(f, func, arg):
    idx = {"count_type": 2, "count_section": 0, "count_rcode": 3,
           "count_qr": 1}
    if func in idx:
        return sum(1 for rr in f.rrs if rr[idx[func]] == arg)
    arg = arg.lower()
    if func == "count_name":
        return sum(1 for rr in f.rrs if rr[5].lower() == arg)
    return sum(1 for rr in f.rrs if rr[5].lower().endswith(arg))


def where_names(name, func, strarg):
    if func is not None:
        low = func.lower()
        if low in DNS_FUNCS:
            if low in ("count_name", "count_suffix"):
                if strarg is None:
                    raise QueryError("%s takes a string" % func)
                arg = _name(strarg)
            else:
                if name is None or not name.isdigit():
                    raise QueryError("%s takes a number" % func)
                arg = int(name)
                most = {"count_type": 65535, "count_section": 3,
                        "count_qr": 1, "count_rcode": 255}[low]
                if arg > most:
                    raise QueryError("%s(%d) can never match" % (func, arg))
            return Node("slot", val=("dns", low, arg), text="%s(...)" % func,
                        rng=field_range("ndns"))
        if low == "size" and name in ("dns.names", "dns.types"):
            return Node("slot", val=("field", "ndns"), text="size(%s)" % name,
                        rng=field_range("ndns"))
        raise QueryError("unknown function %s" % func)
    low = name.lower()
    if _VIEW[0] == "dns" and low in ("dns.suffix", "dns.name", "dns.domain"):
        # one record, one name: compared as a string, case-insensitively
        field = "dns.domain" if low == "dns.domain" else "dns.name"
        return Node("slot", val=("rrstr", field, low == "dns.suffix"),
                    kind="str", text=name)
    if low in RR_NUM_FIELDS:
        if _VIEW[0] != "dns":
            raise QueryError("%s needs --records dns" % name)
        return Node("slot", val=("field", low), text=name,
                    rng=field_range(low))
    if low in ("dns.suffix", "dns.name"):
        return Node("slot", val=("names", low[4:]), kind="str", text=name)
    if low == "addr":
        return Node("either", val=(Node("slot", val=("field", "sip"),
                                        kind="addr", text="sip"),
                                   Node("slot", val=("field", "dip"),
                                        kind="addr", text="dip")),
                    kind="addr", text=name)
    if low == "port":
        return Node("either", val=(Node("slot", val=("field", "sport"),
                                        text="sport", rng=(0, 65535)),
                                   Node("slot", val=("field", "dport"),
                                        text="dport", rng=(0, 65535))),
                    text=name, rng=(0, 65535))
    if low in ADDR_FIELDS:
        return Node("slot", val=("field", low), kind="addr", text=name)
    if low in NUM_FIELDS:
        return Node("slot", val=("field", low), time=TIME_FIELDS.get(low, 0),
                    text=name, rng=field_range(low))
    raise QueryError("unknown field %s" % name)


def record_env(rec):
    def env(n):
        what = n.val
        if what[0] == "rrstr":
            return rec[what[1]]
        if what[0] == "dns":
            return _dns_count(rec["flow"], what[1], what[2])
        if what[0] == "names":
            return (what[1], rec["flow"].names)
        v = rec[what[1]]
        if what[1] in ADDR_FIELDS:
            return as_v6_int(v)
        return v
    return env


def _agg_specs(text):
    specs = []
    for part in [p.strip() for p in text.split(",")]:
        m = re.fullmatch(r"(?:([A-Za-z_#][A-Za-z0-9_.#]*)\s*=\s*)?"
                         r"([A-Za-z_]+)\(\s*([A-Za-z_.]*)\s*\)", part)
        if not m:
            raise QueryError("bad aggregate %r" % part)
        name, func, arg = m.groups()
        func = func.lower()
        if func == "count_distinct":
            func = "distinct"
        if func == "mean":
            func = "avg"
        if name is None:
            name = func + ("_" + arg if arg else "")
        specs.append((name, func, arg.lower()))
    return specs


_BIN_UNITS = {"s": 1000, "m": 60000, "h": 3600000, "d": 86400000}


def _key_specs(text):
    """(name, field, bin width in the field's unit or 0) per key."""
    specs = []
    text = re.sub(r"\(\s*([A-Za-z_.]+)\s*,\s*", r"(\1;", text)  # bin(f, w)
    for part in [p.strip() for p in text.split(",")]:
        m = re.fullmatch(r"(?:([A-Za-z_#][A-Za-z0-9_.#]*)\s*=\s*)?"
                         r"(?:[bB][iI][nN]\(([A-Za-z_.]+);(\d+)([smhd])\s*\)"
                         r"|([A-Za-z_.]+))", part)
        if not m:
            raise QueryError("bad key %r" % part)
        name, bfield, n, unit, field = m.groups()
        if bfield is None:
            specs.append((name or field, field.lower(), 0))
            continue
        bfield = bfield.lower()
        if bfield not in TIME_FIELDS:
            raise QueryError("bin() takes a time field")
        ms = int(n) * _BIN_UNITS[unit]
        per = 1 if TIME_FIELDS[bfield] == 1 else 1000
        if ms == 0 or ms % per:
            raise QueryError("bad bin width")
        specs.append((name or "%s_%s%s" % (bfield, n, unit), bfield, ms // per))
    return specs


def order_query(cols, rows, order):
    """Rows in --order: each key ascending or descending (numbers by value,
    an avg by its exact fraction, other cells by their text), ties by the
    other columns' text in column order, ascending."""
    keys = []
    for part in [p.strip() for p in order.split(",")]:
        words = part.split()
        if words[0] not in cols or len(words) > 2:
            raise QueryError("bad --order %r" % part)
        keys.append((cols.index(words[0]),
                     len(words) == 2 and words[1].lower() == "desc"))
    first = keys[0][0]

    def num(c):
        return c.q if isinstance(c, Avg) else c.v if isinstance(c, IsoTime) else c

    out = sorted(rows, key=lambda r: tuple(
        cell_text(c) for i, c in enumerate(r) if i != first))
    for col, desc in reversed(keys):
        def key(r, col=col):
            c = r[col]
            return num(c) if isinstance(c, (int, Avg, IsoTime)) else cell_text(c)
        out.sort(key=key, reverse=desc)
    return out


def run_query(flows, view="flows", total=False, where=None, group_by="",
              aggs="count=count()", having=None):
    """Rows (lists of cells) of the job, unordered; raises QueryError."""
    _VIEW[0] = view
    wnode = QueryParser(where, where_names).parse() if where else None
    keys = _key_specs(group_by)
    specs = _agg_specs(aggs)
    for _, k in [(a, b) for a, b, _ in keys] + [(a, b) for _, a, b in specs]:
        if (k in RR_NUM_FIELDS or k in RR_STR_FIELDS) and view != "dns":
            raise QueryError("%s needs --records dns" % k)
    groups = {}
    for f in flows:
        for rec in query_records(f, view, total):
            if wnode is not None:
                v = truth(evaluate(wnode, record_env(rec)))
                if isinstance(v, _Err):
                    raise QueryError("integer overflow in %s" % v.text)
                if v != 1:
                    continue
            key = tuple(rec[k] - rec[k] % w if w else rec[k] for _, k, w in keys)
            g = groups.get(key)
            if g is None:
                g = groups[key] = [None] * len(specs)
            for i, (_, func, arg) in enumerate(specs):
                x = rec[arg] if arg else None
                if func == "count":
                    g[i] = (g[i] or 0) + 1
                elif func == "sum":
                    g[i] = (g[i] or 0) + x
                elif func == "min":
                    g[i] = x if g[i] is None else min(g[i], x)
                elif func == "max":
                    g[i] = x if g[i] is None else max(g[i], x)
                elif func == "avg":
                    t, c = g[i] or (0, 0)
                    g[i] = (t + x, c + 1)
                elif func == "distinct":
                    if g[i] is None:
                        g[i] = set()
                    # an address and its v4-mapped IPv6 form count apart, as
                    # flowsweep's distinct() does (docs/usage.md); spellings of
                    # one IPv6 address count once
                    g[i].add(ipaddress.ip_address(x) if arg in ADDR_FIELDS else x)
    cols = [n for n, _, _ in keys] + [n for n, _, _ in specs]
    kinds = {}
    units = {}   # time columns (as flowsweep types them): ms per unit
    for (n, k, _) in keys:
        kinds[n] = "addr" if k in ADDR_FIELDS else "int"
        units[n] = TIME_FIELDS.get(k, 0)
    for (n, func, arg) in specs:
        if func in ("min", "max"):
            units[n] = TIME_FIELDS.get(arg, 0)
        if func == "avg":
            kinds[n] = "real"
    ranges = {}  # the values a column can hold
    for (n, k, _) in keys:
        if k not in ADDR_FIELDS:
            ranges[n] = field_range(k)
    for (n, func, arg) in specs:
        if func in ("min", "max") and arg not in ADDR_FIELDS:
            ranges[n] = field_range(arg)
        elif func in ("count", "sum", "distinct"):
            ranges[n] = (0, None)
    hnode = None
    if having:
        def hnames(name, func, strarg):
            if name not in cols:
                raise QueryError("unknown column %s" % name)
            i = cols.index(name)
            if func is not None:
                if func.lower() != "size":
                    raise QueryError("unknown function")
                return Node("slot", val=("size", i), text=name,
                            rng=field_range("ndns"))
            return Node("slot", val=("col", i), kind=kinds.get(name, "int"),
                        time=units.get(name, 0), text=name,
                        rng=ranges.get(name),
                        ratio=specs[i - len(keys)][1] == "avg"
                        if i >= len(keys) else False)
        hnode = QueryParser(having, hnames).parse()
    rows = []
    for key, g in groups.items():
        vals = [len(v) if isinstance(v, set) else
                Avg(*v) if specs[i][1] == "avg" else v for i, v in enumerate(g)]
        row = list(key) + vals
        if hnode is not None:
            def env(n, row=row):
                kind, i = n.val
                if kind == "size":
                    return len(row[i])
                if n.kind == "addr":
                    return as_v6_int(row[i])
                if isinstance(row[i], Avg):    # exact: a Fraction
                    return row[i].q
                return row[i]
            v = truth(evaluate(hnode, env))
            if isinstance(v, _Err):
                raise QueryError("integer overflow in %s" % v.text)
            if v != 1:
                continue
        rows.append(row)
    # time columns: keys of time fields, min/max of them (IsoTime prints them)
    timecols = [i for i, (_, k, _) in enumerate(keys) if k in TIME_FIELDS]
    timecols += [len(keys) + i for i, (_, f, a) in enumerate(specs)
                 if f in ("min", "max") and a in TIME_FIELDS]
    for row in rows:
        for i in timecols:
            field = keys[i][1] if i < len(keys) else specs[i - len(keys)][2]
            row[i] = IsoTime(row[i], 1 if TIME_FIELDS[field] == 1 else 1000)
    return cols, rows


# ----------------------------------------------------------------------------
# output


_META = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r",
         "\x07": "\\a", "\x0b": "\\v"}
_WIDE = re.compile("[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF"
                   "\uFE10-\uFE19\uFE30-\uFE6F\uFF00-\uFF60\uFFE0-\uFFE6]")


def _half_width(s):
    # Java length() counts UTF-16 units; ASCII input makes this len(s).
    units = len(s.encode("utf-16-le")) // 2
    return units + len(_WIDE.findall(s))


def spark_show(header, rows, num_rows, truncate=0):
    """Dataset.show(num_rows, truncate) text including println's newline
    (docs/ipfix-dns-format.md section 5). rows: lists of cell text."""
    num_rows = max(0, min(num_rows, 2147483631))
    taken = rows[:num_rows + 1]
    has_more = len(taken) > num_rows
    data = taken[:num_rows]

    def cell(s):
        s = "".join(_META.get(ch, ch) for ch in s)
        if truncate > 0 and len(s) > truncate:
            s = s[:truncate] if truncate < 4 else s[:truncate - 3] + "..."
        return s

    table = [[cell(c) for c in header]] + [[cell(c) for c in r]
                                           for r in data]
    widths = [3] * len(header)
    for r in table:
        for i, c in enumerate(r):
            widths[i] = max(widths[i], _half_width(c))

    def pad(s, w):
        fill = " " * (w - _half_width(s))
        return s + fill if truncate == 0 else fill + s

    sep = "+" + "+".join("-" * w for w in widths) + "+\n"
    out = [sep]
    out.append("|" + "|".join(pad(c, w) for c, w in zip(table[0], widths))
               + "|\n")
    out.append(sep)
    for r in table[1:]:
        out.append("|" + "|".join(pad(c, w) for c, w in zip(r, widths))
                   + "|\n")
    out.append(sep)
    if has_more:
        out.append("only showing top %d %s\n"
                   % (num_rows, "row" if num_rows == 1 else "rows"))
    return "".join(out) + "\n"


def table_text(header, rows, limit):
    cells = [[cell_text(c) for c in r] for r in rows]
    # limit 0 = all rows: show(len) never has more rows, so no footer.
    return spark_show(header, cells, limit if limit > 0 else len(cells))


def _csv_field(s):
    if any(ch in s for ch in ',"\r\n'):
        return '"' + s.replace('"', '""') + '"'
    return s


def csv_cell(cell):
    """A CSV cell (docs/usage.md): a list is its JSON array text; text that a
    spreadsheet would run as a formula (OWASP: = + - @) gets a "'" in front."""
    if isinstance(cell, (list, tuple)):
        return json.dumps(list(cell), separators=(",", ":"), ensure_ascii=True)
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@"):
        return "'" + cell
    return str(cell)


def csv_text(header, rows, limit, eol):
    if limit > 0:
        rows = rows[:limit]
    lines = [",".join(_csv_field(h) for h in header)]
    for r in rows:
        lines.append(",".join(_csv_field(csv_cell(c)) for c in r))
    return "".join(line + eol for line in lines)


def json_text(keys, rows, limit):
    if limit > 0:
        rows = rows[:limit]
    out = []
    for r in rows:
        obj = dict(zip(keys, r))
        out.append(json.dumps(obj, separators=(",", ":"),
                              ensure_ascii=True) + "\n")
    return "".join(out)


def render(args, header, json_keys, rows):
    if args.limit is None:  # the table keeps Spark's 20 rows; CSV and JSON get every row
        args.limit = 20 if args.format == "table" else 0
    if args.format == "table":
        return table_text(header, rows, args.limit)
    if args.format == "csv":
        return csv_text(header, rows, args.limit,
                        "\r\n" if args.csv_eol == "crlf" else "\n")
    return json_text(json_keys, rows, args.limit)


# ----------------------------------------------------------------------------
# command line


def _nonneg_int(text):
    try:
        v = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError("not an integer: %r" % text)
    if v < 0:
        raise argparse.ArgumentTypeError("must be >= 0: %r" % text)
    return v


def _float_or_none(text):
    if text == "none":
        return None
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("not a number: %r" % text)
    if v != v:
        raise argparse.ArgumentTypeError("NaN is not allowed")
    return v


def _float(text):
    v = _float_or_none(text)
    if v is None:
        raise argparse.ArgumentTypeError("'none' is not allowed here")
    return v


def _cidr_or_none(text):
    if text == "none":
        return None
    return parse_cidr(text)


def build_parser():
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--format", choices=("table", "csv", "json"),
                        default="table",
                        help="table = Spark show(N, false) text "
                        "(default); csv = RFC 4180; json = JSON Lines")
    common.add_argument("--limit", type=_nonneg_int, default=None,
                        metavar="N",
                        help="rows to print (default: 20 for the table, all for "
                        "csv and json; 0 = all). table: "
                        "Spark show(N) incl. its 'only showing top N rows' "
                        "footer; csv/json: the first N rows")
    common.add_argument("--csv-eol", choices=("crlf", "lf"), default="crlf",
                        help="CSV line ending (default crlf, RFC 4180)")
    common.add_argument("files", nargs="*", metavar="FILE",
                        help="flowdump v1 files ('-' or none: stdin)")

    p = argparse.ArgumentParser(
        prog="reference.py",
        description="Independent reference for flowsweep's dns-names "
        "(Mothra) and dns-dest (SiLK) analytics, over flowdump v1 text. "
        "Semantics: tests/ref/README.md.")
    sub = p.add_subparsers(dest="cmd", metavar="{dns-names,dns-dest,query}")
    sub.required = True

    n = sub.add_parser(
        "dns-names", parents=[common],
        help="group DNS flows by (name list, RR-type list)",
        description="Mothra analytic: flows with app 53 and DNS records, "
        "grouped by (dnsName list, dnsRRType list) in wire order; "
        "flows, #sIP, #dIP, bytes, packets; keep bytes/packets > MIN_BPP "
        "and at most MAX_NAMES names; order by bytes desc, then the other "
        "columns' cell text asc.")
    n.add_argument("--bytes", choices=("forward", "total"),
                   default="forward",
                   help="forward: bytes/packets are the forward counts "
                   "(default); total: forward + reverse")
    n.add_argument("--min-bpp", type=_float, default=70.0,
                   help="keep groups with bytes/packets strictly greater "
                   "(default 70; packets 0 is dropped)")
    n.add_argument("--max-names", type=_nonneg_int, default=2,
                   help="keep groups with at most this many names "
                   "(default 2, i.e. size < 3)")

    n.add_argument("--where", help="a query --where ANDed into the preset")

    d = sub.add_parser(
        "dns-dest", parents=[common],
        help="SiLK form: DNS bytes by destination address and protocol",
        description="SiLK analytic: biflows split into SiLK records, keep "
        "app 53, source inside a --src-cidr, bytes/packets >= MIN_BPP; "
        "group by (dIP, protocol); keep bytes >= MIN_BYTES; order by "
        "bytes desc, then the other columns' cell text asc.")
    d.add_argument("--src-cidr", action="append", type=_cidr_or_none,
                   metavar="CIDR",
                   help="source address filter, repeatable, IPv4 or IPv6 "
                   "(default 192.168.0.0/16); 'none' disables the filter")
    d.add_argument("--min-bpp", type=_float_or_none, default=70.0,
                   help="keep records with bytes/packets >= this "
                   "(default 70; packets 0 is dropped); 'none' disables")
    d.add_argument("--min-bytes", type=_nonneg_int, default=500,
                   help="keep groups with bytes >= this (default 500)")
    d.add_argument("--direction", choices=("both", "forward"),
                   default="both",
                   help="both: forward and reverse SiLK records (default); "
                   "forward: the forward record of each flow only")
    d.add_argument("--fields", choices=("dip,proto", "dip"),
                   default="dip,proto", metavar="{dip,proto|dip}",
                   help="group key (default dip,proto); 'dip' drops the "
                   "protocol column (used for the SiLK comparison)")
    d.add_argument("--ipv6-policy", choices=("mix", "asv4"), default="mix",
                   help="mix: addresses as printed in flowdump (default); "
                   "asv4: like SiLK --ipv6-policy=asv4, IPv6 records with "
                   "v4-mapped addresses become IPv4, other IPv6 records "
                   "are dropped")
    d.add_argument("--where", help="a query --where ANDed into the preset")

    q = sub.add_parser(
        "query", parents=[common],
        help="the general job (docs/query.md), rows in CSV, sorted by text",
        description="Brute-force evaluation of a flowsweep query job. "
        "Prints CSV rows sorted by their text (compare with flowsweep's "
        "--format csv --limit 0 output sorted the same way). A query that "
        "overflows signed 64-bit or is refused exits 1 with the reason.")
    q.add_argument("--records",
                   choices=("flows", "silk", "silk-forward", "dns"),
                   default="flows")
    q.add_argument("--bytes", choices=("forward", "total"), default="forward")
    q.add_argument("--where")
    q.add_argument("--group-by", required=True)
    q.add_argument("--agg", default="count=count()")
    q.add_argument("--having")
    q.add_argument("--epoch", action="store_true",
                   help="time columns as numbers, not ISO 8601")
    q.add_argument("--order", help="print rows in this order (default: "
                   "sorted by their CSV text)")
    return p


def main(argv=None, out=None):
    """Run the command line; write the result to `out` (a binary stream,
    default stdout) as ASCII bytes, byte for byte. Returns the exit code."""
    out = out if out is not None else sys.stdout.buffer
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        flows = read_inputs(args.files)
        if args.cmd == "query":
            IsoTime.EPOCH[0] = args.epoch
            try:
                cols, rows = run_query(
                    flows, view=args.records, total=(args.bytes == "total"),
                    where=args.where, group_by=args.group_by, aggs=args.agg,
                    having=args.having)
            except QueryError as e:
                print("reference.py: query: %s" % e, file=sys.stderr)
                return EXIT_INPUT
            if args.order:
                rows = order_query(cols, rows, args.order)
                if args.limit:
                    rows = rows[:args.limit]
                lines = [",".join(_csv_field(csv_cell(c)) for c in r)
                         for r in rows]
            else:
                lines = sorted(",".join(_csv_field(csv_cell(c)) for c in r)
                               for r in rows)
            text = ",".join(cols) + "\n" + "".join(x + "\n" for x in lines)
            out.write(text.encode("ascii"))
            out.flush()
            return 0
        if args.cmd == "dns-names":
            rows = dns_names(flows, total_bytes=(args.bytes == "total"),
                             min_bpp=args.min_bpp,
                             max_names=args.max_names, where=args.where)
            text = render(args, NAMES_HEADER, NAMES_JSON_KEYS, rows)
        else:
            if args.src_cidr is None:
                cidrs = [parse_cidr("192.168.0.0/16")]
            elif any(c is None for c in args.src_cidr):
                if len(args.src_cidr) > 1:
                    parser.error("--src-cidr none cannot be combined "
                                 "with other blocks")
                cidrs = None
            else:
                cidrs = args.src_cidr
            fields = tuple(args.fields.split(","))
            rows = dns_dest(flows, cidrs=cidrs, min_bpp=args.min_bpp,
                            min_bytes=args.min_bytes,
                            direction=args.direction, fields=fields,
                            ipv6_policy=args.ipv6_policy, where=args.where)
            header = dest_header(fields)
            text = render(args, header, header, rows)
    except InputError as e:
        print("reference.py: %s" % e, file=sys.stderr)
        return EXIT_INPUT
    except QueryError as e:
        print("reference.py: --where: %s" % e, file=sys.stderr)
        return EXIT_INPUT
    out.write(text.encode("ascii"))
    out.flush()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import memo  # noqa: E402 (replays an answer already computed in this test run)
    try:
        sys.exit(memo.run(os.path.abspath(__file__), sys.argv[1:],
                          lambda out: main(sys.argv[1:], out)))
    except BrokenPipeError:
        sys.exit(141)
