flowsweep_unit_test(out SOURCES unit/test_out.c LIBS engine_out)
flowsweep_unit_test(exec SOURCES unit/test_exec.c LIBS engine_exec)
flowsweep_fuzz_target(query SOURCES fuzz/fuzz_query.c LIBS engine_exec)
flowsweep_unit_test(merge_sort SOURCES unit/test_merge_sort.c LIBS engine_exec PkgConfig::XXHASH)
