/* SPDX-License-Identifier: MIT */
/* `bouncer profile import audit|strace FILE|- [-o OUT]`: decision records as JSON Lines. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "prof_import.h"

static const char usage_text[] =
        "usage: bouncer profile import audit|strace [OPTIONS] FILE|-\n"
        "  audit:  auditd type=SECCOMP lines, kernel 'audit: type=1326' lines (dmesg, journalctl)\n"
        "  strace: output of strace -f (-o FILE), with or without -t/-tt/-ttt\n"
        "  -o, --output FILE   write the records to FILE (default stdout)\n"
        "      --skip-bad      count malformed lines instead of stopping\n";

/* A run id for imported records: a hash of the input's name, so that a re-import gives the
 * same records. */
static void run_id(const char *kind, const char *path, char out[17])
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a 64 */

	for (const char *p = kind; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	for (const char *p = path; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

int prof_cmd_import(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"output", required_argument, NULL, 'o'},
	        {"skip-bad", no_argument, NULL, 's'},
	        {"help", no_argument, NULL, 'h'},
	        {0},
	};
	struct prof_input_opts in = {.progress = true};
	struct prof_input_stats stats = {0};
	struct importer im = {0};
	const char *output = NULL;
	bouncer_error_t err = {0};
	prof_line_fn fn;
	int c, rc = 1;

	optind = 0;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		if (c == 'o') {
			output = optarg;
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
	if (argc - optind != 2) {
		fputs(usage_text, stderr);
		return 2;
	}
	if (strcmp(argv[optind], "audit") == 0) {
		fn = import_audit_line;
		im.source = "audit";
	} else if (strcmp(argv[optind], "strace") == 0) {
		fn = import_strace_line;
		im.source = "strace";
		im.state = import_strace_new();
	} else {
		fprintf(stderr, "bouncer profile import: unknown format \"%s\"\n", argv[optind]);
		fputs(usage_text, stderr);
		return 2;
	}
	run_id(im.source, argv[optind + 1], im.run);
	im.out = prof_open_output(output, &err);
	if (!im.out)
		goto fail;
	if (prof_input_lines(argv[optind + 1], &in, fn, &im, &stats, &err) < 0) {
		prof_close_output(im.out, output, NULL);
		goto fail;
	}
	if (prof_close_output(im.out, output, &err) < 0)
		goto fail;
	if (stats.bad)
		fprintf(stderr, "bouncer: skipped %llu malformed line%s\n", stats.bad,
		        stats.bad == 1 ? "" : "s");
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "bouncer: %s\n", err.msg);
out:
	import_strace_free(im.state && im.source[0] == 's' ? im.state : NULL);
	return rc;
}
