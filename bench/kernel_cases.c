/* SPDX-License-Identifier: MIT */
/*
 * Rows answered by the kernel alone: getppid with no filter (reference A), and getppid allowed
 * by a Docker-default-like filter. Each runs in a forked child so that the filter, once loaded,
 * stays out of the bench process.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

/* Child: load the filter (if any), measure, report "status, then ns per repetition". */
static void __attribute__((noreturn))
measure_child(int out, scmp_filter_ctx ctx, const struct bench_plan *plan)
{
	double ns[BENCH_MAX_REPS];
	int status = 0;

	if (ctx)
		status = seccomp_load(ctx);
	bench_write_all(out, &status, sizeof(status));
	if (status == 0) {
		bench_measure(plan, ns);
		bench_write_all(out, ns, sizeof(double) * (size_t)plan->reps);
	}
	_exit(status == 0 ? 0 : 1);
}

static void run_in_child(const struct bench_plan *plan, scmp_filter_ctx ctx,
                         struct bench_result *result)
{
	int fds[2], status = 0, wstatus;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		bench_fail(result, "pipe: %s", strerror(errno));
		return;
	}
	pid = fork();
	if (pid < 0) {
		bench_fail(result, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		close(fds[0]);
		measure_child(fds[1], ctx, plan);
	}
	close(fds[1]);
	if (bench_read_all(fds[0], &status, sizeof(status)) < 0)
		bench_fail(result, "the measuring child died before reporting");
	else if (status != 0)
		bench_fail(result, "seccomp_load: %s", strerror(-status));
	else if (bench_read_results(fds[0], plan, result) < 0)
		bench_fail(result, "the measuring child died before reporting its figures");
	close(fds[0]);
	waitpid(pid, &wstatus, 0);
}

void bench_run_bare(const struct bench_plan *plan, struct bench_result *result)
{
	run_in_child(plan, NULL, result);
}

void bench_run_bpf_allowed(const struct bench_plan *plan, const struct bench_allowlist *list,
                           bool arg0_zero, struct bench_result *result)
{
	char reason[BENCH_REASON_MAX];
	scmp_filter_ctx ctx =
	        bench_filter_build(list, SCMP_ACT_ALLOW, arg0_zero, reason, sizeof(reason));

	if (!ctx) {
		bench_fail(result, "%s", reason);
		return;
	}
	run_in_child(plan, ctx, result);
	seccomp_release(ctx);
}
