/* SPDX-License-Identifier: MIT */
/*
 * The supervisor: owns the compiled policy's evaluation state, the caches, the counters and
 * the decision log, and answers notifications from any number of listeners (sandboxes) on one
 * libuv loop. listener.c watches each listener fd; this file handles one notification.
 */
#ifndef BOUNCER_SUPERVISOR_H
#define BOUNCER_SUPERVISOR_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "decide.h"
#include "error.h"
#include "exit_watch.h"
#include "identity.h"
#include "log_writer.h"
#include "notify.h"
#include "policy_compile.h"
#include "procinfo.h"
#include "record.h"
#include "summary.h"
#include "syscall_names.h"

/*
 * One notification on its way through the supervisor: received (stage 1), decided (stage 2),
 * answered and recorded (stages 3 and 4, supervisor_answer). Self-contained, so that a decision
 * that waits (an operator's answer) can keep it and answer later.
 */
struct notification {
	int listener;
	struct seccomp_notif req;   /* copied out of the receive buffer */
	struct timespec ts;         /* when it was received (CLOCK_REALTIME) */
	uint32_t arch;              /* the call's arch (x32 told apart) */
	const char *name;           /* syscall name, NULL if libseccomp has none */
	const struct procinfo *who; /* valid until the next notification */
	struct policy_verdict verdict;
	struct decision decision;
	/* Record members only some decisions have (record.extra), "" when none. */
	char extra[RECORD_EXTRA_MAX];
};

struct listener;
struct supervise_state;
struct live;

struct supervisor {
	uv_loop_t *loop;
	const struct compiled_policy *policy;
	const char *policy_name; /* for records: file name or "<default>" */
	bool audit;
	uint32_t default_errno;        /* defaultErrnoRet, else EPERM */
	struct notify_buffers buffers; /* one pair: the loop handles one notification at a time */
	struct syscall_names names;
	struct procinfo_cache *procs;
	struct exit_watch exits; /* forgets threads in procs when they exit */
	struct identity_state identity; /* whether procs' cached identities may be used */
	uv_check_t check;        /* answers readable listeners after the iteration's other events */
	struct summary *summary;
	struct log_writer *log; /* NULL: no -o */
	char run_id[17];
	uint64_t seq;
	unsigned listeners;             /* open listeners */
	struct listener *listener_list; /* open listeners, for closing them all */
	bool sync_wake_up;              /* the kernel took SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP */
	bool quiet;
	struct notification current;       /* the one being handled (no allocation per call) */
	struct supervise_state *supervise; /* supervise clauses: gather buffers (supervise.h) */
	struct live *live;                 /* live review (live.h), NULL when off */
	/* Called when the last listener closes. */
	void (*on_all_listeners_closed)(struct supervisor *sup);
	/* Statistics. */
	uint64_t notifications;
	uint64_t gone;            /* targets that went away before the answer */
	uint64_t failures;        /* unexpected errors on the hot path (each one denied) */
	uint64_t record_failures; /* records that could not be formatted or buffered */
};

int supervisor_init(struct supervisor *sup, uv_loop_t *loop, const struct compiled_policy *policy,
                    const char *policy_name, bool audit, bouncer_error_t *err);
void supervisor_release(struct supervisor *sup);

/* Closes the supervisor's own handles (exit watches); call once no listener is left. */
void supervisor_close(struct supervisor *sup);

/* Starts watching a listener fd (takes ownership). */
int supervisor_add_listener(struct supervisor *sup, int listener_fd);

/*
 * Stops serving every listener (their workloads' supervised calls then fail with ENOSYS: the
 * kernel's answer when no supervisor listens). on_all_listeners_closed runs afterwards.
 */
void supervisor_close_listeners(struct supervisor *sup);

/* The loop's check phase: answers one notification of each readable listener. */
void supervisor_run_ready(struct supervisor *sup);

/* Hot path: receive one notification from listener_fd and answer it. Never exits. */
void supervisor_handle_one(struct supervisor *sup, int listener_fd);

/* What the profile says about n, into n->verdict and n->decision (a held call after a
 * reload is decided again with it, live.c). */
void supervisor_decide(struct supervisor *sup, struct notification *n);

/* Answers n as n->decision says (unless already answered), then records it. */
void supervisor_answer(struct supervisor *sup, struct notification *n);

#endif
