/*
 * isotime.h - ISO 8601 UTC times, to and from Unix milliseconds.
 *
 * Accepted (always UTC): YYYY-MM-DD, YYYY-MM-DDTHH, YYYY-MM-DDTHH:MM,
 * YYYY-MM-DDTHH:MM:SS, with an optional fraction (.s to .sss) after the
 * seconds, and an optional "Z" or "+00:00"; a space may stand for the "T".
 * Years 1970..9999. Every field is validated (no 31 April, no hour 24).
 * Threads: pure functions.
 */
#ifndef ENGINE_ISOTIME_H
#define ENGINE_ISOTIME_H

#include <stddef.h>
#include <stdint.h>

/*
 * isotime_parse() - the time in `s` (len bytes) as Unix milliseconds in *ms;
 * returns 0, or -1 when `s` is not one of the accepted forms or not a valid
 * time. *prec is set to the unit of the last field given, in milliseconds
 * (86400000 for a date, 3600000 for an hour, 60000, 1000; a fraction of one,
 * two or three digits or more: 100, 10 or 1).
 */
int isotime_parse(const char *s, size_t len, int64_t *ms, int64_t *prec);

/*
 * isotime_has_offset() - whether `s` (len bytes) looks like a time with a UTC
 * offset (a '+' or '-' after its date, as in 2024-05-06T01:00+02:00), for a
 * message that says times are UTC when isotime_parse() refused it.
 */
int isotime_has_offset(const char *s, size_t len);

/*
 * isotime_format() - writes `ms` as "YYYY-MM-DDTHH:MM:SS[.sss]Z" into `buf`
 * (at least ISOTIME_LEN bytes), the fraction only when `ms` has one; returns
 * buf. Times outside years 0..9999 are written as the plain number.
 */
#define ISOTIME_LEN 80
char *isotime_format(int64_t ms, char *buf);

/* isotime_days_in_month() - days in month `m` (1-12) of year `y` (proleptic Gregorian). */
int isotime_days_in_month(int64_t y, int64_t m);

/* isotime_days_from_civil() - days from 1970-01-01 to y-m-d (Hinnant's days_from_civil). */
int64_t isotime_days_from_civil(int64_t y, int64_t m, int64_t d);

/* isotime_civil_from_days() - the inverse, for days >= 0 (1970-01-01 and later). */
void isotime_civil_from_days(int64_t days, int64_t *y, int64_t *m, int64_t *d);

#endif
