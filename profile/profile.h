/* SPDX-License-Identifier: MIT */
/*
 * `bouncer profile`: turning decision logs (docs/decision-log.md) into finalized static seccomp
 * profiles, and checking, comparing, merging and linting such profiles. See docs/profile.md.
 */
#ifndef BOUNCER_PROFILE_H
#define BOUNCER_PROFILE_H

/* argv[0] is "profile"; argv[1] names the subcommand (generate, merge, check, diff, lint,
 * import). Returns the process exit status: 0 success, 1 check/lint failed or error, 2 usage. */
int cmd_profile(int argc, char **argv);

#endif
