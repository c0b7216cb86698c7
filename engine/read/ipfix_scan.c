/*
 * ipfix_scan.c - see ipfix_scan.h.
 *
 * The walk follows libfixbuf 2.4.1's decoder (fbuf.c) rule for rule:
 *   - a set is a header plus records while at least the template's minimum
 *     record length (fixed lengths + 1 per varlen field) remains; the rest is
 *     padding;
 *   - a varlen field is a 1-byte length, or 255 and a 2-byte length;
 *   - a subTemplateList is semantic(1) tid(2) records; a subTemplateMultiList
 *     is semantic(1) then entries tid(2) length(2, including those 4 bytes);
 *   - a list whose template is unknown or not paired is skipped unread.
 * Every length is checked against the enclosing structure (record, list, set,
 * message); libfixbuf checks only some of them.
 */
#include "ipfix_scan.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ipfix_fast.h"
#include "mem.h"

#define MAX_DEPTH 4 /* list nesting the reader ever needs is 3 (STML, wrapper, STL) */

/* ------------------------------------------------------------------------ */
/* Mirrored template state                                                   */

struct vtmpl {
    struct ipfix_field *f;   /* fields in wire order; NULL when undefined */
    uint32_t n;              /* fields */
    uint32_t min_len;        /* libfixbuf's minimum record length */
    uint32_t first_var;      /* index of the first varlen field, n if none */
    uint32_t prefix_len;     /* bytes of the fixed fields before it */
    struct ipfix_plan plan;  /* the fast decoder's view of the record */
    int16_t stml_idx;        /* index of the first 0/293 field, -1 if none */
    int16_t dpi_idx;         /* index of the first 6871/432 field, -1 if none */
    uint32_t nvar;           /* varlen fields; the skeleton follows f[] (skel(), vkind()) */
    int stml_only;           /* a YAF 2 flow: fixed fields, the STML, fixed fields (fast_flow1()) */
    struct ipfix_tclass cls; /* classification */
    uint32_t scope;          /* scope field count (options template), 0 for a template */
};

struct vdomain {
    uint32_t id;              /* observation domain */
    struct vtmpl **page[256]; /* templates by ID: *page[tid >> 8][tid & 255], NULL if none */
    uint8_t used[256];        /* which pages are allocated (their tid >> 8), in order */
    uint32_t nused;           /* entries in used */
    uint16_t *tids;           /* IDs of the templates stored (each once; kept between files) */
    uint32_t ntids, cap_tids; /* used, allocated */
    struct vdomain *next;     /* other domains seen in this file */
};

/* What a template costs here (and, with --decoder fixbuf, in libfixbuf): see define(). */
#define PAGE_BYTES (256 * sizeof(struct vtmpl *))

/*
 * Templates of earlier files kept for reuse (struct ipfix_scan.pool): a
 * repository of small files defines the same few templates in each file, and
 * building one (classify, plan, compile) costs more than reading its records
 * in a file of a few dozen flows. A template is a function of its fields and
 * scope alone, so one defined again with the same fields is taken back whole.
 * At most POOL_TMPLS of at most POOL_FIELDS fields each: a few hundred KiB.
 */
#define POOL_TMPLS  64
#define POOL_FIELDS 64

/* A set of the message being scanned and how much of it survives. */
struct vset {
    size_t at;   /* offset in the message */
    size_t len;  /* set length on the wire */
    size_t keep; /* bytes kept: len, a prefix >= 4, or 0 (dropped) */
};

struct ipfix_scan {
    struct vdomain *domains; /* all domains of the file */
    struct vdomain *spare;   /* domains of earlier files, pages kept, templates cleared */
    uint32_t ndomains;       /* entries in domains, <= IPFIX_MAX_DOMAINS */
    struct vdomain *cur;     /* domain of the current message */
    size_t tmpl_bytes; /* template state of this file (define()), <= IPFIX_MAX_TEMPLATE_BYTES */
    /* list templates of the current message, the first use of each (ipfix_scan_result) */
    uint16_t *list_tid;             /* external template IDs, in first-use order */
    uint8_t *list_pair;             /* enum ipfix_pair of each in the message's domain then */
    size_t nlist, cap_list;         /* used, allocated */
    uint64_t list_seen[65536 / 64]; /* bit per template ID: in list_tid already */
    struct vset *sets;              /* sets of the current message */
    size_t nsets, cap_sets;         /* used, allocated */
    uint8_t *out;                   /* repaired copy of the message */
    size_t cap_out;                 /* bytes allocated in out */
    /* the visitor, and varlen value positions by list depth for the records it is shown */
    struct ipfix_visitor vis;
    int visiting;
    int leaves; /* the fast walk notes where DNS records are (vis.dns) */
    const uint8_t **vs[MAX_DEPTH + 1];
    uint16_t *vl[MAX_DEPTH + 1];
    uint32_t cap_fields; /* entries in each vs[] and vl[] */
    uint32_t ndns;       /* DNS records the top-level record being walked yields */
    struct leaf *leaf;   /* where they are (ipfix_scan_flow_rrs()) */
    uint32_t cap_leaf;
    /* per message */
    const uint8_t *msg;             /* message being scanned */
    uint64_t off;                   /* its file offset */
    struct ipfix_scan_result *res;  /* where findings go */
    struct vtmpl *pool[POOL_TMPLS]; /* retired templates (not the file's state), for define() */
    uint32_t npool;                 /* entries in pool */
};

/*
 * A DNS record a flow yields, found by the walk (the flow's s->ndns of them in
 * s->leaf), with where its first LEAF_VARS varlen values are.
 */
#define LEAF_VARS 4
struct leaf {
    const uint8_t *p;
    const struct vtmpl *t;
    size_t len;
    const uint8_t *vs[LEAF_VARS];
    uint16_t vl[LEAF_VARS];
};

enum walk_ctx {
    CTX_LEAF, /* no list decoded (DNS records, non-flow top-level records) */
    CTX_FLOW, /* top-level flow: 0/293 and 6871/432 decoded */
    CTX_WRAP  /* wrapper: its one 0/292 list decoded */
};

struct ipfix_scan *
ipfix_scan_create(void)
{
    return mem_calloc(1, sizeof(struct ipfix_scan));
}

/* tmpl_cost() - what a template of `n` fields is charged: ours and libfixbuf's (ipfix_scan.h). */
static size_t
tmpl_cost(uint32_t n)
{
    return sizeof(struct vtmpl) + IPFIX_FIXBUF_TMPL_COST +
           n * (sizeof(struct ipfix_field) + IPFIX_FIXBUF_FIELD_COST);
}

/* tmpl_destroy() - frees template `t`. */
static void
tmpl_destroy(struct vtmpl *t)
{
    mem_free(t->f);
    mem_free(t);
}

/*
 * tmpl_free() - retires template `t` (NULL: no-op) and returns its cost to the file's count:
 * into the pool for a later define() of the same fields, else freed.
 */
static void
tmpl_free(struct ipfix_scan *s, struct vtmpl *t)
{
    if (!t)
        return;
    s->tmpl_bytes -= tmpl_cost(t->n);
    if (t->n <= POOL_FIELDS && s->npool < POOL_TMPLS)
        s->pool[s->npool++] = t;
    else
        tmpl_destroy(t);
}

void
ipfix_scan_visit(struct ipfix_scan *s, const struct ipfix_visitor *v)
{
    s->visiting = v != NULL;
    s->leaves = !v || v->dns;
    if (v)
        s->vis = *v;
}

/* domain_clear() - forgets the templates and pages of `d`. */
static void
domain_clear(struct ipfix_scan *s, struct vdomain *d)
{
    /* the templates and pages in use, not all 65536 slots */
    for (uint32_t i = 0; i < d->ntids; i++) {
        struct vtmpl **slot = &d->page[d->tids[i] >> 8][d->tids[i] & 255];

        tmpl_free(s, *slot);
        *slot = NULL;
    }
    d->ntids = 0;
    for (uint32_t u = 0; u < d->nused; u++) {
        size_t p = d->used[u];

        mem_free(d->page[p]);
        d->page[p] = NULL;
        s->tmpl_bytes -= PAGE_BYTES;
    }
    d->nused = 0;
}

static void
domains_free(struct ipfix_scan *s, struct vdomain *d)
{
    for (struct vdomain *next; d; d = next) {
        next = d->next;
        domain_clear(s, d);
        mem_free(d->tids);
        mem_free(d);
    }
}

void
ipfix_scan_reset(struct ipfix_scan *s)
{
    for (struct vdomain *d = s->domains, *next; d; d = next) {
        next = d->next;
        domain_clear(s, d);
        d->next = s->spare;
        s->spare = d;
    }
    s->domains = NULL;
    s->cur = NULL;
    s->ndomains = 0;
    s->tmpl_bytes = 0;
    s->visiting = 0;
}

void
ipfix_scan_destroy(struct ipfix_scan *s)
{
    if (!s)
        return;
    domains_free(s, s->domains);
    domains_free(s, s->spare);
    for (uint32_t i = 0; i < s->npool; i++)
        tmpl_destroy(s->pool[i]);
    mem_free(s->list_tid);
    mem_free(s->list_pair);
    for (size_t d = 0; d <= MAX_DEPTH; d++) {
        mem_free(s->vs[d]);
        mem_free(s->vl[d]);
    }
    mem_free(s->sets);
    mem_free(s->out);
    mem_free(s->leaf);
    mem_free(s);
}

static struct vdomain *
domain_get(struct ipfix_scan *s, uint32_t id)
{
    struct vdomain *d;

    if (s->cur && s->cur->id == id)
        return s->cur;
    for (d = s->domains; d; d = d->next)
        if (d->id == id)
            return d;
    if (s->ndomains == IPFIX_MAX_DOMAINS)
        return NULL;
    s->ndomains++;
    if (s->spare) { /* an earlier file's, already cleared */
        d = s->spare;
        s->spare = d->next;
    } else {
        d = mem_calloc(1, sizeof(*d));
    }
    d->id = id;
    d->next = s->domains;
    s->domains = d;
    return d;
}

static const struct vtmpl *
tmpl_get(const struct ipfix_scan *s, uint16_t tid)
{
    struct vtmpl *const *page = s->cur->page[tid >> 8];

    return page ? page[tid & 255] : NULL;
}

/* tmpl_slot() - where template `tid` of the current domain is kept (its page made if need be). */
static struct vtmpl **
tmpl_slot(struct ipfix_scan *s, uint16_t tid)
{
    struct vtmpl ***page = &s->cur->page[tid >> 8];

    if (!*page) {
        *page = mem_calloc(256, sizeof(struct vtmpl *));
        s->tmpl_bytes += PAGE_BYTES;
        s->cur->used[s->cur->nused++] = (uint8_t)(tid >> 8);
    }
    return &(*page)[tid & 255];
}

static uint16_t
rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * The skeleton of a template, kept after its fields (one allocation): skel[k]
 * bytes of fixed fields before varlen field k, skel[nvar] after the last one;
 * vkind[k] what varlen field k is when walked (enum vkind).
 */
enum vkind {
    VK_STML = 1u << 0, /* the first 0/293: walked in a top-level flow */
    VK_DPI = 1u << 1,  /* the first 6871/432: walked in a top-level flow */
    VK_WRAP = 1u << 2  /* field 0, ID 292: walked in a wrapper */
};

static inline const uint32_t *
skel(const struct vtmpl *t)
{
    return (const uint32_t *)(const void *)(t->f + t->n);
}

static inline const uint8_t *
vkind(const struct vtmpl *t)
{
    return (const uint8_t *)(skel(t) + t->nvar + 1);
}

static void
wr16(uint8_t *p, size_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* damage() - records a problem at `at` (inside the message); the first one wins. */
__attribute__((format(printf, 3, 4))) static void
damage(struct ipfix_scan *s, const uint8_t *at, const char *fmt, ...)
{
    struct ipfix_scan_result *res = s->res;
    va_list ap;

    if (res->damaged++)
        return;
    res->damage_off = s->off + (uint64_t)(at - s->msg);
    va_start(ap, fmt);
    vsnprintf(res->damage_what, sizeof(res->damage_what), fmt, ap);
    va_end(ap);
}

/*
 * Which DNS records a list yields (what ipfix_read.c's to_flow() collects
 * from libfixbuf's decoding): DNS records directly in the STML or the
 * yafDPIList, and those in the list of a wrapper that is itself an STML entry.
 */
enum collect {
    COLLECT_DNS = 1u << 0, /* DNS records of this list are yielded */
    COLLECT_WRAP = 1u << 1 /* wrappers of this list yield their list's DNS records */
};

/* leaf_add() - DNS record `p` of template `t` is the next the flow yields; fill it in. */
static inline struct leaf *
leaf_add(struct ipfix_scan *s, const struct vtmpl *t, const uint8_t *p)
{
    struct leaf *l;

    if (s->ndns == s->cap_leaf) {
        s->cap_leaf = s->cap_leaf ? 2 * s->cap_leaf : 64;
        s->leaf = mem_realloc(s->leaf, s->cap_leaf * sizeof(*s->leaf));
    }
    l = &s->leaf[s->ndns++];
    l->p = p;
    l->t = t;
    return l;
}

static int walk_stl(struct ipfix_scan *s, const uint8_t *p, size_t len, int depth,
                    unsigned collect);
static int walk_stml(struct ipfix_scan *s, const uint8_t *p, size_t len, int depth);

/*
 * walk_record() - one record of `t` at `p`, which must end by `end`. Returns
 * its length, or 0 after damage() (a record is never 0 bytes: min_len > 0).
 * The value positions of fields from the first varlen one on go to
 * s->at[depth] and s->alen[depth], for the visitor.
 */
static size_t
walk_record(struct ipfix_scan *s, const struct vtmpl *t, uint16_t tid, const uint8_t *p,
            const uint8_t *end, enum walk_ctx ctx, int depth, unsigned collect)
{
    const uint8_t **vs = s->vs[depth];
    uint16_t *vlen = s->vl[depth];
    const uint8_t *q = p;
    uint32_t i = 0, k = 0;

    /* the fixed prefix at once; when it does not fit, the loop says where it breaks */
    if ((size_t)(end - p) >= t->prefix_len) {
        q = p + t->prefix_len;
        i = t->first_var;
    }
    for (; i < t->n; i++) {
        uint16_t flen = t->f[i].len;
        const uint8_t *lenp = q;
        size_t vl;

        if (flen != IPFIX_VARLEN) {
            if ((size_t)(end - q) < flen) {
                damage(s, p, "record of template %u needs %zu more bytes than its %s holds", tid,
                       flen - (size_t)(end - q), depth ? "list" : "set");
                return 0;
            }
            q += flen;
            continue;
        }
        if (q >= end || (*q == 255 && end - q < 3)) {
            damage(s, p, "record of template %u is cut inside a varlen length", tid);
            return 0;
        }
        vl = *q++;
        if (vl == 255) {
            vl = rd16(q);
            q += 2;
        }
        if ((size_t)(end - q) < vl) {
            damage(s, lenp, "varlen/list length %zu of element %u/%u exceeds its %s by %zu bytes",
                   vl, t->f[i].ent, t->f[i].id, depth ? "list" : "set", vl - (size_t)(end - q));
            return 0;
        }
        vs[k] = q;
        vlen[k++] = (uint16_t)vl;
        if (ctx == CTX_FLOW && (int32_t)i == t->stml_idx) {
            if (walk_stml(s, q, vl, depth + 1))
                return 0;
        } else if (ctx == CTX_WRAP && i == 0 && t->f[0].id == 292) {
            if (walk_stl(s, q, vl, depth + 1, (collect & COLLECT_WRAP) ? COLLECT_DNS : 0))
                return 0;
        } else if (ctx == CTX_FLOW && (int32_t)i == t->dpi_idx) {
            if (walk_stl(s, q, vl, depth + 1, COLLECT_DNS))
                return 0;
        }
        q += vl;
    }
    return (size_t)(q - p);
}

/* visit_rec() - fills `r` for a record of `t` walked at `depth`. */
static void
visit_rec(const struct ipfix_scan *s, const struct vtmpl *t, const uint8_t *p, int depth,
          struct ipfix_rec *r)
{
    r->p = p;
    r->vs = s->vs[depth];
    r->vl = s->vl[depth];
    r->plan = &t->plan;
    r->tmpl = t;
    r->flow_flags = t->cls.flow_flags;
    r->export_s = rd32(s->msg + 4);
    r->ndns = 0;
}

/* list_use() - notes the first use in this message of list template `tid`, with its pair. */
static void
list_use(struct ipfix_scan *s, uint16_t tid, uint8_t pair)
{
    uint64_t bit = (uint64_t)1 << (tid & 63);

    if (s->list_seen[tid >> 6] & bit)
        return;
    s->list_seen[tid >> 6] |= bit;
    if (s->nlist == s->cap_list) {
        s->cap_list = s->cap_list ? 2 * s->cap_list : 64;
        s->list_tid = mem_realloc(s->list_tid, s->cap_list * sizeof(*s->list_tid));
        s->list_pair = mem_realloc(s->list_pair, s->cap_list * sizeof(*s->list_pair));
    }
    s->list_tid[s->nlist] = tid;
    s->list_pair[s->nlist++] = pair;
}

/* walk_records() - the records of a list entry of template `tid`; 0 ok, -1 damage. */
static int
walk_records(struct ipfix_scan *s, uint16_t tid, const uint8_t *p, const uint8_t *end, int depth,
             unsigned collect)
{
    const struct vtmpl *t = tmpl_get(s, tid);
    enum walk_ctx ctx;

    if (!t)
        return 0; /* libfixbuf skips lists whose template is unknown */
    /*
     * How a list is decoded depends on its template in this message's domain
     * (the template's own class), never on a template of the same ID in
     * another domain; the reader gives libfixbuf's session-wide pair table
     * these pairs before it decodes the message (ipfix_scan_result.list_tid).
     */
    if (!s->visiting) /* only libfixbuf's decoding reads them (ipfix_scan_result.list_tid) */
        list_use(s, tid, t->cls.pair);
    if (t->cls.pair == IPFIX_PAIR_NONE)
        return 0; /* not decoded: libfixbuf skips unpaired lists */
    if (depth > MAX_DEPTH) {
        damage(s, p, "lists nested deeper than %d levels", MAX_DEPTH);
        return -1;
    }
    ctx = t->cls.pair == IPFIX_PAIR_WRAP ? CTX_WRAP : CTX_LEAF;
    for (uint32_t count = 0; p < end; count++) {
        size_t n;

        if (count == IPFIX_LIST_MAX_RECORDS) {
            damage(s, p, "list of template %u has more than %d records (libfixbuf's limit)", tid,
                   IPFIX_LIST_MAX_RECORDS);
            return -1;
        }
        n = walk_record(s, t, tid, p, end, ctx, depth, collect);
        if (!n)
            return -1;
        if (ctx == CTX_LEAF && (collect & COLLECT_DNS)) {
            struct leaf *l = leaf_add(s, t, p);

            l->len = n;
            for (uint32_t k = 0; k < t->nvar && k < LEAF_VARS; k++) {
                l->vs[k] = s->vs[depth][k];
                l->vl[k] = s->vl[depth][k];
            }
        }
        p += n;
    }
    return 0;
}

static int
walk_stl(struct ipfix_scan *s, const uint8_t *p, size_t len, int depth, unsigned collect)
{
    if (len < 3) {
        damage(s, p, "subTemplateList of %zu bytes is shorter than its header", len);
        return -1;
    }
    return walk_records(s, rd16(p + 1), p + 3, p + len, depth, collect);
}

static int
walk_stml(struct ipfix_scan *s, const uint8_t *p, size_t len, int depth)
{
    const uint8_t *end = p + len;

    if (len < 1) {
        damage(s, p, "empty subTemplateMultiList (no semantic byte)");
        return -1;
    }
    for (p++; p < end;) {
        size_t elen;

        if (end - p < 4) {
            damage(s, p, "subTemplateMultiList ends inside an entry header");
            return -1;
        }
        elen = rd16(p + 2);
        if (elen < 4 || elen > (size_t)(end - p)) {
            damage(s, p, "subTemplateMultiList entry length %zu %s", elen,
                   elen < 4 ? "is below 4" : "exceeds its list");
            return -1;
        }
        if (walk_records(s, rd16(p), p + 4, p + elen, depth, COLLECT_DNS | COLLECT_WRAP))
            return -1;
        p += elen;
    }
    return 0;
}

/*
 * The fast walk: the same checks as walk_record() and the list walks above,
 * by the template's skeleton (a run of fixed bytes, a varlen field, ...)
 * instead of field by field, and reporting nothing: it returns 0 (or -1) at
 * the first thing that is wrong, and the caller walks the record again with
 * walk_record(), which finds the same problem and reports it. So the fast
 * walk decides nothing alone: a record it passes, walk_record() passes too
 * (they check the same lengths against the same ends). Both note where the
 * DNS records a flow yields are (s->leaf), for ipfix_scan_flow_rrs().
 */
static int fast_stl(struct ipfix_scan *s, const uint8_t *p, size_t len, int depth,
                    unsigned collect);
static int fast_stml(struct ipfix_scan *s, const uint8_t *p, size_t len, int depth);

static size_t
fast_record(struct ipfix_scan *s, const struct vtmpl *t, const uint8_t *p, const uint8_t *end,
            enum walk_ctx ctx, int depth, unsigned collect)
{
    const uint32_t *sk = skel(t);
    const uint8_t *vk = vkind(t);
    const uint8_t **vs = s->vs[depth];
    uint16_t *vl = s->vl[depth];
    const uint8_t *q = p;

    for (uint32_t k = 0; k < t->nvar; k++) {
        size_t l;

        if ((size_t)(end - q) <= sk[k]) /* the run, and at least the length byte */
            return 0;
        q += sk[k];
        l = *q++;
        if (l == 255) {
            if (end - q < 2)
                return 0;
            l = rd16(q);
            q += 2;
        }
        if ((size_t)(end - q) < l)
            return 0;
        vs[k] = q;
        vl[k] = (uint16_t)l;
        if (vk[k]) {
            if (ctx == CTX_FLOW && (vk[k] & VK_STML)) {
                if (fast_stml(s, q, l, depth + 1))
                    return 0;
            } else if (ctx == CTX_WRAP && (vk[k] & VK_WRAP)) {
                if (fast_stl(s, q, l, depth + 1, (collect & COLLECT_WRAP) ? COLLECT_DNS : 0))
                    return 0;
            } else if (ctx == CTX_FLOW && (vk[k] & VK_DPI)) {
                if (fast_stl(s, q, l, depth + 1, COLLECT_DNS))
                    return 0;
            }
        }
        q += l;
    }
    if ((size_t)(end - q) < sk[t->nvar])
        return 0;
    return (size_t)(q - p) + sk[t->nvar];
}

/* leaf_var() - skips `run` fixed bytes and one varlen value at *q; its value in *v, *vl. */
static inline __attribute__((always_inline)) int
leaf_var(const uint8_t **q, const uint8_t *end, uint32_t run, const uint8_t **v, size_t *vl)
{
    const uint8_t *x = *q;
    size_t l;

    if ((size_t)(end - x) <= run)
        return 0;
    x += run;
    l = *x++;
    if (l == 255) {
        if (end - x < 2)
            return 0;
        l = rd16(x);
        x += 2;
    }
    if ((size_t)(end - x) < l)
        return 0;
    *v = x;
    *vl = l;
    *q = x + l;
    return 1;
}

/*
 * leaf_walk() - fast_records() for the DNS records [p, end) of template `t`, by its skeleton:
 * `nv` its varlen fields when the caller knows how many (else 0: t->nvar); `mode` 0 when the
 * records are not the flow's, 1 to count them, 2 to note where they are (leaf_add()). Both
 * are constants where it is called, so each shape gets its own loop.
 */
static inline __attribute__((always_inline)) int
leaf_walk(struct ipfix_scan *s, const struct vtmpl *t, const uint8_t *p, const uint8_t *end,
          uint32_t nv, int mode)
{
    const uint32_t *sk = skel(t);
    uint32_t nvar = nv ? nv : t->nvar, last = sk[nvar], count = 0;
    uint32_t run0 = nvar > 0 ? sk[0] : 0, run1 = nvar > 1 ? sk[1] : 0;

    for (; p < end; count++) {
        const uint8_t *q = p, *v;
        struct leaf *lf = NULL;
        size_t l;

        if (count == IPFIX_LIST_MAX_RECORDS)
            return -1;
        if (mode == 2)
            lf = leaf_add(s, t, p);
        if (nv == 2) { /* unrolled */
            if (!leaf_var(&q, end, run0, &v, &l))
                return -1;
            if (mode == 2) {
                lf->vs[0] = v;
                lf->vl[0] = (uint16_t)l;
            }
            if (!leaf_var(&q, end, run1, &v, &l))
                return -1;
            if (mode == 2) {
                lf->vs[1] = v;
                lf->vl[1] = (uint16_t)l;
            }
        } else {
            for (uint32_t k = 0; k < nvar; k++) {
                if (!leaf_var(&q, end, sk[k], &v, &l))
                    return -1;
                if (mode == 2 && k < LEAF_VARS) {
                    lf->vs[k] = v;
                    lf->vl[k] = (uint16_t)l;
                }
            }
        }
        if ((size_t)(end - q) < last || q + last == p) /* a record is never 0 bytes */
            return -1;
        q += last;
        if (mode == 2)
            lf->len = (size_t)(q - p);
        p = q;
    }
    if (mode == 1)
        s->ndns += count; /* after a -1 the record is walked again from ndns 0 (scan_dset()) */
    return 0;
}

static int
fast_records(struct ipfix_scan *s, uint16_t tid, const uint8_t *p, const uint8_t *end, int depth,
             unsigned collect)
{
    const struct vtmpl *t = tmpl_get(s, tid);

    if (!t)
        return 0;
    if (!s->visiting)
        list_use(s, tid, t->cls.pair);
    if (t->cls.pair == IPFIX_PAIR_NONE)
        return 0;
    if (depth > MAX_DEPTH)
        return -1;
    if (t->cls.pair == IPFIX_PAIR_WRAP) {
        /*
         * A wrapper template is one varlen 0/292 field (ipfix_scan_classify()): each record is
         * a length and a subTemplateList, walked here as fast_record() would walk it.
         */
        const uint8_t **vs = s->vs[depth];
        uint16_t *vl = s->vl[depth];
        unsigned inner = (collect & COLLECT_WRAP) ? COLLECT_DNS : 0;

        for (uint32_t count = 0; p < end; count++) {
            size_t l;

            if (count == IPFIX_LIST_MAX_RECORDS)
                return -1;
            l = *p++;
            if (l == 255) {
                if (end - p < 2)
                    return -1;
                l = rd16(p);
                p += 2;
            }
            if ((size_t)(end - p) < l)
                return -1;
            vs[0] = p;
            vl[0] = (uint16_t)l;
            if (fast_stl(s, p, l, depth + 1, inner))
                return -1;
            p += l;
        }
        return 0;
    }
    /* DNS records (CTX_LEAF): no list is entered, only the skeleton's lengths */
    {
        int mode = !(collect & COLLECT_DNS) ? 0 : s->leaves ? 2 : 1;

        if (t->nvar == 2) /* YAF's DNS records: the name, then the rdata list */
            return mode == 0   ? leaf_walk(s, t, p, end, 2, 0)
                   : mode == 1 ? leaf_walk(s, t, p, end, 2, 1)
                               : leaf_walk(s, t, p, end, 2, 2);
        return mode == 0   ? leaf_walk(s, t, p, end, 0, 0)
               : mode == 1 ? leaf_walk(s, t, p, end, 0, 1)
                           : leaf_walk(s, t, p, end, 0, 2);
    }
}

static int
fast_stl(struct ipfix_scan *s, const uint8_t *p, size_t len, int depth, unsigned collect)
{
    if (len < 3)
        return -1;
    return fast_records(s, rd16(p + 1), p + 3, p + len, depth, collect);
}

static int
fast_stml(struct ipfix_scan *s, const uint8_t *p, size_t len, int depth)
{
    const uint8_t *end = p + len;

    if (len < 1)
        return -1;
    for (p++; p < end;) {
        size_t elen;

        if (end - p < 4)
            return -1;
        elen = rd16(p + 2);
        if (elen < 4 || elen > (size_t)(end - p))
            return -1;
        if (fast_records(s, rd16(p), p + 4, p + elen, depth, COLLECT_DNS | COLLECT_WRAP))
            return -1;
        p += elen;
    }
    return 0;
}

/* fast_flow1() - fast_record() of a top-level flow record of a stml_only template. */
static size_t
fast_flow1(struct ipfix_scan *s, const struct vtmpl *t, const uint8_t *p, const uint8_t *end)
{
    const uint32_t *sk = skel(t);
    const uint8_t *q = p, *v;
    size_t l;

    if (!leaf_var(&q, end, sk[0], &v, &l))
        return 0;
    s->vs[0][0] = v;
    s->vl[0][0] = (uint16_t)l;
    if (fast_stml(s, v, l, 1))
        return 0;
    if ((size_t)(end - q) < sk[1])
        return 0;
    return (size_t)(q - p) + sk[1];
}

_Static_assert(IPFIX_DNS_FIXED_VARS <= LEAF_VARS, "the leaves hold the name and type's varlens");

void
ipfix_scan_flow_rrs(struct ipfix_scan *s, const struct ipfix_rec *r, struct dns_rr *out,
                    uint32_t need)
{
    (void)r; /* its DNS records are those the walk just found (s->leaf) */
    for (uint32_t i = 0; i < s->ndns; i++) {
        const struct leaf *l = &s->leaf[i];
        const struct ipfix_dns_fixed *x = &l->t->plan.dns_fixed;
        struct ipfix_rec rr;

        if (!(need & ~x->parts)) {
            /* each part `need` asks is found by the first IPFIX_DNS_FIXED_VARS varlens alone */
            ipfix_fast_rr_fixed(x, l->p, l->vs, l->vl, &out[i], need);
            continue;
        }
        if (l->t->nvar <= LEAF_VARS) { /* where its values are is known */
            rr.p = l->p;
            rr.vs = l->vs;
            rr.vl = l->vl;
            rr.plan = &l->t->plan;
            rr.tmpl = l->t;
            rr.flow_flags = 0;
            rr.ndns = 0;
        } else { /* a whole record: this walk only finds where its varlen values are */
            (void)fast_record(s, l->t, l->p, l->p + l->len, CTX_LEAF, 1, 0);
            visit_rec(s, l->t, l->p, 1, &rr);
        }
        ipfix_fast_rr(&rr, &out[i], need);
    }
}

/*
 * Which element of ipfix_int_flow[] (lut_flow) and ipfix_int_dns[] (lut_dns)
 * a wire field is, plus 1 (0: none), by PEN (IANA, reverse, CERT) and ID:
 * built once from those tables, so that a template's plan costs one pass over
 * its fields (a sweep of many small files defines the same templates in each).
 */
#define LUT_IDS 512
static uint8_t lut_flow[3][LUT_IDS], lut_dns[3][LUT_IDS];
static pthread_once_t lut_once = PTHREAD_ONCE_INIT;

static int
lut_pen(uint32_t ent)
{
    return ent == IPFIX_PEN_IANA      ? 0
           : ent == IPFIX_PEN_REVERSE ? 1
           : ent == IPFIX_PEN_CERT    ? 2
                                      : -1;
}

static void
lut_fill(uint8_t lut[3][LUT_IDS], const struct ipfix_int_ie *ies, size_t nies)
{
    for (size_t j = nies; j-- > 0;) { /* the first of two equal entries wins */
        int pen = lut_pen(ies[j].ent);

        if (pen >= 0 && ies[j].id < LUT_IDS)
            lut[pen][ies[j].id] = (uint8_t)(j + 1);
    }
}

static void
lut_init(void)
{
    lut_fill(lut_flow, ipfix_int_flow, IPFIX_INT_FLOW_N);
    lut_fill(lut_dns, ipfix_int_dns, IPFIX_INT_DNS_N);
}

/*
 * plan_slots() - where each element of `lut` is in records of the `n` fields `f`, whose first
 * varlen field is field `first_var` (n: none) (first occurrence).
 */
static void
plan_slots(const struct ipfix_field *f, uint32_t n, uint32_t first_var, uint8_t lut[3][LUT_IDS],
           size_t nies, struct ipfix_slot *out)
{
    uint32_t off = 0, var = 0, voff = 0;

    for (size_t j = 0; j < nies; j++)
        out[j] = (struct ipfix_slot){.off = -1, .idx = -1};
    for (uint32_t i = 0; i < n; i++) {
        uint16_t len = f[i].len;
        int pen = lut_pen(f[i].ent);
        int j = pen >= 0 && f[i].id < LUT_IDS ? lut[pen][f[i].id] - 1 : -1;

        if (j >= 0 && out[j].idx < 0)
            out[j] = (struct ipfix_slot){.off = i < first_var ? (int32_t)off : -1,
                                         .idx = (int16_t)i,
                                         .len = len,
                                         .var = (uint16_t)var,
                                         .voff = (uint16_t)voff};
        if (i < first_var)
            off += len;
        if (len == IPFIX_VARLEN) {
            var++;
            voff = 0;
        } else {
            voff += len;
        }
    }
}

/* plan_build() - the plan (struct ipfix_plan) of the `n` fields `f` (first varlen: first_var). */
static void
plan_build(const struct ipfix_field *f, uint32_t n, uint32_t first_var, uint32_t flow_flags,
           struct ipfix_plan *out)
{
    pthread_once(&lut_once, lut_init);
    plan_slots(f, n, first_var, lut_flow, IPFIX_INT_FLOW_N, out->flow);
    plan_slots(f, n, first_var, lut_dns, IPFIX_INT_DNS_N, out->dns);
    ipfix_fast_compile(out, flow_flags);
}

void
ipfix_scan_plan(const struct ipfix_field *f, uint32_t n, uint32_t flow_flags,
                struct ipfix_plan *out)
{
    uint32_t first_var = n;

    for (uint32_t i = 0; i < n && first_var == n; i++)
        if (f[i].len == IPFIX_VARLEN)
            first_var = i;
    plan_build(f, n, first_var, flow_flags, out);
}

/* grow_positions() - room in s->at[] and s->alen[] for records of `n` fields. */
static void
grow_positions(struct ipfix_scan *s, uint32_t n)
{
    if (n <= s->cap_fields)
        return;
    for (size_t d = 0; d <= MAX_DEPTH; d++) {
        s->vs[d] = mem_realloc(s->vs[d], n * sizeof(*s->vs[d]));
        s->vl[d] = mem_realloc(s->vl[d], n * sizeof(*s->vl[d]));
    }
    s->cap_fields = n;
}

/*
 * pool_take() - a template of the pool with the `n` fields at `spec` (as
 * define() reads them) and `scope`, taken out of the pool; NULL when none.
 */
static struct vtmpl *
pool_take(struct ipfix_scan *s, const uint8_t *spec, uint32_t n, uint32_t scope)
{
    for (uint32_t k = s->npool; k-- > 0;) {
        struct vtmpl *t = s->pool[k];
        const uint8_t *q = spec;
        uint32_t i;

        if (t->n != n || t->scope != scope)
            continue;
        for (i = 0; i < n; i++) {
            const struct ipfix_field *f = &t->f[i];
            uint16_t id = rd16(q);
            uint32_t ent = 0;

            if (id & 0x8000) {
                ent = rd32(q + 4);
            }
            if (f->id != (id & 0x7FFF) || f->len != rd16(q + 2) || f->ent != ent)
                break;
            q += (id & 0x8000) ? 8 : 4;
        }
        if (i == n) {
            s->pool[k] = s->pool[--s->npool];
            return t;
        }
    }
    return NULL;
}

/*
 * define() - stores template `tid` as parsed from the wire and classifies it.
 * Returns 0, or -1 (nothing stored) when the file's template state would pass
 * IPFIX_MAX_TEMPLATE_BYTES: tmpl_cost() counts the struct and its fields and
 * what libfixbuf keeps for it, with either decoder.
 */
static int
define(struct ipfix_scan *s, uint16_t tid, const uint8_t *spec, uint32_t n, uint32_t scope)
{
    struct vtmpl **slot = tmpl_slot(s, tid);
    struct vtmpl *t;
    size_t cost = tmpl_cost(n);

    if (*slot) {
        tmpl_free(s, *slot);
        *slot = NULL;
    } else { /* a slot newly used: domain_clear() frees what it holds */
        struct vdomain *d = s->cur;

        if (d->ntids == d->cap_tids) {
            d->cap_tids = d->cap_tids ? 2 * d->cap_tids : 16;
            d->tids = mem_realloc(d->tids, d->cap_tids * sizeof(*d->tids));
        }
        d->tids[d->ntids++] = tid;
    }
    if (s->tmpl_bytes + cost > IPFIX_MAX_TEMPLATE_BYTES)
        return -1;
    s->tmpl_bytes += cost;
    if ((t = pool_take(s, spec, n, scope)) != NULL) { /* an earlier file's: built already */
        *slot = t;
        grow_positions(s, n);
        return 0;
    }
    t = *slot = mem_calloc(1, sizeof(*t));
    t->scope = scope;
    /* the fields, then the skeleton (skel(), vkind()): at most n varlen fields */
    t->f = mem_alloc(n * sizeof(struct ipfix_field) + (n + 1) * sizeof(uint32_t) + n + 1);
    t->n = n;
    t->stml_idx = -1;
    t->dpi_idx = -1;
    t->first_var = n;
    for (uint32_t i = 0; i < n; i++) {
        struct ipfix_field *f = &t->f[i];
        uint16_t id = rd16(spec);

        f->len = rd16(spec + 2);
        f->id = id & 0x7FFF;
        f->ent = 0;
        spec += 4;
        if (id & 0x8000) {
            f->ent = rd32(spec);
            spec += 4;
        }
        t->min_len += f->len == IPFIX_VARLEN ? 1u : f->len;
        if (f->len == IPFIX_VARLEN && t->first_var == n)
            t->first_var = i;
        if (t->first_var == n)
            t->prefix_len += f->len;
        if (f->ent == 0 && f->id == 293 && t->stml_idx < 0)
            t->stml_idx = (int16_t)i;
        if (f->ent == IPFIX_PEN_CERT && f->id == 432 && t->dpi_idx < 0)
            t->dpi_idx = (int16_t)i;
    }
    {
        uint32_t *sk = (uint32_t *)(void *)(t->f + n), run = 0;
        uint8_t *vk;

        for (uint32_t i = 0; i < n; i++)
            t->nvar += t->f[i].len == IPFIX_VARLEN;
        vk = (uint8_t *)(sk + t->nvar + 1);
        for (uint32_t i = 0, k = 0; i < n; i++) {
            if (t->f[i].len != IPFIX_VARLEN) {
                run += t->f[i].len;
                continue;
            }
            sk[k] = run;
            run = 0;
            vk[k] = (uint8_t)(((int32_t)i == t->stml_idx ? VK_STML : 0) |
                              ((int32_t)i == t->dpi_idx ? VK_DPI : 0) |
                              (i == 0 && t->f[0].id == 292 ? VK_WRAP : 0));
            k++;
        }
        sk[t->nvar] = run;
        t->stml_only = t->nvar == 1 && vk[0] == VK_STML;
    }
    ipfix_scan_classify(t->f, n, scope, &t->cls);
    plan_build(t->f, n, t->first_var, t->cls.flow_flags, &t->plan);
    grow_positions(s, n);
    return 0;
}

/* scan_tset() - a template (2) or options template (3) set; returns bytes to keep. */
static size_t
scan_tset(struct ipfix_scan *s, const uint8_t *p, size_t slen, uint16_t sid)
{
    const uint8_t *end = p + slen;
    const uint8_t *q = p + 4;
    size_t hdr = sid == 3 ? 6 : 4;

    while ((size_t)(end - q) >= hdr) {
        const uint8_t *rec = q;
        uint16_t tid = rd16(q), n = rd16(q + 2), scope = sid == 3 ? rd16(q + 4) : 0;

        q += hdr;
        if (tid < 256) { /* includes "withdraw all" (2 or 3), which libfixbuf rejects */
            damage(s, rec, "template record with reserved ID %u; rest of set skipped", tid);
            return (size_t)(rec - p);
        }
        if (sid == 3 && (scope == 0 || scope > n)) {
            damage(s, rec, "options template %u has scope count %u of %u fields", tid, scope, n);
            return (size_t)(rec - p);
        }
        for (uint32_t i = 0; i < n; i++) {
            if (end - q < 4 || ((q[0] & 0x80) && end - q < 8)) {
                damage(s, rec, "template %u overruns its set", tid);
                return (size_t)(rec - p);
            }
            q += (q[0] & 0x80) ? 8 : 4;
        }
        if (define(s, tid, rec + hdr, n, scope) < 0) {
            s->res->fatal = 1;
            damage(s, rec,
                   "template %u: the file's templates need more than %d MiB (%u observation "
                   "domains; docs/format.md, Limits); rest of file skipped",
                   tid, IPFIX_MAX_TEMPLATE_BYTES >> 20, s->ndomains);
            return (size_t)(rec - p);
        }
    }
    /*
     * 4 or 5 bytes left in an options template set cannot hold a record
     * header, but libfixbuf 2.4.1 still reads 4 of them as one (and leaks the
     * template it allocates when the ID is reserved): cut them. Zeros are
     * padding; anything else is damage.
     */
    if (sid == 3 && end - q >= 4) {
        for (const uint8_t *z = q; z < end; z++)
            if (*z) {
                damage(s, q, "%zu bytes at the end of options template set cannot hold a record",
                       (size_t)(end - q));
                break;
            }
        return (size_t)(q - p);
    }
    return slen;
}

/* scan_dset() - a data set of template `t`; returns bytes to keep. */
static size_t
scan_dset(struct ipfix_scan *s, const struct vtmpl *t, uint16_t tid, const uint8_t *p, size_t slen)
{
    const uint8_t *end = p + slen;
    const uint8_t *q = p + 4;
    enum walk_ctx ctx = t->cls.flow_flags ? CTX_FLOW : CTX_LEAF;

    /* fewer bytes than a minimal record: padding (RFC 7011 3.3.1, libfixbuf alike) */
    while ((size_t)(end - q) >= t->min_len) {
        size_t n;

        s->ndns = 0;
        n = ctx == CTX_FLOW && t->stml_only ? fast_flow1(s, t, q, end)
                                            : fast_record(s, t, q, end, ctx, 0, 0);
        if (!n) { /* something is wrong (or n == 0 fields): walk it again, reporting */
            s->ndns = 0;
            n = walk_record(s, t, tid, q, end, ctx, 0, 0);
        }
        if (!n)
            break;
        if (t->cls.untimed && s->res->untimed++ == 0) { /* a flow-like record not read: named */
            s->res->untimed_tid = tid;
            s->res->untimed_domain = s->cur->id;
            s->res->untimed_why = t->cls.untimed;
        }
        if (ctx == CTX_FLOW) {
            struct ipfix_rec r;
            uint64_t ms;
            int id;

            visit_rec(s, t, q, 0, &r);
            /* before either decoder sees it, so both agree (docs/format.md, Flow fields) */
            if ((t->cls.flow_flags & (IPFIX_F_START_MS | IPFIX_F_END_MS | IPFIX_F_SYSINIT)) &&
                (id = ipfix_fast_ms_bad(&r, &ms))) {
                damage(s, q,
                       "record of template %u: %s %llu is 2^63 ms or more (no signed 64-bit time)",
                       tid,
                       id == 152   ? "flowStartMilliseconds"
                       : id == 153 ? "flowEndMilliseconds"
                       : id == 160 ? "systemInitTimeMilliseconds"
                       : id == 22  ? "systemInitTimeMilliseconds + flowStartSysUpTime"
                                   : "systemInitTimeMilliseconds + flowEndSysUpTime",
                       (unsigned long long)ms);
                break;
            }
            if (s->visiting) {
                r.ndns = s->ndns;
                s->vis.flow(s->vis.ctx, &r);
            }
        } else if (s->visiting) {
            s->vis.other(s->vis.ctx);
        }
        q += n;
    }
    /*
     * A set left with no record at all (empty, padding only, or damaged at its
     * first record) is dropped: libfixbuf's own exporter writes empty sets at
     * message ends, and libfixbuf in manual mode would then read past the set
     * and fail with "End of message reading set header".
     */
    if (q == p + 4)
        return 0;
    return (size_t)(end - q) >= t->min_len ? (size_t)(q - p) : slen;
}

static void
set_push(struct ipfix_scan *s, size_t at, size_t len, size_t keep)
{
    if (s->nsets == s->cap_sets) {
        s->cap_sets = s->cap_sets ? 2 * s->cap_sets : 16;
        s->sets = mem_realloc(s->sets, s->cap_sets * sizeof(struct vset));
    }
    s->sets[s->nsets++] = (struct vset){at, len, keep};
}

/* repair() - copies the kept part of every set into s->out, fixing lengths. */
static void
repair(struct ipfix_scan *s, const uint8_t *msg, struct ipfix_scan_result *res)
{
    size_t n = 16;

    if (!s->out) {
        s->cap_out = 65536;
        s->out = mem_alloc(s->cap_out);
    }
    memcpy(s->out, msg, 16);
    for (size_t i = 0; i < s->nsets; i++) {
        const struct vset *v = &s->sets[i];

        if (v->keep < 4)
            continue;
        memcpy(s->out + n, msg + v->at, v->keep);
        wr16(s->out + n + 2, v->keep);
        n += v->keep;
    }
    wr16(s->out + 2, n);
    res->msg = s->out;
    res->len = n;
}

void
ipfix_scan_message(struct ipfix_scan *s, uint8_t *msg, size_t len, uint64_t off,
                   struct ipfix_scan_result *res)
{
    const uint8_t *p = msg + 16;
    const uint8_t *end = msg + len;
    int cut = 0;

    memset(res, 0, sizeof(*res));
    res->msg = msg;
    res->len = len;
    for (size_t i = 0; i < s->nlist; i++) /* forget the last message's list templates */
        s->list_seen[s->list_tid[i] >> 6] = 0;
    s->nlist = 0;
    s->msg = msg;
    s->off = off;
    s->res = res;
    s->nsets = 0;
    s->cur = domain_get(s, rd32(msg + 12));
    if (!s->cur) {
        damage(s, msg + 12,
               "observation domain %u is one too many (a file may use %d); message skipped",
               rd32(msg + 12), IPFIX_MAX_DOMAINS);
        res->skip = 1;
        return;
    }

    while (p < end) {
        size_t slen, keep;
        uint16_t sid;

        if (end - p < 4) {
            damage(s, p, "%zu trailing bytes cannot hold a set header", (size_t)(end - p));
            cut = 1;
            break;
        }
        sid = rd16(p);
        slen = rd16(p + 2);
        if (slen < 4 || slen > (size_t)(end - p)) {
            damage(s, p, "set length %zu %s; rest of message skipped", slen,
                   slen < 4 ? "is below 4" : "exceeds the message");
            cut = 1;
            break;
        }
        if (sid == 2 || sid == 3) {
            keep = scan_tset(s, p, slen, sid);
        } else if (sid < 256) {
            damage(s, p, "illegal set ID %u", sid);
            keep = 0;
        } else {
            const struct vtmpl *t = tmpl_get(s, sid);

            if (!t) {
                res->unknown_sets++;
                keep = 0;
            } else if (!t->cls.top_ok) {
                damage(s, p, "data set of template %u, which cannot be read: %s", sid, t->cls.why);
                keep = 0;
            } else {
                keep = scan_dset(s, t, sid, p, slen);
            }
        }
        set_push(s, (size_t)(p - msg), slen, keep);
        if (keep != slen)
            cut = 1;
        p += slen;
        if (res->fatal) { /* the file ends here: nothing of this message is decoded */
            res->skip = 1;
            return;
        }
    }
    if (cut)
        repair(s, msg, res);
    res->list_tid = s->list_tid;
    res->list_pair = s->list_pair;
    res->nlist = s->nlist;
}
