/* SPDX-License-Identifier: MIT */
/*
 * sendmsg, emulated (docs/inspection.md, "Emulation"). Its struct msghdr, the iovecs, the
 * payload and the control messages all live in the caller's memory, where another thread can
 * change them after the check: answered CONTINUE, the kernel would read msg_name again. So the
 * supervisor copies everything once, takes a duplicate of the caller's socket with
 * pidfd_getfd(2) and sends on it with the address it checked (ctx->facts, never read again),
 * or with no address when the check found none (a connected socket). emulate_sendmsg_one()
 * sends one message from a struct msghdr already copied: sendmsg's, and each of sendmmsg's
 * (emulate_sendmmsg.c), which keeps the duplicated socket across its messages.
 *
 * - Layouts: struct msghdr, struct iovec and struct cmsghdr of the caller's ABI. 32-bit
 *   callers (i386, and x32, which uses the compat sendmsg) have struct compat_msghdr with
 *   32-bit pointers and lengths, 8-byte iovecs and 12-byte cmsg headers aligned to 4; the
 *   control buffer is rebuilt in the native layout, as the kernel's
 *   cmsghdr_from_user_compat_to_kern() does.
 * - Limits, with the kernel's answers: more than UIO_MAXIOV iovecs is EMSGSIZE; a negative
 *   iovec length EINVAL; a payload larger than the scratch buffer (256 KiB) EMSGSIZE, as for
 *   sendto (a UDP datagram cannot exceed 64 KiB anyway); a control buffer larger than
 *   EMULATE_MSG_CONTROL_MAX (20480 bytes) ENOBUFS, which is what the kernel answers for a
 *   control buffer over net.core.optmem_max: 20480 is that sysctl's default before Linux 6.9
 *   (128 KiB since). SCM_RIGHTS for the most descriptors one message can carry (253) needs
 *   1028 bytes.
 * - Control messages are validated like the kernel's CMSG_OK (EINVAL); every length is checked
 *   against the copied buffer before a byte is read or written.
 *   SCM_RIGHTS: the numbers name descriptors of the caller. Each is taken with pidfd_getfd
 *   (EBADF when one is not open, as the kernel says), sent, and the duplicates closed. Only
 *   on unix sockets: the kernel refuses SCM_RIGHTS on every other family (EINVAL), and the
 *   supervisor never sends numbers of its own table.
 *   SCM_CREDENTIALS: the kernel checks the claimed pid, uid and gid against the sender, which
 *   is the supervisor. So they are checked here against the caller first, as scm_check_creds()
 *   would: its own pid (or CAP_SYS_ADMIN), one of its real/effective/saved uids (or
 *   CAP_SETUID), one of its gids (or CAP_SETGID); else EPERM. The pid is the caller's number in
 *   its own pid namespace and is translated to the supervisor's. A caller in another user
 *   namespace is refused (EPERM): its ids would need translating through its maps.
 *   Anything else (IP_PKTINFO, UDP_SEGMENT, SO_MARK, ...) is data for the protocol, copied.
 * - Credentials on unix sockets: the kernel attaches the sender's pid and real uid/gid to what
 *   a SO_PASSCRED receiver reads. Sent by the supervisor, they would be its own. So when the
 *   caller gives no SCM_CREDENTIALS, the supervisor attaches the caller's (its pid, real uid and
 *   gid: the kernel's default) explicitly; claiming a pid other than its own needs
 *   CAP_SYS_ADMIN, and ids other than its own CAP_SETUID/CAP_SETGID, which are raised in the
 *   supervisor's effective set (the caller's while acting as it) for that send only.
 *   Netlink attaches the sender's credentials to every message too (a userspace receiver such
 *   as udev trusts uid 0): there the caller's uid and gid are attached with the supervisor's
 *   pid, raising only CAP_SETUID/CAP_SETGID, because kernel netlink handlers run in the
 *   sender's context and check its capabilities (the caller's, then). A supervisor without CAP_SYS_ADMIN/CAP_SETUID/CAP_SETGID
 *   cannot speak for the caller, and refuses (EPERM) one whose uid/gid differ from its own on
 *   those two families, as connect does.
 * - The supervisor never blocks: MSG_DONTWAIT is added (a blocking caller whose socket buffer
 *   is full gets EAGAIN), and MSG_NOSIGNAL (the caller gets its SIGPIPE from here, unless it
 *   asked for MSG_NOSIGNAL itself). MSG_ZEROCOPY on a socket with SO_ZEROCOPY is refused
 *   (EOPNOTSUPP): the kernel would keep the supervisor's scratch pages for the transmission.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "emulate.h"
#include "syscall_args.h"
#include "target_mem.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef MSG_ZEROCOPY
#define MSG_ZEROCOPY 0x4000000
#endif
#ifndef SO_ZEROCOPY
#define SO_ZEROCOPY 60
#endif

/* Set by the compat sendmsg on every call, refused by the native one (net/socket.c). */
#define MSG_CMSG_COMPAT_FLAG 0x80000000u

#define CAP_BIT(c) (1ull << (c))

/* One control message in the caller's buffer. */
struct cmsg_view {
	int level, type;
	size_t data_off, data_len;
};

/* The caller's ids as scm_check_creds() sees them (read only when it claims credentials). */
struct caller_ids {
	uint32_t uid[3], gid[3]; /* real, effective, saved */
	long own_pid;            /* its tgid in its own pid namespace */
	bool same_pid_ns, same_user_ns;
};

/* Everything one emulated sendmsg holds. */
struct send_job {
	const struct emulate_ctx *ctx;
	struct emulate_msg_buf *mb;
	bool compat;
	struct emulate_msghdr head; /* msg_name is not used: the checked address is ctx->facts */
	size_t total;               /* payload bytes, in ctx->scratch */
	bool caller_creds;          /* the caller's control buffer has SCM_CREDENTIALS */
	size_t control_len;         /* bytes built in mb->control_out */
	int n_fds;                  /* descriptors taken into mb->fds */
	int32_t answer;             /* an error the kernel would have given the caller, or 0 */
};

bool emulate_msg_compat(uint32_t arch)
{
	return syscall_args_ptr_size(arch) == 4;
}

static uint32_t get32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t get64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * Reads the caller's memory without the ID_VALID check: the job checks once, after the last
 * read and before it acts. A fault is the caller's (the kernel says EFAULT); anything else is
 * the supervisor's.
 */
static int read_caller(struct send_job *job, uint64_t addr, void *buf, size_t len)
{
	int rc;

	if (len == 0)
		return 0;
	rc = target_read_mem(job->ctx->tid, addr, buf, len, -1, 0);
	if (rc == -EFAULT) {
		job->answer = -EFAULT;
		return 0;
	}
	return rc;
}

void emulate_msghdr_parse(const void *raw_in, bool compat, struct emulate_msghdr *h)
{
	const uint8_t *raw = raw_in;

	if (compat) {
		/* compat_msghdr: name, namelen, iov, iovlen, control, controllen, flags. */
		h->name = get32(raw);
		h->namelen = get32(raw + 4);
		h->iov = get32(raw + 8);
		h->iovlen = get32(raw + 12);
		h->control = get32(raw + 16);
		h->controllen = get32(raw + 20);
		h->flags = get32(raw + 24);
	} else {
		/* msghdr: name, namelen (+4 padding), iov, iovlen, control, controllen, flags. */
		h->name = get64(raw);
		h->namelen = get32(raw + 8);
		h->iov = get64(raw + 16);
		h->iovlen = get64(raw + 24);
		h->control = get64(raw + 32);
		h->controllen = get64(raw + 40);
		h->flags = get32(raw + 48);
	}
}

/* The iovec array, then the payload it describes, into ctx->scratch. */
static int read_payload(struct send_job *job)
{
	const struct emulate_ctx *ctx = job->ctx;
	size_t entry = job->compat ? 8 : 16, n = (size_t)job->head.iovlen;
	const uint8_t *iov = (const uint8_t *)job->mb->iov;
	int rc;

	rc = read_caller(job, job->head.iov, job->mb->iov, n * entry);
	if (rc < 0 || job->answer != 0)
		return rc;
	job->total = 0;
	/* Lengths first, as the kernel imports the whole array before copying any data. */
	for (size_t i = 0; i < n; i++) {
		uint64_t len =
		        job->compat ? get32(iov + i * entry + 4) : get64(iov + i * entry + 8);

		if (job->compat ? (int32_t)len < 0 : (int64_t)len < 0) {
			job->answer = -EINVAL;
			return 0;
		}
		if (len > ctx->scratch_size - job->total) {
			job->answer =
			        -EMSGSIZE; /* more than the scratch buffer: said in the docs */
			return 0;
		}
		job->total += (size_t)len;
	}
	for (size_t i = 0, at = 0; i < n; i++) {
		uint64_t base = job->compat ? get32(iov + i * entry) : get64(iov + i * entry);
		uint64_t len =
		        job->compat ? get32(iov + i * entry + 4) : get64(iov + i * entry + 8);

		rc = read_caller(job, base, ctx->scratch + at, (size_t)len);
		if (rc < 0 || job->answer != 0)
			return rc;
		at += (size_t)len;
	}
	return 0;
}

/*
 * The next control message of the caller's buffer at *off: 1 with *v, 0 at the end (no room
 * for another header: CMSG_NXTHDR), -EINVAL for a length that CMSG_OK refuses.
 */
static int cmsg_next(const struct send_job *job, size_t *off, struct cmsg_view *v)
{
	const uint8_t *ctl = (const uint8_t *)job->mb->control_in;
	size_t ctl_len = (size_t)job->head.controllen, at = *off;
	size_t hdr = job->compat ? 12 : 16, align = job->compat ? 4 : 8;
	uint64_t len;

	if (at > ctl_len || ctl_len - at < hdr)
		return 0;
	len = job->compat ? get32(ctl + at) : get64(ctl + at);
	if (len < hdr || len > ctl_len - at)
		return -EINVAL;
	v->level = (int)get32(ctl + at + hdr - 8);
	v->type = (int)get32(ctl + at + hdr - 4);
	v->data_off = at + hdr;
	v->data_len = (size_t)len - hdr;
	/* len <= ctl_len <= EMULATE_MSG_CONTROL_MAX: no overflow. */
	*off = at + (((size_t)len + align - 1) & ~(align - 1));
	return 1;
}

/* Copies the control buffer and checks its structure, before any data is read. */
static int read_control(struct send_job *job)
{
	struct cmsg_view v;
	size_t off = 0, fds = 0, count = 0;
	int rc;

	if (job->head.controllen == 0)
		return 0;
	/* ____sys_sendmsg(): a control buffer that cannot be allocated is ENOBUFS. */
	if (job->head.controllen > EMULATE_MSG_CONTROL_MAX) {
		job->answer = -ENOBUFS;
		return 0;
	}
	rc = read_caller(job, job->head.control, job->mb->control_in, (size_t)job->head.controllen);
	if (rc < 0 || job->answer != 0)
		return rc;
	while ((rc = cmsg_next(job, &off, &v)) > 0) {
		count++;
		if (v.level != SOL_SOCKET)
			continue;
		if (v.type == SCM_CREDENTIALS) {
			/* __scm_send(): exactly CMSG_LEN(sizeof(struct ucred)). */
			if (v.data_len != sizeof(struct ucred)) {
				job->answer = -EINVAL;
				return 0;
			}
			job->caller_creds = true;
		} else if (v.type == SCM_RIGHTS) {
			/* scm_fp_copy(): at most SCM_MAX_FD in one message, all cmsgs together. */
			fds += v.data_len / sizeof(int);
			if (fds > EMULATE_MSG_FDS_MAX) {
				job->answer = -EINVAL;
				return 0;
			}
		}
	}
	if (rc < 0) {
		job->answer = rc;
		return 0;
	}
	/* cmsghdr_from_user_compat_to_kern(): a compat buffer without one header is EINVAL. */
	if (job->compat && count == 0)
		job->answer = -EINVAL;
	return 0;
}

/* The value of "Name:" in a /proc status text (the rest of that line), or NULL. */
static const char *status_field(const char *text, const char *name)
{
	size_t n = strlen(name);
	const char *p = text;

	while (p != NULL) {
		if (strncmp(p, name, n) == 0)
			return p + n;
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return NULL;
}

/* Whether /proc/TID/ns/<what> of the caller is the supervisor's namespace. */
static bool same_ns(const struct emulate_ctx *ctx, const char *what)
{
	char self_path[64];
	struct stat a, b;
	int fd = emulate_open_proc(ctx, what, O_RDONLY);
	bool same;

	if (fd < 0)
		return false;
	snprintf(self_path, sizeof(self_path), "/proc/self/%s", what);
	same = fstat(fd, &a) == 0 && stat(self_path, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
	close(fd);
	return same;
}

/* The caller's real/effective/saved ids and own pid, from /proc/TID/status. */
static int read_caller_ids(const struct send_job *job, struct caller_ids *ids)
{
	char text[4096];
	const char *uid, *gid, *tgid;
	unsigned count;
	ssize_t n;
	int fd = emulate_open_proc(job->ctx, "status", O_RDONLY);

	if (fd < 0)
		return fd == -ENOENT || fd == -ESRCH ? -ENOENT : fd;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return -ENOENT;
	text[n] = '\0';
	uid = status_field(text, "Uid:");
	gid = status_field(text, "Gid:");
	if (uid == NULL || gid == NULL ||
	    sscanf(uid, "%u %u %u", &ids->uid[0], &ids->uid[1], &ids->uid[2]) != 3 ||
	    sscanf(gid, "%u %u %u", &ids->gid[0], &ids->gid[1], &ids->gid[2]) != 3)
		return -EIO;
	/* NStgid: the tgid in each pid namespace from ours down to the caller's own (4.1+). */
	tgid = status_field(text, "NStgid:");
	if (tgid == NULL)
		tgid = status_field(text, "Tgid:");
	if (tgid == NULL)
		return -EIO;
	ids->own_pid = -1;
	count = 0;
	while (*tgid == ' ' || *tgid == '\t' || (*tgid >= '0' && *tgid <= '9')) {
		char *end;
		long v = strtol(tgid, &end, 10);

		if (end == tgid)
			break;
		ids->own_pid = v; /* the last one is its own namespace's */
		count++;
		tgid = end;
	}
	if (count == 0)
		return -EIO;
	ids->same_pid_ns = count == 1;
	ids->same_user_ns = same_ns(job->ctx, "ns/user");
	return 0;
}

static bool in3(uint32_t v, const uint32_t set[3])
{
	return v == set[0] || v == set[1] || v == set[2];
}

/*
 * The credentials the caller claims, checked as scm_check_creds() would check them for the
 * caller itself; on success *out holds them with the pid in the supervisor's namespace.
 * Returns 0 or the caller's error.
 */
static int32_t check_claim(const struct send_job *job, const struct caller_ids *ids,
                           const struct ucred *claim, struct ucred *out)
{
	uint64_t caps = job->ctx->creds->cap_eff;
	pid_t self = job->ctx->tgid > 0 ? job->ctx->tgid : job->ctx->tid;
	bool pid_ok, uid_ok, gid_ok;

	if (claim->uid == (uid_t)-1 || claim->gid == (gid_t)-1)
		return -EINVAL; /* not a valid id: make_kuid() fails */
	if (!ids->same_user_ns)
		return -EPERM; /* said at the top of the file */
	*out = *claim;
	if (claim->pid == ids->own_pid) {
		pid_ok = true;
		out->pid = self;
	} else {
		/* Another pid can be named only in the supervisor's own pid namespace. */
		pid_ok = ids->same_pid_ns && (caps & CAP_BIT(CAP_SYS_ADMIN));
	}
	uid_ok = in3(claim->uid, ids->uid) || (caps & CAP_BIT(CAP_SETUID));
	gid_ok = in3(claim->gid, ids->gid) || (caps & CAP_BIT(CAP_SETGID));
	return pid_ok && uid_ok && gid_ok ? 0 : -EPERM;
}

/* Appends one native control message to mb->control_out; -ENOBUFS when it does not fit. */
static int put_cmsg(struct send_job *job, int level, int type, const void *data, size_t len)
{
	uint8_t *out = (uint8_t *)job->mb->control_out;
	size_t space = CMSG_SPACE(len);
	struct cmsghdr h = {.cmsg_len = CMSG_LEN(len), .cmsg_level = level, .cmsg_type = type};

	if (space > sizeof(job->mb->control_out) - job->control_len)
		return -ENOBUFS;
	memset(out + job->control_len, 0, space);
	memcpy(out + job->control_len, &h, sizeof(h));
	memcpy(out + job->control_len + CMSG_LEN(0), data, len);
	job->control_len += space;
	return 0;
}

/* Takes the caller's descriptors named by one SCM_RIGHTS message. */
static int take_fds(struct send_job *job, int pidfd, const struct cmsg_view *v)
{
	const uint8_t *ctl = (const uint8_t *)job->mb->control_in;
	size_t num = v->data_len / sizeof(int);
	int first = job->n_fds;

	for (size_t i = 0; i < num; i++) {
		int target_fd = (int)get32(ctl + v->data_off + i * sizeof(int));
		int fd = emulate_pidfd_getfd(job->ctx, pidfd, target_fd);

		if (fd < 0) {
			if (errno != EBADF)
				return -errno;
			job->answer = -EBADF; /* not open in the caller: what scm_fp_copy() says */
			return 0;
		}
		/* read_control() counted them: never more than EMULATE_MSG_FDS_MAX. */
		job->mb->fds[job->n_fds++] = fd;
	}
	return put_cmsg(job, SOL_SOCKET, SCM_RIGHTS, &job->mb->fds[first], num * sizeof(int));
}

/*
 * Builds the control buffer the supervisor sends: descriptors taken, credentials checked and
 * translated, the rest copied; on unix sockets the caller's own credentials when it gave none.
 */
static int build_control(struct send_job *job, int pidfd, int family, bool attach_creds)
{
	const uint8_t *ctl = (const uint8_t *)job->mb->control_in;
	struct caller_ids ids = {.own_pid = -1};
	struct cmsg_view v;
	size_t off = 0;
	int rc;

	if (job->caller_creds) {
		rc = read_caller_ids(job, &ids);
		if (rc < 0)
			return rc;
	}
	while ((rc = cmsg_next(job, &off, &v)) > 0) {
		const void *data = ctl + v.data_off;

		if (v.level == SOL_SOCKET && v.type == SCM_RIGHTS) {
			if (family != AF_UNIX) {
				job->answer =
				        -EINVAL; /* the kernel passes descriptors on unix only */
				return 0;
			}
			rc = take_fds(job, pidfd, &v);
		} else if (v.level == SOL_SOCKET && v.type == SCM_CREDENTIALS) {
			struct ucred claim, checked;

			memcpy(&claim, data, sizeof(claim));
			job->answer = check_claim(job, &ids, &claim, &checked);
			if (job->answer != 0)
				return 0;
			rc = put_cmsg(job, SOL_SOCKET, SCM_CREDENTIALS, &checked, sizeof(checked));
		} else {
			rc = put_cmsg(job, v.level, v.type, data, v.data_len);
		}
		if (rc < 0 || job->answer != 0)
			return rc;
	}
	if (rc < 0)
		return rc; /* read_control() validated the same buffer: cannot happen */
	if (attach_creds && !job->caller_creds) {
		const struct target_creds *c = job->ctx->creds;
		struct ucred own = {
		        .pid = job->ctx->tgid > 0 ? job->ctx->tgid : job->ctx->tid,
		        .uid = c->ruid,
		        .gid = c->rgid,
		};

		/* Netlink: the supervisor's own pid, so that CAP_SYS_ADMIN is not needed. */
		if (family != AF_UNIX)
			own.pid = getpid();

		return put_cmsg(job, SOL_SOCKET, SCM_CREDENTIALS, &own, sizeof(own));
	}
	return 0;
}

/* Whether the supervisor may claim another process's credentials (scm_check_creds()). */
static bool can_speak_for(const struct emulate_ctx *ctx)
{
	uint64_t need = CAP_BIT(CAP_SYS_ADMIN) | CAP_BIT(CAP_SETUID) | CAP_BIT(CAP_SETGID);

	return (ctx->sw->self.cap_eff & need) == need;
}

/*
 * Adds the capabilities of bits (all below 32) missing from the thread's effective set, which
 * acting as the caller has reduced to the caller's (emulate_creds.h), for one send that speaks
 * for the caller; *added says which were added, for lower_caps(). Returns 0 or -errno.
 */
static int raise_caps(uint32_t bits, uint32_t *added)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];

	*added = 0;
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	*added = bits & ~data[0].effective;
	if (*added == 0)
		return 0;
	data[0].effective |= *added;
	if (syscall(SYS_capset, &hdr, data) < 0) {
		*added = 0;
		return -errno;
	}
	return 0;
}

static void lower_caps(uint32_t added)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];

	if (added == 0 || syscall(SYS_capget, &hdr, data) < 0)
		return;
	data[0].effective &= ~added;
	syscall(SYS_capset, &hdr, data);
}

static bool zerocopy_enabled(int sock)
{
	int on = 0;
	socklen_t len = sizeof(on);

	return getsockopt(sock, SOL_SOCKET, SO_ZEROCOPY, &on, &len) == 0 && on != 0;
}

static bool is_unix_path(const struct sockaddr *a, size_t len)
{
	return a->sa_family == AF_UNIX && len > offsetof(struct sockaddr_un, sun_path) &&
	       ((const char *)a)[offsetof(struct sockaddr_un, sun_path)] != '\0';
}

/* The caller's socket, duplicated through pidfd (close-on-exec). */
static int take_socket(struct send_job *job, int pidfd, int *out)
{
	int fd = emulate_pidfd_getfd(job->ctx, pidfd, (int)(int32_t)(uint32_t)job->ctx->args[0]);
	struct stat st;

	if (fd < 0) {
		if (errno != EBADF)
			return -errno;
		job->answer = -EBADF;
		return 0;
	}
	if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode)) {
		close(fd);
		job->answer = -ENOTSOCK;
		return 0;
	}
	*out = fd;
	return 0;
}

/* The send itself, with everything copied and checked. */
static int send_it(struct send_job *job, int sock, const struct sockaddr *addr, socklen_t addr_len,
                   uint32_t caller_flags, uint32_t raise, struct emulate_result *res)
{
	const struct emulate_ctx *ctx = job->ctx;
	int flags = (int)(job->compat ? caller_flags & ~MSG_CMSG_COMPAT_FLAG : caller_flags);
	struct iovec data = {.iov_base = ctx->scratch, .iov_len = job->total};
	struct msghdr m = {
	        .msg_name = (void *)addr,
	        .msg_namelen = addr != NULL ? addr_len : 0,
	        .msg_iov = &data,
	        .msg_iovlen = 1,
	        .msg_control = job->control_len > 0 ? job->mb->control_out : NULL,
	        .msg_controllen = job->control_len,
	};
	uint32_t added = 0;
	ssize_t n;
	int err;

	if (raise != 0) {
		err = raise_caps(raise, &added);
		if (err < 0)
			return err;
	}
	n = sendmsg(sock, &m, flags | MSG_DONTWAIT | MSG_NOSIGNAL);
	err = errno;
	lower_caps(added);
	if (n < 0) {
		res->error = -err;
		if (err == EPIPE && !(flags & MSG_NOSIGNAL))
			syscall(SYS_tgkill, ctx->tgid > 0 ? ctx->tgid : ctx->tid, ctx->tid,
			        SIGPIPE);
		return 0;
	}
	res->val = n;
	return 0;
}

void emulate_msg_sock_close(struct emulate_msg_sock *s)
{
	if (s->sock >= 0)
		close(s->sock);
	if (s->pidfd >= 0)
		close(s->pidfd);
	*s = EMULATE_MSG_SOCK_CLOSED;
}

/*
 * Takes the caller's socket into *s and learns what sending on it needs. An error the kernel
 * would give the caller goes to job->answer (s stays closed); the supervisor's own failures
 * are returned.
 */
static int open_socket(struct send_job *job, struct emulate_msg_sock *s, uint32_t flags)
{
	const struct emulate_ctx *ctx = job->ctx;
	socklen_t flen = sizeof(s->family);
	bool scm_family;
	int rc;

	/* Acting from here: the pidfd names the caller only while its notification is live. */
	s->pidfd = (int)syscall(SYS_pidfd_open, ctx->tgid > 0 ? ctx->tgid : ctx->tid, 0);
	if (s->pidfd < 0) {
		rc = errno == ESRCH ? -ENOENT : -errno;
		goto fail;
	}
	rc = target_notif_valid(ctx->listener, ctx->notif_id);
	if (rc == 0)
		rc = take_socket(job, s->pidfd, &s->sock);
	if (rc < 0 || job->answer != 0)
		goto fail;
	if (getsockopt(s->sock, SOL_SOCKET, SO_DOMAIN, &s->family, &flen) < 0) {
		rc = -errno;
		goto fail;
	}
	/* The families whose sendmsg attaches the sender's credentials (scm_send()). */
	scm_family = s->family == AF_UNIX || s->family == AF_NETLINK;
	if ((flags & MSG_ZEROCOPY) && zerocopy_enabled(s->sock)) {
		rc = -EOPNOTSUPP; /* the top of the file says why */
		goto fail;
	}
	s->speak = scm_family && can_speak_for(ctx);
	if (scm_family && !s->speak &&
	    (ctx->creds->euid != ctx->sw->self.euid || ctx->creds->egid != ctx->sw->self.egid ||
	     ctx->creds->ruid != ctx->sw->self.ruid || ctx->creds->rgid != ctx->sw->self.rgid)) {
		rc = -EPERM; /* the receiver would read the supervisor's ids */
		goto fail;
	}
	return 0;
fail:
	emulate_msg_sock_close(s);
	return rc;
}

int emulate_sendmsg_one(const struct emulate_ctx *ctx, struct emulate_msg_sock *s,
                        const struct emulate_msghdr *h, uint32_t flags, struct emulate_result *res,
                        size_t *payload)
{
	struct send_job job = {.ctx = ctx, .mb = ctx->msg, .compat = emulate_msg_compat(ctx->arch)};
	const struct sockaddr *addr = ctx->facts->addr;
	socklen_t addr_len = (socklen_t)ctx->facts->addr_len;
	int hold_fd = -1, rc;
	struct sockaddr_un un;

	*payload = 0;
	/* Only a checked address (or a checked absence of one) may be sent to. */
	if (job.mb == NULL || !(ctx->facts->have & SUPERVISE_NEEDS_ADDRESS))
		return -EPERM;
	job.head = *h;
	/* net/socket.c __copy_msghdr(). */
	if (job.head.iovlen > EMULATE_MSG_IOV_MAX)
		job.answer = -EMSGSIZE;
	rc = 0;
	if (job.answer == 0)
		rc = read_payload(&job);
	if (rc == 0 && job.answer == 0)
		rc = read_control(&job);
	if (rc < 0)
		return rc;
	if (job.answer != 0) {
		res->error = job.answer;
		return 0;
	}
	*payload = job.total;

	if (s->pidfd < 0)
		rc = open_socket(&job, s, flags);
	else
		rc = target_notif_valid(ctx->listener, ctx->notif_id); /* the reads above */
	if (rc < 0 || job.answer != 0)
		goto out;
	/* unix_dgram_sendmsg() takes the control messages before it looks the address up. */
	rc = build_control(&job, s->pidfd, s->family, s->speak);
	if (rc < 0 || job.answer != 0)
		goto out;
	if (addr != NULL && is_unix_path(addr, ctx->facts->addr_len)) {
		int32_t op_error = 0;

		rc = emulate_unix_address(ctx, false, &un, &addr_len, &hold_fd, &op_error);
		if (rc < 0)
			goto out;
		if (op_error != 0) {
			job.answer = op_error; /* ENOENT, or ECONNREFUSED: not a socket */
			goto out;
		}
		addr = (const struct sockaddr *)&un;
	}
	/* The ids were read by thread id: still the caller's only while it waits. */
	if (job.caller_creds) {
		rc = target_notif_valid(ctx->listener, ctx->notif_id);
		if (rc < 0)
			goto out;
	}
	/*
	 * Speaking for the caller: the credentials attached are checked against the sender,
	 * whose effective set is the caller's while acting as it. The caller's own pid (unix)
	 * needs CAP_SYS_ADMIN, its uid and gid CAP_SETUID and CAP_SETGID (unix and netlink),
	 * raised for this send only.
	 */
	rc = send_it(&job, s->sock, addr, addr_len, flags,
	             !s->speak ? 0
	             : s->family == AF_UNIX
	                     ? CAP_BIT(CAP_SYS_ADMIN) | CAP_BIT(CAP_SETUID) | CAP_BIT(CAP_SETGID)
	                     : CAP_BIT(CAP_SETUID) | CAP_BIT(CAP_SETGID),
	             res);
out:
	if (rc == 0 && job.answer != 0)
		res->error = job.answer;
	for (int i = 0; i < job.n_fds; i++)
		close(job.mb->fds[i]);
	if (hold_fd >= 0)
		close(hold_fd);
	return rc;
}

int emulate_sendmsg(const struct emulate_ctx *ctx, struct emulate_result *res)
{
	bool compat = emulate_msg_compat(ctx->arch);
	struct emulate_msg_sock s = EMULATE_MSG_SOCK_CLOSED;
	struct emulate_msghdr h;
	uint8_t raw[56];
	size_t payload;
	int rc;

	/* The struct msghdr is read here once; its msg_name was read by the gather. */
	rc = target_read_mem(ctx->tid, ctx->args[1], raw, compat ? 28 : 56, -1, 0);
	if (rc == -EFAULT) {
		res->error = -EFAULT;
		return 0;
	}
	if (rc < 0)
		return rc;
	emulate_msghdr_parse(raw, compat, &h);
	rc = emulate_sendmsg_one(ctx, &s, &h, (uint32_t)ctx->args[2], res, &payload);
	emulate_msg_sock_close(&s);
	return rc;
}
