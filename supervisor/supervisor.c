/* SPDX-License-Identifier: MIT */
#include "supervisor.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <seccomp.h>

#include "decide.h"
#include "record.h"

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
	if (rc < 0 || sup->procs == NULL || sup->summary == NULL) {
		supervisor_release(sup);
		return bouncer_error_set(err, -ENOMEM, "out of memory");
	}
	procinfo_cache_init(sup->procs);
	summary_init(sup->summary);

	if (getrandom(id, sizeof(id), 0) != sizeof(id)) {
		uint64_t t = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);

		memcpy(id, &t, sizeof(id));
	}
	for (size_t i = 0; i < sizeof(id); i++)
		snprintf(sup->run_id + 2 * i, 3, "%02x", id[i]);
	return 0;
}

void supervisor_release(struct supervisor *sup)
{
	notify_buffers_release(&sup->buffers);
	syscall_names_release(&sup->names);
	free(sup->procs);
	free(sup->summary);
	sup->procs = NULL;
	sup->summary = NULL;
}

static bool is_exec(const char *name)
{
	return name != NULL && name[0] == 'e' &&
	       (strcmp(name, "execve") == 0 || strcmp(name, "execveat") == 0);
}

static void write_record(struct supervisor *sup, const struct seccomp_notif *req,
                         const struct timespec *ts, uint32_t arch, const char *name,
                         const struct procinfo *who, const struct policy_verdict *verdict,
                         const struct decision *d)
{
	struct record r;

	memset(&r, 0, sizeof(r));
	r.ts = *ts;
	r.run_id = sup->run_id;
	r.seq = ++sup->seq;
	r.pid = who->pid;
	r.tid = (pid_t)req->pid;
	r.comm = who->comm;
	r.exe = who->exe;
	r.arch = arch_name(arch);
	r.syscall = name;
	r.nr = req->data.nr;
	memcpy(r.args, req->data.args, sizeof(r.args));
	r.action = d->action;
	r.errno_value = d->errno_value;
	r.rule_index = verdict->rule != NULL ? (long)verdict->rule->index : -1;
	r.rule_comment = verdict->rule != NULL ? verdict->rule->comment : NULL;
	r.audit = sup->audit;
	r.would = d->would;
	r.would_errno = d->would_errno;
	r.policy = sup->policy_name;

	summary_count(sup->summary, &r, arch);
	if (sup->log != NULL && log_writer_append_record(sup->log, &r) < 0)
		sup->record_failures++;
}

void supervisor_handle_one(struct supervisor *sup, int fd)
{
	struct seccomp_notif *req = sup->buffers.req;
	const struct procinfo *who;
	struct policy_verdict verdict;
	struct decision d;
	struct timespec ts;
	const char *name;
	uint32_t arch;
	bool read_proc;
	int rc;

	rc = notify_receive(fd, &sup->buffers);
	if (rc < 0) {
		/* ENOENT: the target went away between poll and receive. EINTR: try later. */
		if (rc == -ENOENT)
			sup->gone++;
		else if (rc != -EINTR)
			sup->failures++;
		return;
	}
	sup->notifications++;
	clock_gettime(CLOCK_REALTIME, &ts);

	arch = syscall_call_arch(req->data.arch, req->data.nr);
	name = syscall_name(&sup->names, arch, req->data.nr);
	policy_evaluate(sup->policy, &req->data, &verdict);
	decide(&verdict, sup->audit, sup->default_errno, &d);

	who = procinfo_lookup(sup->procs, (pid_t)req->pid, &read_proc);
	if (read_proc && notify_id_valid(fd, req->id) < 0) {
		/*
		 * The thread died while /proc was read: what was read may belong to a new process
		 * that reused its id. Nothing to answer; forget the entry.
		 */
		procinfo_forget_process(sup->procs, (pid_t)req->pid, 0);
		sup->gone++;
		return;
	}

	if (d.kill) {
		/*
		 * The target is blocked in this notification, so its id cannot have been reused:
		 * kill() with a thread id signals that thread's whole process, and SIGKILL is
		 * process-wide. The reply below only releases the dying thread.
		 */
		kill(who->pid > 0 ? who->pid : (pid_t)req->pid, SIGKILL);
	}
	rc = notify_respond(fd, &sup->buffers, req->id, d.error, d.val, d.flags);
	if (rc < 0 && !d.kill) {
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
	if (d.record)
		write_record(sup, req, &ts, arch, name, who, &verdict, &d);
	/* After the record: forgetting may move the cache entry `who` points to. */
	if (is_exec(name) && (d.flags & SECCOMP_USER_NOTIF_FLAG_CONTINUE))
		procinfo_forget_process(sup->procs, (pid_t)req->pid, who->pid);
}
