/* SPDX-License-Identifier: MIT */
/*
 * Names of architectures and syscalls for records, resolved once at start-up with libseccomp so
 * that the notification path only indexes arrays (libseccomp's resolver allocates).
 */
#ifndef BOUNCER_SYSCALL_NAMES_H
#define BOUNCER_SYSCALL_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* The kernel reports x32 calls with AUDIT_ARCH_X86_64 and this bit set in the number. */
#define X32_SYSCALL_BIT 0x40000000u
/* Numbers at or above this (without the x32 bit) are reported as "nr:N". */
#define SYSCALL_TABLE_SIZE 1024

struct syscall_names_arch {
	uint32_t token;                        /* SCMP_ARCH_* */
	const char *names[SYSCALL_TABLE_SIZE]; /* NULL: no name known */
};

struct syscall_names {
	struct syscall_names_arch *arches;
	size_t n_arches;
};

/* Builds tables for the given arches (SCMP_ARCH_* tokens; duplicates ignored). */
int syscall_names_init(struct syscall_names *names, const uint32_t *arches, size_t n_arches);
void syscall_names_release(struct syscall_names *names);

/*
 * The arch a call really belongs to: SCMP_ARCH_X32 for x86_64 calls with the x32 bit, else the
 * reported arch.
 */
uint32_t syscall_call_arch(uint32_t reported_arch, int nr);

/* Name of nr on arch (as returned by syscall_call_arch), or NULL. No allocation. */
const char *syscall_name(const struct syscall_names *names, uint32_t arch, int nr);

/* "SCMP_ARCH_X86_64" etc., or NULL for a token libseccomp does not know. */
const char *arch_name(uint32_t token);

/* Index of arch in a small fixed table (for counters), or -1. */
int arch_index(uint32_t token);
#define ARCH_INDEX_MAX 24

#endif
