# partitions: layouts, hour from path, time window, walk and plan (docs/partitions.md).
flowsweep_unit_test(partitions SOURCES unit/test_partitions.c LIBS partitions)
flowsweep_unit_test(part_name SOURCES unit/test_part_name.c LIBS partitions)
flowsweep_unit_test(part_memo SOURCES unit/test_part_memo.c LIBS partitions PkgConfig::XXHASH)
flowsweep_fuzz_target(partitions_path SOURCES fuzz/fuzz_partitions_path.c LIBS partitions)
flowsweep_fuzz_target(part_memo SOURCES fuzz/fuzz_part_memo.c LIBS partitions)
