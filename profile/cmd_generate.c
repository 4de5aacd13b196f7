/* SPDX-License-Identifier: MIT */
/* `bouncer profile generate [OPTIONS] LOG...` */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "prof.h"

static const char usage_text[] =
        "usage: bouncer profile generate [OPTIONS] LOG...   (LOG '-' = stdin)\n"
        "  -o, --output FILE          write the profile to FILE (default stdout)\n"
        "  -f, --format FMT           docker (default), oci (linux.seccomp), spo (SeccompProfile)\n"
        "      --base PROFILE         start from PROFILE's rules, add what it does not allow\n"
        "      --default-action ACT   errno (default), kill_process, log\n"
        "      --errno NAME           errno of the default action (default EPERM)\n"
        "      --min-count N          allow only syscalls needed at least N times (default 1)\n"
        "      --name NAME            profile name (spo metadata.name)\n"
        "      --runtime runc|crun    also allow what the OCI runtime needs after loading it\n"
        "      --no-essentials        do not add exit, exit_group and rt_sigreturn when the\n"
        "                             recording did not see them\n"
        "      --notify               supervised rules (SCMP_ACT_NOTIFY + supervise) for syscalls\n"
        "                             whose records carry paths/addresses\n"
        "      --skip-bad             count malformed lines instead of stopping\n";

int prof_parse_default_action(const char *s, enum prof_action *act);

int prof_parse_default_action(const char *s, enum prof_action *act)
{
	if (strcmp(s, "errno") == 0)
		*act = PROF_ACT_ERRNO;
	else if (strcmp(s, "kill_process") == 0 || strcmp(s, "kill") == 0)
		*act = PROF_ACT_KILL_PROCESS;
	else if (strcmp(s, "log") == 0)
		*act = PROF_ACT_LOG;
	else
		return -EINVAL;
	return 0;
}

int prof_cmd_generate(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"output", required_argument, NULL, 'o'},
	        {"format", required_argument, NULL, 'f'},
	        {"base", required_argument, NULL, 'b'},
	        {"default-action", required_argument, NULL, 'd'},
	        {"errno", required_argument, NULL, 'e'},
	        {"min-count", required_argument, NULL, 'm'},
	        {"name", required_argument, NULL, 'n'},
	        {"runtime", required_argument, NULL, 'r'},
	        {"skip-bad", no_argument, NULL, 's'},
	        {"notify", no_argument, NULL, 'N'},
	        {"no-essentials", no_argument, NULL, 'E'},
	        {"help", no_argument, NULL, 'h'},
	        {0},
	};
	struct prof_gen_opts gen = {
	        .default_action = PROF_ACT_ERRNO, .default_errno = EPERM, .min_count = 1};
	struct prof_input_opts in = {.progress = true};
	enum prof_format fmt = PROF_FMT_DOCKER;
	const char *output = NULL, *base_path = NULL, *name = NULL;
	struct prof_model *base = NULL, *m = NULL;
	struct prof_needs *needs = NULL;
	unsigned long long bad = 0;
	bouncer_error_t err = {0};
	int c, rc = 1;
	FILE *out;

	optind = 0;
	while ((c = getopt_long(argc, argv, "o:f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'f':
			if (prof_format_parse(optarg, &fmt) < 0) {
				fprintf(stderr, "bouncer profile generate: unknown format \"%s\"\n",
				        optarg);
				return 2;
			}
			break;
		case 'b':
			base_path = optarg;
			break;
		case 'd':
			if (prof_parse_default_action(optarg, &gen.default_action) < 0) {
				fprintf(stderr,
				        "bouncer profile generate: --default-action: expected "
				        "errno, kill_process or log\n");
				return 2;
			}
			break;
		case 'e':
			if (prof_errno_parse(optarg, &gen.default_errno) < 0) {
				fprintf(stderr, "bouncer profile generate: unknown errno \"%s\"\n",
				        optarg);
				return 2;
			}
			break;
		case 'm': {
			char *end;

			gen.min_count = strtoull(optarg, &end, 10);
			if (!*optarg || *end || gen.min_count == 0) {
				fprintf(stderr, "bouncer profile generate: --min-count: expected a "
				                "positive integer\n");
				return 2;
			}
			break;
		}
		case 'n':
			name = optarg;
			break;
		case 'r':
			gen.runtime_syscalls = prof_runtime_syscalls(optarg);
			gen.runtime_name = optarg;
			if (!gen.runtime_syscalls) {
				fprintf(stderr,
				        "bouncer profile generate: --runtime: expected runc or "
				        "crun\n");
				return 2;
			}
			break;
		case 's':
			in.skip_bad = true;
			break;
		case 'N':
			gen.notify = true;
			break;
		case 'E':
			gen.no_essentials = true;
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
	if (base_path && prof_load_profile(base_path, &base, &err) < 0)
		goto fail;
	gen.base = base;
	needs = prof_needs_new();
	if (!needs) {
		bouncer_error_set(&err, -ENOMEM, "out of memory");
		goto fail;
	}
	for (int i = optind; i < argc; i++) {
		struct prof_input_stats st = {0};

		if (prof_needs_read(needs, argv[i], &in, &st, &err) < 0)
			goto fail;
		bad += st.bad;
	}
	if (bad)
		fprintf(stderr, "bouncer: skipped %llu malformed line%s\n", bad,
		        bad == 1 ? "" : "s");
	if (prof_needs_records(needs) == 0)
		fprintf(stderr,
		        "bouncer: no decision records in the input: the profile allows "
		        "nothing%s\n",
		        base ? " beyond the base" : "");
	m = prof_generate(needs, &gen);
	if (!m) {
		bouncer_error_set(&err, -ENOMEM, "out of memory");
		goto fail;
	}
	out = prof_open_output(output, &err);
	if (!out)
		goto fail;
	prof_write(out, m, fmt, name);
	if (prof_close_output(out, output, &err) < 0)
		goto fail;
	rc = 0;
	goto done;
fail:
	fprintf(stderr, "bouncer: %s\n", err.msg);
done:
	prof_model_free(m);
	prof_model_free(base);
	prof_needs_free(needs);
	return rc;
}
