/* SPDX-License-Identifier: MIT */
/*
 * Where does a target's path argument really lead? (docs/inspection.md, "Paths")
 *
 * Given the caller's thread, a dirfd argument and the path string read from its memory, the
 * supervisor opens the target's root (/proc/TID/root) and starting directory (/proc/TID/cwd or
 * /proc/TID/fd/N) itself, resolves the PARENT of the final component with openat2(2) into an
 * O_PATH descriptor, and reports the real location of that descriptor (readlink of
 * /proc/self/fd/N, made relative to the target's root) joined with the final component. (For
 * a target sharing the supervisor's root whose absolute path is spelled plainly — single
 * slashes, no "." or "..": the common case — the parent is opened with RESOLVE_NO_SYMLINKS
 * and its spelling is its location, with no readlink; any symlink on the way falls back.)
 *
 * Why this defeats tricks: the kernel, not string manipulation, walks `..`, `//`, `.` and
 * symlinks, from the objects the target itself would start from; the reported path is where
 * the resulting descriptor actually is, so a glob is matched against the real location, and an
 * emulating supervisor acts through the same descriptor (openat(parent_fd, final, ...)), so a
 * symlink or directory swapped in afterwards cannot redirect it. Magic links (/proc/PID/fd/N,
 * /proc/PID/cwd, ...) are refused while walking (RESOLVE_NO_MAGICLINKS): the supervisor would
 * follow them with its own identity. /proc/self and /proc/thread-self name the *reader*, i.e.
 * the supervisor; an absolute path that spells them out is rewritten to the target's own
 * entries first, and any path that still ends up inside the supervisor's /proc entry is refused
 * (-EXDEV), so a target can never have the supervisor look at its own /proc files.
 *
 * Hot path: no allocation. Needs openat2(2) (Linux 5.6); without it every resolution fails
 * with -ENOSYS and callers must deny (path clauses cannot be evaluated safely).
 */
#ifndef BOUNCER_PATH_RESOLVE_H
#define BOUNCER_PATH_RESOLVE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Flags for path_resolve(). */
enum {
	/*
	 * Follow a symlink in the final component (the syscall follows: open without O_NOFOLLOW,
	 * stat, execve, chdir, ...). A trailing slash always follows, as in the kernel. Following
	 * a /proc magic link in the final component is refused with -ELOOP.
	 */
	PATH_RESOLVE_FOLLOW = 1u << 0,
	/*
	 * AT_EMPTY_PATH was given: an empty path names the dirfd itself (the cwd for AT_FDCWD),
	 * whatever its type. Then parent_fd is an O_PATH descriptor of that object, final is "",
	 * and an object with no place in the target's tree (a socket, a pipe, a memfd, a deleted
	 * file, something outside its root) is reported as anonymous with an empty path.
	 */
	PATH_RESOLVE_EMPTY_PATH = 1u << 1,
	/*
	 * The caller knows that the target's root and mount namespace are the supervisor's own
	 * (identity.h caches it): resolve from the supervisor's root without opening and
	 * comparing /proc/TID/root and /proc/TID/ns/mnt.
	 */
	PATH_RESOLVE_SAME_ROOT = 1u << 2,
};

struct path_resolution {
	/* O_PATH | O_DIRECTORY descriptor of the real parent directory; owned, -1 when unset. */
	int parent_fd;
	/* The final component, or "" when the path names parent_fd itself ("/", "a/..", "x/."). */
	char final[NAME_MAX + 1];
	/* Real absolute location of the parent in the target's view (relative to its root). */
	char parent_path[PATH_MAX];
	/* parent_path joined with final: what globs are matched against. */
	char path[PATH_MAX];
	bool final_exists;
	/* The final component exists and is a symlink (left unfollowed: no FOLLOW flag). */
	bool final_is_symlink;
	/* The path ended with '/': the object must be a directory. */
	bool trailing_slash;
	/*
	 * PATH_RESOLVE_EMPTY_PATH only: the object has no location (path is ""); it matches no
	 * path glob, so path conditions do not hold for it.
	 */
	bool anonymous;
	/* The target's root and mount namespace were found to be the supervisor's own. */
	bool same_root;
};

/*
 * Resolves path as thread tid (of process tgid; 0 = same as tid) would, relative to dirfd
 * (AT_FDCWD or the target's descriptor number; ignored for absolute paths, as in the kernel).
 * Returns 0 and fills out (release it with path_resolution_release()), or a negative errno:
 * -ENOENT (missing directory, target gone, empty path without PATH_RESOLVE_EMPTY_PATH),
 * -ENOTDIR, -ELOOP (symlink loop, a magic link), -ENAMETOOLONG, -EXDEV (the result is outside
 * the target's root or inside the supervisor's /proc entry), -ENOSYS (no openat2).
 *
 * The target's /proc entries are opened by thread id, which the kernel could have given to
 * another thread if the target died meanwhile: before reporting success, notif_id is checked
 * with SECCOMP_IOCTL_NOTIF_ID_VALID on listener_fd (-ENOENT when stale; listener_fd < 0 skips
 * the check, for tests). While the notification is live the target cannot have exited, so one
 * check after all the opens covers them all. (With PATH_RESOLVE_SAME_ROOT and an absolute path
 * no /proc entry is opened, and there is nothing to check.)
 */
int path_resolve(pid_t tid, pid_t tgid, int dirfd, const char *path, unsigned flags,
                 int listener_fd, uint64_t notif_id, struct path_resolution *out);

/* Closes out->parent_fd if set. Safe to call twice. */
void path_resolution_release(struct path_resolution *out);

/*
 * For a caller that resolves while acting as the target (supervise.c takes on its fsuid and
 * capabilities so that every directory is searched with the target's rights): the target's
 * /proc entries (root, cwd, fd/N) must still be opened with the caller's own identity, since
 * /proc/TID/fd of a non-dumpable target is root's, mode 0500. leave() is called before each
 * such open and enter() after it (a failure of enter() fails the resolution with -EPERM).
 * NULL: no hook (the default). One hook for the process; set it from the thread that resolves.
 */
struct path_resolve_proc_hook {
	void (*leave)(void *arg);
	int (*enter)(void *arg);
	void *arg;
};
void path_resolve_set_proc_hook(const struct path_resolve_proc_hook *hook);

/* Whether openat2(2) works here: 0, or -ENOSYS (say so at startup). */
int path_resolve_available(void);

#endif
