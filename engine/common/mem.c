/*
 * mem.c - checked allocation; see mem.h. The only file that calls malloc.
 */
#define _GNU_SOURCE /* RTLD_DEFAULT */
#include "mem.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
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

#ifdef MEM_SANITIZED
#    define BIG_OWN 0 /* every block through the sanitizer's malloc */
#else
#    define BIG_OWN 1
#endif

void *
mem_big_zalloc_at(size_t n, const char *file, int line)
{
    size_t len = big_len(n), lead;
    uint8_t *p;

    if (!BIG_OWN || n < MEM_BIG_MIN)
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
#ifdef MADV_HUGEPAGE
    (void)madvise(p, len & ~(MEM_BIG_MIN - 1), MADV_HUGEPAGE); /* a hint: 4 KiB pages without it */
#endif
    return p;
}

void
mem_big_free(void *p, size_t n)
{
    if (p == NULL)
        return;
    if (!BIG_OWN || n < MEM_BIG_MIN)
        free(p);
    else
        (void)munmap(p, big_len(n));
}

/*
 * The huge-page arenas of mem_thread_huge(). jemalloc's extent hooks (struct
 * extent_hooks_s of jemalloc/jemalloc.h, unchanged since jemalloc 5.0) are the
 * functions an arena gets its pages from; a huge-page arena has jemalloc's own
 * hooks with `alloc` wrapped to mark what it maps for transparent huge pages,
 * as jemalloc's opt.thp "always" does for every arena of the process. The
 * header is not included: the program links whichever malloc the build chose
 * (mallctl() is looked up at run time, as in mem_allocator_name()).
 */
typedef int mallctl_fn(const char *, void *, size_t *, void *, size_t);

/*
 * find_mallctl() - jemalloc's mallctl() if the symbol resolves in the running
 * process (then jemalloc is the malloc in use: Debian's libjemalloc replaces
 * malloc when linked), else NULL.
 */
static mallctl_fn *
find_mallctl(void)
{
    void *sym = dlsym(RTLD_DEFAULT, "mallctl");
    mallctl_fn *ctl = NULL;

    if (sym != NULL)
        memcpy(&ctl, &sym, sizeof(ctl));
    return ctl;
}

struct ext_hooks {
    void *(*alloc)(struct ext_hooks *h, void *addr, size_t size, size_t align, bool *zero,
                   bool *commit, unsigned arena);
    void *rest[8]; /* dalloc, destroy, commit, decommit, purge_lazy, purge_forced, split, merge */
};

static mallctl_fn *huge_mallctl;         /* NULL: no jemalloc, or no hooks to wrap */
static struct ext_hooks huge_hooks;      /* jemalloc's defaults, `alloc` wrapped */
static struct ext_hooks *huge_hooks_ptr; /* &huge_hooks, as "arenas.create" takes it */
static pthread_once_t huge_once = PTHREAD_ONCE_INIT;
static void *(*huge_default_alloc)(struct ext_hooks *h, void *addr, size_t size, size_t align,
                                   bool *zero, bool *commit, unsigned arena);

static void *
huge_alloc(struct ext_hooks *h, void *addr, size_t size, size_t align, bool *zero, bool *commit,
           unsigned arena)
{
    void *p = huge_default_alloc(h, addr, size, align, zero, commit, arena);
#ifdef MADV_HUGEPAGE
    if (p != NULL) { /* the whole 2 MiB pieces inside */
        uintptr_t lo = ((uintptr_t)p + MEM_BIG_MIN - 1) & ~(uintptr_t)(MEM_BIG_MIN - 1);
        uintptr_t hi = ((uintptr_t)p + size) & ~(uintptr_t)(MEM_BIG_MIN - 1);

        if (hi > lo)
            (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
    }
#endif
    return p;
}

static void
huge_init(void)
{
    mallctl_fn *ctl = find_mallctl();
    struct ext_hooks *def = NULL;
    size_t len = sizeof(def);

    if (ctl == NULL)
        return;
    if (ctl("arena.0.extent_hooks", (void *)&def, &len, NULL, 0) != 0 || def == NULL ||
        def->alloc == NULL)
        return;
    huge_hooks = *def;
    huge_default_alloc = def->alloc;
    huge_hooks.alloc = huge_alloc;
    huge_hooks_ptr = &huge_hooks;
    huge_mallctl = ctl;
}

int
mem_thread_huge(void)
{
    static _Thread_local int state; /* 0: not asked yet, 1: bound, -1: cannot */
    unsigned arena;
    size_t len = sizeof(arena);

    if (state != 0)
        return state > 0;
    state = -1;
    if (!BIG_OWN || pthread_once(&huge_once, huge_init) != 0 || huge_mallctl == NULL)
        return 0;
    if (huge_mallctl("arenas.create", &arena, &len, (void *)&huge_hooks_ptr,
                     sizeof(huge_hooks_ptr)) != 0 ||
        huge_mallctl("thread.arena", NULL, NULL, &arena, sizeof(arena)) != 0)
        return 0;
    state = 1;
    return 1;
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
    static char name[64];
    mallctl_fn *mallctl = find_mallctl(); /* jemalloc: ask it for its version */
    const char *version = NULL;
    size_t len = sizeof(version);

    if (mallctl == NULL)
        return "libc malloc";
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
