/* SPDX-License-Identifier: MIT */
/*
 * bpf_eval: programs that libseccomp generates for many rule shapes give, for chosen inputs,
 * the SECCOMP_RET_* values the rules mean; hand-written programs exercise every instruction;
 * malformed programs are refused (SECCOMP_RET_KILL_PROCESS), like the kernel refuses them.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/audit.h>

#include "policy_compile.h"

#define X32_BIT 0x40000000u

/* Exports a libseccomp filter into a malloc'd program. */
static struct sock_fprog export_prog(scmp_filter_ctx ctx)
{
	struct sock_fprog prog = {0};
	off_t size;
	int fd;

	fd = memfd_create("test-bpf", MFD_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(seccomp_export_bpf(ctx, fd), 0);
	size = lseek(fd, 0, SEEK_END);
	ck_assert_int_gt(size, 0);
	prog.filter = malloc((size_t)size);
	ck_assert_ptr_nonnull(prog.filter);
	ck_assert_int_eq(pread(fd, prog.filter, (size_t)size, 0), size);
	prog.len = (unsigned short)(size / sizeof(struct sock_filter));
	close(fd);
	return prog;
}

static struct seccomp_data sd(uint32_t arch, int nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct seccomp_data d = {.nr = nr, .arch = arch};

	d.args[0] = a0;
	d.args[1] = a1;
	d.args[2] = a2;
	return d;
}

/*
 * One filter with a rule of each shape. x86_64 numbers: read 0, write 1, openat 257, kill 62,
 * socket 41, mmap 9, ptrace 101, unshare 272, kcmp 312, prctl 157, dup 32.
 */
static scmp_filter_ctx shapes_filter(int optimize, bool multi_arch)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));

	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, optimize), 0);
	if (multi_arch) {
		ck_assert_int_eq(seccomp_arch_add(ctx, SCMP_ARCH_X86), 0);
		ck_assert_int_eq(seccomp_arch_add(ctx, SCMP_ARCH_X32), 0);
	}
	ck_assert_int_eq(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(read), 0), 0);
	ck_assert_int_eq(
	        seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, SCMP_A0(SCMP_CMP_EQ, 1)),
	        0);
	ck_assert_int_eq(seccomp_rule_add(ctx, SCMP_ACT_TRAP, SCMP_SYS(openat), 1,
	                                  SCMP_A2(SCMP_CMP_MASKED_EQ, O_CREAT, O_CREAT)),
	                 0);
	ck_assert_int_eq(seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(kill), 1,
	                                  SCMP_A1(SCMP_CMP_GT, 0x100000009ull)),
	                 0);
	ck_assert_int_eq(
	        seccomp_rule_add(ctx, SCMP_ACT_LOG, SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_NE, 10)),
	        0);
	ck_assert_int_eq(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOMEM), SCMP_SYS(mmap), 1,
	                                  SCMP_A0(SCMP_CMP_GE, 0x100000000ull)),
	                 0);
	ck_assert_int_eq(seccomp_rule_add(ctx, SCMP_ACT_TRACE(7), SCMP_SYS(ptrace), 0), 0);
	ck_assert_int_eq(seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(unshare), 0), 0);
	ck_assert_int_eq(seccomp_rule_add(ctx, SCMP_ACT_KILL_THREAD, SCMP_SYS(kcmp), 0), 0);
	ck_assert_int_eq(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 2,
	                                  SCMP_A0(SCMP_CMP_LT, 5), SCMP_A1(SCMP_CMP_LE, 3)),
	                 0);
	return ctx;
}

static void check_shapes(int optimize, bool multi_arch)
{
	scmp_filter_ctx ctx = shapes_filter(optimize, multi_arch);
	struct sock_fprog prog = export_prog(ctx);
	const uint32_t X = AUDIT_ARCH_X86_64;
	const uint32_t deny = SECCOMP_RET_ERRNO | EPERM;
	struct {
		struct seccomp_data d;
		uint32_t expected;
	} cases[] = {
	        {sd(X, 0, 0, 0, 0), SECCOMP_RET_ALLOW},
	        {sd(X, 1, 1, 0, 0), SECCOMP_RET_ALLOW},
	        {sd(X, 1, 2, 0, 0), deny},
	        /* The 64-bit argument compares all 64 bits on x86_64. */
	        {sd(X, 1, 0x100000001ull, 0, 0), deny},
	        {sd(X, 257, 0, 0, O_CREAT | O_WRONLY), SECCOMP_RET_TRAP},
	        {sd(X, 257, 0, 0, O_WRONLY), deny},
	        {sd(X, 62, 0, 0x10000000aull, 0), SECCOMP_RET_KILL_PROCESS},
	        {sd(X, 62, 0, 0x100000009ull, 0), deny},
	        {sd(X, 62, 0, 0xffffffffull, 0), deny},
	        {sd(X, 41, 2, 0, 0), SECCOMP_RET_LOG},
	        {sd(X, 41, 10, 0, 0), deny},
	        {sd(X, 9, 0x100000000ull, 0, 0), SECCOMP_RET_ERRNO | ENOMEM},
	        {sd(X, 9, 0xffffffffull, 0, 0), deny},
	        {sd(X, 101, 0, 0, 0), SECCOMP_RET_TRACE | 7},
	        {sd(X, 272, 0, 0, 0), SECCOMP_RET_USER_NOTIF},
	        {sd(X, 312, 0, 0, 0), SECCOMP_RET_KILL_THREAD},
	        {sd(X, 157, 4, 3, 0), SECCOMP_RET_ALLOW},
	        {sd(X, 157, 5, 3, 0), deny},
	        {sd(X, 157, 4, 4, 0), deny},
	        {sd(X, 32, 0, 0, 0), deny},
	        /* An arch that is not in the filter: libseccomp's bad-arch action (KILL_THREAD). */
	        {sd(AUDIT_ARCH_AARCH64, 0, 0, 0, 0), SECCOMP_RET_KILL_THREAD},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(bpf_eval(&prog, &cases[i].d) == cases[i].expected,
		              "case %zu (nr %d): got 0x%x, expected 0x%x", i, cases[i].d.nr,
		              bpf_eval(&prog, &cases[i].d), cases[i].expected);
	if (multi_arch) {
		/* i386: read 3, write 4, unshare 310; args compare on their low 32 bits. */
		struct seccomp_data d = sd(AUDIT_ARCH_I386, 3, 0, 0, 0);

		ck_assert_uint_eq(bpf_eval(&prog, &d), SECCOMP_RET_ALLOW);
		d = sd(AUDIT_ARCH_I386, 310, 0, 0, 0);
		ck_assert_uint_eq(bpf_eval(&prog, &d), SECCOMP_RET_USER_NOTIF);
		d = sd(AUDIT_ARCH_I386, 4, 0x100000001ull, 0, 0);
		ck_assert_uint_eq(bpf_eval(&prog, &d), SECCOMP_RET_ALLOW);
		/* x32: the x86_64 numbers with bit 30; unshare stays notify, 272 alone is x86_64.
		 */
		d = sd(AUDIT_ARCH_X86_64, (int)(272 | X32_BIT), 0, 0, 0);
		ck_assert_uint_eq(bpf_eval(&prog, &d), SECCOMP_RET_USER_NOTIF);
		d = sd(AUDIT_ARCH_X86_64, (int)(1 | X32_BIT), 2, 0, 0);
		ck_assert_uint_eq(bpf_eval(&prog, &d), deny);
	} else {
		/* Without x32 in the filter, x32 numbers are a bad arch for libseccomp. */
		struct seccomp_data d = sd(AUDIT_ARCH_X86_64, (int)(0 | X32_BIT), 0, 0, 0);

		ck_assert_uint_eq(bpf_eval(&prog, &d), SECCOMP_RET_KILL_THREAD);
	}
	free(prog.filter);
	seccomp_release(ctx);
}

START_TEST(test_libseccomp_shapes_linear)
{
	check_shapes(1, false);
	check_shapes(1, true);
}
END_TEST

START_TEST(test_libseccomp_shapes_tree)
{
	check_shapes(2, false);
	check_shapes(2, true);
}
END_TEST

/* A large allow-list exported as a binary tree: every listed number allows, others deny. */
START_TEST(test_libseccomp_many_rules)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(ENOSYS));
	struct sock_fprog prog;
	struct seccomp_data d;
	int nr;

	ck_assert_int_eq(seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2), 0);
	for (nr = 0; nr < 300; nr += 3)
		ck_assert_int_eq(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0), 0);
	prog = export_prog(ctx);
	for (nr = 0; nr < 320; nr++) {
		d = sd(AUDIT_ARCH_X86_64, nr, 0, 0, 0);
		ck_assert_uint_eq(bpf_eval(&prog, &d), nr < 300 && nr % 3 == 0
		                                               ? SECCOMP_RET_ALLOW
		                                               : SECCOMP_RET_ERRNO | ENOSYS);
	}
	free(prog.filter);
	seccomp_release(ctx);
}
END_TEST

static uint32_t run_insns(const struct sock_filter *insns, size_t n, const struct seccomp_data *d)
{
	struct sock_fprog prog = {.len = (unsigned short)n, .filter = (struct sock_filter *)insns};

	return bpf_eval(&prog, d);
}

#define RUN(insns, d) run_insns((insns), sizeof(insns) / sizeof((insns)[0]), (d))

START_TEST(test_alu_and_memory)
{
	struct seccomp_data d = sd(AUDIT_ARCH_X86_64, 7, 0x1122334455667788ull, 0, 0);
	/* ((nr + 3) * 6 - 4) / 2 = 28 = 0x1c; | 0x100, ^ 0x1, & 0xfff = 0x11d; << 2, >> 1 = 0x23a
	 */
	const struct sock_filter alu[] = {
	        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	        BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 3),
	        BPF_STMT(BPF_ALU | BPF_MUL | BPF_K, 6),
	        BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, 4),
	        BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 2),
	        BPF_STMT(BPF_ALU | BPF_OR | BPF_K, 0x100),
	        BPF_STMT(BPF_ALU | BPF_XOR | BPF_K, 0x1),
	        BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xfff),
	        BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 2),
	        BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 1),
	        BPF_STMT(BPF_RET | BPF_A, 0),
	};
	/* The X forms, scratch memory, TAX/TXA, NEG. */
	const struct sock_filter alux[] = {
	        BPF_STMT(BPF_LDX | BPF_IMM, 5),
	        BPF_STMT(BPF_LD | BPF_IMM, 40),
	        BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0), /* 45 */
	        BPF_STMT(BPF_ALU | BPF_SUB | BPF_X, 0), /* 40 */
	        BPF_STMT(BPF_ALU | BPF_MUL | BPF_X, 0), /* 200 */
	        BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0), /* 40 */
	        BPF_STMT(BPF_ALU | BPF_OR | BPF_X, 0),  /* 45 */
	        BPF_STMT(BPF_ALU | BPF_AND | BPF_X, 0), /* 5 */
	        BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0), /* 0 */
	        BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 3),
	        BPF_STMT(BPF_ALU | BPF_LSH | BPF_X, 0), /* 96 */
	        BPF_STMT(BPF_ALU | BPF_RSH | BPF_X, 0), /* 3 */
	        BPF_STMT(BPF_ST, 4),
	        BPF_STMT(BPF_ALU | BPF_NEG, 0), /* -3 */
	        BPF_STMT(BPF_MISC | BPF_TAX, 0),
	        BPF_STMT(BPF_LD | BPF_MEM, 4),          /* 3 */
	        BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0), /* 0 */
	        BPF_STMT(BPF_STX, 9),
	        BPF_STMT(BPF_LDX | BPF_MEM, 4),  /* X = 3 */
	        BPF_STMT(BPF_MISC | BPF_TXA, 0), /* A = 3 */
	        BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 0x7fff0000 - 3),
	        BPF_STMT(BPF_RET | BPF_A, 0),
	};
	/* LD W LEN and LDX W LEN are sizeof(struct seccomp_data). */
	const struct sock_filter len[] = {
	        BPF_STMT(BPF_LDX | BPF_W | BPF_LEN, 0),
	        BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
	        BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
	        BPF_STMT(BPF_RET | BPF_A, 0),
	};
	/* Loads of both halves of a 64-bit argument (little-endian). */
	const struct sock_filter arg_hi[] = {
	        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0]) + 4),
	        BPF_STMT(BPF_RET | BPF_A, 0),
	};
	const struct sock_filter arg_lo[] = {
	        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
	        BPF_STMT(BPF_RET | BPF_A, 0),
	};
	/* Shifts by X use the low 5 bits (eBPF ALU32): 1 << 33 == 2. */
	const struct sock_filter shift[] = {
	        BPF_STMT(BPF_LDX | BPF_IMM, 33),
	        BPF_STMT(BPF_LD | BPF_IMM, 1),
	        BPF_STMT(BPF_ALU | BPF_LSH | BPF_X, 0),
	        BPF_STMT(BPF_RET | BPF_A, 0),
	};

	ck_assert_uint_eq(RUN(alu, &d), 0x23a);
	ck_assert_uint_eq(RUN(alux, &d), 0x7fff0000);
	ck_assert_uint_eq(RUN(len, &d), 2 * sizeof(struct seccomp_data));
	ck_assert_uint_eq(RUN(arg_hi, &d), 0x11223344);
	ck_assert_uint_eq(RUN(arg_lo, &d), 0x55667788);
	ck_assert_uint_eq(RUN(shift, &d), 2);
}
END_TEST

START_TEST(test_jumps)
{
	/* Returns 1..6 according to which test holds first. */
	const struct sock_filter prog[] = {
	        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
	        BPF_STMT(BPF_LDX | BPF_IMM, 0x30),
	        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x10, 0, 1),
	        BPF_STMT(BPF_RET | BPF_K, 1),
	        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 1),
	        BPF_STMT(BPF_RET | BPF_K, 2),
	        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x100, 0, 1),
	        BPF_STMT(BPF_RET | BPF_K, 3),
	        BPF_JUMP(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 1),
	        BPF_STMT(BPF_RET | BPF_K, 4),
	        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x20, 2, 0),
	        BPF_STMT(BPF_JMP | BPF_JA, 2),
	        BPF_STMT(BPF_RET | BPF_K, 99),
	        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_X, 0, 0, 0),
	        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_X, 0, 1, 0),
	        BPF_STMT(BPF_RET | BPF_K, 5),
	        BPF_STMT(BPF_RET | BPF_K, 6),
	};
	struct seccomp_data d = sd(AUDIT_ARCH_X86_64, 0, 0x10, 0, 0);

	ck_assert_uint_eq(RUN(prog, &d), 1);
	d.args[0] = 0x30;
	ck_assert_uint_eq(RUN(prog, &d), 2);
	d.args[0] = 0x101;
	ck_assert_uint_eq(RUN(prog, &d), 3);
	d.args[0] = 0x31;
	ck_assert_uint_eq(RUN(prog, &d), 4);
	/* 0x20: not > 0x30, >= 0x20 → skip to JGE X (false either way) → JSET X (0x20 & 0x30). */
	d.args[0] = 0x20;
	ck_assert_uint_eq(RUN(prog, &d), 6);
	/* 0x0f: < 0x20 → JA over the 99 → JSET X: 0x0f & 0x30 == 0 → 5. */
	d.args[0] = 0x0f;
	ck_assert_uint_eq(RUN(prog, &d), 5);
}
END_TEST

START_TEST(test_division_by_zero_x_returns_zero)
{
	const struct sock_filter prog[] = {
	        BPF_STMT(BPF_LDX | BPF_IMM, 0),
	        BPF_STMT(BPF_LD | BPF_IMM, 10),
	        BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct seccomp_data d = sd(AUDIT_ARCH_X86_64, 0, 0, 0, 0);

	/* The kernel's converted program returns 0 = SECCOMP_RET_KILL_THREAD. */
	ck_assert_uint_eq(RUN(prog, &d), 0);
}
END_TEST

START_TEST(test_malformed_programs)
{
	const struct seccomp_data d = sd(AUDIT_ARCH_X86_64, 0, 0, 0, 0);
	const struct sock_filter ja_out[] = {
	        BPF_STMT(BPF_JMP | BPF_JA, 1),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	const struct sock_filter jcond_out[] = {
	        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 5),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	const struct sock_filter load_past_end[] = {
	        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, sizeof(struct seccomp_data)),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	const struct sock_filter load_unaligned[] = {
	        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	const struct sock_filter load_half[] = {
	        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 0),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	const struct sock_filter load_ind[] = {
	        BPF_STMT(BPF_LD | BPF_W | BPF_IND, 0),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	const struct sock_filter mod[] = {
	        BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 3),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	const struct sock_filter div_k_zero[] = {
	        BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	const struct sock_filter shift_k_32[] = {
	        BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 32),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	const struct sock_filter mem_index[] = {
	        BPF_STMT(BPF_ST, BPF_MEMWORDS),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	const struct sock_filter mem_unwritten[] = {
	        BPF_STMT(BPF_LD | BPF_MEM, 3),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	/* Returns on the path taken, but the last instruction is not a RET: refused. */
	const struct sock_filter no_final_ret[] = {
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	        BPF_STMT(BPF_LD | BPF_IMM, 0),
	};
	const struct sock_filter unknown_opcode[] = {
	        {.code = 0xff},
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	const struct sock_filter ok[] = {
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog empty = {.len = 0, .filter = (struct sock_filter *)ok};
	struct sock_fprog null_filter = {.len = 1, .filter = NULL};
	struct sock_fprog too_long = {.len = BPF_MAXINSNS + 1, .filter = NULL};
	struct sock_filter *big;

	ck_assert_uint_eq(RUN(ok, &d), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(RUN(ja_out, &d), SECCOMP_RET_KILL_PROCESS);
	ck_assert_uint_eq(RUN(jcond_out, &d), SECCOMP_RET_KILL_PROCESS);
	ck_assert_uint_eq(RUN(load_past_end, &d), SECCOMP_RET_KILL_PROCESS);
	ck_assert_uint_eq(RUN(load_unaligned, &d), SECCOMP_RET_KILL_PROCESS);
	ck_assert_uint_eq(RUN(load_half, &d), SECCOMP_RET_KILL_PROCESS);
	ck_assert_uint_eq(RUN(load_ind, &d), SECCOMP_RET_KILL_PROCESS);
	ck_assert_uint_eq(RUN(mod, &d), SECCOMP_RET_KILL_PROCESS);
	ck_assert_uint_eq(RUN(div_k_zero, &d), SECCOMP_RET_KILL_PROCESS);
	ck_assert_uint_eq(RUN(shift_k_32, &d), SECCOMP_RET_KILL_PROCESS);
	ck_assert_uint_eq(RUN(mem_index, &d), SECCOMP_RET_KILL_PROCESS);
	ck_assert_uint_eq(RUN(mem_unwritten, &d), SECCOMP_RET_KILL_PROCESS);
	ck_assert_uint_eq(RUN(no_final_ret, &d), SECCOMP_RET_KILL_PROCESS);
	ck_assert_uint_eq(RUN(unknown_opcode, &d), SECCOMP_RET_KILL_PROCESS);
	ck_assert_uint_eq(bpf_eval(&empty, &d), SECCOMP_RET_KILL_PROCESS);
	ck_assert_uint_eq(bpf_eval(&null_filter, &d), SECCOMP_RET_KILL_PROCESS);
	ck_assert_uint_eq(bpf_eval(NULL, &d), SECCOMP_RET_KILL_PROCESS);
	big = calloc(BPF_MAXINSNS + 1, sizeof(*big));
	ck_assert_ptr_nonnull(big);
	big[BPF_MAXINSNS] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	too_long.filter = big;
	ck_assert_uint_eq(bpf_eval(&too_long, &d), SECCOMP_RET_KILL_PROCESS);
	free(big);
}
END_TEST

static Suite *bpf_eval_suite(void)
{
	Suite *s = suite_create("bpf_eval");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_libseccomp_shapes_linear);
	tcase_add_test(tc, test_libseccomp_shapes_tree);
	tcase_add_test(tc, test_libseccomp_many_rules);
	tcase_add_test(tc, test_alu_and_memory);
	tcase_add_test(tc, test_jumps);
	tcase_add_test(tc, test_division_by_zero_x_returns_zero);
	tcase_add_test(tc, test_malformed_programs);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(bpf_eval_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
