/* SPDX-License-Identifier: MIT */
/*
 * decide(): for every profile action, in enforce and in audit mode, the exact reply to the
 * kernel, whether the process is killed, and what is recorded (docs/decision-log.md,
 * SPEC-RUN "Kernel/supervisor split").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "decide.h"

#define DEFAULT_ERRNO 38 /* a profile's defaultErrnoRet; deliberately not EPERM */

struct expectation {
	enum policy_action action;
	bool audit;
	uint32_t flags;
	int32_t error;
	bool kill;
	bool record;
	enum record_action record_action;
	int errno_value;
	enum record_would would;
	int would_errno;
};

#define CONT SECCOMP_USER_NOTIF_FLAG_CONTINUE

/* errno_value of ERRNO verdicts in these tests. */
#define RULE_ERRNO EACCES

static const struct expectation table[] = {
        /* action, audit, flags, error, kill, record, action, errno, would, would_errno */
        {POLICY_ACT_ALLOW, false, CONT, 0, false, false, RECORD_ALLOW, 0, RECORD_WOULD_NONE, 0},
        {POLICY_ACT_ALLOW, true, CONT, 0, false, false, RECORD_ALLOW, 0, RECORD_WOULD_NONE, 0},
        {POLICY_ACT_LOG, false, CONT, 0, false, true, RECORD_LOG, 0, RECORD_WOULD_NONE, 0},
        {POLICY_ACT_LOG, true, CONT, 0, false, true, RECORD_LOG, 0, RECORD_WOULD_NONE, 0},
        {POLICY_ACT_ERRNO, false, 0, -RULE_ERRNO, false, true, RECORD_DENY, RULE_ERRNO,
         RECORD_WOULD_NONE, 0},
        {POLICY_ACT_ERRNO, true, CONT, 0, false, true, RECORD_ALLOW, 0, RECORD_WOULD_DENY,
         RULE_ERRNO},
        {POLICY_ACT_NOTIFY, false, 0, -DEFAULT_ERRNO, false, true, RECORD_DENY, DEFAULT_ERRNO,
         RECORD_WOULD_NONE, 0},
        {POLICY_ACT_NOTIFY, true, CONT, 0, false, true, RECORD_ALLOW, 0, RECORD_WOULD_DENY,
         DEFAULT_ERRNO},
        /* The reply after SIGKILL only releases the dying thread; it must not be CONTINUE. */
        {POLICY_ACT_KILL_PROCESS, false, 0, -ENOSYS, true, true, RECORD_KILL, 0, RECORD_WOULD_NONE,
         0},
        {POLICY_ACT_KILL_PROCESS, true, CONT, 0, false, true, RECORD_ALLOW, 0, RECORD_WOULD_KILL,
         0},
        {POLICY_ACT_TRAP, false, 0, -ENOSYS, false, true, RECORD_DENY, ENOSYS, RECORD_WOULD_NONE,
         0},
        {POLICY_ACT_TRAP, true, CONT, 0, false, true, RECORD_ALLOW, 0, RECORD_WOULD_TRAP, 0},
        {POLICY_ACT_KILL_THREAD, false, 0, -ENOSYS, false, true, RECORD_DENY, ENOSYS,
         RECORD_WOULD_NONE, 0},
        {POLICY_ACT_KILL_THREAD, true, CONT, 0, false, true, RECORD_ALLOW, 0,
         RECORD_WOULD_KILL_THREAD, 0},
        {POLICY_ACT_TRACE, false, 0, -ENOSYS, false, true, RECORD_DENY, ENOSYS, RECORD_WOULD_NONE,
         0},
        {POLICY_ACT_TRACE, true, CONT, 0, false, true, RECORD_ALLOW, 0, RECORD_WOULD_TRACE, 0},
};

#define N_CASES (sizeof(table) / sizeof(table[0]))

/* Each case is a loop iteration of its own, so a failure names the action and mode. */
START_TEST(test_action_by_mode)
{
	const struct expectation *x = &table[_i];
	struct policy_verdict v;
	struct decision d;

	memset(&v, 0, sizeof(v));
	v.action = x->action;
	v.errno_value = x->action == POLICY_ACT_ERRNO ? RULE_ERRNO : 99;
	v.rule = NULL;
	/* Garbage in the output must not survive: decide() sets every field. */
	memset(&d, 0x5a, sizeof(d));
	decide(&v, x->audit, DEFAULT_ERRNO, &d);

	ck_assert_msg(d.flags == x->flags, "case %d: flags %u", _i, d.flags);
	ck_assert_msg(d.error == x->error, "case %d: error %d", _i, d.error);
	ck_assert_msg(d.val == 0, "case %d: val %lld", _i, (long long)d.val);
	ck_assert_msg(d.kill == x->kill, "case %d: kill %d", _i, d.kill);
	ck_assert_msg(d.record == x->record, "case %d: record %d", _i, d.record);
	ck_assert_msg(d.action == x->record_action, "case %d: action %d", _i, d.action);
	ck_assert_msg(d.errno_value == x->errno_value, "case %d: errno %d", _i, d.errno_value);
	ck_assert_msg(d.would == x->would, "case %d: would %d", _i, d.would);
	ck_assert_msg(d.would_errno == x->would_errno, "case %d: would_errno %d", _i,
	              d.would_errno);
}
END_TEST

/* The table covers every action of the model, in both modes. */
START_TEST(test_table_covers_every_action)
{
	static const enum policy_action all[] = {
	        POLICY_ACT_KILL_PROCESS, POLICY_ACT_KILL_THREAD, POLICY_ACT_TRAP,
	        POLICY_ACT_ERRNO,        POLICY_ACT_TRACE,       POLICY_ACT_LOG,
	        POLICY_ACT_ALLOW,        POLICY_ACT_NOTIFY,
	};

	for (size_t a = 0; a < sizeof(all) / sizeof(all[0]); a++) {
		int enforce = 0, audit = 0;

		for (size_t i = 0; i < N_CASES; i++)
			if (table[i].action == all[a]) {
				enforce += !table[i].audit;
				audit += table[i].audit;
			}
		ck_assert_msg(enforce == 1 && audit == 1, "action %d: %d enforce, %d audit cases",
		              (int)all[a], enforce, audit);
	}
}
END_TEST

/* Safety invariants that hold whatever the table says. */
START_TEST(test_invariants)
{
	for (size_t i = 0; i < N_CASES; i++) {
		struct policy_verdict v = {.action = table[i].action, .errno_value = EPERM};
		struct decision d;

		decide(&v, table[i].audit, DEFAULT_ERRNO, &d);
		/* CONTINUE replies carry neither error nor value (the kernel rejects them). */
		if (d.flags & SECCOMP_USER_NOTIF_FLAG_CONTINUE)
			ck_assert(d.error == 0 && d.val == 0);
		else
			ck_assert_int_lt(d.error, 0);
		/* A denial is recorded as deny with the errno the caller gets. */
		if (d.action == RECORD_DENY)
			ck_assert_int_eq(d.error, -d.errno_value);
		/* Audit mode never denies, never kills, and says what enforce would have done. */
		if (table[i].audit) {
			ck_assert(d.flags & SECCOMP_USER_NOTIF_FLAG_CONTINUE);
			ck_assert(!d.kill);
			ck_assert(d.action == RECORD_ALLOW || d.action == RECORD_LOG);
		} else {
			ck_assert_int_eq(d.would, RECORD_WOULD_NONE);
		}
	}
}
END_TEST

/* ERRNO uses the verdict's errno, not the default; NOTIFY the default, not the verdict's. */
START_TEST(test_errno_sources)
{
	struct policy_verdict v = {.action = POLICY_ACT_ERRNO, .errno_value = 0};
	struct decision d;

	/* errnoRet 0 is a legal profile value (Docker uses it for "fake success"). */
	decide(&v, false, DEFAULT_ERRNO, &d);
	ck_assert_int_eq(d.error, 0);
	ck_assert_uint_eq(d.flags, 0);
	ck_assert_int_eq(d.action, RECORD_DENY);
	ck_assert_int_eq(d.errno_value, 0);

	v.errno_value = ENOENT;
	decide(&v, false, EPERM, &d);
	ck_assert_int_eq(d.error, -ENOENT);
	ck_assert_int_eq(d.errno_value, ENOENT);

	v.action = POLICY_ACT_NOTIFY;
	decide(&v, false, EPERM, &d);
	ck_assert_int_eq(d.error, -EPERM);
	ck_assert_int_eq(d.errno_value, EPERM);
	decide(&v, true, EACCES, &d);
	ck_assert_int_eq(d.would_errno, EACCES);
}
END_TEST

static Suite *decide_suite(void)
{
	Suite *s = suite_create("decide");
	TCase *tc = tcase_create("decide");

	tcase_add_loop_test(tc, test_action_by_mode, 0, (int)N_CASES);
	tcase_add_test(tc, test_table_covers_every_action);
	tcase_add_test(tc, test_invariants);
	tcase_add_test(tc, test_errno_sources);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(decide_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
