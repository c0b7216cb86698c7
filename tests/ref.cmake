# Independent Python reference (tests/ref/reference.py, standard library only).
# ref.selftest: hand-made flowdump cases with hand-written expected outputs.
# ref.silk_by_dip: reference dns-dest (no filters, by dip, asv4) over ipfixDump's decoding of
# every real capture, compared with SiLK 3.19.1's figures; skips (77) without the data,
# ipfixDump or tests/ref/ipfixdump2flowdump.py.
add_test(NAME ref.selftest
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/ref/test_reference.py)
set_tests_properties(ref.selftest PROPERTIES LABELS unit)

add_test(NAME ref.silk_by_dip
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/ref/test_reference.py --silk
          --data ${FLOWSWEEP_SHARED_DATA})
set_tests_properties(ref.silk_by_dip PROPERTIES LABELS real SKIP_RETURN_CODE 77 TIMEOUT 900)
