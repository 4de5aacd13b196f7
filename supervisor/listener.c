/* SPDX-License-Identifier: MIT */
/*
 * One uv_poll_t per listener fd. Readable means a notification waits (or, together with
 * UV_DISCONNECT, that no task uses the filter any more: POLLHUP). Writable is never armed: the
 * listener polls writable whenever a received notification is unanswered, which is never the
 * case between callbacks here (KERNEL-NOTES.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supervisor.h"

struct listener {
	uv_poll_t poll;        /* first member: the handle's address is the listener's */
	struct listener *next; /* the supervisor's open listeners */
	int fd;
	bool ready; /* readable: a notification waits for the check phase */
	struct supervisor *sup;
};

static void on_closed(uv_handle_t *handle)
{
	struct listener *l = (struct listener *)handle;
	struct supervisor *sup = l->sup;

	close(l->fd);
	for (struct listener **p = &sup->listener_list; *p != NULL; p = &(*p)->next) {
		if (*p == l) {
			*p = l->next;
			break;
		}
	}
	free(l);
	if (--sup->listeners == 0 && sup->on_all_listeners_closed != NULL)
		sup->on_all_listeners_closed(sup);
}

static void on_event(uv_poll_t *poll, int status, int events)
{
	struct listener *l = (struct listener *)poll;

	/*
	 * POLLHUP: every task that used the filter is gone (Linux 6.11+: when they exit; before,
	 * when the filter is freed). libuv also reports it as readable, but no notification can
	 * be pending then (a waiting task still uses the filter), and a receive would block.
	 */
	if (status < 0 || (events & UV_DISCONNECT)) {
		uv_poll_stop(poll);
		uv_close((uv_handle_t *)poll, on_closed);
		return;
	}
	/*
	 * Not answered here but in the loop's check phase, after every other I/O callback of this
	 * iteration: a thread's exit (exit_watch.c) that epoll reported in the same batch must be
	 * handled before a notification from a new process that got that thread's id, or the
	 * record would name the dead thread's process. Costs no syscall.
	 */
	if (events & UV_READABLE)
		l->ready = true;
}

/* The check phase: one notification from each listener that was readable. */
void supervisor_run_ready(struct supervisor *sup)
{
	for (struct listener *l = sup->listener_list; l != NULL; l = l->next) {
		if (!l->ready || uv_is_closing((uv_handle_t *)&l->poll))
			continue;
		l->ready = false;
		supervisor_handle_one(l->sup, l->fd);
	}
}

int supervisor_add_listener(struct supervisor *sup, int fd)
{
	struct listener *l = calloc(1, sizeof(*l));
	int rc;

	if (l == NULL) {
		close(fd);
		return -ENOMEM;
	}
	l->fd = fd;
	l->sup = sup;
	rc = notify_set_sync_wake_up(fd);
	sup->sync_wake_up = rc == 0;
	rc = uv_poll_init(sup->loop, &l->poll, fd);
	if (rc < 0) {
		close(fd);
		free(l);
		return rc;
	}
	rc = uv_poll_start(&l->poll, UV_READABLE | UV_DISCONNECT, on_event);
	sup->listeners++;
	l->next = sup->listener_list;
	sup->listener_list = l;
	if (rc < 0) {
		/* on_closed closes the fd, frees l and accounts for it. */
		uv_close((uv_handle_t *)&l->poll, on_closed);
		return rc;
	}
	return 0;
}

void supervisor_close_listeners(struct supervisor *sup)
{
	for (struct listener *l = sup->listener_list; l != NULL; l = l->next) {
		if (!uv_is_closing((uv_handle_t *)&l->poll)) {
			uv_poll_stop(&l->poll);
			uv_close((uv_handle_t *)&l->poll, on_closed);
		}
	}
}
