/* SPDX-License-Identifier: MIT */
/*
 * What policy_compile.c leaves for policy_plan.c and the hot path (policy_evaluate): the
 * compiled programs, the per-arch candidate tables and, per rule, what was done with it.
 * Private to policy_compile.c, policy_plan.c and bpf_eval.c.
 */
#ifndef BOUNCER_POLICY_COMPILE_INTERNAL_H
#define BOUNCER_POLICY_COMPILE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy_compile.h"

/* The x32 ABI marks its syscall numbers with this bit; seccomp_data.arch is AUDIT_ARCH_X86_64. */
#define COMPILE_X32_SYSCALL_BIT 0x40000000u

/* What happened to one syscalls[] element. */
enum compiled_rule_state {
	COMPILED_RULE_INACTIVE,        /* includes/excludes do not select it on this host */
	COMPILED_RULE_SAME_AS_DEFAULT, /* same action as defaultAction: runc skips it, so do we */
	COMPILED_RULE_ADDED,           /* in both programs */
};

/* Why a rule's kernel action is NOTIFY although its profile action would stay in the kernel. */
enum compiled_route_reason {
	COMPILED_ROUTED_NO,     /* kernel action follows the action mapping */
	COMPILED_ROUTED_SAFETY, /* ALLOW routed: its syscall mixes kernel-allow and routed rules */
	COMPILED_ROUTED_EXEC,   /* ALLOW routed: execve/execveat (options->route_exec) */
	COMPILED_ROUTED_IDENTITY, /* ALLOW routed: changes credentials/root (route_identity) */
};

struct compiled_rule {
	enum compiled_rule_state state;
	uint32_t shadow_action; /* SCMP_ACT_* value, the profile's own action */
	uint32_t kernel_action; /* SCMP_ACT_* value in the kernel program, unless routed[] */
	bool same_index_or;     /* runc's rule: args sharing an index are ORed, one rule each */
	/* Per name (parallel to rule->names): why that syscall's kernel action is NOTIFY
	 * although kernel_action is ALLOW (enum compiled_route_reason). Routing is per syscall:
	 * one name of a long allow-list must not drag the others to the supervisor. */
	uint8_t *routed;
};

/* A rule that may have decided a call of one syscall on one arch. */
struct compiled_candidate {
	const struct policy_rule *rule;
	uint32_t shadow_action;            /* SCMP_ACT_*, the profile's */
	uint32_t kernel_action;            /* SCMP_ACT_*, in the kernel program for this syscall */
	enum compiled_route_reason routed; /* why kernel_action is NOTIFY for an ALLOW rule */
	/* Nonzero: this is the multiplexed form (x86 socketcall/ipc) of the rule's syscall,
	 * matched by libseccomp on arg0 == mux_call alone. */
	uint32_t mux_call;
};

/* One syscall number of one arch that at least one rule names. */
struct compiled_syscall {
	uint32_t nr;      /* without COMPILE_X32_SYSCALL_BIT */
	const char *name; /* the name as written in the rule (borrowed from the policy) */
	uint32_t first;   /* index of the first candidate in compiled_policy.candidates */
	uint32_t count;   /* candidates, in syscalls[] order */
	enum policy_route route;
};

struct compiled_arch {
	uint32_t token;      /* SCMP_ARCH_* */
	uint32_t audit_arch; /* the value the kernel puts in seccomp_data.arch */
	bool x32;            /* numbers carry COMPILE_X32_SYSCALL_BIT */
	bool args_32bit;     /* libseccomp compares only the low 32 bits of arguments */
	struct compiled_syscall *syscalls; /* sorted by nr */
	size_t n_syscalls;
};

struct compiled_policy {
	const struct policy *policy;
	struct compile_options options;
	struct sock_fprog kernel;
	struct sock_fprog shadow;
	unsigned seccomp_flags;
	uint32_t shadow_default;     /* SCMP_ACT_* */
	uint32_t kernel_default;     /* SCMP_ACT_* */
	uint32_t bad_arch_action;    /* SCMP_ACT_*, the same in both programs */
	struct compiled_rule *rules; /* parallel to policy->rules */
	struct compiled_arch *arches;
	size_t n_arches;
	struct compiled_candidate *candidates;
	size_t n_candidates;
	char **warnings;
	size_t n_warnings;
	/*
	 * Per arch (parallel to arches): names some other listed arch knows but this one does
	 * not, comma-separated, said in one warning per arch (multi-arch profiles such as
	 * Docker's name 32-bit-only calls by design; one line each would bury real findings).
	 */
	char **partial_unknown;
	size_t *n_partial_unknown;
	/* Every call that changes a caller's credentials, root or namespaces reaches the
	 * supervisor (route_identity, and no rule keeps one of them in the kernel unseen). */
	bool identity_routed;
};

/* "SCMP_ARCH_X86_64" for SCMP_ARCH_X86_64; "SCMP_ARCH_0x..." is never needed: NULL if unknown. */
const char *policy_compile_arch_name(uint32_t token);

/*
 * The number the kernel shows for name on arch (>= 0), -1 when libseccomp does not know it on
 * that arch, -2 when the arch only has it through a multiplexer (policy_compile.c).
 */
int policy_compile_resolve(uint32_t token, const char *name);

/* Whether libseccomp also filters name on arch through socketcall/ipc, and as which call. */
bool policy_compile_multiplexed(uint32_t token, const char *name, int *mux_nr, uint32_t *call,
                                const char **mux_name);

/* Why options route name to the supervisor even when allowed (COMPILED_ROUTED_NO: they don't). */
enum compiled_route_reason compile_route_reason(const struct compile_options *options,
                                                const char *name);

/* The names options route even when allowed, into out (COMPILE_ROUTED_NAMES_MAX); how many. */
#define COMPILE_ROUTED_NAMES_MAX 32
size_t policy_compile_routed_names(const struct compile_options *options, const char **out);

/* The kernel action of rule r for its n-th name (an ALLOW may be routed per syscall). */
uint32_t policy_compile_name_kernel_action(const struct compiled_policy *compiled, size_t r,
                                           size_t n);

/* Builds the candidate tables and routes of every arch (policy_tables.c). */
int policy_compile_tables(struct compiled_policy *compiled);

/* The table entry of syscall nr (without the x32 bit) of arch, or NULL (policy_evaluate.c). */
const struct compiled_syscall *policy_compile_find_syscall(const struct compiled_arch *arch,
                                                           uint32_t nr);

/* Finds the table of the arch a notification came from (x32 told apart by its number bit). */
const struct compiled_arch *policy_compile_find_arch(const struct compiled_policy *compiled,
                                                     uint32_t audit_arch, int nr);

/* Checks a program as the kernel's seccomp_check_filter() + bpf_check_classic() would
 * (opcodes, jump targets, loads inside seccomp_data, scratch indexes, a RET at the end). */
bool bpf_validate(const struct sock_fprog *prog);

/* Runs a program without the static check: every step is still bounds-checked, so a bad
 * program cannot make it read or jump outside; it then returns SECCOMP_RET_KILL_PROCESS.
 * For programs that bpf_validate() accepted (the hot path). */
uint32_t bpf_run(const struct sock_fprog *prog, const struct seccomp_data *data);

#endif
