/* SPDX-License-Identifier: MIT */
/*
 * `bouncer ctl`: the client of a run's control socket (docs/control.md). One request and one
 * reply per command, except `watch` and `review`, which subscribe and then read events until
 * the run ends. Plain blocking sockets with poll() time limits: a client has nothing else to
 * do while it waits.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "control.h"
#include "ctl_client.h"
#include "duration.h"

/* How long a one-shot command waits for its reply: a live supervisor answers in microseconds. */
#define CTL_REPLY_TIMEOUT_MS 10000

enum {
	CTL_OK = 0,
	CTL_FAILED = 1, /* the supervisor said no (unknown id, refused, invalid file) */
	CTL_USAGE = 2,
};

static const char *socket_path;

static void usage(FILE *out)
{
	fputs("Usage: bouncer ctl [--socket PATH] COMMAND [ARGS]\n"
	      "\n"
	      "Talk to a running `bouncer run` through its control socket (docs/control.md).\n"
	      "\n"
	      "Commands:\n"
	      "  pending [--json]              held syscalls waiting for an answer\n"
	      "  allow ID [--remember SCOPE]   let a held syscall run (SCOPE: once, process,\n"
	      "                                always)\n"
	      "  deny ID [--errno E] [--remember SCOPE]\n"
	      "                                fail a held syscall (default: the profile's "
	      "errno)\n"
	      "  review                        answer held syscalls one key at a time "
	      "(terminal)\n"
	      "  watch [--json]                stream decisions as they are made\n"
	      "  grant SYSCALL [--args I=V,...] [--pid PID] [--for DURATION] [--count N]\n"
	      "        [--path GLOB | --address PATTERN]\n"
	      "                                allow more than the policy, for a while\n"
	      "  revoke ID                     remove a grant or remembered rule\n"
	      "  rules [--json]                active grants and remembered rules\n"
	      "  reload [FILE]                 re-read the policy (the run's file, or FILE)\n"
	      "  stats [--json]                counts, held syscalls, answer latencies\n"
	      "\n"
	      "  --socket PATH   the run's socket (default: $BOUNCER_SOCKET, else the only socket\n"
	      "                  in /run/bouncer (root) or $XDG_RUNTIME_DIR/bouncer)\n"
	      "\n"
	      "Exit status: 0 done; 1 the run refused or failed (unknown id, no such socket, "
	      "...);\n"
	      "2 usage error. Every command has --help.\n",
	      out);
}

/* ---- connection ------------------------------------------------------------------------ */

/* Whether a run still listens at dir/name (a run killed with SIGKILL leaves its socket). */
static bool socket_listens(const char *dir, const char *name)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	if (fd < 0)
		return true;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/%s", dir, name);
	ok = connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 || errno != ECONNREFUSED;
	close(fd);
	return ok;
}

static int find_socket(char *path, size_t size)
{
	const char *env = getenv("BOUNCER_SOCKET");
	char dir[PATH_MAX], found[PATH_MAX] = "";
	struct dirent *e;
	unsigned n = 0;
	DIR *d;

	if (socket_path != NULL) {
		snprintf(path, size, "%s", socket_path);
		return 0;
	}
	if (env != NULL && env[0] != '\0') {
		snprintf(path, size, "%s", env);
		return 0;
	}
	control_default_dir(dir, sizeof(dir));
	d = opendir(dir);
	if (d == NULL) {
		fprintf(stderr,
		        "bouncer ctl: no running bouncer found (%s: %s); give --socket PATH or set "
		        "BOUNCER_SOCKET\n",
		        dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		char *end;

		/* Runs name theirs PID.sock; other sockets there (an agent's) are not runs. */
		if (strtol(e->d_name, &end, 10) > 0 && strcmp(end, ".sock") == 0 &&
		    socket_listens(dir, e->d_name)) {
			if (n++ == 0)
				snprintf(found, sizeof(found), "%s/%s", dir, e->d_name);
			else if (n == 2)
				fprintf(stderr, "bouncer ctl: several runs in %s:\n  %s\n", dir,
				        found);
			if (n >= 2)
				fprintf(stderr, "  %s/%s\n", dir, e->d_name);
		}
	}
	closedir(d);
	if (n == 0) {
		fprintf(stderr,
		        "bouncer ctl: no running bouncer found in %s; give --socket PATH or set "
		        "BOUNCER_SOCKET\n",
		        dir);
		return -1;
	}
	if (n > 1) {
		fprintf(stderr, "bouncer ctl: choose one with --socket PATH\n");
		return -1;
	}
	snprintf(path, size, "%s", found);
	return 0;
}

static int ctl_connect(struct ctl_conn *c)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char path[PATH_MAX];

	c->len = 0;
	if (find_socket(path, sizeof(path)) < 0)
		return -1;
	if (strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "bouncer ctl: %s: path too long for a unix socket\n", path);
		return -1;
	}
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		fprintf(stderr, "bouncer ctl: socket: %s\n", strerror(errno));
		return -1;
	}
	if (connect(c->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int e = errno;

		close(c->fd);
		c->fd = -1;
		if (e == ENOENT)
			fprintf(stderr,
			        "bouncer ctl: no such socket: %s (is the run still going? give "
			        "--socket PATH)\n",
			        path);
		else if (e == EACCES || e == EPERM)
			fprintf(stderr,
			        "bouncer ctl: refused: %s: %s (only the run's uid and root may "
			        "control it)\n",
			        path, strerror(e));
		else if (e == ECONNREFUSED)
			fprintf(stderr,
			        "bouncer ctl: no run listens at %s any more (stale socket)\n",
			        path);
		else
			fprintf(stderr, "bouncer ctl: cannot connect to %s: %s\n", path,
			        strerror(e));
		return -1;
	}
	return 0;
}

int ctl_send(struct ctl_conn *c, json_t *request)
{
	char *text = json_dumps(request, JSON_COMPACT);
	size_t len, done = 0;

	json_decref(request);
	if (text == NULL)
		return -1;
	len = strlen(text);
	text[len++] = '\n'; /* json_dumps' terminator becomes the line's end */
	while (done < len) {
		ssize_t n = send(c->fd, text + done, len - done, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			/* A refusal closes the connection at once: its reason may still be read. */
			break;
		}
		done += (size_t)n;
	}
	free(text);
	return 0;
}

json_t *ctl_read(struct ctl_conn *c, int timeout_ms, const char **why)
{
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);
		struct pollfd p = {.fd = c->fd, .events = POLLIN};
		ssize_t n;
		int rc;

		if (nl != NULL) {
			json_t *o = json_loadb(c->buf, (size_t)(nl - c->buf), 0, NULL);
			size_t used = (size_t)(nl - c->buf) + 1;

			memmove(c->buf, c->buf + used, c->len - used);
			c->len -= used;
			if (!json_is_object(o)) {
				json_decref(o);
				*why = "the run sent a malformed reply";
				return NULL;
			}
			return o;
		}
		if (c->len >= CONTROL_LINE_MAX) {
			*why = "the run sent an overlong line";
			return NULL;
		}
		rc = poll(&p, 1, timeout_ms);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc == 0) {
			*why = "no reply in time";
			return NULL;
		}
		n = read(c->fd, c->buf + c->len, CONTROL_LINE_MAX - c->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*why = "the run closed the connection (it ended?)";
			return NULL;
		}
		c->len += (size_t)n;
	}
}

bool ctl_reply_ok(json_t *reply)
{
	return json_is_true(json_object_get(reply, "ok"));
}

/* One request, one reply; prints the error and returns NULL when it failed. */
static json_t *call(json_t *request)
{
	static struct ctl_conn conn;
	const char *why = NULL;
	json_t *reply;

	if (ctl_connect(&conn) < 0) {
		json_decref(request);
		return NULL;
	}
	ctl_send(&conn, request);
	/* Events never come before the reply of a fresh connection: the first line answers. */
	reply = ctl_read(&conn, CTL_REPLY_TIMEOUT_MS, &why);
	close(conn.fd);
	if (reply == NULL) {
		fprintf(stderr, "bouncer ctl: %s\n", why);
		return NULL;
	}
	if (!ctl_reply_ok(reply)) {
		const char *msg = json_string_value(json_object_get(reply, "error"));

		fprintf(stderr, "bouncer ctl: %s\n", msg != NULL ? msg : "failed");
		json_decref(reply);
		return NULL;
	}
	return reply;
}

static void print_json(json_t *o)
{
	char *text = json_dumps(o, JSON_COMPACT);

	if (text != NULL)
		printf("%s\n", text);
	free(text);
}

/* ---- options shared by the commands ---------------------------------------------------- */

struct sub_options {
	bool json;
	const char *remember;
	const char *errno_text;
	const char *path;
	const char *address;
	const char *args[8];
	size_t n_args;
	long pid;
	uint64_t for_ms;
	long count;
};

/* getopt_long over a subcommand's argv; `allowed` lists the long options it takes. */
static int parse_sub(int argc, char **argv, const char *allowed, const char *synopsis,
                     const char *help, struct sub_options *o)
{
	enum {
		SUB_JSON = 256,
		SUB_REMEMBER,
		SUB_ERRNO,
		SUB_PATH,
		SUB_ADDRESS,
		SUB_ARGS,
		SUB_PID,
		SUB_FOR,
		SUB_COUNT
	};
	static const struct option longopts[] = {
	        {"json", no_argument, NULL, SUB_JSON},
	        {"remember", required_argument, NULL, SUB_REMEMBER},
	        {"errno", required_argument, NULL, SUB_ERRNO},
	        {"path", required_argument, NULL, SUB_PATH},
	        {"address", required_argument, NULL, SUB_ADDRESS},
	        {"args", required_argument, NULL, SUB_ARGS},
	        {"pid", required_argument, NULL, SUB_PID},
	        {"for", required_argument, NULL, SUB_FOR},
	        {"count", required_argument, NULL, SUB_COUNT},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	int c, index;

	memset(o, 0, sizeof(*o));
	/* 0, not 1: glibc then starts over, dropping the "+" (stop at the first non-option) of
	 * the previous parse, so options may follow the ID. */
	optind = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, &index)) != -1) {
		char *end;

		if (c == 'h') {
			printf("Usage: bouncer ctl %s\n\n%s", synopsis, help);
			return 1;
		}
		if (c == '?' || strstr(allowed, longopts[index].name) == NULL) {
			if (c != '?')
				fprintf(stderr, "bouncer ctl %s: --%s does not apply here\n",
				        argv[0], longopts[index].name);
			fprintf(stderr, "Usage: bouncer ctl %s\n", synopsis);
			return -1;
		}
		switch (c) {
		case SUB_JSON:
			o->json = true;
			break;
		case SUB_REMEMBER:
			if (strcmp(optarg, "once") && strcmp(optarg, "process") &&
			    strcmp(optarg, "always")) {
				fprintf(stderr,
				        "bouncer ctl: --remember: expected once, process or "
				        "always, "
				        "not \"%s\"\n",
				        optarg);
				return -1;
			}
			o->remember = optarg;
			break;
		case SUB_ERRNO:
			o->errno_text = optarg;
			break;
		case SUB_ADDRESS:
			o->address = optarg;
			break;
		case SUB_PATH:
			o->path = optarg;
			break;
		case SUB_ARGS:
			if (o->n_args == sizeof(o->args) / sizeof(o->args[0])) {
				fprintf(stderr, "bouncer ctl: too many --args\n");
				return -1;
			}
			o->args[o->n_args++] = optarg;
			break;
		case SUB_PID:
			o->pid = strtol(optarg, &end, 10);
			if (*end != '\0' || o->pid <= 0) {
				fprintf(stderr,
				        "bouncer ctl: --pid: expected a process id, not \"%s\"\n",
				        optarg);
				return -1;
			}
			break;
		case SUB_FOR:
			if (duration_parse(optarg, &o->for_ms) < 0) {
				fprintf(stderr,
				        "bouncer ctl: --for: expected a duration such as 500ms, "
				        "30s or "
				        "5m, not \"%s\"\n",
				        optarg);
				return -1;
			}
			break;
		case SUB_COUNT:
			o->count = strtol(optarg, &end, 10);
			if (*end != '\0' || o->count <= 0) {
				fprintf(stderr,
				        "bouncer ctl: --count: expected a positive number, not "
				        "\"%s\"\n",
				        optarg);
				return -1;
			}
			break;
		}
	}
	return 0;
}

static int parse_id(const char *text, json_int_t *id)
{
	char *end;
	long long v;

	if (text == NULL) {
		fprintf(stderr,
		        "bouncer ctl: an ID is needed (see `bouncer ctl pending` / `rules`)\n");
		return -1;
	}
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0) {
		fprintf(stderr, "bouncer ctl: \"%s\" is not an ID (a positive number)\n", text);
		return -1;
	}
	*id = v;
	return 0;
}

/* ---- commands -------------------------------------------------------------------------- */

void ctl_format_args(json_t *args, char *buf, size_t size)
{
	size_t pos = 0, last = 0;
	size_t n = json_array_size(args);

	/* Trailing zero registers are usually unused arguments: not shown. */
	for (size_t i = 0; i < n; i++)
		if (strcmp(json_string_value(json_array_get(args, i)), "0x0") != 0)
			last = i + 1;
	if (last == 0 && n > 0)
		last = 1;
	buf[0] = '\0';
	for (size_t i = 0; i < last && pos < size; i++)
		pos += (size_t)snprintf(buf + pos, size - pos, "%s%s", i ? ", " : "",
		                        json_string_value(json_array_get(args, i)));
}

/* The decoded pointer arguments of a held call, one indented line each. */
/* "also answered: 3 4 7" when the reply decided other held calls too (also_answered). */
static void print_also_answered(json_t *reply)
{
	json_t *ids = json_object_get(reply, "also_answered"), *id;
	size_t i;

	if (json_array_size(ids) == 0)
		return;
	printf("also answered:");
	json_array_foreach(ids, i, id) printf(" %lld", (long long)json_integer_value(id));
	printf("\n");
}

static void print_decoded(json_t *decoded)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(decoded, "paths"), i, v)
	{
		const char *given = json_string_value(json_object_get(v, "given"));
		const char *resolved = json_string_value(json_object_get(v, "resolved"));

		printf("      path: %s", given ? given : "?");
		if (resolved != NULL && (given == NULL || strcmp(given, resolved) != 0))
			printf(" -> %s", resolved);
		putchar('\n');
	}
	if (json_is_string(json_object_get(decoded, "address")))
		printf("      address: %s\n",
		       json_string_value(json_object_get(decoded, "address")));
	if (json_array_size(json_object_get(decoded, "argv")) > 0) {
		printf("      argv:");
		json_array_foreach(json_object_get(decoded, "argv"), i, v)
		        printf(" %s", json_string_value(v) ? json_string_value(v) : "?");
		putchar('\n');
	}
}

static int cmd_pending(int argc, char **argv)
{
	struct sub_options o;
	json_t *reply, *list, *e;
	size_t i;
	int rc = parse_sub(argc, argv, "json", "pending [--json]",
	                   "Lists the held syscalls: id, pid, executable, syscall, arguments, how\n"
	                   "long each has waited. --json prints the reply object.\n",
	                   &o);

	if (rc != 0)
		return rc > 0 ? CTL_OK : CTL_USAGE;
	reply = call(json_pack("{s:s}", "cmd", "pending"));
	if (reply == NULL)
		return CTL_FAILED;
	list = json_object_get(reply, "pending");
	if (o.json) {
		print_json(reply);
	} else if (json_array_size(list) == 0) {
		printf("nothing held\n");
	} else {
		printf("%-5s %-7s %-16s %-14s %-9s %s\n", "ID", "PID", "COMM", "SYSCALL", "WAITING",
		       "ARGS / EXE");
		json_array_foreach(list, i, e)
		{
			char args[256], waited[32];

			ctl_format_args(json_object_get(e, "args"), args, sizeof(args));
			duration_format(
			        (uint64_t)json_integer_value(json_object_get(e, "waiting_ms")),
			        waited, sizeof(waited));
			printf("%-5lld %-7lld %-16s %-14s %-9s (%s) %s\n",
			       (long long)json_integer_value(json_object_get(e, "id")),
			       (long long)json_integer_value(json_object_get(e, "pid")),
			       json_string_value(json_object_get(e, "comm")),
			       json_string_value(json_object_get(e, "syscall"))
			               ? json_string_value(json_object_get(e, "syscall"))
			               : "?",
			       waited, args, json_string_value(json_object_get(e, "exe")));
			print_decoded(json_object_get(e, "decoded"));
		}
	}
	json_decref(reply);
	return CTL_OK;
}

static int cmd_answer(int argc, char **argv, bool allow)
{
	struct sub_options o;
	json_int_t id;
	json_t *req, *reply, *remembered;
	int rc = parse_sub(
	        argc, argv, allow ? "remember" : "remember errno",
	        allow ? "allow ID [--remember once|process|always]"
	              : "deny ID [--errno E] [--remember once|process|always]",
	        allow ? "Lets the held syscall ID run. --remember process: also allow later "
	                "identical\ncalls of the same process; always: of any process, and "
	                "save the rule to\nthe run's --rules-file.\n"
	              : "Fails the held syscall ID with errno E (a name such as EACCES, or a "
	                "number;\ndefault: the profile's). --remember as for allow.\n",
	        &o);

	if (rc != 0)
		return rc > 0 ? CTL_OK : CTL_USAGE;
	if (parse_id(argv[optind], &id) < 0)
		return CTL_USAGE;
	req = json_pack("{s:s,s:I}", "cmd", allow ? "allow" : "deny", "id", id);
	if (o.remember != NULL)
		json_object_set_new(req, "remember", json_string(o.remember));
	if (o.errno_text != NULL)
		json_object_set_new(req, "errno", json_string(o.errno_text));
	reply = call(req);
	if (reply == NULL)
		return CTL_FAILED;
	remembered = json_object_get(reply, "remembered");
	if (remembered != NULL)
		printf("%s %lld; remembered as rule %lld (`bouncer ctl rules`)\n",
		       allow ? "allowed" : "denied", (long long)id,
		       (long long)json_integer_value(json_object_get(remembered, "id")));
	else
		printf("%s %lld\n", allow ? "allowed" : "denied", (long long)id);
	print_also_answered(reply);
	json_decref(reply);
	return CTL_OK;
}

/* "0=5,2=0x10" → [{"index":0,"value":"5"},...] */
static json_t *parse_args(const struct sub_options *o)
{
	json_t *list = json_array();

	for (size_t i = 0; i < o->n_args; i++) {
		char copy[256], *save = NULL, *item;

		snprintf(copy, sizeof(copy), "%s", o->args[i]);
		for (item = strtok_r(copy, ",", &save); item != NULL;
		     item = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(item, '='), *end;
			unsigned long long value;
			long index;

			if (eq == NULL)
				goto bad;
			*eq = '\0';
			index = strtol(item, &end, 10);
			if (*end != '\0' || end == item || index < 0 || index > 5)
				goto bad;
			errno = 0;
			value = strtoull(eq + 1, &end, 0);
			if (errno != 0 || *end != '\0' || end == eq + 1)
				goto bad;
			json_array_append_new(
			        list, json_pack("{s:i,s:s}", "index", (int)index, "value", eq + 1));
			(void)value;
		}
	}
	return list;
bad:
	fprintf(stderr,
	        "bouncer ctl: --args: expected INDEX=VALUE[,INDEX=VALUE...] with INDEX 0..5, "
	        "not \"%s\"\n",
	        o->args[0]);
	json_decref(list);
	return NULL;
}

static void print_rule(json_t *r)
{
	char args[256] = "";
	json_t *a;
	size_t i;
	size_t pos = 0;

	json_array_foreach(json_object_get(r, "args"), i, a) pos +=
	        (size_t)snprintf(args + pos, sizeof(args) - pos, "%s%lld=%s", i ? "," : "",
	                         (long long)json_integer_value(json_object_get(a, "index")),
	                         json_string_value(json_object_get(a, "value")));
	printf("%-4lld %-10s %-5s %-14s", (long long)json_integer_value(json_object_get(r, "id")),
	       json_string_value(json_object_get(r, "kind")),
	       json_string_value(json_object_get(r, "decision")),
	       json_string_value(json_object_get(r, "syscall")));
	if (args[0])
		printf(" args %s", args);
	if (json_object_get(r, "path"))
		printf(" path %s", json_string_value(json_object_get(r, "path")));
	if (json_object_get(r, "address"))
		printf(" address %s", json_string_value(json_object_get(r, "address")));
	if (json_object_get(r, "errno"))
		printf(" errno %s", json_string_value(json_object_get(r, "errno")));
	if (json_object_get(r, "pid"))
		printf(" pid %lld", (long long)json_integer_value(json_object_get(r, "pid")));
	if (json_object_get(r, "scope"))
		printf(" scope %s", json_string_value(json_object_get(r, "scope")));
	if (json_object_get(r, "remaining"))
		printf(" remaining %lld",
		       (long long)json_integer_value(json_object_get(r, "remaining")));
	if (json_object_get(r, "expires_in_ms")) {
		char d[32];

		duration_format((uint64_t)json_integer_value(json_object_get(r, "expires_in_ms")),
		                d, sizeof(d));
		printf(" expires in %s", d);
	}
	printf(" used %lld\n", (long long)json_integer_value(json_object_get(r, "uses")));
}

static int cmd_grant(int argc, char **argv)
{
	struct sub_options o;
	json_t *req, *reply, *args;
	int rc = parse_sub(
	        argc, argv, "path address args pid for count",
	        "grant SYSCALL [--args I=V,...] [--pid PID] [--for DURATION] "
	        "[--count N] [--path GLOB | --address PATTERN]",
	        "Allows SYSCALL on top of the policy: only calls whose argument I "
	        "equals V\n(--args), of process PID, for DURATION (500ms, 30s, 5m) "
	        "and/or N times.\nA syscall the kernel filter decides itself cannot "
	        "be granted (it never\nreaches the supervisor). --path GLOB: only "
	        "calls whose path matches, allowed by\nemulation on the checked "
	        "path (never by letting the call run on its own memory).\n"
	        "--address PATTERN: the same for connect, bind, sendto, sendmsg, sendmmsg on\n"
	        "their socket address (inet:10.0.0.0/8:443, inet6:[::1]:*, "
	        "unix:/run/*.sock,\nunix-abstract:NAME).\n",
	        &o);

	if (rc != 0)
		return rc > 0 ? CTL_OK : CTL_USAGE;
	if (argv[optind] == NULL) {
		fprintf(stderr, "bouncer ctl grant: which syscall?\n");
		return CTL_USAGE;
	}
	args = parse_args(&o);
	if (args == NULL)
		return CTL_USAGE;
	req = json_pack("{s:s,s:s,s:o}", "cmd", "grant", "syscall", argv[optind], "args", args);
	if (o.path != NULL)
		json_object_set_new(req, "path", json_string(o.path));
	if (o.address != NULL)
		json_object_set_new(req, "address", json_string(o.address));
	if (o.pid > 0)
		json_object_set_new(req, "pid", json_integer(o.pid));
	if (o.for_ms > 0)
		json_object_set_new(req, "for_ms", json_integer((json_int_t)o.for_ms));
	if (o.count > 0)
		json_object_set_new(req, "count", json_integer(o.count));
	reply = call(req);
	if (reply == NULL)
		return CTL_FAILED;
	printf("granted: ");
	print_rule(json_object_get(reply, "grant"));
	if (json_object_get(reply, "note"))
		printf("note: %s\n", json_string_value(json_object_get(reply, "note")));
	print_also_answered(reply);
	json_decref(reply);
	return CTL_OK;
}

static int cmd_revoke(int argc, char **argv)
{
	struct sub_options o;
	json_int_t id;
	json_t *reply;
	int rc = parse_sub(argc, argv, "", "revoke ID",
	                   "Removes grant or remembered rule ID (see `bouncer ctl rules`); an "
	                   "\"always\"\nrule is also removed from the rules file.\n",
	                   &o);

	if (rc != 0)
		return rc > 0 ? CTL_OK : CTL_USAGE;
	if (parse_id(argv[optind], &id) < 0)
		return CTL_USAGE;
	reply = call(json_pack("{s:s,s:I}", "cmd", "revoke", "id", id));
	if (reply == NULL)
		return CTL_FAILED;
	printf("revoked %lld\n", (long long)id);
	json_decref(reply);
	return CTL_OK;
}

static int cmd_rules(int argc, char **argv)
{
	struct sub_options o;
	json_t *reply, *list, *r;
	size_t i;
	int rc = parse_sub(argc, argv, "json", "rules [--json]",
	                   "Lists the active grants and remembered rules, in the order they "
	                   "are tried.\n",
	                   &o);

	if (rc != 0)
		return rc > 0 ? CTL_OK : CTL_USAGE;
	reply = call(json_pack("{s:s}", "cmd", "rules"));
	if (reply == NULL)
		return CTL_FAILED;
	list = json_object_get(reply, "rules");
	if (o.json)
		print_json(reply);
	else if (json_array_size(list) == 0)
		printf("no grants or remembered rules\n");
	else
		json_array_foreach(list, i, r) print_rule(r);
	json_decref(reply);
	return CTL_OK;
}

static int cmd_reload(int argc, char **argv)
{
	struct sub_options o;
	json_t *req, *reply, *changes, *c, *warnings;
	char full[PATH_MAX];
	size_t i;
	int rc = parse_sub(argc, argv, "json", "reload [--json] [FILE]",
	                   "Re-reads the run's policy file, or switches to FILE. An invalid "
	                   "file is\nrefused with the errors `bouncer run` would give, and the "
	                   "old policy keeps\nrunning. Syscalls that the new policy routes to or "
	                   "away from the supervisor\nkeep the workload's filter: they are listed "
	                   "as new-workloads-only.\n",
	                   &o);

	if (rc != 0)
		return rc > 0 ? CTL_OK : CTL_USAGE;
	req = json_pack("{s:s}", "cmd", "reload");
	if (argv[optind] != NULL) {
		/* The run's working directory is not ours. */
		if (realpath(argv[optind], full) == NULL) {
			fprintf(stderr, "bouncer ctl: reload: %s: %s\n", argv[optind],
			        strerror(errno));
			json_decref(req);
			return CTL_FAILED;
		}
		json_object_set_new(req, "file", json_string(full));
	}
	reply = call(req);
	if (reply == NULL) {
		fprintf(stderr, "bouncer ctl: the old policy keeps running\n");
		return CTL_FAILED;
	}
	if (o.json) {
		print_json(reply);
		json_decref(reply);
		return CTL_OK;
	}
	warnings = json_object_get(reply, "warnings");
	json_array_foreach(warnings, i, c) printf("warning: %s\n", json_string_value(c));
	printf("reloaded %s\n", json_string_value(json_object_get(reply, "policy")));
	print_also_answered(reply);
	changes = json_object_get(reply, "new_workloads_only");
	if (json_array_size(changes) > 0) {
		printf("for new workloads only (this workload's kernel filter keeps its "
		       "routing):\n");
		json_array_foreach(changes, i, c)
		        printf("  %-20s filter: %s, new policy: %s\n",
		               json_string_value(json_object_get(c, "syscall")),
		               json_string_value(json_object_get(c, "filter")),
		               json_string_value(json_object_get(c, "policy")));
	}
	json_decref(reply);
	return CTL_OK;
}

static int cmd_stats(int argc, char **argv)
{
	struct sub_options o;
	json_t *reply, *decisions, *per, *lat, *held, *v;
	const char *name, *action;
	int rc = parse_sub(argc, argv, "json", "stats [--json]",
	                   "Counts of recorded decisions per syscall and action, syscalls held "
	                   "now and\nin total, and answer latency percentiles (bucket upper "
	                   "bounds).\n",
	                   &o);

	if (rc != 0)
		return rc > 0 ? CTL_OK : CTL_USAGE;
	reply = call(json_pack("{s:s}", "cmd", "stats"));
	if (reply == NULL)
		return CTL_FAILED;
	if (o.json) {
		print_json(reply);
		json_decref(reply);
		return CTL_OK;
	}
	decisions = json_object_get(reply, "decisions");
	printf("%-20s %s\n", "SYSCALL", "DECISIONS");
	json_object_foreach(decisions, name, per)
	{
		printf("%-20s", name);
		json_object_foreach(per, action, v)
		        printf(" %s=%lld", action, (long long)json_integer_value(v));
		printf("\n");
	}
	held = json_object_get(reply, "held");
	printf("held: now %lld, total %lld (operator %lld, timeout %lld, full %lld, gone %lld)\n",
	       (long long)json_integer_value(json_object_get(held, "now")),
	       (long long)json_integer_value(json_object_get(held, "total")),
	       (long long)json_integer_value(json_object_get(held, "by_operator")),
	       (long long)json_integer_value(json_object_get(held, "by_timeout")),
	       (long long)json_integer_value(json_object_get(held, "by_full")),
	       (long long)json_integer_value(json_object_get(held, "gone")));
	lat = json_object_get(reply, "latency");
	printf("answers: %lld, latency p50 <= %lldns, p90 <= %lldns, p99 <= %lldns, max <= "
	       "%lldns\n",
	       (long long)json_integer_value(json_object_get(lat, "answers")),
	       (long long)json_integer_value(json_object_get(lat, "p50_ns")),
	       (long long)json_integer_value(json_object_get(lat, "p90_ns")),
	       (long long)json_integer_value(json_object_get(lat, "p99_ns")),
	       (long long)json_integer_value(json_object_get(lat, "max_ns")));
	json_decref(reply);
	return CTL_OK;
}

/* One record as a person reads it in `watch`. */
static void print_record(json_t *r)
{
	const char *ts = json_string_value(json_object_get(r, "ts"));
	json_t *by = json_object_get(r, "decided_by"), *err = json_object_get(r, "errno");
	const char *syscall = json_string_value(json_object_get(r, "syscall"));

	printf("%.12s pid %lld (%s) %s %s", ts != NULL && strlen(ts) > 11 ? ts + 11 : "?",
	       (long long)json_integer_value(json_object_get(r, "pid")),
	       json_string_value(json_object_get(r, "comm")), syscall ? syscall : "?",
	       json_string_value(json_object_get(r, "action")));
	if (err != NULL)
		printf(" %s", json_string_value(json_object_get(err, "name")));
	if (by != NULL) {
		const char *who = json_string_value(json_object_get(by, "by"));

		if (who != NULL && strcmp(who, "operator") == 0)
			printf(" [operator uid %lld",
			       (long long)json_integer_value(json_object_get(by, "uid")));
		else
			printf(" [%s", who ? who : "?");
		printf(", waited %lldms]",
		       (long long)json_integer_value(json_object_get(r, "waited_ms")));
	}
	if (json_object_get(r, "grant"))
		printf(" [grant %lld]", (long long)json_integer_value(json_object_get(r, "grant")));
	if (json_object_get(r, "remembered"))
		printf(" [remembered %lld]",
		       (long long)json_integer_value(json_object_get(r, "remembered")));
	printf("\n");
}

static int cmd_watch(int argc, char **argv)
{
	struct sub_options o;
	struct ctl_conn *conn;
	const char *why = NULL;
	json_t *msg;
	int rc = parse_sub(argc, argv, "json", "watch [--json]",
	                   "Streams every decision record as it is made, until the run ends "
	                   "or Ctrl-C.\n--json prints the records as the decision log has "
	                   "them.\n",
	                   &o);

	if (rc != 0)
		return rc > 0 ? CTL_OK : CTL_USAGE;
	conn = malloc(sizeof(*conn));
	if (conn == NULL || ctl_connect(conn) < 0)
		return CTL_FAILED;
	ctl_send(conn, json_pack("{s:s,s:s}", "cmd", "subscribe", "topic", "records"));
	msg = ctl_read(conn, CTL_REPLY_TIMEOUT_MS, &why);
	if (msg == NULL || !ctl_reply_ok(msg)) {
		fprintf(stderr, "bouncer ctl: %s\n",
		        msg != NULL ? json_string_value(json_object_get(msg, "error")) : why);
		return CTL_FAILED;
	}
	json_decref(msg);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((msg = ctl_read(conn, -1, &why)) != NULL) {
		json_t *rec = json_object_get(msg, "record");

		if (rec != NULL) {
			if (o.json)
				print_json(rec);
			else
				print_record(rec);
		}
		json_decref(msg);
	}
	fprintf(stderr, "bouncer ctl: watch ended: %s\n", why);
	return CTL_OK;
}

static int cmd_review(int argc, char **argv)
{
	struct sub_options o;
	struct ctl_conn *conn;
	int rc = parse_sub(argc, argv, "", "review",
	                   "Shows each held syscall as it arrives and takes one key:\n"
	                   "  a  allow once       d  deny once\n"
	                   "  A  always allow     D  always deny (saved to the run's "
	                   "--rules-file)\n"
	                   "  s  skip (ask again later)    q  quit\n"
	                   "Needs a terminal; scripts use pending, allow and deny.\n",
	                   &o);

	if (rc != 0)
		return rc > 0 ? CTL_OK : CTL_USAGE;
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "bouncer ctl review: needs a terminal (scripts use pending, allow "
		                "and deny)\n");
		return CTL_USAGE;
	}
	conn = malloc(sizeof(*conn));
	if (conn == NULL || ctl_connect(conn) < 0)
		return CTL_FAILED;
	return ctl_review(conn) == 0 ? CTL_OK : CTL_FAILED;
}

int cmd_ctl(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"socket", required_argument, NULL, 's'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} commands[] = {
	        {"pending", cmd_pending}, {"grant", cmd_grant},   {"revoke", cmd_revoke},
	        {"rules", cmd_rules},     {"reload", cmd_reload}, {"stats", cmd_stats},
	        {"watch", cmd_watch},     {"review", cmd_review},
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+s:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			socket_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return CTL_OK;
		default:
			fprintf(stderr, "Try 'bouncer ctl --help'.\n");
			return CTL_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CTL_USAGE;
	}
	argc -= optind;
	argv += optind;
	if (strcmp(argv[0], "allow") == 0 || strcmp(argv[0], "deny") == 0)
		return cmd_answer(argc, argv, argv[0][0] == 'a');
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			return commands[i].run(argc, argv);
	fprintf(stderr, "bouncer ctl: unknown command \"%s\"\nTry 'bouncer ctl --help'.\n",
	        argv[0]);
	return CTL_USAGE;
}
