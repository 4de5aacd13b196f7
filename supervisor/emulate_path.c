/* SPDX-License-Identifier: MIT */
/*
 * The other path syscalls, emulated (emulate.h): each acts through the real parent directory
 * path_resolve() opened and the final component, never following a final symlink the check
 * did not follow, with the target's identity and umask.
 *
 * - mkdir/mkdirat, mknod/mknodat, symlink/symlinkat, unlink/unlinkat/rmdir,
 *   rename/renameat/renameat2, link/linkat: the *at syscall on (parent_fd, final). linkat's
 *   AT_SYMLINK_FOLLOW was applied by path_resolve (the checked location is the link's target),
 *   so the supervisor links that location without following again. symlink's first argument
 *   is the link's text, not a lookup: it is read once and the copy is used.
 * - chmod/fchmodat, chown/lchown/fchownat, truncate: the final component is opened O_PATH |
 *   O_NOFOLLOW first; when the syscall follows, path_resolve already followed, so a symlink
 *   found there now was swapped in after the check and the answer is ELOOP. chmod acts through
 *   /proc/self/fd/N (fchmodat on an O_PATH descriptor), chown with AT_EMPTY_PATH, truncate
 *   opens the file for writing (O_NONBLOCK: never wait on a FIFO) and calls ftruncate.
 *
 * i386 callers (SCMP_ARCH_X86, the arguments already cut to 32 bits by supervise.c): their
 * chown/lchown take 16-bit ids (kernel/uid16.c: 0xffff means "unchanged", as -1 does for
 * chown32/lchown32, which take 32-bit ones); their truncate takes a signed 32-bit length
 * (compat_sys_truncate) and truncate64 a 64-bit one split over two registers, low half first
 * (arch/x86/kernel/sys_ia32.c, ia32_truncate64: filename, low, high).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "emulate.h"
#include "target_mem.h"

enum path_op {
	OP_NONE,
	OP_MKDIR,
	OP_MKNOD,
	OP_SYMLINK,
	OP_UNLINK,
	OP_RMDIR,
	OP_RENAME,
	OP_LINK,
	OP_CHMOD,
	OP_CHOWN,
	OP_TRUNCATE,
};

struct path_call {
	const char *name;
	enum path_op op;
	/* Arguments: -1 when absent. */
	int8_t mode, dev, flags, uid, gid, length, text;
	bool nofollow; /* acts on a final symlink itself (lchown) */
};

static const struct path_call calls[] = {
        {"mkdir", OP_MKDIR, 1, -1, -1, -1, -1, -1, -1, false},
        {"mkdirat", OP_MKDIR, 2, -1, -1, -1, -1, -1, -1, false},
        {"mknod", OP_MKNOD, 1, 2, -1, -1, -1, -1, -1, false},
        {"mknodat", OP_MKNOD, 2, 3, -1, -1, -1, -1, -1, false},
        {"symlink", OP_SYMLINK, -1, -1, -1, -1, -1, -1, 0, false},
        {"symlinkat", OP_SYMLINK, -1, -1, -1, -1, -1, -1, 0, false},
        {"unlink", OP_UNLINK, -1, -1, -1, -1, -1, -1, -1, false},
        {"unlinkat", OP_UNLINK, -1, -1, 2, -1, -1, -1, -1, false},
        {"rmdir", OP_RMDIR, -1, -1, -1, -1, -1, -1, -1, false},
        {"rename", OP_RENAME, -1, -1, -1, -1, -1, -1, -1, false},
        {"renameat", OP_RENAME, -1, -1, -1, -1, -1, -1, -1, false},
        {"renameat2", OP_RENAME, -1, -1, 4, -1, -1, -1, -1, false},
        {"link", OP_LINK, -1, -1, -1, -1, -1, -1, -1, false},
        {"linkat", OP_LINK, -1, -1, -1, -1, -1, -1, -1, false},
        {"chmod", OP_CHMOD, 1, -1, -1, -1, -1, -1, -1, false},
        {"fchmodat", OP_CHMOD, 2, -1, -1, -1, -1, -1, -1, false},
        {"chown", OP_CHOWN, -1, -1, -1, 1, 2, -1, -1, false},
        {"lchown", OP_CHOWN, -1, -1, -1, 1, 2, -1, -1, true},
        {"fchownat", OP_CHOWN, -1, -1, 4, 2, 3, -1, -1, false},
        {"truncate", OP_TRUNCATE, -1, -1, -1, -1, -1, 1, -1, false},
        /* i386 only: 32-bit ids, a 64-bit length in two registers (truncate_length()) */
        {"chown32", OP_CHOWN, -1, -1, -1, 1, 2, -1, -1, false},
        {"lchown32", OP_CHOWN, -1, -1, -1, 1, 2, -1, -1, true},
        {"truncate64", OP_TRUNCATE, -1, -1, -1, -1, -1, 1, -1, false},
};

static const struct path_call *lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (strcmp(calls[i].name, name) == 0)
			return &calls[i];
	return NULL;
}

bool emulate_path_supported(const char *name)
{
	return name != NULL && lookup(name) != NULL;
}

/* "final", or "final/" when the path ended with a slash (the kernel then wants a directory). */
static int name_of(const struct path_resolution *pr, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s%s", pr->final[0] != '\0' ? pr->final : ".",
	                 pr->trailing_slash && pr->final[0] != '\0' ? "/" : "");

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* The final component as an O_PATH descriptor, for the syscalls that act on an inode. */
static int open_final(const struct path_resolution *pr, bool follows)
{
	struct stat st;
	int fd;

	/* "" names parent_fd's object itself (AT_EMPTY_PATH: it may be any file, not a dir). */
	if (pr->final[0] == '\0')
		fd = fcntl(pr->parent_fd, F_DUPFD_CLOEXEC, 0);
	else
		fd = openat(pr->parent_fd, pr->final, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (follows && fstat(fd, &st) == 0 && S_ISLNK(st.st_mode)) {
		close(fd);
		return -ELOOP; /* swapped in after the check (path_resolve followed) */
	}
	return fd;
}

/* kernel/uid16.c low2highuid(): an i386 caller's chown/lchown pass 16-bit ids. */
static uint32_t chown_id(const struct emulate_ctx *ctx, const struct path_call *c, uint64_t arg)
{
	bool uid16 = ctx->arch == SCMP_ARCH_X86 &&
	             (strcmp(c->name, "chown") == 0 || strcmp(c->name, "lchown") == 0);

	if (!uid16)
		return (uint32_t)arg;
	return (uint16_t)arg == 0xffff ? UINT32_MAX : (uint16_t)arg;
}

/* The length truncate would use: -ENOSYS for an ABI whose layout is not known here. */
static int truncate_length(const struct emulate_ctx *ctx, const struct path_call *c,
                           int64_t *length)
{
	const uint64_t *a = ctx->args;

	if (strcmp(c->name, "truncate64") == 0) {
		/* Other 32-bit ABIs align the pair to an even register: only i386's is known. */
		if (ctx->arch != SCMP_ARCH_X86)
			return -ENOSYS;
		*length = (int64_t)(((uint64_t)(uint32_t)a[c->length + 1] << 32) |
		                    (uint32_t)a[c->length]);
	} else if (ctx->arch == SCMP_ARCH_X86) {
		*length = (int32_t)(uint32_t)a[c->length]; /* compat_off_t: signed */
	} else {
		*length = (int64_t)a[c->length];
	}
	return 0;
}

static int do_op(const struct emulate_ctx *ctx, const struct path_call *c, const char *text,
                 int64_t length)
{
	const struct path_resolution *p0 = &ctx->buf->paths[0], *p1 = &ctx->buf->paths[1];
	const uint64_t *a = ctx->args;
	char n0[NAME_MAX + 2], n1[NAME_MAX + 2], proc[64];
	uint64_t flags = c->flags >= 0 ? a[c->flags] : 0;
	int rc, fd;

	rc = name_of(p0, n0, sizeof(n0));
	if (rc < 0)
		return rc;
	switch (c->op) {
	case OP_MKDIR:
		return mkdirat(p0->parent_fd, n0, (mode_t)a[c->mode]) < 0 ? -errno : 0;
	case OP_MKNOD:
		return mknodat(p0->parent_fd, n0, (mode_t)a[c->mode], (dev_t)a[c->dev]) < 0 ? -errno
		                                                                            : 0;
	case OP_SYMLINK:
		return symlinkat(text, p0->parent_fd, n0) < 0 ? -errno : 0;
	case OP_UNLINK:
	case OP_RMDIR:
		if (p0->final[0] == '\0')
			return c->op == OP_RMDIR || (flags & AT_REMOVEDIR) ? -EINVAL : -EISDIR;
		return unlinkat(p0->parent_fd, n0,
		                c->op == OP_RMDIR ? AT_REMOVEDIR : (int)(flags & AT_REMOVEDIR)) < 0
		               ? -errno
		               : 0;
	case OP_RENAME:
		rc = name_of(p1, n1, sizeof(n1));
		if (rc < 0)
			return rc;
		return syscall(SYS_renameat2, p0->parent_fd, n0, p1->parent_fd, n1,
		               (unsigned)flags) < 0
		               ? -errno
		               : 0;
	case OP_LINK:
		rc = name_of(p1, n1, sizeof(n1));
		if (rc < 0)
			return rc;
		/* AT_EMPTY_PATH: the object itself (an O_TMPFILE file, say). */
		if (p0->final[0] == '\0')
			return linkat(p0->parent_fd, "", p1->parent_fd, n1, AT_EMPTY_PATH) < 0
			               ? -errno
			               : 0;
		return linkat(p0->parent_fd, n0, p1->parent_fd, n1, 0) < 0 ? -errno : 0;
	case OP_CHMOD:
		fd = open_final(p0, true);
		if (fd < 0)
			return fd;
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		rc = chmod(proc, (mode_t)a[c->mode]) < 0 ? -errno : 0;
		close(fd);
		return rc;
	case OP_CHOWN: {
		bool follows = !c->nofollow && !(flags & AT_SYMLINK_NOFOLLOW);

		fd = open_final(p0, follows);
		if (fd < 0)
			return fd;
		rc = fchownat(fd, "", chown_id(ctx, c, a[c->uid]), chown_id(ctx, c, a[c->gid]),
		              AT_EMPTY_PATH) < 0
		             ? -errno
		             : 0;
		close(fd);
		return rc;
	}
	case OP_TRUNCATE: {
		struct stat st;

		/* do_sys_truncate() refuses a negative length before looking the path up. */
		if (length < 0)
			return -EINVAL;
		fd = openat(p0->parent_fd, p0->final[0] != '\0' ? p0->final : ".",
		            O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			return errno == ELOOP ? -ELOOP : -errno;
		if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode))
			rc = -EINVAL;
		else
			rc = ftruncate(fd, (off_t)length) < 0 ? -errno : 0;
		close(fd);
		return rc;
	}
	case OP_NONE:
		break;
	}
	return -ENOSYS;
}

int emulate_path(const struct emulate_ctx *ctx, struct emulate_result *res)
{
	const struct path_call *c = lookup(ctx->name);
	char text[PATH_MAX];
	unsigned old_mask = 0;
	int64_t length = 0;
	bool creates;
	int rc;

	if (c == NULL)
		return -ENOSYS;
	/* n_paths is 0 for an object without a location (AT_EMPTY_PATH on a pipe): parent_fd. */
	if (ctx->buf->paths[0].parent_fd < 0)
		return -EPERM; /* nothing checked to act on */
	if ((c->op == OP_RENAME || c->op == OP_LINK) && ctx->buf->paths[1].parent_fd < 0)
		return -EPERM;
	if (c->text >= 0) {
		rc = target_read_string(ctx->tid, ctx->args[c->text], text, sizeof(text),
		                        ctx->listener, ctx->notif_id);
		if (rc < 0)
			return rc;
	}
	if (c->op == OP_TRUNCATE) {
		rc = truncate_length(ctx, c, &length);
		if (rc < 0)
			return rc;
	}
	creates = c->op == OP_MKDIR || c->op == OP_MKNOD;
	if (creates) {
		unsigned mask;

		rc = emulate_umask(ctx, &mask);
		if (rc < 0)
			return rc;
		old_mask = umask(mask);
	}
	res->error = do_op(ctx, c, text, length);
	if (creates)
		umask(old_mask);
	return 0;
}
