#!/usr/bin/env bash
# presets_vs_reference.sh FLOWSWEEP GEN WORKDIR LAYOUT
# Generates a repository with planted exfiltration (and its flowdump truth), runs both
# presets at 1, 2 and 4 threads (4 only in the sanitizer passes) in every format, and requires (a) byte-identical output
# for every thread count and (b) output equal to tests/ref/reference.py run on the
# generator's truth (an independent implementation that never sees the IPFIX files).
set -euo pipefail
fs=$1 gen=$2 work=$3 layout=$4
ref="$(dirname "$0")/../ref/reference.py"
rm -rf "$work"
mkdir -p "$work"
"$gen" --out "$work/repo" --seed 7 --start 2024-03-01T22 --hours 3 --files-per-hour 2 \
  --flows 30000 --layout "$layout" --exfil default --truth "$work/truth.fd" \
  --labels "$work/labels.tsv" -q

fail=0
threads="1 2 4"
[ -n "${FLOWSWEEP_TEST_SANITIZER:-}" ] && threads="4" # 1 and 2: compared in the release pass
t1=${threads%% *} # the run compared with the reference; the others with it
check() { # name, then the flowsweep command's arguments after the subcommand
  local name=$1; shift
  local expect="$work/$name.expected"
  if ! cmp -s "$expect" "$work/$name.t$t1"; then
    echo "FAIL $name: flowsweep at $t1 threads differs from the reference:"; diff "$expect" "$work/$name.t$t1" | head -20
    fail=1
  fi
  for t in $threads; do
    [ "$t" = "$t1" ] && continue
    if ! cmp -s "$work/$name.t$t1" "$work/$name.t$t"; then
      echo "FAIL $name: output at $t threads differs from $t1 thread(s)"; fail=1
    fi
  done
}
run() { # name, ref-args..., --, flowsweep-args...
  local name=$1; shift
  local refargs=() fsargs=()
  while [ "$1" != "--" ]; do refargs+=("$1"); shift; done; shift
  fsargs=("$@")
  python3 "$ref" "${refargs[@]}" "$work/truth.fd" > "$work/$name.expected"
  for t in $threads; do
    "$fs" "${fsargs[@]}" --threads "$t" -q "$work/repo" > "$work/$name.t$t"
  done
  check "$name"
}

for fmt in table csv json; do
  run names-$fmt dns-names --format $fmt -- dns-names --format $fmt
  run names-all-$fmt dns-names --format $fmt --limit 0 -- dns-names --format $fmt --limit 0
  run dest-$fmt dns-dest --format $fmt --limit 0 -- dns-dest --format $fmt --limit 0
done
run names-total dns-names --bytes total --limit 50 -- dns-names --bytes total --limit 50
run names-bpp dns-names --min-bpp 100 --max-names 1 --limit 0 --format csv -- \
  dns-names --min-bpp 100 --max-names 1 --limit 0 --format csv
run dest-forward dns-dest --direction forward --min-bytes 0 --min-bpp 0 --limit 0 --format csv -- \
  dns-dest --direction forward --min-bytes 0 --min-bpp 0 --limit 0 --format csv
run dest-cidrs dns-dest --src-cidr 192.168.1.0/24 --src-cidr 10.0.0.0/8 --limit 0 --format csv -- \
  dns-dest --src-cidr 192.168.1.0/24 --src-cidr 10.0.0.0/8 --limit 0 --format csv

# The comparisons above must have covered what matters for the Spark table format:
# more than 20 rows (the footer), groups of two names, and escaped names.
grep -q '^only showing top 20 rows$' "$work/names-table.t$t1" || { echo "FAIL: no >20-row case"; fail=1; }
grep -q '^|\[[^]]*, [^]]*\]' "$work/names-all-table.t$t1" || { echo "FAIL: no 2-name group"; fail=1; }
grep -q '\\x[0-9A-F][0-9A-F]' "$work/names-all-table.t$t1" || { echo "FAIL: no escaped name"; fail=1; }
[ $fail -eq 0 ] && echo "presets_vs_reference layout $layout: all outputs equal the reference"
exit $fail
