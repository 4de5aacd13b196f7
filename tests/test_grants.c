/* SPDX-License-Identifier: MIT */
/*
 * grants.c: matching on syscall, arguments and process; counts and expiry; ids; the rules
 * file (only "always" rules, read back by the next run; malformed files refused with where).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "grants.h"

static const uint64_t zero_args[6];

static struct grant rule(const char *syscall)
{
	struct grant g;

	memset(&g, 0, sizeof(g));
	g.kind = GRANT_TEMPORARY;
	snprintf(g.syscall, sizeof(g.syscall), "%s", syscall);
	return g;
}

START_TEST(count_expiry_args_pid)
{
	static struct grants g;
	struct grant r = rule("getpgid"), out;
	uint64_t args[6] = {7};
	int id;

	grants_init(&g, NULL);
	r.counted = true;
	r.remaining = 2;
	id = grants_add(&g, &r, NULL);
	ck_assert_int_eq(id, 1);
	ck_assert(!grants_match(&g, "getppid", getpid(), zero_args, 0, &out));
	ck_assert(grants_match(&g, "getpgid", getpid(), zero_args, 0, &out));
	ck_assert_uint_eq(out.id, 1);
	ck_assert(grants_match(&g, "getpgid", getpid(), zero_args, 0, &out));
	ck_assert(!grants_match(&g, "getpgid", getpid(), zero_args, 0, &out));
	ck_assert_uint_eq(g.count, 0);

	r = rule("getpgid");
	r.expires_ms = 1000;
	r.n_args = 1;
	r.args[0].index = 0;
	r.args[0].value = 7;
	ck_assert_int_eq(grants_add(&g, &r, NULL), 2);
	ck_assert(!grants_match(&g, "getpgid", getpid(), zero_args, 999, &out));
	ck_assert(grants_match(&g, "getpgid", getpid(), args, 999, &out));
	ck_assert(!grants_match(&g, "getpgid", getpid(), args, 1000, &out));
	ck_assert_uint_eq(g.count, 0);

	r = rule("getpgid");
	r.pid = getpid();
	ck_assert_int_eq(grants_add(&g, &r, NULL), 3);
	ck_assert(!grants_match(&g, "getpgid", getpid() + 1, zero_args, 0, &out));
	ck_assert(grants_match(&g, "getpgid", getpid(), zero_args, 0, &out));
	grants_release(&g);
	ck_assert_uint_eq(g.count, 0);
}
END_TEST

START_TEST(revoke_unknown)
{
	static struct grants g;
	struct grant r = rule("getpgid");
	bouncer_error_t err = {0};

	grants_init(&g, NULL);
	ck_assert_int_eq(grants_add(&g, &r, NULL), 1);
	ck_assert_int_eq(grants_revoke(&g, 1, &err), 0);
	ck_assert_int_eq(grants_revoke(&g, 1, &err), -ENOENT);
	ck_assert_str_eq(err.msg, "no grant or remembered rule with id 1");
}
END_TEST

START_TEST(rules_file_keeps_always_rules)
{
	static struct grants g, next;
	char dir[] = "/tmp/bouncer-grants.XXXXXX", path[128];
	struct grant r = rule("getpgid"), out;
	uint64_t args[6] = {0, 0x10};
	bouncer_error_t err = {0};

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/rules.json", dir);
	grants_init(&g, path);
	r.kind = GRANT_REMEMBERED;
	r.persist = true;
	r.deny = true;
	r.errno_value = EACCES;
	r.n_args = 1;
	r.args[0].index = 1;
	r.args[0].value = 0x10;
	ck_assert_int_eq(grants_add(&g, &r, &err), 1);
	r = rule("getppid"); /* a grant: not saved */
	ck_assert_int_eq(grants_add(&g, &r, &err), 2);

	grants_init(&next, path);
	ck_assert_int_eq(grants_load(&next, &err), 1);
	ck_assert(grants_match(&next, "getpgid", 1, args, 0, &out));
	ck_assert(out.deny);
	ck_assert_int_eq(out.errno_value, EACCES);
	ck_assert_int_eq(out.kind, GRANT_REMEMBERED);
	ck_assert(!grants_match(&next, "getppid", 1, zero_args, 0, &out));

	/* Revoking an always rule removes it from the file. */
	ck_assert_int_eq(grants_revoke(&g, 1, &err), 0);
	grants_init(&next, path);
	ck_assert_int_eq(grants_load(&next, &err), 0);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(malformed_rules_file)
{
	static struct grants g;
	char dir[] = "/tmp/bouncer-grants.XXXXXX", path[128];
	bouncer_error_t err = {0};
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/rules.json", dir);
	f = fopen(path, "w");
	fputs("{\"rules\": [{\"syscall\": \"getpgid\", \"decision\": \"maybe\"}]}", f);
	fclose(f);
	grants_init(&g, path);
	ck_assert_int_eq(grants_load(&g, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, "rules[0].decision") && strstr(err.msg, path), "%s", err.msg);
	f = fopen(path, "w");
	fputs("{\"rules\": [", f);
	fclose(f);
	ck_assert_int_eq(grants_load(&g, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, path), "%s", err.msg);
	unlink(path);
	rmdir(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("grants");
	TCase *tc = tcase_create("grants");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, count_expiry_args_pid);
	tcase_add_test(tc, revoke_unknown);
	tcase_add_test(tc, rules_file_keeps_always_rules);
	tcase_add_test(tc, malformed_rules_file);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
