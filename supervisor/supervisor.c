/* SPDX-License-Identifier: MIT */
#include "supervisor.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <time.h>

#include <seccomp.h>

#include "decide.h"
#include "live.h"
#include "record.h"
#include "supervise.h"

static void on_check(uv_check_t *check)
{
	supervisor_run_ready(check->data);
}

int supervisor_init(struct supervisor *sup, uv_loop_t *loop, const struct compiled_policy *policy,
                    const char *policy_name, bool audit, bouncer_error_t *err)
{
	const struct policy *source = compiled_policy_source(policy);
	uint32_t arches[64];
	size_t n_arches = 0;
	unsigned char id[8];
	int rc;

	memset(sup, 0, sizeof(*sup));
	sup->loop = loop;
	sup->policy = policy;
	sup->policy_name = policy_name;
	sup->audit = audit;
	sup->default_errno = source->has_default_errno ? source->default_errno : EPERM;

	rc = notify_buffers_init(&sup->buffers);
	if (rc < 0)
		return bouncer_error_set(
		        err, rc,
		        "this kernel has no seccomp user notification "
		        "(SECCOMP_GET_NOTIF_SIZES: %s; Linux 5.0 or later is needed)",
		        strerror(-rc));

	/* Names for every arch the filter accepts; x86_64 also gets x32 and i386 (compat). */
	arches[n_arches++] = seccomp_arch_native();
	if (seccomp_arch_native() == SCMP_ARCH_X86_64) {
		arches[n_arches++] = SCMP_ARCH_X86;
		arches[n_arches++] = SCMP_ARCH_X32;
	}
	for (size_t i = 0; i < source->n_arches && n_arches < 60; i++) {
		arches[n_arches++] = source->arches[i].token;
		for (size_t j = 0; j < source->arches[i].n_sub && n_arches < 60; j++)
			arches[n_arches++] = source->arches[i].sub[j];
	}
	rc = syscall_names_init(&sup->names, arches, n_arches);
	sup->procs = calloc(1, sizeof(*sup->procs));
	sup->summary = calloc(1, sizeof(*sup->summary));
	if (rc == 0)
		rc = supervise_state_new(&sup->supervise);
	if (rc < 0 || sup->procs == NULL || sup->summary == NULL) {
		supervisor_release(sup);
		return bouncer_error_set(err, -ENOMEM, "out of memory");
	}
	procinfo_cache_init(sup->procs);
	summary_init(sup->summary);
	if (exit_watch_init(&sup->exits, loop, sup->procs) < 0) {
		supervisor_release(sup);
		return bouncer_error_set(err, -ENOMEM, "out of memory");
	}
	uv_check_init(loop, &sup->check);
	sup->check.data = sup;
	uv_check_start(&sup->check, on_check);
	/* The check handle alone must not keep the loop alive: listeners and workloads do. */
	uv_unref((uv_handle_t *)&sup->check);

	if (getrandom(id, sizeof(id), 0) != sizeof(id)) {
		uint64_t t = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);

		memcpy(id, &t, sizeof(id));
	}
	for (size_t i = 0; i < sizeof(id); i++)
		snprintf(sup->run_id + 2 * i, 3, "%02x", id[i]);
	return 0;
}

void supervisor_close(struct supervisor *sup)
{
	exit_watch_close(&sup->exits, NULL);
	if (!uv_is_closing((uv_handle_t *)&sup->check))
		uv_close((uv_handle_t *)&sup->check, NULL);
}

void supervisor_release(struct supervisor *sup)
{
	exit_watch_release(&sup->exits);
	notify_buffers_release(&sup->buffers);
	syscall_names_release(&sup->names);
	free(sup->procs);
	free(sup->summary);
	supervise_state_free(sup->supervise);
	sup->supervise = NULL;
	sup->procs = NULL;
	sup->summary = NULL;
}

static bool is_exec(const char *name)
{
	return name != NULL && name[0] == 'e' &&
	       (strcmp(name, "execve") == 0 || strcmp(name, "execveat") == 0);
}

/* prctl(PR_SET_NAME) renames the calling thread: its cached comm is stale once it runs. */
static bool is_set_name(const char *name, uint64_t option)
{
	return option == PR_SET_NAME && name != NULL && strcmp(name, "prctl") == 0;
}

static void write_record(struct supervisor *sup, const struct notification *n)
{
	const struct seccomp_notif *req = &n->req;
	const struct decision *d = &n->decision;
	struct record r;

	memset(&r, 0, sizeof(r));
	r.ts = n->ts;
	r.run_id = sup->run_id;
	r.seq = ++sup->seq;
	r.pid = n->who->pid;
	r.tid = (pid_t)req->pid;
	r.comm = n->who->comm;
	r.exe = n->who->exe;
	r.arch = arch_name(n->arch);
	r.syscall = n->name;
	r.nr = req->data.nr;
	memcpy(r.args, req->data.args, sizeof(r.args));
	r.action = d->action;
	r.errno_value = d->errno_value;
	r.rule_index = n->verdict.rule != NULL ? (long)n->verdict.rule->index : -1;
	r.rule_comment = n->verdict.rule != NULL ? n->verdict.rule->comment : NULL;
	r.audit = sup->audit;
	r.would = d->would;
	r.would_errno = d->would_errno;
	r.policy = sup->policy_name;
	r.extra = n->extra[0] != '\0' ? n->extra : NULL;

	summary_count(sup->summary, &r, n->arch);
	if (sup->log != NULL && log_writer_append_record(sup->log, &r) < 0)
		sup->record_failures++;
	if (sup->live != NULL)
		live_record(sup->live, &r);
}

/*
 * Stage 1: receive one notification and say who made it. Returns 0, or a negative errno when
 * there is nothing to answer (the target went away).
 */
static int notification_receive(struct supervisor *sup, int fd, struct notification *n)
{
	bool read_proc;
	int rc;

	rc = notify_receive(fd, &sup->buffers);
	if (rc < 0) {
		/* ENOENT: the target went away between poll and receive. EINTR: try later. */
		if (rc == -ENOENT)
			sup->gone++;
		else if (rc != -EINTR)
			sup->failures++;
		return rc;
	}
	sup->notifications++;
	n->listener = fd;
	/* A copy, so that a held notification (and the next receive) cannot disturb it. */
	memcpy(&n->req, sup->buffers.req, sizeof(n->req));
	clock_gettime(CLOCK_REALTIME, &n->ts);
	n->arch = syscall_call_arch(n->req.data.arch, n->req.data.nr);
	n->name = syscall_name(&sup->names, n->arch, n->req.data.nr);
	n->extra[0] = '\0';

	n->who = procinfo_lookup(sup->procs, (pid_t)n->req.pid, &read_proc);
	if (read_proc && notify_id_valid(fd, n->req.id) < 0) {
		/*
		 * The thread died while /proc was read: what was read may belong to a new process
		 * that reused its id. Nothing to answer; forget the entry.
		 */
		procinfo_forget_process(sup->procs, (pid_t)n->req.pid, 0);
		sup->gone++;
		return -ENOENT;
	}
	if (read_proc) {
		struct procinfo *entry = procinfo_find(sup->procs, (pid_t)n->req.pid);

		if (exit_watch_add(&sup->exits, (pid_t)n->req.pid, n->who->pid) && entry != NULL)
			entry->exit_watched = sup->exits.threads;
	}
	return 0;
}

/* Stage 2: what the profile says, and what the supervisor does about it. */
static void notification_decide(struct supervisor *sup, struct notification *n)
{
	policy_evaluate(sup->policy, &n->req.data, &n->verdict);
	if (n->verdict.action == POLICY_ACT_NOTIFY && n->verdict.rule != NULL &&
	    n->verdict.rule->supervise_model != NULL)
		supervise_decide(sup, n);
	else
		decide(&n->verdict, sup->audit, sup->default_errno, &n->decision);
	supervise_exec_verify(sup, n);
	supervise_cwd_verify(sup, n);
}

void supervisor_decide(struct supervisor *sup, struct notification *n)
{
	notification_decide(sup, n);
}

/* Stages 3 and 4: answer the kernel, then record and keep the caches true. */
void supervisor_answer(struct supervisor *sup, struct notification *n)
{
	const struct decision *d = &n->decision;
	pid_t tid = (pid_t)n->req.pid;
	int rc = 0;

	if (d->kill) {
		/*
		 * The target is blocked in this notification, so its id cannot have been reused:
		 * kill() with a thread id signals that thread's whole process, and SIGKILL is
		 * process-wide. The reply below only releases the dying thread.
		 */
		kill(n->who->pid > 0 ? n->who->pid : tid, SIGKILL);
	}
	if (!d->answered)
		rc = notify_respond(n->listener, &sup->buffers, n->req.id, d->error, d->val,
		                    d->flags);
	if (rc < 0 && !d->kill) {
		/*
		 * ENOENT: the target was interrupted (a signal) or killed before the answer; its
		 * syscall did not run as decided. With SA_RESTART the kernel sends the same call
		 * again with a new id, which is answered and recorded then. No record now, so that
		 * records count calls, not attempts.
		 */
		if (rc == -ENOENT)
			sup->gone++;
		else
			sup->failures++;
		return;
	}
	if (d->record)
		write_record(sup, n);
	/* After the record: forgetting may move the cache entry n->who points to. */
	if (d->flags & SECCOMP_USER_NOTIF_FLAG_CONTINUE) {
		const char *off;

		if (is_exec(n->name))
			procinfo_forget_process(sup->procs, tid, n->who->pid);
		else if (is_set_name(n->name, n->req.data.args[0]))
			procinfo_forget_process(sup->procs, tid, 0);
		off = identity_note_continued(&sup->identity, sup->procs, n->name,
		                              n->req.data.args[0], n->req.data.args[1], tid);
		if (off != NULL && !sup->quiet)
			fprintf(stderr, "bouncer: note: process %d %s\n",
			        n->who->pid > 0 ? (int)n->who->pid : (int)tid, off);
	}
}

void supervisor_handle_one(struct supervisor *sup, int fd)
{
	struct notification *n = &sup->current;

	if (notification_receive(sup, fd, n) < 0)
		return;
	/* Live review: a grant or remembered rule decides before the policy; "ask" waits. */
	if (sup->live == NULL || !live_before_decide(sup->live, n)) {
		notification_decide(sup, n);
		/* Not held (no live review, audit): hold's prepared answer is given. */
		if (sup->live != NULL && live_after_decide(sup->live, n))
			return;
	}
	supervisor_answer(sup, n);
	if (sup->live != NULL)
		live_answered(sup->live, n);
}
