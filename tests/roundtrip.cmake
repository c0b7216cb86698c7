# Tests of the generator, bench/flowsweep-gen (docs/generator.md). Label unit.
#   unit.gen_rng, unit.gen_model   tests/unit/test_gen_*.c
#   roundtrip.y<layout>.s<seed>    tests/roundtrip/roundtrip.sh: --truth equals what
#                                  flowdump (the reader) and ipfixDump + the reference
#                                  converter decode from the files; ipfixDump parses clean
#                                  and flowdump exits 0 (the files hold what libfixbuf's
#                                  writer emits, e.g. 4-byte empty data sets at message ends)
#   roundtrip.determinism          --threads 1, 2, 3 give byte-identical files
#   roundtrip.labels               labels.tsv lists every channel with its true flow count
#   roundtrip.labels.flow_table    the same with --flow-table (tunnel sessions)
# flowdump comes from tests/read.cmake, which is included before this file; without it
# the reader check is skipped.
if(NOT TARGET flowsweep-gen)
  return()
endif()

flowsweep_unit_test(gen_rng SOURCES unit/test_gen_rng.c LIBS flowsweep_gen)
flowsweep_unit_test(gen_model SOURCES unit/test_gen_model.c LIBS flowsweep_gen)

set(_rt ${CMAKE_CURRENT_SOURCE_DIR}/roundtrip)
set(_rt_work ${CMAKE_CURRENT_BINARY_DIR}/roundtrip)
set(_rt_gen $<TARGET_FILE:flowsweep-gen>)
set(_rt_opts --ref ${CMAKE_CURRENT_SOURCE_DIR}/ref/ipfixdump2flowdump.py)
if(TARGET flowdump)
  list(APPEND _rt_opts --flowdump $<TARGET_FILE:flowdump>)
endif()

# name, layout, then generator arguments
function(gen_roundtrip_test name layout)
  set(opts ${_rt_opts})
  if(layout EQUAL 3)
    list(APPEND opts --xml ${_rt}/yaf3-elements.xml)
  endif()
  add_test(NAME ${name} COMMAND sh ${_rt}/roundtrip.sh --gen ${_rt_gen} --work ${_rt_work}/${name}
    ${opts} -- --layout ${layout} ${ARGN})
  set_tests_properties(${name} PROPERTIES LABELS unit SKIP_RETURN_CODE 77)
endfunction()

gen_roundtrip_test(roundtrip.y2.s1 2 --seed 1 --hours 3 --files-per-hour 2 --flows 2500)
gen_roundtrip_test(roundtrip.y2.s2 2 --seed 2 --hours 2 --flows 1200 --uniflow 0.3)
gen_roundtrip_test(roundtrip.y3.s1 3 --seed 1 --hours 3 --flows 2000)
gen_roundtrip_test(roundtrip.y3.s2 3 --seed 2 --hours 2 --flows 800 --no-rr-detail --exfil heavy)

add_test(NAME roundtrip.determinism COMMAND sh ${_rt}/determinism.sh --gen ${_rt_gen}
  --work ${_rt_work}/determinism -- --seed 3 --hours 3 --files-per-hour 2 --bytes 3M --uniflow 0.2)
add_test(NAME roundtrip.determinism.flow_table COMMAND sh ${_rt}/determinism.sh --gen ${_rt_gen}
  --work ${_rt_work}/determinism-ft -- --seed 7 --hours 5 --files-per-hour 2 --flows 5000 --flow-table)
add_test(NAME roundtrip.labels COMMAND sh ${_rt}/labels.sh --gen ${_rt_gen}
  --work ${_rt_work}/labels -- --seed 4 --hours 6 --flows 6000 --uniflow 0.3)
add_test(NAME roundtrip.labels.flow_table COMMAND sh ${_rt}/labels.sh --gen ${_rt_gen}
  --work ${_rt_work}/labels-ft -- --seed 5 --hours 6 --flows 6000 --uniflow 0.3 --flow-table)
set_tests_properties(roundtrip.determinism roundtrip.determinism.flow_table roundtrip.labels
  roundtrip.labels.flow_table
  PROPERTIES LABELS unit)
