/*
 * fuzz_side.c - the side file of a roll-up (side.h): arbitrary bytes must be
 * accepted or rejected with a reason, never read out of bounds. Each input is
 * parsed with checksums compared and without (so that the fuzzer reaches the
 * count, order and rank checks behind them); an accepted one is walked as a
 * re-run walks it: every entry, every list place, a lookup of every entry's
 * hash. The input is also taken as one group's bytes (partial_group_parse(),
 * what side_group() parses after its checksum).
 */
#include <stdint.h>
#include <string.h>

#include "mem.h"
#include "partial.h"
#include "side.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
parse(const uint8_t *data, size_t size, unsigned flags)
{
    uint8_t *buf = mem_alloc(size + 1);
    struct side s;
    struct side_ent e;
    struct err err;
    uint64_t passing = 0, listed = 0;

    if (size)
        memcpy(buf, data, size);
    err_init(&err);
    if (side_parse(buf, size, flags, &s, &err) == 0) {
        for (uint64_t i = 0; i < s.groups; i++) {
            uint64_t k;

            side_ent(&s, i, &e);
            if (e.off + e.len > s.roll.size || e.len < 10)
                __builtin_trap();
            k = side_find(&s, e.hash);
            if (k > i) /* the first entry of its hash is not after it */
                __builtin_trap();
            if (k > 0) { /* and is the first: the one before it hashes below */
                struct side_ent x;

                side_ent(&s, k - 1, &x);
                if (x.hash >= e.hash)
                    __builtin_trap();
            }
            passing += e.rank != SIDE_NOT_PASSING;
            if (e.rank < s.listed) {
                listed++;
                if (side_list(&s, e.rank) != i)
                    __builtin_trap();
            }
        }
        for (uint64_t k = 0; k < s.listed; k++)
            if (side_list(&s, k) >= s.groups)
                __builtin_trap();
        if (passing != s.passed || listed != s.listed)
            __builtin_trap();
    } else if (err.code != ERR_FORMAT || err.msg[0] == '\0') {
        __builtin_trap(); /* a rejection always says why */
    }
    side_fini(&s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct partial_entry g;
    volatile uint8_t sink = 0;

    parse(data, size, 0);
    parse(data, size, SIDE_SKIP_SUMS);
    if (partial_group_parse(data, size, &g) == 0) {
        if (g.key + g.key_len != g.state || g.state + g.state_len != data + size)
            __builtin_trap();
        for (uint32_t i = 0; i < g.key_len; i++)
            sink ^= g.key[i];
    }
    (void)sink;
    return 0;
}
