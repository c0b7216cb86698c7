#!/usr/bin/env python3
"""tables.py --flowsweep BIN --gen GEN --flowdump FLOWDUMP - the report's content, without a browser.

1. On a generated repository (planted channels): the page is the same at 1, 4 and the
   default threads (but for its time lines); every row of the report's four tables
   equals the row of the separate command (dns-names, dns-dest, dns-hunt --by domain and
   --by server, each run on its own with --format csv): same rows, same order, same cell
   text in every column the page shows; the header's files and flows are the commands'.
   Each dns-hunt row's sparkline totals its flows column, and its active hours are the
   row's `hours` column; each bar (hour, flows) and each block of the stacked chart (server,
   hour, exact bytes) equals what dns-hunt --by domain / --by server says of that key when
   run on its own over that hour only (--where on the flow start).
2. Over the files of the corruption matrix (tests/corrupt/matrix.py, run here with its
   files kept): every file the matrix expects to be damaged is named in the page's bad
   files, with its message; no file it expects clean is; the exit status is 3."""
import argparse
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', 'corrupt'))
import dom  # noqa: E402

FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)


def run(argv):
    return subprocess.run(argv, capture_output=True, text=True, errors='replace')


def table_text(cell):
    """A CSV cell as the table format renders it: CSV writes lists as JSON array text
    (the table as Spark's "[a, b]"), and puts a "'" before text starting with = + - @
    (docs/usage.md); undo both."""
    if cell.startswith('['):
        try:
            items = json.loads(cell)
        except ValueError:
            items = None
        if isinstance(items, list):
            return '[' + ', '.join(str(x) for x in items) + ']'
    if cell[:1] == "'" and cell[1:2] in ('=', '+', '-', '@'):
        return cell[1:]
    return cell


def csv_rows(fs, args):
    # --limit 20: the page's row count (CSV alone prints every row since issue 14)
    p = run([fs] + args + ['--format', 'csv', '--limit', '20', '-q'])
    rows = list(csv.reader(io.StringIO(p.stdout)))
    return rows[0], [[table_text(c) for c in r] for r in rows[1:]]


def summary(fs, args):
    p = run([fs] + args)
    m = re.search(r'files (\d+) \(bad (\d+)\), flows (\d+)', p.stderr)
    return tuple(int(x) for x in m.groups()) if m else None


def compare_tables(a, doc, repo, extra):
    """The page's four tables equal the separate commands' rows (with the same `extra`)."""
    for ident, args in (('mothra', ['dns-names']), ('silk', ['dns-dest']),
                        ('hunt-domain', ['dns-hunt', '--by', 'domain']),
                        ('hunt-server', ['dns-hunt', '--by', 'server'])):
        head, want = csv_rows(a.flowsweep, args + extra + [repo])
        shown, rows = dom.table_rows(doc.by_id(ident))
        spark = 'DNS flows per hour' in shown
        cols = [c for c in shown if c != 'DNS flows per hour']
        check(len(rows) == len(want) and len(want) > 0,
              '%s: %d rows in the page, %d from %s' % (ident, len(rows), len(want), args + extra))
        check(all(c in head for c in cols), '%s: columns %r not all in %r' % (ident, cols, head))
        for r, (cells, w) in enumerate(zip(rows, want)):
            got = [td.text() for td in cells if 'spark' not in
                   [c for n in td.iter() for c in n.classes()]]
            exp = [w[head.index(c)] for c in cols]
            check(got == exp, '%s row %d: page %r, command %r' % (ident, r + 1, got, exp))
            if spark:
                svg = cells[1].find_all('svg', 'spark')[0]
                m = re.match(r'(\d+) in (\d+) of', svg.find_all('title')[0].text())
                check(m and m.group(1) == w[head.index('flows')] and
                      m.group(2) == w[head.index('hours')],
                      '%s row %d: sparkline %r, flows %s, hours %s' % (
                          ident, r + 1, m and m.groups(), w[head.index('flows')],
                          w[head.index('hours')]))


def hunt_by_hour(fs, repo, by, hours):
    """{hour text: {key: (flows, bytes)}} from dns-hunt --by BY run once per hour."""
    out = {}
    for h in hours:
        where = "start >= '2024-05-01T%02d:00:00Z' and start < '2024-05-01T%02d:00:00Z'" % (
            h, h + 1) if h < 23 else "start >= '2024-05-01T23:00:00Z'"
        p = run([fs, 'dns-hunt', '--by', by, '--where', where, '--format', 'csv', '--limit', '0',
                 '-q', repo])
        rows = list(csv.reader(io.StringIO(p.stdout)))
        head = rows[0]
        out['2024-05-01 %02d:00' % h] = {
            table_text(r[0]): (int(r[head.index('flows')]), int(r[head.index('bytes')]))
            for r in rows[1:]}
    return out


def compare_hours(a, doc, repo):
    """Sparkline bars and stacked blocks against dns-hunt run over each hour alone."""
    hours = range(8)
    for ident, by in (('hunt-domain', 'domain'), ('hunt-server', 'server')):
        want = hunt_by_hour(a.flowsweep, repo, by, hours)
        _, rows = dom.table_rows(doc.by_id(ident))
        check(len(rows) > 0, '%s: no rows' % ident)
        for r, cells in enumerate(rows):
            key = cells[0].text()
            svg = cells[1].find_all('svg', 'spark')[0]
            bars = {}
            for rect in svg.find_all('rect'):
                m = re.match(r'(.+): (\d+)$', rect.find_all('title')[0].text())
                bars[m.group(1)] = int(m.group(2))
            exp = {hb: kv[key][0] for hb, kv in want.items() if key in kv}
            check(bars == exp, '%s row %d (%s): bars %r, dns-hunt per hour %r' % (
                ident, r + 1, key, bars, exp))
        if by != 'server':
            continue
        # the stacked chart: each named server's block is its bytes that hour; the rest is
        # every other server's
        stack = doc.by_id('stack')
        named = set()
        blocks = []
        for g in stack.find_all('g', 'series'):
            for rect in g.find_all('rect'):
                m = re.match(r'(.+) (\S+ \S+) UTC: .*\((\d+)\)$', rect.find_all('title')[0].text())
                check(m is not None, 'stacked block title %r' % rect.find_all('title')[0].text())
                if m:
                    blocks.append((m.group(1), m.group(2), int(m.group(3))))
                    named.add(m.group(1))
        got = {(k, hb): v for k, hb, v in blocks}
        exp = {}
        for hb, kv in want.items():
            for k, (_, b) in kv.items():
                series = k if k in named else 'all other servers'
                exp[(series, hb)] = exp.get((series, hb), 0) + b
        exp = {k: v for k, v in exp.items() if v}
        check(got == exp, 'stacked chart %r, dns-hunt --by server per hour %r' % (got, exp))


def tables(a, tmp):
    repo = os.path.join(tmp, 'repo')
    subprocess.run([a.gen, '--out', repo, '--seed', '5', '--start', '2024-05-01T00', '--hours',
                    '8', '--flows', '30000', '--exfil', 'default', '--labels',
                    os.path.join(tmp, 'labels.tsv'), '-q'], check=True)
    out = os.path.join(tmp, 'report.html')
    p = run([a.flowsweep, 'report', '-q', '-o', out, repo])
    check(p.returncode == 0, 'report exit %d: %s' % (p.returncode, p.stderr))
    page = open(out, encoding='ascii').read()
    doc = dom.parse(page)
    # the same page at 1 and 4 threads, but for when it was made and how long it took
    def steady(text):
        text = re.sub(r'made [^<]*', '', text)
        return re.sub(r'<dt>elapsed</dt><dd>[^<]*', '', text)
    for t in ('1', '4'):
        other = os.path.join(tmp, 'report.t%s.html' % t)
        p = run([a.flowsweep, 'report', '-q', '--threads', t, '-o', other, repo])
        check(p.returncode == 0 and steady(open(other).read()) == steady(page),
              'report at %s threads differs from the default' % t)
    compare_tables(a, doc, repo, [])
    compare_hours(a, doc, repo)
    # --where: every table of the page is of the flows it keeps, as each command's --where
    where = "start < '2024-05-01T04:00:00Z'"
    wout = os.path.join(tmp, 'report.where.html')
    p = run([a.flowsweep, 'report', '-q', '--where', where, '-o', wout, repo])
    check(p.returncode == 0, 'report --where exit %d: %s' % (p.returncode, p.stderr))
    wdoc = dom.parse(open(wout, encoding='ascii').read())
    compare_tables(a, wdoc, repo, ['--where', where])
    check('--where start &lt; &#39;2024-05-01T04:00:00Z&#39;' in open(wout).read() or
          "--where start &lt; '2024-05-01T04:00:00Z'" in open(wout).read(),
          'report --where: the header shows the filter')
    # a window over files written as YAF rotates them: each hour's file holds flows that
    # started in the hour before (written when they end); the tables count every flow of
    # the window's files, so each sparkline must too (it spanned the window's hours only)
    late = os.path.join(tmp, 'late')
    for d, _, names in os.walk(repo):
        for n in names:
            m = re.search(r'(\d{4})(\d\d)(\d\d)(\d\d)0000', n)
            if not m or not n.endswith('.yaf'):
                continue
            h = int(m.group(4)) + 1
            dst = os.path.join(late, '2024', '05', '01', '%02d' % h)
            os.makedirs(dst, exist_ok=True)
            shutil.copy(os.path.join(d, n), os.path.join(
                dst, n.replace(m.group(0), '202405%02d%02d0000' % (1, h))))
    window = ['--start', '2024-05-01T03', '--end', '2024-05-01T04']
    lout = os.path.join(tmp, 'report.late.html')
    p = run([a.flowsweep, 'report', '-q'] + window + ['-o', lout, late])
    check(p.returncode == 0, 'report of late files exit %d: %s' % (p.returncode, p.stderr))
    compare_tables(a, dom.parse(open(lout, encoding='ascii').read()), late, window)
    s = summary(a.flowsweep, ['dns-names', repo])
    files = doc.by_id('files').text()
    flows = doc.by_id('flows').text()
    check(s is not None and files.startswith('%d,' % s[0]) or files.startswith('%d ' % s[0]),
          'header files %r, dns-names says %r' % (files, s))
    check(s is not None and flows.replace(',', '').startswith('%d ' % s[2]),
          'header flows %r, dns-names says %r' % (flows, s))


def corruption(a, tmp):
    import matrix
    kept = {}
    orig_case = matrix.Matrix.case
    tmp = os.path.join(tmp, 'matrix')
    os.mkdir(tmp)

    def case(self, name, data, expect, **kw):
        # the case's file, as the matrix writes it, kept in our own directory
        path = os.path.join(tmp, name.replace(' ', '_') + '.yaf')
        with open(path, 'wb') as f:
            f.write(data)
        kept[path] = expect
        return orig_case(self, name, data, expect, **kw)

    matrix.Matrix.case = case
    argv = sys.argv
    sys.argv = ['matrix.py', '--gen', a.gen, '--flowdump', a.flowdump, '--flowsweep', a.flowsweep]
    try:
        with open(os.devnull, 'w') as null:
            saved, sys.stdout = sys.stdout, null
            try:
                matrix.main()
            finally:
                sys.stdout = saved
    finally:
        sys.argv = argv
        matrix.Matrix.case = orig_case
    paths = sorted(kept)
    out = os.path.join(tmp, 'report.html')
    p = run([a.flowsweep, 'report', '-q', '-o', out] + paths)
    check(p.returncode == 3, 'corruption report exit %d, want 3: %s' % (p.returncode,
                                                                          p.stderr[-300:]))
    doc = dom.parse(open(out, encoding='ascii').read())
    bad = doc.by_id('bad-files')
    named = {}
    for li in (bad.find_all('li') if bad is not None else []):
        spans = li.find_all('span')
        named[spans[0].text()] = spans[1].text() if len(spans) > 1 else ''
    damaged = [q for q in paths if kept[q] == 'damage']
    clean = [q for q in paths if kept[q] == 'clean']
    for q in damaged:
        check(q in named and named[q], 'damaged %s not named with a message' % q)
    for q in clean:
        check(q not in named, 'clean %s named bad: %s' % (q, named.get(q)))
    check(set(named) <= set(paths), 'named files not given: %r' % (set(named) - set(paths)))
    check(doc.by_id('files').text().startswith('%d,' % len(paths)) or
          doc.by_id('files').text().startswith('%d ' % len(paths)),
          'files %r for %d files' % (doc.by_id('files').text(), len(paths)))
    return len(paths), len(damaged), len(named)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--flowsweep', required=True)
    ap.add_argument('--gen', required=True)
    ap.add_argument('--flowdump', required=True)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix='report-tables.')
    tables(a, tmp)
    n, ndamaged, nnamed = corruption(a, tmp)
    if FAILS:
        print('\n'.join('FAIL: ' + f for f in FAILS[:40]))
        print('kept: %s' % tmp)
        return 1
    shutil.rmtree(tmp)
    print('ok: four tables equal the commands; corruption matrix: %d files, %d damaged, '
          '%d named bad' % (n, ndamaged, nnamed))
    return 0


if __name__ == '__main__':
    sys.exit(main())
