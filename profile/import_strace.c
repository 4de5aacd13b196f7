/* SPDX-License-Identifier: MIT */
/*
 * `strace -f` output → records. Every syscall line becomes an "allow" record: strace shows what
 * the workload called, and cannot tell a seccomp denial from the kernel's own error returns.
 * Handled shapes (strace 5/6):
 *   PID  name(args) = RET            PID is absent without -f; -t/-tt/-ttt stamps are skipped
 *   PID  name(args <unfinished ...>  recorded here; its "<... name resumed>" line is skipped
 *   PID  +++ exited with 0 +++, --- SIGCHLD {...} ---, strace: Process N attached: skipped
 *   [ Process PID=N runs in 32 bit mode. ]: that process's later syscalls are SCMP_ARCH_X86
 * The executable of each process follows its successful execve and is inherited across
 * fork/clone. Records get synthetic, increasing timestamps (1970-01-01T00:00:00 plus one
 * nanosecond per line), so that "first seen" follows the trace's order.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "prof_import.h"

struct proc {
	long long pid;
	uint32_t arch;
	char *exe;
	char *pending_exe; /* execve path until its result is seen */
};

struct strace_state {
	struct proc *procs;
	size_t n, cap;
	unsigned long long line;
};

void *import_strace_new(void)
{
	return calloc(1, sizeof(struct strace_state));
}

void import_strace_free(void *state)
{
	struct strace_state *st = state;

	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++) {
		free(st->procs[i].exe);
		free(st->procs[i].pending_exe);
	}
	free(st->procs);
	free(st);
}

static struct proc *proc_get(struct strace_state *st, long long pid)
{
	for (size_t i = st->n; i-- > 0;)
		if (st->procs[i].pid == pid)
			return &st->procs[i];
	if (st->n == st->cap) {
		size_t nc = st->cap ? st->cap * 2 : 16;
		struct proc *v = realloc(st->procs, nc * sizeof(*v));

		if (!v)
			return NULL;
		st->procs = v;
		st->cap = nc;
	}
	st->procs[st->n] = (struct proc){.pid = pid, .arch = SCMP_ARCH_X86_64};
	return &st->procs[st->n++];
}

static const char *skip_spaces(const char *p, const char *end)
{
	while (p < end && *p == ' ')
		p++;
	return p;
}

/* The first string argument ("/usr/bin/tr" of execve), malloc'd; NULL if none. */
static char *first_string(const char *p, const char *end)
{
	const char *q;

	while (p < end && *p != '"' && *p != ',' && *p != ')')
		p++;
	if (p >= end || *p != '"')
		return NULL;
	q = ++p;
	while (q < end && *q != '"')
		q += *q == '\\' ? 2 : 1;
	return strndup(p, (size_t)(q - p));
}

/* The return value after the last " = ", or false when there is none. */
static bool result(const char *p, const char *end, long long *ret)
{
	const char *eq = NULL;

	for (const char *q = p; q + 2 < end; q++)
		if (q[0] == ' ' && q[1] == '=' && q[2] == ' ')
			eq = q + 3;
	if (!eq)
		return false;
	*ret = strtoll(eq, NULL, 0);
	return *eq != '?';
}

static bool is_fork(const char *name, size_t len)
{
	return (len == 5 && memcmp(name, "clone", 5) == 0) ||
	       (len == 6 && memcmp(name, "clone3", 6) == 0) ||
	       (len == 4 && memcmp(name, "fork", 4) == 0) ||
	       (len == 5 && memcmp(name, "vfork", 5) == 0);
}

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* What a finished call changes: the executable after execve, the child of a fork. */
static int after_result(struct strace_state *st, struct proc *pr, const char *name, size_t name_len,
                        long long ret)
{
	bool exec = (name_len == 6 && memcmp(name, "execve", 6) == 0) ||
	            (name_len == 8 && memcmp(name, "execveat", 8) == 0);

	if (exec && pr->pending_exe && ret == 0) {
		free(pr->exe);
		pr->exe = pr->pending_exe;
		pr->pending_exe = NULL;
	} else if (is_fork(name, name_len) && ret > 0) {
		char *exe = pr->exe ? strdup(pr->exe) : NULL;
		uint32_t arch = pr->arch;
		struct proc *child = proc_get(st, ret); /* may move pr */

		if (!child) {
			free(exe);
			return -ENOMEM;
		}
		free(child->exe);
		child->exe = exe;
		child->arch = arch;
	}
	return 0;
}

int import_strace_line(void *ctx, const char *line, size_t len, const char **why)
{
	struct importer *im = ctx;
	struct strace_state *st = im->state;
	const char *p = line, *end = line + len, *name;
	long long pid = 0, ret;
	struct proc *pr;
	size_t name_len;
	char ts[64], namebuf[64], comm[16];

	st->line++;
	p = skip_spaces(p, end);
	if (p < end && *p == '[') {
		const char *mode = memmem(p, len, "runs in ", 8);
		const char *num = memmem(p, len, "PID", 3);

		if (!mode || !num) {
			*why = "unrecognised strace line";
			return -EINVAL;
		}
		num += 3;
		while (num < end && (*num == ' ' || *num == '='))
			num++;
		pr = proc_get(st, strtoll(num, NULL, 10));
		if (!pr)
			return -ENOMEM;
		mode += 8;
		pr->arch = strncmp(mode, "32 bit", 6) == 0 ? SCMP_ARCH_X86
		           : strncmp(mode, "x32", 3) == 0  ? SCMP_ARCH_X32
		                                           : SCMP_ARCH_X86_64;
		return 0;
	}
	if ((size_t)(end - p) >= 7 && memcmp(p, "strace:", 7) == 0)
		return 0;
	if (p < end && isdigit((unsigned char)*p)) {
		const char *q = p;

		while (q < end && isdigit((unsigned char)*q))
			q++;
		/* A pid is followed by spaces; a -t time stamp by ':' or '.'. */
		if (q < end && *q == ' ') {
			pid = strtoll(p, NULL, 10);
			p = skip_spaces(q, end);
		}
	}
	/* -t, -tt, -ttt stamps: 12:34:56, 12:34:56.123456, 1700000000.123456 */
	if (p < end && isdigit((unsigned char)*p)) {
		while (p < end && *p != ' ')
			p++;
		p = skip_spaces(p, end);
	}
	if (p < end && (*p == '+' || *p == '-'))
		return 0; /* +++ exit +++, --- signal --- */
	if ((size_t)(end - p) > 5 && memcmp(p, "<... ", 5) == 0) {
		/* The end of an unfinished call: already recorded; only its result matters. */
		name = p + 5;
		p = name;
		while (p < end && (isalnum((unsigned char)*p) || *p == '_'))
			p++;
		pr = proc_get(st, pid);
		if (!pr)
			return -ENOMEM;
		return result(p, end, &ret) ? after_result(st, pr, name, (size_t)(p - name), ret)
		                            : 0;
	}
	name = p;
	while (p < end && (isalnum((unsigned char)*p) || *p == '_'))
		p++;
	name_len = (size_t)(p - name);
	if (name_len == 0 || name_len >= sizeof(namebuf) || p >= end || *p != '(') {
		*why = "unrecognised strace line";
		return -EINVAL;
	}
	memcpy(namebuf, name, name_len);
	namebuf[name_len] = 0;
	pr = proc_get(st, pid);
	if (!pr)
		return -ENOMEM;
	/* Record first, with the executable the process had when it made the call. */
	struct import_record rec = {0};
	snprintf(ts, sizeof(ts), "1970-01-01T00:00:00.%09lluZ", st->line % 1000000000ull);
	snprintf(comm, sizeof(comm), "%s", basename_of(pr->exe ? pr->exe : ""));
	rec.ts = ts;
	rec.pid = pid;
	rec.comm = comm;
	rec.exe = pr->exe ? pr->exe : "";
	rec.arch = pr->arch;
	rec.action = "allow";
	int nr = seccomp_syscall_resolve_name_arch(pr->arch, namebuf);
	if (nr == __NR_SCMP_ERROR && strncmp(namebuf, "syscall_", 8) == 0) {
		/* strace's name for numbers it does not know: syscall_0x1c3 */
		rec.nr = strtoll(namebuf + 8, NULL, 16);
	} else {
		rec.nr = nr;
		rec.syscall = namebuf;
	}
	int rc = import_emit(im, &rec);
	if (rc < 0)
		return rc;
	if (strcmp(namebuf, "execve") == 0 || strcmp(namebuf, "execveat") == 0) {
		free(pr->pending_exe);
		pr->pending_exe = first_string(p, end);
	}
	if (!result(p, end, &ret))
		return 0; /* unfinished: the outcome is not known yet */
	return after_result(st, pr, name, name_len, ret);
}
