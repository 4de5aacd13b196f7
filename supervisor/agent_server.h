/* SPDX-License-Identifier: MIT */
/*
 * The seccomp agent side of the OCI runtime-spec (linux.seccomp.listenerPath): a unix socket
 * that runc, crun (and through them Docker, Podman, Kubernetes) connect to, sending one
 * ContainerProcessState JSON with the listener fd as SCM_RIGHTS ("fds": ["seccompFd"]), then
 * closing. Programs using libbouncer-sandbox (include/bouncer/sandbox.h) send the same message.
 * Every listener received is handed to the supervisor; one loop serves them all.
 */
#ifndef BOUNCER_AGENT_SERVER_H
#define BOUNCER_AGENT_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "error.h"
#include "supervisor.h"

struct agent_conn;

struct agent_server {
	uv_poll_t poll; /* the listening socket */
	int fd;
	char *path;
	struct supervisor *sup;
	bool quiet;
	struct agent_conn *conns; /* open client connections */
	unsigned connections;
	uint64_t accepted; /* listeners received */
	uint64_t rejected; /* connections that sent no usable listener */
	bool closing;
	void (*on_closed)(struct agent_server *server);
};

/* Listens on path (an existing socket file there is replaced; mode 0600). */
int agent_server_start(struct agent_server *server, struct supervisor *sup, const char *path,
                       bouncer_error_t *err);

/* Stops listening and removes the socket file; on_closed runs when every handle is closed. */
void agent_server_close(struct agent_server *server,
                        void (*on_closed)(struct agent_server *server));

#endif
