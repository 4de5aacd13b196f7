/* SPDX-License-Identifier: MIT */
#include "target_mem.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdalign.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

/* Remote iovecs per process_vm_readv call: 16 pages is more than any string we accept. */
#define TARGET_MEM_IOV_MAX 16

/* Size of the first read of a string: covers nearly every path in one call. */
#define TARGET_MEM_FIRST_READ 256

static size_t target_page_size(void)
{
	static size_t cached;

	/* A benign race: every thread computes the same value. */
	if (cached == 0)
		cached = (size_t)sysconf(_SC_PAGESIZE);
	return cached;
}

static const struct target_mem_hook *access_hook;

void target_mem_set_hook(const struct target_mem_hook *hook)
{
	access_hook = hook;
}

/* process_vm_readv, once more with CAP_SYS_PTRACE raised after an EPERM (access_hook). */
static ssize_t vm_read(pid_t tid, const struct iovec *local, unsigned long n_local,
                       const struct iovec *remote, unsigned long n_remote)
{
	ssize_t got = process_vm_readv(tid, local, n_local, remote, n_remote, 0);

	if (got < 0 && errno == EPERM && access_hook != NULL &&
	    access_hook->raise(access_hook->arg) == 0) {
		int err;

		got = process_vm_readv(tid, local, n_local, remote, n_remote, 0);
		err = errno;
		access_hook->lower(access_hook->arg);
		errno = err;
	}
	return got;
}

/* Maps process_vm_readv's errno to what callers act on (see target_mem.h). */
static int read_error(int err)
{
	switch (err) {
	case ESRCH:
		return -ENOENT;
	case EPERM:
		return -EPERM;
	case EFAULT:
	case EINVAL: /* e.g. an address beyond the target's address space on some kernels */
		return -EFAULT;
	default:
		return -err;
	}
}

/*
 * Reads up to len bytes at addr into buf, splitting the remote range at page boundaries so
 * that the transfer stops cleanly at the first unreadable page. Returns the number of bytes
 * read from the start of the range (less than len if a page could not be read), or a negative
 * errno if not even the first page could be read.
 */
static ssize_t read_pages(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	const size_t page = target_page_size();
	size_t done = 0;

	if (len == 0)
		return 0;
	if (addr + len < addr)
		return -EFAULT; /* wraps around the address space */
	while (done < len) {
		struct iovec local[TARGET_MEM_IOV_MAX], remote[TARGET_MEM_IOV_MAX];
		size_t asked = 0;
		int n_iov = 0;
		ssize_t got;

		while (n_iov < TARGET_MEM_IOV_MAX && done + asked < len) {
			uint64_t at = addr + done + asked;
			size_t chunk = page - (size_t)(at % page);

			if (chunk > len - done - asked)
				chunk = len - done - asked;
			remote[n_iov].iov_base = (void *)(uintptr_t)at;
			remote[n_iov].iov_len = chunk;
			local[n_iov].iov_base = (char *)buf + done + asked;
			local[n_iov].iov_len = chunk;
			asked += chunk;
			n_iov++;
		}
		got = vm_read(tid, local, (unsigned long)n_iov, remote, (unsigned long)n_iov);
		if (got < 0)
			return done > 0 ? (ssize_t)done : read_error(errno);
		done += (size_t)got;
		if ((size_t)got < asked)
			break;
	}
	return (ssize_t)done;
}

int target_notif_valid(int listener_fd, uint64_t notif_id)
{
	if (ioctl(listener_fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &notif_id) < 0)
		return -errno;
	return 0;
}

static int check_valid(int listener_fd, uint64_t notif_id)
{
	if (listener_fd < 0)
		return 0;
	return target_notif_valid(listener_fd, notif_id);
}

int target_read_string(pid_t tid, uint64_t addr, char *buf, size_t size, int listener_fd,
                       uint64_t notif_id)
{
	const size_t page = target_page_size();
	size_t done = 0;

	if (size == 0)
		return -ENAMETOOLONG;
	/*
	 * One page at a time: most strings end in the page they start in, so this is usually a
	 * single system call, and we never ask for memory past the page holding the NUL.
	 */
	while (done < size) {
		uint64_t at = addr + done;
		size_t chunk = page - (size_t)(at % page);
		ssize_t got;
		char *nul;

		/*
		 * Most strings are short: try a small first read (copying up to a page for a
		 * 20-byte path costs more than the system call), then whole pages.
		 */
		if (done == 0 && chunk > TARGET_MEM_FIRST_READ)
			chunk = TARGET_MEM_FIRST_READ;

		if (at < addr)
			return -EFAULT;
		if (chunk > size - done)
			chunk = size - done;
		got = read_pages(tid, at, buf + done, chunk);
		if (got < 0)
			return (int)got;
		nul = memchr(buf + done, '\0', (size_t)got);
		if (nul != NULL) {
			int rc = check_valid(listener_fd, notif_id);

			return rc < 0 ? rc : (int)(nul - buf);
		}
		done += (size_t)got;
		if ((size_t)got < chunk)
			return -EFAULT;
	}
	return -ENAMETOOLONG;
}

int target_read_mem(pid_t tid, uint64_t addr, void *buf, size_t len, int listener_fd,
                    uint64_t notif_id)
{
	ssize_t got = read_pages(tid, addr, buf, len);

	if (got < 0)
		return (int)got;
	if ((size_t)got < len)
		return -EFAULT;
	return check_valid(listener_fd, notif_id);
}

int target_read_argv(pid_t tid, uint64_t addr, const struct target_argv_limits *limits, char *arena,
                     size_t arena_size, char ***argv_out, size_t *argc_out, int listener_fd,
                     uint64_t notif_id)
{
	unsigned char raw[512];
	const size_t ptr_size = limits->ptr_size;
	size_t slots_bytes, pad, str_pos, argc = 0;
	char **argv;
	bool ended = false;

	if (ptr_size != 4 && ptr_size != 8)
		return -EINVAL;
	/* The pointer array comes first in the arena, aligned for char *. */
	pad = (alignof(char *) - (uintptr_t)arena % alignof(char *)) % alignof(char *);
	if (pad >= arena_size || limits->max_count >= (arena_size - pad) / sizeof(char *))
		return -EINVAL; /* the arena cannot even hold the pointer array */
	slots_bytes = (limits->max_count + 1) * sizeof(char *);
	argv = (char **)(void *)(arena + pad);
	str_pos = pad + slots_bytes;

	if (addr == 0)
		ended = true;
	while (!ended) {
		size_t want = sizeof(raw) / ptr_size;
		ssize_t got;
		size_t n;

		/* One more than max_count, to see the NULL or know that there are too many. */
		if (want > limits->max_count + 1 - argc)
			want = limits->max_count + 1 - argc;
		got = read_pages(tid, addr + argc * ptr_size, raw, want * ptr_size);
		if (got < 0)
			return (int)got;
		n = (size_t)got / ptr_size;
		if (n == 0)
			return -EFAULT;
		for (size_t i = 0; i < n; i++) {
			uint64_t p;
			int len;

			if (ptr_size == 8) {
				memcpy(&p, raw + i * 8, 8);
			} else {
				uint32_t p32;

				memcpy(&p32, raw + i * 4, 4);
				p = p32;
			}
			if (p == 0) {
				ended = true;
				break;
			}
			if (argc == limits->max_count)
				return -E2BIG;
			if (str_pos >= arena_size)
				return -E2BIG;
			len = target_read_string(tid, p, arena + str_pos, arena_size - str_pos, -1,
			                         0);
			if (len == -ENAMETOOLONG)
				return -E2BIG;
			if (len < 0)
				return len;
			argv[argc++] = arena + str_pos;
			str_pos += (size_t)len + 1;
		}
		if (!ended && n < want)
			return -EFAULT; /* the array runs into unreadable memory */
	}
	argv[argc] = NULL;
	if (addr != 0) {
		int rc = check_valid(listener_fd, notif_id);

		if (rc < 0)
			return rc;
	}
	*argv_out = argv;
	*argc_out = argc;
	return 0;
}
