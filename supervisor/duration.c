/* SPDX-License-Identifier: MIT */
#include "duration.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *suffix;
	uint64_t ms;
} units[] = {
        {"ms", 1}, {"s", 1000}, {"", 1000}, {"m", 60 * 1000}, {"h", 60 * 60 * 1000},
};

int duration_parse(const char *text, uint64_t *ms)
{
	uint64_t value = 0;
	const char *p = text;

	if (text == NULL || *p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (value > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		value = value * 10 + (uint64_t)(*p - '0');
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(p, units[i].suffix) != 0)
			continue;
		if (value > UINT64_MAX / units[i].ms)
			return -ERANGE;
		if (value == 0)
			return -EINVAL;
		*ms = value * units[i].ms;
		return 0;
	}
	return -EINVAL;
}

void duration_format(uint64_t ms, char *buf, size_t size)
{
	if (ms != 0 && ms % (60 * 60 * 1000) == 0)
		snprintf(buf, size, "%lluh", (unsigned long long)(ms / (60 * 60 * 1000)));
	else if (ms != 0 && ms % (60 * 1000) == 0)
		snprintf(buf, size, "%llum", (unsigned long long)(ms / (60 * 1000)));
	else if (ms != 0 && ms % 1000 == 0)
		snprintf(buf, size, "%llus", (unsigned long long)(ms / 1000));
	else
		snprintf(buf, size, "%llums", (unsigned long long)ms);
}
