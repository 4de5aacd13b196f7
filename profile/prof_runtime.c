/* SPDX-License-Identifier: MIT */
/*
 * Syscalls an OCI runtime makes itself between loading the container's seccomp profile and
 * exec'ing the container process: a profile generated from the workload alone would stop the
 * runtime before the workload starts, so `generate --runtime NAME` adds these.
 *
 * Measured on Debian 12 (Linux 6.18, x86_64) with runc 1.1.5 and crun 1.8.1 by
 * scripts/measure-runtime-syscalls.sh: a busybox-static bundle whose profile has defaultAction
 * SCMP_ACT_LOG, the kernel's audit messages (type=1326) read back with `bouncer profile import
 * audit`, keeping the records whose executable is not the container's busybox. The kernel
 * rate-limits those messages, so the script allows what it already found and repeats until
 * three rounds in a row find nothing new. Other versions may need more: measure again with the
 * script and add names here.
 */
#include <string.h>

#include "prof.h"

/* runc 1.1.5 (Go): runc init closes leftover descriptors (reading /proc/self/fd), talks to its
 * parent over the init pipe, and the Go runtime's futex/rt_sigreturn (signal-based preemption)
 * can land after the filter is in place. */
static const char *const runc_syscalls[] = {
        "close",  "epoll_ctl", "execve",       "fstatfs", "futex", "getdents64",
        "getpid", "openat",    "rt_sigreturn", "write",   NULL,
};

/* crun 1.8.1 (C): it closes the remaining descriptors and execs. */
static const char *const crun_syscalls[] = {
        "close",
        "execve",
        NULL,
};

const char *const *prof_runtime_syscalls(const char *runtime)
{
	if (strcmp(runtime, "runc") == 0)
		return runc_syscalls;
	if (strcmp(runtime, "crun") == 0)
		return crun_syscalls;
	return NULL;
}
