/* test_common.c - err, esc. */
#include "check.h"
#include "err.h"
#include "esc.h"

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

int
main(void)
{
    RUN(test_err_first_wins);
    RUN(test_esc);
    return CHECK_DONE();
}
