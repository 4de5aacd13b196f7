/* SPDX-License-Identifier: MIT */
/*
 * Loading and compiling the policy the way every supervising subcommand does (run, learn,
 * agent): the file, or the embedded default, or learn's allow-nothing policy; warnings printed
 * on stderr (long ones shortened: `bouncer policy check` shows them whole).
 */
#ifndef BOUNCER_POLICY_LOAD_H
#define BOUNCER_POLICY_LOAD_H

#include <stdbool.h>

#include "error.h"
#include "policy.h"
#include "policy_compile.h"

enum policy_source {
	POLICY_FROM_FILE,    /* path */
	POLICY_FROM_DEFAULT, /* policies/default.json, compiled in */
	POLICY_FROM_LEARN,   /* allows nothing in the kernel: every call reaches the supervisor */
};

/*
 * Loads (path for POLICY_FROM_FILE) and compiles with options. Returns 0 with both results, or
 * a negative errno with err set and nothing to free. *name gets the name records use.
 */
int policy_load_and_compile(enum policy_source source, const char *path,
                            struct compile_options options, struct policy **policy,
                            struct compiled_policy **compiled, const char **name,
                            bouncer_error_t *err);

/* Prints a warning on stderr, shortened when very long. */
void policy_print_warning(const char *text);

#endif
