/*
 * domain.c - see domain.h.
 */
#include "domain.h"

#include <libpsl.h>
#include <string.h>

#include <xxhash.h>

#include "mem.h"

#define PSL_FILE DOMAIN_PSL_FILE

struct domain_list {
    psl_ctx_t *psl;
};

#define CACHE_SLOTS 8192

struct cache_slot {
    uint8_t len;                      /* lowercased name length; 0 = empty slot */
    uint8_t whole;                    /* the whole name is the query part */
    uint16_t dstart;                  /* where the group domain starts */
    char name[DOMAIN_CACHE_NAME + 2]; /* lowercased, no trailing dot */
};

struct domain_cache {
    struct cache_slot slot[CACHE_SLOTS];
};

struct domain_cache *
domain_cache_create(void)
{
    return mem_calloc(1, sizeof(struct domain_cache));
}

void
domain_cache_destroy(struct domain_cache *c)
{
    mem_free(c);
}

struct domain_list *
domain_list_load(struct err *err)
{
    struct domain_list *l = mem_calloc(1, sizeof(*l));

    /* The newer of libpsl's built-in list and Debian's publicsuffix file. */
    l->psl = psl_latest(PSL_FILE);
    if (l->psl == NULL) {
        mem_free(l);
        ERR_SET(err, ERR_IO, "cannot load the Public Suffix List (%s; package publicsuffix)",
                PSL_FILE);
        return NULL;
    }
    return l;
}

void
domain_list_free(struct domain_list *l)
{
    if (l == NULL)
        return;
    psl_free(l->psl);
    mem_free(l);
}

static int
is_octet(const char *p, size_t len)
{
    if (len == 0 || len > 3)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (p[i] < '0' || p[i] > '9')
            return 0;
    return len == 1 || p[0] != '0' ? 1 : 0;
}

static int
is_nibble(const char *p, size_t len)
{
    return len == 1 && ((p[0] >= '0' && p[0] <= '9') || (p[0] >= 'a' && p[0] <= 'f'));
}

/*
 * Reverse zones: the offset in `s` (len bytes, no trailing dot) where the zone
 * starts: the suffix (slen bytes, with its leading dot) and up to `max` labels
 * before it that pass `ok`.
 */
static long
reverse_zone(const char *s, size_t len, size_t slen, int max, int (*ok)(const char *, size_t))
{
    size_t cut = len - slen + 1; /* "in-addr.arpa" itself */

    for (int n = 0; n < max && cut >= 2; n++) {
        size_t e = cut - 1; /* the dot before the zone */
        size_t b = e;

        while (b > 0 && s[b - 1] != '.')
            b--;
        if (!ok(s + b, e - b))
            break;
        cut = b;
    }
    return (long)cut;
}

int
domain_split(const struct domain_list *l, struct domain_cache *c, const uint8_t *name, size_t len,
             struct domain_parts *out)
{
    struct cache_slot *slot = NULL;
    char s[1024];
    size_t n = len, skip = 0;
    long dstart;
    int whole = 0; /* the top label is no public suffix: every label is the query's */

    memset(out, 0, sizeof(*out));
    if (n > 0 && name[n - 1] == '.')
        n--;
    if (n == 0)
        return 0;
    if (n >= sizeof(s)) { /* the domain is at the end: keep the end */
        skip = n - (sizeof(s) - 1);
        n = sizeof(s) - 1;
    }
    for (size_t i = 0; i < n; i++) {
        char ch = (char)name[skip + i];

        s[i] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
    }
    s[n] = '\0';

    if (c != NULL && n <= DOMAIN_CACHE_NAME) {
        slot = &c->slot[XXH3_64bits(s, n) & (CACHE_SLOTS - 1)];
        if (slot->len == n && memcmp(slot->name, s, n) == 0) {
            dstart = slot->dstart;
            whole = slot->whole;
            goto found;
        }
    }
    if (n > 13 && strcmp(s + n - 13, ".in-addr.arpa") == 0) {
        dstart = reverse_zone(s, n, 13, 3, is_octet);
    } else if (n > 9 && strcmp(s + n - 9, ".ip6.arpa") == 0) {
        dstart = reverse_zone(s, n, 9, 16, is_nibble);
    } else {
        const char *tld = strrchr(s, '.');
        const char *reg;

        tld = tld ? tld + 1 : s;
        whole = !psl_is_public_suffix2(l->psl, tld, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE);
        reg = psl_registrable_domain(l->psl, s);
        dstart = reg ? (long)(reg - s) : 0;
    }
    if (slot != NULL) {
        slot->len = (uint8_t)n;
        slot->whole = (uint8_t)whole;
        slot->dstart = (uint16_t)dstart;
        memcpy(slot->name, s, n);
    }
found:
    out->domain_len = n - (size_t)dstart;
    if (out->domain_len > DOMAIN_MAX - 2)
        out->domain_len = DOMAIN_MAX - 2;
    memcpy(out->domain, s + dstart, out->domain_len);
    out->domain_off = skip + (size_t)dstart;
    out->domain[out->domain_len++] = '.';
    out->domain[out->domain_len] = '\0';
    out->whole = whole;
    out->query = name + skip;
    out->query_len = whole ? n : dstart > 0 ? (size_t)dstart - 1 : 0; /* without its dot */
    return 1;
}
