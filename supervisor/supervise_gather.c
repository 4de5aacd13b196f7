/* SPDX-License-Identifier: MIT */
#include "supervise_gather.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "target_mem.h"

void supervise_gather_init(struct supervise_gather_buf *buf, char *argv_arena,
                           size_t argv_arena_size, size_t argv_max_count)
{
	buf->paths[0].parent_fd = buf->paths[1].parent_fd = -1;
	buf->argv_arena = argv_arena;
	buf->argv_arena_size = argv_arena_size;
	buf->argv_max_count = argv_max_count;
}

void supervise_gather_release(struct supervise_gather_buf *buf)
{
	path_resolution_release(&buf->paths[0]);
	path_resolution_release(&buf->paths[1]);
}

/* dirfd arguments are C ints in the kernel: the low 32 bits, sign-extended (AT_FDCWD = -100). */
static int dirfd_of(const struct supervise_request *req, int8_t arg)
{
	return arg < 0 ? AT_FDCWD : (int)(int32_t)(uint32_t)req->args[arg];
}

static bool open_flags_follow(uint64_t flags)
{
	return !(flags & O_NOFOLLOW) && (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);
}

/* PATH_RESOLVE_* flags for one path argument, from the table and the call's flags. */
static int path_flags(const struct supervise_request *req, const struct syscall_path_arg *p,
                      unsigned *out)
{
	uint64_t flags = p->flags >= 0 ? req->args[p->flags] : 0;
	bool follow = false;

	switch (p->follow) {
	case SYSCALL_FOLLOW:
		follow = true;
		break;
	case SYSCALL_NOFOLLOW:
		break;
	case SYSCALL_FOLLOW_UNLESS_FLAG:
		follow = !(flags & p->follow_flag);
		break;
	case SYSCALL_FOLLOW_IF_FLAG:
		follow = (flags & p->follow_flag) != 0;
		break;
	case SYSCALL_FOLLOW_OPEN_FLAGS:
		follow = open_flags_follow(flags);
		break;
	case SYSCALL_FOLLOW_OPEN_HOW: {
		struct open_how how;
		int rc;

		/* openat2(dirfd, path, how, size): only the first 24 bytes matter to us. */
		if (req->args[3] < sizeof(how))
			return -EINVAL; /* the kernel says EINVAL too (OPEN_HOW_SIZE_VER0) */
		rc = target_read_mem(req->tid, flags, &how, sizeof(how), req->listener_fd,
		                     req->notif_id);
		if (rc < 0)
			return rc;
		/*
		 * RESOLVE_IN_ROOT makes dirfd the root: the location differs from the one
		 * path_resolve reports, so refuse rather than judge the wrong file. The other
		 * RESOLVE_* flags only restrict resolution.
		 */
		if (how.resolve & RESOLVE_IN_ROOT)
			return -EXDEV;
		follow = open_flags_follow(how.flags) && !(how.resolve & RESOLVE_NO_SYMLINKS);
		flags = 0;
		break;
	}
	}
	*out = follow ? PATH_RESOLVE_FOLLOW : 0;
	if (p->empty_path_flag != 0 && (flags & p->empty_path_flag))
		*out |= PATH_RESOLVE_EMPTY_PATH;
	return 0;
}

static int gather_paths(const struct supervise_request *req, const struct syscall_args *sa,
                        struct supervise_gather_buf *buf, struct supervise_facts *facts)
{
	bool anonymous = false;

	for (unsigned i = 0; i < sa->n_paths; i++) {
		const struct syscall_path_arg *p = &sa->paths[i];
		unsigned flags;
		int rc;

		rc = path_flags(req, p, &flags);
		if (rc < 0)
			return rc;
		/* Since Linux 6.11 AT_EMPTY_PATH may come with a NULL path: the same as "". */
		if (req->args[p->path] == 0 && (flags & PATH_RESOLVE_EMPTY_PATH)) {
			buf->strings[i][0] = '\0';
		} else {
			rc = target_read_string(req->tid, req->args[p->path], buf->strings[i],
			                        sizeof(buf->strings[i]), req->listener_fd,
			                        req->notif_id);
			if (rc < 0)
				return rc;
		}
		if (req->same_root)
			flags |= PATH_RESOLVE_SAME_ROOT;
		rc = path_resolve(req->tid, req->tgid, dirfd_of(req, p->dirfd), buf->strings[i],
		                  flags, req->listener_fd, req->notif_id, &buf->paths[i]);
		if (rc < 0)
			return rc;
		facts->paths[i] = buf->paths[i].path;
		anonymous = anonymous || buf->paths[i].anonymous;
	}
	/* An object without a location satisfies no path condition: report no paths at all. */
	facts->n_paths = anonymous ? 0 : sa->n_paths;
	return 0;
}

unsigned supervise_mmsg_vlen(const struct supervise_request *req)
{
	uint32_t vlen = (uint32_t)req->args[2]; /* unsigned int vlen */

	return vlen > SUPERVISE_MMSG_MAX ? SUPERVISE_MMSG_MAX : vlen;
}

size_t supervise_mmsg_entry_size(unsigned ptr_size)
{
	/* struct mmsghdr: msghdr (56) + msg_len + padding; compat_mmsghdr: 28 + 4. */
	return ptr_size == 8 ? 64 : 32;
}

const uint8_t *supervise_mmsg_entry(const struct supervise_gather_buf *buf, unsigned index,
                                    size_t entry_size)
{
	if (index < buf->mmsg_first || index - buf->mmsg_first >= buf->mmsg_count)
		return NULL;
	return buf->mmsg + (size_t)(index - buf->mmsg_first) * entry_size;
}

void supervise_mmsg_forget(struct supervise_gather_buf *buf)
{
	buf->mmsg_first = buf->mmsg_count = 0;
}

/*
 * Copies the chunk of sendmmsg's array that starts at message req->msg_index. The kernel reads
 * entry by entry and stops at the first it cannot read, so a chunk that faults is read again
 * as that one entry: a fault further on must not stop the messages before it.
 */
static int copy_mmsg_chunk(const struct supervise_request *req, struct supervise_gather_buf *buf)
{
	size_t size = supervise_mmsg_entry_size(req->ptr_size);
	unsigned i = req->msg_index, n = supervise_mmsg_vlen(req) - i;
	uint64_t at = req->args[1] + (uint64_t)i * size;
	int rc;

	if (n > SUPERVISE_MMSG_CHUNK / size)
		n = (unsigned)(SUPERVISE_MMSG_CHUNK / size);
	supervise_mmsg_forget(buf);
	rc = target_read_mem(req->tid, at, buf->mmsg, n * size, req->listener_fd, req->notif_id);
	if (rc == -EFAULT && n > 1) {
		n = 1;
		rc = target_read_mem(req->tid, at, buf->mmsg, size, req->listener_fd,
		                     req->notif_id);
	}
	if (rc < 0)
		return rc;
	buf->mmsg_first = i;
	buf->mmsg_count = n;
	return 0;
}

/*
 * Reads the address of connect/bind/sendto/sendmsg/sendmmsg; facts->addr stays NULL when there
 * is none.
 */
static int gather_address(const struct supervise_request *req, const struct syscall_args *sa,
                          struct supervise_gather_buf *buf, struct supervise_facts *facts)
{
	uint64_t ptr, len;
	int rc;

	if (sa->addr_in_mmsghdr) {
		size_t size = supervise_mmsg_entry_size(req->ptr_size);
		const uint8_t *entry;
		uint32_t n;

		/* No such message (vlen 0, or past it): the kernel reads nothing. */
		if (req->msg_index >= supervise_mmsg_vlen(req))
			return 0;
		entry = supervise_mmsg_entry(buf, req->msg_index, size);
		if (entry == NULL) {
			rc = copy_mmsg_chunk(req, buf);
			if (rc < 0)
				return rc;
			entry = supervise_mmsg_entry(buf, req->msg_index, size);
		}
		/* Each entry starts with its struct msghdr: msg_name, then msg_namelen. */
		if (req->ptr_size == 8) {
			memcpy(&ptr, entry, 8);
			memcpy(&n, entry + 8, 4);
		} else {
			uint32_t p32;

			memcpy(&p32, entry, 4);
			memcpy(&n, entry + 4, 4);
			ptr = p32;
		}
		len = n;
	} else if (sa->addr_in_msghdr) {
		/* struct msghdr starts with msg_name and msg_namelen in both layouts. */
		uint8_t head[12];

		rc = target_read_mem(req->tid, req->args[sa->addr], head, req->ptr_size + 4,
		                     req->listener_fd, req->notif_id);
		if (rc < 0)
			return rc;
		if (req->ptr_size == 8) {
			uint32_t n;

			memcpy(&ptr, head, 8);
			memcpy(&n, head + 8, 4);
			len = n;
		} else {
			uint32_t p32, n;

			memcpy(&p32, head, 4);
			memcpy(&n, head + 4, 4);
			ptr = p32;
			len = n;
		}
	} else {
		ptr = req->args[sa->addr];
		len = (uint32_t)req->args[sa->addrlen];
	}
	if (ptr == 0)
		return 0; /* sendto/sendmsg on a connected socket */
	/* net/socket.c move_addr_to_kernel(): longer than a sockaddr_storage is EINVAL. */
	if (len > sizeof(buf->addr))
		return -EINVAL;
	memset(&buf->addr, 0, sizeof(buf->addr));
	rc = target_read_mem(req->tid, ptr, &buf->addr, (size_t)len, req->listener_fd,
	                     req->notif_id);
	if (rc < 0)
		return rc;
	facts->addr = (const struct sockaddr *)&buf->addr;
	facts->addr_len = (size_t)len;

	/* A pathname unix socket is found like a file: resolve it as the target would. */
	const size_t off = offsetof(struct sockaddr_un, sun_path);

	if (buf->addr.ss_family == AF_UNIX && len > off && len <= sizeof(struct sockaddr_un) &&
	    ((const char *)&buf->addr)[off] != '\0') {
		size_t n = strnlen((const char *)&buf->addr + off, (size_t)len - off);
		unsigned flags = (strcmp(sa->name, "bind") == 0 ? 0 : PATH_RESOLVE_FOLLOW) |
		                 (req->same_root ? PATH_RESOLVE_SAME_ROOT : 0);

		memcpy(buf->strings[0], (const char *)&buf->addr + off, n);
		buf->strings[0][n] = '\0';
		rc = path_resolve(req->tid, req->tgid, AT_FDCWD, buf->strings[0], flags,
		                  req->listener_fd, req->notif_id, &buf->paths[0]);
		if (rc < 0)
			return rc;
		facts->unix_path = buf->paths[0].anonymous ? NULL : buf->paths[0].path;
	}
	return 0;
}

static int gather_exe(const struct supervise_request *req, struct supervise_gather_buf *buf,
                      struct supervise_facts *facts)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/exe", (int)(req->tgid > 0 ? req->tgid : req->tid));
	n = readlink(link, buf->exe, sizeof(buf->exe) - 1);
	if (n < 0)
		return errno == ENOENT || errno == ESRCH ? -ENOENT : -errno;
	buf->exe[n] = '\0';
	facts->exe = buf->exe;
	return 0;
}

/* Effective uid and gid: the second field of the Uid:/Gid: lines of /proc/TID/status. */
static int gather_creds(const struct supervise_request *req, struct supervise_facts *facts)
{
	char path[64], text[4096];
	const char *uid, *gid;
	unsigned long ruid, euid, rgid, egid;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)req->tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ENOENT;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return -ENOENT;
	text[n] = '\0';
	uid = strstr(text, "\nUid:");
	gid = strstr(text, "\nGid:");
	if (uid == NULL || gid == NULL || sscanf(uid, "\nUid: %lu %lu", &ruid, &euid) != 2 ||
	    sscanf(gid, "\nGid: %lu %lu", &rgid, &egid) != 2)
		return -EIO;
	facts->uid = (uint32_t)euid;
	facts->gid = (uint32_t)egid;
	return 0;
}

int supervise_gather(const struct supervise_request *req, const struct syscall_args *sa,
                     unsigned needs, struct supervise_gather_buf *buf,
                     struct supervise_facts *facts)
{
	int rc;

	memset(facts, 0, sizeof(*facts));
	memcpy(facts->args, req->args, sizeof(facts->args));

	if ((needs & (SUPERVISE_NEEDS_PATHS | SUPERVISE_NEEDS_EXEC)) && sa != NULL &&
	    sa->n_paths > 0) {
		rc = gather_paths(req, sa, buf, facts);
		if (rc < 0)
			return rc;
		facts->have |= SUPERVISE_NEEDS_PATHS;
		if (sa->argv >= 0) {
			/* execve's program is its (followed) path argument. */
			facts->exec_path = facts->n_paths > 0 ? facts->paths[0] : NULL;
			facts->have |= SUPERVISE_NEEDS_EXEC;
		}
	}
	if ((needs & SUPERVISE_NEEDS_ARGV) && sa != NULL && sa->argv >= 0) {
		struct target_argv_limits lim = {.max_count = buf->argv_max_count,
		                                 .ptr_size = req->ptr_size};
		char **argv;
		size_t argc;

		rc = target_read_argv(req->tid, req->args[sa->argv], &lim, buf->argv_arena,
		                      buf->argv_arena_size, &argv, &argc, req->listener_fd,
		                      req->notif_id);
		if (rc < 0)
			return rc;
		facts->argv = argv;
		facts->argc = argc;
		facts->have |= SUPERVISE_NEEDS_ARGV;
	}
	if ((needs & SUPERVISE_NEEDS_ADDRESS) && sa != NULL && sa->addr >= 0) {
		rc = gather_address(req, sa, buf, facts);
		if (rc < 0)
			return rc;
		facts->have |= SUPERVISE_NEEDS_ADDRESS;
	}
	if (needs & SUPERVISE_NEEDS_EXE) {
		rc = gather_exe(req, buf, facts);
		if (rc < 0)
			return rc;
		facts->have |= SUPERVISE_NEEDS_EXE;
	}
	if (needs & SUPERVISE_NEEDS_CREDS) {
		rc = gather_creds(req, facts);
		if (rc < 0)
			return rc;
		facts->have |= SUPERVISE_NEEDS_CREDS;
	}
	/* exe and status were read by thread/process id: valid only if the target still waits. */
	if ((needs & (SUPERVISE_NEEDS_EXE | SUPERVISE_NEEDS_CREDS)) && req->listener_fd >= 0) {
		rc = target_notif_valid(req->listener_fd, req->notif_id);
		if (rc < 0)
			return rc;
	}
	return 0;
}
