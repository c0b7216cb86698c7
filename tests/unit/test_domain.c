/* test_domain.c - registered domains and query parts; expected values from the PSL rules. */
#include <string.h>

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
    expect(c, "x.y.github.io.", "y.github.io.", "x");      /* github.io is a public suffix */
    expect(c, "4.20.168.192.in-addr.arpa.", "20.168.192.in-addr.arpa.", "4");
    expect(c, "data.5.173.10.in-addr.arpa.", "5.173.10.in-addr.arpa.", "data");
    /* Top label that is no public suffix: every label was chosen by the sender. */
    expect(c, "vaaaakardli.pirate.sea.", "pirate.sea.", "vaaaakardli.pirate.sea");
    expect(c, "dnscat.5b6e01f5.", "dnscat.5b6e01f5.", "dnscat.5b6e01f5");
    expect(c, "no-dot-at-end.example.org", "example.org.", "no-dot-at-end");
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

static void
test_uncached_and_cached(void)
{
    struct domain_cache *c = domain_cache_create();

    test_split(NULL);
    test_split(c); /* fills the cache */
    test_split(c); /* answers from it */
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
    domain_list_free(list);
    return CHECK_DONE();
}
