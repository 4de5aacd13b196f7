/* SPDX-License-Identifier: MIT */
/*
 * sysprobe: makes the syscalls named on its command line, one after the other, and prints what
 * each returned ("socket inet6: -1 EACCES", "socket inet: 3"), so that tests can compare what
 * the workload saw with what bouncer recorded.
 *
 *   sysprobe OP [ARG] [OP [ARG]]...
 *
 *   ids               print "pid: P" and "tid: T" (getpid, gettid)
 *   socket FAMILY     socket(inet|inet6|unix, SOCK_STREAM, 0)
 *   personality HEX   personality(HEX), raw, so the register holds exactly HEX
 *   clone-newuser     clone(CLONE_NEWUSER | SIGCHLD); a child that appears exits at once
 *   unshare HEX       unshare(HEX)
 *   fork              glibc fork(); the child exits 0
 *   getppid N         N raw getppid() calls, each checked against /proc/self/stat's ppid
 *   getpgid N         N raw getpgid(0) calls, each checked against /proc/self/stat's pgrp
 *   i386-getpid       getpid through int $0x80 (the i386 ABI, syscall 20)
 *   x32-getpid        getpid through the x32 ABI (39 | __X32_SYSCALL_BIT)
 *   touch PATH        create PATH
 *   exit N            exit(N)
 *   raise SIG         die of SIG (SEGV, ABRT, KILL, TERM, ...), no core dump
 *   to-stderr         print what follows to stderr instead of stdout
 *   args6             getppid() with six distinctive 64-bit arguments (getppid ignores them)
 *   fds               print "fds: 0 1 2 ..." (open file descriptors, from /proc/self/fd)
 *   nocore            no core dump if a later op makes the kernel kill the probe
 *   waitsig           catch TERM, INT and QUIT, print "ready", wait for one, print "got TERM"
 *
 * Exits 0 after the last op, 2 on a usage error, 99 when the probe itself failed.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "probe_util.h"

/* Calls syscall nr(arg0) n times; prints "LABEL: calls=N ok=X err=Y errno=NAME". */
static void repeat_syscall(const char *label, long nr, long arg0, long expect, long n)
{
	long i, ok = 0, bad = 0;
	int last_err = 0;

	for (i = 0; i < n; i++) {
		long ret = syscall(nr, arg0);

		if (ret == expect) {
			ok++;
		} else {
			bad++;
			if (ret < 0)
				last_err = errno;
		}
	}
	say("%s: calls=%ld ok=%ld err=%ld errno=%s", label, n, ok, bad,
	    last_err ? errno_name(last_err) : "none");
}

static int family_of(const char *name)
{
	if (!strcmp(name, "inet"))
		return AF_INET;
	if (!strcmp(name, "inet6"))
		return AF_INET6;
	if (!strcmp(name, "unix"))
		return AF_UNIX;
	die("unknown family %s", name);
}

static int signal_of(const char *name)
{
	static const struct {
		const char *name;
		int sig;
	} sigs[] = {{"SEGV", SIGSEGV}, {"ABRT", SIGABRT}, {"KILL", SIGKILL}, {"TERM", SIGTERM},
	            {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"USR1", SIGUSR1}};
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (!strcmp(sigs[i].name, name))
			return sigs[i].sig;
	die("unknown signal %s", name);
}

static void op_socket(const char *family)
{
	char label[64];
	long fd = syscall(SYS_socket, family_of(family), SOCK_STREAM, 0);
	int err = errno;

	snprintf(label, sizeof(label), "socket %s", family);
	say_result(label, fd, err);
	if (fd >= 0)
		close(fd);
}

/* Reaps a child created by a raw clone/fork and reports how it ended. */
static void report_child(const char *label, long ret, int err)
{
	int status;

	if (ret < 0) {
		say_result(label, ret, err);
		return;
	}
	if (waitpid(ret, &status, 0) != ret)
		die("waitpid");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		say("%s: ok", label);
	else
		say("%s: child status 0x%x", label, status);
}

static void op_clone_newuser(void)
{
	long ret = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
	int err = errno;

	if (ret == 0)
		_exit(0);
	report_child("clone newuser", ret, err);
}

static void op_fork(void)
{
	pid_t ret = fork();
	int err = errno;

	if (ret == 0)
		_exit(0);
	report_child("fork", ret, err);
}

static void op_i386_getpid(void)
{
	long ret;

	/* From a 64-bit process, int $0x80 enters the i386 syscall table; getpid is 20 there. */
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory", "cc");
	if (ret < 0 && ret > -4096)
		say_result("i386 getpid", -1, (int)-ret);
	else
		say_result("i386 getpid", ret, 0);
}

static void op_x32_getpid(void)
{
	long ret = syscall(39 | 0x40000000L);

	say_result("x32 getpid", ret, errno);
}

static void op_touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0) {
		say_result("touch", -1, errno);
		return;
	}
	close(fd);
	say("touch: ok");
}

static void op_raise(const char *name)
{
	struct rlimit no_core = {0, 0};
	int sig = signal_of(name);
	sigset_t set;

	setrlimit(RLIMIT_CORE, &no_core);
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	say("raise: survived");
}

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	caught = sig;
}

static void op_waitsig(void)
{
	static const int sigs[] = {SIGTERM, SIGINT, SIGQUIT};
	struct sigaction sa;
	sigset_t block, wait_mask;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&block);
	for (i = 0; i < 3; i++) {
		sigaddset(&block, sigs[i]);
		if (sigaction(sigs[i], &sa, NULL))
			die("sigaction");
	}
	/* Blocked until sigsuspend, so a signal sent right after "ready" is not missed. */
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	for (i = 0; i < 3; i++)
		sigdelset(&wait_mask, sigs[i]);
	say("ready");
	while (!caught)
		sigsuspend(&wait_mask);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	say("got %s", caught == SIGTERM ? "TERM" : caught == SIGINT ? "INT" : "QUIT");
}

/* Arguments whose hex forms show any truncation, sign extension or reordering. */
static const unsigned long args6[6] = {
        0x0UL,        0x1UL, 0xffffffffffffffffUL, 0x8000000000000000UL, 0x123456789abcdef0UL,
        0x7fffffffUL,
};

static void op_args6(void)
{
	long ret = syscall(SYS_getppid, args6[0], args6[1], args6[2], args6[3], args6[4], args6[5]);

	say_result("args6", ret, errno);
}

static void op_fds(void)
{
	char line[512] = "fds:";
	size_t used = strlen(line);
	struct dirent *e;
	DIR *d = opendir("/proc/self/fd");
	int self;

	if (!d)
		die("opendir /proc/self/fd");
	self = dirfd(d);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == self)
			continue;
		used += snprintf(line + used, sizeof(line) - used, " %s", e->d_name);
		if (used >= sizeof(line))
			die("too many fds");
	}
	closedir(d);
	say("%s", line);
}

static const char *need(char **argv, int *i, int argc)
{
	if (*i + 1 >= argc) {
		say("usage: %s needs an argument", argv[*i]);
		exit(2);
	}
	return argv[++*i];
}

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *op = argv[i];

		if (!strcmp(op, "ids")) {
			say("pid: %ld", (long)getpid());
			say("tid: %ld", (long)syscall(SYS_gettid));
		} else if (!strcmp(op, "socket")) {
			op_socket(need(argv, &i, argc));
		} else if (!strcmp(op, "personality")) {
			const char *arg = need(argv, &i, argc);
			unsigned long v = strtoul(arg, NULL, 0);
			long ret = syscall(SYS_personality, v);
			char label[64];

			snprintf(label, sizeof(label), "personality %s", arg);
			say_result(label, ret, errno);
		} else if (!strcmp(op, "clone-newuser")) {
			op_clone_newuser();
		} else if (!strcmp(op, "unshare")) {
			const char *arg = need(argv, &i, argc);
			long ret = syscall(SYS_unshare, strtoul(arg, NULL, 0));
			char label[64];

			snprintf(label, sizeof(label), "unshare %s", arg);
			say_result(label, ret, errno);
		} else if (!strcmp(op, "fork")) {
			op_fork();
		} else if (!strcmp(op, "getppid")) {
			long n = strtol(need(argv, &i, argc), NULL, 10);

			repeat_syscall("getppid", SYS_getppid, 0, self_stat_field(4), n);
		} else if (!strcmp(op, "getpgid")) {
			long n = strtol(need(argv, &i, argc), NULL, 10);

			repeat_syscall("getpgid", SYS_getpgid, 0, self_stat_field(5), n);
		} else if (!strcmp(op, "i386-getpid")) {
			op_i386_getpid();
		} else if (!strcmp(op, "x32-getpid")) {
			op_x32_getpid();
		} else if (!strcmp(op, "touch")) {
			op_touch(need(argv, &i, argc));
		} else if (!strcmp(op, "exit")) {
			exit(atoi(need(argv, &i, argc)));
		} else if (!strcmp(op, "raise")) {
			op_raise(need(argv, &i, argc));
		} else if (!strcmp(op, "args6")) {
			op_args6();
		} else if (!strcmp(op, "fds")) {
			op_fds();
		} else if (!strcmp(op, "nocore")) {
			struct rlimit no_core = {0, 0};

			if (setrlimit(RLIMIT_CORE, &no_core))
				die("setrlimit");
		} else if (!strcmp(op, "to-stderr")) {
			probe_out_fd = STDERR_FILENO;
		} else if (!strcmp(op, "waitsig")) {
			op_waitsig();
		} else {
			say("usage: unknown op %s", op);
			return 2;
		}
	}
	return 0;
}
