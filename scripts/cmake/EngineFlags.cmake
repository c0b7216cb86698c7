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
# Debian links with --as-needed, which would drop libjemalloc (nothing calls je_*
# by name), so it is wrapped in --no-as-needed. A no-op when ENGINE_JEMALLOC is off.
function(engine_link_allocator target)
  if(ENGINE_JEMALLOC)
    # One token, so CMake cannot reorder or de-duplicate its parts.
    target_link_libraries(${target} PRIVATE
      "-Wl,--push-state,--no-as-needed,-ljemalloc,--pop-state")
    target_compile_definitions(${target} PRIVATE ENGINE_WITH_JEMALLOC=1)
  endif()
endfunction()
