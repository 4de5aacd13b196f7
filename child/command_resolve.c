/* SPDX-License-Identifier: MIT */
#include "command_resolve.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Would execve(path) get past the permission checks? 0, -EACCES (not a regular file, no
 * execute permission for our effective ids, or a noexec mount: what execve says too) or the
 * lookup's -errno. Whether the content is a valid executable is only known by execve itself.
 */
static int command_candidate(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EACCES;
	if (faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) < 0)
		return -errno;
	return 0;
}

static int command_resolve_absolute(const char *command, char **out)
{
	int rc = command_candidate(command);

	if (rc == -ENOTDIR || rc == -ELOOP || rc == -ENAMETOOLONG)
		rc = -ENOENT;
	if (rc < 0)
		return rc;
	*out = strdup(command);
	return *out ? 0 : -ENOMEM;
}

int command_resolve(const char *command, const char *path, char **out)
{
	size_t command_len = strlen(command);
	bool found_unexecutable = false;
	const char *dir;
	char *candidate;

	*out = NULL;
	if (command_len == 0)
		return -ENOENT;
	if (strchr(command, '/'))
		return command_resolve_absolute(command, out);
	if (!path)
		path = COMMAND_DEFAULT_PATH;

	/* Room for the longest directory entry of path, '/', command and NUL. */
	candidate = malloc(strlen(path) + command_len + 2);
	if (!candidate)
		return -ENOMEM;
	for (dir = path;; dir++) {
		const char *end = strchrnul(dir, ':');
		size_t dir_len = (size_t)(end - dir);
		int rc;

		if (dir_len == 0) {
			/* An empty entry means the current directory (POSIX, execvp). */
			memcpy(candidate, command, command_len + 1);
		} else {
			memcpy(candidate, dir, dir_len);
			candidate[dir_len] = '/';
			memcpy(candidate + dir_len + 1, command, command_len + 1);
		}
		rc = command_candidate(candidate);
		if (rc == 0) {
			*out = candidate;
			return 0;
		}
		if (rc == -EACCES)
			found_unexecutable = true;
		dir = end;
		if (*dir == '\0')
			break;
	}
	free(candidate);
	return found_unexecutable ? -EACCES : -ENOENT;
}
