/* SPDX-License-Identifier: MIT */
/*
 * Error reporting for the loading/validating layer (CLI, policy files).
 *
 * Convention (see docs/HACKING.md):
 *  - Loading code returns 0 or a negative errno and fills a bouncer_error_t whose message is
 *    complete and ready to print ("policy.json:12:5: syscalls[3].args[0].op: unknown operator").
 *  - Callers that add context use bouncer_error_wrap(), which prefixes the existing message.
 *  - The notification hot path never uses this type: it returns 0 or -errno and records.
 */
#ifndef BOUNCER_ERROR_H
#define BOUNCER_ERROR_H

#include <stddef.h>

#define BOUNCER_ERROR_MAX 1024

typedef struct bouncer_error {
	int code;                     /* negative errno, 0 when no error is set */
	char msg[BOUNCER_ERROR_MAX];  /* human-readable, no trailing newline */
} bouncer_error_t;

/* Sets err (if not NULL) and returns code (a negative errno), so callers can write
 * `return bouncer_error_set(err, -EINVAL, "...")`. */
int bouncer_error_set(bouncer_error_t *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefixes err->msg with the formatted context and ": ". Returns err->code. */
int bouncer_error_wrap(bouncer_error_t *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void bouncer_error_clear(bouncer_error_t *err);

#endif
