/* SPDX-License-Identifier: MIT */
/*
 * libbouncer-sandbox: install a filter with a listener and hand the listener to a supervisor.
 *
 * The hand-off protocol (struct handoff) between the calling thread, which installs the filter,
 * and a helper thread, which sends the listener:
 *
 *	caller				helper (created before the filter, not under it,
 *					all signals blocked, on another CPU if possible)
 *	predict the listener's fd number
 *	create helper (detached)
 *	install filter
 *	store listener, WAITING→PUBLISHED	poll state (and the predicted fd) with short sleeps
 *	spin (pause, no syscall)		PUBLISHED: sendmsg(SCM_RIGHTS), close(listener),
 *					store result, →DONE, exit
 *	DONE: return result
 *
 * A signal handler may run on the caller between the install and the publish, and a trapped
 * syscall in it waits for a supervisor that can only get the listener once the caller has
 * published: a deadlock. So the helper does not only wait to be told: the kernel installs the
 * listener in the fd table before seccomp() returns, at the lowest free number, which the
 * caller predicted. When the helper finds a listener there (SECCOMP_IOCTL_NOTIF_ID_VALID
 * answers) it takes it, WAITING→TAKEN, and sends it; the caller's publish then fails and it
 * just waits for DONE.
 *
 * Failure paths:
 *	install fails:   caller WAITING→ABORTED, waits (unfiltered, may sleep) for RELEASED.
 *	helper timeout:  helper WAITING→ABANDONED and exits; if the caller's install then succeeds
 *			 it finds ABANDONED and returns -ETIMEDOUT with report->installed set.
 * Each side's last access to the struct is one atomic store or compare-exchange, so the struct
 * lives on the caller's stack and nobody joins the helper: pthread_join after the install would
 * need futex, which the filter may trap while nobody can answer yet.
 */
#include "bouncer/sandbox.h"
#include "oci_state.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* Newer than some build hosts' kernel headers; the values are kernel ABI. */
#ifndef SECCOMP_FILTER_FLAG_TSYNC
#define SECCOMP_FILTER_FLAG_TSYNC (1UL << 0)
#endif
#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3) /* Linux 5.0 */
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5) /* Linux 5.19 */
#endif

/*
 * How long the helper waits for the caller to publish the listener, and how long it tries to
 * send it. The caller publishes within two syscalls of creating the helper, so the first bound
 * only matters if the calling thread left bouncer_sandbox_enter() abnormally; the second if
 * the supervisor stopped reading its socket.
 */
#define HANDOFF_WAIT_NS         (10LL * 1000 * 1000 * 1000)
#define HANDOFF_SEND_TIMEOUT_MS 10000
/*
 * The helper polls every HANDOFF_NAP_MIN_NS during the first HANDOFF_FAST_POLL_NS (the caller
 * normally publishes within a hundred microseconds and spins meanwhile), then backs off to
 * HANDOFF_NAP_MAX_NS.
 */
#define HANDOFF_NAP_MIN_NS   (10 * 1000)
#define HANDOFF_NAP_MAX_NS   (1000 * 1000)
#define HANDOFF_FAST_POLL_NS (50LL * 1000 * 1000)

enum handoff_state {
	HANDOFF_WAITING,   /* helper running, caller installing */
	HANDOFF_PUBLISHED, /* caller: listener is set, I spin until DONE */
	HANDOFF_DONE,      /* helper: sent (or failed: result), closed the listener, gone */
	HANDOFF_ABORTED,   /* caller: the install failed, no listener will come */
	HANDOFF_RELEASED,  /* helper: acknowledged ABORTED, gone */
	HANDOFF_ABANDONED, /* helper: waited too long, gone */
	HANDOFF_TAKEN,     /* helper: found the listener at the predicted fd, sending it */
};

struct handoff {
	atomic_int state;
	int sock;            /* the supervisor's socket (the caller keeps it) */
	const char *message; /* OCI ContainerProcessState, formatted before the install */
	size_t message_len;
	int predicted; /* the fd number the listener will get, -1 if unknown */
	int listener;  /* set by the caller before PUBLISHED */
	int result;    /* set by the helper before DONE: 0 or -errno */
};

static long seccomp_set_mode_filter(unsigned long flags, const struct sock_fprog *prog)
{
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, prog);
}

int bouncer_sandbox_install(const struct sock_fprog *prog, unsigned extra_flags,
                            struct bouncer_sandbox_report *report)
{
	struct bouncer_sandbox_report unused;
	unsigned flags = SECCOMP_FILTER_FLAG_NEW_LISTENER | extra_flags;
	bool probe_killable = !(extra_flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
	long fd;

	if (!report)
		report = &unused;
	memset(report, 0, sizeof(*report));
	report->flags_requested = flags | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	if (!prog)
		return -EINVAL;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;

	fd = seccomp_set_mode_filter(flags | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, prog);
	if (fd < 0 && errno == EINVAL && probe_killable) {
		/*
		 * Kernels before 5.19 reject the unknown flag with EINVAL. An invalid program is
		 * EINVAL too: the retry then fails the same way, and that is what we return.
		 */
		fd = seccomp_set_mode_filter(flags, prog);
	} else {
		flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	}
	if (fd < 0)
		return -errno;

	report->flags_used = flags;
	report->wait_killable_recv = flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	report->installed = true;
	return (int)fd;
}

/* Tells the CPU we are in a spin-wait loop; the filtered thread may not use any syscall. */
static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	atomic_signal_fence(memory_order_seq_cst);
#endif
}

static void nap(long ns)
{
	struct timespec ts = {.tv_sec = 0, .tv_nsec = ns};

	nanosleep(&ts, NULL);
}

static long long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * Sends the message with the listener attached to its first byte. The socket may be
 * non-blocking, and a stream socket may take the message in several pieces.
 */
static int handoff_send(int sock, int listener, const char *message, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *cmsg;
	size_t sent = 0;
	long long deadline = monotonic_ms() + HANDOFF_SEND_TIMEOUT_MS;

	memset(&control, 0, sizeof(control));
	msg.msg_control = control.buf;
	msg.msg_controllen = sizeof(control.buf);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &listener, sizeof(int));

	while (sent < len) {
		ssize_t n;

		iov.iov_base = (char *)message + sent;
		iov.iov_len = len - sent;
		n = sendmsg(sock, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			struct pollfd pfd = {.fd = sock, .events = POLLOUT};

			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -errno;
			if (monotonic_ms() >= deadline)
				return -ETIMEDOUT;
			poll(&pfd, 1, 100);
			continue;
		}
		sent += (size_t)n;
		/* The listener went with the first piece. */
		msg.msg_control = NULL;
		msg.msg_controllen = 0;
	}
	return 0;
}

/*
 * Is fd a seccomp listener? Only a listener knows this ioctl; an unknown id is ENOENT. (Kernels
 * before 5.7 only know the ioctl under its first, wrongly encoded number: there this says no
 * and the caller's publish is the only way, as without a prediction.)
 */
static bool handoff_is_listener(int fd)
{
	__u64 id = 0;

	if (fd < 0)
		return false;
	return ioctl(fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0 || errno == ENOENT;
}

/* Sends the listener, closes it here, reports: the helper's last act. */
static void handoff_finish(struct handoff *h, int listener)
{
	int result = handoff_send(h->sock, listener, h->message, h->message_len);

	/*
	 * Close the listener even if the send failed: with no listener left, the filter fails
	 * trapped syscalls with ENOSYS instead of blocking them, so the caller can still give up
	 * and exit.
	 */
	close(listener);
	h->result = result;
	atomic_store_explicit(&h->state, HANDOFF_DONE, memory_order_release);
}

static void *handoff_helper(void *arg)
{
	struct handoff *h = arg;
	long long waited_ns = 0;
	long nap_ns = HANDOFF_NAP_MIN_NS;

	/*
	 * The default timer slack (50 us) would stretch every short nap to about 60 us, and the
	 * caller spins for as long as this thread naps. (Per thread: the caller keeps its own.)
	 */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	for (;;) {
		int state = atomic_load_explicit(&h->state, memory_order_acquire);

		if (state == HANDOFF_PUBLISHED) {
			handoff_finish(h, h->listener);
			return NULL;
		}
		if (state == HANDOFF_ABORTED) {
			atomic_store_explicit(&h->state, HANDOFF_RELEASED, memory_order_release);
			return NULL;
		}
		if (state == HANDOFF_WAITING && handoff_is_listener(h->predicted)) {
			/* On failure the caller has just published or aborted: handle that. */
			if (atomic_compare_exchange_strong_explicit(
			            &h->state, &state, HANDOFF_TAKEN, memory_order_acq_rel,
			            memory_order_acquire)) {
				handoff_finish(h, h->predicted);
				return NULL;
			}
			continue;
		}
		if (waited_ns >= HANDOFF_WAIT_NS) {
			/* On failure the caller has just published or aborted: handle that. */
			if (atomic_compare_exchange_strong_explicit(
			            &h->state, &state, HANDOFF_ABANDONED, memory_order_acq_rel,
			            memory_order_acquire))
				return NULL;
			continue;
		}
		/*
		 * Count the naps we asked for, not the clock: a stopped process (SIGSTOP) should
		 * not make the helper give up.
		 */
		nap(nap_ns);
		waited_ns += nap_ns;
		if (waited_ns >= HANDOFF_FAST_POLL_NS && nap_ns < HANDOFF_NAP_MAX_NS)
			nap_ns *= 2;
	}
}

/*
 * Keeps the helper off the caller's current CPU when there is another one to use. The caller
 * spins without a syscall, so it only leaves its CPU when its time slice ends: a helper woken
 * on the same CPU waits for that (measured here under load: about 3 ms, against about 40 us
 * on another CPU). Best effort: the scheduler may still move either thread.
 */
static void handoff_avoid_this_cpu(pthread_attr_t *attr)
{
	cpu_set_t allowed;
	int here = sched_getcpu();

	if (here < 0 || sched_getaffinity(0, sizeof(allowed), &allowed) < 0)
		return;
	if (!CPU_ISSET(here, &allowed) || CPU_COUNT(&allowed) < 2)
		return;
	CPU_CLR(here, &allowed);
	pthread_attr_setaffinity_np(attr, sizeof(allowed), &allowed);
}

static int handoff_create(struct handoff *h, bool avoid_this_cpu)
{
	pthread_attr_t attr;
	pthread_t thread;
	sigset_t all, old;
	int rc;

	rc = pthread_attr_init(&attr);
	if (rc)
		return rc;
	rc = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (rc == 0 && avoid_this_cpu)
		handoff_avoid_this_cpu(&attr);
	if (rc == 0) {
		/*
		 * The helper inherits a mask blocking every signal: a process-directed signal
		 * must not run the program's handler on this thread, which is not under the
		 * filter.
		 */
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		rc = pthread_create(&thread, &attr, handoff_helper, h);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	pthread_attr_destroy(&attr);
	return rc;
}

static int handoff_start(struct handoff *h)
{
	int rc = handoff_create(h, true);

	/* The affinity is an optimisation: a cpuset change in between must not fail the call. */
	if (rc == EINVAL)
		rc = handoff_create(h, false);
	return -rc;
}

/* The install failed (nothing is filtered): make sure the helper is gone before returning. */
static void handoff_abort(struct handoff *h)
{
	int state = HANDOFF_WAITING;

	if (atomic_compare_exchange_strong_explicit(&h->state, &state, HANDOFF_ABORTED,
	                                            memory_order_acq_rel, memory_order_acquire)) {
		while (atomic_load_explicit(&h->state, memory_order_acquire) != HANDOFF_RELEASED)
			nap(HANDOFF_NAP_MIN_NS);
		return;
	}
	/*
	 * ABANDONED: the helper has left. TAKEN: another thread put a listener of its own at the
	 * predicted number, and the helper is handing that over; it still uses *h until DONE.
	 */
	while (state == HANDOFF_TAKEN) {
		nap(HANDOFF_NAP_MIN_NS);
		state = atomic_load_explicit(&h->state, memory_order_acquire);
	}
}

int bouncer_sandbox_enter(const struct sock_fprog *prog, unsigned extra_flags, int supervisor_sock,
                          const char *metadata, struct bouncer_sandbox_report *report)
{
	struct bouncer_sandbox_report unused;
	struct handoff h = {.sock = supervisor_sock, .predicted = -1, .listener = -1};
	int expected = HANDOFF_WAITING;
	char *message;
	int len, listener, rc;

	if (!report)
		report = &unused;
	memset(report, 0, sizeof(*report));
	/* With TSYNC the helper would be under the filter too, and could deadlock sending. */
	if (!prog || supervisor_sock < 0 || (extra_flags & SECCOMP_FILTER_FLAG_TSYNC))
		return -EINVAL;

	/* Everything that allocates or makes a syscall happens before the install. */
	len = oci_state_format(getpid(), metadata ? metadata : "", &message);
	if (len < 0)
		return len;
	h.message = message;
	h.message_len = (size_t)len;
	/*
	 * The lowest free fd number: where the kernel will put the listener, unless another
	 * thread takes that number first (then only the caller's publish finds the listener).
	 */
	h.predicted = fcntl(supervisor_sock, F_DUPFD_CLOEXEC, 0);
	if (h.predicted >= 0)
		close(h.predicted);
	atomic_init(&h.state, HANDOFF_WAITING);
	rc = handoff_start(&h);
	if (rc < 0) {
		free(message);
		return rc;
	}

	listener = bouncer_sandbox_install(prog, extra_flags, report);
	if (listener < 0) {
		handoff_abort(&h);
		free(message);
		return listener;
	}

	/*
	 * The filter is in force: from here until DONE this thread makes no syscall (nor calls
	 * anything that might). A trapped one would only wait for the supervisor (the helper does
	 * not depend on this thread), but what the policy does with any syscall is not ours to
	 * know: it may kill the process in the kernel, and a supervisor would record it as the
	 * workload's. Signal handlers may run meanwhile: their syscalls are the program's own.
	 */
	h.listener = listener;
	if (!atomic_compare_exchange_strong_explicit(&h.state, &expected, HANDOFF_PUBLISHED,
	                                             memory_order_acq_rel, memory_order_acquire) &&
	    expected == HANDOFF_ABANDONED) {
		/*
		 * ABANDONED: the helper is gone and this thread cannot send or even close the
		 * listener safely. The caller must give up (report->installed is set). The message
		 * is leaked: freeing it might need a syscall.
		 */
		return -ETIMEDOUT;
	}
	/* PUBLISHED, or TAKEN by the helper while a signal handler held this thread up. */
	while (atomic_load_explicit(&h.state, memory_order_acquire) != HANDOFF_DONE)
		cpu_relax();

	/* The supervisor has the listener (or it is closed): syscalls are answered again. */
	free(message);
	return h.result;
}

int bouncer_sandbox_connect(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	size_t len;

	if (!path || !*path)
		return -EINVAL;
	len = strlen(path);
	if (len >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	memcpy(addr.sun_path, path, len + 1);

	for (;;) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int err;

		if (fd < 0)
			return -errno;
		if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
			return fd;
		err = errno;
		close(fd);
		/*
		 * An interrupted AF_UNIX connect has not connected (it was waiting for room in the
		 * listen backlog): a fresh socket and a fresh connect are the clean retry.
		 */
		if (err != EINTR)
			return -err;
	}
}
