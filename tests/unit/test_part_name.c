/*
 * test_part_name.c - which files a walk takes by name, --include / --exclude,
 * a file named as a PATH always taken, standard input as a PATH, and the
 * export's time order.
 *
 * Expected verdicts are written from the rules in docs/partitions.md ("Which
 * files are read"), one case per rule and per near miss.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "err.h"
#include "part.h"
#include "part_name.h"
#include "part_plan.h"
#include "part_walk.h"

struct name_case {
    const char *path;
    int flow; /* expected part_name_check() == NULL */
};

static void
test_names(void)
{
    static const struct name_case cases[] = {
        {"r/2024/05/01/13/sensor-20240501130000-00042.yaf", 1},
        {"r/x.yaf", 1},
        {"r/x.YAF", 1},
        {"r/x.ipfix", 1},
        {"r/benign.yaf.ipfix", 1},
        {"r/benign.yaf-pkt.ipfix", 1},
        {"r/x.yaf.gz", 1},
        {"r/x.ipfix.zst", 1},
        {"r/x.yaf.zstd", 1},
        {"r/yaf-20240501130512-00042", 1},    /* rotate stamp, no extension */
        {"r/yaf-20240501130512-00042.gz", 1}, /* compressed */
        {"r/yaf-20241301130512-00042", 0},    /* month 13: not a stamp */
        {"r/yaf-2024050113051-00042", 0},     /* 13 digits */
        {"r/in-S0_20240501.13", 1},           /* SiLK hourly */
        {"r/in-S0_20240501.13.gz", 1},
        {"r/in-S0_20240501.24", 0},     /* hour 24 */
        {"r/in-S0_20240501.13.md5", 0}, /* a checksum beside it */
        {"r/lake/year=2024/month=5/day=1/hour=13/part-00000", 1},
        {"r/lake/year=2024/month=5/day=1/hour=13/part-00000.zst", 1},
        {"r/lake/year=2024/month=5/day=1/hour=13/README.md", 0},
        {"r/lake/part-00000", 0}, /* part- outside a Hive hour folder */
        {"r/README.md", 0},
        {"r/SHA256SUMS", 0},
        {"r/labels.tsv", 0},
        {"r/x.yaf.md5", 0},
        {"r/.gz", 0},
        {"r/gz", 0},
        {"r/x.yafx", 0},
        {"x.yaf", 1}, /* no folder */
        {"README", 0},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *why = part_name_check(NULL, cases[i].path);

        if ((why == NULL) != cases[i].flow)
            fprintf(stderr, "  %s: got %s\n", cases[i].path, why ? why : "taken");
        CHECK((why == NULL) == cases[i].flow);
        if (why != NULL)
            CHECK(strcmp(why, PART_WHY_NOT_FLOW_NAME) == 0);
    }
}

/* part_name_check()'s verdict as text, for comparing: "taken" or the reason. */
static const char *
verdict(const struct part_filter *f, const char *path)
{
    const char *why = part_name_check(f, path);

    return why != NULL ? why : "taken";
}

static void
test_globs(void)
{
    const char *inc[] = {"*.dat", "*/keep/*"};
    const char *exc[] = {"*-00007.yaf", "*/tmp/*"};
    struct part_filter f = {inc, 2, exc, 2, NULL, NULL};

    CHECK_EQ_STR(verdict(&f, "r/a.dat"), "taken");       /* included by name */
    CHECK_EQ_STR(verdict(&f, "r/keep/README"), "taken"); /* included by path */
    CHECK_EQ_STR(verdict(&f, "r/a.yaf"), "taken");       /* the name rule still holds */
    CHECK_EQ_STR(verdict(&f, "r/README"), PART_WHY_NOT_FLOW_NAME);
    CHECK_EQ_STR(verdict(&f, "r/y-20240501130000-00007.yaf"), PART_WHY_EXCLUDED);
    CHECK_EQ_STR(verdict(&f, "r/tmp/a.yaf"), PART_WHY_EXCLUDED);
    CHECK_EQ_STR(verdict(&f, "r/tmp/a.dat"), PART_WHY_EXCLUDED); /* exclude wins */
    /* With hit bytes every glob is tried: which ones matched some file (by hand). */
    {
        unsigned char ih[2] = {0, 0}, eh[2] = {0, 0};
        struct part_filter h = {inc, 2, exc, 2, ih, eh};

        CHECK_EQ_STR(verdict(&h, "r/tmp/a.dat"), PART_WHY_EXCLUDED); /* the same verdict */
        CHECK(ih[0] == 1 && ih[1] == 0 && eh[0] == 0 && eh[1] == 1);
        CHECK_EQ_STR(verdict(&h, "r/keep/README"), "taken");
        CHECK(ih[0] == 1 && ih[1] == 1 && eh[0] == 0 && eh[1] == 1);
    }
    /* A glob without '/' sees the name only: "r*" does not match "r/a.txt"'s name. */
    {
        const char *inc2[] = {"r*"};
        struct part_filter g = {inc2, 1, NULL, 0, NULL, NULL};

        CHECK_EQ_STR(verdict(&g, "r/a.txt"), PART_WHY_NOT_FLOW_NAME);
        CHECK_EQ_STR(verdict(&g, "q/readme"), "taken");
    }
}

static char root[256];

static void
put(const char *rel)
{
    char p[512];
    int fd;

    snprintf(p, sizeof(p), "%s/%s", root, rel);
    for (char *s = p + strlen(root) + 1; *s; s++) {
        if (*s == '/') {
            *s = '\0';
            mkdir(p, 0755);
            *s = '/';
        }
    }
    fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, rel, strlen(rel)) == (ssize_t)strlen(rel)); /* sizes differ by name */
    close(fd);
}

static int
has_file(const struct part_plan *p, const char *rel)
{
    char want[512];

    snprintf(want, sizeof(want), "%s/%s", root, rel);
    for (size_t i = 0; i < p->nfiles; i++)
        if (strcmp(p->files[i].path, want) == 0)
            return 1;
    return 0;
}

static void
test_walk(void)
{
    const char *paths[1] = {root};
    struct part_plan plan;
    struct err err;
    char named[600];

    err_init(&err);
    put("README.md");
    put("SHA256SUMS");
    put("labels.tsv");
    put("2024/05/01/13/s-20240501130000-00001.yaf");
    put("2024/05/01/12/s-20240501120000-00000.yaf.gz");
    put("2024/05/01/12/notes.txt");
    put("silk/in-S0_20240501.14");

    CHECK(part_plan_build(paths, 1, NULL, &plan, &err) == 0);
    CHECK_EQ_U64(plan.nfiles, 3);
    CHECK(has_file(&plan, "2024/05/01/13/s-20240501130000-00001.yaf"));
    CHECK(has_file(&plan, "2024/05/01/12/s-20240501120000-00000.yaf.gz"));
    CHECK(has_file(&plan, "silk/in-S0_20240501.14"));
    CHECK_EQ_U64(plan.npassed, 4); /* README.md, SHA256SUMS, labels.tsv, notes.txt */
    CHECK_EQ_U64(plan.nskips, 0);  /* passed-over files are not warnings */
    for (size_t i = 0; i < plan.npassed; i++)
        CHECK(strcmp(plan.passed[i].why, PART_WHY_NOT_FLOW_NAME) == 0);
    /* Sorted by path: .../2024/05/01/12/notes.txt first, .../labels.tsv last. */
    CHECK(strstr(plan.passed[0].path, "notes.txt") != NULL);
    CHECK(strstr(plan.passed[plan.npassed - 1].path, "labels.tsv") != NULL);

    /* Time order: 12, 13, 14 (SiLK name), whatever the sizes. */
    part_plan_order_by_time(&plan);
    CHECK(strstr(plan.files[0].path, "/12/") != NULL);
    CHECK(strstr(plan.files[1].path, "/13/") != NULL);
    CHECK(strstr(plan.files[2].path, "in-S0") != NULL);
    part_plan_fini(&plan);

    /* --include and --exclude. */
    {
        const char *inc[] = {"*.tsv"};
        const char *exc[] = {"*.gz"};
        struct part_filter f = {inc, 1, exc, 1, NULL, NULL};

        CHECK(part_plan_build_filtered(paths, 1, NULL, &f, &plan, &err) == 0);
        CHECK_EQ_U64(plan.nfiles, 3); /* .yaf, in-S0, labels.tsv */
        CHECK(has_file(&plan, "labels.tsv"));
        CHECK(!has_file(&plan, "2024/05/01/12/s-20240501120000-00000.yaf.gz"));
        CHECK_EQ_U64(plan.npassed, 4);
        part_plan_fini(&plan);
    }

    /* A file named as a PATH is read whatever its name, and "-" is standard input once. */
    {
        const char *args[3];

        snprintf(named, sizeof(named), "%s/README.md", root);
        args[0] = named;
        args[1] = PART_STDIN;
        args[2] = PART_STDIN;
        CHECK(part_plan_build(args, 3, NULL, &plan, &err) == 0);
        CHECK_EQ_U64(plan.nfiles, 2);
        CHECK_EQ_U64(plan.nskips, 1); /* the second "-" */
        CHECK(strcmp(plan.skips[0].why, PART_WHY_DUPLICATE) == 0);
        part_plan_fini(&plan);
    }
    CHECK(err.code == ERR_OK);
}

int
main(void)
{
    const char *tmp = getenv("TMPDIR");

    RUN(test_names);
    RUN(test_globs);
    snprintf(root, sizeof(root), "%s/part_name.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(root) == NULL) {
        fprintf(stderr, "cannot create a temporary directory\n");
        return 1;
    }
    RUN(test_walk);
    {
        char cmd[600];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root); /* mkdtemp's name: no quote in it */
        CHECK(system(cmd) == 0);
    }
    return CHECK_DONE();
}
