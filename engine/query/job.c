/*
 * job.c - parse query text into a struct job; the two presets. See job.h.
 */
#include "job.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *
skip_ws(const char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    return p;
}

static int
is_word(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '#';
}

/* Whether `needle` occurs in `s`, ASCII case-insensitively. */
static int
strcasestr_ascii(const char *s, const char *needle)
{
    size_t n = strlen(needle);

    for (; *s; s++)
        if (strncasecmp(s, needle, n) == 0)
            return 1;
    return 0;
}

/* Reads a word at *p into buf; returns its length (0 if none). */
static size_t
read_word(const char **p, char *buf, size_t cap)
{
    const char *s = skip_ws(*p);
    size_t len = 0;

    while (is_word(s[len]))
        len++;
    if (len == 0 || len >= cap)
        return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    *p = s + len;
    return len;
}

static void
set_names(struct job_col *c, const char *name)
{
    size_t j = 0;
    size_t len = strlen(name);

    if (len > sizeof(c->name) - 1)
        len = sizeof(c->name) - 1; /* names are cut at 63 bytes */
    memcpy(c->name, name, len);
    c->name[len] = '\0';
    for (const char *s = name; *s && j + 1 < sizeof(c->json_name); s++)
        if (*s != '#')
            c->json_name[j++] = *s;
    c->json_name[j] = '\0';
}

/* Whether column c's name or JSON key is already used by another column. */
static int
dup_col(const struct job *job, const struct job_col *c)
{
    for (size_t i = 0; i < job->ncols; i++)
        if (strcmp(job->cols[i].name, c->name) == 0 ||
            strcmp(job->cols[i].json_name, c->json_name) == 0)
            return 1;
    return 0;
}

static int
find_col(const struct job *job, const char *name, size_t len)
{
    for (size_t i = 0; i < job->ncols; i++)
        if (strlen(job->cols[i].name) == len && memcmp(job->cols[i].name, name, len) == 0)
            return (int)i;
    return -1;
}

/*
 * "5m" as a count of the unit `unit_ms` (1 ms, 1000 s) into *out; -1 when it is
 * no whole positive number of s, m, h or d, or not a whole number of units.
 */
static int
parse_width(const char *w, int unit_ms, uint64_t *out)
{
    char *end = NULL;
    unsigned long long n;
    uint64_t ms;

    if (!isdigit((unsigned char)w[0]))
        return -1;
    n = strtoull(w, &end, 10);
    if (n == 0 || n > 100000000ull)
        return -1;
    switch (tolower((unsigned char)*end)) { /* units as keywords: any case (1H, 5M) */
    case 's':
        ms = n * 1000u;
        break;
    case 'm':
        ms = n * 60000u;
        break;
    case 'h':
        ms = n * 3600000u;
        break;
    case 'd':
        ms = n * 86400000u;
        break;
    default:
        return -1;
    }
    if (end[1] != '\0' || ms % (uint64_t)unit_ms != 0)
        return -1;
    *out = ms / (uint64_t)unit_ms;
    return 0;
}

/* "[name=]field, ..." */
static int
parse_keys(struct job *job, const char *text, struct err *err)
{
    const char *p = text;

    for (;;) {
        char a[64], b[64];
        const char *name = NULL, *field;
        int id;

        if (!read_word(&p, a, sizeof(a)))
            return ERR_SET(err, ERR_USAGE, "--group-by \"%s\": expected a field name", text);
        p = skip_ws(p);
        if (*p == '=') {
            p++;
            if (!read_word(&p, b, sizeof(b)))
                return ERR_SET(err, ERR_USAGE, "--group-by \"%s\": expected a field after '='",
                               text);
            name = a;
            field = b;
        } else {
            field = a;
        }
        uint64_t bin = 0;
        char binned[80];

        p = skip_ws(p);
        if (*p == '(' && strcasecmp(field, "bin") == 0) { /* bin(field, W) */
            char arg[64], width[32];

            p++;
            if (!read_word(&p, arg, sizeof(arg)) || *(p = skip_ws(p)) != ',')
                return ERR_SET(err, ERR_USAGE, "--group-by: expected bin(FIELD, WIDTH)");
            p++;
            if (!read_word(&p, width, sizeof(width)) || *(p = skip_ws(p)) != ')')
                return ERR_SET(err, ERR_USAGE, "--group-by: expected bin(FIELD, WIDTH)");
            p++;
            id = record_field_lookup(arg, strlen(arg));
            if (id < 0 || !job_time_ms((enum field_id)id))
                return ERR_SET(err, ERR_USAGE,
                               "--group-by: bin() takes start, end or hour, not '%s'", arg);
            if (parse_width(width, job_time_ms((enum field_id)id), &bin) < 0)
                return ERR_SET(err, ERR_USAGE,
                               "--group-by: bin(%s, %s): the width is a whole number of s, m, h or "
                               "d (e.g. 5m), at least the field's unit",
                               arg, width);
            for (char *u = width; *u; u++) /* one column name for 1h and 1H */
                *u = (char)tolower((unsigned char)*u);
            snprintf(binned, sizeof(binned), "%s_%s", record_field_name((enum field_id)id), width);
            if (name == NULL)
                name = binned;
            field = record_field_name((enum field_id)id);
        }
        id = record_field_lookup(field, strlen(field));
        if (id < 0)
            return ERR_SET(err, ERR_USAGE, "--group-by: unknown field '%s' (see --help for fields)",
                           field);
        if (record_field_of_rr((enum field_id)id) && job->view != REC_DNS)
            return ERR_SET(err, ERR_USAGE,
                           "--group-by: %s is a field of one DNS record: use --records dns",
                           record_field_name((enum field_id)id));
        if (job->nkeys == JOB_MAX_KEYS)
            return ERR_SET(err, ERR_USAGE, "--group-by: at most %d keys", JOB_MAX_KEYS);
        struct job_col *c = &job->cols[job->ncols];
        set_names(c, name ? name : field);
        if (dup_col(job, c))
            return ERR_SET(err, ERR_USAGE,
                           "--group-by: column '%s' named twice (names, and JSON keys without "
                           "'#', must differ; name it with NAME=)",
                           c->name);
        c->is_key = 1;
        c->field = (enum field_id)id;
        c->bin = bin;
        job->ncols++;
        job->nkeys++;
        p = skip_ws(p);
        if (*p == '\0')
            return 0;
        if (*p != ',')
            return ERR_SET(err, ERR_USAGE, "--group-by \"%s\": expected ',' at \"%s\"", text, p);
        p++;
    }
}

/* "[name=]func(field), ..." */
static int
parse_aggs(struct job *job, const char *text, struct err *err)
{
    static const struct {
        const char *name;
        enum agg_kind kind;
    } funcs[] = {{"count", AGG_COUNT}, {"sum", AGG_SUM},           {"min", AGG_MIN},
                 {"max", AGG_MAX},     {"distinct", AGG_DISTINCT}, {"count_distinct", AGG_DISTINCT},
                 {"avg", AGG_AVG},     {"mean", AGG_AVG}};
    const char *p = text;

    for (;;) {
        char a[64], func[64], arg[64] = "";
        const char *name = NULL;
        int kind = -1, id = -1;
        struct job_col *c;

        if (!read_word(&p, a, sizeof(a)))
            return ERR_SET(err, ERR_USAGE, "--agg \"%s\": expected an aggregate", text);
        p = skip_ws(p);
        if (*p == '=') {
            p++;
            name = a;
            if (!read_word(&p, func, sizeof(func)))
                return ERR_SET(err, ERR_USAGE, "--agg \"%s\": expected a function after '='", text);
        } else {
            memcpy(func, a, sizeof(func));
        }
        for (size_t i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++)
            if (strcasecmp(func, funcs[i].name) == 0)
                kind = (int)funcs[i].kind;
        if (kind < 0)
            return ERR_SET(err, ERR_USAGE,
                           "--agg: unknown function '%s' (count, sum, min, max, distinct, avg)",
                           func);
        p = skip_ws(p);
        if (*p != '(')
            return ERR_SET(err, ERR_USAGE, "--agg: expected '(' after %s", func);
        p++;
        p = skip_ws(p);
        if (kind == AGG_COUNT && *p == '*') /* count(*) is count() */
            p++;
        else
            read_word(&p, arg, sizeof(arg));
        p = skip_ws(p);
        if (*p != ')')
            return ERR_SET(err, ERR_USAGE, "--agg: expected ')' after %s(%s", func, arg);
        p++;
        if (kind != AGG_COUNT || arg[0]) {
            id = record_field_lookup(arg, strlen(arg));
            if (id < 0)
                return ERR_SET(err, ERR_USAGE, "--agg: unknown field '%s' in %s()", arg, func);
            if (record_field_kind((enum field_id)id) == FIELD_KIND_LIST)
                return ERR_SET(err, ERR_USAGE, "--agg: %s() of a list field is not supported",
                               func);
            if (record_field_of_rr((enum field_id)id) && job->view != REC_DNS)
                return ERR_SET(err, ERR_USAGE,
                               "--agg: %s is a field of one DNS record: use --records dns", arg);
            if (kind != AGG_DISTINCT && kind != AGG_COUNT &&
                record_field_kind((enum field_id)id) != FIELD_KIND_NUM)
                return ERR_SET(err, ERR_USAGE, "--agg: %s() needs a numeric field, not '%s'", func,
                               arg);
        }
        if (job->ncols == JOB_MAX_COLS || job->ncols - job->nkeys == JOB_MAX_AGGS)
            return ERR_SET(err, ERR_USAGE, "--agg: at most %d aggregates", JOB_MAX_AGGS);
        c = &job->cols[job->ncols];
        if (name) {
            set_names(c, name);
        } else {
            char def[160];

            snprintf(def, sizeof(def), "%s%s%s", func, arg[0] ? "_" : "", arg);
            set_names(c, def);
        }
        if (dup_col(job, c))
            return ERR_SET(err, ERR_USAGE,
                           "--agg: column '%s' named twice (names, and JSON keys without '#', "
                           "must differ; name it with NAME=)",
                           c->name);
        c->is_key = 0;
        c->agg = (enum agg_kind)kind;
        c->field = id < 0 ? FIELD_COUNT : (enum field_id)id;
        c->off = job->val_len;
        if (kind == AGG_DISTINCT) {
            enum field_kind k = record_field_kind(c->field);

            c->width = k == FIELD_KIND_ADDR ? 17 : k == FIELD_KIND_STR ? 16 : 8;
            job->val_len += JOB_DISTINCT_STATE;
        } else {
            /* a sum is 128 bits: exact, never wrapped; avg is that sum and a count */
            job->val_len += kind == AGG_SUM ? 16 : kind == AGG_AVG ? 24 : 8;
        }
        job->ncols++;
        p = skip_ws(p);
        if (*p == '\0')
            return 0;
        if (*p != ',')
            return ERR_SET(err, ERR_USAGE, "--agg \"%s\": expected ',' at \"%s\"", text, p);
        p++;
    }
}

static int
pred_resolve(struct job *job, const struct expr_ref *ref, struct err *err)
{
    const char *func = ref->func, *arg = ref->arg;
    size_t flen = ref->flen, len = ref->len;

    static const struct {
        const char *name;
        enum job_pred_kind kind;
    } preds[] = {{"count_type", PRED_TYPE},   {"count_section", PRED_SECTION},
                 {"count_rcode", PRED_RCODE}, {"count_qr", PRED_QR},
                 {"count_name", PRED_NAME},   {"count_suffix", PRED_SUFFIX}};
    struct job_pred *p;

    for (size_t i = 0; i < sizeof(preds) / sizeof(preds[0]); i++) {
        if (strlen(preds[i].name) != flen || strncasecmp(preds[i].name, func, flen) != 0)
            continue;
        if (job->npreds == JOB_MAX_PREDS)
            return ERR_SET(err, ERR_USAGE, "--where: at most %d DNS functions", JOB_MAX_PREDS), -1;
        p = &job->preds[job->npreds];
        memset(p, 0, sizeof(*p));
        p->kind = preds[i].kind;
        if (p->kind == PRED_NAME || p->kind == PRED_SUFFIX) {
            if (!ref->quoted || len + 1 >= sizeof(p->text))
                return ERR_SET(err, ERR_USAGE,
                               "--where: %s() takes a quoted name of at most %zu bytes, e.g. "
                               "%s('example.com.')",
                               preds[i].name, sizeof(p->text) - 2, preds[i].name),
                       -1;
            /* DNS names match ASCII case-insensitively (RFC 4343): kept lower-cased */
            for (size_t k = 0; k < len; k++)
                p->text[k] = (char)tolower((unsigned char)arg[k]);
            /* a name without its trailing dot is taken as if it had one */
            if (len > 0 && arg[len - 1] != '.')
                p->text[len++] = '.';
            p->len = len;
        } else {
            char num[24];
            char *end = NULL;

            if (ref->quoted || len == 0 || len >= sizeof(num))
                return ERR_SET(err, ERR_USAGE, "--where: %s() takes a number", preds[i].name), -1;
            memcpy(num, arg, len);
            num[len] = '\0';
            p->num = strtoull(num, &end, 10);
            if (*end != '\0' || !isdigit((unsigned char)num[0]))
                return ERR_SET(err, ERR_USAGE, "--where: %s() takes a number, not '%s'",
                               preds[i].name, num),
                       -1;
            {
                /* the field's range: a number outside it could never match */
                uint64_t max = p->kind == PRED_TYPE      ? 65535
                               : p->kind == PRED_SECTION ? 3
                               : p->kind == PRED_QR      ? 1
                                                         : 255; /* rcode: 8 bits */

                if (p->num > max)
                    return ERR_SET(err, ERR_USAGE,
                                   "--where: %s(%s) can never match: it takes 0 to %llu",
                                   preds[i].name, num, (unsigned long long)max),
                           -1;
            }
        }
        return JOB_PRED_SLOT + (int)job->npreds++;
    }
    return -2;
}

/* Whether name bytes `a` equal lower-case `lower` (len bytes), ASCII case-insensitively. */
static inline int
name_eq(const uint8_t *a, const char *lower, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t c = a[i];

        if (c >= 'A' && c <= 'Z')
            c = (uint8_t)(c + 32);
        if (c != (uint8_t)lower[i])
            return 0;
    }
    return 1;
}

/* job_pred_count() - how many DNS records of `f` match predicate `p`. */
static uint64_t
job_pred_count(const struct job_pred *p, const struct flow *f)
{
    uint64_t n = 0;

    for (uint32_t i = 0; i < f->ndns; i++) {
        const struct dns_rr *rr = &f->dns[i];

        switch (p->kind) {
        case PRED_TYPE:
            n += rr->rrtype == p->num;
            break;
        case PRED_SECTION:
            n += rr->section == p->num;
            break;
        case PRED_RCODE:
            n += rr->rcode == p->num;
            break;
        case PRED_QR:
            n += rr->qr == p->num;
            break;
        case PRED_NAME:
            n += rr->name_len == p->len && name_eq(rr->name, p->text, p->len);
            break;
        case PRED_SUFFIX:
            n += rr->name_len >= p->len &&
                 name_eq(rr->name + rr->name_len - p->len, p->text, p->len);
            break;
        }
    }
    return n;
}

void
job_rec_domain(const struct job *job, struct domain_cache *c, struct rec *r)
{
    struct domain_parts d;

    if (job->dl == NULL || r->rr == NULL)
        return;
    if (domain_split(job->dl, c, r->rr->name, r->rr->name_len, &d)) {
        r->dom_off = (uint32_t)d.domain_off;
        r->dom_len = (uint32_t)d.domain_len; /* with the dot: never 0 */
    } else {
        r->dom_len = 0; /* an empty name: no domain */
    }
}

size_t
job_rec_str(const struct rec *r, enum field_id id, uint8_t *buf, size_t cap)
{
    size_t len;

    if (r->rr == NULL)
        return 0;
    if (id == FIELD_DNS_NAME) {
        len = r->rr->name_len < cap ? r->rr->name_len : cap;
        memcpy(buf, r->rr->name, len);
        return len;
    }
    len = r->dom_len;
    if (len == 0 || len > cap)
        return 0;
    for (size_t i = 0; i + 1 < len; i++) {
        uint8_t ch = r->rr->name[r->dom_off + i];

        buf[i] = ch >= 'A' && ch <= 'Z' ? (uint8_t)(ch + 32) : ch;
    }
    buf[len - 1] = '.';
    return len;
}

size_t
job_flow_name_at(const void *flow, size_t k, const uint8_t **p)
{
    const struct flow *f = flow;

    *p = f->dns[k].name;
    return f->dns[k].name_len;
}

struct expr_val
job_where_get(const void *ctx, int slot)
{
    const struct job_where_ctx *w = ctx;
    struct expr_val v = {EXPR_INT, 0, 0, NULL, 0, 0};

    if (slot == JOB_RR_NAME || slot == JOB_RR_DOMAIN) {
        if (w->r->rr == NULL)
            return (struct expr_val){EXPR_NULL, 0, 0, NULL, 0, 0};
        v.kind = EXPR_STR;
        if (slot == JOB_RR_NAME) {
            v.a = w->r->rr->name;
            v.len = w->r->rr->name_len;
        } else {
            v.len = job_rec_str(w->r, FIELD_DNS_DOMAIN, w->addr + 34, DOMAIN_MAX + 1);
            v.a = w->addr + 34;
        }
    } else if (slot == JOB_NAMES_SLOT) {
        v.kind = EXPR_STR;
        v.a = (const uint8_t *)w->r->f;
        v.len = w->r->f->ndns;
    } else if (slot >= JOB_PRED_SLOT) {
        v.i = job_pred_count(&w->job->preds[slot - JOB_PRED_SLOT], w->r->f);
    } else if (slot == FIELD_SIP || slot == FIELD_DIP) {
        uint8_t *a = w->addr + (slot == FIELD_SIP ? 0 : 17);

        record_addr(w->r, (enum field_id)slot, a);
        v.kind = EXPR_ADDR;
        v.a = a;
    } else {
        v.i = record_num(w->r, (enum field_id)slot);
    }
    return v;
}

/* 1 true, 0 false (or NULL), -code with `err` set on overflow. */
static inline __attribute__((always_inline)) int
test_true(const struct job *job, const struct job_test *t, const struct rec *r, struct err *err)
{
    switch (t->kind) {
    case TEST_NUM:
        return expr_cmp_int(t->cmp,
                            t->pred >= 0 ? job_pred_count(&job->preds[t->pred], r->f)
                                         : record_num(r, t->field),
                            t->c);
    case TEST_REAL:
        return expr_cmp_int_real(t->cmp,
                                 t->pred >= 0 ? job_pred_count(&job->preds[t->pred], r->f)
                                              : record_num(r, t->field),
                                 t->d);
    case TEST_RATIO: {
        double b = (double)record_num(r, t->field2), q;

        if (b == 0)
            return 0;
        q = (double)record_num(r, t->field) / b;
        if (t->pred) /* an integer constant: compared exactly, as the tree does */
            return expr_cmp_of(t->cmp, -expr_order_int_real(t->c, q));
        return expr_cmp_f64(t->cmp, q, t->d);
    }
    case TEST_IN:
        return expr_term_in(job->where, &t->term, record_addr16(r, t->field),
                            t->term.slot2 >= 0 ? record_addr16(r, t->field2) : NULL);
    case TEST_IN4: {
        const uint8_t *a = record_addr16(r, t->field);
        uint64_t hi, lo;
        uint32_t ip;

        memcpy(&hi, a, 8);
        memcpy(&lo, a + 8, 8);
        lo = __builtin_bswap64(lo);
        ip = (uint32_t)lo;
        return (hi == 0 && lo >> 32 == 0xffff && ip >= t->lo4 && ip <= t->hi4) ^ t->term.in_neg;
    }
    case TEST_IN_NUM:
        return expr_term_in_int(job->where, &t->term, record_num(r, t->field));
    default: {
        uint8_t addr[JOB_WHERE_SCRATCH];
        struct job_where_ctx w = {job, r, addr};

        return expr_term_test(job->where, &t->term, job_where_get, &w, err);
    }
    }
}

/* Whether flow f passes the flow-level conjuncts plan.flow[from..to). */
static int
keep_flow_tests(const struct job *job, const struct flow *f, size_t from, size_t to)
{
    struct rec r;

    memset(&r, 0, sizeof(r));
    r.f = f; /* flow tests read only flow fields and both addresses (either-side tests), and never
                fail */
    r.sip = f->sip;
    r.dip = f->dip;
    for (size_t i = from; i < to; i++) {
        const struct job_test *t = &job->plan.flow[i];

        if (t->kind == TEST_NUM && t->pred < 0) { /* app = 53, ndns > 0: the presets' */
            if (!expr_cmp_int(t->cmp, (expr_int)record_num(&r, t->field), t->c))
                return 0;
        } else if (test_true(job, t, &r, NULL) <= 0) {
            return 0;
        }
    }
    return 1;
}

int
job_keep_flow_tests(const struct job *job, const struct flow *f)
{
    return keep_flow_tests(job, f, 0, job->plan.nflow);
}

int
job_keep_flow_post_tests(const struct job *job, const struct flow *f)
{
    return keep_flow_tests(job, f, job->plan.npre, job->plan.nflow);
}

int
job_keep_flow_pre_tests(const struct job *job, const struct flow *f)
{
    return keep_flow_tests(job, f, 0, job->plan.npre);
}

uint64_t
job_pre_uses(const struct job *job)
{
    uint64_t u = 0;

    for (size_t i = 0; i < job->plan.npre; i++) {
        const struct job_test *t = &job->plan.flow[i];

        u |= (uint64_t)1 << t->field;
        if (t->kind == TEST_RATIO || (t->kind == TEST_IN && t->term.slot2 >= 0))
            u |= (uint64_t)1 << t->field2;
    }
    return u;
}

/* job_keep_rec() for a plan of per-record conjuncts, one of which can fail. */
static int
keep_rec_tests(const struct job *job, const struct rec *r, struct err *err)
{
    struct err first;
    int failed = 0;

    /*
     * A false conjunct decides whatever the others give, so an overflow is
     * reported only when no conjunct is false (expr.h): keep its message
     * aside until every conjunct has been tested.
     */
    first.code = ERR_OK;
    for (size_t i = 0; i < job->plan.nrec; i++) {
        int rc = test_true(job, &job->plan.rec[i], r, &first);

        if (rc == 0)
            return 0;
        failed |= rc < 0;
    }
    if (failed) {
        if (err != NULL && err->code == ERR_OK)
            *err = first;
        return -(int)first.code;
    }
    return 1;
}

int
job_keep_rec_tests(const struct job *job, const struct rec *r, struct err *err)
{
    if (job->plan.whole) {
        uint8_t addr[JOB_WHERE_SCRATCH];
        struct job_where_ctx w = {job, r, addr};

        return expr_test(job->where, job_where_get, &w, err);
    }
    if (job->plan.rec_may_fail)
        return keep_rec_tests(job, r, err);
    for (size_t i = 0; i < job->plan.nrec; i++) /* direct tests: never fail */
        if (test_true(job, &job->plan.rec[i], r, NULL) == 0)
            return 0;
    return 1;
}

static int
is_num_slot(int slot)
{
    return slot < FIELD_COUNT && record_field_kind((enum field_id)slot) == FIELD_KIND_NUM;
}

/*
 * Compiles conjunct `term` into `t`; returns its cost rank (0 cheapest; tests
 * run in rank order, which cannot change the answer: every one must be true)
 * and sets *of_flow when it depends on the flow alone.
 */
static int
compile_test(const struct expr *where, const struct expr_term *term, struct job_test *t,
             int *of_flow)
{
    memset(t, 0, sizeof(*t));
    t->kind = TEST_EXPR;
    t->pred = -1;
    t->term = *term;
    *of_flow = 0;
    switch (term->kind) {
    case EXPR_TERM_CMP:
        if (term->slot >= JOB_PRED_SLOT)
            t->pred = term->slot - JOB_PRED_SLOT;
        else if (is_num_slot(term->slot))
            t->field = (enum field_id)term->slot;
        else
            return 3;
        t->kind = term->ck == EXPR_INT ? TEST_NUM : TEST_REAL;
        t->cmp = term->cmp;
        t->c = term->ci;
        t->d = term->cd;
        *of_flow = t->pred >= 0 || record_field_of_flow(t->field);
        return t->pred >= 0 ? 2 : 0;
    case EXPR_TERM_RATIO:
        if (!is_num_slot(term->slot) || !is_num_slot(term->slot2))
            return 3;
        t->kind = TEST_RATIO;
        t->cmp = term->cmp;
        t->field = (enum field_id)term->slot;
        t->field2 = (enum field_id)term->slot2;
        t->pred = term->ck == EXPR_INT; /* RATIO: 1 when the constant is an integer */
        t->c = term->ci;
        t->d = term->cd;
        if (t->pred && t->c >= -((expr_int)1 << 53) && t->c <= (expr_int)1 << 53) {
            /* exact as a double: the quotient compared with it as doubles is the exact order */
            t->pred = 0;
            t->d = (double)t->c;
        }
        *of_flow = record_field_of_flow(t->field) && record_field_of_flow(t->field2);
        return 1;
    case EXPR_TERM_IN:
        if (term->in_kind == EXPR_ADDR && (term->slot == FIELD_SIP || term->slot == FIELD_DIP) &&
            (term->slot2 < 0 || term->slot2 == FIELD_SIP || term->slot2 == FIELD_DIP)) {
            t->kind = TEST_IN;
            t->field = (enum field_id)term->slot;
            if (term->slot2 >= 0)
                t->field2 = (enum field_id)term->slot2;
            else if (expr_term_in_v4(where, term, &t->lo4, &t->hi4))
                t->kind = TEST_IN4; /* the presets' "sip in (192.168.0.0/16)" */
            /* every record of a flow has the flow's two addresses, maybe swapped */
            *of_flow = term->slot2 >= 0 && term->slot2 != term->slot;
            return 1;
        }
        if (term->in_kind == EXPR_INT && is_num_slot(term->slot)) {
            t->kind = TEST_IN_NUM;
            t->field = (enum field_id)term->slot;
            *of_flow = record_field_of_flow(t->field);
            return 1;
        }
        return 3;
    default:
        return 3;
    }
}

/*
 * field_max() - the largest value numeric field `id` can hold (its smallest is 0): a
 * comparison with a literal outside 0..max, or one no value satisfies, is refused
 * when parsing (docs/query.md). dns.qr and dns.section as count_qr() / count_section().
 */
static uint64_t
field_max(enum field_id id)
{
    switch (id) {
    case FIELD_SPORT:
    case FIELD_DPORT:
    case FIELD_APP:
    case FIELD_DNS_TYPE:
        return UINT16_MAX;
    case FIELD_PROTO:
    case FIELD_DNS_RCODE:
        return UINT8_MAX;
    case FIELD_DNS_QR:
        return 1;
    case FIELD_DNS_SECTION:
        return 3;
    case FIELD_NDNS:
    case FIELD_DNS_TTL:
        return UINT32_MAX;
    default:
        return UINT64_MAX;
    }
}

/* set_range() - `out` holds 0..max. */
static void
set_range(struct expr_name *out, uint64_t max)
{
    out->ranged = 1;
    out->lo = 0;
    out->hi = (expr_int)max;
}
/*
 * flow_test() - `t` as a struct job_flow_test when it is a TEST_NUM of a
 * number struct flow holds as such (record_num() reads it unchanged) and its
 * passing values form one range of uint64 (or all but one value, for !=).
 * Returns 0 when it cannot be one (the general test then runs).
 */
static int
flow_test(const struct job_test *t, struct job_flow_test *x)
{
    const expr_int max = (expr_int)UINT64_MAX;
    expr_int c = t->c, lo, hi;
    size_t off, width;

    if (t->kind != TEST_NUM || t->pred >= 0)
        return 0;
    /* the values are 0..max: clipping c to -1..max + 1 changes no answer, and c +- 1 fits */
    c = c < -1 ? -1 : c > max + 1 ? max + 1 : c;
    switch (t->field) {
    case FIELD_START:
        off = offsetof(struct flow, start_ms), width = 8;
        break;
    case FIELD_END:
        off = offsetof(struct flow, end_ms), width = 8;
        break;
    case FIELD_PROTO:
        off = offsetof(struct flow, proto), width = 1;
        break;
    case FIELD_APP:
        off = offsetof(struct flow, app_label), width = 2;
        break;
    case FIELD_RBYTES:
        off = offsetof(struct flow, rev_bytes), width = 8;
        break;
    case FIELD_RPACKETS:
        off = offsetof(struct flow, rev_packets), width = 8;
        break;
    case FIELD_NDNS:
        off = offsetof(struct flow, ndns), width = 4;
        break;
    default:
        return 0;
    }
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
    return 0; /* the mask keeps the low-order bytes of the load */
#endif
    if (off + 8 > sizeof(struct flow))
        return 0;
    switch (t->cmp) { /* record_num() is a uint64: the values of v <cmp> c, clipped to it */
    case EXPR_CMP_EQ:
    case EXPR_CMP_NE:
        lo = hi = c;
        break;
    case EXPR_CMP_LT:
        lo = 0, hi = c - 1;
        break;
    case EXPR_CMP_LE:
        lo = 0, hi = c;
        break;
    case EXPR_CMP_GT:
        lo = c + 1, hi = max;
        break;
    case EXPR_CMP_GE:
        lo = c, hi = max;
        break;
    default:
        return 0;
    }
    if (lo < 0)
        lo = 0;
    if (hi > max)
        hi = max;
    if (lo > hi) /* never true (or, for !=, always): rare enough for the general test */
        return 0;
    x->lo = (uint64_t)lo;
    x->span = (uint64_t)(hi - lo);
    x->mask = width == 8 ? UINT64_MAX : ((uint64_t)1 << (8 * width)) - 1;
    x->off = (uint32_t)off;
    x->neg = t->cmp == EXPR_CMP_NE;
    return 1;
}

/*
 * plan_size_test() - job->size_test from the conjuncts of --having that compare
 * size(a list key) with an integer: each false one drops the group whatever
 * the others give (expr.h), and every record of a group has lists of the
 * group's size, so a record outside their range cannot make a printed group.
 * != is left to --having (no range).
 */
static void
plan_size_test(struct job *job)
{
    struct expr_term terms[JOB_MAX_TESTS];
    size_t n = expr_terms(job->having, terms, JOB_MAX_TESTS);
    expr_int lo = 0, hi = UINT32_MAX; /* the range of size() (having_resolve()) */

    if (n > JOB_MAX_TESTS)
        n = JOB_MAX_TESTS; /* the first ones: each alone may drop a group */
    for (size_t i = 0; i < n; i++) {
        const struct expr_term *t = &terms[i];
        expr_int c = t->ci;

        if (t->kind != EXPR_TERM_CMP || t->ck != EXPR_INT || t->slot < JOB_MAX_COLS ||
            t->cmp == EXPR_CMP_NE)
            continue;
        job->size_test = 1;
        if (t->cmp == EXPR_CMP_EQ || t->cmp == EXPR_CMP_GE)
            lo = c > lo ? c : lo;
        if (t->cmp == EXPR_CMP_GT)
            lo = c + 1 > lo ? c + 1 : lo;
        if (t->cmp == EXPR_CMP_EQ || t->cmp == EXPR_CMP_LE)
            hi = c < hi ? c : hi;
        if (t->cmp == EXPR_CMP_LT)
            hi = c - 1 < hi ? c - 1 : hi;
    }
    if (hi < lo) { /* no size passes: an empty range */
        lo = 1;
        hi = 0;
    }
    job->size_lo = (uint64_t)lo; /* 0 <= lo, and hi >= lo or the empty [1, 0] */
    job->size_hi = (uint64_t)hi;
}

static void
plan_where(struct job *job)
{
    struct job_where_plan *pl = &job->plan;
    struct expr_term terms[JOB_MAX_TESTS];
    size_t n = expr_terms(job->where, terms, JOB_MAX_TESTS);

    if (n > JOB_MAX_TESTS) {
        pl->whole = 1;
        return;
    }
    for (int rank = 0; rank <= 3; rank++) {
        for (size_t i = 0; i < n; i++) {
            struct job_test t;
            int of_flow;

            if (compile_test(job->where, &terms[i], &t, &of_flow) != rank)
                continue;
            if (of_flow) {
                pl->flow[pl->nflow++] = t;
                /* ranks 0 and 1 read flow fields only (DNS functions are rank 2) */
                if (rank < 2)
                    pl->npre = pl->nflow;
            } else {
                pl->rec[pl->nrec++] = t;
            }
            if (!of_flow && t.kind == TEST_EXPR)
                pl->rec_may_fail = 1;
        }
    }
    /* either side: which of the two addresses is field and which field2 does not matter */
    pl->pre_in = pl->npre == 1 && pl->flow[0].kind == TEST_IN && pl->flow[0].term.slot2 >= 0;
    if (pl->pre_in)
        pl->pre_v4 = expr_term_v4_filter(job->where, &pl->flow[0].term);
    pl->pre_num = pl->npre > 0;
    for (size_t i = 0; i < pl->npre && pl->pre_num; i++)
        pl->pre_num = flow_test(&pl->flow[i], &pl->pre_ft[i]);
}

static void
field_name_kind(enum field_id id, struct expr_name *out)
{
    out->kind = record_field_kind(id) == FIELD_KIND_ADDR ? EXPR_ADDR : EXPR_INT;
    out->time_ms = id == FIELD_START || id == FIELD_END ? 1 : id == FIELD_HOUR ? 1000 : 0;
    if (out->kind == EXPR_INT)
        set_range(out, field_max(id));
}

/* The record part a DNS function reads (job.uses). */
static enum field_id
pred_field(enum job_pred_kind k)
{
    switch (k) {
    case PRED_TYPE:
        return FIELD_DNS_TYPE;
    case PRED_SECTION:
        return FIELD_DNS_SECTION;
    case PRED_RCODE:
        return FIELD_DNS_RCODE;
    case PRED_QR:
        return FIELD_DNS_QR;
    default:
        return FIELD_DNS_NAME;
    }
}

static int where_resolve_name(void *ctx, const struct expr_ref *ref, struct expr_name *out,
                              struct err *err);

/* where_resolve() - where_resolve_name(), noting what the name reads in job->uses. */
static int
where_resolve(void *ctx, const struct expr_ref *ref, struct expr_name *out, struct err *err)
{
    struct job *job = ctx;
    int rc = where_resolve_name(ctx, ref, out, err);
    int slots[2] = {out->slot, out->slot2};

    if (rc < 0)
        return rc;
    for (int i = 0; i < (out->slot2 >= 0 ? 2 : 1); i++) {
        int sl = slots[i];

        if (sl >= JOB_PRED_SLOT)
            job->uses |= (uint64_t)1 << pred_field(job->preds[sl - JOB_PRED_SLOT].kind);
        else if (sl == JOB_NAMES_SLOT || sl == JOB_RR_NAME)
            job->uses |= (uint64_t)1 << FIELD_DNS_NAME;
        else if (sl == JOB_RR_DOMAIN)
            job->uses |= (uint64_t)1 << FIELD_DNS_DOMAIN | (uint64_t)1 << FIELD_DNS_NAME;
        else if (sl >= 0 && sl < FIELD_COUNT)
            job->uses |= (uint64_t)1 << sl;
    }
    return 0;
}

static int
where_resolve_name(void *ctx, const struct expr_ref *ref, struct expr_name *out, struct err *err)
{
    const struct job *job = ctx;
    const char *name = ref->arg;
    size_t len = ref->len;
    int id;

    if (ref->func) {
        int slot = pred_resolve(ctx, ref, err);

        if (slot == -1)
            return -1;
        if (slot >= 0) {
            out->slot = slot;
            set_range(out, UINT32_MAX); /* a count of the flow's DNS records */
            return 0;
        }
    }
    if (ref->quoted)
        return ERR_SET(err, ERR_USAGE, "--where: %.*s() takes a field, not a string",
                       (int)ref->flen, ref->func),
               -1;
    if (ref->func == NULL && len == 4 && strncasecmp(name, "addr", 4) == 0) {
        out->slot = FIELD_SIP;
        out->slot2 = FIELD_DIP;
        out->kind = EXPR_ADDR;
        return 0;
    }
    if (ref->func == NULL && job->view == REC_DNS &&
        ((len == 10 && strncasecmp(name, "dns.suffix", 10) == 0) ||
         (len == 8 && strncasecmp(name, "dns.name", 8) == 0) ||
         (len == 10 && strncasecmp(name, "dns.domain", 10) == 0))) {
        /* one record, one name: compared like any string, case-insensitively */
        out->slot = len == 8 || name[4] == 's' || name[4] == 'S' ? JOB_RR_NAME : JOB_RR_DOMAIN;
        out->kind = EXPR_STR;
        out->icase = 1;
        out->dotted = 1;
        out->suffix = out->slot == JOB_RR_NAME && len == 10;
        return 0;
    }
    if (ref->func == NULL && ((len == 10 && strncasecmp(name, "dns.suffix", 10) == 0) ||
                              (len == 8 && strncasecmp(name, "dns.name", 8) == 0))) {
        out->slot = JOB_NAMES_SLOT;
        out->kind = EXPR_STR;
        out->icase = 1;
        out->dotted = 1;
        out->suffix = len == 10;
        out->name_at = job_flow_name_at;
        return 0;
    }
    if (ref->func == NULL && len == 4 && strncasecmp(name, "port", 4) == 0) {
        out->slot = FIELD_SPORT;
        out->slot2 = FIELD_DPORT;
        set_range(out, UINT16_MAX);
        return 0;
    }
    id = record_field_lookup(name, len);
    if (id < 0 && ref->func != NULL && !(ref->flen == 4 && strncasecmp(ref->func, "size", 4) == 0))
        return ERR_SET(err, ERR_USAGE, "--where: unknown function '%.*s(%.*s)'", (int)ref->flen,
                       ref->func, (int)len, name),
               -1; /* count_rrs(): the function is what is wrong, not its (empty) argument */
    if (id < 0)
        return ERR_SET(err, ERR_USAGE, "--where: unknown field '%.*s'", (int)len, name), -1;
    if (ref->func) {
        if (ref->flen == 4 && strncasecmp(ref->func, "size", 4) == 0 &&
            record_field_kind((enum field_id)id) == FIELD_KIND_LIST) {
            out->slot = FIELD_NDNS;
            set_range(out, UINT32_MAX);
            return 0;
        }
        return ERR_SET(err, ERR_USAGE, "--where: unknown function '%.*s(%.*s)'", (int)ref->flen,
                       ref->func, (int)len, name),
               -1;
    }
    if (record_field_kind((enum field_id)id) == FIELD_KIND_LIST)
        return ERR_SET(err, ERR_USAGE, "--where: list field '%.*s' can only be used as size(%.*s)",
                       (int)len, name, (int)len, name),
               -1;
    if (record_field_of_rr((enum field_id)id) && job->view != REC_DNS)
        return ERR_SET(err, ERR_USAGE,
                       "--where: %s is a field of one DNS record: use --records dns (or the "
                       "flow's count_*() functions)",
                       record_field_name((enum field_id)id)),
               -1;
    out->slot = id;
    field_name_kind((enum field_id)id, out);
    return 0;
}

/* Having slots: column index, or JOB_MAX_COLS + index for size(list column). */
static int
having_resolve(void *ctx, const struct expr_ref *ref, struct expr_name *out, struct err *err)
{
    const struct job *job = ctx;
    const char *name = ref->arg;
    size_t len = ref->len;
    int col = ref->quoted ? -1 : find_col(job, name, len);
    const struct job_col *c;

    if (col < 0)
        return ERR_SET(err, ERR_USAGE, "--having: unknown column '%.*s'", (int)len, name), -1;
    c = &job->cols[col];
    if (ref->func) {
        if (ref->flen == 4 && strncasecmp(ref->func, "size", 4) == 0 && c->is_key &&
            record_field_kind(c->field) == FIELD_KIND_LIST) {
            out->slot = JOB_MAX_COLS + col;
            set_range(out, UINT32_MAX);
            return 0;
        }
        return ERR_SET(err, ERR_USAGE, "--having: unknown function '%.*s(%.*s)'", (int)ref->flen,
                       ref->func, (int)len, name),
               -1;
    }
    if (c->is_key && record_field_kind(c->field) == FIELD_KIND_LIST)
        return ERR_SET(err, ERR_USAGE, "--having: list column '%.*s' can only be used as size()",
                       (int)len, name),
               -1;
    if (c->is_key && record_field_kind(c->field) == FIELD_KIND_STR)
        return ERR_SET(err, ERR_USAGE,
                       "--having: text column '%.*s' cannot be tested (filter it "
                       "with --where)",
                       (int)len, name),
               -1;
    out->slot = col;
    if (c->is_key) {
        field_name_kind(c->field, out);
    } else if (c->agg == AGG_MIN || c->agg == AGG_MAX) {
        field_name_kind(c->field, out); /* min/max of a time is a time */
    } else if (c->agg == AGG_AVG) {
        out->kind = EXPR_REAL; /* sum / count exactly: an EXPR_RATIO (docs/query.md) */
        out->ratio = 1;
    } else {
        out->kind = EXPR_INT; /* count, sum, distinct: never negative */
        out->ranged = 1;
        out->lo = 0;
        out->hi = EXPR_INT128_MAX;
    }
    return 0;
}

/* "column [asc|desc], ..." */
static int
parse_order(struct job *job, const char *text, struct err *err)
{
    const char *p = text;

    job->norder = 0;
    for (;;) {
        char name[64], dir[16];
        const char *save;
        int col, desc = 0;

        if (!read_word(&p, name, sizeof(name)))
            return ERR_SET(err, ERR_USAGE, "--order \"%s\": expected a column name", text);
        col = find_col(job, name, strlen(name));
        if (col < 0)
            return ERR_SET(err, ERR_USAGE, "--order: unknown column '%s'", name);
        save = p;
        if (read_word(&p, dir, sizeof(dir))) {
            if (strcasecmp(dir, "desc") == 0)
                desc = 1;
            else if (strcasecmp(dir, "asc") != 0)
                return ERR_SET(err, ERR_USAGE, "--order: expected asc or desc, not '%s'", dir);
        } else {
            p = save;
        }
        for (size_t i = 0; i < job->norder; i++)
            if (job->order_cols[i] == col)
                return ERR_SET(err, ERR_USAGE, "--order: column '%s' given twice", name);
        if (job->norder == JOB_MAX_ORDER)
            return ERR_SET(err, ERR_USAGE, "--order: at most %d columns", JOB_MAX_ORDER);
        job->order_cols[job->norder] = col;
        job->order_descs[job->norder++] = desc;
        p = skip_ws(p);
        if (*p == '\0')
            break;
        if (*p != ',')
            return ERR_SET(err, ERR_USAGE, "--order \"%s\": expected ',' or the end at \"%s\"",
                           text, p);
        p++;
    }
    job->order_col = job->order_cols[0];
    job->order_desc = job->order_descs[0];
    return 0;
}

/* Whether the job names dns.domain (a key, an aggregate's field, or in --where). */
static int
job_uses_domain(const struct job *job, const char *where)
{
    if (job->view != REC_DNS)
        return 0;
    for (size_t i = 0; i < job->ncols; i++)
        if (job->cols[i].field == FIELD_DNS_DOMAIN)
            return 1;
    return where != NULL && strcasestr_ascii(where, "dns.domain");
}

/*
 * 1 when the parentheses of --where text `s` pair up, never closing one it has not opened,
 * outside '...' strings and unquoted @FILE names (tokens as expr_parse() reads them): then
 * "(s)" in a composed filter is `s` whole. 0 when they do not (a syntax error of `s`, or a
 * file name holding a quote or '(': typed_check() tells which).
 */
static int
parens_pair(const char *s)
{
    int depth = 0, quoted = 0;

    for (; *s; s++) {
        if (*s == '\'') {
            quoted = !quoted; /* '' inside a string: out and in again */
        } else if (quoted) {
            continue;
        } else if (*s == '@' && s[1] != '\'') { /* an unquoted file name: up to ' ', ')', ',' */
            while (s[1] && !isspace((unsigned char)s[1]) && s[1] != ')' && s[1] != ',')
                s++;
        } else if (*s == '(') {
            depth++;
        } else if (*s == ')' && --depth < 0) {
            return 0;
        }
    }
    return depth == 0 && !quoted;
}

/*
 * Parses the analyst's --where `typed` alone, only to find what is wrong with it: 0 when it
 * parses, else -ERR_USAGE with `err` set, its offset into `typed`. The predicates and uses it
 * noted in `job` are taken back.
 */
static int
typed_check(struct job *job, const char *typed, struct err *err)
{
    size_t npreds = job->npreds;
    uint64_t uses = job->uses;
    struct expr *e = expr_parse(typed, where_resolve, job, err);
    int rc = e != NULL ? 0 : -ERR_USAGE;

    expr_destroy(e);
    job->npreds = npreds;
    job->uses = uses;
    return rc;
}

int
job_build(struct job *job, const struct job_text *t, struct err *err)
{
    const char *records = t->records ? t->records : "flows";
    const char *bytes = t->bytes ? t->bytes : "forward";
    int rc;

    memset(job, 0, sizeof(*job));
    if (strcmp(records, "flows") == 0)
        job->view = REC_FLOWS;
    else if (strcmp(records, "silk") == 0)
        job->view = REC_SILK;
    else if (strcmp(records, "silk-forward") == 0)
        job->view = REC_SILK_FORWARD;
    else if (strcmp(records, "dns") == 0)
        job->view = REC_DNS;
    else
        return ERR_SET(err, ERR_USAGE,
                       "--records: expected flows, silk, silk-forward or dns, not '%s'", records);
    if (strcmp(bytes, "forward") == 0)
        job->bytes_total = 0;
    else if (strcmp(bytes, "total") == 0)
        job->bytes_total = 1;
    else
        return ERR_SET(err, ERR_USAGE, "--bytes: expected forward or total, not '%s'", bytes);
    if (job->bytes_total && job->view != REC_FLOWS && job->view != REC_DNS)
        return ERR_SET(err, ERR_USAGE, "--bytes total applies to the flows and dns views only");
    if (t->group_by == NULL || *skip_ws(t->group_by) == '\0')
        return ERR_SET(err, ERR_USAGE, "--group-by is required");
    rc = parse_keys(job, t->group_by, err);
    if (rc == 0)
        rc = parse_aggs(job, t->aggs ? t->aggs : "count=count()", err);
    if (rc == 0 && t->where && *skip_ws(t->where)) {
        /* A composed filter holds the analyst's text as "(TYPED)": it is TYPED whole only when
         * TYPED's parentheses pair up ("x) or (y" would escape the preset's filter). */
        int composed = t->where_typed != NULL && strcmp(t->where_typed, t->where) != 0;

        if (composed && !parens_pair(t->where_typed) && typed_check(job, t->where_typed, err) < 0) {
            rc = -ERR_USAGE;
        } else {
            job->where = expr_parse(t->where, where_resolve, job, err);
            rc = job->where ? 0 : -ERR_USAGE;
            if (rc < 0 && composed) { /* say it of what the analyst typed, when it is there */
                struct err alone;

                err_init(&alone);
                if (typed_check(job, t->where_typed, &alone) < 0)
                    *err = alone;
            }
        }
        if (rc == 0)
            plan_where(job);
    }
    if (rc == 0 && t->having && *skip_ws(t->having)) {
        job->having = expr_parse(t->having, having_resolve, job, err);
        rc = job->having ? 0 : -ERR_USAGE;
        if (rc == 0)
            plan_size_test(job);
    }
    if (rc == 0) {
        if (t->order && *skip_ws(t->order)) {
            rc = parse_order(job, t->order, err);
        } else {
            job->order_col = (int)job->nkeys;
            job->order_desc = 1;
            job->order_cols[0] = job->order_col;
            job->order_descs[0] = 1;
            job->norder = 1;
        }
    }
    job->limit = t->limit;
    for (size_t i = 0; i < job->ncols; i++) {
        enum field_id f = job->cols[i].field;

        if (f < FIELD_COUNT)
            job->uses |= (uint64_t)1 << f;
        if (f == FIELD_DNS_DOMAIN) /* found in the name */
            job->uses |= (uint64_t)1 << FIELD_DNS_NAME;
    }
    if (rc == 0 && job_uses_domain(job, t->where)) {
        job->dl = domain_list_load(err);
        rc = job->dl ? 0 : -ERR_IO;
    }
    if (rc < 0)
        job_fini(job);
    return rc;
}

void
job_fini(struct job *job)
{
    expr_destroy(job->where);
    expr_destroy(job->having);
    domain_list_free(job->dl);
    job->where = NULL;
    job->having = NULL;
    job->dl = NULL;
}

/* The preset's `base` filter with the user's `where` ANDed in, into buf->where. */
static int
and_where(const char *base, const char *where, struct job_text_buf *buf, struct err *err)
{
    int n;

    if (where == NULL || *skip_ws(where) == '\0')
        n = snprintf(buf->where, sizeof(buf->where), "%s", base);
    else
        n = snprintf(buf->where, sizeof(buf->where), "(%s) and (%s)", base, where);
    if (n < 0 || (size_t)n >= sizeof(buf->where))
        return ERR_SET(err, ERR_USAGE, "--where: longer than %zu bytes with the preset's filter",
                       sizeof(buf->where) - 64);
    return 0;
}

int
job_preset_dns_names(const struct job_dns_names *o, const char *where, struct job_text *t,
                     struct job_text_buf *buf, struct err *err)
{
    memset(t, 0, sizeof(*t));
    t->records = "flows";
    t->bytes = o->bytes_total ? "total" : "forward";
    if (and_where("app = 53 and ndns > 0", where, buf, err) < 0)
        return -ERR_USAGE;
    t->where = buf->where;
    t->group_by = "dnsName=dns.names, dnsRRType=dns.types";
    t->aggs = "flows=count(), #sIP=distinct(sip), #dIP=distinct(dip), bytes=sum(bytes), "
              "packets=sum(packets)";
    snprintf(buf->having, sizeof(buf->having), "bytes / packets > %.17g and size(dnsName) <= %u",
             o->min_bpp, o->max_names);
    t->having = buf->having;
    t->order = "bytes desc";
    t->limit = o->limit;
    return 0;
}

int
job_preset_dns_dest(const struct job_dns_dest *o, const char *where, struct job_text *t,
                    struct job_text_buf *buf, struct err *err)
{
    char base[2048];
    int n;

    memset(t, 0, sizeof(*t));
    t->records = o->forward_only ? "silk-forward" : "silk";
    if (o->src_cidrs && *o->src_cidrs)
        n = snprintf(base, sizeof(base), "app = 53 and sip in (%s) and bytes / packets >= %.17g",
                     o->src_cidrs, o->min_bpp);
    else
        n = snprintf(base, sizeof(base), "app = 53 and bytes / packets >= %.17g", o->min_bpp);
    if (n < 0 || (size_t)n >= sizeof(base))
        return ERR_SET(err, ERR_USAGE, "--src-cidr: longer than %zu bytes", sizeof(base) - 64);
    if (where == NULL || *skip_ws(where) == '\0') {
        if (strlen(base) + 1 > sizeof(buf->where))
            return ERR_SET(err, ERR_USAGE, "--src-cidr: too long");
        memcpy(buf->where, base, strlen(base) + 1);
    } else if (and_where(base, where, buf, err) < 0) {
        return -ERR_USAGE;
    }
    t->where = buf->where;
    t->group_by = "dIP=dip, protocol=proto";
    t->aggs = "bytes=sum(bytes), flows=count(), packets=sum(packets)";
    snprintf(buf->having, sizeof(buf->having), "bytes >= %llu", (unsigned long long)o->min_bytes);
    t->having = buf->having;
    t->order = "bytes desc";
    t->limit = o->limit;
    return 0;
}
