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

    print('hostile: %d checks, %d failures' % (COUNT[0], len(FAILS)))
    for f in FAILS:
        print('FAIL ' + f)
    if not FAILS:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if FAILS else 0


if __name__ == '__main__':
    sys.exit(main())
