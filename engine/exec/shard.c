/*
 * shard.c - see shard.h.
 */
#include "shard.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "le.h"
#include "mem.h"
#include "op.h"

static const uint8_t magic[8] = {0x89, 'F', 'S', 'S', 'H', 'R', 'D', '\n'};

#define HEAD_FIXED 116u /* magic .. counts */

/* ---- the split ---- */

void
shard_split(const struct part_plan *plan, unsigned i, unsigned n, struct part_plan *sub)
{
    uint64_t *bytes = mem_calloc(n, sizeof(*bytes));
    uint64_t *files = mem_calloc(n, sizeof(*files));

    memset(sub, 0, sizeof(*sub));
    sub->files = mem_calloc(plan->nfiles + 1, sizeof(*sub->files));
    for (size_t f = 0; f < plan->nfiles; f++) {
        unsigned best = 0;

        for (unsigned k = 1; k < n; k++)
            if (bytes[k] < bytes[best] || (bytes[k] == bytes[best] && files[k] < files[best]))
                best = k;
        bytes[best] += plan->files[f].size;
        files[best]++;
        if (best == i) {
            sub->files[sub->nfiles++] = plan->files[f];
            sub->total_bytes += plan->files[f].size;
        }
    }
    mem_free(bytes);
    mem_free(files);
}

void
shard_plan_fini(struct part_plan *sub)
{
    mem_free(sub->files);
    memset(sub, 0, sizeof(*sub));
}

uint64_t
shard_plan_fp(const struct part_plan *plan)
{
    XXH3_state_t *st = XXH3_createState();
    uint64_t fp;

    XXH3_64bits_reset(st);
    for (size_t f = 0; f < plan->nfiles; f++) {
        uint8_t size[8];

        le_put64(size, plan->files[f].size);
        XXH3_64bits_update(st, plan->files[f].path, strlen(plan->files[f].path) + 1);
        XXH3_64bits_update(st, size, sizeof(size));
    }
    fp = XXH3_64bits_digest(st);
    XXH3_freeState(st);
    return fp;
}

/* ---- the head ---- */

static void
put_u32(struct partial_buf *b, uint32_t v)
{
    uint8_t x[4];

    le_put32(x, v);
    partial_buf_put(b, x, 4);
}

static void
put_u64(struct partial_buf *b, uint64_t v)
{
    uint8_t x[8];

    le_put64(x, v);
    partial_buf_put(b, x, 8);
}

/* The counts in their order in the head. */
static void
stats_to(const struct sweep_stats *s, uint64_t v[8])
{
    v[0] = s->files;
    v[1] = s->bytes;
    v[2] = s->flows;
    v[3] = s->records;
    v[4] = s->kept;
    v[5] = s->dns_rrs;
    v[6] = s->other;
    v[7] = s->damaged;
}

static void
stats_from(struct sweep_stats *s, const uint64_t v[8])
{
    s->files = v[0];
    s->bytes = v[1];
    s->flows = v[2];
    s->records = v[3];
    s->kept = v[4];
    s->dns_rrs = v[5];
    s->other = v[6];
    s->damaged = v[7];
}

void
shard_head_encode(const struct shard_head *h, struct partial_buf *b)
{
    size_t start = b->len;
    uint64_t sum, v[8];

    partial_buf_put(b, magic, 8);
    put_u32(b, SHARD_VERSION);
    put_u32(b, 0); /* head length, filled in below */
    put_u32(b, h->index);
    put_u32(b, h->count);
    put_u64(b, h->plan_files);
    put_u64(b, h->plan_fp);
    put_u64(b, h->files);
    stats_to(&h->stats, v);
    for (int i = 0; i < 8; i++)
        put_u64(b, v[i]);
    put_u32(b, (uint32_t)h->job_len);
    partial_buf_put(b, h->job, h->job_len);
    put_u32(b, (uint32_t)h->inputs_len);
    partial_buf_put(b, h->inputs, h->inputs_len);
    put_u32(b, (uint32_t)h->nbad);
    for (size_t i = 0; i < h->nbad; i++) {
        size_t plen = strlen(h->bad[i].path), mlen = h->bad[i].msg ? strlen(h->bad[i].msg) : 0;

        put_u32(b, (uint32_t)plen);
        partial_buf_put(b, h->bad[i].path, plen);
        put_u32(b, (uint32_t)mlen);
        partial_buf_put(b, h->bad[i].msg, mlen);
        put_u64(b, h->bad[i].flows_kept);
        put_u32(b, (uint32_t)h->bad[i].resumed);
    }
    put_u64(b, h->outside_window);
    put_u64(b, h->passed);
    put_u32(b, (uint32_t)h->nskips);
    for (size_t i = 0; i < h->nskips; i++) {
        size_t plen = strlen(h->skips[i].path), wlen = strlen(h->skips[i].why);

        put_u32(b, (uint32_t)plen);
        partial_buf_put(b, h->skips[i].path, plen);
        put_u32(b, (uint32_t)wlen);
        partial_buf_put(b, h->skips[i].why, wlen);
        put_u32(b, (uint32_t)h->skips[i].sys_errno);
        put_u32(b, (uint32_t)(h->skips[i].lost != 0));
    }
    {
        size_t hlen = b->len - start + 8;

        le_put32(b->p + start + 12, (uint32_t)hlen);
    }
    sum = XXH3_64bits(b->p + start, b->len - start);
    put_u64(b, sum);
}

#define BAD(...) ERR_SET(err, ERR_FORMAT, __VA_ARGS__)

/* Takes a u32 length and that many bytes at *q before `end`; NULL when cut short. */
static const uint8_t *
take(const uint8_t **q, const uint8_t *end, size_t *len)
{
    const uint8_t *s;

    if (end - *q < 4)
        return NULL;
    *len = le_get32(*q);
    *q += 4;
    if ((size_t)(end - *q) < *len)
        return NULL;
    s = *q;
    *q += *len;
    return s;
}

int
shard_head_decode(const uint8_t *p, size_t len, struct shard_head *h, size_t *used, struct err *err)
{
    const uint8_t *q, *end, *s;
    uint32_t version, hlen, nbad, nskips;
    uint64_t v[8];
    size_t n;

    memset(h, 0, sizeof(*h));
    if (len >= 16 && memcmp(p,
                            "\x89"
                            "FSPART\n",
                            8) == 0)
        return BAD("%s", "not a flowsweep shard file: a partial of the cache (--cache), which "
                         "merge does not read; merge takes the --partial-out files of the shards");
    if (len < 16 || memcmp(p, magic, 8) != 0)
        return BAD("not a flowsweep shard file (%s)", len < 16 ? "too short" : "bad magic");
    version = le_get32(p + 8);
    if (version != SHARD_VERSION)
        return BAD("shard format version %u, this flowsweep reads version %u", version,
                   SHARD_VERSION);
    hlen = le_get32(p + 12);
    if (hlen < HEAD_FIXED + 4 + 8 || hlen > len)
        return BAD("cut short in the head (%zu bytes, the head says %u)", len, hlen);
    if (XXH3_64bits(p, hlen - 8) != le_get64(p + hlen - 8))
        return BAD("%s", "head checksum mismatch");
    end = p + hlen - 8;
    h->index = le_get32(p + 16);
    h->count = le_get32(p + 20);
    if (h->count == 0 || h->count > SHARD_MAX || h->index >= h->count)
        return BAD("shard %u of %u", h->index, h->count);
    h->plan_files = le_get64(p + 24);
    h->plan_fp = le_get64(p + 32);
    h->files = le_get64(p + 40);
    for (int i = 0; i < 8; i++)
        v[i] = le_get64(p + 48 + 8 * i);
    stats_from(&h->stats, v);
    q = p + HEAD_FIXED - 4;
    s = take(&q, end, &n);
    if (s == NULL || n > SHARD_JOB_MAX)
        return BAD("%s", "bad job length");
    if (n > 0 && s[n - 1] != '\0')
        return BAD("%s", "the job's last word is not ended");
    h->job = mem_alloc(n + 1);
    memcpy(h->job, s, n);
    h->job[n] = '\0';
    h->job_len = n;
    s = take(&q, end, &n);
    if (s == NULL || n > SHARD_JOB_MAX || memchr(s, '\0', n) != NULL)
        return BAD("%s", "bad inputs (watchlists, Public Suffix List) of the job");
    h->inputs = mem_alloc(n + 1);
    memcpy(h->inputs, s, n);
    h->inputs[n] = '\0';
    h->inputs_len = n;
    if (end - q < 4)
        return BAD("%s", "cut short before the bad files");
    nbad = le_get32(q);
    q += 4;
    if (nbad > (size_t)(end - q) / 20)
        return BAD("%u bad files cannot fit in the head", nbad);
    h->bad = mem_calloc((size_t)nbad + 1, sizeof(*h->bad));
    for (uint32_t i = 0; i < nbad; i++) {
        size_t plen, mlen;
        const uint8_t *path = take(&q, end, &plen), *msg;

        if (path == NULL || plen == 0 || memchr(path, '\0', plen) != NULL)
            return BAD("bad file %u: bad path", i);
        h->bad[i].path = mem_alloc(plen + 1);
        memcpy(h->bad[i].path, path, plen);
        h->bad[i].path[plen] = '\0';
        h->nbad++;
        msg = take(&q, end, &mlen);
        if (msg == NULL || memchr(msg, '\0', mlen) != NULL || end - q < 12)
            return BAD("bad file %u: bad message", i);
        h->bad[i].msg = mem_alloc(mlen + 1);
        memcpy(h->bad[i].msg, msg, mlen);
        h->bad[i].msg[mlen] = '\0';
        h->bad[i].flows_kept = le_get64(q);
        h->bad[i].resumed = le_get32(q + 8) != 0;
        q += 12;
    }
    if (end - q < 20)
        return BAD("%s", "cut short before the walk's skips");
    h->outside_window = le_get64(q);
    h->passed = le_get64(q + 8);
    nskips = le_get32(q + 16);
    q += 20;
    if (nskips > (size_t)(end - q) / 17)
        return BAD("%u skipped paths cannot fit in the head", nskips);
    h->skips = mem_calloc((size_t)nskips + 1, sizeof(*h->skips));
    for (uint32_t i = 0; i < nskips; i++) {
        size_t plen, wlen;
        const uint8_t *path = take(&q, end, &plen), *why;
        char *both;

        if (path == NULL || plen == 0 || memchr(path, '\0', plen) != NULL)
            return BAD("skipped path %u: bad path", i);
        why = take(&q, end, &wlen);
        if (why == NULL || wlen == 0 || memchr(why, '\0', wlen) != NULL || end - q < 8)
            return BAD("skipped path %u: bad reason", i);
        both = mem_alloc(plen + wlen + 2); /* the path, then the reason: one block */
        memcpy(both, path, plen);
        both[plen] = '\0';
        memcpy(both + plen + 1, why, wlen);
        both[plen + 1 + wlen] = '\0';
        h->skips[i].path = both;
        h->skips[i].why = both + plen + 1;
        h->skips[i].sys_errno = (int)le_get32(q);
        h->skips[i].lost = le_get32(q + 4) != 0;
        q += 8;
        h->nskips++;
        if (h->skips[i].lost)
            h->lost++;
    }
    if (q != end)
        return BAD("%zu stray bytes in the head", (size_t)(end - q));
    *used = hlen;
    return 0;
}

void
shard_head_fini(struct shard_head *h)
{
    for (size_t i = 0; i < h->nbad; i++) {
        mem_free(h->bad[i].path);
        mem_free(h->bad[i].msg);
    }
    mem_free(h->bad);
    for (size_t i = 0; i < h->nskips; i++)
        mem_free(h->skips[i].path); /* its reason is in the same block */
    mem_free(h->skips);
    mem_free(h->job);
    mem_free(h->inputs);
    memset(h, 0, sizeof(*h));
}

/* ---- the file ---- */

int64_t
shard_write(const char *path, const struct shard_head *h, const struct runner_result *res,
            struct err *err)
{
    struct partial_buf b = {0};
    struct partial_info *info = mem_calloc(1, sizeof(*info));
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0, tmp_cap = strlen(path) + 64;
    char *tmp = mem_alloc(tmp_cap);
    struct stat st;
    int64_t rc;
    int fd, e;

    shard_head_encode(h, &b);
    info->state_version = OP_STATE_VERSION;
    snprintf(info->job, sizeof(info->job), "shard %u/%u", h->index, h->count);
    rc = runner_encode(res, info, 1, 0, &b, err);
    mem_free(info);
    if (rc < 0)
        goto out;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) { /* /dev/null, a FIFO: no rename over it */
        fd = open(path, O_WRONLY | O_CLOEXEC);
        e = fd < 0 ? errno : partial_write_all(fd, b.p, b.len);
        if (fd >= 0 && close(fd) != 0 && e == 0)
            e = errno;
        rc = e != 0 ? ERR_SET_ERRNO(err, e, "cannot write %s", path) : (int64_t)b.len;
        goto out;
    }
    snprintf(tmp, tmp_cap, "%.*s.tmp-%s.%ld", (int)dir_len, path, path + dir_len, (long)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        rc = ERR_SET_ERRNO(err, errno, "cannot create %s", tmp);
        goto out;
    }
    e = partial_write_all(fd, b.p, b.len);
    if (e == 0 && fsync(fd) != 0)
        e = errno;
    if (close(fd) != 0 && e == 0)
        e = errno;
    if (e != 0) {
        rc = ERR_SET_ERRNO(err, e, "cannot write %s", tmp);
        unlink(tmp);
        goto out;
    }
    if (rename(tmp, path) != 0) {
        rc = ERR_SET_ERRNO(err, errno, "cannot rename %s to %s", tmp, path);
        unlink(tmp);
        goto out;
    }
    rc = (int64_t)b.len;
out:
    mem_free(tmp);
    partial_buf_fini(&b);
    return rc;
}

int
shard_load(const char *path, struct shard_file *f, struct err *err)
{
    struct stat st;
    uint8_t *buf;
    size_t len, got = 0, used = 0;
    int fd, rc;

    memset(f, 0, sizeof(*f));
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return ERR_SET_ERRNO(err, errno, "cannot open");
    if (fstat(fd, &st) != 0) {
        int e = errno;

        close(fd);
        return ERR_SET_ERRNO(err, e, "cannot stat");
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return ERR_SET(err, ERR_FORMAT, "not a regular file");
    }
    len = (size_t)st.st_size;
    buf = mem_alloc(len + 1);
    while (got < len) {
        ssize_t r = read(fd, buf + got, len - got);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;

            close(fd);
            mem_free(buf);
            return ERR_SET_ERRNO(err, e, "cannot read");
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    rc = shard_head_decode(buf, got, &f->head, &used, err);
    if (rc < 0) {
        mem_free(buf);
        return rc;
    }
    memmove(buf, buf + used, got - used); /* the partial owns the buffer from its start */
    rc = partial_parse(buf, got - used, 0, &f->part, err);
    if (rc < 0) {
        err_prefix(err, "its groups");
        return rc;
    }
    if (f->part.info.state_version != OP_STATE_VERSION)
        return BAD("group state version %u, this flowsweep reads version %u",
                   f->part.info.state_version, OP_STATE_VERSION);
    return 0;
}

void
shard_file_fini(struct shard_file *f)
{
    shard_head_fini(&f->head);
    partial_fini(&f->part);
}
