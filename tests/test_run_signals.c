/* SPDX-License-Identifier: MIT */
/*
 * `bouncer run` and signals: SIGTERM/SIGINT/SIGQUIT to bouncer reach the workload and no record
 * is lost; and the seccomp_unotify(2) cases around a syscall the supervisor holds: the target
 * is killed, the target is signalled (SA_RESTART gives a new notification and the program still
 * gets its result), the supervisor itself is killed (the workload fails closed with ENOSYS).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "harness.h"

static const struct {
	int sig;
	const char *seen;
} forwarded[] = {{SIGTERM, "got TERM"}, {SIGINT, "got INT"}, {SIGQUIT, "got QUIT"}};

START_TEST(signal_to_bouncer_reaches_the_workload)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *probe = h_prog("sysprobe");
	char *const argv[] = {(char *)h_bouncer(),
	                      "run",
	                      "-q",
	                      "-p",
	                      "log-getppid.json",
	                      "-o",
	                      log,
	                      "--",
	                      probe,
	                      "getppid",
	                      "500",
	                      "waitsig",
	                      "getppid",
	                      "7",
	                      NULL};
	struct h_proc p;
	struct h_result r;
	struct h_records rs;

	h_spawn(&p, h_policy_dir(), argv);
	ck_assert_msg(h_wait_stdout(&p, "ready\n", H_DEFAULT_TIMEOUT_MS),
	              "the workload never got ready; stdout:\n%s\nstderr:\n%s", p.out.data,
	              p.err.data);
	/* To bouncer only, not its process group: bouncer must pass it on. */
	ck_assert_int_eq(kill(p.pid, forwarded[_i].sig), 0);
	h_finish(&p, H_DEFAULT_TIMEOUT_MS, &r);
	/* The workload handled the signal and exited 0, so bouncer exits 0. */
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, forwarded[_i].seen), "stdout:\n%s", r.out);
	ck_assert(h_has_line(r.out, "getppid: calls=500 ok=500 err=0 errno=none"));
	ck_assert(h_has_line(r.out, "getppid: calls=7 ok=7 err=0 errno=none"));
	h_read_records(log, &rs);
	h_check_seq(&rs);
	ck_assert_msg(rs.n == 507, "expected 507 records after the signal, got %zu", rs.n);
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

START_TEST(forwarded_signal_can_end_the_workload)
{
	char *const argv[] = {(char *)h_bouncer(),         "run", "-q",      "-p",
	                      "log-getppid.json",          "--",  "/bin/sh", "-c",
	                      "echo ready; exec sleep 60", NULL};
	struct h_proc p;
	struct h_result r;

	h_spawn(&p, h_policy_dir(), argv);
	ck_assert(h_wait_stdout(&p, "ready\n", H_DEFAULT_TIMEOUT_MS));
	ck_assert_int_eq(kill(p.pid, SIGTERM), 0);
	h_finish(&p, H_DEFAULT_TIMEOUT_MS, &r);
	h_assert_exit(&r, 128 + SIGTERM);
	h_result_free(&r);
}
END_TEST

/*
 * Children making supervised calls in a loop are SIGKILLed by their parent, often while a call
 * is held; bouncer must carry on and serve the parent's calls, each recorded exactly once.
 */
START_TEST(target_killed_while_held)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *prog = h_prog("holdprobe");
	struct h_result r;
	struct h_records rs;
	struct h_match m = H_ANY;
	long parent_pid, parent_tid, child_pids[64];
	size_t n_children = 0, i, j;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "log-getppid.json", "-o", log,
	      "--", prog, "killed-children", "20", "100", NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, "killed-children: rounds=20 killed=20"), "stdout:\n%s",
	              r.out);
	ck_assert_msg(h_has_line(r.out, "getppid: calls=100 ok=100 err=0 errno=none"),
	              "stdout:\n%s", r.out);
	parent_pid = h_field_long(h_line_after(r.out, "parent: "), "pid");
	parent_tid = h_field_long(h_line_after(r.out, "parent: "), "tid");
	h_read_records(log, &rs);
	h_check_seq(&rs);
	m.syscall = "getppid";
	m.tid = parent_tid;
	ck_assert_uint_eq(h_count(&rs, &m), 100);
	/* Each child got at least its first call answered (it reported it) and recorded. */
	for (i = 0; i < rs.n; i++) {
		long pid = h_int(rs.rec[i], "pid");

		if (pid == parent_pid)
			continue;
		for (j = 0; j < n_children && child_pids[j] != pid; j++)
			;
		if (j == n_children) {
			ck_assert_uint_lt(n_children, 64);
			child_pids[n_children++] = pid;
		}
	}
	ck_assert_uint_eq(n_children, 20);
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

/*
 * A read that sleeps in the kernel (after bouncer let it through) is interrupted by a signal
 * with SA_RESTART N times: each restart is a new syscall entry, a new notification, a new
 * record, and the program still reads its byte.
 */
START_TEST(restarted_syscall_is_a_new_notification)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *prog = h_prog("holdprobe");
	struct h_result r;
	struct h_records rs;
	struct h_match m = H_ANY;
	const char *line;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "log-read.json", "-o", log, "--",
	      prog, "restart-read", "5", NULL);
	h_assert_exit(&r, 0);
	line = h_line_after(r.out, "restart-read: ");
	ck_assert_msg(line != NULL, "stdout:\n%s\nstderr:\n%s", r.out, r.err);
	ck_assert_msg(strstr(line, "ret=1 byte=x handled=5"), "%s", line);
	m.syscall = "read";
	m.tid = h_field_long(line, "tid");
	m.arg_index = 0;
	m.arg_value = h_field_long(line, "fd");
	h_read_records(log, &rs);
	h_check_seq(&rs);
	ck_assert_msg(h_count(&rs, &m) == 6, "expected 1 + 5 restarted reads, got %zu:\n%s",
	              h_count(&rs, &m), h_records_dump(&rs));
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

/* Signals rain on a thread making supervised calls: every call still gets the right answer. */
START_TEST(signals_during_held_calls)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *prog = h_prog("holdprobe");
	struct h_result r;
	struct h_records rs;
	struct h_match m = H_ANY;
	const char *line;
	long handled;
	size_t n;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "log-getppid.json", "-o", log,
	      "--", prog, "storm", "2000", NULL);
	h_assert_exit(&r, 0);
	line = h_line_after(r.out, "storm: ");
	ck_assert_msg(line != NULL, "stdout:\n%s", r.out);
	ck_assert_msg(strstr(line, "calls=2000 ok=2000 err=0 errno=none"), "%s", line);
	handled = h_field_long(line, "handled");
	/* Otherwise this run proved nothing. */
	ck_assert_msg(handled > 0, "no signal arrived during the calls: %s", line);
	m.syscall = "getppid";
	m.tid = h_field_long(line, "tid");
	h_read_records(log, &rs);
	h_check_seq(&rs);
	n = h_count(&rs, &m);
	/* At least one decision per call; an extra one only for a call a signal interrupted. */
	ck_assert_msg(n >= 2000 && n <= 2000 + (size_t)handled,
	              "%zu records for 2000 calls and %ld signals", n, handled);
	ck_assert_uint_eq(h_count_syscall(&rs, "getppid", NULL), n);
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

/* Polls for a file to appear (bounded); the content, NUL-terminated, or NULL on timeout. */
static char *wait_for_file(const char *path, int timeout_ms)
{
	int waited;

	for (waited = 0; waited < timeout_ms; waited += 10) {
		char buf[512];
		ssize_t n;
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd >= 0) {
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			ck_assert_int_ge(n, 0);
			buf[n] = '\0';
			return strdup(buf);
		}
		usleep(10000);
	}
	return NULL;
}

START_TEST(supervisor_killed_fails_closed)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *prog = h_prog("holdprobe");
	char *const argv[] = {
	        (char *)h_bouncer(), "run", "-q", "-p", "log-getppid.json", "-o", log, "--", prog,
	        "after-death",       dir,   NULL};
	char *ready, *result, *go = h_join(dir, "go");
	struct h_proc p;
	struct h_result r;
	long workload;
	int fd, status = 0, waited;

	h_spawn(&p, h_policy_dir(), argv);
	ready = wait_for_file(h_join(dir, "ready"), H_DEFAULT_TIMEOUT_MS);
	ck_assert_msg(ready != NULL, "the workload never got ready");
	workload = h_field_long(ready, "pid");
	ck_assert_int_eq(kill(p.pid, SIGKILL), 0);
	ck_assert(h_wait_exit(&p, H_DEFAULT_TIMEOUT_MS));
	ck_assert(WIFSIGNALED(p.status) && WTERMSIG(p.status) == SIGKILL);
	/* bouncer is reaped, its listener closed: now the workload makes supervised calls. */
	fd = open(go, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
	result = wait_for_file(h_join(dir, "result"), H_DEFAULT_TIMEOUT_MS);
	ck_assert_msg(result != NULL, "the workload never reported");
	ck_assert_str_eq(result, "after-death getppid: calls=3 succeeded=0 enosys=3 other=0\n");
	/* bouncer's orphan was re-parented to this test (the harness is a subreaper). */
	for (waited = 0; waited < H_DEFAULT_TIMEOUT_MS; waited += 10) {
		pid_t got = waitpid(workload, &status, WNOHANG);

		ck_assert_msg(got >= 0, "waitpid %ld: %s", workload, strerror(errno));
		if (got == workload)
			break;
		usleep(10000);
	}
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "workload status 0x%x",
	              status);
	h_finish(&p, H_DEFAULT_TIMEOUT_MS, &r);
	ck_assert(!r.timed_out);
	h_result_free(&r);
}
END_TEST

static Suite *signals_suite(void)
{
	Suite *s = suite_create("run_signals");
	TCase *tc = tcase_create("signals");

	/* Also outside meson (which sets CK_DEFAULT_TIMEOUT): runs take seconds, not Check\'s 4. */
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, signal_to_bouncer_reaches_the_workload, 0,
	                    sizeof(forwarded) / sizeof(forwarded[0]));
	tcase_add_test(tc, forwarded_signal_can_end_the_workload);
	tcase_add_test(tc, target_killed_while_held);
	tcase_add_test(tc, restarted_syscall_is_a_new_notification);
	tcase_add_test(tc, signals_during_held_calls);
	tcase_add_test(tc, supervisor_killed_fails_closed);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(signals_suite());
	int failed;

	srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY=verbose lists each test */
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
