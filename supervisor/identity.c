/* SPDX-License-Identifier: MIT */
/* When a caller's cached identity may be used, and what forgets it (identity.h). */
#include "identity.h"

#include <string.h>

#include <linux/seccomp.h>

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif

bool identity_creds_usable(const struct identity_state *id, const struct procinfo *entry)
{
	return id->trusted && !id->nested_listener && entry != NULL && entry->exit_watched;
}

bool identity_root_usable(const struct identity_state *id, const struct procinfo *entry)
{
	return identity_creds_usable(id, entry) && !id->root_changed;
}

void identity_creds_load(const struct procinfo *entry, struct target_creds *out)
{
	const struct procinfo_creds *c = &entry->creds;

	out->fsuid = c->fsuid;
	out->fsgid = c->fsgid;
	out->euid = c->euid;
	out->egid = c->egid;
	out->ruid = c->ruid;
	out->rgid = c->rgid;
	out->cap_eff = c->cap_eff;
	out->n_groups = c->n_groups;
	memcpy(out->groups, c->groups, c->n_groups * sizeof(c->groups[0]));
	out->umask = 0;
	out->umask_known = false;
}

void identity_creds_store(struct procinfo *entry, const struct target_creds *creds)
{
	struct procinfo_creds *c = &entry->creds;

	if (creds->n_groups > PROCINFO_GROUPS) {
		entry->creds_cached = false;
		return;
	}
	c->fsuid = creds->fsuid;
	c->fsgid = creds->fsgid;
	c->euid = creds->euid;
	c->egid = creds->egid;
	c->ruid = creds->ruid;
	c->rgid = creds->rgid;
	c->cap_eff = creds->cap_eff;
	c->n_groups = creds->n_groups;
	memcpy(c->groups, creds->groups, creds->n_groups * sizeof(c->groups[0]));
	entry->creds_cached = true;
}

/* The calls that change only the calling thread's credentials or namespaces. */
static bool changes_own_identity(const char *name)
{
	static const char *const names[] = {
	        "setuid",      "setgid",     "setreuid",   "setregid",    "setresuid",
	        "setresgid",   "setfsuid",   "setfsgid",   "setgroups",   "capset",
	        "setuid32",    "setgid32",   "setreuid32", "setregid32",  "setresuid32",
	        "setresgid32", "setfsuid32", "setfsgid32", "setgroups32", "unshare",
	        "setns",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

const char *identity_note_continued(struct identity_state *id, struct procinfo_cache *procs,
                                    const char *name, uint64_t arg0, uint64_t arg1, pid_t tid)
{
	/*
	 * Called for every call let through: the names below all start with c, p, s or u, so
	 * most calls (getppid, read, ...) are passed over without a string compare.
	 */
	if (name == NULL || !id->trusted || strchr("cpsu", name[0]) == NULL)
		return NULL;
	if (changes_own_identity(name)) {
		procinfo_forget_identity(procs, tid);
		return NULL;
	}
	if (strcmp(name, "chroot") == 0 || strcmp(name, "pivot_root") == 0) {
		bool first = !id->root_changed && !id->nested_listener;

		id->root_changed = true;
		return first ? "changed its root: the callers' roots are looked up per call from "
		               "now on"
		             : NULL;
	}
	if (strcmp(name, "seccomp") == 0 && arg0 == SECCOMP_SET_MODE_FILTER &&
	    (arg1 & SECCOMP_FILTER_FLAG_NEW_LISTENER)) {
		bool first = !id->nested_listener;

		id->nested_listener = true;
		return first ? "asked for a seccomp listener of its own: the callers' identity is "
		               "read per call from now on"
		             : NULL;
	}
	return NULL;
}
