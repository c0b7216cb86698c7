/*
 * agg.c - see agg.h.
 */
#include "agg.h"

#include <string.h>

#include <xxhash.h>

#include "dset.h"

_Static_assert(sizeof(struct dset) == JOB_DISTINCT_STATE, "job.h sizes distinct states");

static uint64_t
load(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return v;
}

static void
store(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

void
agg_prefetch(const struct job *job, const uint8_t *val, const struct rec *r)
{
    for (size_t c = job->nkeys; c < job->ncols; c++) {
        const struct job_col *col = &job->cols[c];

        if (col->agg != AGG_DISTINCT || col->width != 17)
            continue;
        dset_prefetch_addr((const struct dset *)(const void *)(val + col->off), r->f->family,
                           record_addr16(r, col->field));
    }
}

int
agg_update(const struct job *job, uint8_t *val, const struct rec *r, struct memacct *acct,
           struct err *err)
{
    for (size_t c = job->nkeys; c < job->ncols; c++) {
        const struct job_col *col = &job->cols[c];
        uint8_t *s = val + col->off;

        switch (col->agg) {
        case AGG_COUNT:
            store(s, load(s) + 1);
            break;
        case AGG_SUM:   /* 128 bits: 2^64 records of 2^64 - 1 cannot carry out of them */
        case AGG_AVG: { /* that sum, then the count */
            uint64_t v = record_num(r, col->field), lo = load(s) + v;

            store(s, lo);
            store(s + 8, load(s + 8) + (lo < v));
            if (col->agg == AGG_AVG)
                store(s + 16, load(s + 16) + 1);
            break;
        }
        case AGG_MIN: {
            uint64_t v = ~record_num(r, col->field);

            if (v > load(s))
                store(s, v);
            break;
        }
        case AGG_MAX: {
            uint64_t v = record_num(r, col->field);

            if (v > load(s))
                store(s, v);
            break;
        }
        case AGG_DISTINCT: {
            uint8_t item[17];

            if (col->width == 17) { /* an address: record_addr()'s item, not made */
                if (dset_add_addr((struct dset *)(void *)s, r->f->family,
                                  record_addr16(r, col->field), acct, err) < 0)
                    return -ERR_LIMIT;
                break;
            } else if (col->width == 16) {
                /*
                 * A string (dns.name, dns.domain): its 128-bit hash stands for
                 * it (docs/query.md: two names would have to share all 128
                 * bits to be counted once).
                 */
                uint8_t buf[DOMAIN_MAX + 1];
                const uint8_t *p = buf;
                size_t len;
                XXH128_hash_t h;

                if (col->field == FIELD_DNS_NAME && r->rr != NULL) {
                    p = r->rr->name;
                    len = r->rr->name_len;
                } else {
                    len = job_rec_str(r, col->field, buf, sizeof(buf));
                }
                h = XXH3_128bits(p, len);
                memcpy(item, &h.low64, 8);
                memcpy(item + 8, &h.high64, 8);
            } else {
                uint64_t v = record_num(r, col->field);

                memcpy(item, &v, 8);
            }
            if (dset_add((struct dset *)(void *)s, item, col->width, acct, err) < 0)
                return -ERR_LIMIT;
            break;
        }
        }
    }
    return 0;
}

void
agg_merge_counts(const struct job *job, uint8_t *dst, const uint8_t *src)
{
    for (size_t c = job->nkeys; c < job->ncols; c++) {
        const struct job_col *col = &job->cols[c];
        uint8_t *d = dst + col->off;
        const uint8_t *s = src + col->off;

        switch (col->agg) {
        case AGG_COUNT:
            store(d, load(d) + load(s));
            break;
        case AGG_SUM:
        case AGG_AVG: {
            uint64_t lo = load(d) + load(s);

            store(d + 8, load(d + 8) + load(s + 8) + (lo < load(s)));
            store(d, lo);
            if (col->agg == AGG_AVG)
                store(d + 16, load(d + 16) + load(s + 16));
            break;
        }
        case AGG_MIN:
        case AGG_MAX:
            if (load(s) > load(d))
                store(d, load(s));
            break;
        case AGG_DISTINCT:
            break;
        }
    }
}

int
agg_merge_sets(const struct job *job, uint8_t *dst, uint8_t *src, struct memacct *acct,
               struct err *err)
{
    for (size_t c = job->nkeys; c < job->ncols; c++) {
        const struct job_col *col = &job->cols[c];
        struct dset *ds = (struct dset *)(void *)(dst + col->off);
        struct dset *ss = (struct dset *)(void *)(src + col->off);
        int rc;

        if (col->agg != AGG_DISTINCT)
            continue;
        /* Keep the bigger set and fold the smaller one into it. */
        if (ss->n > ds->n) {
            struct dset tmp = *ds;

            *ds = *ss;
            *ss = tmp;
        }
        rc = dset_merge(ds, ss, col->width, acct, err);
        dset_fini(ss, col->width, acct);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int
agg_merge(const struct job *job, uint8_t *dst, uint8_t *src, struct memacct *acct, struct err *err)
{
    agg_merge_counts(job, dst, src);
    return agg_merge_sets(job, dst, src, acct, err);
}

struct out_cell
agg_cell(const struct job *job, const uint8_t *val, size_t col)
{
    const struct job_col *c = &job->cols[col];
    const uint8_t *s = val + c->off;

    if (job->time_cells && (c->agg == AGG_MIN || c->agg == AGG_MAX) && job_time_ms(c->field))
        return out_cell_time(c->agg == AGG_MIN ? ~load(s) : load(s),
                             (uint32_t)job_time_ms(c->field));
    switch (c->agg) {
    case AGG_MIN:
        return out_cell_u64(~load(s));
    case AGG_DISTINCT:
        return out_cell_u64(((const struct dset *)(const void *)s)->n);
    case AGG_SUM:
        return load(s + 8) ? out_cell_u128(load(s), load(s + 8)) : out_cell_u64(load(s));
    case AGG_AVG:
        return out_cell_ratio(load(s), load(s + 8), load(s + 16));
    default:
        return out_cell_u64(load(s));
    }
}

void
agg_release(const struct job *job, uint8_t *val, struct memacct *acct)
{
    for (size_t c = job->nkeys; c < job->ncols; c++)
        if (job->cols[c].agg == AGG_DISTINCT)
            dset_fini((struct dset *)(void *)(val + job->cols[c].off), job->cols[c].width, acct);
}
