/* SPDX-License-Identifier: MIT */
/*
 * ctlprobe: the workload of the live review tests (tests/test_ctl_*.c). Makes the calls named
 * on its command line and prints what each returned, one line per call, so that a test sees
 * each answer as soon as it is given.
 *
 *   ctlprobe OP [ARG]...
 *
 *   ids            print "pid: P"
 *   getpgid N      N raw getpgid(0) calls, each printed "getpgid I: ok" or "getpgid I: ENAME"
 *   getppid N      N raw getppid() calls, printed "getppid: calls=N ok=X"
 *   waitfile PATH  wait until PATH exists (at most 60 s), then print "go"
 *   held-thread    a second thread calls getpgid(0) once and prints "thread getpgid: ..."
 *                  while the main thread goes on with the following ops; joined at exit
 *   cat PATH       open(PATH) and read it: "cat PATH: DATA" (first line) or "cat PATH: ENAME"
 *   cd PATH        chdir(PATH): "cd PATH: ok, cwd CWD" (getcwd after it) or "cd PATH: ENAME"
 *   connect PORT   a TCP connect to 127.0.0.1:PORT: "connect PORT: ok" or "connect PORT: ENAME"
 *   threads N      N threads each call getpgid(0) once ("thread getpgid 1: ..."); joined
 *   held-child     a child process prints "child: PID", calls getpgid(0) once and exits; the
 *                  parent goes on with the following ops and reaps it at exit, printing
 *                  "child status: exit N" or "child status: signal N"
 *
 * Exits 0 after the last op, 2 on a usage error, 99 when the probe itself failed.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "probe_util.h"

static void getpgid_calls(const char *label, long n)
{
	long expect = self_stat_field(5);

	for (long i = 1; i <= n; i++) {
		long ret = syscall(SYS_getpgid, 0);

		if (ret == expect)
			say("%s %ld: ok", label, i);
		else if (ret < 0)
			say("%s %ld: %s", label, i, errno_name(errno));
		else
			say("%s %ld: wrong value %ld", label, i, ret);
	}
}

static void *held_thread(void *arg)
{
	getpgid_calls("thread getpgid", 1);
	return NULL;
}

static void wait_file(const char *path)
{
	struct timespec pause = {0, 10 * 1000 * 1000};
	struct stat st;

	for (int i = 0; i < 6000; i++) {
		if (stat(path, &st) == 0) {
			say("go");
			return;
		}
		nanosleep(&pause, NULL);
	}
	die("%s did not appear", path);
}

int main(int argc, char **argv)
{
	pthread_t thread;
	bool have_thread = false;
	pid_t child = -1;

	for (int i = 1; i < argc; i++) {
		const char *op = argv[i];

		if (!strcmp(op, "ids")) {
			say("pid: %ld", (long)getpid());
		} else if (!strcmp(op, "getpgid") && i + 1 < argc) {
			getpgid_calls("getpgid", strtol(argv[++i], NULL, 10));
		} else if (!strcmp(op, "getppid") && i + 1 < argc) {
			long n = strtol(argv[++i], NULL, 10), ok = 0, expect = self_stat_field(4);

			for (long j = 0; j < n; j++)
				ok += syscall(SYS_getppid) == expect;
			say("getppid: calls=%ld ok=%ld", n, ok);
		} else if (!strcmp(op, "waitfile") && i + 1 < argc) {
			wait_file(argv[++i]);
		} else if (!strcmp(op, "cat") && i + 1 < argc) {
			const char *path = argv[++i];
			char data[128] = "";
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			ssize_t n;

			if (fd < 0) {
				say("cat %s: %s", path, errno_name(errno));
				continue;
			}
			n = read(fd, data, sizeof(data) - 1);
			close(fd);
			data[n > 0 ? n : 0] = '\0';
			data[strcspn(data, "\n")] = '\0';
			say("cat %s: %s", path, data);
		} else if (!strcmp(op, "connect") && i + 1 < argc) {
			const char *port = argv[++i];
			struct sockaddr_in a = {.sin_family = AF_INET,
			                        .sin_port = htons((uint16_t)atoi(port)),
			                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
			int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

			if (fd < 0)
				die("socket");
			if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
				say("connect %s: %s", port, errno_name(errno));
			else
				say("connect %s: ok", port);
			close(fd);
		} else if (!strcmp(op, "cd") && i + 1 < argc) {
			const char *path = argv[++i];
			char cwd[4096];

			if (chdir(path) < 0) {
				say("cd %s: %s", path, errno_name(errno));
				continue;
			}
			say("cd %s: ok, cwd %s", path,
			    getcwd(cwd, sizeof(cwd)) != NULL ? cwd : errno_name(errno));
		} else if (!strcmp(op, "threads") && i + 1 < argc) {
			long n = strtol(argv[++i], NULL, 10);
			pthread_t *threads = calloc((size_t)n, sizeof(*threads));

			if (threads == NULL || n <= 0)
				die("threads");
			for (long j = 0; j < n; j++)
				if (pthread_create(&threads[j], NULL, held_thread, NULL) != 0)
					die("pthread_create");
			for (long j = 0; j < n; j++)
				pthread_join(threads[j], NULL);
			free(threads);
		} else if (!strcmp(op, "held-child") && child < 0) {
			child = fork();
			if (child < 0)
				die("fork");
			if (child == 0) {
				say("child: %ld", (long)getpid());
				getpgid_calls("child getpgid", 1);
				_exit(0);
			}
		} else if (!strcmp(op, "held-thread") && !have_thread) {
			if (pthread_create(&thread, NULL, held_thread, NULL) != 0)
				die("pthread_create");
			have_thread = true;
		} else {
			say("usage: unknown op %s", op);
			return 2;
		}
	}
	if (have_thread)
		pthread_join(thread, NULL);
	if (child > 0) {
		int status;

		if (waitpid(child, &status, 0) != child)
			die("waitpid");
		if (WIFEXITED(status))
			say("child status: exit %d", WEXITSTATUS(status));
		else
			say("child status: signal %d", WTERMSIG(status));
	}
	return 0;
}
