/*
 * flowdump.c - print what flowsweep's IPFIX reader yields, as flowdump v1
 * (docs/flowdump.md), so it can be diffed against independent decoders.
 *
 *   flowdump FILE...            "# file", then F and R lines per file
 *   flowdump --counts FILE...   "# file", then "flows=N dns=M" per file
 *   --decoder fast|fixbuf       which reader decodes (default fast; both must agree)
 *
 * Exit status: 0 when every file read cleanly; 3 when any file had damage or a
 * fatal read error (each reported on stderr with the file name); 1 on usage
 * errors or files that cannot be opened (1 wins over 3).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "esc.h"
#include "flow.h"
#include "ipfix_read.h"
#include "mem.h"

static void
print_addr(FILE *out, const uint8_t a[16], int family)
{
    char buf[INET6_ADDRSTRLEN];

    if (family == FLOW_IPV4)
        fprintf(out, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
    else
        fputs(inet_ntop(AF_INET6, a, buf, sizeof(buf)) ? buf : "?", out);
}

static void
print_flow(FILE *out, const struct flow *f, char **nbuf, size_t *ncap)
{
    fprintf(out, "F %lld %lld ", (long long)f->start_ms, (long long)f->end_ms);
    print_addr(out, f->sip, f->family);
    fputc(' ', out);
    print_addr(out, f->dip, f->family);
    fprintf(out, " %u %u %u %u %llu %llu %llu %llu %u\n", f->sport, f->dport, f->proto,
            f->app_label, (unsigned long long)f->bytes, (unsigned long long)f->packets,
            (unsigned long long)f->rev_bytes, (unsigned long long)f->rev_packets, f->ndns);
    for (uint32_t i = 0; i < f->ndns; i++) {
        const struct dns_rr *d = &f->dns[i];
        size_t need = esc_len(d->name, d->name_len) + 1;

        if (need > *ncap) {
            *ncap = need * 2;
            *nbuf = mem_realloc(*nbuf, *ncap);
        }
        esc_bytes(*nbuf, *ncap, d->name, d->name_len);
        fprintf(out, "R %u %u %u %u %u %u %u %s\n", d->section, d->qr, d->rrtype, d->rcode, d->aa,
                d->ttl, d->id, *nbuf);
    }
}

/* dump_file() - 0 clean, 3 damaged, fatal or with records not read, 1 cannot open. */
static int
dump_file(struct ipfix_model *m, const char *path, int counts, FILE *out)
{
    char *nbuf = NULL;
    size_t ncap = 0;
    const struct ipfix_read_stats *st;
    const struct flow *f;
    struct ipfix_reader *r;
    struct err err;
    int rc, status = 0;

    err_init(&err);
    r = ipfix_reader_open(m, path, &err);
    if (!r) {
        fprintf(stderr, "flowdump: %s\n", err.msg);
        return 1;
    }
    fprintf(out, "# file %s\n", path);
    while ((rc = ipfix_reader_next(r, &f, &err)) == 1)
        if (!counts)
            print_flow(out, f, &nbuf, &ncap);
    st = ipfix_reader_stats(r);
    if (counts)
        fprintf(out, "flows=%llu dns=%llu\n", (unsigned long long)st->flows,
                (unsigned long long)st->dns_rrs);
    if (rc < 0) {
        fprintf(stderr, "flowdump: %s\n", err.msg);
        status = 3;
    }
    if (st->damaged) {
        fprintf(stderr, "flowdump: %s: %llu damaged sets/messages skipped; first at %s\n", path,
                (unsigned long long)st->damaged, st->first_damage);
        status = 3;
    }
    if (st->unknown_sets) {
        fprintf(stderr,
                "flowdump: %s: %llu data sets skipped: their template was never defined "
                "(their records are lost)\n",
                path, (unsigned long long)st->unknown_sets);
        status = 3;
    }
    if (st->untimed) {
        fprintf(stderr,
                "flowdump: %s: %llu flow records not read: no start time the reader can place "
                "(first: %s)\n",
                path, (unsigned long long)st->untimed, st->first_untimed);
        status = 3;
    }
    ipfix_reader_close(r);
    mem_free(nbuf);
    return status;
}

int
main(int argc, char **argv)
{
    enum ipfix_decoder dec = IPFIX_DECODER_FAST;
    struct ipfix_model *m;
    struct err err;
    int counts = 0, first = 1, status = 0;

    for (;;) {
        if (first < argc && strcmp(argv[first], "--counts") == 0) {
            counts = 1;
            first++;
        } else if (first + 1 < argc && strcmp(argv[first], "--decoder") == 0 &&
                   ipfix_decoder_parse(argv[first + 1], &dec) == 0) {
            first += 2;
        } else {
            break;
        }
    }
    if (first >= argc || (argv[first][0] == '-' && argv[first][1] != '\0')) {
        fprintf(stderr, "usage: flowdump [--counts] [--decoder fast|fixbuf] FILE...\n");
        return 1;
    }
    err_init(&err);
    m = ipfix_model_create(dec, &err);
    if (!m) {
        fprintf(stderr, "flowdump: %s\n", err.msg);
        return 1;
    }
    for (int i = first; i < argc; i++) {
        int rc = dump_file(m, argv[i], counts, stdout);

        if (rc == 1 || (rc == 3 && status != 1))
            status = rc;
    }
    ipfix_model_destroy(m);
    if (fflush(stdout) != 0) {
        perror("flowdump: stdout");
        return 1;
    }
    return status;
}
