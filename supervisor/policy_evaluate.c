/* SPDX-License-Identifier: MIT */
/*
 * The hot path: what the profile says about one notification. No allocation, no syscall, no
 * libseccomp call: the shadow program runs in bpf_run() (the answer runc + libseccomp would
 * have given), then the deciding rule is found among the few candidates of the table for this
 * arch and syscall number.
 */
#include <stdbool.h>
#include <stddef.h>

#include "policy_compile.h"
#include "policy_compile_internal.h"

const struct compiled_arch *policy_compile_find_arch(const struct compiled_policy *compiled,
                                                     uint32_t audit_arch, int nr)
{
	bool x32 = ((uint32_t)nr & COMPILE_X32_SYSCALL_BIT) != 0;
	size_t i;

	for (i = 0; i < compiled->n_arches; i++)
		if (compiled->arches[i].audit_arch == audit_arch && compiled->arches[i].x32 == x32)
			return &compiled->arches[i];
	return NULL;
}

const struct compiled_syscall *policy_compile_find_syscall(const struct compiled_arch *arch,
                                                           uint32_t nr)
{
	size_t lo = 0, hi = arch->n_syscalls;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (arch->syscalls[mid].nr == nr)
			return &arch->syscalls[mid];
		if (arch->syscalls[mid].nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static bool compile_arg_holds(const struct policy_arg *arg, const struct seccomp_data *data,
                              bool args_32bit)
{
	uint64_t a = data->args[arg->index], v = arg->value, v2 = arg->value_two;

	if (args_32bit) {
		a &= 0xffffffffu;
		v &= 0xffffffffu;
		v2 &= 0xffffffffu;
	}
	switch (arg->op) {
	case SCMP_CMP_NE:
		return a != v;
	case SCMP_CMP_LT:
		return a < v;
	case SCMP_CMP_LE:
		return a <= v;
	case SCMP_CMP_EQ:
		return a == v;
	case SCMP_CMP_GE:
		return a >= v;
	case SCMP_CMP_GT:
		return a > v;
	case SCMP_CMP_MASKED_EQ:
		/* OCI/runc: "value" is the mask, "valueTwo" the datum (libseccomp's order). */
		return (a & v) == v2;
	default:
		return false;
	}
}

static bool compile_rule_holds(const struct compiled_policy *compiled,
                               const struct policy_rule *rule, const struct seccomp_data *data,
                               bool args_32bit)
{
	bool any = compiled->rules[rule - compiled->policy->rules].same_index_or;
	size_t i;

	for (i = 0; i < rule->n_args; i++) {
		bool holds = compile_arg_holds(&rule->args[i], data, args_32bit);

		if (any && holds)
			return true;
		if (!any && !holds)
			return false;
	}
	return !any || rule->n_args == 0;
}

static void compile_verdict_of(uint32_t ret, struct policy_verdict *out)
{
	out->errno_value = 0;
	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_PROCESS:
		out->action = POLICY_ACT_KILL_PROCESS;
		break;
	case SECCOMP_RET_KILL_THREAD:
		out->action = POLICY_ACT_KILL_THREAD;
		break;
	case SECCOMP_RET_TRAP:
		out->action = POLICY_ACT_TRAP;
		break;
	case SECCOMP_RET_ERRNO:
		out->action = POLICY_ACT_ERRNO;
		out->errno_value = ret & SECCOMP_RET_DATA;
		break;
	case SECCOMP_RET_TRACE:
		out->action = POLICY_ACT_TRACE;
		out->errno_value = ret & SECCOMP_RET_DATA;
		break;
	case SECCOMP_RET_LOG:
		out->action = POLICY_ACT_LOG;
		break;
	case SECCOMP_RET_ALLOW:
		out->action = POLICY_ACT_ALLOW;
		break;
	case SECCOMP_RET_USER_NOTIF:
		out->action = POLICY_ACT_NOTIFY;
		break;
	default:
		/* The kernel treats unknown actions as KILL_PROCESS. */
		out->action = POLICY_ACT_KILL_PROCESS;
		break;
	}
}

void policy_evaluate(const struct compiled_policy *compiled, const struct seccomp_data *data,
                     struct policy_verdict *out)
{
	const struct compiled_arch *arch;
	const struct compiled_syscall *sc = NULL;
	uint32_t ret, i;

	ret = bpf_run(&compiled->shadow, data);
	compile_verdict_of(ret, out);
	out->rule = NULL;
	arch = policy_compile_find_arch(compiled, data->arch, data->nr);
	if (arch != NULL)
		sc = policy_compile_find_syscall(arch,
		                                 (uint32_t)data->nr & ~COMPILE_X32_SYSCALL_BIT);
	if (sc == NULL)
		return;
	for (i = 0; i < sc->count; i++) {
		const struct compiled_candidate *c = &compiled->candidates[sc->first + i];

		bool holds = c->mux_call != 0 ? (uint32_t)data->args[0] == c->mux_call
		                              : compile_rule_holds(compiled, c->rule, data,
		                                                   arch->args_32bit);

		if (c->shadow_action == ret && holds) {
			out->rule = c->rule;
			return;
		}
	}
	if (ret == compiled->shadow_default)
		return;
	/*
	 * The shadow gave an action no holding rule has: a case our condition check does not
	 * model exactly (e.g. a syscall that libseccomp also filters through a multiplexer).
	 * The action stays the shadow's; name the first rule of this syscall with that action.
	 */
	for (i = 0; i < sc->count; i++)
		if (compiled->candidates[sc->first + i].shadow_action == ret) {
			out->rule = compiled->candidates[sc->first + i].rule;
			return;
		}
}
