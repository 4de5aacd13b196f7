/* SPDX-License-Identifier: MIT */
/*
 * Which syscalls are emulated, and the one operation they share: giving the target a
 * descriptor the supervisor opened.
 */
#include "emulate.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>

static bool is_open(const char *name)
{
	return strcmp(name, "open") == 0 || strcmp(name, "openat") == 0 ||
	       strcmp(name, "openat2") == 0 || strcmp(name, "creat") == 0;
}

static bool is_socket(const char *name)
{
	return strcmp(name, "connect") == 0 || strcmp(name, "bind") == 0;
}

bool emulate_supported(const char *name)
{
	return name != NULL && (is_open(name) || is_socket(name) || emulate_path_supported(name));
}

int emulate_syscall(const struct emulate_ctx *ctx, struct emulate_result *res)
{
	memset(res, 0, sizeof(*res));
	if (ctx->name == NULL)
		return -ENOSYS;
	if (is_open(ctx->name))
		return emulate_open(ctx, res);
	if (is_socket(ctx->name))
		return emulate_socket(ctx, res);
	if (emulate_path_supported(ctx->name))
		return emulate_path(ctx, res);
	return -ENOSYS;
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
