/* SPDX-License-Identifier: MIT */
/*
 * i386 (32-bit) callers under supervise clauses, for real: tests/progs/supervise_probe32 is an
 * -m32 -static program making the raw i386 syscalls, run with and without `bouncer run`. What
 * the kernel writes for it without bouncer is the reference: struct stat64 (padding included),
 * the old 32-bit struct stat and __old_kernel_stat must come out byte for byte the same when
 * bouncer emulates the call; truncate64 beyond 4 GiB, chown32 and the 16-bit chown, the open
 * family and mkdir must have the same effect; denied paths get the clause's errno.
 *
 * When the 32-bit probe could not be built (no gcc-multilib / libc6-dev-i386), the kernel
 * cannot run i386 programs or the test does not run as root, the whole test is skipped (exit
 * 77) and says why on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "harness.h"

/* Everything a test needs: allowed/ (world-writable, sticky), denied/, the policy, the log. */
struct fixture {
	char *dir, *allowed, *denied, *policy, *log, *probe;
};

#define NAMES                                                                                      \
	"\"stat64\", \"lstat64\", \"fstatat64\", \"stat\", \"lstat\", \"oldstat\", "               \
	"\"oldlstat\", \"truncate64\", \"truncate\", \"chown32\", \"lchown32\", \"chown\", "       \
	"\"lchown\", \"open\", \"openat\", \"mkdir\""

/*
 * The stat, truncate, chown, open and mkdir families of both ABIs: allowed under allowed/ (and
 * "/" itself, for oldstat), EACCES under denied/, EPERM anywhere else.
 */
static void setup(struct fixture *fx)
{
	char *text;

	fx->dir = h_tmpdir();
	fx->allowed = h_join(fx->dir, "allowed");
	fx->denied = h_join(fx->dir, "denied");
	fx->log = h_join(fx->dir, "log.jsonl");
	fx->policy = h_join(fx->dir, "policy.json");
	fx->probe = h_prog("supervise_probe32");
	ck_assert_int_eq(chmod(fx->dir, 0755), 0);
	ck_assert_int_eq(mkdir(fx->allowed, 0755), 0);
	ck_assert_int_eq(chmod(fx->allowed, 01777), 0);
	ck_assert_int_eq(mkdir(fx->denied, 0755), 0);
	h_write_file(h_join(fx->allowed, "a"), "ALLOWED\n", 0644);
	h_write_file(h_join(fx->denied, "s"), "SECRET\n", 0644);
	text = h_fmt(
	        "{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	        " \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\"],\n"
	        " \"syscalls\": [{\"names\": [" NAMES "],\n"
	        "   \"action\": \"SCMP_ACT_NOTIFY\",\n"
	        "   \"supervise\": [\n"
	        "     {\"paths\": [\"%s/**\", \"/\"], \"decision\": \"allow\"},\n"
	        "     {\"paths\": [\"%s/**\"], \"decision\": \"deny\", \"errno\": \"EACCES\"}],\n"
	        "   \"default\": {\"decision\": \"deny\", \"errno\": \"EPERM\"}}]}\n",
	        fx->allowed, fx->denied);
	h_write_file(fx->policy, text, 0644);
	free(text);
}

/* Runs prog with args (NULL-terminated) in cwd (NULL: the test's), under bouncer when bounced. */
static void run_prog(struct h_result *r, const struct fixture *fx, const char *prog, bool bounced,
                     const char *cwd, const char *const *args)
{
	h_run_probe(r, prog, fx->policy, fx->log, bounced, cwd, args);
	h_assert_exit(r, 0);
}

static void run_probe(struct h_result *r, const struct fixture *fx, bool bounced, const char *cwd,
                      const char *const *args)
{
	run_prog(r, fx, fx->probe, bounced, cwd, args);
}

/* The probe's line for label ("stat64 PATH"), as a static copy; fails if absent. */
static const char *line_of(const char *out, const char *label)
{
	const char *rest = h_line_after(out, h_fmt("%s: ", label));

	ck_assert_msg(rest != NULL, "no line \"%s\" in:\n%s", label, out);
	return rest;
}

/* The value of "key=" in line as text (malloc'ed). */
static char *field(const char *line, const char *key)
{
	const char *p = strstr(line, h_fmt(" %s=", key));
	size_t n;

	ck_assert_msg(p != NULL, "no %s= in %s", key, line);
	p += strlen(key) + 2;
	n = strcspn(p, " ");
	return strndup(p, n);
}

/* Line k of text (0-based) as a malloc'ed string, or NULL past the last line. */
static char *nth_line(const char *text, size_t k)
{
	for (; k > 0 && text != NULL; k--) {
		text = strchr(text, '\n');
		if (text != NULL)
			text++;
	}
	if (text == NULL || *text == '\0')
		return NULL;
	return strndup(text, strcspn(text, "\n"));
}

/* Asserts that two outputs are the same, naming the first line that differs (Check's own
 * message would be too long for whole outputs). */
static void assert_same_output(const char *plain, const char *bounced)
{
	for (size_t k = 0;; k++) {
		char *p = nth_line(plain, k), *b = nth_line(bounced, k);

		ck_assert_msg((p == NULL) == (b == NULL) && (p == NULL || strcmp(p, b) == 0),
		              "line %zu differs:\nplain   %.400s\nbounced %.400s", k + 1,
		              p != NULL ? p : "(none)", b != NULL ? b : "(none)");
		free(b);
		if (p == NULL)
			break;
		free(p);
	}
}

static unsigned long kernel_overflow_id(const char *which)
{
	char text[32] = "65534";
	FILE *f = fopen(h_fmt("/proc/sys/kernel/%s", which), "r");

	if (f != NULL) {
		if (fgets(text, sizeof(text), f) == NULL)
			strcpy(text, "65534");
		fclose(f);
	}
	return strtoul(text, NULL, 10);
}

/* The number of records of syscall whose first given path is path, all with arch and action. */
static size_t records_for(const struct h_records *rs, const char *syscall, const char *path,
                          bool emulated)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->n; i++) {
		json_t *first = json_array_get(json_object_get(rs->rec[i], "paths"), 0);
		const char *given = json_string_value(json_object_get(first, "given"));

		if (given == NULL || strcmp(given, path) != 0 ||
		    strcmp(h_str(rs->rec[i], "syscall"), syscall) != 0)
			continue;
		ck_assert_str_eq(h_str(rs->rec[i], "arch"), "SCMP_ARCH_X86");
		if (json_is_true(json_object_get(rs->rec[i], "emulated")) == emulated)
			n++;
	}
	return n;
}

START_TEST(stat_layouts_match_an_unsupervised_run_byte_for_byte)
{
	struct fixture fx;
	struct h_result plain, r;
	struct h_records rs;
	struct stat st_a, st_root;
	char *a, *link, *big, *hi, *sub, *missing;

	setup(&fx);
	a = h_join(fx.allowed, "a");
	link = h_join(fx.allowed, "link");
	big = h_join(fx.allowed, "big");
	hi = h_join(fx.allowed, "hi");
	sub = h_join(fx.allowed, "sub");
	missing = h_join(fx.allowed, "missing");
	ck_assert_int_eq(symlink(a, link), 0);
	h_write_file(big, "", 0600);
	ck_assert_int_eq(truncate(big, 5368709123LL), 0); /* sparse, above 2^32 */
	h_write_file(hi, "HI\n", 0640);
	ck_assert_int_eq(chown(hi, 100000, 100001), 0); /* ids that do not fit in 16 bits */
	ck_assert_int_eq(mkdir(sub, 0750), 0);
	ck_assert_int_eq(stat(a, &st_a), 0);
	ck_assert_int_eq(stat("/", &st_root), 0);
	const char *args[] = {"stat64",    a,
	                      "lstat64",   link,
	                      "stat64",    link,
	                      "fstatat64", link,
	                      "0",         "fstatat64",
	                      link,        "100",
	                      "fstatat64", a,
	                      "8000",      "fstatat64-empty",
	                      a,           "stat64-fault",
	                      a,           "stat",
	                      a,           "lstat",
	                      link,        "stat",
	                      big,         "stat64",
	                      big,         "stat",
	                      hi,          "stat64",
	                      hi,          "lstat64",
	                      sub,         "oldstat",
	                      "/",         "oldlstat",
	                      "/",         "oldstat",
	                      a,           "stat64",
	                      missing,     NULL};

	/*
	 * Following a symlink reads it, and the first read after its creation sets its atime
	 * (relatime): a first run settles the times, so that the two compared runs see the same.
	 */
	run_probe(&plain, &fx, false, NULL, args);
	h_result_free(&plain);
	run_probe(&plain, &fx, false, NULL, args);
	run_probe(&r, &fx, true, NULL, args);
	/* Every line, every byte the kernel wrote (and every byte it left alone) is the same. */
	assert_same_output(plain.out, r.out);

	/* And the lines say what the file is: the layouts were decoded at the right places. */
	const char *l = line_of(r.out, h_fmt("stat64 %s", a));
	ck_assert_msg(strncmp(l, "0 ", 2) == 0, "%s", l);
	ck_assert_str_eq(field(l, "ino"), h_fmt("%llu", (unsigned long long)st_a.st_ino));
	ck_assert_str_eq(field(l, "ino32"),
	                 h_fmt("%llu", (unsigned long long)(uint32_t)st_a.st_ino));
	ck_assert_str_eq(field(l, "size"), "8");
	ck_assert_str_eq(field(l, "mode"), "0100644");
	ck_assert_str_eq(field(l, "pad0"), "a5a5a5a5"); /* cp_stat64() leaves the padding */
	ck_assert_str_eq(field(l, "pad3"), "a5a5a5a5");
	ck_assert_str_eq(field(l, "mtime"), h_fmt("%llu.%09ld", (unsigned long long)st_a.st_mtime,
	                                          st_a.st_mtim.tv_nsec));
	ck_assert_str_eq(field(line_of(r.out, h_fmt("lstat64 %s", link)), "mode"), "0120777");
	ck_assert_str_eq(field(line_of(r.out, h_fmt("stat64 %s", link)), "mode"), "0100644");
	ck_assert_str_eq(field(line_of(r.out, h_fmt("fstatat64 %s 100", link)), "mode"), "0120777");
	ck_assert_str_eq(line_of(r.out, h_fmt("fstatat64 %s 8000", a)), "-1 EINVAL");
	ck_assert_str_eq(field(line_of(r.out, h_fmt("fstatat64-empty %s", a)), "ino"),
	                 h_fmt("%llu", (unsigned long long)st_a.st_ino));
	ck_assert_str_eq(line_of(r.out, h_fmt("stat64-fault %s", a)), "-1 EFAULT");
	ck_assert_str_eq(field(line_of(r.out, h_fmt("stat %s", a)), "size"), "8");
	ck_assert_str_eq(field(line_of(r.out, h_fmt("lstat %s", link)), "mode"), "0120777");
	/* The old struct stat cannot hold 5 GiB, nor a uid above 65535 (the overflow uid). */
	ck_assert_str_eq(line_of(r.out, h_fmt("stat %s", big)), "-1 EOVERFLOW");
	ck_assert_str_eq(field(line_of(r.out, h_fmt("stat64 %s", big)), "size"), "5368709123");
	ck_assert_str_eq(field(line_of(r.out, h_fmt("stat %s", hi)), "uid"),
	                 h_fmt("%lu", kernel_overflow_id("overflowuid")));
	ck_assert_str_eq(field(line_of(r.out, h_fmt("stat %s", hi)), "gid"),
	                 h_fmt("%lu", kernel_overflow_id("overflowgid")));
	ck_assert_str_eq(field(line_of(r.out, h_fmt("stat64 %s", hi)), "uid"), "100000");
	ck_assert_str_eq(field(line_of(r.out, h_fmt("stat64 %s", hi)), "gid"), "100001");
	ck_assert_str_eq(field(line_of(r.out, h_fmt("lstat64 %s", sub)), "mode"), "040750");
	/* __old_kernel_stat: 16-bit inode numbers. */
	if (st_root.st_ino <= 0xffff)
		ck_assert_str_eq(field(line_of(r.out, "oldstat /"), "ino"),
		                 h_fmt("%llu", (unsigned long long)st_root.st_ino));
	else
		ck_assert_str_eq(line_of(r.out, "oldstat /"), "-1 EOVERFLOW");
	if (st_a.st_ino > 0xffff)
		ck_assert_str_eq(line_of(r.out, h_fmt("oldstat %s", a)), "-1 EOVERFLOW");
	ck_assert_str_eq(line_of(r.out, h_fmt("stat64 %s", missing)), "-1 ENOENT");

	/* bouncer did it: each call is an emulated allow recorded for an i386 caller. */
	h_read_records(fx.log, &rs);
	h_check_seq(&rs);
	ck_assert_uint_eq(records_for(&rs, "stat64", a, true), 2); /* and stat64-fault */
	ck_assert_uint_eq(records_for(&rs, "lstat64", link, true), 1);
	ck_assert_uint_eq(records_for(&rs, "fstatat64", link, true), 2);
	ck_assert_uint_eq(records_for(&rs, "stat", big, true), 1);
	ck_assert_uint_eq(records_for(&rs, "lstat", link, true), 1);
	ck_assert_uint_eq(records_for(&rs, "oldstat", "/", true), 1);
	ck_assert_uint_eq(records_for(&rs, "oldlstat", "/", true), 1);
	h_records_free(&rs);
	h_result_free(&plain);
	h_result_free(&r);
}
END_TEST

START_TEST(denied_paths_get_the_clauses_errno_and_change_nothing)
{
	struct fixture fx;
	struct h_result r;
	struct h_records rs;
	struct stat before, after;
	char *s, *x, *d, *tod;

	setup(&fx);
	s = h_join(fx.denied, "s");
	x = h_join(fx.denied, "x");
	d = h_join(fx.denied, "d");
	tod = h_join(fx.allowed, "to-denied");
	ck_assert_int_eq(symlink(s, tod), 0); /* judged where it leads */
	ck_assert_int_eq(stat(s, &before), 0);
	run_probe(&r, &fx, true, NULL,
	          (const char *[]){"stat64",
	                           s,
	                           "lstat64",
	                           s,
	                           "fstatat64",
	                           s,
	                           "0",
	                           "stat",
	                           s,
	                           "lstat",
	                           s,
	                           "oldstat",
	                           s,
	                           "oldlstat",
	                           s,
	                           "stat64",
	                           tod,
	                           "truncate64",
	                           s,
	                           "5368709120",
	                           "truncate",
	                           s,
	                           "1",
	                           "chown32",
	                           s,
	                           "1",
	                           "1",
	                           "lchown32",
	                           s,
	                           "1",
	                           "1",
	                           "chown16",
	                           s,
	                           "1",
	                           "1",
	                           "lchown16",
	                           s,
	                           "1",
	                           "1",
	                           "create",
	                           x,
	                           "X",
	                           "read",
	                           s,
	                           "mkdir",
	                           d,
	                           "755",
	                           "stat64",
	                           "/etc/passwd",
	                           NULL});
	const char *denied[] = {
	        h_fmt("stat64 %s", s),
	        h_fmt("lstat64 %s", s),
	        h_fmt("fstatat64 %s 0", s),
	        h_fmt("stat %s", s),
	        h_fmt("lstat %s", s),
	        h_fmt("oldstat %s", s),
	        h_fmt("oldlstat %s", s),
	        h_fmt("stat64 %s", tod),
	        h_fmt("truncate64 %s 5368709120", s),
	        h_fmt("truncate %s 1", s),
	        h_fmt("chown32 %s 1 1", s),
	        h_fmt("lchown32 %s 1 1", s),
	        h_fmt("chown16 %s 1 1", s),
	        h_fmt("lchown16 %s 1 1", s),
	        h_fmt("create %s", x),
	        h_fmt("read %s", s),
	        h_fmt("mkdir %s", d),
	};
	for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++)
		ck_assert_str_eq(line_of(r.out, denied[i]), "-1 EACCES");
	/* Neither allowed nor denied/: the rule's default. */
	ck_assert_str_eq(line_of(r.out, "stat64 /etc/passwd"), "-1 EPERM");
	ck_assert_int_eq(stat(s, &after), 0);
	ck_assert_int_eq(after.st_size, before.st_size);
	ck_assert_int_eq(after.st_uid, before.st_uid);
	ck_assert_int_eq(after.st_gid, before.st_gid);
	ck_assert_int_eq(access(x, F_OK), -1);
	ck_assert_int_eq(access(d, F_OK), -1);
	h_read_records(fx.log, &rs);
	ck_assert_uint_eq(records_for(&rs, "truncate64", s, false), 1);
	ck_assert_uint_eq(records_for(&rs, "chown32", s, false), 1);
	ck_assert_uint_eq(records_for(&rs, "chown", s, false), 1);
	h_records_free(&rs);
	h_result_free(&r);
}
END_TEST

/* Two directories under allowed/ with the same relative names: plain/ and bounced/. */
static void two_dirs(const struct fixture *fx, char **plain_dir, char **bounced_dir)
{
	*plain_dir = h_join(fx->allowed, "plain");
	*bounced_dir = h_join(fx->allowed, "bounced");
	ck_assert_int_eq(mkdir(*plain_dir, 0755), 0);
	ck_assert_int_eq(mkdir(*bounced_dir, 0755), 0);
}

/* Asserts that the lines for label have the same result and the same fields. */
static void same_fields(const char *plain, const char *bounced, const char *label,
                        const char *const *keys)
{
	const char *p = line_of(plain, label);
	char *pl = strdup(p);
	const char *b = line_of(bounced, label);

	ck_assert_msg(strncmp(pl, "0 ", 2) == 0 && strncmp(b, "0 ", 2) == 0, "%s:\n%s\n%s", label,
	              pl, b);
	for (size_t i = 0; keys[i] != NULL; i++)
		ck_assert_msg(strcmp(field(pl, keys[i]), field(b, keys[i])) == 0,
		              "%s: %s differs:\nplain   %s\nbounced %s", label, keys[i], pl, b);
	free(pl);
}

START_TEST(truncate64_beyond_4gib_matches_an_unsupervised_run)
{
	static const char *const keys[] = {"size", "blocks", "mode", "nlink", "uid", "gid", NULL};
	struct fixture fx;
	struct h_result plain, r;
	struct stat st;
	char *pdir, *bdir;

	setup(&fx);
	two_dirs(&fx, &pdir, &bdir);
	h_write_file(h_join(pdir, "t"), "0123456789", 0644);
	h_write_file(h_join(bdir, "t"), "0123456789", 0644);
	const char *args[] = {
	        "truncate64", "t", "5368709123", "stat64", "t", "truncate",   "t", "-1",
	        "truncate",   "t", "100",        "stat64", "t", "truncate64", "t", "-5",
	        "truncate64", "t", "4294967296", "stat",   "t", "stat64",     "t", NULL};

	run_probe(&plain, &fx, false, pdir, args);
	run_probe(&r, &fx, true, bdir, args);
	ck_assert_str_eq(line_of(plain.out, "truncate64 t 5368709123"), "0");
	ck_assert_str_eq(line_of(r.out, "truncate64 t 5368709123"), "0");
	/* The first stat64 line: 5 GiB + 3, sparse. */
	ck_assert_str_eq(field(line_of(r.out, "stat64 t"), "size"), "5368709123");
	same_fields(plain.out, r.out, "stat64 t", keys);
	/* A negative length is EINVAL: truncate's is a signed 32-bit int, truncate64's 64 bits. */
	ck_assert_str_eq(line_of(plain.out, "truncate t -1"), "-1 EINVAL");
	ck_assert_str_eq(line_of(r.out, "truncate t -1"), "-1 EINVAL");
	ck_assert_str_eq(line_of(r.out, "truncate t 100"), "0");
	ck_assert_str_eq(line_of(plain.out, "truncate64 t -5"), "-1 EINVAL");
	ck_assert_str_eq(line_of(r.out, "truncate64 t -5"), "-1 EINVAL");
	/* Exactly 4 GiB: only the high register is set. */
	ck_assert_str_eq(line_of(r.out, "truncate64 t 4294967296"), "0");
	ck_assert_int_eq(stat(h_join(bdir, "t"), &st), 0);
	ck_assert_int_eq(st.st_size, 4294967296LL);
	ck_assert_int_eq(stat(h_join(pdir, "t"), &st), 0);
	ck_assert_int_eq(st.st_size, 4294967296LL);
	ck_assert_str_eq(line_of(r.out, "stat t"), "-1 EOVERFLOW");
	h_result_free(&plain);
	h_result_free(&r);
}
END_TEST

START_TEST(chown32_and_16_bit_chown_match_an_unsupervised_run)
{
	static const char *const keys[] = {"uid", "gid", "mode", NULL};
	struct fixture fx;
	struct h_result plain, r;
	struct stat st;
	char *pdir, *bdir;

	setup(&fx);
	two_dirs(&fx, &pdir, &bdir);
	for (int i = 0; i < 2; i++) {
		const char *d = i == 0 ? pdir : bdir;

		h_write_file(h_join(d, "c"), "C\n", 0644);
		ck_assert_int_eq(symlink("c", h_join(d, "l")), 0);
	}
	const char *args[] = {
	        "chown32",  "c",      "1234",    "5678",  "stat64",   "c",     "chown32", "c",
	        "-1",       "-1",     "stat64",  "c",     "lchown32", "l",     "4321",    "8765",
	        "lstat64",  "l",      "stat64",  "c",     "chown16",  "c",     "65535",   "42",
	        "stat64",   "c",      "chown16", "c",     "65541",    "65535", "stat64",  "c",
	        "lchown16", "l",      "7",       "65535", "lstat64",  "l",     "chown32", "c",
	        "100000",   "100001", "stat",    "c",     NULL};

	run_probe(&plain, &fx, false, pdir, args);
	run_probe(&r, &fx, true, bdir, args);
	/* Every call succeeded both times, and left the same owner each time. */
	for (size_t k = 0;; k++) {
		char *pl = nth_line(plain.out, k), *bl = nth_line(r.out, k), *colon;

		ck_assert_msg((pl == NULL) == (bl == NULL), "line %zu: %s / %s", k + 1, pl, bl);
		if (pl == NULL)
			break;
		colon = strstr(pl, ": ");
		ck_assert_ptr_nonnull(colon);
		ck_assert_msg(strncmp(colon, ": 0", 3) == 0, "plain: %.400s", pl);
		ck_assert_msg(strncmp(bl, pl, (size_t)(colon - pl) + 3) == 0, "%.400s\n%.400s", pl,
		              bl);
		if (strncmp(pl, "stat", 4) == 0 || strncmp(pl, "lstat", 5) == 0)
			for (size_t i = 0; keys[i] != NULL; i++)
				ck_assert_msg(strcmp(field(pl, keys[i]), field(bl, keys[i])) == 0,
				              "%s differs:\nplain   %.400s\nbounced %.400s",
				              keys[i], pl, bl);
		free(pl);
		free(bl);
	}
	same_fields(plain.out, r.out, "lstat64 l", keys);
	/* The values themselves (first matching lines): 32-bit ids, then -1 leaves them. */
	ck_assert_str_eq(field(line_of(r.out, "stat64 c"), "uid"), "1234");
	ck_assert_str_eq(field(line_of(r.out, "stat64 c"), "gid"), "5678");
	ck_assert_str_eq(field(line_of(r.out, "lstat64 l"), "uid"), "4321");
	/* 16-bit: 65535 means unchanged, 65541 is 5. The files end as: */
	ck_assert_int_eq(stat(h_join(bdir, "c"), &st), 0);
	ck_assert_int_eq(st.st_uid, 100000);
	ck_assert_int_eq(st.st_gid, 100001);
	ck_assert_int_eq(lstat(h_join(bdir, "l"), &st), 0);
	ck_assert_int_eq(st.st_uid, 7);
	ck_assert_int_eq(st.st_gid, 8765);
	ck_assert_msg(strstr(r.out, "uid=5 gid=42 ") != NULL, "chown16 65541: %s", r.out);
	/* The old struct stat shows the overflow ids for 100000/100001. */
	same_fields(plain.out, r.out, "stat c", keys);
	h_result_free(&plain);
	h_result_free(&r);
}
END_TEST

START_TEST(open_openat_mkdir_round_trip)
{
	struct fixture fx;
	struct h_result plain, r;
	struct h_records rs;
	char *pdir, *bdir;

	setup(&fx);
	two_dirs(&fx, &pdir, &bdir);
	const char *args[] = {"create", "f",    "HELLO",   "read", "f",       "mkdir",
	                      "d",      "750",  "lstat64", "d",    "create",  "d/g",
	                      "INNER",  "read", "d/g",     "read", "nothere", NULL};

	run_probe(&plain, &fx, false, pdir, args);
	run_probe(&r, &fx, true, bdir, args);
	const char *labels[] = {"create f", "read f", "create d/g", "read d/g"};
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		char *p = strdup(line_of(plain.out, labels[i]));
		const char *b = line_of(r.out, labels[i]);
		long pfl = strtol(field(p, "getfl"), NULL, 16),
		     bfl = strtol(field(b, "getfl"), NULL, 16);

		/* The same descriptor number and data; the same status flags, except that the
		 * supervisor's (64-bit) opens always carry O_LARGEFILE (docs/inspection.md). */
		ck_assert_msg(strncmp(p, "fd=", 3) == 0, "%s: %s", labels[i], p);
		ck_assert_str_eq(field(h_fmt(" %s", b), "fd"), field(h_fmt(" %s", p), "fd"));
		ck_assert_int_eq(bfl, pfl | 0100000);
		if (strstr(labels[i], "read") == labels[i])
			ck_assert_str_eq(field(b, "data"), field(p, "data"));
		free(p);
	}
	ck_assert_str_eq(field(h_fmt(" %s", line_of(r.out, "read f")), "fd"), "3");
	ck_assert_str_eq(field(line_of(r.out, "read f"), "data"), "HELLO");
	ck_assert_str_eq(field(line_of(r.out, "read d/g"), "data"), "INNER");
	ck_assert_str_eq(line_of(r.out, "mkdir d"), "0");
	ck_assert_str_eq(field(line_of(r.out, "lstat64 d"), "mode"),
	                 field(line_of(plain.out, "lstat64 d"), "mode"));
	ck_assert_str_eq(line_of(r.out, "read nothere"), "-1 ENOENT");
	h_read_records(fx.log, &rs);
	ck_assert_uint_eq(records_for(&rs, "open", "f", true), 1);
	ck_assert_uint_eq(records_for(&rs, "openat", "f", true), 1);
	ck_assert_uint_eq(records_for(&rs, "mkdir", "d", true), 1);
	h_records_free(&rs);
	h_result_free(&plain);
	h_result_free(&r);
}
END_TEST

/*
 * A 64-bit program entering the i386 table with int $0x80 and garbage in the upper register
 * halves: the kernel uses the lower 32 bits, and so must bouncer (else it reads the path from,
 * and writes the struct to, addresses the call does not name).
 */
START_TEST(int80_upper_register_halves_are_ignored_as_the_kernel_does)
{
	struct fixture fx;
	struct h_result plain, r;
	struct h_records rs;
	json_t *rec = NULL;
	char *a, *prog = h_prog("int80_probe");

	setup(&fx);
	a = h_join(fx.allowed, "a");
	run_prog(&plain, &fx, prog, false, NULL, (const char *[]){"stat64", a, NULL});
	run_prog(&r, &fx, prog, true, NULL, (const char *[]){"stat64", a, NULL});
	ck_assert_msg(h_has_line(plain.out, h_fmt("int80 stat64 %s: 0 size=8", a)) ||
	                      strstr(plain.out, ": 0 size=8 ") != NULL,
	              "%s", plain.out);
	assert_same_output(plain.out, r.out);
	h_read_records(fx.log, &rs);
	for (size_t i = 0; i < rs.n; i++)
		if (strcmp(h_str(rs.rec[i], "syscall"), "stat64") == 0)
			rec = rs.rec[i];
	ck_assert_msg(rec != NULL, "%s", h_records_dump(&rs));
	/* The record shows the registers as they came, upper halves included. */
	ck_assert_uint_eq(h_arg(rec, 0) >> 32, 0xdead);
	ck_assert_uint_eq(h_arg(rec, 1) >> 32, 0xbeef);
	ck_assert(json_is_true(json_object_get(rec, "emulated")));
	h_records_free(&rs);
	h_result_free(&plain);
	h_result_free(&r);
}
END_TEST

/* Why the tests cannot run here, or NULL. */
static const char *skip_reason(void)
{
	const char *built = getenv("BOUNCER_I386_PROBE"), *dir = getenv("BOUNCER_TEST_PROGS");
	static char why[1024];
	char probe[512], cmd[600];
	int rc;

	if (geteuid() != 0)
		return "not root: the tests give files to other owners (chown)";
	if (built == NULL)
		return "BOUNCER_I386_PROBE is not set (run the test through meson test)";
	if (strcmp(built, "built") != 0) {
		snprintf(why, sizeof(why), "the i386 probe was %s", built);
		return why;
	}
	/* A kernel without IA32 emulation cannot run it. (No harness calls: no test runs yet.) */
	if (dir == NULL)
		return "BOUNCER_TEST_PROGS is not set (run the test through meson test)";
	snprintf(probe, sizeof(probe), "%s/supervise_probe32", dir);
	snprintf(cmd, sizeof(cmd), "'%s' >/dev/null 2>&1", probe);
	rc = system(cmd);
	if (rc != 0) {
		snprintf(why, sizeof(why),
		         "%s does not run here (status %d): no IA32 emulation in this kernel?",
		         probe, rc);
		return why;
	}
	return NULL;
}

static Suite *supervise_i386_suite(void)
{
	Suite *s = suite_create("supervise_i386");
	TCase *tc = tcase_create("live");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, stat_layouts_match_an_unsupervised_run_byte_for_byte);
	tcase_add_test(tc, denied_paths_get_the_clauses_errno_and_change_nothing);
	tcase_add_test(tc, truncate64_beyond_4gib_matches_an_unsupervised_run);
	tcase_add_test(tc, chown32_and_16_bit_chown_match_an_unsupervised_run);
	tcase_add_test(tc, open_openat_mkdir_round_trip);
	tcase_add_test(tc, int80_upper_register_halves_are_ignored_as_the_kernel_does);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	const char *why = skip_reason();
	SRunner *sr;
	int failed;

	if (why != NULL) {
		/* 77: meson's "skipped". Loud, so that nobody mistakes it for a pass. */
		fprintf(stderr, "test_supervise_i386: SKIPPED: %s\n", why);
		printf("test_supervise_i386: SKIPPED: %s\n", why);
		return 77;
	}
	sr = srunner_create(supervise_i386_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
