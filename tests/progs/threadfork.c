/* SPDX-License-Identifier: MIT */
/*
 * threadfork: 4 threads and 2 child processes (forked while the threads exist) each make the
 * same syscall K times, so a test can check that every thread and every process is under the
 * filter and that each call got exactly one record with the caller's own pid/tid/comm.
 *
 *   threadfork K
 *
 * The syscall is getpgid(0), which libc never makes on its own. Each worker names itself
 * ("worker-1".."worker-4", "child-1", "child-2") and prints one line:
 *   worker: pid=P tid=T comm=NAME calls=K ok=X err=Y errno=NAME
 * ok counts results equal to the real process group (from /proc/self/stat), err the others.
 * Last line: "threadfork: done".
 */
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "probe_util.h"

#define N_THREADS  4
#define N_CHILDREN 2

static long calls;
static long expected_pgid;
static pthread_barrier_t start_line;

static void work(const char *name)
{
	long i, ok = 0, bad = 0;
	int last_err = 0;

	if (prctl(PR_SET_NAME, name, 0, 0, 0))
		die("prctl");
	for (i = 0; i < calls; i++) {
		long ret = syscall(SYS_getpgid, 0);

		if (ret == expected_pgid) {
			ok++;
		} else {
			bad++;
			if (ret < 0)
				last_err = errno;
		}
	}
	say("worker: pid=%ld tid=%ld comm=%s calls=%ld ok=%ld err=%ld errno=%s", (long)getpid(),
	    (long)syscall(SYS_gettid), name, calls, ok, bad,
	    last_err ? errno_name(last_err) : "none");
}

static void *thread_main(void *arg)
{
	char name[16];

	snprintf(name, sizeof(name), "worker-%d", (int)(long)arg);
	pthread_barrier_wait(&start_line);
	work(name);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t threads[N_THREADS];
	pid_t children[N_CHILDREN];
	int i, status, failed = 0;

	if (argc != 2) {
		say("usage: threadfork K");
		return 2;
	}
	calls = strtol(argv[1], NULL, 10);
	expected_pgid = self_stat_field(5);
	if (pthread_barrier_init(&start_line, NULL, N_THREADS + 1))
		die("pthread_barrier_init");
	for (i = 0; i < N_THREADS; i++)
		if (pthread_create(&threads[i], NULL, thread_main, (void *)(long)(i + 1)))
			die("pthread_create");
	/* Fork while the threads exist: the children inherit the filter from a threaded parent. */
	for (i = 0; i < N_CHILDREN; i++) {
		children[i] = fork();
		if (children[i] < 0)
			die("fork");
		if (children[i] == 0) {
			char name[16];

			snprintf(name, sizeof(name), "child-%d", i + 1);
			work(name);
			_exit(0);
		}
	}
	pthread_barrier_wait(&start_line);
	for (i = 0; i < N_THREADS; i++)
		pthread_join(threads[i], NULL);
	for (i = 0; i < N_CHILDREN; i++) {
		if (waitpid(children[i], &status, 0) != children[i])
			die("waitpid");
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed++;
	}
	say("threadfork: done failed_children=%d", failed);
	return failed ? 1 : 0;
}
