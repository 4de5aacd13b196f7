/* SPDX-License-Identifier: MIT */
/*
 * libbouncer-sandbox: put the calling process under a seccomp filter whose user notifications
 * are answered by a bouncer supervisor.
 *
 * Typical use, in a process that wants to be supervised (or in a launcher before execve):
 *
 *	int sock = ...;  // connected AF_UNIX stream socket to the supervisor
 *	int rc = bouncer_sandbox_enter(&prog, 0, sock, "my-metadata", NULL);
 *	if (rc < 0) ... // -errno; nothing was installed unless BOUNCER_SANDBOX_INSTALLED is set
 *	execve(...);    // or go on working; every thread created from now on is supervised
 *
 * The listener fd is handed over by a helper thread that is not under the filter and shares the
 * fd table, so this works even when the filter traps sendmsg, write, close or every syscall
 * (no deadlock: the filtered thread makes no syscall until the hand-off is complete). The
 * helper closes the listener in this process afterwards: a sandboxed process never holds its
 * own listener (it could otherwise answer its own notifications).
 *
 * The message sent is the OCI runtime-spec ContainerProcessState (the seccomp agent protocol of
 * linux.seccomp.listenerPath), with the listener as "seccompFd", so a bouncer agent accepts
 * both runc/crun and programs using this library.
 */
#ifndef BOUNCER_SANDBOX_H
#define BOUNCER_SANDBOX_H

#include <stdbool.h>
#include <linux/filter.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What bouncer_sandbox_install()/enter() did, for messages ("WAIT_KILLABLE_RECV not available"). */
struct bouncer_sandbox_report {
	unsigned flags_requested;  /* SECCOMP_FILTER_FLAG_* asked for */
	unsigned flags_used;       /* SECCOMP_FILTER_FLAG_* the kernel accepted */
	bool wait_killable_recv;   /* the listener waits killably (Linux 5.19+) */
	bool installed;            /* the filter is in force on the calling thread */
};

/*
 * Sets PR_SET_NO_NEW_PRIVS and installs prog on the calling thread with
 * SECCOMP_FILTER_FLAG_NEW_LISTENER | extra_flags, adding SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
 * when the kernel has it (detected by trying: EINVAL → retried without).
 * Returns the listener fd (close-on-exec) or a negative errno.
 */
int bouncer_sandbox_install(const struct sock_fprog *prog, unsigned extra_flags,
			    struct bouncer_sandbox_report *report);

/*
 * Installs prog like bouncer_sandbox_install() and sends the listener over supervisor_sock
 * (SCM_RIGHTS, OCI ContainerProcessState JSON with "metadata": metadata or ""), then closes
 * the listener in this process. Returns 0 or a negative errno. report may be NULL.
 */
int bouncer_sandbox_enter(const struct sock_fprog *prog, unsigned extra_flags, int supervisor_sock,
			  const char *metadata, struct bouncer_sandbox_report *report);

/* Connects to a bouncer agent's unix socket path. Returns the fd (close-on-exec) or -errno. */
int bouncer_sandbox_connect(const char *path);

#ifdef __cplusplus
}
#endif

#endif
