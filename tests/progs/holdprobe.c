/* SPDX-License-Identifier: MIT */
/*
 * holdprobe: what happens to a workload's syscall while the supervisor has it (seccomp_unotify(2):
 * the target is killed, signalled, or the supervisor dies). One scenario per run:
 *
 *   holdprobe killed-children R M
 *       R times: fork a child that makes supervised getppid() calls in a loop, let it run,
 *       SIGKILL it (often while one of its calls is held). Then make M getppid() calls in the
 *       parent. Prints "killed-children: rounds=R killed=K", the getppid line, "parent: pid=P
 * tid=T". holdprobe restart-read N A thread blocks in read(2) on an empty pipe; N times, once it
 * sleeps in pipe_read, it gets SIGUSR1 (SA_RESTART), which restarts the read, a new syscall entry.
 * Then one byte is written. Prints "restart-read: fd=FD tid=T ret=R byte=B handled=H". holdprobe
 * storm N A thread makes N getppid() calls while the main thread sends it SIGUSR1 (SA_RESTART) as
 * fast as it can. Prints "storm: tid=T calls=N ok=X err=Y errno=E signals=S handled=H". holdprobe
 * after-death DIR Writes DIR/ready ("pid=P"), waits for DIR/go (the test creates it once it has
 * killed bouncer), makes 3 getppid() calls and writes how they ended to DIR/result: "after-death
 * getppid: calls=3 succeeded=S enosys=E other=O". Exits 0.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "probe_util.h"

/* Upper bound for every wait in this program, so that a broken supervisor cannot hang it. */
#define WAIT_LIMIT_MS 30000

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static atomic_long handled;

static void on_usr1(int sig)
{
	atomic_fetch_add(&handled, 1);
}

static void catch_usr1_restarting(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGUSR1, &sa, NULL))
		die("sigaction");
}

static void killed_children(long rounds, long calls)
{
	long ppid = self_stat_field(4);
	long r, killed = 0, i, ok = 0, bad = 0;
	int last_err = 0;

	for (r = 0; r < rounds; r++) {
		int p[2], status;
		char c;
		pid_t child;

		if (pipe2(p, O_CLOEXEC))
			die("pipe");
		child = fork();
		if (child < 0)
			die("fork");
		if (child == 0) {
			syscall(SYS_getppid);
			if (write(p[1], "1", 1) != 1)
				_exit(98);
			for (;;)
				syscall(SYS_getppid);
		}
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			die("read from child");
		close(p[0]);
		/* Let it spin: most of its time is spent waiting for the supervisor's answer. */
		sleep_ms(2);
		kill(child, SIGKILL);
		if (waitpid(child, &status, 0) != child)
			die("waitpid");
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			killed++;
	}
	say("killed-children: rounds=%ld killed=%ld", rounds, killed);
	for (i = 0; i < calls; i++) {
		long ret = syscall(SYS_getppid);

		if (ret == ppid) {
			ok++;
		} else {
			bad++;
			if (ret < 0)
				last_err = errno;
		}
	}
	say("getppid: calls=%ld ok=%ld err=%ld errno=%s", calls, ok, bad,
	    last_err ? errno_name(last_err) : "none");
	say("parent: pid=%ld tid=%ld", (long)getpid(), (long)syscall(SYS_gettid));
}

struct reader {
	int fd;
	atomic_long tid;
	long ret;
	int err;
	char byte;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;

	atomic_store(&r->tid, syscall(SYS_gettid));
	r->ret = syscall(SYS_read, r->fd, &r->byte, 1);
	r->err = errno;
	return NULL;
}

/*
 * True once thread tid sleeps in the kernel's pipe read (per /proc/self/task/TID/wchan):
 * "pipe_read", or "anon_pipe_read" since Linux 6.16.
 */
static bool sleeps_in_pipe_read(long tid)
{
	char path[64], wchan[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%ld/wchan", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("open %s", path);
	n = read(fd, wchan, sizeof(wchan) - 1);
	close(fd);
	if (n < 0)
		die("read %s", path);
	wchan[n] = '\0';
	return n >= 9 && !strcmp(wchan + n - 9, "pipe_read");
}

static void wait_until(bool (*cond)(long), long arg, const char *what)
{
	long waited;

	for (waited = 0; !cond(arg); waited++) {
		if (waited > WAIT_LIMIT_MS)
			die("timed out waiting for %s", what);
		sleep_ms(1);
	}
}

static long handled_target;

static bool handled_reached(long unused)
{
	return atomic_load(&handled) >= handled_target;
}

static void restart_read(long n)
{
	struct reader r = {0};
	pthread_t thread;
	int p[2];
	long k;

	catch_usr1_restarting();
	if (pipe2(p, O_CLOEXEC))
		die("pipe");
	r.fd = p[0];
	if (pthread_create(&thread, NULL, reader_main, &r))
		die("pthread_create");
	while (!atomic_load(&r.tid))
		sleep_ms(1);
	for (k = 1; k <= n; k++) {
		/* In pipe_read means the supervisor already let this (re)started read through. */
		wait_until(sleeps_in_pipe_read, atomic_load(&r.tid), "the reader in pipe_read");
		if (syscall(SYS_tgkill, getpid(), atomic_load(&r.tid), SIGUSR1))
			die("tgkill");
		handled_target = k;
		wait_until(handled_reached, 0, "the SIGUSR1 handler");
	}
	wait_until(sleeps_in_pipe_read, atomic_load(&r.tid), "the reader in pipe_read");
	if (write(p[1], "x", 1) != 1)
		die("write");
	pthread_join(thread, NULL);
	if (r.ret < 0)
		say("restart-read: fd=%d tid=%ld ret=-1 errno=%s handled=%ld", r.fd,
		    atomic_load(&r.tid), errno_name(r.err), atomic_load(&handled));
	else
		say("restart-read: fd=%d tid=%ld ret=%ld byte=%c handled=%ld", r.fd,
		    atomic_load(&r.tid), r.ret, r.byte, atomic_load(&handled));
}

struct caller {
	long calls, ppid, ok, bad;
	int last_err;
	atomic_long tid;
	atomic_bool go, done;
};

static void *caller_main(void *arg)
{
	struct caller *c = arg;
	long i;

	atomic_store(&c->tid, syscall(SYS_gettid));
	/* Start only once the storm has begun, so that the calls do overlap with signals. */
	while (!atomic_load(&c->go))
		;
	for (i = 0; i < c->calls; i++) {
		long ret = syscall(SYS_getppid);

		if (ret == c->ppid) {
			c->ok++;
		} else {
			c->bad++;
			if (ret < 0)
				c->last_err = errno;
		}
	}
	atomic_store(&c->done, true);
	return NULL;
}

static void storm(long n)
{
	struct caller c = {.calls = n};
	pthread_t thread;
	long sent = 0;

	c.ppid = self_stat_field(4);
	catch_usr1_restarting();
	if (pthread_create(&thread, NULL, caller_main, &c))
		die("pthread_create");
	while (!atomic_load(&c.tid))
		sleep_ms(1);
	while (!atomic_load(&c.done)) {
		if (syscall(SYS_tgkill, getpid(), atomic_load(&c.tid), SIGUSR1) == 0)
			sent++;
		atomic_store(&c.go, true);
	}
	pthread_join(thread, NULL);
	say("storm: tid=%ld calls=%ld ok=%ld err=%ld errno=%s signals=%ld handled=%ld",
	    atomic_load(&c.tid), c.calls, c.ok, c.bad, c.last_err ? errno_name(c.last_err) : "none",
	    sent, atomic_load(&handled));
}

static void *first_thread_main(void *arg)
{
	long *tid = arg;

	syscall(SYS_getppid);
	*tid = syscall(SYS_gettid);
	return NULL;
}

/* clone3's arguments (linux/sched.h), spelled out for older headers. */
struct probe_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	uint64_t set_tid, set_tid_size, cgroup;
};

static void reuse_tid(void)
{
	struct probe_clone_args args;
	pthread_t thread;
	long tid = 0, tries;
	pid_t want, child = -1;
	int status, err = 0;

	if (pthread_create(&thread, NULL, first_thread_main, &tid))
		die("pthread_create");
	pthread_join(thread, NULL);
	say("first: pid=%ld tid=%ld", (long)getpid(), tid);
	want = (pid_t)tid;
	/* The exited thread's id is released shortly after the join: retry while it is busy. */
	for (tries = 0; tries < 1000; tries++) {
		memset(&args, 0, sizeof(args));
		args.exit_signal = SIGCHLD;
		args.set_tid = (uint64_t)(uintptr_t)&want;
		args.set_tid_size = 1;
		child = syscall(SYS_clone3, &args, sizeof(args));
		if (child == 0) {
			syscall(SYS_getppid);
			say("reused: pid=%ld tid=%ld", (long)getpid(), (long)syscall(SYS_gettid));
			_exit(0);
		}
		if (child > 0)
			break;
		err = errno;
		if (err != EEXIST)
			break;
		sleep_ms(1);
	}
	if (child < 0) {
		say("reused: failed errno=%s", errno_name(err));
		return;
	}
	if (waitpid(child, &status, 0) != child)
		die("waitpid");
}

static pthread_barrier_t renamed;

static void *renamed_thread_main(void *arg)
{
	long *tid = arg;

	*tid = syscall(SYS_gettid);
	syscall(SYS_getppid);
	pthread_barrier_wait(&renamed); /* 1: named "holdprobe", first call made */
	pthread_barrier_wait(&renamed); /* 2: renamed by the main thread */
	syscall(SYS_getppid);
	return NULL;
}

static void rename_other(void)
{
	char before[16], after[16];
	pthread_t thread;
	long tid = 0;
	int rc;

	if (pthread_barrier_init(&renamed, NULL, 2))
		die("pthread_barrier_init");
	if (pthread_create(&thread, NULL, renamed_thread_main, &tid))
		die("pthread_create");
	pthread_barrier_wait(&renamed);
	if (pthread_getname_np(thread, before, sizeof(before)))
		die("pthread_getname_np");
	/* For another thread glibc writes /proc/self/task/TID/comm: no prctl in that thread. */
	rc = pthread_setname_np(thread, "renamed");
	if (rc) {
		errno = rc;
		die("pthread_setname_np");
	}
	if (pthread_getname_np(thread, after, sizeof(after)))
		die("pthread_getname_np");
	pthread_barrier_wait(&renamed);
	pthread_join(thread, NULL);
	say("rename-other: tid=%ld before=%s after=%s", tid, before, after);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char tmp[4096], path[4096];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die("open %s", tmp);
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die("write %s", tmp);
	close(fd);
	/* Readers see the whole file or none of it. */
	if (rename(tmp, path))
		die("rename %s", path);
}

static void after_death(const char *dir)
{
	char path[4096], text[256];
	long waited, i, succeeded = 0, enosys = 0, other = 0;
	struct stat st;

	snprintf(text, sizeof(text), "pid=%ld\n", (long)getpid());
	write_file(dir, "ready", text);
	snprintf(path, sizeof(path), "%s/go", dir);
	for (waited = 0; stat(path, &st); waited += 10) {
		if (waited > WAIT_LIMIT_MS) {
			write_file(dir, "result", "after-death: timed out waiting for go\n");
			exit(3);
		}
		sleep_ms(10);
	}
	for (i = 0; i < 3; i++) {
		long ret = syscall(SYS_getppid);

		if (ret >= 0)
			succeeded++;
		else if (errno == ENOSYS)
			enosys++;
		else
			other++;
	}
	snprintf(text, sizeof(text),
	         "after-death getppid: calls=3 succeeded=%ld enosys=%ld other=%ld\n", succeeded,
	         enosys, other);
	write_file(dir, "result", text);
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "killed-children"))
		killed_children(strtol(argv[2], NULL, 10), strtol(argv[3], NULL, 10));
	else if (argc == 3 && !strcmp(argv[1], "restart-read"))
		restart_read(strtol(argv[2], NULL, 10));
	else if (argc == 3 && !strcmp(argv[1], "storm"))
		storm(strtol(argv[2], NULL, 10));
	else if (argc == 2 && !strcmp(argv[1], "rename-other"))
		rename_other();
	else if (argc == 2 && !strcmp(argv[1], "reuse-tid"))
		reuse_tid();
	else if (argc == 3 && !strcmp(argv[1], "after-death"))
		after_death(argv[2]);
	else {
		say("usage: holdprobe killed-children R M | restart-read N | storm N | reuse-tid | "
		    "rename-other | "
		    "after-death DIR");
		return 2;
	}
	return 0;
}
