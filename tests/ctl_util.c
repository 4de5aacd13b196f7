/* SPDX-License-Identifier: MIT */
#include "ctl_util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void pause_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000};

	nanosleep(&t, NULL);
}

/* Whether pid is a zombie (it exited; its status is left for the harness to reap). */
static bool exited(pid_t pid)
{
	char path[64], buf[512], *paren;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	paren = strrchr(buf, ')');
	return paren == NULL || paren[2] == 'Z';
}

void c_start(struct c_run *run, const char *const extra[], const char *const probe_args[])
{
	const char *argv[64];
	size_t n = 0;
	long long deadline;
	struct stat st;

	memset(run, 0, sizeof(*run));
	run->dir = h_tmpdir();
	run->sock = h_join(run->dir, "ctl.sock");
	run->log = h_join(run->dir, "decisions.jsonl");
	argv[n++] = h_bouncer();
	argv[n++] = "run";
	argv[n++] = "-q";
	argv[n++] = "-o";
	argv[n++] = run->log;
	argv[n++] = "--control";
	argv[n++] = run->sock;
	for (size_t i = 0; extra != NULL && extra[i] != NULL; i++)
		argv[n++] = extra[i];
	argv[n++] = "--";
	argv[n++] = h_prog("ctlprobe");
	for (size_t i = 0; probe_args != NULL && probe_args[i] != NULL; i++) {
		ck_assert(n < 60);
		argv[n++] = probe_args[i][0] == '@' ? h_fmt("%s%s", run->dir, probe_args[i] + 1)
		                                    : probe_args[i];
	}
	argv[n] = NULL;
	h_spawn(&run->proc, h_policy_dir(), (char *const *)argv);
	deadline = now_ms() + C_WAIT_TIMEOUT_MS;
	while (stat(run->sock, &st) != 0) {
		if (now_ms() > deadline || exited(run->proc.pid)) {
			struct h_result r;

			c_finish(run, &r);
			ck_abort_msg("the control socket %s did not appear; exit %d, stderr:\n%s",
			             run->sock, r.code, r.err);
		}
		pause_ms(5);
	}
	ck_assert_msg(S_ISSOCK(st.st_mode), "%s is not a socket", run->sock);
	ck_assert_msg((st.st_mode & 0777) == 0600, "socket mode %o, expected 0600",
	              st.st_mode & 0777);
}

void c_finish(struct c_run *run, struct h_result *r)
{
	h_finish(&run->proc, H_DEFAULT_TIMEOUT_MS, r);
}

static void read_into(int fd, char **buf, size_t *len, size_t *cap)
{
	char chunk[4096];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n <= 0)
		return;
	if (*len + (size_t)n + 1 > *cap) {
		*cap = (*len + (size_t)n + 1) * 2;
		*buf = realloc(*buf, *cap);
		ck_assert(*buf != NULL);
	}
	memcpy(*buf + *len, chunk, (size_t)n);
	*len += (size_t)n;
	(*buf)[*len] = '\0';
}

void c_ctlv(struct c_result *r, char *const argv[])
{
	c_ctlv_as(r, argv, (uid_t)-1);
}

void c_ctlv_as(struct c_result *r, char *const argv[], uid_t uid)
{
	int out[2], err[2], status = 0;
	size_t out_len = 0, out_cap = 0, err_len = 0, err_cap = 0;
	long long deadline = now_ms() + C_CTL_TIMEOUT_MS;
	bool out_open = true, err_open = true;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->out = calloc(1, 1);
	r->err = calloc(1, 1);
	out_cap = err_cap = 1;
	ck_assert(pipe2(out, O_CLOEXEC) == 0 && pipe2(err, O_CLOEXEC) == 0);
	fflush(NULL);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		dup2(null, 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		if (uid != (uid_t)-1 && (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0 ||
		                         setresuid(uid, uid, uid) < 0))
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	while (out_open || err_open) {
		struct pollfd fds[2] = {{.fd = out_open ? out[0] : -1, .events = POLLIN},
		                        {.fd = err_open ? err[0] : -1, .events = POLLIN}};
		int left = (int)(deadline - now_ms());

		if (left <= 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			ck_abort_msg("bouncer ctl %s did not finish in time", argv[3]);
		}
		if (poll(fds, 2, left) < 0 && errno != EINTR)
			ck_abort_msg("poll: %s", strerror(errno));
		if (fds[0].revents) {
			size_t before = out_len;

			read_into(out[0], &r->out, &out_len, &out_cap);
			out_open = out_len != before;
		}
		if (fds[1].revents) {
			size_t before = err_len;

			read_into(err[0], &r->err, &err_len, &err_cap);
			err_open = err_len != before;
		}
	}
	close(out[0]);
	close(err[0]);
	ck_assert(waitpid(pid, &status, 0) == pid);
	r->code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void c_ctl(struct c_result *r, const char *sock, ...)
{
	char *argv[32];
	size_t n = 0;
	va_list ap;
	const char *a;

	argv[n++] = (char *)h_bouncer();
	argv[n++] = "ctl";
	argv[n++] = "--socket";
	argv[n++] = (char *)sock;
	va_start(ap, sock);
	while ((a = va_arg(ap, const char *)) != NULL && n < 31)
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	c_ctlv(r, argv);
}

void c_result_free(struct c_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

json_t *c_wait_pending(const char *sock, size_t n)
{
	long long deadline = now_ms() + C_WAIT_TIMEOUT_MS;

	for (;;) {
		struct c_result r;
		json_t *reply, *list;

		c_ctl(&r, sock, "pending", "--json", NULL);
		ck_assert_msg(r.code == 0, "ctl pending failed (%d): %s", r.code, r.err);
		reply = json_loads(r.out, 0, NULL);
		ck_assert_msg(reply != NULL, "ctl pending --json printed no JSON: %s", r.out);
		c_result_free(&r);
		list = json_object_get(reply, "pending");
		ck_assert_msg(json_is_array(list), "no \"pending\" array");
		if (json_array_size(list) >= n) {
			json_incref(list);
			json_decref(reply);
			return list;
		}
		json_decref(reply);
		ck_assert_msg(now_ms() < deadline, "fewer than %zu syscalls held in time", n);
		pause_ms(20);
	}
}

void c_touch(const struct c_run *run, const char *name)
{
	char *path = h_join(run->dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	ck_assert_msg(fd >= 0, "create %s: %s", path, strerror(errno));
	close(fd);
	free(path);
}

void c_wait_out(struct c_run *run, const char *needle)
{
	ck_assert_msg(h_wait_stdout(&run->proc, needle, C_WAIT_TIMEOUT_MS),
	              "\"%s\" not printed in time; stdout so far:\n%s", needle,
	              run->proc.out.data ? run->proc.out.data : "");
}
