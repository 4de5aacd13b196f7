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

#include "error.h"
#include "log_writer.h"
#include "notify.h"
#include "policy_compile.h"
#include "procinfo.h"
#include "summary.h"
#include "syscall_names.h"

struct supervisor {
	uv_loop_t *loop;
	const struct compiled_policy *policy;
	const char *policy_name; /* for records: file name or "<default>" */
	bool audit;
	uint32_t default_errno;        /* defaultErrnoRet, else EPERM */
	struct notify_buffers buffers; /* one pair: the loop handles one notification at a time */
	struct syscall_names names;
	struct procinfo_cache *procs;
	struct summary *summary;
	struct log_writer *log; /* NULL: no -o */
	char run_id[17];
	uint64_t seq;
	unsigned listeners; /* open listeners */
	bool sync_wake_up;  /* the kernel took SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP */
	bool quiet;
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

/* Starts watching a listener fd (takes ownership). */
int supervisor_add_listener(struct supervisor *sup, int listener_fd);

/* Hot path: receive one notification from listener_fd and answer it. Never exits. */
void supervisor_handle_one(struct supervisor *sup, int listener_fd);

#endif
