#!/usr/bin/env bash
# analyst_traps.sh FLOWSWEEP WORKDIR - traps a new analyst fell into (review s15), each checked
# against an expectation written here by hand or computed by Python's ipaddress module:
#   1. dns-hunt --baseline outside the --start/--end window is refused (exit 2): its promise
#      ("a group seen in the baseline is not new") needs the baseline read; a baseline after
#      or before every planned hour is warned about (the hours written here);
# The repository is empty hourly files (clean, no flows).
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

[ $fail -eq 0 ] && echo "analyst traps: baseline refused/warned"
exit $fail
