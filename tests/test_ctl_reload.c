/* SPDX-License-Identifier: MIT */
/*
 * Live review, reload: `bouncer ctl reload` and SIGHUP switch the supervisor to a new policy
 * while the workload runs; an invalid file is refused with the errors `bouncer run` gives for
 * it and the old policy keeps being enforced; routing changes are reported as taking effect
 * only for new workloads.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "ctl_util.h"
#include "harness.h"

static const char *const notify_policy[] = {"-p", "notify-getpgid.json", NULL};

/* What `bouncer run` says about a policy file it refuses: its stderr's "bouncer: " line. */
static char *start_error(const char *policy)
{
	char *argv[] = {
	        (char *)h_bouncer(), "run", "-q", "--no-control", "-p", (char *)policy, "--",
	        "/bin/true",         NULL};
	struct c_result r;
	char *line, *nl;

	c_ctlv(&r, argv);
	ck_assert_int_eq(r.code, 125);
	ck_assert_msg(strncmp(r.err, "bouncer: ", 9) == 0, "stderr: %s", r.err);
	line = strdup(r.err + 9);
	nl = strchr(line, '\n');
	if (nl != NULL)
		*nl = '\0';
	c_result_free(&r);
	return line;
}

START_TEST(broken_file_is_refused_and_the_old_policy_kept)
{
	const char *const probe[] = {"waitfile", "@/go", "getpgid", "1", NULL};
	char *bad = h_policy("bad-syntax.json"), *expected = start_error(bad);
	struct c_run run;
	struct c_result c;
	struct h_result r;
	struct h_records rs;

	c_start(&run, notify_policy, probe);
	c_ctl(&c, run.sock, "reload", bad, NULL);
	ck_assert_int_eq(c.code, 1);
	/* The same message as at start, then what happens now. */
	ck_assert_msg(strstr(c.err, expected) != NULL, "reload said:\n%s\nstart says:\n%s", c.err,
	              expected);
	ck_assert_msg(strstr(c.err, "bad-syntax.json:"), "no file:line in: %s", c.err);
	ck_assert_msg(strstr(c.err, "the old policy keeps running"), "stderr: %s", c.err);
	c_result_free(&c);
	c_touch(&run, "go");
	c_wait_out(&run, "getpgid 1: EPERM");
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	h_read_records(run.log, &rs);
	ck_assert_int_eq(h_count_syscall(&rs, "getpgid", "deny"), 1);
	ck_assert_msg(strstr(h_str(rs.rec[0], "policy"), "notify-getpgid.json"), "policy: %s",
	              h_str(rs.rec[0], "policy"));
	h_records_free(&rs);
	free(expected);
}
END_TEST

START_TEST(valid_file_takes_effect_and_routing_changes_are_reported)
{
	const char *const probe[] = {"waitfile", "@/go", "getpgid", "1", NULL};
	char *next = h_policy("log-getpgid-getpid.json");
	struct c_run run;
	struct c_result c;
	struct h_result r;
	struct h_records rs;

	c_start(&run, notify_policy, probe);
	c_ctl(&c, run.sock, "reload", next, NULL);
	ck_assert_msg(c.code == 0, "reload: %d %s", c.code, c.err);
	ck_assert_msg(strstr(c.out, "reloaded"), "stdout: %s", c.out);
	/* getpid: allowed by the running filter in the kernel, logged by the new policy. */
	ck_assert_msg(strstr(c.out, "for new workloads only") && strstr(c.out, "getpid") &&
	                      strstr(c.out, "filter: kernel, new policy: supervisor"),
	              "stdout: %s", c.out);
	ck_assert_ptr_null(strstr(c.out, "getpgid "));
	c_result_free(&c);
	c_touch(&run, "go");
	c_wait_out(&run, "getpgid 1: ok");
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	h_read_records(run.log, &rs);
	ck_assert_int_eq(h_count_syscall(&rs, "getpgid", "log"), 1);
	ck_assert_str_eq(h_str(rs.rec[0], "policy"), next);
	h_records_free(&rs);
}
END_TEST

START_TEST(reload_answers_the_held_calls_the_new_policy_decides)
{
	/* Held by "ask"; the new policy logs getpgid: the held call is answered at once. */
	const char *const ask_policy[] = {"-p", "ask-getpgid.json", NULL};
	const char *const probe[] = {"getpgid", "1", NULL};
	char *next = h_policy("log-getpgid-getpid.json");
	struct c_run run;
	struct c_result c;
	struct h_result r;
	struct h_records rs;

	c_start(&run, ask_policy, probe);
	json_decref(c_wait_pending(run.sock, 1));
	c_ctl(&c, run.sock, "reload", next, NULL);
	ck_assert_msg(c.code == 0, "reload: %d %s", c.code, c.err);
	c_result_free(&c);
	c_wait_out(&run, "getpgid 1: ok");
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	h_read_records(run.log, &rs);
	ck_assert_msg(h_count_syscall(&rs, "getpgid", "log") == 1, "records:\n%s",
	              h_records_dump(&rs));
	ck_assert_str_eq(h_str(rs.rec[0], "policy"), next);
	h_records_free(&rs);
}
END_TEST

static void copy_file(const char *from, const char *to)
{
	char buf[8192];
	FILE *in = fopen(from, "r"), *out = fopen(to, "w");
	size_t n;

	ck_assert_msg(in && out, "copy %s to %s", from, to);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		ck_assert(fwrite(buf, 1, n, out) == n);
	fclose(in);
	ck_assert(fclose(out) == 0);
}

static long long stats_count(const char *sock, const char *key)
{
	struct c_result c;
	json_t *reply;
	long long n;

	c_ctl(&c, sock, "stats", "--json", NULL);
	ck_assert_msg(c.code == 0, "stats: %s", c.err);
	reply = json_loads(c.out, 0, NULL);
	ck_assert_ptr_nonnull(reply);
	n = json_integer_value(json_object_get(reply, key));
	json_decref(reply);
	c_result_free(&c);
	return n;
}

START_TEST(sighup_rereads_the_file)
{
	char *dir = h_tmpdir(), *policy = h_join(dir, "policy.json");
	const char *const extra[] = {"-p", policy, NULL};
	const char *const probe[] = {"waitfile", "@/go", "getpgid", "1", NULL};
	struct c_run run;
	struct h_result r;
	int rounds = 0;

	copy_file(h_policy("notify-getpgid.json"), policy);
	c_start(&run, extra, probe);
	/* A broken file first: refused, nothing changes. */
	copy_file(h_policy("bad-syntax.json"), policy);
	ck_assert_int_eq(kill(run.proc.pid, SIGHUP), 0);
	while (stats_count(run.sock, "reload_failures") < 1) {
		ck_assert_msg(++rounds < 500, "SIGHUP did not try to reload");
		usleep(20000);
	}
	ck_assert_int_eq(stats_count(run.sock, "reloads"), 0);
	copy_file(h_policy("log-getpgid-getpid.json"), policy);
	ck_assert_int_eq(kill(run.proc.pid, SIGHUP), 0);
	while (stats_count(run.sock, "reloads") < 1) {
		ck_assert_msg(++rounds < 1000, "SIGHUP did not reload");
		usleep(20000);
	}
	ck_assert_int_eq(stats_count(run.sock, "reloads"), 1);
	ck_assert_int_eq(stats_count(run.sock, "reload_failures"), 1);
	c_touch(&run, "go");
	c_wait_out(&run, "getpgid 1: ok");
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	ck_assert_msg(strstr(r.err, "SIGHUP: reload refused: ") && strstr(r.err, "policy.json:") &&
	                      strstr(r.err, "SIGHUP: policy reloaded from"),
	              "stderr:\n%s", r.err);
}
END_TEST

START_TEST(sighup_answers_the_held_calls_the_new_policy_decides)
{
	/* Held by "ask"; the file is rewritten to log getpgid and SIGHUP re-reads it. */
	char *dir = h_tmpdir(), *policy = h_join(dir, "policy.json");
	const char *const extra[] = {"-p", policy, NULL};
	const char *const probe[] = {"getpgid", "1", NULL};
	struct c_run run;
	struct h_result r;
	struct h_records rs;

	copy_file(h_policy("ask-getpgid.json"), policy);
	c_start(&run, extra, probe);
	json_decref(c_wait_pending(run.sock, 1));
	copy_file(h_policy("log-getpgid-getpid.json"), policy);
	ck_assert_int_eq(kill(run.proc.pid, SIGHUP), 0);
	c_wait_out(&run, "getpgid 1: ok");
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	h_read_records(run.log, &rs);
	ck_assert_msg(h_count_syscall(&rs, "getpgid", "log") == 1, "records:\n%s",
	              h_records_dump(&rs));
	ck_assert_str_eq(h_str(rs.rec[0], "policy"), policy);
	h_records_free(&rs);
}
END_TEST

static Suite *ctl_reload_suite(void)
{
	Suite *s = suite_create("ctl_reload");
	TCase *tc = tcase_create("reload");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, broken_file_is_refused_and_the_old_policy_kept);
	tcase_add_test(tc, valid_file_takes_effect_and_routing_changes_are_reported);
	tcase_add_test(tc, sighup_rereads_the_file);
	tcase_add_test(tc, sighup_answers_the_held_calls_the_new_policy_decides);
	tcase_add_test(tc, reload_answers_the_held_calls_the_new_policy_decides);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ctl_reload_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
