/* test_gen_rng.c - the generator's PRNG: reproducible streams, ranges, independence. */
#include "check.h"
#include "gen_rng.h"

static void
test_streams_repeat(void)
{
    struct gen_rng a, b;

    gen_rng_seed(&a, 1, 2, 3);
    gen_rng_seed(&b, 1, 2, 3);
    for (int i = 0; i < 1000; i++)
        CHECK_EQ_U64(gen_rng_next(&a), gen_rng_next(&b));
}

static void
test_streams_differ(void)
{
    struct gen_rng a, b, c;
    int same_ab = 0, same_ac = 0;

    /* Neighbouring keys (the next hour, the next file) must give unrelated streams. */
    gen_rng_seed(&a, 1, 100, 0);
    gen_rng_seed(&b, 1, 101, 0);
    gen_rng_seed(&c, 1, 100, 1);
    for (int i = 0; i < 1000; i++) {
        uint64_t x = gen_rng_next(&a);
        same_ab += x == gen_rng_next(&b);
        same_ac += x == gen_rng_next(&c);
    }
    CHECK(same_ab == 0);
    CHECK(same_ac == 0);
    CHECK(gen_rng_hash3(1, 2, 3) != gen_rng_hash3(1, 3, 2));
}

static void
test_ranges(void)
{
    struct gen_rng r;
    uint32_t hist[10] = {0};
    int bad = 0;

    gen_rng_seed(&r, 42, 0, 0);
    for (int i = 0; i < 100000; i++) {
        uint32_t v = gen_rng_below(&r, 10);
        if (v >= 10) {
            bad++;
            continue;
        }
        hist[v]++;
        uint32_t w = gen_rng_range(&r, 5, 7);
        bad += w < 5 || w > 7;
        double u = gen_rng_unit(&r);
        bad += u < 0 || u >= 1;
    }
    CHECK(bad == 0);
    for (int k = 0; k < 10; k++) /* uniform: 10000 each, well within 5% */
        CHECK(hist[k] > 9500 && hist[k] < 10500);
    CHECK(gen_rng_below(&r, 1) == 0);
    int yes = 0;
    for (int i = 0; i < 100000; i++)
        yes += gen_rng_chance(&r, 250000);
    CHECK(yes > 24000 && yes < 26000);
}

int
main(void)
{
    RUN(test_streams_repeat);
    RUN(test_streams_differ);
    RUN(test_ranges);
    return CHECK_DONE();
}
