/* SPDX-License-Identifier: MIT */
/*
 * Internals of `bouncer profile`. The layers, bottom up:
 *
 *   prof_scan.c      one decision-log line → struct prof_record (hand-written scanner, no
 *                    allocation: the generator must stream millions of records per second)
 *   prof_input.c     reading logs line by line (files or stdin), line numbers, --skip-bad,
 *                    progress on a terminal
 *   prof_needs.c     what a workload needed: counts per (arch, syscall, selector values); memory
 *                    grows with distinct keys, never with records
 *   prof_selector.c  the table of selector arguments (which scalar argument of which syscall is
 *                    worth a condition) and the conditions built from recorded values
 *   prof_model.c     the profile model (one rule per syscall name) and its evaluation
 *   prof_read.c      Docker / OCI JSON → model
 *   prof_write.c     model → Docker JSON, OCI linux.seccomp, Security Profiles Operator YAML
 *   prof_arch.c      SCMP_ARCH_* names, families (x86_64 with its x86/x32 compat ABIs)
 *   cmd_*.c          the subcommands
 */
#ifndef BOUNCER_PROF_H
#define BOUNCER_PROF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>
#include <seccomp.h>

#include "error.h"

/* ---- architectures (prof_arch.c) ---- */

/* "SCMP_ARCH_X86_64" → token; 0 when unknown. */
uint32_t prof_arch_token(const char *name, size_t len);
/* token → "SCMP_ARCH_X86_64"; NULL when unknown. */
const char *prof_arch_name(uint32_t token);
/* The arch whose archMap entry lists token as a subArchitecture (x86 and x32 → x86_64), or
 * token itself. */
uint32_t prof_arch_family(uint32_t token);
/* Sort key so that arches always come out in the same order (native family first). */
int prof_arch_cmp(uint32_t a, uint32_t b);

/* ---- one record (prof_scan.c) ---- */

enum prof_outcome {
	PROF_NEEDED, /* allowed, logged, or allowed in audit mode whatever "would" says */
	PROF_DENIED, /* denied in enforce mode (errno) */
	PROF_KILLED, /* killed in enforce mode */
};

struct prof_str {
	const char *p; /* points into the line; not NUL-terminated; may contain JSON escapes */
	size_t len;
	bool escaped; /* contains a backslash escape */
};

struct prof_record {
	uint32_t arch;
	struct prof_str syscall;
	long long nr;
	uint64_t args[6];
	bool args_known; /* false when "args" is missing or "args_known": false (imports) */
	enum prof_outcome outcome;
	int errno_nr; /* for PROF_DENIED; 1 (EPERM) when the record has none */
	struct prof_str exe;
	struct prof_str ts;
	struct prof_str path; /* argument inspection (later schema additions); len 0 if absent */
	struct prof_str address;
};

/* Parses one JSON Lines record. Returns 0, or -EINVAL with a short reason in *why. */
int prof_scan_record(const char *line, size_t len, struct prof_record *rec, const char **why);

/* Copies a scanned string, undoing JSON escapes. Returns a malloc'd NUL-terminated string. */
char *prof_str_dup(const struct prof_str *s);

/* ---- reading inputs (prof_input.c) ---- */

struct prof_input_opts {
	bool skip_bad; /* count malformed lines instead of stopping */
	bool progress; /* progress on stderr (only honoured when stderr is a terminal) */
};

/* Called for each non-empty line; returns 0, or -EINVAL with *why set to reject the line as
 * malformed, or another negative errno to stop. */
typedef int (*prof_line_fn)(void *ctx, const char *line, size_t len, const char **why);

struct prof_input_stats {
	unsigned long long lines, bad;
};

/* Reads path ("-" = stdin) line by line. Malformed lines stop the read with an error
 * "path:LINE: reason" unless opts->skip_bad (then they are counted in stats->bad and the first
 * few are reported on stderr). */
int prof_input_lines(const char *path, const struct prof_input_opts *opts, prof_line_fn fn,
                     void *ctx, struct prof_input_stats *stats, bouncer_error_t *err);

/* Reads a whole file ("-" = stdin) into a NUL-terminated malloc'd buffer. */
int prof_read_all(const char *path, char **out, size_t *len, bouncer_error_t *err);

/* ---- selector arguments (prof_selector.c) ---- */

#define PROF_SEL_MAX_ARGS 2

enum prof_sel_kind {
	PROF_SEL_EQ,     /* one rule per recorded value: args[i] == value */
	PROF_SEL_MASKED, /* one rule per recorded (value & mask): args[i] & mask == value */
	PROF_SEL_NSMASK, /* one rule: the clone namespace bits never seen set must stay clear */
};

struct prof_sel_arg {
	unsigned index;
	enum prof_sel_kind kind;
	uint64_t mask; /* PROF_SEL_MASKED, PROF_SEL_NSMASK; all ones for PROF_SEL_EQ */
};

struct prof_selector {
	const char *syscall;
	unsigned n_args;
	struct prof_sel_arg args[PROF_SEL_MAX_ARGS];
	unsigned max_values; /* more distinct recorded tuples than this: no condition */
	const char *why;     /* for docs/profile.md and comments */
};

/* The selector of a syscall name, or NULL. */
const struct prof_selector *prof_selector_find(const char *name);
const struct prof_selector *prof_selector_table(size_t *n);

/* ---- the model (prof_model.c) ---- */

enum prof_action {
	PROF_ACT_KILL_PROCESS,
	PROF_ACT_KILL_THREAD,
	PROF_ACT_TRAP,
	PROF_ACT_ERRNO,
	PROF_ACT_NOTIFY,
	PROF_ACT_TRACE,
	PROF_ACT_LOG,
	PROF_ACT_ALLOW,
};

const char *prof_action_name(enum prof_action act);
int prof_action_parse(const char *name, enum prof_action *act);
/* Whether the workload's syscall runs (ALLOW, LOG). */
bool prof_action_runs(enum prof_action act);

struct prof_cond {
	unsigned index;
	enum scmp_compare op;
	uint64_t value;     /* the mask for SCMP_CMP_MASKED_EQ (Docker/OCI meaning) */
	uint64_t value_two; /* the expected value for SCMP_CMP_MASKED_EQ */
};

/* One rule per syscall name (a profile's multi-name rule becomes several). */
struct prof_rule {
	char *name;
	enum prof_action action;
	bool has_errno;
	uint32_t errno_ret;
	struct prof_cond conds[6];
	unsigned n_conds;
	char *comment;  /* NULL when none */
	json_t *extra;  /* other keys of the rule kept verbatim (includes, supervise...) */
	long src_index; /* index in the source's syscalls[], -1 for generated rules */
	/* includes/excludes (Docker) leave this rule out of a default Docker container on
	 * x86_64 (see prof_read.c): kept and written, ignored by evaluation and lint. */
	bool inactive;
};

struct prof_model {
	enum prof_action default_action;
	bool has_default_errno;
	uint32_t default_errno;
	uint32_t *arches; /* every listed arch, sub-architectures included, deduplicated */
	size_t n_arches;
	bool arch_map; /* the source used archMap (kept when re-written) */
	char **flags;
	size_t n_flags;
	char *listener_path; /* NULL when absent */
	char *listener_metadata;
	struct prof_rule *rules;
	size_t n_rules;
	char *source; /* where it came from, for messages */
};

struct prof_model *prof_model_new(const char *source);
void prof_model_free(struct prof_model *m);
struct prof_rule *prof_model_add_rule(struct prof_model *m, const char *name, enum prof_action act);
void prof_model_add_arch(struct prof_model *m, uint32_t token);
bool prof_model_has_arch(const struct prof_model *m, uint32_t token);
void prof_model_add_flag(struct prof_model *m, const char *flag);
/* Sorts arches and rules into the canonical order (deterministic output). */
void prof_model_sort(struct prof_model *m);
bool prof_cond_holds(const struct prof_cond *c, uint64_t arg);
/* Renders a rule's conditions as "args[0] == 0x1 && args[1] & 0xf == 0x2", "" when none. */
void prof_conds_format(const struct prof_rule *r, char *buf, size_t size);
bool prof_rules_same_conds(const struct prof_rule *a, const struct prof_rule *b);
/* Sets errno_ret from an errno name ("EPERM") or number. Returns 0 or -EINVAL. */
int prof_errno_parse(const char *name, uint32_t *out);
const char *prof_errno_name(int nr);

/*
 * What the profile does with syscall `name` given argument values; known_bits[i] says which
 * bits of args[i] are known (NULL: nothing is known). A condition that needs unknown bits is
 * taken to hold and sets *uncertain. Returns the deciding action; *rule_out is the rule or NULL
 * for the default action. Overlapping matches resolve to the most restrictive action, like the
 * kernel does between filters.
 */
enum prof_action prof_model_eval(const struct prof_model *m, const char *name, const uint64_t *args,
                                 const uint64_t *known_bits, const struct prof_rule **rule_out,
                                 bool *uncertain);

/* Whether p allows at least everything rule r allows (r's name, under r's conditions): a running
 * rule of p whose conditions are a subset of r's, or p's default when p has no rule for it. */
bool prof_model_covers(const struct prof_model *p, const struct prof_rule *r);

/* ---- reading and writing profiles ---- */

/* Parses Docker profile JSON, an OCI linux.seccomp object, or a whole OCI config.json. */
int prof_read_profile(const char *name, const char *text, size_t len, struct prof_model **out,
                      bouncer_error_t *err);
int prof_load_profile(const char *path, struct prof_model **out, bouncer_error_t *err);
/* Whether a file's text looks like a profile (one JSON document) rather than a log. */
bool prof_text_is_profile(const char *text, size_t len);
/* Whether the file at path is a profile rather than a decision log ("-" is always a log).
 * Only the first MiB is read: profiles are small, logs may be huge. */
bool prof_path_is_profile(const char *path);
/* A stock profile by name ("default" → policies/default.json) or a path (contains '/' or
 * ends in .json). Looks in $BOUNCER_POLICIES, then the source tree's policies/. */
int prof_load_stock(const char *name, struct prof_model **out, bouncer_error_t *err);

enum prof_format { PROF_FMT_DOCKER, PROF_FMT_OCI, PROF_FMT_SPO };
int prof_format_parse(const char *s, enum prof_format *out);
/* Writes the model; name is used by the SPO format (metadata.name). */
int prof_write(FILE *f, const struct prof_model *m, enum prof_format fmt, const char *name);

/* ---- needs: aggregated records (prof_needs.c) ---- */

struct prof_needs;

/* Per (arch, syscall, selector values) totals. */
struct prof_need_entry {
	uint32_t arch;
	const char *syscall;
	bool has_values; /* values[] are meaningful (selector known, args known) */
	uint64_t values[PROF_SEL_MAX_ARGS];
	unsigned long long needed, denied, killed;
	int denied_errno;      /* most frequent errno of the denials (ties: smallest) */
	const char *first_exe; /* exe of the earliest record (by ts), "" if unknown */
	const char *first_ts;
};

/* Per (arch, syscall) facts. */
struct prof_need_syscall {
	uint32_t arch;
	const char *syscall;
	const struct prof_selector *sel;
	bool unconditioned;              /* too many distinct values, or some record without args */
	struct prof_need_entry *entries; /* sorted by values */
	size_t n_entries;
	unsigned long long needed, denied, killed;
	char **paths; /* distinct recorded paths (sorted), for --notify */
	size_t n_paths;
	char **addresses;
	size_t n_addresses;
};

struct prof_needs *prof_needs_new(void);
void prof_needs_free(struct prof_needs *n);
/* Adds one record. Returns 0 or -ENOMEM. */
int prof_needs_add(struct prof_needs *n, const struct prof_record *rec);
/* A line callback (prof_line_fn) that scans a record and adds it. */
int prof_needs_add_line(void *ctx, const char *line, size_t len, const char **why);
/* Snapshot sorted by (arch, syscall); valid until the next add or free. */
const struct prof_need_syscall *prof_needs_list(struct prof_needs *n, size_t *count);
unsigned long long prof_needs_records(const struct prof_needs *n);
/* Adds everything src counted to dst (parallel readers each fill their own). */
int prof_needs_merge(struct prof_needs *dst, const struct prof_needs *src);
/*
 * Reads decision logs into needs, parsing on every CPU (prof_parallel.c). Same results, errors
 * and line numbers as prof_input_lines() with prof_needs_add_line.
 */
int prof_needs_read(struct prof_needs *needs, const char *path, const struct prof_input_opts *opts,
                    struct prof_input_stats *stats, bouncer_error_t *err);

/* ---- generation (prof_generate.c) ---- */

struct prof_gen_opts {
	enum prof_action default_action;
	uint32_t default_errno;
	unsigned long long min_count;
	bool notify;
	const struct prof_model *base;       /* or NULL */
	const char *const *runtime_syscalls; /* NULL-terminated, or NULL */
	const char *runtime_name;
	bool no_essentials;                  /* leave out exit, exit_group, rt_sigreturn */
};

/* Builds a profile model from needs. */
struct prof_model *prof_generate(struct prof_needs *needs, const struct prof_gen_opts *opts);

/* --notify: the recorded paths generalised to globs (prof_notify.c), a new JSON array. */
json_t *prof_notify_paths(char **paths, size_t n);

/* Syscalls the OCI runtime makes after loading the profile (prof_runtime.c). */
const char *const *prof_runtime_syscalls(const char *runtime);

/* ---- subcommands ---- */

int prof_cmd_generate(int argc, char **argv);
int prof_cmd_lint(int argc, char **argv);
int prof_cmd_check(int argc, char **argv);
int prof_cmd_diff(int argc, char **argv);
int prof_cmd_merge(int argc, char **argv);
int prof_cmd_import(int argc, char **argv);

/* Output file handling shared by subcommands: "-" or NULL = stdout. */
FILE *prof_open_output(const char *path, bouncer_error_t *err);
int prof_close_output(FILE *f, const char *path, bouncer_error_t *err);

#endif
