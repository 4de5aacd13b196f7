/* SPDX-License-Identifier: MIT */
/* policy_names.c: the names profiles use for actions, operators, arches and flags. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy_names.h"

/* Calls fn on each name of a ", "-separated list (the lists shown in error messages). */
static size_t each_name(const char *list, void (*fn)(const char *name))
{
	char *copy = strdup(list), *save = NULL, *name;
	size_t n = 0;

	ck_assert_ptr_nonnull(copy);
	for (name = strtok_r(copy, ", ", &save); name != NULL; name = strtok_r(NULL, ", ", &save)) {
		fn(name);
		n++;
	}
	free(copy);
	return n;
}

static void assert_action_round_trip(const char *name)
{
	enum policy_action action;

	ck_assert_int_eq(policy_action_from_name(name, &action), 0);
	/* SCMP_ACT_KILL is the old name of SCMP_ACT_KILL_THREAD. */
	ck_assert_str_eq(policy_action_name(action),
	                 strcmp(name, "SCMP_ACT_KILL") == 0 ? "SCMP_ACT_KILL_THREAD" : name);
}

START_TEST(test_actions)
{
	enum policy_action action = POLICY_ACT_ALLOW;

	ck_assert_uint_eq(each_name(POLICY_ACTION_NAMES, assert_action_round_trip), 9);
	ck_assert_int_eq(policy_action_from_name("SCMP_ACT_KILL", &action), 0);
	ck_assert_int_eq(action, POLICY_ACT_KILL_THREAD);
	ck_assert_int_eq(policy_action_from_name("SCMP_ACT_ERRNO", &action), 0);
	ck_assert_int_eq(action, POLICY_ACT_ERRNO);
	ck_assert_int_eq(policy_action_from_name("scmp_act_allow", &action), -EINVAL);
	ck_assert_int_eq(policy_action_from_name("SCMP_ACT_ALLOW ", &action), -EINVAL);
	ck_assert_int_eq(policy_action_from_name("", &action), -EINVAL);
	ck_assert_str_eq(policy_action_name((enum policy_action)99), "SCMP_ACT_?");
}
END_TEST

static void assert_op_round_trip(const char *name)
{
	enum scmp_compare op;

	ck_assert_int_eq(policy_op_from_name(name, &op), 0);
	ck_assert_str_eq(policy_op_name(op), name);
}

START_TEST(test_ops)
{
	enum scmp_compare op = SCMP_CMP_EQ;

	ck_assert_uint_eq(each_name(POLICY_OP_NAMES, assert_op_round_trip), 7);
	ck_assert_int_eq(policy_op_from_name("SCMP_CMP_MASKED_EQ", &op), 0);
	ck_assert_int_eq(op, SCMP_CMP_MASKED_EQ);
	ck_assert_int_eq(policy_op_from_name("SCMP_CMP_EQQ", &op), -EINVAL);
}
END_TEST

static void assert_arch_known(const char *name)
{
	ck_assert_msg(policy_arch_from_name(name) != 0, "%s unknown to libseccomp", name);
	ck_assert_uint_eq(policy_arch_from_filter_name(name), policy_arch_from_name(name));
}

START_TEST(test_arches)
{
	/* Every name the error message offers is one libseccomp knows. */
	ck_assert_uint_eq(each_name(POLICY_ARCH_NAMES, assert_arch_known), 19);
	ck_assert_uint_eq(policy_arch_from_name("SCMP_ARCH_X86_64"), SCMP_ARCH_X86_64);
	ck_assert_uint_eq(policy_arch_from_name("SCMP_ARCH_X32"), SCMP_ARCH_X32);
	ck_assert_uint_eq(policy_arch_from_name("SCMP_ARCH_MIPSEL64N32"), SCMP_ARCH_MIPSEL64N32);
	ck_assert_uint_eq(policy_arch_from_name("SCMP_ARCH_x86_64"), 0);
	ck_assert_uint_eq(policy_arch_from_name("x86_64"), 0);
	ck_assert_uint_eq(policy_arch_from_name("SCMP_ARCH_"), 0);
	ck_assert_uint_eq(policy_arch_from_name("SCMP_ARCH_VAX"), 0);
	ck_assert_uint_eq(policy_arch_from_name("SCMP_ARCH_X86_64_AND_A_VERY_LONG_SUFFIX_PAST_32"),
	                  0);
}
END_TEST

START_TEST(test_filter_arches)
{
	ck_assert_uint_eq(policy_arch_from_filter_name("amd64"), SCMP_ARCH_X86_64);
	ck_assert_uint_eq(policy_arch_from_filter_name("386"), SCMP_ARCH_X86);
	ck_assert_uint_eq(policy_arch_from_filter_name("x32"), SCMP_ARCH_X32);
	ck_assert_uint_eq(policy_arch_from_filter_name("arm64"), SCMP_ARCH_AARCH64);
	ck_assert_uint_eq(policy_arch_from_filter_name("arm"), SCMP_ARCH_ARM);
	ck_assert_uint_eq(policy_arch_from_filter_name("ppc64le"), SCMP_ARCH_PPC64LE);
	ck_assert_uint_eq(policy_arch_from_filter_name("s390x"), SCMP_ARCH_S390X);
	ck_assert_uint_eq(policy_arch_from_filter_name("s390"), SCMP_ARCH_S390);
	ck_assert_uint_eq(policy_arch_from_filter_name("mips64le"), SCMP_ARCH_MIPSEL64);
	ck_assert_uint_eq(policy_arch_from_filter_name("mipsle"), SCMP_ARCH_MIPSEL);
	ck_assert_uint_eq(policy_arch_from_filter_name("riscv64"), SCMP_ARCH_RISCV64);
	ck_assert_uint_eq(policy_arch_from_filter_name("SCMP_ARCH_X86_64"), SCMP_ARCH_X86_64);
	/* libseccomp's own spelling is not one of the accepted names. */
	ck_assert_uint_eq(policy_arch_from_filter_name("x86_64"), 0);
	ck_assert_uint_eq(policy_arch_from_filter_name("AMD64"), 0);
}
END_TEST

static void assert_flag_known(const char *name)
{
	unsigned flag = 0;

	ck_assert_int_eq(policy_flag_from_name(name, &flag), 0);
	ck_assert_uint_ne(flag, 0);
}

START_TEST(test_flags)
{
	unsigned flag = 0;

	ck_assert_uint_eq(each_name(POLICY_FLAG_NAMES, assert_flag_known), 4);
	ck_assert_int_eq(policy_flag_from_name("SECCOMP_FILTER_FLAG_LOG", &flag), 0);
	ck_assert_uint_eq(flag, POLICY_FLAG_LOG);
	ck_assert_int_eq(policy_flag_from_name("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", &flag), 0);
	ck_assert_uint_eq(flag, POLICY_FLAG_WAIT_KILLABLE_RECV);
	ck_assert_int_eq(policy_flag_from_name("SECCOMP_FILTER_FLAG_NEW_LISTENER", &flag), -EINVAL);
}
END_TEST

static Suite *policy_names_suite(void)
{
	Suite *s = suite_create("policy_names");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_actions);
	tcase_add_test(tc, test_ops);
	tcase_add_test(tc, test_arches);
	tcase_add_test(tc, test_filter_arches);
	tcase_add_test(tc, test_flags);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(policy_names_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
