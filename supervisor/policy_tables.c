/* SPDX-License-Identifier: MIT */
/*
 * The supervisor's lookup tables: per arch of the filter and per syscall number that a rule
 * names, the rules that may decide a call (candidates, in syscalls[] order), and where that
 * syscall is decided (policy_route_of). Built once by policy_compile(); read on the hot path
 * by policy_evaluate.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/audit.h>

#include "policy_compile.h"
#include "policy_compile_internal.h"

/* (nr, rule) pairs of one arch, sorted into the candidate table. */
struct compile_pair {
	uint32_t nr;
	size_t rule; /* index in policy->rules, SIZE_MAX for a routed exec without rules */
	size_t name_index;
	uint32_t mux_call; /* nonzero: reached through a multiplexer with arg0 == mux_call */
	const char *name;
};

static int compile_pair_cmp(const void *a, const void *b)
{
	const struct compile_pair *x = a, *y = b;

	if (x->nr != y->nr)
		return x->nr < y->nr ? -1 : 1;
	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	if (x->mux_call != y->mux_call)
		return x->mux_call < y->mux_call ? -1 : 1;
	return 0;
}

static int compile_push_candidate(struct compiled_policy *compiled, size_t *cap, size_t r, size_t n,
                                  uint32_t mux_call)
{
	struct compiled_candidate *c;

	if (compiled->n_candidates == *cap) {
		size_t grown = *cap ? *cap * 2 : 64;
		struct compiled_candidate *list =
		        realloc(compiled->candidates, grown * sizeof(*list));

		if (list == NULL)
			return -ENOMEM;
		compiled->candidates = list;
		*cap = grown;
	}
	c = &compiled->candidates[compiled->n_candidates++];
	c->rule = &compiled->policy->rules[r];
	c->shadow_action = compiled->rules[r].shadow_action;
	c->kernel_action = policy_compile_name_kernel_action(compiled, r, n);
	c->routed = (enum compiled_route_reason)compiled->rules[r].routed[n];
	c->mux_call = mux_call;
	return 0;
}

static int compile_pair_push(struct compile_pair **pairs, size_t *n, size_t *cap,
                             const struct compile_pair *pair)
{
	if (*n == *cap) {
		size_t grown_cap = *cap ? *cap * 2 : 64;
		struct compile_pair *grown = realloc(*pairs, grown_cap * sizeof(*grown));

		if (grown == NULL)
			return -ENOMEM;
		*pairs = grown;
		*cap = grown_cap;
	}
	(*pairs)[(*n)++] = *pair;
	return 0;
}

static int compile_candidate_table(struct compiled_policy *compiled, struct compiled_arch *arch,
                                   size_t *cand_cap)
{
	const struct policy *policy = compiled->policy;
	struct compile_pair *pairs = NULL;
	size_t n_pairs = 0, cap = 0, r, n, i;
	const char *routed[COMPILE_ROUTED_NAMES_MAX];
	size_t n_routed = policy_compile_routed_names(&compiled->options, routed);
	int nr, rc = 0;

	for (r = 0; r <= policy->n_rules; r++) {
		const char *const *names;
		size_t count;

		if (r < policy->n_rules) {
			if (compiled->rules[r].state != COMPILED_RULE_ADDED)
				continue;
			names = (const char *const *)policy->rules[r].names;
			count = policy->rules[r].n_names;
		} else {
			/* Routed syscalls get an entry even when no rule names them. */
			if (n_routed == 0)
				break;
			names = routed;
			count = n_routed;
		}
		for (n = 0; n < count; n++) {
			struct compile_pair pair = {
			        .rule = r < policy->n_rules ? r : SIZE_MAX,
			        .name_index = n,
			        .name = names[n],
			};
			const char *mux_name;
			int mux_nr;

			nr = policy_compile_resolve(arch->token, names[n]);
			if (nr >= 0) {
				pair.nr = (uint32_t)nr & ~COMPILE_X32_SYSCALL_BIT;
				rc = compile_pair_push(&pairs, &n_pairs, &cap, &pair);
				if (rc < 0)
					goto out;
			}
			if (policy_compile_multiplexed(arch->token, names[n], &mux_nr,
			                               &pair.mux_call, &mux_name)) {
				pair.nr = (uint32_t)mux_nr;
				pair.name = mux_name;
				rc = compile_pair_push(&pairs, &n_pairs, &cap, &pair);
				if (rc < 0)
					goto out;
			}
		}
	}
	if (n_pairs > 0)
		qsort(pairs, n_pairs, sizeof(*pairs), compile_pair_cmp);
	arch->syscalls = calloc(n_pairs ? n_pairs : 1, sizeof(*arch->syscalls));
	if (arch->syscalls == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n_pairs; i++) {
		struct compiled_syscall *sc = NULL;

		if (arch->n_syscalls > 0 && arch->syscalls[arch->n_syscalls - 1].nr == pairs[i].nr)
			sc = &arch->syscalls[arch->n_syscalls - 1];
		if (sc == NULL) {
			sc = &arch->syscalls[arch->n_syscalls++];
			sc->nr = pairs[i].nr;
			sc->name = pairs[i].name;
			sc->first = (uint32_t)compiled->n_candidates;
			sc->count = 0;
		}
		if (pairs[i].rule == SIZE_MAX)
			continue;
		/* A rule may list the same syscall twice (or two aliases): one candidate. */
		if (sc->count > 0 &&
		    compiled->candidates[sc->first + sc->count - 1].rule ==
		            &policy->rules[pairs[i].rule] &&
		    compiled->candidates[sc->first + sc->count - 1].mux_call == pairs[i].mux_call)
			continue;
		rc = compile_push_candidate(compiled, cand_cap, pairs[i].rule, pairs[i].name_index,
		                            pairs[i].mux_call);
		if (rc < 0)
			goto out;
		sc->count++;
	}
out:
	free(pairs);
	return rc;
}

/* How the kernel program's answer for a call is classified for routes. */
enum {
	COMPILE_OUT_ALLOW = 1u << 0,
	COMPILE_OUT_KERNEL = 1u << 1,
	COMPILE_OUT_NOTIFY = 1u << 2,
};

static unsigned compile_outcome(uint32_t ret)
{
	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
		return COMPILE_OUT_ALLOW;
	case SECCOMP_RET_USER_NOTIF:
		return COMPILE_OUT_NOTIFY;
	default:
		return COMPILE_OUT_KERNEL;
	}
}

static enum policy_route compile_route_of_outcomes(unsigned outcomes)
{
	if (outcomes & COMPILE_OUT_NOTIFY)
		return outcomes == COMPILE_OUT_NOTIFY ? ROUTE_SUPERVISOR : ROUTE_MIXED;
	if (outcomes == COMPILE_OUT_ALLOW)
		return ROUTE_KERNEL_ALLOW;
	return ROUTE_KERNEL;
}

#define COMPILE_SAMPLES_PER_ARG 32
#define COMPILE_SAMPLES_MAX     20000

static void compile_sample_add(uint64_t *list, size_t *n, bool *overflow, uint64_t value)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (list[i] == value)
			return;
	if (*n == COMPILE_SAMPLES_PER_ARG) {
		*overflow = true;
		return;
	}
	list[(*n)++] = value;
}

/*
 * The route of one syscall, found by running the kernel program itself (bpf_run) on every
 * combination of "interesting" argument values: each condition's value and its neighbours,
 * the masked datum with the other bits set and cleared, 0 and all-ones. Conditions compare one
 * argument with a constant, so these values reach every branch libseccomp generated for a
 * condition on a single argument; for combinations over several arguments the cross product
 * covers them too. When the cross product would be too large, the route is derived from the
 * rule lists instead (the kernel actions of the candidates, plus the default unless an
 * unconditional rule exists) — an over-approximation that may say MIXED, never less.
 */
static enum policy_route compile_route(const struct compiled_policy *compiled,
                                       const struct compiled_arch *arch,
                                       const struct compiled_syscall *sc)
{
	uint64_t samples[6][COMPILE_SAMPLES_PER_ARG];
	size_t n_samples[6], pos[6], total = 1, i, a, c;
	struct seccomp_data data;
	bool overflow = false, unconditional = false;
	unsigned outcomes = 0;

	for (a = 0; a < 6; a++) {
		samples[a][0] = 0;
		n_samples[a] = 1;
	}
	for (c = 0; c < sc->count; c++) {
		const struct compiled_candidate *cand = &compiled->candidates[sc->first + c];
		const struct policy_rule *rule = cand->rule;

		if (cand->mux_call != 0) {
			compile_sample_add(samples[0], &n_samples[0], &overflow, cand->mux_call);
			continue;
		}
		for (i = 0; i < rule->n_args; i++) {
			const struct policy_arg *arg = &rule->args[i];
			uint64_t *list = samples[arg->index];
			size_t *n = &n_samples[arg->index];
			uint64_t v = arg->value, v2 = arg->value_two;

			compile_sample_add(list, n, &overflow, UINT64_MAX);
			compile_sample_add(list, n, &overflow, v);
			compile_sample_add(list, n, &overflow, v - 1);
			compile_sample_add(list, n, &overflow, v + 1);
			compile_sample_add(list, n, &overflow, v ^ 0xffffffff00000000ull);
			if (arg->op == SCMP_CMP_MASKED_EQ) {
				compile_sample_add(list, n, &overflow, v2);
				compile_sample_add(list, n, &overflow, v2 | ~v);
				compile_sample_add(list, n, &overflow, v2 ^ (v & (0 - v)));
				compile_sample_add(list, n, &overflow, (v2 ^ v) & v);
			}
		}
	}
	for (a = 0; a < 6; a++) {
		total *= n_samples[a];
		if (total > COMPILE_SAMPLES_MAX)
			overflow = true;
	}
	if (!overflow) {
		memset(&data, 0, sizeof(data));
		data.arch = arch->audit_arch;
		data.nr = (int)(sc->nr | (arch->x32 ? COMPILE_X32_SYSCALL_BIT : 0));
		memset(pos, 0, sizeof(pos));
		for (i = 0; i < total; i++) {
			size_t rest = i;

			for (a = 0; a < 6; a++) {
				pos[a] = rest % n_samples[a];
				rest /= n_samples[a];
				data.args[a] = samples[a][pos[a]];
			}
			outcomes |= compile_outcome(bpf_run(&compiled->kernel, &data));
		}
		return compile_route_of_outcomes(outcomes);
	}
	for (c = 0; c < sc->count; c++) {
		const struct policy_rule *rule = compiled->candidates[sc->first + c].rule;

		outcomes |= compile_outcome(compiled->candidates[sc->first + c].kernel_action);
		unconditional =
		        unconditional ||
		        (rule->n_args == 0 && compiled->candidates[sc->first + c].mux_call == 0);
	}
	if (!unconditional)
		outcomes |= compile_outcome(compiled->kernel_default);
	return compile_route_of_outcomes(outcomes);
}

int policy_compile_tables(struct compiled_policy *compiled)
{
	size_t cap = 0, a, s;
	int rc;

	for (a = 0; a < compiled->n_arches; a++) {
		rc = compile_candidate_table(compiled, &compiled->arches[a], &cap);
		if (rc < 0)
			return rc;
	}
	for (a = 0; a < compiled->n_arches; a++)
		for (s = 0; s < compiled->arches[a].n_syscalls; s++)
			compiled->arches[a].syscalls[s].route = compile_route(
			        compiled, &compiled->arches[a], &compiled->arches[a].syscalls[s]);
	return 0;
}

enum policy_route policy_route_of(const struct compiled_policy *compiled, uint32_t arch, int nr)
{
	const struct compiled_syscall *sc;
	struct seccomp_data data;
	size_t i;

	for (i = 0; i < compiled->n_arches; i++) {
		if (compiled->arches[i].token != arch)
			continue;
		sc = policy_compile_find_syscall(&compiled->arches[i],
		                                 (uint32_t)nr & ~COMPILE_X32_SYSCALL_BIT);
		if (sc != NULL)
			return sc->route;
		break;
	}
	/* No rule names it: one run of the kernel program decides for every argument. */
	memset(&data, 0, sizeof(data));
	data.arch = arch == SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : arch;
	data.nr = arch == SCMP_ARCH_X32 ? (int)((uint32_t)nr | COMPILE_X32_SYSCALL_BIT) : nr;
	return compile_route_of_outcomes(compile_outcome(bpf_run(&compiled->kernel, &data)));
}
