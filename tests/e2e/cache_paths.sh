#!/usr/bin/env bash
# cache_paths.sh FLOWSWEEP GEN WORKDIR - the partial cache against how a file is reached
# and which files a run can cache (docs/usage.md "--cache", docs/partials.md):
#  1. one file reached by a path that gives its hour (read whole) and by one that does not
#     (a symbolic link to the day, `cd` into the hour and PATH `.`: its records filtered by
#     --start/--end), with a capture file of no hour in every run: in either order, every
#     --cache run prints what the run without the cache prints (dns-dest, dns-names, the
#     report); files read whole are still reused when --end moves.
set -euo pipefail
fs=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") gen=$2 work=$3 # runs from other directories
. "$(dirname "$0")/lib.sh"
work=$(fresh_workdir "$work")
g=$work/gen
"$gen" --out "$g" --seed 5 --start 2024-05-06T05 --hours 3 --flows 6000 -q
repo=$work/repo
mkdir -p "$repo/2024/05/06/06" "$repo/2024/05/06/07" "$work/cap"
cp "$g"/2024/05/06/06/*.yaf "$repo/2024/05/06/06/"
cp "$g"/2024/05/06/07/*.yaf "$repo/2024/05/06/07/"
# hour 05's flows under hour 07's directory, named with no hour: whole when the path gives
# the hour (07), filtered to nothing by --start/--end 07 when it does not
cp "$g"/2024/05/06/05/*.yaf "$repo/2024/05/06/07/s1.yaf"
cp "$g"/2024/05/06/07/*.yaf "$work/cap/y.yaf" # a capture file: no hour in its path
ln -s "$repo/2024/05/06" "$work/today"
find "$work" -type f -exec touch -d '-2 hours' {} + # old enough for the racy rule
W=(--start 2024-05-06T07 --end 2024-05-06T07)
warnings() { grep -v -e '^flowsweep: summary:' -e '^flowsweep: warn: cache:' "$1" || true; }
cache_counts() { sed -n 's/.*cache: \([0-9]*\) files from partials, \([0-9]*\) read.*/\1 \2/p' "$1"; }

# runs KIND ARGS...: ARGS with the PATH given as KIND (real: the repository, link: the
# symbolic link to the day, hourdir: `.` from inside hour 07), then the capture file.
runs() {
  local kind=$1
  shift
  case $kind in
    real) "$fs" "$@" "$repo/2024" "$work/cap/y.yaf" ;;
    link) "$fs" "$@" "$work/today" "$work/cap/y.yaf" ;;
    hourdir) (cd "$repo/2024/05/06/07" && "$fs" "$@" . "$work/cap/y.yaf") ;;
  esac
}
# the plain answers, and the difference the cache must keep (else this tests nothing)
for cmd in dest names; do
  read -r -a args <<< "${job[$cmd]}"
  for kind in real link hourdir; do
    run_keep "$work/$cmd.$kind.plain" runs "$kind" "${args[@]}" --threads 1 "${W[@]}"
    [ "$(cat "$work/$cmd.$kind.plain.rc")" = 0 ] && [ -s "$work/$cmd.$kind.plain.out" ] ||
      bad "$cmd $kind: the plain run failed: $(head -c 300 "$work/$cmd.$kind.plain.err")"
  done
done
[ "$(wc -l < "$work/dest.real.plain.out")" -gt "$(wc -l < "$work/dest.link.plain.out")" ] ||
  bad "the set-up: the path with the hour should give more rows than the link (hour 05's flows)"
# Every order of the three: each --cache run (cold, then warm with the other kinds' partials
# in the cache) equals the plain run of its own path.
n=0
for order in "real link hourdir real" "link real hourdir link" "hourdir real link hourdir"; do
  n=$((n + 1))
  for cmd in dest names; do
    read -r -a args <<< "${job[$cmd]}"
    c=$work/cache-$cmd-$n
    k=0
    for kind in $order; do
      k=$((k + 1))
      t=$((1 + k % 2)) # 2 threads, then 1, ...
      run_keep "$work/$cmd.$n.$k" runs "$kind" "${args[@]}" --threads "$t" "${W[@]}" --cache "$c"
      same_run "$work/$cmd.$kind.plain" "$work/$cmd.$n.$k"
    done
    # the last run (the first's path again): every file from the cache, none read
    [ "$(cache_counts "$work/$cmd.$n.$k.err")" = "3 0" ] ||
      bad "$cmd, order '$order': the last run: '$(cache_counts "$work/$cmd.$n.$k.err")' from partials and read, want '3 0'"
  done
done
# The report: its three jobs' per-file partials, both orders.
steady() { sed -e 's/made [^<]*//' -e 's|<dt>elapsed</dt><dd>[^<]*||' "$1"; }
for kind in real link; do
  runs "$kind" report --progress never --threads 1 "${W[@]}" -o "$work/report.$kind.plain.html" 2> /dev/null
done
for order in "real link real" "link real link"; do
  c=$work/cache-report-${order%% *}
  for kind in $order; do
    runs "$kind" report --progress never --threads 1 "${W[@]}" --cache "$c" -o "$work/report.got.html" 2> /dev/null
    cmp -s <(steady "$work/report.$kind.plain.html") <(steady "$work/report.got.html") ||
      bad "report --cache, order '$order', $kind: differs from the report without the cache"
  done
done
# A moving window keeps what was read whole: --end one hour on, the two hour files of 07
# (in a roll-up of their week) come from the cache, the capture file (filtered under the
# old window) is read again.
c=$work/cache-moving
run_keep "$work/mov1" runs real dns-dest --limit 0 --format csv --threads 1 "${W[@]}" --cache "$c"
run_keep "$work/mov2.plain" runs real dns-dest --limit 0 --format csv --threads 1 --start 2024-05-06T07 --end 2024-05-06T08
run_keep "$work/mov2" runs real dns-dest --limit 0 --format csv --threads 1 --start 2024-05-06T07 --end 2024-05-06T08 --cache "$c"
same_run "$work/mov2.plain" "$work/mov2"
[ "$(cache_counts "$work/mov2.err")" = "2 1" ] ||
  bad "a moved --end: '$(cache_counts "$work/mov2.err")' from partials and read, want '2 1'"
exit "$fail"
