/* SPDX-License-Identifier: MIT */
/*
 * sendmsg_probe: sendmsg(2) calls as a workload makes them, for tests/test_supervise_sendmsg.c
 * and tests/test_supervise_race.c. Each op prints one line; receivers of the datagrams are the
 * tests' own sockets unless said otherwise. Every send goes through syscall(SYS_sendmsg), so
 * the call the supervisor sees is sendmsg whatever libc does.
 *
 *   sendmsg_probe OP [ARGS] [OP [ARGS]]...
 *
 *   as UID GID          drop to UID/GID (setgroups to {GID}, setresgid, setresuid)
 *   pid                 "pid=P uid=U gid=G"
 *   udp PORT            a UDP datagram "sendmsg from three iovecs" (three iovecs) to
 *                       127.0.0.1:PORT: "udp PORT: 25" or "udp PORT: -1 ENAME"
 *   udp-connected PORT  connect, then sendmsg without msg_name: "connected send" (two iovecs)
 *   iov-max PORT        1025 iovecs to 127.0.0.1:PORT: "iov-max PORT: -1 EMSGSIZE"
 *   unix PATH           a unix datagram "plain" to PATH, no control message
 *   rights PATH FILE    "rights" to PATH with SCM_RIGHTS carrying a descriptor of FILE (O_RDONLY)
 *   rights-badfd PATH   SCM_RIGHTS naming descriptor 1000, not open: "-1 EBADF"
 *   bad-cmsg PATH       a control message whose cmsg_len is shorter than its header: "-1 EINVAL"
 *   creds PATH PID UID GID
 *                       "creds" to PATH with SCM_CREDENTIALS {PID, UID, GID} ("self": its own
 *                       pid, uid or gid): "creds PATH PID UID GID: 5" or "-1 ENAME"
 *   netlink PORTID      "nl" on a NETLINK_USERSOCK socket to the netlink socket PORTID (msg_name a
 *                       struct sockaddr_nl): "netlink PORTID: 2" or "-1 ENAME"
 *   connect-abstract NAME
 *                       connect a unix stream socket to the abstract name NAME (for the
 *                       credentials test of connect): "connect-abstract NAME: 0" or "-1 ENAME"
 *   pair-rights FILE    a datagram socketpair (no address): SCM_RIGHTS with FILE, received here,
 *                       the first line read through the received descriptor:
 *                       "pair-rights: 6 data=LINE"
 *   i386-udp PORT       "udp" through the i386 ABI (int $0x80, struct compat_msghdr, 8-byte
 *                       iovecs, memory below 4 GiB): "i386-udp PORT: 25" or "-1 ENAME"
 *   i386-pair-rights FILE
 *                       pair-rights through the i386 ABI (a 12-byte compat cmsg header)
 *   mmsg PORTS          one sendmmsg (raw syscall) on one UDP socket of a message to
 *                       127.0.0.1:PORT for each PORT of the comma-separated list ("-": vlen 0);
 *                       message i is "mmsg I" followed by I dots (6 + I bytes). Prints
 *                       "mmsg PORTS: RET lens=L0,L1,..." (or "-1 ENAME lens=..."): each msg_len
 *                       after the call, 4294967295 where nothing was written
 *   mmsg-connected PORT N
 *                       connect to 127.0.0.1:PORT, then sendmmsg N messages without msg_name
 *   i386-mmsg PORTS     mmsg through the i386 ABI (int $0x80, struct compat_mmsghdr)
 *   mmsg-fault PORT     sendmmsg with vlen 2 whose second struct mmsghdr lies on an unmapped
 *                       page (the first one ends where the mapping ends): "mmsg-fault PORT: 1
 *                       lens=6" as the kernel stops at the unreadable entry
 *   race-sendmmsg OKPORT BADPORT N SECS
 *                       as race-sendmsg, with sendmmsg of two one-byte messages whose msg_name
 *                       the thread flips (both, together); "race-sendmmsg: attempts=A ok=O
 *                       bad=B denied=D other=E sent=S partial=P": S the sum of the returns, P
 *                       the calls that returned 1
 *   race-sendmsg OKPORT BADPORT N SECS
 *                       UDP receivers of this probe at both ports; one thread flips msg_name
 *                       between the two addresses while this one sendmsg's a byte with it, N
 *                       times or SECS seconds; "race-sendmsg: attempts=A ok=O bad=B denied=D
 *                       other=E": datagrams that reached each port, sends refused with EACCES,
 *                       sends failing otherwise
 *
 * Exits 0 after the last op, 2 on a usage error, 99 when the probe itself failed.
 */
#include <arpa/inet.h>
#include <grp.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>

#include "probe_util.h"

static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static struct sockaddr_un unix_addr(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	return a;
}

static long raw_sendmsg(int fd, const struct msghdr *m, int flags)
{
	return syscall(SYS_sendmsg, fd, m, flags);
}

static int udp_socket(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket: %s", strerror(errno));
	return fd;
}

static int unix_dgram(void)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket: %s", strerror(errno));
	return fd;
}

/* Prints "LABEL: N" or "LABEL: -1 ENAME"; label is built with printf. */
__attribute__((format(printf, 3, 4))) static void report(long ret, int err, const char *fmt, ...)
{
	char label[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(label, sizeof(label), fmt, ap);
	va_end(ap);
	say_result(label, ret, err);
}

/* A label built with printf (static storage: one at a time). */
__attribute__((format(printf, 1, 2))) static const char *h_label(const char *fmt, ...)
{
	static char label[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(label, sizeof(label), fmt, ap);
	va_end(ap);
	return label;
}

static void op_udp(const char *op, int port)
{
	struct sockaddr_in a = loopback(port);
	char p1[] = "sendmsg ", p2[] = "from ", p3[] = "three iovecs";
	char c1[] = "connected ", c2[] = "send";
	struct iovec iov[3] = {{p1, 8}, {p2, 5}, {p3, 12}};
	struct msghdr m = {.msg_iov = iov, .msg_iovlen = 3};
	int fd = udp_socket();
	long n;

	if (strcmp(op, "udp-connected") == 0) {
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
			die("connect: %s", strerror(errno));
		iov[0] = (struct iovec){c1, 10};
		iov[1] = (struct iovec){c2, 4};
		m.msg_iovlen = 2;
	} else {
		m.msg_name = &a;
		m.msg_namelen = sizeof(a);
	}
	n = raw_sendmsg(fd, &m, 0);
	report(n, errno, "%s %d", op, port);
	close(fd);
}

static void op_iov_max(int port)
{
	static struct iovec iov[1025];
	static char byte = 'x';
	struct sockaddr_in a = loopback(port);
	struct msghdr m = {
	        .msg_name = &a, .msg_namelen = sizeof(a), .msg_iov = iov, .msg_iovlen = 1025};
	int fd = udp_socket();
	long n;

	for (size_t i = 0; i < 1025; i++)
		iov[i] = (struct iovec){&byte, 1};
	n = raw_sendmsg(fd, &m, 0);
	report(n, errno, "iov-max %d", port);
	close(fd);
}

/* A control buffer big enough for any message this probe sends, aligned for cmsghdr. */
union control {
	char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(4 * sizeof(int))];
	struct cmsghdr align;
};

/* One datagram "text" to path with a control buffer of len bytes (0: none). */
static long send_unix(const char *path, const char *text, union control *c, size_t len)
{
	struct sockaddr_un a = unix_addr(path);
	struct iovec iov = {(void *)text, strlen(text)};
	struct msghdr m = {.msg_name = &a,
	                   .msg_namelen = sizeof(a),
	                   .msg_iov = &iov,
	                   .msg_iovlen = 1,
	                   .msg_control = len > 0 ? c->buf : NULL,
	                   .msg_controllen = len};
	int fd = unix_dgram(), err;
	long n;

	n = raw_sendmsg(fd, &m, 0);
	err = errno;
	close(fd);
	errno = err;
	return n;
}

static size_t put_rights(union control *c, const int *fds, size_t n)
{
	struct cmsghdr *h = (struct cmsghdr *)c->buf;

	memset(c, 0, sizeof(*c));
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(h), fds, n * sizeof(int));
	return CMSG_SPACE(n * sizeof(int));
}

static void op_rights(const char *path, const char *file)
{
	union control c;
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	long n;

	if (fd < 0)
		die("open %s: %s", file, strerror(errno));
	n = send_unix(path, "rights", &c, put_rights(&c, &fd, 1));
	report(n, errno, "rights %s", path);
	close(fd);
}

static void op_rights_badfd(const char *path)
{
	union control c;
	int bad = 1000;
	long n = send_unix(path, "badfd", &c, put_rights(&c, &bad, 1));

	report(n, errno, "rights-badfd %s", path);
}

static void op_bad_cmsg(const char *path)
{
	union control c;
	size_t len = put_rights(&c, (int[]){0}, 1);
	long n;

	/* Shorter than a cmsghdr: CMSG_OK refuses it. */
	((struct cmsghdr *)c.buf)->cmsg_len = 8;
	n = send_unix(path, "bad", &c, len);
	report(n, errno, "bad-cmsg %s", path);
}

static long id_arg(const char *text, long self)
{
	return strcmp(text, "self") == 0 ? self : strtol(text, NULL, 10);
}

static void op_creds(const char *path, const char *pid, const char *uid, const char *gid)
{
	union control c;
	struct cmsghdr *h = (struct cmsghdr *)c.buf;
	struct ucred cr = {.pid = (pid_t)id_arg(pid, getpid()),
	                   .uid = (uid_t)id_arg(uid, getuid()),
	                   .gid = (gid_t)id_arg(gid, getgid())};
	long n;

	memset(&c, 0, sizeof(c));
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_CREDENTIALS;
	h->cmsg_len = CMSG_LEN(sizeof(cr));
	memcpy(CMSG_DATA(h), &cr, sizeof(cr));
	n = send_unix(path, "creds", &c, CMSG_SPACE(sizeof(cr)));
	report(n, errno, "creds %s %s %s %s", path, pid, uid, gid);
}

static void op_netlink(const char *portid)
{
	struct sockaddr_nl a = {.nl_family = AF_NETLINK, .nl_pid = (uint32_t)atol(portid)};
	char text[] = "nl";
	struct iovec iov = {text, 2};
	struct msghdr m = {
	        .msg_name = &a, .msg_namelen = sizeof(a), .msg_iov = &iov, .msg_iovlen = 1};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_USERSOCK);
	long n;

	if (fd < 0)
		die("netlink socket: %s", strerror(errno));
	n = raw_sendmsg(fd, &m, 0);
	report(n, errno, "netlink %s", portid);
	close(fd);
}

static void op_connect_abstract(const char *name)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	size_t n = strnlen(name, sizeof(a.sun_path) - 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int rc;

	if (fd < 0)
		die("socket: %s", strerror(errno));
	memcpy(a.sun_path + 1, name, n);
	rc = connect(fd, (struct sockaddr *)&a,
	             (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n));
	report(rc, errno, "connect-abstract %s", name);
	close(fd);
}

/* Receives one datagram with one descriptor on sock; prints the first line read through it. */
static void receive_rights(const char *label, long sent, int err, int sock)
{
	char data[64] = "", text[64];
	union control c;
	struct iovec iov = {text, sizeof(text)};
	struct msghdr m = {.msg_iov = &iov,
	                   .msg_iovlen = 1,
	                   .msg_control = c.buf,
	                   .msg_controllen = sizeof(c)};
	struct cmsghdr *h;
	ssize_t n;
	int fd = -1;

	if (sent < 0) {
		say("%s: -1 %s", label, errno_name(err));
		return;
	}
	n = recvmsg(sock, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n < 0)
		die("recvmsg: %s", strerror(errno));
	for (h = CMSG_FIRSTHDR(&m); h != NULL; h = CMSG_NXTHDR(&m, h))
		if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(h), sizeof(fd));
	if (fd >= 0) {
		ssize_t r = pread(fd, data, sizeof(data) - 1, 0);
		char *nl;

		data[r > 0 ? r : 0] = '\0';
		nl = strchr(data, '\n');
		if (nl != NULL)
			*nl = '\0';
		close(fd);
	}
	say("%s: %ld data=%s", label, sent, data);
}

static void op_pair_rights(const char *file)
{
	union control c;
	int sv[2], fd = open(file, O_RDONLY | O_CLOEXEC);
	char text[] = "rights";
	struct iovec iov = {text, 6};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf};
	long n;

	if (fd < 0 || socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0)
		die("pair-rights setup: %s", strerror(errno));
	m.msg_controllen = put_rights(&c, &fd, 1);
	n = raw_sendmsg(sv[0], &m, 0);
	close(fd);
	receive_rights("pair-rights", n, errno, sv[1]);
	close(sv[0]);
	close(sv[1]);
}

/* ---- sendmmsg ---- */

#define MMSG_MAX 16

/* The ports of a comma-separated list ("-": none); returns their number. */
static unsigned parse_ports(const char *list, int *ports)
{
	unsigned n = 0;
	char *end;

	if (strcmp(list, "-") == 0)
		return 0;
	while (*list != '\0' && n < MMSG_MAX) {
		ports[n++] = (int)strtol(list, &end, 10);
		list = *end == ',' ? end + 1 : end;
		if (end == list && *end != '\0')
			die("bad port list");
	}
	return n;
}

/* "mmsg I" and I dots: a length that tells the messages apart. */
static size_t mmsg_text(char *buf, unsigned i)
{
	int n = snprintf(buf, 32, "mmsg %u", i);

	memset(buf + n, '.', i);
	return (size_t)n + i;
}

/* Prints "LABEL: RET lens=..." with the msg_len of each message. */
static void report_mmsg(const char *label, long ret, int err, const uint32_t *lens, unsigned n)
{
	char text[512];
	size_t at = 0;

	text[0] = '\0';
	for (unsigned i = 0; i < n; i++)
		at += (size_t)snprintf(text + at, sizeof(text) - at, "%s%u", i > 0 ? "," : "",
		                       lens[i]);
	if (ret < 0)
		say("%s: -1 %s lens=%s", label, errno_name(err), text);
	else
		say("%s: %ld lens=%s", label, ret, text);
}

static void op_mmsg(const char *op, const char *list, int port, unsigned count)
{
	struct sockaddr_in a[MMSG_MAX];
	struct mmsghdr m[MMSG_MAX];
	struct iovec iov[MMSG_MAX];
	char text[MMSG_MAX][32];
	uint32_t lens[MMSG_MAX];
	int ports[MMSG_MAX], fd = udp_socket();
	bool connected = strcmp(op, "mmsg-connected") == 0;
	unsigned n = connected ? count : parse_ports(list, ports);
	long ret;

	if (n > MMSG_MAX)
		die("too many messages");
	if (connected) {
		struct sockaddr_in to = loopback(port);

		if (connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0)
			die("connect: %s", strerror(errno));
	}
	memset(m, 0, sizeof(m));
	for (unsigned i = 0; i < n; i++) {
		iov[i] = (struct iovec){text[i], mmsg_text(text[i], i)};
		m[i].msg_hdr.msg_iov = &iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
		m[i].msg_len = UINT32_MAX;
		if (!connected) {
			a[i] = loopback(ports[i]);
			m[i].msg_hdr.msg_name = &a[i];
			m[i].msg_hdr.msg_namelen = sizeof(a[i]);
		}
	}
	ret = syscall(SYS_sendmmsg, fd, m, n, 0);
	for (unsigned i = 0; i < n; i++)
		lens[i] = m[i].msg_len;
	if (connected)
		report_mmsg(h_label("%s %d %u", op, port, count), ret, errno, lens, n);
	else
		report_mmsg(h_label("%s %s", op, list), ret, errno, lens, n);
	close(fd);
}

static void op_mmsg_fault(int port)
{
	long page = sysconf(_SC_PAGESIZE);
	uint8_t *mem = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE,
	                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct sockaddr_in a = loopback(port);
	char text[32];
	struct iovec iov = {text, mmsg_text(text, 0)};
	struct mmsghdr *m;
	int fd = udp_socket();
	uint32_t len;
	long ret;

	if (mem == MAP_FAILED || munmap(mem + page, (size_t)page) < 0)
		die("mmap: %s", strerror(errno));
	m = (struct mmsghdr *)(mem + page - sizeof(*m));
	memset(m, 0, sizeof(*m));
	m->msg_hdr.msg_name = &a;
	m->msg_hdr.msg_namelen = sizeof(a);
	m->msg_hdr.msg_iov = &iov;
	m->msg_hdr.msg_iovlen = 1;
	m->msg_len = UINT32_MAX;
	ret = syscall(SYS_sendmmsg, fd, m, 2, 0);
	len = m->msg_len;
	report_mmsg(h_label("mmsg-fault %d", port), ret, errno, &len, 1);
	close(fd);
	munmap(mem, (size_t)page);
}

/* ---- the i386 ABI from this 64-bit process ---- */

struct compat_iovec {
	uint32_t base, len;
};

struct compat_msghdr {
	uint32_t name;
	int32_t namelen;
	uint32_t iov, iovlen, control, controllen, flags;
};

struct compat_cmsghdr {
	uint32_t len;
	int32_t level, type;
};

/* Memory an i386 call can point to (below 4 GiB), laid out by the ops. */
static uint8_t *low_memory(void)
{
	static uint8_t *mem;

	if (mem == NULL) {
		mem = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
		           MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
		if (mem == MAP_FAILED)
			die("mmap MAP_32BIT: %s", strerror(errno));
	}
	memset(mem, 0, 65536);
	return mem;
}

static uint32_t low(const void *p)
{
	return (uint32_t)(uintptr_t)p;
}

/* sendmsg is 370 in the i386 table; int $0x80 enters it from a 64-bit process. */
static long i386_sendmsg(int fd, const struct compat_msghdr *m, int flags)
{
	long ret;

	__asm__ volatile("int $0x80"
	                 : "=a"(ret)
	                 : "a"(370L), "b"((long)fd), "c"((long)low(m)), "d"((long)flags)
	                 : "memory", "cc", "r8", "r9", "r10", "r11");
	if (ret < 0 && ret > -4096) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

static void op_i386_udp(int port)
{
	uint8_t *mem = low_memory();
	struct sockaddr_in *a = (struct sockaddr_in *)mem;
	struct compat_iovec *iov = (struct compat_iovec *)(mem + 64);
	struct compat_msghdr *m = (struct compat_msghdr *)(mem + 128);
	char *text = (char *)(mem + 256);
	int fd = udp_socket();
	long n;

	*a = loopback(port);
	memcpy(text, "sendmsg from three iovecs", 25);
	iov[0] = (struct compat_iovec){low(text), 8};
	iov[1] = (struct compat_iovec){low(text + 8), 5};
	iov[2] = (struct compat_iovec){low(text + 13), 12};
	*m = (struct compat_msghdr){
	        .name = low(a), .namelen = sizeof(*a), .iov = low(iov), .iovlen = 3};
	n = i386_sendmsg(fd, m, 0);
	report(n, errno, "i386-udp %d", port);
	close(fd);
}

static void op_i386_pair_rights(const char *file)
{
	uint8_t *mem = low_memory();
	struct compat_iovec *iov = (struct compat_iovec *)mem;
	struct compat_msghdr *m = (struct compat_msghdr *)(mem + 64);
	struct compat_cmsghdr *h = (struct compat_cmsghdr *)(mem + 128);
	char *text = (char *)(mem + 256);
	int sv[2], fd = open(file, O_RDONLY | O_CLOEXEC);
	long n;

	if (fd < 0 || socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0)
		die("i386-pair-rights setup: %s", strerror(errno));
	memcpy(text, "rights", 6);
	iov[0] = (struct compat_iovec){low(text), 6};
	/* A compat header is 12 bytes; the descriptor follows at once (4-byte alignment). */
	*h = (struct compat_cmsghdr){.len = 12 + 4, .level = SOL_SOCKET, .type = SCM_RIGHTS};
	memcpy((uint8_t *)h + 12, &fd, sizeof(fd));
	*m = (struct compat_msghdr){
	        .iov = low(iov), .iovlen = 1, .control = low(h), .controllen = 16};
	n = i386_sendmsg(sv[0], m, 0);
	close(fd);
	receive_rights("i386-pair-rights", n, errno, sv[1]);
	close(sv[0]);
	close(sv[1]);
}

struct compat_mmsghdr {
	struct compat_msghdr hdr;
	uint32_t len;
};

/* sendmmsg is 345 in the i386 table. */
static long i386_sendmmsg(int fd, const struct compat_mmsghdr *m, unsigned vlen, int flags)
{
	long ret;

	__asm__ volatile("int $0x80"
	                 : "=a"(ret)
	                 : "a"(345L), "b"((long)fd), "c"((long)low(m)), "d"((long)vlen),
	                   "S"((long)flags)
	                 : "memory", "cc", "r8", "r9", "r10", "r11");
	if (ret < 0 && ret > -4096) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

static void op_i386_mmsg(const char *list)
{
	uint8_t *mem = low_memory();
	struct sockaddr_in *a = (struct sockaddr_in *)mem;
	struct compat_iovec *iov = (struct compat_iovec *)(mem + 1024);
	struct compat_mmsghdr *m = (struct compat_mmsghdr *)(mem + 2048);
	char *text = (char *)(mem + 4096);
	uint32_t lens[MMSG_MAX];
	int ports[MMSG_MAX], fd = udp_socket();
	unsigned n = parse_ports(list, ports);
	long ret;

	for (unsigned i = 0; i < n; i++) {
		a[i] = loopback(ports[i]);
		iov[i] = (struct compat_iovec){low(text + 32 * i),
		                               (uint32_t)mmsg_text(text + 32 * i, i)};
		m[i] = (struct compat_mmsghdr){.hdr = {.name = low(&a[i]),
		                                       .namelen = sizeof(a[i]),
		                                       .iov = low(&iov[i]),
		                                       .iovlen = 1},
		                               .len = UINT32_MAX};
	}
	ret = i386_sendmmsg(fd, m, n, 0);
	for (unsigned i = 0; i < n; i++)
		lens[i] = m[i].len;
	report_mmsg(h_label("i386-mmsg %s", list), ret, errno, lens, n);
	close(fd);
}

/* ---- the race ---- */

static atomic_bool stop_flag;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct name_flipper {
	struct msghdr *m;
	struct sockaddr_in *a, *b;
};

static void *flip_name(void *arg)
{
	struct name_flipper *f = arg;

	while (!atomic_load_explicit(&stop_flag, memory_order_relaxed)) {
		/* One pointer store each way: the kernel reads one or the other. */
		((volatile struct msghdr *)f->m)->msg_name = f->a;
		((volatile struct msghdr *)f->m)->msg_name = f->b;
	}
	return NULL;
}

static int bound_udp(int port)
{
	struct sockaddr_in a = loopback(port);
	int fd = udp_socket(), size = 4 << 20;

	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("bind %d: %s", port, strerror(errno));
	return fd;
}

/* Counts the datagrams waiting on fd, waiting up to wait_ms for the first. */
static long drain(int fd, int wait_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	char byte;
	long got = 0;

	while (poll(&p, 1, got == 0 ? wait_ms : 0) > 0 && recv(fd, &byte, 1, MSG_DONTWAIT) >= 0)
		got++;
	return got;
}

static void race_sendmsg(int ok_port, int bad_port, long n, double secs)
{
	struct sockaddr_in ok = loopback(ok_port), bad = loopback(bad_port);
	int rx_ok = bound_udp(ok_port), rx_bad = bound_udp(bad_port), tx = udp_socket();
	char byte = 'x';
	struct iovec iov = {&byte, 1};
	struct msghdr m = {
	        .msg_name = &ok, .msg_namelen = sizeof(ok), .msg_iov = &iov, .msg_iovlen = 1};
	struct name_flipper f = {.m = &m, .a = &ok, .b = &bad};
	long attempts = 0, got_ok = 0, got_bad = 0, denied = 0, other = 0;
	double end = now_s() + secs;
	pthread_t t;

	pthread_create(&t, NULL, flip_name, &f);
	/* The clock is read every 256 attempts: cheap enough, and precise enough. */
	while (attempts < n && ((attempts & 255) != 0 || now_s() < end)) {
		attempts++;
		if (raw_sendmsg(tx, &m, 0) < 0) {
			if (errno == EACCES)
				denied++;
			else
				other++;
		}
		got_ok += drain(rx_ok, 0);
		got_bad += drain(rx_bad, 0);
	}
	atomic_store(&stop_flag, true);
	pthread_join(t, NULL);
	atomic_store(&stop_flag, false);
	/* Loopback delivers within the send; a short wait catches anything still queued. */
	got_ok += drain(rx_ok, 100);
	got_bad += drain(rx_bad, 100);
	say("race-sendmsg: attempts=%ld ok=%ld bad=%ld denied=%ld other=%ld", attempts, got_ok,
	    got_bad, denied, other);
	close(rx_ok);
	close(rx_bad);
	close(tx);
}

struct mmsg_flipper {
	struct mmsghdr *m;
	struct sockaddr_in *a, *b;
};

static void *flip_mmsg_names(void *arg)
{
	struct mmsg_flipper *f = arg;
	volatile struct mmsghdr *m = f->m;

	while (!atomic_load_explicit(&stop_flag, memory_order_relaxed)) {
		m[0].msg_hdr.msg_name = f->a;
		m[1].msg_hdr.msg_name = f->a;
		m[0].msg_hdr.msg_name = f->b;
		m[1].msg_hdr.msg_name = f->b;
	}
	return NULL;
}

static void race_sendmmsg(int ok_port, int bad_port, long n, double secs)
{
	struct sockaddr_in ok = loopback(ok_port), bad = loopback(bad_port);
	int rx_ok = bound_udp(ok_port), rx_bad = bound_udp(bad_port), tx = udp_socket();
	char byte = 'x';
	struct iovec iov = {&byte, 1};
	struct mmsghdr m[2];
	struct mmsg_flipper f = {.m = m, .a = &ok, .b = &bad};
	long attempts = 0, got_ok = 0, got_bad = 0, denied = 0, other = 0, sent = 0, partial = 0;
	double end = now_s() + secs;
	pthread_t t;

	memset(m, 0, sizeof(m));
	for (int i = 0; i < 2; i++) {
		m[i].msg_hdr.msg_name = &ok;
		m[i].msg_hdr.msg_namelen = sizeof(ok);
		m[i].msg_hdr.msg_iov = &iov;
		m[i].msg_hdr.msg_iovlen = 1;
	}
	pthread_create(&t, NULL, flip_mmsg_names, &f);
	while (attempts < n && ((attempts & 255) != 0 || now_s() < end)) {
		long ret = syscall(SYS_sendmmsg, tx, m, 2, 0);

		attempts++;
		if (ret < 0) {
			if (errno == EACCES)
				denied++;
			else
				other++;
		} else {
			sent += ret;
			partial += ret == 1;
		}
		got_ok += drain(rx_ok, 0);
		got_bad += drain(rx_bad, 0);
	}
	atomic_store(&stop_flag, true);
	pthread_join(t, NULL);
	atomic_store(&stop_flag, false);
	got_ok += drain(rx_ok, 100);
	got_bad += drain(rx_bad, 100);
	say("race-sendmmsg: attempts=%ld ok=%ld bad=%ld denied=%ld other=%ld sent=%ld partial=%ld",
	    attempts, got_ok, got_bad, denied, other, sent, partial);
	close(rx_ok);
	close(rx_bad);
	close(tx);
}

static void need(int argc, int i, int k)
{
	if (i + k >= argc) {
		fprintf(stderr, "sendmsg_probe: missing arguments\n");
		exit(2);
	}
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *op = argv[i];

		if (strcmp(op, "as") == 0) {
			need(argc, i, 2);
			uid_t u = (uid_t)atoi(argv[i + 1]);
			gid_t g = (gid_t)atoi(argv[i + 2]);

			if (setgroups(1, &g) < 0 || setresgid(g, g, g) < 0 ||
			    setresuid(u, u, u) < 0)
				die("as: %s", strerror(errno));
			i += 2;
		} else if (strcmp(op, "pid") == 0) {
			say("pid=%d uid=%u gid=%u", (int)getpid(), (unsigned)getuid(),
			    (unsigned)getgid());
		} else if (strcmp(op, "udp") == 0 || strcmp(op, "udp-connected") == 0) {
			need(argc, i, 1);
			op_udp(op, atoi(argv[++i]));
		} else if (strcmp(op, "iov-max") == 0) {
			need(argc, i, 1);
			op_iov_max(atoi(argv[++i]));
		} else if (strcmp(op, "unix") == 0) {
			need(argc, i, 1);
			i++;
			report(send_unix(argv[i], "plain", NULL, 0), errno, "unix %s", argv[i]);
		} else if (strcmp(op, "rights") == 0) {
			need(argc, i, 2);
			op_rights(argv[i + 1], argv[i + 2]);
			i += 2;
		} else if (strcmp(op, "rights-badfd") == 0) {
			need(argc, i, 1);
			op_rights_badfd(argv[++i]);
		} else if (strcmp(op, "bad-cmsg") == 0) {
			need(argc, i, 1);
			op_bad_cmsg(argv[++i]);
		} else if (strcmp(op, "creds") == 0) {
			need(argc, i, 4);
			op_creds(argv[i + 1], argv[i + 2], argv[i + 3], argv[i + 4]);
			i += 4;
		} else if (strcmp(op, "netlink") == 0) {
			need(argc, i, 1);
			op_netlink(argv[++i]);
		} else if (strcmp(op, "connect-abstract") == 0) {
			need(argc, i, 1);
			op_connect_abstract(argv[++i]);
		} else if (strcmp(op, "pair-rights") == 0) {
			need(argc, i, 1);
			op_pair_rights(argv[++i]);
		} else if (strcmp(op, "i386-udp") == 0) {
			need(argc, i, 1);
			op_i386_udp(atoi(argv[++i]));
		} else if (strcmp(op, "i386-pair-rights") == 0) {
			need(argc, i, 1);
			op_i386_pair_rights(argv[++i]);
		} else if (strcmp(op, "mmsg") == 0) {
			need(argc, i, 1);
			op_mmsg(op, argv[++i], 0, 0);
		} else if (strcmp(op, "mmsg-connected") == 0) {
			need(argc, i, 2);
			op_mmsg(op, NULL, atoi(argv[i + 1]), (unsigned)atoi(argv[i + 2]));
			i += 2;
		} else if (strcmp(op, "mmsg-fault") == 0) {
			need(argc, i, 1);
			op_mmsg_fault(atoi(argv[++i]));
		} else if (strcmp(op, "i386-mmsg") == 0) {
			need(argc, i, 1);
			op_i386_mmsg(argv[++i]);
		} else if (strcmp(op, "race-sendmmsg") == 0) {
			need(argc, i, 4);
			race_sendmmsg(atoi(argv[i + 1]), atoi(argv[i + 2]), atol(argv[i + 3]),
			              atof(argv[i + 4]));
			i += 4;
		} else if (strcmp(op, "race-sendmsg") == 0) {
			need(argc, i, 4);
			race_sendmsg(atoi(argv[i + 1]), atoi(argv[i + 2]), atol(argv[i + 3]),
			             atof(argv[i + 4]));
			i += 4;
		} else {
			fprintf(stderr, "sendmsg_probe: unknown op %s\n", op);
			return 2;
		}
	}
	return 0;
}
