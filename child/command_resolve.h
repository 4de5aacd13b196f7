/* SPDX-License-Identifier: MIT */
/*
 * Finding the workload's executable the way execvp(3) would, but before the filter is
 * installed, so that "not found" (127) and "not executable" (126) never depend on the policy.
 */
#ifndef BOUNCER_COMMAND_RESOLVE_H
#define BOUNCER_COMMAND_RESOLVE_H

/* Search path when PATH is unset (what `env -i` workloads get). */
#define COMMAND_DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"

/*
 * Resolves command: as is when it contains a '/', else the first executable regular file
 * DIR/command for DIR in path (a colon-separated list; an empty entry is the current
 * directory; NULL means COMMAND_DEFAULT_PATH).
 * Returns 0 and a malloc'd path in *out; -ENOENT when nothing was found (also ENOTDIR, ELOOP,
 * ENAMETOOLONG for a path), -EACCES when something was found but none of it is executable
 * (like execvp, a later executable candidate still wins over an earlier non-executable one),
 * -ENOMEM, or another -errno from looking up a command that contains a '/'.
 */
int command_resolve(const char *command, const char *path, char **out);

#endif
