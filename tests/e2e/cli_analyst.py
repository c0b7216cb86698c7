#!/usr/bin/env python3
"""cli_analyst.py FLOWSWEEP GEN WORKDIR - the command line as an analyst uses it (issue 14).

Each check runs flowsweep as a user would and compares with an independent
expectation: the same command on a repository without the extra files, the
plain files against their gzip/zstd copies and standard input, Python's csv
and json modules parsing what flowsweep wrote, per-file exports concatenated
in time order, the file system after a failed run.
"""
import csv
import gzip
import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys

FS, GEN, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
FAILS = []
HERE = os.path.dirname(os.path.abspath(__file__))
DOCS = os.path.join(HERE, '..', '..', 'docs')


def run(args, stdin=None, env=None):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([FS] + args, input=stdin, capture_output=True, timeout=300, env=e)
    return p.returncode, p.stdout, p.stderr.decode('ascii', 'replace')


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print('FAIL ' + what)


def files_under(root):
    return sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs)


shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
repo = os.path.join(WORK, 'repo')
subprocess.run([GEN, '--out', repo, '--seed', '5', '--start', '2024-05-01T00', '--hours', '4',
                '--flows', '12000', '--labels', os.path.join(WORK, 'labels.tsv'), '-q'],
               check=True)
yafs = files_under(repo)

# ---- 1. a repository holds more than flow files --------------------------------------
clean = {cmd: run([cmd, '--format', 'csv', '-q', repo]) for cmd in ('dns-names', 'dns-dest')}
messy = os.path.join(WORK, 'messy')
shutil.copytree(repo, messy)
for name, text in (('README.md', '# hourly YAF\n'), ('SHA256SUMS', 'abc  x.yaf\n'),
                   ('labels.tsv', open(os.path.join(WORK, 'labels.tsv')).read()),
                   ('2024/05/01/01/notes.txt', 'operator notes\n')):
    with open(os.path.join(messy, name), 'w') as f:
        f.write(text)
for cmd in ('dns-names', 'dns-dest'):
    rc, out, err = run([cmd, '--format', 'csv', messy])
    check(rc == 0, '%s on a repository with README/SHA256SUMS/labels: exit %d: %s' % (cmd, rc, err))
    check(out == clean[cmd][1], '%s: rows differ with the extra files beside them' % cmd)
    check('passed over 4' in err, '%s: the summary counts the 4 files passed over' % cmd)
rc, out, err = run(['dns-dest', '-v', messy])
for name in ('README.md', 'SHA256SUMS', 'labels.tsv', 'notes.txt'):
    check(re.search(re.escape(name) + r': passed over: not named like a flow file', err),
          '-v lists %s as passed over' % name)
rc, out, err = run(['dns-dest', '--include', '*.tsv', '-q', messy])
check(rc == 3 and 'labels.tsv' in err, '--include *.tsv reads labels.tsv (a bad file, exit 3)')
rc, out, err = run(['dns-dest', '-q', os.path.join(messy, 'README.md')])
check(rc == 3 and 'README.md' in err, 'a file named on the command line is always read')
drop = yafs[1]
rc, out, err = run(['dns-dest', '--format', 'csv', '--exclude', os.path.basename(drop), '-q', repo])
rc2, out2, _ = run(['dns-dest', '--format', 'csv', '-q'] + [y for y in yafs if y != drop])
check(rc == 0 and out == out2, '--exclude NAME equals naming every other file')
rc, out, err = run(['dns-dest', '--format', 'csv', '--exclude', '*/05/01/01/*', '-q', repo])
rc2, out2, _ = run(['dns-dest', '--format', 'csv', '-q'] + [y for y in yafs if '/05/01/01/' not in y])
check(rc == 0 and out == out2, '--exclude with a / matches the path')

# ---- 2. gzip and zstd copies give byte-identical output ------------------------------
for kind, ext, comp in (('gzip', '.gz', ['gzip', '-c']), ('zstd', '.zst', ['zstd', '-q', '-c'])):
    copy = os.path.join(WORK, kind)
    for y in yafs:
        dst = os.path.join(copy, os.path.relpath(y, repo)) + ext
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(y, 'rb') as fin, open(dst, 'wb') as fout:
            subprocess.run(comp, stdin=fin, stdout=fout, check=True)
    for dec in ('fast', 'fixbuf'):
        for cmd in (['dns-names', '--format', 'csv'], ['dns-dest'], ['export']):
            a = run(cmd + ['--decoder', dec, '-q', repo])
            b = run(cmd + ['--decoder', dec, '-q', copy])
            check(b[0] == 0 and a[1] == b[1],
                  '%s copy: %s --decoder %s differs from the plain files' % (kind, cmd[0], dec))
    cut = files_under(copy)[0]
    data = open(cut, 'rb').read()
    with open(cut, 'wb') as f:
        f.write(data[:len(data) // 2])
    rc, out, err = run(['dns-dest', '-q', copy])
    check(rc == 3 and os.path.basename(cut) in err and 'compressed offset' in err,
          '%s: a cut file is a bad file named with its compressed offset: %s' % (kind, err[-200:]))

# ---- 3. standard input ------------------------------------------------------------------
one = yafs[0]
raw = open(one, 'rb').read()
a = run(['dns-dest', '--format', 'csv', '-q', one])
b = run(['dns-dest', '--format', 'csv', '-q', '-'], stdin=raw)
c = run(['dns-dest', '--format', 'csv', '-q', '-'], stdin=gzip.compress(raw))
check(b[0] == 0 and b[1] == a[1], 'stdin (-) gives the rows of the file')
check(c[0] == 0 and c[1] == a[1], 'gzip data on stdin gives the rows of the file')
rc, out, err = run(['dns-dest', '-q', '-'], stdin=raw[:len(raw) // 2])
check(rc == 3 and '(stdin)' in err, 'a cut stream on stdin: exit 3 naming (stdin)')
# zstd data that starts with a skippable frame (magic 0x184D2A50..0x184D2A5F, little-endian;
# pzstd writes one first), as a file and on stdin: the rows of the file
z = subprocess.run(['zstd', '-q', '-c'], input=raw, stdout=subprocess.PIPE, check=True).stdout
for magic in (0x184D2A50, 0x184D2A5F):
    pz = struct.pack('<II', magic, 4) + b'pzst' + z
    pzf = os.path.join(WORK, 'skippable-%x.zst' % magic)
    with open(pzf, 'wb') as f:
        f.write(pz)
    e = run(['dns-dest', '--format', 'csv', '-q', pzf])
    f2 = run(['dns-dest', '--format', 'csv', '-q', '-'], stdin=pz)
    check(e[0] == 0 and e[1] == a[1], 'zstd after a skippable frame 0x%X: the rows of the file '
          '(exit %d: %s)' % (magic, e[0], e[2][-200:]))
    check(f2[0] == 0 and f2[1] == a[1], 'the same on stdin (exit %d)' % f2[0])
# stdin has no hour: with --start/--end its records are kept by their start time
d = run(['dns-dest', '--format', 'csv', '-q', '--start', '2024-04-30', '-'], stdin=raw)
check(d[0] == 0 and d[1] == a[1], '--start before every flow: stdin gives all the rows')
d = run(['dns-dest', '--format', 'csv', '-q', '--start', '2024-05-02', '-'], stdin=raw)
check(d[0] == 0 and d[1] != a[1] and len(d[1].splitlines()) <= 1,
      '--start after every flow: stdin gives no row (%r)' % d[1][:200])

# ---- 4. -o FILE on every command -------------------------------------------------------
for cmd in (['dns-names'], ['dns-dest'], ['query', '--group-by', 'dip'], ['dns-hunt'],
            ['export']):
    dst = os.path.join(WORK, 'o-' + cmd[0])
    rc, out, err = run(cmd + ['-q', repo])
    rc2, out2, _ = run(cmd + ['-q', '-o', dst, repo])
    check(rc2 == rc == 0 and out2 == b'' and open(dst, 'rb').read() == out,
          '-o FILE holds what stdout would (%s)' % cmd[0])
dst = os.path.join(WORK, 'o-fail.csv')
with open(dst, 'w') as f:
    f.write('previous result\n')
rc, out, err = run(['query', '--group-by', 'sip,dip,sport,dport', '--mem-limit', '64K', '-q',
                    '-o', dst, repo])
check(rc == 1 and open(dst).read() == 'previous result\n',
      'a failed run leaves the previous -o file untouched')
check(not [f for f in os.listdir(WORK) if 'flowsweep-' in f], 'no temporary file is left')
cwd = os.getcwd()
os.chdir(WORK)
rc, out, err = run(['dns-dest', '-q', '-o', 'csv', repo])
os.chdir(cwd)
check(rc == 0 and 'file named' in err and os.path.exists(os.path.join(WORK, 'csv')),
      '-o csv warns that csv is a file name')

# ---- 5. CSV and JSON default to all rows; the summary says when rows were cut ---------
rc, out_all, _ = run(['dns-names', '--format', 'csv', '--limit', '0', '-q', repo])
rc, out_def, err = run(['dns-names', '--format', 'csv', repo])
nrows = len(out_all.splitlines()) - 1
check(nrows > 20 and out_def == out_all, 'CSV without --limit has every row (%d)' % nrows)
rc, out_json, _ = run(['dns-names', '--format', 'json', '-q', repo])
check(len(out_json.splitlines()) == nrows, 'JSON without --limit has every row')
rc, out_tab, err = run(['dns-names', repo])
check(b'only showing top 20 rows' in out_tab and 'cut by --limit' in err,
      'the table keeps 20 rows and the summary says rows were cut')

# ---- 6. CSV cells: lists parse back; formulas neutralised ----------------------------
rows = list(csv.reader(io.StringIO(out_all.decode('ascii'))))
objs = [json.loads(line) for line in out_json.splitlines()]
check([json.loads(r[0]) for r in rows[1:]] == [o['dnsName'] for o in objs] and
      [json.loads(r[1]) for r in rows[1:]] == [o['dnsRRType'] for o in objs],
      'CSV list cells are the JSON arrays of --format json')
# A name whose registered domain starts with '=': dns-hunt's KEY cell is text.
rc, hunt_json, _ = run(['dns-hunt', '--format', 'json', '-q', repo])
keys = [json.loads(line)[next(iter(json.loads(line)))] for line in hunt_json.splitlines()]
victim = next(k for k in keys if re.match(r'^[a-z][a-z0-9-]+\.(com|net|org|io|de)\.$', k))
evil = os.path.join(WORK, 'evil')
os.makedirs(evil)
for y in yafs:
    b = open(y, 'rb').read().replace(victim.encode(), b'=' + victim[1:].encode())
    with open(os.path.join(evil, os.path.basename(y)), 'wb') as f:
        f.write(b)
rc, h, err = run(['dns-hunt', '--format', 'csv', '-q', evil])
lines = h.decode().splitlines()
check(rc == 0 and any(x.startswith("'=" + victim[1:]) for x in lines),
      "dns-hunt CSV: a KEY starting with '=' gets a ' in front: %s" % victim)
rc, h, err = run(['dns-hunt', '--format', 'csv', '--csv-keep-formulas', '-q', evil])
check(any(x.startswith('=' + victim[1:]) for x in h.decode().splitlines()),
      '--csv-keep-formulas leaves the cell as it is')

# ---- 7. --summary json ----------------------------------------------------------------
bad = os.path.join(WORK, 'bad')
shutil.copytree(repo, bad)
victim_file = files_under(bad)[0]
with open(victim_file, 'r+b') as f:
    f.truncate(1000)
sumfile = os.path.join(WORK, 'summary.json')
rc, out, err = run(['dns-names', '--limit', '3', '--summary', 'json', '--summary-file', sumfile,
                    bad])
s = json.load(open(sumfile))
check(rc == 3 and s['exit']['status'] == 3 and 'damaged' in s['exit']['why'],
      'summary: exit 3 and why')
check(s['files']['planned'] == len(yafs) and s['files']['read'] == len(yafs) and
      s['files']['bad'] == 1, 'summary: files planned/read/bad %s' % s['files'])
bf = s['bad_files'][0] if s['bad_files'] else {}
check(bf.get('path') == victim_file and isinstance(bf.get('offset'), int) and
      bf.get('offset') < 1000 and victim_file in bf.get('message', ''),
      'summary: the bad file with offset and message: %s' % bf)
check(s['rows']['printed'] == 3 and s['rows']['cut'] is True and s['groups'] >= 3,
      'summary: rows printed and cut')
# --strict: the bad file is named once, by the error (no warning repeating it)
for cmd in (['dns-names', '--strict', '-t', '1', bad], ['export', '--strict', '-t', '1', bad]):
    rc, out, err = run(cmd)
    check(rc == 1 and err.count(victim_file) == 1 and 'error:' in err,
          '%s --strict: exit 1, the bad file named once (%d, %r)' % (cmd[0], rc, err[-300:]))
# a path that itself says "offset N" does not change the offset the summary gives
odd = os.path.join(WORK, 'copy offset 999999')
os.makedirs(odd, exist_ok=True)
shutil.copy(victim_file, os.path.join(odd, 'yaf-20240501000000-00000.yaf'))
rc, out, err = run(['dns-names', '--summary', 'json', '--summary-file', sumfile, odd])
s2 = json.load(open(sumfile))
check(rc == 3 and s2['bad_files'] and s2['bad_files'][0]['offset'] == bf.get('offset'),
      'summary: the offset of the damage, not a number in the path: %s' % s2['bad_files'])
rc, allrows, err = run(['dns-names', '--format', 'csv', '--limit', '0', '-q', bad])
nall = len(allrows.decode().splitlines()) - 1  # the header
check(s['rows']['left_out'] == nall - 3,
      'summary: rows left out %s = all rows %d - 3' % (s['rows'].get('left_out'), nall))
rc, out, err = run(['dns-names', '--limit', '3', bad])
check(('shown 3, %d more cut by --limit' % (nall - 3)) in err,
      'text summary: how many rows --limit cut')
for k in ('flows', 'records', 'records_kept', 'threads', 'peak_memory_bytes',
          'elapsed_seconds', 'window'):
    check(k in s, 'summary has %s' % k)
# where the time went (issue 18): every phase measured, none negative, together within the run
ph = s.get('phases') or {}
names = ('plan_seconds', 'map_seconds', 'map_tail_seconds', 'merge_seconds', 'finish_seconds',
         'output_seconds')
check(all(isinstance(ph.get(k), (int, float)) and ph[k] >= 0 for k in names) and
      ph['map_tail_seconds'] <= ph['map_seconds'] and
      sum(ph[k] for k in names if k != 'map_tail_seconds') <= s['elapsed_seconds'] + 0.005,
      'summary: phases measured, within elapsed: %s (elapsed %s)' % (ph, s['elapsed_seconds']))
rc, out, err = run(['dns-dest', '--summary', 'json', '--start', '2024-05-01T01', repo])
s = json.loads(err.strip().splitlines()[-1])
check(rc == 0 and s['window']['start'] == '2024-05-01T01' and s['files']['outside_window'] == 1,
      'summary on stderr: window and files outside it')

# ---- 8. progress fits the terminal ----------------------------------------------------
rc, out, err = run(['dns-dest', '--progress', 'always', '-t', '1', repo], env={'COLUMNS': '45'})
pieces = [p for p in err.split('\r') if p and not p.startswith('flowsweep: summary')]
check(rc == 0 and pieces and all(len(p) <= 44 for p in pieces if '\n' not in p),
      'progress lines are cut to 44 columns: %r' % pieces[:3])
check(err.split('flowsweep: summary')[0].endswith('\r'),
      'the progress line is cleared before the summary')

# ---- 9. no traps ---------------------------------------------------------------------
for args, what in ((['dns-names', '--group-by', 'x'], None),
                   (['query', '--group-by', 'sip', '--group-by', 'dip', repo], 'group-by twice'),
                   (['dns-names', '--start', '2024-05-01', '--start', '2024-05-02', repo],
                    'start twice'),
                   (['dns-dest', '--src-cidr', '10.0.0.0/8', '--src-cidr', 'any', repo],
                    'src-cidr NET and any'),
                   (['dns-names', '--frob', repo], 'unknown option'),
                   (['dns-names', '-q', '-v', repo], '-q and -v')):
    if what is None:
        continue
    rc, out, err = run(args)
    check(rc == 2 and len(err.strip().splitlines()) == 1,
          '%s: exit 2 with one line (got %d: %r)' % (what, rc, err))
p = subprocess.run([FS], capture_output=True)
check(p.returncode == 2 and p.stdout == b'' and b'usage: flowsweep' in p.stderr,
      'bare flowsweep: usage on stderr, exit 2')

# ---- 10. help and docs agree with behaviour -----------------------------------------
rc, out, err = run(['dns-hunt', '--help'])
check(b'--show-query' not in out, 'dns-hunt --help does not list --show-query')
rc, out, err = run(['dns-hunt', '--show-query', repo])
check(rc == 2, 'dns-hunt --show-query is refused')
g = subprocess.run([GEN, '--help'], capture_output=True)
check(b'%%' not in g.stdout + g.stderr, 'flowsweep-gen --help prints % once')
check(b'~57% of flows' in g.stdout + g.stderr and
      '~57% of all flows' in open(os.path.join(DOCS, 'generator.md')).read(),
      'flowsweep-gen --help and docs/generator.md give the same heavy share')
rc, out, err = run(['dns-dest', '--show-query', '--start', '2024-05-01T01', '--end',
                    '2024-05-01T02', '--format', 'csv'])
q = out.decode()
check("--start '2024-05-01T01'" in q and "--end '2024-05-01T02'" in q and '--format csv' in q,
      '--show-query prints --start, --end and --format: %s' % q)
argv = [a.strip("'") for a in re.findall(r"'[^']*'|\S+", q.replace('\\\n', ' '))]
argv = [a for a in argv[2:] if a != 'PATH...']
a = run(['dns-dest', '--start', '2024-05-01T01', '--end', '2024-05-01T02', '--format', 'csv',
         '-q', repo])
b = run(['query'] + argv + ['-q', repo])
check(a[0] == b[0] == 0 and a[1] == b[1], '--show-query output runs the same job')
usage = open(os.path.join(DOCS, 'usage.md')).read()
check('141' in usage and 'SIGPIPE' in usage, 'docs/usage.md documents exit 141 under | head')
parts = open(os.path.join(DOCS, 'partitions.md')).read()
rc, out, err = run(['dns-dest', '/dev/null'])
check(rc == 1 and re.search(r'neither a file nor a directory \| exit 1', parts) is not None,
      'docs/partitions.md gives the exit code of a PATH that is no file or directory (%d)' % rc)

# ---- 11. export: time order ------------------------------------------------
# Sizes: make the first hour's file the smallest so size order and time order differ.
order = sorted(yafs)
rc, whole, err = run(['export', '--format', 'csv', '-q', '-t', '2', repo])
parts_out = [run(['export', '--format', 'csv', '-q', y])[1].split(b'\r\n', 1)[1] for y in order]
check(rc == 0 and whole.split(b'\r\n', 1)[1] == b''.join(parts_out),
      'export writes files in time order (hour, then path)')
# export --fields: the named columns of the whole export, in the order named (Python's csv
# module reads both; the names column holds commas and quotes)
full = list(csv.reader(io.StringIO(whole.decode('ascii'), newline='')))
rc, some, err = run(['export', '--format', 'csv', '-q', '-t', '2', '--fields', 'names,SIP, dport',
                     repo])
got = list(csv.reader(io.StringIO(some.decode('ascii'), newline='')))
col = {n: i for i, n in enumerate(full[0])}
want = [[r[col['names']], r[col['sip']], r[col['dport']]] for r in full[1:]]
check(rc == 0 and got[0] == ['names', 'sip', 'dport'] and got[1:] == want and len(want) > 100,
      'export --fields names,SIP, dport: those columns of the whole export, in that order')
rc, some, err = run(['export', '--fields', 'start,port', repo])
check(rc == 2 and "unknown column 'port'" in err and len(err.strip().splitlines()) == 1,
      'export --fields with an unknown column: one usage error naming it (%d %r)' % (rc, err))
rc, some, err = run(['dns-names', '--fields', 'start', repo])
check(rc == 2, '--fields applies to export only')

print('cli_analyst: %d failures' % len(FAILS))
sys.exit(1 if FAILS else 0)
