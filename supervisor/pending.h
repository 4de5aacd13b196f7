/* SPDX-License-Identifier: MIT */
/*
 * Held notifications: syscalls that a decision "ask" keeps waiting for an operator (live
 * review, docs/control.md). The calling thread stays blocked in the kernel while the loop goes
 * on serving every other thread; the entry is answered later by an operator (`bouncer ctl
 * allow|deny`), by the ask timeout, or disappears when the thread dies or a signal interrupts
 * its call (the kernel then invalidates the notification id: -ENOENT).
 *
 * Fixed capacity, allocated once: holding never allocates. When the table is full, a new ask
 * is answered at once with the ask default (recorded as decided by "full").
 *
 * One libuv timer serves every entry: it fires at the earliest deadline, and at least every
 * PENDING_SWEEP_MS while anything is held, to notice dead or interrupted targets (the kernel
 * tells the supervisor nothing when a waiting target goes away; SECCOMP_IOCTL_NOTIF_ID_VALID
 * asks).
 */
#ifndef BOUNCER_PENDING_H
#define BOUNCER_PENDING_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "procinfo.h"
#include "supervisor.h"

#define PENDING_MAX      64
#define PENDING_SWEEP_MS 200

struct pending_entry {
	uint64_t id; /* 0: free slot; ids are never reused within a run */
	uint64_t held_at_ms;
	uint64_t deadline_ms; /* CLOCK_MONOTONIC milliseconds */
	/* The caller's identity, copied: the procinfo cache entry may move once the loop goes on.
	 */
	struct procinfo who;
	char exe[PATH_MAX];
	struct notification n; /* n.who points to who above */
};

/* Who answered a held syscall, for records ("decided_by"). */
enum pending_by {
	PENDING_BY_OPERATOR,
	PENDING_BY_TIMEOUT,
	PENDING_BY_FULL, /* the table was full: answered with the ask default at once */
};

struct pending_answer {
	bool allow;
	int errno_value; /* for a deny; 0: the profile's default errno */
	enum pending_by by;
	uid_t uid;         /* the operator's, for PENDING_BY_OPERATOR */
	const char *extra; /* further record members (",\"remembered\":3"), or NULL */
	/* The entry's n.decision (and n.extra) already hold the answer: a grant or remembered
	 * rule added after the call was held decided it (live.c). */
	bool decided;
};

/* What happened to an entry, for subscribers (`ctl review`) and statistics. */
enum pending_event {
	PENDING_HELD,
	PENDING_ANSWERED,
	PENDING_GONE, /* the target died or was interrupted: nothing to answer, no record */
};

struct pending {
	struct supervisor *sup;
	struct pending_entry *slots; /* PENDING_MAX */
	unsigned count;
	uint64_t next_id;
	uint64_t timeout_ms;
	bool default_allow;
	uv_timer_t timer;
	bool open;
	uint64_t answered_by[3]; /* per enum pending_by */
	/* Called after each event; the entry is still readable (freed right after). */
	void (*on_event)(struct pending *p, enum pending_event event,
	                 const struct pending_entry *entry, uint64_t waited_ms);
	void *data;
};

uint64_t pending_now_ms(void);

int pending_init(struct pending *p, struct supervisor *sup, uint64_t timeout_ms,
                 bool default_allow);

/*
 * Takes n (decided "ask"): keeps a copy and starts its timeout. When the table is full, n is
 * answered at once with the ask default. Never allocates.
 */
void pending_hold(struct pending *p, const struct notification *n);

/* The held entry with this id, or NULL (never was, or already answered / gone). */
struct pending_entry *pending_find(struct pending *p, uint64_t id);

/* Fills out (PENDING_MAX slots) with the held entries, oldest first; returns how many. */
unsigned pending_list(struct pending *p, struct pending_entry **out);

/* Answers a held entry (and records it); frees the slot. */
void pending_answer(struct pending *p, struct pending_entry *e, const struct pending_answer *a);

/* Drops entries whose target is gone. Returns how many. */
unsigned pending_sweep(struct pending *p);

/* Closes the timer (the run is over: no listener is left, so nothing can be held). */
void pending_close(struct pending *p);
void pending_release(struct pending *p);

#endif
