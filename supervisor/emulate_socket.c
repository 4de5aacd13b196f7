/* SPDX-License-Identifier: MIT */
/*
 * connect, bind and sendto, emulated: the supervisor takes a duplicate of the target's socket with
 * pidfd_getfd(2) (Linux 5.6) and connects or binds it to the address it checked (emulate.h).
 * The duplicate shares the target's open file description, so the target's socket is the one
 * that ends up connected or bound.
 *
 * - Pathname unix sockets act through the checked parent directory: connect opens the socket
 *   file O_PATH | O_NOFOLLOW there and connects to /proc/self/fd/N (the object checked, never
 *   a symlink swapped in); bind creates it through /proc/self/fd/PARENT/NAME with the target's
 *   umask and identity. The peer of a unix connection sees the connecting process's
 *   credentials (SO_PEERCRED): the supervisor's pid, and its uid. So a target whose effective
 *   ids differ from the supervisor's is refused (EPERM) rather than handed the supervisor's
 *   uid; the pid is always the supervisor's (docs/inspection.md).
 * - The supervisor must never block: the socket is made non-blocking for the call and its
 *   flags restored. A non-blocking target gets EINPROGRESS as is. A blocking TCP target whose
 *   connection is in progress is answered CONTINUE: its connect finds the socket connecting
 *   (SS_CONNECTING) and only waits for that connection to finish; whatever the address in
 *   its memory says then, the kernel does not connect elsewhere (an AF_UNSPEC there would only
 *   disconnect). Other blocking sockets that would wait (a unix listener with a full backlog)
 *   get EAGAIN.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "emulate.h"
#include "target_mem.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* The target's socket, duplicated into the supervisor (close-on-exec). */
static int take_socket(const struct emulate_ctx *ctx, int *out)
{
	int pidfd, fd, target_fd = (int)(int32_t)(uint32_t)ctx->args[0];
	struct stat st;

	pidfd = (int)syscall(SYS_pidfd_open, ctx->tgid > 0 ? ctx->tgid : ctx->tid, 0);
	if (pidfd < 0)
		return errno == ESRCH ? -ENOENT : -errno;
	fd = emulate_pidfd_getfd(ctx, pidfd, target_fd);
	close(pidfd);
	if (fd < 0)
		return -errno; /* EBADF: the target's own mistake, and the kernel's answer too */
	if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode)) {
		close(fd);
		return -ENOTSOCK;
	}
	*out = fd;
	return 0;
}

static bool is_unix_path(const struct sockaddr_storage *a, size_t len)
{
	return a->ss_family == AF_UNIX && len > offsetof(struct sockaddr_un, sun_path) &&
	       ((const char *)a)[offsetof(struct sockaddr_un, sun_path)] != '\0';
}

/* Builds the address the supervisor uses for a pathname unix socket (emulate.h). */
int emulate_unix_address(const struct emulate_ctx *ctx, bool is_bind, struct sockaddr_un *un,
                         socklen_t *len, int *hold_fd, int32_t *op_error)
{
	const struct path_resolution *pr = &ctx->buf->paths[0];
	int n;

	if (pr->parent_fd < 0 || pr->final[0] == '\0')
		return -EINVAL;
	memset(un, 0, sizeof(*un));
	un->sun_family = AF_UNIX;
	if (is_bind) {
		n = snprintf(un->sun_path, sizeof(un->sun_path), "/proc/self/fd/%d/%s",
		             pr->parent_fd, pr->final);
	} else {
		struct stat st;
		int fd = openat(pr->parent_fd, pr->final, O_PATH | O_NOFOLLOW | O_CLOEXEC);

		if (fd < 0) {
			*op_error = -errno;
			return 0;
		}
		if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode)) {
			close(fd);
			/* What connect says for a file that is not a socket. */
			*op_error = -ECONNREFUSED;
			return 0;
		}
		*hold_fd = fd;
		n = snprintf(un->sun_path, sizeof(un->sun_path), "/proc/self/fd/%d", fd);
	}
	if (n < 0 || (size_t)n >= sizeof(un->sun_path))
		return -ENAMETOOLONG;
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (size_t)n + 1);
	return 0;
}

static bool is_tcp(int fd)
{
	int proto = 0;
	socklen_t len = sizeof(proto);

	return getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) == 0 && proto == IPPROTO_TCP;
}

/*
 * sendto with an address: the data is copied from the caller (it decides nothing, but the
 * supervisor sends it) and sent with the checked address. MSG_DONTWAIT: the supervisor never
 * waits for buffer space (a blocking caller gets EAGAIN when the socket buffer is full).
 * MSG_NOSIGNAL: a broken stream must not signal the supervisor; the caller gets its SIGPIPE
 * from here unless it asked for MSG_NOSIGNAL itself.
 */
static int do_sendto(const struct emulate_ctx *ctx, int sock, const struct sockaddr *addr,
                     socklen_t addr_len, struct emulate_result *res)
{
	uint64_t len = ctx->args[2];
	int flags = (int)ctx->args[3];
	ssize_t n;
	int rc;

	if (len > ctx->scratch_size) {
		res->error = -EMSGSIZE;
		return 0;
	}
	rc = target_read_mem(ctx->tid, ctx->args[1], ctx->scratch, (size_t)len, ctx->listener,
	                     ctx->notif_id);
	if (rc == -EFAULT) {
		res->error = -EFAULT;
		return 0;
	}
	if (rc < 0)
		return rc;
	n = sendto(sock, ctx->scratch, (size_t)len, flags | MSG_DONTWAIT | MSG_NOSIGNAL, addr,
	           addr_len);
	if (n < 0) {
		res->error = -errno;
		if (errno == EPIPE && !(flags & MSG_NOSIGNAL))
			syscall(SYS_tgkill, ctx->tgid > 0 ? ctx->tgid : ctx->tid, ctx->tid,
			        SIGPIPE);
		return 0;
	}
	res->val = n;
	return 0;
}

int emulate_socket(const struct emulate_ctx *ctx, struct emulate_result *res)
{
	bool is_bind = strcmp(ctx->name, "bind") == 0;
	bool is_sendto = strcmp(ctx->name, "sendto") == 0;
	const struct sockaddr *addr = ctx->facts->addr;
	socklen_t addr_len = (socklen_t)ctx->facts->addr_len;
	struct sockaddr_un un;
	int sock = -1, hold_fd = -1, fl, rc;
	int32_t op_error = 0;
	bool unix_path;

	if (addr == NULL)
		return -EDESTADDRREQ;
	unix_path = is_unix_path(&ctx->buf->addr, ctx->facts->addr_len);
	/*
	 * Every unix connect/sendto (abstract names too, not only paths) and every netlink sendto
	 * carries the sender's credentials (SO_PEERCRED, SCM_CREDENTIALS): the supervisor's.
	 * bind carries none.
	 */
	if ((addr->sa_family == AF_UNIX || (is_sendto && addr->sa_family == AF_NETLINK)) &&
	    !is_bind &&
	    (ctx->creds->euid != ctx->sw->self.euid || ctx->creds->egid != ctx->sw->self.egid))
		return -EPERM;
	if (unix_path && is_bind &&
	    (ctx->creds->euid != ctx->sw->self.euid || ctx->creds->egid != ctx->sw->self.egid))
		return -EPERM;
	rc = take_socket(ctx, &sock);
	if (rc < 0) {
		if (rc == -EBADF || rc == -ENOTSOCK) {
			res->error = rc;
			return 0;
		}
		return rc;
	}
	if (unix_path) {
		rc = emulate_unix_address(ctx, is_bind, &un, &addr_len, &hold_fd, &op_error);
		/* sendto to a missing or non-socket file: the kernel says ECONNREFUSED too. */
		if (rc < 0 || op_error != 0) {
			res->error = op_error;
			goto out;
		}
		addr = (const struct sockaddr *)&un;
	}
	if (is_sendto) {
		rc = do_sendto(ctx, sock, addr, addr_len, res);
		goto out;
	}
	fl = fcntl(sock, F_GETFL);
	if (fl >= 0 && !(fl & O_NONBLOCK))
		fcntl(sock, F_SETFL, fl | O_NONBLOCK);
	if (is_bind) {
		unsigned mask = 0, old_mask;

		rc = unix_path ? emulate_umask(ctx, &mask) : 0;
		if (rc == 0) {
			old_mask = umask(mask);
			rc = bind(sock, addr, addr_len) < 0 ? -errno : 0;
			umask(old_mask);
		}
	} else {
		rc = connect(sock, addr, addr_len) < 0 ? -errno : 0;
	}
	if (fl >= 0 && !(fl & O_NONBLOCK))
		fcntl(sock, F_SETFL, fl);

	if (rc == -EINPROGRESS && fl >= 0 && !(fl & O_NONBLOCK)) {
		if (is_tcp(sock)) {
			/* See the top of the file: the kernel only waits for this connection. */
			res->error = 0;
			res->val = 0;
			res->cont = true;
			rc = 0;
			goto out;
		}
		rc = -EAGAIN;
	}
	res->error = rc;
	res->val = 0;
	rc = 0;
out:
	if (hold_fd >= 0)
		close(hold_fd);
	close(sock);
	return rc;
}
