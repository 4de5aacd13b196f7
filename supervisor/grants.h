/* SPDX-License-Identifier: MIT */
/*
 * Run-time rules on top of the policy (live review, docs/control.md):
 *  - grants (`bouncer ctl grant`): temporary allowances, limited by time and/or count;
 *  - remembered rules (`ctl allow|deny --remember process|always`): the operator's answer
 *    applied to later identical calls; "always" rules persist to --rules-file.
 *
 * Both are consulted before the policy, on the notification path: a fixed table, matched
 * without allocation. They match on registers (syscall, exact argument values, the caller's
 * process), so their CONTINUE never depends on memory the target can change before the
 * kernel reads it. A grant's path condition (`grant --path`) is checked by the supervise
 * clause evaluator and allowed by emulation (live.c), never CONTINUE.
 */
#ifndef BOUNCER_GRANTS_H
#define BOUNCER_GRANTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "error.h"
#include "sockaddr_match.h"

#define GRANTS_MAX        128
#define GRANT_SYSCALL_MAX 64

enum grant_kind {
	GRANT_TEMPORARY,  /* `ctl grant` */
	GRANT_REMEMBERED, /* `ctl allow|deny --remember` */
};

struct grant_arg {
	unsigned index; /* 0..5 */
	uint64_t value; /* the register must equal it */
};

struct supervise_rule;

struct grant {
	unsigned id; /* 0: free slot */
	enum grant_kind kind;
	char syscall[GRANT_SYSCALL_MAX];
	struct grant_arg args[6];
	size_t n_args;
	pid_t pid;           /* the caller's process must be this one; 0: any */
	int pidfd;           /* of pid: the rule ends with its process, not with a reused pid */
	bool deny;           /* remembered "deny" (grants always allow) */
	int errno_value;     /* for deny */
	uint64_t expires_ms; /* CLOCK_MONOTONIC milliseconds; 0: never */
	uint64_t remaining;  /* calls left when counted */
	bool counted;
	bool persist; /* remembered "always": kept in the rules file */
	/*
	 * `grant --path GLOB`: a supervise clause {"paths": [GLOB], "decision": "allow"} (owned by
	 * the table once added, NULL otherwise). Matching it needs the caller's memory, so it is
	 * checked by the clause evaluator and allowed by emulation (live.c), never CONTINUE.
	 */
	struct supervise_rule *paths;
	char path_glob[256];
	/*
	 * `grant --address PATTERN`, or a remembered answer on a call decided by its socket
	 * address: the clause {"addresses": [PATTERN], ...}, kept in paths (the one condition a
	 * rule may have), checked and emulated the same way.
	 */
	char address[SOCKADDR_GLOB_MAX + 32];
	uint64_t uses;
};

struct grants {
	struct grant slots[GRANTS_MAX];
	unsigned next_id;
	unsigned count;
	const char *rules_file; /* NULL: "always" rules live only as long as the run */
};

void grants_init(struct grants *g, const char *rules_file);

/*
 * Adds a copy of rule (its id and pidfd are ignored) and returns the new id, or a negative
 * errno with err set (-ENOSPC when the table is full; -ESRCH when rule->pid does not exist).
 * Persists the rules file when the rule does. A rule for a pid ends when that process does.
 */
int grants_add(struct grants *g, const struct grant *rule, bouncer_error_t *err);

/* Removes a rule. Returns 0, or -ENOENT with err set. Persists when needed. */
int grants_revoke(struct grants *g, unsigned id, bouncer_error_t *err);

/*
 * Hot path: the first live rule after slot *from (start at 0) that matches the call on
 * registers, without using it up (expired rules are removed). Returns the slot and sets *from
 * past it, or NULL. A rule with a path condition still has to be checked by the caller.
 */
struct grant *grants_find(struct grants *g, const char *syscall, pid_t pid, const uint64_t args[6],
                          uint64_t now_ms, size_t *from);

/* Counts a use of a found rule; a counted rule that reaches zero is removed. *out: a copy
 * (its paths pointer is not to be used after this). */
void grants_use(struct grants *g, struct grant *rule, struct grant *out);

/*
 * Hot path: the first live rule that matches the call, counting the use (a counted rule that
 * reaches zero, or an expired one, is removed). Returns a copy in *out and true, or false.
 * Rules with a path condition are skipped (they need grants_find and the clause evaluator).
 */
bool grants_match(struct grants *g, const char *syscall, pid_t pid, const uint64_t args[6],
                  uint64_t now_ms, struct grant *out);

/* Whether rule's conditions hold for a call (neither expiry nor count is looked at). */
bool grant_matches(const struct grant *rule, const char *syscall, pid_t pid,
                   const uint64_t args[6]);

/*
 * Gives rule the path condition glob: the supervise clause {"paths": [glob], "decision":
 * "allow"} (or "deny" with rule->errno_value when rule->deny), "ask" meaning "no match". An
 * allow must be emulated, so a syscall bouncer cannot emulate is refused. Returns 0, or a
 * negative errno with err set.
 */
int grant_set_path(struct grant *rule, const char *glob, bouncer_error_t *err);

/*
 * The same with an address pattern (sockaddr_match.h: inet:, inet6:, unix:, unix-abstract:)
 * for the syscalls with a socket address (connect, bind, sendto, sendmsg, sendmmsg). A rule has one
 * condition: a path or an address.
 */
int grant_set_address(struct grant *rule, const char *pattern, bouncer_error_t *err);

/* Drops every rule (closing pidfds). */
void grants_release(struct grants *g);

/* The rules as a JSON array for `ctl rules` (new reference). */
json_t *grants_to_json(const struct grants *g, uint64_t now_ms);

/* One rule as JSON (new reference). */
json_t *grant_to_json(const struct grant *rule, uint64_t now_ms);

/*
 * Loads the remembered rules of g->rules_file, if it exists. Returns how many, or a negative
 * errno with err set ("FILE: rules[2].syscall: ...").
 */
int grants_load(struct grants *g, bouncer_error_t *err);

/* Writes the "always" rules to g->rules_file (a new file renamed over the old one). */
int grants_save(const struct grants *g, bouncer_error_t *err);

#endif
