/* SPDX-License-Identifier: MIT */
/*
 * The live tests' harness itself (tests/harness.c), on the probes run directly without bouncer:
 * output capture, exit statuses, the time limit, waiting for output, record parsing and schema
 * checks. If these fail, the bouncer tests' verdicts mean nothing.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "harness.h"

/* A record as docs/decision-log.md's example shows it. */
#define GOOD_RECORD                                                                                \
	"{\"v\":1,\"ts\":\"2026-11-23T23:30:01.123456789Z\",\"run\":\"5f0c3a9e1b2d4c67\",\"seq\":" \
	"1,"                                                                                       \
	"\"pid\":4242,\"tid\":4242,\"comm\":\"unshare\",\"exe\":\"/usr/bin/unshare\","             \
	"\"arch\":\"SCMP_ARCH_X86_64\",\"syscall\":\"unshare\",\"nr\":272,"                        \
	"\"args\":[\"0x10000000\",\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"],\"action\":\"deny\","   \
	"\"errno\":{\"name\":\"EPERM\",\"nr\":1},\"rule\":{\"index\":41,\"comment\":"              \
	"\"namespaces\"},"                                                                         \
	"\"mode\":\"enforce\",\"policy\":\"<default>\"}\n"

START_TEST(captures_output_and_exit_code)
{
	char *probe = h_prog("sysprobe");
	struct h_result r;

	h_run(&r, NULL, probe, "ids", "to-stderr", "socket", "unix", "exit", "3", NULL);
	h_assert_exit(&r, 3);
	ck_assert_int_gt(h_long_after(r.out, "pid: "), 0);
	ck_assert_int_eq(h_long_after(r.out, "pid: "), h_long_after(r.out, "tid: "));
	ck_assert_ptr_nonnull(h_line_after(r.err, "socket unix: "));
	ck_assert_ptr_null(h_line_after(r.out, "socket unix: "));
	h_result_free(&r);
	free(probe);
}
END_TEST

START_TEST(reports_death_by_signal)
{
	char *probe = h_prog("sysprobe");
	struct h_result r;

	h_run(&r, NULL, probe, "raise", "ABRT", NULL);
	ck_assert(!r.timed_out);
	ck_assert(!r.exited);
	ck_assert_int_eq(r.signal, SIGABRT);
	ck_assert_ptr_null(strstr(r.out, "survived"));
	h_result_free(&r);
	free(probe);
}
END_TEST

START_TEST(kills_what_outlives_its_time_limit)
{
	char *const argv[] = {"/bin/sleep", "100", NULL};
	struct h_proc p;
	struct h_result r;

	h_spawn(&p, NULL, argv);
	ck_assert(!h_wait_exit(&p, 200));
	h_finish(&p, 200, &r);
	ck_assert(r.timed_out);
	ck_assert_int_eq(r.signal, SIGKILL);
	h_result_free(&r);
}
END_TEST

START_TEST(waits_for_output_then_signals)
{
	char *probe = h_prog("sysprobe");
	char *const argv[] = {probe, "waitsig", NULL};
	struct h_proc p;
	struct h_result r;

	h_spawn(&p, NULL, argv);
	ck_assert(h_wait_stdout(&p, "ready\n", H_DEFAULT_TIMEOUT_MS));
	ck_assert_int_eq(kill(p.pid, SIGTERM), 0);
	h_finish(&p, H_DEFAULT_TIMEOUT_MS, &r);
	h_assert_exit(&r, 0);
	ck_assert(h_has_line(r.out, "got TERM"));
	h_result_free(&r);
	free(probe);
}
END_TEST

START_TEST(finishing_one_process_spares_another)
{
	char *probe = h_prog("sysprobe");
	char *const waiter[] = {probe, "waitsig", NULL};
	char *const quick[] = {probe, "ids", NULL};
	struct h_proc a, b;
	struct h_result ra, rb;

	h_spawn(&a, NULL, waiter);
	ck_assert(h_wait_stdout(&a, "ready\n", H_DEFAULT_TIMEOUT_MS));
	h_spawn(&b, NULL, quick);
	h_finish(&b, H_DEFAULT_TIMEOUT_MS, &rb);
	h_assert_exit(&rb, 0);
	ck_assert_int_eq(kill(a.pid, SIGTERM), 0);
	h_finish(&a, H_DEFAULT_TIMEOUT_MS, &ra);
	h_assert_exit(&ra, 0);
	ck_assert(h_has_line(ra.out, "got TERM"));
	h_result_free(&ra);
	h_result_free(&rb);
}
END_TEST

START_TEST(runs_in_the_given_directory)
{
	char *dir = h_tmpdir();
	char *probe = h_prog("sysprobe");
	char *file = h_join(dir, "made-here");
	struct stat st;
	struct h_result r;

	h_run(&r, dir, probe, "touch", "made-here", NULL);
	h_assert_exit(&r, 0);
	ck_assert_int_eq(stat(file, &st), 0);
	h_result_free(&r);
}
END_TEST

START_TEST(line_helpers)
{
	const char *text = "pid: 12\nworker: pid=5 tid=7 comm=x calls=3\nready\nreadyish\n";

	ck_assert(h_has_line(text, "ready"));
	ck_assert(!h_has_line(text, "read"));
	ck_assert_int_eq(h_long_after(text, "pid: "), 12);
	ck_assert_int_eq(h_field_long(h_line_after(text, "worker: "), "tid"), 7);
	ck_assert_int_eq(h_field_long(h_line_after(text, "worker: "), "pid"), 5);
	ck_assert_uint_eq(h_count_lines_with(text, "ready"), 2);
}
END_TEST

START_TEST(parses_and_checks_records)
{
	struct h_records rs;
	struct h_match m = H_ANY;

	h_parse_records(GOOD_RECORD GOOD_RECORD, &rs);
	ck_assert_uint_eq(rs.n, 2);
	ck_assert_str_eq(h_str(rs.rec[0], "syscall"), "unshare");
	ck_assert_uint_eq(h_arg(rs.rec[0], 0), 0x10000000);
	m.syscall = "unshare";
	m.arg_index = 0;
	m.arg_value = 0x10000000;
	ck_assert_uint_eq(h_count(&rs, &m), 2);
	m.arg_value = 1;
	ck_assert_uint_eq(h_count(&rs, &m), 0);
	ck_assert_uint_eq(h_count_syscall(&rs, "unshare", "deny"), 2);
	ck_assert_uint_eq(h_count_syscall(&rs, "unshare", "log"), 0);
	h_records_free(&rs);
}
END_TEST

/* Each of these must make h_parse_records() fail the (forked) test. */
static const char *const bad_records[] = {
        /* ts without nanoseconds */
        "{\"v\":1,\"ts\":\"2026-11-23T23:30:01Z\",\"run\":\"5f0c3a9e1b2d4c67\",\"seq\":1,\"pid\":1,"
        "\"tid\":1,\"comm\":\"a\",\"exe\":\"\",\"arch\":\"SCMP_ARCH_X86_64\",\"syscall\":\"read\","
        "\"nr\":0,\"args\":[\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"],\"action\":\"log\","
        "\"rule\":{\"index\":0},\"mode\":\"enforce\",\"policy\":\"p\"}\n",
        /* five args */
        "{\"v\":1,\"ts\":\"2026-11-23T23:30:01.123456789Z\",\"run\":\"5f0c3a9e1b2d4c67\",\"seq\":1,"
        "\"pid\":1,\"tid\":1,\"comm\":\"a\",\"exe\":\"\",\"arch\":\"SCMP_ARCH_X86_64\","
        "\"syscall\":\"read\",\"nr\":0,\"args\":[\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"],"
        "\"action\":\"log\",\"rule\":{\"index\":0},\"mode\":\"enforce\",\"policy\":\"p\"}\n",
        /* deny without errno */
        "{\"v\":1,\"ts\":\"2026-11-23T23:30:01.123456789Z\",\"run\":\"5f0c3a9e1b2d4c67\",\"seq\":1,"
        "\"pid\":1,\"tid\":1,\"comm\":\"a\",\"exe\":\"\",\"arch\":\"SCMP_ARCH_X86_64\","
        "\"syscall\":\"read\",\"nr\":0,\"args\":[\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"],"
        "\"action\":\"deny\",\"rule\":{\"index\":0},\"mode\":\"enforce\",\"policy\":\"p\"}\n",
        /* errno name that does not name its number */
        "{\"v\":1,\"ts\":\"2026-11-23T23:30:01.123456789Z\",\"run\":\"5f0c3a9e1b2d4c67\",\"seq\":1,"
        "\"pid\":1,\"tid\":1,\"comm\":\"a\",\"exe\":\"\",\"arch\":\"SCMP_ARCH_X86_64\","
        "\"syscall\":\"read\",\"nr\":0,\"args\":[\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"],"
        "\"action\":\"deny\",\"errno\":{\"name\":\"EPERM\",\"nr\":13},\"rule\":{\"index\":0},"
        "\"mode\":\"enforce\",\"policy\":\"p\"}\n",
        /* would in enforce mode */
        "{\"v\":1,\"ts\":\"2026-11-23T23:30:01.123456789Z\",\"run\":\"5f0c3a9e1b2d4c67\",\"seq\":1,"
        "\"pid\":1,\"tid\":1,\"comm\":\"a\",\"exe\":\"\",\"arch\":\"SCMP_ARCH_X86_64\","
        "\"syscall\":\"read\",\"nr\":0,\"args\":[\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"],"
        "\"action\":\"allow\",\"would\":\"kill\",\"rule\":{\"index\":0},\"mode\":\"enforce\","
        "\"policy\":\"p\"}\n",
        /* a record cut short (no newline) */
        "{\"v\":1}",
        /* not JSON */
        "hello\n",
};

START_TEST(rejects_bad_records)
{
	struct h_records rs;

	h_parse_records(bad_records[_i], &rs);
}
END_TEST

START_TEST(rejects_seq_gaps)
{
	char *text = h_fmt("%s%s", GOOD_RECORD, GOOD_RECORD); /* seq 1, 1 */
	struct h_records rs;

	h_parse_records(text, &rs);
	h_check_seq(&rs);
}
END_TEST

static Suite *harness_suite(void)
{
	Suite *s = suite_create("run_harness");
	TCase *tc = tcase_create("harness");

	/* Also outside meson (which sets CK_DEFAULT_TIMEOUT): runs take seconds, not Check\'s 4. */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, captures_output_and_exit_code);
	tcase_add_test(tc, reports_death_by_signal);
	tcase_add_test(tc, kills_what_outlives_its_time_limit);
	tcase_add_test(tc, waits_for_output_then_signals);
	tcase_add_test(tc, finishing_one_process_spares_another);
	tcase_add_test(tc, runs_in_the_given_directory);
	tcase_add_test(tc, line_helpers);
	tcase_add_test(tc, parses_and_checks_records);
	/* A failed assertion in the harness exits the forked test with status 1. */
	tcase_add_loop_exit_test(tc, rejects_bad_records, 1, 0,
	                         sizeof(bad_records) / sizeof(bad_records[0]));
	tcase_add_exit_test(tc, rejects_seq_gaps, 1);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(harness_suite());
	int failed;

	srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY=verbose lists each test */
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
