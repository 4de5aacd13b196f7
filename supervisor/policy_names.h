/* SPDX-License-Identifier: MIT */
/*
 * The names that profiles use for actions, operators, architectures and filter flags, and
 * their values. Shared by the parser (names → values) and by whatever prints a policy
 * (values → names).
 */
#ifndef BOUNCER_POLICY_NAMES_H
#define BOUNCER_POLICY_NAMES_H

#include <stdint.h>

#include "policy.h"

/* The valid names, for messages. */
#define POLICY_ACTION_NAMES                                                                        \
	"SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_KILL, SCMP_ACT_TRAP, "              \
	"SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_NOTIFY"
#define POLICY_OP_NAMES                                                                            \
	"SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, "           \
	"SCMP_CMP_MASKED_EQ"
#define POLICY_ARCH_NAMES                                                                          \
	"SCMP_ARCH_X86, SCMP_ARCH_X86_64, SCMP_ARCH_X32, SCMP_ARCH_ARM, SCMP_ARCH_AARCH64, "       \
	"SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64, SCMP_ARCH_MIPS64N32, SCMP_ARCH_MIPSEL, "                \
	"SCMP_ARCH_MIPSEL64, SCMP_ARCH_MIPSEL64N32, SCMP_ARCH_PPC, SCMP_ARCH_PPC64, "              \
	"SCMP_ARCH_PPC64LE, SCMP_ARCH_S390, SCMP_ARCH_S390X, SCMP_ARCH_PARISC, "                   \
	"SCMP_ARCH_PARISC64, SCMP_ARCH_RISCV64"
#define POLICY_FILTER_ARCH_NAMES                                                                   \
	"amd64, 386, x32, arm, arm64, mips, mipsle, mips64, mips64le, mips64n32, mips64len32, "    \
	"ppc, ppc64, ppc64le, s390, s390x, riscv64, or SCMP_ARCH_* names"
#define POLICY_FLAG_NAMES                                                                          \
	"SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW, "     \
	"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"

/* "SCMP_ACT_KILL" → POLICY_ACT_KILL_THREAD, ... Returns 0 or -EINVAL. */
int policy_action_from_name(const char *name, enum policy_action *out);

/* "SCMP_CMP_MASKED_EQ" → SCMP_CMP_MASKED_EQ, ... Returns 0 or -EINVAL. */
int policy_op_from_name(const char *name, enum scmp_compare *out);

/* SCMP_CMP_MASKED_EQ → "SCMP_CMP_MASKED_EQ"; never NULL. */
const char *policy_op_name(enum scmp_compare op);

/* SCMP_CMP_LE → "<=" for human-readable conditions ("?" for MASKED_EQ, written apart). */
const char *policy_op_symbol(enum scmp_compare op);

/* "SCMP_ARCH_X86_64" → SCMP_ARCH_X86_64 (any arch this libseccomp knows); 0 when unknown. */
uint32_t policy_arch_from_name(const char *name);

/*
 * An includes/excludes arch: Go's name ("amd64", "386", "arm64", ..., as moby compares them
 * with GOARCH) or an SCMP_ARCH_* name. Returns the token, 0 when unknown.
 */
uint32_t policy_arch_from_filter_name(const char *name);

/* "SECCOMP_FILTER_FLAG_LOG" → POLICY_FLAG_LOG, ... Returns 0 or -EINVAL. */
int policy_flag_from_name(const char *name, unsigned *out);

#endif
