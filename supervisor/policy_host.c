/* SPDX-License-Identifier: MIT */
/*
 * The host facts that a profile's includes/excludes are evaluated against, and the evaluation
 * itself, with moby's meaning (profiles/seccomp/seccomp_linux.go, setupSeccomp):
 *  - a rule is dropped if the native arch is in excludes.arches, if any of excludes.caps is
 *    held, or if the kernel is at least excludes.minKernel;
 *  - otherwise it is kept only if the native arch is in includes.arches (when given), all of
 *    includes.caps are held, and the kernel is at least includes.minKernel.
 * moby looks at the container's bounding set; bouncer has no container, so it uses the
 * effective capabilities that bouncer itself runs with (the workload inherits them).
 */
#include "policy.h"

#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Capability numbers from linux/capability.h; indexed by number. */
static const char *const cap_names[] = {
        "CAP_CHOWN",
        "CAP_DAC_OVERRIDE",
        "CAP_DAC_READ_SEARCH",
        "CAP_FOWNER",
        "CAP_FSETID",
        "CAP_KILL",
        "CAP_SETGID",
        "CAP_SETUID",
        "CAP_SETPCAP",
        "CAP_LINUX_IMMUTABLE",
        "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST",
        "CAP_NET_ADMIN",
        "CAP_NET_RAW",
        "CAP_IPC_LOCK",
        "CAP_IPC_OWNER",
        "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO",
        "CAP_SYS_CHROOT",
        "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT",
        "CAP_SYS_ADMIN",
        "CAP_SYS_BOOT",
        "CAP_SYS_NICE",
        "CAP_SYS_RESOURCE",
        "CAP_SYS_TIME",
        "CAP_SYS_TTY_CONFIG",
        "CAP_MKNOD",
        "CAP_LEASE",
        "CAP_AUDIT_WRITE",
        "CAP_AUDIT_CONTROL",
        "CAP_SETFCAP",
        "CAP_MAC_OVERRIDE",
        "CAP_MAC_ADMIN",
        "CAP_SYSLOG",
        "CAP_WAKE_ALARM",
        "CAP_BLOCK_SUSPEND",
        "CAP_AUDIT_READ",
        "CAP_PERFMON",
        "CAP_BPF",
        "CAP_CHECKPOINT_RESTORE",
};

int policy_cap_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if (strcmp(cap_names[i], name) == 0)
			return (int)i;
	return -1;
}

void policy_host_detect(struct policy_host *host)
{
	struct __user_cap_header_struct header = {
	        .version = _LINUX_CAPABILITY_VERSION_3,
	        .pid = 0,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	struct utsname uts;

	memset(host, 0, sizeof(*host));
	/* Called directly: glibc has no wrapper and bouncer does not depend on libcap. */
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &header, data) == 0)
		host->caps = (uint64_t)data[0].effective | (uint64_t)data[1].effective << 32;
	host->native_arch = seccomp_arch_native();
	/* "6.18.0-foo": only major.minor matter, as for moby's minKernel. */
	if (uname(&uts) == 0 &&
	    sscanf(uts.release, "%u.%u", &host->kernel_major, &host->kernel_minor) != 2) {
		host->kernel_major = 0;
		host->kernel_minor = 0;
	}
}

static bool arch_listed(const struct policy_filter *filter, uint32_t arch)
{
	size_t i;

	for (i = 0; i < filter->n_arches; i++)
		if (filter->arches[i] == arch)
			return true;
	return false;
}

static bool cap_held(const struct policy_host *host, const char *name)
{
	int cap = policy_cap_from_name(name);

	/* A capability this table does not know cannot be held: it has no bit. */
	return cap >= 0 && (host->caps >> cap & 1) != 0;
}

/* Whether the host kernel is at least version ("MAJOR.MINOR", checked by the parser). */
static bool kernel_at_least(const struct policy_host *host, const char *version)
{
	unsigned major = 0, minor = 0;

	if (sscanf(version, "%u.%u", &major, &minor) < 1)
		return false;
	if (host->kernel_major != major)
		return host->kernel_major > major;
	return host->kernel_minor >= minor;
}

bool policy_rule_applies(const struct policy_rule *rule, const struct policy_host *host)
{
	const struct policy_filter *ex = &rule->excludes, *in = &rule->includes;
	size_t i;

	if (arch_listed(ex, host->native_arch))
		return false;
	for (i = 0; i < ex->n_caps; i++)
		if (cap_held(host, ex->caps[i]))
			return false;
	if (ex->min_kernel != NULL && kernel_at_least(host, ex->min_kernel))
		return false;

	if (in->n_arches > 0 && !arch_listed(in, host->native_arch))
		return false;
	for (i = 0; i < in->n_caps; i++)
		if (!cap_held(host, in->caps[i]))
			return false;
	if (in->min_kernel != NULL && !kernel_at_least(host, in->min_kernel))
		return false;
	return true;
}
