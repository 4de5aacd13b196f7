/* SPDX-License-Identifier: MIT */
/*
 * `bouncer __launch`: everything that can fail is done before the filter is installed (parse,
 * read the program, resolve the command, format messages, build argument vectors), because
 * after the install every syscall may be trapped and reported, and the only ones the workload's
 * record should show are the execve of the command (and _exit if that fails).
 */
#include "launch.h"
#include "bouncer/sandbox.h"
#include "command_resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* Exit statuses, as in supervisor/cli.h (the launcher does not depend on the supervisor). */
#define LAUNCH_EXIT_FAILED         125
#define LAUNCH_EXIT_CANNOT_EXECUTE 126
#define LAUNCH_EXIT_NOT_FOUND      127

/* When the command is a script without "#!" line, execvp runs it with the shell; so do we. */
#define LAUNCH_SHELL "/bin/sh"

extern char **environ;

struct launch_args {
	unsigned seccomp_flags;
	char **command; /* NULL-terminated: COMMAND [ARG...] */
};

static int launch_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int launch_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("bouncer: launcher: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return LAUNCH_EXIT_FAILED;
}

/* argv[0] is the subcommand's name (LAUNCH_SUBCOMMAND), as for every subcommand. */
static int launch_parse(int argc, char **argv, struct launch_args *args)
{
	int i;

	memset(args, 0, sizeof(*args));
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--seccomp-flags") == 0 && i + 1 < argc) {
			const char *value = argv[++i];
			unsigned long flags;
			char *end;

			errno = 0;
			flags = strtoul(value, &end, 10);
			if (errno || end == value || *end || value[0] == '-' || flags > UINT_MAX)
				return -launch_fail("--seccomp-flags: not a decimal number: \"%s\"",
				                    value);
			args->seccomp_flags = (unsigned)flags;
		} else {
			return -launch_fail(
			        "unexpected argument \"%s\" (usage: %s [--seccomp-flags "
			        "N] -- COMMAND [ARG...])",
			        argv[i], LAUNCH_SUBCOMMAND);
		}
	}
	if (i + 1 >= argc)
		return -launch_fail("no command (usage: %s [--seccomp-flags N] -- COMMAND "
		                    "[ARG...])",
		                    LAUNCH_SUBCOMMAND);
	args->command = argv + i + 1;
	return 0;
}

/* Reads the raw struct sock_filter[] from fd until EOF, and closes fd. */
static int launch_read_program(int fd, struct sock_fprog *prog)
{
	size_t max = BPF_MAXINSNS * sizeof(struct sock_filter);
	/* One byte more than the largest program, to tell "too long" from "just fits". */
	char *buf = malloc(max + 1);
	size_t len = 0;
	int rc = 0;

	if (!buf) {
		close(fd);
		return -launch_fail("reading the BPF program: %s", strerror(ENOMEM));
	}
	while (len <= max) {
		ssize_t n = read(fd, buf + len, max + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -launch_fail("reading the BPF program from fd %d: %s", fd,
			                  strerror(errno));
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (rc == 0 && len > max)
		rc = -launch_fail("the BPF program is longer than %d instructions", BPF_MAXINSNS);
	else if (rc == 0 && (len == 0 || len % sizeof(struct sock_filter)))
		rc = -launch_fail("the BPF program is %zu bytes: not a whole number (1 to %d) of "
		                  "%zu-byte instructions",
		                  len, BPF_MAXINSNS, sizeof(struct sock_filter));
	if (rc < 0) {
		free(buf);
		return rc;
	}
	prog->len = (unsigned short)(len / sizeof(struct sock_filter));
	prog->filter = (struct sock_filter *)buf;
	return 0;
}

/* Maps command_resolve()'s error to the exit status and message of a shell. */
static int launch_resolve_failed(const char *command, int rc)
{
	if (rc == -ENOENT) {
		fprintf(stderr, "bouncer: %s: command not found\n", command);
		return LAUNCH_EXIT_NOT_FOUND;
	}
	if (rc == -ENOMEM)
		return launch_fail("resolving %s: %s", command, strerror(ENOMEM));
	fprintf(stderr, "bouncer: %s: %s\n", command, strerror(-rc));
	return LAUNCH_EXIT_CANNOT_EXECUTE;
}

/* LAUNCH_SHELL resolved COMMAND-ARGS...: the argument vector of the ENOEXEC fallback. */
static char **launch_shell_argv(const char *resolved, char **command)
{
	size_t n = 0;
	char **argv;

	while (command[n])
		n++;
	/* "/bin/sh", resolved, command[1..n-1], NULL */
	argv = calloc(n + 2, sizeof(*argv));
	if (!argv)
		return NULL;
	argv[0] = (char *)LAUNCH_SHELL;
	argv[1] = (char *)resolved;
	memcpy(argv + 2, command + 1, (n - 1) * sizeof(*argv));
	return argv;
}

/*
 * After the install: exec, or report why not with a single write (the supervisor holds the
 * listener by now, so a trapped write is answered, not a deadlock) and _exit.
 * message is preformatted "bouncer: COMMAND: " with room for the reason.
 */
static void __attribute__((noreturn))
launch_exec(const char *resolved, char **command, char **shell_argv, char *message, size_t room)
{
	size_t len = strlen(message);
	const char *reason;
	int err;

	execve(resolved, command, environ);
	err = errno;
	if (err == ENOEXEC) {
		execve(LAUNCH_SHELL, shell_argv, environ);
		err = errno;
	}
	/* strerrordesc_np, unlike strerror, never loads a translation (no syscall). */
	reason = strerrordesc_np(err);
	if (!reason)
		reason = "cannot execute";
	if (len + strlen(reason) + 1 < room) {
		memcpy(message + len, reason, strlen(reason));
		len += strlen(reason);
		message[len++] = '\n';
		if (write(STDERR_FILENO, message, len) < 0) {
			/* Nothing left to tell it with. */
		}
	}
	_exit(err == ENOENT ? LAUNCH_EXIT_NOT_FOUND : LAUNCH_EXIT_CANNOT_EXECUTE);
}

int launch_main(int argc, char **argv)
{
	struct bouncer_sandbox_report report;
	struct launch_args args;
	struct sock_fprog prog;
	struct stat st;
	char *resolved, *message;
	char **shell_argv;
	size_t room;
	int rc;

	/* uv_spawn ran /proc/self/exe, so comm would read "exe" in the first records. */
	prctl(PR_SET_NAME, "bouncer-launch", 0, 0, 0);
	if (launch_parse(argc, argv, &args) < 0) {
		close(LAUNCH_FD_PROG);
		return LAUNCH_EXIT_FAILED;
	}
	if (launch_read_program(LAUNCH_FD_PROG, &prog) < 0)
		return LAUNCH_EXIT_FAILED;
	/*
	 * Checked now: a send failure after the install could not even be reported. And the
	 * workload must never hold the supervisor's socket.
	 */
	if (fstat(LAUNCH_FD_SOCKET, &st) < 0 || !S_ISSOCK(st.st_mode))
		return launch_fail("fd %d is not the supervisor's socket", LAUNCH_FD_SOCKET);
	if (fcntl(LAUNCH_FD_SOCKET, F_SETFD, FD_CLOEXEC) < 0)
		return launch_fail("supervisor socket (fd %d): %s", LAUNCH_FD_SOCKET,
		                   strerror(errno));

	rc = command_resolve(args.command[0], getenv("PATH"), &resolved);
	if (rc < 0)
		return launch_resolve_failed(args.command[0], rc);

	shell_argv = launch_shell_argv(resolved, args.command);
	room = strlen(args.command[0]) + 128;
	message = malloc(room);
	if (!shell_argv || !message)
		return launch_fail("%s", strerror(ENOMEM));
	snprintf(message, room, "bouncer: %s: ", args.command[0]);

	rc = bouncer_sandbox_enter(&prog, args.seccomp_flags, LAUNCH_FD_SOCKET, "", &report);
	if (rc < 0 && !report.installed)
		return launch_fail("installing the seccomp filter: %s", strerror(-rc));
	if (rc < 0) {
		/*
		 * Filtered, but the supervisor did not get the listener: nobody would answer, so
		 * leave without another syscall. The supervisor sees EOF without a listener.
		 */
		_exit(LAUNCH_EXIT_FAILED);
	}
	launch_exec(resolved, args.command, shell_argv, message, room);
}
