/* SPDX-License-Identifier: MIT */
/* Subcommand dispatch and the exit statuses every subcommand shares. */
#ifndef BOUNCER_CLI_H
#define BOUNCER_CLI_H

/* Exit statuses of `bouncer run`, after env(1) and timeout(1). */
enum {
	EXIT_BOUNCER_FAILED = 125, /* bouncer failed before starting the workload */
	EXIT_CANNOT_EXECUTE = 126, /* the command was found but could not be executed */
	EXIT_NOT_FOUND = 127,      /* the command was not found */
	EXIT_SIGNAL_BASE = 128,    /* the workload died of signal N: 128 + N */
};

/* Exit statuses of checking subcommands (policy check, profile check/lint). */
enum {
	EXIT_CHECK_OK = 0,
	EXIT_CHECK_FAILED = 1, /* the input is invalid / does not pass */
	EXIT_USAGE = 2,        /* bad options */
};

int cli_main(int argc, char **argv);

/* Subcommands: each takes argv with argv[0] = the subcommand's name. */
int cmd_run(int argc, char **argv);    /* run and learn */
int cmd_policy(int argc, char **argv); /* policy check */
int cmd_agent(int argc, char **argv);  /* the OCI seccomp agent */
int cmd_ctl(int argc, char **argv);    /* ctl: talk to a running `run` */

#endif
