#!/usr/bin/env bash
# export_bounded.sh FLOWSWEEP GEN WORKDIR - export streams rows in bounded chunks.
#
# Two files of ~20 MB of rows each (release build; ~3 MB under sanitizers). With several workers, export writes every
# row in plan order (byte-identical to one worker, the reference) while no
# worker holds a whole rendered file: flowsweep's -v line reports the most
# bytes of rows a worker held (at most its chunk, a quarter of --mem-limit per
# worker, plus one flow's rows), and in a plain release build the process's
# peak RSS, measured by the kernel (/usr/bin/time), stays below half the
# output. Holding one rendered file per worker, as export once did, needs
# about 80 MB here.
set -euo pipefail
fs=$1 gen=$2 work=$3
rm -rf "$work"; mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
# Sanitizer builds (no jemalloc) skip the RSS check, so a smaller repository does.
flows=20000
if "$fs" --version | grep -q jemalloc; then flows=150000; fi
"$gen" --out "$work/repo" --seed 7 --start 2024-01-01T00 --hours 2 --flows $flows -q
rm -f "$work/repo/labels.tsv"
"$fs" export -q -t 1 "$work/repo" > "$work/ref.jsonl"
"$fs" export -q -t 1 --format csv "$work/repo" > "$work/ref.csv"
fail=0
for t in 2 4; do
  used=$(( t < 2 ? t : 2 )) # workers: no more than files
  for fmt in jsonl csv; do
    size=$(wc -c < "$work/ref.$fmt")
    rc=0
    /usr/bin/time -o "$work/rss" -f %M "$fs" export -v --progress never -t $t --mem-limit 1M \
      --format $fmt "$work/repo" > "$work/out" 2> "$work/err" || rc=$?
    [ $rc -eq 0 ] || { echo "FAIL t=$t $fmt: exit $rc"; head -3 "$work/err"; fail=1; continue; }
    cmp -s "$work/out" "$work/ref.$fmt" || { echo "FAIL t=$t $fmt: rows differ from one worker's"; fail=1; }
    held=$(sed -n 's/.*at most \([0-9]*\) bytes of rows held by a worker (chunks of \([0-9]*\)).*/\1 \2/p' "$work/err")
    set -- $held
    [ -n "${1:-}" ] || { echo "FAIL t=$t $fmt: no -v line"; cat "$work/err"; fail=1; continue; }
    # chunk = 1 MiB / 4 / workers; one flow's rows here are far below 64 KiB
    [ "$2" -eq $(( 1048576 / 4 / used )) ] || { echo "FAIL t=$t: chunk $2"; fail=1; }
    [ "$1" -le $(( $2 + 65536 )) ] || { echo "FAIL t=$t $fmt: a worker held $1 bytes"; fail=1; }
    rss_kb=$(tail -1 "$work/rss")
    if "$fs" --version | grep -q jemalloc; then # sanitizer builds carry their own overhead
      [ $(( rss_kb * 1024 )) -lt $(( size / 2 )) ] ||
        { echo "FAIL t=$t $fmt: peak RSS ${rss_kb} KiB for $size bytes of rows"; fail=1; }
    fi
    echo "t=$t $fmt: $size bytes of rows, a worker held at most $1, peak RSS ${rss_kb} KiB"
  done
done
exit $fail
