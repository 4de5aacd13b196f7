/* SPDX-License-Identifier: MIT */
/*
 * The policy model: a Docker/OCI seccomp profile as parsed from JSON, plus bouncer's
 * supervisor-side extensions. Parsing lives in policy_parse.c; turning a policy into kernel
 * BPF and a lookup structure for the supervisor lives in policy_compile.c.
 *
 * Meaning is Docker's/runc's: the same file gives the same allow/deny answers under bouncer as
 * under runc + libseccomp (bouncer only moves some decisions from the kernel to the supervisor
 * so that they can be recorded).
 */
#ifndef BOUNCER_POLICY_H
#define BOUNCER_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <seccomp.h>

#include "error.h"

struct supervise_rule;

/* Actions as written in profiles (SCMP_ACT_*). Order is irrelevant; do not rely on it. */
enum policy_action {
	POLICY_ACT_KILL_PROCESS, /* SCMP_ACT_KILL_PROCESS */
	POLICY_ACT_KILL_THREAD,  /* SCMP_ACT_KILL_THREAD and its old name SCMP_ACT_KILL */
	POLICY_ACT_TRAP,         /* SCMP_ACT_TRAP */
	POLICY_ACT_ERRNO,        /* SCMP_ACT_ERRNO (errnoRet / defaultErrnoRet, else EPERM) */
	POLICY_ACT_TRACE,        /* SCMP_ACT_TRACE (errnoRet is the tracer's msg data) */
	POLICY_ACT_LOG,          /* SCMP_ACT_LOG */
	POLICY_ACT_ALLOW,        /* SCMP_ACT_ALLOW */
	POLICY_ACT_NOTIFY,       /* SCMP_ACT_NOTIFY: decided by supervisor-side clauses */
};

/* One argument condition, OCI "args" element. */
struct policy_arg {
	unsigned index;          /* 0..5 */
	uint64_t value;          /* for SCMP_CMP_MASKED_EQ: the mask (libseccomp's datum_a) */
	uint64_t value_two;      /* for SCMP_CMP_MASKED_EQ: the masked result to compare with */
	enum scmp_compare op;    /* SCMP_CMP_NE .. SCMP_CMP_MASKED_EQ */
};

/* includes/excludes filter of a rule (OCI "Filter"). */
struct policy_filter {
	char **caps;             /* "CAP_SYS_ADMIN", ... */
	size_t n_caps;
	uint32_t *arches;        /* SCMP_ARCH_* tokens */
	size_t n_arches;
	char *min_kernel;        /* "4.8" or NULL */
};

/* One syscalls[] element. */
struct policy_rule {
	size_t index;            /* position in syscalls[], as shown to users */
	char **names;            /* "names" (or the older "name", as one element) */
	size_t n_names;
	enum policy_action action;
	bool has_errno_ret;      /* errnoRet present */
	uint32_t errno_ret;
	struct policy_arg *args;
	size_t n_args;
	char *comment;           /* NULL when absent */
	struct policy_filter includes;
	struct policy_filter excludes;
	/* Whether includes/excludes select this rule on this host (see policy_rule_applies()). */
	bool active;
	/*
	 * Supervisor-side extensions on SCMP_ACT_NOTIFY rules ("supervise", "default"), kept as
	 * parsed JSON (borrowed references owned by the policy) until their evaluator parses them.
	 * NULL when absent.
	 */
	json_t *supervise;
	json_t *supervise_default;
	/* The parsed model of supervise/default (supervise_parse.h); NULL unless the action is
	 * SCMP_ACT_NOTIFY and at least one of them is present. */
	struct supervise_rule *supervise_model;
	unsigned line, column;   /* where the rule object starts in the file (1-based) */
};

/* An archMap element, or an "architectures" entry (with no sub-architectures). */
struct policy_arch {
	uint32_t token;          /* SCMP_ARCH_* */
	uint32_t *sub;           /* subArchitectures */
	size_t n_sub;
	/*
	 * Whether the entry applies on this host (moby): every "architectures" entry does; of an
	 * "archMap", only the entry for the native arch (its token and its subArchitectures).
	 */
	bool active;
};

/* Filter flags that a profile may request in "flags". */
enum {
	POLICY_FLAG_TSYNC = 1u << 0,           /* SECCOMP_FILTER_FLAG_TSYNC: no effect for bouncer */
	POLICY_FLAG_LOG = 1u << 1,             /* SECCOMP_FILTER_FLAG_LOG */
	POLICY_FLAG_SPEC_ALLOW = 1u << 2,      /* SECCOMP_FILTER_FLAG_SPEC_ALLOW */
	POLICY_FLAG_WAIT_KILLABLE_RECV = 1u << 3, /* always requested when available anyway */
};

struct policy {
	char *source;            /* file name as given, or "<default>" (embedded) */
	enum policy_action default_action;
	bool has_default_errno;  /* defaultErrnoRet present */
	uint32_t default_errno;  /* else EPERM */
	struct policy_arch *arches; /* "architectures" or "archMap"; empty = native arch only */
	size_t n_arches;
	unsigned flags;          /* POLICY_FLAG_* */
	struct policy_rule *rules;
	size_t n_rules;
	char *listener_path;     /* read and ignored by `run` */
	char *listener_metadata;
	char **warnings;         /* non-fatal findings, each "file:line:col: path: text" */
	size_t n_warnings;
	json_t *root;            /* the parsed document; owns supervise/supervise_default */
};

/*
 * Host facts that includes/excludes are evaluated against. policy_host_detect() fills it from
 * the running system (effective capabilities of this process, native arch, uname release);
 * tests construct it by hand.
 */
struct policy_host {
	uint64_t caps;           /* bit N set = capability N held */
	uint32_t native_arch;    /* SCMP_ARCH_* */
	unsigned kernel_major, kernel_minor;
};

void policy_host_detect(struct policy_host *host);

/* Whether includes/excludes select rule on host (moby's semantics; policy_host.c). */
bool policy_rule_applies(const struct policy_rule *rule, const struct policy_host *host);

/* The number of capability "CAP_SYS_ADMIN" etc., or -1 when unknown (policy_host.c). */
int policy_cap_from_name(const char *name);

/*
 * Parses a policy document. `name` is used in messages (the file name). On error returns a
 * negative errno and err says "name:line:column: json.path: what is wrong". Warnings (unknown
 * keys, ...) are collected in policy->warnings. includes/excludes are evaluated against host
 * and stored in rule->active (host NULL: every rule is active).
 */
int policy_parse(const char *name, const char *text, size_t len, const struct policy_host *host,
		 struct policy **out, bouncer_error_t *err);

/* Reads and parses a file. */
int policy_load_file(const char *path, const struct policy_host *host, struct policy **out,
		     bouncer_error_t *err);

/* The policy compiled into the binary (policies/default.json). */
int policy_load_default(const struct policy_host *host, struct policy **out, bouncer_error_t *err);

void policy_free(struct policy *policy);

/* "SCMP_ACT_ERRNO" ... for messages and `policy check`; never NULL. */
const char *policy_action_name(enum policy_action action);

/*
 * Finds where the value at a JSON path ("syscalls[3].args[0].op", "" for the root) starts in
 * text. Returns 0 and 1-based line/column, or -ENOENT. text must be valid JSON.
 */
int json_path_position(const char *text, size_t len, const char *path, unsigned *line,
		       unsigned *column);

/* The same as a byte offset into text. Returns 0, -ENOENT, or -EINVAL for a malformed path. */
int json_path_offset(const char *text, size_t len, const char *path, size_t *offset);

/* 1-based line and column (in characters) of byte offset in text. */
void json_path_line_column(const char *text, size_t offset, unsigned *line, unsigned *column);

/* Continues counting lines and columns from byte from (at *line:*column) to byte to. */
void json_path_advance(const char *text, size_t from, size_t to, unsigned *line,
		       unsigned *column);

/*
 * Offsets where the first n elements of the array at path start, in one pass (rule positions of
 * a large policy would otherwise cost one scan each). Returns how many were stored, or a
 * negative errno as json_path_offset().
 */
int json_path_element_offsets(const char *text, size_t len, const char *path, size_t *offsets,
			      size_t n);

/*
 * jansson refuses integer literals outside int64_t ("too big integer"), but argument values
 * are uint64_t (masks such as 18446744073709551615 are common). This rewrites each such
 * literal in place into a real of the same length that jansson accepts
 * (18446744073709551615 → 184467440737095516e2), so that positions do not move; the parser
 * then reads the exact value back from the original text. Strings are left alone. Returns how
 * many literals were rewritten.
 */
size_t json_path_widen_big_integers(char *text, size_t len);

/* The embedded default policy text (generated from policies/default.json). */
extern const char bouncer_default_policy[];
extern const size_t bouncer_default_policy_len;

#endif
