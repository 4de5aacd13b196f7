/* SPDX-License-Identifier: MIT */
/*
 * The races of issue 3 (docs/inspection.md, "Safety"): a thread of the workload changes what a
 * pointer argument points to while another makes the call in a loop. An allow decided on the
 * checked copy and answered CONTINUE would let the kernel read the changed memory; bouncer
 * emulates the allow on the checked copy, so the denied target is never reached. The probe
 * proves which file was opened by its contents, which address was connected by
 * getpeername, and where sendmsg's datagrams went by receiving them.
 *
 * BOUNCER_RACE_ATTEMPTS (default 100000) and BOUNCER_RACE_SECONDS (default 10) bound each loop:
 * whichever comes first; BOUNCER_CHDIR_RACE_CHILDREN (default 200) is the number of processes
 * of the chdir race. The counts are printed on stderr for the record.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "harness.h"

static const char *attempts(void)
{
	const char *v = getenv("BOUNCER_RACE_ATTEMPTS");

	return v != NULL && *v != '\0' ? v : "100000";
}

static const char *seconds(void)
{
	const char *v = getenv("BOUNCER_RACE_SECONDS");

	return v != NULL && *v != '\0' ? v : "10";
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
}

/* dir/ok/f ("OK") and dir/no/f ("BAD": the same length, so a path flip is one buffer). */
static char *make_policy(const char *dir, const char *extra_rule)
{
	char *policy = h_join(dir, "policy.json");
	char *text;

	ck_assert_int_eq(mkdir(h_join(dir, "ok"), 0755), 0);
	ck_assert_int_eq(mkdir(h_join(dir, "no"), 0755), 0);
	write_file(h_fmt("%s/ok/f", dir), "OK\n");
	write_file(h_fmt("%s/no/f", dir), "BAD\n");
	text = h_fmt("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	             " \"syscalls\": [\n"
	             "  {\"names\": [\"open\", \"openat\"], \"action\": \"SCMP_ACT_NOTIFY\",\n"
	             "   \"supervise\": [\n"
	             "     {\"paths\": [\"%s/no/**\"], \"decision\": \"deny\", \"errno\": "
	             "\"EACCES\"},\n"
	             "     {\"paths\": [\"%s/ok/**\", \"/usr/**\", \"/lib/**\", \"/lib64/**\", "
	             "\"/etc/**\"], \"decision\": \"allow\"}],\n"
	             "   \"default\": {\"decision\": \"deny\", \"errno\": \"EACCES\"}}%s]}\n",
	             dir, dir, extra_rule);
	write_file(policy, text);
	free(text);
	return policy;
}

/* Parses "LABEL: attempts=A ok=O bad=B denied=D". */
static void counts(const char *out, const char *label, long c[4])
{
	const char *line = h_line_after(out, h_fmt("%s: ", label));

	ck_assert_msg(line != NULL, "no %s line in:\n%s", label, out);
	c[0] = h_field_long(line, "attempts");
	c[1] = h_field_long(line, "ok");
	c[2] = h_field_long(line, "bad");
	c[3] = h_field_long(line, "denied");
	fprintf(stderr, "%s under bouncer: attempts=%ld ok=%ld bad=%ld denied=%ld\n", label, c[0],
	        c[1], c[2], c[3]);
}

START_TEST(flipping_path_buffer_never_opens_the_denied_file)
{
	char *dir = h_tmpdir(), *policy = make_policy(dir, "");
	char *ok = h_fmt("%s/ok/f", dir), *bad = h_fmt("%s/no/f", dir);
	char *probe = h_prog("supervise_probe");
	struct h_result r;
	long c[4];

	/* Without bouncer the flipper really reaches both files (else the test proves nothing). */
	/* Without bouncer first: the race is real and the probe sees it (many attempts, so that
	 * a loaded machine still loses it at least once). */
	h_run(&r, NULL, probe, "race-open", ok, bad, "200000", "10", NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_field_long(h_line_after(r.out, "race-open: "), "bad") > 0, "%s", r.out);
	ck_assert_msg(h_field_long(h_line_after(r.out, "race-open: "), "ok") > 0, "%s", r.out);
	h_result_free(&r);

	h_run(&r, NULL, h_bouncer(), "run", "-q", "-p", policy, "--", probe, "race-open", ok, bad,
	      attempts(), seconds(), NULL);
	h_assert_exit(&r, 0);
	counts(r.out, "race-open", c);
	ck_assert_int_eq(c[2], 0);
	/* Both sides of the flip were seen by the supervisor: allowed opens and denials. */
	ck_assert_int_gt(c[1], 0);
	ck_assert_int_gt(c[3], 0);
	ck_assert_int_eq(c[1] + c[2] + c[3], c[0]);
	h_result_free(&r);
}
END_TEST

START_TEST(symlink_swapped_underneath_never_opens_the_denied_file)
{
	char *dir = h_tmpdir(), *policy = make_policy(dir, "");
	char *ok = h_fmt("%s/ok/f", dir), *bad = h_fmt("%s/no/f", dir);
	char *link = h_fmt("%s/ok/link", dir);
	char *probe = h_prog("supervise_probe");
	struct h_result r;
	long c[4];

	h_run(&r, NULL, probe, "race-symlink", link, ok, bad, "200000", "10", NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_field_long(h_line_after(r.out, "race-symlink: "), "bad") > 0, "%s", r.out);
	h_result_free(&r);

	h_run(&r, NULL, h_bouncer(), "run", "-q", "-p", policy, "--", probe, "race-symlink", link,
	      ok, bad, attempts(), seconds(), NULL);
	h_assert_exit(&r, 0);
	counts(r.out, "race-symlink", c);
	ck_assert_int_eq(c[2], 0);
	ck_assert_int_gt(c[1], 0);
	ck_assert_int_gt(c[3], 0);
	h_result_free(&r);
}
END_TEST

static int free_udp_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), port;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

START_TEST(flipping_sockaddr_never_connects_the_denied_port)
{
	int ok = free_udp_port(), bad = free_udp_port();
	char *rule = h_fmt(",\n  {\"names\": [\"connect\"], \"action\": \"SCMP_ACT_NOTIFY\",\n"
	                   "   \"supervise\": [{\"addresses\": [\"inet:127.0.0.1:%d\"], "
	                   "\"decision\": \"allow\"}],\n"
	                   "   \"default\": {\"decision\": \"deny\", \"errno\": \"EACCES\"}}",
	                   ok);
	char *dir = h_tmpdir(), *policy = make_policy(dir, rule);
	char *probe = h_prog("supervise_probe");
	char *oks = h_fmt("%d", ok), *bads = h_fmt("%d", bad);
	struct h_result r;
	long c[4];

	h_run(&r, NULL, probe, "race-connect", oks, bads, "200000", "10", NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_field_long(h_line_after(r.out, "race-connect: "), "bad") > 0, "%s", r.out);
	h_result_free(&r);

	h_run(&r, NULL, h_bouncer(), "run", "-q", "-p", policy, "--", probe, "race-connect", oks,
	      bads, attempts(), seconds(), NULL);
	h_assert_exit(&r, 0);
	counts(r.out, "race-connect", c);
	ck_assert_int_eq(c[2], 0);
	ck_assert_int_gt(c[1], 0);
	ck_assert_int_gt(c[3], 0);
	h_result_free(&r);
}
END_TEST

/*
 * sendmsg: one thread flips msg_name between the allowed and the denied address while another
 * sendmsg's a byte with it. The probe's own receivers count what reached each port.
 */
START_TEST(flipping_msg_name_never_sends_to_the_denied_port)
{
	int ok = free_udp_port(), bad = free_udp_port();
	char *rule = h_fmt(",\n  {\"names\": [\"sendmsg\"], \"action\": \"SCMP_ACT_NOTIFY\",\n"
	                   "   \"supervise\": [{\"addresses\": [\"inet:127.0.0.1:%d\"], "
	                   "\"decision\": \"allow\"}],\n"
	                   "   \"default\": {\"decision\": \"deny\", \"errno\": \"EACCES\"}}",
	                   ok);
	char *dir = h_tmpdir(), *policy = make_policy(dir, rule);
	char *probe = h_prog("sendmsg_probe");
	char *oks = h_fmt("%d", ok), *bads = h_fmt("%d", bad);
	struct h_result r;
	long c[4];

	/* Without bouncer the flip really sends to both ports. */
	h_run(&r, NULL, probe, "race-sendmsg", oks, bads, "200000", "10", NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_field_long(h_line_after(r.out, "race-sendmsg: "), "bad") > 0, "%s", r.out);
	ck_assert_msg(h_field_long(h_line_after(r.out, "race-sendmsg: "), "ok") > 0, "%s", r.out);
	fprintf(stderr, "race-sendmsg without bouncer: %s\n",
	        h_line_after(r.out, "race-sendmsg: "));
	h_result_free(&r);

	h_run(&r, NULL, h_bouncer(), "run", "-q", "-p", policy, "--", probe, "race-sendmsg", oks,
	      bads, attempts(), seconds(), NULL);
	h_assert_exit(&r, 0);
	counts(r.out, "race-sendmsg", c);
	ck_assert_int_eq(c[2], 0);
	ck_assert_int_gt(c[1], 0);
	ck_assert_int_gt(c[3], 0);
	/* Every send either delivered to the allowed port or was refused. */
	ck_assert_int_eq(h_field_long(h_line_after(r.out, "race-sendmsg: "), "other"), 0);
	ck_assert_int_eq(c[1] + c[3], c[0]);
	h_result_free(&r);
}
END_TEST

/*
 * sendmmsg: one thread flips msg_name of both messages between the allowed and the denied
 * address while another sendmmsg's two one-byte messages with them. Each message is decided
 * on the supervisor's copy and sent from it: a flip can make the call refused (message 0
 * denied) or stop after one message (message 1 denied), never send to the denied port.
 */
START_TEST(flipping_mmsg_names_never_send_to_the_denied_port)
{
	int ok = free_udp_port(), bad = free_udp_port();
	char *rule = h_fmt(",\n  {\"names\": [\"sendmmsg\"], \"action\": \"SCMP_ACT_NOTIFY\",\n"
	                   "   \"supervise\": [{\"addresses\": [\"inet:127.0.0.1:%d\"], "
	                   "\"decision\": \"allow\"}],\n"
	                   "   \"default\": {\"decision\": \"deny\", \"errno\": \"EACCES\"}}",
	                   ok);
	char *dir = h_tmpdir(), *policy = make_policy(dir, rule);
	char *probe = h_prog("sendmsg_probe");
	char *oks = h_fmt("%d", ok), *bads = h_fmt("%d", bad);
	const char *line;
	struct h_result r;
	long c[4];

	/* Without bouncer the flip really sends to both ports. */
	h_run(&r, NULL, probe, "race-sendmmsg", oks, bads, "200000", "10", NULL);
	h_assert_exit(&r, 0);
	line = h_line_after(r.out, "race-sendmmsg: ");
	ck_assert_msg(line != NULL && h_field_long(line, "bad") > 0, "%s", r.out);
	ck_assert_msg(h_field_long(line, "ok") > 0, "%s", r.out);
	fprintf(stderr, "race-sendmmsg without bouncer: %s\n", line);
	h_result_free(&r);

	h_run(&r, NULL, h_bouncer(), "run", "-q", "-p", policy, "--", probe, "race-sendmmsg", oks,
	      bads, attempts(), seconds(), NULL);
	h_assert_exit(&r, 0);
	counts(r.out, "race-sendmmsg", c);
	line = h_line_after(r.out, "race-sendmmsg: ");
	fprintf(stderr, "race-sendmmsg under bouncer: %s\n", line);
	ck_assert_int_eq(c[2], 0);
	ck_assert_int_gt(c[1], 0);
	ck_assert_int_gt(c[3], 0);
	/* Every datagram counted by a return reached the allowed port, and nothing else did. */
	ck_assert_int_eq(h_field_long(line, "other"), 0);
	ck_assert_int_eq(h_field_long(line, "sent"), c[1]);
	h_result_free(&r);
}
END_TEST

static void copy_file(const char *from, const char *to)
{
	char buf[65536];
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	size_t n;

	ck_assert_msg(in != NULL && out != NULL, "%s -> %s: %s", from, to, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
	fclose(in);
	ck_assert_int_eq(fclose(out), 0);
	ck_assert_int_eq(chmod(to, 0755), 0);
}

/*
 * execve cannot be emulated: an allow is answered CONTINUE and a racing thread can make the
 * kernel run another program than the one checked (docs/inspection.md, "execve"). What bouncer
 * promises is that each time this happens it is recorded loudly: the first record of the
 * process running the other program says "exec_mismatch": true.
 */
START_TEST(exec_race_won_is_always_recorded_as_a_mismatch)
{
	char *dir = h_tmpdir(), *policy = h_join(dir, "p.json"), *log = h_join(dir, "l.jsonl");
	char *ok = h_fmt("%s/ok/sysprobe", dir), *bad = h_fmt("%s/no/sysprobe", dir);
	char *probe = h_prog("supervise_probe"), *sysprobe = h_prog("sysprobe");
	char *text, *progs = strdup(probe);
	struct h_result r;
	struct h_records rs;
	long won = 0, checked = 0, mismatches = 0;
	FILE *f;

	*strrchr(progs, '/') = '\0';
	ck_assert_int_eq(mkdir(h_join(dir, "ok"), 0755), 0);
	ck_assert_int_eq(mkdir(h_join(dir, "no"), 0755), 0);
	copy_file(sysprobe, ok);
	copy_file(sysprobe, bad);
	text = h_fmt("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	             " \"syscalls\": [{\"names\": [\"execve\"], \"action\": \"SCMP_ACT_NOTIFY\",\n"
	             "   \"supervise\": [{\"exec\": [\"%s/ok/*\", \"%s/*\"], \"decision\": "
	             "\"allow\"}],\n"
	             "   \"default\": {\"decision\": \"deny\", \"errno\": \"EACCES\"}},\n"
	             "  {\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_LOG\"}]}\n",
	             dir, progs);
	f = fopen(policy, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	h_run(&r, NULL, h_bouncer(), "run", "-q", "-p", policy, "-o", log, "--", probe, "exec-race",
	      ok, bad, "200", NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, "exec-race: children=200"), "%s", r.out);
	h_read_records(log, &rs);
	for (size_t i = 0; i < rs.n; i++) {
		json_t *mm = json_object_get(rs.rec[i], "exec_mismatch");

		if (strcmp(h_str(rs.rec[i], "syscall"), "getppid") != 0)
			continue;
		mismatches += mm != NULL;
		if (strcmp(h_str(rs.rec[i], "exe"), bad) == 0) {
			won++;
			ck_assert_msg(json_is_true(mm), "unrecorded mismatch: %s",
			              json_dumps(rs.rec[i], 0));
		} else {
			checked++;
			ck_assert_msg(mm == NULL, "false mismatch: %s", json_dumps(rs.rec[i], 0));
		}
	}
	/* Every child ran one of the two (the loop retries denied execs). */
	ck_assert_int_eq(won + checked, 200);
	ck_assert_int_eq(mismatches, won);
	fprintf(stderr,
	        "exec-race under bouncer: children=200 ran-the-checked=%ld "
	        "won-the-race=%ld (each recorded as exec_mismatch)\n",
	        checked, won);
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

static int chdir_race_children(void)
{
	const char *v = getenv("BOUNCER_CHDIR_RACE_CHILDREN");

	return v != NULL && *v != '\0' ? atoi(v) : 200;
}

/* The getppid record of process pid (each chdir-race child makes one), or NULL. */
static json_t *getppid_of(const struct h_records *rs, long pid)
{
	for (size_t i = 0; i < rs->n; i++)
		if (h_int(rs->rec[i], "pid") == pid &&
		    strcmp(h_str(rs->rec[i], "syscall"), "getppid") == 0)
			return rs->rec[i];
	return NULL;
}

/*
 * chdir cannot be emulated either (docs/inspection.md, "chdir"): an allow is answered CONTINUE
 * and a racing thread can make the kernel enter another directory than the one checked. Each
 * time this happens it must be recorded loudly, on the process's next call: every child whose
 * getcwd shows the denied directory has "cwd_mismatch": true on its getppid record, naming the
 * checked directory, and no child that is where the clause allowed has one.
 */
START_TEST(chdir_race_won_is_always_recorded_as_a_mismatch)
{
	char *dir = h_tmpdir(), *policy = h_join(dir, "p.json"), *log = h_join(dir, "l.jsonl");
	char *ok = h_join(dir, "ok"), *bad = h_join(dir, "no");
	char *probe = h_prog("supervise_probe"), *text, *n_text;
	int children = chdir_race_children();
	long won = 0, checked = 0, mismatches = 0, allowed = 0;
	struct h_result r;
	struct h_records rs;
	const char *line;

	ck_assert_int_gt(children, 0);
	ck_assert_int_eq(mkdir(ok, 0755), 0);
	ck_assert_int_eq(mkdir(bad, 0755), 0);
	text = h_fmt("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	             " \"syscalls\": [{\"names\": [\"chdir\"], \"action\": \"SCMP_ACT_NOTIFY\",\n"
	             "   \"supervise\": [{\"paths\": [\"%s/**\"], \"decision\": \"allow\"}],\n"
	             "   \"default\": {\"decision\": \"deny\", \"errno\": \"EACCES\"}},\n"
	             "  {\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_LOG\"}]}\n",
	             ok);
	write_file(policy, text);
	free(text);
	n_text = h_fmt("%d", children);
	h_run(&r, NULL, h_bouncer(), "run", "-q", "-p", policy, "-o", log, "--", probe,
	      "chdir-race", ok, bad, n_text, NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, h_fmt("chdir-race: children=%d", children)), "%s", r.out);
	h_read_records(log, &rs);
	for (line = strstr(r.out, "chdir-race: pid="); line != NULL;
	     line = strstr(line + 1, "chdir-race: pid=")) {
		long pid = strtol(line + strlen("chdir-race: pid="), NULL, 10);
		const char *cwd = strstr(line, " cwd=");
		json_t *rec = getppid_of(&rs, pid), *mm;
		size_t len;

		ck_assert_ptr_nonnull(cwd);
		cwd += strlen(" cwd=");
		len = strcspn(cwd, "\n");
		ck_assert_msg(rec != NULL, "no getppid record of %ld", pid);
		mm = json_object_get(rec, "cwd_mismatch");
		mismatches += mm != NULL;
		if (len == strlen(bad) && strncmp(cwd, bad, len) == 0) {
			won++;
			ck_assert_msg(json_is_true(mm), "unrecorded mismatch: %s",
			              json_dumps(rec, 0));
			ck_assert_str_eq(h_str(rec, "cwd_checked"), ok);
		} else {
			ck_assert_msg(len == strlen(ok) && strncmp(cwd, ok, len) == 0, "%.*s",
			              (int)len, cwd);
			checked++;
			ck_assert_msg(mm == NULL, "false mismatch: %s", json_dumps(rec, 0));
		}
	}
	ck_assert_int_eq(won + checked, children);
	ck_assert_int_eq(mismatches, won);
	/* One allowed chdir per child (each succeeds, and ends its loop), all marked. */
	for (size_t i = 0; i < rs.n; i++) {
		if (strcmp(h_str(rs.rec[i], "syscall"), "chdir") != 0 ||
		    strcmp(h_str(rs.rec[i], "action"), "allow") != 0)
			continue;
		allowed++;
		ck_assert(json_is_false(json_object_get(rs.rec[i], "race_free")));
	}
	ck_assert_int_eq(allowed, children);
	/* Each mismatch is also said on stderr. */
	ck_assert_int_eq(h_count_lines_with(r.err, "bouncer: chdir mismatch: "), won);
	fprintf(stderr,
	        "chdir-race under bouncer: children=%d in-the-checked=%ld "
	        "won-the-race=%ld (each recorded as cwd_mismatch)\n",
	        children, checked, won);
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("supervise_race");
	TCase *tc = tcase_create("live");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, flipping_path_buffer_never_opens_the_denied_file);
	tcase_add_test(tc, symlink_swapped_underneath_never_opens_the_denied_file);
	tcase_add_test(tc, flipping_sockaddr_never_connects_the_denied_port);
	tcase_add_test(tc, flipping_msg_name_never_sends_to_the_denied_port);
	tcase_add_test(tc, flipping_mmsg_names_never_send_to_the_denied_port);
	tcase_add_test(tc, exec_race_won_is_always_recorded_as_a_mismatch);
	tcase_add_test(tc, chdir_race_won_is_always_recorded_as_a_mismatch);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
