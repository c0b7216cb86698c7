/*
 * isotime.c - ISO 8601 UTC parsing and formatting; see isotime.h.
 *
 * Howard Hinnant's days_from_civil / civil_from_days (public domain), so no
 * timegm(3) or locale is involved.
 */
#include "isotime.h"

#include <stdio.h>

#define MS_PER_DAY INT64_C(86400000)

static int
is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
isotime_days_in_month(int64_t y, int64_t m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

int64_t
isotime_days_from_civil(int64_t y, int64_t m, int64_t d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void
isotime_civil_from_days(int64_t days, int64_t *y, int64_t *m, int64_t *d)
{
    int64_t z = days + 719468, era = z / 146097, doe, yoe, doy, mp;

    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

/* Reads exactly `n` digits at s[*i]; -1 if they are not there. */
static int64_t
digits(const char *s, size_t len, size_t *i, int n)
{
    int64_t v = 0;

    for (int k = 0; k < n; k++, (*i)++) {
        if (*i >= len || s[*i] < '0' || s[*i] > '9')
            return -1;
        v = v * 10 + (s[*i] - '0');
    }
    return v;
}

int
isotime_parse(const char *s, size_t len, int64_t *ms, int64_t *prec)
{
    size_t i = 0;
    int64_t y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, p = MS_PER_DAY;

    y = digits(s, len, &i, 4);
    if (y < 1970 || i >= len || s[i++] != '-')
        return -1;
    mo = digits(s, len, &i, 2);
    if (mo < 1 || mo > 12 || i >= len || s[i++] != '-')
        return -1;
    d = digits(s, len, &i, 2);
    if (d < 1 || d > isotime_days_in_month(y, mo))
        return -1;
    if (i < len && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
        i++;
        h = digits(s, len, &i, 2);
        if (h < 0 || h > 23)
            return -1;
        p = 3600000;
        if (i < len && s[i] == ':') {
            i++;
            mi = digits(s, len, &i, 2);
            if (mi < 0 || mi > 59)
                return -1;
            p = 60000;
            if (i < len && s[i] == ':') {
                i++;
                sec = digits(s, len, &i, 2);
                if (sec < 0 || sec > 59)
                    return -1;
                p = 1000;
                if (i < len && s[i] == '.') {
                    int64_t scale = 100;

                    i++;
                    if (i >= len || s[i] < '0' || s[i] > '9')
                        return -1;
                    while (i < len && s[i] >= '0' && s[i] <= '9') {
                        if (scale == 0 && s[i] != '0')
                            return -1; /* below a millisecond */
                        frac += (s[i] - '0') * scale;
                        scale /= 10;
                        i++;
                    }
                    p = scale ? scale * 10 : 1; /* .1: 100 ms, .12: 10, .123 (and .1230): 1 */
                }
            }
        }
        if (i < len && (s[i] == 'Z' || s[i] == 'z'))
            i++;
        else if (len - i == 6 && (s[i] == '+' || s[i] == '-') && s[i + 1] == '0' &&
                 s[i + 2] == '0' && s[i + 3] == ':' && s[i + 4] == '0' && s[i + 5] == '0')
            i += 6;
    }
    if (i != len)
        return -1;
    *ms = isotime_days_from_civil(y, mo, d) * MS_PER_DAY + h * 3600000 + mi * 60000 + sec * 1000 +
          frac;
    if (prec)
        *prec = p;
    return 0;
}

int
isotime_has_offset(const char *s, size_t len)
{
    for (size_t i = 11; i < len; i++) /* after YYYY-MM-DDT */
        if (s[i] == '+' || s[i] == '-')
            return 1;
    return 0;
}

char *
isotime_format(int64_t ms, char *buf)
{
    int64_t rem, y, m, d;

    if (ms < 0 || ms >= INT64_C(253402300800000)) { /* outside 1970..9999 */
        snprintf(buf, ISOTIME_LEN, "%lld", (long long)ms);
        return buf;
    }
    rem = ms % MS_PER_DAY;
    isotime_civil_from_days(ms / MS_PER_DAY, &y, &m, &d);
    if (rem % 1000)
        snprintf(buf, ISOTIME_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (int)y, (int)m, (int)d,
                 (int)(rem / 3600000), (int)(rem / 60000 % 60), (int)(rem / 1000 % 60),
                 (int)(rem % 1000));
    else
        snprintf(buf, ISOTIME_LEN, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, (int)m, (int)d,
                 (int)(rem / 3600000), (int)(rem / 60000 % 60), (int)(rem / 1000 % 60));
    return buf;
}
