/* SPDX-License-Identifier: MIT */
/*
 * Starting the workload: libuv's uv_spawn re-executes this binary as `bouncer __launch`
 * (child/launch.h has the contract), which installs the kernel program on itself, hands the
 * listener back over a socket and execs the command. This file owns the process handle, the
 * hand-off socket, and the forwarding of SIGINT/SIGTERM/SIGQUIT to the workload.
 */
#ifndef BOUNCER_WORKLOAD_H
#define BOUNCER_WORKLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/filter.h>
#include <uv.h>

#include "error.h"
#include "supervisor.h"

struct workload {
	uv_process_t process;
	uv_poll_t handoff;
	int handoff_fd;
	bool handoff_open;
	struct supervisor *sup;
	uv_signal_t signals[4];
	bool signals_open;
	bool exited;
	int64_t exit_status;
	int term_signal;
	bool listener_received;
	/* SIGHUP to bouncer: re-read the policy (not forwarded); NULL: ignored. */
	void (*on_hup)(struct workload *w);
	/* Called once the workload has exited and its hand-off is over. */
	void (*on_exit)(struct workload *w);
};

/*
 * Spawns `bouncer __launch -- argv...` with prog to install. seccomp_flags: extra
 * SECCOMP_FILTER_FLAG_* from the policy. Returns 0 or a negative errno with err set.
 */
int workload_start(struct workload *w, struct supervisor *sup, const struct sock_fprog *prog,
                   unsigned seccomp_flags, char *const argv[], bouncer_error_t *err);

/* Closes the signal handles (when everything is over) so the loop can end. */
void workload_close(struct workload *w);

/* The exit status bouncer reports: the workload's, or 128 + signal. */
int workload_exit_code(const struct workload *w);

#endif
