/* SPDX-License-Identifier: MIT */
#include "workload.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "launch.h"

static const int forwarded_signals[] = {SIGINT, SIGTERM, SIGQUIT, SIGHUP};

static void maybe_done(struct workload *w)
{
	if (w->exited && !w->handoff_open && w->on_exit != NULL) {
		void (*cb)(struct workload *) = w->on_exit;

		w->on_exit = NULL;
		cb(w);
	}
}

static void on_process_closed(uv_handle_t *handle)
{
	(void)handle;
}

static void on_process_exit(uv_process_t *process, int64_t exit_status, int term_signal)
{
	struct workload *w = process->data;

	w->exited = true;
	w->exit_status = exit_status;
	w->term_signal = term_signal;
	uv_close((uv_handle_t *)process, on_process_closed);
	maybe_done(w);
}

static void on_handoff_closed(uv_handle_t *handle)
{
	struct workload *w = handle->data;

	close(w->handoff_fd);
	w->handoff_fd = -1;
	w->handoff_open = false;
	maybe_done(w);
}

static void close_handoff(struct workload *w)
{
	if (!uv_is_closing((uv_handle_t *)&w->handoff)) {
		uv_poll_stop(&w->handoff);
		uv_close((uv_handle_t *)&w->handoff, on_handoff_closed);
	}
}

/*
 * The launcher sends one OCI ContainerProcessState JSON with the listener as SCM_RIGHTS. Only
 * the fd matters here (the pid is ours already); the message is read so that the stream is
 * drained.
 */
static void on_handoff(uv_poll_t *poll, int status, int events)
{
	struct workload *w = poll->data;
	char data[4096];
	union {
		char buf[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} control;
	struct iovec iov = {data, sizeof(data)};
	struct msghdr msg = {0};
	struct cmsghdr *cmsg;
	ssize_t n;

	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control.buf;
	msg.msg_controllen = sizeof(control.buf);
	n = recvmsg(w->handoff_fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	for (cmsg = CMSG_FIRSTHDR(&msg); n > 0 && cmsg != NULL; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS) {
			size_t count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			int fds[4];

			memcpy(fds, CMSG_DATA(cmsg), count * sizeof(int));
			for (size_t i = 0; i < count; i++) {
				if (i == 0 && !w->listener_received) {
					int rc = supervisor_add_listener(w->sup, fds[0]);

					if (rc < 0)
						fprintf(stderr,
						        "bouncer: cannot watch the listener: %s\n",
						        uv_strerror(rc));
					w->listener_received = true;
				} else {
					close(fds[i]);
				}
			}
		}
	}
	/* One message per launcher; EOF without it means the launcher failed (it said why). */
	if (n <= 0 || w->listener_received)
		close_handoff(w);
}

static int write_prog(const struct sock_fprog *prog, bouncer_error_t *err)
{
	size_t len = (size_t)prog->len * sizeof(struct sock_filter);
	int fd = memfd_create("bouncer-filter", MFD_CLOEXEC);

	if (fd < 0)
		return bouncer_error_set(err, -errno, "memfd_create: %s", strerror(errno));
	if (write(fd, prog->filter, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) != 0) {
		int e = errno ? errno : EIO;

		close(fd);
		return bouncer_error_set(err, -e, "writing the filter: %s", strerror(e));
	}
	return fd;
}

static void on_signal(uv_signal_t *handle, int signum)
{
	struct workload *w = handle->data;

	if (w->exited)
		return;
	if (signum == SIGHUP) {
		/* SIGHUP re-reads the policy (live review, reload.h); it is not forwarded. */
		if (w->on_hup != NULL)
			w->on_hup(w);
		else
			fprintf(stderr, "bouncer: SIGHUP: no policy reload in this run; ignored\n");
		return;
	}
	uv_process_kill(&w->process, signum);
}

int workload_start(struct workload *w, struct supervisor *sup, const struct sock_fprog *prog,
                   unsigned seccomp_flags, char *const argv[], bouncer_error_t *err)
{
	uv_process_options_t options;
	uv_stdio_container_t stdio[5];
	char flags_arg[32];
	char **args;
	size_t argc = 0;
	int sv[2], prog_fd, rc;

	memset(w, 0, sizeof(*w));
	w->sup = sup;
	w->handoff_fd = -1;
	while (argv[argc] != NULL)
		argc++;

	prog_fd = write_prog(prog, err);
	if (prog_fd < 0)
		return prog_fd;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		close(prog_fd);
		return bouncer_error_set(err, -errno, "socketpair: %s", strerror(errno));
	}

	args = calloc(argc + 6, sizeof(*args));
	if (args == NULL) {
		close(prog_fd);
		close(sv[0]);
		close(sv[1]);
		return bouncer_error_set(err, -ENOMEM, "out of memory");
	}
	snprintf(flags_arg, sizeof(flags_arg), "%u", seccomp_flags);
	args[0] = "bouncer";
	args[1] = LAUNCH_SUBCOMMAND;
	args[2] = "--seccomp-flags";
	args[3] = flags_arg;
	args[4] = "--";
	for (size_t i = 0; i < argc; i++)
		args[5 + i] = argv[i];

	memset(stdio, 0, sizeof(stdio));
	for (int i = 0; i < 3; i++) {
		stdio[i].flags = UV_INHERIT_FD;
		stdio[i].data.fd = i;
	}
	stdio[LAUNCH_FD_SOCKET].flags = UV_INHERIT_FD;
	stdio[LAUNCH_FD_SOCKET].data.fd = sv[1];
	stdio[LAUNCH_FD_PROG].flags = UV_INHERIT_FD;
	stdio[LAUNCH_FD_PROG].data.fd = prog_fd;

	memset(&options, 0, sizeof(options));
	/* Re-execute ourselves: the launcher is this binary, whatever its path. */
	options.file = "/proc/self/exe";
	options.args = args;
	options.exit_cb = on_process_exit;
	options.stdio = stdio;
	options.stdio_count = 5;
	w->process.data = w;
	rc = uv_spawn(sup->loop, &w->process, &options);
	free(args);
	close(sv[1]);
	close(prog_fd);
	if (rc < 0) {
		close(sv[0]);
		return bouncer_error_set(err, rc, "cannot start the launcher: %s", uv_strerror(rc));
	}

	w->handoff_fd = sv[0];
	w->handoff.data = w;
	uv_poll_init(sup->loop, &w->handoff, sv[0]);
	uv_poll_start(&w->handoff, UV_READABLE | UV_DISCONNECT, on_handoff);
	w->handoff_open = true;

	for (size_t i = 0; i < 4; i++) {
		uv_signal_init(sup->loop, &w->signals[i]);
		w->signals[i].data = w;
		uv_signal_start(&w->signals[i], on_signal, forwarded_signals[i]);
	}
	w->signals_open = true;
	return 0;
}

void workload_close(struct workload *w)
{
	if (!w->signals_open)
		return;
	for (size_t i = 0; i < 4; i++)
		uv_close((uv_handle_t *)&w->signals[i], NULL);
	w->signals_open = false;
}

int workload_exit_code(const struct workload *w)
{
	if (w->term_signal > 0)
		return EXIT_SIGNAL_BASE + w->term_signal;
	return (int)w->exit_status;
}
