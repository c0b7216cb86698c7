#!/usr/bin/env python3
"""time_forms.py OUT.ipfix EXPECT - flow records whose times come in the other forms of
RFC 7011 / RFC 5102 (seconds, sysUpTime with systemInitTimeMilliseconds, microseconds before
the export time), and records that look like flows but give no start the reader can place.

Writes OUT.ipfix (by hand, tests/ref/ipfix_writer.py) and EXPECT: the flowdump v1 lines
(docs/flowdump.md) the reader must print for it, each time worked out here from the values
written, then the line "untimed N" (records of flow-like templates with no start time) and
"records N" (every data record in the file, what ipfixDump counts). Also OUT-far.ipfix, sysUpTime
sums of 2^63 ms or more (damage), with its "far F ..." lines and "far-damage ..." in EXPECT.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ipfix_writer import CERT, fld, message, set_, tmpl  # noqa: E402

T0 = 1714532400  # 2024-05-01T03:00:00Z
ADDR = [fld(8, 4), fld(12, 4), fld(7, 2), fld(11, 2), fld(4, 1), fld(33, 2, CERT),
        fld(1, 8), fld(2, 8)]
SIP, DIP = "192.168.1.5", "10.0.0.1"


def addr(i):
    """The address part of record i: sip, dip, ports, proto, label, bytes, packets."""
    return struct.pack("!4s4sHHBHQQ", bytes([192, 168, 1, 5]), bytes([10, 0, 0, 1]),
                       40000 + i, 53, 17, 53, 500 + i, 5)


def line(start, end, i):
    return "F %d %d %s %s %d 53 17 53 %d 5 0 0 0" % (start, end, SIP, DIP, 40000 + i, 500 + i)


out, exp = [], []
records = 0
untimed = 0

# 1. template 256: flowStartSeconds 150, flowEndSeconds 151: x 1000
sets = [set_(2, tmpl(256, [fld(150, 4), fld(151, 4)] + ADDR))]
body = b""
for i in range(3):
    s, e = T0 + 600 * i, T0 + 600 * i + 5
    body += struct.pack("!II", s, e) + addr(i)
    exp.append(line(s * 1000, e * 1000, i))
    records += 1
sets.append(set_(256, body))
out.append(message(sets, 0, T0 + 3600, 1))

# 2. template 257: systemInitTimeMilliseconds 160 + flowStartSysUpTime 22 / flowEndSysUpTime 21
init = T0 * 1000 - 3600123  # boots 1 h 0.123 s before T0
sets = [set_(2, tmpl(257, [fld(160, 8), fld(22, 4), fld(21, 4)] + ADDR))]
body = b""
for i in range(2):
    up_s, up_e = 3600123 + 777 * i, 3600123 + 777 * i + 2500
    body += struct.pack("!QII", init, up_s, up_e) + addr(10 + i)
    exp.append(line(init + up_s, init + up_e, 10 + i))
    records += 1
sets.append(set_(257, body))
out.append(message(sets, 1, T0 + 3600, 1))

# 3. template 258: flowStartDeltaMicroseconds 158 / flowEndDeltaMicroseconds 159 before the
#    export time of each message (two messages, two export times); a delta that is not a
#    whole millisecond rounds the time down (floor), as the NTP microsecond form does
for k, ex in enumerate((T0 + 7200, T0 + 7201)):
    sets = [set_(2, tmpl(258, [fld(158, 4), fld(159, 4)] + ADDR))] if k == 0 else []
    body = b""
    for i, (ds, de) in enumerate(((1500, 500), (60000000, 59999999))):
        body += struct.pack("!II", ds, de) + addr(20 + 2 * k + i)
        us_s, us_e = ex * 1000000 - ds, ex * 1000000 - de
        exp.append(line(us_s // 1000, us_e // 1000, 20 + 2 * k + i))
        records += 1
    sets.append(set_(258, body))
    out.append(message(sets, 2 + k, ex, 1))

# 4. template 259: start in milliseconds (152), end as flowEndSysUpTime without 160 (cannot be
#    placed: end 0, as a flow with no end); template 260: start in seconds, end delta
sets = [set_(2, tmpl(259, [fld(152, 8), fld(21, 4)] + ADDR)),
        set_(2, tmpl(260, [fld(150, 4), fld(159, 4)] + ADDR))]
sets.append(set_(259, struct.pack("!QI", T0 * 1000 + 42, 99) + addr(30)))
exp.append(line(T0 * 1000 + 42, 0, 30))
sets.append(set_(260, struct.pack("!II", T0, 2000000) + addr(31)))
exp.append(line(T0 * 1000, (T0 + 10) * 1000 - 2000, 31))
records += 2
out.append(message(sets, 4, T0 + 10, 1))

# 5. flow-like records the reader cannot place: 261 sysUpTime without 160 (2 records),
#    262 no time at all (1 record); options template 263 with 22 is not flow-like (1 record)
sets = [set_(2, tmpl(261, [fld(22, 4), fld(21, 4)] + ADDR)),
        set_(2, tmpl(262, ADDR))]
sets.append(set_(261, b"".join(struct.pack("!II", 5, 6) + addr(40 + i) for i in range(2))))
sets.append(set_(262, addr(42)))
opt = struct.pack("!HHH", 263, 2, 1) + fld(149, 4) + fld(22, 4)
sets.append(set_(3, opt))
sets.append(set_(263, struct.pack("!II", 1, 7)))
records += 4
untimed += 3
out.append(message(sets, 5, T0 + 20, 1))

# 6. reduced and over-long encodings (libfixbuf's rules, docs/format.md: a shorter value is
#    zero-extended, a longer one keeps its low-order bytes): 264 systemInitTimeMilliseconds in
#    4 bytes, flowStartSysUpTime in 8 (high bytes not zero), flowEndSysUpTime in 2; 265
#    flowStartDeltaMicroseconds in 2 bytes, flowEndDeltaMicroseconds in 8
sets = [set_(2, tmpl(264, [fld(160, 4), fld(22, 8), fld(21, 2)] + ADDR)),
        set_(2, tmpl(265, [fld(158, 2), fld(159, 8)] + ADDR))]
sets.append(set_(264, struct.pack("!IQH", 123456, (5 << 32) | 1000, 2000) + addr(50)))
exp.append(line(123456 + 1000, 123456 + 2000, 50))
sets.append(set_(265, struct.pack("!HQ", 999, (7 << 32) | 1500) + addr(51)))
ex = T0 + 30
exp.append(line((ex * 1000000 - 999) // 1000, (ex * 1000000 - 1500) // 1000, 51))
records += 2
out.append(message(sets, 6, ex, 1))

# 7. (a file of its own: OUT.ipfix with -far before the suffix) a sysUpTime sum of 2^63 ms or
#    more fits no signed time: damage, as a flowStartMilliseconds of 2^63 (docs/format.md);
#    2^63 - 1 itself is kept. Set 1: kept, then damaged (start sum 2^63 + 10: the rest of the
#    set is skipped); set 2: systemInitTimeMilliseconds 2^64 - 1; set 3: end sum 2^63.
far = [set_(2, tmpl(300, [fld(160, 8), fld(22, 4), fld(21, 4)] + ADDR))]
far_exp = [line(2 ** 63 - 5, 2 ** 63 - 1, 60)]
far.append(set_(300, struct.pack("!QII", 2 ** 63 - 10, 5, 9) + addr(60) +
                struct.pack("!QII", 2 ** 63 - 10, 20, 21) + addr(61) +
                struct.pack("!QII", 2 ** 63 - 10, 1, 2) + addr(62)))
far.append(set_(300, struct.pack("!QII", 2 ** 64 - 1, 0, 0) + addr(63)))
far.append(set_(300, struct.pack("!QII", 2 ** 63 - 10, 1, 10) + addr(64)))
far_msg = message(far, 7, T0, 1)
far_first = 16 + len(far[0]) + 4 + len(struct.pack("!QII", 0, 0, 0) + addr(0))
root, ext = os.path.splitext(sys.argv[1])
with open(root + "-far" + ext, "wb") as f:
    f.write(far_msg)

with open(sys.argv[1], "wb") as f:
    f.write(b"".join(out))
with open(sys.argv[2], "w") as f:
    f.write("\n".join(exp) + "\n")
    f.write("untimed %d\nrecords %d\n" % (untimed, records))
    f.write("".join("far " + x + "\n" for x in far_exp))
    f.write("far-damage offset %d: record of template 300: systemInitTimeMilliseconds + "
            "flowStartSysUpTime %d is 2^63 ms or more\n" % (far_first, 2 ** 63 + 10))
