/*
 * cli_output.c - results to stdout or to -o FILE via a temporary name; see cli_output.h.
 */
#define _XOPEN_SOURCE 700 /* realpath() (POSIX, XSI) */
#include "cli_output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

/* What a path names, to tell whether two paths are the same file. */
struct ident {
    int kind;   /* 0: never the same as another (not a regular file); 1: exists; 2: not yet */
    dev_t dev;  /* kind 1 */
    ino_t ino;  /* kind 1 */
    char *real; /* kind 2: the resolved directory joined with the name (owned) */
};

static void
ident_of(const char *path, struct ident *id)
{
    struct stat st;
    const char *slash = strrchr(path, '/');
    char *dir, rd[PATH_MAX];
    size_t cap;

    memset(id, 0, sizeof(*id));
    if (strncmp(path, "/dev/", 5) == 0)
        return; /* a device (/dev/null is a plain file in some containers) */
    if (stat(path, &st) == 0) {
        id->kind = S_ISREG(st.st_mode) ? 1 : 0;
        id->dev = st.st_dev;
        id->ino = st.st_ino;
        return;
    }
    if (errno != ENOENT)
        return;
    /* Not there yet: the same file only as the same name in the same (resolved) directory. */
    dir = mem_strdup(slash == NULL ? "." : slash == path ? "/" : path);
    if (slash != NULL && slash != path)
        dir[slash - path] = '\0';
    if (realpath(dir, rd) == NULL) {
        mem_free(dir);
        return; /* its directory is not there: opening it fails anyway */
    }
    mem_free(dir);
    cap = strlen(rd) + strlen(path) + 2;
    id->real = mem_alloc(cap);
    snprintf(id->real, cap, "%s/%s", rd, slash == NULL ? path : slash + 1);
    id->kind = 2;
}

static int
ident_same(const struct ident *a, const struct ident *b)
{
    if (a->kind != b->kind || a->kind == 0)
        return 0;
    if (a->kind == 1)
        return a->dev == b->dev && a->ino == b->ino;
    return strcmp(a->real, b->real) == 0;
}

static int
named(const char *path)
{
    return path != NULL && strcmp(path, "-") != 0;
}

int
cli_output_clash(const struct cli_output_use *outs, size_t nouts, const char *const *ins,
                 size_t nins, struct err *err)
{
    struct ident *id = mem_calloc(nouts + 1, sizeof(*id));
    int rc = 0, any_file = 0;

    for (size_t i = 0; i < nouts; i++)
        if (named(outs[i].path)) {
            ident_of(outs[i].path, &id[i]);
            any_file |= id[i].kind == 1;
        }
    for (size_t i = 0; i < nouts && rc == 0; i++)
        for (size_t k = 0; k < i && rc == 0; k++)
            if (named(outs[i].path) && named(outs[k].path) && ident_same(&id[i], &id[k]))
                rc = ERR_SET(err, ERR_USAGE,
                             "%s '%.1000s' and %s '%.1000s' are the same file: one output "
                             "would replace the other",
                             outs[k].opt, outs[k].path, outs[i].opt, outs[i].path);
    /* Only an output that exists can be an input: stat the inputs only then. */
    for (size_t j = 0; j < nins && rc == 0 && any_file; j++) {
        struct ident in;

        if (strcmp(ins[j], "-") == 0)
            continue;
        ident_of(ins[j], &in);
        for (size_t i = 0; i < nouts && rc == 0 && in.kind == 1; i++)
            if (named(outs[i].path) && ident_same(&id[i], &in))
                rc = ERR_SET(err, ERR_USAGE,
                             "%s '%.1000s' and the input '%.1000s' are the same file: the "
                             "output would replace it",
                             outs[i].opt, outs[i].path, ins[j]);
        mem_free(in.real);
    }
    for (size_t i = 0; i < nouts; i++)
        mem_free(id[i].real);
    mem_free(id);
    return rc;
}
