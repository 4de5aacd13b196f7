/* SPDX-License-Identifier: MIT */
/*
 * policy_parse.c and policy_host.c: JSON profiles → struct policy, error messages with
 * positions, warnings, includes/excludes, the embedded default and the shipped policies.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

#define CAP_BIT(n) (1ull << (n))

/* x86_64, kernel 5.10, holding CAP_SYS_ADMIN (21) and CAP_SYS_CHROOT (18) only. */
static const struct policy_host test_host = {
        .caps = CAP_BIT(21) | CAP_BIT(18),
        .native_arch = SCMP_ARCH_X86_64,
        .kernel_major = 5,
        .kernel_minor = 10,
};

static struct policy *parse_ok(const char *json)
{
	struct policy *policy = NULL;
	bouncer_error_t err = {0};
	int r = policy_parse("t.json", json, strlen(json), &test_host, &policy, &err);

	ck_assert_msg(r == 0, "unexpected error %d: %s", r, err.msg);
	ck_assert_ptr_nonnull(policy);
	return policy;
}

static void assert_error(const char *json, const char *expected)
{
	struct policy *policy = (struct policy *)1;
	bouncer_error_t err = {0};
	int r = policy_parse("t.json", json, strlen(json), &test_host, &policy, &err);

	ck_assert_int_lt(r, 0);
	ck_assert_int_eq(err.code, r);
	ck_assert_ptr_null(policy);
	ck_assert_str_eq(err.msg, expected);
}

/* A policy whose syscalls[] is the given text; rule 0 starts at column 50. */
#define RULES(text) "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [" text "]}"

#define OPS_HINT                                                                                   \
	"(valid: SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, "   \
	"SCMP_CMP_MASKED_EQ)"
#define ACTIONS_HINT                                                                               \
	"(valid: SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_KILL, SCMP_ACT_TRAP, "      \
	"SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_NOTIFY)"

/* ---- every field ---- */

static const char full_profile[] =
        "{\n"
        "  \"defaultAction\": \"SCMP_ACT_TRACE\",\n"
        "  \"defaultErrnoRet\": 42,\n"
        "  \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_AARCH64\", "
        "\"SCMP_ARCH_MIPSEL64N32\"],\n"
        "  \"flags\": [\"SECCOMP_FILTER_FLAG_TSYNC\", \"SECCOMP_FILTER_FLAG_LOG\",\n"
        "            \"SECCOMP_FILTER_FLAG_SPEC_ALLOW\", "
        "\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],\n"
        "  \"listenerPath\": \"/run/bouncer.sock\",\n"
        "  \"listenerMetadata\": \"meta data\",\n"
        "  \"syscalls\": [\n"
        "    {\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\", \"comment\": "
        "\"io\"},\n"
        "    {\"name\": \"openat\", \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13, \"args\": [\n"
        "      {\"index\": 2, \"value\": 64, \"valueTwo\": 64, \"op\": \"SCMP_CMP_MASKED_EQ\"},\n"
        "      {\"index\": 5, \"value\": 18446744073709551615, \"op\": \"SCMP_CMP_NE\"}]},\n"
        "      {\"names\": [\"connect\"], \"action\": \"SCMP_ACT_NOTIFY\",\n"
        "       \"supervise\": [{\"args\": [{\"index\": 2, \"value\": 443, \"op\": "
        "\"SCMP_CMP_EQ\"}], \"decision\": \"allow\"}], \"default\": {\"decision\": "
        "\"deny\"}},\n"
        "    {\"names\": [\"kill\"], \"action\": \"SCMP_ACT_KILL\", \"errnoRet\": null,\n"
        "     \"includes\": null, \"args\": null, \"comment\": null}\n"
        "  ]\n"
        "}\n";

START_TEST(test_full_profile)
{
	struct policy *p = parse_ok(full_profile);
	const struct policy_rule *r;
	json_t *clause;

	ck_assert_str_eq(p->source, "t.json");
	ck_assert_int_eq(p->default_action, POLICY_ACT_TRACE);
	ck_assert(p->has_default_errno);
	ck_assert_uint_eq(p->default_errno, 42);
	ck_assert_uint_eq(p->n_arches, 3);
	ck_assert_uint_eq(p->arches[0].token, SCMP_ARCH_X86_64);
	ck_assert_uint_eq(p->arches[1].token, SCMP_ARCH_AARCH64);
	ck_assert_uint_eq(p->arches[2].token, SCMP_ARCH_MIPSEL64N32);
	ck_assert_uint_eq(p->arches[0].n_sub, 0);
	/* Every "architectures" entry applies. */
	ck_assert(p->arches[0].active && p->arches[1].active && p->arches[2].active);
	ck_assert_uint_eq(p->flags, POLICY_FLAG_TSYNC | POLICY_FLAG_LOG | POLICY_FLAG_SPEC_ALLOW |
	                                    POLICY_FLAG_WAIT_KILLABLE_RECV);
	ck_assert_str_eq(p->listener_path, "/run/bouncer.sock");
	ck_assert_str_eq(p->listener_metadata, "meta data");
	ck_assert_uint_eq(p->n_warnings, 0);
	ck_assert_uint_eq(p->n_rules, 4);

	r = &p->rules[0];
	ck_assert_uint_eq(r->index, 0);
	ck_assert_uint_eq(r->n_names, 2);
	ck_assert_str_eq(r->names[0], "read");
	ck_assert_str_eq(r->names[1], "write");
	ck_assert_int_eq(r->action, POLICY_ACT_ALLOW);
	ck_assert(!r->has_errno_ret);
	ck_assert_uint_eq(r->n_args, 0);
	ck_assert_str_eq(r->comment, "io");
	ck_assert(r->active);
	ck_assert_ptr_null(r->supervise);
	ck_assert_ptr_null(r->supervise_default);
	ck_assert_uint_eq(r->line, 10);
	ck_assert_uint_eq(r->column, 5);

	r = &p->rules[1];
	ck_assert_uint_eq(r->index, 1);
	ck_assert_uint_eq(r->n_names, 1);
	ck_assert_str_eq(r->names[0], "openat");
	ck_assert_int_eq(r->action, POLICY_ACT_ERRNO);
	ck_assert(r->has_errno_ret);
	ck_assert_uint_eq(r->errno_ret, 13);
	ck_assert_ptr_null(r->comment);
	ck_assert_uint_eq(r->n_args, 2);
	ck_assert_uint_eq(r->args[0].index, 2);
	ck_assert_uint_eq(r->args[0].value, 64);
	ck_assert_uint_eq(r->args[0].value_two, 64);
	ck_assert_int_eq(r->args[0].op, SCMP_CMP_MASKED_EQ);
	ck_assert_uint_eq(r->args[1].index, 5);
	ck_assert(r->args[1].value == UINT64_MAX);
	ck_assert_uint_eq(r->args[1].value_two, 0);
	ck_assert_int_eq(r->args[1].op, SCMP_CMP_NE);
	ck_assert_uint_eq(r->line, 11);
	ck_assert_uint_eq(r->column, 5);

	r = &p->rules[2];
	ck_assert_int_eq(r->action, POLICY_ACT_NOTIFY);
	ck_assert_uint_eq(r->line, 14);
	ck_assert_uint_eq(r->column, 7);
	ck_assert(json_is_array(r->supervise));
	clause = json_object_get(
	        json_array_get(json_object_get(json_array_get(r->supervise, 0), "args"), 0), "value");
	/* Ordinary integers stay jansson integers for the clause evaluator. */
	ck_assert(json_is_integer(clause));
	ck_assert_int_eq(json_integer_value(clause), 443);
	ck_assert_str_eq(json_string_value(json_object_get(r->supervise_default, "decision")),
	                 "deny");
	/* ... and parsed into the supervisor's model at load time. */
	ck_assert_ptr_nonnull(r->supervise_model);

	/* null means absent, as for Go's decoder. */
	r = &p->rules[3];
	ck_assert_int_eq(r->action, POLICY_ACT_KILL_THREAD);
	ck_assert(!r->has_errno_ret);
	ck_assert_ptr_null(r->comment);
	ck_assert_uint_eq(r->n_args, 0);
	ck_assert(r->active);
	policy_free(p);
}
END_TEST

START_TEST(test_minimal_profile)
{
	struct policy *p = parse_ok("{\"defaultAction\": \"SCMP_ACT_ALLOW\"}");

	ck_assert_int_eq(p->default_action, POLICY_ACT_ALLOW);
	ck_assert(!p->has_default_errno);
	ck_assert_uint_eq(p->default_errno, EPERM);
	ck_assert_uint_eq(p->n_arches, 0);
	ck_assert_uint_eq(p->n_rules, 0);
	ck_assert_uint_eq(p->flags, 0);
	ck_assert_ptr_null(p->listener_path);
	ck_assert_ptr_null(p->listener_metadata);
	ck_assert_ptr_nonnull(p->root);
	policy_free(p);
}
END_TEST

START_TEST(test_arch_map)
{
	struct policy *p =
	        parse_ok("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"archMap\": ["
	                 "{\"architecture\": \"SCMP_ARCH_X86_64\", \"subArchitectures\": "
	                 "[\"SCMP_ARCH_X86\", "
	                 "\"SCMP_ARCH_X32\"]}, {\"architecture\": \"SCMP_ARCH_AARCH64\", "
	                 "\"subArchitectures\": [\"SCMP_ARCH_ARM\"]}, {\"architecture\": "
	                 "\"SCMP_ARCH_S390X\"}]}");

	ck_assert_uint_eq(p->n_arches, 3);
	ck_assert_uint_eq(p->arches[0].token, SCMP_ARCH_X86_64);
	ck_assert_uint_eq(p->arches[0].n_sub, 2);
	ck_assert_uint_eq(p->arches[0].sub[0], SCMP_ARCH_X86);
	ck_assert_uint_eq(p->arches[0].sub[1], SCMP_ARCH_X32);
	ck_assert_uint_eq(p->arches[1].token, SCMP_ARCH_AARCH64);
	ck_assert_uint_eq(p->arches[1].n_sub, 1);
	ck_assert_uint_eq(p->arches[1].sub[0], SCMP_ARCH_ARM);
	ck_assert_uint_eq(p->arches[2].token, SCMP_ARCH_S390X);
	ck_assert_uint_eq(p->arches[2].n_sub, 0);
	/* Only the native arch's entry of an archMap applies (test_host is x86_64). */
	ck_assert(p->arches[0].active);
	ck_assert(!p->arches[1].active);
	ck_assert(!p->arches[2].active);
	policy_free(p);
}
END_TEST

static const struct {
	const char *name;
	enum policy_action action;
	const char *canonical;
} actions[] = {
        {"SCMP_ACT_KILL_PROCESS", POLICY_ACT_KILL_PROCESS, "SCMP_ACT_KILL_PROCESS"},
        {"SCMP_ACT_KILL_THREAD", POLICY_ACT_KILL_THREAD, "SCMP_ACT_KILL_THREAD"},
        {"SCMP_ACT_KILL", POLICY_ACT_KILL_THREAD, "SCMP_ACT_KILL_THREAD"},
        {"SCMP_ACT_TRAP", POLICY_ACT_TRAP, "SCMP_ACT_TRAP"},
        {"SCMP_ACT_ERRNO", POLICY_ACT_ERRNO, "SCMP_ACT_ERRNO"},
        {"SCMP_ACT_TRACE", POLICY_ACT_TRACE, "SCMP_ACT_TRACE"},
        {"SCMP_ACT_ALLOW", POLICY_ACT_ALLOW, "SCMP_ACT_ALLOW"},
        {"SCMP_ACT_LOG", POLICY_ACT_LOG, "SCMP_ACT_LOG"},
        {"SCMP_ACT_NOTIFY", POLICY_ACT_NOTIFY, "SCMP_ACT_NOTIFY"},
};

START_TEST(test_every_action)
{
	char json[256];
	struct policy *p;

	snprintf(json, sizeof(json),
	         "{\"defaultAction\": \"%s\", \"syscalls\": [{\"names\": [\"read\"], "
	         "\"action\": \"%s\"}]}",
	         actions[_i].name, actions[_i].name);
	p = parse_ok(json);
	ck_assert_int_eq(p->default_action, actions[_i].action);
	ck_assert_int_eq(p->rules[0].action, actions[_i].action);
	ck_assert_str_eq(policy_action_name(actions[_i].action), actions[_i].canonical);
	policy_free(p);
}
END_TEST

static const struct {
	const char *name;
	enum scmp_compare op;
} ops[] = {
        {"SCMP_CMP_NE", SCMP_CMP_NE},
        {"SCMP_CMP_LT", SCMP_CMP_LT},
        {"SCMP_CMP_LE", SCMP_CMP_LE},
        {"SCMP_CMP_EQ", SCMP_CMP_EQ},
        {"SCMP_CMP_GE", SCMP_CMP_GE},
        {"SCMP_CMP_GT", SCMP_CMP_GT},
        {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

START_TEST(test_every_op)
{
	char json[256];
	struct policy *p;

	snprintf(json, sizeof(json),
	         RULES("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": "
	               "[{\"index\": "
	               "%d, \"value\": %d, \"valueTwo\": 7, \"op\": \"%s\"}]}"),
	         _i % 6, 100 + _i, ops[_i].name);
	p = parse_ok(json);
	ck_assert_uint_eq(p->rules[0].n_args, 1);
	ck_assert_int_eq(p->rules[0].args[0].op, ops[_i].op);
	ck_assert_uint_eq(p->rules[0].args[0].index, _i % 6);
	ck_assert_uint_eq(p->rules[0].args[0].value, 100 + _i);
	ck_assert_uint_eq(p->rules[0].args[0].value_two, 7);
	policy_free(p);
}
END_TEST

START_TEST(test_huge_values)
{
	struct policy *p = parse_ok(
	        RULES("{\"names\": [\"ioctl\"], \"action\": \"SCMP_ACT_ALLOW\", \"comment\": "
	              "\"18446744073709551616 in a string is text\", \"args\": ["
	              "{\"index\": 1, \"value\": 18446744073709551615, \"valueTwo\": "
	              "9223372036854775808, \"op\": \"SCMP_CMP_MASKED_EQ\"},"
	              "{\"index\": 2, \"value\": 9223372036854775807, \"valueTwo\": "
	              "12345678901234567890, \"op\": \"SCMP_CMP_EQ\"}]}"));
	const struct policy_rule *r = &p->rules[0];

	ck_assert(r->args[0].value == UINT64_MAX);
	ck_assert(r->args[0].value_two == 9223372036854775808ull);
	ck_assert(r->args[1].value == 9223372036854775807ull);
	ck_assert(r->args[1].value_two == 12345678901234567890ull);
	ck_assert_str_eq(r->comment, "18446744073709551616 in a string is text");
	policy_free(p);
}
END_TEST

/* ---- includes / excludes ---- */

static const char filters[] =
        RULES("{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": "
              "[\"CAP_SYS_ADMIN\"]}},"
              "{\"names\": [\"b\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": "
              "[\"CAP_SYS_ADMIN\", \"CAP_BPF\"]}},"
              "{\"names\": [\"c\"], \"action\": \"SCMP_ACT_ALLOW\", \"excludes\": {\"caps\": "
              "[\"CAP_BPF\", \"CAP_SYS_CHROOT\"]}},"
              "{\"names\": [\"d\"], \"action\": \"SCMP_ACT_ALLOW\", \"excludes\": {\"caps\": "
              "[\"CAP_BPF\"]}},"
              "{\"names\": [\"e\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"arches\": "
              "[\"386\", \"amd64\", \"x32\"]}},"
              "{\"names\": [\"f\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"arches\": "
              "[\"arm64\", \"SCMP_ARCH_S390X\"]}},"
              "{\"names\": [\"g\"], \"action\": \"SCMP_ACT_ALLOW\", \"excludes\": {\"arches\": "
              "[\"SCMP_ARCH_X86_64\"]}},"
              "{\"names\": [\"h\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"minKernel\": "
              "\"5.10\"}},"
              "{\"names\": [\"i\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"minKernel\": "
              "\"5.11\"}},"
              "{\"names\": [\"j\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"minKernel\": "
              "\"6.0\"}},"
              "{\"names\": [\"k\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"minKernel\": "
              "\"4.20\"}},"
              "{\"names\": [\"l\"], \"action\": \"SCMP_ACT_ALLOW\", \"excludes\": {\"minKernel\": "
              "\"5.4\"}},"
              "{\"names\": [\"m\"], \"action\": \"SCMP_ACT_ALLOW\", \"excludes\": {\"minKernel\": "
              "\"6.1\"}},"
              "{\"names\": [\"n\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": "
              "[\"CAP_NOPE\"]}},"
              "{\"names\": [\"o\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": "
              "[\"CAP_SYS_ADMIN\"], \"arches\": [\"amd64\"], \"minKernel\": \"5.10\"}, "
              "\"excludes\": {\"arches\": [\"arm\"]}}");

START_TEST(test_includes_excludes)
{
	/* a b c d e f g h i j k l m n o */
	static const bool expected[] = {true,  false, false, true,  true, false, false, true,
	                                false, false, true,  false, true, false, true};
	struct policy *p = parse_ok(filters);
	size_t i;

	ck_assert_uint_eq(p->n_rules, sizeof(expected) / sizeof(expected[0]));
	for (i = 0; i < p->n_rules; i++) {
		ck_assert_msg(p->rules[i].active == expected[i], "rule %zu (%s): active=%d", i,
		              p->rules[i].names[0], p->rules[i].active);
		/* The stored flag is what policy_rule_applies() says. */
		ck_assert(policy_rule_applies(&p->rules[i], &test_host) == expected[i]);
	}

	/* Go arch names and SCMP_ARCH_* names resolve to libseccomp tokens. */
	ck_assert_uint_eq(p->rules[4].includes.n_arches, 3);
	ck_assert_uint_eq(p->rules[4].includes.arches[0], SCMP_ARCH_X86);
	ck_assert_uint_eq(p->rules[4].includes.arches[1], SCMP_ARCH_X86_64);
	ck_assert_uint_eq(p->rules[4].includes.arches[2], SCMP_ARCH_X32);
	ck_assert_uint_eq(p->rules[5].includes.arches[0], SCMP_ARCH_AARCH64);
	ck_assert_uint_eq(p->rules[5].includes.arches[1], SCMP_ARCH_S390X);
	ck_assert_uint_eq(p->rules[14].includes.n_caps, 1);
	ck_assert_str_eq(p->rules[14].includes.caps[0], "CAP_SYS_ADMIN");
	ck_assert_str_eq(p->rules[14].includes.min_kernel, "5.10");
	ck_assert_uint_eq(p->rules[14].excludes.arches[0], SCMP_ARCH_ARM);

	/* The unknown capability is a warning and is never held. */
	ck_assert_uint_eq(p->n_warnings, 1);
	ck_assert_str_eq(p->warnings[0], "t.json:1:1239: syscalls[13].includes.caps[0]: unknown "
	                                 "capability \"CAP_NOPE\" (never held)");
	policy_free(p);
}
END_TEST

/* The same rules on another host: arm64, kernel 6.1, only CAP_BPF (39). */
START_TEST(test_includes_excludes_other_host)
{
	static const struct policy_host arm = {
	        .caps = CAP_BIT(39),
	        .native_arch = SCMP_ARCH_AARCH64,
	        .kernel_major = 6,
	        .kernel_minor = 1,
	};
	static const bool expected[] = {false, false, false, false, false, true,  true, true,
	                                true,  true,  true,  false, false, false, false};
	struct policy *p = NULL;
	bouncer_error_t err = {0};
	size_t i;

	ck_assert_int_eq(policy_parse("t.json", filters, strlen(filters), &arm, &p, &err), 0);
	for (i = 0; i < p->n_rules; i++)
		ck_assert_msg(p->rules[i].active == expected[i], "rule %zu (%s): active=%d", i,
		              p->rules[i].names[0], p->rules[i].active);
	policy_free(p);
}
END_TEST

START_TEST(test_host_detect)
{
	struct policy_host host;
	char line[256];
	unsigned long long cap_eff = 0;
	bool found = false;
	FILE *status;

	policy_host_detect(&host);
	ck_assert_uint_eq(host.native_arch, seccomp_arch_native());
	ck_assert_uint_ge(host.kernel_major, 3);
	/* capget's effective set is what /proc/self/status shows as CapEff. */
	status = fopen("/proc/self/status", "r");
	ck_assert_ptr_nonnull(status);
	while (fgets(line, sizeof(line), status) != NULL)
		if (sscanf(line, "CapEff: %llx", &cap_eff) == 1)
			found = true;
	fclose(status);
	ck_assert(found);
	ck_assert(host.caps == cap_eff);
}
END_TEST

START_TEST(test_cap_names)
{
	ck_assert_int_eq(policy_cap_from_name("CAP_CHOWN"), 0);
	ck_assert_int_eq(policy_cap_from_name("CAP_SYS_ADMIN"), 21);
	ck_assert_int_eq(policy_cap_from_name("CAP_CHECKPOINT_RESTORE"), 40);
	ck_assert_int_eq(policy_cap_from_name("cap_sys_admin"), -1);
	ck_assert_int_eq(policy_cap_from_name("SYS_ADMIN"), -1);
}
END_TEST

/* ---- errors ---- */

START_TEST(test_error_malformed_json)
{
	assert_error("{\n  \"defaultAction\": \"SCMP_ACT_ALLOW\",,\n}",
	             "t.json:2:37: string or '}' expected near ','");
	assert_error("", "t.json:1:1: '[' or '{' expected near end of file");
	assert_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultAction\": \"SCMP_ACT_LOG\"}",
	             "t.json:1:51: duplicate object key near '\"defaultAction\"'");
}
END_TEST

START_TEST(test_error_wrong_types)
{
	assert_error("[1]", "t.json:1:1: expected an object, found an array");
	assert_error("{\"defaultAction\": 5}",
	             "t.json:1:19: defaultAction: expected a string, found an integer");
	/* A literal too big for jansson is still called an integer. */
	assert_error("{\"defaultAction\": 18446744073709551615}",
	             "t.json:1:19: defaultAction: expected a string, found an integer");
	assert_error("{\"defaultAction\": 1.5}",
	             "t.json:1:19: defaultAction: expected a string, found a real number");
	assert_error("{\"defaultAction\": null}",
	             "t.json:1:19: defaultAction: expected a string, found null");
	assert_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": {}}",
	             "t.json:1:49: syscalls: expected an array of objects, found an object");
	assert_error(RULES("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}, \"oops\""),
	             "t.json:1:99: syscalls[1]: expected an object, found a string");
	assert_error(RULES("{\"names\": [\"read\", 7], \"action\": \"SCMP_ACT_ALLOW\"}"),
	             "t.json:1:69: syscalls[0].names[1]: expected a string, found an integer");
	assert_error(RULES("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{"
	                   "\"index\": 0, \"value\": \"5\", \"op\": \"SCMP_CMP_EQ\"}]}"),
	             "t.json:1:129: syscalls[0].args[0].value: expected a non-negative integer, "
	             "found a string");
	assert_error(RULES("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"supervise\": "
	                   "{}}"),
	             "t.json:1:111: syscalls[0].supervise: expected an array, found an object");
	assert_error(RULES("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_NOTIFY\", \"default\": "
	                   "[]}"),
	             "t.json:1:110: syscalls[0].default: expected an object, found an array");
}
END_TEST

START_TEST(test_error_unknown_names)
{
	assert_error("{\"defaultAction\": \"SCMP_ACT_ALOW\"}",
	             "t.json:1:19: defaultAction: unknown action \"SCMP_ACT_ALOW\" " ACTIONS_HINT);
	/* The example of SPEC-RUN.md, position included. */
	assert_error(
	        "{\n"
	        "  \"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	        "  \"syscalls\": [\n"
	        "    {\n"
	        "      \"names\": [\"ioctl\"], \"action\": \"SCMP_ACT_ERRNO\",\n"
	        "      \"args\": [\n"
	        "        { \"op\": \"SCMP_CMP_EQQ\", \"index\": 1, \"value\": 2 }\n"
	        "      ]\n"
	        "    }\n"
	        "  ]\n"
	        "}\n",
	        "t.json:7:17: syscalls[0].args[0].op: unknown operator \"SCMP_CMP_EQQ\" " OPS_HINT);
	assert_error(
	        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"archMap\": [{\"architecture\": "
	        "\"SCMP_ARCH_X86_65\"}]}",
	        "t.json:1:66: archMap[0].architecture: unknown architecture "
	        "\"SCMP_ARCH_X86_65\" (valid: SCMP_ARCH_X86, SCMP_ARCH_X86_64, SCMP_ARCH_X32, "
	        "SCMP_ARCH_ARM, SCMP_ARCH_AARCH64, SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64, "
	        "SCMP_ARCH_MIPS64N32, SCMP_ARCH_MIPSEL, SCMP_ARCH_MIPSEL64, SCMP_ARCH_MIPSEL64N32, "
	        "SCMP_ARCH_PPC, SCMP_ARCH_PPC64, SCMP_ARCH_PPC64LE, SCMP_ARCH_S390, "
	        "SCMP_ARCH_S390X, SCMP_ARCH_PARISC, SCMP_ARCH_PARISC64, SCMP_ARCH_RISCV64)");
	assert_error(
	        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"x86_64\"]}",
	        "t.json:1:55: architectures[0]: unknown architecture \"x86_64\" (valid: "
	        "SCMP_ARCH_X86, SCMP_ARCH_X86_64, SCMP_ARCH_X32, SCMP_ARCH_ARM, SCMP_ARCH_AARCH64, "
	        "SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64, SCMP_ARCH_MIPS64N32, SCMP_ARCH_MIPSEL, "
	        "SCMP_ARCH_MIPSEL64, SCMP_ARCH_MIPSEL64N32, SCMP_ARCH_PPC, SCMP_ARCH_PPC64, "
	        "SCMP_ARCH_PPC64LE, SCMP_ARCH_S390, SCMP_ARCH_S390X, SCMP_ARCH_PARISC, "
	        "SCMP_ARCH_PARISC64, SCMP_ARCH_RISCV64)");
	assert_error(
	        RULES("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"excludes\": "
	              "{\"arches\": [\"amd64\", \"vax\"]}}"),
	        "t.json:1:131: syscalls[0].excludes.arches[1]: unknown architecture \"vax\" "
	        "(valid: amd64, 386, x32, arm, arm64, mips, mipsle, mips64, mips64le, mips64n32, "
	        "mips64len32, ppc, ppc64, ppc64le, s390, s390x, riscv64, or SCMP_ARCH_* names)");
	assert_error(
	        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\", "
	        "\"SECCOMP_FILTER_FLAG_NOPE\"]}",
	        "t.json:1:74: flags[1]: unknown flag \"SECCOMP_FILTER_FLAG_NOPE\" (valid: "
	        "SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG, "
	        "SECCOMP_FILTER_FLAG_SPEC_ALLOW, SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)");
	assert_error(RULES("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": "
	                   "{\"minKernel\": \"4.x\"}}"),
	             "t.json:1:124: syscalls[0].includes.minKernel: invalid kernel version \"4.x\" "
	             "(expected \"MAJOR.MINOR\")");
	assert_error(
	        RULES("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": "
	              "{\"minKernel\": \"5.-1\"}}"),
	        "t.json:1:124: syscalls[0].includes.minKernel: invalid kernel version \"5.-1\" "
	        "(expected \"MAJOR.MINOR\")");
	assert_error(RULES("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": "
	                   "{\"minKernel\": \"5\"}}"),
	             "t.json:1:124: syscalls[0].includes.minKernel: invalid kernel version \"5\" "
	             "(expected \"MAJOR.MINOR\")");
}
END_TEST

/* moby reads minKernel with "%d.%d", so "5.10.99" means 5.10. */
START_TEST(test_min_kernel_with_patch)
{
	struct policy *p =
	        parse_ok(RULES("{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": "
	                       "{\"minKernel\": \"5.10.99\"}}, {\"names\": [\"b\"], \"action\": "
	                       "\"SCMP_ACT_ALLOW\", \"includes\": {\"minKernel\": \"5.11.0\"}}"));

	ck_assert(p->rules[0].active);
	ck_assert(!p->rules[1].active);
	policy_free(p);
}
END_TEST

START_TEST(test_error_numbers)
{
	assert_error(RULES("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{"
	                   "\"index\": 6, \"op\": \"SCMP_CMP_EQ\"}]}"),
	             "t.json:1:117: syscalls[0].args[0].index: argument index 6 is out of range "
	             "(syscalls have arguments 0..5)");
	assert_error(RULES("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{"
	                   "\"index\": 0, \"value\": -1, \"op\": \"SCMP_CMP_EQ\"}]}"),
	             "t.json:1:129: syscalls[0].args[0].value: expected a non-negative integer, "
	             "found -1");
	assert_error(RULES("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{"
	                   "\"index\": 0, \"value\": 1.5, \"op\": \"SCMP_CMP_EQ\"}]}"),
	             "t.json:1:129: syscalls[0].args[0].value: expected an integer, found the real "
	             "number 1.5");
	assert_error(
	        RULES("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{"
	              "\"index\": 0, \"value\": -9223372036854775809, \"op\": \"SCMP_CMP_EQ\"}]}"),
	        "t.json:1:129: syscalls[0].args[0].value: expected a non-negative integer, "
	        "found -9223372036854775809");
	assert_error(RULES("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{"
	                   "\"index\": 0, \"valueTwo\": 18446744073709551616, \"op\": "
	                   "\"SCMP_CMP_EQ\"}]}"),
	             "t.json:1:132: syscalls[0].args[0].valueTwo: 18446744073709551616 is out of "
	             "range (0..18446744073709551615)");
	assert_error(RULES("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": "
	                   "70000}"),
	             "t.json:1:110: syscalls[0].errnoRet: 70000 is out of range (0..65535)");
	assert_error(RULES("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": "
	                   "18446744073709551615}"),
	             "t.json:1:110: syscalls[0].errnoRet: 18446744073709551615 is out of range "
	             "(0..65535)");
	assert_error("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": -38}",
	             "t.json:1:56: defaultErrnoRet: expected a non-negative integer, found -38");
}
END_TEST

START_TEST(test_error_structure)
{
	assert_error("{\"syscalls\": []}", "t.json:1:1: missing \"defaultAction\"");
	assert_error(
	        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [], \"archMap\": []}",
	        "t.json:1:69: archMap: use either \"architectures\" or \"archMap\", not both");
	assert_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"archMap\": [{}]}",
	             "t.json:1:49: archMap[0]: missing \"architecture\"");
	assert_error(RULES("{\"name\": \"read\", \"names\": [\"read\"], \"action\": "
	                   "\"SCMP_ACT_ALLOW\"}"),
	             "t.json:1:59: syscalls[0].name: both \"name\" and \"names\" are given; use "
	             "\"names\"");
	assert_error(RULES("{\"action\": \"SCMP_ACT_ALLOW\"}"),
	             "t.json:1:50: syscalls[0]: missing \"names\"");
	assert_error(RULES("{\"names\": [], \"action\": \"SCMP_ACT_ALLOW\"}"),
	             "t.json:1:60: syscalls[0].names: empty list");
	assert_error(RULES("{\"name\": \"\", \"action\": \"SCMP_ACT_ALLOW\"}"),
	             "t.json:1:59: syscalls[0].name: empty string");
	assert_error(RULES("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}, {\"names\": "
	                   "[\"write\"]}"),
	             "t.json:1:99: syscalls[1]: missing \"action\"");
	assert_error(RULES("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{"
	                   "\"op\": \"SCMP_CMP_EQ\"}]}"),
	             "t.json:1:107: syscalls[0].args[0]: missing \"index\"");
	assert_error(RULES("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"supervise\": "
	                   "[]}"),
	             "t.json:1:111: syscalls[0].supervise: only allowed with SCMP_ACT_NOTIFY "
	             "(action is SCMP_ACT_ALLOW)");
	assert_error(RULES("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"default\": "
	                   "{}}"),
	             "t.json:1:109: syscalls[0].default: only allowed with SCMP_ACT_NOTIFY "
	             "(action is SCMP_ACT_ERRNO)");
}
END_TEST

START_TEST(test_error_missing_file)
{
	struct policy *p = (struct policy *)1;
	bouncer_error_t err = {0};

	ck_assert_int_eq(policy_load_file("/nonexistent/p.json", &test_host, &p, &err), -ENOENT);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(err.msg, "/nonexistent/p.json: No such file or directory");
}
END_TEST

/* ---- warnings ---- */

START_TEST(test_warnings)
{
	struct policy *p =
	        parse_ok("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	                 " \"foo\": 1, \"defaultErrnoRet\": 5,\n"
	                 " \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
	                 "\"actoin\": "
	                 "\"x\", \"Comment\": \"\",\n"
	                 "   \"errnoRet\": 3, \"a.b\": [],\n"
	                 "   \"args\": [{\"index\": 0, \"op\": \"SCMP_CMP_EQ\", \"vaule\": 3}],\n"
	                 "   \"includes\": {\"capz\": []}}]}\n");

	ck_assert_uint_eq(p->n_warnings, 8);
	ck_assert_str_eq(p->warnings[0], "t.json:2:9: foo: unknown key \"foo\" (ignored)");
	ck_assert_str_eq(p->warnings[1], "t.json:2:31: defaultErrnoRet: defaultErrnoRet has no "
	                                 "effect with defaultAction SCMP_ACT_ALLOW");
	ck_assert_str_eq(p->warnings[2],
	                 "t.json:3:73: syscalls[0].actoin: unknown key \"actoin\" (ignored)");
	ck_assert_str_eq(p->warnings[3],
	                 "t.json:3:89: syscalls[0].Comment: unknown key \"Comment\" (ignored; keys "
	                 "are case-sensitive, did you mean \"comment\"?)");
	ck_assert_str_eq(p->warnings[4],
	                 "t.json:4:26: syscalls[0][\"a.b\"]: unknown key \"a.b\" (ignored)");
	ck_assert_str_eq(p->warnings[5], "t.json:4:16: syscalls[0].errnoRet: errnoRet has no "
	                                 "effect with SCMP_ACT_ALLOW");
	ck_assert_str_eq(p->warnings[6], "t.json:5:56: syscalls[0].args[0].vaule: unknown key "
	                                 "\"vaule\" (ignored)");
	ck_assert_str_eq(p->warnings[7], "t.json:6:25: syscalls[0].includes.capz: unknown key "
	                                 "\"capz\" (ignored)");
	/* Warnings change nothing that was understood. */
	ck_assert_uint_eq(p->rules[0].args[0].value, 0);
	ck_assert(p->rules[0].has_errno_ret);
	ck_assert_uint_eq(p->rules[0].errno_ret, 3);
	policy_free(p);
}
END_TEST

/* ---- shipped policies ---- */

static void assert_documented(const struct policy *p)
{
	size_t i;

	for (i = 0; i < p->n_rules; i++)
		ck_assert_msg(p->rules[i].comment != NULL && p->rules[i].comment[0] != '\0',
		              "%s: rule %zu has no comment", p->source, i);
	ck_assert_msg(json_is_string(json_object_get(p->root, "comment")),
	              "%s: no top-level comment", p->source);
}

/* The first rule with this name and no argument conditions, or NULL. */
static const struct policy_rule *plain_rule(const struct policy *p, const char *name)
{
	size_t i, k;

	for (i = 0; i < p->n_rules; i++)
		for (k = 0; k < p->rules[i].n_names; k++)
			if (strcmp(p->rules[i].names[k], name) == 0 && p->rules[i].n_args == 0)
				return &p->rules[i];
	return NULL;
}

START_TEST(test_embedded_default)
{
	/* What glibc 2.36's start-up, sh, ls, cat, tar and python3 call. */
	static const char *const needed[] = {
	        "execve",
	        "brk",
	        "arch_prctl",
	        "mmap",
	        "munmap",
	        "mprotect",
	        "access",
	        "openat",
	        "newfstatat",
	        "statx",
	        "close",
	        "read",
	        "write",
	        "pread64",
	        "set_tid_address",
	        "set_robust_list",
	        "rseq",
	        "prlimit64",
	        "getrandom",
	        "getdents64",
	        "ioctl",
	        "fcntl",
	        "exit_group",
	        "rt_sigaction",
	        "rt_sigprocmask",
	        "rt_sigreturn",
	        "wait4",
	        "getpid",
	        "getppid",
	        "getcwd",
	        "geteuid",
	        "getuid",
	        "sched_getaffinity",
	        "faccessat2",
	        "fadvise64",
	        "copy_file_range",
	        "close_range",
	        "pidfd_open",
	        "futex",
	        "lseek",
	        "dup2",
	        "pipe2",
	        "sysinfo",
	        "uname",
	        "fchown",
	        "fchmodat",
	        "utimensat",
	        "mkdirat",
	        "unlinkat",
	        "symlinkat",
	        "linkat",
	        "readlink",
	        "clock_nanosleep",
	        "epoll_wait",
	        "poll",
	        "socket",
	        "connect",
	        "sigaltstack",
	        "madvise",
	        "getxattr",
	};
	static const char *const denied[] = {
	        "mount",
	        "umount2",
	        "pivot_root",
	        "unshare",
	        "setns",
	        "bpf",
	        "perf_event_open",
	        "keyctl",
	        "add_key",
	        "request_key",
	        "ptrace",
	        "process_vm_readv",
	        "process_vm_writev",
	        "kexec_load",
	        "kexec_file_load",
	        "init_module",
	        "finit_module",
	        "delete_module",
	        "userfaultfd",
	        "io_uring_setup",
	        "io_uring_enter",
	        "io_uring_register",
	        "open_by_handle_at",
	        "name_to_handle_at",
	        "reboot",
	        "swapon",
	        "swapoff",
	        "acct",
	        "syslog",
	        "lookup_dcookie",
	        "quotactl",
	        "settimeofday",
	        "clock_settime",
	        "adjtimex",
	        "clock_adjtime",
	        "iopl",
	        "ioperm",
	        "fsopen",
	        "fsmount",
	        "fsconfig",
	        "fspick",
	        "move_mount",
	        "open_tree",
	        "mount_setattr",
	        "vhangup",
	        "nfsservctl",
	        "create_module",
	};
	struct policy *p = NULL;
	bouncer_error_t err = {0};
	const struct policy_rule *r;
	size_t i, clone_allow = 0, clone_deny = 0;

	ck_assert_int_eq(policy_load_default(&test_host, &p, &err), 0);
	ck_assert_str_eq(p->source, "<default>");
	ck_assert_uint_eq(p->n_warnings, 0);
	ck_assert_int_eq(p->default_action, POLICY_ACT_ERRNO);
	ck_assert(p->has_default_errno);
	ck_assert_uint_eq(p->default_errno, ENOSYS);
	ck_assert_uint_eq(p->n_arches, 1);
	ck_assert_uint_eq(p->arches[0].token, SCMP_ARCH_X86_64);
	ck_assert_uint_eq(p->arches[0].n_sub, 2);
	ck_assert_uint_eq(p->arches[0].sub[0], SCMP_ARCH_X86);
	ck_assert_uint_eq(p->arches[0].sub[1], SCMP_ARCH_X32);
	ck_assert(p->arches[0].active);
	assert_documented(p);

	for (i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		r = plain_rule(p, needed[i]);
		ck_assert_msg(r != NULL && r->action == POLICY_ACT_ALLOW && r->active,
		              "%s is not allowed", needed[i]);
	}
	for (i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
		r = plain_rule(p, denied[i]);
		ck_assert_msg(r != NULL && r->action == POLICY_ACT_ERRNO && r->errno_ret == EPERM,
		              "%s is not denied with EPERM", denied[i]);
	}
	r = plain_rule(p, "clone3");
	ck_assert(r != NULL && r->action == POLICY_ACT_ERRNO && r->errno_ret == ENOSYS);

	/* clone: allowed without namespace flags, EPERM with any of them. */
	ck_assert_ptr_null(plain_rule(p, "clone"));
	for (i = 0; i < p->n_rules; i++) {
		r = &p->rules[i];
		if (strcmp(r->names[0], "clone") != 0)
			continue;
		ck_assert_uint_eq(r->n_args, 1);
		ck_assert_int_eq(r->args[0].op, SCMP_CMP_MASKED_EQ);
		ck_assert_uint_eq(r->args[0].index, 0);
		if (r->action == POLICY_ACT_ALLOW) {
			ck_assert_uint_eq(r->args[0].value, 0x7E020000);
			ck_assert_uint_eq(r->args[0].value_two, 0);
			clone_allow++;
		} else {
			ck_assert_int_eq(r->action, POLICY_ACT_ERRNO);
			ck_assert_uint_eq(r->errno_ret, EPERM);
			/* One namespace bit each, tested set. */
			ck_assert_uint_eq(r->args[0].value & 0x7E020000, r->args[0].value);
			ck_assert_uint_eq(__builtin_popcountll(r->args[0].value), 1);
			ck_assert_uint_eq(r->args[0].value_two, r->args[0].value);
			clone_deny |= r->args[0].value;
		}
	}
	ck_assert_uint_eq(clone_allow, 1);
	ck_assert_uint_eq(clone_deny, 0x7E020000);
	policy_free(p);
}
END_TEST

/* The file on disk is what is compiled into the binary. */
START_TEST(test_embedded_default_matches_file)
{
	const char *root = getenv("BOUNCER_SOURCE_ROOT");
	char path[4096];
	char *text;
	long size;
	FILE *f;

	ck_assert_msg(root != NULL, "BOUNCER_SOURCE_ROOT is not set (run through meson test)");
	snprintf(path, sizeof(path), "%s/policies/default.json", root);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	text = malloc((size_t)size);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(fread(text, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	ck_assert_uint_eq(bouncer_default_policy_len, (size_t)size);
	ck_assert(memcmp(text, bouncer_default_policy, (size_t)size) == 0);
	free(text);
}
END_TEST

static const char *const shipped[] = {"default", "audit-all", "deny-network", "web-server"};

START_TEST(test_shipped_policy)
{
	const char *root = getenv("BOUNCER_SOURCE_ROOT");
	struct policy *p = NULL;
	bouncer_error_t err = {0};
	char path[4096];
	size_t i;

	ck_assert_msg(root != NULL, "BOUNCER_SOURCE_ROOT is not set (run through meson test)");
	snprintf(path, sizeof(path), "%s/policies/%s.json", root, shipped[_i]);
	ck_assert_msg(policy_load_file(path, &test_host, &p, &err) == 0, "%s", err.msg);
	for (i = 0; i < p->n_warnings; i++)
		ck_assert_msg(0, "warning: %s", p->warnings[i]);
	assert_documented(p);
	for (i = 0; i < p->n_rules; i++)
		ck_assert(p->rules[i].active);
	policy_free(p);
}
END_TEST

START_TEST(test_deny_network_content)
{
	static const unsigned families[] = {2, 10, 17}; /* AF_INET, AF_INET6, AF_PACKET */
	const char *root = getenv("BOUNCER_SOURCE_ROOT");
	struct policy *p = NULL;
	bouncer_error_t err = {0};
	char path[4096];
	size_t i, found = 0;

	ck_assert_ptr_nonnull(root);
	snprintf(path, sizeof(path), "%s/policies/deny-network.json", root);
	ck_assert_int_eq(policy_load_file(path, &test_host, &p, &err), 0);
	ck_assert_int_eq(p->default_action, POLICY_ACT_ALLOW);
	for (i = 0; i < p->n_rules; i++) {
		const struct policy_rule *r = &p->rules[i];

		if (strcmp(r->names[0], "socket") != 0)
			continue;
		ck_assert_int_eq(r->action, POLICY_ACT_ERRNO);
		ck_assert_uint_eq(r->errno_ret, EACCES);
		ck_assert_uint_eq(r->n_args, 1);
		ck_assert_int_eq(r->args[0].op, SCMP_CMP_MASKED_EQ);
		ck_assert_uint_eq(r->args[0].value, 0xFFFFFFFF);
		ck_assert_uint_eq(r->args[0].value_two, families[found]);
		found++;
	}
	ck_assert_uint_eq(found, 3);
	policy_free(p);
}
END_TEST

static Suite *policy_parse_suite(void)
{
	Suite *s = suite_create("policy_parse");
	TCase *fields = tcase_create("fields");
	TCase *filters_tc = tcase_create("includes_excludes");
	TCase *errors = tcase_create("errors");
	TCase *policies = tcase_create("shipped");

	tcase_add_test(fields, test_full_profile);
	tcase_add_test(fields, test_minimal_profile);
	tcase_add_test(fields, test_arch_map);
	tcase_add_loop_test(fields, test_every_action, 0, sizeof(actions) / sizeof(actions[0]));
	tcase_add_loop_test(fields, test_every_op, 0, sizeof(ops) / sizeof(ops[0]));
	tcase_add_test(fields, test_huge_values);
	tcase_add_test(fields, test_warnings);
	suite_add_tcase(s, fields);

	tcase_add_test(filters_tc, test_includes_excludes);
	tcase_add_test(filters_tc, test_includes_excludes_other_host);
	tcase_add_test(filters_tc, test_host_detect);
	tcase_add_test(filters_tc, test_cap_names);
	suite_add_tcase(s, filters_tc);

	tcase_add_test(errors, test_error_malformed_json);
	tcase_add_test(errors, test_error_wrong_types);
	tcase_add_test(errors, test_error_unknown_names);
	tcase_add_test(errors, test_min_kernel_with_patch);
	tcase_add_test(errors, test_error_numbers);
	tcase_add_test(errors, test_error_structure);
	tcase_add_test(errors, test_error_missing_file);
	suite_add_tcase(s, errors);

	tcase_add_test(policies, test_embedded_default);
	tcase_add_test(policies, test_embedded_default_matches_file);
	tcase_add_loop_test(policies, test_shipped_policy, 0, sizeof(shipped) / sizeof(shipped[0]));
	tcase_add_test(policies, test_deny_network_content);
	suite_add_tcase(s, policies);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(policy_parse_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
