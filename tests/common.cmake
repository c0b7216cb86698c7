flowsweep_unit_test(common SOURCES unit/test_common.c LIBS engine_common)
