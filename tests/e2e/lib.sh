# tests/e2e/lib.sh - what the e2e scripts share. Source it once `fs` (the flowsweep
# binary) is set:  . "$(dirname "$0")/lib.sh"
# A script notes failures with `bad` and goes on; it ends with `exit "$fail"`.
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# fresh_workdir DIR: DIR emptied and made; prints its absolute path.
fresh_workdir() { rm -rf "$1" && mkdir -p "$1" && (cd "$1" && pwd); }

# cut_copy FILE OUT: OUT is FILE's first two thirds (a file cut short: exit 3, named).
cut_copy() { head -c $(($(stat -c %s "$1") * 2 / 3)) "$1" > "$2"; }

# The cache trusts a file only once its mtime and ctime are 2 s old (the racy rule,
# docs/partials.md). `touch -d` sets an mtime back but stamps the ctime now, which nothing
# can set back: a script calls aged_mark after its last such change of the set-up and
# aged_wait before the first run that must cache those files (it sleeps what is left of
# 2.1 s, so the runs in between count).
aged_mark() { aged_t0=$(date +%s%N); }
aged_wait() {
  local left=$((aged_t0 + 2100000000 - $(date +%s%N)))
  [ "$left" -le 0 ] || sleep "$((left / 1000000000)).$(printf '%09d' $((left % 1000000000)))"
}

# run_keep PREFIX COMMAND...: runs COMMAND, keeping PREFIX.out, PREFIX.err and PREFIX.rc.
run_keep() {
  local p=$1 rc=0
  shift
  "$@" > "$p.out" 2> "$p.err" || rc=$?
  echo "$rc" > "$p.rc"
}
# fsrun PREFIX ARGS...: run_keep of flowsweep ARGS.
fsrun() {
  local p=$1
  shift
  run_keep "$p" "$fs" "$@"
}

# same_run PLAIN GOT: GOT's stdout, status and warnings equal PLAIN's (run_keep prefixes);
# `warnings FILE` (the script's own) says which stderr lines must match.
same_run() {
  cmp -s "$1.out" "$2.out" || { bad "$2: output differs from $1"; diff "$1.out" "$2.out" | head -5; }
  [ "$(cat "$1.rc")" = "$(cat "$2.rc")" ] || bad "$2: exit $(cat "$2.rc"), want $(cat "$1.rc")"
  diff <(warnings "$1.err") <(warnings "$2.err") > /dev/null ||
    { bad "$2: warnings differ"; diff <(warnings "$1.err") <(warnings "$2.err") | head -5; }
}

# The four analytics as the cache, shard and MPI scripts run them (every row, CSV); the
# query holds every aggregate.
declare -A job
job[names]="dns-names --limit 0 --format csv"
job[dest]="dns-dest --limit 0 --format csv"
job[query]="query --records silk --where app=53 --group-by dip,proto --agg n=count(),b=sum(bytes),lo=min(bytes),hi=max(packets),s=distinct(sip),p=distinct(sport) --order b --limit 0 --format csv"
job[hunt]="dns-hunt --limit 0 --format csv"
