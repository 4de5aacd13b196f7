/* SPDX-License-Identifier: MIT */
/*
 * From what the profile says (a policy_verdict) to what the supervisor does: the reply to the
 * kernel, whether to kill, and what to record. Pure logic, no I/O, so every combination of
 * action and mode is unit-tested (tests/test_decide.c).
 *
 * Safety: this step only ever answers CONTINUE for decisions that depend on scalar arguments
 * (the notification's copy of the registers is what the kernel will run with). Decisions on
 * pointer arguments are emulated elsewhere and never reach a CONTINUE from here.
 */
#ifndef BOUNCER_DECIDE_H
#define BOUNCER_DECIDE_H

#include <stdbool.h>
#include <stdint.h>

#include "policy_compile.h"
#include "record.h"

struct decision {
	/* The reply. */
	uint32_t flags; /* SECCOMP_USER_NOTIF_FLAG_CONTINUE or 0 */
	int32_t error;  /* 0 or -errno */
	int64_t val;
	/* SIGKILL the caller's process before replying (KILL_PROCESS in enforce mode). */
	bool kill;
	/* The answer was already given (emulation with SECCOMP_ADDFD_FLAG_SEND answers itself). */
	bool answered;
	/*
	 * Keep the notification unanswered until an operator decides (a supervise clause's
	 * "ask"); a stage that does not hold answers with flags/error/val (a deny) instead.
	 */
	bool hold;
	/* Write a record (plain allows that reach the supervisor are not records, see below). */
	bool record;
	enum record_action action;
	int errno_value;
	enum record_would would;
	int would_errno;
};

/*
 * verdict: what the profile says. audit: allow what would be denied/killed/trapped and record
 * it as "would". default_errno: the profile's defaultErrnoRet (else EPERM), the answer to a
 * NOTIFY rule without supervisor-side clauses.
 *
 * A plain ALLOW verdict reaches the supervisor only because the kernel program routes the
 * syscall for another reason (execve for the exe cache; a syscall whose allow rules had to be
 * routed so that the kernel cannot allow what the profile denies): it is answered CONTINUE and
 * not recorded, exactly as the kernel would have answered it without a record.
 */
void decide(const struct policy_verdict *verdict, bool audit, uint32_t default_errno,
            struct decision *out);

#endif
