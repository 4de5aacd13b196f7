/* SPDX-License-Identifier: MIT */
/*
 * Live review, decision "ask": a held syscall waits for `bouncer ctl allow|deny` (or the ask
 * timeout) while the supervisor goes on answering everything else, and the record says who
 * decided and how long the call waited.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "ctl_util.h"
#include "harness.h"

static const char *const ask_policy[] = {"-p", "ask-getpgid.json", NULL};

static long long entry_int(json_t *e, const char *key)
{
	json_t *v = json_object_get(e, key);

	ck_assert_msg(json_is_integer(v), "pending entry: %s is not an integer", key);
	return json_integer_value(v);
}

static const char *id_text(json_t *e)
{
	return h_fmt("%lld", entry_int(e, "id"));
}

/* The single getpgid record of a finished run. */
static json_t *getpgid_record(struct h_records *rs, size_t want)
{
	struct h_match m = H_ANY;

	m.syscall = "getpgid";
	ck_assert_msg(h_count(rs, &m) == want, "expected %zu getpgid records:\n%s", want,
	              h_records_dump(rs));
	return h_find(rs, &m);
}

START_TEST(allow_lets_the_held_call_run)
{
	const char *const probe[] = {"ids", "getpgid", "1", NULL};
	struct c_run run;
	struct c_result c;
	struct h_result r;
	struct h_records rs;
	json_t *list, *e, *rec, *by;
	long pid;

	c_start(&run, ask_policy, probe);
	list = c_wait_pending(run.sock, 1);
	ck_assert_int_eq(json_array_size(list), 1);
	e = json_array_get(list, 0);
	c_wait_out(&run, "pid: ");
	pid = h_long_after(run.proc.out.data, "pid: ");
	ck_assert_int_eq(entry_int(e, "pid"), pid);
	ck_assert_int_eq(entry_int(e, "tid"), pid);
	ck_assert_str_eq(json_string_value(json_object_get(e, "syscall")), "getpgid");
	ck_assert_str_eq(json_string_value(json_object_get(e, "comm")), "ctlprobe");
	ck_assert_msg(strstr(json_string_value(json_object_get(e, "exe")), "/ctlprobe") != NULL,
	              "exe: %s", json_string_value(json_object_get(e, "exe")));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(e, "rule"), "comment")),
	                 "ask about getpgid");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(e, "args"), 0)), "0x0");
	/* Still blocked: the call has not returned. */
	ck_assert_ptr_null(strstr(run.proc.out.data, "getpgid 1:"));

	/* The human listing shows the same entry. */
	c_ctl(&c, run.sock, "pending", NULL);
	ck_assert_int_eq(c.code, 0);
	ck_assert_msg(strstr(c.out, "getpgid") && strstr(c.out, "ctlprobe"), "pending:\n%s", c.out);
	c_result_free(&c);

	c_ctl(&c, run.sock, "allow", id_text(e), NULL);
	ck_assert_msg(c.code == 0, "allow: %d %s", c.code, c.err);
	ck_assert_msg(strstr(c.out, "allowed"), "allow printed: %s", c.out);
	c_result_free(&c);
	c_wait_out(&run, "getpgid 1: ok");

	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	h_read_records(run.log, &rs);
	rec = getpgid_record(&rs, 1);
	ck_assert_str_eq(h_str(rec, "action"), "allow");
	by = json_object_get(rec, "decided_by");
	ck_assert_msg(json_is_object(by), "no decided_by:\n%s", h_records_dump(&rs));
	ck_assert_str_eq(json_string_value(json_object_get(by, "by")), "operator");
	ck_assert_int_eq(json_integer_value(json_object_get(by, "uid")), getuid());
	ck_assert_msg(json_is_integer(json_object_get(rec, "waited_ms")), "no waited_ms");
	ck_assert_int_ge(json_integer_value(json_object_get(rec, "waited_ms")), 0);
	h_records_free(&rs);
	json_decref(list);
}
END_TEST

START_TEST(deny_with_errno_is_what_the_program_sees)
{
	const char *const probe[] = {"getpgid", "1", NULL};
	struct c_run run;
	struct c_result c;
	struct h_result r;
	struct h_records rs;
	json_t *list, *rec;

	c_start(&run, ask_policy, probe);
	list = c_wait_pending(run.sock, 1);
	c_ctl(&c, run.sock, "deny", id_text(json_array_get(list, 0)), "--errno", "EACCES", NULL);
	ck_assert_msg(c.code == 0, "deny: %d %s", c.code, c.err);
	c_result_free(&c);
	c_wait_out(&run, "getpgid 1: EACCES");
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	h_read_records(run.log, &rs);
	rec = getpgid_record(&rs, 1);
	ck_assert_str_eq(h_str(rec, "action"), "deny");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(rec, "errno"), "name")),
	                 "EACCES");
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_object_get(rec, "decided_by"), "by")),
	        "operator");
	h_records_free(&rs);
	json_decref(list);
}
END_TEST

START_TEST(unknown_id_and_bad_errno_are_refused)
{
	const char *const probe[] = {"getpgid", "1", NULL};
	struct c_run run;
	struct c_result c;
	struct h_result r;
	json_t *list;

	c_start(&run, ask_policy, probe);
	list = c_wait_pending(run.sock, 1);
	c_ctl(&c, run.sock, "allow", "999", NULL);
	ck_assert_int_eq(c.code, 1);
	ck_assert_msg(strstr(c.err, "no held syscall with id 999"), "stderr: %s", c.err);
	c_result_free(&c);
	c_ctl(&c, run.sock, "deny", id_text(json_array_get(list, 0)), "--errno", "ENOTANERRNO",
	      NULL);
	ck_assert_int_eq(c.code, 1);
	ck_assert_msg(strstr(c.err, "unknown errno"), "stderr: %s", c.err);
	c_result_free(&c);
	c_ctl(&c, run.sock, "allow", "x1", NULL);
	ck_assert_int_eq(c.code, 2);
	c_result_free(&c);
	/* Still held after the refusals: answer it. */
	json_decref(c_wait_pending(run.sock, 1));
	c_ctl(&c, run.sock, "allow", id_text(json_array_get(list, 0)), NULL);
	ck_assert_int_eq(c.code, 0);
	c_result_free(&c);
	c_wait_out(&run, "getpgid 1: ok");
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	json_decref(list);
}
END_TEST

static void timeout_gives(const char *ask_default, const char *expect_line,
                          const char *expect_action)
{
	const char *const extra[] = {"-p",    "ask-getpgid.json", "--ask-timeout",
	                             "300ms", "--ask-default",    ask_default,
	                             NULL};
	const char *const probe[] = {"getpgid", "1", NULL};
	struct c_run run;
	struct h_result r;
	struct h_records rs;
	json_t *rec;

	c_start(&run, extra, probe);
	c_wait_out(&run, expect_line);
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	h_read_records(run.log, &rs);
	rec = getpgid_record(&rs, 1);
	ck_assert_str_eq(h_str(rec, "action"), expect_action);
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_object_get(rec, "decided_by"), "by")),
	        "timeout");
	/* It waited at least the timeout (a lower bound only: no timed assertion). */
	ck_assert_int_ge(json_integer_value(json_object_get(rec, "waited_ms")), 300);
	h_records_free(&rs);
}

START_TEST(timeout_denies_by_default)
{
	/* No defaultErrnoRet in the profile: EPERM. */
	timeout_gives("deny", "getpgid 1: EPERM", "deny");
}
END_TEST

START_TEST(timeout_allows_with_ask_default_allow)
{
	timeout_gives("allow", "getpgid 1: ok", "allow");
}
END_TEST

START_TEST(remember_always_answers_later_identical_calls)
{
	const char *const probe[] = {"getpgid", "2", NULL};
	/* Waits for go: a run that ends at once could remove its socket before c_start sees it. */
	const char *const second_probe[] = {"waitfile", "@/go", "getpgid", "1", NULL};
	char *dir = h_tmpdir(), *rules = h_join(dir, "rules.json");
	const char *const extra[] = {"-p", "ask-getpgid.json", "--rules-file", rules, NULL};
	struct c_run run;
	struct c_result c;
	struct h_result r;
	struct h_records rs;
	struct stat st;
	json_t *list, *first, *second, *saved;
	json_error_t jerr;
	struct h_match m = H_ANY;

	c_start(&run, extra, probe);
	list = c_wait_pending(run.sock, 1);
	c_ctl(&c, run.sock, "allow", id_text(json_array_get(list, 0)), "--remember", "always",
	      NULL);
	ck_assert_msg(c.code == 0, "allow --remember always: %d %s", c.code, c.err);
	ck_assert_msg(strstr(c.out, "remembered as rule"), "stdout: %s", c.out);
	c_result_free(&c);
	/* The second call is answered by the remembered rule, without being held. */
	c_wait_out(&run, "getpgid 2: ok");
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	h_read_records(run.log, &rs);
	m.syscall = "getpgid";
	ck_assert_int_eq(h_count(&rs, &m), 2);
	first = rs.rec[0];
	second = rs.rec[1];
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_object_get(first, "decided_by"), "by")),
	        "operator");
	ck_assert_msg(json_is_integer(json_object_get(first, "remembered")), "first record:\n%s",
	              h_records_dump(&rs));
	ck_assert_ptr_null(json_object_get(second, "decided_by"));
	ck_assert_str_eq(h_str(second, "action"), "allow");
	ck_assert_int_eq(json_integer_value(json_object_get(second, "remembered")),
	                 json_integer_value(json_object_get(first, "remembered")));
	h_records_free(&rs);

	/* Saved, and the next run starts with it: nothing is held. */
	ck_assert_msg(stat(rules, &st) == 0, "no rules file %s", rules);
	saved = json_load_file(rules, 0, &jerr);
	ck_assert_msg(saved != NULL, "rules file: %s", jerr.text);
	ck_assert_str_eq(json_string_value(json_object_get(
	                         json_array_get(json_object_get(saved, "rules"), 0), "syscall")),
	                 "getpgid");
	json_decref(saved);
	c_start(&run, extra, second_probe);
	c_touch(&run, "go");
	c_wait_out(&run, "getpgid 1: ok");
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	h_read_records(run.log, &rs);
	ck_assert_int_eq(h_count(&rs, &m), 1);
	ck_assert_msg(json_is_integer(json_object_get(rs.rec[0], "remembered")), "%s",
	              h_records_dump(&rs));
	h_records_free(&rs);
	json_decref(list);
}
END_TEST

START_TEST(remember_always_answers_the_identical_calls_already_held)
{
	/* Two threads, each held in getpgid(0): one answer with --remember always frees both. */
	const char *const probe[] = {"held-thread", "getpgid", "1", NULL};
	struct c_run run;
	struct c_result c;
	struct h_result r;
	struct h_records rs;
	json_t *list;

	c_start(&run, ask_policy, probe);
	list = c_wait_pending(run.sock, 2);
	ck_assert_int_eq(json_array_size(list), 2);
	c_ctl(&c, run.sock, "allow", id_text(json_array_get(list, 0)), "--remember", "always",
	      NULL);
	ck_assert_msg(c.code == 0, "allow: %s", c.err);
	c_result_free(&c);
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, "thread getpgid 1: ok") &&
	                      h_has_line(r.out, "getpgid 1: ok"),
	              "stdout:\n%s", r.out);
	h_read_records(run.log, &rs);
	ck_assert_int_eq(h_count_syscall(&rs, "getpgid", "allow"), 2);
	for (size_t i = 0; i < rs.n; i++) {
		ck_assert_str_eq(json_string_value(json_object_get(
		                         json_object_get(rs.rec[i], "decided_by"), "by")),
		                 "operator");
		ck_assert_int_eq(json_integer_value(json_object_get(rs.rec[i], "remembered")), 1);
	}
	h_records_free(&rs);
	json_decref(list);
}
END_TEST

START_TEST(remember_process_is_listed_and_revocable)
{
	const char *const probe[] = {"getpgid", "1", NULL};
	struct c_run run;
	struct c_result c;
	struct h_result r;
	json_t *list;

	c_start(&run, ask_policy, probe);
	list = c_wait_pending(run.sock, 1);
	c_ctl(&c, run.sock, "deny", id_text(json_array_get(list, 0)), "--remember", "process",
	      NULL);
	ck_assert_msg(c.code == 0, "deny --remember process: %s", c.err);
	c_result_free(&c);
	c_wait_out(&run, "getpgid 1: EPERM");
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	json_decref(list);
}
END_TEST

START_TEST(one_thread_held_others_answered)
{
	/* The thread's getpgid is held; the main thread's 200 supervised getppid calls (LOG)
	 * must all be answered meanwhile. */
	const char *const probe[] = {"held-thread", "getppid", "200", NULL};
	struct c_run run;
	struct c_result c;
	struct h_result r;
	struct h_records rs;
	json_t *list, *again;

	c_start(&run, ask_policy, probe);
	list = c_wait_pending(run.sock, 1);
	c_wait_out(&run, "getppid: calls=200 ok=200");
	/* Still held, the same call, not answered. */
	again = c_wait_pending(run.sock, 1);
	ck_assert_int_eq(entry_int(json_array_get(again, 0), "id"),
	                 entry_int(json_array_get(list, 0), "id"));
	ck_assert_ptr_null(strstr(run.proc.out.data, "thread getpgid"));
	c_ctl(&c, run.sock, "allow", id_text(json_array_get(list, 0)), NULL);
	ck_assert_int_eq(c.code, 0);
	c_result_free(&c);
	c_wait_out(&run, "thread getpgid 1: ok");
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	h_read_records(run.log, &rs);
	ck_assert_int_eq(h_count_syscall(&rs, "getppid", "log"), 200);
	ck_assert_int_eq(h_count_syscall(&rs, "getpgid", "allow"), 1);
	h_records_free(&rs);
	json_decref(list);
	json_decref(again);
}
END_TEST

START_TEST(killed_while_held_disappears)
{
	const char *const probe[] = {"ids", "getpgid", "1", NULL};
	struct c_run run;
	struct c_result c;
	struct h_result r;
	struct h_records rs;
	json_t *list;
	long pid;
	int rounds = 0;

	c_start(&run, ask_policy, probe);
	list = c_wait_pending(run.sock, 1);
	c_wait_out(&run, "pid: ");
	pid = h_long_after(run.proc.out.data, "pid: ");
	ck_assert_int_eq(kill((pid_t)pid, SIGKILL), 0);
	/* The entry goes once the kernel drops the notification (bounded wait, not timed). */
	for (;;) {
		json_t *reply;

		c_ctl(&c, run.sock, "pending", "--json", NULL);
		if (c.code != 0) /* the run may already have ended: its workload is gone */
			break;
		reply = json_loads(c.out, 0, NULL);
		ck_assert_ptr_nonnull(reply);
		if (json_array_size(json_object_get(reply, "pending")) == 0) {
			json_decref(reply);
			c_result_free(&c);
			break;
		}
		json_decref(reply);
		c_result_free(&c);
		ck_assert_msg(++rounds < 500, "the killed process's call stayed pending");
		usleep(20000);
	}
	c_finish(&run, &r);
	h_assert_exit(&r, 128 + SIGKILL);
	h_read_records(run.log, &rs);
	/* Nothing was answered, so nothing is recorded. */
	ck_assert_int_eq(h_count_syscall(&rs, "getpgid", NULL), 0);
	h_records_free(&rs);
	json_decref(list);
}
END_TEST

START_TEST(audit_mode_does_not_hold)
{
	const char *const extra[] = {"-p", "ask-getpgid.json", "--mode", "audit", NULL};
	const char *const probe[] = {"waitfile", "@/go", "getpgid", "1", NULL};
	struct c_run run;
	struct h_result r;
	struct h_records rs;
	json_t *rec;

	c_start(&run, extra, probe);
	c_touch(&run, "go");
	c_wait_out(&run, "getpgid 1: ok");
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	h_read_records(run.log, &rs);
	rec = getpgid_record(&rs, 1);
	ck_assert_str_eq(h_str(rec, "action"), "allow");
	ck_assert_ptr_null(json_object_get(rec, "decided_by"));
	h_records_free(&rs);
}
END_TEST

START_TEST(a_full_table_answers_with_the_ask_default_at_once)
{
	/* 70 threads ask at once: 64 are held (until the timeout), 6 get the default at once. */
	const char *const extra[] = {"-p", "ask-getpgid.json", "--ask-timeout", "5s", NULL};
	const char *const probe[] = {"threads", "70", NULL};
	struct c_run run;
	struct h_result r;
	struct h_records rs;
	size_t full = 0, timeout = 0;
	json_t *list;

	c_start(&run, extra, probe);
	list = c_wait_pending(run.sock, 64);
	ck_assert_int_eq(json_array_size(list), 64);
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	ck_assert_int_eq(h_count_lines_with(r.out, "thread getpgid 1: EPERM"), 70);
	h_read_records(run.log, &rs);
	ck_assert_int_eq(h_count_syscall(&rs, "getpgid", "deny"), 70);
	for (size_t i = 0; i < rs.n; i++) {
		const char *by = json_string_value(
		        json_object_get(json_object_get(rs.rec[i], "decided_by"), "by"));

		ck_assert_ptr_nonnull(by);
		full += strcmp(by, "full") == 0;
		timeout += strcmp(by, "timeout") == 0;
	}
	ck_assert_int_eq(full, 6);
	ck_assert_int_eq(timeout, 64);
	/* The six answered at once come first. */
	for (size_t i = 0; i < 6; i++)
		ck_assert_str_eq(json_string_value(json_object_get(
		                         json_object_get(rs.rec[i], "decided_by"), "by")),
		                 "full");
	h_records_free(&rs);
	json_decref(list);
}
END_TEST

START_TEST(allowing_a_path_ask_is_emulated_never_continued)
{
	/*
	 * A clause asks about one path: the operator's allow is decided again from the caller's
	 * memory and emulated on the checked copy (a CONTINUE would let the workload swap the path
	 * after the check). The probe still gets its file.
	 */
	char *dir = h_tmpdir(), *file = h_join(dir, "a"), *policy = h_join(dir, "policy.json");
	char *probe_path = h_prog("supervise_probe");
	FILE *f;
	struct h_proc p;
	struct c_result c;
	struct h_result r;
	struct h_records rs;
	char *sock = h_join(dir, "ctl.sock"), *log = h_join(dir, "log.jsonl");
	json_t *list, *rec = NULL;
	struct stat st;
	int rounds = 0;

	f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fputs("ALLOWED\n", f);
	fclose(f);
	f = fopen(policy, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
	        "{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	        " \"syscalls\": [{\"names\": [\"openat\"], \"action\": \"SCMP_ACT_NOTIFY\",\n"
	        "   \"supervise\": [{\"paths\": [\"%s\"], \"decision\": \"ask\"},\n"
	        "                 {\"decision\": \"allow\"}],\n"
	        "   \"default\": {\"decision\": \"deny\", \"errno\": \"EROFS\"}}]}\n",
	        file);
	fclose(f);
	h_spawn(&p, NULL,
	        (char *const[]){(char *)h_bouncer(), "run", "-q", "-p", policy, "-o", log,
	                        "--control", sock, "--", probe_path, "open", file, NULL});
	while (stat(sock, &st) != 0) {
		ck_assert_msg(++rounds < 2000, "no control socket");
		usleep(5000);
	}
	list = c_wait_pending(sock, 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(list, 0), "syscall")),
	                 "openat");
	/* The operator sees the path the call names, decoded, not just a pointer. */
	ck_assert_str_eq(
	        json_string_value(json_object_get(
	                json_array_get(
	                        json_object_get(json_object_get(json_array_get(list, 0), "decoded"),
	                                        "paths"),
	                        0),
	                "resolved")),
	        file);
	c_ctl(&c, sock, "pending", NULL);
	ck_assert_msg(c.code == 0 && strstr(c.out, h_fmt("path: %s", file)), "pending:\n%s", c.out);
	c_result_free(&c);
	c_ctl(&c, sock, "allow", id_text(json_array_get(list, 0)), NULL);
	ck_assert_msg(c.code == 0, "allow: %s", c.err);
	c_result_free(&c);
	h_finish(&p, H_DEFAULT_TIMEOUT_MS, &r);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, h_fmt("open %s: fd=3 data=ALLOWED", file)), "stdout:\n%s",
	              r.out);
	h_read_records(log, &rs);
	for (size_t i = 0; i < rs.n; i++)
		if (json_object_get(rs.rec[i], "decided_by") != NULL)
			rec = rs.rec[i];
	ck_assert_msg(rec != NULL, "no operator record:\n%s", h_records_dump(&rs));
	ck_assert_str_eq(h_str(rec, "action"), "allow");
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_object_get(rec, "decided_by"), "by")),
	        "operator");
	ck_assert_int_eq(h_int(rec, "clause"), 0);
	ck_assert_msg(json_is_true(json_object_get(rec, "emulated")), "not emulated:\n%s",
	              h_records_dump(&rs));
	h_records_free(&rs);
	json_decref(list);
}
END_TEST

/* Writes name (in dir) with a first line of data; returns its path. */
static char *data_file(const char *dir, const char *name, const char *data)
{
	char *path = h_join(dir, name);
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f, "%s\n", data);
	fclose(f);
	return path;
}

/* A policy whose clauses ask about the files of dir and allow every other open. */
static char *ask_dir_policy(const char *dir)
{
	char *policy = h_join(dir, "policy.json");
	FILE *f = fopen(policy, "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f,
	        "{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	        " \"syscalls\": [{\"names\": [\"open\", \"openat\"], \"action\": "
	        "\"SCMP_ACT_NOTIFY\",\n"
	        "   \"supervise\": [{\"paths\": [\"%s/files/*\"], \"decision\": \"ask\"},\n"
	        "                 {\"decision\": \"allow\"}],\n"
	        "   \"default\": {\"decision\": \"deny\", \"errno\": \"EROFS\"}}]}\n",
	        dir);
	fclose(f);
	return policy;
}

/* The records of a finished run whose (first) resolved path is path, in order. */
static size_t path_records(struct h_records *rs, const char *path, json_t **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->n; i++) {
		json_t *paths = json_object_get(rs->rec[i], "paths");
		const char *resolved =
		        json_string_value(json_object_get(json_array_get(paths, 0), "resolved"));

		if (resolved != NULL && strcmp(resolved, path) == 0 && n < max)
			out[n++] = rs->rec[i];
	}
	return n;
}

START_TEST(remember_deny_on_a_path_answers_that_path_only)
{
	/*
	 * The held open names a file whose name is a glob ("f*[1]"): the remembered rule matches
	 * exactly that file (escaped), not "fzz1", which the same glob unescaped would match.
	 */
	char *dir = h_tmpdir(), *files = h_join(dir, "files");
	char *policy, *star, *other;
	const char *extra[] = {"-p", NULL, NULL};
	const char *probe[] = {"cat", NULL, "cat", NULL, "cat", NULL, NULL};
	struct c_run run;
	struct c_result c;
	struct h_result r;
	struct h_records rs;
	json_t *list, *recs[4];
	long long remembered;

	ck_assert_int_eq(mkdir(files, 0755), 0);
	star = data_file(files, "f*[1]", "STAR");
	other = data_file(files, "fzz1", "ZZZ");
	policy = ask_dir_policy(dir);
	extra[1] = policy;
	probe[1] = probe[3] = star;
	probe[5] = other;
	c_start(&run, extra, probe);
	list = c_wait_pending(run.sock, 1);
	ck_assert_str_eq(
	        json_string_value(json_object_get(
	                json_array_get(
	                        json_object_get(json_object_get(json_array_get(list, 0), "decoded"),
	                                        "paths"),
	                        0),
	                "resolved")),
	        star);
	c_ctl(&c, run.sock, "deny", id_text(json_array_get(list, 0)), "--errno", "EACCES",
	      "--remember", "process", NULL);
	ck_assert_msg(c.code == 0, "deny --remember process: %d %s", c.code, c.err);
	c_result_free(&c);
	json_decref(list);
	/* The second open of the same file is denied by the rule; the other file is held. */
	c_wait_out(&run, h_fmt("cat %s: EACCES\ncat %s: EACCES", star, star));
	c_ctl(&c, run.sock, "rules", "--json", NULL);
	ck_assert_msg(c.code == 0 && strstr(c.out, "\"path\":\"") &&
	                      strstr(c.out, "f\\\\*\\\\[1\\\\]"),
	              "rules: %s", c.out);
	c_result_free(&c);
	list = c_wait_pending(run.sock, 1);
	ck_assert_str_eq(
	        json_string_value(json_object_get(
	                json_array_get(
	                        json_object_get(json_object_get(json_array_get(list, 0), "decoded"),
	                                        "paths"),
	                        0),
	                "resolved")),
	        other);
	c_ctl(&c, run.sock, "allow", id_text(json_array_get(list, 0)), NULL);
	ck_assert_msg(c.code == 0, "allow: %s", c.err);
	c_result_free(&c);
	json_decref(list);
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_count_lines_with(r.out, h_fmt("cat %s: EACCES", star)) == 2 &&
	                      h_has_line(r.out, h_fmt("cat %s: ZZZ", other)),
	              "stdout:\n%s", r.out);
	h_read_records(run.log, &rs);
	ck_assert_msg(path_records(&rs, star, recs, 4) == 2, "records:\n%s", h_records_dump(&rs));
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_object_get(recs[0], "decided_by"), "by")),
	        "operator");
	remembered = json_integer_value(json_object_get(recs[0], "remembered"));
	ck_assert_int_gt(remembered, 0);
	ck_assert_ptr_null(json_object_get(recs[1], "decided_by"));
	ck_assert_str_eq(h_str(recs[1], "action"), "deny");
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_object_get(recs[1], "errno"), "name")),
	        "EACCES");
	ck_assert_int_eq(json_integer_value(json_object_get(recs[1], "remembered")), remembered);
	ck_assert_msg(path_records(&rs, other, recs, 4) == 1, "records:\n%s", h_records_dump(&rs));
	ck_assert_ptr_null(json_object_get(recs[0], "remembered"));
	h_records_free(&rs);
}
END_TEST

START_TEST(remember_always_on_a_path_persists_to_the_next_run)
{
	char *dir = h_tmpdir(), *files = h_join(dir, "files"), *rules = h_join(dir, "rules.json");
	char *policy, *file;
	const char *extra[] = {"-p", NULL, "--rules-file", rules, NULL};
	const char *probe[] = {"cat", NULL, "cat", NULL, NULL};
	const char *second_probe[] = {"waitfile", "@/go", "cat", NULL, NULL};
	struct c_run run;
	struct c_result c;
	struct h_result r;
	struct h_records rs;
	json_t *list, *recs[4], *saved, *rule;
	json_error_t jerr;
	long long remembered;

	ck_assert_int_eq(mkdir(files, 0755), 0);
	file = data_file(files, "a", "AAA");
	policy = ask_dir_policy(dir);
	extra[1] = policy;
	probe[1] = probe[3] = second_probe[3] = file;
	c_start(&run, extra, probe);
	list = c_wait_pending(run.sock, 1);
	c_ctl(&c, run.sock, "allow", id_text(json_array_get(list, 0)), "--remember", "always",
	      NULL);
	ck_assert_msg(c.code == 0, "allow --remember always: %d %s", c.code, c.err);
	c_result_free(&c);
	json_decref(list);
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_count_lines_with(r.out, h_fmt("cat %s: AAA", file)) == 2, "stdout:\n%s",
	              r.out);
	h_read_records(run.log, &rs);
	ck_assert_msg(path_records(&rs, file, recs, 4) == 2, "records:\n%s", h_records_dump(&rs));
	remembered = json_integer_value(json_object_get(recs[0], "remembered"));
	ck_assert_int_gt(remembered, 0);
	/* The second open was not held: answered by the rule, emulated. */
	ck_assert_ptr_null(json_object_get(recs[1], "decided_by"));
	ck_assert_str_eq(h_str(recs[1], "action"), "allow");
	ck_assert_int_eq(json_integer_value(json_object_get(recs[1], "remembered")), remembered);
	ck_assert_msg(json_is_true(json_object_get(recs[1], "emulated")), "records:\n%s",
	              h_records_dump(&rs));
	h_records_free(&rs);

	saved = json_load_file(rules, 0, &jerr);
	ck_assert_msg(saved != NULL, "rules file: %s", jerr.text);
	ck_assert_int_eq(json_array_size(json_object_get(saved, "rules")), 1);
	rule = json_array_get(json_object_get(saved, "rules"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(rule, "path")), file);
	ck_assert_str_eq(json_string_value(json_object_get(rule, "decision")), "allow");
	json_decref(saved);

	/* The next run starts with the rule: the open is not held. */
	c_start(&run, extra, second_probe);
	c_touch(&run, "go");
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, h_fmt("cat %s: AAA", file)), "stdout:\n%s", r.out);
	h_read_records(run.log, &rs);
	ck_assert_msg(path_records(&rs, file, recs, 4) == 1, "records:\n%s", h_records_dump(&rs));
	ck_assert_ptr_null(json_object_get(recs[0], "decided_by"));
	ck_assert_msg(json_is_integer(json_object_get(recs[0], "remembered")) &&
	                      json_is_true(json_object_get(recs[0], "emulated")),
	              "records:\n%s", h_records_dump(&rs));
	h_records_free(&rs);
}
END_TEST

START_TEST(remember_without_decoded_paths_is_refused)
{
	/* The whole rule asks (no path clause): a held open has no decoded path to remember. */
	char *dir = h_tmpdir(), *files = h_join(dir, "files"), *policy = h_join(dir, "p.json");
	char *file;
	const char *extra[] = {"-p", policy, NULL};
	const char *probe[] = {"cat", NULL, NULL};
	struct c_run run;
	struct c_result c;
	struct h_result r;
	json_t *list;
	FILE *f;

	ck_assert_int_eq(mkdir(files, 0755), 0);
	file = data_file(files, "a", "AAA");
	probe[1] = file;
	f = fopen(policy, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	           " \"syscalls\": [{\"names\": [\"openat\"], \"action\": \"SCMP_ACT_NOTIFY\",\n"
	           "   \"default\": {\"decision\": \"ask\"}}]}\n");
	fclose(f);
	c_start(&run, extra, probe);
	list = c_wait_pending(run.sock, 1);
	c_ctl(&c, run.sock, "allow", id_text(json_array_get(list, 0)), "--remember", "always",
	      NULL);
	ck_assert_int_eq(c.code, 1);
	ck_assert_msg(strstr(c.err, "remember always: not supported for this openat call") &&
	                      strstr(c.err, "no single decoded path") &&
	                      strstr(c.err, "answer once instead"),
	              "stderr: %s", c.err);
	c_result_free(&c);
	json_decref(list);
	/* Nothing was answered: every open (the loader's too) is held until allowed once each;
	 * the run's socket goes away when it ends. */
	for (int round = 0; round < 2000; round++) {
		json_t *reply;

		c_ctl(&c, run.sock, "pending", "--json", NULL);
		reply = c.code == 0 ? json_loads(c.out, 0, NULL) : NULL;
		c_result_free(&c);
		if (reply == NULL)
			break;
		list = json_object_get(reply, "pending");
		for (size_t i = 0; i < json_array_size(list); i++) {
			c_ctl(&c, run.sock, "allow", id_text(json_array_get(list, i)), NULL);
			c_result_free(&c);
		}
		json_decref(reply);
		usleep(10000);
	}
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, h_fmt("cat %s: AAA", file)), "stdout:\n%s", r.out);
}
END_TEST

static json_t *stats(const char *sock)
{
	struct c_result c;
	json_t *reply;

	c_ctl(&c, sock, "stats", "--json", NULL);
	ck_assert_msg(c.code == 0, "stats: %s", c.err);
	reply = json_loads(c.out, 0, NULL);
	ck_assert_ptr_nonnull(reply);
	c_result_free(&c);
	return reply;
}

START_TEST(killed_while_held_disappears_while_the_run_goes_on)
{
	/* The child is held and killed; its parent keeps the run going until go. */
	const char *const probe[] = {"held-child", "waitfile", "@/go", NULL};
	struct c_run run;
	struct c_result c;
	struct h_result r;
	struct h_records rs;
	json_t *list, *s;
	long child;
	int rounds = 0;

	c_start(&run, ask_policy, probe);
	list = c_wait_pending(run.sock, 1);
	c_wait_out(&run, "child: ");
	child = h_long_after(run.proc.out.data, "child: ");
	ck_assert_int_eq(entry_int(json_array_get(list, 0), "pid"), child);
	ck_assert_int_eq(kill((pid_t)child, SIGKILL), 0);
	for (;;) {
		json_t *reply;

		c_ctl(&c, run.sock, "pending", "--json", NULL);
		ck_assert_msg(c.code == 0, "pending: %s", c.err);
		reply = json_loads(c.out, 0, NULL);
		c_result_free(&c);
		ck_assert_ptr_nonnull(reply);
		if (json_array_size(json_object_get(reply, "pending")) == 0) {
			json_decref(reply);
			break;
		}
		json_decref(reply);
		ck_assert_msg(++rounds < 500, "the killed child's call stayed pending");
		usleep(20000);
	}
	s = stats(run.sock);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(s, "held"), "gone")),
	                 1);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(s, "held"), "now")), 0);
	json_decref(s);
	/* Answering it now is an unknown id. */
	c_ctl(&c, run.sock, "allow", id_text(json_array_get(list, 0)), NULL);
	ck_assert_int_eq(c.code, 1);
	c_result_free(&c);
	c_touch(&run, "go");
	c_finish(&run, &r);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, "child status: signal 9"), "stdout:\n%s", r.out);
	h_read_records(run.log, &rs);
	ck_assert_int_eq(h_count_syscall(&rs, "getpgid", NULL), 0);
	h_records_free(&rs);
	json_decref(list);
}
END_TEST

static Suite *ctl_ask_suite(void)
{
	Suite *s = suite_create("ctl_ask");
	TCase *tc = tcase_create("ask");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, allow_lets_the_held_call_run);
	tcase_add_test(tc, deny_with_errno_is_what_the_program_sees);
	tcase_add_test(tc, unknown_id_and_bad_errno_are_refused);
	tcase_add_test(tc, timeout_denies_by_default);
	tcase_add_test(tc, timeout_allows_with_ask_default_allow);
	tcase_add_test(tc, remember_always_answers_later_identical_calls);
	tcase_add_test(tc, remember_always_answers_the_identical_calls_already_held);
	tcase_add_test(tc, remember_process_is_listed_and_revocable);
	tcase_add_test(tc, one_thread_held_others_answered);
	tcase_add_test(tc, audit_mode_does_not_hold);
	tcase_add_test(tc, allowing_a_path_ask_is_emulated_never_continued);
	tcase_add_test(tc, remember_deny_on_a_path_answers_that_path_only);
	tcase_add_test(tc, remember_always_on_a_path_persists_to_the_next_run);
	tcase_add_test(tc, remember_without_decoded_paths_is_refused);
	tcase_add_test(tc, a_full_table_answers_with_the_ask_default_at_once);
	tcase_add_test(tc, killed_while_held_disappears);
	tcase_add_test(tc, killed_while_held_disappears_while_the_run_goes_on);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ctl_ask_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
