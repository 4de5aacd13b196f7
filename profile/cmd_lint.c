/* SPDX-License-Identifier: MIT */
/* `bouncer profile lint PROFILE [--json]`: findings; exit 1 when there is an error. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "prof_lint.h"

static const char usage_text[] = "usage: bouncer profile lint [--json] PROFILE\n";

static void print_json(const char *path, const struct lint_report *r)
{
	json_t *root = json_object(), *arr = json_array();
	char *text;

	for (size_t i = 0; i < r->n; i++) {
		const struct lint_finding *f = &r->findings[i];
		json_t *o = json_object();

		json_object_set_new(o, "severity",
		                    json_string(prof_lint_severity_name(f->severity)));
		json_object_set_new(o, "code", json_string(f->code));
		json_object_set_new(o, "rule", f->rule >= 0 ? json_integer(f->rule) : json_null());
		json_object_set_new(o, "syscall",
		                    f->syscall ? json_string(f->syscall) : json_null());
		json_object_set_new(o, "message", json_string(f->message));
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "profile", json_string(path));
	json_object_set_new(root, "errors", json_integer(r->errors));
	json_object_set_new(root, "warnings", json_integer(r->warnings));
	json_object_set_new(root, "findings", arr);
	text = json_dumps(root, JSON_INDENT(2));
	if (text)
		printf("%s\n", text);
	free(text);
	json_decref(root);
}

int prof_cmd_lint(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"json", no_argument, NULL, 'j'},
	        {"help", no_argument, NULL, 'h'},
	        {0},
	};
	struct prof_model *m = NULL;
	struct lint_report r;
	bouncer_error_t err = {0};
	bool json = false;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'j') {
			json = true;
		} else if (c == 'h') {
			fputs(usage_text, stdout);
			return 0;
		} else {
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fputs(usage_text, stderr);
		return 2;
	}
	if (prof_load_profile(argv[optind], &m, &err) < 0) {
		fprintf(stderr, "bouncer: %s\n", err.msg);
		return 1;
	}
	prof_lint(m, &r);
	if (json) {
		print_json(argv[optind], &r);
	} else {
		for (size_t i = 0; i < r.n; i++) {
			const struct lint_finding *f = &r.findings[i];

			printf("%s: %s: ", argv[optind], prof_lint_severity_name(f->severity));
			if (f->rule >= 0)
				printf("syscalls[%ld] %s: ", f->rule, f->syscall);
			else if (f->syscall)
				printf("%s: ", f->syscall);
			printf("%s [%s]\n", f->message, f->code);
		}
		printf("%s: %u error%s, %u warning%s\n", argv[optind], r.errors,
		       r.errors == 1 ? "" : "s", r.warnings, r.warnings == 1 ? "" : "s");
	}
	c = r.errors ? 1 : 0;
	prof_lint_free(&r);
	prof_model_free(m);
	return c;
}
