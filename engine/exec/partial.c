/*
 * partial.c - see partial.h; docs/partials.md is the byte-level description.
 */
#include "partial.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "bulksum.h"
#include "le.h"
#include "mem.h"

static const uint8_t head_magic[8] = {0x89, 'F', 'S', 'P', 'A', 'R', 'T', '\n'};
static const uint8_t tail_magic[8] = {0x89, 'F', 'S', 'P', 'E', 'N', 'D', '\n'};

#define HEAD_FIXED   168u /* bytes before the header's strings */
#define HEAD_MAX     (HEAD_FIXED + PARTIAL_PATH_MAX + PARTIAL_JOB_MAX + ERR_MSG_LEN + 8u)
#define BLOCK_HEAD   24u /* partition, reserved, groups, payload length */
#define TRAILER_LEN  24u /* magic, file length, checksum */
#define FLAG_BAD     1u
#define FLAG_PATH    2u   /* the message follows the source's path */
#define FLAG_RESUMED 4u   /* reading went on after the damage */
#define FLAG_ANY     8u   /* groups in no order: a message between ranks, never a file */
#define FLAG_ROLLUP  16u  /* a roll-up: the members section follows the header */
#define MEMBERS_HEAD 16u  /* member count, reserved, entries length */
#define MEMBER_FIXED 112u /* a member entry's bytes before its strings */

void
partial_buf_put(struct partial_buf *b, const void *p, size_t len)
{
    b->p = mem_grow(b->p, &b->cap, b->len + len, 4096);
    if (len)
        memcpy(b->p + b->len, p, len);
    b->len += len;
}

void
partial_buf_fini(struct partial_buf *b)
{
    mem_free(b->p);
    memset(b, 0, sizeof(*b));
}

/* Reserves n bytes at the end of `b` and returns them. */
static uint8_t *
buf_room(struct partial_buf *b, size_t n)
{
    b->p = mem_grow(b->p, &b->cap, b->len + n, 4096);
    b->len += n;
    return b->p + b->len - n;
}

/* Writes `v` as LEB128 at q; returns the byte after it. */
static uint8_t *
put_varint_at(uint8_t *q, uint32_t v)
{
    do {
        *q = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v)
            *q |= 0x80;
        q++;
    } while (v);
    return q;
}

/* get_varint() - a LEB128 u32 at *p before `end`; -1 when cut short or overlong. */
static int
get_varint(const uint8_t **p, const uint8_t *end, uint32_t *v)
{
    uint32_t x = 0;

    for (int i = 0; i < 5; i++) {
        if (*p >= end)
            return -1;
        uint8_t c = *(*p)++;

        if (i == 4 && c > 0x0f)
            return -1; /* more than 32 bits */
        x |= (uint32_t)(c & 0x7f) << (7 * i);
        if (!(c & 0x80)) {
            if (c == 0 && i > 0)
                return -1; /* not the shortest form: one value, one encoding */
            *v = x;
            return 0;
        }
    }
    return -1;
}

/* ---- writing ---- */

struct sort_ent {
    uint64_t hash;
    const uint8_t *key;
    uint32_t key_len;
    const struct htab_entry *e;
};

int
partial_key_cmp(uint64_t ha, const uint8_t *ka, uint32_t la, uint64_t hb, const uint8_t *kb,
                uint32_t lb)
{
    int c;

    if (ha != hb)
        return ha < hb ? -1 : 1;
    c = memcmp(ka, kb, la < lb ? la : lb);
    if (c != 0)
        return c;
    return la < lb ? -1 : la > lb;
}

static int
sort_ent_cmp(const void *a, const void *b)
{
    const struct sort_ent *x = a, *y = b;

    return partial_key_cmp(x->hash, x->key, x->key_len, y->hash, y->key, y->key_len);
}

static size_t
strnlen_cap(const char *s, size_t cap)
{
    const char *z = memchr(s, '\0', cap);

    return z ? (size_t)(z - s) : cap;
}

static void
put_head(struct partial_buf *b, const struct partial_info *info, uint64_t groups)
{
    size_t path_len = strnlen_cap(info->src_path, sizeof(info->src_path) - 1);
    size_t job_len = strnlen_cap(info->job, sizeof(info->job) - 1);
    size_t msg_len = info->bad ? strnlen_cap(info->msg, sizeof(info->msg) - 1) : 0;
    uint32_t hlen = (uint32_t)(HEAD_FIXED + path_len + job_len + msg_len + 8);
    uint8_t *h = buf_room(b, hlen);
    const uint64_t *c = &info->counts.bytes;

    memset(h, 0, hlen);
    memcpy(h, head_magic, 8);
    le_put32(h + 8, PARTIAL_VERSION);
    le_put32(h + 12, hlen);
    le_put32(h + 16, info->state_version);
    le_put32(h + 20, HTAB_PART_BITS);
    le_put32(h + 24, (info->bad ? FLAG_BAD | (info->msg_after_path ? FLAG_PATH : 0) |
                                      (info->resumed ? FLAG_RESUMED : 0)
                                : 0) |
                         (info->any_order ? FLAG_ANY : 0) | (info->nmembers ? FLAG_ROLLUP : 0));
    /* h + 28: nblocks, filled in when known */
    memcpy(h + 32, info->job_fp, 16);
    le_put64(h + 48, info->src_size);
    le_put64(h + 56, (uint64_t)info->src_mtime_ns);
    le_put64(h + 64, info->src_ino);
    le_put64(h + 72, info->src_dev);
    le_put64(h + 80, (uint64_t)info->created_ns);
    le_put64(h + 88, groups);
    le_put64(h + 96, info->bad ? info->flows_kept : 0);
    for (int i = 0; i < 7; i++)
        le_put64(h + 104 + 8 * i, c[i]);
    h[160] = (uint8_t)path_len;
    h[161] = (uint8_t)(path_len >> 8);
    h[162] = (uint8_t)job_len;
    h[163] = (uint8_t)(job_len >> 8);
    h[164] = (uint8_t)msg_len;
    h[165] = (uint8_t)(msg_len >> 8);
    memcpy(h + HEAD_FIXED, info->src_path, path_len);
    memcpy(h + HEAD_FIXED + path_len, info->job, job_len);
    memcpy(h + HEAD_FIXED + path_len + job_len, info->msg, msg_len);
}

/*
 * Streaming: with `fd` >= 0, what `b` holds goes to fd at each block's end (the head and
 * members first) and `b` starts again, so a partial of any size needs one block's bytes
 * in memory; `*flushed` counts the bytes written. 0, or -code with `err` set.
 */
static int
flush(struct partial_buf *b, int fd, const char *name, uint64_t *flushed, struct err *err)
{
    int e;

    if (fd < 0)
        return 0;
    e = partial_write_all(fd, b->p, b->len);
    if (e != 0)
        return ERR_SET_ERRNO(err, e, "cannot write %s", name);
    *flushed += b->len;
    b->len = 0;
    return 0;
}

/* Encodes the file of the partitions p with p % mod == rem into `b`, or through it to `fd`
 * (flush()); with `lay`, records each group's place and checksum as it goes (lay->g is
 * the caller's to free, whatever the result). 0 or the save callback's -code. */
static int
encode(struct partial_buf *b, const struct partial_info *info, const struct htab *t,
       uint32_t val_len, partial_save_fn *save, const void *ctx, unsigned mod, unsigned rem, int fd,
       const char *name, uint64_t *flushed, struct partial_layout *lay, struct err *err)
{
    uint64_t sums[HTAB_PARTS + 1];
    uint32_t nblocks = 0, want_blocks = 0;
    struct sort_ent *ents = NULL;
    size_t cap_ents = 0;
    struct partial_buf state = {0};
    size_t hlen;
    int rc = 0;
    uint64_t groups = 0, msum = 0;

    *flushed = 0;
    for (unsigned p = 0; p < HTAB_PARTS; p++)
        if (p % mod == rem && htab_part_count(t, p) > 0) {
            groups += htab_part_count(t, p);
            want_blocks++;
        }
    /* The header is whole before any block (its block count is known here), so that it can
     * be written first. */
    put_head(b, info, groups);
    hlen = b->len;
    le_put32(b->p + 28, want_blocks);
    sums[0] = bulksum_xxh3(b->p, hlen - 8);
    le_put64(b->p + hlen - 8, sums[0]);
    if (lay != NULL) {
        partial_layout_fini(lay);
        lay->g = mem_alloc((groups ? groups : 1) * sizeof(*lay->g));
        lay->head_sum = sums[0];
    }
    if (info->nmembers > 0) { /* the members section: its checksum goes with the blocks' */
        size_t start = b->len;

        buf_room(b, MEMBERS_HEAD);
        for (uint32_t i = 0; i < info->nmembers; i++) {
            const struct partial_member *m = &info->members[i];
            size_t pl = strnlen_cap(m->path, PARTIAL_PATH_MAX - 1);
            size_t ml = m->bad && m->msg ? strnlen_cap(m->msg, ERR_MSG_LEN - 1) : 0;
            uint8_t *q = buf_room(b, MEMBER_FIXED);
            const uint64_t *c = &m->counts.bytes;

            le_put64(q, m->size);
            le_put64(q + 8, (uint64_t)m->mtime_ns);
            le_put64(q + 16, m->ino);
            le_put64(q + 24, m->dev);
            le_put64(q + 32, (uint64_t)m->examined_ns);
            for (int k = 0; k < 7; k++)
                le_put64(q + 40 + 8 * k, c[k]);
            le_put64(q + 96, m->bad ? m->flows_kept : 0);
            le_put32(q + 104, m->bad ? FLAG_BAD | (m->msg_after_path ? FLAG_PATH : 0) |
                                           (m->resumed ? FLAG_RESUMED : 0)
                                     : 0);
            q[108] = (uint8_t)pl;
            q[109] = (uint8_t)(pl >> 8);
            q[110] = (uint8_t)ml;
            q[111] = (uint8_t)(ml >> 8);
            partial_buf_put(b, m->path, pl);
            partial_buf_put(b, m->msg, ml);
        }
        le_put32(b->p + start, info->nmembers);
        le_put32(b->p + start + 4, 0);
        le_put64(b->p + start + 8, b->len - start - MEMBERS_HEAD);
        msum = bulksum_xxh3(b->p + start, b->len - start);
        le_put64(buf_room(b, 8), msum);
    }
    rc = flush(b, fd, name, flushed, err);
    for (unsigned p = 0; p < HTAB_PARTS && rc == 0; p++) {
        size_t n = htab_part_count(t, p), k = 0, cap = htab_part_cap(t, p);
        size_t start, payload;

        if (n == 0 || p % mod != rem)
            continue;
        if (n > cap_ents) {
            cap_ents = n;
            mem_free(ents);
            ents = mem_alloc(n * sizeof(*ents));
        }
        for (size_t i = 0; i < cap && k < n; i++) {
            const struct htab_entry *e = htab_part_slot(t, p, i);

            if (e == NULL)
                continue;
            ents[k].hash = e->hash;
            ents[k].key = htab_entry_key(e, (val_len + 7u) & ~7u);
            ents[k].key_len = e->key_len;
            ents[k].e = e;
            k++;
        }
        if (!info->any_order)
            qsort(ents, k, sizeof(*ents), sort_ent_cmp);
        start = b->len;
        buf_room(b, BLOCK_HEAD);
        for (size_t i = 0; i < k; i++) {
            state.len = 0;
            rc = save(ctx, htab_entry_val((struct htab_entry *)(uintptr_t)ents[i].e), &state, err);
            if (rc < 0)
                break;
            if (state.len > UINT32_MAX) {
                rc = ERR_SET(err, ERR_LIMIT, "a group's state of %zu bytes is too big to save",
                             state.len);
                break;
            }
            {
                /* room for the group at once: hash, two varints, key, state */
                uint8_t *q = buf_room(b, 8 + 10 + ents[i].key_len + state.len);
                uint8_t *q0 = q;

                le_put64(q, ents[i].hash);
                q += 8;
                q = put_varint_at(q, ents[i].key_len);
                q = put_varint_at(q, (uint32_t)state.len);
                memcpy(q, ents[i].key, ents[i].key_len);
                q += ents[i].key_len;
                if (state.len)
                    memcpy(q, state.p, state.len);
                q += state.len;
                b->len -= (size_t)(8 + 10 + ents[i].key_len + state.len) - (size_t)(q - q0);
                if (lay != NULL && lay->n < groups) { /* hashed while in the cache */
                    struct partial_group_at *g = &lay->g[lay->n++];

                    g->hash = ents[i].hash;
                    g->key = ents[i].key;
                    g->key_len = ents[i].key_len;
                    g->off = *flushed + (uint64_t)(q0 - b->p);
                    g->len = (uint64_t)(q - q0);
                    g->sum = bulksum_xxh3(q0, (size_t)(q - q0));
                }
            }
        }
        if (rc < 0)
            break;
        payload = b->len - start - BLOCK_HEAD;
        le_put32(b->p + start, p);
        le_put32(b->p + start + 4, 0);
        le_put64(b->p + start + 8, k);
        le_put64(b->p + start + 16, payload);
        sums[1 + nblocks] = bulksum_xxh3(b->p + start, b->len - start);
        le_put64(buf_room(b, 8), sums[1 + nblocks]);
        nblocks++;
        rc = flush(b, fd, name, flushed, err);
    }
    mem_free(ents);
    partial_buf_fini(&state);
    if (rc < 0)
        return rc;
    if (nblocks != want_blocks) /* the table changed under the writer */
        return ERR_SET(err, ERR_INTERNAL, "%u blocks written for %u", nblocks, want_blocks);
    {
        uint64_t off = *flushed + b->len;
        uint8_t *tr = buf_room(b, TRAILER_LEN);
        uint8_t tmp[8 * (HTAB_PARTS + 3)];
        size_t n = 0;

        memcpy(tr, tail_magic, 8);
        le_put64(tr + 8, off);
        le_put64(tmp + 8 * n++, sums[0]);
        if (info->nmembers > 0)
            le_put64(tmp + 8 * n++, msum);
        for (uint32_t i = 1; i <= nblocks; i++)
            le_put64(tmp + 8 * n++, sums[i]);
        le_put64(tmp + 8 * n++, off);
        le_put64(tr + 16, XXH3_64bits(tmp, 8 * n));
        if (lay != NULL) {
            lay->size = off + TRAILER_LEN;
            lay->members_sum = msum;
            lay->trailer_sum = le_get64(tr + 16);
        }
    }
    return flush(b, fd, name, flushed, err);
}

int
partial_encode(struct partial_buf *b, const struct partial_info *info, const struct htab *t,
               uint32_t val_len, partial_save_fn *save, const void *ctx, unsigned mod, unsigned rem,
               struct err *err)
{
    size_t start = b->len;
    struct partial_buf own = {0};
    uint64_t flushed;
    int rc;

    if (mod == 0 || rem >= mod)
        return ERR_SET(err, ERR_INTERNAL, "partition %u of every %u", rem, mod);
    /* encode() writes offsets from the start of its buffer: encode alone, then append. */
    rc = encode(&own, info, t, val_len, save, ctx, mod, rem, -1, NULL, &flushed, NULL, err);
    if (rc == 0) {
        if (start == 0 && b->p == NULL) {
            *b = own;
            return 0;
        }
        partial_buf_put(b, own.p, own.len);
    }
    partial_buf_fini(&own);
    return rc;
}

static atomic_uint tmp_counter;

int
partial_write_all(int fd, const uint8_t *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);

        if (w < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int64_t
partial_write(const char *path, const struct partial_info *info, const struct htab *t,
              uint32_t val_len, partial_save_fn *save, const void *ctx, struct err *err)
{
    return partial_write_at(path, info, t, val_len, save, ctx, NULL, err);
}

void
partial_layout_fini(struct partial_layout *lay)
{
    mem_free(lay->g);
    memset(lay, 0, sizeof(*lay));
}

int64_t
partial_write_at(const char *path, const struct partial_info *info, const struct htab *t,
                 uint32_t val_len, partial_save_fn *save, const void *ctx,
                 struct partial_layout *lay, struct err *err)
{
    struct partial_buf b = {0};
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    char *tmp;
    size_t tmp_cap;
    uint64_t written = 0;
    int fd, rc;

    if (strlen(info->src_path) >= PARTIAL_PATH_MAX - 1)
        return ERR_SET(err, ERR_LIMIT, "source path too long to keep in a partial");
    /* Same directory (rename is atomic only there), dot-prefixed, unique per process and call. */
    tmp_cap = strlen(path) + 64;
    tmp = mem_alloc(tmp_cap);
    snprintf(tmp, tmp_cap, "%.*s.tmp-%s.%ld.%u", (int)dir_len, path, path + dir_len, (long)getpid(),
             atomic_fetch_add(&tmp_counter, 1));
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        rc = ERR_SET_ERRNO(err, errno, "cannot create %s", tmp);
        goto out;
    }
    /* Written a block at a time (encode()): the whole file never sits in memory. */
    rc = encode(&b, info, t, val_len, save, ctx, 1, 0, fd, tmp, &written, lay, err);
    if (close(fd) != 0 && rc == 0)
        rc = ERR_SET_ERRNO(err, errno, "cannot write %s", tmp);
    if (rc < 0) {
        unlink(tmp);
        goto out;
    }
    if (rename(tmp, path) != 0) {
        rc = ERR_SET_ERRNO(err, errno, "cannot rename %s to %s", tmp, path);
        unlink(tmp);
        goto out;
    }
out:
    mem_free(tmp);
    partial_buf_fini(&b);
    return rc < 0 ? rc : (int64_t)written;
}

/* ---- reading ---- */

#define BAD(...) ERR_SET(err, ERR_FORMAT, __VA_ARGS__)

static void
copy_str(char *dst, size_t cap, const uint8_t *src, size_t len)
{
    if (len >= cap)
        len = cap - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

/* Checks a roll-up's members section at buf[p->first_block..len); moves first_block past it. */
static int
parse_members(struct partial *p, const uint8_t *buf, size_t len, unsigned flags, struct err *err)
{
    size_t off = p->first_block, end, slen = 0;
    uint32_t n;
    uint64_t entries;
    char *sp;

    if (len - off < MEMBERS_HEAD + 8)
        return BAD("cut short in the members section");
    n = le_get32(buf + off);
    entries = le_get64(buf + off + 8);
    if (n == 0 || n > PARTIAL_MEMBERS_MAX || le_get32(buf + off + 4) != 0)
        return BAD("members section: %u members out of range", n);
    if (entries > len - off - MEMBERS_HEAD - 8)
        return BAD("cut short in the members section (%llu bytes of entries)",
                   (unsigned long long)entries);
    end = off + MEMBERS_HEAD + (size_t)entries;
    if (!(flags & PARTIAL_LOAD_SKIP_SUMS) &&
        bulksum_xxh3(buf + off, MEMBERS_HEAD + (size_t)entries) != le_get64(buf + end))
        return BAD("members section: checksum mismatch");
    p->members = mem_calloc(n, sizeof(*p->members));
    p->strings = mem_alloc((size_t)entries + 2u * n + 1);
    sp = p->strings;
    off += MEMBERS_HEAD;
    for (uint32_t i = 0; i < n; i++) {
        struct partial_member *m = &p->members[i];
        uint64_t *c = &m->counts.bytes;
        uint32_t fl;
        size_t pl, ml;

        if (end - off < MEMBER_FIXED)
            return BAD("members section: member %u cut short", i);
        m->size = le_get64(buf + off);
        m->mtime_ns = (int64_t)le_get64(buf + off + 8);
        m->ino = le_get64(buf + off + 16);
        m->dev = le_get64(buf + off + 24);
        m->examined_ns = (int64_t)le_get64(buf + off + 32);
        for (int k = 0; k < 7; k++)
            c[k] = le_get64(buf + off + 40 + 8 * k);
        m->flows_kept = le_get64(buf + off + 96);
        fl = le_get32(buf + off + 104);
        pl = le_get16(buf + off + 108);
        ml = le_get16(buf + off + 110);
        if ((fl & ~(FLAG_BAD | FLAG_PATH | FLAG_RESUMED)) ||
            ((fl & (FLAG_PATH | FLAG_RESUMED)) && !(fl & FLAG_BAD)) ||
            (!(fl & FLAG_BAD) && m->flows_kept != 0))
            return BAD("members section: member %u: unknown flags 0x%x", i, fl);
        m->bad = (fl & FLAG_BAD) != 0;
        m->msg_after_path = (fl & FLAG_PATH) != 0;
        m->resumed = (fl & FLAG_RESUMED) != 0;
        if (pl == 0 || pl >= PARTIAL_PATH_MAX || ml >= ERR_MSG_LEN || (ml && !m->bad) ||
            end - off - MEMBER_FIXED < pl + ml)
            return BAD("members section: member %u: string lengths out of range", i);
        off += MEMBER_FIXED;
        if (memchr(buf + off, '\0', pl + ml) != NULL)
            return BAD("members section: member %u: a string holds a NUL byte", i);
        memcpy(sp, buf + off, pl);
        sp[pl] = '\0';
        m->path = sp;
        sp += pl + 1;
        memcpy(sp, buf + off + pl, ml);
        sp[ml] = '\0';
        m->msg = sp;
        sp += ml + 1;
        slen += pl + ml;
        off += pl + ml;
        if (i > 0 && strcmp(p->members[i - 1].path, m->path) >= 0)
            return BAD("members section: member %u: out of order or repeated", i);
    }
    if (off != end)
        return BAD("members section: %zu bytes left over", end - off);
    (void)slen;
    p->info.nmembers = n;
    p->info.members = p->members;
    p->members_sum = le_get64(buf + end);
    p->first_block = end + 8;
    return 0;
}

/* Checks the header in buf[0..len) and fills p->info. */
static int
parse_head(struct partial *p, const uint8_t *buf, size_t len, unsigned flags, struct err *err)
{
    struct partial_info *in = &p->info;
    uint32_t hlen, bits, fl;
    size_t path_len, job_len, msg_len;
    uint64_t *c = &in->counts.bytes;

    if (len < 16 || memcmp(buf, head_magic, 8) != 0)
        return BAD("not a flowsweep partial (%s)", len < 16 ? "too short" : "bad magic");
    in->version = le_get32(buf + 8);
    if (in->version != PARTIAL_VERSION)
        return BAD("format version %u, this flowsweep reads version %u", in->version,
                   PARTIAL_VERSION);
    hlen = le_get32(buf + 12);
    if (hlen < HEAD_FIXED + 8 || hlen > HEAD_MAX)
        return BAD("header length %u out of range", hlen);
    if (len < hlen)
        return BAD("cut short in the header (%zu of %u bytes)", len, hlen);
    if (!(flags & PARTIAL_LOAD_SKIP_SUMS) &&
        bulksum_xxh3(buf, hlen - 8) != le_get64(buf + hlen - 8))
        return BAD("header checksum mismatch");
    in->state_version = le_get32(buf + 16);
    bits = le_get32(buf + 20);
    if (bits != HTAB_PART_BITS)
        return BAD("%u partition bits, this flowsweep uses %u", bits, HTAB_PART_BITS);
    fl = le_get32(buf + 24);
    if ((fl & ~(FLAG_BAD | FLAG_PATH | FLAG_RESUMED | FLAG_ANY | FLAG_ROLLUP)) ||
        ((fl & (FLAG_PATH | FLAG_RESUMED)) && !(fl & FLAG_BAD)) ||
        ((fl & FLAG_ROLLUP) && (fl & FLAG_BAD)))
        return BAD("unknown flags 0x%x", fl);
    if ((fl & FLAG_ANY) && !(flags & PARTIAL_LOAD_ANY_ORDER))
        return BAD("groups in no order: a message between ranks, not a partial file");
    in->any_order = (fl & FLAG_ANY) != 0;
    in->bad = (fl & FLAG_BAD) != 0;
    in->msg_after_path = (fl & FLAG_PATH) != 0;
    in->resumed = (fl & FLAG_RESUMED) != 0;
    p->nblocks = le_get32(buf + 28);
    if (p->nblocks > HTAB_PARTS)
        return BAD("%u blocks for %u partitions", p->nblocks, HTAB_PARTS);
    memcpy(in->job_fp, buf + 32, 16);
    in->src_size = le_get64(buf + 48);
    in->src_mtime_ns = (int64_t)le_get64(buf + 56);
    in->src_ino = le_get64(buf + 64);
    in->src_dev = le_get64(buf + 72);
    in->created_ns = (int64_t)le_get64(buf + 80);
    in->groups = le_get64(buf + 88);
    in->flows_kept = le_get64(buf + 96);
    for (int i = 0; i < 7; i++)
        c[i] = le_get64(buf + 104 + 8 * i);
    path_len = le_get16(buf + 160);
    job_len = le_get16(buf + 162);
    msg_len = le_get16(buf + 164);
    if (le_get16(buf + 166) != 0)
        return BAD("reserved header bytes are not zero");
    if (path_len >= PARTIAL_PATH_MAX || job_len >= PARTIAL_JOB_MAX || msg_len >= ERR_MSG_LEN ||
        (msg_len && !in->bad))
        return BAD("header string lengths out of range");
    if (HEAD_FIXED + path_len + job_len + msg_len + 8 != hlen)
        return BAD("header length %u does not match its strings", hlen);
    copy_str(in->src_path, sizeof(in->src_path), buf + HEAD_FIXED, path_len);
    copy_str(in->job, sizeof(in->job), buf + HEAD_FIXED + path_len, job_len);
    copy_str(in->msg, sizeof(in->msg), buf + HEAD_FIXED + path_len + job_len, msg_len);
    if (memchr(buf + HEAD_FIXED, '\0', path_len + job_len + msg_len) != NULL)
        return BAD("a header string holds a NUL byte");
    p->first_block = hlen;
    p->hlen = hlen;
    if (fl & FLAG_ROLLUP)
        return parse_members(p, buf, len, flags, err);
    return 0;
}

/* Checks one block's payload: entries parse, sit in partition `part`, in canonical order
 * (unless `any_order`). */
static int
check_payload(const uint8_t *q, const uint8_t *end, unsigned part, uint64_t groups, int any_order,
              struct err *err)
{
    const uint8_t *prev_key = NULL;
    uint32_t prev_len = 0;
    uint64_t prev_hash = 0, n = 0;

    while (q < end) {
        uint32_t klen, slen;
        uint64_t hash;

        if (end - q < 8)
            return BAD("partition %u: group %llu: cut short", part, (unsigned long long)n);
        hash = le_get64(q);
        q += 8;
        if (get_varint(&q, end, &klen) < 0 || get_varint(&q, end, &slen) < 0)
            return BAD("partition %u: group %llu: bad length", part, (unsigned long long)n);
        if ((size_t)(end - q) < (size_t)klen + slen)
            return BAD("partition %u: group %llu: runs past its block", part,
                       (unsigned long long)n);
        if (htab_part_of(hash) != part)
            return BAD("partition %u: group %llu: its hash belongs to partition %u", part,
                       (unsigned long long)n, htab_part_of(hash));
        if (prev_key && !any_order &&
            partial_key_cmp(prev_hash, prev_key, prev_len, hash, q, klen) >= 0)
            return BAD("partition %u: group %llu: out of order or repeated", part,
                       (unsigned long long)n);
        prev_key = q;
        prev_len = klen;
        prev_hash = hash;
        q += (size_t)klen + slen;
        n++;
    }
    if (n != groups)
        return BAD("partition %u: %llu groups, its block says %llu", part, (unsigned long long)n,
                   (unsigned long long)groups);
    return 0;
}

int
partial_parse(uint8_t *buf, size_t len, unsigned flags, struct partial *p, struct err *err)
{
    uint64_t sums[HTAB_PARTS + 2];
    uint64_t groups = 0;
    size_t off;
    int have_part = 0;
    unsigned last_part = 0;
    int rc;

    memset(p, 0, sizeof(*p));
    p->buf = buf;
    p->len = len;
    rc = parse_head(p, buf, len, flags, err);
    if (rc < 0 || (flags & PARTIAL_LOAD_HEAD_ONLY))
        return rc;
    sums[0] = le_get64(buf + p->hlen - 8);
    off = p->first_block;
    for (uint32_t b = 0; b < p->nblocks; b++) {
        unsigned part;
        uint64_t n, payload;

        if (len - off < BLOCK_HEAD + 8)
            return BAD("cut short at block %u of %u", b, p->nblocks);
        part = le_get32(buf + off);
        n = le_get64(buf + off + 8);
        payload = le_get64(buf + off + 16);
        if (part >= HTAB_PARTS || (have_part && part <= last_part))
            return BAD("block %u: partition %u out of order", b, part);
        if (le_get32(buf + off + 4) != 0)
            return BAD("block %u: reserved bytes are not zero", b);
        if (payload > len - off - BLOCK_HEAD - 8)
            return BAD("cut short in block %u (partition %u)", b, part);
        if (n == 0)
            return BAD("block %u: empty partition %u written", b, part);
        sums[1 + b] = le_get64(buf + off + BLOCK_HEAD + payload);
        if (!(flags & PARTIAL_LOAD_SKIP_SUMS) &&
            bulksum_xxh3(buf + off, BLOCK_HEAD + payload) != sums[1 + b])
            return BAD("block %u (partition %u): checksum mismatch", b, part);
        rc = check_payload(buf + off + BLOCK_HEAD, buf + off + BLOCK_HEAD + payload, part, n,
                           p->info.any_order, err);
        if (rc < 0)
            return rc;
        groups += n;
        have_part = 1;
        last_part = part;
        off += BLOCK_HEAD + payload + 8;
    }
    if (groups != p->info.groups)
        return BAD("%llu groups in blocks, the header says %llu", (unsigned long long)groups,
                   (unsigned long long)p->info.groups);
    if (len - off < TRAILER_LEN)
        return BAD("cut short before the trailer");
    if (memcmp(buf + off, tail_magic, 8) != 0)
        return BAD("bad trailer magic");
    if (le_get64(buf + off + 8) != off || len - off != TRAILER_LEN)
        return BAD("length %zu, the trailer says %llu", len,
                   (unsigned long long)(le_get64(buf + off + 8) + TRAILER_LEN));
    {
        uint8_t tmp[8 * (HTAB_PARTS + 3)];
        size_t k = 0;

        le_put64(tmp + 8 * k++, sums[0]);
        if (p->info.nmembers > 0)
            le_put64(tmp + 8 * k++, p->members_sum);
        for (uint32_t i = 1; i <= p->nblocks; i++)
            le_put64(tmp + 8 * k++, sums[i]);
        le_put64(tmp + 8 * k++, off);
        if (!(flags & PARTIAL_LOAD_SKIP_SUMS) &&
            XXH3_64bits(tmp, 8 * k) != le_get64(buf + off + 16))
            return BAD("trailer checksum mismatch");
    }
    return 0;
}

/* Reads up to `want` bytes into buf[got..want). The new total, or -errno. */
static ssize_t
read_more(int fd, uint8_t *buf, size_t got, size_t want)
{
    while (got < want) {
        ssize_t r = read(fd, buf + got, want - got);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -errno;
        if (r == 0)
            break; /* shrank under us: the checks say what is missing */
        got += (size_t)r;
    }
    return (ssize_t)got;
}

int
partial_load(const char *path, unsigned flags, struct partial *p, struct err *err)
{
    struct stat st;
    uint8_t *buf;
    size_t len, want;
    ssize_t got;
    int fd;

    memset(p, 0, sizeof(*p));
    fd = open(path, O_RDONLY | O_CLOEXEC);
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
    want = len;
    if ((flags & PARTIAL_LOAD_HEAD_ONLY) && want > HEAD_MAX + MEMBERS_HEAD)
        want = HEAD_MAX + MEMBERS_HEAD;
    buf = mem_alloc(want + 1);
    got = read_more(fd, buf, 0, want);
    if (got >= 0 && want < len && (size_t)got == want && (le_get32(buf + 24) & FLAG_ROLLUP)) {
        /* a roll-up's head: its members section too */
        uint32_t hlen = le_get32(buf + 12);

        if (hlen <= HEAD_MAX && (size_t)hlen + MEMBERS_HEAD <= want) {
            uint64_t more = le_get64(buf + hlen + 8) + 8;
            size_t need =
                more <= len - hlen - MEMBERS_HEAD ? hlen + MEMBERS_HEAD + (size_t)more : len;

            if (need > want) {
                buf = mem_realloc(buf, need + 1);
                got = read_more(fd, buf, (size_t)got, need);
            }
        }
    }
    close(fd);
    if (got < 0) {
        mem_free(buf);
        return ERR_SET_ERRNO(err, (int)-got, "cannot read");
    }
    return partial_parse(buf, (size_t)got, flags, p, err);
}

int
partial_next(const struct partial *p, struct partial_cursor *c, struct partial_entry *e)
{
    const uint8_t *q;
    uint32_t klen, slen;

    while (c->off == c->end) {
        size_t off = c->off == 0 ? p->first_block : c->end + 8;

        if (c->block == p->nblocks)
            return 0;
        c->part = le_get32(p->buf + off);
        c->off = off + BLOCK_HEAD;
        c->end = c->off + le_get64(p->buf + off + 16);
        c->block++;
    }
    q = p->buf + c->off;
    e->rec_off = c->off;
    e->hash = le_get64(q);
    q += 8;
    (void)get_varint(&q, p->buf + c->end, &klen); /* checked by partial_parse() */
    (void)get_varint(&q, p->buf + c->end, &slen);
    e->part = c->part;
    e->key = q;
    e->key_len = klen;
    e->state = q + klen;
    e->state_len = slen;
    c->off = (size_t)(q + klen + slen - p->buf);
    e->rec_len = c->off - (size_t)e->rec_off;
    return 1;
}

void
partial_part_groups(const struct partial *p, size_t more[HTAB_PARTS])
{
    size_t off = p->first_block;

    for (uint32_t b = 0; b < p->nblocks; b++) {
        more[le_get32(p->buf + off)] += (size_t)le_get64(p->buf + off + 8);
        off += BLOCK_HEAD + le_get64(p->buf + off + 16) + 8;
    }
}

void
partial_layout_of(const struct partial *p, struct partial_layout *lay)
{
    struct partial_cursor c;
    struct partial_entry e;
    size_t cap = p->info.groups;

    memset(lay, 0, sizeof(*lay));
    lay->size = p->len;
    lay->head_sum = p->hlen >= 8 ? le_get64(p->buf + p->hlen - 8) : 0;
    lay->members_sum = p->members_sum;
    lay->trailer_sum = p->len >= 8 ? le_get64(p->buf + p->len - 8) : 0;
    lay->g = mem_alloc((cap ? cap : 1) * sizeof(*lay->g));
    memset(&c, 0, sizeof(c));
    while (lay->n < cap && partial_next(p, &c, &e)) {
        struct partial_group_at *g = &lay->g[lay->n++];

        g->hash = e.hash;
        g->key = e.key;
        g->key_len = e.key_len;
        g->off = e.rec_off;
        g->len = e.rec_len;
        g->sum = bulksum_xxh3(p->buf + e.rec_off, e.rec_len);
    }
}

int
partial_group_parse(const uint8_t *p, size_t len, struct partial_entry *e)
{
    const uint8_t *q = p + 8, *end = p + len;
    uint32_t klen, slen;

    memset(e, 0, sizeof(*e));
    if (len < 10 || get_varint(&q, end, &klen) < 0 || get_varint(&q, end, &slen) < 0 ||
        (size_t)(end - q) != (size_t)klen + slen)
        return -1;
    e->hash = le_get64(p);
    e->part = htab_part_of(e->hash);
    e->key = q;
    e->key_len = klen;
    e->state = q + klen;
    e->state_len = slen;
    e->rec_len = len;
    return 0;
}

void
partial_fini(struct partial *p)
{
    mem_free(p->buf);
    mem_free(p->members);
    mem_free(p->strings);
    p->buf = NULL;
    p->members = NULL;
    p->strings = NULL;
    p->info.members = NULL;
    p->info.nmembers = 0;
    p->len = 0;
}

/* ---- streaming ---- */

#define STREAM_BUF (256u << 10) /* bytes buffered before a write */

/* Writes buf[0..len) at the file's end. */
static int
stream_flush(struct partial_stream *w, struct err *err)
{
    int e;

    if (w->len == 0)
        return 0;
    e = partial_write_all(w->fd, w->buf, w->len);
    if (e != 0)
        return ERR_SET_ERRNO(err, e, "cannot write %s", w->name);
    w->off += w->len;
    w->len = 0;
    return 0;
}

static int
stream_put(struct partial_stream *w, const void *p, size_t n, struct err *err)
{
    /* an open block stays buffered while it fits, so that its checksum needs no reading back */
    size_t most = w->in_block && w->block_at >= w->off ? 4 * STREAM_BUF : STREAM_BUF;

    if (n == 0)
        return 0;
    if (w->len > 0 && w->len + n > most && stream_flush(w, err) < 0)
        return -ERR_IO;
    w->buf = mem_grow(w->buf, &w->cap, w->len + n, 4096);
    memcpy(w->buf + w->len, p, n);
    w->len += n;
    return 0;
}

/* pwrite() all of p[0..len) at `off`. 0 or errno. */
static int
pwrite_all(int fd, const uint8_t *p, size_t len, uint64_t off)
{
    while (len > 0) {
        ssize_t n = pwrite(fd, p, len, (off_t)off);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        p += n;
        len -= (size_t)n;
        off += (uint64_t)n;
    }
    return 0;
}

int
partial_stream_open(struct partial_stream *w, int fd, const char *name, const char *job,
                    struct err *err)
{
    struct partial_info *info = mem_calloc(1, sizeof(*info));
    struct partial_buf b = {0};
    int rc;

    memset(w, 0, sizeof(*w));
    w->fd = fd;
    w->name = name;
    snprintf(info->job, sizeof(info->job), "%s", job);
    put_head(&b, info, 0);
    mem_free(info);
    w->hlen = (uint32_t)b.len;
    rc = stream_put(w, b.p, b.len, err);
    partial_buf_fini(&b);
    return rc;
}

int
partial_stream_block(struct partial_stream *w, unsigned p, struct err *err)
{
    uint8_t head[BLOCK_HEAD] = {0};

    if (w->in_block || p >= HTAB_PARTS || (w->nblocks && p <= w->part))
        return ERR_SET(err, ERR_INTERNAL, "%s: partition %u out of order", w->name, p);
    w->block_at = w->off + w->len;
    w->block_groups = 0;
    w->part = p;
    if (stream_put(w, head, sizeof(head), err) < 0)
        return -ERR_IO;
    w->in_block = 1;
    return 0;
}

int
partial_stream_put(struct partial_stream *w, uint64_t hash, const uint8_t *key, uint32_t key_len,
                   const uint8_t *state, size_t state_len, struct err *err)
{
    uint8_t h[8 + 10];
    size_t n = 8;
    uint32_t v[2] = {key_len, (uint32_t)state_len};

    if (state_len > UINT32_MAX)
        return ERR_SET(err, ERR_LIMIT, "a group's state of %zu bytes is too big to save",
                       state_len);
    le_put64(h, hash);
    for (int i = 0; i < 2; i++) { /* LEB128, as put_varint() */
        uint32_t x = v[i];

        do {
            h[n] = (uint8_t)(x & 0x7f);
            x >>= 7;
            if (x)
                h[n] |= 0x80;
            n++;
        } while (x);
    }
    if (stream_put(w, h, n, err) < 0 || stream_put(w, key, key_len, err) < 0 ||
        stream_put(w, state, state_len, err) < 0)
        return -ERR_IO;
    w->block_groups++;
    return 0;
}

int
partial_stream_end(struct partial_stream *w, struct err *err)
{
    uint8_t head[BLOCK_HEAD];
    uint64_t payload, sum;
    uint8_t s8[8];

    if (!w->in_block)
        return 0;
    w->in_block = 0;
    if (w->block_groups == 0) { /* nothing put: drop the head */
        w->len -= BLOCK_HEAD;
        return 0;
    }
    payload = w->off + w->len - w->block_at - BLOCK_HEAD;
    le_put32(head, w->part);
    le_put32(head + 4, 0);
    le_put64(head + 8, w->block_groups);
    le_put64(head + 16, payload);
    if (w->block_at >= w->off) { /* the whole block is still in the buffer */
        memcpy(w->buf + (w->block_at - w->off), head, BLOCK_HEAD);
        sum = bulksum_xxh3(w->buf + (w->block_at - w->off), BLOCK_HEAD + payload);
    } else { /* written out in part: fix its head on disk, hash it back */
        XXH3_state_t *st = XXH3_createState();
        uint8_t *tmp;
        uint64_t at = w->block_at, end;
        int e;

        if (stream_flush(w, err) < 0) {
            XXH3_freeState(st);
            return -ERR_IO;
        }
        end = w->off;
        e = pwrite_all(w->fd, head, BLOCK_HEAD, at);
        if (e != 0) {
            XXH3_freeState(st);
            return ERR_SET_ERRNO(err, e, "cannot write %s", w->name);
        }
        tmp = mem_alloc(STREAM_BUF);
        XXH3_64bits_reset(st);
        while (at < end) {
            size_t n = end - at < STREAM_BUF ? (size_t)(end - at) : STREAM_BUF;
            ssize_t r = pread(w->fd, tmp, n, (off_t)at);

            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0) {
                e = r < 0 ? errno : EIO;
                mem_free(tmp);
                XXH3_freeState(st);
                return ERR_SET_ERRNO(err, e, "cannot read back %s", w->name);
            }
            XXH3_64bits_update(st, tmp, (size_t)r);
            at += (uint64_t)r;
        }
        sum = XXH3_64bits_digest(st);
        mem_free(tmp);
        XXH3_freeState(st);
    }
    le_put64(s8, sum);
    w->sums[1 + w->nblocks] = sum;
    w->at[w->part] = w->block_at;
    w->nblocks++;
    w->groups += w->block_groups;
    return stream_put(w, s8, 8, err);
}

int
partial_stream_close(struct partial_stream *w, struct err *err)
{
    uint8_t *h = mem_alloc(w->hlen);
    uint8_t tr[TRAILER_LEN], tmp[8 * (HTAB_PARTS + 2)];
    uint64_t off;
    int e;

    if (partial_stream_end(w, err) < 0 || stream_flush(w, err) < 0) {
        mem_free(h);
        return -ERR_IO;
    }
    /* the header, written when the file was opened: block count, groups, checksum */
    if (pread(w->fd, h, w->hlen, 0) != (ssize_t)w->hlen) {
        mem_free(h);
        return ERR_SET_ERRNO(err, errno ? errno : EIO, "cannot read back %s", w->name);
    }
    le_put32(h + 28, w->nblocks);
    le_put64(h + 88, w->groups);
    w->sums[0] = XXH3_64bits(h, w->hlen - 8);
    le_put64(h + w->hlen - 8, w->sums[0]);
    e = pwrite_all(w->fd, h, w->hlen, 0);
    mem_free(h);
    if (e != 0)
        return ERR_SET_ERRNO(err, e, "cannot write %s", w->name);
    off = w->off;
    memcpy(tr, tail_magic, 8);
    le_put64(tr + 8, off);
    for (uint32_t i = 0; i <= w->nblocks; i++)
        le_put64(tmp + 8 * i, w->sums[i]);
    le_put64(tmp + 8 * (w->nblocks + 1), off);
    le_put64(tr + 16, XXH3_64bits(tmp, 8 * ((size_t)w->nblocks + 2)));
    if (stream_put(w, tr, TRAILER_LEN, err) < 0 || stream_flush(w, err) < 0)
        return -ERR_IO;
    return 0;
}

uint64_t
partial_stream_bytes(const struct partial_stream *w)
{
    return w->off + w->len;
}

void
partial_stream_fini(struct partial_stream *w)
{
    mem_free(w->buf);
    w->buf = NULL;
    w->len = w->cap = 0;
}

/* Reads more of the block into the buffer so that at least `need` bytes are unparsed. */
static int
block_fill(struct partial_block_reader *r, size_t need, struct err *err)
{
    while (r->len - r->at < need) {
        uint64_t file_at = r->pos + r->len;
        size_t want;
        ssize_t n;

        if (r->at > 0) { /* move the unparsed bytes to the front */
            memmove(r->buf, r->buf + r->at, r->len - r->at);
            r->pos += r->at;
            r->len -= r->at;
            r->at = 0;
        }
        if (need > r->cap - r->len || r->cap - r->len < r->chunk)
            r->buf = mem_grow(r->buf, &r->cap, r->len + (need > r->chunk ? need : r->chunk), 4096);
        want = r->cap - r->len;
        if (want > r->end + 8 - file_at)
            want = (size_t)(r->end + 8 - file_at);
        if (want == 0)
            return ERR_SET(err, ERR_FORMAT, "%s: block of partition %u cut short", r->name,
                           r->part);
        n = pread(r->fd, r->buf + r->len, want, (off_t)file_at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return ERR_SET_ERRNO(err, errno, "cannot read %s", r->name);
        if (n == 0)
            return ERR_SET(err, ERR_FORMAT, "%s: cut short in partition %u", r->name, r->part);
        /* hash what lies in the block (not its trailing checksum) */
        if (file_at < r->end)
            XXH3_64bits_update(r->sum_state, r->buf + r->len,
                               (size_t)n < r->end - file_at ? (size_t)n
                                                            : (size_t)(r->end - file_at));
        r->len += (size_t)n;
    }
    return 0;
}

int
partial_block_open(struct partial_block_reader *r, int fd, const char *name, uint64_t at,
                   unsigned part, size_t chunk, struct err *err)
{
    uint8_t head[BLOCK_HEAD];
    ssize_t n;

    memset(r, 0, sizeof(*r));
    r->fd = fd;
    r->name = name;
    r->part = part;
    r->chunk = chunk < 4096 ? 4096 : chunk;
    do
        n = pread(fd, head, BLOCK_HEAD, (off_t)at);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return ERR_SET_ERRNO(err, errno, "cannot read %s", name);
    if (n != BLOCK_HEAD || le_get32(head) != part || le_get32(head + 4) != 0)
        return ERR_SET(err, ERR_FORMAT, "%s: no block of partition %u at offset %llu", name, part,
                       (unsigned long long)at);
    r->left = le_get64(head + 8);
    r->end = at + BLOCK_HEAD + le_get64(head + 16);
    r->pos = at + BLOCK_HEAD;
    r->sum_state = XXH3_createState();
    XXH3_64bits_reset(r->sum_state);
    XXH3_64bits_update(r->sum_state, head, BLOCK_HEAD);
    return 0;
}

int
partial_block_next(struct partial_block_reader *r, struct partial_entry *e, struct err *err)
{
    const uint8_t *q, *end;
    uint32_t klen, slen;
    uint64_t hash;
    size_t head;

    if (r->left == 0) {
        if (r->pos + r->at != r->end)
            return ERR_SET(err, ERR_FORMAT, "%s: partition %u: bytes after its last group", r->name,
                           r->part);
        if (block_fill(r, 8, err) < 0)
            return -(int)err->code;
        if (XXH3_64bits_digest(r->sum_state) != le_get64(r->buf + r->at))
            return ERR_SET(err, ERR_FORMAT, "%s: partition %u: checksum mismatch", r->name,
                           r->part);
        r->at += 8;
        return 0;
    }
    /* hash and both varints: at most 18 bytes, never past the block's end */
    head = r->end - (r->pos + r->at) < 18 ? (size_t)(r->end - (r->pos + r->at)) : 18;
    if (head < 10 || block_fill(r, head, err) < 0)
        return head < 10 ? ERR_SET(err, ERR_FORMAT, "%s: partition %u cut short", r->name, r->part)
                         : -(int)err->code;
    q = r->buf + r->at;
    end = q + head;
    hash = le_get64(q);
    q += 8;
    if (get_varint(&q, end, &klen) < 0 || get_varint(&q, end, &slen) < 0)
        return ERR_SET(err, ERR_FORMAT, "%s: partition %u: bad length", r->name, r->part);
    head = (size_t)(q - (r->buf + r->at));
    if ((uint64_t)head + klen + slen > r->end - (r->pos + r->at))
        return ERR_SET(err, ERR_FORMAT, "%s: partition %u: a group runs past its block", r->name,
                       r->part);
    if (block_fill(r, head + klen + slen, err) < 0)
        return -(int)err->code;
    q = r->buf + r->at + head;
    if (r->any_order) {
        /* a run of rows in the output's order (spill.c): neither partition nor key order */
    } else if (htab_part_of(hash) != r->part)
        return ERR_SET(err, ERR_FORMAT, "%s: partition %u: a group of partition %u", r->name,
                       r->part, htab_part_of(hash));
    else if (r->prev_key != NULL &&
             partial_key_cmp(r->prev_hash, r->prev_key, r->prev_len, hash, q, klen) >= 0)
        return ERR_SET(err, ERR_FORMAT, "%s: partition %u: groups out of order", r->name, r->part);
    if (klen > r->prev_cap || r->prev_key == NULL) {
        r->prev_cap = klen + 64;
        mem_free(r->prev_key);
        r->prev_key = mem_alloc(r->prev_cap);
    }
    memcpy(r->prev_key, q, klen);
    r->prev_len = klen;
    r->prev_hash = hash;
    e->part = r->part;
    e->hash = hash;
    e->key = q;
    e->key_len = klen;
    e->state = q + klen;
    e->state_len = slen;
    r->at += head + klen + slen;
    r->left--;
    return 1;
}

void
partial_block_fini(struct partial_block_reader *r)
{
    mem_free(r->buf);
    mem_free(r->prev_key);
    if (r->sum_state != NULL)
        XXH3_freeState(r->sum_state);
    memset(r, 0, sizeof(*r));
}
