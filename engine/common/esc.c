/*
 * esc.c - see esc.h.
 */
#include "esc.h"

static int
plain(uint8_t c)
{
    return c >= 0x20 && c <= 0x7E;
}

size_t
esc_len(const uint8_t *src, size_t len)
{
    size_t n = 0;

    for (size_t i = 0; i < len; i++)
        n += plain(src[i]) ? 1 : 4;
    return n;
}

int
esc_is_plain(const uint8_t *src, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!plain(src[i]))
            return 0;
    return 1;
}

size_t
esc_bytes(char *dst, size_t cap, const uint8_t *src, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t need = 0;
    size_t at = 0;
    int full = cap == 0;

    for (size_t i = 0; i < len; i++) {
        uint8_t c = src[i];
        size_t w = plain(c) ? 1 : 4;

        if (!full && at + w >= cap)
            full = 1;
        if (!full) {
            if (w == 1) {
                dst[at] = (char)c;
            } else {
                dst[at] = '\\';
                dst[at + 1] = 'x';
                dst[at + 2] = hex[c >> 4];
                dst[at + 3] = hex[c & 15];
            }
            at += w;
        }
        need += w;
    }
    if (cap > 0)
        dst[at] = '\0';
    return need;
}
