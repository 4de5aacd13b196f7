/* SPDX-License-Identifier: MIT */
/*
 * profile-bench: how fast `bouncer profile generate` digests decision logs.
 *
 *   profile-bench [-n RECORDS] [--file PATH] [--jansson]
 *
 * Builds a pool of 4096 synthetic records (bouncer.decision/1, varied syscalls, arches, selector
 * values and outcomes), then streams RECORDS of them (default 10 million) to `generate`, through
 * a pipe from a child process, or through PATH when --file is given (written first, not timed).
 * Prints records/s. --jansson times json_loadb() on the same records instead, for comparison
 * with the hand-written scanner (prof_scan.c).
 *
 * Measured on the project VM (2 vCPUs shared with other builds, so figures move between runs;
 * load average 1.3-1.6 during these), 10 million records, 4.0 GB:
 *   build/bench/profile-bench --file /tmp/bench.log   2.73 M records/s
 *   build/profile/bouncer-profile generate -o /dev/null /tmp/bench.log
 *                                                      3.1 M records/s (3.22 s; no writer)
 *   build/bench/profile-bench                          1.77 M records/s (pipe: the writer child
 *                                                      takes one of the two CPUs)
 *   build/bench/profile-bench -n 300000 --jansson      0.07 M records/s (json_loadb alone)
 * CPU time: ~0.6 µs per record (user+sys over both threads); 31 MB peak RSS whatever the
 * number of records.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "profile.h"

#define POOL 4096

static const char *const syscalls[] = {
        "read",
        "write",
        "openat",
        "close",
        "fstat",
        "mmap",
        "mprotect",
        "munmap",
        "brk",
        "rt_sigaction",
        "rt_sigprocmask",
        "ioctl",
        "pread64",
        "access",
        "pipe2",
        "socket",
        "connect",
        "clone",
        "execve",
        "exit_group",
        "fcntl",
        "getdents64",
        "newfstatat",
        "prctl",
        "futex",
        "set_tid_address",
        "set_robust_list",
        "rseq",
        "getrandom",
        "prlimit64",
        "wait4",
        "dup2",
        "getpid",
        "lseek",
        "statx",
        "readlink",
        "uname",
        "arch_prctl",
        "sendto",
        "recvfrom",
};

static size_t build_pool(char **out)
{
	size_t cap = POOL * 512, len = 0;
	char *buf = malloc(cap);
	unsigned seed = 12345;

	for (int i = 0; i < POOL; i++) {
		seed = seed * 1103515245u + 12345u;
		const char *sys = syscalls[(seed >> 8) % (sizeof(syscalls) / sizeof(syscalls[0]))];
		bool x86 = (seed >> 20) % 16 == 0;
		bool deny = (seed >> 24) % 32 == 0;
		unsigned a0 = (seed >> 4) % 3 + 1, a1 = (seed >> 12) % 4 + 0x5401;

		len += (size_t)snprintf(
		        buf + len, cap - len,
		        "{\"v\":1,\"ts\":\"2026-11-23T23:30:%02d.%09dZ\",\"run\":"
		        "\"5f0c3a9e1b2d4c67\","
		        "\"seq\":%d,\"pid\":%d,\"tid\":%d,\"comm\":\"worker\",\"exe\":\"/usr/bin/"
		        "worker%d\","
		        "\"arch\":\"%s\",\"syscall\":\"%s\",\"nr\":%d,\"args\":[\"0x%x\",\"0x%x\","
		        "\"0x7\","
		        "\"0x0\",\"0x7ffd1c2e9a40\",\"0x0\"],\"action\":\"%s\",%s\"rule\":{"
		        "\"index\":null,"
		        "\"default\":true},\"mode\":\"%s\",%s\"policy\":\"policy.json\"}\n",
		        i % 60, i * 997, i + 1, 4000 + i % 7, 4000 + i % 13, i % 5,
		        x86 ? "SCMP_ARCH_X86" : "SCMP_ARCH_X86_64", sys, i % 300, a0, a1,
		        deny ? "deny" : "allow",
		        deny ? "\"errno\":{\"name\":\"EPERM\",\"nr\":1}," : "",
		        deny ? "enforce" : "audit",
		        deny ? ""
		             : "\"would\":\"deny\",\"would_errno\":{\"name\":\"EPERM\",\"nr\":1},");
	}
	*out = buf;
	return len;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void write_records(int fd, const char *pool, size_t pool_len, unsigned long long n)
{
	for (unsigned long long done = 0; done < n; done += POOL) {
		if (n - done >= POOL) {
			if (write_all(fd, pool, pool_len) < 0)
				_exit(1);
			continue;
		}
		/* The last partial round: the first n - done lines of the pool. */
		const char *p = pool;
		for (unsigned long long i = 0; i < n - done; i++)
			p = strchr(p, '\n') + 1;
		if (write_all(fd, pool, (size_t)(p - pool)) < 0)
			_exit(1);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int bench_jansson(const char *pool, unsigned long long n)
{
	double t0 = now();
	unsigned long long done = 0;

	while (done < n) {
		for (const char *p = pool; *p && done < n; done++) {
			const char *nl = strchr(p, '\n');
			json_t *j = json_loadb(p, (size_t)(nl - p), 0, NULL);

			if (!j)
				return 1;
			json_decref(j);
			p = nl + 1;
		}
	}
	double dt = now() - t0;
	printf("json_loadb: %llu records in %.2f s: %.2f M records/s\n", n, dt, n / dt / 1e6);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"file", required_argument, NULL, 'f'},
	        {"jansson", no_argument, NULL, 'j'},
	        {0},
	};
	unsigned long long n = 10000000;
	const char *file = NULL;
	bool jansson = false;
	char *pool, input[64];
	size_t pool_len;
	pid_t child = -1;
	int c, rc;

	while ((c = getopt_long(argc, argv, "n:", longopts, NULL)) != -1) {
		if (c == 'n')
			n = strtoull(optarg, NULL, 10);
		else if (c == 'f')
			file = optarg;
		else if (c == 'j')
			jansson = true;
		else
			return 2;
	}
	pool_len = build_pool(&pool);
	if (jansson)
		return bench_jansson(pool, n);
	if (file) {
		FILE *f = fopen(file, "w");

		if (!f) {
			perror(file);
			return 1;
		}
		write_records(fileno(f), pool, pool_len, n);
		fclose(f);
		snprintf(input, sizeof(input), "%s", file);
	} else {
		int fds[2];

		if (pipe(fds) < 0) {
			perror("pipe");
			return 1;
		}
		child = fork();
		if (child == 0) {
			close(fds[0]);
			write_records(fds[1], pool, pool_len, n);
			_exit(0);
		}
		close(fds[1]);
		snprintf(input, sizeof(input), "/dev/fd/%d", fds[0]);
	}
	char *args[] = {"profile", "generate", "-o", "/dev/null", file ? (char *)file : input,
	                NULL};
	double t0 = now();
	rc = cmd_profile(5, args);
	double dt = now() - t0;
	if (child > 0)
		waitpid(child, NULL, 0);
	printf("generate: %llu records (%s) in %.2f s: %.2f M records/s\n", n,
	       file ? "file" : "pipe", dt, n / dt / 1e6);
	free(pool);
	return rc;
}
