/* SPDX-License-Identifier: MIT */
/*
 * One decision record, formatted as one JSON line (docs/decision-log.md, schema v1).
 *
 * Formatted by hand into a caller-provided buffer: the notification path must not allocate, and
 * jansson builds a tree of allocated nodes for every object. tests/test_record.c parses the
 * output with jansson to prove it is valid JSON with the documented fields.
 */
#ifndef BOUNCER_RECORD_H
#define BOUNCER_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define RECORD_SCHEMA_VERSION 1
/* Upper bound of one formatted record (paths are at most PATH_MAX, escaped up to 6x). */
#define RECORD_MAX 8192

enum record_action {
	RECORD_ALLOW,
	RECORD_DENY,
	RECORD_LOG,
	RECORD_KILL,
};

/* What enforce mode would have done (audit mode), or RECORD_WOULD_NONE. */
enum record_would {
	RECORD_WOULD_NONE,
	RECORD_WOULD_DENY,
	RECORD_WOULD_KILL,
	RECORD_WOULD_TRAP,
	RECORD_WOULD_KILL_THREAD,
	RECORD_WOULD_TRACE,
};

struct record {
	struct timespec ts; /* CLOCK_REALTIME */
	const char *run_id;
	uint64_t seq;
	pid_t pid, tid;
	const char *comm;
	const char *exe;
	const char *arch;    /* "SCMP_ARCH_X86_64" */
	const char *syscall; /* NULL: printed as "nr:N" */
	int nr;
	uint64_t args[6];
	enum record_action action;
	int errno_value;          /* for RECORD_DENY */
	long rule_index;          /* -1: defaultAction */
	const char *rule_comment; /* NULL: none */
	int audit;                /* mode: 0 enforce, 1 audit */
	enum record_would would;
	int would_errno; /* for RECORD_WOULD_DENY */
	const char *policy;
};

/*
 * Formats r followed by '\n' into buf. Returns the length, or 0 when it does not fit (a
 * record bigger than RECORD_MAX cannot happen with the fields above).
 */
size_t record_format(char *buf, size_t size, const struct record *r);

/* Appends s as a JSON string (with quotes) to buf at *pos; returns 0 or -1 when full. */
int json_put_string(char *buf, size_t size, size_t *pos, const char *s);

#endif
