/* SPDX-License-Identifier: MIT */
/* Lint findings on a profile model (prof_lint.c), shared by `lint` and its tests. */
#ifndef BOUNCER_PROF_LINT_H
#define BOUNCER_PROF_LINT_H

#include "prof.h"

enum lint_severity { LINT_INFO, LINT_WARNING, LINT_ERROR };

struct lint_finding {
	enum lint_severity severity;
	const char *code; /* stable identifier: "default-allow", "unconditioned-dangerous", ... */
	long rule;        /* index in the source's syscalls[], -1 for the whole profile */
	char *syscall;    /* NULL for profile-wide findings */
	char *message;    /* full sentence: what and why */
};

struct lint_report {
	struct lint_finding *findings;
	size_t n;
	unsigned errors, warnings;
};

/* Runs every check; findings in rule order (profile-wide ones first). */
void prof_lint(const struct prof_model *m, struct lint_report *out);
void prof_lint_free(struct lint_report *r);
const char *prof_lint_severity_name(enum lint_severity s);

#endif
