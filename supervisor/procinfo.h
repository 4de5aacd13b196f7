/* SPDX-License-Identifier: MIT */
/*
 * Who made a call: thread id → process id, comm and executable, cached so that the
 * notification path reads /proc only the first time it sees a thread and after that thread's
 * process exec'd (the supervisor routes execve/execveat to itself for exactly this reason, see
 * compile_options.route_exec). Where exec is not routed (`bouncer agent`), verify_exe makes
 * every lookup check the executable instead. Each entry also carries the thread's identity
 * (credentials, same root) for identity.h, which says when it may be used.
 *
 * Fixed memory: an open-addressing table and an arena for executable paths (most processes of a
 * workload share a handful of executables, so paths are interned). When either fills up, the
 * whole cache is cleared; entries are cheap to read again.
 *
 * Known limit: a thread id that is reused (after the kernel's pid counter wrapped around,
 * pid_max is 4194304 on 64-bit) without an exec in between would be shown with the old
 * process's comm/exe unless the thread's exit was seen (exit_watch.h forgets it then).
 * comm changes made with prctl(PR_SET_NAME) after first sight are not seen (unless the policy
 * routes prctl to the supervisor).
 */
#ifndef BOUNCER_PROCINFO_H
#define BOUNCER_PROCINFO_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define PROCINFO_SLOTS  8192 /* power of two */
#define PROCINFO_GROUPS 32   /* supplementary groups kept; a caller with more is not cached */
#define PROCINFO_ARENA  (512 * 1024) /* bytes for interned executable paths */

/* A thread's credentials as the emulations need them (emulate_creds.h), without its umask. */
struct procinfo_creds {
	uint32_t fsuid, fsgid, euid, egid, ruid, rgid;
	uint64_t cap_eff;
	uint32_t n_groups;
	uint32_t groups[PROCINFO_GROUPS];
};

struct procinfo {
	pid_t tid; /* 0: free slot */
	pid_t pid; /* thread-group id; 0 when unknown */
	char comm[16];
	const char *exe; /* interned, "" when unknown */
	dev_t exe_dev;   /* the executable's identity, for procinfo_cache.verify_exe */
	ino_t exe_ino;
	/*
	 * The thread's identity, kept only while nothing can change it unseen (identity.h says
	 * when): its credentials, and whether its root and mount namespace are the supervisor's.
	 */
	bool exit_watched; /* its exit will be seen (exit_watch.h): the id cannot be reused unseen
	                    */
	bool creds_cached;
	bool root_same;
	struct procinfo_creds creds;
};

struct procinfo_cache {
	struct procinfo slots[PROCINFO_SLOTS];
	unsigned used;
	char arena[PROCINFO_ARENA];
	size_t arena_used;
	const char *proc_root;                   /* "/proc"; tests may point elsewhere */
	/*
	 * Exec does not reach the supervisor (a filter bouncer did not build: `bouncer agent`):
	 * every lookup checks that the executable is still the one read (one stat of
	 * /proc/TID/exe) and reads the entry again when it is not.
	 */
	bool verify_exe;
	uint64_t misses;                         /* /proc reads done, for statistics and tests */
	struct procinfo scratch[PROCINFO_SLOTS]; /* for rebuilding the table after deletions */
};

void procinfo_cache_init(struct procinfo_cache *cache);

/*
 * Returns the entry for tid, reading /proc/TID/status and /proc/TID/exe on a miss. Never
 * fails: what cannot be read is left empty. The caller checks that its notification is still
 * valid after a miss (valid_after_read) before trusting the result, because the thread may have
 * died and its id been reused while /proc was read.
 */
const struct procinfo *procinfo_lookup(struct procinfo_cache *cache, pid_t tid, bool *read_proc);

/* The entry of tid if it is cached, for updating its identity; NULL otherwise. */
struct procinfo *procinfo_find(struct procinfo_cache *cache, pid_t tid);

/* Forgets the cached identity of tid (it changed its credentials or namespaces). */
void procinfo_forget_identity(struct procinfo_cache *cache, pid_t tid);

/* Forgets tid and every thread of the process pid (call when that process exec'd). */
void procinfo_forget_process(struct procinfo_cache *cache, pid_t tid, pid_t pid);

#endif
