/*
 * hunt.h - dns-hunt: find DNS tunnels that grouping by exact name cannot see.
 *
 * Tunnels put the stolen bytes into the query name, so every name is new and
 * exact-name groups hold a flow or two each. dns-hunt groups DNS records by
 * the registered domain of their name (domain.h), or by (domain, client), or
 * by DNS server, and measures per group how many distinct names it has, how
 * long and how random their query parts are, which record types carry them,
 * and how many bytes leave through them; a score ranks tunnel-like groups
 * first (docs/dns-hunt.md gives the formula and the reason for each term).
 *
 * It is an operation of the job engine (hunt_op.h wraps it in op.h): the
 * runner folds flows with hunt_fold(), merges states with hunt_merge() and
 * finishes the merged table with hunt_finish().
 * Threads: a struct hunt is read-only during the scan and shared by workers.
 */
#ifndef ENGINE_HUNT_H
#define ENGINE_HUNT_H

#include <stddef.h>
#include <stdint.h>

#include "domain.h"
#include "dset.h"
#include "err.h"
#include "flow.h"
#include "htab.h"
#include "memacct.h"
#include "out.h"

enum hunt_by {
    HUNT_BY_DOMAIN,        /* key: registered domain (reverse zone) of each name */
    HUNT_BY_DOMAIN_SOURCE, /* key: (client address, domain) */
    HUNT_BY_SERVER,        /* key: the DNS server's address */
    HUNT_BY_CLIENT         /* key: the client's address */
};

/* --allow: registered domains or suffixes left out, lowercased, each with its trailing dot. */
struct hunt_allow {
    char **s; /* sorted */
    size_t n;
};

struct hunt_opts {
    enum hunt_by by;
    double len_norm;     /* query-part length at which the length term is full (default 40) */
    double entropy_norm; /* bits/char at which the entropy term is full (default 4) */
    uint64_t min_names;  /* groups with fewer distinct names are not shown (default 1) */
    const struct hunt_allow *allow; /* NULL: nothing left out */
    const struct job *where;        /* --where: only the flows it keeps (flows view); NULL: all */
    int64_t baseline_end_ms;   /* --baseline: groups first seen at or after it are new; 0 none */
    int64_t baseline_start_ms; /* its start (shown in the docs' sense only) */
    /*
     * For the report (docs/report.md), in one fold: hourly keeps each group's flows and
     * bytes per hour (struct hunt_hourly); server_view (with --by domain only) also folds
     * every flow into its server's group exactly as --by server does, keyed apart
     * (HUNT_SRV_LEN), so one table holds both views (hunt_finish() takes one).
     */
    int hourly;
    int server_view;
};

struct hunt {
    struct hunt_opts o;
    const struct domain_list *dl; /* borrowed */
    /*
     * With has_more: the window (first and last hour) of groups the finished table does
     * not hold, which the finish spans too: the groups of a roll-up that only their side
     * file brought (hunt_side.h, hunt_op.c's aux_apply()).
     */
    int has_more;
    uint64_t more_first_hour, more_last_hour;
};

/* Series of (client, group) query times are kept for groups with at most this many clients. */
#define HUNT_TIMING_CLIENTS 64

/* A group's flow start times, appended (duplicates too); sorted and made distinct at the end. */
struct hunt_times {
    uint64_t *p;
    uint32_t n, cap;
};

/*
 * A sum of 64-bit flow counts (bytes, packets, durations): 128 bits as two words, low first
 * (the table's value blocks are only 8-byte aligned), so that it never wraps: the counts come
 * from the files, and a few flows of 2^64 - 1 bytes must not sum to a small number.
 */
struct hunt_wide {
    uint64_t lo, hi;
};

static inline void
hunt_wide_add(struct hunt_wide *w, uint64_t x)
{
    w->lo += x;
    w->hi += w->lo < x;
}

static inline void
hunt_wide_merge(struct hunt_wide *d, const struct hunt_wide *s)
{
    d->lo += s->lo;
    d->hi += s->hi + (d->lo < s->lo);
}

static inline struct hunt_wide
hunt_wide_sum(struct hunt_wide a, struct hunt_wide b)
{
    hunt_wide_merge(&a, &b);
    return a;
}

static inline double
hunt_wide_f64(struct hunt_wide w)
{
    return (double)w.hi * 18446744073709551616.0 + (double)w.lo;
}

/* A group's flows and bytes (qbytes + rbytes: its `bytes` column) in one hour. */
struct hunt_hour {
    uint64_t hour; /* flow start / 3600 s (0: no start) */
    uint64_t flows;
    struct hunt_wide bytes;
};

/* hunt_opts.hourly: the hours of a group, ascending, each once. */
struct hunt_hourly {
    struct hunt_hour *p;
    uint32_t n, cap;
};

/* The state of one group; lives in the group table's value block. */
struct hunt_val {
    uint64_t flows, queries,
        records; /* flows touching the group; query records; all named records */
    struct hunt_wide qbytes, qpackets; /* client -> server counts of those flows */
    struct hunt_wide rbytes, rpackets; /* server -> client counts */
    struct hunt_wide busy;             /* sum over flows of the packets of the busier direction */
    struct hunt_wide hidden;           /* sum over flows of max(0, that - 2) */
    struct hunt_wide dur_ms;           /* sum of flow durations */
    uint64_t len_sum, len_max;         /* full name lengths over records */
    uint64_t qlen_sum;                 /* query-part lengths over records */
    uint64_t ent_sum;                  /* query-part entropy over records, micro-bits/char */
    uint64_t n_txt, n_null, n_cname, n_mx, n_other, n_err; /* records by type; rcode != 0 */
    uint64_t first_ms;       /* ~(earliest flow start): zero means none yet */
    uint64_t last_ms;        /* latest flow start */
    uint64_t no_times;       /* 1: over HUNT_TIMING_CLIENTS clients, times dropped */
    struct dset clients;     /* 17-byte addresses */
    struct dset names;       /* 16-byte XXH3-128 fingerprints of full names */
    struct dset hours;       /* 8-byte hour numbers */
    struct hunt_times times; /* (client hash << 32 | start second) of each flow, unsorted */
    struct dset domains;     /* --by server|client: 8-byte hashes of public-suffix domains */
    struct hunt_hourly byhr; /* hunt_opts.hourly: flows and bytes by hour; else empty */
};

/* hunt_init_tables() - fills the entropy table; call once before threads start. */
void hunt_init_tables(void);

/* Per-worker scratch for hunt_fold(). */
/*
 * Keys kept beside the groups, told apart from them by length and by their last byte: every
 * domain key (--by domain, and the domain part of --by domain,source) ends in '.', and an
 * address key (--by server|client) is 17 bytes. Short, since a probe compares the whole key.
 * The per-client DNS byte totals: the client's 32-bit hash, then HUNT_KEY_END.
 */
#define HUNT_TAG_LEN 5
/* The server view's groups (hunt_opts.server_view, --by domain only): the server's address
 * (17 bytes), then HUNT_KEY_END. */
#define HUNT_SRV_LEN 18
#define HUNT_KEY_END 0 /* not '.' */

/* hunt_key_is() - whether `e` (a dns-hunt table's entry) has the key kind of length `len`. */
static inline int
hunt_key_is(const struct htab_entry *e, uint32_t len)
{
    return e->key_len == len &&
           htab_entry_key(e, (uint32_t)sizeof(struct hunt_val))[len - 1] == HUNT_KEY_END;
}

struct hunt_pend;  /* hunt.c: a record between the fold's passes */
struct hunt_pflow; /* hunt.c: a flow between them */
struct hunt_tagm;  /* hunt.c: a client total met lately */

struct hunt_scratch {
    struct htab_entry **touched; /* groups this flow already counted */
    size_t cap;
    struct domain_cache *cache; /* this worker's PSL answers */
    uint8_t tag[HUNT_TAG_LEN];  /* client-total key: client hash, then HUNT_KEY_END */
    uint8_t srv[HUNT_SRV_LEN];  /* server-view key: server address, then HUNT_KEY_END */
    struct hunt_pend *pend;     /* the batch's records to fold */
    size_t npend, cap_pend;
    struct hunt_pflow *pflow; /* the batch's flows with records to fold */
    size_t npflow, cap_pflow;
    uint8_t *keys; /* the records' group keys, packed */
    size_t keys_len, cap_keys;
    struct domain_fp *fps; /* the fingerprint of each record's name (the DNS flows' records) */
    uint8_t *rep;          /* per record: 1 when its name's bytes are the record's before it */
    size_t cap_fps;        /* of fps and rep */
    /*
     * The name memo (--by domain, hunt.c): a name folded into table `table_id` keeps, in the
     * domain cache (domain_parts.memo64), epoch << 32 | i: gent[i] is its group, and its
     * fingerprint is in the group's name set. A memo of another epoch is stale.
     */
    uint64_t table_id;        /* htab_id() of the table the memos are of */
    uint32_t epoch;           /* of the memos made since, tagm's too (0: none made yet) */
    struct htab_entry **gent; /* the groups memos refer to, each once: room for gcap / 2 */
    uint32_t ngent, gcap;     /* gcap: slots of gidx, a power of two */
    uint32_t *gidx;           /* slots by a group's address: its index in gent + 1 (0: free) */
    struct hunt_tagm *tagm;   /* hunt.c: client totals met lately, by client hash */
};

void hunt_scratch_fini(struct hunt_scratch *s);

/*
 * hunt_fold() - folds flows[0..n) (one batch: the flows of a message that the job keeps)
 * into table `t`, in three passes (hunt.c). Returns 0 or -ERR_LIMIT.
 */
int hunt_fold(const struct hunt *h, struct htab *t, struct hunt_scratch *s,
              const struct flow *const *flows, size_t n, struct memacct *acct, struct err *err);

/* hunt_sort_u64() - a[0..n) ascending, with room for n / 2 items at tmp (hunt_finish.c). */
void hunt_sort_u64(uint64_t *a, uint64_t *tmp, size_t n);

/* hunt_hourly_load() - room for `n` hours in an empty `hh` (for a saved state). 0 or -ERR_LIMIT. */
int hunt_hourly_load(struct hunt_hourly *hh, uint32_t n, struct memacct *acct, struct err *err);

/* hunt_merge() - folds value `src` into `dst`, releasing what `src` owned. */
int hunt_merge(uint8_t *dst, uint8_t *src, struct memacct *acct, struct err *err);

/*
 * hunt_merge_counted() - folds `src` (a state as load_counts() leaves it: its sets' counts
 * only) into `dst`, whose sets do not hold more[k] of the items of src's set k (clients,
 * names, hours, domains): dst's sets become their counts, as op->compact() leaves them
 * (hunt_op.c, merge_counts()). Releases `src`. 0 or -code.
 */
int hunt_merge_counted(uint8_t *dst, uint8_t *src, const uint64_t more[4], struct memacct *acct,
                       struct err *err);

/* hunt_release() - frees what a value owns. */
void hunt_release(uint8_t *val, struct memacct *acct);

struct hunt_result {
    struct out_table table; /* columns and rows to print */
    struct out_col *cols;
    struct out_cell *cells;
    char *text;                        /* owned storage of the text cells */
    char *why;                         /* owned storage of the why cells */
    size_t groups;                     /* all groups */
    size_t kept;                       /* groups passing --min-names */
    const struct hunt_hourly **hourly; /* per row: the group's hours (hunt_opts.hourly) */
};

/*
 * hunt_finish() - scores, orders (score desc, then key text asc) and lays out rows.
 * With h->o.server_view, the table holds two views: h->o.by HUNT_BY_SERVER finishes the
 * server groups, HUNT_BY_DOMAIN the domain groups. The groups are scored on `threads`
 * threads (<= 0: all cores), by sub-table; the result does not depend on it.
 */
int hunt_finish(const struct hunt *h, const struct htab *t, uint64_t limit, int threads,
                struct hunt_result *res, struct err *err);

void hunt_result_fini(struct hunt_result *res);

/*
 * What a group's score needs that does not move with the rest of the run (hunt_side.h):
 * its score is round3(vol * (p5 + share + regular + active + new)), share from `bytes` and
 * its clients' totals, active from `maxh` and the window, new from `first_ms`.
 */
struct hunt_parts {
    double vol;        /* the volume factor */
    double p5;         /* the terms len, ent, types, size, session, summed in that order */
    double regular;    /* the term regular (0: no regular series) */
    double bytes;      /* qbytes + rbytes, as the share term divides them */
    uint64_t first_ms; /* as kept: ~(earliest flow start) */
    uint64_t last_ms;  /* latest flow start */
    uint32_t names;    /* distinct names (--min-names) */
    uint32_t maxh;     /* hours of its most active series (the term active's numerator) */
};

/*
 * hunt_parts_of() - the parts of state `v`, and the distinct client hashes of its series,
 * ascending, into cl (room for v->times.n); returns their number. buf: room for
 * v->times.n + 1 + v->times.n / 2 + 1 words.
 */
uint32_t hunt_parts_of(const struct hunt *h, const struct hunt_val *v, struct hunt_parts *pt,
                       uint32_t *cl, uint64_t *buf);

struct hside;

/*
 * hunt_side_rank() - table `t` holds every group of the run but those of side file s's
 * roll-up that touched[] (per entry) does not mark: those are scored from their parts
 * (with the window and client totals of t and s together), and the first `limit` of them
 * in the output's order go to *top (entry numbers, any order; mem_free() it), *ntop;
 * *groups gets the untouched groups, *kept those with --min-names names.
 */
void hunt_side_rank(const struct hunt *h, const struct htab *t, const struct hside *s,
                    const uint8_t *touched, uint64_t limit, uint64_t **top, size_t *ntop,
                    uint64_t *groups, uint64_t *kept);

/* hunt_allow_fini() - frees the list (filled by the CLI's --allow parser). */
void hunt_allow_fini(struct hunt_allow *a);

#endif
