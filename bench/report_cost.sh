#!/usr/bin/env bash
# bench/report_cost.sh [REPO] [RUNS] [THREADS] - what `flowsweep report` costs next to the
# analytics it contains (issue 19: at most 1.3x the costliest single one).
# Runs dns-names, dns-dest, dns-hunt and report on REPO (default /work/bench-cache/day,
# else bench/cache/day), interleaved (names, dest, hunt, report, names, ...) RUNS times
# (default 5) at THREADS (default 1) after one warm-up round, and prints for each the
# median wall time and the median user+system CPU seconds (GNU time), then the report's
# ratio to the costliest single analytic by each. With build/bench/floor-report (built with
# the release build) it also times the report's floors (docs/report.md): `floor`, one sweep
# folding the three commands' own jobs, and `floor+sv+hr`, with dns-hunt's server view and
# hours added (the report's sweep without its finishes and page), and prints their ratios.
# On a shared machine trust the CPU column more; on a quiet one both. Exit status 0 (it
# reports, it does not judge).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=${1:-}
if [ -z "$repo" ]; then
  repo=bench/cache/day
  [ -d /work/bench-cache/day ] && repo=/work/bench-cache/day
fi
runs=${2:-5} threads=${3:-1}
fs=build/flowsweep floor=build/bench/floor-report
[ -x "$fs" ] && [ -x "$floor" ] || scripts/build release > /dev/null
[ -d "$repo" ] || { echo "bench/report_cost.sh: no repository $repo (bench/run makes bench/cache/day)" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
one() { # NAME -> appends "wall cpu" to $out/NAME
  local a=(-q --threads "$threads") t0 t1
  case $1 in
    report) a+=(-o "$out/r.html") ;;
  esac
  t0=$EPOCHREALTIME
  case $1 in
    floor) /usr/bin/time -o "$out/t" -f '%U %S' "$floor" --threads "$threads" "$repo" > /dev/null ;;
    floor+sv+hr) /usr/bin/time -o "$out/t" -f '%U %S' "$floor" --server-view --hourly --threads "$threads" "$repo" > /dev/null ;;
    *) /usr/bin/time -o "$out/t" -f '%U %S' "$fs" "$1" "${a[@]}" "$repo" > /dev/null ;;
  esac
  t1=$EPOCHREALTIME
  awk -v a="$t0" -v b="$t1" '{printf "%.3f %.2f\n", b - a, $1 + $2}' "$out/t" >> "$out/$1"
}
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
list="dns-names dns-dest dns-hunt report"
[ -x "$floor" ] && list="$list floor floor+sv+hr"
for c in $list; do one "$c"; : > "$out/$c"; done # warm-up (page cache), not kept
for _ in $(seq "$runs"); do for c in $list; do one "$c"; done; done
printf '%-12s %10s %10s   (%s, %s runs, %s thread(s))\n' analytic "wall s" "cpu s" "$repo" "$runs" "$threads"
for a in $list; do
  printf '%-12s %10s %10s\n' "$a" "$(awk '{print $1}' "$out/$a" | median)" "$(awk '{print $2}' "$out/$a" | median)"
done
ratio() { # COLUMN(1 wall, 2 cpu) LABEL
  for a in dns-names dns-dest dns-hunt; do echo "$(awk -v k="$1" '{print $k}' "$out/$a" | median) $a"; done |
    sort -n | tail -1 | {
    read -r m n
    r=$(awk -v k="$1" '{print $k}' "$out/report" | median)
    awk -v r="$r" -v m="$m" -v n="$n" -v l="$2" 'BEGIN {printf "report / costliest (%s): %.2fx (%s); the bound is 1.3x\n", l, r / m, n}'
  }
}
ratio 1 wall
ratio 2 cpu
if [ -x "$floor" ]; then
  for k in 1 2; do
    l=wall; [ $k = 2 ] && l=cpu
    h=$(awk -v k=$k '{print $k}' "$out/dns-hunt" | median)
    for a in floor floor+sv+hr report; do
      printf '%s / dns-hunt (%s): %s\n' "$a" "$l" "$(awk -v k=$k '{print $k}' "$out/$a" | median | awk -v h="$h" '{printf "%.2fx", $1 / h}')"
    done
  done
fi
