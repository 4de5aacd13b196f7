/* SPDX-License-Identifier: MIT */
/* Unit tests for supervise_parse.c: "supervise" clauses and "default" of NOTIFY rules. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "glob.h"
#include "supervise_parse.h"

#if !__has_include("errno_name.h")
/*
 * LOCAL TEST FALLBACK, remove when errno_name.c (policy branch) is merged: the real
 * errno_from_name() maps every Linux name and decimal strings; this knows what the tests use.
 */
int errno_from_name(const char *name);
int errno_from_name(const char *name)
{
	static const struct {
		const char *name;
		int nr;
	} known[] = {{"EPERM", 1}, {"ENOENT", 2}, {"EACCES", 13}, {"EROFS", 30}};
	char *end;
	long n;

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(name, known[i].name) == 0)
			return known[i].nr;
	n = strtol(name, &end, 10);
	return (*name != '\0' && *end == '\0' && n >= 0 && n <= 4095) ? (int)n : -1;
}
#endif

static json_t *load(const char *text)
{
	json_error_t jerr;
	json_t *j = json_loads(text, 0, &jerr);

	ck_assert_msg(j != NULL, "test JSON: %s", jerr.text);
	return j;
}

/* Parses a rule object's "supervise"/"default" as the policy parser would hand them over. */
static int parse_rule(const char *rule_json, char *const *names, size_t n_names, size_t index,
                      struct supervise_rule **out, char *where, size_t where_len,
                      bouncer_error_t *err)
{
	json_t *rule = load(rule_json);
	int rc = supervise_parse(json_object_get(rule, "supervise"),
	                         json_object_get(rule, "default"), index, names, n_names, 1, out,
	                         where, where_len, err);

	json_decref(rule);
	return rc;
}

static char *openat_names[] = {"openat", "open"};
static char *connect_names[] = {"connect", "sendto"};
static char *exec_names[] = {"execve", "execveat"};
static char *read_names[] = {"read"};

START_TEST(full_rule_is_modelled)
{
	struct supervise_rule *r;
	bouncer_error_t err = {0};
	char where[256];
	int rc = parse_rule(
	        "{\"supervise\": ["
	        " {\"paths\": [\"/etc/shadow\"], \"decision\": \"deny\", \"errno\": \"EACCES\"},"
	        " {\"paths\": [\"/etc/**\", \"/usr/**\"], \"args\": [{\"index\": 2, \"value\": 3,"
	        "   \"valueTwo\": 0, \"op\": \"SCMP_CMP_MASKED_EQ\"}], \"decision\": \"allow\"},"
	        " {\"uid\": [0, 1000], \"gid\": [0], \"exe\": [\"/usr/bin/*\"], \"decision\": "
	        "\"log\","
	        "  \"comment\": \"who\"},"
	        " {\"paths\": [\"/proc/**\"], \"decision\": \"deny\"},"
	        " {\"args\": [{\"index\": 0, \"value\": \"0xffffffffffffffff\", \"op\": "
	        "\"SCMP_CMP_EQ\"}],"
	        "  \"decision\": \"deny\", \"errno\": 30},"
	        " {\"decision\": \"kill\"}],"
	        " \"default\": {\"decision\": \"deny\", \"errno\": \"ENOENT\"}}",
	        openat_names, 2, 7, &r, where, sizeof(where), &err);

	ck_assert_msg(rc == 0, "%s", err.msg);
	ck_assert_uint_eq(r->n_clauses, 6);
	ck_assert_int_eq(r->clauses[0].decision.verdict, SUPERVISE_DENY);
	ck_assert_int_eq(r->clauses[0].decision.errno_nr, 13);
	ck_assert_uint_eq(r->clauses[0].n_paths, 1);
	ck_assert_str_eq(r->clauses[0].paths[0], "/etc/shadow");
	ck_assert_uint_eq(r->clauses[0].needs, SUPERVISE_NEEDS_PATHS);

	ck_assert_int_eq(r->clauses[1].decision.verdict, SUPERVISE_ALLOW);
	ck_assert_uint_eq(r->clauses[1].n_paths, 2);
	ck_assert(glob_match(r->clauses[1].paths[1], "/usr/lib/x.so"));
	ck_assert_uint_eq(r->clauses[1].n_args, 1);
	ck_assert_uint_eq(r->clauses[1].args[0].index, 2);
	ck_assert_uint_eq(r->clauses[1].args[0].value, 3);
	ck_assert_int_eq(r->clauses[1].args[0].op, SCMP_CMP_MASKED_EQ);

	ck_assert_int_eq(r->clauses[2].decision.verdict, SUPERVISE_LOG);
	ck_assert_uint_eq(r->clauses[2].n_uids, 2);
	ck_assert_uint_eq(r->clauses[2].uids[1], 1000);
	ck_assert_uint_eq(r->clauses[2].n_gids, 1);
	ck_assert_str_eq(r->clauses[2].exe[0], "/usr/bin/*");
	ck_assert_uint_eq(r->clauses[2].needs, SUPERVISE_NEEDS_CREDS | SUPERVISE_NEEDS_EXE);

	/* A deny without errno uses the profile's errno (1 here). */
	ck_assert_int_eq(r->clauses[3].decision.errno_nr, 1);
	ck_assert_uint_eq(r->clauses[4].args[0].value, UINT64_MAX);
	ck_assert_int_eq(r->clauses[4].decision.errno_nr, 30);
	ck_assert_int_eq(r->clauses[5].decision.verdict, SUPERVISE_KILL);
	ck_assert_uint_eq(r->clauses[5].needs, 0);
	ck_assert_uint_eq(r->clauses[5].index, 5);

	ck_assert(r->has_default);
	ck_assert_int_eq(r->fallback.verdict, SUPERVISE_DENY);
	ck_assert_int_eq(r->fallback.errno_nr, 2);
	ck_assert_uint_eq(r->needs,
	                  SUPERVISE_NEEDS_PATHS | SUPERVISE_NEEDS_CREDS | SUPERVISE_NEEDS_EXE);
	supervise_rule_free(r);
}
END_TEST

START_TEST(addresses_exec_and_defaults)
{
	struct supervise_rule *r;
	bouncer_error_t err = {0};
	int rc;

	rc = parse_rule("{\"supervise\": [{\"addresses\": [\"inet:10.0.0.0/8:443\","
	                " \"unix:/run/*.sock\"], \"decision\": \"allow\"}]}",
	                connect_names, 2, 0, &r, NULL, 0, &err);
	ck_assert_msg(rc == 0, "%s", err.msg);
	ck_assert_uint_eq(r->n_clauses, 1);
	ck_assert_uint_eq(r->clauses[0].n_addresses, 2);
	ck_assert_int_eq(r->clauses[0].addresses[1].kind, SOCKADDR_PATTERN_UNIX);
	/* No "default": deny with the profile's errno. */
	ck_assert(!r->has_default);
	ck_assert_int_eq(r->fallback.verdict, SUPERVISE_DENY);
	ck_assert_int_eq(r->fallback.errno_nr, 1);
	supervise_rule_free(r);

	rc = parse_rule("{\"supervise\": [{\"exec\": [\"/usr/bin/{git,ls}\"], \"argv\":"
	                " [\"--help\", \"http*\"], \"decision\": \"allow\"}],"
	                " \"default\": {\"decision\": \"log\"}}",
	                exec_names, 2, 0, &r, NULL, 0, &err);
	ck_assert_msg(rc == 0, "%s", err.msg);
	ck_assert_uint_eq(r->clauses[0].n_argv, 2);
	ck_assert_uint_eq(r->clauses[0].needs, SUPERVISE_NEEDS_EXEC | SUPERVISE_NEEDS_ARGV);
	ck_assert_int_eq(r->fallback.verdict, SUPERVISE_LOG);
	supervise_rule_free(r);

	/* Only a default (or nothing at all) is fine. */
	rc = parse_rule("{\"default\": {\"decision\": \"allow\"}}", read_names, 1, 0, &r, NULL, 0,
	                &err);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(r->n_clauses, 0);
	ck_assert_int_eq(r->fallback.verdict, SUPERVISE_ALLOW);
	supervise_rule_free(r);
	rc = parse_rule("{}", read_names, 1, 0, &r, NULL, 0, &err);
	ck_assert_int_eq(rc, 0);
	supervise_rule_free(r);
	supervise_rule_free(NULL);
}
END_TEST

/* The rule must fail with exactly this JSON path and a message containing fragment. */
static void expect_error(const char *rule_json, char *const *names, size_t n_names,
                         const char *want_where, const char *fragment)
{
	struct supervise_rule *r = (struct supervise_rule *)1;
	bouncer_error_t err = {0};
	char where[256];
	char prefix[300];
	int rc = parse_rule(rule_json, names, n_names, 3, &r, where, sizeof(where), &err);

	ck_assert_msg(rc == -EINVAL, "%s: should fail, got %d", rule_json, rc);
	ck_assert_ptr_null(r);
	ck_assert_msg(strcmp(where, want_where) == 0, "where '%s', want '%s' (%s)", where,
	              want_where, err.msg);
	snprintf(prefix, sizeof(prefix), "%s: ", want_where);
	ck_assert_msg(strncmp(err.msg, prefix, strlen(prefix)) == 0, "message '%s'", err.msg);
	ck_assert_msg(strstr(err.msg, fragment) != NULL, "message '%s' lacks '%s'", err.msg,
	              fragment);
}

START_TEST(errors_name_the_json_path)
{
	expect_error("{\"supervise\": [{\"decision\": \"allow\"}, {\"paths\": [\"/a[\"],"
	             " \"decision\": \"allow\"}]}",
	             openat_names, 2, "syscalls[3].supervise[1].paths[0]", "unterminated '['");
	expect_error("{\"supervise\": [{\"paths\": [\"/ok\", \"etc/passwd\"], \"decision\": "
	             "\"allow\"}]}",
	             openat_names, 2, "syscalls[3].supervise[0].paths[1]", "relative");
	expect_error("{\"supervise\": [{\"path\": [\"/etc\"], \"decision\": \"allow\"}]}",
	             openat_names, 2, "syscalls[3].supervise[0].path", "unknown key \"path\"");
	expect_error("{\"supervise\": [{\"paths\": [\"/etc\"]}]}", openat_names, 2,
	             "syscalls[3].supervise[0]", "missing \"decision\"");
	expect_error("{\"supervise\": [{\"decision\": \"permit\"}]}", openat_names, 2,
	             "syscalls[3].supervise[0].decision", "unknown decision \"permit\"");
	expect_error("{\"supervise\": [{\"decision\": \"allow\", \"errno\": \"EPERM\"}]}",
	             openat_names, 2, "syscalls[3].supervise[0].errno", "only goes with");
	expect_error("{\"supervise\": [{\"decision\": \"deny\", \"errno\": \"EFOO\"}]}",
	             openat_names, 2, "syscalls[3].supervise[0].errno", "unknown errno \"EFOO\"");
	expect_error("{\"supervise\": [{\"decision\": \"deny\", \"errno\": 0}]}", openat_names, 2,
	             "syscalls[3].supervise[0].errno", "out of range");
	expect_error("{\"supervise\": [{\"decision\": \"deny\", \"errno\": 5000}]}", openat_names,
	             2, "syscalls[3].supervise[0].errno", "out of range");
	expect_error("{\"supervise\": [{\"paths\": [\"/x\"], \"decision\": \"deny\"}]}", read_names,
	             1, "syscalls[3].supervise[0].paths", "syscall \"read\" has no path argument");
	expect_error("{\"supervise\": [{\"addresses\": [\"inet:*:*\"], \"decision\": \"deny\"}]}",
	             openat_names, 2, "syscalls[3].supervise[0].addresses",
	             "syscall \"openat\" has no socket address");
	expect_error("{\"supervise\": [{\"argv\": [\"-x\"], \"decision\": \"deny\"}]}",
	             openat_names, 2, "syscalls[3].supervise[0].argv", "not execve");
	expect_error("{\"supervise\": [{\"addresses\": [\"inet:1.2.3.4:99999\"],"
	             " \"decision\": \"deny\"}]}",
	             connect_names, 2, "syscalls[3].supervise[0].addresses[0]", "99999");
	expect_error("{\"supervise\": [{\"args\": [{\"index\": 6, \"value\": 1, \"op\":"
	             " \"SCMP_CMP_EQ\"}], \"decision\": \"deny\"}]}",
	             openat_names, 2, "syscalls[3].supervise[0].args[0].index", "0 to 5");
	expect_error("{\"supervise\": [{\"args\": [{\"index\": 1, \"value\": 1, \"op\":"
	             " \"SCMP_CMP_EQQ\"}], \"decision\": \"deny\"}]}",
	             openat_names, 2, "syscalls[3].supervise[0].args[0].op",
	             "unknown operator \"SCMP_CMP_EQQ\"");
	expect_error("{\"supervise\": [{\"args\": [{\"index\": 1, \"value\": 1.5e19, \"op\":"
	             " \"SCMP_CMP_EQ\"}], \"decision\": \"deny\"}]}",
	             openat_names, 2, "syscalls[3].supervise[0].args[0].value", "as a string");
	expect_error("{\"supervise\": [{\"args\": [{\"index\": 1, \"value\": \"12abc\", \"op\":"
	             " \"SCMP_CMP_EQ\"}], \"decision\": \"deny\"}]}",
	             openat_names, 2, "syscalls[3].supervise[0].args[0].value", "not an unsigned");
	expect_error("{\"supervise\": [{\"uid\": [-1], \"decision\": \"deny\"}]}", openat_names, 2,
	             "syscalls[3].supervise[0].uid[0]", "numeric uid");
	expect_error("{\"supervise\": [{\"gid\": [\"wheel\"], \"decision\": \"deny\"}]}",
	             openat_names, 2, "syscalls[3].supervise[0].gid[0]", "numeric gid");
	expect_error("{\"supervise\": [{\"paths\": [], \"decision\": \"deny\"}]}", openat_names, 2,
	             "syscalls[3].supervise[0].paths", "empty");
	expect_error("{\"supervise\": {\"decision\": \"deny\"}}", openat_names, 2,
	             "syscalls[3].supervise", "array");
	expect_error("{\"supervise\": [\"deny\"]}", openat_names, 2, "syscalls[3].supervise[0]",
	             "clause object");
	expect_error("{\"default\": {\"decision\": \"allow\", \"paths\": [\"/x\"]}}", openat_names,
	             2, "syscalls[3].default", "unknown key \"paths\"");
	expect_error("{\"default\": {\"errno\": \"EPERM\"}}", openat_names, 2,
	             "syscalls[3].default", "missing \"decision\"");
	expect_error("{\"default\": \"deny\"}", openat_names, 2, "syscalls[3].default",
	             "expected an object");
}
END_TEST

START_TEST(verdict_names)
{
	ck_assert_str_eq(supervise_verdict_name(SUPERVISE_ALLOW), "allow");
	ck_assert_str_eq(supervise_verdict_name(SUPERVISE_DENY), "deny");
	ck_assert_str_eq(supervise_verdict_name(SUPERVISE_LOG), "log");
	ck_assert_str_eq(supervise_verdict_name(SUPERVISE_KILL), "kill");
}
END_TEST

static Suite *supervise_parse_suite(void)
{
	Suite *s = suite_create("supervise_parse");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, full_rule_is_modelled);
	tcase_add_test(tc, addresses_exec_and_defaults);
	tcase_add_test(tc, errors_name_the_json_path);
	tcase_add_test(tc, verdict_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(supervise_parse_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
