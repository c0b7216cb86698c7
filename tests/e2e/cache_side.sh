#!/usr/bin/env bash
# cache_side.sh FLOWSWEEP GEN WORKDIR - the side file of the whole roll-up (docs/partials.md,
# "Side files"): a re-run after new files finishes from it without loading the roll-up.
# A cache filled from 20 hours, then one new hour given as a second PATH; for each job the
# re-run must print exactly what the plain run over both prints, with the same summary
# counts, and say (-v) that the side file served it:
#  1. dns-names as it is (--limit 20) and with every row (--limit 0, CSV);
#  2. a --having on a count that a group touched by the new hour crosses: it starts
#     passing (n >= K) and, with n < K, stops passing; the group is picked from the plain
#     runs so the test fails if the data does not exercise it;
#  3. ties: ordered by a count with many equal values, the limit inside a tie;
#  4. --limit 50, 3 and 0 on a side file made for --limit 20;
#  5. a side file damaged (header, list, entries) or cut short: warned ("flowsweep: warn:
#     cache: the side file ..."), the roll-up loaded whole, the same answer, the side file
#     rebuilt (the next run uses it again);
#  6. a group of the roll-up the re-run reads damaged: warned, the same answer (a listed
#     group, and every group the new hour touches: those are read in the roll-up's order,
#     near ones with one read).
set -euo pipefail
fs=$1 gen=$2 work=$3
. "$(dirname "$0")/lib.sh"
work=$(fresh_workdir "$work")
repo=$work/repo new=$work/new
"$gen" --out "$repo" --seed 21 --start 2024-03-01T00 --hours 20 --flows 16000 -q
"$gen" --out "$new" --seed 22 --start 2024-03-01T20 --hours 1 --flows 800 -q
rm -f "$work"/*.labels.tsv
find "$work" -type f -exec touch -d '-2 hours' {} + # old enough for the racy rule: the mtimes,
aged_mark                                            # and the ctimes once aged_wait returns

counts() { grep -o 'groups [0-9]* (shown [0-9]*[^;]*' "$1" || true; }
warnings() { grep -v -e '^flowsweep: summary:' -e '^flowsweep: warn: cache:' -e '^flowsweep: info:' "$1" || true; }
served() { grep -q 'its side file served' "$1"; }

# check NAME ARGS...: the plain run over both; a cold cache over the 20 hours; the re-run with
# the new hour equals the plain run and was served by the side file.
check() {
  local name=$1 c=$work/cache-$1
  shift
  fsrun "$work/$name.plain" "$@" --threads 1 "$repo" "$new"
  rm -rf "$c"
  aged_wait # (once: then a no-op)
  "$fs" "$@" --threads 1 --cache "$c" "$repo" > /dev/null 2>&1
  ls "$c"/*/*.side > /dev/null 2>&1 || bad "$name: the cold run wrote no side file"
  rm -rf "$c.run" && cp -a "$c" "$c.run"
  fsrun "$work/$name.side" "$@" -v --threads 2 --cache "$c.run" "$repo" "$new"
  same_run "$work/$name.plain" "$work/$name.side"
  [ "$(counts "$work/$name.plain.err")" = "$(counts "$work/$name.side.err")" ] ||
    bad "$name: summary '$(counts "$work/$name.side.err")', want '$(counts "$work/$name.plain.err")'"
  served "$work/$name.side.err" || { bad "$name: the side file did not serve the re-run"; grep cache "$work/$name.side.err"; }
}

# ---- 1. dns-names ----
check names dns-names
grep -q ' [1-9][0-9]* of them in it' "$work/names.side.err" || bad "names: no key of the new hour was in the roll-up"
check names_all dns-names --limit 0 --format csv

# ---- 2. a touched group starts / stops passing --having ----
q=(query --records silk --where app=53 --group-by dip --agg "n=count(),b=sum(bytes)" --format csv)
"$fs" "${q[@]}" --limit 0 --threads 1 "$repo" > "$work/base.csv" 2> /dev/null
"$fs" "${q[@]}" --limit 0 --threads 1 "$repo" "$new" > "$work/full.csv" 2> /dev/null
# K: the count after the new hour of a group it touched (largest such count)
K=$(awk -F, 'NR == FNR { if (FNR > 1) base[$1] = $2; next } FNR > 1 && ($1 in base) && $2 > base[$1] { print $2 }' \
  "$work/base.csv" "$work/full.csv" | sort -n | tail -1)
[ -n "$K" ] || bad "no group of the roll-up is touched by the new hour"
K=${K:-1}
check starts "${q[@]}" --having "n >= $K" --order n --limit 10
check stops "${q[@]}" --having "n < $K" --order n --limit 10
grep -q "$(awk -F, -v k="$K" 'NR == FNR { if (FNR > 1) base[$1] = $2; next } FNR > 1 && ($1 in base) && $2 == k && base[$1] < k { print $1; exit }' "$work/base.csv" "$work/full.csv")," \
  "$work/starts.side.out" || bad "starts: the group that reached n = $K is not printed"

# ---- 3. ties: ascending counts, most of them equal; the limit inside a tie ----
check ties query --records silk --where app=53 --group-by dip,sip --agg "n=count()" --order n --limit 7

# ---- 4. another --limit on --limit 20's side file: 50 and 3 are served by its list; every
# row (--limit 0) only when the list holds every passing group (its header says), else the
# roll-up is loaded whole, without a warning, and the side file made again for every row
# serves next ----
complete=$(python3 - "$(ls "$work"/cache-names/*/*.side)" <<'PY'
import struct, sys
b = open(sys.argv[1], 'rb').read()
passed, listed = struct.unpack_from('<QQ', b, 72)
print(1 if listed == passed else 0)
PY
)
[ "$complete" = 0 ] || bad "the data does not exercise a list too short for every row"
for l in 50 3 0; do
  fsrun "$work/l$l.plain" dns-names --limit "$l" --threads 1 "$repo" "$new"
  rm -rf "$work/cache-l" && cp -a "$work/cache-names" "$work/cache-l"
  fsrun "$work/l$l.side" dns-names --limit "$l" -v --threads 1 --cache "$work/cache-l" "$repo" "$new"
  same_run "$work/l$l.plain" "$work/l$l.side"
  [ "$(counts "$work/l$l.plain.err")" = "$(counts "$work/l$l.side.err")" ] || bad "--limit $l: summary counts differ"
  ! grep -q 'warn: cache' "$work/l$l.side.err" || bad "--limit $l: warned"
  if [ "$l" = 0 ] && [ "$complete" = 0 ]; then
    ! served "$work/l$l.side.err" || bad "--limit 0: served by a list that lacks passing groups"
    fsrun "$work/l$l.again" dns-names --limit "$l" -v --threads 1 --cache "$work/cache-l" "$repo" "$new"
    same_run "$work/l$l.plain" "$work/l$l.again"
    served "$work/l$l.again.err" || bad "--limit 0: the side file made for every row did not serve"
  else
    served "$work/l$l.side.err" || bad "--limit $l: the side file of --limit 20 did not serve"
  fi
done

# ---- 5. a damaged or cut side file: warned, the roll-up loaded whole, rebuilt ----
side=$(ls "$work"/cache-names/*/*.side)
size=$(stat -c %s "$side")
for how in header list entries cut; do
  d=$work/cache-dmg
  rm -rf "$d" && cp -a "$work/cache-names" "$d"
  f=$(ls "$d"/*/*.side)
  case $how in
    header) pos=20 ;;
    list) pos=130 ;;
    entries) pos=$((size - 40)) ;;
  esac
  if [ "$how" = cut ]; then
    truncate -s $((size / 2)) "$f"
  else
    printf '\x55' | dd of="$f" bs=1 seek="$pos" conv=notrunc status=none
  fi
  fsrun "$work/dmg-$how" dns-names -v --threads 1 --cache "$d" "$repo" "$new"
  same_run "$work/names.plain" "$work/dmg-$how"
  [ "$(counts "$work/names.plain.err")" = "$(counts "$work/dmg-$how.err")" ] || bad "damaged side file ($how): summary counts differ"
  grep -q '^flowsweep: warn: cache: the side file .*(ignored; rebuilt)' "$work/dmg-$how.err" ||
    { bad "damaged side file ($how): no warning"; grep cache "$work/dmg-$how.err"; }
  fsrun "$work/dmg-$how.again" dns-names -v --threads 1 --cache "$d" "$repo" "$new"
  same_run "$work/names.plain" "$work/dmg-$how.again"
  served "$work/dmg-$how.again.err" || bad "damaged side file ($how): not rebuilt"
  ! grep -q 'warn: cache' "$work/dmg-$how.again.err" || bad "damaged side file ($how): warned again"
done

# ---- 6. a listed group of the roll-up damaged: its checksum fails; warned, same answer ----
d=$work/cache-dmg
rm -rf "$d" && cp -a "$work/cache-names" "$d"
roll=$(ls "$d"/*/*.roll) f=$(ls "$d"/*/*.side)
# the first listed group (list place 0): entry number at byte 128, entries after the list;
# its last byte flipped in the roll-up
python3 - "$f" "$roll" <<'PY'
import struct, sys
b = open(sys.argv[1], 'rb').read()
listed = struct.unpack_from('<Q', b, 80)[0]
k = struct.unpack_from('<I', b, 128)[0]
off, ln = struct.unpack_from('<QI', b, 128 + 4 * listed + 32 * k + 8)
with open(sys.argv[2], 'r+b') as r:
    r.seek(off + ln - 1)
    c = r.read(1)[0]
    r.seek(off + ln - 1)
    r.write(bytes([c ^ 0x40]))
PY
fsrun "$work/dmg-roll" dns-names -v --threads 1 --cache "$d" "$repo" "$new"
same_run "$work/names.plain" "$work/dmg-roll"
grep -q 'warn: cache: the side file .*checksum.*the roll-up loaded whole' "$work/dmg-roll.err" || { bad "damaged roll-up group: no warning"; grep cache "$work/dmg-roll.err"; }

# every group of the roll-up not listed damaged: the groups of the keys the new hour touches
# fail when read (step 1 of side_finish(), the reads that span several groups); the roll-up
# then fails its own checks when loaded whole: reported, removed, its files read
d=$work/cache-dmg-all
rm -rf "$d" && cp -a "$work/cache-names" "$d"
roll=$(ls "$d"/*/*.roll) f=$(ls "$d"/*/*.side)
python3 - "$f" "$roll" <<'PY'
import struct, sys
b = open(sys.argv[1], 'rb').read()
groups, listed = struct.unpack_from('<Q', b, 64)[0], struct.unpack_from('<Q', b, 80)[0]
base = 128 + 4 * listed
with open(sys.argv[2], 'r+b') as r:
    for k in range(groups):
        off, ln, rank = struct.unpack_from('<QII', b, base + 32 * k + 8)
        if rank < listed:
            continue
        r.seek(off + ln - 1)
        c = r.read(1)[0]
        r.seek(off + ln - 1)
        r.write(bytes([c ^ 0x40]))
PY
fsrun "$work/dmg-all" dns-names -v --threads 1 --cache "$d" "$repo" "$new"
same_run "$work/names.plain" "$work/dmg-all"
grep -q 'warn: cache: the side file .*fails its checksum.*the roll-up loaded whole' "$work/dmg-all.err" ||
  { bad "damaged roll-up groups: no warning"; grep cache "$work/dmg-all.err"; }

[ $fail -eq 0 ] && echo "cache_side: every re-run from a side file equals the plain run"
exit $fail
