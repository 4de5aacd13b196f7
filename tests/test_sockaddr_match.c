/* SPDX-License-Identifier: MIT */
/* Unit tests for sockaddr_match.c: address patterns and the record formatter. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/un.h>

#include "sockaddr_match.h"

static struct sockaddr_pattern parse_ok(const char *text)
{
	struct sockaddr_pattern p;
	char why[256] = "";
	int rc = sockaddr_pattern_parse(text, &p, why, sizeof(why));

	ck_assert_msg(rc == 0, "'%s' should parse: %s", text, why);
	return p;
}

static void parse_bad(const char *text, const char *fragment)
{
	struct sockaddr_pattern p;
	char why[256] = "";
	int rc = sockaddr_pattern_parse(text, &p, why, sizeof(why));

	ck_assert_msg(rc == -EINVAL, "'%s' should be rejected", text);
	ck_assert_msg(strstr(why, fragment) != NULL, "'%s': message '%s' lacks '%s'", text, why,
	              fragment);
}

static struct sockaddr_in in4(const char *addr, unsigned port)
{
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	ck_assert_int_eq(inet_pton(AF_INET, addr, &sa.sin_addr), 1);
	return sa;
}

static struct sockaddr_in6 in6(const char *addr, unsigned port)
{
	struct sockaddr_in6 sa;

	memset(&sa, 0, sizeof(sa));
	sa.sin6_family = AF_INET6;
	sa.sin6_port = htons((uint16_t)port);
	ck_assert_int_eq(inet_pton(AF_INET6, addr, &sa.sin6_addr), 1);
	return sa;
}

/* Builds an AF_UNIX address; abstract names start with '\0' in name and use n bytes. */
static size_t un(struct sockaddr_un *sa, const char *name, size_t n)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, name, n);
	return offsetof(struct sockaddr_un, sun_path) + n;
}

#define MATCHES(p, sa, len) sockaddr_pattern_match(&(p), (const struct sockaddr *)(sa), len, NULL)

START_TEST(inet_networks_and_ports)
{
	struct sockaddr_pattern p = parse_ok("inet:10.0.0.0/8:443");
	struct sockaddr_in a;

	a = in4("10.1.2.3", 443);
	ck_assert(MATCHES(p, &a, sizeof(a)));
	a = in4("10.255.255.255", 443);
	ck_assert(MATCHES(p, &a, sizeof(a)));
	a = in4("11.0.0.0", 443);
	ck_assert(!MATCHES(p, &a, sizeof(a)));
	a = in4("10.1.2.3", 444);
	ck_assert(!MATCHES(p, &a, sizeof(a)));
	/* Too short for a sockaddr_in: the kernel would refuse it, so it matches nothing. */
	a = in4("10.1.2.3", 443);
	ck_assert(!MATCHES(p, &a, sizeof(a) - 1));

	p = parse_ok("inet:1.2.3.4:*");
	a = in4("1.2.3.4", 0);
	ck_assert(MATCHES(p, &a, sizeof(a)));
	a = in4("1.2.3.4", 65535);
	ck_assert(MATCHES(p, &a, sizeof(a)));
	a = in4("1.2.3.5", 80);
	ck_assert(!MATCHES(p, &a, sizeof(a)));

	p = parse_ok("inet:192.168.0.0/22:1000-2000");
	a = in4("192.168.3.1", 1000);
	ck_assert(MATCHES(p, &a, sizeof(a)));
	a = in4("192.168.4.1", 1000);
	ck_assert(!MATCHES(p, &a, sizeof(a)));
	a = in4("192.168.3.1", 2001);
	ck_assert(!MATCHES(p, &a, sizeof(a)));
	a = in4("192.168.3.1", 999);
	ck_assert(!MATCHES(p, &a, sizeof(a)));

	p = parse_ok("inet:*:53");
	a = in4("8.8.8.8", 53);
	ck_assert(MATCHES(p, &a, sizeof(a)));
	a = in4("8.8.8.8", 54);
	ck_assert(!MATCHES(p, &a, sizeof(a)));
}
END_TEST

START_TEST(inet6_networks_and_ports)
{
	struct sockaddr_pattern p = parse_ok("inet6:[::1]:1024-65535");
	struct sockaddr_in6 a;
	struct sockaddr_in v4;

	a = in6("::1", 8080);
	ck_assert(MATCHES(p, &a, sizeof(a)));
	/* The kernel's minimum AF_INET6 length (no scope id) is enough. */
	ck_assert(MATCHES(p, &a, 24));
	ck_assert(!MATCHES(p, &a, 23));
	a = in6("::1", 80);
	ck_assert(!MATCHES(p, &a, sizeof(a)));
	a = in6("::2", 8080);
	ck_assert(!MATCHES(p, &a, sizeof(a)));
	/* An inet6 pattern never matches an AF_INET address. */
	v4 = in4("127.0.0.1", 8080);
	ck_assert(!MATCHES(p, &v4, sizeof(v4)));

	p = parse_ok("inet6:[2001:db8::/32]:*");
	a = in6("2001:db8:ffff::1", 1);
	ck_assert(MATCHES(p, &a, sizeof(a)));
	a = in6("2001:db9::1", 1);
	ck_assert(!MATCHES(p, &a, sizeof(a)));

	p = parse_ok("inet6:*:443");
	a = in6("fe80::1", 443);
	ck_assert(MATCHES(p, &a, sizeof(a)));
}
END_TEST

START_TEST(ipv4_mapped_ipv6_matches_inet)
{
	struct sockaddr_pattern p = parse_ok("inet:10.0.0.0/8:*");
	struct sockaddr_in6 a = in6("::ffff:10.1.2.3", 443);

	ck_assert(MATCHES(p, &a, sizeof(a)));
	a = in6("::ffff:11.1.2.3", 443);
	ck_assert(!MATCHES(p, &a, sizeof(a)));
	/* Only the mapped form is IPv4: the deprecated compatible form and NAT64 are not. */
	a = in6("::10.1.2.3", 443);
	ck_assert(!MATCHES(p, &a, sizeof(a)));
	a = in6("64:ff9b::10.1.2.3", 443);
	ck_assert(!MATCHES(p, &a, sizeof(a)));
	/* The mapped address is still an IPv6 address for inet6 patterns. */
	p = parse_ok("inet6:[::ffff:0:0/96]:*");
	a = in6("::ffff:10.1.2.3", 443);
	ck_assert(MATCHES(p, &a, sizeof(a)));
	/* And the port range applies to the mapped form too. */
	p = parse_ok("inet:10.0.0.0/8:80");
	a = in6("::ffff:10.1.2.3", 443);
	ck_assert(!MATCHES(p, &a, sizeof(a)));
}
END_TEST

START_TEST(unix_paths_and_abstract_names)
{
	struct sockaddr_pattern p = parse_ok("unix:/run/*.sock");
	struct sockaddr_un a;
	size_t len;

	len = un(&a, "/run/docker.sock", 16);
	ck_assert(MATCHES(p, &a, len));
	/* With the terminating NUL counted, as most callers pass sizeof or strlen + 1. */
	ck_assert(MATCHES(p, &a, len + 1));
	ck_assert(MATCHES(p, &a, sizeof(a)));
	len = un(&a, "/run/x/docker.sock", 18);
	ck_assert(!MATCHES(p, &a, len));
	/* A relative sun_path is judged only through its resolved location. */
	len = un(&a, "docker.sock", 11);
	ck_assert(!MATCHES(p, &a, len));
	ck_assert(sockaddr_pattern_match(&p, (struct sockaddr *)&a, len, "/run/docker.sock"));
	/* The resolved location wins over what sun_path says. */
	len = un(&a, "/run/docker.sock", 16);
	ck_assert(!sockaddr_pattern_match(&p, (struct sockaddr *)&a, len, "/tmp/evil.sock"));
	/* An abstract name never matches a path pattern, even if it looks like one. */
	len = un(&a, "\0/run/docker.sock", 17);
	ck_assert(!MATCHES(p, &a, len));

	p = parse_ok("unix-abstract:dbus-*");
	len = un(&a, "\0dbus-abc", 9);
	ck_assert(MATCHES(p, &a, len));
	/* The length decides where an abstract name ends, not a NUL. */
	ck_assert(!MATCHES(p, &a, len - 4)); /* "dbus" */
	len = un(&a, "\0dbus-ok\0evil", 13);
	ck_assert(!MATCHES(p, &a, len));
	len = un(&a, "/dbus-abc", 9);
	ck_assert(!MATCHES(p, &a, len));
	/* Unnamed (autobind) matches no name pattern. */
	len = un(&a, "", 0);
	ck_assert(!MATCHES(p, &a, len));
	p = parse_ok("unix-abstract:**");
	ck_assert(!MATCHES(p, &a, len));
	len = un(&a, "\0a/b", 4);
	ck_assert(MATCHES(p, &a, len));
	/* Longer than a sockaddr_un: the kernel says EINVAL, we match nothing. */
	ck_assert(!MATCHES(p, &a, sizeof(a) + 1));
}
END_TEST

START_TEST(parse_errors_are_clear)
{
	parse_bad("tcp:1.2.3.4:80", "unknown address kind");
	parse_bad("inet:1.2.3.4", "expected inet:ADDR");
	parse_bad("inet:1.2.3:80", "not an IPv4 address");
	parse_bad("inet:1.2.3.4:70000", "port \"70000\"");
	parse_bad("inet:1.2.3.4:-1", "port");
	parse_bad("inet:1.2.3.4:+80", "port");
	parse_bad("inet:1.2.3.4:90-80", "empty");
	parse_bad("inet:1.2.3.4:", "port");
	parse_bad("inet:10.0.0.1/8:*", "bits set after the /8 prefix");
	parse_bad("inet:10.0.0.0/33:*", "prefix length");
	parse_bad("inet:10.0.0.0/:*", "prefix length");
	parse_bad("inet6:::1:80", "brackets");
	parse_bad("inet6:[::1]80", "brackets");
	parse_bad("inet6:[::1/129]:80", "prefix length");
	parse_bad("inet6:[1.2.3.4]:80", "not an IPv6 address");
	parse_bad("inet6:[2001:db8::1/32]:*", "bits set");
	parse_bad("unix:run/*.sock", "must start with '/'");
	parse_bad("unix:/run/[x", "bad glob");
	parse_bad("unix-abstract:", "empty pattern");

	struct sockaddr_pattern p = parse_ok("inet:0.0.0.0/0:1-1");

	ck_assert_uint_eq(p.port_lo, 1);
	ck_assert_uint_eq(p.port_hi, 1);
	ck_assert_uint_eq(p.prefix, 0);
}
END_TEST

static void expect_format(const void *sa, size_t len, const char *want)
{
	char buf[SOCKADDR_FORMAT_MAX];
	int n = sockaddr_format((const struct sockaddr *)sa, len, buf, sizeof(buf));

	ck_assert_msg(n == (int)strlen(want) && strcmp(buf, want) == 0, "got '%s' (%d), want '%s'",
	              buf, n, want);
}

START_TEST(format_for_records)
{
	struct sockaddr_in a = in4("1.2.3.4", 80);
	struct sockaddr_in6 b = in6("::1", 443);
	struct sockaddr_un u;
	struct sockaddr s = {.sa_family = AF_UNSPEC};
	struct sockaddr_storage big;
	char tiny[8];
	size_t len;

	expect_format(&a, sizeof(a), "inet:1.2.3.4:80");
	expect_format(&a, sizeof(a) - 1, "invalid");
	expect_format(&b, sizeof(b), "inet6:[::1]:443");
	b.sin6_scope_id = 2;
	expect_format(&b, sizeof(b), "inet6:[::1%2]:443");
	b = in6("::ffff:10.0.0.1", 8080);
	expect_format(&b, sizeof(b), "inet6:[::ffff:10.0.0.1]:8080");
	len = un(&u, "/run/x.sock", 11);
	expect_format(&u, len, "unix:/run/x.sock");
	expect_format(&u, len + 1, "unix:/run/x.sock");
	len = un(&u, "\0name", 5);
	expect_format(&u, len, "unix-abstract:name");
	len = un(&u, "\0a\0b\\c\n", 7);
	expect_format(&u, len, "unix-abstract:a\\x00b\\x5cc\\x0a");
	len = un(&u, "", 0);
	expect_format(&u, len, "unnamed");
	expect_format(&s, sizeof(s), "unspec");
	memset(&big, 0, sizeof(big));
	big.ss_family = AF_NETLINK;
	expect_format(&big, sizeof(big), "family:16");
	/* Worst case fits SOCKADDR_FORMAT_MAX: a full abstract name of non-printable bytes. */
	memset(&u, 0, sizeof(u));
	u.sun_family = AF_UNIX;
	memset(u.sun_path + 1, 0xff, sizeof(u.sun_path) - 1);
	char buf[SOCKADDR_FORMAT_MAX];

	ck_assert_int_eq(sockaddr_format((struct sockaddr *)&u, sizeof(u), buf, sizeof(buf)),
	                 14 + 4 * (int)(sizeof(u.sun_path) - 1));
	/* Too small a buffer: -ENOSPC and a terminated prefix. */
	a = in4("1.2.3.4", 80);
	ck_assert_int_eq(sockaddr_format((struct sockaddr *)&a, sizeof(a), tiny, sizeof(tiny)),
	                 -ENOSPC);
	ck_assert_str_eq(tiny, "inet:1.");
}
END_TEST

static Suite *sockaddr_match_suite(void)
{
	Suite *s = suite_create("sockaddr_match");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, inet_networks_and_ports);
	tcase_add_test(tc, inet6_networks_and_ports);
	tcase_add_test(tc, ipv4_mapped_ipv6_matches_inet);
	tcase_add_test(tc, unix_paths_and_abstract_names);
	tcase_add_test(tc, parse_errors_are_clear);
	tcase_add_test(tc, format_for_records);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sockaddr_match_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
