/* SPDX-License-Identifier: MIT */
/* i386 layouts of the stat family's output (emulate_stat_i386.h). */
#include "emulate_stat_i386.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>

#include "emulate.h"
#include "target_mem.h"

/* What the kernel writes for an id that does not fit in 16 bits, unless the sysctl says else. */
#define DEFAULT_OVERFLOW_ID 65534u

enum i386_stat_layout emulate_stat_i386_layout(const char *name)
{
	if (name == NULL)
		return I386_STAT_NONE;
	if (strcmp(name, "stat64") == 0 || strcmp(name, "lstat64") == 0 ||
	    strcmp(name, "fstatat64") == 0)
		return I386_STAT64;
	if (strcmp(name, "stat") == 0 || strcmp(name, "lstat") == 0)
		return I386_STAT_COMPAT;
	if (strcmp(name, "oldstat") == 0 || strcmp(name, "oldlstat") == 0)
		return I386_STAT_OLD;
	return I386_STAT_NONE;
}

/* Little-endian stores at byte offsets: i386 is little-endian whatever the supervisor is. */
static void put16(unsigned char *b, size_t off, uint16_t v)
{
	b[off] = (unsigned char)v;
	b[off + 1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *b, size_t off, uint32_t v)
{
	put16(b, off, (uint16_t)v);
	put16(b, off + 2, (uint16_t)(v >> 16));
}

static void put64(unsigned char *b, size_t off, uint64_t v)
{
	put32(b, off, (uint32_t)v);
	put32(b, off + 4, (uint32_t)(v >> 32));
}

/* include/linux/highuid.h high2lowuid(): an id above 16 bits becomes the overflow id. */
static uint16_t low_id(uint32_t id, uint32_t overflow)
{
	return (uint16_t)((id & ~0xffffu) != 0 ? overflow : id);
}

/* include/linux/kdev_t.h old_encode_dev(): (major << 8) | minor, cut to 16 bits. */
static uint16_t old_dev(dev_t dev)
{
	return (uint16_t)((major(dev) << 8) | minor(dev));
}

static void add_range(struct i386_stat_out *out, uint8_t off, uint8_t len)
{
	out->ranges[out->n_ranges].off = off;
	out->ranges[out->n_ranges].len = len;
	out->n_ranges++;
}

static void encode_stat64(const struct stat *st, struct i386_stat_out *out)
{
	unsigned char *b = out->bytes;

	put64(b, 0, (uint32_t)st->st_dev);
	put32(b, 12, (uint32_t)st->st_ino); /* __st_ino: the low half */
	put32(b, 16, st->st_mode);
	put32(b, 20, (uint32_t)st->st_nlink);
	put32(b, 24, st->st_uid);
	put32(b, 28, st->st_gid);
	put64(b, 32, (uint32_t)st->st_rdev);
	put64(b, 44, (uint64_t)st->st_size);
	put32(b, 52, (uint32_t)st->st_blksize);
	put64(b, 56, (uint64_t)st->st_blocks);
	put32(b, 64, (uint32_t)st->st_atim.tv_sec);
	put32(b, 68, (uint32_t)st->st_atim.tv_nsec);
	put32(b, 72, (uint32_t)st->st_mtim.tv_sec);
	put32(b, 76, (uint32_t)st->st_mtim.tv_nsec);
	put32(b, 80, (uint32_t)st->st_ctim.tv_sec);
	put32(b, 84, (uint32_t)st->st_ctim.tv_nsec);
	put64(b, 88, (uint64_t)st->st_ino);
	out->len = 96;
	/* __pad0 (8-11) and __pad3 (40-43) are not written: cp_stat64() puts fields only. */
	add_range(out, 0, 8);
	add_range(out, 12, 28);
	add_range(out, 44, 52);
}

static int encode_compat(const struct stat *st, uint32_t ouid, uint32_t ogid,
                         struct i386_stat_out *out)
{
	unsigned char *b = out->bytes;

	if ((uint64_t)st->st_ino > UINT32_MAX || (uint64_t)st->st_nlink > UINT16_MAX ||
	    (uint64_t)st->st_size > INT32_MAX)
		return -EOVERFLOW;
	put32(b, 0, (uint32_t)st->st_dev);
	put32(b, 4, (uint32_t)st->st_ino);
	put16(b, 8, (uint16_t)st->st_mode);
	put16(b, 10, (uint16_t)st->st_nlink);
	put16(b, 12, low_id(st->st_uid, ouid));
	put16(b, 14, low_id(st->st_gid, ogid));
	put32(b, 16, (uint32_t)st->st_rdev);
	put32(b, 20, (uint32_t)st->st_size);
	put32(b, 24, (uint32_t)st->st_blksize);
	put32(b, 28, (uint32_t)st->st_blocks);
	put32(b, 32, (uint32_t)st->st_atim.tv_sec);
	put32(b, 36, (uint32_t)st->st_atim.tv_nsec);
	put32(b, 40, (uint32_t)st->st_mtim.tv_sec);
	put32(b, 44, (uint32_t)st->st_mtim.tv_nsec);
	put32(b, 48, (uint32_t)st->st_ctim.tv_sec);
	put32(b, 52, (uint32_t)st->st_ctim.tv_nsec);
	/* 56-63: __unused4, __unused5, zero. */
	out->len = 64;
	add_range(out, 0, 64);
	return 0;
}

static int encode_old(const struct stat *st, uint32_t ouid, uint32_t ogid,
                      struct i386_stat_out *out)
{
	unsigned char *b = out->bytes;

	if ((uint64_t)st->st_ino > UINT16_MAX || (uint64_t)st->st_nlink > UINT16_MAX)
		return -EOVERFLOW;
	put16(b, 0, old_dev(st->st_dev));
	put16(b, 2, (uint16_t)st->st_ino);
	put16(b, 4, (uint16_t)st->st_mode);
	put16(b, 6, (uint16_t)st->st_nlink);
	put16(b, 8, low_id(st->st_uid, ouid));
	put16(b, 10, low_id(st->st_gid, ogid));
	put16(b, 12, old_dev(st->st_rdev));
	/* 14-15: alignment padding, zero. The size is cut, not checked, by a 64-bit kernel. */
	put32(b, 16, (uint32_t)st->st_size);
	put32(b, 20, (uint32_t)st->st_atim.tv_sec);
	put32(b, 24, (uint32_t)st->st_mtim.tv_sec);
	put32(b, 28, (uint32_t)st->st_ctim.tv_sec);
	out->len = 32;
	add_range(out, 0, 32);
	return 0;
}

int emulate_stat_i386_encode(enum i386_stat_layout layout, const struct stat *st,
                             uint32_t overflow_uid, uint32_t overflow_gid,
                             struct i386_stat_out *out)
{
	memset(out, 0, sizeof(*out));
	switch (layout) {
	case I386_STAT64:
		encode_stat64(st, out);
		return 0;
	case I386_STAT_COMPAT:
		return encode_compat(st, overflow_uid, overflow_gid, out);
	case I386_STAT_OLD:
		return encode_old(st, overflow_uid, overflow_gid, out);
	case I386_STAT_NONE:
		break;
	}
	return -ENOSYS;
}

/* /proc/sys/kernel/overflowuid or overflowgid (read only when an id needs it: rare). */
static uint32_t overflow_id(const char *path)
{
	char text[16];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return DEFAULT_OVERFLOW_ID;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return DEFAULT_OVERFLOW_ID;
	text[n] = '\0';
	return (uint32_t)strtoul(text, NULL, 10);
}

int emulate_stat_i386_write(const struct emulate_ctx *ctx, enum i386_stat_layout layout,
                            uint64_t addr, const struct stat *st)
{
	uint32_t ouid = DEFAULT_OVERFLOW_ID, ogid = DEFAULT_OVERFLOW_ID;
	struct iovec local[3], remote[3];
	struct i386_stat_out out;
	size_t total = 0;
	ssize_t n;
	int rc;

	if (layout != I386_STAT64 && st->st_uid > 0xffff)
		ouid = overflow_id("/proc/sys/kernel/overflowuid");
	if (layout != I386_STAT64 && st->st_gid > 0xffff)
		ogid = overflow_id("/proc/sys/kernel/overflowgid");
	rc = emulate_stat_i386_encode(layout, st, ouid, ogid, &out);
	if (rc < 0)
		return rc;
	for (unsigned i = 0; i < out.n_ranges; i++) {
		local[i].iov_base = out.bytes + out.ranges[i].off;
		local[i].iov_len = out.ranges[i].len;
		remote[i].iov_base = (void *)(uintptr_t)(addr + out.ranges[i].off);
		remote[i].iov_len = out.ranges[i].len;
		total += out.ranges[i].len;
	}
	/* As in emulate_write_output(): the bytes must reach the caller that is waiting. */
	rc = target_notif_valid(ctx->listener, ctx->notif_id);
	if (rc < 0)
		return rc;
	n = emulate_vm_write(ctx, local, out.n_ranges, remote, out.n_ranges);
	if (n < 0)
		return errno == ESRCH ? -ENOENT : -EFAULT;
	return (size_t)n == total ? 0 : -EFAULT;
}
