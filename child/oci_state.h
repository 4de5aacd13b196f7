/* SPDX-License-Identifier: MIT */
/*
 * The message a sandboxed process sends with its listener: the OCI runtime-spec
 * ContainerProcessState (the seccomp agent protocol of linux.seccomp.listenerPath), written by
 * hand because libbouncer-sandbox depends on nothing but libc and pthreads.
 */
#ifndef BOUNCER_OCI_STATE_H
#define BOUNCER_OCI_STATE_H

#include <sys/types.h>

/* The ociVersion we claim: the runtime-spec release that defines ContainerProcessState. */
#define OCI_STATE_VERSION "1.0.2"

/*
 * Formats the ContainerProcessState of process pid, with the listener as the only fd
 * ("fds": ["seccompFd"]) and metadata (a UTF-8 string, escaped for JSON here).
 * On success stores a malloc'd NUL-terminated message in *out and returns its length (without
 * the NUL); returns -EINVAL if metadata is not valid UTF-8, -ENOMEM on allocation failure.
 */
int oci_state_format(pid_t pid, const char *metadata, char **out);

#endif
