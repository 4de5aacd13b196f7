/* SPDX-License-Identifier: MIT */
/*
 * Live review (docs/control.md): what `bouncer run` adds on top of its policy while the
 * workload runs. Holds syscalls decided "ask" for an operator (pending.c), applies grants and
 * remembered rules (grants.c), answers `bouncer ctl` over the control socket (control.c),
 * streams decisions to watchers, counts answer latencies, and re-reads the policy on request.
 *
 * supervisor.c calls the live_* hooks below only when sup->live is set, so `run` without live
 * review pays nothing for it.
 */
#ifndef BOUNCER_LIVE_H
#define BOUNCER_LIVE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "control.h"
#include "error.h"
#include "grants.h"
#include "pending.h"
#include "policy_compile.h"
#include "record.h"
#include "supervisor.h"

/* Latency histogram: 4 buckets per power of two of nanoseconds. */
#define LIVE_LATENCY_BUCKETS (64 * 4)

struct live_options {
	uint64_t ask_timeout_ms;
	bool ask_default_allow;
	const char *rules_file;   /* NULL: "always" rules are not kept after the run */
	const char *control_path; /* NULL: no control socket */
};

struct live {
	struct supervisor *sup;
	struct live_options opt;
	/* What the workload's kernel filter was built from: reloads do not change the filter. */
	const struct compiled_policy *kernel_policy;
	struct pending pending;
	struct grants grants;
	struct control control;
	bool has_control;
	/* Statistics for `ctl stats`. */
	uint64_t latency[LIVE_LATENCY_BUCKETS]; /* answer latencies of every answered call */
	uint64_t answered;
	uint64_t held_total, held_gone;
	uint64_t granted, remembered_hits, reloads, reload_failures;
	char *record_line; /* formatting buffer for watchers, RECORD_MAX bytes */
	/*
	 * Re-reads the policy (file NULL: the one in use). Set by `run`; fills *report (new
	 * reference) on success; on error err holds the same message as at start.
	 */
	int (*reload)(struct live *live, const char *file, json_t **report, bouncer_error_t *err);
	void *reload_data;
};

/*
 * Sets up live review for sup (and sets sup->live). kernel_policy: the compiled policy whose
 * kernel program the workload runs under. Loads the rules file. Returns 0 or a negative errno
 * with err set.
 */
int live_init(struct live *live, struct supervisor *sup,
              const struct compiled_policy *kernel_policy, const struct live_options *opt,
              bouncer_error_t *err);

/* Closes the socket and timers (the run is over). */
void live_close(struct live *live);
void live_release(struct live *live);

/* Hooks for supervisor.c (hot path: no allocation unless someone watches). */

/* Before the policy: a grant or remembered rule decides n. Returns true when one did. */
bool live_before_decide(struct live *live, struct notification *n);

/* After the policy: holds n when its decision says hold ("ask"). Returns true when it took n. */
bool live_after_decide(struct live *live, struct notification *n);

/*
 * Answers the held calls that are now decided without an operator: by the grants and
 * remembered rules (a rule was added), and with policy also by the policy in use (it was
 * reloaded). Records say decided_by operator with uid. Returns the ids answered (new
 * reference).
 */
json_t *live_release_decided(struct live *live, uid_t uid, bool policy);

/* After an answer: latency statistics. */
void live_answered(struct live *live, const struct notification *n);

/* Each record written: streamed to `ctl watch`. */
void live_record(struct live *live, const struct record *r);

#endif
