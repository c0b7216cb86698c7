/*
 * part_window.c - --start/--end into whole hours; see part_window.h.
 *
 * The texts come from the command line, so every byte is possible: a text is
 * accepted only when its length is exactly one of the forms' and every digit
 * position holds a digit, and it is echoed back escaped (esc.h) and cut short
 * in error messages.
 */
#include "part_window.h"

#include <stdio.h>
#include <string.h>

#include "err.h"
#include "esc.h"
#include "part_hour.h"

#define FORMS                                                                              \
    "YYYY-MM-DDTHH[:MM[:SS]][Z], YYYY-MM-DD, YYYY/MM/DD:HH or YYYY/MM/DD (UTC, both ends " \
    "inclusive)"
#define SHOW_BYTES 64 /* bytes of a bad text echoed in a message */

static int
digits2(const char *s)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return -1;
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/*
 * One bound: "YYYY?MM?DD" (10 bytes) or "YYYY?MM?DD!HH" (13) where ? is '-'
 * and ! is 'T', or ? is '/' and ! is ':' (SiLK); with '-' also
 * "YYYY-MM-DDTHH:MM" (16) and "YYYY-MM-DDTHH:MM:SS" (19), each with an
 * optional 'Z'. A date alone is hour `date_hour`. Returns 1 with *hour (the
 * hour's start, Unix seconds), *sec (the time itself, Unix seconds) and
 * *unit (seconds to the end of the precision written: 3600, 60 or 1) set,
 * 0 if `text` is not a valid time.
 */
static int
parse_bound(const char *text, int date_hour, int64_t *hour, int64_t *sec, int64_t *unit)
{
    size_t len = strnlen(text, 21);
    char sep, hsep;
    int y1, y2, mo, d, h = date_hour, mi = 0, se = 0;

    *unit = 3600;
    if (len >= 14 && text[len - 1] == 'Z' && text[4] == '-') /* YYYY-MM-DDTHHZ and longer */
        len--;
    if (len != 10 && len != 13 && len != 16 && len != 19)
        return 0;
    sep = text[4];
    hsep = sep == '-' ? 'T' : ':';
    if ((sep != '-' && sep != '/') || text[7] != sep)
        return 0;
    y1 = digits2(text);
    y2 = digits2(text + 2);
    mo = digits2(text + 5);
    d = digits2(text + 8);
    if (y1 < 0 || y2 < 0 || mo < 0 || d < 0)
        return 0;
    if (len >= 13) {
        if (text[10] != hsep || (h = digits2(text + 11)) < 0)
            return 0;
    }
    if (len >= 16) {
        if (sep != '-' || text[13] != ':' || (mi = digits2(text + 14)) < 0 || mi > 59)
            return 0;
        *unit = 60;
    }
    if (len == 19) {
        if (text[16] != ':' || (se = digits2(text + 17)) < 0 || se > 59)
            return 0;
        *unit = 1;
    }
    if (!part_hour_from_civil(y1 * 100 + y2, mo, d, h, hour))
        return 0;
    *sec = *hour + mi * 60 + se;
    return 1;
}

static int
bad_text(struct err *err, const char *what, const char *text)
{
    char shown[4 * SHOW_BYTES + 1];
    size_t len = strnlen(text, SHOW_BYTES + 1);

    esc_bytes(shown, sizeof(shown), (const uint8_t *)text, len > SHOW_BYTES ? SHOW_BYTES : len);
    return ERR_SET(err, ERR_USAGE, "%s time \"%s%s\" is not a valid hour; use %s", what, shown,
                   len > SHOW_BYTES ? "..." : "", FORMS);
}

/* Unix second t as YYYY-MM-DDTHH, with :MM:SS when not an hour's start. */
static const char *
time_text(int64_t t, char *buf)
{
    int64_t hour = t - (t % 3600 + 3600) % 3600;
    char h[PART_HOUR_TEXT_LEN];

    part_hour_format(hour, h);
    if (t == hour)
        snprintf(buf, PART_HOUR_TEXT_LEN + 8, "%s", h);
    else
        snprintf(buf, PART_HOUR_TEXT_LEN + 8, "%s:%02d:%02d", h, (int)((t - hour) / 60),
                 (int)((t - hour) % 60));
    return buf;
}

int
part_window_parse(const char *start, const char *end, struct part_window *w, struct err *err)
{
    struct part_window r;
    int64_t start_sec = 0, end_sec = 0, unit;

    memset(&r, 0, sizeof(r));
    if (start != NULL) {
        if (!parse_bound(start, 0, &r.first_hour, &start_sec, &unit))
            return bad_text(err, "start", start);
        r.has_start = 1;
        r.start_ms = start_sec * 1000;
        r.subhour |= unit != 3600; /* minutes or seconds written, even :00 */
    }
    if (end != NULL) {
        if (!parse_bound(end, 23, &r.last_hour, &end_sec, &unit))
            return bad_text(err, "end", end);
        r.has_end = 1;
        r.end_ms = (end_sec + unit) * 1000;
        r.subhour |= unit != 3600;
    }
    if (r.has_start && r.has_end && r.start_ms >= r.end_ms) {
        char a[PART_HOUR_TEXT_LEN + 8], b[PART_HOUR_TEXT_LEN + 8];

        return ERR_SET(err, ERR_USAGE,
                       "empty time window: start %s is after end %s (both ends are included; "
                       "use %s)",
                       time_text(start_sec, a), time_text(end_sec, b), FORMS);
    }
    *w = r;
    return 0;
}

int
part_window_is_bounded(const struct part_window *w)
{
    return w->has_start || w->has_end;
}

int
part_window_contains(const struct part_window *w, int64_t t)
{
    if (t == PART_HOUR_UNKNOWN)
        return !part_window_is_bounded(w);
    /* A window finer than hours keeps records by their start time: a flow is written when it
     * ends, so one that starts in the window may be in the file of the hour before (a file
     * rotated at 12:59 holds flows that start at 13:00) or after (written up to its active
     * timeout later): those hours are read too. */
    int64_t margin = w->subhour ? PART_WINDOW_MARGIN : 0;

    if (w->has_start && t < w->first_hour - margin)
        return 0;
    /* last_hour <= 9999-12-31T23, so + 3600 + margin cannot overflow. */
    if (w->has_end && t >= w->last_hour + 3600 + margin)
        return 0;
    return 1;
}
