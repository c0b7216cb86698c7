/*
 * test_cache.c - the partial cache's rules (cache.h): a partial is used only
 * for the same file (path, size, mtime, inode), the same job, an old enough
 * file (racy rule: mtime and ctime); a damaged partial is reported; stats and prune
 * count and remove what they say; a store after a prune emptied the job directory.
 * Setting a file's mtime back moves its ctime to now, which no call can set back: the
 * files the tests cache are made first, and main() waits once until their ctimes are
 * CACHE_RACY_NS old (aged()).
 */
#define _XOPEN_SOURCE 700

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xxhash.h>

#include "cache.h"
#include "check.h"
#include "dset.h"
#include "mem.h"
#include "op.h"
#include "part_walk.h"

static char dir[256];
static char src_rules[512], src_win[512]; /* made first, aged() before their tests */
static struct timespec made;              /* when they were made */

static int
save_val(const void *ctx, const uint8_t *val, struct partial_buf *out, struct err *err)
{
    (void)ctx;
    (void)err;
    partial_buf_put(out, val, 8);
    return 0;
}

static struct htab *
table(uint64_t n, struct memacct *acct)
{
    struct err err;
    struct htab *t;

    err_init(&err);
    t = htab_create(8, acct, &err);
    for (uint64_t i = 0; i < n; i++) {
        int is_new;
        struct htab_entry *e =
            htab_upsert(t, (const uint8_t *)&i, 8, XXH3_64bits(&i, 8), &is_new, &err);

        memcpy(htab_entry_val(e), &i, 8);
    }
    return t;
}

/* Writes `len` bytes to path and sets its mtime `age` seconds in the past (its ctime: now). */
static void
make_file(const char *path, size_t len, int age)
{
    FILE *f = fopen(path, "wb");
    struct timespec ts[2];

    for (size_t i = 0; i < len; i++)
        fputc((int)i, f);
    fclose(f);
    clock_gettime(CLOCK_REALTIME, &ts[0]);
    ts[0].tv_sec -= age;
    ts[1] = ts[0];
    utimensat(AT_FDCWD, path, ts, 0);
}

static void
test_rules(void)
{
    static struct cache c, other;
    static struct cache_src s;
    static struct partial p;
    static struct partial_info in;
    struct memacct acct;
    struct htab *t;
    struct err err;
    char src[512], cdir[512], job_dir[600];

    memacct_init(&acct, 0);
    t = table(100, &acct);
    snprintf(src, sizeof(src), "%s", src_rules); /* made an hour old, its ctime aged() */
    snprintf(cdir, sizeof(cdir), "%s/cache", dir);
    err_init(&err);
    CHECK(cache_open(&c, cdir, "group keys=dip", 1, &err) == 0);
    CHECK(atomic_load(&c.write_ok) == 1);
    CHECK(cache_identify(src, &s, &err) == 0);
    CHECK(cache_racy(&s) == 0);
    CHECK(cache_lookup(&c, &s, &p, &err) == CACHE_MISS);
    memset(&in, 0, sizeof(in));
    CHECK(cache_store(&c, &s, &in, t, 8, save_val, NULL, &err) > 0);
    CHECK(cache_lookup(&c, &s, &p, &err) == CACHE_HIT);
    CHECK_EQ_U64(p.info.groups, 100);
    partial_fini(&p);

    /* Another job: its own directory, nothing there. */
    CHECK(cache_open(&other, cdir, "group keys=sip", 1, &err) == 0);
    CHECK(strcmp(other.fp_hex, c.fp_hex) != 0);
    CHECK(cache_lookup(&other, &s, &p, &err) == CACHE_MISS);
    cache_close(&other);
    /* Same job text, another state version: another fingerprint too. */
    CHECK(cache_open(&other, cdir, "group keys=dip", 2, &err) == 0);
    CHECK(strcmp(other.fp_hex, c.fp_hex) != 0);
    cache_close(&other);

    /* The file rewritten with the same size and an old mtime: the inode or mtime differs.
     * Its mtime is old but its ctime is now (touch -d, cp -p): not trusted yet. */
    unlink(src);
    make_file(src, 1000, 7200);
    CHECK(cache_identify(src, &s, &err) == 0);
    CHECK(cache_lookup(&c, &s, &p, &err) == CACHE_STALE);
    CHECK(s.now_ns - s.mtime_ns >= CACHE_RACY_NS);
    CHECK(cache_racy(&s) == 1);
    /* Written anyway (the caller should not): refused, the ctime is not old enough. */
    CHECK(cache_store(&c, &s, &in, t, 8, save_val, NULL, &err) > 0);
    CHECK(cache_lookup(&c, &s, &p, &err) == CACHE_STALE);
    /* As if examined later (the time set, not waited for): trusted once its ctime was
     * CACHE_RACY_NS old at the examination, not a nanosecond before. */
    s.now_ns = s.ctime_ns + CACHE_RACY_NS - 1;
    CHECK(cache_racy(&s) == 1);
    CHECK(cache_store(&c, &s, &in, t, 8, save_val, NULL, &err) > 0);
    CHECK(cache_lookup(&c, &s, &p, &err) == CACHE_STALE);
    s.now_ns = s.ctime_ns + CACHE_RACY_NS;
    CHECK(cache_racy(&s) == 0);
    CHECK(cache_store(&c, &s, &in, t, 8, save_val, NULL, &err) > 0);
    CHECK(cache_lookup(&c, &s, &p, &err) == CACHE_HIT);
    partial_fini(&p);

    /* Touched just now: too young to be trusted next time (racy). */
    make_file(src, 1000, 0);
    CHECK(cache_identify(src, &s, &err) == 0);
    CHECK(cache_racy(&s) == 1);
    CHECK(cache_lookup(&c, &s, &p, &err) == CACHE_STALE);
    /* Written anyway (the caller should not): still refused, the file is not old enough. */
    CHECK(cache_store(&c, &s, &in, t, 8, save_val, NULL, &err) > 0);
    CHECK(cache_lookup(&c, &s, &p, &err) == CACHE_STALE);

    /* A damaged partial: reported with its path and reason. */
    make_file(src, 1000, 3600);
    CHECK(cache_identify(src, &s, &err) == 0);
    CHECK(cache_store(&c, &s, &in, t, 8, save_val, NULL, &err) > 0);
    {
        char cmd[1200];

        snprintf(cmd, sizeof(cmd), "truncate -s -9 %s/*.part", c.job_dir);
        CHECK(system(cmd) == 0);
    }
    err_init(&err);
    CHECK(cache_lookup(&c, &s, &p, &err) == CACHE_BAD);
    CHECK(strstr(err.msg, ".part") != NULL && strstr(err.msg, "trailer") != NULL);

    /* stats (headers only): one job, one entry; prune (whole files) removes it. */
    {
        struct cache_job_stats *jobs;
        size_t n;
        struct cache_prune_opts o = {-1, 0};
        struct cache_prune_result r;
        struct cache_top top;

        err_init(&err);
        CHECK(cache_stats(cdir, &jobs, &n, &top, &err) == 0);
        CHECK_EQ_U64(top.n, 0);
        cache_top_fini(&top);
        CHECK_EQ_U64(n, 1);
        if (n == 1) {
            CHECK_EQ_U64(jobs[0].entries, 1);
            CHECK_EQ_U64(jobs[0].unreadable, 0);
            CHECK_EQ_STR(jobs[0].job, "group keys=dip");
        }
        mem_free(jobs);
        snprintf(job_dir, sizeof(job_dir), "%s", c.job_dir);
        cache_close(&c); /* prune passes over the job directory of an open cache */
        CHECK(cache_prune(cdir, &o, &r, &err) == 0);
        CHECK_EQ_U64(r.removed, 1);
        CHECK_EQ_U64(r.kept, 0);
        CHECK_EQ_U64(r.in_use, 0);
        /* The job directory went with its last file; the cache directory stays. */
        CHECK(access(job_dir, F_OK) != 0);
        CHECK(access(cdir, F_OK) == 0);
    }
    /* prune --missing-sources / --older-than. */
    {
        struct cache_prune_opts keep = {30, 1}, age = {0, 0};
        struct cache_prune_result r;

        CHECK(cache_open(&other, cdir, "group keys=dip", 1, &err) == 0);
        CHECK(cache_identify(src, &s, &err) == 0);
        CHECK(cache_store(&other, &s, &in, t, 8, save_val, NULL, &err) > 0);
        cache_close(&other);
        CHECK(cache_prune(cdir, &keep, &r, &err) == 0);
        CHECK_EQ_U64(r.removed, 0);
        CHECK_EQ_U64(r.kept, 1);
        unlink(src);
        CHECK(cache_prune(cdir, &keep, &r, &err) == 0);
        CHECK_EQ_U64(r.removed, 1);
        make_file(src, 1000, 3600);
        CHECK(cache_open(&other, cdir, "group keys=dip", 1, &err) == 0);
        CHECK(cache_identify(src, &s, &err) == 0);
        CHECK(cache_store(&other, &s, &in, t, 8, save_val, NULL, &err) > 0);
        cache_close(&other);
        CHECK(cache_prune(cdir, &age, &r, &err) == 0);
        CHECK_EQ_U64(r.removed, 1);
    }
    cache_close(&c);
    htab_destroy(t);
}

/*
 * A prune beside running sweeps (two open caches: one with a partial, one whose job directory
 * is still empty) touches neither: "--older-than 0" would remove the partial and an empty job
 * directory goes with any prune. Once the sweeps end (cache_close()), the same prune does.
 */
static void
test_prune_in_use(void)
{
    static struct cache a, b;
    static struct cache_src s;
    static struct partial_info in;
    struct cache_prune_opts age = {0, 0};
    struct cache_prune_result r;
    struct memacct acct;
    struct htab *t;
    struct err err;
    char src[512], cdir[512], part[700];

    memacct_init(&acct, 0);
    t = table(10, &acct);
    snprintf(src, sizeof(src), "%s/inuse.ipfix", dir);
    snprintf(cdir, sizeof(cdir), "%s/cache-inuse", dir);
    make_file(src, 100, 3600);
    err_init(&err);
    CHECK(cache_open(&a, cdir, "group keys=sip", 1, &err) == 0);
    CHECK(cache_open(&b, cdir, "group keys=dip", 1, &err) == 0);
    CHECK(cache_identify(src, &s, &err) == 0);
    memset(&in, 0, sizeof(in));
    CHECK(cache_store(&a, &s, &in, t, 8, save_val, NULL, &err) > 0);
    snprintf(part, sizeof(part), "%s", a.job_dir);
    CHECK(cache_prune(cdir, &age, &r, &err) == 0);
    CHECK_EQ_U64(r.in_use, 2);
    CHECK_EQ_U64(r.removed, 0);
    cache_prune_result_fini(&r);
    CHECK(access(a.job_dir, F_OK) == 0);
    CHECK(access(b.job_dir, F_OK) == 0);
    /* the sweep goes on: its job directory is still there to write into */
    CHECK(cache_store(&b, &s, &in, t, 8, save_val, NULL, &err) > 0);
    cache_close(&a);
    cache_close(&b);
    CHECK(cache_prune(cdir, &age, &r, &err) == 0);
    CHECK_EQ_U64(r.in_use, 0);
    CHECK_EQ_U64(r.removed, 2);
    cache_prune_result_fini(&r);
    CHECK(access(part, F_OK) != 0);
    htab_destroy(t);
}

/* A cache directory that cannot be made: the cache still opens, writing off, with a reason. */
static void
test_unwritable(void)
{
    struct cache c;
    struct err err;
    char bad[512];

    snprintf(bad, sizeof(bad), "%s/file", dir);
    make_file(bad, 1, 0);
    snprintf(bad, sizeof(bad), "%s/file/cache", dir);
    err_init(&err);
    CHECK(cache_open(&c, bad, "group keys=dip", 1, &err) == 0);
    CHECK(atomic_load(&c.write_ok) == 0);
    CHECK(strstr(err.msg, "will not be written") != NULL);
    cache_close(&c);
}

/* Address sets are saved as IPv4 (4 bytes), IPv6 (16) and other (17) lists, and load back whole. */
static void
test_dset_addresses(void)
{
    struct memacct acct;
    struct dset s, back;
    struct op_bytes b = {NULL, 0, 0, 0};
    struct err err;
    uint8_t item[17];
    const uint8_t *p;
    size_t n4 = 0, n6 = 0, nx = 0;

    memacct_init(&acct, 0);
    memset(&s, 0, sizeof(s));
    memset(&back, 0, sizeof(back));
    err_init(&err);
    for (uint32_t i = 0; i < 300; i++) {
        memset(item, 0, sizeof(item));
        if (i % 3 == 0) { /* IPv4, as record_addr() makes it: family 4, ::ffff:a.b.c.d */
            item[0] = 4;
            item[11] = item[12] = 0xFF;
            memcpy(item + 13, &i, 4);
            n4++;
        } else if (i % 3 == 1) { /* IPv6 */
            item[0] = 6;
            item[1] = 0x20;
            memcpy(item + 9, &i, 4);
            n6++;
        } else { /* anything else (family 0, an unmapped 4): kept whole */
            item[0] = (uint8_t)(i % 2 ? 0 : 4);
            memcpy(item + 5, &i, 4);
            nx++;
        }
        CHECK(dset_add(&s, item, 17, &acct, &err) == 1);
    }
    CHECK(op_save_dset(&s, 17, &b, &err) == 0);
    CHECK_EQ_U64(b.len, 12 + 4 * n4 + 16 * n6 + 17 * nx);
    p = b.p;
    CHECK(op_load_dset(&back, 17, &p, b.p + b.len, &acct, &err) == 0);
    CHECK(p == b.p + b.len);
    CHECK_EQ_U64(back.n, 300);
    {
        struct op_bytes again = {NULL, 0, 0, 0};

        CHECK(op_save_dset(&back, 17, &again, &err) == 0);
        CHECK(again.len == b.len && memcmp(again.p, b.p, b.len) == 0);
        op_bytes_fini(&again);
    }
    /* An item in the wrong list is refused (one item, one encoding). */
    {
        uint8_t bad[4 + 4 + 4 + 17] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 6};
        struct dset d;

        memset(&d, 0, sizeof(d));
        p = bad;
        err_init(&err);
        CHECK(op_load_dset(&d, 17, &p, bad + sizeof(bad), &acct, &err) == -ERR_FORMAT);
        dset_fini(&d, 17, &acct);
    }
    op_bytes_fini(&b);
    dset_fini(&s, 17, &acct);
    dset_fini(&back, 17, &acct);
}

static size_t sort_width;

static int
item_cmp(const void *a, const void *b)
{
    return memcmp(a, b, sort_width);
}

/* Sorts each of the three lists of saved address set b[0..len) in place; 0, or -1 when cut. */
static int
sort_lists(uint8_t *b, size_t len)
{
    static const size_t w[3] = {4, 16, 17};
    size_t at = 0;

    for (int k = 0; k < 3; k++) {
        uint32_t n;

        if (len - at < 4)
            return -1;
        n = (uint32_t)b[at] | (uint32_t)b[at + 1] << 8 | (uint32_t)b[at + 2] << 16 |
            (uint32_t)b[at + 3] << 24;
        at += 4;
        if ((len - at) / w[k] < n)
            return -1;
        sort_width = w[k];
        qsort(b + at, n, w[k], item_cmp);
        at += n * w[k];
    }
    return at == len ? 0 : -1;
}

/*
 * A roll-up's address sets are saved in the set's order (any_order, dset_save17()): the
 * three lists hold the canonical lists' items (each sorted: the canonical bytes), and load
 * back whole, for sets inline, in an array, hashed, of one kind and mixed.
 */
static void
test_dset_any_order(void)
{
    static const uint32_t sizes[] = {0, 1, 2, 6, 7, 8, 9, 17, 40, 300};
    struct memacct acct;
    struct err err;

    memacct_init(&acct, 0);
    for (unsigned mix = 0; mix < 6; mix++)
        for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
            struct dset s, back;
            struct op_bytes canon = {NULL, 0, 0, 0}, any = {NULL, 0, 0, 1};
            const uint8_t *p;

            memset(&s, 0, sizeof(s));
            memset(&back, 0, sizeof(back));
            err_init(&err);
            for (uint32_t i = 0; i < sizes[z]; i++) {
                uint8_t item[17] = {0};
                /* mix 0: IPv4 only; 1: IPv6 only; 2: other only; 3: IPv4 first, then all
                 * kinds; 4: IPv6 first, then all kinds; 5: other first, then all kinds */
                unsigned kind = mix < 3 ? mix : (i == 0 ? mix - 3 : (i * 7 + mix) % 3);
                uint32_t v = i * 2654435761u + mix;

                if (kind == 0) {
                    item[0] = 4;
                    item[11] = item[12] = 0xFF;
                    memcpy(item + 13, &v, 4);
                } else if (kind == 1) {
                    item[0] = 6;
                    item[1] = 0x20;
                    memcpy(item + 9, &v, 4);
                } else {
                    item[0] = (uint8_t)(i % 2 ? 0 : 4);
                    memcpy(item + 5, &v, 4);
                }
                CHECK(dset_add(&s, item, 17, &acct, &err) == 1);
            }
            CHECK(op_save_dset(&s, 17, &canon, &err) == 0);
            CHECK(op_save_dset(&s, 17, &any, &err) == 0);
            CHECK_EQ_U64(any.len, canon.len);
            p = any.p;
            CHECK(op_load_dset(&back, 17, &p, any.p + any.len, &acct, &err) == 0);
            CHECK(p == any.p + any.len);
            CHECK_EQ_U64(back.n, sizes[z]);
            CHECK(sort_lists(any.p, any.len) == 0);
            CHECK(memcmp(any.p, canon.p, canon.len) == 0);
            op_bytes_fini(&canon);
            op_bytes_fini(&any);
            dset_fini(&s, 17, &acct);
            dset_fini(&back, 17, &acct);
        }
}

/*
 * dset_load() and dset_load17() (a saved set sized once): every size around the
 * inline, array and hash thresholds gives a set holding exactly the items, a repeated
 * item is refused (0), and the budget is whole again after dset_fini().
 */
static void
test_dset_load(void)
{
    static const uint32_t sizes[] = {0, 1, 2, 5, 6, 7, 8, 9, 17, 40};
    static const size_t widths[] = {8, 16, 5};
    struct memacct acct;
    struct err err;
    uint8_t items[41 * 17], item[17];

    memacct_init(&acct, 0);
    err_init(&err);
    for (size_t w = 0; w < 3; w++)
        for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
            size_t width = widths[w];
            uint32_t n = sizes[k];
            struct dset s;

            memset(items, 0, sizeof(items));
            for (uint32_t i = 0; i <= n; i++)
                memcpy(items + i * width, &(uint32_t){i * 2654435761u}, 4);
            memset(&s, 0, sizeof(s));
            CHECK(dset_load(&s, items, n, width, &acct, &err) == 1);
            CHECK_EQ_U64(s.n, n);
            for (uint32_t i = 0; i < n; i++)
                CHECK(dset_add(&s, items + i * width, width, &acct, &err) == 0);
            CHECK(dset_add(&s, items + n * width, width, &acct, &err) == 1);
            dset_fini(&s, width, &acct);
            if (n > 0) { /* the last item repeats the first */
                memcpy(items + n * width, items, width);
                memset(&s, 0, sizeof(s));
                CHECK(dset_load(&s, items, n + 1, width, &acct, &err) == 0);
                dset_fini(&s, width, &acct);
            }
            CHECK_EQ_U64(memacct_used(&acct), 0);
        }
    for (size_t a = 0; a < 4; a++)
        for (size_t b = 0; b < 4; b++)
            for (size_t c = 0; c < 3; c++) {
                static const uint32_t m[4] = {0, 1, 7, 30};
                uint32_t n4 = m[a], n6 = m[b], nx = m[c];
                uint8_t v4[4 * 31], v6[16 * 31], vx[17 * 31];
                struct dset s;

                for (uint32_t i = 0; i <= 30; i++) {
                    memcpy(v4 + 4 * i, &(uint32_t){0x0A000000u + i}, 4);
                    memset(v6 + 16 * i, 0, 16);
                    v6[16 * i] = 0x20;
                    memcpy(v6 + 16 * i + 8, &i, 4);
                    memset(vx + 17 * i, 0, 17);
                    memcpy(vx + 17 * i + 5, &i, 4); /* family 0 */
                }
                memset(&s, 0, sizeof(s));
                CHECK(dset_load17(&s, v4, n4, v6, n6, vx, nx, &acct, &err) == 1);
                CHECK_EQ_U64(s.n, n4 + n6 + nx);
                for (uint32_t i = 0; i < n4; i++) { /* ::ffff:a.b.c.d, family 4 */
                    memset(item, 0, sizeof(item));
                    item[0] = 4;
                    item[11] = item[12] = 0xFF;
                    memcpy(item + 13, v4 + 4 * i, 4);
                    CHECK(dset_add(&s, item, 17, &acct, &err) == 0);
                }
                for (uint32_t i = 0; i < n6; i++) {
                    item[0] = 6;
                    memcpy(item + 1, v6 + 16 * i, 16);
                    CHECK(dset_add(&s, item, 17, &acct, &err) == 0);
                }
                for (uint32_t i = 0; i < nx; i++)
                    CHECK(dset_add(&s, vx + 17 * i, 17, &acct, &err) == 0);
                CHECK_EQ_U64(s.n, n4 + n6 + nx);
                dset_fini(&s, 17, &acct);
                if (n6 > 0) { /* an IPv6 address twice */
                    memcpy(v6 + 16 * n6, v6, 16);
                    memset(&s, 0, sizeof(s));
                    CHECK(dset_load17(&s, v4, n4, v6, n6 + 1, vx, nx, &acct, &err) == 0);
                    dset_fini(&s, 17, &acct);
                }
                if (nx > 0) { /* another item twice */
                    memcpy(vx + 17 * nx, vx, 17);
                    memset(&s, 0, sizeof(s));
                    CHECK(dset_load17(&s, v4, n4, v6, n6, vx, nx + 1, &acct, &err) == 0);
                    dset_fini(&s, 17, &acct);
                }
                CHECK_EQ_U64(memacct_used(&acct), 0);
            }
}

/* Whether cache_identify_in() (one `id` across the calls) agrees with cache_identify(). */
static void
same_identity(struct cache_ident *id, const char *path)
{
    static struct cache_src a, b;
    struct err ea, eb;
    int ra, rb;

    err_init(&ea);
    err_init(&eb);
    ra = cache_identify(path, &a, &ea);
    rb = cache_identify_in(id, path, &b, &eb);
    CHECK(ra == rb);
    if (ra != rb) {
        fprintf(stderr, "  %s: %d against %d\n", path, ra, rb);
        return;
    }
    if (ra < 0) {
        CHECK_EQ_STR(ea.msg, eb.msg);
        return;
    }
    CHECK_EQ_STR(a.path, b.path);
    CHECK_EQ_U64(a.size, b.size);
    CHECK_EQ_U64((uint64_t)a.mtime_ns, (uint64_t)b.mtime_ns);
    CHECK_EQ_U64(a.ino, b.ino);
    CHECK_EQ_U64(a.dev, b.dev);
}

/* cache_identify_in(): the real path of every file as realpath() gives it, links and all. */
static void
test_identify_in(void)
{
    static struct cache_ident id;
    static char p[20][320], cwd[PATH_MAX];
    const char *rel[] = {"t/a/00/f", "t/a/01/f", "./t/a/01/f", "t/ln/00/f", "t/a/../a/00/f"};
    size_t n = 0;

    {
        static const char *const sub[] = {"a/00", "a/01", "b/00"};
        char cmd[400], f[400];

        for (int k = 0; k < 3; k++) {
            snprintf(cmd, sizeof(cmd), "mkdir -p '%s/t/%s'", dir, sub[k]);
            CHECK(system(cmd) == 0);
            snprintf(f, sizeof(f), "%s/t/%s/f", dir, sub[k]);
            make_file(f, 10 + (size_t)k, 3600);
        }
    }
    snprintf(p[3], sizeof(p[3]), "%s/t/a", dir); /* t/ln -> a (a directory link) */
    snprintf(p[4], sizeof(p[4]), "%s/t/ln", dir);
    CHECK(symlink(p[3], p[4]) == 0);
    snprintf(p[3], sizeof(p[3]), "%s/t/a/00/f", dir); /* t/b/00/lf -> t/a/00/f */
    snprintf(p[4], sizeof(p[4]), "%s/t/b/00/lf", dir);
    CHECK(symlink(p[3], p[4]) == 0);
    snprintf(p[4], sizeof(p[4]), "%s/t/b/00/dangling", dir);
    CHECK(symlink("nowhere", p[4]) == 0);
    n = 0;
    snprintf(p[n++], sizeof(p[0]), "%s/t/a/00/f", dir);
    snprintf(p[n++], sizeof(p[0]), "%s/t/a/01/f", dir);
    snprintf(p[n++], sizeof(p[0]), "%s/t/b/00/f", dir);
    snprintf(p[n++], sizeof(p[0]), "%s/t/a/01/f", dir);
    snprintf(p[n++], sizeof(p[0]), "%s/t/ln/00/f", dir); /* through a directory link */
    snprintf(p[n++], sizeof(p[0]), "%s/t/ln/01/f", dir); /* its prefix remembered */
    snprintf(p[n++], sizeof(p[0]), "%s/t/b/00/lf", dir); /* a file link */
    snprintf(p[n++], sizeof(p[0]), "%s/t/b/00/dangling", dir);
    snprintf(p[n++], sizeof(p[0]), "%s/t/b/00/missing", dir);
    snprintf(p[n++], sizeof(p[0]), "%s/t/b/00", dir);        /* a directory */
    snprintf(p[n++], sizeof(p[0]), "%s/t/a/00/f/x", dir);    /* below a file */
    snprintf(p[n++], sizeof(p[0]), "%s/t/a/../b/00/f", dir); /* .. */
    snprintf(p[n++], sizeof(p[0]), "%s/t/./a//00/f", dir);   /* . and // */
    snprintf(p[n++], sizeof(p[0]), "%s/t/a/00/f", dir);
    snprintf(p[n++], sizeof(p[0]), "%s/t/nodir/00/f", dir);
    snprintf(p[n++], sizeof(p[0]), "%s/t/a/00/f", dir);
    for (size_t i = 0; i < n; i++)
        same_identity(&id, p[i]);
    /* relative paths: from the working directory */
    CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
    CHECK(chdir(dir) == 0);
    memset(&id, 0, sizeof(id));
    for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++)
        same_identity(&id, rel[i]);
    CHECK(chdir("t/a/00") == 0);
    memset(&id, 0, sizeof(id));
    same_identity(&id, "f");
    same_identity(&id, "../01/f");
    same_identity(&id, "f");
    CHECK(chdir(cwd) == 0);
}

/*
 * The walk's stat() of each file (part.h: its real path and identity) as
 * cache_src_walked() hands it to the cache: the same as cache_identify()
 * finds, for absolute, relative and linked PATH arguments; unknown (NULL,
 * the cache then examines the file) below a link met inside the walk.
 */
static void
walk_agrees(const char *arg, size_t want_known, size_t want_unknown)
{
    static struct cache_src a;
    const char *args[1] = {arg};
    struct part_walk w;
    struct err err;
    size_t known = 0, unknown = 0;

    err_init(&err);
    CHECK(part_walk_paths(args, 1, &w, &err) == 0);
    for (size_t i = 0; i < w.nfiles; i++) {
        struct cache_src *s = cache_src_walked(&w.files[i]);

        CHECK(cache_identify(w.files[i].path, &a, &err) == 0);
        if (s == NULL) {
            unknown++;
            continue;
        }
        known++;
        CHECK_EQ_STR(s->path, a.path);
        CHECK_EQ_U64(s->size, a.size);
        CHECK_EQ_U64((uint64_t)s->mtime_ns, (uint64_t)a.mtime_ns);
        CHECK_EQ_U64((uint64_t)s->ctime_ns, (uint64_t)a.ctime_ns);
        CHECK_EQ_U64(s->ino, a.ino);
        CHECK_EQ_U64(s->dev, a.dev);
        CHECK(s->now_ns > 0 && s->now_ns <= a.now_ns);
        mem_free(s);
    }
    CHECK_EQ_U64(known, want_known);
    CHECK_EQ_U64(unknown, want_unknown);
    part_walk_fini(&w);
}

static void
test_walked(void)
{
    static const char *const sub[] = {"w/d1/00", "w/d1/01", "w/d2", "x"};
    static const char *const file[] = {"w/d1/00/a.yaf", "w/d1/01/b.yaf", "w/d2/c.yaf", "x/e.yaf"};
    char cmd[600], p[400], q[400], cwd[PATH_MAX];

    for (int k = 0; k < 4; k++) {
        snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", dir, sub[k]);
        CHECK(system(cmd) == 0);
        snprintf(p, sizeof(p), "%s/%s", dir, file[k]);
        make_file(p, 20 + (size_t)k, 3600);
    }
    snprintf(p, sizeof(p), "%s/w/d1", dir); /* w/lnk -> w/d1: a directory seen already */
    snprintf(q, sizeof(q), "%s/w/lnk", dir);
    CHECK(symlink(p, q) == 0);
    snprintf(p, sizeof(p), "%s/x", dir); /* w/out -> x: files reached through a link */
    snprintf(q, sizeof(q), "%s/w/out", dir);
    CHECK(symlink(p, q) == 0);
    snprintf(p, sizeof(p), "%s/w/d1/00/a.yaf", dir); /* w/d2/l.yaf -> a.yaf: a duplicate */
    snprintf(q, sizeof(q), "%s/w/d2/l.yaf", dir);
    CHECK(symlink(p, q) == 0);
    snprintf(p, sizeof(p), "%s/w", dir); /* w2 -> w: the PATH argument a link */
    snprintf(q, sizeof(q), "%s/w2", dir);
    CHECK(symlink(p, q) == 0);
    snprintf(p, sizeof(p), "%s/w", dir);
    walk_agrees(p, 3, 1);
    walk_agrees(q, 3, 1);
    snprintf(p, sizeof(p), "%s/w/d1/00/a.yaf", dir); /* a PATH naming a file: examined */
    walk_agrees(p, 0, 1);
    CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
    CHECK(chdir(dir) == 0);
    walk_agrees("w", 3, 1);
    walk_agrees("./w2/d1/../d2", 1, 1); /* c.yaf, and l.yaf (a link: examined) */
    CHECK(chdir(cwd) == 0);
}

/*
 * A file read whole and the same file read through a --start/--end window (its hour unknown:
 * cache_window()) never serve each other: per-file partials and roll-ups alike. The job
 * directory is the same whatever the window; a filtered partial is the window's own.
 */
static void
test_window_kinds(void)
{
    static struct cache c, c2, c3;
    static struct cache_src s, sf;
    static struct partial p;
    static struct partial_info in;
    static struct partial_member m;
    struct memacct acct;
    struct htab *whole, *part;
    struct cache_roll *rolls = NULL;
    struct cache_src *srcs[1];
    char **warns = NULL;
    size_t nwarns = 0, seen = 0;
    struct err err;
    char src[512], cdir[512];

    memacct_init(&acct, 0);
    whole = table(100, &acct);
    part = table(10, &acct);
    snprintf(src, sizeof(src), "%s", src_win); /* made an hour old, its ctime aged() */
    snprintf(cdir, sizeof(cdir), "%s/cache-win", dir);
    err_init(&err);
    CHECK(cache_open(&c, cdir, "group keys=dip", 1, &err) == 0);
    CHECK(cache_identify(src, &s, &err) == 0);
    sf = s;
    sf.filtered = 1;
    /* no window told: a filtered file is never looked up nor stored */
    CHECK(cache_lookup(&c, &sf, &p, &err) == CACHE_MISS);
    CHECK(cache_store(&c, &sf, &in, part, 8, save_val, NULL, &err) < 0);
    cache_window(&c, 1, 1714978800000, 1, 1714982400000);
    memset(&in, 0, sizeof(in));
    CHECK(cache_store(&c, &s, &in, whole, 8, save_val, NULL, &err) > 0);
    CHECK(cache_lookup(&c, &sf, &p, &err) == CACHE_MISS); /* not the whole one */
    CHECK(cache_store(&c, &sf, &in, part, 8, save_val, NULL, &err) > 0);
    CHECK(cache_lookup(&c, &sf, &p, &err) == CACHE_HIT);
    CHECK_EQ_U64(p.info.groups, 10);
    partial_fini(&p);
    CHECK(cache_lookup(&c, &s, &p, &err) == CACHE_HIT); /* both kept */
    CHECK_EQ_U64(p.info.groups, 100);
    partial_fini(&p);
    /* another window: the same directory, the whole partial serves, the filtered one not */
    CHECK(cache_open(&c2, cdir, "group keys=dip", 1, &err) == 0);
    CHECK(strcmp(c2.fp_hex, c.fp_hex) == 0);
    cache_window(&c2, 1, 1714978800000, 0, 0);
    CHECK(cache_lookup(&c2, &sf, &p, &err) == CACHE_MISS);
    CHECK(cache_lookup(&c2, &s, &p, &err) == CACHE_HIT);
    partial_fini(&p);

    /* roll-ups: one of the file read through the window; a run reading it whole does not
     * take it (and keeps it), a run with the same window does, one with another keeps it */
    memset(&m, 0, sizeof(m));
    m.path = s.path;
    m.msg = "";
    m.size = s.size;
    m.mtime_ns = s.mtime_ns;
    m.ino = s.ino;
    m.dev = s.dev;
    m.examined_ns = s.now_ns;
    CHECK(cache_store_roll(&c, &m, 1, 1, part, 8, save_val, NULL, &err) > 0);
    srcs[0] = &s;
    CHECK(cache_cover(&c, srcs, 1, &rolls, &warns, &nwarns, &seen) == 0);
    CHECK(seen == 1 && nwarns == 0);
    cache_rolls_free(rolls, 0);
    srcs[0] = &sf;
    CHECK(cache_cover(&c2, srcs, 1, &rolls, &warns, &nwarns, &seen) == 0);
    CHECK(seen == 1 && nwarns == 0); /* another window's: passed over silently, kept */
    cache_rolls_free(rolls, 0);
    CHECK(cache_cover(&c, srcs, 1, &rolls, &warns, &nwarns, &seen) == 1);
    CHECK(rolls[0].filtered == 1);
    CHECK(partial_load(rolls[0].path, PARTIAL_LOAD_ANY_ORDER, &p, &err) == 0);
    CHECK(cache_roll_matches(&c, &p, &rolls[0], srcs) == 1);
    srcs[0] = &s;
    CHECK(cache_roll_matches(&c, &p, &rolls[0], srcs) == 0); /* not for the whole file */
    partial_fini(&p);
    cache_rolls_free(rolls, 1);
    /* and a roll-up of it whole serves the run reading it whole only */
    CHECK(cache_store_roll(&c, &m, 1, 0, whole, 8, save_val, NULL, &err) > 0);
    CHECK(cache_cover(&c, srcs, 1, &rolls, &warns, &nwarns, &seen) == 1);
    CHECK(seen == 2 && rolls[0].filtered == 0);
    cache_rolls_free(rolls, 1);
    /* a job with no window told takes the whole one, passes over the filtered one */
    CHECK(cache_open(&c3, cdir, "group keys=dip", 1, &err) == 0);
    CHECK(cache_cover(&c3, srcs, 1, &rolls, &warns, &nwarns, &seen) == 1);
    CHECK(nwarns == 0 && rolls[0].filtered == 0);
    cache_rolls_free(rolls, 1);
    cache_close(&c3);
    /* a member is valid only while its file's ctime is CACHE_RACY_NS before its examination
     * (member_valid()): one examined a nanosecond too early never serves and is removed */
    CHECK(cache_open(&c3, cdir, "group keys=sip", 1, &err) == 0);
    m.examined_ns = s.ctime_ns + CACHE_RACY_NS - 1;
    CHECK(cache_store_roll(&c3, &m, 1, 0, whole, 8, save_val, NULL, &err) > 0);
    CHECK(cache_cover(&c3, srcs, 1, &rolls, &warns, &nwarns, &seen) == 0);
    CHECK(seen == 1 && nwarns == 0);
    cache_rolls_free(rolls, 0);
    CHECK(cache_cover(&c3, srcs, 1, &rolls, &warns, &nwarns, &seen) == 0);
    CHECK(seen == 0); /* removed */
    cache_rolls_free(rolls, 0);
    m.examined_ns = s.ctime_ns + CACHE_RACY_NS;
    CHECK(cache_store_roll(&c3, &m, 1, 0, whole, 8, save_val, NULL, &err) > 0);
    CHECK(cache_cover(&c3, srcs, 1, &rolls, &warns, &nwarns, &seen) == 1);
    cache_rolls_free(rolls, 1);
    cache_close(&c);
    cache_close(&c2);
    cache_close(&c3);
    htab_destroy(whole);
    htab_destroy(part);
}

/* Waits until the files made first (src_rules, src_win) have a ctime CACHE_RACY_NS old. */
static void
aged(void)
{
    struct timespec now, left;
    int64_t ns;

    clock_gettime(CLOCK_REALTIME, &now);
    ns = (int64_t)(made.tv_sec - now.tv_sec) * 1000000000LL + (made.tv_nsec - now.tv_nsec) +
         CACHE_RACY_NS + 100000000LL; /* 0.1 s more: the kernel stamps from a coarse clock */
    if (ns <= 0)
        return;
    left.tv_sec = (time_t)(ns / 1000000000LL);
    left.tv_nsec = (long)(ns % 1000000000LL);
    while (nanosleep(&left, &left) != 0)
        ;
}

int
main(void)
{
    char tmpl[] = "/tmp/test_cache.XXXXXX";
    char cmd[600];

    if (mkdtemp(tmpl) == NULL)
        return 1;
    snprintf(dir, sizeof(dir), "%s", tmpl);
    snprintf(src_rules, sizeof(src_rules), "%s/src.ipfix", dir);
    snprintf(src_win, sizeof(src_win), "%s/win.ipfix", dir);
    make_file(src_rules, 1000, 3600);
    make_file(src_win, 500, 3600);
    clock_gettime(CLOCK_REALTIME, &made);
    RUN(test_unwritable); /* the tests that cache no file first: they count in the wait */
    RUN(test_prune_in_use);
    RUN(test_dset_addresses);
    RUN(test_dset_any_order);
    RUN(test_dset_load);
    RUN(test_identify_in);
    RUN(test_walked);
    aged();
    RUN(test_rules);
    RUN(test_window_kinds);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return CHECK_DONE();
}
