/* SPDX-License-Identifier: MIT */
/* SCMP_ARCH_* names. libseccomp 2.5 resolves a name to a token but has no token → name. */
#include <string.h>

#include "prof.h"

struct arch_info {
	const char *name;
	uint32_t token;
	uint32_t family; /* the arch whose archMap entry lists this one as a sub-architecture */
};

/* Order = output order: the common families first, each native arch before its compat ABIs. */
static const struct arch_info arches[] = {
        {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64, SCMP_ARCH_X86_64},
        {"SCMP_ARCH_X86", SCMP_ARCH_X86, SCMP_ARCH_X86_64},
        {"SCMP_ARCH_X32", SCMP_ARCH_X32, SCMP_ARCH_X86_64},
        {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64, SCMP_ARCH_AARCH64},
        {"SCMP_ARCH_ARM", SCMP_ARCH_ARM, SCMP_ARCH_AARCH64},
        {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64, SCMP_ARCH_RISCV64},
        {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE, SCMP_ARCH_PPC64LE},
        {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64, SCMP_ARCH_PPC64},
        {"SCMP_ARCH_PPC", SCMP_ARCH_PPC, SCMP_ARCH_PPC64},
        {"SCMP_ARCH_S390X", SCMP_ARCH_S390X, SCMP_ARCH_S390X},
        {"SCMP_ARCH_S390", SCMP_ARCH_S390, SCMP_ARCH_S390X},
        {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64, SCMP_ARCH_MIPS64},
        {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32, SCMP_ARCH_MIPS64},
        {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64},
        {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64, SCMP_ARCH_MIPSEL64},
        {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32, SCMP_ARCH_MIPSEL64},
        {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL, SCMP_ARCH_MIPSEL64},
        {"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64, SCMP_ARCH_PARISC64},
        {"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC, SCMP_ARCH_PARISC64},
};

#define N_ARCHES (sizeof(arches) / sizeof(arches[0]))

static const struct arch_info *arch_find(uint32_t token)
{
	for (size_t i = 0; i < N_ARCHES; i++)
		if (arches[i].token == token)
			return &arches[i];
	return NULL;
}

uint32_t prof_arch_token(const char *name, size_t len)
{
	for (size_t i = 0; i < N_ARCHES; i++)
		if (strlen(arches[i].name) == len && memcmp(arches[i].name, name, len) == 0)
			return arches[i].token;
	return 0;
}

const char *prof_arch_name(uint32_t token)
{
	const struct arch_info *a = arch_find(token);
	return a ? a->name : NULL;
}

uint32_t prof_arch_family(uint32_t token)
{
	const struct arch_info *a = arch_find(token);
	return a ? a->family : token;
}

int prof_arch_cmp(uint32_t a, uint32_t b)
{
	const struct arch_info *ia = arch_find(a), *ib = arch_find(b);
	size_t ka = ia ? (size_t)(ia - arches) : N_ARCHES,
	       kb = ib ? (size_t)(ib - arches) : N_ARCHES;

	if (ka != kb)
		return ka < kb ? -1 : 1;
	return a < b ? -1 : a > b;
}
