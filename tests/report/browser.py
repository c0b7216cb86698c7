#!/usr/bin/env python3
"""browser.py --flowsweep BIN --shot PNG - the report page in a real browser.

Plants DNS names that are markup (hostile_ipfix.py) and a damaged file whose name is
markup, writes `flowsweep report`, opens it in headless Chromium (--dump-dom: the DOM
after parsing, style and any script) and checks:
  - no element came from the data: no script, img, iframe, object or embed element,
    no on* attribute, the title and body untouched (the planted payloads would set
    them), and each hostile name is a text node, byte for byte as escaped;
  - the damaged file is named, as text, with its message;
  - the charts: one sparkline per row of both dns-hunt tables, whose total is the row's
    flows; one series group per legend entry in the stacked chart; one dot per domain of
    `flowsweep dns-hunt --limit 0` in the scatter.
A screenshot of the page is written to PNG (kept in the build directory).
Exit 77 (skip) when Chromium is not installed."""
import argparse
import csv
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dom  # noqa: E402
import hostile_ipfix  # noqa: E402

CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
                  '--no-first-run', '--disable-background-networking',
                  '--disable-component-update', '--disable-sync', '--hide-scrollbars']
FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)


def esc(b):
    """flowsweep's \\xHH form of raw bytes (esc.h)."""
    return ''.join(chr(c) if 0x20 <= c <= 0x7E else '\\x%02X' % c for c in b)


def chromium(exe, profile, *args):
    p = subprocess.run([exe] + CHROMIUM_FLAGS + ['--user-data-dir=' + profile] + list(args),
                       capture_output=True, text=True, errors='replace', timeout=180)
    return p.returncode, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--flowsweep', required=True)
    ap.add_argument('--shot', required=True)
    ap.add_argument('--chromium', default='/usr/bin/chromium')
    a = ap.parse_args()
    if not (os.access(a.chromium, os.X_OK) or shutil.which(a.chromium)):
        print('skip: %s is not installed' % a.chromium)
        return 77
    tmp = tempfile.mkdtemp(prefix='report-browser.')
    repo = os.path.join(tmp, 'repo', '2024', '05', '01', '10')
    os.makedirs(repo)
    data = hostile_ipfix.hostile_file(1714557600)
    with open(os.path.join(repo, 'yaf-20240501100000-00000.yaf'), 'wb') as f:
        f.write(data)
    bad_name = "bad<img src=x onerror=document.title='PWNED'>&amp;.yaf"
    bare = hostile_ipfix.hostile_file(1714557600, per_name=0)  # the bare names: top rows
    with open(os.path.join(repo, bad_name), 'wb') as f:
        f.write(bare + data[:len(data) // 2 + 7])  # cut inside a message: damage, named
    out = os.path.join(tmp, 'report.html')
    p = subprocess.run([a.flowsweep, 'report', '-q', '-o', out, os.path.join(tmp, 'repo')],
                       capture_output=True, text=True, errors='replace')
    check(p.returncode == 3, 'report exit %d, want 3 (a bad file): %s' % (p.returncode, p.stderr))
    hunt = subprocess.run([a.flowsweep, 'dns-hunt', '-q', '--limit', '0', '--format', 'csv',
                           os.path.join(tmp, 'repo')], capture_output=True, text=True)
    ndomains = len(list(csv.reader(io.StringIO(hunt.stdout)))) - 1

    profile = tempfile.mkdtemp(prefix='chromium.', dir=tmp)
    rc, text, err = chromium(a.chromium, profile, '--dump-dom', 'file://' + out)
    if rc != 0 or '<html' not in text:
        print('chromium could not render the page (exit %d): %s' % (rc, err[-500:]))
        return 1
    doc = dom.parse(text)

    # Nothing from the data became an element, an attribute, or ran.
    for n in doc.iter():
        check(n.tag not in ('script', 'img', 'iframe', 'object', 'embed', 'link', 'base', 'form'),
              'element <%s> in the DOM' % n.tag)
        for k in n.attrs:
            check(not k.lower().startswith('on'), 'attribute %s on <%s>' % (k, n.tag))
        check('data-pwned' not in n.attrs, 'data-pwned set on <%s>' % n.tag)
    title = doc.find_all('head')[0].find_all('title')
    check(len(title) == 1 and title[0].text() == 'flowsweep report',
          'title is %r' % [t.text() for t in title])
    check('PWNED' not in ''.join(t.text() for t in title), 'a planted script set the title')
    texts = [t for t, _ in doc.text_nodes()]
    for name in hostile_ipfix.HOSTILE:
        shown = esc(name)
        check(any(shown in t for t in texts), 'hostile name %r is not a text node' % shown)
    # the dns-hunt domain keys of the planted names, as text cells
    hunt_rows = list(csv.reader(io.StringIO(hunt.stdout)))[1:]
    sec = doc.by_id('hunt-domain')
    head, rows = dom.table_rows(sec)
    keys = [r[0].text() for r in rows]
    # (CSV puts a "'" before text starting with = + - @; none of these keys does)
    check(keys == [r[0] for r in hunt_rows[:20]],
          'hunt domain keys differ from dns-hunt: %r vs %r' % (keys[:5], hunt_rows[:5]))
    check(any('<img src=x onerror=alert(1)>.evil.' in k for k in keys),
          'the <img> domain is not a key cell')
    check(any('</svg><script>' in k for k in keys), 'the </svg><script> domain is not a key cell')

    # The bad file, named as text with its message.
    bad = doc.by_id('bad-files')
    check(bad is not None, 'no bad-files list')
    if bad is not None:
        items = [li.text() for li in bad.find_all('li')]
        check(len(items) == 1 and bad_name in items[0], 'bad files listed: %r' % items)

    # Charts: one mark per row.
    for ident in ('hunt-domain', 'hunt-server'):
        sec = doc.by_id(ident)
        head, rows = dom.table_rows(sec)
        sparks = sec.find_all('svg', 'spark')
        check(len(rows) > 0 and len(sparks) == len(rows),
              '%s: %d sparklines for %d rows' % (ident, len(sparks), len(rows)))
        fi = head.index('flows') if 'flows' in head else None
        for r, s in zip(rows, sparks):
            m = re.match(r'(\d+) in (\d+) of (\d+) hours', s.find_all('title')[0].text())
            total = int(m.group(1)) if m else -1
            # the sparkline is a separate job (flows per hour); its total is dns-hunt's flows
            check(fi is not None and str(total) == r[fi].text(),
                  '%s %s: sparkline total %d, flows %s' % (ident, r[0].text(), total,
                                                         r[fi].text() if fi else '?'))
            bars = s.find_all('rect')
            check(len(bars) >= 1, '%s %s: empty sparkline' % (ident, r[0].text()))
    stack = doc.by_id('stack')
    series = stack.find_all('g', 'series')
    legend = stack.find_all('span', 'sw')
    check(len(series) >= 2 and len(series) == len(legend),
          'stacked chart: %d series, %d legend entries' % (len(series), len(legend)))
    check(all(len(g.find_all('rect')) >= 1 for g in series), 'a stacked series has no bar')
    dots = doc.by_id('scatter').find_all('circle', 'dot')
    check(ndomains > 0 and len(dots) == min(ndomains, 4000),
          'scatter: %d dots for %d domains' % (len(dots), ndomains))

    rc, _, err = chromium(a.chromium, tempfile.mkdtemp(prefix='chromium.', dir=tmp),
                          '--window-size=1280,2400', '--screenshot=' + a.shot, 'file://' + out)
    check(rc == 0 and os.path.getsize(a.shot) > 10000, 'no screenshot: %s' % err[-300:])

    if FAILS:
        print('\n'.join('FAIL: ' + f for f in FAILS))
        print('report kept: %s' % out)
        return 1
    shutil.rmtree(tmp)
    print('ok: hostile names are text in Chromium, %d domains, screenshot %s' % (ndomains, a.shot))
    return 0


if __name__ == '__main__':
    sys.exit(main())
