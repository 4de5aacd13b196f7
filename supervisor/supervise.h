/* SPDX-License-Identifier: MIT */
/*
 * Deciding on a NOTIFY rule's "supervise" clauses for one notification (docs/inspection.md):
 * gather the facts the clauses reached need (lazily: a clause that decides before a path
 * clause saves the resolution), evaluate, and turn the clause's decision into the supervisor's
 * answer. Allows that depend on pointer contents (paths, addresses) are emulated on the checked
 * copy (emulate.h) and never answered CONTINUE; execve and chdir, which cannot be emulated, are
 * answered CONTINUE and the program that actually started, or the directory actually reached,
 * is verified on the process's next notification.
 *
 * Hot path: one preallocated state per supervisor, no allocation per notification.
 */
#ifndef BOUNCER_SUPERVISE_H
#define BOUNCER_SUPERVISE_H

#include <stdbool.h>

struct supervisor;
struct notification;
struct supervise_state;

/* Start-up: the buffers and the supervisor's own identity. 0 or a negative errno. */
int supervise_state_new(struct supervise_state **out);
void supervise_state_free(struct supervise_state *st);

/*
 * Decides n (whose verdict is a NOTIFY rule with a supervise model) into n->decision and
 * n->extra. The emulation may already have answered the kernel (n->decision.answered).
 */
void supervise_decide(struct supervisor *sup, struct notification *n);

/*
 * An operator's (or the ask default's) "allow" of a call held by an "ask" clause (live review,
 * pending.c): decides n again from the caller's memory as it is now, with "ask" read as
 * "allow", so the allow is emulated on the checked copy like any allow clause and never
 * answered CONTINUE on pointer contents. Memory that now leads to another clause gets that
 * clause's answer.
 */
void supervise_decide_ask_allowed(struct supervisor *sup, struct notification *n);

/*
 * Every notification: if n's process exec'd a program a clause checked, verify that
 * /proc/PID/exe is that program; a mismatch is recorded loudly ("exec_mismatch": true).
 */
void supervise_exec_verify(struct supervisor *sup, struct notification *n);

/*
 * Every notification: if n's process was allowed a chdir after a check of its path, verify that
 * its working directory (/proc/PID/task/TID/cwd) is the directory checked once the chdir has
 * run; another directory is recorded loudly ("cwd_mismatch": true).
 */
void supervise_cwd_verify(struct supervisor *sup, struct notification *n);

#endif
