/* SPDX-License-Identifier: MIT */
/*
 * `bouncer run` and `bouncer learn`: load and compile the policy, start the workload under it,
 * answer its notifications until every task that uses the filter is gone, then report.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <uv.h>

#include "cli.h"
#include "control.h"
#include "duration.h"
#include "errno_name.h"
#include "live.h"
#include "log_writer.h"
#include "policy.h"
#include "policy_compile.h"
#include "policy_load.h"
#include "reload.h"
#include "supervisor.h"
#include "workload.h"

struct run_options {
	const char *policy_path;
	const char *decisions_path;
	bool audit;
	bool fast_deny;
	bool quiet;
	bool learn;
	char **command;
	/* Live review (docs/control.md). */
	const char *control_path; /* NULL: the default path */
	bool no_control;
	uint64_t ask_timeout_ms;
	bool ask_default_allow;
	const char *rules_file;
};

struct run {
	struct run_options opt;
	uv_loop_t *loop;
	struct policy *policy;
	struct compiled_policy *compiled;
	struct supervisor sup;
	struct log_writer log;
	bool has_log;
	struct workload workload;
	struct live live;
	bool has_live;
	struct reload reload;
	char control_path[128];
	bool workload_done;
	bool finishing;
};

static void usage(FILE *out, bool learn)
{
	if (learn) {
		fputs("Usage: bouncer learn [OPTIONS] -- COMMAND [ARG...]\n"
		      "\n"
		      "Run COMMAND with every syscall routed to the supervisor, allowed, and "
		      "recorded\n"
		      "(audit mode with a policy that allows nothing in the kernel).\n"
		      "\n"
		      "  -b, --base PROFILE      keep PROFILE's allows in the kernel; record the "
		      "rest\n"
		      "  -o, --decisions FILE    append decision records (JSON Lines) to FILE; - = "
		      "stdout\n"
		      "  -q, --quiet             no summary on stderr at exit\n"
		      "  -h, --help              this help\n",
		      out);
		return;
	}
	fputs("Usage: bouncer run [OPTIONS] -- COMMAND [ARG...]\n"
	      "\n"
	      "Run COMMAND under a seccomp policy decided by bouncer's supervisor; record every\n"
	      "decision the supervisor makes.\n"
	      "\n"
	      "  -p, --policy FILE       policy (Docker/OCI seccomp profile); default: the "
	      "embedded\n"
	      "                          policy (see `bouncer policy default`)\n"
	      "  -o, --decisions FILE    append decision records (JSON Lines) to FILE; - = stdout\n"
	      "      --mode MODE         enforce (default) or audit: allow what the policy would "
	      "deny\n"
	      "                          or kill, and record it as \"would\"\n"
	      "      --fast-deny         keep ERRNO and KILL_PROCESS decisions in the kernel "
	      "(faster,\n"
	      "                          not recorded)\n"
	      "  -q, --quiet             no summary on stderr at exit\n"
	      "\n"
	      "Live review (docs/control.md; `bouncer ctl --help`):\n"
	      "      --control PATH      control socket for `bouncer ctl` (default:\n"
	      "                          /run/bouncer/PID.sock for root, else\n"
	      "                          $XDG_RUNTIME_DIR/bouncer/PID.sock)\n"
	      "      --no-control        no control socket\n"
	      "      --ask-timeout DUR   how long a syscall decided \"ask\" waits for an "
	      "operator\n"
	      "                          (500ms, 30s, 5m; default 60s)\n"
	      "      --ask-default D     allow or deny (default) when nobody answered in time\n"
	      "      --rules-file FILE   remembered \"always\" rules: loaded at start, saved on "
	      "change\n"
	      "  SIGHUP re-reads the policy file (as `bouncer ctl reload`).\n"
	      "\n"
	      "  -h, --help              this help\n"
	      "\n"
	      "Exit status: COMMAND's; 128+N if it died of signal N; 125 if bouncer failed before\n"
	      "starting it; 126 if it could not be executed; 127 if it was not found.\n",
	      out);
}

static int parse_options(int argc, char **argv, struct run_options *opt)
{
	enum {
		OPT_MODE = 256,
		OPT_FAST_DENY,
		OPT_CONTROL,
		OPT_NO_CONTROL,
		OPT_ASK_TIMEOUT,
		OPT_ASK_DEFAULT,
		OPT_RULES_FILE,
	};
	static const struct option run_longopts[] = {
	        {"policy", required_argument, NULL, 'p'},
	        {"decisions", required_argument, NULL, 'o'},
	        {"mode", required_argument, NULL, OPT_MODE},
	        {"fast-deny", no_argument, NULL, OPT_FAST_DENY},
	        {"control", required_argument, NULL, OPT_CONTROL},
	        {"no-control", no_argument, NULL, OPT_NO_CONTROL},
	        {"ask-timeout", required_argument, NULL, OPT_ASK_TIMEOUT},
	        {"ask-default", required_argument, NULL, OPT_ASK_DEFAULT},
	        {"rules-file", required_argument, NULL, OPT_RULES_FILE},
	        {"quiet", no_argument, NULL, 'q'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	static const struct option learn_longopts[] = {
	        {"base", required_argument, NULL, 'b'},
	        {"decisions", required_argument, NULL, 'o'},
	        {"quiet", no_argument, NULL, 'q'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	int c;

	memset(opt, 0, sizeof(*opt));
	opt->ask_timeout_ms = 60 * 1000;
	opt->learn = strcmp(argv[0], "learn") == 0;
	optind = 1;
	/* '+': stop at the first non-option, the command. */
	while ((c = getopt_long(argc, argv, opt->learn ? "+b:o:qh" : "+p:o:qh",
	                        opt->learn ? learn_longopts : run_longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
		case 'b':
			opt->policy_path = optarg;
			break;
		case 'o':
			opt->decisions_path = optarg;
			break;
		case OPT_MODE:
			if (strcmp(optarg, "enforce") == 0) {
				opt->audit = false;
			} else if (strcmp(optarg, "audit") == 0) {
				opt->audit = true;
			} else {
				fprintf(stderr,
				        "bouncer: --mode: expected enforce or audit, not \"%s\"\n",
				        optarg);
				return -EINVAL;
			}
			break;
		case OPT_FAST_DENY:
			opt->fast_deny = true;
			break;
		case OPT_CONTROL:
			opt->control_path = optarg;
			break;
		case OPT_NO_CONTROL:
			opt->no_control = true;
			break;
		case OPT_ASK_TIMEOUT:
			if (duration_parse(optarg, &opt->ask_timeout_ms) < 0) {
				fprintf(stderr,
				        "bouncer: --ask-timeout: expected a duration such as "
				        "500ms, "
				        "30s or 5m, not \"%s\"\n",
				        optarg);
				return -EINVAL;
			}
			break;
		case OPT_ASK_DEFAULT:
			if (strcmp(optarg, "allow") == 0 || strcmp(optarg, "deny") == 0) {
				opt->ask_default_allow = optarg[0] == 'a';
			} else {
				fprintf(stderr,
				        "bouncer: --ask-default: expected allow or deny, not "
				        "\"%s\"\n",
				        optarg);
				return -EINVAL;
			}
			break;
		case OPT_RULES_FILE:
			opt->rules_file = optarg;
			break;
		case 'q':
			opt->quiet = true;
			break;
		case 'h':
			usage(stdout, opt->learn);
			return 1;
		default:
			fprintf(stderr, "Try 'bouncer %s --help'.\n", argv[0]);
			return -EINVAL;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "bouncer %s: no command given\nTry 'bouncer %s --help'.\n", argv[0],
		        argv[0]);
		return -EINVAL;
	}
	if (opt->learn)
		opt->audit = true;
	opt->command = argv + optind;
	return 0;
}

static int load_policy(struct run *run, const char **name, bouncer_error_t *err)
{
	struct compile_options copts = {
	        .audit = run->opt.audit,
	        .fast_deny = run->opt.fast_deny && !run->opt.audit,
	        .route_exec = true,
	        .route_identity = true,
	};
	enum policy_source source = run->opt.policy_path != NULL ? POLICY_FROM_FILE
	                            : run->opt.learn             ? POLICY_FROM_LEARN
	                                                         : POLICY_FROM_DEFAULT;

	return policy_load_and_compile(source, run->opt.policy_path, copts, &run->policy,
	                               &run->compiled, name, err);
}

static void on_log_closed(struct log_writer *writer)
{
	(void)writer;
}

static void finish(struct run *run)
{
	if (run->finishing)
		return;
	run->finishing = true;
	workload_close(&run->workload);
	if (run->has_live)
		live_close(&run->live);
	supervisor_close(&run->sup);
	if (run->has_log)
		log_writer_close(&run->log, on_log_closed);
}

static void on_workload_exit(struct workload *w)
{
	struct run *run = (struct run *)((char *)w - offsetof(struct run, workload));

	run->workload_done = true;
	if (run->sup.listeners == 0)
		finish(run);
}

static void on_all_listeners_closed(struct supervisor *sup)
{
	struct run *run = (struct run *)((char *)sup - offsetof(struct run, sup));

	if (run->workload_done)
		finish(run);
}

static int reload_live(struct live *live, const char *file, json_t **report, bouncer_error_t *err)
{
	struct run *run = live->reload_data;
	int rc = reload_policy(&run->reload, file, report, err);

	if (rc == 0)
		live->reloads++;
	else
		live->reload_failures++;
	return rc;
}

static void on_hup(struct workload *w)
{
	struct run *run = (struct run *)((char *)w - offsetof(struct run, workload));
	bouncer_error_t err = {0};
	json_t *report = NULL, *changes, *warnings;
	size_t n;

	if (reload_policy(&run->reload, NULL, &report, &err) < 0) {
		fprintf(stderr,
		        "bouncer: SIGHUP: reload refused: %s\nbouncer: the old policy keeps "
		        "running\n",
		        err.msg);
		if (run->has_live)
			run->live.reload_failures++;
		return;
	}
	if (run->has_live) {
		run->live.reloads++;
		/* Held calls the new policy decides are answered now (by whoever sent SIGHUP:
		 * recorded with the run's own uid). */
		json_decref(live_release_decided(&run->live, getuid(), true));
	}
	warnings = json_object_get(report, "warnings");
	for (size_t i = 0; i < json_array_size(warnings); i++)
		policy_print_warning(json_string_value(json_array_get(warnings, i)));
	changes = json_object_get(report, "new_workloads_only");
	n = json_array_size(changes);
	fprintf(stderr, "bouncer: SIGHUP: policy reloaded from %s\n",
	        json_string_value(json_object_get(report, "policy")));
	if (n > 0)
		fprintf(stderr,
		        "bouncer: %zu syscalls change between kernel and supervisor: only new "
		        "workloads see that (`bouncer ctl reload` lists them)\n",
		        n);
	json_decref(report);
}

static int start_live(struct run *run, bouncer_error_t *err)
{
	struct compile_options copts = {
	        .audit = run->opt.audit,
	        .fast_deny = run->opt.fast_deny && !run->opt.audit,
	        .route_exec = true,
	        .route_identity = true,
	};
	struct live_options lopt = {
	        .ask_timeout_ms = run->opt.ask_timeout_ms,
	        .ask_default_allow = run->opt.ask_default_allow,
	        .rules_file = run->opt.rules_file,
	};
	int rc;

	reload_init(&run->reload, &run->sup, run->compiled,
	            run->opt.learn ? NULL : run->opt.policy_path, &copts);
	if (!run->opt.no_control) {
		if (run->opt.control_path != NULL) {
			snprintf(run->control_path, sizeof(run->control_path), "%s",
			         run->opt.control_path);
		} else {
			rc = control_default_path(run->control_path, sizeof(run->control_path),
			                          err);
			if (rc < 0)
				return rc;
		}
		lopt.control_path = run->control_path;
	}
	rc = live_init(&run->live, &run->sup, run->compiled, &lopt, err);
	if (rc < 0)
		return rc;
	run->has_live = true;
	run->live.reload = reload_live;
	run->live.reload_data = run;
	if (!run->opt.quiet && lopt.control_path != NULL)
		fprintf(stderr, "bouncer: control socket: %s\n", lopt.control_path);
	return 0;
}

static void report(struct run *run)
{
	if (run->has_log && run->log.error < 0)
		fprintf(stderr, "bouncer: writing decisions to %s failed: %s (%llu records kept)\n",
		        run->opt.decisions_path, uv_strerror(run->log.error),
		        (unsigned long long)run->log.records);
	if (run->sup.record_failures)
		fprintf(stderr, "bouncer: %llu records could not be buffered (out of memory)\n",
		        (unsigned long long)run->sup.record_failures);
	if (run->sup.failures)
		fprintf(stderr,
		        "bouncer: %llu notifications failed unexpectedly (each one was denied)\n",
		        (unsigned long long)run->sup.failures);
	if (!run->opt.quiet)
		summary_print(run->sup.summary, &run->sup.names, stderr);
}

int cmd_run(int argc, char **argv)
{
	struct run *run = calloc(1, sizeof(*run));
	bouncer_error_t err = {0};
	const char *policy_name;
	sigset_t hup;
	int rc, code = EXIT_BOUNCER_FAILED;

	if (run == NULL)
		return EXIT_BOUNCER_FAILED;
	rc = parse_options(argc, argv, &run->opt);
	if (rc != 0) {
		free(run);
		return rc > 0 ? 0 : EXIT_BOUNCER_FAILED;
	}
	/* The decision log may be a pipe that closes early; that must not kill the supervisor. */
	signal(SIGPIPE, SIG_IGN);
	/*
	 * Not dumpable: a workload of the same uid cannot ptrace the supervisor or open its
	 * /proc/PID/fd (it would steal the listener and answer its own notifications).
	 */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

	run->loop = uv_default_loop();
	rc = load_policy(run, &policy_name, &err);
	if (rc < 0)
		goto fail;
	rc = supervisor_init(&run->sup, run->loop, run->compiled, policy_name, run->opt.audit,
	                     &err);
	if (rc < 0)
		goto fail;
	run->sup.quiet = run->opt.quiet;
	run->sup.on_all_listeners_closed = on_all_listeners_closed;
	if (run->opt.decisions_path != NULL) {
		rc = log_writer_open(&run->log, run->loop, run->opt.decisions_path, &err);
		if (rc < 0)
			goto fail;
		run->has_log = true;
		run->sup.log = &run->log;
	}

	/*
	 * SIGHUP re-reads the policy, but only once workload_start() has set up the signal
	 * handles; the control socket exists before that, so a SIGHUP sent as soon as it appears
	 * waits (blocked) instead of ending bouncer. The launcher does not inherit the mask
	 * (uv_spawn resets it in the child).
	 */
	sigemptyset(&hup);
	sigaddset(&hup, SIGHUP);
	sigprocmask(SIG_BLOCK, &hup, NULL);
	rc = start_live(run, &err);
	if (rc < 0)
		goto fail;

	/*
	 * The kernel filter is the one compiled here, and stays (a reload changes the shadow):
	 * the callers' identity may be cached when it routes every change and thread exits are
	 * seen (identity.h).
	 */
	run->sup.identity.trusted = policy_identity_routed(run->compiled) && run->sup.exits.threads;
	rc = workload_start(&run->workload, &run->sup, compiled_policy_kernel_prog(run->compiled),
	                    compiled_policy_seccomp_flags(run->compiled), run->opt.command, &err);
	if (rc < 0)
		goto fail;
	run->workload.on_exit = on_workload_exit;
	run->workload.on_hup = on_hup;
	sigprocmask(SIG_UNBLOCK, &hup, NULL);
	if (!run->opt.quiet && !run->sup.exits.threads)
		fprintf(stderr,
		        "bouncer: note: this kernel has no PIDFD_THREAD (Linux 6.9): a thread id "
		        "reused as a process id while its old process lives is recorded with the "
		        "old process's identity, and callers' credentials are read per call, not "
		        "cached\n");

	uv_run(run->loop, UV_RUN_DEFAULT);

	if (!run->opt.quiet && run->workload.listener_received && !run->sup.sync_wake_up)
		fprintf(stderr,
		        "bouncer: note: this kernel has no SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP "
		        "(Linux 6.6); supervised calls were slower\n");
	report(run);
	code = workload_exit_code(&run->workload);
	if (run->has_log)
		log_writer_release(&run->log);
	if (run->has_live)
		live_release(&run->live);
	supervisor_release(&run->sup);
	reload_release(&run->reload);
	compiled_policy_free(run->compiled);
	policy_free(run->policy);
	uv_loop_close(run->loop);
	free(run);
	return code;

fail:
	fprintf(stderr, "bouncer: %s\n", err.msg);
	if (run->has_live) {
		/* Removes the socket file; the process ends without running the loop again. */
		live_close(&run->live);
		live_release(&run->live);
	}
	if (run->has_log)
		log_writer_release(&run->log);
	if (run->sup.procs != NULL)
		supervisor_release(&run->sup);
	compiled_policy_free(run->compiled);
	policy_free(run->policy);
	free(run);
	return EXIT_BOUNCER_FAILED;
}
