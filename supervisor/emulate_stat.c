/* SPDX-License-Identifier: MIT */
/*
 * The stat, access and readlink families, emulated (emulate.h): the supervisor asks about the
 * checked location (parent_fd + final component, never following a final symlink again:
 * path_resolve() already followed it when the syscall follows, so a symlink found there now
 * was swapped in and the answer is ELOOP) and writes the syscall's own output into the
 * caller's memory (emulate_write_output()): nothing else is ever written there.
 *
 * - stat, lstat, newfstatat: struct stat of the native arch (the supervisor's own; x32 callers
 *   use x86_64's, only their pointers are 32-bit). i386 callers (SCMP_ARCH_X86 on an x86_64
 *   kernel) get the kernel's compat layouts: stat64/lstat64/fstatat64, stat/lstat and
 *   oldstat/oldlstat each have their own (emulate_stat_i386.h). Callers of any other ABI are
 *   not emulated (ENOSYS, a deny).
 * - statx: struct statx has one layout on every arch.
 * - access, faccessat, faccessat2: the kernel checks with the caller's REAL uid and gid unless
 *   AT_EACCESS, and then gives root (real uid 0) its effective capabilities and everybody else
 *   none: the supervisor takes on exactly that identity for the check.
 * - readlink, readlinkat: the link text, cut to the caller's buffer size, as the kernel does.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <seccomp.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emulate.h"
#include "emulate_stat_i386.h"

enum stat_op { OP_STAT, OP_STATX, OP_ACCESS, OP_READLINK };

struct stat_call {
	const char *name;
	enum stat_op op;
	int8_t out;   /* argument holding the output pointer, -1: none */
	int8_t size;  /* readlink: the buffer size; statx: the mask */
	int8_t flags; /* AT_* flags, -1: none */
	int8_t mode;  /* access mode */
	bool follows; /* follows a final symlink (before flags) */
};

static const struct stat_call calls[] = {
        {"stat", OP_STAT, 1, -1, -1, -1, true},
        {"lstat", OP_STAT, 1, -1, -1, -1, false},
        {"newfstatat", OP_STAT, 2, -1, 3, -1, true},
        /* i386 only (the layout is chosen by the caller's arch: do_stat) */
        {"stat64", OP_STAT, 1, -1, -1, -1, true},
        {"lstat64", OP_STAT, 1, -1, -1, -1, false},
        {"fstatat64", OP_STAT, 2, -1, 3, -1, true},
        {"oldstat", OP_STAT, 1, -1, -1, -1, true},
        {"oldlstat", OP_STAT, 1, -1, -1, -1, false},
        {"statx", OP_STATX, 4, 3, 2, -1, true},
        {"access", OP_ACCESS, -1, -1, -1, 1, true},
        {"faccessat", OP_ACCESS, -1, -1, -1, 2, true},
        {"faccessat2", OP_ACCESS, -1, -1, 3, 2, true},
        {"readlink", OP_READLINK, 1, 2, -1, -1, false},
        {"readlinkat", OP_READLINK, 2, 3, -1, -1, false},
};

static const struct stat_call *lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (strcmp(calls[i].name, name) == 0)
			return &calls[i];
	return NULL;
}

bool emulate_stat_supported(const char *name)
{
	return name != NULL && lookup(name) != NULL;
}

/* What to name relative to parent_fd: the final component, or the object itself. */
static const char *target_name(const struct path_resolution *pr, int *at_flags)
{
	*at_flags = AT_SYMLINK_NOFOLLOW;
	if (pr->final[0] == '\0') {
		*at_flags |= AT_EMPTY_PATH;
		return "";
	}
	return pr->final;
}

/*
 * A syscall that follows must not find a symlink at the checked place: path_resolve() already
 * followed it. Returns 0, or -ELOOP (one was swapped in after the check).
 */
static int check_not_swapped(const struct path_resolution *pr, bool follows)
{
	struct stat st;

	if (!follows || pr->final[0] == '\0')
		return 0;
	if (fstatat(pr->parent_fd, pr->final, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
		return -ELOOP;
	return 0;
}

/* The calls that write the native struct stat (the others exist on i386 only). */
static bool native_stat_name(const char *name)
{
	return strcmp(name, "stat") == 0 || strcmp(name, "lstat") == 0 ||
	       strcmp(name, "newfstatat") == 0;
}

static int do_stat(const struct emulate_ctx *ctx, const struct stat_call *c,
                   const struct path_resolution *pr, bool follows, struct emulate_result *res)
{
	enum i386_stat_layout i386 = I386_STAT_NONE;
	uint32_t native = seccomp_arch_native();
	const char *name;
	struct stat st;
	int at, rc;

	/* The layout of the output is the caller's ABI's, chosen by the notification's arch. */
	if (ctx->arch == SCMP_ARCH_X86 && native == SCMP_ARCH_X86_64) {
		i386 = emulate_stat_i386_layout(c->name);
		if (i386 == I386_STAT_NONE)
			return -ENOSYS; /* newfstatat does not exist on i386 */
	} else if (!native_stat_name(c->name) ||
	           (ctx->arch != native &&
	            !(ctx->arch == SCMP_ARCH_X32 && native == SCMP_ARCH_X86_64))) {
		return -ENOSYS;
	}
	/* vfs_statx() refuses unknown flags (an int: the register's upper half is not read). */
	if (c->flags >= 0 && ((uint32_t)ctx->args[c->flags] &
	                      ~(uint32_t)(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH |
	                                  AT_STATX_SYNC_TYPE)) != 0) {
		res->error = -EINVAL;
		return 0;
	}
	rc = check_not_swapped(pr, follows);
	if (rc < 0) {
		res->error = rc;
		return 0;
	}
	name = target_name(pr, &at);
	if (fstatat(pr->parent_fd, name, &st, at) < 0) {
		res->error = -errno;
		return 0;
	}
	if (i386 != I386_STAT_NONE)
		rc = emulate_stat_i386_write(ctx, i386, ctx->args[c->out], &st);
	else
		rc = emulate_write_output(ctx, ctx->args[c->out], &st, sizeof(st));
	if (rc == -EFAULT || rc == -EOVERFLOW) {
		res->error = rc; /* the caller's answer, as the kernel gives it */
		return 0;
	}
	return rc;
}

static int do_statx(const struct emulate_ctx *ctx, const struct stat_call *c,
                    const struct path_resolution *pr, bool follows, struct emulate_result *res)
{
	unsigned flags = (unsigned)ctx->args[c->flags];
	struct statx stx;
	const char *name;
	int at, rc;

	rc = check_not_swapped(pr, follows);
	if (rc < 0) {
		res->error = rc;
		return 0;
	}
	name = target_name(pr, &at);
	/* Keep the sync flags; the lookup flags were applied by the resolution. */
	at |= (int)(flags & AT_STATX_SYNC_TYPE);
	if (statx(pr->parent_fd, name, at, (unsigned)ctx->args[c->size], &stx) < 0) {
		res->error = -errno;
		return 0;
	}
	rc = emulate_write_output(ctx, ctx->args[c->out], &stx, sizeof(stx));
	if (rc == -EFAULT) {
		res->error = -EFAULT;
		return 0;
	}
	return rc;
}

static int do_access(const struct emulate_ctx *ctx, const struct stat_call *c,
                     const struct path_resolution *pr, bool follows, uint64_t flags,
                     struct emulate_result *res)
{
	struct target_creds real = *ctx->creds;
	const char *name;
	int at, rc;

	rc = check_not_swapped(pr, follows);
	if (rc < 0) {
		res->error = rc;
		return 0;
	}
	if (!(flags & AT_EACCESS)) {
		/* fs/open.c access_override_creds(): the real ids; capabilities only for root. */
		real.fsuid = real.ruid;
		real.fsgid = real.rgid;
		if (real.ruid != 0)
			real.cap_eff = 0;
		emulate_creds_restore(ctx->sw);
		rc = emulate_creds_enter(ctx->sw, &real);
		if (rc < 0)
			return rc;
	}
	name = target_name(pr, &at);
	rc = faccessat(pr->parent_fd, name, (int)ctx->args[c->mode], at | AT_EACCESS);
	res->error = rc < 0 ? -errno : 0;
	if (!(flags & AT_EACCESS)) {
		/* Back to acting as the caller (the caller of emulate_syscall restores later). */
		emulate_creds_restore(ctx->sw);
		rc = emulate_creds_enter(ctx->sw, ctx->creds);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int do_readlink(const struct emulate_ctx *ctx, const struct stat_call *c,
                       const struct path_resolution *pr, struct emulate_result *res)
{
	int64_t size = (int64_t)(int32_t)(uint32_t)ctx->args[c->size];
	char text[PATH_MAX];
	ssize_t n;
	int rc;

	if (size <= 0) {
		res->error = -EINVAL;
		return 0;
	}
	n = readlinkat(pr->parent_fd, pr->final, text, sizeof(text));
	if (n < 0) {
		res->error = -errno;
		return 0;
	}
	if (n > size)
		n = (ssize_t)size;
	rc = emulate_write_output(ctx, ctx->args[c->out], text, (size_t)n);
	if (rc == -EFAULT) {
		res->error = -EFAULT;
		return 0;
	}
	if (rc < 0)
		return rc;
	res->val = n;
	return 0;
}

int emulate_stat(const struct emulate_ctx *ctx, struct emulate_result *res)
{
	const struct stat_call *c = lookup(ctx->name);
	const struct path_resolution *pr = &ctx->buf->paths[0];
	uint64_t flags;
	bool follows;

	if (c == NULL)
		return -ENOSYS;
	if (pr->parent_fd < 0)
		return -EPERM; /* nothing checked to act on */
	flags = c->flags >= 0 ? ctx->args[c->flags] : 0;
	follows = c->follows && !(flags & AT_SYMLINK_NOFOLLOW);
	switch (c->op) {
	case OP_STAT:
		return do_stat(ctx, c, pr, follows, res);
	case OP_STATX:
		return do_statx(ctx, c, pr, follows, res);
	case OP_ACCESS:
		return do_access(ctx, c, pr, follows, flags, res);
	case OP_READLINK:
		return do_readlink(ctx, c, pr, res);
	}
	return -ENOSYS;
}
