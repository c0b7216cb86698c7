#!/usr/bin/env bash
# output_special.sh FLOWSWEEP INPUT WORKDIR
# Every way flowsweep writes a named file (-o of a table, report -o, --summary-file,
# --partial-out) writes a FIFO (as /dev/null) as it is: no temporary file renamed over it. A
# rename over /dev/null, as root, had replaced the device with a regular file. Each FIFO
# must still be a FIFO afterwards, and its reader must have received the output.
set -euo pipefail
fs=$1 input=$2 work=$3
rm -rf "$work"; mkdir -p "$work"
fail=0
# try NAME WANT_BYTES flowsweep-args... (with @F where the FIFO goes)
try() {
  local name=$1 want=$2; shift 2
  local f="$work/$name.fifo" args=() a
  mkfifo "$f"
  for a in "$@"; do args+=("${a//@F/$f}"); done
  timeout 25 cat "$f" > "$work/$name.got" & # bounded: a FIFO renamed over leaves it waiting
  local reader=$! rc=0
  timeout 20 "$fs" "${args[@]}" > /dev/null 2> "$work/$name.err" || rc=$?
  # a run that failed (or hung: 124) before writing leaves the reader waiting: open it once
  [ $rc -eq 0 ] || timeout 2 sh -c ': > "$1"' _ "$f" || true
  wait "$reader" || true
  if [ $rc -ne 0 ]; then
    echo "FAIL $name: exit $rc: $(head -c 300 "$work/$name.err")"; fail=1
  elif [ ! -p "$f" ]; then
    echo "FAIL $name: the FIFO was replaced ($(stat -c %F "$f"))"; fail=1
  elif ! grep -q -- "$want" "$work/$name.got"; then
    echo "FAIL $name: the FIFO's reader got no '$want': $(head -c 200 "$work/$name.got")"; fail=1
  fi
}
try table '#sIP' dns-names -q -o @F "$input"
try report '<!DOCTYPE html>' report -q -o @F "$input"
try summary '"flows"' dns-dest -q --summary json --summary-file @F "$input"
try partial '' query -q --group-by dip --shard 0/1 --partial-out @F "$input"
[ $fail -eq 0 ] && echo "output_special: every output wrote its FIFO in place"
exit $fail
