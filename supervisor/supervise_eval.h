/* SPDX-License-Identifier: MIT */
/*
 * Evaluating a parsed supervise rule (supervise_parse.h) against the facts the supervisor
 * gathered for one notification: pure logic, no I/O, no allocation (hot path).
 */
#ifndef BOUNCER_SUPERVISE_EVAL_H
#define BOUNCER_SUPERVISE_EVAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "supervise_parse.h"

/* What the supervisor knows about the notification. Only fields named in `have` are read. */
struct supervise_facts {
	unsigned have;        /* SUPERVISE_NEEDS_* bits that were gathered successfully */
	uint64_t args[6];     /* the raw arguments (always present) */
	const char *paths[2]; /* real locations (path_resolution.path), one per path arg */
	size_t n_paths;
	const struct sockaddr *addr; /* NULL: the call carries no address (connected sendto) */
	size_t addr_len;
	const char *unix_path; /* resolved location of a pathname unix socket, or NULL */
	const char *exec_path; /* execve: the program's real location, symlinks followed */
	char *const *argv;
	size_t argc;
	const char *exe;   /* the caller's /proc/PID/exe */
	uint32_t uid, gid; /* effective ids */
};

/*
 * Evaluates the clauses in order. Returns 0 with *decision set and *clause the index of the
 * deciding clause (-1: the rule's default), or -ENODATA when a clause reached in order needs a
 * fact that is not in facts->have: the caller gathers it (lazily) and evaluates again, or
 * denies. A clause before it that matched has already decided, so gathering only what
 * rule->needs says is always enough.
 */
int supervise_eval(const struct supervise_rule *rule, const struct supervise_facts *facts,
                   struct supervise_decision *decision, long *clause);

#endif
