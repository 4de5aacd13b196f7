/* SPDX-License-Identifier: MIT */
/*
 * Builds struct policy values by hand for the compiler's tests, so that they do not depend on
 * the JSON parser. Everything is heap-allocated and freed by pb_free() (not policy_free(),
 * which belongs to the parser).
 */
#ifndef BOUNCER_TESTS_POLICY_BUILDER_H
#define BOUNCER_TESTS_POLICY_BUILDER_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

#define PB_MAX_RULES 64

static inline struct policy *pb_new(enum policy_action default_action, int default_errno)
{
	struct policy *p = calloc(1, sizeof(*p));

	ck_assert_ptr_nonnull(p);
	p->source = strdup("test.json");
	p->default_action = default_action;
	p->has_default_errno = default_errno >= 0;
	p->default_errno = default_errno >= 0 ? (uint32_t)default_errno : 0;
	p->rules = calloc(PB_MAX_RULES, sizeof(*p->rules));
	ck_assert_ptr_nonnull(p->rules);
	return p;
}

/* Adds a rule naming the space-separated syscalls; errno_ret < 0: no errnoRet. */
static inline struct policy_rule *pb_rule(struct policy *p, enum policy_action action,
                                          int errno_ret, const char *names)
{
	struct policy_rule *r;
	char *copy, *save = NULL, *tok;

	ck_assert_uint_lt(p->n_rules, PB_MAX_RULES);
	r = &p->rules[p->n_rules];
	r->index = p->n_rules++;
	r->action = action;
	r->has_errno_ret = errno_ret >= 0;
	r->errno_ret = errno_ret >= 0 ? (uint32_t)errno_ret : 0;
	r->active = true;
	r->names = calloc(64, sizeof(char *));
	ck_assert_ptr_nonnull(r->names);
	copy = strdup(names);
	for (tok = strtok_r(copy, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save))
		r->names[r->n_names++] = strdup(tok);
	free(copy);
	r->args = calloc(8, sizeof(*r->args));
	ck_assert_ptr_nonnull(r->args);
	return r;
}

static inline void pb_arg(struct policy_rule *r, unsigned index, enum scmp_compare op,
                          uint64_t value, uint64_t value_two)
{
	ck_assert_uint_lt(r->n_args, 8);
	r->args[r->n_args++] = (struct policy_arg){
	        .index = index, .value = value, .value_two = value_two, .op = op};
}

static inline void pb_arch(struct policy *p, uint32_t token)
{
	p->arches = realloc(p->arches, (p->n_arches + 1) * sizeof(*p->arches));
	ck_assert_ptr_nonnull(p->arches);
	p->arches[p->n_arches++] = (struct policy_arch){.token = token};
}

static inline void pb_free(struct policy *p)
{
	size_t r, n;

	if (p == NULL)
		return;
	for (r = 0; r < p->n_rules; r++) {
		for (n = 0; n < p->rules[r].n_names; n++)
			free(p->rules[r].names[n]);
		free(p->rules[r].names);
		free(p->rules[r].args);
		free(p->rules[r].comment);
	}
	free(p->rules);
	free(p->arches);
	free(p->source);
	free(p);
}

#endif
