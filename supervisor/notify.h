/* SPDX-License-Identifier: MIT */
/*
 * The seccomp listener's ioctls, and nothing else: the only file of the supervisor that talks to
 * the kernel's user-notification interface (as libseccomp's system.c is for its library).
 *
 * All functions return 0 or a negative errno; -ENOENT from receive/send/id_valid means the
 * target went away (killed, or interrupted by a signal): normal, not an error.
 */
#ifndef BOUNCER_NOTIFY_H
#define BOUNCER_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/seccomp.h>

/* Not in Debian 12's kernel headers (Linux 6.1). */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

/*
 * Request and response buffers sized by SECCOMP_GET_NOTIF_SIZES: the kernel may have grown the
 * structures beyond what these headers know, and it checks the sizes it was told.
 */
struct notify_buffers {
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	size_t req_size;
	size_t resp_size;
};

/* Asks the kernel for the sizes and allocates both buffers (start-up, not the hot path). */
int notify_buffers_init(struct notify_buffers *buffers);
void notify_buffers_release(struct notify_buffers *buffers);

/* Zeroes the request (the kernel requires it) and receives one notification. */
int notify_receive(int listener, struct notify_buffers *buffers);

/* Replies: error is 0 or -errno, val the return value; flags e.g. CONTINUE. */
int notify_respond(int listener, struct notify_buffers *buffers, uint64_t id, int32_t error,
                   int64_t val, uint32_t flags);

/* 0 while the notification id is still pending, -ENOENT once it is not. */
int notify_id_valid(int listener, uint64_t id);

/* Sets SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (Linux 6.6). -EINVAL/-ENOTTY: not available. */
int notify_set_sync_wake_up(int listener);

#endif
