/*
 * ipfix_conv.h - value conversions both decoders share (private to engine/read),
 * so that the fast path and the libfixbuf path cannot drift apart on them.
 */
#ifndef ENGINE_IPFIX_CONV_H
#define ENGINE_IPFIX_CONV_H

#include <stdint.h>
#include <string.h>

#define IPFIX_NTP_UNIX_DELTA 2208988800LL /* seconds from 1900-01-01 to 1970-01-01 */

/* ipfix_ntp_ms() - an NTP timestamp as Unix milliseconds (`micro`: a microsecond element). */
static inline int64_t
ipfix_ntp_ms(uint64_t ntp, int micro)
{
    int64_t sec = (int64_t)(ntp >> 32) - IPFIX_NTP_UNIX_DELTA;
    uint64_t frac = ntp & 0xFFFFFFFFu;

    if (micro)
        frac &= ~(uint64_t)0x7FF; /* RFC 7011 6.1.9: ignore the low 11 bits of microseconds */
    return sec * 1000 + (int64_t)((frac * 1000) >> 32);
}

/* ipfix_v4_mapped() - `ip` (host order) as ::ffff:a.b.c.d. */
static inline void
ipfix_v4_mapped(uint8_t a[16], uint32_t ip)
{
    memset(a, 0, 10);
    a[10] = 0xFF;
    a[11] = 0xFF;
    a[12] = (uint8_t)(ip >> 24);
    a[13] = (uint8_t)(ip >> 16);
    a[14] = (uint8_t)(ip >> 8);
    a[15] = (uint8_t)ip;
}

#endif
