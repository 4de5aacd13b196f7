/* SPDX-License-Identifier: MIT */
/*
 * Live tests for target_mem.c: a forked child lays out strings and structs at page edges, next
 * to PROT_NONE pages, and the parent reads them with process_vm_readv as the supervisor would.
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "target_mem.h"

/* Addresses the child publishes for the parent to read. */
struct layout {
	uint64_t at_page_end; /* "edge-of-page", its NUL is the last byte before a PROT_NONE page */
	uint64_t spanning;    /* a string that starts in one page and ends in the next */
	uint64_t unterminated; /* bytes without NUL running into a PROT_NONE page */
	uint64_t none_page;    /* the PROT_NONE page itself */
	uint64_t long_string;  /* 5000 'a' and a NUL */
	uint64_t sin_spanning; /* a sockaddr_in straddling two readable pages */
	uint64_t sin_cut;      /* a sockaddr_in whose last byte is in the PROT_NONE page */
	uint64_t argv64;       /* char *[] {"prog", "-x", "a longer argument", NULL} */
	uint64_t argv32;       /* the same with 32-bit pointers (below 4 GiB) */
	uint64_t argv_cut;     /* pointer array running into the PROT_NONE page, no NULL */
};

static const char EDGE[] = "edge-of-page";
static const char SPAN[] = "spanning-two-pages";

struct child {
	pid_t pid;
	int release_fd; /* closing it lets the child exit */
	struct layout l;
};

static char *map_pages(size_t n, int extra_flags)
{
	char *p = mmap(NULL, n * (size_t)getpagesize(), PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | extra_flags, -1, 0);

	if (p == MAP_FAILED)
		_exit(90);
	return p;
}

static void child_main(int out_fd, int release_fd)
{
	const size_t ps = (size_t)getpagesize();
	struct layout l;
	char buf;

	/* Page 0 readable, page 1 PROT_NONE. */
	char *a = map_pages(2, 0);
	if (mprotect(a + ps, ps, PROT_NONE) != 0)
		_exit(91);
	memcpy(a + ps - sizeof(EDGE), EDGE, sizeof(EDGE));
	l.at_page_end = (uintptr_t)(a + ps - sizeof(EDGE));
	l.none_page = (uintptr_t)(a + ps);

	char *b = map_pages(3, 0);
	memcpy(b + ps - 5, SPAN, sizeof(SPAN));
	l.spanning = (uintptr_t)(b + ps - 5);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(443)};
	sin.sin_addr.s_addr = htonl(0x0a010203);
	memcpy(b + 2 * ps - 7, &sin, sizeof(sin));
	l.sin_spanning = (uintptr_t)(b + 2 * ps - 7);

	char *c = map_pages(2, 0);
	if (mprotect(c + ps, ps, PROT_NONE) != 0)
		_exit(92);
	memset(c + ps - 64, 'x', 64);
	l.unterminated = (uintptr_t)(c + ps - 64);

	char *e = map_pages(2, 0);
	if (mprotect(e + ps, ps, PROT_NONE) != 0)
		_exit(93);
	memcpy(e + ps - sizeof(sin) + 1, &sin, sizeof(sin) - 1);
	l.sin_cut = (uintptr_t)(e + ps - sizeof(sin) + 1);

	/* Pointers to a valid string fill the end of the page, with no NULL after them. */
	char *f = map_pages(2, 0);
	if (mprotect(f + ps, ps, PROT_NONE) != 0)
		_exit(94);
	for (size_t i = 0; i < 8; i++)
		memcpy(f + ps - 64 + i * 8, &l.at_page_end, 8);
	l.argv_cut = (uintptr_t)(f + ps - 64);

	char *d = map_pages(3, 0);
	memset(d, 'a', 5000);
	d[5000] = '\0';
	l.long_string = (uintptr_t)d;

	static char *argv64[] = {"prog", "-x", "a longer argument", NULL};
	l.argv64 = (uintptr_t)argv64;

	char *low = map_pages(1, MAP_32BIT);
	uint32_t *p32 = (uint32_t *)(void *)low;
	char *s = low + 64;
	for (int i = 0; argv64[i] != NULL; i++) {
		size_t n = strlen(argv64[i]) + 1;

		memcpy(s, argv64[i], n);
		p32[i] = (uint32_t)(uintptr_t)s;
		s += n;
	}
	p32[3] = 0;
	l.argv32 = (uintptr_t)low;

	if (write(out_fd, &l, sizeof(l)) != sizeof(l))
		_exit(95);
	/* Stay alive until the parent is done reading. */
	while (read(release_fd, &buf, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

static struct child start_child(void)
{
	struct child ch;
	int out[2], rel[2];

	ck_assert_int_eq(pipe(out), 0);
	ck_assert_int_eq(pipe(rel), 0);
	ch.pid = fork();
	ck_assert_int_ge(ch.pid, 0);
	if (ch.pid == 0) {
		close(out[0]);
		close(rel[1]);
		child_main(out[1], rel[0]);
	}
	close(out[1]);
	close(rel[0]);
	ck_assert_int_eq(read(out[0], &ch.l, sizeof(ch.l)), (ssize_t)sizeof(ch.l));
	close(out[0]);
	ch.release_fd = rel[1];
	return ch;
}

static void stop_child(struct child *ch)
{
	int status;

	close(ch->release_fd);
	ck_assert_int_eq(waitpid(ch->pid, &status, 0), ch->pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

START_TEST(string_ending_at_page_edge_is_read)
{
	struct child ch = start_child();
	char buf[PATH_MAX];
	int n;

	n = target_read_string(ch.pid, ch.l.at_page_end, buf, sizeof(buf), -1, 0);
	ck_assert_int_eq(n, (int)strlen(EDGE));
	ck_assert_str_eq(buf, EDGE);
	/* Exactly big enough (string + NUL) still works; one byte less is too long. */
	n = target_read_string(ch.pid, ch.l.at_page_end, buf, sizeof(EDGE), -1, 0);
	ck_assert_int_eq(n, (int)strlen(EDGE));
	n = target_read_string(ch.pid, ch.l.at_page_end, buf, sizeof(EDGE) - 1, -1, 0);
	ck_assert_int_eq(n, -ENAMETOOLONG);

	n = target_read_string(ch.pid, ch.l.spanning, buf, sizeof(buf), -1, 0);
	ck_assert_int_eq(n, (int)strlen(SPAN));
	ck_assert_str_eq(buf, SPAN);
	stop_child(&ch);
}
END_TEST

START_TEST(unreadable_memory_is_efault)
{
	struct child ch = start_child();
	char buf[PATH_MAX];

	ck_assert_int_eq(target_read_string(ch.pid, ch.l.none_page, buf, sizeof(buf), -1, 0),
	                 -EFAULT);
	ck_assert_int_eq(target_read_string(ch.pid, 0, buf, sizeof(buf), -1, 0), -EFAULT);
	ck_assert_int_eq(target_read_string(ch.pid, UINT64_MAX - 2, buf, sizeof(buf), -1, 0),
	                 -EFAULT);
	/* No NUL before the PROT_NONE page: EFAULT, not a truncated string. */
	ck_assert_int_eq(target_read_string(ch.pid, ch.l.unterminated, buf, sizeof(buf), -1, 0),
	                 -EFAULT);
	stop_child(&ch);
}
END_TEST

START_TEST(long_string_is_enametoolong)
{
	struct child ch = start_child();
	static char buf[8192];

	ck_assert_int_eq(target_read_string(ch.pid, ch.l.long_string, buf, PATH_MAX, -1, 0),
	                 -ENAMETOOLONG);
	/* With room for it, the whole 5000 bytes come back across the page boundary. */
	ck_assert_int_eq(target_read_string(ch.pid, ch.l.long_string, buf, sizeof(buf), -1, 0),
	                 5000);
	ck_assert_uint_eq(strspn(buf, "a"), 5000);
	stop_child(&ch);
}
END_TEST

START_TEST(fixed_size_reads)
{
	struct child ch = start_child();
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	ck_assert_int_eq(target_read_mem(ch.pid, ch.l.sin_spanning, &sin, sizeof(sin), -1, 0), 0);
	ck_assert_uint_eq(sin.sin_family, AF_INET);
	ck_assert_uint_eq(ntohs(sin.sin_port), 443);
	ck_assert_uint_eq(ntohl(sin.sin_addr.s_addr), 0x0a010203);
	/* One byte of it lies in the PROT_NONE page: the whole read fails. */
	ck_assert_int_eq(target_read_mem(ch.pid, ch.l.sin_cut, &sin, sizeof(sin), -1, 0), -EFAULT);
	/* One byte less fits. */
	ck_assert_int_eq(target_read_mem(ch.pid, ch.l.sin_cut, &sin, sizeof(sin) - 1, -1, 0), 0);
	stop_child(&ch);
}
END_TEST

START_TEST(argv_arrays)
{
	struct child ch = start_child();
	static char arena[4096] __attribute__((aligned(8)));
	struct target_argv_limits lim = {.max_count = 16, .ptr_size = 8};
	char **argv;
	size_t argc;

	ck_assert_int_eq(target_read_argv(ch.pid, ch.l.argv64, &lim, arena, sizeof(arena), &argv,
	                                  &argc, -1, 0),
	                 0);
	ck_assert_uint_eq(argc, 3);
	ck_assert_str_eq(argv[0], "prog");
	ck_assert_str_eq(argv[1], "-x");
	ck_assert_str_eq(argv[2], "a longer argument");
	ck_assert_ptr_null(argv[3]);
	ck_assert((char *)argv >= arena && argv[2] + strlen(argv[2]) < arena + sizeof(arena));

	/* 32-bit callers' arrays hold 4-byte pointers. */
	lim.ptr_size = 4;
	ck_assert_int_eq(target_read_argv(ch.pid, ch.l.argv32, &lim, arena, sizeof(arena), &argv,
	                                  &argc, -1, 0),
	                 0);
	ck_assert_uint_eq(argc, 3);
	ck_assert_str_eq(argv[2], "a longer argument");

	/* Limits: count, then total bytes. */
	lim.ptr_size = 8;
	lim.max_count = 2;
	ck_assert_int_eq(target_read_argv(ch.pid, ch.l.argv64, &lim, arena, sizeof(arena), &argv,
	                                  &argc, -1, 0),
	                 -E2BIG);
	lim.max_count = 3;
	ck_assert_int_eq(target_read_argv(ch.pid, ch.l.argv64, &lim, arena, sizeof(arena), &argv,
	                                  &argc, -1, 0),
	                 0);
	/* 4 slots of 8 bytes + "prog\0-x\0" fit in 40 bytes, "a longer argument" does not. */
	ck_assert_int_eq(
	        target_read_argv(ch.pid, ch.l.argv64, &lim, arena, 48, &argv, &argc, -1, 0),
	        -E2BIG);
	/* An arena that cannot hold the pointer array is a caller error, not an overflow. */
	lim.max_count = SIZE_MAX;
	ck_assert_int_eq(target_read_argv(ch.pid, ch.l.argv64, &lim, arena, sizeof(arena), &argv,
	                                  &argc, -1, 0),
	                 -EINVAL);
	lim.max_count = 3;
	ck_assert_int_eq(
	        target_read_argv(ch.pid, ch.l.argv64, &lim, arena, 24, &argv, &argc, -1, 0),
	        -EINVAL);
	/* A NULL argv is an empty one. */
	ck_assert_int_eq(
	        target_read_argv(ch.pid, 0, &lim, arena, sizeof(arena), &argv, &argc, -1, 0), 0);
	ck_assert_uint_eq(argc, 0);
	ck_assert_ptr_null(argv[0]);
	/* An array running into unreadable memory without its NULL. */
	lim.max_count = 64;
	ck_assert_int_eq(target_read_argv(ch.pid, ch.l.argv_cut, &lim, arena, sizeof(arena), &argv,
	                                  &argc, -1, 0),
	                 -EFAULT);
	/* The array itself unreadable. */
	ck_assert_int_eq(target_read_argv(ch.pid, ch.l.none_page, &lim, arena, sizeof(arena), &argv,
	                                  &argc, -1, 0),
	                 -EFAULT);
	stop_child(&ch);
}
END_TEST

START_TEST(gone_target_is_enoent)
{
	struct child ch = start_child();
	char buf[64];
	int status;

	kill(ch.pid, SIGKILL);
	ck_assert_int_eq(waitpid(ch.pid, &status, 0), ch.pid);
	ck_assert_int_eq(target_read_string(ch.pid, ch.l.at_page_end, buf, sizeof(buf), -1, 0),
	                 -ENOENT);
	close(ch.release_fd);
}
END_TEST

static void on_usr1(int sig)
{
}

/*
 * The target's syscall is interrupted by a signal after the supervisor received the
 * notification: its memory is still readable, but the notification is dead, and the read must
 * say so instead of returning bytes that no longer describe a pending syscall.
 */
START_TEST(stale_notification_is_enoent)
{
	static const char path[] = "/tmp/bouncer-target-mem-test";
	int info[2], done[2], rel[2];
	pid_t pid;

	ck_assert_int_eq(pipe(info), 0);
	ck_assert_int_eq(pipe(done), 0);
	ck_assert_int_eq(pipe(rel), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct sigaction sa = {.sa_handler = on_usr1}; /* no SA_RESTART */
		scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
		int msg[2], err;
		char c;

		close(rel[1]);
		sigaction(SIGUSR1, &sa, NULL);
		if (ctx == NULL ||
		    seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(mkdirat), 0) < 0 ||
		    seccomp_load(ctx) < 0)
			_exit(80);
		msg[0] = seccomp_notify_fd(ctx);
		msg[1] = 0;
		if (write(info[1], msg, sizeof(msg)) != sizeof(msg))
			_exit(81);
		err = mkdirat(AT_FDCWD, path, 0700) < 0 ? errno : 0;
		if (write(done[1], &err, sizeof(err)) != sizeof(err))
			_exit(82);
		while (read(rel[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	int msg[2], pidfd, lfd, err, status;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	char buf[PATH_MAX];

	close(rel[0]);
	ck_assert_int_eq(read(info[0], msg, sizeof(msg)), (ssize_t)sizeof(msg));
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	ck_assert_int_ge(pidfd, 0);
	lfd = (int)syscall(SYS_pidfd_getfd, pidfd, msg[0], 0);
	ck_assert_int_ge(lfd, 0);
	ck_assert_int_eq(seccomp_notify_alloc(&req, &resp), 0);
	memset(req, 0, sizeof(*req));
	ck_assert_int_eq(seccomp_notify_receive(lfd, req), 0);

	/* Live notification: the path comes back. */
	ck_assert_int_eq(target_read_string((pid_t)req->pid, req->data.args[1], buf, sizeof(buf),
	                                    lfd, req->id),
	                 (int)strlen(path));
	ck_assert_str_eq(buf, path);
	ck_assert_int_eq(target_notif_valid(lfd, req->id), 0);

	/* Interrupt the syscall; once the child reports EINTR, the notification is gone. */
	kill(pid, SIGUSR1);
	ck_assert_int_eq(read(done[0], &err, sizeof(err)), (ssize_t)sizeof(err));
	ck_assert_int_eq(err, EINTR);
	ck_assert_int_eq(target_notif_valid(lfd, req->id), -ENOENT);
	ck_assert_int_eq(target_read_string((pid_t)req->pid, req->data.args[1], buf, sizeof(buf),
	                                    lfd, req->id),
	                 -ENOENT);
	/* Without the check the same bytes are readable: it is the check that refused them. */
	ck_assert_int_eq(
	        target_read_string((pid_t)req->pid, req->data.args[1], buf, sizeof(buf), -1, 0),
	        (int)strlen(path));
	struct sockaddr_in sin;

	ck_assert_int_eq(target_read_mem((pid_t)req->pid, req->data.args[1], &sin, 8, lfd, req->id),
	                 -ENOENT);

	close(rel[1]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	seccomp_notify_free(req, resp);
	close(lfd);
	close(pidfd);
}
END_TEST

static Suite *target_mem_suite(void)
{
	Suite *s = suite_create("target_mem");
	TCase *tc = tcase_create("live");

	tcase_add_test(tc, string_ending_at_page_edge_is_read);
	tcase_add_test(tc, unreadable_memory_is_efault);
	tcase_add_test(tc, long_string_is_enametoolong);
	tcase_add_test(tc, fixed_size_reads);
	tcase_add_test(tc, argv_arrays);
	tcase_add_test(tc, gone_target_is_enoent);
	tcase_add_test(tc, stale_notification_is_enoent);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(target_mem_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
