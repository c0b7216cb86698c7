#!/usr/bin/env python3
"""ipfixdump2flowdump.py - turn `ipfixDump --yaf --data --in FILE` text into flowdump v1.

An independent reference for flowsweep's IPFIX reader: it reads only the text
that Debian's ipfixDump (libfixbuf-tools 2.4.1) prints and shares no code with
flowsweep. docs/flowdump.md defines the output.

    ipfixDump --yaf --data --in FILE | ipfixdump2flowdump.py --path FILE
    ipfixdump2flowdump.py --counts --path FILE DUMP.txt

Rules (the same semantics docs/format.md gives for the reader, taken from the
YAF/IPFIX element definitions, not from flowsweep code):
  - a flow is a top-level data record that is not an options record (no
    "(S)" scope fields) and has an address (0/8 or 0/27) and a start time
    (0/152, 0/154 or 0/156);
  - start/end time: flowStart/EndMilliseconds, else Micro-, else Nanoseconds;
    bytes/packets: octet/packetTotalCount (0/85, 0/86), else the Delta counts
    (0/1, 0/2); reverse ones with PEN 29305; family 4 when 0/8 is present;
    dport: destinationTransportPort, else icmpTypeCodeIPv4 (0/32), else
    icmpTypeCodeIPv6 (0/139); app: silkAppLabel (6871/33); absent = 0;
  - DNS records: records with dnsQName (6871/179) and dnsQRType (6871/175)
    found, in print order, as entries of the flow's subTemplateMultiList
    (0/293), or inside an entry whose record is a single subTemplateList
    (0/292; YAF 2.x 0xCE00), or in a yafDPIList (6871/432) when ipfixDump
    can decode it (it cannot with Debian's XML: the element is unknown there).

What ipfixDump's text cannot give exactly (documented limits):
  - flowStart/EndMicroseconds and -Nanoseconds: ipfixDump 2.4.1 prints their
    fraction as .000000 (it divides the masked fraction by 2^32), so from them
    only whole seconds are known. This script then prints seconds * 1000;
    a reader keeping milliseconds differs. YAF always also exports
    flowStart/EndMilliseconds, which are exact, so real YAF files compare
    exactly; only files with NTP-only times do not.
  - strings are printed raw with printf("%.*s"), so a NUL byte truncates them;
    a DNS name holding a NUL cannot be reproduced (the script stops with an
    error); other strings are skipped by resynchronising on the next line.
  - ipfixDump decodes every nested list (no template pairs), so a DNS record
    in an unusual place (deeper nesting) is visible to it; such records are
    not counted here, matching the structural rule above.
"""
import argparse
import calendar
import ipaddress
import os
import re
import socket
import sys

FIELD = re.compile(
    rb"(\t*)(?:\((\d+)(?:/(\d+))?\)( \(S\))? *(\S+)|(\d+) *) : ")
LEN_PREFIX = re.compile(rb"\(len: (\d+)\) ")
RECORD = re.compile(rb"(\t*)--- data record (\d+) ---$")
STRUCT_LINE = re.compile(
    rb"\n|\t*(?:\(\d+(?:/\d+)?\)|--- |\+\+\+ |count: |header:|fields:|\d+ +: |\*\*\* )"
    rb"|export time: |message length: ")


class DumpError(Exception):
    pass


class Record:
    """One data record: fields in order, each (ent, id, raw value, children)."""

    def __init__(self, depth):
        self.depth = depth
        self.fields = []  # [(ent, id, value bytes or None, [child Record])]
        self.scope = False

    def first(self, ent, eid):
        for f in self.fields:
            if f[0] == ent and f[1] == eid:
                return f
        return None

    def has(self, ent, eid):
        return self.first(ent, eid) is not None


def parse(buf):
    """Top-level records of an ipfixDump --data text (bytes)."""
    pos = 0
    n = len(buf)
    top = []
    stack = []  # open records, innermost last; a record at depth k has fields at k+1

    def close_to(depth):
        while stack and stack[-1].depth >= depth:
            stack.pop()

    while pos < n:
        eol = buf.find(b"\n", pos)
        if eol < 0:
            eol = n
        m = RECORD.match(buf, pos, eol)
        if m:
            depth = len(m.group(1))
            close_to(depth)
            rec = Record(depth)
            if depth == 0:
                top.append(rec)
            else:
                # a nested record belongs to the last (list) field of its parent
                if not stack or stack[-1].depth != depth - 2 or not stack[-1].fields:
                    raise DumpError("nested record without its list at byte %d" % pos)
                stack[-1].fields[-1][3].append(rec)
            stack.append(rec)
            pos = eol + 1
            continue
        m = FIELD.match(buf, pos, eol)
        if not m:
            pos = eol + 1
            continue
        depth = len(m.group(1))
        value, pos = field_value(buf, m, eol)
        if m.group(2) is None:
            continue  # a basicList item: no field of any record
        close_to(depth)
        if not stack or stack[-1].depth != depth - 1:
            continue  # not inside a data record (cannot happen in --data output)
        if m.group(3) is not None:
            ent, eid = int(m.group(2)), int(m.group(3))
        else:
            ent, eid = 0, int(m.group(2))
        stack[-1].fields.append((ent, eid, value, []))
        if m.group(4):
            stack[-1].scope = True
    return top


def field_value(buf, m, eol):
    """(value bytes or None, position after the field) for a matched field line.

    Strings print as "(len: N) " and N raw bytes, which may hold newlines; the
    next byte must then be the end of the line, followed by dump structure. If
    not, a NUL byte cut the printed string short: the value is unknown.
    """
    lm = LEN_PREFIX.match(buf, m.end())
    if not lm:
        return buf[m.end():eol], eol + 1
    sstart = lm.end()
    nxt = sstart + int(lm.group(1))
    if buf[nxt:nxt + 1] == b"\n" and resync_ok(buf, nxt + 1):
        return buf[sstart:nxt], nxt + 1
    if m.group(3) is not None and (int(m.group(2)), int(m.group(3))) == (6871, 179):
        raise DumpError("dnsQName holding a NUL byte at byte %d: ipfixDump truncates it"
                        % m.start())
    return None, resync(buf, sstart)


def resync_ok(buf, at):
    return at >= len(buf) or STRUCT_LINE.match(buf, at) is not None


def resync(buf, at):
    """Position of the first line after `at` that looks like dump structure."""
    while True:
        nl = buf.find(b"\n", at)
        if nl < 0:
            return len(buf)
        if STRUCT_LINE.match(buf, nl + 1):
            return nl + 1
        at = nl + 1


def num(rec, ent, eid):
    f = rec.first(ent, eid)
    if f is None or f[2] is None:
        return None
    return int(f[2].strip())


def ms_time(rec, ent, eid):
    """flowStart/EndMilliseconds exactly; Micro/Nano only to the second (see limits)."""
    f = rec.first(ent, eid)
    if f is None:
        return None
    text = f[2].decode("ascii").strip()
    date, _, frac = text.partition(".")
    sec = calendar.timegm(tuple(int(x) for x in re.split(r"[- :]", date)) + (0, 0, 0))
    if eid in (152, 153):
        return sec * 1000 + int(frac or 0)
    return sec * 1000


def first_of(*vals):
    for v in vals:
        if v is not None:
            return v
    return 0


def addr(rec, ent, eid):
    f = rec.first(ent, eid)
    if f is None:  # absent: the reader zero-fills it
        return "0.0.0.0" if eid in (8, 12) else "::"
    text = f[2].decode("ascii").strip()
    if eid in (8, 12):
        return str(ipaddress.IPv4Address(text))
    return socket.inet_ntop(socket.AF_INET6, ipaddress.IPv6Address(text).packed)


def escape(b):
    return "".join(chr(c) if 0x20 <= c <= 0x7E else "\\x%02X" % c for c in b)


def is_dns(rec):
    return rec.has(6871, 179) and rec.has(6871, 175)


def dns_records(flow):
    out = []
    for ent, eid, _, kids in flow.fields:
        if (ent, eid) == (0, 293):
            for r in kids:
                if is_dns(r):
                    out.append(r)
                elif len(r.fields) == 1 and r.fields[0][:2] == (0, 292):
                    out.extend(x for x in r.fields[0][3] if is_dns(x))
        elif (ent, eid) == (6871, 432):
            out.extend(x for x in kids if is_dns(x))
    return out


def is_flow(rec):
    return (not rec.scope and (rec.has(0, 8) or rec.has(0, 27)) and
            (rec.has(0, 152) or rec.has(0, 154) or rec.has(0, 156)))


def flow_lines(rec):
    start = first_of(ms_time(rec, 0, 152), ms_time(rec, 0, 154), ms_time(rec, 0, 156))
    end = first_of(ms_time(rec, 0, 153), ms_time(rec, 0, 155), ms_time(rec, 0, 157))
    if rec.has(0, 8):
        sip, dip = addr(rec, 0, 8), addr(rec, 0, 12)
    else:
        sip, dip = addr(rec, 0, 27), addr(rec, 0, 28)
    sport = first_of(num(rec, 0, 7))
    dport = first_of(num(rec, 0, 11), num(rec, 0, 32), num(rec, 0, 139))
    vals = [
        sport, dport, first_of(num(rec, 0, 4)), first_of(num(rec, 6871, 33)),
        first_of(num(rec, 0, 85), num(rec, 0, 1)),
        first_of(num(rec, 0, 86), num(rec, 0, 2)),
        first_of(num(rec, 29305, 85), num(rec, 29305, 1)),
        first_of(num(rec, 29305, 86), num(rec, 29305, 2)),
    ]
    dns = dns_records(rec)
    lines = ["F %d %d %s %s %s %d" % (start, end, sip, dip, " ".join(str(v) for v in vals), len(dns))]
    for d in dns:
        name = d.first(6871, 179)[2]
        lines.append("R %d %d %d %d %d %d %d %s" % (
            first_of(num(d, 6871, 178)), first_of(num(d, 6871, 174)), first_of(num(d, 6871, 175)),
            first_of(num(d, 6871, 177)), first_of(num(d, 6871, 176)), first_of(num(d, 6871, 199)),
            first_of(num(d, 6871, 226)), escape(name or b"")))
    return lines, len(dns)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    argv = sys.argv[1:]
    ap.add_argument("dump", nargs="?", help="ipfixDump --yaf --data output (default stdin)")
    ap.add_argument("--path", default="-", help="file name for the '# file' line")
    ap.add_argument("--counts", action="store_true", help="print flows=N dns=M only")
    args = ap.parse_args(argv)
    data = open(args.dump, "rb").read() if args.dump else sys.stdin.buffer.read()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import memo  # noqa: E402 (replays a decoding already done in this test run)

    return memo.run(os.path.abspath(__file__), argv, lambda out: convert(args, data, out),
                    None if args.dump else data)


def convert(args, data, sink):
    """Writes flowdump v1 text (or the counts) of ipfixDump text `data` to binary `out`."""
    try:
        records = parse(data)
        out = ["# file %s" % args.path]
        nflows = ndns = 0
        for rec in records:
            if not is_flow(rec):
                continue
            lines, n = flow_lines(rec)
            nflows += 1
            ndns += n
            if not args.counts:
                out.extend(lines)
        if args.counts:
            out.append("flows=%d dns=%d" % (nflows, ndns))
    except (DumpError, ValueError, AttributeError, TypeError) as e:
        sys.stderr.write("ipfixdump2flowdump: %s\n" % e)
        return 2
    sink.write(("\n".join(out) + "\n").encode("utf-8", "surrogateescape"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
