/* SPDX-License-Identifier: MIT */
/*
 * What a reviewer would flag in a seccomp profile. Each finding says what and why; errors are
 * things that defeat the profile's purpose (allow by default, kernel-level attack surface open,
 * rules that contradict), warnings are things a finalized profile should justify.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "prof_lint.h"

#define CLONE_NS_BITS 0x7e020000ull
#define CLONE_NEWUSER 0x10000000ull

static void add(struct lint_report *r, enum lint_severity sev, const char *code,
                const struct prof_rule *rule, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));

static void add(struct lint_report *r, enum lint_severity sev, const char *code,
                const struct prof_rule *rule, const char *fmt, ...)
{
	struct lint_finding *f;
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	f = realloc(r->findings, (r->n + 1) * sizeof(*f));
	if (!f)
		abort();
	r->findings = f;
	f = &r->findings[r->n++];
	f->severity = sev;
	f->code = code;
	f->rule = rule ? rule->src_index : -1;
	f->syscall = rule ? strdup(rule->name) : NULL;
	f->message = strdup(buf);
	if (sev == LINT_ERROR)
		r->errors++;
	else if (sev == LINT_WARNING)
		r->warnings++;
}

const char *prof_lint_severity_name(enum lint_severity s)
{
	return s == LINT_ERROR ? "error" : s == LINT_WARNING ? "warning" : "info";
}

void prof_lint_free(struct lint_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->findings[i].syscall);
		free(r->findings[i].message);
	}
	free(r->findings);
	memset(r, 0, sizeof(*r));
}

/* Syscalls that open kernel attack surface or escape the sandbox when allowed without
 * conditions. error: a container has no business with them; warning: justify the need. */
static const struct {
	const char *name;
	enum lint_severity severity;
	const char *why;
} dangerous[] = {
        {"mount", LINT_WARNING, "mounts file systems (namespaces, escapes through /proc and /sys)"},
        {"umount2", LINT_WARNING, "unmounts what hides the host"},
        {"unshare", LINT_WARNING, "creates namespaces: user namespaces open most of the kernel"},
        {"setns", LINT_WARNING, "joins other namespaces"},
        {"pivot_root", LINT_WARNING, "changes the root file system"},
        {"ptrace", LINT_ERROR, "controls other processes (and can steal a supervisor's listener)"},
        {"process_vm_writev", LINT_ERROR, "writes other processes' memory"},
        {"bpf", LINT_ERROR, "loads BPF programs into the kernel"},
        {"perf_event_open", LINT_WARNING, "a frequent source of kernel exploits and side channels"},
        {"keyctl", LINT_WARNING, "kernel keyrings are not namespaced"},
        {"add_key", LINT_WARNING, "kernel keyrings are not namespaced"},
        {"request_key", LINT_WARNING, "kernel keyrings are not namespaced"},
        {"kexec_load", LINT_ERROR, "replaces the running kernel"},
        {"kexec_file_load", LINT_ERROR, "replaces the running kernel"},
        {"init_module", LINT_ERROR, "loads kernel modules"},
        {"finit_module", LINT_ERROR, "loads kernel modules"},
        {"delete_module", LINT_ERROR, "unloads kernel modules"},
        {"create_module", LINT_ERROR, "kernel modules"},
        {"userfaultfd", LINT_WARNING, "makes kernel races easy to win (exploit primitive)"},
        {"io_uring_setup", LINT_WARNING, "io_uring performs syscalls that seccomp never sees"},
        {"io_uring_enter", LINT_WARNING, "io_uring performs syscalls that seccomp never sees"},
        {"io_uring_register", LINT_WARNING, "io_uring performs syscalls that seccomp never sees"},
        {"open_by_handle_at", LINT_ERROR,
         "opens files by handle, bypassing the mount namespace "
         "(the \"shocker\" container escape)"},
};

static const char *const credentials[] = {"capset",   "setuid",   "setgid",    "setgroups",
                                          "setreuid", "setregid", "setresuid", "setresgid"};

static bool allows_unconditioned(const struct prof_model *m, const char *name)
{
	for (size_t i = 0; i < m->n_rules; i++)
		if (!m->rules[i].inactive && strcmp(m->rules[i].name, name) == 0 &&
		    prof_action_runs(m->rules[i].action) && m->rules[i].n_conds == 0)
			return true;
	return false;
}

static bool has_conditioned_allow(const struct prof_model *m, const char *name)
{
	for (size_t i = 0; i < m->n_rules; i++)
		if (!m->rules[i].inactive && strcmp(m->rules[i].name, name) == 0 &&
		    prof_action_runs(m->rules[i].action) && m->rules[i].n_conds > 0)
			return true;
	return false;
}

static void check_default(const struct prof_model *m, struct lint_report *r)
{
	static const char *const essential[] = {"exit", "exit_group", "rt_sigreturn"};

	if (m->default_action == PROF_ACT_ALLOW || m->default_action == PROF_ACT_LOG)
		add(r, LINT_ERROR, "default-allow", NULL,
		    "defaultAction is %s: every syscall not listed runs; a finalized profile "
		    "denies by default and lists what the workload needs",
		    prof_action_name(m->default_action));
	for (size_t i = 0; i < sizeof(essential) / sizeof(essential[0]); i++) {
		enum prof_action act = prof_model_eval(m, essential[i], NULL, NULL, NULL, NULL);

		/* exit_group ends every process; exit ends threads and rt_sigreturn is needed only
		 * by workloads with signal handlers, which a profile may rightly exclude. */
		if (!prof_action_runs(act))
			add(r, strcmp(essential[i], "exit_group") == 0 ? LINT_ERROR : LINT_WARNING,
			    "missing-essential", NULL, "%s is not allowed (%s): %s", essential[i],
			    prof_action_name(act),
			    strcmp(essential[i], "rt_sigreturn") == 0
			            ? "returning from a signal handler fails"
			            : "the workload cannot exit cleanly");
	}
}

static void check_arches(const struct prof_model *m, struct lint_report *r)
{
	uint32_t native_only[] = {SCMP_ARCH_X86_64};
	const uint32_t *arches = m->n_arches ? m->arches : native_only;
	size_t n_arches = m->n_arches ? m->n_arches : 1;
	bool compat_x86 = prof_model_has_arch(m, SCMP_ARCH_X86);

	for (size_t i = 0; i < m->n_rules; i++) {
		const struct prof_rule *rule = &m->rules[i];
		size_t unknown = 0;
		char missing[256] = "";

		/* Rules for other arches or capabilities (includes/excludes) are not judged;
		 * each name is reported once even when several rules carry it. */
		bool seen = rule->inactive;
		for (size_t j = 0; j < i; j++)
			seen |= strcmp(m->rules[j].name, rule->name) == 0;
		if (seen)
			continue;
		for (size_t a = 0; a < n_arches; a++) {
			int nr = seccomp_syscall_resolve_name_arch(arches[a], rule->name);

			/* -1: libseccomp does not know the name at all; <= -10000: a pseudo number
			 * for "not on this arch" (-100..-199 are multiplexed socketcall/ipc
			 * calls, which libseccomp translates). */
			if (nr == __NR_SCMP_ERROR || nr <= -10000) {
				unknown++;
				size_t used = strlen(missing);
				snprintf(missing + used, sizeof(missing) - used, "%s%s",
				         used ? ", " : "", prof_arch_name(arches[a]));
			}
		}
		if (unknown == n_arches)
			add(r, LINT_ERROR, "unknown-syscall", rule,
			    "no syscall of this name on any listed arch (%s): the rule does "
			    "nothing",
			    missing);
		else if (unknown)
			add(r, LINT_WARNING, "unknown-on-arch", rule,
			    "not a syscall on %s: the rule does nothing there; check that the "
			    "workload's needs on that arch are covered by another name",
			    missing);
	}
	if ((prof_model_has_arch(m, SCMP_ARCH_X86) || prof_model_has_arch(m, SCMP_ARCH_X32)) &&
	    (m->default_action == PROF_ACT_ALLOW || m->default_action == PROF_ACT_LOG))
		add(r, LINT_ERROR, "compat-abi-open", NULL,
		    "a 32-bit compat ABI is listed and the default action runs everything on it");
	if (compat_x86 && has_conditioned_allow(m, "socket") &&
	    allows_unconditioned(m, "socketcall"))
		add(r, LINT_WARNING, "compat-abi-open", NULL,
		    "SCMP_ARCH_X86 is listed and socketcall is allowed without conditions: i386 "
		    "binaries reach every socket domain through it, bypassing the conditions on "
		    "socket");
	if (compat_x86 && allows_unconditioned(m, "ipc"))
		add(r, LINT_WARNING, "compat-abi-open", NULL,
		    "SCMP_ARCH_X86 is listed and the ipc multiplexer is allowed without "
		    "conditions: "
		    "every SysV IPC call is reachable for i386 binaries");
}

static bool clone_masks_namespaces(const struct prof_rule *rule)
{
	for (unsigned c = 0; c < rule->n_conds; c++) {
		const struct prof_cond *cond = &rule->conds[c];

		if (cond->index != 0)
			continue;
		if (cond->op == SCMP_CMP_MASKED_EQ && (cond->value & CLONE_NS_BITS) &&
		    !(cond->value_two & cond->value & CLONE_NEWUSER))
			return true;
		if (cond->op == SCMP_CMP_EQ)
			return true;
	}
	return false;
}

static void check_rules(const struct prof_model *m, struct lint_report *r)
{
	for (size_t i = 0; i < m->n_rules; i++) {
		const struct prof_rule *rule = &m->rules[i];
		bool runs = prof_action_runs(rule->action) && !rule->inactive;

		if (runs && rule->n_conds == 0) {
			for (size_t d = 0; d < sizeof(dangerous) / sizeof(dangerous[0]); d++)
				if (strcmp(rule->name, dangerous[d].name) == 0)
					add(r, dangerous[d].severity, "unconditioned-dangerous",
					    rule, "allowed without conditions: %s",
					    dangerous[d].why);
			if (strcmp(rule->name, "personality") == 0)
				add(r, LINT_WARNING, "personality-unconditioned", rule,
				    "allowed without conditions: personality flags such as "
				    "READ_IMPLIES_EXEC and ADDR_NO_RANDOMIZE weaken the process; "
				    "allow "
				    "the recorded persona values only");
		}
		if (runs && strcmp(rule->name, "clone") == 0 && !clone_masks_namespaces(rule))
			add(r, LINT_WARNING, "clone-namespaces", rule,
			    "clone is allowed without the namespace mask (args[0] & CLONE_NEW* == "
			    "0): "
			    "the workload can create user and other namespaces");
		if (runs && strcmp(rule->name, "clone3") == 0)
			add(r, LINT_INFO, "clone3-unfilterable", rule,
			    "clone3's flags are behind a pointer: no condition can keep namespaces "
			    "out; Docker answers clone3 with ENOSYS so that libc falls back to "
			    "clone");
		for (size_t c = 0; runs && c < sizeof(credentials) / sizeof(credentials[0]); c++)
			if (strcmp(rule->name, credentials[c]) == 0 &&
			    (!rule->comment || strncmp(rule->comment, "needed", 6) != 0))
				add(r, LINT_WARNING, "credentials-without-need", rule,
				    "changes credentials and no recorded need says why it is kept "
				    "(generate writes \"needed N ...\" in the comment of what it "
				    "saw)");
		if (rule->action == PROF_ACT_NOTIFY && !m->listener_path)
			add(r, LINT_WARNING, "notify-without-listener", rule,
			    "SCMP_ACT_NOTIFY needs a listener: bouncer run supplies one; under "
			    "runc/crun set listenerPath, else the syscall fails with ENOSYS");
		for (size_t j = 0; j < i; j++) {
			const struct prof_rule *o = &m->rules[j];

			if (o->inactive || rule->inactive || strcmp(o->name, rule->name) != 0 ||
			    !prof_rules_same_conds(o, rule))
				continue;
			if (o->action == rule->action && o->has_errno == rule->has_errno &&
			    o->errno_ret == rule->errno_ret)
				add(r, LINT_WARNING, "duplicate-rule", rule,
				    "same action and conditions as syscalls[%ld]", o->src_index);
			else
				add(r, LINT_ERROR, "contradicting-rules", rule,
				    "same conditions as syscalls[%ld] but %s instead of %s: which "
				    "one "
				    "wins depends on libseccomp's internals",
				    o->src_index, prof_action_name(rule->action),
				    prof_action_name(o->action));
			break;
		}
	}
	if (m->default_action == PROF_ACT_NOTIFY && !m->listener_path)
		add(r, LINT_WARNING, "notify-without-listener", NULL,
		    "defaultAction SCMP_ACT_NOTIFY needs a listener (runc refuses it as default)");
}

void prof_lint(const struct prof_model *m, struct lint_report *out)
{
	memset(out, 0, sizeof(*out));
	check_default(m, out);
	check_arches(m, out);
	check_rules(m, out);
}
