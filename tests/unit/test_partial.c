/*
 * test_partial.c - the partial-state container (partial.h): round trip against
 * the test's own record of what went in, canonical bytes, and rejection of
 * every truncation, every single-byte change, a foreign version, and files
 * replaced while readers load them. Side files of roll-ups (side.h): built,
 * looked up, one group read and checked alone; every truncation and bit flip
 * rejected. The checksum of long buffers (bulksum.h) against libxxhash's.
 */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "bulksum.h"
#include "check.h"
#include "htab.h"
#include "mem.h"
#include "partial.h"
#include "side.h"

#define VAL_LEN 16

static char dir[256];

/* The test's state: two u64 (a count, a sum); saved as 16 bytes, a variable tail of `sum % 5`
 * bytes. */
static int
save_val(const void *ctx, const uint8_t *val, struct partial_buf *out, struct err *err)
{
    uint64_t sum;
    uint8_t tail[8] = {0xa5, 0xa5, 0xa5, 0xa5, 0xa5};

    (void)ctx;
    (void)err;
    memcpy(&sum, val + 8, 8);
    partial_buf_put(out, val, VAL_LEN);
    partial_buf_put(out, tail, sum % 5);
    return 0;
}

static void
make_key(uint64_t i, uint8_t *key, uint32_t *len)
{
    /* Keys of 2..41 bytes, unique: i's low bytes first, then filler. */
    uint32_t n = (uint32_t)(2 + (i * 7) % 40);

    for (uint32_t j = 0; j < n; j++)
        key[j] = (uint8_t)(j < 2 ? i >> (8 * j) : j ^ (i >> 16) ^ 0x5a);
    *len = n;
}

/* A table of `n` groups, inserted in the order given by `stride` (coprime with n). */
static struct htab *
make_table(uint64_t n, uint64_t stride, struct memacct *acct)
{
    struct err err;
    struct htab *t;

    err_init(&err);
    t = htab_create(VAL_LEN, acct, &err);
    for (uint64_t k = 0; k < n; k++) {
        uint64_t i = (k * stride) % n;
        uint8_t key[64];
        uint32_t len;
        int is_new;
        struct htab_entry *e;
        uint64_t v[2] = {i + 1, i * 3};

        make_key(i, key, &len);
        e = htab_upsert(t, key, len, XXH3_64bits(key, len), &is_new, &err);
        memcpy(htab_entry_val(e), v, sizeof(v));
    }
    return t;
}

static void
fill_info(struct partial_info *in)
{
    memset(in, 0, sizeof(*in));
    in->state_version = 7;
    for (int i = 0; i < 16; i++)
        in->job_fp[i] = (uint8_t)(i * 11);
    snprintf(in->job, sizeof(in->job), "group keys=dip aggs=count()");
    snprintf(in->src_path, sizeof(in->src_path), "/repo/2024/05/01/13/x.yaf");
    in->src_size = 123456;
    in->src_mtime_ns = 1714567890123456789LL;
    in->src_ino = 42;
    in->src_dev = 2049;
    in->created_ns = 1714567999000000000LL;
    in->bad = 1;
    in->msg_after_path = 1;
    in->flows_kept = 99;
    snprintf(in->msg, sizeof(in->msg), "offset 4096: set length 3 < 4");
    in->counts.bytes = 123456;
    in->counts.flows = 1000;
    in->counts.records = 1500;
    in->counts.kept = 700;
    in->counts.dns_rrs = 2000;
    in->counts.other = 3;
    in->counts.damaged = 1;
}

static uint8_t *
read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long n;

    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = mem_alloc((size_t)n + 1);
    *len = fread(buf, 1, (size_t)n, f);
    fclose(f);
    return buf;
}

static void
test_round_trip(void)
{
    const uint64_t n = 5000;
    struct memacct acct;
    struct htab *t;
    static struct partial_info in; /* static: large (messages hold a whole path) */
    static struct partial p;
    struct partial_cursor c = {0};
    struct partial_entry e;
    static struct err err;
    char path[512];
    uint8_t *seen = mem_calloc(n, 1);
    uint64_t got = 0;
    int64_t w;

    memacct_init(&acct, 0);
    t = make_table(n, 1, &acct);
    fill_info(&in);
    snprintf(path, sizeof(path), "%s/a.part", dir);
    err_init(&err);
    w = partial_write(path, &in, t, VAL_LEN, save_val, NULL, &err);
    CHECK(w > 0);
    CHECK(partial_load(path, 0, &p, &err) == 0);
    CHECK_EQ_STR(err.msg, "");
    CHECK_EQ_U64(p.info.version, PARTIAL_VERSION);
    CHECK_EQ_U64(p.info.state_version, 7);
    CHECK(memcmp(p.info.job_fp, in.job_fp, 16) == 0);
    CHECK_EQ_STR(p.info.job, in.job);
    CHECK_EQ_STR(p.info.src_path, in.src_path);
    CHECK_EQ_STR(p.info.msg, in.msg);
    CHECK_EQ_U64(p.info.src_size, in.src_size);
    CHECK_EQ_U64(p.info.src_mtime_ns, in.src_mtime_ns);
    CHECK_EQ_U64(p.info.src_ino, 42);
    CHECK_EQ_U64(p.info.src_dev, 2049);
    CHECK_EQ_U64(p.info.created_ns, in.created_ns);
    CHECK(p.info.bad == 1 && p.info.msg_after_path == 1);
    CHECK_EQ_U64(p.info.flows_kept, 99);
    CHECK_EQ_U64(p.info.counts.kept, 700);
    CHECK_EQ_U64(p.info.counts.damaged, 1);
    CHECK_EQ_U64(p.info.groups, n);
    while (partial_next(&p, &c, &e)) {
        uint64_t v[2];
        uint8_t key[64];
        uint32_t len;

        memcpy(v, e.state, sizeof(v));
        CHECK(v[0] >= 1 && v[0] <= n);
        if (v[0] < 1 || v[0] > n)
            break;
        make_key(v[0] - 1, key, &len);
        CHECK(e.key_len == len && memcmp(e.key, key, len) == 0);
        CHECK_EQ_U64(v[1], (v[0] - 1) * 3);
        CHECK_EQ_U64(e.state_len, VAL_LEN + v[1] % 5);
        CHECK_EQ_U64(e.hash, XXH3_64bits(key, len));
        CHECK_EQ_U64(e.part, htab_part_of(e.hash));
        CHECK(!seen[v[0] - 1]);
        seen[v[0] - 1] = 1;
        got++;
    }
    CHECK_EQ_U64(got, n);
    partial_fini(&p);
    /* The header alone. */
    CHECK(partial_load(path, PARTIAL_LOAD_HEAD_ONLY, &p, &err) == 0);
    CHECK_EQ_U64(p.info.groups, n);
    partial_fini(&p);
    mem_free(seen);
    htab_destroy(t);
}

/* Insertion order does not matter: the same groups give the same bytes. */
static void
test_canonical(void)
{
    struct memacct acct;
    struct htab *a, *b, *empty;
    static struct partial_info in;
    struct err err;
    char pa[512], pb[512], pe[512];
    size_t la = 0, lb = 0, le = 0;
    uint8_t *ba, *bb, *be;
    static struct partial p;
    struct partial_cursor c = {0};
    struct partial_entry e;

    memacct_init(&acct, 0);
    a = make_table(3001, 1, &acct);
    b = make_table(3001, 1013, &acct);
    empty = make_table(0, 1, &acct);
    fill_info(&in);
    in.bad = 0;
    snprintf(pa, sizeof(pa), "%s/ca.part", dir);
    snprintf(pb, sizeof(pb), "%s/cb.part", dir);
    snprintf(pe, sizeof(pe), "%s/ce.part", dir);
    err_init(&err);
    CHECK(partial_write(pa, &in, a, VAL_LEN, save_val, NULL, &err) > 0);
    CHECK(partial_write(pb, &in, b, VAL_LEN, save_val, NULL, &err) > 0);
    CHECK(partial_write(pe, &in, empty, VAL_LEN, save_val, NULL, &err) > 0);
    ba = read_file(pa, &la);
    bb = read_file(pb, &lb);
    be = read_file(pe, &le);
    CHECK(la == lb && la > 0 && memcmp(ba, bb, la) == 0);
    /* An empty table: a valid partial with no blocks and no message. */
    CHECK(partial_load(pe, 0, &p, &err) == 0);
    CHECK_EQ_U64(p.info.groups, 0);
    CHECK(p.info.bad == 0 && p.info.msg[0] == '\0');
    CHECK(partial_next(&p, &c, &e) == 0);
    partial_fini(&p);
    mem_free(ba);
    mem_free(bb);
    mem_free(be);
    htab_destroy(a);
    htab_destroy(b);
    htab_destroy(empty);
}

/*
 * A message between ranks (info.any_order): groups in the table's order, every group there
 * once; only PARTIAL_LOAD_ANY_ORDER loads it (a file never holds one), and its groups are the
 * canonical partial's.
 */
static void
test_any_order(void)
{
    const uint64_t n = 3001;
    struct memacct acct;
    struct htab *t;
    static struct partial_info in;
    static struct partial p;
    struct partial_buf canon = {0}, any = {0};
    struct partial_cursor c = {0};
    struct partial_entry e;
    struct err err;
    uint8_t *seen = mem_calloc(n, 1), *copy;
    uint64_t got = 0, prev = 0;
    int ordered = 1;

    memacct_init(&acct, 0);
    t = make_table(n, 1013, &acct);
    fill_info(&in);
    in.bad = 0;
    err_init(&err);
    CHECK(partial_encode(&canon, &in, t, VAL_LEN, save_val, NULL, 1, 0, &err) == 0);
    in.any_order = 1;
    CHECK(partial_encode(&any, &in, t, VAL_LEN, save_val, NULL, 1, 0, &err) == 0);
    CHECK(canon.len == any.len);
    copy = mem_alloc(any.len);
    memcpy(copy, any.p, any.len);
    CHECK(partial_parse(copy, any.len, 0, &p, &err) < 0); /* takes copy */
    CHECK(strstr(err.msg, "groups in no order") != NULL);
    partial_fini(&p);
    err_init(&err);
    copy = mem_alloc(any.len);
    memcpy(copy, any.p, any.len);
    CHECK(partial_parse(copy, any.len, PARTIAL_LOAD_ANY_ORDER, &p, &err) == 0);
    CHECK(p.info.any_order == 1);
    CHECK_EQ_U64(p.info.groups, n);
    while (partial_next(&p, &c, &e)) {
        uint64_t v[2];
        uint8_t key[64];
        uint32_t len;

        memcpy(v, e.state, sizeof(v));
        CHECK(v[0] >= 1 && v[0] <= n);
        if (v[0] < 1 || v[0] > n)
            break;
        make_key(v[0] - 1, key, &len);
        CHECK(e.key_len == len && memcmp(e.key, key, len) == 0);
        CHECK(!seen[v[0] - 1]);
        seen[v[0] - 1] = 1;
        if (got > 0 && e.hash < prev && htab_part_of(e.hash) == htab_part_of(prev))
            ordered = 0;
        prev = e.hash;
        got++;
    }
    CHECK_EQ_U64(got, n);
    CHECK(!ordered); /* not sorted: the point of the form */
    partial_fini(&p);
    /* the canonical form loads either way */
    copy = mem_alloc(canon.len);
    memcpy(copy, canon.p, canon.len);
    CHECK(partial_parse(copy, canon.len, PARTIAL_LOAD_ANY_ORDER, &p, &err) == 0);
    CHECK(p.info.any_order == 0);
    partial_fini(&p);
    partial_buf_fini(&canon);
    partial_buf_fini(&any);
    mem_free(seen);
    htab_destroy(t);
}

/* Every truncation and every single-byte change of a small partial is rejected. */
static void
test_damage_rejected(void)
{
    struct memacct acct;
    struct htab *t;
    static struct partial_info in;
    static struct partial p;
    static struct err err;
    char path[512];
    uint8_t *orig;
    size_t len = 0;
    size_t accepted_cut = 0, accepted_flip = 0;

    memacct_init(&acct, 0);
    t = make_table(150, 1, &acct);
    fill_info(&in);
    snprintf(path, sizeof(path), "%s/d.part", dir);
    err_init(&err);
    CHECK(partial_write(path, &in, t, VAL_LEN, save_val, NULL, &err) > 0);
    orig = read_file(path, &len);
    CHECK(orig != NULL && len > 200);
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *b = mem_alloc(cut + 1);

        memcpy(b, orig, cut);
        err_init(&err);
        if (partial_parse(b, cut, 0, &p, &err) == 0)
            accepted_cut++;
        else
            CHECK(err.code == ERR_FORMAT && err.msg[0] != '\0');
        partial_fini(&p);
    }
    CHECK_EQ_U64(accepted_cut, 0);
    for (size_t i = 0; i < len; i++) {
        for (int bit = 0; bit < 8; bit += 3) {
            uint8_t *b = mem_alloc(len);

            memcpy(b, orig, len);
            b[i] ^= (uint8_t)(1u << bit);
            err_init(&err);
            if (partial_parse(b, len, 0, &p, &err) == 0)
                accepted_flip++;
            partial_fini(&p);
        }
    }
    CHECK_EQ_U64(accepted_flip, 0);
    /* One byte more at the end. */
    {
        uint8_t *b = mem_alloc(len + 1);

        memcpy(b, orig, len);
        b[len] = 0;
        err_init(&err);
        CHECK(partial_parse(b, len + 1, 0, &p, &err) < 0);
        partial_fini(&p);
    }
    /* Another format version: named as such. */
    {
        uint8_t *b = mem_alloc(len);

        memcpy(b, orig, len);
        b[8] = PARTIAL_VERSION + 1;
        err_init(&err);
        CHECK(partial_parse(b, len, 0, &p, &err) < 0);
        CHECK(strstr(err.msg, "format version") != NULL);
        partial_fini(&p);
    }
    /* Not there, not a regular file. */
    err_init(&err);
    CHECK(partial_load("/nonexistent/x.part", 0, &p, &err) == -ERR_IO);
    partial_fini(&p);
    err_init(&err);
    CHECK(partial_load(dir, 0, &p, &err) < 0);
    partial_fini(&p);
    mem_free(orig);
    htab_destroy(t);
}

/* A roll-up of three members (one damaged): 16 groups. */
static void
fill_rollup(struct partial_info *in, struct partial_member *m)
{
    static const char *paths[3] = {"/repo/2024/05/01/00/a.yaf", "/repo/2024/05/01/01/b.yaf",
                                   "/repo/2024/05/01/02/c.yaf"};

    fill_info(in);
    in->bad = in->msg_after_path = 0;
    in->flows_kept = 0;
    in->src_path[0] = '\0';
    in->src_size = in->src_ino = in->src_dev = 0;
    in->src_mtime_ns = 0;
    memset(&in->counts, 0, sizeof(in->counts));
    in->msg[0] = '\0';
    memset(m, 0, 3 * sizeof(*m));
    for (int i = 0; i < 3; i++) {
        m[i].path = paths[i];
        m[i].msg = "";
        m[i].size = 1000u + (uint64_t)i;
        m[i].mtime_ns = 1714567890123456789LL + i;
        m[i].ino = 40u + (uint64_t)i;
        m[i].dev = 2049;
        m[i].examined_ns = 1714567999000000000LL;
        m[i].counts.bytes = 1000u + (uint64_t)i;
        m[i].counts.flows = 10u * (uint64_t)i;
    }
    m[1].bad = 1;
    m[1].msg_after_path = 1;
    m[1].resumed = 1;
    m[1].flows_kept = 7;
    m[1].msg = ": offset 4096: set length 3 < 4";
    in->nmembers = 3;
    in->members = m;
}

/* Roll-ups: members round-trip (head only too); every truncation and bit flip is rejected. */
static void
test_rollup(void)
{
    struct memacct acct;
    struct htab *t;
    static struct partial_info in;
    static struct partial p;
    struct partial_member m[3];
    struct err err;
    char path[512];
    uint8_t *orig;
    size_t len = 0, accepted = 0;
    uint64_t groups = 0;

    memacct_init(&acct, 0);
    t = make_table(16, 1, &acct);
    fill_rollup(&in, m);
    snprintf(path, sizeof(path), "%s/r.roll", dir);
    err_init(&err);
    CHECK(partial_write(path, &in, t, VAL_LEN, save_val, NULL, &err) > 0);
    for (int head = 0; head < 2; head++) {
        err_init(&err);
        CHECK(partial_load(path, head ? PARTIAL_LOAD_HEAD_ONLY : 0, &p, &err) == 0);
        CHECK_EQ_U64(p.info.nmembers, 3);
        for (uint32_t i = 0; i < 3 && p.info.nmembers == 3; i++) {
            const struct partial_member *x = &p.info.members[i];

            CHECK(strcmp(x->path, m[i].path) == 0 && strcmp(x->msg, m[i].msg) == 0);
            CHECK(x->size == m[i].size && x->mtime_ns == m[i].mtime_ns && x->ino == m[i].ino &&
                  x->dev == m[i].dev && x->examined_ns == m[i].examined_ns);
            CHECK(x->counts.bytes == m[i].counts.bytes && x->counts.flows == m[i].counts.flows);
            CHECK(x->bad == m[i].bad && x->msg_after_path == m[i].msg_after_path &&
                  x->resumed == m[i].resumed && x->flows_kept == m[i].flows_kept);
        }
        if (!head) {
            struct partial_cursor c;
            struct partial_entry e;

            memset(&c, 0, sizeof(c));
            while (partial_next(&p, &c, &e))
                groups++;
        }
        partial_fini(&p);
    }
    CHECK_EQ_U64(groups, 16);
    orig = read_file(path, &len);
    CHECK(orig != NULL && len > 300);
    for (size_t cut = 0; orig && cut < len; cut++) {
        uint8_t *b = mem_alloc(cut + 1);

        memcpy(b, orig, cut);
        err_init(&err);
        accepted += partial_parse(b, cut, 0, &p, &err) == 0;
        partial_fini(&p);
    }
    for (size_t i = 0; orig && i < len; i++) {
        uint8_t *b = mem_alloc(len);

        memcpy(b, orig, len);
        b[i] ^= (uint8_t)(1u << (i % 8));
        err_init(&err);
        accepted += partial_parse(b, len, 0, &p, &err) == 0;
        partial_fini(&p);
    }
    CHECK_EQ_U64(accepted, 0);
    mem_free(orig);
    htab_destroy(t);
}

/* A directory that cannot be written: ERR_IO, and no temporary file left behind. */
static void
test_unwritable(void)
{
    struct memacct acct;
    struct htab *t;
    static struct partial_info in;
    static struct err err;
    char sub[512], path[600];
    DIR *d;
    struct dirent *de;
    int entries = 0;

    memacct_init(&acct, 0);
    t = make_table(10, 1, &acct);
    fill_info(&in);
    snprintf(sub, sizeof(sub), "%s/ro", dir);
    mkdir(sub, 0555);
    snprintf(path, sizeof(path), "%s/x.part", sub);
    err_init(&err);
    if (geteuid() != 0) { /* root writes anywhere */
        CHECK(partial_write(path, &in, t, VAL_LEN, save_val, NULL, &err) == -ERR_IO);
    }
    snprintf(path, sizeof(path), "%s/missing/x.part", dir);
    err_init(&err);
    CHECK(partial_write(path, &in, t, VAL_LEN, save_val, NULL, &err) == -ERR_IO);
    CHECK(strstr(err.msg, "cannot create") != NULL);
    d = opendir(sub);
    while (d && (de = readdir(d)) != NULL)
        entries += de->d_name[0] != '.' || strncmp(de->d_name, ".tmp", 4) == 0;
    if (d)
        closedir(d);
    if (geteuid() != 0)
        CHECK(entries == 0);
    htab_destroy(t);
}

/* Writers replace one file over and over while readers load it: every load is whole. */
struct race {
    const char *path;
    struct htab *t[2];
    int id;
    int bad_loads;
    int loads;
};

static void *
race_writer(void *arg)
{
    struct race *r = arg;
    struct partial_info in;
    struct err err;

    fill_info(&in);
    for (int i = 0; i < 60; i++) {
        err_init(&err);
        in.src_size = (uint64_t)(r->id * 1000 + i);
        if (partial_write(r->path, &in, r->t[i & 1], VAL_LEN, save_val, NULL, &err) < 0)
            r->bad_loads++;
    }
    return NULL;
}

static void *
race_reader(void *arg)
{
    struct race *r = arg;

    for (int i = 0; i < 150; i++) {
        struct partial p;
        struct err err;

        err_init(&err);
        if (partial_load(r->path, 0, &p, &err) < 0) {
            r->bad_loads++;
            fprintf(stderr, "race: %s\n", err.msg);
        } else {
            r->loads++;
        }
        partial_fini(&p);
    }
    return NULL;
}

static void
test_concurrent_writers(void)
{
    struct memacct acct;
    struct race w[2], rd;
    pthread_t tw[2], tr;
    char path[512];
    static struct partial_info in; /* large: off the stack (main thread only) */
    struct err err;

    memacct_init(&acct, 0);
    snprintf(path, sizeof(path), "%s/race.part", dir);
    memset(w, 0, sizeof(w));
    memset(&rd, 0, sizeof(rd));
    w[0].t[0] = w[1].t[1] = make_table(800, 1, &acct);
    w[0].t[1] = w[1].t[0] = make_table(20, 1, &acct);
    fill_info(&in);
    err_init(&err);
    CHECK(partial_write(path, &in, w[0].t[0], VAL_LEN, save_val, NULL, &err) > 0);
    for (int i = 0; i < 2; i++) {
        w[i].path = path;
        w[i].id = i + 1;
        pthread_create(&tw[i], NULL, race_writer, &w[i]);
    }
    rd.path = path;
    pthread_create(&tr, NULL, race_reader, &rd);
    for (int i = 0; i < 2; i++)
        pthread_join(tw[i], NULL);
    pthread_join(tr, NULL);
    CHECK_EQ_U64(w[0].bad_loads + w[1].bad_loads, 0);
    CHECK_EQ_U64(rd.bad_loads, 0);
    CHECK_EQ_U64(rd.loads, 150);
    htab_destroy(w[0].t[0]);
    htab_destroy(w[0].t[1]);
}

/* --corpus DIR: writes seed partials for the fuzzer (tests/fuzz/corpus/partial). */
static int
write_corpus(const char *out)
{
    static const uint64_t sizes[] = {0, 1, 3, 40};
    struct memacct acct;
    static struct partial_info in;
    struct err err;
    char path[600];

    memacct_init(&acct, 0);
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        struct htab *t = make_table(sizes[i], 1, &acct);

        fill_info(&in);
        in.bad = (int)(i & 1);
        snprintf(path, sizeof(path), "%s/seed-%zu-groups.part", out, (size_t)sizes[i]);
        err_init(&err);
        if (partial_write(path, &in, t, VAL_LEN, save_val, NULL, &err) < 0) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        htab_destroy(t);
    }
    {
        struct htab *t = make_table(5, 1, &acct);
        struct partial_member m[3];

        fill_rollup(&in, m);
        snprintf(path, sizeof(path), "%s/seed-rollup.part", out);
        err_init(&err);
        if (partial_write(path, &in, t, VAL_LEN, save_val, NULL, &err) < 0) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        htab_destroy(t);
    }
    return 0;
}

struct sent {
    uint64_t hash;
    const struct htab_entry *e;
};

static int
sent_cmp(const void *a, const void *b)
{
    const struct sent *x = a, *y = b;
    const uint8_t *kx = htab_entry_key(x->e, VAL_LEN), *ky = htab_entry_key(y->e, VAL_LEN);
    uint32_t lx = x->e->key_len, ly = y->e->key_len;
    int c;

    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    c = memcmp(kx, ky, lx < ly ? lx : ly);
    return c ? c : (lx < ly ? -1 : lx > ly);
}

/* Streams `t` (partitions ascending, groups sorted) into `fd` as spill.c does. */
static int
stream_table(int fd, const struct htab *t, struct partial_stream *w, struct err *err)
{
    struct partial_buf b = {0};
    int rc = partial_stream_open(w, fd, "the test's stream", "spill", err);

    for (unsigned p = 0; p < HTAB_PARTS && rc == 0; p++) {
        size_t n = htab_part_count(t, p), k = 0;
        struct sent *v = mem_alloc((n + 1) * sizeof(*v));

        for (size_t i = 0; i < htab_part_cap(t, p); i++)
            if (htab_part_slot(t, p, i) != NULL) {
                v[k].e = htab_part_slot(t, p, i);
                v[k].hash = v[k].e->hash;
                k++;
            }
        qsort(v, k, sizeof(*v), sent_cmp);
        rc = partial_stream_block(w, p, err);
        for (size_t i = 0; i < k && rc == 0; i++) {
            b.len = 0;
            save_val(NULL, htab_entry_val((struct htab_entry *)(uintptr_t)v[i].e), &b, err);
            rc = partial_stream_put(w, v[i].hash, htab_entry_key(v[i].e, VAL_LEN), v[i].e->key_len,
                                    b.p, b.len, err);
        }
        if (rc == 0)
            rc = partial_stream_end(w, err);
        mem_free(v);
    }
    if (rc == 0)
        rc = partial_stream_close(w, err);
    partial_buf_fini(&b);
    return rc;
}

/*
 * The streamed writer (spilling) makes the bytes partial_write() makes for the
 * same groups, whether a block fits its buffer or is hashed back from the file
 * (one partition of 60000 groups: a block of several MiB); every block read
 * back with the block reader gives the groups partial_load() gives, and a
 * changed byte in a block is caught by its checksum.
 */
static void
test_stream(void)
{
    struct memacct acct;
    struct htab *small, *skew;
    static struct partial_info in;
    static struct partial_stream w;
    static struct partial p;
    struct err err;
    char path[512], spath[512];

    memacct_init(&acct, 0);
    err_init(&err);
    small = make_table(4000, 7, &acct);
    skew = htab_create(VAL_LEN, &acct, &err);
    for (uint64_t i = 0; i < 60000; i++) { /* all in partition 5 */
        uint8_t key[64];
        uint32_t len;
        int is_new;
        uint64_t h, v[2] = {i + 1, i * 3};
        struct htab_entry *e;

        make_key(i, key, &len);
        h = (XXH3_64bits(key, len) >> HTAB_PART_BITS) | ((uint64_t)5 << (64 - HTAB_PART_BITS));
        e = htab_upsert(skew, key, len, h, &is_new, &err);
        memcpy(htab_entry_val(e), v, sizeof(v));
    }
    memset(&in, 0, sizeof(in));
    snprintf(in.job, sizeof(in.job), "spill");
    for (int k = 0; k < 2; k++) {
        const struct htab *t = k ? skew : small;
        size_t la = 0, lb = 0;
        uint8_t *ba, *bb;
        int fd;
        struct partial_cursor c = {0};
        struct partial_entry e, f;
        uint64_t n = 0;

        snprintf(path, sizeof(path), "%s/stream%d.part", dir, k);
        snprintf(spath, sizeof(spath), "%s/stream%d.spill", dir, k);
        CHECK(partial_write(path, &in, t, VAL_LEN, save_val, NULL, &err) > 0);
        fd = open(spath, O_RDWR | O_CREAT | O_TRUNC, 0600);
        CHECK(fd >= 0);
        CHECK(stream_table(fd, t, &w, &err) == 0);
        ba = read_file(path, &la);
        bb = read_file(spath, &lb);
        CHECK(la == lb && la > 0 && memcmp(ba, bb, la) == 0);
        CHECK_EQ_U64(partial_stream_bytes(&w), lb);
        /* block by block, as the merge reads it */
        CHECK(partial_load(path, 0, &p, &err) == 0);
        for (unsigned part = 0; part < HTAB_PARTS; part++) {
            struct partial_block_reader r;
            int got;

            if (w.at[part] == 0)
                continue;
            CHECK(partial_block_open(&r, fd, "s", w.at[part], part, 4096, &err) == 0);
            while ((got = partial_block_next(&r, &f, &err)) == 1) {
                CHECK(partial_next(&p, &c, &e) == 1);
                CHECK(e.part == part && e.hash == f.hash && e.key_len == f.key_len &&
                      memcmp(e.key, f.key, e.key_len) == 0 && e.state_len == f.state_len &&
                      memcmp(e.state, f.state, e.state_len) == 0);
                n++;
            }
            CHECK(got == 0);
            partial_block_fini(&r);
        }
        CHECK(partial_next(&p, &c, &e) == 0);
        CHECK_EQ_U64(n, htab_count(t));
        partial_fini(&p);
        /* one byte changed in the last block's payload: its checksum says so */
        for (unsigned part = HTAB_PARTS; part-- > 0;) {
            struct partial_block_reader r;
            uint8_t x;
            int got;

            if (w.at[part] == 0)
                continue;
            CHECK(pread(fd, &x, 1, (off_t)w.at[part] + 40) == 1);
            x ^= 0x10;
            CHECK(pwrite(fd, &x, 1, (off_t)w.at[part] + 40) == 1);
            CHECK(partial_block_open(&r, fd, "s", w.at[part], part, 4096, &err) == 0);
            while ((got = partial_block_next(&r, &f, &err)) == 1)
                ;
            CHECK(got < 0);
            partial_block_fini(&r);
            break;
        }
        partial_stream_fini(&w);
        close(fd);
        mem_free(ba);
        mem_free(bb);
    }
    htab_destroy(small);
    htab_destroy(skew);
}

/*
 * The side file of a roll-up of 64 groups: groups whose count is not a multiple of 3
 * pass, the first 10 of them (by hash) listed. Into *out (the file's bytes), and the
 * roll-up written at `path`. The side file is made from the layout the writer recorded
 * (a cold run's) and from the roll-up read back whole (a run that loaded it): both must
 * be the same bytes.
 */
static int
make_side(const char *path, struct partial_buf *out, struct htab **tp, struct memacct *acct)
{
    static struct partial_info in;
    static struct partial p;
    struct partial_member m[3];
    struct side_key pass[64];
    struct partial_layout wrote = {0}, loaded;
    struct partial_buf back = {0};
    size_t np = 0;
    struct err err;
    uint8_t fp[16] = {1, 2, 3};
    struct htab *t = make_table(64, 5, acct);
    int rc;

    fill_rollup(&in, m);
    in.any_order = 1;
    err_init(&err);
    if (partial_write_at(path, &in, t, VAL_LEN, save_val, NULL, &wrote, &err) <= 0 ||
        partial_load(path, PARTIAL_LOAD_ANY_ORDER, &p, &err) < 0)
        return -1;
    for (unsigned q = 0; q < HTAB_PARTS; q++)
        for (size_t i = 0; i < htab_part_cap(t, q); i++) {
            struct htab_entry *e = htab_part_slot(t, q, i);
            uint64_t c;

            if (e == NULL)
                continue;
            memcpy(&c, htab_entry_val(e), 8);
            if (c % 3 == 0)
                continue;
            pass[np].hash = e->hash;
            pass[np].key = htab_entry_key(e, VAL_LEN);
            pass[np++].key_len = e->key_len;
        }
    partial_layout_of(&p, &loaded);
    CHECK_EQ_U64(wrote.n, 64);
    CHECK_EQ_U64(wrote.size, p.len);
    rc = side_build(&wrote, fp, pass, np, pass, 10, out, &err);
    CHECK(side_build(&loaded, fp, pass, np, pass, 10, &back, &err) == rc);
    CHECK(rc < 0 || (back.len == out->len && memcmp(back.p, out->p, out->len) == 0));
    partial_buf_fini(&back);
    partial_layout_fini(&wrote);
    partial_layout_fini(&loaded);
    partial_fini(&p);
    *tp = t;
    return rc;
}

static void
test_side(void)
{
    struct memacct acct;
    struct partial_buf b = {0}, g = {0};
    struct htab *t = NULL;
    struct side s;
    struct side_ent e;
    struct partial_entry pe;
    struct err err;
    char path[512];
    size_t accepted = 0, found = 0, passing = 0, listed = 0;
    int fd;

    memacct_init(&acct, 0);
    snprintf(path, sizeof(path), "%s/side.roll", dir);
    CHECK(make_side(path, &b, &t, &acct) == 0);
    {
        uint8_t *copy = mem_alloc(b.len);

        memcpy(copy, b.p, b.len);
        err_init(&err);
        CHECK(side_parse(copy, b.len, 0, &s, &err) == 0);
    }
    CHECK_EQ_U64(s.groups, 64);
    CHECK_EQ_U64(s.listed, 10);
    fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    /* every group of the table is found by its hash and key, read alone and checked */
    for (unsigned q = 0; t != NULL && q < HTAB_PARTS; q++)
        for (size_t i = 0; i < htab_part_cap(t, q); i++) {
            struct htab_entry *x = htab_part_slot(t, q, i);
            uint64_t c;

            if (x == NULL)
                continue;
            memcpy(&c, htab_entry_val(x), 8);
            for (uint64_t k = side_find(&s, x->hash); k < s.groups; k++) {
                side_ent(&s, k, &e);
                if (e.hash != x->hash)
                    break;
                err_init(&err);
                CHECK(side_group(fd, path, &e, &g, &pe, &err) == 0);
                if (pe.key_len != x->key_len ||
                    memcmp(pe.key, htab_entry_key(x, VAL_LEN), pe.key_len) != 0)
                    continue;
                found++;
                CHECK(pe.state_len >= VAL_LEN && memcmp(pe.state, htab_entry_val(x), VAL_LEN) == 0);
                CHECK((c % 3 == 0) == (e.rank == SIDE_NOT_PASSING));
                passing += e.rank != SIDE_NOT_PASSING;
                if (e.rank < s.listed) {
                    listed++;
                    CHECK(side_list(&s, e.rank) == k);
                }
                break;
            }
        }
    CHECK_EQ_U64(found, 64);
    CHECK_EQ_U64(passing, s.passed);
    CHECK_EQ_U64(listed, 10);
    /* a group whose bytes changed in the roll-up fails its checksum */
    side_ent(&s, 7, &e);
    {
        int wfd = open(path, O_RDWR);
        uint8_t byte = 0;

        CHECK(wfd >= 0);
        CHECK(pread(wfd, &byte, 1, (off_t)(e.off + e.len - 1)) == 1);
        byte ^= 0x10;
        CHECK(pwrite(wfd, &byte, 1, (off_t)(e.off + e.len - 1)) == 1);
        close(wfd);
        err_init(&err);
        CHECK(side_group(fd, path, &e, &g, &pe, &err) == -ERR_FORMAT);
        CHECK(strstr(err.msg, "checksum") != NULL);
    }
    close(fd);
    side_fini(&s);
    /* every truncation and every single-bit change of the side file is rejected */
    for (size_t cut = 0; cut < b.len; cut++) {
        uint8_t *x = mem_alloc(cut + 1);

        memcpy(x, b.p, cut);
        err_init(&err);
        accepted += side_parse(x, cut, 0, &s, &err) == 0;
        CHECK(err.code == ERR_FORMAT && err.msg[0] != '\0');
        side_fini(&s);
    }
    for (size_t i = 0; i < b.len; i++) {
        uint8_t *x = mem_alloc(b.len);

        memcpy(x, b.p, b.len);
        x[i] ^= (uint8_t)(1u << (i % 8));
        err_init(&err);
        accepted += side_parse(x, b.len, 0, &s, &err) == 0;
        side_fini(&s);
    }
    CHECK_EQ_U64(accepted, 0);
    /* a key the roll-up does not hold is refused */
    {
        static struct partial p;
        struct partial_layout lay;
        struct side_key k = {12345, (const uint8_t *)"nope", 4};
        struct partial_buf o = {0};
        uint8_t fp[16] = {0};

        snprintf(path, sizeof(path), "%s/side.roll", dir);
        unlink(path);
        htab_destroy(t);
        partial_buf_fini(&b);
        CHECK(make_side(path, &b, &t, &acct) == 0);
        err_init(&err);
        CHECK(partial_load(path, PARTIAL_LOAD_ANY_ORDER, &p, &err) == 0);
        err_init(&err);
        partial_layout_of(&p, &lay);
        CHECK(side_build(&lay, fp, &k, 1, &k, 1, &o, &err) == -ERR_INTERNAL);
        partial_layout_fini(&lay);
        partial_fini(&p);
        partial_buf_fini(&o);
    }
    partial_buf_fini(&b);
    partial_buf_fini(&g);
    htab_destroy(t);
}

/* Writes side files for the fuzz corpus (tests/fuzz/corpus/side). */
static int
write_side_corpus(const char *out_dir)
{
    struct memacct acct;
    struct partial_buf b = {0};
    struct htab *t = NULL;
    char path[512];
    FILE *f;

    memacct_init(&acct, 0);
    snprintf(path, sizeof(path), "%s/seed.roll", out_dir);
    if (make_side(path, &b, &t, &acct) < 0)
        return 1;
    unlink(path);
    snprintf(path, sizeof(path), "%s/seed-64-groups.side", out_dir);
    f = fopen(path, "wb");
    if (f == NULL || fwrite(b.p, 1, b.len, f) != b.len || fclose(f) != 0)
        return 1;
    partial_buf_fini(&b);
    htab_destroy(t);
    return 0;
}

/*
 * bulksum_xxh3() is XXH3_64bits(): every length 0..4200 (both sides of its 1024-byte switch and
 * of XXH3's stripes and blocks), long lengths, and every start misaligned, on random bytes.
 */
static void
test_bulksum(void)
{
    size_t cap = (1u << 20) + 64;
    uint8_t *b = mem_alloc(cap);
    uint64_t x = 0x9E3779B97F4A7C15ull;
    size_t bad = 0;

    for (size_t i = 0; i < cap; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        b[i] = (uint8_t)x;
    }
    for (size_t n = 0; n <= 4200; n++)
        bad += bulksum_xxh3(b + n % 61, n) != XXH3_64bits(b + n % 61, n);
    for (size_t off = 0; off < 64; off++)
        bad += bulksum_xxh3(b + off, (1u << 20) - off * 997) !=
               XXH3_64bits(b + off, (1u << 20) - off * 997);
    CHECK(bad == 0);
    CHECK(bulksum_xxh3(NULL, 0) == XXH3_64bits(NULL, 0));
    fprintf(stderr, "bulksum_xxh3: %s path\n", bulksum_wide() ? "AVX2" : "libxxhash");
    mem_free(b);
}

int
main(int argc, char **argv)
{
    char tmpl[] = "/tmp/test_partial.XXXXXX";
    char cmd[600];

    if (argc == 3 && strcmp(argv[1], "--corpus") == 0)
        return write_corpus(argv[2]);
    if (argc == 3 && strcmp(argv[1], "--side-corpus") == 0)
        return write_side_corpus(argv[2]);

    if (mkdtemp(tmpl) == NULL)
        return 1;
    snprintf(dir, sizeof(dir), "%s", tmpl);
    RUN(test_round_trip);
    RUN(test_canonical);
    RUN(test_any_order);
    RUN(test_damage_rejected);
    RUN(test_rollup);
    RUN(test_unwritable);
    RUN(test_concurrent_writers);
    RUN(test_stream);
    RUN(test_side);
    RUN(test_bulksum);
    snprintf(cmd, sizeof(cmd), "chmod -R u+w '%s' && rm -rf '%s'", dir, dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return CHECK_DONE();
}
