/* SPDX-License-Identifier: MIT */
/*
 * emulate_creds.c: reading a thread's identity from /proc and acting with it on the calling
 * thread only. Needs root (the supervisor's situation); skipped otherwise.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "emulate_creds.h"

START_TEST(reads_its_own_identity)
{
	struct target_creds c;
	gid_t groups[EMULATE_GROUPS_MAX];
	int n = getgroups(EMULATE_GROUPS_MAX, groups);
	mode_t old = umask(027);

	ck_assert_int_eq(emulate_creds_read((pid_t)syscall(SYS_gettid), &c), 0);
	umask(old);
	ck_assert_uint_eq(c.euid, geteuid());
	ck_assert_uint_eq(c.ruid, getuid());
	ck_assert_uint_eq(c.fsuid, geteuid());
	ck_assert_uint_eq(c.egid, getegid());
	ck_assert_uint_eq(c.umask, 027);
	ck_assert_int_eq((int)c.n_groups, n);
	ck_assert_int_eq(emulate_creds_read(999999999, &c), -ENOENT);
}
END_TEST

START_TEST(cached_reads_follow_changes_and_refuse_a_gone_thread)
{
	struct creds_fd_cache cache;
	struct target_creds c;
	pid_t self = (pid_t)syscall(SYS_gettid);
	mode_t old = umask(022);

	emulate_creds_cache_init(&cache);
	ck_assert_int_eq(emulate_creds_read_cached(&cache, self, &c), 0);
	ck_assert_uint_eq(c.umask, 022);
	umask(077);
	/* The same descriptor, read again: the file is regenerated, not stale. */
	ck_assert_int_eq(emulate_creds_read_cached(&cache, self, &c), 0);
	ck_assert_uint_eq(c.umask, 077);
	umask(old);
	ck_assert_int_eq(emulate_creds_read_cached(&cache, 999999999, &c), -ENOENT);
	emulate_creds_cache_release(&cache);
}
END_TEST

static uid_t owner_of_new_file(const char *dir, const char *name)
{
	char path[512];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(fstat(fd, &st), 0);
	close(fd);
	return st.st_uid;
}

/* A thread started before the switch (new threads inherit the creator's credentials). */
struct other_thread {
	const char *dir;
	uid_t owner;
	pthread_barrier_t go, done;
};

static void *create_in_other_thread(void *arg)
{
	struct other_thread *o = arg;

	pthread_barrier_wait(&o->go);
	o->owner = owner_of_new_file(o->dir, "other-thread");
	pthread_barrier_wait(&o->done);
	return NULL;
}

START_TEST(acts_as_another_user_on_this_thread_only_and_restores)
{
	char dir[] = "/tmp/emulate-creds.XXXXXX";
	struct creds_switch sw;
	struct target_creds nobody;
	struct other_thread o;
	pthread_t t;
	char path[512];

	if (geteuid() != 0)
		return; /* the supervisor runs as root; nothing to show otherwise */
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 01777), 0);
	ck_assert_int_eq(emulate_creds_self(&sw), 0);
	o.dir = dir;
	pthread_barrier_init(&o.go, NULL, 2);
	pthread_barrier_init(&o.done, NULL, 2);
	pthread_create(&t, NULL, create_in_other_thread, &o);
	nobody = sw.self;
	nobody.fsuid = nobody.euid = nobody.ruid = 65534;
	nobody.fsgid = nobody.egid = nobody.rgid = 65534;
	nobody.n_groups = 0;
	nobody.cap_eff = 0;
	ck_assert_int_eq(emulate_creds_enter(&sw, &nobody), 0);
	ck_assert_uint_eq(owner_of_new_file(dir, "as-nobody"), 65534);
	/* A root-only file is out of reach: DAC applies, the capabilities were dropped. */
	ck_assert_int_eq(open("/etc/shadow", O_RDONLY | O_CLOEXEC), -1);
	ck_assert_int_eq(errno, EACCES);
	/* Other threads of the supervisor keep its identity. */
	pthread_barrier_wait(&o.go);
	pthread_barrier_wait(&o.done);
	pthread_join(t, NULL);
	ck_assert_uint_eq(o.owner, 0);
	emulate_creds_restore(&sw);
	ck_assert_uint_eq(owner_of_new_file(dir, "as-root"), 0);
	ck_assert_int_eq(access("/etc/shadow", R_OK), 0);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

START_TEST(a_root_caller_without_dac_override_is_refused_what_it_would_be)
{
	char path[] = "/tmp/emulate-creds-file.XXXXXX";
	struct creds_switch sw;
	struct target_creds weak;
	int fd;

	if (geteuid() != 0)
		return;
	/* Another user's private file: root reaches it only through CAP_DAC_OVERRIDE. */
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fchown(fd, 65534, 65534), 0);
	ck_assert_int_eq(fchmod(fd, 0600), 0);
	close(fd);
	ck_assert_int_eq(emulate_creds_self(&sw), 0);
	weak = sw.self;
	weak.cap_eff &= ~((1ull << CAP_DAC_OVERRIDE) | (1ull << CAP_DAC_READ_SEARCH));
	ck_assert_int_eq(emulate_creds_enter(&sw, &weak), 0);
	ck_assert_int_eq(open(path, O_RDONLY | O_CLOEXEC), -1);
	ck_assert_int_eq(errno, EACCES);
	emulate_creds_restore(&sw);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	close(fd);
	unlink(path);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("emulate_creds");
	TCase *tc = tcase_create("live");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, reads_its_own_identity);
	tcase_add_test(tc, cached_reads_follow_changes_and_refuse_a_gone_thread);
	tcase_add_test(tc, acts_as_another_user_on_this_thread_only_and_restores);
	tcase_add_test(tc, a_root_caller_without_dac_override_is_refused_what_it_would_be);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
