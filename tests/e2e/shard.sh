#!/usr/bin/env bash
# shard.sh FLOWSWEEP GEN WORKDIR - shards and merge (docs/distributed.md).
# On a generated repository of 7 files, one of them truncated (exit 3, named):
#  1. for dns-names, dns-dest, query (every aggregate) and dns-hunt, and N = 1..4 and 9
#     (more shards than files), `--shard i/N --partial-out` for every i, then `merge`,
#     prints the bytes one flowsweep process prints, with its exit status and its
#     bad-file warning; merge's own --format/--limit take the place of the job's;
#     two spellings of one job (options in another order, --opt=value, a --having) are
#     one job (cli_job_identity()), and merge's own --having finishes them in either order;
#  2. merge refuses, naming the file: a missing shard, a shard given twice, a shard of
#     another job (another command, --where, aggregate or column name), finished otherwise
#     (--having, a preset's --min-bpp/--max-names, --epoch, dns-hunt's --baseline/--min-names:
#     in either order of the FILEs), that read other watchlist contents or another Public
#     Suffix List, of another plan, of another split, a truncated or altered file, a
#     file that is not a shard file.
set -euo pipefail
fs=$1 gen=$2 work=$3
. "$(dirname "$0")/lib.sh"
work=$(fresh_workdir "$work")
cd "$work"
"$gen" --out repo --seed 11 --start 2024-03-01T20 --hours 3 --files-per-hour 2 \
  --flows 12000 --exfil default -q
first=$(find repo -name '*.yaf' | sort | head -1)
cut_copy "$first" repo/2024/03/01/21/yaf-cut.yaf

warnings() { grep -v -e '^flowsweep: summary:' "$1" | sed 's/ were counted.*//' || true; }

for name in names dest query hunt; do
  read -r -a args <<< "${job[$name]}"
  fsrun "$name.plain" "${args[@]}" --threads 1 repo
  [ "$(cat "$name.plain.rc")" = 3 ] || bad "$name: the plain run should exit 3 (a bad file)"
  for n in 1 2 3 4 9; do
    parts=()
    for ((i = 0; i < n; i++)); do
      t=$((1 + i % 2))
      fsrun "$name.s$i-$n" "${args[@]}" --threads "$t" --shard "$i/$n" --partial-out "$name.$i-$n.part" repo
      [ "$(cat "$name.s$i-$n.rc")" = 0 ] || bad "$name: shard $i/$n exited $(cat "$name.s$i-$n.rc")"
      parts+=("$name.$i-$n.part")
    done
    # merge in reverse order: the order of the files does not matter
    fsrun "$name.m$n" merge --limit 0 --format csv $(printf '%s\n' "${parts[@]}" | sort -r)
    same_run "$name.plain" "$name.m$n"
  done
done
# merge's output options replace the job's
fsrun names.plainj dns-names --format json --limit 7 repo
fsrun names.mj merge --format json --limit 7 names.0-2.part names.1-2.part
same_run names.plainj names.mj
fsrun query.plaino query --records silk --where app=53 --group-by dip,proto --agg "n=count(),b=sum(bytes),lo=min(bytes),hi=max(packets),s=distinct(sip),p=distinct(sport)" --order "n asc" --limit 0 --format csv repo
fsrun query.mo merge --limit 0 --format csv --order "n asc" query.0-3.part query.1-3.part query.2-3.part
same_run query.plaino query.mo
# --partial-out alone is shard 0/1
fsrun names.whole dns-names --limit 0 --format csv --partial-out names.whole.part repo
fsrun names.mw merge --limit 0 --format csv names.whole.part
same_run names.plain names.mw

# ---- 1a. how a shard runs and prints is no part of its job: summaries, threads (abbreviated,
# bundled), --format and --limit may differ; merge prints with its own output options, whose
# defaults are the command's (not the shards')
fsrun mix.s0 dns-names --summary json --summary-file mix.0.json --shard 0/3 --partial-out mix.0.part repo
fsrun mix.s1 dns-names -qt1 --summary-file=mix.1.json --summary=json --shard 1/3 --partial-out mix.1.part repo
fsrun mix.s2 dns-names --limit 5 --format json --thread 1 --shard 2/3 --partial-out mix.2.part repo
for i in 0 1 2; do [ "$(cat mix.s$i.rc)" = 0 ] || bad "mix: shard $i/3 exited $(cat mix.s$i.rc): $(cat mix.s$i.err)"; done
fsrun mix.plain dns-names repo
fsrun mix.m merge mix.2.part mix.0.part mix.1.part
same_run mix.plain mix.m
fsrun mix.plainj dns-names --format json repo
fsrun mix.mj merge --format json mix.2.part mix.0.part mix.1.part
same_run mix.plainj mix.mj

# ---- 1b. a shard's job is the job the words make, not the words: another spelling of the
# same query (options in another order, --opt=value, a --having of its own) merges with it
fsrun spell.s0 query --records silk --where app=53 --group-by dip,proto --agg "n=count(),s=distinct(sip)" --shard 0/2 --partial-out spell.0.part repo
fsrun spell.s1 query --agg "n=count(),s=distinct(sip)" --group-by=dip,proto --where=app=53 --records=silk --having "n > 1" --shard 1/2 --partial-out spell.1.part repo
fsrun spell.plain query --records silk --where app=53 --group-by dip,proto --agg "n=count(),s=distinct(sip)" --limit 0 --format csv repo
# (shards that finish otherwise: merge's own --having decides, in either order of the FILEs)
fsrun spell.m merge --having "n > 1" --limit 0 --format csv spell.1.part spell.0.part
fsrun spell.plainh query --records silk --where app=53 --group-by dip,proto --agg "n=count(),s=distinct(sip)" --having "n > 1" --limit 0 --format csv repo
same_run spell.plainh spell.m
fsrun spell.m0 merge --having "n > 1" --limit 0 --format csv spell.0.part spell.1.part
same_run spell.plainh spell.m0

# ---- 1c. the walk's skips travel in the shard file (a directory nested too deep is a lost
# skip, as an unreadable one is): shards exit 0, merge warns as one process does and exits 3;
# merge's --summary json counts the files planned, skipped and outside the window as one process
mkdir -p walk
cp -r repo/2024 walk/
d=walk/deep
for ((k = 0; k < 130; k++)); do d=$d/d; done
mkdir -p "$d"
cp "$first" "$d/yaf-deep.yaf"
files() { grep -o '"files":{[^}]*}' "$1" || echo "no files in $1"; }
for win in "" "--start 2024-03-01T21 --end 2024-03-01T22"; do
  read -r -a w <<< "$win"
  fsrun walk.plain dns-dest --limit 0 --format csv ${w[@]+"${w[@]}"} --summary json --summary-file walk.plain.json walk
  [ "$(cat walk.plain.rc)" = 3 ] || bad "walk: the plain run should exit 3 (a lost path)"
  grep -q "deeper than 128" walk.plain.err || bad "walk: the plain run did not warn of the deep directory"
  for i in 0 1; do
    fsrun "walk.s$i" dns-dest --limit 0 --format csv ${w[@]+"${w[@]}"} --shard "$i/2" --partial-out "walk.$i.part" walk
    [ "$(cat "walk.s$i.rc")" = 0 ] || bad "walk${win:+ $win}: shard $i/2 exited $(cat "walk.s$i.rc"), want 0"
  done
  fsrun walk.m merge --limit 0 --format csv --summary json --summary-file walk.m.json walk.1.part walk.0.part
  same_run walk.plain walk.m
  [ "$(files walk.plain.json)" = "$(files walk.m.json)" ] ||
    bad "walk${win:+ $win}: merge's summary $(files walk.m.json), one process $(files walk.plain.json)"
done

# ---- 2. refusals, each naming the file ----
refuse() { # WHAT PATTERN FILE...
  local what=$1 pat=$2; shift 2
  local rc=0
  "$fs" merge "$@" > refuse.out 2> refuse.err || rc=$?
  if [ "$rc" = 0 ] || [ "$rc" = 3 ]; then bad "$what: merge exited $rc"; fi
  [ -s refuse.out ] && bad "$what: merge printed results"
  grep -q -- "$pat" refuse.err || { bad "$what: no '$pat' in: $(cat refuse.err)"; }
}
refuse "missing shard" "shard 1 of 3 is missing.*(given: names.0-3.part, names.2-3.part)" names.0-3.part names.2-3.part
refuse "twice" "names.2-3.part: shard 2 of 3 given twice" names.0-3.part names.2-3.part names.1-3.part names.2-3.part
refuse "other job" "dest.1-3.part: made by a different job" names.0-3.part dest.1-3.part names.2-3.part
fsrun spell.s2 query --records silk --where app=80 --group-by dip,proto --agg "n=count(),s=distinct(sip)" --shard 1/2 --partial-out spell.2.part repo
refuse "other where" "spell.2.part: made by a different job" spell.0.part spell.2.part
fsrun spell.s3 query --records silk --where app=53 --group-by dip,proto --agg "n=count(),s=distinct(dip)" --shard 1/2 --partial-out spell.3.part repo
refuse "other aggregate" "spell.3.part: made by a different job" spell.0.part spell.3.part
# the same aggregates under other names: merge prints the names, so they are part of the job
fsrun spell.s4 query --records silk --where app=53 --group-by dip,proto --agg "count=count(),s=distinct(sip)" --shard 1/2 --partial-out spell.4.part repo
refuse "other column name" "spell.4.part: made by a different job" spell.0.part spell.4.part
# the same groups finished otherwise (merge took the first FILE's: the answer hung on their order)
fsrun fin.s1 dns-hunt --limit 0 --format csv --baseline 2024-03-01T20..2024-03-01T21 --shard 1/2 --partial-out fin.1.part repo
refuse "other baseline" "fin.1.part: made with other finishing options" hunt.0-2.part fin.1.part
fsrun fin.s2 dns-hunt --limit 0 --format csv --min-names 5 --shard 1/2 --partial-out fin.2.part repo
refuse "other min-names" "fin.2.part: made with other finishing options" hunt.0-2.part fin.2.part
# without merge's own --having, the shards' differing --having is refused in either order
refuse "other having" "spell.1.part: made with other finishing options than spell.0.part (here: --having 'n > 1'" spell.0.part spell.1.part
refuse "other having, swapped" "spell.0.part: made with other finishing options than spell.1.part" spell.1.part spell.0.part
# a preset's finishing filters (--min-bpp, --max-names) and --epoch are not merge options
fsrun fin.s3 dns-names --limit 0 --format csv --min-bpp 200 --max-names 1 --shard 1/3 --partial-out fin.3.part repo
refuse "other min-bpp" "fin.3.part: made with other finishing options than names.0-3.part.*> 200" names.0-3.part fin.3.part names.2-3.part
refuse "other min-bpp, swapped" "names.0-3.part: made with other finishing options than fin.3.part" fin.3.part names.0-3.part names.2-3.part
fsrun fin.s4 query --records silk --where app=53 --group-by dip,proto --agg "n=count(),s=distinct(sip)" --epoch --shard 1/2 --partial-out fin.4.part repo
refuse "other epoch" "fin.4.part: made with other finishing options.*--epoch yes" spell.0.part fin.4.part
# what the job read besides the flows is part of it: a --where watchlist's contents as each
# shard read them (a feed updated between array tasks), the Public Suffix List
wlq=(query --where 'addr in @wl.txt' --group-by proto --agg 'n=count()' --limit 0 --format csv)
echo 192.168.1.1 > wl.txt
fsrun wl.s0 "${wlq[@]}" --shard 0/2 --partial-out wl.0.part repo
fsrun wl.s1 "${wlq[@]}" --shard 1/2 --partial-out wl.1.part repo
fsrun wl.plain "${wlq[@]}" repo
fsrun wl.m merge --limit 0 --format csv wl.1.part wl.0.part
same_run wl.plain wl.m
echo 1.1.1.1 > wl.txt
fsrun wl.s2 "${wlq[@]}" --shard 1/2 --partial-out wl.2.part repo
refuse "other watchlist contents" "wl.2.part: read other watchlist contents.*than wl.0.part (here: @wl.txt xxh3=[0-9a-f]*; there: @wl.txt xxh3=" wl.0.part wl.2.part
refuse "other watchlist contents, swapped" "wl.0.part: read other watchlist contents.*than wl.2.part" wl.2.part wl.0.part
printf 'com\nio\nnet\norg\n' > psl-min.dat
FLOWSWEEP_PSL_FILE=psl-min.dat fsrun psl.s1 dns-hunt --limit 0 --format csv --shard 1/2 --partial-out psl.1.part repo
refuse "other Public Suffix List" "psl.1.part: read other .*Public Suffix List than hunt.0-2.part (here: psl=" hunt.0-2.part psl.1.part
refuse "other split" "names.1-2.part: shard 1 of 2, but" names.0-3.part names.1-2.part names.2-3.part
"$fs" dns-names --limit 0 --format csv --shard 1/3 --partial-out other-plan.part repo/2024/03/01/20 repo/2024/03/01/21 2> /dev/null
refuse "other plan" "other-plan.part: planned other files" names.0-3.part other-plan.part names.2-3.part
head -c $(($(stat -c %s names.1-3.part) - 9)) names.1-3.part > cut.part
refuse "truncated" "cut.part: " names.0-3.part cut.part names.2-3.part
cp names.1-3.part flip.part
size=$(stat -c %s flip.part)
printf '\x55' | dd of=flip.part bs=1 seek=$((size / 2)) conv=notrunc 2> /dev/null
refuse "altered" "flip.part: .*checksum mismatch" names.0-3.part flip.part names.2-3.part
printf 'not a shard\n' > junk.part
refuse "junk first" "junk.part: not a flowsweep shard file" junk.part names.0-3.part
refuse "junk later" "junk.part: not a flowsweep shard file" names.0-3.part junk.part
refuse "missing file" "nosuch.part: cannot open" names.0-3.part nosuch.part
"$fs" dns-names --limit 0 --format csv --start 2024-03-01T21 --shard 1/3 --partial-out win.part repo 2> /dev/null
refuse "other window" "win.part: planned other files" names.0-3.part win.part names.2-3.part
mkdir -p cachedir
"$fs" dns-names -q --cache cachedir repo > /dev/null 2>&1 || true
cpart=$(find cachedir -name '*.part' -o -name '*.roll' | head -1)
if [ -n "$cpart" ]; then
  cp "$cpart" cache.part
  refuse "cache partial" "cache.part: .*a partial of the cache" cache.part names.0-3.part
else
  bad "no cache partial written in cachedir"
fi
# option errors
rc=0; "$fs" merge --where app=53 names.0-1.part > /dev/null 2> opt.err || rc=$?
[ "$rc" = 2 ] && grep -q "output options only" opt.err || bad "merge --where: exit $rc, $(cat opt.err)"
rc=0; "$fs" export --shard 0/2 --partial-out x.part repo > /dev/null 2> opt.err || rc=$?
[ "$rc" = 2 ] || bad "export --shard: exit $rc"
rc=0; "$fs" dns-names --shard 2/2 --partial-out x.part repo > /dev/null 2> opt.err || rc=$?
[ "$rc" = 2 ] || bad "--shard 2/2: exit $rc"
rc=0; "$fs" dns-names --shard 0/2 repo > /dev/null 2> opt.err || rc=$?
[ "$rc" = 2 ] || bad "--shard without --partial-out: exit $rc"

usage() { # WHAT PATTERN ARGS...: exit 2, the message and a --help hint
  local what=$1 pat=$2; shift 2
  local rc=0
  "$fs" "$@" > /dev/null 2> opt.err < /dev/null || rc=$?
  [ "$rc" = 2 ] && grep -q -- "$pat" opt.err || bad "$what: exit $rc, $(cat opt.err)"
}
usage "--shard twice" "--shard given twice.*(try flowsweep dns-names --help)" dns-names --shard 0/2 --shard 1/2 --partial-out y.part repo
usage "--partial-out twice" "--partial-out given twice" dns-names --shard 0/2 --partial-out a.part --partial-out b.part repo
[ -e a.part ] || [ -e b.part ] && bad "--partial-out twice wrote a file"
usage "--shard -" "standard input.*(try flowsweep dns-names --help)" dns-names --shard 0/1 --partial-out x.part -
usage "merge --format xml" "(try flowsweep merge --help)" merge --format xml names.0-1.part
"$fs" merge --help | grep -c "usage: flowsweep merge" > /dev/null || bad "merge --help"
"$fs" --help | grep -c "^  merge " > /dev/null || bad "flowsweep --help lists no merge"
"$fs" --help | grep -c "^  cache " > /dev/null || bad "flowsweep --help lists no cache"
"$fs" dns-names --help | grep -c -- "--partial-out" > /dev/null || bad "dns-names --help has no --partial-out"
rc=0; "$fs" nosuch 2> opt.err || rc=$?
grep -q "merge, cache" opt.err || bad "unknown command: $(cat opt.err)"

[ "$fail" = 0 ] && echo "shard: all passed"
exit "$fail"
