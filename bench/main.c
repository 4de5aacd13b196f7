/* SPDX-License-Identifier: MIT */
/*
 * bouncer-bench [--bouncer PATH] [--iterations N] [--quick]
 *
 * Runs every row once, in order, and prints the table (see bench/README.md for what each row
 * means). Ratios compare medians measured in this same run, never figures from elsewhere.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bench.h"
#include "bench_config.h"

struct bench_options {
	char bouncer[PATH_MAX];
	long iterations; /* supervised calls per row, over all repetitions */
	bool quick;
};

static void usage(FILE *to)
{
	fprintf(to,
	        "usage: bouncer-bench [--bouncer PATH] [--iterations N] [--quick]\n"
	        "  --bouncer PATH    the bouncer binary (default: the build's, %s)\n"
	        "  --iterations N    supervised calls per row, over all repetitions (default "
	        "200000;\n"
	        "                    rows answered by the kernel make 10 x N)\n"
	        "  --quick           a fast smoke run (N = 20000, 3 repetitions)\n"
	        "  --worker getppid N [REPS [WARMUP]]   (internal) the workload bouncer runs\n",
	        BENCH_BOUNCER_PATH);
}

/* The build's bouncer; if this binary was moved with its build tree, the one next to it. */
static void default_bouncer(char *path, size_t len)
{
	char self[PATH_MAX];
	ssize_t n;

	snprintf(path, len, "%s", BENCH_BOUNCER_PATH);
	if (access(path, X_OK) == 0)
		return;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return;
	self[n] = '\0';
	snprintf(path, len, "%s/../supervisor/bouncer", dirname(self));
	if (access(path, X_OK) < 0)
		snprintf(path, len, "%s", BENCH_BOUNCER_PATH);
}

static int parse_options(int argc, char **argv, struct bench_options *opt)
{
	static const struct option longopts[] = {
	        {"bouncer", required_argument, NULL, 'b'},
	        {"iterations", required_argument, NULL, 'n'},
	        {"quick", no_argument, NULL, 'q'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	int c;

	default_bouncer(opt->bouncer, sizeof(opt->bouncer));
	opt->iterations = 0;
	opt->quick = false;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'b':
			snprintf(opt->bouncer, sizeof(opt->bouncer), "%s", optarg);
			break;
		case 'n':
			opt->iterations = strtol(optarg, &end, 10);
			if (*end || opt->iterations < 100 || opt->iterations > 100000000L) {
				fprintf(stderr, "bouncer-bench: --iterations: 100..100000000\n");
				return -1;
			}
			break;
		case 'q':
			opt->quick = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -1;
	}
	if (opt->iterations == 0)
		opt->iterations = opt->quick ? 20000 : 200000;
	return 0;
}

static void progress(const char *what)
{
	fprintf(stderr, "bouncer-bench: %s...\n", what);
}

/*
 * bouncer waits in an event loop, so the epoll reference is its closest like-for-like floor;
 * the goal stays against B, the cheapest supervisor possible.
 */
static void note_epoll_ratio(struct bench_result *row, const struct bench_result *epoll_ref)
{
	size_t used = strlen(row->note);

	if (!row->ok || !epoll_ref->ok)
		return;
	snprintf(row->note + used, sizeof(row->note) - used, "%sratio to reference + epoll %.2f",
	         used ? "; " : "", bench_median(row) / bench_median(epoll_ref));
}

/*
 * getppid under bouncer's own default policy, if the kernel answers it there. A short probe
 * first: if the policy routes getppid to the supervisor, the kernel-sized run would take tens
 * of seconds and measure something the supervisor rows already show.
 */
static void run_bouncer_kernel(const struct bench_plan *plan, const char *bouncer,
                               struct bench_result *result)
{
	struct bench_plan probe = {.calls = 1000, .reps = 1, .warmup = 0};
	struct bench_records records = {0};
	struct bench_bouncer_run run = {.bouncer = bouncer,
	                                .policy = BENCH_DEFAULT_POLICY,
	                                .expect_records = false,
	                                .records = &records};
	long routed;

	bench_run_bouncer(&probe, &run, result);
	if (!result->ok)
		return;
	routed = records.getppid_log + records.getppid_other;
	if (routed > 0) {
		bench_fail(result,
		           "not measured: policies/default.json routes getppid to the supervisor "
		           "(%ld getppid records for %ld calls)",
		           routed, bench_expected_calls(&probe));
		return;
	}
	memset(result, 0, sizeof(*result));
	bench_run_bouncer(plan, &run, result);
}

/* The rows, in the order they run and print. */
enum {
	ROW_BARE,
	ROW_BPF,
	ROW_BOUNCER_KERNEL,
	ROW_REF,
	ROW_REF_EPOLL,
	ROW_REF_NO_SYNC,
	ROW_BOUNCER_NULL,
	ROW_BOUNCER_FILE,
	ROW_BOUNCER_OPENAT,
	N_ROWS,
};

int main(int argc, char **argv)
{
	static struct bench_result results[N_ROWS];
	struct bench_options opt;
	struct bench_allowlist list;
	struct bench_plan kernel, supervised, slow;
	char reason[BENCH_REASON_MAX], policy[PATH_MAX];
	struct utsname uts;
	int reps;

	if (argc > 1 && strcmp(argv[1], "--worker") == 0)
		return bench_worker_main(argc - 2, argv + 2);
	if (parse_options(argc, argv, &opt) < 0)
		return 2;

	reps = opt.quick ? 3 : 5;
	supervised = (struct bench_plan){
	        .calls = opt.iterations / reps, .reps = reps, .warmup = opt.iterations / 100};
	kernel = (struct bench_plan){
	        .calls = supervised.calls * 10, .reps = reps, .warmup = supervised.calls};
	/* Without the synchronous wake-up a round trip is several times slower: fewer calls. */
	slow = (struct bench_plan){
	        .calls = supervised.calls / 10, .reps = reps, .warmup = supervised.warmup / 10};

	snprintf(policy, sizeof(policy), "%s/log-getppid.json", BENCH_POLICY_DIR);
	if (bench_allowlist_load(policy, &list, reason, sizeof(reason)) < 0) {
		fprintf(stderr, "bouncer-bench: %s\n", reason);
		return 1;
	}

	uname(&uts);
	printf("bouncer-bench: getppid, %s %s, %ld online CPUs\n", uts.sysname, uts.release,
	       sysconf(_SC_NPROCESSORS_ONLN));
	printf("  bouncer: %s\n  policy:  %s (%zu syscalls allowed in BPF)\n\n", opt.bouncer,
	       policy, list.n);
	fflush(stdout);

	progress("bare");
	bench_run_bare(&kernel, &results[ROW_BARE]);
	progress("bpf-allowed");
	bench_run_bpf_allowed(&kernel, &list, &results[ROW_BPF]);
	progress("bouncer run, policies/default.json");
	run_bouncer_kernel(&kernel, opt.bouncer, &results[ROW_BOUNCER_KERNEL]);
	progress("reference supervisor");
	bench_run_reference(&supervised, &list, BENCH_REF_BLOCKING, true, &results[ROW_REF]);
	progress("reference supervisor, epoll");
	bench_run_reference(&supervised, &list, BENCH_REF_EPOLL, true, &results[ROW_REF_EPOLL]);
	progress("reference supervisor, no sync wake-up");
	bench_run_reference(&slow, &list, BENCH_REF_BLOCKING, false, &results[ROW_REF_NO_SYNC]);
	progress("bouncer run -o /dev/null");
	bench_run_bouncer(&supervised,
	                  &(struct bench_bouncer_run){.bouncer = opt.bouncer,
	                                              .policy = policy,
	                                              .decisions = "/dev/null",
	                                              .expect_records = true},
	                  &results[ROW_BOUNCER_NULL]);
	progress("bouncer run -o /tmp/...");
	bench_run_bouncer(&supervised,
	                  &(struct bench_bouncer_run){.bouncer = opt.bouncer,
	                                              .policy = policy,
	                                              .decisions = NULL,
	                                              .expect_records = true},
	                  &results[ROW_BOUNCER_FILE]);

	progress("bouncer run, openat decided by a path clause and emulated");
	{
		char open_policy[PATH_MAX];
		FILE *f = fopen(BENCH_OPEN_PATH, "we");

		if (f != NULL) {
			fputs("bench\n", f);
			fclose(f);
		}
		snprintf(open_policy, sizeof(open_policy), "%s/openat-path.json", BENCH_POLICY_DIR);
		bench_run_bouncer(&slow,
		                  &(struct bench_bouncer_run){.bouncer = opt.bouncer,
		                                              .policy = open_policy,
		                                              .decisions = "/dev/null",
		                                              .worker_op = "openat"},
		                  &results[ROW_BOUNCER_OPENAT]);
		unlink(BENCH_OPEN_PATH);
	}

	note_epoll_ratio(&results[ROW_BOUNCER_NULL], &results[ROW_REF_EPOLL]);
	note_epoll_ratio(&results[ROW_BOUNCER_FILE], &results[ROW_REF_EPOLL]);

	const struct bench_row rows[N_ROWS] = {
	        [ROW_BARE] = {"bare (A)", &results[ROW_BARE], NULL, NULL, 0},
	        [ROW_BPF] = {"bpf-allowed", &results[ROW_BPF], &results[ROW_BARE], "A", 1.4},
	        [ROW_BOUNCER_KERNEL] = {"bouncer default.json, kernel",
	                                &results[ROW_BOUNCER_KERNEL], &results[ROW_BARE], "A", 1.4},
	        [ROW_REF] = {"reference supervisor (B)", &results[ROW_REF], NULL, NULL, 0},
	        [ROW_REF_EPOLL] = {"reference + epoll", &results[ROW_REF_EPOLL], &results[ROW_REF],
	                           "B", 0},
	        [ROW_REF_NO_SYNC] = {"reference, no sync wake-up", &results[ROW_REF_NO_SYNC],
	                             &results[ROW_REF], "B", 0},
	        [ROW_BOUNCER_NULL] = {"bouncer log, -o /dev/null", &results[ROW_BOUNCER_NULL],
	                              &results[ROW_REF], "B", 1.2},
	        [ROW_BOUNCER_FILE] = {"bouncer log, -o /tmp file", &results[ROW_BOUNCER_FILE],
	                              &results[ROW_REF], "B", 1.2},
	        [ROW_BOUNCER_OPENAT] = {"bouncer openat, path clause, emulated (C = log /dev/null)",
	                                &results[ROW_BOUNCER_OPENAT], &results[ROW_BOUNCER_NULL],
	                                "C", 2.0},
	};
	printf("\n");
	bench_print_table(rows, N_ROWS);
	bench_allowlist_free(&list);
	return results[ROW_BARE].ok && results[ROW_REF].ok ? 0 : 1;
}
