/* SPDX-License-Identifier: MIT */
/* `bouncer profile generate`: exact output for crafted logs, arches, selector conditions,
 * determinism, malformed lines, options. */
#include "profile_test_util.h"

#define TS(n) "2026-11-23T23:30:01.00000000" #n "Z"

static const char small_log[] = "{\"v\":1,\"ts\":\"" TS(
        2) "\",\"run\":\"5f0c3a9e1b2d4c67\",\"seq\":2,\"pid\":42,\"tid\":42,"
           "\"comm\":\"sh\",\"exe\":\"/bin/sh\",\"arch\":\"SCMP_ARCH_X86_64\",\"syscall\":\"read\","
           "\"nr\":0,\"args\":[\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"],\"action\":"
           "\"allow\","
           "\"rule\":{\"index\":null,\"default\":true},\"mode\":\"audit\",\"would\":\"deny\","
           "\"would_errno\":{\"name\":\"EPERM\",\"nr\":1},\"policy\":\"<learn>\"}\n"
           "{\"v\":1,\"ts\":\"" TS(
                   1) "\",\"run\":\"5f0c3a9e1b2d4c67\",\"seq\":1,\"pid\":42,\"tid\":42,"
                      "\"comm\":\"sh\",\"exe\":\"/bin/"
                      "dash\",\"arch\":\"SCMP_ARCH_X86_64\",\"syscall\":\"read\","
                      "\"nr\":0,\"args\":[\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"],"
                      "\"action\":\"allow\","
                      "\"rule\":{\"index\":null,\"default\":true},\"mode\":\"audit\",\"would\":"
                      "\"deny\","
                      "\"policy\":\"<learn>\"}\n"
                      "{\"v\":1,\"ts\":\"" TS(
                              3) "\",\"run\":\"5f0c3a9e1b2d4c67\",\"seq\":3,\"pid\":42,\"tid\":42,"
                                 "\"comm\":\"sh\",\"exe\":\"/bin/"
                                 "sh\",\"arch\":\"SCMP_ARCH_X86_64\",\"syscall\":\"socket\","
                                 "\"nr\":41,\"args\":[\"0x1\",\"0x80001\",\"0x0\",\"0x0\",\"0x0\","
                                 "\"0x0\"],"
                                 "\"action\":\"allow\",\"rule\":{\"index\":null,\"default\":true},"
                                 "\"mode\":\"audit\","
                                 "\"would\":\"deny\",\"policy\":\"<learn>\"}\n"
                                 "{\"v\":1,\"ts\":\"" TS(
                                         4) "\",\"run\":\"5f0c3a9e1b2d4c67\",\"seq\":4,\"pid\":43,"
                                            "\"tid\":43,"
                                            "\"comm\":\"ping\",\"exe\":\"/bin/"
                                            "ping32\",\"arch\":\"SCMP_ARCH_X86\",\"syscall\":"
                                            "\"socket\","
                                            "\"nr\":359,\"args\":[\"0x2\",\"0x2\",\"0x0\",\"0x0\","
                                            "\"0x0\",\"0x0\"],"
                                            "\"action\":\"allow\",\"rule\":{\"index\":null,"
                                            "\"default\":true},\"mode\":\"audit\","
                                            "\"would\":\"deny\",\"policy\":\"<learn>\"}\n"
                                            "{\"v\":1,\"ts\":\"" TS(
                                                    5) "\",\"run\":\"5f0c3a9e1b2d4c67\",\"seq\":5,"
                                                       "\"pid\":44,\"tid\":44,"
                                                       "\"comm\":\"unshare\",\"exe\":\"/usr/bin/"
                                                       "unshare\",\"arch\":\"SCMP_ARCH_X86_64\","
                                                       "\"syscall\":\"unshare\",\"nr\":272,"
                                                       "\"args\":[\"0x10000000\",\"0x0\",\"0x0\","
                                                       "\"0x0\","
                                                       "\"0x0\",\"0x0\"],\"action\":\"deny\","
                                                       "\"errno\":{\"name\":\"EACCES\",\"nr\":13},"
                                                       "\"rule\":{\"index\":41,\"comment\":"
                                                       "\"namespaces\"},\"mode\":\"enforce\","
                                                       "\"policy\":\"<default>\"}\n"
                                                       "{\"v\":1,\"ts\":\"" TS(
                                                               6) "\",\"run\":\"5f0c3a9e1b2d4c67\","
                                                                  "\"seq\":6,\"pid\":42,\"tid\":42,"
                                                                  "\"comm\":\"sh\",\"exe\":\"/bin/"
                                                                  "sh\",\"arch\":\"SCMP_ARCH_X86_"
                                                                  "64\",\"syscall\":\"clone\","
                                                                  "\"nr\":56,\"args\":["
                                                                  "\"0x1200011\",\"0x0\",\"0x0\","
                                                                  "\"0x0\",\"0x0\",\"0x0\"],"
                                                                  "\"action\":\"allow\",\"rule\":{"
                                                                  "\"index\":null,\"default\":true}"
                                                                  ",\"mode\":\"audit\","
                                                                  "\"would\":\"deny\",\"policy\":"
                                                                  "\"<learn>\",\"later_field\":{"
                                                                  "\"x\":[1,2,{\"y\":\"}\"}]}}\n";

static const char small_expected_no_essentials[] =
        "{\n"
        "  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
        "  \"defaultErrnoRet\": 1,\n"
        "  \"archMap\": [\n"
        "    {\"architecture\": \"SCMP_ARCH_X86_64\", \"subArchitectures\": [\"SCMP_ARCH_X86\"]}\n"
        "  ],\n"
        "  \"flags\": [],\n"
        "  \"syscalls\": [\n"
        "    {\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, "
        "\"value\": 2114060288, \"valueTwo\": 0, \"op\": \"SCMP_CMP_MASKED_EQ\"}], \"comment\": "
        "\"needed 1 (x86_64); first seen: /bin/sh\"},\n"
        "    {\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"comment\": \"needed 2 "
        "(x86_64); first seen: /bin/dash\"},\n"
        "    {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, "
        "\"value\": 1, \"valueTwo\": 0, \"op\": \"SCMP_CMP_EQ\"}, {\"index\": 1, \"value\": 15, "
        "\"valueTwo\": 1, \"op\": \"SCMP_CMP_MASKED_EQ\"}], \"comment\": \"needed 1 with these "
        "arguments, in all 2 (x86_64 1, x86 1); first seen: /bin/sh\"},\n"
        "    {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, "
        "\"value\": 2, \"valueTwo\": 0, \"op\": \"SCMP_CMP_EQ\"}, {\"index\": 1, \"value\": 15, "
        "\"valueTwo\": 2, \"op\": \"SCMP_CMP_MASKED_EQ\"}], \"comment\": \"needed 1 with these "
        "arguments, in all 2 (x86_64 1, x86 1); first seen: /bin/ping32\"},\n"
        "    {\"names\": [\"unshare\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13, "
        "\"comment\": \"stopped 1 (x86_64); denied in enforce mode with EACCES; first seen: "
        "/usr/bin/unshare\"}\n"
        "  ]\n"
        "}\n";

/* The same with the essentials generate adds when the recording did not see them. */
static const char small_expected[] =
        "{\n"
        "  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
        "  \"defaultErrnoRet\": 1,\n"
        "  \"archMap\": [\n"
        "    {\"architecture\": \"SCMP_ARCH_X86_64\", \"subArchitectures\": [\"SCMP_ARCH_X86\"]}\n"
        "  ],\n"
        "  \"flags\": [],\n"
        "  \"syscalls\": [\n"
        "    {\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, "
        "\"value\": 2114060288, \"valueTwo\": 0, \"op\": \"SCMP_CMP_MASKED_EQ\"}], \"comment\": "
        "\"needed 1 (x86_64); first seen: /bin/sh\"},\n"
        "    {\"names\": [\"exit\"], \"action\": \"SCMP_ACT_ALLOW\", \"comment\": \"not recorded; "
        "allowed as essential (--no-essentials leaves it out)\"},\n"
        "    {\"names\": [\"exit_group\"], \"action\": \"SCMP_ACT_ALLOW\", \"comment\": \"not "
        "recorded; "
        "allowed as essential (--no-essentials leaves it out)\"},\n"
        "    {\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"comment\": \"needed 2 "
        "(x86_64); first seen: /bin/dash\"},\n"
        "    {\"names\": [\"rt_sigreturn\"], \"action\": \"SCMP_ACT_ALLOW\", \"comment\": \"not "
        "recorded; "
        "allowed as essential (--no-essentials leaves it out)\"},\n"
        "    {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, "
        "\"value\": 1, \"valueTwo\": 0, \"op\": \"SCMP_CMP_EQ\"}, {\"index\": 1, \"value\": 15, "
        "\"valueTwo\": 1, \"op\": \"SCMP_CMP_MASKED_EQ\"}], \"comment\": \"needed 1 with these "
        "arguments, in all 2 (x86_64 1, x86 1); first seen: /bin/sh\"},\n"
        "    {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, "
        "\"value\": 2, \"valueTwo\": 0, \"op\": \"SCMP_CMP_EQ\"}, {\"index\": 1, \"value\": 15, "
        "\"valueTwo\": 2, \"op\": \"SCMP_CMP_MASKED_EQ\"}], \"comment\": \"needed 1 with these "
        "arguments, in all 2 (x86_64 1, x86 1); first seen: /bin/ping32\"},\n"
        "    {\"names\": [\"unshare\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13, "
        "\"comment\": \"stopped 1 (x86_64); denied in enforce mode with EACCES; first seen: "
        "/usr/bin/unshare\"}\n"
        "  ]\n"
        "}\n";

START_TEST(exact_docker_output)
{
	char *out, *err;
	int rc = pt_run(&out, &err, "generate", pt_file("a.log", small_log), NULL);

	ck_assert_msg(rc == 0, "rc %d: %s", rc, err);
	ck_assert_str_eq(out, small_expected);
	ck_assert_str_eq(err, "");
	free(out);
	free(err);
}
END_TEST

START_TEST(no_essentials_option)
{
	char *out, *err;
	int rc = pt_run(&out, &err, "generate", "--no-essentials", pt_file("a.log", small_log),
	                NULL);

	ck_assert_msg(rc == 0, "rc %d: %s", rc, err);
	ck_assert_str_eq(out, small_expected_no_essentials);
	free(out);
	free(err);
}
END_TEST

START_TEST(output_file_and_stdin)
{
	char path[300], *out;
	int saved = dup(0), fd;

	snprintf(path, sizeof(path), "%s/out.json", pt_dir());
	fd = open(pt_file("a.log", small_log), O_RDONLY);
	dup2(fd, 0);
	close(fd);
	ck_assert_int_eq(pt_run(NULL, NULL, "generate", "-o", path, "-", NULL), 0);
	dup2(saved, 0);
	close(saved);
	out = pt_read(path);
	ck_assert_str_eq(out, small_expected);
	free(out);
}
END_TEST

START_TEST(oci_format)
{
	char *out;

	ck_assert_int_eq(pt_run(&out, NULL, "generate", "--format", "oci",
	                        pt_file("a.log", small_log), NULL),
	                 0);
	ck_assert_ptr_nonnull(strstr(out, "\"architectures\": [\"SCMP_ARCH_X86_64\", "
	                                  "\"SCMP_ARCH_X86\"],\n"));
	ck_assert_ptr_null(strstr(out, "archMap"));
	/* runtime-spec has no comment field: the OCI object stays schema-valid. */
	ck_assert_ptr_null(strstr(out, "comment"));
	ck_assert_ptr_nonnull(
	        strstr(out, "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}"));
	free(out);
}
END_TEST

START_TEST(spo_format)
{
	char *out;

	ck_assert_int_eq(pt_run(&out, NULL, "generate", "--format", "spo", "--name", "My_App",
	                        pt_file("a.log", small_log), NULL),
	                 0);
	static const char head[] = "apiVersion: security-profiles-operator.x-k8s.io/v1beta1\n"
	                           "kind: SeccompProfile\nmetadata:\n  name: my-app\nspec:\n"
	                           "  defaultAction: SCMP_ACT_ERRNO\n  defaultErrnoRet: 1\n"
	                           "  architectures:\n  - SCMP_ARCH_X86_64\n  - SCMP_ARCH_X86\n"
	                           "  flags: []\n  syscalls:\n";
	ck_assert_msg(strncmp(out, head, strlen(head)) == 0, "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "  # needed 2 (x86_64); first seen: /bin/dash\n"
	                                  "  - action: SCMP_ACT_ALLOW\n    names:\n    - read\n"));
	ck_assert_ptr_nonnull(strstr(out, "    errnoRet: 13\n"));
	free(out);
}
END_TEST

/* Same records in reverse and in an interleaved order (and enough of them to span several
 * parallel blocks): byte-identical output. */
START_TEST(deterministic_under_shuffle)
{
	enum { N = 40000 };
	static const char *const names[] = {"read",     "ioctl", "socket", "openat",
	                                    "mprotect", "prctl", "fcntl",  "clone"};
	char **lines = calloc(N, sizeof(char *));
	char path_a[300], path_b[300], *out_a, *out_b;
	FILE *a, *b;

	for (int i = 0; i < N; i++) {
		char ts[64], exe[32], args[200];

		lines[i] = malloc(600);
		snprintf(ts, sizeof(ts), "2026-11-23T23:%02d:%02d.%09dZ", i / 3600 % 60,
		         i / 60 % 60, i);
		snprintf(exe, sizeof(exe), "/bin/p%d", i % 7);
		snprintf(args, sizeof(args),
		         "\"0x%x\",\"0x%x\",\"0x%x\",\"0x0\",\"0x7ffd%04x\",\"0x0\"", i % 5 + 1,
		         0x5401 + i % 3, i % 8, i);
		pt_record(lines[i], 600, ts, exe, i % 11 ? "SCMP_ARCH_X86_64" : "SCMP_ARCH_X86",
		          names[i % 8], args, i % 13 ? PT_LEARN : PT_DENY);
	}
	snprintf(path_a, sizeof(path_a), "%s/a.log", pt_dir());
	snprintf(path_b, sizeof(path_b), "%s/b.log", pt_dir());
	a = fopen(path_a, "w");
	b = fopen(path_b, "w");
	for (int i = 0; i < N; i++) {
		fputs(lines[i], a);
		fputs(lines[(i * 7919) % N], b); /* 7919 is prime and coprime with N */
	}
	fclose(a);
	fclose(b);
	ck_assert_int_eq(pt_run(&out_a, NULL, "generate", path_a, NULL), 0);
	ck_assert_int_eq(pt_run(&out_b, NULL, "generate", path_b, NULL), 0);
	ck_assert_str_eq(out_a, out_b);
	/* Several logs at once give the same as their concatenation. */
	free(out_b);
	ck_assert_int_eq(pt_run(&out_b, NULL, "generate", path_b, path_b, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_b, "first seen: /bin/p0"));
	for (int i = 0; i < N; i++)
		free(lines[i]);
	free(lines);
	free(out_a);
	free(out_b);
}
END_TEST

static char *generate_from(const char *text);

/* Line numbers stay exact when the parallel reader cuts the input into blocks (4 MiB): a bad
 * line far into a ~12 MB log is reported with its absolute number. */
START_TEST(line_numbers_across_blocks)
{
	enum { N = 30000, BAD = 25001 };
	char path[300], rec[700], *out, *err;
	FILE *f;

	snprintf(path, sizeof(path), "%s/big.log", pt_dir());
	f = fopen(path, "w");
	pt_record(rec, sizeof(rec), TS(1), "/bin/a-rather-long-executable-name-to-fill-blocks",
	          "SCMP_ARCH_X86_64", "read", PT_ARGS0, PT_LEARN);
	for (int i = 1; i <= N; i++)
		fputs(i == BAD || i == BAD + 2
		              ? "{\"v\":1,\"arch\":\"SCMP_ARCH_X86_64\",\"truncated\n"
		              : rec,
		      f);
	fclose(f);
	ck_assert_int_eq(pt_run(&out, &err, "generate", path, NULL), 1);
	ck_assert_msg(strstr(err, "big.log:25001: ") != NULL, "%s", err);
	free(out);
	free(err);
	ck_assert_int_eq(pt_run(&out, &err, "generate", "--skip-bad", path, NULL), 0);
	ck_assert_msg(strstr(err, "big.log:25001: unterminated string (skipped)\n") != NULL, "%s",
	              err);
	ck_assert_ptr_nonnull(strstr(err, "big.log:25003: unterminated string (skipped)\n"));
	ck_assert_ptr_nonnull(strstr(err, "skipped 2 malformed lines\n"));
	ck_assert_ptr_nonnull(strstr(out, "needed 29998 (x86_64)"));
	free(out);
	free(err);
}
END_TEST

/* White space between tokens, escapes in strings, fields in another order. */
START_TEST(record_syntax_variants)
{
	static const char log[] =
	        "{ \"action\" : \"allow\" , \"mode\":\"enforce\", \"syscall\" : \"getpid\", "
	        "\"exe\": \"/opt/a \\\"quoted\\\" \\u00e9\\\\x\", \"args\": [ \"0x0\", \"0x0\", "
	        "\"0x0\", \"0x0\", \"0x0\", \"0x0\" ], \"arch\":\"SCMP_ARCH_X86_64\", "
	        "\"ts\":\"2026-11-23T23:30:01.000000001Z\", \"extra\": [true, false, null, -1.5e3] "
	        "}\r\n"
	        "\n";
	char *out;

	out = generate_from(log);
	ck_assert_msg(strstr(out,
	                     "{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\", "
	                     "\"comment\": \"needed 1 (x86_64); first seen: /opt/a \\\"quoted\\\" "
	                     "\u00e9\\\\x\"}") != NULL,
	              "%s", out);
	free(out);
}
END_TEST

static char *generate_from(const char *text)
{
	char *out, *err;
	int rc = pt_run(&out, &err, "generate", pt_file("c.log", text), NULL);

	ck_assert_msg(rc == 0, "rc %d: %s", rc, err);
	free(err);
	return out;
}

START_TEST(arches_x32_and_names)
{
	char log[4096], rec[700], *out;

	log[0] = 0;
	pt_record(rec, sizeof(rec), TS(1), "/x32", "SCMP_ARCH_X32", "read", PT_ARGS0, PT_LEARN);
	strcat(log, rec);
	pt_record(rec, sizeof(rec), TS(2), "/a", "SCMP_ARCH_X86_64", "write", PT_ARGS0, PT_LEARN);
	strcat(log, rec);
	/* A syscall libseccomp cannot name is not emitted (and said so on stderr). */
	pt_record(rec, sizeof(rec), TS(3), "/a", "SCMP_ARCH_X86_64", "nr:999", PT_ARGS0, PT_LEARN);
	strcat(log, rec);
	out = generate_from(log);
	ck_assert_ptr_nonnull(strstr(out, "{\"architecture\": \"SCMP_ARCH_X86_64\", "
	                                  "\"subArchitectures\": [\"SCMP_ARCH_X32\"]}"));
	ck_assert_ptr_nonnull(strstr(out, "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
	                                  "\"comment\": \"needed 1 (x32); first seen: /x32\"}"));
	ck_assert_ptr_null(strstr(out, "nr:999"));
	free(out);
}
END_TEST

START_TEST(selector_conditions)
{
	char log[1 << 16], rec[700], args[200], *out;

	log[0] = 0;
	/* ioctl: 40 distinct requests is more than "few": no condition. */
	for (int i = 0; i < 40; i++) {
		snprintf(args, sizeof(args), "\"0x3\",\"0x%x\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"",
		         0x5400 + i);
		pt_record(rec, sizeof(rec), TS(1), "/a", "SCMP_ARCH_X86_64", "ioctl", args,
		          PT_LEARN);
		strcat(log, rec);
	}
	/* prctl: two options → two rules. */
	pt_record(rec, sizeof(rec), TS(1), "/a", "SCMP_ARCH_X86_64", "prctl",
	          "\"0xf\",\"0x1\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"", PT_LEARN);
	strcat(log, rec);
	pt_record(rec, sizeof(rec), TS(1), "/a", "SCMP_ARCH_X86_64", "prctl",
	          "\"0x26\",\"0x1\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"", PT_LEARN);
	strcat(log, rec);
	/* clone with CLONE_NEWUSER used: only the other namespace bits are masked. */
	pt_record(rec, sizeof(rec), TS(1), "/a", "SCMP_ARCH_X86_64", "clone",
	          "\"0x10000011\",\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"", PT_LEARN);
	strcat(log, rec);
	/* mmap: every write/exec combination seen → no condition. */
	for (int prot = 0; prot < 8; prot++) {
		snprintf(args, sizeof(args), "\"0x0\",\"0x1000\",\"0x%x\",\"0x22\",\"0x0\",\"0x0\"",
		         prot);
		pt_record(rec, sizeof(rec), TS(1), "/a", "SCMP_ARCH_X86_64", "mmap", args,
		          PT_LEARN);
		strcat(log, rec);
	}
	/* mprotect: never write+exec → the W|X combination stays denied. */
	pt_record(rec, sizeof(rec), TS(1), "/a", "SCMP_ARCH_X86_64", "mprotect",
	          "\"0x7f00\",\"0x1000\",\"0x3\",\"0x0\",\"0x0\",\"0x0\"", PT_LEARN);
	strcat(log, rec);
	/* personality without recorded arguments (imports): no condition can be derived. */
	pt_record(rec, sizeof(rec), TS(1), "/a", "SCMP_ARCH_X86_64", "personality", PT_ARGS0,
	          PT_LEARN ",\"args_known\":false");
	strcat(log, rec);
	/* openat: pointer and flag arguments are not selectors. */
	pt_record(rec, sizeof(rec), TS(1), "/a", "SCMP_ARCH_X86_64", "openat",
	          "\"0xffffff9c\",\"0x7ffd0000\",\"0x80000\",\"0x0\",\"0x0\",\"0x0\"", PT_LEARN);
	strcat(log, rec);
	out = generate_from(log);
	ck_assert_ptr_nonnull(strstr(out,
	                             "{\"names\": [\"ioctl\"], \"action\": \"SCMP_ACT_ALLOW\", "
	                             "\"comment\""));
	ck_assert_ptr_nonnull(strstr(out,
	                             "{\"names\": [\"prctl\"], \"action\": \"SCMP_ACT_ALLOW\", "
	                             "\"args\": [{\"index\": 0, \"value\": 15, \"valueTwo\": 0, "
	                             "\"op\": \"SCMP_CMP_EQ\"}]"));
	ck_assert_ptr_nonnull(strstr(out,
	                             "\"args\": [{\"index\": 0, \"value\": 38, \"valueTwo\": 0, "
	                             "\"op\": \"SCMP_CMP_EQ\"}]"));
	/* 0x7e020000 without CLONE_NEWUSER (0x10000000) = 0x6e020000 = 1845624832 */
	ck_assert_ptr_nonnull(strstr(out,
	                             "{\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\", "
	                             "\"args\": [{\"index\": 0, \"value\": 1845624832, "
	                             "\"valueTwo\": 0, \"op\": \"SCMP_CMP_MASKED_EQ\"}]"));
	ck_assert_ptr_nonnull(strstr(out, "{\"names\": [\"mmap\"], \"action\": \"SCMP_ACT_ALLOW\", "
	                                  "\"comment\""));
	ck_assert_ptr_nonnull(strstr(out,
	                             "{\"names\": [\"mprotect\"], \"action\": "
	                             "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 2, \"value\": 6, "
	                             "\"valueTwo\": 2, \"op\": \"SCMP_CMP_MASKED_EQ\"}]"));
	ck_assert_ptr_nonnull(strstr(out, "{\"names\": [\"personality\"], \"action\": "
	                                  "\"SCMP_ACT_ALLOW\", \"comment\""));
	ck_assert_ptr_nonnull(strstr(out,
	                             "{\"names\": [\"openat\"], \"action\": \"SCMP_ACT_ALLOW\", "
	                             "\"comment\""));
	free(out);
}
END_TEST

START_TEST(malformed_lines_have_line_numbers)
{
	char log[4096], rec[700], *out, *err;
	const char *path;

	pt_record(rec, sizeof(rec), TS(1), "/a", "SCMP_ARCH_X86_64", "read", PT_ARGS0, PT_LEARN);
	snprintf(log, sizeof(log), "%s\n%s{\"v\":1,\"arch\":\"SCMP_ARCH_X86_64\"\n%snot json\n%s",
	         rec, rec, rec, rec);
	path = pt_file("bad.log", log);
	ck_assert_int_eq(pt_run(&out, &err, "generate", path, NULL), 1);
	ck_assert_ptr_nonnull(strstr(err, "bad.log:4: "));
	ck_assert_str_eq(out, "");
	free(out);
	free(err);
	ck_assert_int_eq(pt_run(&out, &err, "generate", "--skip-bad", path, NULL), 0);
	ck_assert_ptr_nonnull(strstr(err, "bad.log:4: expected ',' or '}' (skipped)\n"));
	ck_assert_ptr_nonnull(strstr(err, "bad.log:6: not a JSON object (skipped)\n"));
	ck_assert_ptr_nonnull(strstr(err, "bouncer: skipped 2 malformed lines\n"));
	ck_assert_ptr_nonnull(strstr(out, "\"comment\": \"needed 4 (x86_64); first seen: /a\""));
	free(out);
	free(err);
	/* A record without arch/syscall/action, an unknown arch, an unknown action. */
	ck_assert_int_eq(pt_run(NULL, &err, "generate",
	                        pt_file("m.log", "{\"v\":1,\"syscall\":\"read\"}\n"), NULL),
	                 1);
	ck_assert_ptr_nonnull(strstr(err, "m.log:1: missing arch, syscall or action"));
	free(err);
	pt_record(rec, sizeof(rec), TS(1), "/a", "SCMP_ARCH_VAX", "read", PT_ARGS0, PT_LEARN);
	ck_assert_int_eq(pt_run(NULL, &err, "generate", pt_file("v.log", rec), NULL), 1);
	ck_assert_ptr_nonnull(strstr(err, "v.log:1: unknown arch"));
	free(err);
	ck_assert_int_eq(pt_run(NULL, &err, "generate", "/nonexistent/x.log", NULL), 1);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/x.log: No such file or directory"));
	free(err);
}
END_TEST

START_TEST(options)
{
	char log[4096], rec[700], *out, *err;
	const char *path;

	log[0] = 0;
	for (int i = 0; i < 3; i++) {
		pt_record(rec, sizeof(rec), TS(1), "/a", "SCMP_ARCH_X86_64", "read", PT_ARGS0,
		          PT_LEARN);
		strcat(log, rec);
	}
	pt_record(rec, sizeof(rec), TS(1), "/a", "SCMP_ARCH_X86_64", "write", PT_ARGS0, PT_LEARN);
	strcat(log, rec);
	path = pt_file("o.log", log);
	ck_assert_int_eq(pt_run(&out, NULL, "generate", "--min-count", "2", "--default-action",
	                        "kill_process", path, NULL),
	                 0);
	ck_assert_ptr_nonnull(
	        strstr(out, "\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\",\n  \"archMap\""));
	ck_assert_ptr_nonnull(strstr(out, "[\"read\"]"));
	ck_assert_ptr_null(strstr(out, "[\"write\"]"));
	free(out);
	ck_assert_int_eq(pt_run(&out, NULL, "generate", "--errno", "ENOSYS", path, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"defaultErrnoRet\": 38,\n"));
	free(out);
	ck_assert_int_eq(pt_run(NULL, &err, "generate", "--errno", "EWHAT", path, NULL), 2);
	ck_assert_ptr_nonnull(strstr(err, "unknown errno \"EWHAT\""));
	free(err);
	ck_assert_int_eq(pt_run(NULL, NULL, "generate", "--format", "xml", path, NULL), 2);
	ck_assert_int_eq(pt_run(NULL, NULL, "generate", NULL), 2);
	ck_assert_int_eq(pt_run(NULL, NULL, "generate", "--min-count", "0", path, NULL), 2);
	/* --base: the base's rules stay (with their origin), only what it lacks is added. */
	ck_assert_int_eq(
	        pt_run(&out, NULL, "generate", "--base",
	               pt_file("base.json", "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{"
	                                    "\"names\":[\"read\",\"exit_group\"],\"action\":"
	                                    "\"SCMP_ACT_ALLOW\",\"comment\":\"basics\"}]}"),
	               path, NULL),
	        0);
	ck_assert_ptr_nonnull(strstr(out, "{\"names\": [\"exit_group\"], \"action\": "
	                                  "\"SCMP_ACT_ALLOW\", \"comment\": \"from base "));
	ck_assert_ptr_nonnull(strstr(out, "base.json: basics\"}"));
	ck_assert_ptr_nonnull(strstr(out, "[\"write\"], \"action\": \"SCMP_ACT_ALLOW\", "
	                                  "\"comment\": \"needed 1"));
	ck_assert_ptr_null(strstr(out, "needed 3"));
	free(out);
}
END_TEST

START_TEST(notify_generalises_paths)
{
	char log[8192] = "", rec[900], *out;
	static const char *const paths[] = {"/etc/ssl/certs/a.pem",     "/etc/ssl/certs/b.pem",
	                                    "/etc/ssl/certs/sub/c.pem", "/etc/hosts",
	                                    "/usr/lib/x/libz.so",       "/usr/lib/x/libc.so"};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char fields[300];

		snprintf(fields, sizeof(fields), PT_LEARN ",\"path\":\"%s\"", paths[i]);
		pt_record(rec, sizeof(rec), TS(1), "/usr/bin/app", "SCMP_ARCH_X86_64", "openat",
		          PT_ARGS0, fields);
		strcat(log, rec);
	}
	pt_record(rec, sizeof(rec), TS(2), "/usr/bin/app", "SCMP_ARCH_X86_64", "connect", PT_ARGS0,
	          PT_LEARN ",\"address\":\"inet:10.0.0.1:443\"");
	strcat(log, rec);
	pt_record(rec, sizeof(rec), TS(3), "/usr/bin/app", "SCMP_ARCH_X86_64", "read", PT_ARGS0,
	          PT_LEARN);
	strcat(log, rec);
	ck_assert_int_eq(pt_run(&out, NULL, "generate", "--notify", pt_file("n.log", log), NULL),
	                 0);
	ck_assert_ptr_nonnull(
	        strstr(out, "{\"names\": [\"openat\"], \"action\": \"SCMP_ACT_NOTIFY\", "
	                    "\"supervise\": [{\"decision\": \"allow\", \"paths\": "
	                    "[\"/etc/hosts\", \"/etc/ssl/certs/**\", \"/usr/lib/x/**\"]}]"));
	ck_assert_ptr_nonnull(strstr(out,
	                             "{\"names\": [\"connect\"], \"action\": \"SCMP_ACT_NOTIFY\", "
	                             "\"supervise\": [{\"addresses\": [\"inet:10.0.0.1:443\"], "
	                             "\"decision\": \"allow\"}]"));
	ck_assert_ptr_nonnull(
	        strstr(out, "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\""));
	free(out);
	/* check: supervised needs count as allowed, with a note. */
	char path[300];
	snprintf(path, sizeof(path), "%s/notify.json", pt_dir());
	ck_assert_int_eq(
	        pt_run(NULL, NULL, "generate", "--notify", "-o", path, pt_file("n.log", log), NULL),
	        0);
	ck_assert_int_eq(pt_run(&out, NULL, "check", path, pt_file("n.log", log), NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "note: 2 needs fell to SCMP_ACT_NOTIFY rules"));
	free(out);
	/* Without --notify the same records give plain allows. */
	ck_assert_int_eq(pt_run(&out, NULL, "generate", pt_file("n.log", log), NULL), 0);
	ck_assert_ptr_null(strstr(out, "SCMP_ACT_NOTIFY"));
	free(out);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("profile_generate");
	TCase *tc = tcase_create("generate");

	tcase_add_test(tc, exact_docker_output);
	tcase_add_test(tc, no_essentials_option);
	tcase_add_test(tc, output_file_and_stdin);
	tcase_add_test(tc, oci_format);
	tcase_add_test(tc, spo_format);
	tcase_add_test(tc, deterministic_under_shuffle);
	tcase_add_test(tc, arches_x32_and_names);
	tcase_add_test(tc, selector_conditions);
	tcase_add_test(tc, malformed_lines_have_line_numbers);
	tcase_add_test(tc, options);
	tcase_add_test(tc, notify_generalises_paths);
	tcase_add_test(tc, line_numbers_across_blocks);
	tcase_add_test(tc, record_syntax_variants);
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
