/* SPDX-License-Identifier: MIT */
/*
 * Durations as people write them on a command line: "500ms", "30s", "5m", "2h" (a bare number
 * is seconds). Used by --ask-timeout and `bouncer ctl grant --for`.
 */
#ifndef BOUNCER_DURATION_H
#define BOUNCER_DURATION_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parses text into milliseconds. Returns 0, or -EINVAL when text is not a positive whole
 * number followed by one of ms, s, m, h (or nothing), or -ERANGE when it overflows.
 */
int duration_parse(const char *text, uint64_t *ms);

/* Formats ms back into the shortest exact form ("1500ms", "30s", "5m"). */
void duration_format(uint64_t ms, char *buf, size_t size);

#endif
