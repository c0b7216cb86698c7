#!/usr/bin/env bash
# real_vs_reference.sh FLOWSWEEP SHARED_DIR WORKDIR
# The real YAF captures: flowsweep's presets must equal tests/ref/reference.py run on the
# same files as decoded by ipfixDump (Debian libfixbuf-tools, an independent decoder,
# turned into flowdump text by tests/ref/ipfixdump2flowdump.py). Skips (77) when the
# shared folder is absent.
set -euo pipefail
fs=$1 shared=$2 work=$3
here="$(dirname "$0")/.."
[ -d "$shared" ] || { echo "no $shared: skipped"; exit 77; }
command -v ipfixDump >/dev/null || { echo "no ipfixDump: skipped"; exit 77; }
rm -rf "$work"; mkdir -p "$work"
files=("$shared"/*.yaf.ipfix "$shared"/*.yaf-pkt.ipfix)
for f in "${files[@]}"; do
  ipfixDump --yaf --data --in "$f" 2>/dev/null | python3 "$here/ref/ipfixdump2flowdump.py" > "$work/$(basename "$f").fd"
done
fail=0
cmp_run() { # name; reference args (over all .fd) ; flowsweep args
  local name=$1; shift; local refargs=() fsargs=()
  while [ "$1" != "--" ]; do refargs+=("$1"); shift; done; shift; fsargs=("$@")
  python3 "$here/ref/reference.py" "${refargs[@]}" "$work"/*.fd > "$work/$name.expected"
  "$fs" "${fsargs[@]}" -q "${files[@]}" > "$work/$name.got" || true
  if ! cmp -s "$work/$name.expected" "$work/$name.got"; then
    echo "FAIL $name"; diff "$work/$name.expected" "$work/$name.got" | head -20; fail=1
  fi
}
cmp_run names-table dns-names -- dns-names
cmp_run names-csv dns-names --format csv --limit 0 -- dns-names --format csv --limit 0
cmp_run names-json dns-names --format json --limit 0 -- dns-names --format json --limit 0
cmp_run dest-csv dns-dest --format csv --limit 0 -- dns-dest --format csv --limit 0
cmp_run dest-table dns-dest -- dns-dest
[ $fail -eq 0 ] && echo "real captures: flowsweep equals the reference over ipfixDump's decoding"
exit $fail
