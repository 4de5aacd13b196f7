/* SPDX-License-Identifier: MIT */
/*
 * Knowing when a thread the supervisor has seen is gone, so that its id, if the kernel hands
 * it out again (after the pid counter wraps, or at once with clone3's set_tid), is not shown
 * with the old thread's process, comm and exe (procinfo.h).
 *
 * A pidfd per seen thread, polled by the loop: Linux 6.9's PIDFD_THREAD makes a pidfd of any
 * thread readable when that thread exits. On older kernels only thread-group leaders (process
 * ids) can be watched, so a non-leader thread's id that is reused as a process id while its
 * old process lives on is not noticed there; `bouncer run` says so at start-up.
 *
 * Cost: pidfd_open + one epoll registration the first time a thread is seen (the same time
 * /proc is read), and one wake-up when it exits. Nothing per notification.
 */
#ifndef BOUNCER_EXIT_WATCH_H
#define BOUNCER_EXIT_WATCH_H

#include <stdbool.h>
#include <sys/types.h>

#include <uv.h>

#include "procinfo.h"

#define EXIT_WATCH_MAX 8192 /* power of two */

struct exit_watch_entry {
	uv_poll_t poll; /* first member: the handle's address is the entry's */
	int fd;
	pid_t tid; /* 0: free */
	bool closing;
	struct exit_watch *watch;
};

struct exit_watch {
	uv_loop_t *loop;
	struct procinfo_cache *cache;
	bool threads;   /* PIDFD_THREAD works: every thread can be watched */
	bool available; /* pidfd_open works at all (Linux 5.3) */
	unsigned used;
	struct exit_watch_entry *entries; /* EXIT_WATCH_MAX, open addressing by tid */
	void (*on_closed)(struct exit_watch *watch);
	unsigned closing;
};

int exit_watch_init(struct exit_watch *watch, uv_loop_t *loop, struct procinfo_cache *cache);

/*
 * Starts watching tid (of process pid) unless it is already watched or cannot be. Returns
 * whether tid is watched now (its exit will be seen).
 */
bool exit_watch_add(struct exit_watch *watch, pid_t tid, pid_t pid);

/* Stops every watch; on_closed runs when all handles are closed. */
void exit_watch_close(struct exit_watch *watch, void (*on_closed)(struct exit_watch *watch));
void exit_watch_release(struct exit_watch *watch);

#endif
