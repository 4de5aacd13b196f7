/* SPDX-License-Identifier: MIT */
/*
 * Acting with a target's identity. An emulated syscall (emulate.h) must succeed or fail exactly
 * as it would have in the target: the same permission checks, the same owner and mode on what it
 * creates. The supervisor reads the target's filesystem ids, supplementary groups, effective
 * capabilities and umask from /proc/TID/status and, when they differ from its own, takes them on
 * for the duration of the operation, on the supervisor's thread only:
 *
 * - fsuid/fsgid with the raw setfsuid/setfsgid syscalls and the groups with the raw setgroups
 *   syscall (glibc's wrappers change every thread of the process, signalling each one);
 * - effective capabilities: capset with the intersection of the supervisor's and the target's
 *   effective sets, all of them, so a root target that dropped CAP_DAC_OVERRIDE is refused what
 *   the kernel would refuse it, and so is one without CAP_SYS_PTRACE opening another process's
 *   /proc/PID/maps, without CAP_SYS_RAWIO opening /dev/mem, without CAP_SYSLOG /proc/kmsg.
 *   The permitted set is kept, so the original effective set can be restored. (setfsuid from 0
 *   to another id also clears the filesystem capabilities, as the kernel does for the target.)
 *   What the supervisor itself must do meanwhile — read or write the target's memory, take its
 *   descriptors — needs CAP_SYS_PTRACE where their ids differ: emulate_creds_ptrace() raises it
 *   for that one call (the ops retry with it after EPERM).
 * - umask: process-wide in Linux; set to the target's around operations that create, and
 *   restored. The mode the target passed is given unchanged, so the kernel applies the umask,
 *   or the parent's default ACL instead, exactly as for the target.
 *
 * Hot path: no allocation; the status file is read into a stack buffer.
 */
#ifndef BOUNCER_EMULATE_CREDS_H
#define BOUNCER_EMULATE_CREDS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define EMULATE_GROUPS_MAX 256

struct target_creds {
	uint32_t fsuid, fsgid;
	uint32_t euid, egid;
	uint32_t ruid, rgid; /* access(2) checks with these */
	uint32_t groups[EMULATE_GROUPS_MAX];
	unsigned n_groups;
	uint64_t cap_eff;
	/*
	 * umask is per process and changes without a call the supervisor sees: a cached identity
	 * lacks it (umask_known false) and the calls that create read it (emulate_umask()).
	 */
	unsigned umask;
	bool umask_known;
};

/*
 * Open /proc/TID/status descriptors of recent callers: a pread from offset 0 regenerates the
 * file, and saves the open and close (a third of the cost). A descriptor names the thread it
 * was opened for: once that thread is gone the read fails and the entry is reopened, so a
 * reused thread id never reads another thread's status through an old descriptor.
 */
#define CREDS_FD_CACHE 64
struct creds_fd_cache {
	pid_t tid[CREDS_FD_CACHE];
	int fd[CREDS_FD_CACHE];
	unsigned next;
};

void emulate_creds_cache_init(struct creds_fd_cache *cache);
void emulate_creds_cache_release(struct creds_fd_cache *cache);

/* emulate_creds_read() through the cache. */
int emulate_creds_read_cached(struct creds_fd_cache *cache, pid_t tid, struct target_creds *out);

/* The supervisor's own identity, read once at start-up (emulate_creds_self()). */
struct creds_switch {
	struct target_creds self;
	bool switched_ids;  /* fsuid/fsgid/groups were changed */
	bool switched_caps; /* the effective capabilities were reduced */
	uint64_t cap_eff;   /* the effective set while switched */
};

/*
 * Reads the identity of thread tid from /proc/TID/status. Returns 0, -ENOENT (gone), -E2BIG
 * (more than EMULATE_GROUPS_MAX groups: the caller denies), -EIO (unparsable).
 */
int emulate_creds_read(pid_t tid, struct target_creds *out);

/* Fills sw->self with the calling thread's identity (start-up). */
int emulate_creds_self(struct creds_switch *sw);

/*
 * Makes the calling thread act as target (no-op when nothing differs). A thread started
 * meanwhile would inherit the switched identity: nothing between enter and restore may start
 * one (supervise.c calls no libuv function in between). Returns 0 or a negative
 * errno; on error nothing is left switched. Always pair with emulate_creds_restore().
 */
int emulate_creds_enter(struct creds_switch *sw, const struct target_creds *target);

/* Restores the supervisor's own identity after emulate_creds_enter(). */
void emulate_creds_restore(struct creds_switch *sw);

/*
 * While acting as a target without CAP_SYS_PTRACE: raise (true) puts the supervisor's back in
 * the effective set, for one access to the target's memory or descriptors that needs it, and
 * lower (false) takes it away again. raise returns 0, or -EPERM when there is nothing to raise
 * (the effective set has it already, or the supervisor has none): then the access's EPERM
 * stands.
 */
int emulate_creds_ptrace(struct creds_switch *sw, bool raise);

#endif
