/*
 * bulksum_avx2.c - XXH3-64 compiled with -mavx2 (CMakeLists.txt), so that xxhash.h
 * takes its AVX2 loop. Called only when the CPU has AVX2 (bulksum.c).
 */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "bulksum.h"

uint64_t bulksum_avx2(const void *p, size_t n);

uint64_t
bulksum_avx2(const void *p, size_t n)
{
    return XXH3_64bits(p, n);
}
