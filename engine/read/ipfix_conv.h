/*
 * ipfix_conv.h - value conversions both decoders share (private to engine/read),
 * so that the fast path and the libfixbuf path cannot drift apart on them.
 */
#ifndef ENGINE_IPFIX_CONV_H
#define ENGINE_IPFIX_CONV_H

#include <stdint.h>
#include <string.h>

#include "ipfix_scan.h"

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

/*
 * ipfix_time_ms() - a flow time of kind `k` (enum ipfix_tkind) with the value
 * `v` as read (seconds, ms since system init, microseconds before export...)
 * as Unix milliseconds. `init_ms` is the record's systemInitTimeMilliseconds
 * (IPFIX_T_UP), `export_s` its message's export time (IPFIX_T_DELTA). Exact:
 * seconds x 1000; init + uptime (64-bit, as the wire's unsigned values add);
 * a delta of microseconds is taken from the export time in microseconds and
 * the result rounded down to the millisecond, as the NTP forms are.
 */
static inline int64_t
ipfix_time_ms(enum ipfix_tkind k, uint64_t v, uint64_t init_ms, uint32_t export_s)
{
    switch (k) {
    case IPFIX_T_MS:
        return (int64_t)v;
    case IPFIX_T_US:
        return ipfix_ntp_ms(v, 1);
    case IPFIX_T_NS:
        return ipfix_ntp_ms(v, 0);
    case IPFIX_T_S:
        return (int64_t)(v & 0xFFFFFFFFu) * 1000;
    case IPFIX_T_UP:
        return (int64_t)(init_ms + (v & 0xFFFFFFFFu));
    case IPFIX_T_DELTA: {
        int64_t us = (int64_t)export_s * 1000000 - (int64_t)(v & 0xFFFFFFFFu);

        return us >= 0 ? us / 1000 : -((-us + 999) / 1000); /* floor */
    }
    case IPFIX_T_NONE:
    default:
        return 0;
    }
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
