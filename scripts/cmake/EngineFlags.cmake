# Compiler flags shared by every target (curl's PickyWarnings idea). Included before the
# dependencies are looked up, because a sanitizer build must turn jemalloc off first.
add_library(engine_flags INTERFACE)
target_compile_definitions(engine_flags INTERFACE _POSIX_C_SOURCE=200809L)
target_compile_options(engine_flags INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
  -Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition -Wpointer-arith
  -Wcast-align -Wwrite-strings -Wundef -Wformat=2 -Wvla -Wframe-larger-than=16384
  -Wimplicit-fallthrough -Werror=implicit-function-declaration
  $<$<BOOL:${ENGINE_WERROR}>:-Werror>)

if(ENGINE_SANITIZE)
  set(ENGINE_JEMALLOC OFF CACHE BOOL "" FORCE) # ASan/TSan interpose malloc themselves
  add_compile_options(-fsanitize=${ENGINE_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${ENGINE_SANITIZE})
endif()

if(ENGINE_FUZZ)
  # Coverage for libFuzzer in every library; the fuzz targets add -fsanitize=fuzzer.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

option(ENGINE_CLANG_TIDY "Run clang-tidy on every compile" OFF)
if(ENGINE_CLANG_TIDY)
  set(CMAKE_C_CLANG_TIDY clang-tidy)
endif()

# engine_link_allocator(TARGET) - link jemalloc as the process malloc of an executable.
# Its static archive when there is one (Debian's libjemalloc-dev: libjemalloc_pic.a):
# libjemalloc.so needs libstdc++ (for its operator new), and loading and relocating the
# two cost about 1.7 ms of CPU at every start (docs/partials.md "The new day's fixed
# costs"), more than a re-run after one new day can spare. mallctl is named undefined so
# that the archive's malloc object is taken whatever the link order, and jemalloc's
# functions are exported, so that every shared library (and libc itself) calls the same
# malloc and free as the program. Else the shared library, wrapped in --no-as-needed
# (Debian links with --as-needed, which would drop it: nothing calls je_* by name).
# A no-op when ENGINE_JEMALLOC is off.
set(ENGINE_JEMALLOC_API malloc calloc realloc free aligned_alloc posix_memalign memalign valloc
  malloc_usable_size mallctl mallctlnametomib mallctlbymib mallocx rallocx xallocx sallocx
  dallocx sdallocx nallocx malloc_stats_print malloc_message)
function(engine_link_allocator target)
  if(ENGINE_JEMALLOC)
    if(NOT DEFINED ENGINE_JEMALLOC_ARCHIVE)
      find_library(ENGINE_JEMALLOC_ARCHIVE NAMES libjemalloc_pic.a HINTS ${JEMALLOC_LIBDIR}
        DOC "jemalloc's static archive ('' or NOTFOUND: the shared library)")
    endif()
    if(ENGINE_JEMALLOC_ARCHIVE)
      set(exports "")
      foreach(sym ${ENGINE_JEMALLOC_API})
        string(APPEND exports ",--export-dynamic-symbol=${sym}")
      endforeach()
      target_link_libraries(${target} PRIVATE "-Wl,--undefined=mallctl${exports}"
        "${ENGINE_JEMALLOC_ARCHIVE}" m Threads::Threads ${CMAKE_DL_LIBS})
    else()
      # One token, so CMake cannot reorder or de-duplicate its parts.
      target_link_libraries(${target} PRIVATE
        "-Wl,--push-state,--no-as-needed,-ljemalloc,--pop-state")
    endif()
    target_compile_definitions(${target} PRIVATE ENGINE_WITH_JEMALLOC=1)
  endif()
endfunction()
