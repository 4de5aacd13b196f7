/* SPDX-License-Identifier: MIT */
/*
 * record_format(): every line it writes must be one valid JSON object with exactly the fields
 * and values docs/decision-log.md promises. The output is parsed back with jansson, so these
 * tests do not trust the formatter's own idea of JSON.
 */
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>
#include <jansson.h>

#include "errno_name.h"
#include "record.h"

/* 2026-11-23T23:30:01Z */
#define TS_SEC 1795476601

static struct record sample(void)
{
	struct record r;

	memset(&r, 0, sizeof(r));
	r.ts.tv_sec = TS_SEC;
	r.ts.tv_nsec = 42;
	r.run_id = "5f0c3a9e1b2d4c67";
	r.seq = 7;
	r.pid = 4242;
	r.tid = 4243;
	r.comm = "unshare";
	r.exe = "/usr/bin/unshare";
	r.arch = "SCMP_ARCH_X86_64";
	r.syscall = "unshare";
	r.nr = 272;
	r.args[0] = 0x10000000;
	r.args[1] = 0;
	r.args[2] = 1;
	r.args[3] = 0xffffffffffffffffull;
	r.args[4] = 0x8000000000000000ull;
	r.args[5] = 0xdeadbeefull;
	r.action = RECORD_DENY;
	r.errno_value = EPERM;
	r.rule_index = 41;
	r.rule_comment = "namespaces: kernel attack surface";
	r.audit = 0;
	r.would = RECORD_WOULD_NONE;
	r.policy = "<default>";
	return r;
}

/* Formats r, checks the line shape, and returns it parsed (caller json_decref()s). */
static json_t *format_and_parse(const struct record *r, char *line, size_t *len_out)
{
	static char buf[RECORD_MAX];
	json_error_t jerr;
	json_t *root;
	size_t len;

	memset(buf, 0xaa, sizeof(buf));
	len = record_format(buf, sizeof(buf), r);
	ck_assert_uint_gt(len, 2);
	ck_assert_uint_lt(len, sizeof(buf));
	/* Exactly one '\n', and it is the last byte: one record per line. */
	ck_assert_int_eq(buf[len - 1], '\n');
	ck_assert_ptr_eq(memchr(buf, '\n', len), buf + len - 1);
	ck_assert_ptr_null(memchr(buf, '\0', len));
	root = json_loadb(buf, len, 0, &jerr);
	ck_assert_msg(root != NULL, "not JSON: %s at %d: %.*s", jerr.text, jerr.position, (int)len,
	              buf);
	ck_assert(json_is_object(root));
	if (line != NULL) {
		memcpy(line, buf, len);
		line[len] = '\0';
	}
	if (len_out != NULL)
		*len_out = len;
	return root;
}

static void assert_str_field(json_t *obj, const char *key, const char *want)
{
	json_t *v = json_object_get(obj, key);

	ck_assert_msg(json_is_string(v), "%s is not a string", key);
	ck_assert_str_eq(json_string_value(v), want);
}

static void assert_int_field(json_t *obj, const char *key, json_int_t want)
{
	json_t *v = json_object_get(obj, key);

	ck_assert_msg(json_is_integer(v), "%s is not an integer", key);
	ck_assert_msg(json_integer_value(v) == want, "%s: %lld != %lld", key,
	              (long long)json_integer_value(v), (long long)want);
}

static void assert_errno_object(json_t *v, const char *name, int nr)
{
	ck_assert(json_is_object(v));
	ck_assert_uint_eq(json_object_size(v), 2);
	if (name != NULL)
		assert_str_field(v, "name", name);
	else
		ck_assert(json_is_null(json_object_get(v, "name")));
	assert_int_field(v, "nr", nr);
}

START_TEST(test_every_field_exact)
{
	struct record r = sample();
	json_t *root = format_and_parse(&r, NULL, NULL);
	json_t *args, *rule;

	ck_assert_uint_eq(json_object_size(root), 17);
	assert_int_field(root, "v", 1);
	assert_str_field(root, "ts", "2026-11-23T23:30:01.000000042Z");
	assert_str_field(root, "run", "5f0c3a9e1b2d4c67");
	assert_int_field(root, "seq", 7);
	assert_int_field(root, "pid", 4242);
	assert_int_field(root, "tid", 4243);
	assert_str_field(root, "comm", "unshare");
	assert_str_field(root, "exe", "/usr/bin/unshare");
	assert_str_field(root, "arch", "SCMP_ARCH_X86_64");
	assert_str_field(root, "syscall", "unshare");
	assert_int_field(root, "nr", 272);
	args = json_object_get(root, "args");
	ck_assert(json_is_array(args));
	ck_assert_uint_eq(json_array_size(args), 6);
	ck_assert_str_eq(json_string_value(json_array_get(args, 0)), "0x10000000");
	ck_assert_str_eq(json_string_value(json_array_get(args, 1)), "0x0");
	ck_assert_str_eq(json_string_value(json_array_get(args, 2)), "0x1");
	ck_assert_str_eq(json_string_value(json_array_get(args, 3)), "0xffffffffffffffff");
	ck_assert_str_eq(json_string_value(json_array_get(args, 4)), "0x8000000000000000");
	ck_assert_str_eq(json_string_value(json_array_get(args, 5)), "0xdeadbeef");
	assert_str_field(root, "action", "deny");
	assert_errno_object(json_object_get(root, "errno"), "EPERM", EPERM);
	rule = json_object_get(root, "rule");
	ck_assert(json_is_object(rule));
	ck_assert_uint_eq(json_object_size(rule), 2);
	assert_int_field(rule, "index", 41);
	assert_str_field(rule, "comment", "namespaces: kernel attack surface");
	assert_str_field(root, "mode", "enforce");
	ck_assert_ptr_null(json_object_get(root, "would"));
	ck_assert_ptr_null(json_object_get(root, "would_errno"));
	assert_str_field(root, "policy", "<default>");
	json_decref(root);
}
END_TEST

/* The documented example, byte for byte (field order included: readers may grep). */
START_TEST(test_matches_documented_example)
{
	struct record r = sample();
	char line[RECORD_MAX + 1];
	json_t *root;

	r.ts.tv_nsec = 123456789;
	r.seq = 1;
	r.tid = 4242;
	r.args[1] = r.args[2] = r.args[3] = r.args[4] = r.args[5] = 0;
	root = format_and_parse(&r, line, NULL);
	json_decref(root);
	ck_assert_str_eq(
	        line,
	        "{\"v\":1,\"ts\":\"2026-11-23T23:30:01.123456789Z\",\"run\":\"5f0c3a9e1b2d4c67\","
	        "\"seq\":1,\"pid\":4242,\"tid\":4242,\"comm\":\"unshare\",\"exe\":\"/usr/bin/"
	        "unshare\",\"arch\":\"SCMP_ARCH_X86_64\",\"syscall\":\"unshare\",\"nr\":272,"
	        "\"args\":[\"0x10000000\",\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"],\"action\":"
	        "\"deny\",\"errno\":{\"name\":\"EPERM\",\"nr\":1},\"rule\":{\"index\":41,"
	        "\"comment\":\"namespaces: kernel attack surface\"},\"mode\":\"enforce\","
	        "\"policy\":\"<default>\"}\n");
}
END_TEST

/* Every argument is its exact 64-bit value in lowercase hex, without leading zeros. */
START_TEST(test_args_hex_exact)
{
	static const struct {
		uint64_t value;
		const char *text;
	} cases[] = {
	        {0, "0x0"},
	        {1, "0x1"},
	        {0xf, "0xf"},
	        {0x10, "0x10"},
	        {0xffffffffull, "0xffffffff"},
	        {0x100000000ull, "0x100000000"},
	        {0x0123456789abcdefull, "0x123456789abcdef"},
	        {0xffffffffffffffffull, "0xffffffffffffffff"},
	};
	struct record r = sample();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *root, *args;

		for (int a = 0; a < 6; a++)
			r.args[a] =
			        cases[(i + (size_t)a) % (sizeof(cases) / sizeof(cases[0]))].value;
		root = format_and_parse(&r, NULL, NULL);
		args = json_object_get(root, "args");
		ck_assert_uint_eq(json_array_size(args), 6);
		for (int a = 0; a < 6; a++) {
			const char *want =
			        cases[(i + (size_t)a) % (sizeof(cases) / sizeof(cases[0]))].text;
			json_t *v = json_array_get(args, (size_t)a);

			ck_assert(json_is_string(v));
			ck_assert_str_eq(json_string_value(v), want);
			/* And it reads back to the same 64-bit value. */
			ck_assert(strtoull(json_string_value(v) + 2, NULL, 16) == r.args[a]);
		}
		json_decref(root);
	}
}
END_TEST

/* ts is RFC 3339 UTC with exactly 9 fractional digits and 'Z', and is the given instant. */
START_TEST(test_ts_rfc3339_nanoseconds)
{
	static const struct {
		time_t sec;
		long nsec;
		const char *text;
	} cases[] = {
	        {TS_SEC, 42, "2026-11-23T23:30:01.000000042Z"},
	        {TS_SEC, 0, "2026-11-23T23:30:01.000000000Z"},
	        {TS_SEC, 999999999, "2026-11-23T23:30:01.999999999Z"},
	        /* The next second, then back: the per-second date cache must follow. */
	        {TS_SEC + 1, 100000000, "2026-11-23T23:30:02.100000000Z"},
	        {TS_SEC, 5, "2026-11-23T23:30:01.000000005Z"},
	        {0, 1, "1970-01-01T00:00:00.000000001Z"},
	        {951782400, 0, "2000-02-29T00:00:00.000000000Z"},
	        {TS_SEC + 86400 * 39, 7, "2027-01-01T23:30:01.000000007Z"},
	};
	struct record r = sample();
	regex_t re;

	ck_assert_int_eq(regcomp(&re,
	                         "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
	                         "\\.[0-9]{9}Z$",
	                         REG_EXTENDED | REG_NOSUB),
	                 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *root;
		const char *ts;
		struct tm tm;
		char *rest;

		r.ts.tv_sec = cases[i].sec;
		r.ts.tv_nsec = cases[i].nsec;
		root = format_and_parse(&r, NULL, NULL);
		ts = json_string_value(json_object_get(root, "ts"));
		ck_assert_ptr_nonnull(ts);
		ck_assert_msg(regexec(&re, ts, 0, NULL, 0) == 0, "not RFC 3339 with ns: %s", ts);
		ck_assert_str_eq(ts, cases[i].text);
		/* Independently: it parses back to the same second and nanosecond. */
		memset(&tm, 0, sizeof(tm));
		rest = strptime(ts, "%Y-%m-%dT%H:%M:%S", &tm);
		ck_assert_ptr_nonnull(rest);
		ck_assert(timegm(&tm) == cases[i].sec);
		ck_assert_int_eq(rest[0], '.');
		ck_assert_int_eq(strtol(rest + 1, NULL, 10), cases[i].nsec);
		json_decref(root);
	}
	regfree(&re);
}
END_TEST

/* What a JSON reader must get back for byte string s: bytes >= 0x80 as U+0080..U+00FF. */
static void latin1_to_utf8(const char *s, char *out)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x80) {
			*out++ = (char)*p;
		} else {
			*out++ = (char)(0xc0 | (*p >> 6));
			*out++ = (char)(0x80 | (*p & 0x3f));
		}
	}
	*out = '\0';
}

static void assert_round_trip(const char *comm, const char *exe, const char *comment)
{
	static char want[3 * PATH_MAX];
	struct record r = sample();
	char line[RECORD_MAX + 1];
	size_t len;
	json_t *root;

	r.comm = comm;
	r.exe = exe;
	r.rule_comment = comment;
	root = format_and_parse(&r, line, &len);
	latin1_to_utf8(comm, want);
	assert_str_field(root, "comm", want);
	latin1_to_utf8(exe, want);
	assert_str_field(root, "exe", want);
	latin1_to_utf8(comment, want);
	assert_str_field(json_object_get(root, "rule"), "comment", want);
	/* The line itself is plain printable ASCII (safe for any terminal or grep). */
	for (size_t i = 0; i + 1 < len; i++)
		if ((unsigned char)line[i] < 0x20 || (unsigned char)line[i] >= 0x7f)
			ck_abort_msg("byte 0x%02x at %zu", (unsigned char)line[i], i);
	json_decref(root);
}

START_TEST(test_escaping_round_trip)
{
	static char all_bytes[256];

	assert_round_trip("a\"b\\c", "/tmp/x\"y\\z", "quote \" backslash \\ end");
	assert_round_trip("tab\there", "/new\nline", "\r\b\f");
	assert_round_trip("\x01\x1f\x7f", "/\x80\x81\xfe\xff", "caf\xc3\xa9");
	assert_round_trip("", "", "");
	assert_round_trip("\\\\\"\"", "\\", "\"");
	/* Every byte value a C string can hold, in one path. */
	for (int b = 1; b < 256; b++)
		all_bytes[b - 1] = (char)b;
	all_bytes[255] = '\0';
	assert_round_trip("\x80\x90\xa0\xb0\xc0\xd0\xe0\xf0\xff", all_bytes, all_bytes);
}
END_TEST

/* Missing strings are empty strings, never "(null)" or a crash. */
START_TEST(test_null_strings)
{
	struct record r = sample();
	json_t *root;

	r.comm = NULL;
	r.exe = NULL;
	r.policy = NULL;
	r.syscall = NULL;
	r.nr = 0x40000000 | 39;
	root = format_and_parse(&r, NULL, NULL);
	assert_str_field(root, "comm", "");
	assert_str_field(root, "exe", "");
	assert_str_field(root, "policy", "");
	/* No name: "nr:N" with the number as the kernel saw it (x32 bit kept). */
	assert_str_field(root, "syscall", "nr:1073741863");
	assert_int_field(root, "nr", 0x40000000 | 39);
	json_decref(root);
}
END_TEST

START_TEST(test_rule_index_and_default)
{
	struct record r = sample();
	json_t *root, *rule;

	/* The profile's defaultAction. */
	r.rule_index = -1;
	r.rule_comment = NULL;
	root = format_and_parse(&r, NULL, NULL);
	rule = json_object_get(root, "rule");
	ck_assert(json_is_object(rule));
	ck_assert_uint_eq(json_object_size(rule), 2);
	ck_assert(json_is_null(json_object_get(rule, "index")));
	ck_assert(json_is_true(json_object_get(rule, "default")));
	json_decref(root);

	/* Rule 0 is a rule, not the default; no comment key when the rule has none. */
	r.rule_index = 0;
	root = format_and_parse(&r, NULL, NULL);
	rule = json_object_get(root, "rule");
	ck_assert_uint_eq(json_object_size(rule), 1);
	assert_int_field(rule, "index", 0);
	ck_assert_ptr_null(json_object_get(rule, "default"));
	json_decref(root);

	r.rule_index = 3;
	r.rule_comment = "mount: \"never\"";
	root = format_and_parse(&r, NULL, NULL);
	rule = json_object_get(root, "rule");
	ck_assert_uint_eq(json_object_size(rule), 2);
	assert_int_field(rule, "index", 3);
	assert_str_field(rule, "comment", "mount: \"never\"");
	json_decref(root);
}
END_TEST

START_TEST(test_errno_only_for_deny)
{
	static const struct {
		enum record_action action;
		const char *word;
	} cases[] = {
	        {RECORD_ALLOW, "allow"},
	        {RECORD_DENY, "deny"},
	        {RECORD_LOG, "log"},
	        {RECORD_KILL, "kill"},
	};
	struct record r = sample();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *root;

		r.action = cases[i].action;
		r.errno_value = ENOENT;
		root = format_and_parse(&r, NULL, NULL);
		assert_str_field(root, "action", cases[i].word);
		if (cases[i].action == RECORD_DENY)
			assert_errno_object(json_object_get(root, "errno"), "ENOENT", ENOENT);
		else
			ck_assert_ptr_null(json_object_get(root, "errno"));
		ck_assert_uint_eq(json_object_size(root), cases[i].action == RECORD_DENY ? 17 : 16);
		json_decref(root);
	}

	/* An errno without a name still says its number. */
	r.action = RECORD_DENY;
	r.errno_value = 4000;
	{
		json_t *root = format_and_parse(&r, NULL, NULL);

		assert_errno_object(json_object_get(root, "errno"), NULL, 4000);
		json_decref(root);
	}
}
END_TEST

START_TEST(test_would_only_in_audit)
{
	static const struct {
		enum record_would would;
		const char *word;
	} cases[] = {
	        {RECORD_WOULD_DENY, "deny"},   {RECORD_WOULD_KILL, "kill"},
	        {RECORD_WOULD_TRAP, "trap"},   {RECORD_WOULD_KILL_THREAD, "kill_thread"},
	        {RECORD_WOULD_TRACE, "trace"},
	};
	struct record r = sample();
	json_t *root;

	/* Enforce: no would, whatever the action. */
	for (enum record_action a = RECORD_ALLOW; a <= RECORD_KILL; a++) {
		r.action = a;
		root = format_and_parse(&r, NULL, NULL);
		assert_str_field(root, "mode", "enforce");
		ck_assert_ptr_null(json_object_get(root, "would"));
		ck_assert_ptr_null(json_object_get(root, "would_errno"));
		json_decref(root);
	}

	/* Audit, allowed by the policy (e.g. a LOG rule): mode audit, no would. */
	r.audit = 1;
	r.action = RECORD_LOG;
	root = format_and_parse(&r, NULL, NULL);
	assert_str_field(root, "mode", "audit");
	ck_assert_ptr_null(json_object_get(root, "would"));
	ck_assert_ptr_null(json_object_get(root, "would_errno"));
	ck_assert_uint_eq(json_object_size(root), 16);
	json_decref(root);

	/* Audit, what enforce would have done; would_errno only for deny. */
	r.action = RECORD_ALLOW;
	r.would_errno = EACCES;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r.would = cases[i].would;
		root = format_and_parse(&r, NULL, NULL);
		assert_str_field(root, "mode", "audit");
		assert_str_field(root, "action", "allow");
		ck_assert_ptr_null(json_object_get(root, "errno"));
		assert_str_field(root, "would", cases[i].word);
		if (cases[i].would == RECORD_WOULD_DENY) {
			assert_errno_object(json_object_get(root, "would_errno"), "EACCES", EACCES);
			ck_assert_uint_eq(json_object_size(root), 18);
		} else {
			ck_assert_ptr_null(json_object_get(root, "would_errno"));
			ck_assert_uint_eq(json_object_size(root), 17);
		}
		json_decref(root);
	}
}
END_TEST

/* Any buffer shorter than the line gives 0 and writes nothing past its end. */
START_TEST(test_too_small_buffer)
{
	static char buf[RECORD_MAX + 64];
	struct record r = sample();
	size_t len = record_format(buf, sizeof(buf), &r);

	ck_assert_uint_gt(len, 0);
	for (size_t size = 0; size < len; size++) {
		size_t i = size;

		memset(buf, 0x5a, sizeof(buf));
		ck_assert_uint_eq(record_format(buf, size, &r), 0);
		/* A plain loop: a Check assertion per byte would cost a pipe write each. */
		while (i < sizeof(buf) && buf[i] == 0x5a)
			i++;
		ck_assert_msg(i == sizeof(buf), "wrote byte %zu with size %zu", i, size);
	}
	memset(buf, 0x5a, sizeof(buf));
	ck_assert_uint_eq(record_format(buf, len, &r), len);
	ck_assert_int_eq(buf[len - 1], '\n');
	ck_assert_int_eq(buf[len], 0x5a);
}
END_TEST

/*
 * The worst case the supervisor can hand over: comm of 15 bytes and an executable path of
 * PATH_MAX - 1 bytes (readlink's limit), both needing \u00XX escapes, a policy file name of the
 * same kind, and a rule comment longer than RECORD_COMMENT_MAX. It must fit in RECORD_MAX: the
 * supervisor reserves exactly that much, and a record that does not fit is lost (a gap in seq).
 */
START_TEST(test_worst_case_fits_record_max)
{
	static char exe[PATH_MAX], policy[PATH_MAX], comment[3 * RECORD_COMMENT_MAX],
	        buf[RECORD_MAX];
	struct record r = sample();
	json_error_t jerr;
	const char *got;
	json_t *root;
	size_t len;

	memset(exe, 0xff, sizeof(exe) - 1);
	exe[0] = '/';
	memset(policy, 0x01, sizeof(policy) - 1);
	memset(comment, 0x80, sizeof(comment) - 1);
	r.exe = exe;
	r.policy = policy;
	r.comm = "\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e";
	r.rule_comment = comment;
	r.rule_index = LONG_MAX;
	r.audit = 1;
	r.action = RECORD_ALLOW;
	r.would = RECORD_WOULD_DENY;
	r.would_errno = INT_MIN;
	r.seq = INT64_MAX; /* jansson's integers are signed 64-bit */
	r.pid = r.tid = INT_MIN;
	r.nr = INT_MIN;
	r.syscall = NULL;
	for (int a = 0; a < 6; a++)
		r.args[a] = UINT64_MAX;
	len = record_format(buf, sizeof(buf), &r);
	ck_assert_msg(len > 0, "worst-case record does not fit in RECORD_MAX (%d)", RECORD_MAX);
	root = json_loadb(buf, len, 0, &jerr);
	ck_assert_msg(root != NULL, "not JSON: %s at %d", jerr.text, jerr.position);
	/* exe and policy whole (U+00FF and U+0001 are 2 and 1 UTF-8 bytes). */
	ck_assert_uint_eq(strlen(json_string_value(json_object_get(root, "exe"))),
	                  1 + 2 * (PATH_MAX - 2));
	ck_assert_uint_eq(strlen(json_string_value(json_object_get(root, "policy"))), PATH_MAX - 1);
	/* The comment cut at RECORD_COMMENT_MAX bytes (each U+0080, 2 UTF-8 bytes). */
	got = json_string_value(json_object_get(json_object_get(root, "rule"), "comment"));
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(strlen(got), 2 * RECORD_COMMENT_MAX);
	json_decref(root);

	/* A comment of exactly RECORD_COMMENT_MAX bytes is not cut. */
	comment[RECORD_COMMENT_MAX] = '\0';
	comment[RECORD_COMMENT_MAX - 1] = 'z';
	root = format_and_parse(&r, NULL, NULL);
	got = json_string_value(json_object_get(json_object_get(root, "rule"), "comment"));
	ck_assert_uint_eq(strlen(got), 2 * (RECORD_COMMENT_MAX - 1) + 1);
	ck_assert_int_eq(got[strlen(got) - 1], 'z');
	json_decref(root);
}
END_TEST

/* json_put_string: appends at *pos, leaves *pos alone when full. */
START_TEST(test_json_put_string)
{
	char buf[16];
	size_t pos = 2;

	memcpy(buf, "[x", 2);
	ck_assert_int_eq(json_put_string(buf, sizeof(buf), &pos, "a\"\x01"), 0);
	ck_assert_uint_eq(pos, 2 + 1 + 1 + 2 + 6 + 1);
	ck_assert(memcmp(buf, "[x\"a\\\"\\u0001\"", pos) == 0);
	ck_assert_int_eq(json_put_string(buf, sizeof(buf), &pos, "toolong"), -1);
	ck_assert_uint_eq(pos, 13);
	ck_assert_int_eq(json_put_string(buf, sizeof(buf), &pos, ""), 0);
	ck_assert_uint_eq(pos, 15);
}
END_TEST

static Suite *record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("format");

	tcase_add_test(tc, test_every_field_exact);
	tcase_add_test(tc, test_matches_documented_example);
	tcase_add_test(tc, test_args_hex_exact);
	tcase_add_test(tc, test_ts_rfc3339_nanoseconds);
	tcase_add_test(tc, test_escaping_round_trip);
	tcase_add_test(tc, test_null_strings);
	tcase_add_test(tc, test_rule_index_and_default);
	tcase_add_test(tc, test_errno_only_for_deny);
	tcase_add_test(tc, test_would_only_in_audit);
	tcase_add_test(tc, test_too_small_buffer);
	tcase_add_test(tc, test_worst_case_fits_record_max);
	tcase_add_test(tc, test_json_put_string);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(record_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
