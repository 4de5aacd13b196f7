/* SPDX-License-Identifier: MIT */
/* json_path.c: finding where a value starts in JSON text, and widening big integer literals. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

static int position(const char *text, const char *path, unsigned *line, unsigned *column)
{
	*line = *column = 0;
	return json_path_position(text, strlen(text), path, line, column);
}

#define ASSERT_AT(text, path, l, c)                                                                \
	do {                                                                                       \
		unsigned line_, column_;                                                           \
		ck_assert_int_eq(position((text), (path), &line_, &column_), 0);                   \
		ck_assert_uint_eq(line_, (l));                                                     \
		ck_assert_uint_eq(column_, (c));                                                   \
	} while (0)

/* Line 3 is `    "syscalls": [` and so on; columns are 1-based. */
static const char nested[] =
        "{\n"
        "  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
        "  \"syscalls\": [\n"
        "    {\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\"},\n"
        "    {\n"
        "      \"names\": [\"ioctl\"],\n"
        "      \"args\": [{\"index\": 1, \"op\": \"SCMP_CMP_EQ\"},\n"
        "               {\"index\": 2, \"op\": \"SCMP_CMP_EQQ\"}]\n"
        "    }\n"
        "  ]\n"
        "}\n";

START_TEST(test_root_and_members)
{
	ASSERT_AT(nested, "", 1, 1);
	ASSERT_AT(nested, "defaultAction", 2, 20);
	ASSERT_AT(nested, "syscalls", 3, 15);
}
END_TEST

START_TEST(test_nested_arrays_and_objects)
{
	ASSERT_AT(nested, "syscalls[0]", 4, 5);
	ASSERT_AT(nested, "syscalls[0].names[1]", 4, 24);
	ASSERT_AT(nested, "syscalls[0].action", 4, 44);
	ASSERT_AT(nested, "syscalls[1]", 5, 5);
	ASSERT_AT(nested, "syscalls[1].args[0].index", 7, 26);
	ASSERT_AT(nested, "syscalls[1].args[1].op", 8, 35);
}
END_TEST

START_TEST(test_missing_paths)
{
	unsigned line, column;

	ck_assert_int_eq(position(nested, "syscalls[2]", &line, &column), -ENOENT);
	ck_assert_int_eq(position(nested, "syscalls[0].comment", &line, &column), -ENOENT);
	ck_assert_int_eq(position(nested, "defaultAction.x", &line, &column), -ENOENT);
	ck_assert_int_eq(position(nested, "syscalls.x", &line, &column), -ENOENT);
	ck_assert_int_eq(position(nested, "syscalls[", &line, &column), -EINVAL);
	ck_assert_int_eq(position(nested, "syscalls..x", &line, &column), -EINVAL);
}
END_TEST

/* Strings holding quotes, brackets, braces, commas and colons must not confuse the scanner. */
START_TEST(test_strings_with_escapes_and_brackets)
{
	static const char text[] = "{\"a\": \"x\\\"]}{[,:\", \"b\": [\"[\\\\\", {\"c\\\"\": 1, "
	                           "\"d\": \"}\"}], \"e\": 7}";
	/* {"a": "x\"]}{[,:", "b": ["[\\", {"c\"": 1, "d": "}"}], "e": 7} */
	ASSERT_AT(text, "b", 1, 25);
	ASSERT_AT(text, "b[1]", 1, 33);
	ASSERT_AT(text, "b[1].d", 1, 49);
	ASSERT_AT(text, "e", 1, 61);
	/* A key with a quote is written as ["..."] in paths. */
	ASSERT_AT(text, "b[1][\"c\\\"\"]", 1, 41);
}
END_TEST

START_TEST(test_quoted_and_escaped_keys)
{
	/* {"x.y": {"[0]": 5}, "\u0061b": 6} */
	static const char text[] = "{\"x.y\": {\"[0]\": 5}, \"\\u0061b\": 6}";

	ASSERT_AT(text, "[\"x.y\"]", 1, 9);
	ASSERT_AT(text, "[\"x.y\"][\"[0]\"]", 1, 17);
	/* Keys are compared decoded, as jansson hands them to the parser. */
	ASSERT_AT(text, "ab", 1, 32);
}
END_TEST

START_TEST(test_columns_count_characters)
{
	/* "é" is two bytes but one column, as in jansson's messages. */
	static const char text[] = "{\"é\": 1, \"b\": 2}";

	ASSERT_AT(text, "b", 1, 15);
}
END_TEST

START_TEST(test_widen_big_integers)
{
	static const char before[] =
	        "{\"s\": \"18446744073709551615\", \"a\": [18446744073709551615, "
	        "9223372036854775807, 9223372036854775808, -9223372036854775808, "
	        "-9223372036854775809, 1.5e300, 12]}";
	static const char after[] =
	        "{\"s\": \"18446744073709551615\", \"a\": [184467440737095516e2, "
	        "9223372036854775807, 92233720368547758e2, -9223372036854775808, "
	        "-92233720368547758e2, 1.5e300, 12]}";
	char *text = strdup(before);

	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(json_path_widen_big_integers(text, strlen(text)), 3);
	ck_assert_str_eq(text, after);
	free(text);
}
END_TEST

START_TEST(test_element_offsets)
{
	size_t offsets[4] = {0};
	unsigned line, column;

	ck_assert_int_eq(json_path_element_offsets(nested, strlen(nested), "syscalls", offsets, 4),
	                 2);
	json_path_line_column(nested, offsets[0], &line, &column);
	ck_assert_uint_eq(line, 4);
	ck_assert_uint_eq(column, 5);
	/* Counting on from the first element gives the same as counting from the start. */
	json_path_advance(nested, offsets[0], offsets[1], &line, &column);
	ck_assert_uint_eq(line, 5);
	ck_assert_uint_eq(column, 5);
	/* n bounds what is stored. */
	ck_assert_int_eq(
	        json_path_element_offsets(nested, strlen(nested), "syscalls[0].names", offsets, 1),
	        1);
	json_path_line_column(nested, offsets[0], &line, &column);
	ck_assert_uint_eq(line, 4);
	ck_assert_uint_eq(column, 16);
	ck_assert_int_eq(
	        json_path_element_offsets(nested, strlen(nested), "defaultAction", offsets, 4),
	        -ENOENT);
	ck_assert_int_eq(json_path_element_offsets("[]", 2, "", offsets, 4), 0);
}
END_TEST

static Suite *json_path_suite(void)
{
	Suite *s = suite_create("json_path");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_root_and_members);
	tcase_add_test(tc, test_nested_arrays_and_objects);
	tcase_add_test(tc, test_missing_paths);
	tcase_add_test(tc, test_strings_with_escapes_and_brackets);
	tcase_add_test(tc, test_quoted_and_escaped_keys);
	tcase_add_test(tc, test_columns_count_characters);
	tcase_add_test(tc, test_widen_big_integers);
	tcase_add_test(tc, test_element_offsets);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(json_path_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
