/* SPDX-License-Identifier: MIT */
/*
 * The "supervise" clauses and "default" of an SCMP_ACT_NOTIFY rule, parsed from the JSON kept
 * in struct policy_rule (rule->supervise, rule->supervise_default) into a compact model that
 * the notification hot path evaluates without touching JSON. docs/inspection.md describes the
 * language; the short version:
 *
 *   {"names": ["openat"], "action": "SCMP_ACT_NOTIFY",
 *    "supervise": [
 *      {"paths": ["/etc/shadow"], "decision": "deny", "errno": "EACCES"},
 *      {"paths": ["/etc/{passwd,group}", "/usr/lib/{**,}"], "decision": "allow"},
 *      {"uid": [0], "decision": "log"}],
 *    "default": {"decision": "deny", "errno": "EPERM"}}
 *
 * Clauses are tried in order; the first whose conditions all hold decides. Within one
 * condition's list any element may match (OR); "args" conditions must all hold (AND, as in
 * OCI args). Where a syscall names two paths (rename, link), every path must match one of the
 * globs, so an allow clause can never let a file leave or enter the allowed area through the
 * other path. "argv" holds when every glob matches at least one argv element. "uid"/"gid" are
 * the caller's effective ids. A clause without conditions always matches.
 */
#ifndef BOUNCER_SUPERVISE_PARSE_H
#define BOUNCER_SUPERVISE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "error.h"
#include "policy.h"
#include "sockaddr_match.h"

enum supervise_verdict {
	SUPERVISE_ALLOW, /* let the syscall happen (emulated when it depends on pointer args) */
	SUPERVISE_DENY,  /* fail it with errno_nr */
	SUPERVISE_LOG,   /* allow, and mark the record "log" */
	SUPERVISE_KILL,  /* kill the process */
	SUPERVISE_ASK,   /* hold the syscall until an operator (or the ask timeout) decides */
};

struct supervise_decision {
	enum supervise_verdict verdict;
	int errno_nr; /* for SUPERVISE_DENY: always set (the profile's default if not written) */
};

/* What a clause needs the supervisor to read before it can be evaluated. */
enum {
	SUPERVISE_NEEDS_PATHS = 1u << 0,   /* path arguments, resolved (path_resolve) */
	SUPERVISE_NEEDS_ADDRESS = 1u << 1, /* the sockaddr (target_read_mem) */
	SUPERVISE_NEEDS_EXEC = 1u << 2,    /* execve's program path, resolved and followed */
	SUPERVISE_NEEDS_ARGV = 1u << 3,    /* execve's argv (target_read_argv) */
	SUPERVISE_NEEDS_EXE = 1u << 4,     /* /proc/PID/exe of the caller */
	SUPERVISE_NEEDS_CREDS = 1u << 5,   /* euid/egid of the caller (/proc/TID/status) */
};

struct supervise_clause {
	size_t index; /* position in "supervise", for records ("clause") */
	struct policy_arg *args;
	size_t n_args;
	char **paths;
	size_t n_paths;
	struct sockaddr_pattern *addresses;
	size_t n_addresses;
	char **exec;
	size_t n_exec;
	char **argv;
	size_t n_argv;
	char **exe;
	size_t n_exe;
	uint32_t *uids;
	size_t n_uids;
	uint32_t *gids;
	size_t n_gids;
	unsigned needs; /* SUPERVISE_NEEDS_* for this clause */
	struct supervise_decision decision;
};

struct supervise_rule {
	struct supervise_clause *clauses;
	size_t n_clauses;
	struct supervise_decision fallback; /* "default", else deny with the profile's errno */
	bool has_default;                   /* "default" was written */
	unsigned needs;                     /* union of the clauses' needs */
};

/*
 * Parses supervise (an array, or NULL) and deflt (an object, or NULL) of the rule at
 * syscalls[rule_index] whose "names" are names[0..n_names). profile_errno is the errno a deny
 * without "errno" uses (defaultErrnoRet, else EPERM). Conditions are checked against the
 * syscalls: "paths" needs every named syscall to have a path argument (syscall_args.h),
 * "addresses" a socket address, "exec"/"argv" to be execve/execveat.
 *
 * Returns 0 and *out (free with supervise_rule_free()), or a negative errno with err->msg
 * "syscalls[3].supervise[1].paths[0]: what is wrong" and the JSON path of the offending value
 * in where (for json_path_position(); the caller prefixes file:line:col).
 */
int supervise_parse(const json_t *supervise, const json_t *deflt, size_t rule_index,
                    char *const *names, size_t n_names, int profile_errno,
                    struct supervise_rule **out, char *where, size_t where_len,
                    bouncer_error_t *err);

/* Frees a rule from supervise_parse(); NULL is fine. */
void supervise_rule_free(struct supervise_rule *rule);

/* "allow", "deny", "log", "kill", "ask". */
const char *supervise_verdict_name(enum supervise_verdict verdict);

#endif
