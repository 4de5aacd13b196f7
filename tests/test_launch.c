/* SPDX-License-Identifier: MIT */
/*
 * The launcher (`bouncer __launch`) against the real kernel, with the test process as the
 * supervisor: fds 3 (socket) and 4 (program) set up as workload.c does, every notification
 * answered with CONTINUE by tests/mini_supervisor.c. Also command_resolve()'s PATH search.
 */
#include "command_resolve.h"
#include "launch.h"
#include "mini_supervisor.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct sock_filter trap_all[] = {
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
};

/* What bouncer run does when the policy allows execve plainly: route only exec. */
static const struct sock_filter trap_execve[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_execve, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

/* The kernel's checker rejects a load beyond struct seccomp_data. */
static const struct sock_filter rejected_by_kernel[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4096),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

#define PROGRAM(insns) (const void *)(insns), sizeof(insns)

/* Leave PATH as the test process has it. */
#define PATH_KEEP ((const char *)-1)

struct launch_result {
	int status;
	int listener_rc; /* what mini_supervisor_receive() returned: fd or -errno */
	char *message;   /* the ContainerProcessState, when a listener came */
	struct mini_supervisor_seen seen;
	char out[4096];
	char err[4096];
	pid_t pid;
};

static void read_all(int fd, char *buf, size_t size)
{
	size_t len = 0;

	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (poll(&pfd, 1, MINI_SUPERVISOR_TIMEOUT_MS) != 1)
			break;
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == size - 1)
			break;
	}
	buf[len] = '\0';
}

/* Puts fd at target in the child (dup2 also clears close-on-exec). */
static void child_place_fd(int fd, int target)
{
	if (dup2(fd, target) < 0)
		_exit(120);
}

static __attribute__((noreturn)) void child_launch(char **argv, const char *path_env, int sock,
                                                   int prog, int out, int err)
{
	int argc = 0;

	/* Out of the way of 1..4 first, so that no dup2 overwrites a source. */
	sock = fcntl(sock, F_DUPFD_CLOEXEC, 10);
	prog = fcntl(prog, F_DUPFD_CLOEXEC, 10);
	out = fcntl(out, F_DUPFD_CLOEXEC, 10);
	err = fcntl(err, F_DUPFD_CLOEXEC, 10);
	if (sock < 0 || prog < 0 || out < 0 || err < 0)
		_exit(121);
	child_place_fd(sock, LAUNCH_FD_SOCKET);
	child_place_fd(prog, LAUNCH_FD_PROG);
	child_place_fd(out, STDOUT_FILENO);
	child_place_fd(err, STDERR_FILENO);
	if (path_env == NULL)
		unsetenv("PATH");
	else if (path_env != PATH_KEEP)
		setenv("PATH", path_env, 1);
	while (argv[argc])
		argc++;
	_exit(launch_main(argc, argv));
}

/* Waits for the child at most MINI_SUPERVISOR_TIMEOUT_MS, then kills it and fails. */
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
	ck_assert_msg(exited || kill_first, "the launcher did not exit within %d ms (deadlock?)",
	              MINI_SUPERVISOR_TIMEOUT_MS);
	return status;
}

/*
 * Runs launch_main(argv) in a child with the program on fd 4 and the socket on fd 3, plays the
 * supervisor, and collects the exit status, stdout and stderr.
 */
static void run_launch(char **argv, const void *program, size_t program_size, const char *path_env,
                       struct launch_result *r)
{
	int sv[2], prog[2], out[2], err[2], rc = 0;

	memset(r, 0, sizeof(*r));
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	ck_assert_int_eq(pipe2(prog, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(err, O_CLOEXEC), 0);
	/* Small enough for the pipe buffer; closing the write end gives the launcher its EOF. */
	ck_assert_int_eq(write(prog[1], program, program_size), (ssize_t)program_size);
	close(prog[1]);

	r->pid = fork();
	ck_assert_int_ge(r->pid, 0);
	if (r->pid == 0)
		child_launch(argv, path_env, sv[1], prog[0], out[1], err[1]);
	close(sv[1]);
	close(prog[0]);
	close(out[1]);
	close(err[1]);

	r->listener_rc = mini_supervisor_receive(sv[0], &r->message);
	if (r->listener_rc >= 0) {
		rc = mini_supervisor_continue_all(r->listener_rc, &r->seen);
		close(r->listener_rc);
	}
	r->status = reap(r->pid, rc < 0 || (r->listener_rc < 0 && r->listener_rc != -ENODATA));
	ck_assert_msg(rc == 0, "answering notifications: %s", strerror(-rc));
	read_all(out[0], r->out, sizeof(r->out));
	read_all(err[0], r->err, sizeof(r->err));
	close(sv[0]);
	close(out[0]);
	close(err[0]);
}

static void assert_exit(const struct launch_result *r, int code)
{
	ck_assert_msg(WIFEXITED(r->status), "status 0x%x; stderr: %s", r->status, r->err);
	ck_assert_msg(WEXITSTATUS(r->status) == code, "exit %d, expected %d; stderr: %s",
	              WEXITSTATUS(r->status), code, r->err);
}

/* The supervisor got a listener and a ContainerProcessState naming the launcher. */
static void assert_handed_off(const struct launch_result *r)
{
	json_t *root;

	ck_assert_msg(r->listener_rc >= 0, "no listener: %s; stderr: %s", strerror(-r->listener_rc),
	              r->err);
	root = json_loads(r->message, 0, NULL);
	ck_assert_ptr_nonnull(root);
	ck_assert_int_eq(json_integer_value(json_object_get(root, "pid")), r->pid);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(root, "fds"), 0)),
	                 "seccompFd");
	ck_assert_str_eq(json_string_value(json_object_get(root, "metadata")), "");
	json_decref(root);
}

/* A failure before the install: EOF on the socket without a message. */
static void assert_no_hand_off(const struct launch_result *r)
{
	ck_assert_msg(r->listener_rc == -ENODATA, "expected EOF without a listener, got %d",
	              r->listener_rc);
}

/* "59 1 231": the syscall numbers seen, for failure messages (static buffer). */
static const char *seen_numbers(const struct mini_supervisor_seen *seen)
{
	static char text[1024];
	size_t len = 0;

	text[0] = '\0';
	for (int nr = 0; nr < MINI_SUPERVISOR_MAX_NR && len < sizeof(text) - 16; nr++)
		if (seen->per_nr[nr])
			len += (size_t)snprintf(text + len, sizeof(text) - len, "%d%s ", nr,
			                        seen->per_nr[nr] > 1 ? "(n)" : "");
	return text;
}

static void free_result(struct launch_result *r)
{
	free(r->message);
}

/* A scratch directory with files for the command lookup tests. */
static char scratch[] = "/tmp/bouncer-test-launch-XXXXXX";

static void scratch_setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(scratch));
}

static void scratch_teardown(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", scratch);
}

/* Creates scratch/name with content and mode; returns the path (static buffer). */
static const char *scratch_file(const char *name, const char *content, mode_t mode)
{
	static char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", scratch, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
	return path;
}

/* --- running a command ------------------------------------------------------------------- */

START_TEST(launch_runs_echo_with_every_syscall_trapped)
{
	char *argv[] = {"__launch", "--", "/bin/echo", "hi", NULL};
	struct launch_result r;

	run_launch(argv, PROGRAM(trap_all), PATH_KEEP, &r);
	assert_exit(&r, 0);
	assert_handed_off(&r);
	ck_assert_str_eq(r.out, "hi\n");
	/* After the install the launcher's only syscall is the execve of the command. */
	ck_assert_int_eq(r.seen.first_nr, __NR_execve);
	ck_assert_int_eq(r.seen.first_pid, r.pid);
	ck_assert_uint_eq(r.seen.per_nr[__NR_execve], 1);
	ck_assert_uint_ge(r.seen.per_nr[__NR_write], 1);
	ck_assert_uint_ge(r.seen.per_nr[__NR_exit_group], 1);
	free_result(&r);
}
END_TEST

START_TEST(launch_searches_default_path_when_path_is_unset)
{
	char *argv[] = {"__launch", "--", "echo", "from", "default path", NULL};
	struct launch_result r;

	run_launch(argv, PROGRAM(trap_execve), NULL, &r);
	assert_exit(&r, 0);
	assert_handed_off(&r);
	ck_assert_str_eq(r.out, "from default path\n");
	ck_assert_uint_eq(r.seen.count, 1);
	ck_assert_uint_eq(r.seen.per_nr[__NR_execve], 1);
	free_result(&r);
}
END_TEST

START_TEST(launch_passes_the_workload_exit_status)
{
	char *argv[] = {"__launch", "--seccomp-flags", "2", "--", "sh", "-c", "exit 7", NULL};
	struct launch_result r;

	run_launch(argv, PROGRAM(trap_execve), PATH_KEEP, &r);
	assert_handed_off(&r);
	assert_exit(&r, 7);
	free_result(&r);
}
END_TEST

START_TEST(launch_leaves_nothing_to_the_workload)
{
	char prog[PATH_MAX], self[PATH_MAX];
	const char *progs = getenv("BOUNCER_TEST_PROGS");
	char *argv[] = {"__launch", "--", prog, NULL};
	struct launch_result r;
	ssize_t n;

	if (progs) {
		snprintf(prog, sizeof(prog), "%s/fd_report", progs);
	} else {
		/* Run by hand from the build directory: the programs are next to the tests. */
		n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		ck_assert_int_gt(n, 0);
		self[n] = '\0';
		snprintf(prog, sizeof(prog), "%s/progs/fd_report", dirname(self));
	}
	run_launch(argv, PROGRAM(trap_all), PATH_KEEP, &r);
	assert_exit(&r, 0);
	assert_handed_off(&r);
	ck_assert_str_eq(r.out, "fd3=closed fd4=closed listener=no seccomp=2\n");
	free_result(&r);
}
END_TEST

START_TEST(launch_runs_a_script_without_interpreter_line_with_sh)
{
	char *argv[] = {"__launch", "--", "plain-script", "arg1", NULL};
	struct launch_result r;

	scratch_file("plain-script", "echo \"script ran with $1\"\n", 0755);
	run_launch(argv, PROGRAM(trap_execve), scratch, &r);
	assert_exit(&r, 0);
	assert_handed_off(&r);
	ck_assert_str_eq(r.out, "script ran with arg1\n");
	/* execve of the script (ENOEXEC), then of /bin/sh. */
	ck_assert_uint_eq(r.seen.per_nr[__NR_execve], 2);
	free_result(&r);
}
END_TEST

/* --- 127 / 126: decided before the install ------------------------------------------------ */

START_TEST(launch_command_not_found_is_127)
{
	char *argv[] = {"__launch", "--", "bouncer-no-such-command", NULL};
	struct launch_result r;

	run_launch(argv, PROGRAM(trap_all), "/usr/bin:/bin", &r);
	assert_exit(&r, 127);
	assert_no_hand_off(&r);
	ck_assert_str_eq(r.err, "bouncer: bouncer-no-such-command: command not found\n");
	free_result(&r);
}
END_TEST

START_TEST(launch_missing_path_is_127)
{
	char *argv[] = {"__launch", "--", "/nonexistent/bouncer-cmd", NULL};
	struct launch_result r;

	run_launch(argv, PROGRAM(trap_all), PATH_KEEP, &r);
	assert_exit(&r, 127);
	assert_no_hand_off(&r);
	ck_assert_str_eq(r.err, "bouncer: /nonexistent/bouncer-cmd: command not found\n");
	free_result(&r);
}
END_TEST

START_TEST(launch_file_not_executable_is_126)
{
	char path[PATH_MAX];
	char *argv[] = {"__launch", "--", path, NULL};
	char expected[PATH_MAX + 64];
	struct launch_result r;

	snprintf(path, sizeof(path), "%s", scratch_file("data", "#!/bin/sh\necho no\n", 0644));
	run_launch(argv, PROGRAM(trap_all), PATH_KEEP, &r);
	assert_exit(&r, 126);
	assert_no_hand_off(&r);
	snprintf(expected, sizeof(expected), "bouncer: %s: Permission denied\n", path);
	ck_assert_str_eq(r.err, expected);
	free_result(&r);
}
END_TEST

START_TEST(launch_only_unexecutable_match_in_path_is_126)
{
	char *argv[] = {"__launch", "--", "data", NULL};
	struct launch_result r;

	scratch_file("data", "#!/bin/sh\necho no\n", 0644);
	run_launch(argv, PROGRAM(trap_all), scratch, &r);
	assert_exit(&r, 126);
	assert_no_hand_off(&r);
	ck_assert_str_eq(r.err, "bouncer: data: Permission denied\n");
	free_result(&r);
}
END_TEST

/* --- failures after the install: execve itself fails ------------------------------------- */

START_TEST(launch_missing_interpreter_is_127_after_install)
{
	char path[PATH_MAX];
	char *argv[] = {"__launch", "--", path, NULL};
	char expected[PATH_MAX + 64];
	struct launch_result r;

	snprintf(path, sizeof(path), "%s",
	         scratch_file("bad-interp", "#!/nonexistent/interpreter\n", 0755));
	run_launch(argv, PROGRAM(trap_all), PATH_KEEP, &r);
	assert_exit(&r, 127);
	/* Found and executable: the filter was installed, then execve said ENOENT. */
	assert_handed_off(&r);
	ck_assert_int_eq(r.seen.first_nr, __NR_execve);
	snprintf(expected, sizeof(expected), "bouncer: %s: No such file or directory\n", path);
	ck_assert_str_eq(r.err, expected);
	/* execve, one write of the message, exit_group: nothing else. */
	ck_assert_uint_eq(r.seen.per_nr[__NR_write], 1);
#ifndef __SANITIZE_ADDRESS__
	/* (AddressSanitizer's runtime adds a sigaltstack of its own at exit.) */
	ck_assert_msg(r.seen.count == 3, "%u notifications: %s", r.seen.count,
	              seen_numbers(&r.seen));
#endif
	free_result(&r);
}
END_TEST

/* --- launcher failures: 125, nothing installed ------------------------------------------- */

START_TEST(launch_program_not_whole_instructions_is_125)
{
	char *argv[] = {"__launch", "--", "/bin/true", NULL};
	struct launch_result r;

	run_launch(argv, "1234567", 7, PATH_KEEP, &r);
	assert_exit(&r, 125);
	assert_no_hand_off(&r);
	ck_assert_msg(strstr(r.err, "bouncer: launcher: the BPF program is 7 bytes"), "%s", r.err);
	free_result(&r);
}
END_TEST

START_TEST(launch_empty_program_is_125)
{
	char *argv[] = {"__launch", "--", "/bin/true", NULL};
	struct launch_result r;

	run_launch(argv, "", 0, PATH_KEEP, &r);
	assert_exit(&r, 125);
	assert_no_hand_off(&r);
	ck_assert_msg(strstr(r.err, "bouncer: launcher: the BPF program is 0 bytes"), "%s", r.err);
	free_result(&r);
}
END_TEST

START_TEST(launch_program_rejected_by_kernel_is_125)
{
	char *argv[] = {"__launch", "--", "/bin/true", NULL};
	struct launch_result r;

	run_launch(argv, PROGRAM(rejected_by_kernel), PATH_KEEP, &r);
	assert_exit(&r, 125);
	assert_no_hand_off(&r);
	ck_assert_str_eq(r.err,
	                 "bouncer: launcher: installing the seccomp filter: Invalid argument\n");
	free_result(&r);
}
END_TEST

START_TEST(launch_bad_arguments_are_125)
{
	char *no_separator[] = {"__launch", "/bin/true", NULL};
	char *no_command[] = {"__launch", "--", NULL};
	char *bad_flags[] = {"__launch", "--seccomp-flags", "x1", "--", "/bin/true", NULL};
	char *tsync[] = {"__launch", "--seccomp-flags", "1", "--", "/bin/true", NULL};
	char **cases[] = {no_separator, no_command, bad_flags, tsync};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct launch_result r;

		run_launch(cases[i], PROGRAM(trap_all), PATH_KEEP, &r);
		assert_exit(&r, 125);
		assert_no_hand_off(&r);
		ck_assert_msg(strncmp(r.err, "bouncer: launcher: ", 19) == 0, "case %zu: %s", i,
		              r.err);
		free_result(&r);
	}
}
END_TEST

START_TEST(launch_fd3_not_a_socket_is_125)
{
	char *argv[] = {"__launch", "--", "/bin/true", NULL};
	int prog[2], err[2], status;
	char text[512];
	pid_t child;

	ck_assert_int_eq(pipe2(prog, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(err, O_CLOEXEC), 0);
	ck_assert_int_eq(write(prog[1], trap_all, sizeof(trap_all)), (ssize_t)sizeof(trap_all));
	close(prog[1]);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		prog[0] = fcntl(prog[0], F_DUPFD_CLOEXEC, 10);
		err[1] = fcntl(err[1], F_DUPFD_CLOEXEC, 10);
		null = fcntl(null, F_DUPFD_CLOEXEC, 10);
		child_place_fd(null, LAUNCH_FD_SOCKET);
		child_place_fd(prog[0], LAUNCH_FD_PROG);
		child_place_fd(err[1], STDERR_FILENO);
		_exit(launch_main(4, argv));
	}
	close(prog[0]);
	close(err[1]);
	status = reap(child, false);
	read_all(err[0], text, sizeof(text));
	close(err[0]);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 125, "status 0x%x", status);
	ck_assert_str_eq(text, "bouncer: launcher: fd 3 is not the supervisor's socket\n");
}
END_TEST

/* --- command_resolve ------------------------------------------------------------------------ */

START_TEST(resolve_prefers_a_later_executable_over_an_earlier_unexecutable)
{
	char path_env[2 * PATH_MAX + 2], first[PATH_MAX], second[PATH_MAX];
	char expected[PATH_MAX + 8];
	char *resolved;

	snprintf(first, sizeof(first), "%s/a", scratch);
	snprintf(second, sizeof(second), "%s/b", scratch);
	ck_assert_int_eq(mkdir(first, 0755), 0);
	ck_assert_int_eq(mkdir(second, 0755), 0);
	scratch_file("a/tool", "x", 0644);
	scratch_file("b/tool", "x", 0755);
	snprintf(path_env, sizeof(path_env), "%s:%s", first, second);
	ck_assert_int_eq(command_resolve("tool", path_env, &resolved), 0);
	snprintf(expected, sizeof(expected), "%s/tool", second);
	ck_assert_str_eq(resolved, expected);
	free(resolved);

	/* A directory of that name is not a command either. */
	snprintf(path_env, sizeof(path_env), "%s", scratch);
	ck_assert_int_eq(command_resolve("a", path_env, &resolved), -EACCES);
	ck_assert_int_eq(command_resolve("missing", path_env, &resolved), -ENOENT);
	ck_assert_int_eq(command_resolve("", path_env, &resolved), -ENOENT);
}
END_TEST

START_TEST(resolve_empty_path_entry_is_the_current_directory)
{
	char cwd[PATH_MAX];
	char *resolved;

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	scratch_file("here", "x", 0755);
	ck_assert_int_eq(chdir(scratch), 0);
	ck_assert_int_eq(command_resolve("here", "/nonexistent:", &resolved), 0);
	ck_assert_str_eq(resolved, "here");
	free(resolved);
	ck_assert_int_eq(chdir(cwd), 0);

	ck_assert_int_eq(command_resolve("sh", NULL, &resolved), 0);
	ck_assert_msg(strcmp(resolved, "/usr/bin/sh") == 0 || strcmp(resolved, "/bin/sh") == 0,
	              "%s", resolved);
	free(resolved);
}
END_TEST

static Suite *launch_suite(void)
{
	Suite *s = suite_create("launch");
	TCase *run = tcase_create("run");
	TCase *fail = tcase_create("fail");
	TCase *resolve = tcase_create("resolve");

	/* Above the tests' own bounds (MINI_SUPERVISOR_TIMEOUT_MS), so they report what hung. */
	tcase_set_timeout(run, 60);
	tcase_set_timeout(fail, 60);
	tcase_add_checked_fixture(run, scratch_setup, scratch_teardown);
	tcase_add_checked_fixture(fail, scratch_setup, scratch_teardown);
	tcase_add_checked_fixture(resolve, scratch_setup, scratch_teardown);

	tcase_add_test(run, launch_runs_echo_with_every_syscall_trapped);
	tcase_add_test(run, launch_searches_default_path_when_path_is_unset);
	tcase_add_test(run, launch_passes_the_workload_exit_status);
	tcase_add_test(run, launch_leaves_nothing_to_the_workload);
	tcase_add_test(run, launch_runs_a_script_without_interpreter_line_with_sh);
	tcase_add_test(fail, launch_command_not_found_is_127);
	tcase_add_test(fail, launch_missing_path_is_127);
	tcase_add_test(fail, launch_file_not_executable_is_126);
	tcase_add_test(fail, launch_only_unexecutable_match_in_path_is_126);
	tcase_add_test(fail, launch_missing_interpreter_is_127_after_install);
	tcase_add_test(fail, launch_program_not_whole_instructions_is_125);
	tcase_add_test(fail, launch_empty_program_is_125);
	tcase_add_test(fail, launch_program_rejected_by_kernel_is_125);
	tcase_add_test(fail, launch_bad_arguments_are_125);
	tcase_add_test(fail, launch_fd3_not_a_socket_is_125);
	tcase_add_test(resolve, resolve_prefers_a_later_executable_over_an_earlier_unexecutable);
	tcase_add_test(resolve, resolve_empty_path_entry_is_the_current_directory);
	suite_add_tcase(s, run);
	suite_add_tcase(s, fail);
	suite_add_tcase(s, resolve);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(launch_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
