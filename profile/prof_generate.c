/* SPDX-License-Identifier: MIT */
/*
 * Needs → a finalized static profile: every syscall the workload needed is allowed (with
 * selector conditions where the recorded values are few), every syscall that was denied in
 * enforce mode and never needed is listed explicitly with its errno, the rest falls to the
 * default action.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "prof.h"

/* One distinct tuple of selector values across all arches of a syscall. */
struct tuple {
	uint64_t values[PROF_SEL_MAX_ARGS];
	unsigned long long needed;
	const char *first_ts, *first_exe;
};

static bool earlier(const char *ts, const char *exe, const char *ts2, const char *exe2)
{
	int c;

	if (!ts2)
		return true;
	c = strcmp(ts, ts2);
	return c < 0 || (c == 0 && strcmp(exe, exe2) < 0);
}

/* "x86_64" from "SCMP_ARCH_X86_64", for comments. */
static void arch_label(uint32_t arch, char *buf, size_t size)
{
	const char *name = prof_arch_name(arch);
	size_t i = 0;

	name = name ? name + strlen("SCMP_ARCH_") : "?";
	for (; name[i] && i + 1 < size; i++)
		buf[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
	buf[i] = 0;
}

/* "needed 12 (x86_64 10, x86 2); first seen: /usr/bin/tar" */
static char *make_comment(const char *what, const struct prof_need_syscall *const *g, size_t n,
                          bool denied, unsigned long long total, const char *exe, const char *extra)
{
	char buf[1024], label[32];
	size_t used;

	used = (size_t)snprintf(buf, sizeof(buf), "%s %llu", what, total);
	if (n > 1) {
		for (size_t i = 0; i < n && used < sizeof(buf); i++) {
			arch_label(g[i]->arch, label, sizeof(label));
			used += (size_t)snprintf(
			        buf + used, sizeof(buf) - used, "%s%s %llu", i ? ", " : " (", label,
			        denied ? g[i]->denied + g[i]->killed : g[i]->needed);
		}
		if (used < sizeof(buf))
			used += (size_t)snprintf(buf + used, sizeof(buf) - used, ")");
	} else if (n == 1 && used < sizeof(buf)) {
		arch_label(g[0]->arch, label, sizeof(label));
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, " (%s)", label);
	}
	if (extra && used < sizeof(buf))
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "; %s", extra);
	if (used < sizeof(buf))
		snprintf(buf + used, sizeof(buf) - used, "; first seen: %s",
		         *exe ? exe : "(unknown)");
	return strdup(buf);
}

static bool base_allows(const struct prof_model *base, const char *name)
{
	for (size_t i = 0; base && i < base->n_rules; i++)
		if (strcmp(base->rules[i].name, name) == 0 && base->rules[i].n_conds == 0 &&
		    prof_action_runs(base->rules[i].action))
			return true;
	return false;
}

static bool base_names(const struct prof_model *base, const char *name)
{
	for (size_t i = 0; base && i < base->n_rules; i++)
		if (strcmp(base->rules[i].name, name) == 0)
			return true;
	return false;
}

static bool name_valid(const char *name, const struct prof_need_syscall *const *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (seccomp_syscall_resolve_name_arch(g[i]->arch, name) != __NR_SCMP_ERROR)
			return true;
	return false;
}

static int cmp_tuple(const void *a, const void *b)
{
	const struct tuple *x = a, *y = b;

	for (int i = 0; i < PROF_SEL_MAX_ARGS; i++)
		if (x->values[i] != y->values[i])
			return x->values[i] < y->values[i] ? -1 : 1;
	return 0;
}

/* Distinct needed tuples across arches; returns their count, or -1 when unconditioned. */
static long collect_tuples(const struct prof_need_syscall *const *g, size_t n, struct tuple **out)
{
	struct tuple *t = NULL;
	size_t nt = 0;

	for (size_t i = 0; i < n; i++) {
		if (g[i]->unconditioned || !g[i]->sel)
			goto none;
		for (size_t e = 0; e < g[i]->n_entries; e++) {
			const struct prof_need_entry *en = &g[i]->entries[e];
			size_t k;

			if (!en->needed)
				continue;
			if (!en->has_values)
				goto none;
			for (k = 0; k < nt; k++)
				if (memcmp(t[k].values, en->values, sizeof(en->values)) == 0)
					break;
			if (k == nt) {
				struct tuple *nv = realloc(t, (nt + 1) * sizeof(*t));

				if (!nv)
					goto none;
				t = nv;
				memset(&t[nt], 0, sizeof(*t));
				memcpy(t[nt].values, en->values, sizeof(en->values));
				nt++;
			}
			t[k].needed += en->needed;
			if (earlier(en->first_ts, en->first_exe, t[k].first_ts, t[k].first_exe)) {
				t[k].first_ts = en->first_ts;
				t[k].first_exe = en->first_exe;
			}
		}
	}
	if (nt > g[0]->sel->max_values)
		goto none;
	qsort(t, nt, sizeof(*t), cmp_tuple);
	*out = t;
	return (long)nt;
none:
	free(t);
	*out = NULL;
	return -1;
}

static void first_seen(const struct prof_need_syscall *const *g, size_t n, bool denied,
                       const char **exe)
{
	const char *ts = NULL;

	*exe = "";
	for (size_t i = 0; i < n; i++) {
		for (size_t e = 0; e < g[i]->n_entries; e++) {
			const struct prof_need_entry *en = &g[i]->entries[e];

			if (denied ? !(en->denied || en->killed) : !en->needed)
				continue;
			if (earlier(en->first_ts, en->first_exe, ts, *exe)) {
				ts = en->first_ts;
				*exe = en->first_exe;
			}
		}
	}
}

/* Collects the distinct recorded paths (or addresses) of a syscall across arches. */
static size_t collect_strings(const struct prof_need_syscall *const *g, size_t n, bool addresses,
                              char ***out)
{
	char **v = NULL;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		char **src = addresses ? g[i]->addresses : g[i]->paths;
		size_t ns = addresses ? g[i]->n_addresses : g[i]->n_paths;

		for (size_t j = 0; j < ns; j++) {
			bool dup = false;

			for (size_t x = 0; x < k && !dup; x++)
				dup = strcmp(v[x], src[j]) == 0;
			if (dup)
				continue;
			v = realloc(v, (k + 1) * sizeof(*v));
			v[k++] = src[j];
		}
	}
	*out = v;
	return k;
}

/* --notify: a supervised rule when the records carry paths or addresses. */
static bool add_notify(struct prof_model *m, const char *name,
                       const struct prof_need_syscall *const *g, size_t n,
                       unsigned long long needed)
{
	char **paths, **addrs;
	size_t np = collect_strings(g, n, false, &paths), na = collect_strings(g, n, true, &addrs);
	json_t *clause, *supervise, *arr;
	struct prof_rule *r;
	const char *exe;

	if (!np && !na) {
		free(paths);
		free(addrs);
		return false;
	}
	clause = json_object();
	if (np)
		json_object_set_new(clause, "paths", prof_notify_paths(paths, np));
	if (na) {
		arr = json_array();
		for (size_t i = 0; i < na; i++)
			json_array_append_new(arr, json_string(addrs[i]));
		json_object_set_new(clause, "addresses", arr);
	}
	json_object_set_new(clause, "decision", json_string("allow"));
	supervise = json_array();
	json_array_append_new(supervise, clause);
	r = prof_model_add_rule(m, name, PROF_ACT_NOTIFY);
	r->extra = json_object();
	json_object_set_new(r->extra, "supervise", supervise);
	first_seen(g, n, false, &exe);
	r->comment =
	        make_comment("needed", g, n, false, needed, exe,
	                     "supervised: what was recorded, by directory; the rest is denied");
	free(paths);
	free(addrs);
	return true;
}

static void add_allow(struct prof_model *m, const char *name,
                      const struct prof_need_syscall *const *g, size_t n, unsigned long long needed,
                      unsigned long long denied)
{
	const struct prof_selector *sel = g[0]->sel;
	struct tuple *t = NULL;
	long nt = sel ? collect_tuples(g, n, &t) : -1;
	char extra[128] = "", *extrap = NULL;
	const char *exe;

	if (denied) {
		snprintf(extra, sizeof(extra), "denied %llu with other arguments", denied);
		extrap = extra;
	}
	if (nt > 0 && sel->args[0].kind == PROF_SEL_NSMASK) {
		uint64_t seen = 0, mask;

		for (long i = 0; i < nt; i++)
			seen |= t[i].values[0];
		mask = sel->args[0].mask & ~seen;
		first_seen(g, n, false, &exe);
		struct prof_rule *r = prof_model_add_rule(m, name, PROF_ACT_ALLOW);
		r->comment = make_comment("needed", g, n, false, needed, exe, extrap);
		if (mask) {
			r->conds[0] =
			        (struct prof_cond){sel->args[0].index, SCMP_CMP_MASKED_EQ, mask, 0};
			r->n_conds = 1;
		}
		free(t);
		return;
	}
	/* A single masked selector whose every combination was seen needs no condition. */
	if (nt > 0 && sel->n_args == 1 && sel->args[0].kind == PROF_SEL_MASKED &&
	    (unsigned long)nt == 1ul << __builtin_popcountll(sel->args[0].mask))
		nt = -1;
	if (nt <= 0) {
		first_seen(g, n, false, &exe);
		struct prof_rule *r = prof_model_add_rule(m, name, PROF_ACT_ALLOW);
		r->comment = make_comment("needed", g, n, false, needed, exe, extrap);
		free(t);
		return;
	}
	for (long i = 0; i < nt; i++) {
		struct prof_rule *r = prof_model_add_rule(m, name, PROF_ACT_ALLOW);
		char what[64];

		for (unsigned a = 0; a < sel->n_args; a++) {
			const struct prof_sel_arg *sa = &sel->args[a];
			struct prof_cond *c = &r->conds[r->n_conds++];

			c->index = sa->index;
			if (sa->kind == PROF_SEL_EQ) {
				c->op = SCMP_CMP_EQ;
				c->value = t[i].values[a];
			} else {
				c->op = SCMP_CMP_MASKED_EQ;
				c->value = sa->mask;
				c->value_two = t[i].values[a];
			}
		}
		snprintf(what, sizeof(what), "needed %llu with these arguments, in all",
		         t[i].needed);
		r->comment = make_comment(what, g, n, false, needed, t[i].first_exe, extrap);
	}
	free(t);
}

static void add_deny(struct prof_model *m, const char *name,
                     const struct prof_need_syscall *const *g, size_t n, unsigned long long denied,
                     unsigned long long killed)
{
	unsigned long long best = 0;
	int err = EPERM;
	const char *exe;
	char extra[96];
	struct prof_rule *r;

	for (size_t i = 0; i < n; i++) {
		for (size_t e = 0; e < g[i]->n_entries; e++) {
			const struct prof_need_entry *en = &g[i]->entries[e];

			if (en->denied > best ||
			    (en->denied == best && en->denied && en->denied_errno < err)) {
				best = en->denied;
				err = en->denied_errno;
			}
		}
	}
	first_seen(g, n, true, &exe);
	if (killed > denied) {
		r = prof_model_add_rule(m, name, PROF_ACT_KILL_PROCESS);
		snprintf(extra, sizeof(extra), "killed in enforce mode");
	} else {
		r = prof_model_add_rule(m, name, PROF_ACT_ERRNO);
		r->has_errno = true;
		r->errno_ret = (uint32_t)err;
		snprintf(extra, sizeof(extra), "denied in enforce mode with %s",
		         prof_errno_name(err));
	}
	r->comment = make_comment("stopped", g, n, true, denied + killed, exe, extra);
}

static int cmp_by_name(const void *a, const void *b)
{
	const struct prof_need_syscall *x = *(const struct prof_need_syscall *const *)a;
	const struct prof_need_syscall *y = *(const struct prof_need_syscall *const *)b;
	int c = strcmp(x->syscall, y->syscall);

	return c ? c : prof_arch_cmp(x->arch, y->arch);
}

static void copy_base(struct prof_model *m, const struct prof_model *base)
{
	for (size_t i = 0; i < base->n_arches; i++)
		prof_model_add_arch(m, base->arches[i]);
	for (size_t i = 0; i < base->n_flags; i++)
		prof_model_add_flag(m, base->flags[i]);
	for (size_t i = 0; i < base->n_rules; i++) {
		const struct prof_rule *b = &base->rules[i];
		struct prof_rule *r = prof_model_add_rule(m, b->name, b->action);
		char buf[512];

		r->has_errno = b->has_errno;
		r->errno_ret = b->errno_ret;
		memcpy(r->conds, b->conds, sizeof(r->conds));
		r->n_conds = b->n_conds;
		snprintf(buf, sizeof(buf), "from base %s%s%s", base->source, b->comment ? ": " : "",
		         b->comment ? b->comment : "");
		r->comment = strdup(buf);
		r->extra = json_incref(b->extra);
		r->inactive = b->inactive;
	}
	if (base->listener_path)
		m->listener_path = strdup(base->listener_path);
}

/*
 * Calls every workload needs whether or not the recording saw them: a single-threaded run never
 * calls exit (threads do), and a run that caught no signal never returned from a handler; a
 * profile without them makes the workload hang or crash later for no reason of its own.
 * Allowing them grants nothing (lint flags their absence).
 */
static const char *const essentials[] = {"exit", "exit_group", "rt_sigreturn", NULL};

/*
 * Unconditioned allows for names (NULL-terminated) unless the model already allows them
 * without conditions: the OCI runtime's own calls (runtime names it) or the essentials (NULL).
 */
static void add_unconditioned(struct prof_model *m, const char *const *names, const char *runtime)
{
	for (const char *const *rs = names; rs && *rs; rs++) {
		struct prof_rule *r;
		char buf[160];
		bool have = false;

		for (size_t i = 0; i < m->n_rules; i++)
			have |= strcmp(m->rules[i].name, *rs) == 0 && m->rules[i].n_conds == 0 &&
			        prof_action_runs(m->rules[i].action);
		if (have)
			continue;
		/* An allow with conditions for the same name stays; the unconditioned one is
		 * what is needed. */
		r = prof_model_add_rule(m, *rs, PROF_ACT_ALLOW);
		if (runtime != NULL)
			snprintf(buf, sizeof(buf),
			         "needed by %s between loading the profile and exec", runtime);
		else
			snprintf(buf, sizeof(buf),
			         "not recorded; allowed as essential (--no-essentials leaves it "
			         "out)");
		r->comment = strdup(buf);
	}
}

struct prof_model *prof_generate(struct prof_needs *needs, const struct prof_gen_opts *opts)
{
	struct prof_model *m = prof_model_new("generated");
	size_t n = 0;
	const struct prof_need_syscall *list = prof_needs_list(needs, &n);
	const struct prof_need_syscall **by_name = calloc(n ? n : 1, sizeof(*by_name));

	if (!m || !by_name || (n && !list)) {
		prof_model_free(m);
		free(by_name);
		return NULL;
	}
	m->default_action = opts->default_action;
	m->default_errno = opts->default_errno;
	m->has_default_errno = opts->default_action == PROF_ACT_ERRNO;
	if (opts->base)
		copy_base(m, opts->base);
	for (size_t i = 0; i < n; i++) {
		by_name[i] = &list[i];
		prof_model_add_arch(m, list[i].arch);
	}
	qsort(by_name, n, sizeof(*by_name), cmp_by_name);
	for (size_t i = 0, j; i < n; i = j) {
		const char *name = by_name[i]->syscall;
		unsigned long long needed = 0, denied = 0, killed = 0;

		for (j = i; j < n && strcmp(by_name[j]->syscall, name) == 0; j++) {
			needed += by_name[j]->needed;
			denied += by_name[j]->denied;
			killed += by_name[j]->killed;
		}
		if (!name_valid(name, by_name + i, j - i)) {
			fprintf(stderr,
			        "bouncer: %s: no syscall of that name on %s; left to the "
			        "default action\n",
			        name, prof_arch_name(by_name[i]->arch));
			continue;
		}
		if (needed && needed >= opts->min_count) {
			if (base_allows(opts->base, name))
				continue;
			if (!opts->notify || !add_notify(m, name, by_name + i, j - i, needed))
				add_allow(m, name, by_name + i, j - i, needed, denied + killed);
		} else if ((denied || killed) && !base_names(opts->base, name)) {
			add_deny(m, name, by_name + i, j - i, denied, killed);
		}
	}
	add_unconditioned(m, opts->runtime_syscalls, opts->runtime_name);
	if (!opts->no_essentials && !prof_action_runs(m->default_action))
		add_unconditioned(m, essentials, NULL);
	free(by_name);
	prof_model_sort(m);
	return m;
}
