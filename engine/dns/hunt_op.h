/*
 * hunt_op.h - dns-hunt as an operation (op.h): the job runner folds, merges
 * and finishes it like the group-by job, through the same table.
 *
 * State per group: struct hunt_val (hunt.h). save/load: its uint64_t
 * counters as 8-byte little-endian words in the struct's order, then the
 * distinct sets clients, names, hours as their items (op.h), the flow-time
 * series (u32 count, items ascending) and the distinct set domains.
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

#endif
