/* test_domain.c - registered domains and query parts; expected values from the PSL rules. */
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "domain.h"

static struct domain_list *list;

static void
expect(struct domain_cache *c, const char *name, const char *domain, const char *query)
{
    struct domain_parts p;
    char q[1100];

    CHECK(domain_split(list, c, (const uint8_t *)name, strlen(name), &p) == 1);
    CHECK_EQ_STR(p.domain, domain);
    memcpy(q, p.query, p.query_len);
    q[p.query_len] = '\0';
    CHECK_EQ_STR(q, query);
}

static void
test_split(struct domain_cache *c)
{
    struct domain_parts p;

    expect(c, "www.example.com.", "example.com.", "www");
    expect(c, "WWW.Example.COM.", "example.com.", "WWW"); /* grouped lowercase, query as sent */
    expect(c, "a.b.example.co.uk.", "example.co.uk.", "a.b");
    expect(c, "example.com.", "example.com.", "");
    expect(c, "x.y.github.io.", "y.github.io.", "x"); /* github.io is a public suffix */
    expect(c, "4.20.168.192.in-addr.arpa.", "20.168.192.in-addr.arpa.", "4");
    expect(c, "data.5.173.10.in-addr.arpa.", "5.173.10.in-addr.arpa.", "data");
    /* Top label that is no public suffix: every label was chosen by the sender. */
    expect(c, "vaaaakardli.pirate.sea.", "pirate.sea.", "vaaaakardli.pirate.sea");
    expect(c, "dnscat.5b6e01f5.", "dnscat.5b6e01f5.", "dnscat.5b6e01f5");
    expect(c, "no-dot-at-end.example.org", "example.org.", "no-dot-at-end");
    /* Lowercased eight bytes at a time: only 'A'..'Z' change (not '@', '[', '`', '{'). */
    expect(c, "Q.@AZ[`az{|~MN0.COM.", "@az[`az{|~mn0.com.", "Q");
    CHECK(domain_split(list, c, (const uint8_t *)"", 0, &p) == 0);
    CHECK(domain_split(list, c, (const uint8_t *)".", 1, &p) == 0);
}

static void
test_long_name(void)
{
    char name[3000];
    struct domain_parts p;

    memset(name, 'a', sizeof(name));
    memcpy(name + sizeof(name) - 13, ".example.net.", 13);
    CHECK(domain_split(list, NULL, (const uint8_t *)name, sizeof(name), &p) == 1);
    CHECK_EQ_STR(p.domain, "example.net.");
}

/* A NUL byte is a byte of its label (attacker-chosen names): the domain is the one of the
 * same name with any other byte there, and it holds the NUL when it falls in it. */
static void
test_nul_bytes(void)
{
#define BYTES(s) s, sizeof(s) - 1
    static const struct {
        const char *name;
        size_t len;
        const char *domain;
        size_t domain_len;
        size_t query_len;
    } cases[] = {
        {BYTES("abc\0def.tunnel-evil.com."), BYTES("tunnel-evil.com."), 7},
        {BYTES("\0.tunnel-evil.com."), BYTES("tunnel-evil.com."), 1},
        {BYTES("x.ev\0il.com."), BYTES("ev\0il.com."), 1},
        /* the top label is no public suffix: the whole name is the query */
        {BYTES("a.b.example.co.uk\0."), BYTES("co.uk\0."), 18}, /* as co.ukx. */
        {BYTES("a.example.com.\0"), BYTES("com.\0."), 15},
    };
#undef BYTES
    struct domain_cache *c = domain_cache_create();

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        for (int cached = 0; cached < 2; cached++) {
            struct domain_parts p;

            CHECK(domain_split(list, cached ? c : NULL, (const uint8_t *)cases[i].name,
                               cases[i].len, &p) == 1);
            CHECK_EQ_U64(p.domain_len, cases[i].domain_len);
            CHECK(memcmp(p.domain, cases[i].domain, cases[i].domain_len) == 0);
            CHECK_EQ_U64(p.query_len, cases[i].query_len);
        }
    domain_cache_destroy(c);
}

static void
test_uncached_and_cached(void)
{
    struct domain_cache *c = domain_cache_create();

    test_split(NULL);
    test_split(c); /* fills the cache */
    test_split(c); /* answers from it */
    domain_cache_destroy(c);
}

/* The i-th of many names of several shapes (some longer than DOMAIN_SPLIT_MAX). */
static size_t
make_name(char *buf, size_t cap, unsigned i)
{
    unsigned o = i % 256;
    int n;

    if (i % 997 == 0) { /* longer than the split keeps */
        memset(buf, 'q', 1500);
        n = snprintf(buf + 1500, cap - 1500, ".%u.example.net.", i);
        return 1500 + (size_t)n;
    }
    switch (i % 8) {
    case 0:
        n = snprintf(buf, cap, "h%u.example.com.", i);
        break;
    case 1:
        n = snprintf(buf, cap, "x.%u.y.github.io.", i);
        break;
    case 2:
        n = snprintf(buf, cap, "WWW%u.Example.CO.UK.", i);
        break;
    case 3:
        n = snprintf(buf, cap, "%u.%u.168.192.in-addr.arpa.", o, i);
        break;
    case 4:
        n = snprintf(buf, cap, "v%uaaaa.pirate.sea.", i);
        break;
    case 5: /* ten labels and more, of lengths that put the dots anywhere in a word */
        if (i % 16 < 8) {
            n = snprintf(buf, cap, "a.b.c.d.e.f.g.h.i.j.k%u.example.org.", i);
        } else {
            n = 0;
            for (unsigned k = 0; k < 9 + i % 5; k++)
                n += snprintf(buf + n, cap - (size_t)n, "%.*s.", (int)(1 + (i / 3 + k * 5) % 11),
                              "abcdefghijk");
            n += snprintf(buf + n, cap - (size_t)n, "x%u.co.uk.", i);
        }
        break;
    case 6:
        n = snprintf(buf, cap, "n%u.com.lan", i);
        break;
    default:
        n = snprintf(buf, cap, "%u.CK.", i);
        break;
    }
    return (size_t)n;
}

/* Many names through a small-set cache, twice: every answer as without the cache. */
static void
test_cache_many(void)
{
    struct domain_cache *c = domain_cache_create();
    static char name[2100];
    unsigned bad = 0, foreign = 0, hits = 0, foreign64 = 0, hits64 = 0, gone64 = 0;

    for (int pass = 0; pass < 3; pass++) {
        for (unsigned i = 0; i < 20000; i++) {
            size_t len = make_name(name, sizeof(name), i);
            struct domain_fp fp = domain_fingerprint((const uint8_t *)name, len);
            struct domain_parts a, b;
            uint64_t *m;

            CHECK(domain_split(list, NULL, (const uint8_t *)name, len, &a) == 1);
            if (pass < 2) {
                CHECK(domain_split(list, c, (const uint8_t *)name, len, &b) == 1);
            } else { /* located, then the text: the same parts */
                CHECK(domain_locate_fp(list, c, (const uint8_t *)name, len, &fp, &b) == 1);
                bad += a.domain_len != b.domain_len;
                domain_text(&b, (const uint8_t *)name);
            }
            bad += a.domain_len != b.domain_len || strcmp(a.domain, b.domain) != 0 ||
                   a.domain_off != b.domain_off || a.query != b.query ||
                   a.query_len != b.query_len || a.whole != b.whole;
            CHECK(a.memo == NULL && b.memo != NULL);
            CHECK(a.memo64 == NULL && b.memo64 != NULL);
            if (b.memo == NULL || b.memo64 == NULL)
                continue;
            /* The caller's memos: its own values or, if the name left the cache, 0. */
            foreign += *b.memo != 0 && *b.memo != i + 1;
            hits += *b.memo == i + 1;
            *b.memo = i + 1;
            foreign64 += *b.memo64 != 0 && *b.memo64 != (uint64_t)i << 33;
            hits64 += *b.memo64 == (uint64_t)i << 33;
            *b.memo64 = (uint64_t)i << 33;
            /* found again by the fingerprint (the name is the set's newest) */
            m = domain_cache_memo64(c, &fp);
            CHECK(m != NULL && *m == (uint64_t)i << 33);
        }
        for (unsigned i = 0; i < 20000; i++) { /* gone, or still the value it was given */
            size_t len = make_name(name, sizeof(name), i);
            struct domain_fp fp = domain_fingerprint((const uint8_t *)name, len);
            uint64_t *m = domain_cache_memo64(c, &fp);

            gone64 += m == NULL;
            foreign64 += m != NULL && *m != (uint64_t)i << 33;
        }
    }
    CHECK_EQ_U64(bad, 0);
    CHECK_EQ_U64(foreign, 0);
    CHECK_EQ_U64(foreign64, 0);
    CHECK(hits > 0 && hits64 > 0 && gone64 > 0);
    domain_cache_destroy(c);
}

/* One name with and without the cache: the same parts. Returns 1 if they differ. */
static int
differs(struct domain_cache *c, const char *name, size_t len)
{
    struct domain_parts a, b;
    int ra = domain_split(list, NULL, (const uint8_t *)name, len, &a);
    int rb = domain_split(list, c, (const uint8_t *)name, len, &b);

    if (ra != rb)
        return 1;
    if (ra == 0)
        return 0;
    if (a.domain_len != b.domain_len || strcmp(a.domain, b.domain) != 0 ||
        a.domain_off != b.domain_off || a.query != b.query || a.query_len != b.query_len ||
        a.whole != b.whole) {
        fprintf(stderr, "differs: %.*s: %s / %s\n", (int)len, name, a.domain, b.domain);
        return 1;
    }
    return 0;
}

/*
 * Names made from every rule of the Public Suffix List (plain, wildcard and
 * exception rules; the rule itself, under one or two labels, under its parent,
 * ten labels deep, upper case, with empty labels and a leading dot): the
 * cache's memo of suffixes answers as libpsl's psl_registrable_domain() does
 * (the uncached path), twice (the second time from the memo).
 */
static void
test_psl_rules(void)
{
    FILE *fp = fopen(DOMAIN_PSL_FILE, "r");
    struct domain_cache *c = domain_cache_create();
    char line[512], name[1200];
    unsigned bad = 0, rules = 0;

    if (fp == NULL) {
        fprintf(stderr, "skip: %s\n", DOMAIN_PSL_FILE);
        domain_cache_destroy(c);
        return;
    }
    for (int pass = 0; pass < 2; pass++) {
        rewind(fp);
        while (fgets(line, sizeof(line), fp) != NULL) {
            char *r = line, *parent;
            size_t len = strcspn(line, " \t\r\n");

            line[len] = '\0';
            if (len == 0 || (line[0] == '/' && line[1] == '/'))
                continue;
            if (r[0] == '!')
                r++;
            else if (r[0] == '*' && r[1] == '.')
                r += 2;
            rules += pass == 0;
            parent = strchr(r, '.');
            parent = parent ? parent + 1 : r;
            for (int f = 0; f < 7; f++) {
                int n;

                switch (f) {
                case 0:
                    n = snprintf(name, sizeof(name), "%s.", r);
                    break;
                case 1:
                    n = snprintf(name, sizeof(name), "x.%s.", r);
                    break;
                case 2:
                    n = snprintf(name, sizeof(name), "a.B.%s.", r);
                    break;
                case 3:
                    n = snprintf(name, sizeof(name), "1.2.3.4.5.6.7.8.9.10.%s.", r);
                    break;
                case 4:
                    n = snprintf(name, sizeof(name), ".x.%s", r);
                    break;
                case 5:
                    n = snprintf(name, sizeof(name), "x..%s.", r);
                    break;
                default:
                    n = snprintf(name, sizeof(name), "y.z.%s", parent);
                    break;
                }
                bad += differs(c, name, (size_t)n);
            }
        }
    }
    fclose(fp);
    CHECK(rules > 5000);
    CHECK_EQ_U64(bad, 0);
    domain_cache_destroy(c);
}

/*
 * The parent filter (domain.c) is on wherever Debian's compiled list is the newest, as on CI
 * (so test_psl_rules() above checks its answers against libpsl's); names past ASCII, with
 * punycode labels, empty labels or under wildcard and exception rules are asked of libpsl.
 */
static void
test_parent_filter(void)
{
    static const char *const names[] = {"x.\xe5\x85\xac\xe5\x8f\xb8.cn.",
                                        "\xc3\xa9t\xc3\xa9.example.com.",
                                        "a.xn--55qx5d.cn.",
                                        "b.a.xn--55qx5d.cn.",
                                        "q.x.ck.",
                                        "q.www.ck.",
                                        "x..com.",
                                        "..",
                                        "a..b..",
                                        "q1.q2.q3.compute.amazonaws.com.",
                                        "q1.q2.s3.amazonaws.com.",
                                        "z9.z8.blogspot.com.",
                                        "zz.",
                                        ".zz",
                                        "x.zz.",
                                        "x.y.zz.",
                                        "a.b.c.d.e.f.g.h.i.j.k.uk."};
    struct domain_cache *c = domain_cache_create();
    struct stat dafsa, dat;
    unsigned bad = 0;

    if (stat("/usr/share/publicsuffix/public_suffix_list.dafsa", &dafsa) == 0 &&
        stat(DOMAIN_PSL_FILE, &dat) == 0 && dafsa.st_mtime > dat.st_mtime)
        CHECK(domain_list_filtered(list));
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
            bad += differs(c, names[i], strlen(names[i])); /* \x..: raw bytes past ASCII */
    CHECK_EQ_U64(bad, 0);
    domain_cache_destroy(c);
}

int
main(void)
{
    struct err err;

    err_init(&err);
    list = domain_list_load(&err);
    if (list == NULL) {
        fprintf(stderr, "skip: %s\n", err.msg);
        return CHECK_SKIP;
    }
    RUN(test_uncached_and_cached);
    RUN(test_long_name);
    RUN(test_nul_bytes);
    RUN(test_cache_many);
    RUN(test_psl_rules);
    RUN(test_parent_filter);
    domain_list_free(list);
    return CHECK_DONE();
}
