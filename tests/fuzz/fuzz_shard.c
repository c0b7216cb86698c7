/*
 * fuzz_shard.c - the shard file (shard.h): arbitrary bytes must be accepted or
 * rejected with a reason, never read out of bounds. The head's checksum is
 * set right on a copy first (when its length field is in range), so that the
 * fuzzer reaches the field checks behind it; the rest is parsed as a partial
 * with its checksums skipped, and every group of an accepted one walked.
 */
#include <stdint.h>
#include <string.h>

#include <xxhash.h>

#include "mem.h"
#include "partial.h"
#include "shard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = mem_alloc(size + 1);
    struct shard_head h;
    struct err err;
    size_t used = 0;

    memcpy(copy, data, size);
    if (size >= 16) {
        uint32_t hlen = (uint32_t)copy[12] | (uint32_t)copy[13] << 8 | (uint32_t)copy[14] << 16 |
                        (uint32_t)copy[15] << 24;

        if (hlen >= 16 && hlen <= size) {
            uint64_t sum = XXH3_64bits(copy, hlen - 8);

            for (int i = 0; i < 8; i++)
                copy[hlen - 8 + (size_t)i] = (uint8_t)(sum >> (8 * i));
        }
    }
    err_init(&err);
    if (shard_head_decode(copy, size, &h, &used, &err) == 0) {
        size_t n = h.job_len + strlen(h.inputs); /* the inputs' text: NUL-ended, inside */

        for (size_t i = 0; i < h.nbad; i++)
            n += strlen(h.bad[i].path) + strlen(h.bad[i].msg);
        if (n == SIZE_MAX)
            __builtin_trap(); /* keeps the walk */
        {
            uint8_t *rest = mem_alloc(size - used + 1);
            struct partial *p = mem_calloc(1, sizeof(*p)); /* large: not on the stack */
            struct partial_cursor c;
            struct partial_entry e;

            memcpy(rest, copy + used, size - used);
            if (partial_parse(rest, size - used, PARTIAL_LOAD_SKIP_SUMS, p, &err) == 0) {
                uint64_t bytes = 0;

                memset(&c, 0, sizeof(c));
                while (partial_next(p, &c, &e)) /* every key and state inside the input */
                    bytes += (uint64_t)e.key_len + e.state_len + (e.key_len ? (e.key[0] & 0) : 0) +
                             (e.state_len ? (e.state[e.state_len - 1] & 0) : 0);
                if (bytes > size)
                    __builtin_trap();
            }
            partial_fini(p);
            mem_free(p);
        }
    } else if (err.code == ERR_OK) {
        __builtin_trap(); /* a refusal always says why */
    }
    shard_head_fini(&h);
    mem_free(copy);
    return 0;
}
