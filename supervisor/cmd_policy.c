/* SPDX-License-Identifier: MIT */
/*
 * `bouncer policy`: check a profile and print the plan (what the kernel decides, what reaches
 * the supervisor and why), or print the embedded default profile.
 *
 *   bouncer policy check [--mode enforce|audit] [--fast-deny] FILE|--default
 *   bouncer policy default
 *
 * Exit: 0 valid, 1 invalid ("bouncer: FILE:LINE:COL: path: msg" on stderr), 2 usage.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "policy.h"
#include "policy_compile.h"

static const char policy_usage[] =
        "usage: bouncer policy check [--mode enforce|audit] [--fast-deny] FILE|--default\n"
        "       bouncer policy default\n"
        "\n"
        "  check     validate a profile (Docker/OCI seccomp JSON) and print the plan: which\n"
        "            syscalls the kernel allows, which go to the supervisor and why, which the\n"
        "            kernel traps or kills, and the warnings\n"
        "  default   print the embedded default profile\n"
        "\n"
        "Exit status: 0 valid, 1 invalid, 2 usage.\n";

static const char policy_check_usage[] =
        "usage: bouncer policy check [--mode enforce|audit] [--fast-deny] FILE|--default\n"
        "\n"
        "  --mode enforce|audit  plan for this mode of `bouncer run` (default: enforce)\n"
        "  --fast-deny           plan with ERRNO and KILL_PROCESS kept in the kernel\n"
        "  --default             check the embedded default profile instead of FILE\n"
        "  -h, --help            show this help\n"
        "\n"
        "Exit status: 0 valid, 1 invalid (message on stderr), 2 usage.\n";

static int policy_usage_error(const char *usage, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static int policy_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fputs("bouncer: policy: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(usage, stderr);
	return EXIT_USAGE;
}

static int policy_check(int argc, char **argv)
{
	static const struct option options[] = {
	        {"mode", required_argument, NULL, 'm'},
	        {"fast-deny", no_argument, NULL, 'f'},
	        {"default", no_argument, NULL, 'd'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct compile_options compile = {.route_exec = true, .route_identity = true};
	struct compiled_policy *compiled = NULL;
	struct policy *policy = NULL;
	struct policy_host host;
	bouncer_error_t err = {0};
	bool use_default = false;
	int opt, rc;

	optind = 0; /* glibc: full re-initialisation, argv differs from cli_main's */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
		switch (opt) {
		case 'm':
			if (strcmp(optarg, "audit") == 0)
				compile.audit = true;
			else if (strcmp(optarg, "enforce") != 0)
				return policy_usage_error(policy_check_usage,
				                          "unknown mode \"%s\" (enforce or audit)",
				                          optarg);
			break;
		case 'f':
			compile.fast_deny = true;
			break;
		case 'd':
			use_default = true;
			break;
		case 'h':
			fputs(policy_check_usage, stdout);
			return EXIT_CHECK_OK;
		default:
			return policy_usage_error(policy_check_usage, "check: bad option %s",
			                          argv[optind - 1]);
		}
	}
	if (use_default ? optind != argc : optind + 1 != argc)
		return policy_usage_error(policy_check_usage, "%s",
		                          use_default ? "check: --default takes no FILE"
		                                      : "check: expected one FILE (or --default)");

	policy_host_detect(&host);
	if (use_default)
		rc = policy_load_default(&host, &policy, &err);
	else
		rc = policy_load_file(argv[optind], &host, &policy, &err);
	if (rc == 0)
		rc = policy_compile(policy, &compile, &compiled, &err);
	if (rc < 0) {
		fprintf(stderr, "bouncer: %s\n", err.msg);
		policy_free(policy);
		return EXIT_CHECK_FAILED;
	}
	policy_plan_print(compiled, stdout);
	compiled_policy_free(compiled);
	policy_free(policy);
	if (fflush(stdout) != 0)
		return EXIT_CHECK_FAILED;
	return EXIT_CHECK_OK;
}

int cmd_policy(int argc, char **argv)
{
	if (argc < 2)
		return policy_usage_error(policy_usage, "%s", "expected check or default");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(policy_usage, stdout);
		return EXIT_CHECK_OK;
	}
	if (strcmp(argv[1], "check") == 0)
		return policy_check(argc - 1, argv + 1);
	if (strcmp(argv[1], "default") == 0) {
		if (argc != 2)
			return policy_usage_error(policy_usage, "%s", "default takes no argument");
		if (fwrite(bouncer_default_policy, 1, bouncer_default_policy_len, stdout) !=
		            bouncer_default_policy_len ||
		    fflush(stdout) != 0)
			return EXIT_CHECK_FAILED;
		return EXIT_CHECK_OK;
	}
	return policy_usage_error(policy_usage, "unknown subcommand \"%s\"", argv[1]);
}
