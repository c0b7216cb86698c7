#!/usr/bin/env python3
"""hunt_real.py FLOWSWEEP SHARED_DIR WORKDIR

dns-hunt on every real *.yaf-pkt.ipfix capture taken together. The expectations come
from the captures themselves, decoded by ipfixDump (tests/ref/ipfixdump2flowdump.py),
not from flowsweep:
  - each tunnel capture's domain is the most common last-two-labels suffix of its query
    names (every tunnel here sits under a plain second-level domain);
  - the tunnel domains must be the top rows of `dns-hunt`, above every other domain;
  - the server of the direct dnscat2 capture (the destination of its queries) must rank
    above every resolver of the benign captures with `--by server`.
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


def flowdump(path):
    dump = subprocess.run(["ipfixDump", "--yaf", "--data", "--in", path], check=True,
                          capture_output=True).stdout
    return subprocess.run([sys.executable, CONVERT], input=dump, check=True,
                          capture_output=True).stdout.decode("ascii")


def queries(text):
    """(dip, name) of each question record of a query (qr 0, section 0)."""
    flow = None
    for line in text.splitlines():
        f = line.split(" ")
        if f[0] == "F":
            flow = f
        elif f[0] == "R" and f[1] == "0" and f[2] == "0":
            name = line.split(" ", 8)[8]
            if name:
                yield flow[4], name


def hunt(fs, args, files):
    out = subprocess.run([fs, "dns-hunt", "--format", "csv", "--limit", "0", "-q"] + args + files,
                         check=True, capture_output=True, text=True).stdout
    return list(csv.DictReader(io.StringIO(out)))


def main():
    fs, shared = sys.argv[1], sys.argv[2]
    files = sorted(glob.glob(os.path.join(shared, "*.yaf-pkt.ipfix")))
    if not files or not shutil.which("ipfixDump"):
        print("no captures or no ipfixDump: skipped")
        return 77
    tunnel_domains, benign_resolvers, direct_server = set(), set(), None
    for path in files:
        name = os.path.basename(path).split(".")[0]
        qs = list(queries(flowdump(path)))
        if name.startswith("benign-"):
            benign_resolvers.update(dip for dip, _ in qs)
        elif name == DIRECT:
            direct_server = collections.Counter(dip for dip, _ in qs).most_common(1)[0][0]
        else:
            tails = collections.Counter(".".join(n.lower().rstrip(".").split(".")[-2:]) + "."
                                        for _, n in qs)
            tunnel_domains.add(tails.most_common(1)[0][0])
    print("tunnel domains:", sorted(tunnel_domains))
    print("direct dnscat2 server:", direct_server, "benign resolvers:", sorted(benign_resolvers))

    failed = 0
    rows = hunt(fs, [], files)
    top = [r["domain"] for r in rows[:len(tunnel_domains)]]
    if set(top) != tunnel_domains:
        failed += 1
        print("FAIL: top rows", top, "are not the tunnel domains")
    else:
        print("ok: the", len(top), "tunnel domains are the top rows; next is",
              rows[len(top)]["domain"], rows[len(top)]["score"])

    rank = {r["server"]: i for i, r in enumerate(hunt(fs, ["--by", "server"], files))}
    for res in sorted(benign_resolvers):
        if res in rank and rank[res] < rank.get(direct_server, 1 << 30):
            failed += 1
            print(f"FAIL: benign resolver {res} (rank {rank[res]}) above {direct_server}")
    if direct_server not in rank:
        failed += 1
        print("FAIL: the direct dnscat2 server is missing")
    else:
        print(f"ok: {direct_server} ranks {rank[direct_server] + 1}, above every benign resolver")
    print(f"{2 - min(failed, 2)} passed, {min(failed, 2)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
