flowsweep_unit_test(out SOURCES unit/test_out.c LIBS engine_render)
# The JSON of hostile names (ESC, NUL, newline, comma, quote, backslash, bad UTF-8) parses.
add_test(NAME unit.out_json_parses COMMAND sh -c
  "$<TARGET_FILE:test_out> --print-json | python3 -c 'import json,sys; rows=[json.loads(l) for l in sys.stdin]; assert rows[0][\"dnsName\"][0] == chr(92)+\"x1B[31mred\"+chr(92)+\"x00\"+chr(92)+\"x0A,\", rows'")
set_tests_properties(unit.out_json_parses PROPERTIES LABELS unit)
flowsweep_unit_test(exec SOURCES unit/test_exec.c LIBS engine_exec)
flowsweep_fuzz_target(query SOURCES fuzz/fuzz_query.c LIBS engine_query)
flowsweep_unit_test(merge_sort SOURCES unit/test_merge_sort.c LIBS engine_exec PkgConfig::XXHASH)
flowsweep_unit_test(domain SOURCES unit/test_domain.c LIBS engine_dns)
# The operations table: dns-hunt's and the group-by job's fold / merge / save / load.
flowsweep_unit_test(ops SOURCES unit/test_ops.c LIBS engine_dns)
# The export row writer: JSON Lines and CSV rows against hand-written expectations.
flowsweep_unit_test(rows SOURCES unit/test_rows.c LIBS engine_render)
