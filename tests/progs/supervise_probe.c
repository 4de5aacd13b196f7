/* SPDX-License-Identifier: MIT */
/*
 * supervise_probe: what a workload under supervise clauses sees (tests/test_supervise_*.c).
 * Each op prints one line the tests compare, with and without bouncer.
 *
 *   supervise_probe OP [ARGS] [OP [ARGS]]...
 *
 *   as UID GID          drop to UID/GID (setgroups to {GID}, setresgid, setresuid)
 *   umask OCTAL         set the umask
 *   chdir PATH          chdir (not supervised by the test policies)
 *   cd PATH             chdir then getcwd: "cd PATH: 0 cwd=CWD" or "cd PATH: -1 ENAME cwd=CWD"
 *   fchdir PATH         open(PATH, O_DIRECTORY) then fchdir: "fchdir PATH: 0 cwd=CWD" or
 *                       "fchdir PATH: -1 ENAME cwd=CWD"
 *   getppid             getppid(): "getppid: N" (a call a test policy may route, to have one)
 *   open PATH           openat(AT_FDCWD, PATH, O_RDONLY): "open PATH: fd=N data=FIRSTLINE"
 *                       or "open PATH: -1 ENAME"
 *   openfl PATH FLAGS   openat with FLAGS (a list: rdonly,cloexec,nonblock,append):
 *                       "openfl PATH: fd=N cloexec=0|1 fl=0xF" (F_GETFL) or "-1 ENAME"
 *   open2r PATH LIST    openat2 with resolve flags (beneath,nosymlinks,noxdev,nomagic):
 *                       "open2r PATH: fd=N data=..." or "-1 ENAME"
 *   openat-dir DIR NAME openat(open(DIR, O_DIRECTORY), NAME): "openat-dir DIR NAME: fd=N data=..."
 *   open2 PATH          the same through openat2 (no resolve flags)
 *   create PATH MODE    openat(O_CREAT|O_EXCL|O_WRONLY, MODE) then fstat:
 *                       "create PATH: ok uid=U gid=G mode=0MMM" or "create PATH: -1 ENAME"
 *   mkdir PATH MODE     mkdirat then stat: "mkdir PATH: ok uid=U gid=G mode=0MMM"
 *   stat PATH           stat(): "stat PATH: ino=I mode=0M uid=U size=S nlink=N" or "-1 ENAME"
 *   lstat PATH          the same with lstat()
 *   statx PATH          statx(AT_FDCWD, PATH, 0, STATX_BASIC_STATS): the same fields
 *   access PATH MODE    access(PATH, MODE octal): "access PATH: 0" or "-1 ENAME"
 *   readlink PATH       "readlink PATH: TEXT" or "-1 ENAME"
 *   fchown-empty PATH   fchownat(fd of PATH, "", -1, getgid(), AT_EMPTY_PATH), then the same on a
 *                       pipe: "fchown-empty PATH: 0 pipe: 0" (or -1 ENAME for either)
 *   fstat-pipe          fstat() of a pipe (newfstatat(fd, "", AT_EMPTY_PATH)): "fstat-pipe:
 *                       fifo=1" or "-1 ENAME"
 *   symlink TEXT PATH   symlink(): "symlink PATH: 0" or "-1 ENAME" (then lstat shown by "lstat")
 *   link OLD NEW        link(): "link OLD NEW: 0" or "-1 ENAME"
 *   chmod PATH MODE     chmod(): "chmod PATH: 0 mode=0MMM" or "-1 ENAME"
 *   chown PATH UID GID  chown(): "chown PATH: 0 uid=U gid=G" or "-1 ENAME"
 *   lchown PATH UID GID the same with lchown()
 *   truncate PATH LEN   truncate(): "truncate PATH: 0 size=S" or "-1 ENAME"
 *   mkfifo PATH MODE    mknod(S_IFIFO): "mkfifo PATH: 0 mode=0MMM" or "-1 ENAME"
 *   unlink PATH         "unlink PATH: 0" or "-1 ENAME"
 *   rename OLD NEW      "rename OLD NEW: 0" or "-1 ENAME"
 *   connect PORT        TCP connect to 127.0.0.1:PORT (a listener in this probe accepts):
 *                       "connect PORT: 0" or "connect PORT: -1 ENAME"
 *   connect-nb PORT     the same on a non-blocking socket ("-1 EINPROGRESS" is a result)
 *   sendto PORT         a UDP datagram "hello" to 127.0.0.1:PORT (received by a socket of this
 *                       probe bound there): "sendto PORT: 5 received=hello" or "-1 ENAME"
 *   send-connected PORT the same through connect + send (sendto with a NULL address)
 *   unix-listen PATH    a unix stream socket bound to PATH and listening (kept open):
 *                       "unix-listen PATH: 0 mode=0MMM" (the socket file's) or "-1 ENAME"
 *   unix-connect PATH   "unix-connect PATH: 0" or "-1 ENAME"
 *   exec-race OK BAD CHILDREN
 *                       CHILDREN processes each flip a path buffer between OK and BAD in one
 *                       thread while another calls execve on it (argv: PROG getppid 1) until
 *                       one succeeds; "exec-race: children=N" once all have ended
 *   chdir-race OK BAD CHILDREN
 *                       CHILDREN processes each flip a path buffer between OK and BAD in one
 *                       thread while another calls chdir on it until one succeeds, then say
 *                       "chdir-race: pid=P cwd=CWD" and call getppid (a supervised call, on
 *                       which bouncer verifies the directory); "chdir-race: children=N" once
 *                       all have ended
 *   race-open OK BAD N SECS
 *                       one thread flips a path buffer between OK and BAD while this one
 *                       calls openat on it, N times or SECS seconds; the content read tells
 *                       which file was opened: "race-open: attempts=A ok=O bad=B denied=D"
 *   race-symlink LINK OK BAD N SECS
 *                       one thread swaps LINK (rename of a fresh symlink) between pointing
 *                       at OK and at BAD while this one opens LINK: same line, "race-symlink:"
 *   race-connect OKPORT BADPORT N SECS
 *                       UDP sockets on 127.0.0.1 at both ports; one thread flips a sockaddr
 *                       between them while this one connects a fresh UDP socket with it; the
 *                       peer (getpeername) tells where it went: "race-connect: ..."
 *
 * Exits 0 after the last op, 2 on a usage error, 99 when the probe itself failed.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

#include "probe_util.h"

static atomic_bool stop_flag;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* First line of what fd holds (at most 63 bytes), for "data=". */
static void first_line(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);
	char *nl;

	if (n < 0)
		n = 0;
	buf[n] = '\0';
	nl = strchr(buf, '\n');
	if (nl != NULL)
		*nl = '\0';
}

static void op_open(const char *path, bool use_openat2)
{
	char data[64];
	int fd;

	if (use_openat2) {
		struct open_how how = {.flags = O_RDONLY | O_CLOEXEC};

		fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	} else {
		fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0) {
		say("open %s: -1 %s", path, errno_name(errno));
		return;
	}
	first_line(fd, data, sizeof(data));
	say("open %s: fd=%d data=%s", path, fd, data);
	close(fd);
}

static void op_openfl(const char *path, const char *list)
{
	int flags = O_RDONLY, fd;

	if (strstr(list, "cloexec"))
		flags |= O_CLOEXEC;
	if (strstr(list, "nonblock"))
		flags |= O_NONBLOCK;
	if (strstr(list, "append"))
		flags = (flags & ~O_ACCMODE) | O_WRONLY | O_APPEND;
	fd = openat(AT_FDCWD, path, flags);
	if (fd < 0) {
		say("openfl %s: -1 %s", path, errno_name(errno));
		return;
	}
	say("openfl %s: fd=%d cloexec=%d fl=0x%x", path, fd, (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0,
	    (unsigned)fcntl(fd, F_GETFL));
	close(fd);
}

static void op_open2r(const char *path, const char *list)
{
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC};
	char data[64];
	int fd;

	if (strstr(list, "beneath"))
		how.resolve |= RESOLVE_BENEATH;
	if (strstr(list, "nosymlinks"))
		how.resolve |= RESOLVE_NO_SYMLINKS;
	if (strstr(list, "noxdev"))
		how.resolve |= RESOLVE_NO_XDEV;
	if (strstr(list, "nomagic"))
		how.resolve |= RESOLVE_NO_MAGICLINKS;
	fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	if (fd < 0) {
		say("open2r %s: -1 %s", path, errno_name(errno));
		return;
	}
	first_line(fd, data, sizeof(data));
	say("open2r %s: fd=%d data=%s", path, fd, data);
	close(fd);
}

static void op_create(const char *path, const char *mode)
{
	int fd = openat(AT_FDCWD, path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
	                (mode_t)strtoul(mode, NULL, 8));
	struct stat st;

	if (fd < 0) {
		say("create %s: -1 %s", path, errno_name(errno));
		return;
	}
	if (fstat(fd, &st) < 0)
		die("fstat: %s", strerror(errno));
	say("create %s: ok uid=%u gid=%u mode=0%03o", path, (unsigned)st.st_uid,
	    (unsigned)st.st_gid, (unsigned)(st.st_mode & 07777));
	close(fd);
}

static void op_mkdir(const char *path, const char *mode)
{
	struct stat st;

	if (mkdirat(AT_FDCWD, path, (mode_t)strtoul(mode, NULL, 8)) < 0) {
		say("mkdir %s: -1 %s", path, errno_name(errno));
		return;
	}
	if (stat(path, &st) < 0)
		die("stat: %s", strerror(errno));
	say("mkdir %s: ok uid=%u gid=%u mode=0%03o", path, (unsigned)st.st_uid, (unsigned)st.st_gid,
	    (unsigned)(st.st_mode & 07777));
}

static void op_stat(const char *op, const char *path)
{
	struct stat st;
	int rc;

	if (strcmp(op, "statx") == 0) {
		struct statx stx;

		rc = statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &stx);
		if (rc == 0) {
			st.st_ino = stx.stx_ino;
			st.st_mode = stx.stx_mode;
			st.st_uid = stx.stx_uid;
			st.st_size = (off_t)stx.stx_size;
			st.st_nlink = stx.stx_nlink;
		}
	} else {
		rc = op[0] == 'l' ? lstat(path, &st) : stat(path, &st);
	}
	if (rc < 0)
		say("%s %s: -1 %s", op, path, errno_name(errno));
	else
		say("%s %s: ino=%lu mode=0%o uid=%u size=%ld nlink=%lu", op, path,
		    (unsigned long)st.st_ino, (unsigned)st.st_mode, (unsigned)st.st_uid,
		    (long)st.st_size, (unsigned long)st.st_nlink);
}

static void *acceptor(void *arg)
{
	int lfd = (int)(intptr_t)arg;

	for (;;) {
		int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

		if (c >= 0)
			close(c);
		else if (errno != EINTR)
			return NULL;
	}
}

static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

/* A listener that accepts in the background: connect needs someone to answer. */
static void listen_on(int port, int type)
{
	struct sockaddr_in a = loopback(port);
	int one = 1, fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	pthread_t t;

	if (fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("bind %d: %s", port, strerror(errno));
	if (type == SOCK_STREAM) {
		if (listen(fd, 64) < 0)
			die("listen: %s", strerror(errno));
		pthread_create(&t, NULL, acceptor, (void *)(intptr_t)fd);
		pthread_detach(t);
	}
}

static void op_connect(const char *port_text, bool nonblock)
{
	int port = atoi(port_text);
	struct sockaddr_in a = loopback(port);
	int fd;

	listen_on(port, SOCK_STREAM);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		say("connect%s %d: -1 %s", nonblock ? "-nb" : "", port, errno_name(errno));
	else
		say("connect%s %d: 0", nonblock ? "-nb" : "", port);
	close(fd);
}

static void op_sendto(const char *op, int port)
{
	struct sockaddr_in a = loopback(port);
	int rx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	char got[16] = "";
	ssize_t n;

	if (rx < 0 || tx < 0 || bind(rx, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("udp setup: %s", strerror(errno));
	if (strcmp(op, "sendto") == 0) {
		n = sendto(tx, "hello", 5, 0, (struct sockaddr *)&a, sizeof(a));
	} else {
		if (connect(tx, (struct sockaddr *)&a, sizeof(a)) < 0)
			die("connect: %s", strerror(errno));
		n = send(tx, "hello", 5, 0);
	}
	if (n < 0) {
		say("%s %d: -1 %s", op, port, errno_name(errno));
	} else {
		ssize_t r = recv(rx, got, sizeof(got) - 1, MSG_DONTWAIT);

		got[r > 0 ? r : 0] = '\0';
		say("%s %d: %zd received=%s", op, port, n, got);
	}
	close(rx);
	close(tx);
}

static void op_unix(const char *op, const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct stat st;
	int rc;

	if (fd < 0)
		die("socket: %s", strerror(errno));
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	if (strcmp(op, "unix-listen") == 0) {
		rc = bind(fd, (struct sockaddr *)&a, sizeof(a));
		if (rc == 0)
			rc = listen(fd, 16);
		if (rc < 0) {
			say("%s %s: -1 %s", op, path, errno_name(errno));
			close(fd);
			return;
		}
		if (stat(path, &st) < 0)
			die("stat: %s", strerror(errno));
		say("%s %s: 0 mode=0%03o", op, path, (unsigned)(st.st_mode & 07777));
		return; /* kept open: later connects need the listener */
	}
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		say("%s %s: -1 %s", op, path, errno_name(errno));
	else
		say("%s %s: 0", op, path);
	close(fd);
}

/* ---- races ---- */

struct flipper {
	char *buf; /* flipped in place */
	const char *a, *b;
	size_t len;
};

static void *flip_path(void *arg)
{
	struct flipper *f = arg;

	while (!atomic_load_explicit(&stop_flag, memory_order_relaxed)) {
		memcpy(f->buf, f->a, f->len + 1);
		memcpy(f->buf, f->b, f->len + 1);
	}
	return NULL;
}

struct counts {
	long attempts, ok, bad, denied;
};

/* Opens path and classifies it by content: "ok" content, "bad" content, or refused. */
static void open_and_count(const char *path, const char *ok_data, struct counts *c)
{
	char data[64];
	int fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);

	c->attempts++;
	if (fd < 0) {
		c->denied++;
		return;
	}
	first_line(fd, data, sizeof(data));
	close(fd);
	if (strcmp(data, ok_data) == 0)
		c->ok++;
	else
		c->bad++;
}

static bool keep_going(const struct counts *c, long n, double end)
{
	/* The clock is read every 256 attempts: cheap, and within 10 s is all it has to be. */
	return c->attempts < n && ((c->attempts & 255) != 0 || now_s() < end);
}

static void race_open(const char *ok, const char *bad, long n, double secs)
{
	char ok_data[64], buf[4096];
	struct flipper f = {.buf = buf, .a = ok, .b = bad, .len = strlen(ok)};
	struct counts c = {0};
	double end = now_s() + secs;
	pthread_t t;
	int fd;

	if (strlen(bad) != f.len || f.len >= sizeof(buf))
		die("race-open: paths must have the same length");
	fd = open(ok, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("open %s: %s", ok, strerror(errno));
	first_line(fd, ok_data, sizeof(ok_data));
	close(fd);
	memcpy(buf, ok, f.len + 1);
	pthread_create(&t, NULL, flip_path, &f);
	while (keep_going(&c, n, end))
		open_and_count(buf, ok_data, &c);
	atomic_store(&stop_flag, true);
	pthread_join(t, NULL);
	atomic_store(&stop_flag, false);
	say("race-open: attempts=%ld ok=%ld bad=%ld denied=%ld", c.attempts, c.ok, c.bad, c.denied);
}

struct swapper {
	const char *link, *a, *b;
};

static void *swap_link(void *arg)
{
	struct swapper *s = arg;
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s.tmp", s->link);
	while (!atomic_load_explicit(&stop_flag, memory_order_relaxed)) {
		for (int i = 0; i < 2; i++) {
			unlink(tmp);
			if (symlink(i ? s->b : s->a, tmp) == 0)
				rename(tmp, s->link);
		}
	}
	return NULL;
}

static void race_symlink(const char *link, const char *ok, const char *bad, long n, double secs)
{
	struct swapper s = {.link = link, .a = ok, .b = bad};
	struct counts c = {0};
	double end = now_s() + secs;
	char ok_data[64];
	pthread_t t;
	int fd = open(ok, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die("open %s: %s", ok, strerror(errno));
	first_line(fd, ok_data, sizeof(ok_data));
	close(fd);
	pthread_create(&t, NULL, swap_link, &s);
	while (keep_going(&c, n, end))
		open_and_count(link, ok_data, &c);
	atomic_store(&stop_flag, true);
	pthread_join(t, NULL);
	atomic_store(&stop_flag, false);
	say("race-symlink: attempts=%ld ok=%ld bad=%ld denied=%ld", c.attempts, c.ok, c.bad,
	    c.denied);
}

struct addr_flipper {
	struct sockaddr_in *shared;
	struct sockaddr_in a, b;
};

static void *flip_addr(void *arg)
{
	struct addr_flipper *f = arg;

	while (!atomic_load_explicit(&stop_flag, memory_order_relaxed)) {
		/* Only the port differs: one 16-bit store each way. */
		((volatile struct sockaddr_in *)f->shared)->sin_port = f->a.sin_port;
		((volatile struct sockaddr_in *)f->shared)->sin_port = f->b.sin_port;
	}
	return NULL;
}

static void race_connect(int ok_port, int bad_port, long n, double secs)
{
	struct sockaddr_in shared = loopback(ok_port);
	struct addr_flipper f = {
	        .shared = &shared, .a = loopback(ok_port), .b = loopback(bad_port)};
	struct counts c = {0};
	double end = now_s() + secs;
	pthread_t t;

	listen_on(ok_port, SOCK_DGRAM);
	listen_on(bad_port, SOCK_DGRAM);
	pthread_create(&t, NULL, flip_addr, &f);
	while (keep_going(&c, n, end)) {
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			die("socket: %s", strerror(errno));
		c.attempts++;
		if (connect(fd, (struct sockaddr *)&shared, sizeof(shared)) < 0) {
			c.denied++;
		} else if (getpeername(fd, (struct sockaddr *)&peer, &len) < 0) {
			die("getpeername: %s", strerror(errno));
		} else if (ntohs(peer.sin_port) == ok_port) {
			c.ok++;
		} else {
			c.bad++;
		}
		close(fd);
	}
	atomic_store(&stop_flag, true);
	pthread_join(t, NULL);
	atomic_store(&stop_flag, false);
	say("race-connect: attempts=%ld ok=%ld bad=%ld denied=%ld", c.attempts, c.ok, c.bad,
	    c.denied);
}

static void exec_race_child(const char *ok, const char *bad)
{
	char buf[4096];
	struct flipper f = {.buf = buf, .a = ok, .b = bad, .len = strlen(ok)};
	char *args[] = {"sysprobe", "getppid", "1", NULL};
	pthread_t t;

	if (strlen(bad) != f.len || f.len >= sizeof(buf))
		die("exec-race: paths must have the same length");
	memcpy(buf, ok, f.len + 1);
	pthread_create(&t, NULL, flip_path, &f);
	for (int i = 0; i < 100000; i++)
		execve(buf, args, environ);
	_exit(1);
}

static void exec_race(const char *ok, const char *bad, int children)
{
	int ended = 0;

	for (int i = 0; i < children; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork: %s", strerror(errno));
		if (pid == 0)
			exec_race_child(ok, bad);
	}
	while (wait(NULL) > 0)
		ended++;
	say("exec-race: children=%d", ended);
}

static void op_cd(const char *path)
{
	char cwd[4096];
	int rc = chdir(path), err = errno;

	if (getcwd(cwd, sizeof(cwd)) == NULL)
		die("getcwd: %s", strerror(errno));
	if (rc < 0)
		say("cd %s: -1 %s cwd=%s", path, errno_name(err), cwd);
	else
		say("cd %s: 0 cwd=%s", path, cwd);
}

static void op_fchdir(const char *path)
{
	char cwd[4096];
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc, err;

	rc = fd < 0 ? -1 : fchdir(fd);
	err = errno;
	if (fd >= 0)
		close(fd);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		die("getcwd: %s", strerror(errno));
	if (rc < 0)
		say("fchdir %s: -1 %s cwd=%s", path, errno_name(err), cwd);
	else
		say("fchdir %s: 0 cwd=%s", path, cwd);
}

static void chdir_race_child(const char *ok, const char *bad)
{
	char buf[4096], cwd[4096];
	struct flipper f = {.buf = buf, .a = ok, .b = bad, .len = strlen(ok)};
	pthread_t t;
	int i;

	if (strlen(bad) != f.len || f.len >= sizeof(buf))
		die("chdir-race: paths must have the same length");
	memcpy(buf, ok, f.len + 1);
	pthread_create(&t, NULL, flip_path, &f);
	/* Denied (the checked copy was BAD) or torn by the flip (ENOENT): try again. */
	for (i = 0; i < 100000 && chdir(buf) < 0; i++)
		;
	if (i == 100000)
		_exit(1);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		_exit(1);
	say("chdir-race: pid=%d cwd=%s", (int)getpid(), cwd);
	getppid();
	_exit(0);
}

static void chdir_race(const char *ok, const char *bad, int children)
{
	int ended = 0, status;

	for (int i = 0; i < children; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork: %s", strerror(errno));
		if (pid == 0)
			chdir_race_child(ok, bad);
	}
	while (wait(&status) > 0)
		ended += WIFEXITED(status) && WEXITSTATUS(status) == 0;
	say("chdir-race: children=%d", ended);
}

static void need(int argc, int i, int k)
{
	if (i + k >= argc) {
		fprintf(stderr, "supervise_probe: missing arguments\n");
		exit(2);
	}
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *op = argv[i];

		if (strcmp(op, "as") == 0) {
			need(argc, i, 2);
			gid_t g = (gid_t)atoi(argv[i + 2]);

			if (setgroups(1, &g) < 0 || setresgid(g, g, g) < 0 ||
			    setresuid((uid_t)atoi(argv[i + 1]), (uid_t)atoi(argv[i + 1]),
			              (uid_t)atoi(argv[i + 1])) < 0)
				die("as: %s", strerror(errno));
			i += 2;
		} else if (strcmp(op, "umask") == 0) {
			need(argc, i, 1);
			umask((mode_t)strtoul(argv[++i], NULL, 8));
		} else if (strcmp(op, "chdir") == 0) {
			need(argc, i, 1);
			if (chdir(argv[++i]) < 0)
				die("chdir: %s", strerror(errno));
		} else if (strcmp(op, "cd") == 0) {
			need(argc, i, 1);
			op_cd(argv[++i]);
		} else if (strcmp(op, "getppid") == 0) {
			say("getppid: %d", (int)getppid());
		} else if (strcmp(op, "fchdir") == 0) {
			need(argc, i, 1);
			op_fchdir(argv[++i]);
		} else if (strcmp(op, "open") == 0 || strcmp(op, "open2") == 0) {
			need(argc, i, 1);
			op_open(argv[++i], op[4] == '2');
		} else if (strcmp(op, "open2r") == 0) {
			need(argc, i, 2);
			op_open2r(argv[i + 1], argv[i + 2]);
			i += 2;
		} else if (strcmp(op, "openat-dir") == 0) {
			char data[64];
			int dfd, fd;

			need(argc, i, 2);
			dfd = open(argv[i + 1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			fd = dfd < 0 ? -1 : openat(dfd, argv[i + 2], O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				say("openat-dir %s %s: -1 %s", argv[i + 1], argv[i + 2],
				    errno_name(errno));
			} else {
				first_line(fd, data, sizeof(data));
				say("openat-dir %s %s: fd=%d data=%s", argv[i + 1], argv[i + 2], fd,
				    data);
				close(fd);
			}
			if (dfd >= 0)
				close(dfd);
			i += 2;
		} else if (strcmp(op, "openfl") == 0) {
			need(argc, i, 2);
			op_openfl(argv[i + 1], argv[i + 2]);
			i += 2;
		} else if (strcmp(op, "create") == 0) {
			need(argc, i, 2);
			op_create(argv[i + 1], argv[i + 2]);
			i += 2;
		} else if (strcmp(op, "mkdir") == 0) {
			need(argc, i, 2);
			op_mkdir(argv[i + 1], argv[i + 2]);
			i += 2;
		} else if (strcmp(op, "stat") == 0 || strcmp(op, "lstat") == 0 ||
		           strcmp(op, "statx") == 0) {
			need(argc, i, 1);
			op_stat(op, argv[++i]);
		} else if (strcmp(op, "access") == 0) {
			need(argc, i, 2);
			if (access(argv[i + 1], (int)strtol(argv[i + 2], NULL, 8)) < 0)
				say("access %s: -1 %s", argv[i + 1], errno_name(errno));
			else
				say("access %s: 0", argv[i + 1]);
			i += 2;
		} else if (strcmp(op, "readlink") == 0) {
			char text[256];
			ssize_t n;

			need(argc, i, 1);
			i++;
			n = readlink(argv[i], text, sizeof(text) - 1);
			if (n < 0) {
				say("readlink %s: -1 %s", argv[i], errno_name(errno));
			} else {
				text[n] = '\0';
				say("readlink %s: %s", argv[i], text);
			}
		} else if (strcmp(op, "fchown-empty") == 0) {
			int fd, p[2], a, b, ea, eb;

			need(argc, i, 1);
			fd = open(argv[++i], O_RDONLY | O_CLOEXEC);
			if (fd < 0 || pipe2(p, O_CLOEXEC) < 0)
				die("fchown-empty setup: %s", strerror(errno));
			a = fchownat(fd, "", (uid_t)-1, getgid(), AT_EMPTY_PATH);
			ea = errno;
			b = fchownat(p[0], "", (uid_t)-1, getgid(), AT_EMPTY_PATH);
			eb = errno;
			say("fchown-empty %s: %s pipe: %s", argv[i], a == 0 ? "0" : errno_name(ea),
			    b == 0 ? "0" : errno_name(eb));
			close(fd);
			close(p[0]);
			close(p[1]);
		} else if (strcmp(op, "fstat-pipe") == 0) {
			struct stat st;
			int p[2];

			if (pipe2(p, O_CLOEXEC) < 0)
				die("pipe: %s", strerror(errno));
			if (fstat(p[0], &st) < 0)
				say("fstat-pipe: -1 %s", errno_name(errno));
			else
				say("fstat-pipe: fifo=%d", S_ISFIFO(st.st_mode) ? 1 : 0);
			close(p[0]);
			close(p[1]);
		} else if (strcmp(op, "symlink") == 0) {
			need(argc, i, 2);
			if (symlink(argv[i + 1], argv[i + 2]) < 0)
				say("symlink %s: -1 %s", argv[i + 2], errno_name(errno));
			else
				say("symlink %s: 0", argv[i + 2]);
			i += 2;
		} else if (strcmp(op, "link") == 0) {
			need(argc, i, 2);
			if (link(argv[i + 1], argv[i + 2]) < 0)
				say("link %s %s: -1 %s", argv[i + 1], argv[i + 2],
				    errno_name(errno));
			else
				say("link %s %s: 0", argv[i + 1], argv[i + 2]);
			i += 2;
		} else if (strcmp(op, "chmod") == 0 || strcmp(op, "mkfifo") == 0) {
			struct stat st;
			mode_t mode;
			int rc;

			need(argc, i, 2);
			mode = (mode_t)strtoul(argv[i + 2], NULL, 8);
			rc = op[1] == 'h' ? chmod(argv[i + 1], mode)
			                  : mknod(argv[i + 1], S_IFIFO | mode, 0);
			if (rc < 0)
				say("%s %s: -1 %s", op, argv[i + 1], errno_name(errno));
			else if (lstat(argv[i + 1], &st) < 0)
				die("lstat: %s", strerror(errno));
			else
				say("%s %s: 0 mode=0%o", op, argv[i + 1], (unsigned)st.st_mode);
			i += 2;
		} else if (strcmp(op, "chown") == 0 || strcmp(op, "lchown") == 0) {
			struct stat st;
			uid_t u;
			gid_t g;
			int rc;

			need(argc, i, 3);
			u = (uid_t)atoi(argv[i + 2]);
			g = (gid_t)atoi(argv[i + 3]);
			rc = op[0] == 'l' ? lchown(argv[i + 1], u, g) : chown(argv[i + 1], u, g);
			if (rc < 0)
				say("%s %s: -1 %s", op, argv[i + 1], errno_name(errno));
			else if (lstat(argv[i + 1], &st) < 0)
				die("lstat: %s", strerror(errno));
			else
				say("%s %s: 0 uid=%u gid=%u", op, argv[i + 1], (unsigned)st.st_uid,
				    (unsigned)st.st_gid);
			i += 3;
		} else if (strcmp(op, "truncate") == 0) {
			struct stat st;

			need(argc, i, 2);
			if (truncate(argv[i + 1], (off_t)atol(argv[i + 2])) < 0)
				say("truncate %s: -1 %s", argv[i + 1], errno_name(errno));
			else if (stat(argv[i + 1], &st) < 0)
				die("stat: %s", strerror(errno));
			else
				say("truncate %s: 0 size=%ld", argv[i + 1], (long)st.st_size);
			i += 2;
		} else if (strcmp(op, "unlink") == 0) {
			need(argc, i, 1);
			i++;
			if (unlink(argv[i]) < 0)
				say("unlink %s: -1 %s", argv[i], errno_name(errno));
			else
				say("unlink %s: 0", argv[i]);
		} else if (strcmp(op, "rename") == 0) {
			need(argc, i, 2);
			if (rename(argv[i + 1], argv[i + 2]) < 0)
				say("rename %s %s: -1 %s", argv[i + 1], argv[i + 2],
				    errno_name(errno));
			else
				say("rename %s %s: 0", argv[i + 1], argv[i + 2]);
			i += 2;
		} else if (strcmp(op, "connect") == 0 || strcmp(op, "connect-nb") == 0) {
			need(argc, i, 1);
			op_connect(argv[++i], op[7] == '-');
		} else if (strcmp(op, "sendto") == 0 || strcmp(op, "send-connected") == 0) {
			need(argc, i, 1);
			op_sendto(op, atoi(argv[++i]));
		} else if (strcmp(op, "unix-listen") == 0 || strcmp(op, "unix-connect") == 0) {
			need(argc, i, 1);
			op_unix(op, argv[++i]);
		} else if (strcmp(op, "exec-race") == 0) {
			need(argc, i, 3);
			exec_race(argv[i + 1], argv[i + 2], atoi(argv[i + 3]));
			i += 3;
		} else if (strcmp(op, "chdir-race") == 0) {
			need(argc, i, 3);
			chdir_race(argv[i + 1], argv[i + 2], atoi(argv[i + 3]));
			i += 3;
		} else if (strcmp(op, "race-open") == 0) {
			need(argc, i, 4);
			race_open(argv[i + 1], argv[i + 2], atol(argv[i + 3]), atof(argv[i + 4]));
			i += 4;
		} else if (strcmp(op, "race-symlink") == 0) {
			need(argc, i, 5);
			race_symlink(argv[i + 1], argv[i + 2], argv[i + 3], atol(argv[i + 4]),
			             atof(argv[i + 5]));
			i += 5;
		} else if (strcmp(op, "race-connect") == 0) {
			need(argc, i, 4);
			race_connect(atoi(argv[i + 1]), atoi(argv[i + 2]), atol(argv[i + 3]),
			             atof(argv[i + 4]));
			i += 4;
		} else {
			fprintf(stderr, "supervise_probe: unknown op %s\n", op);
			return 2;
		}
	}
	return 0;
}
