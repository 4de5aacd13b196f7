/* SPDX-License-Identifier: MIT */
/* `bouncer profile lint`: each finding on a crafted profile, severities, --json, exit codes. */
#include <jansson.h>

#include "profile_test_util.h"

static const char clean[] =
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
        "\"syscalls\":[{\"names\":[\"read\",\"write\",\"exit\",\"exit_group\",\"rt_sigreturn\"],"
        "\"action\":\"SCMP_ACT_ALLOW\"},"
        "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
        "\"value\":2114060288,\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
        "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
        "\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]},"
        "{\"names\":[\"setuid\"],\"action\":\"SCMP_ACT_ALLOW\",\"comment\":\"needed 2 (x86_64)\"},"
        "{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}";

static const char bad[] =
        "{\"defaultAction\":\"SCMP_ACT_LOG\",\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\","
        "\"subArchitectures\":[\"SCMP_ARCH_X86\"]}],\"syscalls\":["
        "{\"names\":[\"mount\",\"ptrace\",\"personality\",\"clone\",\"setuid\",\"frobnicate\","
        "\"newfstatat\",\"open_by_handle_at\",\"io_uring_setup\"],\"action\":\"SCMP_ACT_ALLOW\"},"
        "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1,"
        "\"op\":\"SCMP_CMP_EQ\"}]},"
        "{\"names\":[\"socketcall\"],\"action\":\"SCMP_ACT_ALLOW\"},"
        "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"},"
        "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"},"
        "{\"names\":[\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
        "{\"names\":[\"write\"],\"action\":\"SCMP_ACT_ERRNO\"},"
        "{\"names\":[\"exit_group\"],\"action\":\"SCMP_ACT_ERRNO\"},"
        "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}";

START_TEST(clean_profile_has_no_findings)
{
	char *out;

	ck_assert_int_eq(pt_run(&out, NULL, "lint", pt_file("clean.json", clean), NULL), 0);
	ck_assert_msg(strstr(out, "clean.json: 0 errors, 0 warnings\n") != NULL, "%s", out);
	ck_assert_ptr_null(strstr(out, "warning:"));
	free(out);
}
END_TEST

static bool has_line(const char *out, const char *severity, const char *what, const char *code)
{
	char tag[64];

	snprintf(tag, sizeof(tag), "[%s]\n", code);
	for (const char *line = out; line && *line; line = strchr(line, '\n') + 1) {
		const char *end = strchr(line, '\n');
		char buf[1024];

		if (!end)
			break;
		snprintf(buf, sizeof(buf), "%.*s\n", (int)(end - line + 1), line);
		if (strstr(buf, severity) && strstr(buf, what) && strstr(buf, tag))
			return true;
	}
	return false;
}

START_TEST(every_finding)
{
	char *out;

	ck_assert_int_eq(pt_run(&out, NULL, "lint", pt_file("bad.json", bad), NULL), 1);
#define HAS(sev, what, code)                                                                       \
	ck_assert_msg(has_line(out, sev, what, code), "no %s %s:\n%s", code, what, out)
	HAS(": error: ", "defaultAction is SCMP_ACT_LOG", "default-allow");
	HAS(": error: ", "syscalls[0] frobnicate: no syscall of this name", "unknown-syscall");
	HAS(": warning: ", "syscalls[0] newfstatat: not a syscall on SCMP_ARCH_X86:",
	    "unknown-on-arch");
	HAS(": error: ", "32-bit compat ABI is listed", "compat-abi-open");
	HAS(": warning: ", "socketcall is allowed without conditions", "compat-abi-open");
	HAS(": warning: ", "syscalls[0] mount: allowed without conditions",
	    "unconditioned-dangerous");
	HAS(": error: ", "syscalls[0] ptrace: allowed without conditions",
	    "unconditioned-dangerous");
	HAS(": error: ", "syscalls[0] open_by_handle_at: allowed", "unconditioned-dangerous");
	HAS(": warning: ", "syscalls[0] io_uring_setup: allowed", "unconditioned-dangerous");
	HAS(": warning: ", "syscalls[0] personality:", "personality-unconditioned");
	HAS(": warning: ", "syscalls[0] clone:", "clone-namespaces");
	HAS(": warning: ", "syscalls[0] setuid:", "credentials-without-need");
	HAS(": warning: ", "syscalls[4] read: same action and conditions as syscalls[3]",
	    "duplicate-rule");
	HAS(": error: ", "syscalls[6] write: same conditions as syscalls[5]",
	    "contradicting-rules");
	HAS(": error: ", "exit_group is not allowed", "missing-essential");
	HAS(": warning: ", "syscalls[8] getpid: SCMP_ACT_NOTIFY needs a listener",
	    "notify-without-listener");
	ck_assert_ptr_nonnull(strstr(out, "bad.json: 7 errors, 10 warnings\n"));
	free(out);
}
END_TEST

START_TEST(json_output)
{
	char *out;
	json_t *root, *f;
	json_error_t jerr;
	size_t i;
	bool found = false;

	ck_assert_int_eq(pt_run(&out, NULL, "lint", "--json", pt_file("bad.json", bad), NULL), 1);
	root = json_loads(out, 0, &jerr);
	ck_assert_msg(root != NULL, "not JSON: %s", jerr.text);
	ck_assert_int_eq(json_integer_value(json_object_get(root, "errors")), 7);
	ck_assert_int_eq(json_integer_value(json_object_get(root, "warnings")), 10);
	json_array_foreach(json_object_get(root, "findings"), i, f)
	{
		if (strcmp(json_string_value(json_object_get(f, "code")), "contradicting-rules") ==
		    0) {
			ck_assert_str_eq(json_string_value(json_object_get(f, "severity")),
			                 "error");
			ck_assert_int_eq(json_integer_value(json_object_get(f, "rule")), 6);
			ck_assert_str_eq(json_string_value(json_object_get(f, "syscall")), "write");
			found = true;
		}
	}
	ck_assert(found);
	json_decref(root);
	free(out);
}
END_TEST

START_TEST(usage_and_invalid)
{
	char *err;

	ck_assert_int_eq(pt_run(NULL, NULL, "lint", NULL), 2);
	ck_assert_int_eq(pt_run(NULL, &err, "lint", pt_file("x.json", "{\"syscalls\":[]}"), NULL),
	                 1);
	ck_assert_ptr_nonnull(strstr(err, "x.json: defaultAction: missing"));
	free(err);
	ck_assert_int_eq(
	        pt_run(NULL, &err, "lint",
	               pt_file("y.json", "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":"
	                                 "[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALOW\"}]}"),
	               NULL),
	        1);
	ck_assert_ptr_nonnull(
	        strstr(err, "y.json: syscalls[0].action: unknown action \"SCMP_ACT_ALOW\""));
	free(err);
	ck_assert_int_eq(pt_run(NULL, &err, "lint", pt_file("z.json", "{\"defaultAction\":"), NULL),
	                 1);
	ck_assert_ptr_nonnull(strstr(err, "z.json:1:"));
	free(err);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("profile_lint");
	TCase *tc = tcase_create("lint");

	tcase_add_test(tc, clean_profile_has_no_findings);
	tcase_add_test(tc, every_finding);
	tcase_add_test(tc, json_output);
	tcase_add_test(tc, usage_and_invalid);
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
