/* SPDX-License-Identifier: MIT */
/* Unit tests for supervise_eval.c: first match wins, every condition holds, default applies. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "supervise_eval.h"

#if !__has_include("errno_name.h")
/*
 * LOCAL TEST FALLBACK, remove when errno_name.c (policy branch) is merged: the real
 * errno_from_name() maps every Linux name; this knows what the tests use.
 */
int errno_from_name(const char *name);
int errno_from_name(const char *name)
{
	if (strcmp(name, "EACCES") == 0)
		return 13;
	if (strcmp(name, "EROFS") == 0)
		return 30;
	return -1;
}
#endif

static struct supervise_rule *rule_from(const char *json, char *const *names, size_t n_names)
{
	json_error_t jerr;
	json_t *j = json_loads(json, 0, &jerr);
	struct supervise_rule *r;
	bouncer_error_t err = {0};

	ck_assert_msg(j != NULL, "test JSON: %s", jerr.text);
	ck_assert_msg(supervise_parse(json_object_get(j, "supervise"),
	                              json_object_get(j, "default"), 0, names, n_names, 1, &r, NULL,
	                              0, &err) == 0,
	              "%s", err.msg);
	json_decref(j);
	return r;
}

static char *open_names[] = {"openat"};
static char *rename_names[] = {"renameat2"};
static char *connect_names[] = {"connect"};
static char *exec_names[] = {"execve"};

/* Evaluates and checks verdict, errno (for deny) and the deciding clause. */
static void expect(const struct supervise_rule *r, const struct supervise_facts *f,
                   enum supervise_verdict verdict, int errno_nr, long clause)
{
	struct supervise_decision d;
	long c = -2;

	ck_assert_int_eq(supervise_eval(r, f, &d, &c), 0);
	ck_assert_int_eq(d.verdict, verdict);
	if (verdict == SUPERVISE_DENY)
		ck_assert_int_eq(d.errno_nr, errno_nr);
	ck_assert_int_eq(c, clause);
}

START_TEST(first_match_wins_and_default_applies)
{
	struct supervise_rule *r = rule_from(
	        "{\"supervise\": ["
	        " {\"paths\": [\"/etc/shadow\"], \"decision\": \"deny\", \"errno\": \"EACCES\"},"
	        " {\"paths\": [\"/etc/**\"], \"args\": [{\"index\": 2, \"value\": 3, \"valueTwo\": "
	        "0,"
	        "   \"op\": \"SCMP_CMP_MASKED_EQ\"}], \"decision\": \"allow\"},"
	        " {\"paths\": [\"/etc/**\"], \"decision\": \"deny\", \"errno\": \"EROFS\"},"
	        " {\"uid\": [1000], \"decision\": \"log\"}],"
	        " \"default\": {\"decision\": \"kill\"}}",
	        open_names, 1);
	struct supervise_facts f = {.have = SUPERVISE_NEEDS_PATHS | SUPERVISE_NEEDS_CREDS,
	                            .n_paths = 1};

	f.paths[0] = "/etc/shadow";
	expect(r, &f, SUPERVISE_DENY, 13, 0);
	/* O_RDONLY (flags & O_ACCMODE == 0): read-only opens of /etc are allowed... */
	f.paths[0] = "/etc/passwd";
	f.args[2] = 0;
	expect(r, &f, SUPERVISE_ALLOW, 0, 1);
	/* ...writes are not: the args condition fails, the next clause decides. */
	f.args[2] = 2;
	expect(r, &f, SUPERVISE_DENY, 30, 2);
	f.paths[0] = "/home/u/x";
	f.uid = 1000;
	expect(r, &f, SUPERVISE_LOG, 0, 3);
	f.uid = 0;
	expect(r, &f, SUPERVISE_KILL, 0, -1);
	supervise_rule_free(r);
}
END_TEST

START_TEST(every_path_must_match)
{
	struct supervise_rule *r =
	        rule_from("{\"supervise\": [{\"paths\": [\"/tmp/**\"], \"decision\": \"allow\"}]}",
	                  rename_names, 1);
	struct supervise_facts f = {.have = SUPERVISE_NEEDS_PATHS, .n_paths = 2};

	f.paths[0] = "/tmp/a";
	f.paths[1] = "/tmp/b";
	expect(r, &f, SUPERVISE_ALLOW, 0, 0);
	/* Moving a file out of /etc into /tmp is not an allowed rename. */
	f.paths[0] = "/etc/shadow";
	expect(r, &f, SUPERVISE_DENY, 1, -1);
	f.paths[0] = "/tmp/a";
	f.paths[1] = "/etc/cron.d/x";
	expect(r, &f, SUPERVISE_DENY, 1, -1);
	/* No path at all never satisfies a paths condition. */
	f.n_paths = 0;
	expect(r, &f, SUPERVISE_DENY, 1, -1);
	supervise_rule_free(r);
}
END_TEST

START_TEST(addresses)
{
	struct supervise_rule *r = rule_from(
	        "{\"supervise\": [{\"addresses\": [\"inet:10.0.0.0/8:443\", \"unix:/run/*.sock\"],"
	        " \"decision\": \"allow\"}], \"default\": {\"decision\": \"deny\", \"errno\": 13}}",
	        connect_names, 1);
	struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(443)};
	struct supervise_facts f = {.have = SUPERVISE_NEEDS_ADDRESS};

	in.sin_addr.s_addr = htonl(0x0a000001);
	f.addr = (struct sockaddr *)&in;
	f.addr_len = sizeof(in);
	expect(r, &f, SUPERVISE_ALLOW, 0, 0);
	in.sin_port = htons(80);
	expect(r, &f, SUPERVISE_DENY, 13, -1);
	f.addr = NULL;
	expect(r, &f, SUPERVISE_DENY, 13, -1);
	supervise_rule_free(r);
}
END_TEST

START_TEST(exec_and_argv)
{
	struct supervise_rule *r = rule_from(
	        "{\"supervise\": [{\"exec\": [\"/usr/bin/git\"], \"argv\": [\"status\", \"-*\"],"
	        " \"decision\": \"allow\"}, {\"exec\": [\"/usr/bin/*\"], \"decision\": \"log\"}]}",
	        exec_names, 1);
	char *ok[] = {"git", "status", "-s"};
	char *no_flag[] = {"git", "status"};
	struct supervise_facts f = {.have = SUPERVISE_NEEDS_EXEC | SUPERVISE_NEEDS_ARGV,
	                            .exec_path = "/usr/bin/git",
	                            .argv = ok,
	                            .argc = 3};

	expect(r, &f, SUPERVISE_ALLOW, 0, 0);
	/* Every argv glob must find an element. */
	f.argv = no_flag;
	f.argc = 2;
	expect(r, &f, SUPERVISE_LOG, 0, 1);
	f.exec_path = "/opt/git";
	expect(r, &f, SUPERVISE_DENY, 1, -1);
	supervise_rule_free(r);
}
END_TEST

START_TEST(missing_facts_are_reported)
{
	struct supervise_rule *r = rule_from(
	        "{\"supervise\": [{\"args\": [{\"index\": 0, \"value\": 5, \"op\": "
	        "\"SCMP_CMP_EQ\"}],"
	        " \"decision\": \"allow\"}, {\"exe\": [\"/bin/*\"], \"decision\": \"log\"}]}",
	        open_names, 1);
	struct supervise_facts f = {.have = 0};
	struct supervise_decision d;
	long c;

	/* The first clause needs nothing more and decides. */
	f.args[0] = 5;
	expect(r, &f, SUPERVISE_ALLOW, 0, 0);
	/* Reaching the exe clause without the exe is not a silent non-match. */
	f.args[0] = 6;
	ck_assert_int_eq(supervise_eval(r, &f, &d, &c), -ENODATA);
	f.have = SUPERVISE_NEEDS_EXE;
	f.exe = "/bin/sh";
	expect(r, &f, SUPERVISE_LOG, 0, 1);
	f.exe = NULL; /* unknown exe: no match */
	expect(r, &f, SUPERVISE_DENY, 1, -1);
	supervise_rule_free(r);
}
END_TEST

static Suite *supervise_eval_suite(void)
{
	Suite *s = suite_create("supervise_eval");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, first_match_wins_and_default_applies);
	tcase_add_test(tc, every_path_must_match);
	tcase_add_test(tc, addresses);
	tcase_add_test(tc, exec_and_argv);
	tcase_add_test(tc, missing_facts_are_reported);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(supervise_eval_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
