/*
 * esc.h - make attacker-chosen bytes safe for a terminal.
 *
 * Every byte outside 0x20-0x7E becomes the four characters \xHH (uppercase
 * hex, the escape YAF itself writes). Printable bytes, including '\', pass
 * through, so text YAF has already escaped prints unchanged. Used for DNS
 * names in every output format and for file names in diagnostics.
 * Threads: pure functions.
 */
#ifndef ENGINE_ESC_H
#define ENGINE_ESC_H

#include <stddef.h>
#include <stdint.h>

/* esc_len() - bytes esc_bytes() writes for `src` (without a terminator). */
size_t esc_len(const uint8_t *src, size_t len);

/*
 * esc_bytes() - writes the escaped form of `src` into `dst` (capacity `cap`),
 * always NUL-terminated when cap > 0, cut at a whole escape if it does not fit.
 * Returns the length the full escaped form needs (like snprintf).
 */
size_t esc_bytes(char *dst, size_t cap, const uint8_t *src, size_t len);

/* esc_is_plain() - 1 if every byte of `src` is in 0x20-0x7E (nothing to escape). */
int esc_is_plain(const uint8_t *src, size_t len);

#endif
