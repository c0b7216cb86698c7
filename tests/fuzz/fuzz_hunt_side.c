/*
 * fuzz_hunt_side.c - dns-hunt's side file of a roll-up (hunt_side.h): arbitrary bytes must
 * be accepted or rejected with a reason, never read out of bounds. Each input is parsed
 * with checksums compared and without (so that the fuzzer reaches the count, order and
 * range checks behind them); an accepted one is walked as a re-run walks it: every entry
 * (its key and client hashes inside the file), a lookup of every entry's hash, every client
 * total, and the ranking of its groups against an empty table (hunt_side_rank()).
 */
#include <stdint.h>
#include <string.h>

#include "hunt.h"
#include "hunt_side.h"
#include "mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
parse(const uint8_t *data, size_t size, unsigned flags)
{
    uint8_t *buf = mem_alloc(size + 1);
    struct hside s;
    struct err err;
    volatile uint32_t sink = 0;

    if (size)
        memcpy(buf, data, size);
    err_init(&err);
    if (hunt_side_parse(buf, size, flags, &s, &err) == 0) {
        struct hunt h;
        struct memacct acct;
        struct htab *t;
        uint64_t *top = NULL, groups = 0, kept = 0;
        size_t ntop = 0;
        uint8_t *touched = mem_calloc(s.groups + 1, 1);

        for (uint64_t i = 0; i < s.groups; i++) {
            struct hside_ent e;
            uint64_t k;

            hunt_side_ent(&s, i, &e);
            if (e.off + e.len > s.roll.size || e.len < 10 || e.key < s.keys ||
                e.key + e.key_len > s.keys + s.nkeys || e.cl_off + e.ncl > s.nclients)
                __builtin_trap();
            for (uint32_t c = 0; c < e.ncl; c++)
                sink ^= hunt_side_client(&s, e.cl_off + c);
            k = hunt_side_find(&s, e.hash);
            if (k > i) /* the first entry of its hash is not after it */
                __builtin_trap();
            if (k > 0) { /* and is the first: the one before it hashes below */
                struct hside_ent x;

                hunt_side_ent(&s, k - 1, &x);
                if (x.hash >= e.hash)
                    __builtin_trap();
            }
            touched[i] = (uint8_t)(e.hash & 1);
        }
        for (uint64_t i = 0; i < s.tags; i++) {
            uint64_t hash;
            uint32_t ch;
            struct hunt_wide b;

            hunt_side_tag(&s, i, &hash, &ch, &b);
            sink ^= ch;
        }
        memset(&h, 0, sizeof(h));
        h.o.by = HUNT_BY_DOMAIN;
        h.o.len_norm = 40;
        h.o.entropy_norm = 4;
        h.o.min_names = 2;
        memacct_init(&acct, 0);
        t = htab_create(sizeof(struct hunt_val), &acct, &err);
        hunt_side_rank(&h, t, &s, touched, 5, &top, &ntop, &groups, &kept);
        if (ntop > 5 || ntop > kept || kept > groups || groups > s.groups)
            __builtin_trap();
        for (size_t k = 0; k < ntop; k++)
            if (top[k] >= s.groups || touched[top[k]])
                __builtin_trap();
        mem_free(top);
        htab_destroy(t);
        mem_free(touched);
    } else if (err.code != ERR_FORMAT || err.msg[0] == '\0') {
        __builtin_trap(); /* a rejection always says why */
    }
    (void)sink;
    hunt_side_fini(&s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    parse(data, size, 0);
    parse(data, size, HSIDE_SKIP_SUMS);
    return 0;
}
