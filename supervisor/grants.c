/* SPDX-License-Identifier: MIT */
#include "grants.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "errno_name.h"
#include "supervise_check.h"
#include "supervise_parse.h"

void grants_init(struct grants *g, const char *rules_file)
{
	memset(g, 0, sizeof(*g));
	g->next_id = 1;
	g->rules_file = rules_file;
}

static int add(struct grants *g, const struct grant *rule, bouncer_error_t *err)
{
	for (size_t i = 0; i < GRANTS_MAX; i++) {
		struct grant *slot = &g->slots[i];
		int pidfd = -1;

		if (slot->id != 0)
			continue;
		if (rule->pid > 0) {
			pidfd = (int)syscall(SYS_pidfd_open, rule->pid, 0);
			if (pidfd < 0 && errno == ESRCH)
				return bouncer_error_set(err, -ESRCH, "no process %d",
				                         (int)rule->pid);
			/* Without pidfds (Linux < 5.3) the rule lasts as long as the run. */
		}
		*slot = *rule;
		slot->pidfd = pidfd;
		slot->id = g->next_id++;
		slot->uses = 0;
		g->count++;
		return (int)slot->id;
	}
	return bouncer_error_set(err, -ENOSPC,
	                         "too many grants and remembered rules (%d): revoke some first",
	                         GRANTS_MAX);
}

int grants_add(struct grants *g, const struct grant *rule, bouncer_error_t *err)
{
	int id = add(g, rule, err);

	if (id > 0 && rule->persist && g->rules_file != NULL) {
		int rc = grants_save(g, err);

		if (rc < 0) {
			/* Not kept on disk: do not keep it in memory either, so the two agree. */
			grants_revoke(g, (unsigned)id, NULL);
			return rc;
		}
	}
	return id;
}

static void drop(struct grants *g, struct grant *slot)
{
	supervise_rule_free(slot->paths);
	slot->paths = NULL;
	if (slot->pidfd >= 0)
		close(slot->pidfd);
	slot->pidfd = -1;
	slot->id = 0;
	g->count--;
}

/* A pidfd polls readable once its process has exited. */
static bool process_gone(const struct grant *slot)
{
	struct pollfd p = {.fd = slot->pidfd, .events = POLLIN};

	return slot->pidfd >= 0 && poll(&p, 1, 0) > 0;
}

void grants_release(struct grants *g)
{
	for (size_t i = 0; i < GRANTS_MAX; i++)
		if (g->slots[i].id != 0)
			drop(g, &g->slots[i]);
}

int grants_revoke(struct grants *g, unsigned id, bouncer_error_t *err)
{
	for (size_t i = 0; i < GRANTS_MAX; i++) {
		struct grant *slot = &g->slots[i];
		bool persist = slot->persist;

		if (slot->id == 0 || slot->id != id)
			continue;
		drop(g, slot);
		if (persist && g->rules_file != NULL)
			return grants_save(g, err);
		return 0;
	}
	return bouncer_error_set(err, -ENOENT, "no grant or remembered rule with id %u", id);
}

bool grant_matches(const struct grant *rule, const char *syscall, pid_t pid, const uint64_t args[6])
{
	if (syscall == NULL || strcmp(rule->syscall, syscall) != 0)
		return false;
	if (rule->pid != 0 && rule->pid != pid)
		return false;
	for (size_t i = 0; i < rule->n_args; i++)
		if (args[rule->args[i].index] != rule->args[i].value)
			return false;
	return true;
}

struct grant *grants_find(struct grants *g, const char *syscall, pid_t pid, const uint64_t args[6],
                          uint64_t now_ms, size_t *from)
{
	if (g->count == 0 || syscall == NULL)
		return NULL;
	for (size_t i = *from; i < GRANTS_MAX; i++) {
		struct grant *slot = &g->slots[i];

		if (slot->id == 0)
			continue;
		if (slot->expires_ms != 0 && slot->expires_ms <= now_ms) {
			drop(g, slot);
			continue;
		}
		if (!grant_matches(slot, syscall, pid, args))
			continue;
		/* Checked only on a match: the pid could be another process's by now. */
		if (process_gone(slot)) {
			drop(g, slot);
			continue;
		}
		*from = i + 1;
		return slot;
	}
	return NULL;
}

void grants_use(struct grants *g, struct grant *rule, struct grant *out)
{
	rule->uses++;
	*out = *rule;
	if (rule->counted && --rule->remaining == 0)
		drop(g, rule);
}

bool grants_match(struct grants *g, const char *syscall, pid_t pid, const uint64_t args[6],
                  uint64_t now_ms, struct grant *out)
{
	size_t from = 0;
	struct grant *rule;

	while ((rule = grants_find(g, syscall, pid, args, now_ms, &from)) != NULL) {
		if (rule->paths != NULL)
			continue;
		grants_use(g, rule, out);
		return true;
	}
	return false;
}

/*
 * The one condition of a rule: the clause {key: [pattern], "decision": allow|deny}, "ask"
 * meaning "no match" (checked on the caller's memory by the clause evaluator; an allow is
 * emulated, so a syscall bouncer cannot carry out race-free is refused).
 */
static int set_condition(struct grant *rule, const char *key, const char *what, const char *pattern,
                         bouncer_error_t *err)
{
	json_t *clauses, *deflt;
	char *names[] = {rule->syscall};
	char where[256];
	int rc;

	if (rule->paths != NULL)
		return bouncer_error_set(err, -EINVAL,
		                         "%s: a rule has one condition, a path or "
		                         "an address",
		                         what);
	if (!rule->deny && !supervise_allow_possible(rule->syscall))
		return bouncer_error_set(err, -EINVAL,
		                         "%s: bouncer cannot emulate %s, and an allow on its %s "
		                         "must not be answered CONTINUE",
		                         what, rule->syscall, what);
	clauses =
	        json_pack("[{s:[s],s:s}]", key, pattern, "decision", rule->deny ? "deny" : "allow");
	if (rule->deny)
		json_object_set_new(json_array_get(clauses, 0), "errno",
		                    json_integer(rule->errno_value));
	deflt = json_pack("{s:s}", "decision", "ask");
	rc = supervise_parse(clauses, deflt, 0, names, 1, EPERM, &rule->paths, where, sizeof(where),
	                     err);
	json_decref(clauses);
	json_decref(deflt);
	if (rc < 0) {
		char why[sizeof(err->msg)];

		snprintf(why, sizeof(why), "%s", err->msg);
		return bouncer_error_set(err, rc, "%s: %s", what, why);
	}
	return 0;
}

int grant_set_path(struct grant *rule, const char *glob, bouncer_error_t *err)
{
	int rc;

	if (strlen(glob) >= sizeof(rule->path_glob))
		return bouncer_error_set(err, -ENAMETOOLONG, "path: longer than %zu bytes",
		                         sizeof(rule->path_glob) - 1);
	rc = set_condition(rule, "paths", "path", glob, err);
	if (rc == 0)
		snprintf(rule->path_glob, sizeof(rule->path_glob), "%s", glob);
	return rc;
}

int grant_set_address(struct grant *rule, const char *pattern, bouncer_error_t *err)
{
	int rc;

	if (strlen(pattern) >= sizeof(rule->address))
		return bouncer_error_set(err, -ENAMETOOLONG, "address: longer than %zu bytes",
		                         sizeof(rule->address) - 1);
	rc = set_condition(rule, "addresses", "address", pattern, err);
	if (rc == 0)
		snprintf(rule->address, sizeof(rule->address), "%s", pattern);
	return rc;
}

static json_t *args_to_json(const struct grant *rule)
{
	json_t *args = json_array();

	for (size_t i = 0; i < rule->n_args; i++) {
		char hex[24];

		snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)rule->args[i].value);
		json_array_append_new(args,
		                      json_pack("{s:I,s:s}", "index",
		                                (json_int_t)rule->args[i].index, "value", hex));
	}
	return args;
}

json_t *grant_to_json(const struct grant *rule, uint64_t now_ms)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:o,s:s}", "id", (json_int_t)rule->id, "kind",
	                      rule->kind == GRANT_TEMPORARY ? "grant" : "remembered", "syscall",
	                      rule->syscall, "args", args_to_json(rule), "decision",
	                      rule->deny ? "deny" : "allow");

	if (rule->deny)
		json_object_set_new(o, "errno",
		                    json_string(errno_name(rule->errno_value)
		                                        ? errno_name(rule->errno_value)
		                                        : "EPERM"));
	if (rule->pid != 0)
		json_object_set_new(o, "pid", json_integer(rule->pid));
	if (rule->path_glob[0] != '\0')
		json_object_set_new(o, "path", json_string(rule->path_glob));
	if (rule->address[0] != '\0')
		json_object_set_new(o, "address", json_string(rule->address));
	if (rule->kind == GRANT_REMEMBERED)
		json_object_set_new(o, "scope",
		                    json_string(rule->persist    ? "always"
		                                : rule->pid != 0 ? "process"
		                                                 : "run"));
	if (rule->expires_ms != 0)
		json_object_set_new(o, "expires_in_ms",
		                    json_integer(rule->expires_ms > now_ms
		                                         ? (json_int_t)(rule->expires_ms - now_ms)
		                                         : 0));
	if (rule->counted)
		json_object_set_new(o, "remaining", json_integer((json_int_t)rule->remaining));
	json_object_set_new(o, "uses", json_integer((json_int_t)rule->uses));
	return o;
}

static int by_id(const void *a, const void *b)
{
	const struct grant *x = *(const struct grant *const *)a;
	const struct grant *y = *(const struct grant *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* The rules in id order, which is the order they were added. */
static size_t sorted(const struct grants *g, const struct grant **out)
{
	size_t n = 0;

	for (size_t i = 0; i < GRANTS_MAX; i++)
		if (g->slots[i].id != 0)
			out[n++] = &g->slots[i];
	qsort(out, n, sizeof(*out), by_id);
	return n;
}

json_t *grants_to_json(const struct grants *g, uint64_t now_ms)
{
	const struct grant *rules[GRANTS_MAX];
	size_t n = sorted(g, rules);
	json_t *list = json_array();

	for (size_t i = 0; i < n; i++)
		if (rules[i]->expires_ms == 0 || rules[i]->expires_ms > now_ms)
			json_array_append_new(list, grant_to_json(rules[i], now_ms));
	return list;
}

/* One rule of the rules file: {"syscall": S, "args": [{"index": I, "value": "0x.."}],
 * "decision": "allow"|"deny", "errno": NAME}. */
static int rule_from_json(json_t *o, size_t i, const char *file, struct grant *rule,
                          bouncer_error_t *err)
{
	json_t *syscall = json_object_get(o, "syscall"), *args = json_object_get(o, "args");
	const char *decision = json_string_value(json_object_get(o, "decision"));
	json_t *arg;
	size_t j;

	memset(rule, 0, sizeof(*rule));
	rule->kind = GRANT_REMEMBERED;
	rule->persist = true;
	if (!json_is_string(syscall) || json_string_length(syscall) == 0 ||
	    json_string_length(syscall) >= GRANT_SYSCALL_MAX)
		return bouncer_error_set(err, -EINVAL, "%s: rules[%zu].syscall: expected a name",
		                         file, i);
	snprintf(rule->syscall, sizeof(rule->syscall), "%s", json_string_value(syscall));
	if (decision == NULL || (strcmp(decision, "allow") != 0 && strcmp(decision, "deny") != 0))
		return bouncer_error_set(err, -EINVAL,
		                         "%s: rules[%zu].decision: expected \"allow\" or \"deny\"",
		                         file, i);
	rule->deny = decision[0] == 'd';
	if (rule->deny) {
		const char *name = json_string_value(json_object_get(o, "errno"));

		rule->errno_value = name != NULL ? errno_from_name(name) : EPERM;
		if (rule->errno_value <= 0)
			return bouncer_error_set(err, -EINVAL,
			                         "%s: rules[%zu].errno: unknown errno", file, i);
	}
	if (args != NULL && !json_is_array(args))
		return bouncer_error_set(err, -EINVAL, "%s: rules[%zu].args: expected an array",
		                         file, i);
	json_array_foreach(args, j, arg)
	{
		json_t *index = json_object_get(arg, "index");
		const char *value = json_string_value(json_object_get(arg, "value"));
		char *end;

		if (j >= 6 || !json_is_integer(index) || json_integer_value(index) < 0 ||
		    json_integer_value(index) > 5 || value == NULL)
			return bouncer_error_set(
			        err, -EINVAL,
			        "%s: rules[%zu].args[%zu]: expected {\"index\": 0..5, "
			        "\"value\": \"0x...\"}",
			        file, i, j);
		errno = 0;
		rule->args[j].value = strtoull(value, &end, 0);
		if (errno != 0 || *end != '\0' || end == value)
			return bouncer_error_set(err, -EINVAL,
			                         "%s: rules[%zu].args[%zu].value: not a number",
			                         file, i, j);
		rule->args[j].index = (unsigned)json_integer_value(index);
		rule->n_args = j + 1;
	}
	if (json_object_get(o, "path") != NULL) {
		const char *path = json_string_value(json_object_get(o, "path"));
		bouncer_error_t why = {0};

		if (path == NULL || path[0] != '/')
			return bouncer_error_set(err, -EINVAL,
			                         "%s: rules[%zu].path: expected an absolute glob",
			                         file, i);
		if (grant_set_path(rule, path, &why) < 0)
			return bouncer_error_set(err, -EINVAL, "%s: rules[%zu].%s", file, i,
			                         why.msg);
	}
	if (json_object_get(o, "address") != NULL) {
		const char *address = json_string_value(json_object_get(o, "address"));
		bouncer_error_t why = {0};

		if (address == NULL)
			return bouncer_error_set(
			        err, -EINVAL, "%s: rules[%zu].address: expected a string", file, i);
		if (grant_set_address(rule, address, &why) < 0)
			return bouncer_error_set(err, -EINVAL, "%s: rules[%zu].%s", file, i,
			                         why.msg);
	}
	return 0;
}

int grants_load(struct grants *g, bouncer_error_t *err)
{
	json_error_t jerr;
	json_t *root, *rules, *o;
	size_t i;
	int n = 0;

	if (g->rules_file == NULL || access(g->rules_file, F_OK) != 0)
		return 0;
	root = json_load_file(g->rules_file, 0, &jerr);
	if (root == NULL)
		return bouncer_error_set(err, -EINVAL, "%s:%d:%d: %s", g->rules_file, jerr.line,
		                         jerr.column, jerr.text);
	rules = json_object_get(root, "rules");
	if (!json_is_array(rules)) {
		json_decref(root);
		return bouncer_error_set(err, -EINVAL, "%s: rules: expected an array",
		                         g->rules_file);
	}
	json_array_foreach(rules, i, o)
	{
		struct grant rule;
		int rc = rule_from_json(o, i, g->rules_file, &rule, err);

		if (rc == 0)
			rc = add(g, &rule, err);
		if (rc < 0) {
			supervise_rule_free(rule.paths);
			json_decref(root);
			return rc;
		}
		n++;
	}
	json_decref(root);
	return n;
}

int grants_save(const struct grants *g, bouncer_error_t *err)
{
	json_t *root = json_pack("{s:i,s:[]}", "bouncer_rules", 1, "rules");
	json_t *list = json_object_get(root, "rules");
	const struct grant *rules[GRANTS_MAX];
	size_t n = sorted(g, rules);
	char tmp[4096];
	int rc;

	for (size_t i = 0; i < n; i++) {
		const struct grant *rule = rules[i];
		json_t *o;

		if (!rule->persist)
			continue;
		o = json_pack("{s:s,s:o,s:s}", "syscall", rule->syscall, "args", args_to_json(rule),
		              "decision", rule->deny ? "deny" : "allow");
		if (rule->deny)
			json_object_set_new(o, "errno", json_string(errno_name(rule->errno_value)));
		if (rule->path_glob[0] != '\0')
			json_object_set_new(o, "path", json_string(rule->path_glob));
		if (rule->address[0] != '\0')
			json_object_set_new(o, "address", json_string(rule->address));
		json_array_append_new(list, o);
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", g->rules_file);
	rc = json_dump_file(root, tmp, JSON_INDENT(2));
	json_decref(root);
	if (rc < 0 || rename(tmp, g->rules_file) < 0) {
		int e = errno ? errno : EIO;

		unlink(tmp);
		return bouncer_error_set(err, -e, "writing %s: %s", g->rules_file, strerror(e));
	}
	return 0;
}
