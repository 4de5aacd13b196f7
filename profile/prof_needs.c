/* SPDX-License-Identifier: MIT */
/*
 * What a workload needed, aggregated from its records. The state is one small struct per
 * (arch, syscall) holding one entry per distinct tuple of selector values, so memory grows with
 * the number of distinct keys and never with the number of records. Everything that ends up in
 * the output is chosen independently of record order (earliest timestamp, most frequent errno,
 * sorted sets), so the same records in any order give the same profile.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "prof.h"

#define MAX_ARCHES 32
#define TS_MAX     40
/* Distinct paths/addresses kept per (arch, syscall) for --notify; more are not generalised. */
#define MAX_STRINGS 4096

struct agg_entry {
	bool has_values;
	uint64_t values[PROF_SEL_MAX_ARGS];
	unsigned long long needed, denied, killed;
	struct {
		int nr;
		unsigned long long count;
	} errnos[4];
	char first_ts[TS_MAX];
	char *first_exe;
};

struct agg_syscall {
	const struct prof_selector *sel;
	bool unconditioned;
	size_t n_valued;           /* entries with has_values */
	struct agg_entry *entries; /* entries[0] is the one without values */
	size_t n_entries, cap_entries;
	char **paths, **addresses;
	size_t n_paths, n_addresses;
	bool paths_full;
};

struct arch_table {
	uint32_t token;
	struct agg_syscall **by_id; /* indexed by interned syscall id */
	size_t cap;
};

struct prof_needs {
	/* Interned syscall names: open addressing, power-of-two size. */
	char **names;
	uint32_t *name_hash;
	size_t n_names, cap_names;
	int *slots; /* -1 = empty, else index into names */
	size_t n_slots;
	struct arch_table arches[MAX_ARCHES];
	size_t n_arches;
	size_t last_arch;
	unsigned long long records;
	/* The last snapshot handed out by prof_needs_list(). */
	struct prof_need_syscall *snapshot;
	size_t n_snapshot;
};

struct prof_needs *prof_needs_new(void)
{
	struct prof_needs *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->n_slots = 1024;
	n->slots = malloc(n->n_slots * sizeof(int));
	if (!n->slots) {
		free(n);
		return NULL;
	}
	memset(n->slots, 0xff, n->n_slots * sizeof(int));
	return n;
}

static void free_snapshot(struct prof_needs *n)
{
	for (size_t i = 0; i < n->n_snapshot; i++)
		free(n->snapshot[i].entries);
	free(n->snapshot);
	n->snapshot = NULL;
	n->n_snapshot = 0;
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void prof_needs_free(struct prof_needs *n)
{
	if (!n)
		return;
	free_snapshot(n);
	for (size_t a = 0; a < n->n_arches; a++) {
		for (size_t i = 0; i < n->arches[a].cap; i++) {
			struct agg_syscall *s = n->arches[a].by_id[i];

			if (!s)
				continue;
			for (size_t e = 0; e < s->n_entries; e++)
				free(s->entries[e].first_exe);
			free(s->entries);
			free_strings(s->paths, s->n_paths);
			free_strings(s->addresses, s->n_addresses);
			free(s);
		}
		free(n->arches[a].by_id);
	}
	for (size_t i = 0; i < n->n_names; i++)
		free(n->names[i]);
	free(n->names);
	free(n->name_hash);
	free(n->slots);
	free(n);
}

static uint32_t hash_name(const char *p, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	return h;
}

static int rehash(struct prof_needs *n)
{
	size_t ns = n->n_slots * 2;
	int *slots = malloc(ns * sizeof(int));

	if (!slots)
		return -ENOMEM;
	memset(slots, 0xff, ns * sizeof(int));
	for (size_t i = 0; i < n->n_names; i++) {
		size_t s = n->name_hash[i] & (ns - 1);

		while (slots[s] >= 0)
			s = (s + 1) & (ns - 1);
		slots[s] = (int)i;
	}
	free(n->slots);
	n->slots = slots;
	n->n_slots = ns;
	return 0;
}

/* Returns the id of the name, interning it if new; negative errno on failure. */
static long intern(struct prof_needs *n, const char *p, size_t len)
{
	uint32_t h = hash_name(p, len);
	size_t s = h & (n->n_slots - 1);

	while (n->slots[s] >= 0) {
		int id = n->slots[s];

		if (n->name_hash[id] == h && strncmp(n->names[id], p, len) == 0 &&
		    n->names[id][len] == 0)
			return id;
		s = (s + 1) & (n->n_slots - 1);
	}
	if (n->n_names == n->cap_names) {
		size_t nc = n->cap_names ? n->cap_names * 2 : 256;
		char **names = realloc(n->names, nc * sizeof(*names));

		if (!names)
			return -ENOMEM;
		n->names = names;
		uint32_t *hashes = realloc(n->name_hash, nc * sizeof(*hashes));
		if (!hashes)
			return -ENOMEM;
		n->name_hash = hashes;
		n->cap_names = nc;
	}
	char *copy = strndup(p, len);
	if (!copy)
		return -ENOMEM;
	n->names[n->n_names] = copy;
	n->name_hash[n->n_names] = h;
	n->slots[s] = (int)n->n_names;
	n->n_names++;
	if (n->n_names * 2 > n->n_slots && rehash(n) < 0)
		return -ENOMEM;
	return (long)n->n_names - 1;
}

static struct arch_table *arch_table(struct prof_needs *n, uint32_t token)
{
	if (n->n_arches && n->arches[n->last_arch].token == token)
		return &n->arches[n->last_arch];
	for (size_t i = 0; i < n->n_arches; i++) {
		if (n->arches[i].token == token) {
			n->last_arch = i;
			return &n->arches[i];
		}
	}
	if (n->n_arches == MAX_ARCHES)
		return NULL;
	n->arches[n->n_arches].token = token;
	n->last_arch = n->n_arches;
	return &n->arches[n->n_arches++];
}

static struct agg_syscall *syscall_agg(struct prof_needs *n, struct arch_table *t, long id)
{
	struct agg_syscall *s;

	if ((size_t)id >= t->cap) {
		size_t nc = t->cap ? t->cap : 512;

		while (nc <= (size_t)id)
			nc *= 2;
		struct agg_syscall **v = realloc(t->by_id, nc * sizeof(*v));
		if (!v)
			return NULL;
		memset(v + t->cap, 0, (nc - t->cap) * sizeof(*v));
		t->by_id = v;
		t->cap = nc;
	}
	s = t->by_id[id];
	if (s)
		return s;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->entries = calloc(4, sizeof(*s->entries));
	if (!s->entries) {
		free(s);
		return NULL;
	}
	s->cap_entries = 4;
	s->n_entries = 1;
	s->sel = prof_selector_find(n->names[id]);
	t->by_id[id] = s;
	return s;
}

static struct agg_entry *valued_entry(struct agg_syscall *s, const uint64_t *values)
{
	for (size_t i = 1; i < s->n_entries; i++)
		if (memcmp(s->entries[i].values, values, sizeof(s->entries[i].values)) == 0)
			return &s->entries[i];
	if (s->n_valued >= s->sel->max_values) {
		/* Too many distinct values to be a meaningful condition. */
		s->unconditioned = true;
		return NULL;
	}
	if (s->n_entries == s->cap_entries) {
		struct agg_entry *v = realloc(s->entries, 2 * s->cap_entries * sizeof(*v));

		if (!v)
			return NULL;
		s->entries = v;
		s->cap_entries *= 2;
	}
	struct agg_entry *e = &s->entries[s->n_entries++];
	memset(e, 0, sizeof(*e));
	e->has_values = true;
	memcpy(e->values, values, sizeof(e->values));
	s->n_valued++;
	return e;
}

/* Compares a scanned string with a plain one without allocating (escapes are rare). */
static int str_cmp(const struct prof_str *a, const char *b)
{
	size_t blen = strlen(b);
	int c;

	if (a->escaped) {
		char *tmp = prof_str_dup(a);

		c = tmp ? strcmp(tmp, b) : 0;
		free(tmp);
		return c;
	}
	c = memcmp(a->p, b, a->len < blen ? a->len : blen);
	return c ? c : (a->len > blen) - (a->len < blen);
}

/* Keeps the exe of the earliest record (by ts, then by exe so that order never matters). */
static int note_first(struct agg_entry *e, const struct prof_record *rec)
{
	struct prof_str ts = rec->ts;
	char *exe;

	if (ts.len > TS_MAX - 1)
		ts.len = TS_MAX - 1;
	ts.escaped = false;
	if (e->first_exe) {
		int c = str_cmp(&ts, e->first_ts);

		if (c > 0 || (c == 0 && str_cmp(&rec->exe, e->first_exe) >= 0))
			return 0;
	}
	exe = prof_str_dup(&rec->exe);
	if (!exe)
		return -ENOMEM;
	free(e->first_exe);
	e->first_exe = exe;
	if (ts.len)
		memcpy(e->first_ts, ts.p, ts.len);
	e->first_ts[ts.len] = 0;
	return 0;
}

static void count_errno_n(struct agg_entry *e, int nr, unsigned long long n)
{
	size_t i;

	for (i = 0; i < 4 && e->errnos[i].count; i++) {
		if (e->errnos[i].nr == nr) {
			e->errnos[i].count += n;
			return;
		}
	}
	if (i < 4) {
		e->errnos[i].nr = nr;
		e->errnos[i].count = n;
	}
}

static void count_errno(struct agg_entry *e, int nr)
{
	count_errno_n(e, nr, 1);
}

static int add_string(char ***v, size_t *n, bool *full, const struct prof_str *s)
{
	char *str;

	for (size_t i = 0; i < *n; i++)
		if (strlen((*v)[i]) == s->len && memcmp((*v)[i], s->p, s->len) == 0 && !s->escaped)
			return 0;
	if (*n >= MAX_STRINGS) {
		*full = true;
		return 0;
	}
	str = prof_str_dup(s);
	if (!str)
		return -ENOMEM;
	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*v)[i], str) == 0) {
			free(str);
			return 0;
		}
	}
	char **nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv) {
		free(str);
		return -ENOMEM;
	}
	nv[(*n)++] = str;
	*v = nv;
	return 0;
}

int prof_needs_add(struct prof_needs *n, const struct prof_record *rec)
{
	struct arch_table *t = arch_table(n, rec->arch);
	struct agg_syscall *s;
	struct agg_entry *e = NULL;
	long id;

	if (!t)
		return -E2BIG;
	id = intern(n, rec->syscall.p, rec->syscall.len);
	if (id < 0)
		return (int)id;
	s = syscall_agg(n, t, id);
	if (!s)
		return -ENOMEM;
	n->records++;
	if (rec->outcome == PROF_NEEDED && s->sel && !s->unconditioned) {
		if (!rec->args_known) {
			s->unconditioned = true;
		} else {
			uint64_t values[PROF_SEL_MAX_ARGS] = {0};

			for (unsigned i = 0; i < s->sel->n_args; i++)
				values[i] = rec->args[s->sel->args[i].index] & s->sel->args[i].mask;
			e = valued_entry(s, values);
		}
	}
	if (!e)
		e = &s->entries[0];
	switch (rec->outcome) {
	case PROF_NEEDED:
		e->needed++;
		break;
	case PROF_DENIED:
		e->denied++;
		count_errno(e, rec->errno_nr);
		break;
	case PROF_KILLED:
		e->killed++;
		break;
	}
	if (rec->path.len && add_string(&s->paths, &s->n_paths, &s->paths_full, &rec->path) < 0)
		return -ENOMEM;
	if (rec->address.len &&
	    add_string(&s->addresses, &s->n_addresses, &s->paths_full, &rec->address) < 0)
		return -ENOMEM;
	return note_first(e, rec);
}

int prof_needs_add_line(void *ctx, const char *line, size_t len, const char **why)
{
	struct prof_record rec;
	int rc = prof_scan_record(line, len, &rec, why);

	if (rc < 0)
		return rc;
	return prof_needs_add(ctx, &rec);
}

/* Folds a src entry into dst: counts, errnos and the earliest (ts, exe). */
static int merge_entry(struct agg_entry *d, const struct agg_entry *e)
{
	struct prof_record rec = {0};

	d->needed += e->needed;
	d->denied += e->denied;
	d->killed += e->killed;
	for (int i = 0; i < 4 && e->errnos[i].count; i++)
		count_errno_n(d, e->errnos[i].nr, e->errnos[i].count);
	if (!e->first_exe)
		return 0;
	rec.ts = (struct prof_str){e->first_ts, strlen(e->first_ts), false};
	rec.exe = (struct prof_str){e->first_exe, strlen(e->first_exe), false};
	return note_first(d, &rec);
}

int prof_needs_merge(struct prof_needs *dst, const struct prof_needs *src)
{
	for (size_t a = 0; a < src->n_arches; a++) {
		struct arch_table *t = arch_table(dst, src->arches[a].token);

		if (!t)
			return -E2BIG;
		for (size_t i = 0; i < src->arches[a].cap; i++) {
			const struct agg_syscall *s = src->arches[a].by_id[i];
			struct agg_syscall *d;
			long id;

			if (!s)
				continue;
			id = intern(dst, src->names[i], strlen(src->names[i]));
			if (id < 0)
				return (int)id;
			d = syscall_agg(dst, t, id);
			if (!d)
				return -ENOMEM;
			d->unconditioned |= s->unconditioned;
			for (size_t e = 0; e < s->n_entries; e++) {
				struct agg_entry *de = NULL;

				if (s->entries[e].has_values && !d->unconditioned)
					de = valued_entry(d, s->entries[e].values);
				if (!de)
					de = &d->entries[0];
				if (merge_entry(de, &s->entries[e]) < 0)
					return -ENOMEM;
			}
			for (size_t k = 0; k < s->n_paths; k++) {
				struct prof_str str = {s->paths[k], strlen(s->paths[k]), false};

				if (add_string(&d->paths, &d->n_paths, &d->paths_full, &str) < 0)
					return -ENOMEM;
			}
			for (size_t k = 0; k < s->n_addresses; k++) {
				struct prof_str str = {s->addresses[k], strlen(s->addresses[k]),
				                       false};

				if (add_string(&d->addresses, &d->n_addresses, &d->paths_full,
				               &str) < 0)
					return -ENOMEM;
			}
			d->paths_full |= s->paths_full;
		}
	}
	dst->records += src->records;
	return 0;
}

unsigned long long prof_needs_records(const struct prof_needs *n)
{
	return n->records;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct prof_need_entry *x = a, *y = b;

	if (x->has_values != y->has_values)
		return x->has_values ? 1 : -1;
	for (int i = 0; i < PROF_SEL_MAX_ARGS; i++)
		if (x->values[i] != y->values[i])
			return x->values[i] < y->values[i] ? -1 : 1;
	return 0;
}

static int cmp_syscall(const void *a, const void *b)
{
	const struct prof_need_syscall *x = a, *y = b;
	int c = prof_arch_cmp(x->arch, y->arch);

	return c ? c : strcmp(x->syscall, y->syscall);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int errno_of(const struct agg_entry *e)
{
	int best = 1;
	unsigned long long count = 0;

	for (int i = 0; i < 4 && e->errnos[i].count; i++) {
		if (e->errnos[i].count > count ||
		    (e->errnos[i].count == count && e->errnos[i].nr < best)) {
			best = e->errnos[i].nr;
			count = e->errnos[i].count;
		}
	}
	return best;
}

const struct prof_need_syscall *prof_needs_list(struct prof_needs *n, size_t *count)
{
	size_t total = 0, k = 0;

	free_snapshot(n);
	for (size_t a = 0; a < n->n_arches; a++)
		for (size_t i = 0; i < n->arches[a].cap; i++)
			total += n->arches[a].by_id[i] != NULL;
	n->snapshot = calloc(total ? total : 1, sizeof(*n->snapshot));
	if (!n->snapshot) {
		*count = 0;
		return NULL;
	}
	for (size_t a = 0; a < n->n_arches; a++) {
		for (size_t i = 0; i < n->arches[a].cap; i++) {
			struct agg_syscall *s = n->arches[a].by_id[i];
			struct prof_need_syscall *o = &n->snapshot[k];

			if (!s)
				continue;
			o->arch = n->arches[a].token;
			o->syscall = n->names[i];
			o->sel = s->sel;
			o->unconditioned = s->unconditioned || !s->sel;
			o->entries = calloc(s->n_entries, sizeof(*o->entries));
			if (!o->entries)
				break;
			k++;
			for (size_t e = 0; e < s->n_entries; e++) {
				const struct agg_entry *ae = &s->entries[e];
				struct prof_need_entry *oe = &o->entries[o->n_entries];

				if (!ae->first_exe)
					continue; /* the empty no-values entry */
				oe->arch = o->arch;
				oe->syscall = o->syscall;
				oe->has_values = ae->has_values;
				memcpy(oe->values, ae->values, sizeof(oe->values));
				oe->needed = ae->needed;
				oe->denied = ae->denied;
				oe->killed = ae->killed;
				oe->denied_errno = errno_of(ae);
				oe->first_exe = ae->first_exe;
				oe->first_ts = ae->first_ts;
				o->needed += ae->needed;
				o->denied += ae->denied;
				o->killed += ae->killed;
				o->n_entries++;
			}
			qsort(o->entries, o->n_entries, sizeof(*o->entries), cmp_entry);
			qsort(s->paths, s->n_paths, sizeof(char *), cmp_str);
			qsort(s->addresses, s->n_addresses, sizeof(char *), cmp_str);
			o->paths = s->paths;
			o->n_paths = s->paths_full ? 0 : s->n_paths;
			o->addresses = s->addresses;
			o->n_addresses = s->paths_full ? 0 : s->n_addresses;
		}
	}
	n->n_snapshot = k;
	qsort(n->snapshot, k, sizeof(*n->snapshot), cmp_syscall);
	*count = k;
	return n->snapshot;
}
