/* SPDX-License-Identifier: MIT */
/* Subcommands not written yet: they say so instead of pretending. */
#include <stdio.h>

#include "prof.h"

#define PENDING(fn, name)                                                                          \
	int fn(int argc, char **argv)                                                              \
	{                                                                                          \
		fprintf(stderr, "bouncer profile %s: not implemented yet\n", name);                \
		return 2;                                                                          \
	}

PENDING(prof_cmd_import, "import")
