/* SPDX-License-Identifier: MIT */
/*
 * The callers' identity cache (supervisor/identity.h): a program under `bouncer run` changes
 * its credentials, root or mount namespace between two supervised calls, and the second call
 * must see exactly what the kernel would give it without bouncer. A stale cache would show up
 * as an emulated open that succeeds with the old identity (or a uid clause that still allows).
 * Each probe step is checked against the kernel's own answer, and the policy check says the
 * identity is routed. Needs root (the probe changes uid and root); skipped loudly otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>

#include "harness.h"

struct fixture {
	char *dir, *policy, *probe, *log;
};

static void write_file(const char *path, const char *text, mode_t mode, uid_t owner)
{
	FILE *f = fopen(path, "w");

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(chmod(path, mode), 0);
	ck_assert_int_eq(chown(path, owner, owner), 0);
}

/*
 * openat decided by a path clause (so every allowed open is emulated with the caller's
 * identity) and getppid decided by a uid clause; everything else allowed, so the identity
 * changes are allowed and routed (compile_options.route_identity).
 */
static bool setup(struct fixture *fx)
{
	if (geteuid() != 0) {
		fprintf(stderr,
		        "identity_cache: SKIPPED: needs root (changes uid, root, mounts)\n");
		return false;
	}
	fx->dir = h_tmpdir();
	ck_assert_int_eq(chmod(fx->dir, 0755), 0);
	fx->policy = h_join(fx->dir, "policy.json");
	fx->log = h_join(fx->dir, "log.jsonl");
	fx->probe = h_prog("identity_probe");
	write_file(fx->policy,
	           "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [\n"
	           " {\"names\": [\"openat\"], \"action\": \"SCMP_ACT_NOTIFY\",\n"
	           "  \"supervise\": [{\"paths\": [\"/**\"], \"decision\": \"allow\"}]},\n"
	           " {\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_NOTIFY\",\n"
	           "  \"supervise\": [{\"uid\": [0], \"decision\": \"allow\"}],\n"
	           "  \"default\": {\"decision\": \"deny\", \"errno\": \"EPERM\"}}]}\n",
	           0644, 0);
	return true;
}

/* Records of openat whose resolved path is path, with that result_errno (NULL: none). */
static size_t count_opens(const struct h_records *rs, const char *path, const char *result_errno)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->n; i++) {
		json_t *paths = json_object_get(rs->rec[i], "paths");
		json_t *err = json_object_get(rs->rec[i], "result_errno");
		const char *resolved =
		        json_string_value(json_object_get(json_array_get(paths, 0), "resolved"));

		if (strcmp(h_str(rs->rec[i], "syscall"), "openat") != 0 || resolved == NULL ||
		    strcmp(resolved, path) != 0)
			continue;
		if (json_is_true(json_object_get(rs->rec[i], "emulated")) &&
		    (result_errno == NULL
		             ? err == NULL
		             : err != NULL && strcmp(json_string_value(err), result_errno) == 0))
			n++;
	}
	return n;
}

/*
 * Runs the probe (cmd a1 a2) under bouncer and checks what its two calls saw: before, the line
 * of the call before the identity change, and after, the line of the call after it. r keeps
 * the output for more checks (stderr has bouncer's notes: not run with -q).
 */
static void expect_probe(struct fixture *fx, struct h_result *r, const char *cmd, const char *a1,
                         const char *a2, const char *before, const char *after)
{
	char *argv[] = {
	        (char *)h_bouncer(), "run",       "-p",       fx->policy, "-o", fx->log, "--",
	        fx->probe,           (char *)cmd, (char *)a1, (char *)a2, NULL};

	h_runv(r, fx->dir, argv);
	h_assert_exit(r, 0);
	ck_assert_msg(h_has_line(r->out, before), "%s", r->out);
	ck_assert_msg(h_has_line(r->out, after), "%s\n%s", r->out, r->err);
}

START_TEST(policy_check_says_the_identity_is_routed)
{
	struct fixture fx;
	struct h_result r;

	if (!setup(&fx))
		return;
	h_run(&r, NULL, h_bouncer(), "policy", "check", fx.policy, NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(strstr(r.out, "identity routed: on (callers' identity cached)") != NULL, "%s",
	              r.out);
	ck_assert_msg(strstr(r.out, "setresuid") != NULL &&
	                      strstr(r.out, "[routed: refreshes the caller's cached identity") !=
	                              NULL,
	              "%s", r.out);
	h_result_free(&r);
}
END_TEST

START_TEST(dropping_the_uid_is_seen_by_the_next_emulated_open)
{
	struct fixture fx;
	struct h_result r;
	struct h_records rs;
	char *secret;

	if (!setup(&fx))
		return;
	secret = h_join(fx.dir, "secret");
	write_file(secret, "SECRET\n", 0600, 0);
	/* After: the kernel's answer to uid 65534 opening root's 0600 file. */
	expect_probe(&fx, &r, "setuid", secret, NULL, "open1: 0", "open2: -1 EACCES");
	h_result_free(&r);
	/* Both opens were emulated: the second one with the new identity. */
	h_read_records(fx.log, &rs);
	ck_assert_msg(count_opens(&rs, secret, NULL) == 1 &&
	                      count_opens(&rs, secret, "EACCES") == 1,
	              "%s", h_records_dump(&rs));
	h_records_free(&rs);
}
END_TEST

START_TEST(dropping_capabilities_is_seen_by_the_next_emulated_open)
{
	struct fixture fx;
	struct h_result r;
	char *other;

	if (!setup(&fx))
		return;
	other = h_join(fx.dir, "nobodys");
	write_file(other, "NOBODY\n", 0600, 65534);
	expect_probe(&fx, &r, "capdrop", other, NULL, "open1: 0", "open2: -1 EACCES");
	h_result_free(&r);
}
END_TEST

START_TEST(another_process_proc_entry_needs_the_callers_ptrace_rights)
{
	struct fixture fx;
	struct h_result r;
	pid_t other;

	if (!setup(&fx))
		return;
	/* A root process whose /proc/PID/maps uid 65534 may not read (ptrace rules). */
	other = fork();
	ck_assert_int_ge(other, 0);
	if (other == 0) {
		execl("/bin/sleep", "sleep", "60", (char *)NULL);
		_exit(127);
	}
	/* The supervisor opening it for the caller must not lend its CAP_SYS_PTRACE. */
	expect_probe(&fx, &r, "procfile", h_fmt("/proc/%d/maps", (int)other), NULL, "open1: 0",
	             "open2: -1 EACCES");
	h_result_free(&r);
	kill(other, SIGKILL);
	waitpid(other, NULL, 0);
}
END_TEST

START_TEST(a_non_dumpable_caller_still_reads_its_own_proc_entries)
{
	struct fixture fx;
	struct h_result r;

	if (!setup(&fx))
		return;
	/* The kernel lets a process at its own entries; bouncer opening them for it must too. */
	expect_probe(&fx, &r, "selfproc", NULL, NULL, "open1: 0", "open2: 0");
	ck_assert_msg(h_has_line(r.out, "dumpable: 0"), "%s", r.out);
	h_result_free(&r);
}
END_TEST

START_TEST(a_uid_clause_sees_the_new_uid)
{
	struct fixture fx;
	struct h_result r;

	if (!setup(&fx))
		return;
	expect_probe(&fx, &r, "uid", NULL, NULL, "getppid1: 0", "getppid2: -1 EPERM");
	h_result_free(&r);
}
END_TEST

START_TEST(a_chroot_moves_where_the_next_open_resolves)
{
	struct fixture fx;
	struct h_result r;
	char *data, *jail, *inside, *cmd;

	if (!setup(&fx))
		return;
	/* The same absolute name outside and inside the jail, with different contents. */
	data = h_join(fx.dir, "data.txt");
	write_file(data, "HOST\n", 0644, 0);
	jail = h_join(fx.dir, "jail");
	inside = h_fmt("%s%s", jail, data);
	cmd = h_fmt("mkdir -p \"%s%s\"", jail, fx.dir);
	ck_assert_int_eq(system(cmd), 0);
	write_file(inside, "JAIL\n", 0644, 0);

	expect_probe(&fx, &r, "chroot", jail, data, "read1: HOST", "read2: JAIL");
	ck_assert_msg(strstr(r.err,
	                     "changed its root: the callers' roots are looked up per call") != NULL,
	              "%s", r.err);
	h_result_free(&r);
}
END_TEST

START_TEST(a_new_mount_namespace_is_seen_by_the_next_open)
{
	struct fixture fx;
	struct h_result r;
	char *mnt;

	if (!setup(&fx))
		return;
	mnt = h_join(fx.dir, "mnt");
	ck_assert_int_eq(mkdir(mnt, 0755), 0);
	write_file(h_join(mnt, "f"), "UNDER\n", 0644, 0);
	/* After unshare + tmpfs on mnt, mnt/f does not exist for the probe any more. */
	expect_probe(&fx, &r, "mountns", mnt, "f", "open1: 0", "open2: -1 ENOENT");
	h_result_free(&r);
}
END_TEST

START_TEST(a_listener_of_the_callers_own_turns_the_cache_off)
{
	struct fixture fx;
	struct h_result r;
	char *secret;

	if (!setup(&fx))
		return;
	secret = h_join(fx.dir, "secret");
	write_file(secret, "SECRET\n", 0600, 0);
	/*
	 * Where the kernel allows a listener below bouncer's, the probe's own listener is asked
	 * first about its setresuid and lets it run: bouncer never sees the uid change, and only
	 * turning the cache off keeps the next open honest. (Linux up to 6.18 refuses the second
	 * listener with EBUSY; bouncer turns the cache off all the same, before knowing.)
	 */
	expect_probe(&fx, &r, "nested", secret, NULL, "open1: 0", "open2: -1 EACCES");
	ck_assert_msg(strstr(r.err, "asked for a seccomp listener of its own") != NULL, "%s",
	              r.err);
	/* Where the kernel nests listeners the probe's own one answered its setresuid. */
	ck_assert_msg(h_has_line(r.out, "nested: 0") || h_has_line(r.out, "nested: -1 EBUSY"), "%s",
	              r.out);
	h_result_free(&r);
}
END_TEST

static Suite *identity_suite(void)
{
	Suite *s = suite_create("identity_cache");
	TCase *tc = tcase_create("live");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, policy_check_says_the_identity_is_routed);
	tcase_add_test(tc, dropping_the_uid_is_seen_by_the_next_emulated_open);
	tcase_add_test(tc, dropping_capabilities_is_seen_by_the_next_emulated_open);
	tcase_add_test(tc, a_uid_clause_sees_the_new_uid);
	tcase_add_test(tc, another_process_proc_entry_needs_the_callers_ptrace_rights);
	tcase_add_test(tc, a_non_dumpable_caller_still_reads_its_own_proc_entries);
	tcase_add_test(tc, a_chroot_moves_where_the_next_open_resolves);
	tcase_add_test(tc, a_new_mount_namespace_is_seen_by_the_next_open);
	tcase_add_test(tc, a_listener_of_the_callers_own_turns_the_cache_off);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(identity_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
