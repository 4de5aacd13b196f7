/* SPDX-License-Identifier: MIT */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "launch.h"
#include "profile.h"

struct subcommand {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *summary;
};

static const struct subcommand subcommands[] = {
        {"run", cmd_run, "run a command under a policy, recording every supervised decision"},
        {"learn", cmd_run,
         "run a command with every syscall recorded (audit, nothing in the kernel)"},
        {"agent", cmd_agent,
         "supervise containers (runc/crun listenerPath) and self-sandboxed programs"},
        {"policy", cmd_policy, "check a policy and show its plan; print the embedded default"},
        {"profile", cmd_profile,
         "generate, merge, check, diff and lint static profiles from decision logs"},
        {"ctl", cmd_ctl, "review held syscalls, grant, reload: talk to a running `run`"},
        /* Internal: the child side of `run` (child/launch.h). Not listed in --help. */
        {LAUNCH_SUBCOMMAND, launch_main, NULL},
};

static void usage(FILE *out)
{
	fputs("Usage: bouncer [--version] [--help] COMMAND [ARGS]\n"
	      "\n"
	      "A seccomp user-notification supervisor.\n"
	      "\n"
	      "Commands:\n",
	      out);
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (subcommands[i].summary != NULL)
			fprintf(out, "  %-8s %s\n", subcommands[i].name, subcommands[i].summary);
	fputs("\nRun 'bouncer COMMAND --help' for a command's options.\n", out);
}

int cli_main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("bouncer %s\n", BOUNCER_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].main(argc - 1, argv + 1);
	fprintf(stderr, "bouncer: unknown command \"%s\"\nTry 'bouncer --help'.\n", argv[1]);
	return EXIT_USAGE;
}
