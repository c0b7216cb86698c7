# The partial-state container and the --cache path (issue 11).
flowsweep_unit_test(partial SOURCES unit/test_partial.c LIBS engine_exec PkgConfig::XXHASH pthread)
flowsweep_fuzz_target(partial SOURCES fuzz/fuzz_partial.c LIBS engine_dns engine_exec engine_query)
# The side file of a whole roll-up (docs/partials.md, "Side files").
flowsweep_fuzz_target(side SOURCES fuzz/fuzz_side.c LIBS engine_exec)
# dns-hunt's side file of a whole roll-up (docs/partials.md, "dns-hunt's side file").
flowsweep_fuzz_target(hunt_side SOURCES fuzz/fuzz_hunt_side.c LIBS engine_dns engine_exec engine_query)
flowsweep_unit_test(hunt_side SOURCES unit/test_hunt_side.c LIBS engine_dns engine_exec engine_query PkgConfig::XXHASH)
flowsweep_unit_test(cache SOURCES unit/test_cache.c LIBS engine_exec PkgConfig::XXHASH)
if(TARGET flowsweep-gen)
  add_test(NAME e2e.cache
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/cache.sh
            $<TARGET_FILE:flowsweep> $<TARGET_FILE:flowsweep-gen>
            ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/cache)
  set_tests_properties(e2e.cache PROPERTIES LABELS e2e)
  # What a cache entry is keyed on (the Public Suffix List) and where it lives (no links).
  add_test(NAME e2e.cache_keys
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/cache_keys.sh
            $<TARGET_FILE:flowsweep> $<TARGET_FILE:flowsweep-gen>
            ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/cache_keys)
  set_tests_properties(e2e.cache_keys PROPERTIES LABELS e2e)
  # dns-hunt's re-run: untouched groups of a roll-up loaded as counts (docs/partials.md).
  add_test(NAME e2e.cache_hunt
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/cache_hunt.sh
            $<TARGET_FILE:flowsweep> $<TARGET_FILE:flowsweep-gen>
            ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/cache_hunt)
  set_tests_properties(e2e.cache_hunt PROPERTIES LABELS e2e)
  # The side file of the whole roll-up: a re-run after new files without loading it.
  add_test(NAME e2e.cache_side
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/cache_side.sh
            $<TARGET_FILE:flowsweep> $<TARGET_FILE:flowsweep-gen>
            ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/cache_side)
  set_tests_properties(e2e.cache_side PROPERTIES LABELS e2e)
endif()
# Group tables past --mem-limit spill to --tmp-dir as runs and merge back exactly (issue 16).
if(TARGET flowsweep-gen)
  add_test(NAME e2e.spill
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/spill.sh
            $<TARGET_FILE:flowsweep> $<TARGET_FILE:flowsweep-gen>
            ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/spill)
  set_tests_properties(e2e.spill PROPERTIES LABELS e2e)
endif()
# A file reached by a path with its hour and by one without (a link, `.`): never the other's
# partial; a cold cache with a young or unreadable file still caches the others.
if(TARGET flowsweep-gen)
  add_test(NAME e2e.cache_paths
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/cache_paths.sh
            $<TARGET_FILE:flowsweep> $<TARGET_FILE:flowsweep-gen>
            ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/cache_paths)
  set_tests_properties(e2e.cache_paths PROPERTIES LABELS e2e)
endif()
