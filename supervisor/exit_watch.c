/* SPDX-License-Identifier: MIT */
#include "exit_watch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL /* Linux 6.9 */
#endif

static int pidfd_open_(pid_t pid, unsigned flags)
{
	return (int)syscall(SYS_pidfd_open, pid, flags);
}

int exit_watch_init(struct exit_watch *watch, uv_loop_t *loop, struct procinfo_cache *cache)
{
	int fd;

	memset(watch, 0, sizeof(*watch));
	watch->loop = loop;
	watch->cache = cache;
	watch->entries = calloc(EXIT_WATCH_MAX, sizeof(*watch->entries));
	if (watch->entries == NULL)
		return -ENOMEM;
	/* Probe on ourselves: our own thread with PIDFD_THREAD, else our process. */
	fd = pidfd_open_(gettid(), PIDFD_THREAD);
	if (fd >= 0) {
		watch->threads = true;
		watch->available = true;
		close(fd);
	} else {
		fd = pidfd_open_(getpid(), 0);
		watch->available = fd >= 0;
		if (fd >= 0)
			close(fd);
	}
	return 0;
}

static unsigned slot_of(pid_t tid)
{
	return (unsigned)(((uint32_t)tid * 2654435769u) >> 19) & (EXIT_WATCH_MAX - 1);
}

static struct exit_watch_entry *find(struct exit_watch *watch, pid_t tid)
{
	for (unsigned i = slot_of(tid), n = 0; n < EXIT_WATCH_MAX;
	     i = (i + 1) & (EXIT_WATCH_MAX - 1), n++) {
		if (watch->entries[i].tid == tid)
			return &watch->entries[i];
		if (watch->entries[i].tid == 0 && !watch->entries[i].closing)
			return NULL;
	}
	return NULL;
}

static void on_entry_closed(uv_handle_t *handle)
{
	struct exit_watch_entry *e = (struct exit_watch_entry *)handle;
	struct exit_watch *watch = e->watch;

	close(e->fd);
	e->fd = -1;
	e->closing = false;
	if (watch->closing > 0 && --watch->closing == 0 && watch->on_closed != NULL)
		watch->on_closed(watch);
}

static void stop(struct exit_watch_entry *e)
{
	/*
	 * The slot stays marked (closing) until the handle is closed, so probe chains that run
	 * through it stay intact; tid 0 frees it for reuse afterwards. Deleted slots are never
	 * compacted: EXIT_WATCH_MAX bounds how many threads are watched at once.
	 */
	e->tid = 0;
	e->closing = true;
	e->watch->used--;
	uv_close((uv_handle_t *)&e->poll, on_entry_closed);
}

static void on_exit_event(uv_poll_t *poll, int status, int events)
{
	struct exit_watch_entry *e = (struct exit_watch_entry *)poll;

	/* Readable: the thread (or, without PIDFD_THREAD, the process) has exited. */
	if (e->tid != 0) {
		procinfo_forget_process(e->watch->cache, e->tid, e->watch->threads ? 0 : e->tid);
		stop(e);
	}
}

bool exit_watch_add(struct exit_watch *watch, pid_t tid, pid_t pid)
{
	struct exit_watch_entry *e;
	unsigned i;
	int fd;

	if (!watch->available || tid <= 0 || (!watch->threads && tid != pid))
		return false;
	if (find(watch, tid) != NULL)
		return true;
	if (watch->used >= EXIT_WATCH_MAX / 4 * 3)
		return false;
	for (i = slot_of(tid);; i = (i + 1) & (EXIT_WATCH_MAX - 1))
		if (watch->entries[i].tid == 0 && !watch->entries[i].closing)
			break;
	fd = pidfd_open_(tid, watch->threads ? PIDFD_THREAD : 0);
	if (fd < 0)
		return false; /* gone already, or out of fds: the entry is simply not watched */
	e = &watch->entries[i];
	e->fd = fd;
	e->tid = tid;
	e->watch = watch;
	if (uv_poll_init(watch->loop, &e->poll, fd) < 0) {
		close(fd);
		e->tid = 0;
		return false;
	}
	watch->used++;
	/* Watches alone must not keep the loop alive. */
	uv_unref((uv_handle_t *)&e->poll);
	if (uv_poll_start(&e->poll, UV_READABLE, on_exit_event) < 0) {
		stop(e);
		return false;
	}
	return true;
}

void exit_watch_close(struct exit_watch *watch, void (*on_closed)(struct exit_watch *watch))
{
	watch->on_closed = on_closed;
	watch->closing = 1; /* held until the loop below has started every close */
	for (unsigned i = 0; watch->entries != NULL && i < EXIT_WATCH_MAX; i++) {
		if (watch->entries[i].tid != 0) {
			watch->closing++;
			stop(&watch->entries[i]);
		} else if (watch->entries[i].closing) {
			watch->closing++; /* its close callback is already on its way */
		}
	}
	if (--watch->closing == 0 && on_closed != NULL)
		on_closed(watch);
}

void exit_watch_release(struct exit_watch *watch)
{
	free(watch->entries);
	watch->entries = NULL;
}
