/* SPDX-License-Identifier: MIT */
/*
 * The workload of the bouncer rows: `bouncer-bench --worker getppid N [REPS [WARMUP]]`. It runs
 * under `bouncer run`, measures like every other row and prints one line per repetition,
 * "ns_per_call X", which bouncer_runner.c parses. The first line tells whether getppid works
 * at all: "getppid ok" or "getppid denied ERRNO".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static long parse_count(const char *text, long min, long max)
{
	char *end;
	long value = strtol(text, &end, 10);

	if (*text == '\0' || *end != '\0' || value < min || value > max)
		return -1;
	return value;
}

int bench_worker_main(int argc, char **argv)
{
	struct bench_plan plan = {.reps = 1, .warmup = 1000};
	double ns[BENCH_MAX_REPS];

	if (argc < 2 || argc > 4 ||
	    (strcmp(argv[0], "getppid") != 0 && strcmp(argv[0], "openat") != 0)) {
		fprintf(stderr, "usage: bouncer-bench --worker getppid|openat N [REPS [WARMUP]]\n");
		return 2;
	}
	if (strcmp(argv[0], "openat") == 0) {
		/* The open is the measured call; a failed open would measure a denial. */
		bench_call = bench_openat;
		if (bench_openat() < 0) {
			printf("getppid denied %s\n", strerrorname_np(errno) ?: "?");
			return 3;
		}
	}
	plan.calls = parse_count(argv[1], 1, 1000000000L);
	if (argc > 2)
		plan.reps = (int)parse_count(argv[2], 1, BENCH_MAX_REPS);
	if (argc > 3)
		plan.warmup = parse_count(argv[3], 0, 1000000000L);
	if (plan.calls < 0 || plan.reps < 0 || plan.warmup < 0) {
		fprintf(stderr, "bouncer-bench --worker: bad count\n");
		return 2;
	}
	/*
	 * This probe is one of the warm-up calls, so the workload makes max(WARMUP, 1) + REPS * N
	 * getppid calls in all (bench_expected_calls()).
	 */
	if (bench_call() < 0) {
		printf("getppid denied %s\n", strerrorname_np(errno) ?: "?");
		return 3;
	}
	if (plan.warmup > 0)
		plan.warmup--;
	printf("getppid ok\n");
	bench_measure(&plan, ns);
	for (int r = 0; r < plan.reps; r++)
		printf("ns_per_call %.3f\n", ns[r]);
	return fflush(stdout) == 0 ? 0 : 1;
}
