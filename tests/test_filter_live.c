/* SPDX-License-Identifier: MIT */
/*
 * The kernel program really routes what the plan says. A child loads the KERNEL program with
 * SECCOMP_FILTER_FLAG_NEW_LISTENER, hands the listener to the parent over a socketpair made
 * before loading (the policy leaves sendmsg/close in the kernel), then makes calls that are
 * routed (socket(AF_INET6) denied by a rule, getppid logged) or decided in the kernel
 * (socket(AF_INET) allowed, kcmp trapped). The parent receives notifications with raw ioctls,
 * checks policy_evaluate on each, answers like the supervisor would, and asserts both the
 * list of notifications and what the child saw (encoded in its exit status). With route_exec
 * the child finally execs /bin/true, which must reach the supervisor and then run.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/kcmp.h>

#include "policy_builder.h"
#include "policy_compile.h"

/* Bits the child sets in its exit status when an expectation fails. */
enum {
	CHILD_SETUP_FAILED = 1 << 0,
	CHILD_INET6_WRONG = 1 << 1,
	CHILD_INET_FAILED = 1 << 2,
	CHILD_GETPPID_WRONG = 1 << 3,
	CHILD_KCMP_WRONG = 1 << 4,
};

static volatile sig_atomic_t child_got_sigsys;

static void child_sigsys(int sig)
{
	(void)sig;
	child_got_sigsys = 1;
}

static int send_fd(int sock, int fd)
{
	char data = 'L';
	struct iovec iov = {.iov_base = &data, .iov_len = 1};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct msghdr msg = {
	        .msg_iov = &iov,
	        .msg_iovlen = 1,
	        .msg_control = control.buf,
	        .msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	memset(&control, 0, sizeof(control));
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char data;
	struct iovec iov = {.iov_base = &data, .iov_len = 1};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct msghdr msg = {
	        .msg_iov = &iov,
	        .msg_iovlen = 1,
	        .msg_control = control.buf,
	        .msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (cmsg == NULL || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

/* Runs in the child: load, hand over the listener, make the calls, report. */
static void child_main(int sock, const struct compiled_policy *c, bool audit, bool exec)
{
	const struct sock_fprog *prog = compiled_policy_kernel_prog(c);
	struct sigaction sa = {.sa_handler = child_sigsys};
	pid_t parent = getppid();
	int listener, fd, result = 0;
	long rc;

	if (sigaction(SIGSYS, &sa, NULL) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		_exit(CHILD_SETUP_FAILED);
	listener = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
	                        SECCOMP_FILTER_FLAG_NEW_LISTENER | compiled_policy_seccomp_flags(c),
	                        prog);
	if (listener < 0 || send_fd(sock, listener) < 0)
		_exit(CHILD_SETUP_FAILED);
	close(listener);

	/* Denied by syscalls[0] (EAFNOSUPPORT); allowed and recorded in audit mode. */
	errno = 0;
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	if (audit ? fd < 0 : !(fd < 0 && errno == EAFNOSUPPORT))
		result |= CHILD_INET6_WRONG;
	if (fd >= 0)
		close(fd);
	/* Plainly allowed: decided in the kernel. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		result |= CHILD_INET_FAILED;
	else
		close(fd);
	/* LOG: the supervisor lets it run (CONTINUE), so the real value comes back. */
	if (getppid() != parent)
		result |= CHILD_GETPPID_WRONG;
	/* TRAP: a SIGSYS from the kernel; in audit mode the supervisor allows it instead. */
	rc = syscall(SYS_kcmp, getpid(), getpid(), KCMP_VM, 0, 0);
	if (audit ? (child_got_sigsys || rc != 0) : !child_got_sigsys)
		result |= CHILD_KCMP_WRONG;
	/* route_exec: the exec reaches the supervisor, which lets it run (CONTINUE). */
	if (exec && result == 0)
		execl("/bin/true", "true", (char *)NULL);
	_exit(result);
}

struct seen {
	int nr;
	uint64_t a0;
};

/* Receives and answers notifications until the child is gone; returns how many. */
static size_t supervise(int listener, pid_t child, const struct compiled_policy *c, bool audit,
                        struct seen *seen, size_t max, int *status)
{
	size_t n = 0;

	for (;;) {
		struct pollfd pfd = {.fd = listener, .events = POLLIN};
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;
		struct policy_verdict v;
		int ready = poll(&pfd, 1, 100);

		if (ready == 0 || (pfd.revents & POLLIN) == 0) {
			if (waitpid(child, status, WNOHANG) == child)
				return n;
			continue;
		}
		memset(&req, 0, sizeof(req));
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			ck_assert_int_eq(errno, ENOENT);
			continue;
		}
		ck_assert_uint_lt(n, max);
		seen[n].nr = req.data.nr;
		seen[n].a0 = req.data.args[0];
		n++;
		policy_evaluate(c, &req.data, &v);
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		if (req.data.nr == __NR_execve)
			ck_assert_int_eq(v.action, POLICY_ACT_ALLOW);
		if (audit || v.action == POLICY_ACT_ALLOW || v.action == POLICY_ACT_LOG)
			resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		else if (v.action == POLICY_ACT_ERRNO)
			resp.error = -(int)v.errno_value;
		else
			resp.error = -EPERM;
		/* The verdicts the supervisor will record. */
		if (req.data.nr == __NR_socket) {
			ck_assert_int_eq(v.action, POLICY_ACT_ERRNO);
			ck_assert_uint_eq(v.errno_value, EAFNOSUPPORT);
			ck_assert_ptr_nonnull(v.rule);
			ck_assert_uint_eq(v.rule->index, 0);
		} else if (req.data.nr == __NR_getppid) {
			ck_assert_int_eq(v.action, POLICY_ACT_LOG);
			ck_assert_uint_eq(v.rule->index, 1);
		} else if (req.data.nr == __NR_kcmp) {
			ck_assert_int_eq(v.action, POLICY_ACT_TRAP);
			ck_assert_uint_eq(v.rule->index, 2);
		}
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
			ck_assert_int_eq(errno, ENOENT);
	}
}

static void run_live(bool audit, bool fast_deny, bool exec, const int *expected_nrs,
                     size_t n_expected)
{
	struct compile_options options = {
	        .audit = audit, .fast_deny = fast_deny, .route_exec = exec};
	struct policy *p = pb_new(POLICY_ACT_ALLOW, -1);
	struct compiled_policy *c = NULL;
	bouncer_error_t err = {0};
	struct seen seen[16];
	int sv[2], listener, status = -1;
	size_t n, i;
	pid_t child;

	pb_arg(pb_rule(p, POLICY_ACT_ERRNO, EAFNOSUPPORT, "socket"), 0, SCMP_CMP_EQ, AF_INET6, 0);
	pb_rule(p, POLICY_ACT_LOG, -1, "getppid");
	pb_rule(p, POLICY_ACT_TRAP, -1, "kcmp");
	ck_assert_msg(policy_compile(p, &options, &c, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		close(sv[0]);
		child_main(sv[1], c, audit, exec);
	}
	close(sv[1]);
	listener = recv_fd(sv[0]);
	close(sv[0]);
	ck_assert_msg(listener >= 0, "no listener from the child");
	n = supervise(listener, child, c, audit, seen, 16, &status);
	close(listener);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	              "child status 0x%x (exit bits 0x%x)", status, WEXITSTATUS(status));
	ck_assert_uint_eq(n, n_expected);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(seen[i].nr, expected_nrs[i]);
		if (seen[i].nr == __NR_socket)
			ck_assert_uint_eq(seen[i].a0, AF_INET6);
	}
	compiled_policy_free(c);
	pb_free(p);
}

START_TEST(test_enforce_routes_denials_and_logs)
{
	const int expected[] = {__NR_socket, __NR_getppid};

	run_live(false, false, false, expected, 2);
}
END_TEST

START_TEST(test_fast_deny_keeps_errno_in_kernel)
{
	const int expected[] = {__NR_getppid};

	run_live(false, true, false, expected, 1);
}
END_TEST

START_TEST(test_audit_routes_trap)
{
	const int expected[] = {__NR_socket, __NR_getppid, __NR_kcmp};

	run_live(true, false, false, expected, 3);
}
END_TEST

START_TEST(test_route_exec_reaches_supervisor)
{
	const int expected[] = {__NR_socket, __NR_getppid, __NR_execve};

	run_live(false, false, true, expected, 3);
}
END_TEST

static Suite *filter_live_suite(void)
{
	Suite *s = suite_create("filter_live");
	TCase *tc = tcase_create("live");

	tcase_add_test(tc, test_enforce_routes_denials_and_logs);
	tcase_add_test(tc, test_fast_deny_keeps_errno_in_kernel);
	tcase_add_test(tc, test_audit_routes_trap);
	tcase_add_test(tc, test_route_exec_reaches_supervisor);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(filter_live_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
