/* SPDX-License-Identifier: MIT */
#include "reload.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <seccomp.h>

void reload_init(struct reload *r, struct supervisor *sup,
                 const struct compiled_policy *kernel_policy, const char *path,
                 const struct compile_options *options)
{
	memset(r, 0, sizeof(*r));
	r->sup = sup;
	r->kernel_policy = kernel_policy;
	r->path = path;
	r->options = *options;
	r->options.quiet_partial_names = false;
}

static const char *route_class(enum policy_route route)
{
	switch (route) {
	case ROUTE_KERNEL_ALLOW:
	case ROUTE_KERNEL:
		return "kernel";
	case ROUTE_SUPERVISOR:
		return "supervisor";
	case ROUTE_MIXED:
		return "mixed";
	}
	return "kernel";
}

/* Syscalls whose routing differs between the workload's filter and the new policy. */
static json_t *routing_changes(const struct reload *r, const struct compiled_policy *next)
{
	uint32_t arch = seccomp_arch_native();
	json_t *list = json_array();

	for (int nr = 0; nr < SYSCALL_TABLE_SIZE; nr++) {
		const char *name = syscall_name(&r->sup->names, arch, nr);
		const char *was, *now;

		if (name == NULL)
			continue;
		was = route_class(policy_route_of(r->kernel_policy, arch, nr));
		now = route_class(policy_route_of(next, arch, nr));
		if (strcmp(was, now) != 0)
			json_array_append_new(list, json_pack("{s:s,s:s,s:s}", "syscall", name,
			                                      "filter", was, "policy", now));
	}
	return list;
}

int reload_policy(struct reload *r, const char *file, json_t **report, bouncer_error_t *err)
{
	struct reload_loaded *l;
	struct policy_host host;
	const char *const *warnings;
	const struct policy *source;
	json_t *warn;
	size_t n;
	int rc;

	if (file == NULL)
		file = r->path;
	if (file == NULL)
		return bouncer_error_set(
		        err, -EINVAL, "this run uses the embedded policy: give a file to reload");
	l = calloc(1, sizeof(*l));
	if (l == NULL || (l->name = strdup(file)) == NULL) {
		free(l);
		return bouncer_error_set(err, -ENOMEM, "out of memory");
	}
	policy_host_detect(&host);
	rc = policy_load_file(file, &host, &l->policy, err);
	if (rc == 0)
		rc = policy_compile(l->policy, &r->options, &l->compiled, err);
	if (rc < 0) {
		compiled_policy_free(l->compiled);
		policy_free(l->policy);
		free(l->name);
		free(l);
		return rc;
	}
	warn = json_array();
	for (size_t i = 0; i < l->policy->n_warnings; i++)
		json_array_append_new(warn, json_string(l->policy->warnings[i]));
	n = compiled_policy_warnings(l->compiled, &warnings);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(warn, json_string(warnings[i]));

	/* The switch: one pointer and the values derived from the policy, between notifications. */
	source = compiled_policy_source(l->compiled);
	r->sup->policy = l->compiled;
	r->sup->policy_name = l->name;
	r->sup->default_errno = source->has_default_errno ? source->default_errno : EPERM;
	r->path = l->name;
	l->next = r->loaded;
	r->loaded = l;
	r->count++;

	*report = json_pack("{s:s,s:o,s:o}", "policy", l->name, "warnings", warn,
	                    "new_workloads_only", routing_changes(r, l->compiled));
	return 0;
}

void reload_release(struct reload *r)
{
	while (r->loaded != NULL) {
		struct reload_loaded *l = r->loaded;

		r->loaded = l->next;
		compiled_policy_free(l->compiled);
		policy_free(l->policy);
		free(l->name);
		free(l);
	}
}
