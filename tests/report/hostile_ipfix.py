"""hostile_ipfix.py - a small YAF-like IPFIX file whose DNS names are markup.

Written by hand from RFC 7011 / RFC 6313 (as tests/ref/odd_layouts.py is), so the
names reach flowsweep byte for byte: each flow carries one TXT query in a
subTemplateMultiList, from 192.168.7.7 to 198.51.100.66:53 (the hostile domains'
server), with enough bytes per packet to pass both of the post's filters."""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ref"))
from ipfix_writer import CERT, fld, set_, tmpl, varlen  # noqa: E402
from ipfix_writer import message as _message  # noqa: E402

DNS_T, FLOW_T = 300, 301

# Names that would be markup if a page pasted them in. The ones that set the title
# or an attribute let the test see whether anything ran (alert() shows nothing headless).
HOSTILE = [
    b"<img src=x onerror=alert(1)>.evil.",
    b"</svg><script>document.title='PWNED'</script>",
    b"<svg onload=\"document.body.setAttribute('data-pwned','1')\">.x.",
    b"\"><img src=x onerror=\"document.title='PWNED'\">.q.",
    b"ctl\x1b[31m\x00\xff'&amp;.evil.",
]


def message(sets, seq, export_time):
    return _message(sets, seq, export_time, 0)


DNS_FIELDS = [fld(179, 65535, CERT), fld(175, 2, CERT), fld(199, 4, CERT), fld(174, 1, CERT),
              fld(226, 2, CERT), fld(178, 1, CERT), fld(177, 1, CERT)]
FLOW_FIELDS = [fld(152, 8), fld(153, 8), fld(8, 4), fld(12, 4), fld(7, 2), fld(11, 2), fld(4, 1),
               fld(85, 8), fld(86, 8), fld(33, 2, CERT), fld(293, 65535)]


def dns(name, qtype=16):
    return varlen(name) + struct.pack("!HIBHBB", qtype, 60, 0, 7, 0, 0)


def flow(start_ms, name, sip=(192, 168, 7, 7), dip=(198, 51, 100, 66), nbytes=400, npkts=2):
    stml = b"\x03" + struct.pack("!HH", DNS_T, 4 + len(dns(name))) + dns(name)
    return (struct.pack("!QQ", start_ms, start_ms + 20) + bytes(sip) + bytes(dip) +
            struct.pack("!HHB", 40000, 53, 17) + struct.pack("!QQH", nbytes, npkts, 53) +
            varlen(stml))


def hostile_file(start_s, per_name=12, hours=3):
    """Flows spread over `hours` hours from Unix second `start_s`: `per_name` distinct names
    under each hostile name (a fresh label in front), plus the bare names themselves."""
    recs = []
    i = 0
    for base in HOSTILE:
        for k in range(per_name + 1):
            name = base if k == 0 else b"q%02dz%s." % (k, b"%x" % (k * 7919)) + base
            t = (start_s + (i * 3600 * hours) // (len(HOSTILE) * (per_name + 1))) * 1000
            recs.append(flow(t, name))
            i += 1
    # a little ordinary traffic, to another server
    for k in range(6):
        recs.append(flow((start_s + 600 * k) * 1000, b"www.example.com.", dip=(192, 0, 2, 53),
                         nbytes=180, npkts=2))
    out = [message([set_(2, tmpl(DNS_T, DNS_FIELDS) + tmpl(FLOW_T, FLOW_FIELDS))], 0, start_s)]
    for j in range(0, len(recs), 20):
        out.append(message([set_(FLOW_T, b"".join(recs[j:j + 20]))], j, start_s))
    return b"".join(out)
