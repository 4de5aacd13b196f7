/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for emulate_stat_i386.c: the i386 layouts of the stat family's output, byte by
 * byte, and the cases where the kernel answers EOVERFLOW instead. (tests/test_supervise_i386.c
 * compares the same layouts with what the real kernel writes for a 32-bit program.)
 */
#include <check.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "emulate_stat_i386.h"

static uint64_t get(const struct i386_stat_out *o, size_t off, size_t size)
{
	uint64_t v = 0;

	ck_assert_uint_le(off + size, o->len);
	for (size_t i = 0; i < size; i++)
		v |= (uint64_t)o->bytes[off + i] << (8 * i);
	return v;
}

/* A file whose every field has a distinct value, some beyond 32 bits. */
static struct stat sample(void)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_dev = makedev(0x123, 0x45678);
	st.st_ino = 0x1122334455ull;
	st.st_mode = S_IFREG | 0640;
	st.st_nlink = 3;
	st.st_uid = 100000;
	st.st_gid = 65535;
	st.st_rdev = makedev(0x9, 0x1ab);
	st.st_size = 0x140000003ll;
	st.st_blksize = 4096;
	st.st_blocks = 0x100000002ll;
	st.st_atim.tv_sec = 0x1700000001;
	st.st_atim.tv_nsec = 111111111;
	st.st_mtim.tv_sec = 1700000002;
	st.st_mtim.tv_nsec = 222222222;
	st.st_ctim.tv_sec = 1700000003;
	st.st_ctim.tv_nsec = 333333333;
	return st;
}

START_TEST(names_choose_their_layout)
{
	ck_assert_int_eq(emulate_stat_i386_layout("stat64"), I386_STAT64);
	ck_assert_int_eq(emulate_stat_i386_layout("lstat64"), I386_STAT64);
	ck_assert_int_eq(emulate_stat_i386_layout("fstatat64"), I386_STAT64);
	ck_assert_int_eq(emulate_stat_i386_layout("stat"), I386_STAT_COMPAT);
	ck_assert_int_eq(emulate_stat_i386_layout("lstat"), I386_STAT_COMPAT);
	ck_assert_int_eq(emulate_stat_i386_layout("oldstat"), I386_STAT_OLD);
	ck_assert_int_eq(emulate_stat_i386_layout("oldlstat"), I386_STAT_OLD);
	ck_assert_int_eq(emulate_stat_i386_layout("newfstatat"), I386_STAT_NONE);
	ck_assert_int_eq(emulate_stat_i386_layout("statx"), I386_STAT_NONE);
	ck_assert_int_eq(emulate_stat_i386_layout(NULL), I386_STAT_NONE);
}
END_TEST

START_TEST(stat64_fields_and_untouched_padding)
{
	struct stat st = sample();
	struct i386_stat_out o;

	ck_assert_int_eq(emulate_stat_i386_encode(I386_STAT64, &st, 65534, 65534, &o), 0);
	ck_assert_uint_eq(o.len, 96);
	ck_assert_uint_eq(get(&o, 0, 8), (uint32_t)st.st_dev); /* the new 32-bit encoding */
	ck_assert_uint_eq(get(&o, 12, 4), 0x22334455u);        /* __st_ino: the low half */
	ck_assert_uint_eq(get(&o, 16, 4), S_IFREG | 0640);
	ck_assert_uint_eq(get(&o, 20, 4), 3);
	ck_assert_uint_eq(get(&o, 24, 4), 100000); /* 32-bit ids: no overflow id */
	ck_assert_uint_eq(get(&o, 28, 4), 65535);
	ck_assert_uint_eq(get(&o, 32, 8), (uint32_t)st.st_rdev);
	ck_assert_uint_eq(get(&o, 44, 8), 0x140000003ull);
	ck_assert_uint_eq(get(&o, 52, 4), 4096);
	ck_assert_uint_eq(get(&o, 56, 8), 0x100000002ull);
	ck_assert_uint_eq(get(&o, 64, 4), 0x00000001u); /* seconds cut to 32 bits */
	ck_assert_uint_eq(get(&o, 68, 4), 111111111);
	ck_assert_uint_eq(get(&o, 72, 4), 1700000002);
	ck_assert_uint_eq(get(&o, 76, 4), 222222222);
	ck_assert_uint_eq(get(&o, 80, 4), 1700000003);
	ck_assert_uint_eq(get(&o, 84, 4), 333333333);
	ck_assert_uint_eq(get(&o, 88, 8), 0x1122334455ull);
	/* Three ranges that leave out __pad0 (8-11) and __pad3 (40-43), and cover the rest. */
	ck_assert_uint_eq(o.n_ranges, 3);
	ck_assert_uint_eq(o.ranges[0].off, 0);
	ck_assert_uint_eq(o.ranges[0].len, 8);
	ck_assert_uint_eq(o.ranges[1].off, 12);
	ck_assert_uint_eq(o.ranges[1].len, 28);
	ck_assert_uint_eq(o.ranges[2].off, 44);
	ck_assert_uint_eq(o.ranges[2].len, 52);
}
END_TEST

START_TEST(compat_stat_fields_and_16_bit_ids)
{
	struct stat st = sample();
	struct i386_stat_out o;

	st.st_ino = 0x87654321u;
	st.st_size = 0x7fffffff;
	ck_assert_int_eq(emulate_stat_i386_encode(I386_STAT_COMPAT, &st, 4242, 4343, &o), 0);
	ck_assert_uint_eq(o.len, 64);
	ck_assert_uint_eq(o.n_ranges, 1);
	ck_assert_uint_eq(o.ranges[0].len, 64);
	ck_assert_uint_eq(get(&o, 0, 4), (uint32_t)st.st_dev);
	ck_assert_uint_eq(get(&o, 4, 4), 0x87654321u);
	ck_assert_uint_eq(get(&o, 8, 2), S_IFREG | 0640);
	ck_assert_uint_eq(get(&o, 10, 2), 3);
	ck_assert_uint_eq(get(&o, 12, 2), 4242);  /* 100000 does not fit: the overflow uid */
	ck_assert_uint_eq(get(&o, 14, 2), 65535); /* fits in 16 bits: kept */
	ck_assert_uint_eq(get(&o, 16, 4), (uint32_t)st.st_rdev);
	ck_assert_uint_eq(get(&o, 20, 4), 0x7fffffff);
	ck_assert_uint_eq(get(&o, 24, 4), 4096);
	ck_assert_uint_eq(get(&o, 28, 4), 2); /* blocks cut to 32 bits */
	ck_assert_uint_eq(get(&o, 36, 4), 111111111);
	ck_assert_uint_eq(get(&o, 52, 4), 333333333);
	ck_assert_uint_eq(get(&o, 56, 8), 0);
}
END_TEST

START_TEST(compat_stat_overflows_as_the_kernel_does)
{
	struct stat st = sample();
	struct i386_stat_out o;

	st.st_size = 100;
	st.st_ino = 0x100000000ull;
	ck_assert_int_eq(emulate_stat_i386_encode(I386_STAT_COMPAT, &st, 1, 1, &o), -EOVERFLOW);
	st.st_ino = 5;
	st.st_nlink = 65536;
	ck_assert_int_eq(emulate_stat_i386_encode(I386_STAT_COMPAT, &st, 1, 1, &o), -EOVERFLOW);
	st.st_nlink = 65535;
	ck_assert_int_eq(emulate_stat_i386_encode(I386_STAT_COMPAT, &st, 1, 1, &o), 0);
	st.st_size = 0x80000000ll;
	ck_assert_int_eq(emulate_stat_i386_encode(I386_STAT_COMPAT, &st, 1, 1, &o), -EOVERFLOW);
	/* stat64 holds all of it. */
	st.st_ino = 0x100000000ull;
	st.st_nlink = 70000;
	ck_assert_int_eq(emulate_stat_i386_encode(I386_STAT64, &st, 1, 1, &o), 0);
}
END_TEST

START_TEST(old_stat_fields_and_overflows)
{
	struct stat st = sample();
	struct i386_stat_out o;

	st.st_ino = 0xffff;
	st.st_dev = makedev(0xfe, 0x01);
	st.st_rdev = makedev(0x1, 0x203); /* minor above 8 bits: cut as old_encode_dev() does */
	ck_assert_int_eq(emulate_stat_i386_encode(I386_STAT_OLD, &st, 77, 78, &o), 0);
	ck_assert_uint_eq(o.len, 32);
	ck_assert_uint_eq(get(&o, 0, 2), 0xfe01);
	ck_assert_uint_eq(get(&o, 2, 2), 0xffff);
	ck_assert_uint_eq(get(&o, 4, 2), S_IFREG | 0640);
	ck_assert_uint_eq(get(&o, 6, 2), 3);
	ck_assert_uint_eq(get(&o, 8, 2), 77);
	ck_assert_uint_eq(get(&o, 10, 2), 65535);
	ck_assert_uint_eq(get(&o, 12, 2), (uint16_t)(0x100 | 0x203));
	ck_assert_uint_eq(get(&o, 14, 2), 0);
	ck_assert_uint_eq(get(&o, 16, 4), 0x40000003u); /* size cut, not refused */
	ck_assert_uint_eq(get(&o, 20, 4), 0x00000001u);
	ck_assert_uint_eq(get(&o, 24, 4), 1700000002);
	ck_assert_uint_eq(get(&o, 28, 4), 1700000003);
	st.st_ino = 0x10000;
	ck_assert_int_eq(emulate_stat_i386_encode(I386_STAT_OLD, &st, 1, 1, &o), -EOVERFLOW);
	st.st_ino = 1;
	st.st_nlink = 0x10000;
	ck_assert_int_eq(emulate_stat_i386_encode(I386_STAT_OLD, &st, 1, 1, &o), -EOVERFLOW);
	ck_assert_int_eq(emulate_stat_i386_encode(I386_STAT_NONE, &st, 1, 1, &o), -ENOSYS);
}
END_TEST

static Suite *emulate_stat_i386_suite(void)
{
	Suite *s = suite_create("emulate_stat_i386");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, names_choose_their_layout);
	tcase_add_test(tc, stat64_fields_and_untouched_padding);
	tcase_add_test(tc, compat_stat_fields_and_16_bit_ids);
	tcase_add_test(tc, compat_stat_overflows_as_the_kernel_does);
	tcase_add_test(tc, old_stat_fields_and_overflows);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(emulate_stat_i386_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
