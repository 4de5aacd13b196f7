/* SPDX-License-Identifier: MIT */
/*
 * --notify: supervised rules from recorded paths and addresses. A syscall whose records carry
 * `path` (or `address`) becomes an SCMP_ACT_NOTIFY rule whose "supervise" clause allows what
 * was seen, generalised to directory prefixes: two or more files in one directory become one
 * recursive glob of that directory (DIR, then a slash and a double star), and whatever such a
 * glob covers is dropped; a lone file stays exact. Nothing is ever widened to the root.
 * Addresses are kept exact. See
 * docs/inspection.md for the clause language and docs/profile.md for this generalisation.
 */
#include <stdlib.h>
#include <string.h>

#include "prof.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "/etc/ssl/certs/x.pem" → "/etc/ssl/certs"; NULL for "/x" (no parent worth a glob). */
static char *parent_dir(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash || slash == path)
		return NULL;
	return strndup(path, (size_t)(slash - path));
}

static bool covered_by(const char *path, const char *glob)
{
	size_t n = strlen(glob);

	/* A recursive glob covers its directory itself and everything under it. */
	if (n < 3 || strcmp(glob + n - 3, "/**") != 0)
		return strcmp(path, glob) == 0;
	n -= 3;
	return strncmp(path, glob, n) == 0 && (path[n] == '/' || path[n] == 0);
}

static void add_unique(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v) if (strcmp(json_string_value(v), s) == 0) return;
	json_array_append_new(arr, json_string(s));
}

json_t *prof_notify_paths(char **paths, size_t n)
{
	char **sorted = malloc((n ? n : 1) * sizeof(*sorted)), **globs;
	size_t n_globs = 0;
	json_t *out = json_array();

	globs = calloc(n ? n : 1, sizeof(*globs));
	memcpy(sorted, paths, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_str);
	for (size_t i = 0; i < n; i++) {
		char *dir = parent_dir(sorted[i]);
		size_t same = 0;

		for (size_t j = 0; dir && j < n; j++) {
			char *d2 = parent_dir(sorted[j]);

			same += d2 && strcmp(d2, dir) == 0;
			free(d2);
		}
		if (dir && same >= 2) {
			char *g = malloc(strlen(dir) + 4);

			strcpy(g, dir);
			strcat(g, "/**");
			globs[n_globs++] = g;
		} else {
			globs[n_globs++] = strdup(sorted[i]);
		}
		free(dir);
	}
	qsort(globs, n_globs, sizeof(*globs), cmp_str);
	for (size_t i = 0; i < n_globs; i++) {
		bool covered = false;

		for (size_t j = 0; j < n_globs && !covered; j++)
			covered = j != i && strcmp(globs[i], globs[j]) != 0 &&
			          covered_by(globs[i], globs[j]);
		if (!covered)
			add_unique(out, globs[i]);
	}
	for (size_t i = 0; i < n_globs; i++)
		free(globs[i]);
	free(globs);
	free(sorted);
	return out;
}
