"""ipfix_writer.py - the pieces of an IPFIX file, written by hand from RFC 7011 / RFC 6313.

Shared by the test files made byte by byte (odd_layouts.py, tests/report/hostile_ipfix.py):
nothing here comes from flowsweep or libfixbuf, so what those files hold is what the tests say.
"""
import struct

CERT = 6871  # CERT's private enterprise number (YAF's elements)


def fld(ie, length, pen=0):
    """A template field specifier: element `ie` of enterprise `pen` (0: IANA), `length` bytes
    (65535: variable)."""
    if pen:
        return struct.pack("!HHI", ie | 0x8000, length, pen)
    return struct.pack("!HH", ie, length)


def varlen(b):
    """A variable-length value: its length in one byte, or 255 then two bytes."""
    if len(b) < 255:
        return bytes([len(b)]) + b
    return b"\xff" + struct.pack("!H", len(b)) + b


def tmpl(tid, fields):
    """A template record: ID `tid` and its field specifiers."""
    return struct.pack("!HH", tid, len(fields)) + b"".join(fields)


def set_(sid, body):
    """A set of ID `sid` (2: templates; 256 and up: data of that template)."""
    return struct.pack("!HH", sid, 4 + len(body)) + body


def message(sets, seq, export_time, domain):
    """A message of `sets` with sequence number `seq`, export time and observation domain."""
    body = b"".join(sets)
    return struct.pack("!HHIII", 10, 16 + len(body), export_time, seq, domain) + body
