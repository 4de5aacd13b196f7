/* SPDX-License-Identifier: MIT */
/*
 * log_writer with a real libuv loop and real files: everything committed reaches the file,
 * whole, once, in order, however the commits and the loop's turns interleave; appending keeps
 * what was there; "-" is standard output; the flush timer writes a lone record without close.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>
#include <uv.h>

#include "log_writer.h"

/* More than 30 buffers of LOG_BUFFER_SIZE with the line lengths below. */
#define MANY_LINES   200000
#define LINE_MAX_LEN 400

static uv_loop_t loop;
static struct log_writer writer;
static char dir[64];
static char path[128];
static int closed_calls;

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/bouncer-log-writer.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/decisions.jsonl", dir);
	ck_assert_int_eq(uv_loop_init(&loop), 0);
	closed_calls = 0;
}

static void teardown(void)
{
	unlink(path);
	rmdir(dir);
}

/* Line i: its number, then 0..299 filler bytes, then '\n' (lengths vary, none repeats soon). */
static size_t make_line(uint64_t i, char *out)
{
	int n = snprintf(out, LINE_MAX_LEN, "{\"seq\":%llu,\"x\":\"", (unsigned long long)i);
	size_t pad = (size_t)((i * 7919) % 300);

	memset(out + n, 'a' + (int)(i % 26), pad);
	memcpy(out + (size_t)n + pad, "\"}\n", 3);
	return (size_t)n + pad + 3;
}

static void put_line(uint64_t i)
{
	char *p = log_writer_reserve(&writer, LINE_MAX_LEN);

	ck_assert_ptr_nonnull(p);
	log_writer_commit(&writer, make_line(i, p));
}

static void on_closed(struct log_writer *w)
{
	ck_assert_ptr_eq(w, &writer);
	closed_calls++;
}

/* Closes the writer, runs the loop until it said so, and checks the loop is left empty. */
static void close_and_drain(void)
{
	log_writer_close(&writer, on_closed);
	ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
	ck_assert_int_eq(closed_calls, 1);
	log_writer_release(&writer);
	/* No handle or request of the writer is left behind. */
	ck_assert_int_eq(uv_loop_close(&loop), 0);
}

static char *read_file(const char *name, size_t *len)
{
	struct stat st;
	char *data;
	int fd = open(name, O_RDONLY | O_CLOEXEC);
	size_t got = 0;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	data = malloc((size_t)st.st_size + 1);
	ck_assert_ptr_nonnull(data);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)st.st_size - got);

		ck_assert_int_gt(n, 0);
		got += (size_t)n;
	}
	close(fd);
	data[got] = '\0';
	*len = got;
	return data;
}

/* data[from..] must be exactly lines first..first+count-1, and nothing else. */
static void assert_lines(const char *data, size_t len, size_t from, uint64_t first, uint64_t count)
{
	char want[LINE_MAX_LEN];
	size_t pos = from;

	for (uint64_t i = first; i < first + count; i++) {
		size_t n = make_line(i, want);

		if (pos + n > len || memcmp(data + pos, want, n) != 0)
			ck_abort_msg("line %llu (byte %zu of %zu) is not what was committed",
			             (unsigned long long)i, pos, len);
		pos += n;
	}
	ck_assert_uint_eq(pos, len);
}

static size_t lines_size(uint64_t first, uint64_t count)
{
	char tmp[LINE_MAX_LEN];
	size_t total = 0;

	for (uint64_t i = first; i < first + count; i++)
		total += make_line(i, tmp);
	return total;
}

START_TEST(test_many_in_one_go)
{
	bouncer_error_t err = {0};
	size_t len;
	char *data;

	ck_assert_int_eq(log_writer_open(&writer, &loop, path, &err), 0);
	/* All committed before the loop runs once: the writer must queue, not drop. */
	for (uint64_t i = 0; i < MANY_LINES; i++)
		put_line(i);
	ck_assert_uint_gt(lines_size(0, MANY_LINES), 30 * (size_t)LOG_BUFFER_SIZE);
	close_and_drain();
	ck_assert_int_eq(writer.error, 0);
	ck_assert_uint_eq(writer.records, MANY_LINES);
	data = read_file(path, &len);
	ck_assert_uint_eq(writer.bytes, len);
	assert_lines(data, len, 0, 0, MANY_LINES);
	free(data);
}
END_TEST

START_TEST(test_many_in_bursts)
{
	bouncer_error_t err = {0};
	uint64_t i = 0;
	unsigned burst = 1;
	size_t len;
	char *data;

	ck_assert_int_eq(log_writer_open(&writer, &loop, path, &err), 0);
	/* Bursts of 1, 2, 3, ... lines up to 1000, the loop turning (not waiting) in between. */
	while (i < MANY_LINES) {
		for (unsigned k = 0; k < burst && i < MANY_LINES; k++)
			put_line(i++);
		uv_run(&loop, UV_RUN_NOWAIT);
		burst = burst % 1000 + 1;
	}
	close_and_drain();
	ck_assert_int_eq(writer.error, 0);
	ck_assert_uint_eq(writer.records, MANY_LINES);
	data = read_file(path, &len);
	assert_lines(data, len, 0, 0, MANY_LINES);
	free(data);
}
END_TEST

/* -o FILE appends: several runs may share a file. */
START_TEST(test_appends)
{
	static const char before[] = "{\"earlier\":\"run\"}\n";
	bouncer_error_t err = {0};
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t len;
	char *data;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, before, sizeof(before) - 1), (ssize_t)sizeof(before) - 1);
	close(fd);

	ck_assert_int_eq(log_writer_open(&writer, &loop, path, &err), 0);
	for (uint64_t i = 0; i < 5000; i++)
		put_line(i);
	close_and_drain();

	/* A second run on the same file, in a new loop. */
	ck_assert_int_eq(uv_loop_init(&loop), 0);
	closed_calls = 0;
	ck_assert_int_eq(log_writer_open(&writer, &loop, path, &err), 0);
	for (uint64_t i = 5000; i < 6000; i++)
		put_line(i);
	close_and_drain();

	data = read_file(path, &len);
	ck_assert(memcmp(data, before, sizeof(before) - 1) == 0);
	assert_lines(data, len, sizeof(before) - 1, 0, 6000);
	free(data);
}
END_TEST

/* "-" writes to standard output and leaves it open. Checked in a child with fd 1 on a file. */
START_TEST(test_dash_is_stdout)
{
	static const char after[] = "still open\n";
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int status;
	size_t len;
	char *data;
	pid_t child;

	ck_assert_int_ge(fd, 0);
	fflush(stdout);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		bouncer_error_t err = {0};

		if (dup2(fd, STDOUT_FILENO) < 0 || log_writer_open(&writer, &loop, "-", &err) < 0)
			_exit(2);
		for (uint64_t i = 0; i < 20000; i++) {
			char *p = log_writer_reserve(&writer, LINE_MAX_LEN);

			log_writer_commit(&writer, make_line(i, p));
			if (i % 1000 == 0)
				uv_run(&loop, UV_RUN_NOWAIT);
		}
		log_writer_close(&writer, on_closed);
		uv_run(&loop, UV_RUN_DEFAULT);
		if (closed_calls != 1 || writer.error != 0)
			_exit(3);
		log_writer_release(&writer);
		if (write(STDOUT_FILENO, after, sizeof(after) - 1) != (ssize_t)sizeof(after) - 1)
			_exit(4);
		_exit(0);
	}
	close(fd);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status 0x%x", status);
	data = read_file(path, &len);
	ck_assert_uint_ge(len, sizeof(after) - 1);
	ck_assert(memcmp(data + len - (sizeof(after) - 1), after, sizeof(after) - 1) == 0);
	assert_lines(data, len - (sizeof(after) - 1), 0, 0, 20000);
	free(data);
}
END_TEST

/* The loop keeps running (as the supervisor's does) while the test watches the file. */
struct watch {
	uv_timer_t timer;
	size_t want;
	unsigned ticks;
	bool seen;
};

#define WATCH_MAX_TICKS 30000 /* 1 ms each: an upper bound, not a timing assertion */

static void on_watch(uv_timer_t *timer)
{
	struct watch *w = timer->data;
	struct stat st;

	w->ticks++;
	if (stat(path, &st) == 0 && (size_t)st.st_size >= w->want) {
		w->seen = true;
		uv_timer_stop(timer);
	} else if (w->ticks >= WATCH_MAX_TICKS) {
		uv_timer_stop(timer);
	}
}

START_TEST(test_timer_flushes_lone_record)
{
	bouncer_error_t err = {0};
	struct watch watch = {.want = lines_size(7, 1)};
	struct stat st;
	size_t len;
	char *data;

	ck_assert_int_eq(log_writer_open(&writer, &loop, path, &err), 0);
	put_line(7);
	/* Far below LOG_FLUSH_BYTES: nothing is written until the timer fires. */
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 0);

	ck_assert_int_eq(uv_timer_init(&loop, &watch.timer), 0);
	watch.timer.data = &watch;
	ck_assert_int_eq(uv_timer_start(&watch.timer, on_watch, 1, 1), 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	ck_assert_msg(watch.seen, "record not written after %u ticks", watch.ticks);
	data = read_file(path, &len);
	assert_lines(data, len, 0, 7, 1);
	free(data);

	/* The writer is still usable afterwards, and close writes the rest. */
	put_line(8);
	put_line(9);
	uv_close((uv_handle_t *)&watch.timer, NULL);
	close_and_drain();
	data = read_file(path, &len);
	assert_lines(data, len, 0, 7, 3);
	free(data);
}
END_TEST

/* Closing with nothing written completes too (and creates the file, empty). */
START_TEST(test_close_empty)
{
	bouncer_error_t err = {0};
	struct stat st;

	ck_assert_int_eq(log_writer_open(&writer, &loop, path, &err), 0);
	close_and_drain();
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	ck_assert_uint_eq(writer.records, 0);
}
END_TEST

START_TEST(test_open_error_names_path)
{
	bouncer_error_t err = {0};
	char bad[256];

	snprintf(bad, sizeof(bad), "%s/no-such-dir/decisions.jsonl", dir);
	ck_assert_int_eq(log_writer_open(&writer, &loop, bad, &err), -ENOENT);
	ck_assert_int_eq(err.code, -ENOENT);
	ck_assert_msg(strstr(err.msg, bad) != NULL, "message does not name the path: %s", err.msg);

	/* A directory is not a writable file (root can open anything else). */
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(log_writer_open(&writer, &loop, dir, &err), -EISDIR);
	ck_assert_msg(strstr(err.msg, dir) != NULL, "message does not name the path: %s", err.msg);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
}
END_TEST

/* A failing disk is reported in writer.error, and close still completes (no hang). */
START_TEST(test_write_error_reported)
{
	bouncer_error_t err = {0};

	if (access("/dev/full", W_OK) != 0)
		return; /* nothing to test on a system without /dev/full */
	ck_assert_int_eq(log_writer_open(&writer, &loop, "/dev/full", &err), 0);
	for (uint64_t i = 0; i < 20000; i++)
		put_line(i);
	close_and_drain();
	ck_assert_int_eq(writer.error, UV_ENOSPC);
}
END_TEST

static Suite *log_writer_suite(void)
{
	Suite *s = suite_create("log_writer");
	TCase *tc = tcase_create("log_writer");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_many_in_one_go);
	tcase_add_test(tc, test_many_in_bursts);
	tcase_add_test(tc, test_appends);
	tcase_add_test(tc, test_dash_is_stdout);
	tcase_add_test(tc, test_timer_flushes_lone_record);
	tcase_add_test(tc, test_close_empty);
	tcase_add_test(tc, test_open_error_names_path);
	tcase_add_test(tc, test_write_error_reported);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(log_writer_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
