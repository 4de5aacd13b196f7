/* SPDX-License-Identifier: MIT */
/*
 * Re-reading the policy while the workload runs (`bouncer ctl reload`, SIGHUP): the new policy
 * is loaded and compiled exactly as at start, with the same errors; only when that succeeded
 * does the supervisor switch to it, between two notifications (the loop is single-threaded, so
 * the switch is atomic for every sandbox). An invalid file changes nothing.
 *
 * The workload's kernel filter cannot change: a syscall the new policy routes to or away from
 * the supervisor keeps the old routing for this workload; such syscalls are reported as taking
 * effect only for new workloads.
 *
 * Every policy loaded stays in memory until the run ends: held notifications and records point
 * into the rules of the policy that decided them.
 */
#ifndef BOUNCER_RELOAD_H
#define BOUNCER_RELOAD_H

#include <jansson.h>

#include "error.h"
#include "policy.h"
#include "policy_compile.h"
#include "supervisor.h"

struct reload_loaded {
	struct reload_loaded *next;
	struct policy *policy;
	struct compiled_policy *compiled;
	char *name;
};

struct reload {
	struct supervisor *sup;
	const struct compiled_policy *kernel_policy;
	const char *path; /* the policy file in use; NULL: the embedded one */
	struct compile_options options;
	struct reload_loaded *loaded;
	unsigned count;
};

void reload_init(struct reload *r, struct supervisor *sup,
                 const struct compiled_policy *kernel_policy, const char *path,
                 const struct compile_options *options);

/*
 * Loads file (NULL: the file in use; there is none for the embedded policy) and switches the
 * supervisor to it. Returns 0 and *report (new reference: "policy", "warnings",
 * "new_workloads_only"), or a negative errno with err set and nothing changed.
 */
int reload_policy(struct reload *r, const char *file, json_t **report, bouncer_error_t *err);

/* Frees every policy loaded by reload_policy() (after the supervisor is released). */
void reload_release(struct reload *r);

#endif
