# The report page (issue 19): tests/report/.
# e2e.report_browser opens `flowsweep report` over planted markup names and a damaged file
# whose name is markup in headless Chromium (--dump-dom) and checks that nothing from the
# data became an element or ran, and one chart mark per row; its screenshot is kept as
# report-browser.png in the build directory. Skips (77) without Chromium.
# e2e.report_tables checks, without a browser, that the page's tables are the separate
# commands' rows and that a report over the corruption matrix's files names every
# damaged file.
find_program(FLOWSWEEP_REPORT_PYTHON3 python3)
if(FLOWSWEEP_REPORT_PYTHON3)
  add_test(NAME e2e.report_browser
    COMMAND ${FLOWSWEEP_REPORT_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/report/browser.py
      --flowsweep $<TARGET_FILE:flowsweep> --shot ${CMAKE_BINARY_DIR}/report-browser.png)
  add_test(NAME e2e.report_tables
    COMMAND ${FLOWSWEEP_REPORT_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/report/tables.py
      --flowsweep $<TARGET_FILE:flowsweep> --gen $<TARGET_FILE:flowsweep-gen>
      --flowdump $<TARGET_FILE:flowdump>)
else()
  add_test(NAME e2e.report_browser COMMAND sh -c "echo 'skip: python3 is not installed'; exit 77")
  add_test(NAME e2e.report_tables COMMAND sh -c "echo 'skip: python3 is not installed'; exit 77")
endif()
set_tests_properties(e2e.report_browser e2e.report_tables PROPERTIES LABELS e2e TIMEOUT 300
  SKIP_RETURN_CODE 77 ENVIRONMENT G_SLICE=always-malloc)

# The page writer alone: hostile texts escaped in every place, one mark per row.
flowsweep_unit_test(page SOURCES unit/test_page.c LIBS engine_render)

# The hunt section on the real captures, both exports: tunnel domains and servers
# (found by ipfixDump, as tests/e2e/hunt_real.py finds them) first, each with its sparkline.
add_test(NAME e2e.report_real
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/report/real.py $<TARGET_FILE:flowsweep>
          ${FLOWSWEEP_SHARED_DATA})
set_tests_properties(e2e.report_real PROPERTIES LABELS "e2e;real" SKIP_RETURN_CODE 77
  TIMEOUT 300)

# report --cache DIR: cold, warm and after new hours equal the report without the cache;
# a re-run opens only the new files (strace); dns-names and dns-dest share its partials.
if(TARGET flowsweep-gen)
  add_test(NAME e2e.report_cache
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/report/cache.sh
            $<TARGET_FILE:flowsweep> $<TARGET_FILE:flowsweep-gen>
            ${CMAKE_CURRENT_BINARY_DIR}/e2e-work/report-cache)
  set_tests_properties(e2e.report_cache PROPERTIES LABELS e2e TIMEOUT 300)
endif()
