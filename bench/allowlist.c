/* SPDX-License-Identifier: MIT */
/*
 * The allow list every filtered case shares. It is read from the policy the bouncer rows run
 * under (bench/policies/log-getppid.json), so the kernel-only rows and the bouncer rows filter
 * exactly the same syscalls: the unconditional SCMP_ACT_ALLOW rules of that file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bench.h"

static bool rule_is_plain_allow(json_t *rule)
{
	const char *action = json_string_value(json_object_get(rule, "action"));

	/* Conditional rules would change meaning if flattened; the bench policy has none. */
	return action && strcmp(action, "SCMP_ACT_ALLOW") == 0 && !json_object_get(rule, "args") &&
	       !json_object_get(rule, "includes") && !json_object_get(rule, "excludes");
}

static int append_name(struct bench_allowlist *list, const char *name)
{
	char **grown = realloc(list->names, sizeof(*grown) * (list->n + 1));

	if (!grown)
		return -ENOMEM;
	list->names = grown;
	list->names[list->n] = strdup(name);
	if (!list->names[list->n])
		return -ENOMEM;
	list->n++;
	return 0;
}

int bench_allowlist_load(const char *policy_path, struct bench_allowlist *list, char *reason,
                         size_t reason_len)
{
	json_error_t jerr;
	json_t *root = json_load_file(policy_path, 0, &jerr);
	json_t *rules, *rule, *name;
	size_t i, j;
	int rc = 0;

	list->names = NULL;
	list->n = 0;
	if (!root) {
		snprintf(reason, reason_len, "%s:%d:%d: %s", policy_path, jerr.line, jerr.column,
		         jerr.text);
		return -EINVAL;
	}
	rules = json_object_get(root, "syscalls");
	json_array_foreach(rules, i, rule)
	{
		if (!rule_is_plain_allow(rule))
			continue;
		json_array_foreach(json_object_get(rule, "names"), j, name)
		{
			if (json_is_string(name) &&
			    (rc = append_name(list, json_string_value(name))) < 0)
				goto out;
		}
	}
	if (list->n == 0) {
		snprintf(reason, reason_len, "%s: no unconditional SCMP_ACT_ALLOW rule",
		         policy_path);
		rc = -EINVAL;
	}
out:
	if (rc == -ENOMEM)
		snprintf(reason, reason_len, "out of memory");
	json_decref(root);
	return rc;
}

void bench_allowlist_free(struct bench_allowlist *list)
{
	for (size_t i = 0; i < list->n; i++)
		free(list->names[i]);
	free(list->names);
	list->names = NULL;
	list->n = 0;
}

scmp_filter_ctx bench_filter_build(const struct bench_allowlist *list, uint32_t getppid_action,
                                   bool arg0_zero, char *reason, size_t reason_len)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	int rc;

	if (!ctx) {
		snprintf(reason, reason_len, "seccomp_init failed");
		return NULL;
	}
	/* A binary tree over syscall numbers, as a careful runtime would ask for. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc < 0) {
		snprintf(reason, reason_len, "SCMP_FLTATR_CTL_OPTIMIZE=2: %s", strerror(-rc));
		goto fail;
	}
	for (size_t i = 0; i < list->n; i++) {
		int nr = seccomp_syscall_resolve_name(list->names[i]);

		/* Unknown names are skipped, as runc does with names its libseccomp lacks. */
		if (nr == __NR_SCMP_ERROR || strcmp(list->names[i], "getppid") == 0)
			continue;
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
		if (rc < 0) {
			snprintf(reason, reason_len, "seccomp_rule_add(%s): %s", list->names[i],
			         strerror(-rc));
			goto fail;
		}
	}
	if (arg0_zero)
		rc = seccomp_rule_add(ctx, getppid_action, SCMP_SYS(getppid), 1,
		                      SCMP_A0(SCMP_CMP_EQ, 0));
	else
		rc = seccomp_rule_add(ctx, getppid_action, SCMP_SYS(getppid), 0);
	if (rc < 0) {
		snprintf(reason, reason_len, "seccomp_rule_add(getppid): %s", strerror(-rc));
		goto fail;
	}
	return ctx;
fail:
	seccomp_release(ctx);
	return NULL;
}
