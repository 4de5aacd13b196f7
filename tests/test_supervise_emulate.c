/* SPDX-License-Identifier: MIT */
/*
 * `bouncer run` with supervise clauses: decisions on the real location of paths and on socket
 * addresses, allows emulated on the checked copy (docs/inspection.md). Every outcome the
 * workload sees is compared with what it sees without bouncer (same fd, same contents, same
 * owner and mode of created files, same errno where the policy allows), and the records carry
 * the decoded facts.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "harness.h"

/* A test directory with allowed/ (world-writable, sticky) and denied/, and a policy for it. */
struct fixture {
	char *dir, *allowed, *denied, *policy, *log, *probe;
};

/*
 * Open family and mkdir: allowed under allowed/ and where the loader and libc look; denied
 * (EACCES) everywhere else. connect: only to 127.0.0.1:port_ok.
 */
static void setup(struct fixture *fx, int port_ok)
{
	char *text;

	fx->dir = h_tmpdir();
	fx->allowed = h_join(fx->dir, "allowed");
	fx->denied = h_join(fx->dir, "denied");
	fx->log = h_join(fx->dir, "log.jsonl");
	fx->policy = h_join(fx->dir, "policy.json");
	fx->probe = h_prog("supervise_probe");
	ck_assert_int_eq(mkdir(fx->allowed, 0755), 0);
	ck_assert_int_eq(chmod(fx->allowed, 01777), 0);
	ck_assert_int_eq(mkdir(fx->denied, 0755), 0);
	ck_assert_int_eq(chmod(fx->dir, 0755), 0);
	h_write_file(h_fmt("%s/a", fx->allowed), "ALLOWED\n", 0644);
	h_write_file(h_fmt("%s/s", fx->denied), "SECRET\n", 0644);
	text = h_fmt(
	        "{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	        " \"syscalls\": [\n"
	        "  {\"names\": [\"open\", \"openat\", \"openat2\", \"creat\", \"mkdir\", "
	        "\"mkdirat\"],\n"
	        "   \"action\": \"SCMP_ACT_NOTIFY\",\n"
	        "   \"supervise\": [\n"
	        "     {\"paths\": [\"%s/**\"], \"decision\": \"allow\"},\n"
	        "     {\"paths\": [\"%s/**\"], \"decision\": \"deny\", \"errno\": \"EACCES\"},\n"
	        "     {\"paths\": [\"/usr/**\", \"/lib/**\", \"/lib64/**\", \"/etc/**\"],"
	        " \"decision\": \"allow\"}],\n"
	        "   \"default\": {\"decision\": \"deny\", \"errno\": \"EACCES\"}},\n"
	        "  {\"names\": [\"connect\"], \"action\": \"SCMP_ACT_NOTIFY\",\n"
	        "   \"supervise\": [{\"addresses\": [\"inet:127.0.0.1:%d\"], \"decision\": "
	        "\"allow\"}],\n"
	        "   \"default\": {\"decision\": \"deny\", \"errno\": \"EACCES\"}}]}\n",
	        fx->allowed, fx->denied, port_ok);
	h_write_file(fx->policy, text, 0644);
	free(text);
}

/* Runs the probe with args (NULL-terminated), under bouncer when bounced. */
static void run_probe(struct h_result *r, const struct fixture *fx, bool bounced,
                      const char *const *args)
{
	h_run_probe(r, fx->probe, fx->policy, fx->log, bounced, NULL, args);
	h_assert_exit(r, 0);
}

/* The record of the call whose first given path is `given`, or NULL. */
static json_t *record_for_path(const struct h_records *rs, const char *syscall, const char *given)
{
	for (size_t i = 0; i < rs->n; i++) {
		json_t *paths = json_object_get(rs->rec[i], "paths");
		json_t *first = json_array_get(paths, 0);
		const char *g = json_string_value(json_object_get(first, "given"));

		if (g != NULL && strcmp(g, given) == 0 &&
		    strcmp(h_str(rs->rec[i], "syscall"), syscall) == 0)
			return rs->rec[i];
	}
	return NULL;
}

static const char *resolved_of(json_t *rec)
{
	json_t *first = json_array_get(json_object_get(rec, "paths"), 0);

	return json_string_value(json_object_get(first, "resolved"));
}

START_TEST(open_allowed_sees_fd_and_contents_denied_sees_eacces)
{
	struct fixture fx;
	struct h_result plain, r;
	struct h_records rs;
	char *a, *s, *missing;
	json_t *rec;

	setup(&fx, 1);
	a = h_join(fx.allowed, "a");
	s = h_join(fx.denied, "s");
	missing = h_fmt("%s/nodir/x", fx.allowed);
	run_probe(&plain, &fx, false, (const char *[]){"open", a, "open", s, "open2", a, NULL});
	run_probe(&r, &fx, true,
	          (const char *[]){"open", a, "open", s, "open2", a, "open", missing, NULL});
	/* Without bouncer both open (fd 3); with it the allowed one is identical. */
	ck_assert_msg(h_has_line(plain.out, h_fmt("open %s: fd=3 data=ALLOWED", a)), "%s",
	              plain.out);
	ck_assert_msg(h_has_line(plain.out, h_fmt("open %s: fd=3 data=SECRET", s)), "%s",
	              plain.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("open %s: fd=3 data=ALLOWED", a)), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("open %s: -1 EACCES", s)), "%s", r.out);
	ck_assert_uint_eq(h_count_lines_with(r.out, h_fmt("open %s: fd=3 data=ALLOWED", a)), 2);

	h_read_records(fx.log, &rs);
	h_check_seq(&rs);
	rec = record_for_path(&rs, "openat", a);
	ck_assert_msg(rec != NULL, "%s", h_records_dump(&rs));
	ck_assert_str_eq(h_str(rec, "action"), "allow");
	ck_assert_str_eq(resolved_of(rec), a);
	ck_assert(json_is_true(json_object_get(rec, "emulated")));
	ck_assert_int_eq(h_int(rec, "clause"), 0);
	ck_assert_int_eq(h_int(rec, "result"), 3);
	rec = record_for_path(&rs, "openat", s);
	ck_assert_msg(rec != NULL, "%s", h_records_dump(&rs));
	ck_assert_str_eq(h_str(rec, "action"), "deny");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(rec, "errno"), "name")),
	                 "EACCES");
	ck_assert_int_eq(h_int(rec, "clause"), 1);
	ck_assert_ptr_null(json_object_get(rec, "emulated"));
	rec = record_for_path(&rs, "openat2", a);
	ck_assert_msg(rec != NULL, "%s", h_records_dump(&rs));
	ck_assert(json_is_true(json_object_get(rec, "emulated")));
	/* A missing directory: the kernel's ENOENT, found while resolving; the path is named. */
	ck_assert_msg(h_has_line(r.out, h_fmt("open %s: -1 ENOENT", missing)), "%s", r.out);
	rec = record_for_path(&rs, "openat", missing);
	ck_assert_msg(rec != NULL, "%s", h_records_dump(&rs));
	ck_assert_str_eq(h_str(rec, "action"), "deny");
	ck_assert_str_eq(h_str(rec, "gather_errno"), "ENOENT");
	ck_assert_ptr_null(resolved_of(rec));
	h_records_free(&rs);
	h_result_free(&plain);
	h_result_free(&r);
}
END_TEST

START_TEST(open_flags_reach_the_callers_descriptor)
{
	struct fixture fx;
	struct h_result plain, r;
	char *a, *fifo;

	setup(&fx, 1);
	a = h_join(fx.allowed, "a");
	fifo = h_join(fx.allowed, "fifo");
	ck_assert_int_eq(mkfifo(fifo, 0644), 0);
	const char *args[] = {"openfl", a,    "rdonly",           "openfl", a, "cloexec",
	                      "openfl", a,    "nonblock,cloexec", "openfl", a, "append",
	                      "openfl", fifo, "nonblock",         NULL};
	run_probe(&plain, &fx, false, args);
	run_probe(&r, &fx, true, args);
	/* Same descriptor number, same close-on-exec flag, same file status flags. */
	ck_assert_str_eq(r.out, plain.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("openfl %s: fd=3 cloexec=1 fl=0x8000", a)), "%s",
	              r.out);
	h_result_free(&plain);
	h_result_free(&r);
}
END_TEST

START_TEST(openat2_resolve_restrictions_hold_as_without_bouncer)
{
	struct fixture fx;
	struct h_result plain, r;

	setup(&fx, 1);
	ck_assert_int_eq(mkdir(h_join(fx.allowed, "sub"), 0755), 0);
	h_write_file(h_fmt("%s/sub/f", fx.allowed), "SUB\n", 0644);
	ck_assert_int_eq(symlink("sub", h_join(fx.allowed, "sublink")), 0);
	/* Relative to allowed/: a symlinked directory, "..", and plain paths. */
	const char *args[] = {"chdir",
	                      fx.allowed,
	                      "open2r",
	                      "sublink/f",
	                      "nosymlinks",
	                      "open2r",
	                      "sublink/f",
	                      "beneath",
	                      "open2r",
	                      "sub/f",
	                      "beneath",
	                      "open2r",
	                      "sub/../sub/f",
	                      "beneath",
	                      "open2r",
	                      "../allowed/sub/f",
	                      "beneath",
	                      "open2r",
	                      "a",
	                      "nosymlinks",
	                      "open2r",
	                      h_join(fx.allowed, "a"),
	                      "beneath",
	                      NULL};
	run_probe(&plain, &fx, false, args);
	run_probe(&r, &fx, true, args);
	ck_assert_str_eq(r.out, plain.out);
	/* The restrictions did refuse something, and allowed the rest. */
	ck_assert_msg(h_has_line(r.out, "open2r sublink/f: -1 ELOOP"), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, "open2r ../allowed/sub/f: -1 EXDEV"), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, "open2r sub/f: fd=3 data=SUB"), "%s", r.out);
	h_result_free(&plain);
	h_result_free(&r);
}
END_TEST

/*
 * Nothing of the supervisor's reaches the workload: after emulated opens (and a connect and a
 * unix bind, which take the caller's socket with pidfd_getfd), the workload's descriptor table
 * is what it is without bouncer. /proc/self/fd itself is opened by emulation too: the
 * supervisor resolves "self" as the caller, so the listing is the caller's.
 */
START_TEST(no_supervisor_descriptor_reaches_the_workload)
{
	struct fixture fx;
	struct h_result plain, r;
	char *text, *sysprobe = h_prog("sysprobe");
	const char *argv_plain[] = {sysprobe, "touch", NULL, "fds", NULL};
	const char *argv_bounced[] = {h_bouncer(), "run",   "-q", "-p",  NULL, "--",
	                              sysprobe,    "touch", NULL, "fds", NULL};

	setup(&fx, 1);
	text = h_fmt("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	             " \"syscalls\": [{\"names\": [\"open\", \"openat\", \"openat2\", "
	             "\"creat\", \"newfstatat\", \"statx\"],\n"
	             "   \"action\": \"SCMP_ACT_NOTIFY\",\n"
	             "   \"supervise\": [{\"paths\": [\"%s/**\", \"/usr/**\", \"/lib/**\", "
	             "\"/lib64/**\", \"/etc/**\", \"/proc/**\"], \"decision\": \"allow\"}],\n"
	             "   \"default\": {\"decision\": \"deny\", \"errno\": \"EACCES\"}}]}\n",
	             fx.allowed);
	h_write_file(fx.policy, text, 0644);
	free(text);
	argv_plain[2] = h_join(fx.allowed, "t1");
	argv_bounced[4] = fx.policy;
	argv_bounced[8] = h_join(fx.allowed, "t2");
	h_runv(&plain, NULL, (char *const *)argv_plain);
	h_assert_exit(&plain, 0);
	h_runv(&r, NULL, (char *const *)argv_bounced);
	h_assert_exit(&r, 0);
	{
		/* h_line_after returns static storage: keep a copy of the first. */
		char *want = strdup(h_line_after(plain.out, "fds: "));

		ck_assert_msg(strcmp(want, "0 1 2") == 0, "%s", plain.out);
		ck_assert_str_eq(h_line_after(r.out, "fds: "), want);
		free(want);
	}
	h_result_free(&plain);
	h_result_free(&r);
}
END_TEST

START_TEST(a_fifo_without_writer_does_not_block_the_supervisor)
{
	struct fixture fx;
	struct h_result r;
	char *fifo;

	setup(&fx, 1);
	fifo = h_join(fx.allowed, "fifo");
	ck_assert_int_eq(mkfifo(fifo, 0644), 0);
	/*
	 * Without bouncer this open would wait for a writer forever; the supervisor must not,
	 * so the caller gets its descriptor at once (docs/inspection.md, "What differs"), and the
	 * next open is answered: the supervisor is not stuck.
	 */
	run_probe(
	        &r, &fx, true,
	        (const char *[]){"openfl", fifo, "rdonly", "open", h_join(fx.allowed, "a"), NULL});
	ck_assert_msg(h_has_line(r.out, h_fmt("openfl %s: fd=3 cloexec=0 fl=0x8000", fifo)), "%s",
	              r.out);
	ck_assert_msg(
	        h_has_line(r.out, h_fmt("open %s: fd=3 data=ALLOWED", h_join(fx.allowed, "a"))),
	        "%s", r.out);
	h_result_free(&r);
}
END_TEST

START_TEST(ask_unanswered_is_the_rules_default_deny)
{
	struct fixture fx;
	struct h_result r;
	struct h_records rs;
	char *text, *a;
	json_t *rec;

	setup(&fx, 1);
	a = h_join(fx.allowed, "a");
	text = h_fmt("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	             " \"syscalls\": [{\"names\": [\"openat\"], \"action\": \"SCMP_ACT_NOTIFY\",\n"
	             "   \"supervise\": [{\"paths\": [\"%s\"], \"decision\": \"ask\"},\n"
	             "     {\"decision\": \"allow\"}],\n"
	             "   \"default\": {\"decision\": \"deny\", \"errno\": \"EROFS\"}}]}\n",
	             a);
	h_write_file(fx.policy, text, 0644);
	free(text);
	/* Held for an operator (live review); nobody answers: the ask default, a deny with the
	 * rule's default errno. */
	h_run(&r, NULL, h_bouncer(), "run", "-q", "--no-control", "--ask-timeout", "200ms", "-p",
	      fx.policy, "-o", fx.log, "--", fx.probe, "open", a, NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, h_fmt("open %s: -1 EROFS", a)), "%s", r.out);
	h_read_records(fx.log, &rs);
	rec = record_for_path(&rs, "openat", a);
	ck_assert_msg(rec != NULL, "%s", h_records_dump(&rs));
	ck_assert_str_eq(h_str(rec, "action"), "deny");
	ck_assert_int_eq(h_int(rec, "clause"), 0);
	ck_assert_str_eq(
	        json_string_value(json_object_get(json_object_get(rec, "decided_by"), "by")),
	        "timeout");
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

START_TEST(tricks_reach_the_denied_file_and_are_denied)
{
	struct fixture fx;
	struct h_result r;
	struct h_records rs;
	char *link, *dotdot, *slashes, *cwd, *root, *tself, *ok_cwd;
	const char *dir_name;
	json_t *rec;

	setup(&fx, 1);
	link = h_join(fx.allowed, "link");
	ck_assert_int_eq(symlink(h_join(fx.denied, "s"), link), 0);
	dotdot = h_fmt("%s/../denied/s", fx.allowed);
	slashes = h_fmt("%s//..//denied//s", fx.allowed);
	cwd = h_fmt("/proc/self/cwd/../denied/s");
	tself = h_fmt("/proc/thread-self/cwd/../denied/s");
	root = h_fmt("/proc/self/root%s/s", fx.denied);
	ok_cwd = "/proc/self/cwd/a"; /* the rewrite names the target's cwd: allowed */
	dir_name = fx.allowed;
	run_probe(&r, &fx, true,
	          (const char *[]){"chdir", dir_name, "open", link, "open", dotdot, "open", slashes,
	                           "open", cwd, "open", tself, "open", root, "open", ok_cwd, NULL});
	ck_assert_msg(h_has_line(r.out, h_fmt("open %s: -1 EACCES", link)), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("open %s: -1 EACCES", dotdot)), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("open %s: -1 EACCES", slashes)), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("open %s: -1 EACCES", cwd)), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("open %s: -1 EACCES", tself)), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("open %s: -1 EACCES", root)), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, "open /proc/self/cwd/a: fd=3 data=ALLOWED"), "%s", r.out);
	/* Each was judged on the real location, which the record shows. */
	h_read_records(fx.log, &rs);
	rec = record_for_path(&rs, "openat", link);
	ck_assert_msg(rec != NULL, "%s", h_records_dump(&rs));
	ck_assert_str_eq(resolved_of(rec), h_join(fx.denied, "s"));
	rec = record_for_path(&rs, "openat", slashes);
	ck_assert_msg(rec != NULL, "%s", h_records_dump(&rs));
	ck_assert_str_eq(resolved_of(rec), h_join(fx.denied, "s"));
	ck_assert_str_eq(h_str(rec, "action"), "deny");
	rec = record_for_path(&rs, "openat", ok_cwd);
	ck_assert_msg(rec != NULL, "%s", h_records_dump(&rs));
	ck_assert_str_eq(resolved_of(rec), h_join(fx.allowed, "a"));
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

/* "create PATH: ok uid=.. gid=.. mode=.." without the path, to compare two runs. */
static const char *outcome(const char *out, const char *prefix)
{
	const char *rest = h_line_after(out, prefix);

	ck_assert_msg(rest != NULL, "no line starting with %s in:\n%s", prefix, out);
	return rest;
}

static void compare_creation(const char *uid, const char *gid, const char *mask)
{
	struct fixture fx;
	struct h_result plain, r;
	char *f1, *f2, *d1, *d2, *p1, *p2;
	char *a, *b;

	setup(&fx, 1);
	f1 = h_join(fx.allowed, "plain-file");
	f2 = h_join(fx.allowed, "bounced-file");
	d1 = h_join(fx.allowed, "plain-dir");
	d2 = h_join(fx.allowed, "bounced-dir");
	/* A file only root may read, and one behind a directory only root may search. */
	ck_assert_int_eq(mkdir(h_join(fx.allowed, "private"), 0700), 0);
	ck_assert_int_eq(mkdir(h_fmt("%s/private/sub", fx.allowed), 0755), 0);
	h_write_file(h_fmt("%s/private/sub/f", fx.allowed), "PRIVATE\n", 0644);
	h_write_file(h_join(fx.allowed, "rootonly"), "ROOT\n", 0600);
	p1 = h_fmt("%s/private/sub/f", fx.allowed);
	p2 = h_join(fx.allowed, "rootonly");
	run_probe(&plain, &fx, false,
	          (const char *[]){"as", uid, gid, "umask", mask, "create", f1, "0666", "mkdir", d1,
	                           "0777", "open", p1, "open", p2, "openat-dir", fx.allowed, "a",
	                           NULL});
	run_probe(&r, &fx, true,
	          (const char *[]){"as", uid, gid, "umask", mask, "create", f2, "0666", "mkdir", d2,
	                           "0777", "open", p1, "open", p2, "openat-dir", fx.allowed, "a",
	                           NULL});
	a = strdup(outcome(plain.out, h_fmt("create %s: ", f1)));
	b = strdup(outcome(r.out, h_fmt("create %s: ", f2)));
	ck_assert_msg(strncmp(a, "ok ", 3) == 0, "%s", plain.out);
	ck_assert_str_eq(b, a);
	free(a);
	free(b);
	a = strdup(outcome(plain.out, h_fmt("mkdir %s: ", d1)));
	b = strdup(outcome(r.out, h_fmt("mkdir %s: ", d2)));
	ck_assert_str_eq(b, a);
	free(a);
	free(b);
	a = strdup(outcome(plain.out, h_fmt("open %s: ", p1)));
	b = strdup(outcome(r.out, h_fmt("open %s: ", p1)));
	ck_assert_str_eq(b, a);
	free(a);
	free(b);
	a = strdup(outcome(plain.out, h_fmt("open %s: ", p2)));
	b = strdup(outcome(r.out, h_fmt("open %s: ", p2)));
	ck_assert_str_eq(b, a);
	free(a);
	free(b);
	/* Relative to a directory descriptor (the caller's /proc/TID/fd/N, opened as root). */
	a = strdup(outcome(plain.out, h_fmt("openat-dir %s a: ", fx.allowed)));
	b = strdup(outcome(r.out, h_fmt("openat-dir %s a: ", fx.allowed)));
	ck_assert_msg(strstr(a, "data=ALLOWED") != NULL, "%s", plain.out);
	ck_assert_str_eq(b, a);
	free(a);
	free(b);
	h_result_free(&plain);
	h_result_free(&r);
}

START_TEST(created_files_match_an_unsupervised_run_as_another_user)
{
	/* Permission checks differ for this user: EACCES on both protected files. */
	compare_creation("65534", "65534", "027");
}
END_TEST

START_TEST(created_files_match_an_unsupervised_run_as_root)
{
	compare_creation("0", "0", "077");
}
END_TEST

/* A free TCP port on 127.0.0.1 (bound and released). */
static int free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

START_TEST(connect_allowed_address_connects_denied_is_refused)
{
	struct fixture fx;
	struct h_result plain, r;
	struct h_records rs;
	int ok = free_port(), bad = free_port(), nb = free_port();
	char *oks = h_fmt("%d", ok), *bads = h_fmt("%d", bad), *nbs = h_fmt("%d", nb);
	size_t allowed = 0, denied = 0;

	setup(&fx, ok);
	run_probe(&plain, &fx, false, (const char *[]){"connect", oks, "connect", bads, NULL});
	ck_assert_msg(h_has_line(plain.out, h_fmt("connect %d: 0", bad)), "%s", plain.out);
	run_probe(&r, &fx, true,
	          (const char *[]){"connect", oks, "connect", bads, "connect-nb", nbs, NULL});
	ck_assert_msg(h_has_line(r.out, h_fmt("connect %d: 0", ok)), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("connect %d: -1 EACCES", bad)), "%s", r.out);
	/* A port the policy does not allow, non-blocking: denied before anything happens. */
	ck_assert_msg(h_has_line(r.out, h_fmt("connect-nb %d: -1 EACCES", nb)), "%s", r.out);

	h_read_records(fx.log, &rs);
	for (size_t i = 0; i < rs.n; i++) {
		const char *addr = json_string_value(json_object_get(rs.rec[i], "address"));

		if (strcmp(h_str(rs.rec[i], "syscall"), "connect") != 0)
			continue;
		ck_assert_ptr_nonnull(addr);
		if (strcmp(addr, h_fmt("inet:127.0.0.1:%d", ok)) == 0) {
			ck_assert_str_eq(h_str(rs.rec[i], "action"), "allow");
			ck_assert(json_is_true(json_object_get(rs.rec[i], "emulated")));
			allowed++;
		} else {
			ck_assert_str_eq(h_str(rs.rec[i], "action"), "deny");
			denied++;
		}
	}
	ck_assert_uint_eq(allowed, 1);
	ck_assert_uint_eq(denied, 2);
	h_records_free(&rs);
	h_result_free(&plain);
	h_result_free(&r);
}
END_TEST

START_TEST(sendto_allowed_address_delivers_denied_is_refused)
{
	struct fixture fx;
	struct h_result r;
	struct h_records rs;
	int ok = free_port(), bad = free_port(), conn = free_port();
	char *text;
	size_t emulated = 0, continued = 0;

	setup(&fx, 1);
	text = h_fmt("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	             " \"syscalls\": [{\"names\": [\"sendto\"], \"action\": \"SCMP_ACT_NOTIFY\",\n"
	             "   \"supervise\": [{\"addresses\": [\"inet:127.0.0.1:%d\"], \"decision\": "
	             "\"allow\"},\n"
	             "     {\"addresses\": [\"inet:*:*\"], \"decision\": \"deny\", \"errno\": "
	             "\"EACCES\"}],\n"
	             "   \"default\": {\"decision\": \"allow\"}}]}\n",
	             ok);
	h_write_file(fx.policy, text, 0644);
	free(text);
	run_probe(&r, &fx, true,
	          (const char *[]){"sendto", h_fmt("%d", ok), "sendto", h_fmt("%d", bad),
	                           "send-connected", h_fmt("%d", conn), NULL});
	ck_assert_msg(h_has_line(r.out, h_fmt("sendto %d: 5 received=hello", ok)), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("sendto %d: -1 EACCES", bad)), "%s", r.out);
	/* No address in the register: the default allows, and CONTINUE is race-free. */
	ck_assert_msg(h_has_line(r.out, h_fmt("send-connected %d: 5 received=hello", conn)), "%s",
	              r.out);
	h_read_records(fx.log, &rs);
	for (size_t i = 0; i < rs.n; i++) {
		if (strcmp(h_str(rs.rec[i], "action"), "allow") != 0)
			continue;
		if (json_is_true(json_object_get(rs.rec[i], "emulated")))
			emulated++;
		else if (json_is_false(json_object_get(rs.rec[i], "emulated")))
			continued++;
	}
	ck_assert_msg(emulated == 1 && continued == 1, "%s", h_records_dump(&rs));
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

START_TEST(nonblocking_connect_passes_on_the_kernel_answer)
{
	struct fixture fx;
	struct h_result plain, r;
	int port = free_port(), port2 = free_port();
	const char *a, *b;

	setup(&fx, port);
	run_probe(&plain, &fx, false, (const char *[]){"connect-nb", h_fmt("%d", port2), NULL});
	run_probe(&r, &fx, true, (const char *[]){"connect-nb", h_fmt("%d", port), NULL});
	a = h_line_after(plain.out, h_fmt("connect-nb %d: ", port2));
	ck_assert_ptr_nonnull(a);
	a = strdup(a);
	b = h_line_after(r.out, h_fmt("connect-nb %d: ", port));
	ck_assert_msg(b != NULL, "%s", r.out);
	/* 0 or EINPROGRESS, whichever the kernel said without bouncer for the same setup. */
	ck_assert_str_eq(b, a);
	h_result_free(&plain);
	h_result_free(&r);
}
END_TEST

START_TEST(unix_sockets_bind_and_connect_on_the_real_location)
{
	struct fixture fx;
	struct h_result plain, r;
	char *text, *s1, *s2, *s3, *link, *bad;
	const char *a, *b;

	setup(&fx, 1);
	text = h_fmt("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	             " \"syscalls\": [{\"names\": [\"connect\", \"bind\"],\n"
	             "   \"action\": \"SCMP_ACT_NOTIFY\",\n"
	             "   \"supervise\": [{\"addresses\": [\"unix:%s/*\"], \"decision\": "
	             "\"allow\"}],\n"
	             "   \"default\": {\"decision\": \"deny\", \"errno\": \"EACCES\"}}]}\n",
	             fx.allowed);
	h_write_file(fx.policy, text, 0644);
	free(text);
	s1 = h_join(fx.allowed, "plain.sock");
	s2 = h_join(fx.allowed, "bounced.sock");
	s3 = h_join(fx.denied, "s.sock");
	bad = h_join(fx.denied, "bounced.sock");
	link = h_join(fx.allowed, "link.sock");
	ck_assert_int_eq(symlink(s3, link), 0);
	/* Without bouncer: the socket file's mode follows the umask; the link reaches s3. */
	run_probe(&plain, &fx, false,
	          (const char *[]){"umask", "027", "unix-listen", s1, "unix-connect", s1,
	                           "unix-listen", s3, "unix-connect", link, NULL});
	ck_assert_msg(h_has_line(plain.out, h_fmt("unix-connect %s: 0", link)), "%s", plain.out);
	run_probe(&r, &fx, true,
	          (const char *[]){"umask", "027", "unix-listen", s2, "unix-connect", s2,
	                           "unix-connect", link, "unix-listen", bad, NULL});
	a = h_line_after(plain.out, h_fmt("unix-listen %s: ", s1));
	ck_assert_ptr_nonnull(a);
	a = strdup(a);
	b = h_line_after(r.out, h_fmt("unix-listen %s: ", s2));
	ck_assert_msg(b != NULL, "%s", r.out);
	ck_assert_str_eq(b, a);
	ck_assert_msg(h_has_line(r.out, h_fmt("unix-connect %s: 0", s2)), "%s", r.out);
	/* The symlink's real location is in denied/: refused, as is binding there. */
	ck_assert_msg(h_has_line(r.out, h_fmt("unix-connect %s: -1 EACCES", link)), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("unix-listen %s: -1 EACCES", bad)), "%s", r.out);
	ck_assert_int_eq(access(bad, F_OK), -1);
	h_result_free(&plain);
	h_result_free(&r);
}
END_TEST

START_TEST(policy_refuses_allow_on_paths_of_a_syscall_not_emulated)
{
	char *dir = h_tmpdir(), *policy = h_join(dir, "p.json");
	struct h_result r;

	/*
	 * Every syscall whose pointers clauses can inspect is emulated now (or, exec and chdir,
	 * verified): an allow after an address clause on sendmsg or sendmmsg loads. recvfrom's
	 * addresses are not read at all, so a clause on them is refused with its position.
	 */
	for (int i = 0; i < 2; i++) {
		h_write_file(policy,
		             h_fmt("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
		                   " \"syscalls\": [{\"names\": [\"%s\"], \"action\": "
		                   "\"SCMP_ACT_NOTIFY\",\n"
		                   "   \"supervise\": [{\"addresses\": [\"inet:10.0.0.0/8:*\"], "
		                   "\"decision\": \"deny\"},\n"
		                   "                 {\"decision\": \"allow\"}]}]}\n",
		                   i == 0 ? "sendmsg" : "sendmmsg"),
		             0644);
		h_run(&r, NULL, h_bouncer(), "policy", "check", policy, NULL);
		ck_assert_msg(r.exited && r.code == 0, "policy check refused it:\n%s", r.err);
		h_result_free(&r);
	}
	h_write_file(
	        policy,
	        "{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	        " \"syscalls\": [{\"names\": [\"recvfrom\"], \"action\": \"SCMP_ACT_NOTIFY\",\n"
	        "   \"supervise\": [{\"addresses\": [\"inet:10.0.0.0/8:*\"], \"decision\": "
	        "\"deny\"},\n"
	        "                 {\"decision\": \"allow\"}]}]}\n",
	        0644);
	h_run(&r, NULL, h_bouncer(), "policy", "check", policy, NULL);
	ck_assert_msg(r.exited && r.code != 0, "policy check accepted it:\n%s", r.out);
	ck_assert_msg(strstr(r.err, "p.json:3:32: syscalls[0].supervise[0].addresses") != NULL &&
	                      strstr(r.err, "syscall \"recvfrom\" has no socket address") != NULL,
	              "%s", r.err);
	h_result_free(&r);
}
END_TEST

/*
 * chdir allowed under allowed/ only (EACCES elsewhere); with with_open_rule, also the open
 * family allowed under allowed/ and where the loader and libc look, else getppid logged (a
 * supervised call that is not a chdir).
 */
static void write_chdir_policy(const struct fixture *fx, bool with_open_rule)
{
	char *open_rule = h_fmt(",\n  {\"names\": [\"open\", \"openat\"], \"action\": "
	                        "\"SCMP_ACT_NOTIFY\",\n"
	                        "   \"supervise\": [{\"paths\": [\"%s/**\", \"/usr/**\", "
	                        "\"/lib/**\", \"/lib64/**\", \"/etc/**\"], \"decision\": "
	                        "\"allow\"}],\n"
	                        "   \"default\": {\"decision\": \"deny\", \"errno\": \"EACCES\"}}",
	                        fx->allowed);
	char *text = h_fmt(
	        "{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	        " \"syscalls\": [\n"
	        "  {\"names\": [\"chdir\"], \"action\": \"SCMP_ACT_NOTIFY\",\n"
	        "   \"supervise\": [{\"paths\": [\"%s/**\"], \"decision\": \"allow\"}],\n"
	        "   \"default\": {\"decision\": \"deny\", \"errno\": \"EACCES\"}}%s]}\n",
	        fx->allowed,
	        with_open_rule ? open_rule
	                       : ",\n  {\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_LOG\"}");

	h_write_file(fx->policy, text, 0644);
	free(text);
	free(open_rule);
}

/*
 * chdir cannot be emulated (only the caller can change its own working directory): an allow
 * after a path clause is answered CONTINUE, said not race-free, and the directory reached is
 * verified on the next call (docs/inspection.md, "chdir"). The allowed chdir works as without
 * bouncer and relative paths then resolve from there; denied ones, also through ".." and a
 * symlink, leave the directory as it was.
 */
START_TEST(chdir_allowed_after_its_path_is_marked_and_verified)
{
	struct fixture fx;
	struct h_result plain, r;
	struct h_records rs;
	char *link, *dotdot, *sub, *proc_cwd;
	json_t *rec;

	setup(&fx, 1);
	link = h_join(fx.allowed, "ld");
	ck_assert_int_eq(symlink(fx.denied, link), 0);
	sub = h_join(fx.allowed, "sub");
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	dotdot = "../denied";
	proc_cwd = "/proc/self/cwd/../denied";
	write_chdir_policy(&fx, true);

	h_run(&r, NULL, h_bouncer(), "policy", "check", fx.policy, NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(strstr(r.out, "[not race-free: chdir allowed after checking its path, "
	                            "answered CONTINUE]") != NULL,
	              "%s", r.out);
	h_result_free(&r);

	/* Without bouncer the tricks do reach the denied directory. */
	run_probe(&plain, &fx, false, (const char *[]){"cd", fx.allowed, "cd", "ld", NULL});
	ck_assert_msg(h_has_line(plain.out, h_fmt("cd ld: 0 cwd=%s", fx.denied)), "%s", plain.out);

	run_probe(&r, &fx, true,
	          (const char *[]){"cd", fx.allowed, "open", "a", "cd", fx.denied, "cd", dotdot,
	                           "cd", "ld", "cd", proc_cwd, "cd", "sub", "cd", "..", "open", "a",
	                           NULL});
	ck_assert_msg(h_has_line(r.out, h_fmt("cd %s: 0 cwd=%s", fx.allowed, fx.allowed)), "%s",
	              r.out);
	ck_assert_msg(h_has_line(r.out, "open a: fd=3 data=ALLOWED"), "%s", r.out);
	ck_assert_uint_eq(h_count_lines_with(r.out, "open a: fd=3 data=ALLOWED"), 2);
	ck_assert_msg(h_has_line(r.out, h_fmt("cd %s: -1 EACCES cwd=%s", fx.denied, fx.allowed)),
	              "%s", r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("cd %s: -1 EACCES cwd=%s", dotdot, fx.allowed)), "%s",
	              r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("cd ld: -1 EACCES cwd=%s", fx.allowed)), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("cd %s: -1 EACCES cwd=%s", proc_cwd, fx.allowed)),
	              "%s", r.out);
	/* Two allowed chdirs in a row: the second settles the first. */
	ck_assert_msg(h_has_line(r.out, h_fmt("cd sub: 0 cwd=%s", sub)), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("cd ..: 0 cwd=%s", fx.allowed)), "%s", r.out);
	ck_assert_ptr_null(strstr(r.err, "chdir mismatch"));

	h_read_records(fx.log, &rs);
	h_check_seq(&rs);
	rec = record_for_path(&rs, "chdir", fx.allowed);
	ck_assert_msg(rec != NULL, "%s", h_records_dump(&rs));
	ck_assert_str_eq(h_str(rec, "action"), "allow");
	ck_assert_str_eq(resolved_of(rec), fx.allowed);
	ck_assert_int_eq(h_int(rec, "clause"), 0);
	ck_assert(json_is_false(json_object_get(rec, "race_free")));
	ck_assert(json_is_false(json_object_get(rec, "emulated")));
	/* The relative open was resolved from the real working directory. */
	rec = record_for_path(&rs, "openat", "a");
	ck_assert_msg(rec != NULL, "%s", h_records_dump(&rs));
	ck_assert_str_eq(resolved_of(rec), h_join(fx.allowed, "a"));
	rec = record_for_path(&rs, "chdir", "ld");
	ck_assert_msg(rec != NULL, "%s", h_records_dump(&rs));
	ck_assert_str_eq(h_str(rec, "action"), "deny");
	ck_assert_str_eq(resolved_of(rec), fx.denied);
	ck_assert_ptr_null(json_object_get(rec, "race_free"));
	rec = record_for_path(&rs, "chdir", dotdot);
	ck_assert_msg(rec != NULL, "%s", h_records_dump(&rs));
	ck_assert_str_eq(resolved_of(rec), fx.denied);
	rec = record_for_path(&rs, "chdir", "..");
	ck_assert_msg(rec != NULL, "%s", h_records_dump(&rs));
	ck_assert_str_eq(h_str(rec, "action"), "allow");
	ck_assert_str_eq(resolved_of(rec), fx.allowed);
	/* Every allowed chdir reached the directory checked: no mismatch anywhere. */
	for (size_t i = 0; i < rs.n; i++)
		ck_assert_ptr_null(json_object_get(rs.rec[i], "cwd_mismatch"));
	h_records_free(&rs);
	h_result_free(&plain);
	h_result_free(&r);
}
END_TEST

/*
 * The verification itself, without a race: after an allowed chdir the process moves into the
 * denied directory by fchdir (which no clause checks) before its next supervised call. The
 * working directory is not the one checked, so that call's record says so, loudly, naming the
 * checked directory, and a line on stderr names both. The next call is a getppid (the check
 * made on every notification) the first time, another allowed chdir (which settles the pending
 * check before replacing it) the second time.
 */
START_TEST(chdir_elsewhere_than_checked_is_recorded_as_a_mismatch)
{
	struct fixture fx;
	struct h_result r;
	struct h_records rs;
	const char *order[] = {"chdir", "getppid", "chdir", "chdir", "getppid"};
	const bool mismatch[] = {false, true, false, true, false};
	const char *checked[] = {NULL, "", NULL, "/sub", NULL};
	char *line;

	setup(&fx, 1);
	ck_assert_int_eq(mkdir(h_join(fx.allowed, "sub"), 0755), 0);
	write_chdir_policy(&fx, false);
	/*
	 * Back to allowed/ by fchdir before the second round: a chdir that leaves the process
	 * where it was before the call is taken as failed (it changed nothing).
	 */
	run_probe(&r, &fx, true,
	          (const char *[]){"cd", fx.allowed, "fchdir", fx.denied, "getppid", "fchdir",
	                           fx.allowed, "cd", "sub", "fchdir", fx.denied, "cd", fx.allowed,
	                           "getppid", NULL});
	ck_assert_uint_eq(
	        h_count_lines_with(r.out, h_fmt("fchdir %s: 0 cwd=%s", fx.denied, fx.denied)), 2);
	line = h_fmt("working directory is %s, not the checked %s\n", fx.denied, fx.allowed);
	ck_assert_msg(h_count_lines_with(r.err, "bouncer: chdir mismatch: process ") == 2, "%s",
	              r.err);
	ck_assert_msg(strstr(r.err, line) != NULL, "%s", r.err);
	line = h_fmt("working directory is %s, not the checked %s/sub\n", fx.denied, fx.allowed);
	ck_assert_msg(strstr(r.err, line) != NULL, "%s", r.err);
	h_read_records(fx.log, &rs);
	ck_assert_msg(rs.n == 5, "%s", h_records_dump(&rs));
	for (size_t i = 0; i < rs.n; i++) {
		json_t *mm = json_object_get(rs.rec[i], "cwd_mismatch");

		ck_assert_str_eq(h_str(rs.rec[i], "syscall"), order[i]);
		if (!mismatch[i]) {
			ck_assert_msg(mm == NULL, "%s", h_records_dump(&rs));
			continue;
		}
		ck_assert_msg(json_is_true(mm), "%s", h_records_dump(&rs));
		ck_assert_str_eq(h_str(rs.rec[i], "cwd_checked"),
		                 h_fmt("%s%s", fx.allowed, checked[i]));
	}
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

/*
 * stat, lstat, statx, access, readlink and the path syscalls that change the tree, all allowed
 * under allowed/ and emulated: the same output as without bouncer, as root and as another
 * user; and the same calls reaching denied/ are refused.
 */
static void compare_stat_family(const char *uid, size_t expect_emulated)
{
	struct fixture fx;
	struct h_result plain, r;
	struct h_records rs;
	char *a, *link, *ro, *priv, *missing, *text;
	size_t emulated = 0;

	setup(&fx, 1);
	/* The same rule shape, for the stat/access/readlink family. */
	text = h_fmt("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	             " \"syscalls\": [{\"names\": [\"newfstatat\", \"statx\", \"access\", "
	             "\"faccessat\", \"faccessat2\", \"readlink\", \"readlinkat\", "
	             "\"fchownat\"],\n"
	             "   \"action\": \"SCMP_ACT_NOTIFY\",\n"
	             "   \"supervise\": [{\"paths\": [\"%s/**\"], \"decision\": \"allow\"},\n"
	             "     {\"paths\": [\"/usr/**\", \"/lib/**\", \"/lib64/**\", \"/etc/**\"], "
	             "\"decision\": \"allow\"}],\n"
	             "   \"default\": {\"decision\": \"allow\"}}]}\n",
	             fx.allowed);
	h_write_file(fx.policy, text, 0644);
	free(text);
	a = h_join(fx.allowed, "a");
	link = h_join(fx.allowed, "link");
	ck_assert_int_eq(symlink(a, link), 0);
	ro = h_join(fx.allowed, "rootonly");
	h_write_file(ro, "ROOT\n", 0600);
	ck_assert_int_eq(mkdir(h_join(fx.allowed, "private"), 0700), 0);
	h_write_file(h_fmt("%s/private/f", fx.allowed), "P\n", 0644);
	priv = h_fmt("%s/private/f", fx.allowed);
	missing = h_join(fx.allowed, "missing");
	const char *args[] = {"as",       uid,
	                      uid,        "stat",
	                      a,          "lstat",
	                      link,       "stat",
	                      link,       "statx",
	                      a,          "statx",
	                      link,       "access",
	                      a,          "4",
	                      "access",   ro,
	                      "4",        "access",
	                      ro,         "2",
	                      "readlink", link,
	                      "readlink", a,
	                      "stat",     missing,
	                      "stat",     priv,
	                      "access",   priv,
	                      "0",        "fchown-empty",
	                      a,          "fstat-pipe",
	                      NULL};
	run_probe(&plain, &fx, false, args);
	run_probe(&r, &fx, true, args);
	ck_assert_str_eq(r.out, plain.out);
	ck_assert_msg(strstr(r.out, "stat ") != NULL, "%s", r.out);
	/* AT_EMPTY_PATH: the object itself, with a location (a file) or without (a pipe). */
	ck_assert_msg(h_has_line(r.out, "fstat-pipe: fifo=1"), "%s", r.out);
	h_read_records(fx.log, &rs);
	for (size_t i = 0; i < rs.n; i++) {
		const char *resolved = resolved_of(rs.rec[i]);

		if (resolved != NULL && strncmp(resolved, fx.allowed, strlen(fx.allowed)) == 0 &&
		    json_is_true(json_object_get(rs.rec[i], "emulated")))
			emulated++;
	}
	/*
	 * Every call above on allowed/ was emulated, except for another user the two under
	 * private/, which it may not search: the resolution stops with EACCES, as in the kernel.
	 */
	ck_assert_msg(emulated == expect_emulated, "%zu emulated:\n%s", emulated,
	              h_records_dump(&rs));
	h_records_free(&rs);
	h_result_free(&plain);
	h_result_free(&r);
}

START_TEST(stat_access_readlink_match_an_unsupervised_run)
{
	compare_stat_family("0", 14);
	compare_stat_family("65534", 12);
}
END_TEST

START_TEST(path_syscalls_act_on_the_checked_location)
{
	struct fixture fx;
	struct h_result r;
	char *text, *from, *to, *denied_to, *victim;

	setup(&fx, 1);
	text = h_fmt("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	             " \"syscalls\": [{\"names\": [\"rename\", \"renameat\", \"renameat2\", "
	             "\"unlink\", \"unlinkat\", \"mkdir\", \"mkdirat\"],\n"
	             "   \"action\": \"SCMP_ACT_NOTIFY\",\n"
	             "   \"supervise\": [{\"paths\": [\"%s/**\"], \"decision\": \"allow\"}],\n"
	             "   \"default\": {\"decision\": \"deny\", \"errno\": \"EACCES\"}}]}\n",
	             fx.allowed);
	h_write_file(fx.policy, text, 0644);
	free(text);
	from = h_join(fx.allowed, "from");
	to = h_join(fx.allowed, "to");
	denied_to = h_join(fx.denied, "to");
	victim = h_join(fx.denied, "s");
	h_write_file(from, "MOVE\n", 0644);
	run_probe(&r, &fx, true,
	          (const char *[]){"rename", from, to, "rename", to, denied_to, "unlink", victim,
	                           "unlink", to, "mkdir", h_join(fx.denied, "d"), "0755", NULL});
	ck_assert_msg(h_has_line(r.out, h_fmt("rename %s %s: 0", from, to)), "%s", r.out);
	/* Both paths must match: a file cannot leave the allowed tree. */
	ck_assert_msg(h_has_line(r.out, h_fmt("rename %s %s: -1 EACCES", to, denied_to)), "%s",
	              r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("unlink %s: -1 EACCES", victim)), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("unlink %s: 0", to)), "%s", r.out);
	ck_assert_int_eq(access(victim, F_OK), 0);
	ck_assert_int_eq(access(to, F_OK), -1);
	ck_assert_int_eq(access(denied_to, F_OK), -1);
	ck_assert_int_eq(access(h_join(fx.denied, "d"), F_OK), -1);
	h_result_free(&r);
}
END_TEST

/*
 * symlink, link, chmod, chown, lchown, truncate and mknod, allowed in allowed/ and emulated,
 * give what they give without bouncer (as root and as another user); aimed at denied/ or
 * through a symlink leading there, they are refused and change nothing.
 */
#define TREE_POLICY                                                                                \
	"{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"                                                \
	" \"syscalls\": [{\"names\": [\"symlink\", \"symlinkat\", \"link\", \"linkat\", "          \
	"\"chmod\", \"fchmodat\", \"chown\", \"lchown\", \"fchownat\", \"truncate\", "             \
	"\"mknod\", \"mknodat\", \"open\", \"openat\"],\n"                                         \
	"   \"action\": \"SCMP_ACT_NOTIFY\",\n"                                                    \
	"   \"supervise\": [{\"paths\": [\"%s/**\", \"/usr/**\", \"/lib/**\", \"/lib64/**\", "     \
	"\"/etc/**\"], \"decision\": \"allow\"}],\n"                                               \
	"   \"default\": {\"decision\": \"deny\", \"errno\": \"EACCES\"}}]}\n"

/* out with every occurrence of dir replaced by "D" (malloc'ed). */
static char *normalized(const char *out, const char *dir)
{
	size_t n = strlen(dir);
	char *copy = malloc(strlen(out) + 1), *w = copy;

	ck_assert_ptr_nonnull(copy);
	while (*out != '\0') {
		if (strncmp(out, dir, n) == 0) {
			*w++ = 'D';
			out += n;
		} else {
			*w++ = *out++;
		}
	}
	*w = '\0';
	return copy;
}

static void compare_tree_changes(const char *uid)
{
	struct fixture fx[2];
	struct h_result res[2];
	char *norm[2];

	for (int run = 0; run < 2; run++) {
		const char *d;
		char *text;

		setup(&fx[run], 1);
		d = fx[run].allowed;
		text = h_fmt(TREE_POLICY, d);
		h_write_file(fx[run].policy, text, 0644);
		free(text);
		const char *args[] = {"as",
		                      uid,
		                      uid,
		                      "umask",
		                      "022",
		                      "create",
		                      h_join(d, "f"),
		                      "0644",
		                      "symlink",
		                      "target",
		                      h_join(d, "l"),
		                      "readlink",
		                      h_join(d, "l"),
		                      "link",
		                      h_join(d, "f"),
		                      h_join(d, "h"),
		                      "chmod",
		                      h_join(d, "f"),
		                      "0600",
		                      "chown",
		                      h_join(d, "f"),
		                      uid,
		                      uid,
		                      "lchown",
		                      h_join(d, "l"),
		                      uid,
		                      uid,
		                      "truncate",
		                      h_join(d, "f"),
		                      "7",
		                      "mkfifo",
		                      h_join(d, "p"),
		                      "0666",
		                      "chown",
		                      h_join(d, "a"),
		                      "0",
		                      "0",
		                      NULL};
		run_probe(&res[run], &fx[run], run == 1, args);
		norm[run] = normalized(res[run].out, fx[run].dir);
	}
	ck_assert_msg(strstr(norm[0], "truncate D/allowed/f: 0 size=7") != NULL, "%s", norm[0]);
	ck_assert_str_eq(norm[1], norm[0]);
	for (int run = 0; run < 2; run++) {
		free(norm[run]);
		h_result_free(&res[run]);
	}
}

START_TEST(tree_changes_match_an_unsupervised_run)
{
	compare_tree_changes("0");
	compare_tree_changes("65534");
}
END_TEST

START_TEST(tree_changes_reaching_denied_files_change_nothing)
{
	struct fixture fx;
	struct h_result r;
	char *text, *victim, *via, *stolen;
	struct stat st;

	setup(&fx, 1);
	text = h_fmt(TREE_POLICY, fx.allowed);
	h_write_file(fx.policy, text, 0644);
	free(text);
	victim = h_join(fx.denied, "victim");
	via = h_join(fx.allowed, "tovictim");
	stolen = h_join(fx.allowed, "stolen");
	h_write_file(victim, "VICTIM\n", 0644);
	ck_assert_int_eq(symlink(victim, via), 0);
	run_probe(&r, &fx, true,
	          (const char *[]){"chmod", via, "0600", "truncate", via, "0", "chown", via, "1",
	                           "1", "link", victim, stolen, "symlink", "x",
	                           h_join(fx.denied, "l"), NULL});
	ck_assert_msg(h_has_line(r.out, h_fmt("chmod %s: -1 EACCES", via)), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("truncate %s: -1 EACCES", via)), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("chown %s: -1 EACCES", via)), "%s", r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("link %s %s: -1 EACCES", victim, stolen)), "%s",
	              r.out);
	ck_assert_msg(h_has_line(r.out, h_fmt("symlink %s: -1 EACCES", h_join(fx.denied, "l"))),
	              "%s", r.out);
	ck_assert_int_eq(stat(victim, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0644);
	ck_assert_int_eq(st.st_size, 7);
	ck_assert_int_eq(st.st_uid, 0);
	ck_assert_int_eq(lstat(stolen, &st), -1);
	h_result_free(&r);
}
END_TEST

START_TEST(exec_allow_is_marked_not_race_free_and_verified)
{
	char *dir = h_tmpdir(), *policy = h_join(dir, "p.json"), *log = h_join(dir, "l.jsonl");
	struct h_result r;
	struct h_records rs;
	struct h_match m = H_ANY;
	json_t *rec;

	h_write_file(
	        policy,
	        "{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	        " \"syscalls\": [{\"names\": [\"execve\"], \"action\": \"SCMP_ACT_NOTIFY\",\n"
	        "   \"supervise\": [{\"exec\": [\"/usr/bin/true\"], \"decision\": \"allow\"}],\n"
	        "   \"default\": {\"decision\": \"deny\", \"errno\": \"EACCES\"}},\n"
	        "  {\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_LOG\"}]}\n",
	        0644);
	h_run(&r, NULL, h_bouncer(), "policy", "check", policy, NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(strstr(r.out, "execve") != NULL && strstr(r.out, "not race-free") != NULL,
	              "%s", r.out);
	h_result_free(&r);
	h_run(&r, NULL, h_bouncer(), "run", "-q", "-p", policy, "-o", log, "--", "/usr/bin/true",
	      NULL);
	h_assert_exit(&r, 0);
	h_read_records(log, &rs);
	m.syscall = "execve";
	rec = h_find(&rs, &m);
	ck_assert_msg(rec != NULL, "%s", h_records_dump(&rs));
	ck_assert_str_eq(h_str(rec, "action"), "allow");
	ck_assert(json_is_false(json_object_get(rec, "race_free")));
	ck_assert(json_is_false(json_object_get(rec, "emulated")));
	for (size_t i = 0; i < rs.n; i++)
		ck_assert_ptr_null(json_object_get(rs.rec[i], "exec_mismatch"));
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

START_TEST(audit_mode_lets_the_denied_open_run_and_records_would)
{
	struct fixture fx;
	struct h_result r;
	struct h_records rs;
	char *s;
	json_t *rec;

	setup(&fx, 1);
	s = h_join(fx.denied, "s");
	h_run(&r, NULL, h_bouncer(), "run", "-q", "--mode", "audit", "-p", fx.policy, "-o", fx.log,
	      "--", fx.probe, "open", s, NULL);
	h_assert_exit(&r, 0);
	ck_assert_msg(h_has_line(r.out, h_fmt("open %s: fd=3 data=SECRET", s)), "%s", r.out);
	h_read_records(fx.log, &rs);
	rec = record_for_path(&rs, "openat", s);
	ck_assert_msg(rec != NULL, "%s", h_records_dump(&rs));
	ck_assert_str_eq(h_str(rec, "action"), "allow");
	ck_assert_ptr_nonnull(json_object_get(rec, "would"));
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("supervise_emulate");
	TCase *tc = tcase_create("live");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, open_allowed_sees_fd_and_contents_denied_sees_eacces);
	tcase_add_test(tc, tricks_reach_the_denied_file_and_are_denied);
	tcase_add_test(tc, open_flags_reach_the_callers_descriptor);
	tcase_add_test(tc, a_fifo_without_writer_does_not_block_the_supervisor);
	tcase_add_test(tc, no_supervisor_descriptor_reaches_the_workload);
	tcase_add_test(tc, openat2_resolve_restrictions_hold_as_without_bouncer);
	tcase_add_test(tc, ask_unanswered_is_the_rules_default_deny);
	tcase_add_test(tc, created_files_match_an_unsupervised_run_as_another_user);
	tcase_add_test(tc, created_files_match_an_unsupervised_run_as_root);
	tcase_add_test(tc, connect_allowed_address_connects_denied_is_refused);
	tcase_add_test(tc, nonblocking_connect_passes_on_the_kernel_answer);
	tcase_add_test(tc, sendto_allowed_address_delivers_denied_is_refused);
	tcase_add_test(tc, policy_refuses_allow_on_paths_of_a_syscall_not_emulated);
	tcase_add_test(tc, stat_access_readlink_match_an_unsupervised_run);
	tcase_add_test(tc, unix_sockets_bind_and_connect_on_the_real_location);
	tcase_add_test(tc, path_syscalls_act_on_the_checked_location);
	tcase_add_test(tc, tree_changes_match_an_unsupervised_run);
	tcase_add_test(tc, tree_changes_reaching_denied_files_change_nothing);
	tcase_add_test(tc, exec_allow_is_marked_not_race_free_and_verified);
	tcase_add_test(tc, chdir_allowed_after_its_path_is_marked_and_verified);
	tcase_add_test(tc, chdir_elsewhere_than_checked_is_recorded_as_a_mismatch);
	tcase_add_test(tc, audit_mode_lets_the_denied_open_run_and_records_would);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
