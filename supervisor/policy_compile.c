/* SPDX-License-Identifier: MIT */
/*
 * From a parsed policy to the kernel program and the shadow program (see policy_compile.h
 * for the design): actions, routing, libseccomp, export. The candidate tables are built in
 * policy_tables.c, the hot path is policy_evaluate.c.
 *
 * What runc does, and so what the shadow program does (runc 1.1 libcontainer/seccomp):
 *  - a rule whose action equals defaultAction is skipped (libseccomp refuses it with EACCES);
 *  - a rule's ERRNO/TRACE data is its errnoRet, else EPERM (defaultErrnoRet is only for
 *    defaultAction);
 *  - when two or more args of one rule share an index, each condition is its own rule (OR),
 *    otherwise all conditions are one rule (AND);
 *  - syscall names are resolved for the native arch; libseccomp translates them per arch and
 *    leaves out the arches that lack them; unknown names are ignored;
 *  - runc does not set a bad-arch action, so libseccomp's default applies: SCMP_ACT_KILL
 *    (KILL_THREAD). We set it explicitly, in both programs and in every mode: a call from an
 *    arch the profile does not list never reaches the supervisor (it has no tables for it).
 * runc also prepends an -ENOSYS stub for syscall numbers above the highest it knows; that
 * stub is not reproduced here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/audit.h>

#include "policy_compile.h"
#include "policy_compile_internal.h"

static const struct {
	uint32_t token;
	const char *name;
	bool args_32bit;
} compile_arch_table[] = {
        {SCMP_ARCH_X86, "SCMP_ARCH_X86", true},
        {SCMP_ARCH_X86_64, "SCMP_ARCH_X86_64", false},
        {SCMP_ARCH_X32, "SCMP_ARCH_X32", true},
        {SCMP_ARCH_ARM, "SCMP_ARCH_ARM", true},
        {SCMP_ARCH_AARCH64, "SCMP_ARCH_AARCH64", false},
        {SCMP_ARCH_MIPS, "SCMP_ARCH_MIPS", true},
        {SCMP_ARCH_MIPS64, "SCMP_ARCH_MIPS64", false},
        {SCMP_ARCH_MIPS64N32, "SCMP_ARCH_MIPS64N32", true},
        {SCMP_ARCH_MIPSEL, "SCMP_ARCH_MIPSEL", true},
        {SCMP_ARCH_MIPSEL64, "SCMP_ARCH_MIPSEL64", false},
        {SCMP_ARCH_MIPSEL64N32, "SCMP_ARCH_MIPSEL64N32", true},
        {SCMP_ARCH_PPC, "SCMP_ARCH_PPC", true},
        {SCMP_ARCH_PPC64, "SCMP_ARCH_PPC64", false},
        {SCMP_ARCH_PPC64LE, "SCMP_ARCH_PPC64LE", false},
        {SCMP_ARCH_S390, "SCMP_ARCH_S390", true},
        {SCMP_ARCH_S390X, "SCMP_ARCH_S390X", false},
        {SCMP_ARCH_PARISC, "SCMP_ARCH_PARISC", true},
        {SCMP_ARCH_PARISC64, "SCMP_ARCH_PARISC64", false},
        {SCMP_ARCH_RISCV64, "SCMP_ARCH_RISCV64", false},
};

const char *policy_compile_arch_name(uint32_t token)
{
	size_t i;

	for (i = 0; i < sizeof(compile_arch_table) / sizeof(compile_arch_table[0]); i++)
		if (compile_arch_table[i].token == token)
			return compile_arch_table[i].name;
	return NULL;
}

static bool compile_arch_args_32bit(uint32_t token)
{
	size_t i;

	for (i = 0; i < sizeof(compile_arch_table) / sizeof(compile_arch_table[0]); i++)
		if (compile_arch_table[i].token == token)
			return compile_arch_table[i].args_32bit;
	return false;
}

/*
 * The number the kernel shows for name on arch: >= 0, or -1 when libseccomp does not know the
 * name on that arch (it returns __NR_SCMP_ERROR, or a pseudo number <= -10000 for a syscall
 * of another arch), or -2 when the arch only has it through a multiplexer. libseccomp gives
 * x86's socket and ipc calls as negative multiplexed numbers (-101: socketcall SYS_SOCKET)
 * and filters both forms; the direct syscall (socket = 359 on x86) is found by name.
 */
#define COMPILE_MAX_DIRECT_NR 1024

int policy_compile_resolve(uint32_t token, const char *name)
{
	int nr = seccomp_syscall_resolve_name_arch(token, name);
	int direct;

	if (nr >= 0)
		return nr;
	if (nr == __NR_SCMP_ERROR || nr <= -10000)
		return -1;
	for (direct = 0; direct < COMPILE_MAX_DIRECT_NR; direct++) {
		char *found = seccomp_syscall_resolve_num_arch(token, direct);
		bool same = found != NULL && strcmp(found, name) == 0;

		free(found);
		if (same)
			return direct;
	}
	return -2;
}

/*
 * Whether libseccomp also filters name on arch through a multiplexer (x86 and s390 socketcall
 * and ipc): it then returns -100 - call (socketcall) or -200 - call (ipc), and the generated
 * program matches the multiplexer with arg0 == call, ignoring the rule's other conditions
 * (the real arguments are in memory; measured with libseccomp 2.5.4 on x86). Sets the multiplexer's
 * number and the call number.
 */
bool policy_compile_multiplexed(uint32_t token, const char *name, int *mux_nr, uint32_t *call,
                                const char **mux_name)
{
	int nr = seccomp_syscall_resolve_name_arch(token, name);

	if (nr <= -100 && nr > -200)
		*mux_name = "socketcall";
	else if (nr <= -200 && nr > -300)
		*mux_name = "ipc";
	else
		return false;
	*call = (uint32_t)(strcmp(*mux_name, "socketcall") == 0 ? -nr - 100 : -nr - 200);
	*mux_nr = seccomp_syscall_resolve_name_arch(token, *mux_name);
	return *mux_nr >= 0 && *call > 0;
}

/* The profile's own action as libseccomp (and the kernel) encode it. */
static uint32_t compile_profile_action(enum policy_action action, bool has_data, uint32_t data)
{
	uint32_t value = has_data ? data : EPERM;

	switch (action) {
	case POLICY_ACT_KILL_PROCESS:
		return SCMP_ACT_KILL_PROCESS;
	case POLICY_ACT_KILL_THREAD:
		return SCMP_ACT_KILL_THREAD;
	case POLICY_ACT_TRAP:
		return SCMP_ACT_TRAP;
	case POLICY_ACT_ERRNO:
		return SCMP_ACT_ERRNO(value);
	case POLICY_ACT_TRACE:
		return SCMP_ACT_TRACE(value);
	case POLICY_ACT_LOG:
		return SCMP_ACT_LOG;
	case POLICY_ACT_ALLOW:
		return SCMP_ACT_ALLOW;
	case POLICY_ACT_NOTIFY:
		return SCMP_ACT_NOTIFY;
	}
	return SCMP_ACT_KILL_PROCESS;
}

/*
 * The action the kernel program uses in place of a profile action: what bouncer records goes
 * to the supervisor; what only the kernel can do (a SIGSYS with its siginfo, killing one
 * thread, a ptrace stop) stays in the kernel, except in audit mode, where the supervisor allows
 * it and records what would have happened.
 */
static uint32_t compile_kernel_action(uint32_t shadow, const struct compile_options *options)
{
	uint32_t action = shadow & SECCOMP_RET_ACTION_FULL;

	if (action == SECCOMP_RET_ALLOW)
		return shadow;
	if (options->audit)
		return SCMP_ACT_NOTIFY;
	switch (action) {
	case SECCOMP_RET_ERRNO:
	case SECCOMP_RET_KILL_PROCESS:
		return options->fast_deny ? shadow : SCMP_ACT_NOTIFY;
	case SECCOMP_RET_LOG:
	case SECCOMP_RET_USER_NOTIF:
		return SCMP_ACT_NOTIFY;
	default:
		return shadow;
	}
}

/*
 * Syscalls routed to the supervisor even where the profile allows them (then answered
 * CONTINUE): each changes something the supervisor caches about its caller, so the cache is
 * refreshed exactly when it changes instead of being read from /proc on every notification.
 * exec: the program, comm and credentials (procinfo.h); identity: credentials, root and mount
 * namespace (identity.h), and "seccomp", whose NEW_LISTENER flag lets a caller answer its own
 * notifications before bouncer's and so hide the other calls of this list.
 */
static const struct {
	const char *name;
	enum compiled_route_reason reason;
} compile_routed_names[] = {
        {"execve", COMPILED_ROUTED_EXEC},          {"execveat", COMPILED_ROUTED_EXEC},
        {"setuid", COMPILED_ROUTED_IDENTITY},      {"setgid", COMPILED_ROUTED_IDENTITY},
        {"setreuid", COMPILED_ROUTED_IDENTITY},    {"setregid", COMPILED_ROUTED_IDENTITY},
        {"setresuid", COMPILED_ROUTED_IDENTITY},   {"setresgid", COMPILED_ROUTED_IDENTITY},
        {"setfsuid", COMPILED_ROUTED_IDENTITY},    {"setfsgid", COMPILED_ROUTED_IDENTITY},
        {"setgroups", COMPILED_ROUTED_IDENTITY},   {"capset", COMPILED_ROUTED_IDENTITY},
        {"setuid32", COMPILED_ROUTED_IDENTITY},    {"setgid32", COMPILED_ROUTED_IDENTITY},
        {"setreuid32", COMPILED_ROUTED_IDENTITY},  {"setregid32", COMPILED_ROUTED_IDENTITY},
        {"setresuid32", COMPILED_ROUTED_IDENTITY}, {"setresgid32", COMPILED_ROUTED_IDENTITY},
        {"setfsuid32", COMPILED_ROUTED_IDENTITY},  {"setfsgid32", COMPILED_ROUTED_IDENTITY},
        {"setgroups32", COMPILED_ROUTED_IDENTITY}, {"unshare", COMPILED_ROUTED_IDENTITY},
        {"setns", COMPILED_ROUTED_IDENTITY},       {"chroot", COMPILED_ROUTED_IDENTITY},
        {"pivot_root", COMPILED_ROUTED_IDENTITY},  {"seccomp", COMPILED_ROUTED_IDENTITY},
};
#define COMPILE_N_ROUTED_NAMES (sizeof(compile_routed_names) / sizeof(compile_routed_names[0]))

_Static_assert(COMPILE_N_ROUTED_NAMES <= COMPILE_ROUTED_NAMES_MAX, "bit masks and arrays");

size_t policy_compile_routed_names(const struct compile_options *options, const char **out)
{
	size_t n = 0;

	for (size_t i = 0; i < COMPILE_N_ROUTED_NAMES; i++)
		if (compile_route_reason(options, compile_routed_names[i].name) !=
		    COMPILED_ROUTED_NO)
			out[n++] = compile_routed_names[i].name;
	return n;
}

enum compiled_route_reason compile_route_reason(const struct compile_options *options,
                                                const char *name)
{
	for (size_t i = 0; i < COMPILE_N_ROUTED_NAMES; i++) {
		if (strcmp(compile_routed_names[i].name, name) != 0)
			continue;
		if (compile_routed_names[i].reason == COMPILED_ROUTED_EXEC)
			return options->route_exec ? COMPILED_ROUTED_EXEC : COMPILED_ROUTED_NO;
		return options->route_identity ? COMPILED_ROUTED_IDENTITY : COMPILED_ROUTED_NO;
	}
	return COMPILED_ROUTED_NO;
}

bool policy_identity_routed(const struct compiled_policy *compiled)
{
	return compiled->identity_routed;
}

static int compile_warn(struct compiled_policy *compiled, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static int compile_warn(struct compiled_policy *compiled, const char *fmt, ...)
{
	char **grown;
	char *text;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return -ENOMEM;
	grown = realloc(compiled->warnings, (compiled->n_warnings + 1) * sizeof(*grown));
	if (grown == NULL) {
		free(text);
		return -ENOMEM;
	}
	compiled->warnings = grown;
	compiled->warnings[compiled->n_warnings++] = text;
	return 0;
}

static const char *compile_source(const struct policy *policy)
{
	return policy->source != NULL ? policy->source : "<policy>";
}

/* "file:line:col: syscalls[N]" for messages about a rule. */
static void compile_rule_where(const struct policy *policy, const struct policy_rule *rule,
                               char *buf, size_t size)
{
	const char *source = compile_source(policy);

	if (rule->line > 0)
		snprintf(buf, size, "%s:%u:%u: syscalls[%zu]", source, rule->line, rule->column,
		         rule->index);
	else
		snprintf(buf, size, "%s: syscalls[%zu]", source, rule->index);
}

static bool compile_rule_same_index_or(const struct policy_rule *rule)
{
	unsigned counts[6] = {0};
	size_t i;

	for (i = 0; i < rule->n_args; i++)
		if (rule->args[i].index < 6 && ++counts[rule->args[i].index] > 1)
			return true;
	return false;
}

static void compile_add_arch(struct compiled_policy *compiled, uint32_t token)
{
	struct compiled_arch *arch;
	size_t i;

	for (i = 0; i < compiled->n_arches; i++)
		if (compiled->arches[i].token == token)
			return;
	arch = &compiled->arches[compiled->n_arches++];
	arch->token = token;
	arch->audit_arch = token == SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : token;
	arch->x32 = token == SCMP_ARCH_X32;
	arch->args_32bit = compile_arch_args_32bit(token);
}

/* The arches of the filter: native first (seccomp_init's), then the policy's and their subs. */
static int compile_collect_arches(struct compiled_policy *compiled)
{
	const struct policy *policy = compiled->policy;
	size_t i, j, max = 1;

	for (i = 0; i < policy->n_arches; i++)
		max += 1 + policy->arches[i].n_sub;
	compiled->arches = calloc(max, sizeof(*compiled->arches));
	if (compiled->arches == NULL)
		return -ENOMEM;
	compile_add_arch(compiled, seccomp_arch_native());
	for (i = 0; i < policy->n_arches; i++) {
		compile_add_arch(compiled, policy->arches[i].token);
		for (j = 0; j < policy->arches[i].n_sub; j++)
			compile_add_arch(compiled, policy->arches[i].sub[j]);
	}
	return 0;
}

/* Appends name to arch a's list of names it lacks. Returns 0 or -ENOMEM. */
static int compile_note_partial(struct compiled_policy *compiled, size_t a, const char *name)
{
	char *list = compiled->partial_unknown[a];
	size_t old = list != NULL ? strlen(list) : 0;
	char *grown = realloc(list, old + strlen(name) + 3);

	if (grown == NULL)
		return -ENOMEM;
	snprintf(grown + old, strlen(name) + 3, "%s%s", old ? ", " : "", name);
	compiled->partial_unknown[a] = grown;
	compiled->n_partial_unknown[a]++;
	return 0;
}

/*
 * A name no listed arch knows is one warning of its own (most likely a typo; libseccomp and
 * runc skip it). A name only some arches lack is collected per arch and said once per arch by
 * compile_warn_partial_names().
 */
static int compile_warn_unknown_names(struct compiled_policy *compiled,
                                      const struct policy_rule *rule)
{
	char where[256];
	size_t n, a, missing;
	int rc;

	if (compiled->partial_unknown == NULL) {
		compiled->partial_unknown = calloc(compiled->n_arches, sizeof(char *));
		compiled->n_partial_unknown = calloc(compiled->n_arches, sizeof(size_t));
		if (compiled->partial_unknown == NULL || compiled->n_partial_unknown == NULL)
			return -ENOMEM;
	}
	compile_rule_where(compiled->policy, rule, where, sizeof(where));
	for (n = 0; n < rule->n_names; n++) {
		missing = 0;
		for (a = 0; a < compiled->n_arches; a++)
			if (policy_compile_resolve(compiled->arches[a].token, rule->names[n]) == -1)
				missing++;
		if (missing == 0)
			continue;
		if (missing == compiled->n_arches) {
			rc = compile_warn(compiled,
			                  "%s: unknown syscall \"%s\" on every architecture of the "
			                  "policy (skipped)",
			                  where, rule->names[n]);
			if (rc < 0)
				return rc;
			continue;
		}
		for (a = 0; a < compiled->n_arches; a++) {
			if (policy_compile_resolve(compiled->arches[a].token, rule->names[n]) != -1)
				continue;
			rc = compile_note_partial(compiled, a, rule->names[n]);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/* One warning per arch for the names it lacks (see compile_warn_unknown_names). */
static int compile_warn_partial_names(struct compiled_policy *compiled)
{
	if (compiled->options.quiet_partial_names)
		return 0;
	for (size_t a = 0; compiled->partial_unknown != NULL && a < compiled->n_arches; a++) {
		const char *arch_name = policy_compile_arch_name(compiled->arches[a].token);
		int rc;

		if (compiled->n_partial_unknown[a] == 0)
			continue;
		rc = compile_warn(compiled, "%s: %zu name%s not known on %s, skipped there: %s",
		                  compiled->policy->source, compiled->n_partial_unknown[a],
		                  compiled->n_partial_unknown[a] == 1 ? " is" : "s are",
		                  arch_name != NULL ? arch_name : "?",
		                  compiled->partial_unknown[a]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Whether two rules have a libseccomp rule with the same conditions (what EEXIST means). */
static bool compile_args_equal(const struct policy_arg *a, size_t n_a, const struct policy_arg *b,
                               size_t n_b)
{
	size_t i, j;

	if (n_a != n_b)
		return false;
	for (i = 0; i < n_a; i++) {
		for (j = 0; j < n_b; j++)
			if (a[i].index == b[j].index && a[i].op == b[j].op &&
			    a[i].value == b[j].value && a[i].value_two == b[j].value_two)
				break;
		if (j == n_b)
			return false;
	}
	return true;
}

static bool compile_rules_clash(const struct compiled_policy *compiled, const struct policy_rule *a,
                                const struct policy_rule *b)
{
	bool or_a = compiled->rules[a - compiled->policy->rules].same_index_or;
	bool or_b = compiled->rules[b - compiled->policy->rules].same_index_or;
	size_t i, j;

	if (!or_a && !or_b)
		return compile_args_equal(a->args, a->n_args, b->args, b->n_args);
	for (i = 0; i < (or_a ? a->n_args : 1); i++)
		for (j = 0; j < (or_b ? b->n_args : 1); j++)
			if (compile_args_equal(or_a ? &a->args[i] : a->args, or_a ? 1 : a->n_args,
			                       or_b ? &b->args[j] : b->args, or_b ? 1 : b->n_args))
				return true;
	return false;
}

static bool compile_rule_names(const struct policy_rule *rule, const char *name)
{
	size_t n;

	for (n = 0; n < rule->n_names; n++)
		if (strcmp(rule->names[n], name) == 0)
			return true;
	return false;
}

static int compile_rule_error(const struct compiled_policy *compiled, size_t r, const char *name,
                              int rc, bouncer_error_t *err)
{
	const struct policy *policy = compiled->policy;
	const struct policy_rule *rule = &policy->rules[r];
	char where[256];
	size_t j;

	compile_rule_where(policy, rule, where, sizeof(where));
	if (rc == -EEXIST) {
		for (j = 0; j < r; j++) {
			if (compiled->rules[j].state != COMPILED_RULE_ADDED ||
			    !compile_rule_names(&policy->rules[j], name) ||
			    !compile_rules_clash(compiled, &policy->rules[j], rule))
				continue;
			return bouncer_error_set(
			        err, -EEXIST,
			        "%s: syscall \"%s\" has the same conditions as syscalls[%zu] "
			        "with a different action (libseccomp refuses it; runc fails too)",
			        where, name, policy->rules[j].index);
		}
		return bouncer_error_set(
		        err, -EEXIST,
		        "%s: syscall \"%s\": conditions clash with an earlier rule "
		        "with a different action (libseccomp: EEXIST)",
		        where, name);
	}
	return bouncer_error_set(err, rc, "%s: libseccomp refused the rule for \"%s\": %s", where,
	                         name, strerror(-rc));
}

/* Adds one rule (runc's way: AND, or one rule per condition) for one name. */
static int compile_add_rule(scmp_filter_ctx ctx, uint32_t action, int nr,
                            const struct policy_rule *rule, bool same_index_or)
{
	struct scmp_arg_cmp conds[6];
	size_t i;
	int rc;

	if (rule->n_args == 0)
		return seccomp_rule_add_array(ctx, action, nr, 0, NULL);
	if (same_index_or) {
		for (i = 0; i < rule->n_args; i++) {
			conds[0] = (struct scmp_arg_cmp){
			        .arg = rule->args[i].index,
			        .op = rule->args[i].op,
			        .datum_a = rule->args[i].value,
			        .datum_b = rule->args[i].value_two,
			};
			rc = seccomp_rule_add_array(ctx, action, nr, 1, conds);
			if (rc < 0)
				return rc;
		}
		return 0;
	}
	if (rule->n_args > 6)
		return -EINVAL;
	for (i = 0; i < rule->n_args; i++)
		conds[i] = (struct scmp_arg_cmp){
		        .arg = rule->args[i].index,
		        .op = rule->args[i].op,
		        .datum_a = rule->args[i].value,
		        .datum_b = rule->args[i].value_two,
		};
	return seccomp_rule_add_array(ctx, action, nr, rule->n_args, conds);
}

static scmp_filter_ctx compile_new_ctx(const struct compiled_policy *compiled,
                                       uint32_t default_action, const char *which,
                                       bouncer_error_t *err)
{
	const char *source = compile_source(compiled->policy);
	scmp_filter_ctx ctx;
	size_t a;
	int rc;

	ctx = seccomp_init(default_action);
	if (ctx == NULL) {
		bouncer_error_set(err, -EINVAL,
		                  "%s: defaultAction: libseccomp refuses it in the %s program",
		                  source, which);
		return NULL;
	}
	/* A binary tree over syscall numbers: long profiles cost O(log n) per syscall. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 0);
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, compiled->bad_arch_action);
	if (rc < 0) {
		bouncer_error_set(err, rc, "%s: libseccomp: setting filter attributes: %s", source,
		                  strerror(-rc));
		seccomp_release(ctx);
		return NULL;
	}
	for (a = 0; a < compiled->n_arches; a++) {
		const char *name = policy_compile_arch_name(compiled->arches[a].token);

		rc = seccomp_arch_add(ctx, compiled->arches[a].token);
		if (rc == 0 || rc == -EEXIST)
			continue;
		bouncer_error_set(err, rc, "%s: architecture %s: libseccomp refuses it: %s", source,
		                  name != NULL ? name : "?", strerror(-rc));
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

/* Exports a program through a memfd into a malloc'd array. */
static int compile_export(scmp_filter_ctx ctx, struct sock_fprog *out)
{
	struct sock_filter *filter = NULL;
	size_t size, done = 0;
	off_t end;
	ssize_t n;
	int fd, rc;

	fd = memfd_create("bouncer-bpf", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		goto out;
	end = lseek(fd, 0, SEEK_END);
	if (end < 0) {
		rc = -errno;
		goto out;
	}
	size = (size_t)end;
	if (size == 0 || size % sizeof(struct sock_filter) != 0 ||
	    size / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		rc = -E2BIG;
		goto out;
	}
	filter = malloc(size);
	if (filter == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	while (done < size) {
		n = pread(fd, (char *)filter + done, size - done, (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			goto out;
		}
		done += (size_t)n;
	}
	out->filter = filter;
	out->len = (unsigned short)(size / sizeof(struct sock_filter));
	filter = NULL;
	rc = 0;
out:
	free(filter);
	close(fd);
	return rc;
}

/* The kernel action of rule r for its n-th name. */
uint32_t policy_compile_name_kernel_action(const struct compiled_policy *compiled, size_t r,
                                           size_t n)
{
	return compiled->rules[r].routed[n] != COMPILED_ROUTED_NO
	               ? SCMP_ACT_NOTIFY
	               : compiled->rules[r].kernel_action;
}

/* Whether rule s routes syscall name to the supervisor. */
static bool compile_rule_routes_name(const struct compiled_policy *compiled, size_t s,
                                     const char *name)
{
	const struct policy_rule *rule = &compiled->policy->rules[s];
	size_t m;

	if (compiled->rules[s].state != COMPILED_RULE_ADDED)
		return false;
	for (m = 0; m < rule->n_names; m++)
		if (strcmp(rule->names[m], name) == 0 &&
		    policy_compile_name_kernel_action(compiled, s, m) == SCMP_ACT_NOTIFY)
			return true;
	return false;
}

/*
 * Safety: libseccomp resolves overlapping rules of one syscall by their conditions, and the
 * kernel program merges actions that the shadow keeps apart. If a syscall has a rule that
 * stays an in-kernel ALLOW and a rule routed to the supervisor, and any of them has argument
 * conditions, route that syscall's ALLOW rules too: the kernel then never allows a call that
 * the shadow program (the profile) denies. Only that syscall moves, not the rule's other names.
 */
static void compile_route_mixed_allows(struct compiled_policy *compiled)
{
	const struct policy *policy = compiled->policy;
	bool changed = true;
	size_t r, s, n;

	/* Routing one rule's syscall can make another rule's mixed: repeat until stable. */
	while (changed) {
		changed = false;
		for (r = 0; r < policy->n_rules; r++) {
			struct compiled_rule *cr = &compiled->rules[r];

			if (cr->state != COMPILED_RULE_ADDED || cr->kernel_action != SCMP_ACT_ALLOW)
				continue;
			for (n = 0; n < policy->rules[r].n_names; n++) {
				if (cr->routed[n] != COMPILED_ROUTED_NO)
					continue;
				for (s = 0; s < policy->n_rules; s++) {
					if (s == r || (policy->rules[r].n_args == 0 &&
					               policy->rules[s].n_args == 0))
						continue;
					if (!compile_rule_routes_name(compiled, s,
					                              policy->rules[r].names[n]))
						continue;
					cr->routed[n] = COMPILED_ROUTED_SAFETY;
					changed = true;
					break;
				}
			}
		}
	}
}

/*
 * route_exec / route_identity: the syscalls of compile_routed_names reach the supervisor even
 * when allowed. Allowing rules route them; when the kernel default is ALLOW, an unconditional
 * NOTIFY rule covers the calls no rule matches — unless a rule keeps a non-allow action in the
 * kernel for that syscall (TRAP, KILL_THREAD, TRACE, fast-deny), because an unconditional rule
 * would override it; then the syscall is routed only where rules route it, and a warning says
 * so.
 */
static void compile_route_listed_rules(struct compiled_policy *compiled)
{
	const struct policy *policy = compiled->policy;
	size_t r, n;

	for (r = 0; r < policy->n_rules; r++) {
		struct compiled_rule *cr = &compiled->rules[r];

		if (cr->state != COMPILED_RULE_ADDED || cr->kernel_action != SCMP_ACT_ALLOW)
			continue;
		for (n = 0; n < policy->rules[r].n_names; n++) {
			enum compiled_route_reason why =
			        compile_route_reason(&compiled->options, policy->rules[r].names[n]);

			if (why != COMPILED_ROUTED_NO)
				cr->routed[n] = (uint8_t)why;
		}
	}
}

/*
 * Whether a rule keeps a kernel action other than NOTIFY for name. *tracer: that action lets a
 * tracer decide (SCMP_ACT_TRACE), so the call may run without the supervisor seeing it.
 */
static const struct policy_rule *compile_keeper(const struct compiled_policy *compiled,
                                                const char *name, bool *tracer)
{
	const struct policy *policy = compiled->policy;
	const struct policy_rule *keeper = NULL;
	size_t r, n;

	*tracer = false;
	for (r = 0; r < policy->n_rules; r++) {
		if (compiled->rules[r].state != COMPILED_RULE_ADDED)
			continue;
		for (n = 0; n < policy->rules[r].n_names; n++) {
			uint32_t action;

			if (strcmp(policy->rules[r].names[n], name) != 0)
				continue;
			action = policy_compile_name_kernel_action(compiled, r, n);
			if (action == SCMP_ACT_NOTIFY)
				continue;
			if ((action & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_TRACE)
				*tracer = true;
			if (keeper == NULL)
				keeper = &policy->rules[r];
		}
	}
	return keeper;
}

/*
 * Sets bit i of *extra when compile_routed_names[i] needs the extra unconditional NOTIFY rule,
 * and compiled->identity_routed when every identity-changing call reaches the supervisor.
 */
static int compile_route_listed_default(struct compiled_policy *compiled, uint32_t *extra)
{
	const bool default_allow = compiled->kernel_default == SCMP_ACT_ALLOW;
	bool identity_complete =
	        compiled->options.route_identity &&
	        (compiled->kernel_default & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_TRACE;
	size_t i;
	int rc;

	*extra = 0;
	for (i = 0; i < COMPILE_N_ROUTED_NAMES; i++) {
		const char *name = compile_routed_names[i].name;
		enum compiled_route_reason why = compile_route_reason(&compiled->options, name);
		const struct policy_rule *keeper;
		bool tracer;

		if (why == COMPILED_ROUTED_NO)
			continue;
		keeper = compile_keeper(compiled, name, &tracer);
		if (tracer && why == COMPILED_ROUTED_IDENTITY)
			identity_complete = false;
		if (!default_allow)
			continue;
		if (keeper == NULL) {
			*extra |= 1u << i;
			continue;
		}
		if (why == COMPILED_ROUTED_IDENTITY)
			identity_complete = false;
		rc = compile_warn(compiled,
		                  "%s: %s is not routed to the supervisor where no rule matches: "
		                  "syscalls[%zu] keeps an action in the kernel%s",
		                  compile_source(compiled->policy), name, keeper->index,
		                  why == COMPILED_ROUTED_IDENTITY
		                          ? " (the callers' identity is then read per call)"
		                          : "");
		if (rc < 0)
			return rc;
	}
	compiled->identity_routed = identity_complete;
	return 0;
}

static int compile_build_programs(struct compiled_policy *compiled, uint32_t routed_extra,
                                  bouncer_error_t *err)
{
	const struct policy *policy = compiled->policy;
	scmp_filter_ctx shadow = NULL, kernel = NULL;
	size_t r, n;
	int rc, nr;

	shadow = compile_new_ctx(compiled, compiled->shadow_default, "shadow", err);
	kernel = compile_new_ctx(compiled, compiled->kernel_default, "kernel", err);
	if (shadow == NULL || kernel == NULL) {
		rc = err != NULL && err->code < 0 ? err->code : -EINVAL;
		goto out;
	}
	for (r = 0; r < policy->n_rules; r++) {
		const struct policy_rule *rule = &policy->rules[r];
		struct compiled_rule *cr = &compiled->rules[r];

		if (cr->state != COMPILED_RULE_ADDED)
			continue;
		for (n = 0; n < rule->n_names; n++) {
			uint32_t kernel_action = policy_compile_name_kernel_action(compiled, r, n);

			nr = seccomp_syscall_resolve_name(rule->names[n]);
			if (nr == __NR_SCMP_ERROR)
				continue;
			rc = compile_add_rule(shadow, cr->shadow_action, nr, rule,
			                      cr->same_index_or);
			/* libseccomp refuses a rule with the default action (EACCES). */
			if (rc == 0 && kernel_action != compiled->kernel_default)
				rc = compile_add_rule(kernel, kernel_action, nr, rule,
				                      cr->same_index_or);
			if (rc < 0) {
				rc = compile_rule_error(compiled, r, rule->names[n], rc, err);
				goto out;
			}
		}
	}
	for (n = 0; n < COMPILE_N_ROUTED_NAMES; n++) {
		const char *name = compile_routed_names[n].name;

		if (!(routed_extra & (1u << n)))
			continue;
		nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR)
			continue;
		rc = seccomp_rule_add_array(kernel, SCMP_ACT_NOTIFY, nr, 0, NULL);
		if (rc < 0) {
			rc = bouncer_error_set(err, rc, "%s: routing %s: libseccomp: %s",
			                       compile_source(policy), name, strerror(-rc));
			goto out;
		}
	}
	rc = compile_export(shadow, &compiled->shadow);
	if (rc == 0)
		rc = compile_export(kernel, &compiled->kernel);
	if (rc < 0) {
		rc = bouncer_error_set(err, rc, "%s: exporting the BPF programs: %s",
		                       compile_source(policy), strerror(-rc));
		goto out;
	}
	if (!bpf_validate(&compiled->shadow) || !bpf_validate(&compiled->kernel))
		rc = bouncer_error_set(err, -EINVAL,
		                       "%s: libseccomp produced a program the kernel would refuse",
		                       compile_source(policy));
out:
	seccomp_release(shadow);
	seccomp_release(kernel);
	return rc;
}

int policy_compile(const struct policy *policy, const struct compile_options *options,
                   struct compiled_policy **out, bouncer_error_t *err)
{
	struct compiled_policy *compiled;
	uint32_t routed_extra = 0;
	char where[256];
	size_t r, i;
	int rc;

	*out = NULL;
	compiled = calloc(1, sizeof(*compiled));
	if (compiled == NULL)
		return bouncer_error_set(err, -ENOMEM, "compiling the policy: out of memory");
	compiled->policy = policy;
	compiled->options = *options;
	if (compiled->options.audit)
		compiled->options.fast_deny = false;
	compiled->bad_arch_action = SCMP_ACT_KILL_THREAD;
	if (policy->flags & POLICY_FLAG_LOG)
		compiled->seccomp_flags |= SECCOMP_FILTER_FLAG_LOG;
	if (policy->flags & POLICY_FLAG_SPEC_ALLOW)
		compiled->seccomp_flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
	compiled->shadow_default = compile_profile_action(
	        policy->default_action, policy->has_default_errno, policy->default_errno);
	compiled->kernel_default =
	        compile_kernel_action(compiled->shadow_default, &compiled->options);
	compiled->rules = calloc(policy->n_rules ? policy->n_rules : 1, sizeof(*compiled->rules));
	if (compiled->rules == NULL) {
		rc = bouncer_error_set(err, -ENOMEM, "compiling the policy: out of memory");
		goto fail;
	}
	rc = compile_collect_arches(compiled);
	if (rc < 0) {
		bouncer_error_set(err, rc, "compiling the policy: out of memory");
		goto fail;
	}
	for (r = 0; r < policy->n_rules; r++) {
		const struct policy_rule *rule = &policy->rules[r];
		struct compiled_rule *cr = &compiled->rules[r];

		cr->shadow_action =
		        compile_profile_action(rule->action, rule->has_errno_ret, rule->errno_ret);
		cr->kernel_action = compile_kernel_action(cr->shadow_action, &compiled->options);
		cr->same_index_or = compile_rule_same_index_or(rule);
		cr->routed = calloc(rule->n_names ? rule->n_names : 1, sizeof(*cr->routed));
		if (cr->routed == NULL) {
			rc = bouncer_error_set(err, -ENOMEM, "compiling the policy: out of memory");
			goto fail;
		}

		if (!rule->active) {
			cr->state = COMPILED_RULE_INACTIVE;
			continue;
		}
		for (i = 0; i < rule->n_args; i++) {
			if (rule->args[i].index < 6 && rule->args[i].op > _SCMP_CMP_MIN &&
			    rule->args[i].op < _SCMP_CMP_MAX)
				continue;
			compile_rule_where(policy, rule, where, sizeof(where));
			rc = bouncer_error_set(err, -EINVAL, "%s.args[%zu]: invalid condition",
			                       where, i);
			goto fail;
		}
		rc = compile_warn_unknown_names(compiled, rule);
		if (rc < 0) {
			bouncer_error_set(err, rc, "compiling the policy: out of memory");
			goto fail;
		}
		cr->state = cr->shadow_action == compiled->shadow_default
		                    ? COMPILED_RULE_SAME_AS_DEFAULT
		                    : COMPILED_RULE_ADDED;
	}
	rc = compile_warn_partial_names(compiled);
	if (rc < 0) {
		bouncer_error_set(err, rc, "compiling the policy: out of memory");
		goto fail;
	}
	compile_route_listed_rules(compiled);
	compile_route_mixed_allows(compiled);
	rc = compile_route_listed_default(compiled, &routed_extra);
	if (rc < 0) {
		bouncer_error_set(err, rc, "compiling the policy: out of memory");
		goto fail;
	}
	rc = compile_build_programs(compiled, routed_extra, err);
	if (rc < 0)
		goto fail;
	rc = policy_compile_tables(compiled);
	if (rc < 0) {
		bouncer_error_set(err, rc, "compiling the policy: out of memory");
		goto fail;
	}
	*out = compiled;
	return 0;
fail:
	compiled_policy_free(compiled);
	return rc;
}

void compiled_policy_free(struct compiled_policy *compiled)
{
	size_t i;

	if (compiled == NULL)
		return;
	free(compiled->kernel.filter);
	free(compiled->shadow.filter);
	for (i = 0; compiled->rules != NULL && i < compiled->policy->n_rules; i++)
		free(compiled->rules[i].routed);
	free(compiled->rules);
	for (i = 0; i < compiled->n_arches; i++)
		free(compiled->arches[i].syscalls);
	free(compiled->arches);
	free(compiled->candidates);
	for (i = 0; i < compiled->n_warnings; i++)
		free(compiled->warnings[i]);
	free(compiled->warnings);
	for (i = 0; compiled->partial_unknown != NULL && i < compiled->n_arches; i++)
		free(compiled->partial_unknown[i]);
	free(compiled->partial_unknown);
	free(compiled->n_partial_unknown);
	free(compiled);
}

const struct sock_fprog *compiled_policy_kernel_prog(const struct compiled_policy *compiled)
{
	return &compiled->kernel;
}

const struct sock_fprog *compiled_policy_shadow_prog(const struct compiled_policy *compiled)
{
	return &compiled->shadow;
}

unsigned compiled_policy_seccomp_flags(const struct compiled_policy *compiled)
{
	return compiled->seccomp_flags;
}

const struct policy *compiled_policy_source(const struct compiled_policy *compiled)
{
	return compiled->policy;
}

size_t compiled_policy_warnings(const struct compiled_policy *compiled, const char *const **list)
{
	*list = (const char *const *)compiled->warnings;
	return compiled->n_warnings;
}
