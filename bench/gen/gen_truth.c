/*
 * gen_truth.c - see gen_truth.h.
 */
#include "gen_truth.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <sys/socket.h>

#include "esc.h"

int
gen_truth_file(FILE *out, const char *path)
{
    return fprintf(out, "# file %s\n", path) < 0 ? -1 : 0;
}

static void
addr_text(char *dst, size_t cap, const struct flow *f, const uint8_t a[16])
{
    if (f->family == FLOW_IPV4)
        snprintf(dst, cap, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
    else if (inet_ntop(AF_INET6, a, dst, (socklen_t)cap) == NULL)
        snprintf(dst, cap, "?");
}

int
gen_truth_flow(FILE *out, const struct flow *f)
{
    char sip[64], dip[64];
    char name[4 * 1024 + 1];
    int rc;

    addr_text(sip, sizeof(sip), f, f->sip);
    addr_text(dip, sizeof(dip), f, f->dip);
    rc = fprintf(out,
                 "F %" PRId64 " %" PRId64 " %s %s %u %u %u %u %" PRIu64 " %" PRIu64 " %" PRIu64
                 " %" PRIu64 " %u\n",
                 f->start_ms, f->end_ms, sip, dip, f->sport, f->dport, f->proto, f->app_label,
                 f->bytes, f->packets, f->rev_bytes, f->rev_packets, f->ndns);
    for (uint32_t i = 0; i < f->ndns && rc >= 0; i++) {
        const struct dns_rr *r = &f->dns[i];
        esc_bytes(name, sizeof(name), r->name, r->name_len);
        rc = fprintf(out, "R %u %u %u %u %u %u %u %s\n", r->section, r->qr, r->rrtype, r->rcode,
                     r->aa, r->ttl, r->id, name);
    }
    return rc < 0 ? -1 : 0;
}
