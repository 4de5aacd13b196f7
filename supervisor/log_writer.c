/* SPDX-License-Identifier: MIT */
#include "log_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum log_entry_kind {
	LOG_ENTRY_RAW,    /* text, written as is */
	LOG_ENTRY_RECORD, /* struct record + comm + exe, formatted by the job */
};

struct log_entry {
	uint32_t kind;
	uint32_t size;    /* of the whole entry, header included, multiple of 8 */
	uint32_t length;  /* RAW: bytes of text */
	uint32_t exe_len; /* RECORD: bytes of exe (without NUL) */
	/* RAW: text. RECORD: struct record, then comm[16], then exe + NUL. */
	_Alignas(8) char payload[];
};

#define ALIGN8(n) (((n) + 7) & ~(size_t)7)
#define TEXT_SIZE (LOG_BUFFER_SIZE + RECORD_MAX)

static struct log_buffer *take_buffer(struct log_writer *w)
{
	struct log_buffer *b = w->free_list;

	if (b != NULL) {
		w->free_list = b->next;
	} else {
		b = malloc(sizeof(*b));
		if (b == NULL)
			return NULL;
	}
	b->next = NULL;
	b->used = 0;
	return b;
}

static void give_back(struct log_writer *w, struct log_buffer *b)
{
	b->next = w->free_list;
	w->free_list = b;
}

static void enqueue(struct log_writer *w, struct log_buffer *b)
{
	struct log_buffer **tail = &w->queue;

	while (*tail != NULL)
		tail = &(*tail)->next;
	b->next = NULL;
	*tail = b;
}

/* Thread pool side: write all of buf, retrying short writes and EINTR. */
static int write_all(int fd, const char *buf, size_t len, uint64_t *bytes)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
		*bytes += (uint64_t)n;
	}
	return 0;
}

/* Thread pool side: format every entry of the buffer and write the text. */
static void job_work(uv_work_t *req)
{
	struct log_writer *w = req->data;
	struct log_buffer *b = w->writing;
	size_t used = 0, off = 0;

	w->job_error = 0;
	w->job_bytes = 0;
	while (off < b->used && w->job_error == 0) {
		struct log_entry *e = (struct log_entry *)(b->data + off);

		if (e->kind == LOG_ENTRY_RAW) {
			memcpy(w->text + used, e->payload, e->length);
			used += e->length;
		} else {
			struct record r;

			memcpy(&r, e->payload, sizeof(r));
			r.comm = e->payload + sizeof(r);
			r.exe = e->payload + sizeof(r) + 16;
			used += record_format(w->text + used, RECORD_MAX, &r);
		}
		off += e->size;
		if (used >= LOG_BUFFER_SIZE || off >= b->used) {
			w->job_error = write_all(w->fd, w->text, used, &w->job_bytes);
			used = 0;
		}
	}
}

static void start_job(struct log_writer *w);

static void on_timer_closed(uv_handle_t *handle)
{
	struct log_writer *w = handle->data;
	void (*cb)(struct log_writer *) = w->on_closed;

	w->on_closed = NULL;
	if (cb != NULL)
		cb(w);
}

static void finish_if_closed(struct log_writer *w)
{
	if (w->closing && w->on_closed != NULL && w->writing == NULL && w->queue == NULL &&
	    (w->active == NULL || w->active->used == 0) && !uv_is_closing((uv_handle_t *)&w->timer)) {
		if (w->owns_fd && w->fd >= 0) {
			close(w->fd);
			w->fd = -1;
		}
		uv_close((uv_handle_t *)&w->timer, on_timer_closed);
	}
}

static void job_done(uv_work_t *req, int status)
{
	struct log_writer *w = req->data;

	w->bytes += w->job_bytes;
	if (status < 0 && w->error == 0)
		w->error = status;
	if (w->job_error < 0 && w->error == 0)
		w->error = w->job_error; /* the file is unusable: reported at exit */
	give_back(w, w->writing);
	w->writing = NULL;
	start_job(w);
	finish_if_closed(w);
}

static void start_job(struct log_writer *w)
{
	int rc;

	if (w->writing != NULL)
		return;
	if (w->error < 0) {
		/* Writing already failed: the file is unusable; drop instead of failing again. */
		while (w->queue != NULL) {
			struct log_buffer *b = w->queue;

			w->queue = b->next;
			give_back(w, b);
		}
		if (w->active != NULL)
			w->active->used = 0;
		return;
	}
	/*
	 * Nothing queued: hand over the active buffer only when it is due (big enough, its timer
	 * fired, or closing); otherwise a fast device would get one job and one loop wake-up per
	 * record.
	 */
	if (w->queue == NULL && w->active != NULL && w->active->used > 0 &&
	    (w->active->used >= LOG_FLUSH_BYTES || !w->timer_armed || w->closing)) {
		enqueue(w, w->active);
		w->active = NULL;
	}
	if (w->queue == NULL)
		return;
	w->writing = w->queue;
	w->queue = w->queue->next;
	w->work.data = w;
	rc = uv_queue_work(w->loop, &w->work, job_work, job_done);
	if (rc < 0) {
		if (w->error == 0)
			w->error = rc;
		give_back(w, w->writing);
		w->writing = NULL;
	}
}

static void on_flush_timer(uv_timer_t *timer)
{
	struct log_writer *w = timer->data;

	w->timer_armed = false;
	start_job(w);
}

int log_writer_open(struct log_writer *w, uv_loop_t *loop, const char *path, bouncer_error_t *err)
{
	memset(w, 0, sizeof(*w));
	w->loop = loop;
	w->text = malloc(TEXT_SIZE);
	if (w->text == NULL)
		return bouncer_error_set(err, -ENOMEM, "out of memory");
	if (strcmp(path, "-") == 0) {
		w->fd = STDOUT_FILENO;
		w->owns_fd = false;
	} else {
		w->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (w->fd < 0) {
			int e = errno;

			free(w->text);
			w->text = NULL;
			return bouncer_error_set(err, -e, "%s: %s", path, strerror(e));
		}
		w->owns_fd = true;
	}
	uv_timer_init(loop, &w->timer);
	w->timer.data = w;
	/* The flush timer alone must not keep the loop alive. */
	uv_unref((uv_handle_t *)&w->timer);
	return 0;
}

/* Room for an entry of `size` bytes in the active buffer, or NULL when out of memory. */
static struct log_entry *entry_space(struct log_writer *w, size_t size)
{
	struct log_entry *e;

	if (w->active != NULL && w->active->used + size > LOG_BUFFER_SIZE) {
		enqueue(w, w->active);
		w->active = NULL;
	}
	if (w->active == NULL) {
		w->active = take_buffer(w);
		if (w->active == NULL)
			return NULL;
	}
	e = (struct log_entry *)(w->active->data + w->active->used);
	return e;
}

static void entry_commit(struct log_writer *w, struct log_entry *e)
{
	w->active->used += e->size;
	w->records++;
	if (w->active->used >= LOG_FLUSH_BYTES || w->closing) {
		start_job(w);
	} else if (!w->timer_armed) {
		w->timer_armed = true;
		uv_timer_start(&w->timer, on_flush_timer, LOG_FLUSH_MS, 0);
	}
}

int log_writer_append_record(struct log_writer *w, const struct record *r)
{
	size_t exe_len = r->exe != NULL ? strnlen(r->exe, PATH_MAX) : 0;
	size_t size = ALIGN8(sizeof(struct log_entry) + sizeof(*r) + 16 + exe_len + 1);
	struct log_entry *e = entry_space(w, size);
	char *strings;

	if (e == NULL)
		return -ENOMEM;
	e->kind = LOG_ENTRY_RECORD;
	e->size = (uint32_t)size;
	e->length = 0;
	e->exe_len = (uint32_t)exe_len;
	memcpy(e->payload, r, sizeof(*r));
	strings = e->payload + sizeof(*r);
	memset(strings, 0, 16);
	if (r->comm != NULL)
		strncpy(strings, r->comm, 15);
	if (exe_len)
		memcpy(strings + 16, r->exe, exe_len);
	strings[16 + exe_len] = '\0';
	entry_commit(w, e);
	return 0;
}

char *log_writer_reserve(struct log_writer *w, size_t max)
{
	struct log_entry *e = entry_space(w, ALIGN8(sizeof(struct log_entry) + max));

	return e != NULL ? e->payload : NULL;
}

void log_writer_commit(struct log_writer *w, size_t len)
{
	struct log_entry *e = (struct log_entry *)(w->active->data + w->active->used);

	e->kind = LOG_ENTRY_RAW;
	e->length = (uint32_t)len;
	e->exe_len = 0;
	e->size = (uint32_t)ALIGN8(sizeof(struct log_entry) + len);
	entry_commit(w, e);
}

void log_writer_close(struct log_writer *w, void (*on_closed)(struct log_writer *writer))
{
	w->closing = true;
	w->on_closed = on_closed;
	if (w->timer_armed) {
		uv_timer_stop(&w->timer);
		w->timer_armed = false;
	}
	start_job(w);
	finish_if_closed(w);
}

static void free_list(struct log_buffer *b)
{
	while (b != NULL) {
		struct log_buffer *next = b->next;

		free(b);
		b = next;
	}
}

void log_writer_release(struct log_writer *w)
{
	free(w->active);
	free(w->writing);
	free_list(w->queue);
	free_list(w->free_list);
	free(w->text);
	w->active = w->queue = w->free_list = w->writing = NULL;
	w->text = NULL;
}
