/* SPDX-License-Identifier: MIT */
/*
 * Importing other tools' output as decision records (docs/decision-log.md): the kernel's
 * seccomp audit messages (import_audit.c) and `strace -f` output (import_strace.c). The records
 * carry "args_known": false (neither source has the six raw arguments), so `generate` derives
 * no argument conditions from them, and "source" names where they came from.
 */
#ifndef BOUNCER_PROF_IMPORT_H
#define BOUNCER_PROF_IMPORT_H

#include "prof.h"

struct import_record {
	const char *ts; /* RFC 3339 UTC with nanoseconds */
	long long pid;
	const char *comm;
	const char *exe;
	uint32_t arch;
	long long nr;        /* as the kernel saw it (x32 keeps 0x40000000) */
	const char *syscall; /* NULL: resolved from arch and nr */
	const char *action;  /* allow, deny, log, kill */
	int errno_nr;        /* for deny */
};

struct importer {
	FILE *out;
	const char *source; /* "audit", "strace" */
	char run[17];
	unsigned long long seq;
	void *state; /* the parser's */
};

/* Writes one record as a JSON line. Returns 0 or -EIO. */
int import_emit(struct importer *im, const struct import_record *rec);

/* prof_line_fn callbacks; ctx is the struct importer. Lines that are not about seccomp are
 * skipped silently; lines that should be and cannot be parsed are -EINVAL. */
int import_audit_line(void *ctx, const char *line, size_t len, const char **why);
int import_strace_line(void *ctx, const char *line, size_t len, const char **why);
void *import_strace_new(void);
void import_strace_free(void *state);

#endif
