/* SPDX-License-Identifier: MIT */
/*
 * The stat family's output as an i386 caller receives it (a 32-bit process on an x86_64 kernel,
 * SCMP_ARCH_X86), for emulate_stat.c. The supervisor asks the question natively (fstatat gives
 * the x86_64 struct stat) and re-encodes the answer the way the kernel's compat code would:
 *
 * - stat64, lstat64, fstatat64: struct stat64 of arch/x86/include/uapi/asm/stat.h (96 bytes,
 *   packed), filled field by field by cp_stat64() in arch/x86/kernel/sys_ia32.c: the padding
 *   (bytes 8-11 and 40-43) is never written, so the caller's own bytes stay there. The inode
 *   number is written twice: truncated to 32 bits in __st_ino (offset 12), whole in st_ino
 *   (offset 88). Times are 32-bit seconds and 32-bit nanoseconds.
 * - stat, lstat (numbers 106, 107): struct compat_stat of arch/x86/include/asm/compat.h (64
 *   bytes, zeroed first), filled by cp_compat_stat() in fs/stat.c: EOVERFLOW when the inode
 *   number needs more than 32 bits, the link count more than 16 or the size more than 2^31 - 1;
 *   uid and gid are 16 bits, a larger id is written as the overflowuid/overflowgid sysctl.
 * - oldstat, oldlstat (18, 84): struct __old_kernel_stat (32 bytes, zeroed first), filled by
 *   cp_old_stat() in fs/stat.c: 16-bit device numbers in the old (major << 8 | minor) encoding,
 *   EOVERFLOW when the inode number or link count needs more than 16 bits, the size truncated
 *   to 32 bits (a 64-bit kernel does not check it), no nanoseconds.
 *
 * Device numbers: the x86_64 kernel writes st_dev/st_rdev in the "new" 32-bit encoding
 * (new_encode_dev), the same as i386's; they are taken as they are.
 */
#ifndef BOUNCER_EMULATE_STAT_I386_H
#define BOUNCER_EMULATE_STAT_I386_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

enum i386_stat_layout {
	I386_STAT_NONE = -1, /* not a stat call of i386 */
	I386_STAT64,         /* stat64, lstat64, fstatat64 */
	I386_STAT_COMPAT,    /* stat, lstat */
	I386_STAT_OLD,       /* oldstat, oldlstat */
};

/* The bytes the kernel would write: len bytes at most, in up to three ranges (the padding of
 * struct stat64 is left out). */
struct i386_stat_out {
	unsigned char bytes[96];
	size_t len;
	struct {
		uint8_t off, len;
	} ranges[3];
	unsigned n_ranges;
};

/* Which layout the i386 syscall `name` writes; I386_STAT_NONE for any other name. */
enum i386_stat_layout emulate_stat_i386_layout(const char *name);

/*
 * Encodes st as layout, with overflow_uid/overflow_gid standing for ids that do not fit in 16
 * bits. Returns 0, or -EOVERFLOW when the kernel would refuse (nothing is to be written then).
 */
int emulate_stat_i386_encode(enum i386_stat_layout layout, const struct stat *st,
                             uint32_t overflow_uid, uint32_t overflow_gid,
                             struct i386_stat_out *out);

struct emulate_ctx;

/*
 * Encodes st for the caller of ctx and writes it at addr (only the ranges the kernel writes;
 * the notification is checked right before, as emulate_write_output() does). Returns 0,
 * -EOVERFLOW (the layout cannot hold a value: the caller's answer, nothing written), -EFAULT
 * (part of the range is not writable: the caller's answer) or -ENOENT (the caller went away).
 */
int emulate_stat_i386_write(const struct emulate_ctx *ctx, enum i386_stat_layout layout,
                            uint64_t addr, const struct stat *st);

#endif
