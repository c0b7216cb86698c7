/*
 * bulksum.h - XXH3-64 of a long buffer (the checksums of partials and side files) with
 * the widest vector unit the CPU has.
 *
 * libxxhash's XXH3_64bits() is built for the baseline instruction set (SSE2 on x86-64):
 * checking a month's 17 MB roll-up cost 19 M instructions. On a CPU with AVX2 the same
 * function compiled for it (bulksum_avx2.c, chosen at run time) costs 5.5 M. XXH3 is
 * defined by its output, not by how it is computed: every path gives the value
 * XXH3_64bits() gives (test_bulksum in unit.partial compares them), so a file written on
 * one machine reads the same on any other.
 * Threads: any.
 */
#ifndef ENGINE_BULKSUM_H
#define ENGINE_BULKSUM_H

#include <stddef.h>
#include <stdint.h>

/* bulksum_xxh3() - XXH3_64bits(p, n) (p may be NULL when n is 0). */
uint64_t bulksum_xxh3(const void *p, size_t n);

/* bulksum_wide() - 1 when bulksum_xxh3() takes the AVX2 path on this machine (for tests). */
int bulksum_wide(void);

#endif
