/* SPDX-License-Identifier: MIT */
#include "sockaddr_match.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include "glob.h"

/*
 * The kernel accepts AF_INET6 addresses as short as the RFC 2133 layout, without
 * sin6_scope_id (net/ipv6/af_inet6.c: SIN6_LEN_RFC2133), so the matcher must too.
 */
#define SOCKADDR_IN6_MIN_LEN 24

/* Parses a decimal number of at most max without sign, spaces or leading '+'. */
static int parse_decimal(const char *s, size_t n, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (n == 0 || n > 10)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

static int parse_ports(const char *s, struct sockaddr_pattern *out, char *why, size_t len)
{
	const char *dash;
	unsigned long lo, hi;

	if (strcmp(s, "*") == 0) {
		out->port_lo = 0;
		out->port_hi = 65535;
		return 0;
	}
	dash = strchr(s, '-');
	if (parse_decimal(s, dash ? (size_t)(dash - s) : strlen(s), 65535, &lo) < 0 ||
	    (dash && parse_decimal(dash + 1, strlen(dash + 1), 65535, &hi) < 0)) {
		snprintf(why, len, "port \"%s\" is not '*', N or N-M with 0 <= N <= M <= 65535", s);
		return -EINVAL;
	}
	if (!dash)
		hi = lo;
	if (lo > hi) {
		snprintf(why, len, "port range \"%s\" is empty (%lu > %lu)", s, lo, hi);
		return -EINVAL;
	}
	out->port_lo = (uint16_t)lo;
	out->port_hi = (uint16_t)hi;
	return 0;
}

/* Parses "ADDR", "ADDR/PREFIX" or "*" of the given family into out->addr/prefix. */
static int parse_network(const char *s, size_t n, int family, struct sockaddr_pattern *out,
                         char *why, size_t len)
{
	char text[INET6_ADDRSTRLEN + 8];
	unsigned max_prefix = family == AF_INET ? 32 : 128;
	unsigned long prefix = max_prefix;
	const char *slash;

	if (n == 1 && s[0] == '*') {
		memset(out->addr, 0, sizeof(out->addr));
		out->prefix = 0;
		return 0;
	}
	if (n >= sizeof(text)) {
		snprintf(why, len, "address \"%.*s\" is too long", (int)n, s);
		return -EINVAL;
	}
	memcpy(text, s, n);
	text[n] = '\0';
	slash = strchr(text, '/');
	if (slash) {
		if (parse_decimal(slash + 1, strlen(slash + 1), max_prefix, &prefix) < 0) {
			snprintf(why, len, "prefix length \"%s\" is not a number from 0 to %u",
			         slash + 1, max_prefix);
			return -EINVAL;
		}
		text[slash - text] = '\0';
	}
	memset(out->addr, 0, sizeof(out->addr));
	if (inet_pton(family, text, out->addr) != 1) {
		snprintf(why, len, "\"%s\" is not an %s address", text,
		         family == AF_INET ? "IPv4" : "IPv6");
		return -EINVAL;
	}
	out->prefix = (unsigned)prefix;
	for (unsigned bit = out->prefix; bit < max_prefix; bit++) {
		if (out->addr[bit / 8] & (0x80u >> (bit % 8))) {
			snprintf(why, len,
			         "\"%.*s\" has bits set after the /%u prefix (did you mean the "
			         "network address?)",
			         (int)n, s, out->prefix);
			return -EINVAL;
		}
	}
	return 0;
}

static int parse_unix_glob(const char *glob, bool abstract, struct sockaddr_pattern *out, char *why,
                           size_t len)
{
	char gwhy[160];

	if (strlen(glob) > SOCKADDR_GLOB_MAX) {
		snprintf(why, len, "socket name glob longer than %d bytes", SOCKADDR_GLOB_MAX);
		return -EINVAL;
	}
	if (glob_validate(glob, gwhy, sizeof(gwhy)) < 0) {
		snprintf(why, len, "bad glob \"%s\": %s", glob, gwhy);
		return -EINVAL;
	}
	if (!abstract && glob[0] != '/' && glob[0] != '{' && strncmp(glob, "**", 2) != 0) {
		snprintf(why, len,
		         "unix socket paths are matched as absolute paths: \"%s\" must start "
		         "with '/'",
		         glob);
		return -EINVAL;
	}
	strcpy(out->glob, glob);
	return 0;
}

int sockaddr_pattern_parse(const char *text, struct sockaddr_pattern *out, char *why, size_t len)
{
	const char *rest, *colon;
	int rc;

	memset(out, 0, sizeof(*out));
	if (strncmp(text, "inet:", 5) == 0) {
		rest = text + 5;
		out->kind = SOCKADDR_PATTERN_INET;
		colon = strrchr(rest, ':');
		if (colon == NULL) {
			snprintf(why, len, "\"%s\": expected inet:ADDR[/PREFIX]:PORTS", text);
			return -EINVAL;
		}
		rc = parse_network(rest, (size_t)(colon - rest), AF_INET, out, why, len);
		return rc < 0 ? rc : parse_ports(colon + 1, out, why, len);
	}
	if (strncmp(text, "inet6:", 6) == 0) {
		rest = text + 6;
		out->kind = SOCKADDR_PATTERN_INET6;
		if (rest[0] == '*' && rest[1] == ':') {
			rc = parse_network(rest, 1, AF_INET6, out, why, len);
			return rc < 0 ? rc : parse_ports(rest + 2, out, why, len);
		}
		const char *close = strchr(rest, ']');

		if (rest[0] != '[' || close == NULL || close[1] != ':') {
			snprintf(
			        why, len,
			        "\"%s\": expected inet6:[ADDR[/PREFIX]]:PORTS (brackets around the "
			        "address)",
			        text);
			return -EINVAL;
		}
		rc = parse_network(rest + 1, (size_t)(close - rest - 1), AF_INET6, out, why, len);
		return rc < 0 ? rc : parse_ports(close + 2, out, why, len);
	}
	if (strncmp(text, "unix:", 5) == 0) {
		out->kind = SOCKADDR_PATTERN_UNIX;
		return parse_unix_glob(text + 5, false, out, why, len);
	}
	if (strncmp(text, "unix-abstract:", 14) == 0) {
		out->kind = SOCKADDR_PATTERN_UNIX_ABSTRACT;
		return parse_unix_glob(text + 14, true, out, why, len);
	}
	snprintf(why, len,
	         "\"%s\": unknown address kind (expected inet:, inet6:, unix: or "
	         "unix-abstract:)",
	         text);
	return -EINVAL;
}

static bool prefix_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[full] ^ b[full]) & (0xffu << (8 - rest)) & 0xffu) == 0;
}

static bool port_in(const struct sockaddr_pattern *p, uint16_t net_port)
{
	uint16_t port = ntohs(net_port);

	return port >= p->port_lo && port <= p->port_hi;
}

static bool match_inet(const struct sockaddr_pattern *p, const struct sockaddr *sa, size_t len)
{
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		struct sockaddr_in in;

		memcpy(&in, sa, sizeof(in));
		return prefix_equal((const uint8_t *)&in.sin_addr, p->addr, p->prefix) &&
		       port_in(p, in.sin_port);
	}
	if (sa->sa_family == AF_INET6 && len >= SOCKADDR_IN6_MIN_LEN) {
		struct sockaddr_in6 in6;

		memset(&in6, 0, sizeof(in6));
		memcpy(&in6, sa, len < sizeof(in6) ? len : sizeof(in6));
		if (!IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr))
			return false;
		return prefix_equal(in6.sin6_addr.s6_addr + 12, p->addr, p->prefix) &&
		       port_in(p, in6.sin6_port);
	}
	return false;
}

static bool match_inet6(const struct sockaddr_pattern *p, const struct sockaddr *sa, size_t len)
{
	struct sockaddr_in6 in6;

	if (sa->sa_family != AF_INET6 || len < SOCKADDR_IN6_MIN_LEN)
		return false;
	memset(&in6, 0, sizeof(in6));
	memcpy(&in6, sa, len < sizeof(in6) ? len : sizeof(in6));
	return prefix_equal(in6.sin6_addr.s6_addr, p->addr, p->prefix) && port_in(p, in6.sin6_port);
}

/*
 * Splits an AF_UNIX address the way the kernel does (net/unix/af_unix.c unix_mkname): only the
 * family = unnamed; a leading NUL = abstract, the name being the remaining len bytes; otherwise
 * a path ending at the first NUL or at len. Returns the name length, or -1 if not AF_UNIX or
 * malformed; *abstract says which kind.
 */
static ssize_t unix_name(const struct sockaddr *sa, size_t len, const char **name, bool *abstract)
{
	const size_t off = offsetof(struct sockaddr_un, sun_path);
	const char *path = (const char *)sa + off;

	if (sa->sa_family != AF_UNIX || len < off || len > sizeof(struct sockaddr_un))
		return -1;
	*name = path;
	if (len == off) {
		*abstract = false;
		return 0;
	}
	if (path[0] == '\0') {
		*abstract = true;
		*name = path + 1;
		return (ssize_t)(len - off - 1);
	}
	*abstract = false;
	return (ssize_t)strnlen(path, len - off);
}

static bool match_unix(const struct sockaddr_pattern *p, const struct sockaddr *sa, size_t len,
                       const char *unix_path)
{
	char name[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
	const char *raw;
	bool abstract;
	ssize_t n = unix_name(sa, len, &raw, &abstract);

	if (n <= 0 && !(n == 0 && abstract))
		return false; /* not AF_UNIX, or unnamed */
	if (abstract != (p->kind == SOCKADDR_PATTERN_UNIX_ABSTRACT))
		return false;
	if (abstract && memchr(raw, '\0', (size_t)n) != NULL)
		return false;
	if (!abstract && unix_path != NULL)
		return glob_match(p->glob, unix_path);
	memcpy(name, raw, (size_t)n);
	name[n] = '\0';
	if (!abstract && name[0] != '/')
		return false; /* relative: only its resolved location may be judged */
	return glob_match(p->glob, name);
}

bool sockaddr_pattern_match(const struct sockaddr_pattern *pattern, const struct sockaddr *sa,
                            size_t len, const char *unix_path)
{
	if (pattern == NULL || sa == NULL || len < sizeof(sa_family_t))
		return false;
	switch (pattern->kind) {
	case SOCKADDR_PATTERN_INET:
		return match_inet(pattern, sa, len);
	case SOCKADDR_PATTERN_INET6:
		return match_inet6(pattern, sa, len);
	case SOCKADDR_PATTERN_UNIX:
	case SOCKADDR_PATTERN_UNIX_ABSTRACT:
		return match_unix(pattern, sa, len, unix_path);
	}
	return false;
}

/* Appends to buf at *pos; keeps the result NUL-terminated; returns false once out of room. */
static bool put(char *buf, size_t size, size_t *pos, const char *s, size_t n)
{
	if (*pos >= size)
		return false;
	size_t room = size - *pos - 1;
	size_t take = n < room ? n : room;

	memcpy(buf + *pos, s, take);
	*pos += take;
	buf[*pos] = '\0';
	if (take < n) {
		*pos = size; /* remember the truncation */
		return false;
	}
	return true;
}

static bool put_escaped(char *buf, size_t size, size_t *pos, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[5];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (!put(buf, size, pos, (const char *)&s[i], 1))
				return false;
			continue;
		}
		snprintf(esc, sizeof(esc), "\\x%02x", c);
		if (!put(buf, size, pos, esc, 4))
			return false;
	}
	return true;
}

int sockaddr_format(const struct sockaddr *sa, size_t len, char *buf, size_t size)
{
	char text[INET6_ADDRSTRLEN + 32];
	size_t pos = 0;
	bool ok;

	if (size == 0)
		return -ENOSPC;
	buf[0] = '\0';
	if (sa == NULL || len < sizeof(sa_family_t)) {
		ok = put(buf, size, &pos, "invalid", 7);
		return ok ? (int)pos : -ENOSPC;
	}
	switch (sa->sa_family) {
	case AF_UNSPEC:
		snprintf(text, sizeof(text), "unspec");
		break;
	case AF_INET: {
		struct sockaddr_in in;
		char a[INET_ADDRSTRLEN];

		if (len < sizeof(in)) {
			snprintf(text, sizeof(text), "invalid");
			break;
		}
		memcpy(&in, sa, sizeof(in));
		inet_ntop(AF_INET, &in.sin_addr, a, sizeof(a));
		snprintf(text, sizeof(text), "inet:%s:%u", a, ntohs(in.sin_port));
		break;
	}
	case AF_INET6: {
		struct sockaddr_in6 in6;
		char a[INET6_ADDRSTRLEN], scope[16] = "";

		if (len < SOCKADDR_IN6_MIN_LEN) {
			snprintf(text, sizeof(text), "invalid");
			break;
		}
		memset(&in6, 0, sizeof(in6));
		memcpy(&in6, sa, len < sizeof(in6) ? len : sizeof(in6));
		inet_ntop(AF_INET6, &in6.sin6_addr, a, sizeof(a));
		if (in6.sin6_scope_id != 0)
			snprintf(scope, sizeof(scope), "%%%u", in6.sin6_scope_id);
		snprintf(text, sizeof(text), "inet6:[%s%s]:%u", a, scope, ntohs(in6.sin6_port));
		break;
	}
	case AF_UNIX: {
		const char *name;
		bool abstract;
		ssize_t n = unix_name(sa, len, &name, &abstract);

		if (n < 0) {
			snprintf(text, sizeof(text), "invalid");
			break;
		}
		if (n == 0 && !abstract) {
			snprintf(text, sizeof(text), "unnamed");
			break;
		}
		ok = abstract ? put(buf, size, &pos, "unix-abstract:", 14)
		              : put(buf, size, &pos, "unix:", 5);
		ok = ok && put_escaped(buf, size, &pos, name, (size_t)n);
		return ok ? (int)pos : -ENOSPC;
	}
	default:
		snprintf(text, sizeof(text), "family:%u", (unsigned)sa->sa_family);
		break;
	}
	ok = put(buf, size, &pos, text, strlen(text));
	return ok ? (int)pos : -ENOSPC;
}
