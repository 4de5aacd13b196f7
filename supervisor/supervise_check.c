/* SPDX-License-Identifier: MIT */
#include "supervise_check.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "emulate.h"

#define POINTER_NEEDS                                                                              \
	(SUPERVISE_NEEDS_PATHS | SUPERVISE_NEEDS_ADDRESS | SUPERVISE_NEEDS_EXEC |                  \
	 SUPERVISE_NEEDS_ARGV)

static bool allows(enum supervise_verdict v)
{
	return v == SUPERVISE_ALLOW || v == SUPERVISE_LOG || v == SUPERVISE_ASK;
}

static bool is_exec(const char *name)
{
	return strcmp(name, "execve") == 0 || strcmp(name, "execveat") == 0;
}

static bool is_chdir(const char *name)
{
	return strcmp(name, "chdir") == 0;
}

/*
 * The first allowing decision reached after (or at) a clause on pointer contents: its clause
 * index, or n_clauses for the default; -1 when every allow is decided on registers alone.
 */
static long first_pointer_allow(const struct supervise_rule *rule)
{
	bool seen = false;

	for (size_t i = 0; i < rule->n_clauses; i++) {
		const struct supervise_clause *c = &rule->clauses[i];

		seen = seen || (c->needs & POINTER_NEEDS) != 0;
		if (seen && allows(c->decision.verdict))
			return (long)i;
	}
	return seen && allows(rule->fallback.verdict) ? (long)rule->n_clauses : -1;
}

bool supervise_allow_possible(const char *name)
{
	return is_exec(name) || is_chdir(name) || emulate_supported(name);
}

int supervise_check_race_free(const struct supervise_rule *rule, char *const *names, size_t n_names,
                              size_t rule_index, char *where, size_t where_len,
                              bouncer_error_t *err)
{
	long at = first_pointer_allow(rule);
	char path[96];

	if (at < 0)
		return 0;
	if (at < (long)rule->n_clauses)
		snprintf(path, sizeof(path), "syscalls[%zu].supervise[%zu]", rule_index,
		         rule->clauses[at].index);
	else
		snprintf(path, sizeof(path),
		         rule->has_default ? "syscalls[%zu].default" : "syscalls[%zu].supervise",
		         rule_index);
	for (size_t i = 0; i < n_names; i++) {
		if (supervise_allow_possible(names[i]))
			continue;
		snprintf(where, where_len, "%s", path);
		return bouncer_error_set(
		        err, -EINVAL,
		        "%s: %s on \"%s\" after a check of its paths or addresses cannot be "
		        "allowed "
		        "race-free yet: bouncer does not emulate %s (deny on those conditions, or "
		        "allow it in a rule without them)",
		        path, at < (long)rule->n_clauses ? "this clause" : "the default", names[i],
		        names[i]);
	}
	return 0;
}

bool supervise_rule_exec_not_race_free(const struct supervise_rule *rule, const char *name)
{
	return rule != NULL && is_exec(name) && first_pointer_allow(rule) >= 0;
}

bool supervise_rule_chdir_not_race_free(const struct supervise_rule *rule, const char *name)
{
	return rule != NULL && is_chdir(name) && first_pointer_allow(rule) >= 0;
}
