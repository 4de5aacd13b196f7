/* SPDX-License-Identifier: MIT */
/*
 * The kernel's seccomp audit messages → records. One parser for the three shapes they come in:
 *   auditd:     type=SECCOMP msg=audit(1700000000.123:456): auid=... pid=... comm="sh" ...
 *   kmsg:       [ 12.3] audit: type=1326 audit(1700000000.123:456): auid=... (dmesg, /dev/kmsg)
 *   journalctl: Nov 23 23:30:01 host kernel: audit: type=1326 audit(...): ...
 * Fields used (kernel/auditsc.c audit_seccomp()): pid, comm, exe, arch (AUDIT_ARCH_*, which
 * libseccomp's SCMP_ARCH_* tokens equal), syscall, code (the filter's SECCOMP_RET_* value).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "prof_import.h"

#define X32_SYSCALL_BIT 0x40000000ll

/* The value of `key=` in the message part, NUL-terminated into buf. Quoted values are
 * unquoted; unquoted ones that are all hex digits and were logged as hex (comm, exe with
 * special characters) are decoded when hex is true. */
static bool field(const char *line, size_t len, const char *key, char *buf, size_t size, bool hex)
{
	size_t klen = strlen(key);
	const char *end = line + len;

	for (const char *p = line; p + klen + 1 < end; p++) {
		if ((p != line && p[-1] != ' ') || memcmp(p, key, klen) != 0 || p[klen] != '=')
			continue;
		p += klen + 1;
		size_t n = 0;
		if (p < end && *p == '"') {
			for (p++; p < end && *p != '"' && n + 1 < size; p++)
				buf[n++] = *p;
			buf[n] = 0;
			return true;
		}
		const char *v = p;
		while (p < end && *p != ' ')
			p++;
		size_t vlen = (size_t)(p - v);
		bool all_hex = vlen % 2 == 0 && vlen > 0;
		for (size_t i = 0; i < vlen && all_hex; i++)
			all_hex = (v[i] >= '0' && v[i] <= '9') || (v[i] >= 'A' && v[i] <= 'F');
		if (hex && all_hex) {
			for (size_t i = 0; i + 1 < vlen && n + 1 < size; i += 2)
				buf[n++] = (char)strtoul((char[3]){v[i], v[i + 1], 0}, NULL, 16);
		} else {
			for (size_t i = 0; i < vlen && n + 1 < size; i++)
				buf[n++] = v[i];
		}
		buf[n] = 0;
		return true;
	}
	return false;
}

static bool number(const char *line, size_t len, const char *key, int base, long long *out)
{
	char buf[32], *e;

	if (!field(line, len, key, buf, sizeof(buf), false) || !buf[0])
		return false;
	*out = (long long)strtoull(buf, &e, base);
	return *e == 0;
}

static const char *action_of(unsigned long long code, int *errno_nr)
{
	switch (code & 0xffff0000u) {
	case 0x80000000u: /* SECCOMP_RET_KILL_PROCESS */
	case 0x00000000u: /* SECCOMP_RET_KILL_THREAD */
	case 0x00030000u: /* SECCOMP_RET_TRAP: SIGSYS, which kills unless handled */
		return "kill";
	case 0x00050000u: /* SECCOMP_RET_ERRNO */
		*errno_nr = (int)(code & 0xffff);
		return "deny";
	case 0x7ffc0000u: /* SECCOMP_RET_LOG */
		return "log";
	default: /* ALLOW, TRACE, USER_NOTIF: the syscall went on */
		return "allow";
	}
}

int import_audit_line(void *ctx, const char *line, size_t len, const char **why)
{
	struct importer *im = ctx;
	struct import_record rec = {0};
	char comm[64] = "", exe[4096] = "", ts[64];
	const char *stamp = NULL, *msg;
	long long arch, nr, pid = 0, code;
	unsigned long long sec = 0, msec = 0;
	struct tm tm;
	time_t t;

	/* Only seccomp messages: type=SECCOMP (auditd) or type=1326 (kernel, journal). */
	if (!memmem(line, len, "type=SECCOMP", 12) && !memmem(line, len, "type=1326", 9))
		return 0;
	stamp = memmem(line, len, "audit(", 6);
	if (!stamp || sscanf(stamp, "audit(%llu.%llu:", &sec, &msec) != 2) {
		*why = "seccomp audit message without audit(TIME:SERIAL)";
		return -EINVAL;
	}
	msg = strstr(stamp, "): ");
	if (!msg || msg >= line + len) {
		*why = "seccomp audit message without fields";
		return -EINVAL;
	}
	len -= (size_t)(msg + 3 - line);
	line = msg + 3;
	if (!number(line, len, "arch", 16, &arch) || !number(line, len, "syscall", 10, &nr) ||
	    !number(line, len, "code", 16, &code)) {
		*why = "seccomp audit message without arch, syscall or code";
		return -EINVAL;
	}
	number(line, len, "pid", 10, &pid);
	field(line, len, "comm", comm, sizeof(comm), true);
	field(line, len, "exe", exe, sizeof(exe), true);
	rec.arch = (uint32_t)arch;
	/* x32 syscalls come through the x86_64 entry with the x32 bit set in the number. */
	if (rec.arch == SCMP_ARCH_X86_64 && (nr & X32_SYSCALL_BIT))
		rec.arch = SCMP_ARCH_X32;
	if (!prof_arch_name(rec.arch)) {
		*why = "unknown audit arch";
		return -EINVAL;
	}
	t = (time_t)sec;
	gmtime_r(&t, &tm);
	snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02d.%09lluZ", tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, msec * 1000000ull);
	rec.ts = ts;
	rec.pid = pid;
	rec.comm = comm;
	rec.exe = strcmp(exe, "(null)") == 0 ? "" : exe;
	rec.nr = nr;
	rec.action = action_of((unsigned long long)code, &rec.errno_nr);
	return import_emit(im, &rec);
}
