/*
 * le.h - little-endian loads and stores of 16-, 32- and 64-bit integers, the
 * byte order of every file and message flowsweep writes (partials, shards,
 * saved operator state, MPI messages). Any alignment, any host order: on a
 * little-endian host each is one memcpy, which compilers make one load or
 * store (gcc 12 -O2 leaves a byte loop a loop); elsewhere byte by byte.
 * Threads: pure functions.
 */
#ifndef ENGINE_LE_H
#define ENGINE_LE_H

#include <stdint.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#    define LE_HOST 1
#else
#    define LE_HOST 0
#endif

/* le_put16() / le_put32() / le_put64() - `v` into p[0..2), p[0..4) or p[0..8). */
static inline void
le_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void
le_put32(uint8_t *p, uint32_t v)
{
    if (LE_HOST) {
        memcpy(p, &v, 4);
        return;
    }
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline void
le_put64(uint8_t *p, uint64_t v)
{
    if (LE_HOST) {
        memcpy(p, &v, 8);
        return;
    }
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* le_get16() / le_get32() / le_get64() - the integer at p[0..2), p[0..4) or p[0..8). */
static inline uint16_t
le_get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t
le_get32(const uint8_t *p)
{
    uint32_t v = 0;

    if (LE_HOST) {
        memcpy(&v, p, 4);
        return v;
    }
    for (int i = 0; i < 4; i++)
        v |= (uint32_t)p[i] << (8 * i);
    return v;
}

static inline uint64_t
le_get64(const uint8_t *p)
{
    uint64_t v = 0;

    if (LE_HOST) {
        memcpy(&v, p, 8);
        return v;
    }
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

#endif
