#!/bin/sh
# determinism.sh - the same options with different --threads give byte-identical output.
#
#   determinism.sh --gen GEN --work DIR -- GEN-ARGS...
#
# Runs GEN-ARGS with --threads 1, 2 and 3 (with --truth and --labels) and compares every
# file of the repositories, the truth and the labels byte for byte.
set -u
gen= work=
while [ $# -gt 0 ]; do
  case $1 in
  --gen) gen=$2; shift 2 ;;
  --work) work=$2; shift 2 ;;
  --) shift; break ;;
  *) echo "determinism.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work" && mkdir -p "$work" || exit 1
for t in 1 2 3; do
  "$gen" --out "$work/t$t" --threads $t --truth "$work/truth.$t" --labels "$work/labels.$t" -q "$@" ||
    fail "flowsweep-gen --threads $t $*"
  # The truth names each file by its path, which differs per run: compare it without them.
  grep -v '^# file' "$work/truth.$t" >"$work/want.$t"
done
n=$(find "$work/t1" -name '*.yaf' | wc -l)
[ "$n" -gt 1 ] || fail "expected several files, got $n"
for t in 2 3; do
  diff -r "$work/t1" "$work/t$t" >/dev/null || fail "repositories differ between --threads 1 and $t"
  cmp "$work/want.1" "$work/want.$t" || fail "truth differs between --threads 1 and $t"
  cmp "$work/labels.1" "$work/labels.$t" || fail "labels differ between --threads 1 and $t"
done
echo "ok: $n files, truth and labels identical for --threads 1, 2, 3 ($*)"
