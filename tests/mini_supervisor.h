/* SPDX-License-Identifier: MIT */
/*
 * A minimal seccomp agent for the live tests of the child side: it takes the listener from a
 * socket and answers every notification with CONTINUE. Every wait is bounded, so a deadlock in
 * the code under test fails the test instead of hanging it.
 */
#ifndef BOUNCER_TEST_MINI_SUPERVISOR_H
#define BOUNCER_TEST_MINI_SUPERVISOR_H

#include <stdbool.h>
#include <sys/types.h>

/* Generous bound on any single wait: only a deadlock should ever reach it. */
#define MINI_SUPERVISOR_TIMEOUT_MS 10000
#define MINI_SUPERVISOR_MAX_NR     512
/* Largest message mini_supervisor_receive() accepts. */
#define MINI_SUPERVISOR_MAX_MESSAGE (16 * 1024 * 1024)

struct mini_supervisor_seen {
	unsigned count;                          /* notifications answered */
	unsigned per_nr[MINI_SUPERVISOR_MAX_NR]; /* how many of each syscall number (x86_64) */
	pid_t first_pid;                         /* pid of the first notification */
	int first_nr;                            /* its syscall number */
};

/*
 * Reads one message (a complete JSON text) with its SCM_RIGHTS fd from sock.
 * Returns the received fd and a malloc'd NUL-terminated copy of the message in *message;
 * -ENODATA on EOF without a message, -ETIMEDOUT, -EPROTO for a message without exactly one fd
 * or that is not JSON, or another -errno.
 */
int mini_supervisor_receive(int sock, char **message);

/*
 * Answers every notification on listener with SECCOMP_USER_NOTIF_FLAG_CONTINUE until no task
 * uses the filter any more (POLLHUP, Linux 6.11+). Returns 0 or -ETIMEDOUT / -errno.
 */
int mini_supervisor_continue_all(int listener, struct mini_supervisor_seen *seen);

#endif
