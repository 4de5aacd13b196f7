/* SPDX-License-Identifier: MIT */
/*
 * supervise_probe32: an i386 (32-bit) workload under supervise clauses
 * (tests/test_supervise_i386.c), built with -m32 -static when the compiler can. Every call is the
 * raw i386 syscall (glibc would turn stat() into statx()), so the test sees exactly what the
 * kernel, or bouncer in its place, wrote. Each op prints one line the test compares, with and
 * without bouncer.
 *
 *   supervise_probe32 OP [ARGS] [OP [ARGS]]...
 *
 *   stat64 PATH, lstat64 PATH        the struct stat64 written into a buffer filled with 0xa5:
 *                                    "OP PATH: 0 dev=... pad0=... ino32=... ... ino=I bytes=HEX"
 *                                    (every field, both paddings, and the 100 bytes from the
 *                                    buffer's start: what lies past the struct must stay 0xa5)
 *                                    or "OP PATH: -1 ENAME"
 *   fstatat64 PATH FLAGS             fstatat64(AT_FDCWD, PATH, buf, FLAGS hex): the same line
 *   fstatat64-empty PATH             fstatat64(fd, "", buf, AT_EMPTY_PATH) on an O_RDONLY fd of
 * PATH stat64-fault PATH                stat64 with an unmapped buffer: "-1 EFAULT" expected stat
 * PATH, lstat PATH            the old 32-bit struct stat (syscalls 106, 107), same format oldstat
 * PATH, oldlstat PATH      struct __old_kernel_stat (18, 84), same format truncate64 PATH LEN
 * truncate64 with LEN (decimal, 64-bit) split low, high: "truncate64 PATH: 0" or "-1 ENAME"
 *   truncate PATH LEN                truncate with a signed 32-bit LEN
 *   chown32 PATH UID GID             chown32/lchown32 (32-bit ids, -1 allowed):
 *   lchown32 PATH UID GID              "OP PATH: 0" or "-1 ENAME"
 *   chown16 PATH UID GID             i386's chown/lchown with 16-bit ids (the values are passed
 *   lchown16 PATH UID GID              as given, e.g. 65535 or 65541)
 *   create PATH TEXT                 open(PATH, O_CREAT|O_WRONLY|O_TRUNC, 0640), write TEXT:
 *                                    "create PATH: fd=N getfl=0xF" or "-1 ENAME"
 *   read PATH                        openat(AT_FDCWD, PATH, O_RDONLY): "read PATH: fd=N
 *                                    getfl=0xF data=TEXT" or "-1 ENAME"
 *   mkdir PATH MODE                  mkdir (MODE octal): "mkdir PATH: 0" or "-1 ENAME"
 *
 * Descriptors are closed after each op. Exits 0 after the last op, 2 on a usage error.
 */
#if !defined(__i386__)
#error "supervise_probe32 is an i386 program: build it with -m32"
#endif

#include <stdint.h>
#include <sys/syscall.h>

#include "probe_util.h"

#define FILL 0xa5
#define DUMP 100 /* bytes shown: every layout (at most 96) and a few past its end */

static unsigned char buf[128];

static uint64_t get(size_t off, size_t size)
{
	uint64_t v = 0;

	for (size_t i = 0; i < size; i++)
		v |= (uint64_t)buf[off + i] << (8 * i);
	return v;
}

static void hex(char *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", buf[i]);
}

/* "stat64 PATH: 0 dev=... bytes=..." for the layout the call wrote. */
static void say_stat(const char *label, long ret, int err, int layout)
{
	char bytes[2 * DUMP + 1];

	if (ret < 0) {
		say("%s: -1 %s", label, errno_name(err));
		return;
	}
	hex(bytes, DUMP);
	switch (layout) {
	case 64:
		say("%s: %ld dev=%#llx pad0=%08llx ino32=%llu mode=0%llo nlink=%llu uid=%llu "
		    "gid=%llu rdev=%#llx pad3=%08llx size=%lld blksize=%llu blocks=%llu "
		    "atime=%llu.%09llu mtime=%llu.%09llu ctime=%llu.%09llu ino=%llu bytes=%s",
		    label, ret, (unsigned long long)get(0, 8), (unsigned long long)get(8, 4),
		    (unsigned long long)get(12, 4), (unsigned long long)get(16, 4),
		    (unsigned long long)get(20, 4), (unsigned long long)get(24, 4),
		    (unsigned long long)get(28, 4), (unsigned long long)get(32, 8),
		    (unsigned long long)get(40, 4), (long long)get(44, 8),
		    (unsigned long long)get(52, 4), (unsigned long long)get(56, 8),
		    (unsigned long long)get(64, 4), (unsigned long long)get(68, 4),
		    (unsigned long long)get(72, 4), (unsigned long long)get(76, 4),
		    (unsigned long long)get(80, 4), (unsigned long long)get(84, 4),
		    (unsigned long long)get(88, 8), bytes);
		break;
	case 32:
		say("%s: %ld dev=%#llx ino=%llu mode=0%llo nlink=%llu uid=%llu gid=%llu rdev=%#llx "
		    "size=%llu blksize=%llu blocks=%llu atime=%llu.%09llu mtime=%llu.%09llu "
		    "ctime=%llu.%09llu unused=%08llx%08llx bytes=%s",
		    label, ret, (unsigned long long)get(0, 4), (unsigned long long)get(4, 4),
		    (unsigned long long)get(8, 2), (unsigned long long)get(10, 2),
		    (unsigned long long)get(12, 2), (unsigned long long)get(14, 2),
		    (unsigned long long)get(16, 4), (unsigned long long)get(20, 4),
		    (unsigned long long)get(24, 4), (unsigned long long)get(28, 4),
		    (unsigned long long)get(32, 4), (unsigned long long)get(36, 4),
		    (unsigned long long)get(40, 4), (unsigned long long)get(44, 4),
		    (unsigned long long)get(48, 4), (unsigned long long)get(52, 4),
		    (unsigned long long)get(56, 4), (unsigned long long)get(60, 4), bytes);
		break;
	default: /* __old_kernel_stat */
		say("%s: %ld dev=%#llx ino=%llu mode=0%llo nlink=%llu uid=%llu gid=%llu rdev=%#llx "
		    "pad=%04llx size=%llu atime=%llu mtime=%llu ctime=%llu bytes=%s",
		    label, ret, (unsigned long long)get(0, 2), (unsigned long long)get(2, 2),
		    (unsigned long long)get(4, 2), (unsigned long long)get(6, 2),
		    (unsigned long long)get(8, 2), (unsigned long long)get(10, 2),
		    (unsigned long long)get(12, 2), (unsigned long long)get(14, 2),
		    (unsigned long long)get(16, 4), (unsigned long long)get(20, 4),
		    (unsigned long long)get(24, 4), (unsigned long long)get(28, 4), bytes);
		break;
	}
}

static long stat_call(long nr, const char *path)
{
	memset(buf, FILL, sizeof(buf));
	return syscall(nr, path, buf);
}

static void say_fd_result(const char *label, long fd, int err, const char *data)
{
	if (fd < 0) {
		say("%s: -1 %s", label, errno_name(err));
		return;
	}
	say("%s: fd=%ld getfl=%#lx%s%s", label, fd, (long)syscall(SYS_fcntl64, (int)fd, F_GETFL),
	    data != NULL ? " data=" : "", data != NULL ? data : "");
	close((int)fd);
}

/* How many arguments op takes; -1 for an unknown op. */
static int arity(const char *op)
{
	static const struct {
		const char *op;
		int n;
	} ops[] = {
	        {"stat64", 1},       {"lstat64", 1},    {"stat", 1},      {"lstat", 1},
	        {"oldstat", 1},      {"oldlstat", 1},   {"fstatat64", 2}, {"fstatat64-empty", 1},
	        {"stat64-fault", 1}, {"truncate64", 2}, {"truncate", 2},  {"chown32", 3},
	        {"lchown32", 3},     {"chown16", 3},    {"lchown16", 3},  {"create", 2},
	        {"read", 1},         {"mkdir", 2},
	};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(ops[i].op, op) == 0)
			return ops[i].n;
	return -1;
}

int main(int argc, char **argv)
{
	char label[1200];
	long r;

	for (int i = 1; i < argc; i++) {
		const char *op = argv[i];
		int nargs = arity(op);

		if (nargs < 0 || i + nargs >= argc) {
			fprintf(stderr, "supervise_probe32: %s: %s\n", op,
			        nargs < 0 ? "unknown op" : "missing arguments");
			return 2;
		}

		if (strcmp(op, "stat64") == 0 || strcmp(op, "lstat64") == 0 ||
		    strcmp(op, "stat") == 0 || strcmp(op, "lstat") == 0 ||
		    strcmp(op, "oldstat") == 0 || strcmp(op, "oldlstat") == 0) {
			const char *path = argv[i + 1];
			long nr = strcmp(op, "stat64") == 0    ? SYS_stat64
			          : strcmp(op, "lstat64") == 0 ? SYS_lstat64
			          : strcmp(op, "stat") == 0    ? SYS_stat
			          : strcmp(op, "lstat") == 0   ? SYS_lstat
			          : strcmp(op, "oldstat") == 0 ? SYS_oldstat
			                                       : SYS_oldlstat;
			int layout = strstr(op, "64") != NULL     ? 64
			             : strncmp(op, "old", 3) == 0 ? 16
			                                          : 32;

			r = stat_call(nr, path);
			snprintf(label, sizeof(label), "%s %s", op, path);
			say_stat(label, r, errno, layout);
			i++;
		} else if (strcmp(op, "fstatat64") == 0) {
			const char *path = argv[i + 1];
			int flags = (int)strtol(argv[i + 2], NULL, 16);

			memset(buf, FILL, sizeof(buf));
			r = syscall(SYS_fstatat64, AT_FDCWD, path, buf, flags);
			snprintf(label, sizeof(label), "fstatat64 %s %s", path, argv[i + 2]);
			say_stat(label, r, errno, 64);
			i += 2;
		} else if (strcmp(op, "fstatat64-empty") == 0) {
			const char *path = argv[i + 1];
			int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY);

			snprintf(label, sizeof(label), "fstatat64-empty %s", path);
			if (fd < 0) {
				say("%s: open -1 %s", label, errno_name(errno));
			} else {
				memset(buf, FILL, sizeof(buf));
				r = syscall(SYS_fstatat64, fd, "", buf, AT_EMPTY_PATH);
				say_stat(label, r, errno, 64);
				close(fd);
			}
			i++;
		} else if (strcmp(op, "stat64-fault") == 0) {
			const char *path = argv[i + 1];

			/* The first page is never mapped. */
			r = syscall(SYS_stat64, path, (void *)16);
			snprintf(label, sizeof(label), "stat64-fault %s", path);
			say_result(label, r, errno);
			i++;
		} else if (strcmp(op, "truncate64") == 0) {
			const char *path = argv[i + 1];
			uint64_t len = (uint64_t)strtoll(argv[i + 2], NULL, 0);

			r = syscall(SYS_truncate64, path, (uint32_t)len, (uint32_t)(len >> 32));
			snprintf(label, sizeof(label), "truncate64 %s %s", path, argv[i + 2]);
			say_result(label, r, errno);
			i += 2;
		} else if (strcmp(op, "truncate") == 0) {
			const char *path = argv[i + 1];
			int32_t len = (int32_t)strtol(argv[i + 2], NULL, 0);

			r = syscall(SYS_truncate, path, len);
			snprintf(label, sizeof(label), "truncate %s %s", path, argv[i + 2]);
			say_result(label, r, errno);
			i += 2;
		} else if (strcmp(op, "chown32") == 0 || strcmp(op, "lchown32") == 0 ||
		           strcmp(op, "chown16") == 0 || strcmp(op, "lchown16") == 0) {
			const char *path = argv[i + 1];
			long uid = strtol(argv[i + 2], NULL, 0), gid = strtol(argv[i + 3], NULL, 0);
			long nr = strcmp(op, "chown32") == 0    ? SYS_chown32
			          : strcmp(op, "lchown32") == 0 ? SYS_lchown32
			          : strcmp(op, "chown16") == 0  ? SYS_chown
			                                        : SYS_lchown;

			r = syscall(nr, path, uid, gid);
			snprintf(label, sizeof(label), "%s %s %s %s", op, path, argv[i + 2],
			         argv[i + 3]);
			say_result(label, r, errno);
			i += 3;
		} else if (strcmp(op, "create") == 0) {
			const char *path = argv[i + 1], *text = argv[i + 2];
			long fd = syscall(SYS_open, path, O_CREAT | O_WRONLY | O_TRUNC, 0640);
			int err = errno;

			if (fd >= 0 && write((int)fd, text, strlen(text)) != (ssize_t)strlen(text))
				die("create %s: write: %s", path, strerror(errno));
			snprintf(label, sizeof(label), "create %s", path);
			say_fd_result(label, fd, err, NULL);
			i += 2;
		} else if (strcmp(op, "read") == 0) {
			const char *path = argv[i + 1];
			long fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY);
			int err = errno;
			char data[256] = "";

			if (fd >= 0) {
				ssize_t n = read((int)fd, data, sizeof(data) - 1);

				data[n > 0 ? n : 0] = '\0';
			}
			snprintf(label, sizeof(label), "read %s", path);
			say_fd_result(label, fd, err, data);
			i++;
		} else if (strcmp(op, "mkdir") == 0) {
			const char *path = argv[i + 1];

			r = syscall(SYS_mkdir, path, (int)strtol(argv[i + 2], NULL, 8));
			snprintf(label, sizeof(label), "mkdir %s", path);
			say_result(label, r, errno);
			i += 2;
		}
	}
	return 0;
}
