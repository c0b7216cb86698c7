#!/usr/bin/env bash
# bench/hunt_vs_names.sh [REPO] [RUNS] - what dns-hunt costs next to dns-names.
# Runs both on the same repository (default: a generated 1 GiB day, cached in
# bench/cache/day), after one warm-up each, RUNS times (default 5) at 1 and 2 threads,
# and prints the median wall time of each, their ratio and the peak RSS. Timing comes
# from flowsweep's own summary line (elapsed, from start to output).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=${1:-bench/cache/day}
runs=${2:-5}
[ -x build/flowsweep ] || scripts/build release >/dev/null
if [ ! -d "$repo" ]; then
  echo "making $repo (1 GiB, seed 1, YAF 2 layout)" >&2
  build/flowsweep-gen --out "$repo" --bytes 1G --seed 1 --labels "$repo.labels.tsv" -q
fi
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
measure() { # command threads -> "median_s peak_rss_mib"
  local log; log=$(mktemp)
  build/flowsweep "$1" --threads "$2" "$repo" > /dev/null 2>&1 # warm-up
  for _ in $(seq "$runs"); do
    /usr/bin/time -f 'rss %M' build/flowsweep "$1" --threads "$2" "$repo" 2>> "$log" > /dev/null
  done
  echo "$(grep -o 'elapsed [0-9.]*' "$log" | awk '{print $2}' | median) \
$(grep -o 'rss [0-9]*' "$log" | awk '{print $2}' | sort -n | tail -1 | awk '{printf "%.0f", $1 / 1024}')"
  rm -f "$log"
}
printf '%-8s %-10s %-10s %-8s %s\n' threads dns-names dns-hunt ratio "peak RSS (MiB) names/hunt"
for t in 1 2; do
  read -r n nr < <(measure dns-names "$t")
  read -r h hr < <(measure dns-hunt "$t")
  printf '%-8s %-10s %-10s %-8s %s\n' "$t" "${n}s" "${h}s" "$(awk -v a="$h" -v b="$n" 'BEGIN {printf "%.2f", a / b}')" "$nr/$hr"
done
