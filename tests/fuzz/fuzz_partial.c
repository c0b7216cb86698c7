/*
 * fuzz_partial.c - the partial-state loader (partial.h): arbitrary bytes must
 * be accepted or rejected with a reason, never read out of bounds. Each input
 * is parsed twice: as it is (checksums compared, so almost everything is
 * rejected early), and with checksums not compared, so that the fuzzer reaches
 * the block, entry and trailer checks behind them. Every group of an accepted
 * input is walked and its bytes read.
 */
#include <stdint.h>
#include <string.h>

#include "mem.h"
#include "partial.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
parse(const uint8_t *data, size_t size, unsigned flags)
{
    uint8_t *buf = mem_alloc(size + 1);
    struct partial p;
    struct partial_cursor c;
    struct partial_entry e;
    struct err err;
    uint64_t groups = 0;
    volatile uint8_t sink = 0;

    if (size)
        memcpy(buf, data, size);
    err_init(&err);
    if (partial_parse(buf, size, flags, &p, &err) == 0 && (flags & PARTIAL_LOAD_HEAD_ONLY)) {
        if (p.info.version != PARTIAL_VERSION)
            __builtin_trap(); /* only the header is checked: its groups are not to be walked */
    } else if (err.code == ERR_OK) {
        memset(&c, 0, sizeof(c));
        while (partial_next(&p, &c, &e)) {
            for (uint32_t i = 0; i < e.key_len; i++)
                sink ^= e.key[i];
            for (uint32_t i = 0; i < e.state_len; i++)
                sink ^= e.state[i];
            if (e.part != htab_part_of(e.hash))
                __builtin_trap();
            groups++;
        }
        if (groups != p.info.groups)
            __builtin_trap();
    } else if (err.code != ERR_FORMAT || err.msg[0] == '\0') {
        __builtin_trap(); /* a rejection always says why */
    }
    partial_fini(&p);
    (void)sink;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    parse(data, size, 0);
    parse(data, size, PARTIAL_LOAD_SKIP_SUMS);
    parse(data, size, PARTIAL_LOAD_HEAD_ONLY);
    return 0;
}
