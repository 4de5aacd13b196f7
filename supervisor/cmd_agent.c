/* SPDX-License-Identifier: MIT */
/*
 * `bouncer agent`: the seccomp agent of container runtimes. runc and crun connect to its
 * socket (linux.seccomp.listenerPath in the OCI config) and hand over each container process's
 * listener; programs using libbouncer-sandbox can do the same. One loop supervises them all
 * with one policy, which must be the profile the runtime loaded (its SCMP_ACT_NOTIFY rules are
 * the calls that reach bouncer). Runs until SIGINT or SIGTERM; then the supervised workloads'
 * remaining notified calls fail with ENOSYS, as the kernel answers without a supervisor.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include <uv.h>

#include "agent_server.h"
#include "cli.h"
#include "log_writer.h"
#include "policy_load.h"
#include "supervisor.h"

struct agent {
	struct supervisor sup;
	struct agent_server server;
	struct log_writer log;
	bool has_log;
	uv_signal_t signals[2];
	bool stopping;
};

static void usage(FILE *out)
{
	fputs("Usage: bouncer agent --socket PATH [OPTIONS]\n"
	      "\n"
	      "Supervise the processes whose seccomp listener is handed to PATH: OCI runtimes\n"
	      "(runc, crun: set linux.seccomp.listenerPath to PATH) and programs using\n"
	      "libbouncer-sandbox. Runs until SIGINT or SIGTERM.\n"
	      "\n"
	      "  -s, --socket PATH       the unix socket to listen on (created mode 0600)\n"
	      "  -p, --policy FILE       the profile the runtime loaded (default: the embedded "
	      "one)\n"
	      "  -o, --decisions FILE    append decision records (JSON Lines) to FILE; - = stdout\n"
	      "      --mode MODE         enforce (default) or audit\n"
	      "  -q, --quiet             no messages per connection, no summary at exit\n"
	      "  -h, --help              this help\n",
	      out);
}

static void on_log_closed(struct log_writer *writer)
{
	(void)writer;
}

static void on_signal(uv_signal_t *handle, int signum)
{
	struct agent *a = handle->data;

	if (a->stopping)
		return;
	a->stopping = true;
	agent_server_close(&a->server, NULL);
	supervisor_close_listeners(&a->sup);
	supervisor_close(&a->sup);
	for (int i = 0; i < 2; i++)
		uv_close((uv_handle_t *)&a->signals[i], NULL);
	if (a->has_log)
		log_writer_close(&a->log, on_log_closed);
}

int cmd_agent(int argc, char **argv)
{
	enum { OPT_MODE = 256 };
	static const struct option longopts[] = {
	        {"socket", required_argument, NULL, 's'},
	        {"policy", required_argument, NULL, 'p'},
	        {"decisions", required_argument, NULL, 'o'},
	        {"mode", required_argument, NULL, OPT_MODE},
	        {"quiet", no_argument, NULL, 'q'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	const char *socket_path = NULL, *policy_path = NULL, *log_path = NULL, *name;
	struct compile_options copts = {.route_exec = true};
	struct compiled_policy *compiled = NULL;
	struct policy *policy = NULL;
	bouncer_error_t err = {0};
	struct agent *a;
	bool quiet = false;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:p:o:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			socket_path = optarg;
			break;
		case 'p':
			policy_path = optarg;
			break;
		case 'o':
			log_path = optarg;
			break;
		case OPT_MODE:
			if (strcmp(optarg, "audit") != 0 && strcmp(optarg, "enforce") != 0) {
				fprintf(stderr,
				        "bouncer: --mode: expected enforce or audit, not \"%s\"\n",
				        optarg);
				return EXIT_USAGE;
			}
			copts.audit = strcmp(optarg, "audit") == 0;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fputs("Try 'bouncer agent --help'.\n", stderr);
			return EXIT_USAGE;
		}
	}
	if (socket_path == NULL || optind != argc) {
		fputs(socket_path == NULL ? "bouncer agent: --socket PATH is required\n"
		                          : "bouncer agent: unexpected arguments\n",
		      stderr);
		fputs("Try 'bouncer agent --help'.\n", stderr);
		return EXIT_USAGE;
	}
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return EXIT_BOUNCER_FAILED;
	signal(SIGPIPE, SIG_IGN);
	/* Workloads must not be able to ptrace the agent or open its fds (see cmd_run.c). */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

	rc = policy_load_and_compile(policy_path ? POLICY_FROM_FILE : POLICY_FROM_DEFAULT,
	                             policy_path, copts, &policy, &compiled, &name, &err);
	if (rc == 0)
		rc = supervisor_init(&a->sup, uv_default_loop(), compiled, name, copts.audit, &err);
	/*
	 * The runtimes' filters come from the profile, not from bouncer: exec and identity
	 * changes do not reach the agent, so nothing about a caller is trusted from a cache
	 * without checking (procinfo.h, identity.h).
	 */
	if (rc == 0)
		a->sup.procs->verify_exe = true;
	if (rc == 0 && log_path != NULL) {
		rc = log_writer_open(&a->log, a->sup.loop, log_path, &err);
		a->has_log = rc == 0;
		if (rc == 0)
			a->sup.log = &a->log;
	}
	if (rc == 0)
		rc = agent_server_start(&a->server, &a->sup, socket_path, &err);
	if (rc < 0) {
		fprintf(stderr, "bouncer: %s\n", err.msg);
		if (a->has_log)
			log_writer_release(&a->log);
		if (a->sup.procs != NULL)
			supervisor_release(&a->sup);
		compiled_policy_free(compiled);
		policy_free(policy);
		free(a);
		return EXIT_BOUNCER_FAILED;
	}
	a->server.quiet = quiet;
	a->sup.quiet = quiet;
	for (int i = 0; i < 2; i++) {
		uv_signal_init(a->sup.loop, &a->signals[i]);
		a->signals[i].data = a;
		uv_signal_start(&a->signals[i], on_signal, i == 0 ? SIGINT : SIGTERM);
	}
	if (!quiet)
		fprintf(stderr, "bouncer: agent listening on %s\n", socket_path);

	uv_run(a->sup.loop, UV_RUN_DEFAULT);

	if (a->has_log && a->log.error < 0)
		fprintf(stderr, "bouncer: writing decisions to %s failed: %s\n", log_path,
		        uv_strerror(a->log.error));
	if (!quiet) {
		fprintf(stderr,
		        "bouncer: agent: %llu listener%s received, %llu connection%s refused\n",
		        (unsigned long long)a->server.accepted, a->server.accepted == 1 ? "" : "s",
		        (unsigned long long)a->server.rejected, a->server.rejected == 1 ? "" : "s");
		summary_print(a->sup.summary, &a->sup.names, stderr);
	}
	if (a->has_log)
		log_writer_release(&a->log);
	supervisor_release(&a->sup);
	compiled_policy_free(compiled);
	policy_free(policy);
	uv_loop_close(a->sup.loop);
	free(a);
	return 0;
}
