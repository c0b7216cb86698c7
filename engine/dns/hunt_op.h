/*
 * hunt_op.h - dns-hunt as an operation (op.h): the job runner folds, merges
 * and finishes it like the group-by job, through the same table.
 *
 * State per group: struct hunt_val (hunt.h). save/load: its uint64_t
 * counters as 8-byte little-endian words in the struct's order, then the
 * distinct sets clients, names, hours as their items (op.h), the flow-time
 * series (u32 count, items ascending), the distinct set domains and the
 * hours' counts (u32 count, then hour, flows, bytes as two words each).
 */
#ifndef ENGINE_HUNT_OP_H
#define ENGINE_HUNT_OP_H

#include <stdint.h>

#include "err.h"
#include "hunt.h"
#include "op.h"

/*
 * hunt_op_create() - the dns-hunt operation with options `o`, printing at most
 * `limit` groups (0: all). Loads the Public Suffix List (domain.h). Returns
 * NULL with `err` set when it cannot. hunt_op_destroy(NULL) is a no-op.
 */
struct op *hunt_op_create(const struct hunt_opts *o, uint64_t limit, struct err *err);
void hunt_op_destroy(struct op *op);

/*
 * hunt_op_finish_view() - for an operation made with o->server_view: its merged table `t`
 * finished as view `by` (HUNT_BY_DOMAIN: the domain groups, HUNT_BY_SERVER: the server
 * groups, as `dns-hunt --by server` gives them), at most `limit` rows (0: all), into `out`
 * (op->output_fini() it; it borrows from `t`). 0 or -code.
 */
int hunt_op_finish_view(const struct op *op, const struct htab *t, enum hunt_by by, uint64_t limit,
                        struct op_output *out, struct err *err);

/*
 * hunt_op_hourly() - the hours (flows and bytes per hour, ascending) of row `row` of a
 * dns-hunt output (finish() or hunt_op_finish_view()), kept with o->hourly; empty without.
 */
const struct hunt_hourly *hunt_op_hourly(const struct op_output *out, size_t row);

#endif
