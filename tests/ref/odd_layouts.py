#!/usr/bin/env python3
"""odd_layouts.py OUT.ipfix [OUT.expect [SWAPPED.ipfix]] - an IPFIX file whose templates stress the decoders'
agreement on what YAF never writes but RFC 7011 allows: reduced-length and
over-long integers, short and long IPv6 addresses, repeated elements, an
element sent twice, 1-byte elements sent wider, DNS records directly in the
STML, through a wrapper, in the yafDPIList, and wrappers inside the yafDPIList
(which libfixbuf decodes but the reader must not collect).

Written by hand from RFC 7011 / RFC 6313 so that it depends on neither
decoder. SWAPPED.ipfix holds the same flows with the two flow templates' IDs
swapped (each ID defined with the other's fields) and one length in each
changed (the same element IDs and counts, the values kept): read after
OUT.ipfix by the same reader, which keeps templates between files for reuse,
each file must still decode by its own templates (the same EXPECT lines).
tests/read.cmake runs flowdump with both decoders on it and expects
identical output equal to EXPECT below: flowdump lines worked out by hand from
libfixbuf 2.4.1's transcoding rules (integers big-endian, a shorter field
zero-extended, a longer one keeping its low-order bytes; one-byte integers and
octet arrays keeping their first bytes; the first occurrence of a repeated
element; DNS records of the two lists in template order)."""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ipfix_writer import CERT, fld, set_, tmpl, varlen  # noqa: E402,F401
from ipfix_writer import message as _message  # noqa: E402


def message(sets, seq):
    return _message(sets, seq, 1700000000, 7)


DNS_T, FLOW4_T, FLOW6_T, WRAP_T = 400, 401, 402, 403
dns_fields = [fld(179, 65535, CERT), fld(175, 4, CERT), fld(199, 2, CERT), fld(174, 2, CERT),
              fld(226, 1, CERT), fld(178, 3, CERT), fld(177, 1, CERT)]
flow4_fields = [fld(152, 4), fld(8, 4), fld(12, 2), fld(7, 4), fld(11, 1), fld(4, 2),
                fld(1, 3), fld(2, 16), fld(33, 2, CERT), fld(7, 2), fld(293, 65535)]
flow6_fields = [fld(154, 8), fld(27, 8), fld(28, 20), fld(7, 2), fld(4, 1), fld(86, 5),
                fld(85, 1), fld(33, 1, CERT), fld(432, 65535, CERT), fld(293, 65535)]
wrap_fields = [fld(292, 65535)]


def dns(name, qtype, ttl, qr, did, section, rcode):
    return (varlen(name) + struct.pack("!I", qtype) + struct.pack("!H", ttl) +
            struct.pack("!H", qr) + bytes([did]) + section.to_bytes(3, "big") + bytes([rcode]))


def stl(tid, records):
    return varlen(b"\x03" + struct.pack("!H", tid) + b"".join(records))


def stml(entries):
    body = b"\x03"
    for tid, records in entries:
        data = b"".join(records)
        body += struct.pack("!HH", tid, 4 + len(data)) + data
    return varlen(body)


# qr is sent in 2 bytes and section in 3: one-byte elements keep the first byte
r1 = dns(b"a.example.", 1, 300, 0x0100, 9, 1, 0)      # qr 1, section 0
r2 = dns(b"b.example.", 0x10010, 0x1234, 1, 250, 2, 3)  # type -> low 16 bits 16; qr 0
r3 = dns(b"", 12, 7, 0, 1, 0x010203, 0)              # section 1; empty name
r4 = dns(b"t\x1b[31m.x.", 16, 1, 0x0001, 2, 0, 5)     # qr 0; terminal escape in the name

flow4 = (struct.pack("!I", 1700000123) +              # start ms, 4 bytes: zero-extended
         bytes([192, 168, 1, 2]) + bytes([0x0a, 0x0b]) +  # dip 2 bytes -> 0.0.10.11
         struct.pack("!I", 0x00012345) +             # sport 4 bytes -> low 16 = 0x2345
         bytes([53]) +                               # dport 1 byte -> 53
         bytes([17, 6]) +                            # proto 2 bytes -> first byte 17
         (70000).to_bytes(3, "big") +                # bytes, 3 bytes
         (2 ** 70 + 9).to_bytes(16, "big") +         # packets, 16 bytes -> low 8 = 9
         struct.pack("!H", 53) + struct.pack("!H", 999) +  # app; 2nd sport ignored
         stml([(DNS_T, [r1, r2]), (WRAP_T, [stl(DNS_T, [r3])])]))

wrap_in_dpi = varlen(b"\x03" + struct.pack("!H", WRAP_T) + stl(DNS_T, [r1]))
ntp = ((1700000000 + 2208988800) << 32) | (1 << 31)   # .5 s
flow6 = (struct.pack("!Q", ntp) +
         bytes(range(1, 9)) +                         # sip 8 bytes -> rest zero
         bytes(range(0x10, 0x24)) +                   # dip 20 bytes -> first 16
         struct.pack("!H", 5353) + bytes([17]) +
         (1 << 32 | 77).to_bytes(5, "big") +          # packetTotalCount 5 bytes
         bytes([200]) + bytes([53]) +                 # octetTotalCount 1 byte; app 1 byte
         stl(DNS_T, [r4]) +                           # yafDPIList -> r4
         stml([(WRAP_T, [stl(DNS_T, [r2])])]))
flow6_dpi_wrap = (struct.pack("!Q", ntp) + bytes(8) + bytes(20) + struct.pack("!H", 1) +
                  bytes([17]) + bytes(5) + bytes([1]) + bytes([53]) +
                  wrap_in_dpi +                       # wrapper in the DPI list: not collected
                  stml([]))

msgs = [
    message([set_(2, tmpl(DNS_T, dns_fields) + tmpl(WRAP_T, wrap_fields) +
                  tmpl(FLOW4_T, flow4_fields) + tmpl(FLOW6_T, flow6_fields))], 0),
    message([set_(FLOW4_T, flow4), set_(FLOW6_T, flow6 + flow6_dpi_wrap)], 0),
]
EXPECT = """\
F 1700000123 0 192.168.1.2 0.0.10.11 9029 53 17 53 70000 9 0 0 3
R 0 1 1 0 0 300 9 a.example.
R 0 0 16 3 0 4660 250 b.example.
R 1 0 12 0 0 7 1 
F 1700000000500 0 102:304:506:708:: 1011:1213:1415:1617:1819:1a1b:1c1d:1e1f 5353 0 17 53 200 4294967373 0 0 2
R 0 0 16 5 0 1 2 t\\x1B[31m.x.
R 0 0 16 3 0 4660 250 b.example.
F 1700000000500 0 :: :: 1 0 17 53 1 0 0 0 0
"""

with open(sys.argv[1], "wb") as f:
    f.write(b"".join(msgs))
if len(sys.argv) > 3:
    # the same IDs, counts and elements with one length changed each (the values kept),
    # under each other's ID
    flow4_w = [fld(152, 8)] + flow4_fields[1:]
    flow6_w = flow6_fields[:5] + [fld(86, 8)] + flow6_fields[6:]
    flow4_x = struct.pack("!Q", 1700000123) + flow4[4:]
    at = 8 + 8 + 20 + 2 + 1
    flow6_x = flow6[:at] + (1 << 32 | 77).to_bytes(8, "big") + flow6[at + 5:]
    flow6_dpi_x = flow6_dpi_wrap[:at] + bytes(8) + flow6_dpi_wrap[at + 5:]
    swapped = [
        message([set_(2, tmpl(DNS_T, dns_fields) + tmpl(WRAP_T, wrap_fields) +
                      tmpl(FLOW6_T, flow4_w) + tmpl(FLOW4_T, flow6_w))], 0),
        message([set_(FLOW6_T, flow4_x), set_(FLOW4_T, flow6_x + flow6_dpi_x)], 0),
    ]
    with open(sys.argv[3], "wb") as f:
        f.write(b"".join(swapped))
if len(sys.argv) > 2:
    with open(sys.argv[2], "w") as f:
        f.write("# file %s\n" % sys.argv[1] + EXPECT)
