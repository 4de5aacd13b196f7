/* SPDX-License-Identifier: MIT */
/*
 * The control socket of `bouncer run` (docs/control.md): a unix stream socket, mode 0600, on
 * which `bouncer ctl` (or any script) sends one JSON object per line and reads one JSON object
 * per line back. Only the run's own uid and root may connect: every connection's peer
 * credentials (SO_PEERCRED) are checked, and refusals are logged on stderr.
 *
 * This file is the transport only: accepting, credentials, line framing, writing and
 * subscriptions. What a request means is the handler's business (live.c).
 *
 * Nothing here keeps the loop alive: the handles are unreferenced, and control_close() (from
 * `run`'s finish) closes them and removes the socket file.
 */
#ifndef BOUNCER_CONTROL_H
#define BOUNCER_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/un.h>

#include <jansson.h>
#include <uv.h>

#include "error.h"

/* Longest request line accepted; a client that sends more is disconnected. */
#define CONTROL_LINE_MAX (64 * 1024)
/* At close, how long what is still unwritten to clients (watch) may delay the end of the run. */
#define CONTROL_DRAIN_MS 2000
/* Events for a subscriber are dropped while this much is still unwritten to it. */
#define CONTROL_BACKLOG_MAX (8 * 1024 * 1024)

enum control_topic {
	CONTROL_TOPIC_RECORDS = 1u << 0, /* `ctl watch`: every decision record */
	CONTROL_TOPIC_PENDING = 1u << 1, /* `ctl review`: held / answered / gone */
};

struct control_client;
struct control;

/* Answers one request (a JSON object); returns the reply (new reference). */
typedef json_t *(*control_handler)(struct control *c, struct control_client *client,
                                   json_t *request);

struct control {
	uv_loop_t *loop;
	uv_pipe_t server;
	bool open;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	uid_t owner; /* who may connect, besides root */
	struct control_client *clients;
	unsigned subscribers[2]; /* per topic bit */
	control_handler handle;
	void *data;
	unsigned long refused;
	uv_timer_t drain_timer; /* bounds the wait for clients that still have output */
	bool draining;
};

/*
 * Creates the socket at path (mode 0600; a stale socket left by a dead run is replaced, a live
 * one is an error) and starts accepting. Returns 0 or a negative errno with err set.
 */
int control_open(struct control *c, uv_loop_t *loop, const char *path, control_handler handle,
                 void *data, bouncer_error_t *err);

/*
 * Closes the server, removes the socket file, and closes every client once what was sent to it
 * is written (at most CONTROL_DRAIN_MS, so that `watch` sees the last records).
 */
void control_close(struct control *c);

/* The directory for default socket paths: /run/bouncer (root), $XDG_RUNTIME_DIR/bouncer, or
 * /tmp/bouncer-UID. */
void control_default_dir(char *buf, size_t size);

/* Creates the default directory (mode 0700) and fills buf with DIR/PID.sock. */
int control_default_path(char *buf, size_t size, bouncer_error_t *err);

uid_t control_client_uid(const struct control_client *client);
void control_client_subscribe(struct control_client *client, unsigned topics);
bool control_has_subscribers(const struct control *c, unsigned topic);

/* Sends msg (one line) to one client, or a preformatted line ending in '\n' to subscribers. */
void control_send(struct control_client *client, json_t *msg);
void control_broadcast(struct control *c, unsigned topic, const char *line, size_t len);

#endif
