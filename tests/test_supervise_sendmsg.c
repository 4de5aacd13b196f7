/* SPDX-License-Identifier: MIT */
/*
 * sendmsg emulated after address clauses (docs/inspection.md, "Emulation"): tests/progs/
 * sendmsg_probe makes real sendmsg calls under `bouncer run`, and this test's own sockets
 * receive what arrives: the exact bytes of several iovecs at the allowed address, nothing at
 * the denied one, working descriptors passed with SCM_RIGHTS, and on a unix socket the
 * credentials of the caller (never the supervisor's); forged SCM_CREDENTIALS are refused as
 * the kernel refuses them without bouncer. i386 callers go through the compat layout.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/netlink.h>

#include <check.h>

#include "harness.h"

/*
 * A directory with f ("SECRET-LINE"), sock/ (anyone may create and send there) holding rx, a
 * unix datagram receiver with SO_PASSCRED, and UDP receivers on 127.0.0.1 at three ports.
 * The policy allows sendmsg to the ok port and to unix sockets under sock/, denies every
 * other inet address with EACCES, and allows the rest (no address: a connected socket).
 */
struct fixture {
	char *dir, *file, *rx_path, *policy, *log, *probe;
	int ok, bad, conn;          /* ports */
	int ok_fd, bad_fd, conn_fd; /* their receivers */
	int rx_fd;
};

static void setup(struct fixture *fx)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	char *sock_dir, *text;
	int one = 1;

	fx->dir = h_tmpdir();
	ck_assert_int_eq(chmod(fx->dir, 0755), 0);
	fx->file = h_join(fx->dir, "f");
	h_write_file(fx->file, "SECRET-LINE\n", 0644);
	sock_dir = h_join(fx->dir, "sock");
	ck_assert_int_eq(mkdir(sock_dir, 0777), 0);
	ck_assert_int_eq(chmod(sock_dir, 0777), 0);
	fx->rx_path = h_join(sock_dir, "rx");
	fx->log = h_join(fx->dir, "log.jsonl");
	fx->policy = h_join(fx->dir, "policy.json");
	fx->probe = h_prog("sendmsg_probe");
	fx->ok_fd = h_udp_receiver(&fx->ok);
	fx->bad_fd = h_udp_receiver(&fx->bad);
	fx->conn_fd = h_udp_receiver(&fx->conn);

	fx->rx_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fx->rx_fd, 0);
	ck_assert_int_eq(setsockopt(fx->rx_fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)), 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", fx->rx_path);
	ck_assert_int_eq(bind(fx->rx_fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(chmod(fx->rx_path, 0777), 0);

	text = h_fmt("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	             " \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\"],\n"
	             " \"syscalls\": [{\"names\": [\"sendmsg\"], \"action\": \"SCMP_ACT_NOTIFY\",\n"
	             "   \"supervise\": [\n"
	             "     {\"addresses\": [\"inet:127.0.0.1:%d\", \"unix:%s/*\"], \"decision\": "
	             "\"allow\"},\n"
	             "     {\"addresses\": [\"inet:*:*\"], \"decision\": \"deny\", \"errno\": "
	             "\"EACCES\"}],\n"
	             "   \"default\": {\"decision\": \"allow\"}}]}\n",
	             fx->ok, sock_dir);
	h_write_file(fx->policy, text, 0644);
	free(text);
}

static void teardown(struct fixture *fx)
{
	close(fx->ok_fd);
	close(fx->bad_fd);
	close(fx->conn_fd);
	close(fx->rx_fd);
}

/* Runs the probe with args (NULL-terminated), under bouncer when bounced; must exit 0. */
static void run_probe(struct h_result *r, const struct fixture *fx, bool bounced,
                      const char *const *args)
{
	h_run_probe(r, fx->probe, fx->policy, fx->log, bounced, NULL, args);
	h_assert_exit(r, 0);
}

/* One datagram on the unix receiver: its text, the credentials and descriptor it carried. */
struct unix_msg {
	char text[64];
	bool has_creds;
	struct ucred creds;
	int fd; /* -1: none */
};

static bool take_unix(int fd, struct unix_msg *out)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} c;
	struct iovec iov = {out->text, sizeof(out->text) - 1};
	struct msghdr m = {.msg_iov = &iov,
	                   .msg_iovlen = 1,
	                   .msg_control = c.buf,
	                   .msg_controllen = sizeof(c)};
	ssize_t n = recvmsg(fd, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

	memset(&out->creds, 0, sizeof(out->creds));
	out->has_creds = false;
	out->fd = -1;
	if (n < 0) {
		ck_assert_int_eq(errno, EAGAIN);
		return false;
	}
	out->text[n] = '\0';
	for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); h != NULL; h = CMSG_NXTHDR(&m, h)) {
		if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_CREDENTIALS) {
			memcpy(&out->creds, CMSG_DATA(h), sizeof(out->creds));
			out->has_creds = true;
		} else if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS) {
			memcpy(&out->fd, CMSG_DATA(h), sizeof(out->fd));
		}
	}
	return true;
}

/* The sendmsg records of the log, in order. */
static size_t sendmsg_records(const char *log, struct h_records *rs, json_t **out, size_t max)
{
	size_t n = 0;

	h_read_records(log, rs);
	h_check_seq(rs);
	for (size_t i = 0; i < rs->n && n < max; i++)
		if (strcmp(h_str(rs->rec[i], "syscall"), "sendmsg") == 0)
			out[n++] = rs->rec[i];
	return n;
}

static const char *address_of(json_t *rec)
{
	return json_string_value(json_object_get(rec, "address"));
}

START_TEST(udp_allowed_address_gets_every_iovec_denied_gets_the_errno)
{
	struct fixture fx;
	struct h_result plain, r;
	struct h_records rs;
	json_t *rec[8];
	char *got;

	setup(&fx);
	/* Without bouncer the denied port really receives: the refusal below is bouncer's. */
	run_probe(&plain, &fx, false, (const char *[]){"udp", h_fmt("%d", fx.bad), NULL});
	ck_assert_msg(h_has_line(plain.out, h_fmt("udp %d: 25", fx.bad)), "%s", plain.out);
	got = h_take_datagram(fx.bad_fd);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, "sendmsg from three iovecs");

	run_probe(&r, &fx, true,
	          (const char *[]){"udp", h_fmt("%d", fx.ok), "udp", h_fmt("%d", fx.bad),
	                           "udp-connected", h_fmt("%d", fx.conn), "iov-max",
	                           h_fmt("%d", fx.ok), NULL});
	ck_assert_msg(h_has_line(r.out, h_fmt("udp %d: 25", fx.ok)), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("udp %d: -1 EACCES", fx.bad)), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("udp-connected %d: 14", fx.conn)), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("iov-max %d: -1 EMSGSIZE", fx.ok)), "%s", r.out);
	/* The exact bytes of the three iovecs, once; nothing at the denied port. */
	got = h_take_datagram(fx.ok_fd);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, "sendmsg from three iovecs");
	ck_assert_ptr_null(h_take_datagram(fx.ok_fd));
	ck_assert_ptr_null(h_take_datagram(fx.bad_fd));
	got = h_take_datagram(fx.conn_fd);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, "connected send");

	ck_assert_uint_eq(sendmsg_records(fx.log, &rs, rec, 8), 4);
	ck_assert_str_eq(h_str(rec[0], "action"), "allow");
	ck_assert_str_eq(address_of(rec[0]), h_fmt("inet:127.0.0.1:%d", fx.ok));
	ck_assert(json_is_true(json_object_get(rec[0], "emulated")));
	ck_assert_int_eq(h_int(rec[0], "result"), 25);
	ck_assert_int_eq(h_int(rec[0], "clause"), 0);
	ck_assert_str_eq(h_str(rec[1], "action"), "deny");
	ck_assert_str_eq(address_of(rec[1]), h_fmt("inet:127.0.0.1:%d", fx.bad));
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_object_get(rec[1], "errno"), "name")),
	        "EACCES");
	ck_assert_int_eq(h_int(rec[1], "clause"), 1);
	/* No address: the default allowed it, and it was emulated all the same (never CONTINUE). */
	ck_assert_str_eq(h_str(rec[2], "action"), "allow");
	ck_assert_ptr_null(json_object_get(rec[2], "address"));
	ck_assert_str_eq(h_str(rec[2], "clause"), "default");
	ck_assert(json_is_true(json_object_get(rec[2], "emulated")));
	ck_assert_int_eq(h_int(rec[2], "result"), 14);
	ck_assert(json_is_true(json_object_get(rec[3], "emulated")));
	ck_assert_str_eq(h_str(rec[3], "result_errno"), "EMSGSIZE");
	h_records_free(&rs);
	h_result_free(&plain);
	h_result_free(&r);
	teardown(&fx);
}
END_TEST

START_TEST(i386_callers_are_read_in_the_compat_layout)
{
	struct fixture fx;
	struct h_result r;
	struct h_records rs;
	json_t *rec[8];
	char *got;

	setup(&fx);
	run_probe(&r, &fx, true,
	          (const char *[]){"i386-udp", h_fmt("%d", fx.ok), "i386-udp", h_fmt("%d", fx.bad),
	                           "i386-pair-rights", fx.file, NULL});
	ck_assert_msg(h_has_line(r.out, h_fmt("i386-udp %d: 25", fx.ok)), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("i386-udp %d: -1 EACCES", fx.bad)), "%s", r.out);
	/* A 12-byte compat cmsg header, rebuilt natively: the descriptor arrives and works. */
	ck_assert_msg(h_has_line(r.out, "i386-pair-rights: 6 data=SECRET-LINE"), "%s", r.out);
	got = h_take_datagram(fx.ok_fd);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, "sendmsg from three iovecs");
	ck_assert_ptr_null(h_take_datagram(fx.bad_fd));

	ck_assert_uint_eq(sendmsg_records(fx.log, &rs, rec, 8), 3);
	for (size_t i = 0; i < 3; i++)
		ck_assert_str_eq(h_str(rec[i], "arch"), "SCMP_ARCH_X86");
	ck_assert(json_is_true(json_object_get(rec[0], "emulated")));
	ck_assert_int_eq(h_int(rec[0], "result"), 25);
	ck_assert_str_eq(h_str(rec[1], "action"), "deny");
	ck_assert(json_is_true(json_object_get(rec[2], "emulated")));
	h_records_free(&rs);
	h_result_free(&r);
	teardown(&fx);
}
END_TEST

START_TEST(scm_rights_pass_working_descriptors)
{
	struct fixture fx;
	struct h_result plain, r;
	struct h_records rs;
	struct unix_msg msg;
	json_t *rec[8];
	char data[64];
	ssize_t n;

	setup(&fx);
	const char *args[] = {"rights", fx.rx_path,     fx.file,    "pair-rights",
	                      fx.file,  "rights-badfd", fx.rx_path, NULL};
	run_probe(&plain, &fx, false, args);
	while (take_unix(fx.rx_fd, &msg))
		if (msg.fd >= 0)
			close(msg.fd);
	run_probe(&r, &fx, true, args);
	/* The same answers as without bouncer, EBADF for a descriptor that is not open. */
	ck_assert_str_eq(r.out, plain.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("rights %s: 6", fx.rx_path)), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, "pair-rights: 6 data=SECRET-LINE"), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("rights-badfd %s: -1 EBADF", fx.rx_path)), "%s",
	              r.out);
	/* The receiver gets the datagram with a descriptor it can read the file through. */
	ck_assert(take_unix(fx.rx_fd, &msg));
	ck_assert_str_eq(msg.text, "rights");
	ck_assert_int_ge(msg.fd, 0);
	n = pread(msg.fd, data, sizeof(data) - 1, 0);
	ck_assert_int_eq(n, 12);
	data[n] = '\0';
	ck_assert_str_eq(data, "SECRET-LINE\n");
	close(msg.fd);
	ck_assert(!take_unix(fx.rx_fd, &msg));

	ck_assert_uint_eq(sendmsg_records(fx.log, &rs, rec, 8), 3);
	ck_assert_str_eq(address_of(rec[0]), h_fmt("unix:%s", fx.rx_path));
	ck_assert(json_is_true(json_object_get(rec[0], "emulated")));
	ck_assert_int_eq(h_int(rec[0], "result"), 6);
	ck_assert(json_is_true(json_object_get(rec[1], "emulated")));
	ck_assert_str_eq(h_str(rec[2], "result_errno"), "EBADF");
	h_records_free(&rs);
	h_result_free(&plain);
	h_result_free(&r);
	teardown(&fx);
}
END_TEST

/*
 * Credentials, as uid/gid 65534: its own are carried (claimed or not), forged ones are EPERM
 * exactly as without bouncer. The receiver never sees the supervisor's pid or uid.
 */
START_TEST(credentials_are_the_callers_and_forged_ones_are_refused)
{
	struct fixture fx;
	struct h_result plain, r;
	struct unix_msg msg;
	long pid;

	setup(&fx);
	const char *rx = fx.rx_path;
	const char *args[] = {"as",    "65534", "65534", "pid",  "unix",  rx,     "creds",
	                      rx,      "self",  "self",  "self", "creds", rx,     "self",
	                      "0",     "self",  "creds", rx,     "1",     "self", "self",
	                      "creds", rx,      "self",  "self", "0",     NULL};
	run_probe(&plain, &fx, false, args);
	while (take_unix(fx.rx_fd, &msg))
		;
	run_probe(&r, &fx, true, args);
	ck_assert_msg(h_has_line(r.out, h_fmt("unix %s: 5", fx.rx_path)), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("creds %s self self self: 5", fx.rx_path)), "%s",
	              r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("creds %s self 0 self: -1 EPERM", fx.rx_path)), "%s",
	              r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("creds %s 1 self self: -1 EPERM", fx.rx_path)), "%s",
	              r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("creds %s self self 0: -1 EPERM", fx.rx_path)), "%s",
	              r.out);
	/* Every answer as without bouncer (the pid line differs by nature). */
	ck_assert_str_eq(strstr(r.out, "\nunix "), strstr(plain.out, "\nunix "));
	pid = h_long_after(r.out, "pid=");
	ck_assert_int_gt(pid, 0);
	ck_assert_int_ne(pid, getpid());
	/* Both datagrams carry the caller's pid, uid and gid: not bouncer's. */
	for (int i = 0; i < 2; i++) {
		ck_assert(take_unix(fx.rx_fd, &msg));
		ck_assert_str_eq(msg.text, i == 0 ? "plain" : "creds");
		ck_assert(msg.has_creds);
		ck_assert_int_eq(msg.creds.pid, pid);
		ck_assert_int_eq(msg.creds.uid, 65534);
		ck_assert_int_eq(msg.creds.gid, 65534);
	}
	ck_assert(!take_unix(fx.rx_fd, &msg));
	h_result_free(&plain);
	h_result_free(&r);
	teardown(&fx);
}
END_TEST

/*
 * Netlink attaches the sender's credentials to every message (a receiver such as udev trusts
 * uid 0): sent for a caller running as 65534, the receiver must read 65534, not bouncer's 0.
 */
START_TEST(netlink_messages_carry_the_callers_ids)
{
	struct fixture fx;
	struct h_result r;
	struct sockaddr_nl a = {.nl_family = AF_NETLINK};
	socklen_t len = sizeof(a);
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} c;
	char text[16];
	struct iovec iov = {text, sizeof(text)};
	struct msghdr m = {.msg_iov = &iov,
	                   .msg_iovlen = 1,
	                   .msg_control = c.buf,
	                   .msg_controllen = sizeof(c)};
	struct cmsghdr *h;
	struct ucred cr;
	int one = 1, nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_USERSOCK);
	ssize_t n;

	ck_assert_int_ge(nl, 0);
	ck_assert_int_eq(setsockopt(nl, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)), 0);
	ck_assert_int_eq(bind(nl, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(nl, (struct sockaddr *)&a, &len), 0);
	setup(&fx);
	run_probe(&r, &fx, true,
	          (const char *[]){"as", "65534", "65534", "netlink", h_fmt("%u", a.nl_pid), NULL});
	ck_assert_msg(h_has_line(r.out, h_fmt("netlink %u: 2", a.nl_pid)), "%s", r.out);
	n = recvmsg(nl, &m, MSG_DONTWAIT);
	ck_assert_int_eq(n, 2);
	h = CMSG_FIRSTHDR(&m);
	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(h->cmsg_type, SCM_CREDENTIALS);
	memcpy(&cr, CMSG_DATA(h), sizeof(cr));
	ck_assert_int_eq(cr.uid, 65534);
	ck_assert_int_eq(cr.gid, 65534);
	close(nl);
	h_result_free(&r);
	teardown(&fx);
}
END_TEST

/*
 * connect (emulate_socket.c) cannot attach the caller's credentials: the peer of an emulated
 * unix connect would read the supervisor's uid 0 with SO_PEERCRED. Refused (EPERM) for a
 * caller whose ids differ, abstract names included; the listener sees no connection.
 */
START_TEST(connect_to_an_abstract_name_never_hands_the_peer_bouncers_ids)
{
	struct fixture fx;
	struct h_result plain, r;
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	char name[64], *text;
	int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), c;
	struct ucred cr;
	socklen_t len = sizeof(cr);

	snprintf(name, sizeof(name), "bouncer-test-%d", (int)getpid());
	memcpy(a.sun_path + 1, name, strlen(name));
	ck_assert_int_ge(lfd, 0);
	ck_assert_int_eq(
	        bind(lfd, (struct sockaddr *)&a,
	             (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name))),
	        0);
	ck_assert_int_eq(listen(lfd, 4), 0);
	setup(&fx);
	text = h_fmt("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	             " \"syscalls\": [{\"names\": [\"connect\"], \"action\": \"SCMP_ACT_NOTIFY\",\n"
	             "   \"supervise\": [{\"addresses\": [\"unix-abstract:bouncer-*\"], "
	             "\"decision\": \"allow\"}],\n"
	             "   \"default\": {\"decision\": \"deny\"}}]}\n");
	h_write_file(fx.policy, text, 0644);
	free(text);
	/* Without bouncer the listener sees the caller's uid. */
	run_probe(&plain, &fx, false,
	          (const char *[]){"as", "65534", "65534", "connect-abstract", name, NULL});
	ck_assert_msg(h_has_line(plain.out, h_fmt("connect-abstract %s: 0", name)), "%s",
	              plain.out);
	c = accept(lfd, NULL, NULL);
	ck_assert_int_ge(c, 0);
	ck_assert_int_eq(getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &len), 0);
	ck_assert_int_eq(cr.uid, 65534);
	close(c);
	run_probe(&r, &fx, true,
	          (const char *[]){"as", "65534", "65534", "connect-abstract", name, NULL});
	ck_assert_msg(h_has_line(r.out, h_fmt("connect-abstract %s: -1 EPERM", name)), "%s", r.out);
	ck_assert_int_eq(accept(lfd, NULL, NULL), -1);
	ck_assert_int_eq(errno, EAGAIN);
	close(lfd);
	h_result_free(&plain);
	h_result_free(&r);
	teardown(&fx);
}
END_TEST

/* root may claim other ids (CAP_SETUID, CAP_SETGID), as without bouncer. */
START_TEST(a_privileged_caller_may_claim_other_ids)
{
	struct fixture fx;
	struct h_result r;
	struct unix_msg msg;

	setup(&fx);
	run_probe(&r, &fx, true,
	          (const char *[]){"pid", "creds", fx.rx_path, "self", "12345", "23456", NULL});
	ck_assert_msg(h_has_line(r.out, h_fmt("creds %s self 12345 23456: 5", fx.rx_path)), "%s",
	              r.out);
	ck_assert(take_unix(fx.rx_fd, &msg));
	ck_assert(msg.has_creds);
	ck_assert_int_eq(msg.creds.pid, h_long_after(r.out, "pid="));
	ck_assert_int_eq(msg.creds.uid, 12345);
	ck_assert_int_eq(msg.creds.gid, 23456);
	h_result_free(&r);
	teardown(&fx);
}
END_TEST

START_TEST(policy_check_accepts_allow_after_an_address_clause_on_sendmsg)
{
	struct fixture fx;
	struct h_result r;

	setup(&fx);
	h_run(&r, NULL, h_bouncer(), "policy", "check", fx.policy, NULL);
	h_assert_exit(&r, 0);
	h_result_free(&r);
	teardown(&fx);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("supervise_sendmsg");
	TCase *tc = tcase_create("live");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, udp_allowed_address_gets_every_iovec_denied_gets_the_errno);
	tcase_add_test(tc, i386_callers_are_read_in_the_compat_layout);
	tcase_add_test(tc, scm_rights_pass_working_descriptors);
	tcase_add_test(tc, credentials_are_the_callers_and_forged_ones_are_refused);
	tcase_add_test(tc, a_privileged_caller_may_claim_other_ids);
	tcase_add_test(tc, netlink_messages_carry_the_callers_ids);
	tcase_add_test(tc, connect_to_an_abstract_name_never_hands_the_peer_bouncers_ids);
	tcase_add_test(tc, policy_check_accepts_allow_after_an_address_clause_on_sendmsg);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
