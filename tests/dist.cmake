# Beyond one machine (issue 12): shards and merge; flowsweep-mpi under mpirun (label mpi).
if(TARGET flowsweep-gen)
  add_test(NAME e2e.shard
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/shard.sh
            $<TARGET_FILE:flowsweep> $<TARGET_FILE:flowsweep-gen>
            ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/shard)
  set_tests_properties(e2e.shard PROPERTIES LABELS e2e TIMEOUT 120)
endif()
