/* SPDX-License-Identifier: MIT */
/* Unit tests for syscall_args.c: the table of inspectable pointer arguments. */
#include <check.h>
#include <fcntl.h>
#include <seccomp.h>
#include <string.h>

#include "syscall_args.h"

START_TEST(known_entries)
{
	const struct syscall_args *a;

	a = syscall_args_lookup("openat");
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->n_paths, 1);
	ck_assert_int_eq(a->paths[0].dirfd, 0);
	ck_assert_int_eq(a->paths[0].path, 1);
	ck_assert_int_eq(a->paths[0].flags, 2);
	ck_assert_int_eq(a->paths[0].follow, SYSCALL_FOLLOW_OPEN_FLAGS);

	a = syscall_args_lookup("renameat2");
	ck_assert_uint_eq(a->n_paths, 2);
	ck_assert_int_eq(a->paths[1].dirfd, 2);
	ck_assert_int_eq(a->paths[1].path, 3);
	ck_assert(a->paths[1].may_create);

	a = syscall_args_lookup("newfstatat");
	ck_assert_int_eq(a->paths[0].flags, 3);
	ck_assert_uint_eq(a->paths[0].follow_flag, AT_SYMLINK_NOFOLLOW);
	ck_assert_uint_eq(a->paths[0].empty_path_flag, AT_EMPTY_PATH);

	a = syscall_args_lookup("linkat");
	ck_assert_int_eq(a->paths[0].follow, SYSCALL_FOLLOW_IF_FLAG);
	ck_assert_uint_eq(a->paths[0].follow_flag, AT_SYMLINK_FOLLOW);

	a = syscall_args_lookup("symlinkat");
	ck_assert_uint_eq(a->n_paths, 1);
	ck_assert_int_eq(a->paths[0].path, 2);

	a = syscall_args_lookup("execveat");
	ck_assert_int_eq(a->argv, 2);
	ck_assert_int_eq(a->paths[0].flags, 4);

	a = syscall_args_lookup("sendto");
	ck_assert_int_eq(a->addr, 4);
	ck_assert_int_eq(a->addrlen, 5);
	ck_assert(syscall_args_lookup("sendmsg")->addr_in_msghdr);
	a = syscall_args_lookup("sendmmsg");
	ck_assert_int_eq(a->addr, 1);
	ck_assert(a->addr_in_mmsghdr && !a->addr_in_msghdr);

	ck_assert_ptr_null(syscall_args_lookup("read"));
	ck_assert_ptr_null(syscall_args_lookup(NULL));
}
END_TEST

/* Every entry is consistent and names a syscall libseccomp knows (x86_64 or i386). */
START_TEST(table_is_consistent)
{
	size_t n;
	const struct syscall_args *t = syscall_args_table(&n);

	ck_assert_uint_gt(n, 30);
	for (size_t i = 0; i < n; i++) {
		const struct syscall_args *a = &t[i];
		bool has_addr = a->addr >= 0;

		ck_assert_msg(seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, a->name) >= 0 ||
		                      seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, a->name) >=
		                              0,
		              "%s unknown to libseccomp", a->name);
		ck_assert_msg(syscall_args_lookup(a->name) == a, "%s listed twice", a->name);
		ck_assert_msg((a->n_paths > 0) + has_addr == 1, "%s: paths or address", a->name);
		ck_assert(a->n_paths <= 2);
		ck_assert(a->argv == -1 || (a->argv >= 0 && a->argv <= 5));
		if (has_addr)
			ck_assert(a->addr <= 5 && a->addrlen <= 5 &&
			          (a->addrlen >= 0) != (a->addr_in_msghdr || a->addr_in_mmsghdr));
		ck_assert(!(a->addr_in_msghdr && a->addr_in_mmsghdr));
		for (size_t k = 0; k < a->n_paths; k++) {
			const struct syscall_path_arg *p = &a->paths[k];

			ck_assert_msg(p->path >= 0 && p->path <= 5, "%s", a->name);
			ck_assert(p->dirfd >= -1 && p->dirfd <= 5 && p->dirfd != p->path);
			ck_assert(p->flags >= -1 && p->flags <= 5);
			ck_assert(p->flags != p->path && (p->flags == -1 || p->flags != p->dirfd));
			if (p->follow == SYSCALL_FOLLOW_UNLESS_FLAG ||
			    p->follow == SYSCALL_FOLLOW_IF_FLAG)
				ck_assert_msg(p->flags >= 0 && p->follow_flag != 0, "%s", a->name);
			if (p->follow == SYSCALL_FOLLOW_OPEN_FLAGS ||
			    p->follow == SYSCALL_FOLLOW_OPEN_HOW || p->empty_path_flag != 0)
				ck_assert_msg(p->flags >= 0, "%s", a->name);
		}
	}
}
END_TEST

static Suite *syscall_args_suite(void)
{
	Suite *s = suite_create("syscall_args");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, known_entries);
	tcase_add_test(tc, table_is_consistent);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(syscall_args_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
