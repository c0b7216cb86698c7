#!/usr/bin/env bash
# cache.sh FLOWSWEEP GEN WORKDIR - `flowsweep report --cache DIR` (docs/report.md).
# On a generated repository with a truncated and a non-IPFIX file among the good ones:
#  1. the report with --cache, cold (an empty cache), warm (every file from its partials;
#     none read) and at 1 and 4 threads, is the report without the cache, byte for byte
#     but for when it was made and how long it took, with the same exit status (3);
#  2. after new hours arrive, the re-run reads only the new files (the summary's counts,
#     and strace: only they are opened) and equals the report without the cache;
#  3. dns-names and dns-dest run alone with the same --cache read the report's partials
#     (the same job text) and print what they print without it;
#  4. with one job's partial of one file gone, that file is read and only that partial
#     written again (the other jobs' valid partials of it are left as they are).
set -euo pipefail
fs=$1 gen=$2 work=$3
. "$(dirname "$0")/../e2e/lib.sh"
work=$(fresh_workdir "$work")
repo=$work/repo
"$gen" --out "$repo" --seed 7 --start 2024-03-01T20 --hours 3 --files-per-hour 2 \
  --flows 12000 --exfil default -q
first=$(find "$repo" -name '*.yaf' | sort | head -1)
cut_copy "$first" "$repo/2024/03/01/21/yaf-cut.yaf"
printf 'not IPFIX at all\n' > "$repo/2024/03/01/22/yaf-garbage.yaf"
"$gen" --out "$work/later" --seed 8 --start 2024-03-01T23 --hours 2 --files-per-hour 2 \
  --flows 8000 --exfil default -q
# Old enough for the racy rule (a file whose mtime or ctime is younger than 2 s is not
# trusted to its partial): the mtimes set back now, the ctimes waited for (aged_wait).
find "$work" -type f -exec touch -d '-2 hours' {} +
aged_mark

steady() { sed -e 's/made [^<]*//' -e 's|<dt>elapsed</dt><dd>[^<]*||' "$1"; }
counts() { sed -n 's/.*cache: \([0-9]*\) files from partials, \([0-9]*\) read.*/\1 \2/p' "$1"; }
# rep NAME ARGS...: the report of ARGS into NAME.html, stderr NAME.err, status NAME.rc
rep() {
  local n=$1 rc=0
  shift
  "$fs" report --progress never -o "$work/$n.html" "$@" 2> "$work/$n.err" || rc=$?
  echo "$rc" > "$work/$n.rc"
}
same() { # NAME PLAIN: same page and status as the run without the cache
  if ! diff <(steady "$work/$2.html") <(steady "$work/$1.html") > "$work/$1.diff"; then
    bad "$1: the page differs from $2's"
    head -5 "$work/$1.diff"
  fi
  [ "$(cat "$work/$1.rc")" = "$(cat "$work/$2.rc")" ] ||
    bad "$1: exit $(cat "$work/$1.rc"), without the cache $(cat "$work/$2.rc")"
}
nfiles=$(find "$repo" -name '*.yaf' | wc -l)

# ---- 1. cold, warm, threads ----
for t in 1 4; do
  rep plain.t$t --threads $t "$repo"
  [ "$(cat "$work/plain.t$t.rc")" = 3 ] || bad "plain report at $t threads: exit $(cat "$work/plain.t$t.rc"), want 3"
done
aged_wait
rep cold --threads 1 --cache "$work/c" "$repo"
same cold plain.t1
[ "$(counts "$work/cold.err")" = "0 $nfiles" ] || bad "cold: '$(counts "$work/cold.err")', want '0 $nfiles'"
for t in 1 4; do
  rep warm.t$t --threads $t --cache "$work/c" "$repo"
  same warm.t$t plain.t$t
  [ "$(counts "$work/warm.t$t.err")" = "$nfiles 0" ] ||
    bad "warm at $t threads: '$(counts "$work/warm.t$t.err")', want '$nfiles 0'"
  grep -q 'warn: cache' "$work/warm.t$t.err" && bad "warm at $t threads: $(grep 'warn: cache' "$work/warm.t$t.err" | head -2)"
done
grep -q 'yaf-cut.yaf' "$work/warm.t1.err" || bad "warm: the truncated file is not named (from its partial)"

# ---- 2. new hours arrive: only they are read ----
cp -rp "$work/later/." "$repo/" # their mtimes kept: old enough; the old files untouched
aged_mark # their ctimes are now: the re-run that caches them waits (after the plain run)
find "$work/later" -name '*.yaf' | sed "s|^$work/later|$repo|" | sort > "$work/new.list"
nnew=$(wc -l < "$work/new.list")
rep plain2 --threads 2 "$repo"
aged_wait
if command -v strace > /dev/null; then
  rc=0
  ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -e trace=openat,open \
    -o "$work/rerun.trace" "$fs" report --progress never --threads 2 --cache "$work/c" \
    -o "$work/rerun.html" "$repo" 2> "$work/rerun.err" || rc=$?
  echo "$rc" > "$work/rerun.rc"
  grep -o "\"$repo/[^\"]*\.yaf\"" "$work/rerun.trace" | tr -d '"' | sort -u > "$work/rerun.opened"
  cmp -s "$work/new.list" "$work/rerun.opened" ||
    { bad "re-run opened other files than the new ones:"; diff "$work/new.list" "$work/rerun.opened" | head; }
else
  echo "note: strace missing, the re-run's opened files are not checked"
  rep rerun --threads 2 --cache "$work/c" "$repo"
fi
same rerun plain2
[ "$(counts "$work/rerun.err")" = "$nfiles $nnew" ] ||
  bad "re-run: '$(counts "$work/rerun.err")', want '$nfiles $nnew'"

# ---- 3. the commands alone share the report's dns-names and dns-dest partials ----
for cmd in dns-names dns-dest; do
  rc=0
  "$fs" "$cmd" --format csv --limit 0 "$repo" > "$work/$cmd.plain" 2> /dev/null || rc=$?
  rc2=0
  "$fs" "$cmd" --format csv --limit 0 --cache "$work/c" "$repo" > "$work/$cmd.cached" 2> "$work/$cmd.err" || rc2=$?
  cmp -s "$work/$cmd.plain" "$work/$cmd.cached" || bad "$cmd --cache: output differs from the plain run"
  [ "$rc" = "$rc2" ] || bad "$cmd --cache: exit $rc2, plain $rc"
  [ "$(counts "$work/$cmd.err")" = "$((nfiles + nnew)) 0" ] ||
    bad "$cmd: '$(counts "$work/$cmd.err")' with the report's partials, want '$((nfiles + nnew)) 0'"
done

# ---- 4. one job's partial of one file gone: that file is read, only that partial written ----
hunt_dir=$(for d in "$work"/c/*/; do ls "$d" | grep -q '\.roll$' || echo "$d"; done | head -1)
victim=$(ls "$hunt_dir"*.part | head -1)
rm -f "$victim"
rep one --threads 2 --cache "$work/c" "$repo"
same one plain2
[ "$(counts "$work/one.err")" = "$((nfiles + nnew - 1)) 1" ] ||
  bad "one partial gone: '$(counts "$work/one.err")', want '$((nfiles + nnew - 1)) 1'"
grep -q ' 1 partials written' "$work/one.err" ||
  bad "one partial gone: not just it written: $(grep 'cache:' "$work/one.err")"
[ -f "$victim" ] || bad "one partial gone: it was not written again"

if [ "$fail" -ne 0 ]; then
  echo "kept: $work"
  exit 1
fi
rm -rf "$work"
echo "ok: report --cache cold, warm (1, 4 threads), after new hours (only they read), shared partials, one partial rebuilt alone"
