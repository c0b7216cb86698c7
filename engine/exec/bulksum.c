/*
 * bulksum.c - see bulksum.h.
 */
#include "bulksum.h"

#include <xxhash.h>

/*
 * Below this many bytes the vector loop does not run: XXH3 hashes inputs of up to 240 bytes
 * (XXH3_MIDSIZE_MAX) with scalar code alone; from 241 on it goes through the stripe loop that
 * -mavx2 widens (many of the groups a roll-up holds are 241-1023 bytes: dns-names' sets).
 */
#define BULK_MIN 241

#ifdef ENGINE_BULKSUM_AVX2
uint64_t bulksum_avx2(const void *p, size_t n);
#endif

int
bulksum_wide(void)
{
#ifdef ENGINE_BULKSUM_AVX2
    return __builtin_cpu_supports("avx2") != 0;
#else
    return 0;
#endif
}

uint64_t
bulksum_xxh3(const void *p, size_t n)
{
#ifdef ENGINE_BULKSUM_AVX2
    if (n >= BULK_MIN && __builtin_cpu_supports("avx2"))
        return bulksum_avx2(p, n);
#endif
    return XXH3_64bits(p, n);
}
