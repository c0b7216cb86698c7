#!/usr/bin/env python3
"""
hostile.py - hostile repositories, round two (issue 17): what an attacker or an
unlucky operator does to a repository and to the machine around it, beside the
corruption matrix (matrix.py damages one file; these cases damage the tree, the
process limits and the output).

  hostile.py --gen flowsweep-gen --flowdump flowdump --flowsweep flowsweep

Every case states its expectation independently of flowsweep's output: the
generator's truth (flowdump v1 text, as tests/ref/reference.py reads it), the
rows of a clean repository with the same good files, Python's integers, or
plain facts (exit status, a named path on stderr). No case may crash, hang or
report a sanitizer finding.
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

TIMEOUT = 60
FAILS = []
COUNT = [0]


class Run:
    def __init__(self, a):
        self.a = a
        self.env = dict(os.environ, G_SLICE='always-malloc')
        self.env['ASAN_OPTIONS'] = self.env.get('ASAN_OPTIONS', '') + ':exitcode=86'
        self.env['UBSAN_OPTIONS'] = self.env.get('UBSAN_OPTIONS', '') + \
            ':halt_on_error=1:exitcode=86'

    def __call__(self, argv, nofile=None, timeout=TIMEOUT, stdout=None, cwd=None):
        """(exit, stdout, stderr); exit None on a timeout."""
        def limit():
            if nofile is not None:
                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
        try:
            p = subprocess.run(argv, stdout=stdout if stdout is not None else subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=timeout, env=self.env,
                               preexec_fn=limit, cwd=cwd)
        except subprocess.TimeoutExpired:
            return None, b'', b'timeout'
        return p.returncode, p.stdout or b'', p.stderr


def check(name, ok, why):
    COUNT[0] += 1
    if not ok:
        FAILS.append('%s: %s' % (name, why))


def sound(name, rc, err):
    """No crash, no hang, no sanitizer report. Returns False (and records why) if not."""
    if rc is None:
        check(name, False, 'hangs (> %d s)' % TIMEOUT)
        return False
    if rc < 0 or rc == 86 or b'Sanitizer' in err or b'runtime error' in err:
        check(name, False, 'crashed (exit %d): %r' % (rc, err[-400:]))
        return False
    return True


def gen(a, run, out, seed, flows, hours=2, labels=None, extra=()):
    argv = [a.gen, '--out', out, '--seed', str(seed), '--hours', str(hours), '--flows',
            str(flows), '-q', '--threads', '1'] + list(extra)
    if labels:
        argv += ['--labels', labels]
    rc, _, err = run(argv)
    assert rc == 0, 'generator failed: %r' % err
    return sorted(os.path.join(d, f) for d, _, fs in os.walk(out) for f in fs
                  if f.endswith('.yaf'))


DEST = ['dns-dest', '--format', 'csv', '--limit', '0', '-q']


# ---------------------------------------------------------------------------------------
# item 3: a FIFO where a planned file was must not block open() forever

def case_fifo(a, run, tmp):
    fifo = os.path.join(tmp, 'fifo.yaf')
    os.mkfifo(fifo)
    # flowdump opens its PATH with the reader's open, as the plan's files are opened
    rc, _, err = run([a.flowdump, fifo], timeout=20)
    if sound('fifo flowdump', rc, err):
        check('fifo flowdump', rc == 1 and fifo.encode() in err and b'FIFO' in err,
              'exit %s, want 1 naming the FIFO: %r' % (rc, err[-300:]))
    rc, _, err = run([a.flowdump, '--decoder', 'fixbuf', fifo], timeout=20)
    if sound('fifo flowdump fixbuf', rc, err):
        check('fifo flowdump fixbuf', rc == 1 and b'FIFO' in err, 'exit %s: %r' % (rc, err))


# ---------------------------------------------------------------------------------------
# item 9: running out of file descriptors is an error of the run, the same on every run

def case_fd_exhaustion(a, run, tmp, repo):
    rc0, want, err0 = run([a.flowsweep] + DEST + ['-t', '1', repo])
    assert rc0 == 0, err0
    for k in range(3):
        name = 'ulimit -n 4, -t 2, run %d' % k
        rc, out, err = run([a.flowsweep] + DEST + ['-t', '2', repo], nofile=4)
        if not sound(name, rc, err):
            continue
        check(name, rc == 1 and b'too many open files' in err and out == b'' and
              b'flows before the damage' not in err,
              'exit %s, want 1 with a clear error and no per-file damage: %r' % (rc, err[-400:]))
    for n in (6, 8):
        name = 'ulimit -n %d, -t 2' % n
        rc, out, err = run([a.flowsweep] + DEST + ['-t', '2', repo], nofile=n)
        if sound(name, rc, err):
            check(name, rc == 0 and out == want, 'exit %s: %r' % (rc, err[-400:]))


def copy_repo(src, dst):
    shutil.copytree(src, dst, symlinks=True)
    return dst


def messages(b):
    out, o = [], 0
    while o + 16 <= len(b):
        n = int.from_bytes(b[o + 2:o + 4], 'big')
        out.append((o, n))
        o += n
    return out


# ---------------------------------------------------------------------------------------
# item 1: what cannot be walked below a PATH is a warning naming it; the sweep goes on

def case_unwalkable(a, run, tmp, repo):
    rc0, want, err0 = run([a.flowsweep] + DEST + [repo])
    assert rc0 == 0, err0
    # a good file 130 directories below the PATH (PART_WALK_MAX_DEPTH is 128)
    deep = copy_repo(repo, os.path.join(tmp, 'deep'))
    d = os.path.join(deep, 'x')
    for _ in range(130):
        d = os.path.join(d, 'd')
    os.makedirs(d)
    shutil.copy(gen_one(a, run, tmp), os.path.join(d, 'lost.yaf'))
    rc, out, err = run([a.flowsweep] + DEST + [deep])
    too_deep = os.path.join(deep, 'x', *(['d'] * 128)).encode()  # depth 129 below the PATH
    if sound('deeper than 128', rc, err):
        check('deeper than 128', rc == 3 and out == want and too_deep + b': skipped' in err and
              b'nested deeper' in err, 'exit %s, rows %s: %r' % (rc, out == want, err[-300:]))
    # a directory whose path is longer than PATH_MAX, a file inside it
    longp = copy_repo(repo, os.path.join(tmp, 'long'))
    fd = os.open(longp, os.O_RDONLY)
    parts = []
    for k in range(24):
        name = ('%02d' % k) + 'L' * 198
        os.mkdir(name, dir_fd=fd)
        nfd = os.open(name, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = nfd
        parts.append(name)
    with open(gen_one(a, run, tmp), 'rb') as f:
        data = f.read()
    wfd = os.open('lost.yaf', os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
    os.write(wfd, data)
    os.close(wfd)
    os.close(fd)
    rc, out, err = run([a.flowsweep] + DEST + [longp])
    if sound('path over PATH_MAX', rc, err):
        # the first directory whose path passes PATH_MAX is named whole
        first = next(os.path.join(longp, *parts[:k + 1]) for k in range(len(parts))
                     if len(os.path.join(longp, *parts[:k + 1])) >= 4096).encode()
        ok = rc == 3 and out == want and \
            b'warn: ' + first + b': skipped: cannot be examined: File name too long' in err
        check('path over PATH_MAX', ok, 'exit %s, rows %s: %r' % (rc, out == want, err[-600:]))
    # a directory the user cannot read (root-only lost+found): as an unprivileged user
    if os.geteuid() == 0:
        locked = copy_repo(repo, os.path.join(tmp, 'locked'))
        lf = os.path.join(locked, 'lost+found')
        os.mkdir(lf, 0o700)
        shutil.copy(gen_one(a, run, tmp), os.path.join(lf, 'x.yaf'))
        for dp, dns, fs in os.walk(locked):
            for n in dns + fs:
                if os.path.join(dp, n) != lf:
                    os.chmod(os.path.join(dp, n), 0o755 if n in dns else 0o644)
        os.chmod(tmp, 0o755)
        nobody = Run(a)
        argv = [a.flowsweep] + DEST + [locked]
        try:
            p = subprocess.run(argv, capture_output=True, timeout=TIMEOUT, env=nobody.env,
                               preexec_fn=lambda: (os.setgid(65534), os.setuid(65534)))
            rc, out, err = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired:
            rc, out, err = None, b'', b''
        if rc == 127 or b'Permission denied' in err and lf.encode() not in err:
            print('skip: unreadable directory (the binaries are not reachable as nobody)')
        elif sound('unreadable lost+found', rc, err):
            check('unreadable lost+found', rc == 3 and out == want and
                  (lf + ': skipped: directory cannot be read: Permission denied').encode() in err,
                  'exit %s, rows %s: %r' % (rc, out == want, err[-300:]))


_ONE = {}


def gen_one(a, run, tmp):
    """One good file with DNS flows (not in any repository under test)."""
    if 'f' not in _ONE:
        _ONE['f'] = gen(a, run, os.path.join(tmp, 'one'), 9, 500, hours=1)[0]
    return _ONE['f']


# ---------------------------------------------------------------------------------------
# item 7: the time window comes before duplicate removal

def case_window_then_dedup(a, run, tmp, repo):
    win = ['--start', '2024-05-06T02', '--end', '2024-05-06T02']
    rc0, want, err0 = run([a.flowsweep] + DEST + win + [repo])
    assert rc0 == 0 and want.count(b'\n') > 1, err0
    linked = copy_repo(repo, os.path.join(tmp, 'linked'))
    f = [x for x in gen(a, run, os.path.join(tmp, 'unused'), 5, 3000, hours=4)
         if '/02/' in x][0].replace(os.path.join(tmp, 'unused'), linked)
    # the same file under an hour-00 path, walked first (sorted by bytes)
    os.link(f, os.path.join(linked, '2024', '05', '06', '00', 'yaf-20240506000000-77777.yaf'))
    rc, out, err = run([a.flowsweep] + DEST + win + [linked])
    if sound('hard link outside the window', rc, err):
        check('hard link outside the window', rc == 0 and out == want,
              'exit %s, rows equal %s: %r' % (rc, out == want, err[-300:]))


# ---------------------------------------------------------------------------------------
# item 8: a long path is named whole, with the offset and the reason

def case_long_path(a, run, tmp):
    d = os.path.join(tmp, 'lp', *(['p' * 60] * 8))
    os.makedirs(d)
    with open(gen_one(a, run, tmp), 'rb') as f:
        good = f.read()
    msgs = messages(good)
    o, n = msgs[len(msgs) // 2]
    bad = os.path.join(d, 'yaf-20240506000000-00001.yaf')
    with open(bad, 'wb') as f:
        f.write(good[:o + n // 2])     # cut inside a message: fatal at offset o
    assert len(bad) > 500
    rc, out, err = run([a.flowsweep] + DEST + [bad])
    want = ('%s: offset %d: truncated message' % (bad, o)).encode()
    if sound('500-byte path', rc, err):
        check('500-byte path', rc == 3 and want in err,
              'exit %s, want %r in %r' % (rc, want[-80:], err[-300:]))


# ---------------------------------------------------------------------------------------
# item 10: small ones

def case_small(a, run, tmp, repo):
    for argv in (['dns-dest', '--show-query'], ['dns-names', '--show-query'], ['--help'],
                 ['--version'], ['dns-dest', '--help']):
        name = '%s > /dev/full' % ' '.join(argv)
        with open('/dev/full', 'wb') as full:
            rc, _, err = run([a.flowsweep] + argv, stdout=full)
        if sound(name, rc, err):
            check(name, rc == 1 and b'No space left' in err, 'exit %s: %r' % (rc, err[-200:]))
    # usage errors echo arguments escaped, like names
    evil = '\x1b]0;owned\x07\x1b[2J'
    for argv in ([evil], ['query', '--where', evil, repo], ['dns-dest', '--format', evil, repo],
                 ['dns-dest', '--start', evil, repo]):
        name = 'usage error echoing %r' % argv
        rc, _, err = run([a.flowsweep] + argv)
        if sound(name, rc, err):
            check(name, rc == 2 and b'\x1b' not in err and b'\x07' not in err,
                  'exit %s: %r' % (rc, err[-200:]))
    # "N flows before the damage": after a non-fatal damage the count covers both sides
    with open(gen_one(a, run, tmp), 'rb') as f:
        good = bytearray(f.read())
    data = [(o, n) for o, n in messages(good)
            if int.from_bytes(good[o + 16:o + 18], 'big') >= 256]
    o, _ = data[len(data) // 2]
    good[o + 16:o + 18] = b'\x00\x01'    # illegal set ID: that set is skipped, reading goes on
    bad = os.path.join(tmp, 'setid.yaf')
    with open(bad, 'wb') as f:
        f.write(good)
    rc, dump, _ = run([a.flowdump, bad])
    nflows = sum(1 for ln in dump.split(b'\n') if ln.startswith(b'F '))
    rc, _, err = run([a.flowsweep] + DEST + [bad])
    want = b'(%d flows of the file were counted, before and after what was skipped)' % nflows
    if sound('flows around a damage', rc, err):
        check('flows around a damage', rc == 3 and want in err and
              b'before the damage were' not in err, 'want %r: %r' % (want, err[-300:]))
    # the generator's labels.tsv goes beside a fresh repository, so its first sweep is clean
    fresh = os.path.join(tmp, 'fresh')
    rc, _, err = run([a.gen, '--out', fresh, '--seed', '2', '--hours', '1', '--flows', '300',
                      '-q', '--threads', '1'])
    assert rc == 0, err
    check('labels beside the repository', os.path.exists(fresh + '.labels.tsv') and
          not os.path.exists(os.path.join(fresh, 'labels.tsv')), os.listdir(fresh))
    rc, _, err = run([a.flowsweep] + DEST + [fresh])
    if sound('fresh repository', rc, err):
        check('fresh repository', rc == 0, 'exit %s: %r' % (rc, err[-300:]))


# ---------------------------------------------------------------------------------------
# item 4: sum() is exact past 2^64 in every format and order (Python's integers as truth)

def ipfix_file(path, flows, domain=0):
    """A minimal flow file: one template (IPv4, ports, proto, ms times, total counters)."""
    import struct
    fields = [(8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (152, 8), (153, 8), (85, 8), (86, 8)]
    t = struct.pack('>HH', 300, len(fields)) + b''.join(struct.pack('>HH', i, n) for i, n in fields)
    body = struct.pack('>HH', 2, 4 + len(t)) + t
    recs = b''.join(struct.pack('>IIHHBQQQQ', 0x0A000001, 0x0A000002, 1000, 53, proto,
                                1714953600000, 1714953600001, octets, 1)
                    for proto, octets in flows)
    body += struct.pack('>HH', 300, 4 + len(recs)) + recs
    with open(path, 'wb') as f:
        f.write(struct.pack('>HHIII', 10, 16 + len(body), 0, 0, domain) + body)


def case_sum(a, run, tmp):
    import csv
    import io
    import json
    m = 2**64 - 1
    flows1 = [(6, m), (17, m), (1, 2), (6, m)]  # proto 6 passes 2^64 inside one file too
    flows2 = [(6, m), (17, 7), (1, 3), (2, m)]
    d = os.path.join(tmp, 'sums')
    os.makedirs(d)
    ipfix_file(os.path.join(d, 'a.ipfix'), flows1)
    ipfix_file(os.path.join(d, 'b.ipfix'), flows2)
    # An hour old for the cache below: files written just now are not cached (racy); nor are
    # files whose ctime (utime stamps it now) is younger than 2 s: the runs before it count.
    for f in os.listdir(d):
        os.utime(os.path.join(d, f), (os.path.getmtime(os.path.join(d, f)) - 3600,) * 2)
    aged = time.monotonic() + 2.1
    want = {}
    for proto, octets in flows1 + flows2:
        want[proto] = want.get(proto, 0) + octets
    assert want[6] == 3 * 18446744073709551615
    q = ['query', '--group-by', 'proto', '--agg', 'b=sum(bytes), n=count()']
    for order, limit in (('desc', 0), ('desc', 2), ('asc', 3)):
        rows = sorted(want.items(), key=lambda kv: kv[1], reverse=order == 'desc')  # no ties
        rows = rows[:limit] if limit else rows
        for t in ('1', '2'):
            base = [a.flowsweep] + q + ['--order', 'b ' + order, '--limit', str(limit), '-q',
                                        '-t', t]
            name = 'sum %s limit %d -t %s' % (order, limit, t)
            rc, out, err = run(base + ['--format', 'csv', d])
            if sound(name + ' csv', rc, err):
                got = [(int(r[0]), int(r[1])) for r in list(csv.reader(io.StringIO(
                    out.decode())))[1:]]
                check(name + ' csv', rc == 0 and got == rows, 'got %s want %s %r' % (
                    got, rows, err[-200:]))
            rc, out, err = run(base + ['--format', 'json', d])
            if sound(name + ' json', rc, err):
                got = [(r['proto'], r['b']) for r in map(json.loads, out.decode().splitlines())]
                check(name + ' json', rc == 0 and got == rows, 'got %s want %s' % (got, rows))
            rc, out, err = run(base + [d])
            if sound(name + ' table', rc, err):
                got = [tuple(int(x) for x in ln.strip('|').split('|')[:2])
                       for ln in out.decode().splitlines() if ln.startswith('|') and
                       ln.strip('|').split('|')[0].strip().isdigit()]
                check(name + ' table', rc == 0 and got == rows, 'got %s want %s' % (got, rows))
    # --having compares a sum exactly; arithmetic on it past signed 64-bit is an error
    for bound in (10, 2**63 - 1):  # literals are signed 64-bit; sums compare exactly
        name = 'sum in --having b > %d' % bound
        rows = sorted((kv for kv in want.items() if kv[1] > bound), key=lambda kv: -kv[1])
        rc, out, err = run([a.flowsweep] + q + ['--having', 'b > %d' % bound, '--order', 'b desc',
                                                '--format', 'csv', '-q', d])
        if sound(name, rc, err):
            got = [(int(r[0]), int(r[1])) for r in list(csv.reader(io.StringIO(
                out.decode())))[1:]]
            check(name, rc == 0 and got == rows, 'exit %s got %s want %s %r' % (
                rc, got, rows, err[-200:]))
    rc, out, err = run([a.flowsweep] + q + ['--having', 'b - 1 > 10', '--format', 'csv', d])
    if sound('sum arithmetic in --having', rc, err):
        check('sum arithmetic in --having', rc == 1 and b'overflow' in err and out == b'',
              'exit %s: %r' % (rc, err[-300:]))
    # a cached partial keeps all 128 bits: the second run merges the saved states
    cache = os.path.join(tmp, 'sums.cache')
    time.sleep(max(0.0, aged - time.monotonic()))
    rows = sorted(want.items(), key=lambda kv: -kv[1])
    for k in range(2):
        name = 'sum through --cache, run %d' % k
        rc, out, err = run([a.flowsweep] + q + ['--order', 'b desc', '--format', 'csv',
                                                '--cache', cache, '-t', '1', d])
        if sound(name, rc, err):
            got = [(int(r[0]), int(r[1])) for r in list(csv.reader(io.StringIO(
                out.decode())))[1:]]
            hit = b'cache: %d files from partials' % (2 * k) in err
            check(name, rc == 0 and got == rows and hit, 'exit %s got %s want %s %r' % (
                rc, got, rows, err[-300:]))

# ---------------------------------------------------------------------------------------
# item 2: template memory is bounded; a template flood is a bad file, never an OOM

def flood_file(path, ndomains=63, ntemplates=4096):
    import struct
    out = bytearray()
    for d in range(ndomains):
        for first in range(256, 256 + ntemplates, 2048):
            recs = b''.join(struct.pack('>HHHH', t, 1, 8, 4) for t in range(first, first + 2048))
            body = struct.pack('>HH', 2, 4 + len(recs)) + recs
            out += struct.pack('>HHIII', 10, 16 + len(body), 0, 0, d + 1) + body
    with open(path, 'wb') as f:
        f.write(out)


def peak_rss_run(argv, env):
    """(exit, stdout, stderr, peak RSS in MiB) of one child, from wait4()."""
    with tempfile.TemporaryFile() as o, tempfile.TemporaryFile() as e:
        p = subprocess.Popen(argv, stdout=o, stderr=e, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        o.seek(0)
        e.seek(0)
        return p.returncode, o.read(), e.read(), ru.ru_maxrss / 1024.0


def case_template_flood(a, run, tmp, repo):
    d = copy_repo(repo, os.path.join(tmp, 'flood'))
    bad = [os.path.join(d, 'flood-%d.ipfix' % k) for k in (1, 2)]
    for b in bad:
        flood_file(b)
    rc0, want, err0 = run([a.flowsweep] + DEST + [repo])
    assert rc0 == 0, err0
    with open(a.flowsweep, 'rb') as f:
        exe = f.read()
        sanitized = b'AddressSanitizer' in exe or b'ThreadSanitizer' in exe
    for dec in ('fast', 'fixbuf'):
        name = 'template flood, --mem-limit 64M -t 2 --decoder ' + dec
        rc, out, err, rss = peak_rss_run([a.flowsweep] + DEST + [
            '--mem-limit', '64M', '-t', '2', '--decoder', dec, d], run.env)
        if not sound(name, rc, err):
            continue
        named = all((b + ': offset').encode() in err for b in bad)
        check(name, rc == 3 and out == want and named and b'more than 16 MiB' in err,
              'exit %s, rows %s, named %s: %r' % (rc, out == want, named, err[-300:]))
        # the bound: the limit plus 64 MiB (sanitizer builds keep shadow memory: not measured)
        check(name + ' peak RSS', sanitized or rss <= 64 + 64,
              'peak RSS %.0f MiB > 128 MiB' % rss)



# ---------------------------------------------------------------------------------------
# item 4, dns-hunt: its byte and packet sums are exact past 2^64 - 1, as query's sum()
# (in one file: the fold; across files on two workers: the merge), never wrapped

def dns_file(path, flows):
    """DNS flows (one TXT query each, tests/report/hostile_ipfix.py's layout): (name, bytes)."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'report'))
    import hostile_ipfix as h
    recs = [h.flow(1714953600000 + k * 1000, name, nbytes=n, npkts=2)
            for k, (name, n) in enumerate(flows)]
    with open(path, 'wb') as f:
        f.write(h.message([h.set_(2, h.tmpl(h.DNS_T, h.DNS_FIELDS) + h.tmpl(h.FLOW_T,
                                                                          h.FLOW_FIELDS))],
                          0, 1714953600) + h.message([h.set_(h.FLOW_T, b''.join(recs))], 1,
                                                     1714953600))


def case_hunt_sum(a, run, tmp):
    import csv
    import io
    m = 2**64 - 1
    d = os.path.join(tmp, 'huntsum')
    os.makedirs(d)
    half = m // 2
    dns_file(os.path.join(d, 'a.ipfix'), [(b'a1.tunnel.example.com.', half)])
    dns_file(os.path.join(d, 'b.ipfix'), [(b'a2.tunnel.example.com.', half),
                                          (b'a4.tunnel.example.com.', m)])
    dns_file(os.path.join(d, 'c.ipfix'), [(b'a3.tunnel.example.com.', 2)])
    want = 2 * half + m + 2                     # 2^65 - 1: past 64 bits in b.ipfix and merged
    for t in ('1', '2'):
        name = 'dns-hunt bytes past 2^64 -t ' + t
        rc, out, err = run([a.flowsweep, 'dns-hunt', '--format', 'csv', '-q', '-t', t, d])
        if sound(name, rc, err):
            rows = list(csv.DictReader(io.StringIO(out.decode())))
            ok = rc == 0 and len(rows) == 1 and int(rows[0]['bytes']) == want
            check(name, ok, 'exit %s rows %r %r' % (rc, rows, err[-200:]))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--gen', required=True)
    ap.add_argument('--flowdump', required=True)
    ap.add_argument('--flowsweep', required=True)
    a = ap.parse_args()
    run = Run(a)
    tmp = tempfile.mkdtemp(prefix='hostile.')
    repo = os.path.join(tmp, 'repo')
    gen(a, run, repo, 5, 3000, hours=4, labels=os.path.join(tmp, 'labels.tsv'))

    case_fifo(a, run, tmp)
    case_fd_exhaustion(a, run, tmp, repo)
    case_unwalkable(a, run, tmp, repo)
    case_window_then_dedup(a, run, tmp, repo)
    case_long_path(a, run, tmp)
    case_small(a, run, tmp, repo)
    case_sum(a, run, tmp)
    case_hunt_sum(a, run, tmp)
    case_template_flood(a, run, tmp, repo)

    print('hostile: %d checks, %d failures' % (COUNT[0], len(FAILS)))
    for f in FAILS:
        print('FAIL ' + f)
    if not FAILS:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if FAILS else 0


if __name__ == '__main__':
    sys.exit(main())
