/* SPDX-License-Identifier: MIT */
/*
 * `bouncer run`: the decision log as a whole. Exact counts (one record per decision, none
 * lost, seq without gaps), where records go (-o FILE appends, -o - is stdout), the summary,
 * every thread and process of the workload under the filter with its own pid/tid/comm, a
 * policy that sends every syscall to the supervisor, and syscalls from the i386 and x32 ABIs.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "harness.h"

START_TEST(exactly_one_record_per_call)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *probe = h_prog("sysprobe");
	struct h_result r;
	struct h_records rs;
	struct h_match m = H_ANY;
	struct stat st;
	long pid, tid;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "log-getppid.json", "-o", log,
	      "--", probe, "ids", "getppid", "1000", NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, "getppid: calls=1000 ok=1000 err=0 errno=none"),
	              "stdout:\n%s", r.out);
	pid = h_long_after(r.out, "pid: ");
	tid = h_long_after(r.out, "tid: ");
	ck_assert_int_eq(stat(log, &st), 0);
	h_read_records(log, &rs);
	h_check_seq(&rs);
	ck_assert_msg(rs.n == 1000, "expected exactly 1000 records, got %zu:\n%s", rs.n,
	              h_records_dump(&rs));
	m.syscall = "getppid";
	m.action = "log";
	m.pid = pid;
	m.tid = tid;
	ck_assert_uint_eq(h_count(&rs, &m), 1000);
	ck_assert_str_eq(h_str(rs.rec[999], "comm"), "sysprobe");
	ck_assert_str_eq(h_str(rs.rec[999], "policy"), "log-getppid.json");
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

START_TEST(runs_append_to_one_log)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *probe = h_prog("sysprobe");
	struct h_result r;
	struct h_records rs;
	const char *first_run;
	size_t i;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "log-getppid.json", "-o", log,
	      "--", probe, "getppid", "5", NULL);
	h_assert_exit(&r, 0);
	h_result_free(&r);
	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "log-getppid.json", "-o", log,
	      "--", probe, "getppid", "7", NULL);
	h_assert_exit(&r, 0);
	h_result_free(&r);
	h_read_records(log, &rs);
	ck_assert_msg(rs.n == 12, "expected 5 + 7 records, got %zu:\n%s", rs.n,
	              h_records_dump(&rs));
	first_run = h_str(rs.rec[0], "run");
	for (i = 0; i < rs.n; i++) {
		/* The first run's records, then the second's, each counting from 1. */
		ck_assert_int_eq(h_int(rs.rec[i], "seq"),
		                 i < 5 ? (long long)i + 1 : (long long)i - 4);
		ck_assert_int_eq(!strcmp(h_str(rs.rec[i], "run"), first_run), i < 5);
	}
	h_records_free(&rs);
}
END_TEST

/* Two runs at once appending to one file: whole lines, each run's seq complete and in order. */
START_TEST(concurrent_runs_share_a_log)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *probe = h_prog("sysprobe");
	char *const argv[] = {
	        (char *)h_bouncer(), "run",  "-q", "-p", "log-getppid.json", "-o", log, "--", probe,
	        "getppid",           "3000", NULL};
	struct h_proc a, b;
	struct h_result ra, rb;
	struct h_records rs;
	const char *runs[2] = {NULL, NULL};
	long long next[2] = {1, 1};
	size_t i;

	h_spawn(&a, h_policy_dir(), argv);
	h_spawn(&b, h_policy_dir(), argv);
	h_finish(&a, H_DEFAULT_TIMEOUT_MS, &ra);
	h_finish(&b, H_DEFAULT_TIMEOUT_MS, &rb);
	h_assert_exit(&ra, 0);
	h_assert_exit(&rb, 0);
	h_read_records(log, &rs);
	ck_assert_msg(rs.n == 6000, "expected 2 x 3000 records, got %zu", rs.n);
	for (i = 0; i < rs.n; i++) {
		const char *run = h_str(rs.rec[i], "run");
		int k;

		for (k = 0; k < 2 && runs[k] && strcmp(runs[k], run); k++)
			;
		ck_assert_msg(k < 2, "a third run id in the log: %s", run);
		if (!runs[k])
			runs[k] = run;
		ck_assert_int_eq(h_int(rs.rec[i], "seq"), next[k]);
		next[k]++;
	}
	ck_assert_int_eq(next[0], 3001);
	ck_assert_int_eq(next[1], 3001);
	h_records_free(&rs);
	h_result_free(&ra);
	h_result_free(&rb);
}
END_TEST

/* A decision log that cannot be written: the workload is not affected, the user is told. */
START_TEST(log_write_failure_is_reported)
{
	char *probe = h_prog("sysprobe");
	struct h_result r;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "log-getppid.json", "-o",
	      "/dev/full", "--", probe, "getppid", "5", NULL);
	h_assert_exit(&r, 0);
	ck_assert(h_has_line(r.out, "getppid: calls=5 ok=5 err=0 errno=none"));
	ck_assert_msg(!strncmp(r.err, "bouncer: ", 9) && strstr(r.err, "/dev/full"),
	              "records were lost without a word on stderr:\n%s", r.err);
	h_result_free(&r);
}
END_TEST

START_TEST(dash_writes_records_to_stdout)
{
	char *probe = h_prog("sysprobe");
	struct h_result r;
	struct h_records rs;
	struct h_match m = H_ANY;

	/* The probe prints to stderr, so stdout must hold records and nothing else. */
	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "log-getppid.json", "-o", "-",
	      "--", probe, "to-stderr", "ids", "getppid", "10", NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.err, "getppid: calls=10 ok=10 err=0 errno=none"), "stderr:\n%s",
	              r.err);
	h_parse_records(r.out, &rs);
	h_check_seq(&rs);
	ck_assert_msg(rs.n == 10, "expected 10 records on stdout, got %zu:\n%s", rs.n, r.out);
	m.syscall = "getppid";
	m.tid = h_long_after(r.err, "tid: ");
	ck_assert_uint_eq(h_count(&rs, &m), 10);
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

/* A line of text holding both words as whole tokens. */
static bool line_with_both(const char *text, const char *a, const char *b)
{
	char *copy = strdup(text), *save, *line;
	bool found = false;

	for (line = strtok_r(copy, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		char *tsave, *tok;
		bool has_a = false, has_b = false;

		for (tok = strtok_r(line, " \t:,=|()", &tsave); tok;
		     tok = strtok_r(NULL, " \t:,=|()", &tsave)) {
			has_a |= !strcmp(tok, a);
			has_b |= !strcmp(tok, b);
		}
		found = has_a && has_b;
	}
	free(copy);
	return found;
}

START_TEST(summary_on_stderr_unless_quiet)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *probe = h_prog("sysprobe");
	struct h_result r;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-p", "log-getppid.json", "-o", log, "--",
	      probe, "getppid", "37", NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(line_with_both(r.err, "getppid", "37"),
	              "no summary line with getppid's count 37 on stderr:\n%s", r.err);
	h_result_free(&r);
	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "log-getppid.json", "-o", log,
	      "--", probe, "getppid", "37", NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(r.err_len == 0, "-q, yet stderr says:\n%s", r.err);
	h_result_free(&r);
}
END_TEST

/*
 * threadfork prints one line per worker (4 threads, 2 processes forked while the threads run);
 * each worker's K calls must give exactly K records with that worker's pid, tid and comm.
 */
static void check_workers(const char *out, const struct h_records *rs, const char *policy,
                          long calls, const char *expect_action)
{
	const char *p = out;
	long pids[6], tids[6];
	char comms[6][32];
	size_t workers = 0, i, j;

	while ((p = strstr(p, "worker: "))) {
		char line[512], comm[32];
		struct h_match m = H_ANY;
		size_t n = strcspn(p, "\n");
		const char *c;

		ck_assert_uint_lt(workers, 6);
		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		c = strstr(line, "comm=");
		ck_assert_ptr_nonnull(c);
		snprintf(comm, sizeof(comm), "%.*s", (int)strcspn(c + 5, " "), c + 5);
		pids[workers] = h_field_long(line, "pid");
		tids[workers] = h_field_long(line, "tid");
		ck_assert_int_eq(h_field_long(line, "calls"), calls);
		if (!strcmp(expect_action, "deny")) {
			ck_assert_msg(h_field_long(line, "err") == calls && strstr(line, "EACCES"),
			              "%s: every call should be denied: %s", policy, line);
		} else {
			ck_assert_msg(h_field_long(line, "ok") == calls, "%s: %s", policy, line);
		}
		m.syscall = "getpgid";
		m.tid = tids[workers];
		ck_assert_msg(h_count(rs, &m) == (size_t)calls,
		              "%s: worker %s (tid %ld) made %ld calls, %zu records", policy, comm,
		              tids[workers], calls, h_count(rs, &m));
		m.pid = pids[workers];
		m.action = expect_action;
		ck_assert_msg(h_count(rs, &m) == (size_t)calls,
		              "%s: records of tid %ld have another pid or action", policy,
		              tids[workers]);
		for (i = 0; i < rs->n; i++)
			if (h_int(rs->rec[i], "tid") == tids[workers] &&
			    !strcmp(h_str(rs->rec[i], "syscall"), "getpgid"))
				ck_assert_msg(!strcmp(h_str(rs->rec[i], "comm"), comm),
				              "%s: tid %ld named itself %s before its getpgid "
				              "calls, record #%lld says comm %s",
				              policy, tids[workers], comm, h_int(rs->rec[i], "seq"),
				              h_str(rs->rec[i], "comm"));
		snprintf(comms[workers], sizeof(comms[workers]), "%s", comm);
		workers++;
		p += n;
	}
	ck_assert_msg(workers == 6, "%s: expected 6 worker lines, got %zu:\n%s", policy, workers,
	              out);
	for (i = 0; i < 6; i++)
		for (j = i + 1; j < 6; j++)
			ck_assert_int_ne(tids[i], tids[j]);
	ck_assert_uint_eq(h_count_syscall(rs, "getpgid", NULL), 6 * (size_t)calls);
	/* Threads (worker-N) share the main pid; children (child-N) are their own thread groups. */
	for (i = 0; i < 6; i++) {
		if (!strcmp(comms[i], "worker-1") || !strcmp(comms[i], "worker-2") ||
		    !strcmp(comms[i], "worker-3") || !strcmp(comms[i], "worker-4")) {
			ck_assert_int_ne(pids[i], tids[i]);
			for (j = 0; j < 6; j++)
				if (!strncmp(comms[j], "worker-", 7))
					ck_assert_int_eq(pids[i], pids[j]);
		} else {
			ck_assert_msg(!strcmp(comms[i], "child-1") || !strcmp(comms[i], "child-2"),
			              "unexpected worker %s", comms[i]);
			ck_assert_int_eq(pids[i], tids[i]);
		}
	}
	ck_assert(h_has_line(out, "threadfork: done failed_children=0"));
}

START_TEST(every_thread_and_child_is_supervised)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *prog = h_prog("threadfork");
	struct h_result r;
	struct h_records rs;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "deny-getpgid.json", "-o", log,
	      "--", prog, "500", NULL);
	h_assert_exit(&r, 0);
	h_read_records(log, &rs);
	h_check_seq(&rs);
	ck_assert_msg(rs.n == 3000, "expected 6 x 500 records, got %zu", rs.n);
	check_workers(r.out, &rs, "deny-getpgid.json", 500, "deny");
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

/* defaultAction SCMP_ACT_LOG and no rules: every syscall of the workload is a notification. */
START_TEST(trap_everything_does_not_deadlock)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *probe = h_prog("sysprobe");
	struct h_result r;
	struct h_records rs;
	struct h_match m = H_ANY;
	size_t i;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "trap-all.json", "-o", log, "--",
	      probe, "ids", "getppid", "100", "socket", "inet", "fork", NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, "getppid: calls=100 ok=100 err=0 errno=none"),
	              "stdout:\n%s", r.out);
	ck_assert_int_ge(h_long_after(r.out, "socket inet: "), 0);
	ck_assert(h_has_line(r.out, "fork: ok"));
	h_read_records(log, &rs);
	h_check_seq(&rs);
	for (i = 0; i < rs.n; i++)
		ck_assert_str_eq(h_str(rs.rec[i], "action"), "log");
	m.tid = h_long_after(r.out, "tid: ");
	m.syscall = "getppid";
	ck_assert_uint_eq(h_count(&rs, &m), 100);
	m.syscall = "socket";
	ck_assert_uint_eq(h_count(&rs, &m), 1);
	m.syscall = "write"; /* one per printed line: pid, tid, getppid, socket, fork */
	ck_assert_uint_eq(h_count(&rs, &m), 5);
	m.syscall = "exit_group"; /* the probe's, and its forked child's (another tid) */
	ck_assert_uint_eq(h_count(&rs, &m), 1);
	ck_assert_uint_eq(h_count_syscall(&rs, "exit_group", NULL), 2);
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

START_TEST(trap_everything_threads_and_children)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *prog = h_prog("threadfork");
	struct h_result r;
	struct h_records rs;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "trap-all.json", "-o", log, "--",
	      prog, "20", NULL);
	h_assert_exit(&r, 0);
	h_read_records(log, &rs);
	h_check_seq(&rs);
	check_workers(r.out, &rs, "trap-all.json", 20, "log");
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

START_TEST(trap_everything_shell)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	struct h_result r;
	struct h_records rs;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "trap-all.json", "-o", log, "--",
	      "/bin/sh", "-c", "echo hello; /bin/true; echo done", NULL);
	h_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "hello\ndone\n");
	h_read_records(log, &rs);
	h_check_seq(&rs);
	/* The launcher's execve of sh and sh's child's execve of true. */
	ck_assert_uint_eq(h_count_syscall(&rs, "execve", "log"), 2);
	ck_assert_uint_eq(h_count_syscall(&rs, "exit_group", "log"), 2);
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

/*
 * Two supervised processes connected by a pipe, each blocking on the other: a supervisor that
 * waited on one of them would deadlock. The output must be what it is without bouncer.
 */
START_TEST(trap_everything_pipeline)
{
	static const char script[] = "ls -la /usr/bin | sort | wc -l; echo end";
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	struct h_result base, r;
	struct h_records rs;

	h_run(&base, NULL, "/bin/sh", "-c", script, NULL);
	h_assert_exit(&base, 0);
	h_run(&r, NULL, h_bouncer(), "run", "-q", "-p", h_policy("trap-all.json"), "-o", log, "--",
	      "/bin/sh", "-c", script, NULL);
	h_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, base.out);
	h_read_records(log, &rs);
	h_check_seq(&rs);
	/* sh, ls, sort, wc: four exit_groups, each logged. */
	ck_assert_uint_eq(h_count_syscall(&rs, "exit_group", "log"), 4);
	ck_assert_uint_ge(
	        h_count_syscall(&rs, "pipe2", "log") + h_count_syscall(&rs, "pipe", "log"), 2);
	h_records_free(&rs);
	h_result_free(&r);
	h_result_free(&base);
}
END_TEST

/* 200 short-lived processes, each exec'd: every one is recorded under its own exe. */
START_TEST(trap_everything_many_processes)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char true_exe[PATH_MAX], sh_exe[PATH_MAX];
	struct h_result r;
	struct h_records rs;
	size_t i, true_exits = 0, sh_exits = 0;

	ck_assert_ptr_nonnull(realpath("/bin/true", true_exe));
	ck_assert_ptr_nonnull(realpath("/bin/sh", sh_exe));
	h_run(&r, NULL, h_bouncer(), "run", "-q", "-p", h_policy("trap-all.json"), "-o", log, "--",
	      "/bin/sh", "-c", "i=0; while [ $i -lt 200 ]; do /bin/true; i=$((i+1)); done; echo $i",
	      NULL);
	h_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "200\n");
	h_read_records(log, &rs);
	h_check_seq(&rs);
	ck_assert_uint_eq(h_count_syscall(&rs, "execve", "log"), 201);
	for (i = 0; i < rs.n; i++) {
		if (strcmp(h_str(rs.rec[i], "syscall"), "exit_group"))
			continue;
		true_exits += !strcmp(h_str(rs.rec[i], "exe"), true_exe);
		sh_exits += !strcmp(h_str(rs.rec[i], "exe"), sh_exe);
	}
	ck_assert_msg(true_exits == 200 && sh_exits == 1,
	              "exit_group records: %zu with exe %s (want 200), %zu with %s (want 1)",
	              true_exits, true_exe, sh_exits, sh_exe);
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

START_TEST(i386_and_x32_calls_are_told_apart)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *probe = h_prog("sysprobe");
	struct h_result base, r;
	struct h_records rs;
	json_t *rec;
	const char *x32_direct;
	long pid;

	/* Whether this kernel runs x32 calls (CONFIG_X86_X32_ABI) decides what the probe sees. */
	h_run(&base, NULL, probe, "x32-getpid", NULL);
	h_assert_exit(&base, 0);
	x32_direct = h_line_after(base.out, "x32 getpid: ");
	ck_assert_ptr_nonnull(x32_direct);
	x32_direct = strdup(x32_direct);

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "arches.json", "-o", log, "--",
	      probe, "ids", "i386-getpid", "x32-getpid", NULL);
	h_assert_exit(&r, 0);
	pid = h_long_after(r.out, "pid: ");
	ck_assert_int_eq(h_long_after(r.out, "i386 getpid: "), pid);
	if (strstr(x32_direct, "ENOSYS"))
		ck_assert_str_eq(h_line_after(r.out, "x32 getpid: "), x32_direct);
	else
		ck_assert_int_eq(h_long_after(r.out, "x32 getpid: "), pid);
	h_read_records(log, &rs);
	h_check_seq(&rs);
	ck_assert_msg(rs.n == 3, "expected getpid from three ABIs, got %zu:\n%s", rs.n,
	              h_records_dump(&rs));
	rec = rs.rec[0];
	ck_assert_str_eq(h_str(rec, "arch"), "SCMP_ARCH_X86_64");
	ck_assert_str_eq(h_str(rec, "syscall"), "getpid");
	ck_assert_int_eq(h_int(rec, "nr"), 39);
	rec = rs.rec[1];
	ck_assert_str_eq(h_str(rec, "arch"), "SCMP_ARCH_X86");
	ck_assert_str_eq(h_str(rec, "syscall"), "getpid");
	ck_assert_int_eq(h_int(rec, "nr"), 20);
	ck_assert_int_eq(h_int(rec, "pid"), pid);
	rec = rs.rec[2];
	ck_assert_str_eq(h_str(rec, "arch"), "SCMP_ARCH_X32");
	ck_assert_str_eq(h_str(rec, "syscall"), "getpid");
	ck_assert_int_eq(h_int(rec, "nr"), 0x40000000 + 39);
	h_records_free(&rs);
	h_result_free(&r);
	h_result_free(&base);
}
END_TEST

/*
 * pid, comm and exe are the caller's at the time of the call: after an execve in the same
 * process they name the new program (sh's own getppid, if it makes one, names the shell).
 */
START_TEST(exe_and_comm_follow_execve)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *probe = h_prog("sysprobe");
	char *script = h_fmt("exec %s ids getppid 2", probe);
	char exe[PATH_MAX];
	struct h_result r;
	struct h_records rs;
	struct h_match m = H_ANY;
	size_t i, seen = 0;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "log-getppid.json", "-o", log,
	      "--", "/bin/sh", "-c", script, NULL);
	h_assert_exit(&r, 0);
	ck_assert_ptr_nonnull(realpath(probe, exe));
	h_read_records(log, &rs);
	h_check_seq(&rs);
	m.syscall = "getppid";
	m.tid = h_long_after(r.out, "tid: ");
	ck_assert_int_eq(h_long_after(r.out, "pid: "), m.tid);
	/* The shell execs in place: its records (if any) and the probe's share the tid. */
	for (i = 0; i < rs.n; i++) {
		json_t *rec = rs.rec[i];

		ck_assert_int_eq(h_int(rec, "tid"), m.tid);
		if (strcmp(h_str(rec, "exe"), exe)) {
			ck_assert_msg(seen == 0, "a record after the probe's names another exe: %s",
			              h_str(rec, "exe"));
			ck_assert_str_ne(h_str(rec, "comm"), "sysprobe");
			continue;
		}
		ck_assert_str_eq(h_str(rec, "comm"), "sysprobe");
		seen++;
	}
	ck_assert_msg(seen == 2, "expected the probe's 2 getppid with its exe, got %zu:\n%s", seen,
	              h_records_dump(&rs));
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

/*
 * A thread id that comes back as another process (here at once, with clone3's set_tid; in
 * general after the pid counter wraps) must be recorded with the new process's pid.
 */
START_TEST(reused_thread_id_names_the_new_process)
{
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *prog = h_prog("holdprobe");
	struct h_result r;
	struct h_records rs;
	struct h_match m = H_ANY;
	long first_pid, first_tid, reused_pid;
	json_t *rec;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "log-getppid.json", "-o", log,
	      "--", prog, "reuse-tid", NULL);
	h_assert_exit(&r, 0);
	first_pid = h_field_long(h_line_after(r.out, "first: "), "pid");
	first_tid = h_field_long(h_line_after(r.out, "first: "), "tid");
	ck_assert_msg(!strstr(h_line_after(r.out, "reused: "), "failed"),
	              "could not recreate the thread id (needs root): %s", r.out);
	reused_pid = h_field_long(h_line_after(r.out, "reused: "), "pid");
	ck_assert_int_eq(reused_pid, first_tid);
	h_read_records(log, &rs);
	h_check_seq(&rs);
	ck_assert_msg(rs.n == 2, "expected two getppid records, got %zu:\n%s", rs.n,
	              h_records_dump(&rs));
	m.tid = first_tid;
	ck_assert_uint_eq(h_count(&rs, &m), 2);
	rec = rs.rec[0];
	ck_assert_int_eq(h_int(rec, "pid"), first_pid);
	rec = rs.rec[1];
	ck_assert_msg(h_int(rec, "pid") == reused_pid,
	              "tid %ld now belongs to process %ld, the record says pid %lld", first_tid,
	              reused_pid, h_int(rec, "pid"));
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST


/* args are the six registers, 64 bits each, in order. */
START_TEST(args_are_six_exact_64_bit_values)
{
	static const uint64_t want[6] = {
	        0x0,
	        0x1,
	        0xffffffffffffffffULL,
	        0x8000000000000000ULL,
	        0x123456789abcdef0ULL,
	        0x7fffffff,
	};
	char *dir = h_tmpdir(), *log = h_join(dir, "decisions.jsonl");
	char *probe = h_prog("sysprobe");
	struct h_result r;
	struct h_records rs;
	unsigned i;

	h_run(&r, h_policy_dir(), h_bouncer(), "run", "-q", "-p", "log-getppid.json", "-o", log,
	      "--", probe, "args6", NULL);
	h_assert_exit(&r, 0);
	h_read_records(log, &rs);
	ck_assert_msg(rs.n == 1, "expected one record, got %zu", rs.n);
	for (i = 0; i < 6; i++)
		ck_assert_msg(
		        h_arg(rs.rec[0], i) == want[i], "args[%u] is %s, want 0x%llx", i,
		        json_string_value(json_array_get(json_object_get(rs.rec[0], "args"), i)),
		        (unsigned long long)want[i]);
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

static Suite *records_suite(void)
{
	Suite *s = suite_create("run_records");
	TCase *tc = tcase_create("records");

	/* Also outside meson (which sets CK_DEFAULT_TIMEOUT): runs take seconds, not Check\'s 4. */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, exactly_one_record_per_call);
	tcase_add_test(tc, runs_append_to_one_log);
	tcase_add_test(tc, concurrent_runs_share_a_log);
	tcase_add_test(tc, log_write_failure_is_reported);
	tcase_add_test(tc, dash_writes_records_to_stdout);
	tcase_add_test(tc, summary_on_stderr_unless_quiet);
	tcase_add_test(tc, every_thread_and_child_is_supervised);
	tcase_add_test(tc, trap_everything_does_not_deadlock);
	tcase_add_test(tc, trap_everything_threads_and_children);
	tcase_add_test(tc, trap_everything_shell);
	tcase_add_test(tc, trap_everything_pipeline);
	tcase_add_test(tc, trap_everything_many_processes);
	tcase_add_test(tc, i386_and_x32_calls_are_told_apart);
	tcase_add_test(tc, exe_and_comm_follow_execve);
	tcase_add_test(tc, args_are_six_exact_64_bit_values);
	tcase_add_test(tc, reused_thread_id_names_the_new_process);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(records_suite());
	int failed;

	srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY=verbose lists each test */
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
