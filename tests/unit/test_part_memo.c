/*
 * test_part_memo.c - the walk's memo of directory listings (part_memo.h): a walk with the
 * memo lists the same files as a walk without it, whatever changed between the walks (a
 * file added, a file removed, a directory renamed over another); a directory too young
 * for the racy rule is not kept; a memo file that is cut, has a bit changed, another
 * version, or bytes that pass the checksum but break a rule, is named and ignored.
 *
 * The reference is the walk without a memo (part_walk_paths_filtered()), which is tested
 * against hand-written expectations in test_partitions.c. The tree's directories must be
 * older than the racy margin (2 s) to be kept: the test waits that long once.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xxhash.h>

#include "check.h"
#include "err.h"
#include "le.h"
#include "part_memo.h"
#include "part_walk.h"

static char root[512];

static void
make_file(const char *rel, const char *text)
{
    char p[1024];
    int fd;

    snprintf(p, sizeof(p), "%s/%s", root, rel);
    fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
        close(fd);
    }
}

static void
make_dir(const char *rel)
{
    char p[1024];

    snprintf(p, sizeof(p), "%s/%s", root, rel);
    CHECK(mkdir(p, 0755) == 0);
}

/* The walk's files as one text: path, size, inode per line. */
static char *
listing(struct part_memo *memo, int use_memo)
{
    const char *paths[1] = {root};
    struct part_walk w;
    struct err err;
    size_t cap = 1 << 16, len = 0;
    char *s = calloc(1, cap);

    err_init(&err);
    CHECK((use_memo ? part_walk_paths_memo(paths, 1, NULL, NULL, memo, &w, &err)
                    : part_walk_paths_filtered(paths, 1, NULL, NULL, &w, &err)) == 0);
    for (size_t i = 0; i < w.nfiles && len + 1100 < cap; i++)
        len += (size_t)snprintf(s + len, cap - len, "%s %llu %llu\n", w.files[i].path,
                                (unsigned long long)w.files[i].size,
                                (unsigned long long)w.files[i].ino);
    for (size_t i = 0; i < w.nskips && len + 1100 < cap; i++)
        len +=
            (size_t)snprintf(s + len, cap - len, "skip %s %s\n", w.skips[i].path, w.skips[i].why);
    part_walk_fini(&w);
    return s;
}

/* A walk with `memo` equals the walk without one. */
static void
same_walk(struct part_memo *memo)
{
    char *a = listing(NULL, 0), *b = listing(memo, 1);

    if (strcmp(a, b) != 0)
        fprintf(stderr, "without the memo:\n%swith it:\n%s", a, b);
    CHECK(strcmp(a, b) == 0);
    free(a);
    free(b);
}

static char memo_path[600];

static void
stats(struct part_memo *m, size_t *loaded, size_t *hits, size_t *puts)
{
    part_memo_stats(m, loaded, hits, puts);
}

/* The tree: root/2024/05/01/{00,01,02}/yaf-...yaf, a README, a hidden directory. */
static void
make_tree(void)
{
    make_dir("2024");
    make_dir("2024/05");
    make_dir("2024/05/01");
    for (int h = 0; h < 3; h++) {
        char d[64], f[128];

        snprintf(d, sizeof(d), "2024/05/01/%02d", h);
        make_dir(d);
        snprintf(f, sizeof(f), "%s/yaf-202405010%d0000-0000%d.yaf", d, h, h);
        make_file(f, "x");
    }
    make_file("2024/README", "not a flow file");
    make_dir(".hidden");
    make_file(".hidden/yaf-20240501000000-00009.yaf", "hidden");
}

static void
test_walks(void)
{
    struct part_memo *m;
    struct err warn;
    size_t loaded, hits, puts;
    const size_t ndirs = 7; /* root, 2024, 05, 01, 00, 01, 02: .hidden is not entered */

    /* young directories: nothing kept */
    err_init(&warn);
    m = part_memo_load(memo_path, &warn); /* no file: an empty memo, no warning */
    CHECK(warn.code == ERR_OK);
    same_walk(m);
    stats(m, &loaded, &hits, &puts);
    CHECK_EQ_U64(puts, 0);
    part_memo_free(m);

    sleep(2); /* (only once) the directories become older than the racy margin */
    {
        struct timespec ts = {0, 200000000};

        nanosleep(&ts, NULL);
    }
    m = part_memo_load(memo_path, &warn);
    same_walk(m);
    stats(m, &loaded, &hits, &puts);
    CHECK_EQ_U64(loaded, 0);
    CHECK_EQ_U64(hits, 0);
    CHECK_EQ_U64(puts, ndirs);
    CHECK(part_memo_save(m, memo_path, &warn) == 0);
    part_memo_free(m);

    /* every directory from the memo, the same files */
    m = part_memo_load(memo_path, &warn);
    CHECK(warn.code == ERR_OK);
    same_walk(m);
    stats(m, &loaded, &hits, &puts);
    CHECK_EQ_U64(loaded, ndirs);
    CHECK_EQ_U64(hits, ndirs);
    CHECK_EQ_U64(puts, 0);
    CHECK(part_memo_save(m, memo_path, &warn) == 0); /* unchanged: not rewritten */
    part_memo_free(m);

    /* a file added to an old directory: that directory is read again, the file found */
    make_file("2024/05/01/01/yaf-20240501013000-00010.yaf", "new");
    m = part_memo_load(memo_path, &warn);
    same_walk(m);
    stats(m, &loaded, &hits, &puts);
    CHECK_EQ_U64(hits, ndirs - 1);
    CHECK_EQ_U64(puts, 0); /* too young to keep */
    CHECK(part_memo_save(m, memo_path, &warn) == 0);
    part_memo_free(m);

    /* a file removed; a directory renamed over another (02 replaced by a new 02) */
    {
        char a[1024], b[1024];

        snprintf(a, sizeof(a), "%s/2024/05/01/00/yaf-20240501000000-00000.yaf", root);
        CHECK(unlink(a) == 0);
        make_dir("2024/05/01/x");
        make_file("2024/05/01/x/yaf-20240501020000-00042.yaf", "other");
        snprintf(a, sizeof(a), "%s/2024/05/01/02", root);
        snprintf(b, sizeof(b), "%s/2024/05/01/old02", root);
        CHECK(rename(a, b) == 0);
        snprintf(b, sizeof(b), "%s/2024/05/01/x", root);
        CHECK(rename(b, a) == 0);
    }
    m = part_memo_load(memo_path, &warn);
    same_walk(m);
    part_memo_free(m);
    CHECK(warn.code == ERR_OK);
}

/* Loads `buf` as a memo file: whether it was accepted (no warning), and its warning text. */
static int
accepted(const uint8_t *buf, size_t len, char *why, size_t cap)
{
    struct err warn;
    struct part_memo *m;

    err_init(&warn);
    m = part_memo_parse(buf, len, 0, &warn);
    snprintf(why, cap, "%s", warn.msg);
    if (warn.code != ERR_OK) { /* rejected: nothing of it is used */
        size_t loaded, hits, puts;

        part_memo_stats(m, &loaded, &hits, &puts);
        CHECK_EQ_U64(loaded, 0);
    }
    part_memo_free(m);
    return warn.code == ERR_OK;
}

static void
rechecksum(uint8_t *buf, size_t len)
{
    le_put64(buf + len - 8, XXH3_64bits(buf, len - 8));
}

static void
test_damage(void)
{
    uint8_t *buf, *copy;
    size_t len;
    struct stat st;
    char why[ERR_MSG_LEN + 16];
    int fd = open(memo_path, O_RDONLY);

    CHECK(fd >= 0);
    if (fd < 0)
        return;
    CHECK(fstat(fd, &st) == 0);
    len = (size_t)st.st_size;
    buf = malloc(len);
    copy = malloc(len);
    CHECK(read(fd, buf, len) == (ssize_t)len);
    close(fd);
    CHECK(accepted(buf, len, why, sizeof(why)));
    for (size_t cut = 0; cut < len; cut++) /* every truncation */
        CHECK(!accepted(buf, cut, why, sizeof(why)));
    for (size_t bit = 0; bit < 8 * len; bit++) { /* every single-bit change */
        memcpy(copy, buf, len);
        copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        CHECK(!accepted(copy, len, why, sizeof(why)));
    }
    /* another version is named as such */
    memcpy(copy, buf, len);
    le_put32(copy + 8, 2);
    rechecksum(copy, len);
    CHECK(!accepted(copy, len, why, sizeof(why)));
    CHECK(strstr(why, "version 2") != NULL);
    /* past the checksum: the first directory's first name (type, length, bytes at 24 + 40) */
    {
        static const struct {
            size_t at;
            uint8_t v;
            const char *why;
        } cases[] = {
            {24 + 40 + 1, 0, "bad names"},   /* an empty name */
            {24 + 40 + 2, '/', "bad names"}, /* a slash in it */
            {24 + 40 + 2, 0, "bad names"},   /* a NUL in it */
            {16, 0xFF, "cut short"},         /* more directories than there are */
            {12, 1, "bad header"},           /* reserved */
            {24, 0xFF, "out of order"},      /* the first device above the second's */
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            memcpy(copy, buf, len);
            copy[cases[i].at] = cases[i].v;
            if (cases[i].at == 24) /* a device above every other: the second is out of order */
                memset(copy + 24, 0xFF, 8);
            rechecksum(copy, len);
            CHECK(!accepted(copy, len, why, sizeof(why)));
            if (strstr(why, cases[i].why) == NULL)
                fprintf(stderr, "  case %zu: %s\n", i, why);
            CHECK(strstr(why, cases[i].why) != NULL);
        }
    }
    free(buf);
    free(copy);
    /* a file that is not a memo is named, and the walk goes on without it */
    {
        struct err warn;
        struct part_memo *m;

        err_init(&warn);
        fd = open(memo_path, O_WRONLY | O_TRUNC);
        CHECK(fd >= 0 && write(fd, "hello\n", 6) == 6);
        if (fd >= 0)
            close(fd);
        m = part_memo_load(memo_path, &warn);
        CHECK(warn.code == ERR_FORMAT);
        same_walk(m);
        part_memo_free(m);
    }
}

int
main(void)
{
    const char *tmp = getenv("TMPDIR"); // NOLINT(concurrency-mt-unsafe): single-threaded test
    char cmd[1200];

    snprintf(root, sizeof(root), "%s/test_part_memo.XXXXXX", tmp != NULL ? tmp : "/tmp");
    if (mkdtemp(root) == NULL)
        return 1;
    snprintf(memo_path, sizeof(memo_path), "%s.memo", root);
    make_tree();
    RUN(test_walks);
    RUN(test_damage);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", root, memo_path);
    if (system(cmd) != 0) // NOLINT(cert-env33-c): the test's own temporary tree
        fprintf(stderr, "could not remove %s\n", root);
    return CHECK_DONE();
}
