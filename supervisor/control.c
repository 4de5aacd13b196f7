/* SPDX-License-Identifier: MIT */
#include "control.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

struct control_client {
	uv_pipe_t pipe; /* first member: the handle's address is the client's */
	struct control *c;
	struct control_client *next;
	uid_t uid;
	pid_t pid;
	unsigned topics;
	bool closing;
	bool draining;
	uv_shutdown_t shutdown;
	char *line;
	size_t len;
};

struct write_req {
	uv_write_t req;
	size_t len;
	char data[];
};

uid_t control_client_uid(const struct control_client *client)
{
	return client->uid;
}

bool control_has_subscribers(const struct control *c, unsigned topic)
{
	return c != NULL && c->open && c->subscribers[topic == CONTROL_TOPIC_RECORDS ? 0 : 1] != 0;
}

void control_client_subscribe(struct control_client *client, unsigned topics)
{
	for (unsigned bit = 0; bit < 2; bit++)
		if ((topics & (1u << bit)) && !(client->topics & (1u << bit)))
			client->c->subscribers[bit]++;
	client->topics |= topics;
}

static void on_client_closed(uv_handle_t *handle)
{
	struct control_client *client = (struct control_client *)handle;

	free(client->line);
	free(client);
}

static void client_close(struct control_client *client)
{
	struct control *c = client->c;

	if (client->closing)
		return;
	client->closing = true;
	for (unsigned bit = 0; bit < 2; bit++)
		if (client->topics & (1u << bit))
			c->subscribers[bit]--;
	client->topics = 0;
	for (struct control_client **p = &c->clients; *p != NULL; p = &(*p)->next) {
		if (*p == client) {
			*p = client->next;
			break;
		}
	}
	uv_close((uv_handle_t *)&client->pipe, on_client_closed);
}

static void on_written(uv_write_t *req, int status)
{
	free(req);
}

static void send_raw(struct control_client *client, const char *data, size_t len)
{
	struct write_req *w;
	uv_buf_t buf;

	if (client->closing)
		return;
	w = malloc(sizeof(*w) + len);
	if (w == NULL)
		return;
	memcpy(w->data, data, len);
	w->len = len;
	buf = uv_buf_init(w->data, (unsigned)len);
	if (uv_write(&w->req, (uv_stream_t *)&client->pipe, &buf, 1, on_written) < 0)
		free(w);
}

void control_send(struct control_client *client, json_t *msg)
{
	char *text = json_dumps(msg, JSON_COMPACT);
	size_t len;

	if (text == NULL)
		return;
	len = strlen(text);
	text[len] = '\0';
	send_raw(client, text, len);
	send_raw(client, "\n", 1);
	free(text);
}

void control_broadcast(struct control *c, unsigned topic, const char *line, size_t len)
{
	for (struct control_client *client = c->clients; client != NULL; client = client->next) {
		if (!(client->topics & topic))
			continue;
		/* A subscriber that does not read must not make the supervisor grow without end. */
		if (uv_stream_get_write_queue_size((uv_stream_t *)&client->pipe) >
		    CONTROL_BACKLOG_MAX)
			continue;
		send_raw(client, line, len);
	}
}

static void handle_line(struct control_client *client, const char *line, size_t len)
{
	json_error_t jerr;
	json_t *request = json_loadb(line, len, 0, &jerr), *reply;

	if (len == 0)
		return;
	if (!json_is_object(request)) {
		reply = json_pack("{s:b,s:s}", "ok", 0, "error",
		                  request == NULL ? "malformed request: not JSON"
		                                  : "malformed request: expected a JSON object");
	} else {
		reply = client->c->handle(client->c, client, request);
	}
	json_decref(request);
	if (reply != NULL) {
		control_send(client, reply);
		json_decref(reply);
	}
}

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
	static char chunk[16 * 1024];

	/* One read at a time on the loop thread: a static chunk, appended to the line buffer. */
	*buf = uv_buf_init(chunk, sizeof(chunk));
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct control_client *client = (struct control_client *)stream;
	size_t start = 0;

	if (nread < 0) {
		client_close(client);
		return;
	}
	for (size_t i = 0; i < (size_t)nread && !client->closing; i++) {
		if (buf->base[i] != '\n')
			continue;
		if (client->len + (i - start) > CONTROL_LINE_MAX) {
			client_close(client);
			return;
		}
		if (client->len == 0) {
			handle_line(client, buf->base + start, i - start);
		} else {
			memcpy(client->line + client->len, buf->base + start, i - start);
			handle_line(client, client->line, client->len + (i - start));
			client->len = 0;
		}
		start = i + 1;
	}
	if (client->closing || start == (size_t)nread)
		return;
	if (client->line == NULL)
		client->line = malloc(CONTROL_LINE_MAX);
	if (client->line == NULL || client->len + ((size_t)nread - start) > CONTROL_LINE_MAX) {
		client_close(client);
		return;
	}
	memcpy(client->line + client->len, buf->base + start, (size_t)nread - start);
	client->len += (size_t)nread - start;
}

static void refuse(struct control_client *client, const char *why)
{
	json_t *reply = json_pack("{s:b,s:s}", "ok", 0, "error", why);

	control_send(client, reply);
	json_decref(reply);
	client_close(client);
}

static void on_connection(uv_stream_t *server, int status)
{
	struct control *c = (struct control *)((char *)server - offsetof(struct control, server));
	struct control_client *client;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	uv_os_fd_t fd;
	char why[256];

	if (status < 0)
		return;
	client = calloc(1, sizeof(*client));
	if (client == NULL)
		return;
	client->c = c;
	uv_pipe_init(c->loop, &client->pipe, 0);
	uv_unref((uv_handle_t *)&client->pipe);
	client->next = c->clients;
	c->clients = client;
	if (uv_accept(server, (uv_stream_t *)&client->pipe) < 0) {
		client_close(client);
		return;
	}
	if (uv_fileno((uv_handle_t *)&client->pipe, &fd) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		fprintf(stderr, "bouncer: control: refused a connection whose credentials cannot "
		                "be read\n");
		c->refused++;
		refuse(client, "refused: peer credentials unavailable");
		return;
	}
	client->uid = cred.uid;
	client->pid = cred.pid;
	if (cred.uid != 0 && cred.uid != c->owner) {
		fprintf(stderr,
		        "bouncer: control: refused a connection from uid %u (pid %d): only uid %u "
		        "and root may control this run\n",
		        (unsigned)cred.uid, (int)cred.pid, (unsigned)c->owner);
		c->refused++;
		snprintf(why, sizeof(why),
		         "refused: uid %u may not control this run (only uid %u and root)",
		         (unsigned)cred.uid, (unsigned)c->owner);
		refuse(client, why);
		return;
	}
	uv_read_start((uv_stream_t *)&client->pipe, on_alloc, on_read);
}

void control_default_dir(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (geteuid() == 0)
		snprintf(buf, size, "/run/bouncer");
	else if (xdg != NULL && xdg[0] == '/')
		snprintf(buf, size, "%s/bouncer", xdg);
	else
		snprintf(buf, size, "/tmp/bouncer-%u", (unsigned)geteuid());
}

/*
 * Removes sockets of runs that are gone (DIR/PID.sock whose PID does not exist): a run killed
 * with SIGKILL cannot remove its own, and `bouncer ctl` looks for "the only socket" here.
 */
static void remove_stale(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char *end, path[PATH_MAX];
		long pid = strtol(e->d_name, &end, 10);

		if (pid <= 0 || strcmp(end, ".sock") != 0 || pid == getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
}

int control_default_path(char *buf, size_t size, bouncer_error_t *err)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat st;

	control_default_dir(dir, sizeof(dir));
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return bouncer_error_set(err, -errno, "control socket: cannot create %s: %s", dir,
		                         strerror(errno));
	/* A directory someone else owns (or others may write) could swap our socket. */
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 0022))
		return bouncer_error_set(
		        err, -EPERM,
		        "control socket: %s is not a directory of uid %u that only "
		        "it may write; give --control PATH",
		        dir, (unsigned)geteuid());
	remove_stale(dir);
	if ((size_t)snprintf(buf, size, "%s/%d.sock", dir, (int)getpid()) >= size)
		return bouncer_error_set(err, -ENAMETOOLONG, "control socket: %s: path too long",
		                         dir);
	return 0;
}

/* Whether a run still listens at path (a connect succeeds). */
static bool socket_alive(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool alive;

	if (fd < 0)
		return true;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	alive = connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
	close(fd);
	return alive;
}

int control_open(struct control *c, uv_loop_t *loop, const char *path, control_handler handle,
                 void *data, bouncer_error_t *err)
{
	char tmp[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat st;
	mode_t old_mask;
	int rc;

	memset(c, 0, sizeof(*c));
	c->loop = loop;
	c->handle = handle;
	c->data = data;
	c->owner = geteuid();
	if (strlen(path) >= sizeof(c->path))
		return bouncer_error_set(err, -ENAMETOOLONG,
		                         "control socket %s: path too long (at most %zu bytes)",
		                         path, sizeof(c->path) - 1);
	snprintf(c->path, sizeof(c->path), "%s", path);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return bouncer_error_set(err, -EEXIST,
			                         "control socket %s: exists and is not a socket",
			                         path);
		if (socket_alive(path))
			return bouncer_error_set(err, -EADDRINUSE,
			                         "control socket %s: another run listens there",
			                         path);
		unlink(path);
	}
	/*
	 * Bound under a temporary name and renamed into place once listening: between bind and
	 * listen a connect is refused (ECONNREFUSED), and a client that waits for the path to
	 * appear (a script, `bouncer ctl`, the tests) must find a socket that answers.
	 */
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.new", path) >= sizeof(tmp))
		snprintf(tmp, sizeof(tmp), "%s", path); /* no room: bind in place */
	unlink(tmp);
	uv_pipe_init(loop, &c->server, 0);
	/* Created 0600: no moment in which others could connect. The loop is single-threaded
	 * here, and nothing else creates files while the mask is narrowed. */
	old_mask = umask(0177);
	rc = uv_pipe_bind(&c->server, tmp);
	umask(old_mask);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&c->server, 16, on_connection);
	if (rc == 0 && strcmp(tmp, path) != 0 && rename(tmp, path) < 0)
		rc = uv_translate_sys_error(errno);
	if (rc < 0) {
		uv_close((uv_handle_t *)&c->server, NULL);
		unlink(tmp);
		return bouncer_error_set(err, rc, "control socket %s: %s", path, uv_strerror(rc));
	}
	uv_unref((uv_handle_t *)&c->server);
	c->open = true;
	return 0;
}

static void on_drain_timer_closed(uv_handle_t *handle)
{
}

static void drain_done(struct control *c)
{
	if (c->draining && c->clients == NULL) {
		c->draining = false;
		uv_close((uv_handle_t *)&c->drain_timer, on_drain_timer_closed);
	}
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
	struct control_client *client = req->data;
	struct control *c = client->c;

	client_close(client);
	drain_done(c);
}

static void on_drain_timeout(uv_timer_t *timer)
{
	struct control *c =
	        (struct control *)((char *)timer - offsetof(struct control, drain_timer));

	/* Clients that did not read in time lose the rest. */
	while (c->clients != NULL)
		client_close(c->clients);
	drain_done(c);
}

void control_close(struct control *c)
{
	struct control_client *client, *next;

	if (!c->open)
		return;
	c->open = false;
	uv_close((uv_handle_t *)&c->server, NULL);
	unlink(c->path);
	for (client = c->clients; client != NULL; client = next) {
		next = client->next;
		if (uv_stream_get_write_queue_size((uv_stream_t *)&client->pipe) == 0) {
			client_close(client);
			continue;
		}
		/* Keep the loop alive until the queued output is written (uv_shutdown waits for
		 * it). */
		uv_read_stop((uv_stream_t *)&client->pipe);
		uv_ref((uv_handle_t *)&client->pipe);
		client->draining = true;
		client->shutdown.data = client;
		if (uv_shutdown(&client->shutdown, (uv_stream_t *)&client->pipe, on_shutdown) < 0)
			client_close(client);
	}
	if (c->clients != NULL) {
		c->draining = true;
		uv_timer_init(c->loop, &c->drain_timer);
		uv_timer_start(&c->drain_timer, on_drain_timeout, CONTROL_DRAIN_MS, 0);
	}
}
