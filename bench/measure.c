/* SPDX-License-Identifier: MIT */
/* The measured loop and the small I/O helpers the children use to report. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

/*
 * getppid is never cached by libc and does almost nothing in the kernel, so what we time is the
 * syscall path itself. The explicit zero arguments keep the argument registers distinct from
 * BENCH_STOP_MAGIC.
 */
long bench_getppid(void)
{
	return syscall(SYS_getppid, 0L, 0L, 0L, 0L, 0L, 0L);
}

/*
 * The openat row: open and close the file a path clause allows (bench/policies/openat-path.json).
 * close stays in the kernel; the open is decided on its path and emulated by bouncer.
 */
long bench_openat(void)
{
	int fd = (int)syscall(SYS_openat, AT_FDCWD, BENCH_OPEN_PATH, O_RDONLY | O_CLOEXEC, 0);

	if (fd >= 0)
		close(fd);
	return fd;
}

long (*bench_call)(void) = bench_getppid;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void bench_measure(const struct bench_plan *plan, double *ns_out)
{
	for (long i = 0; i < plan->warmup; i++)
		bench_call();

	for (int r = 0; r < plan->reps; r++) {
		uint64_t start = now_ns();

		for (long i = 0; i < plan->calls; i++)
			bench_call();
		ns_out[r] = (double)(now_ns() - start) / (double)plan->calls;
	}
}

int bench_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int bench_read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int bench_read_results(int fd, const struct bench_plan *plan, struct bench_result *result)
{
	if (bench_read_all(fd, result->ns, sizeof(double) * (size_t)plan->reps) < 0)
		return -1;
	result->n = plan->reps;
	result->calls = plan->calls;
	result->ok = true;
	return 0;
}
