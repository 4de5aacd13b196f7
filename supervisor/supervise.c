/* SPDX-License-Identifier: MIT */
#include "supervise.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emulate.h"
#include "errno_name.h"
#include "sockaddr_match.h"
#include "supervise_eval.h"
#include "supervise_gather.h"
#include "supervisor.h"
#include "target_mem.h"

/* execve's argv: what the kernel accepts (ARG_MAX is 2 MiB by default; the strings count). */
#define ARGV_ARENA_SIZE (2u << 20)
#define ARGV_MAX_COUNT  65536
/* sendto's payload, copied to be sent with the checked address (larger: EMSGSIZE). */
#define SCRATCH_SIZE (256u << 10)
/* Processes whose exec is waiting to be verified (open addressing by pid; a power of two). */
#define EXEC_CHECKS_MAX 1024
#define EXEC_PROBES     16
/* Processes whose chdir is waiting to be verified (the same scheme). */
#define CWD_CHECKS_MAX 1024
#define CWD_PROBES     16

/* Facts that come from the target's memory: an allow that used them must be emulated. */
#define POINTER_FACTS                                                                              \
	(SUPERVISE_NEEDS_PATHS | SUPERVISE_NEEDS_ADDRESS | SUPERVISE_NEEDS_EXEC |                  \
	 SUPERVISE_NEEDS_ARGV)

struct exec_check {
	pid_t pid;                /* 0: free */
	unsigned long long start; /* the process's start time: a reused pid is another one */
	dev_t dev, before_dev;
	ino_t ino, before_ino;
	char path[PATH_MAX];
};

/*
 * An allowed chdir waiting to be verified: the directory the clause checked, and the process's
 * working directory before the call, to tell "not run yet / failed" from "went elsewhere".
 */
struct cwd_check {
	pid_t pid;                /* 0: free */
	pid_t tid;                /* the thread that called chdir */
	uint64_t notif_id;        /* its notification: the chdir has not run while it is decided */
	unsigned long long start; /* the process's start time: a reused pid is another one */
	dev_t dev, before_dev;
	ino_t ino, before_ino;
	char path[PATH_MAX];
};

struct supervise_state {
	struct supervise_gather_buf buf;
	struct creds_switch sw;
	struct creds_fd_cache status_fds;
	struct target_creds creds;
	/* This notification's caller: its procinfo entry and the supervisor's cache rules. */
	struct procinfo *who;
	struct identity_state *identity;
	bool have_creds;    /* creds holds this notification's caller's identity */
	bool creds_fresh;   /* ... read from /proc now (to be checked with NOTIF_ID_VALID) */
	bool acting;        /* the supervisor's thread acts as the target (creds entered) */
	bool ask_allows;    /* supervise_decide_ask_allowed(): "ask" reads as "allow" */
	bool warned_enosys; /* a missing kernel feature was reported once */
	struct path_resolve_proc_hook proc_hook;
	struct target_mem_hook mem_hook;
	unsigned n_exec_checks;
	struct exec_check exec_checks[EXEC_CHECKS_MAX];
	unsigned n_cwd_checks;
	struct cwd_check cwd_checks[CWD_CHECKS_MAX];
	char argv_arena[ARGV_ARENA_SIZE];
	char scratch[SCRATCH_SIZE];
	struct emulate_msg_buf msg_buf; /* sendmsg's iovecs and control messages */
};

static void proc_leave(void *arg);
static int proc_enter(void *arg);
static int ptrace_raise(void *arg);
static void ptrace_lower(void *arg);

int supervise_state_new(struct supervise_state **out)
{
	struct supervise_state *st = calloc(1, sizeof(*st));
	int rc;

	if (st == NULL)
		return -ENOMEM;
	supervise_gather_init(&st->buf, st->argv_arena, sizeof(st->argv_arena), ARGV_MAX_COUNT);
	emulate_creds_cache_init(&st->status_fds);
	st->proc_hook = (struct path_resolve_proc_hook){
	        .leave = proc_leave, .enter = proc_enter, .arg = st};
	st->mem_hook =
	        (struct target_mem_hook){.raise = ptrace_raise, .lower = ptrace_lower, .arg = st};
	rc = emulate_creds_self(&st->sw);
	if (rc < 0) {
		free(st);
		return rc;
	}
	*out = st;
	return 0;
}

void supervise_state_free(struct supervise_state *st)
{
	if (st == NULL)
		return;
	emulate_creds_cache_release(&st->status_fds);
	free(st);
}

/* ---- record members (record.extra) ---- */

struct extra {
	char *buf;
	size_t size, pos;
	bool full;
};

static void put_raw(struct extra *x, const char *s)
{
	size_t n = strlen(s);

	if (x->full || x->pos + n + 1 > x->size) {
		x->full = true;
		return;
	}
	memcpy(x->buf + x->pos, s, n + 1);
	x->pos += n;
}

static void put_str(struct extra *x, const char *s)
{
	size_t pos = x->pos;

	if (x->full)
		return;
	if (json_put_string(x->buf, x->size, &pos, s) < 0) {
		x->full = true;
		x->buf[x->pos] = '\0';
		return;
	}
	x->pos = pos;
	x->buf[x->pos] = '\0';
}

static void put_num(struct extra *x, const char *key, long value)
{
	char tmp[64];

	snprintf(tmp, sizeof(tmp), ",\"%s\":%ld", key, value);
	put_raw(x, tmp);
}

/* The facts that decided, as record members. argv is cut to what fits, with a marker. */
static void put_facts(struct extra *x, const struct supervise_state *st,
                      const struct supervise_facts *f, const struct syscall_args *sa)
{
	if ((f->have & SUPERVISE_NEEDS_PATHS) && sa != NULL && sa->n_paths > 0) {
		put_raw(x, ",\"paths\":[");
		for (unsigned i = 0; i < sa->n_paths; i++) {
			put_raw(x, i > 0 ? ",{\"given\":" : "{\"given\":");
			put_str(x, st->buf.strings[i]);
			put_raw(x, ",\"resolved\":");
			put_str(x, st->buf.paths[i].anonymous ? "" : st->buf.paths[i].path);
			put_raw(x, "}");
		}
		put_raw(x, "]");
	}
	if ((f->have & SUPERVISE_NEEDS_ADDRESS) && f->addr != NULL) {
		char text[SOCKADDR_FORMAT_MAX];

		sockaddr_format(f->addr, f->addr_len, text, sizeof(text));
		put_raw(x, ",\"address\":");
		put_str(x, text);
		if (f->unix_path != NULL) {
			put_raw(x, ",\"address_resolved\":");
			put_str(x, f->unix_path);
		}
	}
	if ((f->have & SUPERVISE_NEEDS_ARGV) && f->argv != NULL) {
		/* Keep room for the members that follow (emulated, clause, result). */
		size_t limit = x->size > 512 ? x->size - 512 : 0;

		put_raw(x, ",\"argv\":[");
		for (size_t i = 0; i < f->argc && !x->full; i++) {
			size_t before = x->pos;

			if (i > 0)
				put_raw(x, ",");
			put_str(x, f->argv[i]);
			if (x->pos > limit) {
				x->pos = before;
				x->buf[x->pos] = '\0';
				x->full = false;
				put_raw(x, i > 0 ? ",\"...\"" : "\"...\"");
				break;
			}
		}
		put_raw(x, "]");
	}
}

/*
 * After a failed gather: the path strings that were read, without a resolution, so that the
 * record says what was refused. Only when the failure came after the read (a missing
 * directory, a loop, no permission...): after EFAULT or ENAMETOOLONG the buffer holds no
 * complete string.
 */
static void put_given_paths(struct extra *x, const struct supervise_state *st,
                            const struct supervise_facts *f, const struct syscall_args *sa, int rc)
{
	bool any = false;

	if ((f->have & SUPERVISE_NEEDS_PATHS) || sa == NULL || sa->n_paths == 0 || rc == -EFAULT ||
	    rc == -ENAMETOOLONG)
		return;
	for (unsigned i = 0; i < sa->n_paths; i++) {
		if (st->buf.strings[i][0] == '\0')
			continue;
		put_raw(x, any ? ",{\"given\":" : ",\"paths\":[{\"given\":");
		put_str(x, st->buf.strings[i]);
		put_raw(x, "}");
		any = true;
	}
	if (any)
		put_raw(x, "]");
}

/* ---- gathering, lazily ---- */

/* Copies the facts named by bits from src (a fresh gather) into dst. */
static void merge_facts(struct supervise_facts *dst, const struct supervise_facts *src)
{
	unsigned bits = src->have & ~dst->have;

	if (bits & SUPERVISE_NEEDS_PATHS) {
		memcpy(dst->paths, src->paths, sizeof(dst->paths));
		dst->n_paths = src->n_paths;
	}
	if (bits & SUPERVISE_NEEDS_EXEC)
		dst->exec_path = src->exec_path;
	if (bits & SUPERVISE_NEEDS_ADDRESS) {
		dst->addr = src->addr;
		dst->addr_len = src->addr_len;
		dst->unix_path = src->unix_path;
	}
	if (bits & SUPERVISE_NEEDS_ARGV) {
		dst->argv = src->argv;
		dst->argc = src->argc;
	}
	if (bits & SUPERVISE_NEEDS_EXE)
		dst->exe = src->exe;
	if (bits & SUPERVISE_NEEDS_CREDS) {
		dst->uid = src->uid;
		dst->gid = src->gid;
	}
	dst->have |= bits;
}

/* What the first clause that eval could not decide on is missing. */
static unsigned missing_needs(const struct supervise_rule *rule, unsigned have)
{
	for (size_t i = 0; i < rule->n_clauses; i++)
		if (rule->clauses[i].needs & ~have)
			return rule->clauses[i].needs & ~have;
	return rule->needs & ~have;
}

/*
 * From here on the supervisor's thread acts as the target: paths are resolved with its rights
 * (a directory it cannot search stops the resolution with EACCES, as in the kernel) and
 * emulations act with them (emulate_creds.h). The status file is read by thread id: the
 * gather's own NOTIF_ID_VALID checks, and the emulation's, come after this read.
 */
static void proc_leave(void *arg)
{
	struct supervise_state *st = arg;

	emulate_creds_restore(&st->sw);
}

static int proc_enter(void *arg)
{
	struct supervise_state *st = arg;

	return emulate_creds_enter(&st->sw, &st->creds);
}

/*
 * The caller's credentials into st->creds: cached per thread where nothing can change them
 * unseen (identity.h), else read from /proc/TID/status (through a kept descriptor).
 */
static int caller_creds(struct supervise_state *st, const struct supervise_request *req)
{
	bool usable = identity_creds_usable(st->identity, st->who);
	int rc;

	if (st->have_creds)
		return 0;
	if (usable && st->who->creds_cached) {
		identity_creds_load(st->who, &st->creds);
		st->identity->hits++;
	} else {
		rc = emulate_creds_read_cached(&st->status_fds, req->tid, &st->creds);
		if (rc < 0)
			return rc;
		st->identity->misses++;
		st->creds_fresh = true;
		if (usable)
			identity_creds_store(st->who, &st->creds);
	}
	st->have_creds = true;
	return 0;
}

/* Reading the caller's memory while acting as it: CAP_SYS_PTRACE for that read (target_mem.h). */
static int ptrace_raise(void *arg)
{
	struct supervise_state *st = arg;

	return emulate_creds_ptrace(&st->sw, true);
}

static void ptrace_lower(void *arg)
{
	struct supervise_state *st = arg;

	emulate_creds_ptrace(&st->sw, false);
}

static int act_as_target(struct supervise_state *st, const struct supervise_request *req)
{
	int rc = caller_creds(st, req);

	if (rc < 0)
		return rc;
	rc = emulate_creds_enter(&st->sw, &st->creds);
	if (rc < 0)
		return rc;
	st->acting = true;
	/* The target's /proc entries are opened as the supervisor (path_resolve.h), and its
	 * memory read with CAP_SYS_PTRACE where that takes it (target_mem.h). */
	path_resolve_set_proc_hook(&st->proc_hook);
	target_mem_set_hook(&st->mem_hook);
	return 0;
}

/*
 * Evaluates, gathering what the reached clause needs each time eval asks for it. Returns 0 with
 * the decision, or a negative errno to deny with (the gather failed).
 */
static int evaluate(struct supervise_state *st, const struct supervise_rule *rule,
                    const struct supervise_request *req, const struct syscall_args *sa,
                    struct supervise_facts *facts, struct supervise_decision *dec, long *clause)
{
	for (;;) {
		struct supervise_facts more;
		unsigned want;
		int rc = supervise_eval(rule, facts, dec, clause);

		if (rc != -ENODATA)
			return rc;
		want = missing_needs(rule, facts->have);
		if (want == 0)
			return -EPERM; /* cannot happen: eval and the clauses disagree */
		if (want & SUPERVISE_NEEDS_CREDS) {
			/* uid/gid clauses compare the effective ids: from the identity cache. */
			rc = caller_creds(st, req);
			if (rc == 0 && st->creds_fresh && req->listener_fd >= 0)
				rc = target_notif_valid(req->listener_fd, req->notif_id);
			if (rc < 0)
				return rc;
			facts->uid = st->creds.euid;
			facts->gid = st->creds.egid;
			facts->have |= SUPERVISE_NEEDS_CREDS;
			want &= ~SUPERVISE_NEEDS_CREDS;
			if (want == 0)
				continue;
		}
		if ((want & SUPERVISE_NEEDS_EXE) && st->acting) {
			/* /proc/TGID/exe is checked against the reader: read as the supervisor. */
			proc_leave(st);
			rc = supervise_gather(req, sa, SUPERVISE_NEEDS_EXE, &st->buf, &more);
			if (proc_enter(st) < 0 && rc == 0)
				rc = -EPERM;
			if (rc < 0)
				return rc;
			merge_facts(facts, &more);
			want &= ~SUPERVISE_NEEDS_EXE;
			if (want == 0)
				continue;
		}
		if ((want & POINTER_FACTS) && !st->acting) {
			rc = act_as_target(st, req);
			if (rc < 0)
				return rc;
		}
		rc = supervise_gather(req, sa, want, &st->buf, &more);
		if (rc < 0)
			return rc;
		if ((more.have & want) == 0)
			return -EPERM; /* the syscall has no such fact: parse refuses such rules */
		merge_facts(facts, &more);
	}
}

/* ---- exec verification ---- */

/* Field 22 of /proc/PID/stat (start time in clock ticks), 0 when unreadable. */
static unsigned long long start_time(pid_t pid)
{
	char path[64], text[1024];
	unsigned long long start = 0;
	const char *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	/* comm may hold spaces and parentheses: fields restart after the last ')'. */
	p = strrchr(text, ')');
	if (p == NULL ||
	    sscanf(p + 1,
	           " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d "
	           "%*d %llu",
	           &start) != 1)
		return 0;
	return start;
}

/* The slot of pid, or NULL; with create, a free slot for it (NULL when all probes are used). */
static struct exec_check *exec_check_slot(struct supervise_state *st, pid_t pid, bool create)
{
	struct exec_check *free_slot = NULL;

	for (unsigned i = 0; i < EXEC_PROBES; i++) {
		struct exec_check *c = &st->exec_checks[((unsigned)pid + i) % EXEC_CHECKS_MAX];

		if (c->pid == pid)
			return c;
		if (c->pid == 0 && free_slot == NULL)
			free_slot = c;
	}
	return create ? free_slot : NULL;
}

/*
 * Whether the program is an ELF binary, whose /proc/PID/exe will be the program itself.
 * Scripts (#!) and binfmt_misc formats run an interpreter instead, so they are not verified.
 * A program the caller may execute but not read cannot be a script (the interpreter could
 * not read it either): taken as a binary.
 */
static bool is_elf(const struct path_resolution *pr)
{
	unsigned char magic[4];
	int fd = openat(pr->parent_fd, pr->final[0] != '\0' ? pr->final : ".",
	                O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return true;
	n = pread(fd, magic, sizeof(magic), 0);
	close(fd);
	return n == 4 && memcmp(magic, "\177ELF", 4) == 0;
}

static void exec_check_add(struct supervise_state *st, pid_t pid, const struct path_resolution *pr)
{
	struct exec_check *c;
	struct stat prog, before;
	char link[64];

	if (fstatat(pr->parent_fd, pr->final[0] != '\0' ? pr->final : ".", &prog,
	            AT_SYMLINK_NOFOLLOW) < 0)
		return; /* the exec will fail: nothing to verify */
	if (!is_elf(pr))
		return; /* a script's /proc/PID/exe is its interpreter: nothing to compare */
	snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
	/* The exe link is checked against the reader: read it as the supervisor. */
	if (st->acting)
		proc_leave(st);
	if (stat(link, &before) < 0)
		memset(&before, 0, sizeof(before));
	/* Nothing is emulated after this (exec is answered CONTINUE): a failure to act as the
	 * caller again leaves the supervisor's identity, restored at the end anyway. */
	if (st->acting)
		(void)proc_enter(st);
	c = exec_check_slot(st, pid, true);
	if (c == NULL) {
		/* Said, not hidden: this exec cannot be verified. */
		fprintf(stderr,
		        "bouncer: too many execs waiting to be verified: process %d's is not\n",
		        (int)pid);
		return;
	}
	if (c->pid == 0)
		st->n_exec_checks++;
	c->pid = pid;
	c->start = start_time(pid);
	c->dev = prog.st_dev;
	c->ino = prog.st_ino;
	c->before_dev = before.st_dev;
	c->before_ino = before.st_ino;
	snprintf(c->path, sizeof(c->path), "%s", pr->path);
}

void supervise_decide_ask_allowed(struct supervisor *sup, struct notification *n)
{
	sup->supervise->ask_allows = true;
	supervise_decide(sup, n);
	sup->supervise->ask_allows = false;
}

void supervise_exec_verify(struct supervisor *sup, struct notification *n)
{
	struct supervise_state *st = sup->supervise;
	struct exec_check *c;
	struct stat now;
	char link[64];
	struct extra x;

	if (st == NULL || st->n_exec_checks == 0 || n->who == NULL || n->who->pid <= 0)
		return;
	c = exec_check_slot(st, n->who->pid, false);
	if (c == NULL)
		return;
	snprintf(link, sizeof(link), "/proc/%d/exe", (int)c->pid);
	if (stat(link, &now) < 0)
		return;
	if (now.st_dev == c->dev && now.st_ino == c->ino) {
		c->pid = 0; /* verified */
		st->n_exec_checks--;
		return;
	}
	if (now.st_dev == c->before_dev && now.st_ino == c->before_ino)
		return; /* not exec'd yet (another thread), or the exec failed: keep waiting */
	if (start_time(c->pid) != c->start) {
		/* The process exited unverified and its pid was reused: not the same process. */
		c->pid = 0;
		st->n_exec_checks--;
		return;
	}
	/* Another program runs than the one a clause checked: a race won against CONTINUE. */
	x = (struct extra){.buf = n->extra, .size = sizeof(n->extra), .pos = strlen(n->extra)};
	put_raw(&x, ",\"exec_mismatch\":true,\"exec_checked\":");
	put_str(&x, c->path);
	n->decision.record = true;
	fprintf(stderr,
	        "bouncer: exec mismatch: process %d runs another program than the checked %s\n",
	        (int)c->pid, c->path);
	c->pid = 0;
	st->n_exec_checks--;
}

/* ---- chdir verification ---- */

/*
 * The working directory of thread tid of process pid, as /proc shows it (following the magic
 * link: the directory itself). -ENOENT when the thread has gone.
 */
static int stat_cwd(pid_t pid, pid_t tid, struct stat *out)
{
	char link[64];

	snprintf(link, sizeof(link), "/proc/%d/task/%d/cwd", (int)pid, (int)tid);
	return stat(link, out) < 0 ? -errno : 0;
}

/*
 * The slot of pid, or NULL; with create, a free slot for it. When all probes are used, slots of
 * processes that have ended (another start time, or none) are taken back: a process that called
 * chdir and exited without another supervised call would otherwise hold its slot for ever.
 */
static struct cwd_check *cwd_check_slot(struct supervise_state *st, pid_t pid, bool create)
{
	struct cwd_check *free_slot = NULL;

	for (unsigned i = 0; i < CWD_PROBES; i++) {
		struct cwd_check *c = &st->cwd_checks[((unsigned)pid + i) % CWD_CHECKS_MAX];

		if (c->pid == pid)
			return c;
		if (c->pid == 0 && free_slot == NULL)
			free_slot = c;
	}
	if (!create)
		return NULL;
	if (free_slot != NULL)
		return free_slot;
	for (unsigned i = 0; i < CWD_PROBES; i++) {
		struct cwd_check *c = &st->cwd_checks[((unsigned)pid + i) % CWD_CHECKS_MAX];

		if (start_time(c->pid) != c->start) {
			c->pid = 0; /* that process has ended: its chdir no longer matters */
			st->n_cwd_checks--;
			return c;
		}
	}
	return NULL;
}

static void cwd_check_forget(struct supervise_state *st, struct cwd_check *c)
{
	c->pid = 0;
	st->n_cwd_checks--;
}

/*
 * Compares the working directory of c's process with the directory its chdir checked, on
 * notification n of that process. Returns true when the check is settled (verified, failed,
 * another process, or a mismatch recorded on n), false while the chdir may not have run yet.
 *
 * The chdir has certainly run once its own thread makes another call (a thread makes one call
 * at a time) or has gone. Before that, another thread's notification may come first: the
 * directory is then either still the one before (keep waiting), or the new one.
 */
static bool cwd_check_settle(struct supervise_state *st, struct cwd_check *c,
                             struct notification *n)
{
	pid_t tid = (pid_t)n->req.pid;
	bool done = tid == c->tid, is_checked, is_before;
	char now_path[PATH_MAX];
	struct stat now;
	struct extra x;
	char link[64];
	ssize_t len;
	int rc;

	rc = stat_cwd(c->pid, c->tid, &now);
	if (rc == -ENOENT) {
		/* The thread that called chdir has gone; the others share its cwd (CLONE_FS). */
		done = true;
		rc = stat_cwd(c->pid, tid, &now);
		snprintf(link, sizeof(link), "/proc/%d/task/%d/cwd", (int)c->pid, (int)tid);
	} else {
		snprintf(link, sizeof(link), "/proc/%d/task/%d/cwd", (int)c->pid, (int)c->tid);
	}
	if (rc < 0)
		return false; /* unreadable now (the caller is going away): try again later */
	is_checked = now.st_dev == c->dev && now.st_ino == c->ino;
	is_before = now.st_dev == c->before_dev && now.st_ino == c->before_ino;
	if (is_checked && (done || !is_before))
		return true; /* verified */
	if (is_before)
		return done; /* not run yet, or it failed (then nothing changed) */
	if (start_time(c->pid) != c->start)
		return true; /* the process exited unverified and its pid was reused */
	/*
	 * Another directory than the one a clause checked: a thread won the race against
	 * CONTINUE (or the process changed its directory by a means bouncer does not check,
	 * fchdir, before this call). Loud on purpose.
	 */
	len = readlink(link, now_path, sizeof(now_path) - 1);
	now_path[len > 0 ? len : 0] = '\0';
	x = (struct extra){.buf = n->extra, .size = sizeof(n->extra), .pos = strlen(n->extra)};
	put_raw(&x, ",\"cwd_mismatch\":true,\"cwd_checked\":");
	put_str(&x, c->path);
	n->decision.record = true;
	fprintf(stderr,
	        "bouncer: chdir mismatch: process %d's working directory is %s, not the "
	        "checked %s\n",
	        (int)c->pid, now_path, c->path);
	return true;
}

/*
 * Remembers the directory an allowed chdir of thread tid (process pid) checked, to verify it
 * on the process's next notification. The directory is named by the descriptor the clause was
 * matched on, following a final symlink as chdir does. A path that names no directory now is
 * remembered too (as nothing): if the chdir succeeds, it went somewhere else.
 */
static void cwd_check_add(struct supervise_state *st, struct notification *n, pid_t pid, pid_t tid,
                          const struct path_resolution *pr)
{
	struct cwd_check *c;
	struct stat dir, before;

	if (fstatat(pr->parent_fd, pr->final[0] != '\0' ? pr->final : ".", &dir, 0) < 0 ||
	    !S_ISDIR(dir.st_mode))
		memset(&dir, 0, sizeof(dir));
	c = stat_cwd(pid, tid, &before) == 0 ? cwd_check_slot(st, pid, true) : NULL;
	if (c == NULL) {
		/* Said, not hidden: this chdir cannot be verified. */
		fprintf(stderr,
		        "bouncer: too many chdirs waiting to be verified (or /proc/%d unreadable): "
		        "process %d's is not\n",
		        (int)tid, (int)pid);
		return;
	}
	if (c->pid == pid) {
		/*
		 * A second allowed chdir before the first was verified: settle the first as any
		 * call of the process would, then replace it. If the first has not run yet (another
		 * thread's), it is replaced unverified: the directory that stays is the one checked
		 * last (docs/inspection.md, "chdir").
		 */
		cwd_check_settle(st, c, n);
	} else {
		st->n_cwd_checks++;
	}
	c->pid = pid;
	c->tid = tid;
	c->notif_id = n->req.id;
	c->start = start_time(pid);
	c->dev = dir.st_dev;
	c->ino = dir.st_ino;
	c->before_dev = before.st_dev;
	c->before_ino = before.st_ino;
	snprintf(c->path, sizeof(c->path), "%s", pr->path);
}

void supervise_cwd_verify(struct supervisor *sup, struct notification *n)
{
	struct supervise_state *st = sup->supervise;
	struct cwd_check *c;

	if (st == NULL || st->n_cwd_checks == 0 || n->who == NULL || n->who->pid <= 0)
		return;
	c = cwd_check_slot(st, n->who->pid, false);
	if (c == NULL)
		return;
	/* The chdir's own notification: it runs after the answer. */
	if (c->tid == (pid_t)n->req.pid && c->notif_id == n->req.id)
		return;
	if (cwd_check_settle(st, c, n))
		cwd_check_forget(st, c);
}

/* ---- the decision ---- */

static bool is_exec_name(const char *name)
{
	return name != NULL && (strcmp(name, "execve") == 0 || strcmp(name, "execveat") == 0);
}

static bool is_chdir_name(const char *name)
{
	return name != NULL && strcmp(name, "chdir") == 0;
}

static void answer_deny(struct decision *d, int e)
{
	/* An error of 0 would make the call "succeed" without running: never. */
	if (e <= 0 || e > 4095)
		e = EPERM;
	d->flags = 0;
	d->error = -e;
	d->val = 0;
	d->action = RECORD_DENY;
	d->errno_value = e;
}

static void answer_continue(struct decision *d, enum record_action action)
{
	d->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	d->error = 0;
	d->val = 0;
	d->action = action;
	d->errno_value = 0;
}

static struct emulate_ctx emulate_ctx_for(struct supervise_state *st, const struct notification *n,
                                          const struct supervise_request *req,
                                          const struct supervise_facts *facts)
{
	return (struct emulate_ctx){
	        .name = n->name,
	        .arch = n->arch,
	        .args = req->args,
	        .tid = req->tid,
	        .tgid = req->tgid,
	        .listener = n->listener,
	        .notif_id = n->req.id,
	        .buf = &st->buf,
	        .facts = facts,
	        .creds = &st->creds,
	        .status_fds = &st->status_fds,
	        .sw = &st->sw,
	        .scratch = st->scratch,
	        .scratch_size = sizeof(st->scratch),
	        .msg = &st->msg_buf,
	};
}

static void put_errno(struct extra *x, const char *key, int e)
{
	put_raw(x, ",\"");
	put_raw(x, key);
	put_raw(x, "\":");
	put_str(x, errno_name(e) != NULL ? errno_name(e) : "E?");
}

/* An emulation the supervisor could not perform (rc < 0): said once, counted, recorded. */
static void emulation_failed(struct supervisor *sup, const struct notification *n, int rc)
{
	struct supervise_state *st = sup->supervise;

	if (rc == -ENOSYS && !st->warned_enosys) {
		/* pidfd_getfd (5.6), or an ABI whose struct layout bouncer does not write. */
		st->warned_enosys = true;
		fprintf(stderr, "bouncer: cannot emulate %s here (%s): allowed calls are denied\n",
		        n->name != NULL ? n->name : "this call", "ENOSYS");
	}
	/* Counted as failures: not a gone caller, a missing feature or a refusal. */
	if (rc != -ENOENT && rc != -ENOSYS && rc != -EPERM)
		sup->failures++;
}

/* An allow on pointer contents: emulate it, or deny. */
static void allow_emulated(struct supervisor *sup, struct notification *n,
                           const struct supervise_request *req, const struct supervise_facts *facts,
                           enum record_action action, struct extra *x)
{
	struct supervise_state *st = sup->supervise;
	struct decision *d = &n->decision;
	struct emulate_result res;
	struct emulate_ctx ctx = emulate_ctx_for(st, n, req, facts);
	int rc;

	/*
	 * Pointer facts were gathered acting as the target: st->creds is its identity, read by
	 * thread id before the gather, whose NOTIF_ID_VALID checks came after it.
	 */
	rc = st->acting ? emulate_syscall(&ctx, &res) : -EPERM;
	if (rc < 0) {
		/* The supervisor could not act as the target would: deny, with what went wrong. */
		emulation_failed(sup, n, rc);
		answer_deny(d, -rc);
		put_raw(x, ",\"emulated\":false");
		put_errno(x, "emulation_errno", -rc);
		return;
	}
	d->action = action;
	put_raw(x, ",\"emulated\":true");
	if (res.cont) {
		answer_continue(d, action);
		return;
	}
	d->flags = 0;
	d->error = res.error;
	d->val = res.val;
	d->answered = res.answered;
	if (res.error != 0) {
		put_raw(x, ",\"result_errno\":");
		put_str(x, errno_name(-res.error) != NULL ? errno_name(-res.error) : "E?");
	} else {
		put_num(x, "result", (long)res.val);
	}
}

/* One sendmmsg message's address as an element of the record's "addresses" (null: none). */
static void put_address_item(struct extra *x, const struct supervise_facts *f, bool first)
{
	char text[SOCKADDR_FORMAT_MAX];

	if (!first)
		put_raw(x, ",");
	if (f->addr == NULL) {
		put_raw(x, "null");
		return;
	}
	sockaddr_format(f->addr, f->addr_len, text, sizeof(text));
	put_str(x, text);
}

static const char *verdict_name(enum supervise_verdict v)
{
	switch (v) {
	case SUPERVISE_DENY:
		return "deny";
	case SUPERVISE_KILL:
		return "kill";
	case SUPERVISE_ASK:
		return "ask";
	case SUPERVISE_LOG:
		return "log";
	default:
		return "allow";
	}
}

/*
 * sendmmsg, message by message (docs/inspection.md, "sendmmsg"). Message 0 was decided an
 * allow (or log) after its address was looked at. Each allowed message is sent from the copy
 * its address was decided on, then the next message is decided on its own address; the first
 * that is not allowed stops the call, which returns the number sent: the kernel's answer when
 * a message past the first fails. Only message 0 can give the call a deny, kill or ask (a
 * retry starting at the refused message gets it). Nothing is ever answered CONTINUE here, but
 * in audit mode (sup->audit), where nothing is sent: the messages are decided the same way and
 * the record says where enforce mode would have stopped.
 */
static void allow_sendmmsg(struct supervisor *sup, struct notification *n,
                           struct supervise_request *req, const struct syscall_args *sa,
                           struct supervise_facts *facts, enum record_action action,
                           struct extra *x)
{
	struct supervise_state *st = sup->supervise;
	const struct supervise_rule *rule = n->verdict.rule->supervise_model;
	struct decision *d = &n->decision;
	struct emulate_msg_sock sock = EMULATE_MSG_SOCK_CLOSED;
	struct emulate_ctx ctx = emulate_ctx_for(st, n, req, facts);
	/* Keep room for the members after the array (result, stop_*). */
	size_t limit = x->size > 1024 ? x->size - 1024 : 0;
	unsigned vlen = supervise_mmsg_vlen(req), sent = 0;
	struct emulate_result res;
	struct supervise_decision dec = {.verdict = SUPERVISE_ALLOW};
	long clause = -1;
	bool cut = false, last = false;
	int rc, gather_rc = 0;

	ctx.msg_sock = &sock;
	put_num(x, "vlen", (long)vlen);
	put_raw(x, ",\"addresses\":[");
	put_address_item(x, facts, true);
	for (;;) {
		memset(&res, 0, sizeof(res));
		ctx.msg_index = req->msg_index;
		if (sup->audit)
			rc = 0;
		else
			rc = st->acting ? emulate_sendmmsg_one(&ctx, &res, &last) : -EPERM;
		if (rc < 0 || res.error != 0)
			break;
		sent++;
		if (last || sent == vlen)
			break;
		/* The next message: its own address; the other facts hold for the whole call. */
		supervise_gather_release(&st->buf);
		st->buf.strings[0][0] = '\0';
		facts->have &= ~SUPERVISE_NEEDS_ADDRESS;
		facts->addr = NULL;
		facts->addr_len = 0;
		facts->unix_path = NULL;
		req->msg_index = sent;
		gather_rc = evaluate(st, rule, req, sa, facts, &dec, &clause);
		if (gather_rc == 0 && !(facts->have & SUPERVISE_NEEDS_ADDRESS))
			gather_rc = -EPERM; /* cannot happen: message 0 reached an address clause */
		if (gather_rc < 0)
			break;
		if (!cut && x->pos > limit) {
			put_raw(x, ",\"...\"");
			cut = true;
		} else if (!cut) {
			put_address_item(x, facts, false);
		}
		if (dec.verdict != SUPERVISE_ALLOW && dec.verdict != SUPERVISE_LOG)
			break;
		if (dec.verdict == SUPERVISE_LOG)
			action = RECORD_LOG;
	}
	put_raw(x, "]");
	emulate_msg_sock_close(&sock);
	if (rc < 0)
		emulation_failed(sup, n, rc);
	if (sup->audit) {
		answer_continue(d, action);
		put_raw(x, ",\"emulated\":false");
	} else if (sent == 0 && rc < 0) {
		/* The first message could not be sent by the supervisor: deny, as for sendmsg. */
		answer_deny(d, -rc);
		put_raw(x, ",\"emulated\":false");
		put_errno(x, "emulation_errno", -rc);
		return;
	} else if (sent == 0) {
		/* The first message failed as it would have without bouncer: the call's error. */
		d->flags = 0;
		d->action = action;
		d->error = res.error;
		put_raw(x, ",\"emulated\":true");
		put_errno(x, "result_errno", -res.error);
		return;
	} else {
		d->flags = 0;
		d->action = action;
		d->error = 0;
		d->val = sent;
		put_raw(x, ",\"emulated\":true");
		put_num(x, "result", (long)sent);
	}
	if (sent == vlen)
		return;
	/* Why the call stopped before vlen: the message it stopped at, and what stopped it. */
	put_num(x, "stopped_at", (long)sent);
	if (last) {
		put_raw(x,
		        ",\"stop_partial\":true"); /* a stream socket took the last one in part */
	} else if (rc < 0 || res.error != 0) {
		put_errno(x, "stop_errno", rc < 0 ? -rc : -res.error);
	} else if (gather_rc < 0) {
		put_errno(x, "stop_gather_errno", -gather_rc);
	} else {
		if (clause >= 0)
			put_num(x, "stop_clause", clause);
		else
			put_raw(x, ",\"stop_clause\":\"default\"");
		put_raw(x, ",\"stop_decision\":");
		put_str(x, verdict_name(dec.verdict));
	}
}

void supervise_decide(struct supervisor *sup, struct notification *n)
{
	struct supervise_state *st = sup->supervise;
	const struct supervise_rule *rule = n->verdict.rule->supervise_model;
	const struct syscall_args *sa = n->name != NULL ? syscall_args_lookup(n->name) : NULL;
	struct decision *d = &n->decision;
	struct supervise_request req = {
	        .tid = (pid_t)n->req.pid,
	        .tgid = n->who != NULL ? n->who->pid : 0,
	        .ptr_size = syscall_args_ptr_size(n->arch),
	        .listener_fd = n->listener,
	        .notif_id = n->req.id,
	};
	struct supervise_facts facts;
	struct supervise_decision dec;
	struct extra x = {.buf = n->extra, .size = sizeof(n->extra)};
	enum record_action action;
	long clause = -1;
	bool pointers, verify_cwd = false;
	int rc;

	memset(d, 0, sizeof(*d));
	d->record = true;
	n->extra[0] = '\0';
	memcpy(req.args, n->req.data.args, sizeof(req.args));
	/*
	 * The kernel's i386 entry points read 32-bit registers ((unsigned int)regs->bx...), but
	 * seccomp_data carries the full 64-bit registers: a 64-bit program can set their upper
	 * halves and enter with int $0x80. Decide, gather and emulate on what the kernel uses.
	 */
	if (n->arch == SCMP_ARCH_X86)
		for (size_t i = 0; i < sizeof(req.args) / sizeof(req.args[0]); i++)
			req.args[i] = (uint32_t)req.args[i];
	memset(&facts, 0, sizeof(facts));
	memcpy(facts.args, req.args, sizeof(facts.args));
	st->who = procinfo_find(sup->procs, req.tid);
	st->identity = &sup->identity;
	st->have_creds = st->creds_fresh = false;
	req.same_root = identity_root_usable(st->identity, st->who) && st->who->root_same;
	/*
	 * The caller's executable is cached per process (procinfo), refreshed on exec — where
	 * every exec reaches the supervisor (identity.h); otherwise read now (gather).
	 */
	if (identity_creds_usable(st->identity, st->who) && n->who->exe != NULL &&
	    n->who->exe[0] != '\0') {
		facts.exe = n->who->exe;
		facts.have |= SUPERVISE_NEEDS_EXE;
	}

	/* Emptied first: after a failed gather, a string still empty was never read. */
	st->buf.strings[0][0] = st->buf.strings[1][0] = '\0';
	supervise_mmsg_forget(&st->buf);
	rc = evaluate(st, rule, &req, sa, &facts, &dec, &clause);
	/* Found sharing the supervisor's root: the next resolutions may skip looking. */
	if (rc == 0 && !req.same_root && (facts.have & SUPERVISE_NEEDS_PATHS) &&
	    facts.n_paths > 0 && st->buf.paths[0].same_root &&
	    identity_root_usable(st->identity, st->who))
		st->who->root_same = true;
	put_facts(&x, st, &facts, sa);
	if (rc < 0)
		put_given_paths(&x, st, &facts, sa, rc);
	if (rc == -ENOSYS && !st->warned_enosys) {
		/* path_resolve() needs openat2 (Linux 5.6): say so once, deny every time. */
		st->warned_enosys = true;
		fprintf(stderr, "bouncer: this kernel has no openat2 (Linux 5.6): calls that "
		                "supervise clauses decide on paths are denied\n");
	}
	if (rc < 0) {
		/* Unreadable memory, a path too long, a gone target...: deny with the reason. */
		answer_deny(d, -rc);
		put_raw(&x, ",\"gather_errno\":");
		put_str(&x, errno_name(-rc) != NULL ? errno_name(-rc) : "E?");
		if (sup->audit) {
			answer_continue(d, RECORD_ALLOW);
			d->would = RECORD_WOULD_DENY;
			d->would_errno = -rc;
		}
		goto out;
	}
	if (clause >= 0)
		put_num(&x, "clause", clause);
	else
		put_raw(&x, ",\"clause\":\"default\"");
	pointers = (facts.have & POINTER_FACTS) != 0;
	/*
	 * sendto with a NULL address register (a connected socket): the kernel reads no address,
	 * so a decision that found "no address" holds when the call runs. Not sendmsg: its
	 * msg_name is in the caller's memory, where another thread can put an address after the
	 * check, so a sendmsg without an address is emulated too (emulate_sendmsg.c).
	 */
	if (pointers && (facts.have & POINTER_FACTS) == SUPERVISE_NEEDS_ADDRESS &&
	    facts.addr == NULL && n->name != NULL && strcmp(n->name, "sendto") == 0 &&
	    req.args[4] == 0)
		pointers = false;
	/* sendmmsg with vlen 0 (a register): the kernel reads no message at all. */
	if (pointers && (facts.have & POINTER_FACTS) == SUPERVISE_NEEDS_ADDRESS && sa != NULL &&
	    sa->addr_in_mmsghdr && supervise_mmsg_vlen(&req) == 0)
		pointers = false;

	/* An operator allowed the held call: decided again now, "ask" is an allow (emulated). */
	if (dec.verdict == SUPERVISE_ASK && st->ask_allows)
		dec.verdict = SUPERVISE_ALLOW;
	switch (dec.verdict) {
	case SUPERVISE_DENY:
	case SUPERVISE_ASK:
		/*
		 * ask: the holding itself belongs to the hold/grant stage (issue 4); d->hold tells
		 * it to keep the notification. Until a stage honours it, the answer is the deny
		 * below, so an unanswered ask is a deny with the clause's errno.
		 */
		if (dec.verdict == SUPERVISE_ASK) {
			d->hold = true;
			/* "ask" has no errno: the rule's default deny's, else the profile's. */
			dec.errno_nr = rule->fallback.verdict == SUPERVISE_DENY
			                       ? rule->fallback.errno_nr
			                       : (int)sup->default_errno;
		}
		if (sup->audit) {
			answer_continue(d, RECORD_ALLOW);
			d->would = RECORD_WOULD_DENY;
			d->would_errno = dec.errno_nr;
		} else {
			answer_deny(d, dec.errno_nr);
		}
		break;
	case SUPERVISE_KILL:
		if (sup->audit) {
			answer_continue(d, RECORD_ALLOW);
			d->would = RECORD_WOULD_KILL;
		} else {
			answer_deny(d, ENOSYS);
			d->kill = true;
			d->action = RECORD_KILL;
			d->errno_value = 0;
		}
		break;
	case SUPERVISE_ALLOW:
	case SUPERVISE_LOG:
		action = dec.verdict == SUPERVISE_LOG ? RECORD_LOG : RECORD_ALLOW;
		if (pointers && sa != NULL && sa->addr_in_mmsghdr) {
			/* Every message decided on its own address (in audit mode too). */
			allow_sendmmsg(sup, n, &req, sa, &facts, action, &x);
		} else if (!pointers || sup->audit) {
			/* Registers only (the kernel runs with the notification's copy), or audit.
			 */
			answer_continue(d, action);
			put_raw(&x, ",\"emulated\":false");
		} else if (is_exec_name(n->name)) {
			/*
			 * execve cannot be emulated: the kernel reads the path and argv again. Not
			 * race-free (`policy check` says so); the program that starts is verified
			 * on the process's next notification.
			 */
			answer_continue(d, action);
			put_raw(&x, ",\"emulated\":false,\"race_free\":false");
			if (facts.n_paths > 0 && req.tgid > 0)
				exec_check_add(st, req.tgid, &st->buf.paths[0]);
		} else if (is_chdir_name(n->name)) {
			/*
			 * chdir cannot be emulated either: only the caller can change its own
			 * working directory, and the kernel reads the path again. Not race-free;
			 * the directory reached is verified on the process's next notification
			 * (after the supervisor's identity is back: below).
			 */
			answer_continue(d, action);
			put_raw(&x, ",\"emulated\":false,\"race_free\":false");
			verify_cwd = facts.n_paths > 0 && req.tgid > 0;
		} else {
			allow_emulated(sup, n, &req, &facts, action, &x);
		}
		break;
	}
out:
	if (st->acting) {
		path_resolve_set_proc_hook(NULL);
		target_mem_set_hook(NULL);
		emulate_creds_restore(&st->sw);
		st->acting = false;
	}
	if (verify_cwd)
		cwd_check_add(st, n, req.tgid, req.tid, &st->buf.paths[0]);
	supervise_gather_release(&st->buf);
}
