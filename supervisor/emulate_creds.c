/* SPDX-License-Identifier: MIT */
#include "emulate_creds.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *field(const char *text, const char *name)
{
	const char *p = strstr(text, name);

	return p != NULL ? p + strlen(name) : NULL;
}

static int parse_status(const char *text, struct target_creds *out)
{
	const char *uid = field(text, "\nUid:"), *gid = field(text, "\nGid:");
	const char *groups = field(text, "\nGroups:"), *cap = field(text, "\nCapEff:");
	const char *mask = field(text, "\nUmask:");
	unsigned long r, e, s, f;
	char *end;

	if (uid == NULL || gid == NULL || groups == NULL || cap == NULL)
		return -EIO;
	if (sscanf(uid, "%lu %lu %lu %lu", &r, &e, &s, &f) != 4)
		return -EIO;
	out->ruid = (uint32_t)r;
	out->euid = (uint32_t)e;
	out->fsuid = (uint32_t)f;
	if (sscanf(gid, "%lu %lu %lu %lu", &r, &e, &s, &f) != 4)
		return -EIO;
	out->rgid = (uint32_t)r;
	out->egid = (uint32_t)e;
	out->fsgid = (uint32_t)f;
	out->cap_eff = strtoull(cap, NULL, 16);
	/* Umask: appeared in Linux 4.7; without it the target's umask is unknown: refuse. */
	if (mask == NULL)
		return -EIO;
	out->umask = (unsigned)strtoul(mask, NULL, 8) & 0777;
	out->umask_known = true;
	out->n_groups = 0;
	for (const char *p = groups; *p != '\n' && *p != '\0';) {
		unsigned long g;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\n' || *p == '\0')
			break;
		g = strtoul(p, &end, 10);
		if (end == p)
			return -EIO;
		if (out->n_groups == EMULATE_GROUPS_MAX)
			return -E2BIG;
		out->groups[out->n_groups++] = (uint32_t)g;
		p = end;
	}
	return 0;
}

static int open_status(pid_t tid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	return open(path, O_RDONLY | O_CLOEXEC);
}

int emulate_creds_read(pid_t tid, struct target_creds *out)
{
	char text[8192];
	ssize_t n;
	int fd = open_status(tid);

	if (fd < 0)
		return -ENOENT;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return -ENOENT;
	text[n] = '\0';
	return parse_status(text, out);
}

void emulate_creds_cache_init(struct creds_fd_cache *cache)
{
	memset(cache, 0, sizeof(*cache));
	for (unsigned i = 0; i < CREDS_FD_CACHE; i++)
		cache->fd[i] = -1;
}

void emulate_creds_cache_release(struct creds_fd_cache *cache)
{
	for (unsigned i = 0; i < CREDS_FD_CACHE; i++) {
		if (cache->fd[i] >= 0)
			close(cache->fd[i]);
		cache->fd[i] = -1;
		cache->tid[i] = 0;
	}
}

int emulate_creds_read_cached(struct creds_fd_cache *cache, pid_t tid, struct target_creds *out)
{
	char text[8192];
	unsigned slot = CREDS_FD_CACHE;
	ssize_t n = -1;

	for (unsigned i = 0; i < CREDS_FD_CACHE; i++)
		if (cache->tid[i] == tid && cache->fd[i] >= 0)
			slot = i;
	if (slot < CREDS_FD_CACHE)
		n = pread(cache->fd[slot], text, sizeof(text) - 1, 0);
	if (n <= 0) {
		/* Not cached, or its thread is gone (ESRCH): open it for this thread now. */
		if (slot == CREDS_FD_CACHE)
			slot = cache->next++ % CREDS_FD_CACHE;
		if (cache->fd[slot] >= 0)
			close(cache->fd[slot]);
		cache->tid[slot] = tid;
		cache->fd[slot] = open_status(tid);
		if (cache->fd[slot] < 0)
			return -ENOENT;
		n = pread(cache->fd[slot], text, sizeof(text) - 1, 0);
		if (n <= 0)
			return -ENOENT;
	}
	text[n] = '\0';
	return parse_status(text, out);
}

int emulate_creds_self(struct creds_switch *sw)
{
	memset(sw, 0, sizeof(*sw));
	return emulate_creds_read((pid_t)syscall(SYS_gettid), &sw->self);
}

static bool same_groups(const struct target_creds *a, const struct target_creds *b)
{
	return a->n_groups == b->n_groups &&
	       memcmp(a->groups, b->groups, a->n_groups * sizeof(a->groups[0])) == 0;
}

static int set_caps(uint64_t eff)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	data[0].effective = (uint32_t)eff;
	data[1].effective = (uint32_t)(eff >> 32);
	return syscall(SYS_capset, &hdr, data) < 0 ? -errno : 0;
}

int emulate_creds_enter(struct creds_switch *sw, const struct target_creds *t)
{
	const struct target_creds *self = &sw->self;
	/*
	 * Every capability is reduced to the target's: any one the supervisor kept would let an
	 * emulated operation pass a check the kernel makes of the target (CAP_SYS_PTRACE for
	 * /proc/PID entries, CAP_SYS_RAWIO, CAP_SYSLOG, ...). The supervisor's own accesses raise
	 * CAP_SYS_PTRACE for themselves (emulate_creds_ptrace()); the target's /proc entries are
	 * opened with its whole identity (path_resolve_set_proc_hook()).
	 */
	uint64_t caps = self->cap_eff & t->cap_eff;
	int rc = 0;

	sw->switched_ids = false;
	sw->switched_caps = false;
	if (t->fsuid != self->fsuid || t->fsgid != self->fsgid || !same_groups(t, self)) {
		sw->switched_ids = true;
		/* Groups and gid first: once fsuid is not 0 the thread may lose the right to. */
		if (syscall(SYS_setgroups, (size_t)t->n_groups, t->groups) < 0)
			rc = -errno;
		syscall(SYS_setfsgid, t->fsgid);
		syscall(SYS_setfsuid, t->fsuid);
		/* setfs*id report the previous id, never an error: read back to be sure. */
		if (rc == 0 && ((uint32_t)syscall(SYS_setfsuid, -1) != t->fsuid ||
		                (uint32_t)syscall(SYS_setfsgid, -1) != t->fsgid))
			rc = -EPERM;
	}
	/*
	 * setfsuid away from 0 already cleared the filesystem capabilities (as the kernel does
	 * for the target itself); a root target that dropped some keeps fewer than the
	 * supervisor: set exactly the intersection.
	 */
	sw->cap_eff = self->cap_eff;
	if (rc == 0 && (sw->switched_ids || caps != self->cap_eff)) {
		sw->switched_caps = true;
		sw->cap_eff = caps;
		rc = set_caps(caps);
	}
	if (rc < 0)
		emulate_creds_restore(sw);
	return rc;
}

void emulate_creds_restore(struct creds_switch *sw)
{
	const struct target_creds *self = &sw->self;

	/* Capabilities first: setgroups and setfsgid need CAP_SETGID, which the target may lack. */
	if (sw->switched_caps)
		set_caps(self->cap_eff);
	if (sw->switched_ids) {
		syscall(SYS_setfsuid, self->fsuid);
		syscall(SYS_setfsgid, self->fsgid);
		syscall(SYS_setgroups, (size_t)self->n_groups, self->groups);
		/* setfsuid back to 0 raised the filesystem capabilities: set the exact set again.
		 */
		set_caps(self->cap_eff);
	}
	sw->switched_ids = false;
	sw->switched_caps = false;
}

int emulate_creds_ptrace(struct creds_switch *sw, bool raise)
{
	const uint64_t ptrace = 1ull << CAP_SYS_PTRACE;

	if (!sw->switched_caps || (sw->cap_eff & ptrace) || !(sw->self.cap_eff & ptrace))
		return -EPERM;
	return set_caps(raise ? sw->cap_eff | ptrace : sw->cap_eff);
}
