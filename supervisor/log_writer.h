/* SPDX-License-Identifier: MIT */
/*
 * The decision log's writer. On the loop thread a record costs a copy into an in-memory buffer:
 * no formatting, no syscall. Full buffers are formatted (record.c) and written by libuv's
 * thread pool, one job at a time so that lines never interleave or reorder; with two or more
 * CPUs that work runs beside the supervisor instead of between a workload's syscall and its
 * answer.
 *
 * A buffer is handed over when it holds LOG_FLUSH_BYTES or LOG_FLUSH_MS after its first entry
 * (a libuv timer: arming it costs no syscall), so a busy workload costs one job per batch and a
 * quiet one still sees its records within milliseconds (`-o -` piped to a terminal). When the
 * writer falls behind, more buffers are taken from a free list (allocated only when the
 * backlog grows past every buffer seen so far): no record is dropped and the loop never waits
 * for the disk.
 *
 * log_writer_close() writes what is left; its callback runs once everything is written, so
 * nothing is lost on normal exit, on a forwarded signal, or when the workload crashes.
 */
#ifndef BOUNCER_LOG_WRITER_H
#define BOUNCER_LOG_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "error.h"
#include "record.h"

#define LOG_BUFFER_SIZE (1024 * 1024)
#define LOG_FLUSH_BYTES (256 * 1024)
#define LOG_FLUSH_MS 20

struct log_buffer {
	struct log_buffer *next;
	size_t used;
	/* Entries (struct log_entry), each 8-byte aligned. */
	_Alignas(8) char data[LOG_BUFFER_SIZE];
};

struct log_writer {
	uv_loop_t *loop;
	int fd;
	bool owns_fd;
	struct log_buffer *active;    /* being filled on the loop thread */
	struct log_buffer *queue;     /* full, waiting for the thread pool (FIFO) */
	struct log_buffer *free_list;
	struct log_buffer *writing;   /* owned by the thread pool until after_work */
	uv_work_t work;
	char *text;                   /* the job's formatting buffer */
	int job_error;                /* set by the job: negative errno */
	uint64_t job_bytes;
	uv_timer_t timer;             /* flush deadline of the active buffer */
	bool timer_armed;
	bool closing;
	int error;                    /* first write error (negative errno), 0 if none */
	uint64_t records;             /* entries accepted */
	uint64_t bytes;               /* bytes written */
	void (*on_closed)(struct log_writer *writer);
};

/* Opens path for appending ("-" = stdout). */
int log_writer_open(struct log_writer *writer, uv_loop_t *loop, const char *path,
		    bouncer_error_t *err);

/*
 * Hot path: queue a decision record. r's strings must stay valid until the writer is released,
 * except comm and exe, which are copied. Returns 0, or -ENOMEM when no buffer can be had.
 */
int log_writer_append_record(struct log_writer *writer, const struct record *r);

/* Queue a raw line instead: reserve space for at most `max` bytes, then commit `len`. */
char *log_writer_reserve(struct log_writer *writer, size_t max);
void log_writer_commit(struct log_writer *writer, size_t len);

/* Writes everything left; on_closed runs (from the loop) when all is written. */
void log_writer_close(struct log_writer *writer, void (*on_closed)(struct log_writer *writer));

/* Frees buffers; only after on_closed. */
void log_writer_release(struct log_writer *writer);

#endif
