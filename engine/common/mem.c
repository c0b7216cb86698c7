/*
 * mem.c - checked allocation; see mem.h. The only file that calls malloc.
 */
#define _GNU_SOURCE /* RTLD_DEFAULT */
#include "mem.h"

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

static void
oom(size_t n, const char *file, int line)
{
    fprintf(stderr, "flowsweep: fatal: out of memory allocating %zu bytes at %s:%d\n", n, file,
            line);
    abort();
}

void *
mem_alloc_at(size_t n, const char *file, int line)
{
    void *p = malloc(n ? n : 1);

    if (p == NULL)
        oom(n, file, line);
    return p;
}

void *
mem_calloc_at(size_t n, size_t size, const char *file, int line)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (p == NULL)
        oom(n * size, file, line);
    return p;
}

void *
mem_realloc_at(void *p, size_t n, const char *file, int line)
{
    void *q = realloc(p, n ? n : 1);

    if (q == NULL)
        oom(n, file, line);
    return q;
}

void *
mem_grow(void *p, size_t *cap, size_t need, size_t first)
{
    size_t c = *cap ? *cap : first;

    if (need <= *cap)
        return p;
    while (c < need)
        c *= 2;
    *cap = c;
    return mem_realloc(p, c);
}

#define MEM_PAGE ((size_t)4 << 10)

/* n rounded up to whole 4 KiB pages: the length of a big block's mapping. */
static size_t
big_len(size_t n)
{
    return (n + MEM_PAGE - 1) & ~(MEM_PAGE - 1);
}

void *
mem_big_zalloc_at(size_t n, const char *file, int line)
{
#ifdef MEM_SANITIZED
    return mem_zalloc_at(n, 1, file, line);
#else
    size_t len = big_len(n), lead;
    uint8_t *p;

    if (n < MEM_BIG_MIN)
        return mem_zalloc_at(n, 1, file, line);
    if (len < n || len + MEM_BIG_MIN < len)
        oom(n, file, line);
    /* Mapped MEM_BIG_MIN more, the unaligned head and the tail past `len` unmapped again. */
    p = mmap(NULL, len + MEM_BIG_MIN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        oom(n, file, line);
    lead = (MEM_BIG_MIN - ((uintptr_t)p & (MEM_BIG_MIN - 1))) & (MEM_BIG_MIN - 1);
    if (lead)
        (void)munmap(p, lead);
    (void)munmap(p + lead + len, MEM_BIG_MIN - lead);
    p += lead;
#    ifdef MADV_HUGEPAGE
    (void)madvise(p, len & ~(MEM_BIG_MIN - 1), MADV_HUGEPAGE); /* a hint: 4 KiB pages without it */
#    endif
    return p;
#endif
}

void
mem_big_free(void *p, size_t n)
{
#ifdef MEM_SANITIZED
    (void)n;
    free(p);
#else
    if (p == NULL)
        return;
    if (n < MEM_BIG_MIN)
        free(p);
    else
        (void)munmap(p, big_len(n));
#endif
}

void *
mem_try_alloc(size_t n)
{
    return malloc(n ? n : 1);
}

void
mem_free(void *p)
{
    free(p);
}

char *
mem_strdup(const char *s)
{
    size_t len = strlen(s) + 1;
    char *d = mem_alloc(len);

    memcpy(d, s, len);
    return d;
}

const char *
mem_allocator_name(void)
{
    /*
     * jemalloc exports mallctl(); if the symbol resolves in the running
     * process, jemalloc is the malloc in use (Debian's libjemalloc replaces
     * malloc when linked). Ask it for its version.
     */
    typedef int mallctl_fn(const char *, void *, size_t *, void *, size_t);
    static char name[64];
    mallctl_fn *mallctl;
    const char *version = NULL;
    size_t len = sizeof(version);
    void *sym = dlsym(RTLD_DEFAULT, "mallctl");

    if (sym == NULL)
        return "libc malloc";
    memcpy(&mallctl, &sym, sizeof(mallctl));
    if (mallctl("version", (void *)&version, &len, NULL, 0) != 0 || version == NULL)
        return "jemalloc";
    /* "5.3.0-0-g54eaed1d..." -> "jemalloc 5.3.0" */
    snprintf(name, sizeof(name), "jemalloc %.*s", (int)strcspn(version, "-"), version);
    return name;
}

size_t
mem_default_budget(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);

    if (pages <= 0 || page <= 0)
        return 0;
    return (size_t)pages / 4 * 3 * (size_t)page;
}

size_t
mem_peak_rss(void)
{
    struct rusage ru;

    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return (size_t)ru.ru_maxrss * 1024u;
}
