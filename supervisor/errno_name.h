/* SPDX-License-Identifier: MIT */
/*
 * Linux errno numbers and their names ("EPERM" = 1), for policies (errnoRet may be written by
 * name in bouncer's extensions) and for decision records ({"name": "EPERM", "nr": 1}).
 */
#ifndef BOUNCER_ERRNO_NAME_H
#define BOUNCER_ERRNO_NAME_H

/* The largest number errno_from_name() accepts as a decimal string: the kernel's MAX_ERRNO. */
#define ERRNO_NAME_MAX_NUMBER 4095

/* "EPERM" for 1, ...; NULL when Linux has no name for e (0, 41, 58, > 133, negative). */
const char *errno_name(int e);

/*
 * The number for a name ("EPERM", or an alias such as "EWOULDBLOCK", "EDEADLOCK", "ENOTSUP"),
 * or for a decimal string ("13", 0..ERRNO_NAME_MAX_NUMBER). Returns -1 when unknown.
 */
int errno_from_name(const char *name);

#endif
