/* SPDX-License-Identifier: MIT */
#include "live.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <seccomp.h>

#include "errno_name.h"
#include "supervise.h"
#include "supervise_check.h"
#include "supervise_parse.h"
#include "syscall_args.h"

/* ---- statistics ------------------------------------------------------------------------ */

static unsigned bucket_of(uint64_t ns)
{
	unsigned log;

	if (ns < 4)
		return (unsigned)ns;
	log = 63u - (unsigned)__builtin_clzll(ns);
	return log * 4 + (unsigned)((ns >> (log - 2)) & 3);
}

/* The largest value of a bucket: percentiles are reported as upper bounds (within 25%). */
static uint64_t bucket_top(unsigned b)
{
	unsigned log = b / 4;

	if (b < 4)
		return b;
	return ((uint64_t)(4 + b % 4 + 1) << (log - 2)) - 1;
}

static uint64_t percentile(const uint64_t *hist, uint64_t total, double q)
{
	uint64_t want = (uint64_t)((double)total * q), seen = 0;

	if (total == 0)
		return 0;
	if (want >= total)
		want = total - 1;
	for (unsigned b = 0; b < LIVE_LATENCY_BUCKETS; b++) {
		seen += hist[b];
		if (seen > want)
			return bucket_top(b);
	}
	return bucket_top(LIVE_LATENCY_BUCKETS - 1);
}

static uint64_t since_ns(const struct timespec *ts)
{
	struct timespec now;
	int64_t ns;

	clock_gettime(CLOCK_REALTIME, &now);
	ns = (int64_t)(now.tv_sec - ts->tv_sec) * 1000000000 + (now.tv_nsec - ts->tv_nsec);
	return ns > 0 ? (uint64_t)ns : 0;
}

void live_answered(struct live *live, const struct notification *n)
{
	unsigned b = bucket_of(since_ns(&n->ts));

	live->latency[b < LIVE_LATENCY_BUCKETS ? b : LIVE_LATENCY_BUCKETS - 1]++;
	live->answered++;
}

/* ---- events for subscribers ------------------------------------------------------------ */

static json_t *args_json(const uint64_t args[6])
{
	json_t *a = json_array();

	for (int i = 0; i < 6; i++) {
		char hex[24];

		snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)args[i]);
		json_array_append_new(a, json_string(hex));
	}
	return a;
}

/*
 * What the supervisor decoded from the call's pointers when a clause looked at them (paths as
 * given and resolved, the socket address, argv): the record members already gathered in
 * n->extra, so an operator decides on what the call really names.
 */
static json_t *extra_members(const struct notification *n)
{
	size_t len = strlen(n->extra);
	json_t *members;
	char *text;

	if (len < 2 || n->extra[0] != ',')
		return NULL;
	text = malloc(len + 2);
	if (text == NULL)
		return NULL;
	text[0] = '{';
	memcpy(text + 1, n->extra + 1, len - 1);
	text[len] = '}';
	text[len + 1] = '\0';
	members = json_loads(text, 0, NULL);
	free(text);
	return members;
}

static void decoded_json(json_t *o, const struct notification *n)
{
	static const char *const keys[] = {"paths", "address", "argv"};
	json_t *members = extra_members(n), *decoded;

	if (members == NULL)
		return;
	decoded = json_object();
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		json_t *v = json_object_get(members, keys[i]);

		if (v != NULL)
			json_object_set(decoded, keys[i], v);
	}
	if (json_object_size(decoded) > 0)
		json_object_set(o, "decoded", decoded);
	json_decref(decoded);
	json_decref(members);
}

static json_t *entry_json(struct live *live, const struct pending_entry *e, uint64_t now)
{
	const struct notification *n = &e->n;
	const char *arch = arch_name(n->arch);
	json_t *o;

	o = json_pack("{s:I,s:i,s:i,s:s,s:s,s:s?,s:i,s:s?,s:o,s:I,s:I}", "id", (json_int_t)e->id,
	              "pid", (int)e->who.pid, "tid", (int)n->req.pid, "comm", e->who.comm, "exe",
	              e->exe, "syscall", n->name, "nr", (int)n->req.data.nr, "arch", arch, "args",
	              args_json((const uint64_t *)n->req.data.args), "waiting_ms",
	              (json_int_t)(now - e->held_at_ms), "timeout_in_ms",
	              (json_int_t)(e->deadline_ms > now ? e->deadline_ms - now : 0));
	if (n->verdict.rule != NULL)
		json_object_set_new(o, "rule",
		                    json_pack("{s:I,s:s?}", "index",
		                              (json_int_t)n->verdict.rule->index, "comment",
		                              n->verdict.rule->comment));
	json_object_set_new(o, "on_timeout",
	                    json_string(live->opt.ask_default_allow ? "allow" : "deny"));
	decoded_json(o, n);
	return o;
}

static void on_pending_event(struct pending *p, enum pending_event event,
                             const struct pending_entry *e, uint64_t waited_ms)
{
	struct live *live = p->data;
	json_t *msg = NULL;

	switch (event) {
	case PENDING_HELD:
		live->held_total++;
		if (control_has_subscribers(&live->control, CONTROL_TOPIC_PENDING))
			msg = json_pack("{s:s,s:o}", "event", "held", "entry",
			                entry_json(live, e, pending_now_ms()));
		break;
	case PENDING_ANSWERED:
		if (control_has_subscribers(&live->control, CONTROL_TOPIC_PENDING))
			msg = json_pack("{s:s,s:I,s:s,s:I}", "event", "answered", "id",
			                (json_int_t)e->id, "decision",
			                e->n.decision.action == RECORD_ALLOW ? "allow" : "deny",
			                "waited_ms", (json_int_t)waited_ms);
		break;
	case PENDING_GONE:
		live->held_gone++;
		if (control_has_subscribers(&live->control, CONTROL_TOPIC_PENDING))
			msg = json_pack("{s:s,s:I}", "event", "gone", "id", (json_int_t)e->id);
		break;
	}
	if (msg != NULL) {
		char *text = json_dumps(msg, JSON_COMPACT);

		if (text != NULL) {
			size_t len = strlen(text);
			char *line = realloc(text, len + 2);

			if (line != NULL) {
				line[len] = '\n';
				control_broadcast(&live->control, CONTROL_TOPIC_PENDING, line,
				                  len + 1);
				free(line);
			} else {
				free(text);
			}
		}
		json_decref(msg);
	}
}

void live_record(struct live *live, const struct record *r)
{
	static const char head[] = "{\"event\":\"record\",\"record\":";
	size_t len;

	if (!control_has_subscribers(&live->control, CONTROL_TOPIC_RECORDS) ||
	    live->record_line == NULL)
		return;
	memcpy(live->record_line, head, sizeof(head) - 1);
	len = record_format(live->record_line + sizeof(head) - 1, RECORD_MAX - sizeof(head) - 2, r);
	if (len == 0)
		return;
	/* record_format ends the line with '\n': close the event object before it. */
	len += sizeof(head) - 1;
	live->record_line[len - 1] = '}';
	live->record_line[len] = '\n';
	control_broadcast(&live->control, CONTROL_TOPIC_RECORDS, live->record_line, len + 1);
}

/* ---- hooks on the notification path ---------------------------------------------------- */

static void extra_append(struct notification *n, const char *member)
{
	size_t used = strlen(n->extra), len = strlen(member);

	if (used + len < sizeof(n->extra))
		memcpy(n->extra + used, member, len + 1);
}

/*
 * A `grant --path` rule: its clause is checked by the evaluator on the caller's memory; on a
 * match the call is allowed by emulation (or, for execve, CONTINUE with the exec check), the
 * same way an allow clause is. Returns true when the grant decided n.
 */
static bool path_grant_decides(struct live *live, struct notification *n, struct grant *rule)
{
	struct policy_rule synthetic;
	struct policy_verdict policy = n->verdict;

	memset(&synthetic, 0, sizeof(synthetic));
	synthetic.index = policy.rule != NULL ? policy.rule->index : 0;
	synthetic.supervise_model = rule->paths;
	n->verdict.action = POLICY_ACT_NOTIFY;
	n->verdict.rule = &synthetic;
	/* The clause's fallback is "ask": a hold here means the path did not match. */
	supervise_decide(live->sup, n);
	n->verdict = policy;
	/*
	 * A hold means the path did not match; a deny without a remembered deny, or with the
	 * reason a read failed (gather_errno), is not this rule's either: the policy decides
	 * afresh, and a failed read is never attributed to the rule.
	 */
	if (n->decision.hold || (n->decision.action != RECORD_ALLOW &&
	                         (!rule->deny || strstr(n->extra, "\"gather_errno\"") != NULL))) {
		n->extra[0] = '\0';
		return false;
	}
	return true;
}

bool live_before_decide(struct live *live, struct notification *n)
{
	struct grant *found, rule;
	struct decision *d = &n->decision;
	char member[64];
	size_t from = 0;

	/* Audit mode allows everything anyway, and must never deny. */
	if (live->grants.count == 0 || live->sup->audit)
		return false;
	policy_evaluate(live->sup->policy, &n->req.data, &n->verdict);
	/* Grants only widen: what the policy allows needs none (and must not use up a count). */
	if (n->verdict.action == POLICY_ACT_ALLOW || n->verdict.action == POLICY_ACT_LOG)
		return false;
	for (;;) {
		found = grants_find(&live->grants, n->name, n->who->pid,
		                    (const uint64_t *)n->req.data.args, pending_now_ms(), &from);
		if (found == NULL)
			return false;
		if (found->paths == NULL || path_grant_decides(live, n, found))
			break;
	}
	grants_use(&live->grants, found, &rule);
	if (rule.paths == NULL) {
		memset(d, 0, sizeof(*d));
		d->record = true;
		if (rule.deny) {
			d->error = -rule.errno_value;
			d->action = RECORD_DENY;
			d->errno_value = rule.errno_value;
		} else {
			/* Safe: rules without a path match on registers only (grants.h). */
			d->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
			d->action = RECORD_ALLOW;
		}
	}
	snprintf(member, sizeof(member), ",\"%s\":%u",
	         rule.kind == GRANT_TEMPORARY ? "grant" : "remembered", rule.id);
	extra_append(n, member);
	if (rule.kind == GRANT_TEMPORARY)
		live->granted++;
	else
		live->remembered_hits++;
	return true;
}

bool live_after_decide(struct live *live, struct notification *n)
{
	/* Audit mode never waits: it allows, and records what enforce mode would do. */
	if (live->sup->audit)
		return false;
	if (!n->decision.hold)
		return false;
	pending_hold(&live->pending, n);
	return true;
}

/* ---- commands -------------------------------------------------------------------------- */

static json_t *fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static json_t *fail(const char *fmt, ...)
{
	char msg[BOUNCER_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_pack("{s:b,s:s}", "ok", 0, "error", msg);
}

static json_t *ok(void)
{
	return json_pack("{s:b}", "ok", 1);
}

static json_t *held_list(struct live *live)
{
	struct pending_entry *held[PENDING_MAX];
	unsigned n = pending_list(&live->pending, held);
	json_t *list = json_array();
	uint64_t now = pending_now_ms();

	for (unsigned i = 0; i < n; i++)
		json_array_append_new(list, entry_json(live, held[i], now));
	return list;
}

static json_t *cmd_pending(struct live *live, struct control_client *client, json_t *req)
{
	json_t *reply = ok();

	/* Say nothing about targets that are gone (a killed thread's call cannot be answered). */
	pending_sweep(&live->pending);
	json_object_set_new(reply, "pending", held_list(live));
	return reply;
}

static json_t *cmd_subscribe(struct live *live, struct control_client *client, json_t *req)
{
	const char *topic = json_string_value(json_object_get(req, "topic"));
	json_t *reply;

	if (topic != NULL && strcmp(topic, "records") == 0) {
		control_client_subscribe(client, CONTROL_TOPIC_RECORDS);
		return ok();
	}
	if (topic != NULL && strcmp(topic, "pending") == 0) {
		pending_sweep(&live->pending);
		control_client_subscribe(client, CONTROL_TOPIC_PENDING);
		reply = ok();
		json_object_set_new(reply, "pending", held_list(live));
		return reply;
	}
	return fail("subscribe: topic must be \"records\" or \"pending\"");
}

/* Whether a syscall's decision would depend on memory the target can change (paths, socket
 * addresses, argv): such calls cannot be remembered or granted by condition without emulation. */
static bool has_pointer_conditions(const char *name)
{
	const struct syscall_args *a = name != NULL ? syscall_args_lookup(name) : NULL;

	return a != NULL && (a->n_paths > 0 || a->addr >= 0 || a->argv >= 0);
}

/* A glob that matches exactly path: glob.c's special characters escaped with a backslash. */
static bool glob_escape(const char *path, char *out, size_t size)
{
	size_t used = 0;

	for (const char *c = path; *c != '\0'; c++) {
		if (strchr("*?[]{}\\", *c) != NULL) {
			if (used + 1 >= size)
				return false;
			out[used++] = '\\';
		}
		if (used + 1 >= size)
			return false;
		out[used++] = *c;
	}
	out[used] = '\0';
	return true;
}

/*
 * The path condition of a remembered rule for a call whose decision depended on its path: the
 * clause {"paths": [the resolved path, escaped], "decision": ...} ("ask" as "no match"), so a
 * later call naming the same file is decided by the same answer, checked on the caller's
 * memory and allowed by emulation (never CONTINUE). Refused, with a message, for calls whose
 * decision depended on an address or argv, or whose paths were not decoded.
 */
static int remember_path(struct live *live, const struct pending_entry *e, struct grant *rule,
                         bouncer_error_t *err)
{
	const struct notification *n = &e->n;
	const struct syscall_args *sa = syscall_args_lookup(n->name);
	json_t *members, *paths;
	const char *resolved = NULL;
	char glob[sizeof(rule->path_glob)];
	bouncer_error_t why = {0};

	if (sa->argv >= 0)
		return bouncer_error_set(err, -ENOTSUP, "argv");
	members = extra_members(n);
	paths = json_object_get(members, "paths");
	if (json_array_size(paths) == 1)
		resolved = json_string_value(json_object_get(json_array_get(paths, 0), "resolved"));
	if (resolved == NULL || resolved[0] != '/' || !glob_escape(resolved, glob, sizeof(glob))) {
		json_decref(members);
		return bouncer_error_set(err, -ENOTSUP,
		                         "memory it could not name (no single decoded path)");
	}
	json_decref(members);
	if (!rule->deny && !supervise_allow_possible(n->name))
		return bouncer_error_set(err, -ENOTSUP, "a path, and bouncer cannot emulate %s",
		                         n->name);
	if (grant_set_path(rule, glob, &why) < 0)
		return bouncer_error_set(err, -ENOTSUP, "a path (%s)", why.msg);
	return 0;
}

/*
 * The address condition of a remembered rule for a call decided by its socket address: a
 * pattern matching exactly that address (inet/inet6 host and port; a pathname unix socket by
 * its resolved location, glob-escaped; an abstract name, glob-escaped). Refused for calls that
 * had no address, and for addresses a pattern cannot spell (a scoped IPv6 address, escaped
 * bytes in a unix name, other families).
 */
static int remember_address(const struct pending_entry *e, struct grant *rule, bouncer_error_t *err)
{
	json_t *members = extra_members(&e->n);
	const char *address = json_string_value(json_object_get(members, "address"));
	const char *resolved = json_string_value(json_object_get(members, "address_resolved"));
	char pattern[sizeof(rule->address)], glob[SOCKADDR_GLOB_MAX + 1];
	bouncer_error_t why = {0};
	bool spelled = false;
	int rc;

	if (address == NULL) {
		json_decref(members);
		return bouncer_error_set(err, -ENOTSUP, "no decoded socket address");
	}
	if ((strncmp(address, "inet:", 5) == 0 || strncmp(address, "inet6:", 6) == 0) &&
	    strchr(address, '%') == NULL)
		spelled = snprintf(pattern, sizeof(pattern), "%s", address) < (int)sizeof(pattern);
	else if (strncmp(address, "unix:", 5) == 0 && resolved != NULL && resolved[0] == '/')
		spelled =
		        glob_escape(resolved, glob, sizeof(glob)) &&
		        snprintf(pattern, sizeof(pattern), "unix:%s", glob) < (int)sizeof(pattern);
	else if (strncmp(address, "unix-abstract:", 14) == 0 && strchr(address, '\\') == NULL)
		spelled = glob_escape(address + 14, glob, sizeof(glob)) &&
		          snprintf(pattern, sizeof(pattern), "unix-abstract:%s", glob) <
		                  (int)sizeof(pattern);
	if (!spelled)
		bouncer_error_set(err, -ENOTSUP, "an address a pattern cannot name (%s)", address);
	json_decref(members);
	if (!spelled)
		return -ENOTSUP;
	rc = grant_set_address(rule, pattern, &why);
	return rc < 0 ? bouncer_error_set(err, -ENOTSUP, "an address (%s)", why.msg) : 0;
}

/* The remembered rule for an operator's answer to e: the same syscall, the argument values
 * the deciding policy rule looked at, and the resolved path when the decision read one. */
static int remember(struct live *live, const struct pending_entry *e, const char *scope, bool deny,
                    int errno_value, struct grant *made, json_t **summary, bouncer_error_t *err)
{
	const struct notification *n = &e->n;
	struct grant rule;
	int id;

	memset(&rule, 0, sizeof(rule));
	rule.kind = GRANT_REMEMBERED;
	rule.deny = deny;
	rule.errno_value = errno_value;
	snprintf(rule.syscall, sizeof(rule.syscall), "%s", n->name);
	if (n->verdict.rule != NULL) {
		for (size_t i = 0; i < n->verdict.rule->n_args && rule.n_args < 6; i++) {
			unsigned index = n->verdict.rule->args[i].index;
			bool seen = false;

			for (size_t j = 0; j < rule.n_args; j++)
				seen |= rule.args[j].index == index;
			if (seen)
				continue;
			rule.args[rule.n_args].index = index;
			rule.args[rule.n_args].value = n->req.data.args[index];
			rule.n_args++;
		}
	}
	if (strcmp(scope, "process") == 0)
		rule.pid = e->who.pid;
	else
		rule.persist = true;
	if (has_pointer_conditions(n->name)) {
		bouncer_error_t why = {0};

		const struct syscall_args *sa = syscall_args_lookup(n->name);
		int rc = sa->addr >= 0 ? remember_address(e, &rule, &why)
		                       : remember_path(live, e, &rule, &why);

		if (rc < 0)
			return bouncer_error_set(
			        err, -ENOTSUP,
			        "remember %s: not supported for this %s call: its decision "
			        "depended on %s (memory, not registers); answer once instead, or "
			        "use "
			        "`bouncer ctl grant %s --%s`",
			        scope, n->name, why.msg, n->name,
			        sa->addr >= 0 ? "address PATTERN" : "path GLOB");
	}
	id = grants_add(&live->grants, &rule, err);
	if (id < 0)
		supervise_rule_free(rule.paths);
	if (id > 0) {
		rule.id = (unsigned)id;
		*summary = grant_to_json(&rule, pending_now_ms());
		*made = rule;
	}
	return id;
}

/*
 * Answers the held calls that the grants and remembered rules now decide (a rule was just
 * added), the way they will decide later calls: each is tried exactly as a new notification
 * would be, so a path condition is checked on the held caller's memory, a count is used up,
 * and the record says which rule decided. Returns the ids answered (new reference).
 */
json_t *live_release_decided(struct live *live, uid_t uid, bool policy)
{
	struct pending_entry *held[PENDING_MAX];
	struct pending_answer a = {.decided = true, .by = PENDING_BY_OPERATOR, .uid = uid};
	json_t *ids = json_array();
	unsigned count;
	static char saved_extra[sizeof(((struct notification *)NULL)->extra)];

	pending_sweep(&live->pending);
	count = pending_list(&live->pending, held);
	for (unsigned i = 0; i < count; i++) {
		struct notification *n = &held[i]->n;
		struct decision saved = n->decision;
		struct policy_verdict verdict = n->verdict;
		uint64_t id = held[i]->id;

		memcpy(saved_extra, n->extra, sizeof(saved_extra));
		if (live_before_decide(live, n)) {
			a.allow = n->decision.action == RECORD_ALLOW;
			pending_answer(&live->pending, held[i], &a);
			json_array_append_new(ids, json_integer((json_int_t)id));
			continue;
		}
		if (policy && !live->sup->audit) {
			/* The reloaded policy decides it as it would a new call (hold: "ask"
			 * still). */
			supervisor_decide(live->sup, n);
			if (!n->decision.hold) {
				a.allow = n->decision.action != RECORD_DENY &&
				          n->decision.action != RECORD_KILL;
				pending_answer(&live->pending, held[i], &a);
				json_array_append_new(ids, json_integer((json_int_t)id));
				continue;
			}
		}
		/* Still held, as it was: its prepared answer is the ask's. */
		n->decision = saved;
		n->verdict = verdict;
		memcpy(n->extra, saved_extra, sizeof(saved_extra));
	}
	return ids;
}

static json_t *cmd_answer(struct live *live, struct control_client *client, json_t *req, bool allow)
{
	json_t *id_json = json_object_get(req, "id"), *reply, *remembered = NULL;
	const char *scope = json_string_value(json_object_get(req, "remember"));
	const char *errno_text = json_string_value(json_object_get(req, "errno"));
	struct pending_answer a = {.allow = allow, .by = PENDING_BY_OPERATOR};
	struct pending_entry *e;
	struct grant made;
	char member[64];

	if (!json_is_integer(id_json))
		return fail("%s: expected an integer \"id\"", allow ? "allow" : "deny");
	pending_sweep(&live->pending);
	e = pending_find(&live->pending, (uint64_t)json_integer_value(id_json));
	if (e == NULL)
		return fail("no held syscall with id %lld (answered, timed out, or its thread is "
		            "gone; see `bouncer ctl pending`)",
		            (long long)json_integer_value(id_json));
	if (errno_text != NULL) {
		if (allow)
			return fail("allow: errno applies to deny only");
		a.errno_value = errno_from_name(errno_text);
		if (a.errno_value <= 0)
			return fail("deny: unknown errno \"%s\" (a name such as EACCES, or a "
			            "number 1..4095)",
			            errno_text);
	}
	if (scope != NULL && strcmp(scope, "once") == 0)
		scope = NULL;
	if (scope != NULL && strcmp(scope, "process") != 0 && strcmp(scope, "always") != 0)
		return fail("remember: expected once, process or always, not \"%s\"", scope);
	if (scope != NULL && e->n.name == NULL)
		return fail("remember: this syscall has no name; answer once instead");
	if (scope != NULL) {
		bouncer_error_t err = {0};
		int rc = remember(live, e, scope, !allow,
		                  a.errno_value > 0 ? a.errno_value : (int)live->sup->default_errno,
		                  &made, &remembered, &err);

		if (rc < 0)
			return fail("%s", err.msg);
		snprintf(member, sizeof(member), ",\"remembered\":%d", rc);
		a.extra = member;
	}
	a.uid = control_client_uid(client);
	pending_answer(&live->pending, e, &a);
	reply = ok();
	if (remembered != NULL) {
		/* The rule answers the held calls it matches, as it will answer later ones. */
		json_object_set_new(reply, "remembered", remembered);
		json_object_set_new(reply, "also_answered",
		                    live_release_decided(live, control_client_uid(client), false));
	}
	return reply;
}

static json_t *cmd_grant(struct live *live, struct control_client *client, json_t *req)
{
	const char *name = json_string_value(json_object_get(req, "syscall"));
	json_t *args = json_object_get(req, "args"), *arg, *pid = json_object_get(req, "pid");
	json_t *for_ms = json_object_get(req, "for_ms"), *count = json_object_get(req, "count");
	json_t *reply, *path, *address;
	struct grant rule;
	bouncer_error_t err = {0};
	uint32_t arch = seccomp_arch_native();
	size_t i;
	int nr, id;

	if (name == NULL || name[0] == '\0' || strlen(name) >= GRANT_SYSCALL_MAX)
		return fail("grant: expected a syscall name");
	path = json_object_get(req, "path");
	if (path != NULL && (!json_is_string(path) || json_string_length(path) == 0 ||
	                     json_string_length(path) >= sizeof(rule.path_glob)))
		return fail("grant: \"path\" must be a glob of at most %zu bytes",
		            sizeof(rule.path_glob) - 1);
	address = json_object_get(req, "address");
	if (address != NULL && (!json_is_string(address) || json_string_length(address) == 0))
		return fail("grant: \"address\" must be an address pattern");
	if (path != NULL && address != NULL)
		return fail("grant: a grant has one condition, \"path\" or \"address\"");
	nr = seccomp_syscall_resolve_name_arch(arch, name);
	if (nr == __NR_SCMP_ERROR || nr < 0)
		return fail("grant: unknown syscall \"%s\" on %s", name, arch_name(arch));
	switch (policy_route_of(live->kernel_policy, arch, nr)) {
	case ROUTE_KERNEL_ALLOW:
		return fail("grant %s: the kernel filter of this run already allows %s; a grant "
		            "would change nothing",
		            name, name);
	case ROUTE_KERNEL:
		return fail(
		        "grant %s: the kernel filter of this run decides %s itself (it never "
		        "reaches the supervisor), so a grant cannot take effect; start a new run "
		        "whose policy sends %s to the supervisor (SCMP_ACT_NOTIFY)",
		        name, name, name);
	case ROUTE_SUPERVISOR:
	case ROUTE_MIXED:
		break;
	}
	memset(&rule, 0, sizeof(rule));
	rule.kind = GRANT_TEMPORARY;
	snprintf(rule.syscall, sizeof(rule.syscall), "%s", name);
	if (args != NULL && !json_is_array(args))
		return fail("grant: \"args\" must be an array");
	json_array_foreach(args, i, arg)
	{
		json_t *index = json_object_get(arg, "index"),
		       *value = json_object_get(arg, "value");

		if (i >= 6 || !json_is_integer(index) || json_integer_value(index) < 0 ||
		    json_integer_value(index) > 5 || !json_is_string(value))
			return fail("grant: args[%zu]: expected {\"index\": 0..5, \"value\": "
			            "\"0x...\"}",
			            i);
		rule.args[i].index = (unsigned)json_integer_value(index);
		errno = 0;
		{
			char *end;
			const char *text = json_string_value(value);

			rule.args[i].value = strtoull(text, &end, 0);
			if (errno != 0 || end == text || *end != '\0')
				return fail("grant: args[%zu].value: \"%s\" is not a number", i,
				            text);
		}
		rule.n_args = i + 1;
	}
	if (pid != NULL) {
		if (!json_is_integer(pid) || json_integer_value(pid) <= 0)
			return fail("grant: \"pid\" must be a positive integer");
		rule.pid = (pid_t)json_integer_value(pid);
	}
	if (for_ms != NULL) {
		if (!json_is_integer(for_ms) || json_integer_value(for_ms) <= 0)
			return fail("grant: \"for_ms\" must be a positive integer");
		rule.expires_ms = pending_now_ms() + (uint64_t)json_integer_value(for_ms);
	}
	if (count != NULL) {
		if (!json_is_integer(count) || json_integer_value(count) <= 0)
			return fail("grant: \"count\" must be a positive integer");
		rule.counted = true;
		rule.remaining = (uint64_t)json_integer_value(count);
	}
	/* The clause {"paths"|"addresses": [PATTERN], "decision": "allow"}, "ask" as no match. */
	if ((path != NULL && grant_set_path(&rule, json_string_value(path), &err) < 0) ||
	    (address != NULL && grant_set_address(&rule, json_string_value(address), &err) < 0))
		return fail("grant %s --%s: %s", name, path != NULL ? "path" : "address", err.msg);
	id = grants_add(&live->grants, &rule, &err);
	if (id < 0) {
		supervise_rule_free(rule.paths);
		return fail("%s", err.msg);
	}
	rule.id = (unsigned)id;
	reply = ok();
	json_object_set_new(reply, "grant", grant_to_json(&rule, pending_now_ms()));
	/* Calls held before the grant that it allows are answered now, not at their timeout. */
	json_object_set_new(reply, "also_answered",
	                    live_release_decided(live, control_client_uid(client), false));
	if (policy_route_of(live->kernel_policy, arch, nr) == ROUTE_MIXED)
		json_object_set_new(reply, "note",
		                    json_string("the kernel filter decides some calls of this "
		                                "syscall itself (by argument): the grant applies "
		                                "only to those it sends to the supervisor"));
	return reply;
}

static json_t *cmd_revoke(struct live *live, struct control_client *client, json_t *req)
{
	json_t *id = json_object_get(req, "id");
	bouncer_error_t err = {0};

	if (!json_is_integer(id) || json_integer_value(id) <= 0)
		return fail("revoke: expected an integer \"id\"");
	if (grants_revoke(&live->grants, (unsigned)json_integer_value(id), &err) < 0)
		return fail("%s", err.msg);
	return ok();
}

static json_t *cmd_rules(struct live *live, struct control_client *client, json_t *req)
{
	json_t *reply = ok();

	json_object_set_new(reply, "rules", grants_to_json(&live->grants, pending_now_ms()));
	if (live->opt.rules_file != NULL)
		json_object_set_new(reply, "rules_file", json_string(live->opt.rules_file));
	return reply;
}

static json_t *cmd_reload(struct live *live, struct control_client *client, json_t *req)
{
	const char *file = json_string_value(json_object_get(req, "file"));
	json_t *report = NULL, *reply;
	bouncer_error_t err = {0};

	if (live->reload == NULL)
		return fail("reload: not available in this run");
	if (live->reload(live, file, &report, &err) < 0)
		return fail("%s", err.msg);
	reply = ok();
	json_object_update(reply, report);
	json_decref(report);
	/* Held calls the new policy decides are answered now, not at their timeout. */
	json_object_set_new(reply, "also_answered",
	                    live_release_decided(live, control_client_uid(client), true));
	return reply;
}

static json_t *cmd_stats(struct live *live, struct control_client *client, json_t *req)
{
	const struct summary *s = live->sup->summary;
	json_t *reply = ok(), *counts = json_object(), *lat;

	for (unsigned i = 0; i < SUMMARY_SLOTS; i++) {
		const struct summary_entry *e = &s->slots[i];
		const char *name, *action;
		char fallback[32];
		json_t *per;

		if (e->count == 0)
			continue;
		name = syscall_name(&live->sup->names, e->arch, e->nr);
		if (name == NULL) {
			snprintf(fallback, sizeof(fallback), "nr:%d", e->nr);
			name = fallback;
		}
		action = e->action == RECORD_ALLOW  ? "allow"
		         : e->action == RECORD_DENY ? "deny"
		         : e->action == RECORD_LOG  ? "log"
		                                    : "kill";
		per = json_object_get(counts, name);
		if (per == NULL) {
			per = json_object();
			json_object_set_new(counts, name, per);
		}
		json_object_set_new(per, action,
		                    json_integer(json_integer_value(json_object_get(per, action)) +
		                                 (json_int_t)e->count));
	}
	lat = json_pack("{s:I,s:I,s:I,s:I,s:I}", "answers", (json_int_t)live->answered, "p50_ns",
	                (json_int_t)percentile(live->latency, live->answered, 0.50), "p90_ns",
	                (json_int_t)percentile(live->latency, live->answered, 0.90), "p99_ns",
	                (json_int_t)percentile(live->latency, live->answered, 0.99), "max_ns",
	                (json_int_t)percentile(live->latency, live->answered, 1.0));
	pending_sweep(&live->pending);
	json_object_set_new(reply, "decisions", counts);
	json_object_set_new(reply, "latency", lat);
	json_object_set_new(
	        reply, "held",
	        json_pack("{s:i,s:I,s:I,s:I,s:I,s:I}", "now", (int)live->pending.count, "total",
	                  (json_int_t)live->held_total, "by_operator",
	                  (json_int_t)live->pending.answered_by[PENDING_BY_OPERATOR], "by_timeout",
	                  (json_int_t)live->pending.answered_by[PENDING_BY_TIMEOUT], "by_full",
	                  (json_int_t)live->pending.answered_by[PENDING_BY_FULL], "gone",
	                  (json_int_t)live->held_gone));
	json_object_set_new(reply, "notifications",
	                    json_integer((json_int_t)live->sup->notifications));
	json_object_set_new(reply, "grants_used", json_integer((json_int_t)live->granted));
	json_object_set_new(reply, "remembered_used",
	                    json_integer((json_int_t)live->remembered_hits));
	json_object_set_new(reply, "reloads", json_integer((json_int_t)live->reloads));
	json_object_set_new(reply, "reload_failures",
	                    json_integer((json_int_t)live->reload_failures));
	json_object_set_new(reply, "watchers",
	                    json_pack("{s:i,s:i}", "records", (int)live->control.subscribers[0],
	                              "pending", (int)live->control.subscribers[1]));
	return reply;
}

static json_t *handle(struct control *c, struct control_client *client, json_t *req)
{
	struct live *live = c->data;
	const char *cmd = json_string_value(json_object_get(req, "cmd"));

	if (cmd == NULL)
		return fail("malformed request: no \"cmd\"");
	if (strcmp(cmd, "pending") == 0)
		return cmd_pending(live, client, req);
	if (strcmp(cmd, "allow") == 0)
		return cmd_answer(live, client, req, true);
	if (strcmp(cmd, "deny") == 0)
		return cmd_answer(live, client, req, false);
	if (strcmp(cmd, "subscribe") == 0)
		return cmd_subscribe(live, client, req);
	if (strcmp(cmd, "grant") == 0)
		return cmd_grant(live, client, req);
	if (strcmp(cmd, "revoke") == 0)
		return cmd_revoke(live, client, req);
	if (strcmp(cmd, "rules") == 0)
		return cmd_rules(live, client, req);
	if (strcmp(cmd, "reload") == 0)
		return cmd_reload(live, client, req);
	if (strcmp(cmd, "stats") == 0)
		return cmd_stats(live, client, req);
	return fail("unknown command \"%s\"", cmd);
}

/* ---- lifecycle ------------------------------------------------------------------------- */

int live_init(struct live *live, struct supervisor *sup,
              const struct compiled_policy *kernel_policy, const struct live_options *opt,
              bouncer_error_t *err)
{
	int rc;

	memset(live, 0, sizeof(*live));
	live->sup = sup;
	live->opt = *opt;
	live->kernel_policy = kernel_policy;
	grants_init(&live->grants, opt->rules_file);
	rc = grants_load(&live->grants, err);
	if (rc < 0)
		return rc;
	live->record_line = malloc(RECORD_MAX);
	if (live->record_line == NULL ||
	    pending_init(&live->pending, sup, opt->ask_timeout_ms, opt->ask_default_allow) < 0) {
		free(live->record_line);
		live->record_line = NULL;
		return bouncer_error_set(err, -ENOMEM, "out of memory");
	}
	live->pending.on_event = on_pending_event;
	live->pending.data = live;
	if (opt->control_path != NULL) {
		rc = control_open(&live->control, sup->loop, opt->control_path, handle, live, err);
		if (rc < 0) {
			pending_close(&live->pending);
			return rc;
		}
		live->has_control = true;
	}
	sup->live = live;
	return 0;
}

void live_close(struct live *live)
{
	if (live->has_control)
		control_close(&live->control);
	pending_close(&live->pending);
}

void live_release(struct live *live)
{
	grants_release(&live->grants);
	pending_release(&live->pending);
	free(live->record_line);
	live->record_line = NULL;
}
