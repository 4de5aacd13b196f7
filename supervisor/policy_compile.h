/* SPDX-License-Identifier: MIT */
/*
 * From a parsed policy to what runs: the kernel BPF program (which syscalls the kernel answers
 * itself and which it routes to the supervisor with SECCOMP_RET_USER_NOTIF) and what the
 * supervisor needs to answer a notification exactly as the profile means it.
 *
 * How meaning is kept (see docs/policy-files.md, "How bouncer keeps Docker's meaning while
 * recording"):
 *  - Two programs are generated with libseccomp from the same rules: the *kernel* program, in
 *    which decisions that bouncer wants to record are replaced by SCMP_ACT_NOTIFY, and the
 *    *shadow* program, which has the profile's own actions (exactly what runc would load).
 *  - On each notification the supervisor runs the shadow program on the notification's
 *    seccomp_data (bpf_eval.c) and so gets the answer runc + libseccomp would have given,
 *    including libseccomp's precedence between overlapping rules. The deciding rule is then
 *    attributed: the first active rule, in syscalls[] order, that names this syscall, has that
 *    action and whose argument conditions hold; else the default action.
 *  - When one syscall has both kernel-allowed and supervisor-routed rules with argument
 *    conditions, all its rules are routed, so the kernel never allows what the shadow denies.
 */
#ifndef BOUNCER_POLICY_COMPILE_H
#define BOUNCER_POLICY_COMPILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include "error.h"
#include "policy.h"

struct compile_options {
	/* Audit mode: route every decision that is not a plain allow to the supervisor, TRAP,
	 * KILL_THREAD and TRACE included, so that it can be allowed and recorded as "would". */
	bool audit;
	/* Keep ERRNO and KILL_PROCESS in the kernel (faster, not recorded). Ignored in audit. */
	bool fast_deny;
	/* Route execve/execveat to the supervisor even when allowed, so that the per-process
	 * cache of comm/exe is refreshed exactly on exec (procinfo.c). Normally true. */
	bool route_exec;
	/* Route the calls that change a caller's credentials, root or namespaces (set*id,
	 * setgroups, capset, unshare, setns, chroot, pivot_root, and seccomp, which could install a
	 * listener of the caller's own) even when allowed, so that the supervisor may cache the
	 * callers' identity instead of reading /proc per notification (identity.h). */
	bool route_identity;
	/* Do not warn about names that only some of the policy's arches lack (bouncer's own
	 * embedded policies name each arch's calls on purpose; tests check each is known). */
	bool quiet_partial_names;
};

/* Where a syscall (for one arch) is decided. */
enum policy_route {
	ROUTE_KERNEL_ALLOW, /* every outcome is allow, in the kernel */
	ROUTE_KERNEL,       /* decided in the kernel (TRAP, KILL_THREAD, TRACE, or fast-deny) */
	ROUTE_SUPERVISOR,   /* every outcome goes to the supervisor */
	ROUTE_MIXED,        /* depends on arguments: some outcomes in the kernel, some routed */
};

/* What the profile says about one syscall invocation. */
struct policy_verdict {
	enum policy_action action;
	uint32_t errno_value;           /* for POLICY_ACT_ERRNO (and TRACE's data) */
	const struct policy_rule *rule; /* NULL: the profile's defaultAction */
};

struct compiled_policy;

/*
 * Compiles policy. On success *out holds the programs and lookup tables; it keeps a pointer to
 * policy, which must outlive it. Unknown syscall names are warnings (stored in the result, one
 * per name and arch), not errors. Returns 0 or a negative errno with err set.
 */
int policy_compile(const struct policy *policy, const struct compile_options *options,
                   struct compiled_policy **out, bouncer_error_t *err);
void compiled_policy_free(struct compiled_policy *compiled);

/* The kernel program (owned by compiled). */
const struct sock_fprog *compiled_policy_kernel_prog(const struct compiled_policy *compiled);
/* The shadow program: the profile's own actions (owned by compiled). */
const struct sock_fprog *compiled_policy_shadow_prog(const struct compiled_policy *compiled);
/* SECCOMP_FILTER_FLAG_* the profile asks for (LOG, SPEC_ALLOW); NEW_LISTENER is not included. */
unsigned compiled_policy_seccomp_flags(const struct compiled_policy *compiled);
const struct policy *compiled_policy_source(const struct compiled_policy *compiled);
/* Warnings found while compiling (unknown names per arch, ...). */
size_t compiled_policy_warnings(const struct compiled_policy *compiled, const char *const **list);

/*
 * Hot path: what the profile says for this call. No allocation, no syscall. data is the
 * notification's seccomp_data.
 */
void policy_evaluate(const struct compiled_policy *compiled, const struct seccomp_data *data,
                     struct policy_verdict *out);

/* Where syscall nr of arch is decided (for `policy check`, grants, and tests). */
/*
 * Whether every call that could change a caller's identity reaches the supervisor with this
 * policy (route_identity, and no rule keeps such a call in the kernel): only then may the
 * supervisor cache it.
 */
bool policy_identity_routed(const struct compiled_policy *compiled);

enum policy_route policy_route_of(const struct compiled_policy *compiled, uint32_t arch, int nr);

/*
 * Prints the plan for `bouncer policy check`: per arch, which syscalls the kernel allows,
 * which go to the supervisor and why (rule index + comment, action), which the kernel traps
 * or kills, warnings, and the rules that are not race-free.
 */
void policy_plan_print(const struct compiled_policy *compiled, FILE *out);

/* Classic BPF interpreter for seccomp programs (bpf_eval.c). Returns the SECCOMP_RET_* value.
 * A malformed program returns SECCOMP_RET_KILL_PROCESS. */
uint32_t bpf_eval(const struct sock_fprog *prog, const struct seccomp_data *data);

#endif
