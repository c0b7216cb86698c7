#!/usr/bin/env python3
"""hunt_real.py FLOWSWEEP SHARED_DIR WORKDIR

dns-hunt on the real captures, all taken together, in both of YAF's exports: the default
flow table (*.yaf.ipfix: one flow per 5-tuple session, DNS DPI of its first packets only)
and per packet (*.yaf-pkt.ipfix, --idle-timeout=0). The expectations come from the
captures themselves, decoded by ipfixDump (tests/ref/ipfixdump2flowdump.py) from the
small flow-table files, never from flowsweep:
  - each tunnel capture's domain is the most common last-two-labels suffix of its query
    names (every tunnel here sits under a plain second-level domain); the direct dnscat2
    capture has none (its names are dnscat.<hex>.);
  - each tunnel capture's server is the most common server (the side on port 53) of its
    DNS flows, unless a benign capture uses it too (then it is a resolver relaying the
    tunnel, and is judged as a benign resolver);
  - benign resolvers are the servers of the benign captures' DNS flows.
Checked on both exports:
  - every tunnel domain ranks above every domain that a benign capture's name falls under;
  - with --by server, every tunnel server ranks above every benign resolver;
  - 1, 2 and 4 threads print the same bytes.
Exits 77 (skip) when the shared folder or ipfixDump is absent.
"""
import collections
import csv
import glob
import io
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CONVERT = os.path.join(HERE, "..", "ref", "ipfixdump2flowdump.py")
DIRECT = "dnscat2-ndpi"  # talks to its server without a registered domain
DNS_PORTS = {"53", "5353", "5355"}


def flowdump(path):
    dump = subprocess.run(["ipfixDump", "--yaf", "--data", "--in", path], check=True,
                          capture_output=True).stdout
    return subprocess.run([sys.executable, CONVERT], input=dump, check=True,
                          capture_output=True).stdout.decode("ascii")


def dns_flows(text):
    """(server, [(qr, section, name)]) of each flow with DNS records."""
    flow, recs = None, []
    for line in text.splitlines():
        f = line.split(" ")
        if f[0] == "F":
            if flow and recs:
                yield flow, recs
            flow, recs = f, []
        elif f[0] == "R":
            recs.append((f[2], f[1], line.split(" ", 8)[8]))
    if flow and recs:
        yield flow, recs


def server_of(f):
    if f[6] in DNS_PORTS:
        return f[4]
    if f[5] in DNS_PORTS:
        return f[3]
    return None


def hunt(fs, args, files, threads=1):
    out = subprocess.run([fs, "dns-hunt", "--format", "csv", "--limit", "0", "-q",
                          "--threads", str(threads)] + args + files,
                         check=True, capture_output=True, text=True).stdout
    return out, list(csv.DictReader(io.StringIO(out)))


def main():
    fs, shared = sys.argv[1], sys.argv[2]
    table = sorted(glob.glob(os.path.join(shared, "*.yaf.ipfix")))
    pkt = sorted(glob.glob(os.path.join(shared, "*.yaf-pkt.ipfix")))
    if not table or not pkt or not shutil.which("ipfixDump"):
        print("no captures or no ipfixDump: skipped")
        return 77
    tunnel_domains, tunnel_servers = set(), set()
    benign_resolvers, benign_names = set(), set()
    tunnel_server_votes = []
    for path in table:
        name = os.path.basename(path).split(".")[0]
        flows = list(dns_flows(flowdump(path)))
        servers = collections.Counter(server_of(f) for f, _ in flows if server_of(f))
        if name.startswith("benign-"):
            benign_resolvers.update(servers)
            benign_names.update(n.lower() for _, recs in flows for _, _, n in recs if n)
            continue
        tunnel_server_votes.append(servers.most_common(1)[0][0])
        if name != DIRECT:
            tails = collections.Counter(".".join(n.lower().rstrip(".").split(".")[-2:]) + "."
                                        for _, recs in flows for qr, sec, n in recs
                                        if qr == "0" and sec == "0" and n)
            tunnel_domains.add(tails.most_common(1)[0][0])
    tunnel_servers = {s for s in tunnel_server_votes if s not in benign_resolvers}
    print("tunnel domains:", sorted(tunnel_domains))
    print("tunnel servers:", sorted(tunnel_servers), "benign resolvers:", sorted(benign_resolvers))

    def is_benign_domain(dom):
        return dom not in tunnel_domains and any(
            n == dom or n.endswith("." + dom) for n in benign_names)

    failed = 0
    for label, files in (("flow table", table), ("per packet", pkt)):
        out1, rows = hunt(fs, [], files)
        rank = {r["domain"]: i for i, r in enumerate(rows)}
        worst_tunnel = max(rank.get(d, 1 << 30) for d in tunnel_domains)
        benign_above = [r["domain"] for r in rows[:worst_tunnel] if is_benign_domain(r["domain"])]
        best_benign = next((r for r in rows if is_benign_domain(r["domain"])), None)
        if worst_tunnel == 1 << 30 or benign_above:
            failed += 1
            print(f"FAIL {label}: benign domains {benign_above} above a tunnel domain",
                  {d: rank.get(d) for d in tunnel_domains})
        else:
            print(f"ok {label}: tunnel domains at ranks",
                  sorted(rank[d] + 1 for d in tunnel_domains), "; best benign",
                  best_benign["domain"], best_benign["score"], "at", rank[best_benign["domain"]] + 1)
        for t in (2, 4):
            if hunt(fs, [], files, t)[0] != out1:
                failed += 1
                print(f"FAIL {label}: {t} threads print other bytes than 1 thread")
        out1, rows = hunt(fs, ["--by", "server"], files)
        srank = {r["server"]: i for i, r in enumerate(rows)}
        for t in (2, 4):
            if hunt(fs, ["--by", "server"], files, t)[0] != out1:
                failed += 1
                print(f"FAIL {label}: --by server, {t} threads print other bytes than 1 thread")
        missing = [s for s in tunnel_servers if s not in srank]
        worst = max(srank.get(s, 1 << 30) for s in tunnel_servers)
        best_res = min(srank.get(s, 1 << 30) for s in benign_resolvers)
        if missing or worst > best_res:
            failed += 1
            print(f"FAIL {label}: by server, tunnel servers", {s: srank.get(s) for s in tunnel_servers},
                  "benign resolvers", {s: srank.get(s) for s in benign_resolvers})
        else:
            print(f"ok {label}: by server, tunnel servers at ranks",
                  sorted(srank[s] + 1 for s in tunnel_servers), "; first benign resolver at",
                  best_res + 1)
    print("FAILED" if failed else "all passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
