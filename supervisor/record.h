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

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define RECORD_SCHEMA_VERSION 1
/*
 * A rule comment is cut to this many bytes in records: comments have no length limit in a
 * profile, and a record must have one (the full text is in the policy file).
 */
#define RECORD_COMMENT_MAX 1024
/*
 * Upper bound of one formatted record. Every byte of the variable strings may need a 6-byte
 * \u00XX escape (paths are bytes, often not ASCII): exe is shorter than PATH_MAX (readlink),
 * the policy is a file name that open() accepted (shorter than PATH_MAX), comm is 15 bytes, the
 * comment at most RECORD_COMMENT_MAX. Keys, numbers, the run id and the arch and syscall names
 * take well under 2048 bytes.
 */
#define RECORD_MAX (6 * (2 * PATH_MAX + 16 + RECORD_COMMENT_MAX) + 2048)

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
	const char *rule_comment; /* NULL: none; cut to RECORD_COMMENT_MAX bytes */
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
