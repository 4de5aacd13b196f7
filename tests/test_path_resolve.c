/* SPDX-License-Identifier: MIT */
/*
 * Live tests for path_resolve.c: a real child sits in a temporary tree full of traps
 * (symlinks out of the tree, `..` escapes, doubled slashes, /proc/self paths, a chroot), and
 * every path it could pass must resolve to where it really leads.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <ftw.h>
#include <sys/wait.h>
#include <unistd.h>

#include <seccomp.h>
#include <sys/syscall.h>

#include "path_resolve.h"
#include "target_mem.h"

static char base[PATH_MAX]; /* real path of the temporary tree */

struct child {
	pid_t pid;
	int outside_fd; /* the child's descriptor number for base/outside */
	int file_fd;    /* base/dir/file, opened read-only */
	int sock_fd;    /* an AF_UNIX socket */
	int memfd;      /* a memfd (no location) */
	int release_fd;
};

/* base + suffix, in a static buffer (one at a time). */
static const char *in_base(const char *suffix)
{
	static char p[PATH_MAX * 2];

	snprintf(p, sizeof(p), "%s%s", base, suffix);
	return p;
}

static void make_tree(void)
{
	char tmpl[] = "/tmp/bouncer-path-resolve-XXXXXX";
	static const char *const dirs[] = {"/dir", "/dir/sub", "/outside", "/gone"};
	static const char *const files[] = {"/dir/file", "/outside/secret"};
	static const char *const links[][2] = {
	        {"../outside", "/dir/link_out"},  {"../outside/secret", "/dir/final_link"},
	        {"/outside", "/dir/abs_in_root"}, {"loop", "/dir/loop"},
	        {"/proc/self", "/dir/me"},        {"/etc", "/dir/etc_link"},
	};

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	ck_assert_ptr_nonnull(realpath(tmpl, base));
	ck_assert(strncmp(base, "/tmp/", 5) == 0);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		ck_assert_msg(mkdir(in_base(dirs[i]), 0755) == 0, "mkdir %s", in_base(dirs[i]));
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int fd = creat(in_base(files[i]), 0644);

		ck_assert_int_ge(fd, 0);
		close(fd);
	}
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		ck_assert_msg(symlink(links[i][0], in_base(links[i][1])) == 0, "symlink %s",
		              in_base(links[i][1]));
}

/* Starts a child in base/<cwd> (chrooted into base first if chrooted). */
static struct child start_child(const char *cwd, bool chrooted)
{
	struct child ch;
	int out[2], rel[2];
	char p[PATH_MAX + 64];

	ck_assert_int_eq(pipe(out), 0);
	ck_assert_int_eq(pipe(rel), 0);
	ch.pid = fork();
	ck_assert_int_ge(ch.pid, 0);
	if (ch.pid == 0) {
		char c;

		close(out[0]);
		close(rel[1]);
		/* Everything is opened before a chroot, so that the descriptors lead outside it. */
		int fds[4] = {open(in_base("/outside"), O_RDONLY | O_DIRECTORY),
		              open(in_base("/dir/file"), O_RDONLY), socket(AF_UNIX, SOCK_STREAM, 0),
		              memfd_create("m", 0)};

		if (chrooted && (chroot(base) != 0))
			_exit(90);
		snprintf(p, sizeof(p), "%s/%s", chrooted ? "" : base, cwd);
		if (fds[0] < 0 || chdir(p) != 0)
			_exit(91);
		if (write(out[1], fds, sizeof(fds)) != sizeof(fds))
			_exit(92);
		while (read(rel[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(out[1]);
	close(rel[0]);
	int fds[4];

	ck_assert_int_eq(read(out[0], fds, sizeof(fds)), (ssize_t)sizeof(fds));
	ch.outside_fd = fds[0];
	ch.file_fd = fds[1];
	ch.sock_fd = fds[2];
	ch.memfd = fds[3];
	ck_assert(ch.file_fd >= 0 && ch.sock_fd >= 0 && ch.memfd >= 0);
	close(out[0]);
	ch.release_fd = rel[1];
	return ch;
}

static int remove_entry(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(p);
}

static void stop_child(struct child *ch)
{
	int status;

	close(ch->release_fd);
	ck_assert_int_eq(waitpid(ch->pid, &status, 0), ch->pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	nftw(base, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Resolves and checks the reported location; want is under base if in_base. */
static void expect_at(const struct child *ch, int dirfd, const char *path, unsigned flags,
                      const char *want_path, bool in_base)
{
	struct path_resolution r;
	char want[PATH_MAX * 2];
	int rc = path_resolve(ch->pid, 0, dirfd, path, flags, -1, 0, &r);

	snprintf(want, sizeof(want), "%s%s", in_base ? base : "", want_path);
	ck_assert_msg(rc == 0, "'%s': %s", path, strerror(-rc));
	ck_assert_msg(strcmp(r.path, want) == 0, "'%s' resolved to '%s', want '%s'", path, r.path,
	              want);
	ck_assert_int_ge(r.parent_fd, 0);
	path_resolution_release(&r);
	ck_assert_int_eq(r.parent_fd, -1);
}

static void expect_error(const struct child *ch, int dirfd, const char *path, unsigned flags,
                         int want)
{
	struct path_resolution r;
	int rc = path_resolve(ch->pid, 0, dirfd, path, flags, -1, 0, &r);

	ck_assert_msg(rc == want, "'%s': got %d (%s), want %d", path, rc, strerror(-rc), want);
	ck_assert_int_eq(r.parent_fd, -1);
}

START_TEST(dot_dot_and_double_slashes)
{
	make_tree();
	struct child ch = start_child("dir", false);

	expect_at(&ch, AT_FDCWD, "file", 0, "/dir/file", true);
	expect_at(&ch, AT_FDCWD, "sub/../file", 0, "/dir/file", true);
	expect_at(&ch, AT_FDCWD, "./sub//.//..//file", 0, "/dir/file", true);
	expect_at(&ch, AT_FDCWD, "../outside/../dir//sub", 0, "/dir/sub", true);
	expect_at(&ch, AT_FDCWD, "sub/", 0, "/dir/sub", true);
	expect_at(&ch, AT_FDCWD, "sub/..", 0, "/dir", true);
	expect_at(&ch, AT_FDCWD, ".", 0, "/dir", true);
	/* `..` stops at the root, however many there are. */
	expect_at(&ch, AT_FDCWD, "../../../../../../../../../etc/passwd", 0, "/etc/passwd", false);
	expect_at(&ch, AT_FDCWD, "/../../etc//passwd", 0, "/etc/passwd", false);
	expect_at(&ch, AT_FDCWD, "//", 0, "/", false);
	/* Absolute paths ignore dirfd, as in the kernel. */
	expect_at(&ch, 12345, "/etc/passwd", 0, "/etc/passwd", false);

	expect_error(&ch, AT_FDCWD, "", 0, -ENOENT);
	expect_error(&ch, AT_FDCWD, "missing/x", 0, -ENOENT);
	expect_error(&ch, AT_FDCWD, "file/x", 0, -ENOTDIR);
	expect_error(&ch, 12345, "x", 0, -ENOENT); /* no such descriptor in the target */
	stop_child(&ch);
}
END_TEST

START_TEST(symlinks_resolve_to_their_real_location)
{
	make_tree();
	struct child ch = start_child("dir", false);
	struct path_resolution r;

	/* A symlink in the middle is followed: the glob sees the outside location. */
	expect_at(&ch, AT_FDCWD, "link_out/secret", 0, "/outside/secret", true);
	expect_at(&ch, AT_FDCWD, "etc_link/passwd", 0, "/etc/passwd", false);
	/* A final symlink is reported as itself unless the syscall follows it. */
	ck_assert_int_eq(path_resolve(ch.pid, 0, AT_FDCWD, "final_link", 0, -1, 0, &r), 0);
	ck_assert(r.final_exists && r.final_is_symlink);
	ck_assert_str_eq(r.final, "final_link");
	path_resolution_release(&r);
	expect_at(&ch, AT_FDCWD, "final_link", PATH_RESOLVE_FOLLOW, "/outside/secret", true);
	ck_assert_int_eq(
	        path_resolve(ch.pid, 0, AT_FDCWD, "final_link", PATH_RESOLVE_FOLLOW, -1, 0, &r), 0);
	ck_assert(r.final_exists && !r.final_is_symlink);
	path_resolution_release(&r);
	/* A trailing slash follows too, as in the kernel. */
	expect_at(&ch, AT_FDCWD, "link_out/", 0, "/outside", true);
	/* Loops. */
	expect_error(&ch, AT_FDCWD, "loop", PATH_RESOLVE_FOLLOW, -ELOOP);
	expect_error(&ch, AT_FDCWD, "loop/x", 0, -ELOOP);
	/* A missing final component is fine: creating it is what the syscall may do. */
	ck_assert_int_eq(path_resolve(ch.pid, 0, AT_FDCWD, "link_out/new", 0, -1, 0, &r), 0);
	ck_assert(!r.final_exists);
	ck_assert_str_eq(r.parent_path, in_base("/outside"));
	/* The parent descriptor is the real directory: acting through it lands there. */
	ck_assert_int_eq(faccessat(r.parent_fd, "secret", F_OK, 0), 0);
	path_resolution_release(&r);
	stop_child(&ch);
}
END_TEST

START_TEST(dirfd_and_proc_self_paths)
{
	make_tree();
	struct child ch = start_child("dir", false);
	char p[128];

	/* dirfd: the target's own descriptor, not ours. */
	expect_at(&ch, ch.outside_fd, "secret", 0, "/outside/secret", true);
	expect_at(&ch, ch.outside_fd, "../dir/file", 0, "/dir/file", true);
	/* /proc/self means the target, not the supervisor. */
	expect_at(&ch, AT_FDCWD, "/proc/self/cwd/file", 0, "/dir/file", true);
	expect_at(&ch, AT_FDCWD, "/proc//self/cwd/sub/../file", 0, "/dir/file", true);
	expect_at(&ch, AT_FDCWD, "/proc/thread-self/cwd/file", 0, "/dir/file", true);
	expect_at(&ch, AT_FDCWD, "/proc/self/cwd/", 0, "/dir", true);
	snprintf(p, sizeof(p), "/proc/%d/cwd/sub/new", (int)ch.pid);
	expect_at(&ch, AT_FDCWD, p, 0, "/dir/sub/new", true);
	snprintf(p, sizeof(p), "/proc/self/fd/%d/secret", ch.outside_fd);
	expect_at(&ch, AT_FDCWD, p, 0, "/outside/secret", true);
	expect_at(&ch, AT_FDCWD, "/proc/self/root/etc/passwd", 0, "/etc/passwd", false);
	snprintf(p, sizeof(p), "/proc/%d/status", (int)ch.pid);
	expect_at(&ch, AT_FDCWD, "/proc/self/status", 0, p, false);
	/* The magic link itself, unfollowed, is the target's entry; followed, refused. */
	snprintf(p, sizeof(p), "/proc/%d/cwd", (int)ch.pid);
	expect_at(&ch, AT_FDCWD, "/proc/self/cwd", 0, p, false);
	expect_error(&ch, AT_FDCWD, "/proc/self/cwd", PATH_RESOLVE_FOLLOW, -ELOOP);
	/* Through a symlink to /proc/self, the supervisor would read its own entry: refused. */
	expect_error(&ch, AT_FDCWD, "me/environ", 0, -EXDEV);
	expect_error(&ch, AT_FDCWD, "me/cwd/file", 0, -ELOOP);
	snprintf(p, sizeof(p), "/proc/%d/environ", (int)getpid());
	expect_error(&ch, AT_FDCWD, p, 0, -EXDEV);
	/* Following that symlink by its text goes through the rewrite: the target's entry. */
	snprintf(p, sizeof(p), "/proc/%d", (int)ch.pid);
	expect_at(&ch, AT_FDCWD, "me", PATH_RESOLVE_FOLLOW, p, false);
	/* /proc/mounts -> self/mounts is a plain symlink at the top of /proc. */
	snprintf(p, sizeof(p), "/proc/%d/mounts", (int)ch.pid);
	expect_at(&ch, AT_FDCWD, "/proc/mounts", PATH_RESOLVE_FOLLOW, p, false);
	stop_child(&ch);
}
END_TEST

START_TEST(empty_path_names_the_dirfd)
{
	make_tree();
	struct child ch = start_child("dir", false);
	struct path_resolution r;

	/* Without AT_EMPTY_PATH an empty path is ENOENT, as in the kernel. */
	expect_error(&ch, ch.file_fd, "", 0, -ENOENT);
	expect_at(&ch, ch.file_fd, "", PATH_RESOLVE_EMPTY_PATH, "/dir/file", true);
	expect_at(&ch, ch.outside_fd, "", PATH_RESOLVE_EMPTY_PATH, "/outside", true);
	expect_at(&ch, AT_FDCWD, "", PATH_RESOLVE_EMPTY_PATH, "/dir", true);
	ck_assert_int_eq(
	        path_resolve(ch.pid, 0, ch.file_fd, "", PATH_RESOLVE_EMPTY_PATH, -1, 0, &r), 0);
	ck_assert(!r.anonymous && r.final[0] == '\0' && r.final_exists);
	path_resolution_release(&r);
	/* Objects without a place in the tree are anonymous: no path to match. */
	ck_assert_int_eq(
	        path_resolve(ch.pid, 0, ch.sock_fd, "", PATH_RESOLVE_EMPTY_PATH, -1, 0, &r), 0);
	ck_assert(r.anonymous);
	ck_assert_str_eq(r.path, "");
	path_resolution_release(&r);
	ck_assert_int_eq(path_resolve(ch.pid, 0, ch.memfd, "", PATH_RESOLVE_EMPTY_PATH, -1, 0, &r),
	                 0);
	ck_assert(r.anonymous);
	ck_assert_str_eq(r.path, "");
	path_resolution_release(&r);
	/* A deleted file has no location either. */
	ck_assert_int_eq(unlink(in_base("/dir/file")), 0);
	ck_assert_int_eq(
	        path_resolve(ch.pid, 0, ch.file_fd, "", PATH_RESOLVE_EMPTY_PATH, -1, 0, &r), 0);
	ck_assert(r.anonymous);
	path_resolution_release(&r);
	expect_error(&ch, 9999, "", PATH_RESOLVE_EMPTY_PATH, -EBADF);
	stop_child(&ch);
}
END_TEST

START_TEST(chrooted_target_sees_its_root)
{
	make_tree();
	struct child ch = start_child("dir", true);

	/* Paths are reported as the target sees them: relative to its root. */
	expect_at(&ch, AT_FDCWD, "file", 0, "/dir/file", false);
	expect_at(&ch, AT_FDCWD, "../../../../outside/secret", 0, "/outside/secret", false);
	expect_at(&ch, AT_FDCWD, "/../../outside/secret", 0, "/outside/secret", false);
	/* Absolute symlinks resolve inside the target's root, not the supervisor's. */
	expect_at(&ch, AT_FDCWD, "abs_in_root/secret", 0, "/outside/secret", false);
	expect_at(&ch, AT_FDCWD, "link_out/secret", 0, "/outside/secret", false);
	/* /etc does not exist in this root. */
	expect_error(&ch, AT_FDCWD, "etc_link/passwd", 0, -ENOENT);
	expect_at(&ch, ch.outside_fd, "secret", 0, "/outside/secret", false);
	expect_at(&ch, ch.file_fd, "", PATH_RESOLVE_EMPTY_PATH, "/dir/file", false);
	stop_child(&ch);
}
END_TEST

START_TEST(removed_directory_has_no_location)
{
	make_tree();
	struct child ch = start_child("gone", false);
	char p[PATH_MAX + 16];

	snprintf(p, sizeof(p), "%s/gone", base);
	ck_assert_int_eq(rmdir(p), 0);
	expect_error(&ch, AT_FDCWD, "x", 0, -ENOENT);
	stop_child(&ch);
}
END_TEST

START_TEST(gone_target)
{
	make_tree();
	struct child ch = start_child("dir", false);
	int status;

	kill(ch.pid, SIGKILL);
	ck_assert_int_eq(waitpid(ch.pid, &status, 0), ch.pid);
	expect_error(&ch, AT_FDCWD, "file", 0, -ENOENT);
	close(ch.release_fd);
	nftw(base, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
END_TEST

static void on_usr1(int sig)
{
}

/*
 * The whole chain as the supervisor will run it: a notified mkdirat, its path read from the
 * target's memory, resolved while the notification is live; once the syscall is interrupted,
 * the same resolution is refused although the target and its cwd still exist.
 */
START_TEST(stale_notification_is_refused)
{
	int info[2], done[2], rel[2], lfd_num, pidfd, lfd, err, status;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	struct path_resolution r;
	char path[PATH_MAX];
	pid_t pid;

	make_tree();
	ck_assert_int_eq(pipe(info), 0);
	ck_assert_int_eq(pipe(done), 0);
	ck_assert_int_eq(pipe(rel), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct sigaction sa = {.sa_handler = on_usr1}; /* no SA_RESTART */
		scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
		char c;

		close(rel[1]);
		sigaction(SIGUSR1, &sa, NULL);
		if (chdir(in_base("/dir")) != 0)
			_exit(79);
		if (ctx == NULL ||
		    seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(mkdirat), 0) < 0 ||
		    seccomp_load(ctx) < 0)
			_exit(80);
		lfd_num = seccomp_notify_fd(ctx);
		if (write(info[1], &lfd_num, sizeof(lfd_num)) != sizeof(lfd_num))
			_exit(81);
		err = mkdirat(AT_FDCWD, "sub/../sub/new", 0700) < 0 ? errno : 0;
		if (write(done[1], &err, sizeof(err)) != sizeof(err))
			_exit(82);
		while (read(rel[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(rel[0]);
	ck_assert_int_eq(read(info[0], &lfd_num, sizeof(lfd_num)), (ssize_t)sizeof(lfd_num));
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	ck_assert_int_ge(pidfd, 0);
	lfd = (int)syscall(SYS_pidfd_getfd, pidfd, lfd_num, 0);
	ck_assert_int_ge(lfd, 0);
	ck_assert_int_eq(seccomp_notify_alloc(&req, &resp), 0);
	memset(req, 0, sizeof(*req));
	ck_assert_int_eq(seccomp_notify_receive(lfd, req), 0);

	ck_assert_int_gt(target_read_string((pid_t)req->pid, req->data.args[1], path, sizeof(path),
	                                    lfd, req->id),
	                 0);
	ck_assert_int_eq(
	        path_resolve((pid_t)req->pid, 0, (int)req->data.args[0], path, 0, lfd, req->id, &r),
	        0);
	ck_assert_str_eq(r.path, in_base("/dir/sub/new"));
	ck_assert(!r.final_exists);
	path_resolution_release(&r);

	kill(pid, SIGUSR1);
	ck_assert_int_eq(read(done[0], &err, sizeof(err)), (ssize_t)sizeof(err));
	ck_assert_int_eq(err, EINTR);
	ck_assert_int_eq(
	        path_resolve((pid_t)req->pid, 0, (int)req->data.args[0], path, 0, lfd, req->id, &r),
	        -ENOENT);
	ck_assert_int_eq(r.parent_fd, -1);
	/* Only the notification check refused it. */
	ck_assert_int_eq(
	        path_resolve((pid_t)req->pid, 0, (int)req->data.args[0], path, 0, -1, 0, &r), 0);
	path_resolution_release(&r);

	close(rel[1]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	seccomp_notify_free(req, resp);
	close(lfd);
	close(pidfd);
	nftw(base, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
END_TEST

START_TEST(openat2_is_available_here)
{
	/* The test machines run Linux >= 5.6; elsewhere callers deny (see path_resolve.h). */
	ck_assert_int_eq(path_resolve_available(), 0);
}
END_TEST

static Suite *path_resolve_suite(void)
{
	Suite *s = suite_create("path_resolve");
	TCase *tc = tcase_create("live");

	tcase_add_test(tc, openat2_is_available_here);
	tcase_add_test(tc, dot_dot_and_double_slashes);
	tcase_add_test(tc, symlinks_resolve_to_their_real_location);
	tcase_add_test(tc, dirfd_and_proc_self_paths);
	tcase_add_test(tc, empty_path_names_the_dirfd);
	tcase_add_test(tc, chrooted_target_sees_its_root);
	tcase_add_test(tc, removed_directory_has_no_location);
	tcase_add_test(tc, gone_target);
	tcase_add_test(tc, stale_notification_is_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(path_resolve_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
