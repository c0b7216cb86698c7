# Peers: other engines given the same records must give flowsweep's answers.
#   peer.duckdb_matches   DuckDB (bench/peers/duckdb) runs the SEI post's two analytics in
#                         SQL over flowsweep's export of a generated repository and of
#                         tests/data; results equal as multisets, same order by bytes.
#                         Needs node and npm (skips without them) and, once, the npm
#                         registry for bench/peers/duckdb/setup (scripts/test runs it).
#   peer.mothra_compare   bench/mothra/compare.py (Spark show() text vs flowsweep's
#                         table) on flowsweep's own table: same, ties permuted, cut, and
#                         one changed cell (no Spark here).
if(TARGET flowsweep-gen)
  add_test(NAME peer.duckdb_matches
    COMMAND ${PROJECT_SOURCE_DIR}/bench/peers/duckdb/selftest
            $<TARGET_FILE:flowsweep> $<TARGET_FILE:flowsweep-gen>
            ${CMAKE_CURRENT_BINARY_DIR}/peer-work/duckdb ${CMAKE_CURRENT_SOURCE_DIR}/data)
  set_tests_properties(peer.duckdb_matches PROPERTIES LABELS peer SKIP_RETURN_CODE 77
                       TIMEOUT 600)
endif()

add_test(NAME peer.mothra_compare
  COMMAND python3 ${PROJECT_SOURCE_DIR}/bench/mothra/selftest.py
          $<TARGET_FILE:flowsweep> ${CMAKE_CURRENT_SOURCE_DIR}/data
          ${CMAKE_CURRENT_BINARY_DIR}/peer-work/mothra)
set_tests_properties(peer.mothra_compare PROPERTIES LABELS peer)
