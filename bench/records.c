/* SPDX-License-Identifier: MIT */
/*
 * Reads back the decisions file of a bouncer row, to show that the supervisor recorded every
 * call it was timed on (docs/decision-log.md: one record per decision, seq 1, 2, 3, ...).
 * A sanity check printed under the table, never an assertion.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bench.h"

#define MAX_OTHER_NAMES 4

struct name_count {
	char name[32];
	long count;
};

static void tally_other(struct name_count *names, size_t *n_names, const char *name)
{
	for (size_t i = 0; i < *n_names; i++) {
		if (strcmp(names[i].name, name) == 0) {
			names[i].count++;
			return;
		}
	}
	if (*n_names < MAX_OTHER_NAMES) {
		snprintf(names[*n_names].name, sizeof(names[*n_names].name), "%s", name);
		names[(*n_names)++].count = 1;
	}
}

static void classify(json_t *record, struct bench_records *out, struct name_count *names,
                     size_t *n_names, char *run, size_t run_len)
{
	const char *syscall = json_string_value(json_object_get(record, "syscall"));
	const char *action = json_string_value(json_object_get(record, "action"));
	const char *run_id = json_string_value(json_object_get(record, "run"));
	json_t *seq = json_object_get(record, "seq");

	out->total++;
	if (!json_is_integer(seq) || json_integer_value(seq) != out->total || !run_id)
		out->seq_contiguous = false;
	else if (run[0] == '\0')
		snprintf(run, run_len, "%s", run_id);
	else if (strcmp(run, run_id) != 0)
		out->seq_contiguous = false;

	if (syscall && strcmp(syscall, "getppid") == 0) {
		if (action && strcmp(action, "log") == 0)
			out->getppid_log++;
		else
			out->getppid_other++;
	} else {
		out->other++;
		tally_other(names, n_names, syscall ? syscall : "?");
	}
}

int bench_records_count(const char *path, struct bench_records *out)
{
	struct name_count names[MAX_OTHER_NAMES];
	size_t n_names = 0, len = 0, used = 0;
	char run[64] = "", *line = NULL;
	FILE *file = fopen(path, "re");

	memset(out, 0, sizeof(*out));
	out->seq_contiguous = true;
	if (!file)
		return -errno;
	while (getline(&line, &len, file) >= 0) {
		json_t *record = json_loads(line, 0, NULL);

		if (!json_is_object(record))
			out->unparsable = true;
		else
			classify(record, out, names, &n_names, run, sizeof(run));
		json_decref(record);
	}
	free(line);
	fclose(file);

	for (size_t i = 0; i < n_names; i++) {
		int n = snprintf(out->other_names + used, sizeof(out->other_names) - used,
		                 "%s%s x%ld", i ? ", " : "", names[i].name, names[i].count);

		if (n < 0 || (size_t)n >= sizeof(out->other_names) - used)
			break;
		used += (size_t)n;
	}
	return 0;
}
