# partitions: layouts, hour from path, time window, walk and plan (docs/partitions.md).
flowsweep_unit_test(partitions SOURCES unit/test_partitions.c LIBS partitions)

# libFuzzer target (clang only). The partitions sources are compiled into it
# directly so they get coverage instrumentation without changing the library.
if(ENGINE_FUZZ)
  if(CMAKE_C_COMPILER_ID MATCHES "Clang")
    get_target_property(part_srcs partitions SOURCES)
    get_target_property(part_dir partitions SOURCE_DIR)
    list(TRANSFORM part_srcs PREPEND ${part_dir}/)
    add_executable(fuzz_partitions_path fuzz/fuzz_partitions_path.c ${part_srcs})
    target_include_directories(fuzz_partitions_path PRIVATE ${part_dir})
    target_link_libraries(fuzz_partitions_path PRIVATE engine_common)
    target_compile_options(fuzz_partitions_path PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(fuzz_partitions_path PRIVATE -fsanitize=fuzzer,address,undefined)
  else()
    message(WARNING "ENGINE_FUZZ: fuzz_partitions_path needs clang; not built")
  endif()
endif()
