/*
 * mem.c - checked allocation; see mem.h. The only file that calls malloc.
 */
#define _GNU_SOURCE /* RTLD_DEFAULT */
#include "mem.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
