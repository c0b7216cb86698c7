/*
 * cli_output.c - results to stdout or to -o FILE via a temporary name; see cli_output.h.
 */
#include "cli_output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "esc.h"
#include "mem.h"

#define SHOW_BYTES 200 /* bytes of FILE echoed in a message */

/* FILE escaped for a message (caller frees). */
static char *
shown(const char *path)
{
    size_t len = strnlen(path, SHOW_BYTES);
    size_t need = esc_len((const uint8_t *)path, len) + 1;
    char *s = mem_alloc(need);

    esc_bytes(s, need, (const uint8_t *)path, len);
    return s;
}

static int
fail(int errnum, const char *what, const char *path, struct err *err)
{
    char *s = shown(path);
    int rc = ERR_SET_ERRNO(err, errnum, "%s %s", what, s);

    mem_free(s);
    return rc;
}

int
cli_output_open(struct cli_output *o, const char *path, struct err *err)
{
    const char *slash;
    struct stat st;
    size_t dlen, cap;
    mode_t mask;
    int fd;

    memset(o, 0, sizeof(*o));
    if (path == NULL || strcmp(path, "-") == 0) {
        o->f = stdout;
        return 0;
    }
    o->path = path;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        o->f = fopen(path, "w"); /* /dev/null, a FIFO: no rename over it */
        return o->f != NULL ? 0 : fail(errno, "cannot write", path, err);
    }
    slash = strrchr(path, '/');
    dlen = slash != NULL ? (size_t)(slash - path) + 1 : 0;
    cap = strlen(path) + sizeof(".flowsweep-XXXXXX") + 1;
    o->tmp = mem_alloc(cap);
    snprintf(o->tmp, cap, "%.*s.%s.flowsweep-XXXXXX", (int)dlen, path, path + dlen);
    fd = mkstemp(o->tmp);
    if (fd < 0) {
        int e = errno;

        mem_free(o->tmp);
        o->tmp = NULL;
        return fail(e, "cannot write", path, err);
    }
    mask = umask(0); /* the main thread, before any other runs */
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0 || (o->f = fdopen(fd, "w")) == NULL) {
        int e = errno;

        close(fd);
        unlink(o->tmp);
        mem_free(o->tmp);
        o->tmp = NULL;
        return fail(e, "cannot write", path, err);
    }
    return 0;
}

int
cli_output_close(struct cli_output *o, int keep, struct err *err)
{
    int rc = 0;

    if (o->f == NULL)
        return 0;
    if (fflush(o->f) != 0 || ferror(o->f))
        rc = fail(errno ? errno : EIO, "writing", o->path ? o->path : "stdout", err);
    if (o->f != stdout && fclose(o->f) != 0 && rc == 0)
        rc = fail(errno, "writing", o->path, err);
    o->f = NULL;
    if (o->tmp != NULL) {
        if (keep && rc == 0 && rename(o->tmp, o->path) != 0)
            rc = fail(errno, "cannot rename the result to", o->path, err);
        if (!keep || rc != 0)
            unlink(o->tmp);
        mem_free(o->tmp);
        o->tmp = NULL;
    }
    return rc;
}

int
cli_output_looks_like_format(const char *path)
{
    static const char *const names[] = {"table", "csv", "json", "jsonl", "text"};

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(path, names[i]) == 0)
            return 1;
    return 0;
}
