/* SPDX-License-Identifier: MIT */
/*
 * JSON → struct policy: a Docker/OCI seccomp profile with Docker's (moby + runc) meaning, plus
 * bouncer's supervisor-side extensions ("supervise", "default" on SCMP_ACT_NOTIFY rules).
 *
 * Every message names the file, the line:column of the offending value and its JSON path
 * ("p.json:7:17: syscalls[0].args[0].op: unknown operator \"SCMP_CMP_EQQ\""); positions come from
 * json_path.c because jansson keeps none.
 *
 * Choices that differ from a plain json_loads():
 *  - Duplicate keys are rejected (JSON_REJECT_DUPLICATES). Go's decoder silently keeps the last
 *    one; in a security policy an ambiguous document is better refused than guessed.
 *  - Integers outside int64_t (argument masks up to 2^64-1) are rewritten to reals before jansson
 *    sees them (json_path_widen_big_integers()), and their exact value is read back from the
 *    source text. Everything else, including the borrowed "supervise" JSON, keeps jansson's
 *    ordinary integers.
 *  - JSON null in an optional field means "absent", as it does for Go's decoder.
 */
#include "policy.h"
#include "supervise_check.h"
#include "supervise_parse.h"
#include "policy_names.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define PATH_CAP 512

struct parse_ctx {
	const char *name; /* for messages */
	const char *text; /* the original source, for positions and exact numbers */
	size_t len;
	const struct policy_host *host;
	struct policy *policy; /* warnings go here */
	bouncer_error_t *err;
	char path[PATH_CAP]; /* JSON path of the value being parsed */
	size_t path_len;
};

/* ---- paths and messages ---- */

static bool key_needs_quotes(const char *key)
{
	if (*key == '\0')
		return true;
	return strpbrk(key, ".[]\"\\") != NULL;
}

/* Appends a member to the current path; returns what path_pop() needs to undo it. */
static size_t path_push_key(struct parse_ctx *ctx, const char *key)
{
	size_t old = ctx->path_len, room = PATH_CAP - old;
	int n;

	if (key_needs_quotes(key)) {
		char quoted[PATH_CAP];
		size_t q = 0;

		for (; *key != '\0' && q + 2 < sizeof(quoted); key++) {
			if (*key == '"' || *key == '\\')
				quoted[q++] = '\\';
			quoted[q++] = *key;
		}
		quoted[q] = '\0';
		n = snprintf(ctx->path + old, room, "[\"%s\"]", quoted);
	} else {
		n = snprintf(ctx->path + old, room, "%s%s", old == 0 ? "" : ".", key);
	}
	ctx->path_len = (n < 0 || (size_t)n >= room) ? PATH_CAP - 1 : old + (size_t)n;
	return old;
}

static size_t path_push_index(struct parse_ctx *ctx, size_t index)
{
	size_t old = ctx->path_len, room = PATH_CAP - old;
	int n = snprintf(ctx->path + old, room, "[%zu]", index);

	ctx->path_len = (n < 0 || (size_t)n >= room) ? PATH_CAP - 1 : old + (size_t)n;
	return old;
}

static void path_pop(struct parse_ctx *ctx, size_t old)
{
	ctx->path_len = old;
	ctx->path[old] = '\0';
}

/* "name:line:col: path: " for the current path (without line:col if it cannot be found). */
static void location(const struct parse_ctx *ctx, char *buf, size_t size)
{
	unsigned line, column;
	int n;

	if (json_path_position(ctx->text, ctx->len, ctx->path, &line, &column) == 0)
		n = snprintf(buf, size, "%s:%u:%u: ", ctx->name, line, column);
	else
		n = snprintf(buf, size, "%s: ", ctx->name);
	if (n >= 0 && (size_t)n < size && ctx->path_len > 0)
		snprintf(buf + n, size - (size_t)n, "%s: ", ctx->path);
}

__attribute__((format(printf, 3, 4))) static int fail(struct parse_ctx *ctx, int code,
                                                      const char *fmt, ...)
{
	char where[BOUNCER_ERROR_MAX], what[BOUNCER_ERROR_MAX];
	va_list ap;

	location(ctx, where, sizeof(where));
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return bouncer_error_set(ctx->err, code, "%s%s", where, what);
}

static int fail_nomem(struct parse_ctx *ctx)
{
	return bouncer_error_set(ctx->err, -ENOMEM, "%s: out of memory", ctx->name);
}

/* Records a non-fatal finding. Returns 0 or -ENOMEM. */
__attribute__((format(printf, 2, 3))) static int warn(struct parse_ctx *ctx, const char *fmt, ...)
{
	char where[BOUNCER_ERROR_MAX], what[BOUNCER_ERROR_MAX];
	struct policy *policy = ctx->policy;
	char **list, *msg;
	va_list ap;

	location(ctx, where, sizeof(where));
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	list = realloc(policy->warnings, (policy->n_warnings + 1) * sizeof(*list));
	if (list == NULL)
		return fail_nomem(ctx);
	policy->warnings = list;
	if (asprintf(&msg, "%s%s", where, what) < 0)
		return fail_nomem(ctx);
	list[policy->n_warnings++] = msg;
	return 0;
}

/* Whether the literal at the current path is an integer that jansson holds as a real. */
static bool is_widened_integer(const struct parse_ctx *ctx)
{
	size_t offset, end;

	if (json_path_offset(ctx->text, ctx->len, ctx->path, &offset) < 0)
		return false;
	if (ctx->text[offset] == '-')
		offset++;
	end = offset;
	while (end < ctx->len && ctx->text[end] >= '0' && ctx->text[end] <= '9')
		end++;
	return end > offset && (end == ctx->len || strchr(".eE", ctx->text[end]) == NULL);
}

/* The type of value as written in the source (value is at the current path). */
static const char *type_name(const struct parse_ctx *ctx, const json_t *value)
{
	switch (json_typeof(value)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return is_widened_integer(ctx) ? "an integer" : "a real number";
	case JSON_TRUE:
		return "true";
	case JSON_FALSE:
		return "false";
	case JSON_NULL:
		return "null";
	}
	return "something else";
}

static int expect_type(struct parse_ctx *ctx, const json_t *value, json_type type,
                       const char *expected)
{
	if (json_typeof(value) == type)
		return 0;
	return fail(ctx, -EINVAL, "expected %s, found %s", expected, type_name(ctx, value));
}

/* Warns about each key of object that is not in known (NULL-terminated). */
static int warn_unknown_keys(struct parse_ctx *ctx, json_t *object, const char *const *known)
{
	const char *key;
	json_t *value;

	json_object_foreach(object, key, value)
	{
		const char *const *k;
		size_t old;
		int r;

		for (k = known; *k != NULL; k++)
			if (strcmp(*k, key) == 0)
				break;
		if (*k != NULL)
			continue;
		/* Go's decoder matches keys case-insensitively; bouncer does not, so say so. */
		for (k = known; *k != NULL; k++)
			if (strcasecmp(*k, key) == 0)
				break;
		old = path_push_key(ctx, key);
		if (*k != NULL)
			r = warn(ctx,
			         "unknown key \"%s\" (ignored; keys are case-sensitive, "
			         "did you mean \"%s\"?)",
			         key, *k);
		else
			r = warn(ctx, "unknown key \"%s\" (ignored)", key);
		path_pop(ctx, old);
		if (r < 0)
			return r;
	}
	return 0;
}

/* A member that may be absent; null counts as absent. */
static json_t *member(json_t *object, const char *key)
{
	json_t *value = json_object_get(object, key);

	return json_is_null(value) ? NULL : value;
}

/* ---- scalars ---- */

/*
 * Reads an unsigned integer no larger than max. Integers that jansson could not hold arrive as
 * reals (see the top of the file): for those the literal is read from the source text, so that
 * 18446744073709551615 is exact and 1.5 or 1e3 are still refused.
 */
static int read_uint(struct parse_ctx *ctx, const json_t *value, uint64_t max, uint64_t *out)
{
	char literal[48];
	size_t offset, i, n = 0;
	uint64_t v = 0;
	bool overflow = false;

	if (json_is_integer(value)) {
		json_int_t i64 = json_integer_value(value);

		if (i64 < 0)
			return fail(ctx, -EINVAL, "expected a non-negative integer, found %lld",
			            (long long)i64);
		if ((uint64_t)i64 > max)
			return fail(ctx, -ERANGE, "%lld is out of range (0..%llu)", (long long)i64,
			            (unsigned long long)max);
		*out = (uint64_t)i64;
		return 0;
	}
	if (!json_is_real(value) || json_path_offset(ctx->text, ctx->len, ctx->path, &offset) < 0)
		return fail(ctx, -EINVAL, "expected a non-negative integer, found %s",
		            type_name(ctx, value));
	while (offset + n < ctx->len && n + 1 < sizeof(literal) &&
	       strchr("0123456789.eE+-", ctx->text[offset + n]) != NULL) {
		literal[n] = ctx->text[offset + n];
		n++;
	}
	literal[n] = '\0';
	if (strspn(literal, "0123456789") != n || n == 0) {
		if (literal[0] == '-' && strspn(literal + 1, "0123456789") == n - 1)
			return fail(ctx, -EINVAL, "expected a non-negative integer, found %s",
			            literal);
		return fail(ctx, -EINVAL, "expected an integer, found the real number %s", literal);
	}
	for (i = 0; i < n; i++) {
		unsigned digit = (unsigned)(literal[i] - '0');

		if (v > (UINT64_MAX - digit) / 10)
			overflow = true;
		else
			v = v * 10 + digit;
	}
	if (overflow || v > max)
		return fail(ctx, -ERANGE, "%s is out of range (0..%llu)", literal,
		            (unsigned long long)max);
	*out = v;
	return 0;
}

static int read_string(struct parse_ctx *ctx, const json_t *value, const char **out)
{
	int r = expect_type(ctx, value, JSON_STRING, "a string");

	if (r < 0)
		return r;
	*out = json_string_value(value);
	return 0;
}

static int dup_string(struct parse_ctx *ctx, const json_t *value, char **out)
{
	const char *s;
	int r = read_string(ctx, value, &s);

	if (r < 0)
		return r;
	*out = strdup(s);
	return *out == NULL ? fail_nomem(ctx) : 0;
}

/* ---- names of things (policy_names.c) ---- */

static int read_action(struct parse_ctx *ctx, const json_t *value, enum policy_action *out)
{
	const char *s;
	int r = read_string(ctx, value, &s);

	if (r == 0 && policy_action_from_name(s, out) < 0)
		r = fail(ctx, -EINVAL, "unknown action \"%s\" (valid: " POLICY_ACTION_NAMES ")", s);
	return r;
}

static int read_op(struct parse_ctx *ctx, const json_t *value, enum scmp_compare *out)
{
	const char *s;
	int r = read_string(ctx, value, &s);

	if (r == 0 && policy_op_from_name(s, out) < 0)
		r = fail(ctx, -EINVAL, "unknown operator \"%s\" (valid: " POLICY_OP_NAMES ")", s);
	return r;
}

static int read_scmp_arch(struct parse_ctx *ctx, const json_t *value, uint32_t *out)
{
	const char *s;
	int r = read_string(ctx, value, &s);

	if (r == 0) {
		*out = policy_arch_from_name(s);
		if (*out == 0)
			r = fail(ctx, -EINVAL,
			         "unknown architecture \"%s\" (valid: " POLICY_ARCH_NAMES ")", s);
	}
	return r;
}

static int read_filter_arch(struct parse_ctx *ctx, const json_t *value, uint32_t *out)
{
	const char *s;
	int r = read_string(ctx, value, &s);

	if (r == 0) {
		*out = policy_arch_from_filter_name(s);
		if (*out == 0)
			r = fail(ctx, -EINVAL,
			         "unknown architecture \"%s\" (valid: " POLICY_FILTER_ARCH_NAMES
			         ")",
			         s);
	}
	return r;
}

/* ---- containers ---- */

/* An array of non-empty strings; the caller frees *out (n entries) even on error. */
static int read_string_array(struct parse_ctx *ctx, json_t *value, bool allow_empty, char ***out,
                             size_t *n)
{
	size_t i;
	json_t *item;
	int r = expect_type(ctx, value, JSON_ARRAY, "an array of strings");

	if (r < 0)
		return r;
	if (json_array_size(value) == 0 && !allow_empty)
		return fail(ctx, -EINVAL, "empty list");
	*out = calloc(json_array_size(value) + 1, sizeof(**out));
	if (*out == NULL)
		return fail_nomem(ctx);
	json_array_foreach(value, i, item)
	{
		size_t old = path_push_index(ctx, i);

		r = dup_string(ctx, item, &(*out)[i]);
		if (r == 0 && (*out)[i][0] == '\0')
			r = fail(ctx, -EINVAL, "empty string");
		path_pop(ctx, old);
		if ((*out)[i] != NULL)
			*n = i + 1;
		if (r < 0)
			return r;
	}
	return 0;
}

/* Skips a run of decimal digits; returns NULL when there is none. */
static const char *skip_digits(const char *s)
{
	const char *start = s;

	while (*s >= '0' && *s <= '9')
		s++;
	return s == start ? NULL : s;
}

/*
 * "MAJOR.MINOR", as moby writes minKernel. A ".PATCH" suffix is accepted and ignored, because
 * moby reads the version with "%d.%d" and would accept it too.
 */
static int read_min_kernel(struct parse_ctx *ctx, const json_t *value, char **out)
{
	const char *s, *p;
	int r = read_string(ctx, value, &s);

	if (r < 0)
		return r;
	p = skip_digits(s);
	if (p != NULL && *p == '.')
		p = skip_digits(p + 1);
	else
		p = NULL;
	if (p != NULL && *p == '.')
		p = skip_digits(p + 1);
	if (p == NULL || *p != '\0' || strlen(s) > 32)
		return fail(ctx, -EINVAL,
		            "invalid kernel version \"%s\" (expected \"MAJOR.MINOR\")", s);
	*out = strdup(s);
	return *out == NULL ? fail_nomem(ctx) : 0;
}

static int parse_filter(struct parse_ctx *ctx, json_t *object, struct policy_filter *filter)
{
	static const char *const known[] = {"caps", "arches", "minKernel", NULL};
	json_t *caps, *arches, *min_kernel;
	size_t old, i;
	int r = expect_type(ctx, object, JSON_OBJECT, "an object");

	if (r < 0)
		return r;
	r = warn_unknown_keys(ctx, object, known);
	if (r < 0)
		return r;

	caps = member(object, "caps");
	if (caps != NULL) {
		old = path_push_key(ctx, "caps");
		r = read_string_array(ctx, caps, true, &filter->caps, &filter->n_caps);
		for (i = 0; r == 0 && i < filter->n_caps; i++) {
			if (policy_cap_from_name(filter->caps[i]) < 0) {
				size_t item = path_push_index(ctx, i);

				r = warn(ctx, "unknown capability \"%s\" (never held)",
				         filter->caps[i]);
				path_pop(ctx, item);
			}
		}
		path_pop(ctx, old);
		if (r < 0)
			return r;
	}

	arches = member(object, "arches");
	if (arches != NULL) {
		json_t *item;

		old = path_push_key(ctx, "arches");
		r = expect_type(ctx, arches, JSON_ARRAY, "an array of strings");
		if (r == 0) {
			filter->arches = calloc(json_array_size(arches) + 1, sizeof(uint32_t));
			if (filter->arches == NULL)
				r = fail_nomem(ctx);
		}
		if (r == 0) {
			json_array_foreach(arches, i, item)
			{
				size_t idx = path_push_index(ctx, i);

				r = read_filter_arch(ctx, item, &filter->arches[i]);
				path_pop(ctx, idx);
				if (r < 0)
					break;
				filter->n_arches = i + 1;
			}
		}
		path_pop(ctx, old);
		if (r < 0)
			return r;
	}

	min_kernel = member(object, "minKernel");
	if (min_kernel != NULL) {
		old = path_push_key(ctx, "minKernel");
		r = read_min_kernel(ctx, min_kernel, &filter->min_kernel);
		path_pop(ctx, old);
	}
	return r;
}

static int parse_arg(struct parse_ctx *ctx, json_t *object, struct policy_arg *arg)
{
	static const char *const known[] = {"index", "value", "valueTwo", "op", NULL};
	json_t *value;
	uint64_t index = 0;
	size_t old;
	int r = expect_type(ctx, object, JSON_OBJECT, "an object");

	if (r < 0)
		return r;
	r = warn_unknown_keys(ctx, object, known);
	if (r < 0)
		return r;

	value = member(object, "index");
	if (value == NULL)
		return fail(ctx, -EINVAL, "missing \"index\"");
	old = path_push_key(ctx, "index");
	r = read_uint(ctx, value, UINT64_MAX, &index);
	if (r == 0 && index > 5)
		r = fail(ctx, -ERANGE,
		         "argument index %llu is out of range (syscalls have arguments 0..5)",
		         (unsigned long long)index);
	path_pop(ctx, old);
	if (r < 0)
		return r;
	arg->index = (unsigned)index;

	/* value and valueTwo default to 0, as Go's decoder leaves them. */
	value = member(object, "value");
	if (value != NULL) {
		old = path_push_key(ctx, "value");
		r = read_uint(ctx, value, UINT64_MAX, &arg->value);
		path_pop(ctx, old);
		if (r < 0)
			return r;
	}
	value = member(object, "valueTwo");
	if (value != NULL) {
		old = path_push_key(ctx, "valueTwo");
		r = read_uint(ctx, value, UINT64_MAX, &arg->value_two);
		path_pop(ctx, old);
		if (r < 0)
			return r;
	}

	value = member(object, "op");
	if (value == NULL)
		return fail(ctx, -EINVAL, "missing \"op\"");
	old = path_push_key(ctx, "op");
	r = read_op(ctx, value, &arg->op);
	path_pop(ctx, old);
	return r;
}

/* 16 bits: SECCOMP_RET_DATA, where the kernel takes the errno (or TRACE's message) from. */
#define ERRNO_RET_MAX 0xFFFF

static bool action_uses_errno(enum policy_action action)
{
	return action == POLICY_ACT_ERRNO || action == POLICY_ACT_TRACE ||
	       action == POLICY_ACT_NOTIFY;
}

static int parse_names(struct parse_ctx *ctx, json_t *object, struct policy_rule *rule)
{
	json_t *names = member(object, "names"), *name = member(object, "name");
	size_t old;
	int r;

	if (names != NULL && name != NULL) {
		old = path_push_key(ctx, "name");
		r = fail(ctx, -EINVAL, "both \"name\" and \"names\" are given; use \"names\"");
		path_pop(ctx, old);
		return r;
	}
	if (names == NULL && name == NULL)
		return fail(ctx, -EINVAL, "missing \"names\"");
	if (names != NULL) {
		old = path_push_key(ctx, "names");
		r = read_string_array(ctx, names, false, &rule->names, &rule->n_names);
		path_pop(ctx, old);
		return r;
	}
	rule->names = calloc(2, sizeof(*rule->names));
	if (rule->names == NULL)
		return fail_nomem(ctx);
	old = path_push_key(ctx, "name");
	r = dup_string(ctx, name, &rule->names[0]);
	if (r == 0) {
		rule->n_names = 1;
		if (rule->names[0][0] == '\0')
			r = fail(ctx, -EINVAL, "empty string");
	}
	path_pop(ctx, old);
	return r;
}

static int parse_args(struct parse_ctx *ctx, json_t *args, struct policy_rule *rule)
{
	json_t *item;
	size_t i;
	int r = expect_type(ctx, args, JSON_ARRAY, "an array of objects");

	if (r < 0)
		return r;
	rule->args = calloc(json_array_size(args) + 1, sizeof(*rule->args));
	if (rule->args == NULL)
		return fail_nomem(ctx);
	json_array_foreach(args, i, item)
	{
		size_t old = path_push_index(ctx, i);

		r = parse_arg(ctx, item, &rule->args[i]);
		path_pop(ctx, old);
		if (r < 0)
			return r;
		rule->n_args = i + 1;
	}
	return 0;
}

/*
 * An action and the errno that goes with it: a rule's "action"/"errnoRet", or the profile's
 * "defaultAction"/"defaultErrnoRet" (the action is required; the errno is a warning where the
 * action does not use it).
 */
static int parse_action_and_errno(struct parse_ctx *ctx, json_t *object, const char *action_key,
                                  const char *errno_key, enum policy_action *action,
                                  bool *has_errno, uint32_t *errno_value)
{
	/* A null action is a wrong type, not an absent one (it is required). */
	json_t *value = json_object_get(object, action_key);
	uint64_t errno_ret = 0;
	size_t old;
	int r;

	if (value == NULL)
		return fail(ctx, -EINVAL, "missing \"%s\"", action_key);
	old = path_push_key(ctx, action_key);
	r = read_action(ctx, value, action);
	path_pop(ctx, old);
	if (r < 0)
		return r;

	*has_errno = false;
	value = member(object, errno_key);
	if (value == NULL)
		return 0;
	old = path_push_key(ctx, errno_key);
	r = read_uint(ctx, value, ERRNO_RET_MAX, &errno_ret);
	if (r == 0 && !action_uses_errno(*action))
		r = warn(ctx, "%s has no effect with %s%s", errno_key,
		         strcmp(action_key, "action") == 0 ? "" : "defaultAction ",
		         policy_action_name(*action));
	path_pop(ctx, old);
	if (r < 0)
		return r;
	*has_errno = true;
	*errno_value = (uint32_t)errno_ret;
	return 0;
}

/*
 * The supervisor-side clauses of a NOTIFY rule, parsed now so that their errors stop the
 * workload from starting, with file:line:column like every other policy error.
 */
static int parse_supervise(struct parse_ctx *ctx, struct policy_rule *rule)
{
	char where[PATH_CAP];
	bouncer_error_t serr = {0};
	unsigned line, column;
	int r;

	r = supervise_parse(rule->supervise, rule->supervise_default, rule->index, rule->names,
	                    rule->n_names, (int)ctx->policy->default_errno, &rule->supervise_model,
	                    where, sizeof(where), &serr);
	if (r == 0)
		r = supervise_check_race_free(rule->supervise_model, rule->names, rule->n_names,
		                              rule->index, where, sizeof(where), &serr);
	if (r == 0)
		return 0;
	if (r == -ENOMEM)
		return fail_nomem(ctx);
	if (json_path_position(ctx->text, ctx->len, where, &line, &column) == 0)
		return bouncer_error_set(ctx->err, r, "%s:%u:%u: %s", ctx->name, line, column,
		                         serr.msg);
	return bouncer_error_set(ctx->err, r, "%s: %s", ctx->name, serr.msg);
}

static int parse_rule(struct parse_ctx *ctx, json_t *object, size_t index, struct policy_rule *rule)
{
	static const char *const known[] = {"names",     "name",    "action",   "errnoRet",
	                                    "args",      "comment", "includes", "excludes",
	                                    "supervise", "default", NULL};
	json_t *value;
	size_t old;
	int r;

	rule->index = index;
	r = expect_type(ctx, object, JSON_OBJECT, "an object");
	if (r < 0)
		return r;
	r = warn_unknown_keys(ctx, object, known);
	if (r < 0)
		return r;
	r = parse_names(ctx, object, rule);
	if (r < 0)
		return r;

	r = parse_action_and_errno(ctx, object, "action", "errnoRet", &rule->action,
	                           &rule->has_errno_ret, &rule->errno_ret);
	if (r < 0)
		return r;

	value = member(object, "args");
	if (value != NULL) {
		old = path_push_key(ctx, "args");
		r = parse_args(ctx, value, rule);
		path_pop(ctx, old);
		if (r < 0)
			return r;
	}

	value = member(object, "comment");
	if (value != NULL) {
		old = path_push_key(ctx, "comment");
		r = dup_string(ctx, value, &rule->comment);
		path_pop(ctx, old);
		if (r < 0)
			return r;
	}

	value = member(object, "includes");
	if (value != NULL) {
		old = path_push_key(ctx, "includes");
		r = parse_filter(ctx, value, &rule->includes);
		path_pop(ctx, old);
		if (r < 0)
			return r;
	}
	value = member(object, "excludes");
	if (value != NULL) {
		old = path_push_key(ctx, "excludes");
		r = parse_filter(ctx, value, &rule->excludes);
		path_pop(ctx, old);
		if (r < 0)
			return r;
	}

	/* bouncer's extensions: kept as JSON for the supervisor's clause evaluator. */
	value = member(object, "supervise");
	if (value != NULL) {
		old = path_push_key(ctx, "supervise");
		r = expect_type(ctx, value, JSON_ARRAY, "an array");
		if (r == 0 && rule->action != POLICY_ACT_NOTIFY)
			r = fail(ctx, -EINVAL, "only allowed with SCMP_ACT_NOTIFY (action is %s)",
			         policy_action_name(rule->action));
		path_pop(ctx, old);
		if (r < 0)
			return r;
		rule->supervise = value;
	}
	value = member(object, "default");
	if (value != NULL) {
		old = path_push_key(ctx, "default");
		r = expect_type(ctx, value, JSON_OBJECT, "an object");
		if (r == 0 && rule->action != POLICY_ACT_NOTIFY)
			r = fail(ctx, -EINVAL, "only allowed with SCMP_ACT_NOTIFY (action is %s)",
			         policy_action_name(rule->action));
		path_pop(ctx, old);
		if (r < 0)
			return r;
		rule->supervise_default = value;
	}

	if (rule->supervise != NULL || rule->supervise_default != NULL) {
		r = parse_supervise(ctx, rule);
		if (r < 0)
			return r;
	}

	rule->active = ctx->host != NULL ? policy_rule_applies(rule, ctx->host) : true;
	return 0;
}

/* ---- top level ---- */

static int parse_arch_map_entry(struct parse_ctx *ctx, json_t *object, struct policy_arch *arch)
{
	static const char *const known[] = {"architecture", "subArchitectures", NULL};
	json_t *value, *item;
	size_t old, i;
	int r = expect_type(ctx, object, JSON_OBJECT, "an object");

	if (r < 0)
		return r;
	r = warn_unknown_keys(ctx, object, known);
	if (r < 0)
		return r;
	value = member(object, "architecture");
	if (value == NULL)
		return fail(ctx, -EINVAL, "missing \"architecture\"");
	old = path_push_key(ctx, "architecture");
	r = read_scmp_arch(ctx, value, &arch->token);
	path_pop(ctx, old);
	if (r < 0)
		return r;

	value = member(object, "subArchitectures");
	if (value == NULL)
		return 0;
	old = path_push_key(ctx, "subArchitectures");
	r = expect_type(ctx, value, JSON_ARRAY, "an array of strings");
	if (r == 0) {
		arch->sub = calloc(json_array_size(value) + 1, sizeof(*arch->sub));
		if (arch->sub == NULL)
			r = fail_nomem(ctx);
	}
	if (r == 0) {
		json_array_foreach(value, i, item)
		{
			size_t idx = path_push_index(ctx, i);

			r = read_scmp_arch(ctx, item, &arch->sub[i]);
			path_pop(ctx, idx);
			if (r < 0)
				break;
			arch->n_sub = i + 1;
		}
	}
	path_pop(ctx, old);
	return r;
}

static int parse_arches(struct parse_ctx *ctx, json_t *root)
{
	struct policy *policy = ctx->policy;
	json_t *list = member(root, "architectures"), *map = member(root, "archMap"), *item;
	bool is_map = map != NULL;
	uint32_t native = ctx->host != NULL ? ctx->host->native_arch : seccomp_arch_native();
	size_t old, i;
	int r;

	if (list != NULL && map != NULL) {
		old = path_push_key(ctx, "archMap");
		r = fail(ctx, -EINVAL, "use either \"architectures\" or \"archMap\", not both");
		path_pop(ctx, old);
		return r;
	}
	if (!is_map && list == NULL)
		return 0;
	old = path_push_key(ctx, is_map ? "archMap" : "architectures");
	r = expect_type(ctx, is_map ? map : list, JSON_ARRAY,
	                is_map ? "an array of objects" : "an array of strings");
	if (r == 0) {
		json_t *array = is_map ? map : list;

		policy->arches = calloc(json_array_size(array) + 1, sizeof(*policy->arches));
		if (policy->arches == NULL)
			r = fail_nomem(ctx);
		for (i = 0; r == 0 && i < json_array_size(array); i++) {
			size_t idx = path_push_index(ctx, i);

			item = json_array_get(array, i);
			if (is_map)
				r = parse_arch_map_entry(ctx, item, &policy->arches[i]);
			else
				r = read_scmp_arch(ctx, item, &policy->arches[i].token);
			policy->arches[i].active = !is_map || policy->arches[i].token == native;
			path_pop(ctx, idx);
			/* Counted even on error so that policy_free() sees the sub-arrays. */
			policy->n_arches = i + 1;
		}
	}
	path_pop(ctx, old);
	return r;
}

static int parse_flags(struct parse_ctx *ctx, json_t *flags)
{
	json_t *item;
	size_t i;
	int r = expect_type(ctx, flags, JSON_ARRAY, "an array of strings");

	if (r < 0)
		return r;
	json_array_foreach(flags, i, item)
	{
		size_t old = path_push_index(ctx, i);
		unsigned flag = 0;
		const char *s;

		r = read_string(ctx, item, &s);
		if (r == 0 && policy_flag_from_name(s, &flag) < 0)
			r = fail(ctx, -EINVAL, "unknown flag \"%s\" (valid: " POLICY_FLAG_NAMES ")",
			         s);
		path_pop(ctx, old);
		if (r < 0)
			return r;
		ctx->policy->flags |= flag;
	}
	return 0;
}

/* Stores where each rule starts (ctx->path is "syscalls"). */
static int rule_positions(struct parse_ctx *ctx, struct policy_rule *rules, size_t n)
{
	unsigned line = 1, column = 1;
	size_t *offsets, i, last = 0;
	int found;

	if (n == 0)
		return 0;
	offsets = calloc(n, sizeof(*offsets));
	if (offsets == NULL)
		return fail_nomem(ctx);
	found = json_path_element_offsets(ctx->text, ctx->len, ctx->path, offsets, n);
	for (i = 0; found > 0 && i < (size_t)found; i++) {
		json_path_advance(ctx->text, last, offsets[i], &line, &column);
		last = offsets[i];
		rules[i].line = line;
		rules[i].column = column;
	}
	free(offsets);
	return 0;
}

static int parse_rules(struct parse_ctx *ctx, json_t *syscalls)
{
	struct policy *policy = ctx->policy;
	json_t *item;
	size_t i;
	int r = expect_type(ctx, syscalls, JSON_ARRAY, "an array of objects");

	if (r < 0)
		return r;
	policy->rules = calloc(json_array_size(syscalls) + 1, sizeof(*policy->rules));
	if (policy->rules == NULL)
		return fail_nomem(ctx);
	r = rule_positions(ctx, policy->rules, json_array_size(syscalls));
	if (r < 0)
		return r;
	json_array_foreach(syscalls, i, item)
	{
		size_t old = path_push_index(ctx, i);

		/* Counted first so that policy_free() releases a half-parsed rule. */
		policy->n_rules = i + 1;
		r = parse_rule(ctx, item, i, &policy->rules[i]);
		path_pop(ctx, old);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_root(struct parse_ctx *ctx, json_t *root)
{
	/* "comment" is bouncer's: a place to say what a policy is for (Go's decoder ignores it). */
	static const char *const known[] = {
	        "defaultAction", "defaultErrnoRet", "architectures",    "archMap", "flags",
	        "syscalls",      "listenerPath",    "listenerMetadata", "comment", NULL};
	struct policy *policy = ctx->policy;
	json_t *value;
	size_t old;
	int r = expect_type(ctx, root, JSON_OBJECT, "an object");

	if (r < 0)
		return r;
	r = warn_unknown_keys(ctx, root, known);
	if (r < 0)
		return r;

	r = parse_action_and_errno(ctx, root, "defaultAction", "defaultErrnoRet",
	                           &policy->default_action, &policy->has_default_errno,
	                           &policy->default_errno);
	if (r < 0)
		return r;
	if (!policy->has_default_errno)
		policy->default_errno = EPERM;

	r = parse_arches(ctx, root);
	if (r < 0)
		return r;

	value = member(root, "flags");
	if (value != NULL) {
		old = path_push_key(ctx, "flags");
		r = parse_flags(ctx, value);
		path_pop(ctx, old);
		if (r < 0)
			return r;
	}

	value = member(root, "listenerPath");
	if (value != NULL) {
		old = path_push_key(ctx, "listenerPath");
		r = dup_string(ctx, value, &policy->listener_path);
		path_pop(ctx, old);
		if (r < 0)
			return r;
	}
	value = member(root, "listenerMetadata");
	if (value != NULL) {
		old = path_push_key(ctx, "listenerMetadata");
		r = dup_string(ctx, value, &policy->listener_metadata);
		path_pop(ctx, old);
		if (r < 0)
			return r;
	}

	/* No syscalls[] is valid: every call gets the default action. */
	value = member(root, "syscalls");
	if (value != NULL) {
		old = path_push_key(ctx, "syscalls");
		r = parse_rules(ctx, value);
		path_pop(ctx, old);
	}
	return r;
}

int policy_parse(const char *name, const char *text, size_t len, const struct policy_host *host,
                 struct policy **out, bouncer_error_t *err)
{
	struct parse_ctx ctx = {
	        .name = name,
	        .text = text,
	        .len = len,
	        .host = host,
	        .err = err,
	};
	struct policy *policy;
	json_error_t jerr;
	char *widened;
	int r;

	*out = NULL;
	policy = calloc(1, sizeof(*policy));
	if (policy == NULL)
		return bouncer_error_set(err, -ENOMEM, "%s: out of memory", name);
	ctx.policy = policy;
	policy->source = strdup(name);
	widened = malloc(len + 1);
	if (policy->source == NULL || widened == NULL) {
		free(widened);
		policy_free(policy);
		return bouncer_error_set(err, -ENOMEM, "%s: out of memory", name);
	}
	memcpy(widened, text, len);
	widened[len] = '\0';
	json_path_widen_big_integers(widened, len);
	policy->root = json_loadb(widened, len, JSON_REJECT_DUPLICATES, &jerr);
	free(widened);
	if (policy->root == NULL) {
		/* jansson's column is that of the token's last character, 0 at an empty start. */
		r = bouncer_error_set(err, -EINVAL, "%s:%d:%d: %s", name, jerr.line,
		                      jerr.column > 0 ? jerr.column : 1, jerr.text);
		policy_free(policy);
		return r;
	}
	r = parse_root(&ctx, policy->root);
	if (r < 0) {
		policy_free(policy);
		return r;
	}
	*out = policy;
	return 0;
}

int policy_load_file(const char *path, const struct policy_host *host, struct policy **out,
                     bouncer_error_t *err)
{
	char *text = NULL;
	size_t len = 0, cap = 0;
	int fd, r;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bouncer_error_set(err, -errno, "%s: %s", path, strerror(errno));
	for (;;) {
		ssize_t n;

		if (cap - len < 4096) {
			char *bigger;

			cap = cap == 0 ? 65536 : cap * 2;
			bigger = realloc(text, cap);
			if (bigger == NULL) {
				free(text);
				close(fd);
				return bouncer_error_set(err, -ENOMEM, "%s: out of memory", path);
			}
			text = bigger;
		}
		n = read(fd, text + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = bouncer_error_set(err, -errno, "%s: %s", path, strerror(errno));
			free(text);
			close(fd);
			return r;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	r = policy_parse(path, text, len, host, out, err);
	free(text);
	return r;
}

int policy_load_default(const struct policy_host *host, struct policy **out, bouncer_error_t *err)
{
	return policy_parse("<default>", bouncer_default_policy, bouncer_default_policy_len, host,
	                    out, err);
}

static void free_strings(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

static void free_filter(struct policy_filter *filter)
{
	free_strings(filter->caps, filter->n_caps);
	free(filter->arches);
	free(filter->min_kernel);
}

void policy_free(struct policy *policy)
{
	size_t i;

	if (policy == NULL)
		return;
	for (i = 0; i < policy->n_rules; i++) {
		struct policy_rule *rule = &policy->rules[i];

		free_strings(rule->names, rule->n_names);
		free(rule->args);
		free(rule->comment);
		supervise_rule_free(rule->supervise_model);
		free_filter(&rule->includes);
		free_filter(&rule->excludes);
	}
	free(policy->rules);
	for (i = 0; i < policy->n_arches; i++)
		free(policy->arches[i].sub);
	free(policy->arches);
	free(policy->listener_path);
	free(policy->listener_metadata);
	free_strings(policy->warnings, policy->n_warnings);
	free(policy->source);
	json_decref(policy->root);
	free(policy);
}
