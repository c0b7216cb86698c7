#!/usr/bin/env bash
# dns_predicates.sh FLOWSWEEP GEN WORKDIR
# --where's DNS functions against the generator's ground truth: for every planted
# channel in the labels file, count_suffix('.<base domain>') must find exactly the
# channel's client and its number of flows, at 1 and 2 threads.
set -euo pipefail
fs=$1 gen=$2 work=$3
rm -rf "$work"; mkdir -p "$work"
"$gen" --out "$work/repo" --seed 11 --start 2024-02-28T20 --hours 8 --flows 40000 \
  --exfil default --labels "$work/labels.tsv" -q
fail=0 n=0
while IFS=$'\t' read -r channel kind base client server rrtypes first last flows; do
  [ "$channel" = channel ] && continue
  for t in 1 2; do
    got=$("$fs" query --where "count_suffix('.$base') > 0" --group-by sip --agg 'flows=count()' \
            --format csv --limit 0 --threads $t -q "$work/repo" | tr -d '\r' | tail -n +2)
    if [ "$got" != "$client,$flows" ]; then
      echo "FAIL channel $channel ($kind, $base) at $t threads: got '$got', labels say '$client,$flows'"
      fail=1
    fi
  done
  n=$((n + 1))
done < "$work/labels.tsv"
[ "$n" -ge 6 ] || { echo "FAIL: only $n channels in the labels"; fail=1; }
# A record-type and section filter: NULL-record answers (channel d is iodine-like) go to its server.
want=$(awk -F'\t' '$2 == "null" {print $5}' "$work/labels.tsv")
got=$("$fs" query --where 'count_type(10) > 0 and count_section(1) > 0' --group-by dip \
        --format csv -q "$work/repo" | tr -d '\r' | tail -n +2 | cut -d, -f1)
[ "$got" = "$want" ] || { echo "FAIL: NULL answers went to '$got', labels say '$want'"; fail=1; }
[ $fail -eq 0 ] && echo "dns_predicates: $n channels found exactly"
exit $fail
