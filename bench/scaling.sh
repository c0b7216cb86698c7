#!/usr/bin/env bash
# bench/scaling.sh - where 2 threads lose against 1 (issue 18): runs one analytic at
# 1 and at N threads, interleaved (1, N, 1, N, ...), each run with --summary json, and
# prints the median of every phase of the run summary (docs/usage.md, "Run summary") at
# each thread count, the wall time of the whole process, and the scaling.
#
#   bench/scaling.sh [--runs R] [--threads N] [--build DIR] [--gap S] COMMAND REPO [ARGS...]
#   bench/scaling.sh --runs 7 dns-dest /work/bench-cache/small
#
# On a machine others share, run it whole under SCHED_FIFO with a gap between runs:
#   chrt -f 50 bench/scaling.sh --gap 1.1 --runs 11 dns-names /work/bench-cache/small
# (every run then has both CPUs while it lasts, and the script itself, which takes the
# times, is woken at once when a run ends: a shell of normal priority waited several ms for
# a CPU under load, which counted as the run's start or exit; --gap S sleeps S seconds after
# each run, as the kernel throttles real-time tasks for 50 ms of every second). The scaling
# it prints is then flattered: the 1-thread run shares the memory and the L3 with the others'
# processes on the other CPU, the N-thread run does not (session 18: 2.04x for dns-names on
# small at load 20, where the quiet run had 1.81x); take its phases, not its ratio.
#
# Columns: wall (the process, as bench/run times it: start-up and exit included), then
# the summary's elapsed and phases: plan, map (of it: tail, the workers' ends' spread),
# merge, finish, output; "other" is wall minus plan, map, merge, finish and output (the
# process's start-up and exit, and the run's own bookkeeping). At N threads, what does not
# shrink (plan, tail, merge, output, other) is the serial share. The time is that of a
# shared machine when others work on it: compare runs taken side by side only.
# Exit status: 0, 1 when a run failed, 2 usage.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
runs=5 threads=2 build=build gap=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=${2:?}; shift ;;
    --gap) gap=${2:?}; shift ;;
    --threads) threads=${2:?}; shift ;;
    --build) build=${2:?}; shift ;;
    -h|--help) sed -n "2,/^[^#]/{/^#/p}" "$0" | sed "s/^# \{0,1\}//" >&2; exit 2 ;;
    -*) echo "bench/scaling.sh: unknown option '$1'" >&2; exit 2 ;;
    *) break ;;
  esac
  shift
done
[ $# -ge 2 ] || { echo "usage: bench/scaling.sh [--runs R] [--threads N] COMMAND REPO [ARGS...]" >&2; exit 2; }
[[ "$runs" =~ ^[1-9][0-9]*$ && "$threads" =~ ^[1-9][0-9]*$ ]] || { echo "bench/scaling.sh: --runs and --threads want numbers" >&2; exit 2; }
[[ "$gap" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "bench/scaling.sh: --gap wants seconds" >&2; exit 2; }
cmd=$1 repo=$2
shift 2
fs=$build/flowsweep
[ -x "$fs" ] || { echo "bench/scaling.sh: $fs is missing (scripts/build release)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$fs" "$cmd" -q -t 1 "$@" "$repo" > "$tmp/warm.out" || { echo "bench/scaling.sh: the warm-up failed" >&2; exit 1; }
for ((r = 0; r < runs; r++)); do
  for t in 1 "$threads"; do
    s=$EPOCHREALTIME
    "$fs" "$cmd" -q -t "$t" --summary json --summary-file "$tmp/s.json" "$@" "$repo" > "$tmp/out.$t" ||
      { echo "bench/scaling.sh: $cmd -t $t failed" >&2; exit 1; }
    e=$EPOCHREALTIME
    printf '%s\t%s\t%s\n' "$t" "$(awk -v a="$s" -v b="$e" 'BEGIN {printf "%.4f", b - a}')" \
      "$(cat "$tmp/s.json")" >> "$tmp/rows.tsv"
    [ "$gap" = 0 ] || sleep "$gap"
  done
  cmp -s "$tmp/out.1" "$tmp/out.$threads" ||
    { echo "bench/scaling.sh: the output at $threads threads differs from 1 thread's" >&2; exit 1; }
done
python3 - "$tmp/rows.tsv" "$threads" <<'EOF'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    t, wall, js = line.rstrip('\n').split('\t', 2)
    s = json.loads(js)
    ph = s.get('phases') or {}
    r = {'wall': float(wall), 'elapsed': s['elapsed_seconds']}
    for k in ('plan', 'map', 'map_tail', 'merge', 'finish', 'output'):
        r[k] = ph.get(k + '_seconds', 0.0)
    r['other'] = r['wall'] - sum(r[k] for k in ('plan', 'map', 'merge', 'finish', 'output'))
    rows.setdefault(int(t), []).append(r)
cols = ('wall', 'elapsed', 'plan', 'map', 'map_tail', 'merge', 'finish', 'output', 'other')
print('threads  ' + ' '.join('%9s' % c for c in cols) + '   (medians, seconds)')
med = {}
for t in sorted(rows):
    med[t] = {c: statistics.median(r[c] for r in rows[t]) for c in cols}
    print('%7d  ' % t + ' '.join('%9.4f' % med[t][c] for c in cols))
n = int(sys.argv[2])
if n in med and 1 in med and n != 1:
    a, b = med[1], med[n]
    serial = b['plan'] + b['map_tail'] + b['merge'] + b['output'] + b['other']
    print('scaling %.2fx (wall %.4f -> %.4f s); at %d threads the parts that do not shrink '
          '(plan, tail, merge, output, other) are %.4f s, %.0f%% of the wall'
          % (a['wall'] / b['wall'], a['wall'], b['wall'], n, serial, 100 * serial / b['wall']))
EOF
