/* SPDX-License-Identifier: MIT */
#include "summary.h"

#include <stdlib.h>
#include <string.h>

#include <seccomp.h>

#include "errno_name.h"

void summary_init(struct summary *s)
{
	memset(s, 0, sizeof(*s));
}

static unsigned hash_key(uint32_t arch, int nr, int action, long rule)
{
	uint64_t h = ((uint64_t)arch * 31 + (uint32_t)nr) * 31 + (unsigned)action;

	h = h * 31 + (uint64_t)rule;
	h *= 0x9e3779b97f4a7c15ull;
	return (unsigned)(h >> 52) & (SUMMARY_SLOTS - 1);
}

void summary_count(struct summary *s, const struct record *r, uint32_t arch)
{
	unsigned i = hash_key(arch, r->nr, (int)r->action * 8 + (int)r->would, r->rule_index);

	s->total++;
	for (unsigned n = 0; n < SUMMARY_SLOTS; n++, i = (i + 1) & (SUMMARY_SLOTS - 1)) {
		struct summary_entry *e = &s->slots[i];

		if (e->count == 0) {
			/* Keep a quarter free so probes stay short. */
			if (s->used >= SUMMARY_SLOTS / 4 * 3)
				break;
			e->arch = arch;
			e->nr = r->nr;
			e->action = r->action;
			e->would = r->would;
			e->errno_value = r->action == RECORD_DENY ? r->errno_value : r->would_errno;
			e->rule_index = r->rule_index;
			e->rule_comment = r->rule_comment;
			e->count = 1;
			s->used++;
			return;
		}
		if (e->arch == arch && e->nr == r->nr && e->action == r->action &&
		    e->would == r->would && e->rule_index == r->rule_index) {
			e->count++;
			return;
		}
	}
	s->overflow++;
}

struct sorted {
	const struct summary_entry *e;
	const char *name;
};

static int by_name(const void *a, const void *b)
{
	const struct sorted *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	if (x->e->arch != y->e->arch)
		return x->e->arch < y->e->arch ? -1 : 1;
	if (x->e->action != y->e->action)
		return (int)x->e->action - (int)y->e->action;
	return x->e->rule_index < y->e->rule_index ? -1 : x->e->rule_index > y->e->rule_index;
}

static const char *verb(const struct summary_entry *e)
{
	switch (e->action) {
	case RECORD_ALLOW:
		switch (e->would) {
		case RECORD_WOULD_DENY:
			return "allowed (would deny)";
		case RECORD_WOULD_KILL:
			return "allowed (would kill)";
		case RECORD_WOULD_TRAP:
			return "allowed (would trap)";
		case RECORD_WOULD_KILL_THREAD:
			return "allowed (would kill thread)";
		case RECORD_WOULD_TRACE:
			return "allowed (would trace)";
		case RECORD_WOULD_NONE:
			break;
		}
		return "allowed";
	case RECORD_DENY:
		return "denied";
	case RECORD_LOG:
		return "logged";
	case RECORD_KILL:
		return "killed";
	}
	return "?";
}

void summary_print(const struct summary *s, const struct syscall_names *names, FILE *out)
{
	struct sorted *list = calloc(s->used ? s->used : 1, sizeof(*list));
	char namebuf[SUMMARY_SLOTS][24];
	size_t n = 0;

	if (list == NULL)
		return;
	for (unsigned i = 0; i < SUMMARY_SLOTS; i++) {
		const struct summary_entry *e = &s->slots[i];
		const char *name;

		if (e->count == 0)
			continue;
		name = syscall_name(names, e->arch, e->nr);
		if (name == NULL) {
			snprintf(namebuf[n], sizeof(namebuf[n]), "nr:%d", e->nr);
			name = namebuf[n];
		}
		list[n].e = e;
		list[n].name = name;
		n++;
	}
	qsort(list, n, sizeof(*list), by_name);
	fprintf(out, "bouncer: %llu supervised decision%s\n", (unsigned long long)s->total,
	        s->total == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		const struct summary_entry *e = list[i].e;
		const char *arch = arch_name(e->arch);
		char why[160];

		if (e->rule_index >= 0)
			snprintf(why, sizeof(why), "syscalls[%ld]%s%s", e->rule_index,
			         e->rule_comment ? ": " : "",
			         e->rule_comment ? e->rule_comment : "");
		else
			snprintf(why, sizeof(why), "defaultAction");
		fprintf(out, "  %-18s %-24s %8llu", list[i].name, verb(e),
		        (unsigned long long)e->count);
		if (e->action == RECORD_DENY || e->would == RECORD_WOULD_DENY) {
			const char *en = errno_name(e->errno_value);

			fprintf(out, "  %s", en ? en : "errno");
		}
		fprintf(out, "  by %s", why);
		if (arch != NULL && e->arch != seccomp_arch_native())
			fprintf(out, "  [%s]", arch);
		fputc('\n', out);
	}
	if (s->overflow)
		fprintf(out, "  (%llu decisions of further kinds not itemised)\n",
		        (unsigned long long)s->overflow);
	free(list);
}
