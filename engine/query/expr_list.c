/*
 * expr_list.c - "in" lists and @FILE watchlists: parsed into the sets of expr_set.c,
 * errors naming the file and line.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>

#include "expr_tree.h"
#include "mem.h"

/*
 * Reads watchlist `path`: one item a line (addresses and CIDR blocks into
 * `b`, or domains into `set` when set->suffix), '#' starting a comment.
 */
static int
read_list_file(struct parser *ps, const char *path, struct rbuf *b, struct rset *set)
{
    FILE *f = fopen(path, "r"); // NOLINT(cert-err33-c): checked below
    char line[512];
    long lineno = 0;
    int rc = 0;

    if (f == NULL)
        return ERR_SET_ERRNO(ps->err, errno, "watchlist %s", path), -1;
    while (fgets(line, sizeof(line), f)) {
        char *s = line, *end;
        struct range r;
        const char *why;

        lineno++;
        if (strchr(line, '\n') == NULL && !feof(f)) {
            rc = ERR_SET(ps->err, ERR_USAGE, "watchlist %s:%ld: line longer than %zu bytes", path,
                         lineno, sizeof(line) - 2);
            break;
        }
        end = strchr(s, '#');
        if (end)
            *end = '\0';
        while (isspace((unsigned char)*s))
            s++;
        end = s + strlen(s);
        while (end > s && isspace((unsigned char)end[-1]))
            *--end = '\0';
        if (*s == '\0')
            continue;
        if (set->suffix) {
            why = expr_rset_push_str(set, s, strlen(s), 1);
        } else {
            char entry[sizeof(line)];

            memcpy(entry, s, strlen(s) + 1); /* expr_cidr_range() cuts at the '/' */
            why = expr_cidr_range(entry, &r);
            if (why == NULL)
                expr_rbuf_push(b, r.lo, r.hi);
        }
        if (why) {
            rc = ERR_SET(ps->err, ERR_USAGE, "watchlist %s:%ld: %s: \"%.64s\"", path, lineno, why,
                         s);
            break;
        }
    }
    if (rc == 0 && ferror(f))
        rc = ERR_SET_ERRNO(ps->err, errno, "watchlist %s: read", path);
    fclose(f);
    return rc < 0 ? -1 : 0;
}

/* The @FILE path at ps->p (quoted or up to whitespace, ',' or ')'). */
static char *
parse_path(struct parser *ps)
{
    size_t len = 0;
    char *path;

    if (*ps->p == '\'')
        return expr_parse_str_lit(ps, &len);
    while (ps->p[len] && !isspace((unsigned char)ps->p[len]) && ps->p[len] != ')' &&
           ps->p[len] != ',')
        len++;
    if (len == 0) {
        expr_fail(ps, "expected a file name after '@'");
        return NULL;
    }
    path = mem_alloc(len + 1);
    memcpy(path, ps->p, len);
    path[len] = '\0';
    ps->p += len;
    return path;
}

/* One element of an "in" list for a left side of kind `k`. */
static int
parse_item(struct parser *ps, const struct node *left, struct rbuf *b, struct rset *s)
{
    expr_skip_ws(ps);
    if (*ps->p == '@') {
        char *path;
        int rc;

        if (left->kind != EXPR_ADDR && !s->suffix)
            return expr_fail(ps, "a watchlist file (@FILE) holds addresses (for sip, dip, addr) or "
                                 "domains (for dns.suffix)");
        ps->p++;
        path = parse_path(ps);
        if (path == NULL)
            return -1;
        rc = read_list_file(ps, path, b, s);
        ps->e->files++;
        mem_free(path);
        return rc;
    }
    switch (left->kind) {
    case EXPR_ADDR: {
        char buf[64];
        size_t len = expr_addr_run(ps->p, 1);
        struct range r;
        const char *why;

        if (len == 0 || len >= sizeof(buf) || expr_is_name_char(ps->p[len]))
            return expr_fail(ps, "expected an address or CIDR block such as 192.168.0.0/16");
        memcpy(buf, ps->p, len);
        buf[len] = '\0';
        why = expr_cidr_range(buf, &r);
        if (why)
            return expr_fail(ps, why);
        expr_rbuf_push(b, r.lo, r.hi);
        ps->p += len;
        return 0;
    }
    case EXPR_INT: {
        expr_int lo, hi;

        if (expr_parse_int_lit(ps, &lo) < 0)
            return -1;
        hi = lo;
        if (expr_accept_tok(ps, "..")) {
            expr_skip_ws(ps);
            if (expr_parse_int_lit(ps, &hi) < 0)
                return -1;
            if (hi < lo)
                return expr_fail(ps, "empty range (the upper bound is below the lower)");
        }
        expr_rbuf_push(b, expr_int_key(lo), expr_int_key(hi));
        return 0;
    }
    case EXPR_STR: {
        size_t len;
        char *str;

        const char *why;

        if (*ps->p != '\'')
            return expr_fail(ps, "expected a quoted string");
        str = expr_parse_str_lit(ps, &len);
        if (str == NULL)
            return -1;
        why = expr_rset_push_str(s, str, len, left->icase);
        mem_free(str);
        return why ? expr_fail(ps, why) : 0;
    }
    default:
        return expr_fail(ps, "\"in\" needs an integer, an address or a string on its left");
    }
}

int
expr_parse_in(struct parser *ps, int left, int negate)
{
    int n, paren;
    struct rset *s = mem_calloc(1, sizeof(*s));
    struct rbuf b = {NULL, 0, 0};
    struct node left_copy = ps->e->nodes[left];

    if (left_copy.kind == EXPR_REAL || left_copy.kind == EXPR_NULL) {
        expr_rset_free(s);
        return expr_type_fail(ps, "cannot be tested with \"in\" (integers, addresses, strings)",
                              left, -1);
    }
    s->suffix = left_copy.suffix;
    s->dotted = left_copy.dotted;
    paren = expr_accept_tok(ps, "(");
    do {
        if (parse_item(ps, &left_copy, &b, s) < 0) {
            mem_free(b.r);
            expr_rset_free(s);
            return -1;
        }
    } while (paren && expr_accept_tok(ps, ","));
    if (paren && !expr_accept_tok(ps, ")")) {
        mem_free(b.r);
        expr_rset_free(s);
        return expr_fail(ps, "expected ')' after the list");
    }
    expr_rset_build(s, b.r, b.n);
    mem_free(b.r);
    if (left_copy.kind == EXPR_STR)
        expr_rset_index_strs(s, left_copy.icase || s->suffix);
    n = expr_add_node(ps, OP_IN, left, -1);
    if (n < 0) {
        expr_rset_free(s);
        return -1;
    }
    ps->e->nodes[n].set = s;
    ps->e->nodes[n].owns = 1;
    ps->e->nodes[n].negate = negate;
    ps->e->nodes[n].icase = left_copy.icase;
    ps->e->nodes[n].to = (uint32_t)(ps->p - ps->text);
    return n;
}
