/* SPDX-License-Identifier: MIT */
/*
 * Caching who a caller is: its credentials (fsuid/fsgid/groups/capabilities, what emulations
 * act with and uid/gid clauses compare) and whether its root and mount namespace are the
 * supervisor's own (then paths are resolved from the supervisor's root without opening
 * /proc/TID/root). Reading them costs a /proc/TID/status read (~10 µs: the kernel formats the
 * whole file) and three /proc lookups per notification; cached, they cost nothing.
 *
 * A cache is only as good as its invalidation. The cached facts are per thread, and:
 * - credentials change only by the thread's own calls (set*id, setgroups, capset, setns and
 *   unshare of a user namespace, exec). The compiled policy routes them all to the supervisor
 *   even when allowed (compile_options.route_identity); the thread is blocked in that call
 *   until it is answered, so its next notification comes after the change, and the entry is
 *   forgotten when the call is let through (identity_note_continued()).
 * - the mount namespace changes by the thread's own setns/unshare (forgotten the same way);
 *   the root by chroot, which also moves the other threads sharing its fs_struct, and by
 *   pivot_root, which moves every process of the namespace: after either is let through, the
 *   root is no longer cached by anyone (a process that changes roots is rare; correctness
 *   over speed).
 * - a caller that installs a seccomp listener of its own (SECCOMP_FILTER_FLAG_NEW_LISTENER)
 *   is asked first about its own calls and could let one of the calls above through without
 *   bouncer seeing it: from then on nothing is cached. (Linux up to 6.18 refuses a second
 *   listener in a filter tree with EBUSY; patches to allow nesting exist, and the answer is
 *   not known when the call is let through: any such attempt turns caching off.)
 * - a thread id is only trusted while its thread is watched for exit (exit_watch.h with
 *   PIDFD_THREAD, Linux 6.9): otherwise an id reused by a new thread would inherit the old
 *   thread's identity.
 * - the umask is per process (shared by threads, changed by umask(2), which is not routed):
 *   never cached; the emulations that create files read it when they need it.
 * Where any of this cannot be had (a listener whose filter bouncer did not build, as under
 * `bouncer agent`; a policy that keeps one of those calls in the kernel; an older kernel), the
 * identity is read on every notification that needs it, as before.
 */
#ifndef BOUNCER_IDENTITY_H
#define BOUNCER_IDENTITY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "emulate_creds.h"
#include "procinfo.h"

struct identity_state {
	/*
	 * The filter routes every identity change (policy_identity_routed()) and threads are
	 * watched for exit: caching may be used. Set once at start-up.
	 */
	bool trusted;
	bool root_changed;    /* a chroot/pivot_root was let through: roots are not cached */
	bool nested_listener; /* a caller installed its own listener: nothing is cached */
	uint64_t hits, misses;
};

/* Whether cached credentials may be used (and stored) for entry. */
bool identity_creds_usable(const struct identity_state *id, const struct procinfo *entry);

/* Whether a cached "same root" may be used (and stored) for entry. */
bool identity_root_usable(const struct identity_state *id, const struct procinfo *entry);

/* Copies entry's cached credentials into out (umask_known false). */
void identity_creds_load(const struct procinfo *entry, struct target_creds *out);

/* Keeps creds in entry (unless the caller has more groups than PROCINFO_GROUPS). */
void identity_creds_store(struct procinfo *entry, const struct target_creds *creds);

/*
 * A call of name (libseccomp's name) with arguments arg0, arg1 was let run (answered CONTINUE) for
 * thread tid: forgets what it may change. Returns what turned (part of) the caching off for good,
 * for the caller to say once, or NULL.
 */
const char *identity_note_continued(struct identity_state *id, struct procinfo_cache *procs,
                                    const char *name, uint64_t arg0, uint64_t arg1, pid_t tid);

#endif
