/* SPDX-License-Identifier: MIT */
/*
 * summary: decisions counted per (arch, syscall, action, would, rule), distinct keys beyond
 * the table's capacity counted as overflow, and the human summary printed at exit.
 */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <seccomp.h>

#include "errno_name.h"
#include "summary.h"
#include "syscall_names.h"

/* 256 KiB of slots: not on the stack. */
static struct summary summary;
static struct syscall_names names;

static void setup(void)
{
	static const uint32_t arches[] = {SCMP_ARCH_X86_64, SCMP_ARCH_X86};

	summary_init(&summary);
	ck_assert_int_eq(syscall_names_init(&names, arches, 2), 0);
}

static void teardown(void)
{
	syscall_names_release(&names);
}

static struct record make(int nr, enum record_action action, int errno_value, long rule,
                          const char *comment)
{
	struct record r;

	memset(&r, 0, sizeof(r));
	r.nr = nr;
	r.action = action;
	r.errno_value = errno_value;
	r.rule_index = rule;
	r.rule_comment = comment;
	return r;
}

static void count_n(const struct record *r, uint32_t arch, int n)
{
	for (int i = 0; i < n; i++)
		summary_count(&summary, r, arch);
}

static const struct summary_entry *find(uint32_t arch, int nr, enum record_action action,
                                        enum record_would would, long rule)
{
	const struct summary_entry *found = NULL;

	for (unsigned i = 0; i < SUMMARY_SLOTS; i++) {
		const struct summary_entry *e = &summary.slots[i];

		if (e->count != 0 && e->arch == arch && e->nr == nr && e->action == action &&
		    e->would == would && e->rule_index == rule) {
			ck_assert_msg(found == NULL, "key nr %d counted in two slots", nr);
			found = e;
		}
	}
	return found;
}

static uint64_t count_of(uint32_t arch, int nr, enum record_action action, enum record_would would,
                         long rule)
{
	const struct summary_entry *e = find(arch, nr, action, would, rule);

	return e != NULL ? e->count : 0;
}

/* A varied run: the same calls as the printing test below. */
static void count_sample(void)
{
	struct record r;

	r = make(39, RECORD_DENY, EPERM, 3, "no getpid");
	count_n(&r, SCMP_ARCH_X86_64, 5);
	r = make(20, RECORD_DENY, EPERM, 3, "no getpid");
	count_n(&r, SCMP_ARCH_X86, 2);
	r = make(2, RECORD_ALLOW, 0, -1, NULL);
	r.would = RECORD_WOULD_DENY;
	r.would_errno = EACCES;
	count_n(&r, SCMP_ARCH_X86_64, 3);
	r = make(2, RECORD_LOG, 0, 7, NULL);
	count_n(&r, SCMP_ARCH_X86_64, 1);
	r = make(272, RECORD_KILL, 0, 41, "namespaces");
	count_n(&r, SCMP_ARCH_X86_64, 1);
	r = make(999, RECORD_DENY, ENOSYS, -1, NULL);
	count_n(&r, SCMP_ARCH_X86_64, 4);
	/* Same syscall and action as the first, other rule: a key of its own. */
	r = make(39, RECORD_DENY, EPERM, 4, NULL);
	count_n(&r, SCMP_ARCH_X86_64, 1);
}

START_TEST(test_counts_per_key)
{
	count_sample();
	ck_assert_uint_eq(summary.total, 17);
	ck_assert_uint_eq(summary.used, 7);
	ck_assert_uint_eq(summary.overflow, 0);
	ck_assert_uint_eq(count_of(SCMP_ARCH_X86_64, 39, RECORD_DENY, RECORD_WOULD_NONE, 3), 5);
	ck_assert_uint_eq(count_of(SCMP_ARCH_X86, 20, RECORD_DENY, RECORD_WOULD_NONE, 3), 2);
	ck_assert_uint_eq(count_of(SCMP_ARCH_X86_64, 2, RECORD_ALLOW, RECORD_WOULD_DENY, -1), 3);
	ck_assert_uint_eq(count_of(SCMP_ARCH_X86_64, 2, RECORD_LOG, RECORD_WOULD_NONE, 7), 1);
	ck_assert_uint_eq(count_of(SCMP_ARCH_X86_64, 272, RECORD_KILL, RECORD_WOULD_NONE, 41), 1);
	ck_assert_uint_eq(count_of(SCMP_ARCH_X86_64, 999, RECORD_DENY, RECORD_WOULD_NONE, -1), 4);
	ck_assert_uint_eq(count_of(SCMP_ARCH_X86_64, 39, RECORD_DENY, RECORD_WOULD_NONE, 4), 1);
	/* Keys that were never counted. */
	ck_assert_uint_eq(count_of(SCMP_ARCH_X86, 39, RECORD_DENY, RECORD_WOULD_NONE, 3), 0);
	ck_assert_uint_eq(count_of(SCMP_ARCH_X86_64, 2, RECORD_ALLOW, RECORD_WOULD_NONE, -1), 0);
	/* The errno shown is the one of the decision (would_errno for "would deny"). */
	ck_assert_int_eq(
	        find(SCMP_ARCH_X86_64, 2, RECORD_ALLOW, RECORD_WOULD_DENY, -1)->errno_value,
	        EACCES);
	ck_assert_str_eq(
	        find(SCMP_ARCH_X86_64, 39, RECORD_DENY, RECORD_WOULD_NONE, 3)->rule_comment,
	        "no getpid");
}
END_TEST

/* Past 3/4 of the slots, new keys are counted as overflow; known keys keep counting. */
START_TEST(test_overflow)
{
	const int capacity = SUMMARY_SLOTS / 4 * 3;
	struct record r;

	for (int i = 0; i < capacity; i++) {
		r = make(i, RECORD_DENY, EPERM, i % 5, NULL);
		summary_count(&summary, &r, SCMP_ARCH_X86_64);
	}
	ck_assert_uint_eq(summary.used, (unsigned)capacity);
	ck_assert_uint_eq(summary.overflow, 0);
	for (int i = 0; i < 10; i++) {
		r = make(capacity + i, RECORD_DENY, EPERM, 0, NULL);
		summary_count(&summary, &r, SCMP_ARCH_X86_64);
	}
	ck_assert_uint_eq(summary.overflow, 10);
	ck_assert_uint_eq(summary.used, (unsigned)capacity);
	/* Every key that got a slot is still counted there. */
	for (int i = 0; i < capacity; i += 7) {
		r = make(i, RECORD_DENY, EPERM, i % 5, NULL);
		summary_count(&summary, &r, SCMP_ARCH_X86_64);
	}
	ck_assert_uint_eq(summary.overflow, 10);
	for (int i = 0; i < capacity; i++) {
		uint64_t want = i % 7 == 0 ? 2 : 1;

		if (count_of(SCMP_ARCH_X86_64, i, RECORD_DENY, RECORD_WOULD_NONE, i % 5) != want)
			ck_abort_msg("nr %d: count %llu, want %llu", i,
			             (unsigned long long)count_of(SCMP_ARCH_X86_64, i, RECORD_DENY,
			                                          RECORD_WOULD_NONE, i % 5),
			             (unsigned long long)want);
	}
	ck_assert_uint_eq(summary.total, (uint64_t)capacity + 10 + (capacity + 6) / 7);
}
END_TEST

/* Prints the summary into memory and returns it (caller frees). */
static char *print_to_string(void)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	ck_assert_ptr_nonnull(out);
	summary_print(&summary, &names, out);
	ck_assert_int_eq(fclose(out), 0);
	ck_assert_ptr_nonnull(text);
	return text;
}

/* Line number (0-based) of the first line matching the extended regex, or -1. */
static int line_matching(const char *text, const char *pattern)
{
	regex_t re;
	int found = -1, n = 0;
	char *copy = strdup(text), *save = NULL;

	ck_assert_int_eq(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
	for (char *line = strtok_r(copy, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save), n++) {
		if (regexec(&re, line, 0, NULL, 0) == 0) {
			found = n;
			break;
		}
	}
	regfree(&re);
	free(copy);
	return found;
}

static int expect_line(const char *text, const char *pattern)
{
	int n = line_matching(text, pattern);

	ck_assert_msg(n >= 0, "no line matches /%s/ in:\n%.1000s", pattern, text);
	return n;
}

START_TEST(test_print)
{
	char *text;
	int n_deny3, n_deny4, n_x86, n_open_would, n_open_log, n_unshare, n_unknown, lines = 0;

	count_sample();
	text = print_to_string();
	ck_assert_msg(strncmp(text, "bouncer: 17 supervised decisions\n", 33) == 0, "%s", text);
	n_deny3 = expect_line(text, "^  getpid +denied +5  EPERM  by syscalls\\[3\\]: no getpid$");
	n_deny4 = expect_line(text, "^  getpid +denied +1  EPERM  by syscalls\\[4\\]$");
	n_x86 = expect_line(text, "^  getpid +denied +2  EPERM  by syscalls\\[3\\]: no getpid  "
	                          "\\[SCMP_ARCH_X86\\]$");
	n_open_would = expect_line(text, "^  open +allowed \\(would deny\\) +3  EACCES  by "
	                                 "defaultAction$");
	n_open_log = expect_line(text, "^  open +logged +1  by syscalls\\[7\\]$");
	n_unshare = expect_line(text, "^  unshare +killed +1  by syscalls\\[41\\]: namespaces$");
	n_unknown = expect_line(text, "^  nr:999 +denied +4  ENOSYS  by defaultAction$");
	ck_assert_int_eq(line_matching(text, "not itemised"), -1);
	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	ck_assert_int_eq(lines, 1 + 7);
	ck_assert_int_eq(text[strlen(text) - 1], '\n');
	/* Sorted by name (then arch, action, rule). */
	ck_assert_int_lt(n_deny3, n_deny4);
	ck_assert_int_lt(n_deny3, n_unknown);
	ck_assert_int_lt(n_deny4, n_unknown);
	ck_assert_int_lt(n_x86, n_unknown);
	ck_assert_int_lt(n_unknown, n_open_would);
	ck_assert_int_lt(n_open_would, n_open_log);
	ck_assert_int_lt(n_open_log, n_unshare);
	free(text);
}
END_TEST

START_TEST(test_print_singular_and_overflow)
{
	struct record r = make(39, RECORD_DENY, EPERM, -1, NULL);
	char *text;

	summary_count(&summary, &r, SCMP_ARCH_X86_64);
	text = print_to_string();
	ck_assert_msg(strncmp(text, "bouncer: 1 supervised decision\n", 31) == 0, "%s", text);
	free(text);

	summary_init(&summary);
	for (int i = 0; i < SUMMARY_SLOTS / 4 * 3 + 3; i++) {
		r = make(i, RECORD_LOG, 0, 1, NULL);
		summary_count(&summary, &r, SCMP_ARCH_X86_64);
	}
	text = print_to_string();
	expect_line(text, "^bouncer: 3075 supervised decisions$");
	expect_line(text, "^  \\(3 decisions of further kinds not itemised\\)$");
	expect_line(text, "^  getpid +logged +1  by syscalls\\[1\\]$");
	free(text);
}
END_TEST

START_TEST(test_print_empty)
{
	char *text = print_to_string();

	ck_assert_str_eq(text, "bouncer: 0 supervised decisions\n");
	free(text);
}
END_TEST

static Suite *summary_suite(void)
{
	Suite *s = suite_create("summary");
	TCase *tc = tcase_create("summary");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_counts_per_key);
	tcase_add_test(tc, test_overflow);
	tcase_add_test(tc, test_print);
	tcase_add_test(tc, test_print_singular_and_overflow);
	tcase_add_test(tc, test_print_empty);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(summary_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
