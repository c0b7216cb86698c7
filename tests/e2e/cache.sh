#!/usr/bin/env bash
# cache.sh FLOWSWEEP GEN WORKDIR - the partial cache (--cache DIR, docs/usage.md).
# On a generated repository with a truncated and a non-IPFIX file among the good ones:
#  1. every analytic (dns-names, dns-dest, query with every aggregate, dns-hunt) with
#     --cache at 1, 2 and 4 threads (cold, warm, and with half the partials removed)
#     prints exactly what the plain run prints, exits with its status, and names the
#     same bad files; --strict stops as the plain run does;
#  2. a re-run after new hours arrive opens only the new files (strace) and equals
#     tests/ref/reference.py on the generator's truth;
#     a mix of roll-ups, per-file partials (the report's) and read files is exact too;
#  3. truncated, altered, other-version and garbage roll-ups are reported
#     ("flowsweep: warn: cache: ..."), never change the answer, and are rebuilt;
#  4. two sweeps filling one cache at once both answer right; an unusable cache
#     directory gives one warning and the plain answer; FLOWSWEEP_CACHE works;
#     --limit 50 reuses --limit 20's partials; cache stats / prune.
set -euo pipefail
fs=$1 gen=$2 work=$3
ref="$(dirname "$0")/../ref/reference.py"
. "$(dirname "$0")/lib.sh"
work=$(fresh_workdir "$work")
repo=$work/repo
"$gen" --out "$repo" --seed 11 --start 2024-03-01T20 --hours 3 --files-per-hour 2 \
  --flows 12000 --exfil default --truth "$work/truthA.fd" --labels "$work/labelsA.tsv" -q
cp -r "$repo" "$work/clean" # good files only, for the re-run against the reference
first=$(find "$repo" -name '*.yaf' | sort | head -1)
cut_copy "$first" "$repo/2024/03/01/21/yaf-cut.yaf"
printf 'not IPFIX at all\n' > "$repo/2024/03/01/22/yaf-garbage.yaf"
# Old enough for the racy rule (a file whose mtime or ctime is younger than 2 s is not
# trusted to its partial): the mtimes set back now, the ctimes waited for (aged_wait).
find "$work" -type f -exec touch -d '-2 hours' {} +
aged_mark

# Drops the summary line and the cache's own warnings: what is left must match the plain run.
warnings() { grep -v -e '^flowsweep: summary:' -e '^flowsweep: warn: cache:' "$1" || true; }
summary_field() { # FILE WORD -> the number after "WORD " in the summary line's cache part
  sed -n 's/.*cache: \([0-9]*\) files from partials, \([0-9]*\) read.*/\1 \2/p' "$1"
}

# same NAME FILE-PREFIX: stdout, status and bad-file warnings equal NAME.plain's.
same() { same_run "$work/$1.plain" "$2"; }
job[hunt_src]="dns-hunt --by domain,source --limit 0 --format json"

# ---- 1. byte-identical with --cache: cold, warm, mixed; 1, 2, 4 threads ----
for name in names dest query hunt hunt_src; do
  read -r -a args <<< "${job[$name]}"
  fsrun "$work/$name.plain" "${args[@]}" --threads 1 "$repo"
  [ "$(cat "$work/$name.plain.rc")" = 3 ] || bad "$name: the plain run should exit 3 (bad files)"
  c=$work/cache-$name
  aged_wait # (once: then a no-op)
  for t in 1 2 4; do
    fsrun "$work/$name.c$t" "${args[@]}" --threads "$t" --cache "$c" "$repo"
    same "$name" "$work/$name.c$t"
  done
  read -r hits read_n <<< "$(summary_field "$work/$name.c1.err")"
  [ "${hits:-x}" = 0 ] && [ "${read_n:-x}" = 8 ] || bad "$name: cold run: '$hits' from partials, '$read_n' read (want 0, 8)"
  read -r hits read_n <<< "$(summary_field "$work/$name.c4.err")"
  [ "${hits:-x}" = 8 ] && [ "${read_n:-x}" = 0 ] || bad "$name: warm run: '$hits' from partials, '$read_n' read (want 8, 0)"
  # A mix: a roll-up of hour 21's files (the cut one among them), for dns-names also
  # the report's per-file partials of hour 22 (the non-IPFIX one among them), the rest read.
  rm -rf "$c"
  "$fs" "${args[@]}" --threads 1 --cache "$c" "$repo/2024/03/01/21" > /dev/null 2>&1 || true
  want="3 5"
  if [ "$name" = names ]; then
    "$fs" report --progress never --threads 1 --cache "$c" -o "$work/sub22.html" "$repo/2024/03/01/22" 2> /dev/null || true
    want="6 2"
  fi
  fsrun "$work/$name.mixed" "${args[@]}" --threads 2 --cache "$c" "$repo"
  same "$name" "$work/$name.mixed"
  [ "$(summary_field "$work/$name.mixed.err")" = "$want" ] || bad "$name: mixed run: '$(summary_field "$work/$name.mixed.err")' from partials and read, want '$want'"
  if [ "$name" = names ]; then # what the mixed run wrote serves the next one whole
    fsrun "$work/$name.mixed2" "${args[@]}" --threads 4 --cache "$c" "$repo"
    same "$name" "$work/$name.mixed2"
    [ "$(summary_field "$work/$name.mixed2.err")" = "8 0" ] || bad "$name: after the mixed run: '$(summary_field "$work/$name.mixed2.err")', want '8 0'"
  fi
done
# --strict: stops at a bad file whether its verdict comes from a partial or not.
fsrun "$work/strict.plain" dns-names --strict --threads 1 "$repo"
fsrun "$work/strict.cached" dns-names --strict --threads 1 --cache "$work/cache-names" "$repo"
[ "$(cat "$work/strict.plain.rc")" = "$(cat "$work/strict.cached.rc")" ] ||
  bad "--strict: exit $(cat "$work/strict.cached.rc") with the cache, $(cat "$work/strict.plain.rc") without"

# ---- 2. new hours arrive: only they are opened; the answer equals the reference ----
c=$work/cache-rerun
fsrun "$work/rerun.fill" dns-names --limit 0 --format csv --cache "$c" "$work/clean"
"$gen" --out "$work/new" --seed 12 --start 2024-03-01T23 --hours 2 --files-per-hour 2 \
  --flows 6000 --exfil default --truth "$work/truthB.fd" --labels "$work/labelsB.tsv" -q
find "$work/new" -type f -exec touch -d '-2 hours' {} +
(cd "$work/new" && find . -name '*.yaf' | sed "s|^\./|$work/clean/|" | sort) > "$work/new.list"
cp -r "$work/new/." "$work/clean/"
if command -v strace > /dev/null; then
  # LeakSanitizer cannot run under ptrace: no leak check for this one run of an ASan build.
  ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -e trace=openat,open \
    -o "$work/rerun.trace" "$fs" dns-names --limit 0 --format csv --cache "$c" "$work/clean" \
    > "$work/rerun.out" 2> "$work/rerun.err" || bad "re-run under strace failed: $(tail -3 "$work/rerun.err")"
  grep -o "\"$work/clean/[^\"]*\.yaf\"" "$work/rerun.trace" | tr -d '"' | sort -u > "$work/rerun.opened"
  cmp -s "$work/new.list" "$work/rerun.opened" ||
    { bad "re-run opened other files than the new ones:"; diff "$work/new.list" "$work/rerun.opened" | head; }
  [ "$(wc -l < "$work/new.list")" -eq 4 ] || bad "re-run: expected 4 new files"
else
  echo "note: strace missing, the re-run's opened files are not checked"
  "$fs" dns-names --limit 0 --format csv --cache "$c" "$work/clean" > "$work/rerun.out" 2> "$work/rerun.err"
fi
python3 "$ref" dns-names --limit 0 --format csv "$work/truthA.fd" "$work/truthB.fd" > "$work/rerun.expected"
cmp -s "$work/rerun.expected" "$work/rerun.out" || { bad "re-run differs from the reference"; diff "$work/rerun.expected" "$work/rerun.out" | head; }
read -r hits read_n <<< "$(summary_field "$work/rerun.err")"
[ "${hits:-x}" = 6 ] && [ "${read_n:-x}" = 4 ] || bad "re-run: '$hits' from partials, '$read_n' read (want 6, 4)"
python3 "$ref" dns-dest --limit 0 --format csv "$work/truthA.fd" "$work/truthB.fd" > "$work/rerun-dest.expected"
"$fs" dns-dest --limit 0 --format csv --cache "$c" "$work/clean" > "$work/rerun-dest.out" 2> /dev/null
cmp -s "$work/rerun-dest.expected" "$work/rerun-dest.out" || bad "re-run dns-dest differs from the reference"

# ---- 3. damaged roll-ups: reported, removed, rebuilt, the answer unchanged ----
c=$work/cache-damaged
for f in $(find "$repo" -name '*.yaf' | sort | head -6); do # a roll-up of each of 6 files alone
  "$fs" dns-names --limit 0 --format csv --threads 1 --cache "$c" "$f" > /dev/null 2>&1 || true
done
mapfile -t parts < <(ls "$c"/*/*.roll | sort)
[ "${#parts[@]}" = 6 ] || bad "expected 6 roll-ups, found ${#parts[@]}"
truncate -s -7 "${parts[0]}"                                           # cut short
printf '\xff' | dd of="${parts[1]}" bs=1 seek=200 conv=notrunc 2> /dev/null   # a byte altered
printf '\x63' | dd of="${parts[2]}" bs=1 seek=8 conv=notrunc 2> /dev/null     # another format version
printf 'garbage\n' > "${parts[3]}"                                     # not a partial
: > "${parts[4]}"                                                      # empty
fsrun "$work/names.damaged" dns-names --limit 0 --format csv --threads 2 --cache "$c" "$repo"
same names "$work/names.damaged"
nwarn=$(grep -c '^flowsweep: warn: cache: ' "$work/names.damaged.err" || true)
[ "$nwarn" = 5 ] || { bad "damaged roll-ups: $nwarn cache warnings, want 5"; cat "$work/names.damaged.err"; }
grep -q 'format version 99' "$work/names.damaged.err" || bad "no 'format version' reason"
grep -q 'checksum mismatch' "$work/names.damaged.err" || bad "no checksum reason"
[ "$(summary_field "$work/names.damaged.err")" = "1 7" ] || bad "damaged: '$(summary_field "$work/names.damaged.err")', want '1 7'"
fsrun "$work/names.rebuilt" dns-names --limit 0 --format csv --threads 2 --cache "$c" "$repo"
same names "$work/names.rebuilt"
! grep -q '^flowsweep: warn: cache: ' "$work/names.rebuilt.err" || bad "damaged roll-ups were not removed and rebuilt"
read -r hits read_n <<< "$(summary_field "$work/names.rebuilt.err")"
[ "${hits:-x}" = 8 ] || bad "after the rebuild: '$hits' from partials, want 8"

# ---- 4. concurrent writers, unusable directory, FLOWSWEEP_CACHE, --limit, stats, prune ----
c=$work/cache-concurrent
for i in 1 2 3; do
  "$fs" dns-names --limit 0 --format csv --threads 2 --cache "$c" "$repo" > "$work/conc$i.out" 2> "$work/conc$i.err" &
done
wait || true
for i in 1 2 3; do
  cmp -s "$work/names.plain.out" "$work/conc$i.out" || bad "concurrent sweep $i: output differs"
  ! grep -q 'warn: cache' "$work/conc$i.err" || { bad "concurrent sweep $i warned"; cat "$work/conc$i.err"; }
done
fsrun "$work/conc.after" dns-names --limit 0 --format csv --cache "$c" "$repo"
same names "$work/conc.after"
read -r hits read_n <<< "$(summary_field "$work/conc.after.err")"
[ "${hits:-x}" = 8 ] || bad "after concurrent fills: '$hits' from partials, want 8"
ls -a "$c"/*/ | grep -q '^\.tmp' && bad "temporary files left behind"

fsrun "$work/unusable" dns-names --limit 0 --format csv --cache "$first/not-a-dir" "$repo"
same names "$work/unusable"
[ "$(grep -c 'warn: cache' "$work/unusable.err")" = 1 ] || { bad "unusable cache dir: want exactly one warning"; cat "$work/unusable.err"; }

rc=0
FLOWSWEEP_CACHE=$work/cache-env "$fs" dns-names --limit 20 --cache "" "$repo" > /dev/null 2>&1 || rc=$?
[ ! -d "$work/cache-env" ] || bad "--cache '' should turn FLOWSWEEP_CACHE off"
FLOWSWEEP_CACHE=$work/cache-env "$fs" dns-names --threads 1 --limit 20 "$repo" > "$work/limit20.out" 2> /dev/null || true
ls "$work"/cache-env/*/*.roll > /dev/null 2>&1 || bad "FLOWSWEEP_CACHE did not fill a cache"
fsrun "$work/limit50" dns-names --limit 50 --cache "$work/cache-env" "$repo"
"$fs" dns-names --limit 50 "$repo" > "$work/limit50.plain" 2> /dev/null || true
cmp -s "$work/limit50.plain" "$work/limit50.out" || bad "--limit 50 from --limit 20's partials differs"
read -r hits read_n <<< "$(summary_field "$work/limit50.err")"
[ "${hits:-x}" = 8 ] || bad "--limit 50 did not reuse --limit 20's partials ('$hits' from partials)"

# a file that is not the cache's: stats and prune call it the same (not "unreadable")
jobdir=$(ls -d "$work"/cache-env/*/ | head -1)
echo "my notes" > "${jobdir}notes.txt"
"$fs" cache stats "$work/cache-env" > "$work/stats.out"
grep -q '1 jobs, 1 partials' "$work/stats.out" && grep -q '(1 roll-ups with 8 file memberships in all' "$work/stats.out" ||
  { bad "cache stats"; cat "$work/stats.out"; }
grep -q "0 unreadable partials, 0.00 MiB; 1 files that are not the cache's" "$work/stats.out" &&
  grep -q "0 unreadable, 1 not the cache's" "$work/stats.out" ||
  { bad "cache stats: notes.txt should be 'not the cache's', not unreadable"; cat "$work/stats.out"; }
"$fs" cache prune "$work/cache-env" > "$work/prune0.out"
grep -q "left 1 files that are not the cache's" "$work/prune0.out" || { bad "cache prune: notes.txt"; cat "$work/prune0.out"; }
rm "${jobdir}notes.txt"
grep -q 'of damaged sources' "$work/stats.out" || bad "cache stats: no damaged-source count"
"$fs" cache prune "$work/cache-env" --missing-sources > "$work/prune1.out"
grep -q 'removed 0 files' "$work/prune1.out" || { bad "prune removed partials of present sources"; cat "$work/prune1.out"; }
rm "$first"
# the whole roll-up goes, and its side file (docs/partials.md, "Side files") with it
"$fs" cache prune "$work/cache-env" --missing-sources > "$work/prune2.out"
grep -q 'removed 2 files' "$work/prune2.out" || { bad "prune --missing-sources"; cat "$work/prune2.out"; }
"$fs" dns-names --threads 1 --cache "$work/cache-env" "$repo" > /dev/null 2>&1 || true
"$fs" cache prune "$work/cache-env" --older-than 0 > "$work/prune3.out"
grep -q 'removed 2 files' "$work/prune3.out" || { bad "prune --older-than 0"; cat "$work/prune3.out"; }

[ $fail -eq 0 ] && echo "cache: every cached run equals the plain run and the reference"
exit $fail
