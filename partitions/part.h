/*
 * part.h - the vocabulary shared by the partitions modules: a data file found
 * in a repository, and a path left out of the work with the reason why.
 *
 * The modules, bottom up:
 *   part_hour   the hour of a file from its path (YAF, SiLK, Hive, folders)
 *   part_window --start/--end parsed into whole hours, both inclusive
 *   part_name   which files a walk takes, by name (--include / --exclude)
 *   part_walk   PATH arguments walked into a sorted list of regular files
 *   part_plan   walk + window into work units, largest first
 * Nothing here decodes a file. Threads: everything in partitions/ except
 * part_walk is pure; part_walk and part_plan run before worker threads start.
 */
#ifndef ENGINE_PART_H
#define ENGINE_PART_H

#include <stddef.h>
#include <stdint.h>

#define PART_STDIN "-" /* the PATH that means standard input (one IPFIX stream) */

/* Reasons a path is left out (struct part_skip.why); static strings. */
#define PART_WHY_LOCK        "lock file"
#define PART_WHY_WRITING     "being written (.lock present)"
#define PART_WHY_OUTSIDE     "outside the time window" /* counted, never listed */
#define PART_WHY_DUPLICATE   "same file as an earlier path"
#define PART_WHY_DIR_SEEN    "directory already walked (symlink loop or repeated path)"
#define PART_WHY_NOT_REGULAR "not a regular file"
#define PART_WHY_DANGLING    "broken symbolic link"
#define PART_WHY_VANISHED    "vanished during the walk"
#define PART_WHY_CACHEDIR    "cache directory (" PART_CACHEDIR_TAG ")"
/* Below a PATH, what cannot be walked: its files are missing from the answer (exit 3). */
#define PART_WHY_UNREADABLE_DIR "directory cannot be read"
#define PART_WHY_UNREADABLE     "cannot be examined"
#define PART_WHY_TOO_DEEP       "directories nested deeper than 128 below the PATH"
/* Files a walk passed over by name (struct part_plan.passed; listed with -v only). */
#define PART_WHY_NOT_FLOW_NAME "not named like a flow file"
#define PART_WHY_EXCLUDED      "matches --exclude"

/*
 * The Cache Directory Tagging Specification (https://bford.info/cachedir/, honoured by
 * tar --exclude-caches, borg and restic): a directory holding a file of this name whose
 * first bytes are the signature is a cache. The walk does not enter one (part_walk.h);
 * the partial cache tags its DIR (cache_tag_dir()).
 */
#define PART_CACHEDIR_TAG       "CACHEDIR.TAG"
#define PART_CACHEDIR_SIGNATURE "Signature: 8a477f597d28d172789f06886806bc55"

/* One data file: a work unit once it is in a plan. */
struct part_file {
    char *path;    /* as walked: the PATH argument joined with entry names; owned */
    uint64_t size; /* bytes, from stat() at walk time */
    int64_t hour;  /* Unix seconds of the hour's start (UTC), or PART_HOUR_UNKNOWN */
    /*
     * The file as the walk's stat() found it, so that the partial cache need not
     * examine it again: `real` is its real path (absolute, no symbolic link, "."
     * or ".." in it; stored after `path`'s NUL in path's allocation), or NULL when
     * the walk does not know it (a PATH naming a file, a symbolic link on the way,
     * a file system without d_type); the rest is valid when `real` is set. seen_ns
     * is the clock (CLOCK_REALTIME) read just before that stat().
     */
    const char *real;
    uint64_t ino, dev;
    int64_t mtime_ns, ctime_ns, seen_ns;
};

/* One path left out of the work, for the caller to warn about. */
struct part_skip {
    char *path;      /* raw bytes as walked (escape before printing); owned */
    const char *why; /* one of PART_WHY_*; static */
    int sys_errno;   /* the errno that made it unwalkable, or 0 */
    int lost;        /* 1: files below or at it may be missing (PART_WHY_UNREADABLE*, TOO_DEEP) */
};

#endif
