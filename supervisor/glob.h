/* SPDX-License-Identifier: MIT */
/*
 * Path globs for supervise clauses ("paths", "exec", "exe", "unix:" addresses).
 *
 * Syntax (bytes, no locale):
 *   `*`       any run of characters except '/', including the empty run (no dot-file rule)
 *   `**`      as a whole path component (between '/' or the pattern's start/end; '{', ',' and
 *             '}' of an alternation count as edges too): zero or more whole components.
 *             A trailing "/" + "**" also matches the directory itself: "/a/" + "**" matches
 *             `/a`, `/a/` and everything below `/a`; "/a/" + "**" + "/b" matches `/a/b`,
 *             `/a/x/b` and `/a/x/y/b`. (Spelled apart here only because C comments cannot
 *             contain the sequence.)
 *             Elsewhere (`a**`) it is the same as `*`; glob_validate() rejects that spelling.
 *   `?`       one character except '/'
 *   `[...]`   one character except '/' from the set: ranges `a-z`, negation with a leading `!`
 *             or `^`, a `]` right after `[` (or after the negation) is literal, `\` escapes.
 *   `{a,b}`   alternation; alternatives may be empty, may contain any syntax and may nest.
 *   `\c`      the character c literally.
 *
 * Matching is a simulation of the pattern as an automaton over its byte offsets: it takes at most
 * 4 * (strlen(path) + 1) * (strlen(pattern) + 1) steps whatever the pattern, never recurses and
 * never allocates (the state sets live on the stack), so a hostile or careless policy cannot make
 * the notification hot path slow.
 */
#ifndef BOUNCER_GLOB_H
#define BOUNCER_GLOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest pattern glob_match() accepts (bytes, without the NUL); longer never matches. */
#define GLOB_PATTERN_MAX 1024

/* Deepest nesting of `{...}` that glob_validate() accepts. */
#define GLOB_BRACE_DEPTH_MAX 16

/*
 * Whether path matches pattern as a whole. Never allocates. A pattern longer than
 * GLOB_PATTERN_MAX matches nothing (glob_validate() rejects it when the policy is loaded).
 */
bool glob_match(const char *pattern, const char *path);

/*
 * glob_match() that also adds the number of automaton steps it took to *steps (if not NULL):
 * lets tests prove the bound above on pathological patterns without timing anything.
 */
bool glob_match_counted(const char *pattern, const char *path, uint64_t *steps);

/*
 * Checks a pattern written in a policy. Returns 0 if it is well formed, else -EINVAL and a
 * message in why (e.g. "unterminated '[' at offset 4").
 */
int glob_validate(const char *pattern, char *why, size_t len);

#endif
