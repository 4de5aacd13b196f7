/* SPDX-License-Identifier: MIT */
/*
 * A program that sandboxes itself with libbouncer-sandbox and hands its listener to a running
 * `bouncer agent`: selfsandbox SOCKET N. Its filter sends getppid to the supervisor and allows
 * everything else; it then calls getppid N times and prints what it saw:
 *   pid: P
 *   getppid: calls=N ok=K err=E errno=NAME
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <bouncer/sandbox.h>

int main(int argc, char **argv)
{
	struct sock_filter insns[] = {
	        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {sizeof(insns) / sizeof(insns[0]), insns};
	struct bouncer_sandbox_report report;
	long n, ok = 0, err = 0;
	int sock, rc, last = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: selfsandbox SOCKET N\n");
		return 2;
	}
	n = strtol(argv[2], NULL, 10);
	sock = bouncer_sandbox_connect(argv[1]);
	if (sock < 0) {
		fprintf(stderr, "selfsandbox: connect %s: %s\n", argv[1], strerror(-sock));
		return 3;
	}
	rc = bouncer_sandbox_enter(&prog, 0, sock, "selfsandbox", &report);
	if (rc < 0) {
		fprintf(stderr, "selfsandbox: enter: %s\n", strerror(-rc));
		return 4;
	}
	close(sock);
	printf("pid: %d\n", (int)getpid());
	for (long i = 0; i < n; i++) {
		if (syscall(SYS_getppid) >= 0) {
			ok++;
		} else {
			err++;
			last = errno;
		}
	}
	printf("getppid: calls=%ld ok=%ld err=%ld errno=%s\n", n, ok, err,
	       last ? strerrorname_np(last) : "none");
	return 0;
}
