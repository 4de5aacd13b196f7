/* SPDX-License-Identifier: MIT */
/*
 * `bouncer agent`: listeners handed over by a program using libbouncer-sandbox and by real
 * container runtimes (runc, crun: linux.seccomp.listenerPath) are supervised by one agent;
 * what the workload saw and what was recorded are checked.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>

#include "harness.h"

struct agent {
	struct h_proc proc;
	char *dir, *sock, *log;
};

static bool wait_for_socket(const char *path)
{
	struct stat st;

	for (int i = 0; i < 500; i++) {
		if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode))
			return true;
		usleep(10000);
	}
	return false;
}

static void agent_start(struct agent *a, const char *policy)
{
	char *argv[] = {(char *)h_bouncer(), "agent", "-s", NULL, "-p", NULL, "-o", NULL, NULL};

	a->dir = h_tmpdir();
	a->sock = h_join(a->dir, "agent.sock");
	a->log = h_join(a->dir, "decisions.jsonl");
	argv[3] = a->sock;
	argv[5] = (char *)policy;
	argv[7] = a->log;
	h_spawn(&a->proc, NULL, argv);
	ck_assert_msg(wait_for_socket(a->sock), "the agent never listened on %s", a->sock);
}

/* SIGTERM, as a service manager stops it: the agent exits 0 and flushes every record. */
static void agent_stop(struct agent *a, struct h_result *r)
{
	kill(a->proc.pid, SIGTERM);
	h_finish(&a->proc, 10000, r);
	ck_assert_msg(r->exited && r->code == 0, "agent: exit %d signal %d\nstderr:\n%s", r->code,
	              r->signal, r->err);
}

START_TEST(library_client_is_supervised)
{
	struct agent a;
	struct h_result r, ar;
	struct h_records rs;
	struct h_match m = H_ANY;
	char *policy = h_policy("agent-getppid.json");
	struct stat st;
	long pid;

	agent_start(&a, policy);
	/* The socket is the owner's only. */
	ck_assert_int_eq(stat(a.sock, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	h_run(&r, NULL, h_prog("selfsandbox"), a.sock, "5", NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, "getppid: calls=5 ok=0 err=5 errno=EACCES"), "stdout:\n%s",
	              r.out);
	pid = h_long_after(r.out, "pid: ");
	agent_stop(&a, &ar);
	ck_assert_ptr_nonnull(strstr(ar.err, "1 listener received"));

	h_read_records(a.log, &rs);
	h_check_seq(&rs);
	ck_assert_msg(rs.n == 5, "expected 5 records, got %zu:\n%s", rs.n, h_records_dump(&rs));
	m.syscall = "getppid";
	m.action = "deny";
	m.pid = pid;
	ck_assert_uint_eq(h_count(&rs, &m), 5);
	ck_assert_str_eq(h_str(json_object_get(rs.rec[0], "errno"), "name"), "EACCES");
	ck_assert_int_eq(h_int(json_object_get(rs.rec[0], "rule"), "index"), 0);
	h_records_free(&rs);
	h_result_free(&r);
	h_result_free(&ar);
}
END_TEST

/* A client that sends no listener is refused and the agent goes on serving others. */
START_TEST(connection_without_listener_is_refused)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct agent a;
	struct h_result r, ar;
	int fd;

	agent_start(&a, h_policy("agent-getppid.json"));
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	strcpy(addr.sun_path, a.sock);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	ck_assert_int_eq(write(fd, "{\"fds\": []}", 11), 11);
	close(fd);
	h_run(&r, NULL, h_prog("selfsandbox"), a.sock, "1", NULL);
	h_assert_exit(&r, 0);
	ck_assert(h_has_line(r.out, "getppid: calls=1 ok=0 err=1 errno=EACCES"));
	agent_stop(&a, &ar);
	ck_assert_ptr_nonnull(strstr(ar.err, "a connection sent no seccompFd"));
	ck_assert_ptr_nonnull(strstr(ar.err, "1 listener received, 1 connection refused"));
	h_result_free(&r);
	h_result_free(&ar);
}
END_TEST

static const char *runtime_path(const char *name)
{
	static char path[64];
	const char *dirs[] = {"/usr/sbin", "/usr/bin", "/sbin", "/bin"};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], name);
		if (access(path, X_OK) == 0)
			return path;
	}
	return NULL;
}

/*
 * A busybox-static bundle whose profile sends mkdir/mkdirat to the agent (which denies them:
 * NOTIFY without supervisor-side clauses) and allows the rest in the kernel.
 */
static char *make_bundle(const char *dir, const char *sock, const char *profile_path)
{
	char *bundle = h_join(dir, "bundle"), *cmd;
	json_t *config, *seccomp;
	json_error_t jerr;
	FILE *f;

	cmd = h_fmt("set -e; mkdir -p %s/rootfs/bin %s/rootfs/tmp %s/rootfs/proc %s/rootfs/dev;"
	            " cp /bin/busybox %s/rootfs/bin/; for a in sh mkdir echo; do"
	            " ln -s busybox %s/rootfs/bin/$a; done; cd %s && %s spec",
	            bundle, bundle, bundle, bundle, bundle, bundle, bundle,
	            runtime_path("runc") ? runtime_path("runc") : runtime_path("crun"));
	ck_assert_int_eq(system(cmd), 0);
	config = json_load_file(h_join(bundle, "config.json"), 0, &jerr);
	ck_assert_msg(config != NULL, "config.json: %s", jerr.text);
	json_object_set_new(json_object_get(config, "process"), "terminal", json_false());
	json_object_set_new(
	        json_object_get(config, "process"), "args",
	        json_pack("[sss]", "/bin/sh", "-c",
	                  "echo start; mkdir /tmp/d && echo made || echo mkdir-failed"));
	json_object_set_new(json_object_get(config, "root"), "readonly", json_false());
	seccomp = json_pack("{s:s, s:s, s:s, s:[s], s:[{s:[ss], s:s, s:s}]}", "defaultAction",
	                    "SCMP_ACT_ALLOW", "listenerPath", sock, "listenerMetadata", "test",
	                    "architectures", "SCMP_ARCH_X86_64", "syscalls", "names", "mkdir",
	                    "mkdirat", "action", "SCMP_ACT_NOTIFY", "comment", "supervised mkdir");
	ck_assert_ptr_nonnull(seccomp);
	ck_assert_int_eq(json_dump_file(seccomp, profile_path, 0), 0);
	json_object_set_new(json_object_get(config, "linux"), "seccomp", seccomp);
	f = fopen(h_join(bundle, "config.json"), "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(json_dumpf(config, f, JSON_INDENT(1)), 0);
	fclose(f);
	json_decref(config);
	return bundle;
}

static void container_is_supervised(const char *runtime)
{
	struct agent a;
	struct h_result r, ar;
	struct h_records rs;
	char *dir, *bundle, *profile;
	json_t *rec;

	if (geteuid() != 0 || runtime_path(runtime) == NULL || access("/bin/busybox", X_OK) != 0 ||
	    (runtime_path("runc") == NULL && runtime_path("crun") == NULL)) {
		fprintf(stderr, "test_agent: %s: skipped (needs root, %s and busybox-static)\n",
		        runtime, runtime);
		return;
	}
	dir = h_tmpdir();
	profile = h_join(dir, "profile.json");
	/* The agent's socket must exist before the bundle names it; start it on that profile. */
	bundle = make_bundle(dir, h_join(dir, "agent.sock"), profile);
	a.dir = dir;
	a.sock = h_join(dir, "agent.sock");
	a.log = h_join(dir, "decisions.jsonl");
	{
		char *argv[] = {(char *)h_bouncer(),
		                "agent",
		                "-s",
		                a.sock,
		                "-p",
		                profile,
		                "-o",
		                a.log,
		                NULL};

		h_spawn(&a.proc, NULL, argv);
		ck_assert(wait_for_socket(a.sock));
	}
	/* crun goes through tests/crun-hybrid.sh: it refuses this host's hybrid cgroups as is. */
	if (strcmp(runtime, "crun") == 0)
		h_run(&r, bundle, h_fmt("%s/tests/crun-hybrid.sh", getenv("BOUNCER_SOURCE_ROOT")),
		      "--cgroup-manager=disabled", "run", h_fmt("bouncer-test-%d", (int)getpid()),
		      NULL);
	else
		h_run(&r, bundle, runtime_path(runtime), "run",
		      h_fmt("bouncer-test-%d", (int)getpid()), NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, "start") && h_has_line(r.out, "mkdir-failed"),
	              "%s: stdout:\n%s\nstderr:\n%s", runtime, r.out, r.err);
	ck_assert_ptr_nonnull(strstr(r.err, "Operation not permitted"));
	agent_stop(&a, &ar);
	h_read_records(a.log, &rs);
	ck_assert_msg(rs.n == 1, "%s: expected one record, got %zu:\n%s", runtime, rs.n,
	              h_records_dump(&rs));
	rec = rs.rec[0];
	ck_assert_msg(!strcmp(h_str(rec, "syscall"), "mkdir") ||
	                      !strcmp(h_str(rec, "syscall"), "mkdirat"),
	              "%s", h_str(rec, "syscall"));
	ck_assert_str_eq(h_str(rec, "action"), "deny");
	ck_assert_str_eq(h_str(json_object_get(rec, "errno"), "name"), "EPERM");
	ck_assert_str_eq(h_str(json_object_get(rec, "rule"), "comment"), "supervised mkdir");
	ck_assert_str_eq(h_str(rec, "exe"), "/bin/busybox");
	h_records_free(&rs);
	h_result_free(&r);
	h_result_free(&ar);
}

START_TEST(runc_container_is_supervised)
{
	container_is_supervised("runc");
}
END_TEST

START_TEST(crun_container_is_supervised)
{
	container_is_supervised("crun");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("agent");
	TCase *tc = tcase_create("agent");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, library_client_is_supervised);
	tcase_add_test(tc, connection_without_listener_is_refused);
	tcase_add_test(tc, runc_container_is_supervised);
	tcase_add_test(tc, crun_container_is_supervised);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
