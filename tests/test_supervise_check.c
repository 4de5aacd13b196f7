/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for supervise_check.c: which supervise rules are refused at load because an allow
 * would depend on pointer contents of a syscall bouncer does not emulate, and which exec and
 * chdir rules `policy check` marks not race-free.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "supervise_check.h"
#include "supervise_parse.h"

static struct supervise_rule *model(const char *rule_json, char *const *names, size_t n_names)
{
	json_error_t jerr;
	json_t *rule = json_loads(rule_json, 0, &jerr);
	struct supervise_rule *out = NULL;
	bouncer_error_t err = {0};
	char where[256];
	int rc;

	ck_assert_msg(rule != NULL, "test JSON: %s", jerr.text);
	rc = supervise_parse(json_object_get(rule, "supervise"), json_object_get(rule, "default"),
	                     2, names, n_names, 1, &out, where, sizeof(where), &err);
	ck_assert_msg(rc == 0, "%s", err.msg);
	json_decref(rule);
	return out;
}

/* 0, or -EINVAL with the message and where: the rule parsed for parse_names, checked for names. */
static int check_as(const char *rule_json, char *const *parse_names, size_t n_parse,
                    char *const *names, size_t n_names, char *where, bouncer_error_t *err)
{
	struct supervise_rule *m = model(rule_json, parse_names, n_parse);
	int rc = supervise_check_race_free(m, names, n_names, 2, where, 256, err);

	supervise_rule_free(m);
	return rc;
}

static int check(const char *rule_json, char *const *names, size_t n_names, char *where,
                 bouncer_error_t *err)
{
	return check_as(rule_json, names, n_names, names, n_names, where, err);
}

/*
 * Every syscall of the table (syscall_args.c) is emulated now, or accepted and verified like
 * execve and chdir; the check still stands between a table entry added without its emulation
 * and a CONTINUE. It is exercised on recvfrom, whose addresses bouncer does not read: its rules
 * are parsed as connect's (parse_names), then checked under its own name.
 */
static char *unemulated_names[] = {"recvfrom"};
static char *connect_names[] = {"connect"};
static char *chdir_names[] = {"chdir"};
static char *open_names[] = {"openat", "open", "openat2", "creat"};
static char *mixed_names[] = {"connect", "recvfrom"};
static char *net_names[] = {"connect", "bind", "sendto"};
static char *sendmsg_names[] = {"sendmsg"};
static char *sendmmsg_names[] = {"sendmmsg"};
static char *exec_names[] = {"execve", "execveat"};
static char *i386_names[] = {"stat64",   "lstat64", "fstatat64", "oldstat",
                             "oldlstat", "chown32", "lchown32",  "truncate64"};

START_TEST(allow_after_an_address_clause_on_an_unemulated_syscall_is_refused)
{
	bouncer_error_t err = {0};
	char where[256] = "";

	ck_assert_int_eq(check_as("{\"supervise\": [{\"addresses\": [\"inet:10.0.0.0/8:*\"], "
	                          "\"decision\": \"deny\"},"
	                          "{\"decision\": \"allow\"}]}",
	                          connect_names, 1, unemulated_names, 1, where, &err),
	                 -EINVAL);
	ck_assert_str_eq(where, "syscalls[2].supervise[1]");
	ck_assert_msg(strstr(err.msg, "cannot be allowed race-free yet: bouncer does not emulate "
	                              "recvfrom") != NULL,
	              "%s", err.msg);
}
END_TEST

START_TEST(allow_on_addresses_itself_is_refused_and_so_is_a_default_allow)
{
	bouncer_error_t err = {0};
	char where[256] = "";

	ck_assert_int_eq(check_as("{\"supervise\": [{\"addresses\": [\"inet:*:53\"], \"decision\": "
	                          "\"log\"}]}",
	                          connect_names, 1, unemulated_names, 1, where, &err),
	                 -EINVAL);
	ck_assert_str_eq(where, "syscalls[2].supervise[0]");
	ck_assert_int_eq(check_as("{\"supervise\": [{\"addresses\": [\"inet:10.0.0.0/8:*\"], "
	                          "\"decision\": \"deny\"}],"
	                          " \"default\": {\"decision\": \"allow\"}}",
	                          connect_names, 1, unemulated_names, 1, where, &err),
	                 -EINVAL);
	ck_assert_str_eq(where, "syscalls[2].default");
	/* ask ends in an allow when the operator says so: the same. */
	ck_assert_int_eq(check_as("{\"supervise\": [{\"addresses\": [\"inet:*:53\"], \"decision\": "
	                          "\"ask\"}]}",
	                          connect_names, 1, unemulated_names, 1, where, &err),
	                 -EINVAL);
	/* One unemulated name in the rule is enough. */
	ck_assert_int_eq(check_as("{\"supervise\": [{\"addresses\": [\"inet:*:53\"], \"decision\": "
	                          "\"allow\"}]}",
	                          connect_names, 1, mixed_names, 2, where, &err),
	                 -EINVAL);
}
END_TEST

START_TEST(what_never_depends_on_pointers_or_is_emulated_is_accepted)
{
	bouncer_error_t err = {0};
	char where[256] = "";

	/* Deny-only pointer clauses; allows decided before any pointer clause. */
	ck_assert_int_eq(
	        check_as("{\"supervise\": [{\"uid\": [0], \"decision\": \"allow\"},"
	                 "{\"addresses\": [\"inet:10.0.0.0/8:*\"], \"decision\": \"deny\"}],"
	                 " \"default\": {\"decision\": \"deny\"}}",
	                 connect_names, 1, unemulated_names, 1, where, &err),
	        0);
	ck_assert_int_eq(check_as("{\"supervise\": [{\"addresses\": [\"inet:10.0.0.0/8:*\"], "
	                          "\"decision\": \"kill\"}]}",
	                          connect_names, 1, unemulated_names, 1, where, &err),
	                 0);
	/* Emulated syscalls may allow on anything (the i386 spellings included). */
	ck_assert_int_eq(check("{\"supervise\": [{\"paths\": [\"/etc/shadow\"], \"decision\": "
	                       "\"deny\"}, {\"decision\": \"allow\"}]}",
	                       i386_names, 8, where, &err),
	                 0);
	ck_assert_int_eq(check("{\"supervise\": [{\"paths\": [\"/etc/shadow\"], \"decision\": "
	                       "\"deny\"}, {\"decision\": \"allow\"}]}",
	                       open_names, 4, where, &err),
	                 0);
	ck_assert_int_eq(check("{\"supervise\": [{\"addresses\": [\"inet:10.0.0.0/8:*\"], "
	                       "\"decision\": \"allow\"}]}",
	                       net_names, 3, where, &err),
	                 0);
	/* sendmsg is emulated too (emulate_sendmsg.c), with or without an address. */
	ck_assert_int_eq(check("{\"supervise\": [{\"addresses\": [\"inet:*:53\"], \"decision\": "
	                       "\"allow\"}]}",
	                       sendmsg_names, 1, where, &err),
	                 0);
	ck_assert_int_eq(check("{\"supervise\": [{\"addresses\": [\"inet:10.0.0.0/8:*\"], "
	                       "\"decision\": \"deny\"}], \"default\": {\"decision\": \"allow\"}}",
	                       sendmsg_names, 1, where, &err),
	                 0);
	/* And sendmmsg, message by message (emulate_sendmmsg.c). */
	ck_assert_int_eq(check("{\"supervise\": [{\"addresses\": [\"inet:10.0.0.0/8:*\"], "
	                       "\"decision\": \"deny\"}, {\"decision\": \"allow\"}]}",
	                       sendmmsg_names, 1, where, &err),
	                 0);
	/* execve cannot be emulated at all: accepted, marked instead. */
	ck_assert_int_eq(check("{\"supervise\": [{\"exec\": [\"/usr/bin/*\"], \"decision\": "
	                       "\"allow\"}]}",
	                       exec_names, 2, where, &err),
	                 0);
	/* Nor chdir: accepted, marked, verified afterwards (docs/inspection.md, "chdir"). */
	ck_assert_int_eq(check("{\"supervise\": [{\"paths\": [\"/srv/**\"], \"decision\": "
	                       "\"allow\"}], \"default\": {\"decision\": \"deny\"}}",
	                       chdir_names, 1, where, &err),
	                 0);
	ck_assert_int_eq(check("{\"supervise\": [{\"paths\": [\"/etc/**\"], \"decision\": "
	                       "\"deny\"}], \"default\": {\"decision\": \"ask\"}}",
	                       chdir_names, 1, where, &err),
	                 0);
}
END_TEST

START_TEST(exec_allows_after_a_pointer_check_are_not_race_free)
{
	struct supervise_rule *m;

	m = model("{\"supervise\": [{\"exec\": [\"/usr/bin/*\"], \"decision\": \"allow\"}]}",
	          exec_names, 2);
	ck_assert(supervise_rule_exec_not_race_free(m, "execve"));
	ck_assert(supervise_rule_exec_not_race_free(m, "execveat"));
	ck_assert(!supervise_rule_exec_not_race_free(m, "openat"));
	supervise_rule_free(m);
	m = model("{\"supervise\": [{\"exec\": [\"/tmp/**\"], \"decision\": \"deny\"}],"
	          " \"default\": {\"decision\": \"deny\"}}",
	          exec_names, 2);
	ck_assert(!supervise_rule_exec_not_race_free(m, "execve"));
	supervise_rule_free(m);
	m = model("{\"supervise\": [{\"uid\": [0], \"decision\": \"allow\"}]}", exec_names, 2);
	ck_assert(!supervise_rule_exec_not_race_free(m, "execve"));
	supervise_rule_free(m);
}
END_TEST

START_TEST(chdir_allows_after_a_path_check_are_not_race_free)
{
	struct supervise_rule *m;

	m = model("{\"supervise\": [{\"paths\": [\"/srv/**\"], \"decision\": \"allow\"}]}",
	          chdir_names, 1);
	ck_assert(supervise_rule_chdir_not_race_free(m, "chdir"));
	ck_assert(!supervise_rule_chdir_not_race_free(m, "openat"));
	ck_assert(!supervise_rule_exec_not_race_free(m, "chdir"));
	supervise_rule_free(m);
	/* A log after passing a path clause depends on the path too. */
	m = model("{\"supervise\": [{\"paths\": [\"/etc/**\"], \"decision\": \"deny\"},"
	          " {\"decision\": \"log\"}]}",
	          chdir_names, 1);
	ck_assert(supervise_rule_chdir_not_race_free(m, "chdir"));
	supervise_rule_free(m);
	/* Deny-only path clauses, or allows on registers only: nothing to race. */
	m = model("{\"supervise\": [{\"paths\": [\"/etc/**\"], \"decision\": \"deny\"}],"
	          " \"default\": {\"decision\": \"deny\"}}",
	          chdir_names, 1);
	ck_assert(!supervise_rule_chdir_not_race_free(m, "chdir"));
	supervise_rule_free(m);
	m = model("{\"supervise\": [{\"uid\": [0], \"decision\": \"allow\"}]}", chdir_names, 1);
	ck_assert(!supervise_rule_chdir_not_race_free(m, "chdir"));
	supervise_rule_free(m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("supervise_check");
	TCase *tc = tcase_create("unit");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, allow_after_an_address_clause_on_an_unemulated_syscall_is_refused);
	tcase_add_test(tc, allow_on_addresses_itself_is_refused_and_so_is_a_default_allow);
	tcase_add_test(tc, what_never_depends_on_pointers_or_is_emulated_is_accepted);
	tcase_add_test(tc, exec_allows_after_a_pointer_check_are_not_race_free);
	tcase_add_test(tc, chdir_allows_after_a_path_check_are_not_race_free);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
