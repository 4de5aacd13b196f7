/* SPDX-License-Identifier: MIT */
/*
 * libbouncer-sandbox against the real kernel: the listener hand-off works even when every
 * syscall is trapped, the message is the OCI ContainerProcessState, the listener does not stay
 * in the sandboxed process, and failures leave a clear state (nothing installed, or installed
 * with the listener closed so that trapped syscalls fail instead of hanging).
 *
 * Each scenario runs in a forked child (a filter cannot be removed); the child reports what it
 * saw through its exit status (0 = everything as expected, else the number of the failed
 * check), and the test process plays the supervisor with tests/mini_supervisor.c.
 */
#include "bouncer/sandbox.h"
#include "mini_supervisor.h"
#include "oci_state.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* Quotes, a backslash, control characters and non-ASCII UTF-8: everything escaping must get right.
 */
#define TEST_METADATA "say \"hi\"\\\n\ttab\x01 caf\xc3\xa9 \xf0\x9f\x90\x9f"

static struct sock_filter trap_all_insns[] = {
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
};
static const struct sock_fprog trap_all = {.len = 1, .filter = trap_all_insns};

static struct sock_filter allow_all_insns[] = {
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};
static const struct sock_fprog allow_all = {.len = 1, .filter = allow_all_insns};

static struct sock_filter trap_getppid_insns[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};
static const struct sock_fprog trap_getppid = {.len = 4, .filter = trap_getppid_insns};

/* Loads beyond struct seccomp_data: the kernel's filter checker rejects it (EINVAL). */
static struct sock_filter invalid_insns[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4096),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};
static const struct sock_fprog invalid = {.len = 2, .filter = invalid_insns};

/* The number the next fd will get: where the kernel puts the listener. */
static int next_free_fd(void)
{
	int fd = dup(0);

	close(fd);
	return fd;
}

/* Does this process hold a seccomp listener? */
static bool holds_listener(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *entry;
	bool found = false;

	if (!dir)
		return true; /* cannot tell: count as a failure */
	while ((entry = readdir(dir))) {
		char target[256];
		ssize_t n = readlinkat(dirfd(dir), entry->d_name, target, sizeof(target) - 1);

		if (n < 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, "anon_inode:seccomp notify") == 0)
			found = true;
	}
	closedir(dir);
	return found;
}

/* The value of a "Key:\tN" line of /proc/self/status, or -1. */
static long proc_status_value(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	size_t key_len = strlen(key);
	char line[256];
	long value = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, key_len) == 0 && line[key_len] == ':') {
			value = strtol(line + key_len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return value;
}

static int thread_count(void)
{
	return (int)proc_status_value("Threads");
}

/* The helper of a failed enter() has signalled it is done; give it a bounded time to exit. */
static bool wait_single_threaded(void)
{
	for (int i = 0; i < 5000; i++) {
		if (thread_count() == 1)
			return true;
		usleep(1000);
	}
	return false;
}

static pid_t fork_checked(void)
{
	pid_t pid = fork();

	ck_assert_msg(pid >= 0, "fork: %s", strerror(errno));
	return pid;
}

/*
 * Waits for child, at most MINI_SUPERVISOR_TIMEOUT_MS (then kills it and fails: a hang is the
 * bug these tests look for); kill_first when the supervisor side already failed.
 */
static int reap(pid_t child, bool kill_first)
{
	int pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
	bool exited;
	int status;

	ck_assert_msg(pidfd >= 0, "pidfd_open: %s", strerror(errno));
	if (kill_first)
		kill(child, SIGKILL);
	exited = poll(&pfd, 1, MINI_SUPERVISOR_TIMEOUT_MS) == 1;
	if (!exited)
		kill(child, SIGKILL);
	close(pidfd);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_msg(exited || kill_first, "the child did not exit within %d ms (deadlock?)",
	              MINI_SUPERVISOR_TIMEOUT_MS);
	return status;
}

static void assert_child_ok(int status, const char *const *checks)
{
	ck_assert_msg(WIFEXITED(status), "child did not exit normally (status 0x%x)", status);
	ck_assert_msg(WEXITSTATUS(status) == 0, "child failed check %d: %s", WEXITSTATUS(status),
	              checks[WEXITSTATUS(status)] ? checks[WEXITSTATUS(status)] : "?");
}

/* --- every syscall trapped ------------------------------------------------------------------ */

static const char *const trapped_checks[32] = {
        [1] = "bouncer_sandbox_enter failed",
        [2] = "report->installed is false",
        [3] = "report->wait_killable_recv is false (Linux 6.18 has it)",
        [4] = "write did not write",
        [5] = "close failed",
        [6] = "getpid changed",
        [7] = "the listener's fd number is still open in the sandboxed process",
        [8] = "a seccomp listener is in the sandboxed process's fd table",
        [9] = "the sandboxed thread is not in seccomp filter mode",
};

static int trapped_child(int sock, int out)
{
	struct bouncer_sandbox_report report;
	int listener_nr = next_free_fd();
	pid_t pid = getpid();

	if (bouncer_sandbox_enter(&trap_all, 0, sock, TEST_METADATA, &report) < 0)
		return 1;
	/* From here on every syscall is a notification answered by the test process. */
	if (!report.installed)
		return 2;
	if (!report.wait_killable_recv)
		return 3;
	if (write(out, "ok", 2) != 2)
		return 4;
	if (close(out) != 0)
		return 5;
	if (syscall(SYS_getpid) != pid)
		return 6;
	if (fcntl(listener_nr, F_GETFD) != -1 || errno != EBADF)
		return 7;
	if (holds_listener())
		return 8;
	if (proc_status_value("Seccomp") != SECCOMP_MODE_FILTER)
		return 9;
	return 0;
}

static void assert_process_state(const char *message, pid_t pid)
{
	json_error_t error;
	json_t *root = json_loads(message, 0, &error);
	json_t *fds, *state;
	char id[64];

	ck_assert_msg(root, "message is not JSON: %s: %s", error.text, message);
	ck_assert_str_eq(json_string_value(json_object_get(root, "ociVersion")), "1.0.2");
	fds = json_object_get(root, "fds");
	ck_assert_msg(json_is_array(fds) && json_array_size(fds) == 1, "fds: %s", message);
	ck_assert_str_eq(json_string_value(json_array_get(fds, 0)), "seccompFd");
	ck_assert_int_eq(json_integer_value(json_object_get(root, "pid")), pid);
	ck_assert_str_eq(json_string_value(json_object_get(root, "metadata")), TEST_METADATA);
	state = json_object_get(root, "state");
	ck_assert_msg(json_is_object(state), "state: %s", message);
	ck_assert_str_eq(json_string_value(json_object_get(state, "ociVersion")), "1.0.2");
	ck_assert_int_eq(json_integer_value(json_object_get(state, "pid")), pid);
	snprintf(id, sizeof(id), "bouncer-sandbox-%d", (int)pid);
	ck_assert_str_eq(json_string_value(json_object_get(state, "id")), id);
	ck_assert_str_eq(json_string_value(json_object_get(state, "status")), "running");
	ck_assert_str_eq(json_string_value(json_object_get(state, "bundle")), "");
	json_decref(root);
}

START_TEST(enter_hands_off_listener_when_every_syscall_is_trapped)
{
	struct mini_supervisor_seen seen;
	int sv[2], out[2], listener, rc, status;
	char *message, buf[8];
	ssize_t n;
	pid_t child;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	child = fork_checked();
	if (child == 0) {
		close(sv[0]);
		close(out[0]);
		_exit(trapped_child(sv[1], out[1]));
	}
	close(sv[1]);
	close(out[1]);

	listener = mini_supervisor_receive(sv[0], &message);
	if (listener < 0)
		reap(child, true);
	ck_assert_msg(listener >= 0, "receiving the listener: %s", strerror(-listener));
	rc = mini_supervisor_continue_all(listener, &seen);
	status = reap(child, rc < 0);
	ck_assert_msg(rc == 0, "answering notifications: %s", strerror(-rc));
	assert_child_ok(status, trapped_checks);

	assert_process_state(message, child);
	ck_assert_int_eq(seen.first_pid, child);
	/* The hand-off itself made no syscall under the filter: the child's write came first. */
	ck_assert_int_eq(seen.first_nr, __NR_write);
	ck_assert_uint_ge(seen.per_nr[__NR_write], 1);
	ck_assert_uint_ge(seen.per_nr[__NR_close], 1);
	ck_assert_uint_ge(seen.per_nr[__NR_getpid], 1);
	ck_assert_uint_ge(seen.per_nr[__NR_fcntl], 1);
	ck_assert_uint_ge(seen.per_nr[__NR_exit_group], 1);
	n = read(out[0], buf, sizeof(buf));
	ck_assert_int_eq(n, 2);
	ck_assert_mem_eq(buf, "ok", 2);

	free(message);
	close(listener);
	close(sv[0]);
	close(out[0]);
}
END_TEST

/* --- signals during the hand-off --------------------------------------------------------- */

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	/* A syscall from a handler that may interrupt the spin: trapped, it waits its turn. */
	if (syscall(SYS_getppid) > 0)
		alarms++;
}

static int signalled_child(int sock)
{
	struct sigaction sa = {.sa_handler = on_alarm, .sa_flags = SA_RESTART};
	struct itimerval every_100us = {{0, 100}, {0, 100}}, off = {{0, 0}, {0, 0}};
	struct bouncer_sandbox_report report;

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) < 0 || setitimer(ITIMER_REAL, &every_100us, NULL) < 0)
		return 1;
	if (bouncer_sandbox_enter(&trap_all, 0, sock, "", &report) < 0)
		return 2;
	if (setitimer(ITIMER_REAL, &off, NULL) < 0)
		return 3;
	return report.installed ? 0 : 4;
}

START_TEST(enter_survives_signals_during_the_hand_off)
{
	/* Several rounds: where exactly the signals land differs from one to the next. */
	for (int round = 0; round < 20; round++) {
		struct mini_supervisor_seen seen;
		int sv[2], listener, rc, status;
		char *message;
		pid_t child;

		ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
		child = fork_checked();
		if (child == 0) {
			close(sv[0]);
			_exit(signalled_child(sv[1]));
		}
		close(sv[1]);
		listener = mini_supervisor_receive(sv[0], &message);
		if (listener < 0)
			reap(child, true);
		ck_assert_msg(listener >= 0, "round %d: receiving the listener: %s", round,
		              strerror(-listener));
		rc = mini_supervisor_continue_all(listener, &seen);
		status = reap(child, rc < 0);
		ck_assert_msg(rc == 0, "answering notifications: %s", strerror(-rc));
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		              "round %d: status 0x%x", round, status);
		free(message);
		close(listener);
		close(sv[0]);
	}
}
END_TEST

/* --- a message larger than the socket buffer -------------------------------------------- */

#define LARGE_METADATA_SIZE (4 * 1024 * 1024)

START_TEST(enter_sends_a_message_larger_than_the_socket_buffer)
{
	struct mini_supervisor_seen seen;
	int sv[2], listener, rc, status;
	char *message, *metadata;
	json_t *root;
	pid_t child;

	metadata = malloc(LARGE_METADATA_SIZE + 1);
	ck_assert_ptr_nonnull(metadata);
	memset(metadata, 'm', LARGE_METADATA_SIZE);
	metadata[LARGE_METADATA_SIZE] = '\0';
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	child = fork_checked();
	if (child == 0) {
		close(sv[0]);
		/* Every syscall trapped: the send must go out in pieces while this thread spins. */
		_exit(bouncer_sandbox_enter(&trap_all, 0, sv[1], metadata, NULL) == 0 ? 0 : 1);
	}
	close(sv[1]);
	listener = mini_supervisor_receive(sv[0], &message);
	if (listener < 0)
		reap(child, true);
	ck_assert_msg(listener >= 0, "receiving the listener: %s", strerror(-listener));
	rc = mini_supervisor_continue_all(listener, &seen);
	status = reap(child, rc < 0);
	ck_assert_msg(rc == 0, "answering notifications: %s", strerror(-rc));
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status 0x%x", status);
	root = json_loads(message, 0, NULL);
	ck_assert_ptr_nonnull(root);
	ck_assert_str_eq(json_string_value(json_object_get(root, "metadata")), metadata);
	json_decref(root);
	free(message);
	free(metadata);
	close(listener);
	close(sv[0]);
}
END_TEST

/* --- install and its report ----------------------------------------------------------------- */

static const char *const install_checks[32] = {
        [1] = "bouncer_sandbox_install failed",
        [2] = "the listener is not the lowest free fd number (the other tests rely on that)",
        [3] = "the listener is not close-on-exec",
        [4] = "report->installed is false",
        [5] = "report->wait_killable_recv is false (Linux 6.18 has it)",
        [6] = "report->flags_used lacks NEW_LISTENER or WAIT_KILLABLE_RECV",
        [7] = "report->flags_requested lacks NEW_LISTENER or the extra flag",
        [8] = "the thread is not in seccomp filter mode",
        [9] = "no_new_privs is not set",
};

static int install_child(void)
{
	struct bouncer_sandbox_report report;
	int expected_fd = next_free_fd();
	unsigned both = SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	int fd = bouncer_sandbox_install(&allow_all, SECCOMP_FILTER_FLAG_LOG, &report);

	if (fd < 0)
		return 1;
	if (fd != expected_fd)
		return 2;
	if (!(fcntl(fd, F_GETFD) & FD_CLOEXEC))
		return 3;
	if (!report.installed)
		return 4;
	if (!report.wait_killable_recv)
		return 5;
	if ((report.flags_used & both) != both)
		return 6;
	if (!(report.flags_requested & SECCOMP_FILTER_FLAG_NEW_LISTENER) ||
	    !(report.flags_requested & SECCOMP_FILTER_FLAG_LOG))
		return 7;
	if (proc_status_value("Seccomp") != SECCOMP_MODE_FILTER)
		return 8;
	if (proc_status_value("NoNewPrivs") != 1)
		return 9;
	return 0;
}

START_TEST(install_reports_wait_killable_recv)
{
	pid_t child = fork_checked();

	if (child == 0)
		_exit(install_child());
	assert_child_ok(reap(child, false), install_checks);
}
END_TEST

/* --- failures before the install: nothing installed, no helper left ------------------------ */

static const char *const refused_checks[32] = {
        [1] = "bouncer_sandbox_enter did not return -EINVAL",
        [2] = "report->installed is true",
        [3] = "the thread is under a seccomp filter",
        [4] = "the helper thread is still there",
        [5] = "a seccomp listener is in the fd table",
};

/* What each refused-enter scenario passes. */
enum refused_case { REFUSED_INVALID_PROGRAM, REFUSED_TSYNC, REFUSED_METADATA_NOT_UTF8 };

static int refused_child(int sock, enum refused_case which)
{
	struct bouncer_sandbox_report report;
	int rc;

	switch (which) {
	case REFUSED_INVALID_PROGRAM:
		rc = bouncer_sandbox_enter(&invalid, 0, sock, "", &report);
		break;
	case REFUSED_TSYNC:
		rc = bouncer_sandbox_enter(&trap_all, SECCOMP_FILTER_FLAG_TSYNC, sock, "", &report);
		break;
	default:
		rc = bouncer_sandbox_enter(&trap_all, 0, sock, "caf\xe9", &report);
		break;
	}
	if (rc != -EINVAL)
		return 1;
	if (report.installed)
		return 2;
	if (proc_status_value("Seccomp") != 0)
		return 3;
	if (!wait_single_threaded())
		return 4;
	if (holds_listener())
		return 5;
	return 0;
}

static void assert_refused(enum refused_case which)
{
	int sv[2], rc, status;
	char *message;
	pid_t child;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	child = fork_checked();
	if (child == 0) {
		close(sv[0]);
		_exit(refused_child(sv[1], which));
	}
	close(sv[1]);
	/* The supervisor's view: EOF without a listener. */
	rc = mini_supervisor_receive(sv[0], &message);
	status = reap(child, rc != -ENODATA);
	ck_assert_msg(rc == -ENODATA, "expected EOF without a message, got %d", rc);
	assert_child_ok(status, refused_checks);
	close(sv[0]);
}

START_TEST(enter_refuses_invalid_program)
{
	assert_refused(REFUSED_INVALID_PROGRAM);
}
END_TEST

START_TEST(enter_refuses_tsync)
{
	assert_refused(REFUSED_TSYNC);
}
END_TEST

START_TEST(enter_refuses_metadata_that_is_not_utf8)
{
	assert_refused(REFUSED_METADATA_NOT_UTF8);
}
END_TEST

/* --- the send fails after the install ------------------------------------------------------- */

static const char *const send_failed_checks[32] = {
        [1] = "bouncer_sandbox_enter did not return -EPIPE",
        [2] = "report->installed is false",
        [3] = "a trapped syscall did not fail with ENOSYS (the listener should be closed)",
        [4] = "a seccomp listener is still in the fd table",
};

static int send_failed_child(int sock)
{
	struct bouncer_sandbox_report report;
	int rc = bouncer_sandbox_enter(&trap_getppid, 0, sock, "", &report);

	if (rc != -EPIPE)
		return 1;
	if (!report.installed)
		return 2;
	/* No listener anywhere: the kernel fails trapped syscalls instead of blocking them. */
	if (syscall(SYS_getppid) != -1 || errno != ENOSYS)
		return 3;
	if (holds_listener())
		return 4;
	return 0;
}

START_TEST(enter_send_failure_leaves_no_listener)
{
	int sv[2];
	pid_t child;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	/* The supervisor is gone before the child even starts. */
	close(sv[0]);
	child = fork_checked();
	if (child == 0)
		_exit(send_failed_child(sv[1]));
	close(sv[1]);
	assert_child_ok(reap(child, false), send_failed_checks);
}
END_TEST

/* --- connect --------------------------------------------------------------------------------- */

START_TEST(connect_reaches_a_listening_socket)
{
	char dir[] = "/tmp/bouncer-test-sandbox-XXXXXX";
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char long_path[sizeof(addr.sun_path) + 8];
	int server, fd, accepted;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/agent.sock", dir);
	server = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(server, 0);
	ck_assert_int_eq(bind(server, (struct sockaddr *)&addr, sizeof(addr)), 0);
	ck_assert_int_eq(listen(server, 1), 0);

	fd = bouncer_sandbox_connect(addr.sun_path);
	ck_assert_msg(fd >= 0, "connect: %s", strerror(-fd));
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	accepted = accept(server, NULL, NULL);
	ck_assert_int_ge(accepted, 0);
	ck_assert_int_eq(write(fd, "x", 1), 1);
	close(fd);
	close(accepted);
	close(server);
	unlink(addr.sun_path);

	ck_assert_int_eq(bouncer_sandbox_connect(addr.sun_path), -ENOENT);
	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[sizeof(long_path) - 1] = '\0';
	ck_assert_int_eq(bouncer_sandbox_connect(long_path), -ENAMETOOLONG);
	ck_assert_int_eq(bouncer_sandbox_connect(""), -EINVAL);
	rmdir(dir);
}
END_TEST

/* --- the message ------------------------------------------------------------------------- */

/* Formats the message for metadata and returns what a JSON parser reads back as metadata. */
static char *metadata_round_trip(const char *metadata)
{
	json_error_t error;
	char *message, *copy;
	json_t *root;
	int len = oci_state_format(42, metadata, &message);

	ck_assert_msg(len > 0, "oci_state_format: %d", len);
	ck_assert_uint_eq(strlen(message), (size_t)len);
	root = json_loads(message, 0, &error);
	ck_assert_msg(root, "%s: %s", error.text, message);
	ck_assert_int_eq(json_integer_value(json_object_get(root, "pid")), 42);
	copy = strdup(json_string_value(json_object_get(root, "metadata")));
	json_decref(root);
	free(message);
	return copy;
}

START_TEST(message_escapes_every_control_character)
{
	char metadata[160], *back;
	size_t len = 0;

	for (int c = 1; c < 0x20; c++)
		metadata[len++] = (char)c;
	memcpy(metadata + len, "\"\\/\x7f \xc2\xa0 \xe2\x80\xa8 \xf4\x8f\xbf\xbf", 16);
	len += 16;
	metadata[len] = '\0';
	back = metadata_round_trip(metadata);
	ck_assert_str_eq(back, metadata);
	free(back);

	back = metadata_round_trip("");
	ck_assert_str_eq(back, "");
	free(back);
}
END_TEST

START_TEST(message_refuses_metadata_that_is_not_utf8)
{
	/* Lone continuation, overlong forms, a surrogate, above U+10FFFF, cut short. */
	static const char *const bad[] = {
	        "\x80",         "\xc0\x80",         "\xc1\xbf",         "\xe0\x80\x80",
	        "\xed\xa0\x80", "\xf0\x80\x80\x80", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
	        "\xff",         "ok\xc3",           "\xe2\x82",         "\xf0\x9f\x90",
	};
	char *message = NULL;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(oci_state_format(1, bad[i], &message) == -EINVAL, "case %zu", i);
	ck_assert_ptr_null(message);
}
END_TEST

static Suite *sandbox_suite(void)
{
	Suite *s = suite_create("sandbox");
	TCase *tc = tcase_create("live");

	/* Above the tests' own bounds (MINI_SUPERVISOR_TIMEOUT_MS), so they report what hung. */
	tcase_set_timeout(tc, 60);

	tcase_add_test(tc, enter_hands_off_listener_when_every_syscall_is_trapped);
	tcase_add_test(tc, enter_sends_a_message_larger_than_the_socket_buffer);
	tcase_add_test(tc, enter_survives_signals_during_the_hand_off);
	tcase_add_test(tc, install_reports_wait_killable_recv);
	tcase_add_test(tc, enter_refuses_invalid_program);
	tcase_add_test(tc, enter_refuses_tsync);
	tcase_add_test(tc, enter_refuses_metadata_that_is_not_utf8);
	tcase_add_test(tc, enter_send_failure_leaves_no_listener);
	tcase_add_test(tc, connect_reaches_a_listening_socket);
	suite_add_tcase(s, tc);

	tc = tcase_create("message");
	tcase_add_test(tc, message_escapes_every_control_character);
	tcase_add_test(tc, message_refuses_metadata_that_is_not_utf8);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sandbox_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
