/* SPDX-License-Identifier: MIT */
/*
 * `bouncer profile merge [--intersect] INPUT... -o OUT`: profiles and/or decision logs into one
 * profile. Logs are first turned into a profile as `generate` would. Union: what any input
 * allows; --intersect: what every input allows. Each rule's comment says which inputs it came
 * from.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "prof.h"

static const char usage_text[] =
        "usage: bouncer profile merge [OPTIONS] INPUT... [-o OUT]\n"
        "  INPUT: profiles and/or decision logs ('-' = stdin)\n"
        "  --intersect          keep only what every input allows (default: what any allows)\n"
        "  -o, --output FILE    write to FILE (default stdout)\n"
        "  -f, --format FMT     docker (default), oci, spo\n"
        "      --name NAME      profile name (spo)\n"
        "      --skip-bad       count malformed log lines instead of stopping\n";

static void append_origin(struct prof_rule *r, const struct prof_model *from,
                          const struct prof_rule *src)
{
	char buf[1024];

	if (!r->comment)
		snprintf(buf, sizeof(buf), "from %s%s%s", from->source, src->comment ? ": " : "",
		         src->comment ? src->comment : "");
	else
		snprintf(buf, sizeof(buf), "%s; %s%s%s", r->comment, from->source,
		         src->comment ? ": " : "", src->comment ? src->comment : "");
	free(r->comment);
	r->comment = strdup(buf);
}

static struct prof_rule *find_same(struct prof_model *m, const struct prof_rule *r)
{
	for (size_t i = 0; i < m->n_rules; i++)
		if (strcmp(m->rules[i].name, r->name) == 0 &&
		    prof_rules_same_conds(&m->rules[i], r) &&
		    prof_action_runs(m->rules[i].action) == prof_action_runs(r->action))
			return &m->rules[i];
	return NULL;
}

static void add_rule(struct prof_model *out, const struct prof_model *from,
                     const struct prof_rule *src)
{
	struct prof_rule *r = find_same(out, src);

	if (!r) {
		r = prof_model_add_rule(out, src->name, src->action);
		r->has_errno = src->has_errno;
		r->errno_ret = src->errno_ret;
		memcpy(r->conds, src->conds, sizeof(r->conds));
		r->n_conds = src->n_conds;
		r->extra = json_incref(src->extra);
		r->inactive = src->inactive;
	}
	append_origin(r, from, src);
}

static bool allowed_anywhere(const struct prof_model *m, const char *name)
{
	for (size_t i = 0; i < m->n_rules; i++)
		if (strcmp(m->rules[i].name, name) == 0 && prof_action_runs(m->rules[i].action))
			return true;
	return false;
}

/* Whether q's conditions are a strict subset of r's: q allows everything r allows. */
static bool wider(const struct prof_rule *q, const struct prof_rule *r)
{
	if (q->n_conds >= r->n_conds)
		return false;
	for (unsigned a = 0; a < q->n_conds; a++) {
		bool found = false;

		for (unsigned b = 0; b < r->n_conds; b++)
			found |= memcmp(&q->conds[a], &r->conds[b], sizeof(q->conds[a])) == 0;
		if (!found)
			return false;
	}
	return true;
}

/* Drops allows made redundant by a wider allow of the same name. */
static void drop_redundant(struct prof_model *m)
{
	size_t k = 0;

	for (size_t i = 0; i < m->n_rules; i++) {
		struct prof_rule *r = &m->rules[i];
		struct prof_rule *by = NULL;

		for (size_t j = 0; prof_action_runs(r->action) && j < m->n_rules && !by; j++)
			if (j != i && strcmp(m->rules[j].name, r->name) == 0 &&
			    prof_action_runs(m->rules[j].action) && wider(&m->rules[j], r))
				by = &m->rules[j];
		if (by) {
			free(r->name);
			free(r->comment);
			json_decref(r->extra);
			continue;
		}
		m->rules[k++] = *r;
	}
	m->n_rules = k;
}

static struct prof_model *merge(struct prof_model **in, size_t n, bool intersect)
{
	struct prof_model *out = prof_model_new(intersect ? "intersection" : "union");
	size_t pick = 0;

	/* The default: the least restrictive of the inputs for a union, the most restrictive
	 * for an intersection (the action enum is ordered by restrictiveness). */
	for (size_t i = 1; i < n; i++)
		if (intersect ? in[i]->default_action < in[pick]->default_action
		              : in[i]->default_action > in[pick]->default_action)
			pick = i;
	out->default_action = in[pick]->default_action;
	out->default_errno = in[pick]->default_errno;
	out->has_default_errno = in[pick]->has_default_errno;
	for (size_t i = 0; i < n; i++) {
		for (size_t a = 0; a < in[i]->n_arches; a++) {
			bool everywhere = true;

			for (size_t j = 0; intersect && j < n; j++)
				everywhere &= prof_model_has_arch(in[j], in[i]->arches[a]) ||
				              in[i]->arches[a] == SCMP_ARCH_X86_64;
			if (everywhere)
				prof_model_add_arch(out, in[i]->arches[a]);
		}
		for (size_t f = 0; f < in[i]->n_flags; f++)
			prof_model_add_flag(out, in[i]->flags[f]);
		if (!out->listener_path && in[i]->listener_path)
			out->listener_path = strdup(in[i]->listener_path);
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < in[i]->n_rules; k++) {
			const struct prof_rule *r = &in[i]->rules[k];
			bool keep = true;

			if (!prof_action_runs(r->action))
				continue;
			for (size_t j = 0; intersect && j < n; j++)
				keep &= j == i || prof_model_covers(in[j], r);
			if (keep)
				add_rule(out, in[i], r);
		}
	}
	/* Explicit denials stay for names the result does not allow. */
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < in[i]->n_rules; k++)
			if (!prof_action_runs(in[i]->rules[k].action) &&
			    !allowed_anywhere(out, in[i]->rules[k].name))
				add_rule(out, in[i], &in[i]->rules[k]);
	drop_redundant(out);
	prof_model_sort(out);
	return out;
}

int prof_cmd_merge(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"intersect", no_argument, NULL, 'i'},
	        {"output", required_argument, NULL, 'o'},
	        {"format", required_argument, NULL, 'f'},
	        {"name", required_argument, NULL, 'n'},
	        {"skip-bad", no_argument, NULL, 's'},
	        {"help", no_argument, NULL, 'h'},
	        {0},
	};
	struct prof_gen_opts gen = {
	        .default_action = PROF_ACT_ERRNO, .default_errno = EPERM, .min_count = 1};
	struct prof_input_opts in = {.progress = true};
	enum prof_format fmt = PROF_FMT_DOCKER;
	const char *output = NULL, *name = NULL;
	struct prof_model **models = NULL, *out_model = NULL;
	struct prof_needs *needs = NULL;
	size_t n_models = 0;
	bool intersect = false, any_log = false;
	bouncer_error_t err = {0};
	char logs_label[256] = "";
	int c, rc = 1;
	FILE *out;

	optind = 0;
	while ((c = getopt_long(argc, argv, "o:f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			intersect = true;
			break;
		case 'o':
			output = optarg;
			break;
		case 'f':
			if (prof_format_parse(optarg, &fmt) < 0) {
				fprintf(stderr, "bouncer profile merge: unknown format \"%s\"\n",
				        optarg);
				return 2;
			}
			break;
		case 'n':
			name = optarg;
			break;
		case 's':
			in.skip_bad = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fputs(usage_text, stderr);
		return 2;
	}
	models = calloc((size_t)(argc - optind) + 1, sizeof(*models));
	needs = prof_needs_new();
	for (int i = optind; i < argc; i++) {
		if (prof_path_is_profile(argv[i])) {
			if (prof_load_profile(argv[i], &models[n_models], &err) < 0)
				goto fail;
			n_models++;
		} else {
			struct prof_input_stats st = {0};
			size_t used = strlen(logs_label);

			if (prof_needs_read(needs, argv[i], &in, &st, &err) < 0)
				goto fail;
			snprintf(logs_label + used, sizeof(logs_label) - used, "%s%s",
			         used ? "+" : "", argv[i]);
			any_log = true;
		}
	}
	if (any_log) {
		struct prof_model *g = prof_generate(needs, &gen);

		if (!g) {
			bouncer_error_set(&err, -ENOMEM, "out of memory");
			goto fail;
		}
		free(g->source);
		g->source = strdup(logs_label);
		models[n_models++] = g;
	}
	out_model = merge(models, n_models, intersect);
	out = prof_open_output(output, &err);
	if (!out)
		goto fail;
	prof_write(out, out_model, fmt, name);
	if (prof_close_output(out, output, &err) < 0)
		goto fail;
	rc = 0;
	goto done;
fail:
	fprintf(stderr, "bouncer: %s\n", err.msg);
done:
	for (size_t i = 0; i < n_models; i++)
		prof_model_free(models[i]);
	free(models);
	prof_model_free(out_model);
	prof_needs_free(needs);
	return rc;
}
