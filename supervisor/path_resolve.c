/* SPDX-License-Identifier: MIT */
#include "path_resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "target_mem.h"

/* The kernel's limit on symlinks followed in one lookup (include/linux/namei.h MAXSYMLINKS). */
#define PATH_RESOLVE_MAX_LINKS 40

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

/* Per-call state: the target's root and how to reach it. */
struct resolve_ctx {
	pid_t tid, tgid;
	int root_fd;
	/*
	 * The target has our root and our mount namespace: then resolving from its cwd without
	 * RESOLVE_IN_ROOT is exactly what the kernel does for it, with no string step at all.
	 */
	bool same_root;
	char root_path[PATH_MAX]; /* readlink of root_fd, for !same_root */
	/*
	 * Set when an entry of the target's /proc was opened: opened by thread id, it is only
	 * known to be the target's once its notification is checked valid afterwards.
	 */
	bool *opened_proc;
};

static int sys_openat2(int dirfd, const char *path, unsigned long long flags,
                       unsigned long long resolve)
{
	struct open_how how = {.flags = flags, .resolve = resolve};
	long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));

	return fd < 0 ? -errno : (int)fd;
}

int path_resolve_available(void)
{
	int fd = sys_openat2(AT_FDCWD, "/", O_PATH | O_CLOEXEC, RESOLVE_NO_MAGICLINKS);

	if (fd < 0)
		return fd == -ENOSYS ? -ENOSYS : fd;
	close(fd);
	return 0;
}

static const struct path_resolve_proc_hook *proc_hook;

void path_resolve_set_proc_hook(const struct path_resolve_proc_hook *hook)
{
	proc_hook = hook;
}

static int open_proc(const struct resolve_ctx *ctx, const char *what, int flags)
{
	char p[64];
	int fd;

	*ctx->opened_proc = true;
	snprintf(p, sizeof(p), "/proc/%d/%s", (int)ctx->tid, what);
	if (proc_hook != NULL)
		proc_hook->leave(proc_hook->arg);
	fd = open(p, flags | O_CLOEXEC);
	if (fd < 0)
		fd = -errno;
	if (proc_hook != NULL && proc_hook->enter(proc_hook->arg) < 0) {
		if (fd >= 0)
			close(fd);
		return -EPERM;
	}
	return fd;
}

/* The location of fd as the kernel reports it (readlink of /proc/self/fd/N). */
static int fd_path(int fd, char *buf, size_t size)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, size);
	if (n < 0)
		return -errno;
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	if (buf[0] != '/')
		return -EXDEV; /* not a path in our tree (another mount namespace, deleted root) */
	return 0;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/*
 * The supervisor's own root and mount namespace, read once: bouncer never changes them while
 * running, and re-reading them per notification would cost two system calls each time.
 */
static struct {
	pthread_once_t once;
	int err;
	struct stat root, mnt_ns;
	int root_fd; /* for callers known to share our root (PATH_RESOLVE_SAME_ROOT) */
	pid_t pid;
} own = {.once = PTHREAD_ONCE_INIT, .root_fd = -1};

static void read_own_root(void)
{
	own.pid = getpid();
	if (stat("/", &own.root) < 0 || stat("/proc/self/ns/mnt", &own.mnt_ns) < 0)
		own.err = -errno;
	else if ((own.root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		own.err = -errno;
}

static int detect_same_root(struct resolve_ctx *ctx)
{
	struct stat root, ns_target;
	char p[64];
	int rc;

	pthread_once(&own.once, read_own_root);
	if (own.err < 0)
		return own.err;
	if (fstat(ctx->root_fd, &root) < 0)
		return -errno;
	/* Like open_proc(): the namespace link is checked against the reader's identity. */
	*ctx->opened_proc = true;
	snprintf(p, sizeof(p), "/proc/%d/ns/mnt", (int)ctx->tid);
	if (proc_hook != NULL)
		proc_hook->leave(proc_hook->arg);
	rc = stat(p, &ns_target) < 0 ? -errno : 0;
	if (proc_hook != NULL && proc_hook->enter(proc_hook->arg) < 0)
		return -EPERM;
	if (rc < 0)
		return rc;
	ctx->same_root = same_file(&root, &own.root) && same_file(&ns_target, &own.mnt_ns);
	return 0;
}

/* If p is root or below it, writes p relative to root (always starting with '/') to out. */
static int strip_root(const char *root, const char *p, char *out, size_t size)
{
	size_t n = strlen(root);

	if (strcmp(root, "/") == 0)
		n = 0;
	else if (strncmp(p, root, n) != 0 || (p[n] != '\0' && p[n] != '/'))
		return -EXDEV;
	if (snprintf(out, size, "%s", p[n] ? p + n : "/") >= (int)size)
		return -ENAMETOOLONG;
	return 0;
}

/* Skips one component name of p equal to name (after any slashes); returns the rest or NULL. */
static const char *skip_component(const char *p, const char *name)
{
	size_t n = strlen(name);

	while (*p == '/')
		p++;
	if (strncmp(p, name, n) != 0 || (p[n] != '\0' && p[n] != '/'))
		return NULL;
	return p + n;
}

static bool target_proc_is_procfs(const struct resolve_ctx *ctx)
{
	struct statfs sfs;
	int fd = sys_openat2(ctx->root_fd, "proc", O_PATH | O_DIRECTORY | O_CLOEXEC,
	                     RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS);
	bool ok;

	if (fd < 0)
		return false;
	ok = fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
	close(fd);
	return ok;
}

/*
 * /proc/self, /proc/thread-self and the target's own /proc/PID mean the target's entries, but
 * the supervisor reading them would get its own. Rewrites an absolute path that starts with
 * them: through cwd, root or fd/N (magic links) to a new start descriptor and the rest of the
 * path; otherwise to /proc/TGID/... text. Returns 1 if *start_fd/rest were set, 0 if path was
 * rewritten in place or left alone, or a negative errno.
 */
static int rewrite_proc_self(const struct resolve_ctx *ctx, char *path, size_t size, int *start_fd,
                             const char **rest)
{
	char num[32], tail[PATH_MAX];
	const char *after_proc, *p = NULL, *q;
	bool thread = false;

	after_proc = skip_component(path, "proc");
	if (after_proc == NULL || path[0] != '/')
		return 0;
	if ((p = skip_component(after_proc, "self")) == NULL &&
	    (p = skip_component(after_proc, "thread-self")) != NULL)
		thread = true;
	if (p == NULL) {
		snprintf(num, sizeof(num), "%d", (int)ctx->tgid);
		p = skip_component(after_proc, num);
		if (p == NULL && ctx->tid != ctx->tgid) {
			snprintf(num, sizeof(num), "%d", (int)ctx->tid);
			if ((p = skip_component(after_proc, num)) != NULL)
				thread = true;
		}
	}
	if (p == NULL || !target_proc_is_procfs(ctx))
		return 0;

	/* Magic links that lead to a directory: start there, with the rest of the path. */
	static const char *const links[] = {"cwd", "root"};

	for (size_t i = 0; i < 2; i++) {
		q = skip_component(p, links[i]);
		if (q != NULL && *q == '/') {
			int fd;

			if (i == 1) {
				fd = fcntl(ctx->root_fd, F_DUPFD_CLOEXEC, 0);
				if (fd < 0)
					return -errno;
			} else {
				fd = open_proc(ctx, "cwd", O_PATH | O_DIRECTORY);
				if (fd < 0)
					return fd;
			}
			*start_fd = fd;
			*rest = q;
			return 1;
		}
	}
	q = skip_component(p, "fd");
	if (q != NULL) {
		const char *digits = q;
		char what[32];
		size_t n;

		while (*digits == '/')
			digits++;
		n = strspn(digits, "0123456789");
		if (n > 0 && n < 10 && digits[n] == '/') {
			snprintf(what, sizeof(what), "fd/%.*s", (int)n, digits);
			int fd = open_proc(ctx, what, O_PATH | O_DIRECTORY);

			if (fd < 0)
				return fd;
			*start_fd = fd;
			*rest = digits + n;
			return 1;
		}
	}
	/* Anything else under it: name the target's entry by number. */
	if (thread)
		snprintf(num, sizeof(num), "%d/task/%d", (int)ctx->tgid, (int)ctx->tid);
	else
		snprintf(num, sizeof(num), "%d", (int)ctx->tgid);
	if (snprintf(tail, sizeof(tail), "/proc/%s%s", num, p) >= (int)sizeof(tail))
		return -ENAMETOOLONG;
	if (strlen(tail) >= size)
		return -ENAMETOOLONG;
	strcpy(path, tail);
	return 0;
}

/*
 * Splits path into the parent part (written to parent, "." or "/" when there is none) and
 * the final component. A final "." or ".." (or a path of slashes) leaves final empty and the
 * whole path as the parent: the object is that directory.
 */
static int split_path(const char *path, char *parent, size_t psize, char *final,
                      bool *trailing_slash)
{
	size_t len = strlen(path), end, start;

	end = len;
	while (end > 0 && path[end - 1] == '/')
		end--;
	*trailing_slash = end < len && end > 0;
	if (end == 0) { /* "/", "//": the root */
		snprintf(parent, psize, "/");
		final[0] = '\0';
		return 0;
	}
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if (end - start > NAME_MAX)
		return -ENAMETOOLONG;
	if ((end - start == 1 && path[start] == '.') ||
	    (end - start == 2 && path[start] == '.' && path[start + 1] == '.')) {
		if (len >= psize)
			return -ENAMETOOLONG;
		memcpy(parent, path, len + 1);
		final[0] = '\0';
		return 0;
	}
	memcpy(final, path + start, end - start);
	final[end - start] = '\0';
	if (start == 0) {
		snprintf(parent, psize, ".");
	} else if (start >= psize) {
		return -ENAMETOOLONG;
	} else {
		memcpy(parent, path, start);
		parent[start] = '\0';
	}
	return 0;
}

/* Opens the starting directory for a relative path: the target's cwd or its fd dirfd. */
static int open_start(const struct resolve_ctx *ctx, int dirfd)
{
	char what[32];

	if (dirfd == AT_FDCWD)
		return open_proc(ctx, "cwd", O_PATH | O_DIRECTORY);
	if (dirfd < 0)
		return -EBADF;
	snprintf(what, sizeof(what), "fd/%d", dirfd);
	return open_proc(ctx, what, O_PATH | O_DIRECTORY);
}

/* Opens the parent directory part from start_fd (the root when start_fd == ctx->root_fd). */
static int open_parent(const struct resolve_ctx *ctx, int start_fd, const char *parent)
{
	const unsigned long long flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
	char start_path[PATH_MAX], rel[PATH_MAX], joined[PATH_MAX];
	int rc;

	if (ctx->same_root)
		return sys_openat2(start_fd, parent, flags, RESOLVE_NO_MAGICLINKS);
	if (start_fd == ctx->root_fd || parent[0] == '/')
		return sys_openat2(ctx->root_fd, parent, flags,
		                   RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	/*
	 * A chrooted or namespaced target resolving relative to its cwd: openat2 has no separate
	 * root, so name the start directory by its location under the root and resolve from the
	 * root. Were the directory moved meanwhile, we would resolve from its old place; the
	 * result is still reported (and acted on) as the real location it is, so a glob can never
	 * be fooled, only the target inconvenienced.
	 */
	rc = fd_path(start_fd, start_path, sizeof(start_path));
	if (rc < 0)
		return rc;
	rc = strip_root(ctx->root_path, start_path, rel, sizeof(rel));
	if (rc < 0)
		return rc;
	if (snprintf(joined, sizeof(joined), "%s/%s", rel, parent) >= (int)sizeof(joined))
		return -ENAMETOOLONG;
	return sys_openat2(ctx->root_fd, joined, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

/*
 * Whether an absolute parent is spelled plainly: single slashes, no "." or ".." component.
 * Walked from the root without following any symlink, such a path is where the directory it
 * reaches really is, with no need to ask the kernel (readlink of /proc/self/fd/N).
 */
static bool is_plain_absolute(const char *p)
{
	if (p[0] != '/')
		return false;
	for (const char *c = p + 1; *c != '\0';) {
		size_t len = strcspn(c, "/");

		if (len == 0 && c[len] != '\0')
			return false; /* "//" */
		if ((len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += len;
		if (*c == '/')
			c++;
	}
	return true;
}

/*
 * The parent of a target sharing our root, spelled plainly: opened without following any
 * symlink, its location is its spelling (without a trailing slash). Returns the descriptor,
 * -ELOOP when a symlink is on the way (resolve it the general way), or another negative errno,
 * the one the kernel's own walk would meet first (no symlink was involved up to there).
 */
static int open_plain_parent(const struct resolve_ctx *ctx, const char *parent, char *location,
                             size_t size)
{
	size_t len = strlen(parent);
	int fd;

	while (len > 1 && parent[len - 1] == '/')
		len--;
	if (len >= size)
		return -ENAMETOOLONG;
	fd = sys_openat2(ctx->root_fd, parent, O_PATH | O_DIRECTORY | O_CLOEXEC,
	                 RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
	if (fd >= 0) {
		memcpy(location, parent, len);
		location[len] = '\0';
	}
	return fd;
}

static bool in_own_proc_entry(int fd, const char *path)
{
	struct statfs sfs;
	char entry[32];
	size_t n;

	/* The cheap string test first: most paths are nowhere near /proc. */
	pthread_once(&own.once, read_own_root);
	n = (size_t)snprintf(entry, sizeof(entry), "/proc/%d", (int)own.pid);
	if (strncmp(path, entry, n) != 0 || (path[n] != '\0' && path[n] != '/'))
		return false;
	return fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

static int resolve_once(const struct resolve_ctx *ctx, int dirfd, char *path,
                        struct path_resolution *out)
{
	char parent[PATH_MAX], real[PATH_MAX];
	const char *rest = NULL;
	int start_fd = -1, fd = -1, rc;
	bool plain = false;
	struct stat st;

	if (path[0] == '\0')
		return -ENOENT;
	rc = rewrite_proc_self(ctx, path, PATH_MAX, &start_fd, &rest);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		/* Continue relative to the magic link's target; "/" + rest stays relative. */
		while (*rest == '/')
			rest++;
		memmove(path, rest, strlen(rest) + 1);
		if (path[0] == '\0')
			snprintf(path, PATH_MAX, ".");
	} else if (path[0] == '/') {
		start_fd = ctx->root_fd;
	} else {
		start_fd = open_start(ctx, dirfd);
		if (start_fd < 0)
			return start_fd;
	}

	rc = split_path(path, parent, sizeof(parent), out->final, &out->trailing_slash);
	if (rc == 0 && ctx->same_root && start_fd == ctx->root_fd && is_plain_absolute(parent)) {
		fd = open_plain_parent(ctx, parent, real, sizeof(real));
		plain = fd >= 0;
		rc = fd < 0 && fd != -ELOOP ? fd : 0;
	}
	if (rc == 0 && !plain) {
		fd = open_parent(ctx, start_fd, parent);
		rc = fd < 0 ? fd : 0;
	}
	if (start_fd != ctx->root_fd)
		close(start_fd);
	if (rc < 0)
		return rc;
	out->parent_fd = fd;

	/*
	 * A directory removed while we hold it has no location to report. (One just reached by
	 * its plain name was linked there: a removal from now on is the same race as after this
	 * check.)
	 */
	if (!plain && fstat(fd, &st) < 0)
		return -errno;
	if (!plain && st.st_nlink == 0)
		return -ENOENT;
	rc = plain ? 0 : fd_path(fd, real, sizeof(real));
	if (rc < 0)
		return rc;
	if (ctx->same_root)
		rc = snprintf(out->parent_path, sizeof(out->parent_path), "%s", real) >=
		                     (int)sizeof(out->parent_path)
		             ? -ENAMETOOLONG
		             : 0;
	else
		rc = strip_root(ctx->root_path, real, out->parent_path, sizeof(out->parent_path));
	if (rc < 0)
		return rc;
	if (out->final[0] == '\0')
		rc = snprintf(out->path, sizeof(out->path), "%s", out->parent_path);
	else
		rc = snprintf(out->path, sizeof(out->path), "%s%s%s", out->parent_path,
		              strcmp(out->parent_path, "/") == 0 ? "" : "/", out->final);
	if (rc >= (int)sizeof(out->path))
		return -ENAMETOOLONG;
	if (in_own_proc_entry(fd, out->path))
		return -EXDEV;

	out->final_exists = false;
	out->final_is_symlink = false;
	if (out->final[0] == '\0') {
		out->final_exists = true;
		return 0;
	}
	if (fstatat(fd, out->final, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		out->final_exists = true;
		out->final_is_symlink = S_ISLNK(st.st_mode);
	} else if (errno != ENOENT) {
		return -errno;
	}
	return 0;
}

/* An empty path with AT_EMPTY_PATH: the object is the dirfd (or the cwd) itself. */
static int resolve_empty(const struct resolve_ctx *ctx, int dirfd, struct path_resolution *out)
{
	char what[32], real[PATH_MAX];
	struct stat st;
	int fd, rc;

	if (dirfd == AT_FDCWD) {
		fd = open_proc(ctx, "cwd", O_PATH | O_DIRECTORY);
	} else if (dirfd < 0) {
		return -EBADF;
	} else {
		snprintf(what, sizeof(what), "fd/%d", dirfd);
		fd = open_proc(ctx, what, O_PATH);
	}
	if (fd < 0)
		return fd == -ENOENT && dirfd != AT_FDCWD ? -EBADF : fd;
	out->parent_fd = fd;
	out->final_exists = true;
	if (fstat(fd, &st) < 0)
		return -errno;
	rc = fd_path(fd, real, sizeof(real));
	if (rc == 0 && st.st_nlink > 0) {
		if (ctx->same_root)
			rc = snprintf(out->path, sizeof(out->path), "%s", real) >=
			                     (int)sizeof(out->path)
			             ? -ENAMETOOLONG
			             : 0;
		else
			rc = strip_root(ctx->root_path, real, out->path, sizeof(out->path));
	} else if (rc == 0) {
		rc = -EXDEV; /* deleted, or a memfd: no location */
	}
	if (rc == -EXDEV) {
		/* Sockets, pipes, anonymous inodes, deleted files, objects outside the root. */
		out->anonymous = true;
		out->path[0] = '\0';
		return 0;
	}
	if (rc < 0)
		return rc;
	if (in_own_proc_entry(fd, out->path))
		return -EXDEV;
	snprintf(out->parent_path, sizeof(out->parent_path), "%s", out->path);
	out->final_is_symlink = S_ISLNK(st.st_mode);
	return 0;
}

void path_resolution_release(struct path_resolution *out)
{
	if (out->parent_fd >= 0)
		close(out->parent_fd);
	out->parent_fd = -1;
}

int path_resolve(pid_t tid, pid_t tgid, int dirfd, const char *path, unsigned flags,
                 int listener_fd, uint64_t notif_id, struct path_resolution *out)
{
	bool opened_proc = false;
	struct resolve_ctx ctx = {.tid = tid,
	                          .tgid = tgid > 0 ? tgid : tid,
	                          .root_fd = -1,
	                          .opened_proc = &opened_proc};
	char cur[PATH_MAX];
	int rc;

	out->parent_fd = -1;
	out->final[0] = out->parent_path[0] = out->path[0] = '\0';
	out->final_exists = out->final_is_symlink = out->trailing_slash = out->anonymous = false;
	out->same_root = false;
	if (strlen(path) >= sizeof(cur))
		return -ENAMETOOLONG;
	strcpy(cur, path);

	if (flags & PATH_RESOLVE_SAME_ROOT) {
		/* The caller knows (identity.h): no /proc/TID/root to open and compare. */
		pthread_once(&own.once, read_own_root);
		if (own.err < 0)
			return own.err;
		ctx.root_fd = own.root_fd;
		ctx.same_root = true;
		rc = 0;
	} else {
		ctx.root_fd = open_proc(&ctx, "root", O_PATH | O_DIRECTORY);
		if (ctx.root_fd < 0)
			return ctx.root_fd;
		rc = detect_same_root(&ctx);
		if (rc == 0 && !ctx.same_root)
			rc = fd_path(ctx.root_fd, ctx.root_path, sizeof(ctx.root_path));
	}

	if (rc == 0 && path[0] == '\0' && (flags & PATH_RESOLVE_EMPTY_PATH)) {
		rc = resolve_empty(&ctx, dirfd, out);
		goto done;
	}
	for (int links = 0; rc == 0; links++) {
		char link[PATH_MAX], next[PATH_MAX];
		struct statfs sfs;
		ssize_t n;
		bool slash;

		rc = resolve_once(&ctx, dirfd, cur, out);
		if (rc < 0 || !out->final_is_symlink ||
		    !((flags & PATH_RESOLVE_FOLLOW) || out->trailing_slash))
			break;
		if (links == PATH_RESOLVE_MAX_LINKS) {
			rc = -ELOOP;
			break;
		}
		/*
		 * Only plain symlinks are followed by their text. In procfs, below /proc itself
		 * (/proc/mounts -> self/mounts) every symlink is a magic link whose text is not
		 * where it leads for the target: refuse.
		 */
		if (fstatfs(out->parent_fd, &sfs) < 0) {
			rc = -errno;
			break;
		}
		if (sfs.f_type == PROC_SUPER_MAGIC && strcmp(out->parent_path, "/proc") != 0) {
			rc = -ELOOP;
			break;
		}
		n = readlinkat(out->parent_fd, out->final, link, sizeof(link) - 1);
		if (n < 0) {
			rc = -errno;
			break;
		}
		link[n] = '\0';
		slash = out->trailing_slash;
		/*
		 * The parent's real location is already free of symlinks, so joining the link
		 * text to it as a string and resolving again from the root is what the kernel
		 * does, and lets the /proc/self rewrite see "/proc/self/..." texts.
		 */
		if (link[0] == '/')
			rc = snprintf(next, sizeof(next), "%s%s", link, slash ? "/" : "");
		else
			rc = snprintf(next, sizeof(next), "%s/%s%s", out->parent_path, link,
			              slash ? "/" : "");
		rc = rc >= (int)sizeof(next) ? -ENAMETOOLONG : 0;
		strcpy(cur, next);
		path_resolution_release(out);
	}
done:
	/* Nothing opened by thread id (a plain absolute path, root known): nothing to check. */
	if (rc == 0 && listener_fd >= 0 && opened_proc)
		rc = target_notif_valid(listener_fd, notif_id);
	out->same_root = ctx.same_root;
	if (!(flags & PATH_RESOLVE_SAME_ROOT))
		close(ctx.root_fd);
	if (rc < 0)
		path_resolution_release(out);
	return rc;
}
