/* SPDX-License-Identifier: MIT */
/* The profile model: one rule per syscall name, canonical order, evaluation. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "policy_names.h"
#include "prof.h"

static const char *const action_names[] = {
        [PROF_ACT_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
        [PROF_ACT_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
        [PROF_ACT_TRAP] = "SCMP_ACT_TRAP",
        [PROF_ACT_ERRNO] = "SCMP_ACT_ERRNO",
        [PROF_ACT_NOTIFY] = "SCMP_ACT_NOTIFY",
        [PROF_ACT_TRACE] = "SCMP_ACT_TRACE",
        [PROF_ACT_LOG] = "SCMP_ACT_LOG",
        [PROF_ACT_ALLOW] = "SCMP_ACT_ALLOW",
};

const char *prof_action_name(enum prof_action act)
{
	return action_names[act];
}

int prof_action_parse(const char *name, enum prof_action *act)
{
	for (size_t i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++) {
		if (strcmp(name, action_names[i]) == 0) {
			*act = (enum prof_action)i;
			return 0;
		}
	}
	/* The old name of KILL_THREAD, still in many profiles. */
	if (strcmp(name, "SCMP_ACT_KILL") == 0) {
		*act = PROF_ACT_KILL_THREAD;
		return 0;
	}
	return -EINVAL;
}

bool prof_action_runs(enum prof_action act)
{
	return act == PROF_ACT_ALLOW || act == PROF_ACT_LOG;
}

const char *prof_errno_name(int nr)
{
	const char *n = strerrorname_np(nr);

	return n ? n : "E?";
}

int prof_errno_parse(const char *name, uint32_t *out)
{
	char *end;
	unsigned long v = strtoul(name, &end, 10);

	if (*name && !*end && v < 4096) {
		*out = (uint32_t)v;
		return 0;
	}
	for (int i = 1; i < 4096; i++) {
		const char *n = strerrorname_np(i);

		if (n && strcmp(n, name) == 0) {
			*out = (uint32_t)i;
			return 0;
		}
	}
	return -EINVAL;
}

struct prof_model *prof_model_new(const char *source)
{
	struct prof_model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->default_action = PROF_ACT_ERRNO;
	m->default_errno = EPERM;
	m->source = strdup(source ? source : "");
	if (!m->source) {
		free(m);
		return NULL;
	}
	return m;
}

void prof_model_free(struct prof_model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_rules; i++) {
		free(m->rules[i].name);
		free(m->rules[i].comment);
		json_decref(m->rules[i].extra);
	}
	for (size_t i = 0; i < m->n_flags; i++)
		free(m->flags[i]);
	free(m->flags);
	free(m->rules);
	free(m->arches);
	free(m->listener_path);
	free(m->listener_metadata);
	free(m->source);
	free(m);
}

/* Out of memory while building a model is not recoverable in a one-shot tool. */
static void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size);
	if (!p) {
		fputs("bouncer: out of memory\n", stderr);
		abort();
	}
	return p;
}

struct prof_rule *prof_model_add_rule(struct prof_model *m, const char *name, enum prof_action act)
{
	struct prof_rule *r;

	m->rules = xrealloc(m->rules, (m->n_rules + 1) * sizeof(*m->rules));
	r = &m->rules[m->n_rules++];
	memset(r, 0, sizeof(*r));
	r->name = strdup(name);
	if (!r->name)
		abort();
	r->action = act;
	r->src_index = -1;
	return r;
}

bool prof_model_has_arch(const struct prof_model *m, uint32_t token)
{
	for (size_t i = 0; i < m->n_arches; i++)
		if (m->arches[i] == token)
			return true;
	return false;
}

void prof_model_add_arch(struct prof_model *m, uint32_t token)
{
	if (prof_model_has_arch(m, token))
		return;
	m->arches = xrealloc(m->arches, (m->n_arches + 1) * sizeof(*m->arches));
	m->arches[m->n_arches++] = token;
}

void prof_model_add_flag(struct prof_model *m, const char *flag)
{
	for (size_t i = 0; i < m->n_flags; i++)
		if (strcmp(m->flags[i], flag) == 0)
			return;
	m->flags = xrealloc(m->flags, (m->n_flags + 1) * sizeof(*m->flags));
	m->flags[m->n_flags] = strdup(flag);
	if (!m->flags[m->n_flags])
		abort();
	m->n_flags++;
}

static int cmp_conds(const struct prof_rule *a, const struct prof_rule *b)
{
	if (a->n_conds != b->n_conds)
		return a->n_conds < b->n_conds ? -1 : 1;
	for (unsigned i = 0; i < a->n_conds; i++) {
		const struct prof_cond *x = &a->conds[i], *y = &b->conds[i];

		if (x->index != y->index)
			return x->index < y->index ? -1 : 1;
		if (x->op != y->op)
			return x->op < y->op ? -1 : 1;
		if (x->value != y->value)
			return x->value < y->value ? -1 : 1;
		if (x->value_two != y->value_two)
			return x->value_two < y->value_two ? -1 : 1;
	}
	return 0;
}

bool prof_rules_same_conds(const struct prof_rule *a, const struct prof_rule *b)
{
	return cmp_conds(a, b) == 0;
}

/* Canonical order: what runs first, then what is stopped; by name; by conditions. */
static int cmp_rule(const void *pa, const void *pb)
{
	const struct prof_rule *a = pa, *b = pb;
	bool ra = prof_action_runs(a->action), rb = prof_action_runs(b->action);
	int c;

	if (ra != rb)
		return ra ? -1 : 1;
	c = strcmp(a->name, b->name);
	if (c)
		return c;
	c = cmp_conds(a, b);
	if (c)
		return c;
	return a->action < b->action ? -1 : a->action > b->action;
}

static int cmp_arch(const void *a, const void *b)
{
	return prof_arch_cmp(*(const uint32_t *)a, *(const uint32_t *)b);
}

static int cmp_cond(const void *pa, const void *pb)
{
	const struct prof_cond *a = pa, *b = pb;

	return a->index < b->index ? -1 : a->index > b->index;
}

void prof_model_sort(struct prof_model *m)
{
	for (size_t i = 0; i < m->n_rules; i++)
		qsort(m->rules[i].conds, m->rules[i].n_conds, sizeof(struct prof_cond), cmp_cond);
	qsort(m->arches, m->n_arches, sizeof(*m->arches), cmp_arch);
	qsort(m->rules, m->n_rules, sizeof(*m->rules), cmp_rule);
}

bool prof_cond_holds(const struct prof_cond *c, uint64_t arg)
{
	switch (c->op) {
	case SCMP_CMP_NE:
		return arg != c->value;
	case SCMP_CMP_LT:
		return arg < c->value;
	case SCMP_CMP_LE:
		return arg <= c->value;
	case SCMP_CMP_EQ:
		return arg == c->value;
	case SCMP_CMP_GE:
		return arg >= c->value;
	case SCMP_CMP_GT:
		return arg > c->value;
	case SCMP_CMP_MASKED_EQ:
		return (arg & c->value) == c->value_two;
	default:
		return false;
	}
}

void prof_conds_format(const struct prof_rule *r, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < r->n_conds && used < size; i++) {
		const struct prof_cond *c = &r->conds[i];
		int n;

		if (c->op == SCMP_CMP_MASKED_EQ)
			n = snprintf(buf + used, size - used,
			             "%sargs[%u] & 0x%" PRIx64 " == 0x%" PRIx64, i ? " && " : "",
			             c->index, c->value, c->value_two);
		else
			n = snprintf(buf + used, size - used, "%sargs[%u] %s 0x%" PRIx64,
			             i ? " && " : "", c->index, policy_op_symbol(c->op), c->value);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

/* Whether the condition can be decided from the known bits of its argument. */
static bool cond_decidable(const struct prof_cond *c, uint64_t known)
{
	if (c->op == SCMP_CMP_MASKED_EQ)
		return (c->value & ~known) == 0;
	return known == ~(uint64_t)0;
}

enum prof_action prof_model_eval(const struct prof_model *m, const char *name, const uint64_t *args,
                                 const uint64_t *known_bits, const struct prof_rule **rule_out,
                                 bool *uncertain)
{
	const struct prof_rule *best = NULL;

	if (uncertain)
		*uncertain = false;
	for (size_t i = 0; i < m->n_rules; i++) {
		const struct prof_rule *r = &m->rules[i];
		bool unsure = false, holds = true;

		if (r->inactive || strcmp(r->name, name) != 0)
			continue;
		for (unsigned c = 0; c < r->n_conds && holds; c++) {
			unsigned idx = r->conds[c].index;

			if (!known_bits || idx > 5 ||
			    !cond_decidable(&r->conds[c], known_bits[idx]))
				unsure = true;
			else
				holds = prof_cond_holds(&r->conds[c], args[idx]);
		}
		if (!holds)
			continue;
		if (unsure && uncertain)
			*uncertain = true;
		/* Between overlapping matches the most restrictive action wins (the enum is in the
		 * kernel's precedence order). */
		if (!best || r->action < best->action)
			best = r;
	}
	if (rule_out)
		*rule_out = best;
	return best ? best->action : m->default_action;
}

/* Does p allow at least what rule r of the input profile allows? */
bool prof_model_covers(const struct prof_model *p, const struct prof_rule *r)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct prof_rule *q = &p->rules[i];
		bool subset = true;

		if (q->inactive || strcmp(q->name, r->name) != 0 || !prof_action_runs(q->action))
			continue;
		/* Every condition of q must also be one of r's: q allows a superset. */
		for (unsigned a = 0; a < q->n_conds && subset; a++) {
			bool found = false;

			for (unsigned b = 0; b < r->n_conds; b++)
				found |= memcmp(&q->conds[a], &r->conds[b], sizeof(q->conds[a])) ==
				         0;
			subset = found;
		}
		if (subset)
			return true;
	}
	/* No rule for the name at all: the default decides. */
	for (size_t i = 0; i < p->n_rules; i++)
		if (!p->rules[i].inactive && strcmp(p->rules[i].name, r->name) == 0)
			return false;
	return prof_action_runs(p->default_action);
}
