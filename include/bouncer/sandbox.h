/* SPDX-License-Identifier: MIT */
/*
 * libbouncer-sandbox: put the calling process under a seccomp filter whose user notifications
 * are answered by a bouncer supervisor.
 *
 * Typical use, in a process that wants to be supervised (or in a launcher before execve):
 *
 *	int sock = bouncer_sandbox_connect("/run/bouncer.sock");
 *	struct bouncer_sandbox_report report;
 *	int rc = bouncer_sandbox_enter(&prog, 0, sock, "my-metadata", &report);
 *	if (rc < 0 && !report.installed) ... // -errno; nothing was installed: carry on or fail
 *	if (rc < 0) _exit(...);               // filtered, but no supervisor got the listener
 *	execve(...);    // or go on working; every thread created from now on is supervised
 *
 * The listener fd is handed over by a helper thread that is not under the filter and shares the
 * fd table, so this works even when the filter traps sendmsg, write, close or every syscall
 * (no deadlock: the filtered thread makes no syscall until the hand-off is complete, it spins).
 * The helper closes the listener in this process afterwards: a sandboxed process never holds
 * its own listener (it could otherwise answer its own notifications).
 *
 * The message sent is the OCI runtime-spec ContainerProcessState (the seccomp agent protocol of
 * linux.seccomp.listenerPath), with the listener as "seccompFd", so a bouncer agent accepts
 * both runc/crun and programs using this library:
 *	{"ociVersion":"1.0.2","fds":["seccompFd"],"pid":PID,"metadata":"...","state":
 *	 {"ociVersion":"1.0.2","id":"bouncer-sandbox-PID","status":"running","pid":PID,"bundle":""}}
 *
 * Things to know:
 *  - The filter applies to the calling thread and the threads and processes it creates
 *    afterwards, not to threads that already exist (no TSYNC: it would put the helper under
 *    the filter). Call it before creating threads, or from a single-threaded launcher.
 *  - PR_SET_NO_NEW_PRIVS is set on the calling thread, even if the install then fails.
 *  - Signals may arrive during the call. The helper blocks all signals, so a handler never runs
 *    unfiltered; handlers that run on the calling thread during the hand-off see their trapped
 *    syscalls wait for the supervisor, which gets the listener meanwhile (the helper finds it
 *    at the fd number predicted before the install). A handler must not leave the call with
 *    longjmp. In a multi-threaded caller another thread may take the predicted number: then a
 *    handler making a trapped syscall in the microseconds between the install and the
 *    publish deadlocks; block signals around the call there.
 *  - The calling thread spins while the helper sends (microseconds). With SCHED_FIFO/RR on a
 *    single CPU the helper, which inherits the policy, might never run: do not do that.
 *  - fork: a process forked afterwards inherits the filter (the kernel's rule); its syscalls
 *    reach the same supervisor.
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
 * Returns the listener fd (close-on-exec) or a negative errno. report may be NULL.
 * The caller holds the listener: if prog traps syscalls this thread needs before the listener
 * reaches a supervisor, it deadlocks. bouncer_sandbox_enter() is the safe way.
 */
int bouncer_sandbox_install(const struct sock_fprog *prog, unsigned extra_flags,
			    struct bouncer_sandbox_report *report);

/*
 * Installs prog like bouncer_sandbox_install() and sends the listener over supervisor_sock
 * (SCM_RIGHTS, OCI ContainerProcessState JSON with "metadata": metadata or ""), then closes
 * the listener in this process. The socket stays open (the caller closes it or, in a
 * launcher, marks it close-on-exec). report may be NULL.
 *
 * Returns 0 or a negative errno; report->installed tells the two kinds of failure apart:
 *  - not installed: -EINVAL (TSYNC in extra_flags, metadata not UTF-8, prog rejected by the
 *    kernel), -EAGAIN/-ENOMEM (the helper thread), other errors of seccomp(2). Nothing changed
 *    but no_new_privs; the helper is gone.
 *  - installed: the send failed (-EPIPE, -ETIMEDOUT after 10 s of a full socket, ...). The
 *    listener is closed, so no supervisor exists: trapped syscalls fail with ENOSYS (they do
 *    not hang). The caller should _exit. (If exit_group is trapped, _exit then ends in
 *    SIGSEGV: glibc's last resort.) One more case, only if this thread was held up for more
 *    than 10 s between creating the helper and publishing the listener (a signal handler that
 *    long): -ETIMEDOUT with the listener still open here, so trapped syscalls would block.
 */
int bouncer_sandbox_enter(const struct sock_fprog *prog, unsigned extra_flags, int supervisor_sock,
			  const char *metadata, struct bouncer_sandbox_report *report);

/* Connects to a bouncer agent's unix socket path. Returns the fd (close-on-exec) or -errno. */
int bouncer_sandbox_connect(const char *path);

#ifdef __cplusplus
}
#endif

#endif
