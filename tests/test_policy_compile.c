/* SPDX-License-Identifier: MIT */
/*
 * policy_compile + policy_evaluate + policy_route_of on policies built by hand: the verdict
 * (action, errno, deciding rule) is the profile's, as libseccomp/runc would give it, and each
 * syscall is decided where the design says (kernel, supervisor, or depending on arguments).
 */
#include <check.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>

#include <linux/audit.h>

#include "policy_builder.h"
#include "policy_compile.h"

#define X32_BIT 0x40000000u

static const struct compile_options enforce = {.route_exec = false};

static struct compiled_policy *compile_ok(const struct policy *p, const struct compile_options *o)
{
	struct compiled_policy *c = NULL;
	bouncer_error_t err = {0};
	int rc = policy_compile(p, o, &c, &err);

	ck_assert_msg(rc == 0, "policy_compile: %d %s", rc, err.msg);
	ck_assert_ptr_nonnull(c);
	return c;
}

static struct policy_verdict eval(const struct compiled_policy *c, uint32_t arch, int nr,
                                  uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct seccomp_data d = {.nr = nr, .arch = arch};
	struct policy_verdict v;

	d.args[0] = a0;
	d.args[1] = a1;
	d.args[2] = a2;
	memset(&v, 0xa5, sizeof(v));
	policy_evaluate(c, &d, &v);
	return v;
}

/* Asserts the verdict; rule < 0 means the default action (rule == NULL). */
#define ASSERT_VERDICT(v, act, err_nr, rule_index)                                                 \
	do {                                                                                       \
		struct policy_verdict v_ = (v);                                                    \
		ck_assert_int_eq(v_.action, (act));                                                \
		if ((act) == POLICY_ACT_ERRNO || (act) == POLICY_ACT_TRACE)                        \
			ck_assert_uint_eq(v_.errno_value, (uint32_t)(err_nr));                     \
		if ((rule_index) < 0)                                                              \
			ck_assert_ptr_null(v_.rule);                                               \
		else {                                                                             \
			ck_assert_ptr_nonnull(v_.rule);                                            \
			ck_assert_uint_eq(v_.rule->index, (size_t)(rule_index));                   \
		}                                                                                  \
	} while (0)

#define X86_64 AUDIT_ARCH_X86_64

START_TEST(test_plain_errno_rule)
{
	struct policy *p = pb_new(POLICY_ACT_ALLOW, -1);
	struct compiled_policy *c;

	pb_rule(p, POLICY_ACT_ERRNO, EACCES, "unshare setns");
	pb_rule(p, POLICY_ACT_ERRNO, -1, "mount");
	c = compile_ok(p, &enforce);
	ASSERT_VERDICT(eval(c, X86_64, __NR_unshare, CLONE_NEWUSER, 0, 0), POLICY_ACT_ERRNO, EACCES,
	               0);
	ASSERT_VERDICT(eval(c, X86_64, __NR_setns, 0, 0, 0), POLICY_ACT_ERRNO, EACCES, 0);
	/* No errnoRet: EPERM, as runc. */
	ASSERT_VERDICT(eval(c, X86_64, __NR_mount, 0, 0, 0), POLICY_ACT_ERRNO, EPERM, 1);
	ASSERT_VERDICT(eval(c, X86_64, __NR_read, 0, 0, 0), POLICY_ACT_ALLOW, 0, -1);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_unshare), ROUTE_SUPERVISOR);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_read), ROUTE_KERNEL_ALLOW);
	compiled_policy_free(c);
	pb_free(p);
}
END_TEST

/* The seven operators; values above 32 bits compare on all 64 bits on x86_64. */
START_TEST(test_all_operators)
{
	struct policy *p = pb_new(POLICY_ACT_ALLOW, -1);
	struct compiled_policy *c;

	pb_arg(pb_rule(p, POLICY_ACT_ERRNO, 1, "dup"), 0, SCMP_CMP_NE, 5, 0);
	pb_arg(pb_rule(p, POLICY_ACT_ERRNO, 2, "dup2"), 1, SCMP_CMP_LT, 0x100000000ull, 0);
	pb_arg(pb_rule(p, POLICY_ACT_ERRNO, 3, "dup3"), 2, SCMP_CMP_LE, 7, 0);
	pb_arg(pb_rule(p, POLICY_ACT_ERRNO, 4, "close"), 0, SCMP_CMP_EQ, 0x100000003ull, 0);
	pb_arg(pb_rule(p, POLICY_ACT_ERRNO, 5, "fsync"), 0, SCMP_CMP_GE, 10, 0);
	pb_arg(pb_rule(p, POLICY_ACT_ERRNO, 6, "fdatasync"), 0, SCMP_CMP_GT, 0xffffffffull, 0);
	/* Docker's clone rule: allowed unless a namespace flag is set (value = mask). */
	pb_arg(pb_rule(p, POLICY_ACT_ERRNO, 7, "clone"), 0, SCMP_CMP_MASKED_EQ,
	       CLONE_NEWUSER | CLONE_NEWNET, CLONE_NEWUSER);
	c = compile_ok(p, &enforce);

	ASSERT_VERDICT(eval(c, X86_64, __NR_dup, 4, 0, 0), POLICY_ACT_ERRNO, 1, 0);
	ASSERT_VERDICT(eval(c, X86_64, __NR_dup, 5, 0, 0), POLICY_ACT_ALLOW, 0, -1);
	ASSERT_VERDICT(eval(c, X86_64, __NR_dup2, 0, 0xffffffffull, 0), POLICY_ACT_ERRNO, 2, 1);
	ASSERT_VERDICT(eval(c, X86_64, __NR_dup2, 0, 0x100000000ull, 0), POLICY_ACT_ALLOW, 0, -1);
	ASSERT_VERDICT(eval(c, X86_64, __NR_dup3, 0, 0, 7), POLICY_ACT_ERRNO, 3, 2);
	ASSERT_VERDICT(eval(c, X86_64, __NR_dup3, 0, 0, 8), POLICY_ACT_ALLOW, 0, -1);
	ASSERT_VERDICT(eval(c, X86_64, __NR_close, 0x100000003ull, 0, 0), POLICY_ACT_ERRNO, 4, 3);
	ASSERT_VERDICT(eval(c, X86_64, __NR_close, 3, 0, 0), POLICY_ACT_ALLOW, 0, -1);
	ASSERT_VERDICT(eval(c, X86_64, __NR_fsync, 10, 0, 0), POLICY_ACT_ERRNO, 5, 4);
	ASSERT_VERDICT(eval(c, X86_64, __NR_fsync, 9, 0, 0), POLICY_ACT_ALLOW, 0, -1);
	ASSERT_VERDICT(eval(c, X86_64, __NR_fdatasync, 0x100000000ull, 0, 0), POLICY_ACT_ERRNO, 6,
	               5);
	ASSERT_VERDICT(eval(c, X86_64, __NR_fdatasync, 0xffffffffull, 0, 0), POLICY_ACT_ALLOW, 0,
	               -1);
	ASSERT_VERDICT(eval(c, X86_64, __NR_clone, CLONE_NEWUSER | SIGCHLD, 0, 0), POLICY_ACT_ERRNO,
	               7, 6);
	ASSERT_VERDICT(eval(c, X86_64, __NR_clone, CLONE_NEWUSER | CLONE_NEWNET, 0, 0),
	               POLICY_ACT_ALLOW, 0, -1);
	ASSERT_VERDICT(eval(c, X86_64, __NR_clone, SIGCHLD, 0, 0), POLICY_ACT_ALLOW, 0, -1);
	/* Each of these depends on its argument: some calls are denied in the supervisor. */
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_clone), ROUTE_MIXED);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_fdatasync), ROUTE_MIXED);
	compiled_policy_free(c);
	pb_free(p);
}
END_TEST

/* runc: args sharing an index are ORed (one rule each); distinct indexes are ANDed. */
START_TEST(test_runc_same_index_or)
{
	struct policy *p = pb_new(POLICY_ACT_ALLOW, -1);
	struct policy_rule *r;
	struct compiled_policy *c;

	r = pb_rule(p, POLICY_ACT_ERRNO, EAFNOSUPPORT, "socket");
	pb_arg(r, 0, SCMP_CMP_EQ, AF_INET6, 0);
	pb_arg(r, 0, SCMP_CMP_EQ, AF_PACKET, 0);
	r = pb_rule(p, POLICY_ACT_ERRNO, EACCES, "socketpair");
	pb_arg(r, 0, SCMP_CMP_EQ, AF_UNIX, 0);
	pb_arg(r, 1, SCMP_CMP_EQ, SOCK_DGRAM, 0);
	c = compile_ok(p, &enforce);
	ASSERT_VERDICT(eval(c, X86_64, __NR_socket, AF_INET6, SOCK_STREAM, 0), POLICY_ACT_ERRNO,
	               EAFNOSUPPORT, 0);
	ASSERT_VERDICT(eval(c, X86_64, __NR_socket, AF_PACKET, SOCK_RAW, 0), POLICY_ACT_ERRNO,
	               EAFNOSUPPORT, 0);
	ASSERT_VERDICT(eval(c, X86_64, __NR_socket, AF_INET, SOCK_STREAM, 0), POLICY_ACT_ALLOW, 0,
	               -1);
	ASSERT_VERDICT(eval(c, X86_64, __NR_socketpair, AF_UNIX, SOCK_DGRAM, 0), POLICY_ACT_ERRNO,
	               EACCES, 1);
	ASSERT_VERDICT(eval(c, X86_64, __NR_socketpair, AF_UNIX, SOCK_STREAM, 0), POLICY_ACT_ALLOW,
	               0, -1);
	ASSERT_VERDICT(eval(c, X86_64, __NR_socketpair, AF_INET, SOCK_DGRAM, 0), POLICY_ACT_ALLOW,
	               0, -1);
	compiled_policy_free(c);
	pb_free(p);
}
END_TEST

START_TEST(test_default_action)
{
	struct policy *p = pb_new(POLICY_ACT_ERRNO, ENOSYS);
	struct compiled_policy *c;

	pb_rule(p, POLICY_ACT_ALLOW, -1, "read write");
	/* Same action as the default: runc skips it; the default decides. */
	pb_rule(p, POLICY_ACT_ERRNO, ENOSYS, "getpid");
	/* Inactive (includes/excludes): not in the programs. */
	pb_rule(p, POLICY_ACT_ALLOW, -1, "getppid")->active = false;
	c = compile_ok(p, &enforce);
	ASSERT_VERDICT(eval(c, X86_64, __NR_read, 0, 0, 0), POLICY_ACT_ALLOW, 0, 0);
	ASSERT_VERDICT(eval(c, X86_64, __NR_getpid, 0, 0, 0), POLICY_ACT_ERRNO, ENOSYS, -1);
	ASSERT_VERDICT(eval(c, X86_64, __NR_getppid, 0, 0, 0), POLICY_ACT_ERRNO, ENOSYS, -1);
	ASSERT_VERDICT(eval(c, X86_64, __NR_uname, 0, 0, 0), POLICY_ACT_ERRNO, ENOSYS, -1);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_uname), ROUTE_SUPERVISOR);
	compiled_policy_free(c);
	pb_free(p);

	p = pb_new(POLICY_ACT_KILL_PROCESS, -1);
	pb_rule(p, POLICY_ACT_ALLOW, -1, "read");
	c = compile_ok(p, &enforce);
	ASSERT_VERDICT(eval(c, X86_64, __NR_uname, 0, 0, 0), POLICY_ACT_KILL_PROCESS, 0, -1);
	compiled_policy_free(c);
	pb_free(p);
}
END_TEST

/* SCMP_ACT_NOTIFY as defaultAction (runc refuses it; libseccomp and bouncer accept it). */
START_TEST(test_notify_default)
{
	struct policy *p = pb_new(POLICY_ACT_NOTIFY, -1);
	struct compiled_policy *c;

	pb_rule(p, POLICY_ACT_ALLOW, -1, "read");
	c = compile_ok(p, &enforce);
	ASSERT_VERDICT(eval(c, X86_64, __NR_uname, 0, 0, 0), POLICY_ACT_NOTIFY, 0, -1);
	ASSERT_VERDICT(eval(c, X86_64, __NR_read, 0, 0, 0), POLICY_ACT_ALLOW, 0, 0);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_uname), ROUTE_SUPERVISOR);
	compiled_policy_free(c);
	pb_free(p);
}
END_TEST

/* libseccomp: when an unconditional and a conditional rule overlap, the unconditional wins. */
START_TEST(test_unconditional_beats_conditional)
{
	struct policy *p = pb_new(POLICY_ACT_ERRNO, -1);
	struct compiled_policy *c;

	pb_arg(pb_rule(p, POLICY_ACT_ALLOW, -1, "ioctl"), 1, SCMP_CMP_EQ, 0x5401, 0);
	pb_rule(p, POLICY_ACT_ERRNO, ENOTTY, "ioctl");
	c = compile_ok(p, &enforce);
	ASSERT_VERDICT(eval(c, X86_64, __NR_ioctl, 0, 0x5401, 0), POLICY_ACT_ERRNO, ENOTTY, 1);
	ASSERT_VERDICT(eval(c, X86_64, __NR_ioctl, 0, 0x5402, 0), POLICY_ACT_ERRNO, ENOTTY, 1);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_ioctl), ROUTE_SUPERVISOR);
	compiled_policy_free(c);
	pb_free(p);
}
END_TEST

static struct policy *routing_policy(void)
{
	struct policy *p = pb_new(POLICY_ACT_ALLOW, -1);

	pb_rule(p, POLICY_ACT_ERRNO, -1, "unshare");      /* 0 */
	pb_rule(p, POLICY_ACT_TRAP, -1, "ptrace");        /* 1 */
	pb_rule(p, POLICY_ACT_KILL_THREAD, -1, "kcmp");   /* 2 */
	pb_rule(p, POLICY_ACT_KILL_PROCESS, -1, "mount"); /* 3 */
	pb_rule(p, POLICY_ACT_LOG, -1, "personality");    /* 4 */
	pb_rule(p, POLICY_ACT_TRACE, 9, "syslog");        /* 5 */
	pb_rule(p, POLICY_ACT_NOTIFY, -1, "bpf");         /* 6 */
	return p;
}

static uint32_t kernel_ret(const struct compiled_policy *c, int nr)
{
	struct seccomp_data d = {.nr = nr, .arch = AUDIT_ARCH_X86_64};

	return bpf_eval(compiled_policy_kernel_prog(c), &d);
}

START_TEST(test_routes_enforce_fast_deny_audit)
{
	struct policy *p = routing_policy();
	struct compile_options fast = {.fast_deny = true};
	struct compile_options audit = {.audit = true, .fast_deny = true};
	struct compiled_policy *c;

	c = compile_ok(p, &enforce);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_unshare), ROUTE_SUPERVISOR);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_ptrace), ROUTE_KERNEL);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_kcmp), ROUTE_KERNEL);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_mount), ROUTE_SUPERVISOR);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_personality), ROUTE_SUPERVISOR);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_syslog), ROUTE_KERNEL);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_bpf), ROUTE_SUPERVISOR);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_read), ROUTE_KERNEL_ALLOW);
	ck_assert_uint_eq(kernel_ret(c, __NR_ptrace), SECCOMP_RET_TRAP);
	ck_assert_uint_eq(kernel_ret(c, __NR_syslog), SECCOMP_RET_TRACE | 9);
	ck_assert_uint_eq(kernel_ret(c, __NR_unshare), SECCOMP_RET_USER_NOTIF);
	/* The shadow keeps the profile's actions. */
	ASSERT_VERDICT(eval(c, X86_64, __NR_syslog, 0, 0, 0), POLICY_ACT_TRACE, 9, 5);
	ASSERT_VERDICT(eval(c, X86_64, __NR_personality, 0, 0, 0), POLICY_ACT_LOG, 0, 4);
	ASSERT_VERDICT(eval(c, X86_64, __NR_bpf, 0, 0, 0), POLICY_ACT_NOTIFY, 0, 6);
	ASSERT_VERDICT(eval(c, X86_64, __NR_mount, 0, 0, 0), POLICY_ACT_KILL_PROCESS, 0, 3);
	compiled_policy_free(c);

	c = compile_ok(p, &fast);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_unshare), ROUTE_KERNEL);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_mount), ROUTE_KERNEL);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_personality), ROUTE_SUPERVISOR);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_ptrace), ROUTE_KERNEL);
	ck_assert_uint_eq(kernel_ret(c, __NR_unshare), SECCOMP_RET_ERRNO | EPERM);
	ck_assert_uint_eq(kernel_ret(c, __NR_mount), SECCOMP_RET_KILL_PROCESS);
	compiled_policy_free(c);

	/* Audit: every non-allow goes to the supervisor, fast_deny is ignored. */
	c = compile_ok(p, &audit);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_unshare), ROUTE_SUPERVISOR);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_ptrace), ROUTE_SUPERVISOR);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_kcmp), ROUTE_SUPERVISOR);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_syslog), ROUTE_SUPERVISOR);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_mount), ROUTE_SUPERVISOR);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_read), ROUTE_KERNEL_ALLOW);
	ASSERT_VERDICT(eval(c, X86_64, __NR_ptrace, 0, 0, 0), POLICY_ACT_TRAP, 0, 1);
	compiled_policy_free(c);
	pb_free(p);

	/* Audit routes the default action too. */
	p = pb_new(POLICY_ACT_TRAP, -1);
	pb_rule(p, POLICY_ACT_ALLOW, -1, "read");
	c = compile_ok(p, &audit);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_uname), ROUTE_SUPERVISOR);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_read), ROUTE_KERNEL_ALLOW);
	compiled_policy_free(c);
	c = compile_ok(p, &enforce);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_uname), ROUTE_KERNEL);
	compiled_policy_free(c);
	pb_free(p);
}
END_TEST

START_TEST(test_route_exec)
{
	struct compile_options exec = {.route_exec = true};
	struct policy *p = pb_new(POLICY_ACT_ALLOW, -1);
	struct compiled_policy *c;

	pb_rule(p, POLICY_ACT_ERRNO, -1, "unshare");
	c = compile_ok(p, &exec);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_execve), ROUTE_SUPERVISOR);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_execveat), ROUTE_SUPERVISOR);
	/* The profile allows it: the supervisor answers CONTINUE. */
	ASSERT_VERDICT(eval(c, X86_64, __NR_execve, 0, 0, 0), POLICY_ACT_ALLOW, 0, -1);
	compiled_policy_free(c);
	c = compile_ok(p, &enforce);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_execve), ROUTE_KERNEL_ALLOW);
	compiled_policy_free(c);
	pb_free(p);

	/* An allow-list that allows execve by a rule. */
	p = pb_new(POLICY_ACT_ERRNO, -1);
	pb_rule(p, POLICY_ACT_ALLOW, -1, "read execve");
	c = compile_ok(p, &exec);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_execve), ROUTE_SUPERVISOR);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_read), ROUTE_KERNEL_ALLOW);
	ASSERT_VERDICT(eval(c, X86_64, __NR_execve, 0, 0, 0), POLICY_ACT_ALLOW, 0, 0);
	compiled_policy_free(c);
	pb_free(p);
}
END_TEST

/* An ALLOW with conditions next to a routed rule of the same syscall is routed too. */
START_TEST(test_mixed_allow_errno_routed)
{
	struct policy *p = pb_new(POLICY_ACT_ERRNO, -1);
	struct compiled_policy *c;
	struct seccomp_data d = {.nr = __NR_socket, .arch = AUDIT_ARCH_X86_64};

	pb_arg(pb_rule(p, POLICY_ACT_ALLOW, -1, "socket"), 0, SCMP_CMP_EQ, AF_UNIX, 0);
	c = compile_ok(p, &enforce);
	/* Alone, the allow stays in the kernel and the rest goes to the supervisor. */
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_socket), ROUTE_MIXED);
	d.args[0] = AF_UNIX;
	ck_assert_uint_eq(bpf_eval(compiled_policy_kernel_prog(c), &d), SECCOMP_RET_ALLOW);
	compiled_policy_free(c);

	pb_arg(pb_rule(p, POLICY_ACT_ERRNO, EACCES, "socket"), 1, SCMP_CMP_EQ, SOCK_RAW, 0);
	c = compile_ok(p, &enforce);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, __NR_socket), ROUTE_SUPERVISOR);
	ck_assert_uint_eq(bpf_eval(compiled_policy_kernel_prog(c), &d), SECCOMP_RET_USER_NOTIF);
	ASSERT_VERDICT(eval(c, X86_64, __NR_socket, AF_UNIX, SOCK_STREAM, 0), POLICY_ACT_ALLOW, 0,
	               0);
	ASSERT_VERDICT(eval(c, X86_64, __NR_socket, AF_INET, SOCK_RAW, 0), POLICY_ACT_ERRNO, EACCES,
	               1);
	ASSERT_VERDICT(eval(c, X86_64, __NR_socket, AF_INET, SOCK_STREAM, 0), POLICY_ACT_ERRNO,
	               EPERM, -1);
	/* Both hold: the shadow decides which wins; the attribution follows the shadow. */
	{
		struct policy_verdict v = eval(c, X86_64, __NR_socket, AF_UNIX, SOCK_RAW, 0);

		ck_assert_ptr_nonnull(v.rule);
		ck_assert(v.action == POLICY_ACT_ALLOW
		                  ? v.rule->index == 0
		                  : v.rule->index == 1 && v.errno_value == EACCES);
	}
	compiled_policy_free(c);
	pb_free(p);
}
END_TEST

START_TEST(test_unknown_names_warn)
{
	struct policy *p = pb_new(POLICY_ACT_ALLOW, -1);
	struct compiled_policy *c;
	const char *const *warnings;
	size_t n;

	pb_arch(p, SCMP_ARCH_X86_64);
	pb_arch(p, SCMP_ARCH_X86);
	pb_arch(p, SCMP_ARCH_X32);
	/* tuxcall: x86_64 and x32 only; nosuchcall: nowhere; socket: multiplexed on x86. */
	pb_rule(p, POLICY_ACT_ERRNO, -1, "tuxcall nosuchcall unshare socket");
	c = compile_ok(p, &enforce);
	n = compiled_policy_warnings(c, &warnings);
	ck_assert_uint_eq(n, 2);
	/* A name no arch knows is its own warning; names some arches lack are one per arch. */
	ck_assert_str_eq(warnings[0], "test.json: syscalls[0]: unknown syscall \"nosuchcall\" on "
	                              "every architecture of the policy (skipped)");
	ck_assert_str_eq(warnings[1],
	                 "test.json: 1 name is not known on SCMP_ARCH_X86, skipped there: tuxcall");
	ASSERT_VERDICT(eval(c, X86_64, __NR_tuxcall, 0, 0, 0), POLICY_ACT_ERRNO, EPERM, 0);
	ASSERT_VERDICT(eval(c, X86_64, __NR_unshare, 0, 0, 0), POLICY_ACT_ERRNO, EPERM, 0);
	/* i386's direct socket syscall (359) is filtered and attributed. */
	ASSERT_VERDICT(eval(c, AUDIT_ARCH_I386, 359, 0, 0, 0), POLICY_ACT_ERRNO, EPERM, 0);
	compiled_policy_free(c);
	pb_free(p);
}
END_TEST

/* x86_64, x32 and i386 calls are told apart by arch and the x32 bit. */
START_TEST(test_x32_and_i386)
{
	struct policy *p = pb_new(POLICY_ACT_ALLOW, -1);
	struct compiled_policy *c;
	int unshare_i386 = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, "unshare");
	int kcmp_i386 = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, "kcmp");

	ck_assert_int_eq(unshare_i386, 310);
	pb_arch(p, SCMP_ARCH_X86_64);
	pb_arch(p, SCMP_ARCH_X86);
	pb_arch(p, SCMP_ARCH_X32);
	pb_rule(p, POLICY_ACT_ERRNO, EACCES, "unshare");
	/* 32-bit arches compare the low 32 bits only (libseccomp). */
	pb_arg(pb_rule(p, POLICY_ACT_ERRNO, EINVAL, "kcmp"), 0, SCMP_CMP_EQ, 0x100000001ull, 0);
	c = compile_ok(p, &enforce);
	ASSERT_VERDICT(eval(c, X86_64, __NR_unshare, 0, 0, 0), POLICY_ACT_ERRNO, EACCES, 0);
	ASSERT_VERDICT(eval(c, AUDIT_ARCH_I386, unshare_i386, 0, 0, 0), POLICY_ACT_ERRNO, EACCES,
	               0);
	ASSERT_VERDICT(eval(c, X86_64, (int)(__NR_unshare | X32_BIT), 0, 0, 0), POLICY_ACT_ERRNO,
	               EACCES, 0);
	/* 310 on x86_64 is process_vm_readv: allowed. */
	ASSERT_VERDICT(eval(c, X86_64, 310, 0, 0, 0), POLICY_ACT_ALLOW, 0, -1);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86, unshare_i386), ROUTE_SUPERVISOR);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86_64, 310), ROUTE_KERNEL_ALLOW);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X32, __NR_unshare), ROUTE_SUPERVISOR);

	ASSERT_VERDICT(eval(c, X86_64, __NR_kcmp, 0x100000001ull, 0, 0), POLICY_ACT_ERRNO, EINVAL,
	               1);
	ASSERT_VERDICT(eval(c, X86_64, __NR_kcmp, 1, 0, 0), POLICY_ACT_ALLOW, 0, -1);
	ASSERT_VERDICT(eval(c, AUDIT_ARCH_I386, kcmp_i386, 1, 0, 0), POLICY_ACT_ERRNO, EINVAL, 1);
	ASSERT_VERDICT(eval(c, X86_64, (int)(__NR_kcmp | X32_BIT), 0x200000001ull, 0, 0),
	               POLICY_ACT_ERRNO, EINVAL, 1);
	ASSERT_VERDICT(eval(c, X86_64, (int)(__NR_kcmp | X32_BIT), 2, 0, 0), POLICY_ACT_ALLOW, 0,
	               -1);
	/* An arch the filter does not list: bad-arch action, no rule. */
	ASSERT_VERDICT(eval(c, AUDIT_ARCH_AARCH64, 0, 0, 0, 0), POLICY_ACT_KILL_THREAD, 0, -1);
	compiled_policy_free(c);
	pb_free(p);

	/* Without X32 in the policy, x32 calls are a bad arch. */
	p = pb_new(POLICY_ACT_ALLOW, -1);
	pb_rule(p, POLICY_ACT_ERRNO, EACCES, "unshare");
	c = compile_ok(p, &enforce);
	ASSERT_VERDICT(eval(c, X86_64, (int)(__NR_unshare | X32_BIT), 0, 0, 0),
	               POLICY_ACT_KILL_THREAD, 0, -1);
	compiled_policy_free(c);
	pb_free(p);
}
END_TEST

/* i386 socket calls also arrive through socketcall(2): libseccomp filters that form on the
 * call number alone, and the attribution follows it. */
START_TEST(test_i386_socketcall)
{
	struct policy *p = pb_new(POLICY_ACT_ALLOW, -1);
	struct compiled_policy *c;
	int socketcall = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, "socketcall");

	ck_assert_int_eq(socketcall, 102);
	pb_arch(p, SCMP_ARCH_X86);
	pb_arg(pb_rule(p, POLICY_ACT_ERRNO, EAFNOSUPPORT, "socket"), 0, SCMP_CMP_EQ, AF_INET6, 0);
	c = compile_ok(p, &enforce);
	/* Direct socket(2) (359): the condition applies. */
	ASSERT_VERDICT(eval(c, AUDIT_ARCH_I386, 359, AF_INET6, 0, 0), POLICY_ACT_ERRNO,
	               EAFNOSUPPORT, 0);
	ASSERT_VERDICT(eval(c, AUDIT_ARCH_I386, 359, AF_INET, 0, 0), POLICY_ACT_ALLOW, 0, -1);
	/* socketcall(SYS_SOCKET = 1, ...): denied whatever the family, as libseccomp does. */
	ASSERT_VERDICT(eval(c, AUDIT_ARCH_I386, socketcall, 1, 0, 0), POLICY_ACT_ERRNO,
	               EAFNOSUPPORT, 0);
	ASSERT_VERDICT(eval(c, AUDIT_ARCH_I386, socketcall, 3, 0, 0), POLICY_ACT_ALLOW, 0, -1);
	ck_assert_int_eq(policy_route_of(c, SCMP_ARCH_X86, socketcall), ROUTE_MIXED);
	compiled_policy_free(c);
	pb_free(p);
}
END_TEST

/* archMap: an arch's subArchitectures are in the filter too; others stay a bad arch. */
START_TEST(test_sub_architectures)
{
	static uint32_t subs[] = {SCMP_ARCH_X86};
	struct policy *p = pb_new(POLICY_ACT_ALLOW, -1);
	struct compiled_policy *c;

	pb_arch(p, SCMP_ARCH_X86_64);
	p->arches[0].sub = subs;
	p->arches[0].n_sub = 1;
	pb_rule(p, POLICY_ACT_ERRNO, EACCES, "unshare");
	c = compile_ok(p, &enforce);
	ASSERT_VERDICT(eval(c, AUDIT_ARCH_I386, 310, 0, 0, 0), POLICY_ACT_ERRNO, EACCES, 0);
	ASSERT_VERDICT(eval(c, X86_64, (int)(__NR_unshare | X32_BIT), 0, 0, 0),
	               POLICY_ACT_KILL_THREAD, 0, -1);
	compiled_policy_free(c);
	p->arches[0].sub = NULL;
	p->arches[0].n_sub = 0;
	pb_free(p);
}
END_TEST

START_TEST(test_conflict_names_both_rules)
{
	struct policy *p = pb_new(POLICY_ACT_ALLOW, -1);
	struct compiled_policy *c = NULL;
	bouncer_error_t err = {0};

	pb_rule(p, POLICY_ACT_ERRNO, -1, "read");
	pb_arg(pb_rule(p, POLICY_ACT_ERRNO, EACCES, "write mkdir"), 0, SCMP_CMP_EQ, 3, 0);
	pb_arg(pb_rule(p, POLICY_ACT_TRAP, -1, "mkdir"), 0, SCMP_CMP_EQ, 3, 0);
	p->rules[2].line = 9;
	p->rules[2].column = 5;
	ck_assert_int_eq(policy_compile(p, &enforce, &c, &err), -EEXIST);
	ck_assert_ptr_null(c);
	ck_assert_str_eq(err.msg, "test.json:9:5: syscalls[2]: syscall \"mkdir\" has the same "
	                          "conditions as syscalls[1] with a different action (libseccomp "
	                          "refuses it; runc fails too)");
	pb_free(p);
}
END_TEST

START_TEST(test_plan_output)
{
	struct policy *p = routing_policy();
	struct compiled_policy *c;
	char *text = NULL;
	size_t size = 0;
	FILE *out;

	p->rules[0].comment = strdup("namespaces: kernel attack surface");
	pb_rule(p, POLICY_ACT_ERRNO, -1, "nosuchcall");
	pb_rule(p, POLICY_ACT_ERRNO, -1, "getpid")->active = false;
	pb_arg(pb_rule(p, POLICY_ACT_ERRNO, EAFNOSUPPORT, "socket"), 0, SCMP_CMP_EQ, AF_INET6, 0);
	c = compile_ok(p, &(struct compile_options){.route_exec = true});
	out = open_memstream(&text, &size);
	policy_plan_print(c, out);
	fclose(out);
	ck_assert_ptr_nonnull(strstr(text, "\nSCMP_ARCH_X86_64:\n"));
	ck_assert_ptr_nonnull(strstr(text, "    unshare              → supervisor: deny EPERM "
	                                   "(syscalls[0]: namespaces: kernel attack surface)\n"));
	ck_assert_ptr_nonnull(strstr(text, "ptrace               → kernel: trap (SIGSYS) "
	                                   "(syscalls[1]): TRAP stays in the kernel: a SIGSYS with "
	                                   "its siginfo cannot be reproduced from outside\n"));
	ck_assert_ptr_nonnull(strstr(text, "socket               → depends on arguments:\n"
	                                   "      deny EAFNOSUPPORT if arg0 == 0xa (syscalls[9]) → "
	                                   "supervisor\n      otherwise: allow → kernel\n"));
	ck_assert_ptr_nonnull(strstr(text, "execve               → supervisor:"));
	ck_assert_ptr_nonnull(strstr(text, "unknown syscall \"nosuchcall\""));
	ck_assert_ptr_nonnull(strstr(text, "inactive rules (1):\n  syscalls[8] (getpid)"));
	free(text);
	compiled_policy_free(c);
	pb_free(p);
}
END_TEST

/*
 * The invariant the split rests on: wherever the kernel program decides by itself (anything
 * but USER_NOTIF), it decides exactly what the shadow program (the profile) says. Checked on
 * a Docker-like policy, in every mode, over all its syscalls on three arches and argument
 * values around every condition.
 */
static struct policy *docker_like_policy(void)
{
	struct policy *p = pb_new(POLICY_ACT_ERRNO, ENOSYS);
	struct policy_rule *r;
	unsigned flag;

	pb_arch(p, SCMP_ARCH_X86_64);
	pb_arch(p, SCMP_ARCH_X86);
	pb_arch(p, SCMP_ARCH_X32);
	pb_rule(p, POLICY_ACT_ALLOW, -1,
	        "read write openat close fstat mmap munmap brk execve exit_group getpid uname "
	        "socketcall _llseek");
	pb_arg(pb_rule(p, POLICY_ACT_ALLOW, -1, "clone"), 0, SCMP_CMP_MASKED_EQ, 0x7E020000, 0);
	for (flag = 0x00020000; flag <= 0x40000000; flag <<= 1)
		if (flag & 0x7E020000)
			pb_arg(pb_rule(p, POLICY_ACT_ERRNO, EPERM, "clone"), 0, SCMP_CMP_MASKED_EQ,
			       flag, flag);
	pb_arg(pb_rule(p, POLICY_ACT_ALLOW, -1, "personality"), 0, SCMP_CMP_EQ, 0, 0);
	pb_arg(pb_rule(p, POLICY_ACT_ALLOW, -1, "personality"), 0, SCMP_CMP_EQ, 8, 0);
	r = pb_rule(p, POLICY_ACT_ERRNO, EAFNOSUPPORT, "socket");
	pb_arg(r, 0, SCMP_CMP_EQ, AF_INET6, 0);
	pb_arg(r, 0, SCMP_CMP_EQ, AF_PACKET, 0);
	pb_arg(pb_rule(p, POLICY_ACT_ALLOW, -1, "socket"), 0, SCMP_CMP_LE, AF_INET, 0);
	pb_rule(p, POLICY_ACT_TRAP, -1, "ptrace");
	pb_rule(p, POLICY_ACT_KILL_THREAD, -1, "kcmp");
	pb_rule(p, POLICY_ACT_KILL_PROCESS, -1, "kexec_load");
	pb_rule(p, POLICY_ACT_LOG, -1, "getppid");
	pb_arg(pb_rule(p, POLICY_ACT_TRACE, 3, "prctl"), 1, SCMP_CMP_GT, 0x100000000ull, 0);
	pb_arg(pb_rule(p, POLICY_ACT_ALLOW, -1, "prctl"), 0, SCMP_CMP_LT, 40, 0);
	pb_arg(pb_rule(p, POLICY_ACT_ALLOW, -1, "ioctl"), 1, SCMP_CMP_EQ, 0x5401, 0);
	pb_rule(p, POLICY_ACT_ERRNO, ENOTTY, "ioctl");
	return p;
}

static const uint64_t interesting_values[] = {
        0,
        1,
        2,
        3,
        8,
        10,
        17,
        39,
        40,
        0x5401,
        0x20000,
        0x10000000,
        0x7E020000,
        0x100000000ull,
        0x100000001ull,
        UINT64_MAX,
};
#define N_VALUES (sizeof(interesting_values) / sizeof(interesting_values[0]))

/* Runs both programs and the attribution on one syscall over pairs of argument values. */
static size_t check_syscall(const struct compiled_policy *c, struct seccomp_data d,
                            const char *what)
{
	size_t i, j;

	for (i = 0; i < N_VALUES; i++) {
		for (j = 0; j < N_VALUES; j++) {
			struct policy_verdict v;
			uint32_t k, s;

			d.args[0] = interesting_values[i];
			d.args[1] = interesting_values[j];
			k = bpf_eval(compiled_policy_kernel_prog(c), &d);
			s = bpf_eval(compiled_policy_shadow_prog(c), &d);
			/* Wherever the kernel decides, it decides what the profile says. */
			ck_assert_msg(k == SECCOMP_RET_USER_NOTIF || k == s,
			              "%s a0=0x%llx a1=0x%llx: kernel 0x%x shadow 0x%x", what,
			              (unsigned long long)d.args[0], (unsigned long long)d.args[1],
			              k, s);
			/* The attribution agrees with the shadow: "default" only for the
			 * default's answer, a rule only with that rule's own action. */
			policy_evaluate(c, &d, &v);
			if (v.rule == NULL)
				ck_assert_uint_eq(s, SECCOMP_RET_ERRNO | ENOSYS);
			else
				ck_assert_int_eq(v.rule->action, v.action);
		}
	}
	return N_VALUES * N_VALUES;
}

START_TEST(test_kernel_never_contradicts_shadow)
{
	static const uint32_t arches[][2] = {
	        {SCMP_ARCH_X86_64, AUDIT_ARCH_X86_64},
	        {SCMP_ARCH_X86, AUDIT_ARCH_I386},
	        {SCMP_ARCH_X32, AUDIT_ARCH_X86_64},
	};
	const struct compile_options modes[] = {
	        {.route_exec = true},
	        {.route_exec = true, .fast_deny = true},
	        {.route_exec = true, .audit = true},
	        {.route_exec = false},
	};
	struct policy *p = docker_like_policy();
	size_t m, a, r, n, checked = 0;
	char what[128];

	for (m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		struct compiled_policy *c = compile_ok(p, &modes[m]);

		for (a = 0; a < 3; a++) {
			for (r = 0; r < p->n_rules; r++) {
				for (n = 0; n < p->rules[r].n_names; n++) {
					const char *name = p->rules[r].names[n];
					struct seccomp_data d = {.arch = arches[a][1]};

					d.nr = seccomp_syscall_resolve_name_arch(arches[a][0],
					                                         name);
					if (d.nr < 0)
						continue;
					snprintf(what, sizeof(what), "mode %zu arch %zu %s", m, a,
					         name);
					checked += check_syscall(c, d, what);
				}
			}
		}
		compiled_policy_free(c);
	}
	ck_assert_uint_gt(checked, 10000);
	pb_free(p);
}
END_TEST

/* Hot path cost: policy_evaluate on a Docker-sized allow-list (printed, not asserted). */
START_TEST(test_evaluate_cost)
{
	static const char *const conditional[] = {"socket", "clone", "ioctl", "prctl",
	                                          "personality"};
	struct policy *p = docker_like_policy();
	struct policy_rule *big = pb_rule(p, POLICY_ACT_ALLOW, -1, "");
	struct seccomp_data d = {.arch = AUDIT_ARCH_X86_64, .nr = __NR_socket};
	struct compiled_policy *c;
	struct timespec t0, t1;
	struct policy_verdict v;
	size_t i, k;
	const int rounds = 200000;
	int nr;

	/* Everything x86_64 has, but the syscalls the conditional rules decide. */
	big->names = realloc(big->names, 512 * sizeof(char *));
	for (nr = 0; nr < 460 && big->n_names < 512; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);
		bool skip = name == NULL;

		for (k = 0; !skip && k < p->n_rules - 1; k++)
			for (i = 0; !skip && i < p->rules[k].n_names; i++)
				skip = strcmp(p->rules[k].names[i], name) == 0;
		for (i = 0; !skip && i < sizeof(conditional) / sizeof(conditional[0]); i++)
			skip = strcmp(conditional[i], name) == 0;
		if (skip)
			free(name);
		else
			big->names[big->n_names++] = name;
	}
	c = compile_ok(p, &(struct compile_options){.route_exec = true});
	d.args[0] = AF_INET6;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < (size_t)rounds; i++)
		policy_evaluate(c, &d, &v);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ASSERT_VERDICT(v, POLICY_ACT_ERRNO, EAFNOSUPPORT, 11);
	printf("policy_evaluate: %.1f ns per call (%zu names allowed; kernel program %u insns, "
	       "shadow %u)\n",
	       ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / rounds, big->n_names,
	       compiled_policy_kernel_prog(c)->len, compiled_policy_shadow_prog(c)->len);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	compiled_policy_free(c);
	c = compile_ok(p, &(struct compile_options){.route_exec = true});
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("policy_compile: %.1f ms\n",
	       ((t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6));
	compiled_policy_free(c);
	pb_free(p);
}
END_TEST

static Suite *policy_compile_suite(void)
{
	Suite *s = suite_create("policy_compile");
	TCase *tc = tcase_create("unit");

	tcase_add_test(tc, test_plain_errno_rule);
	tcase_add_test(tc, test_all_operators);
	tcase_add_test(tc, test_runc_same_index_or);
	tcase_add_test(tc, test_default_action);
	tcase_add_test(tc, test_notify_default);
	tcase_add_test(tc, test_unconditional_beats_conditional);
	tcase_add_test(tc, test_routes_enforce_fast_deny_audit);
	tcase_add_test(tc, test_route_exec);
	tcase_add_test(tc, test_mixed_allow_errno_routed);
	tcase_add_test(tc, test_unknown_names_warn);
	tcase_add_test(tc, test_x32_and_i386);
	tcase_add_test(tc, test_i386_socketcall);
	tcase_add_test(tc, test_sub_architectures);
	tcase_add_test(tc, test_conflict_names_both_rules);
	tcase_add_test(tc, test_plan_output);
	tcase_add_test(tc, test_kernel_never_contradicts_shadow);
	tcase_add_test(tc, test_evaluate_cost);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(policy_compile_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
