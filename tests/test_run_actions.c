/* SPDX-License-Identifier: MIT */
/*
 * `bouncer run`: the supervised actions other than ERRNO (LOG, KILL_PROCESS, NOTIFY without
 * supervise clauses), audit mode and `bouncer learn`, as the workload sees them and as they
 * are recorded.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "harness.h"

static long long rule_index(json_t *rec)
{
	json_t *index = json_object_get(json_object_get(rec, "rule"), "index");

	ck_assert_msg(json_is_integer(index), "rule.index is not an integer");
	return json_integer_value(index);
}

static const char *errno_name_of(json_t *rec, const char *key)
{
	return json_string_value(json_object_get(json_object_get(rec, key), "name"));
}

START_TEST(log_allows_and_records)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *probe = h_prog("sysprobe");
	struct h_result r;
	struct h_records rs;
	size_t i;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "log-getppid.json", "-o", log,
	      "--", probe, "ids", "getppid", "3", NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, "getppid: calls=3 ok=3 err=0 errno=none"), "stdout:\n%s",
	              r.out);
	h_read_records(log, &rs);
	h_check_seq(&rs);
	ck_assert_msg(rs.n == 3, "expected 3 getppid records, got %zu:\n%s", rs.n,
	              h_records_dump(&rs));
	for (i = 0; i < rs.n; i++) {
		ck_assert_str_eq(h_str(rs.rec[i], "syscall"), "getppid");
		ck_assert_str_eq(h_str(rs.rec[i], "action"), "log");
		ck_assert_int_eq(h_int(rs.rec[i], "tid"), h_long_after(r.out, "tid: "));
		ck_assert_int_eq(rule_index(rs.rec[i]), 0);
		ck_assert_str_eq(json_string_value(json_object_get(
		                         json_object_get(rs.rec[i], "rule"), "comment")),
		                 "count me");
	}
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

START_TEST(kill_process_kills_and_records)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *probe = h_prog("sysprobe");
	char *after = h_join(dir, "after-the-kill");
	struct h_result r;
	struct h_records rs;
	struct stat st;
	json_t *rec;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "kill-getpgid.json", "-o", log,
	      "--", probe, "ids", "getpgid", "1", "touch", after, NULL);
	/* The workload died of SIGKILL: 128 + 9. */
	h_assert_exit(&r, 137);
	ck_assert_ptr_null(h_line_after(r.out, "getpgid: "));
	ck_assert_msg(stat(after, &st) != 0, "the workload ran on after the killing syscall");
	h_read_records(log, &rs);
	h_check_seq(&rs);
	ck_assert_msg(rs.n == 1, "expected one kill record, got %zu:\n%s", rs.n,
	              h_records_dump(&rs));
	rec = rs.rec[0];
	ck_assert_str_eq(h_str(rec, "syscall"), "getpgid");
	ck_assert_str_eq(h_str(rec, "action"), "kill");
	ck_assert_int_eq(h_int(rec, "pid"), h_long_after(r.out, "pid: "));
	ck_assert_int_eq(h_int(rec, "tid"), h_long_after(r.out, "tid: "));
	ck_assert_int_eq(rule_index(rec), 0);
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

/* --fast-deny keeps KILL_PROCESS in the kernel: its SIGSYS, no record. */
START_TEST(fast_deny_kills_in_the_kernel)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *probe = h_prog("sysprobe");
	struct h_result r;
	struct h_records rs;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "--fast-deny", "-p",
	      "kill-getpgid.json", "-o", log, "--", probe, "nocore", "getpgid", "1", NULL);
	h_assert_exit(&r, 128 + SIGSYS);
	ck_assert_ptr_null(h_line_after(r.out, "getpgid: "));
	h_read_records(log, &rs);
	ck_assert_msg(rs.n == 0, "--fast-deny must not record kernel kills, got:\n%s",
	              h_records_dump(&rs));
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

/* SCMP_ACT_NOTIFY with no supervise clauses: denied with the default errno (EPERM here). */
START_TEST(notify_without_clauses_denies_with_default_errno)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *probe = h_prog("sysprobe");
	struct h_result r;
	struct h_records rs;
	size_t i;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "notify-getpgid.json", "-o", log,
	      "--", probe, "getpgid", "3", NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, "getpgid: calls=3 ok=0 err=3 errno=EPERM"), "stdout:\n%s",
	              r.out);
	h_read_records(log, &rs);
	h_check_seq(&rs);
	ck_assert_msg(rs.n == 3, "expected 3 records, got %zu:\n%s", rs.n, h_records_dump(&rs));
	for (i = 0; i < rs.n; i++) {
		ck_assert_str_eq(h_str(rs.rec[i], "action"), "deny");
		ck_assert_str_eq(errno_name_of(rs.rec[i], "errno"), "EPERM");
		ck_assert_int_eq(rule_index(rs.rec[i]), 0);
	}
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

START_TEST(audit_mode_allows_what_would_be_denied)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *probe = h_prog("sysprobe");
	struct h_result r;
	struct h_records rs;
	json_t *rec;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "--mode", "audit", "-p",
	      "errno-socket.json", "-o", log, "--", probe, "ids", "socket", "inet6", NULL);
	h_assert_exit(&r, 0);
	ck_assert_int_ge(h_long_after(r.out, "socket inet6: "), 0);
	h_read_records(log, &rs);
	h_check_seq(&rs);
	ck_assert_msg(rs.n == 1, "expected one record, got %zu:\n%s", rs.n, h_records_dump(&rs));
	rec = rs.rec[0];
	ck_assert_str_eq(h_str(rec, "syscall"), "socket");
	ck_assert_str_eq(h_str(rec, "action"), "allow");
	ck_assert_ptr_null(json_object_get(rec, "errno"));
	ck_assert_str_eq(h_str(rec, "mode"), "audit");
	ck_assert_str_eq(h_str(rec, "would"), "deny");
	ck_assert_str_eq(errno_name_of(rec, "would_errno"), "EACCES");
	ck_assert_int_eq(rule_index(rec), 1);
	ck_assert_int_eq(h_int(rec, "tid"), h_long_after(r.out, "tid: "));
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

START_TEST(audit_mode_does_not_kill)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *probe = h_prog("sysprobe");
	struct h_result r;
	struct h_records rs;
	size_t i;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "--mode", "audit", "-p",
	      "kill-getpgid.json", "-o", log, "--", probe, "getpgid", "2", NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, "getpgid: calls=2 ok=2 err=0 errno=none"), "stdout:\n%s",
	              r.out);
	h_read_records(log, &rs);
	h_check_seq(&rs);
	ck_assert_msg(rs.n == 2, "expected 2 records, got %zu:\n%s", rs.n, h_records_dump(&rs));
	for (i = 0; i < rs.n; i++) {
		ck_assert_str_eq(h_str(rs.rec[i], "action"), "allow");
		ck_assert_str_eq(h_str(rs.rec[i], "would"), "kill");
		ck_assert_str_eq(h_str(rs.rec[i], "mode"), "audit");
	}
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

/* SCMP_ACT_TRAP stays in the kernel in enforce mode: SIGSYS, no record. */
START_TEST(trap_stays_in_the_kernel)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *probe = h_prog("sysprobe");
	struct h_result r;
	struct h_records rs;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "trap-getpgid.json", "-o", log,
	      "--", probe, "nocore", "getpgid", "1", NULL);
	h_assert_exit(&r, 128 + SIGSYS);
	ck_assert_ptr_null(h_line_after(r.out, "getpgid: "));
	h_read_records(log, &rs);
	ck_assert_msg(rs.n == 0, "TRAP is the kernel's, yet:\n%s", h_records_dump(&rs));
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

START_TEST(audit_mode_records_what_would_trap)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *probe = h_prog("sysprobe");
	struct h_result r;
	struct h_records rs;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "--mode", "audit", "-p",
	      "trap-getpgid.json", "-o", log, "--", probe, "nocore", "getpgid", "1", NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, "getpgid: calls=1 ok=1 err=0 errno=none"), "stdout:\n%s",
	              r.out);
	h_read_records(log, &rs);
	h_check_seq(&rs);
	ck_assert_msg(rs.n == 1, "expected one record, got %zu:\n%s", rs.n, h_records_dump(&rs));
	ck_assert_str_eq(h_str(rs.rec[0], "action"), "allow");
	ck_assert_str_eq(h_str(rs.rec[0], "would"), "trap");
	ck_assert_int_eq(rule_index(rs.rec[0]), 0);
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

/* Every record of learn mode: allowed, would be denied by the profile's default action. */
static void check_learn_record(json_t *rec)
{
	json_t *rule = json_object_get(rec, "rule");

	ck_assert_str_eq(h_str(rec, "action"), "allow");
	ck_assert_str_eq(h_str(rec, "would"), "deny");
	ck_assert_str_eq(h_str(rec, "mode"), "audit");
	ck_assert(json_is_null(json_object_get(rule, "index")));
	ck_assert(json_is_true(json_object_get(rule, "default")));
}

START_TEST(learn_records_every_syscall_from_the_execve_on)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "learned.jsonl");
	struct h_result r;
	struct h_records rs;
	size_t i;

	h_run(&r, NULL, h_bouncer(), "learn", "-o", log, "--", "/bin/true", NULL);
	h_assert_exit(&r, 0);
	h_read_records(log, &rs);
	h_check_seq(&rs);
	ck_assert_msg(rs.n >= 2, "expected the execve and more, got %zu", rs.n);
	/* The launcher makes no syscall but execve after installing the filter. */
	ck_assert_msg(!strcmp(h_str(rs.rec[0], "syscall"), "execve"),
	              "the first record is not the command's execve:\n%s", h_records_dump(&rs));
	ck_assert_uint_eq(h_count_syscall(&rs, "execve", NULL), 1);
	ck_assert_uint_eq(h_count_syscall(&rs, "exit_group", NULL), 1);
	for (i = 0; i < rs.n; i++)
		check_learn_record(rs.rec[i]);
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

START_TEST(learn_sees_each_call_of_the_program)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "learned.jsonl");
	char *probe = h_prog("sysprobe");
	struct h_result r;
	struct h_records rs;
	struct h_match m = H_ANY;
	long pid, tid;
	size_t i;

	h_run(&r, NULL, h_bouncer(), "learn", "-o", log, "--", probe, "ids", NULL);
	h_assert_exit(&r, 0);
	pid = h_long_after(r.out, "pid: ");
	tid = h_long_after(r.out, "tid: ");
	h_read_records(log, &rs);
	h_check_seq(&rs);
	for (i = 0; i < rs.n; i++) {
		check_learn_record(rs.rec[i]);
		/* Single-threaded, and the launcher's execve keeps the pid. */
		ck_assert_int_eq(h_int(rs.rec[i], "pid"), pid);
	}
	m.tid = tid;
	m.syscall = "getpid";
	ck_assert_uint_eq(h_count(&rs, &m), 1);
	m.syscall = "gettid";
	ck_assert_uint_eq(h_count(&rs, &m), 1);
	m.syscall = "write"; /* one per printed line */
	ck_assert_uint_eq(h_count(&rs, &m), 2);
	m.syscall = "exit_group";
	ck_assert_uint_eq(h_count(&rs, &m), 1);
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

/* --base keeps the profile's allows in the kernel: only the rest is recorded. */
START_TEST(learn_with_base_records_only_the_rest)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "learned.jsonl");
	char *probe = h_prog("sysprobe");
	struct h_result r;
	struct h_records rs;
	json_t *rec;

	h_run(&r, h_policy_dir(), h_bouncer(), "learn", "--base", "errno-socket.json", "-o", log,
	      "--", probe, "ids", "socket", "inet6", "socket", "inet", NULL);
	h_assert_exit(&r, 0);
	ck_assert_int_ge(h_long_after(r.out, "socket inet6: "), 0);
	ck_assert_int_ge(h_long_after(r.out, "socket inet: "), 0);
	h_read_records(log, &rs);
	h_check_seq(&rs);
	ck_assert_msg(rs.n == 1, "expected only the inet6 socket, got %zu:\n%s", rs.n,
	              h_records_dump(&rs));
	rec = rs.rec[0];
	ck_assert_str_eq(h_str(rec, "syscall"), "socket");
	ck_assert_uint_eq(h_arg(rec, 0), 10);
	ck_assert_str_eq(h_str(rec, "action"), "allow");
	ck_assert_str_eq(h_str(rec, "would"), "deny");
	ck_assert_str_eq(errno_name_of(rec, "would_errno"), "EACCES");
	ck_assert_int_eq(rule_index(rec), 1);
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

static Suite *actions_suite(void)
{
	Suite *s = suite_create("run_actions");
	TCase *tc = tcase_create("actions");

	/* Also outside meson (which sets CK_DEFAULT_TIMEOUT): runs take seconds, not Check\'s 4. */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, log_allows_and_records);
	tcase_add_test(tc, kill_process_kills_and_records);
	tcase_add_test(tc, fast_deny_kills_in_the_kernel);
	tcase_add_test(tc, notify_without_clauses_denies_with_default_errno);
	tcase_add_test(tc, audit_mode_allows_what_would_be_denied);
	tcase_add_test(tc, audit_mode_does_not_kill);
	tcase_add_test(tc, trap_stays_in_the_kernel);
	tcase_add_test(tc, audit_mode_records_what_would_trap);
	tcase_add_test(tc, learn_records_every_syscall_from_the_execve_on);
	tcase_add_test(tc, learn_sees_each_call_of_the_program);
	tcase_add_test(tc, learn_with_base_records_only_the_rest);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(actions_suite());
	int failed;

	srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY=verbose lists each test */
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
