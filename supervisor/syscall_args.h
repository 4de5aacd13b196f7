/* SPDX-License-Identifier: MIT */
/*
 * Which arguments of a syscall hold the path(s), the socket address or the argv that supervise
 * clauses decide on, keyed by libseccomp's syscall name (the supervisor maps arch + number to
 * a name first, so one table serves every architecture). docs/inspection.md shows the table.
 */
#ifndef BOUNCER_SYSCALL_ARGS_H
#define BOUNCER_SYSCALL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether the final component of a path is followed when it is a symlink. */
enum syscall_follow {
	SYSCALL_FOLLOW,             /* always (stat, chdir, truncate, execve, ...) */
	SYSCALL_NOFOLLOW,           /* never: the syscall acts on the link itself (lstat, unlink) */
	SYSCALL_FOLLOW_UNLESS_FLAG, /* unless flags & flag (AT_SYMLINK_NOFOLLOW) */
	SYSCALL_FOLLOW_IF_FLAG,     /* only if flags & flag (linkat's AT_SYMLINK_FOLLOW) */
	/* open(2) flags: not with O_NOFOLLOW, nor with O_CREAT | O_EXCL (the kernel refuses) */
	SYSCALL_FOLLOW_OPEN_FLAGS,
	/* openat2: flags live in struct open_how at the flags argument (read it first) */
	SYSCALL_FOLLOW_OPEN_HOW,
};

struct syscall_path_arg {
	int8_t dirfd; /* argument holding the directory fd, -1: always relative to the cwd */
	int8_t path;  /* argument holding the pointer to the path string */
	int8_t flags; /* argument holding the flags that decide following, -1: none */
	enum syscall_follow follow;
	uint64_t follow_flag;     /* the bit for SYSCALL_FOLLOW_{UNLESS,IF}_FLAG */
	uint64_t empty_path_flag; /* AT_EMPTY_PATH when the syscall accepts it, else 0 */
	bool may_create;          /* the final component need not exist */
};

struct syscall_args {
	const char *name;
	uint8_t n_paths; /* 0, 1 or 2 (rename, link: every path must match) */
	struct syscall_path_arg paths[2];
	int8_t addr;         /* argument holding a struct sockaddr pointer, -1: none */
	int8_t addrlen;      /* argument holding its length */
	bool addr_in_msghdr; /* sendmsg: addr points to a struct msghdr (msg_name/msg_namelen) */
	/* sendmmsg: addr points to an array of struct mmsghdr, one address per message */
	bool addr_in_mmsghdr;
	int8_t argv;      /* argument holding the argv pointer array, -1: none (execve family) */
	const char *note; /* what the table cannot say, for docs and messages; NULL if nothing */
};

/* The entry for a syscall name, or NULL if bouncer cannot inspect its pointer arguments. */
const struct syscall_args *syscall_args_lookup(const char *name);

/* The size of a pointer (and of long) in the caller's ABI: 4 for 32-bit ones (i386, x32, ...). */
unsigned syscall_args_ptr_size(uint32_t arch);

/* The whole table (for docs, tests and `policy check`). */
const struct syscall_args *syscall_args_table(size_t *count);

#endif
