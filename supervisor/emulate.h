/* SPDX-License-Identifier: MIT */
/*
 * Emulating an allowed syscall on the copy of its pointer arguments that the supervisor checked
 * (docs/inspection.md, "Emulation"). Answering CONTINUE would let the kernel read the target's
 * memory again, after another thread may have changed it; instead the supervisor performs the
 * operation itself, through the descriptors path_resolve() produced (the real parent directory
 * plus the final component, never followed), with the target's identity (emulate_creds.h), and
 * hands back the result: a descriptor injected with SECCOMP_IOCTL_NOTIF_ADDFD, or the return
 * value / errno the operation gave.
 *
 * The caller has already taken on the target's identity (emulate_creds_enter(); the paths were
 * resolved with it too, so every directory on the way was searched with the target's rights).
 *
 * Every function returns 0 when the operation was performed (its result is in *res, including
 * an errno the operation itself gave: the target sees what the kernel would have told it), or a
 * negative errno when the supervisor could not perform it; the caller then denies with that
 * errno. -ENOSYS: this syscall is not emulated.
 */
#ifndef BOUNCER_EMULATE_H
#define BOUNCER_EMULATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>

#include "emulate_creds.h"
#include "supervise_gather.h"

/* SECCOMP_IOCTL_NOTIF_ADDFD and its flags; Debian 12's headers have them, older ones may not. */
#include <linux/seccomp.h>
#ifndef SECCOMP_ADDFD_FLAG_SETFD
#define SECCOMP_ADDFD_FLAG_SETFD (1UL << 0)
#endif
#ifndef SECCOMP_ADDFD_FLAG_SEND
#define SECCOMP_ADDFD_FLAG_SEND (1UL << 1)
#endif
#ifndef SECCOMP_IOCTL_NOTIF_ADDFD
struct seccomp_notif_addfd {
	__u64 id;
	__u32 flags;
	__u32 srcfd;
	__u32 newfd;
	__u32 newfd_flags;
};
#define SECCOMP_IOCTL_NOTIF_ADDFD SECCOMP_IOW(3, struct seccomp_notif_addfd)
#endif

/*
 * What sendmsg's emulation copies from the caller besides the payload (emulate_sendmsg.c): the
 * iovec array as the caller laid it out, its control buffer, the rebuilt control buffer that
 * the supervisor sends, and the descriptors it took for SCM_RIGHTS. Preallocated with the
 * supervisor's state: the hot path does not allocate.
 */
#define EMULATE_MSG_IOV_MAX     1024  /* UIO_MAXIOV: more is EMSGSIZE, as in the kernel */
#define EMULATE_MSG_CONTROL_MAX 20480 /* the caller's control buffer; more is ENOBUFS */
#define EMULATE_MSG_FDS_MAX     253   /* SCM_MAX_FD: descriptors in one message */
struct emulate_msg_buf {
	uint64_t iov[EMULATE_MSG_IOV_MAX * 2]; /* 16 bytes per native iovec, 8 per compat */
	uint64_t control_in[EMULATE_MSG_CONTROL_MAX / 8];
	/* Compat headers grow from 12 to 16 bytes and data aligns to 8: at most twice as big. */
	uint64_t control_out[EMULATE_MSG_CONTROL_MAX * 2 / 8 + 8];
	int fds[EMULATE_MSG_FDS_MAX];
};

/* The fields of the caller's struct msghdr (or struct compat_msghdr) that sending uses. */
struct emulate_msghdr {
	uint64_t name, namelen, iov, iovlen, control, controllen, flags;
};

/*
 * The caller's socket, taken once with pidfd_getfd and kept for every message of a sendmmsg
 * (closed: pidfd and sock -1). What was learnt about it on taking it comes along.
 */
struct emulate_msg_sock {
	int pidfd, sock;
	int family;
	bool speak; /* the supervisor attaches the caller's credentials (unix, netlink) */
};
#define EMULATE_MSG_SOCK_CLOSED ((struct emulate_msg_sock){.pidfd = -1, .sock = -1})

/* Everything an emulation needs about one notification. */
struct emulate_ctx {
	const char *name; /* libseccomp's syscall name */
	uint32_t arch;    /* SCMP_ARCH_* of the call (struct layouts differ) */
	const uint64_t *args;
	pid_t tid, tgid;
	int listener;
	uint64_t notif_id;
	struct supervise_gather_buf *buf; /* the checked paths (paths[i]) and address (addr) */
	const struct supervise_facts *facts;
	const struct target_creds *creds;  /* the target's identity (in effect during the call) */
	struct creds_fd_cache *status_fds; /* for reading its umask when creds lack it */
	struct creds_switch *sw;           /* the supervisor's own identity (access switches) */
	char *scratch;                     /* for data the emulation must copy (sendto's payload) */
	size_t scratch_size;
	struct emulate_msg_buf *msg; /* sendmsg's iovecs and control messages */
	/* sendmmsg: the message sent (its entry in buf's copy) and the socket held across them */
	unsigned msg_index;
	struct emulate_msg_sock *msg_sock;
};

/* The answer an emulation produced. */
struct emulate_result {
	bool answered; /* the reply was sent (ADDFD with SEND): nothing left to answer */
	/*
	 * Answer CONTINUE: the emulation fixed what the syscall acts on and the kernel's own
	 * semantics make the rest independent of the target's memory (a blocking TCP connect
	 * that the supervisor started: emulate_socket.c).
	 */
	bool cont;
	int32_t error; /* 0 or -errno, the operation's own result */
	int64_t val;
};

/* Whether bouncer emulates this syscall (allow clauses on its pointer arguments are race-free). */
bool emulate_supported(const char *name);

/* Performs the syscall described by ctx (dispatch by name). */
int emulate_syscall(const struct emulate_ctx *ctx, struct emulate_result *res);

/* The open family: open, openat, openat2, creat (emulate_open.c). */
int emulate_open(const struct emulate_ctx *ctx, struct emulate_result *res);

/* connect, bind and sendto on a duplicate of the target's socket (emulate_socket.c). */
int emulate_socket(const struct emulate_ctx *ctx, struct emulate_result *res);

/*
 * sendmsg on a duplicate of the target's socket, with the checked address (or none), the
 * payload and control messages copied from the caller (emulate_sendmsg.c).
 */
int emulate_sendmsg(const struct emulate_ctx *ctx, struct emulate_result *res);

/*
 * The ABIs whose socket calls take the compat layouts (32-bit pointers: struct compat_msghdr,
 * struct compat_mmsghdr); the same list the gather reads with.
 */
bool emulate_msg_compat(uint32_t arch);

/* The fields of a struct msghdr copied from the caller (compat: struct compat_msghdr). */
void emulate_msghdr_parse(const void *raw, bool compat, struct emulate_msghdr *h);

/*
 * Sends one message described by h (copied by the caller, never read again) with the checked
 * address ctx->facts (or none) and flags as the caller's ABI passed them, on the caller's
 * socket: taken into *s on the first message, kept for the next ones (the caller closes it).
 * *payload is the number of payload bytes the message held. The same code sends sendmsg's one
 * message and each of sendmmsg's. Returns as emulate_sendmsg().
 */
int emulate_sendmsg_one(const struct emulate_ctx *ctx, struct emulate_msg_sock *s,
                        const struct emulate_msghdr *h, uint32_t flags, struct emulate_result *res,
                        size_t *payload);

/* Closes what *s holds. */
void emulate_msg_sock_close(struct emulate_msg_sock *s);

/*
 * Message ctx->msg_index of a sendmmsg, sent from the supervisor's copy of the caller's
 * struct mmsghdr array (ctx->buf: the copy its address was decided on) on ctx->msg_sock, then
 * its msg_len written back into the caller's array as the kernel does. *last is set when the
 * kernel would stop after this message (a stream socket took only part of it). Returns as
 * emulate_sendmsg(): res->val is the bytes sent; res->error the message's own error (EFAULT
 * when msg_len could not be written: the kernel does not count that message either).
 * (emulate_sendmmsg.c)
 */
int emulate_sendmmsg_one(const struct emulate_ctx *ctx, struct emulate_result *res, bool *last);

/*
 * The address the supervisor uses for the checked pathname unix socket (ctx->buf->paths[0]):
 * bind creates it through /proc/self/fd/PARENT/NAME; otherwise the socket file is opened
 * O_PATH | O_NOFOLLOW in the checked directory (*hold_fd, to close) and named
 * /proc/self/fd/N. A missing or non-socket file is the operation's own error, in *op_error.
 * Returns 0 or a negative errno (emulate_socket.c).
 */
int emulate_unix_address(const struct emulate_ctx *ctx, bool is_bind, struct sockaddr_un *un,
                         socklen_t *len, int *hold_fd, int32_t *op_error);

/* mkdir, unlink, rename, link, symlink, chmod, chown, mknod, truncate (emulate_path.c). */
int emulate_path(const struct emulate_ctx *ctx, struct emulate_result *res);
bool emulate_path_supported(const char *name);

/* The stat, access and readlink families (emulate_stat.c). */
int emulate_stat(const struct emulate_ctx *ctx, struct emulate_result *res);
bool emulate_stat_supported(const char *name);

/*
 * Writes a syscall's own output into the caller's memory (process_vm_writev, which respects
 * the caller's page protections, as copy_to_user does). The notification is checked just
 * before, so the bytes go to the caller that is waiting. Returns 0, -EFAULT (part of the range
 * is not writable: what the kernel answers), -ENOENT (the caller went away).
 */
int emulate_write_output(const struct emulate_ctx *ctx, uint64_t addr, const void *buf, size_t len);

/*
 * Opens /proc/TID/<what> of the caller with the supervisor's own identity (the caller's
 * entries of a non-dumpable caller are root's), then acts as the caller again. Returns the
 * descriptor (close-on-exec) or a negative errno.
 */
int emulate_open_proc(const struct emulate_ctx *ctx, const char *what, int flags);

/*
 * The supervisor's own accesses to the caller while acting as it (emulate_creds.h): a
 * descriptor of the caller (pidfd_getfd), a write into its memory (process_vm_writev). Each
 * retries once with CAP_SYS_PTRACE raised after EPERM, so a caller whose ids differ from the
 * supervisor's is reached without the emulated operation ever holding that capability.
 * Return and errno as the system calls'.
 */
int emulate_pidfd_getfd(const struct emulate_ctx *ctx, int pidfd, int target_fd);
ssize_t emulate_vm_write(const struct emulate_ctx *ctx, const struct iovec *local,
                         unsigned long n_local, const struct iovec *remote, unsigned long n_remote);

/*
 * The caller's umask, for an emulation that creates a file: ctx->creds's when it has one, else
 * read now from /proc/TID/status (a cached identity has none: identity.h), the notification
 * checked afterwards. Returns 0 or a negative errno (-ENOENT: the caller went away).
 */
int emulate_umask(const struct emulate_ctx *ctx, unsigned *mask);

/*
 * Installs fd (owned by the caller, who closes it) in the target as the syscall's return value,
 * with O_CLOEXEC when cloexec: SECCOMP_ADDFD_FLAG_SEND (Linux 5.14) adds and answers at once;
 * without it, ADDFD then SEND with the new number. Returns 0 (res->answered), or a negative
 * errno (-ENOENT: the target went away).
 */
int emulate_install_fd(const struct emulate_ctx *ctx, int fd, bool cloexec,
                       struct emulate_result *res);

#endif
