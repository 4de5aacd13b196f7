/* SPDX-License-Identifier: MIT */
/*
 * `bouncer ctl review` as a person uses it: in a terminal (a pty here), it shows each held
 * syscall as it arrives and takes one key. The test reads what the screen shows and checks
 * that the workload's syscall got the answer that was typed.
 */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "ctl_util.h"
#include "harness.h"

struct screen {
	int master;
	pid_t pid;
	char text[65536];
	size_t len;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void screen_start(struct screen *s, const char *sock)
{
	struct winsize ws = {.ws_row = 40, .ws_col = 120};

	memset(s, 0, sizeof(*s));
	fflush(NULL);
	s->pid = forkpty(&s->master, NULL, NULL, &ws);
	ck_assert_msg(s->pid >= 0, "forkpty: %s", strerror(errno));
	if (s->pid == 0) {
		execl(h_bouncer(), "bouncer", "ctl", "--socket", sock, "review", (char *)NULL);
		_exit(127);
	}
}

/* Reads what the terminal shows until it contains needle after offset from; returns where. */
static const char *screen_wait(struct screen *s, size_t from, const char *needle)
{
	long long deadline = now_ms() + C_WAIT_TIMEOUT_MS;

	for (;;) {
		struct pollfd p = {.fd = s->master, .events = POLLIN};
		const char *at = s->len > from ? strstr(s->text + from, needle) : NULL;
		ssize_t n;

		if (at != NULL)
			return at;
		ck_assert_msg(now_ms() < deadline,
		              "the terminal never showed \"%s\"; it shows:\n%s", needle, s->text);
		if (poll(&p, 1, 50) <= 0)
			continue;
		n = read(s->master, s->text + s->len, sizeof(s->text) - 1 - s->len);
		if (n <= 0)
			continue; /* EIO once the child closed the terminal */
		s->len += (size_t)n;
		s->text[s->len] = '\0';
	}
}

static void screen_key(struct screen *s, char key)
{
	ck_assert_int_eq(write(s->master, &key, 1), 1);
}

static int screen_end(struct screen *s)
{
	long long deadline = now_ms() + C_WAIT_TIMEOUT_MS;
	int status;

	while (waitpid(s->pid, &status, WNOHANG) == 0) {
		char buf[4096];

		if (now_ms() > deadline) {
			kill(s->pid, SIGKILL);
			waitpid(s->pid, &status, 0);
			ck_abort_msg("review did not quit; it shows:\n%s", s->text);
		}
		/* Keep the terminal drained so the child never blocks writing to it. */
		if (read(s->master, buf, sizeof(buf)) < 0)
			usleep(10000);
	}
	close(s->master);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

START_TEST(review_takes_one_key_per_held_syscall)
{
	char *dir = h_tmpdir(), *rules = h_join(dir, "rules.json");
	const char *const extra[] = {"-p", "ask-getpgid.json", "--rules-file", rules, NULL};
	const char *const probe[] = {"ids", "getpgid", "3", NULL};
	struct c_run run;
	struct screen s;
	struct h_result r;
	struct h_records rs;
	const char *at;
	size_t mark;
	char *who;

	c_start(&run, extra, probe);
	screen_start(&s, run.sock);
	/* The first call arrives: what it is, who made it, and the keys. */
	at = screen_wait(&s, 0, "[a] allow once");
	c_wait_out(&run, "pid: ");
	who = h_fmt("pid %ld (ctlprobe)", h_long_after(run.proc.out.data, "pid: "));
	ck_assert_msg(strstr(s.text, who) && strstr(s.text, "getpgid(0x0") &&
	                      strstr(s.text, "rule: ask about getpgid") &&
	                      strstr(s.text, "[D] always deny"),
	              "the terminal shows:\n%s", s.text);
	mark = (size_t)(at - s.text) + 1;

	screen_key(&s, 'd');
	screen_wait(&s, mark, "-> denied once");
	c_wait_out(&run, "getpgid 1: EPERM");

	/* The second call is shown in its turn; always allow answers it and the third. */
	at = screen_wait(&s, mark, "#2");
	mark = (size_t)(at - s.text);
	screen_wait(&s, mark, "[a] allow once");
	screen_key(&s, 'A');
	screen_wait(&s, mark, "-> allowed always (remembered)");
	c_wait_out(&run, "getpgid 3: ok");
	ck_assert_msg(h_has_line(run.proc.out.data, "getpgid 2: ok"), "stdout:\n%s",
	              run.proc.out.data);
	/* The third was never shown: the remembered rule answered it. */
	screen_wait(&s, mark, "waiting for held syscalls");
	ck_assert_ptr_null(strstr(s.text, "#3"));

	screen_key(&s, 'q');
	ck_assert_int_eq(screen_end(&s), 0);
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	h_read_records(run.log, &rs);
	ck_assert_int_eq(h_count_syscall(&rs, "getpgid", "deny"), 1);
	ck_assert_int_eq(h_count_syscall(&rs, "getpgid", "allow"), 2);
	ck_assert_ptr_nonnull(json_object_get(rs.rec[1], "decided_by"));
	ck_assert_ptr_nonnull(json_object_get(rs.rec[1], "remembered"));
	ck_assert_ptr_null(json_object_get(rs.rec[2], "decided_by"));
	ck_assert_ptr_nonnull(json_object_get(rs.rec[2], "remembered"));
	h_records_free(&rs);
}
END_TEST

START_TEST(review_skip_then_timeout_is_shown)
{
	const char *const extra[] = {"-p", "ask-getpgid.json", "--ask-timeout", "2s", NULL};
	/* The workload stays until go: the run (and so the review) must outlive the timeout. */
	const char *const probe[] = {"getpgid", "1", "waitfile", "@/go", NULL};
	struct c_run run;
	struct screen s;
	struct h_result r;

	c_start(&run, extra, probe);
	screen_start(&s, run.sock);
	screen_wait(&s, 0, "[s] skip");
	screen_key(&s, 's');
	screen_wait(&s, 0, "-> skipped");
	screen_wait(&s, 0, "all held syscalls skipped");
	/* Nobody answers: the ask timeout does, and the screen forgets the call. */
	c_wait_out(&run, "getpgid 1: EPERM");
	screen_key(&s, 'r');
	screen_wait(&s, 0, "waiting for held syscalls");
	screen_key(&s, 'q');
	ck_assert_int_eq(screen_end(&s), 0);
	c_touch(&run, "go");
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
}
END_TEST

START_TEST(review_needs_a_terminal)
{
	char *argv[] = {(char *)h_bouncer(), "ctl",    "--socket",
	                "/nonexistent.sock", "review", NULL};
	struct c_result c;

	c_ctlv(&c, argv);
	ck_assert_int_eq(c.code, 2);
	ck_assert_msg(strstr(c.err, "needs a terminal"), "stderr: %s", c.err);
	c_result_free(&c);
}
END_TEST

static Suite *ctl_review_suite(void)
{
	Suite *s = suite_create("ctl_review");
	TCase *tc = tcase_create("review");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, review_takes_one_key_per_held_syscall);
	tcase_add_test(tc, review_skip_then_timeout_is_shown);
	tcase_add_test(tc, review_needs_a_terminal);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ctl_review_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
