/* SPDX-License-Identifier: MIT */
#include "supervise_parse.h"
#include "policy_names.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glob.h"
#include "syscall_args.h"

#if __has_include("errno_name.h")
#include "errno_name.h"
#else
/* errno_name.h (policy branch) is not merged into this tree yet; this is its contract. */
int errno_from_name(const char *name);
#endif

/* Largest errno a deny may carry: the kernel's MAX_ERRNO. */
#define SUPERVISE_ERRNO_MAX 4095

struct parse_ctx {
	char path[256]; /* JSON path of the value being parsed */
	char *where;
	size_t where_len;
	bouncer_error_t *err;
	char *const *names;
	size_t n_names;
	int profile_errno;
};

/* Sets the error for the value at ctx->path + suffix; returns -EINVAL. */
static int fail(struct parse_ctx *ctx, const char *suffix, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static int fail(struct parse_ctx *ctx, const char *suffix, const char *fmt, ...)
{
	char msg[BOUNCER_ERROR_MAX / 2];
	char full[sizeof(ctx->path) + 64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "%s%s", ctx->path, suffix);
	if (ctx->where != NULL && ctx->where_len > 0)
		snprintf(ctx->where, ctx->where_len, "%s", full);
	return bouncer_error_set(ctx->err, -EINVAL, "%s: %s", full, msg);
}

/* Appends to ctx->path; returns the old length so that pop() can restore it. */
static size_t push(struct parse_ctx *ctx, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static size_t push(struct parse_ctx *ctx, const char *fmt, ...)
{
	size_t old = strlen(ctx->path);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->path + old, sizeof(ctx->path) - old, fmt, ap);
	va_end(ap);
	return old;
}

static void pop(struct parse_ctx *ctx, size_t old)
{
	ctx->path[old] = '\0';
}

const char *supervise_verdict_name(enum supervise_verdict verdict)
{
	switch (verdict) {
	case SUPERVISE_ALLOW:
		return "allow";
	case SUPERVISE_DENY:
		return "deny";
	case SUPERVISE_LOG:
		return "log";
	case SUPERVISE_KILL:
		return "kill";
	case SUPERVISE_ASK:
		return "ask";
	}
	return "?";
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void supervise_rule_free(struct supervise_rule *rule)
{
	if (rule == NULL)
		return;
	for (size_t i = 0; i < rule->n_clauses; i++) {
		struct supervise_clause *c = &rule->clauses[i];

		free(c->args);
		free_strings(c->paths, c->n_paths);
		free(c->addresses);
		free_strings(c->exec, c->n_exec);
		free_strings(c->argv, c->n_argv);
		free_strings(c->exe, c->n_exe);
		free(c->uids);
		free(c->gids);
	}
	free(rule->clauses);
	free(rule);
}

/* "errno": a name ("EACCES"), or a number 1..4095 (as JSON integer or decimal string). */
static int parse_errno(struct parse_ctx *ctx, const json_t *v, int *out)
{
	json_int_t n;

	if (json_is_integer(v)) {
		n = json_integer_value(v);
		if (n < 1 || n > SUPERVISE_ERRNO_MAX)
			return fail(ctx, ".errno",
			            "errno %" JSON_INTEGER_FORMAT " out of range 1-%d", n,
			            SUPERVISE_ERRNO_MAX);
		*out = (int)n;
		return 0;
	}
	if (!json_is_string(v))
		return fail(ctx, ".errno", "expected an errno name such as \"EACCES\" or a number");
	n = errno_from_name(json_string_value(v));
	if (n < 1 || n > SUPERVISE_ERRNO_MAX)
		return fail(ctx, ".errno", "unknown errno \"%s\"", json_string_value(v));
	*out = (int)n;
	return 0;
}

/* "decision" and "errno" of a clause or of "default". */
static int parse_decision(struct parse_ctx *ctx, const json_t *obj, struct supervise_decision *d)
{
	static const char *const names[] = {"allow", "deny", "log", "kill", "ask"};
	const json_t *v = json_object_get(obj, "decision");
	const json_t *e = json_object_get(obj, "errno");
	const char *s;
	size_t i;

	if (v == NULL)
		return fail(ctx, "", "missing \"decision\" (allow, deny, log, kill or ask)");
	if (!json_is_string(v))
		return fail(ctx, ".decision",
		            "expected \"allow\", \"deny\", \"log\", \"kill\" or \"ask\"");
	s = json_string_value(v);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			break;
	if (i == sizeof(names) / sizeof(names[0]))
		return fail(ctx, ".decision",
		            "unknown decision \"%s\" (expected allow, deny, log, kill or ask)", s);
	d->verdict = (enum supervise_verdict)i;
	d->errno_nr = 0;
	if (d->verdict != SUPERVISE_DENY) {
		if (e != NULL)
			return fail(ctx, ".errno",
			            "\"errno\" only goes with \"decision\": \"deny\"");
		return 0;
	}
	d->errno_nr = ctx->profile_errno;
	return e == NULL ? 0 : parse_errno(ctx, e, &d->errno_nr);
}

static int json_array_or_fail(struct parse_ctx *ctx, const char *key, const json_t *v)
{
	if (!json_is_array(v))
		return fail(ctx, "", "\"%s\" must be an array", key);
	if (json_array_size(v) == 0)
		return fail(ctx, "", "\"%s\" is empty: it would never match; leave it out instead",
		            key);
	return 0;
}

enum glob_kind_check { GLOB_ANY, GLOB_ABSOLUTE };

static int parse_globs(struct parse_ctx *ctx, const char *key, const json_t *v,
                       enum glob_kind_check kind, char ***out, size_t *n_out)
{
	size_t i, n;
	int rc = json_array_or_fail(ctx, key, v);

	if (rc < 0)
		return rc;
	n = json_array_size(v);
	*out = calloc(n, sizeof(char *));
	if (*out == NULL)
		return bouncer_error_set(ctx->err, -ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		const json_t *g = json_array_get(v, i);
		char why[200], idx[32];
		const char *s;

		snprintf(idx, sizeof(idx), "[%zu]", i);
		if (!json_is_string(g))
			return fail(ctx, idx, "expected a glob string");
		s = json_string_value(g);
		if (glob_validate(s, why, sizeof(why)) < 0)
			return fail(ctx, idx, "bad glob \"%s\": %s", s, why);
		if (kind == GLOB_ABSOLUTE && s[0] != '/' && s[0] != '{' && strncmp(s, "**", 2) != 0)
			return fail(ctx, idx,
			            "\"%s\" is relative, but paths are matched in their absolute, "
			            "resolved form: start it with '/'",
			            s);
		(*out)[i] = strdup(s);
		if ((*out)[i] == NULL)
			return bouncer_error_set(ctx->err, -ENOMEM, "out of memory");
		*n_out = i + 1;
	}
	return 0;
}

static int parse_ids(struct parse_ctx *ctx, const char *key, const json_t *v, uint32_t **out,
                     size_t *n_out)
{
	size_t n;
	int rc = json_array_or_fail(ctx, key, v);

	if (rc < 0)
		return rc;
	n = json_array_size(v);
	*out = calloc(n, sizeof(uint32_t));
	if (*out == NULL)
		return bouncer_error_set(ctx->err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const json_t *id = json_array_get(v, i);
		char idx[32];

		snprintf(idx, sizeof(idx), "[%zu]", i);
		/* (uid_t)-1 means "unchanged" to the kernel, never an identity. */
		if (!json_is_integer(id) || json_integer_value(id) < 0 ||
		    json_integer_value(id) >= (json_int_t)UINT32_MAX)
			return fail(ctx, idx, "expected a numeric %s from 0 to 4294967294", key);
		(*out)[i] = (uint32_t)json_integer_value(id);
		*n_out = i + 1;
	}
	return 0;
}

static int parse_addresses(struct parse_ctx *ctx, const json_t *v, struct sockaddr_pattern **out,
                           size_t *n_out)
{
	size_t n;
	int rc = json_array_or_fail(ctx, "addresses", v);

	if (rc < 0)
		return rc;
	n = json_array_size(v);
	*out = calloc(n, sizeof(struct sockaddr_pattern));
	if (*out == NULL)
		return bouncer_error_set(ctx->err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const json_t *a = json_array_get(v, i);
		char why[300], idx[32];

		snprintf(idx, sizeof(idx), "[%zu]", i);
		if (!json_is_string(a))
			return fail(ctx, idx,
			            "expected an address pattern such as "
			            "\"inet:10.0.0.0/8:443\"");
		if (sockaddr_pattern_parse(json_string_value(a), &(*out)[i], why, sizeof(why)) < 0)
			return fail(ctx, idx, "%s", why);
		*n_out = i + 1;
	}
	return 0;
}

/* An argument value: a non-negative JSON integer, or a string "0x..." / decimal for uint64. */
static int parse_u64(struct parse_ctx *ctx, const char *key, const json_t *v, uint64_t *out)
{
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return fail(ctx, key, "negative value; write it as an unsigned number");
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;

		errno = 0;
		if (s[0] >= '0' && s[0] <= '9') {
			unsigned long long x = strtoull(s, &end, 0);

			if (errno == 0 && *end == '\0') {
				*out = x;
				return 0;
			}
		}
		return fail(ctx, key, "\"%s\" is not an unsigned 64-bit number", s);
	}
	/*
	 * jansson cannot hold integers above INT64_MAX; policy_parse widens them into reals for
	 * the main "args", where it has the text to read them back. Here a real would be
	 * inexact, so ask for the string form instead of guessing.
	 */
	if (json_is_real(v))
		return fail(ctx, key,
		            "not an exact integer; write values above 9223372036854775807 as a "
		            "string such as \"0xffffffffffffffff\"");
	return fail(ctx, key, "expected an unsigned integer");
}

static int parse_args(struct parse_ctx *ctx, const json_t *v, struct policy_arg **out,
                      size_t *n_out)
{
	size_t n;
	int rc = json_array_or_fail(ctx, "args", v);

	if (rc < 0)
		return rc;
	n = json_array_size(v);
	*out = calloc(n, sizeof(struct policy_arg));
	if (*out == NULL)
		return bouncer_error_set(ctx->err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const json_t *a = json_array_get(v, i), *val;
		struct policy_arg *arg = &(*out)[i];
		const char *key, *op;
		size_t old = push(ctx, "[%zu]", i);
		json_t *unused;

		if (!json_is_object(a))
			return fail(ctx, "", "expected an object {\"index\", \"value\", \"op\"}");
		json_object_foreach((json_t *)a, key, unused)
		{
			if (strcmp(key, "index") && strcmp(key, "value") &&
			    strcmp(key, "valueTwo") && strcmp(key, "op"))
				return fail(ctx, "",
				            "unknown key \"%s\" (expected index, value, "
				            "valueTwo, op)",
				            key);
		}
		val = json_object_get(a, "index");
		if (!json_is_integer(val) || json_integer_value(val) < 0 ||
		    json_integer_value(val) > 5)
			return fail(ctx, ".index", "expected an argument index from 0 to 5");
		arg->index = (unsigned)json_integer_value(val);
		val = json_object_get(a, "value");
		if (val == NULL)
			return fail(ctx, "", "missing \"value\"");
		rc = parse_u64(ctx, ".value", val, &arg->value);
		if (rc < 0)
			return rc;
		val = json_object_get(a, "valueTwo");
		arg->value_two = 0;
		if (val != NULL && (rc = parse_u64(ctx, ".valueTwo", val, &arg->value_two)) < 0)
			return rc;
		val = json_object_get(a, "op");
		if (!json_is_string(val))
			return fail(ctx, ".op", "expected an operator such as \"SCMP_CMP_EQ\"");
		op = json_string_value(val);
		if (policy_op_from_name(op, &arg->op) < 0)
			return fail(ctx, ".op", "unknown operator \"%s\"", op);
		pop(ctx, old);
		*n_out = i + 1;
	}
	return 0;
}

/* Checks that every syscall of the rule can supply what a condition inspects. */
static int check_applicable(struct parse_ctx *ctx, const char *key)
{
	for (size_t i = 0; i < ctx->n_names; i++) {
		const char *name = ctx->names[i];
		const struct syscall_args *a = syscall_args_lookup(name);

		if (strcmp(key, "paths") == 0 && (a == NULL || a->n_paths == 0))
			return fail(ctx, "",
			            "syscall \"%s\" has no path argument bouncer can inspect "
			            "(see docs/inspection.md)",
			            name);
		if (strcmp(key, "addresses") == 0 && (a == NULL || a->addr < 0))
			return fail(ctx, "",
			            "syscall \"%s\" has no socket address (addresses apply to "
			            "connect, bind, sendto, sendmsg, sendmmsg)",
			            name);
		if ((strcmp(key, "exec") == 0 || strcmp(key, "argv") == 0) &&
		    (a == NULL || a->argv < 0))
			return fail(ctx, "", "syscall \"%s\" is not execve or execveat", name);
	}
	return 0;
}

static int parse_clause(struct parse_ctx *ctx, const json_t *obj, struct supervise_clause *c)
{
	const char *key;
	json_t *v;
	int rc;

	if (!json_is_object(obj))
		return fail(ctx, "", "expected a clause object with a \"decision\"");
	json_object_foreach((json_t *)obj, key, v)
	{
		size_t old = push(ctx, ".%s", key);

		rc = 0;
		if (strcmp(key, "decision") == 0 || strcmp(key, "errno") == 0) {
			/* parse_decision() below */
		} else if (strcmp(key, "comment") == 0) {
			if (!json_is_string(v))
				rc = fail(ctx, "", "expected a string");
		} else if (strcmp(key, "args") == 0) {
			rc = parse_args(ctx, v, &c->args, &c->n_args);
		} else if (strcmp(key, "paths") == 0) {
			rc = check_applicable(ctx, key);
			if (rc == 0)
				rc = parse_globs(ctx, key, v, GLOB_ABSOLUTE, &c->paths,
				                 &c->n_paths);
			c->needs |= SUPERVISE_NEEDS_PATHS;
		} else if (strcmp(key, "addresses") == 0) {
			rc = check_applicable(ctx, key);
			if (rc == 0)
				rc = parse_addresses(ctx, v, &c->addresses, &c->n_addresses);
			c->needs |= SUPERVISE_NEEDS_ADDRESS;
		} else if (strcmp(key, "exec") == 0) {
			rc = check_applicable(ctx, key);
			if (rc == 0)
				rc = parse_globs(ctx, key, v, GLOB_ABSOLUTE, &c->exec, &c->n_exec);
			c->needs |= SUPERVISE_NEEDS_EXEC;
		} else if (strcmp(key, "argv") == 0) {
			rc = check_applicable(ctx, key);
			if (rc == 0)
				rc = parse_globs(ctx, key, v, GLOB_ANY, &c->argv, &c->n_argv);
			c->needs |= SUPERVISE_NEEDS_ARGV;
		} else if (strcmp(key, "exe") == 0) {
			rc = parse_globs(ctx, key, v, GLOB_ABSOLUTE, &c->exe, &c->n_exe);
			c->needs |= SUPERVISE_NEEDS_EXE;
		} else if (strcmp(key, "uid") == 0) {
			rc = parse_ids(ctx, key, v, &c->uids, &c->n_uids);
			c->needs |= SUPERVISE_NEEDS_CREDS;
		} else if (strcmp(key, "gid") == 0) {
			rc = parse_ids(ctx, key, v, &c->gids, &c->n_gids);
			c->needs |= SUPERVISE_NEEDS_CREDS;
		} else {
			/*
			 * An unknown key is an error, not a warning: a misspelt condition that
			 * were ignored would widen the clause, and an allow clause would then
			 * allow more than its author wrote.
			 */
			return fail(ctx, "",
			            "unknown key \"%s\" (expected args, paths, addresses, exec, "
			            "argv, exe, uid, gid, decision, errno, comment)",
			            key);
		}
		if (rc < 0)
			return rc;
		pop(ctx, old);
	}
	return parse_decision(ctx, obj, &c->decision);
}

static int parse_default(struct parse_ctx *ctx, const json_t *deflt, struct supervise_rule *rule)
{
	const char *key;
	json_t *v;

	if (!json_is_object(deflt))
		return fail(ctx, "",
		            "expected an object such as {\"decision\": \"deny\", "
		            "\"errno\": \"EACCES\"}");
	json_object_foreach((json_t *)deflt, key, v)
	{
		if (strcmp(key, "decision") && strcmp(key, "errno") && strcmp(key, "comment"))
			return fail(ctx, "",
			            "unknown key \"%s\" (\"default\" takes decision, errno, "
			            "comment; conditions belong in \"supervise\" clauses)",
			            key);
	}
	rule->has_default = true;
	return parse_decision(ctx, deflt, &rule->fallback);
}

int supervise_parse(const json_t *supervise, const json_t *deflt, size_t rule_index,
                    char *const *names, size_t n_names, int profile_errno,
                    struct supervise_rule **out, char *where, size_t where_len,
                    bouncer_error_t *err)
{
	struct parse_ctx ctx = {
	        .where = where,
	        .where_len = where_len,
	        .err = err,
	        .names = names,
	        .n_names = n_names,
	        .profile_errno = profile_errno,
	};
	struct supervise_rule *rule;
	int rc = 0;

	*out = NULL;
	if (where != NULL && where_len > 0)
		where[0] = '\0';
	rule = calloc(1, sizeof(*rule));
	if (rule == NULL)
		return bouncer_error_set(err, -ENOMEM, "out of memory");
	rule->fallback.verdict = SUPERVISE_DENY;
	rule->fallback.errno_nr = profile_errno;
	push(&ctx, "syscalls[%zu]", rule_index);

	if (supervise != NULL) {
		size_t old = push(&ctx, ".supervise");

		if (!json_is_array(supervise)) {
			rc = fail(&ctx, "", "expected an array of clauses");
			goto out;
		}
		rule->clauses = calloc(json_array_size(supervise) + 1, sizeof(*rule->clauses));
		if (rule->clauses == NULL) {
			rc = bouncer_error_set(err, -ENOMEM, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < json_array_size(supervise); i++) {
			size_t o = push(&ctx, "[%zu]", i);
			struct supervise_clause *c = &rule->clauses[i];

			c->index = i;
			rule->n_clauses = i + 1;
			rc = parse_clause(&ctx, json_array_get(supervise, i), c);
			if (rc < 0)
				goto out;
			rule->needs |= c->needs;
			pop(&ctx, o);
		}
		pop(&ctx, old);
	}
	if (deflt != NULL) {
		size_t old = push(&ctx, ".default");

		rc = parse_default(&ctx, deflt, rule);
		if (rc < 0)
			goto out;
		pop(&ctx, old);
	}
out:
	if (rc < 0) {
		supervise_rule_free(rule);
		return rc;
	}
	*out = rule;
	return 0;
}
