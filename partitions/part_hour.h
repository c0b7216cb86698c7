/*
 * part_hour.h - the hour a data file covers, told from its path, and the
 * civil-time arithmetic behind it (UTC throughout; no timegm, no TZ).
 *
 * Layouts, most specific first (the first that matches with valid values wins;
 * a layout whose digits are out of range is not a match and the next is tried):
 *   1. YAF rotate name   .../yaf-20240501130512-00042.yaf    -> 2024-05-01T13
 *   2. SiLK hourly name  .../in-S0_20240501.13[.suffix]      -> 2024-05-01T13
 *   3. Hive folders      .../year=2024/month=5/day=01/hour=13/...
 *   4. Plain folders     .../2024/05/01/13/...
 * 1 and 2 look at the last path component; 3 and 4 at directory components
 * only (the hour folder must be followed by '/'), the deepest match winning.
 * Years 1970-9999 are accepted. Threads: pure functions, any thread.
 */
#ifndef ENGINE_PART_HOUR_H
#define ENGINE_PART_HOUR_H

#include <stddef.h>
#include <stdint.h>

#define PART_HOUR_UNKNOWN  INT64_MIN /* struct part_file.hour when the path does not tell */
#define PART_HOUR_YEAR_MIN 1970
#define PART_HOUR_YEAR_MAX 9999
#define PART_HOUR_TEXT_LEN 14 /* "YYYY-MM-DDTHH" and its NUL */

/*
 * part_hour_from_path() - the hour `path` (NUL-terminated, any bytes) belongs
 * to. Returns 1 and sets *hour to the Unix seconds of that hour's start, or
 * returns 0 (and leaves *hour alone) when no recognised layout matches.
 * Reads `path` only up to its NUL; never fails otherwise.
 */
int part_hour_from_path(const char *path, int64_t *hour);

/*
 * part_hour_from_civil() - Unix seconds of year-month-day hour:00:00 UTC.
 * Returns 1 with *hour set, or 0 when a field is out of range (year outside
 * PART_HOUR_YEAR_MIN..MAX, month 1-12, day 1..days in that month counting
 * leap years, hour 0-23).
 */
int part_hour_from_civil(int year, int month, int day, int hour_of_day, int64_t *hour);

/*
 * part_hour_format() - writes `hour` as "YYYY-MM-DDTHH" (UTC, truncated to
 * the hour) into `buf`, which must hold PART_HOUR_TEXT_LEN bytes. An hour
 * outside the accepted years, or PART_HOUR_UNKNOWN, is written as "?".
 * Returns `buf`.
 */
char *part_hour_format(int64_t hour, char *buf);

#endif
