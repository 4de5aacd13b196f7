/* SPDX-License-Identifier: MIT */
/*
 * The bouncer rows: `bouncer run -q -o FILE -p POLICY -- bouncer-bench --worker getppid N REPS
 * WARMUP`. The worker measures itself and prints its figures on stdout (worker.c); we parse
 * them, and when bouncer fails we say why in the row instead of a figure.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define OUTPUT_MAX 8192

long bench_expected_calls(const struct bench_plan *plan)
{
	return (plan->warmup > 0 ? plan->warmup : 1) + plan->calls * plan->reps;
}

static int make_temp(char *path, size_t len, const char *stem, const char *suffix)
{
	int fd;

	snprintf(path, len, "/tmp/%s-XXXXXX%s", stem, suffix);
	fd = mkstemps(path, (int)strlen(suffix));
	return fd < 0 ? -errno : fd;
}

/* Reads the child's stdout until EOF or the deadline. Returns 0, or -ETIMEDOUT. */
static int read_output(int fd, char *buf, size_t cap, time_t deadline)
{
	size_t used = 0;

	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		time_t left = deadline - time(NULL);
		ssize_t n;

		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&pfd, 1, (int)(left > INT_MAX / 1000 ? INT_MAX : left * 1000)) <= 0)
			continue;
		n = read(fd, buf + used, cap - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
		if (used == cap - 1)
			break; /* more than any worker prints: keep what we have */
	}
	buf[used] = '\0';
	return 0;
}

/* After a timeout: SIGTERM (bouncer forwards it and drains), then SIGKILL. */
static void stop_child(pid_t pid, int *wstatus)
{
	kill(pid, SIGTERM);
	for (int i = 0; i < 30; i++) {
		if (waitpid(pid, wstatus, WNOHANG) == pid)
			return;
		usleep(100 * 1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, wstatus, 0);
}

/* The first line bouncer wrote on stderr, for the failure message. */
static void first_line(const char *path, char *buf, size_t len)
{
	FILE *file = fopen(path, "re");

	buf[0] = '\0';
	if (!file)
		return;
	if (fgets(buf, (int)len, file))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(file);
}

static void parse_output(const char *output, const struct bench_plan *plan,
                         struct bench_result *result)
{
	const char *line = output;
	char denied[64];

	result->n = 0;
	while (line && *line) {
		double ns;

		if (sscanf(line, "getppid denied %63s", denied) == 1) {
			bench_fail(result, "getppid is denied under this policy (%s)", denied);
			return;
		}
		if (sscanf(line, "ns_per_call %lf", &ns) == 1 && result->n < BENCH_MAX_REPS)
			result->ns[result->n++] = ns;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	result->calls = plan->calls;
	result->ok = result->n == plan->reps;
}

static void describe_records(const char *path, const struct bench_plan *plan,
                             const struct bench_bouncer_run *run, struct bench_result *result)
{
	long made = bench_expected_calls(plan), expected = run->expect_records ? made : 0;
	struct bench_records rec;
	char getppid[160], seq[64];
	int rc = bench_records_count(path, &rec);

	if (rc == 0 && run->records)
		*run->records = rec;

	if (rc < 0) {
		snprintf(result->note, sizeof(result->note), "could not read %.200s back: %s", path,
		         strerror(-rc));
		return;
	}
	if (run->expect_records)
		snprintf(getppid, sizeof(getppid), "%ld getppid \"log\" for %ld calls made (%s)",
		         rec.getppid_log, made, rec.getppid_log == expected ? "match" : "MISMATCH");
	else if (rec.getppid_log + rec.getppid_other == 0)
		snprintf(getppid, sizeof(getppid), "no getppid (the kernel answered all %ld calls)",
		         made);
	else
		snprintf(
		        getppid, sizeof(getppid),
		        "%ld getppid: this policy routes it to the supervisor, not a kernel figure",
		        rec.getppid_log + rec.getppid_other);
	if (rec.total == 0)
		snprintf(seq, sizeof(seq), "no records");
	else
		snprintf(seq, sizeof(seq), "seq 1..%ld %s", rec.total,
		         rec.seq_contiguous ? "contiguous" : "NOT contiguous");
	snprintf(result->note, sizeof(result->note),
	         "records of a run: %s%s, %ld other%s%s%s, %s%s", getppid,
	         rec.getppid_other && run->expect_records ? ", getppid with another action!" : "",
	         rec.other, rec.other ? " (" : "", rec.other_names, rec.other ? ")" : "", seq,
	         rec.unparsable ? ", unparsable lines!" : "");
}

void bench_run_bouncer(const struct bench_plan *plan, const struct bench_bouncer_run *run,
                       struct bench_result *result)
{
	char self[PATH_MAX], decisions[PATH_MAX], errpath[PATH_MAX], output[OUTPUT_MAX];
	char calls[32], reps[16], warmup[32], errline[BENCH_REASON_MAX / 2];
	int out[2] = {-1, -1}, errfd, fd, wstatus = 0, rc;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	time_t deadline;
	pid_t pid;

	if (n < 0) {
		bench_fail(result, "readlink /proc/self/exe: %s", strerror(errno));
		return;
	}
	self[n] = '\0';
	if (access(run->bouncer, X_OK) < 0) {
		bench_fail(result, "bouncer run failed: %s: %s", run->bouncer, strerror(errno));
		return;
	}
	if (run->decisions) {
		snprintf(decisions, sizeof(decisions), "%s", run->decisions);
	} else {
		fd = make_temp(decisions, sizeof(decisions), "bouncer-bench", ".jsonl");
		if (fd < 0) {
			bench_fail(result, "mkstemps: %s", strerror(-fd));
			return;
		}
		close(fd);
	}
	errfd = make_temp(errpath, sizeof(errpath), "bouncer-bench-stderr", "");
	if (errfd < 0 || pipe2(out, O_CLOEXEC) < 0) {
		bench_fail(result, "temporary file/pipe: %s", strerror(errno));
		goto out;
	}
	snprintf(calls, sizeof(calls), "%ld", plan->calls);
	snprintf(reps, sizeof(reps), "%d", plan->reps);
	snprintf(warmup, sizeof(warmup), "%ld", plan->warmup);

	pid = fork();
	if (pid < 0) {
		bench_fail(result, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		char *argv[] = {(char *)run->bouncer,
		                "run",
		                "-q",
		                "-o",
		                decisions,
		                "-p",
		                (char *)run->policy,
		                "--",
		                self,
		                "--worker",
		                (char *)(run->worker_op != NULL ? run->worker_op : "getppid"),
		                calls,
		                reps,
		                warmup,
		                NULL};

		dup2(out[1], STDOUT_FILENO);
		dup2(errfd, STDERR_FILENO);
		if (run->pin_cpu > 0) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(run->pin_cpu - 1, &set);
			if (sched_setaffinity(0, sizeof(set), &set) < 0) {
				dprintf(STDERR_FILENO, "sched_setaffinity: %s\n", strerror(errno));
				_exit(127);
			}
		}
		execv(run->bouncer, argv);
		dprintf(STDERR_FILENO, "exec %s: %s\n", run->bouncer, strerror(errno));
		_exit(127);
	}
	close(out[1]);
	out[1] = -1;

	/* A millisecond per call is twenty times the slowest round trip seen here. */
	deadline = time(NULL) + 20 + bench_expected_calls(plan) / 1000;
	rc = read_output(out[0], output, sizeof(output), deadline);
	if (rc == -ETIMEDOUT)
		stop_child(pid, &wstatus);
	else
		waitpid(pid, &wstatus, 0);

	first_line(errpath, errline, sizeof(errline));
	if (rc == -ETIMEDOUT) {
		bench_fail(result, "bouncer run failed: no result after %ld s (stopped)%s%s",
		           (long)(20 + bench_expected_calls(plan) / 1000), errline[0] ? ": " : "",
		           errline);
		goto out;
	}
	parse_output(output, plan, result);
	if (result->reason[0])
		goto out; /* the worker said why */
	if (WIFSIGNALED(wstatus))
		bench_fail(result, "bouncer run failed: killed by signal %d%s%s", WTERMSIG(wstatus),
		           errline[0] ? ": " : "", errline);
	else if (WEXITSTATUS(wstatus) != 0 || !result->ok)
		bench_fail(result, "bouncer run failed: exit status %d, %d of %d figures%s%s",
		           WEXITSTATUS(wstatus), result->n, plan->reps, errline[0] ? ": " : "",
		           errline);
	else if (!run->decisions)
		describe_records(decisions, plan, run, result);
out:
	if (out[0] >= 0)
		close(out[0]);
	if (out[1] >= 0)
		close(out[1]);
	if (errfd >= 0) {
		close(errfd);
		unlink(errpath);
	}
	if (!run->decisions)
		unlink(decisions);
}
