# End-to-end: the CLI on generated repositories and on the real captures, compared with
# independent expectations (tests/ref/reference.py over the generator's truth or over
# ipfixDump's decoding, and SiLK's own figures). Needs the generator and the flowdump tool.
if(TARGET flowsweep-gen)
  foreach(layout 2 3)
    add_test(NAME e2e.presets_vs_reference.yaf${layout}
      COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/presets_vs_reference.sh
              $<TARGET_FILE:flowsweep> $<TARGET_FILE:flowsweep-gen>
              ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/presets-yaf${layout} ${layout})
    set_tests_properties(e2e.presets_vs_reference.yaf${layout} PROPERTIES LABELS e2e)
  endforeach()
  add_test(NAME e2e.dns_predicates
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/dns_predicates.sh
            $<TARGET_FILE:flowsweep> $<TARGET_FILE:flowsweep-gen>
            ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/dns-predicates)
  set_tests_properties(e2e.dns_predicates PROPERTIES LABELS e2e)
  add_test(NAME e2e.hunt_generated
    COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/e2e/hunt_generated.py
            $<TARGET_FILE:flowsweep> $<TARGET_FILE:flowsweep-gen>
            ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/hunt-generated)
  set_tests_properties(e2e.hunt_generated PROPERTIES LABELS e2e)
  add_test(NAME e2e.hunt_columns
    COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/e2e/hunt_columns.py
            $<TARGET_FILE:flowsweep> $<TARGET_FILE:flowsweep-gen>
            ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/hunt-columns)
  set_tests_properties(e2e.hunt_columns PROPERTIES LABELS e2e)
  add_test(NAME e2e.cli_errors
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/cli_errors.sh
            $<TARGET_FILE:flowsweep> $<TARGET_FILE:flowsweep-gen>
            ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/cli-errors)
  set_tests_properties(e2e.cli_errors PROPERTIES LABELS e2e)
  add_test(NAME e2e.export_bounded
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/export_bounded.sh
            $<TARGET_FILE:flowsweep> $<TARGET_FILE:flowsweep-gen>
            ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/export-bounded)
  set_tests_properties(e2e.export_bounded PROPERTIES LABELS e2e)
  # Issue 14: inputs (names, globs, gzip/zstd, stdin), outputs (-o, limits, CSV cells,
  # --summary json, progress width), no traps (repeated options, help), export order/--fields.
  add_test(NAME e2e.cli_analyst
    COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/e2e/cli_analyst.py
            $<TARGET_FILE:flowsweep> $<TARGET_FILE:flowsweep-gen>
            ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/cli-analyst)
  # G_SLICE: glib's slice allocator hands memory one thread freed to another unseen by
  # TSan, which then reports libfixbuf's template records (--decoder fixbuf on 2 threads)
  # as a data race (the gzip/zstd copies, about every other run under load)
  set_tests_properties(e2e.cli_analyst PROPERTIES LABELS e2e ENVIRONMENT G_SLICE=always-malloc)
endif()

add_test(NAME e2e.silk_reference_real
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/e2e/silk_reference_real.py
          $<TARGET_FILE:flowsweep> ${FLOWSWEEP_SHARED_DATA})
set_tests_properties(e2e.silk_reference_real PROPERTIES LABELS "e2e;real" SKIP_RETURN_CODE 77)

add_test(NAME e2e.real_vs_ipfixdump_reference
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/real_vs_reference.sh
          $<TARGET_FILE:flowsweep> ${FLOWSWEEP_SHARED_DATA}
          ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/real)
# release only: flowsweep over every capture; the sanitizers run the reader on the real
# captures in real.* and the analytics on generated repositories.
set_tests_properties(e2e.real_vs_ipfixdump_reference PROPERTIES LABELS "e2e;real;release" SKIP_RETURN_CODE 77)

add_test(NAME e2e.hunt_real
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/e2e/hunt_real.py
          $<TARGET_FILE:flowsweep> ${FLOWSWEEP_SHARED_DATA} ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/hunt-real)
set_tests_properties(e2e.hunt_real PROPERTIES LABELS "e2e;real" SKIP_RETURN_CODE 77)

# flowsweep query against the reference's own evaluation of the job (issue 13): exact
# arithmetic, overflow refused, types checked, addresses, lists, either side, times.
if(TARGET flowsweep-gen)
  add_test(NAME e2e.query_vs_reference
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/query_vs_reference.sh
            $<TARGET_FILE:flowsweep> $<TARGET_FILE:flowsweep-gen>
            ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/query-gen gen)
  set_tests_properties(e2e.query_vs_reference PROPERTIES LABELS e2e)
  # --start/--end to the minute and second, and capture files (no hour) filtered by record
  # start time, against the reference (issue 13 item 4).
  add_test(NAME e2e.window_vs_reference
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/window_vs_reference.sh
            $<TARGET_FILE:flowsweep> $<TARGET_FILE:flowsweep-gen>
            ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/window)
  set_tests_properties(e2e.window_vs_reference PROPERTIES LABELS e2e)
endif()
# IPv4 flows beside v4-mapped IPv6 ones of the same addresses (a hand-made file) against the
# reference: distinct() and grouping keep the forms apart, --where matches both.
add_test(NAME e2e.mapped_addrs
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/e2e/mapped_addrs.py
          $<TARGET_FILE:flowsweep> ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/mapped-addrs)
set_tests_properties(e2e.mapped_addrs PROPERTIES LABELS e2e)
add_test(NAME e2e.query_vs_reference_real
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/query_vs_reference.sh
          $<TARGET_FILE:flowsweep> ${FLOWSWEEP_SHARED_DATA}
          ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/query-real real)
# release only: the generated repository's run above is the sanitizers' (same jobs, same code).
set_tests_properties(e2e.query_vs_reference_real PROPERTIES LABELS "e2e;real;release" SKIP_RETURN_CODE 77 TIMEOUT 900)

# Counts past 2^64 - 1 (hand-made flows of 2^64 - 1 bytes): exact in dns-hunt, dns-dest, query
# and the report's charts; --bytes total that cannot be held is an error naming the file.
add_test(NAME e2e.wide_counts
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/e2e/wide_counts.py
          $<TARGET_FILE:flowsweep> ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/wide-counts)
set_tests_properties(e2e.wide_counts PROPERTIES LABELS e2e)

# Outputs named by the user that are no regular files (a FIFO, as /dev/null) are written in
# place, never replaced by a renamed temporary file.
add_test(NAME e2e.output_special
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/output_special.sh
          $<TARGET_FILE:flowsweep> ${CMAKE_CURRENT_SOURCE_DIR}/data/dnscat2-ndpi.yaf.ipfix
          ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/output-special)
set_tests_properties(e2e.output_special PROPERTIES LABELS e2e TIMEOUT 120)

# Traps a new analyst fell into (review s15), listed in tests/e2e/analyst_traps.sh, each
# against an expectation written by hand. Empty hourly files and one small file: seconds.
add_test(NAME e2e.analyst_traps
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/analyst_traps.sh
          $<TARGET_FILE:flowsweep> ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/analyst-traps)
set_tests_properties(e2e.analyst_traps PROPERTIES LABELS e2e
  ENVIRONMENT REF=${CMAKE_CURRENT_SOURCE_DIR}/ref)
