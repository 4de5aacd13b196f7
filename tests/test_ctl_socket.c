/* SPDX-License-Identifier: MIT */
/*
 * The control socket and the `bouncer ctl` client: who may connect (the run's uid and root;
 * refusals are logged), where the socket lives and that it goes away, `watch`, `stats`, and
 * the client's messages and exit statuses.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "ctl_util.h"
#include "harness.h"

#define NOBODY 65534

static const char *const notify_policy[] = {"-p", "notify-getpgid.json", NULL};

START_TEST(foreign_uid_is_refused)
{
	const char *const probe[] = {"waitfile", "@/go", NULL};
	struct c_run run;
	struct c_result c;
	struct h_result r;
	char *argv[6];

	if (getuid() != 0) {
		fprintf(stderr, "foreign_uid_is_refused: skipped (needs root to become nobody)\n");
		return;
	}
	c_start(&run, notify_policy, probe);
	argv[0] = (char *)h_bouncer();
	argv[1] = "ctl";
	argv[2] = "--socket";
	argv[3] = run.sock;
	argv[4] = "pending";
	argv[5] = NULL;
	/* The file system refuses first: the socket is 0600 in a 0700 directory. */
	c_ctlv_as(&c, argv, NOBODY);
	ck_assert_msg(c.code == 1 && strstr(c.err, "refused"), "as nobody: %d %s", c.code, c.err);
	c_result_free(&c);
	/* With the modes opened up, the supervisor's credential check still refuses. */
	ck_assert_int_eq(chmod(run.dir, 0711), 0);
	ck_assert_int_eq(chmod(run.sock, 0666), 0);
	c_ctlv_as(&c, argv, NOBODY);
	ck_assert_int_eq(c.code, 1);
	ck_assert_msg(strstr(c.err, "refused: uid 65534 may not control this run"), "stderr: %s",
	              c.err);
	c_result_free(&c);
	/* The owner still may. */
	c_ctl(&c, run.sock, "pending", NULL);
	ck_assert_msg(c.code == 0, "as root: %s", c.err);
	c_result_free(&c);
	c_touch(&run, "go");
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	ck_assert_msg(strstr(r.err, "bouncer: control: refused a connection from uid 65534"),
	              "the refusal was not logged; stderr:\n%s", r.err);
}
END_TEST

START_TEST(socket_is_removed_at_exit)
{
	const char *const probe[] = {"waitfile", "@/go", "getpgid", "1", NULL};
	struct c_run run;
	struct h_result r;
	struct stat st;
	struct c_result c;

	c_start(&run, notify_policy, probe);
	c_touch(&run, "go");
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	ck_assert_msg(stat(run.sock, &st) != 0, "%s is still there", run.sock);
	c_ctl(&c, run.sock, "pending", NULL);
	ck_assert_int_eq(c.code, 1);
	ck_assert_msg(strstr(c.err, "no such socket"), "stderr: %s", c.err);
	c_result_free(&c);
}
END_TEST

START_TEST(default_socket_path_is_printed_and_found)
{
	char *go_dir = h_tmpdir(), *go = h_join(go_dir, "go"), *line, *path, *nl;
	char *argv[] = {(char *)h_bouncer(),
	                "run",
	                "-p",
	                h_policy("notify-getpgid.json"),
	                "--",
	                h_prog("ctlprobe"),
	                "waitfile",
	                go,
	                NULL};
	char *ctl_argv[] = {(char *)h_bouncer(), "ctl", "stats", "--json", NULL};
	struct h_proc p;
	struct h_result r;
	struct c_result c;
	int fd;

	const char *xdg = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	int rounds = 0;

	h_spawn(&p, NULL, argv);
	/* The same rule as control_default_dir(): root, else XDG_RUNTIME_DIR, else /tmp. */
	if (getuid() == 0)
		path = h_fmt("/run/bouncer/%d.sock", (int)p.pid);
	else if (xdg != NULL && xdg[0] == '/')
		path = h_fmt("%s/bouncer/%d.sock", xdg, (int)p.pid);
	else
		path = h_fmt("/tmp/bouncer-%u/%d.sock", (unsigned)getuid(), (int)p.pid);
	line = NULL;
	nl = NULL;
	while (stat(path, &st) != 0) {
		ck_assert_msg(++rounds < 1000, "%s did not appear", path);
		usleep(10000);
	}
	ck_assert_msg(S_ISSOCK(st.st_mode) && (st.st_mode & 0777) == 0600, "%s: mode %o", path,
	              st.st_mode);
	/* BOUNCER_SOCKET finds it. */
	setenv("BOUNCER_SOCKET", path, 1);
	c_ctlv(&c, ctl_argv);
	unsetenv("BOUNCER_SOCKET");
	ck_assert_msg(c.code == 0, "ctl with BOUNCER_SOCKET: %s", c.err);
	c_result_free(&c);
	fd = open(go, O_WRONLY | O_CREAT, 0644);
	close(fd);
	h_finish(&p, H_DEFAULT_TIMEOUT_MS, &r);
	h_assert_exit(&r, 0);
	ck_assert_msg(access(path, F_OK) != 0, "%s is still there", path);
	/* -q is not given: the path was printed. */
	ck_assert_msg(strstr(r.err, h_fmt("bouncer: control socket: %s\n", path)), "stderr:\n%s",
	              r.err);
	(void)line;
	(void)nl;
}
END_TEST

START_TEST(every_command_has_help_and_usage_errors_exit_2)
{
	static const char *const commands[] = {"pending", "allow",  "deny",  "review", "watch",
	                                       "grant",   "revoke", "rules", "reload", "stats"};
	struct c_result c;

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		char *argv[] = {(char *)h_bouncer(), "ctl", (char *)commands[i], "--help", NULL};

		c_ctlv(&c, argv);
		ck_assert_msg(c.code == 0, "%s --help: %d", commands[i], c.code);
		ck_assert_msg(strstr(c.out, h_fmt("Usage: bouncer ctl %s", commands[i])),
		              "%s --help:\n%s", commands[i], c.out);
		c_result_free(&c);
	}
	{
		char *argv[] = {(char *)h_bouncer(), "ctl", "--help", NULL};

		c_ctlv(&c, argv);
		ck_assert_int_eq(c.code, 0);
		ck_assert_msg(strstr(c.out, "review") && strstr(c.out, "grant"), "%s", c.out);
		c_result_free(&c);
	}
	{
		char *argv[] = {(char *)h_bouncer(), "ctl", "frobnicate", NULL};

		c_ctlv(&c, argv);
		ck_assert_int_eq(c.code, 2);
		ck_assert_msg(strstr(c.err, "unknown command \"frobnicate\""), "%s", c.err);
		c_result_free(&c);
	}
	{
		char *argv[] = {(char *)h_bouncer(),
		                "ctl",
		                "--socket",
		                "/nonexistent/x.sock",
		                "allow",
		                "1",
		                "--json",
		                NULL};

		c_ctlv(&c, argv);
		ck_assert_int_eq(c.code, 2);
		ck_assert_msg(strstr(c.err, "--json does not apply"), "%s", c.err);
		c_result_free(&c);
	}
}
END_TEST

START_TEST(bad_live_review_options_and_a_taken_socket_are_refused)
{
	const char *const probe[] = {"waitfile", "@/go", NULL};
	static const char *const bad[][2] = {{"--ask-timeout", "5 minutes"},
	                                     {"--ask-timeout", "0s"},
	                                     {"--ask-default", "maybe"}};
	struct c_run run;
	struct c_result c;
	struct h_result r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[] = {(char *)h_bouncer(),
		                "run",
		                "-q",
		                "--no-control",
		                (char *)bad[i][0],
		                (char *)bad[i][1],
		                "--",
		                "/bin/true",
		                NULL};

		c_ctlv(&c, argv);
		ck_assert_msg(c.code == 125, "%s %s: exit %d", bad[i][0], bad[i][1], c.code);
		ck_assert_msg(strstr(c.err, bad[i][0] + 2) && strstr(c.err, bad[i][1]),
		              "stderr: %s", c.err);
		c_result_free(&c);
	}
	/* A second run on the same socket path is refused before it starts its workload. */
	c_start(&run, notify_policy, probe);
	{
		char *argv[] = {(char *)h_bouncer(), "run", "-q", "--control", run.sock, "--",
		                "/bin/true",         NULL};

		c_ctlv(&c, argv);
		ck_assert_int_eq(c.code, 125);
		ck_assert_msg(strstr(c.err, "another run listens there"), "stderr: %s", c.err);
		c_result_free(&c);
	}
	/* The first run still answers. */
	c_ctl(&c, run.sock, "pending", NULL);
	ck_assert_int_eq(c.code, 0);
	c_result_free(&c);
	c_touch(&run, "go");
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
}
END_TEST

static json_t *stats(const char *sock)
{
	struct c_result c;
	json_t *reply;

	c_ctl(&c, sock, "stats", "--json", NULL);
	ck_assert_msg(c.code == 0, "stats: %s", c.err);
	reply = json_loads(c.out, 0, NULL);
	ck_assert_ptr_nonnull(reply);
	c_result_free(&c);
	return reply;
}

START_TEST(watch_streams_the_records_and_stats_count_them)
{
	/* The last 3000 records (more than a socket buffer holds) are made just before the workload
	 * exits: watch still gets them. */
	const char *const probe[] = {"waitfile", "@/go",    "getpgid", "2", "waitfile",
	                             "@/go2",    "getpgid", "3000",    NULL};
	struct c_run run;
	struct h_result r;
	struct h_records logged, watched;
	char *out;
	json_t *s;
	pid_t watcher;
	int status, rounds = 0, fd;
	FILE *f;
	static char text[4 << 20];
	size_t n;

	c_start(&run, notify_policy, probe);
	out = h_join(run.dir, "watch.jsonl");
	watcher = fork();
	ck_assert(watcher >= 0);
	if (watcher == 0) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 1);
		execl(h_bouncer(), "bouncer", "ctl", "--socket", run.sock, "watch", "--json",
		      (char *)NULL);
		_exit(127);
	}
	for (;;) {
		s = stats(run.sock);
		if (json_integer_value(
		            json_object_get(json_object_get(s, "watchers"), "records")) == 1)
			break;
		json_decref(s);
		ck_assert_msg(++rounds < 500, "watch did not subscribe");
		usleep(20000);
	}
	json_decref(s);
	c_touch(&run, "go");
	c_wait_out(&run, "getpgid 2:");
	s = stats(run.sock);
	ck_assert_int_eq(
	        json_integer_value(json_object_get(
	                json_object_get(json_object_get(s, "decisions"), "getpgid"), "deny")),
	        2);
	ck_assert_int_ge(
	        json_integer_value(json_object_get(json_object_get(s, "latency"), "answers")), 2);
	json_decref(s);
	c_touch(&run, "go2");
	/*
	 * The run ends: so does watch. Reaped before c_finish(), which ends every other child of
	 * the test (the harness's leak check).
	 */
	status = -1;
	for (rounds = 0; waitpid(watcher, &status, WNOHANG) == 0; rounds++) {
		if (rounds > 2000) {
			kill(watcher, SIGKILL);
			waitpid(watcher, &status, 0);
			ck_abort_msg("watch did not end with the run");
		}
		usleep(10000);
	}
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "watch status %x", status);
	f = fopen(out, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	h_parse_records(text, &watched);
	h_read_records(run.log, &logged);
	ck_assert_int_eq(logged.n, 3002);
	ck_assert_int_eq(watched.n, 3002);
	for (size_t i = 0; i < 3002; i++)
		ck_assert_msg(json_equal(watched.rec[i], logged.rec[i]),
		              "watched and logged records differ:\n%s", text);
	h_records_free(&watched);
	h_records_free(&logged);
}
END_TEST

static Suite *ctl_socket_suite(void)
{
	Suite *s = suite_create("ctl_socket");
	TCase *tc = tcase_create("socket");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, foreign_uid_is_refused);
	tcase_add_test(tc, socket_is_removed_at_exit);
	tcase_add_test(tc, default_socket_path_is_printed_and_found);
	tcase_add_test(tc, every_command_has_help_and_usage_errors_exit_2);
	tcase_add_test(tc, bad_live_review_options_and_a_taken_socket_are_refused);
	tcase_add_test(tc, watch_streams_the_records_and_stats_count_them);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ctl_socket_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
