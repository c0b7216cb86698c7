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
import ipaddress
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
                 "rbytes", "rpackets", "names", "rrtypes")

    def __init__(self, sip, dip, proto, app, nbytes, packets, rbytes,
                 rpackets):
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


def dns_names(flows, total_bytes=False, min_bpp=70.0, max_names=2):
    groups = {}
    for f in flows:
        if f.app != 53 or not f.names:
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
             min_bytes=500, direction="both", fields=("dip", "proto"), ipv6_policy="mix"):
    """cidrs: None (no filter) or (low, high) pairs from parse_cidr().
    min_bpp: None (no filter) or the inclusive lower bound."""
    groups = {}
    for f in flows:
        if f.app != 53:
            continue
        for sip, dip, nbytes, packets in silk_records(f, direction):
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
    sub = p.add_subparsers(dest="cmd", metavar="{dns-names,dns-dest}")
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
    return p


def main(argv=None, out=None):
    """Run the command line; write the result to `out` (a binary stream,
    default stdout) as ASCII bytes, byte for byte. Returns the exit code."""
    out = out if out is not None else sys.stdout.buffer
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        flows = read_inputs(args.files)
        if args.cmd == "dns-names":
            rows = dns_names(flows, total_bytes=(args.bytes == "total"),
                             min_bpp=args.min_bpp,
                             max_names=args.max_names)
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
                            ipv6_policy=args.ipv6_policy)
            header = dest_header(fields)
            text = render(args, header, header, rows)
    except InputError as e:
        print("reference.py: %s" % e, file=sys.stderr)
        return EXIT_INPUT
    out.write(text.encode("ascii"))
    out.flush()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        sys.exit(141)
