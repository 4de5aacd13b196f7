/* SPDX-License-Identifier: MIT */
/* Helpers shared by the tests of `bouncer profile` (tests/test_profile_*.c). */
#ifndef BOUNCER_PROFILE_TEST_UTIL_H
#define BOUNCER_PROFILE_TEST_UTIL_H

#include <check.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profile.h"

static char pt_dir_path[64];

static inline void pt_cleanup(void)
{
	char cmd[128];

	if (!getenv("BOUNCER_KEEP_TEST_FILES")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", pt_dir_path);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", pt_dir_path);
	}
}

/* A fresh directory per test (Check runs each test in its own process), removed when the
 * test's process exits unless BOUNCER_KEEP_TEST_FILES is set. */
static inline const char *pt_dir(void)
{
	if (!pt_dir_path[0]) {
		strcpy(pt_dir_path, "/tmp/bouncer-profile-test-XXXXXX");
		ck_assert_ptr_nonnull(mkdtemp(pt_dir_path));
		atexit(pt_cleanup);
	}
	return pt_dir_path;
}

/* Writes text to DIR/name and returns the path (static storage, a few at a time). */
static inline const char *pt_file(const char *name, const char *text)
{
	static char paths[8][256];
	static int next;
	char *path = paths[next++ % 8];
	FILE *f;

	snprintf(path, 256, "%s/%s", pt_dir(), name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

static inline char *pt_read(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/*
 * Runs `bouncer profile ARGS...` in this process with stdout and stderr captured into
 * *out / *err (malloc'd, may be NULL to discard). Returns the exit status.
 */
static inline int pt_run(char **out, char **err, ...)
{
	char *argv[32] = {"profile"};
	int argc = 1, saved_out, saved_err, fd_out, fd_err, rc;
	char out_path[300], err_path[300];
	va_list ap;

	va_start(ap, err);
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	snprintf(out_path, sizeof(out_path), "%s/.stdout", pt_dir());
	snprintf(err_path, sizeof(err_path), "%s/.stderr", pt_dir());
	fflush(stdout);
	fflush(stderr);
	fd_out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	fd_err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	saved_out = dup(1);
	saved_err = dup(2);
	dup2(fd_out, 1);
	dup2(fd_err, 2);
	rc = cmd_profile(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	close(fd_out);
	close(fd_err);
	if (out)
		*out = pt_read(out_path);
	if (err)
		*err = pt_read(err_path);
	return rc;
}

/* One decision record with the given fields (everything else fixed and realistic). */
static inline void pt_record(char *buf, size_t size, const char *ts, const char *exe,
                             const char *arch, const char *syscall, const char *args,
                             const char *action_fields)
{
	snprintf(buf, size,
	         "{\"v\":1,\"ts\":\"%s\",\"run\":\"5f0c3a9e1b2d4c67\",\"seq\":1,\"pid\":42,"
	         "\"tid\":42,\"comm\":\"x\",\"exe\":\"%s\",\"arch\":\"%s\",\"syscall\":\"%s\","
	         "\"nr\":0,\"args\":[%s],%s,\"rule\":{\"index\":null,\"default\":true},"
	         "\"policy\":\"p.json\"}\n",
	         ts, exe, arch, syscall, args, action_fields);
}

#define PT_LEARN "\"action\":\"allow\",\"mode\":\"audit\",\"would\":\"deny\""
#define PT_DENY  "\"action\":\"deny\",\"errno\":{\"name\":\"EPERM\",\"nr\":1},\"mode\":\"enforce\""
#define PT_ARGS0 "\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\""

#endif
