# bench.smoke (label bench): bench/run --quick end to end on small generated workloads,
# into a scratch directory, then the report must have every section and every command
# must have exited 0. It checks that the benchmark works, never how fast anything is.
# The quick workloads are cached in the build tree (bench-work/cache) between runs.
if(TARGET flowsweep-gen AND TARGET floor-read)
  set(bench_work ${CMAKE_CURRENT_BINARY_DIR}/bench-work)
  add_test(NAME bench.smoke COMMAND bash -c [=[
set -eu
src=$1 build=$2 work=$3
rm -rf "$work/out" "$work/performance.md"
mkdir -p "$work"
if ! "$src/bench/run" --quick --runs 1 --no-peers --no-profile --build "$build" \
    --cache-dir "$work/cache" --out-dir "$work/out" --report "$work/performance.md" \
    2> "$work/run.log"; then
  tail -30 "$work/run.log"
  exit 1
fi
for s in '# Performance' '**Quick run' '## Machine' '## Workloads' \
    '## Results: `day`' '## Results: `highcard`' '## Results: `small`' \
    '## Peers' '## Done-when checks' '- **(a) ' '- **(b) SKIPPED' '- **(c) ' '- **(d) ' '- **(issue 19) ' \
    '## Profile' '## Notes' '<!-- notes: kept verbatim'; do
  grep -qF -- "$s" "$work/performance.md" || { echo "report lacks: $s"; exit 1; }
done
for w in day highcard small; do
  for c in read-bytes header-walk decode-fixbuf decode-fast dns-names dns-names-fixbuf dns-dest dns-hunt report; do
    grep -qP "^$w\t[a-z]+\t$c\t" "$work/out/results.tsv" || { echo "no result: $w $c"; exit 1; }
  done
done
# flowsweep-mpi's ranks x threads rows (issue 12), when it was built
if [ -x "$build/flowsweep-mpi" ] && command -v mpirun > /dev/null; then
  for c in dns-names-1x2 dns-names-2x1; do
    grep -qP "^day\tmpi\t$c\t" "$work/out/results.tsv" || { echo "no result: day $c"; exit 1; }
  done
fi
# the day workload's gzip and zstd copies (issue 14)
for c in decompress-gzip decode-fast-gzip decompress-zstd decode-fast-zstd dns-names-gzip dns-names-zstd; do
  grep -qP "^day\t[a-z]+\t$c\t" "$work/out/results.tsv" || { echo "no result: day $c"; exit 1; }
done
awk -F'\t' 'NR > 1 && $8 != 0 {print "exit status " $8 ": " $0; bad = 1} END {exit bad}' \
  "$work/out/results.tsv"
# the report's floors (docs/report.md, bench/report_cost.sh) run, over one hour of quick-day
if [ -x "$build/bench/floor-report" ]; then
  hour=$(find "$work/cache/quick-day" -mindepth 4 -maxdepth 4 -type d | sort | sed -n 13p)
  for o in "" "--server-view --hourly"; do
    # shellcheck disable=SC2086
    l=$("$build/bench/floor-report" $o --threads 2 "$hour") || { echo "floor-report $o failed"; exit 1; }
    case $l in
      "jobs=names,dest,hunt"*" files="[1-9]*" rows="[1-9]*" seconds="*) ;;
      *) echo "floor-report $o: $l"; exit 1 ;;
    esac
  done
fi
echo "bench.smoke: ok ($work/performance.md)"
]=] _ ${PROJECT_SOURCE_DIR} ${CMAKE_BINARY_DIR} ${bench_work})
  set_tests_properties(bench.smoke PROPERTIES LABELS bench TIMEOUT 600) # compressed copies of day too
endif()
