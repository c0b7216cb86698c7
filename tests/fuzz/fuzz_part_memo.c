/*
 * fuzz_part_memo.c - the walk memo's loader (part_memo_parse()) on arbitrary bytes, with
 * its checksum compared and without it (so that the checks behind it are reached).
 * Besides memory safety (ASan/UBSan): a memo that loads can be looked up, and a rejected
 * one holds nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mem.h"
#include "part_memo.h"

// NOLINTNEXTLINE(readability-identifier-naming): libFuzzer's entry point
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (unsigned flags = 0; flags <= PART_MEMO_NO_CHECKSUM; flags++) {
        struct err warn;
        struct part_memo *m;
        size_t loaded, hits, puts, n = 0;
        struct part_memo_dir d = {0, 0, 0, 0, 0};
        char **names;

        err_init(&warn);
        m = part_memo_parse(data, size, flags, &warn);
        part_memo_stats(m, &loaded, &hits, &puts);
        if (warn.code != ERR_OK && loaded != 0)
            abort(); /* a rejected memo keeps nothing */
        names = part_memo_get(m, &d, &n);
        for (size_t i = 0; names != NULL && i < n; i++)
            if (strlen(names[i]) == 0)
                abort(); /* every name is a string of its own, in the array's allocation */
        mem_free(names);
        part_memo_free(m);
    }
    return 0;
}
