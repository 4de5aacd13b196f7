/* SPDX-License-Identifier: MIT */
/* Statistics over repetitions and the table the bench prints. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

void bench_fail(struct bench_result *result, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(result->reason, sizeof(result->reason), fmt, ap);
	va_end(ap);
	result->ok = false;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double bench_median(const struct bench_result *result)
{
	double sorted[BENCH_MAX_REPS];
	int n = result->n;

	memcpy(sorted, result->ns, sizeof(double) * (size_t)n);
	qsort(sorted, (size_t)n, sizeof(double), compare_double);
	return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

double bench_min(const struct bench_result *result)
{
	double min = result->ns[0];

	for (int i = 1; i < result->n; i++)
		if (result->ns[i] < min)
			min = result->ns[i];
	return min;
}

static void print_ratio(const struct bench_row *row)
{
	const struct bench_result *ref = row->reference;
	char goal[32] = "-";
	double ratio;

	if (!ref) {
		printf(" %7s  %-10s %s\n", "1.00", "(itself)", goal);
		return;
	}
	if (!ref->ok) {
		printf(" %7s  %-10s %s\n", "n/a", row->reference_name, "(reference failed)");
		return;
	}
	ratio = bench_median(row->result) / bench_median(ref);
	if (row->goal > 0)
		snprintf(goal, sizeof(goal), "<= %.2f %s", row->goal,
		         ratio <= row->goal ? "met" : "MISSED");
	printf(" %7.2f  %-10s %s\n", ratio, row->reference_name, goal);
}

void bench_print_table(const struct bench_row *rows, size_t n_rows)
{
	int note = 0, width = 34;

	/* The case column fits the longest name, so rows added later keep the table aligned. */
	for (size_t i = 0; i < n_rows; i++)
		if ((int)strlen(rows[i].name) > width)
			width = (int)strlen(rows[i].name);
	printf("%-*s %14s %10s %10s %7s  %-10s %s\n", width, "case", "calls", "ns/call", "min",
	       "ratio", "vs", "goal");
	printf("%-*s %14s %10s %10s\n", width, "", "(reps x N)", "(median)", "");
	for (size_t i = 0; i < n_rows; i++) {
		const struct bench_row *row = &rows[i];
		const struct bench_result *r = row->result;
		char calls[32];

		if (!r->ok) {
			printf("%-*s %s\n", width, row->name, r->reason);
			continue;
		}
		snprintf(calls, sizeof(calls), "%d x %ld", r->n, r->calls);
		printf("%-*s %14s %10.1f %10.1f", width, row->name, calls, bench_median(r),
		       bench_min(r));
		print_ratio(row);
	}
	for (size_t i = 0; i < n_rows; i++) {
		if (rows[i].result->note[0] == '\0')
			continue;
		if (note++ == 0)
			printf("\nnotes:\n");
		printf("  %s: %s\n", rows[i].name, rows[i].result->note);
	}
}
