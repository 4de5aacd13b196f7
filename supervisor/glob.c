/* SPDX-License-Identifier: MIT */
/*
 * Glob matching as a Thompson-style automaton simulation.
 *
 * Every byte offset of the pattern is a potential state ("the rest of the pattern starts
 * here"); offset strlen(pattern) is the accepting state. A first pass classifies each offset
 * (literal, `?`, bracket expression, `*`, globstar, brace) and links braces to their
 * alternatives; the match then advances a set of live offsets over the path one byte at a time.
 * Each state is entered at most once per path byte, which is what bounds the work to
 * O(strlen(path) * strlen(pattern)) regardless of how many `*`, `**` or `{` the pattern has
 * (backtracking matchers are exponential on `**` chains).
 */
#include "glob.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

enum glob_kind {
	GK_LIT,        /* a literal byte */
	GK_ESC,        /* `\c`: c literally (the next offset is GK_SKIP) */
	GK_ANY1,       /* `?` */
	GK_CLASS,      /* `[`...`]`: aux = offset after the closing `]` */
	GK_STAR,       /* `*` within a component */
	GK_GS_SLASH,   /* first star of a globstar followed by '/': at a component boundary */
	GK_GS_INSIDE,  /* second star of that globstar: inside a component being skipped */
	GK_GS_TAIL,    /* first star of a globstar that ends the pattern or an alternative */
	GK_SLASH_TAIL, /* a `/` right before a GK_GS_TAIL: may also be skipped with it */
	GK_OPEN,       /* `{` with a matching `}`: alt = first `,` or the `}` */
	GK_ALT,        /* `,` inside a group: alt = next `,` or `}`, aux = the group's `}` */
	GK_CLOSE,      /* `}` closing a group */
	GK_SKIP,       /* inside an escape or a bracket expression: never a state */
};

struct glob_prog {
	size_t len;
	uint8_t kind[GLOB_PATTERN_MAX + 1];
	uint16_t aux[GLOB_PATTERN_MAX + 1];
	uint16_t alt[GLOB_PATTERN_MAX + 1];
};

/* Offset just past the `]` closing the bracket expression opened at i, or 0 if unterminated. */
static size_t class_end(const char *p, size_t len, size_t i)
{
	size_t j = i + 1;

	if (j < len && (p[j] == '!' || p[j] == '^'))
		j++;
	if (j < len && p[j] == ']')
		j++;
	while (j < len && p[j] != ']') {
		if (p[j] == '\\' && j + 1 < len)
			j += 2;
		else
			j++;
	}
	return j < len ? j + 1 : 0;
}

static bool is_component_start(const struct glob_prog *g, const char *p, size_t i)
{
	if (i == 0)
		return true;
	if (g->kind[i - 1] == GK_OPEN || g->kind[i - 1] == GK_ALT)
		return true;
	return p[i - 1] == '/' && (g->kind[i - 1] == GK_LIT || g->kind[i - 1] == GK_SLASH_TAIL);
}

static bool is_component_end(const struct glob_prog *g, const char *p, size_t i)
{
	if (i == g->len)
		return true;
	if (g->kind[i] == GK_ALT || g->kind[i] == GK_CLOSE)
		return true;
	return p[i] == '/' && g->kind[i] == GK_LIT;
}

/*
 * Classifies every offset of p. Needs a scratch stack for open braces; returns false if the
 * pattern is too long (nothing is classified then).
 */
static bool glob_compile(const char *p, struct glob_prog *g)
{
	uint16_t open_stack[GLOB_PATTERN_MAX];
	uint16_t last_link[GLOB_PATTERN_MAX]; /* per open brace: offset whose alt is still unset */
	size_t depth = 0;
	size_t len = strnlen(p, GLOB_PATTERN_MAX + 1);

	if (len > GLOB_PATTERN_MAX)
		return false;
	g->len = len;

	/* Pass 1: escapes, bracket expressions, braces. */
	for (size_t i = 0; i < len; i++) {
		g->aux[i] = 0;
		g->alt[i] = 0;
		switch (p[i]) {
		case '\\':
			if (i + 1 < len) {
				g->kind[i] = GK_ESC;
				g->kind[++i] = GK_SKIP;
				g->aux[i] = g->alt[i] = 0;
			} else {
				g->kind[i] = GK_LIT;
			}
			break;
		case '[': {
			size_t end = class_end(p, len, i);

			if (end == 0) {
				g->kind[i] = GK_LIT;
				break;
			}
			g->kind[i] = GK_CLASS;
			g->aux[i] = (uint16_t)end;
			for (size_t j = i + 1; j < end; j++) {
				g->kind[j] = GK_SKIP;
				g->aux[j] = g->alt[j] = 0;
			}
			i = end - 1;
			break;
		}
		case '?':
			g->kind[i] = GK_ANY1;
			break;
		case '*':
			g->kind[i] = GK_STAR;
			break;
		case '{':
			/* Provisionally literal; becomes GK_OPEN when its `}` is found. */
			g->kind[i] = GK_LIT;
			open_stack[depth] = (uint16_t)i;
			last_link[depth] = (uint16_t)i;
			depth++;
			break;
		case ',':
			if (depth > 0) {
				/* Provisionally literal too, until the group is known to be closed.
				 */
				g->kind[i] = GK_LIT;
				g->alt[last_link[depth - 1]] = (uint16_t)i;
				last_link[depth - 1] = (uint16_t)i;
				g->aux[i] = (uint16_t)open_stack[depth - 1];
			} else {
				g->kind[i] = GK_LIT;
			}
			break;
		case '}':
			if (depth > 0) {
				size_t open = open_stack[--depth];

				g->kind[i] = GK_CLOSE;
				g->kind[open] = GK_OPEN;
				g->alt[last_link[depth]] = (uint16_t)i;
				/* Turn this group's commas into alternatives that jump past the
				 * `}`. */
				for (size_t a = g->alt[open]; a != i; a = g->alt[a]) {
					g->kind[a] = GK_ALT;
					g->aux[a] = (uint16_t)i;
				}
			} else {
				g->kind[i] = GK_LIT;
			}
			break;
		default:
			g->kind[i] = GK_LIT;
			break;
		}
	}
	/*
	 * Commas of groups left open stay literal: their alt/aux links are never followed because
	 * only GK_OPEN and GK_ALT offsets use them.
	 */

	/* Pass 2: which `**` are whole components (globstars). */
	for (size_t i = 0; i + 1 < len; i++) {
		if (g->kind[i] != GK_STAR || g->kind[i + 1] != GK_STAR)
			continue;
		if (!is_component_start(g, p, i) || !is_component_end(g, p, i + 2))
			continue;
		if (i + 2 < len && p[i + 2] == '/' && g->kind[i + 2] == GK_LIT) {
			g->kind[i] = GK_GS_SLASH;
			g->kind[i + 1] = GK_GS_INSIDE;
		} else {
			g->kind[i] = GK_GS_TAIL;
			/* The second `*` is only reached through the tail's epsilon: same as `*`.
			 */
			if (i > 0 && p[i - 1] == '/' && g->kind[i - 1] == GK_LIT)
				g->kind[i - 1] = GK_SLASH_TAIL;
		}
		i++;
	}
	return true;
}

/* Whether byte c is in the bracket expression [start, end) (end is past the `]`). */
static bool class_matches(const char *p, size_t start, size_t end, unsigned char c)
{
	size_t j = start + 1, last = end - 1; /* last: the closing `]` */
	bool negate = false, found = false;

	if (p[j] == '!' || p[j] == '^') {
		negate = true;
		j++;
	}
	while (j < last) {
		unsigned char lo, hi;

		if (p[j] == '\\' && j + 1 < last) {
			lo = (unsigned char)p[j + 1];
			j += 2;
		} else {
			lo = (unsigned char)p[j];
			j++;
		}
		hi = lo;
		if (j + 1 < last && p[j] == '-') {
			if (p[j + 1] == '\\' && j + 2 < last) {
				hi = (unsigned char)p[j + 2];
				j += 3;
			} else {
				hi = (unsigned char)p[j + 1];
				j += 2;
			}
		}
		if (c >= lo && c <= hi)
			found = true;
	}
	return found != negate;
}

struct glob_set {
	uint64_t bits[(GLOB_PATTERN_MAX + 1 + 63) / 64];
	uint16_t list[GLOB_PATTERN_MAX + 1];
	size_t n;
};

static void set_clear(struct glob_set *s, size_t len)
{
	memset(s->bits, 0, ((len + 1 + 63) / 64) * sizeof(uint64_t));
	s->n = 0;
}

/* Adds state i and everything reachable from it without consuming a byte. */
static void set_add(const struct glob_prog *g, struct glob_set *s, size_t i, uint64_t *steps)
{
	size_t k = s->n;

	(*steps)++;
	if (s->bits[i / 64] & (1ull << (i % 64)))
		return;
	s->bits[i / 64] |= 1ull << (i % 64);
	s->list[s->n++] = (uint16_t)i;

	/* The list doubles as the work queue: entries from k on still need their epsilons. */
	for (; k < s->n; k++) {
		size_t st = s->list[k], next = SIZE_MAX, next2 = SIZE_MAX;

		if (st == g->len)
			continue;
		switch (g->kind[st]) {
		case GK_OPEN:
			next = st + 1;
			for (size_t a = g->alt[st]; g->kind[a] == GK_ALT; a = g->alt[a]) {
				size_t to = a + 1;

				(*steps)++;
				if (!(s->bits[to / 64] & (1ull << (to % 64)))) {
					s->bits[to / 64] |= 1ull << (to % 64);
					s->list[s->n++] = (uint16_t)to;
				}
			}
			break;
		case GK_ALT:
			next = (size_t)g->aux[st] + 1;
			break;
		case GK_CLOSE:
		case GK_STAR:
			next = st + 1;
			break;
		case GK_GS_SLASH:
			next = st + 3;
			break;
		case GK_GS_TAIL:
			next = st + 2;
			break;
		case GK_SLASH_TAIL:
			next2 = st + 3;
			break;
		default:
			break;
		}
		for (int e = 0; e < 2; e++) {
			size_t to = e == 0 ? next : next2;

			if (to == SIZE_MAX)
				continue;
			(*steps)++;
			if (s->bits[to / 64] & (1ull << (to % 64)))
				continue;
			s->bits[to / 64] |= 1ull << (to % 64);
			s->list[s->n++] = (uint16_t)to;
		}
	}
}

bool glob_match_counted(const char *pattern, const char *path, uint64_t *steps)
{
	struct glob_prog g;
	struct glob_set sets[2];
	struct glob_set *cur = &sets[0], *nxt = &sets[1];
	uint64_t local_steps = 0;
	bool matched;

	if (pattern == NULL || path == NULL || !glob_compile(pattern, &g))
		return false;

	set_clear(cur, g.len);
	set_add(&g, cur, 0, &local_steps);
	for (const char *c = path; *c != '\0' && cur->n > 0; c++) {
		unsigned char ch = (unsigned char)*c;

		set_clear(nxt, g.len);
		for (size_t k = 0; k < cur->n; k++) {
			size_t st = cur->list[k];

			local_steps++;
			if (st == g.len)
				continue;
			switch (g.kind[st]) {
			case GK_LIT:
			case GK_SLASH_TAIL:
				if ((unsigned char)pattern[st] == ch)
					set_add(&g, nxt, st + 1, &local_steps);
				break;
			case GK_ESC:
				if ((unsigned char)pattern[st + 1] == ch)
					set_add(&g, nxt, st + 2, &local_steps);
				break;
			case GK_ANY1:
				if (ch != '/')
					set_add(&g, nxt, st + 1, &local_steps);
				break;
			case GK_CLASS:
				if (ch != '/' && class_matches(pattern, st, g.aux[st], ch))
					set_add(&g, nxt, g.aux[st], &local_steps);
				break;
			case GK_STAR:
				if (ch != '/')
					set_add(&g, nxt, st, &local_steps);
				break;
			case GK_GS_SLASH:
				set_add(&g, nxt, ch == '/' ? st : st + 1, &local_steps);
				break;
			case GK_GS_INSIDE:
				set_add(&g, nxt, ch == '/' ? st - 1 : st, &local_steps);
				break;
			case GK_GS_TAIL:
				set_add(&g, nxt, st, &local_steps);
				break;
			default:
				break;
			}
		}
		struct glob_set *t = cur;

		cur = nxt;
		nxt = t;
	}
	matched = (cur->bits[g.len / 64] & (1ull << (g.len % 64))) != 0;
	if (steps != NULL)
		*steps += local_steps;
	return matched;
}

bool glob_match(const char *pattern, const char *path)
{
	return glob_match_counted(pattern, path, NULL);
}

int glob_validate(const char *pattern, char *why, size_t len)
{
	struct glob_prog g;
	size_t depth = 0;

	if (why != NULL && len > 0)
		why[0] = '\0';
	if (pattern == NULL || pattern[0] == '\0') {
		snprintf(why, len, "empty pattern");
		return -EINVAL;
	}
	if (!glob_compile(pattern, &g)) {
		snprintf(why, len, "pattern longer than %d bytes", GLOB_PATTERN_MAX);
		return -EINVAL;
	}
	for (size_t i = 0; i < g.len; i++) {
		char c = pattern[i];

		if (c == '\\' && g.kind[i] == GK_LIT) {
			snprintf(why, len, "trailing backslash at offset %zu", i);
			return -EINVAL;
		}
		if (c == '[' && g.kind[i] == GK_LIT) {
			snprintf(why, len, "unterminated '[' at offset %zu", i);
			return -EINVAL;
		}
		if (g.kind[i] == GK_CLASS) {
			size_t end = g.aux[i];

			size_t last = end - 1, j = i + 1;

			if (pattern[j] == '!' || pattern[j] == '^')
				j++;
			while (j < last) {
				unsigned char lo, hi;
				size_t at = j;

				if (pattern[j] == '[' && pattern[j + 1] == ':') {
					snprintf(why, len,
					         "character classes like [:alpha:] are not "
					         "supported "
					         "(offset %zu)",
					         j);
					return -EINVAL;
				}
				if (pattern[j] == '\\' && j + 1 < last)
					j++;
				lo = (unsigned char)pattern[j++];
				hi = lo;
				if (j + 1 < last && pattern[j] == '-') {
					if (pattern[j + 1] == '\\' && j + 2 < last)
						j++;
					hi = (unsigned char)pattern[j + 1];
					j += 2;
				}
				if (lo == '/' && hi == '/') {
					snprintf(why, len,
					         "'/' in the bracket expression at offset %zu can "
					         "never "
					         "match",
					         i);
					return -EINVAL;
				}
				if (lo > hi) {
					snprintf(why, len, "empty range at offset %zu", at);
					return -EINVAL;
				}
			}
			continue;
		}
		if (c == '{' && g.kind[i] == GK_OPEN) {
			if (++depth > GLOB_BRACE_DEPTH_MAX) {
				snprintf(why, len, "braces nested deeper than %d at offset %zu",
				         GLOB_BRACE_DEPTH_MAX, i);
				return -EINVAL;
			}
		} else if (c == '{' && g.kind[i] == GK_LIT) {
			snprintf(why, len, "unterminated '{' at offset %zu", i);
			return -EINVAL;
		} else if (g.kind[i] == GK_CLOSE) {
			depth--;
		} else if (c == '}' && g.kind[i] == GK_LIT) {
			snprintf(why, len, "unmatched '}' at offset %zu", i);
			return -EINVAL;
		}
		if (g.kind[i] == GK_STAR && i + 1 < g.len && g.kind[i + 1] == GK_STAR) {
			snprintf(why, len,
			         "'**' at offset %zu must be a whole path component (use '*' "
			         "within a component)",
			         i);
			return -EINVAL;
		}
	}
	return 0;
}
