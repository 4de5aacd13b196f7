/* SPDX-License-Identifier: MIT */
#include "syscall_names.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <seccomp.h>

static const struct {
	uint32_t token;
	const char *name;
} known_arches[] = {
        {SCMP_ARCH_X86_64, "SCMP_ARCH_X86_64"},
        {SCMP_ARCH_X86, "SCMP_ARCH_X86"},
        {SCMP_ARCH_X32, "SCMP_ARCH_X32"},
        {SCMP_ARCH_ARM, "SCMP_ARCH_ARM"},
        {SCMP_ARCH_AARCH64, "SCMP_ARCH_AARCH64"},
        {SCMP_ARCH_MIPS, "SCMP_ARCH_MIPS"},
        {SCMP_ARCH_MIPS64, "SCMP_ARCH_MIPS64"},
        {SCMP_ARCH_MIPS64N32, "SCMP_ARCH_MIPS64N32"},
        {SCMP_ARCH_MIPSEL, "SCMP_ARCH_MIPSEL"},
        {SCMP_ARCH_MIPSEL64, "SCMP_ARCH_MIPSEL64"},
        {SCMP_ARCH_MIPSEL64N32, "SCMP_ARCH_MIPSEL64N32"},
        {SCMP_ARCH_PPC, "SCMP_ARCH_PPC"},
        {SCMP_ARCH_PPC64, "SCMP_ARCH_PPC64"},
        {SCMP_ARCH_PPC64LE, "SCMP_ARCH_PPC64LE"},
        {SCMP_ARCH_S390, "SCMP_ARCH_S390"},
        {SCMP_ARCH_S390X, "SCMP_ARCH_S390X"},
        {SCMP_ARCH_PARISC, "SCMP_ARCH_PARISC"},
        {SCMP_ARCH_PARISC64, "SCMP_ARCH_PARISC64"},
        {SCMP_ARCH_RISCV64, "SCMP_ARCH_RISCV64"},
};

const char *arch_name(uint32_t token)
{
	for (size_t i = 0; i < sizeof(known_arches) / sizeof(known_arches[0]); i++)
		if (known_arches[i].token == token)
			return known_arches[i].name;
	return NULL;
}

int arch_index(uint32_t token)
{
	for (size_t i = 0; i < sizeof(known_arches) / sizeof(known_arches[0]); i++)
		if (known_arches[i].token == token)
			return (int)i;
	return -1;
}

uint32_t syscall_call_arch(uint32_t reported_arch, int nr)
{
	if (reported_arch == SCMP_ARCH_X86_64 && ((uint32_t)nr & X32_SYSCALL_BIT))
		return SCMP_ARCH_X32;
	return reported_arch;
}

static struct syscall_names_arch *find_arch(const struct syscall_names *names, uint32_t token)
{
	for (size_t i = 0; i < names->n_arches; i++)
		if (names->arches[i].token == token)
			return &names->arches[i];
	return NULL;
}

int syscall_names_init(struct syscall_names *names, const uint32_t *arches, size_t n_arches)
{
	memset(names, 0, sizeof(*names));
	names->arches = calloc(n_arches ? n_arches : 1, sizeof(*names->arches));
	if (names->arches == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n_arches; i++) {
		struct syscall_names_arch *a;

		if (find_arch(names, arches[i]) != NULL)
			continue;
		a = &names->arches[names->n_arches++];
		a->token = arches[i];
		for (int nr = 0; nr < SYSCALL_TABLE_SIZE; nr++) {
			int kernel_nr = nr;

			/* libseccomp's x32 table is keyed by the number as the kernel sees it. */
			if (a->token == SCMP_ARCH_X32)
				kernel_nr = (int)((uint32_t)nr | X32_SYSCALL_BIT);
			a->names[nr] = seccomp_syscall_resolve_num_arch(a->token, kernel_nr);
		}
	}
	return 0;
}

void syscall_names_release(struct syscall_names *names)
{
	for (size_t i = 0; i < names->n_arches; i++)
		for (int nr = 0; nr < SYSCALL_TABLE_SIZE; nr++)
			free((char *)names->arches[i].names[nr]);
	free(names->arches);
	memset(names, 0, sizeof(*names));
}

const char *syscall_name(const struct syscall_names *names, uint32_t arch, int nr)
{
	const struct syscall_names_arch *a = find_arch(names, arch);
	uint32_t index = (uint32_t)nr & ~X32_SYSCALL_BIT;

	if (a == NULL || index >= SYSCALL_TABLE_SIZE)
		return NULL;
	return a->names[index];
}
