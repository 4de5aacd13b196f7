/* SPDX-License-Identifier: MIT */
/*
 * Gathering the facts a supervise rule needs for one notification (supervise_eval.h), using
 * the syscall's argument table (syscall_args.h), target memory reads (target_mem.h) and path
 * resolution (path_resolve.h). Hot path: everything lives in a caller-provided buffer.
 */
#ifndef BOUNCER_SUPERVISE_GATHER_H
#define BOUNCER_SUPERVISE_GATHER_H

#include <limits.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "path_resolve.h"
#include "supervise_eval.h"
#include "syscall_args.h"

/* One notification, as the supervisor received it. */
struct supervise_request {
	pid_t tid;         /* seccomp_notif.pid: the calling thread */
	pid_t tgid;        /* its process, 0 if unknown (then tid is used) */
	unsigned ptr_size; /* 8, or 4 for i386/x32 callers (from seccomp_data.arch) */
	uint64_t args[6];
	int listener_fd; /* for SECCOMP_IOCTL_NOTIF_ID_VALID; < 0 skips (tests) */
	uint64_t notif_id;
	bool same_root;     /* known (identity.h): paths resolve with PATH_RESOLVE_SAME_ROOT */
	unsigned msg_index; /* sendmmsg: the message whose address is gathered (from 0) */
};

/*
 * sendmmsg's struct mmsghdr array is copied this many bytes at a time (64 native entries of
 * 64 bytes, 128 compat entries of 32), and every message is decided and sent from that copy.
 */
#define SUPERVISE_MMSG_CHUNK 4096
#define SUPERVISE_MMSG_MAX   1024 /* UIO_MAXIOV: the kernel sends at most this many */

/* Storage for the facts (large: keep one per worker, not on a small stack). */
struct supervise_gather_buf {
	char strings[2][PATH_MAX];       /* path arguments as read */
	struct path_resolution paths[2]; /* their real locations (paths[0] also for sun_path) */
	struct sockaddr_storage addr;
	char exe[PATH_MAX];
	/* sendmmsg: entries [mmsg_first, mmsg_first + mmsg_count) of the caller's array */
	uint8_t mmsg[SUPERVISE_MMSG_CHUNK];
	unsigned mmsg_first, mmsg_count;
	char *argv_arena; /* caller-provided, argv_arena_size bytes */
	size_t argv_arena_size;
	size_t argv_max_count;
};

/* Prepares buf (no allocation: the arena is the caller's). */
void supervise_gather_init(struct supervise_gather_buf *buf, char *argv_arena,
                           size_t argv_arena_size, size_t argv_max_count);

/*
 * Fills facts with what needs (SUPERVISE_NEEDS_*) asks for, for the syscall described by sa
 * (NULL if it has no entry: then only args, exe and ids can be gathered). facts->args is always
 * filled. Returns 0, or a negative errno that the caller denies the syscall with (-EFAULT
 * unreadable memory, -ENAMETOOLONG, -E2BIG argv too big, -ENOENT missing directory or stale
 * notification, -ELOOP, -EXDEV a path the supervisor refuses to follow, -EINVAL a malformed
 * address). Call supervise_gather_release() afterwards in every case.
 *
 * Decisions made here (docs/inspection.md): which final symlinks are followed comes from the
 * table and the flags; openat2 with RESOLVE_IN_ROOT (dirfd as the root) is refused with -EXDEV
 * because the location would not be the one path_resolve reports; an object without a
 * location (AT_EMPTY_PATH on a socket, memfd, ...) gives no paths at all (n_paths = 0, so path
 * conditions do not hold); pathname unix sockets are resolved like paths (followed, except
 * for bind, which creates them).
 */
int supervise_gather(const struct supervise_request *req, const struct syscall_args *sa,
                     unsigned needs, struct supervise_gather_buf *buf,
                     struct supervise_facts *facts);

/*
 * sendmmsg: the number of messages the kernel would look at (vlen, capped at
 * SUPERVISE_MMSG_MAX) and the size of one struct mmsghdr of the caller's ABI.
 */
unsigned supervise_mmsg_vlen(const struct supervise_request *req);
size_t supervise_mmsg_entry_size(unsigned ptr_size);

/*
 * The supervisor's copy of entry `index` of sendmmsg's array, or NULL when the gather has not
 * copied it (it is never read again once copied: what was decided on is what is sent).
 * supervise_gather() copies the chunk holding req->msg_index when it gathers that message's
 * address; supervise_mmsg_forget() empties the copy before another notification.
 */
const uint8_t *supervise_mmsg_entry(const struct supervise_gather_buf *buf, unsigned index,
                                    size_t entry_size);
void supervise_mmsg_forget(struct supervise_gather_buf *buf);

/* Closes the descriptors held in buf->paths. */
void supervise_gather_release(struct supervise_gather_buf *buf);

#endif
