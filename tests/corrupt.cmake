# The corruption matrix (issue 4): tests/corrupt/matrix.py damages a generated
# YAF 2 file in every way listed there (truncation at and around each message
# boundary, message/set headers, list and varlen lengths, template order,
# withdrawal and redefinition, oversized names and DNS lists, empty, random and
# gzip files) and checks flowdump (both decoders, which must agree) and
# `flowsweep dns-dest`: no crash, no hang,
# exit 3 naming the file for damage, every flow before the damage kept.
find_program(FLOWSWEEP_PYTHON3 python3)
if(FLOWSWEEP_PYTHON3)
  add_test(NAME unit.corrupt_matrix
    COMMAND ${FLOWSWEEP_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/corrupt/matrix.py
      --gen $<TARGET_FILE:flowsweep-gen> --flowdump $<TARGET_FILE:flowdump>
      --flowsweep $<TARGET_FILE:flowsweep>)
else()
  add_test(NAME unit.corrupt_matrix COMMAND sh -c "echo 'skip: python3 is not installed'; exit 77")
endif()
set_tests_properties(unit.corrupt_matrix PROPERTIES LABELS unit TIMEOUT 300
  SKIP_RETURN_CODE 77 ENVIRONMENT G_SLICE=always-malloc)

# Hostile repositories, round two (issue 17): what is done to the tree, the process limits
# and the output around the files (tests/corrupt/hostile.py), beside the matrix.
if(FLOWSWEEP_PYTHON3)
  add_test(NAME unit.corrupt_hostile
    COMMAND ${FLOWSWEEP_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/corrupt/hostile.py
      --gen $<TARGET_FILE:flowsweep-gen> --flowdump $<TARGET_FILE:flowdump>
      --flowsweep $<TARGET_FILE:flowsweep>)
  set_tests_properties(unit.corrupt_hostile PROPERTIES LABELS unit TIMEOUT 300
    ENVIRONMENT G_SLICE=always-malloc)
endif()
