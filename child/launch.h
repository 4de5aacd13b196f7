/* SPDX-License-Identifier: MIT */
/*
 * The launcher: `bouncer __launch` is what `bouncer run` spawns (with libuv's uv_spawn, re-
 * executing /proc/self/exe). It installs the filter on itself, hands the listener to the
 * supervisor and execs the workload, so that nothing of bouncer but the filter survives in
 * the workload.
 *
 * Contract with the supervisor (supervisor/workload.c):
 *   argv:  bouncer __launch [--seccomp-flags N] -- COMMAND [ARG...]
 *          N: extra SECCOMP_FILTER_FLAG_* (decimal), besides NEW_LISTENER (+ WAIT_KILLABLE_RECV
 *          when available)
 *   fd 3:  AF_UNIX SOCK_STREAM socket to the supervisor; receives one OCI ContainerProcessState
 *          JSON message with the listener as SCM_RIGHTS "seccompFd" (see include/bouncer/
 *          sandbox.h). EOF without a message means the launcher failed before installing.
 *   fd 4:  the kernel BPF program: raw struct sock_filter[] until EOF.
 *   exit:  127 command not found, 126 found but not executable, 125 launcher failure (message
 *          on stderr "bouncer: ..."), else the workload's own status.
 * The command is resolved (PATH search as execvp does) before the filter is installed, so
 * 126/127 never depend on the policy; after the filter is installed the launcher makes no
 * syscall other than execve (and _exit if execve fails).
 */
#ifndef BOUNCER_LAUNCH_H
#define BOUNCER_LAUNCH_H

#define LAUNCH_SUBCOMMAND "__launch"
#define LAUNCH_FD_SOCKET  3
#define LAUNCH_FD_PROG    4

int launch_main(int argc, char **argv);

#endif
