#!/usr/bin/env bash
# cache_hunt.sh FLOWSWEEP GEN WORKDIR - dns-hunt's re-run with the cache (docs/partials.md,
# "dns-hunt's re-run"): a roll-up of 24 hourly files, then one file more. The re-run loads the
# roll-up's groups that the new file does not touch as their counts only, and merges the
# touched ones whole; its output must be byte-identical to the plain run's:
#  1. a new hour after the window (every group's `active` moves, the new file's clients'
#     totals move the `share` of old groups it does not touch: both cases checked to be
#     there), --by domain and --by domain,source, every row, 1 and 2 threads; --limit,
#     --baseline and --min-names on the same cache; a budget too small for the roll-up
#     whole (then it is loaded whole, as before);
#  2. a late file, an hour before the window (the window's start moves);
#  3. a truncated and an altered roll-up on that path: reported, its files read, the
#     answer unchanged.
# Each re-run must have taken that path (-v: "N groups of a roll-up loaded as their counts").
set -euo pipefail
fs=$1 gen=$2 work=$3
. "$(dirname "$0")/lib.sh"
work=$(fresh_workdir "$work")
repo=$work/repo
"$gen" --out "$repo" --seed 21 --start 2024-03-01T00 --hours 24 --flows 12000 -q \
  --labels "$work/labels.tsv"
"$gen" --out "$work/new" --seed 22 --start 2024-03-02T00 --hours 1 --flows 800 -q \
  --labels "$work/labels-new.tsv"
"$gen" --out "$work/late" --seed 23 --start 2024-02-29T23 --hours 1 --flows 800 -q \
  --labels "$work/labels-late.tsv"
"$gen" --out "$work/big" --seed 24 --start 2024-03-02T00 --hours 1 --flows 30000 -q \
  --labels "$work/labels-big.tsv"
# Old enough for the racy rule (a file whose mtime or ctime is younger than 2 s is not
# trusted to its partial): the mtimes set back now, the ctimes waited for.
find "$work" -type f -exec touch -d '-2 hours' {} +
aged_mark

warnings() { grep -v -e '^flowsweep: summary:' -e '^flowsweep: warn: cache:' -e '^flowsweep: info: cache:' "$1" || true; }
# counted FILE: "N M" from the -v line (groups loaded as counts, merged into held ones), or nothing.
counted() { sed -n 's/.*cache: \([0-9]*\) groups of a roll-up loaded as their counts.*, \([0-9]*\) merged into.*/\1 \2/p' "$1"; }
# fill NAME ARGS...: a cache of the 24 files for job ARGS (kept as $work/fill-NAME).
fill() {
  local n=$1
  shift
  rm -rf "$work/fill-$n"
  aged_wait # (once: then a no-op)
  "$fs" "$@" -q --threads 1 --cache "$work/fill-$n" "$repo" > /dev/null
  ls "$work/fill-$n"/*/*.roll > /dev/null || bad "$n: no roll-up filled"
}
# rerun NAME TAG THREADS ARGS...: the plain run (at 1 thread: its output does not depend on
# the threads) and a re-run on a copy of fill-NAME, compared;
# the re-run must have loaded groups as counts and merged some whole (unless $whole is set:
# then it must have loaded the roll-up whole).
rerun() {
  local n=$1 tag=$2 t=$3 c=$work/c-$1-$2
  shift 3
  fsrun "$work/$n.$tag.plain" "$@" --threads 1 "$repo"
  rm -rf "$c" && cp -r "$work/fill-$n" "$c"
  fsrun "$work/$n.$tag.cached" "$@" -v --threads "$t" --cache "$c" "$repo"
  same_run "$work/$n.$tag.plain" "$work/$n.$tag.cached"
  grep -q 'cache: 24 files from partials, 1 read' "$work/$n.$tag.cached.err" ||
    bad "$n $tag: the roll-up did not serve the re-run"
  read -r nc nm <<< "$(counted "$work/$n.$tag.cached.err")"
  if [ -n "${whole:-}" ]; then
    [ -z "$nc" ] || bad "$n $tag: groups loaded as counts ('$nc'), want the roll-up whole"
  elif ! [ "${nc:-0}" -gt 0 ] || ! [ "${nm:-0}" -gt 0 ]; then
    bad "$n $tag: the re-run did not load untouched groups as counts and merge touched ones ('$nc' '$nm')"
  fi
}

# ---- 1. a new hour after the window ----
fill dom dns-hunt --limit 0 --format csv
fill src dns-hunt --by domain,source --limit 0 --format json
mkdir -p "$repo/2024/03/02/00"
cp -p "$work/new/2024/03/02/00/"*.yaf "$repo/2024/03/02/00/"
rerun dom new1 1 dns-hunt --limit 0 --format csv
rerun src new2 2 dns-hunt --by domain,source --limit 0 --format json
# the rows really changed: a moving window changes `active` (so the cache cannot just replay)
cmp -s <("$fs" dns-hunt --limit 0 --format csv --threads 1 --exclude '*2024030200*' "$repo" 2> /dev/null) \
  "$work/dom.new1.plain.out" && bad "the new hour changed nothing: the test proves nothing"
# the cases are there: old groups the new hour touches and old groups it does not touch
# whose client it has (their `share` moves with that client's total; --by domain,source)
keys() { "$fs" dns-hunt --by domain,source --limit 0 --format csv --threads 1 "$@" 2> /dev/null | tail -n +2 | cut -d, -f1,2 | sort; }
keys --exclude '*2024030200*' "$repo" > "$work/keys.old"
keys "$work/new" > "$work/keys.new"
[ "$(comm -12 "$work/keys.old" "$work/keys.new" | wc -l)" -gt 0 ] || bad "the new hour touches no old group"
cut -d, -f1 "$work/keys.new" | sort -u > "$work/clients.new"
[ "$(comm -23 "$work/keys.old" "$work/keys.new" | cut -d, -f1 | sort -u | comm -12 - "$work/clients.new" | wc -l)" -gt 0 ] ||
  bad "no untouched old group shares a client with the new hour"
# ... and at 2 threads the re-run is the same too
rerun dom new2 2 dns-hunt --limit 0 --format csv
# finishing options share the cache (not in the job's fingerprint)
rerun dom base 1 dns-hunt --limit 7 --baseline 2024-03-01T00..2024-03-01T12 --min-names 3
# a budget too small for the roll-up whole: it is loaded whole (and spilled), as before
whole=1 rerun dom spill 1 dns-hunt --limit 0 --format csv --mem-limit 2M --tmp-dir "$work"
rm -rf "$repo/2024/03/02"

# ---- 2. a late file: an hour before the window ----
mkdir -p "$repo/2024/02/29/23"
cp -p "$work/late/2024/02/29/23/"*.yaf "$repo/2024/02/29/23/"
rerun dom late 1 dns-hunt --limit 0 --format csv

# ---- 3. a damaged roll-up on that path: reported, its files read, the same answer ----
for how in truncated altered; do
  c=$work/c-damaged-$how
  rm -rf "$c" && cp -r "$work/fill-dom" "$c"
  roll=$(ls "$c"/*/*.roll)
  if [ "$how" = truncated ]; then
    truncate -s $(($(stat -c %s "$roll") - 1000)) "$roll"
  else
    printf '\x5a' | dd of="$roll" bs=1 seek=$(($(stat -c %s "$roll") / 2)) conv=notrunc status=none
  fi
  fsrun "$work/damaged.$how" dns-hunt --limit 0 --format csv -v --threads 1 --cache "$c" "$repo"
  same_run "$work/dom.late.plain" "$work/damaged.$how"
  grep -q "^flowsweep: warn: cache: the roll-up .*(ignored and removed; its files read)" "$work/damaged.$how.err" ||
    bad "$how roll-up: not reported"
  [ -z "$(counted "$work/damaged.$how.err")" ] || bad "$how roll-up: groups loaded as counts from it"
done

# ---- 4. dns-hunt's side file (.hunt): the roll-up not loaded, its groups scored from it ----
rm -rf "$repo/2024/02/29"
# served MARK: the re-run's -v says the side file served (and loaded no group as counts)
served() {
  grep -q 'cache: the whole roll-up was not loaded: its side file served' "$1.err" ||
    bad "$1: the side file did not serve"
  [ -z "$(counted "$1.err")" ] || bad "$1: groups loaded as counts beside the side file"
}
fill hs dns-hunt --limit 20 --format csv
fill hsrc dns-hunt --by domain,source --limit 15 --format json
ls "$work/fill-hs"/*/*.hunt > /dev/null || bad "the fill wrote no dns-hunt side file"
mkdir -p "$repo/2024/03/02/00"
cp -p "$work/new/2024/03/02/00/"*.yaf "$repo/2024/03/02/00/"
# hsrun NAME FILL THREADS ARGS...: the plain run and a re-run on a copy of fill-FILL
hsrun() {
  local n=$1 f=$2 t=$3 c=$work/c-hs-$1
  shift 3
  fsrun "$work/hs.$n.plain" "$@" --threads 1 "$repo"
  rm -rf "$c" && cp -r "$work/fill-$f" "$c"
  fsrun "$work/hs.$n" "$@" -v --threads "$t" --cache "$c" "$repo"
  same_run "$work/hs.$n.plain" "$work/hs.$n"
}
hsrun def hs 1 dns-hunt --limit 20 --format csv
served "$work/hs.def"
hsrun t2 hs 2 dns-hunt --limit 20 --format csv
served "$work/hs.t2"
# finishing options on the same side file: --limit, --baseline (new), --min-names
hsrun opts hs 1 dns-hunt --format csv --limit 5 --baseline 2024-03-01T00..2024-03-01T12 --min-names 3
served "$work/hs.opts"
hsrun src hsrc 2 dns-hunt --by domain,source --limit 15 --format json
served "$work/hs.src"
# every group printed (--limit past the groups: each read from the roll-up through it)
hsrun all hs 1 dns-hunt --format csv --limit 100000
served "$work/hs.all"
# a --limit past any memory (the heap of the best untouched groups is only as big as they)
hsrun huge hs 1 dns-hunt --format csv --limit 100000000000
served "$work/hs.huge"
# other norms: another finish, another side file (made from the roll-up, loaded as counts)
hsrun norm hs 1 dns-hunt --limit 20 --format csv --len-norm 30
[ -n "$(counted "$work/hs.norm.err")" ] || bad "hs.norm: the roll-up was not loaded as counts"
[ "$(ls "$work/c-hs-norm"/*/*.hunt | wc -l)" = 2 ] || bad "hs.norm: no side file made for its finish"
# ... which the next run with those norms takes
fsrun "$work/hs.norm2" dns-hunt --limit 20 --format csv --len-norm 30 -v --threads 1 --cache "$work/c-hs-norm" "$repo"
same_run "$work/hs.norm.plain" "$work/hs.norm2"
served "$work/hs.norm2"

# a damaged side file: reported, the roll-up loaded as counts, the side file made anew
for how in truncated altered foreign empty; do
  c=$work/c-hs-damaged-$how
  rm -rf "$c" && cp -r "$work/fill-hs" "$c"
  side=$(ls "$c"/*/*.hunt)
  case $how in
    truncated) truncate -s $(($(stat -c %s "$side") - 100)) "$side" ;;
    altered) printf '\x5a' | dd of="$side" bs=1 seek=$(($(stat -c %s "$side") / 2)) conv=notrunc status=none ;;
    foreign) cp "$(ls "$c"/*/*.roll)" "$side" ;;
    empty) : > "$side" ;;
  esac
  fsrun "$work/hs.damaged.$how" dns-hunt --limit 20 --format csv -v --threads 1 --cache "$c" "$repo"
  same_run "$work/hs.def.plain" "$work/hs.damaged.$how"
  grep -q "^flowsweep: warn: cache: the side file .*\.hunt: .*(ignored; rebuilt)" "$work/hs.damaged.$how.err" ||
    bad "$how side file: not reported"
  [ -n "$(counted "$work/hs.damaged.$how.err")" ] || bad "$how side file: the roll-up not loaded as counts"
  fsrun "$work/hs.damaged.$how.next" dns-hunt --limit 20 --format csv -v --threads 1 --cache "$c" "$repo"
  same_run "$work/hs.def.plain" "$work/hs.damaged.$how.next"
  served "$work/hs.damaged.$how.next"
done
# a damaged group of the roll-up, read through the side file: reported, the roll-up found
# damaged (removed, its files read), the same answer
c=$work/c-hs-damaged-group
rm -rf "$c" && cp -r "$work/fill-hs" "$c"
roll=$(ls "$c"/*/*.roll)
# the side file's first entry (at byte 128): its group's offset (8 bytes at 8), length (4 at 64)
side=$(ls "$c"/*/*.hunt)
goff=$(od -An -t u8 -j 136 -N 8 "$side" | tr -d ' ')
glen=$(od -An -t u4 -j 192 -N 4 "$side" | tr -d ' ')
printf '\x5a' | dd of="$roll" bs=1 seek=$((goff + glen - 3)) conv=notrunc status=none
fsrun "$work/hs.damaged.group" dns-hunt --format csv --limit 100000 -v --threads 1 --cache "$c" "$repo"
same_run "$work/hs.all.plain" "$work/hs.damaged.group"
grep -q "^flowsweep: warn: cache: the side file .*\.hunt: .*(ignored; the roll-up loaded whole)" "$work/hs.damaged.group.err" ||
  bad "damaged group: not reported"
grep -q "^flowsweep: warn: cache: the roll-up .*(ignored and removed; its files read)" "$work/hs.damaged.group.err" ||
  bad "damaged group: the roll-up not reported"
# a truncated roll-up: the side file no longer matches it (not used), the roll-up reported
c=$work/c-hs-damaged-roll
rm -rf "$c" && cp -r "$work/fill-hs" "$c"
roll=$(ls "$c"/*/*.roll)
truncate -s $(($(stat -c %s "$roll") - 1000)) "$roll"
fsrun "$work/hs.damaged.roll" dns-hunt --limit 20 --format csv -v --threads 1 --cache "$c" "$repo"
same_run "$work/hs.def.plain" "$work/hs.damaged.roll"
grep -q "^flowsweep: warn: cache: the roll-up .*(ignored and removed; its files read)" "$work/hs.damaged.roll.err" ||
  bad "truncated roll-up: not reported"
# a new hour big enough to spill under --mem-limit: the side file gives way (the roll-up goes
# in whole, as any spilled run's), the same answer
rm -f "$repo/2024/03/02/00/"*.yaf
cp -p "$work/big/2024/03/02/00/"*.yaf "$repo/2024/03/02/00/"
hsrun spill hs 1 dns-hunt --limit 20 --format csv --mem-limit 3M --tmp-dir "$work"
grep -q 'spilled [0-9.]* MiB in [1-9]' "$work/hs.spill.err" || bad "hs.spill: the run did not spill"
rm -f "$repo/2024/03/02/00/"*.yaf
cp -p "$work/new/2024/03/02/00/"*.yaf "$repo/2024/03/02/00/"
# prune keeps a side file with its roll-up, and removes it with it
c=$work/c-hs-prune
rm -rf "$c" && cp -r "$work/fill-hs" "$c"
"$fs" cache prune --missing-sources "$c" > /dev/null 2>&1 || bad "prune failed"
ls "$c"/*/*.hunt > /dev/null 2>&1 || bad "prune removed a valid side file"
rm "$(ls "$c"/*/*.roll)"
"$fs" cache prune --missing-sources "$c" > /dev/null 2>&1 || bad "prune failed"
! ls "$c"/*/*.hunt > /dev/null 2>&1 || bad "prune kept a side file without its roll-up"
rm -rf "$repo/2024/03/02"

exit "$fail"
