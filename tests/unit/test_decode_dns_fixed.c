/*
 * test_decode_dns_fixed.c - the fast decoder's specialised DNS path
 * (ipfix_fast_rr_fixed(), struct ipfix_dns_fixed) against the general path
 * (ipfix_fast_rr()) and against values worked out here from the record's bytes
 * by libfixbuf 2.4.1's transcoding rules (docs/format.md), field by field:
 *
 *   - an element absent, or of 0 bytes, reads 0 (the name: empty);
 *   - TTL (4 bytes), type and ID (2) are "endian": the last min(L, S) bytes
 *     of an L-byte field, big-endian (a shorter one zero-extended, a longer
 *     one's low-order bytes);
 *   - QR, AA, RCODE and section (1 byte) are not: the field's first byte;
 *   - the first occurrence of a repeated element is the one read.
 *
 * Templates: YAF 2.x's DNS record (every part on the fixed path), YAF 3.x's
 * packed one, hand-made ones the plan must refuse part by part (a varlen TTL,
 * a part after the fourth varlen field, parts at two different bases, a
 * fixed-length name, a name past the fourth varlen), and many random ones:
 * every part present or not, 0 to 9 bytes or varlen, before, between or after
 * up to six varlen fields (values of 0 to 300 bytes, so 1- and 3-byte length
 * prefixes), repeated elements, padding and unrelated fields. For each, the
 * parts the plan takes (x->parts) must be those the documented rule gives,
 * computed here from the field list; and for every `need` (the 256 sets of
 * parts) the general path must give the values worked out here, and the
 * fixed path, whenever the plan has every part of `need`, the same.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "flow.h"
#include "ipfix_fast.h"
#include "ipfix_read.h"
#include "ipfix_scan.h"

#define PEN 6871u
#define MAXF 24
#define NPARTS 8 /* name, type, TTL, ID, QR, AA, RCODE, section */

/* The parts: element ID, bytes in struct dns_rr (0: the name), need bit, one-byte (not endian). */
static const struct {
    uint16_t id;
    uint32_t size;
    uint32_t need;
    int one;
} part[NPARTS] = {
    {179, 0, IPFIX_NEED_DNS_NAME, 0},   {175, 2, IPFIX_NEED_DNS_TYPE, 0},
    {199, 4, IPFIX_NEED_DNS_TTL, 0},    {226, 2, IPFIX_NEED_DNS_ID, 0},
    {174, 1, IPFIX_NEED_DNS_QR, 1},     {176, 1, IPFIX_NEED_DNS_AA, 1},
    {177, 1, IPFIX_NEED_DNS_RCODE, 1},  {178, 1, IPFIX_NEED_DNS_SECTION, 1},
};

struct layout {
    struct ipfix_field f[MAXF];
    uint32_t n;
};

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t
rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

static void
add(struct layout *l, uint32_t ent, uint16_t id, uint16_t len)
{
    l->f[l->n++] = (struct ipfix_field){.ent = ent, .id = id, .len = len};
}

/* first() - the index of the first field of (PEN, id), -1 when absent. */
static int
first(const struct layout *l, uint16_t id)
{
    for (uint32_t i = 0; i < l->n; i++)
        if (l->f[i].ent == PEN && l->f[i].id == id)
            return (int)i;
    return -1;
}

/* vars_before() - the varlen fields before field `i`. */
static int
vars_before(const struct layout *l, int i)
{
    int k = 0;

    for (int j = 0; j < i; j++)
        k += l->f[j].len == IPFIX_VARLEN;
    return k;
}

/*
 * want_parts() - the parts the documented rule puts on the fixed path (docs/format.md,
 * ipfix_scan.h): the name absent or one of the first four varlen fields; the base is the
 * type's (else the first present fixed part's, in the order type, TTL, ID, QR, AA, RCODE,
 * section): the record start or the end of one of the first four varlen fields; each other
 * part absent, of 0 bytes, or a fixed field at that base.
 */
static uint32_t
want_parts(const struct layout *l)
{
    uint32_t parts = 0;
    int base = -2, i = first(l, part[0].id);

    if (i < 0 || (l->f[i].len == IPFIX_VARLEN && vars_before(l, i) < 4))
        parts |= part[0].need;
    for (int p = 1; p < NPARTS && base == -2; p++) {
        i = first(l, part[p].id);
        if (i >= 0 && l->f[i].len != 0 && l->f[i].len != IPFIX_VARLEN)
            base = vars_before(l, i) - 1;
    }
    if (base >= 4)
        base = -2;
    for (int p = 1; p < NPARTS; p++) {
        i = first(l, part[p].id);
        if (i < 0 || l->f[i].len == 0 ||
            (l->f[i].len != IPFIX_VARLEN && vars_before(l, i) - 1 == base))
            parts |= part[p].need;
    }
    return parts;
}

/* A record of a layout, with its values placed (after 20 bytes, as in a message). */
struct rec {
    uint8_t buf[20 + MAXF * 310];
    const uint8_t *p;
    const uint8_t *at[MAXF]; /* each field's value */
    uint16_t len[MAXF];      /* and length */
    const uint8_t *vs[MAXF];
    uint16_t vl[MAXF];
};

static void
make_rec(const struct layout *l, struct rec *r)
{
    uint8_t *q = r->buf + 20;
    uint32_t k = 0;

    for (size_t i = 0; i < sizeof(r->buf); i++)
        r->buf[i] = (uint8_t)rnd(256);
    r->p = q;
    for (uint32_t i = 0; i < l->n; i++) {
        uint32_t len = l->f[i].len;

        if (len == IPFIX_VARLEN) {
            len = rnd(4) == 0 ? 255 + rnd(46) : rnd(60);
            if (len < 255) {
                *q++ = (uint8_t)len;
            } else {
                *q++ = 255;
                *q++ = (uint8_t)(len >> 8);
                *q++ = (uint8_t)len;
            }
            r->vs[k] = q;
            r->vl[k++] = (uint16_t)len;
        }
        r->at[i] = q;
        r->len[i] = (uint16_t)len;
        q += len;
    }
}

/* want_rr() - the parts `need` of the record, by libfixbuf's rules from its bytes. */
static void
want_rr(const struct layout *l, const struct rec *r, uint32_t need, struct dns_rr *d)
{
    uint32_t v[NPARTS] = {0};

    memset(d, 0, sizeof(*d));
    for (int p = 0; p < NPARTS; p++) {
        int i = first(l, part[p].id);
        uint32_t len = i < 0 ? 0 : r->len[i];

        if (!(need & part[p].need) || len == 0)
            continue;
        if (p == 0) {
            d->name = r->at[i];
            d->name_len = len;
        } else if (part[p].one) {
            v[p] = r->at[i][0];
        } else {
            uint32_t take = len < part[p].size ? len : part[p].size;

            for (uint32_t j = len - take; j < len; j++)
                v[p] = v[p] << 8 | r->at[i][j];
        }
    }
    d->rrtype = (uint16_t)v[1];
    d->ttl = v[2];
    d->id = (uint16_t)v[3];
    d->qr = (uint8_t)v[4];
    d->aa = (uint8_t)v[5];
    d->rcode = (uint8_t)v[6];
    d->section = (uint8_t)v[7];
}

static int
same_rr(const struct dns_rr *a, const struct dns_rr *b)
{
    return a->name_len == b->name_len &&
           (a->name_len == 0 || memcmp(a->name, b->name, a->name_len) == 0) &&
           a->rrtype == b->rrtype && a->ttl == b->ttl && a->id == b->id && a->qr == b->qr &&
           a->aa == b->aa && a->rcode == b->rcode && a->section == b->section;
}

static int layouts_fixed; /* layouts whose plan took every part */

/*
 * check_layout() - the plan of `l` takes the parts want_parts() gives (`parts_want`, when not
 * ~0: a hand-worked expectation too), and both paths decode `records` random records of it as
 * want_rr() does, for every need.
 */
static void
check_layout(const struct layout *l, uint32_t parts_want, int records)
{
    static struct rec r;
    struct ipfix_plan plan;
    const struct ipfix_dns_fixed *x = &plan.dns_fixed;

    memset(&plan, 0xA5, sizeof(plan)); /* nothing of it may be left unset */
    ipfix_scan_plan(l->f, l->n, 0, &plan);
    CHECK_EQ_U64(x->parts, want_parts(l));
    if (parts_want != ~0u)
        CHECK_EQ_U64(x->parts, parts_want);
    layouts_fixed += x->parts == IPFIX_NEED_DNS_ALL;
    for (int k = 0; k < records; k++) {
        struct ipfix_rec rec = {0};

        make_rec(l, &r);
        rec.p = r.p;
        rec.vs = r.vs;
        rec.vl = r.vl;
        rec.plan = &plan;
        for (uint32_t need = 0; need <= IPFIX_NEED_DNS_ALL; need++) {
            struct dns_rr want, gen, fix;

            want_rr(l, &r, need, &want);
            memset(&gen, 0x5A, sizeof(gen));
            ipfix_fast_rr(&rec, &gen, need);
            if (!same_rr(&gen, &want)) {
                CHECK(same_rr(&gen, &want));
                return;
            }
            if (need & ~x->parts)
                continue;
            memset(&fix, 0x5A, sizeof(fix));
            ipfix_fast_rr_fixed(x, r.p, r.vs, r.vl, &fix, need);
            if (!same_rr(&fix, &want)) {
                fprintf(stderr, "layout of %u fields, need 0x%x: the fixed path differs\n", l->n,
                        need);
                CHECK(same_rr(&fix, &want));
                return;
            }
        }
    }
    CHECK(1);
}

/* YAF 2.x (and super_mediator 1.x): the rdata list, the name, TTL ... ID, padding. */
static void
test_yaf2(void)
{
    struct layout l = {.n = 0};

    add(&l, 0, 292, IPFIX_VARLEN);
    add(&l, PEN, 179, IPFIX_VARLEN);
    add(&l, PEN, 199, 4);
    add(&l, PEN, 175, 2);
    add(&l, PEN, 174, 1);
    add(&l, PEN, 176, 1);
    add(&l, PEN, 177, 1);
    add(&l, PEN, 178, 1);
    add(&l, PEN, 226, 2);
    add(&l, 0, 210, 4);
    check_layout(&l, IPFIX_NEED_DNS_ALL, 200);
}

/* YAF 3.x's packed record (as test_read_layouts.c writes it): another order, no TTL. */
static void
test_yaf3(void)
{
    struct layout l = {.n = 0};

    add(&l, PEN, 175, 2);
    add(&l, PEN, 226, 2);
    add(&l, PEN, 174, 1);
    add(&l, PEN, 177, 1);
    add(&l, PEN, 178, 1);
    add(&l, PEN, 176, 1);
    add(&l, PEN, 179, IPFIX_VARLEN);
    add(&l, 0, 292, IPFIX_VARLEN);
    check_layout(&l, IPFIX_NEED_DNS_ALL, 200);
}

/* Reduced and over-long widths at the fixed path: every width 0..9 of every part. */
static void
test_widths(void)
{
    for (int p = 1; p < NPARTS; p++)
        for (uint16_t w = 0; w <= 9; w++) {
            struct layout l = {.n = 0};

            add(&l, PEN, 179, IPFIX_VARLEN);
            for (int q = 1; q < NPARTS; q++)
                add(&l, PEN, part[q].id, q == p ? w : (uint16_t)(part[q].size));
            check_layout(&l, IPFIX_NEED_DNS_ALL, 50);
        }
}

/* What the plan must refuse, part by part (the rest stays on the fixed path). */
static void
test_refused(void)
{
    const uint32_t all = IPFIX_NEED_DNS_ALL;
    struct layout l;

    /* a varlen TTL: TTL alone takes the general path */
    l.n = 0;
    add(&l, PEN, 179, IPFIX_VARLEN);
    add(&l, PEN, 175, 2);
    add(&l, PEN, 174, 1);
    add(&l, PEN, 199, IPFIX_VARLEN);
    check_layout(&l, all & ~(uint32_t)IPFIX_NEED_DNS_TTL, 50);
    /* and a part after it is at another base (the end of the TTL) */
    add(&l, PEN, 177, 1);
    check_layout(&l, all & ~(uint32_t)(IPFIX_NEED_DNS_TTL | IPFIX_NEED_DNS_RCODE), 50);

    /* QR before the name, the type after it: QR at another base */
    l.n = 0;
    add(&l, PEN, 174, 1);
    add(&l, PEN, 179, IPFIX_VARLEN);
    add(&l, PEN, 175, 2);
    add(&l, PEN, 177, 1);
    check_layout(&l, all & ~(uint32_t)IPFIX_NEED_DNS_QR, 50);

    /* the type after the fifth varlen field: no base the walk notes; absent parts stay */
    l.n = 0;
    for (int k = 0; k < 5; k++)
        add(&l, 0, 292, IPFIX_VARLEN);
    add(&l, PEN, 179, IPFIX_VARLEN);
    add(&l, PEN, 175, 2);
    add(&l, PEN, 178, 1);
    check_layout(&l,
                 all & ~(uint32_t)(IPFIX_NEED_DNS_NAME | IPFIX_NEED_DNS_TYPE |
                                   IPFIX_NEED_DNS_SECTION),
                 50);

    /* a name of fixed length: the name takes the general path */
    l.n = 0;
    add(&l, PEN, 179, 12);
    add(&l, PEN, 175, 2);
    add(&l, PEN, 199, 4);
    check_layout(&l, all & ~(uint32_t)IPFIX_NEED_DNS_NAME, 50);

    /* the name as the fifth varlen field, the type before the first: the name refused */
    l.n = 0;
    add(&l, PEN, 175, 2);
    for (int k = 0; k < 4; k++)
        add(&l, 0, 292, IPFIX_VARLEN);
    add(&l, PEN, 179, IPFIX_VARLEN);
    add(&l, PEN, 226, 2);
    check_layout(&l, all & ~(uint32_t)(IPFIX_NEED_DNS_NAME | IPFIX_NEED_DNS_ID), 50);

    /* repeated elements: the first occurrence is read (a later varlen TTL changes nothing) */
    l.n = 0;
    add(&l, PEN, 179, IPFIX_VARLEN);
    add(&l, PEN, 175, 1);
    add(&l, PEN, 199, 6);
    add(&l, PEN, 175, 2);
    add(&l, PEN, 199, IPFIX_VARLEN);
    add(&l, PEN, 179, IPFIX_VARLEN);
    check_layout(&l, all, 50);
}

/* Random layouts: parts anywhere, any width, repeated; other fields between them. */
static void
test_random(void)
{
    int before = layouts_fixed;

    for (int t = 0; t < 3000; t++) {
        struct layout l = {.n = 0};
        uint32_t nf = 1 + rnd(MAXF);

        for (uint32_t i = 0; i < nf; i++) {
            uint32_t what = rnd(12), w = rnd(12);
            uint16_t len = w == 10 || w == 11 ? IPFIX_VARLEN : (uint16_t)w;

            if (what < NPARTS) { /* a part (the name mostly varlen) */
                if (what == 0 && rnd(4) != 0)
                    len = IPFIX_VARLEN;
                add(&l, PEN, part[what].id, len);
            } else if (what == 8) { /* a list, or another varlen element */
                add(&l, 0, 292, IPFIX_VARLEN);
            } else if (what == 9) {
                add(&l, 0, 210, (uint16_t)(1 + rnd(8))); /* padding */
            } else { /* an element no part is */
                add(&l, PEN, (uint16_t)(300 + what), len);
            }
        }
        check_layout(&l, ~0u, 3);
    }
    /* the random layouts hit the fixed path whole as well as refusals */
    CHECK(layouts_fixed > before);
}

int
main(void)
{
    RUN(test_yaf2);
    RUN(test_yaf3);
    RUN(test_widths);
    RUN(test_refused);
    RUN(test_random);
    return CHECK_DONE();
}
