/*
 * part_name.h - which files found in a directory are flow files, told by
 * their names, with the user's --include / --exclude globs on top.
 *
 * A repository holds more than IPFIX files (README, checksums, labels,
 * manifests), so the walk takes only names that look like the layouts
 * flowsweep knows (docs/partitions.md, "Which files are read"). With a
 * compression suffix (.gz, .zst, .zstd) removed first, a name is a flow file
 * when it
 *   - ends in .yaf or .ipfix (any case: x.yaf, x.yaf.ipfix, x.yaf-pkt.ipfix);
 *   - ends in a YAF rotate stamp -YYYYMMDDhhmmss-NNNNN (a valid time);
 *   - ends in a SiLK hourly stamp _YYYYMMDD.HH (a valid hour);
 *   - starts with "part-" inside a Hive hour folder (.../hour=H/part-...).
 * Then --exclude GLOB (any match: passed over) wins over --include GLOB (any
 * match: taken), which wins over the name rule. A glob without '/' is
 * matched against the file name, a glob with '/' against the whole path as
 * walked (fnmatch(3), no flags: '*' matches '/' too). A file named as a PATH
 * on the command line is always read; these rules are for the files a
 * directory walk finds.
 * Threads: pure functions, any thread.
 */
#ifndef ENGINE_PART_NAME_H
#define ENGINE_PART_NAME_H

#include <stddef.h>

/*
 * The user's globs; both lists may be empty. Borrowed strings. When
 * include_hit / exclude_hit are set (caller storage, one byte per glob, zeroed
 * by the caller), part_name_check() tries every glob and sets the byte of each
 * one that matches, so that a glob matching no file can be told (a warning:
 * a glob with '/' that does not start the way the walked paths do excludes
 * nothing without a word otherwise).
 */
struct part_filter {
    const char *const *include; /* --include GLOB values, in order given */
    size_t ninclude;            /* entries in include */
    const char *const *exclude; /* --exclude GLOB values */
    size_t nexclude;            /* entries in exclude */
    unsigned char *include_hit; /* NULL, or include_hit[i] = 1 once include[i] matched a file */
    unsigned char *exclude_hit; /* idem for exclude[] */
};

/*
 * part_name_is_flow() - whether `name` (a file name, no '/') looks like a
 * flow file; dir[0, dir_len) is the folder it was found in (as walked, may
 * end in '/'; dir_len 0: none), for the Hive rule.
 */
int part_name_is_flow(const char *dir, size_t dir_len, const char *name);

/*
 * part_name_check() - the verdict for a file found at `path` (as walked; its
 * name is the part after the last '/') under filter `f` (NULL: no globs).
 * Returns NULL when the file is taken, or the reason it is passed over (a
 * static string: PART_WHY_NOT_FLOW_NAME or PART_WHY_EXCLUDED).
 */
const char *part_name_check(const struct part_filter *f, const char *path);

#endif
