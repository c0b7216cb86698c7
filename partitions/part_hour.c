/*
 * part_hour.c - the hour of a file from its path; see part_hour.h.
 *
 * Every matcher reads the string left to right and stops at the first byte
 * that does not fit, so it never reads past the NUL and any byte string is
 * safe. Work is linear in the path length. Dates go through
 * part_hour_from_civil(), which validates every field and uses Howard
 * Hinnant's days_from_civil (public domain) instead of timegm(3), whose
 * TZ handling and range differ between libcs.
 */
#include "part_hour.h"

#include <string.h>

#include "isotime.h"

#define SECS_PER_HOUR 3600
#define SECS_PER_DAY  86400

static int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The value of exactly `n` digits at `s`, or -1 if one of them is not a digit. */
static int
fixed_digits(const char *s, size_t n)
{
    int v = 0;

    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Whether the `n` bytes at `s` are all digits; stops at the first that is not. */
static int
all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return 0;
    }
    return 1;
}

/* One or two digits at `s` followed by `stop`: the value, with *len the bytes read, or -1. */
static int
short_digits(const char *s, char stop, size_t *len)
{
    size_t n = 0;
    int v = 0;

    while (n < 2 && is_digit(s[n])) {
        v = v * 10 + (s[n] - '0');
        n++;
    }
    if (n == 0 || s[n] != stop)
        return -1;
    *len = n;
    return v;
}

int
part_hour_from_civil(int year, int month, int day, int hour_of_day, int64_t *hour)
{
    if (year < PART_HOUR_YEAR_MIN || year > PART_HOUR_YEAR_MAX || month < 1 || month > 12 ||
        day < 1 || day > isotime_days_in_month(year, month) || hour_of_day < 0 || hour_of_day > 23)
        return 0;
    *hour = isotime_days_from_civil(year, month, day) * SECS_PER_DAY +
            (int64_t)hour_of_day * SECS_PER_HOUR;
    return 1;
}

char *
part_hour_format(int64_t hour, char *buf)
{
    /* Inverse of days_from_civil (civil_from_days), for the accepted years only. */
    int64_t max = isotime_days_from_civil(PART_HOUR_YEAR_MAX + 1, 1, 1) * SECS_PER_DAY;
    int64_t y, m, d, h;

    if (hour < 0 || hour >= max) {
        memcpy(buf, "?", 2);
        return buf;
    }
    h = hour % SECS_PER_DAY / SECS_PER_HOUR;
    isotime_civil_from_days(hour / SECS_PER_DAY, &y, &m, &d);
    /* Fixed-width fields: y < 10000 and the rest < 100, so 13 bytes + NUL exactly. */
    buf[0] = (char)('0' + y / 1000);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = 'T';
    buf[11] = (char)('0' + h / 10);
    buf[12] = (char)('0' + h % 10);
    buf[13] = '\0';
    return buf;
}

/*
 * YAF rotate name: "-" YYYYMMDDhhmmss "-" serial (1+ digits), then '.' or the
 * end. YAF writes the serial as %05u; more digits are accepted. The last
 * valid match in the name wins.
 */
static int
from_yaf_name(const char *name, size_t len, int64_t *hour)
{
    for (size_t i = len; i-- > 0;) {
        const char *s = name + i;
        int y, mo, d, h, mi, se;
        size_t n;

        /* Each test stops at the first non-digit (a NUL included), so nothing
         * past the string's end is read: s[15] only after 14 digits. */
        if (s[0] != '-' || !all_digits(s + 1, 14) || s[15] != '-')
            continue;
        y = fixed_digits(s + 1, 4);
        mo = fixed_digits(s + 5, 2);
        d = fixed_digits(s + 7, 2);
        h = fixed_digits(s + 9, 2);
        mi = fixed_digits(s + 11, 2);
        se = fixed_digits(s + 13, 2);
        for (n = 16; is_digit(s[n]); n++)
            ;
        if (n == 16 || (s[n] != '.' && s[n] != '\0'))
            continue;
        if (mi > 59 || se > 60) /* 60: a leap second */
            continue;
        if (part_hour_from_civil(y, mo, d, h, hour))
            return 1;
    }
    return 0;
}

/*
 * SiLK hourly name: "_" YYYYMMDD "." HH, then the end or '.' and a suffix
 * (rwflowpack's temporary names, compression). The last valid match wins.
 */
static int
from_silk_name(const char *name, size_t len, int64_t *hour)
{
    for (size_t i = len; i-- > 0;) {
        const char *s = name + i;
        int y, mo, d, h;

        if (s[0] != '_' || !all_digits(s + 1, 8) || s[9] != '.')
            continue;
        y = fixed_digits(s + 1, 4);
        mo = fixed_digits(s + 5, 2);
        d = fixed_digits(s + 7, 2);
        h = fixed_digits(s + 10, 2);
        if (h < 0 || (s[12] != '\0' && s[12] != '.'))
            continue;
        if (part_hour_from_civil(y, mo, d, h, hour))
            return 1;
    }
    return 0;
}

/* "key=" then 1-2 digits then '/': the value and *adv = bytes through the '/', or -1. */
static int
hive_field(const char *s, const char *key, size_t *adv)
{
    size_t klen = strlen(key);
    size_t n;
    int v;

    /* strncmp stops at the NUL of `s` because `key` has none before klen. */
    if (strncmp(s, key, klen) != 0)
        return -1;
    v = short_digits(s + klen, '/', &n);
    if (v < 0)
        return -1;
    *adv = klen + n + 1;
    return v;
}

/* Hive folders year=YYYY/month=M/day=D/hour=H/ starting at component `s`. */
static int
hive_at(const char *s, int64_t *hour)
{
    size_t adv;
    int y, mo, d, h;

    if (strncmp(s, "year=", 5) != 0)
        return 0;
    y = fixed_digits(s + 5, 4);
    if (y < 0 || s[9] != '/')
        return 0;
    s += 10;
    if ((mo = hive_field(s, "month=", &adv)) < 0)
        return 0;
    s += adv;
    if ((d = hive_field(s, "day=", &adv)) < 0)
        return 0;
    s += adv;
    if ((h = hive_field(s, "hour=", &adv)) < 0)
        return 0;
    return part_hour_from_civil(y, mo, d, h, hour);
}

/* Plain folders YYYY/MM/DD/HH/ starting at component `s`. */
static int
folders_at(const char *s, int64_t *hour)
{
    int y = fixed_digits(s, 4);
    int mo, d, h;

    if (y < 0 || s[4] != '/')
        return 0;
    mo = fixed_digits(s + 5, 2);
    if (mo < 0 || s[7] != '/')
        return 0;
    d = fixed_digits(s + 8, 2);
    if (d < 0 || s[10] != '/')
        return 0;
    h = fixed_digits(s + 11, 2);
    if (h < 0 || s[13] != '/')
        return 0;
    return part_hour_from_civil(y, mo, d, h, hour);
}

/* The deepest directory component where `at` matches; `len` is the directory part's length. */
static int
from_folders(const char *path, size_t len, int (*at)(const char *, int64_t *), int64_t *hour)
{
    int found = 0;

    for (size_t i = 0; i < len; i++) {
        int64_t h;

        if ((i == 0 || path[i - 1] == '/') && at(path + i, &h)) {
            *hour = h;
            found = 1;
        }
    }
    return found;
}

int
part_hour_from_path(const char *path, int64_t *hour)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash != NULL ? slash + 1 : path;
    size_t dir_len = (size_t)(name - path); /* directory part, through its last '/' */
    size_t name_len = strlen(name);

    return from_yaf_name(name, name_len, hour) || from_silk_name(name, name_len, hour) ||
           from_folders(path, dir_len, hive_at, hour) ||
           from_folders(path, dir_len, folders_at, hour);
}
