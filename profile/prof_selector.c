/* SPDX-License-Identifier: MIT */
/*
 * Selector arguments: scalar arguments that select *what* a syscall does (an address family, a
 * request code, a set of flags), so that a handful of recorded values makes a meaningful
 * condition. Pointer arguments are never selectors: the kernel's filter sees only the address,
 * and conditions on it mean nothing. docs/profile.md has this table in prose.
 *
 * The indexes are those of x86_64, i386 and arm64 (clone's flags are argument 1 only on s390,
 * which bouncer does not generate conditions for).
 */
#include <string.h>

#include "prof.h"

#define ALL ~(uint64_t)0
/* CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |
 * CLONE_NEWNET: the bits Docker's default profile masks too (CLONE_NEWTIME is only valid in
 * clone3, whose flags live behind a pointer). */
#define CLONE_NS_BITS 0x7e020000ull
/* SOCK_TYPE_MASK: the type without SOCK_NONBLOCK / SOCK_CLOEXEC. */
#define SOCK_TYPE_BITS 0xfull
/* PROT_WRITE | PROT_EXEC: only their combination matters (never write+exec when never seen). */
#define PROT_WX 0x6ull

/* Sorted by name (bsearch). */
static const struct prof_selector selectors[] = {
        {"clone",
         1,
         {{0, PROF_SEL_NSMASK, CLONE_NS_BITS}},
         64,
         "namespace flags never used stay forbidden"},
        {"fcntl", 1, {{1, PROF_SEL_EQ, ALL}}, 16, "cmd"},
        {"fcntl64", 1, {{1, PROF_SEL_EQ, ALL}}, 16, "cmd"},
        {"ioctl", 1, {{1, PROF_SEL_EQ, ALL}}, 32, "request"},
        {"mmap", 1, {{2, PROF_SEL_MASKED, PROT_WX}}, 4, "prot: write and exec combinations"},
        {"mmap2", 1, {{2, PROF_SEL_MASKED, PROT_WX}}, 4, "prot: write and exec combinations"},
        {"mprotect", 1, {{2, PROF_SEL_MASKED, PROT_WX}}, 4, "prot: write and exec combinations"},
        {"personality", 1, {{0, PROF_SEL_EQ, ALL}}, 8, "persona"},
        {"pkey_mprotect",
         1,
         {{2, PROF_SEL_MASKED, PROT_WX}},
         4,
         "prot: write and exec combinations"},
        {"prctl", 1, {{0, PROF_SEL_EQ, ALL}}, 16, "option"},
        {"socket",
         2,
         {{0, PROF_SEL_EQ, ALL}, {1, PROF_SEL_MASKED, SOCK_TYPE_BITS}},
         16,
         "domain and type"},
        {"socketpair",
         2,
         {{0, PROF_SEL_EQ, ALL}, {1, PROF_SEL_MASKED, SOCK_TYPE_BITS}},
         16,
         "domain and type"},
};

#define N_SELECTORS (sizeof(selectors) / sizeof(selectors[0]))

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct prof_selector *)elem)->syscall);
}

const struct prof_selector *prof_selector_find(const char *name)
{
	return bsearch(name, selectors, N_SELECTORS, sizeof(selectors[0]), cmp_name);
}

const struct prof_selector *prof_selector_table(size_t *n)
{
	*n = N_SELECTORS;
	return selectors;
}
