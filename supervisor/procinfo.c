/* SPDX-License-Identifier: MIT */
#include "procinfo.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void procinfo_cache_init(struct procinfo_cache *cache)
{
	memset(cache->slots, 0, sizeof(cache->slots));
	cache->used = 0;
	cache->arena_used = 0;
	if (cache->proc_root == NULL)
		cache->proc_root = "/proc";
}

static void clear(struct procinfo_cache *cache)
{
	memset(cache->slots, 0, sizeof(cache->slots));
	cache->used = 0;
	cache->arena_used = 0;
}

static unsigned slot_of(pid_t tid)
{
	/* Fibonacci hashing: thread ids are dense and sequential. */
	return (unsigned)(((uint32_t)tid * 2654435769u) >> 19) & (PROCINFO_SLOTS - 1);
}

static struct procinfo *find(struct procinfo_cache *cache, pid_t tid)
{
	for (unsigned i = slot_of(tid), n = 0; n < PROCINFO_SLOTS;
	     i = (i + 1) & (PROCINFO_SLOTS - 1), n++) {
		if (cache->slots[i].tid == tid)
			return &cache->slots[i];
		if (cache->slots[i].tid == 0)
			return NULL;
	}
	return NULL;
}

static const char *intern(struct procinfo_cache *cache, const char *s, size_t len)
{
	size_t off = 0;

	/* Linear scan: an arena holds few distinct executables and a miss already read /proc. */
	while (off < cache->arena_used) {
		const char *have = cache->arena + off;
		size_t have_len = strlen(have);

		if (have_len == len && memcmp(have, s, len) == 0)
			return have;
		off += have_len + 1;
	}
	if (cache->arena_used + len + 1 > sizeof(cache->arena))
		return NULL;
	memcpy(cache->arena + cache->arena_used, s, len);
	cache->arena[cache->arena_used + len] = '\0';
	cache->arena_used += len + 1;
	return cache->arena + cache->arena_used - len - 1;
}

/* Reads Name: and Tgid: from /proc/TID/status (one open, one read, one close). */
static void read_status(const char *proc_root, pid_t tid, struct procinfo *info)
{
	char path[64], buf[2048];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%d/status", proc_root, (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (char *line = buf; line != NULL && *line;) {
		char *next = strchr(line, '\n');

		if (next != NULL)
			*next++ = '\0';
		if (strncmp(line, "Name:\t", 6) == 0) {
			/* The kernel escapes '\n' and '\\' in Name:; comm is at most 15 bytes. */
			snprintf(info->comm, sizeof(info->comm), "%s", line + 6);
		} else if (strncmp(line, "Tgid:\t", 6) == 0) {
			info->pid = (pid_t)strtol(line + 6, NULL, 10);
			break; /* Tgid comes after Name */
		}
		line = next;
	}
}

static int stat_exe(const struct procinfo_cache *cache, pid_t tid, struct stat *st)
{
	char path[64];

	snprintf(path, sizeof(path), "%s/%d/exe", cache->proc_root, (int)tid);
	return stat(path, st);
}

/* Whether tid still runs the executable info was read with (unreadable: assumed so). */
static bool same_exe(const struct procinfo_cache *cache, const struct procinfo *info)
{
	struct stat st;

	if (stat_exe(cache, info->tid, &st) < 0)
		return true;
	return st.st_dev == info->exe_dev && st.st_ino == info->exe_ino;
}

const struct procinfo *procinfo_lookup(struct procinfo_cache *cache, pid_t tid, bool *read_proc)
{
	struct procinfo *info = find(cache, tid);
	char path[64], exe[PATH_MAX];
	ssize_t n;

	*read_proc = false;
	if (tid <= 0) {
		/*
		 * Not visible in our pid namespace. 0 marks a free slot, so the table cannot hold
		 * this entry (find() would return a free, all-zero slot: exe NULL).
		 */
		static const struct procinfo unknown = {.exe = ""};

		return &unknown;
	}
	if (info != NULL) {
		if (!cache->verify_exe || same_exe(cache, info))
			return info;
		/* It exec'd unseen: read it again, and its process's other threads when seen. */
		procinfo_forget_process(cache, tid, info->pid);
	}

	if (cache->used >= PROCINFO_SLOTS / 4 * 3)
		clear(cache);
	for (unsigned i = slot_of(tid);; i = (i + 1) & (PROCINFO_SLOTS - 1)) {
		if (cache->slots[i].tid == 0) {
			info = &cache->slots[i];
			break;
		}
	}
	memset(info, 0, sizeof(*info));
	info->tid = tid;
	info->exe = "";
	cache->used++;
	cache->misses++;
	*read_proc = true;
	read_status(cache->proc_root, tid, info);
	if (cache->verify_exe) {
		struct stat st;

		if (stat_exe(cache, tid, &st) == 0) {
			info->exe_dev = st.st_dev;
			info->exe_ino = st.st_ino;
		}
	}
	snprintf(path, sizeof(path), "%s/%d/exe", cache->proc_root, (int)tid);
	n = readlink(path, exe, sizeof(exe));
	if (n > 0 && n < (ssize_t)sizeof(exe)) {
		const char *s = intern(cache, exe, (size_t)n);

		if (s == NULL) {
			/* Arena full: start over, keeping only this entry. */
			struct procinfo keep = *info;

			clear(cache);
			info = &cache->slots[slot_of(tid)];
			*info = keep;
			cache->used = 1;
			s = intern(cache, exe, (size_t)n);
		}
		info->exe = s != NULL ? s : "";
	}
	return info;
}

struct procinfo *procinfo_find(struct procinfo_cache *cache, pid_t tid)
{
	struct procinfo *info = tid > 0 ? find(cache, tid) : NULL;

	return info != NULL && info->tid == tid ? info : NULL;
}

void procinfo_forget_identity(struct procinfo_cache *cache, pid_t tid)
{
	struct procinfo *info = procinfo_find(cache, tid);

	if (info != NULL) {
		info->creds_cached = false;
		info->root_same = false;
	}
}

void procinfo_forget_process(struct procinfo_cache *cache, pid_t tid, pid_t pid)
{
	bool removed = false;

	for (unsigned i = 0; i < PROCINFO_SLOTS; i++) {
		struct procinfo *s = &cache->slots[i];

		if (s->tid != 0 && (s->tid == tid || s->tid == pid || (pid > 0 && s->pid == pid))) {
			s->tid = 0;
			removed = true;
		}
	}
	if (!removed)
		return;
	/*
	 * Deleting from an open-addressing table breaks probe chains; rebuild it (exec is rare
	 * compared with other calls, and the table is small).
	 */
	{
		struct procinfo *keep = cache->scratch;
		unsigned n = 0;

		for (unsigned i = 0; i < PROCINFO_SLOTS; i++)
			if (cache->slots[i].tid != 0)
				keep[n++] = cache->slots[i];
		memset(cache->slots, 0, sizeof(cache->slots));
		cache->used = 0;
		for (unsigned k = 0; k < n; k++) {
			unsigned i = slot_of(keep[k].tid);

			while (cache->slots[i].tid != 0)
				i = (i + 1) & (PROCINFO_SLOTS - 1);
			cache->slots[i] = keep[k];
			cache->used++;
		}
	}
}
