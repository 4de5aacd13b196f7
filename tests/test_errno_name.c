/* SPDX-License-Identifier: MIT */
/* errno_name.c: Linux errno names and numbers. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errno_name.h"

START_TEST(test_known_names)
{
	ck_assert_str_eq(errno_name(EPERM), "EPERM");
	ck_assert_str_eq(errno_name(ENOSYS), "ENOSYS");
	ck_assert_str_eq(errno_name(EACCES), "EACCES");
	ck_assert_str_eq(errno_name(EAGAIN), "EAGAIN");
	ck_assert_str_eq(errno_name(EDEADLK), "EDEADLK");
	ck_assert_str_eq(errno_name(EOPNOTSUPP), "EOPNOTSUPP");
	ck_assert_str_eq(errno_name(EHWPOISON), "EHWPOISON");
	ck_assert_int_eq(EHWPOISON, 133);
}
END_TEST

START_TEST(test_unknown_numbers)
{
	ck_assert_ptr_null(errno_name(0));
	ck_assert_ptr_null(errno_name(-1));
	ck_assert_ptr_null(errno_name(41));
	ck_assert_ptr_null(errno_name(58));
	ck_assert_ptr_null(errno_name(134));
	ck_assert_ptr_null(errno_name(4095));
}
END_TEST

/* Every number 1..133 that has a name maps back to itself, and only 41 and 58 have none. */
START_TEST(test_round_trip)
{
	int e, unnamed = 0;

	for (e = 1; e <= 133; e++) {
		const char *name = errno_name(e);

		if (name == NULL) {
			unnamed++;
			ck_assert(e == 41 || e == 58);
			continue;
		}
		ck_assert_int_eq(errno_from_name(name), e);
		/* glibc's strerror agrees that the kernel knows this number. */
		ck_assert_str_ne(strerror(e), "");
	}
	ck_assert_int_eq(unnamed, 2);
}
END_TEST

START_TEST(test_aliases)
{
	ck_assert_int_eq(errno_from_name("EWOULDBLOCK"), EWOULDBLOCK);
	ck_assert_int_eq(errno_from_name("EDEADLOCK"), EDEADLOCK);
	ck_assert_int_eq(errno_from_name("ENOTSUP"), ENOTSUP);
	/* The primary name is the one reported. */
	ck_assert_str_eq(errno_name(errno_from_name("EWOULDBLOCK")), "EAGAIN");
	ck_assert_str_eq(errno_name(errno_from_name("ENOTSUP")), "EOPNOTSUPP");
}
END_TEST

START_TEST(test_numbers_and_garbage)
{
	ck_assert_int_eq(errno_from_name("13"), 13);
	ck_assert_int_eq(errno_from_name("0"), 0);
	ck_assert_int_eq(errno_from_name("4095"), 4095);
	ck_assert_int_eq(errno_from_name("4096"), -1);
	ck_assert_int_eq(errno_from_name("13x"), -1);
	ck_assert_int_eq(errno_from_name("99999999999999999999999"), -1);
	ck_assert_int_eq(errno_from_name(""), -1);
	ck_assert_int_eq(errno_from_name(NULL), -1);
	ck_assert_int_eq(errno_from_name("eperm"), -1);
	ck_assert_int_eq(errno_from_name("EPERMX"), -1);
}
END_TEST

static Suite *errno_name_suite(void)
{
	Suite *s = suite_create("errno_name");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_known_names);
	tcase_add_test(tc, test_unknown_numbers);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_aliases);
	tcase_add_test(tc, test_numbers_and_garbage);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(errno_name_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
