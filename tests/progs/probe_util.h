/* SPDX-License-Identifier: MIT */
/*
 * Output helpers shared by the test programs that run under bouncer.
 *
 * Every line a probe prints is built in memory and written with one write(2), so lines from
 * several threads or processes sharing a pipe never interleave (a write of up to PIPE_BUF
 * bytes to a pipe is atomic), and nothing sits in a stdio buffer when a probe dies of a signal.
 */
#ifndef PROBE_UTIL_H
#define PROBE_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Where say() writes; a probe may switch it to stderr (sysprobe's "to-stderr"). */
static int probe_out_fd = STDOUT_FILENO;

__attribute__((format(printf, 1, 2))) static inline void say(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* A short write to a pipe cannot happen below PIPE_BUF; EINTR is retried. */
	while (write(probe_out_fd, line, n) < 0 && errno == EINTR)
		;
}

/* "EACCES" for 13; never NULL. */
static inline const char *errno_name(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "E?";
}

/* Prints "LABEL: VALUE" or "LABEL: -1 ENAME" for a raw syscall return value. */
static inline void say_result(const char *label, long ret, int err)
{
	if (ret < 0)
		say("%s: -1 %s", label, errno_name(err));
	else
		say("%s: %ld", label, ret);
}

__attribute__((noreturn, format(printf, 1, 2))) static inline void die(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	probe_out_fd = STDERR_FILENO;
	say("probe error: %s (%s)", msg, errno_name(errno));
	exit(99);
}

/* Field N (1-based, as in proc(5)) of /proc/self/stat, read without stdio buffering games. */
static inline long self_stat_field(int field)
{
	char buf[1024], *p;
	ssize_t n;
	int fd, i;

	fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("open /proc/self/stat");
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		die("read /proc/self/stat");
	buf[n] = '\0';
	/* comm may contain spaces and parentheses: fields after it start after the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		die("parse /proc/self/stat");
	p += 2; /* field 3 */
	for (i = 3; i < field; i++) {
		p = strchr(p, ' ');
		if (!p)
			die("parse /proc/self/stat");
		p++;
	}
	return strtol(p, NULL, 10);
}

#endif
