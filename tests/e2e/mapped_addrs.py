#!/usr/bin/env python3
"""mapped_addrs.py FLOWSWEEP WORKDIR - IPv4 flows beside flows exported as v4-mapped IPv6
(::ffff:a.b.c.d) of the same addresses, in one hand-made file (tests/ref/ipfix_writer.py,
nothing from flowsweep), against tests/ref/reference.py reading the same flows as flowdump
text written here.

docs/usage.md: `distinct()` and grouping keep an IPv4 address apart from its v4-mapped form
(flowsweep prints each as exported); docs/query.md: a CIDR or address literal in --where
matches both. A reviewer found reference.py counting the two forms once in distinct() while
flowsweep counted them apart; both now follow the documents, and this test holds them there.
"""
import ipaddress
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'ref'))
from ipfix_writer import CERT, fld, message, set_, tmpl, varlen  # noqa: E402

DNS_T, F4, F6 = 300, 301, 302
DNS = [fld(179, 65535, CERT), fld(175, 2, CERT), fld(199, 4, CERT), fld(174, 1, CERT),
       fld(226, 2, CERT), fld(178, 1, CERT), fld(177, 1, CERT)]
TAIL = [fld(7, 2), fld(11, 2), fld(4, 1), fld(33, 2, CERT), fld(1, 8), fld(2, 8), fld(293, 65535)]
FLOW4 = [fld(152, 8), fld(153, 8), fld(8, 4), fld(12, 4)] + TAIL
FLOW6 = [fld(152, 8), fld(153, 8), fld(27, 16), fld(28, 16)] + TAIL
T = 1714550400000  # 2024-05-01T08:00Z


def text(a):
    """An address as flowdump writes it: a v4-mapped IPv6 one as ::ffff:a.b.c.d."""
    if a.version == 6 and a.ipv4_mapped:
        return '::ffff:' + str(a.ipv4_mapped)
    return str(a)


def main():
    fs, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    sets, fd = [], ['# file mapped.ipfix']
    flows = [('192.168.1.5', '8.8.8.8'), ('::ffff:192.168.1.5', '::ffff:8.8.8.8'),
             ('192.168.1.6', '::ffff:8.8.8.8'), ('::ffff:192.168.1.6', '8.8.4.4'),
             ('2001:db8::1', '::ffff:8.8.8.8'), ('192.168.1.5', '8.8.8.8')]
    for i, (s, d) in enumerate(flows):
        sa, da = ipaddress.ip_address(s), ipaddress.ip_address(d)
        if sa.version != da.version:  # one template holds both: write the v4 one mapped
            sa, da = [x if x.version == 6 else ipaddress.ip_address('::ffff:' + str(x))
                      for x in (sa, da)]
        name = b'n%d.example.' % (i % 3)
        rr = varlen(name) + struct.pack('!HIBHBB', 1, 0, 0, 7, 0, 0)
        stml = varlen(b'\x03' + struct.pack('!HH', DNS_T, 4 + len(rr)) + rr)
        body = struct.pack('!QQ', T + i, T + i + 5) + sa.packed + da.packed
        body += struct.pack('!HHBHQQ', 5000 + i, 53, 17, 53, 100 + i, 1) + stml
        sets.append(set_(F6 if sa.version == 6 else F4, body))
        fd.append('F %d %d %s %s %d 53 17 53 %d 1 0 0 1' % (T + i, T + i + 5, text(sa),
                                                          text(da), 5000 + i, 100 + i))
        fd.append('R 0 0 1 0 0 0 7 %s' % name.decode())
    data = message([set_(2, tmpl(DNS_T, DNS) + tmpl(F4, FLOW4) + tmpl(F6, FLOW6))] + sets,
                   0, T // 1000, 1)
    ipfix = os.path.join(work, 'mapped.ipfix')
    truth = os.path.join(work, 'mapped.fd')
    open(ipfix, 'wb').write(data)
    open(truth, 'w').write('\n'.join(fd) + '\n')
    ref = os.path.join(HERE, '..', 'ref', 'reference.py')
    jobs = [
        ['--group-by', 'proto', '--agg', 'n=count(),s=distinct(sip),d=distinct(dip)'],
        ['--group-by', 'sip', '--agg', 'n=count(),b=sum(bytes)'],
        ['--group-by', 'dip', '--agg', 'n=count(),s=distinct(sip)'],
        ['--where', 'sip in (192.168.1.5)', '--group-by', 'proto',
         '--agg', 'n=count(),s=distinct(sip)'],
        ['--where', 'dip in (8.8.8.0/24)', '--group-by', 'sip', '--agg', 'n=count()'],
    ]
    fails = 0
    for job in jobs:
        r = subprocess.run(['python3', ref, 'query', '--format', 'csv'] + job + [truth],
                           capture_output=True, text=True)
        f = subprocess.run([fs, 'query', '--format', 'csv', '--limit', '0', '-q'] + job + [ipfix],
                           capture_output=True, text=True)
        want = sorted(r.stdout.replace('\r', '').splitlines()[1:])
        got = sorted(f.stdout.replace('\r', '').splitlines()[1:])
        if r.returncode or f.returncode or want != got or not want:
            fails += 1
            print('FAIL %s\n  reference (exit %d): %r %s\n  flowsweep (exit %d): %r %s' % (
                job, r.returncode, want, r.stderr.strip(), f.returncode, got, f.stderr.strip()))
    if fails:
        return 1
    print('ok: %d jobs over IPv4 and v4-mapped flows equal the reference' % len(jobs))
    return 0


if __name__ == '__main__':
    sys.exit(main())
