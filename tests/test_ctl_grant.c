/* SPDX-License-Identifier: MIT */
/*
 * Live review, grants: `bouncer ctl grant` widens what the supervisor allows, by count, time,
 * arguments or process; `revoke` and `rules`; grants that cannot take effect are refused with
 * a message that says why.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "ctl_util.h"
#include "harness.h"

/* getpgid: SCMP_ACT_NOTIFY without clauses, so the supervisor denies it with EPERM. */
static const char *const notify_policy[] = {"-p", "notify-getpgid.json", NULL};

/* The one record a grant decided (its "grant" member): fails unless there is exactly one. */
static json_t *the_granted_record(const struct h_records *rs)
{
	json_t *granted = NULL;

	for (size_t i = 0; i < rs->n; i++)
		if (json_object_get(rs->rec[i], "grant") != NULL) {
			ck_assert_msg(granted == NULL, "two granted records:\n%s",
			              h_records_dump(rs));
			granted = rs->rec[i];
		}
	ck_assert_msg(granted != NULL, "no granted record:\n%s", h_records_dump(rs));
	return granted;
}

START_TEST(grant_with_count_two_allows_two_calls)
{
	const char *const probe[] = {"waitfile", "@/go", "getpgid", "3", NULL};
	struct c_run run;
	struct c_result c;
	struct h_result r;
	struct h_records rs;
	size_t granted = 0;

	c_start(&run, notify_policy, probe);
	c_ctl(&c, run.sock, "grant", "getpgid", "--count", "2", NULL);
	ck_assert_msg(c.code == 0, "grant: %d %s", c.code, c.err);
	ck_assert_msg(strstr(c.out, "granted") && strstr(c.out, "remaining 2"), "stdout: %s",
	              c.out);
	c_result_free(&c);
	c_touch(&run, "go");
	c_wait_out(&run, "getpgid 3:");
	ck_assert_msg(h_has_line(run.proc.out.data, "getpgid 1: ok") &&
	                      h_has_line(run.proc.out.data, "getpgid 2: ok") &&
	                      h_has_line(run.proc.out.data, "getpgid 3: EPERM"),
	              "stdout:\n%s", run.proc.out.data);
	/* Used up: no longer listed. */
	c_ctl(&c, run.sock, "rules", "--json", NULL);
	if (c.code == 0)
		ck_assert_msg(strstr(c.out, "\"rules\":[]"), "rules: %s", c.out);
	c_result_free(&c);
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	h_read_records(run.log, &rs);
	ck_assert_int_eq(h_count_syscall(&rs, "getpgid", "allow"), 2);
	ck_assert_int_eq(h_count_syscall(&rs, "getpgid", "deny"), 1);
	for (size_t i = 0; i < rs.n; i++)
		if (strcmp(h_str(rs.rec[i], "action"), "allow") == 0)
			granted += json_integer_value(json_object_get(rs.rec[i], "grant")) == 1;
		else
			ck_assert_ptr_null(json_object_get(rs.rec[i], "grant"));
	ck_assert_int_eq(granted, 2);
	h_records_free(&rs);
}
END_TEST

START_TEST(grant_for_another_pid_or_args_does_not_apply)
{
	const char *const probe[] = {"waitfile", "@/go", "getpgid", "1", NULL};
	struct c_run run;
	struct c_result c;
	struct h_result r;

	c_start(&run, notify_policy, probe);
	/* Process 1 is not the workload; getpgid(7) is not getpgid(0). */
	c_ctl(&c, run.sock, "grant", "getpgid", "--pid", "1", NULL);
	ck_assert_int_eq(c.code, 0);
	c_result_free(&c);
	c_ctl(&c, run.sock, "grant", "getpgid", "--args", "0=7", "--for", "5m", NULL);
	ck_assert_int_eq(c.code, 0);
	c_result_free(&c);
	c_ctl(&c, run.sock, "rules", NULL);
	ck_assert_int_eq(c.code, 0);
	ck_assert_msg(strstr(c.out, "pid 1") && strstr(c.out, "args 0=0x7") &&
	                      strstr(c.out, "expires in"),
	              "rules:\n%s", c.out);
	c_result_free(&c);
	c_touch(&run, "go");
	c_wait_out(&run, "getpgid 1: EPERM");
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
}
END_TEST

START_TEST(revoke_removes_a_grant)
{
	const char *const probe[] = {"waitfile", "@/go", "getpgid", "1", NULL};
	struct c_run run;
	struct c_result c;
	struct h_result r;

	c_start(&run, notify_policy, probe);
	c_ctl(&c, run.sock, "grant", "getpgid", NULL);
	ck_assert_int_eq(c.code, 0);
	c_result_free(&c);
	c_ctl(&c, run.sock, "revoke", "1", NULL);
	ck_assert_msg(c.code == 0, "revoke: %s", c.err);
	c_result_free(&c);
	c_ctl(&c, run.sock, "revoke", "1", NULL);
	ck_assert_int_eq(c.code, 1);
	ck_assert_msg(strstr(c.err, "no grant or remembered rule with id 1"), "stderr: %s", c.err);
	c_result_free(&c);
	c_ctl(&c, run.sock, "rules", NULL);
	ck_assert_msg(strstr(c.out, "no grants"), "rules: %s", c.out);
	c_result_free(&c);
	c_touch(&run, "go");
	c_wait_out(&run, "getpgid 1: EPERM");
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
}
END_TEST

START_TEST(grants_that_cannot_take_effect_are_refused)
{
	const char *const trap_policy[] = {"-p", "trap-getpgid.json", NULL};
	const char *const probe[] = {"waitfile", "@/go", NULL};
	struct c_run run;
	struct c_result c;
	struct h_result r;

	c_start(&run, trap_policy, probe);
	/* The kernel filter allows getpid itself. */
	c_ctl(&c, run.sock, "grant", "getpid", NULL);
	ck_assert_int_eq(c.code, 1);
	ck_assert_msg(strstr(c.err, "already allows getpid"), "stderr: %s", c.err);
	c_result_free(&c);
	/* TRAP stays in the kernel: the supervisor never sees getpgid. */
	c_ctl(&c, run.sock, "grant", "getpgid", NULL);
	ck_assert_int_eq(c.code, 1);
	ck_assert_msg(strstr(c.err, "decides getpgid itself"), "stderr: %s", c.err);
	c_result_free(&c);
	/* With a path too: the route is checked first. */
	c_ctl(&c, run.sock, "grant", "openat", "--path", "/etc/*", NULL);
	ck_assert_int_eq(c.code, 1);
	ck_assert_msg(strstr(c.err, "already allows openat"), "stderr: %s", c.err);
	c_result_free(&c);
	c_ctl(&c, run.sock, "grant", "no_such_syscall", NULL);
	ck_assert_int_eq(c.code, 1);
	ck_assert_msg(strstr(c.err, "unknown syscall"), "stderr: %s", c.err);
	c_result_free(&c);
	c_ctl(&c, run.sock, "grant", "getpgid", "--args", "9=1", NULL);
	ck_assert_int_eq(c.code, 2);
	c_result_free(&c);
	c_ctl(&c, run.sock, "rules", NULL);
	ck_assert_msg(strstr(c.out, "no grants"), "rules: %s", c.out);
	c_result_free(&c);
	c_touch(&run, "go");
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
}
END_TEST

START_TEST(grant_with_a_path_is_emulated_and_only_for_that_path)
{
	char *dir = h_tmpdir(), *policy = h_join(dir, "policy.json");
	char *a = h_join(dir, "a"), *b = h_join(dir, "b");
	const char *const extra[] = {"-p", policy, NULL};
	const char *const probe[] = {"waitfile", "@/go", "cat", a, "cat", a, "cat", b, NULL};
	struct c_run run;
	struct c_result c;
	struct h_result r;
	struct h_records rs;
	json_t *granted;
	FILE *f;

	f = fopen(a, "w");
	fputs("AAA\n", f);
	fclose(f);
	f = fopen(b, "w");
	fputs("BBB\n", f);
	fclose(f);
	/* Opens are decided by clauses: the system's files are allowed, the rest denied. */
	f = fopen(policy, "w");
	fprintf(f, "{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	           " \"syscalls\": [{\"names\": [\"open\", \"openat\"],\n"
	           "   \"action\": \"SCMP_ACT_NOTIFY\",\n"
	           "   \"supervise\": [{\"paths\": [\"/usr/**\", \"/lib/**\", \"/lib64/**\", "
	           "\"/etc/**\", \"/proc/**\"], \"decision\": \"allow\"}],\n"
	           "   \"default\": {\"decision\": \"deny\", \"errno\": \"EACCES\"}}]}\n");
	fclose(f);
	c_start(&run, extra, probe);
	/* Not a path syscall, not an emulated one, not a path-less glob: refused. */
	c_ctl(&c, run.sock, "grant", "getpgid", "--path", a, NULL);
	ck_assert_int_eq(c.code, 1);
	c_result_free(&c);
	c_ctl(&c, run.sock, "grant", "openat", "--path", a, "--count", "1", NULL);
	ck_assert_msg(c.code == 0, "grant --path: %s", c.err);
	ck_assert_msg(strstr(c.out, "path"), "stdout: %s", c.out);
	c_result_free(&c);
	c_ctl(&c, run.sock, "rules", "--json", NULL);
	ck_assert_msg(strstr(c.out, h_fmt("\"path\":\"%s\"", a)), "rules: %s", c.out);
	c_result_free(&c);
	c_touch(&run, "go");
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	/* Once for a, as granted; then the grant is used up; b never matched it. */
	ck_assert_msg(h_has_line(r.out, h_fmt("cat %s: AAA", a)) &&
	                      h_count_lines_with(r.out, h_fmt("cat %s: EACCES", a)) == 1 &&
	                      h_has_line(r.out, h_fmt("cat %s: EACCES", b)),
	              "stdout:\n%s", r.out);
	h_read_records(run.log, &rs);
	granted = the_granted_record(&rs);
	ck_assert_str_eq(h_str(granted, "action"), "allow");
	ck_assert_msg(json_is_true(json_object_get(granted, "emulated")), "not emulated:\n%s",
	              h_records_dump(&rs));
	h_records_free(&rs);
}
END_TEST

START_TEST(a_chdir_path_grant_is_answered_continue_and_verified)
{
	char *dir = h_tmpdir(), *policy = h_join(dir, "policy.json");
	char *a = h_join(dir, "a"), *b = h_join(dir, "b");
	const char *const extra[] = {"-p", policy, NULL};
	const char *const probe[] = {"waitfile", "@/go", "cd", a, "cd", b, NULL};
	struct c_run run;
	struct c_result c;
	struct h_result r;
	struct h_records rs;
	json_t *granted;
	FILE *f;

	ck_assert_int_eq(mkdir(a, 0755), 0);
	ck_assert_int_eq(mkdir(b, 0755), 0);
	f = fopen(policy, "w");
	fprintf(f, "{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	           " \"syscalls\": [{\"names\": [\"chdir\"], \"action\": \"SCMP_ACT_NOTIFY\",\n"
	           "   \"supervise\": [{\"paths\": [\"/usr/**\"], \"decision\": \"allow\"}],\n"
	           "   \"default\": {\"decision\": \"deny\", \"errno\": \"EACCES\"}}]}\n");
	fclose(f);
	c_start(&run, extra, probe);
	/* chdir cannot be emulated: the grant is answered CONTINUE and verified, as a clause. */
	c_ctl(&c, run.sock, "grant", "chdir", "--path", a, NULL);
	ck_assert_msg(c.code == 0, "grant chdir --path: %s", c.err);
	c_result_free(&c);
	c_touch(&run, "go");
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, h_fmt("cd %s: ok, cwd %s", a, a)) &&
	                      h_has_line(r.out, h_fmt("cd %s: EACCES", b)),
	              "stdout:\n%s", r.out);
	h_read_records(run.log, &rs);
	granted = the_granted_record(&rs);
	ck_assert_str_eq(h_str(granted, "syscall"), "chdir");
	ck_assert_str_eq(h_str(granted, "action"), "allow");
	ck_assert_msg(json_is_false(json_object_get(granted, "race_free")) &&
	                      json_is_false(json_object_get(granted, "emulated")),
	              "%s", h_records_dump(&rs));
	for (size_t i = 0; i < rs.n; i++)
		ck_assert_msg(json_object_get(rs.rec[i], "cwd_mismatch") == NULL, "%s",
		              h_records_dump(&rs));
	h_records_free(&rs);
}
END_TEST

/* A TCP listener on 127.0.0.1 (backlog enough for the tests' connects); *port gets its port. */
static int tcp_listener(int *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(fd, 16), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

/* connect is decided by its address: every address asks the operator. */
static char *connect_ask_policy(void)
{
	char *policy = h_join(h_tmpdir(), "policy.json");
	FILE *f = fopen(policy, "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f, "{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	           " \"syscalls\": [{\"names\": [\"connect\"], \"action\": \"SCMP_ACT_NOTIFY\",\n"
	           "   \"supervise\": [{\"addresses\": [\"inet:*:*\"], \"decision\": \"ask\"}],\n"
	           "   \"default\": {\"decision\": \"deny\", \"errno\": \"EACCES\"}}]}\n");
	fclose(f);
	return policy;
}

START_TEST(an_address_grant_allows_that_address_only)
{
	char *policy = connect_ask_policy();
	const char *const extra[] = {"-p", policy, NULL};
	int ok_port, other_port, ok_fd = tcp_listener(&ok_port),
	                         other_fd = tcp_listener(&other_port);
	char *ok = h_fmt("%d", ok_port), *other = h_fmt("%d", other_port);
	const char *const probe[] = {"waitfile", "@/go", "connect", ok, "connect", other, NULL};
	struct c_run run;
	struct c_result c;
	struct h_result r;
	struct h_records rs;
	json_t *list, *granted;

	c_start(&run, extra, probe);
	/* An address pattern on a syscall without one is refused, as a bad pattern is. */
	c_ctl(&c, run.sock, "grant", "openat", "--address", "inet:*:*", NULL);
	ck_assert_int_eq(c.code, 1);
	c_result_free(&c);
	c_ctl(&c, run.sock, "grant", "connect", "--address", "inet:1.2.3.4/8:*", NULL);
	ck_assert_int_eq(c.code, 1);
	c_result_free(&c);
	c_ctl(&c, run.sock, "grant", "connect", "--address", h_fmt("inet:127.0.0.1:%d", ok_port),
	      NULL);
	ck_assert_msg(c.code == 0, "grant --address: %s", c.err);
	ck_assert_msg(strstr(c.out, h_fmt("address inet:127.0.0.1:%d", ok_port)), "%s", c.out);
	c_result_free(&c);
	c_touch(&run, "go");
	/* The granted address connects at once; the other one is held for the operator. */
	c_wait_out(&run, h_fmt("connect %d: ok", ok_port));
	list = c_wait_pending(run.sock, 1);
	c_ctl(&c, run.sock, "deny",
	      h_fmt("%lld", json_integer_value(json_object_get(json_array_get(list, 0), "id"))),
	      NULL);
	ck_assert_msg(c.code == 0, "deny: %s", c.err);
	c_result_free(&c);
	json_decref(list);
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, h_fmt("connect %d: EACCES", other_port)), "stdout:\n%s",
	              r.out);
	h_read_records(run.log, &rs);
	granted = the_granted_record(&rs);
	ck_assert_str_eq(h_str(granted, "address"), h_fmt("inet:127.0.0.1:%d", ok_port));
	ck_assert_msg(json_is_true(json_object_get(granted, "emulated")), "%s",
	              h_records_dump(&rs));
	h_records_free(&rs);
	close(ok_fd);
	close(other_fd);
}
END_TEST

START_TEST(remembering_a_connect_remembers_its_address)
{
	char *policy = connect_ask_policy();
	const char *const extra[] = {"-p", policy, NULL};
	int port, fd = tcp_listener(&port), other_port, other_fd = tcp_listener(&other_port);
	char *p = h_fmt("%d", port), *o = h_fmt("%d", other_port);
	const char *const probe[] = {"connect", p, "connect", p, "connect", o, NULL};
	struct c_run run;
	struct c_result c;
	struct h_result r;
	json_t *list;

	c_start(&run, extra, probe);
	list = c_wait_pending(run.sock, 1);
	c_ctl(&c, run.sock, "allow",
	      h_fmt("%lld", json_integer_value(json_object_get(json_array_get(list, 0), "id"))),
	      "--remember", "process", NULL);
	ck_assert_msg(c.code == 0, "allow --remember: %s", c.err);
	c_result_free(&c);
	json_decref(list);
	c_ctl(&c, run.sock, "rules", "--json", NULL);
	ck_assert_msg(strstr(c.out, h_fmt("\"address\":\"inet:127.0.0.1:%d\"", port)), "rules: %s",
	              c.out);
	c_result_free(&c);
	/* The second connect to the same address is answered by the rule; the other waits. */
	c_wait_out(&run, h_fmt("connect %d: ok", port));
	list = c_wait_pending(run.sock, 1);
	ck_assert_msg(h_count_lines_with(run.proc.out.data, h_fmt("connect %d: ok", port)) == 2,
	              "stdout: %s", run.proc.out.data);
	c_ctl(&c, run.sock, "deny",
	      h_fmt("%lld", json_integer_value(json_object_get(json_array_get(list, 0), "id"))),
	      NULL);
	c_result_free(&c);
	json_decref(list);
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, h_fmt("connect %d: EACCES", other_port)), "stdout:\n%s",
	              r.out);
	close(fd);
	close(other_fd);
}
END_TEST

START_TEST(a_grant_answers_the_calls_already_held)
{
	/* Held by "ask" before the grant exists: the grant answers it, no operator needed. */
	const char *const ask_policy[] = {"-p", "ask-getpgid.json", NULL};
	const char *const probe[] = {"getpgid", "1", NULL};
	struct c_run run;
	struct c_result c;
	struct h_result r;
	struct h_records rs;
	struct h_match m = H_ANY;
	json_t *list, *rec;
	long long held;

	c_start(&run, ask_policy, probe);
	list = c_wait_pending(run.sock, 1);
	held = json_integer_value(json_object_get(json_array_get(list, 0), "id"));
	json_decref(list);
	c_ctl(&c, run.sock, "grant", "getpgid", NULL);
	ck_assert_msg(c.code == 0, "grant: %d %s", c.code, c.err);
	/* The human output names the held call the grant answered. */
	ck_assert_msg(h_has_line(c.out, h_fmt("also answered: %lld", held)), "stdout: %s", c.out);
	c_result_free(&c);
	c_wait_out(&run, "getpgid 1: ok");
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	h_read_records(run.log, &rs);
	m.syscall = "getpgid";
	ck_assert_msg(h_count(&rs, &m) == 1, "records:\n%s", h_records_dump(&rs));
	rec = h_find(&rs, &m);
	ck_assert_str_eq(h_str(rec, "action"), "allow");
	ck_assert_int_eq(json_integer_value(json_object_get(rec, "grant")), 1);
	h_records_free(&rs);
}
END_TEST

START_TEST(a_path_grant_answers_the_held_open_of_that_path)
{
	char *dir = h_tmpdir(), *policy = h_join(dir, "policy.json");
	char *a = h_join(dir, "a"), *b = h_join(dir, "b");
	const char *const extra[] = {"-p", policy, NULL};
	const char *const probe[] = {"cat", a, NULL};
	struct c_run run;
	struct c_result c;
	struct h_result r;
	struct h_records rs;
	json_t *rec;
	FILE *f;

	f = fopen(a, "w");
	fputs("AAA\n", f);
	fclose(f);
	f = fopen(policy, "w");
	fprintf(f,
	        "{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	        " \"syscalls\": [{\"names\": [\"open\", \"openat\"], \"action\": "
	        "\"SCMP_ACT_NOTIFY\",\n"
	        "   \"supervise\": [{\"paths\": [\"%s\"], \"decision\": \"ask\"},\n"
	        "                 {\"decision\": \"allow\"}],\n"
	        "   \"default\": {\"decision\": \"deny\", \"errno\": \"EROFS\"}}]}\n",
	        a);
	fclose(f);
	c_start(&run, extra, probe);
	json_decref(c_wait_pending(run.sock, 1));
	/* Another path: the held open stays held. */
	c_ctl(&c, run.sock, "grant", "openat", "--path", b, NULL);
	ck_assert_msg(c.code == 0, "grant: %s", c.err);
	c_result_free(&c);
	json_decref(c_wait_pending(run.sock, 1));
	c_ctl(&c, run.sock, "grant", "openat", "--path", a, NULL);
	ck_assert_msg(c.code == 0, "grant: %s", c.err);
	c_result_free(&c);
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, h_fmt("cat %s: AAA", a)), "stdout:\n%s", r.out);
	h_read_records(run.log, &rs);
	rec = the_granted_record(&rs);
	ck_assert_int_eq(json_integer_value(json_object_get(rec, "grant")), 2);
	ck_assert_str_eq(h_str(rec, "action"), "allow");
	ck_assert_msg(json_is_true(json_object_get(rec, "emulated")), "not emulated:\n%s",
	              h_records_dump(&rs));
	h_records_free(&rs);
}
END_TEST

static Suite *ctl_grant_suite(void)
{
	Suite *s = suite_create("ctl_grant");
	TCase *tc = tcase_create("grant");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, grant_with_count_two_allows_two_calls);
	tcase_add_test(tc, grant_for_another_pid_or_args_does_not_apply);
	tcase_add_test(tc, revoke_removes_a_grant);
	tcase_add_test(tc, grants_that_cannot_take_effect_are_refused);
	tcase_add_test(tc, grant_with_a_path_is_emulated_and_only_for_that_path);
	tcase_add_test(tc, a_grant_answers_the_calls_already_held);
	tcase_add_test(tc, a_chdir_path_grant_is_answered_continue_and_verified);
	tcase_add_test(tc, an_address_grant_allows_that_address_only);
	tcase_add_test(tc, remembering_a_connect_remembers_its_address);
	tcase_add_test(tc, a_path_grant_answers_the_held_open_of_that_path);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ctl_grant_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
