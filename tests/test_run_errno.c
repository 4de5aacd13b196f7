/* SPDX-License-Identifier: MIT */
/*
 * `bouncer run`: ERRNO rules and argument conditions, as the workload sees them and as they are
 * recorded. The probe prints what each syscall returned; the decision log must hold exactly one
 * record per supervised decision and nothing for what the kernel allowed by itself.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>

#include "harness.h"

/* What the probe prints for these ops when nothing filters it (baseline for kernel answers). */
static char *unfiltered_line(const char *op, const char *arg, const char *prefix)
{
	char *probe = h_prog("sysprobe");
	struct h_result r;
	char *line;

	h_run(&r, NULL, probe, op, arg, NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_line_after(r.out, prefix), "baseline run printed no \"%s\"", prefix);
	line = h_fmt("%s%s", prefix, h_line_after(r.out, prefix));
	h_result_free(&r);
	free(probe);
	return line;
}

START_TEST(errno_rule_denies_with_its_errno_and_records_it)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *probe = h_prog("sysprobe");
	char exe[PATH_MAX];
	time_t before, after;
	struct h_result r;
	struct h_records rs;
	json_t *rec, *err, *rule;

	before = time(NULL);
	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "errno-socket.json", "-o", log,
	      "--", probe, "ids", "socket", "inet6", "socket", "inet", "socket", "unix", NULL);
	after = time(NULL);
	h_assert_exit(&r, 0);
	/* The rule's condition selects AF_INET6 only. */
	ck_assert_msg(h_has_line(r.out, "socket inet6: -1 EACCES"), "stdout:\n%s", r.out);
	ck_assert_int_ge(h_long_after(r.out, "socket inet: "), 0);
	ck_assert_int_ge(h_long_after(r.out, "socket unix: "), 0);

	h_read_records(log, &rs);
	h_check_seq(&rs);
	/* The allowed sockets (and the plainly allowed execve) never reach the supervisor. */
	ck_assert_msg(rs.n == 1, "expected only the inet6 socket's record, got %zu:\n%s", rs.n,
	              h_records_dump(&rs));
	rec = rs.rec[0];
	ck_assert_int_eq(h_int(rec, "v"), 1);
	ck_assert_str_eq(h_str(rec, "syscall"), "socket");
	ck_assert_int_eq(h_int(rec, "nr"), 41);
	ck_assert_str_eq(h_str(rec, "arch"), "SCMP_ARCH_X86_64");
	ck_assert_int_eq(h_int(rec, "pid"), h_long_after(r.out, "pid: "));
	ck_assert_int_eq(h_int(rec, "tid"), h_long_after(r.out, "tid: "));
	ck_assert_str_eq(h_str(rec, "comm"), "sysprobe");
	ck_assert_ptr_nonnull(realpath(probe, exe));
	ck_assert_str_eq(h_str(rec, "exe"), exe);
	ck_assert_uint_eq(h_arg(rec, 0), 10); /* AF_INET6 */
	ck_assert_uint_eq(h_arg(rec, 1), 1);  /* SOCK_STREAM */
	ck_assert_uint_eq(h_arg(rec, 2), 0);
	ck_assert_str_eq(h_str(rec, "action"), "deny");
	err = json_object_get(rec, "errno");
	ck_assert_str_eq(json_string_value(json_object_get(err, "name")), "EACCES");
	ck_assert_int_eq(json_integer_value(json_object_get(err, "nr")), 13);
	rule = json_object_get(rec, "rule");
	ck_assert(json_is_integer(json_object_get(rule, "index")));
	ck_assert_int_eq(json_integer_value(json_object_get(rule, "index")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(rule, "comment")), "no IPv6 sockets");
	ck_assert(!json_is_true(json_object_get(rule, "default")));
	ck_assert_str_eq(h_str(rec, "mode"), "enforce");
	ck_assert_ptr_null(json_object_get(rec, "would"));
	ck_assert_str_eq(h_str(rec, "policy"), "errno-socket.json");
	/* Decided during this run (whole seconds: ts carries the date and time of the decision). */
	ck_assert_int_ge(h_ts_seconds(rec), before - 1);
	ck_assert_int_le(h_ts_seconds(rec), after + 1);
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

START_TEST(fast_deny_keeps_the_errno_in_the_kernel)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *probe = h_prog("sysprobe");
	struct h_result r;
	struct h_records rs;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "--fast-deny", "-p",
	      "errno-socket.json", "-o", log, "--", probe, "socket", "inet6", "socket", "inet",
	      NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, "socket inet6: -1 EACCES"), "stdout:\n%s", r.out);
	ck_assert_int_ge(h_long_after(r.out, "socket inet: "), 0);
	h_read_records(log, &rs);
	ck_assert_msg(rs.n == 0, "--fast-deny must not record kernel denials, got:\n%s",
	              h_records_dump(&rs));
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

START_TEST(personality_values_select_rules)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *probe = h_prog("sysprobe");
	char *query = unfiltered_line("personality", "0xffffffff", "personality 0xffffffff: ");
	struct h_result r;
	struct h_records rs;
	json_t *rec;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "personality.json", "-o", log,
	      "--", probe, "ids", "personality", "0xffffffff", "personality", "0x40000",
	      "personality", "0", NULL);
	h_assert_exit(&r, 0);
	/* LOG allows: the query returns what it returns without bouncer. */
	ck_assert_msg(h_has_line(r.out, query), "want \"%s\"; stdout:\n%s", query, r.out);
	ck_assert_msg(h_has_line(r.out, "personality 0x40000: -1 EPERM"), "stdout:\n%s", r.out);
	ck_assert_msg(h_has_line(r.out, "personality 0: 0"), "stdout:\n%s", r.out);

	h_read_records(log, &rs);
	h_check_seq(&rs);
	ck_assert_msg(rs.n == 2, "expected the query (log) and 0x40000 (deny), got %zu:\n%s", rs.n,
	              h_records_dump(&rs));
	rec = rs.rec[0];
	ck_assert_str_eq(h_str(rec, "syscall"), "personality");
	ck_assert_str_eq(h_str(rec, "action"), "log");
	ck_assert_uint_eq(h_arg(rec, 0), 0xffffffffULL);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(rec, "rule"), "index")),
	                 2);
	ck_assert_int_eq(h_int(rec, "tid"), h_long_after(r.out, "tid: "));
	rec = rs.rec[1];
	ck_assert_str_eq(h_str(rec, "syscall"), "personality");
	ck_assert_str_eq(h_str(rec, "action"), "deny");
	ck_assert_uint_eq(h_arg(rec, 0), 0x40000);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(rec, "errno"), "name")),
	                 "EPERM");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(rec, "rule"), "index")),
	                 1);
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

/*
 * SCMP_CMP_MASKED_EQ as Docker/runc read it: "value" is the mask, "valueTwo" the expected
 * masked value. The unshare rule (mask NEWUSER|NEWNET, want NEWNET) tells the two readings
 * apart: read the other way round it could never match.
 */
START_TEST(masked_eq_on_clone_flags)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *probe = h_prog("sysprobe");
	char *newuser = unfiltered_line("unshare", "0x10000000", "unshare 0x10000000: ");
	struct h_result r;
	struct h_records rs;
	json_t *rec;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "masked-clone.json", "-o", log,
	      "--", probe, "ids", "fork", "clone-newuser", "unshare", "0x40000000", "unshare",
	      "0x10000000", NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, "fork: ok"), "stdout:\n%s", r.out);
	ck_assert_msg(h_has_line(r.out, "clone newuser: -1 EPERM"), "stdout:\n%s", r.out);
	ck_assert_msg(h_has_line(r.out, "unshare 0x40000000: -1 EACCES"), "stdout:\n%s", r.out);
	/* Not selected by the mask: the kernel answers as it does without bouncer. */
	ck_assert_msg(h_has_line(r.out, newuser), "want \"%s\"; stdout:\n%s", newuser, r.out);

	h_read_records(log, &rs);
	h_check_seq(&rs);
	ck_assert_msg(rs.n == 2, "expected the clone and the first unshare, got %zu:\n%s", rs.n,
	              h_records_dump(&rs));
	rec = rs.rec[0];
	ck_assert_str_eq(h_str(rec, "syscall"), "clone");
	ck_assert_str_eq(h_str(rec, "action"), "deny");
	ck_assert_uint_eq(h_arg(rec, 0), 0x10000000 | 17 /* SIGCHLD */);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(rec, "errno"), "name")),
	                 "EPERM");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(rec, "rule"), "index")),
	                 0);
	ck_assert_int_eq(h_int(rec, "pid"), h_long_after(r.out, "pid: "));
	rec = rs.rec[1];
	ck_assert_str_eq(h_str(rec, "syscall"), "unshare");
	ck_assert_uint_eq(h_arg(rec, 0), 0x40000000);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(rec, "errno"), "name")),
	                 "EACCES");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(rec, "rule"), "index")),
	                 1);
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_object_get(rec, "rule"), "comment")),
	        "no network namespace without a user namespace");
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

/* Without -p: the embedded default policy, recorded as "<default>"; namespaces are refused. */
START_TEST(default_policy_denies_namespaces)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *probe = h_prog("sysprobe");
	struct h_result r;
	struct h_records rs;
	struct h_match m = H_ANY;
	json_t *rec, *comment;
	size_t i;

	h_run(&r, NULL, h_bouncer(), "run", "-q", "-o", log, "--", probe, "ids", "unshare",
	      "0x10000000", NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, "unshare 0x10000000: -1 EPERM"), "stdout:\n%s", r.out);
	h_read_records(log, &rs);
	h_check_seq(&rs);
	for (i = 0; i < rs.n; i++)
		ck_assert_str_eq(h_str(rs.rec[i], "policy"), "<default>");
	m.syscall = "unshare";
	m.tid = h_long_after(r.out, "tid: ");
	ck_assert_uint_eq(h_count(&rs, &m), 1);
	rec = h_find(&rs, &m);
	ck_assert_str_eq(h_str(rec, "action"), "deny");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(rec, "errno"), "name")),
	                 "EPERM");
	ck_assert_uint_eq(h_arg(rec, 0), 0x10000000);
	/* A named rule of the default policy decided, with its comment. */
	ck_assert(json_is_integer(json_object_get(json_object_get(rec, "rule"), "index")));
	comment = json_object_get(json_object_get(rec, "rule"), "comment");
	ck_assert(json_is_string(comment) && *json_string_value(comment));
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

static Suite *errno_suite(void)
{
	Suite *s = suite_create("run_errno");
	TCase *tc = tcase_create("errno");

	/* Also outside meson (which sets CK_DEFAULT_TIMEOUT): runs take seconds, not Check\'s 4. */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, errno_rule_denies_with_its_errno_and_records_it);
	tcase_add_test(tc, fast_deny_keeps_the_errno_in_the_kernel);
	tcase_add_test(tc, personality_values_select_rules);
	tcase_add_test(tc, masked_eq_on_clone_flags);
	tcase_add_test(tc, default_policy_denies_namespaces);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(errno_suite());
	int failed;

	srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY=verbose lists each test */
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
