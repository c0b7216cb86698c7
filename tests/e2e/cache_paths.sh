#!/usr/bin/env bash
# cache_paths.sh FLOWSWEEP GEN WORKDIR - the partial cache against how a file is reached
# and which files a run can cache (docs/usage.md "--cache", docs/partials.md):
#  1. one file reached by a path that gives its hour (read whole) and by one that does not
#     (a symbolic link to the day, `cd` into the hour and PATH `.`: its records filtered by
#     --start/--end), with a capture file of no hour in every run: in either order, every
#     --cache run prints what the run without the cache prints (dns-dest, dns-names, the
#     report); files read whole are still reused when --end moves;
#  2. a cold cache with a file too young to trust (the racy rule) or one that cannot be
#     opened caches the other files: the next run reads that file alone; -v says how many
#     files were not cached; the answer and exit status are the plain run's; files whose
#     mtime was set back (touch -d, as cp -p, rsync -t, tar x) but whose ctime is young are
#     not cached on that run, and are by a run 2 s later;
#  3. the summary's `files N (bad B)` counts planned files (an unopened one among them), as
#     the JSON summary's planned, and the report's header;
#  4. a query's --job blocks write per-file partials that the query alone then reads (the
#     query's roll-ups do not serve --job: docs/usage.md);
#  5. cache stats / prune name an entry of DIR that is not a job directory, escaped; --help
#     shows cache prune and that --summary-file needs --summary json;
#  6. a cache directory inside the repository it caches (tagged CACHEDIR.TAG) is never
#     input: with and without --include '*', three cached runs print what the run without
#     the cache prints, with its exit status and its "passed over" count; a PATH that is
#     the cache directory walks nothing and says why.
set -euo pipefail
fs=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") gen=$2 work=$3 # runs from other directories
. "$(dirname "$0")/lib.sh"
work=$(fresh_workdir "$work")
g=$work/gen
"$gen" --out "$g" --seed 5 --start 2024-05-06T05 --hours 3 --flows 6000 -q
repo=$work/repo
mkdir -p "$repo/2024/05/06/06" "$repo/2024/05/06/07" "$work/cap"
cp "$g"/2024/05/06/06/*.yaf "$repo/2024/05/06/06/"
cp "$g"/2024/05/06/07/*.yaf "$repo/2024/05/06/07/"
# hour 05's flows under hour 07's directory, named with no hour: whole when the path gives
# the hour (07), filtered to nothing by --start/--end 07 when it does not
cp "$g"/2024/05/06/05/*.yaf "$repo/2024/05/06/07/s1.yaf"
cp "$g"/2024/05/06/07/*.yaf "$work/cap/y.yaf" # a capture file: no hour in its path
ln -s "$repo/2024/05/06" "$work/today"
young=$work/young locked=$work/locked ctimes=$work/ctimes inrepo=$work/inrepo # (made here:
for d in "$young" "$locked" "$ctimes" "$inrepo"; do # their ctimes age with the others')
  mkdir -p "$d" && cp -r "$g/2024" "$d/"
done
cut_copy "$(find "$locked" -name '*.yaf' | sort | head -1)" "$locked/2024/05/06/05/yaf-cut.yaf"
find "$work" -type f -exec touch -d '-2 hours' {} + # old enough for the racy rule: the mtimes,
aged_mark                                            # and the ctimes once aged_wait returns
# Section 2's first run over files whose mtime was just set back: their ctimes are young
# (the racy rule looks at both), so none is cached yet. Checked unless the run came too late.
run_keep "$work/ctimes.1" "$fs" dns-dest --limit 0 --format csv --threads 1 -v --cache "$work/cache-ctimes" "$ctimes"
ctimes_young=$((($(date +%s%N) - aged_t0) < 1900000000))
W=(--start 2024-05-06T07 --end 2024-05-06T07)
warnings() { grep -v -e '^flowsweep: summary:' -e '^flowsweep: warn: cache:' -e '^flowsweep: info: cache:' "$1" || true; }
cache_counts() { sed -n 's/.*cache: \([0-9]*\) files from partials, \([0-9]*\) read.*/\1 \2/p' "$1"; }

# runs KIND ARGS...: ARGS with the PATH given as KIND (real: the repository, link: the
# symbolic link to the day, hourdir: `.` from inside hour 07), then the capture file.
runs() {
  local kind=$1
  shift
  case $kind in
    real) "$fs" "$@" "$repo/2024" "$work/cap/y.yaf" ;;
    link) "$fs" "$@" "$work/today" "$work/cap/y.yaf" ;;
    hourdir) (cd "$repo/2024/05/06/07" && "$fs" "$@" . "$work/cap/y.yaf") ;;
  esac
}
# the plain answers, and the difference the cache must keep (else this tests nothing)
for cmd in dest names; do
  read -r -a args <<< "${job[$cmd]}"
  for kind in real link hourdir; do
    run_keep "$work/$cmd.$kind.plain" runs "$kind" "${args[@]}" --threads 1 "${W[@]}"
    [ "$(cat "$work/$cmd.$kind.plain.rc")" = 0 ] && [ -s "$work/$cmd.$kind.plain.out" ] ||
      bad "$cmd $kind: the plain run failed: $(head -c 300 "$work/$cmd.$kind.plain.err")"
  done
done
[ "$(wc -l < "$work/dest.real.plain.out")" -gt "$(wc -l < "$work/dest.link.plain.out")" ] ||
  bad "the set-up: the path with the hour should give more rows than the link (hour 05's flows)"
# Every order of the three: each --cache run (cold, then warm with the other kinds' partials
# in the cache) equals the plain run of its own path.
n=0
for order in "real link hourdir real" "link real hourdir link" "hourdir real link hourdir"; do
  n=$((n + 1))
  for cmd in dest names; do
    read -r -a args <<< "${job[$cmd]}"
    c=$work/cache-$cmd-$n
    k=0
    for kind in $order; do
      k=$((k + 1))
      aged_wait # (once: then a no-op)
      t=$((1 + k % 2)) # 2 threads, then 1, ...
      run_keep "$work/$cmd.$n.$k" runs "$kind" "${args[@]}" --threads "$t" "${W[@]}" --cache "$c"
      same_run "$work/$cmd.$kind.plain" "$work/$cmd.$n.$k"
    done
    # the last run (the first's path again): every file from the cache, none read
    [ "$(cache_counts "$work/$cmd.$n.$k.err")" = "3 0" ] ||
      bad "$cmd, order '$order': the last run: '$(cache_counts "$work/$cmd.$n.$k.err")' from partials and read, want '3 0'"
  done
done
# The report: its three jobs' per-file partials, both orders.
steady() { sed -e 's/made [^<]*//' -e 's|<dt>elapsed</dt><dd>[^<]*||' "$1"; }
for kind in real link; do
  runs "$kind" report --progress never --threads 1 "${W[@]}" -o "$work/report.$kind.plain.html" 2> /dev/null
done
for order in "real link real" "link real link"; do
  c=$work/cache-report-${order%% *}
  for kind in $order; do
    runs "$kind" report --progress never --threads 1 "${W[@]}" --cache "$c" -o "$work/report.got.html" 2> /dev/null
    cmp -s <(steady "$work/report.$kind.plain.html") <(steady "$work/report.got.html") ||
      bad "report --cache, order '$order', $kind: differs from the report without the cache"
  done
done
# A moving window keeps what was read whole: --end one hour on, the two hour files of 07
# (in a roll-up of their week) come from the cache, the capture file (filtered under the
# old window) is read again.
c=$work/cache-moving
run_keep "$work/mov1" runs real dns-dest --limit 0 --format csv --threads 1 "${W[@]}" --cache "$c"
run_keep "$work/mov2.plain" runs real dns-dest --limit 0 --format csv --threads 1 --start 2024-05-06T07 --end 2024-05-06T08
run_keep "$work/mov2" runs real dns-dest --limit 0 --format csv --threads 1 --start 2024-05-06T07 --end 2024-05-06T08 --cache "$c"
same_run "$work/mov2.plain" "$work/mov2"
[ "$(cache_counts "$work/mov2.err")" = "2 1" ] ||
  bad "a moved --end: '$(cache_counts "$work/mov2.err")' from partials and read, want '2 1'"

# ---- 2. a cold cache with a file too young to trust, or one that cannot be opened ----
yf=$(find "$young" -name '*.yaf' | sort | tail -1)
touch -d '+1 hour' "$yf" # changed "less than 2 s ago" for as long as the test runs
run_keep "$work/young.plain" "$fs" dns-dest --limit 0 --format csv --threads 1 "$young"
for k in 1 2; do
  run_keep "$work/young.$k" "$fs" dns-dest --limit 0 --format csv --threads 1 -v --cache "$work/cache-young" "$young"
  same_run "$work/young.plain" "$work/young.$k"
done
[ "$(cache_counts "$work/young.1.err")" = "0 3" ] && grep -q 'cache: 0 files from partials, 3 read, [1-9]' "$work/young.1.err" ||
  bad "cold run with a young file: $(grep 'summary: cache' "$work/young.1.err")"
grep -q 'cache: 1 of the 3 files read were not cached: the next run reads them again; 1 of them changed less than 2 s ago' "$work/young.1.err" ||
  bad "cold run with a young file: -v should say 1 of 3 not cached: $(grep 'info: cache' "$work/young.1.err")"
[ "$(cache_counts "$work/young.2.err")" = "2 1" ] ||
  bad "the run after a cold one with a young file: '$(cache_counts "$work/young.2.err")' from partials and read, want '2 1'"
# Files whose mtime had been set back just before the first run (ctimes.1): not cached then,
# cached now that their ctimes are 2 s old (aged_wait above), served by the run after.
run_keep "$work/ctimes.plain" "$fs" dns-dest --limit 0 --format csv --threads 1 "$ctimes"
for k in 2 3; do
  run_keep "$work/ctimes.$k" "$fs" dns-dest --limit 0 --format csv --threads 1 -v --cache "$work/cache-ctimes" "$ctimes"
done
for k in 1 2 3; do
  same_run "$work/ctimes.plain" "$work/ctimes.$k"
done
if [ "$ctimes_young" = 1 ]; then
  grep -q 'cache: 0 files from partials, 3 read, 0 partials written' "$work/ctimes.1.err" &&
    grep -q 'cache: 3 of the 3 files read were not cached: the next run reads them again; 3 of them changed less than 2 s ago' "$work/ctimes.1.err" ||
    bad "files with young ctimes were cached: $(grep -e 'summary: cache' -e 'info: cache' "$work/ctimes.1.err")"
else
  echo "note: the first run over young ctimes came 1.9 s or more after the touch: not checked"
fi
grep -q 'cache: 0 files from partials, 3 read, [1-9]' "$work/ctimes.2.err" && ! grep -q 'were not cached' "$work/ctimes.2.err" ||
  bad "files with ctimes 2 s old were not cached: $(grep -e 'summary: cache' -e 'info: cache' "$work/ctimes.2.err")"
[ "$(cache_counts "$work/ctimes.3.err")" = "3 0" ] ||
  bad "the run after the files' ctimes aged: '$(cache_counts "$work/ctimes.3.err")' from partials and read, want '3 0'"
# One file that cannot be opened (mode 000; root opens anything, so as nobody), one cut short.
lf=$(find "$locked" -name '*.yaf' | sort | tail -1)
chmod 000 "$lf"
as_user=()
if [ "$(id -u)" = 0 ]; then
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  chmod 755 "$work" "$locked"
  mkdir -p "$work/nb" && chmod 777 "$work/nb"
else
  mkdir -p "$work/nb"
fi
nb=$work/nb
run_keep "$nb/locked.plain" "${as_user[@]}" "$fs" dns-dest --limit 0 --format csv --threads 1 --summary json --summary-file "$nb/locked.json" "$locked"
if [ "$(cat "$nb/locked.plain.rc")" = 3 ] && grep -q "Permission denied" "$nb/locked.plain.err"; then
  for k in 1 2; do
    run_keep "$nb/locked.$k" "${as_user[@]}" "$fs" dns-dest --limit 0 --format csv --threads 1 -v --cache "$nb/cache" "$locked"
    same_run "$nb/locked.plain" "$nb/locked.$k"
  done
  grep -q 'cache: 0 files from partials, 4 read, [1-9]' "$nb/locked.1.err" ||
    bad "cold run with an unopenable file: $(grep 'summary: cache' "$nb/locked.1.err")"
  grep -q 'cache: 1 of the 4 files read were not cached' "$nb/locked.1.err" ||
    bad "cold run with an unopenable file: -v: $(grep 'info: cache' "$nb/locked.1.err")"
  [ "$(cache_counts "$nb/locked.2.err")" = "3 1" ] ||
    bad "the run after a cold one with an unopenable file: '$(cache_counts "$nb/locked.2.err")', want '3 1'"
  # 3. the summary counts the 4 planned files, 2 of them bad (the cut one, the unopened one)
  for k in 1 2; do
    grep -q 'summary: files 4 (bad 2)' "$nb/locked.$k.err" ||
      bad "summary of 4 planned files, 2 bad: $(grep 'summary: files' "$nb/locked.$k.err" | cut -c1-60)"
  done
  grep -q '"files":{"planned":4,"read":3,"bad":2,' "$nb/locked.json" ||
    bad "JSON summary: $(head -c 120 "$nb/locked.json")"
  "${as_user[@]}" "$fs" report --progress never --threads 1 -o "$nb/locked.html" "$locked" 2> /dev/null || true
  grep -q '<dd id="files">4, <span class="bad">2 bad' "$nb/locked.html" ||
    bad "report header: $(grep -o '<dd id="files">[^<]*<span[^<]*' "$nb/locked.html")"
else
  echo "skip: a file that cannot be opened (running as nobody failed: $(head -c 200 "$nb/locked.plain.err"))"
fi

# ---- 4. query --job blocks and the query alone ----
A=(--records silk --where 'app = 53' --group-by dip --agg 'b=sum(bytes),n=distinct(sip)' --limit 0)
B=(--records dns --group-by dns.type --agg 'n=count(),s=distinct(dns.name)' --limit 0)
run_keep "$work/qa.plain" "$fs" query "${A[@]}" --format csv --threads 1 "$repo/2024"
run_keep "$work/qb.plain" "$fs" query "${B[@]}" --format csv --threads 1 "$repo/2024"
cj=$work/cache-job
run_keep "$work/qa.1" "$fs" query "${A[@]}" --format csv --threads 1 --cache "$cj" "$repo/2024"
same_run "$work/qa.plain" "$work/qa.1"
# the query's roll-ups do not serve the blocks: every file read, per-file partials written
"$fs" query "${A[@]}" -o "$work/ja.csv" --job "${B[@]}" -o "$work/jb.csv" --format csv --threads 2 --cache "$cj" "$repo/2024" 2> "$work/job.err" ||
  bad "query --job: exit $?"
cmp -s "$work/ja.csv" "$work/qa.plain.out" && cmp -s "$work/jb.csv" "$work/qb.plain.out" ||
  bad "query --job --cache: a block differs from the query alone"
grep -q 'cache: 0 files from partials, 3 read, 6 partials written' "$work/job.err" ||
  bad "query --job after the query alone: $(grep 'summary: cache' "$work/job.err")"
# ... which the query alone then reads
run_keep "$work/qb.1" "$fs" query "${B[@]}" --format csv --threads 1 --cache "$cj" "$repo/2024"
same_run "$work/qb.plain" "$work/qb.1"
[ "$(cache_counts "$work/qb.1.err")" = "3 0" ] ||
  bad "the query alone after --job: '$(cache_counts "$work/qb.1.err")', want '3 0'"

# ---- 5. cache stats / prune: an entry of DIR that is not a job directory; --help ----
odd="$cj/j$(printf '\033')[31mob"
mkdir "$odd" && touch "$odd/a.part"
"$fs" cache stats "$cj" > "$work/stats.out" 2>&1 || bad "cache stats: exit $?"
"$fs" cache prune "$cj" --older-than 0 > "$work/prune.out" 2>&1 || bad "cache prune: exit $?"
grep -q 'cache: 1 entries that are not job directories (not the cache'"'"'s): .*/j\\x1[bB]\[31mob$' "$work/stats.out" ||
  bad "cache stats should name the odd entry, escaped: $(tail -1 "$work/stats.out")"
grep -q 'cache: left 1 entries that are not job directories (not the cache'"'"'s): .*/j\\x1[bB]\[31mob$' "$work/prune.out" ||
  bad "cache prune should name the odd entry, escaped: $(tail -1 "$work/prune.out")"
! grep -q "$(printf '\033')" "$work/stats.out" "$work/prune.out" || bad "cache stats/prune printed a raw escape"
[ -e "$odd/a.part" ] || bad "cache prune removed a file of a directory that is not the cache's"
# the tag is the cache's own: not named by stats
grep -q '^Signature: 8a477f597d28d172789f06886806bc55$' "$cj/CACHEDIR.TAG" || bad "--cache wrote no CACHEDIR.TAG"
grep -q 'CACHEDIR' "$work/stats.out" "$work/prune.out" && bad "cache stats/prune named the cache's CACHEDIR.TAG"
"$fs" --help 2>&1 | grep -q 'cache stats|prune' || bad "flowsweep --help does not show cache prune"
"$fs" dns-names --help 2>&1 | grep -A1 -e '--summary-file' | grep -q 'needs' ||
  bad "--summary-file's help does not say it needs --summary json"

# ---- 6. a cache directory inside the repository it caches ----
passed() { grep -o 'passed over [0-9]*' "$1" || true; }
for inc in no yes; do
  a=(dns-names --limit 0 --format csv --threads 1)
  [ "$inc" = no ] || a+=(--include '*')
  run_keep "$work/inrepo.$inc.plain" "$fs" "${a[@]}" "$inrepo"
  rm -rf "$inrepo/cache"
  for k in 1 2 3; do
    run_keep "$work/inrepo.$inc.$k" "$fs" "${a[@]}" --cache "$inrepo/cache" "$inrepo"
    cmp -s "$work/inrepo.$inc.plain.out" "$work/inrepo.$inc.$k.out" || bad "cache in the repository (--include: $inc), run $k: output differs"
    [ "$(cat "$work/inrepo.$inc.$k.rc")" = "$(cat "$work/inrepo.$inc.plain.rc")" ] ||
      bad "cache in the repository (--include: $inc), run $k: exit $(cat "$work/inrepo.$inc.$k.rc"), want $(cat "$work/inrepo.$inc.plain.rc"): $(grep -m2 warn "$work/inrepo.$inc.$k.err")"
    [ "$(passed "$work/inrepo.$inc.$k.err")" = "$(passed "$work/inrepo.$inc.plain.err")" ] ||
      bad "cache in the repository (--include: $inc), run $k: '$(passed "$work/inrepo.$inc.$k.err")', want '$(passed "$work/inrepo.$inc.plain.err")'"
  done
  for k in 2 3; do # the cache is there (its roll-up and memo): skipped, and said why
    grep -q "^flowsweep: warn: $inrepo/cache: skipped: cache directory (CACHEDIR.TAG)$" "$work/inrepo.$inc.$k.err" ||
      bad "cache in the repository (--include: $inc), run $k: no skip warning: $(grep -m2 warn "$work/inrepo.$inc.$k.err")"
  done
  [ "$(cache_counts "$work/inrepo.$inc.3.err")" = "3 0" ] ||
    bad "cache in the repository (--include: $inc): the third run: '$(cache_counts "$work/inrepo.$inc.3.err")', want '3 0'"
done
[ "$(cat "$work/inrepo.yes.plain.rc")" = 0 ] || bad "the set-up: the plain run with --include '*' should exit 0"
# the cache directory as the PATH: nothing walked, the reason given
run_keep "$work/cachepath" "$fs" dns-names --include '*' "$inrepo/cache"
grep -q "^flowsweep: warn: $inrepo/cache: skipped: cache directory (CACHEDIR.TAG)$" "$work/cachepath.err" &&
  grep -q 'no input files to read' "$work/cachepath.err" && [ "$(cat "$work/cachepath.rc")" != 3 ] ||
  bad "a PATH that is a cache directory: exit $(cat "$work/cachepath.rc"), $(head -3 "$work/cachepath.err")"
exit "$fail"
