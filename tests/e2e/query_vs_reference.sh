#!/usr/bin/env bash
# query_vs_reference.sh FLOWSWEEP GEN|SHARED_DIR WORKDIR gen|real
# flowsweep query against tests/ref/reference.py's brute-force evaluation of the same job
# (its own parser and evaluator over Python integers; it reads flowdump text, never IPFIX
# through flowsweep): on a generated repository (the generator's truth) or on the real
# captures (ipfixDump's decoding). Every job's rows must be equal (as sorted CSV lines), at
# 1 and 2 threads (2 only in the sanitizer passes); jobs the reference refuses (overflow, types) must fail in flowsweep too,
# with the message naming the expression. Real mode skips (77) without data or ipfixDump.
set -euo pipefail
fs=$1 src=$2 work=$3 mode=$4
ref="$(dirname "$0")/../ref/reference.py"
rm -rf "$work"; mkdir -p "$work"
if [ "$mode" = gen ]; then
  "$src" --out "$work/repo" --seed 13 --start 2024-03-01T23 --hours 2 --flows 20000 \
    --exfil default --truth "$work/truth.fd" --labels "$work/labels.tsv" -q
  inputs=("$work/repo"); fds=("$work/truth.fd")
else
  [ -d "$src" ] || { echo "no $src: skipped"; exit 77; }
  command -v ipfixDump >/dev/null || { echo "no ipfixDump: skipped"; exit 77; }
  inputs=("$src"/*.yaf.ipfix); fds=() # the flow-table captures (the per-packet ones: minutes)
  for f in "${inputs[@]}"; do
    ipfixDump --yaf --data --in "$f" 2>/dev/null |
      python3 "$(dirname "$0")/../ref/ipfixdump2flowdump.py" > "$work/$(basename "$f").fd"
    fds+=("$work/$(basename "$f").fd")
  done
fi
# An address and a time that occur in the data, for literals.
addr=$(grep -m1 '^F ' "${fds[0]}" | cut -d' ' -f4)
t0=$(grep -h '^F ' "${fds[@]}" | cut -d' ' -f2 | sort -n | sed -n '100p')
iso=$(python3 -c "import datetime,sys; print(datetime.datetime.fromtimestamp($t0 // 60000 * 60, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M'))")

# Watchlists: addresses that occur (and CIDRs, IPv6, comments), domains that occur (in mixed
# case, with and without "*." and the trailing dot).
{
  echo "# watchlist of issue 13"; echo
  grep -h '^F ' "${fds[@]}" | cut -d' ' -f4 | sort -u | awk 'NR % 7 == 1 && n++ < 300 {print $0 "  # a source"}'
  echo "10.0.0.0/8"; echo "2001:db8::/32"; echo "::ffff:192.168.1.0/120"
} > "$work/ips.txt"
{
  echo "# domains"
  grep -h '^R ' "${fds[@]}" | cut -d' ' -f9- | awk -F. 'NF >= 3 {print $(NF-2) "." $(NF-1)}' |
    sort | uniq -c | sort -rn | awk 'NR % 3 == 1 && n++ < 40 {print $2}' |
    awk 'NR % 3 == 0 {print "*." toupper($0); next} NR % 3 == 1 {print $0 "."; next} {print}'
} > "$work/domains.txt"
printf '10.0.0.1\n# ok\n10.0.0.300\n' > "$work/bad-ips.txt"
dom1=$(grep -v '^#' "$work/domains.txt" | sed -n 1p)
# The domain of the longest name (past 512 bytes of text in the generated exfiltration).
longdom=$(grep -h '^R ' "${fds[@]}" | cut -d' ' -f9- |
  awk 'length($0) > m {m = length($0); n = $0} END {k = split(n, l, "."); print l[k-2] "." l[k-1]}')

fail=0 n=0 blocks=() block_args=()
mkdir -p "$work/multi"
# job NAME RECORDS WHERE GROUP_BY AGG HAVING
job() { # [EXTRA]: one more option for both (--epoch)
  local name=$1 records=$2 where=$3 group=$4 agg=$5 having=$6 extra=${7:-}
  local rargs=(query --records "$records" --group-by "$group" --agg "$agg")
  local fargs=(query --records "$records" --group-by "$group" --agg "$agg" --format csv --limit 0 -q)
  [ -n "$extra" ] && { rargs+=("$extra"); fargs+=("$extra"); }
  [ -n "$where" ] && { rargs+=(--where "$where"); fargs+=(--where "$where"); }
  [ -n "$having" ] && { rargs+=(--having "$having"); fargs+=(--having "$having"); }
  n=$((n + 1))
  local rrc=0 frc
  python3 "$ref" "${rargs[@]}" "${fds[@]}" > "$work/$name.expected" 2> "$work/$name.referr" || rrc=$?
  # the jobs the reference answers, as --job blocks of one sweep (below)
  if [ $rrc -eq 0 ] && [ -z "$extra" ]; then
    blocks+=("$name"); block_args+=(--job --records "$records" --group-by "$group" --agg "$agg" --limit 0)
    [ -n "$where" ] && block_args+=(--where "$where")
    [ -n "$having" ] && block_args+=(--having "$having")
    block_args+=(-o "$work/multi/$name.csv")
  fi
  local runs=(1 2) targs
  [ -n "${FLOWSWEEP_TEST_SANITIZER:-}" ] && runs=(2) # 1 thread: compared in the release pass
  [ "${FIXBUF:-}" = 1 ] && runs+=(fixbuf) # also libfixbuf's decoder (it drops flows apart)
  for t in "${runs[@]}"; do
    frc=0 targs=(--threads "$t")
    [ "$t" = fixbuf ] && targs=(--threads 1 --decoder fixbuf)
    "$fs" "${fargs[@]}" "${targs[@]}" "${inputs[@]}" > "$work/$name.raw$t" 2> "$work/$name.err$t" || frc=$?
    if [ $rrc -ne 0 ]; then
      if [ $frc -eq 0 ]; then
        echo "FAIL $name: the reference refuses ($(cat "$work/$name.referr")) but flowsweep answered"; fail=1
      fi
      continue
    fi
    if [ $frc -ne 0 ]; then
      echo "FAIL $name: flowsweep failed: $(cat "$work/$name.err$t")"; fail=1; continue
    fi
    tr -d '\r' < "$work/$name.raw$t" | { IFS= read -r h; echo "$h"; LC_ALL=C sort; } > "$work/$name.got$t"
    LC_ALL=C sort -o "$work/$name.exp.sorted" <(tail -n +2 "$work/$name.expected")
    { head -1 "$work/$name.expected"; cat "$work/$name.exp.sorted"; } > "$work/$name.exp2"
    if ! cmp -s "$work/$name.exp2" "$work/$name.got$t"; then
      echo "FAIL $name at $t threads (or decoder):"; diff "$work/$name.exp2" "$work/$name.got$t" | head -10; fail=1
    fi
  done
}
# must_fail NAME PATTERN flowsweep-args...: exits non-zero, message matches PATTERN
must_fail() {
  local name=$1 pat=$2; shift 2
  local rc=0
  "$fs" "$@" -q "${inputs[@]}" > /dev/null 2> "$work/$name.err" || rc=$?
  if [ $rc -eq 0 ] || ! grep -qF -- "$pat" "$work/$name.err"; then
    echo "FAIL $name: want an error with '$pat', got rc=$rc: $(cat "$work/$name.err")"; fail=1
  fi
}

# The wrong answers of issue 13.
job diff-big     flows 'bytes - rbytes > 1000000' 'proto' 'n=count(), b=sum(bytes)' ''
job diff-big2    flows 'bytes > rbytes + 1000000' 'proto' 'n=count(), b=sum(bytes)' ''
job diff-small   flows 'bytes - rbytes > 300' 'proto' 'n=count(), b=sum(bytes)' ''
job diff-small2  flows 'bytes > rbytes + 300' 'proto' 'n=count(), b=sum(bytes)' ''
job diff-neg     silk 'bytes - rbytes < -1000' 'proto, app' 'n=count(), p=sum(packets)' ''
job minus-one    flows 'bytes - 2 > -1' 'proto' 'n=count()' ''
job ports        silk 'sport - dport < 0' 'proto' 'n=count()' ''
job having-neg   flows '' 'app' 'flows=count(), b=sum(bytes)' 'flows - 50000 < 0'
job having-neg2  flows '' 'app' 'flows=count(), b=sum(bytes)' 'flows - 50000 < 0 and b - 2 * flows > -5'
job overflow     flows 'bytes * 4294967296 * 4294967296 = 0' 'proto' 'n=count()' ''
job overflow-and flows 'proto = 255 and bytes * 4294967296 * 4294967296 = 0' 'proto' 'n=count()' ''
job exact-real   flows 'bytes >= 100.5 and start > 1.0e12' 'proto' 'n=count()' ''
job mod-neg      flows '(sport - 40000) % 7 = -3' 'proto' 'n=count()' ''
# Addresses, lists, ranges, either side, times.
job addr-eq      silk "sip = $addr" 'dip' 'n=count(), b=sum(bytes)' ''
job addr-ne      flows "sip != $addr and app = 53" 'proto' 'n=count()' ''
job addr-any     flows "addr = $addr" 'proto, app' 'n=count()' ''
job addr-none    flows "not addr in ($addr, 10.0.0.0/8)" 'proto' 'n=count()' ''
job port-any     silk 'port in (53, 5353, 443)' 'proto, app' 'n=count()' ''
job port-range   flows 'dport in (1..1023) and sport in (1024..65535)' 'dport' 'n=count()' ''
job cidr-v6      flows 'sip in (::/0) and dip not in 192.168.0.0/16' 'proto' 'n=count()' ''
job time-iso     flows "start >= '$iso' and end < '2099-01-01' and start < hour * 1000 + 3600000 and end - start >= 0" 'proto' 'n=count()' ''
job time-hour    flows "hour >= '$iso:00Z' or hour < '1971-01-01T00'" 'proto' 'n=count()' ''
job dns-icase    flows "count_suffix('.COM.') > 0 or count_name('WWW.EXAMPLE.COM.') = 1" 'proto' 'n=count()' ''
FIXBUF=1 job in-names     flows "size(dns.names) in (1, 2) and count_type(1) >= 1" 'dns.types' 'n=count()' ''
# --having's tests of a list key's size alone are made on each record before grouping (job.h):
# ranges from several conjuncts, a constant on the left, != and "or" (left to --having).
job size-range   flows 'app = 53' 'names=dns.names, types=dns.types' 'n=count(), s=distinct(sip), b=sum(bytes)' 'size(names) >= 2 and 4 > size(types) and n > 0'
job size-eq      silk '' 'types=dns.types' 'n=count(), p=sum(packets)' 'size(types) = 1'
job size-none    flows '' 'types=dns.types, proto' 'n=count()' 'size(types) > 3 and size(types) < 3'
job size-ne-or   flows '' 'names=dns.names' 'n=count()' 'size(names) != 2 and (size(names) < 2 or n > 1)'

job wl-sip       silk "sip in @$work/ips.txt" 'proto' 'n=count(), b=sum(bytes)' ''
FIXBUF=1 job wl-addr      flows "addr in @$work/ips.txt and not dip in @$work/ips.txt" 'proto' 'n=count()' ''
job wl-dns       flows "dns.suffix in @$work/domains.txt" 'proto, app' 'n=count()' ''
job suffix-long  dns "dns.suffix in ('$longdom')" 'sip' 'n=count()' ''
FIXBUF=1 job wl-dns-not   flows "app = 53 and dns.suffix not in @$work/domains.txt" 'proto' 'n=count()' ''
job dns-inline   flows "dns.suffix in ('COM', '*.arpa.', '$dom1')" 'proto' 'n=count()' ''
# --records dns: one record per resource record (issue 13 item 6); dns.domain is the
# reference's own Public Suffix List walk over Debian's list file, not libpsl.
job rr-name-type dns '' 'dns.name, dns.type' 'n=count()' ''
job rr-fields    dns 'dns.section > 0 or dns.rcode = 3' 'dns.qr, dns.rcode, dns.section' 'n=count(), ttl=max(dns.ttl), t=min(dns.ttl), b=sum(bytes)' ''
job rr-domain    dns '' 'dns.domain' 'n=count(), names=distinct(dns.name), src=distinct(sip)' ''
job rr-where     dns "dns.suffix in ('arpa', '$dom1') or dns.domain = 'EXAMPLE.com.' or dns.name = 'X'" 'dns.domain, dns.type' 'n=count()' ''
job rr-distinct  dns 'dns.type in (1, 28)' 'sip' 'names=distinct(dns.name), domains=distinct(dns.domain)' ''
job rr-wl        dns "dns.suffix in @$work/domains.txt" 'dns.name' 'n=count()' ''
# Name literals without their trailing dot are the same names (they matched nothing before).
name1=$(grep -h -m1 '^R ' "${fds[@]}" | cut -d' ' -f9- | head -1)
job rr-nodot     dns "dns.domain = '${dom1%.}' or dns.name in ('${name1%.}') or count_suffix('${dom1%.}') > 0" 'dns.domain' 'n=count()' ''
job flow-nodot   flows "count_name('${name1%.}') > 0 or dns.name in ('${dom1%.}')" 'proto' 'n=count()' ''

# avg (exact, rounded half to even at 6 decimals) and several --order keys: the rows in the
# reference's order, byte for byte (no sorting of either side).
job avg-proto    flows '' 'proto, app' 'n=count(), m=avg(bytes), p=avg(packets), s=sum(bytes)' ''
job avg-rr       dns '' 'dns.type' 'ttl=avg(dns.ttl), n=count()' 'ttl > 100.5'
ordered() { # NAME RECORDS GROUP_BY AGG ORDER LIMIT
  local name=$1 records=$2 group=$3 agg=$4 order=$5 limit=$6
  n=$((n + 1))
  python3 "$ref" query --records "$records" --group-by "$group" --agg "$agg" --order "$order" \
    --limit "$limit" "${fds[@]}" > "$work/$name.expected"
  local runs=(1 2)
  [ -n "${FLOWSWEEP_TEST_SANITIZER:-}" ] && runs=(2) # 1 thread: compared in the release pass
  for t in "${runs[@]}"; do
    "$fs" query --records "$records" --group-by "$group" --agg "$agg" --order "$order" \
      --limit "$limit" --format csv -q --threads $t "${inputs[@]}" | tr -d '\r' > "$work/$name.got$t"
    cmp -s "$work/$name.expected" "$work/$name.got$t" ||
      { echo "FAIL $name at $t threads:"; diff "$work/$name.expected" "$work/$name.got$t" | head -10; fail=1; }
  done
}
ordered ord-two    flows 'proto, app' 'flows=count(), b=sum(bytes)' 'app desc, flows asc' 0
ordered ord-avg    flows 'sip' 'n=count(), m=avg(bytes)' 'm desc, n' 25
ordered ord-text   dns 'dns.domain, dns.type' 'n=count(), t=avg(dns.ttl)' 'dns.type, n desc, t' 40

# Times: ISO 8601 UTC columns (--epoch: numbers), bin(time, W) keys as rwcount's bins.
job bin-5m       flows '' 'bin(start, 5m), proto' 'n=count(), b=sum(bytes), p=sum(packets), first=min(start), last=max(end)' ''
job bin-epoch    silk "start >= '$iso'" 't=bin(start, 1h), hour' 'n=count(), b=sum(bytes)' 't > 0' --epoch
job bin-rr       dns '' 'bin(end, 1d), dns.type' 'n=count(), h=min(hour)' ''

# Refused when parsing, naming the types.
must_fail rr-view 'use --records dns' query --group-by dns.name
must_fail rr-view-where 'use --records dns' query --where 'dns.ttl > 0' --group-by sip
must_fail wl-bad "bad-ips.txt:3" query --where "sip in @$work/bad-ips.txt" --group-by dip
must_fail wl-missing "nothere.txt" query --where "sip in @$work/nothere.txt" --group-by dip
must_fail type-sip '53 (an integer)' query --where 'sip = 53' --group-by dip
must_fail type-bytes '10.0.0.1 (an address)' query --where 'bytes = 10.0.0.1' --group-by dip
must_fail overflow-msg '"bytes * 4294967296 * 4294967296" is beyond signed 64-bit' \
  query --where 'bytes * 4294967296 * 4294967296 = 0' --group-by dip
must_fail literal-big 'beyond 128-bit' query --where 'bytes < 999999999999999999999999999999999999999' --group-by dip
# Literals (review s16): a real compared with an integer exactly, a field's range (by both).
job dec-exact    flows 'bytes >= 2.5 and packets < 3.5 and bytes * 2 > 7.5' 'proto' 'n=count(), b=sum(bytes)' 'b >= 100.5 and n > 0.5'
job dec-neg      silk 'sport - dport < -1000.5 and -2.5 < packets' 'proto' 'n=count()' ''
job lit-u64      flows 'bytes <= 18446744073709551615.0 and rbytes < 18446744073709551615' 'proto' 'n=count()' 'n < 170141183460469231731687303715884105727'
job dec-eq       flows 'bytes = 100.5' 'proto' 'n=count()' ''
job dec-round    flows 'bytes / packets > 9007199254740993.0' 'proto' 'n=count()' ''
job range-eq     flows 'dport = 70000' 'proto' 'n=count()' ''
job range-gt     silk 'sport > 65535' 'proto' 'n=count()' ''
job range-lt     flows 'proto < 300' 'app' 'n=count()' ''
job range-neg    flows 'bytes > -0.5' 'proto' 'n=count()' ''
job range-in     flows 'app in (53, 70000)' 'proto' 'n=count()' ''
job range-port   flows 'port in (0..65536)' 'proto' 'n=count()' ''
job range-having flows '' 'proto' 'n=count()' 'n < 0'
job range-key    flows '' 'dport' 'n=count()' 'dport = 65536'
must_fail range-msg '"dport = 70000" is never true: dport is 0 to 65535' query --where 'dport = 70000' --group-by dip
must_fail job-empty '--job block 2: --group-by is required' query --group-by dip --job
must_fail job-csv 'one stream per output' query --group-by dip --job --group-by sip --format csv
must_fail job-shard 'not with --shard' query --shard 0/2 --partial-out "$work/p" --group-by dip --job --group-by sip
# Times in different units (start, end: ms; hour: s) are refused, by the reference too.
job unit-cmp     flows 'start < hour + 3600' 'proto' 'n=count()' ''
# One flow's many names compared with one string (the flows view): refused by both; so is a
# watchlist with no entry (it would match nothing, silently).
job names-eq     flows "dns.name = 'www.example.com'" 'proto' 'n=count()' ''
printf '# no entry yet\n\n' > "$work/wl-empty.txt"
job wl-empty     flows "not addr in @$work/wl-empty.txt" 'proto' 'n=count()' ''
must_fail unit-dur '"end - start" is in milliseconds and "hour" in seconds' query --where 'end - start < hour' --group-by dip
must_fail unit-msg '"hour" is in seconds and "start" in milliseconds' query --where 'hour = start' --group-by dip

# --where on the presets, ANDed into their filter: byte-exact against the reference's presets.
net=$(echo "$addr" | awk -F. 'NF == 4 {print $1 "." $2 "." $3 ".0/24"; exit} {print "::/0"}')
preset() { # NAME, then the arguments for both
  local name=$1; shift
  python3 "$ref" "$@" "${fds[@]}" > "$work/$name.expected"
  "$fs" "$@" -q "${inputs[@]}" > "$work/$name.got" || true
  n=$((n + 1))
  cmp -s "$work/$name.expected" "$work/$name.got" ||
    { echo "FAIL $name:"; diff "$work/$name.expected" "$work/$name.got" | head -10; fail=1; }
}
preset names-subnet dns-names --where "sip in ($net)" --format csv --limit 0
preset names-subnet-table dns-names --where "sip in ($net) or dport != 53"
preset dest-where dns-dest --where "dport = 53 and bytes - packets > 100" --format csv --limit 0
preset dest-where-fwd dns-dest --direction forward --min-bytes 0 --where "not addr in ($net)" --format csv --limit 0

# dns-hunt --where (ANDed with dns-hunt's own choice of flows): a filter every DNS flow passes
# changes nothing; one none passes leaves no rows; one subnet's clients with --by client
# gives exactly the unfiltered rows of those clients (a client's group holds only its own
# flows), in the same order; --show-query is refused (dns-hunt is no query preset).
"$fs" dns-hunt --format csv --limit 0 -q "${inputs[@]}" > "$work/hunt-all.csv"
"$fs" dns-hunt --where 'app = 53 and ndns > 0' --format csv --limit 0 -q "${inputs[@]}" > "$work/hunt-app.csv"
cmp -s "$work/hunt-all.csv" "$work/hunt-app.csv" || { echo "FAIL: dns-hunt --where 'app = 53' changed the rows"; fail=1; }
"$fs" dns-hunt --where 'proto = 254' --format csv --limit 0 -q "${inputs[@]}" > "$work/hunt-none.csv"
[ "$(wc -l < "$work/hunt-none.csv")" -eq 1 ] || { echo "FAIL: dns-hunt --where 'proto = 254' kept rows"; fail=1; }
must_fail hunt-show 'does not apply' dns-hunt --where 'app = 53' --show-query
n=$((n + 3))

# bytes - rbytes > N and bytes > rbytes + N keep the same records (flowsweep itself, every N;
# the release pass: the same code as the jobs above).
Ns="-1000000 -100 0 100 1000000"
[ -n "${FLOWSWEEP_TEST_SANITIZER:-}" ] && Ns=""
for N in $Ns; do
  a=$("$fs" query --where "bytes - rbytes > $N" --group-by proto --format csv --limit 0 -q "${inputs[@]}")
  b=$("$fs" query --where "bytes > rbytes + $N" --group-by proto --format csv --limit 0 -q "${inputs[@]}")
  [ "$a" = "$b" ] || { echo "FAIL: bytes - rbytes > $N differs from bytes > rbytes + $N"; fail=1; }
done
# Several --job blocks over one sweep (issue 19): each block's rows byte for byte those of
# the query alone (checked against the reference above), at 2 threads; then through --cache
# (the blocks without a watchlist), cold and warm (every file from its partials).
multi() { # LABEL, then the flowsweep arguments before the blocks
  local label=$1; shift
  rm -f "$work"/multi/*.csv
  if ! "$fs" query "$@" --format csv -q --threads 2 "${block_args[@]:1}" "${inputs[@]}" 2> "$work/multi.err"; then
    echo "FAIL multi $label: $(head -3 "$work/multi.err")"; fail=1; return
  fi
  for b in "${blocks[@]}"; do
    tr -d '\r' < "$work/multi/$b.csv" | cmp -s - <(tr -d '\r' < "$work/$b.raw2") ||
      { echo "FAIL multi $label: block $b differs from the query alone"; fail=1; }
  done
  n=$((n + 1))
}
multi plain
all_blocks=("${blocks[@]}") all_args=("${block_args[@]}")
blocks=() block_args=()
for ((i = 0, j = 0; i < ${#all_blocks[@]}; i++)); do # each block's arguments end with -o FILE
  b=${all_blocks[$i]} k=$j
  while [ "${all_args[$j]}" != -o ]; do j=$((j + 1)); done
  j=$((j + 2))
  case "${all_args[*]:$k:$((j - k))}" in *@*) continue ;; esac
  blocks+=("$b"); block_args+=("${all_args[@]:$k:$((j - k))}")
done
# (the release pass: e2e.cache runs the cache's code under the sanitizers)
if [ -z "${FLOWSWEEP_TEST_SANITIZER:-}" ]; then
  rm -rf "$work/cache"
  multi cache-cold --cache "$work/cache"
  multi cache-warm --cache "$work/cache"
  "$fs" query --cache "$work/cache" --threads 2 "${block_args[@]:1}" --format csv "${inputs[@]}" \
    > /dev/null 2> "$work/multi-warm.err" || true
  grep -q "summary: cache: [1-9][0-9]* files from partials, 0 read" \
    "$work/multi-warm.err" || { echo "FAIL multi: the warm run read files: $(grep cache: "$work/multi-warm.err")"; fail=1; }
fi
# Blocks that all drop flows by their flow-level conjuncts (each block's keep() applied to the
# one sweep's flows): each block's records and kept as the query alone counts them.
keep_jobs=(addr-ne port-range diff-big wl-dns-not)
blocks=() block_args=()
for b in "${keep_jobs[@]}"; do
  for ((i = 0, j = 0; i < ${#all_blocks[@]}; i++)); do
    k=$j
    while [ "${all_args[$j]}" != -o ]; do j=$((j + 1)); done
    j=$((j + 2))
    [ "${all_blocks[$i]}" = "$b" ] && { blocks+=("$b"); block_args+=("${all_args[@]:$k:$((j - k))}"); }
  done
done
rm -f "$work"/multi/*.csv
"$fs" query --threads 2 "${block_args[@]:1}" --format csv "${inputs[@]}" > /dev/null 2> "$work/multi-keep.err" ||
  { echo "FAIL multi keep: $(head -3 "$work/multi-keep.err")"; fail=1; }
for ((i = 0; i < ${#blocks[@]}; i++)); do
  b=${blocks[$i]}
  tr -d '\r' < "$work/multi/$b.csv" | cmp -s - <(tr -d '\r' < "$work/$b.raw2") ||
    { echo "FAIL multi keep: block $b differs from the query alone"; fail=1; }
  # the block's arguments again, alone, for its summary's records and kept
  k=0 args=()
  for ((x = 0, y = 0; x <= i; x++)); do
    k=$y
    while [ "${block_args[$y]}" != -o ]; do y=$((y + 1)); done
    y=$((y + 2))
  done
  args=("${block_args[@]:$((k + 1)):$((y - k - 3))}")
  want=$("$fs" query "${args[@]}" --format csv --threads 2 "${inputs[@]}" 2>&1 >/dev/null | grep -o 'records [0-9]* (kept [0-9]*)')
  got=$(grep "block $((i + 1)):" "$work/multi-keep.err" | grep -o 'records [0-9]* (kept [0-9]*)')
  [ -n "$want" ] && [ "$want" = "$got" ] ||
    { echo "FAIL multi keep: block $b counts '$got', the query alone '$want'"; fail=1; }
done
n=$((n + 1))

# The examples must have covered both answers: rows kept and the overflow refused.
[ -s "$work/diff-small.exp.sorted" ] || { echo "FAIL: diff-small kept no rows: a weak test"; fail=1; }
[ "$(wc -l < "$work/names-subnet.expected")" -gt 1 ] || { echo "FAIL: names-subnet: no rows"; fail=1; }
[ -s "$work/wl-dns.exp.sorted" ] || { echo "FAIL: the domain watchlist matched nothing"; fail=1; }
[ -s "$work/wl-sip.exp.sorted" ] || { echo "FAIL: the address watchlist matched nothing"; fail=1; }
[ -s "$work/rr-where.exp.sorted" ] || { echo "FAIL: rr-where matched nothing"; fail=1; }
[ -s "$work/rr-nodot.exp.sorted" ] || { echo "FAIL: rr-nodot matched nothing"; fail=1; }
[ -s "$work/unit-cmp.referr" ] || { echo "FAIL: the reference did not refuse mixed units"; fail=1; }
[ -s "$work/names-eq.referr" ] || { echo "FAIL: the reference did not refuse dns.name = 'x' (flows)"; fail=1; }
[ -s "$work/wl-empty.referr" ] || { echo "FAIL: the reference did not refuse an empty watchlist"; fail=1; }
[ -s "$work/overflow.referr" ] || { echo "FAIL: the reference did not refuse the overflow"; fail=1; }
[ $fail -eq 0 ] && echo "query_vs_reference ($mode): $n jobs equal the reference"
exit $fail
