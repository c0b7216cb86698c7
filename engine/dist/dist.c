/*
 * dist.c - see dist.h.
 */
#include "dist.h"

#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>
#include <xxhash.h>

#include "le.h"
#include "mem.h"
#include "partial.h"
#include "shard.h"

/* What each rank tells the others after a step. */
struct status {
    int32_t code; /* enum err_code; 0: fine */
    char msg[ERR_MSG_LEN];
};

/* The start: whether a rank runs the job (else its exit status and why not), its plan and
 * what its job read besides the flows (watchlists, Public Suffix List: cli_job_inputs()). */
struct start {
    int32_t ok;
    int32_t code; /* !ok: the rank's exit status */
    uint64_t nfiles;
    uint64_t fp;
    uint64_t inputs; /* XXH3-64 of the inputs text */
    char why[512];   /* !ok: its message ("" when it printed it) */
};

int
dist_init(int *argc, char ***argv, struct dist *d, struct err *err)
{
    int got = 0;

    memset(d, 0, sizeof(*d));
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &got) != MPI_SUCCESS)
        return ERR_SET(err, ERR_INTERNAL, "MPI_Init_thread failed");
    MPI_Comm_rank(MPI_COMM_WORLD, &d->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &d->size);
    if (got < MPI_THREAD_FUNNELED)
        return ERR_SET(err, ERR_INTERNAL, "MPI gives thread level %d, flowsweep needs FUNNELED",
                       got);
    d->chunk = (size_t)1 << 30;
    return 0;
}

void
dist_fini(struct dist *d)
{
    (void)d;
    MPI_Finalize();
}

int
dist_start(struct dist *d, int ok, const struct part_plan *plan, struct err *err)
{
    struct start me, *all = mem_calloc((size_t)d->size, sizeof(*all));
    const char *inputs = d->inputs != NULL ? d->inputs : "";
    int rc = 0;

    memset(&me, 0, sizeof(me));
    me.ok = ok;
    me.code = d->code;
    me.nfiles = plan ? plan->nfiles : 0;
    me.fp = plan && ok ? shard_plan_fp(plan) : 0;
    me.inputs = XXH3_64bits(inputs, strlen(inputs));
    if (!ok && err->code != ERR_OK)
        snprintf(me.why, sizeof(me.why), "%.*s", (int)sizeof(me.why) - 1, err->msg);
    d->started = 1;
    MPI_Allgather(&me, (int)sizeof(me), MPI_BYTE, all, (int)sizeof(me), MPI_BYTE, MPI_COMM_WORLD);
    for (int r = 0; r < d->size && rc == 0; r++)
        if (!all[r].ok) {
            d->broken = 1;
            d->code = all[r].code; /* every rank exits with the first failing rank's status */
            all[r].why[sizeof(all[r].why) - 1] = '\0';
            err_init(err);
            if (all[r].why[0] != '\0')
                rc = ERR_SET(err, ERR_USAGE, "rank %d could not start the job: %s", r, all[r].why);
            else
                rc = ERR_SET(err, ERR_USAGE,
                             "rank %d could not start the job (exit status %d, no message)", r,
                             (int)all[r].code);
        }
    for (int r = 1; r < d->size && rc == 0; r++)
        if (all[r].nfiles != all[0].nfiles || all[r].fp != all[0].fp)
            rc = ERR_SET(err, ERR_USAGE,
                         "rank %d planned other files than rank 0 (%llu files; %llu there): "
                         "every rank must see the repository at the same paths",
                         r, (unsigned long long)all[r].nfiles, (unsigned long long)all[0].nfiles);
    for (int r = 1; r < d->size && rc == 0; r++)
        if (all[r].inputs != all[0].inputs) {
            char list[1024];
            size_t n = 0;

            for (const char *p = all[0].inputs == me.inputs ? inputs : "";
                 *p && n + 3 < sizeof(list); p++)
                if (*p != '\n')
                    list[n++] = *p;
                else if (p[1] != '\0') {
                    list[n++] = ';';
                    list[n++] = ' ';
                }
            list[n] = '\0';
            rc = ERR_SET(err, ERR_USAGE,
                         "rank %d read other watchlist contents, --allow list or Public Suffix "
                         "List than rank 0 (rank 0 read: %s): every rank must read the same files",
                         r, n ? list : "(none)");
        }
    mem_free(all);
    return rc;
}

/* Every rank's `rc` and `err`: returns 0 when all are fine, else the lowest failing rank's
 * error (prefixed "rank R: ") on every rank. */
static int
agree(const struct dist *d, int rc, struct err *err)
{
    struct status me, *all;
    int out = 0;

    memset(&me, 0, sizeof(me));
    if (rc < 0) {
        me.code = err->code != ERR_OK ? (int32_t)err->code : (int32_t)-rc;
        snprintf(me.msg, sizeof(me.msg), "%s", err->code != ERR_OK ? err->msg : "failed");
    }
    all = mem_calloc((size_t)d->size, sizeof(*all));
    MPI_Allgather(&me, (int)sizeof(me), MPI_BYTE, all, (int)sizeof(me), MPI_BYTE, MPI_COMM_WORLD);
    for (int r = 0; r < d->size; r++) {
        if (all[r].code == 0)
            continue;
        all[r].msg[sizeof(all[r].msg) - 1] = '\0';
        err_init(err);
        out = ERR_SET(err, (enum err_code)all[r].code, "%s", all[r].msg);
        if (d->size > 1)
            err_prefix(err, "rank %d", r);
        break;
    }
    mem_free(all);
    return out;
}

/*
 * Sends send[j] (slen[j] bytes) to rank j and receives recv[j] from it: each
 * pair of ranks exchanges nonblocking point-to-point messages of at most
 * d->chunk bytes straight between the buffers (the equivalent of MPI_Alltoallv
 * rounds with no staging copy). recv[] are mem_alloc'ed here (mem_free them).
 */
static void
exchange(struct dist *d, uint8_t *const *send, const uint64_t *slen, uint8_t **recv, uint64_t *rlen)
{
    int n = d->size;
    size_t chunk = d->chunk < (size_t)INT_MAX ? d->chunk : (size_t)INT_MAX;
    uint64_t most = 0, all_most = 0, rounds;
    MPI_Request *req = mem_calloc(2 * (size_t)n, sizeof(*req));

    if (chunk == 0)
        chunk = 1;
    MPI_Alltoall(slen, 1, MPI_UINT64_T, rlen, 1, MPI_UINT64_T, MPI_COMM_WORLD);
    for (int j = 0; j < n; j++) {
        recv[j] = mem_alloc(rlen[j] + 1);
        if (slen[j] > most)
            most = slen[j];
        if (rlen[j] > most)
            most = rlen[j];
    }
    MPI_Allreduce(&most, &all_most, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
    rounds = (all_most + chunk - 1) / chunk;
    for (uint64_t k = 0; k < rounds; k++) {
        uint64_t off = k * chunk;
        int nreq = 0;

        for (int j = 0; j < n; j++) {
            uint64_t left = rlen[j] > off ? rlen[j] - off : 0;

            if (j != d->rank && left > 0)
                MPI_Irecv(recv[j] + off, (int)(left < chunk ? left : chunk), MPI_BYTE, j, 3,
                          MPI_COMM_WORLD, &req[nreq++]);
        }
        for (int i = 1; i < n; i++) { /* peers in a staggered order: not all to rank 0 first */
            int j = (d->rank + i) % n;
            uint64_t left = slen[j] > off ? slen[j] - off : 0;

            if (left > 0)
                MPI_Isend(send[j] + off, (int)(left < chunk ? left : chunk), MPI_BYTE, j, 3,
                          MPI_COMM_WORLD, &req[nreq++]);
        }
        MPI_Waitall(nreq, req, MPI_STATUSES_IGNORE);
    }
    d->rounds = (unsigned)rounds;
    mem_free(req);
}

/* Loads partial bytes buf[0..len) (taken over) into res->tables[0]. 0 or -code. */
static int
absorb_bytes(struct runner_result *res, uint8_t *buf, size_t len, struct err *err)
{
    struct partial *p = mem_calloc(1, sizeof(*p));
    int rc = partial_parse(buf, len, PARTIAL_LOAD_ANY_ORDER, p, err);

    if (rc < 0)
        err_prefix(err, "partitions received");
    else if (p->info.state_version != OP_STATE_VERSION)
        rc = ERR_SET(err, ERR_FORMAT, "partitions received in state version %u",
                     p->info.state_version);
    else
        rc = runner_absorb(res, p, err);
    partial_fini(p);
    mem_free(p);
    return rc;
}

/* Each hash partition to its owner rank, then merged there. */
static int
shuffle(struct dist *d, struct runner_result *res, struct err *err)
{
    int n = d->size;
    struct partial_buf *blob = mem_calloc((size_t)n, sizeof(*blob));
    struct partial_info *info = mem_calloc(1, sizeof(*info));
    uint8_t **send = mem_calloc((size_t)n, sizeof(*send)), **recv;
    uint64_t *slen = mem_calloc((size_t)n, sizeof(*slen)), *rlen;
    double t0 = omp_get_wtime();
    int rc = 0;

    info->state_version = OP_STATE_VERSION;
    info->any_order = 1; /* the receiver merges by hash: no canonical sort */
    for (int j = 0; j < n && rc == 0; j++) {
        if (j == d->rank)
            continue; /* its own partitions stay in its table */
        rc = runner_encode(res, info, (unsigned)n, (unsigned)j, &blob[j], err);
        send[j] = blob[j].p;
        slen[j] = blob[j].len;
        d->exch_bytes += blob[j].len;
    }
    mem_free(info);
    rc = agree(d, rc, err);
    if (rc == 0)
        rc = agree(d, runner_keep_parts(res, (unsigned)n, (unsigned)d->rank, err), err);
    if (rc < 0) {
        for (int j = 0; j < n; j++)
            partial_buf_fini(&blob[j]);
        mem_free(blob);
        mem_free(send);
        mem_free(slen);
        return rc;
    }
    recv = mem_calloc((size_t)n, sizeof(*recv));
    rlen = mem_calloc((size_t)n, sizeof(*rlen));
    exchange(d, send, slen, recv, rlen);
    for (int j = 0; j < n; j++)
        partial_buf_fini(&blob[j]);
    d->exch_s = omp_get_wtime() - t0;
    t0 = omp_get_wtime();
    for (int j = 0; j < n; j++) {
        if (rc == 0 && j != d->rank)
            rc = absorb_bytes(res, recv[j], rlen[j], err); /* takes recv[j] */
        else
            mem_free(recv[j]);
    }
    d->merge_s = omp_get_wtime() - t0;
    mem_free(blob);
    mem_free(send);
    mem_free(slen);
    mem_free(recv);
    mem_free(rlen);
    return agree(d, rc, err);
}

/* Sends len bytes to rank 0 in pieces of at most d->chunk. */
static void
send_to_root(const struct dist *d, const uint8_t *p, uint64_t len)
{
    size_t chunk = d->chunk < (size_t)INT_MAX ? d->chunk : (size_t)INT_MAX;

    MPI_Send(&len, 1, MPI_UINT64_T, 0, 1, MPI_COMM_WORLD);
    for (uint64_t off = 0; off < len; off += chunk) {
        uint64_t n = len - off < chunk ? len - off : chunk;

        MPI_Send(p + off, (int)n, MPI_BYTE, 0, 2, MPI_COMM_WORLD);
    }
}

/* Receives what send_to_root() sent from rank `from`; mem_free() it. */
static uint8_t *
recv_from(const struct dist *d, int from, uint64_t *len)
{
    size_t chunk = d->chunk < (size_t)INT_MAX ? d->chunk : (size_t)INT_MAX;
    uint8_t *p;

    MPI_Recv(len, 1, MPI_UINT64_T, from, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    p = mem_alloc(*len + 1);
    for (uint64_t off = 0; off < *len; off += chunk) {
        uint64_t n = *len - off < chunk ? *len - off : chunk;

        MPI_Recv(p + off, (int)n, MPI_BYTE, from, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    return p;
}

static int
bad_cmp(const void *a, const void *b)
{
    return strcmp(((const struct sweep_bad *)a)->path, ((const struct sweep_bad *)b)->path);
}

/* A rank's counts and bad files, then its groups: [u64 head length][head][partial]. */
static int
gather(struct dist *d, struct runner_result *res, struct err *err)
{
    double t0 = omp_get_wtime();
    int rc = 0;

    if (d->rank != 0) {
        struct partial_buf b = {0};
        struct partial_info *info = mem_calloc(1, sizeof(*info));
        struct shard_head h;
        uint8_t len[8] = {0};

        memset(&h, 0, sizeof(h));
        h.index = (uint32_t)d->rank;
        h.count = (uint32_t)d->size;
        h.stats = res->sweep.stats;
        h.bad = res->sweep.bad; /* borrowed */
        h.nbad = res->sweep.nbad;
        partial_buf_put(&b, len, sizeof(len));
        shard_head_encode(&h, &b);
        le_put64(b.p, (uint64_t)(b.len - 8));
        info->state_version = OP_STATE_VERSION;
        rc = runner_encode(res, info, 1, 0, &b, err);
        mem_free(info);
        if (rc < 0)
            b.len = 0; /* an empty message: rank 0 stops at it, agree() says why */
        send_to_root(d, b.p, b.len);
        d->gather_bytes = b.len;
        partial_buf_fini(&b);
    } else {
        for (int r = 1; r < d->size; r++) {
            uint64_t len, hlen = 0;
            uint8_t *p = recv_from(d, r, &len);
            struct shard_head h;
            size_t used = 0;

            if (len >= 8)
                hlen = le_get64(p);
            if (rc == 0 && (len < 8 || hlen > len - 8))
                rc = ERR_SET(err, ERR_FORMAT, "rank %d sent no groups", r);
            if (rc == 0 && shard_head_decode(p + 8, hlen, &h, &used, err) == 0) {
                struct sweep_stats *st = &res->sweep.stats;
                uint8_t *part = mem_alloc(len - 8 - hlen + 1);

                st->files += h.stats.files;
                st->bytes += h.stats.bytes;
                st->flows += h.stats.flows;
                st->records += h.stats.records;
                st->kept += h.stats.kept;
                st->dns_rrs += h.stats.dns_rrs;
                st->other += h.stats.other;
                st->damaged += h.stats.damaged;
                res->sweep.bad =
                    mem_realloc(res->sweep.bad, (res->sweep.nbad + h.nbad + 1) * sizeof(*h.bad));
                for (size_t b = 0; b < h.nbad; b++) {
                    res->sweep.bad[res->sweep.nbad] = h.bad[b];
                    res->sweep.bad[res->sweep.nbad].msg = mem_strdup(h.bad[b].msg);
                    res->sweep.bad[res->sweep.nbad++].path = mem_strdup(h.bad[b].path);
                }
                memcpy(part, p + 8 + hlen, len - 8 - hlen);
                rc = absorb_bytes(res, part, len - 8 - hlen, err);
                shard_head_fini(&h);
            } else if (rc == 0) {
                shard_head_fini(&h);
                rc = -ERR_FORMAT;
                err_prefix(err, "rank %d", r);
            }
            mem_free(p);
        }
        if (res->sweep.nbad > 1)
            qsort(res->sweep.bad, res->sweep.nbad, sizeof(*res->sweep.bad), bad_cmp);
    }
    d->gather_s = omp_get_wtime() - t0;
    return agree(d, rc, err);
}

/*
 * When the operation can say which of a rank's groups may be printed (op->select(): the
 * group-by jobs: those passing --having, and with --limit L only the first L), each rank
 * keeps only those: rank 0 then gathers a few groups per rank instead of all, and learns
 * every rank's groups and kept counts (*total) to put in the output. *cut = 1 then.
 * Every rank decides alike (the operation decides).
 */
static int
keep_top(struct dist *d, const struct op *op, struct runner_result *res, int threads,
         uint64_t total[2], int *cut, struct err *err)
{
    struct htab_entry **ents = NULL;
    uint64_t mine[2] = {0, 0};
    size_t n = 0, passed = 0;
    int rc = 0;

    *cut = 0;
    if (op->select != NULL) {
        mine[0] = htab_count(res->tables[0]);
        ents = mem_calloc(mine[0] + 1, sizeof(*ents));
        rc = op->select(op, res->tables[0], threads, ents, &n, &passed, err);
        mine[1] = passed;
        if (rc == 0) {
            *cut = 1;
            rc = runner_keep_entries(res, ents, n, err);
        }
    }
    mem_free(ents);
    rc = agree(d, rc, err);
    if (rc == 0 && *cut)
        MPI_Reduce(mine, total, 2, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
    return rc;
}

/* Rank 0 learns the slowest rank's times, the bytes of all, and what every rank's cache did. */
static void
measure(struct dist *d, struct runner_result *res)
{
    struct runner_cache_stats *c = &res->cache;
    double t[4] = {d->map_s, d->exch_s, d->merge_s, d->gather_s}, tmax[4];
    uint64_t b[9] = {d->exch_bytes,    d->gather_bytes, c->from_partials, c->read,    c->written,
                     c->written_bytes, c->rejected,     c->racy,          c->uncached},
             bsum[9];

    MPI_Reduce(t, tmax, 4, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    MPI_Reduce(b, bsum, 9, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
    if (d->rank == 0) {
        c->from_partials = bsum[2];
        c->read = bsum[3];
        c->written = bsum[4];
        c->written_bytes = bsum[5];
        c->rejected = bsum[6];
        c->racy = bsum[7];
        c->uncached = bsum[8];
        d->map_s = tmax[0];
        d->exch_s = tmax[1];
        d->merge_s = tmax[2];
        d->gather_s = tmax[3];
        d->exch_bytes = bsum[0];
        d->gather_bytes = bsum[1];
    }
}

int
dist_run(struct dist *d, const struct op *op, const struct part_plan *plan,
         const struct sweep_opts *opts, struct cache *cache, struct runner_result *res,
         struct err *err)
{
    struct part_plan sub;
    uint64_t total[2] = {0, 0};
    double t0;
    int rc, cut = 0;

    memset(res, 0, sizeof(*res));
    rc = dist_start(d, 1, plan, err);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < plan->nfiles; i++)
        if (strcmp(plan->files[i].path, PART_STDIN) == 0)
            return ERR_SET(err, ERR_USAGE, "flowsweep-mpi cannot read standard input (-)");
    shard_split(plan, (unsigned)d->rank, (unsigned)d->size, &sub);
    t0 = omp_get_wtime();
    rc = runner_map(op, &sub, opts, cache, res, err);
    d->map_s = omp_get_wtime() - t0;
    shard_plan_fini(&sub);
    if (d->after_map != NULL)
        d->after_map(d);
    rc = agree(d, rc, err);
    if (rc == 0 && d->size > 1)
        rc = shuffle(d, res, err);
    if (rc == 0 && d->size > 1)
        rc = keep_top(d, op, res, opts->threads, total, &cut, err);
    if (rc == 0 && d->size > 1)
        rc = gather(d, res, err);
    if (rc == 0)
        measure(d, res);
    if (rc == 0 && d->rank == 0)
        rc = runner_finish(res, opts->threads, err);
    if (rc == 0 && d->rank == 0 && cut) {
        /* the counts of every group, not only of the candidates gathered */
        struct out_table *tb = &res->out.table;

        res->out.groups = (size_t)total[0];
        tb->left_out = total[1] > tb->nrows ? total[1] - tb->nrows : 0;
        tb->has_more = tb->left_out > 0;
    }
    return rc;
}

int
dist_code(struct dist *d, int code)
{
    int32_t c = code;

    if (d->broken)
        return d->code; /* the first rank that could not start: the same on every rank */
    if (!d->started)
        return code;
    MPI_Bcast(&c, 1, MPI_INT32_T, 0, MPI_COMM_WORLD);
    return c;
}
