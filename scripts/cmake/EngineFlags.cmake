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

# engine_static_deps() - link libfixbuf (with GLib and PCRE2), libpsl (with libidn2), zlib,
# libzstd and libxxhash from their static archives, when every archive is found (Debian's -dev
# packages ship them; libunistring, which libidn2 needs, has none and stays shared): loading
# and relocating those seven shared libraries cost about 0.6 ms of CPU at every start, which
# a re-run after one new day pays in full (docs/partials.md "The start of the process").
# The archives replace the shared libraries in the PkgConfig:: targets the libraries link,
# so no target changes. Off in sanitizer and fuzz builds (those link what pkg-config gives).
# Licences: GLib, libfixbuf and libidn2 are LGPL; a binary built this way must be shipped
# with what relinking it needs (flowsweep's sources and this option set OFF do).
option(ENGINE_STATIC_DEPS "Link libfixbuf, GLib, PCRE2, libpsl, libidn2, zlib, libzstd and libxxhash from their static archives when all are found" ON)
function(engine_static_deps)
  if(NOT ENGINE_STATIC_DEPS OR ENGINE_SANITIZE OR ENGINE_FUZZ)
    return()
  endif()
  # target: the archives (in link order), then what they need that stays shared
  set(fixbuf_libs fixbuf gthread-2.0 glib-2.0 pcre2-8)
  set(fixbuf_more m Threads::Threads)
  set(psl_libs psl idn2)
  # libidn2's libunistring: shared (Debian ships no archive; without libunistring-dev, only
  # its versioned name, the one libidn2.so itself loads)
  find_library(ENGINE_LIBUNISTRING NAMES unistring libunistring.so.2 libunistring.so.5
    DOC "libunistring, shared (ENGINE_STATIC_DEPS)")
  if(NOT ENGINE_LIBUNISTRING)
    message(STATUS "ENGINE_STATIC_DEPS: libunistring not found: every dependency stays shared")
    return()
  endif()
  set(psl_more ${ENGINE_LIBUNISTRING})
  set(zlib_libs z)
  set(zstd_libs zstd)
  set(zstd_more Threads::Threads)
  set(xxhash_libs xxhash)
  set(found "")
  foreach(dep fixbuf psl zlib zstd xxhash)
    set(${dep}_archives "")
    foreach(lib ${${dep}_libs})
      string(MAKE_C_IDENTIFIER "ENGINE_ARCHIVE_${lib}" var)
      find_library(${var} NAMES lib${lib}.a DOC "static archive of lib${lib} (ENGINE_STATIC_DEPS)")
      if(NOT ${var})
        message(STATUS "ENGINE_STATIC_DEPS: lib${lib}.a not found: every dependency stays shared")
        return()
      endif()
      list(APPEND ${dep}_archives ${${var}})
    endforeach()
  endforeach()
  foreach(pair FIXBUF:fixbuf PSL:psl ZLIB:zlib ZSTD:zstd XXHASH:xxhash)
    string(REPLACE ":" ";" pair "${pair}")
    list(GET pair 0 prefix)
    list(GET pair 1 dep)
    set_target_properties(PkgConfig::${prefix} PROPERTIES
      INTERFACE_LINK_LIBRARIES "${${dep}_archives};${${dep}_more}")
  endforeach()
  message(STATUS "ENGINE_STATIC_DEPS: libfixbuf, GLib, PCRE2, libpsl, libidn2, zlib, libzstd, libxxhash linked from their archives")
endfunction()
