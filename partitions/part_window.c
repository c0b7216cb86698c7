/*
 * part_window.c - --start/--end into whole hours; see part_window.h.
 *
 * The texts come from the command line, so every byte is possible: a text is
 * accepted only when its length is exactly one of the forms' and every digit
 * position holds a digit, and it is echoed back escaped (esc.h) and cut short
 * in error messages.
 */
#include "part_window.h"

#include <string.h>

#include "err.h"
#include "esc.h"
#include "part_hour.h"

#define FORMS      "YYYY-MM-DDTHH, YYYY-MM-DD, YYYY/MM/DD:HH or YYYY/MM/DD (UTC, hours inclusive)"
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
 * and ! is 'T', or ? is '/' and ! is ':' (SiLK). A date alone is hour
 * `date_hour`. Returns 1 with *hour set, 0 if `text` is not a valid hour.
 */
static int
parse_bound(const char *text, int date_hour, int64_t *hour)
{
    size_t len = strnlen(text, 14);
    char sep, hsep;
    int y1, y2, mo, d, h = date_hour;

    if (len != 10 && len != 13)
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
    if (len == 13) {
        if (text[10] != hsep || (h = digits2(text + 11)) < 0)
            return 0;
    }
    return part_hour_from_civil(y1 * 100 + y2, mo, d, h, hour);
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

int
part_window_parse(const char *start, const char *end, struct part_window *w, struct err *err)
{
    struct part_window r = {0, 0, 0, 0};

    if (start != NULL) {
        if (!parse_bound(start, 0, &r.first_hour))
            return bad_text(err, "start", start);
        r.has_start = 1;
    }
    if (end != NULL) {
        if (!parse_bound(end, 23, &r.last_hour))
            return bad_text(err, "end", end);
        r.has_end = 1;
    }
    if (r.has_start && r.has_end && r.first_hour > r.last_hour) {
        char a[PART_HOUR_TEXT_LEN], b[PART_HOUR_TEXT_LEN];

        return ERR_SET(err, ERR_USAGE,
                       "empty time window: start %s is after end %s (both hours are included; "
                       "use %s)",
                       part_hour_format(r.first_hour, a), part_hour_format(r.last_hour, b), FORMS);
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
    if (w->has_start && t < w->first_hour)
        return 0;
    /* last_hour <= 9999-12-31T23, so + 3600 cannot overflow. */
    if (w->has_end && t >= w->last_hour + 3600)
        return 0;
    return 1;
}
