/* SPDX-License-Identifier: MIT */
/*
 * The open family, emulated: the supervisor opens the checked location itself and installs the
 * descriptor in the target (emulate.h).
 *
 * How it stays the target's open:
 * - relative to the real parent directory path_resolve() opened, never following the final
 *   component (openat2 RESOLVE_NO_SYMLINKS): the location was decided on that descriptor, and
 *   a symlink swapped in after the check gives ELOOP instead of redirecting the open (a final
 * symlink the syscall follows was already followed by path_resolve(), whose result is what was
 * checked);
 * - the target's flags and mode; O_CLOEXEC becomes the new descriptor's flag in the target
 *   (the supervisor's own copy is always close-on-exec, and closed right after);
 * - the target's umask (set around creating opens) and identity (emulate_creds.h), so created
 *   files get the owner, group and mode they would have had;
 * - the supervisor must never block: it opens with O_NONBLOCK (a FIFO without a peer, a device
 *   waiting for carrier) and clears it afterwards when the target did not ask for it. So a FIFO
 *   opened for reading does not wait for a writer, and one opened for writing without a reader
 *   fails with ENXIO instead of waiting (docs/inspection.md). O_NOCTTY is always added: the
 *   supervisor must not acquire a controlling terminal (the target then does not either).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "emulate.h"
#include "target_mem.h"

struct open_request {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve; /* openat2 only */
	bool is_openat2;
};

static int read_request(const struct emulate_ctx *ctx, struct open_request *req)
{
	const uint64_t *a = ctx->args;

	memset(req, 0, sizeof(*req));
	if (strcmp(ctx->name, "open") == 0) {
		req->flags = (uint32_t)a[1];
		req->mode = (uint32_t)a[2];
	} else if (strcmp(ctx->name, "openat") == 0) {
		req->flags = (uint32_t)a[2];
		req->mode = (uint32_t)a[3];
	} else if (strcmp(ctx->name, "creat") == 0) {
		req->flags = O_CREAT | O_WRONLY | O_TRUNC;
		req->mode = (uint32_t)a[1];
	} else {
		struct open_how how;
		int rc;

		/* Sizes above ours must have zero tails in the kernel; refuse rather than check. */
		if (a[3] != sizeof(how))
			return a[3] < sizeof(how) ? -EINVAL : -E2BIG;
		rc = target_read_mem(ctx->tid, a[2], &how, sizeof(how), ctx->listener,
		                     ctx->notif_id);
		if (rc < 0)
			return rc;
		req->flags = how.flags;
		req->mode = how.mode;
		req->resolve = how.resolve;
		req->is_openat2 = true;
	}
	return 0;
}

static bool creates(uint64_t flags)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

/*
 * What open(2) and openat(2) keep of their flags (the kernel's VALID_OPEN_FLAGS); openat2
 * refuses the other bits, open ignores them.
 */
#define OPEN_VALID_FLAGS                                                                           \
	(O_RDONLY | O_WRONLY | O_RDWR | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND |         \
	 O_NONBLOCK | O_DSYNC | FASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW |       \
	 O_NOATIME | O_CLOEXEC | O_PATH | O_TMPFILE)
/* What O_PATH keeps (open ignores the rest with it, openat2 refuses them). */
#define OPEN_PATH_FLAGS (O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC)

/*
 * The open itself, on the supervisor's thread, already acting as the target. openat2 with
 * RESOLVE_NO_SYMLINKS: the final component is never followed (ELOOP for a symlink swapped in,
 * or the link itself for O_PATH | O_NOFOLLOW, as the caller asked), and unlike O_NOFOLLOW it
 * leaves no trace in the file status flags the caller can read back (F_GETFL).
 */
static int do_open(const struct path_resolution *pr, const struct open_request *req,
                   unsigned target_umask, bool *added_nonblock)
{
	const char *name = pr->final[0] != '\0' ? pr->final : ".";
	struct open_how how = {.resolve = req->resolve | RESOLVE_NO_SYMLINKS};
	uint64_t flags = req->flags & ~(uint64_t)O_CLOEXEC;
	unsigned old_mask = 0;
	int fd;

	*added_nonblock = false;
	if (!req->is_openat2) {
		/* open(2)'s leniency: unknown bits dropped, mode only when creating. */
		flags &= OPEN_VALID_FLAGS;
		if (flags & O_PATH)
			flags &= OPEN_PATH_FLAGS;
	}
	flags |= O_CLOEXEC;
	if (!(flags & O_PATH)) {
		flags |= O_NOCTTY;
		if (!(flags & O_NONBLOCK)) {
			flags |= O_NONBLOCK;
			*added_nonblock = true;
		}
	}
	/* "name/" must be a directory; the slash would also follow a symlink swapped in. */
	if (pr->trailing_slash) {
		if (flags & O_CREAT)
			return -EISDIR;
		flags |= O_DIRECTORY;
	}
	how.flags = flags;
	if (creates(flags))
		how.mode = req->is_openat2 ? req->mode : req->mode & 07777;
	else if (req->is_openat2)
		how.mode = req->mode; /* nonzero without O_CREAT: openat2 says EINVAL, so do we */
	if (creates(flags))
		old_mask = umask(target_umask);
	fd = (int)syscall(SYS_openat2, pr->parent_fd, name, &how, sizeof(how));
	if (fd < 0)
		fd = -errno;
	if (creates(flags))
		umask(old_mask);
	return fd;
}

/*
 * openat2's RESOLVE_BENEATH, RESOLVE_NO_XDEV, RESOLVE_NO_SYMLINKS and RESOLVE_NO_MAGICLINKS
 * restrict the whole walk, which path_resolve() did without them. So the walk to the parent
 * is repeated here, as the caller (its identity is in effect), from its own starting point
 * (/proc/TID/cwd or /proc/TID/fd/N) with its resolve flags: a refusal is the caller's answer.
 * The directory reached must be the one checked (else something was renamed in between:
 * EAGAIN, the caller may retry). The final component gets the flags in do_open().
 * Absolute paths: RESOLVE_BENEATH refuses them (EXDEV, as the kernel does); for the other
 * flags the walk from the root is not repeated (docs/inspection.md).
 */
#define RESOLVE_RESTRICTING                                                                        \
	(RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)

static int openat2_walk_check(const struct emulate_ctx *ctx, const struct open_request *req)
{
	const char *path = ctx->buf->strings[0];
	const struct path_resolution *pr = &ctx->buf->paths[0];
	int dirfd = (int)(int32_t)(uint32_t)ctx->args[0];
	char start_path[64], parent[PATH_MAX];
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
	                       .resolve = req->resolve & RESOLVE_RESTRICTING};
	const char *slash = strrchr(path, '/');
	struct stat want, got;
	int start, fd, rc;

	if (!(req->resolve & RESOLVE_RESTRICTING))
		return 0;
	if (path[0] == '/')
		return req->resolve & RESOLVE_BENEATH ? -EXDEV : 0;
	if (slash == NULL)
		return 0; /* a single component: do_open() applies the flags to it */
	memcpy(parent, path, (size_t)(slash - path));
	parent[slash - path] = '\0';
	if (dirfd == AT_FDCWD)
		snprintf(start_path, sizeof(start_path), "cwd");
	else
		snprintf(start_path, sizeof(start_path), "fd/%d", dirfd);
	start = emulate_open_proc(ctx, start_path, O_PATH);
	if (start < 0)
		return start == -ENOENT ? -EBADF : start;
	fd = (int)syscall(SYS_openat2, start, parent, &how, sizeof(how));
	rc = fd < 0 ? -errno : 0;
	close(start);
	if (rc < 0)
		return rc;
	if (fstat(fd, &got) < 0 || fstat(pr->parent_fd, &want) < 0)
		rc = -errno;
	else if (got.st_dev != want.st_dev || got.st_ino != want.st_ino)
		rc = -EAGAIN;
	close(fd);
	return rc;
}

int emulate_open(const struct emulate_ctx *ctx, struct emulate_result *res)
{
	const struct path_resolution *pr = &ctx->buf->paths[0];
	struct open_request req;
	unsigned mask = 0;
	bool added_nonblock;
	int fd, rc;

	if (pr->parent_fd < 0 || ctx->facts->n_paths != 1)
		return -EPERM; /* nothing checked to act on (an anonymous object): refuse */
	rc = read_request(ctx, &req);
	if (rc < 0)
		return rc;
	if (req.is_openat2) {
		rc = openat2_walk_check(ctx, &req);
		if (rc < 0) {
			res->error = rc; /* the caller's own restriction refused the walk */
			return 0;
		}
	}
	if (creates(req.flags)) {
		rc = emulate_umask(ctx, &mask);
		if (rc < 0)
			return rc;
	}
	fd = do_open(pr, &req, mask, &added_nonblock);
	if (fd < 0) {
		/* The open's own answer (ENOENT, EACCES, EEXIST, ...): what the target would see.
		 */
		res->error = fd;
		return 0;
	}
	if (added_nonblock) {
		/*
		 * F_SETFL sets exactly these status flags: no need to read them back (F_GETFL)
		 * from what the open was given.
		 */
		fcntl(fd, F_SETFL, req.flags & (O_APPEND | O_ASYNC | O_DIRECT | O_NOATIME));
	}
	rc = emulate_install_fd(ctx, fd, (req.flags & O_CLOEXEC) != 0, res);
	close(fd);
	return rc;
}
