# CMake generated Testfile for 
# Source directory: /work/wt-query/tests
# Build directory: /work/wt-query/build2/tests
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test([=[bench.smoke]=] "bash" "-c" "set -eu
src=\$1 build=\$2 work=\$3
rm -rf \"\$work/out\" \"\$work/performance.md\"
mkdir -p \"\$work\"
if ! \"\$src/bench/run\" --quick --runs 1 --no-peers --no-profile --build \"\$build\" \\
    --cache-dir \"\$work/cache\" --out-dir \"\$work/out\" --report \"\$work/performance.md\" \\
    2> \"\$work/run.log\"; then
  tail -30 \"\$work/run.log\"
  exit 1
fi
for s in '# Performance' '**Quick run' '## Machine' '## Workloads' \\
    '## Results: `day`' '## Results: `highcard`' '## Results: `small`' \\
    '## Peers' '## Done-when checks' '- **(a) ' '- **(b) SKIPPED' '- **(c) ' '- **(d) ' '- **(issue 19) ' \\
    '## Profile' '## Notes' '<!-- notes: kept verbatim'; do
  grep -qF -- \"\$s\" \"\$work/performance.md\" || { echo \"report lacks: \$s\"; exit 1; }
done
for w in day highcard small; do
  for c in read-bytes header-walk decode-fixbuf decode-fast dns-names dns-names-fixbuf dns-dest dns-hunt report; do
    grep -qP \"^\$w\\t[a-z]+\\t\$c\\t\" \"\$work/out/results.tsv\" || { echo \"no result: \$w \$c\"; exit 1; }
  done
done
# flowsweep-mpi's ranks x threads rows (issue 12), when it was built
if [ -x \"\$build/flowsweep-mpi\" ] && command -v mpirun > /dev/null; then
  for c in dns-names-1x2 dns-names-2x1; do
    grep -qP \"^day\\tmpi\\t\$c\\t\" \"\$work/out/results.tsv\" || { echo \"no result: day \$c\"; exit 1; }
  done
fi
# the day workload's gzip and zstd copies (issue 14)
for c in decompress-gzip decode-fast-gzip decompress-zstd decode-fast-zstd dns-names-gzip dns-names-zstd; do
  grep -qP \"^day\\t[a-z]+\\t\$c\\t\" \"\$work/out/results.tsv\" || { echo \"no result: day \$c\"; exit 1; }
done
awk -F'\\t' 'NR > 1 && \$8 != 0 {print \"exit status \" \$8 \": \" \$0; bad = 1} END {exit bad}' \\
  \"\$work/out/results.tsv\"
echo \"bench.smoke: ok (\$work/performance.md)\"
" "_" "/work/wt-query" "/work/wt-query/build2" "/work/wt-query/build2/tests/bench-work")
set_tests_properties([=[bench.smoke]=] PROPERTIES  LABELS "bench" TIMEOUT "600" _BACKTRACE_TRIPLES "/work/wt-query/tests/bench.cmake;7;add_test;/work/wt-query/tests/bench.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.partial]=] "/work/wt-query/build2/tests/test_partial")
set_tests_properties([=[unit.partial]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/CMakeLists.txt;12;add_test;/work/wt-query/tests/cache.cmake;2;flowsweep_unit_test;/work/wt-query/tests/cache.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[fuzz.partial]=] "/work/wt-query/build2/tests/fuzz_partial" "/work/wt-query/tests/fuzz/corpus/partial")
set_tests_properties([=[fuzz.partial]=] PROPERTIES  LABELS "fuzz" _BACKTRACE_TRIPLES "/work/wt-query/tests/CMakeLists.txt;29;add_test;/work/wt-query/tests/cache.cmake;3;flowsweep_fuzz_target;/work/wt-query/tests/cache.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.cache]=] "/work/wt-query/build2/tests/test_cache")
set_tests_properties([=[unit.cache]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/CMakeLists.txt;12;add_test;/work/wt-query/tests/cache.cmake;4;flowsweep_unit_test;/work/wt-query/tests/cache.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[e2e.cache]=] "/work/wt-query/tests/e2e/cache.sh" "/work/wt-query/build2/flowsweep" "/work/wt-query/build2/flowsweep-gen" "/work/wt-query/build2/tests/e2e-work/cache")
set_tests_properties([=[e2e.cache]=] PROPERTIES  LABELS "e2e" _BACKTRACE_TRIPLES "/work/wt-query/tests/cache.cmake;6;add_test;/work/wt-query/tests/cache.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[e2e.spill]=] "/work/wt-query/tests/e2e/spill.sh" "/work/wt-query/build2/flowsweep" "/work/wt-query/build2/flowsweep-gen" "/work/wt-query/build2/tests/e2e-work/spill")
set_tests_properties([=[e2e.spill]=] PROPERTIES  LABELS "e2e" _BACKTRACE_TRIPLES "/work/wt-query/tests/cache.cmake;14;add_test;/work/wt-query/tests/cache.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.common]=] "/work/wt-query/build2/tests/test_common")
set_tests_properties([=[unit.common]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/CMakeLists.txt;12;add_test;/work/wt-query/tests/common.cmake;1;flowsweep_unit_test;/work/wt-query/tests/common.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.corrupt_matrix]=] "/root/.pyenv/shims/python3" "/work/wt-query/tests/corrupt/matrix.py" "--gen" "/work/wt-query/build2/flowsweep-gen" "--flowdump" "/work/wt-query/build2/tests/flowdump" "--flowsweep" "/work/wt-query/build2/flowsweep")
set_tests_properties([=[unit.corrupt_matrix]=] PROPERTIES  ENVIRONMENT "G_SLICE=always-malloc" LABELS "unit" SKIP_RETURN_CODE "77" TIMEOUT "300" _BACKTRACE_TRIPLES "/work/wt-query/tests/corrupt.cmake;10;add_test;/work/wt-query/tests/corrupt.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.corrupt_hostile]=] "/root/.pyenv/shims/python3" "/work/wt-query/tests/corrupt/hostile.py" "--gen" "/work/wt-query/build2/flowsweep-gen" "--flowdump" "/work/wt-query/build2/tests/flowdump" "--flowsweep" "/work/wt-query/build2/flowsweep")
set_tests_properties([=[unit.corrupt_hostile]=] PROPERTIES  ENVIRONMENT "G_SLICE=always-malloc" LABELS "unit" TIMEOUT "300" _BACKTRACE_TRIPLES "/work/wt-query/tests/corrupt.cmake;23;add_test;/work/wt-query/tests/corrupt.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[e2e.shard]=] "/work/wt-query/tests/e2e/shard.sh" "/work/wt-query/build2/flowsweep" "/work/wt-query/build2/flowsweep-gen" "/work/wt-query/build2/tests/e2e-work/shard")
set_tests_properties([=[e2e.shard]=] PROPERTIES  LABELS "e2e" TIMEOUT "120" _BACKTRACE_TRIPLES "/work/wt-query/tests/dist.cmake;3;add_test;/work/wt-query/tests/dist.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[mpi.ranks]=] "/work/wt-query/tests/e2e/mpi.sh" "/work/wt-query/build2/flowsweep" "/work/wt-query/build2/flowsweep-mpi" "/work/wt-query/build2/flowsweep-gen" "/work/wt-query/build2/tests/e2e-work/mpi")
set_tests_properties([=[mpi.ranks]=] PROPERTIES  LABELS "mpi" TIMEOUT "300" _BACKTRACE_TRIPLES "/work/wt-query/tests/dist.cmake;14;add_test;/work/wt-query/tests/dist.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.shard]=] "/work/wt-query/build2/tests/test_shard")
set_tests_properties([=[unit.shard]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/CMakeLists.txt;12;add_test;/work/wt-query/tests/dist.cmake;21;flowsweep_unit_test;/work/wt-query/tests/dist.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[e2e.presets_vs_reference.yaf2]=] "/work/wt-query/tests/e2e/presets_vs_reference.sh" "/work/wt-query/build2/flowsweep" "/work/wt-query/build2/flowsweep-gen" "/work/wt-query/build2/tests/e2e-work/presets-yaf2" "2")
set_tests_properties([=[e2e.presets_vs_reference.yaf2]=] PROPERTIES  LABELS "e2e" _BACKTRACE_TRIPLES "/work/wt-query/tests/e2e.cmake;6;add_test;/work/wt-query/tests/e2e.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[e2e.presets_vs_reference.yaf3]=] "/work/wt-query/tests/e2e/presets_vs_reference.sh" "/work/wt-query/build2/flowsweep" "/work/wt-query/build2/flowsweep-gen" "/work/wt-query/build2/tests/e2e-work/presets-yaf3" "3")
set_tests_properties([=[e2e.presets_vs_reference.yaf3]=] PROPERTIES  LABELS "e2e" _BACKTRACE_TRIPLES "/work/wt-query/tests/e2e.cmake;6;add_test;/work/wt-query/tests/e2e.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[e2e.dns_predicates]=] "/work/wt-query/tests/e2e/dns_predicates.sh" "/work/wt-query/build2/flowsweep" "/work/wt-query/build2/flowsweep-gen" "/work/wt-query/build2/tests/e2e-work/dns-predicates")
set_tests_properties([=[e2e.dns_predicates]=] PROPERTIES  LABELS "e2e" _BACKTRACE_TRIPLES "/work/wt-query/tests/e2e.cmake;12;add_test;/work/wt-query/tests/e2e.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[e2e.hunt_generated]=] "python3" "/work/wt-query/tests/e2e/hunt_generated.py" "/work/wt-query/build2/flowsweep" "/work/wt-query/build2/flowsweep-gen" "/work/wt-query/build2/tests/e2e-work/hunt-generated")
set_tests_properties([=[e2e.hunt_generated]=] PROPERTIES  LABELS "e2e" _BACKTRACE_TRIPLES "/work/wt-query/tests/e2e.cmake;17;add_test;/work/wt-query/tests/e2e.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[e2e.hunt_columns]=] "python3" "/work/wt-query/tests/e2e/hunt_columns.py" "/work/wt-query/build2/flowsweep" "/work/wt-query/build2/flowsweep-gen" "/work/wt-query/build2/tests/e2e-work/hunt-columns")
set_tests_properties([=[e2e.hunt_columns]=] PROPERTIES  LABELS "e2e" _BACKTRACE_TRIPLES "/work/wt-query/tests/e2e.cmake;22;add_test;/work/wt-query/tests/e2e.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[e2e.cli_errors]=] "/work/wt-query/tests/e2e/cli_errors.sh" "/work/wt-query/build2/flowsweep" "/work/wt-query/build2/flowsweep-gen" "/work/wt-query/build2/tests/e2e-work/cli-errors")
set_tests_properties([=[e2e.cli_errors]=] PROPERTIES  LABELS "e2e" _BACKTRACE_TRIPLES "/work/wt-query/tests/e2e.cmake;27;add_test;/work/wt-query/tests/e2e.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[e2e.export_bounded]=] "/work/wt-query/tests/e2e/export_bounded.sh" "/work/wt-query/build2/flowsweep" "/work/wt-query/build2/flowsweep-gen" "/work/wt-query/build2/tests/e2e-work/export-bounded")
set_tests_properties([=[e2e.export_bounded]=] PROPERTIES  LABELS "e2e" _BACKTRACE_TRIPLES "/work/wt-query/tests/e2e.cmake;32;add_test;/work/wt-query/tests/e2e.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[e2e.cli_analyst]=] "python3" "/work/wt-query/tests/e2e/cli_analyst.py" "/work/wt-query/build2/flowsweep" "/work/wt-query/build2/flowsweep-gen" "/work/wt-query/build2/tests/e2e-work/cli-analyst")
set_tests_properties([=[e2e.cli_analyst]=] PROPERTIES  LABELS "e2e" _BACKTRACE_TRIPLES "/work/wt-query/tests/e2e.cmake;39;add_test;/work/wt-query/tests/e2e.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[e2e.silk_reference_real]=] "python3" "/work/wt-query/tests/e2e/silk_reference_real.py" "/work/wt-query/build2/flowsweep" "/work/wt-query/../shared/data/real")
set_tests_properties([=[e2e.silk_reference_real]=] PROPERTIES  LABELS "e2e;real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/e2e.cmake;46;add_test;/work/wt-query/tests/e2e.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[e2e.real_vs_ipfixdump_reference]=] "/work/wt-query/tests/e2e/real_vs_reference.sh" "/work/wt-query/build2/flowsweep" "/work/wt-query/../shared/data/real" "/work/wt-query/build2/tests/e2e-work/real")
set_tests_properties([=[e2e.real_vs_ipfixdump_reference]=] PROPERTIES  LABELS "e2e;real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/e2e.cmake;51;add_test;/work/wt-query/tests/e2e.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[e2e.hunt_real]=] "python3" "/work/wt-query/tests/e2e/hunt_real.py" "/work/wt-query/build2/flowsweep" "/work/wt-query/../shared/data/real" "/work/wt-query/build2/tests/e2e-work/hunt-real")
set_tests_properties([=[e2e.hunt_real]=] PROPERTIES  LABELS "e2e;real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/e2e.cmake;57;add_test;/work/wt-query/tests/e2e.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[e2e.query_vs_reference]=] "/work/wt-query/tests/e2e/query_vs_reference.sh" "/work/wt-query/build2/flowsweep" "/work/wt-query/build2/flowsweep-gen" "/work/wt-query/build2/tests/e2e-work/query-gen" "gen")
set_tests_properties([=[e2e.query_vs_reference]=] PROPERTIES  LABELS "e2e" _BACKTRACE_TRIPLES "/work/wt-query/tests/e2e.cmake;65;add_test;/work/wt-query/tests/e2e.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[e2e.query_vs_reference_real]=] "/work/wt-query/tests/e2e/query_vs_reference.sh" "/work/wt-query/build2/flowsweep" "/work/wt-query/../shared/data/real" "/work/wt-query/build2/tests/e2e-work/query-real" "real")
set_tests_properties([=[e2e.query_vs_reference_real]=] PROPERTIES  LABELS "e2e;real" SKIP_RETURN_CODE "77" TIMEOUT "900" _BACKTRACE_TRIPLES "/work/wt-query/tests/e2e.cmake;71;add_test;/work/wt-query/tests/e2e.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[e2e.wide_counts]=] "python3" "/work/wt-query/tests/e2e/wide_counts.py" "/work/wt-query/build2/flowsweep" "/work/wt-query/build2/tests/e2e-work/wide-counts")
set_tests_properties([=[e2e.wide_counts]=] PROPERTIES  LABELS "e2e" _BACKTRACE_TRIPLES "/work/wt-query/tests/e2e.cmake;79;add_test;/work/wt-query/tests/e2e.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.out]=] "/work/wt-query/build2/tests/test_out")
set_tests_properties([=[unit.out]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/CMakeLists.txt;12;add_test;/work/wt-query/tests/exec.cmake;1;flowsweep_unit_test;/work/wt-query/tests/exec.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.out_json_parses]=] "sh" "-c" "/work/wt-query/build2/tests/test_out --print-json | python3 -c 'import json,sys; rows=[json.loads(l) for l in sys.stdin]; assert rows[0][\"dnsName\"][0] == chr(92)+\"x1B[31mred\"+chr(92)+\"x00\"+chr(92)+\"x0A,\", rows'")
set_tests_properties([=[unit.out_json_parses]=] PROPERTIES  LABELS "unit" _BACKTRACE_TRIPLES "/work/wt-query/tests/exec.cmake;3;add_test;/work/wt-query/tests/exec.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.exec]=] "/work/wt-query/build2/tests/test_exec")
set_tests_properties([=[unit.exec]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/CMakeLists.txt;12;add_test;/work/wt-query/tests/exec.cmake;6;flowsweep_unit_test;/work/wt-query/tests/exec.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[fuzz.query]=] "/work/wt-query/build2/tests/fuzz_query" "/work/wt-query/tests/fuzz/corpus/query")
set_tests_properties([=[fuzz.query]=] PROPERTIES  LABELS "fuzz" _BACKTRACE_TRIPLES "/work/wt-query/tests/CMakeLists.txt;29;add_test;/work/wt-query/tests/exec.cmake;7;flowsweep_fuzz_target;/work/wt-query/tests/exec.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.merge_sort]=] "/work/wt-query/build2/tests/test_merge_sort")
set_tests_properties([=[unit.merge_sort]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/CMakeLists.txt;12;add_test;/work/wt-query/tests/exec.cmake;8;flowsweep_unit_test;/work/wt-query/tests/exec.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.domain]=] "/work/wt-query/build2/tests/test_domain")
set_tests_properties([=[unit.domain]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/CMakeLists.txt;12;add_test;/work/wt-query/tests/exec.cmake;9;flowsweep_unit_test;/work/wt-query/tests/exec.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.ops]=] "/work/wt-query/build2/tests/test_ops")
set_tests_properties([=[unit.ops]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/CMakeLists.txt;12;add_test;/work/wt-query/tests/exec.cmake;11;flowsweep_unit_test;/work/wt-query/tests/exec.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.rows]=] "/work/wt-query/build2/tests/test_rows")
set_tests_properties([=[unit.rows]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/CMakeLists.txt;12;add_test;/work/wt-query/tests/exec.cmake;13;flowsweep_unit_test;/work/wt-query/tests/exec.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.partitions]=] "/work/wt-query/build2/tests/test_partitions")
set_tests_properties([=[unit.partitions]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/CMakeLists.txt;12;add_test;/work/wt-query/tests/partitions.cmake;2;flowsweep_unit_test;/work/wt-query/tests/partitions.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.part_name]=] "/work/wt-query/build2/tests/test_part_name")
set_tests_properties([=[unit.part_name]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/CMakeLists.txt;12;add_test;/work/wt-query/tests/partitions.cmake;3;flowsweep_unit_test;/work/wt-query/tests/partitions.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[fuzz.partitions_path]=] "/work/wt-query/build2/tests/fuzz_partitions_path" "/work/wt-query/tests/fuzz/corpus/partitions_path")
set_tests_properties([=[fuzz.partitions_path]=] PROPERTIES  LABELS "fuzz" _BACKTRACE_TRIPLES "/work/wt-query/tests/CMakeLists.txt;29;add_test;/work/wt-query/tests/partitions.cmake;4;flowsweep_fuzz_target;/work/wt-query/tests/partitions.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[peer.duckdb_matches]=] "/work/wt-query/bench/peers/duckdb/selftest" "/work/wt-query/build2/flowsweep" "/work/wt-query/build2/flowsweep-gen" "/work/wt-query/build2/tests/peer-work/duckdb" "/work/wt-query/tests/data")
set_tests_properties([=[peer.duckdb_matches]=] PROPERTIES  LABELS "peer" SKIP_RETURN_CODE "77" TIMEOUT "600" _BACKTRACE_TRIPLES "/work/wt-query/tests/peers.cmake;11;add_test;/work/wt-query/tests/peers.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[peer.mothra_compare]=] "python3" "/work/wt-query/bench/mothra/selftest.py" "/work/wt-query/build2/flowsweep" "/work/wt-query/tests/data" "/work/wt-query/build2/tests/peer-work/mothra")
set_tests_properties([=[peer.mothra_compare]=] PROPERTIES  LABELS "peer" _BACKTRACE_TRIPLES "/work/wt-query/tests/peers.cmake;19;add_test;/work/wt-query/tests/peers.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.post_tables]=] "/work/wt-query/build2/tests/test_post_tables" "/work/wt-query/tests/post" "/work/wt-query/../shared/docs/the-post.md")
set_tests_properties([=[unit.post_tables]=] PROPERTIES  LABELS "unit" _BACKTRACE_TRIPLES "/work/wt-query/tests/post.cmake;7;add_test;/work/wt-query/tests/post.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.read_layouts]=] "/work/wt-query/build2/tests/test_read_layouts")
set_tests_properties([=[unit.read_layouts]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/CMakeLists.txt;12;add_test;/work/wt-query/tests/read.cmake;14;flowsweep_unit_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.read_data.benign-ndpi-android.yaf-pkt]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/tests/data/benign-ndpi-android.yaf-pkt.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[unit.read_data.benign-ndpi-android.yaf-pkt]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;73;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.read_data.benign-ndpi-android.yaf]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/tests/data/benign-ndpi-android.yaf.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[unit.read_data.benign-ndpi-android.yaf]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;73;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.read_data.benign-ndpi-iphone.yaf-pkt]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/tests/data/benign-ndpi-iphone.yaf-pkt.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[unit.read_data.benign-ndpi-iphone.yaf-pkt]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;73;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.read_data.benign-ndpi-iphone.yaf]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/tests/data/benign-ndpi-iphone.yaf.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[unit.read_data.benign-ndpi-iphone.yaf]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;73;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.read_data.dnscat2-bsidessf2017.yaf-pkt]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/tests/data/dnscat2-bsidessf2017.yaf-pkt.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[unit.read_data.dnscat2-bsidessf2017.yaf-pkt]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;73;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.read_data.dnscat2-bsidessf2017.yaf]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/tests/data/dnscat2-bsidessf2017.yaf.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[unit.read_data.dnscat2-bsidessf2017.yaf]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;73;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.read_data.dnscat2-ndpi.yaf-pkt]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/tests/data/dnscat2-ndpi.yaf-pkt.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[unit.read_data.dnscat2-ndpi.yaf-pkt]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;73;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.read_data.dnscat2-ndpi.yaf]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/tests/data/dnscat2-ndpi.yaf.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[unit.read_data.dnscat2-ndpi.yaf]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;73;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.read_data.iodine-elastic.yaf-pkt]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/tests/data/iodine-elastic.yaf-pkt.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[unit.read_data.iodine-elastic.yaf-pkt]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;73;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.read_data.iodine-elastic.yaf]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/tests/data/iodine-elastic.yaf.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[unit.read_data.iodine-elastic.yaf]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;73;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.benign-graphtunnel-normal00000.yaf-pkt]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/benign-graphtunnel-normal00000.yaf-pkt.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[real.benign-graphtunnel-normal00000.yaf-pkt]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.benign-graphtunnel-normal00000.yaf]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/benign-graphtunnel-normal00000.yaf.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[real.benign-graphtunnel-normal00000.yaf]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.benign-graphtunnel-normal00067.yaf-pkt]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/benign-graphtunnel-normal00067.yaf-pkt.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[real.benign-graphtunnel-normal00067.yaf-pkt]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.benign-graphtunnel-normal00067.yaf]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/benign-graphtunnel-normal00067.yaf.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[real.benign-graphtunnel-normal00067.yaf]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.benign-ndpi-android.yaf-pkt]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/benign-ndpi-android.yaf-pkt.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[real.benign-ndpi-android.yaf-pkt]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.benign-ndpi-android.yaf]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/benign-ndpi-android.yaf.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[real.benign-ndpi-android.yaf]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.benign-ndpi-iphone.yaf-pkt]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/benign-ndpi-iphone.yaf-pkt.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[real.benign-ndpi-iphone.yaf-pkt]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.benign-ndpi-iphone.yaf]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/benign-ndpi-iphone.yaf.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[real.benign-ndpi-iphone.yaf]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.dns2tcp-graphtunnel.yaf-pkt]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/dns2tcp-graphtunnel.yaf-pkt.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[real.dns2tcp-graphtunnel.yaf-pkt]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.dns2tcp-graphtunnel.yaf]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/dns2tcp-graphtunnel.yaf.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[real.dns2tcp-graphtunnel.yaf]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.dnscat2-bsidessf2017.yaf-pkt]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/dnscat2-bsidessf2017.yaf-pkt.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[real.dnscat2-bsidessf2017.yaf-pkt]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.dnscat2-bsidessf2017.yaf]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/dnscat2-bsidessf2017.yaf.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[real.dnscat2-bsidessf2017.yaf]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.dnscat2-ndpi.yaf-pkt]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/dnscat2-ndpi.yaf-pkt.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[real.dnscat2-ndpi.yaf-pkt]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.dnscat2-ndpi.yaf]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/dnscat2-ndpi.yaf.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[real.dnscat2-ndpi.yaf]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.dnscat2-txt-graphtunnel.yaf-pkt]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/dnscat2-txt-graphtunnel.yaf-pkt.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[real.dnscat2-txt-graphtunnel.yaf-pkt]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.dnscat2-txt-graphtunnel.yaf]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/dnscat2-txt-graphtunnel.yaf.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[real.dnscat2-txt-graphtunnel.yaf]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.dnsexfiltrator-dmachard.yaf-pkt]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/dnsexfiltrator-dmachard.yaf-pkt.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[real.dnsexfiltrator-dmachard.yaf-pkt]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.dnsexfiltrator-dmachard.yaf]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/dnsexfiltrator-dmachard.yaf.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[real.dnsexfiltrator-dmachard.yaf]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.foreign-cesnet-example_flows]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/foreign-cesnet-example_flows.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "nodns")
set_tests_properties([=[real.foreign-cesnet-example_flows]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.iodine-android-mx-graphtunnel.yaf-pkt]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/iodine-android-mx-graphtunnel.yaf-pkt.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[real.iodine-android-mx-graphtunnel.yaf-pkt]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.iodine-android-mx-graphtunnel.yaf]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/iodine-android-mx-graphtunnel.yaf.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[real.iodine-android-mx-graphtunnel.yaf]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.iodine-cname-graphtunnel.yaf-pkt]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/iodine-cname-graphtunnel.yaf-pkt.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[real.iodine-cname-graphtunnel.yaf-pkt]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.iodine-cname-graphtunnel.yaf]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/iodine-cname-graphtunnel.yaf.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[real.iodine-cname-graphtunnel.yaf]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.iodine-elastic.yaf-pkt]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/iodine-elastic.yaf-pkt.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[real.iodine-elastic.yaf-pkt]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.iodine-elastic.yaf]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/iodine-elastic.yaf.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[real.iodine-elastic.yaf]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.sods-dmachard.yaf-pkt]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/sods-dmachard.yaf-pkt.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[real.sods-dmachard.yaf-pkt]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[real.sods-dmachard.yaf]=] "sh" "-c" "f=\$1 fd=\$2 conv=\$3 ipd=\$4 py=\$5 mode=\$6
[ -r \"\$f\" ] || { echo \"skip: \$f is missing\"; exit 77; }
command -v \"\$ipd\" >/dev/null 2>&1 || { echo \"skip: ipfixDump is not installed\"; exit 77; }
command -v \"\$py\" >/dev/null 2>&1 || { echo \"skip: python3 is not installed\"; exit 77; }
t=\$(mktemp -d) || exit 1
trap 'rm -rf \"\$t\"' EXIT
TZ=UTC \"\$ipd\" --yaf --data --in \"\$f\" >\"\$t/dump\" 2>/dev/null || { echo \"FAIL: ipfixDump\"; exit 1; }
\"\$py\" \"\$conv\" --path \"\$f\" \"\$t/dump\" >\"\$t/ref\" || { echo \"FAIL: converter\"; exit 1; }
grep -v '^# file' \"\$t/ref\" >\"\$t/b\"
\"\$py\" \"\$conv\" --counts \"\$t/dump\" | grep -v '^# file' >\"\$t/c2\"
for d in fast fixbuf; do
  \"\$fd\" --decoder \$d \"\$f\" >\"\$t/got\" || { echo \"FAIL: flowdump --decoder \$d exited \$?\"; exit 1; }
  grep -v '^# file' \"\$t/got\" >\"\$t/a\"
  if ! diff \"\$t/b\" \"\$t/a\" >\"\$t/diff\"; then
    echo \"FAIL: flowdump --decoder \$d (>) differs from ipfixDump (<):\"; head -40 \"\$t/diff\"; exit 1
  fi
  \"\$fd\" --decoder \$d --counts \"\$f\" | grep -v '^# file' >\"\$t/c1\"
  cmp -s \"\$t/c1\" \"\$t/c2\" || { echo \"FAIL: counts differ (\$d)\"; cat \"\$t/c1\" \"\$t/c2\"; exit 1; }
done
echo \"\$f: \$(cat \"\$t/c1\") (both decoders same as ipfixDump)\"
if [ \"\$mode\" = nodns ]; then
  grep -q ' dns=0\$' \"\$t/c1\" || { echo \"FAIL: expected no DNS records\"; exit 1; }
  grep -q '^flows=0 ' \"\$t/c1\" && { echo \"FAIL: expected flow records\"; exit 1; }
fi
exit 0
" "sh" "/work/wt-query/../shared/data/real/sods-dmachard.yaf.ipfix" "/work/wt-query/build2/tests/flowdump" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "/usr/bin/ipfixDump" "/root/.pyenv/shims/python3" "-")
set_tests_properties([=[real.sods-dmachard.yaf]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;63;add_test;/work/wt-query/tests/read.cmake;82;read_compare_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.read_flowdump_exit]=] "sh" "-c" "fd=\$1; t=\$(mktemp -d) || exit 1; trap 'rm -rf \"\$t\"' EXIT
: >\"\$t/empty.ipfix\"; printf 'not ipfix at all' >\"\$t/junk.ipfix\"
\"\$fd\" \"\$t/empty.ipfix\" >/dev/null || { echo \"empty file: want 0\"; exit 1; }
\"\$fd\" \"\$t/junk.ipfix\" >/dev/null 2>\"\$t/err\"; rc=\$?
[ \$rc -eq 3 ] || { echo \"junk: got \$rc, want 3\"; exit 1; }
grep -q \"junk.ipfix\" \"\$t/err\" || { echo \"junk: stderr does not name the file\"; exit 1; }
\"\$fd\" \"\$t/missing.ipfix\" >/dev/null 2>&1; rc=\$?
[ \$rc -eq 1 ] || { echo \"missing: got \$rc, want 1\"; exit 1; }
\"\$fd\" \"\$t/missing.ipfix\" \"\$t/junk.ipfix\" >/dev/null 2>&1; rc=\$?
[ \$rc -eq 1 ] || { echo \"missing+junk: got \$rc, want 1\"; exit 1; }
\"\$fd\" >/dev/null 2>&1; rc=\$?
[ \$rc -eq 1 ] || { echo \"no arguments: got \$rc, want 1\"; exit 1; }
\"\$fd\" --counts \"\$t/empty.ipfix\" | grep -qx 'flows=0 dns=0' || { echo \"--counts\"; exit 1; }
exit 0
" "sh" "/work/wt-query/build2/tests/flowdump")
set_tests_properties([=[unit.read_flowdump_exit]=] PROPERTIES  LABELS "unit" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;91;add_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.read_odd_layouts]=] "sh" "-c" "set -e
t=\$(mktemp -d); trap 'rm -rf \"\$t\"' EXIT
python3 \"\$1\" \"\$t/odd.ipfix\" \"\$t/expect\"
for d in fast fixbuf; do
  \"\$2\" --decoder \$d \"\$t/odd.ipfix\" > \"\$t/\$d\"
  diff -u \"\$t/expect\" \"\$t/\$d\" || { echo \"decoder \$d differs from the hand-worked values\"; exit 1; }
done
" "sh" "/work/wt-query/tests/ref/odd_layouts.py" "/work/wt-query/build2/tests/flowdump")
set_tests_properties([=[unit.read_odd_layouts]=] PROPERTIES  LABELS "unit" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;112;add_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[fuzz.ipfix_read]=] "/work/wt-query/build2/tests/fuzz_ipfix_read" "/work/wt-query/tests/fuzz/corpus/ipfix_read")
set_tests_properties([=[fuzz.ipfix_read]=] PROPERTIES  LABELS "fuzz" _BACKTRACE_TRIPLES "/work/wt-query/tests/CMakeLists.txt;29;add_test;/work/wt-query/tests/read.cmake;125;flowsweep_fuzz_target;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[fuzz.decoders_agree]=] "/work/wt-query/build2/tests/fuzz_decoders_agree" "/work/wt-query/tests/fuzz/corpus/decoders_agree")
set_tests_properties([=[fuzz.decoders_agree]=] PROPERTIES  LABELS "fuzz" _BACKTRACE_TRIPLES "/work/wt-query/tests/CMakeLists.txt;29;add_test;/work/wt-query/tests/read.cmake;131;flowsweep_fuzz_target;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[e2e.export_odd_layouts]=] "sh" "-c" "set -e
t=\$(mktemp -d); trap 'rm -rf \"\$t\"' EXIT
python3 \"\$1\" \"\$t/odd.ipfix\"
\"\$2\" export -q --format jsonl \"\$t/odd.ipfix\" > \"\$t/rows.jsonl\"
\"\$2\" export -q --format csv \"\$t/odd.ipfix\" > \"\$t/rows.csv\"
[ \"\$(wc -l < \"\$t/rows.jsonl\")\" -eq 3 ] || { echo \"want 3 rows\"; exit 1; }
grep -qF '\"names\":[\"t\\\\x1B[31m.x.\",\"b.example.\"]' \"\$t/rows.jsonl\" || { echo \"escaped name missing\"; cat \"\$t/rows.jsonl\"; exit 1; }
grep -qF '\"sport\":9029,\"dport\":53,\"proto\":17' \"\$t/rows.jsonl\" || { echo \"reduced-length fields\"; exit 1; }
if LC_ALL=C grep -q '[[:cntrl:]]' \"\$t/rows.jsonl\"; then echo \"raw control byte in jsonl\"; exit 1; fi
if LC_ALL=C tr -d '\\r\\n' < \"\$t/rows.csv\" | LC_ALL=C grep -q '[[:cntrl:]]'; then echo \"raw control byte in csv\"; exit 1; fi
exit 0
" "sh" "/work/wt-query/tests/ref/odd_layouts.py" "/work/wt-query/build2/flowsweep")
set_tests_properties([=[e2e.export_odd_layouts]=] PROPERTIES  LABELS "e2e" _BACKTRACE_TRIPLES "/work/wt-query/tests/read.cmake;137;add_test;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[fuzz.compressed]=] "/work/wt-query/build2/tests/fuzz_compressed" "/work/wt-query/tests/fuzz/corpus/compressed")
set_tests_properties([=[fuzz.compressed]=] PROPERTIES  LABELS "fuzz" _BACKTRACE_TRIPLES "/work/wt-query/tests/CMakeLists.txt;29;add_test;/work/wt-query/tests/read.cmake;155;flowsweep_fuzz_target;/work/wt-query/tests/read.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[ref.selftest]=] "python3" "/work/wt-query/tests/ref/test_reference.py")
set_tests_properties([=[ref.selftest]=] PROPERTIES  LABELS "unit" _BACKTRACE_TRIPLES "/work/wt-query/tests/ref.cmake;6;add_test;/work/wt-query/tests/ref.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[ref.silk_by_dip]=] "python3" "/work/wt-query/tests/ref/test_reference.py" "--silk" "--data" "/work/wt-query/../shared/data/real")
set_tests_properties([=[ref.silk_by_dip]=] PROPERTIES  LABELS "real" SKIP_RETURN_CODE "77" TIMEOUT "900" _BACKTRACE_TRIPLES "/work/wt-query/tests/ref.cmake;10;add_test;/work/wt-query/tests/ref.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[e2e.report_browser]=] "/root/.pyenv/shims/python3" "/work/wt-query/tests/report/browser.py" "--flowsweep" "/work/wt-query/build2/flowsweep" "--shot" "/work/wt-query/build2/report-browser.png")
set_tests_properties([=[e2e.report_browser]=] PROPERTIES  ENVIRONMENT "G_SLICE=always-malloc" LABELS "e2e" SKIP_RETURN_CODE "77" TIMEOUT "300" _BACKTRACE_TRIPLES "/work/wt-query/tests/report.cmake;11;add_test;/work/wt-query/tests/report.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[e2e.report_tables]=] "/root/.pyenv/shims/python3" "/work/wt-query/tests/report/tables.py" "--flowsweep" "/work/wt-query/build2/flowsweep" "--gen" "/work/wt-query/build2/flowsweep-gen" "--flowdump" "/work/wt-query/build2/tests/flowdump")
set_tests_properties([=[e2e.report_tables]=] PROPERTIES  ENVIRONMENT "G_SLICE=always-malloc" LABELS "e2e" SKIP_RETURN_CODE "77" TIMEOUT "300" _BACKTRACE_TRIPLES "/work/wt-query/tests/report.cmake;14;add_test;/work/wt-query/tests/report.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.page]=] "/work/wt-query/build2/tests/test_page")
set_tests_properties([=[unit.page]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/CMakeLists.txt;12;add_test;/work/wt-query/tests/report.cmake;26;flowsweep_unit_test;/work/wt-query/tests/report.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[e2e.report_real]=] "python3" "/work/wt-query/tests/report/real.py" "/work/wt-query/build2/flowsweep" "/work/wt-query/../shared/data/real")
set_tests_properties([=[e2e.report_real]=] PROPERTIES  LABELS "e2e;real" SKIP_RETURN_CODE "77" TIMEOUT "300" _BACKTRACE_TRIPLES "/work/wt-query/tests/report.cmake;30;add_test;/work/wt-query/tests/report.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.gen_rng]=] "/work/wt-query/build2/tests/test_gen_rng")
set_tests_properties([=[unit.gen_rng]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/CMakeLists.txt;12;add_test;/work/wt-query/tests/roundtrip.cmake;17;flowsweep_unit_test;/work/wt-query/tests/roundtrip.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[unit.gen_model]=] "/work/wt-query/build2/tests/test_gen_model")
set_tests_properties([=[unit.gen_model]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/CMakeLists.txt;12;add_test;/work/wt-query/tests/roundtrip.cmake;18;flowsweep_unit_test;/work/wt-query/tests/roundtrip.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[roundtrip.y2.s1]=] "sh" "/work/wt-query/tests/roundtrip/roundtrip.sh" "--gen" "/work/wt-query/build2/flowsweep-gen" "--work" "/work/wt-query/build2/tests/roundtrip/roundtrip.y2.s1" "--ref" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "--flowdump" "/work/wt-query/build2/tests/flowdump" "--" "--layout" "2" "--seed" "1" "--hours" "3" "--files-per-hour" "2" "--flows" "2500")
set_tests_properties([=[roundtrip.y2.s1]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/roundtrip.cmake;34;add_test;/work/wt-query/tests/roundtrip.cmake;39;gen_roundtrip_test;/work/wt-query/tests/roundtrip.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[roundtrip.y2.s2]=] "sh" "/work/wt-query/tests/roundtrip/roundtrip.sh" "--gen" "/work/wt-query/build2/flowsweep-gen" "--work" "/work/wt-query/build2/tests/roundtrip/roundtrip.y2.s2" "--ref" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "--flowdump" "/work/wt-query/build2/tests/flowdump" "--" "--layout" "2" "--seed" "2" "--hours" "2" "--flows" "1200" "--uniflow" "0.3")
set_tests_properties([=[roundtrip.y2.s2]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/roundtrip.cmake;34;add_test;/work/wt-query/tests/roundtrip.cmake;40;gen_roundtrip_test;/work/wt-query/tests/roundtrip.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[roundtrip.y3.s1]=] "sh" "/work/wt-query/tests/roundtrip/roundtrip.sh" "--gen" "/work/wt-query/build2/flowsweep-gen" "--work" "/work/wt-query/build2/tests/roundtrip/roundtrip.y3.s1" "--ref" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "--flowdump" "/work/wt-query/build2/tests/flowdump" "--xml" "/work/wt-query/tests/roundtrip/yaf3-elements.xml" "--" "--layout" "3" "--seed" "1" "--hours" "3" "--flows" "2000")
set_tests_properties([=[roundtrip.y3.s1]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/roundtrip.cmake;34;add_test;/work/wt-query/tests/roundtrip.cmake;41;gen_roundtrip_test;/work/wt-query/tests/roundtrip.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[roundtrip.y3.s2]=] "sh" "/work/wt-query/tests/roundtrip/roundtrip.sh" "--gen" "/work/wt-query/build2/flowsweep-gen" "--work" "/work/wt-query/build2/tests/roundtrip/roundtrip.y3.s2" "--ref" "/work/wt-query/tests/ref/ipfixdump2flowdump.py" "--flowdump" "/work/wt-query/build2/tests/flowdump" "--xml" "/work/wt-query/tests/roundtrip/yaf3-elements.xml" "--" "--layout" "3" "--seed" "2" "--hours" "2" "--flows" "800" "--no-rr-detail" "--exfil" "heavy")
set_tests_properties([=[roundtrip.y3.s2]=] PROPERTIES  LABELS "unit" SKIP_RETURN_CODE "77" _BACKTRACE_TRIPLES "/work/wt-query/tests/roundtrip.cmake;34;add_test;/work/wt-query/tests/roundtrip.cmake;42;gen_roundtrip_test;/work/wt-query/tests/roundtrip.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[roundtrip.determinism]=] "sh" "/work/wt-query/tests/roundtrip/determinism.sh" "--gen" "/work/wt-query/build2/flowsweep-gen" "--work" "/work/wt-query/build2/tests/roundtrip/determinism" "--" "--seed" "3" "--hours" "3" "--files-per-hour" "2" "--bytes" "3M" "--uniflow" "0.2")
set_tests_properties([=[roundtrip.determinism]=] PROPERTIES  LABELS "unit" _BACKTRACE_TRIPLES "/work/wt-query/tests/roundtrip.cmake;44;add_test;/work/wt-query/tests/roundtrip.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[roundtrip.determinism.flow_table]=] "sh" "/work/wt-query/tests/roundtrip/determinism.sh" "--gen" "/work/wt-query/build2/flowsweep-gen" "--work" "/work/wt-query/build2/tests/roundtrip/determinism-ft" "--" "--seed" "7" "--hours" "5" "--files-per-hour" "2" "--flows" "5000" "--flow-table")
set_tests_properties([=[roundtrip.determinism.flow_table]=] PROPERTIES  LABELS "unit" _BACKTRACE_TRIPLES "/work/wt-query/tests/roundtrip.cmake;46;add_test;/work/wt-query/tests/roundtrip.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[roundtrip.labels]=] "sh" "/work/wt-query/tests/roundtrip/labels.sh" "--gen" "/work/wt-query/build2/flowsweep-gen" "--work" "/work/wt-query/build2/tests/roundtrip/labels" "--" "--seed" "4" "--hours" "6" "--flows" "6000" "--uniflow" "0.3")
set_tests_properties([=[roundtrip.labels]=] PROPERTIES  LABELS "unit" _BACKTRACE_TRIPLES "/work/wt-query/tests/roundtrip.cmake;48;add_test;/work/wt-query/tests/roundtrip.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
add_test([=[roundtrip.labels.flow_table]=] "sh" "/work/wt-query/tests/roundtrip/labels.sh" "--gen" "/work/wt-query/build2/flowsweep-gen" "--work" "/work/wt-query/build2/tests/roundtrip/labels-ft" "--" "--seed" "5" "--hours" "6" "--flows" "6000" "--uniflow" "0.3" "--flow-table")
set_tests_properties([=[roundtrip.labels.flow_table]=] PROPERTIES  LABELS "unit" _BACKTRACE_TRIPLES "/work/wt-query/tests/roundtrip.cmake;50;add_test;/work/wt-query/tests/roundtrip.cmake;0;;/work/wt-query/tests/CMakeLists.txt;38;include;/work/wt-query/tests/CMakeLists.txt;0;")
