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
#include "isotime.h"
#include "part_hour.h"

#define FORMS                                                                             \
    "YYYY-MM-DDTHH[:MM[:SS[.sss]]][Z], YYYY-MM-DD, YYYY/MM/DD:HH or YYYY/MM/DD (UTC, as " \
    "--where's time literals; both ends inclusive)"
#define SHOW_BYTES 64 /* bytes of a bad text echoed in a message */

/*
 * One bound, as --where's time literals (isotime_parse(): YYYY-MM-DD, then
 * optionally T or a space, HH, :MM, :SS, .sss, Z or +00:00), or SiLK's
 * YYYY/MM/DD and YYYY/MM/DD:HH. Returns 1 with *ms (the time written, Unix
 * ms) and *prec (ms to the end of the precision written: a day, an hour, a
 * minute, a second or a millisecond) set, 0 if `text` is not a valid time.
 */
static int
parse_bound(const char *text, int64_t *ms, int64_t *prec)
{
    size_t len = strnlen(text, SHOW_BYTES + 1);
    int64_t hour;

    if (len > SHOW_BYTES)
        return 0;
    if (len >= 10 && text[4] == '/') { /* SiLK: YYYY/MM/DD[:HH] */
        char iso[14];

        if ((len != 10 && len != 13) || text[7] != '/' || (len == 13 && text[10] != ':'))
            return 0;
        memcpy(iso, text, len);
        iso[4] = iso[7] = '-';
        if (len == 13)
            iso[10] = 'T';
        for (size_t i = 0; i < len; i++)
            if (i != 4 && i != 7 && i != 10 && (iso[i] < '0' || iso[i] > '9'))
                return 0;
        if (isotime_parse(iso, len, ms, prec) < 0)
            return 0;
    } else if (isotime_parse(text, len, ms, prec) < 0) {
        return 0;
    }
    /* the hours the window may name: years PART_HOUR_YEAR_MIN..MAX */
    return part_hour_from_civil(PART_HOUR_YEAR_MIN, 1, 1, 0, &hour) && *ms >= hour * 1000;
}

static int
bad_text(struct err *err, const char *what, const char *text)
{
    char shown[4 * SHOW_BYTES + 1];
    size_t len = strnlen(text, SHOW_BYTES + 1);

    esc_bytes(shown, sizeof(shown), (const uint8_t *)text, len > SHOW_BYTES ? SHOW_BYTES : len);
    if (isotime_has_offset(text, len))
        return ERR_SET(err, ERR_USAGE,
                       "%s time \"%s%s\" has a UTC offset: times are UTC (write the time in UTC; "
                       "Z, +00:00 and -00:00 are accepted); use %s",
                       what, shown, len > SHOW_BYTES ? "..." : "", FORMS);
    return ERR_SET(err, ERR_USAGE, "%s time \"%s%s\" is not a valid time; use %s", what, shown,
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
    int64_t start_ms = 0, end_ms = 0, prec;

    memset(&r, 0, sizeof(r));
    if (start != NULL) {
        if (!parse_bound(start, &start_ms, &prec))
            return bad_text(err, "start", start);
        r.has_start = 1;
        r.start_ms = start_ms;
        r.first_hour = start_ms / 3600000 * 3600;
        r.subhour |= prec < 3600000; /* minutes or seconds written, even :00 */
    }
    if (end != NULL) {
        if (!parse_bound(end, &end_ms, &prec))
            return bad_text(err, "end", end);
        r.has_end = 1;
        r.end_ms = end_ms + prec; /* through the end of the precision written */
        r.last_hour = (r.end_ms - 1) / 3600000 * 3600;
        r.subhour |= prec < 3600000;
    }
    if (r.has_start && r.has_end && r.start_ms >= r.end_ms) {
        char a[PART_HOUR_TEXT_LEN + 8], b[PART_HOUR_TEXT_LEN + 8];

        return ERR_SET(err, ERR_USAGE,
                       "empty time window: start %s is after end %s (both ends are included; "
                       "use %s)",
                       time_text(start_ms / 1000, a),
                       time_text(prec >= 3600000 ? r.last_hour : end_ms / 1000, b), FORMS);
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
