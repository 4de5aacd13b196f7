/* SPDX-License-Identifier: MIT */
/*
 * `bouncer profile check PROFILE INPUT...`: does PROFILE allow everything the inputs needed?
 * Inputs are decision logs (what ran, or would have run in audit mode) and/or profiles (what
 * they allow). Exit 0 when nothing is missing, 1 with the list of what is missing per arch and
 * argument condition (a CI drift gate), 2 on usage errors or unreadable inputs.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "prof.h"

static const char usage_text[] =
        "usage: bouncer profile check [OPTIONS] PROFILE INPUT...\n"
        "       bouncer profile check [OPTIONS] --against NAME|FILE INPUT...\n"
        "  INPUT: decision logs ('-' = stdin) and/or profiles\n"
        "  --against NAME|FILE   check against a stock profile (policies/NAME.json)\n"
        "  --skip-bad            count malformed log lines instead of stopping\n";

struct check_state {
	const struct prof_model *p;
	unsigned long long missing, uncertain, supervised;
};

static bool arch_covered(const struct prof_model *p, uint32_t arch)
{
	/* The native arch is always in a filter; with no list, only it is. */
	return arch == SCMP_ARCH_X86_64 || (p->n_arches ? prof_model_has_arch(p, arch) : false);
}

static void format_values(const struct prof_need_entry *e, const struct prof_selector *sel,
                          char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = 0;
	if (!e->has_values || !sel)
		return;
	for (unsigned a = 0; a < sel->n_args && used < size; a++) {
		const struct prof_sel_arg *sa = &sel->args[a];
		int n;

		if (sa->kind == PROF_SEL_EQ)
			n = snprintf(buf + used, size - used, "%sargs[%u] == 0x%" PRIx64,
			             a ? " && " : " with ", sa->index, e->values[a]);
		else
			n = snprintf(buf + used, size - used,
			             "%sargs[%u] & 0x%" PRIx64 " == 0x%" PRIx64,
			             a ? " && " : " with ", sa->index, sa->mask, e->values[a]);
		used += n > 0 ? (size_t)n : 0;
	}
}

static void check_needs(struct check_state *st, struct prof_needs *needs)
{
	size_t n;
	const struct prof_need_syscall *list = prof_needs_list(needs, &n);
	uint32_t reported_arch = 0; /* the list is sorted by arch */

	for (size_t i = 0; i < n; i++) {
		const struct prof_need_syscall *s = &list[i];

		if (!s->needed)
			continue;
		if (!arch_covered(st->p, s->arch)) {
			/* One line per arch: everything on it is missing. */
			unsigned long long records = 0;

			if (s->arch == reported_arch)
				continue;
			reported_arch = s->arch;
			for (size_t k = i; k < n && list[k].arch == s->arch; k++)
				records += list[k].needed;
			printf("missing on %s: the architecture is not listed (%llu records)\n",
			       prof_arch_name(s->arch), records);
			st->missing++;
			continue;
		}
		for (size_t e = 0; e < s->n_entries; e++) {
			const struct prof_need_entry *en = &s->entries[e];
			uint64_t args[6] = {0}, known[6] = {0};
			const struct prof_rule *rule;
			enum prof_action act;
			bool unsure;
			char values[160];

			if (!en->needed)
				continue;
			if (en->has_values && s->sel) {
				for (unsigned a = 0; a < s->sel->n_args; a++) {
					args[s->sel->args[a].index] = en->values[a];
					known[s->sel->args[a].index] = s->sel->args[a].mask;
				}
			}
			act = prof_model_eval(st->p, s->syscall, args, known, &rule, &unsure);
			if (prof_action_runs(act)) {
				st->uncertain += unsure;
				continue;
			}
			/* A supervised rule decides at run time on what the arguments point to;
			 * the records here cannot say, so it counts as allowed, with a note. */
			if (act == PROF_ACT_NOTIFY && rule && rule->extra &&
			    json_object_get(rule->extra, "supervise")) {
				st->supervised++;
				continue;
			}
			format_values(en, s->sel, values, sizeof(values));
			printf("missing on %s: %s%s: %s by %s (needed %llu, first seen: %s)\n",
			       prof_arch_name(s->arch), s->syscall, values, prof_action_name(act),
			       rule ? "a rule" : "default", en->needed,
			       *en->first_exe ? en->first_exe : "(unknown)");
			st->missing++;
		}
	}
}

static void check_profile(struct check_state *st, const struct prof_model *in)
{
	char conds[256];

	for (size_t a = 0; a < in->n_arches; a++) {
		if (!arch_covered(st->p, in->arches[a])) {
			printf("missing on %s: the architecture is not listed (from %s)\n",
			       prof_arch_name(in->arches[a]), in->source);
			st->missing++;
		}
	}
	for (size_t i = 0; i < in->n_rules; i++) {
		const struct prof_rule *r = &in->rules[i];

		if (!prof_action_runs(r->action) || prof_model_covers(st->p, r))
			continue;
		prof_conds_format(r, conds, sizeof(conds));
		printf("missing: %s%s%s: allowed by %s syscalls[%ld], not by the profile\n",
		       r->name, *conds ? " with " : "", conds, in->source, r->src_index);
		st->missing++;
	}
	if (prof_action_runs(in->default_action) && !prof_action_runs(st->p->default_action)) {
		printf("missing: %s allows everything not listed (defaultAction %s)\n", in->source,
		       prof_action_name(in->default_action));
		st->missing++;
	}
}

int prof_cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"against", required_argument, NULL, 'a'},
	        {"skip-bad", no_argument, NULL, 's'},
	        {"help", no_argument, NULL, 'h'},
	        {0},
	};
	struct prof_input_opts in = {.progress = true};
	struct check_state st = {0};
	struct prof_model *p = NULL;
	struct prof_needs *needs = NULL;
	const char *against = NULL, *profile_name;
	bouncer_error_t err = {0};
	bool any_log = false;
	int c, rc = 2;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'a') {
			against = optarg;
		} else if (c == 's') {
			in.skip_bad = true;
		} else if (c == 'h') {
			fputs(usage_text, stdout);
			return 0;
		} else {
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (argc - optind < (against ? 1 : 2)) {
		fputs(usage_text, stderr);
		return 2;
	}
	profile_name = against ? against : argv[optind++];
	if ((against ? prof_load_stock(against, &p, &err)
	             : prof_load_profile(profile_name, &p, &err)) < 0)
		goto fail;
	st.p = p;
	needs = prof_needs_new();
	for (int i = optind; i < argc; i++) {
		if (prof_path_is_profile(argv[i])) {
			struct prof_model *m;

			if (prof_load_profile(argv[i], &m, &err) < 0)
				goto fail;
			check_profile(&st, m);
			prof_model_free(m);
		} else {
			struct prof_input_stats stats = {0};

			if (prof_needs_read(needs, argv[i], &in, &stats, &err) < 0)
				goto fail;
			any_log = true;
		}
	}
	if (any_log)
		check_needs(&st, needs);
	if (st.supervised)
		printf("note: %llu need%s fell to SCMP_ACT_NOTIFY rules with supervise clauses, "
		       "decided at run time; counted as allowed\n",
		       st.supervised, st.supervised == 1 ? "" : "s");
	if (st.uncertain)
		printf("note: %llu need%s matched rules with conditions on arguments the inputs do "
		       "not "
		       "record; counted as allowed\n",
		       st.uncertain, st.uncertain == 1 ? "" : "s");
	if (st.missing)
		printf("%s: %llu missing\n", profile_name, st.missing);
	else
		printf("%s: allows everything the inputs needed\n", profile_name);
	rc = st.missing ? 1 : 0;
	goto out;
fail:
	fprintf(stderr, "bouncer: %s\n", err.msg);
out:
	prof_needs_free(needs);
	prof_model_free(p);
	return rc;
}
