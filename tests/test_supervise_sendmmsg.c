/* SPDX-License-Identifier: MIT */
/*
 * sendmmsg decided message by message (docs/inspection.md, "sendmmsg"): tests/progs/
 * sendmsg_probe makes real sendmmsg calls (raw syscalls, native and i386) under `bouncer run`,
 * and this test's own UDP sockets receive what arrives. Each message is decided on its own
 * msg_name; the allowed ones are sent in order until the first one a clause refuses, and the
 * call returns how many went out, with each msg_len written, as the kernel does when a message
 * past the first fails. A refused first message gives the call the clause's answer.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "harness.h"

/* Receivers on 127.0.0.1; the policy allows ok1/ok2, logs logp, kills at killp, denies the rest. */
struct fixture {
	char *dir, *policy, *log, *probe;
	int ok1, ok2, logp, bad, conn, killp;                 /* ports */
	int ok1_fd, ok2_fd, log_fd, bad_fd, conn_fd, kill_fd; /* their receivers */
};

static void setup(struct fixture *fx)
{
	char *text;

	fx->dir = h_tmpdir();
	fx->log = h_join(fx->dir, "log.jsonl");
	fx->policy = h_join(fx->dir, "policy.json");
	fx->probe = h_prog("sendmsg_probe");
	fx->ok1_fd = h_udp_receiver(&fx->ok1);
	fx->ok2_fd = h_udp_receiver(&fx->ok2);
	fx->log_fd = h_udp_receiver(&fx->logp);
	fx->bad_fd = h_udp_receiver(&fx->bad);
	fx->conn_fd = h_udp_receiver(&fx->conn);
	fx->kill_fd = h_udp_receiver(&fx->killp);
	/* No address (a connected socket) falls to the default, which allows. */
	text = h_fmt(
	        "{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	        " \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\"],\n"
	        " \"syscalls\": [{\"names\": [\"sendmmsg\"], \"action\": \"SCMP_ACT_NOTIFY\",\n"
	        "   \"supervise\": [\n"
	        "     {\"addresses\": [\"inet:127.0.0.1:%d\", \"inet:127.0.0.1:%d\"], "
	        "\"decision\": \"allow\"},\n"
	        "     {\"addresses\": [\"inet:127.0.0.1:%d\"], \"decision\": \"log\"},\n"
	        "     {\"addresses\": [\"inet:127.0.0.1:%d\"], \"decision\": \"kill\"},\n"
	        "     {\"addresses\": [\"inet:*:*\"], \"decision\": \"deny\", \"errno\": "
	        "\"EACCES\"}],\n"
	        "   \"default\": {\"decision\": \"allow\"}}]}\n",
	        fx->ok1, fx->ok2, fx->logp, fx->killp);
	h_write_file(fx->policy, text, 0644);
	free(text);
}

static void teardown(struct fixture *fx)
{
	close(fx->ok1_fd);
	close(fx->ok2_fd);
	close(fx->log_fd);
	close(fx->bad_fd);
	close(fx->conn_fd);
	close(fx->kill_fd);
}

/* Runs the probe with args (NULL-terminated), under bouncer when bounced. */
static void run_probe(struct h_result *r, const struct fixture *fx, bool bounced,
                      const char *const *args)
{
	h_run_probe(r, fx->probe, fx->policy, fx->log, bounced, NULL, args);
}

/* Exactly the datagrams texts (NULL-terminated) wait on fd, in order, and nothing more. */
static void expect_datagrams(int fd, const char *const *texts)
{
	char *got;

	for (size_t i = 0; texts[i] != NULL; i++) {
		got = h_take_datagram(fd);
		ck_assert_msg(got != NULL, "datagram %zu (\"%s\") missing", i, texts[i]);
		ck_assert_str_eq(got, texts[i]);
		free(got);
	}
	got = h_take_datagram(fd);
	ck_assert_msg(got == NULL, "unexpected datagram \"%s\"", got != NULL ? got : "");
}

/* The sendmmsg records of the log, in order. */
static size_t mmsg_records(const char *log, struct h_records *rs, json_t **out, size_t max)
{
	size_t n = 0;

	h_read_records(log, rs);
	h_check_seq(rs);
	for (size_t i = 0; i < rs->n && n < max; i++)
		if (strcmp(h_str(rs->rec[i], "syscall"), "sendmmsg") == 0)
			out[n++] = rs->rec[i];
	return n;
}

/* The record's "addresses" array as one string: "a,b,null". */
static char *addresses_of(json_t *rec)
{
	json_t *a = json_object_get(rec, "addresses"), *v;
	char *text = strdup("");
	size_t i;

	ck_assert_msg(json_is_array(a), "no addresses array");
	json_array_foreach(a, i, v)
	{
		char *next = h_fmt("%s%s%s", text, i > 0 ? "," : "",
		                   json_is_null(v) ? "null" : json_string_value(v));

		free(text);
		text = next;
	}
	return text;
}

static char *inet(int port)
{
	return h_fmt("inet:127.0.0.1:%d", port);
}

START_TEST(messages_are_decided_one_by_one_and_stop_at_the_first_refused)
{
	struct fixture fx;
	struct h_result plain, r;
	struct h_records rs;
	json_t *rec[8];
	char *three, *bad_first, *all_ok, *with_log;

	setup(&fx);
	three = h_fmt("%d,%d,%d", fx.ok1, fx.ok2, fx.bad);
	bad_first = h_fmt("%d,%d", fx.bad, fx.ok1);
	all_ok = h_fmt("%d,%d,%d", fx.ok1, fx.ok2, fx.ok1);
	with_log = h_fmt("%d,%d", fx.ok2, fx.logp);

	/* Without bouncer the denied port really receives: the refusals below are bouncer's. */
	run_probe(&plain, &fx, false, (const char *[]){"mmsg", three, NULL});
	h_assert_exit(&plain, 0);
	ck_assert_msg(h_has_line(plain.out, h_fmt("mmsg %s: 3 lens=6,7,8", three)), "%s",
	              plain.out);
	expect_datagrams(fx.ok1_fd, (const char *[]){"mmsg 0", NULL});
	expect_datagrams(fx.ok2_fd, (const char *[]){"mmsg 1.", NULL});
	expect_datagrams(fx.bad_fd, (const char *[]){"mmsg 2..", NULL});

	run_probe(&r, &fx, true,
	          (const char *[]){"mmsg", three, "mmsg", bad_first, "mmsg", all_ok, "mmsg", "-",
	                           "mmsg-connected", h_fmt("%d", fx.conn), "2", "mmsg", with_log,
	                           NULL});
	h_assert_exit(&r, 0);
	/* [allowed, allowed, denied]: two sent, their msg_len written, the third's untouched. */
	ck_assert_msg(h_has_line(r.out, h_fmt("mmsg %s: 2 lens=6,7,4294967295", three)), "%s",
	              r.out);
	/* [denied, allowed]: the clause's errno, nothing sent, nothing written. */
	ck_assert_msg(h_has_line(r.out,
	                         h_fmt("mmsg %s: -1 EACCES lens=4294967295,4294967295", bad_first)),
	              "%s", r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("mmsg %s: 3 lens=6,7,8", all_ok)), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, "mmsg -: 0 lens="), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("mmsg-connected %d 2: 2 lens=6,7", fx.conn)), "%s",
	              r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("mmsg %s: 2 lens=6,7", with_log)), "%s", r.out);
	/* Exactly these datagrams, in order: nothing ever reached the denied port. */
	expect_datagrams(fx.ok1_fd, (const char *[]){"mmsg 0", "mmsg 0", "mmsg 2..", NULL});
	expect_datagrams(fx.ok2_fd, (const char *[]){"mmsg 1.", "mmsg 1.", "mmsg 0", NULL});
	expect_datagrams(fx.bad_fd, (const char *[]){NULL});
	expect_datagrams(fx.conn_fd, (const char *[]){"mmsg 0", "mmsg 1.", NULL});
	expect_datagrams(fx.log_fd, (const char *[]){"mmsg 1.", NULL});

	ck_assert_uint_eq(mmsg_records(fx.log, &rs, rec, 8), 6);
	/* Partial success: an allow of two, and where and why it stopped. */
	ck_assert_str_eq(h_str(rec[0], "action"), "allow");
	ck_assert_str_eq(h_str(rec[0], "address"), inet(fx.ok1));
	ck_assert_int_eq(h_int(rec[0], "clause"), 0);
	ck_assert_int_eq(h_int(rec[0], "vlen"), 3);
	ck_assert_str_eq(addresses_of(rec[0]),
	                 h_fmt("%s,%s,%s", inet(fx.ok1), inet(fx.ok2), inet(fx.bad)));
	ck_assert(json_is_true(json_object_get(rec[0], "emulated")));
	ck_assert_int_eq(h_int(rec[0], "result"), 2);
	ck_assert_int_eq(h_int(rec[0], "stopped_at"), 2);
	ck_assert_int_eq(h_int(rec[0], "stop_clause"), 3);
	ck_assert_str_eq(h_str(rec[0], "stop_decision"), "deny");
	/* The first message refused: the call's deny, decided on that one address. */
	ck_assert_str_eq(h_str(rec[1], "action"), "deny");
	ck_assert_str_eq(h_str(rec[1], "address"), inet(fx.bad));
	ck_assert_int_eq(h_int(rec[1], "clause"), 3);
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_object_get(rec[1], "errno"), "name")),
	        "EACCES");
	ck_assert_ptr_null(json_object_get(rec[1], "emulated"));
	/* All three: no stop members. */
	ck_assert_int_eq(h_int(rec[2], "result"), 3);
	ck_assert_str_eq(addresses_of(rec[2]),
	                 h_fmt("%s,%s,%s", inet(fx.ok1), inet(fx.ok2), inet(fx.ok1)));
	ck_assert_ptr_null(json_object_get(rec[2], "stopped_at"));
	/* vlen 0: the kernel reads no message; decided as "no address", answered CONTINUE. */
	ck_assert_str_eq(h_str(rec[3], "clause"), "default");
	ck_assert(json_is_false(json_object_get(rec[3], "emulated")));
	ck_assert_ptr_null(json_object_get(rec[3], "address"));
	/* A connected socket: every message is "no address" (the default), still emulated. */
	ck_assert_str_eq(h_str(rec[4], "action"), "allow");
	ck_assert_str_eq(h_str(rec[4], "clause"), "default");
	ck_assert_ptr_null(json_object_get(rec[4], "address"));
	ck_assert_str_eq(addresses_of(rec[4]), "null,null");
	ck_assert(json_is_true(json_object_get(rec[4], "emulated")));
	ck_assert_int_eq(h_int(rec[4], "result"), 2);
	/* A message a log clause decided makes the call's record a log. */
	ck_assert_str_eq(h_str(rec[5], "action"), "log");
	ck_assert_int_eq(h_int(rec[5], "clause"), 0);
	ck_assert_int_eq(h_int(rec[5], "result"), 2);
	h_records_free(&rs);
	h_result_free(&plain);
	h_result_free(&r);
	teardown(&fx);
}
END_TEST

/* struct compat_mmsghdr (32 bytes, msg_len at 28) from an i386 caller. */
START_TEST(i386_callers_are_read_in_the_compat_layout)
{
	struct fixture fx;
	struct h_result r;
	struct h_records rs;
	json_t *rec[4];
	char *three;

	setup(&fx);
	three = h_fmt("%d,%d,%d", fx.ok1, fx.ok2, fx.bad);
	run_probe(&r, &fx, true,
	          (const char *[]){"i386-mmsg", three, "i386-mmsg", h_fmt("%d", fx.bad), NULL});
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, h_fmt("i386-mmsg %s: 2 lens=6,7,4294967295", three)), "%s",
	              r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("i386-mmsg %d: -1 EACCES lens=4294967295", fx.bad)),
	              "%s", r.out);
	expect_datagrams(fx.ok1_fd, (const char *[]){"mmsg 0", NULL});
	expect_datagrams(fx.ok2_fd, (const char *[]){"mmsg 1.", NULL});
	expect_datagrams(fx.bad_fd, (const char *[]){NULL});
	ck_assert_uint_eq(mmsg_records(fx.log, &rs, rec, 4), 2);
	ck_assert_str_eq(h_str(rec[0], "arch"), "SCMP_ARCH_X86");
	ck_assert_int_eq(h_int(rec[0], "result"), 2);
	ck_assert_int_eq(h_int(rec[0], "stopped_at"), 2);
	ck_assert_str_eq(h_str(rec[1], "action"), "deny");
	h_records_free(&rs);
	h_result_free(&r);
	teardown(&fx);
}
END_TEST

/*
 * A kill clause on a message past the first stops the call like a deny (messages already
 * went out: the call has succeeded); the retry starting at that message is killed.
 */
START_TEST(kill_applies_when_the_refused_message_comes_first)
{
	struct fixture fx;
	struct h_result r;
	struct h_records rs;
	json_t *rec[4];
	char *two;

	setup(&fx);
	two = h_fmt("%d,%d", fx.ok1, fx.killp);
	run_probe(&r, &fx, true,
	          (const char *[]){"mmsg", two, "mmsg", h_fmt("%d", fx.killp), NULL});
	/* The workload died of SIGKILL on its second call: 128 + 9. */
	h_assert_exit(&r, 137);
	ck_assert_msg(h_has_line(r.out, h_fmt("mmsg %s: 1 lens=6,4294967295", two)), "%s", r.out);
	ck_assert_ptr_null(h_line_after(r.out, h_fmt("mmsg %d: ", fx.killp)));
	expect_datagrams(fx.ok1_fd, (const char *[]){"mmsg 0", NULL});
	expect_datagrams(fx.kill_fd, (const char *[]){NULL});
	ck_assert_uint_eq(mmsg_records(fx.log, &rs, rec, 4), 2);
	ck_assert_str_eq(h_str(rec[0], "action"), "allow");
	ck_assert_int_eq(h_int(rec[0], "stopped_at"), 1);
	ck_assert_str_eq(h_str(rec[0], "stop_decision"), "kill");
	ck_assert_str_eq(h_str(rec[1], "action"), "kill");
	h_records_free(&rs);
	h_result_free(&r);
	teardown(&fx);
}
END_TEST

/*
 * The kernel reads the array entry by entry: an unreadable second entry ends the call after
 * the first message. bouncer copies the array in chunks; a chunk that faults is read again as
 * one entry, so the answer is the same.
 */
START_TEST(an_unreadable_entry_stops_the_call_there)
{
	struct fixture fx;
	struct h_result plain, r;
	struct h_records rs;
	json_t *rec[4];
	const char *line;

	setup(&fx);
	line = h_fmt("mmsg-fault %d: 1 lens=6", fx.ok1);
	run_probe(&plain, &fx, false, (const char *[]){"mmsg-fault", h_fmt("%d", fx.ok1), NULL});
	h_assert_exit(&plain, 0);
	ck_assert_msg(h_has_line(plain.out, line), "%s", plain.out);
	expect_datagrams(fx.ok1_fd, (const char *[]){"mmsg 0", NULL});
	run_probe(&r, &fx, true, (const char *[]){"mmsg-fault", h_fmt("%d", fx.ok1), NULL});
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, line), "%s", r.out);
	expect_datagrams(fx.ok1_fd, (const char *[]){"mmsg 0", NULL});
	ck_assert_uint_eq(mmsg_records(fx.log, &rs, rec, 4), 1);
	ck_assert_int_eq(h_int(rec[0], "result"), 1);
	ck_assert_int_eq(h_int(rec[0], "stopped_at"), 1);
	ck_assert_str_eq(h_str(rec[0], "stop_gather_errno"), "EFAULT");
	h_records_free(&rs);
	h_result_free(&plain);
	h_result_free(&r);
	teardown(&fx);
}
END_TEST

/* Audit mode sends everything (CONTINUE) and records where enforce mode would have stopped. */
START_TEST(audit_mode_records_where_enforce_would_stop)
{
	struct fixture fx;
	struct h_result r;
	struct h_records rs;
	json_t *rec[4];
	char *three, *bad_first;

	setup(&fx);
	three = h_fmt("%d,%d,%d", fx.ok1, fx.bad, fx.ok2);
	bad_first = h_fmt("%d,%d", fx.bad, fx.ok1);
	h_run(&r, NULL, h_bouncer(), "run", "-q", "--mode", "audit", "-p", fx.policy, "-o", fx.log,
	      "--", fx.probe, "mmsg", three, "mmsg", bad_first, NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, h_fmt("mmsg %s: 3 lens=6,7,8", three)), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("mmsg %s: 2 lens=6,7", bad_first)), "%s", r.out);
	expect_datagrams(fx.bad_fd, (const char *[]){"mmsg 1.", "mmsg 0", NULL});
	ck_assert_uint_eq(mmsg_records(fx.log, &rs, rec, 4), 2);
	ck_assert_str_eq(h_str(rec[0], "action"), "allow");
	ck_assert(json_is_false(json_object_get(rec[0], "emulated")));
	ck_assert_ptr_null(json_object_get(rec[0], "result"));
	ck_assert_str_eq(addresses_of(rec[0]), h_fmt("%s,%s", inet(fx.ok1), inet(fx.bad)));
	ck_assert_int_eq(h_int(rec[0], "stopped_at"), 1);
	ck_assert_str_eq(h_str(rec[0], "stop_decision"), "deny");
	ck_assert_str_eq(h_str(rec[1], "would"), "deny");
	h_records_free(&rs);
	h_result_free(&r);
	teardown(&fx);
}
END_TEST

START_TEST(policy_check_accepts_allow_after_an_address_clause_on_sendmmsg)
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
	Suite *s = suite_create("supervise_sendmmsg");
	TCase *tc = tcase_create("live");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, messages_are_decided_one_by_one_and_stop_at_the_first_refused);
	tcase_add_test(tc, i386_callers_are_read_in_the_compat_layout);
	tcase_add_test(tc, kill_applies_when_the_refused_message_comes_first);
	tcase_add_test(tc, an_unreadable_entry_stops_the_call_there);
	tcase_add_test(tc, audit_mode_records_where_enforce_would_stop);
	tcase_add_test(tc, policy_check_accepts_allow_after_an_address_clause_on_sendmmsg);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
