#!/usr/bin/env bash
# hunt_generated.sh FLOWSWEEP GEN WORKDIR
# dns-hunt against the generator's ground truth (its labels file), for two seeds of a
# one-day repository: the five planted domain channels are the top 5 rows by domain,
# at 1 and 2 threads with identical bytes; all six channels (the slow PTR one included)
# rank above every benign group; and with --by domain,source the slow PTR channel's
# (client, zone) is found among the top rows.
set -euo pipefail
fs=$1 gen=$2 work=$3
rm -rf "$work"; mkdir -p "$work"
fail=0
rows() { tail -n +2 | tr -d '\r'; }
for seed in 1 2; do
  d="$work/s$seed"
  "$gen" --out "$d/repo" --seed $seed --start 2024-05-01T00 --hours 24 --flows 200000 \
    --exfil default --labels "$d/labels.tsv" -q
  domains=$(awk -F'\t' 'NR > 1 && $2 != "ptr-slow" {print $3}' "$d/labels.tsv" | sort)
  all=$(awk -F'\t' 'NR > 1 {print $3}' "$d/labels.tsv" | sort)
  ptr=$(awk -F'\t' 'NR > 1 && $2 == "ptr-slow" {print $4 "," $3}' "$d/labels.tsv")
  [ "$(echo "$domains" | wc -l)" -eq 5 ] && [ -n "$ptr" ] || { echo "FAIL seed $seed: labels"; fail=1; }
  for t in 1 2; do
    "$fs" dns-hunt --format csv --limit 0 --threads $t -q "$d/repo" > "$d/hunt.t$t"
  done
  cmp -s "$d/hunt.t1" "$d/hunt.t2" || { echo "FAIL seed $seed: 1 and 2 threads differ"; fail=1; }
  top5=$(rows < "$d/hunt.t1" | sed -n '1,5p' | cut -d, -f1 | sort)
  [ "$top5" = "$domains" ] || { echo "FAIL seed $seed: top 5 = [$top5], planted = [$domains]"; fail=1; }
  top6=$(rows < "$d/hunt.t1" | sed -n '1,6p' | cut -d, -f1 | sort)
  [ "$top6" = "$all" ] || { echo "FAIL seed $seed: top 6 = [$top6], channels = [$all]"; fail=1; }
  "$fs" dns-hunt --by domain,source --format csv --limit 6 -q "$d/repo" | rows | cut -d, -f1,2 \
    > "$d/by-source"
  grep -qx "$ptr" "$d/by-source" || { echo "FAIL seed $seed: PTR channel $ptr not found by domain,source"; fail=1; }
  # JSON keys are the column names; every row parses.
  "$fs" dns-hunt --format json --limit 3 -q "$d/repo" | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin]
assert len(rows) == 3 and all("domain" in r and "score" in r and "names" in r for r in rows), rows'
  echo "seed $seed: planted domains are the top 5, all channels the top 6, PTR found by source"
done
exit $fail
