#!/usr/bin/env bash
# window_vs_reference.sh FLOWSWEEP GEN WORKDIR
# --start/--end to the minute and second (issue 13): on hourly files, the hours touched (and the
# hour on each side) are read and, the window being finer than an hour, every record is kept by
# its own start time, also on an hour's edge (:00, :59:59); on
# capture files (no hour in their names) every record is kept by its start time, whatever the
# window's precision. Each answer must equal tests/ref/reference.py's brute-force evaluation of
# the generator's truth with the window written as a --where on start (the reference never sees
# IPFIX through flowsweep). Also: the partial cache does not carry a capture file's answer
# from one window over to another.
set -euo pipefail
fs=$1 gen=$2 work=$3
ref="$(dirname "$0")/../ref/reference.py"
rm -rf "$work"; mkdir -p "$work/cap"
"$gen" --out "$work/repo" --seed 21 --start 2024-03-01T23 --hours 2 --files-per-hour 2 \
  --flows 6000 --truth "$work/truth.fd" -q
i=0
for f in $(find "$work/repo" -type f -name '*.yaf' | LC_ALL=C sort); do # the same files, no hour
  i=$((i + 1)); cp "$f" "$work/cap/capture-$i.yaf"
done
fail=0 n=0
# check NAME INPUT REF_WHERE FLOWSWEEP_WINDOW_ARGS...
check() {
  local name=$1 input=$2 where=$3; shift 3
  local rargs=(query --records flows --group-by proto --agg 'n=count(), b=sum(bytes)')
  [ -n "$where" ] && rargs+=(--where "$where")
  n=$((n + 1))
  python3 "$ref" "${rargs[@]}" "$work/truth.fd" | tail -n +2 | LC_ALL=C sort > "$work/$name.exp"
  [ -s "$work/$name.exp" ] || { echo "FAIL $name: the reference kept nothing (a useless window)"; fail=1; }
  "$fs" query --records flows --group-by proto --agg 'n=count(), b=sum(bytes)' --format csv \
    --limit 0 -q "$@" "$input" | tr -d '\r' | tail -n +2 | LC_ALL=C sort > "$work/$name.got"
  if ! cmp -s "$work/$name.exp" "$work/$name.got"; then
    echo "FAIL $name:"; diff "$work/$name.exp" "$work/$name.got" | head -6 || true; fail=1
  fi
}
# Hourly files: a window finer than an hour keeps records by their start time.
check repo-minutes "$work/repo" "start >= '2024-03-01T23:20' and start < '2024-03-02T00:11'" \
  --start 2024-03-01T23:20 --end 2024-03-02T00:10
check repo-seconds "$work/repo" "start >= '2024-03-01T23:59:30Z'" --start 2024-03-01T23:59:30Z
check repo-hours "$work/repo" "" --start 2024-03-01T23 --end 2024-03-02T00:59
# A bound to the minute or second on an hour's edge is no whole hour: records by their start
# time, and a flow written in the file of the hour before or after its start counts by its
# start (the same files, the one of 00:00 in hour 23's directory as if rotated at 23:59).
mkdir -p "$work/edge/2024/03/01/23" "$work/edge/2024/03/02/00"
cp "$work"/repo/2024/03/01/23/*.yaf "$work/edge/2024/03/01/23/"
cp "$work/repo/2024/03/02/00/yaf-20240302000000-00002.yaf" "$work/edge/2024/03/01/23/yaf-20240301235900-00002.yaf"
cp "$work/repo/2024/03/02/00/yaf-20240302003000-00003.yaf" "$work/edge/2024/03/02/00/"
check edge-start "$work/edge" "start >= '2024-03-02T00:00'" --start 2024-03-02T00:00
check edge-end "$work/edge" "start < '2024-03-02T00:00'" --end 2024-03-01T23:59:59
check edge-both "$work/edge" "start >= '2024-03-01T23:00' and start < '2024-03-02T00:00'" \
  --start 2024-03-01T23:00Z --end 2024-03-01T23:59
# Capture files: every window filters records, hours included.
check cap-minutes "$work/cap" "start >= '2024-03-01T23:20' and start < '2024-03-02T00:11'" \
  --start 2024-03-01T23:20 --end 2024-03-02T00:10
check cap-hour-end "$work/cap" "start < '2024-03-02T00:00'" --end 2024-03-01T23
check cap-date "$work/cap" "start >= '2024-03-02'" --start 2024-03-02
# Standard input has no hour either: the same as the file named.
w=(--start 2024-03-01T23:30 --end 2024-03-01T23:44:59 --group-by proto --format csv -q)
a=$("$fs" query "${w[@]}" "$work/cap/capture-1.yaf")
b=$("$fs" query "${w[@]}" - < "$work/cap/capture-1.yaf")
[ -n "$a" ] && [ "$a" = "$b" ] || { echo "FAIL stdin: '$b' != '$a'"; fail=1; }
# The cache: two windows in turn over the same capture files and cache directory.
check cap-cache-1 "$work/cap" "start < '2024-03-02T00:00'" --end 2024-03-01T23 --cache "$work/c"
check cap-cache-2 "$work/cap" "start >= '2024-03-02'" --start 2024-03-02 --cache "$work/c"
check cap-cache-3 "$work/cap" "" --cache "$work/c"
check cap-cache-4 "$work/cap" "start >= '2024-03-02'" --start 2024-03-02 --cache "$work/c"
[ $fail -eq 0 ] && echo "ok: $n windows equal the reference"
exit $fail
