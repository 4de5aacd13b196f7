/* SPDX-License-Identifier: MIT */
#include "agent_server.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

/* One runtime connection: the state JSON may arrive in pieces; the fds come with the first. */
struct agent_conn {
	uv_poll_t poll;          /* first member: the handle's address is the connection's */
	struct agent_conn *next; /* the server's open connections */
	int fd;
	struct agent_server *server;
	int fds[8];
	size_t n_fds;
	char *msg;
	size_t len, cap;
};

#define AGENT_MSG_MAX (1024 * 1024)

static void conn_closed(uv_handle_t *handle)
{
	struct agent_conn *c = (struct agent_conn *)handle;
	struct agent_server *s = c->server;

	for (size_t i = 0; i < c->n_fds; i++)
		if (c->fds[i] >= 0)
			close(c->fds[i]);
	close(c->fd);
	free(c->msg);
	for (struct agent_conn **p = &s->conns; *p != NULL; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			break;
		}
	}
	free(c);
	s->connections--;
}

/*
 * The whole message is in: find "seccompFd" in "fds" and hand that descriptor over. Anything
 * else received is closed (conn_closed).
 */
static void conn_finish(struct agent_conn *c)
{
	struct agent_server *s = c->server;
	json_error_t jerr;
	json_t *root = c->len ? json_loadb(c->msg, c->len, 0, &jerr) : NULL;
	json_t *names = root ? json_object_get(root, "fds") : NULL;
	long pid = root ? (long)json_integer_value(json_object_get(root, "pid")) : 0;
	size_t i;
	bool handed = false;

	for (i = 0; json_is_array(names) && i < json_array_size(names) && i < c->n_fds; i++) {
		const char *name = json_string_value(json_array_get(names, i));

		if (name != NULL && strcmp(name, "seccompFd") == 0 && c->fds[i] >= 0) {
			int rc = supervisor_add_listener(s->sup, c->fds[i]);

			c->fds[i] = -1; /* the supervisor owns it now (closed on failure too) */
			if (rc < 0) {
				fprintf(stderr,
				        "bouncer: agent: cannot watch the listener of pid %ld: "
				        "%s\n",
				        pid, uv_strerror(rc));
			} else {
				handed = true;
				s->accepted++;
				if (!s->quiet)
					fprintf(stderr, "bouncer: agent: supervising pid %ld\n",
					        pid);
			}
			break;
		}
	}
	if (!handed) {
		s->rejected++;
		fprintf(stderr, "bouncer: agent: a connection sent no seccompFd (%s)\n",
		        root == NULL ? (c->len ? jerr.text : "empty message")
		                     : "no \"seccompFd\" in \"fds\" with a descriptor");
	}
	json_decref(root);
	uv_poll_stop(&c->poll);
	uv_close((uv_handle_t *)&c->poll, conn_closed);
}

static void conn_readable(uv_poll_t *poll, int status, int events)
{
	struct agent_conn *c = (struct agent_conn *)poll;
	union {
		char buf[CMSG_SPACE(sizeof(int) * 8)];
		struct cmsghdr align;
	} control;
	char data[4096];
	struct iovec iov = {data, sizeof(data)};
	struct msghdr msg = {0};
	ssize_t n;

	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control.buf;
	msg.msg_controllen = sizeof(control.buf);
	n = recvmsg(c->fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	for (struct cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL; cm != NULL;
	     cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		size_t count = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		int fds[8];

		memcpy(fds, CMSG_DATA(cm), count * sizeof(int));
		for (size_t i = 0; i < count; i++) {
			if (c->n_fds < sizeof(c->fds) / sizeof(c->fds[0]))
				c->fds[c->n_fds++] = fds[i];
			else
				close(fds[i]);
		}
	}
	if (n > 0 && c->len + (size_t)n <= AGENT_MSG_MAX) {
		if (c->len + (size_t)n > c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 8192;
			char *grown;

			while (cap < c->len + (size_t)n)
				cap *= 2;
			grown = realloc(c->msg, cap);
			if (grown == NULL) {
				conn_finish(c);
				return;
			}
			c->msg = grown;
			c->cap = cap;
		}
		memcpy(c->msg + c->len, data, (size_t)n);
		c->len += (size_t)n;
		/* runc closes after its one message; a library client may keep the socket open. */
		json_error_t jerr;
		json_t *probe = json_loadb(c->msg, c->len, JSON_DISABLE_EOF_CHECK, &jerr);

		if (probe != NULL) {
			json_decref(probe);
			conn_finish(c);
		}
		return;
	}
	conn_finish(c); /* EOF, error, or a message too large */
}

static void on_connection(uv_poll_t *poll, int status, int events)
{
	struct agent_server *s = (struct agent_server *)poll;
	struct agent_conn *c;
	int fd = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	c = calloc(1, sizeof(*c));
	if (c == NULL || uv_poll_init(poll->loop, &c->poll, fd) < 0) {
		free(c);
		close(fd);
		return;
	}
	c->fd = fd;
	c->server = s;
	c->next = s->conns;
	s->conns = c;
	s->connections++;
	uv_poll_start(&c->poll, UV_READABLE | UV_DISCONNECT, conn_readable);
}

int agent_server_start(struct agent_server *s, struct supervisor *sup, const char *path,
                       bouncer_error_t *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct stat st;
	int rc;

	memset(s, 0, sizeof(*s));
	s->sup = sup;
	s->fd = -1;
	if (strlen(path) >= sizeof(addr.sun_path))
		return bouncer_error_set(err, -ENAMETOOLONG, "%s: socket path too long", path);
	strcpy(addr.sun_path, path);
	/* Replace a stale socket (never another kind of file). */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return bouncer_error_set(err, -EEXIST, "%s: exists and is not a socket",
			                         path);
		unlink(path);
	}
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->fd < 0)
		return bouncer_error_set(err, -errno, "socket: %s", strerror(errno));
	/* 0600 from the start: no window in which another user could connect. */
	mode_t old = umask(0177);

	rc = bind(s->fd, (struct sockaddr *)&addr, sizeof(addr));
	umask(old);
	if (rc < 0 || listen(s->fd, 64) < 0) {
		rc = -errno;
		close(s->fd);
		return bouncer_error_set(err, rc, "%s: %s", path, strerror(-rc));
	}
	s->path = strdup(path);
	uv_poll_init(sup->loop, &s->poll, s->fd);
	uv_poll_start(&s->poll, UV_READABLE, on_connection);
	return 0;
}

static void server_closed(uv_handle_t *handle)
{
	struct agent_server *s = (struct agent_server *)handle;

	close(s->fd);
	s->fd = -1;
	if (s->on_closed != NULL)
		s->on_closed(s);
}

void agent_server_close(struct agent_server *s, void (*on_closed)(struct agent_server *server))
{
	if (s->closing)
		return;
	s->closing = true;
	s->on_closed = on_closed;
	if (s->path != NULL) {
		unlink(s->path);
		free(s->path);
		s->path = NULL;
	}
	for (struct agent_conn *c = s->conns; c != NULL; c = c->next) {
		if (!uv_is_closing((uv_handle_t *)&c->poll)) {
			uv_poll_stop(&c->poll);
			uv_close((uv_handle_t *)&c->poll, conn_closed);
		}
	}
	uv_poll_stop(&s->poll);
	uv_close((uv_handle_t *)&s->poll, server_closed);
}
