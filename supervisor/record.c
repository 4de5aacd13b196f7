/* SPDX-License-Identifier: MIT */
#include "record.h"

#include <string.h>

#include "errno_name.h"

struct out {
	char *buf;
	size_t size;
	size_t pos;
	int full;
};

static void put(struct out *o, const char *s, size_t len)
{
	if (o->full || o->pos + len > o->size) {
		o->full = 1;
		return;
	}
	memcpy(o->buf + o->pos, s, len);
	o->pos += len;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void put_u64(struct out *o, uint64_t v)
{
	char tmp[24];
	size_t n = sizeof(tmp);

	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	put(o, tmp + n, sizeof(tmp) - n);
}

static void put_i64(struct out *o, int64_t v)
{
	if (v < 0) {
		put(o, "-", 1);
		put_u64(o, (uint64_t)0 - (uint64_t)v);
	} else {
		put_u64(o, (uint64_t)v);
	}
}

static void put_hex(struct out *o, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[20];
	size_t n = sizeof(tmp);

	do {
		tmp[--n] = digits[v & 0xf];
		v >>= 4;
	} while (v != 0);
	tmp[--n] = 'x';
	tmp[--n] = '0';
	put(o, "\"", 1);
	put(o, tmp + n, sizeof(tmp) - n);
	put(o, "\"", 1);
}

/* Writes at most max bytes of s, as one JSON string. */
static void put_string_max(struct out *o, const char *s, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *end = (const unsigned char *)s + strnlen(s, max);

	put(o, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; p < end; p++) {
		const unsigned char *run = p;

		while (p < end && *p >= 0x20 && *p != '"' && *p != '\\' && *p < 0x7f)
			p++;
		if (p > run)
			put(o, (const char *)run, (size_t)(p - run));
		if (p == end)
			break;
		switch (*p) {
		case '"':
			put(o, "\\\"", 2);
			break;
		case '\\':
			put(o, "\\\\", 2);
			break;
		case '\n':
			put(o, "\\n", 2);
			break;
		case '\t':
			put(o, "\\t", 2);
			break;
		default: {
			/*
			 * Control characters, DEL and bytes >= 0x80: paths and comm are bytes, not
			 * UTF-8, so non-ASCII bytes are escaped one by one as \u00XX (a reader gets
			 * U+0080..U+00FF for them: lossless, if not pretty).
			 */
			char esc[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 0xf]};

			put(o, esc, sizeof(esc));
		}
		}
	}
	put(o, "\"", 1);
}

static void put_string(struct out *o, const char *s)
{
	put_string_max(o, s, SIZE_MAX);
}

int json_put_string(char *buf, size_t size, size_t *pos, const char *s)
{
	struct out o = {buf, size, *pos, 0};

	put_string(&o, s);
	if (o.full)
		return -1;
	*pos = o.pos;
	return 0;
}

static void put_errno(struct out *o, int e)
{
	const char *name = errno_name(e);

	puts_(o, "{\"name\":");
	if (name != NULL)
		put_string(o, name);
	else
		puts_(o, "null");
	puts_(o, ",\"nr\":");
	put_i64(o, e);
	puts_(o, "}");
}

/* RFC 3339 UTC with nanoseconds. The date part is cached per second (gmtime_r is costly). */
static void put_time(struct out *o, const struct timespec *ts)
{
	/* Per thread: records are formatted on the thread pool, tests format on their own. */
	static __thread time_t cached_sec = -1;
	static __thread char cached[32];
	char frac[11];

	if (ts->tv_sec != cached_sec) {
		struct tm tm;

		gmtime_r(&ts->tv_sec, &tm);
		strftime(cached, sizeof(cached), "%Y-%m-%dT%H:%M:%S", &tm);
		cached_sec = ts->tv_sec;
	}
	put(o, "\"", 1);
	puts_(o, cached);
	frac[0] = '.';
	for (int i = 9, v = (int)ts->tv_nsec; i >= 1; i--, v /= 10)
		frac[i] = (char)('0' + v % 10);
	put(o, frac, 10);
	put(o, "Z\"", 2);
}

static const char *action_word(enum record_action a)
{
	switch (a) {
	case RECORD_ALLOW:
		return "allow";
	case RECORD_DENY:
		return "deny";
	case RECORD_LOG:
		return "log";
	case RECORD_KILL:
		return "kill";
	}
	return "deny";
}

static const char *would_word(enum record_would w)
{
	switch (w) {
	case RECORD_WOULD_NONE:
		return NULL;
	case RECORD_WOULD_DENY:
		return "deny";
	case RECORD_WOULD_KILL:
		return "kill";
	case RECORD_WOULD_TRAP:
		return "trap";
	case RECORD_WOULD_KILL_THREAD:
		return "kill_thread";
	case RECORD_WOULD_TRACE:
		return "trace";
	}
	return NULL;
}

size_t record_format(char *buf, size_t size, const struct record *r)
{
	struct out o = {buf, size, 0, 0};
	const char *would = would_word(r->would);

	puts_(&o, "{\"v\":1,\"ts\":");
	put_time(&o, &r->ts);
	puts_(&o, ",\"run\":");
	put_string(&o, r->run_id);
	puts_(&o, ",\"seq\":");
	put_u64(&o, r->seq);
	puts_(&o, ",\"pid\":");
	put_i64(&o, r->pid);
	puts_(&o, ",\"tid\":");
	put_i64(&o, r->tid);
	puts_(&o, ",\"comm\":");
	put_string(&o, r->comm ? r->comm : "");
	puts_(&o, ",\"exe\":");
	put_string(&o, r->exe ? r->exe : "");
	puts_(&o, ",\"arch\":");
	put_string(&o, r->arch ? r->arch : "unknown");
	puts_(&o, ",\"syscall\":");
	if (r->syscall != NULL) {
		put_string(&o, r->syscall);
	} else {
		puts_(&o, "\"nr:");
		put_i64(&o, r->nr);
		puts_(&o, "\"");
	}
	puts_(&o, ",\"nr\":");
	put_i64(&o, r->nr);
	puts_(&o, ",\"args\":[");
	for (int i = 0; i < 6; i++) {
		if (i)
			put(&o, ",", 1);
		put_hex(&o, r->args[i]);
	}
	puts_(&o, "],\"action\":\"");
	puts_(&o, action_word(r->action));
	puts_(&o, "\"");
	if (r->action == RECORD_DENY) {
		puts_(&o, ",\"errno\":");
		put_errno(&o, r->errno_value);
	}
	if (r->rule_index >= 0) {
		puts_(&o, ",\"rule\":{\"index\":");
		put_i64(&o, r->rule_index);
		if (r->rule_comment != NULL) {
			puts_(&o, ",\"comment\":");
			put_string_max(&o, r->rule_comment, RECORD_COMMENT_MAX);
		}
		puts_(&o, "}");
	} else {
		puts_(&o, ",\"rule\":{\"index\":null,\"default\":true}");
	}
	puts_(&o, r->audit ? ",\"mode\":\"audit\"" : ",\"mode\":\"enforce\"");
	if (would != NULL) {
		puts_(&o, ",\"would\":\"");
		puts_(&o, would);
		puts_(&o, "\"");
		if (r->would == RECORD_WOULD_DENY) {
			puts_(&o, ",\"would_errno\":");
			put_errno(&o, r->would_errno);
		}
	}
	puts_(&o, ",\"policy\":");
	put_string(&o, r->policy ? r->policy : "");
	if (r->extra != NULL)
		puts_(&o, r->extra);
	puts_(&o, "}\n");
	return o.full ? 0 : o.pos;
}
