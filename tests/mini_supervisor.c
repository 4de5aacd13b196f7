/* SPDX-License-Identifier: MIT */
#include "mini_supervisor.h"

#include <errno.h>
#include <jansson.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int wait_readable(int fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	int n;

	do
		n = poll(&pfd, 1, MINI_SUPERVISOR_TIMEOUT_MS);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -ETIMEDOUT;
	return pfd.revents;
}

int mini_supervisor_receive(int sock, char **message)
{
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap + 1);
	int fd = -1, rc;

	*message = NULL;
	if (!buf)
		return -ENOMEM;
	for (;;) {
		union {
			char buf[CMSG_SPACE(4 * sizeof(int))];
			struct cmsghdr align;
		} control;
		struct iovec iov = {.iov_base = buf + len, .iov_len = cap - len};
		struct msghdr msg = {.msg_iov = &iov,
		                     .msg_iovlen = 1,
		                     .msg_control = control.buf,
		                     .msg_controllen = sizeof(control.buf)};
		struct cmsghdr *cmsg;
		json_t *parsed;
		ssize_t n;

		rc = wait_readable(sock);
		if (rc < 0)
			goto fail_rc;
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			goto fail_rc;
		}
		if (n == 0) {
			rc = len == 0 && fd < 0 ? -ENODATA : -EPROTO;
			goto fail_rc;
		}
		for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
			if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
				continue;
			/* Exactly one fd, once. */
			if (fd >= 0 || cmsg->cmsg_len != CMSG_LEN(sizeof(int))) {
				rc = -EPROTO;
				goto fail_rc;
			}
			memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
		}
		len += (size_t)n;
		buf[len] = '\0';
		parsed = json_loadb(buf, len, 0, NULL);
		if (parsed) {
			json_decref(parsed);
			break;
		}
		if (len == cap) {
			char *bigger = cap < MINI_SUPERVISOR_MAX_MESSAGE ? realloc(buf, 2 * cap + 1)
			                                                 : NULL;

			if (!bigger) {
				rc = -EPROTO;
				goto fail_rc;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	if (fd < 0) {
		free(buf);
		return -EPROTO;
	}
	*message = buf;
	return fd;

fail_rc:
	free(buf);
	if (fd >= 0)
		close(fd);
	return rc;
}

int mini_supervisor_continue_all(int listener, struct mini_supervisor_seen *seen)
{
	memset(seen, 0, sizeof(*seen));
	for (;;) {
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;
		int revents = wait_readable(listener);

		if (revents < 0)
			return revents;
		if (!(revents & POLLIN)) {
			if (revents & POLLHUP)
				return 0;
			return -EIO;
		}
		memset(&req, 0, sizeof(req));
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			/* ENOENT: the target went away meanwhile (killed). */
			if (errno == ENOENT || errno == EINTR)
				continue;
			return -errno;
		}
		if (seen->count++ == 0) {
			seen->first_pid = (pid_t)req.pid;
			seen->first_nr = req.data.nr;
		}
		if (req.data.nr >= 0 && req.data.nr < MINI_SUPERVISOR_MAX_NR)
			seen->per_nr[req.data.nr]++;
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
			return -errno;
	}
}
