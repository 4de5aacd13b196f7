/* SPDX-License-Identifier: MIT */
/* duration_parse/duration_format: what --ask-timeout and `ctl grant --for` accept. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include <check.h>

#include "duration.h"

START_TEST(units)
{
	uint64_t ms = 0;

	ck_assert_int_eq(duration_parse("500ms", &ms), 0);
	ck_assert_uint_eq(ms, 500);
	ck_assert_int_eq(duration_parse("30s", &ms), 0);
	ck_assert_uint_eq(ms, 30000);
	ck_assert_int_eq(duration_parse("5m", &ms), 0);
	ck_assert_uint_eq(ms, 300000);
	ck_assert_int_eq(duration_parse("2h", &ms), 0);
	ck_assert_uint_eq(ms, 7200000);
	ck_assert_int_eq(duration_parse("7", &ms), 0);
	ck_assert_uint_eq(ms, 7000);
}
END_TEST

START_TEST(refused)
{
	static const char *const bad[] = {"",   "s", "-1s", "1.5s", "5 m", "5min",
	                                  "0s", "0", "ms",  "10x",  " 5s"};
	uint64_t ms = 42;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(duration_parse(bad[i], &ms) == -EINVAL, "\"%s\" accepted", bad[i]);
		ck_assert_uint_eq(ms, 42);
	}
	ck_assert_int_eq(duration_parse("99999999999999999999ms", &ms), -ERANGE);
	ck_assert_int_eq(duration_parse("18446744073709551h", &ms), -ERANGE);
	ck_assert_int_eq(duration_parse(NULL, &ms), -EINVAL);
}
END_TEST

START_TEST(format_round_trips)
{
	static const uint64_t values[] = {1, 999, 1000, 1500, 60000, 90000, 3600000, 7260000};
	char buf[32];

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		uint64_t back = 0;

		duration_format(values[i], buf, sizeof(buf));
		ck_assert_int_eq(duration_parse(buf, &back), 0);
		ck_assert_uint_eq(back, values[i]);
	}
	duration_format(90000, buf, sizeof(buf));
	ck_assert_str_eq(buf, "90s");
	duration_format(300000, buf, sizeof(buf));
	ck_assert_str_eq(buf, "5m");
	duration_format(1500, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1500ms");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("duration");
	TCase *tc = tcase_create("duration");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, units);
	tcase_add_test(tc, refused);
	tcase_add_test(tc, format_round_trips);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
