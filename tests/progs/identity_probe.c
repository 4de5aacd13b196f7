/* SPDX-License-Identifier: MIT */
/*
 * identity_probe: changes its own identity (credentials, root, mount namespace) between two
 * supervised calls and prints what each call gave, so tests/test_identity_cache.c can check
 * that bouncer's per-thread identity cache (supervisor/identity.h) never acts with a stale
 * identity. Run as root.
 *
 *   identity_probe setuid FILE          open FILE; setresuid(65534) (this thread only); open FILE
 *   identity_probe capdrop FILE         open FILE; drop CAP_DAC_OVERRIDE/READ_SEARCH; open FILE
 *   identity_probe uid                  getppid; setresuid(65534); getppid
 *   identity_probe chroot JAIL FILE     read FILE; chroot JAIL; read FILE
 *   identity_probe mountns DIR NAME     open DIR/NAME; unshare(CLONE_NEWNS) + tmpfs on DIR; open
 *   identity_probe procfile FILE        open FILE; setresuid(65534); open FILE (another process's
 *                                       /proc entry: the kernel asks the opener for ptrace rights)
 *   identity_probe selfproc             open /proc/self/maps; setresuid(65534), which also makes
 *                                       the probe non-dumpable; open /proc/self/maps again
 *   identity_probe nested FILE          open FILE; a listener of its own answers setresuid
 *                                       (bouncer does not see it); setresuid(65534); open FILE
 *                                       (prints "nested: -1 EBUSY" where the kernel refuses a
 *                                       second listener, as Linux up to 6.18 does)
 *
 * Each open prints "open1: N|-1 ERRNO" and "open2: ..."; reads print the first line of the file.
 * Raw syscalls: glibc's setresuid would change every thread (each one a separate call).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "probe_util.h"

static void try_open(const char *label, const char *path)
{
	long fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	int err = errno;

	say_result(label, fd >= 0 ? 0 : -1, err);
	if (fd >= 0)
		close((int)fd);
}

static void try_read(const char *label, const char *path)
{
	char text[128] = "";
	long fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		say("%s: -1 %s", label, errno_name(errno));
		return;
	}
	n = read((int)fd, text, sizeof(text) - 1);
	close((int)fd);
	text[n > 0 ? n : 0] = '\0';
	text[strcspn(text, "\n")] = '\0';
	say("%s: %s", label, text);
}

static void drop_uid(void)
{
	if (syscall(SYS_setresuid, 65534, 65534, 65534) < 0)
		die("setresuid");
}

static void drop_caps(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data) < 0)
		die("capget");
	data[0].effective &= ~((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH));
	if (syscall(SYS_capset, &hdr, data) < 0)
		die("capset");
}

/* The nested listener: answers every notification of its filter with CONTINUE. */
static void *answer_continue(void *arg)
{
	int listener = *(int *)arg;

	for (;;) {
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;

		memset(&req, 0, sizeof(req));
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			return NULL;
		}
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
}

/* A filter whose setresuid goes to a listener of this process (newest filter: asked first). */
static void install_nested_listener(void)
{
	struct sock_filter code[] = {
	        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_setresuid, 0, 1),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(code) / sizeof(code[0]), .filter = code};
	static int listener;
	pthread_t t;

	listener = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
	                        SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	/* Kernels without nested listeners refuse a second one in the filter tree (EBUSY). */
	say_result("nested", listener < 0 ? -1 : 0, errno);
	if (listener < 0)
		return;
	if (pthread_create(&t, NULL, answer_continue, &listener) != 0)
		die("pthread_create");
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (strcmp(cmd, "setuid") == 0 && argc == 3) {
		try_open("open1", argv[2]);
		drop_uid();
		try_open("open2", argv[2]);
	} else if (strcmp(cmd, "procfile") == 0 && argc == 3) {
		try_open("open1", argv[2]);
		drop_uid();
		try_open("open2", argv[2]);
	} else if (strcmp(cmd, "selfproc") == 0 && argc == 2) {
		try_open("open1", "/proc/self/maps");
		drop_uid();
		say("dumpable: %d", prctl(PR_GET_DUMPABLE));
		try_open("open2", "/proc/self/maps");
	} else if (strcmp(cmd, "capdrop") == 0 && argc == 3) {
		try_open("open1", argv[2]);
		drop_caps();
		try_open("open2", argv[2]);
	} else if (strcmp(cmd, "uid") == 0 && argc == 2) {
		long r = syscall(SYS_getppid);

		say_result("getppid1", r < 0 ? -1 : 0, errno);
		drop_uid();
		r = syscall(SYS_getppid);
		say_result("getppid2", r < 0 ? -1 : 0, errno);
	} else if (strcmp(cmd, "chroot") == 0 && argc == 4) {
		try_read("read1", argv[3]);
		if (chroot(argv[2]) < 0)
			die("chroot");
		try_read("read2", argv[3]);
	} else if (strcmp(cmd, "mountns") == 0 && argc == 4) {
		char *path = NULL;

		if (asprintf(&path, "%s/%s", argv[2], argv[3]) < 0)
			die("asprintf");
		try_open("open1", path);
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			die("unshare");
		if (mount("none", argv[2], "tmpfs", 0, NULL) < 0)
			die("mount tmpfs");
		try_open("open2", path);
		free(path);
	} else if (strcmp(cmd, "nested") == 0 && argc == 3) {
		try_open("open1", argv[2]);
		install_nested_listener();
		drop_uid();
		try_open("open2", argv[2]);
	} else {
		fprintf(stderr,
		        "usage: identity_probe setuid|capdrop|uid|chroot|mountns|nested ...\n");
		return 2;
	}
	return 0;
}
