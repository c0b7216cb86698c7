#!/usr/bin/env bash
# analyst_traps.sh FLOWSWEEP WORKDIR - traps a new analyst fell into (review s15), each checked
# against an expectation written here by hand or computed by Python's ipaddress module:
#   1. dns-hunt --baseline outside the --start/--end window is refused (exit 2): its promise
#      ("a group seen in the baseline is not new") needs the baseline read; a baseline after
#      or before every planned hour is warned about (the hours written here);
#   2. --exclude/--include globs that match no walked file are named in a warning (a glob
#      with '/' is matched against the path as walked, which starts with the PATH);
#   3. --order 'dip asc' orders addresses as numbers (v4-mapped view, as --where compares
#      them), the same on one thread, four, from the cache and through shards and merge;
#   4. query --help says that several --job blocks stop at --mem-limit (they do not spill).
# The repository is empty hourly files (clean, no flows) and one small hand-written IPFIX file.
set -u
fs=$1 work=$2
rm -rf "$work" && mkdir -p "$work" || exit 1
cd "$work" || exit 1
fail=0
bad() { echo "FAIL: $*"; fail=1; }

for h in 00 01 02 03 04 05; do
  mkdir -p repo/2024/05/01/$h && : > repo/2024/05/01/$h/yaf-20240501${h}0000-00000.yaf
done

# 1. --baseline against the window and the planned hours
"$fs" dns-hunt -q --start 2024-05-01T03 --baseline 2024-05-01T00..2024-05-01T02 repo > o 2> e; rc=$?
[ $rc -eq 2 ] && grep -q -- "--baseline 2024-05-01T00..2024-05-01T02 begins before --start 2024-05-01T03" e ||
  { bad "baseline before --start: exit $rc"; cat e; }
"$fs" dns-hunt -q --end 2024-05-01T02 --baseline 2024-05-01T00..2024-05-01T02 repo > o 2> e; rc=$?
[ $rc -eq 2 ] && grep -q -- "does not end before --end 2024-05-01T02" e || { bad "baseline to --end: exit $rc"; cat e; }
"$fs" dns-hunt -q --start 2024-05-01T00 --end 2024-05-01T05 --baseline 2024-05-01T00..2024-05-01T02 repo > o 2> e; rc=$?
[ $rc -eq 0 ] && [ ! -s e ] || { bad "baseline inside the window: exit $rc"; cat e; }
"$fs" dns-hunt -q --baseline 2024-06-01..2024-06-02 repo > o 2> e; rc=$?
[ $rc -eq 0 ] && grep -q "warn: --baseline 2024-06-01..2024-06-02 ends after the last hour of the files read (2024-05-01T05): .* new is 0 in every row" e ||
  { bad "baseline after the data: exit $rc"; cat e; }
"$fs" dns-hunt -q --baseline 2024-04-01..2024-04-30 repo > o 2> e; rc=$?
[ $rc -eq 0 ] && grep -q "ends before the first hour of the files read (2024-05-01T00): .* new is 1 in every row" e ||
  { bad "baseline before the data: exit $rc"; cat e; }

# 2. globs that match no file
files_read() { sed -n 's/.*"files":{"planned":\([0-9]*\).*/\1/p' "$1"; }
"$fs" dns-names -q --summary json --exclude '2024/05/01/03/*' repo > o 2> e
grep -q "warn: --exclude '2024/05/01/03/\*' matched no file: it excluded nothing (a glob with '/' is matched against the whole path as walked, such as 'repo/2024/05/01/" e ||
  { bad "--exclude matching nothing: no warning"; cat e; }
[ "$(files_read e)" = 6 ] || bad "--exclude matching nothing: $(files_read e) files planned, want 6"
"$fs" dns-names -q --summary json --exclude '*/2024/05/01/03/*' --include '*.dat' repo > o 2> e
[ "$(files_read e)" = 5 ] || bad "--exclude '*/2024/05/01/03/*': $(files_read e) files planned, want 5"
grep -q "exclude.*matched no file" e && bad "a glob that matched was warned about"
grep -q "warn: --include '\*.dat' matched no file: it took nothing$" e || { bad "--include matching nothing"; cat e; }

# 3. addresses ordered as numbers; the expected order from Python's ipaddress module
python3 - "$work/addrs.ipfix" "$work/want" <<'EOF' || exit 1
import ipaddress, os, socket, struct, sys
sys.path.insert(0, os.environ["REF"])
from ipfix_writer import fld, message, set_, tmpl
v4 = ["192.168.43.91", "4.2.2.4", "10.0.0.1", "255.255.255.255", "0.0.0.1"]
v6 = ["::1", "2001:db8::1", "::ffff:4.2.2.4", "fe80::1", "::"]
t0 = 1714521600000
b4 = b"".join(struct.pack("!Q4s4sHHB", t0, bytes(4), ipaddress.IPv4Address(a).packed, 1, 53, 17)
              for a in v4)
b6 = b"".join(struct.pack("!Q16s16sHHB", t0, bytes(16), ipaddress.IPv6Address(a).packed, 1, 53, 17)
              for a in v6)
common = [fld(7, 2), fld(11, 2), fld(4, 1)]
msg = message([set_(2, tmpl(256, [fld(152, 8), fld(8, 4), fld(12, 4)] + common)
                    + tmpl(257, [fld(152, 8), fld(27, 16), fld(28, 16)] + common)),
               set_(256, b4), set_(257, b6)], 0, t0 // 1000, 0)
open(sys.argv[1], "wb").write(msg)
# as --where compares them: an IPv4 address as ::ffff:a.b.c.d, then IPv4 before IPv6
key = [(ipaddress.IPv6Address("::ffff:" + a).packed, 4, a) for a in v4] + \
      [(ipaddress.IPv6Address(a).packed, 6, socket.inet_ntop(socket.AF_INET6,
        ipaddress.IPv6Address(a).packed)) for a in v6]  # printed as inet_ntop does
open(sys.argv[2], "w").write("\n".join(k[2] for k in sorted(key)) + "\n")
EOF
q=(query -q --group-by dip --agg 'n=count()' --limit 0 --format csv)
run_order() { "$fs" "${q[@]}" --order 'dip asc' "$@" | tr -d '\r' | sed 1d | cut -d, -f1; }
run_order --threads 1 addrs.ipfix > got1
diff -u want got1 > d || { bad "--order 'dip asc' is not numeric"; cat d; }
run_order --threads 4 addrs.ipfix > got4 && cmp -s want got4 || bad "--threads 4 order"
"$fs" "${q[@]}" --order 'dip desc' addrs.ipfix | tr -d '\r' | sed 1d | cut -d, -f1 > gotd
tac want | cmp -s - gotd || bad "--order 'dip desc' is not the reverse"
run_order --cache c addrs.ipfix > /dev/null && run_order --cache c addrs.ipfix > gotc && cmp -s want gotc ||
  bad "order from the cache"
"$fs" "${q[@]}" --order 'dip asc' --shard 0/2 --partial-out s1.part addrs.ipfix 2> /dev/null &&
  "$fs" "${q[@]}" --order 'dip asc' --shard 1/2 --partial-out s2.part addrs.ipfix 2> /dev/null &&
  "$fs" merge -q --format csv s1.part s2.part | tr -d '\r' | sed 1d | cut -d, -f1 > gotm &&
  cmp -s want gotm || bad "order through shards and merge"

# 4. query --help says that several --job blocks do not spill (docs/usage.md, --job)
"$fs" query --help > h 2>&1
tr -s ' \n' ' ' < h | grep -q "several blocks do not spill: past --mem-limit they stop" ||
  bad "query --help does not say that --job blocks do not spill"

[ $fail -eq 0 ] && echo "analyst traps: baseline refused/warned, unmatched globs named, addresses ordered as numbers"
exit $fail
