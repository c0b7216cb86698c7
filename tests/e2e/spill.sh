#!/usr/bin/env bash
# spill.sh FLOWSWEEP GEN WORKDIR - group tables past --mem-limit spill to --tmp-dir (issue 16).
# On a generated repository of many distinct names (--exfil heavy):
#  1. dns-names, dns-dest, a query with distinct(sip) and min/max/sum, and dns-hunt, at
#     --limit 0, the default limit and a small one, under tiny budgets (many spill rounds:
#     every worker spills after a few batches, and the final merge's chunks fill and are
#     cut down by select() many times; dns-hunt below what one group's distinct sets
#     held whole take) at 1 and 2 threads (3 for one) print exactly
#     what the run in memory prints, exit 0, keep the tables' peak within the budget and
#     say in the JSON summary that they spilled;
#     with --cache (filled and used) under budgets smaller than one file's groups too;
#     shards that spill, then merge, print what one process prints;
#  2. the spilled dns-names and query equal tests/ref/reference.py on the
#     generator's truth;
#  3. --tmp-dir missing, not a directory, or full (a 64 KiB tmpfs, when a user namespace
#     can mount one) is one error naming the directory, exit 1, no partial answer;
#  4. no spill file is left in --tmp-dir after success, an error, SIGINT or SIGTERM.
set -euo pipefail
fs=$1 gen=$2 work=$3
ref="$(dirname "$0")/../ref/reference.py"
. "$(dirname "$0")/lib.sh"
work=$(fresh_workdir "$work")
repo=$work/repo
"$gen" --out "$repo" --seed 16 --start 2024-03-01T20 --hours 3 --files-per-hour 2 \
  --flows 30000 --exfil heavy --truth "$work/truth.fd" --labels "$work/labels.tsv" -q
tmp=$work/tmp
mkdir -p "$tmp"

json_field() { # FILE KEY -> memory.KEY of the JSON summary in FILE
  python3 -c 'import json,sys; s=json.loads(open(sys.argv[1]).read().strip().splitlines()[-1]); print((s.get("memory") or {}).get(sys.argv[2], ""))' "$1" "$2"
}
bytes_of() { case $1 in *K) echo $((${1%K} * 1024)) ;; *M) echo $((${1%M} * 1048576)) ;; esac; }
left_in_tmp() { find "$tmp" -mindepth 1 | head -3; }

# Each job with its budgets: the small ones force many rounds; dns-hunt keeps every group
# for the output, so its budget must hold the output: "x" is 1.5 times the
# tables' peak in memory plus 256 KiB (at 1 thread the share a worker fills before it
# spills, half the budget, would then hold the whole table: they run at 2 threads).
unset job # its own jobs, not lib.sh's
declare -A job budgets
job[names]="dns-names"
budgets[names]="1M"
# --limit 0 of the group-by job streams its rows from sorted runs (the table format reads
# them twice: widths, then rows); at 320K more than SPILL_FANIN (64) output runs are merged
# in a cascade first (175 runs at 2 threads). The rows' merge needs about 260K here: 256K,
# the budget until e80d0bd made fewer groups, was at that edge and then just below it
job[names0]="dns-names --limit 0"
budgets[names0]="320K"
job[dest0]="dns-dest --limit 0 --format json"
budgets[dest0]="x"
job[query0]="query --records silk --where app=53 --group-by dip --agg n=count(),b=sum(bytes),lo=min(bytes),hi=max(packets),s=distinct(sip) --limit 0 --format csv"
budgets[query0]="256K"
job[query7]="query --records silk --where app=53 --group-by dip,sip --agg n=count(),s=distinct(sport) --having n>1 --order n --limit 7 --format csv"
budgets[query7]="768K"
job[qnames]="query --group-by dns.names --agg n=count(),s=distinct(sip),d=distinct(dip) --order dns.names --limit 30 --format csv"
budgets[qnames]="1M"
job[hunt0]="dns-hunt --limit 0 --format csv" # below its tables in memory: states compacted
budgets[hunt0]="3M"
# below what merging its spilled runs held before merge_saved(): the runs' states of one
# group were loaded and their distinct sets merged whole (failed at 1.9 MiB and below); now
# the sets are counted as streams of their sorted items (1 thread: the share is then the
# budget's half, deterministic)
job[hunt_big]="dns-hunt --limit 0 --format csv"
budgets[hunt_big]="1800K"
job[hunt_src]="dns-hunt --by domain,source --limit 0 --format csv"
budgets[hunt_src]="x"

# ---- 1. spilled == in memory, many rounds, 1-3 threads ----
for name in "${!job[@]}"; do
  read -r -a args <<< "${job[$name]}"
  fsrun "$work/$name.mem" "${args[@]}" --threads 1 --summary json "$repo"
  [ "$(cat "$work/$name.mem.rc")" = 0 ] || { bad "$name: the run in memory exits $(cat "$work/$name.mem.rc"): $(head -c 300 "$work/$name.mem.err")"; continue; }
  [ "$(json_field "$work/$name.mem.err" spill_runs)" = 0 ] || bad "$name: the run in memory spilled"
  threads="1 2" # ASan runs this test too: few combinations
  [ "$name" != qnames ] || threads="3"
  [ "$name" != hunt_big ] || threads="1"
  [ "${budgets[$name]}" != x ] || threads=2
  mempeak=$(json_field "$work/$name.mem.err" tables_peak_bytes)
  for t in $threads; do
    for budget in ${budgets[$name]}; do
      # 1.5 x: at 2 threads the peak depends on which worker read which file (and on the
      # build: TSan's scheduling differs)
      [ "$budget" != x ] || budget=$(( (mempeak * 3 / 2 + 262144) / 1024 ))K
      p=$work/$name.t$t.$budget
      fsrun "$p" "${args[@]}" --threads "$t" --mem-limit "$budget" --tmp-dir "$tmp" --summary json "$repo"
      [ "$(cat "$p.rc")" = 0 ] || { bad "$name t$t $budget: exit $(cat "$p.rc"): $(head -c 300 "$p.err")"; continue; }
      cmp -s "$work/$name.mem.out" "$p.out" || { bad "$name t$t $budget: output differs from the run in memory"; diff "$work/$name.mem.out" "$p.out" | head -5; }
      runs=$(json_field "$p.err" spill_runs)
      lim=$(bytes_of "$budget")
      want=1
      [ "$lim" -ge 3145728 ] || [ "${budgets[$name]}" = x ] || want=4
      # "x" budgets hold the whole output: whether a worker spilled on the way depends on
      # which worker read which file (scheduling; TSan's differs), so it is not asserted
      [ "${budgets[$name]}" != x ] || want=0
      [ "${runs:-0}" -ge "$want" ] || bad "$name t$t $budget: '${runs}' spill runs (want $want or more)"
      peak=$(json_field "$p.err" tables_peak_bytes)
      [ "${peak:-0}" -gt 0 ] && [ "$peak" -le "$lim" ] || bad "$name t$t $budget: table peak '$peak' not within the budget $lim"
      [ -z "$(left_in_tmp)" ] || bad "$name t$t $budget: files left in --tmp-dir: $(left_in_tmp)"
    done
  done
done

# ---- 1b. --cache under a budget smaller than one file's groups: a file read into its own
# table for its partial gives up the partial once that table passes the worker's share
# (its groups go to a run); a partial bigger than the budget is not loaded (the file is
# read); the output stays the run in memory's, filling the cache and using it ----
fsrun "$work/cache.mem" dns-names --threads 1 "$repo"
for t in 1 2; do
  for budget in 512K 4M; do
    rm -rf "$work/cache"
    for pass in fill use; do
      p=$work/cache.t$t.$budget.$pass
      fsrun "$p" dns-names --threads "$t" --mem-limit "$budget" --tmp-dir "$tmp" --cache "$work/cache" "$repo"
      [ "$(cat "$p.rc")" = 0 ] || { bad "cache t$t $budget $pass: exit $(cat "$p.rc"): $(head -c 300 "$p.err")"; continue; }
      cmp -s "$work/cache.mem.out" "$p.out" || bad "cache t$t $budget $pass: output differs from the run in memory"
    done
  done
done
# a cache filled without a budget, used under a tiny one
rm -rf "$work/cache"
"$fs" dns-names -q --threads 1 --cache "$work/cache" "$repo" > /dev/null 2>&1
fsrun "$work/cache.big.use" dns-names --threads 2 --mem-limit 512K --tmp-dir "$tmp" --cache "$work/cache" "$repo"
[ "$(cat "$work/cache.big.use.rc")" = 0 ] || bad "cache filled big, used at 512K: exit $(cat "$work/cache.big.use.rc"): $(head -c 300 "$work/cache.big.use.err")"
cmp -s "$work/cache.mem.out" "$work/cache.big.use.out" || bad "cache filled big, used at 512K: output differs from the run in memory"
[ -z "$(left_in_tmp)" ] || bad "cache: files left in --tmp-dir: $(left_in_tmp)"

# ---- 1c. a shard that spills writes every group of its share, not the groups its own
# --having/--limit would print (merge finishes with its own): shards under budgets that make
# them spill (1 thread: deterministic), merged with --limit 0, print what one process prints.
# Before the fix the shards kept only their own top rows passing their --having on their
# half of the data. (A shard still holds its whole share's groups to write them, so the
# budget must hold those: the windows are narrow, 2 threads make them scheduling-dependent.)
declare -A sjob
sjob[q]="query --records silk --where app=53 --group-by dip,sip --agg n=count(),s=distinct(sport) --having n>1 --order n|1M"
sjob[hunt]="dns-hunt|3M"
for name in q hunt; do
  budget=${sjob[$name]#*|}
  read -r -a args <<< "${sjob[$name]%|*}"
  fsrun "$work/shard.$name.plain" "${args[@]}" --limit 0 --format csv --threads 1 "$repo"
  for i in 0 1; do
    p=$work/shard.$name.s$i
    fsrun "$p" "${args[@]}" --limit 7 --threads 1 --mem-limit "$budget" --tmp-dir "$tmp" --shard "$i/2" --partial-out "$p.part" "$repo"
    [ "$(cat "$p.rc")" = 0 ] || bad "shard $name $i/2 at $budget: exit $(cat "$p.rc"): $(head -c 300 "$p.err")"
  done
  fsrun "$work/shard.$name.m" merge --limit 0 --format csv "$work/shard.$name.s0.part" "$work/shard.$name.s1.part"
  cmp -s "$work/shard.$name.plain.out" "$work/shard.$name.m.out" ||
    bad "shard $name at $budget: merge differs from one process ($(wc -l < "$work/shard.$name.m.out") lines, want $(wc -l < "$work/shard.$name.plain.out"))"
done

# ---- 2. spilled == the reference on the truth ----
python3 "$ref" dns-names --limit 0 "$work/truth.fd" > "$work/names.ref" # the table format
cmp -s "$work/names.ref" "$work/names0.t2.${budgets[names0]}.out" || { bad "spilled dns-names differs from the reference"; diff "$work/names.ref" "$work/names0.t2.${budgets[names0]}.out" | head -5; }
read -r -a qargs <<< "${job[query0]}"
python3 "$ref" "${qargs[@]:0:9}" "$work/truth.fd" > "$work/query.ref" # its options before --limit
sorted_csv() { tr -d '\r' < "$1" | { IFS= read -r h; echo "$h"; LC_ALL=C sort; }; }
cmp -s <(sorted_csv "$work/query.ref") <(sorted_csv "$work"/query0.t2.*K.out) ||
  { bad "spilled query differs from the reference"; diff <(sorted_csv "$work/query.ref") <(sorted_csv "$work"/query0.t2.*K.out) | head -5; }

# ---- 3. an unusable --tmp-dir: one error naming it, exit 1 ----
check_err() { # PREFIX DIR WHAT
  local p=$1 dir=$2 what=$3
  [ "$(cat "$p.rc")" = 1 ] || bad "$what: exit $(cat "$p.rc"), want 1"
  [ ! -s "$p.out" ] || bad "$what: a partial answer was printed"
  grep -q "^flowsweep: error: .*$dir.*--tmp-dir" "$p.err" || { bad "$what: the error does not name $dir"; cat "$p.err"; }
}
fsrun "$work/nodir" dns-names --limit 0 --mem-limit 1M --tmp-dir "$work/no/such/dir" "$repo"
check_err "$work/nodir" "$work/no/such/dir" "missing --tmp-dir"
fsrun "$work/notdir" dns-names --limit 0 --mem-limit 1M --tmp-dir "$work/truth.fd" "$repo"
check_err "$work/notdir" "$work/truth.fd" "--tmp-dir a file"
if unshare -rm true 2> /dev/null; then
  # shellcheck disable=SC2016
  unshare -rm sh -c 'mount -t tmpfs -o size=64k tmpfs "$1" && exec "$2" dns-names --limit 0 --mem-limit 1M --tmp-dir "$1" "$3"' \
    sh "$tmp" "$fs" "$repo" > "$work/full.out" 2> "$work/full.err" && echo 0 > "$work/full.rc" || echo $? > "$work/full.rc"
  check_err "$work/full" "$tmp" "a full --tmp-dir"
  grep -q "No space left on device" "$work/full.err" || bad "a full --tmp-dir: the error does not say so: $(cat "$work/full.err")"
else
  echo "note: no user namespace here: the full --tmp-dir case is not checked"
fi
[ -z "$(left_in_tmp)" ] || bad "files left in --tmp-dir after the errors: $(left_in_tmp)"

# ---- 4. SIGINT / SIGTERM mid-run leave nothing behind ----
for sig in INT TERM; do
  "$fs" dns-names --limit 0 --threads 1 --mem-limit 1M --tmp-dir "$tmp" "$repo" "$repo" "$repo" \
    > /dev/null 2>&1 &
  pid=$!
  sleep 0.3
  kill -s "$sig" "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
  [ -z "$(left_in_tmp)" ] || bad "SIG$sig: files left in --tmp-dir: $(left_in_tmp)"
done

[ $fail -eq 0 ] && echo "spill: every spilled run equals the run in memory and the reference"
exit $fail
