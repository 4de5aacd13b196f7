/* SPDX-License-Identifier: MIT */
/*
 * `bouncer run` exit statuses: the workload's own status, 128+N for death by signal N, 127 for a
 * command that is not found, 126 for one that cannot be executed, 125 when bouncer fails
 * before starting the workload (and then the workload must not have run at all).
 */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "harness.h"

START_TEST(exit_status_is_the_workloads)
{
	char *probe = h_prog("sysprobe");
	struct h_result r;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "log-getppid.json", "--", probe,
	      "getppid", "2", "exit", "3", NULL);
	h_assert_exit(&r, 3);
	ck_assert_msg(h_has_line(r.out, "getppid: calls=2 ok=2 err=0 errno=none"), "stdout:\n%s",
	              r.out);
	h_result_free(&r);
	/* The same under the embedded default policy. */
	h_run(&r, NULL, h_bouncer(), "run", "-q", "--", probe, "exit", "42", NULL);
	h_assert_exit(&r, 42);
	h_result_free(&r);
	h_run(&r, NULL, h_bouncer(), "run", "-q", "--", probe, "ids", NULL);
	h_assert_exit(&r, 0);
	h_result_free(&r);
}
END_TEST

/* The workload gets the caller's environment, working directory and fds 0-2, and no other fd. */
START_TEST(workload_inherits_env_cwd_and_only_stdio)
{
	char *probe = h_prog("sysprobe");
	char cwd[PATH_MAX];
	struct h_result r;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "--", "/usr/bin/printenv",
	      "BOUNCER_SOURCE_ROOT", NULL);
	h_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, h_fmt("%s\n", getenv("BOUNCER_SOURCE_ROOT")));
	h_result_free(&r);
	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "--", "/bin/pwd", NULL);
	h_assert_exit(&r, 0);
	ck_assert_ptr_nonnull(realpath(h_policy_dir(), cwd));
	ck_assert_str_eq(r.out, h_fmt("%s\n", cwd)); /* /bin/pwd prints the physical path */
	h_result_free(&r);
	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "log-getppid.json", "-o",
	      "/dev/null", "--", probe, "fds", NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, "fds: 0 1 2"), "the workload holds more fds:\n%s", r.out);
	h_result_free(&r);
}
END_TEST

START_TEST(argv_is_passed_verbatim)
{
	struct h_result r;

	h_run(&r, NULL, h_bouncer(), "run", "-q", "--", "/usr/bin/printf", "[%s]\\n", "a b", "",
	      "c\"d", "--", "-q", "$HOME", NULL);
	h_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "[a b]\n[]\n[c\"d]\n[--]\n[-q]\n[$HOME]\n");
	h_result_free(&r);
}
END_TEST

/*
 * The command is looked up in PATH as execvp(3) does: a match that is not executable is
 * skipped when a later directory has an executable one.
 */
START_TEST(command_is_found_in_path)
{
	char *dir = h_tmpdir(), *decoy = h_join(dir, "sysprobe");
	char *progs = h_prog("");
	struct h_result r;
	FILE *f = fopen(decoy, "w");

	ck_assert_ptr_nonnull(f);
	fputs("#!/bin/sh\necho decoy\n", f);
	fclose(f);
	ck_assert_int_eq(chmod(decoy, 0644), 0);
	h_run(&r, NULL, "/usr/bin/env", h_fmt("PATH=%s:%s:/usr/bin:/bin", dir, progs), h_bouncer(),
	      "run", "-q", "--", "sysprobe", "ids", NULL);
	h_assert_exit(&r, 0);
	ck_assert_int_gt(h_long_after(r.out, "pid: "), 0);
	h_result_free(&r);
	/* Only the non-executable one: found but not executable. */
	h_run(&r, NULL, "/usr/bin/env", h_fmt("PATH=%s:/usr/bin:/bin", dir), h_bouncer(), "run",
	      "-q", "--", "sysprobe", "ids", NULL);
	h_assert_exit(&r, 126);
	h_result_free(&r);
}
END_TEST

/* "Nothing is lost ... when the workload crashes" (docs/decision-log.md). */
START_TEST(records_survive_a_crash)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *probe = h_prog("sysprobe");
	struct h_result r;
	struct h_records rs;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "log-getppid.json", "-o", log,
	      "--", probe, "getppid", "300", "raise", "SEGV", NULL);
	h_assert_exit(&r, 128 + SIGSEGV);
	h_read_records(log, &rs);
	h_check_seq(&rs);
	ck_assert_msg(rs.n == 300, "expected 300 records, got %zu", rs.n);
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

static const struct {
	const char *name;
	int sig;
} deaths[] = {{"SEGV", SIGSEGV}, {"ABRT", SIGABRT}, {"KILL", SIGKILL}, {"TERM", SIGTERM}};

START_TEST(death_by_signal_is_128_plus_n)
{
	char *probe = h_prog("sysprobe");
	struct h_result r;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "log-getppid.json", "--", probe,
	      "raise", deaths[_i].name, NULL);
	/* bouncer itself exits (it does not re-raise): the status is 128 + N. */
	h_assert_exit(&r, 128 + deaths[_i].sig);
	ck_assert_ptr_null(strstr(r.out, "survived"));
	h_result_free(&r);
}
END_TEST

START_TEST(missing_command_is_127)
{
	struct h_result r;

	h_run(&r, NULL, h_bouncer(), "run", "-q", "--", "/nonexistent/bouncer-itest-cmd", NULL);
	h_assert_exit(&r, 127);
	h_result_free(&r);
	/* Looked up in PATH like execvp. */
	h_run(&r, NULL, h_bouncer(), "run", "-q", "--", "bouncer-itest-no-such-command", NULL);
	h_assert_exit(&r, 127);
	h_result_free(&r);
}
END_TEST

START_TEST(non_executable_is_126)
{
	char *dir = h_tmpdir(), *script = h_join(dir, "not-executable");
	struct h_result r;
	FILE *f = fopen(script, "w");

	ck_assert_ptr_nonnull(f);
	fputs("#!/bin/sh\nexit 0\n", f);
	fclose(f);
	ck_assert_int_eq(chmod(script, 0644), 0);
	h_run(&r, NULL, h_bouncer(), "run", "-q", "--", script, NULL);
	h_assert_exit(&r, 126);
	h_result_free(&r);
	/* A directory is found but cannot be executed either. */
	h_run(&r, NULL, h_bouncer(), "run", "-q", "--", dir, NULL);
	h_assert_exit(&r, 126);
	h_result_free(&r);
}
END_TEST

/* Runs bouncer with the extra arguments; the workload would create a file. Asserts 125 and
 * that the file does not exist, and returns bouncer's stderr (malloc'ed). */
static char *run_expecting_125(const char *opt1, const char *opt2, const char *opt3,
                               const char *opt4)
{
	char *dir = h_tmpdir(), *witness = h_join(dir, "workload-ran");
	char *probe = h_prog("sysprobe");
	struct h_result r;
	struct stat st;
	char *err;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", opt1, opt2, opt3, opt4, "--", probe,
	      "touch", witness, NULL);
	h_assert_exit(&r, 125);
	ck_assert_msg(stat(witness, &st) != 0, "the workload ran although bouncer failed");
	ck_assert_ptr_null(strstr(r.out, "touch"));
	err = strdup(r.err);
	h_result_free(&r);
	return err;
}

START_TEST(bad_policy_is_125_with_position_and_path)
{
	/* "bouncer: FILE:LINE:COL: json.path: message"; the op's value starts on line 7, col 17. */
	static const char prefix[] = "bouncer: bad-op.json:7:17: syscalls[0].args[0].op: ";
	char *err = run_expecting_125("-p", "bad-op.json", "-o", "/dev/null");
	const char *message = h_line_after(err, prefix);

	ck_assert_msg(message != NULL, "no line starting \"%s\" on stderr:\n%s", prefix, err);
	ck_assert_msg(!strncmp(message, "unknown operator \"SCMP_CMP_EQQ\"", 31),
	              "the message does not name the operator: %s", message);
	free(err);
}
END_TEST

START_TEST(policy_syntax_error_is_125_with_position)
{
	char *err = run_expecting_125("-p", "bad-syntax.json", "-o", "/dev/null");

	/* jansson reports the missing comma on line 3. */
	ck_assert_msg(!strncmp(err, "bouncer: bad-syntax.json:3:", 27), "stderr:\n%s", err);
	free(err);
}
END_TEST

START_TEST(missing_policy_is_125)
{
	char *err = run_expecting_125("-p", "no-such-policy.json", "-o", "/dev/null");

	ck_assert_msg(!strncmp(err, "bouncer: ", 9) && strstr(err, "no-such-policy.json"),
	              "stderr:\n%s", err);
	free(err);
}
END_TEST

START_TEST(bad_option_is_125)
{
	char *err = run_expecting_125("--mode", "bogus", "-p", "log-getppid.json");

	ck_assert_msg(!strncmp(err, "bouncer: ", 9), "stderr:\n%s", err);
	free(err);
}
END_TEST

START_TEST(unwritable_log_is_125)
{
	char *err = run_expecting_125("-o", "/nonexistent-dir/decisions.jsonl", "-p",
	                              "log-getppid.json");

	ck_assert_msg(!strncmp(err, "bouncer: ", 9) && strstr(err, "/nonexistent-dir/"),
	              "stderr:\n%s", err);
	free(err);
}
END_TEST

START_TEST(unknown_option_or_no_command_is_125)
{
	struct h_result r;

	free(run_expecting_125("--no-such-option", "-p", "log-getppid.json", "-q"));
	h_run(&r, NULL, h_bouncer(), "run", "-q", NULL);
	h_assert_exit(&r, 125);
	h_result_free(&r);
}
END_TEST

START_TEST(policy_check_statuses)
{
	struct h_result r;

	h_run(&r, h_policy_dir(), h_bouncer(), "policy", "check", "errno-socket.json", NULL);
	h_assert_exit(&r, 0);
	h_result_free(&r);
	h_run(&r, h_policy_dir(), h_bouncer(), "policy", "check", "bad-op.json", NULL);
	h_assert_exit(&r, 1);
	ck_assert_msg(strstr(r.err, "bad-op.json:7:17: syscalls[0].args[0].op: "), "stderr:\n%s",
	              r.err);
	h_result_free(&r);
	h_run(&r, h_policy_dir(), h_bouncer(), "policy", "check", NULL);
	h_assert_exit(&r, 2);
	h_result_free(&r);
}
END_TEST

static Suite *exit_suite(void)
{
	Suite *s = suite_create("run_exit");
	TCase *tc = tcase_create("exit");

	/* Also outside meson (which sets CK_DEFAULT_TIMEOUT): runs take seconds, not Check\'s 4. */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, exit_status_is_the_workloads);
	tcase_add_test(tc, records_survive_a_crash);
	tcase_add_test(tc, workload_inherits_env_cwd_and_only_stdio);
	tcase_add_loop_test(tc, death_by_signal_is_128_plus_n, 0,
	                    sizeof(deaths) / sizeof(deaths[0]));
	tcase_add_test(tc, argv_is_passed_verbatim);
	tcase_add_test(tc, command_is_found_in_path);
	tcase_add_test(tc, missing_command_is_127);
	tcase_add_test(tc, non_executable_is_126);
	tcase_add_test(tc, bad_policy_is_125_with_position_and_path);
	tcase_add_test(tc, policy_syntax_error_is_125_with_position);
	tcase_add_test(tc, missing_policy_is_125);
	tcase_add_test(tc, bad_option_is_125);
	tcase_add_test(tc, unwritable_log_is_125);
	tcase_add_test(tc, unknown_option_or_no_command_is_125);
	tcase_add_test(tc, policy_check_statuses);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(exit_suite());
	int failed;

	srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY=verbose lists each test */
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
