# The query language's exact fractions (avg in --having): the comparison routines against a
# 512-bit brute force, and through the parser.
flowsweep_unit_test(expr_ratio SOURCES unit/test_expr_ratio.c LIBS engine_query m)
# --having on avg columns against the reference's Fractions: hand-worked groups (sums past
# 2^53 and 2^64, ties at x.5) and 400 random expressions (literals near each avg, integer
# columns, other avgs, doubles, avg in arithmetic).
add_test(NAME e2e.avg_having
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/e2e/avg_having.py $<TARGET_FILE:flowsweep>
          ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/avg-having)
set_tests_properties(e2e.avg_having PROPERTIES LABELS e2e)
