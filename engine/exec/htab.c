/*
 * htab.c - see htab.h.
 *
 * Slots are (hash, entry pointer) pairs, so a probe compares 64-bit hashes in
 * the slot array and touches an entry only on a hash match. Linear probing,
 * power-of-two capacity, grown at 70% load. The arena hands out 8-byte aligned
 * pieces from chunks that double from 64 KiB to 4 MiB. Slot arrays and chunks
 * of 2 MiB and more are mapped in transparent huge pages (mem_big_zalloc()):
 * a table far larger than the caches takes a page fault and a TLB entry per
 * 2 MiB instead of per 4 KiB.
 */
#include "htab.h"

#include <stdatomic.h>
#include <string.h>

#include "mem.h"

static atomic_uint_fast64_t last_id; /* htab_id(): the last one handed out */

static uint64_t
next_id(void)
{
    return (uint64_t)atomic_fetch_add(&last_id, 1) + 1;
}

struct slot {
    uint64_t hash;
    struct htab_entry *e; /* NULL: empty */
};

struct part {
    struct slot *slots;
    uint32_t cap; /* power of two */
    uint32_t n;
};

struct chunk {
    struct chunk *next;
    size_t size; /* bytes after the header */
    size_t used;
};

struct htab {
    struct part parts[HTAB_PARTS];
    struct chunk *chunks; /* newest first */
    struct memacct *acct;
    uint32_t val_len;   /* multiple of 8 */
    size_t chunk_bytes; /* charged for arena chunks (slot arrays: from each part's cap) */
    size_t chunk_max;   /* largest arena chunk: CHUNK_MAX, less under a small budget */
    uint64_t id;        /* htab_id() */
};

#define PART_INIT_CAP 16u
#define CHUNK_MIN     (64u << 10)
#define CHUNK_MAX     (4u << 20)
#define CHUNK_FLOOR   (8u << 10)

/* A chunk of at most 1/64 of the budget, so that a table's growth steps stay small in it. */
static size_t
chunk_max_for(const struct memacct *a)
{
    size_t limit = 0, m;

    for (; a != NULL; a = a->parent)
        if (a->limit)
            limit = a->limit;
    if (limit == 0)
        return CHUNK_MAX;
    m = limit / 64;
    return m > CHUNK_MAX ? CHUNK_MAX : m < CHUNK_FLOOR ? CHUNK_FLOOR : m;
}

struct htab *
htab_create(uint32_t val_len, struct memacct *acct, struct err *err)
{
    struct htab *t = mem_calloc(1, sizeof(*t));
    size_t bytes = HTAB_PARTS * PART_INIT_CAP * sizeof(struct slot);

    t->acct = acct;
    t->id = next_id();
    t->val_len = (val_len + 7u) & ~7u;
    t->chunk_max = chunk_max_for(acct);
    if (memacct_charge(acct, bytes, err) < 0) {
        mem_free(t);
        return NULL;
    }
    for (unsigned p = 0; p < HTAB_PARTS; p++) {
        t->parts[p].slots = mem_big_zalloc(PART_INIT_CAP * sizeof(struct slot));
        t->parts[p].cap = PART_INIT_CAP;
    }
    return t;
}

void
htab_free_slots(struct htab *t)
{
    if (t == NULL)
        return;
    for (unsigned p = 0; p < HTAB_PARTS; p++) {
        memacct_release(t->acct, (size_t)t->parts[p].cap * sizeof(struct slot));
        mem_big_free(t->parts[p].slots, (size_t)t->parts[p].cap * sizeof(struct slot));
        t->parts[p].slots = NULL;
        t->parts[p].cap = 0;
        t->parts[p].n = 0;
    }
}

void
htab_destroy(struct htab *t)
{
    struct chunk *c;

    if (t == NULL)
        return;
    htab_free_slots(t);
    while ((c = t->chunks) != NULL) {
        t->chunks = c->next;
        mem_big_free(c, sizeof(*c) + c->size);
    }
    memacct_release(t->acct, t->chunk_bytes);
    mem_free(t);
}

static void *
arena_alloc(struct htab *t, size_t n, struct err *err)
{
    struct chunk *c = t->chunks;

    n = (n + 7u) & ~(size_t)7u;
    if (c == NULL || c->size - c->used < n) {
        size_t size = c == NULL ? CHUNK_MIN : c->size * 2;

        if (size > t->chunk_max)
            size = t->chunk_max;
        if (size < n)
            size = n;
        if (memacct_charge(t->acct, size + sizeof(*c), err) < 0)
            return NULL;
        t->chunk_bytes += size + sizeof(*c);
        c = mem_big_zalloc(sizeof(*c) + size);
        c->size = size;
        c->used = 0;
        c->next = t->chunks;
        t->chunks = c;
    }
    void *p = (uint8_t *)(c + 1) + c->used;
    c->used += n;
    return p;
}

static int
part_resize(struct htab *t, struct part *pt, uint32_t cap, struct err *err)
{
    size_t add = (size_t)(cap - pt->cap) * sizeof(struct slot);
    struct slot *slots;

    /* Only this part's fields change here: merge.c grows parts of one table from several threads.
     */
    if (memacct_charge(t->acct, add, err) < 0)
        return -ERR_LIMIT;
    slots = mem_big_zalloc((size_t)cap * sizeof(*slots));
    for (uint32_t i = 0; i < pt->cap; i++) {
        const struct slot *s = &pt->slots[i];

        if (s->e != NULL) {
            uint32_t j = (uint32_t)s->hash & (cap - 1);

            while (slots[j].e != NULL)
                j = (j + 1) & (cap - 1);
            slots[j] = *s;
        }
    }
    mem_big_free(pt->slots, (size_t)pt->cap * sizeof(*slots));
    pt->slots = slots;
    pt->cap = cap;
    return 0;
}

static int
part_grow(struct htab *t, struct part *pt, struct err *err)
{
    return part_resize(t, pt, pt->cap * 2, err);
}

/* Sub-table capacity at most 2^31 slots (uint32_t), as growth one doubling at a time allows. */
#define PART_CAP_MAX ((uint32_t)1 << 31)

int
htab_part_reserve(struct htab *t, unsigned p, size_t n, struct err *err)
{
    struct part *pt = &t->parts[p];
    uint32_t cap = pt->cap;

    /* part_full()'s test: the n-th entry goes in without growth when n * 10 <= cap * 7 */
    while ((uint64_t)n * 10 > (uint64_t)cap * 7 && cap < PART_CAP_MAX)
        cap *= 2;
    if (cap == pt->cap)
        return 0;
    return part_resize(t, pt, cap, err);
}

void
htab_prefetch(const struct htab *t, uint64_t hash)
{
    const struct part *pt = &t->parts[htab_part_of(hash)];

    __builtin_prefetch(&pt->slots[(uint32_t)hash & (pt->cap - 1)]);
}

struct htab_entry *
htab_peek(const struct htab *t, uint64_t hash)
{
    const struct part *pt = &t->parts[htab_part_of(hash)];
    const struct slot *s = &pt->slots[(uint32_t)hash & (pt->cap - 1)];

    return s->e != NULL && s->hash == hash ? s->e : NULL;
}

void
htab_prefetch_entry(const struct htab *t, uint64_t hash)
{
    const struct htab_entry *e = htab_peek(t, hash);

    if (e != NULL) {
        __builtin_prefetch(e);
        __builtin_prefetch((const uint8_t *)e + 64);
    }
}

/* The slot holding `key`, or the empty slot where it would go. */
static struct slot *
probe(const struct htab *t, const struct part *pt, const uint8_t *key, uint32_t key_len,
      uint64_t hash)
{
    uint32_t i = (uint32_t)hash & (pt->cap - 1);

    for (;;) {
        struct slot *s = &pt->slots[i];

        if (s->e == NULL)
            return s;
        if (s->hash == hash && s->e->key_len == key_len &&
            memcmp(htab_entry_key(s->e, t->val_len), key, key_len) == 0)
            return s;
        i = (i + 1) & (pt->cap - 1);
    }
}

/* probe() for the key of entry `e` of another table, its hash `hash`: `e` read only on a hash match
 */
static struct slot *
probe_entry(const struct htab *t, const struct part *pt, const struct htab_entry *e, uint64_t hash)
{
    uint32_t i = (uint32_t)hash & (pt->cap - 1);

    for (;;) {
        struct slot *s = &pt->slots[i];

        if (s->e == NULL)
            return s;
        if (s->hash == hash && s->e->key_len == e->key_len &&
            memcmp(htab_entry_key(s->e, t->val_len), htab_entry_key(e, t->val_len), e->key_len) ==
                0)
            return s;
        i = (i + 1) & (pt->cap - 1);
    }
}

/* Whether one more entry passes the 70% load of sub-table pt: it grows first. */
static int
part_full(const struct part *pt)
{
    return (uint64_t)(pt->n + 1) * 10 > (uint64_t)pt->cap * 7;
}

struct htab_entry *
htab_upsert(struct htab *t, const uint8_t *key, uint32_t key_len, uint64_t hash, int *is_new,
            struct err *err)
{
    struct part *pt = &t->parts[htab_part_of(hash)];
    struct slot *s = probe(t, pt, key, key_len, hash);
    struct htab_entry *e;

    if (s->e != NULL) {
        *is_new = 0;
        return s->e;
    }
    if (part_full(pt)) { /* grown: the slot moved */
        if (part_grow(t, pt, err) < 0)
            return NULL;
        s = probe(t, pt, key, key_len, hash);
    }
    e = arena_alloc(t, sizeof(*e) + t->val_len + key_len, err);
    if (e == NULL)
        return NULL;
    e->hash = hash;
    e->key_len = key_len;
    e->pad = 0;
    memset(htab_entry_val(e), 0, t->val_len);
    memcpy(htab_entry_val(e) + t->val_len, key, key_len);
    s->hash = hash;
    s->e = e;
    pt->n++;
    *is_new = 1;
    return e;
}

struct htab_entry *
htab_part_link(struct htab *t, unsigned p, struct htab_entry *e, uint64_t hash, int *linked,
               struct err *err)
{
    struct part *pt = &t->parts[p];
    struct slot *s = probe_entry(t, pt, e, hash);

    if (s->e != NULL) {
        *linked = 0;
        return s->e;
    }
    if (part_full(pt)) { /* grown: the slot moved */
        if (part_grow(t, pt, err) < 0)
            return NULL;
        s = probe_entry(t, pt, e, hash);
    }
    s->hash = hash;
    s->e = e;
    pt->n++;
    *linked = 1;
    return e;
}

struct htab_entry *
htab_part_find(const struct htab *t, unsigned p, const struct htab_entry *e, uint64_t hash)
{
    return probe_entry(t, &t->parts[p], e, hash)->e;
}

void
htab_part_drop(struct htab *t, unsigned p, size_t i)
{
    struct part *pt = &t->parts[p];

    if (pt->slots[i].e != NULL) {
        pt->slots[i].e = NULL;
        pt->n--;
    }
}

size_t
htab_part_cap(const struct htab *t, unsigned p)
{
    return t->parts[p].cap;
}

struct htab_entry *
htab_part_slot(const struct htab *t, unsigned p, size_t i)
{
    return t->parts[p].slots[i].e;
}

#define EACH_AHEAD 8 /* slots: entries loaded ahead of the one being visited */

void
htab_part_each(const struct htab *t, unsigned p, void (*fn)(struct htab_entry *e, void *ctx),
               void *ctx)
{
    const struct part *pt = &t->parts[p];

    for (uint32_t i = 0; i < pt->cap; i++) {
        if (i + EACH_AHEAD < pt->cap && pt->slots[i + EACH_AHEAD].e != NULL) {
            __builtin_prefetch(pt->slots[i + EACH_AHEAD].e);
            __builtin_prefetch((const uint8_t *)pt->slots[i + EACH_AHEAD].e + 64);
        }
        if (pt->slots[i].e != NULL)
            fn(pt->slots[i].e, ctx);
    }
}

uint64_t
htab_part_slot_hash(const struct htab *t, unsigned p, size_t i)
{
    return t->parts[p].slots[i].hash;
}

size_t
htab_part_count(const struct htab *t, unsigned p)
{
    return t->parts[p].n;
}

void
htab_part_clear(struct htab *t, unsigned p)
{
    struct part *pt = &t->parts[p];

    memset(pt->slots, 0, (size_t)pt->cap * sizeof(*pt->slots));
    pt->n = 0;
    t->id = next_id(); /* its groups are gone: entries remembered of it are no longer its */
}

uint64_t
htab_id(const struct htab *t)
{
    return t->id;
}

size_t
htab_count(const struct htab *t)
{
    size_t n = 0;

    for (unsigned p = 0; p < HTAB_PARTS; p++)
        n += t->parts[p].n;
    return n;
}
