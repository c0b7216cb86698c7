/*
 * fuzz_partitions_path.c - part_hour_from_path() and part_window_parse() on
 * arbitrary bytes.
 *
 * The input, NUL-terminated, is a path. It is also split at its first '\n'
 * into a start and an end text for the window parser (an absent second half
 * leaves the end open). Besides memory safety (ASan/UBSan), the results must
 * be consistent: an hour is whole and inside the accepted years, formats to
 * 13 bytes, and a parsed window is not empty.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mem.h"
#include "part_hour.h"
#include "part_window.h"

// NOLINTNEXTLINE(readability-identifier-naming): libFuzzer's entry point
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The value of the `n` digits at `s` (the text is known to be digits there). */
static int
num(const char *s, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static void
check_hour(int64_t hour)
{
    char text[PART_HOUR_TEXT_LEN];
    int64_t back;
    int y, mo, d, h;

    if (hour % 3600 != 0 || hour < 0 || hour > 253402297200 /* 9999-12-31T23 */)
        abort();
    part_hour_format(hour, text);
    if (strlen(text) != 13)
        abort();
    /* The formatted text must read back to the same hour. */
    y = num(text, 4);
    mo = num(text + 5, 2);
    d = num(text + 8, 2);
    h = num(text + 11, 2);
    if (!part_hour_from_civil(y, mo, d, h, &back) || back != hour)
        abort();
}

int
LLVMFuzzerTestOneInput( // NOLINT(readability-identifier-naming): libFuzzer's entry point
    const uint8_t *data, size_t size)
{
    char *s = mem_alloc(size + 1);
    char *nl;
    struct part_window w;
    struct err err;
    int64_t hour;

    memcpy(s, data, size);
    s[size] = '\0';
    if (part_hour_from_path(s, &hour))
        check_hour(hour);

    err_init(&err);
    nl = strchr(s, '\n');
    if (nl != NULL)
        *nl = '\0';
    if (part_window_parse(s, nl != NULL ? nl + 1 : NULL, &w, &err) == 0) {
        if (err.code != ERR_OK || !w.has_start)
            abort();
        check_hour(w.first_hour);
        if (w.has_end) {
            check_hour(w.last_hour);
            if (w.first_hour > w.last_hour || !part_window_contains(&w, w.first_hour) ||
                !part_window_contains(&w, w.last_hour + 3599) ||
                part_window_contains(&w, w.last_hour + 3600))
                abort();
        }
    } else if (err.code != ERR_USAGE || strlen(err.msg) == 0) {
        abort();
    }
    mem_free(s);
    return 0;
}
