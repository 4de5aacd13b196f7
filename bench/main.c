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
#include <sched.h>
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
 * getppid under bouncer's own default policy is measured only if the kernel answers it there.
 * A short probe finds out: if the policy routes getppid to the supervisor, the kernel-sized
 * runs would take tens of seconds and measure what the supervisor rows already show.
 * Returns true when the row can run; otherwise result says why.
 */
static bool probe_bouncer_kernel(const char *bouncer, struct bench_result *result)
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
		return false;
	routed = records.getppid_log + records.getppid_other;
	if (routed > 0) {
		bench_fail(result,
		           "not measured: policies/default.json routes getppid to the supervisor "
		           "(%ld getppid records for %ld calls)",
		           routed, bench_expected_calls(&probe));
		return false;
	}
	memset(result, 0, sizeof(*result));
	return true;
}

/* The rows, in the order they run and print. */
enum {
	ROW_BARE,
	ROW_BPF,
	ROW_BPF_UNCACHED,
	ROW_BOUNCER_KERNEL,
	ROW_REF,
	ROW_REF_EPOLL,
	ROW_REF_NO_SYNC,
	ROW_BOUNCER_NULL,
	ROW_BOUNCER_FILE,
	ROW_BOUNCER_OPENAT,
	ROW_BOUNCER_NULL_PINNED,
	ROW_BOUNCER_OPENAT_PINNED,
	N_ROWS,
};

static const char *const row_names[N_ROWS] = {
        [ROW_BARE] = "bare (A)",
        [ROW_BPF] = "bpf-allowed",
        [ROW_BPF_UNCACHED] = "bpf-allowed, uncached (arg0 == 0)",
        [ROW_BOUNCER_KERNEL] = "bouncer default.json, kernel",
        [ROW_REF] = "reference supervisor (B)",
        [ROW_REF_EPOLL] = "reference + epoll",
        [ROW_REF_NO_SYNC] = "reference, no sync wake-up",
        [ROW_BOUNCER_NULL] = "bouncer log, -o /dev/null",
        [ROW_BOUNCER_FILE] = "bouncer log, -o /tmp file",
        [ROW_BOUNCER_OPENAT] = "bouncer openat, path clause, emulated (C = log /dev/null)",
        [ROW_BOUNCER_NULL_PINNED] = "bouncer log, -o /dev/null, one CPU (D)",
        [ROW_BOUNCER_OPENAT_PINNED] = "bouncer openat, emulated, one CPU",
};

/* What every row needs; each plan has reps = 1 (one repetition per round). */
struct bench_session {
	const struct bench_options *opt;
	const struct bench_allowlist *list;
	const char *policy;
	const char *open_policy; /* openat decided by a path clause (BENCH_OPEN_PATH) */
	struct bench_plan kernel, supervised, slow;
	int pin_cpu; /* 1 + the CPU of the "one CPU" rows */
};

/* One repetition of one row, in a fresh process. */
static void run_row(const struct bench_session *s, int row, struct bench_result *one)
{
	struct bench_bouncer_run run = {.bouncer = s->opt->bouncer, .expect_records = true};

	switch (row) {
	case ROW_BARE:
		bench_run_bare(&s->kernel, one);
		break;
	case ROW_BPF:
		bench_run_bpf_allowed(&s->kernel, s->list, false, one);
		break;
	case ROW_BPF_UNCACHED:
		bench_run_bpf_allowed(&s->kernel, s->list, true, one);
		break;
	case ROW_BOUNCER_KERNEL:
		run.policy = BENCH_DEFAULT_POLICY;
		run.expect_records = false;
		bench_run_bouncer(&s->kernel, &run, one);
		break;
	case ROW_REF:
		bench_run_reference(&s->supervised, s->list, BENCH_REF_BLOCKING, true, one);
		break;
	case ROW_REF_EPOLL:
		bench_run_reference(&s->supervised, s->list, BENCH_REF_EPOLL, true, one);
		break;
	case ROW_REF_NO_SYNC:
		bench_run_reference(&s->slow, s->list, BENCH_REF_BLOCKING, false, one);
		break;
	case ROW_BOUNCER_NULL:
		run.policy = s->policy;
		run.decisions = "/dev/null";
		bench_run_bouncer(&s->supervised, &run, one);
		break;
	case ROW_BOUNCER_FILE:
		run.policy = s->policy;
		bench_run_bouncer(&s->supervised, &run, one);
		break;
	case ROW_BOUNCER_OPENAT:
	case ROW_BOUNCER_OPENAT_PINNED:
		/* Each call is a path resolution and an emulated open: fewer calls. */
		run.policy = s->open_policy;
		run.decisions = "/dev/null";
		run.worker_op = "openat";
		run.pin_cpu = row == ROW_BOUNCER_OPENAT_PINNED ? s->pin_cpu : 0;
		bench_run_bouncer(&s->slow, &run, one);
		break;
	case ROW_BOUNCER_NULL_PINNED:
		run.policy = s->policy;
		run.decisions = "/dev/null";
		run.pin_cpu = s->pin_cpu;
		bench_run_bouncer(&s->supervised, &run, one);
		break;
	}
}

/*
 * Adds one repetition to a row. A row that failed once stays failed with its first reason. The
 * note kept is the first warning (a record mismatch), else the latest.
 */
static void merge_repetition(struct bench_result *row, const struct bench_result *one)
{
	if (row->reason[0])
		return;
	if (!one->ok) {
		*row = *one;
		row->n = 0;
		return;
	}
	row->ns[row->n++] = one->ns[0];
	row->calls = one->calls;
	row->ok = true;
	if (!row->warning) {
		snprintf(row->note, sizeof(row->note), "%s", one->note);
		row->warning = one->warning;
	}
}

int main(int argc, char **argv)
{
	static struct bench_result results[N_ROWS];
	struct bench_options opt;
	struct bench_allowlist list;
	struct bench_session session = {.opt = &opt, .list = &list};
	struct bench_row rows[N_ROWS];
	char reason[BENCH_REASON_MAX], policy[PATH_MAX], open_policy[PATH_MAX];
	struct utsname uts;
	long per_rep;
	int reps;

	if (argc > 1 && strcmp(argv[1], "--worker") == 0)
		return bench_worker_main(argc - 2, argv + 2);
	if (parse_options(argc, argv, &opt) < 0)
		return 2;

	reps = opt.quick ? 3 : 5;
	per_rep = opt.iterations / reps;
	session.supervised =
	        (struct bench_plan){.calls = per_rep, .reps = 1, .warmup = opt.iterations / 100};
	session.kernel = (struct bench_plan){.calls = per_rep * 10, .reps = 1, .warmup = per_rep};
	/* Without the synchronous wake-up a round trip can be ten times slower: fewer calls. */
	session.slow = (struct bench_plan){
	        .calls = per_rep / 10, .reps = 1, .warmup = session.supervised.warmup / 10};

	/* The last CPU this process may use: the "one CPU" rows pin everything there. */
	{
		cpu_set_t set;

		if (sched_getaffinity(0, sizeof(set), &set) == 0)
			for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
				if (CPU_ISSET(cpu, &set))
					session.pin_cpu = cpu + 1;
	}

	snprintf(policy, sizeof(policy), "%s/log-getppid.json", BENCH_POLICY_DIR);
	session.policy = policy;
	if (bench_allowlist_load(policy, &list, reason, sizeof(reason)) < 0) {
		fprintf(stderr, "bouncer-bench: %s\n", reason);
		return 1;
	}

	uname(&uts);
	printf("bouncer-bench: getppid, %s %s, %ld online CPUs, %d rounds\n", uts.sysname,
	       uts.release, sysconf(_SC_NPROCESSORS_ONLN), reps);
	printf("  bouncer: %s\n  policy:  %s (%zu syscalls allowed in BPF)\n\n", opt.bouncer,
	       policy, list.n);
	fflush(stdout);

	snprintf(open_policy, sizeof(open_policy), "%s/openat-path.json", BENCH_POLICY_DIR);
	session.open_policy = open_policy;
	{
		/* The file the openat row opens (its policy allows exactly this path). */
		FILE *f = fopen(BENCH_OPEN_PATH, "we");

		if (f != NULL) {
			fputs("bench\n", f);
			fclose(f);
		}
	}

	progress("probing policies/default.json");
	probe_bouncer_kernel(opt.bouncer, &results[ROW_BOUNCER_KERNEL]);

	/*
	 * Rounds: every row once per round, each in a fresh process. On a shared machine the load
	 * changes over a run; interleaving makes every row see the same mix, so ratios of medians
	 * stay meaningful.
	 */
	for (int r = 0; r < reps; r++) {
		fprintf(stderr, "bouncer-bench: round %d of %d...\n", r + 1, reps);
		for (int row = 0; row < N_ROWS; row++) {
			struct bench_result one = {0};

			if (results[row].reason[0])
				continue;
			run_row(&session, row, &one);
			merge_repetition(&results[row], &one);
		}
	}

	unlink(BENCH_OPEN_PATH);

	note_epoll_ratio(&results[ROW_BOUNCER_NULL], &results[ROW_REF_EPOLL]);
	note_epoll_ratio(&results[ROW_BOUNCER_FILE], &results[ROW_REF_EPOLL]);

	for (int row = 0; row < N_ROWS; row++)
		rows[row] = (struct bench_row){row_names[row], &results[row], NULL, NULL, 0};
	rows[ROW_BPF].reference = rows[ROW_BOUNCER_KERNEL].reference = &results[ROW_BARE];
	rows[ROW_BPF].reference_name = rows[ROW_BOUNCER_KERNEL].reference_name = "A";
	rows[ROW_BPF].goal = rows[ROW_BOUNCER_KERNEL].goal = 1.4;
	rows[ROW_BPF_UNCACHED].reference = &results[ROW_BARE];
	rows[ROW_BPF_UNCACHED].reference_name = "A";
	for (int row = ROW_REF_EPOLL; row <= ROW_BOUNCER_FILE; row++) {
		rows[row].reference = &results[ROW_REF];
		rows[row].reference_name = "B";
	}
	rows[ROW_BOUNCER_NULL].goal = rows[ROW_BOUNCER_FILE].goal = 1.2;
	rows[ROW_BOUNCER_OPENAT].reference = &results[ROW_BOUNCER_NULL];
	rows[ROW_BOUNCER_OPENAT].reference_name = "C";
	rows[ROW_BOUNCER_OPENAT].goal = 2.0;
	rows[ROW_BOUNCER_OPENAT_PINNED].reference = &results[ROW_BOUNCER_NULL_PINNED];
	rows[ROW_BOUNCER_OPENAT_PINNED].reference_name = "D";
	rows[ROW_BOUNCER_OPENAT_PINNED].goal = 2.0;

	printf("\n");
	bench_print_table(rows, N_ROWS);
	bench_allowlist_free(&list);
	return results[ROW_BARE].ok && results[ROW_REF].ok ? 0 : 1;
}
