/* SPDX-License-Identifier: MIT */
/* The client side of the control socket, shared by `bouncer ctl`'s commands (cmd_ctl.c) and
 * its interactive review (ctl_review.c). */
#ifndef BOUNCER_CTL_CLIENT_H
#define BOUNCER_CTL_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "control.h"

struct ctl_conn {
	int fd;
	char buf[CONTROL_LINE_MAX + 1];
	size_t len; /* bytes read and not yet returned as lines */
};

/* Sends one request line (takes the reference). Returns 0 or -1. */
int ctl_send(struct ctl_conn *c, json_t *request);

/*
 * Reads one line (a JSON object). timeout_ms < 0: wait without limit. Returns the object (new
 * reference), or NULL at EOF, on timeout or on a malformed line, with *why saying which.
 */
json_t *ctl_read(struct ctl_conn *c, int timeout_ms, const char **why);

bool ctl_reply_ok(json_t *reply);

/* "0x3, 0x10": the arguments of a held call, without trailing zero registers. */
void ctl_format_args(json_t *args, char *buf, size_t size);

/* `bouncer ctl review` on a connected socket; stdin is a terminal. Returns 0 or -1. */
int ctl_review(struct ctl_conn *c);

#endif
