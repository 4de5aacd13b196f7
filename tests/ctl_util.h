/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the live review tests (tests/test_ctl_*.c): start `bouncer run` with a control
 * socket, run `bouncer ctl` commands against it, and wait (with a time limit, never as an
 * assertion) for held syscalls to show up.
 *
 * `bouncer ctl` is run with its own fork/exec rather than h_run(): h_finish() ends every other
 * child of the test, which would include the `bouncer run` under test.
 */
#ifndef BOUNCER_TEST_CTL_UTIL_H
#define BOUNCER_TEST_CTL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

#include "harness.h"

/* Time limit of one `bouncer ctl` command, and of waiting for something to be held. */
#define C_CTL_TIMEOUT_MS  20000
#define C_WAIT_TIMEOUT_MS 20000

struct c_result {
	int code; /* exit code; -1 when it did not exit normally */
	char *out, *err;
};

/* A `bouncer run` under test, with its control socket. */
struct c_run {
	struct h_proc proc;
	char *dir;  /* a fresh directory for the socket, logs and go-files */
	char *sock; /* dir/ctl.sock */
	char *log;  /* dir/decisions.jsonl */
};

/*
 * Starts `bouncer run -q -o LOG --control SOCK EXTRA... -- ctlprobe PROBE_ARGS...` in the
 * policies directory; extra and probe_args are NULL-terminated. Waits until the socket is
 * there. Paths in probe_args may use "@" as the run's directory prefix ("@/go" → DIR/go).
 */
void c_start(struct c_run *run, const char *const extra[], const char *const probe_args[]);

/* Waits for the run to end and returns its result (h_finish). */
void c_finish(struct c_run *run, struct h_result *r);

/* Runs `bouncer ctl --socket SOCK args...` (NULL-terminated). */
void c_ctl(struct c_result *r, const char *sock, ...) __attribute__((sentinel));
void c_ctlv(struct c_result *r, char *const argv[]);
/* The same as another user (setresuid; the test must be root). */
void c_ctlv_as(struct c_result *r, char *const argv[], uid_t uid);
void c_result_free(struct c_result *r);

/* Polls `ctl pending --json` until at least n entries are held; returns the list. */
json_t *c_wait_pending(const char *sock, size_t n);

/* Creates DIR/name (the go-file a waiting ctlprobe looks for). */
void c_touch(const struct c_run *run, const char *name);

/* Waits until the run's stdout contains needle; fails the test on timeout. */
void c_wait_out(struct c_run *run, const char *needle);

#endif
