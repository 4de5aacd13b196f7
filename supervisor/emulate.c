/* SPDX-License-Identifier: MIT */
/*
 * Which syscalls are emulated, and the one operation they share: giving the target a
 * descriptor the supervisor opened.
 */
#include "emulate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/ioctl.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "target_mem.h"

static bool is_open(const char *name)
{
	return strcmp(name, "open") == 0 || strcmp(name, "openat") == 0 ||
	       strcmp(name, "openat2") == 0 || strcmp(name, "creat") == 0;
}

static bool is_socket(const char *name)
{
	return strcmp(name, "connect") == 0 || strcmp(name, "bind") == 0 ||
	       strcmp(name, "sendto") == 0;
}

static bool is_sendmsg(const char *name)
{
	return strcmp(name, "sendmsg") == 0;
}

/* Sent message by message by the decision loop (supervise.c, emulate_sendmmsg_one()). */
static bool is_sendmmsg(const char *name)
{
	return strcmp(name, "sendmmsg") == 0;
}

bool emulate_supported(const char *name)
{
	return name != NULL &&
	       (is_open(name) || is_socket(name) || is_sendmsg(name) || is_sendmmsg(name) ||
	        emulate_path_supported(name) || emulate_stat_supported(name));
}

/*
 * Whether the paths name only entries of the caller's own /proc/TGID (path_resolve() rewrites
 * /proc/self there), and at least one. The kernel lets a process at its own entries whatever
 * its capabilities; another reader, the supervisor, needs CAP_SYS_PTRACE for some of them
 * (maps, environ, ... of a non-dumpable caller), so it may use it there.
 */
static bool own_proc_entries(const struct emulate_ctx *ctx)
{
	char own[32];
	size_t n_own, n = ctx->facts != NULL ? ctx->facts->n_paths : 0;

	if (n == 0 || ctx->tgid <= 0)
		return false;
	n_own = (size_t)snprintf(own, sizeof(own), "/proc/%d", (int)ctx->tgid);
	for (size_t i = 0; i < n && i < 2; i++) {
		const struct path_resolution *pr = &ctx->buf->paths[i];
		struct statfs sfs;

		if (strncmp(pr->path, own, n_own) != 0 ||
		    (pr->path[n_own] != '\0' && pr->path[n_own] != '/'))
			return false;
		if (pr->parent_fd < 0 || fstatfs(pr->parent_fd, &sfs) < 0 ||
		    sfs.f_type != PROC_SUPER_MAGIC)
			return false;
	}
	return true;
}

static int dispatch(const struct emulate_ctx *ctx, struct emulate_result *res)
{
	if (ctx->name == NULL)
		return -ENOSYS;
	if (is_open(ctx->name))
		return emulate_open(ctx, res);
	if (is_socket(ctx->name))
		return emulate_socket(ctx, res);
	if (is_sendmsg(ctx->name))
		return emulate_sendmsg(ctx, res);
	if (is_sendmmsg(ctx->name))
		return -EPERM; /* each message needs its own decision: never as a whole */
	if (emulate_path_supported(ctx->name))
		return emulate_path(ctx, res);
	if (emulate_stat_supported(ctx->name))
		return emulate_stat(ctx, res);
	return -ENOSYS;
}

int emulate_syscall(const struct emulate_ctx *ctx, struct emulate_result *res)
{
	bool raised;
	int rc;

	memset(res, 0, sizeof(*res));
	if (ctx->name == NULL)
		return -ENOSYS;
	raised = own_proc_entries(ctx) && emulate_creds_ptrace(ctx->sw, true) == 0;
	rc = dispatch(ctx, res);
	if (raised)
		emulate_creds_ptrace(ctx->sw, false);
	return rc;
}

int emulate_install_fd(const struct emulate_ctx *ctx, int fd, bool cloexec,
                       struct emulate_result *res)
{
	static int have_send = -1; /* unknown until the first try */
	struct seccomp_notif_addfd addfd = {
	        .id = ctx->notif_id,
	        .srcfd = (uint32_t)fd,
	        .newfd_flags = cloexec ? O_CLOEXEC : 0,
	};
	int rc;

	if (have_send != 0) {
		addfd.flags = SECCOMP_ADDFD_FLAG_SEND;
		rc = ioctl(ctx->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);
		if (rc >= 0) {
			have_send = 1;
			res->answered = true;
			res->val = rc;
			return 0;
		}
		/* EINVAL for an unknown flag: Linux 5.9-5.13. Anything else is the answer. */
		if (errno != EINVAL || have_send == 1)
			return -errno;
		have_send = 0;
	}
	/*
	 * Without SEND the descriptor is added first and the reply follows: if the target is
	 * interrupted in between, it keeps a descriptor it never learns about (a leak, not an
	 * escape: it is the file the policy allowed).
	 */
	addfd.flags = 0;
	rc = ioctl(ctx->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);
	if (rc < 0)
		return -errno;
	res->answered = false;
	res->error = 0;
	res->val = rc;
	return 0;
}

#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

int emulate_pidfd_getfd(const struct emulate_ctx *ctx, int pidfd, int target_fd)
{
	int fd = (int)syscall(SYS_pidfd_getfd, pidfd, target_fd, 0);

	if (fd < 0 && errno == EPERM && ctx->sw != NULL &&
	    emulate_creds_ptrace(ctx->sw, true) == 0) {
		int err;

		fd = (int)syscall(SYS_pidfd_getfd, pidfd, target_fd, 0);
		err = errno;
		emulate_creds_ptrace(ctx->sw, false);
		errno = err;
	}
	return fd;
}

ssize_t emulate_vm_write(const struct emulate_ctx *ctx, const struct iovec *local,
                         unsigned long n_local, const struct iovec *remote, unsigned long n_remote)
{
	ssize_t n = process_vm_writev(ctx->tid, local, n_local, remote, n_remote, 0);

	if (n < 0 && errno == EPERM && ctx->sw != NULL &&
	    emulate_creds_ptrace(ctx->sw, true) == 0) {
		int err;

		n = process_vm_writev(ctx->tid, local, n_local, remote, n_remote, 0);
		err = errno;
		emulate_creds_ptrace(ctx->sw, false);
		errno = err;
	}
	return n;
}

int emulate_umask(const struct emulate_ctx *ctx, unsigned *mask)
{
	struct target_creds now;
	int rc;

	if (ctx->creds->umask_known) {
		*mask = ctx->creds->umask;
		return 0;
	}
	if (ctx->status_fds == NULL)
		return -EPERM;
	rc = emulate_creds_read_cached(ctx->status_fds, ctx->tid, &now);
	if (rc == 0)
		rc = target_notif_valid(ctx->listener, ctx->notif_id);
	if (rc < 0)
		return rc;
	*mask = now.umask;
	return 0;
}

int emulate_open_proc(const struct emulate_ctx *ctx, const char *what, int flags)
{
	char path[96];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)ctx->tid, what);
	emulate_creds_restore(ctx->sw);
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		fd = -errno;
	if (emulate_creds_enter(ctx->sw, ctx->creds) < 0) {
		if (fd >= 0)
			close(fd);
		return -EPERM;
	}
	return fd;
}

int emulate_write_output(const struct emulate_ctx *ctx, uint64_t addr, const void *buf, size_t len)
{
	struct iovec local = {.iov_base = (void *)buf, .iov_len = len};
	struct iovec remote = {.iov_base = (void *)(uintptr_t)addr, .iov_len = len};
	ssize_t n;
	int rc;

	if (len == 0)
		return 0;
	/*
	 * While the notification is pending the caller cannot run or exit (only a SIGKILL ends
	 * it): checked right before the write, so the bytes reach the waiting caller. What is
	 * left is a caller killed, reaped and its id reused by a full pid wrap-around within
	 * these few microseconds.
	 */
	rc = target_notif_valid(ctx->listener, ctx->notif_id);
	if (rc < 0)
		return rc;
	n = emulate_vm_write(ctx, &local, 1, &remote, 1);
	if (n < 0)
		return errno == ESRCH ? -ENOENT : -EFAULT;
	return (size_t)n == len ? 0 : -EFAULT;
}
