/* SPDX-License-Identifier: MIT */
#include "oci_state.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Length of the UTF-8 sequence starting at s (1..4), or 0 if it is not a valid, shortest-form
 * sequence of a Unicode scalar value (RFC 3629): JSON text must be UTF-8, and a receiver's parser
 * (jansson, Go's encoding/json) rejects or mangles anything else.
 */
static size_t utf8_sequence_length(const unsigned char *s)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		/* E0 needs A0..BF (no overlong forms), ED needs 80..9F (no surrogates). */
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80;
		unsigned char hi = c == 0xed ? 0x9f : 0xbf;

		if (s[1] < lo || s[1] > hi || (s[2] & 0xc0) != 0x80)
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		/* F0 needs 90..BF (no overlong forms), F4 needs 80..8F (nothing above U+10FFFF). */
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80;
		unsigned char hi = c == 0xf4 ? 0x8f : 0xbf;

		if (s[1] < lo || s[1] > hi || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
			return 0;
		return 4;
	}
	return 0;
}

/*
 * Writes the JSON string body of src (without quotes) into dst, which has room for the worst
 * case (6 bytes per input byte), and returns the number of bytes written, or -EINVAL if src is
 * not UTF-8. The NUL terminator of src stops every multi-byte check above early, so reading
 * s[1..3] never goes past it.
 */
static int json_escape(const char *src, char *dst)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	char *d = dst;

	while (*s) {
		size_t n = utf8_sequence_length(s);

		if (n == 0)
			return -EINVAL;
		if (n > 1) {
			memcpy(d, s, n);
			d += n;
			s += n;
			continue;
		}
		switch (*s) {
		case '"':
		case '\\':
			*d++ = '\\';
			*d++ = (char)*s;
			break;
		case '\n':
			*d++ = '\\';
			*d++ = 'n';
			break;
		case '\t':
			*d++ = '\\';
			*d++ = 't';
			break;
		case '\r':
			*d++ = '\\';
			*d++ = 'r';
			break;
		default:
			if (*s < 0x20) {
				/* Other control characters have no short escape in JSON. */
				memcpy(d, "\\u00", 4);
				d[4] = hex[*s >> 4];
				d[5] = hex[*s & 0xf];
				d += 6;
			} else {
				*d++ = (char)*s;
			}
		}
		s++;
	}
	return (int)(d - dst);
}

int oci_state_format(pid_t pid, const char *metadata, char **out)
{
	static const char fmt[] =
	        "{\"ociVersion\":\"" OCI_STATE_VERSION "\",\"fds\":[\"seccompFd\"],\"pid\":%d,"
	        "\"metadata\":\"%s\",\"state\":{\"ociVersion\":\"" OCI_STATE_VERSION "\","
	        "\"id\":\"bouncer-sandbox-%d\",\"status\":\"running\",\"pid\":%d,\"bundle\":\"\"}}";
	size_t metadata_len = strlen(metadata);
	char *escaped, *message;
	int escaped_len, len;

	if (metadata_len > (size_t)(INT_MAX / 6 - 256))
		return -ENOMEM;
	escaped = malloc(metadata_len * 6 + 1);
	if (!escaped)
		return -ENOMEM;
	escaped_len = json_escape(metadata, escaped);
	if (escaped_len < 0) {
		free(escaped);
		return escaped_len;
	}
	escaped[escaped_len] = '\0';

	len = snprintf(NULL, 0, fmt, (int)pid, escaped, (int)pid, (int)pid);
	message = len < 0 ? NULL : malloc((size_t)len + 1);
	if (!message) {
		free(escaped);
		return -ENOMEM;
	}
	snprintf(message, (size_t)len + 1, fmt, (int)pid, escaped, (int)pid, (int)pid);
	free(escaped);
	*out = message;
	return len;
}
