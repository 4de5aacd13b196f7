/* SPDX-License-Identifier: MIT */
/*
 * Harness for the live integration tests (tests/test_run_*.c): runs the real `bouncer` binary
 * on real programs (tests/progs), captures what they printed and how they ended, with a time
 * limit so that a hung supervisor fails one test instead of hanging the suite, and reads the
 * decision log (docs/decision-log.md) back as jansson objects.
 *
 * Paths come from the environment that tests/meson.build sets: BOUNCER (the binary),
 * BOUNCER_TEST_PROGS (build dir of tests/progs), BOUNCER_SOURCE_ROOT (for tests/policies).
 *
 * Failures inside the harness (cannot fork, malformed record, ...) fail the current Check test
 * with a message; helpers never return an error code to check.
 */
#ifndef BOUNCER_TEST_HARNESS_H
#define BOUNCER_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <jansson.h>

/* Time limit of one run unless the test says otherwise. A safety net, never an assertion. */
#define H_DEFAULT_TIMEOUT_MS 60000

/* A growing byte buffer, always NUL-terminated. */
struct h_buf {
	char *data;
	size_t len, cap;
};

/* A process started by the harness (bouncer, or a probe run directly). */
struct h_proc {
	pid_t pid;             /* also its process group: the harness kills the group on timeout */
	int pidfd;             /* readable once the process exited */
	int out_fd, err_fd;    /* read ends of its stdout/stderr, -1 once at EOF */
	struct h_buf out, err; /* everything read so far */
	bool exited;
	int status;     /* wait status, valid once exited */
	bool timed_out; /* a wait hit its limit and the group was killed */
};

/* How a finished process ended, with its output. */
struct h_result {
	bool timed_out;
	bool exited;     /* WIFEXITED */
	int code;        /* exit code when exited, else -1 */
	int signal;      /* terminating signal, else 0 */
	char *out, *err; /* NUL-terminated, owned by the result */
	size_t out_len, err_len;
};

/* Environment. The returned strings are owned by the harness (or static). */
const char *h_bouncer(void);
char *h_prog(const char *name);   /* BOUNCER_TEST_PROGS/name, malloc'ed */
const char *h_policy_dir(void);   /* BOUNCER_SOURCE_ROOT/tests/policies */
char *h_policy(const char *name); /* h_policy_dir()/name, malloc'ed */
char *h_tmpdir(void);             /* a fresh directory under $TMPDIR or /tmp, malloc'ed */
char *h_join(const char *dir, const char *name); /* "dir/name", malloc'ed */
char *h_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Starts argv (argv[0] a path) in its own process group, with stdin from /dev/null and
 * stdout/stderr to pipes, in cwd (NULL: the test's cwd).
 */
void h_spawn(struct h_proc *p, const char *cwd, char *const argv[]);

/* Reads output until stdout contains needle; false on timeout (the group is then killed). */
bool h_wait_stdout(struct h_proc *p, const char *needle, int timeout_ms);

/* Waits for the process to exit (output keeps being drained); false on timeout. */
bool h_wait_exit(struct h_proc *p, int timeout_ms);

/*
 * Waits for exit and for EOF on both pipes (every process that inherited them is gone), then
 * fills r and releases p. On timeout the process group is killed and r->timed_out is set.
 * Kills what is left of the process group either way, so no test leaks processes.
 */
void h_finish(struct h_proc *p, int timeout_ms, struct h_result *r);

/* h_spawn + h_finish with the default timeout. argv is NULL-terminated. */
void h_runv(struct h_result *r, const char *cwd, char *const argv[]);

/* h_runv with a NULL-terminated list: h_run(&r, cwd, bouncer, "run", ..., NULL). */
void h_run(struct h_result *r, const char *cwd, const char *arg0, ...) __attribute__((sentinel));

void h_result_free(struct h_result *r);

/* Fails the test unless the run finished in time and exited with code (message shows output). */
void h_assert_exit(const struct h_result *r, int code);

/*
 * Runs probe with args (NULL-terminated) in cwd (NULL: the test's), under
 * `bouncer run -q -p POLICY -o LOG --` when bounced, else on its own: the same program both
 * ways, so that a test compares what it sees with and without bouncer. Exit not checked.
 */
void h_run_probe(struct h_result *r, const char *probe, const char *policy, const char *log,
                 bool bounced, const char *cwd, const char *const *args);

/* Writes text to path (created or truncated) with mode. */
void h_write_file(const char *path, const char *text, mode_t mode);

/* A UDP socket bound to a free port of 127.0.0.1, kept open so the port cannot be taken. */
int h_udp_receiver(int *port);

/* The next datagram waiting on fd as a string (malloc'ed), or NULL when none waits. */
char *h_take_datagram(int fd);

/* Text helpers over probe output ("key: value" lines). */
bool h_has_line(const char *text, const char *line);            /* an exact whole line */
const char *h_line_after(const char *text, const char *prefix); /* rest of the first line with
                                                                   that prefix, static copy */
long h_long_after(const char *text,
                  const char *prefix);                /* that rest as a number; fails if absent */
long h_field_long(const char *line, const char *key); /* "key=N" inside a line; fails if absent */
size_t h_count_lines_with(const char *text, const char *prefix);

/* Decision records. */
struct h_records {
	json_t **rec;
	size_t n;
};

/*
 * Parses JSON Lines text into records. Every non-empty line must be a JSON object (a line that
 * is not is a bouncer bug and fails the test); each record is checked against the schema with
 * h_check_record().
 */
void h_parse_records(const char *text, struct h_records *out);

/* Reads and parses a decision log file; a missing file fails the test. */
void h_read_records(const char *path, struct h_records *out);

void h_records_free(struct h_records *rs);

/*
 * Asserts the schema of docs/decision-log.md on one record: every mandatory field with its
 * type, ts RFC 3339 with nanoseconds, run 16 hex digits, args six "0x" hex strings, action one
 * of allow/deny/log/kill, errno present exactly when action is deny, rule shape, mode.
 */
void h_check_record(json_t *rec);

/*
 * Asserts seq runs 1..n without gaps in file order, run is the same on every record, and ts
 * never goes backwards (records are written in the order decisions were made).
 */
void h_check_seq(const struct h_records *rs);

/* Field access that fails the test when the field is missing or has another type. */
const char *h_str(json_t *rec, const char *key);
long long h_int(json_t *rec, const char *key);
uint64_t h_arg(json_t *rec, unsigned index); /* args[index] parsed from "0x..." */
time_t h_ts_seconds(json_t *rec);            /* ts as seconds since the epoch (UTC) */

/* A record matches when each non-NULL criterion equals the record's field. */
struct h_match {
	const char *syscall;
	const char *action;
	long long pid, tid; /* 0 = any */
	int arg_index;      /* -1 = any, else args[arg_index] must equal arg_value */
	uint64_t arg_value;
};

#define H_ANY                                                                                      \
	{                                                                                          \
		.arg_index = -1                                                                    \
	}

size_t h_count(const struct h_records *rs, const struct h_match *m);
json_t *h_find(const struct h_records *rs, const struct h_match *m); /* first, or NULL */

/* Shorthand: number of records for syscall (any action when action is NULL). */
size_t h_count_syscall(const struct h_records *rs, const char *syscall, const char *action);

/* For messages: the records as text (first 40), static storage overwritten per call. */
const char *h_records_dump(const struct h_records *rs);

#endif
