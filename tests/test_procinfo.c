/* SPDX-License-Identifier: MIT */
/*
 * procinfo: thread id → process id, comm, exe, read from /proc once and then cached.
 *
 * The real /proc is used for this process and one of its threads; everything about the cache
 * itself (forgetting a process, clearing when full) uses a fake /proc tree in a temporary
 * directory (cache->proc_root), so that thousands of "processes" with known answers exist.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "procinfo.h"

/* The cache is 4.5 MiB: not on the stack. */
static struct procinfo_cache cache;

/* The fake /proc: tid → (pid, comm, exe), on tmpfs (thousands of small files). */
static char fake_root[64];

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t len = strlen(text);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		ck_abort_msg("%s: %s", path, strerror(errno));
	close(fd);
}

/* Makes fake_root/TID/status and fake_root/TID/exe (a symlink whose text is exe). */
static void fake_thread(pid_t tid, pid_t pid, const char *comm, const char *exe)
{
	char dir[PATH_MAX], path[PATH_MAX], status[512];

	snprintf(dir, sizeof(dir), "%s/%d", fake_root, (int)tid);
	if (mkdir(dir, 0755) < 0)
		ck_abort_msg("mkdir %s: %s", dir, strerror(errno));
	/* The fields the kernel puts before and after the two that are read. */
	snprintf(status, sizeof(status),
	         "Name:\t%s\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t%d\nNgid:\t0\n"
	         "Pid:\t%d\nPPid:\t1\nTracerPid:\t0\n",
	         comm, (int)pid, (int)tid);
	snprintf(path, sizeof(path), "%s/status", dir);
	write_file(path, status);
	if (exe != NULL) {
		snprintf(path, sizeof(path), "%s/exe", dir);
		if (symlink(exe, path) < 0)
			ck_abort_msg("symlink %s: %s", path, strerror(errno));
	}
}

static void fake_setup(void)
{
	snprintf(fake_root, sizeof(fake_root), "/dev/shm/bouncer-procinfo.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(fake_root));
	memset(&cache, 0, sizeof(cache));
	cache.proc_root = fake_root;
	procinfo_cache_init(&cache);
	ck_assert_str_eq(cache.proc_root, fake_root);
}

static void fake_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fake_root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", fake_root);
}

/* Looks tid up and checks the answer; returns whether /proc was read. */
static bool lookup_expect(pid_t tid, pid_t pid, const char *comm, const char *exe)
{
	bool read_proc = false;
	uint64_t misses = cache.misses;
	const struct procinfo *info = procinfo_lookup(&cache, tid, &read_proc);

	ck_assert_ptr_nonnull(info);
	ck_assert_int_eq(info->tid, tid);
	ck_assert_msg(info->pid == pid, "tid %d: pid %d, want %d", tid, info->pid, pid);
	ck_assert_str_eq(info->comm, comm);
	ck_assert_str_eq(info->exe, exe);
	ck_assert_uint_eq(cache.misses, misses + (read_proc ? 1 : 0));
	return read_proc;
}

/* ---- the real /proc ---- */

START_TEST(test_self)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const struct procinfo *first, *again;
	bool read_proc;

	ck_assert_int_gt(n, 0);
	exe[n] = '\0';
	ck_assert_int_eq(prctl(PR_SET_NAME, "pi-self-test", 0, 0, 0), 0);
	memset(&cache, 0, sizeof(cache));
	procinfo_cache_init(&cache);
	ck_assert_str_eq(cache.proc_root, "/proc");

	first = procinfo_lookup(&cache, gettid(), &read_proc);
	ck_assert(read_proc);
	ck_assert_uint_eq(cache.misses, 1);
	ck_assert_int_eq(first->tid, gettid());
	ck_assert_int_eq(first->pid, getpid());
	ck_assert_str_eq(first->comm, "pi-self-test");
	ck_assert_str_eq(first->exe, exe);

	/* A hit answers from memory: no /proc read, same entry, even after the name changed. */
	ck_assert_int_eq(prctl(PR_SET_NAME, "renamed", 0, 0, 0), 0);
	again = procinfo_lookup(&cache, gettid(), &read_proc);
	ck_assert(!read_proc);
	ck_assert_uint_eq(cache.misses, 1);
	ck_assert_ptr_eq(again, first);
	ck_assert_str_eq(again->comm, "pi-self-test");
}
END_TEST

struct worker {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pid_t tid;
	bool done;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	prctl(PR_SET_NAME, "pi-worker", 0, 0, 0);
	pthread_mutex_lock(&w->lock);
	w->tid = gettid();
	pthread_cond_broadcast(&w->cond);
	/* Stay alive (and named) until the main thread has looked us up. */
	while (!w->done)
		pthread_cond_wait(&w->cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

START_TEST(test_thread_maps_to_process)
{
	/* Static: the worker must never see this go away, even if an assertion fails. */
	static struct worker w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, false};
	struct procinfo seen, main_seen;
	bool read_proc, main_read_proc;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	pthread_t thread;

	ck_assert_int_gt(n, 0);
	exe[n] = '\0';
	memset(&cache, 0, sizeof(cache));
	procinfo_cache_init(&cache);
	ck_assert_int_eq(pthread_create(&thread, NULL, worker_main, &w), 0);
	pthread_mutex_lock(&w.lock);
	while (w.tid == 0)
		pthread_cond_wait(&w.cond, &w.lock);
	pthread_mutex_unlock(&w.lock);

	/* Look both threads up while the worker is alive, then let it go before asserting. */
	seen = *procinfo_lookup(&cache, w.tid, &read_proc);
	main_seen = *procinfo_lookup(&cache, getpid(), &main_read_proc);
	pthread_mutex_lock(&w.lock);
	w.done = true;
	pthread_cond_broadcast(&w.cond);
	pthread_mutex_unlock(&w.lock);
	pthread_join(thread, NULL);

	ck_assert(read_proc && main_read_proc);
	ck_assert_int_ne(w.tid, getpid());
	ck_assert_int_eq(seen.tid, w.tid);
	ck_assert_int_eq(seen.pid, getpid());
	ck_assert_str_eq(seen.comm, "pi-worker");
	ck_assert_str_eq(seen.exe, exe);
	/* The main thread is another entry of the same process, sharing the interned exe. */
	ck_assert_int_eq(main_seen.pid, getpid());
	ck_assert_ptr_eq(main_seen.exe, seen.exe);
	ck_assert_uint_eq(cache.misses, 2);
}
END_TEST

/* ---- the fake /proc ---- */

START_TEST(test_fake_tree_and_interning)
{
	const struct procinfo *a, *b;
	bool read_proc;

	fake_thread(100, 100, "sh", "/bin/sh");
	fake_thread(101, 100, "sh-thread", "/bin/sh");
	fake_thread(200, 200, "exactly15chars_", "/usr/bin/env");
	fake_thread(201, 200, "longer-than-fifteen", "/usr/bin/env");
	fake_thread(300, 300, "no-exe", NULL);

	ck_assert(lookup_expect(100, 100, "sh", "/bin/sh"));
	ck_assert(lookup_expect(101, 100, "sh-thread", "/bin/sh"));
	ck_assert(lookup_expect(200, 200, "exactly15chars_", "/usr/bin/env"));
	/* comm holds at most 15 bytes. */
	ck_assert(lookup_expect(201, 200, "longer-than-fif", "/usr/bin/env"));
	/* An unreadable exe (kernel thread, gone process) is "". */
	ck_assert(lookup_expect(300, 300, "no-exe", ""));
	/* A thread that is not there at all: empty, but cached like any other. */
	ck_assert(lookup_expect(999, 0, "", ""));
	ck_assert(!lookup_expect(999, 0, "", ""));
	ck_assert_uint_eq(cache.misses, 6);
	ck_assert_uint_eq(cache.used, 6);

	/* Executable paths are interned: one copy per distinct path. */
	a = procinfo_lookup(&cache, 100, &read_proc);
	b = procinfo_lookup(&cache, 101, &read_proc);
	ck_assert_ptr_eq(a->exe, b->exe);
	ck_assert_uint_eq(cache.arena_used, sizeof("/bin/sh") + sizeof("/usr/bin/env"));
}
END_TEST

/*
 * Forgetting a process (it exec'd) drops the calling thread and every thread of that process,
 * and nothing else: with thousands of entries the table's probe chains must survive it.
 */
#define MANY_FIRST 10000
#define MANY       4000

START_TEST(test_forget_process)
{
	char exe[64], comm[16];
	uint64_t misses;

	for (pid_t t = 1000; t < 1010; t++)
		fake_thread(t, 1000, "p1000", "/bin/p1000");
	for (pid_t t = 2000; t < 2005; t++)
		fake_thread(t, 2000, "p2000", "/bin/p2000");
	for (pid_t t = 3000; t < 3005; t++)
		fake_thread(t, 3000, "p3000", "/bin/p3000");
	for (pid_t t = MANY_FIRST; t < MANY_FIRST + MANY; t++) {
		snprintf(comm, sizeof(comm), "c%d", (int)t);
		snprintf(exe, sizeof(exe), "/opt/exe%d", (int)t % 97);
		fake_thread(t, t, comm, exe);
	}

	for (pid_t t = 1000; t < 1010; t++)
		ck_assert(lookup_expect(t, 1000, "p1000", "/bin/p1000"));
	for (pid_t t = 2000; t < 2005; t++)
		ck_assert(lookup_expect(t, 2000, "p2000", "/bin/p2000"));
	for (pid_t t = 3000; t < 3005; t++)
		ck_assert(lookup_expect(t, 3000, "p3000", "/bin/p3000"));
	for (pid_t t = MANY_FIRST; t < MANY_FIRST + MANY; t++) {
		snprintf(comm, sizeof(comm), "c%d", (int)t);
		snprintf(exe, sizeof(exe), "/opt/exe%d", (int)t % 97);
		ck_assert(lookup_expect(t, t, comm, exe));
	}
	ck_assert_uint_eq(cache.used, 20 + MANY);
	ck_assert_uint_eq(cache.misses, 20 + MANY);

	/* Thread 2003 of process 2000 exec'd. */
	procinfo_forget_process(&cache, 2003, 2000);
	ck_assert_uint_eq(cache.used, 15 + MANY);
	misses = cache.misses;
	/* Everything else is still found without reading /proc... */
	for (pid_t t = 1000; t < 1010; t++)
		ck_assert(!lookup_expect(t, 1000, "p1000", "/bin/p1000"));
	for (pid_t t = 3000; t < 3005; t++)
		ck_assert(!lookup_expect(t, 3000, "p3000", "/bin/p3000"));
	for (pid_t t = MANY_FIRST; t < MANY_FIRST + MANY; t++) {
		snprintf(comm, sizeof(comm), "c%d", (int)t);
		snprintf(exe, sizeof(exe), "/opt/exe%d", (int)t % 97);
		ck_assert(!lookup_expect(t, t, comm, exe));
	}
	ck_assert_uint_eq(cache.misses, misses);
	/* ...and every thread of process 2000 is read again. */
	for (pid_t t = 2000; t < 2005; t++)
		ck_assert(lookup_expect(t, 2000, "p2000", "/bin/p2000"));
	ck_assert_uint_eq(cache.misses, misses + 5);

	/* Without a known pid only the thread itself is forgotten. */
	procinfo_forget_process(&cache, 1005, 0);
	ck_assert(lookup_expect(1005, 1000, "p1000", "/bin/p1000"));
	ck_assert(!lookup_expect(1004, 1000, "p1000", "/bin/p1000"));
	ck_assert(!lookup_expect(1006, 1000, "p1000", "/bin/p1000"));

	/* Forgetting something unknown changes nothing. */
	misses = cache.misses;
	procinfo_forget_process(&cache, 424242, 424242);
	ck_assert_uint_eq(cache.used, 20 + MANY);
	ck_assert(!lookup_expect(3004, 3000, "p3000", "/bin/p3000"));
	ck_assert_uint_eq(cache.misses, misses);
}
END_TEST

/* When the table is 3/4 full the next miss clears it, and the cache keeps answering right. */
START_TEST(test_clears_when_full)
{
	const unsigned full = PROCINFO_SLOTS / 4 * 3;
	char comm[16];
	bool read_proc;

	for (pid_t t = 1; t <= (pid_t)full + 1; t++) {
		snprintf(comm, sizeof(comm), "f%d", (int)t);
		fake_thread(t, (t + 1) / 2, comm, t % 2 ? "/bin/odd" : "/bin/even");
	}
	for (pid_t t = 1; t <= (pid_t)full; t++) {
		snprintf(comm, sizeof(comm), "f%d", (int)t);
		ck_assert(lookup_expect(t, (t + 1) / 2, comm, t % 2 ? "/bin/odd" : "/bin/even"));
	}
	ck_assert_uint_eq(cache.used, full);
	/* All still hits. */
	for (pid_t t = 1; t <= (pid_t)full; t += 97) {
		ck_assert_int_eq(procinfo_lookup(&cache, t, &read_proc)->tid, t);
		ck_assert(!read_proc);
	}

	/* One more: the table starts over with just that entry. */
	snprintf(comm, sizeof(comm), "f%d", (int)full + 1);
	ck_assert(lookup_expect((pid_t)full + 1, ((pid_t)full + 2) / 2, comm,
	                        (full + 1) % 2 ? "/bin/odd" : "/bin/even"));
	ck_assert_uint_eq(cache.used, 1);
	ck_assert(!lookup_expect((pid_t)full + 1, ((pid_t)full + 2) / 2, comm,
	                         (full + 1) % 2 ? "/bin/odd" : "/bin/even"));
	/* Old entries are read again, correctly, and then cached again. */
	ck_assert(lookup_expect(1, 1, "f1", "/bin/odd"));
	ck_assert(lookup_expect(2, 1, "f2", "/bin/even"));
	ck_assert(!lookup_expect(1, 1, "f1", "/bin/odd"));
	ck_assert_uint_eq(cache.used, 3);
}
END_TEST

/*
 * When the arena for executable paths is full, the cache starts over (keeping the entry being
 * looked up) rather than showing a wrong or empty exe.
 */
START_TEST(test_arena_full)
{
	static char exe[PATH_MAX];
	const size_t len = PATH_MAX - 1; /* the longest path readlink can give */
	const int count = (int)(PROCINFO_ARENA / (len + 1)) + 1;
	bool read_proc;

	memset(exe, 'x', len);
	exe[0] = '/';
	for (int t = 1; t <= count; t++) {
		snprintf(exe + 1, 8, "%06d", t);
		exe[7] = 'x';
		fake_thread(t, t, "long", exe);
	}
	for (int t = 1; t < count; t++) {
		snprintf(exe + 1, 8, "%06d", t);
		exe[7] = 'x';
		ck_assert(lookup_expect(t, t, "long", exe));
	}
	ck_assert_uint_eq(cache.used, (unsigned)count - 1);
	ck_assert_uint_le(cache.arena_used, PROCINFO_ARENA);

	/* This path does not fit any more: the cache is cleared, the answer is still right. */
	snprintf(exe + 1, 8, "%06d", count);
	exe[7] = 'x';
	ck_assert(lookup_expect(count, count, "long", exe));
	ck_assert_uint_eq(cache.used, 1);
	ck_assert_uint_eq(cache.arena_used, len + 1);
	ck_assert(!lookup_expect(count, count, "long", exe));
	/* An entry from before the clear is read again. */
	procinfo_lookup(&cache, 1, &read_proc);
	ck_assert(read_proc);
}
END_TEST

/*
 * A caller that is not visible in our pid namespace has tid 0 in its notification. 0 also marks
 * a free slot, so it must not be looked up in the table: the answer is "unknown" (exe "", as
 * for any entry), and it neither takes nor disturbs a slot.
 */
/*
 * verify_exe (bouncer agent: exec is not routed): a thread that exec'd another program
 * unseen is read again on its next lookup; without verify_exe the cache would keep the old
 * program (which `bouncer run` never needs: it sees every exec).
 */
START_TEST(test_verify_exe_notices_an_unseen_exec)
{
	char old_prog[PATH_MAX], new_prog[PATH_MAX], link[PATH_MAX];

	snprintf(old_prog, sizeof(old_prog), "%s/old-prog", fake_root);
	snprintf(new_prog, sizeof(new_prog), "%s/new-prog", fake_root);
	write_file(old_prog, "old");
	write_file(new_prog, "new");
	fake_thread(700, 700, "old", old_prog);
	cache.verify_exe = true;
	ck_assert(lookup_expect(700, 700, "old", old_prog));
	ck_assert(!lookup_expect(700, 700, "old", old_prog));

	/* The "exec": the same thread id, another executable and name. */
	snprintf(link, sizeof(link), "%s/700/exe", fake_root);
	ck_assert_int_eq(unlink(link), 0);
	ck_assert_int_eq(symlink(new_prog, link), 0);
	snprintf(link, sizeof(link), "%s/700/status", fake_root);
	write_file(link, "Name:\tnew\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t700\n");
	ck_assert(lookup_expect(700, 700, "new", new_prog));
	ck_assert(!lookup_expect(700, 700, "new", new_prog));

	/* Without the check the cache answers from memory: what `bouncer run` relies on. */
	cache.verify_exe = false;
	ck_assert_int_eq(unlink(new_prog), 0);
	write_file(new_prog, "replaced");
	ck_assert(!lookup_expect(700, 700, "new", new_prog));
}
END_TEST

START_TEST(test_invisible_caller)
{
	const struct procinfo *info;
	bool read_proc = true;

	fake_thread(5, 5, "five", "/bin/five");
	ck_assert(lookup_expect(5, 5, "five", "/bin/five"));
	for (int i = 0; i < 3; i++) {
		info = procinfo_lookup(&cache, 0, &read_proc);
		ck_assert_ptr_nonnull(info);
		ck_assert_int_eq(info->tid, 0);
		ck_assert_int_eq(info->pid, 0);
		ck_assert_str_eq(info->comm, "");
		ck_assert_ptr_nonnull(info->exe);
		ck_assert_str_eq(info->exe, "");
		ck_assert(!read_proc);
	}
	ck_assert_uint_eq(cache.used, 1);
	ck_assert_uint_eq(cache.misses, 1);
	ck_assert(!lookup_expect(5, 5, "five", "/bin/five"));
	/* Forgetting "process 0" forgets nothing. */
	procinfo_forget_process(&cache, 0, 0);
	ck_assert(!lookup_expect(5, 5, "five", "/bin/five"));
}
END_TEST

static Suite *procinfo_suite(void)
{
	Suite *s = suite_create("procinfo");
	TCase *real = tcase_create("real_proc");
	TCase *fake = tcase_create("fake_proc");

	tcase_add_test(real, test_self);
	tcase_add_test(real, test_thread_maps_to_process);
	suite_add_tcase(s, real);

	tcase_add_checked_fixture(fake, fake_setup, fake_teardown);
	tcase_add_test(fake, test_fake_tree_and_interning);
	tcase_add_test(fake, test_forget_process);
	tcase_add_test(fake, test_clears_when_full);
	tcase_add_test(fake, test_arena_full);
	tcase_add_test(fake, test_invisible_caller);
	tcase_add_test(fake, test_verify_exe_notices_an_unseen_exec);
	suite_add_tcase(s, fake);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(procinfo_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
