/*
 * part_window.h - the time window of a run: both ends inclusive at the
 * precision written, as SiLK's --start-date/--end-date for hours.
 *
 * Accepted forms (UTC): what --where's time literals take (isotime_parse():
 * YYYY-MM-DD, then T or a space, HH, :MM, :SS, .sss, an optional Z, +00:00 or
 * -00:00), and SiLK's YYYY/MM/DD:HH and YYYY/MM/DD; another UTC offset is
 * refused as such. A date alone is its first hour (00) as a start and its
 * last hour (23) as an end; an end with minutes or seconds runs through the
 * end of that minute or second. Either end may be absent (open). Threads: pure.
 */
#ifndef ENGINE_PART_WINDOW_H
#define ENGINE_PART_WINDOW_H

#include <stdint.h>

struct err;

struct part_window {
    int has_start;      /* 0: no lower bound */
    int has_end;        /* 0: no upper bound */
    int64_t first_hour; /* Unix seconds, start of the first hour in the window (if has_start) */
    int64_t last_hour;  /* Unix seconds, start of the last hour in the window (if has_end) */
    int64_t start_ms;   /* Unix ms of the start itself (if has_start) */
    int64_t end_ms;     /* Unix ms just after the end (if has_end): the window is [start, end) */
    int subhour;        /* a bound is written with minutes or seconds (":00" too) */
};

/* Seconds of files read beyond a subhour window on each side (part_window_contains()). */
#define PART_WINDOW_MARGIN 3600

/*
 * part_window_parse() - fills `w` from the --start and --end texts; NULL
 * means that end is open (both NULL: everything). Returns 0, or -ERR_USAGE
 * with `err` naming the bad text and the accepted forms, when a text is not
 * one of them, is not a valid date/hour, or the start lies after the end.
 * `w` is written only on success.
 */
int part_window_parse(const char *start, const char *end, struct part_window *w, struct err *err);

/* part_window_is_bounded() - 1 if `w` has a start or an end, 0 if it is open. */
int part_window_is_bounded(const struct part_window *w);

/*
 * part_window_contains() - 1 if the file of the hour starting at Unix second `t` is read:
 * when `t` falls in one of the window's hours (first_hour <= t < last_hour + 3600) or, in
 * a subhour window, in the hour before or after them (PART_WINDOW_MARGIN: flows that start
 * in the window but were written in a neighbouring hour's file); else 0. PART_HOUR_UNKNOWN
 * is contained only in a window with no bounds.
 */
int part_window_contains(const struct part_window *w, int64_t t);

#endif
