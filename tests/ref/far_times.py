#!/usr/bin/env python3
"""far_times.py OUT.ipfix OUT.expect - flows whose flowStartMilliseconds / flowEndMilliseconds
(dateTimeMilliseconds: unsigned 64-bit on the wire) are 2^63 ms or more, which no signed
64-bit time holds (docs/format.md: such a record is damage, named, exit 3).

Written by hand from RFC 7011 so that it depends on neither decoder. EXPECT lists, worked
out by hand, the flowdump lines both decoders must print (a damaged record is skipped with
the rest of its set, like any damaged record) and, in its last line, the file offset of the
first damage ("# damage at N")."""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ipfix_writer import fld, message, set_, tmpl  # noqa: E402

T = 300
fields = [fld(152, 8), fld(153, 8), fld(8, 4), fld(12, 4), fld(7, 2), fld(11, 2), fld(4, 1),
          fld(1, 8), fld(2, 8)]


def rec(start, end, sport):
    return (struct.pack("!QQ", start, end) + bytes([10, 0, 0, 1, 10, 0, 0, 2]) +
            struct.pack("!HHB", sport, 53, 17) + struct.pack("!QQ", 100, 1))


T0 = 1700000000000
set1 = set_(T, rec(T0, T0 + 5, 1) + rec(2 ** 63, T0, 2) + rec(T0, T0, 3))  # 2 lost
set2 = set_(T, rec(T0 + 1, 2 ** 64 - 1, 4) + rec(T0, T0, 5))                # all lost
set3 = set_(T, rec(T0 + 2, T0 + 3, 6) + rec(2 ** 63 - 1, 2 ** 63 - 1, 7))  # both kept
msgs = [message([set_(2, tmpl(T, fields))], 0, 1700000000, 1),
        message([set1, set2, set3], 0, 1700000000, 1)]
data = b"".join(msgs)
# the bad record of set1: after the first message, its header (16), set1's header (4), 1 record
first_bad = len(msgs[0]) + 16 + 4 + len(rec(0, 0, 0))
EXPECT = """\
F 1700000000000 1700000000005 10.0.0.1 10.0.0.2 1 53 17 0 100 1 0 0 0
F 1700000000002 1700000000003 10.0.0.1 10.0.0.2 6 53 17 0 100 1 0 0 0
F 9223372036854775807 9223372036854775807 10.0.0.1 10.0.0.2 7 53 17 0 100 1 0 0 0
"""

with open(sys.argv[1], "wb") as f:
    f.write(data)
with open(sys.argv[2], "w") as f:
    f.write("# file %s\n" % sys.argv[1] + EXPECT + "# damage at %d\n" % first_bad)
