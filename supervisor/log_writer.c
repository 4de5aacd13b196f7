/* SPDX-License-Identifier: MIT */
#include "log_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static void start_write(struct log_writer *w);
static void on_flush_timer(uv_timer_t *timer);

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
	    (w->active == NULL || w->active->used == 0) &&
	    !uv_is_closing((uv_handle_t *)&w->timer)) {
		if (w->owns_fd && w->fd >= 0) {
			close(w->fd);
			w->fd = -1;
		}
		uv_close((uv_handle_t *)&w->timer, on_timer_closed);
	}
}

static void on_flush_timer(uv_timer_t *timer)
{
	struct log_writer *w = timer->data;

	w->timer_armed = false;
	start_write(w);
}

static void on_write(uv_fs_t *req)
{
	struct log_writer *w = req->data;
	ssize_t result = req->result;

	uv_fs_req_cleanup(req);
	if (result < 0) {
		if (result == UV_EINTR || result == UV_EAGAIN) {
			/* Retry the same bytes. */
		} else {
			if (w->error == 0)
				w->error = (int)result;
			/* Drop this buffer: the file is unusable; the error is reported at exit. */
			w->written_of_current = w->writing->used;
		}
	} else {
		w->written_of_current += (size_t)result;
		w->bytes += (uint64_t)result;
	}
	if (w->written_of_current < w->writing->used) {
		w->buf = uv_buf_init(w->writing->data + w->written_of_current,
		                     (unsigned)(w->writing->used - w->written_of_current));
		uv_fs_write(w->loop, &w->req, w->fd, &w->buf, 1, -1, on_write);
		return;
	}
	give_back(w, w->writing);
	w->writing = NULL;
	start_write(w);
	finish_if_closed(w);
}

static void start_write(struct log_writer *w)
{
	int rc;

	if (w->writing != NULL)
		return;
	/*
	 * Nothing queued: hand over the active buffer only when it is due (big enough, its timer
	 * fired, or closing); otherwise a fast device would get one write, one thread-pool round
	 * trip and one loop wake-up per record.
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
	w->written_of_current = 0;
	w->buf = uv_buf_init(w->writing->data, (unsigned)w->writing->used);
	w->req.data = w;
	rc = uv_fs_write(w->loop, &w->req, w->fd, &w->buf, 1, -1, on_write);
	if (rc < 0) {
		if (w->error == 0)
			w->error = rc;
		give_back(w, w->writing);
		w->writing = NULL;
	}
}

int log_writer_open(struct log_writer *w, uv_loop_t *loop, const char *path, bouncer_error_t *err)
{
	memset(w, 0, sizeof(*w));
	w->loop = loop;
	if (strcmp(path, "-") == 0) {
		w->fd = STDOUT_FILENO;
		w->owns_fd = false;
	} else {
		w->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (w->fd < 0)
			return bouncer_error_set(err, -errno, "%s: %s", path, strerror(errno));
		w->owns_fd = true;
	}
	uv_timer_init(loop, &w->timer);
	w->timer.data = w;
	/* The flush timer alone must not keep the loop alive. */
	uv_unref((uv_handle_t *)&w->timer);
	return 0;
}

char *log_writer_reserve(struct log_writer *w, size_t max)
{
	if (w->active != NULL && w->active->used + max > LOG_BUFFER_SIZE) {
		enqueue(w, w->active);
		w->active = NULL;
	}
	if (w->active == NULL) {
		w->active = take_buffer(w);
		if (w->active == NULL)
			return NULL;
	}
	return w->active->data + w->active->used;
}

void log_writer_commit(struct log_writer *w, size_t len)
{
	w->active->used += len;
	w->records++;
	if (w->active->used >= LOG_FLUSH_BYTES || w->closing) {
		start_write(w);
	} else if (!w->timer_armed) {
		w->timer_armed = true;
		uv_timer_start(&w->timer, on_flush_timer, LOG_FLUSH_MS, 0);
	}
}

void log_writer_close(struct log_writer *w, void (*on_closed)(struct log_writer *writer))
{
	w->closing = true;
	w->on_closed = on_closed;
	if (w->timer_armed) {
		uv_timer_stop(&w->timer);
		w->timer_armed = false;
	}
	start_write(w);
	finish_if_closed(w);
}

void log_writer_release(struct log_writer *w)
{
	struct log_buffer *lists[] = {w->active, w->queue, w->free_list, w->writing};

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		struct log_buffer *b = lists[i];

		if (i == 0 || i == 3) {
			free(b);
			continue;
		}
		while (b != NULL) {
			struct log_buffer *next = b->next;

			free(b);
			b = next;
		}
	}
	w->active = w->queue = w->free_list = w->writing = NULL;
}
