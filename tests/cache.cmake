# The partial-state container and the --cache path (issue 11).
flowsweep_unit_test(partial SOURCES unit/test_partial.c LIBS engine_exec PkgConfig::XXHASH pthread)
flowsweep_fuzz_target(partial SOURCES fuzz/fuzz_partial.c LIBS engine_exec)
flowsweep_unit_test(cache SOURCES unit/test_cache.c LIBS engine_exec PkgConfig::XXHASH)
