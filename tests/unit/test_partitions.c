/*
 * test_partitions.c - hour from path, time window, walk and plan.
 *
 * Expected hours are Unix seconds computed independently with
 * `date -u -d "2024-05-01 13:00" +%s` when this test was written, never with
 * the code under test. The walk tests build a tree under $TMPDIR (or /tmp)
 * and remove it afterwards.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "err.h"
#include "part.h"
#include "part_hour.h"
#include "part_plan.h"
#include "part_walk.h"
#include "part_window.h"

/* Known hours (date -u -d ... +%s). */
#define H_2024_05_01T13 INT64_C(1714568400)
#define H_2024_05_01T14 INT64_C(1714572000)
#define H_2024_05_01T12 INT64_C(1714564800)
#define H_2024_05_01T05 INT64_C(1714539600)
#define H_2024_05_01T00 INT64_C(1714521600)
#define H_2024_05_01T23 INT64_C(1714604400)
#define H_2024_05_02T00 INT64_C(1714608000)
#define H_2024_04_30T23 INT64_C(1714518000)
#define H_2024_02_29T00 INT64_C(1709164800)
#define H_2024_02_29T23 INT64_C(1709247600)
#define H_2024_03_01T00 INT64_C(1709251200)
#define H_2000_02_29T23 INT64_C(951865200)
#define H_2400_02_29T00 INT64_C(13574563200)
#define H_2100_02_28T12 INT64_C(4107499200)
#define H_9999_12_31T23 INT64_C(253402297200)
#define H_1999_12_31T23 INT64_C(946681200)
#define H_2023_12_31T23 INT64_C(1704063600)
#define H_2025_01_01T00 INT64_C(1735689600)

struct hour_case {
    const char *path;
    int64_t hour; /* PART_HOUR_UNKNOWN: expect 0 */
};

static void
check_hours(const struct hour_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int64_t got = 42;
        int ok = part_hour_from_path(cases[i].path, &got);

        if (cases[i].hour == PART_HOUR_UNKNOWN) {
            CHECK(ok == 0);
            CHECK(got == 42); /* untouched */
        } else {
            CHECK(ok == 1);
            CHECK(got == cases[i].hour);
        }
        if ((cases[i].hour == PART_HOUR_UNKNOWN) != (ok == 0) || (ok && got != cases[i].hour))
            fprintf(stderr, "  path: \"%s\" -> %d %" PRId64 "\n", cases[i].path, ok, got);
    }
}

static void
test_hour_layouts(void)
{
    static const struct hour_case cases[] = {
        /* YAF rotate names */
        {"yaf-20240501130512-00042.yaf", H_2024_05_01T13},
        {"/data/yaf/yaf-20240501130512-00042.yaf", H_2024_05_01T13},
        {"a/b/x-20240501130000-7", H_2024_05_01T13}, /* no extension, short serial */
        {"sensor-1-20240229235959-123456.yaf", H_2024_02_29T23},
        {"s-20240501130560-1.yaf", H_2024_05_01T13}, /* leap second */
        /* SiLK hourly names */
        {"in-S0_20240501.13", H_2024_05_01T13},
        {"/repo/in/2024/05/01/in-S0_20240501.13", H_2024_05_01T13},
        {"in-S0_20240501.13.gz", H_2024_05_01T13},
        {"iw-S1_19991231.23", H_1999_12_31T23},
        {"ext_x_20231231.23", H_2023_12_31T23},
        /* Hive folders, padded or not */
        {"lake/year=2024/month=05/day=01/hour=13/part-0.yaf", H_2024_05_01T13},
        {"year=2024/month=5/day=1/hour=5/f", H_2024_05_01T05},
        {"/x/year=2025/month=1/day=1/hour=0/sub/f", H_2025_01_01T00},
        /* Plain folders */
        {"/srv/2024/05/01/13/s1.yaf", H_2024_05_01T13},
        {"2024/05/01/13/x", H_2024_05_01T13},
        {"2024/04/30/23/x", H_2024_04_30T23},
        {"2024/05/01/00/sub/dir/x", H_2024_05_01T00},
        /* Precedence: file name over folders, Hive over plain, deepest folder. */
        {"2024/05/01/05/yaf-20240501130512-00042.yaf", H_2024_05_01T13},
        {"2024/05/01/05/in-S0_20240501.13", H_2024_05_01T13},
        {"year=2024/month=5/day=1/hour=5/2024/05/01/13/x", H_2024_05_01T05},
        {"2023/01/01/00/2024/05/01/13/x", H_2024_05_01T13},
        /* An invalid name falls through to the folders. */
        {"2024/05/01/14/yaf-20241301130512-00042.yaf", H_2024_05_01T14},
        {"2024/05/01/14/in-S0_20240501.24", H_2024_05_01T14},
    };
    check_hours(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_hour_leap_and_range(void)
{
    static const struct hour_case cases[] = {
        {"2024/02/29/00/x", H_2024_02_29T00},
        {"2024/03/01/00/x", H_2024_03_01T00},
        {"2000/02/29/23/x", H_2000_02_29T23}, /* divisible by 400: leap */
        {"2400/02/29/00/x", H_2400_02_29T00},
        {"2100/02/28/12/x", H_2100_02_28T12},
        {"9999/12/31/23/x", H_9999_12_31T23},
        {"1970/01/01/00/x", 0},
        {"2023/02/29/00/x", PART_HOUR_UNKNOWN}, /* not a leap year */
        {"2100/02/29/00/x", PART_HOUR_UNKNOWN}, /* century, not leap */
        {"1900/02/29/00/x", PART_HOUR_UNKNOWN},
        {"1969/12/31/23/x", PART_HOUR_UNKNOWN}, /* before 1970 */
        {"0000/01/01/00/x", PART_HOUR_UNKNOWN},
    };
    int64_t h = 0;

    check_hours(cases, sizeof(cases) / sizeof(cases[0]));
    CHECK(part_hour_from_civil(2024, 2, 29, 23, &h) == 1 && h == H_2024_02_29T23);
    CHECK(part_hour_from_civil(2024, 2, 30, 0, &h) == 0);
    CHECK(part_hour_from_civil(2024, 4, 31, 0, &h) == 0);
    CHECK(part_hour_from_civil(2024, 0, 1, 0, &h) == 0);
    CHECK(part_hour_from_civil(2024, 13, 1, 0, &h) == 0);
    CHECK(part_hour_from_civil(2024, 1, 0, 0, &h) == 0);
    CHECK(part_hour_from_civil(2024, 1, 1, -1, &h) == 0);
    CHECK(part_hour_from_civil(2024, 1, 1, 24, &h) == 0);
    CHECK(part_hour_from_civil(10000, 1, 1, 0, &h) == 0);
    CHECK(part_hour_from_civil(9999, 12, 31, 23, &h) == 1 && h == H_9999_12_31T23);
}

static void
test_hour_invalid(void)
{
    static const struct hour_case cases[] = {
        {"", PART_HOUR_UNKNOWN},
        {"/", PART_HOUR_UNKNOWN},
        {"x.yaf", PART_HOUR_UNKNOWN},
        {"2024/02/30/00/x", PART_HOUR_UNKNOWN}, /* Feb 30 */
        {"2024/04/31/00/x", PART_HOUR_UNKNOWN},
        {"2024/13/01/00/x", PART_HOUR_UNKNOWN}, /* month 13 */
        {"2024/00/01/00/x", PART_HOUR_UNKNOWN},
        {"2024/05/00/00/x", PART_HOUR_UNKNOWN},
        {"2024/05/01/24/x", PART_HOUR_UNKNOWN}, /* hour 24 */
        {"2024/05/01/13", PART_HOUR_UNKNOWN},   /* hour is the file name, not a folder */
        {"2024/5/01/13/x", PART_HOUR_UNKNOWN},  /* plain folders are zero-padded */
        {"2024/05/01/1a/x", PART_HOUR_UNKNOWN}, /* non-digits */
        {"2024/0a/01/13/x", PART_HOUR_UNKNOWN},
        {"12024/05/01/13/x", PART_HOUR_UNKNOWN},
        {"a2024/05/01/13/x", PART_HOUR_UNKNOWN},
        {"2024/05/0", PART_HOUR_UNKNOWN}, /* truncated */
        {"2024/05/01/1", PART_HOUR_UNKNOWN},
        {"yaf-2024050113051-00042.yaf", PART_HOUR_UNKNOWN}, /* 13 digits */
        {"yaf-20240501130512-.yaf", PART_HOUR_UNKNOWN},     /* no serial */
        {"yaf-20240501130512-00042x", PART_HOUR_UNKNOWN},
        {"yaf-20240501136012-1.yaf", PART_HOUR_UNKNOWN}, /* minute 60 */
        {"yaf-20240501130561-1.yaf", PART_HOUR_UNKNOWN}, /* second 61 */
        {"yaf-20240230130512-1.yaf", PART_HOUR_UNKNOWN}, /* Feb 30 */
        {"yaf-20240501240512-1.yaf", PART_HOUR_UNKNOWN}, /* hour 24 */
        {"yaf-2024", PART_HOUR_UNKNOWN},
        {"yaf-20240501130512", PART_HOUR_UNKNOWN},
        {"yaf-20240501130512-", PART_HOUR_UNKNOWN},
        {"in-S0_20240501.1", PART_HOUR_UNKNOWN}, /* truncated */
        {"in-S0_20240501.", PART_HOUR_UNKNOWN},
        {"in-S0_2024", PART_HOUR_UNKNOWN},
        {"in-S0_20240501.130", PART_HOUR_UNKNOWN},
        {"in-S0_2024050.13", PART_HOUR_UNKNOWN},
        {"in-S0_20240501.24", PART_HOUR_UNKNOWN},
        {"in-S0_20241301.13", PART_HOUR_UNKNOWN},
        {"in-S0_20240501.1x", PART_HOUR_UNKNOWN},
        {"in-S0_20240501.13-tmp", PART_HOUR_UNKNOWN},
        {"in-S0_20240501.13/x", PART_HOUR_UNKNOWN}, /* SiLK names are file names only */
        {"year=2024/month=13/day=1/hour=1/x", PART_HOUR_UNKNOWN},
        {"year=2024/month=1/day=1/hour=/x", PART_HOUR_UNKNOWN},
        {"year=2024/month=1/day=1/hour=123/x", PART_HOUR_UNKNOWN},
        {"year=2024/month=1/day=1/hour=24/x", PART_HOUR_UNKNOWN},
        {"year=2024/month=1/day=1/hour=1", PART_HOUR_UNKNOWN}, /* no '/' after the hour */
        {"year=2024/month=2/day=30/hour=1/x", PART_HOUR_UNKNOWN},
        {"xyear=2024/month=1/day=1/hour=1/x", PART_HOUR_UNKNOWN},
        {"year=24/month=1/day=1/hour=1/x", PART_HOUR_UNKNOWN},
        {"year=2024/day=1/month=1/hour=1/x", PART_HOUR_UNKNOWN},
        {"year=2024/month=1/day=1/hour", PART_HOUR_UNKNOWN},
        {"\xff\xfe/2024/\x01", PART_HOUR_UNKNOWN},
    };
    check_hours(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_hour_format(void)
{
    char buf[PART_HOUR_TEXT_LEN];

    CHECK_EQ_STR(part_hour_format(H_2024_05_01T13, buf), "2024-05-01T13");
    CHECK_EQ_STR(part_hour_format(H_2024_05_01T13 + 3599, buf), "2024-05-01T13");
    CHECK_EQ_STR(part_hour_format(H_2000_02_29T23, buf), "2000-02-29T23");
    CHECK_EQ_STR(part_hour_format(H_9999_12_31T23, buf), "9999-12-31T23");
    CHECK_EQ_STR(part_hour_format(0, buf), "1970-01-01T00");
    CHECK_EQ_STR(part_hour_format(-1, buf), "?");
    CHECK_EQ_STR(part_hour_format(PART_HOUR_UNKNOWN, buf), "?");
    CHECK_EQ_STR(part_hour_format(H_9999_12_31T23 + 3600, buf), "?");
}

static void
test_window_forms(void)
{
    struct part_window w;
    struct err err;

    err_init(&err);
    CHECK(part_window_parse("2024-05-01T13", "2024-05-01T14", &w, &err) == 0);
    CHECK(w.has_start && w.has_end);
    CHECK(w.first_hour == H_2024_05_01T13 && w.last_hour == H_2024_05_01T14);
    /* Inclusive at both ends, to the second. */
    CHECK(part_window_contains(&w, H_2024_05_01T13) == 1);
    CHECK(part_window_contains(&w, H_2024_05_01T13 - 1) == 0);
    CHECK(part_window_contains(&w, H_2024_05_01T14) == 1);
    CHECK(part_window_contains(&w, H_2024_05_01T14 + 3599) == 1);
    CHECK(part_window_contains(&w, H_2024_05_01T14 + 3600) == 0);
    CHECK(part_window_contains(&w, PART_HOUR_UNKNOWN) == 0);
    CHECK(part_window_is_bounded(&w));
    /* YYYY-MM-DDTHHZ, as the forms in the error message allow */
    CHECK(part_window_parse("2024-05-01T13Z", "2024-05-01T14Z", &w, &err) == 0);
    CHECK(w.first_hour == H_2024_05_01T13 && w.last_hour == H_2024_05_01T14);

    /* A date alone: its first hour as a start, its last hour as an end. */
    CHECK(part_window_parse("2024-05-01", "2024-05-01", &w, &err) == 0);
    CHECK(w.first_hour == H_2024_05_01T00 && w.last_hour == H_2024_05_01T23);
    CHECK(part_window_contains(&w, H_2024_04_30T23) == 0);
    CHECK(part_window_contains(&w, H_2024_05_01T23) == 1);
    CHECK(part_window_contains(&w, H_2024_05_02T00) == 0);

    /* SiLK's forms. */
    CHECK(part_window_parse("2024/05/01:13", "2024/05/01", &w, &err) == 0);
    CHECK(w.first_hour == H_2024_05_01T13 && w.last_hour == H_2024_05_01T23);
    CHECK(part_window_parse("2024/05/01", "2024/05/01:05", &w, &err) == 0);
    CHECK(w.first_hour == H_2024_05_01T00 && w.last_hour == H_2024_05_01T05);

    /* Leap days, one-hour windows, a date-only end equal to a timed start. */
    CHECK(part_window_parse("2024-02-29", "2024-02-29T23", &w, &err) == 0);
    CHECK(w.first_hour == H_2024_02_29T00 && w.last_hour == H_2024_02_29T23);
    CHECK(part_window_parse("2000-02-29T23", "2000-02-29T23", &w, &err) == 0);
    CHECK(w.first_hour == H_2000_02_29T23 && w.last_hour == H_2000_02_29T23);
    CHECK(part_window_parse("2024-05-01T23", "2024-05-01", &w, &err) == 0);

    /* Open ends. */
    CHECK(part_window_parse("2024-05-01T13", NULL, &w, &err) == 0);
    CHECK(w.has_start && !w.has_end && part_window_is_bounded(&w));
    CHECK(part_window_contains(&w, H_9999_12_31T23) == 1);
    CHECK(part_window_contains(&w, H_2024_05_01T12) == 0);
    CHECK(part_window_contains(&w, PART_HOUR_UNKNOWN) == 0);
    CHECK(part_window_parse(NULL, "2024-05-01", &w, &err) == 0);
    CHECK(!w.has_start && w.has_end);
    CHECK(part_window_contains(&w, 0) == 1);
    CHECK(part_window_contains(&w, H_2024_05_02T00) == 0);
    CHECK(part_window_contains(&w, PART_HOUR_UNKNOWN) == 0);
    CHECK(part_window_parse(NULL, NULL, &w, &err) == 0);
    CHECK(!part_window_is_bounded(&w));
    CHECK(part_window_contains(&w, PART_HOUR_UNKNOWN) == 1);
    CHECK(part_window_contains(&w, H_2024_05_01T13) == 1);
    CHECK(err.code == ERR_OK);

    /* Minutes and seconds (ISO 8601, Z optional): the hours they touch, and the exact bounds. */
    CHECK(part_window_parse("2024-05-01T13:30", "2024-05-01T14:15:59Z", &w, &err) == 0);
    CHECK(w.first_hour == H_2024_05_01T13 && w.last_hour == H_2024_05_01T13 + 3600);
    CHECK(w.start_ms == (H_2024_05_01T13 + 1800) * 1000);
    CHECK(w.end_ms == (H_2024_05_01T13 + 3600 + 15 * 60 + 60) * 1000);
    CHECK(w.subhour == 1);
    /* Written to the minute, even on the hour's edges: by the records' start times (a flow
     * that starts at 14:00:00.003 in the file rotated at 13:59 is out, one that starts at
     * 13:00 in the file of hour 12 in), so the hour on each side is read too. */
    CHECK(part_window_parse("2024-05-01T13:00Z", "2024-05-01T13:59", &w, &err) == 0);
    CHECK(w.subhour == 1 && w.first_hour == H_2024_05_01T13 && w.last_hour == H_2024_05_01T13);
    CHECK(w.start_ms == H_2024_05_01T13 * 1000 && w.end_ms == (H_2024_05_01T13 + 3600) * 1000);
    CHECK(part_window_contains(&w, H_2024_05_01T13 - 3600) == 1);
    CHECK(part_window_contains(&w, H_2024_05_01T13 - 3601) == 0);
    CHECK(part_window_contains(&w, H_2024_05_01T13 + 7199) == 1);
    CHECK(part_window_contains(&w, H_2024_05_01T13 + 7200) == 0);
    CHECK(part_window_parse(NULL, "2024-05-01T13:59:59", &w, &err) == 0);
    CHECK(w.subhour == 1 && w.end_ms == (H_2024_05_01T13 + 3600) * 1000);
    CHECK(part_window_parse("2024-05-01T13", "2024-05-01T13", &w, &err) == 0);
    CHECK(w.subhour == 0 && part_window_contains(&w, H_2024_05_01T13 - 3600) == 0);
    CHECK(part_window_parse(NULL, "2024-05-01T13:05", &w, &err) == 0);
    CHECK(w.subhour == 1 && w.end_ms == (H_2024_05_01T13 + 360) * 1000);
    CHECK(part_window_parse("2024-05-01T13:05:07", "2024-05-01T13:05:07", &w, &err) == 0);
    CHECK(w.end_ms - w.start_ms == 1000);
    CHECK(err.code == ERR_OK);
    CHECK(part_window_parse("2024-05-01T13:05:08", "2024-05-01T13:05:07", &w, &err) == -ERR_USAGE);
    CHECK(strstr(err.msg, "2024-05-01T13:05:08") != NULL && strstr(err.msg, "13:05:07") != NULL);
    /* --where's time literals: a space for the T, a fraction, +00:00 / -00:00 */
    CHECK(part_window_parse("2024-05-01 13:30", "2024-05-01T14:15:59.250-00:00", &w, &err) == 0);
    CHECK(w.first_hour == 1714568400 && w.start_ms == 1714570200000LL);
    CHECK(w.last_hour == 1714568400 + 3600 && w.end_ms == 1714572959251LL && w.subhour);
    /* an end written to the tenth or hundredth of a second includes that whole tenth or
     * hundredth, as one written to the minute includes that minute; digits past the
     * millisecond (zeros only) change nothing */
    CHECK(part_window_parse(NULL, "2026-01-01T01:20:00.1", &w, &err) == 0);
    CHECK(w.end_ms == 1767230400000LL + 200);
    CHECK(part_window_parse(NULL, "2026-01-01T01:20:00.10", &w, &err) == 0);
    CHECK(w.end_ms == 1767230400000LL + 110);
    CHECK(part_window_parse(NULL, "2026-01-01T01:20:00.100Z", &w, &err) == 0);
    CHECK(w.end_ms == 1767230400000LL + 101);
    CHECK(part_window_parse(NULL, "2026-01-01T01:20:00.1000", &w, &err) == 0);
    CHECK(w.end_ms == 1767230400000LL + 101);
    CHECK(part_window_parse("2026-01-01T01:20:00.9", "2026-01-01T01:20:00.9", &w, &err) == 0);
    CHECK(w.start_ms == 1767230400900LL && w.end_ms == 1767230401000LL);
    CHECK(part_window_parse("2024-05-01T13+00:00", "2024-05-01 13", &w, &err) == 0);
    CHECK(w.start_ms == 1714568400000LL && w.end_ms == 1714572000000LL && !w.subhour);
    err_init(&err);
    CHECK(part_window_parse("2024-05-01T13:00+02:00", NULL, &w, &err) == -ERR_USAGE);
    CHECK(strstr(err.msg, "UTC offset") != NULL);
}

static void
test_window_errors(void)
{
    static const char *const bad[] = {
        "2024-02-30",         "2023-02-29",         "2024-13-01",
        "2024-00-10",         "2024-05-00",         "2024-05-01T24",
        "2024-05-01T1",       "2024-05-01T130",     "2024-05-01T13+02:00",
        "2024-05-01T13:60",   "24-05-01",           "",
        "2024-5-1",           "2024/05/01T13",      "2024-05-01:13",
        "2024-05/01",         "abcd-ef-gh",         "1969-12-31",
        "2024-05-01T",        "+024-05-01",         "2024-05-01T-1",
        "2024-05-01T13:0",    "2024/05/01:13:00",   "2024-05-01T13:00:60",
        "2024/05/01:13Z",     "2024-05-01T13:00Z1", "2024-05-01T13:00:00ZZ",
        "2024-05-01T13:00:0",
    };
    struct part_window w = {7, 7, 7, 7, 7, 7, 7};
    struct err err;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err_init(&err);
        CHECK(part_window_parse(bad[i], NULL, &w, &err) == -ERR_USAGE);
        CHECK(err.code == ERR_USAGE);
        CHECK(strstr(err.msg, "YYYY-MM-DDTHH") != NULL);
        CHECK(strstr(err.msg, "start") != NULL);
        err_init(&err);
        CHECK(part_window_parse(NULL, bad[i], &w, &err) == -ERR_USAGE);
        CHECK(strstr(err.msg, "end") != NULL);
        if (err.code != ERR_USAGE)
            fprintf(stderr, "  accepted: \"%s\"\n", bad[i]);
    }
    CHECK(w.has_start == 7 && w.first_hour == 7); /* untouched on failure */

    /* start after end: the resolved hours are shown. */
    err_init(&err);
    CHECK(part_window_parse("2024-05-02", "2024-05-01", &w, &err) == -ERR_USAGE);
    CHECK(strstr(err.msg, "2024-05-02T00") != NULL);
    CHECK(strstr(err.msg, "2024-05-01T23") != NULL);
    CHECK(strstr(err.msg, "YYYY-MM-DD") != NULL);
    err_init(&err);
    CHECK(part_window_parse("2024-05-01T14", "2024-05-01T13", &w, &err) == -ERR_USAGE);

    /* Bad bytes are escaped and long texts cut. */
    err_init(&err);
    CHECK(part_window_parse("\x1b[31m2024", NULL, &w, &err) == -ERR_USAGE);
    CHECK(strstr(err.msg, "\\x1B[31m2024") != NULL);
    CHECK(strchr(err.msg, '\x1b') == NULL);
    err_init(&err);
    {
        char longtext[2000];

        memset(longtext, 'x', sizeof(longtext) - 1);
        longtext[sizeof(longtext) - 1] = '\0';
        CHECK(part_window_parse(NULL, longtext, &w, &err) == -ERR_USAGE);
        CHECK(strstr(err.msg, "...") != NULL);
        CHECK(strstr(err.msg, "YYYY-MM-DDTHH") != NULL);
    }
}

/* ---- walk and plan on a temporary tree ---- */

static char root[256];

static void
path_of(char *buf, size_t cap, const char *rel)
{
    snprintf(buf, cap, "%s/%s", root, rel);
}

static void
make_dirs(const char *rel)
{
    char p[512];

    path_of(p, sizeof(p), rel);
    for (char *s = p + strlen(root) + 1; *s != '\0'; s++) {
        if (*s == '/') {
            *s = '\0';
            mkdir(p, 0755);
            *s = '/';
        }
    }
    mkdir(p, 0755);
}

static void
make_file(const char *rel, size_t size)
{
    char p[512], buf[256];
    int fd;

    path_of(p, sizeof(p), rel);
    fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    memset(buf, 'x', sizeof(buf));
    while (size > 0) {
        size_t n = size < sizeof(buf) ? size : sizeof(buf);

        CHECK(write(fd, buf, n) == (ssize_t)n);
        size -= n;
    }
    close(fd);
}

static void
make_link(const char *target, const char *rel)
{
    char p[512];

    path_of(p, sizeof(p), rel);
    CHECK(symlink(target, p) == 0);
}

/* rm -r without following symlinks. */
static void
remove_tree(const char *p)
{
    struct stat st;
    DIR *d;
    const struct dirent *e;

    if (lstat(p, &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(p);
        return;
    }
    d = opendir(p);
    if (d != NULL) {
        // NOLINTNEXTLINE(concurrency-mt-unsafe): single-threaded test
        while ((e = readdir(d)) != NULL) {
            char child[1024];

            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(child, sizeof(child), "%s/%s", p, e->d_name);
            remove_tree(child);
        }
        closedir(d);
    }
    rmdir(p);
}

/*
 * The tree (sizes in bytes). Created in an order unlike the sorted one.
 *   yaf-20240501130512-00042.yaf 100     hour 13, in the root
 *   misc/notes.yaf 5                     hour unknown (a flow file name: see test_part_name.c)
 *   misc/.hidden.yaf 7, .git/x.yaf 9     hidden
 *   misc/up -> ..                        loop
 *   loop -> .                            loop
 *   fifo                                 not regular
 *   link.yaf -> 2024/05/01/14/big.yaf    same file as big.yaf
 *   ext.yaf -> <outside>/target 42       symlinked file: listed
 *   dangling -> nowhere                  broken
 *   2024/05/02/00/c.yaf 10
 *   2024/05/01/14/writing.yaf.lock 0, writing.yaf 50
 *   2024/05/01/14/big.yaf 1000
 *   2024/05/01/13/b.yaf 300, a.yaf 300   a tie: a before b
 *   2024/05/01/12/old.yaf 20
 */
static char outside[300];

static int
make_tree(void)
{
    const char *tmp = getenv("TMPDIR"); // NOLINT(concurrency-mt-unsafe): single-threaded test
    char p[512];

    snprintf(root, sizeof(root), "%s/test_partitions.XXXXXX", tmp != NULL ? tmp : "/tmp");
    if (mkdtemp(root) == NULL)
        return 0;
    snprintf(outside, sizeof(outside), "%s.target", root);
    make_file("yaf-20240501130512-00042.yaf", 100);
    make_dirs("misc");
    make_file("misc/notes.yaf", 5);
    make_file("misc/.hidden.yaf", 7);
    make_dirs(".git");
    make_file(".git/x.yaf", 9);
    make_link("..", "misc/up");
    make_link(".", "loop");
    path_of(p, sizeof(p), "fifo");
    CHECK(mkfifo(p, 0644) == 0);
    make_dirs("2024/05/02/00");
    make_file("2024/05/02/00/c.yaf", 10);
    make_dirs("2024/05/01/14");
    make_file("2024/05/01/14/writing.yaf.lock", 0);
    make_file("2024/05/01/14/writing.yaf", 50);
    make_file("2024/05/01/14/big.yaf", 1000);
    make_link("2024/05/01/14/big.yaf", "link.yaf");
    make_link("nowhere", "dangling");
    make_dirs("2024/05/01/13");
    make_file("2024/05/01/13/b.yaf", 300);
    make_file("2024/05/01/13/a.yaf", 300);
    make_dirs("2024/05/01/12");
    make_file("2024/05/01/12/old.yaf", 20);
    {
        int fd = open(outside, O_WRONLY | O_CREAT | O_TRUNC, 0644);

        CHECK(fd >= 0 && write(fd, "0123456789012345678901234567890123456789ab", 42) == 42);
        close(fd);
    }
    make_link(outside, "ext.yaf");
    return 1;
}

/* `path` relative to root, or the whole path if it is not under it. */
static const char *
rel(const char *path)
{
    size_t n = strlen(root);

    return strncmp(path, root, n) == 0 && path[n] == '/' ? path + n + 1 : path;
}

static void
test_walk_tree(void)
{
    static const char *const want_files[] = {
        "2024/05/01/12/old.yaf", "2024/05/01/13/a.yaf",          "2024/05/01/13/b.yaf",
        "2024/05/01/14/big.yaf", "2024/05/02/00/c.yaf",          "ext.yaf",
        "misc/notes.yaf",        "yaf-20240501130512-00042.yaf",
    };
    static const struct {
        const char *path, *why;
    } want_skips[] = {
        {"2024/05/01/14/writing.yaf", PART_WHY_WRITING},
        {"2024/05/01/14/writing.yaf.lock", PART_WHY_LOCK},
        {"dangling", PART_WHY_DANGLING},
        {"fifo", PART_WHY_NOT_REGULAR},
        {"link.yaf", PART_WHY_DUPLICATE},
        {"loop", PART_WHY_DIR_SEEN},
        {"misc/up", PART_WHY_DIR_SEEN},
    };
    const char *paths[1] = {root};
    struct part_walk walk;
    struct err err;
    size_t n;

    err_init(&err);
    CHECK(part_walk_paths(paths, 1, &walk, &err) == 0);
    CHECK_EQ_U64(walk.nfiles, sizeof(want_files) / sizeof(want_files[0]));
    n = walk.nfiles < sizeof(want_files) / sizeof(want_files[0])
            ? walk.nfiles
            : sizeof(want_files) / sizeof(want_files[0]);
    for (size_t i = 0; i < n; i++) {
        CHECK_EQ_STR(rel(walk.files[i].path), want_files[i]);
    }
    CHECK_EQ_U64(walk.files[3].size, 1000);
    CHECK_EQ_U64(walk.files[5].size, 42); /* the symlink's target */
    CHECK_EQ_U64(walk.nskips, sizeof(want_skips) / sizeof(want_skips[0]));
    n = walk.nskips < sizeof(want_skips) / sizeof(want_skips[0])
            ? walk.nskips
            : sizeof(want_skips) / sizeof(want_skips[0]);
    for (size_t i = 0; i < n; i++) {
        CHECK_EQ_STR(rel(walk.skips[i].path), want_skips[i].path);
        CHECK_EQ_STR(walk.skips[i].why, want_skips[i].why);
    }
    CHECK_EQ_U64(walk.hidden, 2);
    part_walk_fini(&walk);
    part_walk_fini(&walk); /* safe to repeat */
    CHECK(walk.files == NULL && walk.nfiles == 0);

    /* A trailing slash does not double it in the paths. */
    {
        char p[300];
        const char *one[1] = {p};

        snprintf(p, sizeof(p), "%s/2024/05/01/13/", root);
        CHECK(part_walk_paths(one, 1, &walk, &err) == 0);
        CHECK_EQ_U64(walk.nfiles, 2);
        if (walk.nfiles == 2)
            CHECK_EQ_STR(rel(walk.files[0].path), "2024/05/01/13/a.yaf");
        part_walk_fini(&walk);
    }
    CHECK(err.code == ERR_OK);
}

static void
test_walk_args(void)
{
    char a[300], w[300], l[300], sub[300], f[300];
    const char *files[] = {a, w, a, l, sub, root};
    struct part_walk walk;
    struct err err;

    path_of(a, sizeof(a), "2024/05/01/13/a.yaf");
    path_of(w, sizeof(w), "2024/05/01/14/writing.yaf");
    path_of(l, sizeof(l), "2024/05/01/14/writing.yaf.lock");
    path_of(sub, sizeof(sub), "2024/05/01/14");
    path_of(f, sizeof(f), "fifo");
    err_init(&err);
    /* Files as arguments follow the same rules; a directory inside another is walked once. */
    CHECK(part_walk_paths(files, 6, &walk, &err) == 0);
    CHECK(walk.nfiles >= 2);
    if (walk.nfiles >= 2) {
        CHECK_EQ_STR(rel(walk.files[0].path), "2024/05/01/13/a.yaf");
        CHECK_EQ_STR(rel(walk.files[1].path), "2024/05/01/14/big.yaf");
    }
    CHECK_EQ_U64(walk.nfiles, 8); /* the tree's eight, each once */
    CHECK(walk.nskips >= 5);
    if (walk.nskips >= 5) {
        CHECK_EQ_STR(walk.skips[0].why, PART_WHY_WRITING);
        CHECK_EQ_STR(walk.skips[1].why, PART_WHY_DUPLICATE);
        CHECK_EQ_STR(walk.skips[2].why, PART_WHY_LOCK);
        /* in sub: writing.yaf and its lock again, then the root's 2024/05/01/14 */
        CHECK_EQ_STR(walk.skips[3].why, PART_WHY_WRITING);
        CHECK_EQ_STR(walk.skips[4].why, PART_WHY_LOCK);
    }
    part_walk_fini(&walk);

    /* Errors: a missing PATH names it and empties the result; a FIFO is a usage error. */
    {
        char missing[300];
        const char *two[2] = {root, missing};
        const char *one[1] = {f};

        path_of(missing, sizeof(missing), "no-such-dir");
        err_init(&err);
        CHECK(part_walk_paths(two, 2, &walk, &err) == -ERR_IO);
        CHECK(err.code == ERR_IO);
        CHECK(strstr(err.msg, "no-such-dir") != NULL);
        CHECK(walk.nfiles == 0 && walk.files == NULL && walk.nskips == 0);
        part_walk_fini(&walk);
        err_init(&err);
        CHECK(part_walk_paths(one, 1, &walk, &err) == -ERR_USAGE);
        CHECK(strstr(err.msg, "fifo") != NULL);
        part_walk_fini(&walk);
        /* A long missing path is named whole in the message, which still says why. */
        for (size_t i = 0; i < sizeof(missing) - 1; i++)
            missing[i] = i % 10 == 9 ? '/' : 'x'; /* xxxxxxxxx/xxxxxxxxx/... */
        missing[sizeof(missing) - 1] = '\0';
        two[0] = missing;
        err_init(&err);
        CHECK(part_walk_paths(two, 1, &walk, &err) == -ERR_IO);
        CHECK(strncmp(err.msg, missing, strlen(missing)) == 0);
        CHECK(strstr(err.msg, ": No such file") != NULL);
    }
    /* No paths: nothing, not an error. */
    err_init(&err);
    CHECK(part_walk_paths(NULL, 0, &walk, &err) == 0 && walk.nfiles == 0);
    part_walk_fini(&walk);
}

static void
test_walk_depth(void)
{
    char rel_path[sizeof("deep") + 2 * (size_t)(PART_WALK_MAX_DEPTH + 2)];
    size_t len = strlen("deep");
    char top[300];
    const char *one[1] = {top};
    struct part_walk walk;
    struct err err;

    /* deep/d/d/...: PART_WALK_MAX_DEPTH + 2 levels below "deep". */
    memcpy(rel_path, "deep", len);
    for (int i = 0; i < PART_WALK_MAX_DEPTH + 2; i++, len += 2)
        memcpy(rel_path + len, "/d", 2);
    rel_path[len] = '\0';
    make_dirs(rel_path);
    path_of(top, sizeof(top), "deep");
    /* Below a PATH nothing is fatal: the directory past the limit is a lost skip. */
    err_init(&err);
    CHECK(part_walk_paths(one, 1, &walk, &err) == 0);
    CHECK_EQ_U64(walk.nskips, 1);
    CHECK_EQ_U64(walk.lost, 1);
    if (walk.nskips == 1) {
        CHECK_EQ_STR(walk.skips[0].why, PART_WHY_TOO_DEEP);
        CHECK(walk.skips[0].lost == 1);
        CHECK(strlen(walk.skips[0].path) == strlen(top) + 2 * (PART_WALK_MAX_DEPTH + 1));
    }
    part_walk_fini(&walk);
}

static void
test_plan(void)
{
    const char *paths[1] = {root};
    struct part_window w;
    struct part_plan plan;
    struct err err;

    /* No window: every file, largest first, ties by path. */
    err_init(&err);
    CHECK(part_plan_build(paths, 1, NULL, &plan, &err) == 0);
    CHECK_EQ_U64(plan.nfiles, 8);
    if (plan.nfiles == 8) {
        static const char *const order[] = {
            "2024/05/01/14/big.yaf",
            "2024/05/01/13/a.yaf",
            "2024/05/01/13/b.yaf",
            "yaf-20240501130512-00042.yaf",
            "ext.yaf",
            "2024/05/01/12/old.yaf",
            "2024/05/02/00/c.yaf",
            "misc/notes.yaf",
        };
        for (size_t i = 0; i < 8; i++)
            CHECK_EQ_STR(rel(plan.files[i].path), order[i]);
        CHECK(plan.files[0].hour == H_2024_05_01T14);
        CHECK(plan.files[1].hour == H_2024_05_01T13);
        CHECK(plan.files[3].hour == H_2024_05_01T13);
        CHECK(plan.files[4].hour == PART_HOUR_UNKNOWN);
        CHECK(plan.files[6].hour == H_2024_05_02T00);
        CHECK(plan.files[7].hour == PART_HOUR_UNKNOWN);
    }
    CHECK_EQ_U64(plan.total_bytes, 1000 + 300 + 300 + 100 + 42 + 20 + 10 + 5);
    CHECK_EQ_U64(plan.outside_window, 0);
    CHECK_EQ_U64(plan.nskips, 7); /* the walk's */
    CHECK_EQ_U64(plan.hidden, 2);
    part_plan_fini(&plan);
    /* An open window behaves as no window. */
    CHECK(part_window_parse(NULL, NULL, &w, &err) == 0);
    CHECK(part_plan_build(paths, 1, &w, &plan, &err) == 0);
    CHECK_EQ_U64(plan.nfiles, 8);
    part_plan_fini(&plan);

    /* A window: hours 13-14 of 2024-05-01; files whose hour is unknown are kept (their
       records are filtered by time, sweep.h). */
    CHECK(part_window_parse("2024-05-01T13", "2024-05-01T14", &w, &err) == 0);
    CHECK(part_plan_build(paths, 1, &w, &plan, &err) == 0);
    CHECK_EQ_U64(plan.nfiles, 6);
    if (plan.nfiles == 6) {
        CHECK_EQ_STR(rel(plan.files[0].path), "2024/05/01/14/big.yaf");
        CHECK_EQ_STR(rel(plan.files[1].path), "2024/05/01/13/a.yaf");
        CHECK_EQ_STR(rel(plan.files[2].path), "2024/05/01/13/b.yaf");
        CHECK_EQ_STR(rel(plan.files[3].path), "yaf-20240501130512-00042.yaf");
        CHECK_EQ_STR(rel(plan.files[4].path), "ext.yaf");
        CHECK_EQ_STR(rel(plan.files[5].path), "misc/notes.yaf");
        CHECK(plan.files[4].hour == PART_HOUR_UNKNOWN && plan.files[5].hour == PART_HOUR_UNKNOWN);
    }
    CHECK_EQ_U64(plan.total_bytes, 1747);
    CHECK_EQ_U64(plan.outside_window, 2); /* old.yaf (T12), c.yaf (05-02T00) */
    /* Skips sorted by path. */
    CHECK_EQ_U64(plan.nskips, 7);
    if (plan.nskips == 7) {
        static const struct {
            const char *path, *why;
        } want[] = {
            {"2024/05/01/14/writing.yaf", PART_WHY_WRITING},
            {"2024/05/01/14/writing.yaf.lock", PART_WHY_LOCK},
            {"dangling", PART_WHY_DANGLING},
            {"fifo", PART_WHY_NOT_REGULAR},
            {"link.yaf", PART_WHY_DUPLICATE},
            {"loop", PART_WHY_DIR_SEEN},
            {"misc/up", PART_WHY_DIR_SEEN},
        };
        for (size_t i = 0; i < 7; i++) {
            CHECK_EQ_STR(rel(plan.skips[i].path), want[i].path);
            CHECK_EQ_STR(plan.skips[i].why, want[i].why);
        }
    }
    part_plan_fini(&plan);

    /* Start only, from a date-only end's hour on. */
    CHECK(part_window_parse("2024-05-01T14", NULL, &w, &err) == 0);
    CHECK(part_plan_build(paths, 1, &w, &plan, &err) == 0);
    CHECK_EQ_U64(plan.nfiles, 4); /* big.yaf, c.yaf, and the two with no hour */
    CHECK_EQ_U64(plan.outside_window, 4);
    part_plan_fini(&plan);

    /* A window that matches no hour: the files with no hour only, not an error. */
    CHECK(part_window_parse("2030-01-01", "2030-01-01", &w, &err) == 0);
    CHECK(part_plan_build(paths, 1, &w, &plan, &err) == 0);
    CHECK_EQ_U64(plan.nfiles, 3); /* ext.yaf, misc/notes.yaf, link.yaf (big.yaf): no hour */
    CHECK_EQ_U64(plan.total_bytes, 1047);
    CHECK_EQ_U64(plan.outside_window, 6);
    part_plan_fini(&plan);
    CHECK(err.code == ERR_OK);

    /* A failed walk leaves the plan empty. */
    {
        const char *bad[1] = {"/nonexistent/flowsweep-test-path"};

        CHECK(part_plan_build(bad, 1, &w, &plan, &err) == -ERR_IO);
        CHECK(plan.nfiles == 0 && plan.files == NULL);
        part_plan_fini(&plan);
    }
}

/*
 * A FIFO whose path tells an hour outside --start/--end is counted as outside the window
 * (it would not be read), not warned; inside the window, or with none, it is a skip.
 */
static void
test_walk_fifo_window(void)
{
    const char *paths[1] = {root};
    struct part_window w;
    struct part_plan plan;
    struct err err;
    char p[512];

    make_dirs("2024/05/01/11");
    path_of(p, sizeof(p), "2024/05/01/11/pipe.yaf");
    CHECK(mkfifo(p, 0644) == 0);
    err_init(&err);
    CHECK(part_window_parse("2024-05-01T13", "2024-05-01T14", &w, &err) == 0);
    CHECK(part_plan_build(paths, 1, &w, &plan, &err) == 0);
    CHECK_EQ_U64(plan.outside_window, 3); /* old.yaf, c.yaf, and now pipe.yaf */
    for (size_t i = 0; i < plan.nskips; i++)
        CHECK(strcmp(rel(plan.skips[i].path), "2024/05/01/11/pipe.yaf") != 0);
    part_plan_fini(&plan);
    CHECK(part_window_parse("2024-05-01T11", "2024-05-01T11", &w, &err) == 0);
    CHECK(part_plan_build(paths, 1, &w, &plan, &err) == 0);
    {
        int found = 0;

        for (size_t i = 0; i < plan.nskips; i++)
            found |= strcmp(rel(plan.skips[i].path), "2024/05/01/11/pipe.yaf") == 0 &&
                     strcmp(plan.skips[i].why, PART_WHY_NOT_REGULAR) == 0;
        CHECK(found);
    }
    part_plan_fini(&plan);
    unlink(p);
    path_of(p, sizeof(p), "2024/05/01/11");
    rmdir(p);
}

/* Writes `len` bytes of `text` to `rel` (under root). */
static void
write_text(const char *rel_path, const char *text, size_t len)
{
    char p[512];
    int fd;

    path_of(p, sizeof(p), rel_path);
    fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0 && write(fd, text, len) == (ssize_t)len);
    close(fd);
}

/*
 * A cache directory (part.h: a CACHEDIR.TAG that begins with the signature, as the partial
 * cache writes into its DIR) is not entered: one skip with its reason, not lost, nothing of
 * it listed or passed over; a PATH that is one walks nothing. A tag cut short, with another
 * signature, that is a symbolic link (to a good tag) or a directory is no tag: its directory
 * is walked, the file passed over by name.
 */
static void
test_walk_cachedir(void)
{
    static const char good[] = PART_CACHEDIR_SIGNATURE "\n# a cache directory tag\n";
    static const char *const want_files[] = {"cdir/2024/05/01/00/a.yaf", "cdir/dirtag/f.yaf",
                                             "cdir/linked/e.yaf", "cdir/other/c.yaf",
                                             "cdir/wrong/d.yaf"};
    char top[300];
    const char *one[1] = {top};
    struct part_walk walk;
    struct err err;

    make_dirs("cdir/2024/05/01/00");
    make_file("cdir/2024/05/01/00/a.yaf", 10);
    make_dirs("cdir/cache/0123456789abcdef0123456789abcdef");
    write_text("cdir/cache/CACHEDIR.TAG", good, sizeof(good) - 1);
    make_file("cdir/cache/walk.memo", 30);
    make_file("cdir/cache/0123456789abcdef0123456789abcdef/x.roll", 40);
    make_file("cdir/cache/b.yaf", 20); /* a flow file's name: listed if the walk went in */
    make_dirs("cdir/other");
    write_text("cdir/other/CACHEDIR.TAG", good, strlen(PART_CACHEDIR_SIGNATURE) - 1);
    make_file("cdir/other/c.yaf", 10);
    make_dirs("cdir/wrong");
    write_text("cdir/wrong/CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc56\n", 44);
    make_file("cdir/wrong/d.yaf", 10);
    make_dirs("cdir/linked");
    make_link("../cache/CACHEDIR.TAG", "cdir/linked/CACHEDIR.TAG");
    make_file("cdir/linked/e.yaf", 10);
    make_dirs("cdir/dirtag/CACHEDIR.TAG");
    make_file("cdir/dirtag/f.yaf", 10);

    path_of(top, sizeof(top), "cdir");
    err_init(&err);
    CHECK(part_walk_paths(one, 1, &walk, &err) == 0);
    CHECK_EQ_U64(walk.nfiles, sizeof(want_files) / sizeof(want_files[0]));
    for (size_t i = 0; i < walk.nfiles && i < sizeof(want_files) / sizeof(want_files[0]); i++)
        CHECK_EQ_STR(rel(walk.files[i].path), want_files[i]);
    CHECK_EQ_U64(walk.nskips, 1);
    if (walk.nskips == 1) {
        CHECK_EQ_STR(rel(walk.skips[0].path), "cdir/cache");
        CHECK_EQ_STR(walk.skips[0].why, PART_WHY_CACHEDIR);
        CHECK(walk.skips[0].lost == 0);
    }
    CHECK_EQ_U64(walk.lost, 0);
    CHECK_EQ_U64(walk.npassed, 3); /* the three tags that are none (the link followed) */
    for (size_t i = 0; i < walk.npassed; i++)
        CHECK(strstr(rel(walk.passed[i].path), "cdir/cache/") == NULL);
    part_walk_fini(&walk);

    /* The cache directory as the PATH: nothing walked, and said why. */
    path_of(top, sizeof(top), "cdir/cache");
    err_init(&err);
    CHECK(part_walk_paths(one, 1, &walk, &err) == 0);
    CHECK_EQ_U64(walk.nfiles, 0);
    CHECK_EQ_U64(walk.npassed, 0);
    CHECK_EQ_U64(walk.nskips, 1);
    if (walk.nskips == 1)
        CHECK_EQ_STR(walk.skips[0].why, PART_WHY_CACHEDIR);
    CHECK_EQ_U64(walk.lost, 0);
    part_walk_fini(&walk);
    path_of(top, sizeof(top), "cdir");
    remove_tree(top);
}

int
main(void)
{
    RUN(test_hour_layouts);
    RUN(test_hour_leap_and_range);
    RUN(test_hour_invalid);
    RUN(test_hour_format);
    RUN(test_window_forms);
    RUN(test_window_errors);
    if (make_tree()) {
        RUN(test_walk_tree);
        RUN(test_walk_args);
        RUN(test_plan);
        RUN(test_walk_depth);
        RUN(test_walk_fifo_window);
        RUN(test_walk_cachedir);
        remove_tree(root);
        unlink(outside);
    } else {
        fprintf(stderr, "cannot create a temporary directory; walk tests not run\n");
        check_failures++;
    }
    return CHECK_DONE();
}
