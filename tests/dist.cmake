# Beyond one machine (issue 12): shards and merge; flowsweep-mpi under mpirun (label mpi).
if(TARGET flowsweep-gen)
  add_test(NAME e2e.shard
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/shard.sh
            $<TARGET_FILE:flowsweep> $<TARGET_FILE:flowsweep-gen>
            ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/shard)
  set_tests_properties(e2e.shard PROPERTIES LABELS e2e TIMEOUT 400) # ~70 runs: slow under the sanitizers
endif()
# flowsweep-mpi under mpirun: one script (mpirun is slow to start); the release pass only
# (scripts/test leaves the label mpi out of the sanitizer passes).
if(TARGET flowsweep-mpi AND TARGET flowsweep-gen)
  find_program(MPIRUN_EXE mpirun)
  if(MPIRUN_EXE)
    add_test(NAME mpi.ranks
      COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/mpi.sh
              $<TARGET_FILE:flowsweep> $<TARGET_FILE:flowsweep-mpi> $<TARGET_FILE:flowsweep-gen>
              ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/mpi)
    set_tests_properties(mpi.ranks PROPERTIES LABELS mpi TIMEOUT 300)
  endif()
endif()
flowsweep_unit_test(shard SOURCES unit/test_shard.c LIBS engine_exec PkgConfig::XXHASH)
flowsweep_fuzz_target(shard SOURCES fuzz/fuzz_shard.c LIBS engine_exec PkgConfig::XXHASH)
