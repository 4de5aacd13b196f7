/* SPDX-License-Identifier: MIT */
/*
 * Reference B: the smallest supervisor that can answer a user notification. A child loads the
 * bench filter with getppid sent to SECCOMP_RET_USER_NOTIF, hands the listener to us over a
 * socketpair made before the filter (sendmsg stays allowed, so the hand-off cannot deadlock),
 * and we answer every notification with CONTINUE. Nothing is decided or recorded: this is the
 * floor any supervisor, bouncer included, pays per notification.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include "bench.h"

/* Linux 6.6; Debian 12's headers predate it. */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

static volatile sig_atomic_t watchdog_fired;

static void on_watchdog(int sig)
{
	watchdog_fired = 1;
}

/* Child: status (0 or -errno) as data, the listener as SCM_RIGHTS when status is 0. */
static int send_listener(int sock, int status, int listener)
{
	char control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = &status, .iov_len = sizeof(status)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *cmsg;

	if (status == 0) {
		memset(control, 0, sizeof(control));
		msg.msg_control = control;
		msg.msg_controllen = sizeof(control);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &listener, sizeof(int));
	}
	return sendmsg(sock, &msg, 0) < 0 ? -errno : 0;
}

/* Parent: returns the listener fd, or -errno (the child's status if it failed). */
static int receive_listener(int sock)
{
	char control[CMSG_SPACE(sizeof(int))];
	int status = 0, fd = -1;
	struct iovec iov = {.iov_base = &status, .iov_len = sizeof(status)};
	struct msghdr msg = {.msg_iov = &iov,
	                     .msg_iovlen = 1,
	                     .msg_control = control,
	                     .msg_controllen = sizeof(control)};
	struct cmsghdr *cmsg;
	ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);

	if (n != sizeof(status))
		return -EPIPE;
	if (status != 0)
		return status;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return -EPROTO;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

static void __attribute__((noreturn))
notified_child(int sock, int out, scmp_filter_ctx ctx, const struct bench_plan *plan)
{
	double ns[BENCH_MAX_REPS];
	int status = seccomp_load(ctx);
	char go;

	send_listener(sock, status, status == 0 ? seccomp_notify_fd(ctx) : -1);
	if (status != 0)
		_exit(1);
	/* The parent configures the listener before we start timing. */
	if (bench_read_all(sock, &go, 1) < 0)
		_exit(1);
	bench_measure(plan, ns);
	bench_write_all(out, ns, sizeof(double) * (size_t)plan->reps);
	syscall(SYS_getppid, BENCH_STOP_MAGIC, BENCH_STOP_MAGIC, 0L, 0L, 0L, 0L);
	_exit(0);
}

/*
 * The supervisor loop: zero the request, RECV, reply CONTINUE, until the stop call. Returns 0,
 * or -errno on a failure that ends the row.
 */
static int answer_until_stop(int listener, enum bench_ref_wait wait)
{
	struct seccomp_notif_sizes sizes;
	struct seccomp_notif *req = NULL;
	struct seccomp_notif_resp *resp = NULL;
	struct epoll_event ev = {.events = EPOLLIN};
	int epfd = -1, rc = 0;

	/* The kernel may have grown the structures since our headers. */
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
		return -errno;
	req = calloc(1, sizes.seccomp_notif > sizeof(*req) ? sizes.seccomp_notif : sizeof(*req));
	resp = calloc(1, sizes.seccomp_notif_resp > sizeof(*resp) ? sizes.seccomp_notif_resp
	                                                          : sizeof(*resp));
	if (!req || !resp) {
		rc = -ENOMEM;
		goto out;
	}
	if (wait == BENCH_REF_EPOLL) {
		epfd = epoll_create1(EPOLL_CLOEXEC);
		if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, listener, &ev) < 0) {
			rc = -errno;
			goto out;
		}
	}
	for (;;) {
		bool stop;

		if (watchdog_fired) {
			rc = -ETIMEDOUT;
			break;
		}
		if (wait == BENCH_REF_EPOLL) {
			int n = epoll_wait(epfd, &ev, 1, -1);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				rc = -errno;
				break;
			}
			if (!(ev.events & EPOLLIN)) {
				rc = -EPIPE; /* POLLHUP: the child is gone without its stop call */
				break;
			}
		}
		memset(req, 0, sizes.seccomp_notif);
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			rc = -errno;
			break;
		}
		stop = req->data.args[0] == BENCH_STOP_MAGIC &&
		       req->data.args[1] == BENCH_STOP_MAGIC;
		memset(resp, 0, sizes.seccomp_notif_resp);
		resp->id = req->id;
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT) {
			rc = -errno;
			break;
		}
		if (stop)
			break;
	}
out:
	if (epfd >= 0)
		close(epfd);
	free(req);
	free(resp);
	return rc;
}

static unsigned watchdog_seconds(const struct bench_plan *plan)
{
	/* Generous: half a millisecond per call is ten times the slowest round trip seen here. */
	long calls = plan->warmup + plan->calls * plan->reps;

	return (unsigned)(10 + calls / 2000);
}

void bench_run_reference(const struct bench_plan *plan, const struct bench_allowlist *list,
                         enum bench_ref_wait wait, bool sync_wake_up, struct bench_result *result)
{
	char reason[BENCH_REASON_MAX];
	struct sigaction sa = {.sa_handler = on_watchdog}, old_sa;
	scmp_filter_ctx ctx =
	        bench_filter_build(list, SCMP_ACT_NOTIFY, false, reason, sizeof(reason));
	int sv[2] = {-1, -1}, out[2] = {-1, -1}, listener = -1, rc, wstatus;
	pid_t pid = -1;

	if (!ctx) {
		bench_fail(result, "%s", reason);
		return;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
	    pipe2(out, O_CLOEXEC) < 0) {
		bench_fail(result, "socketpair/pipe: %s", strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		bench_fail(result, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		close(sv[0]);
		close(out[0]);
		notified_child(sv[1], out[1], ctx, plan);
	}
	close(sv[1]);
	sv[1] = -1;
	close(out[1]);
	out[1] = -1;

	listener = receive_listener(sv[0]);
	if (listener < 0) {
		bench_fail(result, "the child could not install its filter: %s",
		           strerror(-listener));
		goto out;
	}
	if (sync_wake_up &&
	    ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) < 0)
		snprintf(result->note, sizeof(result->note),
		         "SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP unavailable (%s, needs Linux 6.6): "
		         "measured without it",
		         strerror(errno));

	watchdog_fired = 0;
	sigaction(SIGALRM, &sa, &old_sa); /* no SA_RESTART: the alarm interrupts RECV */
	alarm(watchdog_seconds(plan));
	if (bench_write_all(sv[0], "g", 1) < 0)
		rc = -EPIPE;
	else
		rc = answer_until_stop(listener, wait);
	alarm(0);
	sigaction(SIGALRM, &old_sa, NULL);

	if (rc < 0)
		bench_fail(result, "supervisor loop: %s", strerror(-rc));
	else if (bench_read_results(out[0], plan, result) < 0)
		bench_fail(result, "the measuring child died before reporting its figures");
out:
	if (pid > 0) {
		if (!result->ok)
			kill(pid, SIGKILL);
		waitpid(pid, &wstatus, 0);
	}
	if (listener >= 0)
		close(listener);
	for (int i = 0; i < 2; i++) {
		if (sv[i] >= 0)
			close(sv[i]);
		if (out[i] >= 0)
			close(out[i]);
	}
	seccomp_release(ctx);
}
