/* SPDX-License-Identifier: MIT */
/*
 * bouncer-bench: the cost of one syscall on its way through the kernel filter, through a
 * minimal reference supervisor and through bouncer. Not a test: it prints figures and ratios
 * measured in the same run and asserts nothing about time.
 *
 * Every measurement is taken by the process that makes the syscalls (a child, or the workload
 * under bouncer): it calls getppid N times in a row between two clock_gettime(CLOCK_MONOTONIC)
 * reads, REPS times, after a warm-up, and reports nanoseconds per call for each repetition.
 */
#ifndef BOUNCER_BENCH_H
#define BOUNCER_BENCH_H

#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BENCH_MAX_REPS   32
#define BENCH_REASON_MAX 512

/*
 * Arguments of the "stop" call that ends a reference supervisor's loop: the child makes one
 * getppid call with these in its first two argument registers after it has reported.
 * Measured calls pass zeros, so the two never mix.
 */
#define BENCH_STOP_MAGIC 0x0b0b5e7ULL

/* How many calls, how often, after how much warm-up. */
struct bench_plan {
	long calls; /* per repetition */
	int reps;
	long warmup;
};

/* The outcome of one row. When ok is false, reason says why and the figures are absent. */
struct bench_result {
	bool ok;
	char reason[BENCH_REASON_MAX];
	double ns[BENCH_MAX_REPS]; /* ns per call of each repetition */
	int n;
	long calls;                  /* per repetition */
	char note[BENCH_REASON_MAX]; /* printed under the table when not empty */
	bool warning;                /* the note reports something wrong (a record mismatch) */
};

/* measure.c: the measured loop, shared by every child and by the worker under bouncer. */
void bench_measure(const struct bench_plan *plan, double *ns_out);
long bench_getppid(void);
/* The file the openat row opens (allowed by a path clause in bench/policies/openat-path.json). */
#define BENCH_OPEN_PATH "/tmp/bouncer-bench-openat.txt"
long bench_openat(void);
/* What bench_measure() calls: bench_getppid unless the worker was asked for openat. */
extern long (*bench_call)(void);
int bench_write_all(int fd, const void *buf, size_t len);
int bench_read_all(int fd, void *buf, size_t len);
/* Reads plan->reps doubles from fd into result, closes nothing. */
int bench_read_results(int fd, const struct bench_plan *plan, struct bench_result *result);

/* allowlist.c: the Docker-default-like allow list, read from bench/policies/log-getppid.json. */
struct bench_allowlist {
	char **names;
	size_t n;
};
int bench_allowlist_load(const char *policy_path, struct bench_allowlist *list, char *reason,
                         size_t reason_len);
void bench_allowlist_free(struct bench_allowlist *list);
/*
 * Builds the libseccomp filter: the list allowed, default ERRNO(EPERM), binary-tree
 * optimisation, and getppid with getppid_action; with arg0_zero only when its first argument
 * is 0 (the measured calls pass 0), which keeps the kernel from caching the answer.
 * Returns NULL and fills reason on failure.
 */
scmp_filter_ctx bench_filter_build(const struct bench_allowlist *list, uint32_t getppid_action,
                                   bool arg0_zero, char *reason, size_t reason_len);

/* kernel_cases.c: no filter at all, and getppid allowed by the kernel filter. */
void bench_run_bare(const struct bench_plan *plan, struct bench_result *result);
void bench_run_bpf_allowed(const struct bench_plan *plan, const struct bench_allowlist *list,
                           bool arg0_zero, struct bench_result *result);

/* ref_supervisor.c: the minimal supervisor (reference B) and its variants. */
enum bench_ref_wait {
	BENCH_REF_BLOCKING, /* ioctl RECV blocks */
	BENCH_REF_EPOLL,    /* epoll_wait before every RECV, as an event loop does */
};
void bench_run_reference(const struct bench_plan *plan, const struct bench_allowlist *list,
                         enum bench_ref_wait wait, bool sync_wake_up, struct bench_result *result);

/* What the decisions file held, when it was read back. */
struct bench_records {
	long total;
	long getppid_log;      /* records of getppid with action "log" */
	long getppid_other;    /* records of getppid with any other action */
	long other;            /* records of other syscalls */
	char other_names[128]; /* "execve x1, ..." (first few) */
	bool seq_contiguous;   /* seq is 1..total and run is the same on every record */
	bool unparsable;       /* a line was not a JSON object */
};

/* bouncer_runner.c: the worker under `bouncer run`. */
struct bench_bouncer_run {
	const char *bouncer;   /* path of the bouncer binary */
	const char *policy;    /* -p */
	const char *decisions; /* -o FILE, or NULL: a temporary file, read back and removed */
	bool expect_records;   /* getppid is routed: one record per call is expected */
	struct bench_records *records; /* if not NULL, receives the counts (decisions == NULL) */
	const char *worker_op;         /* the worker's call: NULL is "getppid", or "openat" */
	/*
	 * 1 + the CPU bouncer and its workload are pinned to (0: not pinned). Pinned, no call
	 * waits for another CPU to wake up, so the row shows the work done rather than the
	 * machine's cross-CPU wake-up latency (large on VMs without halt polling).
	 */
	int pin_cpu;
};

/* records.c: reads a decisions file (JSON Lines) back. Returns 0 or -errno. */
int bench_records_count(const char *path, struct bench_records *out);

/* Calls a worker makes in all: the warm-up (at least the probe) and the measured ones. */
long bench_expected_calls(const struct bench_plan *plan);
void bench_run_bouncer(const struct bench_plan *plan, const struct bench_bouncer_run *run,
                       struct bench_result *result);

/* worker.c: `bouncer-bench --worker getppid N [REPS [WARMUP]]`, the program bouncer runs. */
int bench_worker_main(int argc, char **argv);

/* report.c: statistics and the table. */
double bench_median(const struct bench_result *result);
double bench_min(const struct bench_result *result);
struct bench_row {
	const char *name;
	const struct bench_result *result;
	const struct bench_result *reference; /* ratio against its median; NULL: none */
	const char *reference_name;
	double goal; /* ratio goal, 0 for none */
};
void bench_print_table(const struct bench_row *rows, size_t n_rows);

void bench_fail(struct bench_result *result, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

#endif
