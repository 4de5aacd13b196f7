/* SPDX-License-Identifier: MIT */
/* `bouncer profile import audit|strace`: real-looking audit lines, real strace output. */
#include <jansson.h>
#include <sys/wait.h>

#include "profile_test_util.h"

static const char audit_lines[] =
        /* kmsg via dmesg */
        "[ 1529.879930] audit: type=1326 audit(1795476612.276:2): auid=4294967295 uid=0 gid=0 "
        "ses=4294967295 pid=23977 comm=\"runpol\" exe=\"/tmp/gen/runpol\" sig=0 arch=c000003e "
        "syscall=59 compat=0 ip=0x7f05a7e46ad7 code=0x7ffc0000\n"
        /* auditd, i386 process denied with EACCES */
        "type=SECCOMP msg=audit(1700000000.123:456): auid=1000 uid=1000 gid=1000 ses=3 "
        "subj=unconfined pid=4242 comm=\"ping\" exe=\"/usr/bin/ping\" sig=0 arch=40000003 "
        "syscall=102 compat=1 ip=0xf7f0 code=0x5000d\n"
        /* an unrelated audit record */
        "type=SYSCALL msg=audit(1700000000.123:456): arch=c000003e syscall=59 success=yes\n"
        /* journalctl, x32 syscall, hex-encoded comm, killed */
        "Nov 23 23:30:01 host kernel: audit: type=1326 audit(1700000001.500:457): "
        "auid=4294967295 uid=0 gid=0 ses=4294967295 subj=unconfined pid=77 comm=6D7920617070 "
        "exe=\"/opt/app\" sig=31 arch=c000003e syscall=1073741825 compat=0 ip=0x4011 "
        "code=0x80000000\n";

static json_t *line_json(const char *text, int n)
{
	const char *p = text;
	json_t *j;

	for (int i = 0; i < n; i++) {
		p = strchr(p, '\n');
		ck_assert_ptr_nonnull(p);
		p++;
	}
	j = json_loadb(p, (size_t)(strchr(p, '\n') - p), 0, NULL);
	ck_assert_msg(j != NULL, "line %d is not JSON", n);
	return j;
}

#define STR(j, k) json_string_value(json_object_get(j, k))
#define INT(j, k) json_integer_value(json_object_get(j, k))

START_TEST(audit_lines_to_records)
{
	char *out, *err;
	json_t *r;

	ck_assert_int_eq(pt_run(&out, &err, "import", "audit", pt_file("a.txt", audit_lines), NULL),
	                 0);
	ck_assert_str_eq(err, "");
	r = line_json(out, 0);
	ck_assert_str_eq(STR(r, "ts"), "2026-11-23T23:30:12.276000000Z");
	ck_assert_str_eq(STR(r, "arch"), "SCMP_ARCH_X86_64");
	ck_assert_str_eq(STR(r, "syscall"), "execve");
	ck_assert_int_eq(INT(r, "nr"), 59);
	ck_assert_int_eq(INT(r, "pid"), 23977);
	ck_assert_str_eq(STR(r, "comm"), "runpol");
	ck_assert_str_eq(STR(r, "exe"), "/tmp/gen/runpol");
	ck_assert_str_eq(STR(r, "action"), "log");
	ck_assert(json_is_false(json_object_get(r, "args_known")));
	ck_assert_int_eq(json_array_size(json_object_get(r, "args")), 6);
	ck_assert_int_eq(INT(r, "seq"), 1);
	json_decref(r);
	r = line_json(out, 1);
	ck_assert_str_eq(STR(r, "arch"), "SCMP_ARCH_X86");
	ck_assert_str_eq(STR(r, "syscall"), "socketcall");
	ck_assert_str_eq(STR(r, "action"), "deny");
	ck_assert_str_eq(STR(json_object_get(r, "errno"), "name"), "EACCES");
	ck_assert_int_eq(INT(json_object_get(r, "errno"), "nr"), 13);
	json_decref(r);
	r = line_json(out, 2);
	ck_assert_str_eq(STR(r, "arch"), "SCMP_ARCH_X32");
	ck_assert_str_eq(STR(r, "syscall"), "write");
	ck_assert_int_eq(INT(r, "nr"), 0x40000001);
	ck_assert_str_eq(STR(r, "comm"), "my app");
	ck_assert_str_eq(STR(r, "action"), "kill");
	ck_assert_int_eq(INT(r, "seq"), 3);
	json_decref(r);
	ck_assert_ptr_null(strchr(strchr(strchr(strchr(out, '\n') + 1, '\n') + 1, '\n') + 1, '\n'));
	free(out);
	free(err);
}
END_TEST

START_TEST(audit_feeds_generate)
{
	char path[300], *out;

	snprintf(path, sizeof(path), "%s/records.jsonl", pt_dir());
	ck_assert_int_eq(pt_run(NULL, NULL, "import", "audit", "-o", path,
	                        pt_file("a.txt", audit_lines), NULL),
	                 0);
	ck_assert_int_eq(pt_run(&out, NULL, "generate", path, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"subArchitectures\": [\"SCMP_ARCH_X86\", "
	                                  "\"SCMP_ARCH_X32\"]"));
	ck_assert_ptr_nonnull(strstr(out,
	                             "{\"names\": [\"execve\"], \"action\": \"SCMP_ACT_ALLOW\", "
	                             "\"comment\": \"needed 1 (x86_64); first seen: "
	                             "/tmp/gen/runpol\"}"));
	ck_assert_ptr_nonnull(strstr(out, "{\"names\": [\"socketcall\"], \"action\": "
	                                  "\"SCMP_ACT_ERRNO\", \"errnoRet\": 13"));
	ck_assert_ptr_nonnull(strstr(out, "{\"names\": [\"write\"], \"action\": "
	                                  "\"SCMP_ACT_KILL_PROCESS\""));
	free(out);
}
END_TEST

START_TEST(audit_bad_lines)
{
	char *out, *err;
	const char *path = pt_file("b.txt", "type=SECCOMP msg=audit(1700000000.123:456): pid=1 "
	                                    "comm=\"x\" arch=c000003e code=0x0\n"
	                                    "random text\n"
	                                    "type=SECCOMP garbage\n");

	ck_assert_int_eq(pt_run(&out, &err, "import", "audit", path, NULL), 1);
	ck_assert_ptr_nonnull(strstr(err, "b.txt:1: seccomp audit message without arch, syscall "
	                                  "or code"));
	free(out);
	free(err);
	ck_assert_int_eq(pt_run(&out, &err, "import", "audit", "--skip-bad", path, NULL), 0);
	ck_assert_ptr_nonnull(strstr(err, "b.txt:3: seccomp audit message without "
	                                  "audit(TIME:SERIAL) (skipped)"));
	ck_assert_ptr_nonnull(strstr(err, "skipped 2 malformed lines"));
	ck_assert_str_eq(out, "");
	free(out);
	free(err);
	ck_assert_int_eq(pt_run(NULL, NULL, "import", "pcap", path, NULL), 2);
	ck_assert_int_eq(pt_run(NULL, NULL, "import", "audit", NULL), 2);
}
END_TEST

static const char strace_text[] =
        "100   execve(\"/usr/bin/sh\", [\"sh\", \"-c\", \"x\"], 0x7ffd /* 3 vars */) = 0\n"
        "100   brk(NULL)                         = 0x564eb5563000\n"
        "100   clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLD, "
        "child_tidptr=0x7f) = 101\n"
        "101   execve(\"/usr/bin/tr\", [\"tr\"], 0x7ffd /* 3 vars */ <unfinished ...>\n"
        "100   wait4(-1,  <unfinished ...>\n"
        "101   <... execve resumed>)             = 0\n"
        "101   read(0, \"hi\\n\", 4096)            = 3\n"
        "[ Process PID=102 runs in 32 bit mode. ]\n"
        "102   socketcall(0x1, [2, 1, 0])        = -1 EACCES (Permission denied)\n"
        "101   +++ exited with 0 +++\n"
        "100   <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 101\n"
        "100   --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=101} ---\n"
        "100   exit_group(0)                     = ?\n"
        "100   +++ exited with 0 +++\n";

START_TEST(strace_text_to_records)
{
	char *out, *err;
	json_t *r;

	ck_assert_int_eq(
	        pt_run(&out, &err, "import", "strace", pt_file("s.txt", strace_text), NULL), 0);
	ck_assert_str_eq(err, "");
	r = line_json(out, 0);
	ck_assert_str_eq(STR(r, "syscall"), "execve");
	ck_assert_str_eq(STR(r, "exe"), ""); /* before the exec: not known */
	json_decref(r);
	r = line_json(out, 1);
	ck_assert_str_eq(STR(r, "syscall"), "brk");
	ck_assert_str_eq(STR(r, "exe"), "/usr/bin/sh");
	ck_assert_str_eq(STR(r, "comm"), "sh");
	json_decref(r);
	r = line_json(out, 3); /* the child's execve, inherited exe */
	ck_assert_int_eq(INT(r, "pid"), 101);
	ck_assert_str_eq(STR(r, "syscall"), "execve");
	ck_assert_str_eq(STR(r, "exe"), "/usr/bin/sh");
	json_decref(r);
	r = line_json(out, 5);
	ck_assert_str_eq(STR(r, "syscall"), "read");
	ck_assert_str_eq(STR(r, "exe"), "/usr/bin/tr");
	json_decref(r);
	r = line_json(out, 6);
	ck_assert_str_eq(STR(r, "syscall"), "socketcall");
	ck_assert_str_eq(STR(r, "arch"), "SCMP_ARCH_X86");
	ck_assert_int_eq(INT(r, "nr"), 102);
	ck_assert_str_eq(STR(r, "action"), "allow");
	json_decref(r);
	r = line_json(out, 7);
	ck_assert_str_eq(STR(r, "syscall"), "exit_group");
	ck_assert_int_eq(INT(r, "seq"), 8);
	json_decref(r);
	free(out);
	free(err);
	ck_assert_int_eq(pt_run(NULL, &err, "import", "strace",
	                        pt_file("bad.txt", "100 read(0) = 0\nthis is not strace\n"), NULL),
	                 1);
	ck_assert_ptr_nonnull(strstr(err, "bad.txt:2: unrecognised strace line"));
	free(err);
}
END_TEST

/* Real strace output of a real pipeline: every syscall strace saw is allowed by the profile
 * generated from it. */
START_TEST(real_strace_roundtrip)
{
	char trace[300], records[300], profile[300], cmd[1200], *out;
	int status;

	if (access("/usr/bin/strace", X_OK) != 0) {
		fprintf(stderr, "real_strace_roundtrip: skipped, strace is not installed\n");
		return;
	}
	snprintf(trace, sizeof(trace), "%s/trace.txt", pt_dir());
	snprintf(records, sizeof(records), "%s/records.jsonl", pt_dir());
	snprintf(profile, sizeof(profile), "%s/profile.json", pt_dir());
	snprintf(
	        cmd, sizeof(cmd),
	        "strace -f -qq -o %s sh -c 'echo hi | tr a-z A-Z; ls / >/dev/null' >/dev/null 2>&1",
	        trace);
	status = system(cmd);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "strace failed: %d", status);
	ck_assert_int_eq(pt_run(NULL, NULL, "import", "strace", "-o", records, trace, NULL), 0);
	ck_assert_int_eq(pt_run(NULL, NULL, "generate", "-o", profile, records, NULL), 0);
	out = pt_read(profile);
	ck_assert_ptr_nonnull(strstr(out, "{\"names\": [\"execve\"]"));
	ck_assert_ptr_nonnull(strstr(out, "{\"names\": [\"pipe2\"]"));
	ck_assert_ptr_nonnull(strstr(out, "first seen: /usr/bin/tr\"}"));
	ck_assert_ptr_nonnull(strstr(out, "{\"names\": [\"exit_group\"]"));
	free(out);
	ck_assert_int_eq(pt_run(&out, NULL, "check", profile, records, NULL), 0);
	free(out);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("profile_import");
	TCase *tc = tcase_create("import");

	tcase_add_test(tc, audit_lines_to_records);
	tcase_add_test(tc, audit_feeds_generate);
	tcase_add_test(tc, audit_bad_lines);
	tcase_add_test(tc, strace_text_to_records);
	tcase_add_test(tc, real_strace_roundtrip);
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
