/* SPDX-License-Identifier: MIT */
/* Harness for the live integration tests; see harness.h. */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <poll.h>
#include <regex.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "harness.h"

/* How long to keep draining pipes after killing a timed-out process group. */
#define H_DRAIN_AFTER_KILL_MS 5000
/* How much of stdout/stderr goes into a failure message. */
#define H_MSG_OUTPUT_MAX 1500

static const char *env_or_fail(const char *name)
{
	const char *v = getenv(name);

	ck_assert_msg(v && *v, "%s is not set (run the tests with `meson test`)", name);
	return v;
}

const char *h_bouncer(void)
{
	return env_or_fail("BOUNCER");
}

char *h_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	ck_assert_msg(n >= 0, "out of memory");
	return s;
}

char *h_join(const char *dir, const char *name)
{
	return h_fmt("%s/%s", dir, name);
}

char *h_prog(const char *name)
{
	return h_join(env_or_fail("BOUNCER_TEST_PROGS"), name);
}

const char *h_policy_dir(void)
{
	static char *dir;

	if (!dir)
		dir = h_join(env_or_fail("BOUNCER_SOURCE_ROOT"), "tests/policies");
	return dir;
}

char *h_policy(const char *name)
{
	return h_join(h_policy_dir(), name);
}

static char *tmpdirs[64];
static size_t n_tmpdirs;

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	remove(path);
	return 0;
}

/* Runs at the normal exit of a passed (forked) test; Check ends a failed one without atexit. */
static void remove_tmpdirs(void)
{
	const char *keep = getenv("BOUNCER_KEEP_TMP");
	size_t i;

	if (keep && *keep)
		return;
	for (i = 0; i < n_tmpdirs; i++)
		nftw(tmpdirs[i], remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

char *h_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *dir = h_fmt("%s/bouncer-itest.XXXXXX", base && *base ? base : "/tmp");

	ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp %s: %s", dir, strerror(errno));
	ck_assert_msg(n_tmpdirs < sizeof(tmpdirs) / sizeof(tmpdirs[0]), "too many tmpdirs");
	if (n_tmpdirs == 0)
		atexit(remove_tmpdirs);
	tmpdirs[n_tmpdirs++] = dir;
	return dir;
}

static void buf_append(struct h_buf *b, const char *data, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->len + len + 1)
			cap *= 2;
		b->data = realloc(b->data, cap);
		ck_assert_msg(b->data != NULL, "out of memory");
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Orphans of a killed bouncer (its workload) are re-parented to the test process instead of
 * init, so that cleanup can find and kill them even if they left bouncer's process group.
 */
static void become_subreaper(void)
{
	static bool done;

	if (!done) {
		ck_assert_msg(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0, "PR_SET_CHILD_SUBREAPER: %s",
		              strerror(errno));
		done = true;
	}
}

/*
 * Processes started by h_spawn() and not yet finished: a test may run several at once, and
 * finishing one must not kill the others.
 */
static pid_t live_procs[16];

static void track(pid_t pid, bool live)
{
	size_t i;

	for (i = 0; i < sizeof(live_procs) / sizeof(live_procs[0]); i++) {
		if (live && live_procs[i] == 0) {
			live_procs[i] = pid;
			return;
		}
		if (!live && live_procs[i] == pid) {
			live_procs[i] = 0;
			return;
		}
	}
	ck_assert_msg(!live, "more than %zu processes at once",
	              sizeof(live_procs) / sizeof(live_procs[0]));
}

static bool tracked(pid_t pid)
{
	size_t i;

	for (i = 0; i < sizeof(live_procs) / sizeof(live_procs[0]); i++)
		if (live_procs[i] == pid)
			return true;
	return false;
}

void h_spawn(struct h_proc *p, const char *cwd, char *const argv[])
{
	int out[2], err[2];
	pid_t pid;

	become_subreaper();
	memset(p, 0, sizeof(*p));
	ck_assert_msg(pipe2(out, O_CLOEXEC) == 0 && pipe2(err, O_CLOEXEC) == 0, "pipe: %s",
	              strerror(errno));
	fflush(NULL);
	pid = fork();
	ck_assert_msg(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		sigset_t none;
		int sig, null = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		/* The tests' own signal state (Check, meson) must not leak into what they run. */
		for (sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (null < 0 || dup2(null, 0) < 0 || dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0)
			_exit(255);
		/* Only 0-2: an fd the workload holds beyond them is bouncer's leak, not ours. */
		close_range(3, ~0U, 0);
		if (cwd && chdir(cwd)) {
			dprintf(2, "harness: chdir %s: %s\n", cwd, strerror(errno));
			_exit(255);
		}
		execv(argv[0], argv);
		dprintf(2, "harness: exec %s: %s\n", argv[0], strerror(errno));
		_exit(255);
	}
	/* Also here, so that a kill of the group right after fork cannot miss the child. */
	setpgid(pid, pid);
	close(out[1]);
	close(err[1]);
	p->pid = pid;
	track(pid, true);
	p->out_fd = out[0];
	p->err_fd = err[0];
}

static void read_some(int *fd, struct h_buf *b)
{
	char chunk[65536];
	ssize_t n = read(*fd, chunk, sizeof(chunk));

	if (n > 0) {
		buf_append(b, chunk, n);
	} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		close(*fd);
		*fd = -1;
	}
}

static void reap(struct h_proc *p)
{
	if (!p->exited && waitpid(p->pid, &p->status, WNOHANG) == p->pid)
		p->exited = true;
}

/*
 * Drains output and reaps until done(p) or the deadline. No pidfd: poll wakes at least every
 * 10 ms to look for the exit, which is cheap and works on any kernel.
 */
static bool pump(struct h_proc *p, bool (*done)(struct h_proc *, const void *), const void *arg,
                 int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;

	for (;;) {
		struct pollfd fds[2];
		int n = 0, i;

		reap(p);
		if (done(p, arg))
			return true;
		if (now_ms() >= deadline)
			return false;
		if (p->out_fd >= 0)
			fds[n++] = (struct pollfd){.fd = p->out_fd, .events = POLLIN};
		if (p->err_fd >= 0)
			fds[n++] = (struct pollfd){.fd = p->err_fd, .events = POLLIN};
		if (poll(fds, n, 10) < 0 && errno != EINTR)
			ck_abort_msg("poll: %s", strerror(errno));
		for (i = 0; i < n; i++) {
			if (!fds[i].revents)
				continue;
			if (fds[i].fd == p->out_fd)
				read_some(&p->out_fd, &p->out);
			else
				read_some(&p->err_fd, &p->err);
		}
	}
}

static bool stdout_has(struct h_proc *p, const void *needle)
{
	return p->out.data && strstr(p->out.data, needle);
}

static bool has_exited(struct h_proc *p, const void *unused)
{
	return p->exited;
}

static bool exited_and_eof(struct h_proc *p, const void *unused)
{
	return p->exited && p->out_fd < 0 && p->err_fd < 0;
}

static void kill_group(struct h_proc *p)
{
	kill(-p->pid, SIGKILL);
	kill(p->pid, SIGKILL);
}

bool h_wait_stdout(struct h_proc *p, const char *needle, int timeout_ms)
{
	if (pump(p, stdout_has, needle, timeout_ms))
		return true;
	p->timed_out = true;
	kill_group(p);
	return false;
}

bool h_wait_exit(struct h_proc *p, int timeout_ms)
{
	if (pump(p, has_exited, NULL, timeout_ms))
		return true;
	p->timed_out = true;
	kill_group(p);
	return false;
}

/*
 * Kills and reaps every child of the test process that h_spawn() did not start and is not
 * still running (see become_subreaper()): those are re-parented orphans of a bouncer that
 * died or left them behind. Processes of h_spawn() are reaped by their owner, so that their
 * status is not lost.
 */
static void kill_orphans(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	pid_t self = getpid();

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[300], stat[512], *close_paren;
		pid_t pid;
		int fd;
		ssize_t n;
		long ppid;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, stat, sizeof(stat) - 1);
		close(fd);
		if (n <= 0)
			continue;
		stat[n] = '\0';
		close_paren = strrchr(stat, ')');
		if (!close_paren || sscanf(close_paren + 2, "%*c %ld", &ppid) != 1)
			continue;
		pid = atoi(e->d_name);
		if (ppid == self && !tracked(pid)) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
	}
	closedir(d);
}

void h_finish(struct h_proc *p, int timeout_ms, struct h_result *r)
{
	memset(r, 0, sizeof(*r));
	if (!p->timed_out && !pump(p, exited_and_eof, NULL, timeout_ms))
		p->timed_out = true;
	if (p->timed_out) {
		kill_group(p);
		kill_orphans();
		pump(p, exited_and_eof, NULL, H_DRAIN_AFTER_KILL_MS);
		if (!p->exited && waitpid(p->pid, &p->status, 0) == p->pid)
			p->exited = true;
	}
	/* Whatever is left of the group or re-parented to us is a leak of this run: end it. */
	kill_group(p);
	track(p->pid, false);
	if (!p->exited && waitpid(p->pid, &p->status, 0) == p->pid)
		p->exited = true;
	kill_orphans();
	if (p->out_fd >= 0)
		close(p->out_fd);
	if (p->err_fd >= 0)
		close(p->err_fd);
	r->timed_out = p->timed_out;
	r->exited = p->exited && WIFEXITED(p->status);
	r->code = r->exited ? WEXITSTATUS(p->status) : -1;
	r->signal = p->exited && WIFSIGNALED(p->status) ? WTERMSIG(p->status) : 0;
	buf_append(&p->out, "", 0);
	buf_append(&p->err, "", 0);
	r->out = p->out.data;
	r->out_len = p->out.len;
	r->err = p->err.data;
	r->err_len = p->err.len;
	memset(p, 0, sizeof(*p));
	p->out_fd = p->err_fd = -1;
}

void h_runv(struct h_result *r, const char *cwd, char *const argv[])
{
	struct h_proc p;

	h_spawn(&p, cwd, argv);
	h_finish(&p, H_DEFAULT_TIMEOUT_MS, r);
}

void h_run(struct h_result *r, const char *cwd, const char *arg0, ...)
{
	const char *argv[128];
	size_t n = 0;
	va_list ap;

	argv[n++] = arg0;
	va_start(ap, arg0);
	while ((argv[n] = va_arg(ap, const char *)) != NULL) {
		n++;
		ck_assert_msg(n < sizeof(argv) / sizeof(argv[0]), "too many arguments");
	}
	va_end(ap);
	h_runv(r, cwd, (char *const *)argv);
}

void h_result_free(struct h_result *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

/* The first max bytes of s, for messages. */
static const char *head(const char *s, char *buf, size_t max)
{
	snprintf(buf, max, "%s", s ? s : "");
	return buf;
}

void h_assert_exit(const struct h_result *r, int code)
{
	char out[H_MSG_OUTPUT_MAX], err[H_MSG_OUTPUT_MAX];

	ck_assert_msg(!r->timed_out, "timed out (killed); stdout:\n%s\nstderr:\n%s",
	              head(r->out, out, sizeof(out)), head(r->err, err, sizeof(err)));
	ck_assert_msg(r->exited && r->code == code,
	              "expected exit status %d, got %s %d; stdout:\n%s\nstderr:\n%s", code,
	              r->exited ? "exit" : "signal", r->exited ? r->code : r->signal,
	              head(r->out, out, sizeof(out)), head(r->err, err, sizeof(err)));
}

/* The line of text starting with prefix (at a line start), or NULL. */
static const char *find_line(const char *text, const char *prefix)
{
	size_t len = strlen(prefix);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, prefix, len))
			return p;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

bool h_has_line(const char *text, const char *line)
{
	size_t len = strlen(line);
	const char *p = text;

	while ((p = find_line(p, line))) {
		if (p[len] == '\n' || p[len] == '\0')
			return true;
		p += len;
	}
	return false;
}

const char *h_line_after(const char *text, const char *prefix)
{
	static char rest[1024];
	const char *p = find_line(text, prefix);
	size_t n;

	if (!p)
		return NULL;
	p += strlen(prefix);
	n = strcspn(p, "\n");
	if (n >= sizeof(rest))
		n = sizeof(rest) - 1;
	memcpy(rest, p, n);
	rest[n] = '\0';
	return rest;
}

long h_long_after(const char *text, const char *prefix)
{
	const char *rest = h_line_after(text, prefix);
	char *end;
	long v;

	ck_assert_msg(rest != NULL, "no line starting with \"%s\" in:\n%.1500s", prefix, text);
	v = strtol(rest, &end, 0);
	ck_assert_msg(end != rest, "\"%s%s\": not a number", prefix, rest);
	return v;
}

long h_field_long(const char *line, const char *key)
{
	size_t len = strlen(key);
	const char *p = line;
	char *end;
	long v;

	for (;;) {
		p = strstr(p, key);
		ck_assert_msg(p != NULL, "no %s= in \"%s\"", key, line);
		if ((p == line || p[-1] == ' ') && p[len] == '=')
			break;
		p += len;
	}
	v = strtol(p + len + 1, &end, 10);
	ck_assert_msg(end != p + len + 1, "%s= is not a number in \"%s\"", key, line);
	return v;
}

size_t h_count_lines_with(const char *text, const char *prefix)
{
	const char *p = text;
	size_t n = 0;

	while ((p = find_line(p, prefix))) {
		n++;
		p += strlen(prefix);
	}
	return n;
}

/* ---- decision records ---- */

static void push_record(struct h_records *rs, json_t *rec)
{
	json_t **grown = realloc(rs->rec, (rs->n + 1) * sizeof(*rs->rec));

	ck_assert_msg(grown != NULL, "out of memory");
	rs->rec = grown;
	rs->rec[rs->n++] = rec;
}

void h_parse_records(const char *text, struct h_records *out)
{
	const char *line = text;
	size_t lineno = 0;

	memset(out, 0, sizeof(*out));
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		json_error_t jerr;
		json_t *rec;

		lineno++;
		/* JSON Lines: a record is complete only with its newline. */
		ck_assert_msg(nl != NULL, "record line %zu has no newline: %.*s", lineno, (int)len,
		              line);
		if (len) {
			rec = json_loadb(line, len, 0, &jerr);
			ck_assert_msg(rec != NULL, "record line %zu is not JSON (%s): %.*s", lineno,
			              jerr.text, (int)(len > 1000 ? 1000 : len), line);
			ck_assert_msg(json_is_object(rec), "record line %zu is not an object: %.*s",
			              lineno, (int)len, line);
			h_check_record(rec);
			push_record(out, rec);
		}
		line = nl + 1;
	}
}

void h_read_records(const char *path, struct h_records *out)
{
	struct h_buf b = {0};
	char chunk[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT) {
		/* No decision was logged; tests that expect records fail on their counts. */
		memset(out, 0, sizeof(*out));
		return;
	}
	ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_append(&b, chunk, n);
	close(fd);
	buf_append(&b, "", 0);
	h_parse_records(b.data, out);
	free(b.data);
}

void h_records_free(struct h_records *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		json_decref(rs->rec[i]);
	free(rs->rec);
	memset(rs, 0, sizeof(*rs));
}

static bool matches(const char *re_text, const char *s)
{
	regex_t re;
	bool ok;

	ck_assert_msg(regcomp(&re, re_text, REG_EXTENDED | REG_NOSUB) == 0, "bad regex %s",
	              re_text);
	ok = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

/* A compact dump of rec for messages (static, overwritten per call). */
static const char *dump(json_t *rec)
{
	static char text[2048];
	char *s = json_dumps(rec, JSON_COMPACT);

	snprintf(text, sizeof(text), "%s", s ? s : "?");
	free(s);
	return text;
}

const char *h_str(json_t *rec, const char *key)
{
	json_t *v = json_object_get(rec, key);

	ck_assert_msg(json_is_string(v), "record field %s missing or not a string: %s", key,
	              dump(rec));
	return json_string_value(v);
}

long long h_int(json_t *rec, const char *key)
{
	json_t *v = json_object_get(rec, key);

	ck_assert_msg(json_is_integer(v), "record field %s missing or not an integer: %s", key,
	              dump(rec));
	return json_integer_value(v);
}

static uint64_t parse_hex_arg(json_t *rec, json_t *arg)
{
	const char *s = json_string_value(arg);
	char *end;
	uint64_t v;

	ck_assert_msg(s && matches("^0x[0-9a-fA-F]{1,16}$", s),
	              "args element is not a \"0x\" hex string of 64 bits: %s", dump(rec));
	errno = 0;
	v = strtoull(s + 2, &end, 16);
	ck_assert_msg(errno == 0 && *end == '\0', "bad args element %s: %s", s, dump(rec));
	return v;
}

uint64_t h_arg(json_t *rec, unsigned index)
{
	json_t *args = json_object_get(rec, "args");

	ck_assert_msg(json_is_array(args) && json_array_size(args) == 6 && index < 6,
	              "args is not an array of 6: %s", dump(rec));
	return parse_hex_arg(rec, json_array_get(args, index));
}

time_t h_ts_seconds(json_t *rec)
{
	const char *ts = h_str(rec, "ts");
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(ts, "%Y-%m-%dT%H:%M:%S", &tm);
	ck_assert_msg(end && *end == '.', "cannot parse ts: %s", dump(rec));
	return timegm(&tm);
}

static bool one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(s, *set))
			return true;
	return false;
}

/* {"name": "EPERM", "nr": 1}, with name the libc name of nr. */
static void check_errno_object(json_t *rec, const char *key)
{
	json_t *e = json_object_get(rec, key);
	json_t *name = json_object_get(e, "name"), *nr = json_object_get(e, "nr");
	const char *libc_name;

	ck_assert_msg(json_is_object(e), "%s missing or not an object: %s", key, dump(rec));
	ck_assert_msg(json_is_string(name) && json_is_integer(nr), "%s needs name and nr: %s", key,
	              dump(rec));
	ck_assert_msg(json_integer_value(nr) > 0 && json_integer_value(nr) < 4096,
	              "%s.nr out of range: %s", key, dump(rec));
	libc_name = strerrorname_np((int)json_integer_value(nr));
	ck_assert_msg(libc_name && !strcmp(libc_name, json_string_value(name)),
	              "%s.name does not name %s.nr (libc says %s): %s", key, key,
	              libc_name ? libc_name : "nothing", dump(rec));
}

static void check_rule_object(json_t *rec)
{
	json_t *rule = json_object_get(rec, "rule");
	json_t *index = json_object_get(rule, "index");
	json_t *comment = json_object_get(rule, "comment");

	ck_assert_msg(json_is_object(rule), "rule missing or not an object: %s", dump(rec));
	if (json_is_null(index)) {
		ck_assert_msg(json_is_true(json_object_get(rule, "default")),
		              "rule.index null without \"default\": true: %s", dump(rec));
	} else {
		ck_assert_msg(json_is_integer(index) && json_integer_value(index) >= 0,
		              "rule.index must be an integer >= 0 or null: %s", dump(rec));
	}
	ck_assert_msg(!comment || json_is_string(comment), "rule.comment not a string: %s",
	              dump(rec));
}

void h_check_record(json_t *rec)
{
	static const char *const actions[] = {"allow", "deny", "log", "kill", NULL};
	static const char *const woulds[] = {"deny", "kill", "trap", "kill_thread", "trace", NULL};
	static const char *const modes[] = {"enforce", "audit", NULL};
	const char *action, *mode;
	json_t *args, *would;
	size_t i;

	ck_assert_msg(h_int(rec, "v") == 1, "v is not 1: %s", dump(rec));
	ck_assert_msg(matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{9}Z$",
	                      h_str(rec, "ts")),
	              "ts is not RFC 3339 UTC with nanoseconds: %s", dump(rec));
	ck_assert_msg(matches("^[0-9a-fA-F]{16}$", h_str(rec, "run")),
	              "run is not 16 hex digits: %s", dump(rec));
	ck_assert_msg(h_int(rec, "seq") >= 1, "seq < 1: %s", dump(rec));
	ck_assert_msg(h_int(rec, "pid") > 0 && h_int(rec, "tid") > 0, "pid/tid not > 0: %s",
	              dump(rec));
	h_str(rec, "comm");
	h_str(rec, "exe");
	ck_assert_msg(!strncmp(h_str(rec, "arch"), "SCMP_ARCH_", 10), "arch: %s", dump(rec));
	ck_assert_msg(*h_str(rec, "syscall"), "empty syscall: %s", dump(rec));
	ck_assert_msg(h_int(rec, "nr") >= 0, "nr < 0: %s", dump(rec));
	args = json_object_get(rec, "args");
	ck_assert_msg(json_is_array(args) && json_array_size(args) == 6,
	              "args is not an array of 6: %s", dump(rec));
	for (i = 0; i < 6; i++)
		parse_hex_arg(rec, json_array_get(args, i));
	action = h_str(rec, "action");
	ck_assert_msg(one_of(action, actions), "unknown action: %s", dump(rec));
	if (!strcmp(action, "deny"))
		check_errno_object(rec, "errno");
	else
		ck_assert_msg(!json_object_get(rec, "errno"), "errno on a non-deny: %s", dump(rec));
	check_rule_object(rec);
	mode = h_str(rec, "mode");
	ck_assert_msg(one_of(mode, modes), "unknown mode: %s", dump(rec));
	would = json_object_get(rec, "would");
	if (would) {
		ck_assert_msg(!strcmp(mode, "audit"), "would in enforce mode: %s", dump(rec));
		ck_assert_msg(json_is_string(would) && one_of(json_string_value(would), woulds),
		              "unknown would: %s", dump(rec));
		if (!strcmp(json_string_value(would), "deny"))
			check_errno_object(rec, "would_errno");
	}
	ck_assert_msg(!json_object_get(rec, "would_errno") ||
	                      (would && !strcmp(json_string_value(would), "deny")),
	              "would_errno without would deny: %s", dump(rec));
	ck_assert_msg(*h_str(rec, "policy"), "empty policy: %s", dump(rec));
}

void h_check_seq(const struct h_records *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++) {
		/* Same fixed-width format: string order is time order. */
		ck_assert_msg(
		        i == 0 || strcmp(h_str(rs->rec[i], "ts"), h_str(rs->rec[i - 1], "ts")) >= 0,
		        "record %zu was decided before record %zu: %s", i + 1, i, dump(rs->rec[i]));
		ck_assert_msg(h_int(rs->rec[i], "seq") == (long long)i + 1,
		              "record %zu has seq %lld (gap or reorder): %s", i + 1,
		              h_int(rs->rec[i], "seq"), dump(rs->rec[i]));
		ck_assert_msg(!strcmp(h_str(rs->rec[i], "run"), h_str(rs->rec[0], "run")),
		              "record %zu has another run id: %s", i + 1, dump(rs->rec[i]));
	}
}

static bool record_matches(json_t *rec, const struct h_match *m)
{
	if (m->syscall && strcmp(h_str(rec, "syscall"), m->syscall))
		return false;
	if (m->action && strcmp(h_str(rec, "action"), m->action))
		return false;
	if (m->pid && h_int(rec, "pid") != m->pid)
		return false;
	if (m->tid && h_int(rec, "tid") != m->tid)
		return false;
	if (m->arg_index >= 0 && h_arg(rec, m->arg_index) != m->arg_value)
		return false;
	return true;
}

size_t h_count(const struct h_records *rs, const struct h_match *m)
{
	size_t i, n = 0;

	for (i = 0; i < rs->n; i++)
		n += record_matches(rs->rec[i], m);
	return n;
}

json_t *h_find(const struct h_records *rs, const struct h_match *m)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (record_matches(rs->rec[i], m))
			return rs->rec[i];
	return NULL;
}

size_t h_count_syscall(const struct h_records *rs, const char *syscall, const char *action)
{
	struct h_match m = H_ANY;

	m.syscall = syscall;
	m.action = action;
	return h_count(rs, &m);
}

const char *h_records_dump(const struct h_records *rs)
{
	static char text[6000];
	size_t i, used = 0;

	text[0] = '\0';
	for (i = 0; i < rs->n && i < 40 && used < sizeof(text) - 1; i++) {
		json_t *r = rs->rec[i];
		int n;

		n = snprintf(text + used, sizeof(text) - used, "#%lld %s %s tid=%lld arg0=%s\n",
		             h_int(r, "seq"), h_str(r, "syscall"), h_str(r, "action"),
		             h_int(r, "tid"),
		             json_string_value(json_array_get(json_object_get(r, "args"), 0)));
		if (n < 0 || (size_t)n >= sizeof(text) - used)
			break;
		used += (size_t)n;
	}
	if (rs->n > 40 && used < sizeof(text) - 32)
		snprintf(text + used, sizeof(text) - used, "... %zu records in all\n", rs->n);
	return text;
}

void h_run_probe(struct h_result *r, const char *probe, const char *policy, const char *log,
                 bool bounced, const char *cwd, const char *const *args)
{
	const char *argv[128];
	size_t n = 0;

	if (bounced) {
		const char *pre[] = {h_bouncer(), "run", "-q", "-p", policy, "-o", log, "--"};

		for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
			argv[n++] = pre[i];
	}
	argv[n++] = probe;
	for (size_t i = 0; args[i] != NULL; i++) {
		ck_assert(n < sizeof(argv) / sizeof(argv[0]) - 1);
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	h_runv(r, cwd, (char *const *)argv);
}

void h_write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
}

int h_udp_receiver(int *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

char *h_take_datagram(int fd)
{
	char buf[256];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	if (n < 0) {
		ck_assert_int_eq(errno, EAGAIN);
		return NULL;
	}
	buf[n] = '\0';
	return strdup(buf);
}
