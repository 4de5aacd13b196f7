/* SPDX-License-Identifier: MIT */
/*
 * Counts of decisions per (arch, syscall, action, rule) for the human summary printed at exit.
 * Fixed-size open-addressing table: counting never allocates. Distinct keys beyond the table's
 * capacity are counted in `overflow` and said in the summary.
 */
#ifndef BOUNCER_SUMMARY_H
#define BOUNCER_SUMMARY_H

#include <stdint.h>
#include <stdio.h>

#include "record.h"
#include "syscall_names.h"

#define SUMMARY_SLOTS 4096 /* power of two */

struct summary_entry {
	uint64_t count; /* 0: free */
	uint32_t arch;
	int nr;
	enum record_action action;
	enum record_would would;
	int errno_value;
	long rule_index;
	const char *rule_comment;
};

struct summary {
	struct summary_entry slots[SUMMARY_SLOTS];
	unsigned used;
	uint64_t overflow;
	uint64_t total;
};

void summary_init(struct summary *summary);
void summary_count(struct summary *summary, const struct record *r, uint32_t arch);

/* Prints per syscall: how many were allowed, denied, logged, killed, and by which rule. */
void summary_print(const struct summary *summary, const struct syscall_names *names, FILE *out);

#endif
