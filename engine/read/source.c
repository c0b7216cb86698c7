/*
 * source.c - see source.h. The IPFIX reader is the only implementation: a
 * source is the reader itself, a model the reader's model.
 */
#include "source.h"

#include <string.h>

struct source_model *
source_model_create(const struct source_spec *spec, struct err *err)
{
    struct ipfix_model *m = ipfix_model_create(spec->decoder, err);

    if (m)
        ipfix_model_need(m, spec->need);
    return (struct source_model *)m;
}

void
source_model_destroy(struct source_model *m)
{
    ipfix_model_destroy((struct ipfix_model *)m);
}

struct source *
source_open(struct source_model *m, const char *path, struct err *err)
{
    return (struct source *)ipfix_reader_open((struct ipfix_model *)m, path, err);
}

int
source_next_batch(struct source *s, const struct flow **flows, size_t *n, struct err *err)
{
    return ipfix_reader_next_batch((struct ipfix_reader *)s, flows, n, err);
}

void
source_stats(const struct source *s, struct source_stats *st)
{
    const struct ipfix_read_stats *r = ipfix_reader_stats((const struct ipfix_reader *)s);

    st->file_bytes = r->file_bytes;
    st->flows = r->flows;
    st->records_dropped = r->records_dropped;
    st->dns_rrs = r->dns_rrs;
    st->other_records = r->other_records;
    st->unknown_sets = r->unknown_sets;
    st->damaged = r->damaged;
    st->untimed = r->untimed;
    memcpy(st->first_untimed, r->first_untimed, sizeof(st->first_untimed));
    memcpy(st->first_damage, r->first_damage, sizeof(st->first_damage));
}

void
source_close(struct source *s)
{
    ipfix_reader_close((struct ipfix_reader *)s);
}
