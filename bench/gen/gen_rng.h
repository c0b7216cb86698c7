/*
 * gen_rng.h - the generator's small, fast, seedable PRNG (xoshiro256**).
 *
 * Every generated file draws from its own stream, seeded by splitmix64 from
 * (seed, hour, file), so a file's bytes never depend on which thread wrote it
 * or on what other files exist. No global state. The algorithms are the
 * public-domain ones by Blackman and Vigna (prng.di.unimi.it), written out
 * here from their description.
 * Threads: a struct gen_rng is confined to one thread.
 */
#ifndef BENCH_GEN_RNG_H
#define BENCH_GEN_RNG_H

#include <stdint.h>

struct gen_rng {
    uint64_t s[4]; /* xoshiro256** state; never all zero */
};

/* gen_rng_mix() - splitmix64 step: advances *x and returns a well mixed word. */
static inline uint64_t
gen_rng_mix(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* gen_rng_hash3() - a 64-bit hash of three words (stream keys, per-name facts). */
static inline uint64_t
gen_rng_hash3(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t x = a;
    uint64_t h = gen_rng_mix(&x);

    x = h ^ b;
    h = gen_rng_mix(&x);
    x = h ^ c;
    return gen_rng_mix(&x);
}

/* gen_rng_seed() - starts the stream named by (a, b, c), e.g. (seed, hour, file). */
static inline void
gen_rng_seed(struct gen_rng *r, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t x = gen_rng_hash3(a, b, c);

    for (int i = 0; i < 4; i++)
        r->s[i] = gen_rng_mix(&x);
}

static inline uint64_t
gen_rng_rotl(uint64_t v, int k)
{
    return (v << k) | (v >> (64 - k));
}

/* gen_rng_next() - the next 64 random bits. */
static inline uint64_t
gen_rng_next(struct gen_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = gen_rng_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = gen_rng_rotl(s[3], 45);
    return out;
}

/* gen_rng_below() - uniform in [0, n) for n >= 1 (multiply-shift; bias < 2^-32). */
static inline uint32_t
gen_rng_below(struct gen_rng *r, uint32_t n)
{
    return (uint32_t)(((gen_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* gen_rng_range() - uniform in [lo, hi] (inclusive), lo <= hi. */
static inline uint32_t
gen_rng_range(struct gen_rng *r, uint32_t lo, uint32_t hi)
{
    return lo + gen_rng_below(r, hi - lo + 1);
}

/* gen_rng_chance() - 1 with probability ppm / 1e6. */
static inline int
gen_rng_chance(struct gen_rng *r, uint32_t ppm)
{
    return gen_rng_below(r, 1000000) < ppm;
}

/* gen_rng_unit() - uniform double in [0, 1). */
static inline double
gen_rng_unit(struct gen_rng *r)
{
    return (double)(gen_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

#endif
