# The SEI post's own output (issue 20): its two show() tables (tests/post/) rendered by
# flowsweep's table renderer and compared with the post's text. When the shared copy of
# the post is present, the two files are also checked to be its text verbatim.
add_executable(test_post_tables unit/test_post_tables.c)
target_include_directories(test_post_tables PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/harness)
target_link_libraries(test_post_tables PRIVATE engine_flags engine_render)
add_test(NAME unit.post_tables
  COMMAND test_post_tables ${CMAKE_CURRENT_SOURCE_DIR}/post
          ${PROJECT_SOURCE_DIR}/../shared/docs/the-post.md)
set_tests_properties(unit.post_tables PROPERTIES LABELS unit)
