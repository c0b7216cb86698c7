#!/usr/bin/env python3
"""
matrix.py - the corruption matrix: damage a generated YAF 2 file in every
way listed in issue 4 (and its gzip, zstd and stdin forms, issue 14) and check what flowdump (and, for some cases,
`flowsweep dns-dest`) does with it.

  matrix.py --gen flowsweep-gen --flowdump flowdump --flowsweep flowsweep

For every case: no crash (exit 0, 1 or 3, never a signal or a sanitizer
report), no hang (timeout), exit 3 with the file named on stderr when the
case is damage, and every flow of the messages wholly before the damage
point is printed first, unchanged. Which flows belong to which message is
learnt by truncating the good file at each message boundary (a clean,
shorter file whose dump must be a prefix of the full dump).
"""
import argparse
import concurrent.futures
import gzip
import os
import random
import struct
import subprocess
import sys
import shutil
import tempfile
import zlib

TIMEOUT = 60
FAILS = []
COUNT = [0]


def rd16(b, o):
    return struct.unpack_from('>H', b, o)[0]


def messages(b):
    """(offset, length) of each message, walking the 16-byte headers."""
    out, o = [], 0
    while o < len(b):
        n = rd16(b, o + 2)
        assert n >= 16 and o + n <= len(b), 'generated file does not frame'
        out.append((o, n))
        o += n
    return out


def varlen(b, o):
    """(prefix offset, prefix size, content offset, content length)."""
    if b[o] < 255:
        return o, 1, o + 1, b[o]
    return o, 3, o + 3, rd16(b, o + 1)


class Walk:
    """Offsets of the structures inside the file (layout 2 nesting)."""

    def __init__(self, b):
        self.b, self.t = b, {}
        self.sets = []       # (msg index, set offset, set id)
        self.data_msgs = set()
        self.flow_tid = None     # the flow template of the first flow record
        self.flow_tids = []      # every flow template with data, in order
        self.recs = []       # flow records: (msg, rec off, rec end, stml prefix off, stml end)
        self.stml = []       # (msg, stml varlen prefix off, prefix size)
        self.entries = []    # (msg, entry header off)
        self.stls = []       # (msg, stl varlen prefix off, prefix size, stl end, entry end)
        self.names = []      # (msg, name prefix off, prefix size, bytes left in its list)
        self.dns_rec = None  # (dns tid, bytes of one DNS record, name field index)
        for i, (mo, ml) in enumerate(messages(b)):
            o, end = mo + 16, mo + ml
            while o + 4 <= end:
                sid, sl = rd16(b, o), rd16(b, o + 2)
                self.sets.append((i, o, sid))
                if sid in (2, 3):
                    self.tset(o, sl, sid)
                elif sid in self.t and any(f[:2] == (0, 293) for f in self.t[sid]):
                    self.flow_tid = self.flow_tid or sid
                    if sid not in self.flow_tids:
                        self.flow_tids.append(sid)
                    self.data_msgs.add(i)
                    q = o + 4
                    while q < o + sl:
                        q = self.record(i, sid, q)
                o += sl

    def tset(self, o, sl, sid):
        b, q, end = self.b, o + 4, o + sl
        while end - q >= (6 if sid == 3 else 4):
            tid, n = rd16(b, q), rd16(b, q + 2)
            q += 6 if sid == 3 else 4
            fields = []
            for _ in range(n):
                fid, fl = rd16(b, q), rd16(b, q + 2)
                pen = struct.unpack_from('>I', b, q + 4)[0] if fid & 0x8000 else 0
                q += 8 if fid & 0x8000 else 4
                fields.append((pen, fid & 0x7FFF, fl))
            self.t[tid] = fields

    def record(self, i, tid, q, end=None, inner=None):
        """Walks one record of template `tid` at q; returns its end."""
        b, start = self.b, q
        for k, (pen, fid, fl) in enumerate(self.t[tid]):
            if fl != 65535:
                q += fl
                continue
            po, ps, co, cl = varlen(b, q)
            if (pen, fid) == (0, 293):
                self.stml.append((i, po, ps))
                self.stml_list(i, co, co + cl)
                self.recs.append((i, start, None, po, co + cl, tid))
            elif (pen, fid) == (0, 292):
                self.stls.append((i, po, ps, co + cl, end))
                self.stl_list(i, co, co + cl)
            elif (pen, fid) == (6871, 179) and inner is not None:
                self.names.append((i, po, ps, end - q))
                if self.dns_rec is None:
                    self.dns_rec = (tid, k)
            q = co + cl
        if self.recs and self.recs[-1][1] == start:
            self.recs[-1] = self.recs[-1][:2] + (q,) + self.recs[-1][3:]
        if self.dns_rec and self.dns_rec[0] == tid and len(self.dns_rec) == 2:
            self.dns_rec = (tid, self.dns_rec[1], b[start:q])
        return q

    def stml_list(self, i, o, end):
        q = o + 1
        while q + 4 <= end:
            tid, el = rd16(self.b, q), rd16(self.b, q + 2)
            self.entries.append((i, q))
            r = q + 4
            while tid in self.t and r < q + el:
                r = self.record(i, tid, r, q + el, inner=True)
            q += el

    def stl_list(self, i, o, end):
        tid, q = rd16(self.b, o + 1), o + 3
        while tid in self.t and q < end:
            q = self.record(i, tid, q, end, inner=True)


def flow_lines(out):
    return [ln for ln in out.splitlines() if ln[:2] in ('F ', 'R ')]


class Matrix:
    def __init__(self, a, tmp):
        self.a, self.tmp = a, tmp
        self.env = dict(os.environ, G_SLICE='always-malloc')
        self.env['ASAN_OPTIONS'] = self.env.get('ASAN_OPTIONS', '') + ':exitcode=86'
        self.env['UBSAN_OPTIONS'] = self.env.get('UBSAN_OPTIONS', '') + \
            ':halt_on_error=1:exitcode=86'

    def run(self, argv):
        try:
            p = subprocess.run(argv, capture_output=True, text=True, errors='replace',
                               timeout=TIMEOUT, env=self.env)
        except subprocess.TimeoutExpired:
            return None, '', 'timeout'
        return p.returncode, p.stdout, p.stderr

    def case(self, name, data, expect, prefix=None, exact=None, cli=False, check=None,
             grep=None, suffix='.yaf'):
        """expect: 'clean' (exit 0), 'damage' (exit 3, file named) or 'any' (0 or 3)."""
        path = os.path.join(self.tmp, name.replace(' ', '_') + suffix)
        with open(path, 'wb') as f:
            f.write(data)
        COUNT[0] += 1
        rc, out, err = self.run([self.a.flowdump, path])  # the fast decoder (default)
        why = self.judge('flowdump', path, rc, err, expect)
        if not why:
            # libfixbuf's decoder must say exactly the same: flows, warnings, exit
            rc_ref, out_ref, err_ref = self.run([self.a.flowdump, '--decoder', 'fixbuf', path])
            if (rc_ref, out_ref, err_ref) != (rc, out, err):
                why = 'decoders disagree: fast exit %s, fixbuf exit %s; stderr %r vs %r' % (
                    rc, rc_ref, err[-200:], err_ref[-200:])
        lines = flow_lines(out)
        if not why and prefix is not None and lines[:len(prefix)] != prefix:
            why = 'flows before the damage differ or are missing (%d of %d kept)' % (
                next((k for k, (x, y) in enumerate(zip(lines, prefix)) if x != y),
                     min(len(lines), len(prefix))), len(prefix))
        if not why and exact is not None and lines != exact:
            why = 'output is not the expected %d lines (got %d)' % (len(exact), len(lines))
        if not why and grep is not None and grep not in err:
            why = 'stderr lacks %r: %s' % (grep, err[-300:])
        if not why and check is not None:
            why = check(lines)
        if not why and cli:
            rc2, _, err2 = self.run([self.a.flowsweep, 'dns-dest', '--format', 'csv',
                                     '--limit', '0', path])
            why = self.judge('flowsweep', path, rc2, err2, expect)
        if why:
            FAILS.append('%s: %s' % (name, why))
        else:
            os.unlink(path)
        return lines

    def stdin_case(self, name, data, expect, prefix=None, exact=None):
        """The same checks with the data on standard input (PATH '-'), named '(stdin)'."""
        COUNT[0] += 1
        got = {}
        for dec in ('fast', 'fixbuf'):
            try:
                p = subprocess.run([self.a.flowdump, '--decoder', dec, '-'], input=data,
                                   capture_output=True, timeout=TIMEOUT, env=self.env)
                got[dec] = (p.returncode, p.stdout.decode('ascii', 'replace'),
                            p.stderr.decode('ascii', 'replace'))
            except subprocess.TimeoutExpired:
                got[dec] = (None, '', 'timeout')
        rc, out, err = got['fast']
        why = self.judge('flowdump -', '(stdin)', rc, err, expect)
        if not why and got['fixbuf'] != got['fast']:
            why = 'decoders disagree on stdin'
        lines = flow_lines(out)
        if not why and prefix is not None and lines[:len(prefix)] != prefix:
            why = 'flows before the damage differ or are missing on stdin'
        if not why and exact is not None and lines != exact:
            why = 'stdin output is not the expected %d lines (got %d)' % (len(exact), len(lines))
        if not why:
            try:
                p = subprocess.run([self.a.flowsweep, 'dns-dest', '--format', 'csv', '--limit',
                                    '0', '-'], input=data, capture_output=True, timeout=TIMEOUT,
                                   env=self.env)
                why = self.judge('flowsweep -', '(stdin)', p.returncode,
                                 p.stderr.decode('ascii', 'replace'), expect)
            except subprocess.TimeoutExpired:
                why = 'flowsweep - hangs'
        if why:
            FAILS.append('%s: %s' % (name, why))

    @staticmethod
    def judge(tool, path, rc, err, expect):
        if rc is None:
            return '%s hangs (> %d s)' % (tool, TIMEOUT)
        if rc < 0 or rc == 86 or 'Sanitizer' in err or 'runtime error' in err:
            return '%s crashed (exit %d): %s' % (tool, rc, err[-400:])
        if rc not in (0, 1, 3):
            return '%s exit %d' % (tool, rc)
        if expect == 'clean' and rc != 0:
            return '%s exit %d, want 0: %s' % (tool, rc, err[-300:])
        if expect == 'damage' and rc != 3:
            return '%s exit %d, want 3' % (tool, rc)
        if expect == 'any' and rc not in (0, 3):
            return '%s exit %d, want 0 or 3' % (tool, rc)
        if rc == 3 and path not in err:
            return '%s does not name the file on stderr' % tool
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--gen', required=True)
    ap.add_argument('--flowdump', required=True)
    ap.add_argument('--flowsweep', required=True)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix='corrupt.')
    m = Matrix(a, tmp)
    repo = os.path.join(tmp, 'repo')
    subprocess.run([a.gen, '--out', repo, '--seed', '11', '--hours', '1', '--flows', '300',
                    '--layout', '2', '--labels', os.path.join(tmp, 'labels.tsv'), '-q',
                    '--threads', '1'], check=True)
    src = [os.path.join(d, f) for d, _, fs in os.walk(repo) for f in fs if f.endswith('.yaf')]
    good = open(src[0], 'rb').read()
    msgs = messages(good)
    w = Walk(good)
    rng = random.Random(4)
    assert w.flow_tid and w.names and w.entries and w.stls and w.dns_rec, 'walk found no DNS'

    full = m.case('good', good, 'clean', cli=True)
    nfull = sum(1 for x in full if x[0] == 'F')
    assert nfull >= 200, 'generated file has %d flows' % nfull
    bounds = [0] + [o + n for o, n in msgs]
    pre = {}

    def trunc(b):
        return b, m.case('trunc@%d' % b, good[:b], 'clean', prefix=None)
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        for b, lines in ex.map(lambda b: trunc(b), bounds):
            pre[b] = lines
            if full[:len(lines)] != lines:
                FAILS.append('trunc@%d: not a prefix of the full dump' % b)
    assert pre[len(good)] == full

    def before(off):
        return pre[max(b for b in bounds if b <= off)]

    cases = []  # (name, data, expect, damage offset or None, extra kwargs)

    def mut(name, patches, expect='damage', cli=False):
        b = bytearray(good)
        for off, val in patches:
            b[off:off + len(val)] = val
        cases.append((name, bytes(b), expect, min(o for o, _ in patches), {'cli': cli}))

    # truncation next to every boundary
    for b in bounds:
        if 0 < b:
            cases.append(('trunc@%d-1' % b, good[:b - 1], 'damage', b - 1, {}))
        if b < len(good):
            cases.append(('trunc@%d+1' % b, good[:b + 1], 'damage', b, {}))
    # message headers: version, length
    for i in sorted({0, 1, len(msgs) // 2, len(msgs) - 1}):
        o, n = msgs[i]
        mut('msg%d version' % i, [(o, b'\x00\x09')], cli=(i == 1))
        for v in (0, 15, n - 1, n + 1, 0xFFFF):
            mut('msg%d length %d' % (i, v), [(o + 2, struct.pack('>H', v))])
    # set headers: ID, length (first set of every message kind)
    seen = set()
    for i, so, sid in w.sets:
        kind = 'tmpl' if sid in (2, 3) else 'data'
        if (kind, i == 0) in seen:
            continue
        seen.add((kind, i == 0))
        sl = rd16(good, so + 2)
        mut('msg%d %s set id 1' % (i, kind), [(so, b'\x00\x01')], cli=True)
        for v in (0, 3, sl - 1, sl + 1, 0xFFFF):
            mut('msg%d %s set length %d' % (i, kind, v), [(so + 2, struct.pack('>H', v))])
    # inside data records: STML and STL lengths, entry headers, names
    pick = lambda xs: sorted({0, len(xs) // 2, len(xs) - 1})
    for k in pick(w.stml):
        i, po, ps = w.stml[k]
        if ps == 3:
            mut('stml%d length ffff' % k, [(po + 1, b'\xff\xff')])
        else:
            mut('stml%d length fe' % k, [(po, b'\xfe')], expect='any')
    for k in pick(w.entries):
        i, eo = w.entries[k]
        mut('entry%d length ffff' % k, [(eo + 2, b'\xff\xff')], cli=(k == 0))
        mut('entry%d length 2' % k, [(eo + 2, b'\x00\x02')])
    for k in pick(w.stls):
        i, po, ps, stl_end, entry_end = w.stls[k]
        cl = rd16(good, po + 1) if ps == 3 else good[po]
        if ps == 3:
            mut('stl%d length ffff' % k, [(po + 1, b'\xff\xff')])
            mut('stl%d length +1' % k, [(po + 1, struct.pack('>H', cl + 1))])
        else:
            mut('stl%d length +1' % k, [(po, bytes([cl + 1]))])
    tail = [n for n in w.names if n[3] < 250 and n[2] == 1]
    for k in pick(tail):
        i, po, ps, left = tail[k]
        mut('name%d length 254 (list has %d)' % (k, left), [(po, b'\xfe')])
    # whole-file cases
    cases.append(('empty', b'', 'clean', None, {'exact': [], 'cli': True}))
    junk = bytes(rng.getrandbits(8) for _ in range(4096))
    cases.append(('random', b'\x12' + junk, 'damage', 0, {'exact': [], 'cli': True}))
    cases.append(('good+random', good + junk, 'damage', len(good), {}))


    for name, data, expect, off, kw in cases:
        m.case(name, data, expect, prefix=before(off) if off is not None else None, **kw)

    structural(m, good, msgs, w, full, pre)
    compressed(m, good, full, before)
    # standard input: whole, cut at and next to message boundaries, gzip'ed and cut
    m.stdin_case('stdin whole', good, 'clean', exact=full)
    for b in sorted({bounds[1], bounds[len(bounds) // 2], len(good) - 7}):
        m.stdin_case('stdin cut@%d' % b, good[:b], 'clean' if b in bounds else 'damage',
                     prefix=before(b))
    gz = gzip.compress(good)
    m.stdin_case('stdin gzip', gz, 'clean', exact=full)
    m.stdin_case('stdin gzip cut', gz[:len(gz) // 2], 'damage',
                 prefix=before(len(zlib.decompressobj(31).decompress(gz[:len(gz) // 2]))))
    print('corrupt matrix: %d cases, %d failures' % (COUNT[0], len(FAILS)))
    for f in FAILS:
        print('FAIL ' + f)
    if not FAILS:
        os.rmdir(tmp) if not os.listdir(tmp) else subprocess.run(['rm', '-rf', tmp])
    return 1 if FAILS else 0


def compressed(m, good, full, before):
    """gzip and zstd copies: read whole like the plain file; cut or damaged, a bad file
    with every flow that the intact compressed bytes hold kept (gzip: what zlib inflates
    from the bytes before the cut or the damaged byte; zstd: what `zstd -d` writes)."""
    gz = gzip.compress(good, mtime=0)
    m.case('gzip', gz, 'clean', exact=full, cli=True, suffix='.yaf.gz')
    m.case('gzip, named .yaf', gz, 'clean', exact=full)  # the magic decides, not the name
    m.case('gzip members', gzip.compress(good[:1000], mtime=0) +
           gzip.compress(good[1000:], mtime=0), 'clean', exact=full, suffix='.yaf.gz')
    m.case('gzip + junk', gz + b'junk', 'damage', exact=full, suffix='.yaf.gz',
           grep='not gzip data')

    def gz_prefix(n):  # flows of the messages wholly inside what zlib inflates from gz[:n]
        return before(len(zlib.decompressobj(31).decompress(gz[:n])))
    for cut in (1, 10, 30, len(gz) // 3, len(gz) // 2, len(gz) - 8, len(gz) - 1):
        m.case('gzip cut@%d' % cut, gz[:cut], 'damage', prefix=gz_prefix(cut),
               suffix='.yaf.gz', cli=(cut == len(gz) // 2))
    for off in (len(gz) // 4, len(gz) // 2, 3 * len(gz) // 4, len(gz) - 6):
        b = bytearray(gz)
        b[off] ^= 0x55
        m.case('gzip byte %d flipped' % off, bytes(b), 'damage', prefix=gz_prefix(off),
               suffix='.yaf.gz', cli=(off == len(gz) // 2))
    zstd = shutil.which('zstd')
    if not zstd:
        FAILS.append('zstd is not installed (scripts/deps): zstd cases not run')
        return
    zs = subprocess.run([zstd, '-q', '-c', '--check'], input=good, capture_output=True,
                        check=True).stdout
    m.case('zstd', zs, 'clean', exact=full, cli=True, suffix='.yaf.zst')
    m.case('zstd frames', zs + subprocess.run([zstd, '-q', '-c'], input=b'', capture_output=True,
                                              check=True).stdout, 'clean', exact=full,
           suffix='.yaf.zst')

    def zs_prefix(n):  # what the zstd tool itself recovers from zs[:n]
        p = subprocess.run([zstd, '-q', '-d', '-c'], input=zs[:n], capture_output=True)
        return before(len(p.stdout))
    for cut in (3, 20, len(zs) // 3, len(zs) // 2, len(zs) - 4, len(zs) - 1):
        m.case('zstd cut@%d' % cut, zs[:cut], 'damage', prefix=zs_prefix(cut),
               suffix='.yaf.zst', cli=(cut == len(zs) // 2))
    for off in (len(zs) // 4, len(zs) // 2, 3 * len(zs) // 4, len(zs) - 2):
        b = bytearray(zs)
        b[off] ^= 0x55
        m.case('zstd byte %d flipped' % off, bytes(b), 'damage', prefix=zs_prefix(off),
               suffix='.yaf.zst', cli=(off == len(zs) // 2))


def msg(body, domain=0):
    return struct.pack('>HHIII', 10, 16 + len(body), 0, 0, domain) + body


def tset(recs, sid=2):
    body = b''.join(recs)
    return struct.pack('>HH', sid, 4 + len(body)) + body


def tmpl(tid, fields):
    b = struct.pack('>HH', tid, len(fields))
    for pen, fid, fl in fields:
        b += struct.pack('>HHI', fid | 0x8000, fl, pen) if pen else struct.pack('>HH', fid, fl)
    return b


def vl(b):
    return (bytes([len(b)]) if len(b) < 255 else b'\xff' + struct.pack('>H', len(b))) + b


def structural(m, good, msgs, w, full, pre):
    """Cases built from parts of the good file: order, templates, synthetic records."""
    data_idx = sorted(w.data_msgs)
    d0 = data_idx[0]
    t_end = msgs[d0][0]                 # the templates come before the first data message
    o0, n0 = msgs[d0]
    lines_d0 = pre[o0 + n0][len(pre[o0]):]
    # a data message before its templates: its flows cannot be read (unknown sets), which
    # is reported as damage (exit 3, file named); every other flow is kept
    moved = good[o0:o0 + n0] + good[:o0] + good[o0 + n0:]
    exp = pre[o0] + full[len(pre[o0 + n0]):]
    m.case('data before template', moved, 'damage', exact=exp, cli=True)
    # template withdrawal after the first data message: later flow sets are damage
    cut = o0 + n0
    dom = struct.unpack_from('>I', good, 12)[0]
    wd = msg(tset([struct.pack('>HH', t, 0) for t in w.flow_tids]), dom)
    m.case('template withdrawn', good[:cut] + wd + good[cut:], 'damage', prefix=pre[cut])
    # redefined with another layout, then back: nothing may change
    other = msg(tset([tmpl(t, w.t[t][1:]) for t in w.flow_tids]), dom)
    back = msg(tset([tmpl(t, w.t[t]) for t in w.flow_tids]), dom)
    m.case('template redefined and back', good[:cut] + other + back + good[cut:], 'clean',
           exact=full)
    # redefined with another layout and used with the old one: garbage or damage, no crash
    m.case('template redefined', good[:cut] + other + good[cut:], 'any', prefix=pre[cut])
    # observation domains: 64 per file (IPFIX_MAX_DOMAINS); messages of more are skipped
    doms = lambda n: b''.join(msg(b'', dom + 1 + k) for k in range(n))
    m.case('63 more domains', good + doms(63), 'clean', exact=full)
    m.case('20000 more domains', good + doms(20000), 'damage', exact=full,
           grep='observation domain')
    # DNS template links belong to a domain (issue 17): another domain defining, redefining
    # or withdrawing the same template IDs must not change this domain's DNS records, with
    # either decoder (libfixbuf's pair table is one per session: the reader resets it)
    list_tids = sorted({rd16(good, eo) for _, eo in w.entries} | {w.dns_rec[0]})
    other_dom = dom + 1
    not_dns = msg(tset([tmpl(t, [(0, 8, 4), (0, 12, 4)]) for t in list_tids]), other_dom)
    m.case('other domain redefines the DNS templates', good[:cut] + not_dns + good[cut:],
           'clean', exact=full)
    same = msg(tset([tmpl(t, w.t[t]) for t in list_tids]), other_dom)
    gone = msg(tset([struct.pack('>HH', t, 0) for t in list_tids]), other_dom)
    m.case('other domain withdraws the DNS templates', good[:cut] + same + gone + good[cut:],
           'clean', exact=full)
    # and the other way round: a domain whose template of that ID is not DNS gets no records
    # from this domain's DNS template (both decoders, the records of domain `dom` unchanged)
    m.case('both domains, interleaved', good[:cut] + not_dns + msg(b'', other_dom) +
           good[cut:] + not_dns, 'clean', exact=full)
    # template flood (issue 17): the file's template state is bounded (16 MiB charged);
    # past it the file ends as damage, named, every flow before it kept
    flood = bytearray()
    for d in range(63):                 # 64 domains in all: the domain cap is not what stops it
        for first in range(256, 256 + 4096, 2048):
            recs = b''.join(struct.pack('>HHHH', t, 1, 8, 4) for t in range(first, first + 2048))
            flood += msg(tset([recs]), other_dom + d)
    m.case('template flood', good + bytes(flood), 'damage', exact=full, grep='more than 16 MiB')

    # an STML entry naming an unknown template: that entry's DNS records are skipped
    i, eo = w.entries[0]
    b = bytearray(good)
    b[eo:eo + 2] = b'\xd7\xff'
    fl = [x for x in full if x[0] == 'F']

    def same_flows(lines):
        got = [x.rsplit(' ', 1)[0] for x in lines if x[0] == 'F']
        if got != [x.rsplit(' ', 1)[0] for x in fl]:
            return 'flows differ'
        if sum(1 for x in lines if x[0] == 'R') >= sum(1 for x in full if x[0] == 'R'):
            return 'the unknown entry was decoded'
        return None
    m.case('stml entry unknown template', bytes(b), 'any', check=same_flows)

    # synthetic flow records: the first flow record with a new STML of DNS records
    _, ro, rend, spo, send, rtid = w.recs[0]
    dtid, nidx, drec = w.dns_rec
    np_, nps, nco, ncl = varlen(drec, name_off(w, dtid, drec, nidx))
    wrap_tid = rd16(good, w.entries[0][1])
    sem = good[w.stls[0][1] + w.stls[0][2]]

    def flow_with(names, claim=None):
        recs = b''.join(drec[:np_] + vl(n) + drec[nco + ncl:] for n in names)
        stl = bytes([sem]) + struct.pack('>H', dtid) + recs
        stl_v = b'\xff' + struct.pack('>H', claim if claim is not None else len(stl)) + stl
        entry = struct.pack('>HH', wrap_tid, 4 + len(stl_v)) + stl_v
        stml = b'\x03' + entry
        rec = good[ro:spo] + b'\xff' + struct.pack('>H', len(stml)) + stml + good[send:rend]
        return good[:t_end] + msg(struct.pack('>HH', rtid, 4 + len(rec)) + rec, dom)

    names = [b'', b'x', b'a' * 1000 + b'.example', b'n' * 300]

    def names_ok(want):
        def chk(lines):
            r = [x.split(' ', 8)[8] if x.count(' ') >= 8 else '' for x in lines if x[0] == 'R']
            f = [x for x in lines if x[0] == 'F']
            if len(f) != 1 or not f[0].endswith(' %d' % len(want)):
                return 'want one flow with %d DNS records, got %s' % (len(want), f[:1])
            if [len(x) for x in r] != [len(x) for x in want]:
                return 'name lengths %s' % [len(x) for x in r][:8]
            return None
        return chk
    m.case('names 0 1 1008 300', flow_with(names), 'clean', check=names_ok(names), cli=True)
    big = [b'z' * 64000]
    m.case('name 64000', flow_with(big), 'clean', check=names_ok(big))
    many = [b'q'] * 2047
    m.case('2047 DNS records in one flow', flow_with(many), 'clean', check=names_ok(many))
    # one more than libfixbuf 2.4.1 decodes in one list (docs/format.md, limits):
    # damage at that record, the flow is lost, the records before it are kept
    m.case('2048 DNS records in one flow', flow_with([b'q'] * 2048), 'damage', exact=[],
           grep='more than 2047 records')
    m.case('10000 DNS records claimed', flow_with([b'q'] * 100, claim=0xFFFF), 'damage',
           exact=[])


def name_off(w, tid, rec, idx):
    q = 0
    for k, (pen, fid, fl) in enumerate(w.t[tid]):
        if k == idx:
            return q
        q += fl if fl != 65535 else varlen(rec, q)[1] + varlen(rec, q)[3]
    raise AssertionError('no name field')


if __name__ == '__main__':
    sys.exit(main())
