/*
 * part_name.c - flow files told by name; see part_name.h.
 *
 * Every test reads the name from its end backwards over a fixed number of
 * bytes, so any byte string is safe and the work is linear in its length.
 * Dates in stamps are validated by part_hour_from_path() on the name alone
 * (no '/', so only the name layouts can match).
 */
#include "part_name.h"

#include <fnmatch.h>
#include <stdint.h>
#include <string.h>

#include "part.h"
#include "part_hour.h"

static int
lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Whether name[0, len) ends with `suffix` (ASCII, any case). */
static int
ends_with(const char *name, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);

    if (len < n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)name[len - n + i]) != suffix[i])
            return 0;
    return 1;
}

static int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* name[0, len) ends with "-" 14 digits "-" 1+ digits. */
static int
ends_with_yaf_stamp(const char *name, size_t len)
{
    size_t i = len;

    while (i > 0 && is_digit(name[i - 1]))
        i--;
    if (i == len || i < 16 || name[i - 1] != '-' || name[i - 16] != '-')
        return 0;
    for (size_t k = i - 15; k < i - 1; k++)
        if (!is_digit(name[k]))
            return 0;
    return 1;
}

/* name[0, len) ends with "_" 8 digits "." 2 digits. */
static int
ends_with_silk_stamp(const char *name, size_t len)
{
    const char *s = name + len - 12;

    if (len < 12 || s[0] != '_' || s[9] != '.')
        return 0;
    for (size_t k = 1; k < 12; k++)
        if (k != 9 && !is_digit(s[k]))
            return 0;
    return 1;
}

/* The stamp's time is valid: part_hour's name layouts on a copy of name[0, len). */
static int
stamp_valid(const char *name, size_t len)
{
    char buf[64];
    const char *tail = len > sizeof(buf) - 1 ? name + len - (sizeof(buf) - 1) : name;
    size_t n = (size_t)(name + len - tail);
    int64_t hour;

    /* The stamps are at most 17 + serial digits long: the last 63 bytes hold them unless the
     * serial itself is longer, which no exporter writes. */
    memcpy(buf, tail, n);
    buf[n] = '\0';
    return part_hour_from_path(buf, &hour);
}

/* Whether dir[0, len) (as walked) ends in a Hive hour folder "hour=H" or "hour=HH". */
static int
in_hive_hour(const char *dir, size_t len)
{
    size_t i;

    while (len > 0 && dir[len - 1] == '/')
        len--;
    i = len;
    while (i > 0 && len - i < 3 && is_digit(dir[i - 1]))
        i--;
    if (i == len || len - i > 2 || i < 5 || memcmp(dir + i - 5, "hour=", 5) != 0)
        return 0;
    return i == 5 || dir[i - 6] == '/';
}

int
part_name_is_flow(const char *dir, size_t dir_len, const char *name)
{
    size_t len = strlen(name);

    if (ends_with(name, len, ".gz"))
        len -= 3;
    else if (ends_with(name, len, ".zst"))
        len -= 4;
    else if (ends_with(name, len, ".zstd"))
        len -= 5;
    if (len == 0)
        return 0;
    if (ends_with(name, len, ".yaf") || ends_with(name, len, ".ipfix"))
        return 1;
    if ((ends_with_yaf_stamp(name, len) || ends_with_silk_stamp(name, len)) &&
        stamp_valid(name, len))
        return 1;
    return strncmp(name, "part-", 5) == 0 && in_hive_hour(dir, dir_len);
}

/*
 * Whether any glob in `globs` matches (a glob with '/' against the path, others the name);
 * with `hit`, every glob is tried and hit[i] set for each that matches.
 */
static int
any_match(const char *const *globs, size_t n, const char *path, const char *name,
          unsigned char *hit)
{
    int m = 0;

    for (size_t i = 0; i < n; i++) {
        const char *subject = strchr(globs[i], '/') != NULL ? path : name;

        if (fnmatch(globs[i], subject, 0) == 0) {
            if (hit == NULL)
                return 1;
            hit[i] = 1;
            m = 1;
        }
    }
    return m;
}

const char *
part_name_check(const struct part_filter *f, const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash != NULL ? slash + 1 : path;
    int ex = 0, in = 0;

    if (f != NULL) {
        ex = any_match(f->exclude, f->nexclude, path, name, f->exclude_hit);
        if (!ex || f->include_hit != NULL)
            in = any_match(f->include, f->ninclude, path, name, f->include_hit);
    }
    if (ex)
        return PART_WHY_EXCLUDED;
    if (in)
        return NULL;
    return part_name_is_flow(path, (size_t)(name - path), name) ? NULL : PART_WHY_NOT_FLOW_NAME;
}
