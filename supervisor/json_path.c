/* SPDX-License-Identifier: MIT */
/*
 * Positions of values in JSON source text, for error messages.
 *
 * jansson keeps no source positions in the values it builds, so a message about a value that is
 * well-formed JSON but wrong for a policy ("unknown operator") would have no line:column. This
 * file walks the source text a second time, following a path such as `syscalls[3].args[0].op`
 * to where that value starts. The text has already been accepted by jansson, so the scanner can
 * be small: it only needs to skip strings (with escapes), nested containers and scalars.
 *
 * The same scanner also rewrites integer literals that jansson cannot hold (see
 * json_path_widen_big_integers()).
 *
 * Path syntax: members as `.key` (`key` at the start), elements as `[N]`, and members whose
 * key contains `.`, `[`, `]`, `"` or `\` (or is empty) as `["key"]` with `\"` and `\\` escaped.
 * The empty path is the root value.
 *
 * Columns count characters (UTF-8 code points), not bytes, like jansson's own error columns,
 * so that both kinds of message point at the same place.
 */
#include "policy.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#define SCAN_FAILED SIZE_MAX

/* The longest member key the scanner compares; longer keys never match. */
#define KEY_MAX 1024

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t skip_ws(const char *text, size_t len, size_t pos)
{
	while (pos < len && is_ws(text[pos]))
		pos++;
	return pos;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int read_hex4(const char *text, size_t len, size_t pos, unsigned *out)
{
	unsigned value = 0;
	int i;

	if (pos + 4 > len)
		return -1;
	for (i = 0; i < 4; i++) {
		int h = hex_value(text[pos + i]);

		if (h < 0)
			return -1;
		value = value << 4 | (unsigned)h;
	}
	*out = value;
	return 0;
}

/* Appends code point cp as UTF-8; returns the new length, or SCAN_FAILED when out is full. */
static size_t put_utf8(char *out, size_t cap, size_t n, unsigned cp)
{
	char buf[4];
	size_t k;

	if (cp < 0x80) {
		buf[0] = (char)cp;
		k = 1;
	} else if (cp < 0x800) {
		buf[0] = (char)(0xC0 | cp >> 6);
		buf[1] = (char)(0x80 | (cp & 0x3F));
		k = 2;
	} else if (cp < 0x10000) {
		buf[0] = (char)(0xE0 | cp >> 12);
		buf[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		buf[2] = (char)(0x80 | (cp & 0x3F));
		k = 3;
	} else {
		buf[0] = (char)(0xF0 | cp >> 18);
		buf[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		buf[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		buf[3] = (char)(0x80 | (cp & 0x3F));
		k = 4;
	}
	if (n + k > cap)
		return SCAN_FAILED;
	memcpy(out + n, buf, k);
	return n + k;
}

/*
 * Scans the string literal at text[pos] (which must be '"'). Returns the position after the
 * closing quote. When out is not NULL, the decoded string is stored there (not NUL-terminated)
 * with its length in *out_len, or *out_len is SCAN_FAILED when it does not fit.
 */
static size_t scan_string(const char *text, size_t len, size_t pos, char *out, size_t cap,
                          size_t *out_len)
{
	size_t n = 0;

	if (pos >= len || text[pos] != '"')
		return SCAN_FAILED;
	pos++;
	while (pos < len && text[pos] != '"') {
		unsigned cp;
		char c = text[pos];

		if (c != '\\') {
			if (out != NULL && n != SCAN_FAILED) {
				if (n < cap)
					out[n++] = c;
				else
					n = SCAN_FAILED;
			}
			pos++;
			continue;
		}
		if (pos + 1 >= len)
			return SCAN_FAILED;
		c = text[pos + 1];
		pos += 2;
		switch (c) {
		case 'b':
			cp = '\b';
			break;
		case 'f':
			cp = '\f';
			break;
		case 'n':
			cp = '\n';
			break;
		case 'r':
			cp = '\r';
			break;
		case 't':
			cp = '\t';
			break;
		case 'u':
			if (read_hex4(text, len, pos, &cp) < 0)
				return SCAN_FAILED;
			pos += 4;
			/* A high surrogate followed by \uDC00..\uDFFF is one code point. */
			if (cp >= 0xD800 && cp <= 0xDBFF && pos + 1 < len && text[pos] == '\\' &&
			    text[pos + 1] == 'u') {
				unsigned low;

				if (read_hex4(text, len, pos + 2, &low) == 0 && low >= 0xDC00 &&
				    low <= 0xDFFF) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
					pos += 6;
				}
			}
			break;
		default: /* '"', '\\', '/' stand for themselves. */
			cp = (unsigned char)c;
			break;
		}
		if (out != NULL && n != SCAN_FAILED)
			n = put_utf8(out, cap, n, cp);
	}
	if (pos >= len)
		return SCAN_FAILED;
	if (out_len != NULL)
		*out_len = n;
	return pos + 1;
}

/* Returns the position just after the value that starts at text[pos]. */
static size_t skip_value(const char *text, size_t len, size_t pos)
{
	unsigned depth = 0;

	if (pos >= len)
		return SCAN_FAILED;
	if (text[pos] == '"')
		return scan_string(text, len, pos, NULL, 0, NULL);
	if (text[pos] != '{' && text[pos] != '[') {
		/* true, false, null or a number: everything up to a delimiter. */
		while (pos < len && !is_ws(text[pos]) && strchr(",]}:", text[pos]) == NULL)
			pos++;
		return pos;
	}
	while (pos < len) {
		char c = text[pos];

		if (c == '"') {
			pos = scan_string(text, len, pos, NULL, 0, NULL);
			if (pos == SCAN_FAILED)
				return SCAN_FAILED;
			continue;
		}
		if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (--depth == 0)
				return pos + 1;
		}
		pos++;
	}
	return SCAN_FAILED;
}

/* From the object at text[pos], the position of the value of member key. */
static size_t find_member(const char *text, size_t len, size_t pos, const char *key, size_t key_len)
{
	char name[KEY_MAX];

	if (pos >= len || text[pos] != '{')
		return SCAN_FAILED;
	pos++;
	for (;;) {
		size_t name_len;

		pos = skip_ws(text, len, pos);
		if (pos >= len || text[pos] != '"')
			return SCAN_FAILED;
		pos = scan_string(text, len, pos, name, sizeof(name), &name_len);
		if (pos == SCAN_FAILED)
			return SCAN_FAILED;
		pos = skip_ws(text, len, pos);
		if (pos >= len || text[pos] != ':')
			return SCAN_FAILED;
		pos = skip_ws(text, len, pos + 1);
		if (name_len == key_len && memcmp(name, key, key_len) == 0)
			return pos;
		pos = skip_ws(text, len, skip_value(text, len, pos));
		if (pos >= len || text[pos] != ',')
			return SCAN_FAILED;
		pos++;
	}
}

/* From the array at text[pos], the position of element index. */
static size_t find_element(const char *text, size_t len, size_t pos, size_t index)
{
	size_t i;

	if (pos >= len || text[pos] != '[')
		return SCAN_FAILED;
	pos++;
	for (i = 0;; i++) {
		pos = skip_ws(text, len, pos);
		if (pos >= len || text[pos] == ']')
			return SCAN_FAILED;
		if (i == index)
			return pos;
		pos = skip_ws(text, len, skip_value(text, len, pos));
		if (pos >= len || text[pos] != ',')
			return SCAN_FAILED;
		pos++;
	}
}

/*
 * Reads the next path segment at *p: a key (decoded into key, *key_len) or an index (*index,
 * *key_len = SCAN_FAILED). Returns 0, 1 at the end of the path, or -1 for a malformed path.
 */
static int next_segment(const char **p, char *key, size_t *key_len, size_t *index)
{
	const char *s = *p;
	size_t n = 0;

	if (*s == '\0')
		return 1;
	if (*s == '.')
		s++;
	if (s[0] == '[' && s[1] == '"') {
		s += 2;
		while (*s != '\0' && *s != '"') {
			if (*s == '\\' && s[1] != '\0')
				s++;
			if (n >= KEY_MAX)
				return -1;
			key[n++] = *s++;
		}
		if (s[0] != '"' || s[1] != ']')
			return -1;
		*p = s + 2;
		*key_len = n;
		return 0;
	}
	if (*s == '[') {
		size_t value = 0;

		s++;
		if (*s < '0' || *s > '9')
			return -1;
		while (*s >= '0' && *s <= '9') {
			if (value > (SIZE_MAX - 9) / 10)
				return -1;
			value = value * 10 + (size_t)(*s++ - '0');
		}
		if (*s != ']')
			return -1;
		*p = s + 1;
		*index = value;
		*key_len = SCAN_FAILED;
		return 0;
	}
	while (*s != '\0' && *s != '.' && *s != '[') {
		if (n >= KEY_MAX)
			return -1;
		key[n++] = *s++;
	}
	if (n == 0)
		return -1;
	*p = s;
	*key_len = n;
	return 0;
}

int json_path_offset(const char *text, size_t len, const char *path, size_t *offset)
{
	char key[KEY_MAX];
	size_t pos = skip_ws(text, len, 0);

	for (;;) {
		size_t key_len, index = 0;
		int r = next_segment(&path, key, &key_len, &index);

		if (r < 0)
			return -EINVAL;
		if (r > 0)
			break;
		if (key_len == SCAN_FAILED)
			pos = find_element(text, len, pos, index);
		else
			pos = find_member(text, len, pos, key, key_len);
		if (pos == SCAN_FAILED || pos >= len)
			return -ENOENT;
	}
	if (pos >= len)
		return -ENOENT;
	*offset = pos;
	return 0;
}

void json_path_advance(const char *text, size_t from, size_t to, unsigned *line, unsigned *column)
{
	size_t i;

	for (i = from; i < to; i++) {
		if (text[i] == '\n') {
			++*line;
			*column = 1;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			/* UTF-8 continuation bytes belong to the character before them. */
			++*column;
		}
	}
}

void json_path_line_column(const char *text, size_t offset, unsigned *line, unsigned *column)
{
	*line = 1;
	*column = 1;
	json_path_advance(text, 0, offset, line, column);
}

int json_path_element_offsets(const char *text, size_t len, const char *path, size_t *offsets,
                              size_t n)
{
	size_t pos, i;
	int r = json_path_offset(text, len, path, &pos);

	if (r < 0)
		return r;
	if (text[pos] != '[')
		return -ENOENT;
	pos++;
	for (i = 0; i < n; i++) {
		pos = skip_ws(text, len, pos);
		if (pos >= len || text[pos] == ']')
			break;
		offsets[i] = pos;
		pos = skip_ws(text, len, skip_value(text, len, pos));
		if (pos >= len || text[pos] != ',') {
			i++;
			break;
		}
		pos++;
	}
	return (int)i;
}

int json_path_position(const char *text, size_t len, const char *path, unsigned *line,
                       unsigned *column)
{
	size_t offset;
	int r = json_path_offset(text, len, path, &offset);

	if (r < 0)
		return r;
	json_path_line_column(text, offset, line, column);
	return 0;
}

/* Whether the digits (no sign, no leading zero) exceed limit, a string of the same kind. */
static int digits_exceed(const char *digits, size_t n, const char *limit)
{
	size_t limit_len = strlen(limit);

	if (n != limit_len)
		return n > limit_len;
	return memcmp(digits, limit, n) > 0;
}

size_t json_path_widen_big_integers(char *text, size_t len)
{
	size_t pos = 0, count = 0;

	while (pos < len) {
		size_t start, digits, end;
		char c = text[pos];

		if (c == '"') {
			pos = scan_string(text, len, pos, NULL, 0, NULL);
			if (pos == SCAN_FAILED)
				break;
			continue;
		}
		if (c != '-' && (c < '0' || c > '9')) {
			pos++;
			continue;
		}
		start = pos;
		if (c == '-')
			pos++;
		digits = pos;
		while (pos < len && text[pos] >= '0' && text[pos] <= '9')
			pos++;
		end = pos;
		if (pos < len && (text[pos] == '.' || text[pos] == 'e' || text[pos] == 'E')) {
			/* Already a real: jansson reads it as a double. */
			while (pos < len && strchr("0123456789.eE+-", text[pos]) != NULL)
				pos++;
			continue;
		}
		if (end - digits < 3 || text[digits] == '0')
			continue;
		if (digits_exceed(text + digits, end - digits,
		                  text[start] == '-' ? "9223372036854775808"
		                                     : "9223372036854775807")) {
			/*
			 * Same length, so every position in the text stays where it was: drop the
			 * last two digits and write "e2". jansson then reads a real of about the
			 * same magnitude; the exact value is read back from the original text.
			 */
			text[end - 2] = 'e';
			text[end - 1] = '2';
			count++;
		}
	}
	return count;
}
