/* SPDX-License-Identifier: MIT */
/* Names of actions, operators, architectures and flags as profiles write them. */
#include "policy_names.h"

#include <errno.h>
#include <string.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The first entry for an action is its canonical name (KILL_THREAD, not KILL). */
static const struct {
	const char *name;
	enum policy_action action;
} action_names[] = {
        {"SCMP_ACT_KILL_PROCESS", POLICY_ACT_KILL_PROCESS},
        {"SCMP_ACT_KILL_THREAD", POLICY_ACT_KILL_THREAD},
        {"SCMP_ACT_KILL", POLICY_ACT_KILL_THREAD},
        {"SCMP_ACT_TRAP", POLICY_ACT_TRAP},
        {"SCMP_ACT_ERRNO", POLICY_ACT_ERRNO},
        {"SCMP_ACT_TRACE", POLICY_ACT_TRACE},
        {"SCMP_ACT_ALLOW", POLICY_ACT_ALLOW},
        {"SCMP_ACT_LOG", POLICY_ACT_LOG},
        {"SCMP_ACT_NOTIFY", POLICY_ACT_NOTIFY},
};

const char *policy_action_name(enum policy_action action)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(action_names); i++)
		if (action_names[i].action == action)
			return action_names[i].name;
	return "SCMP_ACT_?";
}

int policy_action_from_name(const char *name, enum policy_action *out)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(action_names); i++) {
		if (strcmp(action_names[i].name, name) == 0) {
			*out = action_names[i].action;
			return 0;
		}
	}
	return -EINVAL;
}

static const struct {
	const char *name;
	enum scmp_compare op;
} op_names[] = {
        {"SCMP_CMP_NE", SCMP_CMP_NE},
        {"SCMP_CMP_LT", SCMP_CMP_LT},
        {"SCMP_CMP_LE", SCMP_CMP_LE},
        {"SCMP_CMP_EQ", SCMP_CMP_EQ},
        {"SCMP_CMP_GE", SCMP_CMP_GE},
        {"SCMP_CMP_GT", SCMP_CMP_GT},
        {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

int policy_op_from_name(const char *name, enum scmp_compare *out)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(op_names); i++) {
		if (strcmp(op_names[i].name, name) == 0) {
			*out = op_names[i].op;
			return 0;
		}
	}
	return -EINVAL;
}

const char *policy_op_name(enum scmp_compare op)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(op_names); i++)
		if (op_names[i].op == op)
			return op_names[i].name;
	return "SCMP_CMP_?";
}

/*
 * libseccomp spells the profile's names in lower case without the prefix ("x86_64",
 * "mipsel64n32"), so a name is translated rather than listed here, and every arch that this
 * libseccomp knows is accepted.
 */
uint32_t policy_arch_from_name(const char *name)
{
	static const char prefix[] = "SCMP_ARCH_";
	char lower[32];
	size_t i;

	if (strncmp(name, prefix, sizeof(prefix) - 1) != 0)
		return 0;
	name += sizeof(prefix) - 1;
	if (*name == '\0' || strlen(name) >= sizeof(lower))
		return 0;
	for (i = 0; name[i] != '\0'; i++) {
		char c = name[i];

		/* Profiles write these names in upper case; "SCMP_ARCH_x86" is not one of them. */
		if (c >= 'a' && c <= 'z')
			return 0;
		lower[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	lower[i] = '\0';
	return seccomp_arch_resolve_name(lower);
}

/* Go's GOARCH names and libseccomp's for the same arch. */
static const struct {
	const char *go;
	const char *libseccomp;
} go_arch_names[] = {
        {"amd64", "x86_64"},
        {"386", "x86"},
        {"x32", "x32"},
        {"arm", "arm"},
        {"arm64", "aarch64"},
        {"mips", "mips"},
        {"mipsle", "mipsel"},
        {"mips64", "mips64"},
        {"mips64le", "mipsel64"},
        {"mips64n32", "mips64n32"},
        {"mips64len32", "mipsel64n32"},
        {"ppc", "ppc"},
        {"ppc64", "ppc64"},
        {"ppc64le", "ppc64le"},
        {"s390", "s390"},
        {"s390x", "s390x"},
        {"riscv64", "riscv64"},
        {"parisc", "parisc"},
        {"parisc64", "parisc64"},
};

uint32_t policy_arch_from_filter_name(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(go_arch_names); i++)
		if (strcmp(go_arch_names[i].go, name) == 0)
			return seccomp_arch_resolve_name(go_arch_names[i].libseccomp);
	return policy_arch_from_name(name);
}

static const struct {
	const char *name;
	unsigned flag;
} flag_names[] = {
        {"SECCOMP_FILTER_FLAG_TSYNC", POLICY_FLAG_TSYNC},
        {"SECCOMP_FILTER_FLAG_LOG", POLICY_FLAG_LOG},
        {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", POLICY_FLAG_SPEC_ALLOW},
        {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", POLICY_FLAG_WAIT_KILLABLE_RECV},
};

int policy_flag_from_name(const char *name, unsigned *out)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(flag_names); i++) {
		if (strcmp(flag_names[i].name, name) == 0) {
			*out = flag_names[i].flag;
			return 0;
		}
	}
	return -EINVAL;
}

const char *policy_op_symbol(enum scmp_compare op)
{
	switch (op) {
	case SCMP_CMP_NE:
		return "!=";
	case SCMP_CMP_LT:
		return "<";
	case SCMP_CMP_LE:
		return "<=";
	case SCMP_CMP_EQ:
		return "==";
	case SCMP_CMP_GE:
		return ">=";
	case SCMP_CMP_GT:
		return ">";
	default:
		return "?";
	}
}
