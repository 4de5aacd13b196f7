/* SPDX-License-Identifier: MIT */
#include "supervise_eval.h"

#include <errno.h>
#include <stdbool.h>

#include "glob.h"

static bool arg_holds(const struct policy_arg *a, uint64_t v)
{
	switch (a->op) {
	case SCMP_CMP_NE:
		return v != a->value;
	case SCMP_CMP_LT:
		return v < a->value;
	case SCMP_CMP_LE:
		return v <= a->value;
	case SCMP_CMP_EQ:
		return v == a->value;
	case SCMP_CMP_GE:
		return v >= a->value;
	case SCMP_CMP_GT:
		return v > a->value;
	case SCMP_CMP_MASKED_EQ:
		/* policy.h: value is the mask, value_two the expected result (libseccomp's order).
		 */
		return (v & a->value) == a->value_two;
	default:
		return false;
	}
}

static bool any_glob(char *const *globs, size_t n, const char *s)
{
	if (s == NULL)
		return false;
	for (size_t i = 0; i < n; i++)
		if (glob_match(globs[i], s))
			return true;
	return false;
}

static bool any_id(const uint32_t *ids, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static bool clause_holds(const struct supervise_clause *c, const struct supervise_facts *f)
{
	for (size_t i = 0; i < c->n_args; i++)
		if (!arg_holds(&c->args[i], f->args[c->args[i].index]))
			return false;
	if (c->n_paths > 0) {
		/* Every path the syscall names must be inside the globs (rename, link). */
		if (f->n_paths == 0)
			return false;
		for (size_t i = 0; i < f->n_paths; i++)
			if (!any_glob(c->paths, c->n_paths, f->paths[i]))
				return false;
	}
	if (c->n_addresses > 0) {
		bool found = false;

		for (size_t i = 0; f->addr != NULL && i < c->n_addresses && !found; i++)
			found = sockaddr_pattern_match(&c->addresses[i], f->addr, f->addr_len,
			                               f->unix_path);
		if (!found)
			return false;
	}
	if (c->n_exec > 0 && !any_glob(c->exec, c->n_exec, f->exec_path))
		return false;
	/* Every argv glob must match at least one element. */
	for (size_t g = 0; g < c->n_argv; g++) {
		bool found = false;

		for (size_t i = 0; i < f->argc && !found; i++)
			found = glob_match(c->argv[g], f->argv[i]);
		if (!found)
			return false;
	}
	if (c->n_exe > 0 && !any_glob(c->exe, c->n_exe, f->exe))
		return false;
	if (c->n_uids > 0 && !any_id(c->uids, c->n_uids, f->uid))
		return false;
	if (c->n_gids > 0 && !any_id(c->gids, c->n_gids, f->gid))
		return false;
	return true;
}

int supervise_eval(const struct supervise_rule *rule, const struct supervise_facts *facts,
                   struct supervise_decision *decision, long *clause)
{
	for (size_t i = 0; i < rule->n_clauses; i++) {
		const struct supervise_clause *c = &rule->clauses[i];

		if ((c->needs & ~facts->have) != 0)
			return -ENODATA;
		if (clause_holds(c, facts)) {
			*decision = c->decision;
			*clause = (long)i;
			return 0;
		}
	}
	*decision = rule->fallback;
	*clause = -1;
	return 0;
}
