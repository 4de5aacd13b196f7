/* SPDX-License-Identifier: MIT */
/*
 * Socket address patterns of supervise clauses ("addresses"), for connect, bind, sendto and
 * sendmsg, and the rendering of socket addresses in decision records.
 *
 * Pattern syntax:
 *   inet:ADDR[/PREFIX]:PORTS        inet:10.0.0.0/8:443, inet:1.2.3.4:*, inet:*:53
 *   inet6:[ADDR[/PREFIX]]:PORTS     inet6:[::1]:1024-65535, inet6:[2001:db8::/32]:*, inet6:*:443
 *   unix:GLOB                       unix:/run/docker.sock, unix:/run/{a,b}.sock (glob.h)
 *   unix-abstract:GLOB              unix-abstract:dbus-* (over the name after the leading NUL)
 * PORTS is `*`, N or N-M (0..65535). ADDR `*` is any address (prefix 0). A prefix with host bits
 * set (10.0.0.1/8) is rejected: it is almost always a typo for something else.
 *
 * IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) in AF_INET6 sockaddrs are matched by inet patterns
 * as the IPv4 address they carry (a dual-stack socket connecting to ::ffff:10.1.2.3 reaches
 * 10.1.2.3, so `inet:10.0.0.0/8:*` must see it), and by inet6 patterns as the IPv6 address they
 * are (so `inet6:[::ffff:0:0/96]:*` also works). No other IPv6 form is treated as IPv4.
 *
 * Pathname unix sockets: the kernel resolves sun_path like any path (relative to the caller's
 * cwd, through symlinks), so the decision layer must resolve it with path_resolve() and pass the
 * real location as unix_path. Without it, only an absolute sun_path is matched (as written).
 * Abstract names containing a NUL byte match no pattern: a glob cannot describe them, and
 * truncating them at the NUL would let "ok\0evil" pass for "ok".
 */
#ifndef BOUNCER_SOCKADDR_MATCH_H
#define BOUNCER_SOCKADDR_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Longest glob accepted after "unix:" / "unix-abstract:". */
#define SOCKADDR_GLOB_MAX 256

/* Enough for any sockaddr_format() output of a sockaddr_un with every byte escaped. */
#define SOCKADDR_FORMAT_MAX 512

enum sockaddr_pattern_kind {
	SOCKADDR_PATTERN_INET,
	SOCKADDR_PATTERN_INET6,
	SOCKADDR_PATTERN_UNIX,
	SOCKADDR_PATTERN_UNIX_ABSTRACT,
};

struct sockaddr_pattern {
	enum sockaddr_pattern_kind kind;
	uint8_t addr[16]; /* network byte order; first 4 bytes for inet */
	unsigned prefix;  /* leading bits of addr that must be equal */
	uint16_t port_lo; /* inclusive range, host byte order */
	uint16_t port_hi;
	char glob[SOCKADDR_GLOB_MAX + 1]; /* unix kinds */
};

/*
 * Parses text into *out. Returns 0, or -EINVAL with a message in why that says what is wrong
 * ("port 70000 out of range 0-65535").
 */
int sockaddr_pattern_parse(const char *text, struct sockaddr_pattern *out, char *why, size_t len);

/*
 * Whether the address sa (len bytes, as read from the target) matches pattern. unix_path, if not
 * NULL, is the resolved real location of a pathname unix socket and is matched instead of
 * sun_path. Never allocates. Short or malformed addresses match nothing.
 */
bool sockaddr_pattern_match(const struct sockaddr_pattern *pattern, const struct sockaddr *sa,
                            size_t len, const char *unix_path);

/*
 * Renders sa for records: "inet:1.2.3.4:80", "inet6:[::1]:443" ("inet6:[fe80::1%2]:80" with a
 * scope), "unix:/path", "unix-abstract:name", "unnamed" (AF_UNIX without a name), "unspec"
 * (AF_UNSPEC), "family:N" for other families, "invalid" when len is too short for the family.
 * Bytes of unix names outside printable ASCII, and backslashes, are written as \xNN so that the
 * text is unambiguous. Returns the length written, or -ENOSPC if size is too small (the buffer
 * then holds a truncated, NUL-terminated prefix). SOCKADDR_FORMAT_MAX is always enough.
 */
int sockaddr_format(const struct sockaddr *sa, size_t len, char *buf, size_t size);

#endif
