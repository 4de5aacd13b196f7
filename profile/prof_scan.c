/* SPDX-License-Identifier: MIT */
/*
 * A scanner for decision records (docs/decision-log.md) that reads only the fields a profile
 * needs. Why not jansson: json_loadb builds a tree of ~30 allocated nodes per record, measured
 * here at 0.07 M records/s (`profile-bench --jansson`, dominated by malloc/free and copies);
 * this scanner walks the line once without allocating (about 0.5 µs of CPU per record). It
 * still checks the JSON structure of the whole line, so that a truncated or garbled line is
 * reported, and skips unknown fields of any shape (later schema additions must be ignored).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "prof.h"

struct scan {
	const char *p, *end;
	const char *why;
};

static int fail(struct scan *s, const char *why)
{
	if (!s->why)
		s->why = why;
	return -EINVAL;
}

static inline void skip_ws(struct scan *s)
{
	/* Records have no white space between tokens: make that case one test. */
	if (s->p < s->end && (unsigned char)*s->p > ' ')
		return;
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\r' || *s->p == '\n'))
		s->p++;
}

static int expect(struct scan *s, char c, const char *why)
{
	if (s->p < s->end && *s->p == c) {
		s->p++;
		return 0;
	}
	skip_ws(s);
	if (s->p >= s->end || *s->p != c)
		return fail(s, why);
	s->p++;
	return 0;
}

/*
 * At an opening quote: sets out to the contents and moves past the closing quote. A byte loop
 * rather than memchr: record strings are short, and one pass finds both the end and escapes.
 */
static int scan_string(struct scan *s, struct prof_str *out)
{
	const char *p, *start, *end = s->end;
	bool escaped = false;

	if (s->p >= end || *s->p != '"')
		skip_ws(s);
	if (s->p >= end || *s->p != '"')
		return fail(s, "expected a string");
	p = start = s->p + 1;
	for (;;) {
#ifdef __SSE2__
		/* Sixteen bytes at a time: the first quote or backslash is the lowest bit of
		 * the compare mask. */
		while (end - p >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)p);
			unsigned m = (unsigned)_mm_movemask_epi8(
			        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
			                     _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));

			if (m) {
				p += __builtin_ctz(m);
				break;
			}
			p += 16;
		}
#else
		/* Eight bytes at a time while no quote or backslash is among them (SWAR; the
		 * classic "has zero byte" test on the word xor'ed with each wanted byte). */
		while (end - p >= 8) {
			uint64_t w, q, b;

			memcpy(&w, p, 8);
			q = w ^ 0x2222222222222222ull;
			b = w ^ 0x5c5c5c5c5c5c5c5cull;
			if (((q - 0x0101010101010101ull) & ~q & 0x8080808080808080ull) |
			    ((b - 0x0101010101010101ull) & ~b & 0x8080808080808080ull))
				break;
			p += 8;
		}
#endif
		while (p < end && *p != '"' && *p != '\\')
			p++;
		if (p >= end)
			return fail(s, "unterminated string");
		if (*p == '"')
			break;
		/* A backslash escapes the next character, whatever it is. */
		escaped = true;
		p += 2;
	}
	if (out) {
		out->p = start;
		out->len = (size_t)(p - start);
		out->escaped = escaped;
	}
	s->p = p + 1;
	return 0;
}

static int skip_number(struct scan *s)
{
	const char *start = s->p;

	while (s->p < s->end && ((unsigned)(*s->p - '0') < 10 || *s->p == '-' || *s->p == '+' ||
	                         *s->p == '.' || *s->p == 'e' || *s->p == 'E'))
		s->p++;
	return s->p > start ? 0 : fail(s, "bad value");
}

static int skip_literal(struct scan *s, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n) != 0)
		return fail(s, "bad value");
	s->p += n;
	return 0;
}

static int skip_value(struct scan *s, int depth);

static int skip_container(struct scan *s, int depth, char close, bool keys)
{
	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == close) {
		s->p++;
		return 0;
	}
	for (;;) {
		if (keys) {
			if (scan_string(s, NULL) < 0 || expect(s, ':', "expected ':'") < 0)
				return -EINVAL;
		}
		if (skip_value(s, depth + 1) < 0)
			return -EINVAL;
		skip_ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		return expect(s, close,
		              close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int skip_value(struct scan *s, int depth)
{
	if (depth > 64)
		return fail(s, "nested too deeply");
	skip_ws(s);
	if (s->p >= s->end)
		return fail(s, "truncated record");
	switch (*s->p) {
	case '"':
		return scan_string(s, NULL);
	case '{':
		return skip_container(s, depth, '}', true);
	case '[':
		return skip_container(s, depth, ']', false);
	case 't':
		return skip_literal(s, "true");
	case 'f':
		return skip_literal(s, "false");
	case 'n':
		return skip_literal(s, "null");
	default:
		return skip_number(s);
	}
}

static int scan_int(struct scan *s, long long *out)
{
	bool neg = false;
	unsigned long long v = 0;
	const char *start;

	skip_ws(s);
	if (s->p < s->end && *s->p == '-') {
		neg = true;
		s->p++;
	}
	start = s->p;
	while (s->p < s->end && *s->p >= '0' && *s->p <= '9') {
		v = v * 10 + (unsigned)(*s->p - '0');
		s->p++;
	}
	if (s->p == start || s->p - start > 19)
		return fail(s, "bad integer");
	*out = neg ? -(long long)v : (long long)v;
	return 0;
}

static int scan_hex_arg(struct scan *s, uint64_t *out)
{
	struct prof_str str;
	uint64_t v = 0;

	if (scan_string(s, &str) < 0)
		return fail(s, "args: expected \"0x...\" strings");
	if (str.len < 3 || str.len > 18 || str.p[0] != '0' || (str.p[1] != 'x' && str.p[1] != 'X'))
		return fail(s, "args: expected \"0x...\" strings");
	for (size_t i = 2; i < str.len; i++) {
		char c = str.p[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return fail(s, "args: bad hex digit");
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

static int scan_args(struct scan *s, uint64_t *args)
{
	if (expect(s, '[', "args: expected an array") < 0)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		if (i > 0 && expect(s, ',', "args: expected 6 values") < 0)
			return -EINVAL;
		if (scan_hex_arg(s, &args[i]) < 0)
			return -EINVAL;
	}
	return expect(s, ']', "args: expected 6 values");
}

/* The "nr" of an errno object {"name": "EPERM", "nr": 1}. */
static int scan_errno(struct scan *s, int *nr)
{
	struct prof_str key;

	skip_ws(s);
	if (s->p < s->end && *s->p != '{')
		return skip_value(s, 1);
	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		return 0;
	}
	for (;;) {
		if (scan_string(s, &key) < 0 || expect(s, ':', "expected ':'") < 0)
			return -EINVAL;
		if (key.len == 2 && memcmp(key.p, "nr", 2) == 0) {
			long long v;

			if (scan_int(s, &v) < 0)
				return -EINVAL;
			if (v < 0 || v > 4095)
				return fail(s, "errno.nr out of range");
			*nr = (int)v;
		} else if (skip_value(s, 2) < 0) {
			return -EINVAL;
		}
		skip_ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		return expect(s, '}', "expected ',' or '}'");
	}
}

/*
 * The keys in the order bouncer's writer emits them, each as it appears on the line. Matching
 * the expected key with one memcmp instead of scanning it halves the time per record; any
 * other order or spacing falls back to the generic scan.
 */
static const struct {
	const char *text; /* "\"ts\":" */
	unsigned len;
} key_order[] = {
#define K(k)                                                                                       \
	{                                                                                          \
		"\"" k "\":", sizeof(k) + 2                                                        \
	}
        K("v"),    K("ts"),   K("run"),     K("seq"),         K("pid"),    K("tid"),    K("comm"),
        K("exe"),  K("arch"), K("syscall"), K("nr"),          K("args"),   K("action"), K("errno"),
        K("rule"), K("mode"), K("would"),   K("would_errno"), K("policy"),
#undef K
};

#define N_KEYS (sizeof(key_order) / sizeof(key_order[0]))

/* memcmp of a short key, as two word compares when the line has 16 bytes left. */
static bool key_equals(const char *p, unsigned g)
{
	static uint64_t words[N_KEYS][2], masks[N_KEYS][2];
	static bool ready;
	unsigned len = key_order[g].len;

	if (!ready) {
		for (unsigned k = 0; k < N_KEYS; k++) {
			char text[16] = {0}, mask[16] = {0};

			memcpy(text, key_order[k].text, key_order[k].len);
			memset(mask, 0xff, key_order[k].len);
			memcpy(words[k], text, 16);
			memcpy(masks[k], mask, 16);
		}
		ready = true;
	}
	if (len > 16)
		return memcmp(p, key_order[g].text, len) == 0;
	uint64_t a, b = 0;
	memcpy(&a, p, 8);
	if (len > 8)
		memcpy(&b, p + 8, len - 8);
	return ((a & masks[g][0]) == words[g][0]) && ((b & masks[g][1]) == words[g][1]);
}

static int scan_key(struct scan *s, struct prof_str *key, unsigned *guess)
{
	skip_ws(s);
	for (unsigned g = *guess; g < N_KEYS && g < *guess + 3; g++) {
		unsigned len = key_order[g].len;

		if ((size_t)(s->end - s->p) >= len && key_equals(s->p, g)) {
			key->p = s->p + 1;
			key->len = len - 3;
			key->escaped = false;
			s->p += len;
			*guess = g + 1;
			return 0;
		}
	}
	if (scan_string(s, key) < 0 || expect(s, ':', "expected ':'") < 0)
		return -EINVAL;
	return 0;
}

#define KEY(k, lit) ((k).len == sizeof(lit) - 1 && memcmp((k).p, lit, sizeof(lit) - 1) == 0)

int prof_scan_record(const char *line, size_t len, struct prof_record *rec, const char **why)
{
	struct scan s = {.p = line, .end = line + len};
	struct prof_str key, arch = {0}, action = {0}, mode = {0}, would = {0};
	bool have_args = false, args_known = true;
	unsigned guess = 0;
	int rc;

	memset(rec, 0, sizeof(*rec));
	rec->errno_nr = 1;
	if (expect(&s, '{', "not a JSON object") < 0)
		goto bad;
	skip_ws(&s);
	if (s.p < s.end && *s.p == '}')
		goto missing;
	for (;;) {
		if (scan_key(&s, &key, &guess) < 0)
			goto bad;
		skip_ws(&s);
		rc = 0;
		switch (key.len ? key.p[0] : 0) {
		case 'a':
			if (KEY(key, "arch"))
				rc = scan_string(&s, &arch);
			else if (KEY(key, "args")) {
				rc = scan_args(&s, rec->args);
				have_args = true;
			} else if (KEY(key, "action"))
				rc = scan_string(&s, &action);
			else if (KEY(key, "address"))
				rc = s.p < s.end && *s.p == '"' ? scan_string(&s, &rec->address)
				                                : skip_value(&s, 1);
			else if (KEY(key, "args_known")) {
				if (s.p < s.end && *s.p == 'f')
					args_known = false;
				rc = skip_value(&s, 1);
			} else
				rc = skip_value(&s, 1);
			break;
		case 's':
			rc = KEY(key, "syscall") ? scan_string(&s, &rec->syscall)
			                         : skip_value(&s, 1);
			break;
		case 'n':
			rc = KEY(key, "nr") ? scan_int(&s, &rec->nr) : skip_value(&s, 1);
			break;
		case 'm':
			rc = KEY(key, "mode") ? scan_string(&s, &mode) : skip_value(&s, 1);
			break;
		case 'w':
			/* "would" is present only when the policy would not have allowed. */
			if (KEY(key, "would"))
				rc = scan_string(&s, &would);
			else
				rc = skip_value(&s, 1);
			break;
		case 'e':
			if (KEY(key, "exe"))
				rc = scan_string(&s, &rec->exe);
			else if (KEY(key, "errno"))
				rc = scan_errno(&s, &rec->errno_nr);
			else
				rc = skip_value(&s, 1);
			break;
		case 't':
			rc = KEY(key, "ts") ? scan_string(&s, &rec->ts) : skip_value(&s, 1);
			break;
		case 'p':
			if (KEY(key, "path") && s.p < s.end && *s.p == '"')
				rc = scan_string(&s, &rec->path);
			else
				rc = skip_value(&s, 1);
			break;
		default:
			rc = skip_value(&s, 1);
		}
		if (rc < 0)
			goto bad;
		skip_ws(&s);
		if (s.p < s.end && *s.p == ',') {
			s.p++;
			continue;
		}
		if (expect(&s, '}', "expected ',' or '}'") < 0)
			goto bad;
		break;
	}
	skip_ws(&s);
	if (s.p != s.end) {
		fail(&s, "text after the record");
		goto bad;
	}
	if (!arch.p || !rec->syscall.p || !action.p)
		goto missing;
	rec->arch = prof_arch_token(arch.p, arch.len);
	if (!rec->arch) {
		s.why = "unknown arch";
		goto bad;
	}
	if (rec->syscall.len == 0 || rec->syscall.escaped) {
		s.why = "bad syscall name";
		goto bad;
	}
	rec->args_known = have_args && args_known;
	if (would.p || KEY(action, "allow") || KEY(action, "log"))
		rec->outcome = PROF_NEEDED;
	else if (KEY(action, "deny"))
		rec->outcome = PROF_DENIED;
	else if (KEY(action, "kill"))
		rec->outcome = PROF_KILLED;
	else {
		s.why = "unknown action";
		goto bad;
	}
	/* In audit mode nothing was stopped: whatever ran was needed. */
	if (mode.p && KEY(mode, "audit"))
		rec->outcome = PROF_NEEDED;
	return 0;
missing:
	s.why = "missing arch, syscall or action";
bad:
	*why = s.why ? s.why : "malformed record";
	return -EINVAL;
}

char *prof_str_dup(const struct prof_str *s)
{
	char *out = malloc(s->len + 1), *o = out;

	if (!out)
		return NULL;
	if (!s->escaped) {
		/* Already plain text (also strings that were decoded before). */
		memcpy(out, s->p, s->len);
		out[s->len] = 0;
		return out;
	}
	for (size_t i = 0; i < s->len; i++) {
		char c = s->p[i];

		if (c != '\\' || i + 1 >= s->len) {
			*o++ = c;
			continue;
		}
		c = s->p[++i];
		switch (c) {
		case 'n':
			*o++ = '\n';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 'b':
			*o++ = '\b';
			break;
		case 'f':
			*o++ = '\f';
			break;
		case 'u':
			/* Decode \uXXXX in the BMP as UTF-8; enough for paths and executables. */
			if (i + 4 < s->len) {
				unsigned cp =
				        (unsigned)strtoul((char[5]){s->p[i + 1], s->p[i + 2],
				                                    s->p[i + 3], s->p[i + 4], 0},
				                          NULL, 16);
				i += 4;
				if (cp < 0x80) {
					*o++ = (char)cp;
				} else if (cp < 0x800) {
					*o++ = (char)(0xc0 | cp >> 6);
					*o++ = (char)(0x80 | (cp & 0x3f));
				} else {
					*o++ = (char)(0xe0 | cp >> 12);
					*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
					*o++ = (char)(0x80 | (cp & 0x3f));
				}
			}
			break;
		default:
			*o++ = c;
		}
	}
	*o = 0;
	return out;
}
