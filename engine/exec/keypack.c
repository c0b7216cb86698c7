/*
 * keypack.c - see keypack.h.
 */
#include "keypack.h"

#include <string.h>

#include "mem.h"

void
keybuf_fini(struct keybuf *k)
{
    mem_free(k->p);
    memset(k, 0, sizeof(*k));
}

static uint8_t *
reserve(struct keybuf *k, size_t more)
{
    if (k->len + more > k->cap) /* the per-record path: no call when it fits */
        k->p = mem_grow(k->p, &k->cap, k->len + more, 256);
    return k->p + k->len;
}

static void
put_u16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

void
keypack_append(const struct job *job, const struct rec *r, struct keybuf *k)
{
    const struct flow *f = r->f;
    uint32_t n = f->ndns < KEYPACK_MAX_ITEMS ? f->ndns : KEYPACK_MAX_ITEMS;

    for (size_t c = 0; c < job->nkeys; c++) {
        enum field_id id = job->cols[c].field;
        uint8_t *p;

        switch (record_field_kind(id)) {
        case FIELD_KIND_NUM: {
            uint64_t v = record_num(r, id);

            if (job->cols[c].bin)
                v -= v % job->cols[c].bin; /* the start of its bin */

            p = reserve(k, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            v = __builtin_bswap64(v); /* big-endian: one store */
            memcpy(p, &v, 8);
#else
            memcpy(p, &v, 8);
#endif
            k->len += 8;
            break;
        }
        case FIELD_KIND_ADDR:
            p = reserve(k, 17);
            record_addr(r, id, p);
            k->len += 17;
            break;
        case FIELD_KIND_STR: {
            /* dns.name cut as list names are; dns.domain is at most DOMAIN_MAX - 1 */
            size_t len, cap = id == FIELD_DNS_NAME && r->rr ? r->rr->name_len : DOMAIN_MAX;

            if (cap > KEYPACK_MAX_NAME)
                cap = KEYPACK_MAX_NAME;
            p = reserve(k, 2 + cap);
            len = job_rec_str(r, id, p + 2, cap);
            put_u16(p, (uint32_t)len);
            k->len += 2 + len;
            break;
        }
        case FIELD_KIND_LIST:
            if (id == FIELD_DNS_NAMES) { /* one pass: a reserve per name, no call when it fits */
                const struct dns_rr *rr = f->dns, *end = f->dns + n;
                size_t at = k->len;

                p = reserve(k, 2);
                put_u16(p, n);
                at += 2;
                for (; rr < end; rr++) { /* k->p and k->len in locals: the copies are bytes */
                    uint32_t len =
                        rr->name_len < KEYPACK_MAX_NAME ? rr->name_len : KEYPACK_MAX_NAME;

                    if (at + 2 + len > k->cap) {
                        k->len = at;
                        reserve(k, 2 + (size_t)len);
                    }
                    p = k->p + at;
                    put_u16(p, len);
                    memcpy(p + 2, rr->name, len);
                    at += 2 + (size_t)len;
                }
                k->len = at;
            } else {
                const struct dns_rr *rr = f->dns;

                p = reserve(k, 2 + 2 * (size_t)n);
                put_u16(p, n);
                for (uint32_t i = 0; i < n; i++)
                    put_u16(p + 2 + 2 * i, rr[i].rrtype);
                k->len += 2 + 2 * (size_t)n;
            }
            break;
        }
    }
}

int
keypack_cells(const struct job *job, const uint8_t *key, size_t len, struct out_cell *cells)
{
    size_t at = 0;

    for (size_t c = 0; c < job->nkeys; c++) {
        enum field_id id = job->cols[c].field;
        struct out_cell *cell = &cells[c];

        memset(cell, 0, sizeof(*cell));
        switch (record_field_kind(id)) {
        case FIELD_KIND_NUM:
            if (at + 8 > len)
                return -1;
            cell->kind = OUT_U64;
            for (int i = 0; i < 8; i++)
                cell->v.u = cell->v.u << 8 | key[at + i];
            if (job->time_cells && job_time_ms(id))
                *cell = out_cell_time(cell->v.u, (uint32_t)job_time_ms(id));
            at += 8;
            break;
        case FIELD_KIND_ADDR:
            if (at + 17 > len)
                return -1;
            cell->kind = OUT_ADDR;
            cell->v.addr.family = key[at];
            memcpy(cell->v.addr.a, key + at + 1, 16);
            at += 17;
            break;
        case FIELD_KIND_STR: {
            uint32_t l;

            if (at + 2 > len)
                return -1;
            l = (uint32_t)key[at] << 8 | key[at + 1];
            at += 2;
            if (at + l > len)
                return -1;
            cell->kind = OUT_TEXT;
            cell->v.list.p = key + at;
            cell->v.list.bytes = l;
            at += l;
            break;
        }
        case FIELD_KIND_LIST: {
            uint32_t n;
            size_t start;

            if (at + 2 > len)
                return -1;
            n = (uint32_t)key[at] << 8 | key[at + 1];
            at += 2;
            start = at;
            for (uint32_t i = 0; i < n; i++) {
                if (id == FIELD_DNS_NAMES) {
                    uint32_t l;

                    if (at + 2 > len)
                        return -1;
                    l = (uint32_t)key[at] << 8 | key[at + 1];
                    at += 2 + l;
                } else {
                    at += 2;
                }
                if (at > len)
                    return -1;
            }
            cell->kind = id == FIELD_DNS_NAMES ? OUT_TEXT_LIST : OUT_U16_LIST;
            cell->v.list.p = key + start;
            cell->v.list.bytes = (uint32_t)(at - start);
            cell->v.list.n = n;
            break;
        }
        }
    }
    return at == len ? 0 : -1;
}
