/*
 * cli_job.c - see cli_job.h.
 */
#include "cli_job.h"

#include <stdio.h>
#include <string.h>

#include <xxhash.h>

#include "cache.h"
#include "cli_sweep.h"
#include "cli_usage.h"
#include "domain.h"
#include "mem.h"

/*
 * dns-hunt's state-shaping text for the cache: its key, the --allow list (names left out
 * while folding), the Public Suffix List file, the size of its state. --baseline, the
 * norms and --min-names act on the merged table only.
 */
char *
cli_job_hunt_cache_text(const struct cli *c, const struct hunt_allow *allow, const struct op *op,
                        const char *by_text)
{
    static const char *const by[] = {"domain", "domain,source", "server", "client"};
    XXH3_state_t *h = XXH3_createState();
    char psl[DOMAIN_LIST_ID_MAX], buf[320];

    XXH3_64bits_reset(h);
    if (c->text.where != NULL) { /* --where: marked, so that no allow list hashes the same */
        XXH3_64bits_update(h, "\xffwhere", 6);
        XXH3_64bits_update(h, c->text.where, strlen(c->text.where) + 1);
    }
    for (size_t i = 0; c->allow != NULL && allow != NULL && i < allow->n; i++)
        XXH3_64bits_update(h, allow->s[i], strlen(allow->s[i]) + 1);
    domain_list_identity(psl, sizeof(psl));
    snprintf(buf, sizeof(buf), "dns-hunt by=%s allow=%zu:%016llx state=%u %s",
             by_text          ? by_text
             : c->hunt.by < 4 ? by[c->hunt.by]
                              : "?",
             c->allow != NULL && allow != NULL ? allow->n : 0,
             (unsigned long long)XXH3_64bits_digest(h), op->val_len, psl);
    XXH3_freeState(h);
    return mem_strdup(buf);
}

char *
cli_job_inputs(const struct cli *c, const struct job *job, const struct hunt_allow *allow)
{
    const char *wl = expr_inputs(job->where);
    size_t cap = strlen(wl) + DOMAIN_LIST_ID_MAX + 64;
    char *s = mem_alloc(cap);
    size_t len = (size_t)snprintf(s, cap, "%s", wl);

    if (c->cmd == CMD_DNS_HUNT && c->allow != NULL && allow != NULL) {
        XXH3_state_t *h = XXH3_createState();

        XXH3_64bits_reset(h);
        for (size_t i = 0; i < allow->n; i++)
            XXH3_64bits_update(h, allow->s[i], strlen(allow->s[i]) + 1);
        len += (size_t)snprintf(s + len, cap - len, "allow %zu:%016llx\n", allow->n,
                                (unsigned long long)XXH3_64bits_digest(h));
        XXH3_freeState(h);
    }
    if (c->cmd == CMD_DNS_HUNT || job->dl != NULL) { /* registered domains: which list */
        char id[DOMAIN_LIST_ID_MAX];

        domain_list_identity(id, sizeof(id));
        snprintf(s + len, cap - len, "%s\n", id);
    }
    return s;
}

/*
 * preset_text() - `text` (a copy of c->text) as the command's job: dns-names'
 * and dns-dest's presets composed from it (into `buf`), a query's as given.
 * 0, or -1 with `err` set (a preset's --where that cannot be composed).
 */
static int
preset_text(struct cli *c, struct job_text *text, struct job_text_buf *buf, struct err *err)
{
    if (c->cmd == CMD_DNS_NAMES) {
        c->names.limit = c->limit;
        return job_preset_dns_names(&c->names, c->text.where, text, buf, err) < 0 ? -1 : 0;
    }
    if (c->cmd == CMD_DNS_DEST) {
        c->dest.limit = c->limit;
        c->dest.src_cidrs = c->cidrs_set ? c->cidrs : "192.168.0.0/16";
        return job_preset_dns_dest(&c->dest, c->text.where, text, buf, err) < 0 ? -1 : 0;
    }
    return 0;
}

char *
cli_job_finish(struct cli *c, int own)
{
    struct job_text text = c->text;
    struct job_text_buf buf;
    struct err err;
    const char *having, *order;
    char *s;
    size_t cap;

    err_init(&err);
    if (c->cmd == CMD_DNS_HUNT) {
        const char *baseline = c->baseline ? c->baseline : "";

        cap = strlen(baseline) + 128;
        s = mem_alloc(cap);
        snprintf(s, cap, "--baseline %s; --min-names %llu; --len-norm %.17g; --entropy-norm %.17g",
                 baseline, (unsigned long long)c->hunt.min_names, c->hunt.len_norm,
                 c->hunt.entropy_norm);
        return s;
    }
    if (preset_text(c, &text, &buf, &err) < 0)
        return NULL;
    if (c->cmd != CMD_DNS_NAMES && c->cmd != CMD_DNS_DEST) {
        if (own & 1)
            text.having = NULL; /* merge's own */
        if (own & 2)
            text.order = NULL;
    }
    having = text.having ? text.having : "";
    order = text.order ? text.order : "";
    cap = strlen(having) + strlen(order) + 64;
    s = mem_alloc(cap);
    snprintf(s, cap, "--having '%s'; --order '%s'; --epoch %s", having, order,
             c->epoch ? "yes" : "no");
    return s;
}

/*
 * The operation of the command: dns-hunt's, or the group-by job of a preset
 * or query text (built into `job`). Returns -1 to go on, or an exit code.
 * `shard`: the job of a shard (cli_job_identity()): *cache_text even for a job that reads a
 * watchlist file (its name is in it), and every group made (no size test of --having, job.h).
 */
static int
job_make(struct cli *c, struct job *job, struct op *group, struct hunt_allow *allow, struct op **op,
         char **cache_text, int shard)
{
    struct job_text text = c->text;
    struct job_text_buf buf;
    struct err err;

    err_init(&err);
    memset(job, 0, sizeof(*job));
    if (c->cmd == CMD_DNS_HUNT) { /* --show-query: refused with the options (cli_args.c) */
        struct hunt_opts o = c->hunt;
        int code = cli_hunt_options(c, &o, allow, &err);

        if (code >= 0)
            return code;
        if (c->text.where != NULL) {
            /* --where: the flows dns-hunt reads, as the flows view sees them */
            memset(&text, 0, sizeof(text));
            text.where = c->text.where;
            text.where_typed = c->text.where_typed;
            text.group_by = "sip"; /* job_build() wants keys; only --where is used */
            if (job_build(job, &text, &err) < 0)
                return cli_usage_error("%s", err.msg);
            o.where = job;
        }
        *op = hunt_op_create(&o, c->limit, &err);
        if (*op == NULL) {
            job_fini(job);
            if (err.code == ERR_USAGE) /* a bad FLOWSWEEP_PSL_FILE, as query says it */
                return cli_usage_error("%s", err.msg);
            cli_fatal(&err);
            return EXIT_FATAL;
        }
        /* a watchlist's contents are not in the job text: such a job is never cached */
        if (shard || !expr_reads_file(job->where))
            *cache_text = cli_job_hunt_cache_text(c, allow, *op, NULL);
        return -1;
    }
    if (preset_text(c, &text, &buf, &err) < 0)
        return cli_usage_error("%s", err.msg);
    if (c->cmd != CMD_DNS_NAMES && c->cmd != CMD_DNS_DEST)
        text.limit = c->limit;
    text.where_typed = c->text.where_typed; /* a preset composed text.where from it */
    if (job_build(job, &text, &err) < 0)    /* --show-query too: it shows only a job that runs */
        return cli_usage_error("%s", err.msg);
    if (shard || c->partial_out != NULL)
        job->size_test = 0; /* a shard holds every group: merge may be given another --having */
    if (c->show_query) {
        job_fini(job);
        cli_show_query(c, &text);
        return 0; /* main() checks that stdout was written */
    }
    job->time_cells = c->cmd == CMD_QUERY && !c->epoch; /* ISO 8601 unless --epoch */
    group_op_init(group, job);
    *op = group;
    /* a watchlist's contents are not in the job text: such a job is never cached */
    if (shard || !expr_reads_file(job->where))
        *cache_text = cache_job_text_group(job, text.where);
    return -1;
}

int
cli_job_make(struct cli *c, struct job *job, struct op *group, struct hunt_allow *allow,
             struct op **op, char **cache_text)
{
    return job_make(c, job, group, allow, op, cache_text, 0);
}

char *
cli_job_identity(struct cli *c, int *code)
{
    struct job *job = mem_calloc(1, sizeof(*job)); /* 11 KB: off the stack */
    struct op group, *op = NULL;
    struct hunt_allow allow = {0};
    char *text = NULL;

    c->show_query = 0;
    *code = job_make(c, job, &group, &allow, &op, &text, 1);
    if (*code < 0 && op == &group && text != NULL) {
        /* the columns' names: merge prints them, so shards naming them otherwise differ */
        size_t len = strlen(text), cap = len + 16 + 130 * job->ncols;
        char *named = mem_alloc(cap);

        len = (size_t)snprintf(named, cap, "%s names=", text);
        for (size_t i = 0; i < job->ncols; i++)
            len += (size_t)snprintf(named + len, cap - len, "%s%s/%s", i ? "," : "",
                                    job->cols[i].name, job->cols[i].json_name);
        mem_free(text);
        text = named;
    }
    if (*code < 0) {
        if (op != &group)
            hunt_op_destroy(op);
        job_fini(job);
    }
    hunt_allow_fini(&allow);
    mem_free(job);
    return text;
}
