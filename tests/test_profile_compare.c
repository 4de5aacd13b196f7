/* SPDX-License-Identifier: MIT */
/* `bouncer profile check`, `diff` and `merge`: results and exit codes. */
#include "profile_test_util.h"

#define TS1 "2026-11-23T23:30:01.000000001Z"

static const char profile_a[] =
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
        "{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
        "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1,"
        "\"op\":\"SCMP_CMP_EQ\"}]},"
        "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
        "\"value\":2114060288,\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
        "{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}";

static const char profile_b[] =
        "{\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\",\"architectures\":[\"SCMP_ARCH_X86_64\","
        "\"SCMP_ARCH_X86\"],\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],\"syscalls\":["
        "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"comment\":\"comments do not "
        "count\"},"
        "{\"names\":[\"write\"],\"action\":\"SCMP_ACT_LOG\"},"
        "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":2,"
        "\"op\":\"SCMP_CMP_EQ\"}]},"
        "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
        "\"value\":2114060288,\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
        "{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}]}";

static const char *log_with(const char *name, const char *const *syscalls, const char *const *args,
                            const char *arch)
{
	static char log[8192];
	char rec[800];

	log[0] = 0;
	for (int i = 0; syscalls[i]; i++) {
		pt_record(rec, sizeof(rec), TS1, "/bin/app", arch, syscalls[i],
		          args[i] ? args[i] : PT_ARGS0, PT_LEARN);
		strcat(log, rec);
	}
	return pt_file(name, log);
}

START_TEST(check_passes_and_fails)
{
	const char *const ok_sys[] = {"read", "write", "socket", "clone", NULL};
	const char *const ok_args[] = {NULL, NULL,
	                               "\"0x1\",\"0x1\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"",
	                               "\"0x1200011\",\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\""};
	const char *const bad_sys[] = {"read", "socket", "clone", "openat", NULL};
	const char *const bad_args[] = {NULL, "\"0xa\",\"0x2\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"",
	                                "\"0x10000000\",\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"",
	                                NULL};
	const char *pa = pt_file("a.json", profile_a);
	char *out;

	ck_assert_int_eq(pt_run(&out, NULL, "check", pa,
	                        log_with("ok.log", ok_sys, ok_args, "SCMP_ARCH_X86_64"), NULL),
	                 0);
	ck_assert_ptr_nonnull(strstr(out, "a.json: allows everything the inputs needed\n"));
	free(out);
	ck_assert_int_eq(pt_run(&out, NULL, "check", pa,
	                        log_with("bad.log", bad_sys, bad_args, "SCMP_ARCH_X86_64"), NULL),
	                 1);
	ck_assert_ptr_nonnull(strstr(out, "missing on SCMP_ARCH_X86_64: socket with args[0] == 0xa "
	                                  "&& args[1] & 0xf == 0x2: SCMP_ACT_ERRNO by default "
	                                  "(needed 1, first seen: /bin/app)\n"));
	/* CLONE_NEWUSER needed, the profile masks it. */
	ck_assert_ptr_nonnull(strstr(out, "missing on SCMP_ARCH_X86_64: clone with args[0] & "
	                                  "0x7e020000 == 0x10000000: SCMP_ACT_ERRNO by default"));
	ck_assert_ptr_nonnull(strstr(out, "missing on SCMP_ARCH_X86_64: openat: SCMP_ACT_ERRNO by "
	                                  "default"));
	ck_assert_ptr_null(strstr(out, " read"));
	ck_assert_ptr_nonnull(strstr(out, "a.json: 3 missing\n"));
	free(out);
	/* An arch the profile does not list. */
	ck_assert_int_eq(pt_run(&out, NULL, "check", pa,
	                        log_with("x86.log", ok_sys, ok_args, "SCMP_ARCH_X86"), NULL),
	                 1);
	ck_assert_ptr_nonnull(strstr(out,
	                             "missing on SCMP_ARCH_X86: the architecture is not listed "
	                             "(4 records)\n"));
	free(out);
}
END_TEST

START_TEST(check_against_profiles_and_stock)
{
	const char *pa = pt_file("a.json", profile_a), *pb = pt_file("b.json", profile_b);
	char *out, *err;

	ck_assert_int_eq(pt_run(&out, NULL, "check", pa, pa, NULL), 0);
	free(out);
	ck_assert_int_eq(pt_run(&out, NULL, "check", pa, pb, NULL), 1);
	ck_assert_ptr_nonnull(strstr(out,
	                             "missing on SCMP_ARCH_X86: the architecture is not listed "
	                             "(from "));
	ck_assert_ptr_nonnull(strstr(out, "missing: socket with args[0] == 0x2: allowed by "));
	ck_assert_ptr_nonnull(strstr(out, "b.json syscalls[2], not by the profile\n"));
	ck_assert_ptr_null(strstr(out, "missing: write"));
	free(out);
	/* The stock default policy (policies/default.json) allows read and denies ptrace. */
	const char *const sys[] = {"read", "ptrace", NULL};
	const char *const args[] = {NULL, NULL};
	ck_assert_int_eq(pt_run(&out, NULL, "check", "--against", "default",
	                        log_with("s.log", sys, args, "SCMP_ARCH_X86_64"), NULL),
	                 1);
	ck_assert_ptr_nonnull(strstr(out,
	                             "missing on SCMP_ARCH_X86_64: ptrace: SCMP_ACT_ERRNO by a "
	                             "rule (needed 1, first seen: /bin/app)\n"));
	ck_assert_ptr_null(strstr(out, ": read"));
	ck_assert_ptr_nonnull(strstr(out, "default: 1 missing\n"));
	free(out);
	ck_assert_int_eq(pt_run(NULL, &err, "check", "--against", "nosuchprofile", pa, NULL), 2);
	ck_assert_ptr_nonnull(strstr(err, "no stock profile \"nosuchprofile\""));
	free(err);
	ck_assert_int_eq(pt_run(NULL, NULL, "check", pa, NULL), 2);
	ck_assert_int_eq(pt_run(NULL, &err, "check", pa, pt_file("junk.log", "junk\n"), NULL), 2);
	ck_assert_ptr_nonnull(strstr(err, "junk.log:1: not a JSON object"));
	free(err);
}
END_TEST

START_TEST(diff_reports_meaning)
{
	const char *pa = pt_file("a.json", profile_a), *pb = pt_file("b.json", profile_b);
	char *out;

	ck_assert_int_eq(pt_run(&out, NULL, "diff", pa, pa, NULL), 0);
	ck_assert_str_eq(out, "");
	free(out);
	ck_assert_int_eq(pt_run(&out, NULL, "diff", pa, pb, NULL), 1);
	ck_assert_str_eq(out, "~ defaultAction: SCMP_ACT_ERRNO(EPERM) -> SCMP_ACT_KILL_PROCESS\n"
	                      "+ arch SCMP_ARCH_X86\n"
	                      "+ flag SECCOMP_FILTER_FLAG_LOG\n"
	                      "- socket if args[0] == 0x1: SCMP_ACT_ALLOW\n"
	                      "~ write: SCMP_ACT_ALLOW -> SCMP_ACT_LOG\n"
	                      "~ ptrace: SCMP_ACT_ERRNO(EPERM) -> SCMP_ACT_ERRNO(ENOSYS)\n"
	                      "+ socket if args[0] == 0x2: SCMP_ACT_ALLOW\n"
	                      "7 differences\n");
	free(out);
	ck_assert_int_eq(pt_run(NULL, NULL, "diff", pa, NULL), 2);
	ck_assert_int_eq(pt_run(NULL, NULL, "diff", pa, "/nonexistent.json", NULL), 2);
}
END_TEST

START_TEST(merge_union_and_intersection)
{
	const char *pa = pt_file("a.json", profile_a), *pb = pt_file("b.json", profile_b);
	const char *const sys[] = {"read", "getpid", NULL};
	const char *const args[] = {NULL, NULL};
	const char *log = log_with("m.log", sys, args, "SCMP_ARCH_X86_64");
	char path[300], *out;

	snprintf(path, sizeof(path), "%s/u.json", pt_dir());
	ck_assert_int_eq(pt_run(NULL, NULL, "merge", pa, pb, log, "-o", path, NULL), 0);
	out = pt_read(path);
	/* Union: the least restrictive default; everything any input allows, with origins. */
	ck_assert_ptr_nonnull(strstr(out, "\"defaultAction\": \"SCMP_ACT_ERRNO\""));
	ck_assert_ptr_nonnull(strstr(out,
	                             "{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\", "
	                             "\"comment\": \"from "));
	ck_assert_ptr_nonnull(strstr(out, "m.log: needed 1 (x86_64); first seen: /bin/app\"}"));
	ck_assert_ptr_nonnull(strstr(out, "b.json: comments do not count; "));
	ck_assert_ptr_nonnull(
	        strstr(out, "\"value\": 1, \"valueTwo\": 0, \"op\": \"SCMP_CMP_EQ\"}]"));
	ck_assert_ptr_nonnull(
	        strstr(out, "\"value\": 2, \"valueTwo\": 0, \"op\": \"SCMP_CMP_EQ\"}]"));
	ck_assert_ptr_nonnull(
	        strstr(out, "\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ERRNO\""));
	ck_assert_ptr_nonnull(strstr(out, "\"subArchitectures\": [\"SCMP_ARCH_X86\"]"));
	free(out);
	/* The union allows what each input needed: check agrees. */
	ck_assert_int_eq(pt_run(&out, NULL, "check", path, pa, pb, log, NULL), 0);
	free(out);
	/* Intersection: the most restrictive default; only what all allow. */
	ck_assert_int_eq(pt_run(&out, NULL, "merge", "--intersect", pa, pb, log, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\""));
	ck_assert_ptr_nonnull(
	        strstr(out, "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\""));
	ck_assert_ptr_null(strstr(out, "\"getpid\""));
	ck_assert_ptr_null(strstr(out, "\"socket\""));
	ck_assert_ptr_null(strstr(out, "\"write\""));
	ck_assert_ptr_null(strstr(out, "SCMP_ARCH_X86\""));
	free(out);
}
END_TEST

/* Docker's includes/excludes: a rule for capabilities a default container lacks, or for other
 * arches, does not count. */
START_TEST(includes_and_excludes)
{
	static const char docker_like[] =
	        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
	        "{\"names\":[\"read\",\"exit_group\"],\"action\":\"SCMP_ACT_ALLOW\"},"
	        "{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":"
	        "[\"CAP_SYS_ADMIN\"]}},"
	        "{\"names\":[\"chroot\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":"
	        "[\"CAP_SYS_CHROOT\"]}},"
	        "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
	        "\"value\":2114060288,\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}],"
	        "\"excludes\":{\"caps\":[\"CAP_SYS_ADMIN\"],\"arches\":[\"s390x\"]}},"
	        "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":"
	        "[\"CAP_SYS_ADMIN\"]}},"
	        "{\"names\":[\"arm_fadvise64_64\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":"
	        "{\"arches\":[\"arm\",\"arm64\"]}}]}";
	const char *const sys[] = {"mount", "chroot", "clone", "read", NULL};
	const char *const args[] = {NULL, NULL,
	                            "\"0x10000000\",\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"", NULL};
	const char *p = pt_file("d.json", docker_like);
	char *out;

	ck_assert_int_eq(pt_run(&out, NULL, "check", p,
	                        log_with("d.log", sys, args, "SCMP_ARCH_X86_64"), NULL),
	                 1);
	ck_assert_ptr_nonnull(strstr(out, "missing on SCMP_ARCH_X86_64: mount: SCMP_ACT_ERRNO by "
	                                  "default"));
	ck_assert_ptr_nonnull(strstr(out, "missing on SCMP_ARCH_X86_64: clone with args[0] & "
	                                  "0x7e020000 == 0x10000000"));
	ck_assert_ptr_null(strstr(out, "chroot"));
	ck_assert_ptr_nonnull(strstr(out, "d.json: 2 missing\n"));
	free(out);
	/* lint judges the profile as it applies: no dangerous-mount or clone finding, no
	 * unknown-syscall for the arm-only rule. */
	ck_assert_int_eq(pt_run(&out, NULL, "lint", p, NULL), 0);
	ck_assert_ptr_nonnull(
	        strstr(out, "d.json: 0 errors, 2 warnings\n")); /* exit, rt_sigreturn */
	ck_assert_ptr_null(strstr(out, "mount"));
	ck_assert_ptr_null(strstr(out, "clone"));
	free(out);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("profile_compare");
	TCase *tc = tcase_create("compare");

	tcase_add_test(tc, check_passes_and_fails);
	tcase_add_test(tc, check_against_profiles_and_stock);
	tcase_add_test(tc, diff_reports_meaning);
	tcase_add_test(tc, merge_union_and_intersection);
	tcase_add_test(tc, includes_and_excludes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
