/* SPDX-License-Identifier: MIT */
/*
 * Model → Docker profile JSON, the OCI runtime-spec linux.seccomp object, or a Security
 * Profiles Operator SeccompProfile (YAML). Written by hand rather than through json_dumps for
 * two reasons: one rule per line keeps profiles readable and diffable, and condition values
 * above INT64_MAX (valid in profiles) do not fit jansson's signed integers.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "prof.h"

int prof_format_parse(const char *s, enum prof_format *out)
{
	if (strcmp(s, "docker") == 0)
		*out = PROF_FMT_DOCKER;
	else if (strcmp(s, "oci") == 0)
		*out = PROF_FMT_OCI;
	else if (strcmp(s, "spo") == 0)
		*out = PROF_FMT_SPO;
	else
		return -EINVAL;
	return 0;
}

static const char *op_name(enum scmp_compare op)
{
	switch (op) {
	case SCMP_CMP_NE:
		return "SCMP_CMP_NE";
	case SCMP_CMP_LT:
		return "SCMP_CMP_LT";
	case SCMP_CMP_LE:
		return "SCMP_CMP_LE";
	case SCMP_CMP_EQ:
		return "SCMP_CMP_EQ";
	case SCMP_CMP_GE:
		return "SCMP_CMP_GE";
	case SCMP_CMP_GT:
		return "SCMP_CMP_GT";
	case SCMP_CMP_MASKED_EQ:
		return "SCMP_CMP_MASKED_EQ";
	default:
		return "SCMP_CMP_EQ";
	}
}

static void put_json_string(FILE *f, const char *s)
{
	json_t *j = json_string(s);
	char *text = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;

	fputs(text ? text : "\"\"", f);
	free(text);
	json_decref(j);
}

static bool needs_errno(enum prof_action act)
{
	return act == PROF_ACT_ERRNO || act == PROF_ACT_TRACE;
}

/* archMap groups each compat ABI under its native arch, like Docker's own default profile. */
static void put_arch_map(FILE *f, const struct prof_model *m)
{
	bool done[64] = {0};

	fputs("  \"archMap\": [", f);
	for (size_t i = 0, n = 0; i < m->n_arches && i < 64; i++) {
		uint32_t fam = prof_arch_family(m->arches[i]);
		bool first_sub = true;

		if (done[i])
			continue;
		fprintf(f, "%s\n    {\"architecture\": ", n++ ? "," : "");
		put_json_string(f, prof_arch_name(fam));
		fputs(", \"subArchitectures\": [", f);
		for (size_t j = i; j < m->n_arches && j < 64; j++) {
			if (prof_arch_family(m->arches[j]) != fam)
				continue;
			done[j] = true;
			if (m->arches[j] == fam)
				continue;
			fprintf(f, "%s", first_sub ? "" : ", ");
			put_json_string(f, prof_arch_name(m->arches[j]));
			first_sub = false;
		}
		fputs("]}", f);
	}
	fputs("\n  ],\n", f);
}

static void put_rule_json(FILE *f, const struct prof_rule *r, enum prof_format fmt)
{
	fputs("    {\"names\": [", f);
	put_json_string(f, r->name);
	fprintf(f, "], \"action\": \"%s\"", prof_action_name(r->action));
	if (r->has_errno)
		fprintf(f, ", \"errnoRet\": %" PRIu32, r->errno_ret);
	if (r->n_conds) {
		fputs(", \"args\": [", f);
		for (unsigned i = 0; i < r->n_conds; i++) {
			const struct prof_cond *c = &r->conds[i];

			fprintf(f,
			        "%s{\"index\": %u, \"value\": %" PRIu64 ", \"valueTwo\": %" PRIu64
			        ", \"op\": \"%s\"}",
			        i ? ", " : "", c->index, c->value, c->value_two, op_name(c->op));
		}
		fputs("]", f);
	}
	/* runtime-spec has no comment or extension keys: an OCI object stays schema-valid. */
	if (fmt == PROF_FMT_DOCKER && r->extra) {
		const char **keys = malloc(json_object_size(r->extra) * sizeof(*keys));
		const char *key;
		json_t *v;
		size_t n = 0;

		json_object_foreach(r->extra, key, v) keys[n++] = key;
		qsort(keys, n, sizeof(*keys), (int (*)(const void *, const void *))strcmp);
		for (size_t i = 0; i < n; i++) {
			char *text = json_dumps(json_object_get(r->extra, keys[i]),
			                        JSON_ENCODE_ANY | JSON_SORT_KEYS);

			fputs(", ", f);
			put_json_string(f, keys[i]);
			fprintf(f, ": %s", text ? text : "null");
			free(text);
		}
		free(keys);
	}
	if (fmt == PROF_FMT_DOCKER && r->comment) {
		fputs(", \"comment\": ", f);
		put_json_string(f, r->comment);
	}
	fputs("}", f);
}

static void put_json(FILE *f, const struct prof_model *m, enum prof_format fmt)
{
	fprintf(f, "{\n  \"defaultAction\": \"%s\",\n", prof_action_name(m->default_action));
	if (needs_errno(m->default_action) || m->has_default_errno)
		fprintf(f, "  \"defaultErrnoRet\": %" PRIu32 ",\n", m->default_errno);
	if (m->n_arches && fmt == PROF_FMT_DOCKER) {
		put_arch_map(f, m);
	} else if (m->n_arches) {
		fputs("  \"architectures\": [", f);
		for (size_t i = 0; i < m->n_arches; i++) {
			fputs(i ? ", " : "", f);
			put_json_string(f, prof_arch_name(m->arches[i]));
		}
		fputs("],\n", f);
	}
	fputs("  \"flags\": [", f);
	for (size_t i = 0; i < m->n_flags; i++) {
		fputs(i ? ", " : "", f);
		put_json_string(f, m->flags[i]);
	}
	fputs("],\n", f);
	if (m->listener_path) {
		fputs("  \"listenerPath\": ", f);
		put_json_string(f, m->listener_path);
		fputs(",\n", f);
	}
	if (m->listener_metadata) {
		fputs("  \"listenerMetadata\": ", f);
		put_json_string(f, m->listener_metadata);
		fputs(",\n", f);
	}
	fputs("  \"syscalls\": [", f);
	for (size_t i = 0; i < m->n_rules; i++) {
		fputs(i ? ",\n" : "\n", f);
		put_rule_json(f, &m->rules[i], fmt);
	}
	fputs(m->n_rules ? "\n  ]\n}\n" : "]\n}\n", f);
}

/* metadata.name must be a DNS-1123 subdomain: lower case alphanumerics, '-' and '.'. */
static void put_k8s_name(FILE *f, const char *name)
{
	bool any = false;

	for (const char *p = name; *p; p++) {
		char c = *p;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'))
			c = '-';
		fputc(c, f);
		any = true;
	}
	if (!any)
		fputs("bouncer-generated", f);
}

static void put_yaml_comment(FILE *f, const char *indent, const char *text)
{
	fprintf(f, "%s# ", indent);
	for (const char *p = text; *p; p++)
		fputc(*p == '\n' || *p == '\r' ? ' ' : *p, f);
	fputc('\n', f);
}

static void put_spo(FILE *f, const struct prof_model *m, const char *name)
{
	fputs("apiVersion: security-profiles-operator.x-k8s.io/v1beta1\n"
	      "kind: SeccompProfile\n"
	      "metadata:\n  name: ",
	      f);
	put_k8s_name(f, name ? name : "bouncer-generated");
	fprintf(f, "\nspec:\n  defaultAction: %s\n", prof_action_name(m->default_action));
	if (m->has_default_errno || (needs_errno(m->default_action) && m->default_errno != EPERM))
		fprintf(f, "  defaultErrnoRet: %" PRIu32 "\n", m->default_errno);
	if (m->n_arches) {
		fputs("  architectures:\n", f);
		for (size_t i = 0; i < m->n_arches; i++)
			fprintf(f, "  - %s\n", prof_arch_name(m->arches[i]));
	}
	fputs("  flags:", f);
	for (size_t i = 0; i < m->n_flags; i++)
		fprintf(f, "\n  - %s", m->flags[i]);
	fputs(m->n_flags ? "\n" : " []\n", f);
	if (m->listener_path) {
		fputs("  listenerPath: ", f);
		put_json_string(f, m->listener_path);
		fputc('\n', f);
	}
	fputs("  syscalls:", f);
	if (!m->n_rules)
		fputs(" []", f);
	fputc('\n', f);
	for (size_t i = 0; i < m->n_rules; i++) {
		const struct prof_rule *r = &m->rules[i];

		if (r->comment)
			put_yaml_comment(f, "  ", r->comment);
		fprintf(f, "  - action: %s\n    names:\n    - %s\n", prof_action_name(r->action),
		        r->name);
		if (r->has_errno)
			fprintf(f, "    errnoRet: %" PRIu32 "\n", r->errno_ret);
		if (r->n_conds)
			fputs("    args:\n", f);
		for (unsigned c = 0; c < r->n_conds; c++)
			fprintf(f,
			        "    - index: %u\n      value: %" PRIu64
			        "\n      valueTwo: %" PRIu64 "\n      op: %s\n",
			        r->conds[c].index, r->conds[c].value, r->conds[c].value_two,
			        op_name(r->conds[c].op));
	}
}

int prof_write(FILE *f, const struct prof_model *m, enum prof_format fmt, const char *name)
{
	if (fmt == PROF_FMT_SPO)
		put_spo(f, m, name);
	else
		put_json(f, m, fmt);
	return ferror(f) ? -EIO : 0;
}
