/* SPDX-License-Identifier: MIT */
#include "decide.h"

#include <errno.h>
#include <string.h>

static void allow(struct decision *d)
{
	d->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	d->error = 0;
	d->val = 0;
}

static void deny(struct decision *d, int e)
{
	d->flags = 0;
	d->error = -e;
	d->val = 0;
	d->action = RECORD_DENY;
	d->errno_value = e;
}

/* Audit mode: let it run, say what enforce mode would have done. */
static void allow_would(struct decision *d, enum record_would would, int e)
{
	allow(d);
	d->action = RECORD_ALLOW;
	d->would = would;
	d->would_errno = e;
}

void decide(const struct policy_verdict *v, bool audit, uint32_t default_errno, struct decision *d)
{
	memset(d, 0, sizeof(*d));
	d->record = true;

	switch (v->action) {
	case POLICY_ACT_ALLOW:
		allow(d);
		d->action = RECORD_ALLOW;
		d->record = false;
		return;
	case POLICY_ACT_LOG:
		allow(d);
		d->action = RECORD_LOG;
		return;
	case POLICY_ACT_ERRNO:
		if (audit)
			allow_would(d, RECORD_WOULD_DENY, (int)v->errno_value);
		else
			deny(d, (int)v->errno_value);
		return;
	case POLICY_ACT_NOTIFY:
		/* A NOTIFY rule without supervisor-side clauses: deny with the default errno. */
		if (audit)
			allow_would(d, RECORD_WOULD_DENY, (int)default_errno);
		else
			deny(d, (int)default_errno);
		return;
	case POLICY_ACT_KILL_PROCESS:
		if (audit) {
			allow_would(d, RECORD_WOULD_KILL, 0);
		} else {
			/* The reply after the kill only unblocks the dying thread. */
			deny(d, ENOSYS);
			d->kill = true;
			d->action = RECORD_KILL;
			d->errno_value = 0;
		}
		return;
	case POLICY_ACT_TRAP:
	case POLICY_ACT_KILL_THREAD:
	case POLICY_ACT_TRACE:
		if (audit) {
			allow_would(d,
			            v->action == POLICY_ACT_TRAP    ? RECORD_WOULD_TRAP
			            : v->action == POLICY_ACT_TRACE ? RECORD_WOULD_TRACE
			                                            : RECORD_WOULD_KILL_THREAD,
			            0);
			return;
		}
		/*
		 * Enforce mode keeps these in the kernel; reaching here means the kernel program
		 * routed the call anyway (a syscall whose rules had to be routed together). A
		 * SIGSYS with its siginfo or a single thread's death cannot be reproduced from
		 * outside, so fail closed with ENOSYS, which is also what TRACE gives without a
		 * tracer.
		 */
		deny(d, ENOSYS);
		return;
	}
	deny(d, EPERM);
}
