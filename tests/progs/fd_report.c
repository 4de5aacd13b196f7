/* SPDX-License-Identifier: MIT */
/*
 * Prints what a workload inherited from the launcher: whether fds 3 (supervisor socket) and
 * 4 (BPF program) are open, whether it holds a seccomp listener, and its seccomp mode.
 * Output: "fd3=closed fd4=closed listener=no seccomp=2".
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *fd_state(int fd)
{
	return fcntl(fd, F_GETFD) < 0 ? "closed" : "open";
}

static bool holds_listener(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *entry;
	bool found = false;

	if (!dir)
		return true;
	while ((entry = readdir(dir))) {
		char target[256];
		ssize_t n = readlinkat(dirfd(dir), entry->d_name, target, sizeof(target) - 1);

		if (n < 0)
			continue;
		target[n] = '\0';
		found |= strcmp(target, "anon_inode:seccomp notify") == 0;
	}
	closedir(dir);
	return found;
}

static long seccomp_mode(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long mode = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "Seccomp:", 8) == 0)
			mode = strtol(line + 8, NULL, 10);
	fclose(f);
	return mode;
}

int main(void)
{
	/* Checked before anything else opens an fd that could take number 3 or 4. */
	const char *fd3 = fd_state(3), *fd4 = fd_state(4);

	printf("fd3=%s fd4=%s listener=%s seccomp=%ld\n", fd3, fd4, holds_listener() ? "yes" : "no",
	       seccomp_mode());
	return 0;
}
