/* SPDX-License-Identifier: MIT */
/*
 * The decision log's writer: records are appended to an in-memory buffer on the loop thread
 * (no syscall per record) and written by libuv's thread pool (uv_fs_write), one write in
 * flight at a time so that lines never interleave or reorder. A write starts when a buffer holds
 * LOG_FLUSH_BYTES or LOG_FLUSH_MS after its first record (a libuv timer: arming it costs no
 * syscall), so a busy workload costs one write per batch rather than per record, and a quiet
 * one still sees its records within milliseconds (`-o -` piped to a terminal). Buffers that are
 * being written are not touched; when the writer falls behind, more buffers are taken from a free
 * list (and allocated only when the backlog grows past every buffer seen so far), so no record is
 * ever dropped and the loop never waits for the disk.
 *
 * log_writer_close() writes what is left and completes once the loop runs; nothing is lost on
 * normal exit, on a forwarded signal, or when the workload crashes.
 */
#ifndef BOUNCER_LOG_WRITER_H
#define BOUNCER_LOG_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "error.h"

#define LOG_BUFFER_SIZE (1024 * 1024)
#define LOG_FLUSH_BYTES (256 * 1024)
#define LOG_FLUSH_MS    20

struct log_buffer {
	struct log_buffer *next;
	size_t used;
	char data[LOG_BUFFER_SIZE];
};

struct log_writer {
	uv_loop_t *loop;
	uv_file fd;
	bool owns_fd;
	struct log_buffer *active; /* being filled */
	struct log_buffer *queue;  /* full, waiting to be written (FIFO) */
	struct log_buffer *free_list;
	struct log_buffer *writing; /* owned by the thread pool until the callback */
	uv_fs_t req;
	uv_timer_t timer; /* flush deadline of the active buffer */
	bool timer_armed;
	uv_buf_t buf;
	size_t written_of_current; /* short writes resume here */
	bool closing;
	int error; /* first write error (negative errno), 0 if none */
	uint64_t records;
	uint64_t bytes;
	void (*on_closed)(struct log_writer *writer);
};

/* Opens path for appending ("-" = stdout). */
int log_writer_open(struct log_writer *writer, uv_loop_t *loop, const char *path,
                    bouncer_error_t *err);

/* Hot path: reserve space for one record of at most `max` bytes; NULL only if out of memory. */
char *log_writer_reserve(struct log_writer *writer, size_t max);
/* Commit `len` bytes of the reserved space and start a write if none is in flight. */
void log_writer_commit(struct log_writer *writer, size_t len);

/* Writes everything left; on_closed runs (from the loop) when all is on disk. */
void log_writer_close(struct log_writer *writer, void (*on_closed)(struct log_writer *writer));

/* Frees buffers; only after on_closed. */
void log_writer_release(struct log_writer *writer);

#endif
