/* SPDX-License-Identifier: MIT */
/* Unit tests for glob.c: the path glob language of supervise clauses. */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "glob.h"

#define MATCH(p, s)    ck_assert_msg(glob_match(p, s), "'%s' should match '%s'", p, s)
#define NO_MATCH(p, s) ck_assert_msg(!glob_match(p, s), "'%s' should not match '%s'", p, s)

START_TEST(literal_and_question)
{
	MATCH("/etc/passwd", "/etc/passwd");
	NO_MATCH("/etc/passwd", "/etc/passwd2");
	NO_MATCH("/etc/passwd", "/etc/passw");
	NO_MATCH("/etc/passwd", "/etc/shadow");
	MATCH("/etc/passw?", "/etc/passwd");
	NO_MATCH("/etc/passw?", "/etc/passw");
	NO_MATCH("/a?b", "/a/b");
	MATCH("", "");
	NO_MATCH("", "/");
}
END_TEST

START_TEST(star_stays_in_component)
{
	MATCH("/tmp/*", "/tmp/x");
	MATCH("/tmp/*", "/tmp/");
	MATCH("/tmp/*", "/tmp/.hidden");
	NO_MATCH("/tmp/*", "/tmp/a/b");
	NO_MATCH("/tmp/*", "/tmp");
	MATCH("/tmp/*.txt", "/tmp/a.txt");
	MATCH("/tmp/*.txt", "/tmp/.txt");
	NO_MATCH("/tmp/*.txt", "/tmp/a/b.txt");
	MATCH("/*/*/c", "/a/b/c");
	NO_MATCH("/*/c", "/a/b/c");
	MATCH("/a*b*c", "/abxxbyc");
	NO_MATCH("/a*b*c", "/abxxbyd");
	NO_MATCH("/a*", "/a/x");
}
END_TEST

START_TEST(globstar_components)
{
	MATCH("/a/**/b", "/a/b");
	MATCH("/a/**/b", "/a/x/b");
	MATCH("/a/**/b", "/a/x/y/z/b");
	NO_MATCH("/a/**/b", "/a/xb");
	NO_MATCH("/a/**/b", "/a/x/yb");
	NO_MATCH("/a/**/b", "/ab");
	NO_MATCH("/a/**/b", "/a/b/c");
	MATCH("/a/**", "/a");
	MATCH("/a/**", "/a/");
	MATCH("/a/**", "/a/b");
	MATCH("/a/**", "/a/b/c/d");
	NO_MATCH("/a/**", "/ab");
	NO_MATCH("/a/**", "/b/a");
	MATCH("**", "/anything/at/all");
	MATCH("/**", "/x/y");
	MATCH("**/passwd", "/etc/passwd");
	MATCH("**/passwd", "passwd");
	NO_MATCH("**/passwd", "/etc/xpasswd");
	MATCH("/home/**/.ssh/*", "/home/u/.ssh/id_rsa");
	NO_MATCH("/home/**/.ssh/*", "/home/u/.ssh/keys/id_rsa");
	MATCH("/a/**/b/**/c", "/a/b/c");
	MATCH("/a/**/b/**/c", "/a/1/b/2/3/c");
	NO_MATCH("/a/**/b/**/c", "/a/1/c");
	/* `**` that is not a whole component behaves like `*`. */
	MATCH("/a**", "/abc");
	NO_MATCH("/a**", "/a/b");
	NO_MATCH("/x/a**/b", "/x/a/y/b");
}
END_TEST

START_TEST(bracket_expressions)
{
	MATCH("/dev/tty[0-9]", "/dev/tty5");
	NO_MATCH("/dev/tty[0-9]", "/dev/ttyS");
	MATCH("/dev/tty[!0-9]", "/dev/ttyS");
	NO_MATCH("/dev/tty[!0-9]", "/dev/tty5");
	MATCH("/dev/tty[^0-9]", "/dev/ttyS");
	MATCH("/x[]]", "/x]");
	MATCH("/x[!]]", "/xa");
	NO_MATCH("/x[!]]", "/x]");
	MATCH("/x[a-]", "/x-");
	MATCH("/x[\\]]", "/x]");
	MATCH("/x[abc]y", "/xby");
	NO_MATCH("/x[abc]y", "/xdy");
	/* A bracket expression never matches '/', even negated. */
	NO_MATCH("/a[!x]b", "/a/b");
	/* Unterminated '[' is literal at match time (glob_validate rejects it). */
	MATCH("/a[b", "/a[b");
	/* Bytes above 0x7f compare unsigned. */
	MATCH("/[\x80-\xff]", "/\xc3");
}
END_TEST

START_TEST(braces)
{
	MATCH("/etc/{passwd,shadow}", "/etc/passwd");
	MATCH("/etc/{passwd,shadow}", "/etc/shadow");
	NO_MATCH("/etc/{passwd,shadow}", "/etc/group");
	NO_MATCH("/etc/{passwd,shadow}", "/etc/passwdshadow");
	MATCH("/x/a{,b}", "/x/a");
	MATCH("/x/a{,b}", "/x/ab");
	MATCH("{/usr,/opt}/bin/*", "/opt/bin/ls");
	MATCH("/{a,b{c,d{e,f}}}/z", "/bdf/z");
	MATCH("/{a,b{c,d{e,f}}}/z", "/a/z");
	NO_MATCH("/{a,b{c,d{e,f}}}/z", "/bd/z");
	MATCH("{/usr/**,/lib/*.so}", "/usr/lib/x/y");
	MATCH("{/usr/**,/lib/*.so}", "/usr");
	MATCH("{/usr/**,/lib/*.so}", "/lib/a.so");
	NO_MATCH("{/usr/**,/lib/*.so}", "/lib/x/a.so");
	MATCH("/a/{**/,}z", "/a/z");
	MATCH("/a/{**/,}z", "/a/b/c/z");
	/* Unbalanced braces and commas outside braces are literal. */
	MATCH("/a{b", "/a{b");
	MATCH("/a}b", "/a}b");
	MATCH("/a,b", "/a,b");
	MATCH("/{a,b", "/{a,b");
	/* A brace inside a bracket expression is just a member of the set. */
	MATCH("/[{]a,b}", "/{a,b}");
}
END_TEST

START_TEST(escapes)
{
	MATCH("/a\\*b", "/a*b");
	NO_MATCH("/a\\*b", "/axb");
	MATCH("/a\\?", "/a?");
	NO_MATCH("/a\\?", "/ab");
	MATCH("/a\\{b,c}", "/a{b,c}");
	NO_MATCH("/a\\{b,c}", "/ab");
	MATCH("/a\\\\b", "/a\\b");
	MATCH("/a\\[b]", "/a[b]");
}
END_TEST

START_TEST(pathological_patterns_are_bounded)
{
	char path[2048];
	char pattern[GLOB_PATTERN_MAX + 1];
	uint64_t steps = 0;
	size_t plen, len;

	/* A deep directory that never contains "x": backtracking would explore every split. */
	len = 0;
	for (int i = 0; i < 300; i++) {
		path[len++] = '/';
		path[len++] = 'a' + i % 3;
	}
	path[len] = '\0';
	strcpy(pattern, "/**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/x");
	plen = strlen(pattern);
	ck_assert(!glob_match_counted(pattern, path, &steps));
	ck_assert_msg(steps <= 4 * (len + 1) * (plen + 1), "%llu steps for %zu x %zu",
	              (unsigned long long)steps, len, plen);
	/* The same path with the x at the end does match, within the same bound. */
	path[len - 1] = 'x';
	steps = 0;
	ck_assert(glob_match_counted(pattern, path, &steps));
	ck_assert(steps <= 4 * (len + 1) * (plen + 1));

	/* Classic star explosion: `*a*a*a...*b` against `aaaa...`. */
	len = 0;
	path[len++] = '/';
	while (len < 1500)
		path[len++] = 'a';
	path[len] = '\0';
	plen = 0;
	pattern[plen++] = '/';
	for (int i = 0; i < 200; i++) {
		pattern[plen++] = '*';
		pattern[plen++] = 'a';
	}
	pattern[plen++] = 'b';
	pattern[plen] = '\0';
	steps = 0;
	ck_assert(!glob_match_counted(pattern, path, &steps));
	ck_assert(steps <= 4 * (len + 1) * (plen + 1));

	/* Many alternations side by side: brace expansion would be 2^100 patterns. */
	plen = 0;
	pattern[plen++] = '/';
	for (int i = 0; i < 100; i++) {
		memcpy(pattern + plen, "{a,*}", 5);
		plen += 5;
	}
	pattern[plen++] = 'b';
	pattern[plen] = '\0';
	steps = 0;
	ck_assert(!glob_match_counted(pattern, path, &steps));
	ck_assert(steps <= 4 * (len + 1) * (plen + 1));
}
END_TEST

START_TEST(too_long_pattern_matches_nothing)
{
	char pattern[GLOB_PATTERN_MAX + 2];
	char why[128];

	memset(pattern, '*', sizeof(pattern) - 1);
	pattern[0] = '/';
	pattern[sizeof(pattern) - 1] = '\0';
	NO_MATCH(pattern, "/a");
	ck_assert_int_eq(glob_validate(pattern, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "longer than"));
}
END_TEST

static void expect_invalid(const char *pattern, const char *fragment)
{
	char why[256];
	int rc = glob_validate(pattern, why, sizeof(why));

	ck_assert_msg(rc == -EINVAL, "'%s' should be invalid", pattern);
	ck_assert_msg(strstr(why, fragment) != NULL, "'%s': message '%s' lacks '%s'", pattern, why,
	              fragment);
}

START_TEST(validate_reports_errors)
{
	char why[256];
	const char *good[] = {
	        "/etc/passwd", "/a/**", "**/x", "/a/**/b",    "{/usr/**,/lib/*}", "/x[!a-z]",
	        "/x[]]",       "/a\\*", "/a,b", "/a/{**/,}z", "/[ -~]",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(glob_validate(good[i], why, sizeof(why)) == 0, "'%s': %s", good[i],
		              why);
	expect_invalid("", "empty");
	expect_invalid("/a[bc", "unterminated '['");
	expect_invalid("/a{b,c", "unterminated '{'");
	expect_invalid("/a}b", "unmatched '}'");
	expect_invalid("/a\\", "trailing backslash");
	expect_invalid("/a**", "whole path component");
	expect_invalid("/***/x", "whole path component");
	expect_invalid("/a[z-a]", "empty range");
	expect_invalid("/a[/]b", "'/'");
	expect_invalid("/a[[:alpha:]]", "[:alpha:]");
	expect_invalid("/{{{{{{{{{{{{{{{{{a}}}}}}}}}}}}}}}}}", "nested deeper");
}
END_TEST

static Suite *glob_suite(void)
{
	Suite *s = suite_create("glob");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, literal_and_question);
	tcase_add_test(tc, star_stays_in_component);
	tcase_add_test(tc, globstar_components);
	tcase_add_test(tc, bracket_expressions);
	tcase_add_test(tc, braces);
	tcase_add_test(tc, escapes);
	tcase_add_test(tc, pathological_patterns_are_bounded);
	tcase_add_test(tc, too_long_pattern_matches_nothing);
	tcase_add_test(tc, validate_reports_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(glob_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
