#!/bin/sh
# labels.sh - the labels file lists every planted channel, and its flows column equals the
# number of flow records of that channel in the truth.
#
#   labels.sh --gen GEN --work DIR -- GEN-ARGS...
#
# A flow record belongs to a channel when one of its DNS names is the channel's base
# domain or ends in "." + base domain (no benign name does; docs/generator.md).
set -u
gen= work=
while [ $# -gt 0 ]; do
  case $1 in
  --gen) gen=$2; shift 2 ;;
  --work) work=$2; shift 2 ;;
  --) shift; break ;;
  *) echo "labels.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work" && mkdir -p "$work" || exit 1
"$gen" --out "$work/repo" --truth "$work/truth" -q "$@" || fail "flowsweep-gen $*"
labels="$work/repo.labels.tsv"
[ -r "$labels" ] || fail "no $labels (the default --labels path)"
head -1 "$labels" | grep -qx "$(printf 'channel\tkind\tbase_domain\tclient\tserver\trrtypes\tfirst_hour\tlast_hour\tflows')" ||
  fail "bad header: $(head -1 "$labels")"
[ "$(tail -n +2 "$labels" | cut -f1 | tr -d '\n')" = abcdefghi ] || fail "channels a-i expected"

tail -n +2 "$labels" | while IFS="$(printf '\t')" read -r ch kind base client server types first last flows; do
  got=$(awk -v base="$base" -v client="$client" '
    function name(line,   i, n, p) {   # everything after the eighth space
      p = 0
      for (i = 1; i <= 8; i++) { n = index(substr(line, p + 1), " "); if (n == 0) return ""; p += n }
      return substr(line, p + 1)
    }
    function flush() { if (hit) { count++; if (!ends) bad++ } hit = 0 }
    $1 == "F" { flush(); ends = ($4 == client || $5 == client); next }
    $1 == "R" {
      nm = name($0); lb = length(base)
      if (nm == base || (length(nm) > lb && substr(nm, length(nm) - lb) == "." base)) hit = 1
    }
    END { flush(); print count + 0, bad + 0 }' "$work/truth")
  n=${got% *} stray=${got#* }
  [ "$flows" -gt 0 ] || fail "channel $ch ($kind) has no flows"
  [ "$n" = "$flows" ] || fail "channel $ch ($kind, $base): labels say $flows flows, the truth has $n"
  [ "$stray" = 0 ] || fail "channel $ch: $stray flows with its names are not from/to client $client"
  echo "ok: channel $ch $kind $base $client -> $server types $types hours $first..$last: $flows flows"
done || exit 1
exit 0
