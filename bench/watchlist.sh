#!/usr/bin/env bash
# bench/watchlist.sh [--runs N] [--threads T] [--repo DIR] [--entries N] [--miss]
# The cost of a watchlist (issue 13): the same job over the day workload without and with
# "addr in @FILE" for a FILE of 100,000 entries (IPv4 /32s, /24s and IPv6 blocks, some of
# them addresses of the workload), runs interleaved, medians and the overhead printed.
#   job:  query --records silk --group-by dip,proto --agg 'bytes=sum(bytes)'
#   with: ... --where 'not addr in @FILE'   (every record looks up both of its addresses)
# --miss: the list without the workload's addresses (1% of it are otherwise), so that nearly
# no record is dropped and every record looks up both addresses: the lookups' own cost, with
# no saving downstream.
# The day workload is bench/run's (flowsweep-gen --bytes 1G --seed 1 --hours 24), made in
# bench/cache/day when missing. Timings on a shared machine are noisy: say so.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
runs=5 threads=2 repo=bench/cache/day entries=100000 miss=0
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --repo) repo=$2; shift 2 ;;
    --entries) entries=$2; shift 2 ;;
    --miss) miss=1; shift ;;
    *) echo "usage: bench/watchlist.sh [--runs N] [--threads T] [--repo DIR] [--entries N] [--miss]" >&2; exit 2 ;;
  esac
done
FS=build/flowsweep GEN=build/flowsweep-gen
[ -x "$FS" ] || scripts/build release
if [ ! -d "$repo" ]; then
  mkdir -p "$(dirname "$repo")"
  "$GEN" --out "$repo.tmp" --bytes 1G --seed 1 --hours 24 --labels "$repo.labels.tsv" -q
  mv "$repo.tmp" "$repo"
fi
wl="$(dirname "$repo")/watchlist-$entries.txt"
if [ ! -f "$wl" ]; then
  # addresses of the workload (so the list hits), then deterministic random entries
  "$FS" query --records silk --group-by sip --format csv --limit 2000 -q "$repo" |
    tr -d '\r' | tail -n +2 | cut -d, -f1 > "$wl.seen"
  python3 - "$entries" "$wl.seen" > "$wl" <<'PY'
import random, sys
n = int(sys.argv[1]); rng = random.Random(13)
print("# bench/watchlist.sh: %d entries" % n)
seen = [l.strip() for l in open(sys.argv[2]) if l.strip()][:n // 100]
for a in seen:
    print(a)
for i in range(n - len(seen)):
    r = rng.random()
    if r < 0.85:
        print("%d.%d.%d.%d" % (rng.randrange(1, 224), rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    elif r < 0.97:
        print("%d.%d.%d.0/24  # a block" % (rng.randrange(1, 224), rng.randrange(256), rng.randrange(256)))
    else:
        print("2001:db8:%x:%x::/64" % (rng.randrange(65536), rng.randrange(65536)))
PY
  rm -f "$wl.seen"
fi
if [ $miss = 1 ]; then   # the same list without the workload's addresses it starts with
  seen=$(( $(grep -vc '^#' "$wl") / 100 ))
  grep -v '^#' "$wl" | tail -n +$((seen + 1)) > "$wl.miss"
  wl=$wl.miss
fi
job=(query --records silk --group-by dip,proto --agg 'bytes=sum(bytes)' -q --threads "$threads")
none=() with=()
for ((r = 0; r <= runs; r++)); do   # run 0 is the warm-up
  for v in none with; do
    args=("${job[@]}")
    [ $v = with ] && args+=(--where "not addr in @$wl")
    t0=$EPOCHREALTIME
    "$FS" "${args[@]}" "$repo" > /dev/null
    t=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.4f", b - a}')
    [ $r -eq 0 ] && continue
    if [ $v = none ]; then none+=("$t"); else with+=("$t"); fi
  done
done
med() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {m = int((NR + 1) / 2); printf "%.4f", NR % 2 ? v[m] : (v[m] + v[m + 1]) / 2}'; }
mn=$(med "${none[@]}") mw=$(med "${with[@]}")
echo "watchlist: $(grep -vc '^#' "$wl") entries, $threads threads, $runs runs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "none:   ${none[*]}  median $mn s"
echo "with:   ${with[*]}  median $mw s"
awk -v a="$mn" -v b="$mw" 'BEGIN {printf "overhead: %+.1f%% (median with / median none - 1)\n", (b / a - 1) * 100}'
