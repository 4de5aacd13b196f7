/* SPDX-License-Identifier: MIT */
/* Reading decision logs and other line-oriented inputs, streaming, with line numbers. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prof.h"

#define CHUNK (1u << 20)
/* How many bad lines --skip-bad reports one by one before only counting them. */
#define BAD_REPORTED 10
/* Progress is redrawn every this many lines (a power of two: a mask test per line). */
#define PROGRESS_EVERY (1u << 20)

static int open_input(const char *path, bouncer_error_t *err)
{
	int fd;

	if (strcmp(path, "-") == 0)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bouncer_error_set(err, -errno, "%s: %s", path, strerror(errno));
	return fd;
}

static int handle_line(const char *path, const struct prof_input_opts *opts, prof_line_fn fn,
                       void *ctx, struct prof_input_stats *stats, char *line, size_t len,
                       bouncer_error_t *err)
{
	const char *why = NULL;
	int rc;

	stats->lines++;
	if (len && line[len - 1] == '\r')
		len--;
	if (len == 0)
		return 0;
	if (opts->progress && (stats->lines & (PROGRESS_EVERY - 1)) == 0)
		fprintf(stderr, "\r%s: %llu lines", path, stats->lines);
	rc = fn(ctx, line, len, &why);
	if (rc == -EINVAL) {
		if (!opts->skip_bad)
			return bouncer_error_set(err, -EINVAL, "%s:%llu: %s", path, stats->lines,
			                         why ? why : "malformed line");
		if (stats->bad++ < BAD_REPORTED)
			fprintf(stderr, "bouncer: %s:%llu: %s (skipped)\n", path, stats->lines,
			        why ? why : "malformed line");
		return 0;
	}
	if (rc < 0)
		return bouncer_error_set(err, rc, "%s:%llu: %s", path, stats->lines, strerror(-rc));
	return 0;
}

int prof_input_lines(const char *path, const struct prof_input_opts *opts, prof_line_fn fn,
                     void *ctx, struct prof_input_stats *stats, bouncer_error_t *err)
{
	struct prof_input_opts o = *opts;
	size_t cap = CHUNK, have = 0;
	char *buf;
	int fd, rc = 0;

	o.progress = opts->progress && isatty(2);
	fd = open_input(path, err);
	if (fd < 0)
		return fd;
	buf = malloc(cap + 1);
	if (!buf) {
		rc = bouncer_error_set(err, -ENOMEM, "%s: out of memory", path);
		goto out;
	}
	for (;;) {
		ssize_t n;

		if (have == cap) {
			/* A line longer than the buffer: grow (lines are short; this is rare). */
			char *nb = realloc(buf, cap * 2 + 1);

			if (!nb) {
				rc = bouncer_error_set(err, -ENOMEM, "%s: line too long", path);
				goto out;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + have, cap - have);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = bouncer_error_set(err, -errno, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		size_t scanned = have;
		have += n;
		char *start = buf, *end = buf + have, *nl = buf + scanned;

		while ((nl = memchr(nl, '\n', end - nl))) {
			rc = handle_line(path, &o, fn, ctx, stats, start, nl - start, err);
			if (rc < 0)
				goto out;
			start = nl + 1;
			nl = start;
		}
		have = end - start;
		memmove(buf, start, have);
	}
	if (have)
		rc = handle_line(path, &o, fn, ctx, stats, buf, have, err);
out:
	if (o.progress)
		fprintf(stderr, "\r%s: %llu lines\n", path, stats->lines);
	free(buf);
	if (fd > 0)
		close(fd);
	return rc;
}

int prof_read_all(const char *path, char **out, size_t *len, bouncer_error_t *err)
{
	size_t cap = 65536, have = 0;
	char *buf = malloc(cap + 1);
	int fd = open_input(path, err), rc = 0;

	if (fd < 0) {
		free(buf);
		return fd;
	}
	if (!buf) {
		rc = bouncer_error_set(err, -ENOMEM, "%s: out of memory", path);
		goto out;
	}
	for (;;) {
		ssize_t n;

		if (have == cap) {
			char *nb = realloc(buf, cap * 2 + 1);

			if (!nb) {
				rc = bouncer_error_set(err, -ENOMEM, "%s: out of memory", path);
				goto out;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + have, cap - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = bouncer_error_set(err, -errno, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		have += n;
	}
	buf[have] = 0;
	*out = buf;
	*len = have;
	buf = NULL;
out:
	free(buf);
	if (fd > 0)
		close(fd);
	return rc;
}

FILE *prof_open_output(const char *path, bouncer_error_t *err)
{
	FILE *f;

	if (!path || strcmp(path, "-") == 0)
		return stdout;
	f = fopen(path, "we");
	if (!f)
		bouncer_error_set(err, -errno, "%s: %s", path, strerror(errno));
	return f;
}

int prof_close_output(FILE *f, const char *path, bouncer_error_t *err)
{
	int bad = ferror(f);

	if (f == stdout)
		bad |= fflush(f) != 0;
	else
		bad |= fclose(f) != 0;
	if (bad)
		return bouncer_error_set(err, -EIO, "%s: write failed", path ? path : "stdout");
	return 0;
}
