/* SPDX-License-Identifier: MIT */
/*
 * A classic BPF interpreter for seccomp programs, so that the supervisor can run the shadow
 * program (the profile's own actions) on a notification's seccomp_data and get exactly the
 * answer the kernel would have given.
 *
 * Semantics follow the kernel (kernel/seccomp.c seccomp_check_filter(), net/core/filter.c
 * bpf_check_classic() and bpf_convert_filter()):
 *  - only the opcodes seccomp accepts: no BPF_MOD, no byte/half/indirect loads, no extensions;
 *  - LD W ABS reads a 32-bit word of seccomp_data at a 4-byte aligned offset inside it;
 *    LD/LDX W LEN load sizeof(struct seccomp_data);
 *  - division by a constant zero and shifts by a constant >= 32 are rejected at load time;
 *    division by X == 0 makes the program return 0 (SECCOMP_RET_KILL_THREAD), like the
 *    kernel's converted program; shifts by X use the low 5 bits, like eBPF ALU32;
 *  - scratch memory M[] must be written before it is read (the kernel proves it statically;
 *    here it is checked on the path taken, which is the same for any accepted program).
 * A program the kernel would refuse yields SECCOMP_RET_KILL_PROCESS: fail closed.
 */
#include <stddef.h>
#include <string.h>

#include "policy_compile.h"
#include "policy_compile_internal.h"

static bool bpf_jump_ok(size_t pc, size_t len, uint32_t offset)
{
	return (uint64_t)pc + 1 + offset < len;
}

bool bpf_validate(const struct sock_fprog *prog)
{
	size_t len, pc;

	if (prog == NULL || prog->filter == NULL || prog->len == 0 || prog->len > BPF_MAXINSNS)
		return false;
	len = prog->len;
	for (pc = 0; pc < len; pc++) {
		const struct sock_filter *insn = &prog->filter[pc];
		uint32_t k = insn->k;

		switch (insn->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (k >= sizeof(struct seccomp_data) || (k & 3) != 0)
				return false;
			break;
		case BPF_LD | BPF_W | BPF_LEN:
		case BPF_LDX | BPF_W | BPF_LEN:
		case BPF_LD | BPF_IMM:
		case BPF_LDX | BPF_IMM:
		case BPF_MISC | BPF_TAX:
		case BPF_MISC | BPF_TXA:
		case BPF_RET | BPF_K:
		case BPF_RET | BPF_A:
		case BPF_ALU | BPF_ADD | BPF_K:
		case BPF_ALU | BPF_ADD | BPF_X:
		case BPF_ALU | BPF_SUB | BPF_K:
		case BPF_ALU | BPF_SUB | BPF_X:
		case BPF_ALU | BPF_MUL | BPF_K:
		case BPF_ALU | BPF_MUL | BPF_X:
		case BPF_ALU | BPF_DIV | BPF_X:
		case BPF_ALU | BPF_AND | BPF_K:
		case BPF_ALU | BPF_AND | BPF_X:
		case BPF_ALU | BPF_OR | BPF_K:
		case BPF_ALU | BPF_OR | BPF_X:
		case BPF_ALU | BPF_XOR | BPF_K:
		case BPF_ALU | BPF_XOR | BPF_X:
		case BPF_ALU | BPF_LSH | BPF_X:
		case BPF_ALU | BPF_RSH | BPF_X:
		case BPF_ALU | BPF_NEG:
			break;
		case BPF_ALU | BPF_DIV | BPF_K:
			if (k == 0)
				return false;
			break;
		case BPF_ALU | BPF_LSH | BPF_K:
		case BPF_ALU | BPF_RSH | BPF_K:
			if (k >= 32)
				return false;
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
		case BPF_ST:
		case BPF_STX:
			if (k >= BPF_MEMWORDS)
				return false;
			break;
		case BPF_JMP | BPF_JA:
			if (!bpf_jump_ok(pc, len, k))
				return false;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JEQ | BPF_X:
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_X:
		case BPF_JMP | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_X:
		case BPF_JMP | BPF_JSET | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_X:
			if (!bpf_jump_ok(pc, len, insn->jt) || !bpf_jump_ok(pc, len, insn->jf))
				return false;
			break;
		default:
			return false;
		}
	}
	/* bpf_check_classic(): the last instruction must return. */
	switch (prog->filter[len - 1].code) {
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
		return true;
	default:
		return false;
	}
}

uint32_t bpf_run(const struct sock_fprog *prog, const struct seccomp_data *data)
{
	uint32_t mem[BPF_MEMWORDS];
	uint32_t mem_written = 0; /* bit i: mem[i] was stored on this path */
	uint32_t a = 0, x = 0;
	size_t pc = 0, len;

	if (prog == NULL || prog->filter == NULL)
		return SECCOMP_RET_KILL_PROCESS;
	len = prog->len;
	/* Jumps only go forward, so the loop runs at most len times. */
	while (pc < len) {
		const struct sock_filter *insn = &prog->filter[pc];
		uint32_t k = insn->k;
		uint32_t operand = BPF_SRC(insn->code) == BPF_X ? x : k;
		bool taken;

		switch (insn->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (k >= sizeof(*data) || (k & 3) != 0)
				return SECCOMP_RET_KILL_PROCESS;
			memcpy(&a, (const char *)data + k, sizeof(a));
			break;
		case BPF_LD | BPF_W | BPF_LEN:
			a = sizeof(*data);
			break;
		case BPF_LDX | BPF_W | BPF_LEN:
			x = sizeof(*data);
			break;
		case BPF_LD | BPF_IMM:
			a = k;
			break;
		case BPF_LDX | BPF_IMM:
			x = k;
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
			if (k >= BPF_MEMWORDS || !(mem_written & (1u << k)))
				return SECCOMP_RET_KILL_PROCESS;
			if (BPF_CLASS(insn->code) == BPF_LD)
				a = mem[k];
			else
				x = mem[k];
			break;
		case BPF_ST:
		case BPF_STX:
			if (k >= BPF_MEMWORDS)
				return SECCOMP_RET_KILL_PROCESS;
			mem[k] = insn->code == BPF_ST ? a : x;
			mem_written |= 1u << k;
			break;
		case BPF_MISC | BPF_TAX:
			x = a;
			break;
		case BPF_MISC | BPF_TXA:
			a = x;
			break;
		case BPF_ALU | BPF_ADD | BPF_K:
		case BPF_ALU | BPF_ADD | BPF_X:
			a += operand;
			break;
		case BPF_ALU | BPF_SUB | BPF_K:
		case BPF_ALU | BPF_SUB | BPF_X:
			a -= operand;
			break;
		case BPF_ALU | BPF_MUL | BPF_K:
		case BPF_ALU | BPF_MUL | BPF_X:
			a *= operand;
			break;
		case BPF_ALU | BPF_DIV | BPF_K:
		case BPF_ALU | BPF_DIV | BPF_X:
			if (operand == 0)
				return 0;
			a /= operand;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
		case BPF_ALU | BPF_AND | BPF_X:
			a &= operand;
			break;
		case BPF_ALU | BPF_OR | BPF_K:
		case BPF_ALU | BPF_OR | BPF_X:
			a |= operand;
			break;
		case BPF_ALU | BPF_XOR | BPF_K:
		case BPF_ALU | BPF_XOR | BPF_X:
			a ^= operand;
			break;
		case BPF_ALU | BPF_LSH | BPF_K:
		case BPF_ALU | BPF_LSH | BPF_X:
			a <<= operand & 31;
			break;
		case BPF_ALU | BPF_RSH | BPF_K:
		case BPF_ALU | BPF_RSH | BPF_X:
			a >>= operand & 31;
			break;
		case BPF_ALU | BPF_NEG:
			a = 0u - a;
			break;
		case BPF_JMP | BPF_JA:
			if (!bpf_jump_ok(pc, len, k))
				return SECCOMP_RET_KILL_PROCESS;
			pc += 1 + (size_t)k;
			continue;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JEQ | BPF_X:
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_X:
		case BPF_JMP | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_X:
		case BPF_JMP | BPF_JSET | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_X:
			switch (BPF_OP(insn->code)) {
			case BPF_JEQ:
				taken = a == operand;
				break;
			case BPF_JGE:
				taken = a >= operand;
				break;
			case BPF_JGT:
				taken = a > operand;
				break;
			default:
				taken = (a & operand) != 0;
				break;
			}
			if (!bpf_jump_ok(pc, len, taken ? insn->jt : insn->jf))
				return SECCOMP_RET_KILL_PROCESS;
			pc += 1 + (size_t)(taken ? insn->jt : insn->jf);
			continue;
		case BPF_RET | BPF_K:
			return k;
		case BPF_RET | BPF_A:
			return a;
		default:
			return SECCOMP_RET_KILL_PROCESS;
		}
		pc++;
	}
	/* Fell off the end: the kernel refuses such a program. */
	return SECCOMP_RET_KILL_PROCESS;
}

uint32_t bpf_eval(const struct sock_fprog *prog, const struct seccomp_data *data)
{
	if (!bpf_validate(prog))
		return SECCOMP_RET_KILL_PROCESS;
	return bpf_run(prog, data);
}
