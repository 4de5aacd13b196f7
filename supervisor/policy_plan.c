/* SPDX-License-Identifier: MIT */
/*
 * The plan that `bouncer policy check` prints: for each arch of the filter, which syscalls the
 * kernel allows by itself, which reach the supervisor and why, which the kernel decides alone
 * (and why it must), which depend on arguments, where the default action goes, then the
 * warnings and the rules that do not take part. Output is sorted by syscall name so that two
 * runs, or two versions of a profile, can be compared with diff.
 */
#include <stdlib.h>
#include <string.h>

#include "policy_compile.h"
#include "policy_names.h"
#include "policy_compile_internal.h"
#include "supervise_check.h"

#define PLAN_WIDTH       100
#define PLAN_NAMES_SHOWN 4

static const char *plan_arch_name(uint32_t token)
{
	const char *name = policy_compile_arch_name(token);

	return name != NULL ? name : "SCMP_ARCH_?";
}

static const char *plan_errno_name(uint32_t value)
{
	const char *name = strerrorname_np((int)value);

	return name != NULL ? name : "E?";
}

/* What an action does, in the words of the decision log: "deny EPERM", "allow", ... */
static void plan_action_words(uint32_t action, char *buf, size_t size)
{
	uint32_t data = action & SECCOMP_RET_DATA;

	switch (action & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
		snprintf(buf, size, "allow");
		break;
	case SECCOMP_RET_ERRNO:
		snprintf(buf, size, "deny %s", plan_errno_name(data));
		break;
	case SECCOMP_RET_KILL_PROCESS:
		snprintf(buf, size, "kill process");
		break;
	case SECCOMP_RET_KILL_THREAD:
		snprintf(buf, size, "kill thread");
		break;
	case SECCOMP_RET_TRAP:
		snprintf(buf, size, "trap (SIGSYS)");
		break;
	case SECCOMP_RET_TRACE:
		snprintf(buf, size, "trace (data %u)", data);
		break;
	case SECCOMP_RET_LOG:
		snprintf(buf, size, "allow and log");
		break;
	case SECCOMP_RET_USER_NOTIF:
		snprintf(buf, size, "notify (supervise clauses)");
		break;
	default:
		snprintf(buf, size, "action 0x%08x", action);
		break;
	}
}

/* Why an action stays in the kernel, for actions the supervisor cannot perform itself. */
static const char *plan_kernel_reason(uint32_t kernel_action)
{
	switch (kernel_action & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_TRAP:
		return "TRAP stays in the kernel: a SIGSYS with its siginfo cannot be reproduced "
		       "from outside";
	case SECCOMP_RET_KILL_THREAD:
		return "KILL_THREAD stays in the kernel: only the kernel can kill the calling "
		       "thread alone, at the call";
	case SECCOMP_RET_TRACE:
		return "TRACE stays in the kernel: the tracer's stop is the kernel's";
	case SECCOMP_RET_ERRNO:
	case SECCOMP_RET_KILL_PROCESS:
		return "--fast-deny keeps it in the kernel (not recorded)";
	default:
		return NULL;
	}
}

static const char *plan_destination(uint32_t kernel_action)
{
	return (kernel_action & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_USER_NOTIF ? "supervisor"
	                                                                           : "kernel";
}

static void plan_print_conditions(FILE *out, const struct compiled_policy *compiled,
                                  const struct policy_rule *rule)
{
	bool any = compiled->rules[rule - compiled->policy->rules].same_index_or;
	size_t i;

	for (i = 0; i < rule->n_args; i++) {
		const struct policy_arg *arg = &rule->args[i];

		if (i > 0)
			fputs(any ? " or " : " and ", out);
		if (arg->op == SCMP_CMP_MASKED_EQ)
			fprintf(out, "arg%u & 0x%llx == 0x%llx", arg->index,
			        (unsigned long long)arg->value, (unsigned long long)arg->value_two);
		else
			fprintf(out, "arg%u %s 0x%llx", arg->index, policy_op_symbol(arg->op),
			        (unsigned long long)arg->value);
	}
}

/* "deny EPERM (syscalls[41]: comment)", with the routing reason when there is one. */
static void plan_print_rule(FILE *out, const struct compiled_policy *compiled,
                            const struct compiled_candidate *cand, bool with_conditions)
{
	const struct policy_rule *rule = cand->rule;
	const struct compiled_rule *cr = &compiled->rules[rule - compiled->policy->rules];
	char words[64];

	plan_action_words(cr->shadow_action, words, sizeof(words));
	if (compiled->options.audit &&
	    (cr->shadow_action & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_ALLOW)
		fprintf(out, "would %s", words);
	else
		fputs(words, out);
	if (cand->mux_call != 0) {
		fprintf(out, " if arg0 == %u (multiplexed call)", cand->mux_call);
	} else if (with_conditions && rule->n_args > 0) {
		fputs(" if ", out);
		plan_print_conditions(out, compiled, rule);
	}
	fprintf(out, " (syscalls[%zu]", rule->index);
	if (rule->comment != NULL && rule->comment[0] != '\0')
		fprintf(out, ": %s", rule->comment);
	fputs(")", out);
	if (cand->routed == COMPILED_ROUTED_SAFETY)
		fputs(" [routed: the syscall mixes kernel-allowed and routed rules on arguments]",
		      out);
	else if (cand->routed == COMPILED_ROUTED_EXEC)
		fputs(" [routed: exec refreshes the process cache, answered CONTINUE]", out);
	else if (cand->routed == COMPILED_ROUTED_IDENTITY)
		fputs(" [routed: refreshes the caller's cached identity, answered CONTINUE]", out);
	for (size_t i = 0; i < rule->n_names; i++) {
		if (supervise_rule_exec_not_race_free(rule->supervise_model, rule->names[i])) {
			/* docs/inspection.md, "execve": the kernel reads path and argv again. */
			fputs(" [not race-free: exec allowed after checking its path/argv, "
			      "answered "
			      "CONTINUE]",
			      out);
			break;
		}
		if (supervise_rule_chdir_not_race_free(rule->supervise_model, rule->names[i])) {
			/* docs/inspection.md, "chdir": the kernel reads the path again. */
			fputs(" [not race-free: chdir allowed after checking its path, answered "
			      "CONTINUE]",
			      out);
			break;
		}
	}
}

struct plan_entry {
	const struct compiled_arch *arch;
	const struct compiled_syscall *sc;
};

static int plan_entry_cmp(const void *a, const void *b)
{
	const struct plan_entry *x = a, *y = b;
	int c = strcmp(x->sc->name, y->sc->name);

	if (c != 0)
		return c;
	return x->sc->nr < y->sc->nr ? -1 : x->sc->nr > y->sc->nr;
}

static void plan_print_allowed(FILE *out, const struct plan_entry *entries, size_t n)
{
	size_t i, count = 0, column = 0;

	for (i = 0; i < n; i++)
		count += entries[i].sc->route == ROUTE_KERNEL_ALLOW;
	fprintf(out, "  allowed in the kernel by rules (%zu):\n", count);
	for (i = 0; i < n; i++) {
		size_t len;

		if (entries[i].sc->route != ROUTE_KERNEL_ALLOW)
			continue;
		len = strlen(entries[i].sc->name);
		if (column > 0 && column + 1 + len > PLAN_WIDTH) {
			fputc('\n', out);
			column = 0;
		}
		if (column == 0) {
			fputs("    ", out);
			column = 4;
		} else {
			fputc(' ', out);
			column++;
		}
		fputs(entries[i].sc->name, out);
		column += len;
	}
	if (column > 0)
		fputc('\n', out);
}

static void plan_print_default(FILE *out, const struct compiled_policy *compiled)
{
	char words[64];

	plan_action_words(compiled->shadow_default, words, sizeof(words));
	fprintf(out, "%s%s → %s",
	        compiled->options.audit && (compiled->shadow_default & SECCOMP_RET_ACTION_FULL) !=
	                                           SECCOMP_RET_ALLOW
	                ? "would "
	                : "",
	        words, plan_destination(compiled->kernel_default));
}

/* What happens to the calls no rule of this syscall matches. */
static void plan_print_fallback(FILE *out, const struct compiled_policy *compiled,
                                const struct compiled_syscall *sc)
{
	enum compiled_route_reason why = compile_route_reason(&compiled->options, sc->name);

	if (why != COMPILED_ROUTED_NO && compiled->kernel_default == SCMP_ACT_ALLOW &&
	    sc->route == ROUTE_SUPERVISOR)
		fputs(why == COMPILED_ROUTED_EXEC
		              ? "allow (default) [routed: exec refreshes the process cache, "
		                "answered CONTINUE]"
		              : "allow (default) [routed: refreshes the caller's cached identity, "
		                "answered CONTINUE]",
		      out);
	else
		plan_print_default(out, compiled);
}

/*
 * One entry per syscall of a section: "name  → where: rule" on one line when one
 * unconditional rule decides; otherwise one line per rule (with its conditions and where it
 * is decided) and a last line for the calls no rule matches.
 */
static void plan_print_section(FILE *out, const struct compiled_policy *compiled,
                               const struct plan_entry *entries, size_t n, enum policy_route route,
                               const char *title)
{
	static const char *const where[] = {
	        [ROUTE_KERNEL_ALLOW] = "kernel",
	        [ROUTE_KERNEL] = "kernel",
	        [ROUTE_SUPERVISOR] = "supervisor",
	        [ROUTE_MIXED] = "depends on arguments",
	};
	size_t i, c, count = 0;

	for (i = 0; i < n; i++)
		count += entries[i].sc->route == route;
	fprintf(out, "  %s (%zu):\n", title, count);
	for (i = 0; i < n; i++) {
		const struct compiled_syscall *sc = entries[i].sc;
		bool unconditional = false, one_line;

		if (sc->route != route)
			continue;
		for (c = 0; c < sc->count; c++) {
			const struct compiled_candidate *cand =
			        &compiled->candidates[sc->first + c];

			unconditional =
			        unconditional || (cand->rule->n_args == 0 && cand->mux_call == 0);
		}
		one_line = sc->count <= 1 && (sc->count == 0 || unconditional);
		fprintf(out, "    %-20s → %s:", sc->name, where[route]);
		for (c = 0; c < sc->count; c++) {
			const struct compiled_candidate *cand =
			        &compiled->candidates[sc->first + c];
			const char *reason = plan_kernel_reason(cand->kernel_action);

			fputs(one_line ? " " : "\n      ", out);
			plan_print_rule(out, compiled, cand, !one_line);
			if (!one_line)
				fprintf(out, " → %s", plan_destination(cand->kernel_action));
			if (reason != NULL && (cand->kernel_action & SECCOMP_RET_ACTION_FULL) !=
			                              SECCOMP_RET_USER_NOTIF)
				fprintf(out, ": %s", reason);
		}
		if (sc->count == 0) {
			fputc(' ', out);
			plan_print_fallback(out, compiled, sc);
		} else if (!unconditional) {
			fputs("\n      otherwise: ", out);
			plan_print_fallback(out, compiled, sc);
		}
		fputc('\n', out);
	}
}

static void plan_print_arch(FILE *out, const struct compiled_policy *compiled,
                            const struct compiled_arch *arch)
{
	struct plan_entry *entries;
	size_t i;

	fprintf(out, "\n%s:\n", plan_arch_name(arch->token));
	entries = calloc(arch->n_syscalls ? arch->n_syscalls : 1, sizeof(*entries));
	if (entries == NULL) {
		fputs("  (out of memory)\n", out);
		return;
	}
	for (i = 0; i < arch->n_syscalls; i++) {
		entries[i].arch = arch;
		entries[i].sc = &arch->syscalls[i];
	}
	qsort(entries, arch->n_syscalls, sizeof(*entries), plan_entry_cmp);
	plan_print_allowed(out, entries, arch->n_syscalls);
	plan_print_section(out, compiled, entries, arch->n_syscalls, ROUTE_SUPERVISOR,
	                   "to the supervisor");
	plan_print_section(out, compiled, entries, arch->n_syscalls, ROUTE_KERNEL,
	                   "decided in the kernel");
	plan_print_section(out, compiled, entries, arch->n_syscalls, ROUTE_MIXED,
	                   "depends on arguments");
	fputs("  every other syscall: ", out);
	plan_print_default(out, compiled);
	fputc('\n', out);
	free(entries);
}

static void plan_print_names(FILE *out, const struct policy_rule *rule)
{
	size_t n;

	fputs(" (", out);
	for (n = 0; n < rule->n_names && n < PLAN_NAMES_SHOWN; n++)
		fprintf(out, "%s%s", n > 0 ? ", " : "", rule->names[n]);
	if (rule->n_names > PLAN_NAMES_SHOWN)
		fprintf(out, ", … %zu more", rule->n_names - PLAN_NAMES_SHOWN);
	fputs(")", out);
}

static void plan_print_filter(FILE *out, const char *what, const struct policy_filter *filter)
{
	size_t i;

	for (i = 0; i < filter->n_caps; i++)
		fprintf(out, " %s cap %s;", what, filter->caps[i]);
	for (i = 0; i < filter->n_arches; i++)
		fprintf(out, " %s arch %s;", what, plan_arch_name(filter->arches[i]));
	if (filter->min_kernel != NULL)
		fprintf(out, " %s minKernel %s;", what, filter->min_kernel);
}

static void plan_print_rules_in_state(FILE *out, const struct compiled_policy *compiled,
                                      enum compiled_rule_state state, const char *title)
{
	const struct policy *policy = compiled->policy;
	size_t r, count = 0;

	for (r = 0; r < policy->n_rules; r++)
		count += compiled->rules[r].state == state;
	if (count == 0)
		return;
	fprintf(out, "\n%s (%zu):\n", title, count);
	for (r = 0; r < policy->n_rules; r++) {
		const struct policy_rule *rule = &policy->rules[r];

		if (compiled->rules[r].state != state)
			continue;
		fprintf(out, "  syscalls[%zu]", rule->index);
		plan_print_names(out, rule);
		if (state == COMPILED_RULE_INACTIVE) {
			fputs(": not selected on this host by", out);
			plan_print_filter(out, "includes", &rule->includes);
			plan_print_filter(out, "excludes", &rule->excludes);
		}
		fputc('\n', out);
	}
}

void policy_plan_print(const struct compiled_policy *compiled, FILE *out)
{
	const struct policy *policy = compiled->policy;
	const char *const *warnings;
	size_t i, n_warnings;
	char words[64];

	fprintf(out, "policy: %s\n", policy->source != NULL ? policy->source : "<policy>");
	fprintf(out, "mode: %s; fast deny: %s; exec routed: %s; identity routed: %s\n",
	        compiled->options.audit ? "audit" : "enforce",
	        compiled->options.fast_deny ? "on" : "off",
	        compiled->options.route_exec ? "on" : "off",
	        !compiled->options.route_identity ? "off"
	        : compiled->identity_routed       ? "on (callers' identity cached)"
	                                          : "partly (callers' identity read per call)");
	fputs("default action: ", out);
	plan_print_default(out, compiled);
	fputc('\n', out);
	plan_action_words(compiled->bad_arch_action, words, sizeof(words));
	fprintf(out, "other architectures: %s, in the kernel\n", words);
	fprintf(out, "kernel program: %u instructions; shadow program: %u instructions\n",
	        compiled->kernel.len, compiled->shadow.len);
	for (i = 0; i < compiled->n_arches; i++)
		plan_print_arch(out, compiled, &compiled->arches[i]);

	n_warnings = compiled_policy_warnings(compiled, &warnings);
	if (policy->n_warnings + n_warnings > 0) {
		fprintf(out, "\nwarnings (%zu):\n", policy->n_warnings + n_warnings);
		for (i = 0; i < policy->n_warnings; i++)
			fprintf(out, "  %s\n", policy->warnings[i]);
		for (i = 0; i < n_warnings; i++)
			fprintf(out, "  %s\n", warnings[i]);
	}
	plan_print_rules_in_state(out, compiled, COMPILED_RULE_INACTIVE, "inactive rules");
	plan_print_rules_in_state(out, compiled, COMPILED_RULE_SAME_AS_DEFAULT,
	                          "rules with the default action (skipped, as runc does)");
}
