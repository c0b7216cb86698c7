#!/usr/bin/env bash
# mpi.sh FLOWSWEEP FLOWSWEEP-MPI GEN WORKDIR - flowsweep-mpi under mpirun (docs/distributed.md).
# One script (mpirun is slow to start), run in the release pass only (label mpi):
#  1. dns-names, dns-dest, query (every aggregate) and dns-hunt: mpirun -np N for N = 1..4,
#     1 or 2 threads per rank (oversubscribed), print the bytes one flowsweep process
#     prints, with its exit status (3: a truncated file) and its bad-file warning;
#     more ranks than files; exchange rounds forced small (FLOWSWEEP_MPI_CHUNK);
#     --cache per rank, cold and warm; with --limit (ranks send rank 0 their top rows
#     only), the same rows and the same group counts in the summary;
#  2. a rank killed, or exiting without MPI_Finalize, once it has mapped its share, ends
#     the job with a non-zero status within seconds (timeout 60 s; measured < 20 s);
#     a failure on the ranks (over --mem-limit, spills cannot be written) stops every rank
#     with "rank R: ...", exit 1;
#  3. a rank that read other --where watchlist contents or another Public Suffix List than
#     rank 0 stops the job (exit 1, rank 0 says which rank); a rank that cannot start (its
#     watchlist missing) has its reason printed by rank 0, and every rank exits 2.
set -euo pipefail
fs=$1 fsmpi=$2 gen=$3 work=$4
. "$(dirname "$0")/lib.sh"
work=$(fresh_workdir "$work")
cd "$work"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
# Docker and CI hosts: no shared-memory transport surprises, no network interface guessing
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
# a rank exiting 3 (bad files) makes mpirun end the others: no 1 s grace before SIGKILL
export OMPI_MCA_odls_base_sigkill_timeout=0
mpi() { timeout 60 mpirun -np "$1" --bind-to none "${@:2}"; }
"$gen" --out repo --seed 12 --start 2024-03-01T20 --hours 3 --files-per-hour 2 \
  --flows 9000 --exfil default -q
first=$(find repo -name '*.yaf' | sort | head -1)
cut_copy "$first" repo/2024/03/01/21/yaf-cut.yaf
# old enough for the cache's racy rule (--cache below): the mtimes set back now, the ctimes
# 2 s old by then (aged_wait: the runs before it take longer)
find repo -type f -exec touch -d '-2 hours' {} +
aged_mark

warnings() { grep '^flowsweep: warn:' "$1" || true; }

for name in names dest query hunt; do
  read -r -a args <<< "${job[$name]}"
  run_keep "$name.plain" "$fs" "${args[@]}" --threads 1 repo
  [ "$(cat "$name.plain.rc")" = 3 ] || bad "$name: the plain run should exit 3 (a bad file)"
  for n in 1 2 3 4; do
    t=$((1 + n % 2))
    run_keep "$name.np$n" mpi "$n" "$fsmpi" "${args[@]}" --threads "$t" repo
    same_run "$name.plain" "$name.np$n"
  done
done
# --limit: each rank sends rank 0 only the groups that can be printed; the counts of all
# groups still reach the summary ("groups N (shown L, M more cut by --limit")
shown() { sed -n 's/.*\(groups [0-9]* (shown [^;]*\);.*/\1/p' "$1"; }
run_keep names.lim.plain "$fs" dns-names --threads 1 repo
run_keep query.lim.plain "$fs" query --records silk --where app=53 --group-by sip,dip --agg "n=count(),b=sum(bytes),s=distinct(sport)" --having "n > 1" --order "b asc" --limit 7 --format json repo
for n in 2 3; do
  run_keep "names.lim.np$n" mpi "$n" "$fsmpi" dns-names --threads 1 repo
  same_run names.lim.plain "names.lim.np$n"
  [ "$(shown names.lim.plain.err)" = "$(shown "names.lim.np$n.err")" ] && [ -n "$(shown names.lim.plain.err)" ] ||
    bad "names.lim.np$n: summary '$(shown "names.lim.np$n.err")', want '$(shown names.lim.plain.err)'"
  run_keep "query.lim.np$n" mpi "$n" "$fsmpi" query --records silk --where app=53 --group-by sip,dip --agg "n=count(),b=sum(bytes),s=distinct(sport)" --having "n > 1" --order "b asc" --limit 7 --format json --threads 2 repo
  same_run query.lim.plain "query.lim.np$n"
  [ "$(shown query.lim.plain.err)" = "$(shown "query.lim.np$n.err")" ] ||
    bad "query.lim.np$n: summary '$(shown "query.lim.np$n.err")', want '$(shown query.lim.plain.err)'"
done
# more ranks than files
run_keep small.plain "$fs" dns-names --limit 0 --format csv repo/2024/03/01/22
run_keep small.np4 mpi 4 "$fsmpi" dns-names --limit 0 --format csv --threads 1 repo/2024/03/01/22
same_run small.plain small.np4
# many exchange rounds: 4 KiB per peer per round
FLOWSWEEP_MPI_CHUNK=4096 run_keep names.chunk mpi 3 "$fsmpi" dns-names --limit 0 --format csv --threads 1 repo
same_run names.plain names.chunk
rounds=$(sed -n 's/.*(\([0-9]*\) rounds).*/\1/p' names.chunk.err)
[ "${rounds:-0}" -gt 1 ] || bad "FLOWSWEEP_MPI_CHUNK=4096: ${rounds:-no} rounds, want several"
# --cache per rank: cold then warm
aged_wait
for k in cold warm; do
  run_keep "names.cache$k" mpi 2 "$fsmpi" dns-names --limit 0 --format csv --threads 1 --cache cache repo
  same_run names.plain "names.cache$k"
done
# every rank's files counted: as many from partials (warm) or read (cold) as the run's files
# (a cold rank writes one roll-up of its files, docs/partials.md)
nf=$(sed -n 's/.*summary: files \([0-9]*\) .*/\1/p' names.cachewarm.err)
grep -q "cache: $nf files from partials, 0 read" names.cachewarm.err || bad "warm --cache run of $nf files: $(grep cache: names.cachewarm.err)"
grep -q "cache: 0 files from partials, $nf read," names.cachecold.err || bad "cold --cache run of $nf files: $(grep cache: names.cachecold.err)"

# ---- 2. failures end the job, never a hang ----
for how in kill exit; do
  t0=$(date +%s)
  rc=0
  FLOWSWEEP_DIST_FAULT="1:$how" mpi 2 "$fsmpi" dns-names --threads 1 repo > "fault.$how.out" 2> "fault.$how.err" || rc=$?
  el=$(($(date +%s) - t0))
  [ "$rc" != 0 ] || bad "rank 1 $how: exit 0"
  [ "$rc" != 124 ] || bad "rank 1 $how: the job hung (timeout)"
  [ "$el" -lt 20 ] || bad "rank 1 $how: took $el s"
  [ -s "fault.$how.out" ] && bad "rank 1 $how: results printed"
  grep -q -i 'rank 1\|signal 9\|killed\|without calling "finalize"\|exited' "fault.$how.err" || bad "rank 1 $how: no clear error: $(cat "fault.$how.err")"
done
# a failure on the ranks (the tables pass --mem-limit and cannot spill to --tmp-dir)
rc=0
mpi 3 "$fsmpi" dns-names --threads 1 --mem-limit 64K --tmp-dir "$work/no-such-dir" repo > mem.out 2> mem.err || rc=$?
[ "$rc" = 1 ] || bad "--mem-limit: exit $rc, want 1"
grep -q '^flowsweep: error: rank [0-9]: cannot create a spill file' mem.err || bad "--mem-limit: $(cat mem.err)"
[ -s mem.out ] && bad "--mem-limit: results printed"
# a usage error (every rank parses the same argv): said once, by rank 0; exit 2
for args in "--limit x" "--start 2024-03-01T20+02:00"; do
  rc=0
  mpi 2 "$fsmpi" dns-names $args repo > usage.out 2> usage.err || rc=$?
  [ "$rc" = 2 ] || bad "usage error ($args): exit $rc, want 2"
  [ "$(grep -c '^flowsweep: error:' usage.err)" = 1 ] || bad "usage error ($args) not said once: $(cat usage.err)"
done
# a bad FLOWSWEEP_MPI_CHUNK (read as the command line's numbers are): a usage error, said once
rc=0
FLOWSWEEP_MPI_CHUNK=' 5' mpi 2 "$fsmpi" dns-names repo > usage.out 2> usage.err || rc=$?
[ "$rc" = 2 ] || bad "FLOWSWEEP_MPI_CHUNK=' 5': exit $rc, want 2"
[ "$(grep -c "^flowsweep: error: FLOWSWEEP_MPI_CHUNK=' 5'" usage.err)" = 1 ] || bad "FLOWSWEEP_MPI_CHUNK=' 5' not said once: $(cat usage.err)"
# --help and --version likewise: printed once, by rank 0; exit 0
for args in "dns-names --help" "--version"; do
  rc=0
  mpi 2 "$fsmpi" $args > help.out 2> help.err || rc=$?
  [ "$rc" = 0 ] || bad "$args: exit $rc, want 0"
  [ "$(grep -c '^usage: flowsweep\|^flowsweep [0-9]' help.out)" = 1 ] || bad "$args not printed once: $(head -c 300 help.out)"
done

# ---- 3. ranks that read other inputs, or cannot start: rank 0 says why, one exit status ----
# each rank in its own directory (its own host): wl.txt and the Public Suffix List per rank
mkdir -p rank0 rank1
cat > wrap.sh << EOS
#!/bin/bash
cd "$work/rank\$OMPI_COMM_WORLD_RANK" || exit 9
[ -f psl.dat ] && export FLOWSWEEP_PSL_FILE=psl.dat
exec "$fsmpi" "\$@"
EOS
chmod +x wrap.sh
wl=(query --where 'addr in @wl.txt' --group-by proto --threads 1 "$work/repo/2024/03/01/22")
echo 192.168.1.1 > rank0/wl.txt
echo 1.1.1.1 > rank1/wl.txt # the feed updated on one host only
for k in 1 2; do # the status is the same whichever rank ends first
  rc=0; mpi 2 ./wrap.sh "${wl[@]}" > wl.out 2> wl.err || rc=$?
  [ "$rc" = 1 ] || bad "other watchlist contents on rank 1: exit $rc, want 1"
  grep -q '^flowsweep: error: rank 1 read other watchlist contents.*(rank 0 read: @wl.txt xxh3=' wl.err || bad "other watchlist contents: $(cat wl.err)"
  [ -s wl.out ] && bad "other watchlist contents: results printed"
done
rm rank1/wl.txt # missing on rank 1's host: rank 1 cannot start; rank 0 prints rank 1's reason
for k in 1 2; do
  rc=0; mpi 2 ./wrap.sh "${wl[@]}" > wl.out 2> wl.err || rc=$?
  [ "$rc" = 2 ] || bad "watchlist missing on rank 1: exit $rc, want 2 (rank 1's usage error)"
  grep -q '^flowsweep: error: rank 1 could not start the job: watchlist wl.txt: No such file' wl.err || bad "watchlist missing on rank 1: $(cat wl.err)"
done
# a fatal error on rank 1 alone (its PATH missing on its host): rank 0 says what and which rank
ln -s "$work/repo/2024/03/01/22" rank0/hour
rc=0; mpi 2 ./wrap.sh query --group-by proto --threads 1 hour > path.out 2> path.err || rc=$?
[ "$rc" = 1 ] || bad "PATH missing on rank 1: exit $rc, want 1"
grep -q '^flowsweep: error: rank 1 could not start the job: hour: No such file or directory' path.err || bad "PATH missing on rank 1: $(cat path.err)"
[ -s path.out ] && bad "PATH missing on rank 1: results printed"
rm rank0/hour
# missing on every rank: said once (by rank 0), not once per rank
rc=0; mpi 2 ./wrap.sh query --group-by proto --threads 1 hour > path.out 2> path.err || rc=$?
[ "$rc" = 1 ] || bad "PATH missing on every rank: exit $rc, want 1"
[ "$(grep -c '^flowsweep: error: hour: No such file or directory' path.err)" = 1 ] ||
  bad "PATH missing on every rank: not said exactly once: $(cat path.err)"
printf 'com\nio\nnet\norg\n' > rank1/psl.dat
rc=0; mpi 2 ./wrap.sh dns-hunt --threads 1 "$work/repo/2024/03/01/22" > psl.out 2> psl.err || rc=$?
[ "$rc" = 1 ] || bad "another Public Suffix List on rank 1: exit $rc, want 1"
grep -q '^flowsweep: error: rank 1 read other .*Public Suffix List than rank 0 (rank 0 read: psl=' psl.err || bad "another Public Suffix List: $(cat psl.err)"

[ "$fail" = 0 ] && echo "mpi: all passed"
exit "$fail"
