/* SPDX-License-Identifier: MIT */
/*
 * Reading pointer arguments out of a target's memory (hot path: no allocation, no exit).
 *
 * All reads use process_vm_readv(2) with remote iovecs that never cross a page boundary: the
 * kernel transfers whole iovecs or stops, so a string that ends just before an unmapped (or
 * PROT_NONE) page is read completely, and reading stops at the first page that cannot be read.
 *
 * Every successful read is followed by SECCOMP_IOCTL_NOTIF_ID_VALID on listener_fd for
 * notif_id before the bytes are handed back: if the target died (and its pid was reused) or its
 * syscall was interrupted between the notification and the read, the bytes may belong to
 * someone else and must not be used (seccomp_unotify(2), "Caveats"). listener_fd < 0 skips the
 * check (tests, or a caller that checks once after several reads).
 *
 * Return values: the length or 0 on success; -EFAULT when the memory cannot be read (the
 * kernel would have said EFAULT too); -ENAMETOOLONG when a string does not end within the
 * limit; -E2BIG when an argv exceeds its limits (what execve says for that); -ENOENT when the
 * notification is no longer valid or the target is gone; -EPERM when the supervisor is not
 * allowed to read the target. Callers deny on any error.
 */
#ifndef BOUNCER_TARGET_MEM_H
#define BOUNCER_TARGET_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Reads the NUL-terminated string at addr into buf (size bytes, including the NUL; use
 * PATH_MAX for paths). Returns its length (without the NUL), or a negative errno as above:
 * -ENAMETOOLONG when the string with its NUL does not fit in size bytes. buf is NUL-terminated
 * on success only; its contents are unspecified after an error.
 */
int target_read_string(pid_t tid, uint64_t addr, char *buf, size_t size, int listener_fd,
                       uint64_t notif_id);

/* Reads exactly len bytes at addr (a sockaddr, a struct). Returns 0 or a negative errno. */
int target_read_mem(pid_t tid, uint64_t addr, void *buf, size_t len, int listener_fd,
                    uint64_t notif_id);

/* Limits for target_read_argv(); the arena bounds the total bytes. */
struct target_argv_limits {
	size_t max_count;  /* elements, not counting the terminating NULL */
	unsigned ptr_size; /* 8 for 64-bit callers, 4 for i386/x32 callers (from the arch) */
};

/*
 * Reads an argv-style array (pointers ending with a NULL pointer) at addr and the strings it
 * points to into arena (arena_size bytes, provided by the caller; nothing is allocated). On
 * success returns 0, *argv_out points into arena at a NULL-terminated array of *argc_out
 * strings, all inside arena. addr == 0 is an empty argv (Linux accepts execve(path, NULL, ...)).
 * -E2BIG when there are more than max_count elements or the strings do not fit the arena.
 */
int target_read_argv(pid_t tid, uint64_t addr, const struct target_argv_limits *limits, char *arena,
                     size_t arena_size, char ***argv_out, size_t *argc_out, int listener_fd,
                     uint64_t notif_id);

/* SECCOMP_IOCTL_NOTIF_ID_VALID: 0 while notif_id is live, else -ENOENT (or the ioctl's error). */
int target_notif_valid(int listener_fd, uint64_t notif_id);

/*
 * For a caller that reads while acting as the target with the target's capabilities
 * (supervise.c, emulate_creds.h): reading another process's memory needs CAP_SYS_PTRACE where
 * their ids differ. After an EPERM, raise() gives the supervisor's back for one retry and
 * lower() takes it away (raise returning nonzero: the EPERM stands). NULL: no hook (the
 * default). One hook for the process; set it from the thread that reads.
 */
struct target_mem_hook {
	int (*raise)(void *arg);
	void (*lower)(void *arg);
	void *arg;
};
void target_mem_set_hook(const struct target_mem_hook *hook);

#endif
