/* SPDX-License-Identifier: MIT */
/*
 * syscall_names: the tables built from libseccomp at start-up give the names records show,
 * per arch, x32 included (the kernel reports x32 calls as x86_64 with bit 30 set).
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <seccomp.h>

#include "syscall_names.h"

static struct syscall_names names;

static void setup(void)
{
	/* Duplicates are ignored. */
	static const uint32_t arches[] = {SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32,
	                                  SCMP_ARCH_X86_64, SCMP_ARCH_AARCH64};

	ck_assert_int_eq(syscall_names_init(&names, arches, sizeof(arches) / sizeof(arches[0])), 0);
}

static void teardown(void)
{
	syscall_names_release(&names);
}

START_TEST(test_duplicates_ignored)
{
	ck_assert_uint_eq(names.n_arches, 4);
}
END_TEST

START_TEST(test_x86_64_and_i386)
{
	ck_assert_str_eq(syscall_name(&names, SCMP_ARCH_X86_64, 39), "getpid");
	ck_assert_str_eq(syscall_name(&names, SCMP_ARCH_X86_64, 0), "read");
	ck_assert_str_eq(syscall_name(&names, SCMP_ARCH_X86_64, 59), "execve");
	ck_assert_str_eq(syscall_name(&names, SCMP_ARCH_X86_64, 272), "unshare");
	ck_assert_str_eq(syscall_name(&names, SCMP_ARCH_X86_64, 435), "clone3");
	ck_assert_str_eq(syscall_name(&names, SCMP_ARCH_X86, 20), "getpid");
	ck_assert_str_eq(syscall_name(&names, SCMP_ARCH_X86, 11), "execve");
	/* Same number, different arch, different call. */
	ck_assert_str_eq(syscall_name(&names, SCMP_ARCH_X86, 39), "mkdir");
	ck_assert_str_eq(syscall_name(&names, SCMP_ARCH_AARCH64, 172), "getpid");
}
END_TEST

START_TEST(test_x32)
{
	int nr = (int)(X32_SYSCALL_BIT | 39);
	uint32_t arch = syscall_call_arch(SCMP_ARCH_X86_64, nr);

	ck_assert_uint_eq(arch, SCMP_ARCH_X32);
	ck_assert_str_eq(syscall_name(&names, arch, nr), "getpid");
	/* x32's own numbers (512 and up) are in the table too. */
	ck_assert_str_eq(syscall_name(&names, arch, (int)(X32_SYSCALL_BIT | 512)), "rt_sigaction");
	ck_assert_str_eq(arch_name(arch), "SCMP_ARCH_X32");
	/* Without the bit it is x86_64; other arches are left alone, bit or not. */
	ck_assert_uint_eq(syscall_call_arch(SCMP_ARCH_X86_64, 39), SCMP_ARCH_X86_64);
	ck_assert_uint_eq(syscall_call_arch(SCMP_ARCH_X86, 20), SCMP_ARCH_X86);
	ck_assert_uint_eq(syscall_call_arch(SCMP_ARCH_X86, nr), SCMP_ARCH_X86);
}
END_TEST

START_TEST(test_unknown_is_null)
{
	/* A hole in the x86_64 table, past the end, negative, an arch not loaded, an unknown arch.
	 */
	ck_assert_ptr_null(syscall_name(&names, SCMP_ARCH_X86_64, 400));
	ck_assert_ptr_null(syscall_name(&names, SCMP_ARCH_X86_64, SYSCALL_TABLE_SIZE));
	ck_assert_ptr_null(syscall_name(&names, SCMP_ARCH_X86_64, 100000));
	ck_assert_ptr_null(syscall_name(&names, SCMP_ARCH_X86_64, -1));
	ck_assert_ptr_null(syscall_name(&names, SCMP_ARCH_PPC64LE, 20));
	ck_assert_ptr_null(syscall_name(&names, 0x12345678, 39));
}
END_TEST

START_TEST(test_arch_names)
{
	ck_assert_str_eq(arch_name(SCMP_ARCH_X86_64), "SCMP_ARCH_X86_64");
	ck_assert_str_eq(arch_name(SCMP_ARCH_X86), "SCMP_ARCH_X86");
	ck_assert_str_eq(arch_name(SCMP_ARCH_X32), "SCMP_ARCH_X32");
	ck_assert_str_eq(arch_name(SCMP_ARCH_AARCH64), "SCMP_ARCH_AARCH64");
	ck_assert_str_eq(arch_name(SCMP_ARCH_RISCV64), "SCMP_ARCH_RISCV64");
	ck_assert_ptr_null(arch_name(0));
	ck_assert_ptr_null(arch_name(0x12345678));
}
END_TEST

START_TEST(test_arch_index)
{
	static const uint32_t known[] = {SCMP_ARCH_X86_64, SCMP_ARCH_X86,     SCMP_ARCH_X32,
	                                 SCMP_ARCH_ARM,    SCMP_ARCH_AARCH64, SCMP_ARCH_S390X,
	                                 SCMP_ARCH_RISCV64};
	int seen[ARCH_INDEX_MAX] = {0};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		int index = arch_index(known[i]);

		ck_assert_int_ge(index, 0);
		ck_assert_int_lt(index, ARCH_INDEX_MAX);
		ck_assert_msg(!seen[index], "index %d given twice", index);
		seen[index] = 1;
	}
	ck_assert_int_eq(arch_index(0x12345678), -1);
}
END_TEST

/* An empty arch list gives empty tables, not a crash. */
START_TEST(test_empty)
{
	struct syscall_names none;

	ck_assert_int_eq(syscall_names_init(&none, NULL, 0), 0);
	ck_assert_uint_eq(none.n_arches, 0);
	ck_assert_ptr_null(syscall_name(&none, SCMP_ARCH_X86_64, 39));
	syscall_names_release(&none);
}
END_TEST

static Suite *syscall_names_suite(void)
{
	Suite *s = suite_create("syscall_names");
	TCase *tc = tcase_create("names");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_duplicates_ignored);
	tcase_add_test(tc, test_x86_64_and_i386);
	tcase_add_test(tc, test_x32);
	tcase_add_test(tc, test_unknown_is_null);
	tcase_add_test(tc, test_arch_names);
	tcase_add_test(tc, test_arch_index);
	tcase_add_test(tc, test_empty);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(syscall_names_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
