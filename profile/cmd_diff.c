/* SPDX-License-Identifier: MIT */
/*
 * `bouncer profile diff A B`: what B changes relative to A, in meaning (comments and rule
 * grouping do not count). Lines: "+" only in B, "-" only in A, "~" changed. Exit 0 when the
 * profiles mean the same, 1 when they differ, 2 on errors.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "prof.h"

static void format_action(enum prof_action act, bool has_errno, uint32_t errno_ret, char *buf,
                          size_t size)
{
	if (has_errno && act == PROF_ACT_ERRNO)
		snprintf(buf, size, "%s(%s)", prof_action_name(act),
		         prof_errno_name((int)errno_ret));
	else if (has_errno)
		snprintf(buf, size, "%s(%u)", prof_action_name(act), errno_ret);
	else
		snprintf(buf, size, "%s", prof_action_name(act));
}

static void format_rule(const struct prof_rule *r, char *buf, size_t size)
{
	char conds[256], act[64];

	prof_conds_format(r, conds, sizeof(conds));
	format_action(r->action, r->has_errno, r->errno_ret, act, sizeof(act));
	snprintf(buf, size, "%s%s%s: %s", r->name, *conds ? " if " : "", conds, act);
}

static const struct prof_rule *find_same(const struct prof_model *m, const struct prof_rule *r)
{
	for (size_t i = 0; i < m->n_rules; i++)
		if (strcmp(m->rules[i].name, r->name) == 0 &&
		    prof_rules_same_conds(&m->rules[i], r))
			return &m->rules[i];
	return NULL;
}

static bool same_action(const struct prof_rule *a, const struct prof_rule *b)
{
	return a->action == b->action && a->has_errno == b->has_errno &&
	       (!a->has_errno || a->errno_ret == b->errno_ret);
}

static unsigned diff_models(const struct prof_model *a, const struct prof_model *b)
{
	unsigned changes = 0;
	char x[512], y[64];

	if (a->default_action != b->default_action ||
	    (a->default_action == PROF_ACT_ERRNO && a->default_errno != b->default_errno)) {
		format_action(a->default_action, a->default_action == PROF_ACT_ERRNO,
		              a->default_errno, x, sizeof(x));
		format_action(b->default_action, b->default_action == PROF_ACT_ERRNO,
		              b->default_errno, y, sizeof(y));
		printf("~ defaultAction: %s -> %s\n", x, y);
		changes++;
	}
	/* The native arch is in every filter, listed or not. */
	for (size_t i = 0; i < a->n_arches; i++)
		if (a->arches[i] != SCMP_ARCH_X86_64 && !prof_model_has_arch(b, a->arches[i])) {
			printf("- arch %s\n", prof_arch_name(a->arches[i]));
			changes++;
		}
	for (size_t i = 0; i < b->n_arches; i++)
		if (b->arches[i] != SCMP_ARCH_X86_64 && !prof_model_has_arch(a, b->arches[i])) {
			printf("+ arch %s\n", prof_arch_name(b->arches[i]));
			changes++;
		}
	for (size_t i = 0; i < a->n_flags; i++) {
		bool found = false;

		for (size_t j = 0; j < b->n_flags; j++)
			found |= strcmp(a->flags[i], b->flags[j]) == 0;
		if (!found) {
			printf("- flag %s\n", a->flags[i]);
			changes++;
		}
	}
	for (size_t i = 0; i < b->n_flags; i++) {
		bool found = false;

		for (size_t j = 0; j < a->n_flags; j++)
			found |= strcmp(b->flags[i], a->flags[j]) == 0;
		if (!found) {
			printf("+ flag %s\n", b->flags[i]);
			changes++;
		}
	}
	if ((a->listener_path == NULL) != (b->listener_path == NULL) ||
	    (a->listener_path && strcmp(a->listener_path, b->listener_path) != 0)) {
		printf("~ listenerPath: %s -> %s\n", a->listener_path ? a->listener_path : "(none)",
		       b->listener_path ? b->listener_path : "(none)");
		changes++;
	}
	/* Both are in canonical order; walk A's rules, then B's that A lacks. */
	for (size_t i = 0; i < a->n_rules; i++) {
		const struct prof_rule *r = &a->rules[i], *o = find_same(b, r);

		if (find_same(a, r) != r)
			continue; /* a duplicate inside A: compared once */
		if (!o) {
			format_rule(r, x, sizeof(x));
			printf("- %s\n", x);
			changes++;
		} else if (!same_action(r, o)) {
			format_rule(r, x, sizeof(x));
			format_action(o->action, o->has_errno, o->errno_ret, y, sizeof(y));
			printf("~ %s -> %s\n", x, y);
			changes++;
		}
	}
	for (size_t i = 0; i < b->n_rules; i++) {
		const struct prof_rule *r = &b->rules[i];

		if (find_same(b, r) != r || find_same(a, r))
			continue;
		format_rule(r, x, sizeof(x));
		printf("+ %s\n", x);
		changes++;
	}
	return changes;
}

int prof_cmd_diff(int argc, char **argv)
{
	struct prof_model *a = NULL, *b = NULL;
	bouncer_error_t err = {0};
	unsigned changes;
	int rc = 2;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		puts("usage: bouncer profile diff A B");
		return 0;
	}
	if (argc != 3) {
		fputs("usage: bouncer profile diff A B\n", stderr);
		return 2;
	}
	if (prof_load_profile(argv[1], &a, &err) < 0 || prof_load_profile(argv[2], &b, &err) < 0) {
		fprintf(stderr, "bouncer: %s\n", err.msg);
		goto out;
	}
	prof_model_sort(a);
	prof_model_sort(b);
	changes = diff_models(a, b);
	if (changes)
		printf("%u difference%s\n", changes, changes == 1 ? "" : "s");
	rc = changes ? 1 : 0;
out:
	prof_model_free(a);
	prof_model_free(b);
	return rc;
}
