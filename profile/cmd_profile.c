/* SPDX-License-Identifier: MIT */
/* `bouncer profile SUBCOMMAND ...`: dispatch. */
#include <stdio.h>
#include <string.h>

#include "prof.h"
#include "profile.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} subcommands[] = {
        {"generate", prof_cmd_generate, "decision logs → a finalized static profile"},
        {"merge", prof_cmd_merge, "profiles and/or logs → one profile (union or --intersect)"},
        {"check", prof_cmd_check, "does PROFILE allow everything the inputs needed? (exit 0/1)"},
        {"diff", prof_cmd_diff, "human-readable difference of two profiles"},
        {"lint", prof_cmd_lint, "findings with severity and reason (exit 1 on errors)"},
        {"import", prof_cmd_import, "audit or strace output → decision records"},
};

#define N_SUB (sizeof(subcommands) / sizeof(subcommands[0]))

static void usage(FILE *f)
{
	fputs("usage: bouncer profile SUBCOMMAND [OPTIONS] ...\n\n", f);
	for (size_t i = 0; i < N_SUB; i++)
		fprintf(f, "  %-9s %s\n", subcommands[i].name, subcommands[i].summary);
	fputs("\nbouncer profile SUBCOMMAND --help for its options; docs/profile.md.\n", f);
}

int cmd_profile(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < N_SUB; i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "bouncer profile: unknown subcommand \"%s\"\n", argv[1]);
	usage(stderr);
	return 2;
}
