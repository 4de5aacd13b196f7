/* SPDX-License-Identifier: MIT */
/* Docker seccomp profile JSON, an OCI linux.seccomp object or a whole config.json → model. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "policy_names.h"
#include "prof.h"


static int read_u64(json_t *v, uint64_t *out)
{
	/* jansson keeps integers as json_int_t (long long); values above INT64_MAX appear in
	 * profiles written by Go as large unsigned numbers and are read back as reals. */
	if (json_is_integer(v)) {
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (json_is_real(v) && json_real_value(v) >= 0 &&
	    json_real_value(v) < 18446744073709551616.0) {
		*out = (uint64_t)json_real_value(v);
		return 0;
	}
	return -EINVAL;
}

static int read_arch(struct prof_model *m, json_t *v, const char *where, bouncer_error_t *err)
{
	const char *s = json_string_value(v);
	uint32_t tok = s ? prof_arch_token(s, strlen(s)) : 0;

	if (!tok)
		return bouncer_error_set(err, -EINVAL, "%s: %s: unknown architecture %s", m->source,
		                         where, s ? s : "(not a string)");
	prof_model_add_arch(m, tok);
	return 0;
}

static int read_arches(struct prof_model *m, json_t *root, bouncer_error_t *err)
{
	json_t *v, *e, *sub;
	size_t i, j;
	char where[96];

	v = json_object_get(root, "architectures");
	json_array_foreach(v, i, e)
	{
		snprintf(where, sizeof(where), "architectures[%zu]", i);
		if (read_arch(m, e, where, err) < 0)
			return -EINVAL;
	}
	v = json_object_get(root, "archMap");
	if (json_is_array(v))
		m->arch_map = true;
	json_array_foreach(v, i, e)
	{
		snprintf(where, sizeof(where), "archMap[%zu].architecture", i);
		if (read_arch(m, json_object_get(e, "architecture"), where, err) < 0)
			return -EINVAL;
		json_array_foreach(json_object_get(e, "subArchitectures"), j, sub)
		{
			snprintf(where, sizeof(where), "archMap[%zu].subArchitectures[%zu]", i, j);
			if (read_arch(m, sub, where, err) < 0)
				return -EINVAL;
		}
	}
	return 0;
}

static int read_args(struct prof_model *m, struct prof_rule *r, json_t *args, size_t ri,
                     bouncer_error_t *err)
{
	json_t *a;
	size_t i;

	if (json_array_size(args) > 6)
		return bouncer_error_set(err, -EINVAL,
		                         "%s: syscalls[%zu].args: more than 6 conditions",
		                         m->source, ri);
	json_array_foreach(args, i, a)
	{
		struct prof_cond *c = &r->conds[r->n_conds];
		const char *op = json_string_value(json_object_get(a, "op"));
		json_t *idx = json_object_get(a, "index");

		if (!json_is_integer(idx) || json_integer_value(idx) < 0 ||
		    json_integer_value(idx) > 5)
			return bouncer_error_set(err, -EINVAL,
			                         "%s: syscalls[%zu].args[%zu].index: "
			                         "expected 0..5",
			                         m->source, ri, i);
		c->index = (unsigned)json_integer_value(idx);
		if (read_u64(json_object_get(a, "value"), &c->value) < 0)
			return bouncer_error_set(err, -EINVAL,
			                         "%s: syscalls[%zu].args[%zu].value: "
			                         "expected an unsigned integer",
			                         m->source, ri, i);
		c->value_two = 0;
		if (json_object_get(a, "valueTwo") &&
		    read_u64(json_object_get(a, "valueTwo"), &c->value_two) < 0)
			return bouncer_error_set(err, -EINVAL,
			                         "%s: syscalls[%zu].args[%zu].valueTwo: "
			                         "expected an unsigned integer",
			                         m->source, ri, i);
		if (!op || policy_op_from_name(op, &c->op) < 0)
			return bouncer_error_set(err, -EINVAL,
			                         "%s: syscalls[%zu].args[%zu].op: "
			                         "unknown operator \"%s\"",
			                         m->source, ri, i, op ? op : "");
		r->n_conds++;
	}
	return 0;
}

/*
 * Docker's includes/excludes select rules by the container's capabilities, the host arch and
 * kernel. A static profile is judged as it applies to a default Docker container on x86_64:
 * Docker's default capability set, arch amd64, a kernel new enough for any minKernel.
 */
static const char *const docker_default_caps[] = {
        "CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
        "CAP_MKNOD",   "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
        "CAP_SETFCAP", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
        "CAP_KILL",    "CAP_AUDIT_WRITE",
};

static bool has_default_cap(const char *cap)
{
	for (size_t i = 0; i < sizeof(docker_default_caps) / sizeof(docker_default_caps[0]); i++)
		if (strcmp(cap, docker_default_caps[i]) == 0)
			return true;
	return false;
}

static bool is_native_arch(const char *arch)
{
	return strcmp(arch, "amd64") == 0 || strcmp(arch, "x86_64") == 0 ||
	       strcmp(arch, "SCMP_ARCH_X86_64") == 0;
}

static bool rule_inactive(json_t *rule)
{
	json_t *inc = json_object_get(rule, "includes"), *exc = json_object_get(rule, "excludes"),
	       *v;
	size_t i;
	bool arch_ok = json_array_size(json_object_get(inc, "arches")) == 0;

	json_array_foreach(json_object_get(inc, "caps"), i,
	                   v) if (!json_is_string(v) ||
	                          !has_default_cap(json_string_value(v))) return true;
	json_array_foreach(json_object_get(inc, "arches"), i, v) arch_ok |=
	        json_is_string(v) && is_native_arch(json_string_value(v));
	if (!arch_ok)
		return true;
	json_array_foreach(json_object_get(exc, "caps"), i,
	                   v) if (json_is_string(v) &&
	                          has_default_cap(json_string_value(v))) return true;
	json_array_foreach(json_object_get(exc, "arches"), i,
	                   v) if (json_is_string(v) &&
	                          is_native_arch(json_string_value(v))) return true;
	/* excludes.minKernel: the rule is dropped on kernels at least that new, which any
	 * current kernel is. */
	return json_object_get(exc, "minKernel") != NULL;
}

static json_t *rule_extra(json_t *rule)
{
	static const char *const known[] = {"names",    "name", "action",
	                                    "errnoRet", "args", "comment"};
	json_t *extra = json_object(), *v;
	const char *key;

	json_object_foreach(rule, key, v)
	{
		bool skip = false;

		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			skip |= strcmp(key, known[i]) == 0;
		if (!skip)
			json_object_set(extra, key, v);
	}
	if (json_object_size(extra) == 0) {
		json_decref(extra);
		return NULL;
	}
	return extra;
}

static int read_rule(struct prof_model *m, json_t *rule, size_t ri, bouncer_error_t *err)
{
	json_t *names = json_object_get(rule, "names"), *n, *errno_ret;
	const char *act = json_string_value(json_object_get(rule, "action"));
	const char *comment = json_string_value(json_object_get(rule, "comment"));
	enum prof_action action;
	size_t i;

	if (!json_is_object(rule))
		return bouncer_error_set(err, -EINVAL, "%s: syscalls[%zu]: expected an object",
		                         m->source, ri);
	if (!act || prof_action_parse(act, &action) < 0)
		return bouncer_error_set(err, -EINVAL,
		                         "%s: syscalls[%zu].action: unknown action \"%s\"",
		                         m->source, ri, act ? act : "");
	if (!names && json_is_string(json_object_get(rule, "name"))) {
		names = json_array();
		json_array_append(names, json_object_get(rule, "name"));
	} else {
		json_incref(names);
	}
	if (!json_is_array(names) || json_array_size(names) == 0) {
		json_decref(names);
		return bouncer_error_set(err, -EINVAL, "%s: syscalls[%zu].names: expected names",
		                         m->source, ri);
	}
	errno_ret = json_object_get(rule, "errnoRet");
	json_array_foreach(names, i, n)
	{
		struct prof_rule *r;

		if (!json_is_string(n)) {
			json_decref(names);
			return bouncer_error_set(err, -EINVAL,
			                         "%s: syscalls[%zu].names[%zu]: "
			                         "expected a string",
			                         m->source, ri, i);
		}
		r = prof_model_add_rule(m, json_string_value(n), action);
		r->src_index = (long)ri;
		if (json_is_integer(errno_ret)) {
			r->has_errno = true;
			r->errno_ret = (uint32_t)json_integer_value(errno_ret);
		}
		if (comment)
			r->comment = strdup(comment);
		r->extra = rule_extra(rule);
		r->inactive = rule_inactive(rule);
		if (read_args(m, r, json_object_get(rule, "args"), ri, err) < 0) {
			json_decref(names);
			return -EINVAL;
		}
	}
	json_decref(names);
	return 0;
}

static int read_seccomp(struct prof_model *m, json_t *root, bouncer_error_t *err)
{
	const char *def = json_string_value(json_object_get(root, "defaultAction"));
	json_t *v, *e;
	size_t i;

	if (!def || prof_action_parse(def, &m->default_action) < 0)
		return bouncer_error_set(err, -EINVAL, "%s: defaultAction: %s", m->source,
		                         def ? "unknown action" : "missing");
	v = json_object_get(root, "defaultErrnoRet");
	if (json_is_integer(v)) {
		m->has_default_errno = true;
		m->default_errno = (uint32_t)json_integer_value(v);
	}
	if (read_arches(m, root, err) < 0)
		return -EINVAL;
	json_array_foreach(json_object_get(root, "flags"), i, e) if (json_is_string(e))
	        prof_model_add_flag(m, json_string_value(e));
	if (json_is_string(json_object_get(root, "listenerPath")))
		m->listener_path = strdup(json_string_value(json_object_get(root, "listenerPath")));
	if (json_is_string(json_object_get(root, "listenerMetadata")))
		m->listener_metadata =
		        strdup(json_string_value(json_object_get(root, "listenerMetadata")));
	v = json_object_get(root, "syscalls");
	if (v && !json_is_array(v))
		return bouncer_error_set(err, -EINVAL, "%s: syscalls: expected an array",
		                         m->source);
	json_array_foreach(v, i, e) if (read_rule(m, e, i, err) < 0) return -EINVAL;
	return 0;
}

int prof_read_profile(const char *name, const char *text, size_t len, struct prof_model **out,
                      bouncer_error_t *err)
{
	json_error_t jerr;
	json_t *root = json_loadb(text, len, 0, &jerr), *sec;
	struct prof_model *m;
	int rc;

	if (!root)
		return bouncer_error_set(err, -EINVAL, "%s:%d:%d: %s", name, jerr.line, jerr.column,
		                         jerr.text);
	sec = root;
	/* A whole OCI config.json: the profile is linux.seccomp. */
	if (json_is_object(json_object_get(root, "linux")))
		sec = json_object_get(json_object_get(root, "linux"), "seccomp");
	if (!json_is_object(sec)) {
		json_decref(root);
		return bouncer_error_set(err, -EINVAL, "%s: not a seccomp profile", name);
	}
	m = prof_model_new(name);
	if (!m) {
		json_decref(root);
		return bouncer_error_set(err, -ENOMEM, "%s: out of memory", name);
	}
	rc = read_seccomp(m, sec, err);
	json_decref(root);
	if (rc < 0) {
		prof_model_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

int prof_load_profile(const char *path, struct prof_model **out, bouncer_error_t *err)
{
	char *text;
	size_t len;
	int rc = prof_read_all(path, &text, &len, err);

	if (rc < 0)
		return rc;
	rc = prof_read_profile(path, text, len, out, err);
	free(text);
	return rc;
}

bool prof_text_is_profile(const char *text, size_t len)
{
	json_t *root = json_loadb(text, len, 0, NULL);
	bool is = json_is_object(root) &&
	          (json_object_get(root, "defaultAction") || json_object_get(root, "linux"));

	json_decref(root);
	return is;
}

bool prof_path_is_profile(const char *path)
{
	enum { PEEK = 1 << 20 };
	char *buf;
	ssize_t n;
	size_t len = 0;
	bool is = false;
	int fd;

	if (strcmp(path, "-") == 0)
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	buf = malloc(PEEK);
	while (buf && len < PEEK && (n = read(fd, buf + len, PEEK - len)) > 0)
		len += (size_t)n;
	close(fd);
	if (buf && len < PEEK)
		is = prof_text_is_profile(buf, len);
	free(buf);
	return is;
}

int prof_load_stock(const char *name, struct prof_model **out, bouncer_error_t *err)
{
	const char *dirs[] = {getenv("BOUNCER_POLICIES"), PROF_POLICIES_DIR};
	size_t len = strlen(name);
	char path[4096];

	if (strchr(name, '/') || (len > 5 && strcmp(name + len - 5, ".json") == 0))
		return prof_load_profile(name, out, err);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (!dirs[i] || !*dirs[i])
			continue;
		snprintf(path, sizeof(path), "%s/%s.json", dirs[i], name);
		if (access(path, R_OK) == 0)
			return prof_load_profile(path, out, err);
	}
	return bouncer_error_set(err, -ENOENT,
	                         "no stock profile \"%s\" (looked in $BOUNCER_POLICIES "
	                         "and %s)",
	                         name, PROF_POLICIES_DIR);
}
