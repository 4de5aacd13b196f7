/* SPDX-License-Identifier: MIT */
/*
 * Load-time refusal of supervise rules bouncer cannot enforce race-free: an allowing decision
 * (allow, log, ask) that depends on pointer contents (a paths/addresses clause decided it, or
 * such a clause was passed on the way to it) on a syscall the supervisor does not emulate. It
 * would have to be answered CONTINUE, and the kernel would read the target's memory again
 * after the check. execve/execveat and chdir are the exceptions: they cannot be emulated at all
 * (only the kernel can replace the caller's program or change its working directory), are
 * answered CONTINUE, verified afterwards and marked "not race-free" by `bouncer policy check`
 * (docs/inspection.md).
 */
#ifndef BOUNCER_SUPERVISE_CHECK_H
#define BOUNCER_SUPERVISE_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "supervise_parse.h"

/*
 * Returns 0, or -EINVAL with err "syscalls[R].supervise[C]: ... cannot be allowed race-free
 * yet: bouncer does not emulate NAME" and the JSON path in where.
 */
int supervise_check_race_free(const struct supervise_rule *rule, char *const *names, size_t n_names,
                              size_t rule_index, char *where, size_t where_len,
                              bouncer_error_t *err);

/* Whether the rule lets execve/execveat run after a check on pointer contents (not race-free). */
/*
 * Whether an allow decided on the pointer arguments of name can be carried out: emulated, or
 * (exec, chdir, which only the kernel can do) answered CONTINUE, stated not race-free and
 * verified afterwards. Otherwise such an allow must be refused (policy, grants, remembering).
 */
bool supervise_allow_possible(const char *name);

bool supervise_rule_exec_not_race_free(const struct supervise_rule *rule, const char *name);

/* Whether the rule lets chdir run after a check of its path (not race-free). */
bool supervise_rule_chdir_not_race_free(const struct supervise_rule *rule, const char *name);

#endif
