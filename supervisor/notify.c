/* SPDX-License-Identifier: MIT */
#include "notify.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int notify_buffers_init(struct notify_buffers *buffers)
{
	struct seccomp_notif_sizes sizes;

	memset(buffers, 0, sizeof(*buffers));
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
		return -errno;
	buffers->req_size = sizes.seccomp_notif;
	if (buffers->req_size < sizeof(struct seccomp_notif))
		buffers->req_size = sizeof(struct seccomp_notif);
	buffers->resp_size = sizes.seccomp_notif_resp;
	if (buffers->resp_size < sizeof(struct seccomp_notif_resp))
		buffers->resp_size = sizeof(struct seccomp_notif_resp);
	buffers->req = calloc(1, buffers->req_size);
	buffers->resp = calloc(1, buffers->resp_size);
	if (buffers->req == NULL || buffers->resp == NULL) {
		notify_buffers_release(buffers);
		return -ENOMEM;
	}
	return 0;
}

void notify_buffers_release(struct notify_buffers *buffers)
{
	free(buffers->req);
	free(buffers->resp);
	memset(buffers, 0, sizeof(*buffers));
}

int notify_receive(int listener, struct notify_buffers *buffers)
{
	memset(buffers->req, 0, buffers->req_size);
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, buffers->req) < 0)
		return -errno;
	return 0;
}

int notify_respond(int listener, struct notify_buffers *buffers, uint64_t id, int32_t error,
                   int64_t val, uint32_t flags)
{
	struct seccomp_notif_resp *resp = buffers->resp;

	memset(resp, 0, buffers->resp_size);
	resp->id = id;
	resp->error = error;
	resp->val = val;
	resp->flags = flags;
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0)
		return -errno;
	return 0;
}

int notify_id_valid(int listener, uint64_t id)
{
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) < 0)
		return -errno;
	return 0;
}

int notify_set_sync_wake_up(int listener)
{
	/* The flag is passed by value, not through a pointer (kernel/seccomp.c). */
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) < 0)
		return -errno;
	return 0;
}
