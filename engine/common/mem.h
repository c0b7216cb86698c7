/*
 * mem.h - the only door to the heap (house style 3.5).
 *
 * mem_alloc()/mem_calloc()/mem_realloc() never return NULL: running out of
 * memory prints the size and call site to stderr and aborts (Redis zmalloc).
 * mem_try_alloc() may return NULL and is for optional growth that has a
 * fallback. Which malloc sits behind these is decided at link time: jemalloc
 * in normal builds (linked as the process allocator), libc under sanitizers.
 * mem_allocator_name() says which one is really in use.
 * Threads: all functions are thread-safe.
 */
#ifndef ENGINE_MEM_H
#define ENGINE_MEM_H

#include <stddef.h>
#include <string.h>

/* clang-format off */
#define mem_alloc(n)        mem_alloc_at((n), __FILE__, __LINE__) /* NOLINT(readability-identifier-naming): reads as a function */
#define mem_calloc(n, size) mem_calloc_at((n), (size), __FILE__, __LINE__) /* NOLINT(readability-identifier-naming) */
#define mem_realloc(p, n)   mem_realloc_at((p), (n), __FILE__, __LINE__) /* NOLINT(readability-identifier-naming) */
/* clang-format on */

void *mem_alloc_at(size_t n, const char *file, int line);
void *mem_calloc_at(size_t n, size_t size, const char *file, int line);
void *mem_realloc_at(void *p, size_t n, const char *file, int line);

/*
 * mem_zalloc() - n * size zeroed bytes, written (not just known-zero) before
 * they are returned. For big arrays that are read before written (hash slots):
 * calloc may hand out fresh pages that the kernel maps to its zero page on the
 * first read and copies on the first write, flushing the TLB of every thread
 * of the process each time.
 */
static inline void *
mem_zalloc_at(size_t n, size_t size, const char *file, int line)
{
    size_t bytes = n * size;

    if (size && bytes / size != n)
        return mem_calloc_at(n, size, file, line); /* reports the overflow */
    return memset(mem_alloc_at(bytes, file, line), 0, bytes);
}
/* clang-format off */
#define mem_zalloc(n, size) mem_zalloc_at((n), (size), __FILE__, __LINE__) /* NOLINT(readability-identifier-naming) */
/* clang-format on */

/*
 * mem_grow() - `p` (of *cap bytes) reallocated to hold at least `need` bytes,
 * its size doubled from `first` as often as needed (*cap updated); `p` itself
 * when it is big enough. The one growth rule of the project's byte buffers.
 */
void *mem_grow(void *p, size_t *cap, size_t need, size_t first);

/* mem_try_alloc() - malloc that may fail: returns NULL instead of aborting. */
void *mem_try_alloc(size_t n);

/*
 * MEM_SANITIZED - defined under ASan/TSan/MSan, whose malloc must see every
 * block (blocks mapped past it would hide overflows and the pointers in them).
 */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#    define MEM_SANITIZED 1
#elif defined(__has_feature)
#    if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
        __has_feature(memory_sanitizer)
#        define MEM_SANITIZED 1
#    endif
#endif

/*
 * mem_big_zalloc() - `n` zeroed bytes for a big array that is touched whole
 * (a hash table's slot array, an arena chunk filled front to back). From
 * MEM_BIG_MIN bytes on, mapped on their own (mmap, 2 MiB aligned) and marked
 * for transparent huge pages (madvise(MADV_HUGEPAGE), which the kernel's
 * default "madvise" mode honours): one page fault and one TLB entry per 2 MiB
 * instead of per 4 KiB, and no memset (fresh pages are zero). The mapping is
 * `n` rounded up to 4 KiB: what the caller charges is what is mapped, and
 * huge pages cover only whole 2 MiB pieces inside it. Smaller blocks, and
 * every block under a sanitizer (whose malloc must see them), come from
 * mem_zalloc(). Never NULL. mem_big_free() with the same `n` frees it.
 */
#define MEM_BIG_MIN ((size_t)2 << 20)
#define mem_big_zalloc(n) \
    mem_big_zalloc_at((n), __FILE__, __LINE__) /* NOLINT(readability-identifier-naming) */
void *mem_big_zalloc_at(size_t n, const char *file, int line);

/* mem_big_free() - frees `p` of mem_big_zalloc(n); NULL is a no-op. */
void mem_big_free(void *p, size_t n);

/*
 * mem_thread_huge() - binds the calling thread's later allocations to an arena
 * of its own whose pages are marked for transparent huge pages (jemalloc's
 * opt.thp "always", for this thread alone): for the workers that fill group
 * tables, whose many small blocks (distinct sets, per-group lists) are spread
 * over far more memory than the TLB covers. Blocks freed by other threads
 * are fine. Returns 1 when the thread is bound (now or before), 0 where it
 * cannot be (libc malloc, sanitizers, jemalloc refusing): allocation goes on
 * as before. Cheap after the first call on a thread. Thread-safe.
 */
int mem_thread_huge(void);

/* mem_free() - frees `p`; NULL is a no-op. */
void mem_free(void *p);

/* mem_strdup() - a NUL-terminated copy of `s`; never NULL. */
char *mem_strdup(const char *s);

/*
 * mem_allocator_name() - "jemalloc <version>" when jemalloc is the process
 * allocator, else "libc malloc". Asks the running process, not the build flags.
 */
const char *mem_allocator_name(void);

/*
 * mem_default_budget() - the group tables' default budget: 3/4 of physical
 * memory (sysconf), or 0 (none) when it cannot be known.
 */
size_t mem_default_budget(void);

/* mem_peak_rss() - the process's peak resident set size in bytes (getrusage). */
size_t mem_peak_rss(void);

#endif
