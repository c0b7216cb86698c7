#!/usr/bin/env python3
"""real.py FLOWSWEEP SHARED_DIR - the report's hunt section on the real captures.

The expectations are hunt_real.py's, taken from the captures by ipfixDump, never from
flowsweep: each tunnel capture's domain (the most common last-two-labels suffix of its
query names) and server (its most common DNS server, unless a benign capture uses it),
the benign captures' names and resolvers. For both of YAF's exports (the flow table and
per packet), `flowsweep report` over all captures must show, in its dns-hunt tables:
  - every tunnel domain, each above every domain a benign capture's name falls under;
  - every tunnel server, each above every benign resolver;
  - each of those rows with its sparkline: at least one bar, totalling the row's flows.
Exits 77 (skip) when the shared folder or ipfixDump is absent."""
import collections
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', 'e2e'))
import dom  # noqa: E402
import hunt_real  # noqa: E402


def expectations(table):
    tunnel_domains, votes, benign_resolvers, benign_names = set(), [], set(), set()
    for path in table:
        name = os.path.basename(path).split('.')[0]
        flows = list(hunt_real.dns_flows(hunt_real.flowdump(path)))
        servers = collections.Counter(hunt_real.server_of(f) for f, _ in flows
                                      if hunt_real.server_of(f))
        if name.startswith('benign-'):
            benign_resolvers.update(servers)
            benign_names.update(n.lower() for _, recs in flows for _, _, n in recs if n)
            continue
        votes.append(servers.most_common(1)[0][0])
        if name != hunt_real.DIRECT:
            tails = collections.Counter('.'.join(n.lower().rstrip('.').split('.')[-2:]) + '.'
                                        for _, recs in flows for qr, sec, n in recs
                                        if qr == '0' and sec == '0' and n)
            tunnel_domains.add(tails.most_common(1)[0][0])
    return (tunnel_domains, {s for s in votes if s not in benign_resolvers}, benign_resolvers,
            benign_names)


def main():
    fs, shared = sys.argv[1], sys.argv[2]
    table = sorted(glob.glob(os.path.join(shared, '*.yaf.ipfix')))
    pkt = sorted(glob.glob(os.path.join(shared, '*.yaf-pkt.ipfix')))
    if not table or not pkt or not shutil.which('ipfixDump'):
        print('no captures or no ipfixDump: skipped')
        return 77
    tdom, tsrv, bres, bnames = expectations(table)
    print('tunnel domains:', sorted(tdom), 'tunnel servers:', sorted(tsrv))

    def benign_domain(d):
        return d not in tdom and any(n == d or n.endswith('.' + d) for n in bnames)

    fails = []
    tmp = tempfile.mkdtemp(prefix='report-real.')
    for label, files in (('flow table', table), ('per packet', pkt)):
        out = os.path.join(tmp, label.replace(' ', '-') + '.html')
        p = subprocess.run([fs, 'report', '-q', '-o', out] + files, capture_output=True,
                           text=True)
        if p.returncode != 0:
            fails.append('%s: report exit %d: %s' % (label, p.returncode, p.stderr[-300:]))
            continue
        doc = dom.parse(open(out, encoding='ascii').read())
        for ident, want, benign in (('hunt-domain', tdom, benign_domain),
                                    ('hunt-server', tsrv, lambda s: s in bres)):
            head, rows = dom.table_rows(doc.by_id(ident))
            fi = head.index('flows')
            keys = [r[0].text() for r in rows]
            ranks = {k: i for i, k in enumerate(keys)}
            missing = sorted(k for k in want if k not in ranks)
            if missing:
                fails.append('%s %s: %s not among the %d rows shown' % (label, ident, missing,
                                                                       len(rows)))
                continue
            worst = max(ranks[k] for k in want)
            above = [k for k in keys[:worst] if benign(k)]
            if above:
                fails.append('%s %s: benign %s above a tunnel row' % (label, ident, above))
            for k in want:
                r = rows[ranks[k]]
                svg = r[1].find_all('svg', 'spark')
                t = re.match(r'(\d+) in (\d+) of', svg[0].find_all('title')[0].text()) \
                    if svg else None
                if not t or int(t.group(2)) < 1 or t.group(1) != r[fi].text():
                    fails.append('%s %s %s: sparkline %r, flows %s' % (
                        label, ident, k, t and t.groups(), r[fi].text()))
            print('ok' if not fails else '..', label, ident, 'tunnel rows at ranks',
                  sorted(ranks[k] + 1 for k in want))
    if fails:
        print('\n'.join('FAIL: ' + f for f in fails))
        print('kept: %s' % tmp)
        return 1
    shutil.rmtree(tmp)
    return 0


if __name__ == '__main__':
    sys.exit(main())
