/* SPDX-License-Identifier: MIT */
/*
 * Facts from the syscalls' man pages and include/linux/syscalls.h. Argument indices are the
 * same on every architecture for these calls (the kernel's generic prototypes); only numbers
 * differ, and the supervisor looks entries up by name.
 */
#include "syscall_args.h"

#include <fcntl.h>
#include <seccomp.h>
#include <string.h>

/* A path relative to the cwd (no dirfd argument). */
#define CWD_PATH(arg, fol, create)                                                                 \
	{                                                                                          \
		.dirfd = -1, .path = (arg), .flags = -1, .follow = (fol), .may_create = (create)   \
	}
/* A path relative to a dirfd argument. */
#define AT_PATH(dfd, arg, fol, create)                                                             \
	{                                                                                          \
		.dirfd = (dfd), .path = (arg), .flags = -1, .follow = (fol),                       \
		.may_create = (create)                                                             \
	}
/* A path relative to a dirfd, following decided by a flags argument. */
#define AT_PATH_FLAGS(dfd, arg, fl, fol, bit, empty, create)                                       \
	{                                                                                          \
		.dirfd = (dfd), .path = (arg), .flags = (fl), .follow = (fol),                     \
		.follow_flag = (bit), .empty_path_flag = (empty), .may_create = (create)           \
	}

#define NO_ADDR .addr = -1, .addrlen = -1, .argv = -1

static const struct syscall_args table[] = {
        /* open family */
        {.name = "open",
         .n_paths = 1,
         .paths = {{.dirfd = -1,
                    .path = 0,
                    .flags = 1,
                    .follow = SYSCALL_FOLLOW_OPEN_FLAGS,
                    .may_create = true}},
         NO_ADDR,
         .note = "may_create only with O_CREAT (flags, argument 1)"},
        {.name = "openat",
         .n_paths = 1,
         .paths = {AT_PATH_FLAGS(0, 1, 2, SYSCALL_FOLLOW_OPEN_FLAGS, 0, 0, true)},
         NO_ADDR,
         .note = "may_create only with O_CREAT (flags, argument 2)"},
        {.name = "openat2",
         .n_paths = 1,
         .paths = {AT_PATH_FLAGS(0, 1, 2, SYSCALL_FOLLOW_OPEN_HOW, 0, 0, true)},
         NO_ADDR,
         .note = "flags and resolve are in struct open_how (argument 2, size in argument 3); "
                 "RESOLVE_NO_SYMLINKS also means no following"},
        {.name = "creat", .n_paths = 1, .paths = {CWD_PATH(0, SYSCALL_FOLLOW, true)}, NO_ADDR},
        /* exec */
        {.name = "execve",
         .n_paths = 1,
         .paths = {CWD_PATH(0, SYSCALL_FOLLOW, false)},
         .addr = -1,
         .addrlen = -1,
         .argv = 1},
        {.name = "execveat",
         .n_paths = 1,
         .paths = {AT_PATH_FLAGS(0, 1, 4, SYSCALL_FOLLOW_UNLESS_FLAG, AT_SYMLINK_NOFOLLOW,
                                 AT_EMPTY_PATH, false)},
         .addr = -1,
         .addrlen = -1,
         .argv = 2},
        /* stat / access family */
        {.name = "stat", .n_paths = 1, .paths = {CWD_PATH(0, SYSCALL_FOLLOW, false)}, NO_ADDR},
        {.name = "lstat", .n_paths = 1, .paths = {CWD_PATH(0, SYSCALL_NOFOLLOW, false)}, NO_ADDR},
        {.name = "newfstatat",
         .n_paths = 1,
         .paths = {AT_PATH_FLAGS(0, 1, 3, SYSCALL_FOLLOW_UNLESS_FLAG, AT_SYMLINK_NOFOLLOW,
                                 AT_EMPTY_PATH, false)},
         NO_ADDR,
         .note = "glibc's fstat() is newfstatat(fd, \"\", AT_EMPTY_PATH): the object is the fd"},
        {.name = "fstatat64",
         .n_paths = 1,
         .paths = {AT_PATH_FLAGS(0, 1, 3, SYSCALL_FOLLOW_UNLESS_FLAG, AT_SYMLINK_NOFOLLOW,
                                 AT_EMPTY_PATH, false)},
         NO_ADDR},
        {.name = "statx",
         .n_paths = 1,
         .paths = {AT_PATH_FLAGS(0, 1, 2, SYSCALL_FOLLOW_UNLESS_FLAG, AT_SYMLINK_NOFOLLOW,
                                 AT_EMPTY_PATH, false)},
         NO_ADDR},
        {.name = "access", .n_paths = 1, .paths = {CWD_PATH(0, SYSCALL_FOLLOW, false)}, NO_ADDR},
        {.name = "faccessat",
         .n_paths = 1,
         .paths = {AT_PATH(0, 1, SYSCALL_FOLLOW, false)},
         NO_ADDR,
         .note = "the syscall has no flags argument (glibc emulates them or uses faccessat2)"},
        {.name = "faccessat2",
         .n_paths = 1,
         .paths = {AT_PATH_FLAGS(0, 1, 3, SYSCALL_FOLLOW_UNLESS_FLAG, AT_SYMLINK_NOFOLLOW,
                                 AT_EMPTY_PATH, false)},
         NO_ADDR},
        {.name = "readlink",
         .n_paths = 1,
         .paths = {CWD_PATH(0, SYSCALL_NOFOLLOW, false)},
         NO_ADDR},
        {.name = "readlinkat",
         .n_paths = 1,
         .paths = {AT_PATH(0, 1, SYSCALL_NOFOLLOW, false)},
         NO_ADDR},
        /* create / remove */
        {.name = "mkdir", .n_paths = 1, .paths = {CWD_PATH(0, SYSCALL_NOFOLLOW, true)}, NO_ADDR},
        {.name = "mkdirat",
         .n_paths = 1,
         .paths = {AT_PATH(0, 1, SYSCALL_NOFOLLOW, true)},
         NO_ADDR},
        {.name = "mknod", .n_paths = 1, .paths = {CWD_PATH(0, SYSCALL_NOFOLLOW, true)}, NO_ADDR},
        {.name = "mknodat",
         .n_paths = 1,
         .paths = {AT_PATH(0, 1, SYSCALL_NOFOLLOW, true)},
         NO_ADDR},
        {.name = "unlink", .n_paths = 1, .paths = {CWD_PATH(0, SYSCALL_NOFOLLOW, false)}, NO_ADDR},
        {.name = "unlinkat",
         .n_paths = 1,
         .paths = {AT_PATH(0, 1, SYSCALL_NOFOLLOW, false)},
         NO_ADDR,
         .note = "AT_REMOVEDIR in flags (argument 2) makes it rmdir"},
        {.name = "rmdir", .n_paths = 1, .paths = {CWD_PATH(0, SYSCALL_NOFOLLOW, false)}, NO_ADDR},
        {.name = "rename",
         .n_paths = 2,
         .paths = {CWD_PATH(0, SYSCALL_NOFOLLOW, false), CWD_PATH(1, SYSCALL_NOFOLLOW, true)},
         NO_ADDR},
        {.name = "renameat",
         .n_paths = 2,
         .paths = {AT_PATH(0, 1, SYSCALL_NOFOLLOW, false), AT_PATH(2, 3, SYSCALL_NOFOLLOW, true)},
         NO_ADDR},
        {.name = "renameat2",
         .n_paths = 2,
         .paths = {AT_PATH(0, 1, SYSCALL_NOFOLLOW, false), AT_PATH(2, 3, SYSCALL_NOFOLLOW, true)},
         NO_ADDR,
         .note = "RENAME_EXCHANGE (flags, argument 4) makes both paths sources"},
        {.name = "link",
         .n_paths = 2,
         .paths = {CWD_PATH(0, SYSCALL_NOFOLLOW, false), CWD_PATH(1, SYSCALL_NOFOLLOW, true)},
         NO_ADDR},
        {.name = "linkat",
         .n_paths = 2,
         .paths = {AT_PATH_FLAGS(0, 1, 4, SYSCALL_FOLLOW_IF_FLAG, AT_SYMLINK_FOLLOW, AT_EMPTY_PATH,
                                 false),
                   AT_PATH(2, 3, SYSCALL_NOFOLLOW, true)},
         NO_ADDR},
        {.name = "symlink",
         .n_paths = 1,
         .paths = {CWD_PATH(1, SYSCALL_NOFOLLOW, true)},
         NO_ADDR,
         .note = "argument 0 is the link's text, not a path lookup; only the new link's location "
                 "is matched"},
        {.name = "symlinkat",
         .n_paths = 1,
         .paths = {AT_PATH(1, 2, SYSCALL_NOFOLLOW, true)},
         NO_ADDR,
         .note = "argument 0 is the link's text, not a path lookup; only the new link's location "
                 "is matched"},
        /* attributes and the cwd */
        {.name = "chdir", .n_paths = 1, .paths = {CWD_PATH(0, SYSCALL_FOLLOW, false)}, NO_ADDR},
        {.name = "chmod", .n_paths = 1, .paths = {CWD_PATH(0, SYSCALL_FOLLOW, false)}, NO_ADDR},
        {.name = "fchmodat",
         .n_paths = 1,
         .paths = {AT_PATH(0, 1, SYSCALL_FOLLOW, false)},
         NO_ADDR,
         .note = "the syscall has no flags argument (fchmodat2, Linux 6.6, adds one)"},
        {.name = "chown", .n_paths = 1, .paths = {CWD_PATH(0, SYSCALL_FOLLOW, false)}, NO_ADDR},
        {.name = "lchown", .n_paths = 1, .paths = {CWD_PATH(0, SYSCALL_NOFOLLOW, false)}, NO_ADDR},
        {.name = "fchownat",
         .n_paths = 1,
         .paths = {AT_PATH_FLAGS(0, 1, 4, SYSCALL_FOLLOW_UNLESS_FLAG, AT_SYMLINK_NOFOLLOW,
                                 AT_EMPTY_PATH, false)},
         NO_ADDR},
        {.name = "truncate", .n_paths = 1, .paths = {CWD_PATH(0, SYSCALL_FOLLOW, false)}, NO_ADDR},
        /* 32-bit x86 spellings of the same calls */
        {.name = "stat64", .n_paths = 1, .paths = {CWD_PATH(0, SYSCALL_FOLLOW, false)}, NO_ADDR},
        {.name = "lstat64", .n_paths = 1, .paths = {CWD_PATH(0, SYSCALL_NOFOLLOW, false)}, NO_ADDR},
        {.name = "truncate64",
         .n_paths = 1,
         .paths = {CWD_PATH(0, SYSCALL_FOLLOW, false)},
         NO_ADDR},
        {.name = "oldstat", .n_paths = 1, .paths = {CWD_PATH(0, SYSCALL_FOLLOW, false)}, NO_ADDR},
        {.name = "oldlstat",
         .n_paths = 1,
         .paths = {CWD_PATH(0, SYSCALL_NOFOLLOW, false)},
         NO_ADDR},
        {.name = "chown32", .n_paths = 1, .paths = {CWD_PATH(0, SYSCALL_FOLLOW, false)}, NO_ADDR},
        {.name = "lchown32",
         .n_paths = 1,
         .paths = {CWD_PATH(0, SYSCALL_NOFOLLOW, false)},
         NO_ADDR},
        /* sockets */
        {.name = "connect", .addr = 1, .addrlen = 2, .argv = -1},
        {.name = "bind", .addr = 1, .addrlen = 2, .argv = -1},
        {.name = "sendto",
         .addr = 4,
         .addrlen = 5,
         .argv = -1,
         .note = "a NULL address (connected socket) has no address: address conditions fail"},
        {.name = "sendmsg",
         .addr = 1,
         .addrlen = -1,
         .addr_in_msghdr = true,
         .argv = -1,
         .note = "the address is msg_name/msg_namelen of the struct msghdr at argument 1"},
        {.name = "sendmmsg",
         .addr = 1,
         .addrlen = -1,
         .addr_in_mmsghdr = true,
         .argv = -1,
         .note = "one address per message: msg_name/msg_namelen of each struct mmsghdr of the "
                 "array at argument 1 (vlen, argument 2, capped at 1024), decided in order"},
};

const struct syscall_args *syscall_args_lookup(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

const struct syscall_args *syscall_args_table(size_t *count)
{
	*count = sizeof(table) / sizeof(table[0]);
	return table;
}

unsigned syscall_args_ptr_size(uint32_t arch)
{
	switch (arch) {
	case SCMP_ARCH_X86:
	case SCMP_ARCH_X32:
	case SCMP_ARCH_ARM:
	case SCMP_ARCH_MIPS:
	case SCMP_ARCH_MIPSEL:
	case SCMP_ARCH_MIPSEL64N32:
	case SCMP_ARCH_MIPS64N32:
	case SCMP_ARCH_PPC:
	case SCMP_ARCH_S390:
		return 4;
	default:
		return 8;
	}
}
