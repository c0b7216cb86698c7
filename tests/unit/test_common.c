/* test_common.c - err, esc, mem. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "err.h"
#include "esc.h"
#include "mem.h"

static void
test_err_first_wins(void)
{
    struct err e;

    err_init(&e);
    CHECK(ERR_SET(&e, ERR_FORMAT, "first %d", 1) == -ERR_FORMAT);
    CHECK(ERR_SET(&e, ERR_IO, "second") == -ERR_IO);
    CHECK(e.code == ERR_FORMAT);
    CHECK_EQ_STR(e.msg, "first 1");
    err_prefix(&e, "file %s", "a.yaf");
    CHECK_EQ_STR(e.msg, "file a.yaf: first 1");
}

/* A message longer than struct err holds keeps its start and its end (the reason), cut between. */
static void
test_err_long(void)
{
    static char path[3 * ERR_MSG_LEN];
    struct err e;
    size_t n;

    memset(path, 'd', sizeof(path) - 1);
    path[0] = '/';
    err_init(&e);
    ERR_SET_ERRNO(&e, 36, "%s", path); /* ENAMETOOLONG */
    n = strlen(e.msg);
    CHECK(n == ERR_MSG_LEN - 1);
    CHECK(e.msg[0] == '/' && strstr(e.msg, "d ... d") != NULL);
    CHECK(strcmp(e.msg + n - strlen(": File name too long"), ": File name too long") == 0);
    err_init(&e);
    ERR_SET(&e, ERR_FORMAT, "offset 12: %s", "bad set");
    err_prefix(&e, "%s", path);
    n = strlen(e.msg);
    CHECK(n == ERR_MSG_LEN - 1 && e.msg[0] == '/');
    CHECK(strcmp(e.msg + n - strlen("d: offset 12: bad set"), "d: offset 12: bad set") == 0);
}

static void
test_esc(void)
{
    const uint8_t raw[] = {'a', 0x1b, '[', '\\', 0x00, 0xff, '\n'};
    char out[64];

    CHECK_EQ_U64(esc_bytes(out, sizeof(out), raw, sizeof(raw)), 19);
    CHECK_EQ_STR(out, "a\\x1B[\\\\x00\\xFF\\x0A");
    CHECK_EQ_U64(esc_len(raw, sizeof(raw)), 19);
    CHECK(!esc_is_plain(raw, sizeof(raw)));
    CHECK(esc_is_plain((const uint8_t *)"abc.", 4));
    /* Cut at a whole escape: "a" fits, "\x1B" (4) would need 6 bytes with NUL. */
    CHECK_EQ_U64(esc_bytes(out, 5, raw, sizeof(raw)), 19);
    CHECK_EQ_STR(out, "a");
}

/*
 * mem_big_zalloc(): zeroed and writable to its last byte, below and above MEM_BIG_MIN (where the
 * block is mapped on its own, 2 MiB aligned, outside sanitizers); mem_big_free() takes either.
 */
static void
test_mem_big(void)
{
    static const size_t sizes[] = {1, 4096, MEM_BIG_MIN - 1, MEM_BIG_MIN, 3 * MEM_BIG_MIN + 5};

    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        size_t n = sizes[k], nonzero = 0;
        uint8_t *p = mem_big_zalloc(n);

        for (size_t i = 0; i < n; i += 4093)
            nonzero += p[i] != 0;
        CHECK(nonzero == 0 && p[n - 1] == 0);
        memset(p, 0xA5, n);
        CHECK(p[0] == 0xA5 && p[n - 1] == 0xA5);
#ifndef MEM_SANITIZED
        if (n >= MEM_BIG_MIN)
            CHECK(((uintptr_t)p & (MEM_BIG_MIN - 1)) == 0);
#endif
        mem_big_free(p, n);
    }
    mem_big_free(NULL, MEM_BIG_MIN);
}

/*
 * mem_thread_huge(): binds the thread where jemalloc is the allocator (and no sanitizer), and
 * nowhere else; blocks allocated before and after it are usable and freed as usual.
 */
static void
test_mem_thread_huge(void)
{
    int expect = strncmp(mem_allocator_name(), "jemalloc", 8) == 0;
    uint8_t *before = mem_alloc(100), *blocks[512];

#ifdef MEM_SANITIZED
    expect = 0;
#endif
    CHECK(mem_thread_huge() == expect);
    CHECK(mem_thread_huge() == expect); /* the second call: the same answer */
    for (size_t i = 0; i < 512; i++) {
        blocks[i] = mem_alloc(16 + i * 64);
        memset(blocks[i], (int)(i & 0xFF), 16 + i * 64);
    }
    for (size_t i = 0; i < 512; i++) {
        CHECK(blocks[i][15 + i * 64] == (uint8_t)(i & 0xFF));
        mem_free(blocks[i]);
    }
    mem_free(before);
}

int
main(void)
{
    RUN(test_err_first_wins);
    RUN(test_err_long);
    RUN(test_esc);
    RUN(test_mem_big);
    RUN(test_mem_thread_huge);
    return CHECK_DONE();
}
