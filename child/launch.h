/* SPDX-License-Identifier: MIT */
/*
 * The launcher: `bouncer __launch` is what `bouncer run` spawns (with libuv's uv_spawn, re-
 * executing /proc/self/exe). It installs the filter on itself, hands the listener to the
 * supervisor and execs the workload, so that nothing of bouncer but the filter survives in
 * the workload.
 *
 * Contract with the supervisor (supervisor/workload.c):
 *   argv:  bouncer __launch [--seccomp-flags N] -- COMMAND [ARG...]
 *          (launch_main's argv[0] is the subcommand's name, as for every subcommand)
 *          N: extra SECCOMP_FILTER_FLAG_* (decimal), besides NEW_LISTENER (+ WAIT_KILLABLE_RECV
 *          when available); TSYNC is refused (exit 125).
 *   fd 3:  AF_UNIX SOCK_STREAM socket to the supervisor; receives one OCI ContainerProcessState
 *          JSON message with the listener as SCM_RIGHTS "seccompFd" (see include/bouncer/
 *          sandbox.h), "metadata": "". EOF without a message means the launcher failed before
 *          installing. Made close-on-exec: the workload never holds it.
 *   fd 4:  the kernel BPF program: raw struct sock_filter[] until EOF (1..BPF_MAXINSNS
 *          instructions); closed before the install.
 *   exit:  127 command not found, 126 found but not executable, 125 launcher failure (message
 *          on stderr "bouncer: launcher: ..."), else the workload's own status.
 * The command is resolved (PATH search as execvp does; PATH unset: /usr/local/bin:/usr/bin:/bin)
 * before the filter is installed, so 126/127 never depend on the policy. After the install the
 * launcher's only syscall is execve of the command (plus execve of /bin/sh for a script without
 * "#!" line, as execvp does). If execve fails it writes one message "bouncer: COMMAND: reason"
 * to stderr and exits 127 (ENOENT: e.g. a missing "#!" interpreter) or 126; the supervisor
 * holds the listener by then, so these syscalls are answered and recorded like any other.
 * If the hand-off itself fails after the install, the launcher _exits 125 silently (EOF without
 * a message; nobody holds the listener, trapped syscalls fail with ENOSYS; if exit_group is
 * trapped the launcher dies of SIGSEGV instead).
 *
 * launch_main() returns the exit status when it fails before the install; after it, it never
 * returns.
 */
#ifndef BOUNCER_LAUNCH_H
#define BOUNCER_LAUNCH_H

#define LAUNCH_SUBCOMMAND "__launch"
#define LAUNCH_FD_SOCKET 3
#define LAUNCH_FD_PROG 4

int launch_main(int argc, char **argv);

#endif
