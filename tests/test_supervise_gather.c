/* SPDX-License-Identifier: MIT */
/*
 * Live test for supervise_gather.c: a child makes real syscalls under a NOTIFY filter, and the
 * test plays the supervisor — receive, gather the facts, deny — then checks what was gathered
 * for each call: real locations through symlinks, both paths of a rename, addresses from
 * connect and from a msghdr, a relative unix socket path, execve's followed program and argv,
 * AT_EMPTY_PATH, the caller's exe and ids, and openat2's RESOLVE_IN_ROOT refusal.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "supervise_gather.h"

static char base[PATH_MAX];

static const char *in_base(const char *suffix)
{
	static char p[PATH_MAX * 2];

	snprintf(p, sizeof(p), "%s%s", base, suffix);
	return p;
}

static void make_tree(void)
{
	char tmpl[] = "/tmp/bouncer-gather-XXXXXX";
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	ck_assert_ptr_nonnull(realpath(tmpl, base));
	ck_assert_int_eq(mkdir(in_base("/dir"), 0755), 0);
	ck_assert_int_eq(mkdir(in_base("/outside"), 0755), 0);
	fd = creat(in_base("/dir/file"), 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
	fd = creat(in_base("/outside/secret"), 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(symlink("../outside", in_base("/dir/link_out")), 0);
	ck_assert_int_eq(symlink("../outside/secret", in_base("/dir/final_link")), 0);
	ck_assert_int_eq(symlink("../outside/s.sock", in_base("/dir/sock_link")), 0);
}

static int remove_entry(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(p);
}

/* What the "supervisor" saw for one notification. */
struct seen {
	char name[32];
	int rc;
	size_t n_paths;
	char paths[2][PATH_MAX];
	char addr[SOCKADDR_FORMAT_MAX];
	char unix_path[PATH_MAX];
	char exec_path[PATH_MAX];
	size_t argc;
	char argv[3][32];
	char exe[PATH_MAX];
	uint32_t uid, gid;
};

enum { N_CALLS = 12 };

static void child_calls(void)
{
	struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(443)};
	struct sockaddr_in dns = {.sin_family = AF_INET, .sin_port = htons(53)};
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	struct open_how how = {.flags = O_RDONLY, .resolve = RESOLVE_IN_ROOT};
	char *argv[] = {"true", "--x", NULL};
	char *envp[] = {NULL};
	struct iovec iov = {.iov_base = "q", .iov_len = 1};
	struct msghdr msg = {
	        .msg_name = &dns, .msg_namelen = sizeof(dns), .msg_iov = &iov, .msg_iovlen = 1};
	int outside = open(in_base("/outside"), O_RDONLY | O_DIRECTORY);
	int file = open(in_base("/dir/file"), O_RDONLY);
	int tcp = socket(AF_INET, SOCK_STREAM, 0);
	int udp = socket(AF_INET, SOCK_DGRAM, 0);
	int unx = socket(AF_UNIX, SOCK_STREAM, 0);
	struct stat st;

	in.sin_addr.s_addr = htonl(0x0a010203);
	dns.sin_addr.s_addr = htonl(0x0a090909);
	strcpy(un.sun_path, "sock_link");
	if (outside < 0 || file < 0 || tcp < 0 || udp < 0 || unx < 0)
		_exit(70);

	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	const char *names[] = {"openat",  "openat2", "renameat2", "connect",
	                       "sendmsg", "sendto",  "execve",    "newfstatat"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, seccomp_syscall_resolve_name(names[i]),
		                     0) < 0)
			_exit(71);
	if (seccomp_load(ctx) < 0)
		_exit(72);
	int lfd = seccomp_notify_fd(ctx);

	if (write(3, &lfd, sizeof(lfd)) != sizeof(lfd))
		_exit(73);

	/* The order is the order of struct seen[] in the parent. */
	syscall(SYS_openat, AT_FDCWD, "link_out/secret", O_RDONLY);         /* 0 */
	syscall(SYS_openat, AT_FDCWD, "final_link", O_RDONLY | O_NOFOLLOW); /* 1 */
	syscall(SYS_openat, AT_FDCWD, "final_link", O_RDONLY);              /* 2 */
	syscall(SYS_openat2, outside, "secret", &how, sizeof(how));         /* 3 */
	syscall(SYS_renameat2, AT_FDCWD, "file", outside, "moved", 0);      /* 4 */
	syscall(SYS_connect, tcp, &in, sizeof(in));                         /* 5 */
	syscall(SYS_connect, unx, &un, sizeof(un));                         /* 6 */
	syscall(SYS_sendmsg, udp, &msg, 0);                                 /* 7 */
	syscall(SYS_sendto, tcp, "x", 1, 0, NULL, 0);                       /* 8 */
	syscall(SYS_execve, "/bin/true", argv, envp);                       /* 9 */
	syscall(SYS_newfstatat, file, "", &st, AT_EMPTY_PATH);              /* 10 */
	syscall(SYS_newfstatat, udp, "", &st, AT_EMPTY_PATH);               /* 11 */
	_exit(0);
}

START_TEST(facts_of_real_notifications)
{
	static struct seen seen[N_CALLS];
	static struct supervise_gather_buf buf;
	static char arena[8192] __attribute__((aligned(8)));
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	int sv[2], child_lfd, pidfd, lfd, status;
	pid_t pid;

	make_tree();
	ck_assert_int_eq(pipe(sv), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (chdir(in_base("/dir")) != 0 || dup2(sv[1], 3) != 3)
			_exit(69);
		child_calls();
	}
	close(sv[1]);
	ck_assert_int_eq(read(sv[0], &child_lfd, sizeof(child_lfd)), (ssize_t)sizeof(child_lfd));
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	lfd = (int)syscall(SYS_pidfd_getfd, pidfd, child_lfd, 0);
	ck_assert_int_ge(lfd, 0);
	ck_assert_int_eq(seccomp_notify_alloc(&req, &resp), 0);

	for (int i = 0; i < N_CALLS; i++) {
		struct supervise_facts f;
		struct seen *s = &seen[i];
		char *name;

		memset(req, 0, sizeof(*req));
		ck_assert_int_eq(seccomp_notify_receive(lfd, req), 0);
		name = seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr);
		ck_assert_ptr_nonnull(name);
		snprintf(s->name, sizeof(s->name), "%s", name);
		free(name);

		struct supervise_request r = {.tid = (pid_t)req->pid,
		                              .ptr_size = 8,
		                              .listener_fd = lfd,
		                              .notif_id = req->id};

		memcpy(r.args, req->data.args, sizeof(r.args));
		supervise_gather_init(&buf, arena, sizeof(arena), 16);
		s->rc = supervise_gather(&r, syscall_args_lookup(s->name), ~0u, &buf, &f);
		s->n_paths = f.n_paths;
		for (size_t k = 0; k < f.n_paths; k++)
			snprintf(s->paths[k], sizeof(s->paths[k]), "%s", f.paths[k]);
		if (f.addr != NULL)
			sockaddr_format(f.addr, f.addr_len, s->addr, sizeof(s->addr));
		snprintf(s->unix_path, sizeof(s->unix_path), "%s", f.unix_path ? f.unix_path : "");
		snprintf(s->exec_path, sizeof(s->exec_path), "%s", f.exec_path ? f.exec_path : "");
		s->argc = f.argc;
		for (size_t k = 0; k < f.argc && k < 3; k++)
			snprintf(s->argv[k], sizeof(s->argv[k]), "%s", f.argv[k]);
		snprintf(s->exe, sizeof(s->exe), "%s", f.exe ? f.exe : "");
		s->uid = f.uid;
		s->gid = f.gid;
		supervise_gather_release(&buf);

		memset(resp, 0, sizeof(*resp));
		resp->id = req->id;
		resp->error = -EPERM;
		ck_assert_int_eq(seccomp_notify_respond(lfd, resp), 0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
	seccomp_notify_free(req, resp);
	close(lfd);
	close(pidfd);

	for (int i = 0; i < N_CALLS; i++)
		ck_assert_msg(seen[i].rc == 0 || i == 3, "call %d (%s): %d", i, seen[i].name,
		              seen[i].rc);
	/* 0: a symlink in the middle leads outside. */
	ck_assert_str_eq(seen[0].name, "openat");
	ck_assert_uint_eq(seen[0].n_paths, 1);
	ck_assert_str_eq(seen[0].paths[0], in_base("/outside/secret"));
	/* 1, 2: O_NOFOLLOW keeps the final symlink, without it the target counts. */
	ck_assert_str_eq(seen[1].paths[0], in_base("/dir/final_link"));
	ck_assert_str_eq(seen[2].paths[0], in_base("/outside/secret"));
	/* 3: openat2 with RESOLVE_IN_ROOT is refused. */
	ck_assert_str_eq(seen[3].name, "openat2");
	ck_assert_int_eq(seen[3].rc, -EXDEV);
	/* 4: both paths of a rename, each relative to its own dirfd. */
	ck_assert_uint_eq(seen[4].n_paths, 2);
	ck_assert_str_eq(seen[4].paths[0], in_base("/dir/file"));
	ck_assert_str_eq(seen[4].paths[1], in_base("/outside/moved"));
	/* 5, 7, 8: addresses from connect, from sendmsg's msghdr, and none for sendto(NULL). */
	ck_assert_str_eq(seen[5].addr, "inet:10.1.2.3:443");
	ck_assert_str_eq(seen[7].name, "sendmsg");
	ck_assert_str_eq(seen[7].addr, "inet:10.9.9.9:53");
	ck_assert_str_eq(seen[8].name, "sendto");
	ck_assert_str_eq(seen[8].addr, "");
	/* 6: a relative unix socket path through a symlink: its real location. */
	ck_assert_str_eq(seen[6].addr, "unix:sock_link");
	ck_assert_str_eq(seen[6].unix_path, in_base("/outside/s.sock"));
	/* 9: execve of /bin/true: the followed program (merged /usr: /usr/bin/true) and argv. */
	ck_assert_str_eq(seen[9].name, "execve");
	{
		char real[PATH_MAX];

		ck_assert_ptr_nonnull(realpath("/bin/true", real));
		ck_assert_str_eq(seen[9].exec_path, real);
	}
	ck_assert_uint_eq(seen[9].argc, 2);
	ck_assert_str_eq(seen[9].argv[0], "true");
	ck_assert_str_eq(seen[9].argv[1], "--x");
	/* 10, 11: AT_EMPTY_PATH names the fd: a file has a path, a socket has none. */
	ck_assert_uint_eq(seen[10].n_paths, 1);
	ck_assert_str_eq(seen[10].paths[0], in_base("/dir/file"));
	ck_assert_uint_eq(seen[11].n_paths, 0);
	/* Identity: the test binary, run as root here. */
	{
		char self[PATH_MAX];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		ck_assert_int_gt(n, 0);
		self[n] = '\0';
		ck_assert_str_eq(seen[0].exe, self);
	}
	ck_assert_uint_eq(seen[0].uid, geteuid());
	ck_assert_uint_eq(seen[0].gid, getegid());
	nftw(base, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
END_TEST

static Suite *supervise_gather_suite(void)
{
	Suite *s = suite_create("supervise_gather");
	TCase *tc = tcase_create("live");

	tcase_add_test(tc, facts_of_real_notifications);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(supervise_gather_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
